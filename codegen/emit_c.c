/* SPDX-License-Identifier: MIT */
/*
 * emit_c.c - writes a planned graph as one standalone C file (and, through
 * emit_h.c, its header).
 *
 * The file holds: the banner; the runtime kernels the model uses, embedded
 * verbatim from runtime/ with RT_API defined as `static`; one static const
 * weight array per constant read by a node (IEEE bit patterns in hex, exact);
 * one static function per node that fills the kernel's parameter struct with
 * literal numbers and calls the kernel; NAME_run_ws, which points every tensor at
 * its planned offset in the caller's workspace (graph inputs and outputs at the
 * caller's arrays, constants at the weights) and calls the node functions in
 * schedule order (with --profile, each call between two calls of the
 * application's timing hook, inside #ifdef NAME_PROFILE); and NAME_run over a
 * static workspace.
 *
 * Invariants relied on: the graph went through the pipeline (shapes known,
 * shape arithmetic folded away, Tensor.offset set for every intermediate), and
 * in-place reuse (an Add writing over its input) only happens where the kernel
 * allows aliasing, so node functions take no `restrict` pointers. Output is a
 * pure function of graph and options: everything is walked in id or schedule
 * order, and numbers are printed in a locale-free way.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cg_internal.h"
#include "rt_kernels.h"

/* How a node is emitted. */
typedef enum EmitKind {
    EK_CONV, EK_POOL, EK_RESIZE, EK_BINARY, EK_UNARY, EK_COPY,
    EK_OPS,                    /* the ops of emit_ops.c */
    EK_TYPED,                  /* data not all f32: the typed kernels (cg_emit_typed_body) */
} EmitKind;

/* Runtime sources a kernel class needs, in the fixed order they are emitted;
 * the last three serve the fast kernels (emit_fast.c). */
static const char *const kernel_files[] = {"conv.c", "maxpool.c", "resize.c", "binary.c",
                                           "unary.c", "copy.c", "avgpool.c",
                                           "conv_transpose.c", "norm.c", "matmul.c",
                                           "reduce.c", "window3d.c", "rt_vec.h",
                                           "conv_fast.c", "pool_blocked.c", "typed.c",
                                           "blocked_ops.c", "conv_dw.c", "gemm_fast.c"};
/* The typed kernels; the fast kernels' files come from their ir_kernels entry
 * (rt_vec.h precedes its users in the order above). */
enum { FILE_TYPED = 15 };

typedef struct NodeInfo {
    EmitKind kind;
    int n_args;                /* data inputs passed to the node function */
    int arg[3];                /* their tensor ids (-1: omitted bias) */
    const char *role[3];       /* their parameter names in the node function */
    int out;                   /* the output tensor id */
    size_t file;               /* index in kernel_files of its reference kernel, or past the end */
} NodeInfo;

typedef struct Emitter {
    CgPlan pl;
    const Graph *g;
    Diag *d;
    NodeInfo *info;            /* per node */
    bool *is_weight;           /* per tensor: emitted as a weight array */
    bool *is_local;            /* per tensor: a pointer into the workspace */
    int *uses;                 /* per tensor: readers, +1 for a graph output */
    bool need_file[ARRAY_LEN(kernel_files)];
} Emitter;

/* ------------------------------------------------------------ analysis */

static bool check_data(Emitter *e, const Node *n, int tid)
{
    const Tensor *t = &e->g->tensors[tid];
    char q[CG_QUOTE_MAX * 4 + 16];
    cg_quote(t->name, CG_QUOTE_MAX, q, sizeof q);
    if (!dtype_ctype(t->dtype))
        return diag_fail(e->d, ST_UNSUPPORTED, n, "tensor %s has element type %s", q,
                         dtype_name(t->dtype));
    if (!ir_shape_known(t))
        return diag_fail(e->d, ST_UNSUPPORTED, n, "shape of tensor %s is not known (use --shape)", q);
    int64_t ne = ir_numel(t);
    if (ne < 0 || ne > INT_MAX / 4)
        return diag_fail(e->d, ST_UNSUPPORTED, n, "tensor %s has %" PRId64 " elements", q, ne);
    if (t->kind == TK_CONST && ne == 0)
        return true;   /* passed as NULL: kernels read nothing of an empty tensor */
    if (t->kind == TK_CONST) {
        if (!t->data)
            return diag_fail(e->d, ST_INTERNAL, n, "constant %s has no data", q);
        e->is_weight[tid] = true;
    } else if (t->kind == TK_VALUE && !t->is_output) {
        if (t->offset < 0)
            return diag_fail(e->d, ST_INTERNAL, n, "tensor %s has no planned buffer", q);
        e->is_local[tid] = true;
    }
    return true;
}

static void need_file(Emitter *e, const char *name)
{
    for (size_t f = 0; f < ARRAY_LEN(kernel_files); f++)
        if (strcmp(kernel_files[f], name) == 0)
            e->need_file[f] = true;
}

/* The ops of emit_ops.c: every data input and written output is checked. */
static bool analyze_op(Emitter *e, int i, const int *uses)
{
    const Node *n = &e->g->nodes[i];
    NodeInfo *ni = &e->info[i];
    ni->kind = EK_OPS;
    ni->n_args = 0;
    ni->out = n->n_out > 0 ? n->out[0] : -1;
    if (ni->out < 0)
        return diag_fail(e->d, ST_INTERNAL, n, "missing output");
    for (int k = 0; k < n->n_in; k++)
        if (cg_op_passes_input(n, k) && !check_data(e, n, n->in[k]))
            return false;
    for (int k = 0; k < n->n_out; k++) {
        if (cg_op_writes_output(n, k)) {
            if (!check_data(e, n, n->out[k]))
                return false;
            if (e->g->tensors[n->out[k]].kind != TK_VALUE)
                return diag_fail(e->d, ST_INTERNAL, n, "output is not a computed value");
        } else if (n->out[k] >= 0 && uses[n->out[k]] > 0) {
            return diag_fail(e->d, ST_UNSUPPORTED, n, "output %d is not supported", k);
        }
    }
    const char *file = cg_op_kernel_file(e->g, n);
    if (!file)
        return diag_fail(e->d, ST_INTERNAL, n, "no kernel file for %s", op_name(n->op));
    need_file(e, file);
    if (n->act != ACT_NONE)
        need_file(e, "unary.c");
    return true;
}

