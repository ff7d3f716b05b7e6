/* SPDX-License-Identifier: MIT */
/*
 * emit_fast.c - the emission of the fast kernels that pass_select_kernels
 * recorded on the IR (Node.kernel, Tensor.layout; the table is ir/kernels.c):
 * their packed weights and their calls. Nothing is decided here.
 *
 * conv_direct_blk16 (rt_conv_fast_body) reads weights packed (M16, c, kh, kw,
 * 16), M16 = ceil(m/16), output channels >= m zero; conv_reduce_blk16
 * (rt_conv_reduce_body) reads them packed (m, C16, kh, kw, 16), input channels
 * >= c zero. Packing only permutes the float bit patterns (and adds zeros).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cg_internal.h"

bool cg_fast_kernel(const Node *n)
{
    return n->kernel == KERNEL_CONV_DIRECT_BLK16 || n->kernel == KERNEL_CONV_REDUCE_BLK16 ||
           n->kernel == KERNEL_MAXPOOL_BLK16 || n->kernel == KERNEL_RESIZE_NEAREST_BLK16 ||
           n->kernel == KERNEL_RESIZE_INTERP_BLK16 || cg_blocked_kernel(n) || cg_dw_kernel(n);
}

const char *cg_fast_act_const(Act a)
{
    if (a == ACT_LEAKY_RELU)
        return "RT_ACT_LEAKY_RELU";
    if (a == ACT_CLIP)
        return "RT_ACT_CLIP";
    return cg_act_const(a);
}

static bool blk16(const Graph *g, int t)
{
    return g->tensors[t].layout == LAYOUT_BLK16;
}

int64_t cg_fast_packed_words(const Graph *g, const Node *n)
{
    const Tensor *w = &g->tensors[n->in[1]];
    const int64_t m = w->dims[0], cc = w->dims[1], taps = w->dims[2] * w->dims[3];
    return n->kernel == KERNEL_CONV_DIRECT_BLK16 ? (m + 15) / 16 * 16 * cc * taps
                                                 : m * ((cc + 15) / 16 * 16) * taps;
}

bool cg_fast_emit_weights(const Graph *g, FILE *c, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        if (!ir_kernel(n->kernel)->packs_weights)
            continue;
        if (cg_dw_kernel(n)) {   /* emit_fast_dw.c */
            if (!cg_dw_emit_weights(g, i, c, d))
                return false;
            continue;
        }
        const bool direct = n->kernel == KERNEL_CONV_DIRECT_BLK16;
        const Tensor *w = &g->tensors[n->in[1]];
        const int64_t m = w->dims[0], cc = w->dims[1], taps = w->dims[2] * w->dims[3];
        const int64_t ne = cg_fast_packed_words(g, n), c16 = (cc + 15) / 16;
        const unsigned char *src = w->data;
        unsigned char *u = calloc((size_t)ne + 1, 4);
        if (!u)
            return diag_fail(d, ST_NOMEM, NULL, "out of memory");
        /* moves each float's 4 little-endian bytes: the bit patterns stay exact */
        for (int64_t om = 0; om < m; om++)
            for (int64_t ic = 0; ic < cc; ic++)
                for (int64_t t = 0; t < taps; t++) {
                    int64_t dst = direct
                        ? (((om / 16) * cc + ic) * taps + t) * 16 + om % 16
                        : ((om * c16 + ic / 16) * taps + t) * 16 + ic % 16;
                    memcpy(u + 4 * dst, src + 4 * ((om * cc + ic) * taps + t), 4);
                }
        char q[CG_QUOTE_MAX * 4 + 16], ident[32];
        cg_quote(w->name, CG_QUOTE_MAX, q, sizeof q);
        fprintf(c, "\n/* %s of node %d, packed %s */\n", q, i,
                direct ? "(m/16, c, kh, kw, 16)" : "(m, c/16, kh, kw, 16)");
        snprintf(ident, sizeof ident, "wp_%d", i);
        cg_emit_blob(c, ident, "float", 4, u, 4 * (size_t)ne);
        free(u);
    }
    return true;
}

bool cg_fast_emit_call(const Graph *g, int i, bool has_bias, FILE *c)
{
    const Node *n = &g->nodes[i];
    int x = n->in[0], y = n->out[0];
    switch ((KernelId)n->kernel) {
    case KERNEL_CONV_DIRECT_BLK16:
        fprintf(c, "    rt_conv_fast_body(y, x, w, %s, &p, %d, %d);\n", has_bias ? "b" : "NULL",
                blk16(g, x) ? 1 : 0, blk16(g, y) ? 1 : 0);
        return true;
    case KERNEL_CONV_REDUCE_BLK16:
        fprintf(c, "    rt_conv_reduce_body(y, x, w, %s, &p);\n", has_bias ? "b" : "NULL");
        return true;
    case KERNEL_MAXPOOL_BLK16:
        fputs("    rt_maxpool2d_blocked_f32(y, x, &p);\n", c);
        return true;
    case KERNEL_RESIZE_NEAREST_BLK16:
        fputs("    rt_resize_nearest_blocked_f32(y, x, &p);\n", c);
        return true;
    case KERNEL_CONV_DW_BLK16:
    case KERNEL_CONV_GROUPED_BLK16:
        return cg_dw_emit_call(g, i, has_bias, c);
    case KERNEL_RESIZE_INTERP_BLK16:
        fputs("    rt_resize_interp_blk16_body(y, x, &p);\n", c);
        return true;
    case KERNEL_AVGPOOL_BLK16:      /* ops: emit_blocked.c */
    case KERNEL_GLOBAL_POOL_BLK16:
    case KERNEL_CONCAT_BLK16:
    case KERNEL_BINARY_BLK16:
    case KERNEL_BINARY_CHAN_BLK16:
    case KERNEL_UNARY_BLK16:
    case KERNEL_GEMM_PACKED:   /* emitted by emit_ops.c through cg_dw_emit_gemm */
    case KERNEL_REFERENCE:
    case KERNEL_BINARY_FLAT:
    case KERNEL_UNARY_FLAT:
    case KERNEL_COUNT_:
        break;
    }
    return false;
}
