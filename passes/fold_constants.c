/* SPDX-License-Identifier: MIT */
/*
 * fold_constants.c - evaluates at compile time the nodes whose inputs are constants.
 *
 * Walking the schedule in order, a node of a foldable op whose inputs are all
 * TK_CONST (or omitted) is evaluated; its outputs become TK_CONST tensors with
 * arena-owned data and the node is removed. Arithmetic (Add/Sub/Mul/Div,
 * Max/Min, Relu, Sigmoid, Floor, Ceil, Cast) runs on the runtime kernels
 * through the interpreter's dispatch (rt_eval_node), so folding and run time
 * give one meaning to each op: there is no second evaluator of arithmetic here.
 * What remains below is shape arithmetic and data movement on constants
 * (Shape, Gather, Concat, (Un)Squeeze, Slice, Reshape, ConstantOfShape,
 * Constant, Identity), whose index checks shape inference shares. Shape is
 * special: it only needs its input's shape to be known, not its data. Because
 * later nodes see constants produced earlier in the same walk, whole chains such
 * as Shape -> Gather -> Unsqueeze -> Concat -> Cast -> Mul collapse in one pass.
 *
 * Nodes that stay are re-inferred (ir_infer_node) when one of their inputs became
 * constant in this pass, so a shape that depended on folded values (Reshape's
 * shape, Resize's sizes or scales) is known before a later Shape reads it.
 *
 * Everything else (Conv, MaxPool, Resize ...) is left to the runtime even when
 * its inputs are constant.
 * Constant data is never mutated, so reshaping ops share their input's data.
 */
#include "passes.h"
#include "rt.h"

#include <stdlib.h>
#include <string.h>

/* Folded constants are bounded by the limits the model was loaded under
 * (g->max_elements per tensor, g->max_const_bytes for all constant data
 * together: --max-elements, --max-bytes) and by nothing else; a graph built
 * without the frontend (0) gets the frontend's defaults. ONNX's light models
 * make every weight with ConstantOfShape, hundreds of MB of them. */
#define FOLD_DEFAULT_ELEMENTS ((int64_t)1 << 30)
#define FOLD_DEFAULT_BYTES ((int64_t)4 << 30)

static int64_t max_elements(const Graph *g) {
    return g->max_elements > 0 ? g->max_elements : FOLD_DEFAULT_ELEMENTS;
}

static int64_t max_const_bytes(const Graph *g) {
    return g->max_const_bytes > 0 ? g->max_const_bytes : FOLD_DEFAULT_BYTES;
}

typedef enum FoldResult { FOLD_DONE, FOLD_SKIP, FOLD_ERROR } FoldResult;

static bool foldable_dtype(DType t);

/* ------------------------------------------------------- element access */

static bool is_int_dtype(DType t) {
    return t == DT_I64 || t == DT_I32 || t == DT_I8 || t == DT_U8 || t == DT_BOOL;
}

static int64_t load_i(const void *p, DType t, int64_t i) {
    if (t == DT_I64) { int64_t v; memcpy(&v, (const char *)p + 8 * i, 8); return v; }
    if (t == DT_I32) { int32_t v; memcpy(&v, (const char *)p + 4 * i, 4); return v; }
    if (t == DT_I8) return ((const int8_t *)p)[i];
    if (t == DT_U8) return ((const uint8_t *)p)[i];
    if (t == DT_BOOL) return ((const uint8_t *)p)[i] != 0;
    if (t == DT_F32) { float v; memcpy(&v, (const char *)p + 4 * i, 4); return (int64_t)v; }
    if (t == DT_F64) { double v; memcpy(&v, (const char *)p + 8 * i, 8); return (int64_t)v; }
    return 0;
}

static void store_i(void *p, DType t, int64_t i, int64_t v) {
    if (t == DT_I64)
        memcpy((char *)p + 8 * i, &v, 8);
    else {
        int32_t w = (int32_t)v;
        memcpy((char *)p + 4 * i, &w, 4);
    }
}

static void store_f(void *p, DType t, int64_t i, double v) {
    if (t == DT_F64)
        memcpy((char *)p + 8 * i, &v, 8);
    else {
        float w = (float)v;
        memcpy((char *)p + 4 * i, &w, 4);
    }
}

/* ----------------------------------------------------------- helpers */

static int64_t shape_numel(int rank, const int64_t *dims) {
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= dims[i];
    return n;
}

/* Turns tensor t into a constant of the given type and returns its (zeroed) data,
 * or NULL with d filled. dims (not t's own) are checked against the size limit. */