/* A node whose data is not all f32: its data inputs and read outputs. */
static bool analyze_typed(Emitter *e, int i, const int *uses)
{
    const Node *n = &e->g->nodes[i];
    NodeInfo *ni = &e->info[i];
    ni->kind = EK_TYPED;
    ni->n_args = 0;
    ni->out = n->out[0];
    ni->file = FILE_TYPED;
    if (!ir_typed_check(e->g, n, e->d))
        return false;
    for (int k = 0; k < n->n_in; k++)
        if (cg_op_passes_input(n, k) && !check_data(e, n, n->in[k]))
            return false;
    for (int k = 0; k < n->n_out; k++) {
        if (!cg_typed_writes_output(n, k, uses))
            continue;
        if (!check_data(e, n, n->out[k]))
            return false;
        if (e->g->tensors[n->out[k]].kind != TK_VALUE)
            return diag_fail(e->d, ST_INTERNAL, n, "output is not a computed value");
    }
    if (n->act != ACT_NONE)
        need_file(e, "unary.c");
    return true;
}

/* Classifies node i and marks the tensors and runtime files it needs. */
static bool analyze_node(Emitter *e, int i, const int *uses)
{
    const Node *n = &e->g->nodes[i];
    NodeInfo *ni = &e->info[i];
    size_t file = 0;
    ni->n_args = 1;
    ni->arg[0] = n->n_in > 0 ? n->in[0] : -1;
    ni->role[0] = "x";
    ni->out = n->n_out > 0 ? n->out[0] : -1;
    if (n->op != OP_CONSTANT && n->op != OP_SHAPE && n->op != OP_CONSTANT_OF_SHAPE &&
        n->op != OP_COUNT_ && ni->out >= 0 && !ir_node_is_f32(e->g, n, uses))
        return analyze_typed(e, i, uses);
    if ((n->op == OP_CONV || n->op == OP_MAXPOOL) && ir_geom_is_3d(e->g, n))
        return analyze_op(e, i, uses);   /* 3-D: window3d.c through emit_ops.c */
    switch (n->op) {
    case OP_CONV:
        ni->kind = EK_CONV;
        file = 0;
        ni->n_args = 3;
        ni->arg[1] = n->in[1];
        ni->arg[2] = n->n_in > 2 ? n->in[2] : -1;
        ni->role[1] = "w";
        ni->role[2] = "b";
        break;
    case OP_MAXPOOL:
        ni->kind = EK_POOL;
        file = 1;
        if (n->n_out > 1 && n->out[1] >= 0 && uses[n->out[1]] > 0)
            return diag_fail(e->d, ST_UNSUPPORTED, n, "the Indices output of MaxPool is not supported");
        break;
    case OP_RESIZE:
    case OP_UPSAMPLE:
        ni->kind = EK_RESIZE;
        file = 2;
        break;
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
        ni->kind = EK_BINARY;
        file = 3;
        ni->n_args = 2;
        ni->arg[1] = n->in[1];
        ni->role[0] = "a";
        ni->role[1] = "b";
        break;
    case OP_SIGMOID:
    case OP_RELU:
        ni->kind = EK_UNARY;
        file = 4;
        break;
    case OP_IDENTITY:
    case OP_RESHAPE:
    case OP_SQUEEZE:
    case OP_UNSQUEEZE:
    case OP_FLATTEN:
    case OP_DROPOUT:
    case OP_CAST:
        ni->kind = EK_COPY;
        file = ARRAY_LEN(kernel_files);
        for (int k = 1; k < n->n_out; k++)
            if (n->out[k] >= 0 && uses[n->out[k]] > 0)
                return diag_fail(e->d, ST_UNSUPPORTED, n, "output %d is not supported", k);
        break;
    case OP_CONSTANT:
    case OP_SHAPE:
    case OP_CONSTANT_OF_SHAPE:
    case OP_COUNT_:
        return diag_fail(e->d, ST_UNSUPPORTED, n,
                         "not constant after folding: %s has no kernel in emitted code",
                         op_name(n->op));
    case OP_GATHER:
    case OP_CONCAT:
    case OP_SLICE:
    case OP_FLOOR:
    case OP_CEIL:
    case OP_CONV_TRANSPOSE:
    case OP_AVERAGEPOOL:
    case OP_GLOBAL_AVERAGEPOOL:
    case OP_GLOBAL_MAXPOOL:
    case OP_POW:
    case OP_MAX:
    case OP_MIN:
    case OP_SUM:
    case OP_PRELU:
    case OP_LEAKY_RELU:
    case OP_TANH:
    case OP_CLIP:
    case OP_ELU:
    case OP_SELU:
    case OP_HARD_SIGMOID:
    case OP_HARD_SWISH:
    case OP_SOFTPLUS:
    case OP_MISH:
    case OP_EXP:
    case OP_LOG:
    case OP_SQRT:
    case OP_NEG:
    case OP_ABS:
    case OP_RECIPROCAL:
    case OP_ERF:
    case OP_SOFTMAX:
    case OP_LOG_SOFTMAX:
    case OP_BATCHNORM:
    case OP_INSTANCENORM:
    case OP_GROUPNORM:
    case OP_LAYERNORM:
    case OP_LRN:
    case OP_GEMM:
    case OP_MATMUL:
    case OP_TRANSPOSE:
    case OP_EXPAND:
    case OP_SPLIT:
    case OP_PAD:
    case OP_REDUCE_MEAN:
    case OP_REDUCE_SUM:
    case OP_REDUCE_MAX:
    case OP_DEPTH_TO_SPACE:
    case OP_SPACE_TO_DEPTH:
        return analyze_op(e, i, uses);
    }
    if (n->act != ACT_NONE && ni->kind != EK_CONV && ni->kind != EK_POOL && ni->kind != EK_BINARY)
        return diag_fail(e->d, ST_UNSUPPORTED, n, "fused activation %s on %s", act_name(n->act),
                         op_name(n->op));
    if (ni->out < 0 || ni->arg[0] < 0)
        return diag_fail(e->d, ST_INTERNAL, n, "missing input or output");
    if (act_has_params(n->act))
        need_file(e, "unary.c");
    for (int k = 0; k < ni->n_args; k++)
        if (ni->arg[k] >= 0 && !check_data(e, n, ni->arg[k]))
            return false;
    if (!check_data(e, n, ni->out))
        return false;
    if (e->g->tensors[ni->out].kind != TK_VALUE)
        return diag_fail(e->d, ST_INTERNAL, n, "output is not a computed value");
    ni->file = file;
    return true;
}

