/* SPDX-License-Identifier: MIT */
/*
 * interp_ops.c - the interpreter's cases for the ops added for the U-Net family
 * and the classic CNNs: data movement (strided copies, Pad), elementwise
 * unary and variadic binary math, average and global pooling, ConvTranspose,
 * normalizations, softmax, MatMul/Gemm and reductions.
 *
 * Every case reads its geometry from ir/ (the same functions codegen prints
 * from) and calls one runtime kernel, so the interpreter and the emitted code
 * compute the same thing. Outputs other than the first that a kernel cannot
 * produce (BatchNorm's training statistics, Dropout's mask) must be unused.
 */
#include <stdlib.h>
#include <string.h>

#include "interp_internal.h"

static const struct { OpKind op; int code; } unary_codes[] = {
    {OP_RELU, RT_UN_RELU}, {OP_SIGMOID, RT_UN_SIGMOID}, {OP_TANH, RT_UN_TANH},
    {OP_LEAKY_RELU, RT_UN_LEAKY_RELU}, {OP_CLIP, RT_UN_CLIP}, {OP_ELU, RT_UN_ELU},
    {OP_SELU, RT_UN_SELU}, {OP_HARD_SIGMOID, RT_UN_HARD_SIGMOID},
    {OP_HARD_SWISH, RT_UN_HARD_SWISH}, {OP_SOFTPLUS, RT_UN_SOFTPLUS}, {OP_MISH, RT_UN_MISH},
    {OP_EXP, RT_UN_EXP}, {OP_LOG, RT_UN_LOG}, {OP_SQRT, RT_UN_SQRT}, {OP_NEG, RT_UN_NEG},
    {OP_ABS, RT_UN_ABS}, {OP_RECIPROCAL, RT_UN_RECIPROCAL}, {OP_ERF, RT_UN_ERF},
    {OP_FLOOR, RT_UN_FLOOR}, {OP_CEIL, RT_UN_CEIL},
};

int interp_unary_code(OpKind op)
{
    for (size_t i = 0; i < ARRAY_LEN(unary_codes); i++)
        if (unary_codes[i].op == op)
            return unary_codes[i].code;
    return -1;
}

/* Fails when an output beyond the first is read: no kernel computes it. */
static bool only_first_output(Interp *st, const Node *n)
{
    for (int k = 1; k < n->n_out; k++)
        if (n->out[k] >= 0 && st->uses[n->out[k]] > 0)
            return diag_fail(st->d, ST_UNSUPPORTED, n, "output %d is not supported", k);
    return true;
}

static bool run_unary(Interp *st, const Node *n)
{
    const float *x;
    float *y, a, b;
    if (!ir_unary_params(st->g, n, &a, &b, st->d) || !interp_input_f32(st, n, 0, &x) ||
        !interp_output_f32(st, n, 0, &y))
        return false;
    rt_unary_op_f32(y, x, ir_numel(&st->g->tensors[n->out[0]]), interp_unary_code(n->op), a, b);
    return true;
}

/* y = in0 op in1 op in2 ... (broadcasting), any element types; y may only
 * alias an input that has y's shape and is read first. f32 data takes the f32
 * kernel the emitted code calls. */
