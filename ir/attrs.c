/* SPDX-License-Identifier: MIT */
/*
 * attrs.c - node attributes: lookup, typed getters, and copying into the arena.
 *
 * Nodes keep their ONNX attributes as given (name, type, value) so the printer
 * shows exactly what the model said; the meaning of each attribute is decided
 * where it is used (ir/geom.c, ir/shape.c). A getter that finds an attribute of
 * the wrong type reports it as a bad model instead of silently using a default.
 */
#include <string.h>

#include "ir.h"

const Attr *ir_attr(const Node *n, const char *name)
{
    for (int i = 0; i < n->n_attrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0)
            return &n->attrs[i];
    return NULL;
}

static const char *attr_type_name(AttrType t)
{
    switch (t) {
    case AT_FLOAT: return "float";
    case AT_INT: return "int";
    case AT_STRING: return "string";
    case AT_TENSOR: return "tensor";
    case AT_FLOATS: return "floats";
    case AT_INTS: return "ints";
    case AT_STRINGS: return "strings";
    }
    return "?";
}

static const Attr *typed(const Node *n, const char *name, AttrType want, Diag *d, bool *ok)
{
    const Attr *a = ir_attr(n, name);
    *ok = true;
    if (a && a->type != want) {
        *ok = diag_fail(d, ST_BAD_MODEL, n, "attribute '%s' is %s, expected %s", name,
                        attr_type_name(a->type), attr_type_name(want));
        return NULL;
    }
    return a;
}

bool ir_attr_int(const Node *n, const char *name, int64_t def, int64_t *out, Diag *d)
{
    bool ok;
    const Attr *a = typed(n, name, AT_INT, d, &ok);
    *out = a ? a->i : def;
    return ok;
}

bool ir_attr_float(const Node *n, const char *name, float def, float *out, Diag *d)
{
    bool ok;
    const Attr *a = typed(n, name, AT_FLOAT, d, &ok);
    *out = a ? a->f : def;
    return ok;
}

bool ir_attr_string(const Node *n, const char *name, const char *def, const char **out, Diag *d)
{
    bool ok;
    const Attr *a = typed(n, name, AT_STRING, d, &ok);
    *out = a ? a->s : def;
    return ok;
}

bool ir_attr_ints(const Node *n, const char *name, const int64_t **out, int *n_out, Diag *d)
{
    bool ok;
    const Attr *a = typed(n, name, AT_INTS, d, &ok);
    *out = a ? a->ints : NULL;
    *n_out = a ? a->n : -1;
    return ok;
}

bool ir_attr_floats(const Node *n, const char *name, const float **out, int *n_out, Diag *d)
{
    bool ok;
    const Attr *a = typed(n, name, AT_FLOATS, d, &ok);
    *out = a ? a->floats : NULL;
    *n_out = a ? a->n : -1;
    return ok;
}

bool ir_node_set_attrs(Graph *g, int node, const Attr *attrs, int n_attrs)
{
    Arena *ar = g->arena;
    Attr *copy = arena_calloc(ar, (size_t)(n_attrs ? n_attrs : 1), sizeof(Attr));
    if (!copy)
        return false;
    for (int i = 0; i < n_attrs; i++) {
        const Attr *src = &attrs[i];
        Attr *dst = &copy[i];
        *dst = *src;
        dst->name = arena_strdup(ar, src->name);
        if (!dst->name)
            return false;
        dst->s = src->s ? arena_strdup(ar, src->s) : NULL;
        dst->ints = NULL;
        dst->floats = NULL;
        dst->strings = NULL;
        /* A list attribute gets a non-NULL array even when empty (n == 0), so
         * that readers may pass it to memcpy and friends without a check. */
        size_t cnt = src->n > 0 ? (size_t)src->n : 0;
        if (src->type == AT_INTS || (src->ints && cnt)) {
            int64_t *p = arena_calloc(ar, cnt ? cnt : 1, sizeof *p);
            if (!p)
                return false;
            if (cnt && src->ints)
                memcpy(p, src->ints, cnt * sizeof *p);
            dst->ints = p;
        }
        if (src->type == AT_FLOATS || (src->floats && cnt)) {
            float *p = arena_calloc(ar, cnt ? cnt : 1, sizeof *p);
            if (!p)
                return false;
            if (cnt && src->floats)
                memcpy(p, src->floats, cnt * sizeof *p);
            dst->floats = p;
        }
        if (src->type == AT_STRINGS || (src->strings && cnt)) {
            const char **p = arena_calloc(ar, cnt ? cnt : 1, sizeof *p);
            if (!p)
                return false;
            for (size_t k = 0; k < cnt && src->strings; k++)
                if (!(p[k] = arena_strdup(ar, src->strings[k])))
                    return false;
            dst->strings = p;
        }
    }
    g->nodes[node].attrs = copy;
    g->nodes[node].n_attrs = n_attrs;
    return true;
}
