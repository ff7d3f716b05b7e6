/* SPDX-License-Identifier: MIT */
/*
 * kernels.c - the kernel table: every kernel codegen can emit for a node, in
 * the order selection prefers them, with the shape class it accepts (a
 * predicate on the node), the layouts it reads and writes and the runtime
 * files it needs. pass_select_kernels (passes/select_kernels.c) walks it;
 * codegen emits the chosen entry by its id (codegen/emit_fast.c).
 *
 * A predicate looks at attributes, shapes and constness only, never at
 * layouts: the layouts are resolved afterwards from the reads / writes masks
 * of the entries the predicates accepted. On refusal it writes a short reason
 * ("group 8 != 1") that the dump shows as the node's why="...".
 */
#include <string.h>

#include "ir.h"

const char *layout_name(Layout l)
{
    return l == LAYOUT_BLK16 ? "blk16" : "nchw";
}

static bool refuse(char *why, size_t size, const char *fmt, long long a)
{
    snprintf(why, size, fmt, a);
    return false;
}

/* The epilogues rt_v_act_p (runtime/rt_vec.h) computes in a vector tile. */
static bool vector_act(Act a)
{
    return a == ACT_NONE || a == ACT_RELU || a == ACT_SIGMOID || a == ACT_SILU ||
           a == ACT_TANH || a == ACT_HARD_SWISH || a == ACT_RELU6 || a == ACT_LEAKY_RELU ||
           a == ACT_CLIP;
}

/* What every fast conv needs of its operands: a 2-D f32 Conv whose geometry is known. */
static bool conv_operands(const Graph *g, const Node *n, ConvGeom *q, char *why, size_t size)
{
    Diag scratch = {0};
    if (n->n_in < 2 || n->in[0] < 0 || n->in[1] < 0 || n->n_out < 1 || n->out[0] < 0)
        return refuse(why, size, "no weights", 0);
    if (g->tensors[n->in[0]].rank != 4)
        return refuse(why, size, "rank %lld input", (long long)g->tensors[n->in[0]].rank);
    if (!ir_node_is_f32(g, n, NULL))
        return refuse(why, size, "not f32", 0);
    if (!ir_conv_geom(g, n, q, &scratch))
        return refuse(why, size, "geometry unknown", 0);
    return true;
}

/* ... and of its weights and epilogue: constant weights (codegen packs them),
 * an activation rt_v_act_p applies. */
static bool conv_weights_act(const Graph *g, const Node *n, char *why, size_t size)
{
    const Tensor *w = &g->tensors[n->in[1]];
    if (w->kind != TK_CONST || !w->data)
        return refuse(why, size, "weights not constant", 0);
    if (!vector_act(n->act)) {
        snprintf(why, size, "act %s has no fast epilogue", act_name(n->act));
        return false;
    }
    return true;
}

/* What both group-1 fast convs need. */
static bool conv_common(const Graph *g, const Node *n, ConvGeom *q, char *why, size_t size)
{
    if (!conv_operands(g, n, q, why, size))
        return false;
    if (q->group != 1)
        return refuse(why, size, "group %lld != 1", (long long)q->group);
    return conv_weights_act(g, n, why, size);
}

/* Few output channels over many input channels: the reduce kernel, whose
 * vectors run along input channels. Other convs are not its shape class: it
 * refuses them without a reason (the direct kernel is the faster one there). */
static bool conv_reduce_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    ConvGeom q;
    if (!conv_common(g, n, &q, why, size))
        return false;
    if (q.m >= 16 || q.c < 16) {
        why[0] = '\0';
        return false;
    }
    return true;
}

static bool conv_direct_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    ConvGeom q;
    return conv_common(g, n, &q, why, size);
}

static bool maxpool_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    ConvGeom q;
    Diag scratch = {0};
    if (n->in[0] < 0 || g->tensors[n->in[0]].rank != 4)
        return refuse(why, size, "not 2-D", 0);
    if (g->tensors[n->in[0]].dtype != DT_F32)
        return refuse(why, size, "not f32", 0);
    if (!ir_pool_geom(g, n, &q, &scratch))
        return refuse(why, size, "geometry unknown", 0);
    return true;
}

