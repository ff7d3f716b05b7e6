/* SPDX-License-Identifier: MIT */
/*
 * emit_fast.c - the fast-kernel lowering of codegen: which nodes run a fast
 * kernel, which tensors are stored channel-blocked, and the packed weights.
 *
 * Layout pass: tensors that must share a layout (a MaxPool's or Resize's input
 * and output, the operands and result of a same-shape elementwise op) are
 * joined into classes (union-find). A class is stored blocked, (n, c/16, h, w,
 * 16), when every tensor in it is an intermediate f32 NCHW tensor with c % 16
 * == 0, and every node reading or writing it can handle that layout: a Conv
 * that runs the fast kernel (it reads either layout and writes either), a
 * MaxPool, a nearest Resize, a same-shape Add/Sub/Mul/Div or Relu/Sigmoid (the
 * flat elementwise loop does not care about the order of elements). Every op
 * not listed here keeps its tensors NCHW, so the model's inputs and outputs
 * and every new op stay NCHW without any change to this file.
 * Kernel choice: Conv with group 1 and m % 16 == 0 runs rt_conv_fast_body
 * (weights packed (m/16, c, kh, kw, 16)); Conv with m < 16 reading a blocked
 * input runs rt_conv_reduce_body (weights packed (m, c/16, kh, kw, 16)); both
 * need constant weights. Packing only permutes the float bit patterns.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cg_internal.h"

static int find(int *parent, int t)
{
    while (parent[t] != t) {
        parent[t] = parent[parent[t]];
        t = parent[t];
    }
    return t;
}

static void join(int *parent, int a, int b)
{
    a = find(parent, a);
    b = find(parent, b);
    if (a != b)
        parent[a < b ? b : a] = a < b ? a : b;
}

/* An intermediate f32 tensor of rank 4 whose channels split into blocks of 16. */
static bool blockable(const Tensor *t)
{
    return t->kind == TK_VALUE && !t->is_output && t->dtype == DT_F32 && t->rank == 4 &&
           t->dims[1] > 0 && t->dims[1] % 16 == 0;
}

static bool same_shape(const Tensor *a, const Tensor *b)
{
    if (a->rank != b->rank)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return false;
    return true;
}

/* Whether MaxPool / Resize / Upsample node n has a blocked kernel: 2-D only,
 * and for Resize nearest mode without cropping (extrapolation). */
static bool window_blockable(const Graph *g, const Node *n)
{
    Diag scratch = {0};
    if (g->tensors[n->in[0]].rank != 4)
        return false;
    if (n->op == OP_MAXPOOL) {
        ConvGeom q;
        return ir_pool_geom(g, n, &q, &scratch);
    }
    ResizeGeom r;
    return ir_resize_geom(g, n, &r, &scratch) && r.mode == RM_NEAREST &&
           r.coord != RC_TF_CROP_AND_RESIZE;
}

/* Which fast conv node n could run, from its attributes and shapes alone:
 * CG_FAST_CONV (any input layout), CG_FAST_REDUCE (blocked input only) or none. */
static CgFastKind conv_candidate(const Graph *g, const Node *n)
{
    ConvGeom q;
    Diag scratch = {0};
    if (!ir_conv_geom(g, n, &q, &scratch) || q.group != 1 || n->n_in < 2)
        return CG_FAST_NONE;
    /* rt_v_act (rt_vec.h) knows these epilogues; any other stays on the reference */
    if (n->act != ACT_NONE && n->act != ACT_RELU && n->act != ACT_SIGMOID && n->act != ACT_SILU)
        return CG_FAST_NONE;
    const Tensor *w = &g->tensors[n->in[1]];
    if (w->kind != TK_CONST || !w->data || g->tensors[n->in[0]].rank != 4)
        return CG_FAST_NONE;
    if (q.m % 16 == 0)
        return CG_FAST_CONV;
    if (q.m < 16 && q.c % 16 == 0)
        return CG_FAST_REDUCE;
    return CG_FAST_NONE;
}

