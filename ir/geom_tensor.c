/* SPDX-License-Identifier: MIT */
/*
 * geom_tensor.c - data movement as strided copies, and Pad.
 *
 * Transpose, Slice, Concat, Split, Expand, Gather (constant indices),
 * DepthToSpace and SpaceToDepth all move elements without arithmetic; each is
 * described here as one or more CopyGeom (an index space with an element
 * stride per axis for x and y), which one runtime kernel executes. The
 * functions read the node's output shapes, so they run after shape inference;
 * shape inference itself never calls them. Everything is right-aligned to
 * IR_MAX_RANK dims with leading 1s.
 */
#include <string.h>

#include "ir_internal.h"

void ir_strides(const int64_t *dims, int rank, int64_t *strides)
{
    int64_t s = 1;
    for (int i = rank - 1; i >= 0; i--) {
        strides[i] = s;
        s *= dims[i];
    }
}

bool ir_ints_attr_or_input(const Graph *g, const Node *n, const char *name, int k, int64_t *v,
                           int *count, int max, bool *known, Diag *d)
{
    const int64_t *a;
    int na;
    *known = true;
    *count = -1;
    if (name && !ir_attr_ints(n, name, &a, &na, d))
        return false;
    if (name && na >= 0) {
        if (na > max)
            return diag_fail(d, ST_BAD_MODEL, n, "attribute '%s' has %d values, at most %d", name,
                             na, max);
        memcpy(v, a, (size_t)na * sizeof *a);
        *count = na;
        return true;
    }
    const Tensor *t = ir_in(g, n, k);
    if (!t)
        return true;
    if (!t->data) {
        *known = false;
        return true;
    }
    if (t->dtype != DT_I64 && t->dtype != DT_I32)
        return diag_fail(d, ST_BAD_MODEL, n, "input %d ('%s') must be int64", k, t->name);
    if (!ir_const_ints(t, v, count, max))
        return diag_fail(d, ST_BAD_MODEL, n, "input %d ('%s') must be 1-D with at most %d values",
                         k, t->name, max);
    return true;
}

/* Moves the first r entries of each array of c to the right end, padding the
 * front with dims 1 and strides 0. */
static void align_right(CopyGeom *c, int r)
{
    int off = IR_MAX_RANK - r;
    for (int i = IR_MAX_RANK - 1; i >= 0; i--) {
        bool pad = i < off;
        c->dims[i] = pad ? 1 : c->dims[i - off];
        c->xs[i] = pad ? 0 : c->xs[i - off];
        c->ys[i] = pad ? 0 : c->ys[i - off];
    }
}

static int copy_transpose(const Graph *g, const Node *n, CopyGeom *c, Diag *d)
{
    const Tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    int64_t perm[IR_MAX_RANK], xs[IR_MAX_RANK];
    int np;
    bool known;
    if (!ir_ints_attr_or_input(g, n, "perm", -1, perm, &np, IR_MAX_RANK, &known, d))
        return -1;
    if (np < 0)
        for (int i = 0; i < x->rank; i++)
            perm[i] = x->rank - 1 - i;
    else if (np != x->rank)
        return diag_fail(d, ST_BAD_MODEL, n, "perm has %d entries for rank %d", np, x->rank), -1;
    ir_strides(x->dims, x->rank, xs);
    ir_strides(y->dims, y->rank, c->ys);
    for (int i = 0; i < y->rank; i++) {
        c->dims[i] = y->dims[i];
        c->xs[i] = xs[perm[i]];
    }
    align_right(c, y->rank);
    return 1;
}

