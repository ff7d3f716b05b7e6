/* SPDX-License-Identifier: MIT */
/*
 * onnx_functions.c - model-local functions (ModelProto.functions) inlined at
 * load time, before the loader reads a single node.
 *
 * A node whose (domain, op_type, overload) equals a function's (domain, name,
 * overload) is a call ("" and "ai.onnx" are one domain). It is replaced by the
 * function's body, each node a new NodeProto: formal inputs and outputs become
 * the call's actual names ("" stays "", a formal past the call's last input is
 * ""), every other value becomes "PREFIX/inner", where PREFIX is the call's node
 * name ("OpType_j" for an unnamed call at index j), made unique against every
 * name the graph uses with "_N" when it is taken; body nodes are named
 * "PREFIX/inner_name" ("PREFIX/OpType_k" when unnamed), so a diagnostic on an
 * inlined node still names the call. An attribute with ref_attr_name takes the
 * call's attribute of that name, else the function's default (attribute_proto),
 * else is left out (ONNX IR.md, "Functions"). Calls inside a body are inlined
 * in turn; recursion is an error naming the cycle, nesting is held to
 * max_call_depth and the result to max_nodes nodes. A function that imports the
 * default domain at another version than the model is refused: onnxc reads
 * every node of a graph at one opset.
 *
 * The result is a list of NodeProto pointers: the graph's own nodes unchanged,
 * inlined ones made here. They, their names and attribute copies (which share
 * values with the decoded model, so it must outlive them) live in blocks drawn
 * from the decoding budget, so a small file cannot make inlining allocate
 * without bound; onnx_inline_free releases them.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

typedef ProtobufCBinaryData Bin;

/* A block of inlining memory; everything in it lives until onnx_inline_free. */
typedef struct Block {
    struct Block *next;
    size_t used, cap;
    max_align_t data[];
} Block;

/* A name table entry: a value name's replacement (val, tag = formal output
 * index or -1), or an attribute (ptr), or a name in use (key alone). */
typedef struct Entry {
    Bin key, val;
    const void *ptr;
    int tag;
} Entry;

typedef struct NameMap {
    Entry *e;
    size_t n, cap;         /* entries used and allocated */
    size_t *slot;          /* open addressing: index into e, SIZE_MAX empty */
    size_t mask;
} NameMap;

typedef struct Fn {
    const Onnx__FunctionProto *p;
    Bin domain;            /* "" for the default domain */
    bool active;           /* being inlined: on the current call path */
} Fn;

typedef struct Inliner {
    OnnxInlined *x;
    Diag *d;
    int64_t max_nodes, max_string, max_depth, opset;
    Fn *fns;
    size_t n_fns, fn_mask, *fn_slot;
    NameMap used;          /* every value name of the graph, given and made */
    unsigned long long counter;   /* suffix of the next uniquified name */
    size_t cap_out;
    int *path;             /* function indices on the call path, for messages */
} Inliner;

/* --------------------------------------------------------------- memory */

static void *x_alloc(Inliner *I, size_t n)
{
    return I->x->alloc->alloc(I->x->alloc->allocator_data, n ? n : 1);
}

static void x_free(Inliner *I, void *p)
{
    if (p)
        I->x->alloc->free(I->x->alloc->allocator_data, p);
}

/* Reports a failed allocation: past the budget is a limit, else out of memory. */
static bool oom(Inliner *I)
{
    if (I->x->budget && I->x->budget->failed)
        return diag_fail(I->d, ST_LIMIT, NULL, "inlining model-local functions needs more "
                         "than %zu bytes of memory", I->x->budget->limit);
    return diag_fail(I->d, ST_NOMEM, NULL, "out of memory");
}

