/* SPDX-License-Identifier: MIT */
/*
 * print.c - the IR as text (for dumps and golden tests) and as Graphviz.
 *
 * Output depends only on the graph (no pointers, no hash order), so dumps diff
 * cleanly between passes and runs. Names from the model are quoted with every
 * byte outside printable ASCII (and '"', '\') escaped, so one node is always
 * exactly one line whatever the model holds.
 */
#include <stdlib.h>
#include <string.h>

#include "ir.h"

static void print_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* The type, and the layout when it is not NCHW: "f32[1,32,28,28] blk16". */
static void print_type(FILE *out, const Tensor *t)
{
    char buf[256];
    ir_format_type(t, buf, sizeof buf);
    /* dim_param names come from the model: keep the line printable. */
    for (char *p = buf; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            *p = '?';
    fputs(buf, out);
    if (t->layout != LAYOUT_NCHW)
        fprintf(out, " %s", layout_name(t->layout));
}

static void print_attr(FILE *out, const Attr *a)
{
    /* attribute names come from the model too: plain ones as they are */
    bool plain = a->name[0] != '\0';
    for (const char *p = a->name; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9') || *p == '_';
    if (plain)
        fputs(a->name, out);
    else
        print_quoted(out, a->name);
    fputc('=', out);
    switch (a->type) {
    case AT_INT:
        fprintf(out, "%lld", (long long)a->i);
        break;
    case AT_FLOAT:
        fprintf(out, "%.9g", (double)a->f);
        break;
    case AT_STRING:
        print_quoted(out, a->s ? a->s : "");
        break;
    case AT_TENSOR:
        fprintf(out, "%%%d", a->tensor);
        break;
    case AT_INTS:
        fputc('[', out);
        for (int i = 0; i < a->n; i++)
            fprintf(out, "%s%lld", i ? "," : "", (long long)a->ints[i]);
        fputc(']', out);
        break;
    case AT_FLOATS:
        fputc('[', out);
        for (int i = 0; i < a->n; i++)
            fprintf(out, "%s%.9g", i ? "," : "", (double)a->floats[i]);
        fputc(']', out);
        break;
    case AT_STRINGS:
        fputc('[', out);
        for (int i = 0; i < a->n; i++) {
            if (i)
                fputc(',', out);
            print_quoted(out, a->strings[i]);
        }
        fputc(']', out);
        break;
    }
}

/* Marks tensors that nodes, attributes or graph outputs refer to. */
static bool *referenced(const Graph *g)
{
    bool *ref = calloc((size_t)(g->n_tensors ? g->n_tensors : 1), sizeof(bool));
    if (!ref)
        return NULL;
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                ref[n->in[k]] = true;
        for (int k = 0; k < n->n_attrs; k++)
            if (n->attrs[k].type == AT_TENSOR && n->attrs[k].tensor >= 0)
                ref[n->attrs[k].tensor] = true;
    }
    for (int k = 0; k < g->n_outputs; k++)
        ref[g->outputs[k]] = true;
    for (int k = 0; k < g->n_inputs; k++)
        ref[g->inputs[k]] = true;
    return ref;
}

void ir_print(const Graph *g, FILE *out)
{
    bool *ref = referenced(g);
    fputs("// model ", out);
    print_quoted(out, g->source ? g->source : "");
    fprintf(out, " opset %lld, %d nodes\n", (long long)g->opset, g->n_nodes);
    for (int k = 0; k < g->n_inputs; k++) {
        const Tensor *t = &g->tensors[g->inputs[k]];
        fprintf(out, "input %%%d ", g->inputs[k]);
        print_quoted(out, t->name);
        fputs(" : ", out);
        print_type(out, t);
        fputc('\n', out);
    }
    for (int i = 0; i < g->n_tensors; i++) {
        const Tensor *t = &g->tensors[i];
        if (t->kind != TK_CONST || (ref && !ref[i]))
            continue;
        fprintf(out, "const %%%d ", i);
        print_quoted(out, t->name);
        fputs(" : ", out);
        print_type(out, t);
        fputc('\n', out);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        for (int k = 0; k < n->n_out; k++)
            fprintf(out, k ? ", %%%d" : "%%%d", n->out[k]);
        fprintf(out, " = %s(", op_name(n->op));
        for (int k = 0; k < n->n_in; k++) {
            if (n->in[k] < 0)
                fprintf(out, k ? ", _" : "_");
            else
                fprintf(out, k ? ", %%%d" : "%%%d", n->in[k]);
        }
        fputc(')', out);
        if (n->n_attrs) {
            fputs(" {", out);
            for (int k = 0; k < n->n_attrs; k++) {
                if (k)
                    fputc(' ', out);
                print_attr(out, &n->attrs[k]);
            }
            fputc('}', out);
        }
        if (n->act != ACT_NONE)
            fprintf(out, " act=%s", act_name(n->act));
        if (n->act == ACT_LEAKY_RELU)
            fprintf(out, "(alpha=%g)", (double)n->act_alpha);
        else if (n->act == ACT_CLIP)
            fprintf(out, "(min=%g max=%g)", (double)n->act_alpha, (double)n->act_beta);
        if (g->kernels_selected)
            fprintf(out, " kernel=%s", ir_kernel(n->kernel)->name);
        if (n->kernel_why) {
            fputs(" why=", out);
            print_quoted(out, n->kernel_why);
        }
        fputs(" :", out);
        for (int k = 0; k < n->n_out; k++) {
            if (n->out[k] < 0)
                continue;
            const Tensor *t = &g->tensors[n->out[k]];
            fputs(k ? ", " : " ", out);
            print_type(out, t);
            if (t->offset >= 0)
                fprintf(out, " @%lld", (long long)t->offset);
            else if (g->arena_bytes >= 0 && t->is_output)
                fputs(" @out", out);
        }
        fputs("   # ", out);
        print_quoted(out, n->name);
        fputc('\n', out);
    }
    for (int k = 0; k < g->n_outputs; k++) {
        fprintf(out, "output %%%d ", g->outputs[k]);
        print_quoted(out, g->tensors[g->outputs[k]].name);
        fputc('\n', out);
    }
    if (g->arena_bytes >= 0)
        fprintf(out, "// arena %lld bytes, lower bound %lld bytes (largest sum of live tensors)\n",
                (long long)g->arena_bytes, (long long)g->arena_lower_bound);
    free(ref);
}

/* Graphviz wants its own escaping inside "...": only '"' and '\' matter, but
 * control bytes are replaced to keep the file one record per line. */
static void dot_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c < 0x20 || c == 0x7f)
            fputc('?', out);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* Appends printf-style text to label while it has room. */
