/* SPDX-License-Identifier: MIT */
/*
 * demo.c - runs BasicUNet as compiled by `onnxc compile ... -o unet_gen.c` on one
 * image and checks the result against PyTorch's output for the same input.
 *
 *   demo INPUT.f32 REFERENCE.f32     (raw little-endian float32, 1x1x28x28)
 *
 * Everything model-specific comes from unet_gen.h: the shape macros size the
 * buffers, and the workspace macro sizes the caller-owned arena used by the
 * reentrant entry point.
 */
#define _POSIX_C_SOURCE 199309L   /* clock_gettime under -std=c11 */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "unet_gen.h"

static float x[UNET_GEN_X_SIZE], y[UNET_GEN_Y_SIZE], ref[UNET_GEN_Y_SIZE];
static _Alignas(UNET_GEN_WORKSPACE_ALIGN) unsigned char workspace[UNET_GEN_WORKSPACE_BYTES];

static int read_f32(const char *path, float *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t got = fread(buf, sizeof(float), n, f);
    fclose(f);
    if (got != n) {
        fprintf(stderr, "%s: expected %zu floats, read %zu\n", path, n, got);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s INPUT.f32 REFERENCE.f32\n", argv[0]);
        return 2;
    }
    if (read_f32(argv[1], x, UNET_GEN_X_SIZE) || read_f32(argv[2], ref, UNET_GEN_Y_SIZE))
        return 2;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (unet_gen_run_ws(x, y, workspace) != 0) {
        fprintf(stderr, "unet_gen_run_ws failed\n");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;

    double max_abs = 0, max_rel = 0;
    int bad = 0;
    for (int i = 0; i < UNET_GEN_Y_SIZE; i++) {
        double err = fabs((double)y[i] - (double)ref[i]);
        double tol = 1e-5 + 1e-4 * fabs((double)ref[i]);
        if (err > max_abs)
            max_abs = err;
        if (ref[i] != 0 && err / fabs((double)ref[i]) > max_rel)
            max_rel = err / fabs((double)ref[i]);
        if (!(err <= tol))
            bad++;
    }
    printf("BasicUNet 1x1x28x28 -> 1x1x28x28, workspace %d bytes (lower bound %d), %.3f ms\n",
           UNET_GEN_WORKSPACE_BYTES, UNET_GEN_WORKSPACE_LOWER_BOUND, ms);
    printf("vs PyTorch: max |err| %.3g, max rel err %.3g, %d of %d outside 1e-5 + 1e-4*|ref|: %s\n",
           max_abs, max_rel, bad, UNET_GEN_Y_SIZE, bad ? "FAIL" : "PASS");
    return bad ? 1 : 0;
}
