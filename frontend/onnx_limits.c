/* SPDX-License-Identifier: MIT */
/*
 * onnx_limits.c - the limits a model must stay within, and the memory budget
 * of protobuf decoding.
 *
 * Limits (OnnxLimits, defaults below) bound what a model file may ask onnxc to
 * allocate or loop over: the file's size (checked before it is read), ranks,
 * elements per tensor, constant bytes, node and value counts (the node count
 * is that of the graph with model-local functions inlined), string lengths, the
 * nesting of function calls, and after shape inference every computed tensor and
 * the activation arena.
 *
 * protobuf-c itself checks every length prefix against the bytes that remain,
 * so a field that claims 2^40 bytes fails without allocating them, and our
 * onnx.proto has no recursive message (no GraphProto inside AttributeProto), so
 * decoding recurses at most six levels whatever the input. What protobuf-c does
 * not bound is the ratio of memory to input: each two-byte empty submessage
 * becomes a struct of a hundred bytes or more. The allocator below counts what
 * decoding takes and fails past 64 MiB + 16 x the input size, which no real
 * model comes near (weights decode to their own size). Inlining model-local
 * functions draws on the same budget, so a small file whose functions call each
 * other twice over cannot unfold into gigabytes of nodes either.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

OnnxLimits onnx_limits_resolve(const OnnxLimits *in)
{
    OnnxLimits l = {0};
    if (in)
        l = *in;
    if (l.max_rank <= 0 || l.max_rank > IR_MAX_RANK)
        l.max_rank = IR_MAX_RANK;
    if (l.max_elements <= 0)
        l.max_elements = (int64_t)1 << 30;
    if (l.max_total_bytes <= 0)
        l.max_total_bytes = (int64_t)4 << 30;
    if (l.max_file_bytes <= 0)
        l.max_file_bytes = (int64_t)4 << 30;
    if (l.max_nodes <= 0)
        l.max_nodes = (int64_t)1 << 20;
    if (l.max_nodes > ((int64_t)1 << 24))  /* node indices are int, with room for edges */
        l.max_nodes = (int64_t)1 << 24;
    if (l.max_string <= 0)
        l.max_string = (int64_t)1 << 16;
    if (l.max_call_depth <= 0)
        l.max_call_depth = 64;
    if (l.max_call_depth > 256)   /* inlining recurses once per nested call */
        l.max_call_depth = 256;
    return l;
}

/* Each block carries its size in front, so free can give the budget back. */
typedef union BudgetHeader {
    size_t size;
    max_align_t align;
} BudgetHeader;

static void *budget_alloc(void *data, size_t size)
{
    OnnxBudget *b = data;
    if (b->failed || size > b->limit - b->used || size > SIZE_MAX - sizeof(BudgetHeader)) {
        b->failed = true;
        return NULL;
    }
    BudgetHeader *h = malloc(sizeof *h + size);
    if (!h)
        return NULL;
    h->size = size;
    b->used += size;
    if (b->used > b->peak)
        b->peak = b->used;
    return h + 1;
}

static void budget_free(void *data, void *p)
{
    OnnxBudget *b = data;
    if (!p)
        return;
    BudgetHeader *h = (BudgetHeader *)p - 1;
    b->used -= h->size;
    free(h);
}

ProtobufCAllocator onnx_budget_allocator(OnnxBudget *b, size_t input_size)
{
    memset(b, 0, sizeof *b);
    size_t base = (size_t)64 << 20;
    b->limit = input_size > (SIZE_MAX - base) / 16 ? SIZE_MAX : base + 16 * input_size;
    ProtobufCAllocator a = {budget_alloc, budget_free, b};
    return a;
}

bool onnx_check_limits(const Graph *g, const OnnxLimits *limits, Diag *d)
{
    OnnxLimits lim = onnx_limits_resolve(limits);
    for (int i = 0; i < g->n_tensors; i++) {
        const Tensor *t = &g->tensors[i];
        if (!ir_shape_known(t) || (t->producer < 0 && t->kind != TK_INPUT))
            continue;          /* constants were checked on the way in, or are folded */
        const Node *n = t->producer >= 0 ? &g->nodes[t->producer] : NULL;
        char type[256];
        ir_format_type(t, type, sizeof type);
        int64_t numel = ir_numel(t);
        if (numel < 0 || numel > lim.max_elements)
            return diag_fail(d, ST_LIMIT, n, "tensor \"%s\" (%s) has more than %lld elements",
                             t->name, type, (long long)lim.max_elements);
        if (numel == 0 && t->kind != TK_CONST)
            return diag_fail(d, ST_UNSUPPORTED, n, "tensor \"%s\" (%s) is empty; onnxc does not "
                             "compile zero-size tensors", t->name, type);
    }
    if (g->arena_bytes > lim.max_total_bytes)
        return diag_fail(d, ST_LIMIT, NULL, "the activations need %lld bytes, more than the "
                         "limit of %lld", (long long)g->arena_bytes,
                         (long long)lim.max_total_bytes);
    return true;
}