static void *make_const(Graph *g, const Node *n, int t, DType dt, int rank, const int64_t *dims,
                        Diag *d) {
    if (rank < 0 || rank > IR_MAX_RANK) {
        diag_fail(d, ST_LIMIT, n, "folded result has rank %d", rank);
        return NULL;
    }
    const int64_t es = (int64_t)dtype_size(dt), lim = max_elements(g);
    int64_t numel = 1;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0) {
            diag_fail(d, ST_BAD_MODEL, n, "folded result has negative dimension %lld",
                      (long long)dims[i]);
            return NULL;
        }
        if (dims[i] > 0 && numel > lim / dims[i]) {
            diag_fail(d, ST_LIMIT, n, "folded constant would have more than %lld elements "
                      "(--max-elements)", (long long)lim);
            return NULL;
        }
        numel *= dims[i];
    }
    if (numel > max_const_bytes(g) / es) {
        diag_fail(d, ST_LIMIT, n, "folded constant of %lld elements of %lld bytes would exceed "
                  "the limit of %lld bytes of constant data (--max-bytes)", (long long)numel,
                  (long long)es, (long long)max_const_bytes(g));
        return NULL;
    }
    int64_t bytes = numel * es;   /* at most max_const_bytes: no overflow */
    void *data = arena_alloc(g->arena, (size_t)bytes);
    if (!data) {
        diag_fail(d, ST_NOMEM, n, "out of memory while folding");
        return NULL;
    }
    Tensor *x = &g->tensors[t];
    x->kind = TK_CONST;
    x->dtype = dt;
    x->rank = rank;
    for (int i = 0; i < IR_MAX_RANK; i++) {
        x->dims[i] = i < rank ? dims[i] : 0;
        x->dim_param[i] = NULL;
    }
    x->data = data;
    return data;
}

/* Makes t a constant that shares src's data under a new shape (same numel). */
static FoldResult alias_const(Graph *g, const Node *n, int t, const Tensor *src, int rank,
                              const int64_t *dims, Diag *d) {
    if (shape_numel(rank, dims) != ir_numel(src)) {
        diag_fail(d, ST_BAD_MODEL, n, "cannot reshape %lld elements to %lld",
                  (long long)ir_numel(src), (long long)shape_numel(rank, dims));
        return FOLD_ERROR;
    }
    const void *data = src->data;
    if (!make_const(g, n, t, src->dtype, rank, dims, d))
        return FOLD_ERROR;
    g->tensors[t].data = data;
    return FOLD_DONE;
}

/* Reads a 0-D or 1-D integer constant of at most max values into out. */
static bool read_ints(const Node *n, const Tensor *t, int64_t *out, int max, int *count, Diag *d) {
    if (!is_int_dtype(t->dtype) || t->rank > 1)
        return diag_fail(d, ST_BAD_MODEL, n, "\"%s\" must be a 1-D integer tensor", t->name);
    int64_t k = ir_numel(t);
    if (k > max)
        return diag_fail(d, ST_BAD_MODEL, n, "\"%s\" has %lld elements, at most %d expected",
                         t->name, (long long)k, max);
    for (int64_t i = 0; i < k; i++)
        out[i] = load_i(t->data, t->dtype, i);
    *count = (int)k;
    return true;
}

