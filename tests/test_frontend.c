/* SPDX-License-Identifier: MIT */
/*
 * test_frontend.c - tests of frontend/: ONNX bytes into IR.
 *
 * Models are built here from the protobuf-c structs generated from
 * frontend/onnx.proto (with the builder in model_builder.c), packed to bytes and loaded
 * with onnx_load_buffer; files go to a temporary folder. Failures are
 * checked on the Diag fields (code, node, op, message), not just on NULL.
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

static Graph *mb_load(MB *b, Diag *d)
{
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    memset(d, 0, sizeof(*d));
    return onnx_load_buffer(buf, len, "dir/test.onnx", NULL, d);
}

/* Loads b expecting failure with this code, node, op and message fragment. */
static void expect_fail(MB *b, Status code, const char *node, const char *op, const char *msg)
{
    Diag d;
    Graph *g = mb_load(b, &d);
    if (g)
        ir_graph_free(g);
    assert_null(g);
    if (d.code != code || !strstr(d.msg, msg))
        print_message("diag: code %d node \"%s\" op \"%s\" msg \"%s\"\n", (int)d.code, d.node,
                      d.op, d.msg);
    assert_int_equal(d.code, code);
    assert_string_equal(d.node, node);
    assert_string_equal(d.op, op);
    assert_non_null(strstr(d.msg, msg));
}

static Graph *expect_ok(MB *b)
{
    Diag d;
    Graph *g = mb_load(b, &d);
    if (!g)
        print_message("diag: code %d node \"%s\" op \"%s\" msg \"%s\"\n", (int)d.code, d.node,
                      d.op, d.msg);
    assert_non_null(g);
    assert_int_equal(d.code, ST_OK);
    return g;
}

static const int64_t DIMS_1144[] = {1, 1, 4, 4};
static const int64_t DIMS_W[] = {2, 1, 3, 3};
static const int64_t DIMS_B[] = {2};

/* x f32[1,1,4,4] -> Conv(x, w, b) -> y, weights in raw_data or float_data. */
static MB *conv_model(bool raw)
{
    MB *b = mb_new(13);
    float w[18], bias[2] = {0.5f, -1.0f};
    for (int i = 0; i < 18; i++)
        w[i] = (float)i * 0.25f;
    mb_input(b, "x", 1, 4, DIMS_1144, NULL);
    mb_init(b, raw ? mb_tensor_raw(b, "w", 1, 4, DIMS_W, w, sizeof(w))
                   : mb_tensor_floats(b, "w", 4, DIMS_W, w, 18));
    mb_init(b, mb_tensor_floats(b, "b", 1, DIMS_B, bias, 2));
    Onnx__NodeProto *n = mb_node(b, "Conv", "conv1", "x,w,b", "y");
    const int64_t ks[] = {3, 3}, pads[] = {1, 1, 1, 1};
    mb_attr_ints(b, n, "kernel_shape", 2, ks);
    mb_attr_ints(b, n, "pads", 4, pads);
    mb_output(b, "y", 1);
    return b;
}

