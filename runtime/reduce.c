/* SPDX-License-Identifier: MIT */
/*
 * reduce.c - ReduceSum, ReduceMean and ReduceMax over any set of axes: x is
 * walked once in order with an odometer, each element added (or maxed) into
 * the y element its non-reduced coordinates select (stride 0 along reduced
 * axes). Sums go through y in float; with the tolerances of the tests that is
 * enough, and it needs no scratch memory. Libc only, no allocation: embedded
 * verbatim into emitted code (minus its #include line).
 */
#include "rt.h"

/* x (p->dims) -> y (p->ny elements). */
RT_API void rt_reduce_f32(float *restrict y, const float *restrict x, const RtReduceParams *p)
{
    for (long long i = 0; i < p->ny; i++)
        y[i] = p->op == RT_RED_MAX ? -INFINITY : 0.0f;
    long long total = 1;
    for (int d = 0; d < RT_MAX_RANK; d++)
        total *= p->dims[d];
    long long idx[RT_MAX_RANK] = {0}, iy = 0;
    for (long long o = 0; o < total; o++) {
        const float v = x[o];
        if (p->op == RT_RED_MAX)
            y[iy] = (v > y[iy] || v != v) ? v : y[iy];
        else
            y[iy] += v;
        for (int d = RT_MAX_RANK - 1; d >= 0; d--) {
            iy += p->ys[d];
            if (++idx[d] < p->dims[d])
                break;
            iy -= p->ys[d] * p->dims[d];
            idx[d] = 0;
        }
    }
    if (p->op == RT_RED_MEAN && p->count > 0)
        for (long long i = 0; i < p->ny; i++)
            y[i] /= (float)p->count;
}
