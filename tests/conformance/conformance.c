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
 * some node reads at a parameter slot (ir_input_is_param: Reshape's shape,
 * Slice's starts, ...), directly or through the nodes that compute it, as
 * constants, runs the pipeline and the interpreter
 * (rt_interpret_any, buffers of any element type), compares with the expected
 * outputs and emits C into OUT/cases/NNNN/. A script (scripts/conformance.sh)
 * compiles that C with the strict flags, links it with harness.c through the
 * table `table` writes, and runs each case; then `report` compares the emitted
 * code's outputs and writes the scoreboard.
 *
 * Scope: a case counts when every op it uses is in the issue's op list,
 * whatever its element types; test data onnxc cannot read (strings, sequences,
 * complex numbers ...) makes it fail with that reason. Comparison: compare.c.
 *
 * Files of a case in OUT/cases/NNNN/ besides the C: in_K.bin and out_K.bin hold
 * the raw bytes of a run-time input or output in onnxc's in-memory layout
 * (rt_kernels.h: sub-byte types one element per byte); io.txt holds
 * "N_IN N_OUT" and then one line "NUMEL ELEMENT_BYTES" per input and output;
 * shapes.txt one line "DTYPE RANK DIMS..." per output (DTYPE the ONNX code).
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

/* A Diag as one reason: `Op "node": msg`, or just msg when it names no node. */
static void diag_text(const Diag *d, char *buf, size_t size)
{
    if (d->node[0] || d->op[0])
        snprintf(buf, size, "%s \"%s\": %s", d->op, d->node, d->msg);
    else
        snprintf(buf, size, "%s", d->msg);
}

/* One line with tabs and newlines flattened, for the result files. */
static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\t' || *s == '\r')
            *s = ' ';
}

/* ------------------------------------------------------------- scope */

/* Scope from the ops alone (not from onnxc, nor from the data's types). */
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
    return SC_IN;
}

/* ------------------------------------------------------ one case, child */

/* Marks in need[] (one flag per tensor) every tensor whose value onnxc must
 * know at compile time: those read at a parameter slot (ir_input_is_param)
 * and, since a parameter may be computed from graph inputs (Shape -> Sub ->
 * Concat -> Pad's pads), every input of a node one of whose outputs is needed,
 * except Shape's input, of which only the (pinned) shape counts. Nodes are kept
 * in schedule order, so one backward walk reaches every such tensor. */
static void mark_params(const Graph *g, bool *need)
{
    for (int i = g->n_nodes - 1; i >= 0; i--) {
        const Node *n = &g->nodes[i];
        bool out_needed = false;
        for (int k = 0; k < n->n_out; k++)
            out_needed |= n->out[k] >= 0 && need[n->out[k]];
        if (n->op == OP_SHAPE)
            out_needed = false;
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0 && (out_needed || ir_input_is_param(n->op, k)))
                need[n->in[k]] = true;
    }
}

typedef struct Bound {
    int n_in;                  /* runtime inputs left */
    const void *in[MAX_IO];    /* their data, in the test file's dtype */
    int64_t in_numel[MAX_IO];
    size_t in_esize[MAX_IO];   /* bytes per element */
} Bound;

/* Reads SET/PREFIX_K.pb into t; on failure a one-line reason naming the file
 * (without its folder) goes to why. */
static bool read_case_tensor(const char *set, const char *prefix, int k, Arena *a,
                             OnnxTensor *t, char *why, size_t size)
{
    char f[8192];
    Diag d = {0};
    snprintf(f, sizeof f, "%s/%s_%d.pb", set, prefix, k);
    if (onnx_read_tensor(f, a, t, &d))
        return true;
    /* the reader says `tensor file "PATH" has ...`: keep the file name only */
    const char *msg = d.msg, *tail = NULL;
    if (strncmp(msg, "tensor file \"", 13) == 0)
        tail = strchr(msg + 13, '"');
    if (tail && tail[1] == ' ')
        snprintf(why, size, "%s_%d.pb %s", prefix, k, tail + 2);
    else
        snprintf(why, size, "%s_%d.pb: %s", prefix, k, msg);
    return false;
}

