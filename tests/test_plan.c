/* SPDX-License-Identifier: MIT */
/*
 * test_plan.c - the buffer planner (passes/plan.c) on literal lifetime lists with
 * exact expected offsets and peaks, plan_buffers on small graphs (in-place
 * elementwise), and, when the frontend and models/basic_unet.onnx are available,
 * the whole pipeline on BasicUNet at batch 1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "passes.h"
#ifdef ONNXC_HAVE_FRONTEND
#include "onnx.h"
#endif

/* ------------------------------------------------------------ the planner */

static void test_chain(void **state) {
    (void)state;
    PlanBuf b[] = {{100, 0, 1, 0}, {200, 1, 2, 0}, {50, 2, 3, 0}};
    int64_t peak = plan_greedy(b, 3, 1);
    /* 200 first at 0; 100 overlaps it in time -> 200; 50 overlaps only the 200. */
    assert_int_equal(b[1].offset, 0);
    assert_int_equal(b[0].offset, 200);
    assert_int_equal(b[2].offset, 200);
    assert_int_equal(peak, 300);
    assert_int_equal(plan_lower_bound(b, 3), 300);
    assert_true(plan_check_no_overlap(b, 3));
}

static void test_diamond(void **state) {
    (void)state;
    /* a feeds b and c, which both feed d. */
    PlanBuf b[] = {{64, 0, 2, 0}, {128, 1, 3, 0}, {128, 2, 3, 0}, {64, 3, 4, 0}};
    int64_t peak = plan_greedy(b, 4, 64);
    assert_int_equal(b[1].offset, 0);
    assert_int_equal(b[2].offset, 128);
    assert_int_equal(b[0].offset, 256);
    assert_int_equal(b[3].offset, 256);
    assert_int_equal(peak, 320);
    assert_int_equal(plan_lower_bound(b, 4), 320);
    assert_true(plan_check_no_overlap(b, 4));
}

static void test_gap_reuse(void **state) {
    (void)state;
    /* Smaller buffers land in the space a dead big one left below a live one. */
    PlanBuf b[] = {{300, 0, 1, 0}, {200, 0, 3, 0}, {100, 2, 3, 0}, {150, 2, 3, 0}};
    int64_t peak = plan_greedy(b, 4, 1);
    assert_int_equal(b[0].offset, 0);
    assert_int_equal(b[1].offset, 300);
    assert_int_equal(b[3].offset, 0);     /* 150 placed before 100 */
    assert_int_equal(b[2].offset, 150);
    assert_int_equal(peak, 500);
    assert_int_equal(plan_lower_bound(b, 4), 500);
    assert_true(plan_check_no_overlap(b, 4));
}

static void test_tflm_like(void **state) {
    (void)state;
    /* Two big buffers alive at different times share offset 0; the long-lived
     * small one goes above everything it meets. */
    PlanBuf b[] = {{1000, 0, 1, 0}, {1000, 2, 3, 0}, {500, 1, 2, 0}, {100, 0, 3, 0}};
    int64_t peak = plan_greedy(b, 4, 1);
    assert_int_equal(b[0].offset, 0);
    assert_int_equal(b[1].offset, 0);
    assert_int_equal(b[2].offset, 1000);
    assert_int_equal(b[3].offset, 1500);
    assert_int_equal(peak, 1600);
    assert_int_equal(plan_lower_bound(b, 4), 1600);
}

static void test_ties_and_alignment(void **state) {
    (void)state;
    /* Equal sizes: the earlier first use is placed first, then the lower index. */
    PlanBuf b[] = {{10, 1, 2, 0}, {10, 0, 2, 0}, {10, 1, 2, 0}};
    int64_t peak = plan_greedy(b, 3, 64);
    assert_int_equal(b[1].offset, 0);
    assert_int_equal(b[0].offset, 64);
    assert_int_equal(b[2].offset, 128);
    assert_int_equal(peak, 138);
    for (int i = 0; i < 3; i++)
        assert_int_equal(b[i].offset % 64, 0);
    assert_int_equal(plan_lower_bound(b, 3), 30);
}