/* Normalizes a possibly negative axis into [0, rank). */
static bool norm_axis(const Node *n, int64_t axis, int rank, int *out, Diag *d) {
    if (axis < -rank || axis >= rank)
        return diag_fail(d, ST_BAD_MODEL, n, "axis %lld out of range for rank %d",
                         (long long)axis, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return true;
}

static const Tensor *input(const Graph *g, const Node *n, int k) {
    return k < n->n_in && n->in[k] >= 0 ? &g->tensors[n->in[k]] : NULL;
}

/* Reads an AT_INTS attribute of at most max values into out; *count = -1 when absent. */
static bool attr_list(const Node *n, const char *name, int64_t *out, int max, int *count, Diag *d) {
    const int64_t *a;
    if (!ir_attr_ints(n, name, &a, count, d))
        return false;
    if (*count > max)
        return diag_fail(d, ST_BAD_MODEL, n, "attribute %s has %d values, at most %d expected",
                         name, *count, max);
    for (int i = 0; i < *count; i++)
        out[i] = a[i];
    return true;
}

/* Axes of Squeeze/Unsqueeze: an attribute before opset 13, input 1 from 13.
 * *count = -1 when absent. */
static bool get_axes(const Graph *g, const Node *n, int64_t *axes, int *count, Diag *d) {
    if (g->opset < 13)
        return attr_list(n, "axes", axes, IR_MAX_RANK, count, d);
    const Tensor *t = input(g, n, 1);
    if (!t) {
        *count = -1;
        return true;
    }
    return read_ints(n, t, axes, IR_MAX_RANK, count, d);
}

/* ------------------------------------------------------------ the ops */

static FoldResult fold_shape(Graph *g, const Node *n, Diag *d) {
    const Tensor *x = input(g, n, 0);
    int r = x->rank;
    int64_t start = 0, end = r;
    if (g->opset >= 15 && (!ir_attr_int(n, "start", 0, &start, d) ||
                           !ir_attr_int(n, "end", r, &end, d)))
        return FOLD_ERROR;
    if (start < 0)
        start += r;
    if (end < 0)
        end += r;
    start = start < 0 ? 0 : start > r ? r : start;
    end = end < 0 ? 0 : end > r ? r : end;
    int64_t len = end > start ? end - start : 0;
    int64_t *y = make_const(g, n, n->out[0], DT_I64, 1, &len, d);
    if (!y)
        return FOLD_ERROR;
    for (int64_t i = 0; i < len; i++)
        store_i(y, DT_I64, i, x->dims[start + i]);
    return FOLD_DONE;
}

static FoldResult fold_gather(Graph *g, const Node *n, Diag *d) {
    const Tensor *x = input(g, n, 0), *ix = input(g, n, 1);
    int64_t axis64;
    int axis = 0;
    if (!ir_attr_int(n, "axis", 0, &axis64, d) || !norm_axis(n, axis64, x->rank, &axis, d))
        return FOLD_ERROR;
    if (ix->dtype != DT_I64 && ix->dtype != DT_I32) {
        diag_fail(d, ST_BAD_MODEL, n, "indices must be int32 or int64");
        return FOLD_ERROR;
    }
    int rank = x->rank - 1 + ix->rank;
    if (rank > IR_MAX_RANK) {
        diag_fail(d, ST_LIMIT, n, "result rank %d too high", rank);
        return FOLD_ERROR;
    }
    int64_t dims[IR_MAX_RANK];
    int r = 0;
    for (int i = 0; i < axis; i++)
        dims[r++] = x->dims[i];
    for (int i = 0; i < ix->rank; i++)
        dims[r++] = ix->dims[i];
    for (int i = axis + 1; i < x->rank; i++)
        dims[r++] = x->dims[i];
    int64_t outer = shape_numel(axis, x->dims), len = x->dims[axis];
    int64_t inner = shape_numel(x->rank - axis - 1, x->dims + axis + 1);
    int64_t nidx = ir_numel(ix);
    size_t es = dtype_size(x->dtype);
    const char *src = x->data;
    const void *idx = ix->data;
    DType idt = ix->dtype;
    char *y = make_const(g, n, n->out[0], x->dtype, rank, dims, d);
    if (!y)
        return FOLD_ERROR;
    for (int64_t j = 0; j < nidx; j++) {
        int64_t k = load_i(idx, idt, j);
        if (k < -len || k >= len) {
            diag_fail(d, ST_BAD_MODEL, n, "index %lld out of range [%lld, %lld)", (long long)k,
                      (long long)-len, (long long)len);
            return FOLD_ERROR;
        }
        if (k < 0)
            k += len;
        for (int64_t o = 0; o < outer; o++)
            memcpy(y + ((o * nidx + j) * inner) * (int64_t)es,
                   src + ((o * len + k) * inner) * (int64_t)es, (size_t)inner * es);
    }
    return FOLD_DONE;
}

static FoldResult fold_concat(Graph *g, const Node *n, Diag *d) {
    const Tensor *x0 = input(g, n, 0);
    int64_t axis64;
    int axis = 0;
    if (!x0) {
        diag_fail(d, ST_BAD_MODEL, n, "input 0 is missing");
        return FOLD_ERROR;
    }
    if (!ir_attr_int(n, "axis", INT64_MIN, &axis64, d))
        return FOLD_ERROR;
    if (axis64 == INT64_MIN) {
        diag_fail(d, ST_BAD_MODEL, n, "attribute axis is required");
        return FOLD_ERROR;
    }
    if (!norm_axis(n, axis64, x0->rank, &axis, d))
        return FOLD_ERROR;
    int64_t dims[IR_MAX_RANK];
    memcpy(dims, x0->dims, sizeof dims);
    dims[axis] = 0;
    for (int k = 0; k < n->n_in; k++) {
        const Tensor *x = input(g, n, k);
        if (!x || x->rank != x0->rank || x->dtype != x0->dtype) {
            diag_fail(d, ST_BAD_MODEL, n, "inputs differ in rank or type");
            return FOLD_ERROR;
        }
        for (int i = 0; i < x->rank; i++)
            if (i != axis && x->dims[i] != x0->dims[i]) {
                diag_fail(d, ST_BAD_MODEL, n, "input %d differs in dimension %d", k, i);
                return FOLD_ERROR;
            }
        dims[axis] += x->dims[axis];
    }
    int64_t outer = shape_numel(axis, dims), inner = shape_numel(x0->rank - axis - 1, dims + axis + 1);
    int64_t es = (int64_t)dtype_size(x0->dtype), ylen = dims[axis];
    int rank = x0->rank;
    /* The inputs stay valid while the output (a different tensor) is rewritten. */
    char *y = make_const(g, n, n->out[0], x0->dtype, rank, dims, d);
    if (!y)
        return FOLD_ERROR;
    int64_t at = 0;
    for (int k = 0; k < n->n_in; k++) {
        const Tensor *x = input(g, n, k);
        int64_t xlen = x->dims[axis];
        for (int64_t o = 0; o < outer; o++)
            memcpy(y + ((o * ylen + at) * inner) * es, (const char *)x->data + o * xlen * inner * es,
                   (size_t)(xlen * inner * es));
        at += xlen;
    }
    return FOLD_DONE;
}

static FoldResult fold_unsqueeze(Graph *g, const Node *n, Diag *d) {
    const Tensor *x = input(g, n, 0);
    int64_t axes[IR_MAX_RANK];
    int k;
    if (!get_axes(g, n, axes, &k, d))
        return FOLD_ERROR;
    if (k < 0) {
        diag_fail(d, ST_BAD_MODEL, n, "axes are required");
        return FOLD_ERROR;
    }
    int rank = x->rank + k;
    if (rank > IR_MAX_RANK) {
        diag_fail(d, ST_LIMIT, n, "result rank %d too high", rank);
        return FOLD_ERROR;
    }
    bool inserted[IR_MAX_RANK] = {false};
    for (int i = 0; i < k; i++) {
        int a = 0;
        if (!norm_axis(n, axes[i], rank, &a, d))
            return FOLD_ERROR;
        if (inserted[a]) {
            diag_fail(d, ST_BAD_MODEL, n, "axis %lld repeated", (long long)axes[i]);
            return FOLD_ERROR;
        }
        inserted[a] = true;
    }
    int64_t dims[IR_MAX_RANK];
    for (int i = 0, j = 0; i < rank; i++)
        dims[i] = inserted[i] ? 1 : x->dims[j++];
    return alias_const(g, n, n->out[0], x, rank, dims, d);
}

static FoldResult fold_squeeze(Graph *g, const Node *n, Diag *d) {
    const Tensor *x = input(g, n, 0);
    int64_t axes[IR_MAX_RANK];
    int k;
    if (!get_axes(g, n, axes, &k, d))
        return FOLD_ERROR;
    bool drop[IR_MAX_RANK] = {false};
    for (int i = 0; i < x->rank; i++)
        drop[i] = k < 0 && x->dims[i] == 1;
    for (int i = 0; i < k; i++) {
        int a = 0;
        if (!norm_axis(n, axes[i], x->rank, &a, d))
            return FOLD_ERROR;
        if (x->dims[a] != 1) {
            diag_fail(d, ST_BAD_MODEL, n, "cannot squeeze axis %d of size %lld", a,
                      (long long)x->dims[a]);
            return FOLD_ERROR;
        }
        drop[a] = true;
    }
    int64_t dims[IR_MAX_RANK];
    int rank = 0;
    for (int i = 0; i < x->rank; i++)
        if (!drop[i])
            dims[rank++] = x->dims[i];
    return alias_const(g, n, n->out[0], x, rank, dims, d);
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

static FoldResult fold_slice(Graph *g, const Node *n, Diag *d) {
    const Tensor *x = input(g, n, 0);
    int r = x->rank;
    int64_t starts[IR_MAX_RANK], ends[IR_MAX_RANK], axes[IR_MAX_RANK], steps[IR_MAX_RANK];
    int ns = 0, ne = 0, na = -1, nst = -1;
    if (g->opset < 10) {
        if (!attr_list(n, "starts", starts, r, &ns, d) || !attr_list(n, "ends", ends, r, &ne, d) ||
            !attr_list(n, "axes", axes, r, &na, d))
            return FOLD_ERROR;
    } else {
        if (!input(g, n, 1) || !input(g, n, 2)) {
            diag_fail(d, ST_BAD_MODEL, n, "starts and ends are required");
            return FOLD_ERROR;
        }
        if (!read_ints(n, input(g, n, 1), starts, r, &ns, d) ||
            !read_ints(n, input(g, n, 2), ends, r, &ne, d))
            return FOLD_ERROR;
        if (input(g, n, 3) && !read_ints(n, input(g, n, 3), axes, r, &na, d))
            return FOLD_ERROR;
        if (input(g, n, 4) && !read_ints(n, input(g, n, 4), steps, r, &nst, d))
            return FOLD_ERROR;
    }
    if (ns < 0 || ns != ne || ns > r || (na >= 0 && na != ns) || (nst >= 0 && nst != ns)) {
        diag_fail(d, ST_BAD_MODEL, n, "starts, ends, axes and steps disagree in length");
        return FOLD_ERROR;
    }
    /* Per axis: first index and step; untouched axes take everything. */
    int64_t first[IR_MAX_RANK], step[IR_MAX_RANK], dims[IR_MAX_RANK];
    bool seen[IR_MAX_RANK] = {false};
    for (int i = 0; i < r; i++) {
        first[i] = 0;
        step[i] = 1;
        dims[i] = x->dims[i];
    }
    for (int i = 0; i < ns; i++) {
        int a = 0;
        if (!norm_axis(n, na >= 0 ? axes[i] : i, r, &a, d))
            return FOLD_ERROR;
        if (seen[a]) {
            diag_fail(d, ST_BAD_MODEL, n, "axis %d repeated", a);
            return FOLD_ERROR;
        }
        seen[a] = true;
        int64_t dim = x->dims[a], st = nst >= 0 ? steps[i] : 1, s = starts[i], e = ends[i];
        /* a step past the axis picks the same elements; clamped, the length
         * arithmetic below cannot overflow (INT64_MIN, INT64_MAX) */
        st = clamp64(st, -(dim + 1), dim + 1);
        if (st == 0) {
            diag_fail(d, ST_BAD_MODEL, n, "step 0 on axis %d", a);
            return FOLD_ERROR;
        }
        if (s < 0)
            s = s < -dim ? 0 : s + dim;   /* written so that INT64_MIN cannot overflow */
        if (e < 0)
            e = e < -dim ? -1 : e + dim;
        if (st > 0) {
            s = clamp64(s, 0, dim);
            e = clamp64(e, 0, dim);
        } else {
            s = clamp64(s, 0, dim - 1);
            e = clamp64(e, -1, dim - 1);
        }
        int64_t len = st > 0 ? (e - s + st - 1) / st : (s - e + (-st) - 1) / (-st);
        first[a] = s;
        step[a] = st;
        dims[a] = len > 0 ? len : 0;
    }
    int64_t in_stride[IR_MAX_RANK], total = shape_numel(r, dims), stride = 1;
    for (int i = r - 1; i >= 0; i--) {
        in_stride[i] = stride;
        stride *= x->dims[i];
    }
    size_t es = dtype_size(x->dtype);
    const char *src = x->data;
    char *y = make_const(g, n, n->out[0], x->dtype, r, dims, d);
    if (!y)
        return FOLD_ERROR;
    for (int64_t o = 0; o < total; o++) {
        int64_t rem = o, off = 0;
        for (int i = r - 1; i >= 0; i--) {
            int64_t idx = rem % dims[i];
            rem /= dims[i];
            off += (first[i] + idx * step[i]) * in_stride[i];
        }
        memcpy(y + o * (int64_t)es, src + off * (int64_t)es, es);
    }
    return FOLD_DONE;
}

static FoldResult fold_reshape(Graph *g, const Node *n, Diag *d) {
    const Tensor *x = input(g, n, 0);
    int64_t shape[IR_MAX_RANK], allow_zero = 0;
    int k;
    if (!read_ints(n, input(g, n, 1), shape, IR_MAX_RANK, &k, d))
        return FOLD_ERROR;
    if (g->opset >= 14 && !ir_attr_int(n, "allowzero", 0, &allow_zero, d))
        return FOLD_ERROR;
    int infer = -1;
    int64_t known = 1;
    for (int i = 0; i < k; i++) {
        if (shape[i] == 0 && !allow_zero) {
            if (i >= x->rank) {
                diag_fail(d, ST_BAD_MODEL, n, "shape[%d] = 0 copies a dimension the input lacks", i);
                return FOLD_ERROR;
            }
            shape[i] = x->dims[i];
        }
        if (shape[i] == -1) {
            if (infer >= 0) {
                diag_fail(d, ST_BAD_MODEL, n, "shape has more than one -1");
                return FOLD_ERROR;
            }
            infer = i;
        } else if (shape[i] < 0) {
            diag_fail(d, ST_BAD_MODEL, n, "shape[%d] = %lld", i, (long long)shape[i]);
            return FOLD_ERROR;
        } else {
            known *= shape[i];
        }
    }
    if (infer >= 0) {
        if (known == 0 || ir_numel(x) % known != 0) {
            diag_fail(d, ST_BAD_MODEL, n, "cannot infer the -1 dimension");
            return FOLD_ERROR;
        }
        shape[infer] = ir_numel(x) / known;
    }
    return alias_const(g, n, n->out[0], x, k, shape, d);
}

static FoldResult fold_constant_of_shape(Graph *g, const Node *n, Diag *d) {
    int64_t shape[IR_MAX_RANK];
    int k;
    if (!read_ints(n, input(g, n, 0), shape, IR_MAX_RANK, &k, d))
        return FOLD_ERROR;
    const Attr *a = ir_attr(n, "value");
    DType dt = DT_F32;
    const void *val = NULL;
    if (a) {
        if (a->type != AT_TENSOR || a->tensor < 0 || ir_numel(&g->tensors[a->tensor]) != 1) {
            diag_fail(d, ST_BAD_MODEL, n, "value must be a one-element tensor");
            return FOLD_ERROR;
        }
        dt = g->tensors[a->tensor].dtype;
        val = g->tensors[a->tensor].data;
    }
    size_t es = dtype_size(dt);
    char *y = make_const(g, n, n->out[0], dt, k, shape, d);
    if (!y)
        return FOLD_ERROR;
    if (val)
        for (int64_t i = 0; i < shape_numel(k, shape); i++)
            memcpy(y + i * (int64_t)es, val, es);
    return FOLD_DONE;
}

/* The arithmetic ops (Add, Sub, Mul, Div, Max, Min, Relu, Sigmoid, Floor, Ceil,
 * Cast) run on the runtime's kernels through the interpreter's dispatch, so a
 * folded value is exactly what the node computes at run time: integer division
 * by zero gives 0, Max(NaN, 1) is NaN, overflow wraps, a float-to-int Cast
 * saturates as the kernel does. The output's shape and type come from shape
 * inference (run by fold_node), its bytes from make_const (and its size limit). When the kernels
 * cannot run the node (ST_UNSUPPORTED) it stays, with the same meaning at run
 * time: there the same kernels refuse it. */
static FoldResult fold_by_kernel(Graph *g, int node, RtEval *ev, Diag *d) {
    const Node *n = &g->nodes[node];
    Tensor *y = &g->tensors[n->out[0]];   /* inferred by fold_node */
    if (!ir_shape_known(y) || !foldable_dtype(y->dtype))
        return FOLD_SKIP;
    int64_t dims[IR_MAX_RANK];
    memcpy(dims, y->dims, sizeof dims);
    void *data = make_const(g, n, n->out[0], y->dtype, y->rank, dims, d);
    if (!data)
        return FOLD_ERROR;
    Diag kd = {0};
    void *outs[1] = {data};
    if (rt_eval_node(ev, g, node, outs, &kd))
        return FOLD_DONE;
    y->kind = TK_VALUE;   /* not folded after all */
    y->data = NULL;
    if (kd.code == ST_UNSUPPORTED)
        return FOLD_SKIP;
    *d = kd;
    return FOLD_ERROR;
}

/* Constant: the value attribute (a tensor) or value_float(s) / value_int(s). */
static FoldResult fold_constant(Graph *g, const Node *n, Diag *d) {
    const Attr *a = n->n_attrs == 1 ? &n->attrs[0] : NULL;
    if (!a) {
        diag_fail(d, ST_BAD_MODEL, n, "exactly one value attribute expected");
        return FOLD_ERROR;
    }
    int64_t one = 1;
    if (strcmp(a->name, "value") == 0 && a->type == AT_TENSOR && a->tensor >= 0) {
        const Tensor *v = &g->tensors[a->tensor];
        return alias_const(g, n, n->out[0], v, v->rank, v->dims, d);
    }
    if (strcmp(a->name, "value_float") == 0 && a->type == AT_FLOAT) {
        void *y = make_const(g, n, n->out[0], DT_F32, 0, &one, d);
        if (!y)
            return FOLD_ERROR;
        store_f(y, DT_F32, 0, a->f);
        return FOLD_DONE;
    }
    if (strcmp(a->name, "value_int") == 0 && a->type == AT_INT) {
        void *y = make_const(g, n, n->out[0], DT_I64, 0, &one, d);
        if (!y)
            return FOLD_ERROR;
        store_i(y, DT_I64, 0, a->i);
        return FOLD_DONE;
    }
    if ((strcmp(a->name, "value_floats") == 0 && a->type == AT_FLOATS) ||
        (strcmp(a->name, "value_ints") == 0 && a->type == AT_INTS)) {
        int64_t len = a->n;
        bool f = a->type == AT_FLOATS;
        void *y = make_const(g, n, n->out[0], f ? DT_F32 : DT_I64, 1, &len, d);
        if (!y)
            return FOLD_ERROR;
        for (int64_t i = 0; i < len; i++) {
            if (f)
                store_f(y, DT_F32, i, a->floats[i]);
            else
                store_i(y, DT_I64, i, a->ints[i]);
        }
        return FOLD_DONE;
    }
    diag_fail(d, ST_UNSUPPORTED, n, "Constant attribute %s is not supported", a->name);
    return FOLD_ERROR;
}

static FoldResult fold_identity(Graph *g, const Node *n, Diag *d) {
    const Tensor *x = input(g, n, 0);
    return alias_const(g, n, n->out[0], x, x->rank, x->dims, d);
}

/* --------------------------------------------------------------- driver */

/* True when every present input is a constant (Shape: has a known shape). */
static bool inputs_ready(const Graph *g, const Node *n) {
    if (n->op == OP_SHAPE)
        return n->in[0] >= 0 && ir_shape_known(&g->tensors[n->in[0]]);
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] >= 0 && g->tensors[n->in[k]].kind != TK_CONST)
            return false;
    return true;
}

