/* SPDX-License-Identifier: MIT */
/*
 * test_conv_fast.c - the fast kernels (conv_fast.c, pool_blocked.c, the
 * blocked resize, rt_vec.h's exp and activations) against the reference
 * kernels, which test_runtime checks against naive loops.
 *
 * tests/CMakeLists.txt builds this file three times, with the fast kernel
 * sources compiled for the portable path (no ISA flags), for AVX2 + FMA and for
 * AVX-512F, so every RtVec implementation is exercised; a build whose ISA the
 * CPU lacks exits 77 (skipped). Shapes are odd (widths 1..30, channels 16..64,
 * strides, dilation, uneven pads) so tile remainders and padding are covered;
 * here the shapes are run-time values, while emitted code passes constants.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt.h"
#include "rt_vec.h"

static void fill_random(float *v, size_t n, uint32_t seed, float scale)
{
    uint32_t s = seed * 2654435761u + 12345u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        v[i] = ((float)((s >> 8) & 0xffff) / 32768.0f - 1.0f) * scale;
    }
}

static float *new_floats(size_t n)
{
    float *p = calloc(n ? n : 1, sizeof(float));
    assert_non_null(p);
    return p;
}

/* NCHW (n,c,h,w) -> blocked (n,c/16,h,w,16), and back. */
static void to_blocked(float *dst, const float *src, int n, int c, int h, int w)
{
    for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < h * w; p++)
                dst[(((size_t)i * (c / 16) + ch / 16) * h * w + p) * 16 + ch % 16] =
                    src[((size_t)i * c + ch) * h * w + p];
}
static void from_blocked(float *dst, const float *src, int n, int c, int h, int w)
{
    for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < h * w; p++)
                dst[((size_t)i * c + ch) * h * w + p] =
                    src[(((size_t)i * (c / 16) + ch / 16) * h * w + p) * 16 + ch % 16];
}

static void assert_close(const float *got, const float *want, size_t n, float atol, float rtol)
{
    for (size_t i = 0; i < n; i++) {
        float err = fabsf(got[i] - want[i]);
        if (!(err <= atol + rtol * fabsf(want[i])))
            fail_msg("element %zu: got %.9g, want %.9g", i, (double)got[i], (double)want[i]);
    }
}

typedef struct ConvCase {
    int n, c, h, w, m, kh, kw, s, d, pt, pl, pb, pr, act;
} ConvCase;

static RtConvParams conv_params(const ConvCase *k)
{
    RtConvParams p = {.n = k->n, .c = k->c, .h = k->h, .w = k->w, .m = k->m, .kh = k->kh,
                      .kw = k->kw, .sh = k->s, .sw = k->s, .dh = k->d, .dw = k->d,
                      .pt = k->pt, .pl = k->pl, .group = 1, .act = k->act};
    p.oh = (k->h + k->pt + k->pb - k->d * (k->kh - 1) - 1) / k->s + 1;
    p.ow = (k->w + k->pl + k->pr - k->d * (k->kw - 1) - 1) / k->s + 1;
    return p;
}

static const ConvCase conv_cases[] = {
    /* n  c   h   w   m   kh kw s  d  pt pl pb pr act */
    {1, 1, 28, 28, 32, 5, 5, 1, 1, 2, 2, 2, 2, RT_ACT_SILU},     /* BasicUNet's layers */
    {2, 32, 14, 14, 64, 5, 5, 1, 1, 2, 2, 2, 2, RT_ACT_SILU},
    {1, 64, 7, 7, 64, 5, 5, 1, 1, 2, 2, 2, 2, RT_ACT_SILU},
    {1, 64, 14, 14, 32, 5, 5, 1, 1, 2, 2, 2, 2, RT_ACT_NONE},
    {1, 3, 9, 30, 48, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_RELU},     /* odd widths, 3 blocks */
    {1, 16, 5, 1, 16, 3, 1, 1, 1, 1, 0, 1, 0, RT_ACT_SIGMOID},  /* width 1 */
    {1, 16, 11, 13, 32, 3, 3, 2, 1, 1, 0, 0, 1, RT_ACT_NONE},   /* stride 2, uneven pads */
    {1, 17, 10, 12, 16, 3, 3, 1, 2, 2, 2, 2, 2, RT_ACT_NONE},   /* dilation 2, c % 16 != 0 */
    {1, 8, 6, 6, 16, 1, 1, 1, 1, 0, 0, 0, 0, RT_ACT_NONE},      /* 1x1 */
};

