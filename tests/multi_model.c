/* SPDX-License-Identifier: MIT */
/*
 * multi_model.c - two different models in one program, and the memory
 * contract of the emitted header (tests/embed.cmake builds it with
 * onnxc_add_model, under AddressSanitizer when the compiler has it).
 *
 *   multi_model UNET_IN UNET_OUT RELU_IN RELU_OUT [shrink]
 *
 * BasicUNet (prefix mm_unet) and its ReLU variant (prefix mm_relu) are linked
 * together; each runs on its stored input and must match PyTorch's output
 * within 1e-5 + 1e-4*|ref|. Every workspace is a heap block of exactly
 * NAME_WORKSPACE_BYTES, so ASan reports any access past the size the header
 * promises; `shrink` makes it 64 bytes smaller, which ASan must catch (ctest
 * expects that run to fail). Then two threads run mm_unet_run_ws at once, each
 * with its own workspace, many times, and every result must be bit-identical to
 * the single-threaded one.
 */
#define _POSIX_C_SOURCE 200809L /* posix_memalign */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm_relu.h"
#include "mm_unet.h"

enum { ROUNDS = 8 };

static size_t ws_size;   /* bytes of each workspace: the header's, or 64 fewer */

static int read_f32(const char *path, float *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(buf, sizeof(float), n, f) : 0;
    if (f)
        fclose(f);
    if (got != n) {
        fprintf(stderr, "%s: expected %zu floats, read %zu\n", path, n, got);
        return -1;
    }
    return 0;
}

static int check(const char *what, const float *y, const float *ref, size_t n)
{
    size_t bad = 0;
    double max_err = 0;
    for (size_t i = 0; i < n; i++) {
        double err = fabs((double)y[i] - (double)ref[i]);
        max_err = err > max_err ? err : max_err;
        bad += !(err <= 1e-5 + 1e-4 * fabs((double)ref[i]));
    }
    printf("%s: max |err| %.3g, %zu of %zu outside tolerance\n", what, max_err, bad, n);
    return bad ? -1 : 0;
}

/* A heap block of exactly ws_size bytes, aligned as the header asks. */
static void *workspace(size_t align)
{
    void *p = NULL;
    if (posix_memalign(&p, align, ws_size ? ws_size : 1) != 0)
        return NULL;
    return p;
}

static float unet_x[MM_UNET_X_SIZE], unet_y[MM_UNET_Y_SIZE], unet_ref[MM_UNET_Y_SIZE];
static float relu_x[MM_RELU_X_SIZE], relu_y[MM_RELU_Y_SIZE], relu_ref[MM_RELU_Y_SIZE];

typedef struct Job {
    float y[MM_UNET_Y_SIZE];
    int failures;
} Job;

static void *run_thread(void *arg)
{
    Job *job = arg;
    void *ws = workspace(MM_UNET_WORKSPACE_ALIGN);
    if (!ws) {
        job->failures = ROUNDS;
        return NULL;
    }
    for (int r = 0; r < ROUNDS; r++) {
        memset(job->y, 0, sizeof job->y);
        if (mm_unet_run_ws(unet_x, job->y, ws) != 0 || memcmp(job->y, unet_y, sizeof unet_y) != 0)
            job->failures++;
    }
    free(ws);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 5 && !(argc == 6 && strcmp(argv[5], "shrink") == 0)) {
        fprintf(stderr, "usage: %s UNET_IN UNET_OUT RELU_IN RELU_OUT [shrink]\n", argv[0]);
        return 2;
    }
    if (read_f32(argv[1], unet_x, MM_UNET_X_SIZE) || read_f32(argv[2], unet_ref, MM_UNET_Y_SIZE) ||
        read_f32(argv[3], relu_x, MM_RELU_X_SIZE) || read_f32(argv[4], relu_ref, MM_RELU_Y_SIZE))
        return 2;
    if (MM_UNET_MODEL_HASH == MM_RELU_MODEL_HASH) {
        fprintf(stderr, "two different model files have the same hash\n");
        return 1;
    }

    /* One model, then the other, each with a workspace of exactly its size. */
    ws_size = MM_UNET_WORKSPACE_BYTES - (argc == 6 ? 64 : 0);
    void *ws = workspace(MM_UNET_WORKSPACE_ALIGN);
    int rc = ws ? mm_unet_run_ws(unet_x, unet_y, ws) : -1;
    free(ws);
    ws_size = MM_RELU_WORKSPACE_BYTES - (argc == 6 ? 64 : 0);
    ws = workspace(MM_RELU_WORKSPACE_ALIGN);
    rc |= ws ? mm_relu_run_ws(relu_x, relu_y, ws) : -1;
    free(ws);
    if (rc != 0 || check("mm_unet (BasicUNet, SiLU)", unet_y, unet_ref, MM_UNET_Y_SIZE) ||
        check("mm_relu (BasicUNet, ReLU)", relu_y, relu_ref, MM_RELU_Y_SIZE))
        return 1;

    /* Two threads, two workspaces, at once. */
    ws_size = MM_UNET_WORKSPACE_BYTES;
    static Job jobs[2];
    pthread_t th[2];
    for (int t = 0; t < 2; t++)
        if (pthread_create(&th[t], NULL, run_thread, &jobs[t]) != 0)
            return 1;
    int failures = 0;
    for (int t = 0; t < 2; t++) {
        pthread_join(th[t], NULL);
        failures += jobs[t].failures;
    }
    printf("2 threads x %d runs of mm_unet_run_ws: %d results differ from the single-threaded one\n",
           ROUNDS, failures);
    return failures ? 1 : 0;
}