static void check_conv(Graph *g)
{
    assert_int_equal(g->n_nodes, 1);
    const Node *n = &g->nodes[0];
    assert_int_equal(n->op, OP_CONV);
    assert_string_equal(n->name, "conv1");
    assert_int_equal(n->n_in, 3);
    assert_int_equal(n->n_out, 1);
    const Tensor *x = &g->tensors[n->in[0]], *w = &g->tensors[n->in[1]];
    const Tensor *bias = &g->tensors[n->in[2]], *y = &g->tensors[n->out[0]];
    assert_string_equal(x->name, "x");
    assert_int_equal(x->kind, TK_INPUT);
    assert_int_equal(x->rank, 4);
    assert_int_equal(x->dims[2], 4);
    assert_int_equal(w->kind, TK_CONST);
    assert_int_equal(w->dtype, DT_F32);
    assert_int_equal(w->rank, 4);
    assert_int_equal(w->dims[0], 2);
    assert_int_equal(w->dims[3], 3);
    const float *wd = w->data;
    assert_true(wd[0] == 0.0f && wd[5] == 1.25f && wd[17] == 4.25f);
    const float *bd = bias->data;
    assert_true(bd[0] == 0.5f && bd[1] == -1.0f);
    assert_true(y->is_output);
    assert_int_equal(y->dtype, DT_F32);
    assert_int_equal(y->producer, 0);
    assert_int_equal(g->n_inputs, 1);
    assert_int_equal(g->inputs[0], n->in[0]);
    assert_int_equal(g->n_outputs, 1);
    assert_int_equal(g->outputs[0], n->out[0]);
    const int64_t *ks;
    int nk;
    Diag d = {0};
    assert_true(ir_attr_ints(n, "kernel_shape", &ks, &nk, &d));
    assert_int_equal(nk, 2);
    assert_int_equal(ks[1], 3);
    assert_true(ir_attr_ints(n, "pads", &ks, &nk, &d));
    assert_int_equal(nk, 4);
    assert_int_equal(g->opset, 13);
    assert_int_equal(g->ir_version, 8);
    assert_string_equal(g->producer, "test 1.0");
    assert_string_equal(g->source, "test.onnx");
}

/* ------------------------------------------------------------------ tests */

static void test_conv_raw_data(void **state)
{
    (void)state;
    MB *b = conv_model(true);
    Graph *g = expect_ok(b);
    check_conv(g);
    ir_graph_free(g);
    mb_free(b);
}

static void test_conv_float_data(void **state)
{
    (void)state;
    MB *b = conv_model(false);
    Graph *g = expect_ok(b);
    check_conv(g);
    ir_graph_free(g);
    mb_free(b);
}

static void test_constant_nodes(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    const int64_t d3[] = {3};
    const float cv[] = {1.0f, 2.0f, 3.0f};
    mb_input(b, "x", 1, 1, d3, NULL);
    Onnx__NodeProto *c = mb_node(b, "Constant", "c0", "", "c");
    mb_attr(b, c, "value", AT_TENSOR)->t = mb_tensor_floats(b, NULL, 1, d3, cv, 3);
    Onnx__NodeProto *s = mb_node(b, "Constant", "c1", "", "s");
    mb_attr_float(b, s, "value_float", 2.5f);
    Onnx__NodeProto *k = mb_node(b, "Constant", "c2", "", "k");
    const int64_t kv[] = {4, 5};
    mb_attr_ints(b, k, "value_ints", 2, kv);
    mb_node(b, "Add", "add", "x,c", "t");
    mb_node(b, "Mul", "mul", "t,s", "y");
    mb_output(b, "y", 1);
    Graph *g = expect_ok(b);
    assert_int_equal(g->n_nodes, 2);          /* the Constant nodes are gone */
    assert_int_equal(g->nodes[0].op, OP_ADD);
    const Tensor *ct = &g->tensors[g->nodes[0].in[1]];
    assert_string_equal(ct->name, "c");
    assert_int_equal(ct->kind, TK_CONST);
    assert_int_equal(ct->rank, 1);
    assert_true(((const float *)ct->data)[2] == 3.0f);
    const Tensor *st = &g->tensors[g->nodes[1].in[1]];
    assert_int_equal(st->rank, 0);
    assert_true(*(const float *)st->data == 2.5f);
    int kid = ir_find_tensor(g, "k");
    assert_true(kid >= 0);
    assert_int_equal(g->tensors[kid].dtype, DT_I64);
    assert_int_equal(((const int64_t *)g->tensors[kid].data)[1], 5);
    ir_graph_free(g);
    mb_free(b);
}

