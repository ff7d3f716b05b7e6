/* SPDX-License-Identifier: MIT */
/*
 * conv_transpose.c - the reference 2-D transposed convolution (ONNX
 * ConvTranspose over NCHW, f32).
 *
 * Computed per output element (a gather, not a scatter), so the kernel needs
 * no zero-initialized output and can apply a fused activation: output row oy
 * receives input row iy through tap ky when oy + pt = iy * sh + ky * dh.
 * W is (c, m/group, kh, kw). Accumulates in double like conv.c. Libc only, no
 * allocation: embedded verbatim into emitted code (minus its #include line).
 */
#include "rt.h"

/* x (n,c,h,w), w (c,m/group,kh,kw), b (m) or NULL -> y (n,m,oh,ow); act fused. */
RT_API void rt_conv_transpose2d_f32(float *restrict y, const float *restrict x,
                                    const float *restrict w, const float *restrict b,
                                    const RtConvParams *p)
{
    const int cg = p->c / p->group, mg = p->m / p->group;
    const ptrdiff_t in_plane = (ptrdiff_t)p->h * p->w;
    const ptrdiff_t k_plane = (ptrdiff_t)p->kh * p->kw;
    for (int in = 0; in < p->n; in++) {
        for (int om = 0; om < p->m; om++) {
            const int grp = om / mg, oml = om % mg;
            float *ym = y + ((ptrdiff_t)in * p->m + om) * p->oh * p->ow;
            for (int oy = 0; oy < p->oh; oy++) {
                for (int ox = 0; ox < p->ow; ox++) {
                    double acc = b ? b[om] : 0.0f;
                    for (int ky = 0; ky < p->kh; ky++) {
                        const int ty = oy + p->pt - ky * p->dh;
                        if (ty < 0 || ty % p->sh)
                            continue;
                        const int iy = ty / p->sh;
                        if (iy >= p->h)
                            continue;
                        for (int kx = 0; kx < p->kw; kx++) {
                            const int tx = ox + p->pl - kx * p->dw;
                            if (tx < 0 || tx % p->sw)
                                continue;
                            const int ix = tx / p->sw;
                            if (ix >= p->w)
                                continue;
                            for (int ic = 0; ic < cg; ic++) {
                                const int c = grp * cg + ic;
                                const float xv = x[((ptrdiff_t)in * p->c + c) * in_plane +
                                                   (ptrdiff_t)iy * p->w + ix];
                                const float wv = w[((ptrdiff_t)c * mg + oml) * k_plane +
                                                   (ptrdiff_t)ky * p->kw + kx];
                                acc += (double)xv * wv;
                            }
                        }
                    }
                    ym[(ptrdiff_t)oy * p->ow + ox] = rt_act(p->act, (float)acc);
                }
            }
        }
    }
}
