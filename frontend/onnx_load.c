/* SPDX-License-Identifier: MIT */
/*
 * onnx_load.c - decoding an ONNX ModelProto into the IR.
 *
 * The steps run in this order, each on a fully validated result of the last:
 * opsets, calls of model-local functions inlined (onnx_functions.c: from then
 * on the graph's node list is the inlined one), the op types of all nodes
 * (every unsupported one is collected and reported in one message, before
 * anything else can fail), initializers
 * (constants), graph inputs, value names (one
 * producer each, every node input defined somewhere), the schedule (Kahn's
 * algorithm, taking the lowest model index first, so a model already in
 * topological order keeps its order; a cycle is reported on a node that lies on
 * it), then tensors and nodes are created, and last the graph outputs.
 *
 * Tensor ids follow that order: initializers, inputs, node outputs (in schedule
 * order), then constants made from tensor attributes. Constant nodes are not kept:
 * their output is created directly as a TK_CONST tensor. Names are looked up in a
 * hash table local to the load; the protobuf message is freed before returning and
 * the Graph owns copies of everything. Decoding draws on a memory budget and
 * every count, string and tensor is held to the OnnxLimits (onnx_limits.c).
 */
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

/* A value name known to the loader. */
typedef struct Value {
    const char *name;
    int tensor;            /* tensor id, -1 until created */
    int producer;          /* model index of the producing node, -1 for none */
    bool is_init;          /* an initializer (graph inputs of that name are defaults) */
} Value;

/* A node as read from the model, strings copied and checked. */
typedef struct NodeInfo {
    const Onnx__NodeProto *p;
    const char *name, *op_type, *label;  /* label: "Op" or "domain.Op" */
    bool supported;
    OpKind op;
    const char **in, **out;              /* value names; "" = omitted */
    int n_in, n_out;
} NodeInfo;

typedef struct Loader {
    OnnxCtx c;
    Diag *d;
    Value *vals;
    int n_vals, cap_vals;
    int *slots;            /* open addressing: index into vals, -1 empty */
    size_t mask;
    NodeInfo *nodes;
    int n_nodes;
    OnnxInlined fx;        /* the node list with functions inlined */
} Loader;

/* ------------------------------------------------------------- name table */

static size_t hash_str(const char *s)
{
    size_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Index of name in vals, or -1. */
static int map_find(const Loader *L, const char *name)
{
    for (size_t i = hash_str(name) & L->mask;; i = (i + 1) & L->mask) {
        int v = L->slots[i];
        if (v < 0)
            return -1;
        if (strcmp(L->vals[v].name, name) == 0)
            return v;
    }
}

/* Adds a new name (the caller checked it is absent); returns its index. The table
 * was sized for every name the model can define, so it never fills. */
static int map_add(Loader *L, const char *name, int tensor, int producer, bool is_init)
{
    assert(L->n_vals < L->cap_vals);
    int v = L->n_vals++;
    L->vals[v] = (Value){name, tensor, producer, is_init};
    size_t i = hash_str(name) & L->mask;
    while (L->slots[i] >= 0)
        i = (i + 1) & L->mask;
    L->slots[i] = v;
    return v;
}

/* ------------------------------------------------------------------ steps */

static bool is_default_domain(const char *dom)
{
    return !*dom || strcmp(dom, "ai.onnx") == 0;
}

static bool read_opsets(Loader *L, const Onnx__ModelProto *m)
{
    Graph *g = L->c.g;
    bool found = false;
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        const char *dom;
        OnnxWhere w = {"", "", "opset_import domain"};
        if (!onnx_copy_str(g->arena, L->c.lim.max_string, o->domain, &w, &dom, L->d))
            return false;
        if (!is_default_domain(dom))
            continue;
        if (found)
            return diag_fail(L->d, ST_BAD_MODEL, NULL, "default-domain opset imported twice");
        if (!o->has_version || o->version < 1)
            return diag_fail(L->d, ST_BAD_MODEL, NULL, "default-domain opset has version %lld",
                             (long long)(o->has_version ? o->version : 0));
        g->opset = o->version;
        found = true;
    }
    /* A missing default-domain opset is reported after the op types: a model made
     * only of custom-domain ops is better told that those are unsupported. */
    if (!found)
        g->opset = 0;
    return true;
}