bool interp_run_variadic(Interp *st, const Node *n, int op)
{
    const Graph *g = st->g;
    const Tensor *ty = &g->tensors[n->out[0]];
    bool f32 = ir_node_is_f32(g, n, NULL);
    void *y;
    if (!interp_output_any(st, n, 0, &y))
        return false;
    if (n->n_in == 1) {
        const void *x;
        if (!interp_input_any(st, n, 0, &x))
            return false;
        DType tx = g->tensors[n->in[0]].dtype;
        if (x != y && tx == ty->dtype && ir_nbytes(ty) > 0)
            memmove(y, x, (size_t)ir_nbytes(ty));
        else if (x != y)
            rt_cast_any(y, (int)ty->dtype, x, (int)tx, ir_numel(ty), 1, 0);
        return true;
    }
    for (int k = 1; k < n->n_in; k++) {
        const void *a, *b;
        const Tensor *ta = k == 1 ? &g->tensors[n->in[0]] : ty;
        if (!interp_input_any(st, n, k, &b))
            return false;
        if (k == 1 && !interp_input_any(st, n, 0, &a))
            return false;
        if (k > 1)
            a = y;
        for (int j = k; j < n->n_in; j++)   /* a later input must not be overwritten */
            if (g->tensors[n->in[j]].kind != TK_CONST && st->buf[n->in[j]] == y &&
                (k > 1 || j > 1))
                return diag_fail(st->d, ST_INTERNAL, n, "output aliases a later input");
        RtBinaryParams p = {.op = op, .act = RT_ACT_NONE};
        if (!interp_broadcast_strides(st, n, ta, ty, p.sa) ||
            !interp_broadcast_strides(st, n, &g->tensors[n->in[k]], ty, p.sb))
            return false;
        for (int d = 0; d < RT_MAX_RANK; d++) {
            int ax = d - (RT_MAX_RANK - ty->rank);
            p.dims[d] = ax >= 0 ? ty->dims[ax] : 1;
        }
        if (f32)
            rt_binary_f32(y, a, b, &p);
        else
            rt_binary_any(y, (int)ty->dtype, a, (int)ta->dtype, b,
                          (int)g->tensors[n->in[k]].dtype, &p);
    }
    return true;
}

bool interp_run_copies(Interp *st, const Node *n)
{
    int cnt = ir_copy_geom(st->g, n, NULL, 0, st->d);
    if (cnt < 0)
        return false;
    CopyGeom *cg = calloc((size_t)(cnt ? cnt : 1), sizeof *cg);
    if (!cg)
        return diag_fail(st->d, ST_NOMEM, n, "out of memory");
    bool ok = ir_copy_geom(st->g, n, cg, cnt, st->d) >= 0;
    for (int i = 0; ok && i < cnt; i++) {
        const void *x;
        void *y;
        ok = interp_input_any(st, n, cg[i].src, &x) && interp_output_any(st, n, cg[i].dst, &y);
        if (!ok)
            break;
        RtCopyParams p;
        for (int d = 0; d < RT_MAX_RANK; d++) {
            p.dims[d] = cg[i].dims[d];
            p.xs[d] = cg[i].xs[d];
            p.ys[d] = cg[i].ys[d];
        }
        p.xoff = cg[i].xoff;
        p.yoff = cg[i].yoff;
        DType t = st->g->tensors[n->out[cg[i].dst]].dtype;
        if (t == DT_F32)   /* the kernel the emitted code calls for f32 */
            rt_copy_f32(y, x, &p);
        else
            rt_copy_any(y, x, (int)dtype_size(t), &p);
    }
    /* an output of size 0 is never touched by a copy: bind it anyway */
    for (int k = 0; ok && k < n->n_out; k++) {
        void *y;
        ok = n->out[k] < 0 || interp_output_any(st, n, k, &y);
    }
    free(cg);
    return ok;
}

static bool run_pad(Interp *st, const Node *n)
{
    PadGeom pg;
    bool known;
    const float *x;
    float *y;
    if (!ir_pad_geom(st->g, n, &pg, &known, st->d) || !interp_input_f32(st, n, 0, &x) ||
        !interp_output_f32(st, n, 0, &y))
        return false;
    if (!known)
        return diag_fail(st->d, ST_UNSUPPORTED, n, "pads must be constant");
    RtPadParams p = {.mode = (int)pg.mode, .value = pg.value};
    for (int d = 0; d < RT_MAX_RANK; d++) {
        p.xdims[d] = pg.xdims[d];
        p.ydims[d] = pg.ydims[d];
        p.begin[d] = pg.begin[d];
    }
    rt_pad_f32(y, x, &p);
    return true;
}

