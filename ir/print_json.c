/* SPDX-License-Identifier: MIT */
/*
 * print_json.c - the optimized graph and its buffer plan as one JSON object
 * (`onnxc dump --format json`), for tools. Layout:
 *
 *   {"onnxc": version, "model": file, "opset": n, "inputs": [ids], "outputs": [ids],
 *    "tensors": [{"id", "name", "kind": "input"|"const"|"value", "dtype", "shape":
 *                 [dims; a symbolic dim is its name as a string], "producer": node
 *                 or null, "offset": arena offset or null, "layout": "nchw"|"blk16"}],
 *    "nodes": [{"id", "op", "name", "act", "kernel": name or null (before
 *               select_kernels), "why": reason a faster kernel was not taken or
 *               null, "inputs": [ids, null when omitted], "outputs": [ids],
 *               "attrs": {name: value}}],
 *    "plan": null | {"arena_bytes", "lower_bound", "efficiency", "peak_step",
 *                    "buffers": [{"tensor", "bytes", "first", "last", "offset"}]}}
 *
 * Only tensors that a node, an attribute or the graph's inputs and outputs refer
 * to are listed. Strings are escaped per RFC 8259; bytes that are not valid
 * UTF-8 become U+FFFD, so the output is valid JSON whatever the model holds.
 * Non-finite floats (which JSON lacks) are written as null.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not one. */
