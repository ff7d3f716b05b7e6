/* SPDX-License-Identifier: MIT */
/*
 * difftest_gen.c - random valid models for the differential tester.
 *
 * A model is a few steps (1 to 6) grown from one NCHW input: each step takes
 * the newest value, or now and then an older one (so branches and small DAGs
 * form), and applies one op with random parameters: Conv (kernel 1-7, stride
 * 1-3, dilation 1-2, symmetric, asymmetric and auto pads, groups from 1 to
 * depthwise with a channel multiplier) often followed by a fusable
 * activation, ConvTranspose, MaxPool / AveragePool (ceil mode, pads,
 * count_include_pad), GlobalAveragePool, Resize (nearest and linear, the
 * coordinate modes, scales or sizes), Concat, Add / Mul / Sub with a broadcast
 * constant, another value or a second graph input, a squeeze-excitation block
 * (GlobalAveragePool, 1x1 Conv, Sigmoid, Mul), Flatten then Gemm / MatMul, and
 * MatMul on 4-D values. Channel counts sit around the 16-lane vector block (1,
 * 3, 8, 15, 16, 17, 24, 31, 32, 33, 48). Every value nobody reads becomes a graph
 * output. Parameters are kept valid by construction (the window fits the
 * padded input, pads below the pooling kernel, ...), and the work per model is
 * capped (about 4 M multiply-adds) so that one case takes milliseconds to run.
 * Half the models lean to what the fast kernels serve (convs of 16, 32 or 48
 * output channels, chained with max pooling, resizing and elementwise ops, so
 * that channel-blocked layouts form). Weights are uniform with variance
 * 1 / fan-in, so values stay of order one through a chain.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "difftest_gen.h"
#include "model_builder.h"

#define MAX_VALS 48
#define MAX_COST 4000000      /* multiply-adds per model */
#define MAX_ELEMS 65536       /* elements of one value */

/* 16 and 32 twice: the fast conv wants m % 16 == 0 */
static const int chans[] = {1, 3, 8, 15, 16, 16, 17, 24, 31, 32, 32, 33, 48};
#define N_CHANS ((int)(sizeof chans / sizeof chans[0]))

typedef struct Val {
    char name[16];
    int rank;
    int64_t d[4];
    bool used;                 /* read by a node */
    bool input;                /* a graph input */
} Val;

typedef struct Gen {
    MB *b;
    uint64_t rng;
    Val v[MAX_VALS];
    int nv, n_nodes, n_inits, n_inputs;
    int64_t cost;
    bool blocky;               /* lean to what the fast kernels serve (channels % 16 == 0) */
    char *sum;                 /* summary being written */
    size_t sum_cap, sum_len;
} Gen;

uint64_t dt_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

float dt_uniform(uint64_t *s, float lo, float hi)
{
    return lo + (hi - lo) * (float)((double)(dt_rand(s) >> 40) / (double)(1ULL << 24));
}

static int pick(Gen *g, int n)
{
    return (int)(dt_rand(&g->rng) % (uint64_t)n);
}

static void say(Gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(g->sum + g->sum_len, g->sum_cap - g->sum_len, fmt, ap);
    va_end(ap);
    if (k > 0)
        g->sum_len = g->sum_len + (size_t)k < g->sum_cap ? g->sum_len + (size_t)k : g->sum_cap - 1;
}

static int64_t numel(int rank, const int64_t *d)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= d[i];
    return n;
}

static Val *new_val(Gen *g, int rank, const int64_t *d)
{
    assert_true(g->nv < MAX_VALS);
    Val *v = &g->v[g->nv];
    memset(v, 0, sizeof *v);
    snprintf(v->name, sizeof v->name, "v%d", g->nv);
    v->rank = rank;
    memcpy(v->d, d, (size_t)rank * sizeof *d);
    g->nv++;
    return v;
}

static const char *node_name(Gen *g)
{
    static char buf[16];
    snprintf(buf, sizeof buf, "n%d", g->n_nodes++);
    return buf;
}

/* A new f32 initializer with elements uniform in [-a, a) (or [lo, hi) when lo < hi). */
static const char *constant(Gen *g, int rank, const int64_t *d, float lo, float hi)
{
    static char name[8][16];
    static int turn;
    char *nm = name[turn++ % 8];
    snprintf(nm, 16, "w%d", g->n_inits++);
    int64_t n = numel(rank, d), none[1] = {1};
    if (!d)
        d = none;   /* rank 0: no dims read */
    float *x = malloc((size_t)(n > 0 ? n : 1) * sizeof *x);
    assert_non_null(x);
    for (int64_t i = 0; i < n; i++)
        x[i] = dt_uniform(&g->rng, lo, hi);
    mb_init(g->b, mb_tensor_raw(g->b, nm, 1, rank, d, x, (size_t)n * sizeof *x));
    free(x);
    return nm;
}

