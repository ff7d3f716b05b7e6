/* SPDX-License-Identifier: MIT */
/*
 * test_functions.c - model-local functions (ModelProto.functions) inlined by
 * the frontend (frontend/onnx_functions.c).
 *
 * Models are built with model_builder.c and loaded from bytes. Inlined graphs
 * are checked on their node and value names, on attributes taken from the call
 * or the function's defaults, and on numbers: shapes, passes_run and
 * rt_interpret against values computed here. Bad functions (recursion, nesting
 * and size past the limits, an opset other than the model's) are checked on the
 * Diag fields.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model_builder.h"
#include "onnx.h"
#include "passes.h"
#include "rt.h"

static Graph *load_lim(MB *b, const OnnxLimits *lim, Diag *d)
{
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    memset(d, 0, sizeof(*d));
    return onnx_load_buffer(buf, len, "fn.onnx", lim, d);
}

static Graph *expect_ok(MB *b)
{
    Diag d;
    Graph *g = load_lim(b, NULL, &d);
    if (!g)
        print_message("diag: code %d node \"%s\" op \"%s\" msg \"%s\"\n", (int)d.code, d.node,
                      d.op, d.msg);
    assert_non_null(g);
    return g;
}

/* Loads b expecting failure with this code, node, op and message fragment. */
static void expect_fail_lim(MB *b, const OnnxLimits *lim, Status code, const char *node,
                            const char *op, const char *msg)
{
    Diag d;
    Graph *g = load_lim(b, lim, &d);
    if (g)
        ir_graph_free(g);
    assert_null(g);
    if (d.code != code || strcmp(d.node, node) != 0 || strcmp(d.op, op) != 0 ||
        !strstr(d.msg, msg))
        print_message("diag: code %d node \"%s\" op \"%s\" msg \"%s\"\n", (int)d.code, d.node,
                      d.op, d.msg);
    assert_int_equal(d.code, code);
    assert_string_equal(d.node, node);
    assert_string_equal(d.op, op);
    assert_non_null(strstr(d.msg, msg));
}

static void expect_fail(MB *b, Status code, const char *node, const char *op, const char *msg)
{
    expect_fail_lim(b, NULL, code, node, op, msg);
}

/* The node named name (it must exist once). */
static const Node *node_named(const Graph *g, const char *name)
{
    const Node *found = NULL;
    for (int i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].name, name) == 0) {
            assert_null(found);
            found = &g->nodes[i];
        }
    if (!found)
        print_message("no node \"%s\"\n", name);
    assert_non_null(found);
    return found;
}

static const char *tensor_name(const Graph *g, int id)
{
    assert_true(id >= 0 && id < g->n_tensors);
    return g->tensors[id].name;
}

/* Runs g (one f32 input, one f32 output) through shapes, passes and the
 * interpreter. */
static void run(Graph *g, const float *x, float *y)
{
    Diag d = {0};
    if (!ir_infer_shapes(g, &d) || !passes_run(g, NULL, NULL, &d))
        fail_msg("pipeline: %s (%s)", d.msg, d.node);
    const float *in[1] = {x};
    float *out[1] = {y};
    if (!rt_interpret(g, in, out, &d))
        fail_msg("rt_interpret: %s (%s)", d.msg, d.node);
}

static const int64_t DIMS_14[] = {1, 4};

/* local.AddMul(a, b) -> y: t = a + b; y = t * b. */
static Onnx__FunctionProto *add_mul(MB *b)
{
    Onnx__FunctionProto *f = mb_function(b, "local", "AddMul", "a,b", "y");
    mb_fn_opset(b, f, "", 13);
    mb_fn_node(b, f, "Add", "add", "a,b", "t");
    mb_fn_node(b, f, "Mul", "mul", "t,b", "y");
    return f;
}

