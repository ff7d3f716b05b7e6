/* SPDX-License-Identifier: MIT */
/*
 * emit_ops.c - the bodies of the node functions for the ops added for the
 * U-Net family and the classic CNNs (emit_c.c writes the rest of the file).
 *
 * A node function of these ops takes `const float *xK` for every input K that
 * carries data (present, and not a parameter input, see ir_input_is_param:
 * those are constants whose values are printed into the body) and `float *yK`
 * for every output K it writes (cg_op_writes_output). The body fills the
 * kernel's parameter struct from the same ir/ geometry the interpreter uses and
 * calls the kernel. Numbers are printed locale-free, floats exactly.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cg_internal.h"
#include "rt_kernels.h"

static const struct { OpKind op; const char *code; } unary_codes[] = {
    {OP_RELU, "RT_UN_RELU"}, {OP_SIGMOID, "RT_UN_SIGMOID"}, {OP_TANH, "RT_UN_TANH"},
    {OP_LEAKY_RELU, "RT_UN_LEAKY_RELU"}, {OP_CLIP, "RT_UN_CLIP"}, {OP_ELU, "RT_UN_ELU"},
    {OP_SELU, "RT_UN_SELU"}, {OP_HARD_SIGMOID, "RT_UN_HARD_SIGMOID"},
    {OP_HARD_SWISH, "RT_UN_HARD_SWISH"}, {OP_SOFTPLUS, "RT_UN_SOFTPLUS"},
    {OP_MISH, "RT_UN_MISH"}, {OP_EXP, "RT_UN_EXP"}, {OP_LOG, "RT_UN_LOG"},
    {OP_SQRT, "RT_UN_SQRT"}, {OP_NEG, "RT_UN_NEG"}, {OP_ABS, "RT_UN_ABS"},
    {OP_RECIPROCAL, "RT_UN_RECIPROCAL"}, {OP_ERF, "RT_UN_ERF"}, {OP_FLOOR, "RT_UN_FLOOR"},
    {OP_CEIL, "RT_UN_CEIL"},
};

static const char *unary_code(OpKind op)
{
    for (size_t i = 0; i < ARRAY_LEN(unary_codes); i++)
        if (unary_codes[i].op == op)
            return unary_codes[i].code;
    return NULL;
}

/* "RT_DT_F16" ... for element type t: rt_kernels.h names them after dtype_name. */
static const char *dt_const(DType t, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "RT_DT_%s", dtype_name(t));
    for (size_t i = 6; i < len && i < size; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 'a' + 'A');
    return buf;
}
#define DT(t) dt_const((t), (char[24]){0}, 24)

bool cg_op_passes_input(const Node *n, int k)
{
    return k < n->n_in && n->in[k] >= 0 && !ir_input_is_param(n->op, k);
}

bool cg_op_writes_output(const Node *n, int k)
{
    if (k >= n->n_out || n->out[k] < 0)
        return false;
    return k == 0 || n->op == OP_SPLIT || n->op == OP_LAYERNORM;
}

/* Which runtime file the op's kernel lives in (a name in cg_rt_sources). */
static bool is_window3(const Graph *g, const Node *n)
{
    return (n->op == OP_CONV || n->op == OP_MAXPOOL || n->op == OP_AVERAGEPOOL ||
            n->op == OP_GLOBAL_AVERAGEPOOL || n->op == OP_GLOBAL_MAXPOOL) &&
           ir_geom_is_3d(g, n);
}

