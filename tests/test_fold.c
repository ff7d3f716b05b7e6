/* SPDX-License-Identifier: MIT */
/*
 * test_fold.c - pass_fold_constants: exact values for each foldable op, and
 * whole shape-arithmetic subgraphs (the kind exporters write for Resize and
 * Reshape) that must collapse into constants, checked against golden IR dumps
 * in tests/golden/<case>.fold_constants.ir (UPDATE_GOLDEN=1 rewrites them).
 * Every folded arithmetic op, on every element type, gives bit for bit what
 * the interpreter's kernels give at run time on special values (zero
 * divisors, NaN, infinities, overflow, negative zero).
 */
#include <float.h>
#include <math.h>
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
#include "rt.h"

/* ------------------------------------------------------------ graph building */

static Graph *new_graph(int64_t opset) {
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = opset;
    return g;
}

static int input4(Graph *g, const char *name, int64_t n, int64_t c, int64_t h, int64_t w) {
    int x = ir_add_tensor(g, name, TK_INPUT, DT_F32);
    Tensor *t = &g->tensors[x];
    t->rank = 4;
    t->dims[0] = n;
    t->dims[1] = c;
    t->dims[2] = h;
    t->dims[3] = w;
    add_list(g, &g->inputs, &g->n_inputs, x);
    return x;
}

static int ints(Graph *g, const char *name, int rank, const int64_t *v, int64_t count) {
    int64_t dims[1] = {count};
    int t = ir_add_const(g, name, DT_I64, rank, dims, v);
    assert_true(t >= 0);
    return t;
}

static int floats(Graph *g, const char *name, const float *v, int64_t count) {
    int t = ir_add_const(g, name, DT_F32, 1, &count, v);
    assert_true(t >= 0);
    return t;
}

/* Adds a node with one fresh output named name; returns the node id via *node. */
static int op(Graph *g, OpKind k, const char *name, const int *in, int n_in, DType dt, int *node) {
    int y = ir_add_tensor(g, name, TK_VALUE, dt);
    assert_true(y >= 0);
    int id = ir_add_node(g, k, name, in, n_in, &y, 1);
    assert_true(id >= 0);
    if (node)
        *node = id;
    return y;
}

static void attr_int(Graph *g, int node, const char *name, int64_t v) {
    Node *n = &g->nodes[node];
    Attr *all = calloc((size_t)n->n_attrs + 1, sizeof(Attr));
    assert_non_null(all);
    if (n->n_attrs)
        memcpy(all, n->attrs, sizeof(Attr) * (size_t)n->n_attrs);
    all[n->n_attrs] = (Attr){.name = name, .type = AT_INT, .i = v, .tensor = -1};
    assert_true(ir_node_set_attrs(g, node, all, n->n_attrs + 1));
    free(all);
}

static void attr_ints(Graph *g, int node, const char *name, const int64_t *v, int count) {
    Node *n = &g->nodes[node];
    Attr *all = calloc((size_t)n->n_attrs + 1, sizeof(Attr));
    assert_non_null(all);
    if (n->n_attrs)
        memcpy(all, n->attrs, sizeof(Attr) * (size_t)n->n_attrs);
    all[n->n_attrs] = (Attr){.name = name, .type = AT_INTS, .ints = v, .n = count, .tensor = -1};
    assert_true(ir_node_set_attrs(g, node, all, n->n_attrs + 1));
    free(all);
}

static void attr_tensor(Graph *g, int node, const char *name, int tensor) {
    Attr a = {.name = name, .type = AT_TENSOR, .tensor = tensor};
    assert_true(ir_node_set_attrs(g, node, &a, 1));
}

static void fold(Graph *g) {
    Diag d = {0};
    if (!ir_infer_shapes(g, &d))
        fail_msg("infer: %s", d.msg);
    if (!ir_verify(g, &d))
        fail_msg("verify: %s", d.msg);
    if (!pass_fold_constants(g, &d))
        fail_msg("fold: node \"%s\": %s", d.node, d.msg);
    if (!ir_verify(g, &d))
        fail_msg("verify after fold: %s", d.msg);
}

static int64_t get_i64(const Tensor *t, int64_t i) {
    int64_t v;
    memcpy(&v, (const char *)t->data + 8 * i, 8);
    return v;
}

static float get_f32(const Tensor *t, int64_t i) {
    float v;
    memcpy(&v, (const char *)t->data + 4 * i, 4);
    return v;
}

