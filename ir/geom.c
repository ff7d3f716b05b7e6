/* SPDX-License-Identifier: MIT */
/*
 * geom.c - the canonical geometry of Conv, MaxPool and Resize/Upsample.
 *
 * ONNX spreads a layer's geometry over attributes (with defaults and auto_pad),
 * input shapes and, for Resize, constant inputs that moved between opsets. These
 * functions resolve all of that once into plain numbers, validating as they go;
 * shape inference, the interpreter and codegen all read the result, so the three
 * can never disagree. Inputs must have known shapes (callers check).
 */
#include <math.h>
#include <string.h>

#include "ir.h"

/* Kernels index with int: every size, pad, stride and dilation, and every
 * padded extent (input plus both pads), stays at or below 2^30, so that
 * window starts (out * stride - pad) and taps (start + k * dilation) fit. */
#define GEOM_MAX_DIM ((int64_t)1 << 30)

static const Tensor *in_tensor(const Graph *g, const Node *n, int k)
{
    return (k < n->n_in && n->in[k] >= 0) ? &g->tensors[n->in[k]] : NULL;
}

/* Reads a spatial int list attribute of exactly `want` entries (or absent: def). */
static bool spatial_ints(const Node *n, const char *name, int want, int64_t def, int64_t *out,
                         Diag *d)
{
    const int64_t *v;
    int cnt;
    if (!ir_attr_ints(n, name, &v, &cnt, d))
        return false;
    if (cnt < 0) {
        for (int i = 0; i < want; i++)
            out[i] = def;
        return true;
    }
    if (cnt != want)
        return diag_fail(d, ST_BAD_MODEL, n, "attribute '%s' has %d values, expected %d", name,
                         cnt, want);
    for (int i = 0; i < want; i++)
        out[i] = v[i];
    return true;
}

/* Shared by Conv and pooling: x is (N,C,spatial...) with 1 or 2 spatial dims;
 * kernel sizes in k[]. Resolves strides, dilations, pads/auto_pad and output
 * size into geom (mapped to 2-D: 1-D ops get H = 1). */
static bool window_geom(const Node *n, const Tensor *x, const int64_t *k, bool ceil_mode,
                        ConvGeom *o, Diag *d)
{
    int ns = x->rank - 2;
    int64_t strides[2], dil[2], pads[4], in[2], out[2];
    if (!spatial_ints(n, "strides", ns, 1, strides, d) ||
        !spatial_ints(n, "dilations", ns, 1, dil, d) ||
        !spatial_ints(n, "pads", 2 * ns, 0, pads, d))
        return false;
    const char *auto_pad;
    if (!ir_attr_string(n, "auto_pad", "NOTSET", &auto_pad, d))
        return false;
    for (int i = 0; i < ns; i++) {
        in[i] = x->dims[2 + i];
        if (k[i] < 1 || k[i] > GEOM_MAX_DIM)
            return diag_fail(d, ST_BAD_MODEL, n, "kernel size %lld is out of range",
                             (long long)k[i]);
        if (strides[i] < 1 || strides[i] > GEOM_MAX_DIM)
            return diag_fail(d, ST_BAD_MODEL, n, "stride %lld is out of range",
                             (long long)strides[i]);
        if (dil[i] < 1 || dil[i] > GEOM_MAX_DIM)
            return diag_fail(d, ST_BAD_MODEL, n, "dilation %lld is out of range",
                             (long long)dil[i]);
        if (in[i] > GEOM_MAX_DIM)
            return diag_fail(d, ST_LIMIT, n, "input size %lld is too large", (long long)in[i]);
    }
    for (int i = 0; i < 2 * ns; i++)
        if (pads[i] < 0 || pads[i] > GEOM_MAX_DIM)
            return diag_fail(d, ST_BAD_MODEL, n, "pad %lld is out of range", (long long)pads[i]);

    bool same_upper = strcmp(auto_pad, "SAME_UPPER") == 0;
    bool same_lower = strcmp(auto_pad, "SAME_LOWER") == 0;
    bool valid = strcmp(auto_pad, "VALID") == 0;
    if (!same_upper && !same_lower && !valid && strcmp(auto_pad, "NOTSET") != 0)
        return diag_fail(d, ST_BAD_MODEL, n, "auto_pad '%s' is not one of NOTSET, SAME_UPPER, "
                         "SAME_LOWER, VALID", auto_pad);
    for (int i = 0; i < ns; i++) {
        int64_t span = dil[i] * (k[i] - 1) + 1;   /* input extent one window covers */
        if (same_upper || same_lower) {
            out[i] = (in[i] + strides[i] - 1) / strides[i];
            int64_t total = (out[i] - 1) * strides[i] + span - in[i];
            if (total < 0)
                total = 0;
            int64_t small = total / 2, big = total - small;
            pads[i] = same_upper ? small : big;
            pads[ns + i] = same_upper ? big : small;
            continue;
        }
        if (valid)
            pads[i] = pads[ns + i] = 0;
        int64_t padded = in[i] + pads[i] + pads[ns + i];
        if (padded < span)
            return diag_fail(d, ST_BAD_MODEL, n,
                             "kernel extent %lld is larger than the padded input %lld",
                             (long long)span, (long long)padded);
        if (ceil_mode) {
            out[i] = (padded - span + strides[i] - 1) / strides[i] + 1;
            /* The last window must start inside the input or its left padding. */
            if ((out[i] - 1) * strides[i] >= in[i] + pads[i])
                out[i]--;
        } else {
            out[i] = (padded - span) / strides[i] + 1;
        }
    }
    for (int i = 0; i < ns; i++)
        if (in[i] + pads[i] + pads[ns + i] > GEOM_MAX_DIM ||
            dil[i] * (k[i] - 1) + 1 > GEOM_MAX_DIM)
            return diag_fail(d, ST_LIMIT, n, "padded input %lld or kernel extent %lld is larger "
                             "than %lld", (long long)(in[i] + pads[i] + pads[ns + i]),
                             (long long)(dil[i] * (k[i] - 1) + 1), (long long)GEOM_MAX_DIM);
    memset(o, 0, sizeof *o);
    o->n = x->dims[0];
    o->c = x->dims[1];
    o->h = ns == 2 ? in[0] : 1;
    o->w = in[ns - 1];
    o->oh = ns == 2 ? out[0] : 1;
    o->ow = out[ns - 1];
    o->kh = ns == 2 ? k[0] : 1;
    o->kw = k[ns - 1];
    o->sh = ns == 2 ? strides[0] : 1;
    o->sw = strides[ns - 1];
    o->dh = ns == 2 ? dil[0] : 1;
    o->dw = dil[ns - 1];
    o->pt = ns == 2 ? pads[0] : 0;
    o->pb = ns == 2 ? pads[2] : 0;
    o->pl = pads[ns - 1];
    o->pr = pads[2 * ns - 1];
    o->group = 1;
    return true;
}