static bool read_initializers(Loader *L, const Onnx__GraphProto *gp)
{
    if (gp->n_sparse_initializer)
        return diag_fail(L->d, ST_UNSUPPORTED, NULL, "model has %zu sparse initializers",
                         gp->n_sparse_initializer);
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *t = gp->initializer[i];
        const char *name;
        OnnxWhere wn = {"", "", "initializer name"};
        if (!onnx_copy_str(L->c.g->arena, L->c.lim.max_string, t->name, &wn, &name, L->d))
            return false;
        if (!*name)
            return diag_fail(L->d, ST_BAD_MODEL, NULL, "initializer %zu has no name", i);
        if (map_find(L, name) >= 0)
            return diag_fail(L->d, ST_BAD_MODEL, NULL, "initializer \"%s\" is defined twice",
                             name);
        char what[200];
        snprintf(what, sizeof(what), "initializer \"%s\"", name);
        OnnxWhere w = {"", "", what};
        int id;
        if (!onnx_add_const(&L->c, t, name, &w, &id, L->d))
            return false;
        map_add(L, name, id, -1, true);
    }
    return true;
}

/* The tensor type of value info v (NULL with d filled when it has none). */
static const Onnx__TypeProto__Tensor *tensor_type(Loader *L, const Onnx__ValueInfoProto *v,
                                                  const char *kind, const char *name)
{
    if (!v->type || !v->type->tensor_type) {
        diag_fail(L->d, ST_UNSUPPORTED, NULL, "%s \"%s\" is not a tensor (or has no type)",
                  kind, name);
        return NULL;
    }
    return v->type->tensor_type;
}

/* Sets dtype and shape of input tensor id from its ValueInfo. */
static bool input_shape(Loader *L, int id, const Onnx__TypeProto__Tensor *tt)
{
    Graph *g = L->c.g;
    Tensor *t = &g->tensors[id];
    if (!tt->shape)
        return diag_fail(L->d, ST_UNSUPPORTED, NULL, "graph input \"%s\" has no shape",
                         t->name);
    const Onnx__TensorShapeProto *s = tt->shape;
    if (s->n_dim > (size_t)L->c.lim.max_rank)
        return diag_fail(L->d, ST_LIMIT, NULL, "graph input \"%s\" has rank %zu, limit %lld",
                         t->name, s->n_dim, (long long)L->c.lim.max_rank);
    t->rank = (int)s->n_dim;
    for (int i = 0; i < t->rank; i++) {
        const Onnx__TensorShapeProto__Dimension *dim = s->dim[i];
        t->dims[i] = -1;
        t->dim_param[i] = NULL;
        if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            if (dim->dim_value < 0)
                return diag_fail(L->d, ST_BAD_MODEL, NULL,
                                 "graph input \"%s\" has negative dim %lld", t->name,
                                 (long long)dim->dim_value);
            t->dims[i] = dim->dim_value;
        } else if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM) {
            OnnxWhere w = {"", "", "dim_param"};
            const char *p;
            if (!onnx_copy_str(g->arena, L->c.lim.max_string, dim->dim_param, &w, &p, L->d))
                return false;
            t->dim_param[i] = *p ? p : NULL;
        }
    }
    return true;
}

