/* SPDX-License-Identifier: MIT */
/*
 * verify.c - the IR verifier, run after import and after every pass.
 *
 * It checks what every later stage relies on, so that a pass that breaks an
 * invariant is caught at the pass, not as a wrong number in emitted code: ids in
 * range, the schedule order (inputs produced earlier), one producer per tensor,
 * arities from ops.def, constants with data, and, once buffers are planned, that
 * every planned tensor fits in the arena and that no two tensors that are live at
 * the same time overlap (except an in-place output over an input dying there).
 */
#include <stdlib.h>
#include <string.h>

#include "ir.h"

static bool check_ids(const Graph *g, const Node *n, const int *ids, int count, bool optional,
                      const char *what, Diag *d)
{
    for (int k = 0; k < count; k++) {
        if (ids[k] == -1 && optional)
            continue;
        if (ids[k] < 0 || ids[k] >= g->n_tensors)
            return diag_fail(d, ST_INTERNAL, n, "%s %d refers to tensor %d of %d", what, k,
                             ids[k], g->n_tensors);
    }
    return true;
}

static bool elementwise(OpKind op)
{
    return op == OP_ADD || op == OP_SUB || op == OP_MUL || op == OP_DIV || op == OP_SIGMOID ||
           op == OP_RELU || op == OP_IDENTITY;
}

/* Layouts: only rank-4 f32 intermediate tensors are ever blk16, and every
 * node reads and writes each tensor in a layout its kernel's entry allows
 * (ir_kernels): a reference kernel reading blk16 data would compute garbage. */
static bool check_layouts(const Graph *g, Diag *d)
{
    for (int t = 0; t < g->n_tensors; t++) {
        const Tensor *x = &g->tensors[t];
        if (x->layout == LAYOUT_BLK16 &&
            (x->kind != TK_VALUE || x->is_output || x->dtype != DT_F32 || x->rank != 4))
            return diag_fail(d, ST_INTERNAL, NULL, "tensor %%%d '%s' cannot be blk16", t, x->name);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        const KernelEntry *k = ir_kernel(n->kernel);
        if (!ir_kernel_has_op(k, n->op))
            return diag_fail(d, ST_INTERNAL, n, "kernel %s does not implement %s", k->name,
                             op_name(n->op));
        for (int a = 0; a < n->n_in + n->n_out; a++) {
            bool in = a < n->n_in;
            int t = in ? n->in[a] : n->out[a - n->n_in];
            if (t < 0)
                continue;
            bool data = in ? a < k->n_data_in : a == n->n_in;
            unsigned allowed = !data ? LAYOUT_BIT(LAYOUT_NCHW) : in ? k->reads : k->writes;
            if (data && g->tensors[t].layout == LAYOUT_BLK16 && g->tensors[t].dims[1] % 16 != 0 &&
                !k->padded_ok)
                return diag_fail(d, ST_INTERNAL, n, "kernel %s cannot take padded blk16 tensor '%s'",
                                 k->name, g->tensors[t].name);
            if (!(allowed & LAYOUT_BIT(g->tensors[t].layout)))
                return diag_fail(d, ST_INTERNAL, n, "kernel %s cannot %s %s tensor '%s'", k->name,
                                 in ? "read" : "write", layout_name(g->tensors[t].layout),
                                 g->tensors[t].name);
            if (data && k->same_layout && n->n_out > 0 && n->out[0] >= 0 &&
                g->tensors[t].layout != g->tensors[n->out[0]].layout)
                return diag_fail(d, ST_INTERNAL, n, "kernel %s needs one layout", k->name);
        }
    }
    return true;
}

