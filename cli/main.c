/* SPDX-License-Identifier: MIT */
/*
 * main.c - the onnxc command: compile, dump, dot, run.
 *
 * Every subcommand shares one front half (load, pin symbolic dims, infer shapes,
 * run the pass pipeline); they differ in what they do with the result. Exit
 * status: 0 success, 1 a bad or unsupported model (one line on stderr naming
 * file, node and op), 2 bad usage. Files are written to a temporary name and
 * renamed into place, so a failure never leaves a half-written output.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, getpid */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen.h"
#include "onnx.h"
#include "passes.h"
#include "rt.h"

enum { EXIT_MODEL = 1, EXIT_USAGE = 2 };
#define MAX_SHAPES 64
#define MAX_FILES 64

typedef struct ShapeArg {
    char input[256];             /* graph input name */
    int rank;
    int64_t dims[IR_MAX_RANK];
} ShapeArg;

typedef struct Options {
    const char *cmd;
    const char *model;
    const char *out;             /* -o */
    const char *name;            /* --name */
    ShapeArg shapes[MAX_SHAPES];
    int n_shapes;
    bool print_all;              /* --print-ir-after-all */
    bool reference_kernels;      /* --reference-kernels */
    const char *print_after;     /* --print-ir-after=PASS */
    const char *inputs[MAX_FILES], *outputs[MAX_FILES];
    int n_inputs, n_outputs;
} Options;

static const char usage_text[] =
    "usage: onnxc <command> MODEL.onnx [options]\n"
    "\n"
    "commands:\n"
    "  compile MODEL.onnx -o OUT.c [--name NAME] [--shape INPUT=D0,D1,...]...\n"
    "        [--reference-kernels]\n"
    "        write OUT.c and OUT.h: standalone C with the weights baked in.\n"
    "        NAME (default: OUT's base name) prefixes every emitted symbol.\n"
    "        --reference-kernels: only the plain reference kernels, NCHW throughout.\n"
    "  dump MODEL.onnx [--print-ir-after-all | --print-ir-after=PASS] [--shape ...]\n"
    "        print the IR after the whole pipeline, after every pass, or after one.\n"
    "  dot MODEL.onnx [-o GRAPH.dot] [--shape ...]\n"
    "        write the optimized graph in Graphviz form (stdout without -o).\n"
    "  run MODEL.onnx --input IN.pb ... --output OUT.pb ...\n"
    "        run the reference interpreter on TensorProto files, one per graph input\n"
    "        and output in graph order; input shapes pin symbolic dims.\n"
    "\n"
    "options:\n"
    "  --shape INPUT=D0,D1,...  fix the shape of a graph input (symbolic dims are\n"
    "                           otherwise assumed to be 1, with a warning)\n"
    "  -h, --help               this text;  --version  the version\n"
    "\n"
    "passes, in order: ";

static void print_usage(FILE *f)
{
    int n;
    const Pass *p = passes_pipeline(&n);
    fputs(usage_text, f);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? ", " : "", p[i].name);
    fputs("\nexit status: 0 ok, 1 bad or unsupported model, 2 bad usage\n", f);
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("onnxc: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(see onnxc --help)\n", stderr);
    return EXIT_USAGE;
}

static int model_error(const Options *o, const Diag *d)
{
    char line[1024];
    diag_format(d, o->model, line, sizeof line);
    fprintf(stderr, "onnxc: error: %s\n", line);
    return EXIT_MODEL;
}

/* "x=1,3,224,224" */
static bool parse_shape(const char *s, ShapeArg *out)
{
    const char *eq = strrchr(s, '=');
    if (!eq || eq == s)
        return false;
    if ((size_t)(eq - s) >= sizeof out->input)
        return false;
    memcpy(out->input, s, (size_t)(eq - s));
    out->input[eq - s] = '\0';
    out->rank = 0;
    const char *p = eq + 1;
    while (*p) {
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (end == p || errno || v < 0 || v > ((int64_t)1 << 40) || out->rank == IR_MAX_RANK)
            return false;
        out->dims[out->rank++] = v;
        if (*end == ',')
            end++;
        else if (*end)
            return false;
        p = end;
    }
    return out->rank > 0;
}

