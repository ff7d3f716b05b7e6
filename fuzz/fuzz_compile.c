/* SPDX-License-Identifier: MIT */
/*
 * fuzz_compile.c - the fuzz target: bytes in, the whole of `onnxc compile` out.
 *
 * One input runs what `onnxc compile` runs: the frontend (onnx_load_buffer,
 * with tight limits so that a run stays fast), symbolic dims pinned to 1, the
 * limit check, shape inference, the pass pipeline and the limit check again;
 * then it emits the C file and header twice into memory and, when the model is
 * small enough, runs the reference interpreter. Refusing the input is fine;
 * what counts as a finding (abort()) besides a crash or a sanitizer report: an
 * ST_INTERNAL error (a pass left the IR invalid), a failure without a message,
 * an error line with a control byte, emitted text that differs between two
 * runs, a model-written line of emitted text with a byte that is not printable
 * ASCII, a trigraph or a line splice (model text must never reach the output
 * raw; the embedded runtime, matched against onnxc's copy, is exempt: see
 * emitted_text.h), or an IR dump with a byte that is not printable ASCII, or a
 * dot file with a control byte.
 *
 * Built with -fsanitize=fuzzer for libFuzzer (ONNXC_FUZZ), and without it into
 * fuzz_replay, which runs the same function on files (regression tests).
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "emitted_text.h"
#include "onnx.h"
#include "passes.h"
#include "rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fuzzer is the caller: any broken promise aborts so it is recorded. */
static void finding(const char *what, const Diag *d)
{
    fprintf(stderr, "fuzz_compile: finding: %s (code %d, node \"%s\", op \"%s\": %s)\n", what,
            d ? (int)d->code : -1, d ? d->node : "", d ? d->op : "", d ? d->msg : "");
    abort();
}

/* A refusal must carry a code and one printable line. */
static void check_refusal(const Diag *d)
{
    if (d->code == ST_OK || !d->msg[0])
        finding("failure without a diagnostic", d);
    if (d->code == ST_INTERNAL)
        finding("internal error", d);
    char line[1024];
    diag_format(d, "fuzz.onnx", line, sizeof line);
    for (const char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            finding("control byte in the error line", d);
}

/* Emitted text: see emitted_text.h (the embedded runtime is ours; every other
 * line is printable ASCII with no trigraph and no line splice). */
static void check_text(const char *s, size_t n, const char *file)
{
    int line = 0;
    const char *why = fuzz_check_emitted(s, n, &line);
    if (why) {
        Diag d = {.code = ST_OK};
        snprintf(d.msg, sizeof d.msg, "%s line %d", file, line);
        finding(why, &d);
    }
}

/* `onnxc dump` text: printable ASCII and newlines only. `onnxc dot` text: no
 * control byte but the newline (bytes >= 0x80 pass, Graphviz reads UTF-8). */
static void check_printed(const Graph *g)
{
    for (int dot = 0; dot < 2; dot++) {
        char *text = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&text, &n);
        if (!f)
            abort();
        if (dot)
            ir_print_dot(g, f);
        else
            ir_print(g, f);
        fclose(f);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)text[i];
            if (c != '\n' && (c < 0x20 || c == 0x7f || (!dot && c > 0x7f)))
                finding(dot ? "non-printable byte in the dot output"
                            : "non-printable byte in the IR dump", NULL);
        }
        free(text);
    }
}

typedef struct Emitted {
    char *c, *h;
    size_t nc, nh;
    bool ok;
} Emitted;

static Emitted emit(const Graph *g, Diag *d)
{
    Emitted e = {0};
    FILE *c = open_memstream(&e.c, &e.nc), *h = open_memstream(&e.h, &e.nh);
    if (!c || !h)
        abort();
    CgOptions opt = {.name = "fuzz_gen", .header_name = "fuzz_gen.h", .assumptions = NULL};
    e.ok = cg_emit(g, &opt, c, h, d);
    fclose(c);
    fclose(h);
    return e;
}