static void assert_const_i64(const Graph *g, int t, int rank, const int64_t *dims,
                             const int64_t *vals) {
    const Tensor *x = &g->tensors[t];
    assert_int_equal(x->kind, TK_CONST);
    assert_int_equal(x->dtype, DT_I64);
    assert_int_equal(x->rank, rank);
    for (int i = 0; i < rank; i++)
        assert_int_equal(x->dims[i], dims[i]);
    for (int64_t i = 0; i < ir_numel(x); i++)
        assert_int_equal(get_i64(x, i), vals[i]);
}

/* -------------------------------------------------------- single ops */

static void test_integer_arithmetic(void **state) {
    (void)state;
    Graph *g = new_graph(13);
    int64_t a[4] = {-7, 7, -8, 9}, b[1] = {2}, c[2] = {3, -3};
    int ta = ints(g, "a", 1, a, 4), tb = ints(g, "b", 1, b, 1);
    int in[2] = {ta, tb};
    int q = op(g, OP_DIV, "q", in, 2, DT_I64, NULL);          /* truncates toward zero */
    int64_t cd[2] = {2, 1};
    int tc = ir_add_const(g, "c", DT_I64, 2, cd, c);
    int in2[2] = {q, tc};
    int m = op(g, OP_MUL, "m", in2, 2, DT_I64, NULL);         /* [4] x [2,1] -> [2,4] */
    int in3[2] = {m, ta};
    int s = op(g, OP_SUB, "s", in3, 2, DT_I64, NULL);
    mark_output(g, s);
    fold(g);
    assert_int_equal(g->n_nodes, 0);
    int64_t qv[4] = {-3, 3, -4, 4};
    int64_t q1[1] = {4};
    assert_const_i64(g, q, 1, q1, qv);
    int64_t sd[2] = {2, 4};
    int64_t sv[8] = {-9 + 7, 9 - 7, -12 + 8, 12 - 9, 9 + 7, -9 - 7, 12 + 8, -12 - 9};
    assert_const_i64(g, s, 2, sd, sv);
    ir_graph_free(g);
}

/* --------------------------------------- folding == the run-time kernels */

/* Special values per element type: zeros of both signs, +-1, extremes that
 * overflow, NaN, infinities, a subnormal and halves (rounding). */
static const float SPECIAL_F[] = {0.0f, -0.0f, 1.0f, -1.0f, 2.5f, -2.5f, 0.5f, INFINITY,
                                  -INFINITY, NAN, FLT_MAX, -FLT_MAX, 1e-45f, 3e9f, -3e9f, 1e20f};
static const int64_t SPECIAL_I[] = {0, 1, -1, 7, -7, 2, INT32_MAX, INT32_MIN,
                                    (int64_t)INT32_MAX + 1, INT64_MAX, INT64_MIN, -2};
#define N_SPECIAL 16
#define N_SPECIAL_I 12

/* Fills count elements of type dt with the special values (ints narrowed). */
static void special(DType dt, void *out, int count) {
    for (int i = 0; i < count; i++) {
        if (dt == DT_F32)
            ((float *)out)[i] = SPECIAL_F[i % N_SPECIAL];
        else if (dt == DT_F64)
            ((double *)out)[i] = i % N_SPECIAL == 13 ? 1e300 : (double)SPECIAL_F[i % N_SPECIAL];
        else if (dt == DT_I64)
            ((int64_t *)out)[i] = SPECIAL_I[i % N_SPECIAL_I];
        else
            ((int32_t *)out)[i] = (int32_t)(uint32_t)(uint64_t)SPECIAL_I[i % N_SPECIAL_I];
    }
}

/* Node k(a [n,1], b [1,n]) or k(a [n]) with special values, built twice: with
 * constant inputs and folded, and with graph inputs and run by the
 * interpreter. The folded bytes must equal the run-time bytes exactly. */