/* rt_conv2d_fast_f32 in all four layout combinations where they apply. */
static void test_conv_fast(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof conv_cases / sizeof conv_cases[0]; k++) {
        const ConvCase *cc = &conv_cases[k];
        RtConvParams p = conv_params(cc);
        size_t nx = (size_t)p.n * p.c * p.h * p.w, ny = (size_t)p.n * p.m * p.oh * p.ow;
        size_t nw = (size_t)p.m * p.c * p.kh * p.kw;
        float *x = new_floats(nx), *xb = new_floats(nx), *w = new_floats(nw);
        float *wp = new_floats(nw), *b = new_floats((size_t)p.m);
        float *want = new_floats(ny), *got = new_floats(ny), *tmp = new_floats(ny);
        fill_random(x, nx, (uint32_t)k + 1, 1.0f);
        fill_random(w, nw, (uint32_t)k + 100, 1.0f / sqrtf((float)(p.c * p.kh * p.kw)));
        fill_random(b, (size_t)p.m, (uint32_t)k + 200, 0.5f);
        /* packed weights: (m/16, c, kh, kw, 16) */
        const int taps = p.kh * p.kw;
        for (int m = 0; m < p.m; m++)
            for (int c = 0; c < p.c; c++)
                for (int t = 0; t < taps; t++)
                    wp[(((size_t)(m / 16) * p.c + c) * taps + t) * 16 + m % 16] =
                        w[((size_t)m * p.c + c) * taps + t];
        rt_conv2d_f32(want, x, w, b, &p);
        for (int xbl = 0; xbl < 2; xbl++) {
            if (xbl && p.c % 16 != 0)
                continue;
            if (xbl)
                to_blocked(xb, x, p.n, p.c, p.h, p.w);
            for (int ybl = 0; ybl < 2; ybl++) {
                memset(got, 0xff, ny * sizeof *got);
                rt_conv2d_fast_f32(ybl ? tmp : got, xbl ? xb : x, wp, b, &p, xbl, ybl);
                if (ybl)
                    from_blocked(got, tmp, p.n, p.m, p.oh, p.ow);
                print_message("conv case %zu x_blocked %d y_blocked %d\n", k, xbl, ybl);
                assert_close(got, want, ny, 2e-6f, 1e-5f);
            }
        }
        /* the channel-reducing kernel: output channels 1 and 3 of the same data */
        if (p.c % 16 == 0 && p.m >= 3) {
            float *wr = new_floats(nw);
            for (int mm = 1; mm <= 3; mm += 2) {
                RtConvParams q = p;
                q.m = mm;
                for (int m = 0; m < mm; m++)
                    for (int c = 0; c < p.c; c++)
                        for (int t = 0; t < taps; t++)
                            wr[(((size_t)m * (p.c / 16) + c / 16) * taps + t) * 16 + c % 16] =
                                w[((size_t)m * p.c + c) * taps + t];
                /* the reference on the first mm output channels (w and b prefixes) */
                size_t nq = (size_t)q.n * mm * q.oh * q.ow;
                rt_conv2d_f32(want, x, w, b, &q);
                to_blocked(xb, x, p.n, p.c, p.h, p.w);
                memset(got, 0xff, nq * sizeof *got);
                rt_conv2d_reduce_f32(got, xb, wr, b, &q);
                print_message("reduce case %zu m %d\n", k, mm);
                assert_close(got, want, nq, 2e-6f, 1e-5f);
            }
            free(wr);
        }
        free(x), free(xb), free(w), free(wp), free(b), free(want), free(got), free(tmp);
    }
}