bool interp_conv_params(Interp *st, const Node *n, const ConvGeom *cg, RtConvParams *p)
{
    int64_t v[] = {cg->n, cg->c, cg->h, cg->w, cg->m, cg->oh, cg->ow, cg->kh, cg->kw, cg->sh,
                   cg->sw, cg->dh, cg->dw, cg->pt, cg->pl, cg->pb, cg->pr, cg->group};
    for (size_t i = 0; i < ARRAY_LEN(v); i++)
        if (!interp_fits_int(v[i]))
            return diag_fail(st->d, ST_LIMIT, n, "a dimension does not fit an int");
    *p = (RtConvParams){
        .n = (int)cg->n, .c = (int)cg->c, .h = (int)cg->h, .w = (int)cg->w, .m = (int)cg->m,
        .oh = (int)cg->oh, .ow = (int)cg->ow, .kh = (int)cg->kh, .kw = (int)cg->kw,
        .sh = (int)cg->sh, .sw = (int)cg->sw, .dh = (int)cg->dh, .dw = (int)cg->dw,
        .pt = (int)cg->pt, .pl = (int)cg->pl, .group = (int)cg->group,
        .act = interp_act_to_rt(n->act),
    };
    return true;
}

static bool run_pool(Interp *st, const Node *n)
{
    ConvGeom cg;
    RtConvParams p;
    const float *x;
    float *y;
    int64_t cip = 0;
    if (!ir_pool_geom(st->g, n, &cg, st->d) || !interp_conv_params(st, n, &cg, &p) ||
        !ir_attr_int(n, "count_include_pad", 0, &cip, st->d) || !interp_input_f32(st, n, 0, &x) ||
        !interp_output_f32(st, n, 0, &y) || !interp_check_apart(st, n, y, x, 0))
        return false;
    if (n->op == OP_GLOBAL_MAXPOOL)
        rt_maxpool2d_f32(y, x, &p);
    else
        rt_avgpool2d_f32(y, x, &p, (int)cg.pb, (int)cg.pr, cip != 0);
    return true;
}

static bool run_conv_transpose(Interp *st, const Node *n)
{
    ConvGeom cg;
    RtConvParams p;
    const float *x, *w, *b = NULL;
    float *y;
    if (!ir_conv_transpose_geom(st->g, n, &cg, st->d) || !interp_conv_params(st, n, &cg, &p) ||
        !interp_input_f32(st, n, 0, &x) || !interp_input_f32(st, n, 1, &w) ||
        (n->n_in > 2 && n->in[2] >= 0 && !interp_input_f32(st, n, 2, &b)) ||
        !interp_output_f32(st, n, 0, &y) || !interp_check_apart(st, n, y, x, 0))
        return false;
    rt_conv_transpose2d_f32(y, x, w, b, &p);
    return true;
}

static bool run_norm(Interp *st, const Node *n)
{
    NormGeom ng;
    const float *x, *in[5] = {NULL, NULL, NULL, NULL, NULL};
    float *y;
    if (!ir_norm_geom(st->g, n, &ng, st->d) || !interp_input_f32(st, n, 0, &x) ||
        !interp_output_f32(st, n, 0, &y) || !interp_check_apart(st, n, y, x, 0))
        return false;
    for (int k = 1; k < n->n_in && k < 5; k++)
        if (n->in[k] >= 0 && !interp_input_f32(st, n, k, &in[k]))
            return false;
    switch ((int)n->op) {   /* the norm ops only: interp.c's switch lists every op */
    case OP_BATCHNORM:
        if (!only_first_output(st, n))
            return false;
        rt_batchnorm_f32(y, x, in[1], in[2], in[3], in[4], ng.n, ng.c, ng.inner, ng.eps);
        return true;
    case OP_INSTANCENORM:
        rt_groupnorm_f32(y, x, in[1], in[2], ng.n, ng.c, ng.inner, ng.c, 0, ng.eps);
        return true;
    case OP_GROUPNORM:
        rt_groupnorm_f32(y, x, in[1], in[2], ng.n, ng.c, ng.inner, ng.groups, ng.scale_per_group,
                         ng.eps);
        return true;
    case OP_LAYERNORM: {
        float *mean = NULL, *inv = NULL;
        if ((n->n_out > 1 && n->out[1] >= 0 && !interp_output_f32(st, n, 1, &mean)) ||
            (n->n_out > 2 && n->out[2] >= 0 && !interp_output_f32(st, n, 2, &inv)))
            return false;
        rt_layernorm_f32(y, x, in[1], in[2], mean, inv, ng.n, ng.c, ng.eps);
        return true;
    }
    case OP_LRN:
        rt_lrn_f32(y, x, ng.n, ng.c, ng.inner, ng.size, ng.alpha, ng.beta, ng.bias);
        return true;
    default:   /* Softmax, LogSoftmax */
        rt_softmax_f32(y, x, ng.n, ng.c, ng.inner, n->op == OP_LOG_SOFTMAX);
        return true;
    }
}

