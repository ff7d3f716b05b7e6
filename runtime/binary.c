/* SPDX-License-Identifier: MIT */
/*
 * binary.c - elementwise Add / Sub / Mul / Div with numpy broadcasting (f32),
 * followed by a fused activation.
 *
 * Shapes arrive as RT_MAX_RANK dims (leading 1s) and per-operand element
 * strides, 0 along a broadcast axis. Every output element is written right after
 * its two inputs are read, so y may be an operand that is not broadcast (that
 * operand's index then equals y's). Same-layout and scalar operands take a flat
 * loop; everything else walks the last axis inside an odometer over the others.
 * Libc only: embedded verbatim into emitted code (minus its #include line).
 */
#include "rt.h"

/* a, b (broadcastable to p->dims) -> y (p->dims); y may alias a or b when that
 * operand is not broadcast. */
RT_API void rt_binary_f32(float *y, const float *a, const float *b, const RtBinaryParams *p)
{
    const int last = RT_MAX_RANK - 1;
    long long total = 1;
    int a_flat = 1, b_flat = 1;        /* laid out exactly like y */
    int a_scalar = 1, b_scalar = 1;    /* one element repeated everywhere */
    for (int d = last; d >= 0; d--) {
        if (p->dims[d] != 1) {
            a_flat &= p->sa[d] == total;
            b_flat &= p->sb[d] == total;
            a_scalar &= p->sa[d] == 0;
            b_scalar &= p->sb[d] == 0;
        }
        total *= p->dims[d];
    }
    if (total <= 0)
        return;

    if (a_flat && b_flat) {
        for (long long i = 0; i < total; i++)
            y[i] = rt_act(p->act, rt_binop(p->op, a[i], b[i]));
        return;
    }
    if (a_flat && b_scalar) {
        const float bv = b[0];
        for (long long i = 0; i < total; i++)
            y[i] = rt_act(p->act, rt_binop(p->op, a[i], bv));
        return;
    }
    if (a_scalar && b_flat) {
        const float av = a[0];
        for (long long i = 0; i < total; i++)
            y[i] = rt_act(p->act, rt_binop(p->op, av, b[i]));
        return;
    }

    /* General case: idx[0..last-1] counts like an odometer; ia and ib track the
     * operands' offsets of the current row. */
    const long long inner = p->dims[last];
    const long long ia_step = p->sa[last], ib_step = p->sb[last];
    long long idx[RT_MAX_RANK] = {0};
    long long ia = 0, ib = 0;
    for (long long row = 0; row < total; row += inner) {
        for (long long i = 0; i < inner; i++)
            y[row + i] = rt_act(p->act, rt_binop(p->op, a[ia + i * ia_step], b[ib + i * ib_step]));
        for (int d = last - 1; d >= 0; d--) {
            ia += p->sa[d];
            ib += p->sb[d];
            if (++idx[d] < p->dims[d])
                break;
            ia -= p->sa[d] * p->dims[d];
            ib -= p->sb[d] * p->dims[d];
            idx[d] = 0;
        }
    }
}
