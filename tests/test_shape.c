/* SPDX-License-Identifier: MIT */
/*
 * test_shape.c - shape inference and op geometry, on graphs built in C.
 *
 * Each case builds the smallest graph that exercises one rule, runs
 * ir_infer_shapes and checks the output dims, or checks that a bad node is
 * refused with the right status, node name and message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ir.h"

static int add_input(Graph *g, const char *name, int rank, const int64_t *dims)
{
    int t = ir_add_tensor(g, name, TK_INPUT, DT_F32);
    g->tensors[t].rank = rank;
    memcpy(g->tensors[t].dims, dims, (size_t)rank * sizeof *dims);
    return t;
}

static int add_weight(Graph *g, const char *name, int rank, const int64_t *dims)
{
    return ir_add_const(g, name, DT_F32, rank, dims, NULL);
}

static int add_ints(Graph *g, const char *name, int n, const int64_t *v)
{
    int64_t dims[1] = {n};
    return ir_add_const(g, name, DT_I64, 1, dims, v);
}

static int node1(Graph *g, OpKind op, const char *name, const int *in, int n_in, const Attr *attrs,
                 int n_attrs)
{
    int out = ir_add_tensor(g, name, TK_VALUE, DT_UNDEFINED);
    int id = ir_add_node(g, op, name, in, n_in, &out, 1);
    assert_true(id >= 0);
    assert_true(ir_node_set_attrs(g, id, attrs, n_attrs));
    return out;
}

static void assert_dims(const Tensor *t, int rank, const int64_t *dims)
{
    assert_int_equal(t->rank, rank);
    for (int i = 0; i < rank; i++)
        assert_int_equal(t->dims[i], dims[i]);
}

static Attr ints_attr(const char *name, const int64_t *v, int n)
{
    Attr a = {.name = name, .type = AT_INTS, .ints = v, .n = n, .tensor = -1};
    return a;
}

static Attr int_attr(const char *name, int64_t v)
{
    Attr a = {.name = name, .type = AT_INT, .i = v, .tensor = -1};
    return a;
}

static Attr str_attr(const char *name, const char *s)
{
    Attr a = {.name = name, .type = AT_STRING, .s = s, .tensor = -1};
    return a;
}

static void conv_padded_strided_dilated(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    int x = add_input(g, "x", 4, (int64_t[]){2, 4, 17, 13});
    int w = add_weight(g, "w", 4, (int64_t[]){6, 2, 3, 5});
    int64_t pads[] = {1, 2, 0, 3}, strides[] = {2, 1}, dil[] = {1, 2};
    Attr at[] = {ints_attr("pads", pads, 4), ints_attr("strides", strides, 2),
                 ints_attr("dilations", dil, 2), int_attr("group", 2)};
    int y = node1(g, OP_CONV, "c", (int[]){x, w}, 2, at, 4);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    /* H: (17+1+0-3)/2+1 = 8; W: (13+2+3-9)/1+1 = 10 */
    assert_dims(&g->tensors[y], 4, (int64_t[]){2, 6, 8, 10});
    ConvGeom c;
    assert_true(ir_conv_geom(g, &g->nodes[0], &c, &d));
    assert_int_equal(c.pt, 1);
    assert_int_equal(c.pl, 2);
    assert_int_equal(c.pb, 0);
    assert_int_equal(c.pr, 3);
    assert_int_equal(c.group, 2);
    ir_graph_free(g);
}

static void conv_same_upper_and_lower(void **state)
{
    (void)state;
    for (int lower = 0; lower < 2; lower++) {
        Graph *g = ir_graph_new();
        int x = add_input(g, "x", 4, (int64_t[]){1, 1, 10, 10});
        int w = add_weight(g, "w", 4, (int64_t[]){1, 1, 4, 4});
        int64_t strides[] = {3, 3};
        Attr at[] = {str_attr("auto_pad", lower ? "SAME_LOWER" : "SAME_UPPER"),
                     ints_attr("strides", strides, 2)};
        int y = node1(g, OP_CONV, "c", (int[]){x, w}, 2, at, 2);
        Diag d = {0};
        assert_true(ir_infer_shapes(g, &d));
        assert_dims(&g->tensors[y], 4, (int64_t[]){1, 1, 4, 4});
        ConvGeom c;
        assert_true(ir_conv_geom(g, &g->nodes[0], &c, &d));
        /* total pad = (4-1)*3 + 4 - 10 = 3: upper puts the odd one at the end */
        assert_int_equal(c.pt, lower ? 2 : 1);
        assert_int_equal(c.pb, lower ? 1 : 2);
        ir_graph_free(g);
    }
}