static void test_input_dims(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    const int64_t dims[] = {0, 3, INT64_MIN, 7};
    const char *const params[] = {"batch", NULL, NULL, NULL};
    mb_input(b, "x", 1, 4, dims, params);
    mb_node(b, "Relu", "r", "x", "y");
    mb_output(b, "y", 1);
    Graph *g = expect_ok(b);
    const Tensor *x = &g->tensors[g->inputs[0]];
    assert_int_equal(x->rank, 4);
    assert_int_equal(x->dims[0], -1);
    assert_string_equal(x->dim_param[0], "batch");
    assert_int_equal(x->dims[1], 3);
    assert_null(x->dim_param[1]);
    assert_int_equal(x->dims[2], -1);
    assert_null(x->dim_param[2]);
    assert_int_equal(x->dims[3], 7);
    ir_graph_free(g);
    mb_free(b);

    b = mb_new(13);
    mb_input(b, "x", 1, -1, NULL, NULL);   /* no shape at all */
    mb_node(b, "Relu", "r", "x", "y");
    mb_output(b, "y", 1);
    expect_fail(b, ST_UNSUPPORTED, "", "", "graph input \"x\" has no shape");
    mb_free(b);

    b = mb_new(13);
    const int64_t neg[] = {1, -2};
    mb_input(b, "x", 1, 2, neg, NULL);
    mb_node(b, "Relu", "r", "x", "y");
    mb_output(b, "y", 1);
    expect_fail(b, ST_BAD_MODEL, "", "", "graph input \"x\" has negative dim -2");
    mb_free(b);

    b = mb_new(13);
    mb_input(b, "x", 14, 1, DIMS_B, NULL);   /* complex64 */
    mb_node(b, "Relu", "r", "x", "y");
    mb_output(b, "y", 1);
    expect_fail(b, ST_UNSUPPORTED, "", "", "graph input \"x\" has element type complex64");
    mb_free(b);
}

static MB *relu_model(int64_t opset)
{
    MB *b = mb_new(opset);
    mb_input(b, "x", 1, 1, DIMS_B, NULL);
    mb_node(b, "Relu", "r", "x", "y");
    mb_output(b, "y", 1);
    return b;
}

static void test_opset_import(void **state)
{
    (void)state;
    MB *b = mb_new(0);
    mb_opset(b, "ai.onnx.ml", 3);
    mb_opset(b, "ai.onnx", 17);
    mb_input(b, "x", 1, 1, DIMS_B, NULL);
    mb_node(b, "Relu", "r", "x", "y");
    mb_output(b, "y", 1);
    Graph *g = expect_ok(b);
    assert_int_equal(g->opset, 17);
    ir_graph_free(g);
    mb_free(b);

    b = relu_model(0);
    mb_opset(b, "com.x", 1);
    expect_fail(b, ST_BAD_MODEL, "", "", "no default-domain opset");
    mb_free(b);
}

static void test_attributes(void **state)
{
    (void)state;
    MB *b = relu_model(13);
    Onnx__NodeProto *n = b->g.node[0];
    mb_attr_float(b, n, "f", 0.125f);
    mb_attr_int(b, n, "i", -7);
    Onnx__AttributeProto *sa = mb_attr(b, n, "s", AT_STRING);
    sa->has_s = 1;
    sa->s = mb_bin(b, "nearest");
    Onnx__AttributeProto *fs = mb_attr(b, n, "fs", AT_FLOATS);
    float fv[] = {1.5f, 2.5f};
    fs->n_floats = 2;
    fs->floats = fv;
    const int64_t iv[] = {1, 2, 3};
    mb_attr_ints(b, n, "is", 3, iv);
    Onnx__AttributeProto *ss = mb_attr(b, n, "ss", AT_STRINGS);
    ProtobufCBinaryData sv[2] = {mb_bin(b, "a"), mb_bin(b, "bc")};
    ss->n_strings = 2;
    ss->strings = sv;
    const int64_t two[] = {2};
    const int64_t lv[] = {10, 20};
    mb_attr(b, n, "t", AT_TENSOR)->t = mb_tensor_raw(b, NULL, 7, 1, two, lv, sizeof(lv));
    Graph *g = expect_ok(b);
    const Node *nd = &g->nodes[0];
    assert_int_equal(nd->n_attrs, 7);
    Diag d = {0};
    float f;
    int64_t i;
    const char *s;
    assert_true(ir_attr_float(nd, "f", 0, &f, &d) && f == 0.125f);
    assert_true(ir_attr_int(nd, "i", 0, &i, &d));
    assert_int_equal(i, -7);
    assert_true(ir_attr_string(nd, "s", NULL, &s, &d));
    assert_string_equal(s, "nearest");
    const float *fp;
    int nf;
    assert_true(ir_attr_floats(nd, "fs", &fp, &nf, &d));
    assert_int_equal(nf, 2);
    assert_true(fp[1] == 2.5f);
    const Attr *a = ir_attr(nd, "is");
    assert_non_null(a);
    assert_int_equal(a->type, AT_INTS);
    assert_int_equal(a->n, 3);
    assert_int_equal(a->ints[2], 3);
    a = ir_attr(nd, "ss");
    assert_int_equal(a->type, AT_STRINGS);
    assert_int_equal(a->n, 2);
    assert_string_equal(a->strings[1], "bc");
    a = ir_attr(nd, "t");
    assert_int_equal(a->type, AT_TENSOR);
    assert_true(a->tensor >= 0 && a->tensor < g->n_tensors);
    const Tensor *t = &g->tensors[a->tensor];
    assert_int_equal(t->kind, TK_CONST);
    assert_int_equal(t->dtype, DT_I64);
    assert_int_equal(((const int64_t *)t->data)[1], 20);
    assert_int_equal(ir_attr(nd, "f")->tensor, -1);
    ir_graph_free(g);
    mb_free(b);

    b = relu_model(13);
    mb_attr(b, b->g.node[0], "body", 5);    /* GRAPH */
    expect_fail(b, ST_UNSUPPORTED, "r", "Relu", "attribute \"body\" has type graph");
    mb_free(b);

    b = relu_model(13);
    mb_attr(b, b->g.node[0], "i", AT_INT);
    mb_attr(b, b->g.node[0], "i", AT_INT);
    expect_fail(b, ST_BAD_MODEL, "r", "Relu", "attribute \"i\" is given twice");
    mb_free(b);
}