static int parse_args(int argc, char **argv, Options *o)
{
    memset(o, 0, sizeof *o);
    if (argc < 2)
        return usage_error("%s", "no command given");
    o->cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            print_usage(stdout);
            exit(0);
        } else if (strcmp(a, "-o") == 0 && next) {
            o->out = argv[++i];
        } else if (strcmp(a, "--reference-kernels") == 0) {
            o->reference_kernels = true;
        } else if (strcmp(a, "--name") == 0 && next) {
            o->name = argv[++i];
        } else if (strcmp(a, "--shape") == 0 && next) {
            if (o->n_shapes == MAX_SHAPES || !parse_shape(argv[++i], &o->shapes[o->n_shapes]))
                return usage_error("bad --shape '%s' (expected INPUT=D0,D1,...)", argv[i]);
            o->n_shapes++;
        } else if (strncmp(a, "--shape=", 8) == 0) {
            if (o->n_shapes == MAX_SHAPES || !parse_shape(a + 8, &o->shapes[o->n_shapes]))
                return usage_error("bad --shape '%s' (expected INPUT=D0,D1,...)", a + 8);
            o->n_shapes++;
        } else if (strcmp(a, "--print-ir-after-all") == 0) {
            o->print_all = true;
        } else if (strncmp(a, "--print-ir-after=", 17) == 0) {
            o->print_after = a + 17;
        } else if (strcmp(a, "--input") == 0 && next) {
            if (o->n_inputs == MAX_FILES)
                return usage_error("%s", "too many --input files");
            o->inputs[o->n_inputs++] = argv[++i];
        } else if (strcmp(a, "--output") == 0 && next) {
            if (o->n_outputs == MAX_FILES)
                return usage_error("%s", "too many --output files");
            o->outputs[o->n_outputs++] = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown or incomplete option '%s'", a);
        } else if (!o->model) {
            o->model = a;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
    }
    if (!o->model)
        return usage_error("%s", "no model file given");
    if (o->print_after) {
        int n;
        const Pass *p = passes_pipeline(&n);
        bool found = strcmp(o->print_after, "import") == 0;
        for (int i = 0; i < n; i++)
            found |= strcmp(p[i].name, o->print_after) == 0;
        if (!found)
            return usage_error("unknown pass '%s' (see the list in onnxc --help)", o->print_after);
    }
    return 0;
}

/* Applies --shape to the graph inputs, then assumes 1 for every dim still
 * symbolic, with a warning and a note for the emitted header. */
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
            fprintf(stderr, "onnxc: warning: %s: input '%s' dim %d ('%s') is symbolic; "
                    "assuming 1 (set it with --shape %s=...)\n", o->model, x->name, i, p, x->name);
            x->dims[i] = 1;
            if (len < size)
                len += (size_t)snprintf(assumed + len, size - len, "%sinput '%s' dim %d ('%s') = 1",
                                        len ? "; " : "", x->name, i, p);
        }
    }
    return 0;
}

typedef struct DumpCtx {
    const Options *o;
    FILE *out;
} DumpCtx;

static void dump_observer(const Graph *g, const char *pass, void *ctx)
{
    const DumpCtx *c = ctx;
    if (c->o->print_all || (c->o->print_after && strcmp(c->o->print_after, pass) == 0)) {
        fprintf(c->out, "// ----- IR after %s ----- //\n", pass);
        ir_print(g, c->out);
    }
}

/* Load, pin, infer, optimize. Returns NULL after printing the error; *status
 * receives the exit status. */
static Graph *front_half(const Options *o, char *assumed, size_t size, PassObserver obs,
                         void *ctx, int *status)
{
    Diag d = {0};
    Graph *g = onnx_load_file(o->model, NULL, &d);
    if (!g) {
        *status = model_error(o, &d);
        return NULL;
    }
    if ((*status = pin_shapes(o, g, assumed, size)) != 0 || !ir_infer_shapes(g, &d) ||
        !passes_run(g, obs, ctx, &d)) {
        if (*status == 0)
            *status = model_error(o, &d);
        ir_graph_free(g);
        return NULL;
    }
    return g;
}

