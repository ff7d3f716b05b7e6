/* SPDX-License-Identifier: MIT */
/*
 * test_frontend_dtypes.c - tests of frontend/'s tensor decoding for every ONNX
 * element type (onnx_tensor.c), kept apart from test_frontend.c for size.
 *
 * Each case puts one initializer into a small Relu model (built with
 * model_builder.c), loads it with onnx_load_buffer and checks the constant's
 * bytes in the IR's layout: f16/bf16 bit patterns, float8 codes, sub-byte types
 * unpacked one element per byte (int4/int2 sign-extended). Bad data is checked
 * on the Diag (code and the message naming the tensor). Files written by
 * onnx_write_tensor are read back, packed sub-byte types included.
 */
#define _XOPEN_SOURCE 700   /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model_builder.h"
#include "onnx.h"

static const int64_t DIMS_2[] = {2};

/* x f32[2] -> Relu -> y; the initializer under test is added by the caller. */
static MB *relu_model(void)
{
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 1, DIMS_2, NULL);
    mb_node(b, "Relu", "r", "x", "y");
    mb_output(b, "y", 1);
    return b;
}

/* A tensor "t" of ONNX type code dtype and n elements (rank 1). */
static Onnx__TensorProto *tensor(MB *b, int dtype, int64_t n)
{
    int64_t *dims = mb_alloc(b, sizeof(int64_t));
    dims[0] = n;
    return mb_tensor(b, "t", dtype, 1, dims);
}

static Onnx__TensorProto *with_int32(MB *b, Onnx__TensorProto *t, const int32_t *v, size_t n)
{
    int32_t *copy = mb_alloc(b, n * sizeof *copy);
    memcpy(copy, v, n * sizeof *copy);
    t->n_int32_data = n;
    t->int32_data = copy;
    return t;
}

static Onnx__TensorProto *with_raw(MB *b, Onnx__TensorProto *t, const void *v, size_t n)
{
    uint8_t *copy = mb_alloc(b, n ? n : 1);
    memcpy(copy, v, n);
    t->has_raw_data = 1;
    t->raw_data.data = copy;
    t->raw_data.len = n;
    return t;
}

/* Loads b with t as initializer "t" and checks that it decodes to dtype and the
 * bytes want (n bytes); frees b. */
static void expect_bytes(MB *b, Onnx__TensorProto *t, DType dtype, const void *want, size_t n)
{
    mb_init(b, t);
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    Diag d = {0};
    Graph *g = onnx_load_buffer(buf, len, "dtypes.onnx", NULL, &d);
    if (!g)
        print_message("diag: %s\n", d.msg);
    assert_non_null(g);
    const Tensor *x = &g->tensors[ir_find_tensor(g, "t")];
    assert_int_equal(x->kind, TK_CONST);
    assert_int_equal(x->dtype, dtype);
    assert_int_equal(ir_numel(x) * (int64_t)dtype_size(dtype), (int64_t)n);
    assert_memory_equal(x->data, want, n);
    ir_graph_free(g);
    mb_free(b);
}

/* Loads b with t as initializer and expects failure with code and msg in the message. */
static void expect_fail(MB *b, Onnx__TensorProto *t, Status code, const char *msg)
{
    mb_init(b, t);
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    Diag d = {0};
    Graph *g = onnx_load_buffer(buf, len, "dtypes.onnx", NULL, &d);
    if (g)
        ir_graph_free(g);
    assert_null(g);
    if (d.code != code || !strstr(d.msg, msg))
        print_message("diag: code %d msg \"%s\"\n", (int)d.code, d.msg);
    assert_int_equal(d.code, code);
    assert_non_null(strstr(d.msg, msg));
    mb_free(b);
}

