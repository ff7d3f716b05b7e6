/* SPDX-License-Identifier: MIT */
/*
 * avgpool.c - the reference 2-D average pooling (AveragePool and
 * GlobalAveragePool over NCHW, f32).
 *
 * The divisor is the number of taps inside the input, or with
 * count_include_pad the taps inside the padded input: explicit pads count,
 * but the extra border that ceil_mode adds beyond them does not (as ONNX's
 * reference and PyTorch compute it). Sums are kept in double. Libc only, no
 * allocation: embedded verbatim into emitted code (minus its #include line).
 */
#include "rt.h"

/* x (n,c,h,w) -> y (n,c,oh,ow); p->m == p->c; pb, pr: bottom and right pads. */
RT_API void rt_avgpool2d_f32(float *restrict y, const float *restrict x, const RtConvParams *p,
                             int pb, int pr, int count_include_pad)
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
                double sum = 0.0;
                int inside = 0, padded = 0;
                for (int ky = 0; ky < p->kh; ky++) {
                    const int iy = iy0 + ky * p->dh;
                    if (iy >= -p->pt && iy < p->h + pb) {
                        for (int kx = 0; kx < p->kw; kx++) {
                            const int ix = ix0 + kx * p->dw;
                            if (ix < -p->pl || ix >= p->w + pr)
                                continue;
                            padded++;
                            if (iy >= 0 && iy < p->h && ix >= 0 && ix < p->w) {
                                sum += xc[(ptrdiff_t)iy * p->w + ix];
                                inside++;
                            }
                        }
                    }
                }
                const int div = count_include_pad ? padded : inside;
                yc[(ptrdiff_t)oy * p->ow + ox] = rt_act(p->act, div ? (float)(sum / div) : 0.0f);
            }
        }
    }
}
