/* SPDX-License-Identifier: MIT */
/*
 * conv_fast.c - the fast 2-D convolution (group 1), register-blocked direct
 * convolution on RtVec (rt_vec.h: AVX-512, AVX2 or portable C).
 *
 * Output channels are computed 16 at a time, one RtVec per output pixel: a
 * tile of tr output rows of tw pixels (whole rows where they fit: 2 x 14,
 * 4 x 7, 1 x 28) for one block of 16 channels lives in tr * tw <= 28
 * accumulators (of the 32 AVX-512 registers). For every input channel and
 * tap, one vector of packed weights, wp (m/16, c, kh, kw, 16) laid out by
 * codegen, is loaded once and used by every pixel of the tile; each pixel's
 * input value is the broadcast memory operand of its FMA (rt_opaque keeps
 * compilers from merging those loads into registers, which would spill).
 * Taps that fall into the padding are skipped, not multiplied by zero:
 * codegen passes every shape as a constant and the kernel is forced inline,
 * so with the tile loops unrolled the compiler resolves each (pixel, column)
 * test at compile time; rows are tested once per kernel row.
 * x is NCHW or blocked (n, C16, h, w, 16), C16 = ceil(c/16), whose lanes of
 * channels >= c are not read; y is blocked (n, M16, oh, ow, 16) or NCHW, any
 * m: the weights are packed with zero output channels up to M16 * 16 and the
 * lanes of channels >= m of a blocked y are stored as 0 (the layout's
 * contract; after the activation, since sigmoid(0) != 0), an NCHW y gets
 * only its m channels. Any stride, dilation and (asymmetric) padding.
 * 1x1 convs are the packed-GEMM case: one weight vector per input channel,
 * used by up to 28 pixels.
 * Accuracy: taps are summed in float over rt_cf_cb(taps) input channels at a
 * time (about 100 taps) and those partial sums are added up, which keeps
 * big-weight models within 1e-5 + 1e-4 |ref| of float64 results (a single
 * float sum over 1600 taps does not). The reference rt_conv2d_f32 is what
 * this kernel is tested against.
 * Libc only: embedded verbatim into emitted code (minus its #include lines).
 */
#include "rt.h"
#include "rt_vec.h"

/* Accumulators a tile may use (in RtVec units), per target. AVX-512: 28 of
 * the 32 registers, one more for the weights; the broadcast input is the
 * FMA's memory operand. AVX2 + FMA: 12 of the 16 ymm (two per RtVec). */
#if defined(__AVX512F__)
enum { RT_CF_ACC = 28 };
#elif defined(__AVX2__) && defined(__FMA__)
enum { RT_CF_ACC = 6 };
#else
enum { RT_CF_ACC = 4 };
#endif
/* Input channels per float partial sum: about 100 taps (4 channels of a 5x5
 * kernel, 12 of a 3x3, 100 of a 1x1), so that storing the partial sums costs
 * little next to the FMAs even for 1x1 convs. */
static RT_INLINE int rt_cf_cb(int taps)
{
    return taps >= 25 ? 4 : (100 + taps - 1) / taps;
}

/* Tile shape for an output of oh rows of ow pixels: tw pixels of a row (ow
 * split evenly into the fewest pieces of at most RT_CF_ACC) times tr rows (as
 * many as fit, then evened out over oh; the last tile of rows may be
 * shorter). Straight-line code, so a compiler folds it when the arguments are
 * constants. */
static RT_INLINE int rt_cf_tw(int ow)
{
    const int nt = (ow + RT_CF_ACC - 1) / RT_CF_ACC;
    return (ow + nt - 1) / nt;
}
static RT_INLINE int rt_cf_tr(int ow, int oh)
{
    int tr = RT_CF_ACC / rt_cf_tw(ow);
    tr = tr < oh ? tr : oh;
    const int nr = (oh + tr - 1) / tr;
    return (oh + nr - 1) / nr;
}

/* One tile of 16 output channels (block mb) of image n: rows [oy0, oy0 + tr)
 * times pixels [ox0, ox0 + tw) (those < ow), tr * tw accumulators. Each
 * weight vector is loaded once per tap and used by every pixel of the tile. */