/* True when a model-derived parameter name would clash with a name the emitted
 * file uses in NAME_run_ws (t<id> locals, n<i>_<op> functions, w_<id>_ weights)
 * or with a macro of the header (NAME_...). */
static bool clashes_internal(const Emitter *e, const char *s)
{
    static const char *const fixed[] = {"ws", "workspace", "static_workspace", "memmove",
                                        "uintptr_t", "uint32_t"};
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        if (strcmp(s, fixed[i]) == 0)
            return true;
    /* the header's macros (NAME_X_SIZE ...) would replace the name in prototypes */
    size_t ul = strlen(e->pl.upper);
    if (strncmp(s, e->pl.upper, ul) == 0 && s[ul] == '_')
        return true;
    size_t nl = strlen(e->pl.opt->name);
    if (strncmp(s, e->pl.opt->name, nl) == 0 &&
        (strcmp(s + nl, "_run") == 0 || strcmp(s + nl, "_run_ws") == 0 ||
         strcmp(s + nl, "_trace") == 0 || strcmp(s + nl, "_profile") == 0))
        return true;
    if ((s[0] == 't' || s[0] == 'n') && s[1] >= '0' && s[1] <= '9') {
        size_t j = 1;
        while (s[j] >= '0' && s[j] <= '9')
            j++;
        if (s[0] == 't' ? s[j] == '\0' : s[j] == '_')
            return true;
    }
    return s[0] == 'w' && s[1] == '_' && s[2] >= '0' && s[2] <= '9';
}

/* Appends _2, _3 ... to name[k] until it differs from names[0..k-1]. */
static void uniquify(char (*names)[64], int k)
{
    char base[64];
    memcpy(base, names[k], sizeof base);
    for (int suffix = 2;; suffix++) {
        bool dup = false;
        for (int j = 0; j < k && !dup; j++)
            dup = strcmp(names[j], names[k]) == 0;
        if (!dup)
            return;
        snprintf(names[k], sizeof names[k], "%.*s_%d", CG_ID_MAX, base, suffix);
    }
}

static void make_names(Emitter *e)
{
    const Graph *g = e->g;
    for (int k = 0; k < e->pl.n_params; k++) {
        int tid = k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs];
        char id[CG_ID_MAX + 2];
        cg_identifier(g->tensors[tid].name, id, sizeof id);
        if (clashes_internal(e, id))
            snprintf(e->pl.param[k], 64, "v%s", id);
        else
            snprintf(e->pl.param[k], 64, "%s", id);
        uniquify(e->pl.param, k);
        snprintf(e->pl.stem[k], 64, "%s", id);
        cg_upper(e->pl.stem[k]);
        uniquify(e->pl.stem, k);
    }
}

/* ------------------------------------------------------------- writing */

/* Pointer expression for tensor tid inside NAME_run_ws. */
static void ptr_expr(const Emitter *e, int tid, char *buf, size_t size)
{
    const Graph *g = e->g;
    const Tensor *t = &g->tensors[tid];
    if (t->kind == TK_CONST && ir_numel(t) == 0) {
        snprintf(buf, size, "NULL");
        return;
    }
    if (t->kind == TK_CONST) {
        char id[CG_ID_MAX + 2];
        cg_identifier(t->name, id, sizeof id);
        snprintf(buf, size, "w_%d_%s.f", tid, id);
        return;
    }
    if (t->kind == TK_INPUT) {
        for (int k = 0; k < g->n_inputs; k++)
            if (g->inputs[k] == tid) {
                snprintf(buf, size, "%s", e->pl.param[k]);
                return;
            }
    }
    if (t->is_output) {
        for (int k = 0; k < g->n_outputs; k++)
            if (g->outputs[k] == tid) {
                snprintf(buf, size, "%s", e->pl.param[g->n_inputs + k]);
                return;
            }
    }
    snprintf(buf, size, "t%d", tid);
}

static void emit_banner(const Emitter *e, FILE *c)
{
    char q[CG_QUOTE_MAX * 4 + 16];
    cg_quote(e->g->source ? e->g->source : "", CG_QUOTE_MAX, q, sizeof q);
    fprintf(c, "/* Generated by onnxc " ONNXC_VERSION " from %s (opset %" PRId64
               "). Do not edit. */\n", q, e->g->opset);
}

static bool emit_runtime(Emitter *e, FILE *c)
{
    fputs("\n/* The runtime kernels this model uses, from onnxc's runtime/ (file-local). */\n"
          "#define RT_API static RT_UNUSED\n", c);
    for (size_t f = 0; f <= ARRAY_LEN(kernel_files); f++) {
        const char *want = f == 0 ? "rt_kernels.h" : kernel_files[f - 1];
        if (f > 0 && !e->need_file[f - 1])
            continue;
        const CgRtSource *src = NULL;
        for (int i = 0; i < cg_rt_n_sources; i++)
            if (strcmp(cg_rt_sources[i].name, want) == 0)
                src = &cg_rt_sources[i];
        if (!src)
            return diag_fail(e->d, ST_INTERNAL, NULL, "runtime source %s is not embedded in onnxc",
                             want);
        fprintf(c, "\n/* ---- runtime/%s ---- */\n", want);
        for (int l = 0; l < src->n_lines; l++) {
            const char *s = src->lines[l];
            const char *p = s + strspn(s, " \t");
            if (strncmp(p, "#include \"", 10) == 0)
                continue;
            fputs(s, c);
            fputc('\n', c);
        }
    }
    return true;
}

static void emit_weight(const Emitter *e, int tid, FILE *c)
{
    const Tensor *t = &e->g->tensors[tid];
    char q[CG_QUOTE_MAX * 4 + 16], type[256], id[CG_ID_MAX + 2], ident[CG_ID_MAX + 32];
    cg_quote(t->name, CG_QUOTE_MAX, q, sizeof q);
    ir_format_type(t, type, sizeof type);
    cg_identifier(t->name, id, sizeof id);
    fprintf(c, "\n/* %s %s */\n", q, type);
    snprintf(ident, sizeof ident, "w_%d_%s", tid, id);
    /* the IR holds little-endian bytes: they are the array's image as they are */
    cg_emit_blob(c, ident, t->dtype == DT_F32 ? "float" : dtype_ctype(t->dtype),
                 dtype_size(t->dtype), t->data, (size_t)ir_nbytes(t));
}