const char *cg_op_kernel_file(const Graph *g, const Node *n)
{
    OpKind op = n->op;
    if (is_window3(g, n))
        return "window3d.c";
    switch ((int)op) {   /* the ops of this file only; emit_c.c's switch lists every op */
    case OP_TRANSPOSE: case OP_SLICE: case OP_CONCAT: case OP_SPLIT: case OP_EXPAND:
    case OP_GATHER: case OP_DEPTH_TO_SPACE: case OP_SPACE_TO_DEPTH: case OP_PAD:
        return "copy.c";
    case OP_POW: case OP_MAX: case OP_MIN: case OP_SUM: case OP_PRELU:
        return "binary.c";
    case OP_AVERAGEPOOL: case OP_GLOBAL_AVERAGEPOOL:
        return "avgpool.c";
    case OP_GLOBAL_MAXPOOL:
        return "maxpool.c";
    case OP_CONV_TRANSPOSE:
        return "conv_transpose.c";
    case OP_SOFTMAX: case OP_LOG_SOFTMAX: case OP_BATCHNORM: case OP_INSTANCENORM:
    case OP_GROUPNORM: case OP_LAYERNORM: case OP_LRN:
        return "norm.c";
    case OP_GEMM: case OP_MATMUL:
        return "matmul.c";
    case OP_REDUCE_MEAN: case OP_REDUCE_SUM: case OP_REDUCE_MAX:
        return "reduce.c";
    default:
        return unary_code(op) ? "unary.c" : NULL;
    }
}

/* y0 = x0, nbytes bytes; nothing for an empty tensor (x0 may then be NULL). */
static void put_memmove(FILE *c, int64_t nbytes)
{
    if (nbytes > 0)
        fprintf(c, "    memmove(y0, x0, %" PRId64 ");\n", nbytes);
    else
        fputs("    (void)x0;\n    (void)y0;\n", c);
}

static void put_ll(FILE *c, const char *field, const int64_t *v, int n)
{
    fprintf(c, ".%s = {", field);
    for (int i = 0; i < n; i++)
        fprintf(c, "%s%" PRId64, i ? ", " : "", v[i]);
    fputs("}", c);
}

/* esize 0: f32 kernel; else the typed one for elements of esize bytes. */
static bool emit_copies(const Graph *g, const Node *n, int esize, FILE *c, Diag *d)
{
    int cnt = ir_copy_geom(g, n, NULL, 0, d);
    if (cnt < 0)
        return false;
    CopyGeom *cg = calloc((size_t)(cnt ? cnt : 1), sizeof *cg);
    if (!cg)
        return diag_fail(d, ST_NOMEM, n, "out of memory");
    if (ir_copy_geom(g, n, cg, cnt, d) < 0) {
        free(cg);
        return false;
    }
    if (cnt > 0)
        fprintf(c, "    static const RtCopyParams p[%d] = {\n", cnt);
    for (int i = 0; i < cnt; i++) {
        fputs("        {", c);
        put_ll(c, "dims", cg[i].dims, IR_MAX_RANK);
        fputs(",\n         ", c);
        put_ll(c, "xs", cg[i].xs, IR_MAX_RANK);
        fputs(",\n         ", c);
        put_ll(c, "ys", cg[i].ys, IR_MAX_RANK);
        fprintf(c, ",\n         .xoff = %" PRId64 ", .yoff = %" PRId64 "},\n", cg[i].xoff,
                cg[i].yoff);
    }
    if (cnt > 0)
        fputs("    };\n", c);
    for (int i = 0; i < cnt; i++) {
        if (esize)
            fprintf(c, "    rt_copy_any(y%d, x%d, %d, &p[%d]);\n", cg[i].dst, cg[i].src, esize, i);
        else
            fprintf(c, "    rt_copy_f32(y%d, x%d, &p[%d]);\n", cg[i].dst, cg[i].src, i);
    }
    free(cg);
    return true;
}