static void test_lower_bound_and_overlap_checker(void **state) {
    (void)state;
    PlanBuf b[] = {{100, 0, 0, 0}, {50, 0, 1, 0}, {70, 1, 2, 0}, {30, 2, 2, 0}};
    assert_int_equal(plan_lower_bound(b, 4), 150);
    plan_greedy(b, 4, 1);
    assert_true(plan_check_no_overlap(b, 4));
    /* Inject an overlap between two buffers live at step 2. */
    b[3].offset = b[2].offset + 10;
    assert_false(plan_check_no_overlap(b, 4));
    /* Overlapping memory at disjoint times is fine. */
    b[3].offset = 500;
    b[0].offset = b[2].offset;
    assert_true(plan_check_no_overlap(b, 4));
    assert_int_equal(plan_lower_bound(NULL, 0), 0);
    assert_int_equal(plan_greedy(NULL, 0, 64), 0);
}

static void test_print(void **state) {
    (void)state;
    PlanBuf b[] = {{64, 0, 1, 0}, {128, 1, 2, 0}};
    plan_greedy(b, 2, 64);
    FILE *f = tmpfile();
    assert_non_null(f);
    plan_print(b, 2, f);
    rewind(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "#0"));
    assert_non_null(strstr(line, "[0,1]"));
    assert_non_null(strstr(line, "@128"));
    assert_non_null(strstr(line, "|## |"));
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "@0"));
    assert_non_null(strstr(line, "| ##|"));
    fclose(f);
}

/* ------------------------------------------------------ plan_buffers on graphs */

static int add_value(Graph *g, const char *name) {
    int t = ir_add_tensor(g, name, TK_VALUE, DT_F32);
    assert_true(t >= 0);
    return t;
}

static void set_io(Graph *g, int in, int out) {
    g->inputs = arena_alloc(g->arena, sizeof(int));
    g->outputs = arena_alloc(g->arena, sizeof(int));
    g->inputs[0] = in;
    g->outputs[0] = out;
    g->n_inputs = g->n_outputs = 1;
    g->tensors[out].is_output = true;
}

/* x -> Relu a -> Relu b -> Add(a, b) c -> Relu y: both inputs die at the Add,
 * and the output goes in place over input 0. */
static void test_plan_buffers_in_place(void **state) {
    (void)state;
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 13;
    int x = ir_add_tensor(g, "x", TK_INPUT, DT_F32);
    g->tensors[x].rank = 2;
    g->tensors[x].dims[0] = 4;
    g->tensors[x].dims[1] = 100;   /* 1600 bytes */
    int a = add_value(g, "a"), b = add_value(g, "b"), c = add_value(g, "c");
    int y = add_value(g, "y");
    set_io(g, x, y);
    assert_true(ir_add_node(g, OP_RELU, "r1", &x, 1, &a, 1) >= 0);
    assert_true(ir_add_node(g, OP_RELU, "r2", &a, 1, &b, 1) >= 0);
    int ab[2] = {a, b};
    assert_true(ir_add_node(g, OP_ADD, "add", ab, 2, &c, 1) >= 0);
    assert_true(ir_add_node(g, OP_RELU, "r3", &c, 1, &y, 1) >= 0);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    assert_true(pass_plan_buffers(g, &d));
    assert_int_equal(g->tensors[c].offset, g->tensors[a].offset);   /* in place over input 0 */
    assert_true(g->tensors[b].offset != g->tensors[a].offset);
    assert_int_equal(g->tensors[y].offset, -1);                     /* graph output */
    assert_int_equal(g->tensors[x].offset, -1);
    assert_int_equal(g->arena_bytes, 3200);
    assert_int_equal(g->arena_lower_bound, 3200);
    assert_true(ir_verify(g, &d));
    ir_graph_free(g);
}

