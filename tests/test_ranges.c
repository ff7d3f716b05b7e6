/* SPDX-License-Identifier: MIT */
/*
 * test_ranges.c - every attribute and constant input that indexes something
 * (axes, perm, axis, indices, pads, split sizes, roi, starts/ends/steps) is
 * range-checked by the op's shape or geometry function before any array is
 * touched: out of range, negative past -rank, repeated where ONNX forbids it
 * and wrong counts are one ST_BAD_MODEL Diag naming node and op. Each model
 * goes through the compile path of the CLI (load, shape inference, passes),
 * which the sanitizer build runs under ASan and UBSan, so a case that writes
 * out of bounds fails there even if its message were right. Legal extremes
 * (steps of INT64_MIN, an LRN size of 2^62) compile and run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model_builder.h"
#include "onnx.h"
#include "passes.h"
#include "rt.h"

static const int64_t X4[] = {1, 2, 4, 4};   /* the rank-4 input of most cases */

/* Load, infer and run the passes as `onnxc compile` does; the first error in d. */
static bool compile(MB *b, Diag *d)
{
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    memset(d, 0, sizeof *d);
    Graph *g = onnx_load_buffer(buf, len, "ranges.onnx", NULL, d);
    bool ok = g && onnx_check_limits(g, NULL, d) && ir_infer_shapes(g, d) &&
              passes_run(g, NULL, NULL, d);
    ir_graph_free(g);
    mb_free(b);
    return ok;
}

/* The model must be refused with ST_BAD_MODEL on node "n" (op) with msg in the text. */
static void expect_bad(MB *b, const char *op, const char *msg)
{
    Diag d;
    bool ok = compile(b, &d);
    if (ok)
        fail_msg("accepted; expected \"%s\"", msg);
    if (d.code != ST_BAD_MODEL || strcmp(d.node, "n") != 0 || strcmp(d.op, op) != 0 ||
        !strstr(d.msg, msg))
        fail_msg("got code %d node \"%s\" op %s: %s; expected \"%s\"", (int)d.code, d.node, d.op,
                 d.msg, msg);
}

static void expect_ok(MB *b)
{
    Diag d;
    if (!compile(b, &d))
        fail_msg("refused: node \"%s\" (%s): %s", d.node, d.op, d.msg);
}

static void init_i64(MB *b, const char *name, size_t k, const int64_t *v)
{
    int64_t dim = (int64_t)k;
    mb_init(b, mb_tensor_raw(b, name, 7, 1, &dim, v,
                             k * sizeof *v));
}

static void init_f32(MB *b, const char *name, size_t k, const float *v)
{
    int64_t dim = (int64_t)k;
    mb_init(b, mb_tensor_floats(b, name, 1, &dim, v, k));
}

/* x f32[1,2,4,4] -> op "n" -> y, with extra inputs `in` after x. */
static Onnx__NodeProto *one_node(MB *b, const char *op, const char *in, const int64_t *xdims,
                                 int rank)
{
    char ins[128];
    snprintf(ins, sizeof ins, "x%s%s", in[0] ? "," : "", in);
    mb_input(b, "x", 1, rank, xdims, NULL);
    Onnx__NodeProto *n = mb_node(b, op, "n", ins, "y");
    mb_output(b, "y", 1);
    return n;
}

/* ------------------------------------------------------------- Resize */

/* Resize-18 with sizes for `axes` (the crash: axes=[9] wrote past a stack array). */
static MB *resize_n(size_t na, const int64_t *axes, size_t ns, const int64_t *sizes)
{
    MB *b = mb_new(18);
    Onnx__NodeProto *n = one_node(b, "Resize", ",,sizes", X4, 4);
    mb_attr_ints(b, n, "axes", na, axes);
    init_i64(b, "sizes", ns, sizes);
    return b;
}

static MB *resize_sizes(size_t na, const int64_t *axes, const int64_t *sizes)
{
    return resize_n(na, axes, na, sizes);
}

