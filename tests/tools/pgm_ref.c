/* SPDX-License-Identifier: MIT */
/*
 * pgm_ref.c - checks the output of examples/denoise against the reference
 * interpreter: tests/tools/install_example.cmake runs it after the example.
 *
 *   pgm_ref MODEL.onnx IN.pgm OUT.pgm
 *
 * Reads IN (8-bit P2 or P5, the example's input), runs MODEL on pixel/maxval
 * with rt_interpret, turns each output into a byte as the example does
 * (clamp to [0,1], times 255, rounded) and compares with OUT (the example's
 * P5 output). Rounding may differ where the float lands on .5, so one level of
 * difference is allowed. Exit 0 when all pixels agree, 1 otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"
#include "passes.h"
#include "rt.h"

static int number(FILE *f, int *out)
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
    int v = 0;
    while (c >= '0' && c <= '9' && v < 100000) {
        v = v * 10 + (c - '0');
        c = fgetc(f);
    }
    *out = v;
    return 0;
}

/* Reads an 8-bit PGM into *px (malloc'd); returns width*height or -1. */
static int read_pgm(const char *path, int **px, int *maxval)
{
    FILE *f = fopen(path, "rb");
    char m[2];
    int w, h;
    if (!f || fread(m, 1, 2, f) != 2 || m[0] != 'P' || (m[1] != '2' && m[1] != '5') ||
        number(f, &w) || number(f, &h) || number(f, maxval) || *maxval < 1 || *maxval > 255 ||
        w <= 0 || h <= 0 || w > 4096 || h > 4096) {
        if (f)
            fclose(f);
        return -1;
    }
    *px = malloc(sizeof(int) * (size_t)(w * h));
    for (int i = 0; *px && i < w * h; i++)
        if (m[1] == '5' ? ((*px)[i] = fgetc(f)) < 0 : number(f, &(*px)[i]) != 0)
            w = h = 0;
    fclose(f);
    return *px && w * h > 0 ? w * h : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s MODEL.onnx IN.pgm OUT.pgm\n", argv[0]);
        return 2;
    }
    int *in = NULL, *out = NULL, in_max, out_max;
    int n = read_pgm(argv[2], &in, &in_max), n_out = read_pgm(argv[3], &out, &out_max);
    if (n < 0 || n_out != n || out_max != 255) {
        fprintf(stderr, "pgm_ref: cannot read %s and %s as PGMs of one size\n", argv[2], argv[3]);
        return 1;
    }
    Diag d = {0};
    Graph *g = onnx_load_file(argv[1], NULL, &d);
    if (g) {
        Tensor *x = &g->tensors[g->inputs[0]];
        x->dims[0] = 1;   /* the example pins x=1,1,28,28 */
    }
    if (!g || !ir_infer_shapes(g, &d) || !passes_run(g, NULL, NULL, &d) ||
        ir_numel(&g->tensors[g->inputs[0]]) != n || ir_numel(&g->tensors[g->outputs[0]]) != n) {
        fprintf(stderr, "pgm_ref: %s: %s\n", argv[1], d.msg[0] ? d.msg : "unexpected shapes");
        return 1;
    }
    float *x = malloc(sizeof(float) * (size_t)n), *y = malloc(sizeof(float) * (size_t)n);
    for (int i = 0; i < n; i++)
        x[i] = (float)in[i] / (float)in_max;
    const float *ins[1] = {x};
    float *outs[1] = {y};
    if (!rt_interpret(g, ins, outs, &d)) {
        fprintf(stderr, "pgm_ref: %s\n", d.msg);
        return 1;
    }
    int worst = 0, bad = 0;
    for (int i = 0; i < n; i++) {
        float v = y[i] < 0.0f ? 0.0f : y[i] > 1.0f ? 1.0f : y[i];
        int want = (int)lroundf(v * 255.0f), diff = abs(want - out[i]);
        worst = diff > worst ? diff : worst;
        bad += diff > 1;
    }
    printf("pgm_ref: %d pixels, max difference %d levels, %d beyond 1\n", n, worst, bad);
    free(x);
    free(y);
    free(in);
    free(out);
    ir_graph_free(g);
    return bad ? 1 : 0;
}