/* Multiply-adds (or element visits) the interpreter would spend, saturating. */
static int64_t cost(const Graph *g)
{
    int64_t total = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        int64_t per = 1, out = 0;
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0 && ir_numel(&g->tensors[n->out[k]]) > out)
                out = ir_numel(&g->tensors[n->out[k]]);
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0 && ir_numel(&g->tensors[n->in[k]]) > out)
                out = ir_numel(&g->tensors[n->in[k]]);
        if (n->op == OP_CONV && n->n_in > 1 && n->in[1] >= 0) {
            const Tensor *w = &g->tensors[n->in[1]];
            per = w->rank >= 1 && w->dims[0] > 0 ? ir_numel(w) / w->dims[0] : 1;
        } else if (n->op == OP_MAXPOOL) {
            per = 64;
        }
        if (out < 0 || per < 0 || (per > 0 && out > (INT64_MAX / 4) / per))
            return INT64_MAX;
        total += out * per;
        if (total > INT64_MAX / 4)
            return INT64_MAX;
    }
    return total;
}

/* Runs the interpreter on a fixed input pattern when every input and output is f32. */
static void interpret(const Graph *g)
{
    if (g->n_inputs > 16 || g->n_outputs > 16 || cost(g) > 20000000 || g->arena_bytes > (64 << 20))
        return;
    float *bufs[32] = {0};
    const float *ins[16];
    float *outs[16];
    int nb = 0;
    for (int k = 0; k < g->n_inputs + g->n_outputs; k++) {
        int tid = k < g->n_inputs ? g->inputs[k] : g->outputs[k - g->n_inputs];
        const Tensor *t = &g->tensors[tid];
        int64_t n = ir_numel(t);
        if (t->dtype != DT_F32 || n < 0 || n > (16 << 20))
            goto out;
        float *b = malloc((size_t)n * sizeof(float) + sizeof(float));
        if (!b)
            goto out;
        bufs[nb++] = b;
        for (int64_t i = 0; i < n; i++)
            b[i] = (float)((i * 7919) % 23) * 0.125f - 1.0f;
        if (k < g->n_inputs)
            ins[k] = b;
        else
            outs[k - g->n_inputs] = b;
    }
    Diag d = {0};
    if (!rt_interpret(g, ins, outs, &d))
        check_refusal(&d);
out:
    for (int i = 0; i < nb; i++)
        free(bufs[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Tight limits: the fuzzer looks for bugs, not for big models. */
    OnnxLimits lim = {.max_rank = 0, .max_elements = 1 << 20, .max_total_bytes = 16 << 20};
    Diag d = {0};
    Graph *g = onnx_load_buffer(data, size, "fuzz/fuzz.onnx", &lim, &d);
    if (!g) {
        check_refusal(&d);
        return 0;
    }
    for (int k = 0; k < g->n_inputs; k++) {       /* as the CLI: symbolic dims become 1 */
        Tensor *x = &g->tensors[g->inputs[k]];
        for (int i = 0; i < x->rank; i++)
            if (x->dims[i] < 0)
                x->dims[i] = 1;
    }
    if (!onnx_check_limits(g, &lim, &d) || !ir_infer_shapes(g, &d) ||
        !passes_run(g, NULL, NULL, &d) || !onnx_check_limits(g, &lim, &d)) {
        check_refusal(&d);
        ir_graph_free(g);
        return 0;
    }
    check_printed(g);
    Emitted a = emit(g, &d);
    if (!a.ok) {
        check_refusal(&d);
    } else {
        Diag d2 = {0};
        Emitted b = emit(g, &d2);
        if (!b.ok || a.nc != b.nc || a.nh != b.nh || memcmp(a.c, b.c, a.nc) != 0 ||
            memcmp(a.h, b.h, a.nh) != 0)
            finding("emitted code differs between two runs", &d2);
        check_text(a.c, a.nc, "fuzz_gen.c");
        check_text(a.h, a.nh, "fuzz_gen.h");
        free(b.c);
        free(b.h);
        interpret(g);
    }
    free(a.c);
    free(a.h);
    ir_graph_free(g);
    return 0;
}
