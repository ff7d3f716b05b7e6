/* SPDX-License-Identifier: MIT */
/*
 * shape.c - shape and dtype inference, one case per op.
 *
 * Runs over the schedule in order, so every input was inferred before its
 * consumers. It is lenient about what is not known yet (an input of unknown
 * shape, or a shape-fixing input that is not constant until fold_constants has
 * run): those outputs stay unknown (rank -1). It is strict about what is wrong:
 * bad attributes, mismatched channels or ranks, overflowing sizes are errors.
 * Each result is checked against the dims the model declared for graph outputs
 * only where those are static.
 */
#include <string.h>

#include "ir_internal.h"

Tensor *ir_in(const Graph *g, const Node *n, int k)
{
    return (k < n->n_in && n->in[k] >= 0) ? &g->tensors[n->in[k]] : NULL;
}

Tensor *ir_out(const Graph *g, const Node *n, int k)
{
    return (k < n->n_out && n->out[k] >= 0) ? &g->tensors[n->out[k]] : NULL;
}

static void set_unknown(Tensor *t)
{
    if (t)
        t->rank = -1;
}

bool ir_set_shape(const Node *n, Tensor *t, DType dt, int rank, const int64_t *dims, Diag *d)
{
    if (!t)
        return true;
    if (rank > IR_MAX_RANK)
        return diag_fail(d, ST_LIMIT, n, "output rank %d exceeds %d", rank, IR_MAX_RANK);
    for (int i = 0; i < rank; i++)
        if (dims[i] < 0 || dims[i] > SHAPE_MAX_DIM)
            return diag_fail(d, ST_BAD_MODEL, n, "output dim %d is %lld, out of range", i,
                             (long long)dims[i]);
    t->dtype = dt;
    t->rank = rank;
    for (int i = 0; i < rank; i++) {
        t->dims[i] = dims[i];
        t->dim_param[i] = NULL;
    }
    if (ir_numel(t) < 0)
        return diag_fail(d, ST_LIMIT, n, "output element count overflows");
    return true;
}

static bool same_as_input(const Node *n, Tensor *x, Tensor *y, Diag *d)
{
    return ir_set_shape(n, y, x->dtype, x->rank, x->dims, d);
}

/* numpy broadcasting of a and b into out. */
static bool broadcast(const Node *n, const Tensor *a, const Tensor *b, int *rank, int64_t *out,
                      Diag *d)
{
    int r = a->rank > b->rank ? a->rank : b->rank;
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return diag_fail(d, ST_BAD_MODEL, n, "shapes of '%s' and '%s' do not broadcast "
                             "(dim %lld vs %lld)", a->name, b->name, (long long)da, (long long)db);
        out[i] = da == 1 ? db : da;
    }
    *rank = r;
    return true;
}

/* Reads a constant 1-D int64 (or int32) tensor into v; false without error if not constant. */
bool ir_const_ints(const Tensor *t, int64_t *v, int *count, int max)
{
    if (!t || !t->data || t->rank > 1)
        return false;
    int64_t cnt = ir_numel(t);
    if (cnt < 0 || cnt > max)
        return false;
    for (int64_t i = 0; i < cnt; i++) {
        if (t->dtype == DT_I64)
            v[i] = ((const int64_t *)t->data)[i];
        else if (t->dtype == DT_I32)
            v[i] = ((const int32_t *)t->data)[i];
        else
            return false;
    }
    *count = (int)cnt;
    return true;
}

