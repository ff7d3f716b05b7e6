/* SPDX-License-Identifier: MIT */
/*
 * test_ir.c - the IR core: arena, graph editing, attributes, the verifier,
 * the printers and diagnostics.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir.h"

static void arena_aligns_zeroes_and_refuses_overflow(void **state)
{
    (void)state;
    Arena *a = arena_new();
    for (size_t n = 1; n < 5000; n = n * 3 + 1) {
        unsigned char *p = arena_alloc(a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 64, 0);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(p[i], 0);
        memset(p, 0xab, n);
    }
    /* larger than a block */
    assert_non_null(arena_alloc(a, 3u << 20));
    assert_null(arena_calloc(a, SIZE_MAX / 2, 4));
    assert_true(a->failed);
    assert_null(arena_alloc(a, 8)); /* stays failed */
    arena_free(a);
}

/* x -> Relu -> Sigmoid -> y */
static Graph *chain(void)
{
    Graph *g = ir_graph_new();
    int x = ir_add_tensor(g, "x", TK_INPUT, DT_F32);
    g->tensors[x].rank = 2;
    g->tensors[x].dims[0] = 2;
    g->tensors[x].dims[1] = 3;
    int r = ir_add_tensor(g, "r", TK_VALUE, DT_UNDEFINED);
    int y = ir_add_tensor(g, "y", TK_VALUE, DT_UNDEFINED);
    ir_add_node(g, OP_RELU, "relu", &x, 1, &r, 1);
    ir_add_node(g, OP_SIGMOID, "sig", &r, 1, &y, 1);
    g->inputs = arena_calloc(g->arena, 1, sizeof(int));
    g->inputs[0] = x;
    g->n_inputs = 1;
    g->outputs = arena_calloc(g->arena, 1, sizeof(int));
    g->outputs[0] = y;
    g->n_outputs = 1;
    g->tensors[y].is_output = true;
    return g;
}

static void build_infer_verify(void **state)
{
    (void)state;
    Graph *g = chain();
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    assert_true(ir_verify(g, &d));
    assert_int_equal(ir_numel(&g->tensors[2]), 6);
    assert_int_equal(ir_nbytes(&g->tensors[2]), 24);
    assert_int_equal(g->tensors[2].producer, 1);
    assert_int_equal(ir_find_tensor(g, "r"), 1);
    assert_int_equal(ir_find_tensor(g, "nope"), -1);
    assert_string_equal(ir_unique_name(g, "r"), "r_1");
    assert_string_equal(ir_unique_name(g, "fresh"), "fresh");
    int uses[3];
    ir_count_uses(g, uses);
    assert_int_equal(uses[0], 1);
    assert_int_equal(uses[1], 1);
    assert_int_equal(uses[2], 1); /* graph output */
    ir_graph_free(g);
}

static void verifier_catches_broken_graphs(void **state)
{
    (void)state;
    Diag d = {0};
    /* use before definition: swap the two nodes */
    Graph *g = chain();
    Node tmp = g->nodes[0];
    g->nodes[0] = g->nodes[1];
    g->nodes[1] = tmp;
    ir_update_producers(g);
    assert_false(ir_verify(g, &d));
    assert_int_equal(d.code, ST_INTERNAL);
    assert_non_null(strstr(d.msg, "used before it is produced"));
    ir_graph_free(g);

    /* two producers of one tensor */
    g = chain();
    memset(&d, 0, sizeof d);
    g->nodes[1].out[0] = 1;
    ir_update_producers(g);
    assert_false(ir_verify(g, &d));
    ir_graph_free(g);

    /* out-of-range id */
    g = chain();
    memset(&d, 0, sizeof d);
    g->nodes[0].in[0] = 99;
    assert_false(ir_verify(g, &d));
    assert_non_null(strstr(d.msg, "refers to tensor 99"));
    ir_graph_free(g);

    /* planned tensors that overlap while both live */
    g = chain();
    memset(&d, 0, sizeof d);
    assert_true(ir_infer_shapes(g, &d));
    g->nodes[1].op = OP_CONV; /* not elementwise: may not run in place */
    g->nodes[1].n_in = 2;
    int w = ir_add_const(g, "w", DT_F32, 0, NULL, (float[]){1});
    int *in = arena_calloc(g->arena, 2, sizeof(int));
    in[0] = 1;
    in[1] = w;
    g->nodes[1].in = in;
    g->tensors[1].offset = 0;
    g->tensors[2].is_output = false;
    int extra = ir_add_tensor(g, "z", TK_VALUE, DT_F32);
    (void)extra;
    g->arena_bytes = 64;
    g->tensors[2].offset = 0;
    assert_false(ir_verify(g, &d));
    assert_non_null(strstr(d.msg, "overlap"));
    ir_graph_free(g);
}

static void elementwise_in_place_is_allowed(void **state)
{
    (void)state;
    Graph *g = chain();
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    g->arena_bytes = 64;
    g->tensors[1].offset = 0;
    g->tensors[2].offset = 0; /* Sigmoid writes over its dying input */
    assert_true(ir_verify(g, &d));
    ir_graph_free(g);
}

