/* SPDX-License-Identifier: MIT */
/*
 * difftest.c - differential tester of the emitted code: random valid models
 * (difftest_gen.c) through the real pipeline, the emitted C built for each
 * vector path and run, compared with the reference interpreter.
 *
 *   difftest [--seed S] [--cases N] [--batch B] [--jobs J] [--cc CC] [--isa a,b]
 *            [--save DIR] [--keep] [-v]
 *
 * Case k of a run is the model of seed S + k, so `--seed S+k --cases 1`
 * repeats one case alone. For each case: the model bytes are loaded as
 * `onnxc compile` loads them (onnx_load_buffer, shape inference, the whole
 * pass pipeline, cg_emit); the reference is rt_interpret on the same model
 * after shape inference only (no folding, fusion or planning), so fused
 * activations, folded constants and the buffer plan are checked too; the
 * interpreter also runs on the optimized graph (path "interp"). The emitted C
 * of a batch is compiled per path (-march=native, -mavx2 -mfma when the CPU has
 * them, and portable -O2) and run by one harness per path (difftest_build.c).
 *
 * Tolerance, per element: |got - ref| <= 1e-4 + 1e-3 |ref|. Both sides are
 * float32 but sum in different orders (blocked and vectorized loops, FMA
 * contraction) and the fast path computes exp with rt_v_exp (2e-7 relative);
 * weights have variance 1/fan-in, so a sum of K products of inputs of order
 * one is of order one while its rounding error is about sqrt(K) 2^-24 times
 * the sum of the magnitudes (a few 1e-6 for K <= 1617, the largest fan-in
 * generated), growing a few times along a chain of six ops. The absolute term
 * covers results that cancel to near zero, the relative one large values; a
 * wrong tap, lane or border is off by the size of a term (about 1e-2 or more)
 * and fails by orders of magnitude. A mismatch prints the seed and writes the
 * model (DIR/seed<S>.onnx), its input and reference outputs as TensorProto
 * files for `onnxc run`, and the emitted C. Exit 0 when every case that
 * compiled agreed on every path, 1 on any mismatch or failure (a refusal other
 * than "unsupported", C that does not compile, a crash), 2 on bad usage.
 * Models onnxc refuses as unsupported are counted and their reasons listed.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codegen.h"
#include "difftest_build.h"
#include "difftest_gen.h"
#include "onnx.h"
#include "passes.h"
#include "rt.h"

#define ATOL 1e-4
#define RTOL 1e-3
#define MAX_BATCH 256
#define MAX_REASONS 32

typedef struct Opts {
    uint64_t seed;
    int cases, batch, jobs;
    const char *cc, *save, *isa_list;
    bool keep, verbose;
} Opts;

/* One case of a batch, beyond what the build needs. */
typedef struct Case {
    uint64_t seed;
    DtModel m;
    bool ok;                     /* emitted and has a reference */
    bool fast;                   /* uses a fast kernel (uses_fast_path) */
    float *in, *ref;             /* inputs and reference outputs, concatenated */
    int64_t n_in, n_ref;
    Graph *g;                    /* the reference graph (shapes inferred only), for saving */
} Case;

typedef struct Stats {
    int cases, compared, unsupported, mismatches, failures;
    int fast;                    /* emitted code differs from the reference-kernel emission */
    char reason[MAX_REASONS][160];
    int reason_n[MAX_REASONS], n_reasons;
    double t_front, t_build;
} Stats;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void count_reason(Stats *st, const char *line)
{
    for (int i = 0; i < st->n_reasons; i++)
        if (strcmp(st->reason[i], line) == 0) {
            st->reason_n[i]++;
            return;
        }
    if (st->n_reasons < MAX_REASONS) {
        snprintf(st->reason[st->n_reasons], sizeof st->reason[0], "%s", line);
        st->reason_n[st->n_reasons++] = 1;
    }
}

/* Loads the model as the CLI does, through shape inference (and the passes). */
static Graph *load(const DtModel *m, bool passes, Diag *d)
{
    Graph *g = onnx_load_buffer(m->bytes, m->len, "difftest.onnx", NULL, d);
    if (!g)
        return NULL;
    OnnxLimits lim = {0};
    if (!onnx_check_limits(g, &lim, d) || !ir_infer_shapes(g, d) ||
        (passes && !passes_run(g, NULL, NULL, d))) {
        ir_graph_free(g);
        return NULL;
    }
    return g;
}

