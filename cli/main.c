/* SPDX-License-Identifier: MIT */
/*
 * main.c - the onnxc command line: parses options and dispatches to the
 * subcommands (cmd_*.c). Each subcommand has its own help text
 * (`onnxc compile --help`); `onnxc --help` lists them all. Exit status: 0
 * success, 1 a bad or unsupported model (one line on stderr naming file, node
 * and op), 2 bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct Command {
    const char *name;
    const char *help;            /* synopsis and description, each line ending in \n */
} Command;

static const char shape_help[] =
    "  --shape INPUT=D0,D1,...  fix the shape of a graph input; symbolic dims not\n"
    "                           fixed are assumed to be 1, with a warning\n"
    "  --max-bytes N            largest model file, total constant data and activation\n"
    "                           arena (default 4G; suffixes K, M, G)\n"
    "  --max-elements N         largest tensor in elements (default 1G)\n"
    "  --max-nodes N            most nodes, and values of each kind (default 1M)\n"
    "  --max-call-depth N       model-local functions nested deeper are refused\n"
    "                           (default 64, at most 256)\n";

static const Command commands[] = {
    {"compile",
     "onnxc compile MODEL.onnx -o OUT.c [--name NAME] [--trace] [--profile]\n"
     "              [--report] [--reference-kernels] [--shape ...]\n"
     "  Writes OUT.c and OUT.h: standalone C11 with the weights baked in, no malloc,\n"
     "  no stdio, linking with -lm at most.\n"
     "  -o OUT.c                 the C file to write; the header goes beside it\n"
     "  --name NAME              prefix of every emitted symbol (a C identifier;\n"
     "                           default: OUT's base name)\n"
     "  --trace                  after every node, call the application's hook\n"
     "                           NAME_trace(node, name, op, rank, dims, data); compiled\n"
     "                           only with -DNAME_TRACE (see the emitted header)\n"
     "  --profile                before and after every node, call the application's\n"
     "                           hook NAME_profile(node, end) (end 0, then 1), compiled\n"
     "                           only with -DNAME_PROFILE; layouts and kernels unchanged\n"
     "  --report                 print per-layer MACs and bytes, and the tensors\n"
     "                           that make the activation peak, on stdout\n"
     "  --reference-kernels      only the plain reference kernels, NCHW throughout\n"
     "                           (no fast kernels, no blocked layout): for debugging\n"},
    {"dump",
     "onnxc dump MODEL.onnx [--print-ir-after-all | --print-ir-after=PASS] [--shape ...]\n"
     "  Prints the IR after the whole pipeline (one line per node, with types and\n"
     "  arena offsets), after import and every pass, or after one pass.\n"
     "  --print-ir-after-all     the IR after import and after every pass\n"
     "  --print-ir-after=PASS    the IR after one pass (import or a pass below)\n"
     "  --plan                   the buffer plan instead: one row per planned tensor\n"
     "                           (size, lifetime in schedule steps, offset, timeline),\n"
     "                           the arena, the lower bound and the efficiency\n"
     "  --format text|json       json: the optimized IR and the plan as one JSON\n"
     "                           object, for tools (default text)\n"},
    {"dot",
     "onnxc dot MODEL.onnx [-o GRAPH.dot] [--shape ...]\n"
     "  Writes the optimized graph for Graphviz (`dot -Tsvg GRAPH.dot`): fused\n"
     "  activations, shapes and buffer offsets.\n"
     "  -o GRAPH.dot             the file to write (default: stdout)\n"},
    {"run",
     "onnxc run MODEL.onnx --input IN.pb ... --output OUT.pb ...\n"
     "  Runs the reference interpreter on ONNX TensorProto files, one --input per\n"
     "  graph input and one --output per graph output, in graph order. The input\n"
     "  files' shapes pin the model's symbolic dims.\n"
     "  --input IN.pb            a graph input (f32), in graph order\n"
     "  --output OUT.pb          where to write a graph output, in graph order\n"},
    {"verify",
     "onnxc verify MODEL.onnx [--input IN.pb ...] [--seed N] [--atol A] [--rtol R]\n"
     "             [--cc CC] [--keep DIR] [--shape ...]\n"
     "  Runs the reference interpreter and the emitted C (compiled with --trace by\n"
     "  the system C compiler) on the same input, compares every node's output and\n"
     "  names the first node whose output differs by more than A + R*|reference|.\n"
     "  Exit 0 when every node agrees, 1 with that node named otherwise.\n"
     "  --input IN.pb            a graph input (TensorProto, f32), in graph order;\n"
     "                           without it, uniform random in [-1,1) from --seed\n"
     "  --seed N                 seed of the random input (default 1)\n"
     "  --atol A, --rtol R       tolerance (default 1e-5 and 1e-4)\n"
     "  --cc CC                  the C compiler (default: $CC, else cc)\n"
     "  --keep DIR               keep the emitted C, the driver and the traces in DIR\n"
     "                           (default: a temporary directory, removed after)\n"},
    {"bench",
     "onnxc bench MODEL.onnx [--runs R] [--cc CC] [--cflags FLAGS] [--threads N]\n"
     "            [--seed N] [--keep DIR] [--name NAME] [--shape ...]\n"
     "  Compiles the model as `compile` does (same kernels and layouts, with the\n"
     "  --profile hooks enabled), builds it with the system C compiler, runs it on\n"
     "  uniform random input in [-1,1) (other element types: zeros), and prints the\n"
     "  median and min time per call and GFLOP/s (FLOPs: 2 x the multiply-adds of\n"
     "  Conv, ConvTranspose, Gemm, MatMul), then per node in schedule order its share\n"
     "  of the time, median microseconds, MFLOP, GFLOP/s and kernel.\n"
     "  --runs R                 timed calls after the warm-up (default: as many as\n"
     "                           fit in about 2 s, at least 3, at most 10000)\n"
     "  --cc CC                  the C compiler (default: $CC, else cc); words after\n"
     "                           the command come before the flags below\n"
     "  --cflags FLAGS           optimization flags (default \"-O3 -march=native\");\n"
     "                           the command line is CC -std=c11 FLAGS ..., so FLAGS\n"
     "                           win over options given in --cc\n"
     "  --threads N              accepted; the emitted code has no threading yet and\n"
     "                           always runs on 1 thread (said so when N > 1)\n"
     "  --seed N                 seed of the random input (default 1)\n"
     "  --keep DIR               keep the emitted C, the driver and the timings in DIR\n"
     "  --name NAME              prefix of the emitted symbols (default onnxc_bench)\n"},
};

