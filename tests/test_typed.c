/* SPDX-License-Identifier: MIT */
/*
 * test_typed.c - the typed kernels of runtime/typed.c.
 *
 * Conversions are checked three ways: exhaustive round trips (every f16 and
 * bf16 bit pattern, every float8 and float4 code decodes and encodes back to
 * itself), edge values worked out by hand in the comments (ties to even,
 * subnormals, saturation on and off, NaN, inf, -0, values that a double
 * rounding would get wrong), and the integer rules (wrap, truncation, bool).
 * The other kernels are compared with expected values written out here or with
 * naive loops (broadcasting decodes every output index into coordinates); the
 * max pooling cases are ONNX's test_maxpool_with_argmax_2d_precomputed_*.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt.h"

/* ------------------------------------------------------------- helpers */

static float f32_of_bits(uint32_t b)
{
    float f;
    memcpy(&f, &b, 4);
    return f;
}

static uint32_t bits_of_f32(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

/* One f32 value cast to a one-byte format (float8, float4, int4, bool ...). */
static uint8_t f32_to_byte(int dt, float v, int saturate, int round_mode)
{
    uint8_t y = 0xaa;
    rt_cast_any(&y, dt, &v, RT_DT_F32, 1, saturate, round_mode);
    return y;
}

static uint8_t f64_to_byte(int dt, double v, int saturate, int round_mode)
{
    uint8_t y = 0xaa;
    rt_cast_any(&y, dt, &v, RT_DT_F64, 1, saturate, round_mode);
    return y;
}

/* One f32 / f64 value cast to f16 or bf16 bits. */
static uint16_t f32_to_half(int dt, float v)
{
    uint16_t y = 0xaaaa;
    rt_cast_any(&y, dt, &v, RT_DT_F32, 1, 1, RT_ROUND_UP);
    return y;
}

static uint16_t f64_to_half(int dt, double v)
{
    uint16_t y = 0xaaaa;
    rt_cast_any(&y, dt, &v, RT_DT_F64, 1, 1, RT_ROUND_UP);
    return y;
}

/* One element of dt (given as its bits) decoded to double. */
static double to_f64(int dt, const void *x)
{
    double y;
    rt_cast_any(&y, RT_DT_F64, x, dt, 1, 1, RT_ROUND_UP);
    return y;
}

static int64_t f64_to_i64(double v)
{
    int64_t y;
    rt_cast_any(&y, RT_DT_I64, &v, RT_DT_F64, 1, 1, RT_ROUND_UP);
    return y;
}

/* ------------------------------------------------- exhaustive round trips */

/* Every f16 / bf16 pattern -> f32 -> back, and -> f64 -> back: the same bits,
 * except that a NaN only has to stay a NaN. */
static void test_half_roundtrip(void **state)
{
    (void)state;
    static uint16_t h[65536], back[65536];
    static float f[65536];
    static double d[65536];
    const int dts[2] = {RT_DT_F16, RT_DT_BF16};
    for (int t = 0; t < 2; t++) {
        const int dt = dts[t];
        const uint16_t emask = dt == RT_DT_F16 ? 0x7c00 : 0x7f80;
        for (int i = 0; i < 65536; i++)
            h[i] = (uint16_t)i;
        rt_cast_any(f, RT_DT_F32, h, dt, 65536, 1, RT_ROUND_UP);
        rt_cast_any(back, dt, f, RT_DT_F32, 65536, 1, RT_ROUND_UP);
        for (int i = 0; i < 65536; i++) {
            const int is_nan = (h[i] & emask) == emask && (h[i] & ~(emask | 0x8000));
            if (is_nan) {
                assert_true(isnan(f[i]));
                assert_int_equal(back[i] & emask, emask);
                assert_true(back[i] & ~(emask | 0x8000));
            } else if (back[i] != h[i]) {
                fail_msg("dt %d pattern 0x%04x -> %a -> 0x%04x", dt, i, (double)f[i], back[i]);
            }
        }
        rt_cast_any(d, RT_DT_F64, h, dt, 65536, 1, RT_ROUND_UP);
        rt_cast_any(back, dt, d, RT_DT_F64, 65536, 1, RT_ROUND_UP);
        for (int i = 0; i < 65536; i++)
            if (!isnan(d[i]) && back[i] != h[i])
                fail_msg("dt %d pattern 0x%04x -> %a -> 0x%04x (f64)", dt, i, d[i], back[i]);
    }
    /* the f16 decoding is the IEEE one: spot values */
    uint16_t one = 0x3c00, tiny = 0x0001, big = 0x7bff;
    assert_true(to_f64(RT_DT_F16, &one) == 1.0);
    assert_true(to_f64(RT_DT_F16, &tiny) == ldexp(1.0, -24));
    assert_true(to_f64(RT_DT_F16, &big) == 65504.0);
}

/* Every code of the float8 types and float4e2m1 decodes (to f32 and f64) and
 * encodes back to itself; NaN codes give NaN and encode to the format's NaN. */
static void test_small_float_roundtrip(void **state)
{
    (void)state;
    const int dts[5] = {RT_DT_F8E4M3FN, RT_DT_F8E4M3FNUZ, RT_DT_F8E5M2, RT_DT_F8E5M2FNUZ,
                        RT_DT_F4E2M1};
    for (int t = 0; t < 5; t++) {
        const int dt = dts[t], ncodes = dt == RT_DT_F4E2M1 ? 16 : 256;
        uint8_t x[256], back[256], back64[256];
        float f[256];
        double d[256];
        for (int i = 0; i < ncodes; i++)
            x[i] = (uint8_t)i;
        rt_cast_any(f, RT_DT_F32, x, dt, ncodes, 0, RT_ROUND_UP);
        rt_cast_any(back, dt, f, RT_DT_F32, ncodes, 0, RT_ROUND_UP);
        rt_cast_any(d, RT_DT_F64, x, dt, ncodes, 0, RT_ROUND_UP);
        rt_cast_any(back64, dt, d, RT_DT_F64, ncodes, 0, RT_ROUND_UP);
        for (int i = 0; i < ncodes; i++) {
            assert_true(isnan(f[i]) == isnan(d[i]));
            if (isnan(f[i])) {
                /* re-encoding gives the format's NaN code */
                uint8_t n = f32_to_byte(dt, f[i], 0, RT_ROUND_UP);
                float again;
                rt_cast_any(&again, RT_DT_F32, &n, dt, 1, 0, RT_ROUND_UP);
                assert_true(isnan(again));
                continue;
            }
            if (back[i] != x[i] || back64[i] != x[i])
                fail_msg("dt %d code 0x%02x -> %a -> 0x%02x / 0x%02x", dt, i, (double)f[i],
                         back[i], back64[i]);
        }
    }
    /* float8e8m0: every code but NaN (0xff) is 2^(code-127), and comes back
     * under every round mode */
    for (int c = 0; c < 256; c++) {
        uint8_t code = (uint8_t)c;
        const double v = to_f64(RT_DT_F8E8M0, &code);
        if (c == 0xff) {
            assert_true(isnan(v));
            continue;
        }
        assert_true(v == ldexp(1.0, c - 127));
        for (int rm = RT_ROUND_UP; rm <= RT_ROUND_NEAREST; rm++) {
            assert_int_equal(f64_to_byte(RT_DT_F8E8M0, v, 1, rm), c);
            assert_int_equal(f32_to_byte(RT_DT_F8E8M0, (float)v, 1, rm), c);
        }
    }
}

/* ------------------------------------------------------ edge conversions */

static void test_f16_bf16_edges(void **state)
{
    (void)state;
    const int F16 = RT_DT_F16, BF16 = RT_DT_BF16;
    assert_int_equal(f32_to_half(F16, 65504.0f), 0x7bff);          /* max */
    assert_int_equal(f32_to_half(F16, 65519.0f), 0x7bff);          /* below the tie */
    assert_int_equal(f32_to_half(F16, 65520.0f), 0x7c00);          /* tie -> even = inf */
    assert_int_equal(f32_to_half(F16, 1e10f), 0x7c00);             /* overflow -> inf */
    assert_int_equal(f32_to_half(F16, -INFINITY), 0xfc00);
    assert_int_equal(f32_to_half(F16, -0.0f), 0x8000);
    assert_int_equal(f32_to_half(F16, 0x1p-24f), 0x0001);          /* min subnormal */
    assert_int_equal(f32_to_half(F16, 0x1p-25f), 0x0000);          /* tie -> even = 0 */
    assert_int_equal(f32_to_half(F16, 0x1.000002p-25f), 0x0001);   /* just above the tie */
    assert_int_equal(f32_to_half(F16, -0x1p-26f), 0x8000);         /* underflow keeps sign */
    assert_int_equal(f32_to_half(F16, 0x1.ff8p-15f), 0x03ff);      /* max subnormal */
    assert_int_equal(f32_to_half(F16, 0x1.ffcp-15f), 0x0400);      /* tie -> min normal */
    assert_int_equal(f32_to_half(F16, 1.0f + 0x1p-11f), 0x3c00);   /* tie -> even */
    assert_int_equal(f32_to_half(F16, 1.0f + 0x3p-11f), 0x3c02);   /* tie -> even (up) */
    assert_int_equal(f32_to_half(F16, 2047.5f), 0x67ff + 1);       /* 2047.5 tie -> 2048 */
    assert_int_equal(f32_to_half(F16, NAN) & 0x7e00, 0x7e00);
    assert_int_equal(f32_to_half(F16, -NAN) & 0xfe00, 0xfe00);
    /* f64 rounds once: 1 + 2^-11 + 2^-40 is above the tie, but a detour through
     * f32 would drop the 2^-40 and round the tie down to 1.0 */
    assert_int_equal(f64_to_half(F16, 1.0 + 0x1p-11 + 0x1p-40), 0x3c01);
    assert_int_equal(f64_to_half(F16, 0x1p-1074), 0x0000);         /* f64 subnormal */
    assert_int_equal(f64_to_half(F16, 1e300), 0x7c00);

    assert_int_equal(f32_to_half(BF16, f32_of_bits(0x3f808000)), 0x3f80);   /* tie -> even */
    assert_int_equal(f32_to_half(BF16, f32_of_bits(0x3f818000)), 0x3f82);   /* tie -> even (up) */
    assert_int_equal(f32_to_half(BF16, f32_of_bits(0x3f808001)), 0x3f81);
    assert_int_equal(f32_to_half(BF16, f32_of_bits(0x7f7fffff)), 0x7f80);   /* FLT_MAX -> inf */
    assert_int_equal(f32_to_half(BF16, f32_of_bits(0x00000001)), 0x0000);   /* tiny -> 0 */
    assert_int_equal(f32_to_half(BF16, f32_of_bits(0x00010000)), 0x0001);   /* bf16 subnormal */
    assert_int_equal(f32_to_half(BF16, NAN) & 0x7fc0, 0x7fc0);
    assert_int_equal(f64_to_half(BF16, 1e39), 0x7f80);

    /* int64 -> bf16 rounds once: 2^60 + 2^52 + 1 is above the tie between 2^60
     * and 2^60 + 2^53; int64 -> double would round it to the tie first */
    int64_t big = ((int64_t)1 << 60) + ((int64_t)1 << 52) + 1;
    uint16_t h;
    rt_cast_any(&h, BF16, &big, RT_DT_I64, 1, 1, RT_ROUND_UP);
    assert_int_equal(h, 0x5d81);
    uint64_t u = UINT64_MAX;
    rt_cast_any(&h, F16, &u, RT_DT_U64, 1, 1, RT_ROUND_UP);
    assert_int_equal(h, 0x7c00);
    int32_t i = -2049;   /* tie between -2048 and -2050: even mantissa is -2048 */
    rt_cast_any(&h, F16, &i, RT_DT_I32, 1, 1, RT_ROUND_UP);
    assert_int_equal(h, 0xe800);
}

static void test_float8_edges(void **state)
{
    (void)state;
    const int FN = RT_DT_F8E4M3FN, FNUZ = RT_DT_F8E4M3FNUZ, E5 = RT_DT_F8E5M2,
              E5UZ = RT_DT_F8E5M2FNUZ;
    /* e4m3fn: max 448 (0x7e), 0x7f NaN, no inf */
    assert_int_equal(f32_to_byte(FN, 448.0f, 1, 0), 0x7e);
    assert_int_equal(f32_to_byte(FN, 464.0f, 0, 0), 0x7e);     /* tie 448/480 -> even */
    assert_int_equal(f32_to_byte(FN, 465.0f, 1, 0), 0x7e);     /* saturate */
    assert_int_equal(f32_to_byte(FN, 465.0f, 0, 0), 0x7f);     /* NaN */
    assert_int_equal(f32_to_byte(FN, -1e6f, 1, 0), 0xfe);
    assert_int_equal(f32_to_byte(FN, -1e6f, 0, 0), 0xff);
    assert_int_equal(f32_to_byte(FN, INFINITY, 1, 0), 0x7e);
    assert_int_equal(f32_to_byte(FN, INFINITY, 0, 0), 0x7f);
    assert_int_equal(f32_to_byte(FN, -INFINITY, 0, 0), 0xff);
    assert_int_equal(f32_to_byte(FN, NAN, 1, 0), 0x7f);
    assert_int_equal(f32_to_byte(FN, -0.0f, 1, 0), 0x80);
    assert_int_equal(f32_to_byte(FN, 0x1p-9f, 1, 0), 0x01);    /* min subnormal */
    assert_int_equal(f32_to_byte(FN, 0x1p-10f, 1, 0), 0x00);   /* tie -> even */
    assert_int_equal(f32_to_byte(FN, 0x3p-10f, 1, 0), 0x02);   /* 1.5 units -> 2 (even) */
    assert_int_equal(f32_to_byte(FN, 1.0625f, 1, 0), 0x38);    /* tie 1/1.125 -> 1 */
    assert_int_equal(f32_to_byte(FN, 1.1875f, 1, 0), 0x3a);    /* tie 1.125/1.25 -> 1.25 */
    /* e4m3fnuz: max 240 (0x7f), 0x80 NaN, no -0 */
    assert_int_equal(f32_to_byte(FNUZ, 240.0f, 0, 0), 0x7f);
    assert_int_equal(f32_to_byte(FNUZ, 1000.0f, 1, 0), 0x7f);
    assert_int_equal(f32_to_byte(FNUZ, 1000.0f, 0, 0), 0x80);
    assert_int_equal(f32_to_byte(FNUZ, -INFINITY, 1, 0), 0xff);
    assert_int_equal(f32_to_byte(FNUZ, -INFINITY, 0, 0), 0x80);
    assert_int_equal(f32_to_byte(FNUZ, NAN, 1, 0), 0x80);
    assert_int_equal(f32_to_byte(FNUZ, -0.0f, 1, 0), 0x00);
    assert_int_equal(f32_to_byte(FNUZ, -0x1p-13f, 1, 0), 0x00); /* rounds to 0: no -0 */
    assert_int_equal(f32_to_byte(FNUZ, 0x1p-10f, 1, 0), 0x01);  /* min subnormal */
    /* e5m2: max 57344 (0x7b), inf 0x7c */
    assert_int_equal(f32_to_byte(E5, 57344.0f, 0, 0), 0x7b);
    assert_int_equal(f32_to_byte(E5, 61440.0f, 1, 0), 0x7b);    /* tie -> even = inf: saturated */
    assert_int_equal(f32_to_byte(E5, 61440.0f, 0, 0), 0x7c);
    assert_int_equal(f32_to_byte(E5, 61439.0f, 0, 0), 0x7b);
    assert_int_equal(f32_to_byte(E5, -INFINITY, 1, 0), 0xfb);
    assert_int_equal(f32_to_byte(E5, -INFINITY, 0, 0), 0xfc);
    assert_int_equal(f32_to_byte(E5, NAN, 0, 0), 0x7e);
    assert_int_equal(f32_to_byte(E5, -0.0f, 0, 0), 0x80);
    assert_int_equal(f32_to_byte(E5, 0x1p-16f, 0, 0), 0x01);    /* min subnormal */
    /* e5m2fnuz: max 57344 (0x7f), 0x80 NaN */
    assert_int_equal(f32_to_byte(E5UZ, 57344.0f, 0, 0), 0x7f);
    assert_int_equal(f32_to_byte(E5UZ, INFINITY, 1, 0), 0x7f);
    assert_int_equal(f32_to_byte(E5UZ, INFINITY, 0, 0), 0x80);
    assert_int_equal(f32_to_byte(E5UZ, 0x1p-17f, 0, 0), 0x01);
    /* integers and f64 take the same rules */
    int32_t k = 1000;
    uint8_t y;
    rt_cast_any(&y, FN, &k, RT_DT_I32, 1, 1, RT_ROUND_UP);
    assert_int_equal(y, 0x7e);
    rt_cast_any(&y, FN, &k, RT_DT_I32, 1, 0, RT_ROUND_UP);
    assert_int_equal(y, 0x7f);
    assert_int_equal(f64_to_byte(E5, 1e300, 0, 0), 0x7c);
    /* f16 -> f8 directly */
    uint16_t h = 0x5bc0;   /* 248 = tie between 240 and 256 in e4m3fn -> 256 (even) */
    rt_cast_any(&y, FN, &h, RT_DT_F16, 1, 1, RT_ROUND_UP);
    assert_int_equal(y, 0x78);
}

static void test_float4_e8m0_edges(void **state)
{
    (void)state;
    const int F4 = RT_DT_F4E2M1, E8 = RT_DT_F8E8M0;
    /* float4e2m1: 0 0.5 1 1.5 2 3 4 6; no inf or NaN: always saturates, NaN -> 0x8 */
    assert_int_equal(f32_to_byte(F4, 0.25f, 1, 0), 0x0);    /* tie 0/0.5 -> 0 */
    assert_int_equal(f32_to_byte(F4, 0.75f, 1, 0), 0x2);    /* tie 0.5/1 -> 1 */
    assert_int_equal(f32_to_byte(F4, 2.5f, 1, 0), 0x4);     /* tie 2/3 -> 2 */
    assert_int_equal(f32_to_byte(F4, 3.5f, 1, 0), 0x6);     /* tie 3/4 -> 4 */
    assert_int_equal(f32_to_byte(F4, 5.0f, 1, 0), 0x6);     /* tie 4/6 -> 4 */
    assert_int_equal(f32_to_byte(F4, 5.5f, 1, 0), 0x7);
    assert_int_equal(f32_to_byte(F4, 100.0f, 0, 0), 0x7);
    assert_int_equal(f32_to_byte(F4, -INFINITY, 0, 0), 0xf);
    assert_int_equal(f32_to_byte(F4, NAN, 1, 0), 0x8);
    assert_int_equal(f32_to_byte(F4, -0.0f, 1, 0), 0x8);
    assert_int_equal(f32_to_byte(F4, -1.25f, 1, 0), 0xa);   /* tie 1/1.5 -> 1 */
    /* float8e8m0: sign ignored, NaN and inf -> 0xff, zero -> 0x00 */
    assert_int_equal(f32_to_byte(E8, 0.124f, 1, RT_ROUND_UP), 0x7c);
    assert_int_equal(f32_to_byte(E8, 0.124f, 1, RT_ROUND_DOWN), 0x7b);
    assert_int_equal(f32_to_byte(E8, 0.124f, 1, RT_ROUND_NEAREST), 0x7c);
    assert_int_equal(f32_to_byte(E8, 1.5f, 1, RT_ROUND_NEAREST), 0x80);   /* tie -> up */
    assert_int_equal(f32_to_byte(E8, 1.4f, 1, RT_ROUND_NEAREST), 0x7f);
    assert_int_equal(f32_to_byte(E8, 1.5f, 1, RT_ROUND_DOWN), 0x7f);
    assert_int_equal(f32_to_byte(E8, 2.0f, 1, RT_ROUND_UP), 0x80);
    assert_int_equal(f32_to_byte(E8, -4.0f, 1, RT_ROUND_UP), 0x81);
    assert_int_equal(f32_to_byte(E8, 0.0f, 1, RT_ROUND_UP), 0x00);
    assert_int_equal(f32_to_byte(E8, NAN, 1, RT_ROUND_UP), 0xff);
    assert_int_equal(f32_to_byte(E8, INFINITY, 1, RT_ROUND_UP), 0xff);
    assert_int_equal(f32_to_byte(E8, 0x1.8p127f, 1, RT_ROUND_UP), 0xfe);  /* saturate */
    assert_int_equal(f32_to_byte(E8, 0x1.8p127f, 0, RT_ROUND_UP), 0xff);
    assert_int_equal(f32_to_byte(E8, 0x1.8p127f, 0, RT_ROUND_DOWN), 0xfe);
    assert_int_equal(f64_to_byte(E8, 0x1p200, 1, RT_ROUND_DOWN), 0xfe);
    assert_int_equal(f64_to_byte(E8, 0x1p200, 0, RT_ROUND_DOWN), 0xff);
    assert_int_equal(f64_to_byte(E8, 0x1p-130, 1, RT_ROUND_UP), 0x00);    /* below 2^-127 */
    assert_int_equal(f32_to_byte(E8, f32_of_bits(0x00400000), 1, RT_ROUND_UP), 0x00);  /* 2^-127 */
    assert_int_equal(f32_to_byte(E8, f32_of_bits(0x00600000), 1, RT_ROUND_UP), 0x01);
    int64_t big = ((int64_t)1 << 60) + 1;   /* not a power of two: up -> 2^61 */
    uint8_t y;
    rt_cast_any(&y, E8, &big, RT_DT_I64, 1, 1, RT_ROUND_UP);
    assert_int_equal(y, 127 + 61);
}

static void test_integer_casts(void **state)
{
    (void)state;
    /* int -> int wraps (two's complement truncation) */
    int32_t i32[4] = {300, -1, -129, 65535};
    uint8_t u8[4];
    rt_cast_any(u8, RT_DT_U8, i32, RT_DT_I32, 4, 1, 0);
    assert_int_equal(u8[0], 44);
    assert_int_equal(u8[1], 255);
    assert_int_equal(u8[2], 127);
    assert_int_equal(u8[3], 255);
    int8_t i8[4];
    rt_cast_any(i8, RT_DT_I8, i32, RT_DT_I32, 4, 1, 0);
    assert_int_equal(i8[0], 44);
    assert_int_equal(i8[2], 127);
    uint64_t u64 = UINT64_MAX;
    int16_t i16;
    rt_cast_any(&i16, RT_DT_I16, &u64, RT_DT_U64, 1, 1, 0);
    assert_int_equal(i16, -1);
    int64_t neg = -1;
    uint32_t u32;
    rt_cast_any(&u32, RT_DT_U32, &neg, RT_DT_I64, 1, 1, 0);
    assert_true(u32 == 0xffffffffu);
    /* int4 / uint4 / int2 / uint2 wrap too (ONNX test_cast_FLOAT_to_INT4 ...) */
    const float f[7] = {-9.0f, 8.0f, 7.9f, -3.0f, 15.0f, 16.0f, -2.5f};
    int8_t i4[7], i2[7];
    uint8_t u4[7], u2[7];
    rt_cast_any(i4, RT_DT_I4, f, RT_DT_F32, 7, 1, 0);
    rt_cast_any(u4, RT_DT_U4, f, RT_DT_F32, 7, 1, 0);
    rt_cast_any(i2, RT_DT_I2, f, RT_DT_F32, 7, 1, 0);
    rt_cast_any(u2, RT_DT_U2, f, RT_DT_F32, 7, 1, 0);
    const int8_t want_i4[7] = {7, -8, 7, -3, -1, 0, -2};
    const uint8_t want_u4[7] = {7, 8, 7, 13, 15, 0, 14};
    const int8_t want_i2[7] = {-1, 0, -1, 1, -1, 0, -2};
    const uint8_t want_u2[7] = {3, 0, 3, 1, 3, 0, 2};
    assert_memory_equal(i4, want_i4, 7);
    assert_memory_equal(u4, want_u4, 7);
    assert_memory_equal(i2, want_i2, 7);
    assert_memory_equal(u2, want_u2, 7);
    /* and read back sign-extended from their low bits */
    const uint8_t raw[4] = {0x0f, 0x08, 0x07, 0xf9};
    int32_t back[4];
    rt_cast_any(back, RT_DT_I32, raw, RT_DT_I4, 4, 1, 0);
    assert_int_equal(back[0], -1);
    assert_int_equal(back[1], -8);
    assert_int_equal(back[2], 7);
    assert_int_equal(back[3], -7);
    /* float -> int truncates toward zero; NaN 0; beyond int64 clamps */
    assert_int_equal(f64_to_i64(2.7), 2);
    assert_int_equal(f64_to_i64(-2.7), -2);
    assert_int_equal(f64_to_i64(NAN), 0);
    assert_true(f64_to_i64(1e30) == INT64_MAX);
    assert_true(f64_to_i64(-INFINITY) == INT64_MIN);
    double d = 1e19;
    rt_cast_any(&u64, RT_DT_U64, &d, RT_DT_F64, 1, 1, 0);
    assert_true(u64 == UINT64_C(10000000000000000000));
    d = 300.7;
    rt_cast_any(u8, RT_DT_U8, &d, RT_DT_F64, 1, 1, 0);
    assert_int_equal(u8[0], 44);
    uint16_t h = 0xc100;   /* f16 -2.5 */
    rt_cast_any(i8, RT_DT_I8, &h, RT_DT_F16, 1, 1, 0);
    assert_int_equal(i8[0], -2);
    /* bool: != 0 one way, 0 / 1 the other */
    const float fb[5] = {0.0f, -0.0f, NAN, 0.1f, -3.0f};
    uint8_t b[5];
    rt_cast_any(b, RT_DT_BOOL, fb, RT_DT_F32, 5, 1, 0);
    const uint8_t want_b[5] = {0, 0, 1, 1, 1};
    assert_memory_equal(b, want_b, 5);
    const uint8_t bools[2] = {1, 0};
    float fo[2];
    int64_t io[2];
    rt_cast_any(fo, RT_DT_F32, bools, RT_DT_BOOL, 2, 1, 0);
    rt_cast_any(io, RT_DT_I64, bools, RT_DT_BOOL, 2, 1, 0);
    assert_true(fo[0] == 1.0f && fo[1] == 0.0f);
    assert_true(io[0] == 1 && io[1] == 0);
    int32_t two = 256;
    rt_cast_any(b, RT_DT_BOOL, &two, RT_DT_I32, 1, 1, 0);
    assert_int_equal(b[0], 1);
    /* int -> float: C conversion, f64 exact for int32 */
    int64_t big = ((int64_t)1 << 53) + 1;
    rt_cast_any(&d, RT_DT_F64, &big, RT_DT_I64, 1, 1, 0);
    assert_true(d == 0x1p53);
    float fl;
    rt_cast_any(&fl, RT_DT_F32, &big, RT_DT_I64, 1, 1, 0);
    assert_true(fl == 0x1p53f);
    /* f64 -> f32 rounds to nearest even, overflow -> inf */
    d = 1e300;
    rt_cast_any(&fl, RT_DT_F32, &d, RT_DT_F64, 1, 1, 0);
    assert_true(isinf(fl));
    assert_int_equal(bits_of_f32(fl), 0x7f800000);
}

/* --------------------------------------------------------------- binary */

/* p for same-shape operands of n elements. */
static RtBinaryParams flat_params(int op, long long n)
{
    RtBinaryParams p;
    memset(&p, 0, sizeof p);
    p.op = op;
    for (int d = 0; d < RT_MAX_RANK; d++)
        p.dims[d] = 1;
    p.dims[RT_MAX_RANK - 1] = n;
    p.sa[RT_MAX_RANK - 1] = 1;
    p.sb[RT_MAX_RANK - 1] = 1;
    return p;
}

static void test_binary_integers(void **state)
{
    (void)state;
    RtBinaryParams p = flat_params(RT_BIN_ADD, 3);
    const uint8_t ua[3] = {200, 3, 250}, ub[3] = {100, 5, 7};
    uint8_t uy[3];
    rt_binary_any(uy, RT_DT_U8, ua, RT_DT_U8, ub, RT_DT_U8, &p);
    assert_int_equal(uy[0], 44);   /* 300 wraps */
    p.op = RT_BIN_SUB;
    rt_binary_any(uy, RT_DT_U8, ua, RT_DT_U8, ub, RT_DT_U8, &p);
    assert_int_equal(uy[1], 254);
    p.op = RT_BIN_DIV;
    rt_binary_any(uy, RT_DT_U8, ua, RT_DT_U8, ub, RT_DT_U8, &p);
    assert_int_equal(uy[0], 2);
    assert_int_equal(uy[2], 35);
    p.op = RT_BIN_MUL;
    rt_binary_any(uy, RT_DT_U8, ua, RT_DT_U8, ub, RT_DT_U8, &p);
    assert_int_equal(uy[2], (250 * 7) & 0xff);

    /* signed division: truncation toward zero, INT_MIN / -1 wraps, x / 0 = 0 */
    const int8_t ia[3] = {-128, -7, 5}, ib[3] = {-1, 2, 0};
    int8_t iy[3];
    p.op = RT_BIN_DIV;
    rt_binary_any(iy, RT_DT_I8, ia, RT_DT_I8, ib, RT_DT_I8, &p);
    assert_int_equal(iy[0], -128);
    assert_int_equal(iy[1], -3);
    assert_int_equal(iy[2], 0);
    const int64_t la[2] = {INT64_MIN, INT64_MAX}, lb[2] = {-1, 0};
    int64_t ly[2];
    p = flat_params(RT_BIN_DIV, 2);
    rt_binary_any(ly, RT_DT_I64, la, RT_DT_I64, lb, RT_DT_I64, &p);
    assert_true(ly[0] == INT64_MIN && ly[1] == 0);
    p.op = RT_BIN_ADD;   /* INT64_MAX + 0, INT64_MIN + -1 wraps */
    rt_binary_any(ly, RT_DT_I64, la, RT_DT_I64, lb, RT_DT_I64, &p);
    assert_true(ly[0] == INT64_MAX && ly[1] == INT64_MAX);

    /* unsigned division and comparison of values with the top bit set */
    const uint32_t wa[2] = {0xffffffffu, 0x80000000u}, wb[2] = {2, 1};
    uint32_t wy[2];
    p = flat_params(RT_BIN_DIV, 2);
    rt_binary_any(wy, RT_DT_U32, wa, RT_DT_U32, wb, RT_DT_U32, &p);
    assert_true(wy[0] == 0x7fffffffu && wy[1] == 0x80000000u);
    const uint64_t qa[2] = {UINT64_MAX, 1}, qb[2] = {1, UINT64_MAX};
    uint64_t qy[2];
    p.op = RT_BIN_MAX;
    rt_binary_any(qy, RT_DT_U64, qa, RT_DT_U64, qb, RT_DT_U64, &p);
    assert_true(qy[0] == UINT64_MAX && qy[1] == UINT64_MAX);
    p.op = RT_BIN_DIV;
    rt_binary_any(qy, RT_DT_U64, qa, RT_DT_U64, qb, RT_DT_U64, &p);
    assert_true(qy[0] == UINT64_MAX && qy[1] == 0);
    const int16_t sa[2] = {-5, 3}, sb[2] = {2, -4};
    int16_t sy[2];
    p.op = RT_BIN_MIN;
    rt_binary_any(sy, RT_DT_I16, sa, RT_DT_I16, sb, RT_DT_I16, &p);
    assert_true(sy[0] == -5 && sy[1] == -4);

    /* Pow with an integer result goes through double (test_pow_types_*) */
    const int32_t base[3] = {1, 2, 3};
    const float ex[3] = {4.0f, 5.0f, 6.0f};
    int32_t py[3];
    p = flat_params(RT_BIN_POW, 3);
    rt_binary_any(py, RT_DT_I32, base, RT_DT_I32, ex, RT_DT_F32, &p);
    assert_true(py[0] == 1 && py[1] == 32 && py[2] == 729);
    const float fbase[3] = {1.0f, 2.0f, 3.0f};
    const uint64_t uex[3] = {4, 5, 6};
    float fy[3];
    rt_binary_any(fy, RT_DT_F32, fbase, RT_DT_F32, uex, RT_DT_U64, &p);
    assert_true(fy[0] == 1.0f && fy[1] == 32.0f && fy[2] == 729.0f);
}

static void test_binary_floats(void **state)
{
    (void)state;
    /* f16: 1 + 2^-11 is a tie and rounds to even (1.0); 1 + 3*2^-11 rounds up */
    const uint16_t ha[2] = {0x3c00, 0x3c00}, hb[2] = {0x1000, 0x1600};   /* 2^-11, 3*2^-11 */
    uint16_t hy[2];
    RtBinaryParams p = flat_params(RT_BIN_ADD, 2);
    rt_binary_any(hy, RT_DT_F16, ha, RT_DT_F16, hb, RT_DT_F16, &p);
    assert_int_equal(hy[0], 0x3c00);
    assert_int_equal(hy[1], 0x3c02);
    /* bf16 PRelu */
    const uint16_t ba[2] = {0xc000, 0x4000}, bb[2] = {0x3e80, 0x3e80};   /* -2, 2; 0.25 */
    p.op = RT_BIN_PRELU;
    rt_binary_any(hy, RT_DT_BF16, ba, RT_DT_BF16, bb, RT_DT_BF16, &p);
    assert_int_equal(hy[0], 0xbf00);   /* -0.5 */
    assert_int_equal(hy[1], 0x4000);
    /* Max / Min propagate NaN from either side (f32 and f64) */
    const float fa[2] = {NAN, 1.0f}, fb[2] = {1.0f, NAN};
    float fy[2];
    p.op = RT_BIN_MAX;
    rt_binary_any(fy, RT_DT_F32, fa, RT_DT_F32, fb, RT_DT_F32, &p);
    assert_true(isnan(fy[0]) && isnan(fy[1]));
    const double da[2] = {NAN, -1.0}, db[2] = {2.0, NAN};
    double dy[2];
    p.op = RT_BIN_MIN;
    rt_binary_any(dy, RT_DT_F64, da, RT_DT_F64, db, RT_DT_F64, &p);
    assert_true(isnan(dy[0]) && isnan(dy[1]));
    /* f64 keeps full precision; f32 division rounds like the f32 kernel */
    const double xa[2] = {1.0, 1.0}, xb[2] = {3.0, 0x1p-60};
    p.op = RT_BIN_DIV;
    rt_binary_any(dy, RT_DT_F64, xa, RT_DT_F64, xb, RT_DT_F64, &p);
    assert_true(dy[0] == 1.0 / 3.0 && dy[1] == 0x1p60);
    const float ya[2] = {1.0f, 10.0f}, yb[2] = {3.0f, 7.0f};
    rt_binary_any(fy, RT_DT_F32, ya, RT_DT_F32, yb, RT_DT_F32, &p);
    assert_true(fy[0] == 1.0f / 3.0f && fy[1] == 10.0f / 7.0f);
    /* in place on a non-broadcast operand */
    float z[2] = {1.0f, 2.0f};
    p.op = RT_BIN_ADD;
    rt_binary_any(z, RT_DT_F32, z, RT_DT_F32, yb, RT_DT_F32, &p);
    assert_true(z[0] == 4.0f && z[1] == 9.0f);
}

/* Broadcasting (2,1,4) int32 with (3,1) int64 into (2,3,4) int64, checked by
 * decoding every output index. */
static void test_binary_broadcast(void **state)
{
    (void)state;
    int32_t a[8];
    int64_t b[3], y[24];
    for (int i = 0; i < 8; i++)
        a[i] = 10 * i - 35;
    for (int i = 0; i < 3; i++)
        b[i] = (int64_t)1 << (40 + i);
    RtBinaryParams p;
    memset(&p, 0, sizeof p);
    p.op = RT_BIN_SUB;
    for (int d = 0; d < RT_MAX_RANK; d++)
        p.dims[d] = 1;
    p.dims[5] = 2, p.dims[6] = 3, p.dims[7] = 4;
    p.sa[5] = 4, p.sa[6] = 0, p.sa[7] = 1;   /* a (2,1,4) */
    p.sb[5] = 0, p.sb[6] = 1, p.sb[7] = 0;   /* b (3,1) */
    rt_binary_any(y, RT_DT_I64, a, RT_DT_I32, b, RT_DT_I64, &p);
    for (int o = 0; o < 24; o++) {
        const int i = o / 12, j = (o / 4) % 3, k = o % 4;
        assert_true(y[o] == (int64_t)a[i * 4 + k] - b[j]);
    }
    /* and the same into uint8 with wrap-around */
    uint8_t u[24];
    rt_binary_any(u, RT_DT_U8, a, RT_DT_I32, b, RT_DT_I64, &p);
    for (int o = 0; o < 24; o++)
        assert_int_equal(u[o], (uint8_t)y[o]);
}

/* ---------------------------------------------------------------- unary */

static void test_unary(void **state)
{
    (void)state;
    int8_t x8[5] = {-128, -3, 0, 5, 127}, y8[5];
    rt_unary_any(y8, x8, RT_DT_I8, 5, RT_UN_NEG, 0, 0);
    const int8_t neg[5] = {-128, 3, 0, -5, -127};
    assert_memory_equal(y8, neg, 5);
    rt_unary_any(y8, x8, RT_DT_I8, 5, RT_UN_ABS, 0, 0);
    const int8_t abs8[5] = {-128, 3, 0, 5, 127};
    assert_memory_equal(y8, abs8, 5);
    rt_unary_any(y8, x8, RT_DT_I8, 5, RT_UN_RELU, 0, 0);
    const int8_t relu[5] = {0, 0, 0, 5, 127};
    assert_memory_equal(y8, relu, 5);
    rt_unary_any(x8, x8, RT_DT_I8, 5, RT_UN_CLIP, -2.5, 3.5);   /* in place */
    const int8_t clip[5] = {-2, -2, 0, 3, 3};
    assert_memory_equal(x8, clip, 5);
    uint8_t u[3] = {0, 100, 255}, uy[3];
    rt_unary_any(uy, u, RT_DT_U8, 3, RT_UN_CLIP, -INFINITY, 200.0);
    assert_true(uy[0] == 0 && uy[1] == 100 && uy[2] == 200);
    rt_unary_any(uy, u, RT_DT_U8, 3, RT_UN_NEG, 0, 0);
    assert_true(uy[0] == 0 && uy[1] == 156 && uy[2] == 1);
    int64_t l[2] = {INT64_MIN, -5}, ly[2];
    rt_unary_any(ly, l, RT_DT_I64, 2, RT_UN_CLIP, -1e30, NAN);   /* no bounds */
    assert_true(ly[0] == INT64_MIN && ly[1] == -5);
    rt_unary_any(ly, l, RT_DT_I64, 2, RT_UN_FLOOR, 0, 0);
    assert_true(ly[0] == INT64_MIN && ly[1] == -5);

    /* f64 uses the double libm; f16 rounds the double result once */
    double d[3] = {2.0, -1.5, 0.25}, dy[3];
    rt_unary_any(dy, d, RT_DT_F64, 3, RT_UN_SQRT, 0, 0);
    assert_true(dy[0] == sqrt(2.0) && isnan(dy[1]) && dy[2] == 0.5);
    rt_unary_any(dy, d, RT_DT_F64, 3, RT_UN_FLOOR, 0, 0);
    assert_true(dy[0] == 2.0 && dy[1] == -2.0 && dy[2] == 0.0);
    rt_unary_any(dy, d, RT_DT_F64, 3, RT_UN_CEIL, 0, 0);
    assert_true(dy[0] == 2.0 && dy[1] == -1.0 && dy[2] == 1.0);
    uint16_t h[4] = {0x3c00, 0xbc00, 0x4c00, 0x7c00}, hy[4];   /* 1, -1, 16, inf */
    rt_unary_any(hy, h, RT_DT_F16, 4, RT_UN_EXP, 0, 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(hy[i], f64_to_half(RT_DT_F16, exp(to_f64(RT_DT_F16, &h[i]))));
    assert_int_equal(hy[2], 0x7c00);   /* e^16 overflows f16 */
    rt_unary_any(hy, h, RT_DT_F16, 4, RT_UN_SIGMOID, 0, 0);
    assert_int_equal(hy[3], 0x3c00);
    rt_unary_any(hy, h, RT_DT_F16, 4, RT_UN_CLIP, -0.5, 2.0);
    assert_true(hy[0] == 0x3c00 && hy[1] == 0xb800 && hy[2] == 0x4000 && hy[3] == 0x4000);
    rt_unary_any(hy, h, RT_DT_BF16, 1, RT_UN_RECIPROCAL, 0, 0);
    assert_int_equal(hy[0], 0x4300);   /* bf16 0x3c00 = 2^-7 -> 2^7 */
}

/* ------------------------------------------------------- data movement */

/* Element e of a buffer of esize-byte elements, as a number (little sizes). */
static uint64_t elem(const void *buf, int esize, long long i)
{
    uint64_t v = 0;
    memcpy(&v, (const unsigned char *)buf + i * esize, (size_t)esize);
    return v;
}

/* A recognizable pattern: element i holds i * 0x0101010101010101 + esize, cut
 * to esize bytes, so every byte of every element is checked. */
static void fill_pattern(void *buf, int esize, long long n)
{
    for (long long i = 0; i < n; i++) {
        const uint64_t v = (uint64_t)(i + 1) * UINT64_C(0x0101010101010101) + (uint64_t)esize;
        memcpy((unsigned char *)buf + i * esize, &v, (size_t)esize);
    }
}

static void test_copy_pad_fill(void **state)
{
    (void)state;
    const int sizes[4] = {1, 2, 4, 8};
    for (int t = 0; t < 4; t++) {
        const int es = sizes[t];
        unsigned char x[6 * 8], y[20 * 8], v[8];
        fill_pattern(x, es, 6);
        /* transpose (2,3) -> (3,2): y[j][i] = x[i][j] */
        RtCopyParams c;
        memset(&c, 0, sizeof c);
        for (int d = 0; d < RT_MAX_RANK; d++)
            c.dims[d] = 1;
        c.dims[6] = 3, c.dims[7] = 2;
        c.xs[6] = 1, c.xs[7] = 3;
        c.ys[6] = 2, c.ys[7] = 1;
        rt_copy_any(y, x, es, &c);
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 2; i++)
                assert_true(elem(y, es, j * 2 + i) == elem(x, es, i * 3 + j));
        /* contiguous rows take the memcpy path; offsets honoured */
        c.dims[6] = 2, c.dims[7] = 3;
        c.xs[6] = 3, c.xs[7] = 1;
        c.ys[6] = 3, c.ys[7] = 1;
        c.yoff = 1;
        memset(y, 0, sizeof y);
        rt_copy_any(y, x, es, &c);
        assert_true(elem(y, es, 0) == 0);
        for (int i = 0; i < 6; i++)
            assert_true(elem(y, es, i + 1) == elem(x, es, i));

        /* pad (2,3) by 1 before and after both axes -> (4,5) */
        RtPadParams p;
        memset(&p, 0, sizeof p);
        for (int d = 0; d < RT_MAX_RANK; d++)
            p.xdims[d] = p.ydims[d] = 1;
        p.xdims[6] = 2, p.xdims[7] = 3;
        p.ydims[6] = 4, p.ydims[7] = 5;
        p.begin[6] = 1, p.begin[7] = 1;
        memset(v, 0x5a, sizeof v);
        const int modes[4] = {RT_PAD_CONSTANT, RT_PAD_REFLECT, RT_PAD_EDGE, RT_PAD_WRAP};
        for (int m = 0; m < 4; m++) {
            p.mode = modes[m];
            rt_pad_any(y, x, es, &p, v);
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 5; j++) {
                    int si = i - 1, sj = j - 1;   /* naive source index per mode */
                    int inside = si >= 0 && si < 2 && sj >= 0 && sj < 3;
                    if (!inside && p.mode == RT_PAD_REFLECT) {
                        si = si < 0 ? -si : si > 1 ? 2 - si : si;
                        sj = sj < 0 ? -sj : sj > 2 ? 4 - sj : sj;
                    } else if (!inside && p.mode == RT_PAD_EDGE) {
                        si = si < 0 ? 0 : si > 1 ? 1 : si;
                        sj = sj < 0 ? 0 : sj > 2 ? 2 : sj;
                    } else if (!inside && p.mode == RT_PAD_WRAP) {
                        si = (si + 2) % 2;
                        sj = (sj + 3) % 3;
                    }
                    const uint64_t want = inside || p.mode != RT_PAD_CONSTANT
                                              ? elem(x, es, si * 3 + sj)
                                              : elem(v, es, 0);
                    if (elem(y, es, i * 5 + j) != want)
                        fail_msg("esize %d mode %d at (%d,%d)", es, p.mode, i, j);
                }
        }
        p.mode = RT_PAD_CONSTANT;   /* NULL value: zero bytes */
        rt_pad_any(y, x, es, &p, NULL);
        assert_true(elem(y, es, 0) == 0 && elem(y, es, 6) == elem(x, es, 0));

        rt_fill_any(y, es, 7, v);
        for (int i = 0; i < 7; i++)
            assert_true(elem(y, es, i) == elem(v, es, 0));
    }
}

