/* SPDX-License-Identifier: MIT */
/*
 * graph.c - building and editing the IR graph; dtypes and the op table.
 *
 * Arrays grow by doubling into fresh arena memory (the old copy stays in the
 * arena until the graph is freed: simple, and models have few thousand nodes at
 * most). Tensor ids are never reused or renumbered; node ids are positions in
 * the schedule and change when nodes are inserted or removed.
 */
#include <stdlib.h>
#include <string.h>

#include "ir.h"
#include "ir_internal.h"

/* ------------------------------------------------------------- dtypes, ops */

/* Per dtype: bytes in memory, short name, C element type, integer or not. */
static const struct DTypeInfo {
    DType t;
    unsigned char size;
    bool is_int;
    const char *name, *ctype;
} dtype_info[] = {
    {DT_F32, 4, false, "f32", "float"},       {DT_U8, 1, true, "u8", "uint8_t"},
    {DT_I8, 1, true, "i8", "int8_t"},         {DT_U16, 2, true, "u16", "uint16_t"},
    {DT_I16, 2, true, "i16", "int16_t"},      {DT_I32, 4, true, "i32", "int32_t"},
    {DT_I64, 8, true, "i64", "int64_t"},      {DT_BOOL, 1, true, "bool", "uint8_t"},
    {DT_F16, 2, false, "f16", "uint16_t"},    {DT_F64, 8, false, "f64", "double"},
    {DT_U32, 4, true, "u32", "uint32_t"},     {DT_U64, 8, true, "u64", "uint64_t"},
    {DT_BF16, 2, false, "bf16", "uint16_t"},  {DT_F8E4M3FN, 1, false, "f8e4m3fn", "uint8_t"},
    {DT_F8E4M3FNUZ, 1, false, "f8e4m3fnuz", "uint8_t"},
    {DT_F8E5M2, 1, false, "f8e5m2", "uint8_t"},
    {DT_F8E5M2FNUZ, 1, false, "f8e5m2fnuz", "uint8_t"},
    {DT_U4, 1, true, "u4", "uint8_t"},        {DT_I4, 1, true, "i4", "int8_t"},
    {DT_F4E2M1, 1, false, "f4e2m1", "uint8_t"}, {DT_F8E8M0, 1, false, "f8e8m0", "uint8_t"},
    {DT_U2, 1, true, "u2", "uint8_t"},        {DT_I2, 1, true, "i2", "int8_t"},
};

static const struct DTypeInfo *dtype_find(DType t)
{
    for (size_t i = 0; i < ARRAY_LEN(dtype_info); i++)
        if (dtype_info[i].t == t)
            return &dtype_info[i];
    return NULL;
}

size_t dtype_size(DType t)
{
    const struct DTypeInfo *i = dtype_find(t);
    return i ? i->size : 0;
}

const char *dtype_name(DType t)
{
    const struct DTypeInfo *i = dtype_find(t);
    return i ? i->name : "?";
}

const char *dtype_ctype(DType t)
{
    const struct DTypeInfo *i = dtype_find(t);
    return i ? i->ctype : NULL;
}

bool dtype_is_int(DType t)
{
    const struct DTypeInfo *i = dtype_find(t);
    return i && i->is_int;
}

static const struct OpInfo {
    const char *name;
    int min_in, max_in, min_out, max_out;
} op_info[] = {
#define OP(kind, name, min_in, max_in, min_out, max_out) {name, min_in, max_in, min_out, max_out},
#include "ops.def"
#undef OP
};

const char *op_name(OpKind k)
{
    return (unsigned)k < ARRAY_LEN(op_info) ? op_info[k].name : "?";
}

bool op_lookup(const char *onnx_name, OpKind *out)
{
    for (size_t i = 0; i < ARRAY_LEN(op_info); i++) {
        if (strcmp(op_info[i].name, onnx_name) == 0) {
            *out = (OpKind)i;
            return true;
        }
    }
    return false;
}

void op_arity(OpKind k, int *min_in, int *max_in, int *min_out, int *max_out)
{
    const struct OpInfo *o = &op_info[k];
    *min_in = o->min_in;
    *max_in = o->max_in;
    *min_out = o->min_out;
    *max_out = o->max_out;
}

bool ir_input_is_param(OpKind op, int k)
{
    switch (k) {
    case 0:
        return op == OP_CONSTANT_OF_SHAPE;
    case 1:
        return op == OP_RESHAPE || op == OP_RESIZE || op == OP_UPSAMPLE || op == OP_SLICE ||
               op == OP_SQUEEZE || op == OP_UNSQUEEZE || op == OP_GATHER || op == OP_EXPAND ||
               op == OP_SPLIT || op == OP_PAD || op == OP_CLIP || op == OP_DROPOUT ||
               op == OP_REDUCE_MEAN || op == OP_REDUCE_SUM || op == OP_REDUCE_MAX;
    case 2:
        return op == OP_RESIZE || op == OP_SLICE || op == OP_PAD || op == OP_CLIP ||
               op == OP_DROPOUT;
    case 3:
        return op == OP_RESIZE || op == OP_SLICE || op == OP_PAD;
    case 4:
        return op == OP_SLICE;
    default:
        return false;
    }
}