static void test_two_calls(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    add_mul(b);
    const float w[4] = {1.0f, -2.0f, 0.5f, 3.0f};
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_init(b, mb_tensor_floats(b, "w", 2, DIMS_14, w, 4));
    /* A value of the graph already called "c2/t": the inlined one must differ. */
    mb_init(b, mb_tensor_floats(b, "c2/t", 2, DIMS_14, w, 4));
    mb_node_domain(b, mb_node(b, "AddMul", "c1", "x,w", "h"), "local");
    mb_node_domain(b, mb_node(b, "AddMul", "c2", "h,w", "y0"), "local");
    mb_node(b, "Add", "last", "y0,c2/t", "y");
    mb_output(b, "y", 1);
    Graph *g = expect_ok(b);

    assert_int_equal(g->n_nodes, 5);
    const Node *a1 = node_named(g, "c1/add"), *m1 = node_named(g, "c1/mul");
    const Node *a2 = node_named(g, "c2/add"), *m2 = node_named(g, "c2/mul");
    assert_int_equal(a1->op, OP_ADD);
    assert_int_equal(m2->op, OP_MUL);
    assert_string_equal(tensor_name(g, a1->in[0]), "x");
    assert_string_equal(tensor_name(g, a1->in[1]), "w");
    assert_string_equal(tensor_name(g, a1->out[0]), "c1/t");
    assert_int_equal(m1->in[0], a1->out[0]);
    assert_string_equal(tensor_name(g, m1->out[0]), "h");
    assert_string_equal(tensor_name(g, a2->in[0]), "h");
    assert_string_equal(tensor_name(g, a2->out[0]), "c2/t_1");
    assert_int_equal(m2->in[0], a2->out[0]);
    assert_string_equal(tensor_name(g, m2->out[0]), "y0");
    int taken = ir_find_tensor(g, "c2/t");
    assert_true(taken >= 0 && g->tensors[taken].kind == TK_CONST);

    const float x[4] = {0.5f, 1.0f, -1.5f, 2.0f};
    float y[4];
    run(g, x, y);
    for (int i = 0; i < 4; i++) {
        float h = (x[i] + w[i]) * w[i];
        float want = (h + w[i]) * w[i] + w[i];
        assert_float_equal(y[i], want, 1e-6f);
    }
    ir_graph_free(g);
    mb_free(b);
}

/* local.Leaky(x) -> y = LeakyRelu(x, alpha = @alpha), alpha defaulting to
 * 0.5 when with_default. */
static void leaky_fn(MB *b, bool with_default)
{
    Onnx__FunctionProto *f = mb_function(b, "local", "Leaky", "x", "y");
    Onnx__NodeProto *n = mb_fn_node(b, f, "LeakyRelu", "lr", "x", "y");
    mb_attr_ref(b, n, "alpha", AT_FLOAT, "alpha");
    if (with_default) {
        Onnx__AttributeProto *a = mb_fn_attr(b, f, "alpha", AT_FLOAT);
        a->has_f = 1;
        a->f = 0.5f;
    }
}

static void test_ref_attr(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    leaky_fn(b, true);
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    Onnx__NodeProto *c1 = mb_node(b, "Leaky", "given", "x", "h");
    mb_node_domain(b, c1, "local");
    mb_attr_float(b, c1, "alpha", 0.25f);
    mb_node_domain(b, mb_node(b, "Leaky", "dflt", "h", "y"), "local");
    mb_output(b, "y", 1);
    Graph *g = expect_ok(b);
    assert_int_equal(g->n_nodes, 2);
    Diag d = {0};
    float alpha;
    assert_true(ir_attr_float(node_named(g, "given/lr"), "alpha", -1.0f, &alpha, &d));
    assert_float_equal(alpha, 0.25f, 0.0f);
    assert_true(ir_attr_float(node_named(g, "dflt/lr"), "alpha", -1.0f, &alpha, &d));
    assert_float_equal(alpha, 0.5f, 0.0f);

    const float x[4] = {-4.0f, 2.0f, -1.0f, 0.0f};
    float y[4];
    run(g, x, y);
    const float want[4] = {-0.5f, 2.0f, -0.125f, 0.0f};
    for (int i = 0; i < 4; i++)
        assert_float_equal(y[i], want[i], 1e-7f);
    ir_graph_free(g);
    mb_free(b);
}

/* A reference neither the call nor a default fills leaves the attribute out. */
static void test_ref_attr_absent(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    leaky_fn(b, false);
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_node_domain(b, mb_node(b, "Leaky", "c", "x", "y"), "local");
    mb_output(b, "y", 1);
    Graph *g = expect_ok(b);
    const Node *n = node_named(g, "c/lr");
    assert_int_equal(n->n_attrs, 0);
    const float x[4] = {-100.0f, 1.0f, 0.0f, -1.0f};
    float y[4];
    run(g, x, y);   /* LeakyRelu's own default alpha, 0.01 */
    assert_float_equal(y[0], -1.0f, 1e-6f);
    assert_float_equal(y[3], -0.01f, 1e-7f);
    ir_graph_free(g);
    mb_free(b);
}