static bool run_matmul(Interp *st, const Node *n)
{
    MatmulGeom mg;
    const float *a, *b, *c = NULL;
    float *y;
    if (!ir_matmul_geom(st->g, n, &mg, st->d) || !interp_input_f32(st, n, 0, &a) ||
        !interp_input_f32(st, n, 1, &b) ||
        (mg.has_c && !interp_input_f32(st, n, 2, &c)) || !interp_output_f32(st, n, 0, &y) ||
        !interp_check_apart(st, n, y, a, 0) || !interp_check_apart(st, n, y, b, 1))
        return false;
    RtMatmulParams p = {.m = mg.m, .n = mg.n, .k = mg.k, .a_sm = mg.a_sm, .a_sk = mg.a_sk,
                        .b_sk = mg.b_sk, .b_sn = mg.b_sn, .c_sm = mg.c_sm, .c_sn = mg.c_sn,
                        .alpha = mg.alpha, .beta = mg.beta, .act = interp_act_to_rt(n->act)};
    for (int d = 0; d < RT_MAX_BATCH; d++) {
        p.bdims[d] = mg.bdims[d];
        p.bsa[d] = mg.bsa[d];
        p.bsb[d] = mg.bsb[d];
    }
    rt_matmul_f32(y, a, b, c, &p);
    return true;
}

bool interp_run_reduce(Interp *st, const Node *n)
{
    ReduceGeom rg;
    bool known;
    const void *x;
    void *y;
    if (!ir_reduce_geom(st->g, n, &rg, &known, st->d) || !interp_input_any(st, n, 0, &x) ||
        !interp_output_any(st, n, 0, &y))
        return false;
    if (!known)
        return diag_fail(st->d, ST_UNSUPPORTED, n, "axes must be constant");
    if (rg.noop)
        return interp_run_memmove(st, n, y);
    if (!interp_check_apart(st, n, y, x, 0))
        return false;
    RtReduceParams p = {.ny = ir_numel(&st->g->tensors[n->out[0]]), .count = rg.count,
                        .op = n->op == OP_REDUCE_MAX ? RT_RED_MAX
                              : n->op == OP_REDUCE_MEAN ? RT_RED_MEAN : RT_RED_SUM};
    for (int d = 0; d < RT_MAX_RANK; d++) {
        p.dims[d] = rg.dims[d];
        p.ys[d] = rg.ys[d];
    }
    DType t = st->g->tensors[n->in[0]].dtype;
    if (t == DT_F32)   /* the kernel the emitted code calls for f32 */
        rt_reduce_f32(y, x, &p);
    else
        rt_reduce_any(y, x, (int)t, &p);
    return true;
}

static bool is_window_op(OpKind op)
{
    return op == OP_CONV || op == OP_MAXPOOL || op == OP_AVERAGEPOOL ||
           op == OP_GLOBAL_AVERAGEPOOL || op == OP_GLOBAL_MAXPOOL;
}

void interp_window3_params(const ConvGeom *c, Act act, RtWindow3Params *p)
{
    *p = (RtWindow3Params){
        .n = c->n, .c = c->c, .m = c->m, .d = c->d, .h = c->h, .w = c->w, .od = c->od,
        .oh = c->oh, .ow = c->ow, .kd = c->kd, .kh = c->kh, .kw = c->kw, .sd = c->sd,
        .sh = c->sh, .sw = c->sw, .dd = c->dd, .dh = c->dh, .dw = c->dw, .pf = c->pf,
        .pt = c->pt, .pl = c->pl, .pk = c->pk, .pb = c->pb, .pr = c->pr, .group = c->group,
        .act = interp_act_to_rt(act)};
}