bool ir_node_is_f32(const Graph *g, const Node *n, const int *uses)
{
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] >= 0 && !ir_input_is_param(n->op, k) && g->tensors[n->in[k]].dtype != DT_F32)
            return false;
    for (int k = 0; k < n->n_out; k++)
        if (n->out[k] >= 0 && (!uses || uses[n->out[k]] > 0) &&
            g->tensors[n->out[k]].dtype != DT_F32)
            return false;
    return true;
}

static bool is_float_unary(OpKind op)
{
    return op == OP_SIGMOID || op == OP_TANH || op == OP_LEAKY_RELU || op == OP_ELU ||
           op == OP_SELU || op == OP_HARD_SIGMOID || op == OP_HARD_SWISH || op == OP_SOFTPLUS ||
           op == OP_MISH || op == OP_EXP || op == OP_LOG || op == OP_SQRT ||
           op == OP_RECIPROCAL || op == OP_ERF;
}

bool ir_typed_check(const Graph *g, const Node *n, Diag *d)
{
    const Tensor *x = n->n_in > 0 && n->in[0] >= 0 ? &g->tensors[n->in[0]] : NULL;
    const Tensor *y = n->n_out > 0 && n->out[0] >= 0 ? &g->tensors[n->out[0]] : NULL;
    const Tensor *t = x && x->dtype != DT_F32 ? x : y;
    if (!t)
        return diag_fail(d, ST_BAD_MODEL, n, "input 0 or output 0 is missing");
    bool ok;
    switch ((int)n->op) {
    case OP_IDENTITY: case OP_RESHAPE: case OP_SQUEEZE: case OP_UNSQUEEZE: case OP_FLATTEN:
    case OP_DROPOUT: case OP_CAST: case OP_TRANSPOSE: case OP_SLICE: case OP_CONCAT:
    case OP_SPLIT: case OP_GATHER: case OP_EXPAND: case OP_DEPTH_TO_SPACE:
    case OP_SPACE_TO_DEPTH: case OP_PAD: case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV:
    case OP_POW: case OP_MAX: case OP_MIN: case OP_SUM: case OP_REDUCE_MAX:
    case OP_REDUCE_SUM: case OP_REDUCE_MEAN: case OP_NEG: case OP_ABS: case OP_RELU:
    case OP_CLIP: case OP_FLOOR: case OP_CEIL:
        ok = true;
        break;
    case OP_PRELU:
        ok = !dtype_is_int(t->dtype);
        break;
    case OP_MAXPOOL:
        ok = x && x->rank == 4;
        break;
    default:
        ok = is_float_unary(n->op) && !dtype_is_int(t->dtype);
        break;
    }
    if (!ok)
        return diag_fail(d, ST_UNSUPPORTED, n, "%s on %s data is not supported", op_name(n->op),
                         dtype_name(t->dtype));
    if (n->act != ACT_NONE && (!y || y->dtype != DT_F32))
        return diag_fail(d, ST_INTERNAL, n, "fused activation on %s data", dtype_name(y->dtype));
    return true;
}

bool ir_cast_params(const Node *n, int *saturate, int *round_mode, Diag *d)
{
    int64_t sat;
    const char *mode;
    if (!ir_attr_int(n, "saturate", 1, &sat, d) ||
        !ir_attr_string(n, "round_mode", "up", &mode, d))
        return false;
    *saturate = sat != 0;
    if (strcmp(mode, "up") == 0)
        *round_mode = 0;
    else if (strcmp(mode, "down") == 0)
        *round_mode = 1;
    else if (strcmp(mode, "nearest") == 0)
        *round_mode = 2;
    else
        return diag_fail(d, ST_BAD_MODEL, n, "round_mode must be up, down or nearest");
    return true;
}

bool ir_clip_bounds(const Graph *g, const Node *n, double *lo, double *hi, Diag *d)
{
    float a, b;
    if (!ir_unary_params(g, n, &a, &b, d))
        return false;
    *lo = a;
    *hi = b;
    for (int k = 1; k < 3; k++) {   /* again as doubles: exact for int64 bounds */
        const Tensor *t = ir_in(g, n, k);
        if (t && !ir_const_scalar_f64(t, k == 1 ? lo : hi))
            return diag_fail(d, ST_UNSUPPORTED, n, "%s must be a constant scalar",
                             k == 1 ? "min" : "max");
    }
    return true;
}