/* NCHW -> blocked with c padded to C16 * 16 channels (padding lanes 0), and back. */
static void to_blocked_pad(float *dst, const float *src, int n, int c, int h, int w)
{
    const int c16 = (c + 15) / 16;
    memset(dst, 0, (size_t)n * c16 * 16 * h * w * sizeof *dst);
    for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < h * w; p++)
                dst[(((size_t)i * c16 + ch / 16) * h * w + p) * 16 + ch % 16] =
                    src[((size_t)i * c + ch) * h * w + p];
}
static void from_blocked_pad(float *dst, const float *src, int n, int c, int h, int w)
{
    const int c16 = (c + 15) / 16;
    for (int i = 0; i < n; i++) {
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < h * w; p++)
                dst[((size_t)i * c + ch) * h * w + p] =
                    src[(((size_t)i * c16 + ch / 16) * h * w + p) * 16 + ch % 16];
        /* the layout's contract: padding lanes hold +0.0f exactly */
        for (int ch = c; ch < c16 * 16; ch++)
            for (int p = 0; p < h * w; p++) {
                float v = src[(((size_t)i * c16 + ch / 16) * h * w + p) * 16 + ch % 16];
                uint32_t bits;
                memcpy(&bits, &v, sizeof bits);
                if (bits != 0)
                    fail_msg("padding lane of channel %d pixel %d holds %g", ch, p, (double)v);
            }
    }
}

static const ConvCase padded_cases[] = {
    /* n  c   h   w   m   kh kw s  d  pt pl pb pr act */
    {1, 3, 23, 21, 17, 7, 7, 2, 1, 3, 3, 3, 3, RT_ACT_RELU},    /* resnet's first conv */
    {1, 3, 17, 17, 24, 3, 3, 2, 1, 1, 1, 1, 1, RT_ACT_SIGMOID}, /* efficientnet's, padding lanes masked */
    {1, 1, 12, 12, 8, 5, 5, 1, 1, 2, 2, 2, 2, RT_ACT_SILU},     /* ESPCN's, m < 16 */
    {1, 17, 9, 10, 33, 3, 3, 3, 1, 0, 2, 1, 0, RT_ACT_SIGMOID}, /* stride 3, asymmetric pads */
    {1, 24, 11, 9, 1, 3, 3, 1, 2, 2, 1, 2, 3, RT_ACT_NONE},     /* dilation 2, m = 1 */
    {2, 24, 7, 30, 24, 1, 1, 1, 1, 0, 0, 0, 0, RT_ACT_SIGMOID}, /* 1x1: packed GEMM tile */
    {1, 17, 14, 56, 17, 1, 1, 2, 1, 0, 0, 0, 0, RT_ACT_RELU},   /* 1x1 stride 2, wide rows */
    {1, 33, 6, 58, 16, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_NONE},    /* 3 tiles per row */
    {1, 8, 5, 5, 8, 3, 3, 1, 1, 3, 3, 3, 3, RT_ACT_SIGMOID},    /* padding-only taps and pixels */
    {1, 40, 4, 4, 1, 2, 2, 1, 1, 0, 0, 1, 1, RT_ACT_SIGMOID},   /* even kernel, m = 1 */
};

/* Any m and c: weights packed with zero output channels up to M16 * 16,
 * blocked x with zero padding lanes, blocked y's padding lanes stored 0, NCHW
 * y only its m channels; and the reduce kernel on padded input channels. */
