/* SPDX-License-Identifier: MIT */
/*
 * test_codegen_fast.c - the fast conv paths end to end: a chain of convs of
 * the shape classes conv_direct_blk16 and conv_reduce_blk16 cover (stride 2
 * and 3, dilation 2, asymmetric pads, 1x1, 7x7, channel counts 1, 3, 17, 24,
 * 33, m = 1, 8, 17, 24, padded blk16 tensors between convs, the epilogues
 * leakyrelu, sigmoid, hardswish, clip, tanh, silu, relu6)
 * goes through the pipeline and codegen; the emitted C, built with
 * -O3 -march=native, with -O2 -mavx2 -mfma and with plain -O2 (the portable
 * path), must match the reference interpreter on the same graph. The kernels
 * and layouts the pass chose are checked first, so the test fails if the
 * fast paths are not what runs. The compiler is $CC or cc.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codegen.h"
#include "passes.h"
#include "rt.h"

static char tmpdir[256];

static int run_cmd(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc != 0)
        print_error("command failed (%d): %s\n", rc, cmd);
    return rc;
}

static void fill_random(float *v, size_t n, uint32_t seed, float scale)
{
    uint32_t s = seed * 2654435761u + 7u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        v[i] = ((float)((s >> 8) & 0xffff) / 32768.0f - 1.0f) * scale;
    }
}

typedef struct ConvSpec {
    int m, k, s, d, pt, pl, pb, pr;
    Act act;
    float alpha, beta;
} ConvSpec;

/* y = Conv(x, w, b) with spec; c input channels. */
static int add_conv(Graph *g, int x, int c, const ConvSpec *cs, int idx)
{
    const int64_t wd[4] = {cs->m, c, cs->k, cs->k}, bd[1] = {cs->m};
    size_t nw = (size_t)cs->m * c * cs->k * cs->k;
    float *w = malloc(nw * sizeof *w), *b = malloc((size_t)cs->m * sizeof *b);
    assert_non_null(w);
    assert_non_null(b);
    fill_random(w, nw, (uint32_t)idx + 10, 1.5f / sqrtf((float)(c * cs->k * cs->k)));
    fill_random(b, (size_t)cs->m, (uint32_t)idx + 50, 0.3f);
    char name[32];
    snprintf(name, sizeof name, "w%d", idx);
    int wt = ir_add_const(g, name, DT_F32, 4, wd, w);
    snprintf(name, sizeof name, "b%d", idx);
    int bt = ir_add_const(g, name, DT_F32, 1, bd, b);
    free(w);
    free(b);
    snprintf(name, sizeof name, "y%d", idx);
    int y = ir_add_tensor(g, name, TK_VALUE, DT_F32);
    snprintf(name, sizeof name, "conv%d", idx);
    int id = ir_add_node(g, OP_CONV, name, (int[]){x, wt, bt}, 3, &y, 1);
    assert_true(id >= 0);
    const int64_t k[2] = {cs->k, cs->k}, s[2] = {cs->s, cs->s}, d[2] = {cs->d, cs->d};
    const int64_t pads[4] = {cs->pt, cs->pl, cs->pb, cs->pr};
    Attr attrs[4] = {
        {.name = "kernel_shape", .type = AT_INTS, .ints = k, .n = 2, .tensor = -1},
        {.name = "strides", .type = AT_INTS, .ints = s, .n = 2, .tensor = -1},
        {.name = "dilations", .type = AT_INTS, .ints = d, .n = 2, .tensor = -1},
        {.name = "pads", .type = AT_INTS, .ints = pads, .n = 4, .tensor = -1},
    };
    assert_true(ir_node_set_attrs(g, id, attrs, 4));
    /* the fused epilogue, as pass_fuse records it */
    g->nodes[id].act = cs->act;
    g->nodes[id].act_alpha = cs->alpha;
    g->nodes[id].act_beta = cs->beta;
    return y;
}

static const ConvSpec chain[] = {
    /* m  k  s  d  pt pl pb pr act, alpha, beta */
    {24, 7, 2, 1, 3, 3, 3, 3, ACT_LEAKY_RELU, 0.1f, 0},   /* first conv from 3 channels, 7x7 s2 */
    {17, 1, 1, 1, 0, 0, 0, 0, ACT_SIGMOID, 0, 0},        /* 1x1, padded lanes after sigmoid */
    {33, 3, 1, 2, 2, 1, 2, 3, ACT_HARD_SWISH, 0, 0},     /* dilation 2, asymmetric pads */
    {8, 3, 3, 1, 1, 0, 0, 1, ACT_CLIP, -0.2f, 0.4f},     /* stride 3, m = 8: the reduce kernel */
    {16, 3, 1, 1, 1, 1, 1, 1, ACT_TANH, 0, 0},           /* from 8 NCHW channels */
    {24, 3, 1, 1, 1, 1, 1, 1, ACT_SILU, 0, 0},
    {1, 3, 1, 1, 1, 1, 1, 1, ACT_RELU6, 0, 0},           /* m = 1 over 24 blk16 channels */
};
enum { N_CHAIN = sizeof chain / sizeof chain[0], X_C = 3, X_H = 29, X_W = 31 };