/* Slice: first index and step per axis, as ONNX clamps them. */
static int copy_slice(const Graph *g, const Node *n, CopyGeom *c, Diag *d)
{
    const Tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    int64_t starts[IR_MAX_RANK], ends[IR_MAX_RANK], axes[IR_MAX_RANK], steps[IR_MAX_RANK];
    int ns, ne, na, nst;
    bool k1, k2, k3, k4;
    if (!ir_ints_attr_or_input(g, n, "starts", 1, starts, &ns, IR_MAX_RANK, &k1, d) ||
        !ir_ints_attr_or_input(g, n, "ends", 2, ends, &ne, IR_MAX_RANK, &k2, d) ||
        !ir_ints_attr_or_input(g, n, "axes", 3, axes, &na, IR_MAX_RANK, &k3, d) ||
        !ir_ints_attr_or_input(g, n, NULL, 4, steps, &nst, IR_MAX_RANK, &k4, d))
        return -1;
    if (!k1 || !k2 || !k3 || !k4)
        return diag_fail(d, ST_UNSUPPORTED, n, "starts, ends, axes and steps must be constant"), -1;
    if (ns < 0 || ns != ne || (na >= 0 && na != ns) || (nst >= 0 && nst != ns))
        return diag_fail(d, ST_BAD_MODEL, n, "starts, ends, axes and steps differ in length"), -1;
    int64_t xs[IR_MAX_RANK];
    ir_strides(x->dims, x->rank, xs);
    ir_strides(y->dims, y->rank, c->ys);
    c->xoff = 0;
    for (int i = 0; i < x->rank; i++) {
        c->dims[i] = y->dims[i];
        c->xs[i] = xs[i];
    }
    int axn[IR_MAX_RANK];
    if (na < 0)
        for (int i = 0; i < ns; i++)
            axes[i] = i;
    if (!ir_norm_axes(n, "axes", axes, ns, x->rank, true, axn, d))
        return -1;
    for (int i = 0; i < ns; i++) {
        int ax = axn[i];
        int64_t len = x->dims[ax], st = ir_slice_step(nst >= 0 ? steps[i] : 1, len);
        int64_t s = starts[i];
        if (st == 0)
            return diag_fail(d, ST_BAD_MODEL, n, "slice step is 0"), -1;
        s = s < 0 ? (s < -len ? 0 : s + len) : s;
        if (st > 0)
            s = s > len ? len : s;
        else
            s = s > len - 1 ? len - 1 : s;
        c->xoff += s * xs[ax];
        c->xs[ax] = xs[ax] * st;
    }
    align_right(c, x->rank);
    return 1;
}

static int copy_concat_split(const Graph *g, const Node *n, CopyGeom *out, int max, Diag *d)
{
    bool split = n->op == OP_SPLIT;
    const Tensor *whole = split ? ir_in(g, n, 0) : ir_out(g, n, 0);
    int parts = split ? n->n_out : n->n_in;
    int64_t axis64, ws[IR_MAX_RANK];
    int axis = 0;
    if (!ir_attr_int(n, "axis", split ? 0 : INT64_MIN, &axis64, d))
        return -1;
    if (axis64 == INT64_MIN)
        return diag_fail(d, ST_BAD_MODEL, n, "attribute 'axis' is required"), -1;
    if (!ir_norm_axis(n, axis64, whole->rank, &axis, d))
        return -1;
    ir_strides(whole->dims, whole->rank, ws);
    int64_t at = 0;
    int m = 0;
    for (int k = 0; k < parts; k++) {
        const Tensor *p = split ? ir_out(g, n, k) : ir_in(g, n, k);
        if (!p)
            continue;
        if (out && m < max) {
            CopyGeom *c = &out[m];
            memset(c, 0, sizeof *c);
            c->src = split ? 0 : k;
            c->dst = split ? k : 0;
            int64_t ps[IR_MAX_RANK];
            ir_strides(p->dims, p->rank, ps);
            for (int i = 0; i < p->rank; i++) {
                c->dims[i] = p->dims[i];
                c->xs[i] = split ? ws[i] : ps[i];
                c->ys[i] = split ? ps[i] : ws[i];
            }
            if (split)
                c->xoff = at * ws[axis];
            else
                c->yoff = at * ws[axis];
            align_right(c, p->rank);
        }
        at += p->dims[axis];
        m++;
    }
    return m;
}