static void label_add(char *label, size_t size, size_t *len, const char *fmt, const char *a,
                      const char *b)
{
    if (*len < size)
        *len += (size_t)snprintf(label + *len, size - *len, fmt, a, b);
}

void ir_print_dot(const Graph *g, FILE *out)
{
    char type[256];
    fputs("digraph onnxc {\n  rankdir=TB;\n  node [fontname=\"monospace\" fontsize=10];\n", out);
    if (g->arena_bytes >= 0)
        fprintf(out, "  label=\"arena %lld bytes, lower bound %lld bytes; fused nodes in blue, "
                     "@offset = the output's place in the arena\";\n",
                (long long)g->arena_bytes, (long long)g->arena_lower_bound);
    for (int k = 0; k < g->n_inputs; k++) {
        const Tensor *t = &g->tensors[g->inputs[k]];
        ir_format_type(t, type, sizeof type);
        fprintf(out, "  t%d [shape=ellipse label=", g->inputs[k]);
        char label[512];
        snprintf(label, sizeof label, "%s\n%s", t->name, type);
        dot_quoted(out, label);
        fputs("];\n", out);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        char label[1024];
        size_t len = 0;
        label_add(label, sizeof label, &len, "%s%s", op_name(n->op), "");
        if (n->act != ACT_NONE)
            label_add(label, sizeof label, &len, " + %s%s", act_name(n->act), " (fused)");
        if (n->name[0])
            label_add(label, sizeof label, &len, "\n%s%s", n->name, "");
        for (int k = 0; k < n->n_in; k++) {   /* weights are not drawn as nodes: list them */
            if (n->in[k] < 0 || g->tensors[n->in[k]].kind != TK_CONST)
                continue;
            ir_format_type(&g->tensors[n->in[k]], type, sizeof type);
            label_add(label, sizeof label, &len, "\nconst %s%s", type, "");
        }
        if (n->n_out > 0 && n->out[0] >= 0) {
            const Tensor *t = &g->tensors[n->out[0]];
            char where[64] = "";
            ir_format_type(t, type, sizeof type);
            if (t->offset >= 0)
                snprintf(where, sizeof where, " @%lld", (long long)t->offset);
            else if (g->arena_bytes >= 0 && t->is_output)
                snprintf(where, sizeof where, " @out");
            label_add(label, sizeof label, &len, "\n-> %s%s", type, where);
            if (t->layout != LAYOUT_NCHW)
                label_add(label, sizeof label, &len, " %s%s", layout_name(t->layout), "");
        }
        if (g->kernels_selected)
            label_add(label, sizeof label, &len, "\nkernel %s%s", ir_kernel(n->kernel)->name, "");
        fprintf(out, "  n%d [shape=box style=rounded label=", i);
        dot_quoted(out, label);
        fputs(n->act != ACT_NONE ? " color=blue];\n" : "];\n", out);
        for (int k = 0; k < n->n_in; k++) {
            int t = n->in[k];
            if (t < 0 || g->tensors[t].kind == TK_CONST)
                continue;
            if (g->tensors[t].producer >= 0)
                fprintf(out, "  n%d -> n%d;\n", g->tensors[t].producer, i);
            else
                fprintf(out, "  t%d -> n%d;\n", t, i);
        }
    }
    for (int k = 0; k < g->n_outputs; k++) {
        int t = g->outputs[k];
        fprintf(out, "  o%d [shape=ellipse label=", k);
        dot_quoted(out, g->tensors[t].name);
        fputs("];\n", out);
        if (g->tensors[t].producer >= 0)
            fprintf(out, "  n%d -> o%d;\n", g->tensors[t].producer, k);
        else
            fprintf(out, "  t%d -> o%d;\n", t, k);
    }
    fputs("}\n", out);
}
