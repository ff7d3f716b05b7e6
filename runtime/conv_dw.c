/* SPDX-License-Identifier: MIT */
/*
 * conv_dw.c - depthwise and grouped 2-D convolution on the blk16 layout,
 * written once on RtVec (rt_vec.h: AVX-512, AVX2 or portable C).
 *
 * Both read x blocked (n, C16, h, w, 16) and write y blocked (n, M16, oh, ow,
 * 16) or NCHW (n, m, oh, ow) (y_blocked 0: before an op with no blk16 kernel), C16 = ceil(c/16), M16 = ceil(m/16); the lanes of channels >= m are
 * stored as 0 (the blk16 contract), and the kernels rely on x's pad lanes
 * being 0. One RtVec holds 16 output channels of one pixel. Each output row
 * is split into a left border, an interior and a right border: interior
 * pixels read every tap without a bounds test, border pixels test each
 * column, and taps in the padding are skipped (never multiplied by zero);
 * rows are tested once per kernel row. The interior goes in strips of
 * RT_DW_TW pixels whose accumulators stay in registers, so each weight vector
 * load serves RT_DW_TW FMAs; the input operand of each FMA is a memory
 * operand (rt_opaque keeps compilers from merging those loads into registers,
 * which would spill).
 *
 * - Depthwise, group == c == m (rt_conv_dw_blk16_body): lane l of block cb
 *   is channel 16 cb + l of both x and y, so the input operand is the vector
 *   of 16 channels at the tap (elementwise FMA). Weights wp (C16, kh, kw, 16),
 *   zero lanes for padded channels.
 * - Grouped, 1 < group, incl. depthwise with a channel multiplier (group ==
 *   c, m == k c) (rt_conv_grouped_blk16_body): an output block of 16
 *   channels is treated as block-diagonal. It only reads the input channels
 *   [lo, hi) of the groups its channels belong to (rt_grouped_lo/hi); for
 *   each such channel the input value is broadcast and multiplied by a
 *   vector of 16 weights, zero in the lanes whose group does not read that
 *   channel. Weights wp (M16, span, kh, kw, 16) with span = the largest
 *   hi - lo over the blocks (rt_grouped_span). When the group widths c/group
 *   and m/group are multiples of 16 this is exactly a dense blocked conv per
 *   group (no zero weights); otherwise the wasted FMAs are at most a factor
 *   16 / (c/group) (2 for regnet's width 8; 8 for a multiplier of 2, a rare
 *   layer, chosen over a second kernel).
 * Sums are accumulated in float per tap in order (c/group * kh * kw taps per
 * output, few for these layers). b is the bias (m) or NULL; the epilogue is
 * rt_v_act_p (p's act, act_alpha, act_beta). Shapes come from codegen as
 * constants into these forced inline bodies; the wrappers at the end are for
 * the library and tests. The reference rt_conv2d_f32 (conv.c) is what these are tested against.
 * Libc only: embedded verbatim into emitted code (minus its #include lines).
 */
#include "rt.h"
#include "rt_vec.h"

/* Interior strip width in pixels (one RtVec accumulator each): AVX-512 8 of
 * the 32 registers; AVX2 + FMA 6 (12 ymm, plus 2 for the weights); portable 4. */
#if defined(__AVX512F__)
enum { RT_DW_TW = 8 };
#elif defined(__AVX2__) && defined(__FMA__)
enum { RT_DW_TW = 6 };
#else
enum { RT_DW_TW = 4 };
#endif

/* v with lanes >= n (0 < n <= 16) set to 0.0f; NaN-safe (a select, not a product). */
static RT_INLINE RtVec rt_dw_keep_lanes(RtVec v, int n)
{
#if defined(__AVX512F__)
    return _mm512_maskz_mov_ps((__mmask16)((1u << n) - 1u), v);
#elif defined(__AVX2__) && defined(__FMA__)
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 lo = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane));
    const __m256 hi = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8), lane));
    RtVec r = {_mm256_and_ps(v.lo, lo), _mm256_and_ps(v.hi, hi)};
    return r;
#else
    for (int l = n; l < 16; l++)
        v.f[l] = 0.0f;
    return v;
#endif
}

/* The 16 bias values of block ob (b has m values; zero past them), or zeros. */
static RT_INLINE RtVec rt_dw_bias(const float *restrict b, int m, int ob)
{
    if (!b)
        return rt_v_zero();
    if (ob * 16 + 16 <= m)
        return rt_v_load(b + ob * 16);
    float t[16] = {0};
    memcpy(t, b + ob * 16, (size_t)(m - ob * 16) * sizeof(float));
    return rt_v_load(t);
}

/* First input channel read by output block ob, and one past the last. */
static RT_INLINE int rt_grouped_lo(const RtConvParams *p, int ob)
{
    return ob * 16 / (p->m / p->group) * (p->c / p->group);
}
static RT_INLINE int rt_grouped_hi(const RtConvParams *p, int ob)
{
    const int last = ob * 16 + 15 < p->m ? ob * 16 + 15 : p->m - 1;
    return (last / (p->m / p->group) + 1) * (p->c / p->group);
}