const char *cg_act_const(Act a)
{
    switch (a) {
    case ACT_NONE: return "RT_ACT_NONE";
    case ACT_RELU: return "RT_ACT_RELU";
    case ACT_SIGMOID: return "RT_ACT_SIGMOID";
    case ACT_SILU: return "RT_ACT_SILU";
    case ACT_TANH: return "RT_ACT_TANH";
    case ACT_HARD_SWISH: return "RT_ACT_HARD_SWISH";
    case ACT_RELU6: return "RT_ACT_RELU6";
    case ACT_LEAKY_RELU:   /* with parameters: emit_param_act, after the kernel */
    case ACT_CLIP: return "RT_ACT_NONE";
    }
    return "RT_ACT_NONE";
}

static bool fits_int(const int64_t *v, int n)
{
    for (int i = 0; i < n; i++)
        if (v[i] < INT_MIN || v[i] > INT_MAX)
            return false;
    return true;
}

static bool emit_conv_params(Emitter *e, const Node *n, bool pool, FILE *c)
{
    ConvGeom q;
    if (!(pool ? ir_pool_geom(e->g, n, &q, e->d) : ir_conv_geom(e->g, n, &q, e->d)))
        return false;
    int64_t v[] = {q.n, q.c, q.h, q.w, q.m, q.oh, q.ow, q.kh, q.kw, q.sh, q.sw, q.dh, q.dw,
                   q.pt, q.pl, q.group};
    if (!fits_int(v, (int)ARRAY_LEN(v)))
        return diag_fail(e->d, ST_LIMIT, n, "geometry does not fit in int");
    /* the fast convs apply every act in their tile (cg_fast_act_const) */
    const bool tile_act = ir_kernel(n->kernel)->packs_weights;
    fprintf(c, "    static const RtConvParams p = {\n"
               "        .n = %d, .c = %d, .h = %d, .w = %d, .m = %d, .oh = %d, .ow = %d,\n"
               "        .kh = %d, .kw = %d, .sh = %d, .sw = %d, .dh = %d, .dw = %d,\n"
               "        .pt = %d, .pl = %d, .group = %d, .act = %s",
            (int)q.n, (int)q.c, (int)q.h, (int)q.w, (int)q.m, (int)q.oh, (int)q.ow, (int)q.kh,
            (int)q.kw, (int)q.sh, (int)q.sw, (int)q.dh, (int)q.dw, (int)q.pt, (int)q.pl,
            (int)q.group, tile_act ? cg_fast_act_const(n->act) : cg_act_const(n->act));
    if (tile_act && act_has_params(n->act)) {
        fputs(",\n        .act_alpha = ", c);
        cg_put_float(c, n->act_alpha);
        fputs(", .act_beta = ", c);
        cg_put_float(c, n->act_beta);
    }
    fputs("};\n", c);
    return true;
}

static bool emit_resize_params(Emitter *e, const Node *n, FILE *c)
{
    static const char *const coord[] = {
        [RC_HALF_PIXEL] = "RT_COORD_HALF_PIXEL", [RC_ASYMMETRIC] = "RT_COORD_ASYMMETRIC",
        [RC_ALIGN_CORNERS] = "RT_COORD_ALIGN_CORNERS",
        [RC_PYTORCH_HALF_PIXEL] = "RT_COORD_PYTORCH_HALF_PIXEL",
        [RC_TF_HALF_PIXEL_FOR_NEAREST] = "RT_COORD_TF_HALF_PIXEL_FOR_NEAREST",
        [RC_HALF_PIXEL_SYMMETRIC] = "RT_COORD_HALF_PIXEL_SYMMETRIC",
        [RC_TF_CROP_AND_RESIZE] = "RT_COORD_TF_CROP_AND_RESIZE"};
    static const char *const nearest[] = {
        [RN_ROUND_PREFER_FLOOR] = "RT_NEAREST_ROUND_PREFER_FLOOR",
        [RN_ROUND_PREFER_CEIL] = "RT_NEAREST_ROUND_PREFER_CEIL",
        [RN_FLOOR] = "RT_NEAREST_FLOOR", [RN_CEIL] = "RT_NEAREST_CEIL"};
    ResizeGeom r;
    if (!ir_resize_geom(e->g, n, &r, e->d))
        return false;
    int64_t v[] = {r.n, r.c, r.ih, r.iw, r.oh, r.ow};
    if (!fits_int(v, (int)ARRAY_LEN(v)))
        return diag_fail(e->d, ST_LIMIT, n, "geometry does not fit in int");
    if (!isfinite(r.scale_h) || !isfinite(r.scale_w) || (unsigned)r.coord >= ARRAY_LEN(coord) ||
        (unsigned)r.nearest >= ARRAY_LEN(nearest))
        return diag_fail(e->d, ST_UNSUPPORTED, n, "resize parameters out of range");
    fprintf(c, "    static const RtResizeParams p = {\n"
               "        .n = %d, .c = %d, .ih = %d, .iw = %d, .oh = %d, .ow = %d,\n"
               "        .scale_h = ",
            (int)r.n, (int)r.c, (int)r.ih, (int)r.iw, (int)r.oh, (int)r.ow);
    cg_put_float(c, r.scale_h);
    fputs(", .scale_w = ", c);
    cg_put_float(c, r.scale_w);
    fprintf(c, ",\n        .coord = %s, .nearest = %s, .mode = %s,\n        .cubic_a = ",
            coord[r.coord], nearest[r.nearest],
            r.mode == RM_CUBIC ? "RT_RESIZE_CUBIC" : r.mode == RM_LINEAR ? "RT_RESIZE_LINEAR"
                                                                         : "RT_RESIZE_NEAREST");
    cg_put_float(c, r.cubic_a);
    fprintf(c, ", .exclude_outside = %d, .antialias = %d, .extrapolation = ", r.exclude_outside,
            r.antialias);
    cg_put_float(c, r.extrapolation);
    fputs(",\n        .roi = {", c);
    for (int k = 0; k < 4; k++) {
        fputs(k ? ", " : "", c);
        cg_put_float(c, r.roi[k]);
    }
    fputs("}};\n", c);
    return true;
}