static void check_fold_equals_kernel(OpKind k, DType in_dt, DType out_dt, int64_t cast_to) {
    bool binary = k != OP_RELU && k != OP_SIGMOID && k != OP_FLOOR && k != OP_CEIL &&
                  k != OP_CAST;
    int n = dtype_is_int(in_dt) ? N_SPECIAL_I : N_SPECIAL;
    double va[N_SPECIAL], vb[N_SPECIAL];   /* room for n elements of any type */
    special(in_dt, va, n);
    special(in_dt, vb, n);
    int64_t da[2] = {n, 1}, db[2] = {1, n}, yd = binary ? (int64_t)n * n : n;
    size_t ybytes = (size_t)yd * dtype_size(out_dt);
    unsigned char *folded = malloc(ybytes), *run = malloc(ybytes);
    assert_non_null(folded);
    assert_non_null(run);
    for (int pass = 0; pass < 2; pass++) {
        Graph *g = new_graph(13);
        int in[2];
        for (int j = 0; j < (binary ? 2 : 1); j++) {
            const int64_t *dims = j ? db : da;
            int rank = binary ? 2 : 1;
            const char *name = j ? "b" : "a";
            if (pass == 0) {
                in[j] = ir_add_const(g, name, in_dt, rank, binary ? dims : &yd, j ? vb : va);
            } else {
                in[j] = ir_add_tensor(g, name, TK_INPUT, in_dt);
                g->tensors[in[j]].rank = rank;
                memcpy(g->tensors[in[j]].dims, binary ? dims : &yd, sizeof(int64_t) * (size_t)rank);
                add_list(g, &g->inputs, &g->n_inputs, in[j]);
            }
        }
        int node;
        int y = op(g, k, "k", in, binary ? 2 : 1, out_dt, &node);
        if (k == OP_CAST)
            attr_int(g, node, "to", cast_to);
        mark_output(g, y);
        Diag d = {0};
        if (!ir_infer_shapes(g, &d))
            fail_msg("infer %s: %s", op_name(k), d.msg);
        if (pass == 0) {
            if (!pass_fold_constants(g, &d))
                fail_msg("fold %s %s: %s", op_name(k), dtype_name(in_dt), d.msg);
            const Tensor *t = &g->tensors[y];
            assert_int_equal(t->kind, TK_CONST);   /* it did fold */
            assert_int_equal(g->n_nodes, 0);
            assert_int_equal(ir_numel(t), yd);
            memcpy(folded, t->data, ybytes);
        } else {
            const void *ins[2] = {va, vb};
            void *outs[1] = {run};
            if (!rt_interpret_any(g, ins, outs, &d))
                fail_msg("run %s %s: %s", op_name(k), dtype_name(in_dt), d.msg);
        }
        ir_graph_free(g);
    }
    size_t es = dtype_size(out_dt);
    for (int64_t i = 0; i < yd; i++)
        if (memcmp(folded + i * (int64_t)es, run + i * (int64_t)es, es) != 0)
            fail_msg("%s %s -> %s: element %lld folds to a value the kernel does not give",
                     op_name(k), dtype_name(in_dt), dtype_name(out_dt), (long long)i);
    free(folded);
    free(run);
}

static void test_fold_equals_kernels(void **state) {
    (void)state;
    static const OpKind bin[] = {OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MAX, OP_MIN};
    static const DType types[] = {DT_F32, DT_F64, DT_I32, DT_I64};
    for (size_t i = 0; i < ARRAY_LEN(bin); i++)
        for (size_t t = 0; t < ARRAY_LEN(types); t++)
            check_fold_equals_kernel(bin[i], types[t], types[t], 0);
    static const OpKind un[] = {OP_RELU, OP_SIGMOID, OP_FLOOR, OP_CEIL};
    for (size_t i = 0; i < ARRAY_LEN(un); i++)
        for (size_t t = 0; t < 2; t++)
            check_fold_equals_kernel(un[i], types[t], types[t], 0);
    check_fold_equals_kernel(OP_RELU, DT_I64, DT_I64, 0);
    static const DType casts[][2] = {{DT_F32, DT_I32}, {DT_F32, DT_I64}, {DT_F64, DT_F32},
                                     {DT_F64, DT_I64}, {DT_I64, DT_I32}, {DT_I64, DT_F32},
                                     {DT_F32, DT_F64}, {DT_I32, DT_I64}, {DT_I64, DT_F64}};
    for (size_t i = 0; i < ARRAY_LEN(casts); i++)
        check_fold_equals_kernel(OP_CAST, casts[i][0], casts[i][1], casts[i][1]);
}

/* The two disagreements of issue 16, by value: integer Div by a constant zero
 * folds to the kernel's 0 (it was a compile error), Max(NaN, 1) to NaN (it
 * was 1); and -0.0 + -0.0 stays -0.0. */
