/* SPDX-License-Identifier: MIT */
/*
 * model_builder.c - a small builder of ONNX models from the protobuf-c structs generated
 * from frontend/onnx.proto, for tests that need model bytes without a Python
 * exporter. Everything lives in the builder's own arena; failures are cmocka
 * assertion failures (this is test code).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model_builder.h"

void *mb_alloc(MB *b, size_t n)
{
    void *p = arena_alloc(b->a, n);
    assert_non_null(p);
    return p;
}

ProtobufCBinaryData mb_bin(MB *b, const char *s)
{
    ProtobufCBinaryData r;
    r.len = strlen(s);
    r.data = (uint8_t *)arena_strdup(b->a, s);
    return r;
}

/* Splits "a,b,,c" into binary strings (empty entries kept). */
static ProtobufCBinaryData *split(MB *b, const char *list, size_t *n)
{
    *n = 0;
    if (!*list)
        return NULL;
    ProtobufCBinaryData *r = mb_alloc(b, MB_CAP * sizeof(*r));
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        char tmp[128];
        assert_true(len < sizeof(tmp));
        memcpy(tmp, p, len);
        tmp[len] = '\0';
        r[(*n)++] = mb_bin(b, tmp);
        if (!p[len])
            break;
        p += len + 1;
    }
    return r;
}

void mb_opset(MB *b, const char *domain, int64_t version)
{
    Onnx__OperatorSetIdProto *o = mb_alloc(b, sizeof(*o));
    onnx__operator_set_id_proto__init(o);
    o->has_domain = 1;
    o->domain = mb_bin(b, domain);
    o->has_version = 1;
    o->version = version;
    b->opsets[b->m.n_opset_import++] = o;
}

/* A model with producer "test" 1.0, IR version 8 and default opset (if > 0). */
MB *mb_new(int64_t opset)
{
    Arena *a = arena_new();
    assert_non_null(a);
    MB *b = arena_alloc(a, sizeof(*b));
    assert_non_null(b);
    b->a = a;
    onnx__model_proto__init(&b->m);
    onnx__graph_proto__init(&b->g);
    b->m.has_ir_version = 1;
    b->m.ir_version = 8;
    b->m.has_producer_name = 1;
    b->m.producer_name = mb_bin(b, "test");
    b->m.has_producer_version = 1;
    b->m.producer_version = mb_bin(b, "1.0");
    b->m.opset_import = b->opsets;
    if (opset > 0)
        mb_opset(b, "", opset);
    b->m.graph = &b->g;
    b->g.node = mb_alloc(b, MB_CAP * sizeof(void *));
    b->g.initializer = mb_alloc(b, MB_CAP * sizeof(void *));
    b->g.input = mb_alloc(b, MB_CAP * sizeof(void *));
    b->g.output = mb_alloc(b, MB_CAP * sizeof(void *));
    return b;
}

void mb_free(MB *b)
{
    arena_free(b->a);
}

static Onnx__ValueInfoProto *mb_value_info(MB *b, const char *name, int dtype, int rank,
                                           const int64_t *dims, const char *const *params)
{
    Onnx__ValueInfoProto *v = mb_alloc(b, sizeof(*v));
    onnx__value_info_proto__init(v);
    v->has_name = 1;
    v->name = mb_bin(b, name);
    Onnx__TypeProto *t = mb_alloc(b, sizeof(*t));
    onnx__type_proto__init(t);
    Onnx__TypeProto__Tensor *tt = mb_alloc(b, sizeof(*tt));
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = 1;
    tt->elem_type = dtype;
    if (rank >= 0) {
        Onnx__TensorShapeProto *s = mb_alloc(b, sizeof(*s));
        onnx__tensor_shape_proto__init(s);
        s->n_dim = (size_t)rank;
        s->dim = mb_alloc(b, (size_t)(rank + 1) * sizeof(void *));
        for (int i = 0; i < rank; i++) {
            Onnx__TensorShapeProto__Dimension *dm = mb_alloc(b, sizeof(*dm));
            onnx__tensor_shape_proto__dimension__init(dm);
            if (params && params[i]) {
                dm->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
                dm->dim_param = mb_bin(b, params[i]);
            } else if (dims[i] != INT64_MIN) {
                dm->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
                dm->dim_value = dims[i];
            }
            s->dim[i] = dm;
        }
        tt->shape = s;
    }
    t->tensor_type = tt;
    v->type = t;
    return v;
}