/* n zeroed bytes that live until onnx_inline_free; NULL with d filled. */
static void *keep(Inliner *I, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    Block *b = I->x->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = cap <= SIZE_MAX - sizeof(Block) ? x_alloc(I, sizeof(Block) + cap) : NULL;
        if (!b) {
            oom(I);
            return NULL;
        }
        b->next = I->x->blocks;
        b->used = 0;
        b->cap = cap;
        I->x->blocks = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

/* --------------------------------------------------------------- names */

static bool bin_eq(Bin a, Bin b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static bool bin_is(Bin a, const char *s)
{
    size_t n = strlen(s);
    return a.len == n && memcmp(a.data, s, n) == 0;
}

static size_t bin_hash(Bin a, size_t h)
{
    for (size_t i = 0; i < a.len; i++)
        h = (h ^ a.data[i]) * 16777619u;
    return h;
}

static Bin norm_domain(Bin d)
{
    if (bin_is(d, "ai.onnx"))
        d.len = 0;
    return d;
}

/* b as a C string for a message, cut at size - 1 bytes or an embedded NUL. */
static const char *bin_text(Bin b, char *buf, size_t size)
{
    size_t n = b.len < size - 1 ? b.len : size - 1;
    if (n)
        memcpy(buf, b.data, n);
    buf[n] = '\0';
    return buf;
}

/* "domain.name" of function f, or its name in the default domain, cut at
 * size - 1 bytes: callers give a short buffer on purpose (the recursion chain
 * cuts each name). Testing snprintf's result tells gcc the cut is intended
 * (-Wformat-truncation at -O2); it fails only on an encoding error. */
static const char *fn_text(const Fn *f, char *buf, size_t size)
{
    char dom[64], name[128];
    bin_text(f->domain, dom, sizeof dom);
    bin_text(f->p->name, name, sizeof name);
    if (snprintf(buf, size, "%s%s%s", dom, *dom ? "." : "", name) < 0)
        buf[0] = '\0';
    return buf;
}

/* Fails naming node call (its name and "domain.op_type"). */
static bool fail_at(Inliner *I, Status code, const Onnx__NodeProto *call, const char *fmt, ...)
{
    char node[128] = "", op[112] = "", msg[256];   /* diag_fail_named cuts op to fit */
    if (call) {
        char dom[40], type[64];
        bin_text(call->name, node, sizeof node);
        bin_text(norm_domain(call->domain), dom, sizeof dom);
        bin_text(call->op_type, type, sizeof type);
        snprintf(op, sizeof op, "%s%s%s", dom, *dom ? "." : "", type);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return diag_fail_named(I->d, code, node, op, "%s", msg);
}

/* ------------------------------------------------------------ name maps */

static bool map_init(Inliner *I, NameMap *m, size_t expect)
{
    size_t n_slots = 16;
    while (n_slots < 2 * expect && n_slots < SIZE_MAX / 4 / sizeof(Entry))
        n_slots *= 2;
    m->cap = n_slots / 2;
    m->n = 0;
    m->mask = n_slots - 1;
    m->e = x_alloc(I, m->cap * sizeof(Entry));
    m->slot = x_alloc(I, n_slots * sizeof(size_t));
    if (!m->e || !m->slot)
        return oom(I);
    memset(m->slot, 0xff, n_slots * sizeof(size_t));
    return true;
}

static void map_free(Inliner *I, NameMap *m)
{
    x_free(I, m->e);
    x_free(I, m->slot);
    m->e = NULL;
    m->slot = NULL;
}

static Entry *map_get(const NameMap *m, Bin key)
{
    for (size_t i = bin_hash(key, 2166136261u) & m->mask;; i = (i + 1) & m->mask) {
        size_t k = m->slot[i];
        if (k == SIZE_MAX)
            return NULL;
        if (bin_eq(m->e[k].key, key))
            return &m->e[k];
    }
}

/* Adds key (the caller checked it is absent) and returns its zeroed entry,
 * doubling the table when it is half full; NULL with d filled. */
static Entry *map_put(Inliner *I, NameMap *m, Bin key)
{
    if (m->n == m->cap) {
        NameMap bigger;
        if (m->cap > SIZE_MAX / 8 / sizeof(Entry)) {
            oom(I);
            return NULL;
        }
        if (!map_init(I, &bigger, 2 * m->cap)) {
            map_free(I, &bigger);
            return NULL;
        }
        memcpy(bigger.e, m->e, m->n * sizeof(Entry));
        bigger.n = m->n;
        for (size_t k = 0; k < m->n; k++) {
            size_t i = bin_hash(m->e[k].key, 2166136261u) & bigger.mask;
            while (bigger.slot[i] != SIZE_MAX)
                i = (i + 1) & bigger.mask;
            bigger.slot[i] = k;
        }
        map_free(I, m);
        *m = bigger;
    }
    size_t k = m->n++;
    m->e[k] = (Entry){key, {0, NULL}, NULL, -1};
    size_t i = bin_hash(key, 2166136261u) & m->mask;
    while (m->slot[i] != SIZE_MAX)
        i = (i + 1) & m->mask;
    m->slot[i] = k;
    return &m->e[k];
}

/* Marks name as used in the graph. */
static bool use_name(Inliner *I, Bin name)
{
    return map_get(&I->used, name) || map_put(I, &I->used, name);
}

/* a + sep + b, kept; NULL with d filled (ST_LIMIT past max_string, naming call). */
static bool join(Inliner *I, const Onnx__NodeProto *call, Bin a, const char *sep, Bin b,
                 Bin *out)
{
    size_t ns = strlen(sep);
    if (a.len > (size_t)I->max_string || b.len > (size_t)I->max_string ||
        a.len + ns + b.len > (size_t)I->max_string)
        return fail_at(I, ST_LIMIT, call, "a name made by inlining function calls is longer "
                       "than %lld bytes", (long long)I->max_string);
    uint8_t *p = keep(I, a.len + ns + b.len + 1);
    if (!p)
        return false;
    if (a.len)
        memcpy(p, a.data, a.len);
    memcpy(p + a.len, sep, ns);
    if (b.len)
        memcpy(p + a.len + ns, b.data, b.len);
    out->data = p;
    out->len = a.len + ns + b.len;
    return true;
}

/* A graph-unique value name: base, or base_N when base is taken. Every failed
 * try hits a distinct used name (N only grows), so the tries are bounded by the
 * number of names. */
static bool fresh_name(Inliner *I, const Onnx__NodeProto *call, Bin base, Bin *out)
{
    Bin cand = base;
    while (map_get(&I->used, cand)) {
        char num[32];
        snprintf(num, sizeof num, "_%llu", ++I->counter);
        Bin suffix = {strlen(num) - 1, (uint8_t *)num + 1};
        if (!join(I, call, base, "_", suffix, &cand))
            return false;
    }
    if (!map_put(I, &I->used, cand))
        return false;
    *out = cand;
    return true;
}

/* "OpType_k" for an unnamed node at index k. */
static bool default_name(Inliner *I, const Onnx__NodeProto *call, const Onnx__NodeProto *p,
                         size_t k, Bin *out)
{
    char num[32];
    snprintf(num, sizeof num, "%zu", k);
    Bin idx = {strlen(num), (uint8_t *)num};
    return join(I, call, p->op_type, "_", idx, out);
}

/* ------------------------------------------------------------ functions */

static size_t fn_hash(Bin domain, Bin name, Bin overload)
{
    return bin_hash(overload, bin_hash(name, bin_hash(domain, 2166136261u) * 31u) * 31u);
}

/* Index of the function node p calls, or -1. */
static int find_fn(const Inliner *I, const Onnx__NodeProto *p)
{
    if (I->n_fns == 0)
        return -1;
    Bin dom = norm_domain(p->domain);
    for (size_t i = fn_hash(dom, p->op_type, p->overload) & I->fn_mask;;
         i = (i + 1) & I->fn_mask) {
        size_t k = I->fn_slot[i];
        if (k == SIZE_MAX)
            return -1;
        const Fn *f = &I->fns[k];
        if (bin_eq(f->domain, dom) && bin_eq(f->p->name, p->op_type) &&
            bin_eq(f->p->overload, p->overload))
            return (int)k;
    }
}

static bool read_functions(Inliner *I, const Onnx__ModelProto *m)
{
    if (m->n_functions > (size_t)I->max_nodes)
        return diag_fail(I->d, ST_LIMIT, NULL, "model has %zu functions, more than the limit "
                         "of %lld", m->n_functions, (long long)I->max_nodes);
    size_t n_slots = 16;
    while (n_slots < 2 * m->n_functions)
        n_slots *= 2;
    I->fns = x_alloc(I, m->n_functions * sizeof(Fn));
    I->fn_slot = x_alloc(I, n_slots * sizeof(size_t));
    if (!I->fns || !I->fn_slot)
        return oom(I);
    memset(I->fn_slot, 0xff, n_slots * sizeof(size_t));
    I->fn_mask = n_slots - 1;
    for (size_t k = 0; k < m->n_functions; k++) {
        const Onnx__FunctionProto *p = m->functions[k];
        Fn *f = &I->fns[k];
        *f = (Fn){p, norm_domain(p->domain), false};
        char text[200];
        if (p->name.len == 0)
            return diag_fail(I->d, ST_BAD_MODEL, NULL, "model-local function %zu has no name",
                             k);
        size_t i = fn_hash(f->domain, p->name, p->overload) & I->fn_mask;
        for (; I->fn_slot[i] != SIZE_MAX; i = (i + 1) & I->fn_mask) {
            const Fn *o = &I->fns[I->fn_slot[i]];
            if (bin_eq(o->domain, f->domain) && bin_eq(o->p->name, p->name) &&
                bin_eq(o->p->overload, p->overload))
                return diag_fail(I->d, ST_BAD_MODEL, NULL, "model-local function \"%s\" is "
                                 "defined twice", fn_text(f, text, sizeof text));
        }
        I->fn_slot[i] = k;
        I->n_fns = k + 1;
    }
    return true;
}

/* Checks function f's imports against the model's default-domain opset. */
static bool check_opset(Inliner *I, const Onnx__NodeProto *call, const Fn *f)
{
    for (size_t i = 0; i < f->p->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = f->p->opset_import[i];
        if (norm_domain(o->domain).len != 0 || !o->has_version || I->opset == 0 ||
            o->version == I->opset)
            continue;
        char text[200];
        return fail_at(I, ST_UNSUPPORTED, call, "function \"%s\" imports default-domain opset "
                       "%lld but the model %lld; onnxc reads a whole model at one opset",
                       fn_text(f, text, sizeof text), (long long)o->version,
                       (long long)I->opset);
    }
    return true;
}

/* Appends node p to the result. */
static bool emit(Inliner *I, const Onnx__NodeProto *call, Onnx__NodeProto *p)
{
    OnnxInlined *x = I->x;
    if (x->n_node >= (size_t)I->max_nodes)
        return fail_at(I, ST_LIMIT, call, "inlining model-local functions gives more than "
                       "%lld nodes", (long long)I->max_nodes);
    if (x->n_node == I->cap_out) {
        size_t cap = I->cap_out ? 2 * I->cap_out : 256;
        Onnx__NodeProto **bigger = x_alloc(I, cap * sizeof(*bigger));
        if (!bigger)
            return oom(I);
        if (x->n_node)
            memcpy(bigger, x->node, x->n_node * sizeof(*bigger));
        x_free(I, x->node);
        x->node = bigger;
        I->cap_out = cap;
    }
    x->node[x->n_node++] = p;
    return true;
}

/* The values and attributes of one call being inlined. */
typedef struct Scope {
    const Onnx__NodeProto *call;
    Bin prefix;            /* the call's node name, or OpType_j */
    NameMap vals;          /* inner value name -> graph name (tag: formal output) */
    NameMap attrs;         /* attribute name -> AttributeProto (call's, else default) */
    bool *produced;        /* per formal output: some body node computes it */
} Scope;

/* The graph name of inner value name (made on first sight). */
static bool rename_value(Inliner *I, Scope *s, Bin name, bool is_output, Bin *out)
{
    if (name.len == 0) {
        *out = name;
        return true;
    }
    Entry *e = map_get(&s->vals, name);
    if (!e) {
        Bin base;
        if (!join(I, s->call, s->prefix, "/", name, &base) ||
            !fresh_name(I, s->call, base, out))
            return false;
        e = map_put(I, &s->vals, name);
        if (!e)
            return false;
        e->val = *out;
        return true;
    }
    if (is_output && e->tag >= 0)
        s->produced[e->tag] = true;
    *out = e->val;
    return true;
}

/* Resolves references to function attributes in body node p's attributes. */
static bool resolve_attrs(Inliner *I, Scope *s, const Onnx__NodeProto *p, Onnx__NodeProto *q)
{
    if (p->n_attribute > 4096)
        return fail_at(I, ST_LIMIT, q, "node has %zu attributes", p->n_attribute);
    q->attribute = keep(I, (p->n_attribute + 1) * sizeof(*q->attribute));
    if (!q->attribute)
        return false;
    q->n_attribute = 0;
    for (size_t k = 0; k < p->n_attribute; k++) {
        Onnx__AttributeProto *a = p->attribute[k];
        if (a->ref_attr_name.len == 0) {   /* "not empty" marks a reference */
            q->attribute[q->n_attribute++] = a;
            continue;
        }
        const Entry *e = map_get(&s->attrs, a->ref_attr_name);
        if (!e)
            continue;      /* neither given nor defaulted: the attribute is absent */
        const Onnx__AttributeProto *src = e->ptr;
        if (a->has_type && a->type != 0 && src->has_type && src->type != a->type) {
            char name[64], ref[64];
            return fail_at(I, ST_BAD_MODEL, q, "attribute \"%s\" has type code %d but refers "
                           "to function attribute \"%s\" of type code %d",
                           bin_text(a->name, name, sizeof name), (int)a->type,
                           bin_text(a->ref_attr_name, ref, sizeof ref), (int)src->type);
        }
        Onnx__AttributeProto *c = keep(I, sizeof(*c));
        if (!c)
            return false;
        *c = *src;         /* shares the value arrays with the decoded model */
        c->has_name = 1;
        c->name = a->name;
        q->attribute[q->n_attribute++] = c;
    }
    return true;
}

static bool inline_call(Inliner *I, const Onnx__NodeProto *call, Bin prefix, int fi, int depth);

/* Copies body node k of the call in s, renamed, and emits it or inlines it. */
static bool inline_body_node(Inliner *I, Scope *s, const Onnx__NodeProto *p, size_t k,
                             int depth)
{
    Onnx__NodeProto *q = keep(I, sizeof(*q));
    if (!q)
        return false;
    onnx__node_proto__init(q);
    Bin inner = p->name;
    if (inner.len == 0 && !default_name(I, s->call, p, k, &inner))
        return false;
    q->has_name = 1;
    if (!join(I, s->call, s->prefix, "/", inner, &q->name))
        return false;
    q->has_op_type = p->has_op_type;
    q->op_type = p->op_type;
    q->has_domain = p->has_domain;
    q->domain = p->domain;
    q->has_overload = p->has_overload;
    q->overload = p->overload;
    q->n_input = p->n_input;
    q->n_output = p->n_output;
    q->input = keep(I, (p->n_input + 1) * sizeof(Bin));
    q->output = keep(I, (p->n_output + 1) * sizeof(Bin));
    if (!q->input || !q->output)
        return false;
    for (size_t i = 0; i < p->n_input; i++)
        if (!rename_value(I, s, p->input[i], false, &q->input[i]))
            return false;
    for (size_t i = 0; i < p->n_output; i++)
        if (!rename_value(I, s, p->output[i], true, &q->output[i]))
            return false;
    if (!resolve_attrs(I, s, p, q))
        return false;
    int fi = find_fn(I, q);
    if (fi >= 0)
        return inline_call(I, q, q->name, fi, depth + 1);
    return emit(I, s->call, q);
}

/* Binds the formal inputs, outputs and attributes of function f to call. */
static bool bind(Inliner *I, Scope *s, const Fn *f)
{
    const Onnx__FunctionProto *p = f->p;
    const Onnx__NodeProto *call = s->call;
    char text[200], name[64];
    if (call->n_input > p->n_input || call->n_output > p->n_output)
        return fail_at(I, ST_BAD_MODEL, call, "call has %zu inputs and %zu outputs; function "
                       "\"%s\" takes %zu and %zu", call->n_input, call->n_output,
                       fn_text(f, text, sizeof text), p->n_input, p->n_output);
    if (call->n_attribute > 4096 || p->n_attribute_proto > 4096)
        return fail_at(I, ST_LIMIT, call, "call or function has more than 4096 attributes");
    size_t n_names = p->n_input + p->n_output;
    for (size_t k = 0; k < p->n_node; k++)
        n_names += p->node[k]->n_input + p->node[k]->n_output;
    s->produced = keep(I, (p->n_output + 1) * sizeof(bool));
    if (!s->produced || !map_init(I, &s->vals, n_names) ||
        !map_init(I, &s->attrs, call->n_attribute + p->n_attribute_proto))
        return false;
    for (size_t k = 0; k < p->n_input; k++) {
        Bin formal = p->input[k];
        if (formal.len == 0)
            continue;
        if (map_get(&s->vals, formal))
            return fail_at(I, ST_BAD_MODEL, call, "function \"%s\" has input \"%s\" twice",
                           fn_text(f, text, sizeof text), bin_text(formal, name, sizeof name));
        Entry *e = map_put(I, &s->vals, formal);
        if (!e)
            return false;
        if (k < call->n_input)
            e->val = call->input[k];   /* "" = omitted optional input */
    }
    for (size_t k = 0; k < p->n_output; k++) {
        Bin formal = p->output[k];
        if (formal.len == 0)
            continue;
        Entry *e = map_get(&s->vals, formal);
        if (e && e->tag >= 0)
            return fail_at(I, ST_BAD_MODEL, call, "function \"%s\" has output \"%s\" twice",
                           fn_text(f, text, sizeof text), bin_text(formal, name, sizeof name));
        if (e)
            continue;      /* an input passed through: an Identity after the body */
        Bin actual = k < call->n_output ? call->output[k] : (Bin){0, NULL};
        if (actual.len == 0) {
            Bin base;      /* an output the call ignores: an intermediate */
            if (!join(I, call, s->prefix, "/", formal, &base) ||
                !fresh_name(I, call, base, &actual))
                return false;
        }
        e = map_put(I, &s->vals, formal);
        if (!e)
            return false;
        e->val = actual;
        e->tag = (int)k;
    }
    for (size_t k = 0; k < call->n_attribute; k++) {
        const Onnx__AttributeProto *a = call->attribute[k];
        Entry *e = map_get(&s->attrs, a->name);
        if (e)
            return fail_at(I, ST_BAD_MODEL, call, "attribute \"%s\" is given twice",
                           bin_text(a->name, name, sizeof name));
        if (!(e = map_put(I, &s->attrs, a->name)))
            return false;
        e->ptr = a;
    }
    for (size_t k = 0; k < p->n_attribute_proto; k++) {
        const Onnx__AttributeProto *a = p->attribute_proto[k];
        if (map_get(&s->attrs, a->name))
            continue;      /* the call's value wins over the default */
        Entry *e = map_put(I, &s->attrs, a->name);
        if (!e)
            return false;
        e->ptr = a;
    }
    return true;
}

/* Formal outputs no body node computes: an input passed through becomes an
 * Identity node; anything else is an error. */
static bool finish_outputs(Inliner *I, Scope *s, const Fn *f)
{
    const Onnx__FunctionProto *p = f->p;
    const Onnx__NodeProto *call = s->call;
    for (size_t k = 0; k < p->n_output; k++) {
        Bin formal = p->output[k];
        Bin actual = k < call->n_output ? call->output[k] : (Bin){0, NULL};
        if (formal.len == 0 || actual.len == 0)
            continue;
        const Entry *e = map_get(&s->vals, formal);
        if (e->tag >= 0 && s->produced[k])
            continue;
        char text[200], name[64];
        if (e->tag >= 0)
            return fail_at(I, ST_BAD_MODEL, call, "function \"%s\" does not compute its output "
                           "\"%s\"", fn_text(f, text, sizeof text),
                           bin_text(formal, name, sizeof name));
        Onnx__NodeProto *q = keep(I, sizeof(*q));
        if (!q)
            return false;
        onnx__node_proto__init(q);
        static const uint8_t identity[] = "Identity";
        q->has_op_type = 1;
        q->op_type = (Bin){sizeof identity - 1, (uint8_t *)identity};
        q->has_name = 1;
        q->n_input = q->n_output = 1;
        q->input = keep(I, sizeof(Bin));
        q->output = keep(I, sizeof(Bin));
        if (!q->input || !q->output || !join(I, call, s->prefix, "/", formal, &q->name))
            return false;
        q->input[0] = e->val;
        q->output[0] = actual;
        if (!emit(I, call, q))
            return false;
    }
    return true;
}

/* Replaces call (of function fi, at nesting depth) by the function's body. */
static bool inline_call(Inliner *I, const Onnx__NodeProto *call, Bin prefix, int fi, int depth)
{
    Fn *f = &I->fns[fi];
    char text[200];
    if (f->active) {
        char chain[256];
        size_t len = 0;
        chain[0] = '\0';
        int from = depth - 1;
        while (from > 0 && I->path[from - 1] != fi)
            from--;
        for (int i = from > 0 ? from - 1 : 0; i < depth - 1 && len < sizeof chain; i++)
            len += (size_t)snprintf(chain + len, sizeof chain - len, "%s -> ",
                                    fn_text(&I->fns[I->path[i]], text, 64));
        if (len < sizeof chain)
            snprintf(chain + len, sizeof chain - len, "%s", fn_text(f, text, 64));
        return fail_at(I, ST_BAD_MODEL, call, "model-local function calls are recursive (%s)",
                       chain);
    }
    if (depth > I->max_depth)
        return fail_at(I, ST_LIMIT, call, "model-local function calls nest more than %lld deep",
                       (long long)I->max_depth);
    if (!check_opset(I, call, f))
        return false;
    Scope s = {call, prefix, {0}, {0}, NULL};
    bool ok = bind(I, &s, f);
    f->active = true;
    I->path[depth - 1] = fi;
    for (size_t k = 0; ok && k < f->p->n_node; k++)
        ok = inline_body_node(I, &s, f->p->node[k], k, depth);
    f->active = false;
    ok = ok && finish_outputs(I, &s, f);
    map_free(I, &s.vals);
    map_free(I, &s.attrs);
    return ok;
}

/* ---------------------------------------------------------------- entry */

/* Marks every value name the graph itself uses. */
static bool seed_names(Inliner *I, const Onnx__GraphProto *gp)
{
    size_t n = gp->n_input + gp->n_output + gp->n_initializer;
    for (size_t j = 0; j < gp->n_node; j++)
        n += gp->node[j]->n_input + gp->node[j]->n_output;
    if (!map_init(I, &I->used, n))
        return false;
    for (size_t i = 0; i < gp->n_input; i++)
        if (!use_name(I, gp->input[i]->name))
            return false;
    for (size_t i = 0; i < gp->n_output; i++)
        if (!use_name(I, gp->output[i]->name))
            return false;
    for (size_t i = 0; i < gp->n_initializer; i++)
        if (!use_name(I, gp->initializer[i]->name))
            return false;
    for (size_t j = 0; j < gp->n_node; j++) {
        const Onnx__NodeProto *p = gp->node[j];
        for (size_t i = 0; i < p->n_input; i++)
            if (!use_name(I, p->input[i]))
                return false;
        for (size_t i = 0; i < p->n_output; i++)
            if (!use_name(I, p->output[i]))
                return false;
    }
    return true;
}

bool onnx_inline_functions(const OnnxCtx *c, const Onnx__ModelProto *m, OnnxInlined *x,
                           Diag *d)
{
    const Onnx__GraphProto *gp = m->graph;
    Inliner I = {x, d, c->lim.max_nodes, c->lim.max_string, c->lim.max_call_depth,
                 c->g->opset, NULL, 0, 0, NULL, {0}, 0, 0, NULL};
    x->node = NULL;
    x->n_node = 0;
    bool ok = read_functions(&I, m) && seed_names(&I, gp);
    if (ok) {
        I.path = x_alloc(&I, (size_t)I.max_depth * sizeof(int));
        ok = I.path || oom(&I);
    }
    for (size_t j = 0; ok && j < gp->n_node; j++) {
        Onnx__NodeProto *p = gp->node[j];
        int fi = find_fn(&I, p);
        if (fi < 0) {
            ok = emit(&I, p, p);
            continue;
        }
        Bin prefix = p->name;
        ok = (prefix.len || default_name(&I, p, p, j, &prefix)) &&
             inline_call(&I, p, prefix, fi, 1);
    }
    x_free(&I, I.path);
    x_free(&I, I.fns);
    x_free(&I, I.fn_slot);
    map_free(&I, &I.used);
    return ok;
}

void onnx_inline_free(OnnxInlined *x)
{
    if (!x->alloc)
        return;
    x->alloc->free(x->alloc->allocator_data, x->node);
    x->node = NULL;
    x->n_node = 0;
    while (x->blocks) {
        Block *b = x->blocks;
        x->blocks = b->next;
        x->alloc->free(x->alloc->allocator_data, b);
    }
}
