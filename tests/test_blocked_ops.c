/* SPDX-License-Identifier: MIT */
/*
 * test_blocked_ops.c - the blk16 kernels around the convs (blocked_ops.c,
 * pool_blocked.c, the blocked resizes of resize.c) against the reference
 * NCHW kernels, which test_runtime checks against naive loops.
 *
 * blocked_ops.cmake builds this file once per RtVec path (portable, AVX2 +
 * FMA, AVX-512F); a build whose ISA the CPU lacks exits 77 (skipped). Every
 * case runs over the channel counts 1, 3, 8, 15, 16, 17, 24, 33 (partial
 * last blocks), odd spatial sizes, and checks the pad-lane rule: the outputs
 * start filled with NaN, every real lane must match the reference, every pad
 * lane must be exactly 0.0f.
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

static const int channel_counts[] = {1, 3, 8, 15, 16, 17, 24, 33};
enum { N_CHANNEL_COUNTS = sizeof channel_counts / sizeof channel_counts[0] };

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

/* n floats of NaN: outputs start so, to catch lanes a kernel never writes. */
static float *new_nans(size_t n)
{
    float *p = new_floats(n);
    for (size_t i = 0; i < n; i++)
        p[i] = NAN;
    return p;
}

static size_t blk_size(int n, int c, long long hw) { return (size_t)n * ((c + 15) / 16) * 16 * hw; }

/* NCHW (n,c,hw) -> blk16 with zero pad lanes (the test's own loop, not the kernel). */
static float *to_blk(const float *x, int n, int c, long long hw)
{
    float *y = new_floats(blk_size(n, c, hw));
    const int c16 = (c + 15) / 16;
    for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++)
            for (long long i = 0; i < hw; i++)
                y[(((size_t)b * c16 + ch / 16) * hw + i) * 16 + ch % 16] =
                    x[((size_t)b * c + ch) * hw + i];
    return y;
}

/* Compares blk16 got with NCHW want within atol + rtol |want|; pad lanes must be 0. */
static void check_blk(const float *got, const float *want, int n, int c, long long hw, float atol,
                      float rtol, const char *what)
{
    const int c16 = (c + 15) / 16;
    for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c16 * 16; ch++)
            for (long long i = 0; i < hw; i++) {
                const float g = got[(((size_t)b * c16 + ch / 16) * hw + i) * 16 + ch % 16];
                if (ch >= c) {
                    if (g != 0.0f || signbit(g))
                        fail_msg("%s c=%d: pad lane %d of pixel %lld holds %g", what, c, ch, i,
                                 (double)g);
                    continue;
                }
                const float w = want[((size_t)b * c + ch) * hw + i];
                const float err = fabsf(g - w);
                if (!(err <= atol + rtol * fabsf(w)) && !(isnan(g) && isnan(w)))
                    fail_msg("%s c=%d: image %d channel %d pixel %lld: got %.9g, want %.9g", what,
                             c, b, ch, i, (double)g, (double)w);
            }
}

static void check_close(const float *got, const float *want, size_t n, float atol, float rtol,
                        const char *what)
{
    for (size_t i = 0; i < n; i++) {
        const float err = fabsf(got[i] - want[i]);
        if (!(err <= atol + rtol * fabsf(want[i])))
            fail_msg("%s: element %zu: got %.9g, want %.9g", what, i, (double)got[i],
                     (double)want[i]);
    }
}

/* ------------------------------------------------------------ conversions */

static void test_convert(void **state)
{
    (void)state;
    for (int k = 0; k < N_CHANNEL_COUNTS; k++) {
        const int n = 2, c = channel_counts[k];
        const long long hw = 5 * 7;
        const size_t ne = (size_t)n * c * hw;
        float *x = new_floats(ne), *back = new_nans(ne), *yb = new_nans(blk_size(n, c, hw));
        fill_random(x, ne, (uint32_t)c, 3.0f);
        rt_nchw_to_blk16_f32(yb, x, n, c, hw);
        check_blk(yb, x, n, c, hw, 0.0f, 0.0f, "nchw_to_blk16");
        rt_blk16_to_nchw_f32(back, yb, n, c, hw);
        assert_memory_equal(back, x, ne * sizeof *x);
        free(x), free(back), free(yb);
    }
}

/* ------------------------------------------------------------ concat */