static RT_INLINE void rt_cf_tile(float *restrict y, const float *restrict x,
                                 const float *restrict wp, const float *restrict b,
                                 const RtConvParams *p, int x_blocked, int y_blocked, int tw,
                                 int tr, int n, int mb, int oy0, int ox0)
{
    const int xs = x_blocked ? 16 : 1;                     /* floats between two pixels */
    const ptrdiff_t x_plane = (ptrdiff_t)p->h * p->w;
    const ptrdiff_t taps = (ptrdiff_t)p->kh * p->kw;
    const int c16 = (p->c + 15) / 16, m16 = (p->m + 15) / 16, cb = rt_cf_cb(p->kh * p->kw);
    const float *wm = wp + (ptrdiff_t)mb * p->c * taps * 16;
    RtVec acc[RT_CF_ACC];
    float tot_mem[RT_CF_ACC * 16];
    float *tot = rt_opaque_mut(tot_mem);   /* partial sums stay in memory */

    for (int c0 = 0; c0 < p->c; c0 += cb) {
        const int c1 = c0 + cb < p->c ? c0 + cb : p->c;
        RT_UNROLL
        for (int i = 0; i < tr * tw; i++)
            acc[i] = rt_v_zero();
        for (int c = c0; c < c1; c++) {
            const float *xc = x_blocked
                ? x + (((ptrdiff_t)n * c16 + c / 16) * x_plane) * 16 + c % 16
                : x + ((ptrdiff_t)n * p->c + c) * x_plane;
            const float *wc = wm + c * taps * 16;
            for (int ky = 0; ky < p->kh; ky++) {
                /* (no unroll pragma on the loops over the tr rows: compilers unroll
                 * them anyway when tr is a constant, and with a variable tr, in the
                 * library and its tests, the pragma makes gcc take minutes) */
                const float *xr[RT_CF_ACC];   /* input row of each output row, or NULL */
                for (int r = 0; r < tr; r++) {
                    const int iy = (oy0 + r) * p->sh + ky * p->dh - p->pt;
                    xr[r] = iy >= 0 && iy < p->h ? xc + (ptrdiff_t)iy * p->w * xs : NULL;
                }
                const float *wk = wc + (ptrdiff_t)ky * p->kw * 16;
                RT_UNROLL
                for (int kx = 0; kx < p->kw; kx++) {
                    const RtVec wv = rt_v_load(wk + kx * 16);
                    for (int r = 0; r < tr; r++) {
                        if (!xr[r])
                            continue;
                        const float *xk = rt_opaque(xr[r]);
                        RT_UNROLL
                        for (int j = 0; j < tw; j++) {
                            const int ix = (ox0 + j) * p->sw + kx * p->dw - p->pl;
                            if (ox0 + j < p->ow && ix >= 0 && ix < p->w)
                                acc[r * tw + j] = rt_v_fma(rt_v_set1(xk[ix * xs]), wv,
                                                           acc[r * tw + j]);
                        }
                    }
                }
            }
        }
        RT_UNROLL
        for (int i = 0; i < tr * tw; i++)
            rt_v_store(tot + i * 16, c0 == 0 ? acc[i] : rt_v_add(rt_v_load(tot + i * 16), acc[i]));
    }

    const ptrdiff_t y_plane = (ptrdiff_t)p->oh * p->ow;
    const int lanes = p->m - mb * 16 < 16 ? p->m - mb * 16 : 16;   /* real channels */
    RtVec bias = rt_v_zero();
    if (b && lanes == 16) {
        bias = rt_v_load(b + mb * 16);
    } else if (b) {   /* the last block of an m % 16 != 0 conv: b has m floats */
        float bt[16] = {0};
        for (int l = 0; l < lanes; l++)
            bt[l] = b[mb * 16 + l];
        bias = rt_v_load(bt);
    }
    for (int r = 0; r < tr; r++) {
        RT_UNROLL
        for (int j = 0; j < tw; j++) {
            if (ox0 + j >= p->ow)
                continue;
            const RtVec v = rt_v_act_p(p->act, p->act_alpha, p->act_beta,
                                       rt_v_add(rt_v_load(tot + (r * tw + j) * 16), bias));
            const ptrdiff_t pix = (ptrdiff_t)(oy0 + r) * p->ow + ox0 + j;
            if (y_blocked && lanes == 16) {
                rt_v_store(y + (((ptrdiff_t)n * m16 + mb) * y_plane + pix) * 16, v);
            } else if (y_blocked) {   /* padding lanes hold 0 */
                float tmp[16];
                rt_v_store(tmp, v);
                for (int l = lanes; l < 16; l++)
                    tmp[l] = 0.0f;
                rt_v_store(y + (((ptrdiff_t)n * m16 + mb) * y_plane + pix) * 16, rt_v_load(tmp));
            } else {
                float tmp[16];
                rt_v_store(tmp, v);
                float *yo = y + ((ptrdiff_t)n * p->m + mb * 16) * y_plane + pix;
                for (int l = 0; l < lanes; l++)
                    yo[l * y_plane] = tmp[l];
            }
        }
    }
}

