/* SPDX-License-Identifier: MIT */
/*
 * common.c - the part every onnxc subcommand shares: error printing, pinning
 * symbolic input dims (--shape, else 1 with a warning), the front half (load,
 * infer, optimize) and writing files through a temporary name, so a failure
 * never leaves a half-written output.
 */
#define _POSIX_C_SOURCE 200809L /* getpid */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "codegen.h"
#include "onnx.h"

int usage_error(const char *fmt, const char *arg)
{
    fputs("onnxc: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(see onnxc --help)\n", stderr);
    return EXIT_USAGE;
}

int model_error(const Options *o, const Diag *d)
{
    char line[1024];
    diag_format(d, o->model, line, sizeof line);
    fprintf(stderr, "onnxc: error: %s\n", line);
    return EXIT_MODEL;
}

/* Applies --shape to the graph inputs, then assumes 1 for every dim still
 * symbolic, with a warning and a note for the emitted header. */
/* Copies s into buf with control bytes as '?' (truncated to fit). */
static void printable(const char *s, char *buf, size_t size)
{
    size_t j = 0;
    for (; *s && j + 1 < size; s++)
        buf[j++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
    buf[j] = '\0';
}

static int pin_shapes(const Options *o, Graph *g, char *assumed, size_t size)
{
    assumed[0] = '\0';
    for (int s = 0; s < o->n_shapes; s++) {
        const ShapeArg *sa = &o->shapes[s];
        int t = -1;
        for (int k = 0; k < g->n_inputs; k++)
            if (strcmp(g->tensors[g->inputs[k]].name, sa->input) == 0)
                t = g->inputs[k];
        if (t < 0)
            return usage_error("--shape names '%s', which is not an input of the model",
                               sa->input);
        Tensor *x = &g->tensors[t];
        if (x->rank != sa->rank) {
            fprintf(stderr, "onnxc: error: %s: --shape gives %d dims for input '%s' of rank %d\n",
                    o->model, sa->rank, sa->input, x->rank);
            return EXIT_USAGE;
        }
        for (int i = 0; i < x->rank; i++) {
            if (x->dims[i] >= 0 && x->dims[i] != sa->dims[i]) {
                fprintf(stderr, "onnxc: error: %s: --shape sets dim %d of '%s' to %lld, the "
                        "model fixes it at %lld\n", o->model, i, sa->input,
                        (long long)sa->dims[i], (long long)x->dims[i]);
                return EXIT_USAGE;
            }
            x->dims[i] = sa->dims[i];
        }
    }
    size_t len = 0;
    for (int k = 0; k < g->n_inputs; k++) {
        Tensor *x = &g->tensors[g->inputs[k]];
        for (int i = 0; i < x->rank; i++) {
            if (x->dims[i] >= 0)
                continue;
            const char *p = x->dim_param[i] ? x->dim_param[i] : "?";
            char pn[128], pp[128];   /* model text on a terminal: one line, no escapes */
            printable(x->name, pn, sizeof pn);
            printable(p, pp, sizeof pp);
            fprintf(stderr, "onnxc: warning: %s: input '%s' dim %d ('%s') is symbolic; "
                    "assuming 1 (set it with --shape %s=...)\n", o->model, pn, i, pp, pn);
            x->dims[i] = 1;
            if (len < size)
                len += (size_t)snprintf(assumed + len, size - len, "%sinput '%s' dim %d ('%s') = 1",
                                        len ? "; " : "", x->name, i, p);
        }
    }
    return 0;
}

Graph *front_half(const Options *o, char *assumed, size_t size, PassObserver obs, void *ctx,
                  int *status)
{
    Diag d = {0};
    Graph *g = onnx_load_file(o->model, &o->limits, &d);
    if (!g) {
        *status = model_error(o, &d);
        return NULL;
    }
    /* limits are checked on the pinned inputs and again on the planned graph */
    /* what select_kernels may choose: --trace needs every output in ONNX order
     * (verify compiles with the trace hook too) */
    g->kernel_policy = o->reference_kernels ? KP_REFERENCE
                       : o->trace || (o->cmd && strcmp(o->cmd, "verify") == 0) ? KP_NCHW
                                                                   : KP_FAST;
    if ((*status = pin_shapes(o, g, assumed, size)) != 0 ||
        !onnx_check_limits(g, &o->limits, &d) || !ir_infer_shapes(g, &d) ||
        !passes_run(g, obs, ctx, &d) || !onnx_check_limits(g, &o->limits, &d)) {
        if (*status == 0)
            *status = model_error(o, &d);
        ir_graph_free(g);
        return NULL;
    }
    return g;
}

/* Opens path.tmp<pid> for writing; the caller renames it over path. */
FILE *open_tmp(const char *path, char *tmp, size_t size)
{
    snprintf(tmp, size, "%s.tmp%ld", path, (long)getpid());
    return fopen(tmp, "wb");
}

bool close_file(FILE *f)
{
    bool ok = !ferror(f);
    return fclose(f) == 0 && ok;
}

const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool hash_file(const char *path, uint64_t *out)
{
    *out = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    uint64_t h = CG_FNV1A64_INIT;
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = cg_fnv1a64(h, buf, n);
    bool ok = !ferror(f);
    fclose(f);
    if (ok)
        *out = h;
    return ok;
}
