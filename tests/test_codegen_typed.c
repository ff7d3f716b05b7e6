/* SPDX-License-Identifier: MIT */
/*
 * test_codegen_typed.c - graphs whose data is not f32, end to end: the pass
 * pipeline, the reference interpreter (rt_interpret_any) and the emitted C
 * compiled with the strict flags must agree byte for byte, since both run the
 * typed kernels of runtime/typed.c. The graph mixes int32 arithmetic that
 * wraps, Cast to f16, int64 and int8 with Clip, a Transpose of int32 data, a
 * typed constant (weight), and an f32 Relu fed by a Cast, so typed and f32
 * node functions share one workspace. The compiler is $CC or cc.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codegen.h"
#include "ir.h"
#include "passes.h"
#include "rt.h"

static char tmpdir[256];

static int run_cmd(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

static int tensor(Graph *g, const char *name, TensorKind kind, DType t)
{
    int id = ir_add_tensor(g, name, kind, t);
    assert_true(id >= 0);
    return id;
}

static void node(Graph *g, OpKind op, const char *name, const int *in, int n_in, int out,
                 const Attr *attrs, int n_attrs)
{
    int id = ir_add_node(g, op, name, in, n_in, &out, 1);
    assert_true(id >= 0);
    if (n_attrs)
        assert_true(ir_node_set_attrs(g, id, attrs, n_attrs));
}

static void cast(Graph *g, const char *name, int x, int y, DType to)
{
    Attr a = {.name = "to", .type = AT_INT, .i = to, .tensor = -1};
    node(g, OP_CAST, name, (int[]){x}, 1, y, &a, 1);
}

enum { N_OUT = 5 };
static const int64_t out_bytes[N_OUT] = {6 * 2, 6 * 4, 6 * 8, 6 * 1, 6 * 4};

/* x: i32[2,3] -> y_h f16 = Cast((x + c)^2), y_t i32 = Transpose(x + c),
 * y_n i64 = -Cast(x), y_c i8 = Clip(Cast(x), -5, 5), y_r f32 = Relu(Cast(x)). */
static Graph *build(void)
{
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 19;
    g->source = "typed.onnx";
    int x = tensor(g, "x", TK_INPUT, DT_I32);
    g->tensors[x].rank = 2;
    g->tensors[x].dims[0] = 2;
    g->tensors[x].dims[1] = 3;
    const int32_t cv[3] = {1, -2, INT32_MAX};
    int c = ir_add_const(g, "c", DT_I32, 1, (const int64_t[]){3}, cv);
    const int8_t lo = -5, hi = 5;
    int clo = ir_add_const(g, "lo", DT_I8, 0, NULL, &lo);
    int chi = ir_add_const(g, "hi", DT_I8, 0, NULL, &hi);
    int a = tensor(g, "a", TK_VALUE, DT_UNDEFINED);
    int m = tensor(g, "m", TK_VALUE, DT_UNDEFINED);
    int yh = tensor(g, "y_h", TK_VALUE, DT_UNDEFINED);
    int yt = tensor(g, "y_t", TK_VALUE, DT_UNDEFINED);
    int l = tensor(g, "l", TK_VALUE, DT_UNDEFINED);
    int yn = tensor(g, "y_n", TK_VALUE, DT_UNDEFINED);
    int b = tensor(g, "b", TK_VALUE, DT_UNDEFINED);
    int yc = tensor(g, "y_c", TK_VALUE, DT_UNDEFINED);
    int f = tensor(g, "f", TK_VALUE, DT_UNDEFINED);
    int yr = tensor(g, "y_r", TK_VALUE, DT_UNDEFINED);
    node(g, OP_ADD, "add", (int[]){x, c}, 2, a, NULL, 0);
    node(g, OP_MUL, "square", (int[]){a, a}, 2, m, NULL, 0);
    cast(g, "to_f16", m, yh, DT_F16);
    node(g, OP_TRANSPOSE, "transpose", (int[]){a}, 1, yt, NULL, 0);
    cast(g, "to_i64", x, l, DT_I64);
    node(g, OP_NEG, "neg", (int[]){l}, 1, yn, NULL, 0);
    cast(g, "to_i8", x, b, DT_I8);
    node(g, OP_CLIP, "clip", (int[]){b, clo, chi}, 3, yc, NULL, 0);
    cast(g, "to_f32", x, f, DT_F32);
    node(g, OP_RELU, "relu", (int[]){f}, 1, yr, NULL, 0);
    int outs[N_OUT] = {yh, yt, yn, yc, yr};
    g->inputs = arena_calloc(g->arena, 1, sizeof(int));
    g->outputs = arena_calloc(g->arena, N_OUT, sizeof(int));
    assert_non_null(g->inputs);
    assert_non_null(g->outputs);
    g->inputs[0] = x;
    g->n_inputs = 1;
    memcpy(g->outputs, outs, sizeof outs);
    g->n_outputs = N_OUT;
    for (int i = 0; i < N_OUT; i++)
        g->tensors[outs[i]].is_output = true;
    Diag d = {0};
    if (!passes_run(g, NULL, NULL, &d))
        fail_msg("passes: %s (%s)", d.msg, d.node);
    return g;
}

