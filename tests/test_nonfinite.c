/* SPDX-License-Identifier: MIT */
/*
 * test_nonfinite.c - legal models whose floats are inf, -inf, NaN or -0.0
 * where they reach the emitted C as literals: Resize's extrapolation_value
 * and cubic_coeff_a, Clip bounds, LeakyRelu alpha (alone and fused into a
 * Conv), Pad's constant value, and folded constants. Each compiles with onnxc,
 * the C builds with -std=c11 -Wall -Wextra -Wpedantic -Werror under $CC, gcc
 * and clang (those present), runs, and agrees with `onnxc run` (the
 * interpreter): NaN where it gives NaN, the same infinities, the sign of zero
 * where a case asks for it. Each case also checks that the special value does
 * reach its output, so the case cannot pass on ordinary numbers.
 * Needs $ONNXC, the onnxc binary (set by ctest); the compiler is $CC or cc.
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

#include "cli_harness.h"
#include "onnx.h"

#define N_X 16   /* every case: x f32[1,1,4,4] */

static const int64_t X4[] = {1, 1, 4, 4};

typedef struct Case {
    int n_y;                  /* elements of y */
    bool want_inf, want_nan, want_neg_zero;   /* the interpreter's y must hold them */
    bool zero_sign;           /* compare the sign of zeros too */
} Case;

static void attr_str(MB *b, Onnx__NodeProto *n, const char *name, const char *v)
{
    Onnx__AttributeProto *at = mb_attr(b, n, name, 3);
    at->has_s = 1;
    at->s = mb_bin(b, v);
}

static void init_f32(MB *b, const char *name, int rank, const int64_t *dims, const float *v,
                     size_t n)
{
    static const int64_t scalar[1] = {1};   /* rank 0: no dims, but not NULL for memcpy */
    mb_init(b, mb_tensor_floats(b, name, rank, dims ? dims : scalar, v, n));
}

static void init_i64(MB *b, const char *name, size_t k, const int64_t *v)
{
    int64_t dim = (int64_t)k;
    mb_init(b, mb_tensor_raw(b, name, 7, 1, &dim, v, k * sizeof *v));
}

/* Writes the model, compiles it, builds the C strictly with every compiler,
 * runs it and `onnxc run` on the same x, and compares. */
