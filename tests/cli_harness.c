/* SPDX-License-Identifier: MIT */
/*
 * cli_harness.c - helpers for tests that run the onnxc binary on models they
 * build: a temporary folder per case, writing models, running a command line,
 * reading the first line of its stderr, and asserting what a refusal must look
 * like (exit 1, an exact first line, nothing left in the output folder).
 */
#define _XOPEN_SOURCE 700   /* mkdtemp */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "cli_harness.h"

char cli_tmp_root[128];
char cli_onnxc[1024];
static int cli_case_no;     /* numbers the case folders */

int cli_setup(void **state)
{
    (void)state;
    const char *bin = getenv("ONNXC");
    if (!bin)
        return -1;
    snprintf(cli_onnxc, sizeof cli_onnxc, "%s", bin);
    snprintf(cli_tmp_root, sizeof cli_tmp_root, "/tmp/onnxc_cli_test_XXXXXX");
    return mkdtemp(cli_tmp_root) ? 0 : -1;
}

int cli_teardown(void **state)
{
    (void)state;
    if (getenv("ONNXC_KEEP_TMP")) {            /* for looking at the cases by hand */
        fprintf(stderr, "cli_harness: kept %s\n", cli_tmp_root);
        return 0;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", cli_tmp_root);
    return system(cmd) == 0 ? 0 : -1;
}

/* A new empty folder for one case; its path goes to dir. */
void cli_new_dir(char *dir, size_t size)
{
    snprintf(dir, size, "%s/case%d", cli_tmp_root, ++cli_case_no);
    assert_int_equal(mkdir(dir, 0700), 0);
}

void cli_write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

void cli_write_model(const char *dir, MB *b)
{
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    char path[600];
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    cli_write_file(path, buf, len);
}

/* Runs a shell command line; returns the exit status (-1 when it did not exit). */
int cli_run(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The first line of a file (without its newline) into buf. */
void cli_first_line(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    if (!fgets(buf, (int)size, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

/* Asserts that dir holds exactly the files named in keep (NULL-terminated). */
void cli_expect_only(const char *dir, const char *const *keep)
{
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        bool known = false;
        for (int i = 0; keep[i] && !known; i++)
            known = strcmp(de->d_name, keep[i]) == 0;
        if (!known)
            fail_msg("%s: unexpected file \"%s\" left behind", dir, de->d_name);
    }
    closedir(dp);
}

/* `onnxc compile DIR/model.onnx -o DIR/out/model_gen.c [extra]` must exit 1 with
 * first stderr line "onnxc: error: DIR/model.onnx: " + want, and leave out/ empty. */
void cli_expect_refusal(const char *dir, const char *extra, const char *want)
{
    char out_dir[512], err[512], line[2048], expected[2048];
    snprintf(out_dir, sizeof out_dir, "%s/out", dir);
    assert_int_equal(mkdir(out_dir, 0700), 0);
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
    int rc = cli_run("'%s' compile '%s/model.onnx' -o '%s/model_gen.c' %s 2>'%s' >/dev/null",
                     cli_onnxc, dir, out_dir, extra ? extra : "", err);
    cli_first_line(err, line, sizeof line);
    snprintf(expected, sizeof expected, "onnxc: error: %s/model.onnx: %s", dir, want);
    if (rc != 1 || strcmp(line, expected) != 0)
        fail_msg("exit %d, first line\n  got:  %s\n  want: %s", rc, line, expected);
    const char *none[] = {NULL};
    cli_expect_only(out_dir, none);
}

/* A valid model: x f32[1,1,4,4] -> Conv 3x3 pad 1 (w: 2 channels) -> Relu -> y. */
