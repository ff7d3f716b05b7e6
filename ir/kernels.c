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

/* What both fast convs need: a 2-D group-1 Conv with constant weights and an
 * epilogue of rt_v_act_p. */
static bool conv_common(const Graph *g, const Node *n, ConvGeom *q, char *why, size_t size)
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
    if (q->group != 1)
        return refuse(why, size, "group %lld != 1", (long long)q->group);
    const Tensor *w = &g->tensors[n->in[1]];
    if (w->kind != TK_CONST || !w->data)
        return refuse(why, size, "weights not constant", 0);
    if (!vector_act(n->act)) {
        snprintf(why, size, "act %s has no fast epilogue", act_name(n->act));
        return false;
    }
    return true;
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

/* --- dw: depthwise / grouped convs (runtime/conv_dw.c), packed Gemm (gemm_fast.c) --- */

/* A 2-D Conv with group > 1, constant weights and an rt_v_act epilogue. */
static bool conv_group_common(const Graph *g, const Node *n, ConvGeom *q, char *why, size_t size)
{
    Diag scratch = {0};
    if (n->n_in < 2 || n->in[0] < 0 || n->in[1] < 0 || n->n_out < 1 || n->out[0] < 0)
        return refuse(why, size, "no weights", 0);
    if (g->tensors[n->in[0]].rank != 4)
        return refuse(why, size, "rank %lld input", (long long)g->tensors[n->in[0]].rank);
    if (!ir_node_is_f32(g, n, NULL))
        return refuse(why, size, "not f32", 0);
    if (!ir_conv_geom(g, n, q, &scratch) || q->group < 1)
        return refuse(why, size, "geometry unknown", 0);
    if (q->group == 1)   /* (no reason: the group-1 kernels cover these) */
        return false;
    if (q->c % q->group != 0 || q->m % q->group != 0)
        return refuse(why, size, "channels not divisible by group %lld", (long long)q->group);
    const Tensor *w = &g->tensors[n->in[1]];
    if (w->kind != TK_CONST || !w->data)
        return refuse(why, size, "weights not constant", 0);
    if (!vector_act(n->act)) {
        snprintf(why, size, "act %s has no fast epilogue", act_name(n->act));
        return false;
    }
    return true;
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
     1, BLK16, BLK16, true, false, false, {"pool_blocked.c", NULL}},
    {KERNEL_RESIZE_NEAREST_BLK16, "resize_nearest_blk16", 2, {OP_RESIZE, OP_UPSAMPLE},
     resize_nearest_accepts, 1, BLK16, BLK16, true, false, false, {"resize.c", NULL}},
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
    Diag d = {0};
    ConvGeom q;
    MatmulGeom mg;
    if (n->op == OP_CONV) {
        if (!ir_conv_geom(g, n, &q, &d) || q.group <= 0)
            return 0;
        return 2 * q.n * q.m * q.od * q.oh * q.ow * (q.c / q.group) * q.kd * q.kh * q.kw;
    }
    if (n->op == OP_CONV_TRANSPOSE) {
        if (!ir_conv_transpose_geom(g, n, &q, &d) || q.group <= 0)
            return 0;
        return 2 * q.n * q.c * q.h * q.w * (q.m / q.group) * q.kh * q.kw;
    }
    if (n->op == OP_GEMM || n->op == OP_MATMUL) {
        if (!ir_matmul_geom(g, n, &mg, &d))
            return 0;
        int64_t batch = 1;
        for (int i = 0; i < IR_MAX_BATCH; i++)
            batch *= mg.bdims[i] > 0 ? mg.bdims[i] : 1;
        return 2 * batch * mg.m * mg.n * mg.k;
    }
    return 0;
}