static void test_concat(void **state)
{
    (void)state;
    /* block copies (multiples of 16), densenet's growth of 32 onto odd
     * counts, googlenet-like branches, and lane shifts of every kind */
    static const int lists[][5] = {
        {16, 16, 0}, {32, 32, 16, 0}, {3, 17, 8, 0}, {15, 1, 16, 0}, {24, 33, 0},
        {64, 128, 32, 32, 0}, {1, 1, 1, 0}, {33, 32, 0}, {8, 8, 8, 8, 0},
    };
    const int n = 2;
    const long long hw = 3 * 5;
    for (size_t li = 0; li < sizeof lists / sizeof lists[0]; li++) {
        int k = 0, c_out = 0;
        while (k < 5 && lists[li][k])
            c_out += lists[li][k++];
        float *want = new_floats((size_t)n * c_out * hw);
        float *xs[5], *xbs[5];
        int off = 0;
        for (int j = 0; j < k; j++) {
            const int c = lists[li][j];
            xs[j] = new_floats((size_t)n * c * hw);
            fill_random(xs[j], (size_t)n * c * hw, (uint32_t)(li * 7 + j), 1.0f);
            xbs[j] = to_blk(xs[j], n, c, hw);
            for (int b = 0; b < n; b++)
                memcpy(want + ((size_t)b * c_out + off) * hw, xs[j] + (size_t)b * c * hw,
                       (size_t)c * hw * sizeof(float));
            off += c;
        }
        /* in order, then in reverse order: each call writes only its channels */
        for (int order = 0; order < 2; order++) {
            float *yb = new_nans(blk_size(n, c_out, hw));
            for (int jj = 0; jj < k; jj++) {
                const int j = order ? k - 1 - jj : jj;
                int c_off = 0;
                for (int t = 0; t < j; t++)
                    c_off += lists[li][t];
                rt_concat_blk16_f32(yb, xbs[j], n, lists[li][j], c_out, c_off, hw);
            }
            check_blk(yb, want, n, c_out, hw, 0.0f, 0.0f, "concat");
            free(yb);
        }
        for (int j = 0; j < k; j++)
            free(xs[j]), free(xbs[j]);
        free(want);
    }
}

/* ------------------------------------------------------------ channel shuffle */

static void test_channel_shuffle(void **state)
{
    (void)state;
    static const int cases[][2] = {{16, 2}, {24, 2}, {48, 3}, {58, 2}, {116, 2}, {15, 3},
                                   {32, 4}, {33, 11}, {8, 8}};
    const int n = 2;
    const long long hw = 7;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const int c = cases[k][0], g = cases[k][1], per = c / g;
        const size_t ne = (size_t)n * c * hw;
        float *x = new_floats(ne), *want = new_floats(ne);
        fill_random(x, ne, (uint32_t)k, 1.0f);
        /* the reference: Reshape (n,g,c/g,hw) -> Transpose -> (n,c/g,g,hw) */
        for (int b = 0; b < n; b++)
            for (int j = 0; j < g; j++)
                for (int i = 0; i < per; i++)
                    memcpy(want + ((size_t)b * c + i * g + j) * hw,
                           x + ((size_t)b * c + j * per + i) * hw, (size_t)hw * sizeof(float));
        float *xb = to_blk(x, n, c, hw), *yb = new_nans(blk_size(n, c, hw));
        rt_channel_shuffle_blk16_f32(yb, xb, n, c, g, hw);
        check_blk(yb, want, n, c, hw, 0.0f, 0.0f, "channel_shuffle");
        free(x), free(want), free(xb), free(yb);
    }
}

/* ------------------------------------------------------------ binary */

static const int bin_ops[] = {RT_BIN_ADD, RT_BIN_SUB, RT_BIN_MUL, RT_BIN_DIV, RT_BIN_MAX,
                              RT_BIN_MIN};
enum { N_BIN_OPS = sizeof bin_ops / sizeof bin_ops[0] };

/* The reference's params for (n,c,hw) OP (vn,vc,1): strides 0 where broadcast. */
static RtBinaryParams bin_params(int op, int act, int n, int c, long long hw, int vn, int vc,
                                 int v_first)
{
    RtBinaryParams p = {.op = op, .act = act};
    for (int i = 0; i < RT_MAX_RANK; i++)
        p.dims[i] = 1;
    p.dims[5] = n, p.dims[6] = c, p.dims[7] = hw;
    long long *sx = v_first ? p.sb : p.sa, *sv = v_first ? p.sa : p.sb;
    sx[5] = (long long)c * hw, sx[6] = hw, sx[7] = 1;
    sv[5] = vn > 1 ? vc : 0, sv[6] = vc > 1 ? 1 : 0, sv[7] = 0;
    return p;
}

