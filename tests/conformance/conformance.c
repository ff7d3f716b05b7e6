/* SPDX-License-Identifier: MIT */
/*
 * conformance.c - runs the ONNX backend test cases through onnxc.
 *
 *   onnxc_conformance prepare DATA OUT   every case: scope, interpreter, emitted C
 *   onnxc_conformance table OUT          harness table over the cases whose C compiled
 *   onnxc_conformance report DATA OUT MD [--readme README] [--min-pass PCT]
 *
 * DATA holds node/, pytorch-converted/ and pytorch-operator/ (cases are folders
 * with model.onnx and test_data_set_0/{input,output}_K.pb). `prepare` gives each
 * case an id (its rank in sorted order) and, in a child process (so a crash is
 * a result, not the end of the run), loads the model, binds the inputs that
 * only parameterize it (integer tensors and the inputs onnxc needs constant,
 * see ir_input_is_param) as constants, runs the pipeline and the interpreter,
 * compares with the expected outputs and emits C into OUT/cases/NNNN/. A
 * script (scripts/conformance.sh) compiles that C with the strict flags, links
 * it with harness.c through the table `table` writes, and runs each case; then
 * `report` compares the emitted code's outputs and writes the scoreboard.
 *
 * Scope: a case counts when every op it uses is in the issue's op list and its
 * data is f32 (expected outputs f32; inputs f32, or int32/int64 parameters).
 * Tolerance: as ONNX's backend runner, |out - ref| <= 1e-7 + 1e-3 |ref|, NaN
 * equal to NaN, and the shapes must agree.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "codegen.h"
#include "conformance.h"
#include "ir.h"
#include "onnx.h"
#include "passes.h"
#include "rt.h"

#define MAX_CASES 4096
#define MAX_IO 16
#define RTOL 1e-3
#define ATOL 1e-7

static const char *const suites[] = {"node", "pytorch-converted", "pytorch-operator"};

/* ------------------------------------------------------------ utilities */

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        unsigned char *nb = realloc(buf, cap * 2);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    *size = len;
    return buf;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted case names "suite/case" under data; returns their count. */
static int list_cases(const char *data, char **names, int max)
{
    int n = 0;
    for (size_t s = 0; s < ARRAY_LEN(suites); s++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", data, suites[s]);
        DIR *dp = opendir(dir);
        if (!dp)
            continue;
        int first = n;
        struct dirent *e;
        while ((e = readdir(dp)) && n < max) {
            char model[8192];
            if (e->d_name[0] == '.')
                continue;
            snprintf(model, sizeof model, "%s/%s/model.onnx", dir, e->d_name);
            if (!file_exists(model))
                continue;
            size_t len = strlen(suites[s]) + strlen(e->d_name) + 2;
            names[n] = malloc(len);
            if (!names[n])
                break;
            snprintf(names[n], len, "%s/%s", suites[s], e->d_name);
            n++;
        }
        closedir(dp);
        qsort(names + first, (size_t)(n - first), sizeof *names, cmp_str);
    }
    return n;
}

static int count_files(const char *dir, const char *prefix)
{
    int k = 0;
    for (;; k++) {
        char p[8192];
        snprintf(p, sizeof p, "%s/%s_%d.pb", dir, prefix, k);
        if (!file_exists(p))
            return k;
    }
}

/* One line with tabs and newlines flattened, for the result files. */
static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\t' || *s == '\r')
            *s = ' ';
}