static bool resize_nearest_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    ResizeGeom r;
    Diag scratch = {0};
    if (n->in[0] < 0 || g->tensors[n->in[0]].rank != 4)
        return refuse(why, size, "not 2-D", 0);
    if (!ir_node_is_f32(g, n, NULL))
        return refuse(why, size, "not f32", 0);
    if (!ir_resize_geom(g, n, &r, &scratch) || r.oh < 0)
        return refuse(why, size, "geometry unknown", 0);
    if (r.mode != RM_NEAREST)
        return refuse(why, size, "not nearest", 0);
    if (r.coord == RC_TF_CROP_AND_RESIZE)
        return refuse(why, size, "crop and resize", 0);
    return true;
}

static bool same_dims(const Tensor *a, const Tensor *b)
{
    if (a->rank != b->rank || a->rank < 0)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return false;
    return true;
}

static bool binary_flat_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    if (n->n_in != 2 || n->in[0] < 0 || n->in[1] < 0 || n->n_out < 1 || n->out[0] < 0)
        return refuse(why, size, "not binary", 0);
    if (!ir_node_is_f32(g, n, NULL))
        return refuse(why, size, "not f32", 0);
    const Tensor *y = &g->tensors[n->out[0]];
    if (!same_dims(&g->tensors[n->in[0]], y) || !same_dims(&g->tensors[n->in[1]], y))
        return refuse(why, size, "broadcast", 0);
    return true;
}

static bool unary_flat_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    if (n->n_in < 1 || n->in[0] < 0 || n->n_out < 1 || n->out[0] < 0)
        return refuse(why, size, "no operand", 0);
    if (!ir_node_is_f32(g, n, NULL))
        return refuse(why, size, "not f32", 0);
    return true;
}

/* ---- ops: the predicates of the blk16 kernels around the convs ---- */

/* Input 0 a rank-4 f32 tensor, output 0 present, all f32, fused act on 16 lanes. */
static bool blk_common(const Graph *g, const Node *n, char *why, size_t size)
{
    if (n->n_in < 1 || n->in[0] < 0 || n->n_out < 1 || n->out[0] < 0)
        return refuse(why, size, "no operand", 0);
    if (g->tensors[n->in[0]].rank != 4)
        return refuse(why, size, "rank %lld input", (long long)g->tensors[n->in[0]].rank);
    if (!ir_node_is_f32(g, n, NULL))
        return refuse(why, size, "not f32", 0);
    if (!vector_act(n->act)) {
        snprintf(why, size, "act %s has no fast epilogue", act_name(n->act));
        return false;
    }
    return true;
}


static bool avgpool_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    ConvGeom q;
    Diag scratch = {0};
    if (!blk_common(g, n, why, size))
        return false;
    if (!ir_pool_geom(g, n, &q, &scratch))
        return refuse(why, size, "geometry unknown", 0);
    return true;
}

/* GlobalAveragePool, GlobalMaxPool, and ReduceMean / ReduceMax over exactly
 * axes 2 and 3 (keepdims or not: (n, c) NCHW is (n, c, 1, 1) NCHW). */
static bool global_pool_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    if (!blk_common(g, n, why, size))
        return false;
    if (n->op != OP_REDUCE_MEAN && n->op != OP_REDUCE_MAX)
        return true;
    ReduceGeom r;
    bool known = false;
    Diag scratch = {0};
    if (!ir_reduce_geom(g, n, &r, &known, &scratch) || !known || r.noop)
        return refuse(why, size, "axes unknown", 0);
    const int o = IR_MAX_RANK - 4;
    if (r.ys[o] == 0 || r.ys[o + 1] == 0 || r.ys[o + 2] != 0 || r.ys[o + 3] != 0)
        return refuse(why, size, "axes not {2, 3}", 0);
    return true;
}

static bool concat_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    int64_t axis = 0;
    Diag scratch = {0};
    if (!blk_common(g, n, why, size))
        return false;
    if (!ir_attr_int(n, "axis", 0, &axis, &scratch) || (axis != 1 && axis != -3))
        return refuse(why, size, "axis %lld != 1", (long long)axis);
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] < 0 || g->tensors[n->in[k]].rank != 4)
            return refuse(why, size, "input %lld not rank 4", (long long)k);
    return true;
}