static void test_fold_special_values(void **state) {
    (void)state;
    Graph *g = new_graph(13);
    int64_t a[1] = {5}, b[1] = {0};
    int in[2] = {ints(g, "a", 1, a, 1), ints(g, "b", 1, b, 1)};
    int q = op(g, OP_DIV, "q", in, 2, DT_I64, NULL);
    float nan1[2] = {NAN, 1.0f}, nz[1] = {-0.0f};
    int fa = floats(g, "fa", &nan1[0], 1), fb = floats(g, "fb", &nan1[1], 1);
    int z = floats(g, "z", nz, 1);
    int mx = op(g, OP_MAX, "mx", (int[]){fa, fb}, 2, DT_F32, NULL);
    int mn = op(g, OP_MIN, "mn", (int[]){fb, fa}, 2, DT_F32, NULL);
    int sz = op(g, OP_ADD, "sz", (int[]){z, z}, 2, DT_F32, NULL);
    mark_output(g, q);
    mark_output(g, mx);
    mark_output(g, mn);
    mark_output(g, sz);
    fold(g);
    assert_int_equal(g->n_nodes, 0);
    int64_t qv;
    memcpy(&qv, g->tensors[q].data, sizeof qv);
    assert_int_equal(qv, 0);
    assert_true(isnan(get_f32(&g->tensors[mx], 0)));
    assert_true(isnan(get_f32(&g->tensors[mn], 0)));
    float s0 = get_f32(&g->tensors[sz], 0);
    assert_true(s0 == 0.0f && signbit(s0));
    ir_graph_free(g);
}

static void test_gather_squeeze_slice_cast(void **state) {
    (void)state;
    Graph *g = new_graph(13);
    int64_t data[6] = {10, 11, 12, 20, 21, 22}, idx[2] = {-1, 0}, dd[2] = {2, 3};
    int td = ir_add_const(g, "data", DT_I64, 2, dd, data);
    int in[2] = {td, ints(g, "idx", 1, idx, 2)};
    int node;
    int ga = op(g, OP_GATHER, "gather", in, 2, DT_I64, &node);   /* axis 1: [2,2] */
    attr_int(g, node, "axis", 1);
    /* Slice rows reversed, columns 2..0 step -2: [[22,20],[12,10]] */
    int64_t st[2] = {-1, 2}, en[2] = {INT64_MIN, -100}, ax[2] = {0, 1}, sp[2] = {-1, -2};
    int sin[5] = {td, ints(g, "st", 1, st, 2), ints(g, "en", 1, en, 2), ints(g, "ax", 1, ax, 2),
                  ints(g, "sp", 1, sp, 2)};
    int sl = op(g, OP_SLICE, "slice", sin, 5, DT_I64, NULL);
    /* Squeeze a [1,3] slice of row 1 to [3], then Cast to f32. */
    int64_t s0[1] = {1}, e0[1] = {2}, a0[1] = {0};
    int rin[4] = {td, ints(g, "s0", 1, s0, 1), ints(g, "e0", 1, e0, 1), ints(g, "a0", 1, a0, 1)};
    int row = op(g, OP_SLICE, "row", rin, 4, DT_I64, NULL);
    int qin[2] = {row, ints(g, "a0b", 1, a0, 1)};
    int sq = op(g, OP_SQUEEZE, "squeeze", qin, 2, DT_I64, NULL);
    int cast = op(g, OP_CAST, "cast", &sq, 1, DT_F32, &node);
    attr_int(g, node, "to", DT_F32);
    mark_output(g, ga);
    mark_output(g, sl);
    mark_output(g, cast);
    fold(g);
    assert_int_equal(g->n_nodes, 0);
    int64_t gd[2] = {2, 2}, gv[4] = {12, 10, 22, 20};
    assert_const_i64(g, ga, 2, gd, gv);
    int64_t sld[2] = {2, 2}, slv[4] = {22, 20, 12, 10};
    assert_const_i64(g, sl, 2, sld, slv);
    const Tensor *c = &g->tensors[cast];
    assert_int_equal(c->dtype, DT_F32);
    assert_int_equal(c->rank, 1);
    assert_int_equal(c->dims[0], 3);
    assert_true(get_f32(c, 2) == 22.0f);
    ir_graph_free(g);
}

