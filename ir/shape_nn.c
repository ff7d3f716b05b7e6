/* SPDX-License-Identifier: MIT */
/*
 * shape_nn.c - shape inference of the layers, elementwise math and
 * normalizations added for the U-Net family and the classic CNNs. Output
 * shapes come from the geometry functions (geom.c, geom_nn.c), so inference,
 * the interpreter and codegen agree by construction.
 */
#include <string.h>

#include "ir_internal.h"

static bool infer_window(Graph *g, const Node *n, const Tensor *x, Tensor *y, Diag *d)
{
    ConvGeom c;
    bool ok = n->op == OP_CONV_TRANSPOSE ? ir_conv_transpose_geom(g, n, &c, d)
                                         : ir_pool_geom(g, n, &c, d);
    if (!ok)
        return false;
    int64_t d5[5] = {c.n, c.m, c.od, c.oh, c.ow};
    int64_t d4[4] = {c.n, c.m, c.oh, c.ow}, d3[3] = {c.n, c.m, c.ow};
    return ir_set_shape(n, y, DT_F32, x->rank, x->rank == 3 ? d3 : x->rank == 5 ? d5 : d4, d);
}

/* PRelu before opset 7 applies a 1-D slope of C values along the channel
 * axis; a constant slope is given the shape (C, 1, ..., 1) here, so the rest of
 * onnxc sees plain numpy broadcasting. */
static bool legacy_prelu(Graph *g, const Node *n, Diag *d)
{
    const Tensor *x = ir_in(g, n, 0);
    Tensor *s = ir_in(g, n, 1);
    if (g->opset >= 7 || !s || s->rank != 1 || x->rank < 3 || s->dims[0] != x->dims[1])
        return true;
    if (s->kind != TK_CONST)
        return diag_fail(d, ST_UNSUPPORTED, n, "a channel slope must be constant before opset 7");
    s->rank = x->rank - 1;
    for (int i = 1; i < s->rank; i++) {
        s->dims[i] = 1;
        s->dim_param[i] = NULL;
    }
    return true;
}

/* numpy broadcasting over every input (Max, Min, Sum, Pow, PRelu). */
static bool infer_broadcast(Graph *g, const Node *n, Tensor *y, Diag *d)
{
    int r = 0;
    if (n->op == OP_PRELU && !legacy_prelu(g, n, d))
        return false;
    int64_t dims[IR_MAX_RANK];
    for (int k = 0; k < n->n_in; k++) {
        const Tensor *t = ir_in(g, n, k);
        if (!t)
            return diag_fail(d, ST_BAD_MODEL, n, "input %d is missing", k);
        /* integer data is fine here (shape arithmetic folds); the runtime wants f32 */
        if (t->dtype != ir_in(g, n, 0)->dtype && !(n->op == OP_POW && k == 1))
            return diag_fail(d, ST_BAD_MODEL, n, "inputs are %s and %s",
                             dtype_name(ir_in(g, n, 0)->dtype), dtype_name(t->dtype));
        int nr = t->rank > r ? t->rank : r;
        int64_t nd[IR_MAX_RANK];
        for (int i = 0; i < nr; i++) {
            int ia = i - (nr - r), it = i - (nr - t->rank);
            int64_t a = ia >= 0 ? dims[ia] : 1, b = it >= 0 ? t->dims[it] : 1;
            if (a != b && a != 1 && b != 1)
                return diag_fail(d, ST_BAD_MODEL, n, "input shapes do not broadcast");
            nd[i] = a == 1 ? b : a;
        }
        r = nr;
        memcpy(dims, nd, sizeof dims);
    }
    if (n->op == OP_PRELU) {   /* the slope broadcasts to X, never the other way */
        const Tensor *x = ir_in(g, n, 0);
        if (r != x->rank || memcmp(dims, x->dims, sizeof(int64_t) * (size_t)r) != 0)
            return diag_fail(d, ST_BAD_MODEL, n, "slope does not broadcast to X");
    }
    return ir_set_shape(n, y, ir_in(g, n, 0)->dtype, r, dims, d);
}

static bool infer_norm(Graph *g, const Node *n, const Tensor *x, Tensor *y, Diag *d)
{
    NormGeom ng;
    if (!ir_norm_geom(g, n, &ng, d) || !ir_set_shape(n, y, DT_F32, x->rank, x->dims, d))
        return false;
    if (n->op == OP_LAYERNORM) {   /* Mean and InvStdDev: x's shape, 1 from axis on */
        int64_t axis64, dims[IR_MAX_RANK];
        int axis = 0;
        if (!ir_attr_int(n, "axis", -1, &axis64, d) || !ir_norm_axis(n, axis64, x->rank, &axis, d))
            return false;
        for (int i = 0; i < x->rank; i++)
            dims[i] = i < axis ? x->dims[i] : 1;
        for (int k = 1; k < n->n_out; k++)
            if (!ir_set_shape(n, ir_out(g, n, k), DT_F32, x->rank, dims, d))
                return false;
    }
    if (n->op == OP_BATCHNORM)
        for (int k = 1; k < n->n_out; k++)
            if (!ir_set_shape(n, ir_out(g, n, k), DT_F32, 1, &x->dims[1], d))
                return false;
    return true;
}

bool ir_infer_nn(Graph *g, const Node *n, Diag *d)
{
    Tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    switch ((int)n->op) {   /* ir_infer_node's switch lists every op */
    case OP_CONV_TRANSPOSE:
    case OP_AVERAGEPOOL:
    case OP_GLOBAL_AVERAGEPOOL:
    case OP_GLOBAL_MAXPOOL:
        return infer_window(g, n, x, y, d);
    case OP_POW:
    case OP_MAX:
    case OP_MIN:
    case OP_SUM:
    case OP_PRELU:
        return infer_broadcast(g, n, y, d);
    case OP_SOFTMAX:
    case OP_LOG_SOFTMAX:
    case OP_BATCHNORM:
    case OP_INSTANCENORM:
    case OP_GROUPNORM:
    case OP_LAYERNORM:
    case OP_LRN:
        return infer_norm(g, n, x, y, d);
    case OP_GEMM:
    case OP_MATMUL: {
        MatmulGeom m;
        return ir_matmul_geom(g, n, &m, d) && ir_set_shape(n, y, DT_F32, m.y_rank, m.y_dims, d);
    }
    case OP_REDUCE_MEAN:
    case OP_REDUCE_SUM:
    case OP_REDUCE_MAX: {
        ReduceGeom r;
        bool known;
        if (!ir_reduce_geom(g, n, &r, &known, d))
            return false;
        return !known || ir_set_shape(n, y, x->dtype, r.y_rank, r.y_dims, d);
    }
    default: {   /* the elementwise unary ops */
        float a, b;
        return ir_unary_params(g, n, &a, &b, d) && ir_set_shape(n, y, x->dtype, x->rank, x->dims, d);
    }
    }
}