/* The kernel body; forced inline so that codegen's constant shapes reach it.
 * The loops over the tiles of a row are not unrolled: with two or more tiles
 * per row unrolled, gcc 12 spilled the accumulators (a 56-wide 3x3 conv ran
 * at 19 GFLOP/s instead of 90). */
static RT_INLINE void rt_conv_fast_body(float *restrict y, const float *restrict x,
                                        const float *restrict wp, const float *restrict b,
                                        const RtConvParams *p, int x_blocked, int y_blocked)
{
    const int tw = rt_cf_tw(p->ow), tr = rt_cf_tr(p->ow, p->oh);
    const int nt = (p->ow + tw - 1) / tw;
    for (int n = 0; n < p->n; n++)
        for (int mb = 0; mb < (p->m + 15) / 16; mb++) {
            int oy = 0;
            for (; oy + tr <= p->oh; oy += tr) {
                for (int t = 0; t < nt; t++)
                    rt_cf_tile(y, x, wp, b, p, x_blocked, y_blocked, tw, tr, n, mb, oy, t * tw);
            }
            if (oy < p->oh) {   /* the last, shorter tile of rows */
                for (int t = 0; t < nt; t++)
                    rt_cf_tile(y, x, wp, b, p, x_blocked, y_blocked, tw, p->oh - oy, n, mb, oy,
                               t * tw);
            }
        }
}

/* x (n,c,h,w) or blocked (n,C16,h,w,16); wp (M16,c,kh,kw,16) packed weights
 * (output channels >= m zero); b (m) or NULL -> y (n,m,oh,ow) or blocked
 * (n,M16,oh,ow,16); act fused. Group 1. Emitted code calls rt_conv_fast_body
 * directly with constant arguments. */
RT_API RT_UNUSED void rt_conv2d_fast_f32(float *restrict y, const float *restrict x,
                                         const float *restrict wp, const float *restrict b,
                                         const RtConvParams *p, int x_blocked, int y_blocked)
{
    rt_conv_fast_body(y, x, wp, b, p, x_blocked, y_blocked);
}

/* Pixels per tile of the channel-reducing kernel below, one accumulator each.
 * AVX-512: 16, whose 16 horizontal sums rt_v_hsum16 does at once. */
#if defined(__AVX512F__)
enum { RT_CR_PX = 16 };
#else
enum { RT_CR_PX = 4 };
#endif

/* One tile of the channel-reducing kernel: output channel m of image n, row
 * oy, pixels [ox0, ox0 + tw) (those < ow). Accumulator j holds 16 input
 * channels' partial sums for pixel j; the pixel's value is their sum. */
