/* SPDX-License-Identifier: MIT */
/*
 * emit_blocked.c - the emission of the blk16 kernels around the convs that
 * pass_select_kernels chose (ir/kernels.c, the "ops" entries): average and
 * global pooling, Concat along channels, same-shape and per-channel
 * broadcasting Add/Sub/Mul/Div, the unary activations. Each node function
 * calls the kernel's RT_INLINE body (runtime/blocked_ops.c, pool_blocked.c)
 * with every shape as a constant, so the compiler specialises it. Nothing is
 * decided here: the kernel and the layouts are on the IR; the only choices
 * left are the call's constant arguments (GAP's output layout, the
 * broadcast operand's mode).
 */
#include <inttypes.h>
#include <string.h>

#include "cg_internal.h"

bool cg_blocked_kernel(const Node *n)
{
    switch (n->kernel) {
    case KERNEL_AVGPOOL_BLK16: case KERNEL_GLOBAL_POOL_BLK16: case KERNEL_CONCAT_BLK16:
    case KERNEL_BINARY_BLK16: case KERNEL_BINARY_CHAN_BLK16: case KERNEL_UNARY_BLK16:
        return true;
    default:
        return false;
    }
}

static int un_index(OpKind op)
{
    switch ((int)op) {
    case OP_RELU: return 0;
    case OP_SIGMOID: return 1;
    case OP_TANH: return 2;
    case OP_LEAKY_RELU: return 3;
    case OP_CLIP: return 4;
    case OP_HARD_SIGMOID: return 5;
    default: return 6;   /* OP_HARD_SWISH */
    }
}

static const char *binary_const(OpKind op)
{
    return op == OP_SUB ? "RT_BIN_SUB" : op == OP_MUL ? "RT_BIN_MUL"
         : op == OP_DIV ? "RT_BIN_DIV" : "RT_BIN_ADD";
}

/* n, c and h * w of a rank-4 tensor. */
static void nchw(const Tensor *t, int64_t *n, int64_t *c, int64_t *hw)
{
    *n = t->dims[0];
    *c = t->dims[1];
    *hw = t->dims[2] * t->dims[3];
}

static bool avgpool(const Graph *g, const Node *n, const char *x, const char *y, FILE *c,
                    Diag *d)
{
    ConvGeom q;
    int64_t cip = 0;
    if (!ir_pool_geom(g, n, &q, d) || !ir_attr_int(n, "count_include_pad", 0, &cip, d))
        return false;
    fprintf(c, "    static const RtConvParams p = {\n"
               "        .n = %" PRId64 ", .c = %" PRId64 ", .h = %" PRId64 ", .w = %" PRId64
               ", .m = %" PRId64 ", .oh = %" PRId64 ", .ow = %" PRId64 ",\n"
               "        .kh = %" PRId64 ", .kw = %" PRId64 ", .sh = %" PRId64 ", .sw = %" PRId64
               ", .dh = %" PRId64 ", .dw = %" PRId64 ",\n"
               "        .pt = %" PRId64 ", .pl = %" PRId64 ", .group = 1, .act = %s};\n",
            q.n, q.c, q.h, q.w, q.c, q.oh, q.ow, q.kh, q.kw, q.sh, q.sw, q.dh, q.dw, q.pt, q.pl,
            cg_act_const(n->act));
    fprintf(c, "    rt_avgpool2d_blk16_body(%s, %s, &p, %" PRId64 ", %" PRId64 ", %d);\n", y, x,
            q.pb, q.pr, cip != 0);
    return true;
}

/* B's mode and its floats between images (0: one B for every image). */
static void chan_operand(const Tensor *b, const Tensor *y, const char **mode, int64_t *vbs)
{
    int64_t bd[4] = {1, 1, 1, 1};
    for (int i = 0; i < b->rank; i++)
        bd[4 - b->rank + i] = b->dims[i];
    *mode = bd[1] == 1 ? "RT_BV_SCALAR" : "RT_BV_CHAN";
    *vbs = bd[0] > 1 ? bd[1] : 0;
    (void)y;
}