static bool read_inputs(Loader *L, const Onnx__GraphProto *gp)
{
    Graph *g = L->c.g;
    g->inputs = arena_calloc(g->arena, gp->n_input ? gp->n_input : 1, sizeof(int));
    if (!g->inputs)
        return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *v = gp->input[i];
        const char *name;
        OnnxWhere wn = {"", "", "graph input name"};
        if (!onnx_copy_str(g->arena, L->c.lim.max_string, v->name, &wn, &name, L->d))
            return false;
        if (!*name)
            return diag_fail(L->d, ST_BAD_MODEL, NULL, "graph input %zu has no name", i);
        int known = map_find(L, name);
        if (known >= 0 && L->vals[known].is_init)
            continue;              /* an initializer listed as input: a constant here */
        if (known >= 0)
            return diag_fail(L->d, ST_BAD_MODEL, NULL, "graph input \"%s\" is listed twice",
                             name);
        const Onnx__TypeProto__Tensor *tt = tensor_type(L, v, "graph input", name);
        if (!tt)
            return false;
        DType dt = onnx_dtype(tt->has_elem_type ? tt->elem_type : 0);
        if (dt == DT_UNDEFINED)
            return diag_fail(L->d, ST_UNSUPPORTED, NULL,
                             "graph input \"%s\" has element type %s (%d), which onnxc does "
                             "not support", name, onnx_dtype_code_name(tt->elem_type),
                             (int)tt->elem_type);
        int id = ir_add_tensor(g, name, TK_INPUT, dt);
        if (id < 0)
            return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
        if (!input_shape(L, id, tt))
            return false;
        map_add(L, name, id, -1, false);
        g->inputs[g->n_inputs++] = id;
    }
    return true;
}

/* Copies the strings of every node and finds its op; reports all unsupported op
 * types at once. */
static bool read_nodes(Loader *L, const Onnx__GraphProto *gp)
{
    Arena *ar = L->c.g->arena;
    L->n_nodes = (int)gp->n_node;
    L->nodes = arena_calloc(ar, gp->n_node ? gp->n_node : 1, sizeof(NodeInfo));
    if (!L->nodes)
        return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
    int n_bad = 0, first_bad = -1;
    for (int j = 0; j < L->n_nodes; j++) {
        NodeInfo *ni = &L->nodes[j];
        const Onnx__NodeProto *p = gp->node[j];
        const char *dom;
        ni->p = p;
        OnnxWhere w = {"", "", "node name"};
        if (!onnx_copy_str(ar, L->c.lim.max_string, p->name, &w, &ni->name, L->d))
            return false;
        w.node = ni->name;
        w.what = "op_type";
        if (!onnx_copy_str(ar, L->c.lim.max_string, p->op_type, &w, &ni->op_type, L->d))
            return false;
        w.what = "domain";
        if (!onnx_copy_str(ar, L->c.lim.max_string, p->domain, &w, &dom, L->d))
            return false;
        if (!*ni->op_type)
            return diag_fail_named(L->d, ST_BAD_MODEL, ni->name, "", "node %d has no op_type",
                                   j);
        ni->label = ni->op_type;
        if (!is_default_domain(dom)) {
            size_t len = strlen(dom) + strlen(ni->op_type) + 2;
            char *label = arena_alloc(ar, len);
            if (!label)
                return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
            snprintf(label, len, "%s.%s", dom, ni->op_type);
            ni->label = label;
        } else {
            ni->supported = op_lookup(ni->op_type, &ni->op);
        }
        if (!ni->supported && n_bad++ == 0)
            first_bad = j;
    }
    if (n_bad == 0)
        return true;

    /* One message naming every unsupported op type, with a count and first node. */
    char msg[480];
    size_t len = (size_t)snprintf(msg, sizeof(msg), "unsupported ops: ");
    bool first = true;
    for (int j = 0; j < L->n_nodes; j++) {
        const NodeInfo *ni = &L->nodes[j];
        bool seen = ni->supported;
        for (int k = 0; k < j && !seen; k++)
            seen = !L->nodes[k].supported && strcmp(L->nodes[k].label, ni->label) == 0;
        if (seen)
            continue;
        int count = 0;
        for (int k = j; k < L->n_nodes; k++)
            count += !L->nodes[k].supported && strcmp(L->nodes[k].label, ni->label) == 0;
        char item[200], where[140];
        if (*ni->name)
            snprintf(where, sizeof(where), "\"%s\"", ni->name);
        else
            snprintf(where, sizeof(where), "node #%d", j);
        snprintf(item, sizeof(item), "%s%s (%d node%s, first %s)", first ? "" : ", ",
                 ni->label, count, count == 1 ? "" : "s", where);
        if (len + strlen(item) + 8 >= sizeof(msg)) {
            snprintf(msg + len, sizeof(msg) - len, ", ...");
            break;
        }
        len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s", item);
        first = false;
    }
    const NodeInfo *fb = &L->nodes[first_bad];
    return diag_fail_named(L->d, ST_UNSUPPORTED, fb->name, fb->label, "%s", msg);
}