static RT_INLINE void rt_cr_tile(float *restrict y, const float *restrict x,
                                 const float *restrict wr, const float *restrict b,
                                 const RtConvParams *p, int tw, int n, int m, int oy, int ox0)
{
    const ptrdiff_t x_plane = (ptrdiff_t)p->h * p->w;
    const ptrdiff_t taps = (ptrdiff_t)p->kh * p->kw;
    RtVec a[RT_CR_PX];
    RT_UNROLL
    for (int j = 0; j < RT_CR_PX; j++)
        a[j] = rt_v_zero();
    const int c16 = (p->c + 15) / 16;
    for (int cb = 0; cb < c16; cb++) {
        const float *xc = x + ((ptrdiff_t)n * c16 + cb) * x_plane * 16;
        const float *wc = wr + ((ptrdiff_t)m * c16 + cb) * taps * 16;
        for (int ky = 0; ky < p->kh; ky++) {
            const int iy = oy * p->sh + ky * p->dh - p->pt;
            if (iy < 0 || iy >= p->h)
                continue;
            const float *xr = xc + (ptrdiff_t)iy * p->w * 16;
            RT_UNROLL
            for (int kx = 0; kx < p->kw; kx++) {
                const RtVec wv = rt_v_load(wc + (ky * p->kw + kx) * 16);
                const float *xk = rt_opaque(xr);   /* see rt_opaque */
                RT_UNROLL
                for (int j = 0; j < tw; j++) {
                    const int ix = (ox0 + j) * p->sw + kx * p->dw - p->pl;
                    if (ox0 + j < p->ow && ix >= 0 && ix < p->w)
                        a[j] = rt_v_fma(rt_v_load(xk + (ptrdiff_t)ix * 16), wv, a[j]);
                }
            }
        }
    }
    const float bias = b ? b[m] : 0.0f;
    float *yr = y + (((ptrdiff_t)n * p->m + m) * p->oh + oy) * p->ow + ox0;
    float s[16];
#if defined(__AVX512F__)
    rt_v_store(s, rt_v_add(rt_v_hsum16(a), rt_v_set1(bias)));
#else
    for (int j = 0; j < 16; j++)
        s[j] = j < tw ? rt_v_hsum(a[j]) + bias : 0.0f;
#endif
    rt_v_store(s, rt_v_act_p(p->act, p->act_alpha, p->act_beta, rt_v_load(s)));
    for (int j = 0; j < tw && ox0 + j < p->ow; j++)
        yr[j] = s[j];
}

/* The kernel body for few output channels; forced inline like the one above. */
static RT_INLINE void rt_conv_reduce_body(float *restrict y, const float *restrict x,
                                          const float *restrict wr, const float *restrict b,
                                          const RtConvParams *p)
{
    const int nt = (p->ow + RT_CR_PX - 1) / RT_CR_PX;
    const int tw = (p->ow + nt - 1) / nt;
    for (int n = 0; n < p->n; n++)
        for (int m = 0; m < p->m; m++)
            for (int oy = 0; oy < p->oh; oy++) {
                RT_UNROLL
                for (int t = 0; t < nt; t++)
                    rt_cr_tile(y, x, wr, b, p, tw, n, m, oy, t * tw);
            }
}

/* x blocked (n,C16,h,w,16); wr (m,C16,kh,kw,16) packed weights, zero at input
 * channels >= c (x's padding lanes are 0 too); b (m) or NULL -> y (n,m,oh,ow);
 * act fused. For few output channels (m < 16): the input channels go in the
 * lanes and each output is a horizontal sum. Group 1. */
RT_API RT_UNUSED void rt_conv2d_reduce_f32(float *restrict y, const float *restrict x,
                                           const float *restrict wr, const float *restrict b,
                                           const RtConvParams *p)
{
    rt_conv_reduce_body(y, x, wr, b, p);
}

/* Test hooks for rt_v_exp and rt_v_act_p: y = exp(x), y = act(x); n % 16 == 0. */
RT_API RT_UNUSED void rt_exp_fast_f32(float *y, const float *x, long long n)
{
    for (long long i = 0; i + 16 <= n; i += 16)
        rt_v_store(y + i, rt_v_exp(rt_v_load(x + i)));
}
RT_API RT_UNUSED void rt_act_fast_f32(float *y, const float *x, long long n, int act)
{
    for (long long i = 0; i + 16 <= n; i += 16)
        rt_v_store(y + i, rt_v_act(act, rt_v_load(x + i)));
}
RT_API RT_UNUSED void rt_act_p_fast_f32(float *y, const float *x, long long n, int act,
                                        float alpha, float beta)
{
    for (long long i = 0; i + 16 <= n; i += 16)
        rt_v_store(y + i, rt_v_act_p(act, alpha, beta, rt_v_load(x + i)));
}
