/* SPDX-License-Identifier: MIT */
/*
 * conv.c - the reference 2-D convolution (ONNX Conv over NCHW, f32).
 *
 * Direct convolution: every output element is the bias plus a dot product over
 * the (c/group, kh, kw) window; taps that fall in the padding contribute zero.
 * It is the plain kernel every faster conv is tested against, so it stays simple,
 * and it accumulates in double: each output is then within about one rounding of
 * the exact dot product, whatever the summation order of the framework the model
 * came from (with large weights a float sum of 800 taps drifts by more than
 * 1e-5 + 1e-4 |y| where large terms cancel).
 * Libc only, no allocation: this file is embedded verbatim into emitted code
 * (minus its #include line), where RT_API is `static`.
 */
#include "rt.h"

/* x (n,c,h,w), w (m,c/group,kh,kw), b (m) or NULL -> y (n,m,oh,ow); act fused.
 * Needs c and m divisible by group; pads beyond pt/pl follow from oh and ow. */
RT_API void rt_conv2d_f32(float *restrict y, const float *restrict x, const float *restrict w,
                          const float *restrict b, const RtConvParams *p)
{
    const int cg = p->c / p->group;        /* input channels per group */
    const int mg = p->m / p->group;        /* output channels per group */
    const ptrdiff_t in_plane = (ptrdiff_t)p->h * p->w;
    const ptrdiff_t out_plane = (ptrdiff_t)p->oh * p->ow;
    const ptrdiff_t k_plane = (ptrdiff_t)p->kh * p->kw;

    for (int in = 0; in < p->n; in++) {
        for (int om = 0; om < p->m; om++) {
            const int grp = om / mg;
            const float *xg = x + ((ptrdiff_t)in * p->c + (ptrdiff_t)grp * cg) * in_plane;
            const float *wm = w + (ptrdiff_t)om * cg * k_plane;
            const float bias = b ? b[om] : 0.0f;
            float *ym = y + ((ptrdiff_t)in * p->m + om) * out_plane;
            for (int oy = 0; oy < p->oh; oy++) {
                const int iy0 = oy * p->sh - p->pt;
                for (int ox = 0; ox < p->ow; ox++) {
                    const int ix0 = ox * p->sw - p->pl;
                    double acc = bias;
                    for (int ic = 0; ic < cg; ic++) {
                        const float *xc = xg + ic * in_plane;
                        const float *wc = wm + ic * k_plane;
                        for (int ky = 0; ky < p->kh; ky++) {
                            const int iy = iy0 + ky * p->dh;
                            if (iy < 0 || iy >= p->h)
                                continue;
                            const float *xrow = xc + (ptrdiff_t)iy * p->w;
                            const float *wrow = wc + (ptrdiff_t)ky * p->kw;
                            for (int kx = 0; kx < p->kw; kx++) {
                                const int ix = ix0 + kx * p->dw;
                                if (ix >= 0 && ix < p->w)
                                    acc += (double)xrow[ix] * wrow[kx];
                            }
                        }
                    }
                    ym[(ptrdiff_t)oy * p->ow + ox] = rt_act(p->act, (float)acc);
                }
            }
        }
    }
}