static int utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    int n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    unsigned cp = c & (0x7fu >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static void json_str(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', out);
    while (*p) {
        int n = utf8_len(p);
        if (n == 0) {
            fputs("\\ufffd", out);
            p++;
        } else if (n > 1) {
            fwrite(p, 1, (size_t)n, out);
            p += n;
        } else {
            unsigned char c = *p++;
            if (c == '"' || c == '\\')
                fprintf(out, "\\%c", c);
            else if (c == '\n')
                fputs("\\n", out);
            else if (c == '\t')
                fputs("\\t", out);
            else if (c < 0x20 || c == 0x7f)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

static void json_float(FILE *out, double v)
{
    if (!isfinite(v)) {
        fputs("null", out);
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.9g", v);
    for (char *q = buf; *q; q++)   /* locale-proof decimal point */
        if (*q == ',')
            *q = '.';
    fputs(buf, out);
}

static void json_attr(FILE *out, const Attr *a)
{
    switch (a->type) {
    case AT_INT:
        fprintf(out, "%lld", (long long)a->i);
        break;
    case AT_FLOAT:
        json_float(out, a->f);
        break;
    case AT_STRING:
        json_str(out, a->s);
        break;
    case AT_TENSOR:
        fprintf(out, "{\"tensor\": %d}", a->tensor);
        break;
    case AT_INTS:
    case AT_FLOATS:
    case AT_STRINGS:
        fputc('[', out);
        for (int i = 0; i < a->n; i++) {
            if (i)
                fputs(", ", out);
            if (a->type == AT_INTS)
                fprintf(out, "%lld", (long long)a->ints[i]);
            else if (a->type == AT_FLOATS)
                json_float(out, a->floats[i]);
            else
                json_str(out, a->strings[i]);
        }
        fputc(']', out);
        break;
    }
}

static void json_ids(FILE *out, const int *ids, int n)
{
    fputc('[', out);
    for (int i = 0; i < n; i++) {
        if (ids[i] < 0)
            fprintf(out, "%snull", i ? ", " : "");
        else
            fprintf(out, "%s%d", i ? ", " : "", ids[i]);
    }
    fputc(']', out);
}

static const char *kind_name(TensorKind k)
{
    switch (k) {
    case TK_INPUT: return "input";
    case TK_CONST: return "const";
    case TK_VALUE: return "value";
    }
    return "value";
}

static void json_tensor(FILE *out, const Graph *g, int t)
{
    const Tensor *x = &g->tensors[t];
    fprintf(out, "    {\"id\": %d, \"name\": ", t);
    json_str(out, x->name);
    fprintf(out, ", \"kind\": \"%s\", \"dtype\": \"%s\", \"shape\": ", kind_name(x->kind),
            dtype_name(x->dtype));
    if (x->rank < 0) {
        fputs("null", out);
    } else {
        fputc('[', out);
        for (int i = 0; i < x->rank; i++) {
            if (i)
                fputs(", ", out);
            if (x->dims[i] >= 0)
                fprintf(out, "%lld", (long long)x->dims[i]);
            else
                json_str(out, x->dim_param[i] ? x->dim_param[i] : "?");
        }
        fputc(']', out);
    }
    fputs(", \"producer\": ", out);
    if (x->producer >= 0)
        fprintf(out, "%d", x->producer);
    else
        fputs("null", out);
    fputs(", \"offset\": ", out);
    if (x->offset >= 0)
        fprintf(out, "%lld", (long long)x->offset);
    else
        fputs("null", out);
    fprintf(out, ", \"layout\": \"%s\"}", layout_name(x->layout));
}

static void json_node(FILE *out, const Graph *g, int i)
{
    const Node *n = &g->nodes[i];
    fprintf(out, "    {\"id\": %d, \"op\": \"%s\", \"name\": ", i, op_name(n->op));
    json_str(out, n->name);
    fprintf(out, ", \"act\": \"%s\", \"kernel\": ", act_name(n->act));
    if (g->kernels_selected)
        json_str(out, ir_kernel(n->kernel)->name);
    else
        fputs("null", out);
    fputs(", \"why\": ", out);
    if (n->kernel_why)
        json_str(out, n->kernel_why);
    else
        fputs("null", out);
    fputs(", \"inputs\": ", out);
    json_ids(out, n->in, n->n_in);
    fputs(", \"outputs\": ", out);
    json_ids(out, n->out, n->n_out);
    fputs(", \"attrs\": {", out);
    for (int k = 0; k < n->n_attrs; k++) {
        if (k)
            fputs(", ", out);
        json_str(out, n->attrs[k].name);
        fputs(": ", out);
        json_attr(out, &n->attrs[k]);
    }
    fputs("}}", out);
}

static void json_plan(FILE *out, const Graph *g, const int *first, const int *last)
{
    if (g->arena_bytes < 0) {
        fputs("null", out);
        return;
    }
    int64_t peak = 0;
    int step = ir_peak_step(g, first, last, &peak);
    fprintf(out, "{\n    \"arena_bytes\": %lld, \"lower_bound\": %lld, \"efficiency\": ",
            (long long)g->arena_bytes, (long long)g->arena_lower_bound);
    json_float(out, g->arena_bytes > 0 ? (double)g->arena_lower_bound / (double)g->arena_bytes
                                       : 1.0);
    fprintf(out, ", \"peak_step\": %d,\n    \"buffers\": [", step);
    bool any = false;
    for (int t = 0; t < g->n_tensors; t++) {
        const Tensor *x = &g->tensors[t];
        if (x->offset < 0)
            continue;
        fprintf(out, "%s\n      {\"tensor\": %d, \"bytes\": %lld, \"first\": %d, \"last\": %d, "
                     "\"offset\": %lld}",
                any ? "," : "", t, (long long)ir_planned_bytes(x), first[t], last[t],
                (long long)x->offset);
        any = true;
    }
    fputs(any ? "\n    ]}" : "]}", out);
}

void ir_print_json(const Graph *g, FILE *out)
{
    size_t nt = (size_t)(g->n_tensors > 0 ? g->n_tensors : 1);
    bool *ref = calloc(nt, sizeof *ref);
    int *first = malloc(nt * sizeof *first), *last = malloc(nt * sizeof *last);
    if (!ref || !first || !last) {
        fputs("null\n", out);   /* still valid JSON */
        free(ref);
        free(first);
        free(last);
        return;
    }
    ir_lifetimes(g, first, last);
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                ref[n->in[k]] = true;
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0)
                ref[n->out[k]] = true;
        for (int k = 0; k < n->n_attrs; k++)
            if (n->attrs[k].type == AT_TENSOR && n->attrs[k].tensor >= 0)
                ref[n->attrs[k].tensor] = true;
    }
    for (int k = 0; k < g->n_inputs; k++)
        ref[g->inputs[k]] = true;
    for (int k = 0; k < g->n_outputs; k++)
        ref[g->outputs[k]] = true;

    fputs("{\n  \"onnxc\": \"" ONNXC_VERSION "\",\n  \"model\": ", out);
    json_str(out, g->source);
    fprintf(out, ",\n  \"opset\": %lld,\n  \"inputs\": ", (long long)g->opset);
    json_ids(out, g->inputs, g->n_inputs);
    fputs(",\n  \"outputs\": ", out);
    json_ids(out, g->outputs, g->n_outputs);
    fputs(",\n  \"tensors\": [", out);
    bool any = false;
    for (int t = 0; t < g->n_tensors; t++) {
        if (!ref[t])
            continue;
        fputs(any ? ",\n" : "\n", out);
        json_tensor(out, g, t);
        any = true;
    }
    fputs(any ? "\n  ],\n  \"nodes\": [" : "],\n  \"nodes\": [", out);
    for (int i = 0; i < g->n_nodes; i++) {
        fputs(i ? ",\n" : "\n", out);
        json_node(out, g, i);
    }
    fputs(g->n_nodes ? "\n  ],\n  \"plan\": " : "],\n  \"plan\": ", out);
    json_plan(out, g, first, last);
    fputs("\n}\n", out);
    free(ref);
    free(first);
    free(last);
}
