/* SPDX-License-Identifier: MIT */
/*
 * test_emitted_text.c - the fuzz harness's check of emitted text
 * (emitted_text.c), and the property of our runtime sources it relies on:
 * every embedded runtime line is printable ASCII without a trigraph or a line
 * splice. Adding a `\` line continuation or a "??" to runtime/ fails here,
 * naming the file and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cg_internal.h"
#include "emitted_text.h"

static void runtime_sources_are_clean(void **state)
{
    (void)state;
    assert_true(cg_rt_n_sources > 0);
    int bad = 0;
    for (int i = 0; i < cg_rt_n_sources; i++)
        for (int l = 0; l < cg_rt_sources[i].n_lines; l++) {
            const char *s = cg_rt_sources[i].lines[l];
            const char *why = fuzz_check_line(s, strlen(s));
            if (why) {
                fprintf(stderr, "runtime/%s:%d: %s: %s\n", cg_rt_sources[i].name, l + 1, why, s);
                bad++;
            }
        }
    assert_int_equal(bad, 0);
}

/* Text: a prefix, the marker and body of runtime source `src` (with its
 * `#include "` lines dropped when drop is set, as codegen does), a suffix. */
static char *with_block(const char *prefix, const CgRtSource *src, const char *suffix, bool drop)
{
    size_t cap = strlen(prefix) + strlen(suffix) + 64;
    for (int l = 0; l < src->n_lines; l++)
        cap += strlen(src->lines[l]) + 1;
    char *t = malloc(cap);
    assert_non_null(t);
    size_t n = (size_t)snprintf(t, cap, "%s/* ---- runtime/%s ---- */\n", prefix, src->name);
    for (int l = 0; l < src->n_lines; l++) {
        const char *s = src->lines[l];
        if (drop && strncmp(s + strspn(s, " \t"), "#include \"", 10) == 0)
            continue;
        n += (size_t)snprintf(t + n, cap - n, "%s\n", s);
    }
    snprintf(t + n, cap - n, "%s", suffix);
    return t;
}

static const CgRtSource *source(const char *name)
{
    for (int i = 0; i < cg_rt_n_sources; i++)
        if (strcmp(cg_rt_sources[i].name, name) == 0)
            return &cg_rt_sources[i];
    fail_msg("runtime/%s is not embedded", name);
    return NULL;
}

static const char *check(const char *t, int *line)
{
    return fuzz_check_emitted(t, strlen(t), line);
}

static void model_text_is_checked(void **state)
{
    (void)state;
    int line = 0;
    assert_null(check("/* node \"a\\x2a/\" */\nint x;\n", &line));
    assert_non_null(check("int x;\n/* a \\\n*/\n", &line));
    assert_int_equal(line, 2);
    assert_non_null(check("/* a ?\?/ */\n", &line));
    assert_non_null(check("/* a \x1b */\n", &line));
    assert_non_null(check("/* a \xc3\xa9 */\n", &line));
    assert_non_null(check("int x; \\", &line));   /* splice on a last line without newline */
}

static void runtime_blocks_are_matched(void **state)
{
    (void)state;
    const CgRtSource *vec = source("rt_vec.h"), *conv = source("conv.c");
    int line = 0;
    char *t = with_block("/* model */\n", vec, "int y;\n", true);
    assert_null(check(t, &line));
    free(t);
    t = with_block("", conv, "", false);   /* codegen drops the include lines */
    assert_string_equal(check(t, &line), "embedded runtime text differs from onnxc's copy");
    free(t);
    /* model text after a block is checked again */
    t = with_block("", vec, "/* \\\n */\n", true);
    assert_string_equal(check(t, &line), "line splice (a line ending in a backslash)");
    free(t);
    /* a block that is not exactly our text is a finding, not an exemption */
    t = with_block("", vec, "", true);
    char *p = strstr(t, "#define RT_VEC_ISA");
    assert_non_null(p);
    p[1] = 'u';
    assert_string_equal(check(t, &line), "embedded runtime text differs from onnxc's copy");
    free(t);
    t = with_block("", vec, "", true);
    p = strchr(t + strlen(t) / 2, '\n');   /* cut after a whole line */
    assert_non_null(p);
    p[1] = '\0';
    assert_string_equal(check(t, &line), "embedded runtime text cut short");
    free(t);
    assert_non_null(check("/* ---- runtime/evil.c ---- */\n#define A \\\n", &line));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(runtime_sources_are_clean),
        cmocka_unit_test(model_text_is_checked),
        cmocka_unit_test(runtime_blocks_are_matched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
