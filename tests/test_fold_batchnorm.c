/* SPDX-License-Identifier: MIT */
/*
 * test_fold_batchnorm.c - pass_fold_batchnorm on small graphs built in C:
 * Conv and ConvTranspose (grouped, with and without bias) followed by a
 * BatchNormalization give the same numbers through the reference interpreter
 * before and after the pass, with one node fewer; a conv output read twice,
 * or statistics that are not constant, are left alone.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "passes.h"
#include "rt.h"

/* Deterministic pseudo-random values in [-1, 1). */
static float rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (float)((*s >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static int konst(Graph *g, const char *name, int rank, const int64_t *dims, unsigned *s,
                 float lo)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= dims[i];
    float *v = malloc(sizeof(float) * (size_t)n);
    assert_non_null(v);
    for (int64_t i = 0; i < n; i++)
        v[i] = lo > 0 ? lo + fabsf(rnd(s)) : rnd(s);
    int t = ir_add_const(g, name, DT_F32, rank, dims, v);
    free(v);
    assert_true(t >= 0);
    return t;
}

/* x (1,4,5,5) -> op (Conv or ConvTranspose, group 2) -> BatchNorm -> y.
 * extra_reader: the conv output is also a graph output. runtime_stats: the
 * BN mean is a graph input. */
static Graph *build(OpKind op, bool bias, bool extra_reader, bool runtime_stats)
{
    unsigned s = 7;
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 13;
    int x = ir_add_tensor(g, "x", TK_INPUT, DT_F32);
    g->tensors[x].rank = 4;
    int64_t xd[4] = {1, 4, 5, 5};
    memcpy(g->tensors[x].dims, xd, sizeof xd);
    int64_t wd[4] = {op == OP_CONV ? 6 : 4, op == OP_CONV ? 2 : 3, 3, 3}, m = 6;
    int w = konst(g, "w", 4, wd, &s, 0);
    int b = bias ? konst(g, "b", 1, &m, &s, 0) : -1;
    int sc = konst(g, "scale", 1, &m, &s, 0.5f), be = konst(g, "beta", 1, &m, &s, 0);
    int mean = konst(g, "mean", 1, &m, &s, 0), var = konst(g, "var", 1, &m, &s, 0.5f);
    int inputs[2] = {x, -1}, n_in = 1;
    if (runtime_stats) {
        mean = ir_add_tensor(g, "mean_in", TK_INPUT, DT_F32);
        g->tensors[mean].rank = 1;
        g->tensors[mean].dims[0] = m;
        inputs[n_in++] = mean;
    }
    int c = ir_add_tensor(g, "c", TK_VALUE, DT_F32), y = ir_add_tensor(g, "y", TK_VALUE, DT_F32);
    int cin[3] = {x, w, b};
    int node = ir_add_node(g, op, "conv", cin, bias ? 3 : 2, &c, 1);
    assert_true(node >= 0);
    Attr a[2] = {{.name = "group", .type = AT_INT, .i = 2}, {.name = "pads", .type = AT_INTS,
                 .ints = (const int64_t[]){1, 1, 1, 1}, .n = 4}};
    assert_true(ir_node_set_attrs(g, node, a, 2));
    int bin[5] = {c, sc, be, mean, var};
    assert_true(ir_add_node(g, OP_BATCHNORM, "bn", bin, 5, &y, 1) >= 0);
    g->inputs = arena_calloc(g->arena, 2, sizeof(int));
    memcpy(g->inputs, inputs, sizeof inputs);
    g->n_inputs = n_in;
    g->outputs = arena_calloc(g->arena, 2, sizeof(int));
    g->outputs[0] = y;
    g->n_outputs = 1;
    g->tensors[y].is_output = true;
    if (extra_reader) {
        g->outputs[1] = c;
        g->n_outputs = 2;
        g->tensors[c].is_output = true;
    }
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    return g;
}

/* Runs g on fixed inputs; returns output 0 (malloc'd) and its size. */
static float *run(const Graph *g, int64_t *n)
{
    unsigned s = 99;
    const float *ins[2];
    float *bufs[2];
    for (int k = 0; k < g->n_inputs; k++) {
        int64_t ne = ir_numel(&g->tensors[g->inputs[k]]);
        bufs[k] = malloc(sizeof(float) * (size_t)ne);
        assert_non_null(bufs[k]);
        for (int64_t i = 0; i < ne; i++)
            bufs[k][i] = rnd(&s);
        ins[k] = bufs[k];
    }
    float *outs[2];
    for (int k = 0; k < g->n_outputs; k++) {
        outs[k] = calloc((size_t)ir_numel(&g->tensors[g->outputs[k]]), sizeof(float));
        assert_non_null(outs[k]);
    }
    Diag d = {0};
    assert_true(rt_interpret(g, ins, outs, &d));
    for (int k = 0; k < g->n_inputs; k++)
        free(bufs[k]);
    for (int k = 1; k < g->n_outputs; k++)
        free(outs[k]);
    *n = ir_numel(&g->tensors[g->outputs[0]]);
    return outs[0];
}

static void check_folds(OpKind op, bool bias)
{
    Graph *g = build(op, bias, false, false);
    int64_t n0, n1;
    float *before = run(g, &n0);
    Diag d = {0};
    assert_true(pass_fold_batchnorm(g, &d));
    assert_true(ir_verify(g, &d));
    assert_int_equal(g->n_nodes, 1);
    assert_int_equal(g->nodes[0].op, op);
    float *after = run(g, &n1);
    assert_int_equal(n0, n1);
    for (int64_t i = 0; i < n0; i++)
        assert_true(fabsf(after[i] - before[i]) <= 1e-5f + 1e-5f * fabsf(before[i]));
    free(before);
    free(after);
    ir_graph_free(g);
}

static void test_conv_bias(void **state)
{
    (void)state;
    check_folds(OP_CONV, true);
}

static void test_conv_no_bias(void **state)
{
    (void)state;
    check_folds(OP_CONV, false);
}

static void test_conv_transpose(void **state)
{
    (void)state;
    check_folds(OP_CONV_TRANSPOSE, true);
    check_folds(OP_CONV_TRANSPOSE, false);
}

static void test_left_alone(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        Graph *g = build(OP_CONV, true, k == 0, k == 1);
        Diag d = {0};
        assert_true(pass_fold_batchnorm(g, &d));
        assert_int_equal(g->n_nodes, 2);
        ir_graph_free(g);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_bias),
        cmocka_unit_test(test_conv_no_bias),
        cmocka_unit_test(test_conv_transpose),
        cmocka_unit_test(test_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