/* Conv and pooling on rank-5 input (window3d.c). */
static bool run_window3(Interp *st, const Node *n)
{
    ConvGeom cg;
    const float *x, *w = NULL, *b = NULL;
    float *y;
    bool conv = n->op == OP_CONV;
    int64_t cip = 0;
    if (!(conv ? ir_conv_geom(st->g, n, &cg, st->d) : ir_pool_geom(st->g, n, &cg, st->d)) ||
        !ir_attr_int(n, "count_include_pad", 0, &cip, st->d) || !only_first_output(st, n) ||
        !interp_input_f32(st, n, 0, &x) || (conv && !interp_input_f32(st, n, 1, &w)) ||
        (conv && n->n_in > 2 && n->in[2] >= 0 && !interp_input_f32(st, n, 2, &b)) ||
        !interp_output_f32(st, n, 0, &y) || !interp_check_apart(st, n, y, x, 0))
        return false;
    RtWindow3Params p;
    interp_window3_params(&cg, n->act, &p);
    if (conv)
        rt_conv3d_f32(y, x, w, b, &p);
    else
        rt_pool3d_f32(y, x, &p, n->op == OP_MAXPOOL || n->op == OP_GLOBAL_MAXPOOL ? RT_POOL_MAX
                                                                                   : RT_POOL_AVG,
                      cip != 0);
    return true;
}

bool interp_run_op(Interp *st, const Node *n, bool *act_done)
{
    *act_done = false;
    if (is_window_op(n->op) && ir_geom_is_3d(st->g, n)) {
        *act_done = true;
        return run_window3(st, n);
    }
    switch ((int)n->op) {   /* interp.c's switch lists every op and sends these here */
    case OP_TRANSPOSE:
    case OP_SLICE:
    case OP_CONCAT:
    case OP_SPLIT:
    case OP_EXPAND:
    case OP_GATHER:
    case OP_DEPTH_TO_SPACE:
    case OP_SPACE_TO_DEPTH:
        return interp_run_copies(st, n);
    case OP_PAD:
        return run_pad(st, n);
    case OP_POW:
        return interp_run_variadic(st, n, RT_BIN_POW);
    case OP_MAX:
        return interp_run_variadic(st, n, RT_BIN_MAX);
    case OP_MIN:
        return interp_run_variadic(st, n, RT_BIN_MIN);
    case OP_SUM:
        return interp_run_variadic(st, n, RT_BIN_ADD);
    case OP_PRELU:
        return interp_run_variadic(st, n, RT_BIN_PRELU);
    case OP_AVERAGEPOOL:
    case OP_GLOBAL_AVERAGEPOOL:
    case OP_GLOBAL_MAXPOOL:
        *act_done = true;
        return run_pool(st, n);
    case OP_CONV_TRANSPOSE:
        *act_done = true;
        return run_conv_transpose(st, n);
    case OP_GEMM:
    case OP_MATMUL:
        *act_done = true;
        return run_matmul(st, n);
    case OP_REDUCE_MEAN:
    case OP_REDUCE_SUM:
    case OP_REDUCE_MAX:
        return interp_run_reduce(st, n);
    case OP_SOFTMAX:
    case OP_LOG_SOFTMAX:
    case OP_BATCHNORM:
    case OP_INSTANCENORM:
    case OP_GROUPNORM:
    case OP_LAYERNORM:
    case OP_LRN:
        return run_norm(st, n);
    case OP_FLATTEN:
    case OP_DROPOUT: {
        float *y;
        return only_first_output(st, n) && interp_output_f32(st, n, 0, &y) &&
               interp_run_memmove(st, n, y);
    }
    default:
        if (interp_unary_code(n->op) >= 0)
            return run_unary(st, n);
        return diag_fail(st->d, ST_INTERNAL, n, "no interpreter case");
    }
}
