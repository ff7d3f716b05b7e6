/* SPDX-License-Identifier: MIT */
/*
 * fold_batchnorm.c - folds an inference BatchNormalization into the Conv or
 * ConvTranspose that produces its input.
 *
 * BN(y)[m] = (y[m] - mean[m]) * k[m] + beta[m] with k = scale / sqrt(var + eps),
 * and y = W * x + b is linear in W and b, so the pair equals one convolution
 * with W'[m] = W[m] * k[m] and b'[m] = (b[m] - mean[m]) * k[m] + beta[m]
 * (ConvTranspose: output channel m is column m % (M/group) of input-channel
 * block m / (M/group) of W). Folded when W, b (if any) and the four BN inputs
 * are constants, the conv output is read by the BN only and is no graph
 * output, the BN's extra (training) outputs are unused and the conv has no
 * fused activation yet. The new weights are new constants (computed in double,
 * rounded once); the conv writes the BN's output and the BN node is removed.
 */
#include "passes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const Tensor *in_t(const Graph *g, const Node *n, int k)
{
    return k < n->n_in && n->in[k] >= 0 ? &g->tensors[n->in[k]] : NULL;
}

static bool const_f32(const Tensor *t, int64_t numel)
{
    return t && t->kind == TK_CONST && t->dtype == DT_F32 && ir_numel(t) == numel;
}

/* Folds BN node b into conv node c; false with d filled only on OOM. */
static bool fold_pair(Graph *g, int ci, int bi, bool *done, Diag *d)
{
    Node *c = &g->nodes[ci];
    const Node *b = &g->nodes[bi];
    const Tensor *w = in_t(g, c, 1), *bias = in_t(g, c, 2);
    bool transpose = c->op == OP_CONV_TRANSPOSE;
    *done = false;
    if (!w || w->kind != TK_CONST || w->dtype != DT_F32 || w->rank < 3)
        return true;
    int64_t group = 1;
    Diag ignore = {0};
    if (!ir_attr_int(c, "group", 1, &group, &ignore) || group < 1)
        return true;
    int64_t m = transpose ? w->dims[1] * group : w->dims[0];
    float eps = 1e-5f;
    int64_t training = 0;
    if (!ir_attr_float(b, "epsilon", 1e-5f, &eps, &ignore) ||
        !ir_attr_int(b, "training_mode", 0, &training, &ignore) || training)
        return true;
    for (int k = 1; k < 5; k++)
        if (!const_f32(in_t(g, b, k), m))
            return true;
    if (bias && !const_f32(bias, m))
        return true;
    const float *ws = w->data, *bs = bias ? bias->data : NULL;
    const float *scale = in_t(g, b, 1)->data, *beta = in_t(g, b, 2)->data;
    const float *mean = in_t(g, b, 3)->data, *var = in_t(g, b, 4)->data;
    int64_t nw = ir_numel(w), kvol = nw / (w->dims[0] * w->dims[1]);
    int64_t cin_per_group = w->dims[0] / group;
    float *nwv = arena_calloc(g->arena, (size_t)nw, sizeof(float));
    float *nbv = arena_calloc(g->arena, (size_t)m, sizeof(float));
    if (!nwv || !nbv)
        return diag_fail(d, ST_NOMEM, c, "out of memory folding BatchNormalization");
    for (int64_t o = 0; o < m; o++) {
        double k = (double)scale[o] / sqrt((double)var[o] + (double)eps);
        nbv[o] = (float)(((bs ? (double)bs[o] : 0.0) - mean[o]) * k + beta[o]);
    }
    for (int64_t i = 0; i < nw; i++) {
        int64_t row = i / kvol;   /* index over W's first two dims */
        int64_t o = transpose ? row / w->dims[1] / cin_per_group * w->dims[1] + row % w->dims[1]
                              : row / w->dims[1];
        double k = (double)scale[o] / sqrt((double)var[o] + (double)eps);
        nwv[i] = (float)(ws[i] * k);
    }
    int64_t wdims[IR_MAX_RANK];
    int wrank = w->rank;
    memcpy(wdims, w->dims, sizeof wdims);
    const char *wname = ir_unique_name(g, "bn_folded_weight");
    const char *bname = ir_unique_name(g, "bn_folded_bias");
    int wid = wname ? ir_add_const(g, wname, DT_F32, wrank, wdims, nwv) : -1;
    int bid = bname ? ir_add_const(g, bname, DT_F32, 1, &m, nbv) : -1;
    if (wid < 0 || bid < 0)
        return diag_fail(d, ST_NOMEM, NULL, "out of memory folding BatchNormalization");
    c = &g->nodes[ci];
    b = &g->nodes[bi];
    if (c->n_in < 3) {   /* the conv gets a bias input */
        int *in = arena_calloc(g->arena, 3, sizeof(int));
        if (!in)
            return diag_fail(d, ST_NOMEM, c, "out of memory");
        in[0] = c->in[0];
        in[1] = c->in[1];
        c->in = in;
        c->n_in = 3;
    }
    c->in[1] = wid;
    c->in[2] = bid;
    c->out[0] = b->out[0];
    *done = true;
    return true;
}

bool pass_fold_batchnorm(Graph *g, Diag *d)
{
    int *uses = malloc(sizeof(int) * (size_t)(g->n_tensors > 0 ? g->n_tensors : 1));
    bool *keep = malloc(sizeof(bool) * (size_t)(g->n_nodes > 0 ? g->n_nodes : 1));
    if (!uses || !keep) {
        free(uses);
        free(keep);
        return diag_fail(d, ST_NOMEM, NULL, "out of memory in fold_batchnorm");
    }
    ir_count_uses(g, uses);
    bool ok = true;
    for (int i = 0; i < g->n_nodes; i++)
        keep[i] = true;
    for (int bi = 0; bi < g->n_nodes && ok; bi++) {
        const Node *b = &g->nodes[bi];
        if (b->op != OP_BATCHNORM || b->n_in != 5 || b->in[0] < 0)
            continue;
        bool extra_used = false;
        for (int k = 1; k < b->n_out; k++)
            extra_used |= b->out[k] >= 0 && uses[b->out[k]] > 0;
        const Tensor *y = &g->tensors[b->in[0]];
        int ci = y->producer;
        if (extra_used || ci < 0 || !keep[ci] || y->is_output || uses[b->in[0]] != 1)
            continue;
        const Node *c = &g->nodes[ci];
        if ((c->op != OP_CONV && c->op != OP_CONV_TRANSPOSE) || c->act != ACT_NONE ||
            c->n_out != 1)
            continue;
        bool done = false;
        ok = fold_pair(g, ci, bi, &done, d);
        if (done)
            keep[bi] = false;
    }
    if (ok) {
        ir_remove_nodes(g, keep);
        ir_update_producers(g);
    }
    free(uses);
    free(keep);
    return ok;
}
