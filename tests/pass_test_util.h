/* SPDX-License-Identifier: MIT */
/* pass_test_util.h - helpers shared by test_fold.c and test_fuse.c. */
#ifndef ONNXC_PASS_TEST_UTIL_H
#define ONNXC_PASS_TEST_UTIL_H

#include "ir.h"

/* Compares ir_print(g) with tests/golden/<name>.ir under $ONNXC_SOURCE_DIR, or
 * rewrites that file when UPDATE_GOLDEN=1; fails the current test on a diff. */
void check_golden(const Graph *g, const char *name);
/* Appends tensor t to an arena-grown id list (graph inputs or outputs). */
void add_list(Graph *g, int **list, int *count, int t);
/* Makes t a graph output. */
void mark_output(Graph *g, int t);

#endif
