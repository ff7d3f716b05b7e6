/* SPDX-License-Identifier: MIT */
/*
 * test_malformed.c - what `onnxc compile` does with a bad model, seen from the
 * outside: the malformed-model corpus of issue 5.
 *
 * Every case builds its model here (bytes, or protobuf-c structs through
 * model_builder.c), writes it into a fresh folder, runs the onnxc binary and
 * asserts exit status 1, the exact first line on stderr, and that the output
 * folder holds nothing: no OUT.c, no OUT.h, no temporary (cli_harness.c). One
 * more case renames the .h into place and then cannot rename the .c.
 * Needs $ONNXC, the onnxc binary (set by ctest).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cli_harness.h"

static MB *conv_model(void)
{
    static const int64_t dx[] = {1, 1, 4, 4}, dw[] = {2, 1, 3, 3};
    float w[18];
    for (int i = 0; i < 18; i++)
        w[i] = (float)(i % 5) * 0.25f - 0.5f;
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_init(b, mb_tensor_floats(b, "w", 4, dw, w, 18));
    Onnx__NodeProto *n = mb_node(b, "Conv", "conv1", "x,w", "c");
    const int64_t pads[] = {1, 1, 1, 1};
    mb_attr_ints(b, n, "pads", 4, pads);
    mb_node(b, "Relu", "relu1", "c", "y");
    mb_output(b, "y", 1);
    return b;
}

/* ------------------------------------------------------ bytes, not models */

static void test_empty_file(void **state)
{
    (void)state;
    char dir[256], path[600];
    cli_new_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    cli_write_file(path, "", 0);
    cli_expect_refusal(dir, NULL, "file is empty");
}

static void test_garbage(void **state)
{
    (void)state;
    char dir[256], path[600];
    cli_new_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    const char text[] = "this is not an ONNX model\n";
    cli_write_file(path, text, sizeof text - 1);
    cli_expect_refusal(dir, NULL, "not a valid ONNX model (protobuf decoding failed: truncated or "
                              "not a model)");
}

static void test_truncated(void **state)
{
    (void)state;
    MB *b = conv_model();
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    /* every cut inside the graph field: the length prefix then lies */
    for (size_t cut = len - 1; cut > len / 2; cut -= 7) {
        char dir[256], path[600];
        cli_new_dir(dir, sizeof dir);
        snprintf(path, sizeof path, "%s/model.onnx", dir);
        cli_write_file(path, buf, cut);
        cli_expect_refusal(dir, NULL, "not a valid ONNX model (protobuf decoding failed: truncated "
                                  "or not a model)");
    }
    mb_free(b);
}

static void test_huge_length_claim(void **state)
{
    (void)state;
    /* ModelProto.graph (field 7, length-delimited) claiming 2^40 bytes */
    const unsigned char bytes[] = {0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x0a, 0x00};
    char dir[256], path[600];
    cli_new_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    cli_write_file(path, bytes, sizeof bytes);
    cli_expect_refusal(dir, NULL, "not a valid ONNX model (protobuf decoding failed: truncated or "
                              "not a model)");
}

static void test_no_graph(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    b->m.graph = NULL;
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "model has no graph");
}

static void test_file_over_limit(void **state)
{
    (void)state;
    MB *b = conv_model();
    char dir[256], want[1024];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    size_t len;
    mb_pack(b, &len);
    mb_free(b);
    snprintf(want, sizeof want, "\"%s/model.onnx\" is %zu bytes, more than the limit of 100", dir,
             len);
    cli_expect_refusal(dir, "--max-bytes 100", want);
}

/* ------------------------------------------------------------ the graph */

static void test_unknown_ops(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    mb_node(b, "FrobnicateV2", "f1", "x", "a");
    mb_node(b, "Relu", "r", "a", "b2");
    mb_node(b, "FrobnicateV2", "f2", "b2", "c");
    mb_node(b, "Einsum", "", "c", "y");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "node \"f1\" (FrobnicateV2): unsupported ops: FrobnicateV2 "
                              "(2 nodes, first \"f1\"), Einsum (1 node, first node #3)");
}