static void test_conv_fast_padded(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof padded_cases / sizeof padded_cases[0]; k++) {
        const ConvCase *cc = &padded_cases[k];
        RtConvParams p = conv_params(cc);
        const int c16 = (p.c + 15) / 16, m16 = (p.m + 15) / 16, taps = p.kh * p.kw;
        size_t nx = (size_t)p.n * p.c * p.h * p.w, ny = (size_t)p.n * p.m * p.oh * p.ow;
        size_t nxb = (size_t)p.n * c16 * 16 * p.h * p.w, nyb = (size_t)p.n * m16 * 16 * p.oh * p.ow;
        size_t nw = (size_t)p.m * p.c * taps, nwp = (size_t)m16 * 16 * p.c * taps;
        size_t nwr = (size_t)p.m * c16 * 16 * taps;
        float *x = new_floats(nx), *xb = new_floats(nxb), *w = new_floats(nw);
        float *wp = new_floats(nwp), *wr = new_floats(nwr), *b = new_floats((size_t)p.m);
        float *want = new_floats(ny), *got = new_floats(ny), *tmp = new_floats(nyb);
        fill_random(x, nx, (uint32_t)k + 11, 1.0f);
        fill_random(w, nw, (uint32_t)k + 111, 1.0f / sqrtf((float)(p.c * taps)));
        fill_random(b, (size_t)p.m, (uint32_t)k + 211, 0.5f);
        for (int m = 0; m < p.m; m++)
            for (int c = 0; c < p.c; c++)
                for (int t = 0; t < taps; t++) {
                    float v = w[((size_t)m * p.c + c) * taps + t];
                    wp[(((size_t)(m / 16) * p.c + c) * taps + t) * 16 + m % 16] = v;
                    wr[(((size_t)m * c16 + c / 16) * taps + t) * 16 + c % 16] = v;
                }
        rt_conv2d_f32(want, x, w, b, &p);
        to_blocked_pad(xb, x, p.n, p.c, p.h, p.w);
        for (int xbl = 0; xbl < 2; xbl++)
            for (int ybl = 0; ybl < 2; ybl++) {
                memset(got, 0xff, ny * sizeof *got);
                memset(tmp, 0xff, nyb * sizeof *tmp);
                rt_conv2d_fast_f32(ybl ? tmp : got, xbl ? xb : x, wp, b, &p, xbl, ybl);
                print_message("padded case %zu x_blocked %d y_blocked %d\n", k, xbl, ybl);
                if (ybl)
                    from_blocked_pad(got, tmp, p.n, p.m, p.oh, p.ow);
                assert_close(got, want, ny, 2e-6f, 1e-5f);
            }
        if (p.m < 16 && p.c >= 16) {
            memset(got, 0xff, ny * sizeof *got);
            rt_conv2d_reduce_f32(got, xb, wr, b, &p);
            print_message("padded reduce case %zu\n", k);
            assert_close(got, want, ny, 2e-6f, 1e-5f);
        }
        /* every other epilogue on this shape: the reference conv without one,
         * then the activation as the interpreter applies it */
        static const int acts[] = {RT_ACT_TANH, RT_ACT_HARD_SWISH, RT_ACT_RELU6,
                                   RT_ACT_LEAKY_RELU, RT_ACT_CLIP};
        for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
            RtConvParams q = p, q0 = p;
            q.act = acts[a];
            q.act_alpha = acts[a] == RT_ACT_CLIP ? -0.25f : 0.0625f;
            q.act_beta = 0.5f;
            q0.act = RT_ACT_NONE;
            rt_conv2d_f32(want, x, w, b, &q0);
            for (size_t i = 0; i < ny; i++) {
                float v = want[i];
                want[i] = acts[a] == RT_ACT_LEAKY_RELU ? (v < 0.0f ? q.act_alpha * v : v)
                          : acts[a] == RT_ACT_CLIP
                              ? (v < q.act_alpha ? q.act_alpha : v > q.act_beta ? q.act_beta : v)
                              : rt_act(acts[a], v);
            }
            for (int ybl = 0; ybl < 2; ybl++) {
                memset(got, 0xff, ny * sizeof *got);
                memset(tmp, 0xff, nyb * sizeof *tmp);
                rt_conv2d_fast_f32(ybl ? tmp : got, xb, wp, b, &q, 1, ybl);
                if (ybl)
                    from_blocked_pad(got, tmp, p.n, p.m, p.oh, p.ow);
                print_message("padded case %zu act %d y_blocked %d\n", k, acts[a], ybl);
                assert_close(got, want, ny, 2e-6f, 1e-5f);
            }
            if (p.m < 16 && p.c >= 16) {
                memset(got, 0xff, ny * sizeof *got);
                rt_conv2d_reduce_f32(got, xb, wr, b, &q);
                assert_close(got, want, ny, 2e-6f, 1e-5f);
            }
        }
        free(x), free(xb), free(w), free(wp), free(wr), free(b), free(want), free(got), free(tmp);
    }
}

