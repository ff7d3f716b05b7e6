/* SPDX-License-Identifier: MIT */
/*
 * conv_fast.c - the fast 2-D convolution (group 1), register-blocked direct
 * convolution on RtVec (rt_vec.h: AVX-512, AVX2 or portable C).
 *
 * Output channels are computed 16 at a time, one RtVec per output pixel and
 * block of 16 channels: a tile of tw pixels of one output row times nb blocks
 * lives in tw * nb accumulators (28 of the 32 AVX-512 registers). For every
 * input channel and kernel row, each tap broadcasts one input value and does
 * one FMA per block with the packed weights: wp (m/16, c, kh, kw, 16), laid
 * out by codegen at compile time. Taps that fall into the padding are skipped,
 * not multiplied by zero: codegen passes every shape as a constant and the
 * kernel is forced inline, so with the tile loops unrolled the compiler
 * resolves each (pixel, tap) test at compile time.
 * x is NCHW or blocked (n, c/16, h, w, 16); y is blocked or NCHW; m % 16 == 0.
 * Accuracy: taps are summed in float over RT_CF_CB input channels at a time
 * and those partial sums are added up, which keeps big-weight models within
 * 1e-5 + 1e-4 |ref| of float64 results (a single float sum over 1600 taps does
 * not). The reference rt_conv2d_f32 is what this kernel is tested against.
 * Libc only: embedded verbatim into emitted code (minus its #include lines).
 */
#include "rt.h"
#include "rt_vec.h"

/* Accumulators a tile may use (in RtVec units), per target. */
#if defined(__AVX512F__)
enum { RT_CF_ACC = 28 };
#elif defined(__AVX2__) && defined(__FMA__)
enum { RT_CF_ACC = 6 };
#else
enum { RT_CF_ACC = 4 };
#endif
enum {
    RT_CF_NB_MAX = 4,   /* most blocks of 16 output channels per tile */
    RT_CF_CB = 4,       /* input channels per float partial sum */
};

/* Tile shape for m/16 = mblocks channel blocks and rows of ow pixels: nb in
 * {4, 2, 1} dividing mblocks and tw = ceil(ow / tiles) pixels, maximizing the
 * accumulators in use per tile, then fewer tiles. Straight-line code, so a
 * compiler folds it when the arguments are constants. */
static RT_INLINE int rt_cf_tiles(int ow, int nb)
{
    int tw = RT_CF_ACC / nb < ow ? RT_CF_ACC / nb : ow;
    return (ow + tw - 1) / tw;
}
static RT_INLINE int rt_cf_score(int mblocks, int ow, int nb)
{
    if (nb > RT_CF_ACC || mblocks % nb != 0)
        return -1;
    return nb * ow * 64 / rt_cf_tiles(ow, nb);
}
static RT_INLINE int rt_cf_nb(int mblocks, int ow)
{
    int s4 = rt_cf_score(mblocks, ow, 4), s2 = rt_cf_score(mblocks, ow, 2);
    int s1 = rt_cf_score(mblocks, ow, 1);
    if (s4 > s2 && s4 > s1)
        return 4;
    return s2 > s1 ? 2 : 1;
}

/* One tile: output row oy, pixels [ox0, ox0 + tw) (those < ow), channel blocks
 * [mb0, mb0 + nb) of image n. */
