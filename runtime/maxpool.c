/* SPDX-License-Identifier: MIT */
/*
 * maxpool.c - the reference 2-D max pooling (ONNX MaxPool over NCHW, f32).
 *
 * Padding acts as -inf: only taps inside the input take part, so a padded
 * border never wins the max (a window made only of padding yields -inf).
 * Dilation is honoured; the geometry is an RtConvParams with m == c, and its
 * act is applied to the result. Libc only, no allocation: embedded verbatim
 * into emitted code (minus its #include line), where RT_API is `static`.
 */
#include "rt.h"

/* x (n,c,h,w) -> y (n,c,oh,ow); padding never wins the max. p->m == p->c. */
RT_API void rt_maxpool2d_f32(float *restrict y, const float *restrict x, const RtConvParams *p)
{
    const ptrdiff_t in_plane = (ptrdiff_t)p->h * p->w;
    const ptrdiff_t out_plane = (ptrdiff_t)p->oh * p->ow;
    const ptrdiff_t planes = (ptrdiff_t)p->n * p->c;

    for (ptrdiff_t pc = 0; pc < planes; pc++) {
        const float *xc = x + pc * in_plane;
        float *yc = y + pc * out_plane;
        for (int oy = 0; oy < p->oh; oy++) {
            const int iy0 = oy * p->sh - p->pt;
            for (int ox = 0; ox < p->ow; ox++) {
                const int ix0 = ox * p->sw - p->pl;
                float best = -INFINITY;
                for (int ky = 0; ky < p->kh; ky++) {
                    const int iy = iy0 + ky * p->dh;
                    if (iy < 0 || iy >= p->h)
                        continue;
                    const float *xrow = xc + (ptrdiff_t)iy * p->w;
                    for (int kx = 0; kx < p->kw; kx++) {
                        const int ix = ix0 + kx * p->dw;
                        if (ix >= 0 && ix < p->w && xrow[ix] > best)
                            best = xrow[ix];
                    }
                }
                yc[(ptrdiff_t)oy * p->ow + ox] = rt_act(p->act, best);
            }
        }
    }
}