static const char *int64s(Gen *g, int n, const int64_t *v)
{
    static char nm[16];
    snprintf(nm, sizeof nm, "w%d", g->n_inits++);
    int64_t d[1] = {n};
    mb_init(g->b, mb_tensor_raw(g->b, nm, 7, 1, d, v, (size_t)n * sizeof *v));
    return nm;
}

static void attr_string(Gen *g, Onnx__NodeProto *n, const char *name, const char *s)
{
    Onnx__AttributeProto *a = mb_attr(g->b, n, name, AT_STRING);
    a->has_s = 1;
    a->s = mb_bin(g->b, s);
}

static Onnx__NodeProto *node(Gen *g, const char *op, const char *in, const Val *y)
{
    return mb_node(g->b, op, node_name(g), in, y->name);
}

/* ---- activations ---- */

static Val *activation(Gen *g, Val *x)
{
    x->used = true;
    Val *y = new_val(g, x->rank, x->d);
    char in[64];
    /* the fast conv's epilogues (Relu, Sigmoid, SiLU) are cases 0-2 */
    switch (g->blocky && pick(g, 10) < 7 ? pick(g, 3) : pick(g, 8)) {
    case 0:
        node(g, "Relu", x->name, y);
        say(g, "+Relu");
        break;
    case 1:
        node(g, "Sigmoid", x->name, y);
        say(g, "+Sigmoid");
        break;
    case 2: {   /* SiLU as exporters write it: Mul(x, Sigmoid(x)), either order */
        Val *s = new_val(g, x->rank, x->d);
        s->used = true;
        node(g, "Sigmoid", x->name, s);
        bool swap = pick(g, 2);
        snprintf(in, sizeof in, "%s,%s", swap ? s->name : x->name, swap ? x->name : s->name);
        node(g, "Mul", in, y);
        say(g, "+SiLU");
        break;
    }
    case 3: {
        float alpha = dt_uniform(&g->rng, 0.01f, 0.3f);
        mb_attr_float(g->b, node(g, "LeakyRelu", x->name, y), "alpha", alpha);
        say(g, "+LeakyRelu(%.3g)", alpha);
        break;
    }
    case 4: {   /* Clip with min and max, max only (ReLU6-like) or min only */
        int form = pick(g, 3);
        float lo = form == 1 ? 0.0f : dt_uniform(&g->rng, -1.0f, 0.0f);
        float hi = form == 0 ? 6.0f : dt_uniform(&g->rng, 0.2f, 1.5f);
        char mn[16] = "", mx[16] = "";
        if (form != 1)
            snprintf(mn, sizeof mn, "%s", constant(g, 0, NULL, lo, lo));
        if (form != 2)
            snprintf(mx, sizeof mx, "%s", constant(g, 0, NULL, hi, hi));
        if (form == 2)
            snprintf(in, sizeof in, "%s,%s", x->name, mn);
        else
            snprintf(in, sizeof in, "%s,%s,%s", x->name, mn, mx);
        node(g, "Clip", in, y);
        say(g, "+Clip(%s)", form == 0 ? "min,6" : form == 1 ? "max" : "min");
        break;
    }
    case 5:
        node(g, "HardSwish", x->name, y);
        say(g, "+HardSwish");
        break;
    case 6: {
        float alpha = pick(g, 2) ? 0.2f : dt_uniform(&g->rng, 0.1f, 0.5f);
        float beta = pick(g, 2) ? 0.5f : dt_uniform(&g->rng, 0.2f, 0.8f);
        Onnx__NodeProto *n = node(g, "HardSigmoid", x->name, y);
        mb_attr_float(g->b, n, "alpha", alpha);
        mb_attr_float(g->b, n, "beta", beta);
        say(g, "+HardSigmoid(%.3g,%.3g)", alpha, beta);
        break;
    }
    default:
        node(g, "Tanh", x->name, y);
        say(g, "+Tanh");
        break;
    }
    return y;
}

/* ---- convolutions ---- */

/* One spatial dim of a window op: kernel k, stride s, dilation dl, pads pb, pe
 * chosen so that the dilated window fits the padded input of size h. */
typedef struct Win {
    int64_t k, s, dl, pb, pe;
} Win;