static Graph *build(int *y_out, int64_t *ny)
{
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 13;
    g->source = "fast_convs";
    int x = ir_add_tensor(g, "x", TK_INPUT, DT_F32);
    g->tensors[x].rank = 4;
    const int64_t xd[4] = {1, X_C, X_H, X_W};
    memcpy(g->tensors[x].dims, xd, sizeof xd);
    int t = x, c = X_C;
    for (int i = 0; i < N_CHAIN; i++) {
        t = add_conv(g, t, c, &chain[i], i);
        c = chain[i].m;
    }
    g->inputs = arena_calloc(g->arena, 1, sizeof(int));
    g->outputs = arena_calloc(g->arena, 1, sizeof(int));
    g->inputs[0] = x;
    g->outputs[0] = t;
    g->n_inputs = g->n_outputs = 1;
    g->tensors[t].is_output = true;
    Diag d = {0};
    if (!ir_infer_shapes(g, &d) || !passes_run(g, NULL, NULL, &d))
        fail_msg("pipeline: %s (%s)", d.msg, d.node);
    *y_out = t;
    *ny = ir_numel(&g->tensors[t]);
    return g;
}

static const char driver[] =
    "#include <stdio.h>\n"
    "#include \"fc.h\"\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "    static float x[FC_X_SIZE], y[FC_Y6_SIZE];\n"
    "    FILE *f = fopen(argv[1], \"rb\");\n"
    "    if (argc != 3 || !f || fread(x, sizeof x, 1, f) != 1) return 2;\n"
    "    fclose(f);\n"
    "    if (fc_run(x, y) != 0) return 3;\n"
    "    f = fopen(argv[2], \"wb\");\n"
    "    if (!f || fwrite(y, sizeof y, 1, f) != 1) return 4;\n"
    "    return fclose(f) != 0;\n"
    "}\n";

static void test_fast_convs_end_to_end(void **state)
{
    (void)state;
    int y;
    int64_t ny;
    Graph *g = build(&y, &ny);
    /* the pass chose the fast kernels, blk16 where two convs meet */
    int direct = 0, reduce = 0, padded = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        direct += g->nodes[i].kernel == KERNEL_CONV_DIRECT_BLK16;
        reduce += g->nodes[i].kernel == KERNEL_CONV_REDUCE_BLK16;
        const Tensor *o = &g->tensors[g->nodes[i].out[0]];
        padded += o->layout == LAYOUT_BLK16 && o->dims[1] % 16 != 0;
    }
    assert_int_equal(direct, N_CHAIN - 2);   /* m = 8 and m = 1 over >= 16 channels: reduce */
    assert_int_equal(reduce, 2);
    assert_true(padded >= 2);

    size_t nx = (size_t)X_C * X_H * X_W;
    float *x = malloc(nx * sizeof *x), *want = malloc((size_t)ny * sizeof *want);
    float *got = malloc((size_t)ny * sizeof *got);
    assert_non_null(x);
    assert_non_null(want);
    assert_non_null(got);
    fill_random(x, nx, 99, 1.0f);
    Diag d = {0};
    const float *in[1] = {x};
    float *out[1] = {want};
    if (!rt_interpret(g, in, out, &d))
        fail_msg("rt_interpret: %s", d.msg);

    char path[512];
    snprintf(path, sizeof path, "%s/fc.c", tmpdir);
    FILE *c = fopen(path, "wb");
    snprintf(path, sizeof path, "%s/fc.h", tmpdir);
    FILE *h = fopen(path, "wb");
    assert_non_null(c);
    assert_non_null(h);
    CgOptions opt = {.name = "fc", .header_name = "fc.h"};
    bool ok = cg_emit(g, &opt, c, h, &d);
    fclose(c);
    fclose(h);
    if (!ok)
        fail_msg("cg_emit: %s (%s)", d.msg, d.node);
    snprintf(path, sizeof path, "%s/driver.c", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(driver, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/x.bin", tmpdir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(x, sizeof *x, nx, f), nx);
    fclose(f);

    const char *cc = getenv("CC") && getenv("CC")[0] ? getenv("CC") : "cc";
    static const char *const flags[] = {"-O3 -march=native", "-O2 -mavx2 -mfma", "-O2"};
    for (size_t k = 0; k < ARRAY_LEN(flags); k++) {
        if (k == 1 && run_cmd("echo 'int main(void){return 0;}' | %s -mavx2 -mfma -x c - -o "
                              "%s/probe 2>/dev/null && grep -q avx2 /proc/cpuinfo", cc, tmpdir) != 0)
            continue;   /* no AVX2: that build could not run here */
        print_message("building with %s\n", flags[k]);
        assert_int_equal(run_cmd("cd '%s' && %s -std=c11 -Wall -Wextra -Wpedantic -Werror %s -o "
                                 "drv driver.c fc.c -lm && ./drv x.bin y.bin", tmpdir, cc, flags[k]),
                         0);
        snprintf(path, sizeof path, "%s/y.bin", tmpdir);
        f = fopen(path, "rb");
        assert_non_null(f);
        assert_int_equal(fread(got, sizeof *got, (size_t)ny, f), (size_t)ny);
        fclose(f);
        for (int64_t i = 0; i < ny; i++)
            if (!(fabsf(got[i] - want[i]) <= 1e-5f + 1e-4f * fabsf(want[i])))
                fail_msg("%s: y[%lld]: emitted %.9g, interpreter %.9g", flags[k], (long long)i,
                         (double)got[i], (double)want[i]);
    }
    free(x);
    free(want);
    free(got);
    ir_graph_free(g);
}

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/onnxc_test_codegen_fast_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    if (getenv("ONNXC_KEEP_TMP"))
        return 0;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_convs_end_to_end),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