bool ir_norm_axis(const Node *n, int64_t axis, int rank, int *out, Diag *d)
{
    if (axis < -rank || axis >= rank)
        return diag_fail(d, ST_BAD_MODEL, n, "axis %lld is out of range for rank %d",
                         (long long)axis, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return true;
}

int64_t ir_slice_step(int64_t step, int64_t len)
{
    int64_t big = len + 1 > 1 ? len + 1 : 1;
    return step > big ? big : step < -big ? -big : step;
}

bool ir_norm_axes(const Node *n, const char *name, const int64_t *axes, int count, int rank,
                  bool unique, int *out, Diag *d)
{
    if (count > rank)
        return diag_fail(d, ST_BAD_MODEL, n, "%s has %d entries for rank %d", name, count, rank);
    int first[IR_MAX_RANK];   /* per axis: the entry that named it first, or -1 */
    for (int i = 0; i < IR_MAX_RANK; i++)
        first[i] = -1;
    for (int i = 0; i < count; i++) {
        if (axes[i] < -rank || axes[i] >= rank)
            return diag_fail(d, ST_BAD_MODEL, n, "%s[%d] = %lld is out of range for rank %d",
                             name, i, (long long)axes[i], rank);
        int ax = (int)(axes[i] < 0 ? axes[i] + rank : axes[i]);
        if (unique && first[ax] >= 0)
            return diag_fail(d, ST_BAD_MODEL, n, "%s[%d] = %lld repeats axis %d (%s[%d])", name,
                             i, (long long)axes[i], ax, name, first[ax]);
        if (first[ax] < 0)
            first[ax] = i;
        out[i] = ax;
    }
    return true;
}

/* Axes for Squeeze/Unsqueeze: attribute before opset 13, input 1 from 13 on.
 * *known is false when the input is not constant yet; *count -1 when absent. */
static bool squeeze_axes(Graph *g, const Node *n, int64_t *axes, int *count, bool *known, Diag *d)
{
    *known = true;
    *count = -1;
    const int64_t *a;
    int na;
    if (!ir_attr_ints(n, "axes", &a, &na, d))
        return false;
    if (na >= 0) {
        if (na > IR_MAX_RANK)
            return diag_fail(d, ST_BAD_MODEL, n, "too many axes");
        memcpy(axes, a, (size_t)na * sizeof *a);
        *count = na;
        return true;
    }
    Tensor *t = ir_in(g, n, 1);
    if (!t)
        return true;
    if (!ir_const_ints(t, axes, count, IR_MAX_RANK))
        *known = false;
    return true;
}

static bool infer_unsqueeze(Graph *g, const Node *n, Tensor *x, Tensor *y, Diag *d)
{
    int64_t axes[IR_MAX_RANK], dims[IR_MAX_RANK];
    int na;
    bool known;
    if (!squeeze_axes(g, n, axes, &na, &known, d))
        return false;
    if (!known)
        return true;
    if (na < 0)
        return diag_fail(d, ST_BAD_MODEL, n, "axes are required");
    int r = x->rank + na;
    if (r > IR_MAX_RANK)
        return diag_fail(d, ST_LIMIT, n, "output rank %d exceeds %d", r, IR_MAX_RANK);
    bool is_new[IR_MAX_RANK] = {false};
    int ax[IR_MAX_RANK];
    if (!ir_norm_axes(n, "axes", axes, na, r, true, ax, d))
        return false;
    for (int i = 0; i < na; i++)
        is_new[ax[i]] = true;
    for (int i = 0, k = 0; i < r; i++)
        dims[i] = is_new[i] ? 1 : x->dims[k++];
    return ir_set_shape(n, y, x->dtype, r, dims, d);
}

static bool infer_squeeze(Graph *g, const Node *n, Tensor *x, Tensor *y, Diag *d)
{
    int64_t axes[IR_MAX_RANK], dims[IR_MAX_RANK];
    int na, r = 0;
    bool known, drop[IR_MAX_RANK] = {false};
    if (!squeeze_axes(g, n, axes, &na, &known, d))
        return false;
    if (!known)
        return true;
    int axn[IR_MAX_RANK];
    if (!ir_norm_axes(n, "axes", axes, na, x->rank, true, axn, d))
        return false;
    for (int i = 0; i < na; i++) {
        int ax = axn[i];
        if (x->dims[ax] != 1)
            return diag_fail(d, ST_BAD_MODEL, n, "cannot squeeze axis %d of size %lld", ax,
                             (long long)x->dims[ax]);
        drop[ax] = true;
    }
    for (int i = 0; i < x->rank; i++)
        if (!(na < 0 ? x->dims[i] == 1 : drop[i]))
            dims[r++] = x->dims[i];
    return ir_set_shape(n, y, x->dtype, r, dims, d);
}

static bool infer_reshape(Graph *g, const Node *n, Tensor *x, Tensor *y, Diag *d)
{
    int64_t shape[IR_MAX_RANK];
    int r = 0;
    Tensor *s = ir_in(g, n, 1);
    if (!s->data)
        return true;
    if (s->rank != 1 || (s->dtype != DT_I64))
        return diag_fail(d, ST_BAD_MODEL, n, "shape input must be 1-D int64");
    if (!ir_const_ints(s, shape, &r, IR_MAX_RANK))
        return diag_fail(d, ST_LIMIT, n, "shape has more than %d dims", IR_MAX_RANK);
    int64_t allowzero;
    if (!ir_attr_int(n, "allowzero", 0, &allowzero, d))
        return false;
    int64_t known = 1, total = ir_numel(x);
    int infer_at = -1;
    for (int i = 0; i < r; i++) {
        if (shape[i] == 0 && !allowzero) {
            if (i >= x->rank)
                return diag_fail(d, ST_BAD_MODEL, n, "shape copies dim %d of a rank %d input", i,
                                 x->rank);
            shape[i] = x->dims[i];
        }
        if (shape[i] == -1) {
            if (infer_at >= 0)
                return diag_fail(d, ST_BAD_MODEL, n, "shape has more than one -1");
            infer_at = i;
            continue;
        }
        if (shape[i] < 0)
            return diag_fail(d, ST_BAD_MODEL, n, "shape has negative dim %lld",
                             (long long)shape[i]);
        if (shape[i] && known > INT64_MAX / shape[i])
            return diag_fail(d, ST_LIMIT, n, "shape element count overflows");
        known *= shape[i];
    }
    if (infer_at >= 0) {
        if (known == 0 || total % known)
            return diag_fail(d, ST_BAD_MODEL, n, "cannot infer -1: %lld elements into %lld",
                             (long long)total, (long long)known);
        shape[infer_at] = total / known;
        known *= shape[infer_at];
    }
    if (known != total)
        return diag_fail(d, ST_BAD_MODEL, n, "reshape of %lld elements into %lld",
                         (long long)total, (long long)known);
    return ir_set_shape(n, y, x->dtype, r, shape, d);
}

/* Slice bounds resolved per ONNX (clamping, negative indices and steps). */
static bool infer_slice(Graph *g, const Node *n, Tensor *x, Tensor *y, Diag *d)
{
    int64_t starts[IR_MAX_RANK], ends[IR_MAX_RANK], axes[IR_MAX_RANK], steps[IR_MAX_RANK];
    int ns, ne, na = -1, nst = -1;
    if (g->opset < 10) {
        const int64_t *a;
        int cnt;
        if (!ir_attr_ints(n, "starts", &a, &ns, d) || ns < 0 || ns > IR_MAX_RANK)
            return d->code ? false : diag_fail(d, ST_BAD_MODEL, n, "attribute 'starts' required");
        memcpy(starts, a, (size_t)ns * sizeof *a);
        if (!ir_attr_ints(n, "ends", &a, &ne, d) || ne < 0 || ne > IR_MAX_RANK)
            return d->code ? false : diag_fail(d, ST_BAD_MODEL, n, "attribute 'ends' required");
        memcpy(ends, a, (size_t)ne * sizeof *a);
        if (!ir_attr_ints(n, "axes", &a, &cnt, d))
            return false;
        if (cnt > IR_MAX_RANK)
            return diag_fail(d, ST_BAD_MODEL, n, "too many axes");
        if (cnt >= 0) {
            memcpy(axes, a, (size_t)cnt * sizeof *a);
            na = cnt;
        }
    } else {
        if (n->n_in < 3)
            return diag_fail(d, ST_BAD_MODEL, n, "inputs starts and ends are required");
        if (!ir_const_ints(ir_in(g, n, 1), starts, &ns, IR_MAX_RANK) ||
            !ir_const_ints(ir_in(g, n, 2), ends, &ne, IR_MAX_RANK))
            return true;
        if (ir_in(g, n, 3) && !ir_const_ints(ir_in(g, n, 3), axes, &na, IR_MAX_RANK))
            return true;
        if (ir_in(g, n, 4) && !ir_const_ints(ir_in(g, n, 4), steps, &nst, IR_MAX_RANK))
            return true;
    }
    if (ns != ne || (na >= 0 && na != ns) || (nst >= 0 && nst != ns))
        return diag_fail(d, ST_BAD_MODEL, n, "starts, ends, axes and steps differ in length");
    int64_t dims[IR_MAX_RANK];
    int axn[IR_MAX_RANK];
    memcpy(dims, x->dims, sizeof dims);
    if (na < 0)
        for (int i = 0; i < ns && i < IR_MAX_RANK; i++)
            axes[i] = i;
    if (!ir_norm_axes(n, "axes", axes, ns, x->rank, true, axn, d))
        return false;
    for (int i = 0; i < ns; i++) {
        int ax = axn[i];
        int64_t len = x->dims[ax], step = ir_slice_step(nst >= 0 ? steps[i] : 1, len);
        if (step == 0)
            return diag_fail(d, ST_BAD_MODEL, n, "steps[%d] is 0", i);
        int64_t s = starts[i], e = ends[i];
        s = s < 0 ? (s < -len ? 0 : s + len) : s;
        e = e < 0 ? (e < -len ? -1 : e + len) : e;
        if (step > 0) {
            s = s > len ? len : s;
            e = e > len ? len : e;
            dims[ax] = e > s ? (e - s + step - 1) / step : 0;
        } else {
            s = s > len - 1 ? len - 1 : s;
            e = e > len - 1 ? len - 1 : e;
            if (ends[i] < -len)
                e = -1;
            dims[ax] = s > e ? (s - e + (-step) - 1) / (-step) : 0;
        }
    }
    return ir_set_shape(n, y, x->dtype, x->rank, dims, d);
}

static bool infer_concat(Graph *g, const Node *n, Tensor *y, Diag *d)
{
    Tensor *x0 = ir_in(g, n, 0);
    int64_t axis_attr, dims[IR_MAX_RANK];
    int axis = 0;
    if (!ir_attr_int(n, "axis", INT64_MIN, &axis_attr, d))
        return false;
    if (axis_attr == INT64_MIN)
        return diag_fail(d, ST_BAD_MODEL, n, "attribute 'axis' is required");
    if (!ir_norm_axis(n, axis_attr, x0->rank, &axis, d))
        return false;
    memcpy(dims, x0->dims, sizeof dims);
    dims[axis] = 0;
    for (int k = 0; k < n->n_in; k++) {
        Tensor *t = ir_in(g, n, k);
        if (!t)
            return diag_fail(d, ST_BAD_MODEL, n, "input %d is empty", k);
        if (t->rank != x0->rank || t->dtype != x0->dtype)
            return diag_fail(d, ST_BAD_MODEL, n, "input '%s' differs in rank or type", t->name);
        for (int i = 0; i < t->rank; i++)
            if (i != axis && t->dims[i] != x0->dims[i])
                return diag_fail(d, ST_BAD_MODEL, n, "input '%s' differs in dim %d", t->name, i);
        dims[axis] += t->dims[axis];
        if (dims[axis] > SHAPE_MAX_DIM)
            return diag_fail(d, ST_LIMIT, n, "concatenated dim is too large");
    }
    return ir_set_shape(n, y, x0->dtype, x0->rank, dims, d);
}

static bool infer_gather(Graph *g, const Node *n, Tensor *x, Tensor *y, Diag *d)
{
    Tensor *idx = ir_in(g, n, 1);
    int64_t axis_attr, dims[IR_MAX_RANK];
    int axis = 0, r = 0;
    if (!ir_attr_int(n, "axis", 0, &axis_attr, d) || !ir_norm_axis(n, axis_attr, x->rank, &axis, d))
        return false;
    if (idx->dtype != DT_I64 && idx->dtype != DT_I32)
        return diag_fail(d, ST_BAD_MODEL, n, "indices must be int32 or int64");
    if (x->rank + idx->rank - 1 > IR_MAX_RANK)
        return diag_fail(d, ST_LIMIT, n, "output rank exceeds %d", IR_MAX_RANK);
    if (idx->data) {   /* constant indices: checked here, before a copy or a fold reads x */
        int64_t len = x->dims[axis], ni = ir_numel(idx);
        for (int64_t j = 0; j < ni; j++) {
            int64_t k = idx->dtype == DT_I64 ? ((const int64_t *)idx->data)[j]
                                             : ((const int32_t *)idx->data)[j];
            if (k < -len || k >= len)
                return diag_fail(d, ST_BAD_MODEL, n, "indices[%lld] = %lld is out of range for "
                                 "axis %d of size %lld", (long long)j, (long long)k, axis,
                                 (long long)len);
        }
    }
    for (int i = 0; i < axis; i++)
        dims[r++] = x->dims[i];
    for (int i = 0; i < idx->rank; i++)
        dims[r++] = idx->dims[i];
    for (int i = axis + 1; i < x->rank; i++)
        dims[r++] = x->dims[i];
    return ir_set_shape(n, y, x->dtype, r, dims, d);
}

static bool infer_shape_op(Graph *g, const Node *n, Tensor *x, Tensor *y, Diag *d)
{
    (void)g;
    int64_t start, end, r = x->rank;
    if (!ir_attr_int(n, "start", 0, &start, d) || !ir_attr_int(n, "end", r, &end, d))
        return false;
    start = start < 0 ? start + r : start;
    end = end < 0 ? end + r : end;
    start = start < 0 ? 0 : start > r ? r : start;
    end = end < 0 ? 0 : end > r ? r : end;
    int64_t len = end > start ? end - start : 0;
    return ir_set_shape(n, y, DT_I64, 1, &len, d);
}

static bool infer_constant_of_shape(Graph *g, const Node *n, Tensor *y, Diag *d)
{
    int64_t dims[IR_MAX_RANK];
    int r = 0;
    Tensor *s = ir_in(g, n, 0);
    if (!s->data)
        return true;
    if (!ir_const_ints(s, dims, &r, IR_MAX_RANK))
        return diag_fail(d, ST_BAD_MODEL, n, "shape input must be 1-D int64 of rank <= %d",
                         IR_MAX_RANK);
    DType dt = DT_F32;
    const Attr *v = ir_attr(n, "value");
    if (v) {
        if (v->type != AT_TENSOR || v->tensor < 0)
            return diag_fail(d, ST_BAD_MODEL, n, "attribute 'value' must be a tensor");
        const Tensor *vt = &g->tensors[v->tensor];
        if (ir_numel(vt) != 1)
            return diag_fail(d, ST_BAD_MODEL, n, "attribute 'value' must hold one element");
        dt = vt->dtype;
    }
    return ir_set_shape(n, y, dt, r, dims, d);
}

bool ir_infer_node(Graph *g, int node, Diag *d)
{
    const Node *n = &g->nodes[node];
    Tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    for (int k = 0; k < n->n_out; k++)
        set_unknown(ir_out(g, n, k));
    /* Inputs of unknown shape leave the outputs unknown (see ir.h). */
    for (int k = 0; k < n->n_in; k++) {
        Tensor *t = ir_in(g, n, k);
        if (t && !ir_shape_known(t))
            return true;
    }
    if (n->op != OP_CONSTANT && !x)
        return diag_fail(d, ST_BAD_MODEL, n, "input 0 is required");

    switch (n->op) {
    case OP_CONV: {
        ConvGeom c;
        if (!ir_conv_geom(g, n, &c, d))
            return false;
        int64_t d5[5] = {c.n, c.m, c.od, c.oh, c.ow};
        int64_t d4[4] = {c.n, c.m, c.oh, c.ow}, d3[3] = {c.n, c.m, c.ow};
        return ir_set_shape(n, y, DT_F32, x->rank, x->rank == 5 ? d5 : x->rank == 4 ? d4 : d3, d);
    }
    case OP_MAXPOOL: {
        ConvGeom c;
        if (!ir_pool_geom(g, n, &c, d))
            return false;
        int64_t d5[5] = {c.n, c.c, c.od, c.oh, c.ow};
        int64_t dims[4] = {c.n, c.c, c.oh, c.ow};
        int64_t d3[3] = {c.n, c.c, c.ow};
        const int64_t *dd = x->rank == 3 ? d3 : x->rank == 5 ? d5 : dims;
        return ir_set_shape(n, y, x->dtype, x->rank, dd, d) &&
               ir_set_shape(n, ir_out(g, n, 1), DT_I64, x->rank, dd, d);
    }
    case OP_RESIZE:
    case OP_UPSAMPLE: {
        ResizeGeom r;
        if (!ir_resize_geom(g, n, &r, d))
            return false;
        if (r.oh < 0)
            return true;
        if (r.ih < 1 || r.iw < 1)
            return diag_fail(d, ST_BAD_MODEL, n, "input X has an empty spatial dim");
        int64_t dims[4] = {r.n, r.c, r.oh, r.ow};
        return ir_set_shape(n, y, DT_F32, 4, dims, d);
    }
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV: {
        Tensor *b = ir_in(g, n, 1);
        int64_t dims[IR_MAX_RANK];
        int r = 0;
        if (!b)
            return diag_fail(d, ST_BAD_MODEL, n, "input 1 is required");
        if (x->dtype != b->dtype)
            return diag_fail(d, ST_BAD_MODEL, n, "inputs are %s and %s", dtype_name(x->dtype),
                             dtype_name(b->dtype));
        if (!broadcast(n, x, b, &r, dims, d))
            return false;
        return ir_set_shape(n, y, x->dtype, r, dims, d);
    }
    case OP_SIGMOID:
    case OP_RELU:
    case OP_FLOOR:
    case OP_CEIL:
        return same_as_input(n, x, y, d);
    case OP_IDENTITY:
        return same_as_input(n, x, y, d);
    case OP_CONSTANT: {
        const Attr *v = ir_attr(n, "value");
        if (!v || v->type != AT_TENSOR || v->tensor < 0)
            return diag_fail(d, ST_UNSUPPORTED, n, "only the 'value' tensor form is supported");
        const Tensor *vt = &g->tensors[v->tensor];
        return ir_set_shape(n, y, vt->dtype, vt->rank, vt->dims, d);
    }
    case OP_SHAPE:
        return infer_shape_op(g, n, x, y, d);
    case OP_GATHER:
        return infer_gather(g, n, x, y, d);
    case OP_CONCAT:
        return infer_concat(g, n, y, d);
    case OP_UNSQUEEZE:
        return infer_unsqueeze(g, n, x, y, d);
    case OP_SQUEEZE:
        return infer_squeeze(g, n, x, y, d);
    case OP_SLICE:
        return infer_slice(g, n, x, y, d);
    case OP_CAST: {
        int64_t to;
        if (!ir_attr_int(n, "to", -1, &to, d))
            return false;
        if (to < 0 || to > 64 || dtype_size((DType)to) == 0)
            return diag_fail(d, ST_UNSUPPORTED, n, "cast to dtype %lld is not supported",
                             (long long)to);
        return ir_set_shape(n, y, (DType)to, x->rank, x->dims, d);
    }
    case OP_RESHAPE:
        return infer_reshape(g, n, x, y, d);
    case OP_CONSTANT_OF_SHAPE:
        return infer_constant_of_shape(g, n, y, d);
    case OP_CONV_TRANSPOSE:
    case OP_AVERAGEPOOL:
    case OP_GLOBAL_AVERAGEPOOL:
    case OP_GLOBAL_MAXPOOL:
    case OP_POW:
    case OP_MAX:
    case OP_MIN:
    case OP_SUM:
    case OP_PRELU:
    case OP_LEAKY_RELU:
    case OP_TANH:
    case OP_CLIP:
    case OP_ELU:
    case OP_SELU:
    case OP_HARD_SIGMOID:
    case OP_HARD_SWISH:
    case OP_SOFTPLUS:
    case OP_MISH:
    case OP_EXP:
    case OP_LOG:
    case OP_SQRT:
    case OP_NEG:
    case OP_ABS:
    case OP_RECIPROCAL:
    case OP_ERF:
    case OP_SOFTMAX:
    case OP_LOG_SOFTMAX:
    case OP_BATCHNORM:
    case OP_INSTANCENORM:
    case OP_GROUPNORM:
    case OP_LAYERNORM:
    case OP_LRN:
    case OP_GEMM:
    case OP_MATMUL:
    case OP_REDUCE_MEAN:
    case OP_REDUCE_SUM:
    case OP_REDUCE_MAX:
        return ir_infer_nn(g, n, d);
    case OP_FLATTEN:
    case OP_TRANSPOSE:
    case OP_EXPAND:
    case OP_SPLIT:
    case OP_PAD:
    case OP_DROPOUT:
    case OP_DEPTH_TO_SPACE:
    case OP_SPACE_TO_DEPTH:
        return ir_infer_tensor(g, n, d);
    case OP_COUNT_:
        break;
    }
    return diag_fail(d, ST_INTERNAL, n, "no shape inference for this op");
}

bool ir_infer_shapes(Graph *g, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (!ir_infer_node(g, i, d))
            return false;
    return true;
}
