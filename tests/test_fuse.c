/* SPDX-License-Identifier: MIT */
/*
 * test_fuse.c - pass_fuse and pass_remove_dead on small graphs built in C,
 * checked structurally and against golden IR dumps in
 * tests/golden/<case>.<pass>.ir (UPDATE_GOLDEN=1 rewrites them; the source
 * directory comes from ONNXC_SOURCE_DIR, which ctest sets).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "pass_test_util.h"
#include "passes.h"
#include "rt.h"

/* ------------------------------------------------------------ graph building */

static int value(Graph *g, const char *name) {
    int t = ir_add_tensor(g, name, TK_VALUE, DT_F32);
    assert_true(t >= 0);
    return t;
}

/* A graph with input x : f32[1,1,6,6]. */
static Graph *new_graph(int *x) {
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 13;
    *x = ir_add_tensor(g, "x", TK_INPUT, DT_F32);
    Tensor *t = &g->tensors[*x];
    t->rank = 4;
    t->dims[0] = 1;
    t->dims[1] = 1;
    t->dims[2] = 6;
    t->dims[3] = 6;
    add_list(g, &g->inputs, &g->n_inputs, *x);
    return g;
}

/* y = Conv(x, w[2,1,3,3], b[2]) with pads 1: f32[1,2,6,6]. */
static int conv(Graph *g, int x, const char *name) {
    float w[18], b[2] = {0.5f, -0.5f};
    for (int i = 0; i < 18; i++)
        w[i] = (float)(i % 5) * 0.25f - 0.5f;
    char buf[64];
    int64_t wd[4] = {2, 1, 3, 3}, bd[1] = {2};
    snprintf(buf, sizeof buf, "%s.w", name);
    int wt = ir_add_const(g, buf, DT_F32, 4, wd, w);
    snprintf(buf, sizeof buf, "%s.b", name);
    int bt = ir_add_const(g, buf, DT_F32, 1, bd, b);
    snprintf(buf, sizeof buf, "%s_out", name);
    int y = value(g, buf);
    int in[3] = {x, wt, bt};
    int node = ir_add_node(g, OP_CONV, name, in, 3, &y, 1);
    assert_true(node >= 0);
    static const int64_t kernel[2] = {3, 3}, pads[4] = {1, 1, 1, 1};
    Attr attrs[2] = {
        {.name = "kernel_shape", .type = AT_INTS, .ints = kernel, .n = 2, .tensor = -1},
        {.name = "pads", .type = AT_INTS, .ints = pads, .n = 4, .tensor = -1},
    };
    assert_true(ir_node_set_attrs(g, node, attrs, 2));
    return y;
}

static int unary(Graph *g, OpKind op, int x, const char *name) {
    int y = value(g, name);
    assert_true(ir_add_node(g, op, name, &x, 1, &y, 1) >= 0);
    return y;
}

static int binary(Graph *g, OpKind op, int a, int b, const char *name) {
    int y = value(g, name);
    int in[2] = {a, b};
    assert_true(ir_add_node(g, op, name, in, 2, &y, 1) >= 0);
    return y;
}

static void infer(Graph *g) {
    Diag d = {0};
    if (!ir_infer_shapes(g, &d))
        fail_msg("infer: %s", d.msg);
    if (!ir_verify(g, &d))
        fail_msg("verify: %s", d.msg);
}

static void run_pass(Graph *g, bool (*pass)(Graph *, Diag *), const char *golden) {
    Diag d = {0};
    if (!pass(g, &d))
        fail_msg("pass: %s", d.msg);
    if (!ir_verify(g, &d))
        fail_msg("verify after pass: %s", d.msg);
    check_golden(g, golden);
}

static int count_op(const Graph *g, OpKind op) {
    int k = 0;
    for (int i = 0; i < g->n_nodes; i++)
        k += g->nodes[i].op == op;
    return k;
}

/* ------------------------------------------------------------------ fuse */

static void test_silu(void **state) {
    (void)state;
    int x;
    Graph *g = new_graph(&x);
    int y = conv(g, x, "conv");
    int s = unary(g, OP_SIGMOID, y, "sig");
    mark_output(g, binary(g, OP_MUL, y, s, "mul"));
    infer(g);
    run_pass(g, pass_fuse, "fuse_silu.fuse");
    assert_int_equal(g->n_nodes, 1);
    assert_int_equal(g->nodes[0].act, ACT_SILU);
    assert_int_equal(g->nodes[0].out[0], g->outputs[0]);
    ir_graph_free(g);
}

