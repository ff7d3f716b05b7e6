/* SPDX-License-Identifier: MIT */
/*
 * select_kernels.c - chooses every node's kernel and every tensor's layout,
 * after fusion (the epilogue is known) and before planning (the planner sizes
 * blk16 tensors padded). Records Node.kernel, Node.kernel_why and
 * Tensor.layout; codegen emits what is recorded and decides nothing.
 *
 * 0. Operand order: a commutative Add or Mul whose first operand is the
 *    broadcast one (an SE block's s * x) takes its operands the other way
 *    round, so that the per-channel kernels (which broadcast B) see their
 *    shape class; a + b and a * b are the same IEEE operation either way.
 * 1. Candidates: for each node, the first entry of ir_kernels (kernels.c) that
 *    implements its op and whose predicate accepts its shape class. The
 *    reasons of the entries refused before it are kept for kernel_why.
 * 2. Layouts: tensors that must share a layout (the data operands of an entry
 *    with same_layout: MaxPool's input and output, a same-shape Add's operands
 *    and result) are joined into classes (union-find). A class is stored blk16
 *    when every tensor in it is an intermediate rank-4 f32 tensor and every
 *    candidate reading or writing one of its tensors accepts blk16 there (the
 *    reads / writes masks; with c % 16 != 0 the padded blocks too:
 *    padded_ok). Everything else is NCHW: model inputs,
 *    outputs, constants, and every tensor touched by an op with no blocked
 *    kernel, so a new op stays correct without any change here.
 * 3. Kernels: from its candidate on, each node takes the first entry whose
 *    predicate accepts it and whose masks allow the layouts of step 2 (a
 *    MaxPool whose input stayed NCHW falls to the reference kernel, why="input
 *    nchw"). The reference entry, last, accepts every node in NCHW.
 *
 * Policies (Graph.kernel_policy, set by the caller from the command line):
 * KP_REFERENCE puts every node on the reference kernel, KP_NCHW keeps every
 * tensor NCHW (the fast kernels that read and write NCHW still run).
 */
#include <stdlib.h>
#include <string.h>

#include "passes.h"

enum { WHY_MAX = 160 };

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

/* An intermediate f32 tensor of rank 4 (its channels padded to blocks of 16). */
static bool blockable(const Tensor *t)
{
    return t->kind == TK_VALUE && !t->is_output && t->dtype == DT_F32 && t->rank == 4 &&
           t->dims[1] > 0;
}

static bool same_dims(const Tensor *a, const Tensor *b)
{
    if (a->rank != b->rank)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return false;
    return true;
}

/* Step 0 for node n (see the header comment). */
static void full_size_first(const Graph *g, Node *n)
{
    if ((n->op != OP_ADD && n->op != OP_MUL) || n->n_in != 2 || n->n_out < 1 || n->in[0] < 0 ||
        n->in[1] < 0 || n->out[0] < 0)
        return;
    const Tensor *a = &g->tensors[n->in[0]], *b = &g->tensors[n->in[1]];
    const Tensor *y = &g->tensors[n->out[0]];
    if (a->dtype == DT_F32 && b->dtype == DT_F32 && !same_dims(a, y) && same_dims(b, y)) {
        const int t = n->in[0];
        n->in[0] = n->in[1];
        n->in[1] = t;
    }
}

static bool padded(const Tensor *t)
{
    return t->rank == 4 && t->dims[1] % 16 != 0;
}

/* Operand a of node n (inputs first, then outputs): its tensor or -1, and
 * whether entry k reads / writes it in the layouts of its masks. */
static int operand(const Node *n, int a, const KernelEntry *k, bool *data, unsigned *mask)
{
    bool in = a < n->n_in;
    *data = in ? a < k->n_data_in : a == n->n_in;
    *mask = !*data ? LAYOUT_BIT(LAYOUT_NCHW) : in ? k->reads : k->writes;
    return in ? n->in[a] : n->out[a - n->n_in];
}

/* Whether the layouts of node n's tensors fit entry k; otherwise a reason. */
static bool layouts_fit(const Graph *g, const Node *n, const KernelEntry *k, char *why,
                        size_t size)
{
    for (int a = 0; a < n->n_in + n->n_out; a++) {
        bool data;
        unsigned mask;
        int t = operand(n, a, k, &data, &mask);
        if (t < 0)
            continue;
        Layout l = g->tensors[t].layout;
        if (!(mask & LAYOUT_BIT(l)) ||
            (data && k->same_layout && n->out[0] >= 0 && l != g->tensors[n->out[0]].layout)) {
            snprintf(why, size, "%s %s", a < n->n_in ? "input" : "output", layout_name(l));
            return false;
        }
    }
    return true;
}

/* Appends reason r to the why buffer (distinct reasons, "; " between). */
static void add_why(char *buf, const char *r)
{
    if (!r[0] || strstr(buf, r))
        return;
    size_t len = strlen(buf);
    snprintf(buf + len, WHY_MAX - len, "%s%s", len ? "; " : "", r);
}