/* Compares got (f32, numel n) with expected tensor ref; fills why on mismatch. */
static bool compare(const float *got, const int64_t *dims, int rank, const OnnxTensor *ref,
                    char *why, size_t size)
{
    if (ref->dtype != DT_F32) {
        snprintf(why, size, "expected output is %s", dtype_name(ref->dtype));
        return false;
    }
    bool same = ref->rank == rank;
    for (int i = 0; same && i < rank; i++)
        same = ref->dims[i] == dims[i];
    if (!same) {
        char a[128] = "", b[128] = "";
        size_t la = 0, lb = 0;
        for (int i = 0; i < rank && la < sizeof a; i++)
            la += (size_t)snprintf(a + la, sizeof a - la, "%s%lld", i ? "," : "", (long long)dims[i]);
        for (int i = 0; i < ref->rank && lb < sizeof b; i++)
            lb += (size_t)snprintf(b + lb, sizeof b - lb, "%s%lld", i ? "," : "",
                                   (long long)ref->dims[i]);
        snprintf(why, size, "output shape [%s], expected [%s]", a, b);
        return false;
    }
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= dims[i];
    const float *e = ref->data;
    int64_t bad = 0, first = -1;
    double worst = 0;
    for (int64_t i = 0; i < n; i++) {
        double g = got[i], r = e[i];
        bool ok;
        if (isnan(r) || isnan(g))
            ok = isnan(r) && isnan(g);
        else if (isinf(r) || isinf(g))
            ok = g == r;
        else
            ok = fabs(g - r) <= ATOL + RTOL * fabs(r);
        if (!ok) {
            if (first < 0)
                first = i;
            bad++;
            double err = fabs(g - r);
            if (!(err <= worst))
                worst = err;
        }
    }
    if (bad) {
        snprintf(why, size, "%lld of %lld values off (first at %lld: %g, expected %g; max |err| %g)",
                 (long long)bad, (long long)n, (long long)first, (double)got[first],
                 (double)e[first], worst);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------- scope */

static bool is_param_dtype(DType t)
{
    return t == DT_I64 || t == DT_I32;
}

/* Scope from the ops and the test data's dtypes (not from onnxc). */
static Scope case_scope(const char *data, const char *name, CaseResult *r)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s/model.onnx", data, name);
    size_t size;
    void *bytes = read_file(path, &size);
    bool ok = bytes && scan_op_types(bytes, size, &r->ops);
    free(bytes);
    if (!ok) {
        snprintf(r->scope_note, sizeof r->scope_note, "model not readable");
        return SC_OUT_OF_LIST;
    }
    for (int k = 0; k < r->ops.n; k++)
        if (!conf_in_issue_list(r->ops.names[k])) {
            snprintf(r->scope_note, sizeof r->scope_note, "%s", r->ops.names[k]);
            return SC_OUT_OF_LIST;
        }
    snprintf(path, sizeof path, "%s/%s/test_data_set_0", data, name);
    Arena *a = arena_new();
    Scope sc = SC_F32;
    for (int io = 0; io < 2 && sc == SC_F32 && a; io++) {
        const char *prefix = io ? "output" : "input";
        int n = count_files(path, prefix);
        for (int k = 0; k < n && sc == SC_F32; k++) {
            char f[8192];
            OnnxTensor t;
            Diag d = {0};
            snprintf(f, sizeof f, "%s/%s_%d.pb", path, prefix, k);
            if (!onnx_read_tensor(f, a, &t, &d)) {
                snprintf(r->scope_note, sizeof r->scope_note, "%s %d: %s", prefix, k, d.msg);
                sc = SC_DTYPE;
            } else if (t.dtype != DT_F32 && (io || !is_param_dtype(t.dtype))) {
                snprintf(r->scope_note, sizeof r->scope_note, "%s %d is %s", prefix, k,
                         dtype_name(t.dtype));
                sc = SC_DTYPE;
            }
        }
    }
    arena_free(a);
    return sc;
}

/* ------------------------------------------------------ one case, child */

/* True when graph input t is read by some node at a parameter slot. */
static bool read_as_param(const Graph *g, int t)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = &g->nodes[i];
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] == t && ir_input_is_param(n->op, k))
                return true;
    }
    return false;
}

typedef struct Bound {
    int n_in;                  /* runtime inputs left */
    const float *in[MAX_IO];
    int64_t in_numel[MAX_IO];
} Bound;