static const char driver[] =
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "#include \"typed.h\"\n"
    "int main(void)\n"
    "{\n"
    "    static const int32_t x[6] = {7, -3, 2, -40000, 46341, -1};\n"
    "    uint16_t yh[TYPED_Y_H_SIZE];\n"
    "    int32_t yt[TYPED_Y_T_SIZE];\n"
    "    int64_t yn[TYPED_Y_N_SIZE];\n"
    "    int8_t yc[TYPED_Y_C_SIZE];\n"
    "    float yr[TYPED_Y_R_SIZE];\n"
    "    if (typed_run(x, yh, yt, yn, yc, yr) != 0) return 1;\n"
    "    FILE *f = fopen(\"out.bin\", \"wb\");\n"
    "    if (!f) return 2;\n"
    "    fwrite(yh, sizeof yh, 1, f); fwrite(yt, sizeof yt, 1, f); fwrite(yn, sizeof yn, 1, f);\n"
    "    fwrite(yc, sizeof yc, 1, f); fwrite(yr, sizeof yr, 1, f);\n"
    "    return fclose(f) != 0;\n"
    "}\n";

static void test_typed_end_to_end(void **state)
{
    (void)state;
    Graph *g = build();
    /* the expected results, worked by hand for the integer outputs */
    static const int32_t xv[6] = {7, -3, 2, -40000, 46341, -1};
    unsigned char want[5][48];
    void *outs[N_OUT] = {want[0], want[1], want[2], want[3], want[4]};
    const void *ins[1] = {xv};
    Diag d = {0};
    if (!rt_interpret_any(g, ins, outs, &d))
        fail_msg("rt_interpret_any: %s (%s)", d.msg, d.node);
    const int32_t *t = (const int32_t *)(void *)want[1];   /* x + c, transposed to [3,2] */
    assert_int_equal(t[0], 8);
    assert_int_equal(t[1], -39999);
    assert_int_equal(t[2], -5);
    assert_int_equal(t[3], 46339);
    assert_int_equal(t[4], INT32_MIN + 1);   /* 2 + INT32_MAX wraps */
    assert_int_equal(t[5], INT32_MAX - 1);
    const int64_t *n = (const int64_t *)(void *)want[2];
    assert_int_equal(n[3], 40000);
    const int8_t *cl = (const int8_t *)(void *)want[3];
    assert_int_equal(cl[0], 5);     /* 7 */
    assert_int_equal(cl[3], -5);    /* -40000 wraps to int8 -64, then clipped */
    assert_int_equal(cl[4], 5);     /* 46341 wraps to 5 */
    const float *r = (const float *)(void *)want[4];
    assert_true(r[0] == 7.0f && r[1] == 0.0f && r[4] == 46341.0f);
    const uint16_t *h = (const uint16_t *)(void *)want[0];
    assert_int_equal(h[0], 0x5400);   /* 64 in f16 */

    char cp[512], hp[512];
    snprintf(cp, sizeof cp, "%s/typed.c", tmpdir);
    snprintf(hp, sizeof hp, "%s/typed.h", tmpdir);
    FILE *c = fopen(cp, "wb"), *hf = fopen(hp, "wb");
    assert_non_null(c);
    assert_non_null(hf);
    CgOptions opt = {.name = "typed", .header_name = "typed.h"};
    bool ok = cg_emit(g, &opt, c, hf, &d);
    fclose(c);
    fclose(hf);
    if (!ok)
        fail_msg("cg_emit: %s (%s)", d.msg, d.node);
    const char *cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";
    assert_int_equal(run_cmd("cd '%s' && %s -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -c "
                             "typed.c -o /dev/null", tmpdir, cc), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/driver.c", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(driver, f);
    fclose(f);
    assert_int_equal(run_cmd("cd '%s' && %s -std=c11 -O1 -o driver driver.c typed.c -lm && "
                             "./driver", tmpdir, cc), 0);
    snprintf(path, sizeof path, "%s/out.bin", tmpdir);
    f = fopen(path, "rb");
    assert_non_null(f);
    for (int k = 0; k < N_OUT; k++) {
        unsigned char got[48];
        assert_int_equal(fread(got, 1, (size_t)out_bytes[k], f), (size_t)out_bytes[k]);
        if (memcmp(got, want[k], (size_t)out_bytes[k]) != 0)
            fail_msg("output %d: the emitted code and the interpreter differ", k);
    }
    fclose(f);
    ir_graph_free(g);
}

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/onnxc_test_codegen_typed_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    if (getenv("ONNXC_KEEP_TMP"))
        return 0;
    return run_cmd("rm -rf '%s'", tmpdir) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typed_end_to_end),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