static void test_resize_axes(void **state)
{
    (void)state;
    static const int64_t s1[] = {8}, s2[] = {8, 8};
    expect_bad(resize_sizes(1, (const int64_t[]){9}, s1), "Resize",
               "axes[0] = 9 is out of range for rank 4");
    expect_bad(resize_sizes(1, (const int64_t[]){-9}, s1), "Resize",
               "axes[0] = -9 is out of range for rank 4");
    expect_bad(resize_sizes(2, (const int64_t[]){3, -1}, s2), "Resize",
               "axes[1] = -1 repeats axis 3");
    expect_bad(resize_sizes(1, (const int64_t[]){INT64_MIN}, s1), "Resize", "out of range");
    expect_ok(resize_sizes(2, (const int64_t[]){-2, 3}, s2));   /* negative in range: fine */

    /* scales for axes: same check on the scales path; count mismatch */
    MB *b = mb_new(18);
    Onnx__NodeProto *n = one_node(b, "Resize", ",scales", X4, 4);
    mb_attr_ints(b, n, "axes", 1, (const int64_t[]){4});
    init_f32(b, "scales", 1, (const float[]){2.0f});
    expect_bad(b, "Resize", "axes[0] = 4 is out of range for rank 4");
    b = resize_n(2, (const int64_t[]){2, 3}, 1, s1);   /* 2 axes, 1 size */
    expect_bad(b, "Resize", "1 sizes for 2 axes");

    /* roi next to it: its count follows axes, and a crop needs finite values */
    b = mb_new(18);
    n = one_node(b, "Resize", "roi,,sizes", X4, 4);
    mb_attr_ints(b, n, "axes", 2, (const int64_t[]){2, 3});
    init_f32(b, "roi", 3, (const float[]){0, 0, 1});
    init_i64(b, "sizes", 2, s2);
    expect_bad(b, "Resize", "roi has 3 values for 2 axes");
}

/* ------------------------------------------------------ axes lists */

static MB *slice(const int64_t *axes, const int64_t *steps, int k)
{
    MB *b = mb_new(13);
    one_node(b, "Slice", "starts,ends,axes,steps", X4, 4);
    static const int64_t starts[] = {0, 0}, ends[] = {3, 3};
    init_i64(b, "starts", (size_t)k, starts);
    init_i64(b, "ends", (size_t)k, ends);
    init_i64(b, "axes", (size_t)k, axes);
    init_i64(b, "steps", (size_t)k, steps);
    return b;
}

/* The same Slice on constant data: fold_constants evaluates it. */
static MB *slice_const(const int64_t *axes, const int64_t *steps)
{
    MB *b = mb_new(13);
    mb_node(b, "Slice", "n", "c,starts,ends,axes,steps", "y");
    mb_output(b, "y", 1);
    static const float c[32] = {0};
    mb_init(b, mb_tensor_floats(b, "c", 4, X4, c, 32));
    init_i64(b, "starts", 1, (const int64_t[]){0});
    init_i64(b, "ends", 1, (const int64_t[]){3});
    init_i64(b, "axes", 1, axes);
    init_i64(b, "steps", 1, steps);
    return b;
}

static void test_slice(void **state)
{
    (void)state;
    static const int64_t one[] = {1, 1};
    expect_bad(slice((const int64_t[]){4}, one, 1), "Slice", "axes[0] = 4 is out of range for rank 4");
    expect_bad(slice((const int64_t[]){-5}, one, 1), "Slice", "axes[0] = -5 is out of range");
    expect_bad(slice((const int64_t[]){2, -2}, one, 2), "Slice", "axes[1] = -2 repeats axis 2");
    expect_bad(slice((const int64_t[]){2}, (const int64_t[]){0}, 1), "Slice", "steps[0] is 0");
    /* steps at the int64 extremes select one element; no overflow on the way */
    expect_ok(slice((const int64_t[]){2}, (const int64_t[]){INT64_MAX}, 1));
    expect_ok(slice((const int64_t[]){2}, (const int64_t[]){INT64_MIN}, 1));
    expect_ok(slice_const((const int64_t[]){2}, (const int64_t[]){INT64_MAX}));
    expect_ok(slice_const((const int64_t[]){2}, (const int64_t[]){INT64_MIN}));
    expect_bad(slice_const((const int64_t[]){4}, (const int64_t[]){1}), "Slice",
               "out of range for rank 4");
}