/* Binds the test inputs: parameters become constants, the rest pin shapes. */
static bool bind_inputs(Graph *g, const char *set, Arena *a, Bound *b, char *why, size_t size)
{
    int n = count_files(set, "input");
    if (n != g->n_inputs) {
        snprintf(why, size, "%d input files for %d graph inputs", n, g->n_inputs);
        return false;
    }
    int kept = 0;
    b->n_in = 0;
    for (int k = 0; k < n; k++) {
        char f[8192];
        OnnxTensor t;
        Diag d = {0};
        snprintf(f, sizeof f, "%s/input_%d.pb", set, k);
        if (!onnx_read_tensor(f, a, &t, &d)) {
            snprintf(why, size, "input %d: %s", k, d.msg);
            return false;
        }
        int id = g->inputs[k];
        Tensor *x = &g->tensors[id];
        x->rank = t.rank;
        for (int i = 0; i < t.rank; i++) {
            x->dims[i] = t.dims[i];
            x->dim_param[i] = NULL;
        }
        if (t.dtype != DT_F32 || read_as_param(g, id)) {
            x->kind = TK_CONST;
            x->dtype = t.dtype;
            int64_t bytes = (int64_t)dtype_size(t.dtype);
            for (int i = 0; i < t.rank; i++)
                bytes *= t.dims[i];
            void *copy = arena_alloc(g->arena, bytes > 0 ? (size_t)bytes : 1);
            if (!copy) {
                snprintf(why, size, "out of memory");
                return false;
            }
            memcpy(copy, t.data, (size_t)bytes);
            x->data = copy;
            continue;
        }
        x->dtype = DT_F32;
        g->inputs[kept++] = id;
        b->in[b->n_in] = t.data;
        b->in_numel[b->n_in++] = ir_numel(x);
    }
    g->n_inputs = kept;
    return true;
}

static void write_raw(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    if (n)
        fwrite(p, 1, n, f);
    fclose(f);
}