static bool write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static void copy_file(const char *from, const char *to)
{
    FILE *f = fopen(from, "rb");
    if (!f)
        return;
    FILE *t = fopen(to, "wb");
    char buf[65536];
    size_t n;
    while (t && (n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, t);
    fclose(f);
    if (t)
        fclose(t);
}

/* Keeps a failing case: the model, its inputs and reference outputs as
 * TensorProto files, the emitted C, and what went wrong. */
static void save_case(const Opts *o, const Case *c, const char *work, const char *name,
                      const char *what)
{
    mkdir(o->save, 0777);
    char path[4096];
    snprintf(path, sizeof path, "%s/seed%llu.onnx", o->save, (unsigned long long)c->seed);
    write_file(path, c->m.bytes, c->m.len);
    if (c->g && c->in && c->ref) {
        const Graph *g = c->g;
        const float *p = c->in;
        for (int k = 0; k < g->n_inputs + g->n_outputs; k++) {
            bool in = k < g->n_inputs;
            const Tensor *t = &g->tensors[in ? g->inputs[k] : g->outputs[k - g->n_inputs]];
            if (k == g->n_inputs)
                p = c->ref;
            OnnxTensor ot = {.dtype = DT_F32, .rank = t->rank, .data = (void *)p, .name = t->name};
            memcpy(ot.dims, t->dims, sizeof ot.dims);
            snprintf(path, sizeof path, "%s/seed%llu.%s%d.pb", o->save, (unsigned long long)c->seed,
                     in ? "input" : "ref_output", in ? k : k - g->n_inputs);
            Diag d = {0};
            onnx_write_tensor(path, &ot, &d);
            p += ir_numel(t);
        }
    }
    char from[4096];
    snprintf(from, sizeof from, "%s/%s.c", work, name);
    snprintf(path, sizeof path, "%s/seed%llu.c", o->save, (unsigned long long)c->seed);
    copy_file(from, path);
    snprintf(path, sizeof path, "%s/seed%llu.txt", o->save, (unsigned long long)c->seed);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "seed %llu: %s\nmodel: %s\nrerun: difftest --seed %llu --cases 1\n",
                (unsigned long long)c->seed, what, c->m.summary, (unsigned long long)c->seed);
        fclose(f);
    }
}

/* True when the emitted file at path differs from what --reference-kernels
 * emits: the model runs some fast kernel or blocked layout (a coverage figure
 * that does not depend on the kernels' names). */
static bool uses_fast_path(const Graph *g, const CgOptions *opt, const char *path)
{
    char *ref = NULL, *hdr = NULL;
    size_t nr = 0, nh = 0;
    FILE *r = open_memstream(&ref, &nr), *h = open_memstream(&hdr, &nh);
    CgOptions o = *opt;
    o.reference_kernels = true;
    Diag d = {0};
    bool ok = r && h && cg_emit(g, &o, r, h, &d);
    if (r)
        fclose(r);
    if (h)
        fclose(h);
    bool differs = false;
    FILE *f = ok ? fopen(path, "rb") : NULL;
    if (f) {
        size_t i = 0;
        int ch;
        while (!differs && (ch = fgetc(f)) != EOF)
            differs = i >= nr || ref[i++] != (char)ch;
        differs |= i != nr;
        fclose(f);
    }
    free(ref);
    free(hdr);
    return differs;
}