/* --------------------------------------------------------------- reduce */

/* x (rows, cols) reduced over axis 1 (keepdims) or axis 0. */
static RtReduceParams reduce_params(int op, long long rows, long long cols, int axis)
{
    RtReduceParams p;
    memset(&p, 0, sizeof p);
    for (int d = 0; d < RT_MAX_RANK; d++)
        p.dims[d] = 1;
    p.dims[6] = rows, p.dims[7] = cols;
    p.op = op;
    if (axis == 1) {
        p.ys[6] = 1;
        p.ny = rows, p.count = cols;
    } else {
        p.ys[7] = 1;
        p.ny = cols, p.count = rows;
    }
    return p;
}

static void test_reduce(void **state)
{
    (void)state;
    /* ONNX test_reduce_max_bool_inputs: max of bool is logical or */
    const uint8_t b[8] = {1, 1, 1, 0, 0, 1, 0, 0};
    uint8_t by[4];
    RtReduceParams p = reduce_params(RT_RED_MAX, 4, 2, 1);
    rt_reduce_any(by, b, RT_DT_BOOL, &p);
    const uint8_t want_b[4] = {1, 1, 1, 0};
    assert_memory_equal(by, want_b, 4);

    const int32_t x[6] = {-7, 0, 0, 5, 100, -2000};   /* (3,2) */
    int32_t y[3];
    p = reduce_params(RT_RED_SUM, 3, 2, 1);
    rt_reduce_any(y, x, RT_DT_I32, &p);
    assert_true(y[0] == -7 && y[1] == 5 && y[2] == -1900);
    p.op = RT_RED_MEAN;   /* truncating toward zero */
    rt_reduce_any(y, x, RT_DT_I32, &p);
    assert_true(y[0] == -3 && y[1] == 2 && y[2] == -950);
    p = reduce_params(RT_RED_MAX, 3, 2, 0);
    rt_reduce_any(y, x, RT_DT_I32, &p);
    assert_true(y[0] == 100 && y[1] == 5);
    const uint8_t u[4] = {200, 100, 255, 255};
    uint8_t uy[2];
    p = reduce_params(RT_RED_SUM, 2, 2, 1);
    rt_reduce_any(uy, u, RT_DT_U8, &p);
    assert_true(uy[0] == 44 && uy[1] == 254);   /* wraps */
    p.op = RT_RED_MEAN;
    const uint64_t big[2] = {UINT64_MAX, UINT64_MAX - 2};
    uint64_t bigy;
    p = reduce_params(RT_RED_MAX, 1, 2, 1);
    rt_reduce_any(&bigy, big, RT_DT_U64, &p);
    assert_true(bigy == UINT64_MAX);

    /* f16 sums in double and rounds once: 2048 + 1 + 1 = 2050 exactly, which
     * an f16 accumulator (2048 + 1 = 2048) would miss */
    const uint16_t h[3] = {0x6800, 0x3c00, 0x3c00};
    uint16_t hy;
    p = reduce_params(RT_RED_SUM, 1, 3, 1);
    rt_reduce_any(&hy, h, RT_DT_F16, &p);
    assert_int_equal(hy, 0x6801);
    const float f[3] = {1.0f, NAN, 2.0f};
    float fy;
    p.op = RT_RED_MAX;
    rt_reduce_any(&fy, f, RT_DT_F32, &p);
    assert_true(isnan(fy));
    const double d[3] = {1.0, 2.0, 4.0};
    double dy;
    p.op = RT_RED_MEAN;
    rt_reduce_any(&dy, d, RT_DT_F64, &p);
    assert_true(dy == 7.0 / 3.0);

    /* reducing an empty axis: sum 0, max the type's lowest */
    int8_t e8 = 5;
    p = reduce_params(RT_RED_MAX, 1, 0, 1);
    rt_reduce_any(&e8, x, RT_DT_I8, &p);
    assert_int_equal(e8, -128);
    p.op = RT_RED_SUM;
    rt_reduce_any(&e8, x, RT_DT_I8, &p);
    assert_int_equal(e8, 0);
}