static const Command *find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_passes(FILE *f)
{
    int n;
    const Pass *p = passes_pipeline(&n);
    fputs("passes, in order: ", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? ", " : "", p[i].name);
    fputc('\n', f);
}

/* `onnxc --help`: every command. */
static void print_usage(FILE *f)
{
    fputs("usage: onnxc <command> MODEL.onnx [options]\n"
          "       onnxc <command> --help     (details of one command)\n\ncommands:\n", f);
    for (size_t i = 0; i < ARRAY_LEN(commands); i++) {
        const char *h = commands[i].help;
        const char *nl = strchr(h, '\n');
        fprintf(f, "  %.*s\n", (int)(nl - h), h);
    }
    fputs("\noptions of every command:\n", f);
    fputs(shape_help, f);
    fputs("  -h, --help               help;  onnxc --version  the version\n\n", f);
    print_passes(f);
    fputs("exit status: 0 ok, 1 bad or unsupported model, 2 bad usage\n", f);
}

/* `onnxc CMD --help`: one command in full. */
static void print_command_help(const Command *c, FILE *f)
{
    fprintf(f, "usage: %s", c->help);
    fputs(shape_help, f);
    fputs("  -h, --help               this text\n", f);
    print_passes(f);
    fputs("exit status: 0 ok, 1 bad or unsupported model, 2 bad usage\n", f);
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
        if (end == p || errno || v < 1 || v > ((int64_t)1 << 40) || out->rank == IR_MAX_RANK)
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

/* "64M" -> 67108864: a positive count with an optional binary suffix K, M, G. */
static bool parse_size(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    int shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (end == s || *end || errno || v < 1 || v > (INT64_MAX >> shift))
        return false;
    *out = (int64_t)v << shift;
    return true;
}

static int parse_args(int argc, char **argv, Options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->atol = 1e-5;
    o->rtol = 1e-4;
    if (argc < 2)
        return usage_error("%s", "no command given");
    o->cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            const Command *c = find_command(o->cmd);
            if (c)
                print_command_help(c, stdout);
            else
                print_usage(stdout);
            exit(0);
        } else if (strcmp(a, "-o") == 0 && next) {
            o->out = argv[++i];
        } else if (strcmp(a, "--name") == 0 && next) {
            o->name = argv[++i];
        } else if (strcmp(a, "--shape") == 0 && next) {
            if (o->n_shapes == MAX_SHAPES || !parse_shape(argv[++i], &o->shapes[o->n_shapes]))
                return usage_error("bad --shape '%s' (expected INPUT=D0,D1,... with every "
                                   "D >= 1)", argv[i]);
            o->n_shapes++;
        } else if (strncmp(a, "--shape=", 8) == 0) {
            if (o->n_shapes == MAX_SHAPES || !parse_shape(a + 8, &o->shapes[o->n_shapes]))
                return usage_error("bad --shape '%s' (expected INPUT=D0,D1,... with every "
                                   "D >= 1)", a + 8);
            o->n_shapes++;
        } else if (strcmp(a, "--max-bytes") == 0 && next) {
            if (!parse_size(argv[++i], &o->limits.max_total_bytes))
                return usage_error("bad --max-bytes '%s'", argv[i]);
            o->limits.max_file_bytes = o->limits.max_total_bytes;
        } else if (strcmp(a, "--max-elements") == 0 && next) {
            if (!parse_size(argv[++i], &o->limits.max_elements))
                return usage_error("bad --max-elements '%s'", argv[i]);
        } else if (strcmp(a, "--max-nodes") == 0 && next) {
            if (!parse_size(argv[++i], &o->limits.max_nodes))
                return usage_error("bad --max-nodes '%s'", argv[i]);
        } else if (strcmp(a, "--max-call-depth") == 0 && next) {
            if (!parse_size(argv[++i], &o->limits.max_call_depth) ||
                o->limits.max_call_depth < 1 || o->limits.max_call_depth > 256)
                return usage_error("bad --max-call-depth '%s' (1 to 256)", argv[i]);
        } else if (strcmp(a, "--reference-kernels") == 0) {
            o->reference_kernels = true;
        } else if (strcmp(a, "--trace") == 0) {
            o->trace = true;
        } else if (strcmp(a, "--profile") == 0) {
            o->profile = true;
        } else if (strcmp(a, "--cflags") == 0 && next) {
            o->cflags = argv[++i];
        } else if ((strcmp(a, "--runs") == 0 || strcmp(a, "--threads") == 0) && next) {
            char *end;
            errno = 0;
            long v = strtol(argv[++i], &end, 10);
            if (errno || end == argv[i] || *end || v < 1 || v > 100000)
                return usage_error("bad count '%s' (1 to 100000)", argv[i]);
            *(a[2] == 'r' ? &o->runs : &o->threads) = (int)v;
        } else if (strcmp(a, "--report") == 0) {
            o->report = true;
        } else if (strcmp(a, "--plan") == 0) {
            o->plan = true;
        } else if ((strcmp(a, "--format") == 0 && next) || strncmp(a, "--format=", 9) == 0) {
            const char *f = a[8] == '=' ? a + 9 : argv[++i];
            if (strcmp(f, "json") != 0 && strcmp(f, "text") != 0)
                return usage_error("unknown --format '%s' (text or json)", f);
            o->json = strcmp(f, "json") == 0;
        } else if (strcmp(a, "--seed") == 0 && next) {
            char *end;
            errno = 0;
            o->seed = strtoull(argv[++i], &end, 10);
            if (errno || end == argv[i] || *end)
                return usage_error("bad --seed '%s'", argv[i]);
        } else if ((strcmp(a, "--atol") == 0 || strcmp(a, "--rtol") == 0) && next) {
            char *end;
            double v = strtod(argv[++i], &end);
            if (end == argv[i] || *end || !(v >= 0))
                return usage_error("bad tolerance '%s'", argv[i]);
            *(a[2] == 'a' ? &o->atol : &o->rtol) = v;
        } else if (strcmp(a, "--cc") == 0 && next) {
            o->cc = argv[++i];
        } else if (strcmp(a, "--keep") == 0 && next) {
            o->keep = argv[++i];
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
    if (!find_command(o.cmd))
        return usage_error("unknown command '%s'", o.cmd);
    if (strcmp(o.cmd, "compile") == 0)
        return cmd_compile(&o);
    if (strcmp(o.cmd, "dump") == 0)
        return cmd_dump(&o);
    if (strcmp(o.cmd, "dot") == 0)
        return cmd_dot(&o);
    if (strcmp(o.cmd, "run") == 0)
        return cmd_run(&o);
    if (strcmp(o.cmd, "verify") == 0)
        return cmd_verify(&o);
    if (strcmp(o.cmd, "bench") == 0)
        return cmd_bench(&o);
    return usage_error("unknown command '%s'", o.cmd);
}
