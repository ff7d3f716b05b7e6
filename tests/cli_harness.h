/* SPDX-License-Identifier: MIT */
/*
 * cli_harness.h - helpers of cli_harness.c for the tests that drive the onnxc
 * binary (test_malformed.c, test_hostile.c). Test code only.
 */
#ifndef ONNXC_TESTS_CLI_HARNESS_H
#define ONNXC_TESTS_CLI_HARNESS_H

#include <stddef.h>

#include "model_builder.h"

extern char cli_tmp_root[128];   /* the test's temporary folder */
extern char cli_onnxc[1024];     /* the onnxc binary, from $ONNXC */

/* Group setup: reads $ONNXC, makes the temporary folder. Teardown removes it
 * (kept when $ONNXC_KEEP_TMP is set). */
int cli_setup(void **state);
int cli_teardown(void **state);
/* A new empty folder for one case; its path goes to dir. */
void cli_new_dir(char *dir, size_t size);
void cli_write_file(const char *path, const void *data, size_t n);
/* Packs b into DIR/model.onnx. */
void cli_write_model(const char *dir, MB *b);
/* Runs a shell command line; returns its exit status (-1 when it did not exit). */
int cli_run(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The first line of a file, without its newline, into buf. */
void cli_first_line(const char *path, char *buf, size_t size);
/* Asserts that dir holds exactly the files named in keep (NULL-terminated). */
void cli_expect_only(const char *dir, const char *const *keep);
/* `onnxc compile DIR/model.onnx -o DIR/out/model_gen.c [extra]` must exit 1 with
 * first stderr line "onnxc: error: DIR/model.onnx: " + want, leaving out/ empty. */
void cli_expect_refusal(const char *dir, const char *extra, const char *want);

#endif
