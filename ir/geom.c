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

#include "ir_internal.h"

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
    int64_t strides[3], dil[3], pads[6], in[3], out[3];
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
    o->group = 1;
    /* spatial axis i of the model lands on slot (3 - ns + i) of (d, h, w) */
    int64_t *in3[] = {&o->d, &o->h, &o->w}, *out3[] = {&o->od, &o->oh, &o->ow};
    int64_t *k3[] = {&o->kd, &o->kh, &o->kw}, *s3[] = {&o->sd, &o->sh, &o->sw};
    int64_t *d3[] = {&o->dd, &o->dh, &o->dw};
    int64_t *b3[] = {&o->pf, &o->pt, &o->pl}, *e3[] = {&o->pk, &o->pb, &o->pr};
    for (int j = 0; j < 3; j++) {
        int i = j - (3 - ns);
        *in3[j] = i >= 0 ? in[i] : 1;
        *out3[j] = i >= 0 ? out[i] : 1;
        *k3[j] = i >= 0 ? k[i] : 1;
        *s3[j] = i >= 0 ? strides[i] : 1;
        *d3[j] = i >= 0 ? dil[i] : 1;
        *b3[j] = i >= 0 ? pads[i] : 0;
        *e3[j] = i >= 0 ? pads[ns + i] : 0;
    }
    return true;
}

static bool check_spatial_rank(const Node *n, const Tensor *x, Diag *d)
{
    if (x->dtype != DT_F32 && n->op != OP_MAXPOOL)   /* MaxPool: the typed kernel */
        return diag_fail(d, ST_UNSUPPORTED, n, "input X is %s, only f32 is supported",
                         dtype_name(x->dtype));
    if (x->rank < 3 || x->rank > 5)
        return diag_fail(d, x->rank < 3 ? ST_BAD_MODEL : ST_UNSUPPORTED, n,
                         "input X has rank %d, only 1-D, 2-D and 3-D (rank 3 to 5) are "
                         "supported", x->rank);
    return true;
}

bool ir_geom_is_3d(const Graph *g, const Node *n)
{
    const Tensor *x = in_tensor(g, n, 0);
    return x && x->rank == 5;
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
    int64_t k[3];
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
    int64_t k[3], ceil_mode, storage;
    const int64_t *ks;
    int nk;
    if (n->op == OP_GLOBAL_AVERAGEPOOL || n->op == OP_GLOBAL_MAXPOOL) {
        /* one window over the whole plane: the attributes do not apply */
        memset(o, 0, sizeof *o);
        o->n = x->dims[0];
        o->c = o->m = x->dims[1];
        o->d = o->kd = ns == 3 ? x->dims[2] : 1;
        o->h = o->kh = ns >= 2 ? x->dims[x->rank - 2] : 1;
        o->w = o->kw = x->dims[x->rank - 1];
        o->od = o->oh = o->ow = o->sd = o->sh = o->sw = o->dd = o->dh = o->dw = o->group = 1;
        return true;
    }
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
        o->pb >= o->dh * (o->kh - 1) + 1 || o->pr >= o->dw * (o->kw - 1) + 1 ||
        o->pf >= o->dd * (o->kd - 1) + 1 || o->pk >= o->dd * (o->kd - 1) + 1)
        return diag_fail(d, ST_BAD_MODEL, n, "pads must be smaller than the kernel extent");
    o->m = o->c;
    return true;
}

/* Reads float or int64 values (at most 8) from a constant input; *count = -1
 * when the input is omitted or empty. Sets *pending (no error) when the input
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
    if (t->rank != 1 || cnt > 8)
        return diag_fail(d, ST_UNSUPPORTED, n, "input %d ('%s') must be 1-D with at most 8 "
                         "values", k, t->name);
    for (int i = 0; i < cnt; i++) {
        if (t->dtype == DT_F32)
            vals[i] = ((const float *)t->data)[i];
        else if (t->dtype == DT_I64)
            vals[i] = (double)((const int64_t *)t->data)[i];
        else
            return diag_fail(d, ST_BAD_MODEL, n, "input %d ('%s') is %s, expected f32 or i64", k,
                             t->name, dtype_name(t->dtype));
    }
    *count = (int)cnt;
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
        {"half_pixel_symmetric", RC_HALF_PIXEL_SYMMETRIC},
        {"tf_crop_and_resize", RC_TF_CROP_AND_RESIZE},
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

/* Spreads values given for the (normalized, distinct) axes over all 4 axes;
 * fill for the others. */