/* Runs one case in the child; the result goes to res (text lines). */
static void run_case(const char *data, const char *out, CaseResult *r)
{
    char model[8192], set[8192], dir[8192];
    snprintf(model, sizeof model, "%s/%s/model.onnx", data, r->name);
    snprintf(set, sizeof set, "%s/%s/test_data_set_0", data, r->name);
    snprintf(dir, sizeof dir, "%s/cases/%04d", out, r->id);
    Diag d = {0};
    Arena *a = arena_new();
    Graph *g = onnx_load_file(model, NULL, &d);
    Bound b;
    if (!g) {
        snprintf(r->interp_msg, sizeof r->interp_msg, "load: %s", d.msg);
        snprintf(r->emit_msg, sizeof r->emit_msg, "%s", r->interp_msg);
        arena_free(a);
        return;
    }
    if (!bind_inputs(g, set, a, &b, r->interp_msg, sizeof r->interp_msg)) {
        snprintf(r->emit_msg, sizeof r->emit_msg, "%s", r->interp_msg);
        goto done;
    }
    if (!ir_infer_shapes(g, &d) || !passes_run(g, NULL, NULL, &d)) {
        if (d.node[0])
            snprintf(r->interp_msg, sizeof r->interp_msg, "%s \"%s\": %s", d.op, d.node, d.msg);
        else
            snprintf(r->interp_msg, sizeof r->interp_msg, "%s", d.msg);
        snprintf(r->emit_msg, sizeof r->emit_msg, "%s", r->interp_msg);
        goto done;
    }
    int n_out = count_files(set, "output");
    if (n_out != g->n_outputs || g->n_outputs > MAX_IO || b.n_in > MAX_IO) {
        snprintf(r->interp_msg, sizeof r->interp_msg, "%d output files for %d graph outputs",
                 n_out, g->n_outputs);
        snprintf(r->emit_msg, sizeof r->emit_msg, "%s", r->interp_msg);
        goto done;
    }
    float *outs[MAX_IO];
    bool shapes_ok = true;
    for (int k = 0; k < g->n_outputs; k++) {
        const Tensor *t = &g->tensors[g->outputs[k]];
        int64_t ne = ir_numel(t);
        if (t->dtype != DT_F32 || ne < 0) {
            snprintf(r->interp_msg, sizeof r->interp_msg, "output %d is %s with %s shape", k,
                     dtype_name(t->dtype), ne < 0 ? "unknown" : "known");
            shapes_ok = false;
            break;
        }
        outs[k] = arena_calloc(a, (size_t)(ne ? ne : 1), sizeof(float));
    }
    if (shapes_ok) {
        Diag id = {0};
        if (!rt_interpret(g, b.in, outs, &id)) {
            snprintf(r->interp_msg, sizeof r->interp_msg, "%s \"%s\": %s", id.op, id.node, id.msg);
        } else {
            r->interp_pass = true;
            for (int k = 0; k < g->n_outputs && r->interp_pass; k++) {
                char f[8192];
                OnnxTensor ref;
                Diag rd = {0};
                const Tensor *t = &g->tensors[g->outputs[k]];
                snprintf(f, sizeof f, "%s/output_%d.pb", set, k);
                if (!onnx_read_tensor(f, a, &ref, &rd)) {
                    snprintf(r->interp_msg, sizeof r->interp_msg, "output %d: %s", k, rd.msg);
                    r->interp_pass = false;
                } else if (!compare(outs[k], t->dims, t->rank, &ref, r->interp_msg,
                                    sizeof r->interp_msg)) {
                    r->interp_pass = false;
                }
            }
        }
    }

    /* The emitted C: OUT/cases/NNNN/cNNNN.{c,h}, with the runtime inputs as raw f32. */
    char name[32], c_path[8400], h_path[8400], hname[48];
    snprintf(name, sizeof name, "c%04d", r->id);
    snprintf(hname, sizeof hname, "%s.h", name);
    snprintf(c_path, sizeof c_path, "%s/%s.c", dir, name);
    snprintf(h_path, sizeof h_path, "%s/%s.h", dir, name);
    mkdir(dir, 0777);
    FILE *cf = fopen(c_path, "w"), *hf = fopen(h_path, "w");
    CgOptions opt = {.name = name, .header_name = hname, .assumptions = NULL};
    Diag ed = {0};
    if (!cf || !hf) {
        snprintf(r->emit_msg, sizeof r->emit_msg, "cannot write %s", c_path);
    } else if (!cg_emit(g, &opt, cf, hf, &ed)) {
        snprintf(r->emit_msg, sizeof r->emit_msg, "%s \"%s\": %s", ed.op, ed.node, ed.msg);
    } else {
        r->emitted = true;
    }
    if (cf)
        fclose(cf);
    if (hf)
        fclose(hf);
    if (!r->emitted) {
        remove(c_path);
        remove(h_path);
    } else {
        char f[8400];
        for (int k = 0; k < b.n_in; k++) {
            snprintf(f, sizeof f, "%s/in_%d.f32", dir, k);
            write_raw(f, b.in[k], (size_t)b.in_numel[k] * sizeof(float));
        }
        /* what the harness needs: counts and element counts */
        snprintf(f, sizeof f, "%s/io.txt", dir);
        FILE *io = fopen(f, "w");
        if (io) {
            fprintf(io, "%d %d\n", b.n_in, g->n_outputs);
            for (int k = 0; k < b.n_in; k++)
                fprintf(io, "%lld\n", (long long)b.in_numel[k]);
            for (int k = 0; k < g->n_outputs; k++)
                fprintf(io, "%lld\n", (long long)ir_numel(&g->tensors[g->outputs[k]]));
            fclose(io);
        }
        /* output shapes, for the comparison in `report` */
        snprintf(f, sizeof f, "%s/shapes.txt", dir);
        FILE *sh = fopen(f, "w");
        if (sh) {
            for (int k = 0; k < g->n_outputs; k++) {
                const Tensor *t = &g->tensors[g->outputs[k]];
                fprintf(sh, "%d", t->rank);
                for (int i = 0; i < t->rank; i++)
                    fprintf(sh, " %lld", (long long)t->dims[i]);
                fputc('\n', sh);
            }
            fclose(sh);
        }
    }
done:
    ir_graph_free(g);
    arena_free(a);
}

/* ------------------------------------------------------ result files */

static void save_result(const char *out, const CaseResult *r)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/cases/%04d/res.txt", out, r->id);
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    CaseResult c = *r;
    one_line(c.interp_msg);
    one_line(c.emit_msg);
    one_line(c.scope_note);
    fprintf(f, "name\t%s\nscope\t%d\t%s\nops", c.name, (int)c.scope, c.scope_note);
    for (int k = 0; k < c.ops.n; k++)
        fprintf(f, "\t%s", c.ops.names[k]);
    fprintf(f, "\ninterp\t%d\t%s\nemitted\t%d\t%s\n", c.interp_pass, c.interp_msg, c.emitted,
            c.emit_msg);
    fclose(f);
}

