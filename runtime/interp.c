/* SPDX-License-Identifier: MIT */
/*
 * interp.c - the reference interpreter: runs an IR graph node by node on the
 * runtime kernels, so its results and the emitted code's come from one source.
 *
 * Each tensor's f32 data lives in exactly one place: the caller's buffer for graph
 * inputs and outputs (an output is written there directly, even when later nodes
 * read it), Tensor.data for constants, and otherwise either its planned offset in
 * one activation arena (when plan_buffers ran, so the plan itself is exercised:
 * an in-place Add really shares its input's bytes) or a malloc'd block. Only f32
 * data exists at run time; shape arithmetic must have been folded away before.
 * Every allocation is released before rt_interpret returns.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interp_internal.h"

int interp_act_to_rt(Act a)
{
    switch (a) {
    case ACT_NONE: return RT_ACT_NONE;
    case ACT_RELU: return RT_ACT_RELU;
    case ACT_SIGMOID: return RT_ACT_SIGMOID;
    case ACT_SILU: return RT_ACT_SILU;
    case ACT_TANH: return RT_ACT_TANH;
    case ACT_HARD_SWISH: return RT_ACT_HARD_SWISH;
    case ACT_RELU6: return RT_ACT_RELU6;
    case ACT_LEAKY_RELU:   /* with parameters: applied after the kernel (run_node) */
    case ACT_CLIP: return RT_ACT_NONE;
    }
    return RT_ACT_NONE;
}

bool interp_fits_int(int64_t v)
{
    return v >= INT_MIN && v <= INT_MAX;
}

/* True when the byte ranges [p, p+np) and [q, q+nq) share a byte. */
static bool overlaps(const void *p, int64_t np, const void *q, int64_t nq)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)q;
    return a < b + (uintptr_t)nq && b < a + (uintptr_t)np;
}

/* *out is NULL on failure: callers read it only on success, but gcc cannot see
 * that diag_fail returns false (-Wmaybe-uninitialized at -O2). */
bool interp_input_any(Interp *st, const Node *n, int k, const void **out)
{
    *out = NULL;
    if (k >= n->n_in || n->in[k] < 0)
        return diag_fail(st->d, ST_BAD_MODEL, n, "input %d is missing", k);
    const Tensor *t = &st->g->tensors[n->in[k]];
    const void *p = t->kind == TK_CONST ? t->data : st->buf[n->in[k]];
    if (!p && !(t->kind == TK_CONST && ir_numel(t) == 0))
        return diag_fail(st->d, ST_INTERNAL, n, "input %d (\"%s\") has no data yet", k, t->name);
    *out = p;
    return true;
}

/* Input k of node n as f32 data; false with d filled when it is missing, not
 * f32, or not produced yet. */
bool interp_input_f32(Interp *st, const Node *n, int k, const float **out)
{
    if (k < n->n_in && n->in[k] >= 0 && st->g->tensors[n->in[k]].dtype != DT_F32) {
        const Tensor *t = &st->g->tensors[n->in[k]];
        return diag_fail(st->d, ST_UNSUPPORTED, n, "input %d (\"%s\") is %s; only f32 runs", k,
                         t->name, dtype_name(t->dtype));
    }
    const void *p;
    if (!interp_input_any(st, n, k, &p))
        return false;
    *out = p;
    return true;
}

/* Binds output k of node n to memory (the caller's buffer for a graph output,
 * its planned arena slot, or a new block) and returns it in *out. */
