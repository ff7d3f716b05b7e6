/* SPDX-License-Identifier: MIT */
/*
 * onnx.h - the public header of frontend/: decoding ONNX files into the IR.
 * Only frontend/ sees protobuf types; nothing here mentions them.
 */
#ifndef ONNXC_ONNX_H
#define ONNXC_ONNX_H

#include "ir.h"

/* Limits on what a model may ask for; zero fields take the defaults below
 * (`onnxc --max-bytes` etc. set them). */
typedef struct OnnxLimits {
    int64_t max_rank;          /* default IR_MAX_RANK */
    int64_t max_elements;      /* per tensor, constant or computed; default 1 << 30 */
    int64_t max_total_bytes;   /* all constant data together, and the activation
                                * arena; default 4 GiB */
    int64_t max_file_bytes;    /* the model file, refused before it is read; default 4 GiB */
    int64_t max_nodes;         /* nodes, and values of each kind; default 1 << 20, at most 1 << 24 */
    int64_t max_string;        /* bytes of one name or string attribute; default 65536 */
    int64_t max_call_depth;    /* model-local functions calling functions: calls nested
                                * at most this deep; default 64, at most 256 */
} OnnxLimits;

/* Reads and decodes the model at path into a new Graph (owned by the caller, free
 * with ir_graph_free). The result has constants, inputs with their declared
 * shapes (symbolic dims as dims[i] = -1 with dim_param set), nodes in model order
 * checked to be a valid schedule, and attributes copied; shapes of node outputs
 * are not inferred yet. Returns NULL with d filled on any error: unreadable file,
 * malformed protobuf, inconsistent data, or unsupported ops (all of them named
 * in one message). limits may be NULL. */
Graph *onnx_load_file(const char *path, const OnnxLimits *limits, Diag *d);
/* The same from bytes in memory; name is used in the banner of emitted code. */
Graph *onnx_load_buffer(const void *data, size_t size, const char *name,
                        const OnnxLimits *limits, Diag *d);

/* Checks a graph after shape inference or the passes against the limits: every
 * computed tensor and graph input of known shape has at most max_elements and
 * at least one element, and the planned activation arena is at most
 * max_total_bytes. False with d filled (ST_LIMIT, ST_UNSUPPORTED). limits may
 * be NULL (defaults). Run it before anything allocates per-tensor memory
 * (the interpreter) or emits arrays (codegen). */
bool onnx_check_limits(const Graph *g, const OnnxLimits *limits, Diag *d);

/* A tensor read from a serialized TensorProto (.pb) file, for `onnxc run`. */
typedef struct OnnxTensor {
    DType dtype;
    int rank;
    int64_t dims[IR_MAX_RANK];
    void *data;                /* numel * dtype_size bytes, allocated in the arena passed */
    const char *name;
} OnnxTensor;
/* Reads a TensorProto file; data lives in arena a. False with d filled on error. */
bool onnx_read_tensor(const char *path, Arena *a, OnnxTensor *out, Diag *d);
/* Writes a TensorProto file (raw_data) through PATH.tmp renamed into place, so
 * a failure leaves no half-written file. False with d filled on error. */
bool onnx_write_tensor(const char *path, const OnnxTensor *t, Diag *d);

#endif
