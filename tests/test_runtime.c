/* SPDX-License-Identifier: MIT */
/*
 * test_runtime.c - the runtime kernels against naive loops written here, and the
 * reference interpreter against the kernels called by hand.
 *
 * The naive versions are deliberately different code from the kernels: conv and
 * maxpool copy the input into an explicitly padded buffer (zeros, resp. -inf) and
 * then slide the window with no bounds checks; broadcasting decodes every output
 * index into coordinates. Resize is checked against index tables worked out from
 * the ONNX formulas (a few of them by hand in the comments). Data is pseudo-random
 * (fixed seed) with odd sizes, so indexing mistakes cannot hide in symmetry.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir.h"
#include "rt.h"

/* ------------------------------------------------------------- helpers */

static void fill_random(float *v, size_t n, uint32_t seed)
{
    uint32_t s = seed * 2654435761u + 12345u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        v[i] = (float)((s >> 8) & 0xffff) / 32768.0f - 1.0f;   /* [-1, 1) */
    }
}

static float *new_floats(size_t n)
{
    float *p = calloc(n ? n : 1, sizeof(float));
    assert_non_null(p);
    return p;
}

static void assert_close(const float *got, const float *want, size_t n, float tol)
{
    for (size_t i = 0; i < n; i++) {
        float err = fabsf(got[i] - want[i]);
        if (!(err <= tol * (1.0f + fabsf(want[i]))))
            fail_msg("element %zu: got %.9g, want %.9g", i, (double)got[i], (double)want[i]);
    }
}

/* The activations written out longhand, independent of rt_act. */
static float naive_act(int act, float v)
{
    switch (act) {
    case RT_ACT_RELU: return v < 0.0f ? 0.0f : v;
    case RT_ACT_SIGMOID: return (float)(1.0 / (1.0 + exp(-(double)v)));
    case RT_ACT_SILU: return (float)((double)v / (1.0 + exp(-(double)v)));
    default: return v;
    }
}

/* --------------------------------------------------------------- conv */

typedef struct ConvCase {
    int n, c, h, w, m, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, group;
    bool bias;
    int act;
} ConvCase;

/* Copies x (n,c,h,w) into a (n,c,h+pt+pb,w+pl+pr) buffer filled with `fill`. */
static float *pad_input(const float *x, int n, int c, int h, int w, int pt, int pl, int pb, int pr,
                        float fill)
{
    int ph = h + pt + pb, pw = w + pl + pr;
    size_t total = (size_t)n * c * ph * pw;
    float *xp = new_floats(total);
    for (size_t i = 0; i < total; i++)
        xp[i] = fill;
    for (int i = 0; i < n * c; i++)
        for (int r = 0; r < h; r++)
            memcpy(&xp[((size_t)i * ph + r + pt) * pw + pl], &x[((size_t)i * h + r) * w],
                   (size_t)w * sizeof(float));
    return xp;
}

static void naive_conv(float *y, const float *x, const float *w, const float *b, const ConvCase *k,
                       int oh, int ow)
{
    int ph = k->h + k->pt + k->pb, pw = k->w + k->pl + k->pr;
    float *xp = pad_input(x, k->n, k->c, k->h, k->w, k->pt, k->pl, k->pb, k->pr, 0.0f);
    int cpg = k->c / k->group, mpg = k->m / k->group;
    for (int n = 0; n < k->n; n++)
        for (int m = 0; m < k->m; m++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double sum = 0.0;
                    for (int ci = 0; ci < cpg; ci++) {
                        int cin = (m / mpg) * cpg + ci;
                        for (int u = 0; u < k->kh; u++)
                            for (int v = 0; v < k->kw; v++) {
                                int r = i * k->sh + u * k->dh, s = j * k->sw + v * k->dw;
                                sum += (double)xp[(((size_t)n * k->c + cin) * ph + r) * pw + s] *
                                       w[(((size_t)m * cpg + ci) * k->kh + u) * k->kw + v];
                            }
                    }
                    if (b)
                        sum += b[m];
                    y[(((size_t)n * k->m + m) * oh + i) * ow + j] = naive_act(k->act, (float)sum);
                }
    free(xp);
}