static RT_INLINE void rt_cf_tile(float *restrict y, const float *restrict x,
                                 const float *restrict wp, const float *restrict b,
                                 const RtConvParams *p, int x_blocked, int y_blocked, int nb,
                                 int tw, int n, int mb0, int oy, int ox0)
{
    const int xs = x_blocked ? 16 : 1;                     /* floats between two pixels */
    const ptrdiff_t x_plane = (ptrdiff_t)p->h * p->w;
    const ptrdiff_t w_block = (ptrdiff_t)p->c * p->kh * p->kw * 16;  /* floats per 16 outputs */
    RtVec acc[RT_CF_ACC], tot[RT_CF_ACC];

    for (int c0 = 0; c0 < p->c; c0 += RT_CF_CB) {
        const int c1 = c0 + RT_CF_CB < p->c ? c0 + RT_CF_CB : p->c;
        RT_UNROLL
        for (int i = 0; i < tw * nb; i++)
            acc[i] = rt_v_zero();
        for (int c = c0; c < c1; c++) {
            const float *xc = x_blocked
                ? x + (((ptrdiff_t)n * (p->c / 16) + c / 16) * x_plane) * 16 + c % 16
                : x + ((ptrdiff_t)n * p->c + c) * x_plane;
            const float *wc = wp + (ptrdiff_t)mb0 * w_block + (ptrdiff_t)c * p->kh * p->kw * 16;
            for (int ky = 0; ky < p->kh; ky++) {
                const int iy = oy * p->sh + ky * p->dh - p->pt;
                if (iy < 0 || iy >= p->h)
                    continue;
                const float *xr = xc + (ptrdiff_t)iy * p->w * xs;
                const float *wk = wc + (ptrdiff_t)ky * p->kw * 16;
                RT_UNROLL
                for (int kx = 0; kx < p->kw; kx++) {
                    RT_UNROLL
                    for (int bi = 0; bi < nb; bi++) {
                        const RtVec wv = rt_v_load(wk + bi * w_block + kx * 16);
                        RT_UNROLL
                        for (int j = 0; j < tw; j++) {
                            const int ix = (ox0 + j) * p->sw + kx * p->dw - p->pl;
                            if (ox0 + j < p->ow && ix >= 0 && ix < p->w)
                                acc[j * nb + bi] = rt_v_fma(rt_v_set1(xr[ix * xs]), wv,
                                                            acc[j * nb + bi]);
                        }
                    }
                }
            }
        }
        RT_UNROLL
        for (int i = 0; i < tw * nb; i++)
            tot[i] = c0 == 0 ? acc[i] : rt_v_add(tot[i], acc[i]);
    }

    const ptrdiff_t y_plane = (ptrdiff_t)p->oh * p->ow;
    RT_UNROLL
    for (int bi = 0; bi < nb; bi++) {
        const int m0 = (mb0 + bi) * 16;
        const RtVec bias = b ? rt_v_load(b + m0) : rt_v_zero();
        RT_UNROLL
        for (int j = 0; j < tw; j++) {
            if (ox0 + j >= p->ow)
                continue;
            const RtVec v = rt_v_act(p->act, rt_v_add(tot[j * nb + bi], bias));
            const ptrdiff_t pix = (ptrdiff_t)oy * p->ow + ox0 + j;
            if (y_blocked) {
                rt_v_store(y + (((ptrdiff_t)n * (p->m / 16) + mb0 + bi) * y_plane + pix) * 16, v);
            } else {
                float tmp[16];
                rt_v_store(tmp, v);
                float *yo = y + ((ptrdiff_t)n * p->m + m0) * y_plane + pix;
                for (int l = 0; l < 16; l++)
                    yo[l * y_plane] = tmp[l];
            }
        }
    }
}

/* The kernel body; forced inline so that codegen's constant shapes reach it. */
static RT_INLINE void rt_conv_fast_body(float *restrict y, const float *restrict x,
                                        const float *restrict wp, const float *restrict b,
                                        const RtConvParams *p, int x_blocked, int y_blocked)
{
    const int mblocks = p->m / 16;
    const int nb = rt_cf_nb(mblocks, p->ow);
    const int nt = rt_cf_tiles(p->ow, nb);
    const int tw = (p->ow + nt - 1) / nt;
    for (int n = 0; n < p->n; n++)
        for (int mb0 = 0; mb0 < mblocks; mb0 += nb)
            for (int oy = 0; oy < p->oh; oy++) {
                RT_UNROLL
                for (int t = 0; t < nt; t++)
                    rt_cf_tile(y, x, wp, b, p, x_blocked, y_blocked, nb, tw, n, mb0, oy, t * tw);
            }
}