/* Copies a node's input or output names and checks the count against ops.def. */
static bool read_node_values(Loader *L, NodeInfo *ni)
{
    Arena *ar = L->c.g->arena;
    const Onnx__NodeProto *p = ni->p;
    int min_in, max_in, min_out, max_out;
    op_arity(ni->op, &min_in, &max_in, &min_out, &max_out);
    if (p->n_input < (size_t)min_in || p->n_input > (size_t)max_in)
        return diag_fail_named(L->d, ST_BAD_MODEL, ni->name, ni->op_type,
                               "node has %zu inputs, expected %d to %d", p->n_input, min_in,
                               max_in);
    if (p->n_output < (size_t)min_out || p->n_output > (size_t)max_out)
        return diag_fail_named(L->d, ST_BAD_MODEL, ni->name, ni->op_type,
                               "node has %zu outputs, expected %d to %d", p->n_output, min_out,
                               max_out);
    ni->n_in = (int)p->n_input;
    ni->n_out = (int)p->n_output;
    ni->in = arena_calloc(ar, p->n_input ? p->n_input : 1, sizeof(char *));
    ni->out = arena_calloc(ar, p->n_output ? p->n_output : 1, sizeof(char *));
    if (!ni->in || !ni->out)
        return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
    OnnxWhere w = {ni->name, ni->op_type, "input name"};
    for (int k = 0; k < ni->n_in; k++) {
        if (!onnx_copy_str(ar, L->c.lim.max_string, p->input[k], &w, &ni->in[k], L->d))
            return false;
        if (k < min_in && !*ni->in[k])
            return diag_fail_named(L->d, ST_BAD_MODEL, ni->name, ni->op_type,
                                   "required input %d is empty", k);
    }
    w.what = "output name";
    for (int k = 0; k < ni->n_out; k++) {
        if (!onnx_copy_str(ar, L->c.lim.max_string, p->output[k], &w, &ni->out[k], L->d))
            return false;
        if (k < min_out && !*ni->out[k])
            return diag_fail_named(L->d, ST_BAD_MODEL, ni->name, ni->op_type,
                                   "required output %d is empty", k);
    }
    return true;
}

/* Registers every node output (one producer per name) and checks that every node
 * input names a defined value. */
