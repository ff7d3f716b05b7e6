/* SPDX-License-Identifier: MIT */
/*
 * window3d.c - the reference 3-D convolution and pooling (Conv, MaxPool,
 * AveragePool, GlobalAveragePool, GlobalMaxPool over NCDHW, f32).
 *
 * The 2-D kernels (conv.c, maxpool.c, avgpool.c) stay as they are; these
 * follow the same rules one dimension up: taps in the padding contribute
 * nothing (max: never win; average: counted only with count_include_pad, and
 * then only inside the explicit pads), dot products and sums in double.
 * Libc only, no allocation: embedded verbatim into emitted code (minus its
 * #include line).
 */
#include "rt.h"

/* x (n,c,d,h,w), w (m,c/group,kd,kh,kw), b (m) or NULL -> y (n,m,od,oh,ow). */
RT_API void rt_conv3d_f32(float *restrict y, const float *restrict x, const float *restrict w,
                          const float *restrict b, const RtWindow3Params *p)
{
    const long long cg = p->c / p->group, mg = p->m / p->group;
    const long long in_vol = p->d * p->h * p->w, k_vol = p->kd * p->kh * p->kw;
    for (long long in = 0; in < p->n; in++)
        for (long long om = 0; om < p->m; om++) {
            const float *xg = x + (in * p->c + om / mg * cg) * in_vol;
            const float *wm = w + om * cg * k_vol;
            float *ym = y + (in * p->m + om) * p->od * p->oh * p->ow;
            for (long long oz = 0; oz < p->od; oz++)
                for (long long oy = 0; oy < p->oh; oy++)
                    for (long long ox = 0; ox < p->ow; ox++) {
                        double acc = b ? b[om] : 0.0f;
                        for (long long ic = 0; ic < cg; ic++)
                            for (long long kz = 0; kz < p->kd; kz++) {
                                const long long iz = oz * p->sd - p->pf + kz * p->dd;
                                if (iz < 0 || iz >= p->d)
                                    continue;
                                for (long long ky = 0; ky < p->kh; ky++) {
                                    const long long iy = oy * p->sh - p->pt + ky * p->dh;
                                    if (iy < 0 || iy >= p->h)
                                        continue;
                                    for (long long kx = 0; kx < p->kw; kx++) {
                                        const long long ix = ox * p->sw - p->pl + kx * p->dw;
                                        if (ix < 0 || ix >= p->w)
                                            continue;
                                        acc += (double)xg[ic * in_vol + (iz * p->h + iy) * p->w +
                                                          ix] *
                                               wm[ic * k_vol + (kz * p->kh + ky) * p->kw + kx];
                                    }
                                }
                            }
                        ym[(oz * p->oh + oy) * p->ow + ox] = rt_act(p->act, (float)acc);
                    }
        }
}

/* x (n,c,d,h,w) -> y (n,c,od,oh,ow): max or average over each window. */
RT_API void rt_pool3d_f32(float *restrict y, const float *restrict x, const RtWindow3Params *p,
                          int op, int count_include_pad)
{
    const long long in_vol = p->d * p->h * p->w, out_vol = p->od * p->oh * p->ow;
    for (long long pc = 0; pc < p->n * p->c; pc++) {
        const float *xc = x + pc * in_vol;
        float *yc = y + pc * out_vol;
        for (long long oz = 0; oz < p->od; oz++)
            for (long long oy = 0; oy < p->oh; oy++)
                for (long long ox = 0; ox < p->ow; ox++) {
                    double sum = 0.0;
                    float best = -INFINITY;
                    long long inside = 0, padded = 0;
                    for (long long kz = 0; kz < p->kd; kz++) {
                        const long long iz = oz * p->sd - p->pf + kz * p->dd;
                        for (long long ky = 0; ky < p->kh; ky++) {
                            const long long iy = oy * p->sh - p->pt + ky * p->dh;
                            for (long long kx = 0; kx < p->kw; kx++) {
                                const long long ix = ox * p->sw - p->pl + kx * p->dw;
                                if (iz < -p->pf || iz >= p->d + p->pk || iy < -p->pt ||
                                    iy >= p->h + p->pb || ix < -p->pl || ix >= p->w + p->pr)
                                    continue;
                                padded++;
                                if (iz < 0 || iz >= p->d || iy < 0 || iy >= p->h || ix < 0 ||
                                    ix >= p->w)
                                    continue;
                                const float v = xc[(iz * p->h + iy) * p->w + ix];
                                inside++;
                                sum += v;
                                best = v > best ? v : best;
                            }
                        }
                    }
                    const long long div = count_include_pad ? padded : inside;
                    const float r = op == RT_POOL_MAX ? best : div ? (float)(sum / (double)div) : 0.0f;
                    yc[(oz * p->oh + oy) * p->ow + ox] = rt_act(p->act, r);
                }
    }
}