static bool check_spatial_rank(const Node *n, const Tensor *x, Diag *d)
{
    if (x->dtype != DT_F32)
        return diag_fail(d, ST_UNSUPPORTED, n, "input X is %s, only f32 is supported",
                         dtype_name(x->dtype));
    if (x->rank != 3 && x->rank != 4)
        return diag_fail(d, x->rank < 3 ? ST_BAD_MODEL : ST_UNSUPPORTED, n,
                         "input X has rank %d, only 1-D and 2-D (rank 3 or 4) are supported",
                         x->rank);
    return true;
}

bool ir_conv_geom(const Graph *g, const Node *n, ConvGeom *o, Diag *d)
{
    const Tensor *x = in_tensor(g, n, 0), *w = in_tensor(g, n, 1), *b = in_tensor(g, n, 2);
    if (!x || !w)
        return diag_fail(d, ST_BAD_MODEL, n, "inputs X and W are required");
    if (!check_spatial_rank(n, x, d))
        return false;
    if (w->rank != x->rank)
        return diag_fail(d, ST_BAD_MODEL, n, "weight W has rank %d, input X has rank %d",
                         w->rank, x->rank);
    if (w->dtype != DT_F32)
        return diag_fail(d, ST_UNSUPPORTED, n, "weight W is %s, only f32 is supported",
                         dtype_name(w->dtype));
    int ns = x->rank - 2;
    int64_t k[2];
    if (!spatial_ints(n, "kernel_shape", ns, -1, k, d))
        return false;
    for (int i = 0; i < ns; i++) {
        if (k[i] == -1)
            k[i] = w->dims[2 + i];
        if (k[i] != w->dims[2 + i])
            return diag_fail(d, ST_BAD_MODEL, n, "kernel_shape %lld does not match weight dim %lld",
                             (long long)k[i], (long long)w->dims[2 + i]);
    }
    int64_t group;
    if (!ir_attr_int(n, "group", 1, &group, d))
        return false;
    if (!window_geom(n, x, k, false, o, d))
        return false;
    int64_t m = w->dims[0];
    if (group < 1 || group > GEOM_MAX_DIM || o->c % group || m % group)
        return diag_fail(d, ST_BAD_MODEL, n, "group %lld does not divide %lld input and %lld "
                         "output channels", (long long)group, (long long)o->c, (long long)m);
    if (w->dims[1] * group != o->c)
        return diag_fail(d, ST_BAD_MODEL, n, "weight W expects %lld input channels, X has %lld",
                         (long long)(w->dims[1] * group), (long long)o->c);
    if (b) {
        if (b->rank != 1 || b->dims[0] != m)
            return diag_fail(d, ST_BAD_MODEL, n, "bias B must be 1-D with %lld values",
                             (long long)m);
        if (b->dtype != DT_F32)
            return diag_fail(d, ST_UNSUPPORTED, n, "bias B is %s, only f32 is supported",
                             dtype_name(b->dtype));
    }
    o->m = m;
    o->group = group;
    o->has_bias = b != NULL;
    return true;
}