/* Steps (node positions) at which each planned tensor is first written and last read. */
static bool check_plan(const Graph *g, Diag *d)
{
    int nt = g->n_tensors;
    int *first = malloc((size_t)(nt ? nt : 1) * sizeof(int));
    int *last = malloc((size_t)(nt ? nt : 1) * sizeof(int));
    if (!first || !last) {
        free(first);
        free(last);
        return diag_fail(d, ST_NOMEM, NULL, "out of memory in the verifier");
    }
    for (int t = 0; t < nt; t++)
        first[t] = last[t] = -1;
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0 && first[n->out[k]] < 0)
                first[n->out[k]] = last[n->out[k]] = i;
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                last[n->in[k]] = i;
    }
    bool ok = true;
    for (int a = 0; a < nt && ok; a++) {
        const Tensor *ta = &g->tensors[a];
        if (ta->offset < 0)
            continue;
        int64_t sa = ir_storage_bytes(ta);
        if (first[a] < 0 || sa < 0 || ta->offset + sa > g->arena_bytes) {
            ok = diag_fail(d, ST_INTERNAL, NULL, "tensor %%%d '%s' is planned outside the arena",
                           a, ta->name);
            break;
        }
        for (int b = a + 1; b < nt; b++) {
            const Tensor *tb = &g->tensors[b];
            if (tb->offset < 0 || first[b] < 0)
                continue;
            int64_t sb = ir_storage_bytes(tb);
            bool mem = ta->offset < tb->offset + sb && tb->offset < ta->offset + sa;
            bool live = first[a] <= last[b] && first[b] <= last[a];
            /* In place: an elementwise node writes its output exactly over an
             * input that dies there. */
            bool in_place = ta->offset == tb->offset && sa == sb &&
                            ((last[a] == first[b] && elementwise(g->nodes[first[b]].op)) ||
                             (last[b] == first[a] && elementwise(g->nodes[first[a]].op)));
            if (mem && live && !in_place) {
                ok = diag_fail(d, ST_INTERNAL, NULL,
                               "tensors %%%d '%s' and %%%d '%s' are live together and overlap",
                               a, ta->name, b, tb->name);
                break;
            }
        }
    }
    free(first);
    free(last);
    return ok;
}

bool ir_verify(const Graph *g, Diag *d)
{
    for (int t = 0; t < g->n_tensors; t++) {
        const Tensor *tt = &g->tensors[t];
        if (tt->kind == TK_CONST && (!tt->data || !ir_shape_known(tt)))
            return diag_fail(d, ST_INTERNAL, NULL, "constant %%%d '%s' has no data or shape", t,
                             tt->name);
        if (tt->rank > IR_MAX_RANK)
            return diag_fail(d, ST_INTERNAL, NULL, "tensor %%%d has rank %d", t, tt->rank);
    }
    for (int k = 0; k < g->n_inputs; k++)
        if (g->inputs[k] < 0 || g->inputs[k] >= g->n_tensors ||
            g->tensors[g->inputs[k]].kind != TK_INPUT)
            return diag_fail(d, ST_INTERNAL, NULL, "graph input %d is not an input tensor", k);

    /* Schedule order: produced[t] becomes true when t's producer has run. */
    bool *produced = calloc((size_t)(g->n_tensors ? g->n_tensors : 1), sizeof(bool));
    if (!produced)
        return diag_fail(d, ST_NOMEM, NULL, "out of memory in the verifier");
    bool ok = true;
    for (int t = 0; t < g->n_tensors; t++)
        produced[t] = g->tensors[t].kind != TK_VALUE;
    for (int i = 0; i < g->n_nodes && ok; i++) {
        const Node *n = &g->nodes[i];
        int min_in, max_in, min_out, max_out;
        op_arity(n->op, &min_in, &max_in, &min_out, &max_out);
        if (n->n_in < min_in || n->n_in > max_in || n->n_out < min_out || n->n_out > max_out) {
            ok = diag_fail(d, ST_INTERNAL, n, "node %d has %d inputs and %d outputs", i, n->n_in,
                           n->n_out);
            break;
        }
        if (!check_ids(g, n, n->in, n->n_in, true, "input", d) ||
            !check_ids(g, n, n->out, n->n_out, true, "output", d)) {
            ok = false;
            break;
        }
        for (int k = 0; k < n->n_in && ok; k++)
            if (n->in[k] >= 0 && !produced[n->in[k]])
                ok = diag_fail(d, ST_INTERNAL, n, "input '%s' is used before it is produced",
                               g->tensors[n->in[k]].name);
        for (int k = 0; k < n->n_out && ok; k++) {
            int t = n->out[k];
            if (t < 0)
                continue;
            if (produced[t] || g->tensors[t].kind != TK_VALUE)
                ok = diag_fail(d, ST_INTERNAL, n, "output '%s' has more than one producer",
                               g->tensors[t].name);
            else if (g->tensors[t].producer != i)
                ok = diag_fail(d, ST_INTERNAL, n, "output '%s' records producer %d, not %d",
                               g->tensors[t].name, g->tensors[t].producer, i);
            produced[t] = true;
        }
    }
    for (int k = 0; k < g->n_outputs && ok; k++) {
        int t = g->outputs[k];
        if (t < 0 || t >= g->n_tensors || !produced[t])
            ok = diag_fail(d, ST_INTERNAL, NULL, "graph output %d is never produced", k);
    }
    free(produced);
    if (ok)
        ok = check_layouts(g, d);
    if (ok && g->arena_bytes >= 0)
        ok = check_plan(g, d);
    return ok;
}