bool interp_output_any(Interp *st, const Node *n, int k, void **out)
{
    *out = NULL;   /* as in interp_input_any */
    const Graph *g = st->g;
    if (k >= n->n_out || n->out[k] < 0)
        return diag_fail(st->d, ST_BAD_MODEL, n, "output %d is missing", k);
    int id = n->out[k];
    const Tensor *t = &g->tensors[id];
    int64_t nbytes = ir_nbytes(t);
    if (nbytes < 0)
        return diag_fail(st->d, ST_INTERNAL, n, "output \"%s\" has no known shape", t->name);
    if (!st->buf[id]) {
        if (st->arena && t->offset >= 0) {
            if (t->offset % (int64_t)dtype_size(t->dtype) != 0 ||
                t->offset > g->arena_bytes - nbytes)
                return diag_fail(st->d, ST_INTERNAL, n, "planned slot of \"%s\" (@%lld, "
                                 "%lld bytes) is outside the %lld-byte arena", t->name,
                                 (long long)t->offset, (long long)nbytes,
                                 (long long)g->arena_bytes);
            st->buf[id] = st->arena + t->offset;
        } else {
            if ((uint64_t)nbytes > SIZE_MAX)
                return diag_fail(st->d, ST_NOMEM, n, "output \"%s\" is too large", t->name);
            st->owned[id] = malloc(nbytes > 0 ? (size_t)nbytes : 1);
            if (!st->owned[id])
                return diag_fail(st->d, ST_NOMEM, n, "out of memory for \"%s\"", t->name);
            st->buf[id] = st->owned[id];
        }
    }
    *out = st->buf[id];
    return true;
}

bool interp_output_f32(Interp *st, const Node *n, int k, float **out)
{
    if (k < n->n_out && n->out[k] >= 0 && st->g->tensors[n->out[k]].dtype != DT_F32) {
        const Tensor *t = &st->g->tensors[n->out[k]];
        return diag_fail(st->d, ST_UNSUPPORTED, n, "output \"%s\" is %s; only f32 runs",
                         t->name, dtype_name(t->dtype));
    }
    void *p;
    if (!interp_output_any(st, n, k, &p))
        return false;
    *out = p;
    return true;
}

/* Fails when kernel output y (ny bytes) overlaps input x: the kernels taking
 * restrict pointers need them apart, so this is a planner bug. */
bool interp_check_apart(Interp *st, const Node *n, const void *y, const void *x, int k)
{
    const Tensor *ty = &st->g->tensors[n->out[0]];
    const Tensor *tx = &st->g->tensors[n->in[k]];
    if (overlaps(y, ir_nbytes(ty), x, ir_nbytes(tx)))
        return diag_fail(st->d, ST_INTERNAL, n, "output \"%s\" overlaps input \"%s\"", ty->name,
                         tx->name);
    return true;
}

static bool run_conv(Interp *st, const Node *n, float *y)
{
    ConvGeom cg;
    const float *x = NULL, *w = NULL, *b = NULL;
    if (!ir_conv_geom(st->g, n, &cg, st->d) || !interp_input_f32(st, n, 0, &x) || !interp_input_f32(st, n, 1, &w))
        return false;
    if (n->n_in > 2 && n->in[2] >= 0 && !interp_input_f32(st, n, 2, &b))
        return false;
    int64_t v[] = {cg.n, cg.c, cg.h, cg.w, cg.m, cg.oh, cg.ow, cg.kh, cg.kw, cg.sh, cg.sw,
                   cg.dh, cg.dw, cg.pt, cg.pl, cg.group};
    for (size_t i = 0; i < ARRAY_LEN(v); i++)
        if (!interp_fits_int(v[i]))
            return diag_fail(st->d, ST_LIMIT, n, "a dimension does not fit an int");
    if (cg.group <= 0 || cg.c % cg.group != 0 || cg.m % cg.group != 0)
        return diag_fail(st->d, ST_BAD_MODEL, n, "group %lld does not divide channels",
                         (long long)cg.group);
    for (int k = 0; k < 3 && k < n->n_in; k++)
        if (n->in[k] >= 0 && !interp_check_apart(st, n, y, k == 0 ? x : k == 1 ? w : b, k))
            return false;
    RtConvParams p = {
        .n = (int)cg.n, .c = (int)cg.c, .h = (int)cg.h, .w = (int)cg.w,
        .m = (int)cg.m, .oh = (int)cg.oh, .ow = (int)cg.ow, .kh = (int)cg.kh, .kw = (int)cg.kw,
        .sh = (int)cg.sh, .sw = (int)cg.sw, .dh = (int)cg.dh, .dw = (int)cg.dw,
        .pt = (int)cg.pt, .pl = (int)cg.pl, .group = (int)cg.group, .act = interp_act_to_rt(n->act),
    };
    rt_conv2d_f32(y, x, w, b, &p);
    return true;
}