static void test_silu_swapped(void **state) {
    (void)state;
    int x;
    Graph *g = new_graph(&x);
    int y = conv(g, x, "conv");
    int s = unary(g, OP_SIGMOID, y, "sig");
    int m = binary(g, OP_MUL, s, y, "mul");
    mark_output(g, unary(g, OP_RELU, m, "relu"));
    infer(g);
    run_pass(g, pass_fuse, "fuse_silu_swapped.fuse");
    assert_int_equal(g->n_nodes, 2);
    assert_int_equal(g->nodes[0].act, ACT_SILU);
    assert_int_equal(g->nodes[0].out[0], m);
    assert_int_equal(g->nodes[1].op, OP_RELU);   /* a Relu after a Mul is no Conv epilogue */
    ir_graph_free(g);
}

static void test_relu(void **state) {
    (void)state;
    int x;
    Graph *g = new_graph(&x);
    mark_output(g, unary(g, OP_RELU, conv(g, x, "conv"), "relu"));
    infer(g);
    run_pass(g, pass_fuse, "fuse_relu.fuse");
    assert_int_equal(g->n_nodes, 1);
    assert_int_equal(g->nodes[0].act, ACT_RELU);
    ir_graph_free(g);
}

/* Tanh and HardSwish fuse; a Clip only with the constant bounds 0 and 6;
 * LeakyRelu (a free parameter) never. */
/* Conv followed by act op k of test_more_acts: lo/hi bound a Clip. */
static Graph *conv_act(OpKind op, float lo, float hi, int *x, int *y) {
    Graph *g = new_graph(x);
    int c = conv(g, *x, "conv");
    *y = value(g, "act");
    int in[3] = {c, -1, -1}, n_in = 1;
    if (op == OP_CLIP) {
        in[1] = ir_add_const(g, "lo", DT_F32, 0, NULL, &lo);
        in[2] = ir_add_const(g, "hi", DT_F32, 0, NULL, &hi);
        n_in = 3;
    }
    int node = ir_add_node(g, op, "act", in, n_in, y, 1);
    assert_true(node >= 0);
    if (op == OP_LEAKY_RELU) {
        Attr a = {.name = "alpha", .type = AT_FLOAT, .f = 0.25f, .tensor = -1};
        assert_true(ir_node_set_attrs(g, node, &a, 1));
    }
    mark_output(g, *y);
    infer(g);
    return g;
}

/* Each act fuses (parameters kept), and the fused graph computes what the
 * unfused one does, through the interpreter. */
static void test_more_acts(void **state) {
    (void)state;
    const OpKind ops[] = {OP_TANH, OP_HARD_SWISH, OP_CLIP, OP_CLIP, OP_LEAKY_RELU};
    const float lo[] = {0, 0, 0.0f, -0.75f, 0}, hi[] = {0, 0, 6.0f, 0.5f, 0};
    const Act want[] = {ACT_TANH, ACT_HARD_SWISH, ACT_RELU6, ACT_CLIP, ACT_LEAKY_RELU};
    float xv[36];
    for (int i = 0; i < 36; i++)
        xv[i] = (float)((i * 7) % 11) * 0.3f - 1.5f;
    for (size_t k = 0; k < ARRAY_LEN(ops); k++) {
        int x, y;
        Graph *ref = conv_act(ops[k], lo[k], hi[k], &x, &y);
        Graph *g = conv_act(ops[k], lo[k], hi[k], &x, &y);
        Diag d = {0};
        assert_true(pass_fuse(g, &d));
        assert_int_equal(g->nodes[0].act, want[k]);
        assert_int_equal(g->n_nodes, 1);
        if (want[k] == ACT_CLIP) {
            assert_true(g->nodes[0].act_alpha == lo[k] && g->nodes[0].act_beta == hi[k]);
        } else if (want[k] == ACT_LEAKY_RELU) {
            assert_true(g->nodes[0].act_alpha == 0.25f);
        }
        float want_y[72], got_y[72];
        const float *in[1] = {xv};
        float *out_ref[1] = {want_y}, *out[1] = {got_y};
        assert_true(rt_interpret(ref, in, out_ref, &d));
        assert_true(rt_interpret(g, in, out, &d));
        for (int i = 0; i < 72; i++)
            assert_true(fabsf(got_y[i] - want_y[i]) <= 1e-6f);
        ir_graph_free(ref);
        ir_graph_free(g);
    }
}

