/* SPDX-License-Identifier: MIT */
/*
 * pool_blocked.c - 2-D pooling over the blk16 layout (n, C16, h, w, 16),
 * C16 = ceil(c/16), that the fast convolution writes: max pooling, average
 * pooling, and global average / max pooling (GlobalAveragePool,
 * GlobalMaxPool, and ReduceMean / ReduceMax over H and W with keepdims). The
 * 16 channels of a block are the innermost axis, so every tap is one RtVec
 * (rt_vec.h) operation.
 *
 * Same semantics as the reference kernels they are tested against
 * (rt_maxpool2d_f32: padding never wins, dilation honoured; rt_avgpool2d_f32:
 * the divisor counts the taps inside the input, or with count_include_pad the
 * taps inside the explicitly padded input, never ceil_mode's extra border), act
 * fused, except that sums are kept in float (several accumulators for the
 * global sums) where the reference uses double. Pad lanes (channels >= c) read
 * as 0 and are written as 0 (rt_blk_store), whatever act makes of 0.
 * Libc only: embedded verbatim into emitted code (minus its #include lines).
 */
#include "rt.h"
#include "rt_vec.h"

/* x (n,C16,h,w,16) -> y (n,C16,oh,ow,16) max pooled; p->m == p->c. */
static RT_INLINE RT_UNUSED void rt_maxpool2d_blk16_body(float *restrict y, const float *restrict x,
                                                        const RtConvParams *p)
{
    const int c16 = (p->c + 15) / 16;
    for (ptrdiff_t nb = 0; nb < (ptrdiff_t)p->n * c16; nb++) {
        const int valid = rt_blk_valid(p->c, (int)(nb % c16));
        const float *xc = x + nb * p->h * p->w * 16;
        float *yc = y + nb * p->oh * p->ow * 16;
        for (int oy = 0; oy < p->oh; oy++)
            for (int ox = 0; ox < p->ow; ox++) {
                RtVec best = rt_v_set1(-INFINITY);
                for (int ky = 0; ky < p->kh; ky++) {
                    const int iy = oy * p->sh + ky * p->dh - p->pt;
                    if (iy < 0 || iy >= p->h)
                        continue;
                    for (int kx = 0; kx < p->kw; kx++) {
                        const int ix = ox * p->sw + kx * p->dw - p->pl;
                        if (ix < 0 || ix >= p->w)
                            continue;
                        best = rt_v_max(rt_v_load(xc + ((ptrdiff_t)iy * p->w + ix) * 16), best);
                    }
                }
                rt_blk_store(yc + ((ptrdiff_t)oy * p->ow + ox) * 16, rt_v_act(p->act, best),
                             valid);
            }
    }
}

/* x (n,C16,h,w,16) -> y (n,C16,oh,ow,16); p->m == p->c (any c). */
RT_API RT_UNUSED void rt_maxpool2d_blocked_f32(float *restrict y, const float *restrict x,
                                               const RtConvParams *p)
{
    rt_maxpool2d_blk16_body(y, x, p);
}

/* Taps of one window along one axis: those inside [lo, hi) of the starting
 * index i0 with step d over k taps. */
static RT_INLINE RT_UNUSED int rt_pool_taps_in(int i0, int d, int k, int lo, int hi)
{
    int t = 0;
    for (int j = 0; j < k; j++)
        t += i0 + j * d >= lo && i0 + j * d < hi;
    return t;
}

/* x (n,C16,h,w,16) -> y (n,C16,oh,ow,16) averaged; pb, pr: bottom and right
 * pads; the divisor as rt_avgpool2d_f32. The window is a grid, so the taps
 * inside (the input or the padded input) are a product of per-axis counts. */
static RT_INLINE RT_UNUSED void rt_avgpool2d_blk16_body(float *restrict y, const float *restrict x,
                                                        const RtConvParams *p, int pb, int pr,
                                                        int count_include_pad)
{
    const int c16 = (p->c + 15) / 16;
    for (ptrdiff_t nb = 0; nb < (ptrdiff_t)p->n * c16; nb++) {
        const int valid = rt_blk_valid(p->c, (int)(nb % c16));
        const float *xc = x + nb * p->h * p->w * 16;
        float *yc = y + nb * p->oh * p->ow * 16;
        for (int oy = 0; oy < p->oh; oy++) {
            const int iy0 = oy * p->sh - p->pt;
            const int ny = count_include_pad ? rt_pool_taps_in(iy0, p->dh, p->kh, -p->pt, p->h + pb)
                                             : rt_pool_taps_in(iy0, p->dh, p->kh, 0, p->h);
            for (int ox = 0; ox < p->ow; ox++) {
                const int ix0 = ox * p->sw - p->pl;
                const int nx = count_include_pad
                                   ? rt_pool_taps_in(ix0, p->dw, p->kw, -p->pl, p->w + pr)
                                   : rt_pool_taps_in(ix0, p->dw, p->kw, 0, p->w);
                RtVec sum = rt_v_zero();
                for (int ky = 0; ky < p->kh; ky++) {
                    const int iy = iy0 + ky * p->dh;
                    if (iy < 0 || iy >= p->h)
                        continue;
                    for (int kx = 0; kx < p->kw; kx++) {
                        const int ix = ix0 + kx * p->dw;
                        if (ix >= 0 && ix < p->w)
                            sum = rt_v_add(sum, rt_v_load(xc + ((ptrdiff_t)iy * p->w + ix) * 16));
                    }
                }
                const int div = ny * nx;
                const RtVec mean = div ? rt_v_div(sum, rt_v_set1((float)div)) : rt_v_zero();
                rt_blk_store(yc + ((ptrdiff_t)oy * p->ow + ox) * 16, rt_v_act(p->act, mean),
                             valid);
            }
        }
    }
}

