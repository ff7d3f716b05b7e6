/* SPDX-License-Identifier: MIT */
/*
 * pool_blocked.c - 2-D max pooling over the blocked layout (n, c/16, h, w, 16)
 * that the fast convolution writes: the 16 channels of a block are the
 * innermost axis, so every tap is one contiguous 16-float max the compiler
 * vectorizes. Same semantics as the reference rt_maxpool2d_f32 (padding never
 * wins; dilation honoured; act applied), which it is tested against.
 * Libc only: embedded verbatim into emitted code (minus its #include line).
 */
#include "rt.h"

/* x (n,c/16,h,w,16) -> y (n,c/16,oh,ow,16); p->m == p->c, c % 16 == 0. */
RT_API void rt_maxpool2d_blocked_f32(float *restrict y, const float *restrict x,
                                     const RtConvParams *p)
{
    const ptrdiff_t blocks = (ptrdiff_t)p->n * (p->c / 16);
    for (ptrdiff_t cb = 0; cb < blocks; cb++) {
        const float *xc = x + cb * p->h * p->w * 16;
        float *yc = y + cb * p->oh * p->ow * 16;
        for (int oy = 0; oy < p->oh; oy++)
            for (int ox = 0; ox < p->ow; ox++) {
                float best[16];
                for (int l = 0; l < 16; l++)
                    best[l] = -INFINITY;
                for (int ky = 0; ky < p->kh; ky++) {
                    const int iy = oy * p->sh + ky * p->dh - p->pt;
                    if (iy < 0 || iy >= p->h)
                        continue;
                    for (int kx = 0; kx < p->kw; kx++) {
                        const int ix = ox * p->sw + kx * p->dw - p->pl;
                        if (ix < 0 || ix >= p->w)
                            continue;
                        const float *v = xc + ((ptrdiff_t)iy * p->w + ix) * 16;
                        for (int l = 0; l < 16; l++)
                            best[l] = v[l] > best[l] ? v[l] : best[l];
                    }
                }
                float *yo = yc + ((ptrdiff_t)oy * p->ow + ox) * 16;
                for (int l = 0; l < 16; l++)
                    yo[l] = rt_act(p->act, best[l]);
            }
    }
}