/* Generates, compiles and interprets case c (named name, files in work). */
static void front(const Opts *o, Case *c, DtCase *bc, const char *work, Stats *st)
{
    dt_generate(c->seed, &c->m);
    Diag d = {0};
    char line[1024];
    Graph *g = load(&c->m, true, &d);
    if (!g) {
        diag_format(&d, "model", line, sizeof line);
        if (d.code == ST_UNSUPPORTED) {
            st->unsupported++;
            count_reason(st, line);
            if (o->verbose)
                printf("seed %llu: unsupported: %s\n", (unsigned long long)c->seed, line);
        } else {
            st->failures++;
            printf("difftest: FAILURE seed %llu: a valid model refused: %s\n  model: %s\n",
                   (unsigned long long)c->seed, line, c->m.summary);
            save_case(o, c, work, bc->name, line);
        }
        return;
    }
    char cpath[4096], hpath[4096], hname[32];
    snprintf(cpath, sizeof cpath, "%s/%s.c", work, bc->name);
    snprintf(hpath, sizeof hpath, "%s/%s.h", work, bc->name);
    snprintf(hname, sizeof hname, "%s.h", bc->name);
    FILE *cf = fopen(cpath, "w"), *hf = fopen(hpath, "w");
    CgOptions cg = {.name = bc->name, .header_name = hname};
    bool emitted = cf && hf && cg_emit(g, &cg, cf, hf, &d);
    if (cf)
        fclose(cf);
    if (hf)
        fclose(hf);
    if (emitted && uses_fast_path(g, &cg, cpath)) {
        c->fast = true;
        st->fast++;
    }
    Graph *r = emitted ? load(&c->m, false, &d) : NULL;
    if (!emitted || !r || g->n_inputs > DT_MAX_IO || g->n_outputs > DT_MAX_IO) {
        diag_format(&d, "model", line, sizeof line);
        if (d.code == ST_UNSUPPORTED) {
            st->unsupported++;
            count_reason(st, line);
        } else {
            st->failures++;
            printf("difftest: FAILURE seed %llu: %s\n  model: %s\n", (unsigned long long)c->seed,
                   line, c->m.summary);
            save_case(o, c, work, bc->name, line);
        }
        ir_graph_free(g);
        ir_graph_free(r);
        return;
    }
    /* inputs: uniform in [-1, 1), from the seed */
    bc->n_in = g->n_inputs;
    bc->n_out = g->n_outputs;
    c->n_in = c->n_ref = 0;
    for (int k = 0; k < g->n_inputs; k++)
        c->n_in += bc->in_size[k] = ir_numel(&g->tensors[g->inputs[k]]);
    for (int k = 0; k < g->n_outputs; k++)
        c->n_ref += bc->out_size[k] = ir_numel(&g->tensors[g->outputs[k]]);
    c->in = malloc((size_t)c->n_in * sizeof *c->in);
    c->ref = malloc((size_t)c->n_ref * sizeof *c->ref);
    float *alt = malloc((size_t)c->n_ref * sizeof *alt);
    uint64_t rng = c->seed ^ 0x5eedf00dULL;
    for (int64_t i = 0; c->in && i < c->n_in; i++)
        c->in[i] = dt_uniform(&rng, -1.0f, 1.0f);
    const float *ins[DT_MAX_IO];
    float *outs[DT_MAX_IO], *alts[DT_MAX_IO];
    int64_t off = 0;
    for (int k = 0; k < g->n_inputs; k++, off += bc->in_size[k - 1])
        ins[k] = c->in + off;
    off = 0;
    for (int k = 0; k < g->n_outputs; k++, off += bc->out_size[k - 1]) {
        outs[k] = c->ref + off;
        alts[k] = alt + off;
    }
    Diag rd = {0}, ad = {0};
    bool ref_ok = c->in && c->ref && alt && rt_interpret(r, ins, outs, &rd);
    bool alt_ok = ref_ok && rt_interpret(g, ins, alts, &ad);
    if (!ref_ok || !alt_ok) {
        diag_format(ref_ok ? &ad : &rd, "model", line, sizeof line);
        st->failures++;
        printf("difftest: FAILURE seed %llu: the interpreter%s refused it: %s\n  model: %s\n",
               (unsigned long long)c->seed, ref_ok ? " (after the passes)" : "", line,
               c->m.summary);
        save_case(o, c, work, bc->name, line);
    } else {
        char in_path[4096];
        snprintf(in_path, sizeof in_path, "%s/%s.in", work, bc->name);
        if (!write_file(in_path, c->in, (size_t)c->n_in * sizeof *c->in)) {
            fprintf(stderr, "difftest: cannot write %s\n", in_path);
            exit(1);
        }
        c->ok = bc->emitted = true;
        c->g = r;
        r = NULL;
        /* the interpreter on the optimized graph is one more path */
        for (int64_t i = 0; i < c->n_ref; i++) {
            double e = fabs((double)alt[i] - (double)c->ref[i]);
            if (!(e <= ATOL + RTOL * fabs((double)c->ref[i]))) {
                st->mismatches++;
                snprintf(line, sizeof line, "path interp (after the passes): element %lld: got %.9g, "
                         "reference %.9g", (long long)i, (double)alt[i], (double)c->ref[i]);
                printf("difftest: MISMATCH seed %llu %s\n  model: %s\n", (unsigned long long)c->seed,
                       line, c->m.summary);
                save_case(o, c, work, bc->name, line);
                break;
            }
        }
    }
    free(alt);
    ir_graph_free(g);
    ir_graph_free(r);
}