/* typed: the typed kernel, with constant_value's bytes as the fill. */
static bool emit_pad(const Graph *g, const Node *n, bool typed, FILE *c, Diag *d)
{
    PadGeom p;
    bool known;
    if (!ir_pad_geom(g, n, &p, &known, d))
        return false;
    if (!known)
        return diag_fail(d, ST_UNSUPPORTED, n, "pads must be constant");
    fputs("    static const RtPadParams p = {\n        ", c);
    put_ll(c, "xdims", p.xdims, IR_MAX_RANK);
    fputs(",\n        ", c);
    put_ll(c, "ydims", p.ydims, IR_MAX_RANK);
    fputs(",\n        ", c);
    put_ll(c, "begin", p.begin, IR_MAX_RANK);
    fprintf(c, ",\n        .mode = %d, .value = ", (int)p.mode);
    cg_put_float(c, p.value);
    fputs("};\n", c);
    if (!typed) {
        fputs("    rt_pad_f32(y0, x0, &p);\n", c);
        return true;
    }
    const Tensor *x = &g->tensors[n->in[0]];
    const Tensor *cv = n->n_in > 2 && n->in[2] >= 0 ? &g->tensors[n->in[2]] : NULL;
    size_t es = dtype_size(x->dtype);
    if (cv && (cv->dtype != x->dtype || !cv->data))
        return diag_fail(d, ST_BAD_MODEL, n, "constant_value must be a constant of the data's type");
    if (cv) {
        fprintf(c, "    static const unsigned char value[%zu] = {", es);
        for (size_t i = 0; i < es; i++)   /* little endian, as the IR holds it */
            fprintf(c, "%s%u", i ? ", " : "", (unsigned)((const unsigned char *)cv->data)[i]);
        fputs("};\n", c);
    }
    fprintf(c, "    rt_pad_any(y0, x0, %zu, &p, %s);\n", es, cv ? "value" : "NULL");
    return true;
}

/* Right-aligned broadcast strides of t (0 along its dims of 1). */
static void strides_for(const Tensor *t, int64_t *st)
{
    int off = IR_MAX_RANK - t->rank;
    int64_t s = 1;
    for (int i = IR_MAX_RANK - 1; i >= 0; i--) {
        int64_t dim = i < off ? 1 : t->dims[i - off];
        st[i] = dim == 1 ? 0 : s;
        s *= dim;
    }
}

static const char *binary_name(OpKind op)
{
    switch ((int)op) {
    case OP_POW: return "RT_BIN_POW";
    case OP_MAX: return "RT_BIN_MAX";
    case OP_MIN: return "RT_BIN_MIN";
    case OP_SUB: return "RT_BIN_SUB";
    case OP_MUL: return "RT_BIN_MUL";
    case OP_DIV: return "RT_BIN_DIV";
    case OP_PRELU: return "RT_BIN_PRELU";
    default: return "RT_BIN_ADD";   /* Add, Sum */
    }
}

/* y0 = x0 op x1 op ... (typed: the typed kernel, each operand with its type). */
static bool emit_variadic(const Graph *g, const Node *n, bool typed, FILE *c)
{
    const Tensor *y = &g->tensors[n->out[0]];
    if (n->n_in == 1) {
        const Tensor *x = &g->tensors[n->in[0]];
        if (typed && x->dtype != y->dtype)
            fprintf(c, "    rt_cast_any(y0, %s, x0, %s, %" PRId64 ", 1, 0);\n", DT(y->dtype),
                    DT(x->dtype), ir_numel(y));
        else
            put_memmove(c, ir_nbytes(y));
        return true;
    }
    int64_t od[IR_MAX_RANK];
    int off = IR_MAX_RANK - y->rank;
    for (int i = 0; i < IR_MAX_RANK; i++)
        od[i] = i < off ? 1 : y->dims[i - off];
    for (int k = 1; k < n->n_in; k++) {
        int64_t sa[IR_MAX_RANK], sb[IR_MAX_RANK];
        strides_for(k == 1 ? &g->tensors[n->in[0]] : y, sa);
        strides_for(&g->tensors[n->in[k]], sb);
        fprintf(c, "    static const RtBinaryParams p%d = {.op = %s,\n        ", k,
                binary_name(n->op));
        put_ll(c, "dims", od, IR_MAX_RANK);
        fputs(",\n        ", c);
        put_ll(c, "sa", sa, IR_MAX_RANK);
        fputs(",\n        ", c);
        put_ll(c, "sb", sb, IR_MAX_RANK);
        fputs(", .act = RT_ACT_NONE};\n", c);
        if (typed)
            fprintf(c, "    rt_binary_any(y0, %s, %s, %s, x%d, %s, &p%d);\n", DT(y->dtype),
                    k == 1 ? "x0" : "y0", DT(k == 1 ? g->tensors[n->in[0]].dtype : y->dtype),
                    k, DT(g->tensors[n->in[k]].dtype), k);
        else
            fprintf(c, "    rt_binary_f32(y0, %s, x%d, &p%d);\n", k == 1 ? "x0" : "y0", k, k);
    }
    return true;
}