static Win window(Gen *g, int64_t h, int64_t kmax, bool pads_below_kernel, bool dilate)
{
    static const int ks[] = {1, 1, 2, 3, 3, 3, 4, 5, 5, 7};
    Win w;
    w.k = ks[pick(g, 10)];
    if (w.k > kmax)
        w.k = 1 + pick(g, (int)kmax);
    w.s = pick(g, 4) == 0 ? 2 + pick(g, 2) : 1;
    w.dl = dilate && pick(g, 5) == 0 ? 2 : 1;
    int64_t ext = w.dl * (w.k - 1) + 1;
    int64_t pmax = pads_below_kernel ? w.k - 1 : ext - 1;
    switch (pick(g, 3)) {
    case 0:                                    /* "same"-like */
        w.pb = w.pe = pmax < (ext - 1) / 2 ? pmax : (ext - 1) / 2;
        break;
    case 1:
        w.pb = w.pe = 0;
        break;
    default:                                   /* asymmetric */
        w.pb = pmax > 0 ? pick(g, (int)pmax + 1) : 0;
        w.pe = pmax > 0 ? pick(g, (int)pmax + 1) : 0;
        break;
    }
    while (w.dl * (w.k - 1) + 1 > h + w.pb + w.pe) {   /* shrink until it fits */
        if (w.dl > 1)
            w.dl = 1;
        else
            w.k--;
        if (pads_below_kernel) {
            if (w.pb > w.k - 1)
                w.pb = w.k - 1;
            if (w.pe > w.k - 1)
                w.pe = w.k - 1;
        }
    }
    return w;
}

static int64_t win_out(int64_t h, Win w)
{
    return (h + w.pb + w.pe - (w.dl * (w.k - 1) + 1)) / w.s + 1;
}

static void window_attrs(Gen *g, Onnx__NodeProto *n, const Win *wh, const Win *ww, bool dil)
{
    int64_t k[2] = {wh->k, ww->k}, s[2] = {wh->s, ww->s}, d[2] = {wh->dl, ww->dl};
    int64_t p[4] = {wh->pb, ww->pb, wh->pe, ww->pe};
    mb_attr_ints(g->b, n, "kernel_shape", 2, k);
    if (s[0] != 1 || s[1] != 1 || pick(g, 2))
        mb_attr_ints(g->b, n, "strides", 2, s);
    if (dil && (d[0] != 1 || d[1] != 1 || pick(g, 3) == 0))
        mb_attr_ints(g->b, n, "dilations", 2, d);
    if (p[0] || p[1] || p[2] || p[3] || pick(g, 2))
        mb_attr_ints(g->b, n, "pads", 4, p);
}

static Val *conv(Gen *g, Val *x)
{
    int64_t n = x->d[0], c = x->d[1], h = x->d[2], w = x->d[3];
    int64_t groups = 1, m;
    int r = pick(g, 10);
    if (r >= 6 && r < 8) {                      /* depthwise, maybe a channel multiplier */
        groups = c;
        m = c * (pick(g, 4) == 0 ? 2 : 1);
    } else if (r >= 8 && c > 2) {               /* grouped: a divisor of c */
        int64_t divs[32];
        int nd = 0;
        for (int64_t q = 2; q < c && nd < 32; q++)
            if (c % q == 0)
                divs[nd++] = q;
        groups = nd ? divs[pick(g, nd)] : 1;
        m = groups * (1 + pick(g, groups >= 16 ? 2 : (int)(33 / groups)));
    } else {
        m = chans[pick(g, N_CHANS)];
    }
    if (groups == 1)
        m = chans[pick(g, N_CHANS)];
    if (g->blocky && pick(g, 4) != 0) {
        groups = 1;
        m = 16 * (1 + pick(g, 3));
    }
    Win wh = window(g, h, 7, false, true), ww = pick(g, 3) ? window(g, w, 7, false, true) : wh;
    if (ww.dl * (ww.k - 1) + 1 > w + ww.pb + ww.pe)
        ww = window(g, w, 7, false, true);
    int ap = pick(g, 12);                           /* 0: SAME_UPPER, 1: SAME_LOWER, 2: VALID */
    int64_t oh, ow;
    if (ap == 2 && wh.dl * (wh.k - 1) + 1 <= h && ww.dl * (ww.k - 1) + 1 <= w) {
        oh = (h - (wh.dl * (wh.k - 1) + 1)) / wh.s + 1;
        ow = (w - (ww.dl * (ww.k - 1) + 1)) / ww.s + 1;
    } else if (ap < 2) {
        oh = (h + wh.s - 1) / wh.s;
        ow = (w + ww.s - 1) / ww.s;
    } else {
        ap = -1;
        oh = win_out(h, wh);
        ow = win_out(w, ww);
    }
    int64_t cost = n * m * oh * ow * (c / groups) * wh.k * ww.k;
    if (g->cost + cost > MAX_COST || n * m * oh * ow > MAX_ELEMS)
        return NULL;
    g->cost += cost;
    x->used = true;
    int64_t wd[4] = {m, c / groups, wh.k, ww.k};
    float a = sqrtf(3.0f / (float)(wd[1] * wd[2] * wd[3]));
    char in[64];
    const char *wn = constant(g, 4, wd, -a, a);
    bool bias = pick(g, 10) < 7;
    if (bias) {
        char wbuf[16];
        snprintf(wbuf, sizeof wbuf, "%s", wn);
        int64_t bd[1] = {m};
        snprintf(in, sizeof in, "%s,%s,%s", x->name, wbuf, constant(g, 1, bd, -0.5f, 0.5f));
    } else {
        snprintf(in, sizeof in, "%s,%s", x->name, wn);
    }
    int64_t yd[4] = {n, m, oh, ow};
    Val *y = new_val(g, 4, yd);
    Onnx__NodeProto *nd = node(g, "Conv", in, y);
    if (ap >= 0) {
        int64_t k[2] = {wh.k, ww.k}, s[2] = {wh.s, ww.s}, d[2] = {wh.dl, ww.dl};
        mb_attr_ints(g->b, nd, "kernel_shape", 2, k);
        mb_attr_ints(g->b, nd, "strides", 2, s);
        if (ap == 2)
            mb_attr_ints(g->b, nd, "dilations", 2, d);
        else
            wh.dl = ww.dl = 1;   /* dilations not written: 1 */
        attr_string(g, nd, "auto_pad", ap == 0 ? "SAME_UPPER" : ap == 1 ? "SAME_LOWER" : "VALID");
        say(g, " Conv(k%lldx%lld s%lldx%lld d%lldx%lld %s g%lld %lld->%lld%s)", (long long)wh.k,
            (long long)ww.k, (long long)wh.s, (long long)ww.s, (long long)wh.dl, (long long)ww.dl,
            ap == 0 ? "SAME_UPPER" : ap == 1 ? "SAME_LOWER" : "VALID", (long long)groups,
            (long long)c, (long long)m, bias ? " bias" : "");
    } else {
        window_attrs(g, nd, &wh, &ww, true);
        say(g, " Conv(k%lldx%lld s%lldx%lld d%lldx%lld p%lld,%lld,%lld,%lld g%lld %lld->%lld%s)",
            (long long)wh.k, (long long)ww.k, (long long)wh.s, (long long)ww.s, (long long)wh.dl,
            (long long)ww.dl, (long long)wh.pb, (long long)ww.pb, (long long)wh.pe,
            (long long)ww.pe, (long long)groups, (long long)c, (long long)m, bias ? " bias" : "");
    }
    if (groups > 1 || pick(g, 4) == 0)
        mb_attr_int(g->b, nd, "group", groups);
    if (pick(g, 10) < 6)
        y = activation(g, y);
    return y;
}