static void test_ref_attr_wrong_type(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    leaky_fn(b, true);
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    Onnx__NodeProto *c = mb_node(b, "Leaky", "c", "x", "y");
    mb_node_domain(b, c, "local");
    mb_attr_int(b, c, "alpha", 3);
    mb_output(b, "y", 1);
    expect_fail(b, ST_BAD_MODEL, "c/lr", "LeakyRelu", "refers to function attribute \"alpha\"");
    mb_free(b);
}

/* ref_attr_name is only meaningful inside a function body. */
static void test_ref_attr_outside(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_attr_ref(b, mb_node(b, "LeakyRelu", "lr", "x", "y"), "alpha", AT_FLOAT, "a");
    mb_output(b, "y", 1);
    expect_fail(b, ST_BAD_MODEL, "lr", "LeakyRelu", "outside a function body");
    mb_free(b);
}

/* local.Outer(x) -> y = Neg(Leaky(x, alpha = @k)), Leaky a function too. */
static void test_nested(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    leaky_fn(b, true);
    Onnx__FunctionProto *outer = mb_function(b, "local", "Outer", "x", "y");
    Onnx__NodeProto *inner = mb_fn_node(b, outer, "Leaky", "in", "x", "t");
    mb_node_domain(b, inner, "local");
    mb_attr_ref(b, inner, "alpha", AT_FLOAT, "k");
    mb_fn_node(b, outer, "Neg", NULL, "t", "y");
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    Onnx__NodeProto *c = mb_node(b, "Outer", "o", "x", "y");
    mb_node_domain(b, c, "local");
    mb_attr_float(b, c, "k", 0.125f);
    mb_node_domain(b, mb_node(b, "Outer", NULL, "y", "z"), "ai.onnx");   /* not a call */
    mb_output(b, "y", 1);
    expect_fail(b, ST_UNSUPPORTED, "", "Outer", "unsupported ops: Outer (1 node, first node #");
    b->g.n_node--;
    Graph *g = expect_ok(b);
    assert_int_equal(g->n_nodes, 2);
    const Node *lr = node_named(g, "o/in/lr");
    float alpha;
    Diag d = {0};
    assert_true(ir_attr_float(lr, "alpha", -1.0f, &alpha, &d));
    assert_float_equal(alpha, 0.125f, 0.0f);
    const Node *neg = node_named(g, "o/Neg_1");
    assert_string_equal(tensor_name(g, lr->out[0]), "o/t");
    assert_int_equal(neg->in[0], lr->out[0]);
    const float x[4] = {-8.0f, 2.0f, 0.0f, -1.0f};
    float y[4];
    run(g, x, y);
    const float want[4] = {1.0f, -2.0f, 0.0f, 0.125f};
    for (int i = 0; i < 4; i++)
        assert_float_equal(y[i], want[i], 1e-7f);
    ir_graph_free(g);
    mb_free(b);
}

/* Omitted optional inputs stay omitted; an input returned as an output becomes
 * an Identity; an output the call ignores is an intermediate. */
static void test_optional_and_passthrough(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    Onnx__FunctionProto *f = mb_function(b, "local", "Clamp", "x,lo,hi", "y,x,r");
    mb_fn_node(b, f, "Clip", "clip", "x,lo,hi", "y");
    mb_fn_node(b, f, "Relu", "relu", "x", "r");
    static const int64_t scalar[] = {0};
    const float hi = 1.0f;
    mb_init(b, mb_tensor_floats(b, "hi", 0, scalar, &hi, 1));
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_node_domain(b, mb_node(b, "Clamp", "c", "x,,hi", "y,same"), "local");
    mb_output(b, "y", 1);
    mb_output(b, "same", 1);
    Graph *g = expect_ok(b);
    assert_int_equal(g->n_nodes, 3);
    const Node *clip = node_named(g, "c/clip");
    assert_int_equal(clip->n_in, 3);
    assert_int_equal(clip->in[1], -1);
    assert_string_equal(tensor_name(g, clip->in[2]), "hi");
    const Node *id = node_named(g, "c/x");
    assert_int_equal(id->op, OP_IDENTITY);
    assert_string_equal(tensor_name(g, id->in[0]), "x");
    assert_string_equal(tensor_name(g, id->out[0]), "same");
    assert_string_equal(tensor_name(g, node_named(g, "c/relu")->out[0]), "c/r");
    ir_graph_free(g);

    /* A call that passes fewer inputs: the missing ones are "". */
    b->g.node[0]->n_input = 1;
    g = expect_ok(b);
    clip = node_named(g, "c/clip");
    assert_int_equal(clip->in[1], -1);
    assert_int_equal(clip->in[2], -1);
    ir_graph_free(g);

    /* More inputs than the function takes. */
    b->g.node[0]->n_input = 3;
    b->m.functions[0]->n_input = 2;
    b->m.functions[0]->n_output = 1;
    expect_fail(b, ST_BAD_MODEL, "c", "local.Clamp", "call has 3 inputs and 2 outputs; "
                "function \"local.Clamp\" takes 2 and 1");
    mb_free(b);
}

