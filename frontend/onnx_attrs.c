/* SPDX-License-Identifier: MIT */
/*
 * onnx_attrs.c - node attributes and Constant nodes, from protobuf into the IR.
 *
 * Attributes are copied into Attr records (ir_node_set_attrs makes the final
 * copy); a tensor attribute becomes a constant tensor of the graph whose id the
 * Attr holds. Attribute kinds onnxc has no use for (graphs, sparse tensors, type
 * protos, lists of tensors) are refused with ST_UNSUPPORTED rather than
 * dropped, so no node runs with a silently missing attribute. References to
 * function attributes were resolved when functions were inlined; one left over
 * sits outside a function body and is an error. A Constant node is not kept as
 * a node: its value becomes a constant tensor under the node's output name.
 */
#include <limits.h>
#include <string.h>

#include "onnx_internal.h"

bool onnx_add_const(OnnxCtx *c, const Onnx__TensorProto *t, const char *name,
                    const OnnxWhere *w, int *id, Diag *d)
{
    OnnxDecoded dec;
    if (!onnx_decode_tensor(t, &c->lim, c->base_dir, w, &dec, d))
        return false;
    if ((int64_t)dec.nbytes > c->lim.max_total_bytes - c->total_bytes) {
        onnx_tensor_release(&dec);
        return diag_fail_named(d, ST_LIMIT, w->node, w->op,
                               "%s takes the constant data past the limit of %lld bytes",
                               w->what, (long long)c->lim.max_total_bytes);
    }
    c->total_bytes += (int64_t)dec.nbytes;
    *id = ir_add_const(c->g, name, dec.dtype, dec.rank, dec.dims, dec.data);
    onnx_tensor_release(&dec);
    if (*id < 0)
        return diag_fail_named(d, ST_NOMEM, w->node, w->op, "out of memory adding %s", w->what);
    return true;
}

static const char *attr_type_text(int32_t type)
{
    switch (type) {
    case 5: return "graph";
    case 9: return "tensors";
    case 10: return "graphs";
    case 11: return "sparse_tensor";
    case 12: return "sparse_tensors";
    case 13: return "type_proto";
    case 14: return "type_protos";
    default: return "unknown";
    }
}

/* Makes a graph-unique name for the constant held by attribute `attr` of a node. */
static const char *attr_const_name(Graph *g, const OnnxWhere *w, const char *attr)
{
    char base[256];
    snprintf(base, sizeof(base), "%s_%s", *w->node ? w->node : w->op, attr);
    return ir_unique_name(g, base);
}

static bool convert_attr(OnnxCtx *c, const Onnx__AttributeProto *a, const OnnxWhere *w,
                         Attr *out, Diag *d)
{
    Arena *ar = c->g->arena;
    memset(out, 0, sizeof(*out));
    out->tensor = -1;
    OnnxWhere wa = {w->node, w->op, "attribute name"};
    if (!onnx_copy_str(ar, c->lim.max_string, a->name, &wa, &out->name, d))
        return false;
    if (!*out->name)
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op, "attribute with no name");
    if (a->ref_attr_name.len > 0)   /* inlining resolved every one inside a function */
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op, "attribute \"%s\" refers to "
                               "a function attribute outside a function body", out->name);
    if (!a->has_type || a->type == 0)
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op, "attribute \"%s\" has no type",
                               out->name);
    char what[200];
    snprintf(what, sizeof(what), "attribute \"%s\"", out->name);
    OnnxWhere wv = {w->node, w->op, what};
    switch (a->type) {
    case AT_FLOAT:
        out->type = AT_FLOAT;
        out->f = a->f;
        return true;
    case AT_INT:
        out->type = AT_INT;
        out->i = a->i;
        return true;
    case AT_STRING:
        out->type = AT_STRING;
        return onnx_copy_str(ar, c->lim.max_string, a->s, &wv, &out->s, d);
    case AT_TENSOR: {
        out->type = AT_TENSOR;
        if (!a->t)
            return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                                   "attribute \"%s\" has type tensor but no tensor", out->name);
        const char *name = attr_const_name(c->g, w, out->name);
        if (!name)
            return diag_fail_named(d, ST_NOMEM, w->node, w->op, "out of memory");
        return onnx_add_const(c, a->t, name, &wv, &out->tensor, d);
    }
    case AT_FLOATS:
        out->type = AT_FLOATS;
        if (a->n_floats > INT_MAX)
            return diag_fail_named(d, ST_LIMIT, w->node, w->op, "attribute \"%s\" is too long",
                                   out->name);
        out->n = (int)a->n_floats;
        out->floats = a->floats;   /* ir_node_set_attrs copies them */
        return true;
    case AT_INTS:
        out->type = AT_INTS;
        if (a->n_ints > INT_MAX)
            return diag_fail_named(d, ST_LIMIT, w->node, w->op, "attribute \"%s\" is too long",
                                   out->name);
        out->n = (int)a->n_ints;
        out->ints = a->ints;
        return true;
    case AT_STRINGS: {
        out->type = AT_STRINGS;
        if (a->n_strings > INT_MAX / sizeof(char *))
            return diag_fail_named(d, ST_LIMIT, w->node, w->op, "attribute \"%s\" is too long",
                                   out->name);
        const char **s = arena_calloc(ar, a->n_strings ? a->n_strings : 1, sizeof(*s));
        if (!s)
            return diag_fail_named(d, ST_NOMEM, w->node, w->op, "out of memory");
        for (size_t k = 0; k < a->n_strings; k++)
            if (!onnx_copy_str(ar, c->lim.max_string, a->strings[k], &wv, &s[k], d))
                return false;
        out->strings = s;
        out->n = (int)a->n_strings;
        return true;
    }
    default:
        break;
    }
    if (a->type >= 5 && a->type <= 14)
        return diag_fail_named(d, ST_UNSUPPORTED, w->node, w->op,
                               "attribute \"%s\" has type %s, which onnxc does not support",
                               out->name, attr_type_text(a->type));
    return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op, "attribute \"%s\" has type code %d",
                           out->name, (int)a->type);
}