static Val *conv_transpose(Gen *g, Val *x)
{
    int64_t n = x->d[0], c = x->d[1], h = x->d[2], w = x->d[3];
    int64_t groups = pick(g, 4) == 0 ? c : 1;
    int64_t m = groups == c ? c : chans[pick(g, N_CHANS)];
    int64_t k[2], s[2], dl[2], pb[2], pe[2], op[2], o[2], in_hw[2] = {h, w};
    for (int i = 0; i < 2; i++) {
        k[i] = 1 + pick(g, 4);
        s[i] = 1 + pick(g, 3);
        dl[i] = pick(g, 6) == 0 ? 2 : 1;
        op[i] = pick(g, 3) == 0 ? pick(g, (int)(s[i] > dl[i] ? s[i] : dl[i])) : 0;
        int64_t ext = dl[i] * (k[i] - 1) + 1;
        pb[i] = pick(g, 2) ? pick(g, (int)ext) : 0;
        pe[i] = pick(g, 2) ? pick(g, (int)ext) : 0;
        o[i] = s[i] * (in_hw[i] - 1) + op[i] + ext - pb[i] - pe[i];
        if (o[i] < 1) {
            pb[i] = pe[i] = 0;
            o[i] = s[i] * (in_hw[i] - 1) + op[i] + ext;
        }
    }
    int64_t cost = n * c * h * w * (m / groups) * k[0] * k[1];
    if (g->cost + cost > MAX_COST || n * m * o[0] * o[1] > MAX_ELEMS || o[0] > 64 || o[1] > 64)
        return NULL;
    g->cost += cost;
    x->used = true;
    int64_t wd[4] = {c, m / groups, k[0], k[1]};
    float a = sqrtf(3.0f / (float)(c / groups * k[0] * k[1]));
    char in[64], wb[16];
    snprintf(wb, sizeof wb, "%s", constant(g, 4, wd, -a, a));
    bool bias = pick(g, 2);
    int64_t bd[1] = {m};
    if (bias)
        snprintf(in, sizeof in, "%s,%s,%s", x->name, wb, constant(g, 1, bd, -0.5f, 0.5f));
    else
        snprintf(in, sizeof in, "%s,%s", x->name, wb);
    int64_t yd[4] = {n, m, o[0], o[1]};
    Val *y = new_val(g, 4, yd);
    Onnx__NodeProto *nd = node(g, "ConvTranspose", in, y);
    int64_t p[4] = {pb[0], pb[1], pe[0], pe[1]};
    mb_attr_ints(g->b, nd, "kernel_shape", 2, k);
    mb_attr_ints(g->b, nd, "strides", 2, s);
    mb_attr_ints(g->b, nd, "dilations", 2, dl);
    mb_attr_ints(g->b, nd, "pads", 4, p);
    if (op[0] || op[1])
        mb_attr_ints(g->b, nd, "output_padding", 2, op);
    if (groups > 1)
        mb_attr_int(g->b, nd, "group", groups);
    say(g, " ConvTranspose(k%lldx%lld s%lldx%lld d%lldx%lld p%lld,%lld,%lld,%lld op%lld,%lld g%lld "
           "%lld->%lld%s)", (long long)k[0], (long long)k[1], (long long)s[0], (long long)s[1],
        (long long)dl[0], (long long)dl[1], (long long)pb[0], (long long)pb[1], (long long)pe[0],
        (long long)pe[1], (long long)op[0], (long long)op[1], (long long)groups, (long long)c,
        (long long)m, bias ? " bias" : "");
    if (pick(g, 10) < 5)
        y = activation(g, y);
    return y;
}

