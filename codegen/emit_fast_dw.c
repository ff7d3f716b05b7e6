/* SPDX-License-Identifier: MIT */
/*
 * emit_fast_dw.c - the packed weights and calls of the depthwise / grouped
 * blk16 convs (runtime/conv_dw.c) and of the packed Gemm (runtime/gemm_fast.c),
 * for the nodes pass_select_kernels gave those kernels (ir/kernels.c).
 *
 * Layouts written (exact float bit patterns, zero words where no weight is):
 * - conv_dw_blk16: (c/16, kh, kw, 16), lane l of block cb = channel 16 cb + l;
 * - conv_grouped_blk16: (m/16, span, kh, kw, 16): block ob's input channels
 *   lo .. lo + span - 1 (lo: the first channel of the group of output 16 ob),
 *   lane l holding output 16 ob + l's weight when its group reads the
 *   channel; span = the largest channel range of a block (cg_grouped_span,
 *   the same formula as rt_conv_grouped_span);
 * - gemm_packed: B as (N/16, K, 16) panels, zero columns past N, read
 *   through B's strides (Gemm's transB).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "cg_internal.h"

/* Little-endian float bits of element i of a constant. */
static uint32_t bits_at(const Tensor *t, int64_t i)
{
    const unsigned char *b = (const unsigned char *)t->data + 4 * i;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Input channels [lo, hi) read by output block ob of a grouped conv. */
static void grouped_range(const ConvGeom *q, int64_t ob, int64_t *lo, int64_t *hi)
{
    const int64_t cw = q->c / q->group, mw = q->m / q->group;
    const int64_t last = ob * 16 + 15 < q->m ? ob * 16 + 15 : q->m - 1;
    *lo = ob * 16 / mw * cw;
    *hi = (last / mw + 1) * cw;
}

static int64_t cg_grouped_span(const ConvGeom *q)
{
    int64_t span = 0;
    for (int64_t ob = 0; ob * 16 < q->m; ob++) {
        int64_t lo, hi;
        grouped_range(q, ob, &lo, &hi);
        span = hi - lo > span ? hi - lo : span;
    }
    return span;
}

/* Writes wp_<i>, the packed words u[0..ne) as little-endian bytes (a blob). */
static bool put_packed(FILE *c, const Tensor *w, int i, const char *layout, const uint32_t *u,
                       int64_t ne)
{
    char q[CG_QUOTE_MAX * 4 + 16], ident[32];
    unsigned char *b = malloc((size_t)ne * 4 + 1);
    if (!b)
        return false;
    for (int64_t k = 0; k < ne; k++)
        for (int j = 0; j < 4; j++)
            b[4 * k + j] = (unsigned char)(u[k] >> (8 * j));
    cg_quote(w->name, CG_QUOTE_MAX, q, sizeof q);
    fprintf(c, "\n/* %s of node %d, packed %s */\n", q, i, layout);
    snprintf(ident, sizeof ident, "wp_%d", i);
    bool ok = cg_emit_blob(c, ident, "float", 4, b, 4 * (size_t)ne);
    free(b);
    return ok;
}

bool cg_dw_kernel(const Node *n)
{
    return n->kernel == KERNEL_CONV_DW_BLK16 || n->kernel == KERNEL_CONV_GROUPED_BLK16 ||
           n->kernel == KERNEL_GEMM_PACKED;
}

bool cg_dw_emit_weights(const Graph *g, int i, FILE *c, Diag *d)
{
    const Node *n = &g->nodes[i];
    const Tensor *w = &g->tensors[n->in[1]];
    int64_t ne = 0;
    uint32_t *u = NULL;
    const char *layout = "";
    if (n->kernel == KERNEL_GEMM_PACKED) {
        MatmulGeom q;
        if (!ir_matmul_geom(g, n, &q, d))
            return false;
        const int64_t n16 = (q.n + 15) / 16;
        ne = n16 * q.k * 16;
        if (!(u = calloc((size_t)ne + 1, sizeof *u)))
            return diag_fail(d, ST_NOMEM, n, "out of memory");
        for (int64_t k = 0; k < q.k; k++)
            for (int64_t j = 0; j < q.n; j++)
                u[((j / 16) * q.k + k) * 16 + j % 16] = bits_at(w, k * q.b_sk + j * q.b_sn);
        layout = "(N/16, K, 16)";
    } else {
        ConvGeom q;
        if (!ir_conv_geom(g, n, &q, d))
            return false;
        const int64_t taps = q.kh * q.kw, cw = q.c / q.group, mw = q.m / q.group;
        const int64_t m16 = (q.m + 15) / 16;
        const int64_t span = n->kernel == KERNEL_CONV_DW_BLK16 ? 1 : cg_grouped_span(&q);
        ne = m16 * span * taps * 16;
        if (!(u = calloc((size_t)ne + 1, sizeof *u)))
            return diag_fail(d, ST_NOMEM, n, "out of memory");
        for (int64_t ob = 0; ob < m16; ob++) {
            int64_t lo, hi;
            grouped_range(&q, ob, &lo, &hi);
            for (int64_t ci = 0; ci < span; ci++)
                for (int64_t l = 0; l < 16; l++) {
                    const int64_t o = ob * 16 + l;
                    const int64_t ch = n->kernel == KERNEL_CONV_DW_BLK16 ? o : lo + ci;
                    if (o >= q.m || ch >= q.c || ch / cw != o / mw)
                        continue;   /* stays 0: this lane does not read the channel */
                    for (int64_t t = 0; t < taps; t++)
                        u[((ob * span + ci) * taps + t) * 16 + l] = bits_at(w, (o * cw + ch % cw) * taps + t);
                }
        }
        layout = n->kernel == KERNEL_CONV_DW_BLK16 ? "(c/16, kh, kw, 16)" : "(m/16, span, kh, kw, 16)";
    }
    bool ok = put_packed(c, w, i, layout, u, ne);
    free(u);
    return ok || diag_fail(d, ST_NOMEM, n, "out of memory");
}

bool cg_dw_emit_call(const Graph *g, int i, bool has_bias, FILE *c)
{
    const Node *n = &g->nodes[i];
    Diag scratch = {0};
    ConvGeom q;
    const int y_blk = g->tensors[n->out[0]].layout == LAYOUT_BLK16 ? 1 : 0;
    if (n->kernel == KERNEL_CONV_DW_BLK16) {
        fprintf(c, "    rt_conv_dw_blk16_body(y, x, w, %s, &p, %d);\n", has_bias ? "b" : "NULL",
                y_blk);
        return true;
    }
    if (n->kernel != KERNEL_CONV_GROUPED_BLK16 || !ir_conv_geom(g, n, &q, &scratch))
        return false;
    fprintf(c, "    rt_conv_grouped_blk16_body(y, x, w, %s, &p, %d, %d);\n",
            has_bias ? "b" : "NULL", (int)cg_grouped_span(&q), y_blk);
    return true;
}

bool cg_dw_emit_gemm(const Graph *g, const Node *n, FILE *c, Diag *d)
{
    MatmulGeom q;
    if (!ir_matmul_geom(g, n, &q, d))
        return false;
    int64_t rows = q.m;
    for (int k = 0; k < IR_MAX_BATCH; k++)
        rows *= q.bdims[k] > 1 ? q.bdims[k] : 1;
    fprintf(c, "    /* B packed (N/16, K, 16) */\n"
               "    rt_gemm_packed_body(y0, x0, x1, %s, %d, %d, %d, %d, %s);\n",
            q.has_c ? "x2" : "NULL", (int)rows, (int)q.n, (int)q.k, (int)q.k,
            cg_act_const(n->act));
    return true;
}
