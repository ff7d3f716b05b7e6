/* SPDX-License-Identifier: MIT */
/*
 * test_conv_dw.c - the depthwise and grouped blk16 convolutions (conv_dw.c)
 * and the packed Gemm (gemm_fast.c) against the reference kernels
 * rt_conv2d_f32 and rt_matmul_f32, which test_runtime checks against naive
 * loops.
 *
 * tests/conv_dw.cmake builds this file once per RtVec path (portable, AVX2 +
 * FMA, AVX-512F); a build whose ISA the CPU lacks exits 77 (skipped). Shapes
 * are run-time values here (emitted code passes constants): kernel sizes 3, 5
 * and 7, strides 1 and 2, dilation 2, asymmetric pads, padding-only taps
 * (images smaller than the kernel), channel counts that are not multiples of
 * 16, group widths 1 (channel multiplier) to 24, and every output lane is
 * checked, the blk16 pad lanes included (they must be 0.0f after the
 * activation; y starts filled with garbage).
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

static int blocks(int c) { return (c + 15) / 16; }

/* NCHW (n,c,h,w) -> blk16 (n,ceil(c/16),h,w,16) with zero pad lanes. */
static void to_blk16(float *dst, const float *src, int n, int c, int h, int w)
{
    memset(dst, 0, (size_t)n * blocks(c) * 16 * h * w * sizeof(float));
    for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < h * w; p++)
                dst[(((size_t)i * blocks(c) + ch / 16) * h * w + p) * 16 + ch % 16] =
                    src[((size_t)i * c + ch) * h * w + p];
}

/* got (blk16) against want (NCHW): every channel's value, and 0.0f in every pad lane. */
static void assert_blk16_close(const float *got, const float *want, int n, int c, int h, int w)
{
    for (int i = 0; i < n; i++)
        for (int cb = 0; cb < blocks(c); cb++)
            for (int p = 0; p < h * w; p++)
                for (int l = 0; l < 16; l++) {
                    const int ch = cb * 16 + l;
                    const float g = got[(((size_t)i * blocks(c) + cb) * h * w + p) * 16 + l];
                    if (ch >= c) {
                        if (g != 0.0f)
                            fail_msg("pad lane %d of pixel %d: %.9g, want 0", l, p, (double)g);
                        continue;
                    }
                    const float ref = want[((size_t)i * c + ch) * h * w + p];
                    if (!(fabsf(g - ref) <= 1e-5f + 1e-4f * fabsf(ref)))
                        fail_msg("n %d channel %d pixel %d: got %.9g, want %.9g", i, ch, p,
                                 (double)g, (double)ref);
                }
}

typedef struct GroupCase {
    int n, c, h, w, m, group, kh, kw, s, d, pt, pl, pb, pr, act;
} GroupCase;

static RtConvParams group_params(const GroupCase *k)
{
    RtConvParams p = {.n = k->n, .c = k->c, .h = k->h, .w = k->w, .m = k->m, .kh = k->kh,
                      .kw = k->kw, .sh = k->s, .sw = k->s, .dh = k->d, .dw = k->d,
                      .pt = k->pt, .pl = k->pl, .group = k->group, .act = k->act};
    p.oh = (k->h + k->pt + k->pb - k->d * (k->kh - 1) - 1) / k->s + 1;
    p.ow = (k->w + k->pl + k->pr - k->d * (k->kw - 1) - 1) / k->s + 1;
    return p;
}

/* Runs the case on the reference and on the blk16 kernel (depthwise when
 * dw, else grouped; the packing is this test's own, from the layouts that
 * conv_dw.c documents) and compares. */
