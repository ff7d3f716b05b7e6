/* SPDX-License-Identifier: MIT */
/*
 * plan_buffers.c - gives every intermediate tensor an offset in one activation arena.
 *
 * The schedule is the node order. A planned tensor is a TK_VALUE tensor that a
 * node produces and that is not a graph output (outputs live in the caller's
 * buffers, inputs and constants elsewhere). It is live from its producer's step
 * to its last consumer's step (only the producer's step if nobody reads it); its
 * size is ir_storage_bytes (the padded size of a blk16 tensor) rounded up to
 * PLAN_ALIGN.
 *
 * In place: an f32 Add/Sub/Mul/Div whose input (input 0 preferred) is a planned
 * tensor read for the last time by this node, with exactly the output's shape
 * and layout (no broadcast), writes its output over that input: both become one buffer
 * whose lifetime is the union. Chains of such nodes share one buffer.
 *
 * The buffers go to plan_greedy (plan.c); Tensor.offset is set for planned tensors
 * and -1 for all others; g->arena_bytes and g->arena_lower_bound are filled.
 */
#include "passes.h"

#include <stdlib.h>

enum { PLAN_ALIGN = 64 };

static bool same_shape(const Tensor *a, const Tensor *b) {
    if (a->rank != b->rank || a->dtype != b->dtype || a->layout != b->layout)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return false;
    return true;
}

/* Root of t's in-place chain: alias[t] == t for a buffer of its own. */
static int buffer_root(const int *alias, int t) {
    while (alias[t] != t)
        t = alias[t];
    return t;
}

static bool is_elementwise_binary(OpKind op) {
    return op == OP_ADD || op == OP_SUB || op == OP_MUL || op == OP_DIV;
}

bool pass_plan_buffers(Graph *g, Diag *d) {
    int nt = g->n_tensors;
    int *prod = malloc(sizeof(int) * (size_t)(nt > 0 ? nt : 1));   /* producing step or -1 */
    int *last = malloc(sizeof(int) * (size_t)(nt > 0 ? nt : 1));   /* last reading step */
    int *alias = malloc(sizeof(int) * (size_t)(nt > 0 ? nt : 1));  /* in-place parent */
    int *buf_of = malloc(sizeof(int) * (size_t)(nt > 0 ? nt : 1)); /* root -> PlanBuf index */
    PlanBuf *bufs = malloc(sizeof(PlanBuf) * (size_t)(nt > 0 ? nt : 1));
    bool ok = false;
    if (!prod || !last || !alias || !buf_of || !bufs) {
        diag_fail(d, ST_NOMEM, NULL, "out of memory while planning buffers");
        goto done;
    }
    for (int t = 0; t < nt; t++) {
        prod[t] = -1;
        last[t] = -1;
        alias[t] = t;
        buf_of[t] = -1;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                last[n->in[k]] = i;
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0)
                prod[n->out[k]] = i;
    }

    /* Which tensors are planned; sizes are checked here so errors name the node. */
    for (int t = 0; t < nt; t++) {
        const Tensor *x = &g->tensors[t];
        if (x->kind != TK_VALUE || x->is_output || prod[t] < 0)
            continue;
        if (ir_nbytes(x) < 0) {
            /* Usually a symbolic dimension nobody fixed: a model problem, not ours. */
            diag_fail(d, ST_UNSUPPORTED, &g->nodes[prod[t]],
                      "output \"%s\" has an unknown shape (a symbolic dimension? fix it with --shape)",
                      x->name);
            goto done;
        }
        buf_of[t] = 0;   /* marks "planned"; the real index is set below */
    }

    /* In-place elementwise: the output joins its dying input's buffer. */
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        if (!is_elementwise_binary(n->op) || n->n_in != 2 || n->out[0] < 0)
            continue;
        int y = n->out[0];
        if (buf_of[y] < 0 || g->tensors[y].dtype != DT_F32)
            continue;
        for (int k = 0; k < 2; k++) {
            int x = n->in[k];
            if (x >= 0 && buf_of[x] >= 0 && last[x] == i && same_shape(&g->tensors[x], &g->tensors[y])) {
                alias[y] = x;
                break;
            }
        }
    }

    /* One PlanBuf per root, with the union of its members' lifetimes. */
    int nb = 0;
    for (int t = 0; t < nt; t++) {
        if (buf_of[t] < 0 || alias[t] != t)
            continue;
        bufs[nb].size = (ir_storage_bytes(&g->tensors[t]) + PLAN_ALIGN - 1) / PLAN_ALIGN * PLAN_ALIGN;
        bufs[nb].first = prod[t];
        bufs[nb].last = prod[t];
        bufs[nb].offset = -1;
        buf_of[t] = nb++;
    }
    for (int t = 0; t < nt; t++) {
        if (buf_of[t] < 0)
            continue;
        PlanBuf *b = &bufs[buf_of[buffer_root(alias, t)]];
        if (prod[t] < b->first)
            b->first = prod[t];
        if (last[t] > b->last)
            b->last = last[t];
    }

    g->arena_bytes = plan_greedy(bufs, nb, PLAN_ALIGN);
    g->arena_lower_bound = plan_lower_bound(bufs, nb);
    for (int t = 0; t < nt; t++)
        g->tensors[t].offset = buf_of[t] >= 0 ? bufs[buf_of[buffer_root(alias, t)]].offset : -1;
    ok = true;
done:
    free(prod);
    free(last);
    free(alias);
    free(buf_of);
    free(bufs);
    return ok;
}