static MB *squeeze_like(const char *op, const int64_t *axes, size_t k, const int64_t *xd, int r)
{
    MB *b = mb_new(13);
    one_node(b, op, "axes", xd, r);
    init_i64(b, "axes", k, axes);
    return b;
}

static void test_squeeze_unsqueeze(void **state)
{
    (void)state;
    static const int64_t x1[] = {1, 2, 1, 4};
    expect_bad(squeeze_like("Unsqueeze", (const int64_t[]){5}, 1, X4, 4), "Unsqueeze",
               "axes[0] = 5 is out of range for rank 5");
    expect_bad(squeeze_like("Unsqueeze", (const int64_t[]){-6}, 1, X4, 4), "Unsqueeze",
               "axes[0] = -6 is out of range for rank 5");
    expect_bad(squeeze_like("Unsqueeze", (const int64_t[]){0, -6}, 2, X4, 4), "Unsqueeze",
               "axes[1] = -6 repeats axis 0");
    expect_bad(squeeze_like("Squeeze", (const int64_t[]){4}, 1, x1, 4), "Squeeze",
               "axes[0] = 4 is out of range for rank 4");
    expect_bad(squeeze_like("Squeeze", (const int64_t[]){-5}, 1, x1, 4), "Squeeze",
               "axes[0] = -5 is out of range");
    expect_bad(squeeze_like("Squeeze", (const int64_t[]){2, -2}, 2, x1, 4), "Squeeze",
               "axes[1] = -2 repeats axis 2");
    expect_ok(squeeze_like("Squeeze", (const int64_t[]){0, -2}, 2, x1, 4));
}

static MB *reduce(const int64_t *axes, size_t k)
{
    MB *b = mb_new(18);
    one_node(b, "ReduceSum", "axes", X4, 4);
    init_i64(b, "axes", k, axes);
    return b;
}

static void test_reduce(void **state)
{
    (void)state;
    expect_bad(reduce((const int64_t[]){4}, 1), "ReduceSum", "axes[0] = 4 is out of range");
    expect_bad(reduce((const int64_t[]){-5}, 1), "ReduceSum", "axes[0] = -5 is out of range");
    expect_bad(reduce((const int64_t[]){0, 1, 2, 3, 0}, 5), "ReduceSum",
               "axes has 5 entries for rank 4");
    /* a repeated axis is reduced once (ONNX does not forbid it) */
    expect_ok(reduce((const int64_t[]){1, -3}, 2));
}

