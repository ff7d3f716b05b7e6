/* SPDX-License-Identifier: MIT */
/*
 * zoo_main.c - the timing side of bench/zoo.sh for one model of the zoo.
 *
 * Linked with one emitted file compiled with --name zoo_model from a model
 * whose one input is "x" and one output "y", both f32 (bench/zoo_export.py
 * exports them so). Run as `zoo_main INPUT.f32`: reads the input (raw
 * little-endian float32, exactly ZOO_MODEL_X_SIZE values), then takes commands
 * on stdin, so that bench/zoo.mjs can interleave its calls with ONNX
 * Runtime's in one run (the protocol of bench_main.c, one model per process):
 *   "time N"   -> runs zoo_model_run_ws N times, prints the N times in ns on one line;
 *   "out PATH" -> runs it once, writes the output to PATH as raw float32, prints "ok".
 * Built with -DZOO_MODEL_PROFILE from a file emitted with `onnxc compile
 * --profile` (zoo.sh does), it also answers
 *   "nodes N"  -> runs it N times with the profile hook recording, prints per
 *                 node in schedule order the median over the N runs of its
 *                 time in ns, on one line.
 * Exit status 1 when the model returns an error, 2 on bad usage or input.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zoo_model.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#ifdef ZOO_MODEL_PROFILE
/* The profile hook of `onnxc compile --profile`: called before (end 0) and
 * after (end 1) every node. It records only while `profiling` is set, so the
 * "time" runs pay a call and a test per node boundary and nothing more.
 * Nodes past MAX_NODES are not timed. */
#define MAX_NODES 4096
static int profiling, n_nodes;
static int64_t t_begin[MAX_NODES], t_end[MAX_NODES];

void zoo_model_profile(int node, int end)
{
    if (!profiling || node < 0 || node >= MAX_NODES)
        return;
    if (end)
        t_end[node] = now_ns();
    else
        t_begin[node] = now_ns();
    if (node + 1 > n_nodes)
        n_nodes = node + 1;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* "nodes N": per node, the median over N runs of its time. */
static int node_times(const float *x, float *y, void *ws, int runs)
{
    profiling = 1;
    int rc = zoo_model_run_ws(x, y, ws);   /* learns the node count */
    int k = n_nodes;
    int64_t *t = rc == 0 ? malloc(sizeof *t * (size_t)(k > 0 ? k : 1) * (size_t)runs) : NULL;
    for (int r = 0; t && r < runs && rc == 0; r++) {
        for (int i = 0; i < k; i++)
            t_begin[i] = t_end[i] = 0;   /* a node the run does not reach counts 0 */
        rc = zoo_model_run_ws(x, y, ws);
        for (int i = 0; i < k; i++)
            t[(size_t)i * (size_t)runs + (size_t)r] = t_end[i] - t_begin[i];
    }
    profiling = 0;
    if (rc != 0 || !t) {
        free(t);
        return rc != 0 ? 1 : 2;
    }
    for (int i = 0; i < k; i++) {
        int64_t *v = t + (size_t)i * (size_t)runs;
        qsort(v, (size_t)runs, sizeof *v, cmp_i64);
        printf("%s%lld", i ? " " : "", (long long)v[runs / 2]);
    }
    putchar('\n');
    free(t);
    return 0;
}
#endif

/* Reads exactly n floats from path; 0 on success. */
static int read_f32(const char *path, float *x, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t got = fread(x, sizeof *x, n, f);
    int extra = fgetc(f);
    fclose(f);
    return got == n && extra == EOF ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: zoo_main INPUT.f32\n");
        return 2;
    }
    /* the workspace is allocated, not static: the big models need tens of MB */
    size_t wsb = ((size_t)ZOO_MODEL_WORKSPACE_BYTES + 63) / 64 * 64;
    void *ws = wsb ? aligned_alloc(64, wsb) : NULL;
    float *x = malloc(sizeof(float) * ZOO_MODEL_X_SIZE);
    float *y = malloc(sizeof(float) * ZOO_MODEL_Y_SIZE);
    if ((wsb && !ws) || !x || !y) {
        fprintf(stderr, "zoo_main: out of memory\n");
        return 2;
    }
    if (read_f32(argv[1], x, ZOO_MODEL_X_SIZE) != 0) {
        fprintf(stderr, "zoo_main: %s: cannot read exactly %d float32 values\n", argv[1],
                (int)ZOO_MODEL_X_SIZE);
        return 2;
    }
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        int n = 0;
        if (sscanf(line, "time %d", &n) == 1 && n > 0) {
            for (int i = 0; i < n; i++) {
                int64_t t0 = now_ns();
                if (zoo_model_run_ws(x, y, ws) != 0)
                    return 1;
                printf("%s%lld", i ? " " : "", (long long)(now_ns() - t0));
            }
            putchar('\n');
#ifdef ZOO_MODEL_PROFILE
        } else if (sscanf(line, "nodes %d", &n) == 1 && n > 0) {
            int rc = node_times(x, y, ws, n);
            if (rc != 0)
                return rc;
#endif
        } else if (strncmp(line, "out ", 4) == 0 && line[4] != '\n' && line[4] != '\0') {
            const char *path = line + 4;   /* the rest of the line: spaces allowed */
            line[strcspn(line, "\n")] = '\0';
            if (zoo_model_run_ws(x, y, ws) != 0)
                return 1;
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(y, sizeof *y, ZOO_MODEL_Y_SIZE, f) != ZOO_MODEL_Y_SIZE || fclose(f) != 0) {
                fprintf(stderr, "zoo_main: cannot write %s\n", path);
                return 2;
            }
            puts("ok");
        } else {
            fprintf(stderr, "zoo_main: bad command: %s", line);
            return 2;
        }
        fflush(stdout);
    }
    free(x);
    free(y);
    free(ws);
    return 0;
}