static bool run_maxpool(Interp *st, const Node *n, float *y)
{
    ConvGeom cg;
    RtConvParams p;
    const float *x = NULL;
    if (!ir_pool_geom(st->g, n, &cg, st->d) || !interp_input_f32(st, n, 0, &x) ||
        !interp_check_apart(st, n, y, x, 0) || !interp_conv_params(st, n, &cg, &p))
        return false;
    rt_maxpool2d_f32(y, x, &p);
    return true;
}

static int coord_to_rt(ResizeCoord c)
{
    switch (c) {
    case RC_HALF_PIXEL: return RT_COORD_HALF_PIXEL;
    case RC_ASYMMETRIC: return RT_COORD_ASYMMETRIC;
    case RC_ALIGN_CORNERS: return RT_COORD_ALIGN_CORNERS;
    case RC_PYTORCH_HALF_PIXEL: return RT_COORD_PYTORCH_HALF_PIXEL;
    case RC_TF_HALF_PIXEL_FOR_NEAREST: return RT_COORD_TF_HALF_PIXEL_FOR_NEAREST;
    case RC_HALF_PIXEL_SYMMETRIC: return RT_COORD_HALF_PIXEL_SYMMETRIC;
    case RC_TF_CROP_AND_RESIZE: return RT_COORD_TF_CROP_AND_RESIZE;
    }
    return RT_COORD_HALF_PIXEL;
}

static int nearest_to_rt(ResizeNearest m)
{
    switch (m) {
    case RN_ROUND_PREFER_FLOOR: return RT_NEAREST_ROUND_PREFER_FLOOR;
    case RN_ROUND_PREFER_CEIL: return RT_NEAREST_ROUND_PREFER_CEIL;
    case RN_FLOOR: return RT_NEAREST_FLOOR;
    case RN_CEIL: return RT_NEAREST_CEIL;
    }
    return RT_NEAREST_ROUND_PREFER_FLOOR;
}

static bool run_resize(Interp *st, const Node *n, float *y)
{
    ResizeGeom rg;
    const float *x = NULL;
    if (!ir_resize_geom(st->g, n, &rg, st->d) || !interp_input_f32(st, n, 0, &x) ||
        !interp_check_apart(st, n, y, x, 0))
        return false;
    if (rg.oh < 0 || rg.ow < 0)
        return diag_fail(st->d, ST_UNSUPPORTED, n,
                         "scales or sizes must be constant at run time: run fold_constants");
    int64_t v[] = {rg.n, rg.c, rg.ih, rg.iw, rg.oh, rg.ow};
    for (size_t i = 0; i < ARRAY_LEN(v); i++)
        if (!interp_fits_int(v[i]))
            return diag_fail(st->d, ST_LIMIT, n, "a dimension does not fit an int");
    RtResizeParams p = {
        .n = (int)rg.n, .c = (int)rg.c, .ih = (int)rg.ih, .iw = (int)rg.iw,
        .oh = (int)rg.oh, .ow = (int)rg.ow, .scale_h = rg.scale_h, .scale_w = rg.scale_w,
        .coord = coord_to_rt(rg.coord), .nearest = nearest_to_rt(rg.nearest),
        .mode = rg.mode == RM_CUBIC ? RT_RESIZE_CUBIC : rg.mode == RM_LINEAR ? RT_RESIZE_LINEAR
                                                                              : RT_RESIZE_NEAREST,
        .cubic_a = rg.cubic_a, .exclude_outside = rg.exclude_outside, .antialias = rg.antialias,
        .extrapolation = rg.extrapolation,
        .roi = {rg.roi[0], rg.roi[1], rg.roi[2], rg.roi[3]},
    };
    if (rg.mode == RM_NEAREST)
        rt_resize_nearest_f32(y, x, &p);
    else
        rt_resize_interp_f32(y, x, &p);
    return true;
}

/* Element strides of operand t viewed at y's shape padded to RT_MAX_RANK dims
 * (numpy broadcasting: dims align on the right; a dim of 1 repeats, stride 0). */
