/* SPDX-License-Identifier: MIT */
/*
 * shape_tensor.c - shape inference of the data-movement ops added for the U-Net
 * family: Flatten, Transpose, Expand, Split, Pad, Dropout, DepthToSpace,
 * SpaceToDepth. Same rules as shape.c: unknown stays unknown (a shape-fixing
 * input not constant yet), wrong is an error naming the node.
 */
#include <string.h>

#include "ir_internal.h"

static bool infer_flatten(const Node *n, const Tensor *x, Tensor *y, Diag *d)
{
    int64_t axis64, outer = 1, inner = 1;
    int axis = 0;
    if (!ir_attr_int(n, "axis", 1, &axis64, d))
        return false;
    if (axis64 < -x->rank || axis64 > x->rank)
        return diag_fail(d, ST_BAD_MODEL, n, "axis %lld out of range", (long long)axis64);
    axis = (int)(axis64 < 0 ? axis64 + x->rank : axis64);
    for (int i = 0; i < x->rank; i++)
        *(i < axis ? &outer : &inner) *= x->dims[i];
    int64_t dims[2] = {outer, inner};
    return ir_set_shape(n, y, x->dtype, 2, dims, d);
}

static bool infer_transpose(const Node *n, const Tensor *x, Tensor *y, Diag *d)
{
    const int64_t *perm;
    int np;
    int64_t dims[IR_MAX_RANK];
    bool seen[IR_MAX_RANK] = {false};
    if (!ir_attr_ints(n, "perm", &perm, &np, d))
        return false;
    if (np >= 0 && np != x->rank)
        return diag_fail(d, ST_BAD_MODEL, n, "perm has %d entries for rank %d", np, x->rank);
    for (int i = 0; i < x->rank; i++) {
        int64_t p = np < 0 ? x->rank - 1 - i : perm[i];
        if (p < 0 || p >= x->rank)
            return diag_fail(d, ST_BAD_MODEL, n, "perm[%d] = %lld is out of range for rank %d",
                             i, (long long)p, x->rank);
        if (seen[p])
            return diag_fail(d, ST_BAD_MODEL, n, "perm[%d] = %lld repeats an axis: perm is not "
                             "a permutation", i, (long long)p);
        seen[p] = true;
        dims[i] = x->dims[p];
    }
    return ir_set_shape(n, y, x->dtype, x->rank, dims, d);
}

static bool infer_expand(Graph *g, const Node *n, const Tensor *x, Tensor *y, Diag *d)
{
    int64_t shape[IR_MAX_RANK], dims[IR_MAX_RANK];
    int ns;
    const Tensor *s = ir_in(g, n, 1);
    if (!s->data)
        return true;
    if (!ir_const_ints(s, shape, &ns, IR_MAX_RANK))
        return diag_fail(d, ST_BAD_MODEL, n, "shape must be 1-D int64 of at most %d values",
                         IR_MAX_RANK);
    int r = ns > x->rank ? ns : x->rank;
    for (int i = 0; i < r; i++) {
        int ix = i - (r - x->rank), is = i - (r - ns);
        int64_t a = ix >= 0 ? x->dims[ix] : 1, b = is >= 0 ? shape[is] : 1;
        if (a != b && a != 1 && b != 1)
            return diag_fail(d, ST_BAD_MODEL, n, "shape does not broadcast with the input");
        dims[i] = a == 1 ? b : a;
    }
    return ir_set_shape(n, y, x->dtype, r, dims, d);
}

static bool infer_split(Graph *g, const Node *n, const Tensor *x, Diag *d)
{
    int64_t axis64, split[IR_MAX_INPUTS > 256 ? 256 : IR_MAX_INPUTS];
    int axis = 0, ns;
    bool known;
    if (!ir_attr_int(n, "axis", 0, &axis64, d) || !ir_norm_axis(n, axis64, x->rank, &axis, d))
        return false;
    if (n->n_out > 256)
        return diag_fail(d, ST_LIMIT, n, "more than 256 outputs");
    if (!ir_ints_attr_or_input(g, n, "split", 1, split, &ns, 256, &known, d))
        return false;
    if (!known)
        return true;
    int64_t len = x->dims[axis];
    if (ns < 0) {
        int64_t parts;
        if (!ir_attr_int(n, "num_outputs", n->n_out, &parts, d))
            return false;
        if (parts != n->n_out || parts < 1)
            return diag_fail(d, ST_BAD_MODEL, n, "num_outputs %lld for %d outputs",
                             (long long)parts, n->n_out);
        int64_t chunk = (len + parts - 1) / parts;
        for (int k = 0; k < n->n_out; k++) {
            int64_t rest = len - chunk * k;
            split[k] = rest < 0 ? 0 : rest < chunk ? rest : chunk;
        }
        ns = n->n_out;
    }
    if (ns != n->n_out)
        return diag_fail(d, ST_BAD_MODEL, n, "split has %d entries for %d outputs", ns, n->n_out);
    int64_t total = 0;
    for (int k = 0; k < ns; k++) {
        if (split[k] < 0 || split[k] > len)   /* bounded: the sum cannot overflow */
            return diag_fail(d, ST_BAD_MODEL, n, "split[%d] = %lld is out of range for axis %d "
                             "of size %lld", k, (long long)split[k], axis, (long long)len);
        total += split[k];
    }
    if (total != len)
        return diag_fail(d, ST_BAD_MODEL, n, "splits sum to %lld, axis has %lld",
                         (long long)total, (long long)len);
    for (int k = 0; k < n->n_out; k++) {
        int64_t dims[IR_MAX_RANK];
        memcpy(dims, x->dims, sizeof dims);
        dims[axis] = split[k];
        if (!ir_set_shape(n, ir_out(g, n, k), x->dtype, x->rank, dims, d))
            return false;
    }
    return true;
}