/* ---- pooling, resizing ---- */

static Val *pool(Gen *g, Val *x, bool max)
{
    int64_t h = x->d[2], w = x->d[3];
    Win wh = window(g, h, 3, true, max), ww = pick(g, 2) ? window(g, w, 3, true, max) : wh;
    if (ww.dl * (ww.k - 1) + 1 > w + ww.pb + ww.pe)
        ww = window(g, w, 3, true, max);
    bool ceil_mode = pick(g, 5) == 0;
    int64_t o[2];
    const Win *ws[2] = {&wh, &ww};
    int64_t hw[2] = {h, w};
    for (int i = 0; i < 2; i++) {
        int64_t span = hw[i] + ws[i]->pb + ws[i]->pe - (ws[i]->dl * (ws[i]->k - 1) + 1);
        o[i] = (ceil_mode ? (span + ws[i]->s - 1) / ws[i]->s : span / ws[i]->s) + 1;
        if (ceil_mode && (o[i] - 1) * ws[i]->s >= hw[i] + ws[i]->pb)
            o[i]--;                             /* the last window must start inside */
    }
    x->used = true;
    int64_t yd[4] = {x->d[0], x->d[1], o[0], o[1]};
    Val *y = new_val(g, 4, yd);
    Onnx__NodeProto *nd = node(g, max ? "MaxPool" : "AveragePool", x->name, y);
    window_attrs(g, nd, &wh, &ww, max);
    if (ceil_mode)
        mb_attr_int(g->b, nd, "ceil_mode", 1);
    bool cip = !max && pick(g, 2);
    if (cip)
        mb_attr_int(g->b, nd, "count_include_pad", 1);
    say(g, " %s(k%lldx%lld s%lldx%lld d%lldx%lld p%lld,%lld,%lld,%lld%s%s)",
        max ? "MaxPool" : "AveragePool", (long long)wh.k, (long long)ww.k, (long long)wh.s,
        (long long)ww.s, (long long)wh.dl, (long long)ww.dl, (long long)wh.pb, (long long)ww.pb,
        (long long)wh.pe, (long long)ww.pe, ceil_mode ? " ceil" : "", cip ? " count_pad" : "");
    return y;
}

static Val *global_pool(Gen *g, Val *x)
{
    x->used = true;
    int64_t yd[4] = {x->d[0], x->d[1], 1, 1};
    Val *y = new_val(g, 4, yd);
    node(g, "GlobalAveragePool", x->name, y);
    say(g, " GlobalAveragePool");
    return y;
}

static Val *resize(Gen *g, Val *x)
{
    static const float scales[] = {2.0f, 2.0f, 2.0f, 3.0f, 0.5f, 1.5f};
    float sh = scales[pick(g, 6)], sw = pick(g, 3) ? sh : scales[pick(g, 6)];
    int64_t oh = (int64_t)floorf((float)x->d[2] * sh), ow = (int64_t)floorf((float)x->d[3] * sw);
    if (oh < 1 || ow < 1 || oh > 48 || ow > 48 || numel(4, x->d) / x->d[2] / x->d[3] * oh * ow > MAX_ELEMS)
        return NULL;
    bool linear = pick(g, 5) < 2;
    static const char *near_ctm[] = {"asymmetric", "half_pixel", "align_corners", "pytorch_half_pixel"};
    static const char *near_mode[] = {"floor", "round_prefer_floor", "round_prefer_ceil", "ceil"};
    const char *ctm = linear ? near_ctm[pick(g, 4)] : near_ctm[pick(g, 3) ? 0 : 1 + pick(g, 3)];
    const char *nm = linear ? "" : near_mode[pick(g, 3) ? 0 : 1 + pick(g, 3)];
    x->used = true;
    int64_t yd[4] = {x->d[0], x->d[1], oh, ow};
    Val *y = new_val(g, 4, yd);
    char in[64];
    bool sizes = pick(g, 4) == 0;
    if (sizes) {
        snprintf(in, sizeof in, "%s,,,%s", x->name, int64s(g, 4, yd));
    } else {
        float sc[4] = {1.0f, 1.0f, sh, sw};
        int64_t sd[1] = {4};
        char sn[16];
        snprintf(sn, sizeof sn, "w%d", g->n_inits++);
        mb_init(g->b, mb_tensor_raw(g->b, sn, 1, 1, sd, sc, sizeof sc));
        snprintf(in, sizeof in, "%s,,%s", x->name, sn);
    }
    Onnx__NodeProto *nd = node(g, "Resize", in, y);
    attr_string(g, nd, "mode", linear ? "linear" : "nearest");
    attr_string(g, nd, "coordinate_transformation_mode", ctm);
    if (!linear)
        attr_string(g, nd, "nearest_mode", nm);
    say(g, " Resize(%s %s%s%s %s %gx%g)", linear ? "linear" : "nearest", ctm, linear ? "" : " ", nm,
        sizes ? "sizes" : "scales", (double)sh, (double)sw);
    return y;
}

