/* SPDX-License-Identifier: MIT */
/*
 * interp_eval.c - one node on constant inputs, for constant folding.
 *
 * The interpreter's per-tensor tables (buffers, owned blocks, use counts) are
 * kept between calls and only the entries of the node's outputs are set and
 * cleared again, so folding n nodes costs O(n) here, not O(n * tensors).
 * Inputs are read from Tensor.data (every input is TK_CONST); outputs go to the
 * caller's buffers, so nothing is allocated per call.
 */
#include <stdlib.h>
#include <string.h>

#include "interp_internal.h"

struct RtEval {
    Interp st;
    int cap;                /* entries in st.buf, st.owned, st.uses */
};

RtEval *rt_eval_new(void)
{
    return calloc(1, sizeof(RtEval));
}

void rt_eval_free(RtEval *e)
{
    if (!e)
        return;
    free(e->st.buf);
    free(e->st.owned);
    free(e->st.uses);
    free(e);
}

/* Grows the tables to n zeroed entries. */
static bool reserve(RtEval *e, int n)
{
    if (n <= e->cap)
        return true;
    int cap = n > 2 * e->cap ? n : 2 * e->cap;
    void **buf = realloc(e->st.buf, (size_t)cap * sizeof *buf);
    if (buf)
        e->st.buf = buf;
    void **owned = realloc(e->st.owned, (size_t)cap * sizeof *owned);
    if (owned)
        e->st.owned = owned;
    int *uses = realloc(e->st.uses, (size_t)cap * sizeof *uses);
    if (uses)
        e->st.uses = uses;
    if (!buf || !owned || !uses)
        return false;
    for (int i = e->cap; i < cap; i++) {
        buf[i] = owned[i] = NULL;
        uses[i] = 0;
    }
    e->cap = cap;
    return true;
}

bool rt_eval_node(RtEval *e, const Graph *g, int node, void *const *outputs, Diag *d)
{
    const Node *n = &g->nodes[node];
    if (!reserve(e, g->n_tensors > 0 ? g->n_tensors : 1))
        return diag_fail(d, ST_NOMEM, n, "out of memory");
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] >= 0 && g->tensors[n->in[k]].kind != TK_CONST)
            return diag_fail(d, ST_INTERNAL, n, "input %d is not constant", k);
    Interp *st = &e->st;
    st->g = g;
    st->d = d;
    st->arena = NULL;
    for (int k = 0; k < n->n_out; k++)
        if (n->out[k] >= 0 && outputs[k]) {
            st->buf[n->out[k]] = outputs[k];
            st->uses[n->out[k]] = 1;
        }
    bool ok = interp_run_node(st, n);
    for (int k = 0; k < n->n_out; k++)
        if (n->out[k] >= 0) {
            int id = n->out[k];
            free(st->owned[id]);   /* an output the caller passed no buffer for */
            st->buf[id] = st->owned[id] = NULL;
            st->uses[id] = 0;
        }
    return ok;
}