static void test_custom_domain(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4};
    MB *b = mb_new(13);
    mb_opset(b, "com.example", 1);
    mb_input(b, "x", 1, 2, dx, NULL);
    Onnx__NodeProto *n = mb_node(b, "Relu", "custom", "x", "y");
    n->has_domain = 1;
    n->domain = mb_bin(b, "com.example");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "node \"custom\" (com.example.Relu): unsupported ops: "
                              "com.example.Relu (1 node, first \"custom\")");
}

static void test_missing_initializer(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 1, 4, 4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_node(b, "Conv", "conv1", "x,conv1.weight", "y");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "node \"conv1\" (Conv): input \"conv1.weight\" is not defined");
}

static void test_mismatched_channels(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 3, 4, 4}, dw[] = {2, 1, 3, 3};
    float w[18] = {0};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_init(b, mb_tensor_floats(b, "w", 4, dw, w, 18));
    mb_node(b, "Conv", "conv1", "x,w", "y");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "node \"conv1\" (Conv): weight W expects 1 input channels, X has 3");
}

static void test_cycle(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    mb_node(b, "Add", "add", "x,c", "a");
    mb_node(b, "Relu", "r1", "a", "bb");
    mb_node(b, "Relu", "r2", "bb", "c");
    mb_node(b, "Relu", "r3", "a", "y");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "node \"r2\" (Relu): graph has a cycle through this node (4 of 4 "
                              "nodes cannot be scheduled)");
}

static void test_duplicate_output(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    mb_node(b, "Relu", "r1", "x", "y");
    mb_node(b, "Sigmoid", "s1", "x", "y");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "node \"s1\" (Sigmoid): output \"y\" is also produced by node "
                              "\"r1\"");
}

/* ----------------------------------------------------------- sizes */

static void test_dim_2_pow_40(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4}, dw[] = {(int64_t)1 << 40};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    mb_init(b, mb_tensor(b, "w", 1, 1, dw));
    mb_node(b, "Add", "add", "x,w", "y");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "initializer \"w\" has dims [1099511627776], more than 1073741824 "
                              "elements");
}

static void test_input_dim_2_pow_40(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 1, (int64_t)1 << 40, 1};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_node(b, "Relu", "r", "x", "y");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "tensor \"x\" (f32[1,1,1099511627776,1]) has more than 1073741824 "
                              "elements");
}

static void test_dims_overflow(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4}, dw[] = {(int64_t)1 << 32, (int64_t)1 << 32, 16};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    mb_init(b, mb_tensor(b, "w", 1, 3, dw));
    mb_node(b, "Add", "add", "x,w", "y");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "initializer \"w\" has dims [4294967296,4294967296,16], more than "
                              "1073741824 elements");
}

static void test_negative_pad(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 1, 4, 4}, dw[] = {2, 1, 3, 3};
    float w[18] = {0};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_init(b, mb_tensor_floats(b, "w", 4, dw, w, 18));
    Onnx__NodeProto *n = mb_node(b, "Conv", "conv1", "x,w", "y");
    const int64_t pads[] = {1, -1, 1, 1};
    mb_attr_ints(b, n, "pads", 4, pads);
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "node \"conv1\" (Conv): pad -1 is out of range");
}

static void test_zero_size_input(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 0, 4, 4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_node(b, "Relu", "r", "x", "y");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "tensor \"x\" (f32[1,0,4,4]) is empty; onnxc does not compile "
                              "zero-size tensors");
}

/* Pads and a stride so large that a window start (out * stride - pad) no longer
 * fits the kernels' int: refused by shape inference. */
static void test_huge_pads_and_stride(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 1, 1024, 1}, dw[] = {1, 1, 1, 1};
    const float w[1] = {1.0f};
    const int64_t pads[] = {(int64_t)1 << 30, 0, (int64_t)1 << 30, 0};
    const int64_t strides[] = {(int64_t)1 << 30, 1};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_init(b, mb_tensor_floats(b, "w", 4, dw, w, 1));
    Onnx__NodeProto *n = mb_node(b, "Conv", "conv1", "x,w", "y");
    mb_attr_ints(b, n, "pads", 4, pads);
    mb_attr_ints(b, n, "strides", 2, strides);
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "node \"conv1\" (Conv): padded input 2147484672 or kernel extent 1 "
                              "is larger than 1073741824");
}