/* The element types the evaluator's load/store helpers know. */
static bool foldable_dtype(DType t) {
    return t == DT_F32 || t == DT_F64 || is_int_dtype(t);
}

/* True when every input and the output have foldable element types; other
 * data (f16, int16, float8 ...) is left to the typed kernels at run time. */
static bool foldable_types(const Graph *g, const Node *n) {
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] >= 0 && !foldable_dtype(g->tensors[n->in[k]].dtype))
            return false;
    DType y = g->tensors[n->out[0]].dtype;   /* not inferred yet: the fold decides */
    return y == DT_UNDEFINED || foldable_dtype(y);
}

static FoldResult fold_node(Graph *g, int node, RtEval *ev, Diag *d) {
    const Node *n = &g->nodes[node];
    if (n->n_out != 1 || n->out[0] < 0 || !inputs_ready(g, n))
        return FOLD_SKIP;
    if (n->op != OP_CONSTANT && n->op != OP_SHAPE && !foldable_types(g, n))
        return FOLD_SKIP;
    /* Shape inference first, now that every input is constant: the op's range
     * checks (axes, indices, steps ...) live there and run before anything
     * below indexes with those values. */
    if (n->op != OP_CONSTANT && !ir_infer_node(g, node, d))
        return FOLD_ERROR;
    switch (n->op) {
    case OP_CONSTANT: return fold_constant(g, n, d);
    case OP_IDENTITY: return fold_identity(g, n, d);
    case OP_SHAPE: return fold_shape(g, n, d);
    case OP_GATHER: return fold_gather(g, n, d);
    case OP_CONCAT: return fold_concat(g, n, d);
    case OP_UNSQUEEZE: return fold_unsqueeze(g, n, d);
    case OP_SQUEEZE: return fold_squeeze(g, n, d);
    case OP_SLICE: return fold_slice(g, n, d);
    case OP_CAST:
    case OP_FLOOR: case OP_CEIL: case OP_RELU: case OP_SIGMOID:
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MAX: case OP_MIN:
        return fold_by_kernel(g, node, ev, d);
    case OP_RESHAPE: return fold_reshape(g, n, d);
    case OP_CONSTANT_OF_SHAPE: return fold_constant_of_shape(g, n, d);
    case OP_CONV: case OP_MAXPOOL: case OP_RESIZE: case OP_UPSAMPLE: return FOLD_SKIP;
    /* Left to the runtime kernels, constant inputs or not. */
    case OP_CONV_TRANSPOSE:
    case OP_AVERAGEPOOL:
    case OP_GLOBAL_AVERAGEPOOL:
    case OP_GLOBAL_MAXPOOL:
    case OP_POW:
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
    case OP_FLATTEN:
    case OP_TRANSPOSE:
    case OP_EXPAND:
    case OP_SPLIT:
    case OP_PAD:
    case OP_DROPOUT:
    case OP_REDUCE_MEAN:
    case OP_REDUCE_SUM:
    case OP_REDUCE_MAX:
    case OP_DEPTH_TO_SPACE:
    case OP_SPACE_TO_DEPTH:
        return FOLD_SKIP;
    case OP_COUNT_: return FOLD_SKIP;
    }
    return FOLD_SKIP;
}

