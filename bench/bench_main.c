/* SPDX-License-Identifier: MIT */
/*
 * bench_main.c - the timing side of bench/run.sh for onnxc's emitted code.
 *
 * Linked with two emitted BasicUNet files, unet_b1.c and unet_b8.c (batch 1
 * and 8: shapes are compile-time constants). bench/bench.mjs drives it over
 * stdin so that its calls interleave with ONNX Runtime's in one run:
 *   "time B N" -> runs unet_bB_run_ws N times, prints the N times in ns on one line;
 *   "out B"    -> prints the output (%.9g, one line) for the shared input below.
 * The input is x[i] = (lcg_i >> 8) * 2^-24 - 0.5 with a 32-bit LCG, so the
 * JavaScript side can build the bit-identical tensor and compare outputs.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unet_b1.h"
#include "unet_b8.h"

static _Alignas(64) unsigned char ws1[UNET_B1_WORKSPACE_BYTES];
static _Alignas(64) unsigned char ws8[UNET_B8_WORKSPACE_BYTES];
static float x1[UNET_B1_X_SIZE], y1[UNET_B1_Y_SIZE];
static float x8[UNET_B8_X_SIZE], y8[UNET_B8_Y_SIZE];

static void fill(float *x, int n)
{
    uint32_t s = 12345u;
    for (int i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = (float)(s >> 8) * (1.0f / 16777216.0f) - 0.5f;
    }
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int run(int b)
{
    return b == 1 ? unet_b1_run_ws(x1, y1, ws1) : unet_b8_run_ws(x8, y8, ws8);
}

int main(void)
{
    fill(x1, UNET_B1_X_SIZE);
    fill(x8, UNET_B8_X_SIZE);
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        int b = 0, n = 0;
        if (sscanf(line, "time %d %d", &b, &n) == 2 && (b == 1 || b == 8) && n > 0) {
            for (int i = 0; i < n; i++) {
                int64_t t0 = now_ns();
                if (run(b) != 0)
                    return 1;
                printf("%s%lld", i ? " " : "", (long long)(now_ns() - t0));
            }
            putchar('\n');
        } else if (sscanf(line, "out %d", &b) == 1 && (b == 1 || b == 8)) {
            if (run(b) != 0)
                return 1;
            const float *y = b == 1 ? y1 : y8;
            int ny = b == 1 ? UNET_B1_Y_SIZE : UNET_B8_Y_SIZE;
            for (int i = 0; i < ny; i++)
                printf("%s%.9g", i ? " " : "", (double)y[i]);
            putchar('\n');
        } else {
            fprintf(stderr, "bench_main: bad command: %s", line);
            return 2;
        }
        fflush(stdout);
    }
    return 0;
}