static void test_unsupported_ops(void **state)
{
    (void)state;
    MB *b = relu_model(13);
    mb_node(b, "Foo", "n1", "y", "z");
    mb_output(b, "z", 1);
    expect_fail(b, ST_UNSUPPORTED, "n1", "Foo", "unsupported ops: Foo (1 node, first \"n1\")");
    mb_free(b);

    b = relu_model(13);
    mb_node(b, "Foo", "n1", "y", "z1");
    mb_node(b, "Bar", "n2", "z1", "z2");
    mb_node(b, "Foo", "n3", "z2", "z3");
    mb_node(b, "Baz", NULL, "z3", "z4")->has_domain = 1;
    b->g.node[4]->domain = mb_bin(b, "com.x");
    expect_fail(b, ST_UNSUPPORTED, "n1", "Foo",
                "unsupported ops: Foo (2 nodes, first \"n1\"), Bar (1 node, first \"n2\"), "
                "com.x.Baz (1 node, first node #4)");
    mb_free(b);
}

static void test_custom_domain(void **state)
{
    (void)state;
    MB *b = relu_model(13);
    mb_opset(b, "com.x", 1);
    Onnx__NodeProto *n = b->g.node[0];
    n->has_domain = 1;
    n->domain = mb_bin(b, "com.x");
    expect_fail(b, ST_UNSUPPORTED, "r", "com.x.Relu", "com.x.Relu (1 node, first \"r\")");
    mb_free(b);
}

static void test_bad_bytes(void **state)
{
    (void)state;
    Diag d = {0};
    assert_null(onnx_load_buffer("", 0, "e.onnx", NULL, &d));
    assert_int_equal(d.code, ST_BAD_MODEL);
    assert_string_equal(d.msg, "file is empty");

    unsigned char junk[64];
    memset(junk, 0xff, sizeof(junk));
    memset(&d, 0, sizeof(d));
    assert_null(onnx_load_buffer(junk, sizeof(junk), "j.onnx", NULL, &d));
    assert_int_equal(d.code, ST_BAD_MODEL);
    assert_non_null(strstr(d.msg, "protobuf"));

    MB *b = conv_model(true);
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    for (size_t cut = len - 1; cut > len / 2; cut -= 7) {
        memset(&d, 0, sizeof(d));
        Graph *g = onnx_load_buffer(buf, cut, "t.onnx", NULL, &d);
        if (g)
            ir_graph_free(g);
        assert_null(g);
        assert_int_equal(d.code, ST_BAD_MODEL);
    }
    mb_free(b);

    b = mb_new(13);
    b->m.graph = NULL;
    expect_fail(b, ST_BAD_MODEL, "", "", "model has no graph");
    mb_free(b);

    b = relu_model(13);
    b->g.node[0]->name.data[0] = '\0';   /* "r" becomes one NUL byte */
    expect_fail(b, ST_BAD_MODEL, "", "", "node name contains a NUL byte");
    mb_free(b);
}

