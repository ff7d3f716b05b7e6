/* SPDX-License-Identifier: MIT */
/*
 * interp_internal.h - what interp.c (the driver, memory binding, the first
 * ops) and interp_ops.c (the ops added for the U-Net family) share.
 */
#ifndef ONNXC_INTERP_INTERNAL_H
#define ONNXC_INTERP_INTERNAL_H

#include "ir.h"
#include "rt.h"

typedef struct Interp {
    const Graph *g;
    Diag *d;
    void **buf;             /* per tensor: its data once bound, else NULL */
    void **owned;           /* per tensor: the malloc'd block to free, or NULL */
    int *uses;              /* per tensor: readers (+1 when a graph output) */
    unsigned char *arena;   /* the planned activation arena, or NULL */
} Interp;

int interp_act_to_rt(Act a);
bool interp_fits_int(int64_t v);
/* Input k of n as f32 data; false with d filled when missing, not f32, or not computed. */
bool interp_input_f32(Interp *st, const Node *n, int k, const float **out);
/* Binds output k of n to memory and returns it. */
bool interp_output_f32(Interp *st, const Node *n, int k, float **out);
/* The same for data of any element type. */
bool interp_input_any(Interp *st, const Node *n, int k, const void **out);
bool interp_output_any(Interp *st, const Node *n, int k, void **out);
/* The data movement ops through ir_copy_geom, and the reductions, any element type. */
bool interp_run_copies(Interp *st, const Node *n);
bool interp_run_reduce(Interp *st, const Node *n);
/* y = in0 op in1 op ... with broadcasting (RT_BIN_* op), any element types. */
bool interp_run_variadic(Interp *st, const Node *n, int op);
/* RtConvParams from a ConvGeom (ST_LIMIT when a dim does not fit an int). */
bool interp_conv_params(Interp *st, const Node *n, const ConvGeom *cg, RtConvParams *p);
/* interp_typed.c: runs node n whose data is not all f32 (ir_node_is_f32) on the
 * typed kernels, or fails naming the op and element type it cannot run. */
bool interp_run_typed(Interp *st, const Node *n);
/* Fails (ST_INTERNAL) when output 0's buffer y overlaps input k's x. */
bool interp_check_apart(Interp *st, const Node *n, const void *y, const void *x, int k);
/* Element strides of t broadcast to y's shape at rank RT_MAX_RANK. */
bool interp_broadcast_strides(Interp *st, const Node *n, const Tensor *t, const Tensor *y,
                              long long *s);
/* Add/Sub/Mul/Div of inputs 0 and 1 into y with RT_BIN_* op. */
bool interp_run_binary(Interp *st, const Node *n, float *y, int op);
/* y = x (input 0) byte for byte: Identity, Reshape, Flatten, ... */
bool interp_run_memmove(Interp *st, const Node *n, void *y);
/* True when some output of n is read or is a graph output. */
bool interp_outputs_used(const Interp *st, const Node *n);

/* Runs node n: binds its outputs (interp_output_any), dispatches to the f32
 * or typed kernels and applies a fused activation. Nodes whose outputs nobody
 * uses are skipped. */
bool interp_run_node(Interp *st, const Node *n);
/* The ops of interp_ops.c; *act_done tells whether the kernel applied n->act. */
bool interp_run_op(Interp *st, const Node *n, bool *act_done);
/* The 3-D window kernels' parameters from a ConvGeom. */
void interp_window3_params(const ConvGeom *c, Act act, RtWindow3Params *p);
/* RT_UN_* code of an elementwise unary op, -1 for any other op. */
int interp_unary_code(OpKind op);

#endif
