/* SPDX-License-Identifier: MIT */
/*
 * lifetime.c - tensor lifetimes over the schedule and the activation peak, the
 * analyses the plan printers and the cost report share. They read the graph
 * only; the planner (passes/plan_buffers.c) makes its own decisions and these
 * describe what it did: the peak computed here equals the lower bound it stored.
 */
#include <stdlib.h>

#include "ir.h"

void ir_lifetimes(const Graph *g, int *first, int *last)
{
    for (int t = 0; t < g->n_tensors; t++)
        first[t] = last[t] = -1;
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0)
                first[n->out[k]] = i;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0 && i > last[n->in[k]])
                last[n->in[k]] = i;
    }
    for (int t = 0; t < g->n_tensors; t++)
        if (last[t] < first[t])
            last[t] = first[t];
}

int64_t ir_planned_bytes(const Tensor *t)
{
    int64_t b = ir_storage_bytes(t);
    return b < 0 ? -1 : (b + 63) / 64 * 64;
}

/* True when tensor u shares bytes with an earlier-id tensor live at step s
 * (an in-place chain: one buffer, counted once). */
static bool counted_before(const Graph *g, const int *first, const int *last, int u, int s)
{
    const Tensor *tu = &g->tensors[u];
    for (int v = 0; v < u; v++) {
        const Tensor *tv = &g->tensors[v];
        if (tv->offset == tu->offset && first[v] <= s && s <= last[v])
            return true;
    }
    return false;
}

int ir_peak_step(const Graph *g, const int *first, const int *last, int64_t *bytes)
{
    int best = -1;
    int64_t best_sum = 0;
    for (int s = 0; s < g->n_nodes; s++) {
        int64_t sum = 0;
        bool any = false;
        for (int t = 0; t < g->n_tensors; t++) {
            if (g->tensors[t].offset < 0 || first[t] < 0 || s < first[t] || s > last[t])
                continue;
            if (counted_before(g, first, last, t, s))
                continue;
            /* in place: the chain's buffer is as large as its largest member */
            int64_t size = ir_planned_bytes(&g->tensors[t]);
            for (int v = t + 1; v < g->n_tensors; v++)
                if (g->tensors[v].offset == g->tensors[t].offset && first[v] >= 0 &&
                    first[v] <= s && s <= last[v] && ir_planned_bytes(&g->tensors[v]) > size)
                    size = ir_planned_bytes(&g->tensors[v]);
            sum += size;
            any = true;
        }
        if (any && (best < 0 || sum > best_sum)) {
            best = s;
            best_sum = sum;
        }
    }
    *bytes = best < 0 ? 0 : best_sum;
    return best;
}