static MB *pad(const int64_t *axes, size_t k, size_t np)
{
    MB *b = mb_new(18);
    one_node(b, "Pad", "pads,,axes", X4, 4);
    static const int64_t pads[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    init_i64(b, "pads", np, pads);
    init_i64(b, "axes", k, axes);
    return b;
}

static void test_pad(void **state)
{
    (void)state;
    expect_bad(pad((const int64_t[]){9}, 1, 2), "Pad", "axes[0] = 9 is out of range for rank 4");
    expect_bad(pad((const int64_t[]){-9}, 1, 2), "Pad", "axes[0] = -9 is out of range");
    expect_bad(pad((const int64_t[]){3, -1}, 2, 4), "Pad", "axes[1] = -1 repeats axis 3");
    expect_bad(pad((const int64_t[]){2, 3}, 2, 3), "Pad", "3 pads for 2 axes");
    MB *b = mb_new(13);   /* pads past any dim */
    one_node(b, "Pad", "pads", X4, 4);
    init_i64(b, "pads", 8, (const int64_t[]){0, 0, 0, INT64_MAX, 0, 0, 0, 0});
    expect_bad(b, "Pad", "out of range");
    expect_ok(pad((const int64_t[]){-1, 2}, 2, 4));
}

/* ----------------------------------------------- single axes, perm */

static MB *with_axis(const char *op, int64_t axis, int opset)
{
    MB *b = mb_new(opset);
    Onnx__NodeProto *n = one_node(b, op, "", X4, 4);
    mb_attr_int(b, n, "axis", axis);
    return b;
}

static void test_single_axis(void **state)
{
    (void)state;
    static const char *ops[] = {"Softmax", "LogSoftmax", "Concat"};
    for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
        expect_bad(with_axis(ops[i], 4, 13), ops[i], "axis 4 is out of range for rank 4");
        expect_bad(with_axis(ops[i], -5, 13), ops[i], "axis -5 is out of range for rank 4");
        expect_bad(with_axis(ops[i], INT64_MIN + 1, 13), ops[i], "out of range for rank 4");
    }
    expect_bad(with_axis("Flatten", 5, 13), "Flatten", "axis 5 out of range");
    expect_bad(with_axis("Flatten", -5, 13), "Flatten", "axis -5 out of range");
    expect_ok(with_axis("Flatten", 4, 13));   /* Flatten allows axis == rank */

    MB *b = mb_new(13);   /* Gather's axis */
    Onnx__NodeProto *n = one_node(b, "Gather", "i", X4, 4);
    mb_attr_int(b, n, "axis", -5);
    init_i64(b, "i", 1, (const int64_t[]){0});
    expect_bad(b, "Gather", "axis -5 is out of range for rank 4");
}

static MB *gather(int64_t index)
{
    MB *b = mb_new(13);
    Onnx__NodeProto *n = one_node(b, "Gather", "i", X4, 4);
    mb_attr_int(b, n, "axis", 2);
    init_i64(b, "i", 2, (const int64_t[]){0, index});
    return b;
}

static void test_gather_indices(void **state)
{
    (void)state;
    expect_bad(gather(4), "Gather", "indices[1] = 4 is out of range for axis 2 of size 4");
    expect_bad(gather(-5), "Gather", "indices[1] = -5 is out of range");
    expect_bad(gather(INT64_MIN), "Gather", "is out of range");
    expect_ok(gather(-4));
}

static MB *transpose(const int64_t *perm, size_t k)
{
    MB *b = mb_new(13);
    Onnx__NodeProto *n = one_node(b, "Transpose", "", X4, 4);
    mb_attr_ints(b, n, "perm", k, perm);
    return b;
}

static void test_transpose_perm(void **state)
{
    (void)state;
    expect_bad(transpose((const int64_t[]){0, 1, 2, 7}, 4), "Transpose",
               "perm[3] = 7 is out of range for rank 4");
    expect_bad(transpose((const int64_t[]){0, 1, -1, 2}, 4), "Transpose",
               "perm[2] = -1 is out of range");
    expect_bad(transpose((const int64_t[]){0, 1, 1, 2}, 4), "Transpose",
               "perm[2] = 1 repeats an axis");
    expect_bad(transpose((const int64_t[]){0, 1, 2}, 3), "Transpose", "perm has 3 entries for rank 4");
    expect_ok(transpose((const int64_t[]){3, 2, 0, 1}, 4));
}

/* ------------------------------------------------------ split sizes */

static MB *split(int64_t axis, const int64_t *sizes, size_t k)
{
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, X4, NULL);
    Onnx__NodeProto *n = mb_node(b, "Split", "n", "x,s", "y0,y1");
    mb_attr_int(b, n, "axis", axis);
    mb_output(b, "y0", 1);
    mb_output(b, "y1", 1);
    init_i64(b, "s", k, sizes);
    return b;
}

