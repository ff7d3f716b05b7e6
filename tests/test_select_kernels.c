/* SPDX-License-Identifier: MIT */
/*
 * test_select_kernels.c - pass_select_kernels (passes/select_kernels.c) and the
 * kernel table (ir/kernels.c) on small graphs: the kernel and the reason
 * recorded per node, the layout per tensor, the three policies, the padded
 * sizes the planner gives blk16 tensors, the verifier's layout checks, and a
 * golden dump (tests/golden/select_kernels.select_kernels.ir).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pass_test_util.h"
#include "passes.h"

static int value(Graph *g, const char *name)
{
    int t = ir_add_tensor(g, name, TK_VALUE, DT_F32);
    assert_true(t >= 0);
    return t;
}

/* A graph with input x : f32[1,c,8,8]. */
static Graph *new_graph(int c, int *x)
{
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 13;
    *x = ir_add_tensor(g, "x", TK_INPUT, DT_F32);
    Tensor *t = &g->tensors[*x];
    t->rank = 4;
    t->dims[0] = 1;
    t->dims[1] = c;
    t->dims[2] = 8;
    t->dims[3] = 8;
    add_list(g, &g->inputs, &g->n_inputs, *x);
    return g;
}

/* y = Conv(x, w[m, c/group, 3, 3], b[m]), pads 1; w_input: the weights are a
 * graph input instead of a constant. Returns y; *node the node id. */
static int conv(Graph *g, int x, int c, int m, int group, bool w_input, const char *name,
                int *node)
{
    const int64_t wd[4] = {m, c / group, 3, 3}, bd[1] = {m};
    int64_t nw = wd[0] * wd[1] * 9;
    float *w = calloc((size_t)nw, sizeof *w), *b = calloc((size_t)m, sizeof *b);
    assert_non_null(w);
    assert_non_null(b);
    for (int64_t i = 0; i < nw; i++)
        w[i] = (float)(i % 7) * 0.125f - 0.375f;
    char buf[64];
    snprintf(buf, sizeof buf, "%s.w", name);
    int wt;
    if (w_input) {
        wt = ir_add_tensor(g, buf, TK_INPUT, DT_F32);
        g->tensors[wt].rank = 4;
        memcpy(g->tensors[wt].dims, wd, sizeof wd);
        add_list(g, &g->inputs, &g->n_inputs, wt);
    } else {
        wt = ir_add_const(g, buf, DT_F32, 4, wd, w);
    }
    snprintf(buf, sizeof buf, "%s.b", name);
    int bt = ir_add_const(g, buf, DT_F32, 1, bd, b);
    free(w);
    free(b);
    snprintf(buf, sizeof buf, "%s_out", name);
    int y = value(g, buf);
    int in[3] = {x, wt, bt};
    *node = ir_add_node(g, OP_CONV, name, in, 3, &y, 1);
    assert_true(*node >= 0);
    static const int64_t kernel[2] = {3, 3}, pads[4] = {1, 1, 1, 1};
    const int64_t grp = group;
    Attr attrs[3] = {
        {.name = "kernel_shape", .type = AT_INTS, .ints = kernel, .n = 2, .tensor = -1},
        {.name = "pads", .type = AT_INTS, .ints = pads, .n = 4, .tensor = -1},
        {.name = "group", .type = AT_INT, .i = grp, .tensor = -1},
    };
    assert_true(ir_node_set_attrs(g, *node, attrs, 3));
    return y;
}

static int maxpool(Graph *g, int x, const char *name, int *node)
{
    int y = value(g, name);
    *node = ir_add_node(g, OP_MAXPOOL, name, &x, 1, &y, 1);
    assert_true(*node >= 0);
    static const int64_t k[2] = {2, 2};
    Attr attrs[2] = {
        {.name = "kernel_shape", .type = AT_INTS, .ints = k, .n = 2, .tensor = -1},
        {.name = "strides", .type = AT_INTS, .ints = k, .n = 2, .tensor = -1},
    };
    assert_true(ir_node_set_attrs(g, *node, attrs, 2));
    return y;
}

static void run(Graph *g)
{
    Diag d = {0};
    if (!ir_infer_shapes(g, &d) || !passes_run(g, NULL, NULL, &d))
        fail_msg("pipeline: %s (%s)", d.msg, d.node);
}

static const char *kname(const Graph *g, int node)
{
    return ir_kernel(g->nodes[node].kernel)->name;
}

/* x -> conv 32 (silu) -> maxpool -> conv 1 -> y: the BasicUNet pattern. */
static Graph *unet_like(int policy, int *c0, int *mp, int *c1)
{
    int x;
    Graph *g = new_graph(1, &x);
    g->kernel_policy = (KernelPolicy)policy;
    int a = conv(g, x, 1, 32, 1, false, "c0", c0);
    int p = maxpool(g, a, "mp", mp);
    int y = conv(g, p, 32, 1, 1, false, "c1", c1);
    mark_output(g, y);
    run(g);
    return g;
}