static void check_conv(const ConvCase *k, uint32_t seed)
{
    int oh = (k->h + k->pt + k->pb - k->dh * (k->kh - 1) - 1) / k->sh + 1;
    int ow = (k->w + k->pl + k->pr - k->dw * (k->kw - 1) - 1) / k->sw + 1;
    size_t nx = (size_t)k->n * k->c * k->h * k->w;
    size_t nw = (size_t)k->m * (k->c / k->group) * k->kh * k->kw;
    size_t ny = (size_t)k->n * k->m * oh * ow;
    float *x = new_floats(nx), *w = new_floats(nw), *b = new_floats((size_t)k->m);
    float *y = new_floats(ny), *want = new_floats(ny);
    fill_random(x, nx, seed);
    fill_random(w, nw, seed + 1);
    fill_random(b, (size_t)k->m, seed + 2);
    RtConvParams p = {.n = k->n, .c = k->c, .h = k->h, .w = k->w, .m = k->m, .oh = oh, .ow = ow,
                      .kh = k->kh, .kw = k->kw, .sh = k->sh, .sw = k->sw, .dh = k->dh,
                      .dw = k->dw, .pt = k->pt, .pl = k->pl, .group = k->group, .act = k->act};
    rt_conv2d_f32(y, x, w, k->bias ? b : NULL, &p);
    naive_conv(want, x, w, k->bias ? b : NULL, k, oh, ow);
    assert_close(y, want, ny, 1e-5f);
    free(x), free(w), free(b), free(y), free(want);
}

static void test_conv(void **state)
{
    (void)state;
    static const ConvCase cases[] = {
        /* n c  h  w  m kh kw sh sw dh dw pt pl pb pr group bias act */
        {1, 3, 7, 9, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, true, RT_ACT_NONE},      /* 1x1 */
        {2, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, RT_ACT_RELU},      /* 3x3 same */
        {1, 2, 11, 13, 3, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, true, RT_ACT_SILU},    /* 5x5 same */
        {1, 3, 9, 11, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, RT_ACT_SIGMOID},  /* stride 2 */
        {1, 2, 9, 10, 3, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1, true, RT_ACT_NONE},     /* dilation 2 */
        {1, 3, 8, 7, 2, 3, 2, 2, 1, 1, 1, 0, 2, 1, 0, 1, true, RT_ACT_RELU},      /* asym pads */
        {1, 3, 6, 5, 2, 5, 3, 1, 2, 1, 2, 3, 0, 0, 4, 1, false, RT_ACT_NONE},     /* wide pads */
        {1, 4, 7, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, true, RT_ACT_SILU},      /* group 2 */
        {2, 5, 7, 9, 5, 3, 3, 2, 1, 1, 2, 1, 2, 1, 2, 5, true, RT_ACT_RELU},      /* depthwise */
        {1, 6, 5, 5, 3, 1, 3, 1, 1, 1, 1, 0, 1, 0, 1, 3, false, RT_ACT_SIGMOID},  /* no bias */
        {1, 1, 28, 28, 4, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, true, RT_ACT_SILU},    /* UNet conv1 */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        check_conv(&cases[i], (uint32_t)i + 1);
}

/* A conv must really use its padding as zeros and its bias: one hand-checked value. */
static void test_conv_by_hand(void **state)
{
    (void)state;
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};   /* 3x3 */
    const float w[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};   /* box filter */
    const float b[1] = {0.5f};
    float y[9];
    RtConvParams p = {.n = 1, .c = 1, .h = 3, .w = 3, .m = 1, .oh = 3, .ow = 3, .kh = 3, .kw = 3,
                      .sh = 1, .sw = 1, .dh = 1, .dw = 1, .pt = 1, .pl = 1, .group = 1};
    rt_conv2d_f32(y, x, w, b, &p);
    assert_true(y[0] == 1 + 2 + 4 + 5 + 0.5f);       /* corner: four taps inside */
    assert_true(y[4] == 45 + 0.5f);                  /* centre: all nine */
    assert_true(y[5] == 2 + 3 + 5 + 6 + 8 + 9 + 0.5f);
}

/* ------------------------------------------------------------ maxpool */

static void check_maxpool(const ConvCase *k, uint32_t seed)
{
    int oh = (k->h + k->pt + k->pb - k->dh * (k->kh - 1) - 1) / k->sh + 1;
    int ow = (k->w + k->pl + k->pr - k->dw * (k->kw - 1) - 1) / k->sw + 1;
    size_t nx = (size_t)k->n * k->c * k->h * k->w, ny = (size_t)k->n * k->c * oh * ow;
    float *x = new_floats(nx), *y = new_floats(ny), *want = new_floats(ny);
    fill_random(x, nx, seed);
    for (size_t i = 0; i < nx; i++)
        x[i] -= 2.0f;   /* all negative: a zero pad would win if it took part */
    int ph = k->h + k->pt + k->pb, pw = k->w + k->pl + k->pr;
    float *xp = pad_input(x, k->n, k->c, k->h, k->w, k->pt, k->pl, k->pb, k->pr, -INFINITY);
    for (int pc = 0; pc < k->n * k->c; pc++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                float best = -INFINITY;
                for (int u = 0; u < k->kh; u++)
                    for (int v = 0; v < k->kw; v++)
                        best = fmaxf(best, xp[((size_t)pc * ph + i * k->sh + u * k->dh) * pw +
                                              j * k->sw + v * k->dw]);
                want[((size_t)pc * oh + i) * ow + j] = naive_act(k->act, best);
            }
    RtConvParams p = {.n = k->n, .c = k->c, .h = k->h, .w = k->w, .m = k->c, .oh = oh, .ow = ow,
                      .kh = k->kh, .kw = k->kw, .sh = k->sh, .sw = k->sw, .dh = k->dh,
                      .dw = k->dw, .pt = k->pt, .pl = k->pl, .group = 1, .act = k->act};
    rt_maxpool2d_f32(y, x, &p);
    assert_close(y, want, ny, 0.0f);
    for (size_t i = 0; i < ny; i++)
        assert_true(y[i] < -0.5f || k->act != RT_ACT_NONE);   /* never a pad's 0 */
    free(x), free(xp), free(y), free(want);
}