static void test_pool_resize_blocked(void **state)
{
    (void)state;
    /* max pooling: 2x2 stride 2, and 3x3 stride 2 with pads and dilation */
    const RtConvParams pools[] = {
        {.n = 2, .c = 32, .h = 14, .w = 14, .m = 32, .oh = 7, .ow = 7, .kh = 2, .kw = 2,
         .sh = 2, .sw = 2, .dh = 1, .dw = 1, .group = 1},
        {.n = 1, .c = 16, .h = 9, .w = 11, .m = 16, .oh = 5, .ow = 6, .kh = 3, .kw = 3,
         .sh = 2, .sw = 2, .dh = 1, .dw = 1, .pt = 1, .pl = 1, .group = 1, .act = RT_ACT_RELU},
        {.n = 1, .c = 16, .h = 9, .w = 9, .m = 16, .oh = 5, .ow = 5, .kh = 2, .kw = 2,
         .sh = 2, .sw = 2, .dh = 2, .dw = 2, .pt = 1, .pl = 1, .group = 1},
    };
    for (size_t k = 0; k < sizeof pools / sizeof pools[0]; k++) {
        const RtConvParams *p = &pools[k];
        size_t nx = (size_t)p->n * p->c * p->h * p->w, ny = (size_t)p->n * p->c * p->oh * p->ow;
        float *x = new_floats(nx), *xb = new_floats(nx), *want = new_floats(ny);
        float *got = new_floats(ny), *tmp = new_floats(ny);
        fill_random(x, nx, (uint32_t)k + 7, 1.0f);
        rt_maxpool2d_f32(want, x, p);
        to_blocked(xb, x, p->n, p->c, p->h, p->w);
        rt_maxpool2d_blocked_f32(tmp, xb, p);
        from_blocked(got, tmp, p->n, p->c, p->oh, p->ow);
        assert_memory_equal(got, want, ny * sizeof *got);
        free(x), free(xb), free(want), free(got), free(tmp);
    }
    /* nearest resize: x2 asymmetric/floor (BasicUNet), and 7 -> 100 columns
     * (more than one chunk of source columns) with half_pixel rounding */
    const RtResizeParams resizes[] = {
        {.n = 2, .c = 32, .ih = 7, .iw = 7, .oh = 14, .ow = 14, .scale_h = 2.0f, .scale_w = 2.0f,
         .coord = RT_COORD_ASYMMETRIC, .nearest = RT_NEAREST_FLOOR},
        {.n = 1, .c = 16, .ih = 5, .iw = 7, .oh = 3, .ow = 100, .scale_h = 0.6f,
         .scale_w = 100.0f / 7.0f, .coord = RT_COORD_HALF_PIXEL,
         .nearest = RT_NEAREST_ROUND_PREFER_CEIL},
    };
    for (size_t k = 0; k < sizeof resizes / sizeof resizes[0]; k++) {
        const RtResizeParams *p = &resizes[k];
        size_t nx = (size_t)p->n * p->c * p->ih * p->iw, ny = (size_t)p->n * p->c * p->oh * p->ow;
        float *x = new_floats(nx), *xb = new_floats(nx), *want = new_floats(ny);
        float *got = new_floats(ny), *tmp = new_floats(ny);
        fill_random(x, nx, (uint32_t)k + 9, 1.0f);
        rt_resize_nearest_f32(want, x, p);
        to_blocked(xb, x, p->n, p->c, p->ih, p->iw);
        rt_resize_nearest_blocked_f32(tmp, xb, p);
        from_blocked(got, tmp, p->n, p->c, p->oh, p->ow);
        assert_memory_equal(got, want, ny * sizeof *got);
        free(x), free(xb), free(want), free(got), free(tmp);
    }
}