static bool emit_conv_struct(const Node *n, const ConvGeom *q, FILE *c, Diag *d)
{
    int64_t v[] = {q->n, q->c, q->h, q->w, q->m, q->oh, q->ow, q->kh, q->kw, q->sh, q->sw,
                   q->dh, q->dw, q->pt, q->pl, q->pb, q->pr, q->group};
    for (size_t i = 0; i < ARRAY_LEN(v); i++)
        if (v[i] < INT_MIN || v[i] > INT_MAX)
            return diag_fail(d, ST_LIMIT, n, "geometry does not fit in int");
    fprintf(c, "    static const RtConvParams p = {\n"
               "        .n = %d, .c = %d, .h = %d, .w = %d, .m = %d, .oh = %d, .ow = %d,\n"
               "        .kh = %d, .kw = %d, .sh = %d, .sw = %d, .dh = %d, .dw = %d,\n"
               "        .pt = %d, .pl = %d, .group = %d, .act = %s};\n",
            (int)q->n, (int)q->c, (int)q->h, (int)q->w, (int)q->m, (int)q->oh, (int)q->ow,
            (int)q->kh, (int)q->kw, (int)q->sh, (int)q->sw, (int)q->dh, (int)q->dw, (int)q->pt,
            (int)q->pl, (int)q->group, cg_act_const(n->act));
    return true;
}

static bool emit_norm(const Graph *g, const Node *n, FILE *c, Diag *d)
{
    NormGeom q;
    if (!ir_norm_geom(g, n, &q, d))
        return false;
    switch ((int)n->op) {   /* the norm ops only */
    case OP_BATCHNORM:
        fprintf(c, "    rt_batchnorm_f32(y0, x0, x1, x2, x3, x4, %" PRId64 ", %" PRId64 ", %" PRId64
                   ", ", q.n, q.c, q.inner);
        break;
    case OP_INSTANCENORM:
    case OP_GROUPNORM:
        fprintf(c, "    rt_groupnorm_f32(y0, x0, x1, x2, %" PRId64 ", %" PRId64 ", %" PRId64 ", %"
                   PRId64 ", %d, ", q.n, q.c, q.inner, n->op == OP_GROUPNORM ? q.groups : q.c,
                q.scale_per_group);
        break;
    case OP_LAYERNORM:
        fprintf(c, "    rt_layernorm_f32(y0, x0, x1, %s, %s, %s, %" PRId64 ", %" PRId64 ", ",
                cg_op_passes_input(n, 2) ? "x2" : "NULL",
                cg_op_writes_output(n, 1) ? "y1" : "NULL",
                cg_op_writes_output(n, 2) ? "y2" : "NULL", q.n, q.c);
        break;
    case OP_LRN:
        fprintf(c, "    rt_lrn_f32(y0, x0, %" PRId64 ", %" PRId64 ", %" PRId64 ", %" PRId64 ", ",
                q.n, q.c, q.inner, q.size);
        cg_put_float(c, q.alpha);
        fputs(", ", c);
        cg_put_float(c, q.beta);
        fputs(", ", c);
        cg_put_float(c, q.bias);
        fputs(");\n", c);
        return true;
    default:
        fprintf(c, "    rt_softmax_f32(y0, x0, %" PRId64 ", %" PRId64 ", %" PRId64 ", %d);\n", q.n,
                q.c, q.inner, n->op == OP_LOG_SOFTMAX);
        return true;
    }
    cg_put_float(c, q.eps);
    fputs(");\n", c);
    return true;
}