/* -------------------------------------------------------------- maxpool */

/* ONNX test_maxpool_with_argmax_2d_precomputed_pads / _strides on x = 1..25
 * (1,1,5,5), run as int32, f16 and uint8. */
static void test_maxpool_indices(void **state)
{
    (void)state;
    int32_t xi[25];
    uint16_t xh[25];
    uint8_t xu[25];
    for (int i = 0; i < 25; i++)
        xi[i] = i + 1;
    rt_cast_any(xh, RT_DT_F16, xi, RT_DT_I32, 25, 1, 0);
    rt_cast_any(xu, RT_DT_U8, xi, RT_DT_I32, 25, 1, 0);

    /* kernel 5x5, pads 2 */
    RtConvParams p;
    memset(&p, 0, sizeof p);
    p.n = 1, p.c = 1, p.m = 1, p.h = 5, p.w = 5, p.oh = 5, p.ow = 5;
    p.kh = 5, p.kw = 5, p.sh = 1, p.sw = 1, p.dh = 1, p.dw = 1, p.pt = 2, p.pl = 2, p.group = 1;
    const int32_t want_y[25] = {13, 14, 15, 15, 15, 18, 19, 20, 20, 20, 23, 24, 25, 25, 25,
                                23, 24, 25, 25, 25, 23, 24, 25, 25, 25};
    const long long want_i[25] = {12, 13, 14, 14, 14, 17, 18, 19, 19, 19, 22, 23, 24, 24, 24,
                                  22, 23, 24, 24, 24, 22, 23, 24, 24, 24};
    int32_t yi[25], back[25];
    uint16_t yh[25];
    uint8_t yu[25];
    long long idx[25];
    rt_maxpool2d_any(yi, idx, xi, RT_DT_I32, &p, 0);
    assert_memory_equal(yi, want_y, sizeof want_y);
    assert_memory_equal(idx, want_i, sizeof want_i);
    memset(idx, 0, sizeof idx);
    rt_maxpool2d_any(yh, idx, xh, RT_DT_F16, &p, 0);
    rt_cast_any(back, RT_DT_I32, yh, RT_DT_F16, 25, 1, 0);
    assert_memory_equal(back, want_y, sizeof want_y);
    assert_memory_equal(idx, want_i, sizeof want_i);
    rt_maxpool2d_any(yu, NULL, xu, RT_DT_U8, &p, 0);
    rt_cast_any(back, RT_DT_I32, yu, RT_DT_U8, 25, 1, 0);
    assert_memory_equal(back, want_y, sizeof want_y);

    /* kernel 2x2, strides 2, storage_order 1: index = w * H + h */
    p.oh = 2, p.ow = 2, p.kh = 2, p.kw = 2, p.sh = 2, p.sw = 2, p.pt = 0, p.pl = 0;
    const int32_t want_y2[4] = {7, 9, 17, 19};
    const long long want_i2[4] = {6, 16, 8, 18};
    rt_maxpool2d_any(yi, idx, xi, RT_DT_I32, &p, 1);
    assert_memory_equal(yi, want_y2, sizeof want_y2);
    assert_memory_equal(idx, want_i2, sizeof want_i2);

    /* negative int8 values: the max is the least negative, not a byte compare;
     * ties keep the first; NaN never wins in f64 */
    const int8_t xn[4] = {-5, -1, -1, -128};
    int8_t yn;
    RtConvParams q;
    memset(&q, 0, sizeof q);
    q.n = 1, q.c = 1, q.m = 1, q.h = 2, q.w = 2, q.oh = 1, q.ow = 1;
    q.kh = 2, q.kw = 2, q.sh = 1, q.sw = 1, q.dh = 1, q.dw = 1, q.group = 1;
    long long one;
    rt_maxpool2d_any(&yn, &one, xn, RT_DT_I8, &q, 0);
    assert_int_equal(yn, -1);
    assert_int_equal(one, 1);
    const double xd[4] = {NAN, -3.0, NAN, -2.0};
    double yd;
    rt_maxpool2d_any(&yd, &one, xd, RT_DT_F64, &q, 0);
    assert_true(yd == -2.0);
    assert_int_equal(one, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_half_roundtrip),
        cmocka_unit_test(test_small_float_roundtrip),
        cmocka_unit_test(test_f16_bf16_edges),
        cmocka_unit_test(test_float8_edges),
        cmocka_unit_test(test_float4_e8m0_edges),
        cmocka_unit_test(test_integer_casts),
        cmocka_unit_test(test_binary_integers),
        cmocka_unit_test(test_binary_floats),
        cmocka_unit_test(test_binary_broadcast),
        cmocka_unit_test(test_unary),
        cmocka_unit_test(test_copy_pad_fill),
        cmocka_unit_test(test_reduce),
        cmocka_unit_test(test_maxpool_indices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
