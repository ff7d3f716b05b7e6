/* SPDX-License-Identifier: MIT */
/*
 * difftest_build.h - building and running a batch of emitted models for the
 * differential tester: one Makefile compiles every model's C once per vector
 * path (in parallel), one harness program per path links them all and runs
 * each model in a child process on the inputs the tester wrote.
 */
#ifndef ONNXC_TESTS_DIFFTEST_BUILD_H
#define ONNXC_TESTS_DIFFTEST_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#define DT_MAX_IO 12

/* A vector path of the emitted code: the name and the compiler flags that select it. */
typedef struct DtIsa {
    const char *name;          /* "native", "avx2", "portable" */
    const char *flags;         /* "-march=native", "-mavx2 -mfma", "" */
} DtIsa;

/* One emitted model of the batch: files DIR/NAME.c and NAME.h, and its I/O sizes. */
typedef struct DtCase {
    char name[16];             /* C prefix and file stem, "c7" */
    bool emitted;              /* false: not part of the build */
    int n_in, n_out;
    int64_t in_size[DT_MAX_IO], out_size[DT_MAX_IO];   /* elements */
} DtCase;

/* Compiles every emitted case for each path with cc (a command, possibly a
 * wrapper with arguments) using jobs parallel compiles, links one harness per
 * path and runs it: afterwards DIR/NAME.ISA.out holds the outputs of each case
 * that compiled and ran, DIR/NAME.ISA.log the compiler's messages. False
 * (message on stderr) when the batch could not be built at all. */
bool dt_build_and_run(const char *dir, const char *cc, int jobs, const DtIsa *isas, int n_isas,
                      const DtCase *cases, int n_cases);

#endif
