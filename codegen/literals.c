/* SPDX-License-Identifier: MIT */
/*
 * literals.c - every floating-point number that reaches emitted C is printed
 * here, so every one is valid C and reads back as the same value.
 *
 * Finite values print with enough digits to round-trip (%.9g for float, %.17g
 * for double), always with a '.' or an exponent and, for float, an 'f' suffix;
 * -0.0 prints as "-0.0f", which C reads as negative zero. Infinities print as
 * INFINITY / -INFINITY and NaN as NAN from <math.h> (every emitted file
 * includes it): legal ONNX attributes such as Resize's extrapolation_value=inf
 * would otherwise give "inf.0f". NaN loses its sign and payload, which no
 * kernel observes. The output never depends on the locale.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cg_internal.h"

/* v with `digits` significant digits, then suffix (finite or not). */
static void put_literal(FILE *c, double v, int digits, const char *suffix)
{
    if (isnan(v)) {
        fputs("NAN", c);
        return;
    }
    if (isinf(v)) {
        fputs(v > 0 ? "INFINITY" : "-INFINITY", c);
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", digits, v);
    for (char *p = buf; *p; p++)   /* printf may write the locale's ',' */
        if (*p == ',')
            *p = '.';
    fputs(buf, c);
    if (!strpbrk(buf, ".e"))
        fputs(".0", c);
    fputs(suffix, c);
}

void cg_put_float(FILE *c, float v)
{
    put_literal(c, (double)v, 9, "f");
}

void cg_put_double(FILE *c, double v)
{
    put_literal(c, v, 17, "");
}
