/* SPDX-License-Identifier: MIT */
/*
 * print_report.c - the cost of a planned graph, layer by layer (`onnxc compile
 * --report`): for each node its kernel (select_kernels), its floating-point
 * operations (ir_node_flops: 2 per multiply-add of Conv, ConvTranspose, Gemm,
 * MatMul; pooling and elementwise work is counted in bytes), the bytes it
 * reads (inputs and weights) and writes (as stored: blk16 padded), then the
 * totals and the tensors live at the activation peak, which make the arena as
 * large as it is.
 */
#include <stdlib.h>
#include <string.h>

#include "ir.h"

static int64_t bytes_of(const Graph *g, int t)
{
    int64_t b = t >= 0 ? ir_storage_bytes(&g->tensors[t]) : 0;
    return b > 0 ? b : 0;
}

/* "%15 "name" f32[...] 100352 bytes" with the name cut to 40 printable bytes. */
static void print_tensor(const Graph *g, int t, FILE *out)
{
    const Tensor *x = &g->tensors[t];
    char type[256], name[48];
    ir_format_type(x, type, sizeof type);
    size_t i = 0;
    for (; x->name[i] && i < 40; i++)
        name[i] = (x->name[i] < 0x20 || x->name[i] >= 0x7f || x->name[i] == '"') ? '?' : x->name[i];
    name[i] = '\0';
    fprintf(out, "//   %%%-4d %-40s %-18s %10lld bytes @%lld\n", t, name, type,
            (long long)ir_planned_bytes(x), (long long)x->offset);
}

void ir_print_report(const Graph *g, FILE *out)
{
    fprintf(out, "%-4s %-14s %-34s %-20s %-24s %12s %12s %12s\n", "node", "op", "name", "kernel",
            "output", "FLOPs", "read", "written");
    int64_t flops = 0, rd = 0, wr = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        char op[64], type[256] = "", name[40];
        snprintf(op, sizeof op, "%s%s%s", op_name(n->op), n->act != ACT_NONE ? "+" : "",
                 n->act != ACT_NONE ? act_name(n->act) : "");
        size_t k = 0;
        for (; n->name[k] && k < 33; k++)
            name[k] = (n->name[k] < 0x20 || n->name[k] >= 0x7f) ? '?' : n->name[k];
        name[k] = '\0';
        int64_t m = ir_node_flops(g, n), r = 0, w = 0;
        for (int j = 0; j < n->n_in; j++)
            r += bytes_of(g, n->in[j]);
        for (int j = 0; j < n->n_out; j++)
            w += bytes_of(g, n->out[j]);
        if (n->n_out > 0 && n->out[0] >= 0) {
            const Tensor *y = &g->tensors[n->out[0]];
            ir_format_type(y, type, sizeof type);
            if (y->layout != LAYOUT_NCHW) {
                size_t len = strlen(type);
                snprintf(type + len, sizeof type - len, " %s", layout_name(y->layout));
            }
        }
        fprintf(out, "%-4d %-14s %-34s %-20s %-24s %12lld %12lld %12lld\n", i, op, name,
                g->kernels_selected ? ir_kernel(n->kernel)->name : "-", type, (long long)m,
                (long long)r, (long long)w);
        flops += m;
        rd += r;
        wr += w;
    }
    fprintf(out, "%-4s %-14s %-34s %-20s %-24s %12lld %12lld %12lld\n", "all", "", "", "", "",
            (long long)flops, (long long)rd, (long long)wr);
    if (g->arena_bytes < 0)
        return;
    size_t nt = (size_t)(g->n_tensors > 0 ? g->n_tensors : 1);
    int *first = malloc(nt * sizeof *first), *last = malloc(nt * sizeof *last);
    if (first && last) {
        ir_lifetimes(g, first, last);
        int64_t peak = 0;
        int step = ir_peak_step(g, first, last, &peak);
        fprintf(out, "// arena %lld bytes, lower bound %lld; ", (long long)g->arena_bytes,
                (long long)g->arena_lower_bound);
        if (step < 0) {
            fputs("no intermediate tensors\n", out);
        } else {
            fprintf(out, "peak %lld bytes at node %d (%s), made of:\n", (long long)peak, step,
                    op_name(g->nodes[step].op));
            for (int t = 0; t < g->n_tensors; t++)
                if (g->tensors[t].offset >= 0 && first[t] <= step && step <= last[t])
                    print_tensor(g, t, out);
        }
    }
    free(first);
    free(last);
}