static bool binary_blk16_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    return binary_flat_accepts(g, n, why, size) && blk_common(g, n, why, size);
}

/* A op B with A of the output's shape (n, c, h, w) and B broadcast per
 * channel ((n|1, c, 1, 1), (c, 1, 1)) or a scalar (every dim 1, or n == 1). */
static bool binary_chan_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    if (n->n_in != 2 || n->in[1] < 0 || !blk_common(g, n, why, size))
        return refuse(why, size, "not binary", 0);
    const Tensor *a = &g->tensors[n->in[0]], *b = &g->tensors[n->in[1]];
    const Tensor *y = &g->tensors[n->out[0]];
    if (!same_dims(a, y))
        return refuse(why, size, "A broadcast", 0);
    if (b->rank < 0 || b->rank > 4)
        return refuse(why, size, "B of rank %lld", (long long)b->rank);
    int64_t bd[4] = {1, 1, 1, 1};
    for (int i = 0; i < b->rank; i++)
        bd[4 - b->rank + i] = b->dims[i];
    if (bd[2] != 1 || bd[3] != 1 || (bd[1] != 1 && bd[1] != y->dims[1]) ||
        (bd[0] != 1 && bd[0] != y->dims[0]) || (bd[1] == 1 && bd[0] != 1 && y->dims[0] != 1))
        return refuse(why, size, "B not per channel", 0);
    return true;
}

/* The RT_UN_* ops of rt_unary_blk16_body, with constant parameters. */
static bool unary_blk16_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    float alpha, beta;
    Diag scratch = {0};
    if (!blk_common(g, n, why, size))
        return false;
    if (!ir_unary_params(g, n, &alpha, &beta, &scratch))
        return refuse(why, size, "parameters not constant", 0);
    if (n->act == ACT_SILU)   /* emit_blocked.c applies relu or sigmoid after the op */
        return refuse(why, size, "act silu after the op", 0);
    return true;
}

/* Linear or cubic, at most 4 taps per axis (no antialiased downscale), no crop. */
static bool resize_interp_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    ResizeGeom r;
    Diag scratch = {0};
    if (!blk_common(g, n, why, size))
        return false;
    if (!ir_resize_geom(g, n, &r, &scratch) || r.oh < 0)
        return refuse(why, size, "geometry unknown", 0);
    if (r.mode == RM_NEAREST)
        return refuse(why, size, "nearest", 0);
    if (r.coord == RC_TF_CROP_AND_RESIZE)
        return refuse(why, size, "crop and resize", 0);
    if (r.antialias && (r.scale_h < 1.0f || r.scale_w < 1.0f))
        return refuse(why, size, "antialiased downscale", 0);
    return true;
}
/* ---- end of the ops block ---- */

/* --- dw: depthwise / grouped convs (runtime/conv_dw.c), packed Gemm (gemm_fast.c) --- */

/* A 2-D Conv with group > 1, constant weights and an rt_v_act epilogue. */
static bool conv_group_common(const Graph *g, const Node *n, ConvGeom *q, char *why, size_t size)
{
    if (!conv_operands(g, n, q, why, size))
        return false;
    if (q->group < 1)
        return refuse(why, size, "geometry unknown", 0);
    if (q->group == 1)   /* (no reason: the group-1 kernels cover these) */
        return false;
    if (q->c % q->group != 0 || q->m % q->group != 0)
        return refuse(why, size, "channels not divisible by group %lld", (long long)q->group);
    return conv_weights_act(g, n, why, size);
}

static bool conv_dw_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    ConvGeom q;
    if (!conv_group_common(g, n, &q, why, size))
        return false;
    if (q.group != q.c || q.m != q.c)   /* (no reason: conv_grouped_blk16 covers these) */
        return false;
    return true;
}

static bool conv_grouped_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    ConvGeom q;
    return conv_group_common(g, n, &q, why, size);
}

/* Gemm / MatMul y = A B (+ C): B a constant matrix (K, N) read through its
 * strides (transB folded into the packing), A rows contiguous (K values each;
 * a MatMul's batch dims of A fold into the rows), alpha 1, C absent or a row
 * vector (N) with beta 1, an rt_v_act epilogue. */