bool cg_fast_plan(const Graph *g, bool enable, bool allow_blocked, CgFast *f, Diag *d)
{
    size_t nt = (size_t)g->n_tensors + 1;
    f->blocked = calloc(nt, sizeof *f->blocked);
    f->kind = calloc((size_t)g->n_nodes + 1, sizeof *f->kind);
    int *parent = malloc(nt * sizeof *parent);
    bool *bad = calloc(nt, sizeof *bad);
    if (!f->blocked || !f->kind || !parent || !bad) {
        free(parent);
        free(bad);
        return diag_fail(d, ST_NOMEM, NULL, "out of memory");
    }
    for (int t = 0; t < g->n_tensors; t++) {
        parent[t] = t;
        bad[t] = !enable || !allow_blocked || !blockable(&g->tensors[t]);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        int x = n->n_in > 0 ? n->in[0] : -1, y = n->n_out > 0 ? n->out[0] : -1;
        bool handled = false;
        if (n->op == OP_CONV && x >= 0 && y >= 0) {
            CgFastKind k = conv_candidate(g, n);
            handled = true;
            if (k == CG_FAST_NONE)
                bad[x] = true;
            if (k != CG_FAST_CONV)
                bad[y] = true;
            for (int a = 1; a < n->n_in; a++)
                if (n->in[a] >= 0)
                    bad[n->in[a]] = true;
        } else if ((((n->op == OP_MAXPOOL || n->op == OP_RESIZE || n->op == OP_UPSAMPLE) &&
                     x >= 0 && window_blockable(g, n)) ||
                    n->op == OP_RELU || n->op == OP_SIGMOID) && x >= 0 && y >= 0) {
            handled = true;
            join(parent, x, y);
            for (int a = 1; a < n->n_in; a++)   /* scales, sizes: constants, never blocked */
                if (n->in[a] >= 0)
                    bad[n->in[a]] = true;
            for (int o = 1; o < n->n_out; o++)  /* MaxPool's Indices */
                if (n->out[o] >= 0)
                    bad[n->out[o]] = true;
        } else if ((n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL || n->op == OP_DIV) &&
                   n->n_in == 2 && x >= 0 && n->in[1] >= 0 && y >= 0 &&
                   same_shape(&g->tensors[x], &g->tensors[y]) &&
                   same_shape(&g->tensors[n->in[1]], &g->tensors[y])) {
            handled = true;
            join(parent, x, y);
            join(parent, n->in[1], y);
        }
        if (!handled) {
            for (int a = 0; a < n->n_in; a++)
                if (n->in[a] >= 0)
                    bad[n->in[a]] = true;
            for (int o = 0; o < n->n_out; o++)
                if (n->out[o] >= 0)
                    bad[n->out[o]] = true;
        }
    }
    for (int t = 0; t < g->n_tensors; t++)
        if (bad[t])
            bad[find(parent, t)] = true;
    for (int t = 0; t < g->n_tensors; t++)
        f->blocked[t] = !bad[find(parent, t)];

    for (int i = 0; i < g->n_nodes && enable; i++) {
        const Node *n = &g->nodes[i];
        if (n->op == OP_CONV) {
            CgFastKind k = conv_candidate(g, n);
            if (k == CG_FAST_REDUCE && !f->blocked[n->in[0]])
                k = CG_FAST_NONE;
            f->kind[i] = (unsigned char)k;
        } else if (n->op == OP_MAXPOOL && f->blocked[n->in[0]]) {
            f->kind[i] = CG_FAST_POOL;
        } else if ((n->op == OP_RESIZE || n->op == OP_UPSAMPLE) && f->blocked[n->in[0]]) {
            f->kind[i] = CG_FAST_RESIZE;
        }
    }
    free(parent);
    free(bad);
    return true;
}

void cg_fast_free(CgFast *f)
{
    free(f->blocked);
    free(f->kind);
    f->blocked = NULL;
    f->kind = NULL;
}

bool cg_fast_emit_weights(const CgFast *f, const Graph *g, FILE *c, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        if (f->kind[i] != CG_FAST_CONV && f->kind[i] != CG_FAST_REDUCE)
            continue;
        const Node *n = &g->nodes[i];
        const Tensor *w = &g->tensors[n->in[1]];
        const int64_t m = w->dims[0], cc = w->dims[1], taps = w->dims[2] * w->dims[3];
        const int64_t ne = ir_numel(w);
        const unsigned char *src = w->data;
        unsigned char *u = calloc((size_t)ne + 1, 4);
        if (!u)
            return diag_fail(d, ST_NOMEM, NULL, "out of memory");
        /* moves each float's 4 little-endian bytes: the bit patterns stay exact */
        for (int64_t om = 0; om < m; om++)
            for (int64_t ic = 0; ic < cc; ic++)
                for (int64_t t = 0; t < taps; t++) {
                    int64_t dst = f->kind[i] == CG_FAST_CONV
                        ? (((om / 16) * cc + ic) * taps + t) * 16 + om % 16
                        : ((om * (cc / 16) + ic / 16) * taps + t) * 16 + ic % 16;
                    memcpy(u + 4 * dst, src + 4 * ((om * cc + ic) * taps + t), 4);
                }
        char q[CG_QUOTE_MAX * 4 + 16], ident[32];
        cg_quote(w->name, CG_QUOTE_MAX, q, sizeof q);
        fprintf(c, "\n/* %s of node %d, packed %s */\n", q, i,
                f->kind[i] == CG_FAST_CONV ? "(m/16, c, kh, kw, 16)" : "(m, c/16, kh, kw, 16)");
        snprintf(ident, sizeof ident, "wp_%d", i);
        cg_emit_blob(c, ident, "float", 4, u, 4 * (size_t)ne);
        free(u);
    }
    return true;
}

bool cg_fast_emit_call(const CgFast *f, const Graph *g, int i, bool has_bias, FILE *c)
{
    const Node *n = &g->nodes[i];
    int x = n->in[0], y = n->out[0];
    switch ((CgFastKind)f->kind[i]) {
    case CG_FAST_CONV:
        fprintf(c, "    rt_conv_fast_body(y, x, w, %s, &p, %d, %d);\n", has_bias ? "b" : "NULL",
                f->blocked[x] ? 1 : 0, f->blocked[y] ? 1 : 0);
        return true;
    case CG_FAST_REDUCE:
        fprintf(c, "    rt_conv_reduce_body(y, x, w, %s, &p);\n", has_bias ? "b" : "NULL");
        return true;
    case CG_FAST_POOL:
        fputs("    rt_maxpool2d_blocked_f32(y, x, &p);\n", c);
        return true;
    case CG_FAST_RESIZE:
        fputs("    rt_resize_nearest_blocked_f32(y, x, &p);\n", c);
        return true;
    case CG_FAST_NONE:
        break;
    }
    return false;
}