static int copy_expand(const Graph *g, const Node *n, CopyGeom *c)
{
    const Tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    int64_t xs[IR_MAX_RANK];
    ir_strides(x->dims, x->rank, xs);
    ir_strides(y->dims, y->rank, c->ys);
    for (int i = 0; i < y->rank; i++) {
        int ix = i - (y->rank - x->rank);
        c->dims[i] = y->dims[i];
        c->xs[i] = ix >= 0 && x->dims[ix] != 1 ? xs[ix] : 0;
    }
    align_right(c, y->rank);
    return 1;
}

/* Gather with constant indices on run-time data: one copy per index. */
static int copy_gather(const Graph *g, const Node *n, CopyGeom *out, int max, Diag *d)
{
    const Tensor *x = ir_in(g, n, 0), *idx = ir_in(g, n, 1);
    if (!idx->data)
        return diag_fail(d, ST_UNSUPPORTED, n, "indices must be constant"), -1;
    int64_t axis64, outer = 1, inner = 1;
    int axis = 0;
    if (!ir_attr_int(n, "axis", 0, &axis64, d) || !ir_norm_axis(n, axis64, x->rank, &axis, d))
        return -1;
    for (int i = 0; i < axis; i++)
        outer *= x->dims[i];
    for (int i = axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    int64_t len = x->dims[axis], ni = ir_numel(idx);
    if (ni > 4096)
        return diag_fail(d, ST_UNSUPPORTED, n, "more than 4096 indices"), -1;
    for (int64_t j = 0; out && j < ni && j < max; j++) {
        int64_t k = idx->dtype == DT_I64 ? ((const int64_t *)idx->data)[j]
                                         : ((const int32_t *)idx->data)[j];
        if (k < -len || k >= len)
            return diag_fail(d, ST_BAD_MODEL, n, "index %lld out of range", (long long)k), -1;
        if (k < 0)
            k += len;
        CopyGeom *c = &out[j];
        memset(c, 0, sizeof *c);
        c->dims[0] = outer;
        c->dims[1] = inner;
        c->xs[0] = len * inner;
        c->xs[1] = 1;
        c->ys[0] = ni * inner;
        c->ys[1] = 1;
        c->xoff = k * inner;
        c->yoff = j * inner;
        align_right(c, 2);
    }
    return (int)ni;
}

/* DepthToSpace / SpaceToDepth as 6-D transposes (see ONNX's reshape-transpose-
 * reshape definitions). */
static int copy_depth_space(const Graph *g, const Node *n, CopyGeom *c, Diag *d)
{
    const Tensor *x = ir_in(g, n, 0);
    int64_t b, N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
    const char *mode;
    if (!ir_attr_int(n, "blocksize", 0, &b, d) || !ir_attr_string(n, "mode", "DCR", &mode, d))
        return -1;
    if (n->op == OP_DEPTH_TO_SPACE) {
        int64_t Co = C / (b * b);
        int64_t yd[6] = {N, Co, H, b, W, b};
        bool crd = strcmp(mode, "CRD") == 0;
        int64_t xs[6] = {C * H * W, crd ? b * b * H * W : H * W, W,
                         crd ? b * H * W : b * Co * H * W, 1, crd ? H * W : Co * H * W};
        memcpy(c->dims, yd, sizeof yd);
        memcpy(c->xs, xs, sizeof xs);
        ir_strides(yd, 6, c->ys);
    } else {
        int64_t Ho = H / b, Wo = W / b;
        int64_t yd[6] = {N, b, b, C, Ho, Wo};
        int64_t xs[6] = {C * H * W, W, 1, H * W, b * W, b};
        memcpy(c->dims, yd, sizeof yd);
        memcpy(c->xs, xs, sizeof xs);
        ir_strides(yd, 6, c->ys);
    }
    align_right(c, 6);
    return 1;
}

int ir_copy_geom(const Graph *g, const Node *n, CopyGeom *out, int max, Diag *d)
{
    CopyGeom one;
    CopyGeom *c = out && max > 0 ? out : &one;
    memset(c, 0, sizeof *c);
    switch ((int)n->op) {   /* only the copy ops; ir_infer_node's switch lists every op */
    case OP_TRANSPOSE:
        return copy_transpose(g, n, c, d);
    case OP_SLICE:
        return copy_slice(g, n, c, d);
    case OP_CONCAT:
    case OP_SPLIT:
        return copy_concat_split(g, n, out, max, d);
    case OP_EXPAND:
        return copy_expand(g, n, c);
    case OP_GATHER:
        return copy_gather(g, n, out, max, d);
    case OP_DEPTH_TO_SPACE:
    case OP_SPACE_TO_DEPTH:
        return copy_depth_space(g, n, c, d);
    default:
        return 0;
    }
}

bool ir_pad_geom(const Graph *g, const Node *n, PadGeom *o, bool *known, Diag *d)
{
    const Tensor *x = ir_in(g, n, 0);
    int r = x->rank;
    int64_t pads[2 * IR_MAX_RANK], axes[IR_MAX_RANK];
    int np, na;
    bool k1 = true, k2 = true;
    const char *mode;
    memset(o, 0, sizeof *o);
    *known = true;
    if (!ir_attr_string(n, "mode", "constant", &mode, d))
        return false;
    if (strcmp(mode, "constant") == 0)
        o->mode = PAD_CONSTANT;
    else if (strcmp(mode, "reflect") == 0)
        o->mode = PAD_REFLECT;
    else if (strcmp(mode, "edge") == 0)
        o->mode = PAD_EDGE;
    else if (strcmp(mode, "wrap") == 0)
        o->mode = PAD_WRAP;
    else
        return diag_fail(d, ST_UNSUPPORTED, n, "mode '%s' is not supported", mode);
    const char *pname = ir_attr(n, "paddings") ? "paddings" : "pads";
    if (!ir_ints_attr_or_input(g, n, pname, 1, pads, &np, 2 * IR_MAX_RANK, &k1, d) ||
        !ir_ints_attr_or_input(g, n, NULL, 3, axes, &na, IR_MAX_RANK, &k2, d))
        return false;
    float value = 0;
    if (!ir_attr_float(n, "value", 0.0f, &value, d))
        return false;
    const Tensor *cv = ir_in(g, n, 2);
    if (cv) {
        if (!cv->data) {
            *known = false;
            return true;
        }
        if (ir_numel(cv) != 1)
            return diag_fail(d, ST_UNSUPPORTED, n, "constant_value must be one element");
        double v;   /* other types' value: the typed kernels read its bytes */
        if (ir_const_scalar_f64(cv, &v))
            value = (float)v;
    }
    if (!k1 || !k2) {
        *known = false;
        return true;
    }
    if (np < 0)
        return diag_fail(d, ST_BAD_MODEL, n, "pads are required");
    if (na < 0) {
        na = r;
        for (int i = 0; i < r; i++)
            axes[i] = i;
    }
    if (np != 2 * na)
        return diag_fail(d, ST_BAD_MODEL, n, "%d pads for %d axes", np, na);
    int axn[IR_MAX_RANK];
    if (!ir_norm_axes(n, "axes", axes, na, r, true, axn, d))
        return false;
    int off = IR_MAX_RANK - r;
    for (int i = 0; i < IR_MAX_RANK; i++)
        o->xdims[i] = o->ydims[i] = i < off ? 1 : x->dims[i - off];
    for (int i = 0; i < na; i++) {
        int ax = axn[i];
        int64_t b = pads[i], e = pads[na + i], len = x->dims[ax];
        if (b < -len || e < -len || b > SHAPE_MAX_DIM || e > SHAPE_MAX_DIM)
            return diag_fail(d, ST_BAD_MODEL, n, "pad %lld/%lld out of range", (long long)b,
                             (long long)e);
        o->begin[off + ax] = b;
        o->ydims[off + ax] = len + b + e;
        if (o->ydims[off + ax] < 0)
            return diag_fail(d, ST_BAD_MODEL, n, "pads crop axis %d below zero", ax);
        if (o->mode == PAD_REFLECT && (b > len - 1 || e > len - 1) && len > 1)
            return diag_fail(d, ST_UNSUPPORTED, n, "reflect pad wider than the input");
    }
    o->value = value;
    return true;
}