static void test_split(void **state)
{
    (void)state;
    expect_bad(split(4, (const int64_t[]){2, 2}, 2), "Split", "axis 4 is out of range for rank 4");
    expect_bad(split(-5, (const int64_t[]){2, 2}, 2), "Split", "axis -5 is out of range");
    expect_bad(split(2, (const int64_t[]){-1, 5}, 2), "Split", "split[0] = -1 is out of range");
    expect_bad(split(2, (const int64_t[]){4, INT64_MAX}, 2), "Split",
               "split[1] = 9223372036854775807 is out of range for axis 2 of size 4");
    expect_bad(split(2, (const int64_t[]){1, 1, 2}, 3), "Split", "split has 3 entries for 2 outputs");
    expect_bad(split(2, (const int64_t[]){1, 1}, 2), "Split", "splits sum to 2, axis has 4");
    expect_ok(split(-2, (const int64_t[]){1, 3}, 2));
}

/* ------------------------------------------- window pads, kernel sizes */

static void test_conv_transpose_pads(void **state)
{
    (void)state;
    static const int64_t wd[] = {2, 2, 3, 3};
    for (int k = 0; k < 2; k++) {
        MB *b = mb_new(13);
        Onnx__NodeProto *n = one_node(b, "ConvTranspose", "w", X4, 4);
        static const float w[36] = {0};
        mb_init(b, mb_tensor_floats(b, "w", 4, wd, w, 36));
        if (k == 0)
            mb_attr_ints(b, n, "output_padding", 2, (const int64_t[]){INT64_MAX, 0});
        else
            mb_attr_ints(b, n, "pads", 4, (const int64_t[]){0, INT64_MAX, 0, 0});
        expect_bad(b, "ConvTranspose", "bad kernel, stride, dilation, pads or output_padding");
    }
    MB *b = mb_new(13);
    Onnx__NodeProto *n = one_node(b, "MaxPool", "", X4, 4);
    mb_attr_ints(b, n, "kernel_shape", 2, (const int64_t[]){2, 2});
    mb_attr_ints(b, n, "pads", 4, (const int64_t[]){0, -1, 0, 0});
    expect_bad(b, "MaxPool", "pad -1 is out of range");
}

/* LRN's size is legal at any positive value; 2^62 must neither hang nor
 * overflow the kernel's window (clipped to the channels): alpha / size is ~0,
 * so y = x / bias^beta = x. */
static void test_lrn_huge_size(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    Onnx__NodeProto *n = one_node(b, "LRN", "", X4, 4);
    mb_attr_int(b, n, "size", (int64_t)1 << 62);
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    Diag d = {0};
    Graph *g = onnx_load_buffer(buf, len, "lrn.onnx", NULL, &d);
    assert_non_null(g);
    assert_true(ir_infer_shapes(g, &d) && passes_run(g, NULL, NULL, &d));
    float x[32], y[32];
    for (int i = 0; i < 32; i++)
        x[i] = (float)(i % 5) - 2.0f;
    const float *ins[1] = {x};
    float *outs[1] = {y};
    assert_true(rt_interpret(g, ins, outs, &d));
    for (int i = 0; i < 32; i++)
        assert_float_equal(y[i], x[i], 1e-6);
    ir_graph_free(g);
    mb_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resize_axes),
        cmocka_unit_test(test_slice),
        cmocka_unit_test(test_squeeze_unsqueeze),
        cmocka_unit_test(test_reduce),
        cmocka_unit_test(test_pad),
        cmocka_unit_test(test_single_axis),
        cmocka_unit_test(test_gather_indices),
        cmocka_unit_test(test_transpose_perm),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_conv_transpose_pads),
        cmocka_unit_test(test_lrn_huge_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