static void conv_channel_mismatch_is_refused(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    int x = add_input(g, "x", 4, (int64_t[]){1, 3, 8, 8});
    int w = add_weight(g, "w", 4, (int64_t[]){4, 2, 3, 3});
    node1(g, OP_CONV, "conv7", (int[]){x, w}, 2, NULL, 0);
    Diag d = {0};
    assert_false(ir_infer_shapes(g, &d));
    assert_int_equal(d.code, ST_BAD_MODEL);
    assert_string_equal(d.node, "conv7");
    assert_string_equal(d.op, "Conv");
    assert_non_null(strstr(d.msg, "input channels"));
    ir_graph_free(g);
}

static void conv_kernel_larger_than_input_is_refused(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    int x = add_input(g, "x", 4, (int64_t[]){1, 1, 2, 2});
    int w = add_weight(g, "w", 4, (int64_t[]){1, 1, 5, 5});
    node1(g, OP_CONV, "big", (int[]){x, w}, 2, NULL, 0);
    Diag d = {0};
    assert_false(ir_infer_shapes(g, &d));
    assert_non_null(strstr(d.msg, "larger than the padded input"));
    ir_graph_free(g);
}

static void zero_stride_and_negative_pad_are_refused(void **state)
{
    (void)state;
    int64_t zero[] = {0, 1}, neg[] = {-1, 0, 0, 0};
    Attr cases[] = {ints_attr("strides", zero, 2), ints_attr("pads", neg, 4)};
    const char *want[] = {"stride 0", "pad -1"};
    for (int i = 0; i < 2; i++) {
        Graph *g = ir_graph_new();
        int x = add_input(g, "x", 4, (int64_t[]){1, 1, 8, 8});
        int w = add_weight(g, "w", 4, (int64_t[]){1, 1, 3, 3});
        node1(g, OP_CONV, "c", (int[]){x, w}, 2, &cases[i], 1);
        Diag d = {0};
        assert_false(ir_infer_shapes(g, &d));
        assert_int_equal(d.code, ST_BAD_MODEL);
        assert_non_null(strstr(d.msg, want[i]));
        ir_graph_free(g);
    }
}

static void maxpool_floor_and_ceil(void **state)
{
    (void)state;
    for (int ceil_mode = 0; ceil_mode < 2; ceil_mode++) {
        Graph *g = ir_graph_new();
        int x = add_input(g, "x", 4, (int64_t[]){1, 3, 7, 7});
        int64_t k[] = {2, 2}, s[] = {2, 2};
        Attr at[] = {ints_attr("kernel_shape", k, 2), ints_attr("strides", s, 2),
                     int_attr("ceil_mode", ceil_mode)};
        int y = node1(g, OP_MAXPOOL, "p", (int[]){x}, 1, at, 3);
        Diag d = {0};
        assert_true(ir_infer_shapes(g, &d));
        int64_t e = ceil_mode ? 4 : 3;
        assert_dims(&g->tensors[y], 4, (int64_t[]){1, 3, e, e});
        ir_graph_free(g);
    }
}

static void resize_scales_sizes_and_pending(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    g->opset = 13;
    int x = add_input(g, "x", 4, (int64_t[]){2, 3, 5, 7});
    float sc[] = {1, 1, 2, 3};
    int scales = ir_add_const(g, "scales", DT_F32, 1, (int64_t[]){4}, sc);
    int sizes = add_ints(g, "sizes", 4, (int64_t[]){2, 3, 4, 9});
    int runtime_sizes = ir_add_tensor(g, "rs", TK_INPUT, DT_I64);
    g->tensors[runtime_sizes].rank = 1;
    g->tensors[runtime_sizes].dims[0] = 4;
    Attr at[] = {str_attr("mode", "nearest"),
                 str_attr("coordinate_transformation_mode", "asymmetric"),
                 str_attr("nearest_mode", "floor")};
    int y1 = node1(g, OP_RESIZE, "r1", (int[]){x, -1, scales}, 3, at, 3);
    int y2 = node1(g, OP_RESIZE, "r2", (int[]){x, -1, -1, sizes}, 4, at, 3);
    int y3 = node1(g, OP_RESIZE, "r3", (int[]){x, -1, -1, runtime_sizes}, 4, at, 3);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    assert_dims(&g->tensors[y1], 4, (int64_t[]){2, 3, 10, 21});
    assert_dims(&g->tensors[y2], 4, (int64_t[]){2, 3, 4, 9});
    assert_int_equal(g->tensors[y3].rank, -1); /* not constant yet: unknown, no error */
    ResizeGeom r;
    assert_true(ir_resize_geom(g, &g->nodes[1], &r, &d));
    assert_true(r.scale_w > 1.2857f && r.scale_w < 1.2858f);
    assert_int_equal(r.coord, RC_ASYMMETRIC);
    assert_int_equal(r.nearest, RN_FLOOR);
    ir_graph_free(g);
}

static void upsample_attribute_form(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    g->opset = 7;
    int x = add_input(g, "x", 4, (int64_t[]){1, 2, 3, 3});
    float sc[] = {1, 1, 2, 2};
    Attr at[] = {{.name = "scales", .type = AT_FLOATS, .floats = sc, .n = 4, .tensor = -1}};
    int y = node1(g, OP_UPSAMPLE, "u", (int[]){x}, 1, at, 1);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    assert_dims(&g->tensors[y], 4, (int64_t[]){1, 2, 6, 6});
    ir_graph_free(g);
}

