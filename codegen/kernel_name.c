/* SPDX-License-Identifier: MIT */
/*
 * kernel_name.c - which kernel the emitted code runs for each node, named for
 * people (`onnxc bench`): the name of the ir/kernels.c entry that
 * pass_select_kernels recorded on the node (Node.kernel), which is what cg_emit
 * writes for the same graph. A graph that has not been through the pass is
 * refused, so a name never describes code that would not be emitted.
 */
#include "cg_internal.h"

bool cg_node_kernels(const Graph *g, const CgOptions *opt, const char **names, Diag *d)
{
    (void)opt;   /* the options reached the pass through Graph.kernel_policy */
    if (!g->kernels_selected)
        return diag_fail(d, ST_INTERNAL, NULL, "kernels not selected (select_kernels did not run)");
    for (int i = 0; i < g->n_nodes; i++)
        names[i] = ir_kernel(g->nodes[i].kernel)->name;
    return true;
}