/* An output the body never computes is an error. */
static void test_output_not_computed(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    Onnx__FunctionProto *f = mb_function(b, "local", "F", "a", "b");
    mb_fn_node(b, f, "Relu", "r", "a", "c");
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_node_domain(b, mb_node(b, "F", "call", "x", "y"), "local");
    mb_output(b, "y", 1);
    expect_fail(b, ST_BAD_MODEL, "call", "local.F", "does not compute its output \"b\"");
    mb_free(b);
}

static void test_recursion(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    Onnx__FunctionProto *f = mb_function(b, "local", "F", "a", "b");
    mb_node_domain(b, mb_fn_node(b, f, "G", "g1", "a", "b"), "local");
    Onnx__FunctionProto *gf = mb_function(b, "local", "G", "a", "b");
    mb_node_domain(b, mb_fn_node(b, gf, "F", "f1", "a", "b"), "local");
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_node_domain(b, mb_node(b, "F", "c", "x", "y"), "local");
    mb_output(b, "y", 1);
    expect_fail(b, ST_BAD_MODEL, "c/g1/f1", "local.F",
                "model-local function calls are recursive (local.F -> local.G -> local.F)");

    /* A function calling itself. */
    f->node[0]->op_type = mb_bin(b, "F");
    expect_fail(b, ST_BAD_MODEL, "c/g1", "local.F",
                "model-local function calls are recursive (local.F -> local.F)");
    mb_free(b);
}

/* F0 -> F1 -> ... -> F9: fine by default, too deep for max_call_depth 4. */
static void test_depth_limit(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    for (int k = 0; k < 10; k++) {
        char name[16], callee[16];
        snprintf(name, sizeof name, "F%d", k);
        snprintf(callee, sizeof callee, "F%d", k + 1);
        Onnx__FunctionProto *f = mb_function(b, "local", name, "a", "b");
        if (k == 9)
            mb_fn_node(b, f, "Relu", "r", "a", "b");
        else
            mb_node_domain(b, mb_fn_node(b, f, callee, "n", "a", "b"), "local");
    }
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_node_domain(b, mb_node(b, "F0", "c", "x", "y"), "local");
    mb_output(b, "y", 1);
    Graph *g = expect_ok(b);
    assert_int_equal(g->n_nodes, 1);
    node_named(g, "c/n/n/n/n/n/n/n/n/n/r");
    ir_graph_free(g);
    OnnxLimits lim = {.max_call_depth = 4};
    expect_fail_lim(b, &lim, ST_LIMIT, "c/n/n/n/n", "local.F4",
                    "model-local function calls nest more than 4 deep");
    mb_free(b);
}

/* F_k calls F_(k-1) twice: 2^24 nodes from a model of a few hundred bytes. */
static void test_exponential(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    for (int k = 0; k <= 24; k++) {
        char name[16], callee[16];
        snprintf(name, sizeof name, "F%d", k);
        snprintf(callee, sizeof callee, "F%d", k - 1);
        Onnx__FunctionProto *f = mb_function(b, "local", name, "a", "b");
        if (k == 0) {
            mb_fn_node(b, f, "Relu", "r", "a", "b");
            continue;
        }
        mb_node_domain(b, mb_fn_node(b, f, callee, "p", "a", "t"), "local");
        mb_node_domain(b, mb_fn_node(b, f, callee, "q", "t", "b"), "local");
    }
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_node_domain(b, mb_node(b, "F24", "c", "x", "y"), "local");
    mb_output(b, "y", 1);
    OnnxLimits lim = {.max_nodes = 1000};
    Diag d;
    Graph *g = load_lim(b, &lim, &d);
    assert_null(g);
    assert_int_equal(d.code, ST_LIMIT);
    assert_non_null(strstr(d.msg, "inlining model-local functions gives more than 1000 nodes"));
    /* With the default limits the memory budget or the node limit stops it. */
    g = load_lim(b, NULL, &d);
    assert_null(g);
    assert_int_equal(d.code, ST_LIMIT);
    mb_free(b);
}