static void run_group_case(const GroupCase *gc, int seed, int dw, int y_blocked)
{
    RtConvParams p = group_params(gc);
    const int cw = p.c / p.group, taps = p.kh * p.kw;
    const size_t nx = (size_t)p.n * p.c * p.h * p.w, ny = (size_t)p.n * p.m * p.oh * p.ow;
    const size_t nxb = (size_t)p.n * blocks(p.c) * 16 * p.h * p.w;
    const size_t nyb = (size_t)p.n * blocks(p.m) * 16 * p.oh * p.ow;
    const size_t nw = (size_t)p.m * cw * taps;
    const int span = dw ? 1 : rt_conv_grouped_span(&p);
    const size_t nwp = (size_t)blocks(p.m) * span * taps * 16;
    float *x = new_floats(nx), *xb = new_floats(nxb), *w = new_floats(nw), *b = new_floats((size_t)p.m);
    float *wp = new_floats(nwp);
    float *want = new_floats(ny), *got = new_floats(nyb);
    fill_random(x, nx, (uint32_t)seed, 1.0f);
    fill_random(w, nw, (uint32_t)seed + 100, 1.0f / sqrtf((float)(cw * taps)));
    fill_random(b, (size_t)p.m, (uint32_t)seed + 200, 0.5f);
    to_blk16(xb, x, p.n, p.c, p.h, p.w);
    const int mw = p.m / p.group;
    for (int ob = 0; ob < blocks(p.m); ob++) {
        const int lo = dw ? ob * 16 : (ob * 16) / mw * cw;
        for (int ci = 0; ci < span; ci++)
            for (int l = 0; l < 16; l++) {
                const int o = ob * 16 + l, c = dw ? o : lo + ci;
                if (o >= p.m || c >= p.c || c / cw != o / mw)
                    continue;   /* stays 0: not read by this lane */
                for (int t = 0; t < taps; t++)
                    wp[(((size_t)ob * span + ci) * taps + t) * 16 + l] =
                        w[((size_t)o * cw + c % cw) * taps + t];
            }
    }
    for (size_t i = 0; i < nyb; i++)
        got[i] = 7.0f;   /* garbage: the kernel must write every lane */
    rt_conv2d_f32(want, x, w, b, &p);
    if (dw)
        rt_conv2d_dw_blk16_f32(got, xb, wp, b, &p, y_blocked);
    else
        rt_conv2d_grouped_blk16_f32(got, xb, wp, b, &p, span, y_blocked);
    if (y_blocked) {
        assert_blk16_close(got, want, p.n, p.m, p.oh, p.ow);
    } else {   /* NCHW y: every element, and nothing written past it */
        for (size_t i = 0; i < ny; i++)
            if (!(fabsf(got[i] - want[i]) <= 1e-5f + 1e-4f * fabsf(want[i])))
                fail_msg("NCHW element %zu: got %.9g, want %.9g", i, (double)got[i],
                         (double)want[i]);
        for (size_t i = ny; i < nyb; i++)
            assert_true(got[i] == 7.0f);
    }
    free(x), free(xb), free(w), free(b), free(wp), free(want), free(got);
}

/* Depthwise cases (group == c == m); the .m and .group fields follow c. */
static const GroupCase dw_cases[] = {
    /* n  c   h   w   m   g   kh kw s  d  pt pl pb pr act */
    {1, 32, 13, 11, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_RELU6},
    {1, 96, 13, 11, 96, 96, 3, 3, 2, 1, 1, 1, 1, 1, RT_ACT_NONE},
    {1, 24, 7, 7, 24, 24, 5, 5, 1, 1, 2, 2, 2, 2, RT_ACT_SILU},
    {1, 33, 13, 11, 33, 33, 5, 5, 2, 1, 2, 2, 2, 2, RT_ACT_SIGMOID},
    {1, 17, 13, 11, 17, 17, 7, 7, 1, 1, 3, 3, 3, 3, RT_ACT_NONE},
    {2, 16, 7, 7, 16, 16, 3, 3, 1, 2, 2, 2, 2, 2, RT_ACT_RELU},     /* dilation 2, batch 2 */
    {1, 15, 13, 11, 15, 15, 3, 3, 2, 1, 0, 1, 1, 0, RT_ACT_SIGMOID}, /* asymmetric pads */
    {1, 8, 2, 3, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_SIGMOID},    /* tiny, padding taps */
    {1, 1, 1, 1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_NONE},       /* 1x1 image, c = 1 */
    {1, 24, 7, 7, 24, 24, 7, 7, 1, 1, 3, 3, 3, 3, RT_ACT_NONE},    /* kernel = image */
    {1, 16, 2, 3, 16, 16, 5, 5, 2, 1, 2, 2, 2, 2, RT_ACT_RELU},    /* only padding around */
    {1, 40, 9, 30, 40, 40, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_SILU},   /* long rows: strips */
    {1, 16, 8, 29, 16, 16, 3, 5, 2, 2, 3, 0, 0, 4, RT_ACT_NONE},   /* uneven kernel, pads */
    {1, 16, 6, 9, 16, 16, 3, 3, 1, 1, 0, 0, 0, 0, RT_ACT_TANH},    /* valid */
    {1, 20, 9, 10, 20, 20, 3, 3, 2, 1, 1, 1, 1, 1, RT_ACT_HARD_SWISH},
};

static void test_conv_dw(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof dw_cases / sizeof dw_cases[0]; k++) {
        run_group_case(&dw_cases[k], (int)k + 1, 1, 1);
        run_group_case(&dw_cases[k], (int)k + 1, 1, 0);   /* NCHW output */
        run_group_case(&dw_cases[k], (int)k + 1, 0, 1);   /* the grouped kernel covers it too */
    }
}