/* Resize to a huge output: refused by the limits after shape inference. */
static void test_huge_activation(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 1, 4, 4}, ds[] = {4};
    const float scales[] = {1, 1, 100000, 100000};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_init(b, mb_tensor_floats(b, "scales", 1, ds, scales, 4));
    mb_node(b, "Resize", "up", "x,,scales", "y");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "node \"up\" (Resize): tensor \"y\" (f32[1,1,400000,400000]) has "
                              "more than 1073741824 elements");
}

/* ------------------------------------------------------ external data */

static MB *external_model(const char *location)
{
    static const int64_t dx[] = {1, 4}, dw[] = {4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    Onnx__TensorProto *t = mb_tensor(b, "w", 1, 1, dw);
    t->has_data_location = 1;
    t->data_location = 1;
    t->n_external_data = 1;
    t->external_data = mb_alloc(b, sizeof(void *));
    Onnx__StringStringEntryProto *e = mb_alloc(b, sizeof(*e));
    onnx__string_string_entry_proto__init(e);
    e->has_key = e->has_value = 1;
    e->key = mb_bin(b, "location");
    e->value = mb_bin(b, location);
    t->external_data[0] = e;
    mb_init(b, t);
    mb_node(b, "Add", "add", "x,w", "y");
    mb_output(b, "y", 1);
    return b;
}

static void test_external_data(void **state)
{
    (void)state;
    char dir[256], want[1024];
    cli_new_dir(dir, sizeof dir);
    MB *b = external_model("weights.bin");
    cli_write_model(dir, b);
    mb_free(b);
    snprintf(want, sizeof want, "initializer \"w\": cannot open external data file "
             "\"%s/weights.bin\": No such file or directory", dir);
    cli_expect_refusal(dir, NULL, want);

    cli_new_dir(dir, sizeof dir);
    b = external_model("/etc/passwd");
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "initializer \"w\": external data location \"/etc/passwd\" is "
                              "outside the model's folder");

    cli_new_dir(dir, sizeof dir);
    b = external_model("sub/../../model.onnx");
    cli_write_model(dir, b);
    mb_free(b);
    cli_expect_refusal(dir, NULL, "initializer \"w\": external data location "
                              "\"sub/../../model.onnx\" is outside the model's folder");

    /* present but short: 16 bytes needed, 8 there */
    cli_new_dir(dir, sizeof dir);
    b = external_model("w.bin");
    cli_write_model(dir, b);
    mb_free(b);
    char path[600];
    snprintf(path, sizeof path, "%s/w.bin", dir);
    cli_write_file(path, "12345678", 8);
    snprintf(want, sizeof want, "initializer \"w\": external data file \"%s/w.bin\" is too short "
             "(16 bytes at offset 0)", dir);
    cli_expect_refusal(dir, NULL, want);
}

static void test_partial_write(void **state)
{
    (void)state;
    MB *b = conv_model();
    char dir[256], out[600], err[600], line[2048];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    snprintf(out, sizeof out, "%s/model_gen.c", dir);
    assert_int_equal(mkdir(out, 0700), 0);      /* rename() onto a folder fails */
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
    int rc = cli_run("'%s' compile '%s/model.onnx' -o '%s' 2>'%s'", cli_onnxc, dir, out, err);
    cli_first_line(err, line, sizeof line);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(line, "cannot rename into place"));
    const char *keep[] = {"model.onnx", "model_gen.c", "stderr.txt", NULL};
    cli_expect_only(dir, keep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_huge_length_claim),
        cmocka_unit_test(test_no_graph),
        cmocka_unit_test(test_file_over_limit),
        cmocka_unit_test(test_unknown_ops),
        cmocka_unit_test(test_custom_domain),
        cmocka_unit_test(test_missing_initializer),
        cmocka_unit_test(test_mismatched_channels),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_duplicate_output),
        cmocka_unit_test(test_dim_2_pow_40),
        cmocka_unit_test(test_input_dim_2_pow_40),
        cmocka_unit_test(test_dims_overflow),
        cmocka_unit_test(test_negative_pad),
        cmocka_unit_test(test_zero_size_input),
        cmocka_unit_test(test_huge_pads_and_stride),
        cmocka_unit_test(test_huge_activation),
        cmocka_unit_test(test_external_data),
        cmocka_unit_test(test_partial_write),
    };
    return cmocka_run_group_tests(tests, cli_setup, cli_teardown);
}