/* Compares one path's outputs of case c with the reference; true when they agree. */
static bool compare(const Opts *o, const Case *c, const DtCase *bc, const char *work, const char *isa,
                    Stats *st)
{
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/%s.%s.out", work, bc->name, isa);
    FILE *f = fopen(path, "rb");
    float *got = malloc((size_t)c->n_ref * sizeof *got);
    size_t n = f && got ? fread(got, sizeof *got, (size_t)c->n_ref, f) : 0;
    if (f)
        fclose(f);
    if (n != (size_t)c->n_ref) {
        char obj[4096];
        snprintf(obj, sizeof obj, "%s/%s.%s.o", work, bc->name, isa);
        snprintf(line, sizeof line, "path %s: %s", isa,
                 access(obj, F_OK) != 0 ? "the emitted C does not compile" :
                 "the emitted code crashed, hung or failed");
        printf("difftest: FAILURE seed %llu %s (see %s/%s.%s.log, run_%s.log)\n  model: %s\n",
               (unsigned long long)c->seed, line, work, bc->name, isa, isa, c->m.summary);
        st->failures++;
        save_case(o, c, work, bc->name, line);
        free(got);
        return false;
    }
    int64_t bad = 0, worst = -1;
    double worst_ratio = 0;
    for (int64_t i = 0; i < c->n_ref; i++) {
        double e = fabs((double)got[i] - (double)c->ref[i]);
        double tol = ATOL + RTOL * fabs((double)c->ref[i]);
        double ratio = e / tol;
        if (!(e <= tol)) {
            bad++;
            if (worst < 0 || !(ratio <= worst_ratio)) {
                worst = i;
                worst_ratio = isnan(ratio) ? INFINITY : ratio;
            }
        }
    }
    if (bad) {
        snprintf(line, sizeof line, "path %s: %lld of %lld elements off; worst element %lld: got "
                 "%.9g, reference %.9g (|err| %.3g, tolerance %.3g)", isa, (long long)bad,
                 (long long)c->n_ref, (long long)worst, (double)got[worst], (double)c->ref[worst],
                 fabs((double)got[worst] - (double)c->ref[worst]),
                 ATOL + RTOL * fabs((double)c->ref[worst]));
        printf("difftest: MISMATCH seed %llu %s\n  model: %s\n  kept in %s/seed%llu.*; rerun: "
               "difftest --seed %llu --cases 1\n", (unsigned long long)c->seed, line,
               c->m.summary, o->save, (unsigned long long)c->seed, (unsigned long long)c->seed);
        st->mismatches++;
        save_case(o, c, work, bc->name, line);
    }
    free(got);
    return bad == 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: difftest [--seed S] [--cases N] [--batch B] [--jobs J] [--cc CC] "
                    "[--isa native,avx2,portable] [--save DIR] [--keep] [-v]\n");
    return 2;
}

static bool parse(int argc, char **argv, Opts *o)
{
    *o = (Opts){.seed = 1, .cases = 100, .batch = 50, .jobs = 2, .cc = "cc",
                .save = "difftest-failures", .isa_list = "native,avx2,portable"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--keep") == 0) {
            o->keep = true;
        } else if (strcmp(a, "-v") == 0) {
            o->verbose = true;
        } else if (!v) {
            return false;
        } else if (strcmp(a, "--seed") == 0) {
            o->seed = strtoull(v, NULL, 0);
        } else if (strcmp(a, "--cases") == 0) {
            o->cases = atoi(v);
        } else if (strcmp(a, "--batch") == 0) {
            o->batch = atoi(v);
        } else if (strcmp(a, "--jobs") == 0) {
            o->jobs = atoi(v);
        } else if (strcmp(a, "--cc") == 0) {
            o->cc = v;
        } else if (strcmp(a, "--isa") == 0) {
            o->isa_list = v;
        } else if (strcmp(a, "--save") == 0) {
            o->save = v;
        } else {
            return false;
        }
        if (strcmp(a, "--keep") != 0 && strcmp(a, "-v") != 0)
            i++;
    }
    return o->cases > 0 && o->batch > 0 && o->batch <= MAX_BATCH && o->jobs > 0;
}