/* After folding, every input that fixes a shape or acts as an attribute
 * (ir_input_is_param) of a node whose result is used must be constant. */
static bool params_constant(Graph *g, Diag *d) {
    int *uses = calloc((size_t)g->n_tensors + 1, sizeof *uses);
    if (!uses)
        return diag_fail(d, ST_NOMEM, NULL, "out of memory in fold_constants");
    ir_count_uses(g, uses);
    bool ok = true;
    for (int i = 0; i < g->n_nodes && ok; i++) {
        const Node *n = &g->nodes[i];
        bool used = false;
        for (int k = 0; k < n->n_out; k++)
            used |= n->out[k] >= 0 && uses[n->out[k]] > 0;
        for (int k = 0; used && ok && k < n->n_in; k++) {
            const Tensor *t = input(g, n, k);
            if (t && t->kind != TK_CONST && ir_input_is_param(n->op, k))
                ok = diag_fail(d, ST_UNSUPPORTED, n, "input %d ('%s') must be constant (or "
                               "computable at compile time): it fixes a shape or an attribute",
                               k, t->name);
        }
    }
    free(uses);
    return ok;
}

/* Pow with a constant integer exponent: the runtime computes in f32, so the
 * exponent becomes an f32 constant (exact for |e| < 2^24). */