/* Splits line at tabs into fields (in place); returns the count. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    line[strcspn(line, "\n")] = '\0';
    while (n < max) {
        f[n++] = line;
        char *t = strchr(line, '\t');
        if (!t)
            break;
        *t = '\0';
        line = t + 1;
    }
    return n;
}

static bool load_result(const char *out, int id, CaseResult *r)
{
    char path[8192], line[2048];
    snprintf(path, sizeof path, "%s/cases/%04d/res.txt", out, id);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    memset(r, 0, sizeof *r);
    r->id = id;
    while (fgets(line, sizeof line, f)) {
        char *fl[OPSET_MAX + 2];
        int n = split_tabs(line, fl, OPSET_MAX + 2);
        if (strcmp(fl[0], "name") == 0 && n > 1)
            snprintf(r->name, sizeof r->name, "%s", fl[1]);
        else if (strcmp(fl[0], "scope") == 0 && n > 2) {
            r->scope = (Scope)atoi(fl[1]);
            snprintf(r->scope_note, sizeof r->scope_note, "%s", fl[2]);
        } else if (strcmp(fl[0], "ops") == 0) {
            for (int k = 1; k < n && r->ops.n < OPSET_MAX; k++)
                snprintf(r->ops.names[r->ops.n++], sizeof r->ops.names[0], "%s", fl[k]);
        } else if (strcmp(fl[0], "interp") == 0 && n > 2) {
            r->interp_pass = atoi(fl[1]) != 0;
            snprintf(r->interp_msg, sizeof r->interp_msg, "%s", fl[2]);
        } else if (strcmp(fl[0], "emitted") == 0 && n > 2) {
            r->emitted = atoi(fl[1]) != 0;
            snprintf(r->emit_msg, sizeof r->emit_msg, "%s", fl[2]);
        }
    }
    fclose(f);
    return true;
}

/* ------------------------------------------------------------ commands */

static int cmd_prepare(const char *data, const char *out)
{
    static char *names[MAX_CASES];
    int n = list_cases(data, names, MAX_CASES);
    if (n == 0) {
        fprintf(stderr, "skipped: ONNX test data not found in %s\n", data);
        return 77;
    }
    char p[8192];
    mkdir(out, 0777);
    snprintf(p, sizeof p, "%s/cases", out);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/index.txt", out);
    FILE *index = fopen(p, "w");
    if (!index) {
        fprintf(stderr, "cannot write %s: %s\n", p, strerror(errno));
        return 1;
    }
    int in_scope = 0;
    for (int i = 0; i < n; i++) {
        CaseResult r;
        memset(&r, 0, sizeof r);
        r.id = i;
        snprintf(r.name, sizeof r.name, "%s", names[i]);
        r.scope = case_scope(data, names[i], &r);
        snprintf(p, sizeof p, "%s/cases/%04d", out, i);
        mkdir(p, 0777);
        /* stale outputs of an earlier run must not count */
        const char *stale[] = {"c%04d.c", "c%04d.h", "c%04d.o", "c%04d.err", "status.txt"};
        for (size_t s = 0; s < ARRAY_LEN(stale); s++) {
            char f[64], full[8300];
            snprintf(f, sizeof f, stale[s], i);
            snprintf(full, sizeof full, "%s/%s", p, f);
            remove(full);
        }
        for (int k = 0; k < MAX_IO; k++) {
            char full[8300];
            snprintf(full, sizeof full, "%s/out_%d.f32", p, k);
            remove(full);
        }
        if (r.scope != SC_OUT_OF_LIST) {
            in_scope += r.scope == SC_F32;
            fflush(NULL);
            pid_t pid = fork();
            if (pid == 0) {
                alarm(60);
                run_case(data, out, &r);
                save_result(out, &r);
                fflush(NULL);
                _exit(0);
            }
            int st = 0;
            if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                snprintf(r.interp_msg, sizeof r.interp_msg, "onnxc crashed (%s)",
                         pid < 0 ? "fork failed"
                         : WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exit status");
                snprintf(r.emit_msg, sizeof r.emit_msg, "%s", r.interp_msg);
                save_result(out, &r);
            }
        } else {
            save_result(out, &r);
        }
        fprintf(index, "%04d\t%s\n", i, names[i]);
        free(names[i]);
    }
    fclose(index);
    printf("conformance: %d cases, %d in scope (ops in the issue's list, f32 data)\n", n, in_scope);
    return 0;
}