static void test_initializer_checks(void **state)
{
    (void)state;
    const int64_t d34[] = {3, 4};
    float ten[10] = {0};
    MB *b = relu_model(13);
    mb_init(b, mb_tensor_floats(b, "w", 2, d34, ten, 10));
    expect_fail(b, ST_BAD_MODEL, "", "", "initializer \"w\" has 10 entries in float_data, dims [3,4] need 12");
    mb_free(b);

    b = relu_model(13);
    mb_init(b, mb_tensor_raw(b, "w", 1, 2, d34, ten, 40));
    expect_fail(b, ST_BAD_MODEL, "", "",
                "initializer \"w\" has 40 bytes of raw_data, dims [3,4] need 48");
    mb_free(b);

    b = relu_model(13);
    const int64_t neg[] = {3, -4};
    mb_init(b, mb_tensor_floats(b, "w", 2, neg, ten, 10));
    expect_fail(b, ST_BAD_MODEL, "", "", "initializer \"w\" has negative dim -4");
    mb_free(b);

    b = relu_model(13);
    const int64_t huge[] = {(int64_t)1 << 40, (int64_t)1 << 40};
    mb_init(b, mb_tensor_floats(b, "w", 2, huge, ten, 1));
    expect_fail(b, ST_LIMIT, "", "", "initializer \"w\" has dims [1099511627776,");
    mb_free(b);

    b = relu_model(13);
    mb_init(b, mb_tensor_raw(b, "h", 15, 1, DIMS_B, ten, 32));   /* complex128 */
    expect_fail(b, ST_UNSUPPORTED, "", "", "initializer \"h\" has element type complex128");
    mb_free(b);

    b = relu_model(13);
    Onnx__TensorProto *t = mb_tensor(b, "i", 7, 1, DIMS_B);
    int64_t iv[] = {1, 2};
    t->n_int64_data = 2;
    t->int64_data = iv;
    t->n_float_data = 2;
    t->float_data = (float *)ten;
    mb_init(b, t);
    expect_fail(b, ST_BAD_MODEL, "", "", "initializer \"i\" has its data in more than one");
    mb_free(b);

    b = relu_model(13);
    mb_init(b, mb_tensor_raw(b, "y", 1, 1, DIMS_B, ten, 8));   /* Relu also makes "y" */
    expect_fail(b, ST_BAD_MODEL, "r", "Relu", "output \"y\" redefines initializer \"y\"");
    mb_free(b);
}