static bool check_values(Loader *L)
{
    for (int j = 0; j < L->n_nodes; j++) {
        NodeInfo *ni = &L->nodes[j];
        if (!read_node_values(L, ni))
            return false;
        for (int k = 0; k < ni->n_out; k++) {
            const char *name = ni->out[k];
            if (!*name)
                continue;
            int v = map_find(L, name);
            if (v >= 0) {
                const Value *o = &L->vals[v];
                if (o->producer >= 0)
                    return diag_fail_named(L->d, ST_BAD_MODEL, ni->name, ni->op_type,
                                           "output \"%s\" is also produced by node \"%s\"",
                                           name, L->nodes[o->producer].name);
                return diag_fail_named(L->d, ST_BAD_MODEL, ni->name, ni->op_type,
                                       "output \"%s\" redefines %s \"%s\"", name,
                                       o->is_init ? "initializer" : "graph input", name);
            }
            map_add(L, name, -1, j, false);
        }
    }
    for (int j = 0; j < L->n_nodes; j++) {
        const NodeInfo *ni = &L->nodes[j];
        for (int k = 0; k < ni->n_in; k++)
            if (*ni->in[k] && map_find(L, ni->in[k]) < 0)
                return diag_fail_named(L->d, ST_BAD_MODEL, ni->name, ni->op_type,
                                       "input \"%s\" is not defined", ni->in[k]);
    }
    return true;
}

/* Producer (model index) of input k of node j, or -1. */
static int producer_of(const Loader *L, int j, int k)
{
    const char *name = L->nodes[j].in[k];
    return *name ? L->vals[map_find(L, name)].producer : -1;
}

static void heap_push(int *heap, int *n, int v)
{
    int i = (*n)++;
    while (i > 0 && heap[(i - 1) / 2] > v) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = v;
}

static int heap_pop(int *heap, int *n)
{
    int top = heap[0], v = heap[--*n], i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && heap[c + 1] < heap[c])
            c++;
        if (heap[c] >= v)
            break;
        heap[i] = heap[c];
        i = c;
    }
    if (*n > 0)
        heap[i] = v;
    return top;
}

/* Fills order[] with a topological order of the nodes, lowest index first among
 * the ready ones. Reports a cycle on a node that lies on it. */
static bool schedule(Loader *L, int *order)
{
    int n = L->n_nodes;
    size_t n_edges = 0;
    for (int j = 0; j < n; j++)
        n_edges += (size_t)L->nodes[j].n_in;
    int *indeg = calloc((size_t)n + 1, sizeof(int));
    int *first = calloc((size_t)n + 2, sizeof(int));
    int *edge = calloc(n_edges + 1, sizeof(int));
    int *heap = calloc((size_t)n + 1, sizeof(int));
    bool *done = calloc((size_t)n + 1, sizeof(bool));
    bool ok = indeg && first && edge && heap && done;
    if (!ok) {
        diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
        goto out;
    }
    /* Edges producer -> consumer in CSR form: first[p] .. first[p + 1]. */
    for (int j = 0; j < n; j++)
        for (int k = 0; k < L->nodes[j].n_in; k++) {
            int p = producer_of(L, j, k);
            if (p >= 0) {
                first[p + 1]++;
                indeg[j]++;
            }
        }
    for (int p = 0; p < n; p++)
        first[p + 1] += first[p];
    int *fill = heap;   /* reused as fill cursors before the heap is needed */
    for (int p = 0; p < n; p++)
        fill[p] = first[p];
    for (int j = 0; j < n; j++)
        for (int k = 0; k < L->nodes[j].n_in; k++) {
            int p = producer_of(L, j, k);
            if (p >= 0)
                edge[fill[p]++] = j;
        }
    int n_heap = 0, n_order = 0;
    for (int j = 0; j < n; j++)
        if (indeg[j] == 0)
            heap_push(heap, &n_heap, j);
    while (n_heap > 0) {
        int p = heap_pop(heap, &n_heap);
        order[n_order++] = p;
        done[p] = true;
        for (int e = first[p]; e < first[p + 1]; e++)
            if (--indeg[edge[e]] == 0)
                heap_push(heap, &n_heap, edge[e]);
    }
    if (n_order < n) {
        /* Walking back n steps through unscheduled producers lands on a cycle. */
        int cur = 0;
        while (done[cur])
            cur++;
        for (int step = 0; step < n; step++) {
            const NodeInfo *ni = &L->nodes[cur];
            for (int k = 0; k < ni->n_in; k++) {
                int p = producer_of(L, cur, k);
                if (p >= 0 && !done[p]) {
                    cur = p;
                    break;
                }
            }
        }
        const NodeInfo *ni = &L->nodes[cur];
        ok = diag_fail_named(L->d, ST_BAD_MODEL, ni->name, ni->op_type,
                             "graph has a cycle through this node (%d of %d nodes cannot be "
                             "scheduled)", n - n_order, n);
    }
out:
    free(indeg);
    free(first);
    free(edge);
    free(heap);
    free(done);
    return ok;
}