/* The input channels a packed block of grouped weights holds: the largest
 * hi - lo over the output blocks. */
RT_API RT_UNUSED int rt_conv_grouped_span(const RtConvParams *p)
{
    int span = 0;
    for (int ob = 0; ob * 16 < p->m; ob++) {
        const int s = rt_grouped_hi(p, ob) - rt_grouped_lo(p, ob);
        span = s > span ? s : span;
    }
    return span;
}

/* First output column whose taps are all inside the input, and one past the
 * last such column (an empty range when lo >= hi). */
static RT_INLINE int rt_dw_inner_lo(const RtConvParams *p)
{
    const int lo = (p->pl + p->sw - 1) / p->sw;
    return lo < p->ow ? lo : p->ow;
}
static RT_INLINE int rt_dw_inner_hi(const RtConvParams *p)
{
    const int last = p->w - 1 + p->pl - (p->kw - 1) * p->dw;   /* largest ox * sw allowed */
    if (last < 0)
        return 0;
    const int hi = last / p->sw + 1;
    return hi < p->ow ? hi : p->ow;
}

/* tw output pixels [ox0, ox0 + tw) of row oy of output block ob, image base
 * xn (blocked), yr the output row's first pixel (of block ob: blk16 when
 * y_blocked, else channel 16 ob's plane of NCHW y, lane l l * oh * ow further). nch input channels from
 * channel lo: bcast 0 is depthwise (nch 1, x's vector of block ob), bcast 1
 * broadcasts channel lo + ch against the weights wb + ch * kh * kw * 16.
 * checked: test each tap's column (border pixels). keep: valid lanes of the
 * block (16 unless it is the last, partial one). */
static RT_INLINE void rt_dw_strip(float *restrict yr, const float *restrict xn,
                                  const float *restrict wb, RtVec bias, const RtConvParams *p,
                                  int bcast, int ob, int lo, int nch, int oy, int ox0, int tw,
                                  int checked, int keep, int y_blocked)
{
    const ptrdiff_t plane = (ptrdiff_t)p->h * p->w;
    const int taps = p->kh * p->kw;
    RtVec acc[RT_DW_TW];
    RT_UNROLL
    for (int j = 0; j < tw; j++)
        acc[j] = rt_v_zero();
    for (int ch = 0; ch < nch; ch++) {
        const int c = lo + ch;
        const float *xc = bcast ? xn + (ptrdiff_t)(c / 16) * plane * 16 + c % 16
                                : xn + (ptrdiff_t)ob * plane * 16;
        const float *wc = wb + (ptrdiff_t)ch * taps * 16;
        for (int ky = 0; ky < p->kh; ky++) {
            const int iy = oy * p->sh + ky * p->dh - p->pt;
            if (iy < 0 || iy >= p->h)
                continue;
            const float *xr = xc + (ptrdiff_t)iy * p->w * 16;
            RT_UNROLL
            for (int kx = 0; kx < p->kw; kx++) {
                const RtVec wv = rt_v_load(wc + (ky * p->kw + kx) * 16);
                const float *xk = rt_opaque(xr);
                RT_UNROLL
                for (int j = 0; j < tw; j++) {
                    const int ix = (ox0 + j) * p->sw + kx * p->dw - p->pl;
                    if (checked && (ix < 0 || ix >= p->w))
                        continue;
                    const RtVec xv = bcast ? rt_v_set1(xk[(ptrdiff_t)ix * 16])
                                           : rt_v_load(xk + (ptrdiff_t)ix * 16);
                    acc[j] = rt_v_fma(xv, wv, acc[j]);
                }
            }
        }
    }
    RT_UNROLL
    for (int j = 0; j < tw; j++) {
        RtVec v = rt_v_act_p(p->act, p->act_alpha, p->act_beta, rt_v_add(acc[j], bias));
        if (!y_blocked) {   /* NCHW: the valid lanes to their planes */
            float t[16];
            rt_v_store(t, v);
            const ptrdiff_t plane_y = (ptrdiff_t)p->oh * p->ow;
            for (int l = 0; l < keep; l++)
                yr[ox0 + j + l * plane_y] = t[l];
            continue;
        }
        if (keep < 16)
            v = rt_dw_keep_lanes(v, keep);
        rt_v_store(yr + (ptrdiff_t)(ox0 + j) * 16, v);
    }
}