static void attribute_getters_check_types(void **state)
{
    (void)state;
    Graph *g = chain();
    int64_t ints[] = {1, 2, 3};
    Attr at[] = {
        {.name = "k", .type = AT_INT, .i = 7, .tensor = -1},
        {.name = "v", .type = AT_INTS, .ints = ints, .n = 3, .tensor = -1},
        {.name = "s", .type = AT_STRING, .s = "hi", .tensor = -1},
    };
    assert_true(ir_node_set_attrs(g, 0, at, 3));
    ints[0] = 99; /* the node holds a copy */
    const Node *n = &g->nodes[0];
    Diag d = {0};
    int64_t i;
    const int64_t *v;
    int cnt;
    const char *s;
    float f;
    assert_true(ir_attr_int(n, "k", 0, &i, &d));
    assert_int_equal(i, 7);
    assert_true(ir_attr_int(n, "absent", 5, &i, &d));
    assert_int_equal(i, 5);
    assert_true(ir_attr_ints(n, "v", &v, &cnt, &d));
    assert_int_equal(cnt, 3);
    assert_int_equal(v[0], 1);
    assert_true(ir_attr_string(n, "s", "", &s, &d));
    assert_string_equal(s, "hi");
    assert_false(ir_attr_float(n, "k", 0, &f, &d));
    assert_int_equal(d.code, ST_BAD_MODEL);
    assert_string_equal(d.node, "relu");
    assert_non_null(strstr(d.msg, "attribute 'k' is int, expected float"));
    ir_graph_free(g);
}

static char *print_to_string(const Graph *g, bool dot)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (dot)
        ir_print_dot(g, f);
    else
        ir_print(g, f);
    fclose(f);
    return buf;
}

static void printer_is_exact_and_escapes_names(void **state)
{
    (void)state;
    Graph *g = chain();
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    g->nodes[1].name = "evil\"*/\n#include <x>";
    g->nodes[0].act = ACT_SILU;
    g->source = "m.onnx";
    g->opset = 13;
    char *s = print_to_string(g, false);
    const char *want =
        "// model \"m.onnx\" opset 13, 2 nodes\n"
        "input %0 \"x\" : f32[2,3]\n"
        "%1 = Relu(%0) act=silu : f32[2,3]   # \"relu\"\n"
        "%2 = Sigmoid(%1) : f32[2,3]   # \"evil\\\"*/\\x0a#include <x>\"\n"
        "output %2 \"y\"\n";
    assert_string_equal(s, want);
    free(s);
    s = print_to_string(g, true);
    assert_non_null(strstr(s, "digraph onnxc {"));
    assert_non_null(strstr(s, "Relu + silu"));
    assert_non_null(strstr(s, "n0 -> n1;"));
    /* the name's newline is written as the two characters \n, not a line break */
    assert_non_null(strstr(s, "evil\\\"*/\\n#include <x>"));
    free(s);
    ir_graph_free(g);
}

static void diag_format_names_file_node_op(void **state)
{
    (void)state;
    Diag d = {0};
    Node n = {.op = OP_CONV, .name = "conv1"};
    assert_false(diag_fail(&d, ST_BAD_MODEL, &n, "input X has rank %d, expected 4", 3));
    assert_false(diag_fail(&d, ST_IO, NULL, "second error is ignored"));
    char line[256];
    diag_format(&d, "model.onnx", line, sizeof line);
    assert_string_equal(line, "model.onnx: node \"conv1\" (Conv): input X has rank 3, expected 4");

    Diag e = {0};
    diag_fail(&e, ST_IO, NULL, "cannot open:\nno such file");
    diag_format(&e, "a.onnx", line, sizeof line);
    assert_string_equal(line, "a.onnx: cannot open: no such file");

    Diag f = {0};
    diag_fail_named(&f, ST_UNSUPPORTED, "n\n1", "Foo", "unsupported");
    diag_format(&f, "b.onnx", line, sizeof line);
    assert_string_equal(line, "b.onnx: node \"n\\x0a1\" (Foo): unsupported");
}

static void format_type_shows_symbolic_dims(void **state)
{
    (void)state;
    Tensor t = {.dtype = DT_F32, .rank = 4, .dims = {-1, 3, 8, 8}, .dim_param = {"batch"}};
    char buf[64];
    ir_format_type(&t, buf, sizeof buf);
    assert_string_equal(buf, "f32[batch,3,8,8]");
    assert_int_equal(ir_numel(&t), -1);
    t.dims[0] = 2;
    assert_int_equal(ir_numel(&t), 384);
    Tensor big = {.dtype = DT_F32, .rank = 3, .dims = {1LL << 40, 1LL << 40, 1LL << 40}};
    assert_int_equal(ir_numel(&big), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_aligns_zeroes_and_refuses_overflow),
        cmocka_unit_test(build_infer_verify),
        cmocka_unit_test(verifier_catches_broken_graphs),
        cmocka_unit_test(elementwise_in_place_is_allowed),
        cmocka_unit_test(attribute_getters_check_types),
        cmocka_unit_test(printer_is_exact_and_escapes_names),
        cmocka_unit_test(diag_format_names_file_node_op),
        cmocka_unit_test(format_type_shows_symbolic_dims),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