/* Creates the output tensors of the nodes (Constant nodes become constants), then
 * the nodes themselves, in schedule order. */
static bool build_nodes(Loader *L, const int *order)
{
    Graph *g = L->c.g;
    for (int s = 0; s < L->n_nodes; s++) {
        NodeInfo *ni = &L->nodes[order[s]];
        for (int k = 0; k < ni->n_out; k++) {
            if (!*ni->out[k])
                continue;
            Value *v = &L->vals[map_find(L, ni->out[k])];
            if (ni->op == OP_CONSTANT) {
                OnnxWhere w = {ni->name, ni->op_type, ""};
                if (!onnx_constant_node(&L->c, ni->p, ni->out[k], &w, &v->tensor, L->d))
                    return false;
            } else {
                v->tensor = ir_add_tensor(g, ni->out[k], TK_VALUE, DT_UNDEFINED);
                if (v->tensor < 0)
                    return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
            }
        }
    }
    for (int s = 0; s < L->n_nodes; s++) {
        const NodeInfo *ni = &L->nodes[order[s]];
        if (ni->op == OP_CONSTANT)
            continue;
        int *in = calloc((size_t)ni->n_in + 1, sizeof(int));
        int out[8];
        if (!in || ni->n_out > (int)ARRAY_LEN(out)) {
            free(in);
            return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
        }
        for (int k = 0; k < ni->n_in; k++)
            in[k] = *ni->in[k] ? L->vals[map_find(L, ni->in[k])].tensor : -1;
        for (int k = 0; k < ni->n_out; k++)
            out[k] = *ni->out[k] ? L->vals[map_find(L, ni->out[k])].tensor : -1;
        int id = ir_add_node(g, ni->op, ni->name, in, ni->n_in, out, ni->n_out);
        free(in);
        if (id < 0)
            return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
        OnnxWhere w = {ni->name, ni->op_type, ""};
        Attr *attrs;
        int n_attrs;
        if (!onnx_convert_attrs(&L->c, ni->p, &w, &attrs, &n_attrs, L->d))
            return false;
        if (!ir_node_set_attrs(g, id, attrs, n_attrs))
            return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
    }
    return true;
}

static bool read_outputs(Loader *L, const Onnx__GraphProto *gp)
{
    Graph *g = L->c.g;
    if (gp->n_output == 0)
        return diag_fail(L->d, ST_BAD_MODEL, NULL, "graph has no outputs");
    g->outputs = arena_calloc(g->arena, gp->n_output, sizeof(int));
    if (!g->outputs)
        return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < gp->n_output; i++) {
        const Onnx__ValueInfoProto *v = gp->output[i];
        const char *name;
        OnnxWhere wn = {"", "", "graph output name"};
        if (!onnx_copy_str(g->arena, L->c.lim.max_string, v->name, &wn, &name, L->d))
            return false;
        int k = *name ? map_find(L, name) : -1;
        if (k < 0)
            return diag_fail(L->d, ST_BAD_MODEL, NULL, "graph output \"%s\" is not defined",
                             name);
        Tensor *t = &g->tensors[L->vals[k].tensor];
        if (t->is_output)
            return diag_fail(L->d, ST_BAD_MODEL, NULL, "graph output \"%s\" is listed twice",
                             name);
        t->is_output = true;
        g->outputs[g->n_outputs++] = L->vals[k].tensor;
        const Onnx__TypeProto__Tensor *tt = tensor_type(L, v, "graph output", name);
        if (!tt)
            return false;
        if (!tt->has_elem_type || tt->elem_type == 0)
            continue;
        DType dt = onnx_dtype(tt->elem_type);
        if (dt == DT_UNDEFINED)
            return diag_fail(L->d, ST_UNSUPPORTED, NULL,
                             "graph output \"%s\" has element type %s (%d), which onnxc does "
                             "not support", name, onnx_dtype_code_name(tt->elem_type),
                             (int)tt->elem_type);
        if (t->dtype == DT_UNDEFINED)
            t->dtype = dt;
        else if (t->dtype != dt)
            return diag_fail(L->d, ST_BAD_MODEL, NULL, "graph output \"%s\" is declared %s "
                             "but holds %s", name, dtype_name(dt), dtype_name(t->dtype));
    }
    return true;
}

