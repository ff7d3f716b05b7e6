/* SPDX-License-Identifier: MIT */
/*
 * pass_test_util.c - what the pass tests share: golden IR files and graph
 * building helpers that cmocka-assert on failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pass_test_util.h"

static char *read_stream(FILE *f) {
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (len + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        buf[len++] = (char)c;
    }
    buf[len] = '\0';
    return buf;
}

/* Compares ir_print(g) with tests/golden/<name>.ir (or rewrites it). */
void check_golden(const Graph *g, const char *name) {
    FILE *f = tmpfile();
    assert_non_null(f);
    ir_print(g, f);
    rewind(f);
    char *got = read_stream(f);
    fclose(f);
    const char *src = getenv("ONNXC_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/%s.ir", src ? src : "..", name);
    const char *update = getenv("UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        FILE *out = fopen(path, "wb");
        assert_non_null(out);
        fputs(got, out);
        fclose(out);
        free(got);
        return;
    }
    FILE *in = fopen(path, "rb");
    if (!in) {
        free(got);
        fail_msg("missing golden file %s (run with UPDATE_GOLDEN=1)", path);
    }
    char *want = read_stream(in);
    fclose(in);
    if (strcmp(got, want) != 0)
        print_message("--- %s (expected)\n%s--- got\n%s", path, want, got);
    int same = strcmp(got, want) == 0;
    free(got);
    free(want);
    assert_true(same);
}

void add_list(Graph *g, int **list, int *count, int t) {
    int *grown = arena_alloc(g->arena, sizeof(int) * (size_t)(*count + 1));
    assert_non_null(grown);
    if (*count)
        memcpy(grown, *list, sizeof(int) * (size_t)*count);
    grown[(*count)++] = t;
    *list = grown;
}

void mark_output(Graph *g, int t) {
    add_list(g, &g->outputs, &g->n_outputs, t);
    g->tensors[t].is_output = true;
}

