/* SPDX-License-Identifier: MIT */
/*
 * model_builder.h - model builder for tests: ONNX ModelProtos assembled from the generated
 * protobuf-c structs (test code only; includes onnx.pb-c.h).
 */
#ifndef ONNXC_TESTS_MODEL_BUILDER_H
#define ONNXC_TESTS_MODEL_BUILDER_H

#include "ir.h"
#include "onnx.pb-c.h"

#define MB_CAP 32              /* most nodes, initializers, inputs, outputs, attributes */

typedef struct MB {
    Arena *a;                  /* owns every struct and string of the model */
    Onnx__ModelProto m;
    Onnx__GraphProto g;
    Onnx__OperatorSetIdProto *opsets[4];
} MB;

/* A model with producer "test" 1.0, IR version 8 and default-domain opset (if > 0). */
MB *mb_new(int64_t opset);
void mb_free(MB *b);
/* n zeroed bytes from the builder's arena. */
void *mb_alloc(MB *b, size_t n);
/* s as a protobuf bytes field (copied). */
ProtobufCBinaryData mb_bin(MB *b, const char *s);
void mb_opset(MB *b, const char *domain, int64_t version);
/* A graph input; rank -1 gives no shape; dims[i] == INT64_MIN gives neither value
 * nor param; params[i] != NULL gives a symbolic dim. dtype is an ONNX code. */
void mb_input(MB *b, const char *name, int dtype, int rank, const int64_t *dims,
              const char *const *params);
void mb_output(MB *b, const char *name, int dtype);
/* A TensorProto without data (name may be NULL). */
Onnx__TensorProto *mb_tensor(MB *b, const char *name, int dtype, int rank, const int64_t *dims);
Onnx__TensorProto *mb_tensor_raw(MB *b, const char *name, int dtype, int rank,
                                 const int64_t *dims, const void *data, size_t nbytes);
Onnx__TensorProto *mb_tensor_floats(MB *b, const char *name, int rank, const int64_t *dims,
                                    const float *v, size_t n);
/* Appends t to the graph's initializers. */
void mb_init(MB *b, Onnx__TensorProto *t);
/* Appends a node in the default domain; inputs and outputs as "a,b,,c" ("" = none). */
Onnx__NodeProto *mb_node(MB *b, const char *op, const char *name, const char *in,
                         const char *out);
/* Appends an attribute of the given AttributeType code with nothing set. */
Onnx__AttributeProto *mb_attr(MB *b, Onnx__NodeProto *n, const char *name, int type);
void mb_attr_float(MB *b, Onnx__NodeProto *n, const char *name, float v);
void mb_attr_int(MB *b, Onnx__NodeProto *n, const char *name, int64_t v);
void mb_attr_ints(MB *b, Onnx__NodeProto *n, const char *name, size_t k, const int64_t *v);
/* A model-local function (appended to the model) with formal inputs and
 * outputs as "a,b". */
Onnx__FunctionProto *mb_function(MB *b, const char *domain, const char *name, const char *in,
                                 const char *out);
void mb_fn_opset(MB *b, Onnx__FunctionProto *f, const char *domain, int64_t version);
/* Appends a node in the default domain to function f's body. */
Onnx__NodeProto *mb_fn_node(MB *b, Onnx__FunctionProto *f, const char *op, const char *name,
                            const char *in, const char *out);
/* Appends an attribute with a default value to f (set its value after). */
Onnx__AttributeProto *mb_fn_attr(MB *b, Onnx__FunctionProto *f, const char *name, int type);
void mb_node_domain(MB *b, Onnx__NodeProto *n, const char *domain);
/* Appends to n an attribute referring to the function attribute ref. */
Onnx__AttributeProto *mb_attr_ref(MB *b, Onnx__NodeProto *n, const char *name, int type,
                                  const char *ref);
/* Serializes the model into the builder's arena. */
uint8_t *mb_pack(MB *b, size_t *len);

#endif