/* Typed data fields of every supported dtype, and an initializer listed as input. */
static void test_initializer_dtypes(void **state)
{
    (void)state;
    MB *b = relu_model(13);
    const int64_t d3[] = {3};
    int32_t i32[] = {-1, 0, 127};
    int32_t u8[] = {0, 200, 255};
    int32_t bl[] = {1, 0, 1};
    int64_t i64[] = {-5, 0, 1LL << 40};
    double f64[] = {0.5, -1.0, 1e300};
    Onnx__TensorProto *t;
    t = mb_tensor(b, "i8", 3, 1, d3), t->n_int32_data = 3, t->int32_data = i32, mb_init(b, t);
    t = mb_tensor(b, "u8", 2, 1, d3), t->n_int32_data = 3, t->int32_data = u8, mb_init(b, t);
    t = mb_tensor(b, "bl", 9, 1, d3), t->n_int32_data = 3, t->int32_data = bl, mb_init(b, t);
    t = mb_tensor(b, "i32", 6, 1, d3), t->n_int32_data = 3, t->int32_data = i32, mb_init(b, t);
    t = mb_tensor(b, "i64", 7, 1, d3), t->n_int64_data = 3, t->int64_data = i64, mb_init(b, t);
    t = mb_tensor(b, "f64", 11, 1, d3), t->n_double_data = 3, t->double_data = f64, mb_init(b, t);
    mb_input(b, "i64", 7, 1, d3, NULL);   /* an initializer listed as input stays constant */
    Graph *g = expect_ok(b);
    const Tensor *x;
    x = &g->tensors[ir_find_tensor(g, "i8")];
    assert_int_equal(x->dtype, DT_I8);
    assert_int_equal(((const int8_t *)x->data)[0], -1);
    x = &g->tensors[ir_find_tensor(g, "u8")];
    assert_int_equal(((const uint8_t *)x->data)[1], 200);
    x = &g->tensors[ir_find_tensor(g, "bl")];
    assert_int_equal(x->dtype, DT_BOOL);
    assert_int_equal(((const uint8_t *)x->data)[2], 1);
    x = &g->tensors[ir_find_tensor(g, "i32")];
    assert_int_equal(((const int32_t *)x->data)[2], 127);
    x = &g->tensors[ir_find_tensor(g, "i64")];
    assert_int_equal(x->kind, TK_CONST);
    assert_true(((const int64_t *)x->data)[2] == 1LL << 40);
    x = &g->tensors[ir_find_tensor(g, "f64")];
    assert_true(((const double *)x->data)[2] == 1e300);
    assert_int_equal(g->n_inputs, 1);
    ir_graph_free(g);
    mb_free(b);

    b = relu_model(13);
    int32_t big[] = {1, 300, 2};
    t = mb_tensor(b, "q", 2, 1, d3), t->n_int32_data = 3, t->int32_data = big, mb_init(b, t);
    expect_fail(b, ST_BAD_MODEL, "", "", "initializer \"q\" holds 300 in int32_data, out of range for u8");
    mb_free(b);
}

static void test_graph_structure(void **state)
{
    (void)state;
    MB *b = relu_model(13);
    mb_node(b, "Add", "add", "y,nope", "z");
    expect_fail(b, ST_BAD_MODEL, "add", "Add", "input \"nope\" is not defined");
    mb_free(b);

    b = relu_model(13);
    mb_node(b, "Sigmoid", "sig", "x", "y");
    expect_fail(b, ST_BAD_MODEL, "sig", "Sigmoid", "output \"y\" is also produced by node \"r\"");
    mb_free(b);

    b = mb_new(13);
    mb_input(b, "x", 1, 1, DIMS_B, NULL);
    mb_node(b, "Add", "a1", "x,q", "p");
    mb_node(b, "Relu", "a2", "p", "q");
    mb_node(b, "Relu", "a3", "q", "y");
    mb_output(b, "y", 1);
    Diag d;
    assert_null(mb_load(b, &d));
    assert_int_equal(d.code, ST_BAD_MODEL);
    assert_non_null(strstr(d.msg, "cycle"));
    assert_true(strcmp(d.node, "a1") == 0 || strcmp(d.node, "a2") == 0);
    mb_free(b);

    b = mb_new(13);
    mb_input(b, "x", 1, 1, DIMS_B, NULL);
    mb_node(b, "Mul", "n3", "t,u", "y");
    mb_node(b, "Relu", "n2", "t", "u");
    mb_node(b, "Sigmoid", "n1", "x", "t");
    mb_output(b, "y", 1);
    Graph *g = expect_ok(b);
    assert_int_equal(g->n_nodes, 3);
    assert_string_equal(g->nodes[0].name, "n1");
    assert_string_equal(g->nodes[1].name, "n2");
    assert_string_equal(g->nodes[2].name, "n3");
    for (int i = 0; i < g->n_nodes; i++)
        assert_int_equal(g->tensors[g->nodes[i].out[0]].producer, i);
    ir_graph_free(g);
    mb_free(b);

    b = relu_model(13);
    mb_node(b, "Conv", "c", "y", "z");
    expect_fail(b, ST_BAD_MODEL, "c", "Conv", "node has 1 inputs, expected 2 to 3");
    mb_free(b);

    b = relu_model(13);
    mb_output(b, "nothing", 1);
    expect_fail(b, ST_BAD_MODEL, "", "", "graph output \"nothing\" is not defined");
    mb_free(b);

    /* An omitted optional input becomes -1. */
    b = relu_model(13);
    const float sc[] = {1, 1, 2, 2};
    const int64_t d4[] = {4};
    mb_init(b, mb_tensor_floats(b, "scales", 1, d4, sc, 4));
    mb_node(b, "Resize", "rs", "y,,scales", "z");
    g = expect_ok(b);
    assert_int_equal(g->nodes[1].n_in, 3);
    assert_int_equal(g->nodes[1].in[1], -1);
    assert_int_equal(g->nodes[1].in[2], ir_find_tensor(g, "scales"));
    ir_graph_free(g);
    mb_free(b);
}

