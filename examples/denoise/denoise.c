/* SPDX-License-Identifier: MIT */
/*
 * denoise.c - an application that embeds BasicUNet through the installed onnxc
 * CMake package: onnxc_add_model() compiles the model to C at build time and
 * this program links the result like any other library.
 *
 *   denoise IN.pgm OUT.pgm
 *
 * Reads a 28x28 grayscale PGM (ASCII P2 or binary P5), scales the pixels to
 * [0,1], runs the model through the reentrant entry point with a workspace it
 * allocates itself, and writes the output as a binary PGM (clamped to [0,1],
 * times 255, rounded). Everything model-specific comes from unet.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unet.h"

static const long long x_dims[] = UNET_X_DIMS;

/* Next header number of a PGM, skipping whitespace and # comments. */
static int pgm_number(FILE *f, int *out)
{
    int c = fgetc(f);
    for (;;) {
        while (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            c = fgetc(f);
        if (c != '#')
            break;
        while (c != '\n' && c != EOF)
            c = fgetc(f);
    }
    if (c < '0' || c > '9')
        return -1;
    long v = 0;
    while (c >= '0' && c <= '9' && v < 100000) {
        v = v * 10 + (c - '0');
        c = fgetc(f);
    }
    *out = (int)v;
    return 0;   /* the single whitespace after the number is consumed */
}

static int read_pgm(const char *path, float *x, int want_w, int want_h)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    char magic[3] = {0};
    int w, h, maxval, ok = fread(magic, 1, 2, f) == 2 && magic[0] == 'P' &&
                           (magic[1] == '2' || magic[1] == '5') && pgm_number(f, &w) == 0 &&
                           pgm_number(f, &h) == 0 && pgm_number(f, &maxval) == 0 &&
                           maxval > 0 && maxval < 256;
    if (ok && (w != want_w || h != want_h)) {
        fprintf(stderr, "%s: %dx%d image, the model takes %dx%d\n", path, w, h, want_w, want_h);
        fclose(f);
        return -1;
    }
    for (int i = 0; ok && i < w * h; i++) {
        int v = 0;
        if (magic[1] == '5')
            v = fgetc(f);
        else if (pgm_number(f, &v) != 0)
            v = -1;
        ok = v >= 0 && v <= maxval;
        x[i] = (float)v / (float)maxval;
    }
    fclose(f);
    if (!ok)
        fprintf(stderr, "%s: not an 8-bit PGM (P2 or P5)\n", path);
    return ok ? 0 : -1;
}

static int write_pgm(const char *path, const float *y, int w, int h)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    fprintf(f, "P5\n%d %d\n255\n", w, h);
    for (int i = 0; i < w * h; i++) {
        float v = y[i] < 0.0f ? 0.0f : y[i] > 1.0f ? 1.0f : y[i];
        fputc((int)lroundf(v * 255.0f), f);
    }
    return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s IN.pgm OUT.pgm\n", argv[0]);
        return 2;
    }
    int h = (int)x_dims[2], w = (int)x_dims[3];
    static float x[UNET_X_SIZE], y[UNET_Y_SIZE];
    if (read_pgm(argv[1], x, w, h) != 0)
        return 1;
    /* The caller owns the workspace: one per thread that runs the model. */
    void *ws = NULL;
    size_t ws_size = (UNET_WORKSPACE_BYTES + UNET_WORKSPACE_ALIGN - 1) / UNET_WORKSPACE_ALIGN *
                     UNET_WORKSPACE_ALIGN;
    if (ws_size && !(ws = aligned_alloc(UNET_WORKSPACE_ALIGN, ws_size))) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    int rc = unet_run_ws(x, y, ws);
    free(ws);
    if (rc != 0 || write_pgm(argv[2], y, w, h) != 0) {
        fprintf(stderr, "denoise failed\n");
        return 1;
    }
    float lo = y[0], hi = y[0];
    for (int i = 1; i < UNET_Y_SIZE; i++) {
        lo = y[i] < lo ? y[i] : lo;
        hi = y[i] > hi ? y[i] : hi;
    }
    printf("%s -> %s: %dx%d, model %016llx, workspace %d bytes, output in [%.4f, %.4f]\n",
           argv[1], argv[2], w, h, (unsigned long long)UNET_MODEL_HASH, UNET_WORKSPACE_BYTES,
           (double)lo, (double)hi);
    return 0;
}
