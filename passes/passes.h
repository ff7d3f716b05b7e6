/* SPDX-License-Identifier: MIT */
/*
 * passes.h - the public header of passes/: graph-to-graph transformations and
 * the pipeline that runs them in order, verifying the IR after each one.
 */
#ifndef ONNXC_PASSES_H
#define ONNXC_PASSES_H

#include "ir.h"

/* Each pass mutates g in place; false with d filled on failure. */
bool pass_fold_constants(Graph *g, Diag *d);  /* evaluate nodes whose inputs are all constant */
bool pass_remove_dead(Graph *g, Diag *d);     /* drop nodes whose outputs nobody reads; Identity */
bool pass_fold_batchnorm(Graph *g, Diag *d);  /* BatchNormalization into the producing Conv / ConvTranspose */
bool pass_fuse(Graph *g, Diag *d);            /* Conv/ConvTranspose/Gemm/MatMul + Relu, Sigmoid, SiLU, Tanh, HardSwish, ReLU6 */
bool pass_select_kernels(Graph *g, Diag *d);  /* per node its kernel, per tensor its layout (g->kernel_policy) */
bool pass_plan_buffers(Graph *g, Diag *d);    /* offsets in one activation arena */

typedef struct Pass {
    const char *name;
    bool (*run)(Graph *g, Diag *d);
} Pass;

/* The pipeline, in order; n_out receives its length. */
const Pass *passes_pipeline(int *n_out);

/* Called after import (pass_name "import") and after each pass, with the verified graph. */
typedef void (*PassObserver)(const Graph *g, const char *pass_name, void *ctx);

/* Runs every pass in order, then ir_verify; a verifier failure after a pass is
 * reported as ST_INTERNAL naming the pass. observer may be NULL. */
bool passes_run(Graph *g, PassObserver observer, void *ctx, Diag *d);

/* ---- the buffer planner, independent of graphs (TFLM's greedy planner) ---- */

typedef struct PlanBuf {
    int64_t size;       /* bytes */
    int first, last;    /* first and last step (inclusive) at which the buffer is live */
    int64_t offset;     /* out: assigned offset */
} PlanBuf;
/* Greedy by size descending, first fit among buffers whose lifetimes overlap,
 * offsets aligned to `align`. Not optimal. Returns the arena size. */
int64_t plan_greedy(PlanBuf *bufs, int n, int64_t align);
/* Largest sum of sizes of buffers live at one step: no plan can be smaller. */
int64_t plan_lower_bound(const PlanBuf *bufs, int n);
/* True when no two buffers with overlapping lifetimes overlap in memory. */
bool plan_check_no_overlap(const PlanBuf *bufs, int n);
/* ASCII timeline: one row per buffer. */
void plan_print(const PlanBuf *bufs, int n, FILE *out);

#endif