static void test_fast_policy(void **state)
{
    (void)state;
    int c0, mp, c1;
    Graph *g = unet_like(KP_FAST, &c0, &mp, &c1);
    assert_true(g->kernels_selected);
    assert_string_equal(kname(g, c0), "conv_direct_blk16");
    assert_null(g->nodes[c0].kernel_why);
    assert_string_equal(kname(g, mp), "maxpool_blk16");
    assert_null(g->nodes[mp].kernel_why);
    assert_string_equal(kname(g, c1), "conv_reduce_blk16");
    assert_null(g->nodes[c1].kernel_why);
    /* model input and output NCHW, the intermediates blk16 */
    assert_int_equal(g->tensors[g->nodes[c0].in[0]].layout, LAYOUT_NCHW);
    assert_int_equal(g->tensors[g->nodes[c0].out[0]].layout, LAYOUT_BLK16);
    assert_int_equal(g->tensors[g->nodes[mp].out[0]].layout, LAYOUT_BLK16);
    assert_int_equal(g->tensors[g->nodes[c1].out[0]].layout, LAYOUT_NCHW);
    assert_int_equal(g->tensors[g->nodes[c0].in[1]].layout, LAYOUT_NCHW);   /* weights */
    check_golden(g, "select_kernels.select_kernels");
    ir_graph_free(g);
}

static void test_nchw_policy(void **state)
{
    (void)state;
    int c0, mp, c1;
    Graph *g = unet_like(KP_NCHW, &c0, &mp, &c1);
    for (int t = 0; t < g->n_tensors; t++)
        assert_int_equal(g->tensors[t].layout, LAYOUT_NCHW);
    assert_string_equal(kname(g, c0), "conv_direct_blk16");   /* reads and writes NCHW */
    assert_string_equal(kname(g, mp), "reference");
    assert_string_equal(g->nodes[mp].kernel_why, "input nchw");
    /* the reduce kernel needs a blk16 input; the direct one takes NCHW */
    assert_string_equal(kname(g, c1), "conv_direct_blk16");
    assert_string_equal(g->nodes[c1].kernel_why, "input nchw");
    ir_graph_free(g);
}

static void test_reference_policy(void **state)
{
    (void)state;
    int c0, mp, c1;
    Graph *g = unet_like(KP_REFERENCE, &c0, &mp, &c1);
    for (int i = 0; i < g->n_nodes; i++) {
        assert_int_equal(g->nodes[i].kernel, KERNEL_REFERENCE);
        assert_null(g->nodes[i].kernel_why);
    }
    for (int t = 0; t < g->n_tensors; t++)
        assert_int_equal(g->tensors[t].layout, LAYOUT_NCHW);
    ir_graph_free(g);
}

/* The reasons of refusal, and a blocked class broken by one reader. */
static void test_refusals(void **state)
{
    (void)state;
    int x, n1, n2, n3, n4;
    Graph *g = new_graph(16, &x);
    int a = conv(g, x, 16, 32, 2, false, "grouped", &n1);
    int b = conv(g, a, 32, 16, 1, true, "w_in", &n2);
    int c = conv(g, b, 16, 16, 1, false, "ok", &n3);
    int y = value(g, "y");
    int in[1] = {c};
    n4 = ir_add_node(g, OP_SOFTMAX, "sm", in, 1, &y, 1);
    assert_true(n4 >= 0);
    mark_output(g, y);
    run(g);
    assert_string_equal(kname(g, n1), "reference");
    /* conv_grouped_blk16 (dw, tried first) accepts the shape but reads blk16 only */
    assert_string_equal(g->nodes[n1].kernel_why, "input nchw; group 2 != 1");
    assert_string_equal(kname(g, n2), "reference");
    assert_string_equal(g->nodes[n2].kernel_why, "weights not constant");
    assert_string_equal(kname(g, n3), "conv_direct_blk16");
    assert_string_equal(kname(g, n4), "reference");
    assert_null(g->nodes[n4].kernel_why);   /* Softmax has no other kernel */
    /* a is read by a reference conv, c by Softmax: both NCHW */
    assert_int_equal(g->tensors[a].layout, LAYOUT_NCHW);
    assert_int_equal(g->tensors[b].layout, LAYOUT_NCHW);
    assert_int_equal(g->tensors[c].layout, LAYOUT_NCHW);
    ir_graph_free(g);
}

/* Channel counts that are not a multiple of 16: blk16 between convs (padded)
 * and through a same-shape Add (binary_blk16 keeps the pad lanes 0). */
