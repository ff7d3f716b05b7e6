/* SPDX-License-Identifier: MIT */
/*
 * common.c - the part every onnxc subcommand shares: error printing, pinning
 * symbolic input dims (--shape, else 1 with a warning), the front half (load,
 * infer, optimize) and writing files through a temporary name, so a failure
 * never leaves a half-written output. And what verify and bench share to run
 * the emitted code: seeded random inputs, a work directory, emitting the model
 * into it, and building it with a driver by the system C compiler.
 */
#define _POSIX_C_SOURCE 200809L /* getpid, mkdtemp */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* ---------------------------------------- running the emitted code (verify, bench) */

/* xorshift64*: a fixed, portable sequence for a given seed. */
static float next_uniform(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    uint64_t r = *s * 0x2545f4914f6cdd1dULL;
    return (float)((double)(r >> 40) / (double)(1ULL << 24) * 2.0 - 1.0);
}

bool random_inputs(const Graph *g, uint64_t seed, Arena *a, const void **ins)
{
    uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (int k = 0; k < g->n_inputs && k < MAX_FILES; k++) {
        const Tensor *t = &g->tensors[g->inputs[k]];
        int64_t n = ir_numel(t), bytes = ir_nbytes(t);
        if (t->dtype != DT_F32) {
            ins[k] = arena_calloc(a, (size_t)(bytes > 0 ? bytes : 1), 1);
        } else {
            float *x = arena_calloc(a, (size_t)(n > 0 ? n : 1), sizeof(float));
            for (int64_t i = 0; x && i < n; i++)
                x[i] = next_uniform(&s);
            ins[k] = x;
        }
        if (!ins[k])
            return false;
    }
    return true;
}

void shell_quote(const char *s, char *buf, size_t size)
{
    size_t k = 0;
    if (k < size)
        buf[k++] = '\'';
    for (; *s && k + 5 < size; s++) {
        if (*s == '\'') {
            memcpy(buf + k, "'\\''", 4);
            k += 4;
        } else {
            buf[k++] = *s;
        }
    }
    if (k + 1 < size)
        buf[k++] = '\'';
    buf[k < size ? k : size - 1] = '\0';
}

const char *cc_command(const Options *o)
{
    const char *cc = o->cc ? o->cc : getenv("CC");
    return cc && cc[0] ? cc : "cc";
}

bool make_work_dir(const Options *o, const char *tag, char *dir, size_t size)
{
    bool ok;
    if (o->keep) {
        snprintf(dir, size, "%s", o->keep);
        ok = mkdir(dir, 0777) == 0 || errno == EEXIST;
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, size, "%s/onnxc-%s-XXXXXX", tmp && tmp[0] ? tmp : "/tmp", tag);
        ok = mkdtemp(dir) != NULL;
    }
    if (!ok)
        fprintf(stderr, "onnxc: error: %s: cannot create a work directory: %s\n", dir,
                strerror(errno));
    return ok;
}

void remove_work(const char *dir, const char *name)
{
    static const char *const files[] = {"%s.c", "%s.h", "driver.c", "driver", "input.bin",
                                        "trace.bin", "times.bin", "cc.log"};
    char file[300], path[4400];
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        snprintf(file, sizeof file, files[i], name);
        snprintf(path, sizeof path, "%s/%s", dir, file);
        remove(path);
    }
    rmdir(dir);
}

bool write_inputs(const Graph *g, const void *const *ins, const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/input.bin", dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    for (int k = 0; k < g->n_inputs; k++) {
        const Tensor *t = &g->tensors[g->inputs[k]];
        if (t->dtype == DT_F32)
            fwrite(ins[k], sizeof(float), (size_t)ir_numel(t), f);
    }
    return close_file(f);
}

bool emit_into(const Options *o, const Graph *g, const CgOptions *cg, const char *dir)
{
    char c_path[4200], h_path[4200];
    snprintf(c_path, sizeof c_path, "%s/%s.c", dir, cg->name);
    snprintf(h_path, sizeof h_path, "%s/%s", dir, cg->header_name);
    FILE *cf = fopen(c_path, "w"), *hf = fopen(h_path, "w");
    Diag d = {0};
    bool ok = cf && hf && cg_emit(g, cg, cf, hf, &d);
    bool c_closed = !cf || close_file(cf);   /* close both, whatever happens */
    bool h_closed = !hf || close_file(hf);
    bool closed = c_closed && h_closed;
    if (!ok && d.code != ST_OK)
        model_error(o, &d);
    else if (!ok || !closed)
        fprintf(stderr, "onnxc: error: %s: cannot write: %s\n", c_path, strerror(errno));
    return ok && closed;
}

bool build_driver(const Options *o, const char *flags, const char *dir, const char *name)
{
    const char *cc = cc_command(o);
    char qd[4096], cmd[30000], log[4200];
    shell_quote(dir, qd, sizeof qd);
    snprintf(log, sizeof log, "%s/cc.log", dir);
    snprintf(cmd, sizeof cmd, "%s %s -I%s -o %s/driver %s/driver.c %s/%s.c -lm >%s/cc.log 2>&1",
             cc, flags, qd, qd, qd, qd, name, qd);
    int rc = system(cmd);
    if (rc == 0)
        return true;
    if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 127) {   /* the shell's "not found" */
        fprintf(stderr, "onnxc: error: %s: cannot run the C compiler '%s' (not found; set it "
                "with --cc or $CC)\n", o->model, cc);
        return false;
    }
    fprintf(stderr, "onnxc: error: %s: the C compiler (%s) failed on the emitted code:\n",
            o->model, cc);
    FILE *f = fopen(log, "r");
    char line[512];
    for (int i = 0; f && i < 20 && fgets(line, sizeof line, f); i++)
        fputs(line, stderr);
    if (f)
        fclose(f);
    return false;
}