bool interp_broadcast_strides(Interp *st, const Node *n, const Tensor *t, const Tensor *y,
                              long long *s)
{
    if (t->rank > y->rank || y->rank > RT_MAX_RANK)
        return diag_fail(st->d, ST_INTERNAL, n,
                         "operand \"%s\" of rank %d does not broadcast to rank %d", t->name,
                         t->rank, y->rank);
    long long stride = 1;
    for (int d = RT_MAX_RANK - 1; d >= 0; d--) {
        int ty = d - (RT_MAX_RANK - y->rank);   /* axis in y, < 0 when padded */
        int tt = d - (RT_MAX_RANK - t->rank);   /* axis in t */
        int64_t dim = tt >= 0 ? t->dims[tt] : 1;
        int64_t ydim = ty >= 0 ? y->dims[ty] : 1;
        if (dim != ydim && dim != 1)
            return diag_fail(st->d, ST_INTERNAL, n,
                             "operand \"%s\" does not broadcast to the output", t->name);
        s[d] = dim == 1 ? 0 : stride;
        stride *= dim;
    }
    return true;
}

bool interp_run_binary(Interp *st, const Node *n, float *y, int op)
{
    const Graph *g = st->g;
    const float *a = NULL, *b = NULL;
    if (!interp_input_f32(st, n, 0, &a) || !interp_input_f32(st, n, 1, &b))
        return false;
    const Tensor *ty = &g->tensors[n->out[0]];
    RtBinaryParams p = {.op = op, .act = interp_act_to_rt(n->act)};
    if (!interp_broadcast_strides(st, n, &g->tensors[n->in[0]], ty, p.sa) ||
        !interp_broadcast_strides(st, n, &g->tensors[n->in[1]], ty, p.sb))
        return false;
    for (int d = 0; d < RT_MAX_RANK; d++) {
        int ty_axis = d - (RT_MAX_RANK - ty->rank);
        p.dims[d] = ty_axis >= 0 ? ty->dims[ty_axis] : 1;
    }
    /* In place is fine only element for element: exactly the same start, on an
     * operand as large as y. */
    int64_t ny = ir_nbytes(ty);
    for (int k = 0; k < 2; k++) {
        const float *x = k == 0 ? a : b;
        const Tensor *tx = &g->tensors[n->in[k]];
        if (overlaps(y, ny, x, ir_nbytes(tx)) && !(x == y && ir_nbytes(tx) == ny))
            return diag_fail(st->d, ST_INTERNAL, n, "output \"%s\" partly overlaps input \"%s\"",
                             ty->name, tx->name);
    }
    rt_binary_f32(y, a, b, &p);
    return true;
}

/* Identity and the f32 forms of Reshape / Squeeze / Unsqueeze: the bytes stay,
 * only the shape changes. memmove: the planner may give both the same slot. */
bool interp_run_memmove(Interp *st, const Node *n, void *y)
{
    const void *x = NULL;
    if (!interp_input_any(st, n, 0, &x))
        return false;
    int64_t nx = ir_nbytes(&st->g->tensors[n->in[0]]);
    int64_t ny = ir_nbytes(&st->g->tensors[n->out[0]]);
    if (nx != ny)
        return diag_fail(st->d, ST_INTERNAL, n, "copy of %lld bytes into %lld", (long long)nx,
                         (long long)ny);
    if (y != x && ny > 0)
        memmove(y, x, (size_t)ny);
    return true;
}

/* True when some output of n is read at run time or is a graph output. */
bool interp_outputs_used(const Interp *st, const Node *n)
{
    for (int k = 0; k < n->n_out; k++)
        if (n->out[k] >= 0 && st->uses[n->out[k]] > 0)
            return true;
    return false;
}

