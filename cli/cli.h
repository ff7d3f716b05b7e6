/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the files of cli/ share: the parsed command line, the common
 * front half of every subcommand (load, pin symbolic dims, infer shapes, run the
 * pipeline), error printing, and the subcommands themselves (one file each:
 * cmd_compile.c, cmd_dump.c, cmd_run.c, ...). Only cli/ includes this.
 */
#ifndef ONNXC_CLI_H
#define ONNXC_CLI_H

#include <stdbool.h>
#include <stdio.h>

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
    bool reference_kernels;      /* compile --reference-kernels */
    bool report;                 /* compile --report */
    bool plan;                   /* dump --plan */
    bool json;                   /* dump --format json */
    uint64_t seed;               /* verify --seed */
    double atol, rtol;           /* verify --atol, --rtol */
    const char *cc;              /* verify --cc */
    const char *keep;            /* verify --keep DIR */
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

int cmd_compile(const Options *o);
int cmd_dump(const Options *o);
int cmd_dot(const Options *o);
int cmd_run(Options *o);
int cmd_verify(Options *o);

#endif