bool ir_const_scalar_f64(const Tensor *t, double *out)
{
    if (!t || !t->data || ir_numel(t) != 1)
        return false;
    const unsigned char *p = t->data;   /* little endian */
    uint64_t u = 0;
    size_t size = dtype_size(t->dtype);
    for (size_t i = 0; i < size && i < 8; i++)
        u |= (uint64_t)p[i] << (8 * i);
    if (t->dtype == DT_F32) {
        uint32_t w = (uint32_t)u;
        float f;
        memcpy(&f, &w, sizeof f);
        *out = f;
    } else if (t->dtype == DT_F64) {
        double f;
        memcpy(&f, &u, sizeof f);
        *out = f;
    } else if (t->dtype == DT_I8 || t->dtype == DT_I16 || t->dtype == DT_I32 ||
               t->dtype == DT_I64 || t->dtype == DT_I4 || t->dtype == DT_I2) {
        int shift = 64 - 8 * (int)size;   /* sign-extend from the element's width */
        *out = (double)((int64_t)(u << shift) >> shift);
    } else if (dtype_is_int(t->dtype)) {
        *out = (double)u;
    } else {
        return false;
    }
    return true;
}

const char *act_name(Act a)
{
    switch (a) {
    case ACT_NONE: return "none";
    case ACT_RELU: return "relu";
    case ACT_SIGMOID: return "sigmoid";
    case ACT_SILU: return "silu";
    case ACT_TANH: return "tanh";
    case ACT_HARD_SWISH: return "hardswish";
    case ACT_RELU6: return "relu6";
    case ACT_LEAKY_RELU: return "leakyrelu";
    case ACT_CLIP: return "clip";
    }
    return "?";
}

bool act_has_params(Act a)
{
    return a == ACT_LEAKY_RELU || a == ACT_CLIP;
}

/* ------------------------------------------------------------------ graph */

Graph *ir_graph_new(void)
{
    Arena *a = arena_new();
    if (!a)
        return NULL;
    Graph *g = arena_alloc(a, sizeof *g);
    if (!g) {
        arena_free(a);
        return NULL;
    }
    g->arena = a;
    g->producer = "";
    g->source = "";
    g->arena_bytes = -1;
    g->arena_lower_bound = -1;
    return g;
}

void ir_graph_free(Graph *g)
{
    if (g)
        arena_free(g->arena);
}

/* Makes room for one more element in an arena array of `elem` bytes. */
static bool grow(Arena *a, void **arr, int n, int *cap, size_t elem)
{
    if (n < *cap)
        return true;
    if (*cap > INT32_MAX / 2)
        return false;
    int ncap = *cap ? *cap * 2 : 64;
    void *p = arena_calloc(a, (size_t)ncap, elem);
    if (!p)
        return false;
    if (n)
        memcpy(p, *arr, (size_t)n * elem);
    *arr = p;
    *cap = ncap;
    return true;
}

int ir_add_tensor(Graph *g, const char *name, TensorKind kind, DType dtype)
{
    if (!grow(g->arena, (void **)&g->tensors, g->n_tensors, &g->cap_tensors, sizeof(Tensor)))
        return -1;
    const char *copy = arena_strdup(g->arena, name);
    if (!copy)
        return -1;
    Tensor *t = &g->tensors[g->n_tensors];
    memset(t, 0, sizeof *t);
    t->name = copy;
    t->kind = kind;
    t->dtype = dtype;
    t->rank = -1;
    t->producer = -1;
    t->offset = -1;
    return g->n_tensors++;
}

int ir_add_const(Graph *g, const char *name, DType dtype, int rank, const int64_t *dims,
                 const void *data)
{
    if (rank < 0 || rank > IR_MAX_RANK)
        return -1;
    int id = ir_add_tensor(g, name, TK_CONST, dtype);
    if (id < 0)
        return -1;
    Tensor *t = &g->tensors[id];
    t->rank = rank;
    for (int i = 0; i < rank; i++)
        t->dims[i] = dims[i];
    int64_t nbytes = ir_nbytes(t);
    if (nbytes < 0)
        return -1;
    void *copy = arena_alloc(g->arena, (size_t)nbytes);
    if (!copy)
        return -1;
    if (nbytes && data)
        memcpy(copy, data, (size_t)nbytes);
    t->data = copy;
    return id;
}

static bool fill_node(Graph *g, Node *n, OpKind op, const char *name, const int *in, int n_in,
                      const int *out, int n_out)
{
    memset(n, 0, sizeof *n);
    n->op = op;
    n->name = arena_strdup(g->arena, name);
    n->in = arena_calloc(g->arena, (size_t)(n_in ? n_in : 1), sizeof(int));
    n->out = arena_calloc(g->arena, (size_t)(n_out ? n_out : 1), sizeof(int));
    if (!n->name || !n->in || !n->out)
        return false;
    if (n_in)
        memcpy(n->in, in, (size_t)n_in * sizeof(int));
    if (n_out)
        memcpy(n->out, out, (size_t)n_out * sizeof(int));
    n->n_in = n_in;
    n->n_out = n_out;
    return true;
}