static void test_binary(void **state)
{
    (void)state;
    const int n = 2;
    const long long hw = 3 * 7;
    const int acts[] = {RT_ACT_NONE, RT_ACT_RELU, RT_ACT_SIGMOID, RT_ACT_SILU};
    for (int k = 0; k < N_CHANNEL_COUNTS; k++) {
        const int c = channel_counts[k];
        const size_t ne = (size_t)n * c * hw;
        float *a = new_floats(ne), *b = new_floats(ne), *want = new_floats(ne);
        fill_random(a, ne, (uint32_t)c, 2.0f);
        fill_random(b, ne, (uint32_t)c + 100, 2.0f);
        float *ab = to_blk(a, n, c, hw), *bb = to_blk(b, n, c, hw);
        for (int o = 0; o < N_BIN_OPS; o++)
            for (size_t t = 0; t < sizeof acts / sizeof acts[0]; t++) {
                RtBinaryParams p = bin_params(bin_ops[o], acts[t], n, c, hw, n, c, 0);
                p.sb[5] = (long long)c * hw, p.sb[6] = hw, p.sb[7] = 1;   /* same shape */
                rt_binary_f32(want, a, b, &p);
                float *yb = new_nans(blk_size(n, c, hw));
                rt_binary_blk16_f32(yb, ab, bb, n, c, hw, bin_ops[o], acts[t]);
                check_blk(yb, want, n, c, hw, 1e-6f, 2e-6f, "binary same shape");
                /* in place, as the planner may arrange */
                memcpy(yb, ab, blk_size(n, c, hw) * sizeof(float));
                rt_binary_blk16_f32(yb, yb, bb, n, c, hw, bin_ops[o], acts[t]);
                check_blk(yb, want, n, c, hw, 1e-6f, 2e-6f, "binary in place");
                free(yb);
            }
        free(a), free(b), free(want), free(ab), free(bb);
    }
}

/* x (n,c,hw) OP v with v a scalar, c floats (one per image or shared), or
 * a blocked vector; both operand orders. */
static void test_binary_chan(void **state)
{
    (void)state;
    const int n = 2;
    const long long hw = 5 * 3;
    for (int k = 0; k < N_CHANNEL_COUNTS; k++) {
        const int c = channel_counts[k], c16 = (c + 15) / 16;
        const size_t ne = (size_t)n * c * hw;
        float *x = new_floats(ne), *want = new_floats(ne), *v = new_floats((size_t)n * c);
        fill_random(x, ne, (uint32_t)c, 2.0f);
        fill_random(v, (size_t)n * c, (uint32_t)c + 7, 2.0f);
        float *xb = to_blk(x, n, c, hw), *vblk = to_blk(v, n, c, 1);
        for (int o = 0; o < N_BIN_OPS; o++)
            for (int v_first = 0; v_first < 2; v_first++)
                for (int mode = 0; mode < 5; mode++) {
                    /* 0 scalar, 1 chan per image, 2 chan shared, 3 blk per image, 4 blk shared */
                    const int vmode = mode == 0 ? RT_BV_SCALAR
                                      : mode <= 2 ? RT_BV_CHAN : RT_BV_CHAN_BLK;
                    const int per_image = mode == 1 || mode == 3;
                    const long long vbs = !per_image ? 0 : vmode == RT_BV_CHAN ? c : c16 * 16;
                    const int act = o == 2 ? RT_ACT_SIGMOID : RT_ACT_NONE;
                    RtBinaryParams p = bin_params(bin_ops[o], act, n, c, hw, per_image ? n : 1,
                                                  mode == 0 ? 1 : c, v_first);
                    rt_binary_f32(want, v_first ? v : x, v_first ? x : v, &p);
                    float *yb = new_nans(blk_size(n, c, hw));
                    rt_binary_chan_blk16_f32(yb, xb, vmode == RT_BV_CHAN_BLK ? vblk : v, n, c,
                                             hw, vmode, vbs, bin_ops[o], v_first, act);
                    check_blk(yb, want, n, c, hw, 1e-6f, 2e-6f, "binary per channel");
                    free(yb);
                }
        free(x), free(want), free(v), free(xb), free(vblk);
    }
}