static void test_f16_bf16(void **state)
{
    (void)state;
    const uint16_t bits[3] = {0x3c00, 0xc000, 0x7e00};   /* 1, -2, NaN */
    MB *b = relu_model();
    expect_bytes(b, with_raw(b, tensor(b, 10, 3), bits, sizeof bits), DT_F16, bits, sizeof bits);

    /* onnx.helper.make_tensor writes f16 and bf16 as bit patterns in int32_data */
    const int32_t as_i32[3] = {0x3c00, 0xc000, 0x7e00};
    b = relu_model();
    expect_bytes(b, with_int32(b, tensor(b, 10, 3), as_i32, 3), DT_F16, bits, sizeof bits);
    b = relu_model();
    expect_bytes(b, with_int32(b, tensor(b, 16, 3), as_i32, 3), DT_BF16, bits, sizeof bits);

    const int32_t big[2] = {1, 70000};
    b = relu_model();
    expect_fail(b, with_int32(b, tensor(b, 10, 2), big, 2), ST_BAD_MODEL,
                "initializer \"t\" holds 70000 in int32_data, out of range for f16");
    b = relu_model();
    Onnx__TensorProto *t = tensor(b, 10, 2);
    float f[2] = {1, 2};
    t->n_float_data = 2;
    t->float_data = f;
    expect_fail(b, t, ST_BAD_MODEL, "of type f16 stores its data in float_data");
    b = relu_model();
    expect_fail(b, with_raw(b, tensor(b, 10, 3), bits, 4), ST_BAD_MODEL,
                "has 4 bytes of raw_data, dims [3] need 6");
}

static void test_float8(void **state)
{
    (void)state;
    const int32_t codes[4] = {0, 48, 126, 237};
    const uint8_t want[4] = {0, 48, 126, 237};
    const int types[5] = {17, 18, 19, 20, 24};
    const DType dts[5] = {DT_F8E4M3FN, DT_F8E4M3FNUZ, DT_F8E5M2, DT_F8E5M2FNUZ, DT_F8E8M0};
    for (int i = 0; i < 5; i++) {
        MB *b = relu_model();
        expect_bytes(b, with_int32(b, tensor(b, types[i], 4), codes, 4), dts[i], want, 4);
        b = relu_model();
        expect_bytes(b, with_raw(b, tensor(b, types[i], 4), want, 4), dts[i], want, 4);
    }
    const int32_t bad[2] = {3, 256};
    MB *b = relu_model();
    expect_fail(b, with_int32(b, tensor(b, 17, 2), bad, 2), ST_BAD_MODEL,
                "holds 256 in int32_data, out of range for f8e4m3fn");
}

static void test_int4_packed(void **state)
{
    (void)state;
    /* five elements, low nibble first, the last byte half used: 1 2 | 15 8 | 7 */
    const uint8_t raw[3] = {0x21, 0x8f, 0x07};
    const int8_t as_i4[5] = {1, 2, -1, -8, 7};
    const uint8_t as_u4[5] = {1, 2, 15, 8, 7};
    MB *b = relu_model();
    expect_bytes(b, with_raw(b, tensor(b, 22, 5), raw, 3), DT_I4, as_i4, 5);
    b = relu_model();
    expect_bytes(b, with_raw(b, tensor(b, 21, 5), raw, 3), DT_U4, as_u4, 5);
    b = relu_model();
    expect_bytes(b, with_raw(b, tensor(b, 23, 5), raw, 3), DT_F4E2M1, as_u4, 5);

    /* int32_data holds the same packed bytes, one per entry (ceil(5 / 2) entries) */
    const int32_t packed[3] = {0x21, 0x8f, 0x07};
    b = relu_model();
    expect_bytes(b, with_int32(b, tensor(b, 22, 5), packed, 3), DT_I4, as_i4, 5);
    b = relu_model();
    expect_fail(b, with_int32(b, tensor(b, 22, 5), packed, 2), ST_BAD_MODEL,
                "has 2 entries in int32_data, dims [5] need 3 (packed bytes)");
    const int32_t wide[3] = {0x21, 0x18f, 0x07};
    b = relu_model();
    expect_fail(b, with_int32(b, tensor(b, 21, 5), wide, 3), ST_BAD_MODEL,
                "holds 399 in int32_data, out of range for u4");
    b = relu_model();
    expect_fail(b, with_raw(b, tensor(b, 22, 5), raw, 2), ST_BAD_MODEL,
                "has 2 bytes of raw_data, dims [5] need 3");
}