bool cg_blocked_emit_body(const Graph *g, const Node *n, const char *const *x, const char *y,
                          FILE *c, Diag *d)
{
    const Tensor *out = &g->tensors[n->out[0]];
    const Tensor *in0 = &g->tensors[n->in[0]];
    int64_t bn, bc, hw;
    nchw(in0, &bn, &bc, &hw);
    switch (n->kernel) {
    case KERNEL_AVGPOOL_BLK16:
        return avgpool(g, n, x[0], y, c, d);
    case KERNEL_GLOBAL_POOL_BLK16: {
        bool max = n->op == OP_GLOBAL_MAXPOOL || n->op == OP_REDUCE_MAX;
        fprintf(c, "    rt_global_pool_blk16_body(%s, %s, %" PRId64 ", %" PRId64 ", %" PRId64
                   ", %s, %d, %d, %s);\n",
                y, x[0], bn, bc, hw, max ? "RT_POOL_MAX" : "RT_POOL_AVG",
                in0->layout == LAYOUT_BLK16, out->layout == LAYOUT_BLK16, cg_act_const(n->act));
        return true;
    }
    case KERNEL_CONCAT_BLK16: {
        int64_t off = 0;
        for (int k = 0; k < n->n_in; k++) {
            const int64_t ck = g->tensors[n->in[k]].dims[1];
            fprintf(c, "    rt_concat_blk16_body(%s, %s, %" PRId64 ", %" PRId64 ", %" PRId64
                       ", %" PRId64 ", %" PRId64 ");\n",
                    y, x[k], bn, ck, out->dims[1], off, hw);
            off += ck;
        }
        return true;
    }
    case KERNEL_BINARY_BLK16:
        fprintf(c, "    rt_binary_blk16_body(%s, %s, %s, %" PRId64 ", %" PRId64 ", %" PRId64
                   ", %s, %s);\n",
                y, x[0], x[1], bn, bc, hw, binary_const(n->op), cg_act_const(n->act));
        return true;
    case KERNEL_BINARY_CHAN_BLK16: {
        const char *mode;
        int64_t vbs;
        chan_operand(&g->tensors[n->in[1]], out, &mode, &vbs);
        fprintf(c, "    rt_binary_chan_blk16_body(%s, %s, %s, %" PRId64 ", %" PRId64 ", %" PRId64
                   ", %s, %" PRId64 ", %s, 0, %s);\n",
                y, x[0], x[1], bn, bc, hw, mode, vbs, binary_const(n->op), cg_act_const(n->act));
        return true;
    }
    case KERNEL_UNARY_BLK16: {
        static const char *const ops[] = {"RT_UN_RELU", "RT_UN_SIGMOID", "RT_UN_TANH",
                                          "RT_UN_LEAKY_RELU", "RT_UN_CLIP",
                                          "RT_UN_HARD_SIGMOID", "RT_UN_HARD_SWISH"};
        float alpha, beta;
        if (!ir_unary_params(g, n, &alpha, &beta, d))
            return false;
        fprintf(c, "    rt_unary_blk16_body(%s, %s, %" PRId64 ", %" PRId64 ", %" PRId64 ", %s, ",
                y, x[0], bn, bc, hw, ops[un_index(n->op)]);
        cg_put_float(c, alpha);
        fputs(", ", c);
        cg_put_float(c, beta);
        fputs(");\n", c);
        if (n->act != ACT_NONE)   /* a vector act (select_kernels checked), after the op */
            fprintf(c, "    rt_unary_blk16_body(%s, %s, %" PRId64 ", %" PRId64 ", %" PRId64
                       ", %s, 0.0f, 0.0f);\n",
                    y, y, bn, bc, hw, n->act == ACT_RELU ? "RT_UN_RELU" : "RT_UN_SIGMOID");
        return true;
    }
    default:
        return diag_fail(d, ST_INTERNAL, n, "not a blk16 kernel of emit_blocked.c");
    }
}
