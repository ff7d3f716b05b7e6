/* SPDX-License-Identifier: MIT */
/*
 * geom_nn.c - the geometry of ConvTranspose, MatMul/Gemm, reductions,
 * normalizations, softmax and the parameters of elementwise unary ops.
 *
 * As in geom.c: attributes (with their per-opset defaults), attributes that
 * became inputs, and shapes are resolved once into plain numbers that shape
 * inference, the interpreter and codegen all read. Inputs must have known
 * shapes (callers check).
 */
#include <math.h>
#include <string.h>

#include "ir_internal.h"

#define GEOM_MAX_DIM ((int64_t)1 << 31)

static bool spatial(const Node *n, const char *name, int want, int64_t def, int64_t *out, Diag *d)
{
    const int64_t *v;
    int cnt;
    if (!ir_attr_ints(n, name, &v, &cnt, d))
        return false;
    for (int i = 0; i < want; i++)
        out[i] = cnt < 0 ? def : v[i];
    if (cnt >= 0 && cnt != want)
        return diag_fail(d, ST_BAD_MODEL, n, "attribute '%s' has %d values, expected %d", name,
                         cnt, want);
    return true;
}

bool ir_conv_transpose_geom(const Graph *g, const Node *n, ConvGeom *o, Diag *d)
{
    const Tensor *x = ir_in(g, n, 0), *w = ir_in(g, n, 1), *b = ir_in(g, n, 2);
    if (!x || !w)
        return diag_fail(d, ST_BAD_MODEL, n, "inputs X and W are required");
    if (x->dtype != DT_F32 || w->dtype != DT_F32)
        return diag_fail(d, ST_UNSUPPORTED, n, "only f32 is supported");
    if (x->rank != 3 && x->rank != 4)
        return diag_fail(d, ST_UNSUPPORTED, n, "input X has rank %d; only 1-D and 2-D are "
                         "supported", x->rank);
    if (w->rank != x->rank)
        return diag_fail(d, ST_BAD_MODEL, n, "weight W has rank %d, X has %d", w->rank, x->rank);
    int ns = x->rank - 2;
    int64_t k[2], st[2], dil[2], pads[4], opad[2], oshape[2] = {-1, -1}, group;
    const int64_t *os;
    int nos;
    const char *auto_pad;
    if (!spatial(n, "kernel_shape", ns, -1, k, d) || !spatial(n, "strides", ns, 1, st, d) ||
        !spatial(n, "dilations", ns, 1, dil, d) || !spatial(n, "pads", 2 * ns, 0, pads, d) ||
        !spatial(n, "output_padding", ns, 0, opad, d) || !ir_attr_int(n, "group", 1, &group, d) ||
        !ir_attr_string(n, "auto_pad", "NOTSET", &auto_pad, d) ||
        !ir_attr_ints(n, "output_shape", &os, &nos, d))
        return false;
    if (nos >= 0) {
        if (nos != ns && nos != x->rank)
            return diag_fail(d, ST_BAD_MODEL, n, "output_shape has %d values", nos);
        for (int i = 0; i < ns; i++)
            oshape[i] = os[nos - ns + i];
    }
    int64_t c = x->dims[1];
    if (group < 1 || group > GEOM_MAX_DIM || c % group || w->dims[0] != c)
        return diag_fail(d, ST_BAD_MODEL, n, "weight W has %lld input channels, X has %lld "
                         "(group %lld)", (long long)w->dims[0], (long long)c, (long long)group);
    int64_t m = w->dims[1] * group, out[2];
    bool same = strcmp(auto_pad, "SAME_UPPER") == 0 || strcmp(auto_pad, "SAME_LOWER") == 0;
    for (int i = 0; i < ns; i++) {
        if (k[i] == -1)
            k[i] = w->dims[2 + i];
        if (k[i] != w->dims[2 + i] || k[i] < 1 || st[i] < 1 || dil[i] < 1 || st[i] > GEOM_MAX_DIM ||
            dil[i] > GEOM_MAX_DIM || opad[i] < 0 || pads[i] < 0 || pads[ns + i] < 0 ||
            opad[i] > GEOM_MAX_DIM || pads[i] > GEOM_MAX_DIM || pads[ns + i] > GEOM_MAX_DIM ||
            x->dims[2 + i] > GEOM_MAX_DIM)
            return diag_fail(d, ST_BAD_MODEL, n, "bad kernel, stride, dilation, pads or "
                             "output_padding");
        int64_t in = x->dims[2 + i], span = (k[i] - 1) * dil[i] + 1;
        int64_t full = st[i] * (in - 1) + opad[i] + span;
        if (oshape[i] >= 0 || same) {
            int64_t want = oshape[i] >= 0 ? oshape[i] : in * st[i];
            /* negative when output_shape asks for more than the full output: the
             * extra rows and columns get the bias only (floor halves, as ONNX) */
            int64_t total = full - want;
            int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
            bool upper = strcmp(auto_pad, "SAME_UPPER") == 0;
            pads[i] = upper ? half : total - half;
            pads[ns + i] = total - pads[i];
        } else if (strcmp(auto_pad, "VALID") == 0) {
            pads[i] = pads[ns + i] = 0;
        }
        out[i] = full - pads[i] - pads[ns + i];
        if (out[i] < 1 || out[i] > GEOM_MAX_DIM)
            return diag_fail(d, ST_BAD_MODEL, n, "output size %lld is out of range",
                             (long long)out[i]);
    }
    if (b && (b->rank != 1 || b->dims[0] != m || b->dtype != DT_F32))
        return diag_fail(d, ST_BAD_MODEL, n, "bias B must be f32 with %lld values", (long long)m);
    memset(o, 0, sizeof *o);
    o->n = x->dims[0];
    o->c = c;
    o->m = m;
    o->h = ns == 2 ? x->dims[2] : 1;
    o->w = x->dims[x->rank - 1];
    o->oh = ns == 2 ? out[0] : 1;
    o->ow = out[ns - 1];
    o->kh = ns == 2 ? k[0] : 1;
    o->kw = k[ns - 1];
    o->sh = ns == 2 ? st[0] : 1;
    o->sw = st[ns - 1];
    o->dh = ns == 2 ? dil[0] : 1;
    o->dw = dil[ns - 1];
    o->pt = ns == 2 ? pads[0] : 0;
    o->pb = ns == 2 ? pads[2] : 0;
    o->pl = pads[ns - 1];
    o->pr = pads[2 * ns - 1];
    o->group = group;
    o->has_bias = b != NULL;
    return true;
}