static void test_2bit_packed(void **state)
{
    (void)state;
    /* seven elements, lowest bits first: 0xe4 = 0 1 2 3, 0x39 = 1 2 3 (and 0 unused) */
    const uint8_t raw[2] = {0xe4, 0x39};
    const uint8_t as_u2[7] = {0, 1, 2, 3, 1, 2, 3};
    const int8_t as_i2[7] = {0, 1, -2, -1, 1, -2, -1};
    MB *b = relu_model();
    expect_bytes(b, with_raw(b, tensor(b, 25, 7), raw, 2), DT_U2, as_u2, 7);
    b = relu_model();
    expect_bytes(b, with_raw(b, tensor(b, 26, 7), raw, 2), DT_I2, as_i2, 7);
    const int32_t packed[2] = {0xe4, 0x39};
    b = relu_model();
    expect_bytes(b, with_int32(b, tensor(b, 25, 7), packed, 2), DT_U2, as_u2, 7);
    b = relu_model();
    expect_fail(b, with_raw(b, tensor(b, 25, 7), raw, 1), ST_BAD_MODEL,
                "has 1 bytes of raw_data, dims [7] need 2");
}

static void test_wide_ints(void **state)
{
    (void)state;
    MB *b = relu_model();
    Onnx__TensorProto *t = tensor(b, 12, 2);
    uint64_t u32[2] = {1, 4294967295u};
    t->n_uint64_data = 2;
    t->uint64_data = u32;
    const uint32_t want32[2] = {1, 4294967295u};
    expect_bytes(b, t, DT_U32, want32, sizeof want32);

    b = relu_model();
    t = tensor(b, 12, 2);
    uint64_t over[2] = {5, 4294967296u};
    t->n_uint64_data = 2;
    t->uint64_data = over;
    expect_fail(b, t, ST_BAD_MODEL,
                "initializer \"t\" holds 4294967296 in uint64_data, out of range for u32");

    b = relu_model();
    t = tensor(b, 13, 2);
    uint64_t u64[2] = {7, UINT64_MAX};
    t->n_uint64_data = 2;
    t->uint64_data = u64;
    expect_bytes(b, t, DT_U64, u64, sizeof u64);

    const int32_t i16[3] = {-32768, 0, 32767};
    const int16_t want16[3] = {-32768, 0, 32767};
    b = relu_model();
    expect_bytes(b, with_int32(b, tensor(b, 5, 3), i16, 3), DT_I16, want16, sizeof want16);
    const int32_t u16[2] = {65535, -1};
    b = relu_model();
    expect_fail(b, with_int32(b, tensor(b, 4, 2), u16, 2), ST_BAD_MODEL,
                "holds -1 in int32_data, out of range for u16");

    /* uint32 belongs in uint64_data, not int32_data */
    const int32_t small[2] = {1, 2};
    b = relu_model();
    expect_fail(b, with_int32(b, tensor(b, 12, 2), small, 2), ST_BAD_MODEL,
                "stores its data in int32_data (ONNX uses uint64_data)");
}

static void test_bool(void **state)
{
    (void)state;
    const int32_t ok[3] = {1, 0, 1};
    const uint8_t want[3] = {1, 0, 1};
    MB *b = relu_model();
    expect_bytes(b, with_int32(b, tensor(b, 9, 3), ok, 3), DT_BOOL, want, 3);
    const int32_t two[3] = {1, 2, 0};
    b = relu_model();
    expect_fail(b, with_int32(b, tensor(b, 9, 3), two, 3), ST_BAD_MODEL,
                "holds 2 in int32_data, out of range for bool");
    const uint8_t raw[2] = {0, 5};
    b = relu_model();
    expect_fail(b, with_raw(b, tensor(b, 9, 2), raw, 2), ST_BAD_MODEL, "holds bool byte 5");
}

