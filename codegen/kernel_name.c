/* SPDX-License-Identifier: MIT */
/*
 * kernel_name.c - which kernel the emitted code runs for each node, named for
 * people (`onnxc bench`). The choice itself is cg_fast_plan's (emit_fast.c),
 * made here with the same arguments cg_emit passes it, so the names always
 * describe the code cg_emit writes for the same graph and options. This is the
 * one place that turns a kernel choice into a name: when the choice moves onto
 * the IR, only this file changes.
 */
#include "cg_internal.h"

static const char *kind_name(CgFastKind k)
{
    switch (k) {
    case CG_FAST_CONV:
        return "fast conv";
    case CG_FAST_REDUCE:
        return "reduce conv";
    case CG_FAST_POOL:
        return "blocked maxpool";
    case CG_FAST_RESIZE:
        return "blocked resize";
    case CG_FAST_NONE:
        break;
    }
    return "reference";
}

bool cg_node_kernels(const Graph *g, const CgOptions *opt, const char **names, Diag *d)
{
    CgFast f = {0};
    bool ok = cg_fast_plan(g, !opt->reference_kernels, !opt->trace, &f, d);
    for (int i = 0; ok && i < g->n_nodes; i++)
        names[i] = kind_name((CgFastKind)f.kind[i]);
    cg_fast_free(&f);
    return ok;
}