/* rt_v_exp within 1e-6 relative of exp over [-87, 88], and the activations
 * built on it against rt_act (libm) over a wider range. */
static void test_exp_act(void **state)
{
    (void)state;
    enum { N = 1 << 16 };
    float *x = new_floats(N), *y = new_floats(N), *ref = new_floats(N);
    for (int i = 0; i < N; i++)
        x[i] = -87.0f + 175.0f * (float)i / (float)(N - 1);
    x[0] = 0.0f, x[1] = -0.0f, x[2] = 1e-30f, x[3] = 0.34657359f, x[4] = -0.34657359f;
    rt_exp_fast_f32(y, x, N);
    double worst = 0.0;
    for (int i = 0; i < N; i++) {
        double e = exp((double)x[i]);
        double rel = fabs((double)y[i] - e) / e;
        if (rel > worst)
            worst = rel;
    }
    print_message("fast exp (%s): max rel error %.3g over [-87, 88]\n", RT_VEC_ISA, worst);
    assert_true(worst < 1e-6);

    for (int i = 0; i < N; i++)
        x[i] = -200.0f + 400.0f * (float)i / (float)(N - 1);
    x[5] = 1e4f, x[6] = -1e4f, x[7] = 0.0f, x[8] = 3e38f, x[9] = -3e38f;
    const int acts[] = {RT_ACT_NONE, RT_ACT_RELU, RT_ACT_SIGMOID, RT_ACT_SILU,
                        RT_ACT_TANH, RT_ACT_HARD_SWISH, RT_ACT_RELU6};
    for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
        rt_act_fast_f32(y, x, N, acts[a]);
        for (int i = 0; i < N; i++)
            ref[i] = rt_act(acts[a], x[i]);
        print_message("act %d\n", acts[a]);
        /* tanh through exp: absolute error about 1e-7 near 0 */
        assert_close(y, ref, N, acts[a] == RT_ACT_TANH ? 3e-7f : 1e-30f, 2e-6f);
    }
    /* the ones with parameters */
    rt_act_p_fast_f32(y, x, N, RT_ACT_LEAKY_RELU, 0.125f, 0.0f);
    for (int i = 0; i < N; i++)
        ref[i] = x[i] < 0.0f ? 0.125f * x[i] : x[i];
    assert_close(y, ref, N, 1e-30f, 1e-7f);
    rt_act_p_fast_f32(y, x, N, RT_ACT_CLIP, -0.5f, 0.75f);
    for (int i = 0; i < N; i++)
        ref[i] = x[i] < -0.5f ? -0.5f : x[i] > 0.75f ? 0.75f : x[i];
    assert_memory_equal(y, ref, N * sizeof *y);
    rt_act_p_fast_f32(y, x, N, RT_ACT_SILU, 3.0f, 4.0f);   /* no parameters: as rt_v_act */
    rt_act_fast_f32(ref, x, N, RT_ACT_SILU);
    assert_memory_equal(y, ref, N * sizeof *y);
    free(x), free(y), free(ref);
}

static int cpu_lacks_isa(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#if defined(__AVX512F__)
    return !__builtin_cpu_supports("avx512f");
#elif defined(__AVX2__)
    return !__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma");
#endif
#endif
    return 0;
}

int main(void)
{
    printf("test_conv_fast: RtVec path %s\n", RT_VEC_ISA);
    if (cpu_lacks_isa()) {
        printf("test_conv_fast: this CPU lacks the ISA of this build: skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_fast),
        cmocka_unit_test(test_conv_fast_padded),
        cmocka_unit_test(test_pool_resize_blocked),
        cmocka_unit_test(test_exp_act),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