/* A graph input; rank -1 gives no shape; dims[i] == INT64_MIN gives neither value
 * nor param; params[i] != NULL gives a symbolic dim. */
void mb_input(MB *b, const char *name, int dtype, int rank, const int64_t *dims,
              const char *const *params)
{
    b->g.input[b->g.n_input++] = mb_value_info(b, name, dtype, rank, dims, params);
}

void mb_output(MB *b, const char *name, int dtype)
{
    b->g.output[b->g.n_output++] = mb_value_info(b, name, dtype, -1, NULL, NULL);
}

/* A TensorProto without data. */
Onnx__TensorProto *mb_tensor(MB *b, const char *name, int dtype, int rank,
                             const int64_t *dims)
{
    Onnx__TensorProto *t = mb_alloc(b, sizeof(*t));
    onnx__tensor_proto__init(t);
    if (name) {
        t->has_name = 1;
        t->name = mb_bin(b, name);
    }
    t->has_data_type = 1;
    t->data_type = dtype;
    t->n_dims = (size_t)rank;
    t->dims = mb_alloc(b, (size_t)(rank + 1) * sizeof(int64_t));
    memcpy(t->dims, dims, (size_t)rank * sizeof(int64_t));
    return t;
}

Onnx__TensorProto *mb_tensor_raw(MB *b, const char *name, int dtype, int rank,
                                 const int64_t *dims, const void *data, size_t nbytes)
{
    Onnx__TensorProto *t = mb_tensor(b, name, dtype, rank, dims);
    t->has_raw_data = 1;
    t->raw_data.len = nbytes;
    t->raw_data.data = mb_alloc(b, nbytes);
    memcpy(t->raw_data.data, data, nbytes);
    return t;
}

Onnx__TensorProto *mb_tensor_floats(MB *b, const char *name, int rank, const int64_t *dims,
                                    const float *v, size_t n)
{
    Onnx__TensorProto *t = mb_tensor(b, name, 1, rank, dims);
    t->n_float_data = n;
    t->float_data = mb_alloc(b, n * sizeof(float));
    memcpy(t->float_data, v, n * sizeof(float));
    return t;
}

void mb_init(MB *b, Onnx__TensorProto *t)
{
    b->g.initializer[b->g.n_initializer++] = t;
}

/* A node in the default domain, appended nowhere. */
static Onnx__NodeProto *new_node(MB *b, const char *op, const char *name, const char *in,
                                 const char *out)
{
    Onnx__NodeProto *n = mb_alloc(b, sizeof(*n));
    onnx__node_proto__init(n);
    n->has_op_type = 1;
    n->op_type = mb_bin(b, op);
    if (name) {
        n->has_name = 1;
        n->name = mb_bin(b, name);
    }
    n->input = split(b, in, &n->n_input);
    n->output = split(b, out, &n->n_output);
    n->attribute = mb_alloc(b, MB_CAP * sizeof(void *));
    return n;
}

/* A node in the default domain; inputs and outputs as "a,b,,c". */
Onnx__NodeProto *mb_node(MB *b, const char *op, const char *name, const char *in,
                         const char *out)
{
    assert_true(b->g.n_node < MB_CAP);
    Onnx__NodeProto *n = new_node(b, op, name, in, out);
    b->g.node[b->g.n_node++] = n;
    return n;
}