/* The index in ir_kernels of the first entry at or after `from` that
 * implements node n and accepts it (and, with check_layouts, its layouts);
 * reasons of the refusals go to why. */
static int first_fit(const Graph *g, const Node *n, int from, bool check_layouts, char *why)
{
    for (int e = from; e < ir_n_kernels; e++) {
        const KernelEntry *k = &ir_kernels[e];
        if (!ir_kernel_has_op(k, n->op))
            continue;
        char r[WHY_MAX] = "";
        if (k->accepts && !k->accepts(g, n, r, sizeof r)) {
            add_why(why, r);
            continue;
        }
        if (check_layouts && !layouts_fit(g, n, k, r, sizeof r)) {
            add_why(why, r);
            continue;
        }
        return e;
    }
    return -1;
}

bool pass_select_kernels(Graph *g, Diag *d)
{
    const int nt = g->n_tensors, nn = g->n_nodes;
    int *cand = malloc(((size_t)nn + 1) * sizeof *cand);
    int *parent = malloc(((size_t)nt + 1) * sizeof *parent);
    bool *bad = calloc((size_t)nt + 1, sizeof *bad);
    bool ok = false;
    if (!cand || !parent || !bad) {
        diag_fail(d, ST_NOMEM, NULL, "out of memory while selecting kernels");
        goto done;
    }
    const int reference = ir_n_kernels - 1;
    char why[WHY_MAX];
    if (g->kernel_policy == KP_FAST)   /* 0. operand order */
        for (int i = 0; i < nn; i++)
            full_size_first(g, &g->nodes[i]);
    for (int i = 0; i < nn; i++) {
        why[0] = '\0';
        cand[i] = g->kernel_policy == KP_REFERENCE ? reference
                                                   : first_fit(g, &g->nodes[i], 0, false, why);
    }

    /* 2. layouts */
    for (int t = 0; t < nt; t++) {
        parent[t] = t;
        bad[t] = g->kernel_policy != KP_FAST || !blockable(&g->tensors[t]);
        g->tensors[t].layout = LAYOUT_NCHW;
    }
    for (int i = 0; i < nn; i++) {
        const Node *n = &g->nodes[i];
        const KernelEntry *k = &ir_kernels[cand[i] < 0 ? reference : cand[i]];
        for (int a = 0; a < n->n_in + n->n_out; a++) {
            bool data;
            unsigned mask;
            int t = operand(n, a, k, &data, &mask);
            if (t < 0)
                continue;
            if (!(mask & LAYOUT_BIT(LAYOUT_BLK16)) || (padded(&g->tensors[t]) && !k->padded_ok))
                bad[t] = true;
            if (data && k->same_layout && n->n_out > 0 && n->out[0] >= 0)
                join(parent, t, n->out[0]);
        }
    }
    for (int t = 0; t < nt; t++)
        if (bad[t])
            bad[find(parent, t)] = true;
    /* dw: a candidate that reads blk16 only (conv_dw_blk16 ...) falls to the
     * reference kernel when its input stays NCHW, and that one writes NCHW:
     * so its output's class is NCHW too (to a fixpoint, as one such node's
     * output may be the next one's input). */
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < nn; i++) {
            const Node *n = &g->nodes[i];
            const KernelEntry *k = &ir_kernels[cand[i] < 0 ? reference : cand[i]];
            if ((k->reads & LAYOUT_BIT(LAYOUT_NCHW)) || k->n_data_in < 1 || n->n_in < 1 ||
                n->n_out < 1 || n->in[0] < 0 || n->out[0] < 0)
                continue;
            int xr = find(parent, n->in[0]), yr = find(parent, n->out[0]);
            if (bad[xr] && !bad[yr]) {
                bad[yr] = true;
                changed = true;
            }
        }
    }
    /* end dw */
    for (int t = 0; t < nt; t++)
        if (!bad[find(parent, t)])
            g->tensors[t].layout = LAYOUT_BLK16;

    /* 3. kernels */
    for (int i = 0; i < nn; i++) {
        Node *n = &g->nodes[i];
        why[0] = '\0';
        /* entries before the candidate refuse on their predicate again */
        int e = g->kernel_policy == KP_REFERENCE ? reference : first_fit(g, n, 0, true, why);
        if (e < 0) {
            diag_fail(d, ST_INTERNAL, n, "no kernel fits the layouts chosen");
            goto done;
        }
        n->kernel = (int)ir_kernels[e].id;
        n->kernel_why = NULL;
        if (why[0]) {   /* a faster entry exists for the op and refused */
            n->kernel_why = arena_strdup(g->arena, why);
            if (!n->kernel_why) {
                diag_fail(d, ST_NOMEM, n, "out of memory while selecting kernels");
                goto done;
            }
        }
    }
    g->kernels_selected = true;
    ok = true;
done:
    free(cand);
    free(parent);
    free(bad);
    return ok;
}