/* ---- joins ---- */

/* A value of rank 4 with x's batch and spatial dims, or NULL. */
static Val *same_spatial(Gen *g, const Val *x)
{
    int cand[MAX_VALS], nc = 0;
    for (int i = 0; i < g->nv; i++)
        if (g->v[i].rank == 4 && g->v[i].d[0] == x->d[0] && g->v[i].d[2] == x->d[2] &&
            g->v[i].d[3] == x->d[3])
            cand[nc++] = i;
    return nc ? &g->v[cand[pick(g, nc)]] : NULL;
}

static Val *concat(Gen *g, Val *x)
{
    Val *ins[3] = {x, same_spatial(g, x), NULL};
    int k = 2;
    if (pick(g, 3) == 0)
        ins[k++] = same_spatial(g, x);
    if (pick(g, 2)) {                               /* x need not come first */
        Val *t = ins[0];
        ins[0] = ins[1];
        ins[1] = t;
    }
    int64_t yd[4] = {x->d[0], 0, x->d[2], x->d[3]};
    char in[64] = "";
    for (int i = 0; i < k; i++) {
        ins[i]->used = true;
        yd[1] += ins[i]->d[1];
        snprintf(in + strlen(in), sizeof in - strlen(in), "%s%s", i ? "," : "", ins[i]->name);
    }
    if (numel(4, yd) > MAX_ELEMS)
        return NULL;
    Val *y = new_val(g, 4, yd);
    mb_attr_int(g->b, node(g, "Concat", in, y), "axis", pick(g, 2) ? 1 : -3);
    say(g, " Concat(%d inputs, %lld ch)", k, (long long)yd[1]);
    return y;
}

/* Add, Mul or Sub of x and a second operand: a broadcast constant, a value
 * of the same shape, or a new graph input. */
static Val *binary(Gen *g, Val *x)
{
    static const char *ops[] = {"Add", "Add", "Mul", "Sub"};
    const char *op = ops[pick(g, 4)];
    char other[16];
    const char *what;
    int r = pick(g, 10);
    if (r < 5) {
        int64_t bd[4];
        int br;
        int64_t n = x->d[0], c = x->d[1];
        if (x->rank == 2) {
            switch (pick(g, 4)) {
            case 0: br = 1; bd[0] = x->d[1]; what = "const[F]"; break;
            case 1: br = 2; bd[0] = 1; bd[1] = x->d[1]; what = "const[1,F]"; break;
            case 2: br = 0; what = "const[]"; break;
            default: br = 2; bd[0] = n; bd[1] = x->d[1]; what = "const[N,F]"; break;
            }
        } else {
            int64_t h = x->d[2], w = x->d[3];
            switch (pick(g, 8)) {
            case 0: br = 4; bd[0] = 1; bd[1] = c; bd[2] = 1; bd[3] = 1; what = "const[1,C,1,1]"; break;
            case 1: br = 3; bd[0] = c; bd[1] = 1; bd[2] = 1; what = "const[C,1,1]"; break;
            case 2: br = 4; bd[0] = 1; bd[1] = 1; bd[2] = 1; bd[3] = w; what = "const[1,1,1,W]"; break;
            case 3: br = 1; bd[0] = w; what = "const[W]"; break;
            case 4: br = 0; what = "const[]"; break;
            case 5: br = 2; bd[0] = h; bd[1] = 1; what = "const[H,1]"; break;
            case 6: br = 3; bd[0] = c; bd[1] = h; bd[2] = w; what = "const[C,H,W]"; break;
            default: br = 4; bd[0] = n; bd[1] = c; bd[2] = h; bd[3] = w; what = "const[N,C,H,W]"; break;
            }
        }
        bool mul = op[0] == 'M';
        snprintf(other, sizeof other, "%s", constant(g, br, bd, mul ? 0.5f : -1.0f, mul ? 1.5f : 1.0f));
    } else if (r < 8 || x->rank != 4) {
        Val *o = NULL;
        for (int i = g->nv - 1; i >= 0 && !o; i--)
            if (&g->v[i] != x && g->v[i].rank == x->rank && !memcmp(g->v[i].d, x->d, sizeof x->d))
                o = &g->v[i];
        if (!o || pick(g, 4) == 0) {                /* a second graph input of x's shape */
            o = new_val(g, x->rank, x->d);
            o->input = true;
            snprintf(o->name, sizeof o->name, "x%d", g->n_inputs++);
            mb_input(g->b, o->name, 1, x->rank, x->d, NULL);
            what = "input";
        } else {
            what = "value";
        }
        o->used = true;
        snprintf(other, sizeof other, "%s", o->name);
    } else {                                     /* [N,C,1,1] from a pooled branch */
        Val *p = global_pool(g, x);
        p->used = true;
        snprintf(other, sizeof other, "%s", p->name);
        what = "pooled";
    }
    x->used = true;
    Val *y = new_val(g, x->rank, x->d);
    char in[40];
    bool swap = pick(g, 2);
    snprintf(in, sizeof in, "%s,%s", swap ? other : x->name, swap ? x->name : other);
    node(g, op, in, y);
    say(g, " %s(%s%s)", op, what, swap ? ", swapped" : "");
    return y;
}