/* A broadcast input is not reused: Add(a, bias) with a of a different shape. */
static void test_plan_buffers_no_in_place_on_broadcast(void **state) {
    (void)state;
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 13;
    int x = ir_add_tensor(g, "x", TK_INPUT, DT_F32);
    g->tensors[x].rank = 2;
    g->tensors[x].dims[0] = 1;
    g->tensors[x].dims[1] = 100;
    int64_t wd[2] = {8, 1};
    float w[8] = {0};
    int k = ir_add_const(g, "k", DT_F32, 2, wd, w);
    int a = add_value(g, "a"), c = add_value(g, "c"), y = add_value(g, "y");
    set_io(g, x, y);
    assert_true(ir_add_node(g, OP_RELU, "r1", &x, 1, &a, 1) >= 0);
    int ak[2] = {a, k};
    assert_true(ir_add_node(g, OP_ADD, "add", ak, 2, &c, 1) >= 0);   /* [1,100]+[8,1] -> [8,100] */
    assert_true(ir_add_node(g, OP_RELU, "r2", &c, 1, &y, 1) >= 0);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    assert_true(pass_plan_buffers(g, &d));
    assert_int_equal(g->tensors[c].dims[0], 8);
    assert_true(g->tensors[c].offset != g->tensors[a].offset);
    assert_int_equal(g->arena_bytes, 3200 + 448);   /* 400 rounded up to 64 */
    assert_int_equal(g->arena_lower_bound, 3200 + 448);
    assert_true(ir_verify(g, &d));
    ir_graph_free(g);
}

/* A symbolic dimension nobody fixed cannot be planned: a diagnostic naming the node. */
static void test_plan_buffers_unknown_shape(void **state) {
    (void)state;
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 13;
    int x = ir_add_tensor(g, "x", TK_INPUT, DT_F32);
    g->tensors[x].rank = 2;
    g->tensors[x].dims[0] = -1;
    g->tensors[x].dim_param[0] = "batch";
    g->tensors[x].dims[1] = 8;
    int a = add_value(g, "a"), y = add_value(g, "y");
    set_io(g, x, y);
    assert_true(ir_add_node(g, OP_RELU, "r1", &x, 1, &a, 1) >= 0);
    assert_true(ir_add_node(g, OP_RELU, "r2", &a, 1, &y, 1) >= 0);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    assert_false(pass_plan_buffers(g, &d));
    assert_int_equal(d.code, ST_UNSUPPORTED);
    assert_string_equal(d.node, "r1");
    assert_string_equal(d.op, "Relu");
    ir_graph_free(g);
}

static void record_pass(const Graph *g, const char *name, void *ctx) {
    char *log = ctx;
    (void)g;
    strcat(log, name);
    strcat(log, " ");
}

static void test_pipeline_order_and_observer(void **state) {
    (void)state;
    int n;
    const Pass *p = passes_pipeline(&n);
    assert_int_equal(n, 6);
    for (int i = 0; i < n; i++)   /* names are unique, for --print-ir-after=PASS */
        for (int j = i + 1; j < n; j++)
            assert_true(strcmp(p[i].name, p[j].name) != 0);

    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 13;
    int x = ir_add_tensor(g, "x", TK_INPUT, DT_F32);
    g->tensors[x].rank = 1;
    g->tensors[x].dims[0] = 16;
    int a = add_value(g, "a"), y = add_value(g, "y");
    set_io(g, x, y);
    assert_true(ir_add_node(g, OP_RELU, "r1", &x, 1, &a, 1) >= 0);
    assert_true(ir_add_node(g, OP_IDENTITY, "id", &a, 1, &y, 1) >= 0);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    char log[256] = "";
    assert_true(passes_run(g, record_pass, log, &d));
    assert_string_equal(log, "import fold_constants remove_dead fold_batchnorm fuse select_kernels plan_buffers ");
    assert_int_equal(g->n_nodes, 1);          /* the Identity is gone, Relu writes y */
    assert_int_equal(g->nodes[0].out[0], y);
    assert_int_equal(g->arena_bytes, 0);      /* nothing intermediate is left */

    /* An invalid imported graph is reported before any pass runs. */
    g->nodes[0].in[0] = 1000;
    log[0] = '\0';
    Diag d2 = {0};
    assert_false(passes_run(g, record_pass, log, &d2));
    assert_int_equal(d2.code, ST_INTERNAL);
    assert_string_equal(log, "");
    ir_graph_free(g);
}