static bool resize_is_nearest(Emitter *e, const Node *n)
{
    ResizeGeom r;
    return !ir_resize_geom(e->g, n, &r, e->d) || r.mode == RM_NEAREST;
}

static void put_ll_array(FILE *c, const char *field, const long long *v)
{
    fprintf(c, "        .%s = {", field);
    for (int i = 0; i < RT_MAX_RANK; i++)
        fprintf(c, "%s%lld", i ? ", " : "", v[i]);
    fputs("},\n", c);
}

/* Right-aligns operand t against the output (rank r <= RT_MAX_RANK) and fills
 * its element strides, 0 along broadcast dims. */
static bool bin_strides(Emitter *e, const Node *n, const Tensor *t, const long long *od,
                        long long *st)
{
    long long dim[RT_MAX_RANK], s = 1;
    int off = RT_MAX_RANK - t->rank;
    if (off < 0)
        return diag_fail(e->d, ST_UNSUPPORTED, n, "rank %d above %d", t->rank, RT_MAX_RANK);
    for (int i = 0; i < RT_MAX_RANK; i++)
        dim[i] = i < off ? 1 : (long long)t->dims[i - off];
    for (int i = RT_MAX_RANK - 1; i >= 0; i--) {
        if (dim[i] != od[i] && dim[i] != 1)
            return diag_fail(e->d, ST_BAD_MODEL, n, "operand shapes do not broadcast");
        st[i] = dim[i] == 1 ? 0 : s;
        s *= dim[i];
    }
    return true;
}

static bool emit_binary_params(Emitter *e, const Node *n, const NodeInfo *ni, FILE *c)
{
    static const char *const opc[] = {"RT_BIN_ADD", "RT_BIN_SUB", "RT_BIN_MUL", "RT_BIN_DIV"};
    const Tensor *y = &e->g->tensors[ni->out];
    long long od[RT_MAX_RANK], sa[RT_MAX_RANK], sb[RT_MAX_RANK];
    int off = RT_MAX_RANK - y->rank;
    if (off < 0)
        return diag_fail(e->d, ST_UNSUPPORTED, n, "rank %d above %d", y->rank, RT_MAX_RANK);
    for (int i = 0; i < RT_MAX_RANK; i++)
        od[i] = i < off ? 1 : (long long)y->dims[i - off];
    if (!bin_strides(e, n, &e->g->tensors[ni->arg[0]], od, sa) ||
        !bin_strides(e, n, &e->g->tensors[ni->arg[1]], od, sb))
        return false;
    int op = n->op == OP_ADD ? 0 : n->op == OP_SUB ? 1 : n->op == OP_MUL ? 2 : 3;
    fprintf(c, "    static const RtBinaryParams p = {\n        .op = %s,\n", opc[op]);
    put_ll_array(c, "dims", od);
    put_ll_array(c, "sa", sa);
    put_ll_array(c, "sb", sb);
    fprintf(c, "        .act = %s};\n", cg_act_const(n->act));
    return true;
}

static void tensor_note(const Emitter *e, int tid, const char *role, FILE *c)
{
    char q[CG_QUOTE_MAX * 4 + 16], type[256];
    if (tid < 0) {
        fprintf(c, " *   %s: none\n", role);
        return;
    }
    cg_quote(e->g->tensors[tid].name, CG_QUOTE_MAX, q, sizeof q);
    ir_format_type(&e->g->tensors[tid], type, sizeof type);
    fprintf(c, " *   %s: %s %s\n", role, type, q);
}

/* LeakyRelu / Clip fused with their parameters: in place, after the kernel. */
static void emit_param_act(const Emitter *e, const Node *n, const char *y, FILE *c)
{
    if (!act_has_params(n->act))
        return;
    fprintf(c, "    rt_unary_op_f32(%s, %s, %" PRId64 ", %s, ", y, y,
            ir_numel(&e->g->tensors[n->out[0]]),
            n->act == ACT_CLIP ? "RT_UN_CLIP" : "RT_UN_LEAKY_RELU");
    cg_put_float(c, n->act_alpha);
    fputs(", ", c);
    cg_put_float(c, n->act_beta);
    fputs(");\n", c);
}

/* Whether node i's function takes output k (y<K>). */
static bool fn_writes(const Emitter *e, int i, int k)
{
    const Node *n = &e->g->nodes[i];
    return e->info[i].kind == EK_TYPED ? cg_typed_writes_output(n, k, e->uses)
                                       : cg_op_writes_output(n, k);
}

/* The body of an emit_ops.c node on a blk16 kernel (emit_blocked.c): inputs
 * x<K>, output y0; the kernel applies the fused activation itself. */
static bool emit_blocked_fn(Emitter *e, const Node *n, FILE *c)
{
    char (*names)[16] = calloc((size_t)n->n_in + 1, sizeof *names);
    const char **xs = calloc((size_t)n->n_in + 1, sizeof *xs);
    bool ok = names && xs;
    for (int k = 0; ok && k < n->n_in; k++) {
        snprintf(names[k], sizeof names[k], "x%d", k);
        xs[k] = names[k];
    }
    ok = ok ? cg_blocked_emit_body(e->g, n, xs, "y0", c, e->d)
            : diag_fail(e->d, ST_NOMEM, n, "out of memory");
    free(names);
    free(xs);
    if (ok)
        fputs("}\n", c);
    return ok;
}

/* A node of emit_ops.c or a typed node: x<K> for the inputs it passes, y<K>
 * for its outputs (const float * / float *, or const void * / void * when typed). */