/* Squeeze-excitation: x * Sigmoid(Conv1x1(GlobalAveragePool(x))). */
static Val *squeeze_excite(Gen *g, Val *x)
{
    Val *p = global_pool(g, x);
    p->used = true;
    int64_t c = x->d[1];
    int64_t wd[4] = {c, c, 1, 1};
    float a = sqrtf(3.0f / (float)c);
    char in[64], wb[16];
    snprintf(wb, sizeof wb, "%s", constant(g, 4, wd, -a, a));
    int64_t bd[1] = {c};
    snprintf(in, sizeof in, "%s,%s,%s", p->name, wb, constant(g, 1, bd, -0.5f, 0.5f));
    Val *e = new_val(g, 4, p->d);
    node(g, "Conv", in, e);
    e->used = true;
    Val *s = new_val(g, 4, p->d);
    node(g, "Sigmoid", e->name, s);
    s->used = true;
    x->used = true;
    Val *y = new_val(g, 4, x->d);
    snprintf(in, sizeof in, "%s,%s", x->name, s->name);
    node(g, "Mul", in, y);
    g->cost += c * c * x->d[0];
    say(g, " SE(1x1 %lld)", (long long)c);
    return y;
}

/* ---- dense ---- */

static Val *flatten(Gen *g, Val *x)
{
    x->used = true;
    int64_t yd[2] = {x->d[0], x->d[1] * x->d[2] * x->d[3]};
    Val *y = new_val(g, 2, yd);
    mb_attr_int(g->b, node(g, "Flatten", x->name, y), "axis", 1);
    say(g, " Flatten");
    return y;
}

static Val *dense(Gen *g, Val *x)
{
    int64_t n = x->d[0], f = x->d[1], m = chans[pick(g, N_CHANS)];
    if (g->cost + n * f * m > MAX_COST)
        return NULL;
    g->cost += n * f * m;
    x->used = true;
    bool gemm = pick(g, 3) != 0, tb = gemm && pick(g, 2);
    int64_t wd[2] = {tb ? m : f, tb ? f : m};
    float a = sqrtf(3.0f / (float)f);
    char in[64], wb[16];
    snprintf(wb, sizeof wb, "%s", constant(g, 2, wd, -a, a));
    int64_t yd[2] = {n, m};
    Val *y = new_val(g, 2, yd);
    if (!gemm) {
        snprintf(in, sizeof in, "%s,%s", x->name, wb);
        node(g, "MatMul", in, y);
        say(g, " MatMul(%lld->%lld)", (long long)f, (long long)m);
    } else {
        int cf = pick(g, 4);                        /* C: none, [M], [1,M], [N,M] */
        int64_t cd[2] = {cf == 3 ? n : 1, m};
        if (cf == 0)
            snprintf(in, sizeof in, "%s,%s", x->name, wb);
        else
            snprintf(in, sizeof in, "%s,%s,%s", x->name, wb,
                     cf == 1 ? constant(g, 1, cd + 1, -0.5f, 0.5f) : constant(g, 2, cd, -0.5f, 0.5f));
        Onnx__NodeProto *nd = node(g, "Gemm", in, y);
        float alpha = pick(g, 2) ? 1.0f : dt_uniform(&g->rng, 0.5f, 1.5f);
        float beta = pick(g, 2) ? 1.0f : dt_uniform(&g->rng, 0.5f, 1.5f);
        if (alpha != 1.0f)
            mb_attr_float(g->b, nd, "alpha", alpha);
        if (beta != 1.0f)
            mb_attr_float(g->b, nd, "beta", beta);
        if (tb || pick(g, 4) == 0)
            mb_attr_int(g->b, nd, "transB", tb);
        say(g, " Gemm(%lld->%lld%s C%d a%.3g b%.3g)", (long long)f, (long long)m, tb ? " transB" : "",
            cf, (double)alpha, (double)beta);
    }
    if (pick(g, 2))
        y = activation(g, y);
    return y;
}