static bool spread_axes(const Node *n, const int *axes, int na, double *v, int *count,
                        double fill, Diag *d)
{
    if (*count < 0 || na < 0)
        return true;
    if (*count != na)
        return diag_fail(d, ST_BAD_MODEL, n, "%d values for %d axes", *count, na);
    double full[4] = {fill, fill, fill, fill};
    for (int i = 0; i < na; i++)
        full[axes[i]] = v[i];
    memcpy(v, full, sizeof full);
    *count = 4;
    return true;
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
    const char *mode, *coord = "half_pixel", *nearest = "round_prefer_floor", *policy;
    int64_t exclude = 0, antialias = 0;
    memset(o, 0, sizeof *o);
    if (!ir_attr_string(n, "mode", "nearest", &mode, d) ||
        !ir_attr_float(n, "cubic_coeff_a", -0.75f, &o->cubic_a, d) ||
        !ir_attr_int(n, "exclude_outside", 0, &exclude, d) ||
        !ir_attr_int(n, "antialias", 0, &antialias, d) ||
        !ir_attr_float(n, "extrapolation_value", 0.0f, &o->extrapolation, d) ||
        !ir_attr_string(n, "keep_aspect_ratio_policy", "stretch", &policy, d))
        return false;
    if (strcmp(mode, "nearest") == 0)
        o->mode = RM_NEAREST;
    else if (strcmp(mode, "linear") == 0 || strcmp(mode, "bilinear") == 0)
        o->mode = RM_LINEAR;
    else if (strcmp(mode, "cubic") == 0)
        o->mode = RM_CUBIC;
    else
        return diag_fail(d, ST_UNSUPPORTED, n, "mode '%s' is not supported", mode);
    o->exclude_outside = exclude != 0;
    o->antialias = antialias != 0;
    double scales[8], sizes[8], roi[8];
    int n_scales = -1, n_sizes = -1, n_roi = -1;
    bool pending = false;
    if (n->op == OP_UPSAMPLE || (n->op == OP_RESIZE && g->opset < 11)) {
        /* Upsample and Resize-10: (X, scales); asymmetric coordinates, floor. */
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
        } else if (!const_values(g, n, 1, scales, &n_scales, &pending, d)) {
            return false;
        }
    } else {
        if (!ir_attr_string(n, "coordinate_transformation_mode", "half_pixel", &coord, d) ||
            !ir_attr_string(n, "nearest_mode", "round_prefer_floor", &nearest, d))
            return false;
        if (!const_values(g, n, 1, roi, &n_roi, &pending, d) ||
            !const_values(g, n, 2, scales, &n_scales, &pending, d) ||
            !const_values(g, n, 3, sizes, &n_sizes, &pending, d))
            return false;
    }
    if (!parse_coord(n, coord, &o->coord, d) || !parse_nearest(n, nearest, &o->nearest, d))
        return false;
    o->n = x->dims[0];
    o->c = x->dims[1];
    o->ih = x->dims[2];
    o->iw = x->dims[3];
    /* axes (opset 18) index every per-axis array below: checked once, here,
     * before anything is indexed with them, and used normalized from here on. */
    const int64_t *axes_attr;
    int na, axes[4];
    if (!ir_attr_ints(n, "axes", &axes_attr, &na, d) ||
        !ir_norm_axes(n, "axes", axes_attr, na, 4, true, axes, d))
        return false;
    if (pending) {
        o->oh = o->ow = -1;
        return true;
    }
    double in_f[4] = {(double)x->dims[0], (double)x->dims[1], (double)x->dims[2],
                      (double)x->dims[3]};
    if (!spread_axes(n, axes, na, scales, &n_scales, 1.0, d))
        return false;
    if (n_sizes > 0 && na >= 0) {
        double full[4];
        memcpy(full, in_f, sizeof full);
        if (n_sizes != na)
            return diag_fail(d, ST_BAD_MODEL, n, "%d sizes for %d axes", n_sizes, na);
        for (int i = 0; i < na; i++)
            full[axes[i]] = sizes[i];
        memcpy(sizes, full, sizeof full);
        n_sizes = 4;
    }
    if (n_roi > 0) {
        if (na >= 0) {
            double full[8] = {0, 0, 0, 0, 1, 1, 1, 1};
            if (n_roi != 2 * na)
                return diag_fail(d, ST_BAD_MODEL, n, "roi has %d values for %d axes", n_roi, na);
            for (int i = 0; i < na; i++) {
                full[axes[i]] = roi[i];
                full[4 + axes[i]] = roi[na + i];
            }
            memcpy(roi, full, sizeof full);
        } else if (n_roi != 8) {
            return diag_fail(d, ST_BAD_MODEL, n, "roi must hold 8 values");
        }
        for (int i = 0; i < 8 && o->coord == RC_TF_CROP_AND_RESIZE; i++)
            if (!isfinite(roi[i]))   /* the kernel turns coordinates into indices */
                return diag_fail(d, ST_BAD_MODEL, n, "roi[%d] = %g is not finite", i, roi[i]);
        o->roi[0] = (float)roi[2];
        o->roi[1] = (float)roi[6];
        o->roi[2] = (float)roi[3];
        o->roi[3] = (float)roi[7];
    } else if (o->coord == RC_TF_CROP_AND_RESIZE) {
        return diag_fail(d, ST_BAD_MODEL, n, "tf_crop_and_resize needs roi");
    }
    if ((n_scales < 0) == (n_sizes < 0))
        return diag_fail(d, ST_BAD_MODEL, n, "exactly one of scales and sizes must be given");
    if ((n_scales > 0 && n_scales != 4) || (n_sizes > 0 && n_sizes != 4))
        return diag_fail(d, ST_UNSUPPORTED, n, "scales or sizes must hold 4 values (N, C, H, W)");
    bool keep = strcmp(policy, "stretch") != 0;
    if (keep && strcmp(policy, "not_larger") != 0 && strcmp(policy, "not_smaller") != 0)
        return diag_fail(d, ST_BAD_MODEL, n, "keep_aspect_ratio_policy '%s' is not valid", policy);
    if (keep && n_sizes > 0) {
        /* one scale for the resized axes, the smallest or largest ratio */
        bool larger = strcmp(policy, "not_smaller") == 0;
        double s = larger ? 0.0 : 1e300;
        for (int i = 0; i < 4; i++) {
            bool listed = na < 0;
            for (int j = 0; j < na; j++)
                listed |= axes[j] == i;
            if (!listed)
                continue;
            double r = sizes[i] / in_f[i];
            s = larger ? (r > s ? r : s) : (r < s ? r : s);
        }
        for (int i = 0; i < 4; i++) {
            bool listed = na < 0;
            for (int j = 0; j < na; j++)
                listed |= axes[j] == i;
            scales[i] = listed ? s : 1.0;
            sizes[i] = listed ? nearbyint(s * in_f[i]) : in_f[i];
        }
    }
    int64_t out[4];
    for (int i = 0; i < 4; i++) {
        int64_t in = x->dims[i];
        if (n_sizes > 0) {
            if (!(sizes[i] >= 0 && sizes[i] <= (double)GEOM_MAX_DIM))   /* NaN too */
                return diag_fail(d, ST_BAD_MODEL, n, "size %g is out of range", sizes[i]);
            out[i] = (int64_t)sizes[i];
        } else {
            if (!(scales[i] > 0.0) || scales[i] > 1e6)
                return diag_fail(d, ST_BAD_MODEL, n, "scale %g is out of range", scales[i]);
            double v = floor((double)in * (double)(float)scales[i]);
            if (!(v < 1e18))       /* converting an out-of-range double is undefined */
                return diag_fail(d, ST_BAD_MODEL, n, "scale %g of a dim %lld is out of range",
                                 scales[i], (long long)in);
            out[i] = (int64_t)v;
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
    if (n_scales > 0 || (keep && n_sizes > 0)) {
        o->scale_h = (float)scales[2];
        o->scale_w = (float)scales[3];
    } else {
        o->scale_h = (float)((double)o->oh / (double)o->ih);
        o->scale_w = (float)((double)o->ow / (double)o->iw);
    }
    return true;
}