/* The vector paths asked for that this CPU runs. */
static int choose_isas(const char *list, DtIsa *isas)
{
    static const DtIsa all[] = {{"native", "-march=native"}, {"avx2", "-mavx2 -mfma"},
                                {"portable", ""}};
    int n = 0;
    for (int i = 0; i < 3; i++) {
        const char *p = strstr(list, all[i].name);
        size_t len = strlen(all[i].name);
        if (!p || (p[len] != ',' && p[len] != '\0'))
            continue;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
        if (i == 1 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
            printf("difftest: this CPU has no AVX2 + FMA; path avx2 skipped\n");
            continue;
        }
#else
        if (i == 1)
            continue;
#endif
        isas[n++] = all[i];
    }
    return n;
}

int main(int argc, char **argv)
{
    Opts o;
    if (!parse(argc, argv, &o))
        return usage();
    DtIsa isas[3];
    int n_isas = choose_isas(o.isa_list, isas);
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char work[4096];
    snprintf(work, sizeof work, "%s/difftest.XXXXXX", tmp);
    if (!mkdtemp(work)) {
        perror("difftest: mkdtemp");
        return 1;
    }
    printf("difftest: seeds %llu..%llu, paths:", (unsigned long long)o.seed,
           (unsigned long long)(o.seed + (uint64_t)o.cases - 1));
    for (int k = 0; k < n_isas; k++)
        printf(" %s (%s)", isas[k].name, isas[k].flags[0] ? isas[k].flags : "-O2 only");
    printf(", cc %s, work %s\n", o.cc, work);
    fflush(stdout);
    Stats st = {0};
    double t0 = now();
    static Case cases[MAX_BATCH];
    static DtCase bcs[MAX_BATCH];
    for (int first = 0; first < o.cases; first += o.batch) {
        int nb = o.cases - first < o.batch ? o.cases - first : o.batch;
        double t1 = now();
        for (int i = 0; i < nb; i++) {
            memset(&cases[i], 0, sizeof cases[i]);
            memset(&bcs[i], 0, sizeof bcs[i]);
            cases[i].seed = o.seed + (uint64_t)(first + i);
            snprintf(bcs[i].name, sizeof bcs[i].name, "c%d", i);
            front(&o, &cases[i], &bcs[i], work, &st);
            st.cases++;
            if (o.verbose)
                printf("seed %llu%s: %s\n", (unsigned long long)cases[i].seed,
                       cases[i].fast ? " (fast)" : "", cases[i].m.summary);
        }
        double t2 = now();
        st.t_front += t2 - t1;
        if (!dt_build_and_run(work, o.cc, o.jobs, isas, n_isas, bcs, nb))
            return 1;
        st.t_build += now() - t2;
        for (int i = 0; i < nb; i++) {
            bool all = cases[i].ok;
            for (int k = 0; k < n_isas && cases[i].ok; k++)
                all &= compare(&o, &cases[i], &bcs[i], work, isas[k].name, &st);
            st.compared += all;
            dt_model_free(&cases[i].m);
            free(cases[i].in);
            free(cases[i].ref);
            ir_graph_free(cases[i].g);
        }
        printf("difftest: %d/%d cases, %d agreed on every path, %d unsupported, %d mismatches, "
               "%d failures (%.0f s)\n", st.cases, o.cases, st.compared, st.unsupported,
               st.mismatches, st.failures, now() - t0);
        fflush(stdout);
        if (!o.keep) {
            char cmd[4200];
            snprintf(cmd, sizeof cmd, "rm -f '%s'/*", work);
            (void)system(cmd);
        }
    }
    for (int i = 0; i < st.n_reasons; i++)
        printf("difftest: unsupported x%d: %s\n", st.reason_n[i], st.reason[i]);
    struct rusage self, kids;   /* CPU time: a figure that does not depend on the machine's load */
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    double cpu = (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec +
                          kids.ru_stime.tv_sec) +
                 1e-6 * (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec +
                                 kids.ru_utime.tv_usec + kids.ru_stime.tv_usec);
    printf("difftest: %s: %d cases, %d compared on %d paths + interp (%d of them use fast kernels), "
           "%d unsupported, %d mismatches, %d failures; %.1f s (front end and interpreter %.1f s, "
           "cc and runs %.1f s; %.0f s of CPU)\n", st.mismatches || st.failures ? "FAILED" : "passed", st.cases,
           st.compared, n_isas, st.fast, st.unsupported, st.mismatches, st.failures, now() - t0,
           st.t_front, st.t_build, cpu);
    if (!o.keep)
        rmdir(work);
    else
        printf("difftest: work files kept in %s\n", work);
    return st.mismatches || st.failures ? 1 : 0;
}