static int read_index(const char *out, int *n)
{
    char p[8192], line[1024];
    snprintf(p, sizeof p, "%s/index.txt", out);
    FILE *f = fopen(p, "r");
    if (!f)
        return -1;
    *n = 0;
    while (fgets(line, sizeof line, f))
        (*n)++;
    fclose(f);
    return 0;
}

/* Writes OUT/harness_table.c over the cases whose emitted C compiled, and
 * OUT/objects.txt listing their object files. */
static int cmd_table(const char *out)
{
    int n;
    if (read_index(out, &n) != 0) {
        fprintf(stderr, "no %s/index.txt: run prepare first\n", out);
        return 1;
    }
    char p[8192];
    snprintf(p, sizeof p, "%s/harness_table.c", out);
    FILE *t = fopen(p, "w");
    snprintf(p, sizeof p, "%s/objects.txt", out);
    FILE *o = fopen(p, "w");
    if (!t || !o)
        return 1;
    fputs("/* Generated by onnxc_conformance table. */\n#include \"harness.h\"\n", t);
    int *ok = calloc((size_t)n + 1, sizeof *ok);
    int (*io)[2] = calloc((size_t)n + 1, sizeof *io);
    if (!ok || !io)
        return 1;
    for (int i = 0; i < n; i++) {
        char obj[8300], iof[8300];
        snprintf(obj, sizeof obj, "%s/cases/%04d/c%04d.o", out, i, i);
        snprintf(iof, sizeof iof, "%s/cases/%04d/io.txt", out, i);
        FILE *f = file_exists(obj) ? fopen(iof, "r") : NULL;
        if (!f)
            continue;
        if (fscanf(f, "%d %d", &io[i][0], &io[i][1]) == 2 && io[i][0] <= MAX_IO &&
            io[i][1] <= MAX_IO) {
            ok[i] = 1;
            fprintf(o, "%s\n", obj);
        }
        fclose(f);
    }
    for (int i = 0; i < n; i++) {
        if (!ok[i])
            continue;
        fprintf(t, "#include \"cases/%04d/c%04d.h\"\n", i, i);
        fprintf(t, "static int w%04d(const float **x, float **y, void *ws)\n{\n"
                   "    (void)x;\n    return c%04d_run_ws(", i, i);
        for (int k = 0; k < io[i][0]; k++)
            fprintf(t, "x[%d], ", k);
        for (int k = 0; k < io[i][1]; k++)
            fprintf(t, "y[%d], ", k);
        fputs("ws);\n}\n", t);
    }
    fputs("const HarnessCase harness_cases[] = {\n", t);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (ok[i]) {
            fprintf(t, "    {%d, w%04d, C%04d_WORKSPACE_BYTES},\n", i, i, i);
            m++;
        }
    fprintf(t, "    {-1, 0, 0}\n};\n");
    fclose(t);
    fclose(o);
    free(ok);
    free(io);
    printf("conformance: %d cases compiled into the harness\n", m);
    return 0;
}

/* Reads a raw f32 file of exactly n values. */
static float *read_f32(const char *path, int64_t n)
{
    size_t size;
    float *p = read_file(path, &size);
    if (p && size != (size_t)n * sizeof(float)) {
        free(p);
        return NULL;
    }
    return p;
}