static bool emit_op_fn(Emitter *e, int i, FILE *c)
{
    const Node *n = &e->g->nodes[i];
    bool typed = e->info[i].kind == EK_TYPED;
    const char *elem = typed ? "void" : "float";
    char role[16];
    for (int k = 0; k < n->n_in; k++)
        if (cg_op_passes_input(n, k)) {
            snprintf(role, sizeof role, "x%d", k);
            tensor_note(e, n->in[k], role, c);
        }
    for (int k = 0; k < n->n_out; k++)
        if (fn_writes(e, i, k)) {
            snprintf(role, sizeof role, "-> y%d", k);
            tensor_note(e, n->out[k], role, c);
        }
    if (typed)
        fputs(" *   typed kernels (runtime/typed.c)\n", c);
    fprintf(c, " */\nstatic void n%d_%s(", i, op_name(n->op));
    bool first = true;
    for (int k = 0; k < n->n_in; k++)
        if (cg_op_passes_input(n, k)) {
            fprintf(c, "%sconst %s *x%d", first ? "" : ", ", elem, k);
            first = false;
        }
    for (int k = 0; k < n->n_out; k++)
        if (fn_writes(e, i, k)) {
            fprintf(c, "%s%s *y%d", first ? "" : ", ", elem, k);
            first = false;
        }
    fputs(")\n{\n", c);
    if (!typed && cg_blocked_kernel(n))
        return emit_blocked_fn(e, n, c);
    bool act_done = false;
    if (typed ? !cg_emit_typed_body(e->g, n, e->uses, c, e->d)
              : !cg_emit_op_body(e->g, n, &act_done, c, e->d))
        return false;
    if (!act_done && n->act != ACT_NONE && !act_has_params(n->act))
        fprintf(c, "    rt_unary_f32(y0, y0, %" PRId64 ", %s);\n",
                ir_numel(&e->g->tensors[n->out[0]]), cg_act_const(n->act));
    emit_param_act(e, n, "y0", c);
    fputs("}\n", c);
    return true;
}

static bool emit_node_fn(Emitter *e, int i, FILE *c)
{
    const Node *n = &e->g->nodes[i];
    const NodeInfo *ni = &e->info[i];
    char q[CG_QUOTE_MAX * 4 + 16];
    cg_quote(n->name, CG_QUOTE_MAX, q, sizeof q);
    fprintf(c, "\n/* node %d: %s %s, fused activation %s\n", i, op_name(n->op), q,
            act_name(n->act));
    for (int k = 0; k < ni->n_args; k++)
        tensor_note(e, ni->arg[k], ni->role[k], c);
    if (ni->kind == EK_OPS || ni->kind == EK_TYPED)
        return emit_op_fn(e, i, c);
    tensor_note(e, ni->out, "-> y", c);
    if (cg_fast_kernel(n))
        fputs(" *   fast kernel; blocked means layout (n, c/16, h, w, 16)\n", c);
    for (int k = 0; k < ni->n_args; k++)
        if (ni->arg[k] >= 0 && e->g->tensors[ni->arg[k]].layout == LAYOUT_BLK16)
            fprintf(c, " *   %s is blocked\n", ni->role[k]);
    if (e->g->tensors[ni->out].layout == LAYOUT_BLK16)
        fputs(" *   y is blocked\n", c);
    fprintf(c, " */\nstatic void n%d_%s(", i, op_name(n->op));
    for (int k = 0; k < ni->n_args; k++)
        if (ni->arg[k] >= 0)
            fprintf(c, "const float *%s, ", ni->role[k]);
    fputs("float *y)\n{\n", c);
    const Tensor *x = &e->g->tensors[ni->arg[0]];
    if (cg_blocked_kernel(n)) {   /* emit_blocked.c: Add/Sub/Mul/Div, Relu, Sigmoid */
        const char *xs[3] = {ni->role[0], ni->role[1], ni->role[2]};
        if (!cg_blocked_emit_body(e->g, n, xs, "y", c, e->d))
            return false;
        fputs("}\n", c);
        return true;
    }
    if (cg_fast_kernel(n)) {
        bool ok = n->kernel == KERNEL_RESIZE_NEAREST_BLK16 || n->kernel == KERNEL_RESIZE_INTERP_BLK16
                      ? emit_resize_params(e, n, c)
                      : emit_conv_params(e, n, n->kernel == KERNEL_MAXPOOL_BLK16, c);
        if (!ok)
            return false;
        if (!cg_fast_emit_call(e->g, i, ni->n_args > 2 && ni->arg[2] >= 0, c))
            return diag_fail(e->d, ST_INTERNAL, n, "no fast kernel call");
        fputs("}\n", c);
        return true;
    }
    switch (ni->kind) {
    case EK_CONV:
        if (!emit_conv_params(e, n, false, c))
            return false;
        fprintf(c, "    rt_conv2d_f32(y, x, w, %s, &p);\n", ni->arg[2] >= 0 ? "b" : "NULL");
        break;
    case EK_POOL:
        if (!emit_conv_params(e, n, true, c))
            return false;
        fputs("    rt_maxpool2d_f32(y, x, &p);\n", c);
        break;
    case EK_RESIZE:
        if (!emit_resize_params(e, n, c))
            return false;
        fprintf(c, "    rt_resize_%s_f32(y, x, &p);\n", resize_is_nearest(e, n) ? "nearest" : "interp");
        break;
    case EK_BINARY:
        if (!emit_binary_params(e, n, ni, c))
            return false;
        fputs("    rt_binary_f32(y, a, b, &p);\n", c);
        break;
    case EK_UNARY:
        fprintf(c, "    rt_unary_f32(y, x, %" PRId64 ", %s);\n", ir_numel(x),
                n->op == OP_RELU ? "RT_ACT_RELU" : "RT_ACT_SIGMOID");
        break;
    case EK_COPY:
        /* memmove: the planner may let the output share the input's buffer */
        fprintf(c, "    memmove(y, x, %" PRId64 ");\n", ir_nbytes(x));
        break;
    case EK_OPS:   /* emit_op_fn */
    case EK_TYPED:
        break;
    }
    emit_param_act(e, n, "y", c);
    fputs("}\n", c);
    return true;
}

/* With opt->profile: the hook call before (end 0) or after (end 1) node i,
 * outside the node's trace call so that tracing is never timed. */
static void emit_profile_call(const Emitter *e, int i, int end, FILE *c)
{
    if (e->pl.opt->profile)
        fprintf(c, "#ifdef %s_PROFILE\n    %s_profile(%d, %d);\n#endif\n", e->pl.upper,
                e->pl.opt->name, i, end);
}