static Val *matmul4d(Gen *g, Val *x)
{
    static const int ks[] = {1, 3, 8, 16, 17};
    int64_t k = ks[pick(g, 5)], w = x->d[3];
    int64_t yd[4] = {x->d[0], x->d[1], x->d[2], k};
    if (numel(4, yd) > MAX_ELEMS || g->cost + numel(4, yd) * w > MAX_COST)
        return NULL;
    g->cost += numel(4, yd) * w;
    x->used = true;
    int64_t wd[2] = {w, k};
    float a = sqrtf(3.0f / (float)w);
    char in[64], wb[16];
    snprintf(wb, sizeof wb, "%s", constant(g, 2, wd, -a, a));
    Val *y = new_val(g, 4, yd);
    snprintf(in, sizeof in, "%s,%s", x->name, wb);
    node(g, "MatMul", in, y);
    say(g, " MatMul4d(%lld->%lld)", (long long)w, (long long)k);
    return y;
}

/* ---- the model ---- */

static Val *step(Gen *g, Val *x)
{
    if (x->rank == 2) {
        int r = pick(g, 10);
        return r < 6 ? dense(g, x) : r < 8 ? activation(g, x) : binary(g, x);
    }
    int r = pick(g, 100);
    if (g->blocky) {   /* conv chains with blocked pooling, resizing and elementwise ops */
        if (r < 50) return conv(g, x);
        if (r < 62) return pool(g, x, true);
        if (r < 72) return resize(g, x);
        if (r < 82) return binary(g, x);
        if (r < 90) return activation(g, x);
        if (r < 95) return concat(g, x);
        r = pick(g, 100);
    }
    if (r < 34) return conv(g, x);
    if (r < 40) return conv_transpose(g, x);
    if (r < 47) return pool(g, x, true);
    if (r < 53) return pool(g, x, false);
    if (r < 55) return global_pool(g, x);
    if (r < 62) return resize(g, x);
    if (r < 69) return concat(g, x);
    if (r < 80) return binary(g, x);
    if (r < 86) return activation(g, x);
    if (r < 90) return squeeze_excite(g, x);
    if (r < 95) return x->d[1] * x->d[2] * x->d[3] <= 8192 ? flatten(g, x) : NULL;
    return matmul4d(g, x);
}

void dt_generate(uint64_t seed, DtModel *m)
{
    Gen *g = calloc(1, sizeof *g);
    assert_non_null(g);
    memset(m, 0, sizeof *m);
    g->rng = seed;
    g->b = mb_new(17);
    g->sum = m->summary;
    g->sum_cap = sizeof m->summary;
    static const int in_chans[] = {1, 3, 3, 8, 15, 16, 16, 17, 32};
    int64_t d[4] = {pick(g, 6) == 0 ? 2 : 1, in_chans[pick(g, 9)], 1 + pick(g, 16), 1 + pick(g, 16)};
    if (pick(g, 4) == 0)                         /* some square inputs, some larger */
        d[3] = d[2] = 4 + pick(g, 20);
    Val *x = new_val(g, 4, d);
    snprintf(x->name, sizeof x->name, "x%d", g->n_inputs++);
    x->input = true;
    mb_input(g->b, x->name, 1, 4, d, NULL);
    say(g, "x[%lld,%lld,%lld,%lld]", (long long)d[0], (long long)d[1], (long long)d[2],
        (long long)d[3]);
    g->blocky = pick(g, 2);
    int steps = 1 + pick(g, 6) + g->blocky, done = 0;
    for (int tries = 0; done < steps && tries < 40 && g->nv < MAX_VALS - 8 && g->b->g.n_node < 24 &&
                        g->n_inits < 24; tries++) {
        Val *from = x;
        if (pick(g, 5) == 0) {                   /* branch off an older value */
            int i = pick(g, g->nv);
            if (!g->v[i].input || pick(g, 2))
                from = &g->v[i];
        }
        Val *y = step(g, from);
        if (y) {
            x = y;
            done++;
            say(g, ";");
        }
    }
    if (g->b->g.n_node == 0) {                   /* at least one node */
        x = activation(g, x);
        say(g, ";");
    }
    /* every value nobody reads is an output, the newest first, at most 3 */
    int n_out = 0;
    for (int i = g->nv - 1; i >= 0 && n_out < 3; i--)
        if (!g->v[i].used && !g->v[i].input) {
            mb_output(g->b, g->v[i].name, 1);
            n_out++;
        }
    m->b = g->b;
    m->bytes = mb_pack(g->b, &m->len);
    free(g);
}

void dt_model_free(DtModel *m)
{
    if (m->b)
        mb_free(m->b);
    m->b = NULL;
}
