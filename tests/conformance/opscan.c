/* SPDX-License-Identifier: MIT */
/*
 * opscan.c - lists the op types of an ONNX model without decoding it.
 *
 * The conformance runner must know which ops a case uses even when onnxc
 * rejects the model, to decide whether the case is in the scope of the issue's
 * op list. This walks the protobuf wire format just deep enough:
 * ModelProto.graph (7) -> GraphProto.node (1) -> NodeProto.op_type (4) and
 * domain (7). Subgraphs are not entered: an op that carries one (If, Loop,
 * Scan) is outside the op list anyway. Malformed input gives false.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conformance.h"

typedef struct Span {
    const unsigned char *p;
    size_t n;
} Span;

static bool varint(const unsigned char *p, size_t n, size_t *i, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64 && *i < n; shift += 7) {
        unsigned char b = p[(*i)++];
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

/* Calls back for every length-delimited field `want` of message m; skips the rest. */
static bool each_field(Span m, uint64_t want, bool (*fn)(Span, void *), void *ctx)
{
    size_t i = 0;
    while (i < m.n) {
        uint64_t key, v;
        if (!varint(m.p, m.n, &i, &key))
            return false;
        switch (key & 7) {
        case 0:
            if (!varint(m.p, m.n, &i, &v))
                return false;
            break;
        case 1:
            if (m.n - i < 8)
                return false;
            i += 8;
            break;
        case 5:
            if (m.n - i < 4)
                return false;
            i += 4;
            break;
        case 2:
            if (!varint(m.p, m.n, &i, &v) || v > m.n - i)
                return false;
            if ((key >> 3) == want && !fn((Span){m.p + i, (size_t)v}, ctx))
                return false;
            i += (size_t)v;
            break;
        default:
            return false;
        }
    }
    return true;
}

typedef struct NodeScan {
    char op[64];
    char domain[64];
} NodeScan;

static bool copy_op(Span s, void *ctx)
{
    NodeScan *ns = ctx;
    size_t n = s.n < sizeof ns->op - 1 ? s.n : sizeof ns->op - 1;
    memcpy(ns->op, s.p, n);
    ns->op[n] = '\0';
    return true;
}

static bool copy_domain(Span s, void *ctx)
{
    NodeScan *ns = ctx;
    size_t n = s.n < sizeof ns->domain - 1 ? s.n : sizeof ns->domain - 1;
    memcpy(ns->domain, s.p, n);
    ns->domain[n] = '\0';
    return true;
}

static bool on_node(Span s, void *ctx)
{
    OpSet *set = ctx;
    NodeScan ns = {{0}, {0}};
    if (!each_field(s, 4, copy_op, &ns) || !each_field(s, 7, copy_domain, &ns))
        return false;
    char label[140];
    if (ns.domain[0] && strcmp(ns.domain, "ai.onnx") != 0)
        snprintf(label, sizeof label, "%s.%s", ns.domain, ns.op);
    else
        snprintf(label, sizeof label, "%s", ns.op);
    for (int k = 0; k < set->n; k++)
        if (strcmp(set->names[k], label) == 0)
            return true;
    if (set->n < OPSET_MAX)
        snprintf(set->names[set->n++], sizeof set->names[0], "%s", label);
    return true;
}

static bool on_graph(Span s, void *ctx)
{
    return each_field(s, 1, on_node, ctx);
}

bool scan_op_types(const void *model, size_t size, OpSet *out)
{
    out->n = 0;
    return each_field((Span){model, size}, 7, on_graph, out);
}
