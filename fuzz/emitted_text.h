/* SPDX-License-Identifier: MIT */
/*
 * emitted_text.h - the fuzz harness's checks of emitted C text, apart from the
 * harness so that a unit test (fuzz/test_emitted_text.c) can feed them text.
 *
 * Emitted text is of two kinds:
 * - the embedded runtime: each block that codegen opens with the marker, a
 *   comment line holding "---- runtime/NAME ----", followed by the lines of
 *   onnxc's own copy of runtime/NAME (cg_rt_sources) without its
 *   `#include "` lines, as codegen embeds it. Ours: it may use the preprocessor as it likes. Its cleanliness is
 *   a property of our sources, checked once by the unit test, not per input;
 * - everything else: written by codegen from the model (names in comments,
 *   identifiers, numbers, shapes). Every line of it must be printable ASCII,
 *   hold no "??" (a trigraph start: -std=c11 honours trigraphs) and not end in
 *   a backslash (a line splice), whatever the model says.
 * A marker line whose following lines are not exactly our runtime text is
 * itself a finding, so nothing the model controls can hide inside a block.
 */
#ifndef ONNXC_FUZZ_EMITTED_TEXT_H
#define ONNXC_FUZZ_EMITTED_TEXT_H

#include <stddef.h>

/* NULL when text[0..n) passes the checks above; else what is wrong, with
 * *line (1-based) where, when line is not NULL. */
const char *fuzz_check_emitted(const char *text, size_t n, int *line);

/* NULL when one line (len bytes, without its newline) is fit for emitted C:
 * printable ASCII, no "??", no trailing backslash; else what is wrong. The
 * rule for every model-written line. The unit test applies it to every line of
 * our runtime sources too: they are kept free of splices and trigraphs, so
 * that every emitted line stands alone (a splice on a block's last line would
 * join the next, model-written, line to it). */
const char *fuzz_check_line(const char *line, size_t len);

#endif