static void test_limits(void **state)
{
    (void)state;
    MB *b = conv_model(true);
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    OnnxLimits lim = {.max_elements = 10};
    Diag d = {0};
    assert_null(onnx_load_buffer(buf, len, "t.onnx", &lim, &d));
    assert_int_equal(d.code, ST_LIMIT);
    assert_non_null(strstr(d.msg, "initializer \"w\" has dims [2,1,3,3], more than 10"));
    OnnxLimits bytes = {.max_total_bytes = 64};
    memset(&d, 0, sizeof(d));
    assert_null(onnx_load_buffer(buf, len, "t.onnx", &bytes, &d));
    assert_int_equal(d.code, ST_LIMIT);
    assert_non_null(strstr(d.msg, "past the limit of 64 bytes"));
    mb_free(b);
}

/* ------------------------------------------------------------- files */

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* Loads a model file whose "w" lives in external data at `location`. */
static Graph *load_external(const char *dir, const char *location, Diag *d)
{
    MB *b = relu_model(13);
    Onnx__TensorProto *t = mb_tensor(b, "w", 1, 1, DIMS_B);
    t->has_data_location = 1;
    t->data_location = 1;
    const char *kv[][2] = {{"location", location}, {"offset", "8"}, {"length", "8"}};
    t->n_external_data = 3;
    t->external_data = mb_alloc(b, 3 * sizeof(void *));
    for (int i = 0; i < 3; i++) {
        Onnx__StringStringEntryProto *e = mb_alloc(b, sizeof(*e));
        onnx__string_string_entry_proto__init(e);
        e->has_key = e->has_value = 1;
        e->key = mb_bin(b, kv[i][0]);
        e->value = mb_bin(b, kv[i][1]);
        t->external_data[i] = e;
    }
    mb_init(b, t);
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    char path[512];
    snprintf(path, sizeof(path), "%s/model.onnx", dir);
    write_bytes(path, buf, len);
    mb_free(b);
    memset(d, 0, sizeof(*d));
    Graph *g = onnx_load_file(path, NULL, d);
    remove(path);
    return g;
}

static void test_external_data(void **state)
{
    (void)state;
    char dir[] = "/tmp/onnxc_test_frontend_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof(path), "%s/weights.bin", dir);
    float data[4] = {99.0f, 99.0f, 3.5f, -2.0f};   /* the tensor is at offset 8 */
    write_bytes(path, data, sizeof(data));

    Diag d;
    Graph *g = load_external(dir, "weights.bin", &d);
    assert_non_null(g);
    const Tensor *w = &g->tensors[ir_find_tensor(g, "w")];
    assert_true(((const float *)w->data)[0] == 3.5f && ((const float *)w->data)[1] == -2.0f);
    assert_string_equal(g->source, "model.onnx");
    ir_graph_free(g);

    assert_null(load_external(dir, "../weights.bin", &d));
    assert_int_equal(d.code, ST_BAD_MODEL);
    assert_non_null(strstr(d.msg, "initializer \"w\": external data location \"../weights.bin\""));
    assert_null(load_external(dir, "/etc/passwd", &d));
    assert_int_equal(d.code, ST_BAD_MODEL);
    assert_null(load_external(dir, "missing.bin", &d));
    assert_int_equal(d.code, ST_IO);
    assert_non_null(strstr(d.msg, "cannot open external data file"));
    assert_non_null(strstr(d.msg, "missing.bin"));

    memset(&d, 0, sizeof(d));
    snprintf(path, sizeof(path), "%s/absent.onnx", dir);
    assert_null(onnx_load_file(path, NULL, &d));
    assert_int_equal(d.code, ST_IO);

    snprintf(path, sizeof(path), "%s/weights.bin", dir);
    remove(path);
    assert_int_equal(rmdir(dir), 0);
}