/* Opset 9: Unsqueeze takes axes and Slice takes starts/ends as attributes. */
static void test_old_opset_attributes(void **state) {
    (void)state;
    Graph *g = new_graph(9);
    int64_t v[4] = {1, 2, 3, 4};
    int tv = ints(g, "v", 1, v, 4);
    int node;
    int un = op(g, OP_UNSQUEEZE, "unsq", &tv, 1, DT_I64, &node);
    static const int64_t axes[2] = {0, -1};
    attr_ints(g, node, "axes", axes, 2);
    int sl = op(g, OP_SLICE, "slice", &tv, 1, DT_I64, &node);
    static const int64_t starts[1] = {1}, ends[1] = {3};
    attr_ints(g, node, "starts", starts, 1);
    attr_ints(g, node, "ends", ends, 1);
    mark_output(g, un);
    mark_output(g, sl);
    fold(g);
    int64_t ud[3] = {1, 4, 1};
    assert_const_i64(g, un, 3, ud, v);
    int64_t sd[1] = {2}, sv[2] = {2, 3};
    assert_const_i64(g, sl, 1, sd, sv);
    ir_graph_free(g);
}

static void test_cast_floor_ceil(void **state) {
    (void)state;
    Graph *g = new_graph(13);
    float f[4] = {-1.5f, -0.5f, 0.5f, 2.75f};
    int tf = floats(g, "f", f, 4);
    int node;
    int fl = op(g, OP_FLOOR, "floor", &tf, 1, DT_F32, NULL);
    int ce = op(g, OP_CEIL, "ceil", &tf, 1, DT_F32, NULL);
    int ci = op(g, OP_CAST, "cast", &tf, 1, DT_I64, &node);   /* truncation */
    attr_int(g, node, "to", DT_I64);
    mark_output(g, fl);
    mark_output(g, ce);
    mark_output(g, ci);
    fold(g);
    assert_true(get_f32(&g->tensors[fl], 0) == -2.0f && get_f32(&g->tensors[fl], 3) == 2.0f);
    assert_true(get_f32(&g->tensors[ce], 1) == -0.0f && get_f32(&g->tensors[ce], 3) == 3.0f);
    int64_t d1[1] = {4}, cv[4] = {-1, 0, 0, 2};
    assert_const_i64(g, ci, 1, d1, cv);
    ir_graph_free(g);
}

/* ----------------------------------------------------------- subgraphs */

/* The exporter's Resize with sizes computed from the input's shape:
 * sizes = Concat(Slice(Shape(a), 0, 2), Cast(Cast(Concat(H, W)) * 2)).
 * Everything but Relu and Resize folds; Resize gets a constant and its shape. */
static void test_resize_sizes_subgraph(void **state) {
    (void)state;
    Graph *g = new_graph(13);
    int x = input4(g, "x", 1, 2, 4, 5);
    int a = op(g, OP_RELU, "relu", &x, 1, DT_F32, NULL);
    int sh = op(g, OP_SHAPE, "shape", &a, 1, DT_I64, NULL);
    int64_t two = 2, three = 3, zero = 0;
    int gin[2] = {sh, ints(g, "i2", 0, &two, 1)};
    int h = op(g, OP_GATHER, "gather_h", gin, 2, DT_I64, NULL);
    int gin2[2] = {sh, ints(g, "i3", 0, &three, 1)};
    int w = op(g, OP_GATHER, "gather_w", gin2, 2, DT_I64, NULL);
    int uin[2] = {h, ints(g, "ax0", 1, &zero, 1)};
    int h1 = op(g, OP_UNSQUEEZE, "unsq_h", uin, 2, DT_I64, NULL);
    int uin2[2] = {w, ints(g, "ax0b", 1, &zero, 1)};
    int w1 = op(g, OP_UNSQUEEZE, "unsq_w", uin2, 2, DT_I64, NULL);
    int node;
    int cin[2] = {h1, w1};
    int hw = op(g, OP_CONCAT, "concat_hw", cin, 2, DT_I64, &node);
    attr_int(g, node, "axis", 0);
    int hwf = op(g, OP_CAST, "cast_f", &hw, 1, DT_F32, &node);
    attr_int(g, node, "to", DT_F32);
    float k[2] = {2.0f, 2.0f};
    int min[2] = {hwf, floats(g, "two", k, 2)};
    int hw2f = op(g, OP_MUL, "mul", min, 2, DT_F32, NULL);
    int hw2 = op(g, OP_CAST, "cast_i", &hw2f, 1, DT_I64, &node);
    attr_int(g, node, "to", DT_I64);
    int64_t s0 = 0, e0 = 2;
    int sin[3] = {sh, ints(g, "s0", 1, &s0, 1), ints(g, "e0", 1, &e0, 1)};
    int nc = op(g, OP_SLICE, "slice_nc", sin, 3, DT_I64, NULL);
    int cin2[2] = {nc, hw2};
    int sizes = op(g, OP_CONCAT, "concat_sizes", cin2, 2, DT_I64, &node);
    attr_int(g, node, "axis", 0);
    int rin[4] = {a, -1, -1, sizes};
    int y = op(g, OP_RESIZE, "resize", rin, 4, DT_F32, NULL);
    mark_output(g, y);

    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    assert_int_equal(g->tensors[y].rank, -1);   /* unknown until the sizes fold */
    fold(g);
    check_golden(g, "resize_sizes.fold_constants");
    assert_int_equal(g->n_nodes, 2);
    assert_int_equal(g->nodes[1].op, OP_RESIZE);
    int64_t sd[1] = {4}, sv[4] = {1, 2, 8, 10};
    assert_const_i64(g, g->nodes[1].in[3], 1, sd, sv);
    assert_int_equal(g->tensors[y].rank, 4);
    assert_int_equal(g->tensors[y].dims[2], 8);
    assert_int_equal(g->tensors[y].dims[3], 10);
    ir_graph_free(g);
}