static void emit_run(const Emitter *e, FILE *c)
{
    const Graph *g = e->g;
    const char *name = e->pl.opt->name;
    const char *u = e->pl.upper;
    char buf[128], q[CG_QUOTE_MAX * 4 + 16], type[256];

    fprintf(c, "\nint %s_run_ws(", name);
    for (int k = 0; k < e->pl.n_params; k++)
        fprintf(c, "%s%s%s *%s", k ? ", " : "", k < g->n_inputs ? "const " : "",
                cg_param_ctype(&e->pl, k), e->pl.param[k]);
    fprintf(c, "%svoid *workspace)\n{\n", e->pl.n_params ? ", " : "");
    bool ws_needed = g->arena_bytes > 0;
    for (int t = 0; t < g->n_tensors; t++)
        ws_needed = ws_needed || e->is_local[t];
    if (e->pl.n_params > 0 || ws_needed) {
        fputs("    if (", c);
        for (int k = 0; k < e->pl.n_params; k++)
            fprintf(c, "%s!%s", k ? " || " : "", e->pl.param[k]);
        if (ws_needed)
            fprintf(c, "%s!workspace", e->pl.n_params ? " || " : "");
        fputs(")\n        return -1;\n", c);
    }
    if (ws_needed) {
        fprintf(c, "    if ((uintptr_t)workspace %% %s_WORKSPACE_ALIGN != 0)\n"
                   "        return -1;\n", u);
        fputs("    unsigned char *ws = (unsigned char *)workspace;\n", c);
    } else {
        fputs("    (void)workspace;\n", c);
    }
    for (int t = 0; t < g->n_tensors; t++) {
        if (!e->is_local[t])
            continue;
        cg_quote(g->tensors[t].name, CG_QUOTE_MAX, q, sizeof q);
        ir_format_type(&g->tensors[t], type, sizeof type);
        const char *ct = dtype_ctype(g->tensors[t].dtype);
        fprintf(c, "    %s *const t%d = (%s *)(void *)(ws + %" PRId64 "); /* %s%s %s */\n", ct,
                t, ct, g->tensors[t].offset, type,
                g->tensors[t].layout == LAYOUT_BLK16 ? " blocked" : "", q);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const NodeInfo *ni = &e->info[i];
        const Node *n = &g->nodes[i];
        emit_profile_call(e, i, 0, c);
        fprintf(c, "    n%d_%s(", i, op_name(n->op));
        if (ni->kind == EK_OPS || ni->kind == EK_TYPED) {
            bool first = true;
            for (int k = 0; k < n->n_in + n->n_out; k++) {
                bool in = k < n->n_in;
                int kk = in ? k : k - n->n_in;
                if (in ? !cg_op_passes_input(n, kk) : !fn_writes(e, i, kk))
                    continue;
                if (in && kk == 1 && ir_kernel(n->kernel)->packs_weights)   /* gemm_packed */
                    snprintf(buf, sizeof buf, "wp_%d.f", i);
                else
                    ptr_expr(e, in ? n->in[kk] : n->out[kk], buf, sizeof buf);
                fprintf(c, "%s%s", first ? "" : ", ", buf);
                first = false;
            }
            fputs(");\n", c);
            emit_profile_call(e, i, 1, c);
            /* the trace hook takes f32 data: the interpreter traces the same nodes */
            if (n->out[0] >= 0 && g->tensors[n->out[0]].dtype == DT_F32 && fn_writes(e, i, 0)) {
                ptr_expr(e, n->out[0], buf, sizeof buf);
                cg_emit_trace_call(&e->pl, i, buf, c);
            }
            continue;
        }
        for (int k = 0; k < ni->n_args; k++) {
            if (ni->arg[k] < 0)
                continue;
            if (k == 1 && ir_kernel(n->kernel)->packs_weights)
                snprintf(buf, sizeof buf, "wp_%d.f", i);
            else
                ptr_expr(e, ni->arg[k], buf, sizeof buf);
            fprintf(c, "%s, ", buf);
        }
        ptr_expr(e, ni->out, buf, sizeof buf);
        fprintf(c, "%s);\n", buf);
        emit_profile_call(e, i, 1, c);
        cg_emit_trace_call(&e->pl, i, buf, c);
    }
    /* outputs that no node writes into the caller's array: inputs, constants,
     * and a tensor listed twice among the outputs */
    for (int k = 0; k < g->n_outputs; k++) {
        int tid = g->outputs[k];
        ptr_expr(e, tid, buf, sizeof buf);
        const char *dst = e->pl.param[g->n_inputs + k];
        if (strcmp(buf, dst) != 0 && ir_nbytes(&g->tensors[tid]) > 0)
            fprintf(c, "    memmove(%s, %s, %" PRId64 ");\n", dst, buf,
                    ir_nbytes(&g->tensors[tid]));
    }
    fputs("    return 0;\n}\n", c);

    if (ws_needed)
        fprintf(c, "\n/* The workspace of %s_run; the only mutable state of this file. */\n"
                   "static _Alignas(64) unsigned char static_workspace[%s_WORKSPACE_BYTES > 0 ? "
                   "%s_WORKSPACE_BYTES : 1];\n",
                name, u, u);
    fprintf(c, "\nint %s_run(", name);
    for (int k = 0; k < e->pl.n_params; k++)
        fprintf(c, "%s%s%s *%s", k ? ", " : "", k < g->n_inputs ? "const " : "",
                cg_param_ctype(&e->pl, k), e->pl.param[k]);
    fprintf(c, "%s)\n{\n    return %s_run_ws(", e->pl.n_params ? "" : "void", name);
    for (int k = 0; k < e->pl.n_params; k++)
        fprintf(c, "%s, ", e->pl.param[k]);
    fprintf(c, "%s);\n}\n", ws_needed ? "static_workspace" : "NULL");
}

/* ------------------------------------------------------------ cg_emit */

/* The runtime files to embed (a fast kernel's from its ir_kernels entry, the
 * others' reference file), and which constants are still needed as plain
 * weight arrays (a fast conv reads its packed copy). */