/* A custom-domain op no function defines is still unsupported; one inside a
 * body is reported under the call's name. */
static void test_unsupported(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    mb_opset(b, "com.other", 1);
    add_mul(b);
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_node_domain(b, mb_node(b, "AddMul", "c", "x,x", "h"), "local");
    mb_node_domain(b, mb_node(b, "Frob", "frob", "h", "y"), "com.other");
    mb_output(b, "y", 1);
    expect_fail(b, ST_UNSUPPORTED, "frob", "com.other.Frob",
                "unsupported ops: com.other.Frob (1 node, first \"frob\")");
    /* The same name in another domain is not the function. */
    b->g.node[1]->op_type = mb_bin(b, "AddMul");
    expect_fail(b, ST_UNSUPPORTED, "frob", "com.other.AddMul",
                "unsupported ops: com.other.AddMul (1 node, first \"frob\")");
    /* An unsupported op inside a body. */
    b->g.n_node = 1;
    b->g.node[0]->output[0] = mb_bin(b, "y");
    b->m.functions[0]->node[1]->op_type = mb_bin(b, "Frobnicate");
    expect_fail(b, ST_UNSUPPORTED, "c/mul", "Frobnicate",
                "unsupported ops: Frobnicate (1 node, first \"c/mul\")");
    mb_free(b);
}

/* Errors the loader finds in an inlined body name the call. */
static void test_error_in_body(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    Onnx__FunctionProto *f = add_mul(b);
    f->node[1]->input[1] = mb_bin(b, "nowhere");
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_node_domain(b, mb_node(b, "AddMul", "call", "x,x", "y"), "local");
    mb_output(b, "y", 1);
    expect_fail(b, ST_BAD_MODEL, "call/mul", "Mul", "input \"call/nowhere\" is not defined");
    mb_free(b);
}

/* A function's default-domain opset must be the model's; two functions of one
 * identity are an error. */
static void test_opset_and_duplicates(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    Onnx__FunctionProto *f = add_mul(b);
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_node_domain(b, mb_node(b, "AddMul", "call", "x,x", "y"), "local");
    mb_output(b, "y", 1);
    f->opset_import[0]->version = 11;
    expect_fail(b, ST_UNSUPPORTED, "call", "local.AddMul",
                "function \"local.AddMul\" imports default-domain opset 11 but the model 13");
    f->opset_import[0]->domain = mb_bin(b, "ai.onnx");
    f->opset_import[0]->version = 13;
    Graph *g = expect_ok(b);
    ir_graph_free(g);
    add_mul(b);
    expect_fail(b, ST_BAD_MODEL, "", "", "model-local function \"local.AddMul\" is defined "
                "twice");
    /* ... unless the overloads differ, and a call names one. */
    Onnx__FunctionProto *f2 = b->m.functions[1];
    f2->has_overload = 1;
    f2->overload = mb_bin(b, "v2");
    f2->node[1]->op_type = mb_bin(b, "Sub");
    b->g.node[0]->has_overload = 1;
    b->g.node[0]->overload = mb_bin(b, "v2");
    g = expect_ok(b);
    assert_int_equal(node_named(g, "call/mul")->op, OP_SUB);
    ir_graph_free(g);
    mb_free(b);
}

/* Names made by inlining are held to max_string. */
static void test_long_names(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    mb_opset(b, "local", 1);
    add_mul(b);
    mb_input(b, "x", 1, 2, DIMS_14, NULL);
    mb_node_domain(b, mb_node(b, "AddMul", "call_with_a_long_name", "x,x", "y"), "local");
    mb_output(b, "y", 1);
    OnnxLimits lim = {.max_string = 24};
    expect_fail_lim(b, &lim, ST_LIMIT, "call_with_a_long_name", "local.AddMul",
                    "a name made by inlining function calls is longer than 24 bytes");
    mb_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_calls),
        cmocka_unit_test(test_ref_attr),
        cmocka_unit_test(test_ref_attr_absent),
        cmocka_unit_test(test_ref_attr_wrong_type),
        cmocka_unit_test(test_ref_attr_outside),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_optional_and_passthrough),
        cmocka_unit_test(test_output_not_computed),
        cmocka_unit_test(test_recursion),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_exponential),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_error_in_body),
        cmocka_unit_test(test_opset_and_duplicates),
        cmocka_unit_test(test_long_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
