/* SPDX-License-Identifier: MIT */
/*
 * pipeline.c - the passes in the order they run, and the driver that verifies the
 * IR after each one (a verifier failure after a pass is a bug in that pass).
 *
 * Order: fold_constants turns shape arithmetic into constants and may leave
 * nodes whose results nobody reads (and Identities), which remove_dead drops
 * before fold_batchnorm and fuse look at use counts. fold_batchnorm runs
 * before fuse: a Conv -> BatchNormalization -> Relu chain becomes one Conv
 * with a folded weight and a ReLU epilogue. fuse removes the nodes it fuses itself and
 * leaves nothing dead, so remove_dead runs once and every pass name is unique
 * (--print-ir-after=PASS names exactly one point). select_kernels runs after
 * fuse (a fused epilogue decides whether a fast kernel applies) and before
 * plan_buffers (a blk16 tensor takes its padded size). plan_buffers runs last,
 * because any later change to the schedule would invalidate the offsets.
 */
#include "passes.h"

static const Pass pipeline[] = {
    {"fold_constants", pass_fold_constants},
    {"remove_dead", pass_remove_dead},
    {"fold_batchnorm", pass_fold_batchnorm},
    {"fuse", pass_fuse},
    {"select_kernels", pass_select_kernels},
    {"plan_buffers", pass_plan_buffers},
};

const Pass *passes_pipeline(int *n_out) {
    *n_out = (int)ARRAY_LEN(pipeline);
    return pipeline;
}

bool passes_run(Graph *g, PassObserver observer, void *ctx, Diag *d) {
    if (!ir_verify(g, d))
        return false;
    if (observer)
        observer(g, "import", ctx);
    for (size_t i = 0; i < ARRAY_LEN(pipeline); i++) {
        if (!pipeline[i].run(g, d))
            return false;
        Diag vd = {0};
        if (!ir_verify(g, &vd))
            return diag_fail_named(d, ST_INTERNAL, vd.node, vd.op, "IR invalid after pass %s: %s",
                                   pipeline[i].name, vd.msg);
        if (observer)
            observer(g, pipeline[i].name, ctx);
    }
    return true;
}