RT_API RT_UNUSED void rt_avgpool2d_blk16_f32(float *restrict y, const float *restrict x,
                                             const RtConvParams *p, int pb, int pr,
                                             int count_include_pad)
{
    rt_avgpool2d_blk16_body(y, x, p, pb, pr, count_include_pad);
}

/* The mean or max over hw of one NCHW plane x, 16 values at a time. */
static RT_INLINE RT_UNUSED float rt_global_pool_plane(const float *x, ptrdiff_t hw, int op)
{
    RtVec v = op == RT_POOL_MAX ? rt_v_set1(-INFINITY) : rt_v_zero();
    for (ptrdiff_t i = 0; i < hw / 16; i++)
        v = op == RT_POOL_MAX ? rt_v_max(rt_v_load(x + i * 16), v)
                              : rt_v_add(v, rt_v_load(x + i * 16));
    float t[16], r = op == RT_POOL_MAX ? -INFINITY : 0.0f;
    rt_v_store(t, v);
    for (int l = 0; l < 16; l++)
        r = op == RT_POOL_MAX ? (t[l] > r ? t[l] : r) : r + t[l];
    for (ptrdiff_t i = hw - hw % 16; i < hw; i++)
        r = op == RT_POOL_MAX ? (x[i] > r ? x[i] : r) : r + x[i];
    return op == RT_POOL_MAX ? r : r / (float)hw;
}

/* x (n,C16,hw,16) blk16 when x_blocked, else NCHW (n,c,hw) -> the mean (op
 * RT_POOL_AVG) or max (RT_POOL_MAX) over hw of every channel: y
 * (n,C16,1,1,16) blk16 when y_blocked, else NCHW (n,c,1,1); act fused. Every
 * combination of layouts, so that selection can give the output the layout
 * its consumers want whatever the input's (Flatten wants NCHW). On blk16 four
 * accumulators break the dependency chain of the adds (and make the float sum
 * a little more accurate). */
static RT_INLINE RT_UNUSED void rt_global_pool_blk16_body(float *restrict y,
                                                          const float *restrict x, int n, int c,
                                                          ptrdiff_t hw, int op, int x_blocked,
                                                          int y_blocked, int act)
{
    const int c16 = (c + 15) / 16;
    for (ptrdiff_t nb = 0; nb < (ptrdiff_t)n * c16; nb++) {
        const int cb = (int)(nb % c16);
        const int valid = rt_blk_valid(c, cb);
        const float *xc = x_blocked ? x + nb * hw * 16 : x;
        RtVec r;
        if (!x_blocked) {
            float t[16] = {0};
            for (int l = 0; l < valid; l++)
                t[l] = rt_global_pool_plane(x + ((nb / c16) * c + cb * 16 + l) * hw, hw, op);
            r = rt_v_load(t);
        } else if (op == RT_POOL_MAX) {
            RtVec m0 = rt_v_set1(-INFINITY), m1 = m0;
            for (ptrdiff_t i = 0; i < hw / 2; i++) {
                m0 = rt_v_max(rt_v_load(xc + i * 32), m0);
                m1 = rt_v_max(rt_v_load(xc + i * 32 + 16), m1);
            }
            if (hw % 2)
                m0 = rt_v_max(rt_v_load(xc + (hw - 1) * 16), m0);
            r = rt_v_max(m0, m1);
        } else {
            RtVec s0 = rt_v_zero(), s1 = s0, s2 = s0, s3 = s0;
            /* (counted loops over quads, then the rest from its own base: gcc
             * warns of undefined behaviour on a remainder loop that continues i) */
            for (ptrdiff_t i = 0; i < hw / 4; i++) {
                s0 = rt_v_add(s0, rt_v_load(xc + i * 64));
                s1 = rt_v_add(s1, rt_v_load(xc + i * 64 + 16));
                s2 = rt_v_add(s2, rt_v_load(xc + i * 64 + 32));
                s3 = rt_v_add(s3, rt_v_load(xc + i * 64 + 48));
            }
            const float *xr = xc + (hw - hw % 4) * 16;
            for (ptrdiff_t i = 0; i < hw % 4; i++)
                s0 = rt_v_add(s0, rt_v_load(xr + i * 16));
            r = rt_v_div(rt_v_add(rt_v_add(s0, s1), rt_v_add(s2, s3)), rt_v_set1((float)hw));
        }
        r = rt_v_act(act, r);
        if (y_blocked) {
            rt_blk_store(y + nb * 16, r, valid);
        } else {
            float t[16];
            rt_v_store(t, r);
            memcpy(y + (nb / c16) * c + cb * 16, t, (size_t)valid * sizeof(float));
        }
    }
}

RT_API RT_UNUSED void rt_global_pool_blk16_f32(float *restrict y, const float *restrict x, int n,
                                               int c, long long hw, int op, int x_blocked,
                                               int y_blocked, int act)
{
    rt_global_pool_blk16_body(y, x, n, c, (ptrdiff_t)hw, op, x_blocked, y_blocked, act);
}