static bool emit_matmul(const Graph *g, const Node *n, FILE *c, Diag *d)
{
    MatmulGeom q;
    if (!ir_matmul_geom(g, n, &q, d))
        return false;
    fputs("    static const RtMatmulParams p = {\n        ", c);
    put_ll(c, "bdims", q.bdims, IR_MAX_BATCH);
    fputs(",\n        ", c);
    put_ll(c, "bsa", q.bsa, IR_MAX_BATCH);
    fputs(",\n        ", c);
    put_ll(c, "bsb", q.bsb, IR_MAX_BATCH);
    fprintf(c, ",\n        .m = %" PRId64 ", .n = %" PRId64 ", .k = %" PRId64 ", .a_sm = %" PRId64
               ", .a_sk = %" PRId64 ", .b_sk = %" PRId64 ", .b_sn = %" PRId64 ",\n        .c_sm = %"
               PRId64 ", .c_sn = %" PRId64 ", .alpha = ", q.m, q.n, q.k, q.a_sm, q.a_sk, q.b_sk,
            q.b_sn, q.c_sm, q.c_sn);
    cg_put_float(c, q.alpha);
    fputs(", .beta = ", c);
    cg_put_float(c, q.beta);
    fprintf(c, ", .act = %s};\n    rt_matmul_f32(y0, x0, x1, %s, &p);\n", cg_act_const(n->act),
            q.has_c ? "x2" : "NULL");
    return true;
}

static bool emit_reduce(const Graph *g, const Node *n, bool typed, FILE *c, Diag *d)
{
    ReduceGeom q;
    bool known;
    if (!ir_reduce_geom(g, n, &q, &known, d))
        return false;
    if (!known)
        return diag_fail(d, ST_UNSUPPORTED, n, "axes must be constant");
    const Tensor *y = &g->tensors[n->out[0]];
    if (q.noop) {
        put_memmove(c, ir_nbytes(y));
        return true;
    }
    fputs("    static const RtReduceParams p = {\n        ", c);
    put_ll(c, "dims", q.dims, IR_MAX_RANK);
    fputs(",\n        ", c);
    put_ll(c, "ys", q.ys, IR_MAX_RANK);
    fprintf(c, ",\n        .ny = %" PRId64 ", .count = %" PRId64 ", .op = %s};\n", ir_numel(y),
            q.count, n->op == OP_REDUCE_MAX ? "RT_RED_MAX" : n->op == OP_REDUCE_MEAN
                                                             ? "RT_RED_MEAN" : "RT_RED_SUM");
    if (typed)
        fprintf(c, "    rt_reduce_any(y0, x0, %s, &p);\n", DT(g->tensors[n->in[0]].dtype));
    else
        fputs("    rt_reduce_f32(y0, x0, &p);\n", c);
    return true;
}

/* Conv and pooling on rank-5 input. */
static bool emit_window3(const Graph *g, const Node *n, FILE *c, Diag *d)
{
    ConvGeom q;
    bool conv = n->op == OP_CONV;
    int64_t cip = 0;
    if (!(conv ? ir_conv_geom(g, n, &q, d) : ir_pool_geom(g, n, &q, d)) ||
        !ir_attr_int(n, "count_include_pad", 0, &cip, d))
        return false;
    fprintf(c, "    static const RtWindow3Params p = {\n"
               "        .n = %" PRId64 ", .c = %" PRId64 ", .m = %" PRId64 ", .d = %" PRId64
               ", .h = %" PRId64 ", .w = %" PRId64 ", .od = %" PRId64 ", .oh = %" PRId64
               ", .ow = %" PRId64 ",\n        .kd = %" PRId64 ", .kh = %" PRId64 ", .kw = %" PRId64
               ", .sd = %" PRId64 ", .sh = %" PRId64 ", .sw = %" PRId64 ", .dd = %" PRId64
               ", .dh = %" PRId64 ", .dw = %" PRId64 ",\n        .pf = %" PRId64 ", .pt = %" PRId64
               ", .pl = %" PRId64 ", .pk = %" PRId64 ", .pb = %" PRId64 ", .pr = %" PRId64
               ", .group = %" PRId64 ", .act = %s};\n",
            q.n, q.c, q.m, q.d, q.h, q.w, q.od, q.oh, q.ow, q.kd, q.kh, q.kw, q.sd, q.sh, q.sw,
            q.dd, q.dh, q.dw, q.pf, q.pt, q.pl, q.pk, q.pb, q.pr, q.group, cg_act_const(n->act));
    if (conv)
        fprintf(c, "    rt_conv3d_f32(y0, x0, x1, %s, &p);\n",
                cg_op_passes_input(n, 2) ? "x2" : "NULL");
    else
        fprintf(c, "    rt_pool3d_f32(y0, x0, &p, %s, %d);\n",
                n->op == OP_MAXPOOL || n->op == OP_GLOBAL_MAXPOOL ? "RT_POOL_MAX" : "RT_POOL_AVG",
                cip != 0);
    return true;
}