static bool gemm_packed_accepts(const Graph *g, const Node *n, char *why, size_t size)
{
    MatmulGeom q;
    Diag scratch = {0};
    if (n->n_in < 2 || n->in[0] < 0 || n->in[1] < 0 || n->n_out < 1 || n->out[0] < 0)
        return refuse(why, size, "no operands", 0);
    if (!ir_node_is_f32(g, n, NULL))
        return refuse(why, size, "not f32", 0);
    if (!ir_matmul_geom(g, n, &q, &scratch))
        return refuse(why, size, "geometry unknown", 0);
    const Tensor *b = &g->tensors[n->in[1]];
    if (b->kind != TK_CONST || !b->data || b->rank != 2)
        return refuse(why, size, "B not a constant matrix", 0);
    if (q.a_sk != 1 || q.a_sm != q.k)
        return refuse(why, size, "A transposed", 0);
    int64_t rows = q.m;
    for (int d = IR_MAX_BATCH - 1; d >= 0; d--) {
        if (q.bdims[d] <= 1)
            continue;
        if (q.bsb[d] != 0 || q.bsa[d] != rows * q.k)
            return refuse(why, size, "batched B", 0);
        rows *= q.bdims[d];
    }
    if (rows > INT32_MAX / 2 || q.n > INT32_MAX / 2 || q.k > INT32_MAX / 2)
        return refuse(why, size, "too large", 0);
    if (q.alpha != 1.0f)
        return refuse(why, size, "alpha != 1", 0);
    if (q.has_c && (q.beta != 1.0f || q.c_sm != 0 || (q.c_sn != 1 && q.n > 1)))
        return refuse(why, size, "C not a row vector with beta 1", 0);
    if (!vector_act(n->act) || act_has_params(n->act)) {   /* (rt_gemm_packed takes no alpha) */
        snprintf(why, size, "act %s has no fast epilogue", act_name(n->act));
        return false;
    }
    return true;
}
/* --- end dw --- */

enum { NCHW = LAYOUT_BIT(LAYOUT_NCHW), BLK16 = LAYOUT_BIT(LAYOUT_BLK16) };