static bool infer_depth_space(const Node *n, const Tensor *x, Tensor *y, Diag *d)
{
    int64_t b;
    const char *mode;
    if (!ir_attr_int(n, "blocksize", 0, &b, d) || !ir_attr_string(n, "mode", "DCR", &mode, d))
        return false;
    if (x->rank != 4)
        return diag_fail(d, ST_BAD_MODEL, n, "input has rank %d, expected 4", x->rank);
    if (b < 1 || b > 65536)
        return diag_fail(d, ST_BAD_MODEL, n, "blocksize %lld is out of range", (long long)b);
    if (strcmp(mode, "DCR") != 0 && strcmp(mode, "CRD") != 0)
        return diag_fail(d, ST_BAD_MODEL, n, "mode '%s' is not DCR or CRD", mode);
    int64_t dims[4];
    if (n->op == OP_DEPTH_TO_SPACE) {
        if (x->dims[1] % (b * b))
            return diag_fail(d, ST_BAD_MODEL, n, "channels not divisible by blocksize^2");
        int64_t v[4] = {x->dims[0], x->dims[1] / (b * b), x->dims[2] * b, x->dims[3] * b};
        memcpy(dims, v, sizeof v);
    } else {
        if (x->dims[2] % b || x->dims[3] % b)
            return diag_fail(d, ST_BAD_MODEL, n, "spatial dims not divisible by blocksize");
        int64_t v[4] = {x->dims[0], x->dims[1] * b * b, x->dims[2] / b, x->dims[3] / b};
        memcpy(dims, v, sizeof v);
    }
    return ir_set_shape(n, y, x->dtype, 4, dims, d);
}

bool ir_infer_tensor(Graph *g, const Node *n, Diag *d)
{
    Tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    switch ((int)n->op) {   /* ir_infer_node's switch lists every op */
    case OP_FLATTEN:
        return infer_flatten(n, x, y, d);
    case OP_TRANSPOSE:
        return infer_transpose(n, x, y, d);
    case OP_EXPAND:
        return infer_expand(g, n, x, y, d);
    case OP_SPLIT:
        return infer_split(g, n, x, d);
    case OP_PAD: {
        PadGeom p;
        bool known;
        if (!ir_pad_geom(g, n, &p, &known, d))
            return false;
        if (!known)
            return true;
        return ir_set_shape(n, y, x->dtype, x->rank, p.ydims + (IR_MAX_RANK - x->rank), d);
    }
    case OP_DROPOUT: {
        int64_t training = 0;
        const Tensor *t = ir_in(g, n, 2);
        if (t && t->data && t->dtype == DT_BOOL)
            training = *(const unsigned char *)t->data;
        else if (t)
            return diag_fail(d, ST_UNSUPPORTED, n, "training_mode must be a constant bool");
        double ratio = 0.5;
        const Tensor *r = ir_in(g, n, 1);
        if (r && !ir_const_scalar_f64(r, &ratio))
            return diag_fail(d, ST_UNSUPPORTED, n, "ratio must be a constant scalar");
        if (training && ratio != 0.0)   /* ratio 0 keeps every element: no randomness */
            return diag_fail(d, ST_UNSUPPORTED, n,
                             "training mode with ratio %g drops at random; not supported", ratio);
        return ir_set_shape(n, y, x->dtype, x->rank, x->dims, d) &&
               ir_set_shape(n, ir_out(g, n, 1), DT_BOOL, x->rank, x->dims, d);
    }
    case OP_DEPTH_TO_SPACE:
    case OP_SPACE_TO_DEPTH:
        return infer_depth_space(n, x, y, d);
    default:
        return diag_fail(d, ST_INTERNAL, n, "not a data-movement op");
    }
}