bool onnx_convert_attrs(OnnxCtx *c, const Onnx__NodeProto *p, const OnnxWhere *w,
                        Attr **attrs, int *n, Diag *d)
{
    *attrs = NULL;
    *n = 0;
    if (p->n_attribute > 4096)
        return diag_fail_named(d, ST_LIMIT, w->node, w->op, "node has %zu attributes",
                               p->n_attribute);
    Attr *a = arena_calloc(c->g->arena, p->n_attribute ? p->n_attribute : 1, sizeof(*a));
    if (!a)
        return diag_fail_named(d, ST_NOMEM, w->node, w->op, "out of memory");
    for (size_t k = 0; k < p->n_attribute; k++) {
        if (!convert_attr(c, p->attribute[k], w, &a[k], d))
            return false;
        for (size_t j = 0; j < k; j++)
            if (strcmp(a[j].name, a[k].name) == 0)
                return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                                       "attribute \"%s\" is given twice", a[k].name);
    }
    *attrs = a;
    *n = (int)p->n_attribute;
    return true;
}

bool onnx_constant_node(OnnxCtx *c, const Onnx__NodeProto *p, const char *out_name,
                        const OnnxWhere *w, int *id, Diag *d)
{
    if (p->n_attribute != 1)
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                               "Constant node has %zu attributes, needs exactly one",
                               p->n_attribute);
    const Onnx__AttributeProto *a = p->attribute[0];
    const char *name;
    OnnxWhere wn = {w->node, w->op, "attribute name"};
    if (!onnx_copy_str(c->g->arena, c->lim.max_string, a->name, &wn, &name, d))
        return false;
    char what[200];
    snprintf(what, sizeof(what), "Constant value \"%s\"", out_name);
    OnnxWhere wv = {w->node, w->op, what};
    int32_t want;
    if (strcmp(name, "value") == 0)
        want = AT_TENSOR;
    else if (strcmp(name, "value_float") == 0)
        want = AT_FLOAT;
    else if (strcmp(name, "value_floats") == 0)
        want = AT_FLOATS;
    else if (strcmp(name, "value_int") == 0)
        want = AT_INT;
    else if (strcmp(name, "value_ints") == 0)
        want = AT_INTS;
    else if (strcmp(name, "sparse_value") == 0 || strcmp(name, "value_string") == 0 ||
             strcmp(name, "value_strings") == 0)
        return diag_fail_named(d, ST_UNSUPPORTED, w->node, w->op,
                               "Constant with attribute \"%s\" is not supported", name);
    else
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                               "Constant has unknown attribute \"%s\"", name);
    if (!a->has_type || a->type != want)
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                               "Constant attribute \"%s\" has type code %d", name,
                               a->has_type ? (int)a->type : 0);
    int64_t len;
    int ok_id = -1;
    switch (want) {
    case AT_TENSOR:
        if (!a->t)
            return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                                   "Constant attribute \"value\" holds no tensor");
        if (!onnx_add_const(c, a->t, out_name, &wv, id, d))
            return false;
        return true;
    case AT_FLOAT:
        ok_id = ir_add_const(c->g, out_name, DT_F32, 0, NULL, &a->f);
        break;
    case AT_INT:
        ok_id = ir_add_const(c->g, out_name, DT_I64, 0, NULL, &a->i);
        break;
    case AT_FLOATS:
        if (a->n_floats > (size_t)c->lim.max_elements)
            return diag_fail_named(d, ST_LIMIT, w->node, w->op, "%s is too long", what);
        len = (int64_t)a->n_floats;
        ok_id = ir_add_const(c->g, out_name, DT_F32, 1, &len, a->floats);
        break;
    default:   /* AT_INTS */
        if (a->n_ints > (size_t)c->lim.max_elements)
            return diag_fail_named(d, ST_LIMIT, w->node, w->op, "%s is too long", what);
        len = (int64_t)a->n_ints;
        ok_id = ir_add_const(c->g, out_name, DT_I64, 1, &len, a->ints);
        break;
    }
    if (ok_id < 0)
        return diag_fail_named(d, ST_NOMEM, w->node, w->op, "out of memory");
    int64_t nbytes = ir_nbytes(&c->g->tensors[ok_id]);
    if (nbytes > c->lim.max_total_bytes - c->total_bytes)
        return diag_fail_named(d, ST_LIMIT, w->node, w->op,
                               "%s takes the constant data past the limit of %lld bytes", what,
                               (long long)c->lim.max_total_bytes);
    c->total_bytes += nbytes;
    *id = ok_id;
    return true;
}