/* Binds the test inputs: those whose value a parameter slot needs (mark_params)
 * become constants, every other one stays a run-time input of its own dtype;
 * all of them pin their shapes. */
static bool bind_inputs(Graph *g, const char *set, Arena *a, Bound *b, char *why, size_t size)
{
    int n = count_files(set, "input");
    if (n != g->n_inputs) {
        snprintf(why, size, "%d input files for %d graph inputs", n, g->n_inputs);
        return false;
    }
    bool *need = arena_calloc(a, (size_t)g->n_tensors + 1, sizeof *need);
    if (!need) {
        snprintf(why, size, "out of memory");
        return false;
    }
    mark_params(g, need);
    int kept = 0;
    b->n_in = 0;
    for (int k = 0; k < n; k++) {
        OnnxTensor t;
        if (!read_case_tensor(set, "input", k, a, &t, why, size))
            return false;
        int id = g->inputs[k];
        Tensor *x = &g->tensors[id];
        if (x->dtype != DT_UNDEFINED && x->dtype != t.dtype) {
            snprintf(why, size, "input_%d.pb is %s, the model's input \"%s\" is %s", k,
                     dtype_name(t.dtype), x->name, dtype_name(x->dtype));
            return false;
        }
        x->dtype = t.dtype;
        x->rank = t.rank;
        for (int i = 0; i < t.rank; i++) {
            x->dims[i] = t.dims[i];
            x->dim_param[i] = NULL;
        }
        if (need[id]) {
            x->kind = TK_CONST;
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
        if (b->n_in == MAX_IO) {
            snprintf(why, size, "more than %d run-time inputs", MAX_IO);
            return false;
        }
        g->inputs[kept++] = id;
        b->in[b->n_in] = t.data;
        b->in_esize[b->n_in] = dtype_size(t.dtype);
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

/* The interpreter's verdict on g (inputs bound in b), into r. */
static void run_interpreter(const Graph *g, const Bound *b, const char *set, Arena *a,
                            CaseResult *r)
{
    void *outs[MAX_IO];
    for (int k = 0; k < g->n_outputs; k++) {
        const Tensor *t = &g->tensors[g->outputs[k]];
        int64_t ne = ir_numel(t);
        size_t es = dtype_size(t->dtype);
        if (es == 0 || ne < 0) {
            snprintf(r->interp_msg, sizeof r->interp_msg, "output %d is %s with %s shape", k,
                     dtype_name(t->dtype), ne < 0 ? "unknown" : "known");
            return;
        }
        outs[k] = arena_calloc(a, (size_t)(ne ? ne : 1), es);
        if (!outs[k]) {
            snprintf(r->interp_msg, sizeof r->interp_msg, "out of memory");
            return;
        }
    }
    Diag id = {0};
    if (!rt_interpret_any(g, b->in, outs, &id)) {
        diag_text(&id, r->interp_msg, sizeof r->interp_msg);
        return;
    }
    for (int k = 0; k < g->n_outputs; k++) {
        const Tensor *t = &g->tensors[g->outputs[k]];
        OnnxTensor ref;
        if (!read_case_tensor(set, "output", k, a, &ref, r->interp_msg, sizeof r->interp_msg) ||
            !conf_compare(outs[k], t->dtype, t->dims, t->rank, &ref, r->interp_msg,
                          sizeof r->interp_msg))
            return;
    }
    r->interp_pass = true;
}

/* Emits g's C into dir (cNNNN.{c,h}) with the files the harness and `report`
 * read: in_K.bin, io.txt, shapes.txt. */
static void emit_case(const Graph *g, const Bound *b, const char *dir, CaseResult *r)
{
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
        diag_text(&ed, r->emit_msg, sizeof r->emit_msg);
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
        return;
    }
    char f[8400];
    for (int k = 0; k < b->n_in; k++) {
        snprintf(f, sizeof f, "%s/in_%d.bin", dir, k);
        write_raw(f, b->in[k], (size_t)b->in_numel[k] * b->in_esize[k]);
    }
    /* what the harness needs: counts, then element counts and sizes */
    snprintf(f, sizeof f, "%s/io.txt", dir);
    FILE *io = fopen(f, "w");
    if (io) {
        fprintf(io, "%d %d\n", b->n_in, g->n_outputs);
        for (int k = 0; k < b->n_in; k++)
            fprintf(io, "%lld %zu\n", (long long)b->in_numel[k], b->in_esize[k]);
        for (int k = 0; k < g->n_outputs; k++) {
            const Tensor *t = &g->tensors[g->outputs[k]];
            fprintf(io, "%lld %zu\n", (long long)ir_numel(t), dtype_size(t->dtype));
        }
        fclose(io);
    }
    /* output dtypes and shapes, for the comparison in `report` */
    snprintf(f, sizeof f, "%s/shapes.txt", dir);
    FILE *sh = fopen(f, "w");
    if (sh) {
        for (int k = 0; k < g->n_outputs; k++) {
            const Tensor *t = &g->tensors[g->outputs[k]];
            fprintf(sh, "%d %d", (int)t->dtype, t->rank);
            for (int i = 0; i < t->rank; i++)
                fprintf(sh, " %lld", (long long)t->dims[i]);
            fputc('\n', sh);
        }
        fclose(sh);
    }
}

/* Runs one case in the child; the result goes to r. */
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
    if (!a || !bind_inputs(g, set, a, &b, r->interp_msg, sizeof r->interp_msg)) {
        snprintf(r->emit_msg, sizeof r->emit_msg, "%s", r->interp_msg);
        goto done;
    }
    if (!ir_infer_shapes(g, &d) || !passes_run(g, NULL, NULL, &d)) {
        diag_text(&d, r->interp_msg, sizeof r->interp_msg);
        snprintf(r->emit_msg, sizeof r->emit_msg, "%s", r->interp_msg);
        goto done;
    }
    int n_out = count_files(set, "output");
    if (n_out != g->n_outputs || g->n_outputs > MAX_IO) {
        snprintf(r->interp_msg, sizeof r->interp_msg, "%d output files for %d graph outputs",
                 n_out, g->n_outputs);
        snprintf(r->emit_msg, sizeof r->emit_msg, "%s", r->interp_msg);
        goto done;
    }
    run_interpreter(g, &b, set, a, r);
    emit_case(g, &b, dir, r);
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
            const char *io[] = {"in_%d.bin", "out_%d.bin", "in_%d.f32", "out_%d.f32"};
            for (size_t s = 0; s < ARRAY_LEN(io); s++) {
                char f[64], full[8300];
                snprintf(f, sizeof f, io[s], k);
                snprintf(full, sizeof full, "%s/%s", p, f);
                remove(full);
            }
        }
        if (r.scope != SC_OUT_OF_LIST) {
            in_scope++;
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
    printf("conformance: %d cases, %d in scope (ops in the issue's list)\n", n, in_scope);
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
        /* void pointers convert to the typed parameters (const int64_t *, ...) */
        fprintf(t, "static int w%04d(const void *const *x, void *const *y, void *ws)\n{\n"
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

/* Reads a raw file of exactly n bytes. */
static void *read_bytes(const char *path, size_t n)
{
    size_t size;
    void *p = read_file(path, &size);
    if (p && size != n) {
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
        int rank, code;
        int64_t dims[IR_MAX_RANK], n = 1;
        if (fscanf(sh, "%d %d", &code, &rank) != 2)
            break;
        DType dt = (DType)code;   /* written by emit_case from a Tensor's dtype */
        for (int i = 0; i < rank && i < IR_MAX_RANK; i++) {
            long long v = 0;
            if (fscanf(sh, "%lld", &v) != 1)
                v = 0;
            dims[i] = v;
            n *= v;
        }
        char f[8400];
        snprintf(f, sizeof f, "%s/out_%d.bin", dir, k);
        void *got = read_bytes(f, (size_t)n * dtype_size(dt));
        OnnxTensor ref;
        snprintf(f, sizeof f, "%s/%s/test_data_set_0", data, r->name);
        if (!got) {
            snprintf(r->emit_msg, sizeof r->emit_msg, "output %d missing or of wrong size", k);
            r->emit_pass = false;
        } else if (!read_case_tensor(f, "output", k, a, &ref, r->emit_msg,
                                     sizeof r->emit_msg) ||
                   !conf_compare(got, dt, dims, rank, &ref, r->emit_msg, sizeof r->emit_msg)) {
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
