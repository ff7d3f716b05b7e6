/* SPDX-License-Identifier: MIT */
/*
 * ir_internal.h - helpers the files of ir/ share (shape inference and op
 * geometry) and nobody else sees.
 */
#ifndef ONNXC_IR_INTERNAL_H
#define ONNXC_IR_INTERNAL_H

#include "ir.h"

#define SHAPE_MAX_DIM ((int64_t)1 << 40)

/* Input / output k of n, or NULL when absent or omitted. */
Tensor *ir_in(const Graph *g, const Node *n, int k);
Tensor *ir_out(const Graph *g, const Node *n, int k);

/* Sets t's dtype and shape after range checks (false with d filled); t may be NULL. */
bool ir_set_shape(const Node *n, Tensor *t, DType dt, int rank, const int64_t *dims, Diag *d);

/* Reads a constant 0-D/1-D integer (int32/int64) tensor of at most max values.
 * False without an error when t is not constant (or not such a tensor). */
bool ir_const_ints(const Tensor *t, int64_t *v, int *count, int max);

/* Ints from attribute `name` if present, else from input k when it is given:
 * *count = -1 when neither is, *known = false while the input is not constant. */
bool ir_ints_attr_or_input(const Graph *g, const Node *n, const char *name, int k, int64_t *v,
                           int *count, int max, bool *known, Diag *d);

/* Normalizes a possibly negative axis into [0, rank). */
bool ir_norm_axis(const Node *n, int64_t axis, int rank, int *out, Diag *d);

/* Normalizes count entries of the axis list `name` (attribute or constant
 * input) for a tensor of rank `rank` into out[0..count), before anything is
 * indexed with them: more entries than axes, an entry outside [-rank, rank),
 * and (with unique) an axis named twice are ST_BAD_MODEL, with one message
 * form for every op ("axes[0] = 9 is out of range for rank 4"). rank is at
 * most IR_MAX_RANK. */
bool ir_norm_axes(const Node *n, const char *name, const int64_t *axes, int count, int rank,
                  bool unique, int *out, Diag *d);

/* A Slice step clamped to [-(len + 1), len + 1] (0 stays 0): on an axis of
 * len elements any larger step selects the same elements, and the clamp keeps
 * the length and stride arithmetic away from int64 overflow. */
int64_t ir_slice_step(int64_t step, int64_t len);

/* Row-major element strides of dims[0..rank). */
void ir_strides(const int64_t *dims, int rank, int64_t *strides);

/* Shape inference of the ops added with issue 3 (shape_nn.c: layers, math,
 * normalizations; shape_tensor.c: data movement): the contract of
 * ir_infer_node, for a node whose inputs have known shapes. ir_infer_node's
 * switch lists every op and sends each to one of them. */
bool ir_infer_nn(Graph *g, const Node *n, Diag *d);
bool ir_infer_tensor(Graph *g, const Node *n, Diag *d);

#endif