static void test_maxpool(void **state)
{
    (void)state;
    static const ConvCase cases[] = {
        /* n c  h  w  m kh kw sh sw dh dw pt pl pb pr group bias act */
        {1, 3, 28, 28, 3, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 1, false, RT_ACT_NONE},  /* UNet */
        {2, 3, 7, 9, 3, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 1, false, RT_ACT_NONE},    /* odd: floor */
        {1, 2, 7, 9, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, false, RT_ACT_NONE},    /* same pad */
        {1, 2, 9, 8, 2, 3, 2, 2, 3, 2, 1, 2, 0, 1, 1, 1, false, RT_ACT_NONE},    /* dil, asym */
        {1, 2, 6, 7, 2, 3, 3, 2, 2, 2, 2, 1, 2, 2, 1, 1, false, RT_ACT_RELU},    /* fused act */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        check_maxpool(&cases[i], (uint32_t)i + 100);
}

/* ------------------------------------------------------------- resize */

/* Source indices for every coordinate mode x nearest mode, for lengths 3 -> 7
 * and 5 -> 2 (scale from sizes: 7/3 and 2/5), from the ONNX formulas. By hand:
 *  asymmetric 3->7: x_orig = x*3/7 = 0, .43, .86, 1.29, 1.71, 2.14, 2.57;
 *    floor -> 0 0 0 1 1 2 2; ceil -> 0 1 1 2 2 3 3, clamped to 2.
 *  half_pixel 5->2: x_orig = (x+.5)/.4-.5 = 0.75, 3.25 -> round 1 3, floor 0 3, ceil 1 4.
 *  asymmetric 5->2: x=1 gives exactly 2.5: prefer_floor 2, prefer_ceil 3.
 *  tf_half_pixel_for_nearest 3->7: x=3 gives (3.5)*3/7 = 1.5: prefer_floor 1, prefer_ceil 2.
 *  align_corners 5->2: x*(5-1)/(2-1) = 0, 4 in every mode. */
static const int idx_3_7[5][4][7] = {
    {{0, 0, 1, 1, 1, 2, 2}, {0, 0, 1, 1, 1, 2, 2}, {0, 0, 0, 1, 1, 1, 2}, {0, 1, 1, 1, 2, 2, 2}},
    {{0, 0, 1, 1, 2, 2, 2}, {0, 0, 1, 1, 2, 2, 2}, {0, 0, 0, 1, 1, 2, 2}, {0, 1, 1, 2, 2, 2, 2}},
    {{0, 0, 1, 1, 1, 2, 2}, {0, 0, 1, 1, 1, 2, 2}, {0, 0, 0, 1, 1, 1, 2}, {0, 1, 1, 1, 2, 2, 2}},
    {{0, 0, 1, 1, 1, 2, 2}, {0, 0, 1, 1, 1, 2, 2}, {0, 0, 0, 1, 1, 1, 2}, {0, 1, 1, 1, 2, 2, 2}},
    {{0, 1, 1, 1, 2, 2, 2}, {0, 1, 1, 2, 2, 2, 2}, {0, 0, 1, 1, 1, 2, 2}, {1, 1, 2, 2, 2, 2, 2}},
};
static const int idx_5_2[5][4][2] = {
    {{1, 3}, {1, 3}, {0, 3}, {1, 4}},   /* half_pixel */
    {{0, 2}, {0, 3}, {0, 2}, {0, 3}},   /* asymmetric */
    {{0, 4}, {0, 4}, {0, 4}, {0, 4}},   /* align_corners */
    {{1, 3}, {1, 3}, {0, 3}, {1, 4}},   /* pytorch_half_pixel */
    {{1, 4}, {1, 4}, {1, 3}, {2, 4}},   /* tf_half_pixel_for_nearest */
};

/* Runs a 2-D resize of x[r][c] = 10*r + c and checks y[i][j] == 10*rows[i] + cols[j]. */
static void check_resize(int ih, int iw, int oh, int ow, float sh, float sw, int coord,
                         int nearest, const int *rows, const int *cols)
{
    float x[2 * 256], y[2 * 256];
    assert_true(ih * iw <= 256 && oh * ow <= 256);
    for (int c = 0; c < 2; c++)   /* two planes: the second offset by 1000 */
        for (int r = 0; r < ih; r++)
            for (int s = 0; s < iw; s++)
                x[c * ih * iw + r * iw + s] = (float)(1000 * c + 10 * r + s);
    RtResizeParams p = {.n = 1, .c = 2, .ih = ih, .iw = iw, .oh = oh, .ow = ow, .scale_h = sh,
                        .scale_w = sw, .coord = coord, .nearest = nearest};
    rt_resize_nearest_f32(y, x, &p);
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) {
                float want = (float)(1000 * c + 10 * rows[i] + cols[j]);
                float got = y[c * oh * ow + i * ow + j];
                if (got != want)
                    fail_msg("coord %d nearest %d plane %d (%d,%d): got %g, want %g", coord,
                             nearest, c, i, j, (double)got, (double)want);
            }
}