bool cg_emit_op_body(const Graph *g, const Node *n, bool *act_done, FILE *c, Diag *d)
{
    *act_done = false;
    if (is_window3(g, n)) {
        *act_done = true;
        return emit_window3(g, n, c, d);
    }
    switch ((int)n->op) {   /* the ops of this file only; emit_c.c's switch lists every op */
    case OP_TRANSPOSE: case OP_SLICE: case OP_CONCAT: case OP_SPLIT: case OP_EXPAND:
    case OP_GATHER: case OP_DEPTH_TO_SPACE: case OP_SPACE_TO_DEPTH:
        return emit_copies(g, n, 0, c, d);
    case OP_PAD:
        return emit_pad(g, n, false, c, d);
    case OP_POW: case OP_MAX: case OP_MIN: case OP_SUM: case OP_PRELU:
        return emit_variadic(g, n, false, c);
    case OP_AVERAGEPOOL: case OP_GLOBAL_AVERAGEPOOL: case OP_GLOBAL_MAXPOOL: {
        ConvGeom q;
        int64_t cip = 0;
        if (!ir_pool_geom(g, n, &q, d) || !ir_attr_int(n, "count_include_pad", 0, &cip, d) ||
            !emit_conv_struct(n, &q, c, d))
            return false;
        if (n->op == OP_GLOBAL_MAXPOOL)
            fputs("    rt_maxpool2d_f32(y0, x0, &p);\n", c);
        else
            fprintf(c, "    rt_avgpool2d_f32(y0, x0, &p, %d, %d, %d);\n", (int)q.pb, (int)q.pr,
                    cip != 0);
        *act_done = true;
        return true;
    }
    case OP_CONV_TRANSPOSE: {
        ConvGeom q;
        if (!ir_conv_transpose_geom(g, n, &q, d) || !emit_conv_struct(n, &q, c, d))
            return false;
        fprintf(c, "    rt_conv_transpose2d_f32(y0, x0, x1, %s, &p);\n",
                q.has_bias ? "x2" : "NULL");
        *act_done = true;
        return true;
    }
    case OP_SOFTMAX: case OP_LOG_SOFTMAX: case OP_BATCHNORM: case OP_INSTANCENORM:
    case OP_GROUPNORM: case OP_LAYERNORM: case OP_LRN:
        return emit_norm(g, n, c, d);
    case OP_GEMM: case OP_MATMUL:
        *act_done = true;
        if (n->kernel == KERNEL_GEMM_PACKED)   /* dw: x1 is B packed (emit_fast_dw.c) */
            return cg_dw_emit_gemm(g, n, c, d);
        return emit_matmul(g, n, c, d);
    case OP_REDUCE_MEAN: case OP_REDUCE_SUM: case OP_REDUCE_MAX:
        return emit_reduce(g, n, false, c, d);
    default: {
        const char *code = unary_code(n->op);
        float a, b;
        if (!code)
            return diag_fail(d, ST_INTERNAL, n, "no emitter for this op");
        if (!ir_unary_params(g, n, &a, &b, d))
            return false;
        fprintf(c, "    rt_unary_op_f32(y0, x0, %" PRId64 ", %s, ",
                ir_numel(&g->tensors[n->out[0]]), code);
        cg_put_float(c, a);
        fputs(", ", c);
        cg_put_float(c, b);
        fputs(");\n", c);
        return true;
    }
    }
}