/* In the order selection tries them; the reference entry comes last. */
const KernelEntry ir_kernels[] = {
    /* id, name, ops, predicate, data inputs, reads, writes, same layout,
     * padded blk16, packs weights, files */
    /* dw, first: they refuse group 1 without a reason. They read blk16 only
     * (when the input stays NCHW, select_kernels makes the output NCHW too,
     * for the reference kernel) and write either layout. */
    {KERNEL_CONV_DW_BLK16, "conv_dw_blk16", 1, {OP_CONV}, conv_dw_accepts,
     1, BLK16, NCHW | BLK16, false, true, true, {"rt_vec.h", "conv_dw.c"}},
    {KERNEL_CONV_GROUPED_BLK16, "conv_grouped_blk16", 1, {OP_CONV}, conv_grouped_accepts,
     1, BLK16, NCHW | BLK16, false, true, true, {"rt_vec.h", "conv_dw.c"}},
    {KERNEL_GEMM_PACKED, "gemm_packed", 2, {OP_GEMM, OP_MATMUL}, gemm_packed_accepts,
     1, NCHW, NCHW, false, false, true, {"rt_vec.h", "gemm_fast.c"}},
    /* end dw */
    {KERNEL_CONV_REDUCE_BLK16, "conv_reduce_blk16", 1, {OP_CONV}, conv_reduce_accepts,
     1, BLK16, NCHW, false, true, true, {"rt_vec.h", "conv_fast.c"}},
    {KERNEL_CONV_DIRECT_BLK16, "conv_direct_blk16", 1, {OP_CONV}, conv_direct_accepts,
     1, NCHW | BLK16, NCHW | BLK16, false, true, true, {"rt_vec.h", "conv_fast.c"}},
    {KERNEL_MAXPOOL_BLK16, "maxpool_blk16", 1, {OP_MAXPOOL}, maxpool_accepts,
     1, BLK16, BLK16, true, true, false, {"rt_vec.h", "pool_blocked.c"}},
    {KERNEL_RESIZE_NEAREST_BLK16, "resize_nearest_blk16", 2, {OP_RESIZE, OP_UPSAMPLE},
     resize_nearest_accepts, 1, BLK16, BLK16, true, true, false, {"resize.c", NULL}},
    /* ---- ops: blk16 kernels around the convs; the blk16-only ones come
     * before the flat loops, which serve NCHW (and keep pad lanes 0 only for
     * ops that map 0 to 0) ---- */
    {KERNEL_AVGPOOL_BLK16, "avgpool_blk16", 1, {OP_AVERAGEPOOL}, avgpool_accepts,
     1, BLK16, BLK16, true, true, false, {"rt_vec.h", "pool_blocked.c"}},
    {KERNEL_GLOBAL_POOL_BLK16, "global_pool_blk16", 4,
     {OP_GLOBAL_AVERAGEPOOL, OP_GLOBAL_MAXPOOL, OP_REDUCE_MEAN, OP_REDUCE_MAX},
     global_pool_accepts, 1, NCHW | BLK16, NCHW | BLK16, false, true, false,
     {"rt_vec.h", "pool_blocked.c"}},
    {KERNEL_CONCAT_BLK16, "concat_blk16", 1, {OP_CONCAT}, concat_accepts,
     IR_MAX_INPUTS, BLK16, BLK16, true, true, false, {"rt_vec.h", "blocked_ops.c"}},
    {KERNEL_BINARY_BLK16, "binary_blk16", 4, {OP_ADD, OP_SUB, OP_MUL, OP_DIV},
     binary_blk16_accepts, 2, BLK16, BLK16, true, true, false, {"rt_vec.h", "blocked_ops.c"}},
    {KERNEL_BINARY_CHAN_BLK16, "binary_chan_blk16", 4, {OP_ADD, OP_SUB, OP_MUL, OP_DIV},
     binary_chan_accepts, 1, BLK16, BLK16, true, true, false, {"rt_vec.h", "blocked_ops.c"}},
    {KERNEL_UNARY_BLK16, "unary_blk16", 7,
     {OP_RELU, OP_SIGMOID, OP_TANH, OP_LEAKY_RELU, OP_CLIP, OP_HARD_SIGMOID, OP_HARD_SWISH},
     unary_blk16_accepts, 1, BLK16, BLK16, true, true, false, {"rt_vec.h", "blocked_ops.c"}},
    {KERNEL_RESIZE_INTERP_BLK16, "resize_interp_blk16", 2, {OP_RESIZE, OP_UPSAMPLE},
     resize_interp_accepts, 1, BLK16, BLK16, true, true, false, {"resize.c", NULL}},
    /* ---- end of the ops block ---- */
    /* flat loops over same-shape operands: the order of the elements does not
     * matter, but padding lanes would be counted (and 0/0, sigmoid(0) are not 0) */
    {KERNEL_BINARY_FLAT, "binary_flat", 4, {OP_ADD, OP_SUB, OP_MUL, OP_DIV}, binary_flat_accepts,
     2, NCHW | BLK16, NCHW | BLK16, true, false, false, {"binary.c", NULL}},
    {KERNEL_UNARY_FLAT, "unary_flat", 2, {OP_RELU, OP_SIGMOID}, unary_flat_accepts,
     1, NCHW | BLK16, NCHW | BLK16, true, false, false, {"unary.c", NULL}},
    {KERNEL_REFERENCE, "reference", 0, {OP_CONV}, NULL, 0, NCHW, NCHW, false, false, false,
     {NULL, NULL}},
};
const int ir_n_kernels = (int)ARRAY_LEN(ir_kernels);

const KernelEntry *ir_kernel(int id)
{
    for (int i = 0; i < ir_n_kernels; i++)
        if ((int)ir_kernels[i].id == id)
            return &ir_kernels[i];
    return &ir_kernels[ir_n_kernels - 1];
}

bool ir_kernel_has_op(const KernelEntry *k, OpKind op)
{
    if (k->n_ops == 0)
        return true;
    for (int i = 0; i < k->n_ops; i++)
        if (k->ops[i] == op)
            return true;
    return false;
}

int64_t ir_node_flops(const Graph *g, const Node *n)
{
    return 2 * ir_node_macs(g, n);
}