static void test_padded_layouts(void **state)
{
    (void)state;
    int x, n1, n2, n3, n4;
    Graph *g = new_graph(3, &x);
    int a = conv(g, x, 3, 24, 1, false, "c24", &n1);     /* 24 channels: padded to 32 */
    int b = conv(g, a, 24, 17, 1, false, "c17", &n2);
    int c = conv(g, b, 17, 17, 1, false, "c17b", &n3);
    int s = value(g, "sum");
    n4 = ir_add_node(g, OP_ADD, "add", (int[]){c, b}, 2, &s, 1);
    assert_true(n4 >= 0);
    int y = conv(g, s, 17, 16, 1, false, "out", &n1);
    mark_output(g, y);
    run(g);
    assert_int_equal(g->tensors[a].layout, LAYOUT_BLK16);
    assert_int_equal(g->tensors[b].layout, LAYOUT_BLK16);   /* read by the Add */
    assert_int_equal(g->tensors[c].layout, LAYOUT_BLK16);
    assert_int_equal(g->tensors[s].layout, LAYOUT_BLK16);
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].op == OP_CONV)
            assert_string_equal(kname(g, i), "conv_direct_blk16");
    assert_string_equal(kname(g, n4), "binary_blk16");
    /* the planner gave a its padded size: 32 channels of 8 x 8 */
    assert_int_equal(ir_storage_bytes(&g->tensors[a]), 32 * 64 * 4);
    int *first = calloc((size_t)g->n_tensors, sizeof(int)), *last = calloc((size_t)g->n_tensors, sizeof(int));
    assert_non_null(first);
    assert_non_null(last);
    ir_lifetimes(g, first, last);
    for (int t = 0; t < g->n_tensors; t++)   /* a overlaps nothing live with it */
        if (t != a && g->tensors[t].offset >= 0 && first[t] <= last[a] && first[a] <= last[t])
            assert_true(g->tensors[t].offset >= g->tensors[a].offset + 32 * 64 * 4 ||
                        g->tensors[t].offset + ir_planned_bytes(&g->tensors[t]) <=
                            g->tensors[a].offset);
    free(first);
    free(last);
    ir_graph_free(g);
}

/* An SE block's s * x, the per-channel operand first: the pass puts the
 * full-size operand first so that binary_chan_blk16 takes it (and x stays
 * blk16); a Sub is not commutative and keeps its order. */
static void test_broadcast_operand_first(void **state)
{
    (void)state;
    int x, n1, n2, n3, n4, n5;
    Graph *g = new_graph(3, &x);
    int a = conv(g, x, 3, 32, 1, false, "c0", &n1);
    int gp = value(g, "gap");
    n2 = ir_add_node(g, OP_GLOBAL_AVERAGEPOOL, "gap", &a, 1, &gp, 1);
    assert_true(n2 >= 0);
    int se = value(g, "se");
    n3 = ir_add_node(g, OP_MUL, "se", (int[]){gp, a}, 2, &se, 1);   /* s * x */
    assert_true(n3 >= 0);
    int y = conv(g, se, 32, 16, 1, false, "c1", &n5);
    mark_output(g, y);
    int b = conv(g, x, 3, 32, 1, false, "c2", &n1);
    int sub = value(g, "sub");
    n4 = ir_add_node(g, OP_SUB, "sub", (int[]){gp, b}, 2, &sub, 1);   /* s - x */
    assert_true(n4 >= 0);
    mark_output(g, sub);
    run(g);
    const Node *mul = NULL, *sb = NULL;
    for (int i = 0; i < g->n_nodes; i++) {
        if (g->nodes[i].op == OP_MUL)
            mul = &g->nodes[i];
        if (g->nodes[i].op == OP_SUB)
            sb = &g->nodes[i];
    }
    assert_non_null(mul);
    assert_non_null(sb);
    assert_int_equal(mul->in[0], a);
    assert_int_equal(mul->in[1], gp);
    assert_string_equal(ir_kernel(mul->kernel)->name, "binary_chan_blk16");
    assert_int_equal(g->tensors[a].layout, LAYOUT_BLK16);
    assert_int_equal(sb->in[0], gp);   /* order kept */
    assert_string_equal(ir_kernel(sb->kernel)->name, "reference");
    ir_graph_free(g);

    /* under --reference-kernels the node stays as the model wrote it */
    g = new_graph(3, &x);
    g->kernel_policy = KP_REFERENCE;
    a = conv(g, x, 3, 32, 1, false, "c0", &n1);
    gp = value(g, "gap");
    n2 = ir_add_node(g, OP_GLOBAL_AVERAGEPOOL, "gap", &a, 1, &gp, 1);
    se = value(g, "se");
    n3 = ir_add_node(g, OP_MUL, "se", (int[]){gp, a}, 2, &se, 1);
    assert_true(n2 >= 0 && n3 >= 0);
    mark_output(g, se);
    run(g);
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].op == OP_MUL)
            assert_int_equal(g->nodes[i].in[0], gp);
    ir_graph_free(g);
}