static void run_case(MB *b, const Case *k)
{
    char dir[256], path[700];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    assert_int_equal(cli_run("cd '%s' && '%s' compile model.onnx -o m.c --name m", dir,
                             cli_onnxc), 0);
    float x[N_X];
    for (int i = 0; i < N_X; i++)   /* negatives, zeros (both signs), positives */
        x[i] = i == 5 ? -0.0f : (float)(i % 7 - 3) * 0.75f;
    snprintf(path, sizeof path, "%s/in.f32", dir);
    cli_write_file(path, x, sizeof x);
    Diag d = {0};
    OnnxTensor t = {.dtype = DT_F32, .rank = 4, .dims = {1, 1, 4, 4}, .data = x, .name = "x"};
    snprintf(path, sizeof path, "%s/x.pb", dir);
    assert_true(onnx_write_tensor(path, &t, &d));
    char driver[1024];
    int len = snprintf(driver, sizeof driver,
                       "#include <stdio.h>\n#include \"m.h\"\n"
                       "static float x[%d], y[%d];\n"
                       "int main(void)\n{\n"
                       "    FILE *f = fopen(\"in.f32\", \"rb\");\n"
                       "    if (!f || fread(x, 4, %d, f) != %d) return 2;\n"
                       "    fclose(f);\n"
                       "    if (m_run(x, y) != 0) return 3;\n"
                       "    f = fopen(\"out.f32\", \"wb\");\n"
                       "    if (!f || fwrite(y, 4, %d, f) != %d) return 4;\n"
                       "    return fclose(f) != 0;\n}\n",
                       N_X, k->n_y, N_X, N_X, k->n_y, k->n_y);
    snprintf(path, sizeof path, "%s/driver.c", dir);
    cli_write_file(path, driver, (size_t)len);

    const char *cc = getenv("CC") && getenv("CC")[0] ? getenv("CC") : "cc";
    const char *compilers[] = {cc, "gcc", "clang"};
    for (size_t i = 0; i < ARRAY_LEN(compilers); i++) {
        if (i > 0 && cli_run("%s --version >/dev/null 2>&1", compilers[i]) != 0)
            continue;
        if (cli_run("cd '%s' && %s -std=c11 -Wall -Wextra -Wpedantic -Werror -O1 -c m.c "
                    "-o m_%zu.o", dir, compilers[i], i) != 0)
            fail_msg("%s rejects the emitted m.c (in %s)", compilers[i], dir);
    }
    assert_int_equal(cli_run("cd '%s' && %s -std=c11 -O1 -o driver driver.c m.c -lm && ./driver",
                             dir, cc), 0);
    assert_int_equal(cli_run("cd '%s' && '%s' run model.onnx --input x.pb --output y.pb", dir,
                             cli_onnxc), 0);
    float got[64];
    assert_true(k->n_y <= 64);
    snprintf(path, sizeof path, "%s/out.f32", dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(got, sizeof(float), (size_t)k->n_y, f), (size_t)k->n_y);
    fclose(f);
    Arena *a = arena_new();
    OnnxTensor w;
    snprintf(path, sizeof path, "%s/y.pb", dir);
    assert_true(onnx_read_tensor(path, a, &w, &d));
    const float *want = w.data;
    bool inf = false, nan = false, neg_zero = false;
    for (int i = 0; i < k->n_y; i++) {
        float g = got[i], v = want[i];
        inf |= isinf(v);
        nan |= isnan(v);
        neg_zero |= v == 0.0f && signbit(v);
        bool same = isnan(v) ? isnan(g)
                  : isinf(v) ? g == v
                  : fabsf(g - v) <= 1e-6f + 1e-5f * fabsf(v);
        if (same && k->zero_sign && v == 0.0f)
            same = signbit(g) == signbit(v);
        if (!same)
            fail_msg("y[%d]: emitted %.9g, interpreter %.9g (in %s)", i, (double)g, (double)v,
                     dir);
    }
    arena_free(a);
    if ((k->want_inf && !inf) || (k->want_nan && !nan) || (k->want_neg_zero && !neg_zero))
        fail_msg("the interpreter's output lacks the special value (inf %d nan %d -0 %d)", inf,
                 nan, neg_zero);
}

/* Resize (tf_crop_and_resize, linear) with a roi reaching outside x: the
 * outside pixels take extrapolation_value. */
static MB *resize_extrapolate(float value)
{
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, X4, NULL);
    Onnx__NodeProto *n = mb_node(b, "Resize", "r", "x,roi,,sizes", "y");
    mb_output(b, "y", 1);
    attr_str(b, n, "coordinate_transformation_mode", "tf_crop_and_resize");
    attr_str(b, n, "mode", "linear");
    mb_attr_float(b, n, "extrapolation_value", value);
    static const int64_t d8[] = {8};
    init_f32(b, "roi", 1, d8, (const float[]){0, 0, -0.5f, -0.5f, 1, 1, 1.5f, 1.5f}, 8);
    init_i64(b, "sizes", 4, (const int64_t[]){1, 1, 4, 4});
    return b;
}

static void test_resize_extrapolation(void **state)
{
    (void)state;
    run_case(resize_extrapolate(INFINITY), &(Case){.n_y = 16, .want_inf = true});
    run_case(resize_extrapolate(-INFINITY), &(Case){.n_y = 16, .want_inf = true});
    run_case(resize_extrapolate(NAN), &(Case){.n_y = 16, .want_nan = true});
    run_case(resize_extrapolate(-0.0f), &(Case){.n_y = 16, .want_neg_zero = true,
                                                .zero_sign = true});
}

static void test_resize_cubic_coeff(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, X4, NULL);
    Onnx__NodeProto *n = mb_node(b, "Resize", "r", "x,,scales", "y");
    mb_output(b, "y", 1);
    attr_str(b, n, "mode", "cubic");
    mb_attr_float(b, n, "cubic_coeff_a", INFINITY);
    static const int64_t d4[] = {4};
    init_f32(b, "scales", 1, d4, (const float[]){1, 1, 1.5f, 1.5f}, 4);
    run_case(b, &(Case){.n_y = 36, .want_nan = true});
}

/* Clip with constant bounds: min -0.0 (the sign must survive), max +inf; and
 * NaN bounds. */