static bool pow_exponent_to_f32(Graph *g, Node *n, Diag *d) {
    const Tensor *e = input(g, n, 1);
    if (n->op != OP_POW || !e || e->kind != TK_CONST || !is_int_dtype(e->dtype))
        return true;
    int64_t cnt = ir_numel(e);
    float *v = arena_calloc(g->arena, (size_t)(cnt > 0 ? cnt : 1), sizeof(float));
    if (!v)
        return diag_fail(d, ST_NOMEM, n, "out of memory");
    for (int64_t i = 0; i < cnt; i++)
        v[i] = (float)load_i(e->data, e->dtype, i);
    int64_t dims[IR_MAX_RANK];
    int rank = e->rank;
    memcpy(dims, e->dims, sizeof dims);
    const char *name = ir_unique_name(g, e->name);   /* e dies when tensors grow */
    int t = name ? ir_add_const(g, name, DT_F32, rank, dims, v) : -1;
    if (t < 0)
        return diag_fail(d, ST_NOMEM, n, "out of memory");
    n->in[1] = t;
    return true;
}

/* Bytes of node n's outputs that folding gave new data (not shared with an input). */
static int64_t new_bytes(const Graph *g, const Node *n) {
    int64_t sum = 0;
    for (int k = 0; k < n->n_out; k++) {
        const Tensor *y = n->out[k] >= 0 ? &g->tensors[n->out[k]] : NULL;
        bool shared = !y || !y->data;
        for (int j = 0; j < n->n_in && !shared; j++)
            shared = n->in[j] >= 0 && g->tensors[n->in[j]].data == y->data;
        if (!shared)
            sum += ir_nbytes(y);
    }
    return sum;
}