/* ------------------------------------------------------------------ entry */

static bool load_graph(Loader *L, const Onnx__ModelProto *m)
{
    Graph *g = L->c.g;
    const Onnx__GraphProto *gp = m->graph;
    if (!gp)
        return diag_fail(L->d, ST_BAD_MODEL, NULL, "model has no graph");
    size_t max_count = (size_t)L->c.lim.max_nodes;
    if (gp->n_node > max_count || gp->n_initializer > max_count || gp->n_input > max_count ||
        gp->n_output > max_count)
        return diag_fail(L->d, ST_LIMIT, NULL, "graph has %zu nodes, %zu initializers, %zu inputs "
                         "and %zu outputs; the limit is %zu of each", gp->n_node,
                         gp->n_initializer, gp->n_input, gp->n_output, max_count);
    g->ir_version = m->has_ir_version ? m->ir_version : 0;
    const char *pname, *pver;
    OnnxWhere w = {"", "", "producer_name"};
    if (!onnx_copy_str(g->arena, L->c.lim.max_string, m->producer_name, &w, &pname, L->d))
        return false;
    w.what = "producer_version";
    if (!onnx_copy_str(g->arena, L->c.lim.max_string, m->producer_version, &w, &pver, L->d))
        return false;
    size_t plen = strlen(pname) + strlen(pver) + 2;
    char *prod = arena_alloc(g->arena, plen);
    if (!prod)
        return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
    snprintf(prod, plen, "%s%s%s", pname, *pname && *pver ? " " : "", pver);
    g->producer = prod;
    if (!read_opsets(L, m))
        return false;
    Onnx__GraphProto inlined;
    if (m->n_functions > 0) {
        if (!onnx_inline_functions(&L->c, m, &L->fx, L->d))
            return false;
        inlined = *gp;
        inlined.node = L->fx.node;
        inlined.n_node = L->fx.n_node;
        gp = &inlined;
    }

    /* Size the name table for every name the model can define. */
    size_t n_names = gp->n_initializer + gp->n_input;
    for (size_t j = 0; j < gp->n_node; j++) {
        if (gp->node[j]->n_output > max_count)
            return diag_fail(L->d, ST_LIMIT, NULL, "node %zu has too many outputs", j);
        n_names += gp->node[j]->n_output;
    }
    if (n_names > (size_t)INT_MAX / 4)
        return diag_fail(L->d, ST_LIMIT, NULL, "graph defines too many values");
    size_t n_slots = 16;
    while (n_slots < 2 * n_names)
        n_slots *= 2;
    L->slots = malloc(n_slots * sizeof(int));
    L->vals = malloc((n_names + 1) * sizeof(Value));
    if (!L->slots || !L->vals)
        return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
    memset(L->slots, 0xff, n_slots * sizeof(int));
    L->mask = n_slots - 1;
    L->cap_vals = (int)n_names + 1;

    if (!read_nodes(L, gp))
        return false;
    if (g->opset == 0)
        return diag_fail(L->d, ST_BAD_MODEL, NULL, "model imports no default-domain opset");
    if (!read_initializers(L, gp) || !read_inputs(L, gp) || !check_values(L))
        return false;
    int *order = malloc(((size_t)L->n_nodes + 1) * sizeof(int));
    if (!order)
        return diag_fail(L->d, ST_NOMEM, NULL, "out of memory");
    bool ok = schedule(L, order) && build_nodes(L, order) && read_outputs(L, gp);
    free(order);
    return ok;
}