bool interp_run_node(Interp *st, const Node *n)
{
    float *y = NULL;
    bool act_done = false;   /* the kernel applied n->act itself */
    bool ok;

    if (n->op != OP_CONSTANT && n->op != OP_SHAPE && n->op != OP_CONSTANT_OF_SHAPE &&
        !ir_node_is_f32(st->g, n, st->uses)) {
        if (!interp_outputs_used(st, n))
            return true;
        return interp_run_typed(st, n);
    }

    switch (n->op) {
    case OP_CONSTANT:
    case OP_SHAPE:
    case OP_CONSTANT_OF_SHAPE:
        if (!interp_outputs_used(st, n))
            return true;
        return diag_fail(st->d, ST_UNSUPPORTED, n,
                         "shape arithmetic must be constant at run time: run fold_constants");
    case OP_CAST:
    case OP_RESHAPE:
    case OP_SQUEEZE:
    case OP_UNSQUEEZE:
    case OP_CONCAT:
    case OP_SLICE:
    case OP_GATHER:
    case OP_FLOOR:
    case OP_CEIL:
        if (!interp_outputs_used(st, n))
            return true;
        if (n->op == OP_CONCAT || n->op == OP_SLICE || n->op == OP_GATHER || n->op == OP_FLOOR ||
            n->op == OP_CEIL) {
            ok = interp_run_op(st, n, &act_done);
            if (ok)
                ok = interp_output_f32(st, n, 0, &y);
            break;
        }
        ok = interp_output_f32(st, n, 0, &y) && interp_run_memmove(st, n, y);
        break;
    case OP_IDENTITY:
        ok = interp_output_f32(st, n, 0, &y) && interp_run_memmove(st, n, y);
        break;
    case OP_CONV:
        if (ir_geom_is_3d(st->g, n)) {
            ok = interp_run_op(st, n, &act_done) && interp_output_f32(st, n, 0, &y);
            break;
        }
        ok = interp_output_f32(st, n, 0, &y) && run_conv(st, n, y);
        act_done = true;
        break;
    case OP_MAXPOOL:
        if (ir_geom_is_3d(st->g, n)) {
            ok = interp_run_op(st, n, &act_done) && interp_output_f32(st, n, 0, &y);
            break;
        }
        ok = interp_output_f32(st, n, 0, &y) && run_maxpool(st, n, y);
        act_done = true;
        break;
    case OP_RESIZE:
    case OP_UPSAMPLE:
        ok = interp_output_f32(st, n, 0, &y) && run_resize(st, n, y);
        break;
    case OP_ADD:
        ok = interp_output_f32(st, n, 0, &y) && interp_run_binary(st, n, y, RT_BIN_ADD);
        act_done = true;
        break;
    case OP_SUB:
        ok = interp_output_f32(st, n, 0, &y) && interp_run_binary(st, n, y, RT_BIN_SUB);
        act_done = true;
        break;
    case OP_MUL:
        ok = interp_output_f32(st, n, 0, &y) && interp_run_binary(st, n, y, RT_BIN_MUL);
        act_done = true;
        break;
    case OP_DIV:
        ok = interp_output_f32(st, n, 0, &y) && interp_run_binary(st, n, y, RT_BIN_DIV);
        act_done = true;
        break;
    case OP_SIGMOID:
    case OP_RELU: {
        const float *x = NULL;
        ok = interp_output_f32(st, n, 0, &y) && interp_input_f32(st, n, 0, &x);
        if (ok)
            rt_unary_f32(y, x, ir_numel(&st->g->tensors[n->out[0]]),
                         n->op == OP_SIGMOID ? RT_ACT_SIGMOID : RT_ACT_RELU);
        break;
    }
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
    case OP_FLATTEN:
    case OP_TRANSPOSE:
    case OP_EXPAND:
    case OP_SPLIT:
    case OP_PAD:
    case OP_DROPOUT:
    case OP_REDUCE_MEAN:
    case OP_REDUCE_SUM:
    case OP_REDUCE_MAX:
    case OP_DEPTH_TO_SPACE:
    case OP_SPACE_TO_DEPTH:
        if (!interp_outputs_used(st, n))
            return true;
        ok = interp_run_op(st, n, &act_done);
        if (ok)
            ok = interp_output_f32(st, n, 0, &y);
        break;
    case OP_COUNT_:
    default:
        return diag_fail(st->d, ST_INTERNAL, n, "unknown op kind %d", (int)n->op);
    }
    if (ok && !act_done && n->act != ACT_NONE)
        rt_unary_f32(y, y, ir_numel(&st->g->tensors[n->out[0]]), interp_act_to_rt(n->act));
    if (ok && act_has_params(n->act))
        rt_unary_op_f32(y, y, ir_numel(&st->g->tensors[n->out[0]]),
                        n->act == ACT_CLIP ? RT_UN_CLIP : RT_UN_LEAKY_RELU, n->act_alpha,
                        n->act_beta);
    return ok;
}