static void test_resize_modes(void **state)
{
    (void)state;
    for (int coord = 0; coord < 5; coord++)
        for (int nearest = 0; nearest < 4; nearest++) {
            /* H: 3 -> 7, W: 5 -> 2, and the transpose; scales as from sizes */
            check_resize(3, 5, 7, 2, (float)(7.0 / 3.0), (float)(2.0 / 5.0), coord, nearest,
                         idx_3_7[coord][nearest], idx_5_2[coord][nearest]);
            check_resize(5, 3, 2, 7, (float)(2.0 / 5.0), (float)(7.0 / 3.0), coord, nearest,
                         idx_5_2[coord][nearest], idx_3_7[coord][nearest]);
        }
}

static void test_resize_special(void **state)
{
    (void)state;
    /* Output length 1: pytorch_half_pixel maps to -0.5, i.e. row 0, while
     * half_pixel maps 4 -> 1 to (0.5)*4 - 0.5 = 1.5 (prefer_floor 1, prefer_ceil 2). */
    const int zero[1] = {0}, one[1] = {1}, two[1] = {2};
    for (int nearest = 0; nearest < 4; nearest++)
        check_resize(4, 1, 1, 1, 0.25f, 1.0f, RT_COORD_PYTORCH_HALF_PIXEL, nearest, zero, zero);
    check_resize(4, 1, 1, 1, 0.25f, 1.0f, RT_COORD_HALF_PIXEL, RT_NEAREST_ROUND_PREFER_FLOOR, one,
                 zero);
    check_resize(4, 1, 1, 1, 0.25f, 1.0f, RT_COORD_HALF_PIXEL, RT_NEAREST_ROUND_PREFER_CEIL, two,
                 zero);

    /* The UNet's Upsample: asymmetric + floor, scale 2: source = x / 2. */
    int rows[14], cols[14];
    for (int i = 0; i < 14; i++)
        rows[i] = cols[i] = i / 2;
    check_resize(7, 7, 14, 14, 2.0f, 2.0f, RT_COORD_ASYMMETRIC, RT_NEAREST_FLOOR, rows, cols);

    /* ONNX test_resize_downsample_scales_nearest: 2x4, scales 0.6 -> 1x2 = [[1, 3]]. */
    const float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    float y[2];
    RtResizeParams p = {.n = 1, .c = 1, .ih = 2, .iw = 4, .oh = 1, .ow = 2, .scale_h = 0.6f,
                        .scale_w = 0.6f, .coord = RT_COORD_HALF_PIXEL,
                        .nearest = RT_NEAREST_ROUND_PREFER_FLOOR};
    rt_resize_nearest_f32(y, x, &p);
    assert_true(y[0] == 1.0f && y[1] == 3.0f);

    /* ONNX test_resize_upsample_scales_nearest: 2x2, scales (2, 3) -> 4x6. */
    const float x2[4] = {1, 2, 3, 4};
    const float want2[24] = {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2,
                             3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4};
    float y2[24];
    RtResizeParams p2 = {.n = 1, .c = 1, .ih = 2, .iw = 2, .oh = 4, .ow = 6, .scale_h = 2.0f,
                         .scale_w = 3.0f, .coord = RT_COORD_HALF_PIXEL,
                         .nearest = RT_NEAREST_ROUND_PREFER_FLOOR};
    rt_resize_nearest_f32(y2, x2, &p2);
    assert_close(y2, want2, 24, 0.0f);
}