static void test_tensor_file_roundtrip(void **state)
{
    (void)state;
    char dir[] = "/tmp/onnxc_test_frontend_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof(path), "%s/t.pb", dir);
    float v[6] = {1, -2, 3.25f, 0, 1e-3f, 7};
    OnnxTensor t = {DT_F32, 2, {2, 3}, v, "out0"};
    Diag d = {0};
    assert_true(onnx_write_tensor(path, &t, &d));
    Arena *a = arena_new();
    OnnxTensor r;
    assert_true(onnx_read_tensor(path, a, &r, &d));
    assert_int_equal(r.dtype, DT_F32);
    assert_int_equal(r.rank, 2);
    assert_int_equal(r.dims[0], 2);
    assert_int_equal(r.dims[1], 3);
    assert_string_equal(r.name, "out0");
    assert_memory_equal(r.data, v, sizeof(v));

    write_bytes(path, "\xff\xff\xff", 3);
    memset(&d, 0, sizeof(d));
    assert_false(onnx_read_tensor(path, a, &r, &d));
    assert_int_equal(d.code, ST_BAD_MODEL);
    remove(path);
    memset(&d, 0, sizeof(d));
    assert_false(onnx_read_tensor(path, a, &r, &d));
    assert_int_equal(d.code, ST_IO);
    assert_int_equal(rmdir(dir), 0);

    /* A file from the ONNX backend tests, when they are around. */
    const char *shared = getenv("ONNXC_SHARED_DIR");
    if (shared) {
        snprintf(path, sizeof(path), "%s/onnx-tests/node/test_relu/test_data_set_0/input_0.pb",
                 shared);
        FILE *f = fopen(path, "rb");
        if (f) {
            fclose(f);
            memset(&d, 0, sizeof(d));
            assert_true(onnx_read_tensor(path, a, &r, &d));
            assert_int_equal(r.dtype, DT_F32);
            assert_int_equal(r.rank, 3);
            assert_int_equal(r.dims[0] * r.dims[1] * r.dims[2], 60);
        }
    }
    arena_free(a);
}

static void test_basic_unet(void **state)
{
    (void)state;
    const char *src = getenv("ONNXC_SOURCE_DIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/models/basic_unet.onnx", src ? src : ".");
    FILE *f = fopen(path, "rb");
    if (!f)
        skip();
    fclose(f);
    Diag d = {0};
    Graph *g = onnx_load_file(path, NULL, &d);
    if (!g)
        print_message("diag: %s\n", d.msg);
    assert_non_null(g);
    int convs = 0;
    for (int i = 0; i < g->n_nodes; i++)
        convs += g->nodes[i].op == OP_CONV;
    assert_int_equal(convs, 6);
    assert_int_equal(g->n_inputs, 1);
    assert_int_equal(g->n_outputs, 1);
    assert_int_equal(g->tensors[g->inputs[0]].rank, 4);
    ir_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_raw_data),
        cmocka_unit_test(test_conv_float_data),
        cmocka_unit_test(test_constant_nodes),
        cmocka_unit_test(test_input_dims),
        cmocka_unit_test(test_opset_import),
        cmocka_unit_test(test_attributes),
        cmocka_unit_test(test_unsupported_ops),
        cmocka_unit_test(test_custom_domain),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_initializer_checks),
        cmocka_unit_test(test_initializer_dtypes),
        cmocka_unit_test(test_graph_structure),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_external_data),
        cmocka_unit_test(test_tensor_file_roundtrip),
        cmocka_unit_test(test_basic_unet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