/* Loads from bytes; external data is read from base_dir. */
static Graph *load_bytes(const void *data, size_t size, const char *name, const char *base_dir,
                         const OnnxLimits *limits, Diag *d)
{
    if (size == 0) {
        diag_fail(d, ST_BAD_MODEL, NULL, "file is empty");
        return NULL;
    }
    OnnxLimits lim = onnx_limits_resolve(limits);
    if ((uint64_t)size > (uint64_t)lim.max_file_bytes) {
        diag_fail(d, ST_LIMIT, NULL, "model is %zu bytes, more than the limit of %lld", size,
                  (long long)lim.max_file_bytes);
        return NULL;
    }
    OnnxBudget budget;
    ProtobufCAllocator alloc = onnx_budget_allocator(&budget, size);
    Onnx__ModelProto *m = onnx__model_proto__unpack(&alloc, size, data);
    if (!m && budget.failed) {
        diag_fail(d, ST_LIMIT, NULL, "decoding the model needs more than %zu bytes of memory",
                  budget.limit);
        return NULL;
    }
    if (!m) {
        diag_fail(d, ST_BAD_MODEL, NULL, "not a valid ONNX model (protobuf decoding failed: "
                  "truncated or not a model)");
        return NULL;
    }
    Graph *g = ir_graph_new();
    if (!g) {
        onnx__model_proto__free_unpacked(m, &alloc);
        diag_fail(d, ST_NOMEM, NULL, "out of memory");
        return NULL;
    }
    const char *slash = name ? strrchr(name, '/') : NULL;
    g->source = arena_strdup(g->arena, slash ? slash + 1 : name ? name : "");
    g->max_elements = lim.max_elements;      /* for the passes that create constants */
    g->max_const_bytes = lim.max_total_bytes;
    Loader L = {{g, lim, base_dir, 0}, d, NULL, 0, 0, NULL, 0, NULL, 0,
                {NULL, 0, &alloc, &budget, NULL}};
    bool ok = g->source && load_graph(&L, m);
    if (!g->source)
        diag_fail(d, ST_NOMEM, NULL, "out of memory");
    free(L.slots);
    free(L.vals);
    onnx_inline_free(&L.fx);
    onnx__model_proto__free_unpacked(m, &alloc);
    if (!ok) {
        ir_graph_free(g);
        return NULL;
    }
    return g;
}

Graph *onnx_load_buffer(const void *data, size_t size, const char *name,
                        const OnnxLimits *limits, Diag *d)
{
    /* External data is looked up beside `name`, as if the bytes were read from it. */
    char dir[1024] = ".";
    const char *slash = name ? strrchr(name, '/') : NULL;
    if (slash) {
        size_t n = (size_t)(slash - name);
        if (n == 0)
            n = 1;
        if (n >= sizeof(dir))
            n = sizeof(dir) - 1;
        memcpy(dir, name, n);
        dir[n] = '\0';
    }
    return load_bytes(data, size, name, dir, limits, d);
}

Graph *onnx_load_file(const char *path, const OnnxLimits *limits, Diag *d)
{
    void *bytes;
    size_t size;
    OnnxLimits lim = onnx_limits_resolve(limits);
    if (!onnx_read_file(path, lim.max_file_bytes, &bytes, &size, d))
        return NULL;
    Graph *g = onnx_load_buffer(bytes, size, path, limits, d);
    free(bytes);
    return g;
}