/* Reshape to (N, -1) from Shape, ConstantOfShape from a sliced shape, and a
 * Constant node: the shape of the Reshape is only known after folding, and a
 * Shape of that Reshape's output folds in the same pass. */
static void test_reshape_constant_of_shape_subgraph(void **state) {
    (void)state;
    Graph *g = new_graph(13);
    int x = input4(g, "x", 1, 2, 3, 4);
    int sh = op(g, OP_SHAPE, "shape", &x, 1, DT_I64, NULL);
    int64_t zero = 0, two = 2, four = 4;
    int gin[2] = {sh, ints(g, "i0", 0, &zero, 1)};
    int n = op(g, OP_GATHER, "gather_n", gin, 2, DT_I64, NULL);
    int uin[2] = {n, ints(g, "ax0", 1, &zero, 1)};
    int n1 = op(g, OP_UNSQUEEZE, "unsq_n", uin, 2, DT_I64, NULL);
    int64_t minus1 = -1;
    int node;
    int neg = op(g, OP_CONSTANT, "const_m1", NULL, 0, DT_I64, &node);
    attr_tensor(g, node, "value", ints(g, "m1", 1, &minus1, 1));
    int cin[2] = {n1, neg};
    int shape2 = op(g, OP_CONCAT, "concat", cin, 2, DT_I64, &node);
    attr_int(g, node, "axis", 0);
    int rin[2] = {x, shape2};
    int r = op(g, OP_RESHAPE, "reshape", rin, 2, DT_F32, NULL);      /* [1,24] */
    int rsh = op(g, OP_SHAPE, "shape_r", &r, 1, DT_I64, NULL);        /* [1,24], folds too */
    int sin[3] = {sh, ints(g, "s", 1, &two, 1), ints(g, "e", 1, &four, 1)};
    int hw = op(g, OP_SLICE, "slice_hw", sin, 3, DT_I64, NULL);
    float quarter = 0.25f;
    int64_t one = 1;
    int val = ir_add_const(g, "val", DT_F32, 1, &one, &quarter);
    int cs = op(g, OP_CONSTANT_OF_SHAPE, "cos", &hw, 1, DT_F32, &node);   /* f32[3,4] */
    attr_tensor(g, node, "value", val);
    int ain[2] = {x, cs};
    int sum = op(g, OP_ADD, "add", ain, 2, DT_F32, NULL);
    mark_output(g, r);
    mark_output(g, rsh);
    mark_output(g, sum);
    fold(g);
    check_golden(g, "reshape_cos.fold_constants");
    assert_int_equal(g->n_nodes, 2);   /* Reshape and Add stay: their data is an input */
    int64_t rd[1] = {2}, rv[2] = {1, 24};
    assert_const_i64(g, rsh, 1, rd, rv);
    assert_const_i64(g, shape2, 1, rd, (int64_t[]){1, -1});
    const Tensor *c = &g->tensors[cs];
    assert_int_equal(c->kind, TK_CONST);
    assert_int_equal(c->dims[0], 3);
    assert_int_equal(c->dims[1], 4);
    assert_true(get_f32(c, 11) == 0.25f);
    ir_graph_free(g);
}