/* ------------------------------------------------------------ BasicUNet */

#ifdef ONNXC_HAVE_FRONTEND
static void test_basic_unet_pipeline(void **state) {
    (void)state;
    const char *src = getenv("ONNXC_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/models/basic_unet.onnx", src ? src : ".");
    FILE *probe = fopen(path, "rb");
    if (!probe)
        skip();
    fclose(probe);
    Diag d = {0};
    Graph *g = onnx_load_file(path, NULL, &d);
    if (!g)
        fail_msg("load: %s", d.msg);
    for (int k = 0; k < g->n_inputs; k++) {   /* --shape x=1,1,28,28 */
        Tensor *t = &g->tensors[g->inputs[k]];
        t->dims[0] = 1;
        t->dim_param[0] = NULL;
    }
    if (!ir_infer_shapes(g, &d) || !passes_run(g, NULL, NULL, &d))
        fail_msg("pipeline: node \"%s\" (%s): %s", d.node, d.op, d.msg);

    int convs = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        assert_true(n->op != OP_SIGMOID && n->op != OP_MUL);
        if (n->op == OP_CONV) {
            assert_int_equal(n->act, ACT_SILU);
            convs++;
        }
    }
    assert_int_equal(convs, 6);
    assert_true(g->arena_bytes <= 225792);
    assert_int_equal(g->arena_lower_bound, 225792);

    /* The planned tensors, as the planner sees them, do not overlap. */
    PlanBuf bufs[256];
    int nb = 0;
    for (int t = 0; t < g->n_tensors && nb < 256; t++) {
        const Tensor *x = &g->tensors[t];
        if (x->offset < 0)
            continue;
        int first = -1, last = -1;
        for (int i = 0; i < g->n_nodes; i++) {
            const Node *n = &g->nodes[i];
            for (int k = 0; k < n->n_out; k++)
                if (n->out[k] == t)
                    first = last = i;
            for (int k = 0; k < n->n_in; k++)
                if (n->in[k] == t)
                    last = i;
        }
        assert_true(first >= 0);
        /* An in-place output starts where its input dies: make them touch, not overlap. */
        bufs[nb++] = (PlanBuf){ir_nbytes(x), first, last, x->offset};
    }
    for (int i = 0; i < nb; i++)
        for (int j = 0; j < nb; j++)
            if (i != j && bufs[i].offset == bufs[j].offset && bufs[i].last == bufs[j].first)
                bufs[j].first++;   /* the in-place pair: shift the writer by one step */
    assert_true(plan_check_no_overlap(bufs, nb));
    ir_graph_free(g);
}
#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_diamond),
        cmocka_unit_test(test_gap_reuse),
        cmocka_unit_test(test_tflm_like),
        cmocka_unit_test(test_ties_and_alignment),
        cmocka_unit_test(test_lower_bound_and_overlap_checker),
        cmocka_unit_test(test_print),
        cmocka_unit_test(test_plan_buffers_in_place),
        cmocka_unit_test(test_plan_buffers_no_in_place_on_broadcast),
        cmocka_unit_test(test_plan_buffers_unknown_shape),
        cmocka_unit_test(test_pipeline_order_and_observer),
#ifdef ONNXC_HAVE_FRONTEND
        cmocka_unit_test(test_basic_unet_pipeline),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