/* ------------------------------------------------------------ unary */

static void test_unary(void **state)
{
    (void)state;
    static const struct { int op; float a, b; } ops[] = {
        {RT_UN_RELU, 0, 0}, {RT_UN_SIGMOID, 0, 0}, {RT_UN_TANH, 0, 0},
        {RT_UN_LEAKY_RELU, 0.01f, 0}, {RT_UN_LEAKY_RELU, 0.2f, 0}, {RT_UN_CLIP, 0.0f, 6.0f},
        {RT_UN_CLIP, 0.5f, 2.0f}, {RT_UN_HARD_SIGMOID, 0.2f, 0.5f},
        {RT_UN_HARD_SIGMOID, 1.0f / 6.0f, 0.5f}, {RT_UN_HARD_SWISH, 0, 0},
        {RT_UN_IDENTITY, 0, 0},
    };
    const int n = 2;
    const long long hw = 9 * 11;
    for (int k = 0; k < N_CHANNEL_COUNTS; k++) {
        const int c = channel_counts[k];
        const size_t ne = (size_t)n * c * hw;
        float *x = new_floats(ne), *want = new_floats(ne);
        fill_random(x, ne, (uint32_t)c, 9.0f);
        x[0] = 0.0f, x[1] = -0.0f, x[2] = 1e-7f;
        if (ne > 5)
            x[3] = 100.0f, x[4] = -100.0f, x[5] = -3.0f;
        float *xb = to_blk(x, n, c, hw);
        for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
            rt_unary_op_f32(want, x, (long long)ne, ops[o].op, ops[o].a, ops[o].b);
            float *yb = new_nans(blk_size(n, c, hw));
            rt_unary_blk16_f32(yb, xb, n, c, hw, ops[o].op, ops[o].a, ops[o].b);
            check_blk(yb, want, n, c, hw, 1e-6f, 2e-6f, "unary");
            memcpy(yb, xb, blk_size(n, c, hw) * sizeof(float));
            rt_unary_blk16_f32(yb, yb, n, c, hw, ops[o].op, ops[o].a, ops[o].b);
            check_blk(yb, want, n, c, hw, 1e-6f, 2e-6f, "unary in place");
            free(yb);
        }
        free(x), free(want), free(xb);
    }
}

/* ------------------------------------------------------------ pooling */

typedef struct PoolCase {
    int h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, ceil_mode;
} PoolCase;

/* The geometry of a pooling case; ceil_mode adds the extra border ONNX
 * describes (at most stride - 1 beyond pb, pr, and never a window that
 * starts in the bottom/right padding). */
static RtConvParams pool_params(const PoolCase *k, int n, int c, int act, int *pb, int *pr)
{
    RtConvParams p = {.n = n, .c = c, .h = k->h, .w = k->w, .m = c, .kh = k->kh, .kw = k->kw,
                      .sh = k->sh, .sw = k->sw, .dh = k->dh, .dw = k->dw, .pt = k->pt,
                      .pl = k->pl, .group = 1, .act = act};
    const int eh = k->dh * (k->kh - 1) + 1, ew = k->dw * (k->kw - 1) + 1;
    const int nh = k->h + k->pt + k->pb - eh, nw = k->w + k->pl + k->pr - ew;
    p.oh = (k->ceil_mode ? (nh + k->sh - 1) / k->sh : nh / k->sh) + 1;
    p.ow = (k->ceil_mode ? (nw + k->sw - 1) / k->sw : nw / k->sw) + 1;
    if (k->ceil_mode && (p.oh - 1) * k->sh >= k->h + k->pt)
        p.oh--;
    if (k->ceil_mode && (p.ow - 1) * k->sw >= k->w + k->pl)
        p.ow--;
    *pb = k->pb, *pr = k->pr;
    return p;
}