/* ConstantOfShape of (n) f32 elements of 0.5 in a new graph under the given limits. */
static Graph *cos_graph(int64_t n, int64_t max_elements, int64_t max_const_bytes, int *out) {
    Graph *g = new_graph(13);
    g->max_elements = max_elements;
    g->max_const_bytes = max_const_bytes;
    float half = 0.5f;
    int64_t one = 1;
    int val = ir_add_const(g, "val", DT_F32, 1, &one, &half);
    int shape = ints(g, "shape", 1, &n, 1);
    int node;
    *out = op(g, OP_CONSTANT_OF_SHAPE, "cos", &shape, 1, DT_F32, &node);
    attr_tensor(g, node, "value", val);
    mark_output(g, *out);
    return g;
}

/* Folding is bounded by the graph's limits (--max-elements, --max-bytes) and by
 * nothing else: 300 MB folds under the defaults (an old cap said 256 MB), one
 * element or one byte more than a limit is refused naming the option. */
static void test_fold_limits(void **state) {
    (void)state;
    int y;
    Graph *g = cos_graph((int64_t)75 << 20, 0, 0, &y);   /* 300 MiB, default limits */
    fold(g);
    assert_int_equal(g->tensors[y].kind, TK_CONST);
    assert_true(get_f32(&g->tensors[y], ((int64_t)75 << 20) - 1) == 0.5f);
    ir_graph_free(g);

    g = cos_graph(1000, 1000, 0, &y);   /* exactly at --max-elements */
    fold(g);
    ir_graph_free(g);
    Diag d = {0};
    g = cos_graph(1001, 1000, 0, &y);
    assert_false(pass_fold_constants(g, &d));
    assert_int_equal(d.code, ST_LIMIT);
    assert_string_equal(d.node, "cos");
    assert_non_null(strstr(d.msg, "more than 1000 elements (--max-elements)"));
    ir_graph_free(g);

    /* the budget counts the constants already there: val (4) and shape (8) */
    g = cos_graph(1000, 0, 4000 + 12, &y);
    fold(g);
    ir_graph_free(g);
    memset(&d, 0, sizeof d);
    g = cos_graph(1000, 0, 4000 + 11, &y);
    assert_false(pass_fold_constants(g, &d));
    assert_int_equal(d.code, ST_LIMIT);
    assert_non_null(strstr(d.msg, "(--max-bytes)"));
    ir_graph_free(g);
    memset(&d, 0, sizeof d);
    g = cos_graph(1000, 0, 3999, &y);   /* the tensor alone is too big */
    assert_false(pass_fold_constants(g, &d));
    assert_non_null(strstr(d.msg, "exceed the limit of 3999 bytes of constant data (--max-bytes)"));
    ir_graph_free(g);
}

/* A Reshape whose shape is a run-time input is refused, naming the node. */
static void test_runtime_shape_input_is_diagnosed(void **state) {
    (void)state;
    Graph *g = new_graph(13);
    int x = input4(g, "x", 1, 2, 3, 4);
    int s = ir_add_tensor(g, "s", TK_INPUT, DT_I64);
    g->tensors[s].rank = 1;
    g->tensors[s].dims[0] = 2;
    add_list(g, &g->inputs, &g->n_inputs, s);
    int in[2] = {x, s};
    mark_output(g, op(g, OP_RESHAPE, "reshape_me", in, 2, DT_F32, NULL));
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    assert_false(pass_fold_constants(g, &d));
    assert_int_equal(d.code, ST_UNSUPPORTED);
    assert_string_equal(d.node, "reshape_me");
    assert_string_equal(d.op, "Reshape");
    assert_non_null(strstr(d.msg, "must be constant"));
    ir_graph_free(g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integer_arithmetic),
        cmocka_unit_test(test_fold_equals_kernels),
        cmocka_unit_test(test_fold_special_values),
        cmocka_unit_test(test_gather_squeeze_slice_cast),
        cmocka_unit_test(test_old_opset_attributes),
        cmocka_unit_test(test_cast_floor_ceil),
        cmocka_unit_test(test_resize_sizes_subgraph),
        cmocka_unit_test(test_reshape_constant_of_shape_subgraph),
        cmocka_unit_test(test_runtime_shape_input_is_diagnosed),
        cmocka_unit_test(test_fold_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
