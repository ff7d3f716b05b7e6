/* SPDX-License-Identifier: MIT */
/*
 * e2e_main.c - driver for the end-to-end tests of emitted code (tests/codegen.cmake).
 *
 * Built once per emitted model; the model comes in through compile definitions:
 * E2E_HEADER ("basic_unet_b1.h"), E2E_RUN and E2E_RUN_WS (the two entry points),
 * E2E_WS_BYTES and E2E_WS_ALIGN (the header's workspace macros). The model must
 * have one f32 input and one f32 output.
 *
 * usage: e2e_main INPUT.f32 EXPECTED.{f32,pb} [ATOL RTOL]
 * Runs NAME_run on INPUT (raw little-endian f32), compares with EXPECTED (raw f32,
 * or a TensorProto as `onnxc run` writes it) within |err| <= ATOL + RTOL*|ref|
 * (default 1e-5, 1e-4), prints the max abs and rel errors, then runs NAME_run_ws
 * with a caller workspace and checks it gives bit-identical results and rejects
 * a misaligned workspace. Exit 0 when everything holds, 1 otherwise.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include E2E_HEADER

static unsigned char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        unsigned char *nb = realloc(buf, cap * 2);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    *n = len;
    return buf;
}

static int read_varint(const unsigned char *p, size_t n, size_t *i, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64 && *i < n; shift += 7) {
        unsigned char b = p[(*i)++];
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

/* Finds the f32 payload of a TensorProto: raw_data (field 9) or packed
 * float_data (field 4). Returns the byte count, or 0. */
static size_t pb_floats(const unsigned char *p, size_t n, const unsigned char **data)
{
    size_t i = 0;
    while (i < n) {
        uint64_t key, len, skip;
        if (read_varint(p, n, &i, &key))
            return 0;
        switch (key & 7) {
        case 0:
            if (read_varint(p, n, &i, &skip))
                return 0;
            break;
        case 1: i += 8; break;
        case 5: i += 4; break;
        case 2:
            if (read_varint(p, n, &i, &len) || len > n - i)
                return 0;
            if ((key >> 3) == 9 || (key >> 3) == 4) {
                *data = p + i;
                return (size_t)len;
            }
            i += (size_t)len;
            break;
        default: return 0;
        }
    }
    return 0;
}

static float *load_floats(const char *path, size_t *count)
{
    size_t n;
    unsigned char *raw = read_all(path, &n);
    if (!raw) {
        fprintf(stderr, "e2e: cannot read %s\n", path);
        return NULL;
    }
    const unsigned char *data = raw;
    size_t len = strlen(path);
    if (len > 3 && strcmp(path + len - 3, ".pb") == 0)
        n = pb_floats(raw, n, &data);
    float *v = malloc(n ? n : 1);
    if (v)
        memcpy(v, data, n);   /* the files are little endian, as is every host we test on */
    free(raw);
    *count = n / sizeof(float);
    return v;
}

/* True when the emitted code was compiled for an ISA this CPU lacks (the
 * AVX2 / AVX-512 builds of tests/e2e_fast.cmake): the test is then skipped. */
static int cpu_lacks_isa(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#if defined(__AVX512F__)
    return !__builtin_cpu_supports("avx512f");
#elif defined(__AVX2__)
    return !__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma");
#endif
#endif
    return 0;
}

int main(int argc, char **argv)
{
    if (cpu_lacks_isa()) {
        printf("e2e: this CPU lacks the ISA the test was built for: skipped\n");
        return 77;
    }
    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: %s INPUT.f32 EXPECTED.{f32,pb} [ATOL RTOL]\n", argv[0]);
        return 2;
    }
    double atol = argc == 5 ? atof(argv[3]) : 1e-5, rtol = argc == 5 ? atof(argv[4]) : 1e-4;
    size_t n_in, n_out;
    float *x = load_floats(argv[1], &n_in);
    float *want = load_floats(argv[2], &n_out);
    if (!x || !want || n_out == 0)
        return 1;
    (void)n_in;   /* the model's input size is not known here; the header checks the call */
    float *y = malloc(n_out * sizeof *y), *y2 = malloc(n_out * sizeof *y2);
    size_t ws_size = ((size_t)E2E_WS_BYTES / E2E_WS_ALIGN + 2) * E2E_WS_ALIGN;
    unsigned char *ws = aligned_alloc(E2E_WS_ALIGN, ws_size);
    if (!y || !y2 || !ws)
        return 1;
    memset(y, 0xff, n_out * sizeof *y);   /* NaN: every element must be written */
    memset(y2, 0xff, n_out * sizeof *y2);

    if (E2E_RUN(x, y) != 0) {
        fprintf(stderr, "e2e: run failed\n");
        return 1;
    }
    double max_abs = 0, max_rel = 0;
    size_t bad = 0, worst = 0;
    for (size_t i = 0; i < n_out; i++) {
        double err = fabs((double)y[i] - (double)want[i]);
        double rel = err / fmax(fabs((double)want[i]), 1e-30);
        if (!(err <= atol + rtol * fabs((double)want[i])) && bad++ == 0)
            worst = i;   /* the first bad element; NaN counts as bad */
        if (!(err <= max_abs))
            max_abs = err;
        if (rel > max_rel)
            max_rel = rel;
    }
    printf("e2e: %zu elements, max abs error %.3g, max rel error %.3g\n", n_out, max_abs, max_rel);
    if (bad) {
        printf("e2e: FAIL: %zu elements out of tolerance, first at %zu: got %.9g want %.9g\n", bad,
               worst, (double)y[worst], (double)want[worst]);
        return 1;
    }

    if (E2E_RUN_WS(x, y2, ws + 1) != -1 || E2E_RUN_WS(NULL, y2, ws) != -1) {
        printf("e2e: FAIL: run_ws accepted a misaligned workspace or a NULL input\n");
        return 1;
    }
    memset(ws, 0x5a, ws_size);   /* garbage in the workspace must not matter */
    if (E2E_RUN_WS(x, y2, ws) != 0 || memcmp(y, y2, n_out * sizeof *y) != 0) {
        printf("e2e: FAIL: run_ws differs from run\n");
        return 1;
    }
    printf("e2e: run_ws identical; OK\n");
    free(x);
    free(want);
    free(y);
    free(y2);
    free(ws);
    return 0;
}