/* Binds graph inputs and outputs to the caller's buffers and sets up the arena. */
static bool bind(Interp *st, const void *const *inputs, void *const *outputs)
{
    const Graph *g = st->g;
    for (int i = 0; i < g->n_inputs; i++) {
        st->buf[g->inputs[i]] = (void *)(uintptr_t)inputs[i];   /* read only */
    }
    for (int i = 0; i < g->n_outputs; i++) {
        int id = g->outputs[i];
        const Tensor *t = &g->tensors[id];
        if (ir_nbytes(t) < 0)
            return diag_fail(st->d, ST_UNSUPPORTED, NULL,
                             "graph output \"%s\" must have a known shape", t->name);
        /* Inputs and constants are copied out at the end; a repeated output
         * keeps its first buffer and is copied too. */
        if (t->kind == TK_VALUE && !st->buf[id])
            st->buf[id] = outputs[i];
    }
    if (g->arena_bytes >= 0) {
        size_t size = ((size_t)g->arena_bytes + 63) / 64 * 64;
        st->arena = aligned_alloc(64, size ? size : 64);
        if (!st->arena)
            return diag_fail(st->d, ST_NOMEM, NULL, "out of memory for a %lld-byte arena",
                             (long long)g->arena_bytes);
        memset(st->arena, 0, size);
    }
    return true;
}

bool rt_interpret_any(const Graph *g, const void *const *inputs, void *const *outputs,
                      Diag *d)
{
    return rt_interpret_traced(g, inputs, outputs, NULL, NULL, d);
}

bool rt_interpret(const Graph *g, const float *const *inputs, float *const *outputs, Diag *d)
{
    size_t ni = g->n_inputs > 0 ? (size_t)g->n_inputs : 1;
    size_t no = g->n_outputs > 0 ? (size_t)g->n_outputs : 1;
    const void **in = malloc(ni * sizeof *in);
    void **out = malloc(no * sizeof *out);
    bool ok = in && out;
    if (!ok)
        diag_fail(d, ST_NOMEM, NULL, "out of memory");
    for (int i = 0; ok && i < g->n_inputs; i++)
        in[i] = inputs[i];
    for (int i = 0; ok && i < g->n_outputs; i++)
        out[i] = outputs[i];
    ok = ok && rt_interpret_traced(g, in, out, NULL, NULL, d);
    free(in);
    free(out);
    return ok;
}

bool rt_interpret_traced(const Graph *g, const void *const *inputs, void *const *outputs,
                         RtTraceFn fn, void *ctx, Diag *d)
{
    Interp st = {.g = g, .d = d};
    size_t nt = g->n_tensors > 0 ? (size_t)g->n_tensors : 1;
    st.buf = calloc(nt, sizeof *st.buf);
    st.owned = calloc(nt, sizeof *st.owned);
    st.uses = calloc(nt, sizeof *st.uses);
    bool ok = st.buf && st.owned && st.uses;
    if (!ok)
        diag_fail(d, ST_NOMEM, NULL, "out of memory");
    if (ok) {
        ir_count_uses(g, st.uses);
        ok = bind(&st, inputs, outputs);
    }
    for (int i = 0; ok && i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        ok = interp_run_node(&st, n);
        if (ok && fn && n->n_out > 0 && n->out[0] >= 0 && st.buf[n->out[0]] &&
            g->tensors[n->out[0]].dtype == DT_F32)
            fn(ctx, i, st.buf[n->out[0]], (long long)ir_numel(&g->tensors[n->out[0]]));
    }
    for (int i = 0; ok && i < g->n_outputs; i++) {
        const Tensor *t = &g->tensors[g->outputs[i]];
        const void *src = t->kind == TK_CONST ? t->data : st.buf[g->outputs[i]];
        if (!src)
            ok = diag_fail(d, ST_INTERNAL, NULL, "graph output \"%s\" was never computed", t->name);
        else if (src != outputs[i])
            memcpy(outputs[i], src, (size_t)ir_nbytes(t));
    }
    if (st.owned)
        for (int i = 0; i < g->n_tensors; i++)
            free(st.owned[i]);
    free(st.arena);
    free(st.uses);
    free(st.owned);
    free(st.buf);
    return ok;
}
