/* SPDX-License-Identifier: MIT */
/*
 * emit_trace.c - the optional per-node trace of emitted code (onnxc compile
 * --trace). The header declares a hook the application defines,
 *
 *   void NAME_trace(int node, const char *name, const char *op, int rank,
 *                   const long long *dims, const float *data);
 *
 * and NAME_run_ws calls it after every node with the node's schedule index, its
 * ONNX name, its op (with a fused activation as "Conv+silu"), and its output.
 * Everything is inside `#ifdef NAME_TRACE`: compiled without that macro the file
 * is the same code as without --trace and references no hook, so it still links
 * alone. Model names reach the emitted C only as string literals escaped here
 * (every byte outside a safe printable set becomes a 3-digit octal escape).
 */
#include <inttypes.h>
#include <string.h>

#include "cg_internal.h"

/* Longest part of a node name passed to the hook. */
enum { TRACE_NAME_MAX = 200 };

/* Writes s as the body of a C string literal: letters, digits and a few safe
 * punctuation bytes as they are, everything else (quotes, backslash, '?' for
 * trigraphs, control and non-ASCII bytes) as \ooo, which never swallows the
 * next character the way \x does. */
static void put_c_string(FILE *c, const char *s, size_t max_len)
{
    static const char safe[] = " ./-_:;,+=()[]<>#%&*!~^|@$'{}";
    fputc('"', c);
    size_t i = 0;
    for (; s[i] && i < max_len; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9') || (ch && strchr(safe, ch));
        if (plain)
            fputc(ch, c);
        else
            fprintf(c, "\\%03o", ch);
    }
    if (s[i])
        fputs("...", c);
    fputc('"', c);
}

void cg_emit_trace_decl(const CgPlan *pl, FILE *h)
{
    if (!pl->opt->trace)
        return;
    fprintf(h,
            "#ifdef %s_TRACE\n"
            "/* Defined by the application when the .c file is compiled with -D%s_TRACE:\n"
            " * called by %s_run_ws after every node, in schedule order, with the node's\n"
            " * index, its ONNX name and op (\"Conv+silu\" for a fused activation), and\n"
            " * its output (f32, row-major, shape dims[0..rank-1]), which it must not\n"
            " * modify. Without -D%s_TRACE the .c file neither calls nor needs it. */\n"
            "void %s_trace(int node, const char *name, const char *op, int rank,\n"
            "%*sconst long long *dims, const float *data);\n"
            "#endif\n\n",
            pl->upper, pl->upper, pl->opt->name, pl->upper, pl->opt->name,
            (int)strlen(pl->opt->name) + 12, "");
}

void cg_emit_trace_call(const CgPlan *pl, int node, const char *ptr, FILE *c)
{
    if (!pl->opt->trace)
        return;
    const Graph *g = pl->g;
    const Node *n = &g->nodes[node];
    const Tensor *y = &g->tensors[n->out[0]];
    char op[96];
    snprintf(op, sizeof op, "%s%s%s", op_name(n->op), n->act != ACT_NONE ? "+" : "",
             n->act != ACT_NONE ? act_name(n->act) : "");
    fprintf(c, "#ifdef %s_TRACE\n    {\n        static const long long n%d_dims[%d] = {", pl->upper,
            node, y->rank > 0 ? y->rank : 1);
    for (int i = 0; i < y->rank; i++)
        fprintf(c, "%s%" PRId64, i ? ", " : "", y->dims[i]);
    if (y->rank <= 0)
        fputc('1', c);
    fprintf(c, "};\n        %s_trace(%d, ", pl->opt->name, node);
    put_c_string(c, n->name, TRACE_NAME_MAX);
    fputs(", ", c);
    put_c_string(c, op, sizeof op);
    fprintf(c, ", %d, n%d_dims, %s);\n    }\n#endif\n", y->rank, node, ptr);
}