bool ir_pool_geom(const Graph *g, const Node *n, ConvGeom *o, Diag *d)
{
    const Tensor *x = in_tensor(g, n, 0);
    if (!x)
        return diag_fail(d, ST_BAD_MODEL, n, "input X is required");
    if (!check_spatial_rank(n, x, d))
        return false;
    int ns = x->rank - 2;
    int64_t k[2], ceil_mode, storage;
    const int64_t *ks;
    int nk;
    if (!ir_attr_ints(n, "kernel_shape", &ks, &nk, d))
        return false;
    if (nk < 0)
        return diag_fail(d, ST_BAD_MODEL, n, "attribute 'kernel_shape' is required");
    if (!spatial_ints(n, "kernel_shape", ns, 1, k, d) ||
        !ir_attr_int(n, "ceil_mode", 0, &ceil_mode, d) ||
        !ir_attr_int(n, "storage_order", 0, &storage, d))
        return false;
    if (ceil_mode != 0 && ceil_mode != 1)
        return diag_fail(d, ST_BAD_MODEL, n, "ceil_mode must be 0 or 1");
    if (!window_geom(n, x, k, ceil_mode != 0, o, d))
        return false;
    /* A window must see at least one real element, or its max is undefined. */
    if (o->pt >= o->dh * (o->kh - 1) + 1 || o->pl >= o->dw * (o->kw - 1) + 1 ||
        o->pb >= o->dh * (o->kh - 1) + 1 || o->pr >= o->dw * (o->kw - 1) + 1)
        return diag_fail(d, ST_BAD_MODEL, n, "pads must be smaller than the kernel extent");
    o->m = o->c;
    return true;
}

/* Reads float scales or int64 sizes from a constant input; *count = -1 when the
 * input is omitted or empty. Returns false (no error) via *pending when the input
 * exists but is not constant yet. */
static bool const_values(const Graph *g, const Node *n, int k, double *vals, int *count,
                         bool *pending, Diag *d)
{
    const Tensor *t = in_tensor(g, n, k);
    *count = -1;
    if (!t)
        return true;
    if (!t->data) {
        *pending = true;
        return true;
    }
    int64_t cnt = ir_numel(t);
    if (cnt == 0)
        return true;
    if (t->rank != 1 || cnt != 4)
        return diag_fail(d, ST_UNSUPPORTED, n, "input %d ('%s') must hold 4 values (N, C, H, W)",
                         k, t->name);
    for (int i = 0; i < 4; i++) {
        if (t->dtype == DT_F32)
            vals[i] = ((const float *)t->data)[i];
        else if (t->dtype == DT_I64)
            vals[i] = (double)((const int64_t *)t->data)[i];
        else
            return diag_fail(d, ST_BAD_MODEL, n, "input %d ('%s') is %s, expected f32 or i64", k,
                             t->name, dtype_name(t->dtype));
    }
    *count = 4;
    return true;
}

static bool parse_coord(const Node *n, const char *s, ResizeCoord *out, Diag *d)
{
    static const struct { const char *name; ResizeCoord c; } modes[] = {
        {"half_pixel", RC_HALF_PIXEL},
        {"asymmetric", RC_ASYMMETRIC},
        {"align_corners", RC_ALIGN_CORNERS},
        {"pytorch_half_pixel", RC_PYTORCH_HALF_PIXEL},
        {"tf_half_pixel_for_nearest", RC_TF_HALF_PIXEL_FOR_NEAREST},
    };
    for (size_t i = 0; i < ARRAY_LEN(modes); i++)
        if (strcmp(s, modes[i].name) == 0) {
            *out = modes[i].c;
            return true;
        }
    return diag_fail(d, ST_UNSUPPORTED, n, "coordinate_transformation_mode '%s' is not supported",
                     s);
}

static bool parse_nearest(const Node *n, const char *s, ResizeNearest *out, Diag *d)
{
    static const struct { const char *name; ResizeNearest m; } modes[] = {
        {"round_prefer_floor", RN_ROUND_PREFER_FLOOR},
        {"round_prefer_ceil", RN_ROUND_PREFER_CEIL},
        {"floor", RN_FLOOR},
        {"ceil", RN_CEIL},
    };
    for (size_t i = 0; i < ARRAY_LEN(modes); i++)
        if (strcmp(s, modes[i].name) == 0) {
            *out = modes[i].m;
            return true;
        }
    return diag_fail(d, ST_BAD_MODEL, n, "nearest_mode '%s' is not valid", s);
}