/* Grouped cases: group widths cw = c/group and mw = m/group. */
static const GroupCase grouped_cases[] = {
    /* n  c   h   w   m   g   kh kw s  d  pt pl pb pr act */
    {1, 16, 9, 11, 16, 8, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_HARD_SWISH}, /* cw 2, mw 2 */
    {1, 32, 9, 11, 64, 8, 3, 3, 2, 1, 1, 1, 1, 1, RT_ACT_NONE},     /* cw 4, mw 8 */
    {1, 48, 13, 11, 48, 6, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_SIGMOID}, /* cw 8, mw 8 (regnet) */
    {1, 24, 7, 7, 24, 3, 3, 3, 2, 1, 1, 1, 1, 1, RT_ACT_SILU},      /* cw 8, odd blocks */
    {1, 64, 7, 9, 32, 4, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_NONE},      /* cw 16, mw 8 */
    {1, 32, 7, 9, 64, 2, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_RELU},      /* cw 16, mw 32 */
    {1, 72, 7, 5, 48, 3, 3, 3, 1, 2, 2, 2, 2, 2, RT_ACT_NONE},      /* cw 24, mw 16, dil 2 */
    {1, 48, 6, 6, 72, 2, 1, 1, 1, 1, 0, 0, 0, 0, RT_ACT_NONE},      /* cw 24, mw 36, 1x1 */
    {1, 40, 8, 8, 120, 4, 1, 1, 1, 1, 0, 0, 0, 0, RT_ACT_RELU},     /* cw 10, mw 30 */
    {1, 8, 7, 7, 16, 8, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_NONE},       /* multiplier 2 */
    {1, 17, 13, 11, 34, 17, 5, 5, 2, 1, 2, 2, 2, 2, RT_ACT_SIGMOID}, /* multiplier 2 */
    {1, 5, 6, 7, 15, 5, 3, 3, 1, 1, 0, 1, 2, 1, RT_ACT_NONE},       /* multiplier 3 */
    {2, 12, 2, 3, 12, 4, 3, 3, 1, 1, 1, 1, 1, 1, RT_ACT_SILU},      /* tiny, cw 3 */
};

static void test_conv_grouped(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof grouped_cases / sizeof grouped_cases[0]; k++)
        for (int yb = 0; yb < 2; yb++)
            run_group_case(&grouped_cases[k], (int)k + 50, 0, yb);
}

/* rt_gemm_packed_f32 against rt_matmul_f32 over M x N x K, A with a row
 * stride larger than K, every activation kind, bias present or not. */
static void test_gemm_packed(void **state)
{
    (void)state;
    static const int Ms[] = {1, 3, 8, 9}, Ns[] = {1, 10, 16, 17, 1000}, Ks[] = {1, 7, 64, 1280};
    static const int acts[] = {RT_ACT_NONE, RT_ACT_RELU, RT_ACT_SIGMOID, RT_ACT_SILU};
    int seed = 0;
    for (size_t mi = 0; mi < 4; mi++)
        for (size_t ni = 0; ni < 5; ni++)
            for (size_t ki = 0; ki < 4; ki++) {
                const int M = Ms[mi], N = Ns[ni], K = Ks[ki], lda = K + 3, n16 = blocks(N);
                const int act = acts[seed % 4], with_bias = seed % 3 != 0;
                seed++;
                float *a = new_floats((size_t)M * lda), *b = new_floats((size_t)K * N);
                float *bias = new_floats((size_t)N), *bp = new_floats((size_t)n16 * K * 16);
                float *want = new_floats((size_t)M * N), *got = new_floats((size_t)M * N + 1);
                fill_random(a, (size_t)M * lda, (uint32_t)seed, 1.0f);
                fill_random(b, (size_t)K * N, (uint32_t)seed + 7, 1.0f / sqrtf((float)K));
                fill_random(bias, (size_t)N, (uint32_t)seed + 9, 0.5f);
                for (int k = 0; k < K; k++)
                    for (int j = 0; j < N; j++)
                        bp[((size_t)(j / 16) * K + k) * 16 + j % 16] = b[(size_t)k * N + j];
                got[(size_t)M * N] = 42.0f;   /* one past the end: must stay */
                RtMatmulParams p = {.m = M, .n = N, .k = K, .a_sm = lda, .a_sk = 1, .b_sk = N,
                                    .b_sn = 1, .c_sm = 0, .c_sn = 1, .alpha = 1.0f,
                                    .beta = 1.0f, .act = act};
                for (int d = 0; d < RT_MAX_BATCH; d++)
                    p.bdims[d] = 1;
                rt_matmul_f32(want, a, b, with_bias ? bias : NULL, &p);
                rt_gemm_packed_f32(got, a, bp, with_bias ? bias : NULL, M, N, K, lda, act);
                for (size_t i = 0; i < (size_t)M * N; i++)
                    if (!(fabsf(got[i] - want[i]) <= 1e-5f + 1e-4f * fabsf(want[i])))
                        fail_msg("M %d N %d K %d element %zu: got %.9g, want %.9g", M, N, K, i,
                                 (double)got[i], (double)want[i]);
                assert_true(got[(size_t)M * N] == 42.0f);
                free(a), free(b), free(bias), free(bp), free(want), free(got);
            }
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
    printf("test_conv_dw: RtVec path %s\n", RT_VEC_ISA);
    if (cpu_lacks_isa()) {
        printf("test_conv_dw: this CPU lacks the ISA of this build: skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_dw),
        cmocka_unit_test(test_conv_grouped),
        cmocka_unit_test(test_gemm_packed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
