/* SPDX-License-Identifier: MIT */
/*
 * remove_dead.c - removes Identity nodes (and inference Dropout, whose mask
 * nobody reads) and nodes whose results nobody reads.
 *
 * Identity y = x: readers of y read x instead. When y is a graph output the
 * node is removed only if x is an intermediate value (produced by a node, not
 * itself an output): its producer then writes y directly. An Identity from a
 * graph input or constant to an output stays, since the output needs a producer.
 *
 * Dead nodes: a node none of whose outputs is read (ir_count_uses counts graph
 * outputs as reads) is removed. One sweep from the end of the schedule reaches
 * the fixpoint, because removing a node only lowers the use counts of tensors
 * produced earlier. Tensor ids never change; orphaned tensors stay unreferenced.
 */
#include "passes.h"

#include <stdlib.h>

/* Replaces every read of tensor from by a read of tensor to. */
static void rewire_readers(Graph *g, int from, int to) {
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; k < g->nodes[i].n_in; k++)
            if (g->nodes[i].in[k] == from)
                g->nodes[i].in[k] = to;
}

/* Removes Identity node i if possible (keep[i] = false). */
static void drop_identity(Graph *g, bool *keep, int i) {
    const Node *n = &g->nodes[i];
    int x = n->in[0], y = n->out[0];
    if (x < 0 || y < 0)
        return;
    if (!g->tensors[y].is_output) {
        rewire_readers(g, y, x);
        keep[i] = false;
        return;
    }
    const Tensor *tx = &g->tensors[x];
    if (tx->kind != TK_VALUE || tx->is_output || tx->producer < 0)
        return;
    Node *p = &g->nodes[tx->producer];
    for (int k = 0; k < p->n_out; k++)
        if (p->out[k] == x)
            p->out[k] = y;
    keep[i] = false;   /* before rewiring, so the Identity itself is not rewired */
    rewire_readers(g, x, y);
}

bool pass_remove_dead(Graph *g, Diag *d) {
    bool *keep = malloc(sizeof(bool) * (size_t)(g->n_nodes > 0 ? g->n_nodes : 1));
    int *uses = malloc(sizeof(int) * (size_t)(g->n_tensors > 0 ? g->n_tensors : 1));
    if (!keep || !uses) {
        free(keep);
        free(uses);
        return diag_fail(d, ST_NOMEM, NULL, "out of memory in remove_dead");
    }
    for (int i = 0; i < g->n_nodes; i++)
        keep[i] = true;
    ir_update_producers(g);
    ir_count_uses(g, uses);
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        /* inference Dropout is an Identity once its mask is unused (shape
         * inference refuses training mode) */
        bool dropout = n->op == OP_DROPOUT && n->n_out >= 1 &&
                       (n->n_out == 1 || n->out[1] < 0 || uses[n->out[1]] == 0);
        if ((n->op == OP_IDENTITY && n->n_in == 1 && n->n_out == 1) || dropout)
            drop_identity(g, keep, i);
    }
    ir_remove_nodes(g, keep);
    ir_update_producers(g);

    for (int i = 0; i < g->n_nodes; i++)
        keep[i] = true;
    ir_count_uses(g, uses);
    for (int i = g->n_nodes - 1; i >= 0; i--) {
        const Node *n = &g->nodes[i];
        bool used = false;
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0 && uses[n->out[k]] > 0)
                used = true;
        if (used)
            continue;
        keep[i] = false;
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                uses[n->in[k]]--;
    }
    ir_remove_nodes(g, keep);
    ir_update_producers(g);
    free(keep);
    free(uses);
    return true;
}