static const PoolCase pool_cases[] = {
    {7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0},    /* 3x3 s1 p1 (googlenet, inception) */
    {8, 8, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0},    /* 2x2 s2 (densenet transition) */
    {9, 11, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0},   /* odd sizes, s2 p1 */
    {10, 9, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 1},   /* ceil_mode (googlenet's max pools) */
    {6, 5, 3, 2, 3, 2, 1, 1, 1, 0, 2, 1, 1},    /* uneven pads, ceil_mode */
    {7, 7, 7, 7, 1, 1, 1, 1, 0, 0, 0, 0, 0},    /* whole image */
    {5, 6, 2, 3, 1, 2, 2, 1, 1, 1, 0, 1, 0},    /* dilation */
    {1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0},    /* 1x1 image, taps mostly padding */
    {4, 4, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 0},    /* kernel larger than the image */
};

static void test_pool(void **state)
{
    (void)state;
    const int n = 2;
    for (size_t pc = 0; pc < sizeof pool_cases / sizeof pool_cases[0]; pc++)
        for (int k = 0; k < N_CHANNEL_COUNTS; k++) {
            const int c = channel_counts[k];
            const int act = k % 2 ? RT_ACT_SIGMOID : RT_ACT_NONE;
            int pb, pr;
            const RtConvParams p = pool_params(&pool_cases[pc], n, c, act, &pb, &pr);
            const long long ihw = (long long)p.h * p.w, ohw = (long long)p.oh * p.ow;
            const size_t nx = (size_t)n * c * ihw, ny = (size_t)n * c * ohw;
            float *x = new_floats(nx), *want = new_floats(ny);
            fill_random(x, nx, (uint32_t)(pc * 31 + k), 4.0f);
            float *xb = to_blk(x, n, c, ihw);
            for (int cip = 0; cip < 2; cip++) {
                rt_avgpool2d_f32(want, x, &p, pb, pr, cip);
                float *yb = new_nans(blk_size(n, c, ohw));
                rt_avgpool2d_blk16_f32(yb, xb, &p, pb, pr, cip);
                check_blk(yb, want, n, c, ohw, 1e-6f, 1e-5f, "avgpool");
                free(yb);
            }
            rt_maxpool2d_f32(want, x, &p);
            float *ym = new_nans(blk_size(n, c, ohw));
            rt_maxpool2d_blocked_f32(ym, xb, &p);
            check_blk(ym, want, n, c, ohw, 0.0f, 1e-6f, "maxpool");
            free(ym);
            free(x), free(want), free(xb);
        }
}

/* Global average / max pooling (and ReduceMean / ReduceMax over H, W) from
 * both input layouts to both output layouts, against the reference pools with the kernel the whole image;
 * sizes past the 4-way unroll, and 56 x 56 (a long float sum). */
static void test_global_pool(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1, 1}, {1, 3}, {7, 7}, {5, 9}, {56, 56}, {2, 2}};
    const int n = 2;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int k = 0; k < N_CHANNEL_COUNTS; k++)
            for (int op = 0; op < 2; op++) {
                const int c = channel_counts[k], h = sizes[s][0], w = sizes[s][1];
                const int act = k % 2 ? RT_ACT_SIGMOID : RT_ACT_NONE;
                const RtConvParams p = {.n = n, .c = c, .h = h, .w = w, .m = c, .oh = 1, .ow = 1,
                                        .kh = h, .kw = w, .sh = 1, .sw = 1, .dh = 1, .dw = 1,
                                        .group = 1, .act = act};
                const size_t nx = (size_t)n * c * h * w;
                float *x = new_floats(nx), *want = new_floats((size_t)n * c);
                fill_random(x, nx, (uint32_t)(s * 17 + k), 3.0f);
                if (op == RT_POOL_AVG)
                    rt_avgpool2d_f32(want, x, &p, 0, 0, 0);
                else
                    rt_maxpool2d_f32(want, x, &p);
                float *xb = to_blk(x, n, c, (long long)h * w);
                float *yb = new_nans(blk_size(n, c, 1)), *y = new_nans((size_t)n * c);
                for (int xbl = 0; xbl < 2; xbl++) {   /* input blk16 or NCHW */
                    const float *in = xbl ? xb : x;
                    rt_global_pool_blk16_f32(yb, in, n, c, (long long)h * w, op, xbl, 1, act);
                    check_blk(yb, want, n, c, 1, 1e-6f, 1e-5f, "global pool blk16");
                    for (size_t i = 0; i < (size_t)n * c; i++)
                        y[i] = NAN;
                    rt_global_pool_blk16_f32(y, in, n, c, (long long)h * w, op, xbl, 0, act);
                    check_close(y, want, (size_t)n * c, 1e-6f, 1e-5f, "global pool nchw");
                }
                free(x), free(want), free(xb), free(yb), free(y);
            }
}

