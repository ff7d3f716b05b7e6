/* SPDX-License-Identifier: MIT */
/*
 * copy.c - data movement: the strided copy behind Transpose, Slice, Concat,
 * Split, Expand, Gather, DepthToSpace and SpaceToDepth (one kernel, geometry
 * from ir_copy_geom), and Pad (constant, reflect, edge, wrap).
 *
 * Both walk the output with an odometer over RT_MAX_RANK dims and compute the
 * source offset incrementally; x and y never overlap (the planner only lets
 * elementwise ops work in place). Libc only, no allocation: embedded verbatim
 * into emitted code (minus its #include line).
 */
#include "rt.h"

/* x -> y through p (see RtCopyParams). */
RT_API void rt_copy_f32(float *restrict y, const float *restrict x, const RtCopyParams *p)
{
    const int last = RT_MAX_RANK - 1;
    long long total = 1;
    for (int d = 0; d < RT_MAX_RANK; d++)
        total *= p->dims[d];
    if (total <= 0)
        return;
    long long idx[RT_MAX_RANK] = {0};
    long long ix = p->xoff, iy = p->yoff;
    const long long inner = p->dims[last], xs = p->xs[last], ys = p->ys[last];
    for (long long row = 0; row < total; row += inner) {
        if (xs == 1 && ys == 1)
            memcpy(y + iy, x + ix, (size_t)inner * sizeof *y);
        else
            for (long long i = 0; i < inner; i++)
                y[iy + i * ys] = x[ix + i * xs];
        for (int d = last - 1; d >= 0; d--) {
            ix += p->xs[d];
            iy += p->ys[d];
            if (++idx[d] < p->dims[d])
                break;
            ix -= p->xs[d] * p->dims[d];
            iy -= p->ys[d] * p->dims[d];
            idx[d] = 0;
        }
    }
}

/* x (xdims) -> y (ydims) padded per p (see RtPadParams). */
RT_API void rt_pad_f32(float *restrict y, const float *restrict x, const RtPadParams *p)
{
    long long total = 1, xstride[RT_MAX_RANK], s = 1;
    for (int d = RT_MAX_RANK - 1; d >= 0; d--) {
        xstride[d] = s;
        s *= p->xdims[d];
        total *= p->ydims[d];
    }
    long long idx[RT_MAX_RANK] = {0};
    for (long long o = 0; o < total; o++) {
        long long off = 0;
        int inside = 1;
        for (int d = 0; d < RT_MAX_RANK && inside; d++) {
            long long src = rt_pad_src(idx[d], p->begin[d], p->xdims[d], p->mode);
            if (src < 0)
                inside = 0;
            else
                off += src * xstride[d];
        }
        y[o] = inside ? x[off] : p->value;
        for (int d = RT_MAX_RANK - 1; d >= 0; d--) {
            if (++idx[d] < p->ydims[d])
                break;
            idx[d] = 0;
        }
    }
}