/* numpy matmul of A (..., m, k) and B (..., k, n); Gemm's 2-D form with transposes. */
bool ir_matmul_geom(const Graph *g, const Node *n, MatmulGeom *o, Diag *d)
{
    const Tensor *a = ir_in(g, n, 0), *b = ir_in(g, n, 1), *c = ir_in(g, n, 2);
    memset(o, 0, sizeof *o);
    o->alpha = 1.0f;
    o->beta = 1.0f;
    for (int i = 0; i < IR_MAX_BATCH; i++)
        o->bdims[i] = 1;
    if (a->dtype != DT_F32 || b->dtype != DT_F32 || (c && c->dtype != DT_F32))
        return diag_fail(d, ST_UNSUPPORTED, n, "only f32 is supported");
    if (n->op == OP_GEMM) {
        int64_t ta, tb;
        if (!ir_attr_int(n, "transA", 0, &ta, d) || !ir_attr_int(n, "transB", 0, &tb, d) ||
            !ir_attr_float(n, "alpha", 1.0f, &o->alpha, d) ||
            !ir_attr_float(n, "beta", 1.0f, &o->beta, d))
            return false;
        if (a->rank != 2 || b->rank != 2)
            return diag_fail(d, ST_BAD_MODEL, n, "A and B must be 2-D");
        o->m = ta ? a->dims[1] : a->dims[0];
        o->k = ta ? a->dims[0] : a->dims[1];
        o->n = tb ? b->dims[0] : b->dims[1];
        if ((tb ? b->dims[1] : b->dims[0]) != o->k)
            return diag_fail(d, ST_BAD_MODEL, n, "inner dimensions differ");
        o->a_sm = ta ? 1 : o->k;
        o->a_sk = ta ? o->m : 1;
        o->b_sk = tb ? 1 : o->n;
        o->b_sn = tb ? o->k : 1;
        if (c) {
            if (c->rank > 2)
                return diag_fail(d, ST_BAD_MODEL, n, "C has rank %d", c->rank);
            int64_t cm = c->rank == 2 ? c->dims[0] : 1;
            int64_t cn = c->rank >= 1 ? c->dims[c->rank - 1] : 1;
            if ((cm != 1 && cm != o->m) || (cn != 1 && cn != o->n))
                return diag_fail(d, ST_BAD_MODEL, n, "C does not broadcast to (M, N)");
            o->has_c = true;
            o->c_sm = cm == 1 ? 0 : cn;
            o->c_sn = cn == 1 ? 0 : 1;
        }
        o->y_rank = 2;
        o->y_dims[0] = o->m;
        o->y_dims[1] = o->n;
        return true;
    }
    if (a->rank < 1 || b->rank < 1)
        return diag_fail(d, ST_BAD_MODEL, n, "MatMul of a scalar");
    int64_t ad[IR_MAX_RANK], bd[IR_MAX_RANK];
    int ar = a->rank, br = b->rank;
    memcpy(ad, a->dims, sizeof ad);
    memcpy(bd, b->dims, sizeof bd);
    bool drop_m = ar == 1, drop_n = br == 1;
    if (drop_m) {
        ad[1] = ad[0];
        ad[0] = 1;
        ar = 2;
    }
    if (drop_n) {
        bd[1] = 1;
        br = 2;
    }
    o->m = ad[ar - 2];
    o->k = ad[ar - 1];
    o->n = bd[br - 1];
    if (bd[br - 2] != o->k)
        return diag_fail(d, ST_BAD_MODEL, n, "inner dimensions %lld and %lld differ",
                         (long long)o->k, (long long)bd[br - 2]);
    o->a_sm = o->k;
    o->a_sk = 1;
    o->b_sk = o->n;
    o->b_sn = 1;
    int nb = (ar > br ? ar : br) - 2;
    if (nb > IR_MAX_BATCH)
        return diag_fail(d, ST_LIMIT, n, "too many batch dims");
    int64_t sa = o->m * o->k, sb = o->k * o->n;
    int yr = 0;
    for (int i = nb - 1; i >= 0; i--) {   /* batch axis i of the output, right-aligned */
        int ia = i - (nb - (ar - 2)), ib = i - (nb - (br - 2));
        int64_t da = ia >= 0 ? ad[ia] : 1, db = ib >= 0 ? bd[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return diag_fail(d, ST_BAD_MODEL, n, "batch dims do not broadcast");
        int slot = IR_MAX_BATCH - nb + i;
        o->bdims[slot] = da == 1 ? db : da;
        o->bsa[slot] = da == 1 ? 0 : sa;
        o->bsb[slot] = db == 1 ? 0 : sb;
        sa *= da;
        sb *= db;
    }
    for (int i = 0; i < nb; i++)
        o->y_dims[yr++] = o->bdims[IR_MAX_BATCH - nb + i];
    if (!drop_m)
        o->y_dims[yr++] = o->m;
    if (!drop_n)
        o->y_dims[yr++] = o->n;
    o->y_rank = yr;
    return true;
}

bool ir_reduce_geom(const Graph *g, const Node *n, ReduceGeom *o, bool *known, Diag *d)
{
    const Tensor *x = ir_in(g, n, 0);
    int64_t axes[IR_MAX_RANK], keepdims, noop;
    int na;
    memset(o, 0, sizeof *o);
    if (!ir_attr_int(n, "keepdims", 1, &keepdims, d) ||
        !ir_attr_int(n, "noop_with_empty_axes", 0, &noop, d) ||
        !ir_ints_attr_or_input(g, n, "axes", 1, axes, &na, IR_MAX_RANK, known, d))
        return false;
    if (!*known)
        return true;
    bool red[IR_MAX_RANK] = {false};
    if (na <= 0) {
        if (noop) {
            o->noop = true;
            o->y_rank = x->rank;
            memcpy(o->y_dims, x->dims, sizeof o->y_dims);
            return true;
        }
        for (int i = 0; i < x->rank; i++)
            red[i] = true;
    }
    /* A repeated axis is harmless here (reduced once), so it is accepted. */
    int axn[IR_MAX_RANK];
    if (!ir_norm_axes(n, "axes", axes, na, x->rank, false, axn, d))
        return false;
    for (int i = 0; i < na; i++)
        red[axn[i]] = true;
    int off = IR_MAX_RANK - x->rank;
    int64_t stride = 1;
    o->count = 1;
    for (int i = IR_MAX_RANK - 1; i >= 0; i--) {
        int ax = i - off;
        o->dims[i] = ax >= 0 ? x->dims[ax] : 1;
        if (ax >= 0 && red[ax]) {
            o->ys[i] = 0;
            o->count *= o->dims[i];
        } else {
            o->ys[i] = stride;
            stride *= o->dims[i];
        }
    }
    for (int i = 0; i < x->rank; i++)
        if (!red[i] || keepdims)
            o->y_dims[o->y_rank++] = red[i] ? 1 : x->dims[i];
    return true;
}

static int64_t prod(const int64_t *v, int from, int to)
{
    int64_t p = 1;
    for (int i = from; i < to; i++)
        p *= v[i];
    return p;
}

bool ir_norm_geom(const Graph *g, const Node *n, NormGeom *o, Diag *d)
{
    const Tensor *x = ir_in(g, n, 0);
    int r = x->rank;
    memset(o, 0, sizeof *o);
    o->groups = 1;
    if (x->dtype != DT_F32)
        return diag_fail(d, ST_UNSUPPORTED, n, "input is %s; only f32 is supported",
                         dtype_name(x->dtype));
    if (!ir_attr_float(n, "epsilon", 1e-5f, &o->eps, d))
        return false;
    switch ((int)n->op) {   /* the norm ops only; ir_infer_node lists every op */
    case OP_SOFTMAX:
    case OP_LOG_SOFTMAX:
    case OP_LAYERNORM: {
        bool old = n->op != OP_LAYERNORM && g->opset < 13;
        int64_t axis64;
        int axis = 0;
        if (!ir_attr_int(n, "axis", old ? 1 : -1, &axis64, d))
            return false;
        if (r == 0) {
            o->n = o->c = o->inner = 1;
            return true;
        }
        if (!ir_norm_axis(n, axis64, r, &axis, d))
            return false;
        o->n = prod(x->dims, 0, axis);
        if (old || n->op == OP_LAYERNORM) {
            o->c = prod(x->dims, axis, r);
            o->inner = 1;
        } else {
            o->c = x->dims[axis];
            o->inner = prod(x->dims, axis + 1, r);
        }
        if (n->op == OP_LAYERNORM) {
            for (int k = 1; k < 3; k++) {
                const Tensor *s = ir_in(g, n, k);
                if (s && (s->dtype != DT_F32 || ir_numel(s) != o->c))
                    return diag_fail(d, ST_UNSUPPORTED, n, "%s must be f32 with %lld values",
                                     k == 1 ? "Scale" : "B", (long long)o->c);
            }
        }
        return true;
    }
    default:
        break;
    }
    if (r < 2)
        return diag_fail(d, ST_BAD_MODEL, n, "input has rank %d, expected at least 2", r);
    o->n = x->dims[0];
    o->c = x->dims[1];
    o->inner = prod(x->dims, 2, r);
    if (n->op == OP_LRN) {
        if (!ir_attr_int(n, "size", 0, &o->size, d) ||
            !ir_attr_float(n, "alpha", 1e-4f, &o->alpha, d) ||
            !ir_attr_float(n, "beta", 0.75f, &o->beta, d) ||
            !ir_attr_float(n, "bias", 1.0f, &o->bias, d))
            return false;
        if (o->size < 1)
            return diag_fail(d, ST_BAD_MODEL, n, "size must be positive");
        return true;
    }
    int64_t want = o->c;
    if (n->op == OP_GROUPNORM) {
        if (!ir_attr_int(n, "num_groups", 0, &o->groups, d))
            return false;
        if (o->groups < 1 || o->c % o->groups)
            return diag_fail(d, ST_BAD_MODEL, n, "num_groups %lld does not divide %lld channels",
                             (long long)o->groups, (long long)o->c);
        const Tensor *s = ir_in(g, n, 1);
        o->scale_per_group = s && ir_numel(s) == o->groups && o->groups != o->c;
        if (o->scale_per_group)
            want = o->groups;
    }
    if (n->op == OP_BATCHNORM) {
        int64_t training;
        if (!ir_attr_int(n, "training_mode", 0, &training, d))
            return false;
        if (training)
            return diag_fail(d, ST_UNSUPPORTED, n, "training_mode is not supported");
    }
    int last = n->op == OP_BATCHNORM ? 5 : 3;
    for (int k = 1; k < last; k++) {
        const Tensor *s = ir_in(g, n, k);
        if (!s || s->dtype != DT_F32 || ir_numel(s) != want)
            return diag_fail(d, ST_BAD_MODEL, n, "input %d must be f32 with %lld values", k,
                             (long long)want);
    }
    return true;
}

bool ir_unary_params(const Graph *g, const Node *n, float *alpha, float *beta, Diag *d)
{
    *alpha = 0.0f;
    *beta = 0.0f;
    switch ((int)n->op) {   /* the unary ops with parameters; every other has none */
    case OP_LEAKY_RELU:
        return ir_attr_float(n, "alpha", 0.01f, alpha, d);
    case OP_ELU:
        return ir_attr_float(n, "alpha", 1.0f, alpha, d);
    case OP_SELU:
        return ir_attr_float(n, "alpha", 1.67326319217681884765625f, alpha, d) &&
               ir_attr_float(n, "gamma", 1.05070102214813232421875f, beta, d);
    case OP_HARD_SIGMOID:
        return ir_attr_float(n, "alpha", 0.2f, alpha, d) &&
               ir_attr_float(n, "beta", 0.5f, beta, d);
    case OP_CLIP: {
        if (!ir_attr_float(n, "min", -INFINITY, alpha, d) ||
            !ir_attr_float(n, "max", INFINITY, beta, d))
            return false;
        for (int k = 1; k < 3; k++) {
            const Tensor *t = ir_in(g, n, k);
            if (!t)
                continue;
            double v;
            if (!ir_const_scalar_f64(t, &v))
                return diag_fail(d, ST_UNSUPPORTED, n, "%s must be a constant scalar",
                                 k == 1 ? "min" : "max");
            *(k == 1 ? alpha : beta) = (float)v;
        }
        return true;
    }
    default:
        return true;
    }
}