static void test_lone_sigmoid(void **state) {
    (void)state;
    int x;
    Graph *g = new_graph(&x);
    int s = unary(g, OP_SIGMOID, conv(g, x, "conv"), "sig");
    mark_output(g, binary(g, OP_ADD, s, s, "add"));
    infer(g);
    run_pass(g, pass_fuse, "fuse_sigmoid.fuse");
    assert_int_equal(g->n_nodes, 2);
    assert_int_equal(g->nodes[0].act, ACT_SIGMOID);
    assert_int_equal(g->nodes[1].op, OP_ADD);
    ir_graph_free(g);
}

/* The conv output is also read by another node: nothing may be fused. */
static void test_conv_output_shared(void **state) {
    (void)state;
    int x;
    Graph *g = new_graph(&x);
    int y = conv(g, x, "conv");
    int r = unary(g, OP_RELU, y, "relu");
    mark_output(g, binary(g, OP_ADD, r, y, "add"));
    infer(g);
    run_pass(g, pass_fuse, "fuse_conv_shared.fuse");
    assert_int_equal(g->n_nodes, 3);
    assert_int_equal(g->nodes[0].act, ACT_NONE);
    ir_graph_free(g);
}

/* The conv output is a graph output itself. */
static void test_conv_output_is_graph_output(void **state) {
    (void)state;
    int x;
    Graph *g = new_graph(&x);
    int y = conv(g, x, "conv");
    mark_output(g, y);
    mark_output(g, unary(g, OP_RELU, y, "relu"));
    infer(g);
    Diag d = {0};
    assert_true(pass_fuse(g, &d));
    assert_int_equal(g->n_nodes, 2);
    assert_int_equal(g->nodes[0].act, ACT_NONE);
    ir_graph_free(g);
}

/* The sigmoid output is read twice: SiLU must not be fused (nor a lone sigmoid,
 * since the conv output has two readers). */
static void test_sigmoid_used_twice(void **state) {
    (void)state;
    int x;
    Graph *g = new_graph(&x);
    int y = conv(g, x, "conv");
    int s = unary(g, OP_SIGMOID, y, "sig");
    int m = binary(g, OP_MUL, y, s, "mul");
    mark_output(g, binary(g, OP_ADD, m, s, "add"));
    infer(g);
    run_pass(g, pass_fuse, "fuse_sigmoid_used_twice.fuse");
    assert_int_equal(g->n_nodes, 4);
    assert_int_equal(g->nodes[0].act, ACT_NONE);
    assert_int_equal(count_op(g, OP_SIGMOID), 1);
    ir_graph_free(g);
}

/* ----------------------------------------------------------- remove_dead */

static void test_remove_dead(void **state) {
    (void)state;
    int x;
    Graph *g = new_graph(&x);
    int y = conv(g, x, "conv");
    int dead = unary(g, OP_SIGMOID, y, "dead_sig");
    unary(g, OP_RELU, dead, "dead_relu");              /* a dead chain */
    int id = unary(g, OP_IDENTITY, y, "id");           /* read by relu: rewired */
    int r = unary(g, OP_RELU, id, "relu");
    int out = unary(g, OP_IDENTITY, r, "id_out");      /* graph output: relu writes it */
    mark_output(g, out);
    infer(g);
    run_pass(g, pass_remove_dead, "remove_dead.remove_dead");
    assert_int_equal(g->n_nodes, 2);
    assert_int_equal(count_op(g, OP_IDENTITY), 0);
    assert_int_equal(g->nodes[1].in[0], y);
    assert_int_equal(g->nodes[1].out[0], out);
    ir_graph_free(g);
}

/* Identity from a graph input to a graph output has to stay. */
static void test_identity_input_to_output_kept(void **state) {
    (void)state;
    int x;
    Graph *g = new_graph(&x);
    mark_output(g, unary(g, OP_IDENTITY, x, "id"));
    infer(g);
    Diag d = {0};
    assert_true(pass_remove_dead(g, &d));
    assert_true(ir_verify(g, &d));
    assert_int_equal(g->n_nodes, 1);
    ir_graph_free(g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silu),
        cmocka_unit_test(test_silu_swapped),
        cmocka_unit_test(test_relu),
        cmocka_unit_test(test_lone_sigmoid),
        cmocka_unit_test(test_more_acts),
        cmocka_unit_test(test_conv_output_shared),
        cmocka_unit_test(test_conv_output_is_graph_output),
        cmocka_unit_test(test_sigmoid_used_twice),
        cmocka_unit_test(test_remove_dead),
        cmocka_unit_test(test_identity_input_to_output_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