/* ------------------------------------------------------------- binary */

/* Broadcast params from two right-aligned shapes (the same rule the interpreter
 * uses, written differently: strides of each operand computed on its own). */
static void make_bin(RtBinaryParams *p, int op, int act, int ry, const long long *ydims, int ra,
                     const long long *adims, int rb, const long long *bdims)
{
    memset(p, 0, sizeof *p);
    p->op = op;
    p->act = act;
    for (int d = 0; d < RT_MAX_RANK; d++)
        p->dims[d] = 1;
    for (int i = 0; i < ry; i++)
        p->dims[RT_MAX_RANK - ry + i] = ydims[i];
    long long sa = 1, sb = 1;
    for (int i = ra - 1; i >= 0; i--) {
        p->sa[RT_MAX_RANK - ra + i] = adims[i] == 1 ? 0 : sa;
        sa *= adims[i];
    }
    for (int i = rb - 1; i >= 0; i--) {
        p->sb[RT_MAX_RANK - rb + i] = bdims[i] == 1 ? 0 : sb;
        sb *= bdims[i];
    }
}

static float naive_binop(int op, float a, float b)
{
    return op == RT_BIN_ADD ? a + b : op == RT_BIN_SUB ? a - b : op == RT_BIN_MUL ? a * b : a / b;
}

/* Element of operand (rank r, dims) at output coordinate co (rank ry). */
static long long bcast_index(const long long *co, int ry, int r, const long long *dims)
{
    long long idx = 0;
    for (int i = 0; i < r; i++) {
        long long c = co[ry - r + i];
        idx = idx * dims[i] + (dims[i] == 1 ? 0 : c);
    }
    return idx;
}

typedef struct BinCase {
    int ry, ra, rb;
    long long y[4], a[4], b[4];
} BinCase;

static void check_binary(const BinCase *k, int op, int act, int alias, uint32_t seed)
{
    long long ny = 1, na = 1, nb = 1;
    for (int i = 0; i < k->ry; i++)
        ny *= k->y[i];
    for (int i = 0; i < k->ra; i++)
        na *= k->a[i];
    for (int i = 0; i < k->rb; i++)
        nb *= k->b[i];
    float *a = new_floats((size_t)na), *b = new_floats((size_t)nb);
    float *y = new_floats((size_t)ny), *want = new_floats((size_t)ny);
    fill_random(a, (size_t)na, seed);
    fill_random(b, (size_t)nb, seed + 7);
    for (long long i = 0; i < nb && op == RT_BIN_DIV; i++)
        b[i] = b[i] < 0 ? b[i] - 0.5f : b[i] + 0.5f;   /* keep away from 0 */
    for (long long i = 0; i < ny; i++) {
        long long co[4], rem = i;
        for (int d = k->ry - 1; d >= 0; d--) {
            co[d] = rem % k->y[d];
            rem /= k->y[d];
        }
        want[i] = naive_act(act, naive_binop(op, a[bcast_index(co, k->ry, k->ra, k->a)],
                                             b[bcast_index(co, k->ry, k->rb, k->b)]));
    }
    RtBinaryParams p;
    make_bin(&p, op, act, k->ry, k->y, k->ra, k->a, k->rb, k->b);
    float *out = alias == 1 ? a : alias == 2 ? b : y;   /* in place over a or b */
    rt_binary_f32(out, a, b, &p);
    assert_close(out, want, (size_t)ny, 1e-6f);
    free(a), free(b), free(y), free(want);
}