static MB *clip(float lo, float hi, bool after_conv)
{
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, X4, NULL);
    const char *src = "x";
    if (after_conv) {   /* a Conv that fuse gives the Clip as an epilogue with params */
        static const int64_t w1[] = {1, 1, 1, 1};
        init_f32(b, "w", 4, w1, (const float[]){1.0f}, 1);
        mb_node(b, "Conv", "c", "x,w", "t");
        src = "t";
    }
    char in[64];
    snprintf(in, sizeof in, "%s,lo,hi", src);
    mb_node(b, "Clip", "clip", in, "y");
    mb_output(b, "y", 1);
    init_f32(b, "lo", 0, NULL, &lo, 1);
    init_f32(b, "hi", 0, NULL, &hi, 1);
    return b;
}

static void test_clip_bounds(void **state)
{
    (void)state;
    for (int conv = 0; conv < 2; conv++) {
        run_case(clip(-0.0f, INFINITY, conv), &(Case){.n_y = 16, .want_neg_zero = true,
                                                      .zero_sign = true});
        run_case(clip(-INFINITY, -0.0f, conv), &(Case){.n_y = 16, .want_neg_zero = true,
                                                       .zero_sign = true});
        run_case(clip(NAN, NAN, conv), &(Case){.n_y = 16});
    }
}

static MB *leaky(float alpha, bool after_conv)
{
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, X4, NULL);
    const char *src = "x";
    if (after_conv) {
        static const int64_t w1[] = {1, 1, 1, 1};
        init_f32(b, "w", 4, w1, (const float[]){1.0f}, 1);
        mb_node(b, "Conv", "c", "x,w", "t");
        src = "t";
    }
    Onnx__NodeProto *n = mb_node(b, "LeakyRelu", "lr", src, "y");
    mb_attr_float(b, n, "alpha", alpha);
    mb_output(b, "y", 1);
    return b;
}

static void test_leaky_relu_alpha(void **state)
{
    (void)state;
    for (int conv = 0; conv < 2; conv++) {
        run_case(leaky(INFINITY, conv), &(Case){.n_y = 16, .want_inf = true});
        run_case(leaky(NAN, conv), &(Case){.n_y = 16, .want_nan = true});
        run_case(leaky(-0.0f, conv), &(Case){.n_y = 16, .zero_sign = true});
    }
}

static MB *pad_value(float v)
{
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, X4, NULL);
    mb_node(b, "Pad", "p", "x,pads,v", "y");
    mb_output(b, "y", 1);
    init_i64(b, "pads", 8, (const int64_t[]){0, 0, 1, 0, 0, 0, 0, 1});
    init_f32(b, "v", 0, NULL, &v, 1);
    return b;
}

static void test_pad_value(void **state)
{
    (void)state;
    run_case(pad_value(-INFINITY), &(Case){.n_y = 25, .want_inf = true});
    run_case(pad_value(NAN), &(Case){.n_y = 25, .want_nan = true});
    run_case(pad_value(-0.0f), &(Case){.n_y = 25, .want_neg_zero = true, .zero_sign = true});
}

/* y = x * (one / zero) + nothing: the constant branch folds to inf, -inf or NaN. */
static MB *folded(float num, float den)
{
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, X4, NULL);
    mb_node(b, "Div", "q", "num,den", "k");
    mb_node(b, "Mul", "m", "x,k", "y");
    mb_output(b, "y", 1);
    static const int64_t d4[] = {4};
    float nv[4] = {num, num, num, num}, dv[4] = {den, -den, den, den};
    init_f32(b, "num", 1, d4, nv, 4);
    init_f32(b, "den", 1, d4, dv, 4);
    return b;
}

static void test_folded_constants(void **state)
{
    (void)state;
    run_case(folded(1.0f, 0.0f), &(Case){.n_y = 16, .want_inf = true, .want_nan = true});
    run_case(folded(0.0f, 0.0f), &(Case){.n_y = 16, .want_nan = true});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resize_extrapolation),
        cmocka_unit_test(test_resize_cubic_coeff),
        cmocka_unit_test(test_clip_bounds),
        cmocka_unit_test(test_leaky_relu_alpha),
        cmocka_unit_test(test_pad_value),
        cmocka_unit_test(test_folded_constants),
    };
    return cmocka_run_group_tests(tests, cli_setup, cli_teardown);
}