/* ------------------------------------------------------------ typed nodes */

bool cg_typed_writes_output(const Node *n, int k, const int *uses)
{
    return k < n->n_out && n->out[k] >= 0 && uses[n->out[k]] > 0;
}

static bool emit_typed_maxpool(const Graph *g, const Node *n, const int *uses, FILE *c, Diag *d)
{
    ConvGeom q;
    int64_t order;
    if (!ir_pool_geom(g, n, &q, d) || !ir_attr_int(n, "storage_order", 0, &order, d) ||
        !emit_conv_struct(n, &q, c, d))
        return false;
    fprintf(c, "    rt_maxpool2d_any(y0, %s, x0, %s, &p, %d);\n",
            cg_typed_writes_output(n, 1, uses) ? "y1" : "NULL", DT(g->tensors[n->in[0]].dtype),
            order != 0);
    return true;
}

bool cg_emit_typed_body(const Graph *g, const Node *n, const int *uses, FILE *c, Diag *d)
{
    const Tensor *y = &g->tensors[n->out[0]];
    const Tensor *x = &g->tensors[n->in[0]];
    switch ((int)n->op) {
    case OP_IDENTITY: case OP_RESHAPE: case OP_SQUEEZE: case OP_UNSQUEEZE: case OP_FLATTEN:
        put_memmove(c, ir_nbytes(y));
        return true;
    case OP_DROPOUT:
        if (cg_typed_writes_output(n, 0, uses))
            put_memmove(c, ir_nbytes(y));
        if (cg_typed_writes_output(n, 1, uses))
            fprintf(c, "    static const unsigned char one = 1;\n"
                       "    rt_fill_any(y1, 1, %" PRId64 ", &one);\n",
                    ir_numel(&g->tensors[n->out[1]]));
        return true;
    case OP_CAST: {
        int saturate, round;
        if (!ir_cast_params(n, &saturate, &round, d))
            return false;
        fprintf(c, "    rt_cast_any(y0, %s, x0, %s, %" PRId64 ", %d, %d);\n", DT(y->dtype),
                DT(x->dtype), ir_numel(y), saturate, round);
        return true;
    }
    case OP_TRANSPOSE: case OP_SLICE: case OP_CONCAT: case OP_SPLIT: case OP_EXPAND:
    case OP_GATHER: case OP_DEPTH_TO_SPACE: case OP_SPACE_TO_DEPTH:
        return emit_copies(g, n, (int)dtype_size(x->dtype), c, d);
    case OP_PAD:
        return emit_pad(g, n, true, c, d);
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_POW: case OP_MAX: case OP_MIN:
    case OP_SUM: case OP_PRELU:
        return emit_variadic(g, n, true, c);
    case OP_REDUCE_MEAN: case OP_REDUCE_SUM: case OP_REDUCE_MAX:
        return emit_reduce(g, n, true, c, d);
    case OP_MAXPOOL:
        return emit_typed_maxpool(g, n, uses, c, d);
    default: {
        const char *code = n->op == OP_IDENTITY ? "RT_UN_IDENTITY" : unary_code(n->op);
        double lo, hi;
        float a, b;
        if (!code)
            return diag_fail(d, ST_INTERNAL, n, "no typed emitter for this op");
        if (n->op == OP_CLIP) {
            if (!ir_clip_bounds(g, n, &lo, &hi, d))
                return false;
        } else {
            if (!ir_unary_params(g, n, &a, &b, d))
                return false;
            lo = a;
            hi = b;
        }
        fprintf(c, "    rt_unary_any(y0, x0, %s, %" PRId64 ", %s, ", DT(x->dtype), ir_numel(y),
                code);
        cg_put_double(c, lo);
        fputs(", ", c);
        cg_put_double(c, hi);
        fputs(");\n", c);
        return true;
    }
    }
}