static void broadcast_and_mismatch(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    int a = add_input(g, "a", 4, (int64_t[]){2, 1, 4, 5});
    int b = add_input(g, "b", 3, (int64_t[]){3, 1, 1});
    int c = add_input(g, "c", 1, (int64_t[]){4});
    int y = node1(g, OP_ADD, "add", (int[]){a, b}, 2, NULL, 0);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    assert_dims(&g->tensors[y], 4, (int64_t[]){2, 3, 4, 5});
    node1(g, OP_MUL, "mul", (int[]){y, c}, 2, NULL, 0);
    assert_false(ir_infer_shapes(g, &d));
    assert_string_equal(d.node, "mul");
    assert_non_null(strstr(d.msg, "do not broadcast"));
    ir_graph_free(g);
}

static void shape_arithmetic(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    g->opset = 13;
    int x = add_input(g, "x", 4, (int64_t[]){2, 3, 8, 6});
    int s = node1(g, OP_SHAPE, "shape", (int[]){x}, 1, NULL, 0);
    int idx = ir_add_const(g, "i", DT_I64, 0, NULL, (int64_t[]){2});
    int gth = node1(g, OP_GATHER, "gather", (int[]){s, idx}, 2, NULL, 0);
    int axes = add_ints(g, "axes", 1, (int64_t[]){0});
    int un = node1(g, OP_UNSQUEEZE, "unsq", (int[]){gth, axes}, 2, NULL, 0);
    Attr cat_axis = int_attr("axis", 0);
    int cat = node1(g, OP_CONCAT, "cat", (int[]){un, un, s}, 3, &cat_axis, 1);
    int shp = add_ints(g, "shp", 3, (int64_t[]){0, -1, 4});
    int rs = node1(g, OP_RESHAPE, "reshape", (int[]){x, shp}, 2, NULL, 0);
    int st = add_ints(g, "st", 2, (int64_t[]){1, -1});
    int en = add_ints(g, "en", 2, (int64_t[]){INT64_MAX, -100});
    int ax = add_ints(g, "ax", 2, (int64_t[]){1, 2});
    int stp = add_ints(g, "stp", 2, (int64_t[]){2, -1});
    int sl = node1(g, OP_SLICE, "slice", (int[]){rs, st, en, ax, stp}, 5, NULL, 0);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    assert_dims(&g->tensors[s], 1, (int64_t[]){4});
    assert_int_equal(g->tensors[s].dtype, DT_I64);
    assert_int_equal(g->tensors[gth].rank, 0);
    assert_dims(&g->tensors[un], 1, (int64_t[]){1});
    assert_dims(&g->tensors[cat], 1, (int64_t[]){6});
    assert_dims(&g->tensors[rs], 3, (int64_t[]){2, 36, 4});
    /* axis 1: 1..36 step 2 -> 18; axis 2: from 3 down to the start, step -1 -> 4 */
    assert_dims(&g->tensors[sl], 3, (int64_t[]){2, 18, 4});
    ir_graph_free(g);
}

static void unknown_input_leaves_output_unknown(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    int x = ir_add_tensor(g, "x", TK_INPUT, DT_F32); /* rank -1 */
    int y = node1(g, OP_RELU, "r", (int[]){x}, 1, NULL, 0);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    assert_int_equal(g->tensors[y].rank, -1);
    assert_int_equal(d.code, ST_OK);
    ir_graph_free(g);
}

static void overflowing_dims_are_refused(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    int a = add_input(g, "a", 2, (int64_t[]){(int64_t)1 << 40, 1});
    int b = add_input(g, "b", 2, (int64_t[]){1, (int64_t)1 << 40});
    node1(g, OP_ADD, "huge", (int[]){a, b}, 2, NULL, 0);
    Diag d = {0};
    assert_false(ir_infer_shapes(g, &d));
    assert_int_equal(d.code, ST_LIMIT);
    assert_string_equal(d.node, "huge");
    ir_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conv_padded_strided_dilated),
        cmocka_unit_test(conv_same_upper_and_lower),
        cmocka_unit_test(conv_channel_mismatch_is_refused),
        cmocka_unit_test(conv_kernel_larger_than_input_is_refused),
        cmocka_unit_test(zero_stride_and_negative_pad_are_refused),
        cmocka_unit_test(maxpool_floor_and_ceil),
        cmocka_unit_test(resize_scales_sizes_and_pending),
        cmocka_unit_test(upsample_attribute_form),
        cmocka_unit_test(broadcast_and_mismatch),
        cmocka_unit_test(shape_arithmetic),
        cmocka_unit_test(unknown_input_leaves_output_unknown),
        cmocka_unit_test(overflowing_dims_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