static void test_unsupported_types(void **state)
{
    (void)state;
    const uint8_t raw[16] = {0};
    MB *b = relu_model();
    expect_fail(b, with_raw(b, tensor(b, 14, 2), raw, 16), ST_UNSUPPORTED,
                "initializer \"t\" has element type complex64 (14), which onnxc does not "
                "support");
    b = relu_model();
    expect_fail(b, tensor(b, 8, 0), ST_UNSUPPORTED, "has element type string (8)");
    b = relu_model();
    expect_fail(b, with_raw(b, tensor(b, 27, 2), raw, 2), ST_UNSUPPORTED,
                "has element type of unknown code (27)");
}

/* onnx_write_tensor packs sub-byte types; onnx_read_tensor unpacks them again. */
static void test_write_read_any_dtype(void **state)
{
    (void)state;
    char dir[] = "/tmp/onnxc_test_dtypes_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof(path), "%s/t.pb", dir);
    int8_t i4[5] = {-8, 7, 0, -1, 3};
    uint16_t f16[3] = {0x3c00, 0x8000, 0x7c00};
    int64_t i64[2] = {-3, 1LL << 50};
    uint8_t u2[6] = {3, 0, 1, 2, 3, 3};
    struct {
        DType dt;
        int64_t n;
        const void *data;
        size_t file_bytes;     /* raw_data length in the file */
    } cases[] = {
        {DT_I4, 5, i4, 3}, {DT_F16, 3, f16, 6}, {DT_I64, 2, i64, 16}, {DT_U2, 6, u2, 2},
    };
    Arena *a = arena_new();
    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        OnnxTensor t = {cases[c].dt, 1, {cases[c].n}, (void *)(uintptr_t)cases[c].data, "o"};
        Diag d = {0};
        assert_true(onnx_write_tensor(path, &t, &d));
        OnnxTensor r;
        assert_true(onnx_read_tensor(path, a, &r, &d));
        assert_int_equal(r.dtype, cases[c].dt);
        assert_int_equal(r.rank, 1);
        assert_int_equal(r.dims[0], cases[c].n);
        assert_memory_equal(r.data, cases[c].data,
                            (size_t)cases[c].n * dtype_size(cases[c].dt));
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fclose(f);
        /* dims, data_type, name "o" and the raw_data field: the payload is packed */
        assert_true(size >= (long)cases[c].file_bytes && size < (long)cases[c].file_bytes + 16);
    }
    remove(path);
    assert_int_equal(rmdir(dir), 0);

    /* int4 data from the ONNX backend tests (packed in int32_data), when present */
    const char *shared = getenv("ONNXC_SHARED_DIR");
    if (shared) {
        snprintf(path, sizeof(path),
                 "%s/onnx-tests/node/test_dequantizelinear_int4/test_data_set_0/input_0.pb",
                 shared);
        FILE *f = fopen(path, "rb");
        if (f) {
            fclose(f);
            OnnxTensor r;
            Diag d = {0};
            assert_true(onnx_read_tensor(path, a, &r, &d));
            assert_int_equal(r.dtype, DT_I4);
            const int8_t want[5] = {0, 1, 7, -4, -8};   /* int32_data 16, 199, 8 */
            assert_int_equal(r.dims[0], 5);
            assert_memory_equal(r.data, want, 5);
        }
    }
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_f16_bf16),
        cmocka_unit_test(test_float8),
        cmocka_unit_test(test_int4_packed),
        cmocka_unit_test(test_2bit_packed),
        cmocka_unit_test(test_wide_ints),
        cmocka_unit_test(test_bool),
        cmocka_unit_test(test_unsupported_types),
        cmocka_unit_test(test_write_read_any_dtype),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