Onnx__FunctionProto *mb_function(MB *b, const char *domain, const char *name, const char *in,
                                 const char *out)
{
    if (!b->m.functions)
        b->m.functions = mb_alloc(b, MB_CAP * sizeof(void *));
    assert_true(b->m.n_functions < MB_CAP);
    Onnx__FunctionProto *f = mb_alloc(b, sizeof(*f));
    onnx__function_proto__init(f);
    f->has_domain = 1;
    f->domain = mb_bin(b, domain);
    f->has_name = 1;
    f->name = mb_bin(b, name);
    f->input = split(b, in, &f->n_input);
    f->output = split(b, out, &f->n_output);
    f->node = mb_alloc(b, MB_CAP * sizeof(void *));
    f->opset_import = mb_alloc(b, 4 * sizeof(void *));
    f->attribute_proto = mb_alloc(b, MB_CAP * sizeof(void *));
    b->m.functions[b->m.n_functions++] = f;
    return f;
}

void mb_fn_opset(MB *b, Onnx__FunctionProto *f, const char *domain, int64_t version)
{
    assert_true(f->n_opset_import < 4);
    Onnx__OperatorSetIdProto *o = mb_alloc(b, sizeof(*o));
    onnx__operator_set_id_proto__init(o);
    o->has_domain = 1;
    o->domain = mb_bin(b, domain);
    o->has_version = 1;
    o->version = version;
    f->opset_import[f->n_opset_import++] = o;
}

Onnx__NodeProto *mb_fn_node(MB *b, Onnx__FunctionProto *f, const char *op, const char *name,
                            const char *in, const char *out)
{
    assert_true(f->n_node < MB_CAP);
    Onnx__NodeProto *n = new_node(b, op, name, in, out);
    f->node[f->n_node++] = n;
    return n;
}

Onnx__AttributeProto *mb_fn_attr(MB *b, Onnx__FunctionProto *f, const char *name, int type)
{
    assert_true(f->n_attribute_proto < MB_CAP);
    Onnx__AttributeProto *a = mb_alloc(b, sizeof(*a));
    onnx__attribute_proto__init(a);
    a->has_name = 1;
    a->name = mb_bin(b, name);
    a->has_type = 1;
    a->type = type;
    f->attribute_proto[f->n_attribute_proto++] = a;
    return a;
}

void mb_node_domain(MB *b, Onnx__NodeProto *n, const char *domain)
{
    n->has_domain = 1;
    n->domain = mb_bin(b, domain);
}

Onnx__AttributeProto *mb_attr_ref(MB *b, Onnx__NodeProto *n, const char *name, int type,
                                  const char *ref)
{
    Onnx__AttributeProto *a = mb_attr(b, n, name, type);
    a->has_ref_attr_name = 1;
    a->ref_attr_name = mb_bin(b, ref);
    return a;
}

Onnx__AttributeProto *mb_attr(MB *b, Onnx__NodeProto *n, const char *name, int type)
{
    Onnx__AttributeProto *a = mb_alloc(b, sizeof(*a));
    onnx__attribute_proto__init(a);
    a->has_name = 1;
    a->name = mb_bin(b, name);
    a->has_type = 1;
    a->type = type;
    n->attribute[n->n_attribute++] = a;
    return a;
}

void mb_attr_float(MB *b, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = mb_attr(b, n, name, AT_FLOAT);
    a->has_f = 1;
    a->f = v;
}

void mb_attr_int(MB *b, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = mb_attr(b, n, name, AT_INT);
    a->has_i = 1;
    a->i = v;
}

void mb_attr_ints(MB *b, Onnx__NodeProto *n, const char *name, size_t k, const int64_t *v)
{
    Onnx__AttributeProto *a = mb_attr(b, n, name, AT_INTS);
    a->n_ints = k;
    a->ints = mb_alloc(b, (k + 1) * sizeof(int64_t));
    memcpy(a->ints, v, k * sizeof(int64_t));
}

uint8_t *mb_pack(MB *b, size_t *len)
{
    *len = onnx__model_proto__get_packed_size(&b->m);
    uint8_t *buf = mb_alloc(b, *len + 1);
    assert_int_equal(onnx__model_proto__pack(&b->m, buf), *len);
    return buf;
}