bool pass_fold_constants(Graph *g, Diag *d) {
    bool *keep = malloc(sizeof(bool) * (size_t)(g->n_nodes > 0 ? g->n_nodes : 1));
    RtEval *ev = rt_eval_new();
    if (!keep || !ev) {
        free(keep);
        rt_eval_free(ev);
        return diag_fail(d, ST_NOMEM, NULL, "out of memory in fold_constants");
    }
    int64_t total = 0;   /* constant data, against max_const_bytes */
    for (int t = 0; t < g->n_tensors; t++)
        if (g->tensors[t].kind == TK_CONST && g->tensors[t].data)
            total += ir_nbytes(&g->tensors[t]);
    bool ok = true;
    for (int i = 0; i < g->n_nodes && ok; i++) {
        keep[i] = true;
        if (!pow_exponent_to_f32(g, &g->nodes[i], d)) {
            ok = false;
            break;
        }
        const Node *n = &g->nodes[i];
        FoldResult r = fold_node(g, i, ev, d);
        if (r == FOLD_ERROR) {
            ok = false;
        } else if (r == FOLD_DONE) {
            keep[i] = false;
            g->tensors[n->out[0]].producer = -1;
            total += new_bytes(g, n);
            if (total > max_const_bytes(g))
                ok = diag_fail(d, ST_LIMIT, n, "folded constants bring the constant data to "
                               "%lld bytes, more than the limit of %lld (--max-bytes)",
                               (long long)total, (long long)max_const_bytes(g));
        } else {
            /* A kept node may have a shape that only now can be inferred
             * (Reshape, Resize from folded inputs): a later Shape needs it. */
            if (n->out[0] >= 0 && !ir_shape_known(&g->tensors[n->out[0]]))
                ok = ir_infer_node(g, i, d);
        }
    }
    if (ok) {
        ir_remove_nodes(g, keep);
        ok = ir_infer_shapes(g, d);
    }
    free(keep);
    rt_eval_free(ev);
    return ok && params_constant(g, d);
}