/* The emitted code's verdict for one case: compiled, ran, matched. */
static void judge_emitted(const char *data, const char *out, CaseResult *r)
{
    char dir[8192], p[8400];
    snprintf(dir, sizeof dir, "%s/cases/%04d", out, r->id);
    if (!r->emitted)
        return;   /* emit_msg already says why */
    snprintf(p, sizeof p, "%s/c%04d.o", dir, r->id);
    if (!file_exists(p)) {
        snprintf(p, sizeof p, "%s/c%04d.err", dir, r->id);
        size_t size = 0;
        char *err = read_file(p, &size);
        char first[200] = "";
        if (err) {
            size_t len = strcspn(err, "\n");
            snprintf(first, sizeof first, "%.*s", (int)(len < size ? len : size), err);
            free(err);
        }
        snprintf(r->emit_msg, sizeof r->emit_msg, "emitted C does not compile: %s", first);
        return;
    }
    snprintf(p, sizeof p, "%s/status.txt", dir);
    size_t size = 0;
    char *st = read_file(p, &size);
    if (!st || size == 0 || st[0] != '0') {
        snprintf(r->emit_msg, sizeof r->emit_msg, "emitted code did not run to the end (%.*s)",
                 st ? (int)strcspn(st, "\n") : 4, st ? st : "none");
        free(st);
        return;
    }
    free(st);
    snprintf(p, sizeof p, "%s/shapes.txt", dir);
    FILE *sh = fopen(p, "r");
    Arena *a = arena_new();
    r->emit_pass = sh != NULL && a != NULL;
    for (int k = 0; r->emit_pass; k++) {
        int rank;
        int64_t dims[IR_MAX_RANK], n = 1;
        if (fscanf(sh, "%d", &rank) != 1)
            break;
        for (int i = 0; i < rank && i < IR_MAX_RANK; i++) {
            long long v = 0;
            if (fscanf(sh, "%lld", &v) != 1)
                v = 0;
            dims[i] = v;
            n *= v;
        }
        char f[8400];
        snprintf(f, sizeof f, "%s/out_%d.f32", dir, k);
        float *got = read_f32(f, n);
        OnnxTensor ref;
        Diag d = {0};
        snprintf(f, sizeof f, "%s/%s/test_data_set_0/output_%d.pb", data, r->name, k);
        if (!got) {
            snprintf(r->emit_msg, sizeof r->emit_msg, "output %d missing or of wrong size", k);
            r->emit_pass = false;
        } else if (!onnx_read_tensor(f, a, &ref, &d)) {
            snprintf(r->emit_msg, sizeof r->emit_msg, "output %d: %s", k, d.msg);
            r->emit_pass = false;
        } else if (!compare(got, dims, rank, &ref, r->emit_msg, sizeof r->emit_msg)) {
            r->emit_pass = false;
        }
        free(got);
    }
    if (sh)
        fclose(sh);
    arena_free(a);
}

static int cmd_report(int argc, char **argv)
{
    const char *data = argv[2], *out = argv[3], *md = argv[4], *readme = NULL;
    double min_pass = -1;
    for (int i = 5; i < argc; i++) {
        if (strcmp(argv[i], "--readme") == 0 && i + 1 < argc)
            readme = argv[++i];
        else if (strcmp(argv[i], "--min-pass") == 0 && i + 1 < argc)
            min_pass = atof(argv[++i]);
    }
    int n;
    if (read_index(out, &n) != 0) {
        fprintf(stderr, "no %s/index.txt: run prepare first\n", out);
        return 1;
    }
    CaseResult *rs = calloc((size_t)n + 1, sizeof *rs);
    if (!rs)
        return 1;
    for (int i = 0; i < n; i++) {
        if (!load_result(out, i, &rs[i])) {
            rs[i].id = i;
            snprintf(rs[i].name, sizeof rs[i].name, "case %d", i);
            snprintf(rs[i].interp_msg, sizeof rs[i].interp_msg, "no result");
            snprintf(rs[i].emit_msg, sizeof rs[i].emit_msg, "no result");
            continue;
        }
        if (rs[i].scope != SC_OUT_OF_LIST)
            judge_emitted(data, out, &rs[i]);
    }
    int passed = 0, total = 0;
    bool ok = conf_write_report(rs, n, md, readme, &passed, &total);
    free(rs);
    if (!ok) {
        fprintf(stderr, "cannot write %s\n", md);
        return 1;
    }
    double pct = total ? 100.0 * passed / total : 0;
    printf("conformance: %d of %d in-scope cases pass through emitted C (%.1f%%); see %s\n",
           passed, total, pct, md);
    if (min_pass >= 0 && pct < min_pass) {
        fprintf(stderr, "conformance: below the required %.1f%%\n", min_pass);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "prepare") == 0)
        return cmd_prepare(argv[2], argv[3]);
    if (argc >= 3 && strcmp(argv[1], "table") == 0)
        return cmd_table(argv[2]);
    if (argc >= 5 && strcmp(argv[1], "report") == 0)
        return cmd_report(argc, argv);
    fprintf(stderr, "usage: onnxc_conformance prepare DATA OUT | table OUT | "
                    "report DATA OUT MD [--readme README] [--min-pass PCT]\n");
    return 2;
}
