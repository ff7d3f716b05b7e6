/* SPDX-License-Identifier: MIT */
/*
 * print_plan.c - the buffer plan of a planned graph as a table (`onnxc dump
 * --plan`): one row per planned tensor in id order with its arena bytes, its
 * lifetime [first,last] in schedule steps, its offset and a timeline, then the
 * arena, the lower bound (largest sum of simultaneously live buffers, which no
 * plan can beat) and the efficiency lower bound / arena, then the tensors that
 * are live at the peak. Tensors that share bytes in place show the same offset
 * with lifetimes that touch at one step. Deterministic, like ir_print.
 */
#include <stdlib.h>
#include <string.h>

#include "ir.h"

/* Longest timeline printed; longer schedules are scaled down to it. */
enum { TIMELINE_MAX = 64, NAME_COLS = 28 };

/* Copies at most NAME_COLS printable bytes of s, with "..." when cut. */
static void short_name(const char *s, char *buf)
{
    size_t n = strlen(s), i = 0;
    bool cut = n > NAME_COLS;
    size_t keep = cut ? NAME_COLS - 3 : n;
    for (; i < keep; i++)
        buf[i] = (s[i] < 0x20 || s[i] >= 0x7f) ? '?' : s[i];
    if (cut) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
}

static void print_row(const Graph *g, int t, const int *first, const int *last, FILE *out)
{
    const Tensor *x = &g->tensors[t];
    char type[256], name[NAME_COLS + 1], life[32];
    ir_format_type(x, type, sizeof type);
    short_name(x->name, name);
    snprintf(life, sizeof life, "[%d,%d]", first[t], last[t]);
    fprintf(out, "%%%-4d %-*s %-18s %10lld %-9s @%-9lld |", t, NAME_COLS, name, type,
            (long long)ir_planned_bytes(x), life, (long long)x->offset);
    int steps = g->n_nodes;
    int cols = steps < TIMELINE_MAX ? steps : TIMELINE_MAX;
    for (int c = 0; c < cols; c++) {
        /* column c covers steps [c*steps/cols, (c+1)*steps/cols) */
        int s0 = (int)((long long)c * steps / cols), s1 = (int)((long long)(c + 1) * steps / cols);
        fputc(first[t] < s1 && last[t] >= s0 ? '#' : '.', out);
    }
    fputs("|\n", out);
}

void ir_print_plan(const Graph *g, FILE *out)
{
    if (g->arena_bytes < 0) {
        fputs("// not planned: run the whole pipeline first\n", out);
        return;
    }
    size_t nt = (size_t)(g->n_tensors > 0 ? g->n_tensors : 1);
    int *first = malloc(nt * sizeof *first), *last = malloc(nt * sizeof *last);
    if (!first || !last) {
        fputs("// out of memory\n", out);
        free(first);
        free(last);
        return;
    }
    ir_lifetimes(g, first, last);
    int n_planned = 0;
    for (int t = 0; t < g->n_tensors; t++)
        n_planned += g->tensors[t].offset >= 0;
    fprintf(out, "// buffer plan: %d tensors in the arena, %d steps (one per node; "
                 "a timeline column is %s)\n",
            n_planned, g->n_nodes, g->n_nodes <= TIMELINE_MAX ? "one step" : "several steps");
    fprintf(out, "%-5s %-*s %-18s %10s %-9s %-10s  %s\n", "id", NAME_COLS, "tensor", "type",
            "bytes", "live", "offset", "timeline");
    for (int t = 0; t < g->n_tensors; t++)
        if (g->tensors[t].offset >= 0)
            print_row(g, t, first, last, out);
    int64_t peak = 0;
    int step = ir_peak_step(g, first, last, &peak);
    double eff = g->arena_bytes > 0 ? 100.0 * (double)g->arena_lower_bound / (double)g->arena_bytes
                                    : 100.0;
    fprintf(out, "// arena %lld bytes, lower bound %lld bytes, efficiency %.1f%% "
                 "(lower bound / arena)\n",
            (long long)g->arena_bytes, (long long)g->arena_lower_bound, eff);
    if (step >= 0) {
        fprintf(out, "// peak %lld bytes at step %d (%s):", (long long)peak, step,
                op_name(g->nodes[step].op));
        for (int t = 0; t < g->n_tensors; t++)
            if (g->tensors[t].offset >= 0 && first[t] <= step && step <= last[t])
                fprintf(out, " %%%d", t);
        fputc('\n', out);
    }
    free(first);
    free(last);
}