/* ------------------------------------------------------------ resize */

static void test_resize(void **state)
{
    (void)state;
    static const struct { int ih, iw, oh, ow, coord, mode, excl; } cases[] = {
        {7, 7, 14, 14, RT_COORD_HALF_PIXEL, RT_RESIZE_LINEAR, 0},          /* U-Net 2x */
        {7, 7, 14, 14, RT_COORD_ALIGN_CORNERS, RT_RESIZE_LINEAR, 0},
        {5, 6, 10, 12, RT_COORD_PYTORCH_HALF_PIXEL, RT_RESIZE_LINEAR, 0},
        {5, 6, 10, 12, RT_COORD_ASYMMETRIC, RT_RESIZE_LINEAR, 0},
        {8, 8, 32, 32, RT_COORD_HALF_PIXEL, RT_RESIZE_LINEAR, 0},          /* lraspp head 4x+ */
        {3, 5, 7, 70, RT_COORD_HALF_PIXEL, RT_RESIZE_LINEAR, 0},           /* chunks of columns */
        {9, 9, 4, 5, RT_COORD_HALF_PIXEL, RT_RESIZE_LINEAR, 0},            /* downscale */
        {1, 1, 3, 3, RT_COORD_ALIGN_CORNERS, RT_RESIZE_LINEAR, 0},
        {4, 4, 1, 1, RT_COORD_PYTORCH_HALF_PIXEL, RT_RESIZE_LINEAR, 0},
        {6, 5, 12, 10, RT_COORD_HALF_PIXEL, RT_RESIZE_CUBIC, 0},
        {6, 5, 12, 10, RT_COORD_HALF_PIXEL, RT_RESIZE_CUBIC, 1},
        {6, 5, 9, 13, RT_COORD_ALIGN_CORNERS, RT_RESIZE_CUBIC, 0},
    };
    const int n = 2;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (int ci = 0; ci < N_CHANNEL_COUNTS; ci++) {
            const int c = channel_counts[ci];
            RtResizeParams p = {.n = n, .c = c, .ih = cases[k].ih, .iw = cases[k].iw,
                                .oh = cases[k].oh, .ow = cases[k].ow, .coord = cases[k].coord,
                                .mode = cases[k].mode, .cubic_a = -0.75f,
                                .exclude_outside = cases[k].excl};
            p.scale_h = (float)p.oh / (float)p.ih, p.scale_w = (float)p.ow / (float)p.iw;
            p.roi[1] = p.roi[3] = 1.0f;
            const long long ihw = (long long)p.ih * p.iw, ohw = (long long)p.oh * p.ow;
            const size_t nx = (size_t)n * c * ihw, ny = (size_t)n * c * ohw;
            float *x = new_floats(nx), *want = new_floats(ny);
            fill_random(x, nx, (uint32_t)(k * 13 + ci), 2.0f);
            rt_resize_interp_f32(want, x, &p);
            float *xb = to_blk(x, n, c, ihw), *yb = new_nans(blk_size(n, c, ohw));
            rt_resize_interp_blk16_f32(yb, xb, &p);
            check_blk(yb, want, n, c, ohw, 2e-6f, 1e-5f, "resize interp");
            /* nearest, which now takes any c too */
            p.mode = RT_RESIZE_NEAREST, p.nearest = RT_NEAREST_ROUND_PREFER_FLOOR;
            rt_resize_nearest_f32(want, x, &p);
            float *yn = new_nans(blk_size(n, c, ohw));
            rt_resize_nearest_blocked_f32(yn, xb, &p);
            check_blk(yn, want, n, c, ohw, 0.0f, 0.0f, "resize nearest");
            free(x), free(want), free(xb), free(yb), free(yn);
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
    printf("test_blocked_ops: RtVec path %s\n", RT_VEC_ISA);
    if (cpu_lacks_isa()) {
        printf("test_blocked_ops: this CPU lacks the ISA of this build: skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_convert),        cmocka_unit_test(test_concat),
        cmocka_unit_test(test_channel_shuffle), cmocka_unit_test(test_binary),
        cmocka_unit_test(test_binary_chan),    cmocka_unit_test(test_unary),
        cmocka_unit_test(test_pool),           cmocka_unit_test(test_global_pool),
        cmocka_unit_test(test_resize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