static void test_binary(void **state)
{
    (void)state;
    static const BinCase cases[] = {
        {4, 4, 4, {2, 3, 5, 7}, {2, 3, 5, 7}, {2, 3, 5, 7}},   /* same shape (fast path) */
        {4, 4, 1, {2, 3, 5, 7}, {2, 3, 5, 7}, {1}},            /* scalar b */
        {4, 1, 4, {2, 3, 5, 7}, {1}, {2, 3, 5, 7}},            /* scalar a */
        {4, 4, 3, {2, 3, 5, 7}, {2, 3, 5, 7}, {3, 1, 1}},      /* per-channel bias */
        {4, 4, 4, {2, 3, 5, 7}, {2, 3, 5, 7}, {1, 3, 1, 7}},   /* holes */
        {4, 4, 2, {2, 3, 5, 7}, {2, 1, 5, 1}, {5, 7}},         /* both broadcast */
        {3, 3, 3, {3, 5, 7}, {3, 5, 1}, {1, 1, 7}},            /* outer product */
        {2, 2, 1, {5, 7}, {5, 7}, {7}},                        /* row vector */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        for (int op = RT_BIN_ADD; op <= RT_BIN_DIV; op++) {
            check_binary(&cases[i], op, (int)(i + (size_t)op) % 4, 0, (uint32_t)(i * 4 + op));
            /* y may be an operand that is not broadcast */
            bool a_full = true, b_full = true;
            for (int d = 0; d < 4; d++) {
                a_full &= cases[i].ra == cases[i].ry && cases[i].a[d] == cases[i].y[d];
                b_full &= cases[i].rb == cases[i].ry && cases[i].b[d] == cases[i].y[d];
            }
            if (a_full)
                check_binary(&cases[i], op, RT_ACT_RELU, 1, (uint32_t)(i * 4 + op + 50));
            if (b_full)
                check_binary(&cases[i], op, RT_ACT_SILU, 2, (uint32_t)(i * 4 + op + 90));
        }
}

/* -------------------------------------------------------------- unary */

static void test_unary(void **state)
{
    (void)state;
    float x[101], y[101], want[101];
    fill_random(x, 101, 5);
    for (int i = 0; i < 101; i++)
        x[i] *= 12.0f;
    for (int act = RT_ACT_NONE; act <= RT_ACT_SILU; act++) {
        for (int i = 0; i < 101; i++)
            want[i] = naive_act(act, x[i]);
        rt_unary_f32(y, x, 101, act);
        assert_close(y, want, 101, 1e-6f);
    }
    /* in place */
    memcpy(y, x, sizeof x);
    rt_unary_f32(y, y, 101, RT_ACT_RELU);
    for (int i = 0; i < 101; i++)
        assert_true(y[i] == (x[i] > 0 ? x[i] : 0.0f));

    /* extremes: no NaN, no overflow */
    const float big[4] = {100.0f, -100.0f, 1000.0f, -1000.0f};
    float s[4], si[4];
    rt_unary_f32(s, big, 4, RT_ACT_SIGMOID);
    rt_unary_f32(si, big, 4, RT_ACT_SILU);
    assert_true(s[0] == 1.0f && s[2] == 1.0f);
    assert_true(s[1] >= 0.0f && s[1] < 1e-40f && s[3] == 0.0f);
    assert_true(si[0] == 100.0f && si[2] == 1000.0f);
    assert_true(si[1] <= 0.0f && si[1] > -1e-38f && si[3] == 0.0f);
    for (int i = 0; i < 4; i++)
        assert_false(isnan(s[i]) || isnan(si[i]) || isinf(s[i]) || isinf(si[i]));
}

/* -------------------------------------------------------- interpreter */

static int add_input(Graph *g, const char *name, int rank, const int64_t *dims)
{
    int t = ir_add_tensor(g, name, TK_INPUT, DT_F32);
    assert_true(t >= 0);
    g->tensors[t].rank = rank;
    for (int i = 0; i < rank; i++)
        g->tensors[t].dims[i] = dims[i];
    return t;
}

static void set_io(Graph *g, const int *in, int n_in, const int *out, int n_out)
{
    g->inputs = arena_calloc(g->arena, (size_t)n_in, sizeof(int));
    g->outputs = arena_calloc(g->arena, (size_t)n_out, sizeof(int));
    assert_non_null(g->inputs);
    assert_non_null(g->outputs);
    memcpy(g->inputs, in, (size_t)n_in * sizeof(int));
    memcpy(g->outputs, out, (size_t)n_out * sizeof(int));
    g->n_inputs = n_in;
    g->n_outputs = n_out;
    for (int i = 0; i < n_out; i++)
        g->tensors[out[i]].is_output = true;
}

/* x (1,2,6,5) -> Conv 3x3 pad 1 (3 out) -> Relu -> Add(k (3,1,1)) -> Sigmoid -> y,
 * with the Relu output also a graph output. */
typedef struct Net {
    Graph *g;
    int x, w, b, k, c, r, s, y;
    float xv[60], wv[54], bv[3], kv[3];
} Net;

static void build_net(Net *net)
{
    Graph *g = ir_graph_new();
    assert_non_null(g);
    net->g = g;
    g->opset = 17;
    fill_random(net->xv, 60, 41);
    fill_random(net->wv, 54, 42);
    fill_random(net->bv, 3, 43);
    fill_random(net->kv, 3, 44);
    const int64_t xd[4] = {1, 2, 6, 5}, wd[4] = {3, 2, 3, 3}, bd[1] = {3}, kd[3] = {3, 1, 1};
    net->x = add_input(g, "x", 4, xd);
    net->w = ir_add_const(g, "w", DT_F32, 4, wd, net->wv);
    net->b = ir_add_const(g, "b", DT_F32, 1, bd, net->bv);
    net->k = ir_add_const(g, "k", DT_F32, 3, kd, net->kv);
    net->c = ir_add_tensor(g, "c", TK_VALUE, DT_F32);
    net->r = ir_add_tensor(g, "r", TK_VALUE, DT_F32);
    net->s = ir_add_tensor(g, "s", TK_VALUE, DT_F32);
    net->y = ir_add_tensor(g, "y", TK_VALUE, DT_F32);
    assert_true(net->w >= 0 && net->b >= 0 && net->k >= 0 && net->y >= 0);

    int conv = ir_add_node(g, OP_CONV, "conv", (int[]){net->x, net->w, net->b}, 3, &net->c, 1);
    const int64_t pads[4] = {1, 1, 1, 1};
    Attr a = {.name = "pads", .type = AT_INTS, .ints = pads, .n = 4, .tensor = -1};
    assert_true(conv >= 0 && ir_node_set_attrs(g, conv, &a, 1));
    assert_true(ir_add_node(g, OP_RELU, "relu", &net->c, 1, &net->r, 1) >= 0);
    assert_true(ir_add_node(g, OP_ADD, "add", (int[]){net->r, net->k}, 2, &net->s, 1) >= 0);
    assert_true(ir_add_node(g, OP_SIGMOID, "sig", &net->s, 1, &net->y, 1) >= 0);
    set_io(g, &net->x, 1, (int[]){net->y, net->r}, 2);
    Diag d = {0};
    if (!ir_infer_shapes(g, &d))
        fail_msg("ir_infer_shapes: %s", d.msg);
}

/* The same computation with the kernels called by hand. */
static void net_by_hand(const Net *net, float *y, float *r)
{
    float c[90];
    RtConvParams p = {.n = 1, .c = 2, .h = 6, .w = 5, .m = 3, .oh = 6, .ow = 5, .kh = 3, .kw = 3,
                      .sh = 1, .sw = 1, .dh = 1, .dw = 1, .pt = 1, .pl = 1, .group = 1};
    rt_conv2d_f32(c, net->xv, net->wv, net->bv, &p);
    rt_unary_f32(r, c, 90, RT_ACT_RELU);
    RtBinaryParams bp;
    make_bin(&bp, RT_BIN_ADD, RT_ACT_NONE, 4, (const long long[]){1, 3, 6, 5}, 4,
             (const long long[]){1, 3, 6, 5}, 3, (const long long[]){3, 1, 1});
    rt_binary_f32(y, r, net->kv, &bp);
    rt_unary_f32(y, y, 90, RT_ACT_SIGMOID);
}

static void run_and_compare(const Net *net)
{
    float y[90], r[90], want_y[90], want_r[90];
    memset(y, 0xff, sizeof y);   /* NaN: every element must be written */
    memset(r, 0xff, sizeof r);
    net_by_hand(net, want_y, want_r);
    Diag d = {0};
    const float *in[1] = {net->xv};
    float *out[2] = {y, r};
    if (!rt_interpret(net->g, in, out, &d))
        fail_msg("rt_interpret: %s", d.msg);
    assert_close(y, want_y, 90, 0.0f);
    assert_close(r, want_r, 90, 0.0f);
}

static void test_interp_unplanned(void **state)
{
    (void)state;
    Net net;
    build_net(&net);
    const Tensor *t = &net.g->tensors[net.y];
    assert_int_equal(t->rank, 4);
    assert_int_equal(t->dims[1], 3);
    assert_int_equal(t->dims[2], 6);
    run_and_compare(&net);
    ir_graph_free(net.g);
}

/* Plans as the planner would make them. First c at 0 and s reusing that slot
 * (c is dead after Relu; r is a graph output, in the caller's buffer); then r in
 * the arena with the Add writing in place over it. */
static void test_interp_planned(void **state)
{
    (void)state;
    Net net;
    build_net(&net);
    net.g->arena_bytes = 90 * 4;
    net.g->tensors[net.c].offset = 0;
    net.g->tensors[net.s].offset = 0;
    run_and_compare(&net);

    /* In-place Add: put r in the arena (no longer a graph output) and s over it. */
    ir_graph_free(net.g);
    build_net(&net);
    Graph *g = net.g;
    g->n_outputs = 1;
    g->tensors[net.r].is_output = false;
    g->arena_bytes = 2 * 90 * 4;
    g->tensors[net.c].offset = 360;
    g->tensors[net.r].offset = 0;
    g->tensors[net.s].offset = 0;
    float y[90], want_y[90], want_r[90];
    net_by_hand(&net, want_y, want_r);
    Diag d = {0};
    const float *in[1] = {net.xv};
    float *out[1] = {y};
    if (!rt_interpret(g, in, out, &d))
        fail_msg("rt_interpret: %s", d.msg);
    assert_close(y, want_y, 90, 0.0f);

    /* A slot beyond the arena is a planner bug, reported as such. */
    g->tensors[net.c].offset = 400;
    memset(&d, 0, sizeof d);
    assert_false(rt_interpret(g, in, out, &d));
    assert_int_equal(d.code, ST_INTERNAL);
    assert_string_equal(d.node, "conv");

    /* Relu in place over its input, then Add in place: c, r and s share a slot. */
    g->tensors[net.c].offset = 0;
    memset(&d, 0, sizeof d);
    memset(y, 0, sizeof y);
    assert_true(rt_interpret(g, in, out, &d));
    assert_close(y, want_y, 90, 0.0f);
    ir_graph_free(g);
}

/* Two values live at once in distinct slots: reading the wrong slot shows. */
static void test_interp_two_slots(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 17;
    const int64_t xd[4] = {1, 3, 5, 7};
    int x = add_input(g, "x", 4, xd);
    int a = ir_add_tensor(g, "a", TK_VALUE, DT_F32);
    int b = ir_add_tensor(g, "b", TK_VALUE, DT_F32);
    int y = ir_add_tensor(g, "y", TK_VALUE, DT_F32);
    assert_true(ir_add_node(g, OP_RELU, "relu", &x, 1, &a, 1) >= 0);
    assert_true(ir_add_node(g, OP_SIGMOID, "sig", &x, 1, &b, 1) >= 0);
    assert_true(ir_add_node(g, OP_SUB, "sub", (int[]){a, b}, 2, &y, 1) >= 0);
    set_io(g, &x, 1, &y, 1);
    Diag d = {0};
    if (!ir_infer_shapes(g, &d))
        fail_msg("ir_infer_shapes: %s", d.msg);
    g->arena_bytes = 2 * 105 * 4 + 64;
    g->tensors[a].offset = 105 * 4 + 64;
    g->tensors[b].offset = 0;
    float xv[105], yv[105], want[105];
    fill_random(xv, 105, 77);
    for (int i = 0; i < 105; i++)
        want[i] = naive_act(RT_ACT_RELU, xv[i]) - naive_act(RT_ACT_SIGMOID, xv[i]);
    const float *in[1] = {xv};
    float *out[1] = {yv};
    if (!rt_interpret(g, in, out, &d))
        fail_msg("rt_interpret: %s", d.msg);
    assert_close(yv, want, 105, 1e-6f);
    ir_graph_free(g);
}

/* Shape arithmetic left at run time is diagnosed; Reshape of f32 is a copy. */
static void test_interp_diagnostics(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 17;
    const int64_t xd[4] = {1, 2, 3, 4};
    int x = add_input(g, "x", 4, xd);
    int shp = ir_add_tensor(g, "shp", TK_VALUE, DT_I64);
    int y = ir_add_tensor(g, "y", TK_VALUE, DT_F32);
    g->tensors[shp].rank = 1;
    g->tensors[shp].dims[0] = 4;
    g->tensors[y].rank = 2;
    g->tensors[y].dims[0] = 6;
    g->tensors[y].dims[1] = 4;
    assert_true(ir_add_node(g, OP_SHAPE, "get_shape", &x, 1, &shp, 1) >= 0);
    assert_true(ir_add_node(g, OP_RESHAPE, "flatten", (int[]){x, shp}, 2, &y, 1) >= 0);
    set_io(g, &x, 1, &y, 1);

    float xv[24], yv[24];
    fill_random(xv, 24, 9);
    const float *in[1] = {xv};
    float *out[1] = {yv};
    Diag d = {0};
    assert_false(rt_interpret(g, in, out, &d));
    assert_int_equal(d.code, ST_UNSUPPORTED);
    assert_string_equal(d.node, "get_shape");
    assert_string_equal(d.op, "Shape");
    assert_non_null(strstr(d.msg, "fold_constants"));

    /* Once the shape is unused (as after folding), the Reshape is a plain copy. */
    g->nodes[1].in[1] = ir_add_const(g, "shape_c", DT_I64, 1, (const int64_t[]){2},
                                     (const int64_t[]){6, 4});
    memset(&d, 0, sizeof d);
    memset(yv, 0, sizeof yv);
    if (!rt_interpret(g, in, out, &d))
        fail_msg("rt_interpret: %s", d.msg);
    assert_close(yv, xv, 24, 0.0f);
    ir_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv),
        cmocka_unit_test(test_conv_by_hand),
        cmocka_unit_test(test_maxpool),
        cmocka_unit_test(test_resize_modes),
        cmocka_unit_test(test_resize_special),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_unary),
        cmocka_unit_test(test_interp_unplanned),
        cmocka_unit_test(test_interp_planned),
        cmocka_unit_test(test_interp_two_slots),
        cmocka_unit_test(test_interp_diagnostics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