/* Returns true with o->oh == -1 when the scales/sizes are not constant yet. */
bool ir_resize_geom(const Graph *g, const Node *n, ResizeGeom *o, Diag *d)
{
    const Tensor *x = in_tensor(g, n, 0);
    if (!x)
        return diag_fail(d, ST_BAD_MODEL, n, "input X is required");
    if (x->dtype != DT_F32)
        return diag_fail(d, ST_UNSUPPORTED, n, "input X is %s, only f32 is supported",
                         dtype_name(x->dtype));
    if (x->rank != 4)
        return diag_fail(d, ST_UNSUPPORTED, n, "input X has rank %d, only rank 4 is supported",
                         x->rank);
    const char *mode, *coord = "half_pixel", *nearest = "round_prefer_floor";
    if (!ir_attr_string(n, "mode", "nearest", &mode, d))
        return false;
    if (strcmp(mode, "nearest") != 0)
        return diag_fail(d, ST_UNSUPPORTED, n, "mode '%s' is not supported (only nearest)", mode);
    memset(o, 0, sizeof *o);
    double scales[4], sizes[4];
    int n_scales = -1, n_sizes = -1;
    bool pending = false;
    bool upsample_attr = false;
    if (n->op == OP_UPSAMPLE || (n->op == OP_RESIZE && g->opset < 11)) {
        /* Upsample and Resize-10: (X, scales); nearest is asymmetric + floor. */
        coord = "asymmetric";
        nearest = "floor";
        if (n->op == OP_UPSAMPLE && n->n_in < 2) {
            const float *f;
            int cnt;
            if (!ir_attr_floats(n, "scales", &f, &cnt, d))
                return false;
            if (cnt != 4)
                return diag_fail(d, ST_BAD_MODEL, n, "attribute 'scales' must hold 4 values");
            for (int i = 0; i < 4; i++)
                scales[i] = f[i];
            n_scales = 4;
            upsample_attr = true;
        }
        if (!upsample_attr && !const_values(g, n, 1, scales, &n_scales, &pending, d))
            return false;
    } else {
        if (!ir_attr_string(n, "coordinate_transformation_mode", "half_pixel", &coord, d) ||
            !ir_attr_string(n, "nearest_mode", "round_prefer_floor", &nearest, d))
            return false;
        if (!const_values(g, n, 2, scales, &n_scales, &pending, d) ||
            !const_values(g, n, 3, sizes, &n_sizes, &pending, d))
            return false;
    }
    if (!parse_coord(n, coord, &o->coord, d) || !parse_nearest(n, nearest, &o->nearest, d))
        return false;
    o->n = x->dims[0];
    o->c = x->dims[1];
    o->ih = x->dims[2];
    o->iw = x->dims[3];
    if (pending) {
        o->oh = o->ow = -1;
        return true;
    }
    if ((n_scales < 0) == (n_sizes < 0))
        return diag_fail(d, ST_BAD_MODEL, n, "exactly one of scales and sizes must be given");
    int64_t out[4];
    for (int i = 0; i < 4; i++) {
        int64_t in = x->dims[i];
        if (n_scales > 0) {
            if (!(scales[i] > 0.0) || scales[i] > 1e6)
                return diag_fail(d, ST_BAD_MODEL, n, "scale %g is out of range", scales[i]);
            double v = floor((double)in * (double)(float)scales[i]);
            if (!(v < 1e18))       /* converting an out-of-range double is undefined */
                return diag_fail(d, ST_BAD_MODEL, n, "scale %g of a dim %lld is out of range",
                                 scales[i], (long long)in);
            out[i] = (int64_t)v;
        } else {
            if (sizes[i] < 0 || sizes[i] > (double)GEOM_MAX_DIM)
                return diag_fail(d, ST_BAD_MODEL, n, "size %g is out of range", sizes[i]);
            out[i] = (int64_t)sizes[i];
        }
    }
    if (out[0] != o->n || out[1] != o->c)
        return diag_fail(d, ST_UNSUPPORTED, n, "resizing the batch or channel axis is not "
                         "supported");
    if (out[2] < 1 || out[3] < 1 || out[2] > GEOM_MAX_DIM || out[3] > GEOM_MAX_DIM)
        return diag_fail(d, ST_BAD_MODEL, n, "output size %lldx%lld is out of range",
                         (long long)out[2], (long long)out[3]);
    o->oh = out[2];
    o->ow = out[3];
    if (n_scales > 0) {
        o->scale_h = (float)scales[2];
        o->scale_w = (float)scales[3];
    } else {
        o->scale_h = (float)((double)o->oh / (double)o->ih);
        o->scale_w = (float)((double)o->ow / (double)o->iw);
    }
    return true;
}