/* x (n,c,h,w) or blocked (n,c/16,h,w,16); wp (m/16,c,kh,kw,16) packed weights;
 * b (m) or NULL -> y (n,m,oh,ow) or blocked (n,m/16,oh,ow,16); act fused.
 * Needs group 1, m % 16 == 0, and c % 16 == 0 when x is blocked. Emitted code
 * calls rt_conv2d_fast_body directly with constant arguments. */
RT_API RT_UNUSED void rt_conv2d_fast_f32(float *restrict y, const float *restrict x,
                                         const float *restrict wp, const float *restrict b,
                                         const RtConvParams *p, int x_blocked, int y_blocked)
{
    rt_conv_fast_body(y, x, wp, b, p, x_blocked, y_blocked);
}

/* One output pixel of the channel-reducing kernel below: acc += taps, 16
 * input channels per lane group. */
static RT_INLINE RtVec rt_cr_pixel(const float *restrict x, const float *restrict wm,
                                   const RtConvParams *p, int n, int oy, int ox, RtVec acc)
{
    const ptrdiff_t x_plane = (ptrdiff_t)p->h * p->w;
    for (int cb = 0; cb < p->c / 16; cb++) {
        const float *xc = x + ((ptrdiff_t)n * (p->c / 16) + cb) * x_plane * 16;
        const float *wc = wm + (ptrdiff_t)cb * p->kh * p->kw * 16;
        for (int ky = 0; ky < p->kh; ky++) {
            const int iy = oy * p->sh + ky * p->dh - p->pt;
            if (iy < 0 || iy >= p->h)
                continue;
            for (int kx = 0; kx < p->kw; kx++) {
                const int ix = ox * p->sw + kx * p->dw - p->pl;
                if (ix >= 0 && ix < p->w)
                    acc = rt_v_fma(rt_v_load(xc + ((ptrdiff_t)iy * p->w + ix) * 16),
                                   rt_v_load(wc + (ky * p->kw + kx) * 16), acc);
            }
        }
    }
    return acc;
}

/* The kernel body for few output channels; forced inline like the one above. */
static RT_INLINE void rt_conv_reduce_body(float *restrict y, const float *restrict x,
                                          const float *restrict wr, const float *restrict b,
                                          const RtConvParams *p)
{
    const ptrdiff_t w_m = (ptrdiff_t)p->c * p->kh * p->kw;   /* floats per output channel */
    const ptrdiff_t y_plane = (ptrdiff_t)p->oh * p->ow;
    for (int n = 0; n < p->n; n++)
        for (int m = 0; m < p->m; m++) {
            const float bias = b ? b[m] : 0.0f;
            float *ym = y + ((ptrdiff_t)n * p->m + m) * y_plane;
            for (int oy = 0; oy < p->oh; oy++)
                /* four pixels at once: four independent FMA chains */
                for (int ox0 = 0; ox0 < p->ow; ox0 += 4) {
                    const int cnt = p->ow - ox0 < 4 ? p->ow - ox0 : 4;
                    RtVec a[4];
                    for (int k = 0; k < 4; k++)
                        a[k] = rt_cr_pixel(x, wr + m * w_m, p, n, oy, k < cnt ? ox0 + k : ox0,
                                           rt_v_zero());
                    for (int k = 0; k < cnt; k++)
                        ym[(ptrdiff_t)oy * p->ow + ox0 + k] = rt_act(p->act, rt_v_hsum(a[k]) + bias);
                }
        }
}

/* x blocked (n,c/16,h,w,16); wr (m,c/16,kh,kw,16) packed weights; b (m) or NULL
 * -> y (n,m,oh,ow); act fused. For few output channels (m < 16): the input
 * channels go in the lanes and each output is a horizontal sum. Group 1,
 * c % 16 == 0. */
RT_API RT_UNUSED void rt_conv2d_reduce_f32(float *restrict y, const float *restrict x,
                                           const float *restrict wr, const float *restrict b,
                                           const RtConvParams *p)
{
    rt_conv_reduce_body(y, x, wr, b, p);
}

/* Test hooks for rt_v_exp and rt_v_act: y = exp(x), y = act(x); n % 16 == 0. */
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
