/* SPDX-License-Identifier: MIT */
/*
 * unary.c - elementwise activation (Relu, Sigmoid, SiLU) over a flat f32 buffer.
 *
 * y[i] = rt_act(act, x[i]); each element is read before it is written, so y may
 * be x (in place). rt_act's sigmoid never overflows, even at +-100 and beyond.
 * Libc only: embedded verbatim into emitted code (minus its #include line).
 */
#include "rt.h"

/* x (n) -> y (n); y may alias x. */
RT_API void rt_unary_f32(float *y, const float *x, long long n, int act)
{
    for (long long i = 0; i < n; i++)
        y[i] = rt_act(act, x[i]);
}
