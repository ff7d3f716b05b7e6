/* SPDX-License-Identifier: MIT */
/*
 * onnx_internal.h - shared between the files of frontend/ only (never installed,
 * never included outside this folder): tensor decoding, string copying and file
 * reading helpers used by both the model loader and the TensorProto reader.
 */
#ifndef ONNXC_ONNX_INTERNAL_H
#define ONNXC_ONNX_INTERNAL_H

#include "onnx.h"
#include "onnx.pb-c.h"

/* ONNX TensorProto.DataType codes onnxc does not map to a DType, for messages. */
#define ONNX_DT_STRING 8
#define ONNX_DT_EXTERNAL 1     /* TensorProto.DataLocation EXTERNAL */

/* Limits with defaults filled in and max_rank clamped to IR_MAX_RANK. */
OnnxLimits onnx_limits_resolve(const OnnxLimits *in);

/* The memory budget of one protobuf decode (onnx_limits.c). */
typedef struct OnnxBudget {
    size_t limit;              /* bytes decoding may hold at once */
    size_t used, peak;
    bool failed;               /* an allocation was refused for the budget */
} OnnxBudget;
/* A protobuf-c allocator drawing on b, sized for input_size bytes of input. Pass
 * the same allocator to the matching free_unpacked. */
ProtobufCAllocator onnx_budget_allocator(OnnxBudget *b, size_t input_size);

/* Where a tensor or value comes from, for messages: node and op name the node an
 * error concerns ("" for none), what describes the object (`initializer "w"`). */
typedef struct OnnxWhere {
    const char *node;
    const char *op;
    const char *what;
} OnnxWhere;

/* A TensorProto decoded and validated: data holds numel elements of dtype in
 * little-endian order. data points into the protobuf message or into owned
 * (malloc'd, released with onnx_tensor_release). */
typedef struct OnnxDecoded {
    DType dtype;
    int rank;
    int64_t dims[IR_MAX_RANK];
    int64_t numel;
    size_t nbytes;
    const void *data;
    void *owned;
} OnnxDecoded;

/* Decodes t: checks dtype, dims against lim, the one data source (raw_data, a
 * typed field or external data read from base_dir), and its length. False with
 * d filled (ST_BAD_MODEL, ST_UNSUPPORTED, ST_LIMIT, ST_IO, ST_NOMEM). On success
 * the caller must call onnx_tensor_release. */
bool onnx_decode_tensor(const Onnx__TensorProto *t, const OnnxLimits *lim,
                        const char *base_dir, const OnnxWhere *w, OnnxDecoded *out, Diag *d);
void onnx_tensor_release(OnnxDecoded *t);

/* Copies the text field b into arena a as a C string, rejecting embedded NULs
 * (ST_BAD_MODEL naming `what`) and more than max_len bytes (ST_LIMIT). An
 * absent field gives "". */
bool onnx_copy_str(Arena *a, int64_t max_len, ProtobufCBinaryData b, const OnnxWhere *w,
                   const char **out, Diag *d);

/* Reads a whole file into a malloc'd buffer (*data, *size; free() it). A buffer is
 * returned even for an empty file. A file larger than max_bytes is refused
 * before it is read. False with d filled (ST_IO, ST_LIMIT, ST_NOMEM). */
bool onnx_read_file(const char *path, int64_t max_bytes, void **data, size_t *size, Diag *d);

/* Maps an ONNX element type code to a DType; DT_UNDEFINED when onnxc lacks it. */
DType onnx_dtype(int64_t code);
/* Name of an ONNX element type code ("float16"), for messages. */
const char *onnx_dtype_code_name(int64_t code);

/* Writes "[3,4]" for dims into buf. */
void onnx_format_dims(const int64_t *dims, int rank, char *buf, size_t size);

/* State of one model load shared by the loader files. */
typedef struct OnnxCtx {
    Graph *g;
    OnnxLimits lim;            /* resolved */
    const char *base_dir;      /* folder external data is read from */
    int64_t total_bytes;       /* constant data so far, against lim.max_total_bytes */
} OnnxCtx;

/* Decodes t and adds it to the graph as constant `name`; *id gets its tensor id. */
bool onnx_add_const(OnnxCtx *c, const Onnx__TensorProto *t, const char *name,
                    const OnnxWhere *w, int *id, Diag *d);
/* Converts the attributes of node p into an arena array (*attrs, *n); tensor
 * attributes become constants of the graph. w names the node. */
bool onnx_convert_attrs(OnnxCtx *c, const Onnx__NodeProto *p, const OnnxWhere *w,
                        Attr **attrs, int *n, Diag *d);
/* Turns a Constant node into constant tensor out_name (*id) from its one value
 * attribute; the node itself is dropped by the caller. */
bool onnx_constant_node(OnnxCtx *c, const Onnx__NodeProto *p, const char *out_name,
                        const OnnxWhere *w, int *id, Diag *d);

/* The graph's nodes with calls of model-local functions inlined
 * (onnx_functions.c). The caller sets alloc (and budget, when alloc draws on
 * one) and zeroes the rest before onnx_inline_functions. */
typedef struct OnnxInlined {
    Onnx__NodeProto **node;    /* the graph's own nodes and inlined ones, in order */
    size_t n_node;
    ProtobufCAllocator *alloc; /* where the memory comes from */
    OnnxBudget *budget;        /* alloc's budget, for messages; may be NULL */
    void *blocks;              /* memory of the inlined nodes */
} OnnxInlined;
/* Inlines every call of a function of m into its graph's node list, recursively;
 * the result points into m, which must outlive it. c->g->opset must be set.
 * False with d filled: a malformed function or call (ST_BAD_MODEL: recursion,
 * duplicate functions, too many inputs, an output never computed, an attribute
 * reference of the wrong type), an opset other than the model's
 * (ST_UNSUPPORTED), nesting past max_call_depth, more than max_nodes nodes or a
 * name past max_string (ST_LIMIT), memory (ST_LIMIT past the budget, ST_NOMEM).
 * Call onnx_inline_free either way. */
bool onnx_inline_functions(const OnnxCtx *c, const Onnx__ModelProto *m, OnnxInlined *x,
                           Diag *d);
void onnx_inline_free(OnnxInlined *x);

#endif
