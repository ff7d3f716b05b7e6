/* SPDX-License-Identifier: MIT */
/*
 * rt.h - the public header of runtime/: the reference kernels (declared in
 * rt_kernels.h, libc only, embedded into emitted code) and the reference
 * interpreter, which runs an IR graph on those same kernels.
 */
#ifndef ONNXC_RT_H
#define ONNXC_RT_H

#include <stdbool.h>
#include "rt_kernels.h"

/* x (n,c,h,w), w (m,c/group,kh,kw), b (m) or NULL -> y (n,m,oh,ow); act fused. */
void rt_conv2d_f32(float *restrict y, const float *restrict x, const float *restrict w,
                   const float *restrict b, const RtConvParams *p);
/* x (n,c,h,w) -> y (n,c,oh,ow); padding never wins the max. p->m == p->c; p->act fused. */
void rt_maxpool2d_f32(float *restrict y, const float *restrict x, const RtConvParams *p);
/* x (n,c,ih,iw) -> y (n,c,oh,ow), nearest neighbour. */
void rt_resize_nearest_f32(float *restrict y, const float *restrict x, const RtResizeParams *p);
/* y = act(a OP b) with broadcasting; y may alias a or b when that operand is not broadcast. */
void rt_binary_f32(float *y, const float *a, const float *b, const RtBinaryParams *p);
/* y[i] = act(x[i]) for i < n; y may alias x. */
void rt_unary_f32(float *y, const float *x, long long n, int act);

struct Graph;
struct Diag;
/* Runs graph g (shapes inferred; planned or not) on one f32 buffer per graph input
 * (in g->inputs order) and writes one f32 buffer per graph output. Allocates its
 * own activation memory (the planned arena when g is planned, so the plan is
 * exercised too). Returns false with d filled when a node cannot run (an op left
 * that needs constant folding, out of memory). */
bool rt_interpret(const struct Graph *g, const float *const *inputs, float *const *outputs,
                  struct Diag *d);

/* Called by rt_interpret_traced after node `node` (schedule index) ran, with
 * its first output: f32, n elements, valid only during the call. */
typedef void (*RtTraceFn)(void *ctx, int node, const float *y, long long n);
/* rt_interpret, calling fn (when not NULL) after every node: `onnxc verify`
 * compares these per-node outputs with the emitted code's. */
bool rt_interpret_traced(const struct Graph *g, const float *const *inputs,
                         float *const *outputs, RtTraceFn fn, void *ctx, struct Diag *d);

#endif