/* Opens path.tmp for writing; commit_file renames it over path. */
static FILE *open_tmp(const char *path, char *tmp, size_t size)
{
    snprintf(tmp, size, "%s.tmp%ld", path, (long)getpid());
    return fopen(tmp, "wb");
}

static bool close_file(FILE *f)
{
    bool ok = !ferror(f);
    return fclose(f) == 0 && ok;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int cmd_compile(const Options *o)
{
    if (!o->out)
        return usage_error("%s", "compile needs -o OUT.c");
    size_t len = strlen(o->out);
    if (len < 3 || strcmp(o->out + len - 2, ".c") != 0)
        return usage_error("output '%s' must end in .c", o->out);
    char assumed[1024];
    int status;
    Graph *g = front_half(o, assumed, sizeof assumed, NULL, NULL, &status);
    if (!g)
        return status;

    char *h_path = strdup(o->out), *stem = strdup(base_name(o->out));
    char name[256], c_tmp[4096], h_tmp[4096];
    if (!h_path || !stem) {
        fprintf(stderr, "onnxc: error: out of memory\n");
        return EXIT_MODEL;
    }
    h_path[len - 1] = 'h';
    stem[strlen(stem) - 2] = '\0';
    cg_identifier(o->name ? o->name : stem, name, sizeof name);
    if (o->name && strcmp(name, o->name) != 0) {
        free(h_path);
        free(stem);
        return usage_error("--name '%s' is not a C identifier", o->name);
    }
    CgOptions cg = {.name = name, .header_name = base_name(h_path),
                    .assumptions = assumed[0] ? assumed : NULL,
                    .reference_kernels = o->reference_kernels};
    FILE *cf = open_tmp(o->out, c_tmp, sizeof c_tmp);
    FILE *hf = open_tmp(h_path, h_tmp, sizeof h_tmp);
    Diag d = {0};
    status = 0;
    if (!cf || !hf) {
        fprintf(stderr, "onnxc: error: %s: cannot write: %s\n", cf ? h_path : o->out,
                strerror(errno));
        status = EXIT_MODEL;
    } else if (!cg_emit(g, &cg, cf, hf, &d)) {
        status = model_error(o, &d);
    }
    bool c_closed = !cf || close_file(cf);
    bool h_closed = !hf || close_file(hf);
    bool closed = c_closed && h_closed;
    if (status == 0 && !closed) {
        fprintf(stderr, "onnxc: error: %s: write failed: %s\n", o->out, strerror(errno));
        status = EXIT_MODEL;
    }
    if (status == 0 && (rename(c_tmp, o->out) != 0 || rename(h_tmp, h_path) != 0)) {
        fprintf(stderr, "onnxc: error: %s: cannot rename into place: %s\n", o->out,
                strerror(errno));
        status = EXIT_MODEL;
    }
    if (status != 0) {
        remove(c_tmp);
        remove(h_tmp);
    }
    free(h_path);
    free(stem);
    ir_graph_free(g);
    return status;
}

static int cmd_dump(const Options *o)
{
    char assumed[1024];
    int status;
    DumpCtx ctx = {o, stdout};
    bool observe = o->print_all || o->print_after;
    Graph *g = front_half(o, assumed, sizeof assumed, observe ? dump_observer : NULL, &ctx,
                          &status);
    if (!g)
        return status;
    if (!observe)
        ir_print(g, stdout);
    ir_graph_free(g);
    return 0;
}

static int cmd_dot(const Options *o)
{
    char assumed[1024], tmp[4096];
    int status;
    Graph *g = front_half(o, assumed, sizeof assumed, NULL, NULL, &status);
    if (!g)
        return status;
    FILE *f = o->out ? open_tmp(o->out, tmp, sizeof tmp) : stdout;
    if (!f) {
        fprintf(stderr, "onnxc: error: %s: cannot write: %s\n", o->out, strerror(errno));
        ir_graph_free(g);
        return EXIT_MODEL;
    }
    ir_print_dot(g, f);
    status = 0;
    if (o->out && (!close_file(f) || rename(tmp, o->out) != 0)) {
        fprintf(stderr, "onnxc: error: %s: write failed: %s\n", o->out, strerror(errno));
        remove(tmp);
        status = EXIT_MODEL;
    }
    ir_graph_free(g);
    return status;
}

static int cmd_run(Options *o)
{
    Arena *a = arena_new();
    OnnxTensor in[MAX_FILES];
    Diag d = {0};
    if (!a)
        return EXIT_MODEL;
    /* Input files pin the input shapes, as --shape would. */
    for (int k = 0; k < o->n_inputs; k++) {
        if (!onnx_read_tensor(o->inputs[k], a, &in[k], &d)) {
            char line[1024];
            diag_format(&d, o->inputs[k], line, sizeof line);
            fprintf(stderr, "onnxc: error: %s\n", line);
            arena_free(a);
            return EXIT_MODEL;
        }
    }
    char assumed[1024];
    int status;
    Graph *g = NULL;
    {
        Diag ld = {0};
        Graph *probe = onnx_load_file(o->model, NULL, &ld);
        if (!probe) {
            arena_free(a);
            return model_error(o, &ld);
        }
        if (probe->n_inputs != o->n_inputs || probe->n_outputs != o->n_outputs) {
            fprintf(stderr, "onnxc: error: %s: the model has %d inputs and %d outputs; "
                    "got %d --input and %d --output\n", o->model, probe->n_inputs,
                    probe->n_outputs, o->n_inputs, o->n_outputs);
            ir_graph_free(probe);
            arena_free(a);
            return EXIT_USAGE;
        }
        for (int k = 0; k < o->n_inputs && o->n_shapes < MAX_SHAPES; k++) {
            ShapeArg *s = &o->shapes[o->n_shapes++];
            snprintf(s->input, sizeof s->input, "%s", probe->tensors[probe->inputs[k]].name);
            s->rank = in[k].rank;
            memcpy(s->dims, in[k].dims, sizeof s->dims);
            if (in[k].dtype != DT_F32) {
                fprintf(stderr, "onnxc: error: %s: input file is %s, only f32 is supported\n",
                        o->inputs[k], dtype_name(in[k].dtype));
                ir_graph_free(probe);
                arena_free(a);
                return EXIT_MODEL;
            }
        }
        g = front_half(o, assumed, sizeof assumed, NULL, NULL, &status);
        o->n_shapes -= o->n_inputs;
        ir_graph_free(probe);
    }
    if (!g) {
        arena_free(a);
        return status;
    }
    const float *ins[MAX_FILES];
    float *outs[MAX_FILES];
    for (int k = 0; k < o->n_inputs; k++)
        ins[k] = in[k].data;
    for (int k = 0; k < g->n_outputs; k++) {
        const Tensor *t = &g->tensors[g->outputs[k]];
        outs[k] = arena_calloc(a, (size_t)ir_numel(t), sizeof(float));
    }
    status = 0;
    if (!rt_interpret(g, ins, outs, &d)) {
        status = model_error(o, &d);
    } else {
        for (int k = 0; k < g->n_outputs && status == 0; k++) {
            const Tensor *t = &g->tensors[g->outputs[k]];
            OnnxTensor ot = {.dtype = DT_F32, .rank = t->rank, .data = outs[k], .name = t->name};
            memcpy(ot.dims, t->dims, sizeof ot.dims);
            Diag wd = {0};
            if (!onnx_write_tensor(o->outputs[k], &ot, &wd)) {
                char line[1024];
                diag_format(&wd, o->outputs[k], line, sizeof line);
                fprintf(stderr, "onnxc: error: %s\n", line);
                status = EXIT_MODEL;
            }
        }
    }
    ir_graph_free(g);
    arena_free(a);
    return status;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
                      strcmp(argv[1], "help") == 0)) {
        print_usage(stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("onnxc %s\n", ONNXC_VERSION);
        return 0;
    }
    Options o;
    int st = parse_args(argc, argv, &o);
    if (st)
        return st;
    if (strcmp(o.cmd, "compile") == 0)
        return cmd_compile(&o);
    if (strcmp(o.cmd, "dump") == 0)
        return cmd_dump(&o);
    if (strcmp(o.cmd, "dot") == 0)
        return cmd_dot(&o);
    if (strcmp(o.cmd, "run") == 0)
        return cmd_run(&o);
    return usage_error("unknown command '%s'", o.cmd);
}