static void mark_files_and_weights(Emitter *e)
{
    const Graph *g = e->g;
    for (int i = 0; i < g->n_nodes; i++) {
        const KernelEntry *k = ir_kernel(g->nodes[i].kernel);
        if (cg_fast_kernel(&g->nodes[i])) {
            for (size_t f = 0; f < ARRAY_LEN(k->files); f++)
                if (k->files[f])
                    need_file(e, k->files[f]);
        } else if (e->info[i].file < ARRAY_LEN(kernel_files)) {
            e->need_file[e->info[i].file] = true;
        }
    }
    for (int t = 0; t < g->n_tensors; t++) {
        if (!e->is_weight[t])
            continue;
        bool plain = false;
        for (int i = 0; i < g->n_nodes && !plain; i++) {
            const Node *n = &g->nodes[i];
            bool packed = ir_kernel(n->kernel)->packs_weights;
            for (int k = 0; k < n->n_in && !plain; k++)
                plain = n->in[k] == t && !(packed && k == 1);
        }
        for (int k = 0; k < g->n_outputs && !plain; k++)
            plain = g->outputs[k] == t;
        e->is_weight[t] = plain;
    }
}

static bool valid_options(const CgOptions *opt, Diag *d)
{
    if (!opt || !opt->name || !opt->header_name)
        return diag_fail(d, ST_INTERNAL, NULL, "codegen options missing");
    char id[128];
    cg_identifier(opt->name, id, sizeof id);
    if (strcmp(id, opt->name) != 0 || strlen(opt->name) > 64)
        return diag_fail(d, ST_UNSUPPORTED, NULL, "name \"%s\" is not a usable C identifier (try \"%s\")",
                         opt->name, id);
    /* the header name goes into an #include line: allow only plain file names */
    const char *h = opt->header_name;
    if (!h[0] || strlen(h) > 200)
        return diag_fail(d, ST_UNSUPPORTED, NULL, "bad header name");
    for (const char *p = h; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.' || ch == '+';
        if (!ok)
            return diag_fail(d, ST_UNSUPPORTED, NULL,
                             "header name has a character other than [A-Za-z0-9_.+-]");
    }
    return true;
}

/* The kernels and layouts are pass_select_kernels' choice (Graph.kernel_policy);
 * the options only have to agree with it: the trace hook reads every output in
 * NCHW, and --reference-kernels promises no fast kernel. */
static bool kernels_match_options(const Emitter *e)
{
    const Graph *g = e->g;
    for (int i = 0; i < g->n_nodes; i++)
        if (e->pl.opt->reference_kernels && g->nodes[i].kernel != KERNEL_REFERENCE)
            return diag_fail(e->d, ST_INTERNAL, &g->nodes[i],
                             "kernel %s chosen, reference kernels asked for (kernel_policy)",
                             ir_kernel(g->nodes[i].kernel)->name);
    for (int t = 0; t < g->n_tensors; t++)
        if (e->pl.opt->trace && g->tensors[t].layout != LAYOUT_NCHW)
            return diag_fail(e->d, ST_INTERNAL, NULL,
                             "tensor %%%d is blk16, the trace needs NCHW (kernel_policy)", t);
    return true;
}

static bool emit_all(Emitter *e, FILE *c, FILE *h)
{
    const Graph *g = e->g;
    int *uses = calloc((size_t)g->n_tensors + 1, sizeof *uses);
    if (!uses)
        return diag_fail(e->d, ST_NOMEM, NULL, "out of memory");
    ir_count_uses(g, uses);
    e->uses = uses;   /* freed by cg_emit */
    bool ok = true;
    for (int i = 0; i < g->n_nodes && ok; i++)
        ok = analyze_node(e, i, uses);
    if (!ok)
        return false;
    for (int k = 0; k < g->n_inputs + g->n_outputs; k++) {
        int tid = k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs];
        if (!check_data(e, NULL, tid))
            return false;
    }
    make_names(e);
    if (!kernels_match_options(e))
        return false;
    mark_files_and_weights(e);
    for (int t = 0; t < g->n_tensors; t++)
        if (e->is_weight[t])
            e->pl.weight_bytes += ir_nbytes(&g->tensors[t]);
    for (int i = 0; i < g->n_nodes; i++)
        if (ir_kernel(g->nodes[i].kernel)->packs_weights)
            e->pl.weight_bytes += 4 * cg_fast_packed_words(g, &g->nodes[i]);

    cg_emit_header(&e->pl, h);

    emit_banner(e, c);
    fprintf(c, "#include \"%s\"\n", e->pl.opt->header_name);
    if (!emit_runtime(e, c))
        return false;
    fputs("\n/* ---- weights: their exact little-endian bytes ---- */\n", c);
    cg_blob_prologue(c);
    for (int t = 0; t < g->n_tensors; t++)
        if (e->is_weight[t])
            emit_weight(e, t, c);
    if (!cg_fast_emit_weights(g, c, e->d))
        return false;
    cg_blob_epilogue(c);
    fputs("\n/* ---- one function per node, in schedule order ---- */\n", c);
    for (int i = 0; i < g->n_nodes; i++)
        if (!emit_node_fn(e, i, c))
            return false;
    emit_run(e, c);
    return true;
}

bool cg_emit(const Graph *g, const CgOptions *opt, FILE *c_out, FILE *h_out, Diag *d)
{
    if (!valid_options(opt, d))
        return false;
    if (g->arena_bytes < 0)
        return diag_fail(d, ST_INTERNAL, NULL, "graph not planned: run pass_plan_buffers first");
    Emitter e = {.g = g, .d = d};
    e.pl.g = g;
    e.pl.opt = opt;
    snprintf(e.pl.upper, sizeof e.pl.upper, "%s", opt->name);
    cg_upper(e.pl.upper);
    e.pl.n_params = g->n_inputs + g->n_outputs;
    size_t np = (size_t)e.pl.n_params + 1, nt = (size_t)g->n_tensors + 1;
    e.pl.param = calloc(np, sizeof *e.pl.param);
    e.pl.stem = calloc(np, sizeof *e.pl.stem);
    e.info = calloc((size_t)g->n_nodes + 1, sizeof *e.info);
    e.is_weight = calloc(nt, sizeof *e.is_weight);
    e.is_local = calloc(nt, sizeof *e.is_local);
    bool ok = e.pl.param && e.pl.stem && e.info && e.is_weight && e.is_local;
    if (!ok)
        diag_fail(d, ST_NOMEM, NULL, "out of memory");
    else
        ok = emit_all(&e, c_out, h_out);
    free(e.pl.param);
    free(e.pl.stem);
    free(e.info);
    free(e.is_weight);
    free(e.is_local);
    free(e.uses);
    if (ok && (ferror(c_out) || ferror(h_out)))
        return diag_fail(d, ST_IO, NULL, "writing the emitted files failed");
    return ok;
}