/* blk16 sizes are padded to whole blocks of 16 channels, and the planner and
 * the verifier see those sizes. */
static void test_padded_sizes(void **state)
{
    (void)state;
    int x, n1, n2;
    Graph *g = new_graph(3, &x);
    int a = conv(g, x, 3, 16, 1, false, "c16", &n1);
    int y = conv(g, a, 16, 24, 1, false, "c24", &n2);
    mark_output(g, y);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    Tensor t = g->tensors[a];
    t.dims[1] = 24;
    t.layout = LAYOUT_NCHW;
    assert_int_equal(ir_storage_bytes(&t), 24 * 64 * 4);
    t.layout = LAYOUT_BLK16;
    assert_int_equal(ir_storage_bytes(&t), 32 * 64 * 4);
    assert_int_equal(ir_planned_bytes(&t), 32 * 64 * 4);
    t.dims[1] = 17;
    assert_int_equal(ir_storage_bytes(&t), 32 * 64 * 4);
    t.dims[1] = 16;
    assert_int_equal(ir_storage_bytes(&t), 16 * 64 * 4);

    /* the planner sizes a blk16 tensor padded: give a 24-channel
     * intermediate the blk16 layout by hand and plan */
    ir_graph_free(g);
    g = new_graph(3, &x);
    a = conv(g, x, 3, 24, 1, false, "c24a", &n1);
    int b = conv(g, a, 24, 16, 1, false, "c16b", &n2);
    mark_output(g, b);
    assert_true(ir_infer_shapes(g, &d));
    g->tensors[a].layout = LAYOUT_BLK16;
    g->nodes[n1].kernel = KERNEL_CONV_DIRECT_BLK16;
    g->nodes[n2].kernel = KERNEL_CONV_DIRECT_BLK16;
    assert_true(pass_plan_buffers(g, &d));
    assert_int_equal(g->arena_bytes, 32 * 64 * 4);
    assert_true(ir_verify(g, &d));
    ir_graph_free(g);
}

/* The verifier rejects a reference kernel reading blk16 data and a blk16 graph output. */
static void test_verifier(void **state)
{
    (void)state;
    int c0, mp, c1;
    Graph *g = unet_like(KP_FAST, &c0, &mp, &c1);
    Diag d = {0};
    assert_true(ir_verify(g, &d));
    g->nodes[mp].kernel = KERNEL_REFERENCE;
    assert_false(ir_verify(g, &d));
    assert_int_equal(d.code, ST_INTERNAL);
    assert_non_null(strstr(d.msg, "kernel reference cannot read blk16"));
    g->nodes[mp].kernel = KERNEL_MAXPOOL_BLK16;
    Diag d2 = {0};
    g->tensors[g->nodes[c1].out[0]].layout = LAYOUT_BLK16;
    assert_false(ir_verify(g, &d2));
    assert_non_null(strstr(d2.msg, "cannot be blk16"));
    g->tensors[g->nodes[c1].out[0]].layout = LAYOUT_NCHW;
    Diag d3 = {0};
    g->nodes[mp].kernel = KERNEL_CONV_DIRECT_BLK16;   /* not a MaxPool kernel */
    assert_false(ir_verify(g, &d3));
    assert_non_null(strstr(d3.msg, "does not implement MaxPool"));
    ir_graph_free(g);
}

/* Every entry is reachable by id, the reference entry is last and takes any op. */
static void test_table(void **state)
{
    (void)state;
    assert_true(ir_n_kernels >= 2);
    assert_int_equal(ir_kernels[ir_n_kernels - 1].id, KERNEL_REFERENCE);
    assert_true(ir_kernel_has_op(&ir_kernels[ir_n_kernels - 1], OP_SOFTMAX));
    for (int i = 0; i < ir_n_kernels; i++) {
        assert_ptr_equal(ir_kernel(ir_kernels[i].id), &ir_kernels[i]);
        for (int j = i + 1; j < ir_n_kernels; j++) {
            assert_true(ir_kernels[i].id != ir_kernels[j].id);
            assert_true(strcmp(ir_kernels[i].name, ir_kernels[j].name) != 0);
        }
    }
    assert_ptr_equal(ir_kernel(-5), &ir_kernels[ir_n_kernels - 1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_policy),
        cmocka_unit_test(test_nchw_policy),
        cmocka_unit_test(test_reference_policy),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_padded_layouts),
        cmocka_unit_test(test_padded_sizes),
        cmocka_unit_test(test_broadcast_operand_first),
        cmocka_unit_test(test_verifier),
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