int ir_insert_node(Graph *g, int pos, OpKind op, const char *name, const int *in, int n_in,
                   const int *out, int n_out)
{
    if (pos < 0 || pos > g->n_nodes)
        return -1;
    if (!grow(g->arena, (void **)&g->nodes, g->n_nodes, &g->cap_nodes, sizeof(Node)))
        return -1;
    Node n;
    if (!fill_node(g, &n, op, name, in, n_in, out, n_out))
        return -1;
    memmove(&g->nodes[pos + 1], &g->nodes[pos], (size_t)(g->n_nodes - pos) * sizeof(Node));
    g->nodes[pos] = n;
    g->n_nodes++;
    ir_update_producers(g);
    return pos;
}

int ir_add_node(Graph *g, OpKind op, const char *name, const int *in, int n_in, const int *out,
                int n_out)
{
    return ir_insert_node(g, g->n_nodes, op, name, in, n_in, out, n_out);
}

void ir_remove_nodes(Graph *g, const bool *keep)
{
    int j = 0;
    for (int i = 0; i < g->n_nodes; i++)
        if (keep[i])
            g->nodes[j++] = g->nodes[i];
    g->n_nodes = j;
    ir_update_producers(g);
}

void ir_update_producers(Graph *g)
{
    for (int t = 0; t < g->n_tensors; t++)
        g->tensors[t].producer = -1;
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0 && n->out[k] < g->n_tensors)
                g->tensors[n->out[k]].producer = i;
    }
}

int ir_find_tensor(const Graph *g, const char *name)
{
    for (int i = 0; i < g->n_tensors; i++)
        if (strcmp(g->tensors[i].name, name) == 0)
            return i;
    return -1;
}

const char *ir_unique_name(Graph *g, const char *base)
{
    if (ir_find_tensor(g, base) < 0)
        return arena_strdup(g->arena, base);
    size_t len = strlen(base) + 24;
    char *buf = arena_alloc(g->arena, len);
    if (!buf)
        return NULL;
    for (long k = 1;; k++) {
        snprintf(buf, len, "%s_%ld", base, k);
        if (ir_find_tensor(g, buf) < 0)
            return buf;
    }
}

/* ----------------------------------------------------------------- shapes */

bool ir_shape_known(const Tensor *t)
{
    if (t->rank < 0)
        return false;
    for (int i = 0; i < t->rank; i++)
        if (t->dims[i] < 0)
            return false;
    return true;
}

int64_t ir_numel(const Tensor *t)
{
    if (!ir_shape_known(t))
        return -1;
    int64_t n = 1;
    for (int i = 0; i < t->rank; i++) {
        if (t->dims[i] != 0 && n > INT64_MAX / t->dims[i])
            return -1;
        n *= t->dims[i];
    }
    return n;
}

int64_t ir_nbytes(const Tensor *t)
{
    int64_t n = ir_numel(t);
    int64_t es = (int64_t)dtype_size(t->dtype);
    if (n < 0 || es == 0 || n > INT64_MAX / es)
        return -1;
    return n * es;
}

int64_t ir_storage_bytes(const Tensor *t)
{
    if (t->layout != LAYOUT_BLK16 || t->rank != 4)
        return ir_nbytes(t);
    Tensor padded = *t;
    padded.dims[1] = (t->dims[1] + 15) / 16 * 16;
    return ir_nbytes(&padded);
}

void ir_format_type(const Tensor *t, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "%s", dtype_name(t->dtype));
    if (t->rank < 0) {
        snprintf(buf + len, len < size ? size - len : 0, "[?]");
        return;
    }
    for (int i = 0; i < t->rank && len < size; i++) {
        const char *sep = i ? "," : "[";
        if (t->dims[i] >= 0)
            len += (size_t)snprintf(buf + len, size - len, "%s%lld", sep, (long long)t->dims[i]);
        else if (t->dim_param[i])
            len += (size_t)snprintf(buf + len, size - len, "%s%s", sep, t->dim_param[i]);
        else
            len += (size_t)snprintf(buf + len, size - len, "%s?", sep);
    }
    if (len < size)
        snprintf(buf + len, size - len, t->rank ? "]" : "[]");
}

void ir_count_uses(const Graph *g, int *uses)
{
    memset(uses, 0, (size_t)g->n_tensors * sizeof(int));
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0 && n->in[k] < g->n_tensors)
                uses[n->in[k]]++;
    }
    for (int k = 0; k < g->n_outputs; k++)
        uses[g->outputs[k]]++;
}
