/* SPDX-License-Identifier: MIT */
/*
 * harness.c - runs the emitted C of one conformance case.
 *
 * usage: harness OUT ID
 * Reads OUT/cases/NNNN/io.txt (input and output counts, then one line
 * "NUMEL ELEMENT_BYTES" per input and output), the inputs in_K.bin (raw bytes
 * in onnxc's in-memory layout), runs the case's NAME_run_ws with a 64-byte
 * aligned workspace of the size its header gives, writes the raw bytes of each
 * output to out_K.bin and status.txt ("0" when the function returned 0).
 * `onnxc_conformance report` compares the outputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MAX_IO 16

static int fail(const char *dir, const char *why)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/status.txt", dir);
    FILE *f = fopen(p, "w");
    if (f) {
        fprintf(f, "%s\n", why);
        fclose(f);
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    int id = atoi(argv[2]);
    char dir[4096], p[4200];
    snprintf(dir, sizeof dir, "%s/cases/%04d", argv[1], id);
    const HarnessCase *hc = NULL;
    for (const HarnessCase *c = harness_cases; c->id >= 0; c++)
        if (c->id == id)
            hc = c;
    if (!hc)
        return fail(dir, "not in the harness (emitted C did not compile)");
    snprintf(p, sizeof p, "%s/io.txt", dir);
    FILE *f = fopen(p, "r");
    int nin = 0, nout = 0;
    long long ne[2 * MAX_IO], es[2 * MAX_IO];
    if (!f || fscanf(f, "%d %d", &nin, &nout) != 2 || nin > MAX_IO || nout > MAX_IO)
        return fail(dir, "bad io.txt");
    for (int k = 0; k < nin + nout; k++)
        if (fscanf(f, "%lld %lld", &ne[k], &es[k]) != 2 || ne[k] < 0 || es[k] <= 0)
            return fail(dir, "bad io.txt");
    fclose(f);
    const void *x[MAX_IO + 1];
    void *y[MAX_IO + 1];
    for (int k = 0; k < nin; k++) {
        size_t bytes = (size_t)ne[k] * (size_t)es[k];
        void *buf = malloc(bytes ? bytes : 1);
        snprintf(p, sizeof p, "%s/in_%d.bin", dir, k);
        FILE *in = fopen(p, "rb");
        if (!buf || !in || fread(buf, 1, bytes, in) != bytes)
            return fail(dir, "cannot read an input");
        fclose(in);
        x[k] = buf;
    }
    for (int k = 0; k < nout; k++) {
        size_t bytes = (size_t)ne[nin + k] * (size_t)es[nin + k];
        y[k] = calloc(bytes ? bytes : 1, 1);
        if (!y[k])
            return fail(dir, "out of memory");
    }
    /* exactly the workspace the header asks for, so an overrun is an overrun */
    size_t ws_bytes = ((size_t)hc->ws_bytes + 63) / 64 * 64;
    if (ws_bytes == 0)
        ws_bytes = 64;
    void *ws = aligned_alloc(64, ws_bytes);
    if (!ws)
        return fail(dir, "out of memory");
    int rc = hc->run(x, y, ws);
    if (rc != 0)
        return fail(dir, "run returned nonzero");
    for (int k = 0; k < nout; k++) {
        size_t bytes = (size_t)ne[nin + k] * (size_t)es[nin + k];
        snprintf(p, sizeof p, "%s/out_%d.bin", dir, k);
        FILE *o = fopen(p, "wb");
        if (!o || fwrite(y[k], 1, bytes, o) != bytes)
            return fail(dir, "cannot write an output");
        fclose(o);
    }
    return fail(dir, "0");
}
