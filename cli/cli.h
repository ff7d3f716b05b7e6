/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the files of cli/ share: the parsed command line, the common
 * front half of every subcommand (load, pin symbolic dims, infer shapes, run the
 * pipeline), error printing, and the subcommands themselves (one file each:
 * cmd_compile.c, cmd_dump.c, cmd_run.c, ...) and the machinery of running
 * emitted code that verify and bench share. Only cli/ includes this.
 */
#ifndef ONNXC_CLI_H
#define ONNXC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "codegen.h"
#include "ir.h"
#include "onnx.h"
#include "passes.h"

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
    const char *print_after;     /* --print-ir-after=PASS */
    const char *inputs[MAX_FILES], *outputs[MAX_FILES];
    int n_inputs, n_outputs;
    bool trace;                  /* compile --trace */
    bool profile;                /* compile --profile */
    bool reference_kernels;      /* compile --reference-kernels */
    bool report;                 /* compile --report */
    bool plan;                   /* dump --plan */
    bool json;                   /* dump --format json */
    uint64_t seed;               /* verify --seed */
    double atol, rtol;           /* verify --atol, --rtol */
    const char *cc;              /* verify, bench --cc */
    const char *keep;            /* verify, bench --keep DIR */
    const char *cflags;          /* bench --cflags (NULL: the default) */
    int runs;                    /* bench --runs (0: as many as fit the time budget) */
    int threads;                 /* bench --threads (0: not given) */
    OnnxLimits limits;           /* --max-bytes ...; zero fields: defaults */
} Options;

/* Prints "onnxc: error: " + fmt (one %s, arg) + a pointer to --help on stderr;
 * returns EXIT_USAGE. */
int usage_error(const char *fmt, const char *arg);
/* Prints d as `onnxc: error: MODEL: node "N" (Op): msg`; returns EXIT_MODEL. */
int model_error(const Options *o, const Diag *d);

/* Loads o->model, applies --shape (assuming 1 for dims still symbolic, noted in
 * assumed), infers shapes and runs the pipeline, calling obs after each pass.
 * Returns the graph (free with ir_graph_free), or NULL after printing the error
 * with *status set to the exit status. */
Graph *front_half(const Options *o, char *assumed, size_t size, PassObserver obs, void *ctx,
                  int *status);

/* Opens a temporary file beside path (its name goes to tmp) for writing. */
FILE *open_tmp(const char *path, char *tmp, size_t size);
/* fclose that also reports an earlier write error; true when all went well. */
bool close_file(FILE *f);
/* FNV-1a 64 of the file's bytes into *out (cg_fnv1a64); false (and *out = 0)
 * when it cannot be read. */
bool hash_file(const char *path, uint64_t *out);
/* The part of path after the last '/'. */
const char *base_name(const char *path);

/* Running the emitted code (verify, bench). Random inputs: f32 inputs uniform
 * in [-1,1) from seed (xorshift64*, the same numbers on every machine), other
 * element types zero; ins[k] allocated in a. False when out of memory. */
bool random_inputs(const Graph *g, uint64_t seed, Arena *a, const void **ins);
/* s in single quotes for the shell. */
void shell_quote(const char *s, char *buf, size_t size);
/* The C compiler command: --cc, else $CC, else cc (run through the shell, so
 * it may carry options). */
const char *cc_command(const Options *o);
/* The work directory: --keep DIR (created, or used as it is), else a fresh
 * $TMPDIR/onnxc-TAG-XXXXXX. Prints the error and returns false on failure. */
bool make_work_dir(const Options *o, const char *tag, char *dir, size_t size);
/* Removes the files the commands write into dir (model NAME.c and NAME.h,
 * driver, inputs, results, compiler log) and then dir. */
void remove_work(const char *dir, const char *name);
/* Writes the f32 inputs, concatenated in graph order, to dir/input.bin. */
bool write_inputs(const Graph *g, const void *const *ins, const char *dir);
/* Emits g as dir/<cg->name>.c and dir/<cg->header_name>; prints the error. */
bool emit_into(const Options *o, const Graph *g, const CgOptions *cg, const char *dir);
/* Compiles dir/driver.c and dir/NAME.c into dir/driver with cc_command(o) and
 * flags (output in dir/cc.log); prints a clear error (compiler not found, or
 * its first 20 lines of complaint) and returns false on failure. */
bool build_driver(const Options *o, const char *flags, const char *dir, const char *name);

int cmd_compile(const Options *o);
int cmd_dump(const Options *o);
int cmd_dot(const Options *o);
int cmd_run(Options *o);
int cmd_verify(Options *o);
int cmd_bench(const Options *o);

#endif