/* One output row: borders pixel by pixel with tests, the interior in strips. */
static RT_INLINE void rt_dw_row(float *restrict yr, const float *restrict xn,
                                const float *restrict wb, RtVec bias, const RtConvParams *p,
                                int bcast, int ob, int lo, int nch, int oy, int keep,
                                int y_blocked)
{
    const int in_lo = rt_dw_inner_lo(p);
    int in_hi = rt_dw_inner_hi(p);
    in_hi = in_hi > in_lo ? in_hi : in_lo;
    int ox = 0;
    for (; ox < in_lo; ox++)
        rt_dw_strip(yr, xn, wb, bias, p, bcast, ob, lo, nch, oy, ox, 1, 1, keep, y_blocked);
    for (; ox + RT_DW_TW <= in_hi; ox += RT_DW_TW)
        rt_dw_strip(yr, xn, wb, bias, p, bcast, ob, lo, nch, oy, ox, RT_DW_TW, 0, keep, y_blocked);
    for (; ox < in_hi; ox++)
        rt_dw_strip(yr, xn, wb, bias, p, bcast, ob, lo, nch, oy, ox, 1, 0, keep, y_blocked);
    for (; ox < p->ow; ox++)
        rt_dw_strip(yr, xn, wb, bias, p, bcast, ob, lo, nch, oy, ox, 1, 1, keep, y_blocked);
}

/* Depthwise: x (n, C16, h, w, 16), wp (C16, kh, kw, 16), b (c) or NULL
 * -> y (n, C16, oh, ow, 16), or (n, c, oh, ow) when y_blocked is 0; group ==
 * c == m; act fused. */
static RT_INLINE void rt_conv_dw_blk16_body(float *restrict y, const float *restrict x,
                                            const float *restrict wp, const float *restrict b,
                                            const RtConvParams *p, int y_blocked)
{
    const int c16 = (p->c + 15) / 16;
    const ptrdiff_t taps = (ptrdiff_t)p->kh * p->kw;
    for (int n = 0; n < p->n; n++)
        for (int cb = 0; cb < c16; cb++) {
            const int keep = p->c - cb * 16 < 16 ? p->c - cb * 16 : 16;
            const RtVec bias = rt_dw_bias(b, p->c, cb);
            const float *xn = x + (ptrdiff_t)n * c16 * p->h * p->w * 16;
            const ptrdiff_t plane_y = (ptrdiff_t)p->oh * p->ow;
            float *yb = y_blocked ? y + ((ptrdiff_t)n * c16 + cb) * plane_y * 16
                                  : y + ((ptrdiff_t)n * p->c + cb * 16) * plane_y;
            for (int oy = 0; oy < p->oh; oy++)
                rt_dw_row(yb + (ptrdiff_t)oy * p->ow * (y_blocked ? 16 : 1), xn, wp + cb * taps * 16,
                          bias, p, 0, cb, 0, 1, oy, keep, y_blocked);
        }
}

/* Grouped: x (n, C16, h, w, 16), wp (M16, span, kh, kw, 16) with span =
 * rt_conv_grouped_span(p), b (m) or NULL -> y (n, M16, oh, ow, 16), or
 * (n, m, oh, ow) when y_blocked is 0;
 * c and m divisible by group; act fused. */
static RT_INLINE void rt_conv_grouped_blk16_body(float *restrict y, const float *restrict x,
                                                 const float *restrict wp,
                                                 const float *restrict b, const RtConvParams *p,
                                                 int span, int y_blocked)
{
    const int c16 = (p->c + 15) / 16, m16 = (p->m + 15) / 16;
    const ptrdiff_t taps = (ptrdiff_t)p->kh * p->kw;
    for (int n = 0; n < p->n; n++)
        for (int ob = 0; ob < m16; ob++) {
            const int keep = p->m - ob * 16 < 16 ? p->m - ob * 16 : 16;
            const int lo = rt_grouped_lo(p, ob), nch = rt_grouped_hi(p, ob) - lo;
            const RtVec bias = rt_dw_bias(b, p->m, ob);
            const float *xn = x + (ptrdiff_t)n * c16 * p->h * p->w * 16;
            const ptrdiff_t plane_y = (ptrdiff_t)p->oh * p->ow;
            float *yb = y_blocked ? y + ((ptrdiff_t)n * m16 + ob) * plane_y * 16
                                  : y + ((ptrdiff_t)n * p->m + ob * 16) * plane_y;
            const float *wb = wp + (ptrdiff_t)ob * span * taps * 16;
            for (int oy = 0; oy < p->oh; oy++)
                rt_dw_row(yb + (ptrdiff_t)oy * p->ow * (y_blocked ? 16 : 1), xn, wb, bias, p, 1, ob,
                          lo, nch, oy, keep, y_blocked);
        }
}

/* Library and test entry points of the two bodies above. */
RT_API RT_UNUSED void rt_conv2d_dw_blk16_f32(float *restrict y, const float *restrict x,
                                             const float *restrict wp, const float *restrict b,
                                             const RtConvParams *p, int y_blocked)
{
    rt_conv_dw_blk16_body(y, x, wp, b, p, y_blocked);
}
RT_API RT_UNUSED void rt_conv2d_grouped_blk16_f32(float *restrict y, const float *restrict x,
                                                  const float *restrict wp,
                                                  const float *restrict b,
                                                  const RtConvParams *p, int span,
                                                  int y_blocked)
{
    rt_conv_grouped_blk16_body(y, x, wp, b, p, span, y_blocked);
}
