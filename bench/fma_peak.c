/* SPDX-License-Identifier: MIT */
/*
 * fma_peak.c - measures one core's peak single-precision FMA throughput, the
 * denominator of the "% of peak" figures of bench/run.sh.
 *
 * 24 independent accumulator chains of fused multiply-adds in the widest vector
 * registers the compiler targets (AVX-512, AVX2+FMA, or plain SSE mul+add when
 * neither is enabled: build with -O3 -march=native). 24 chains cover the FMA
 * latency (4 cycles) times the FMA pipes (2) with room to spare, so the loop is
 * bound by FMA throughput. Prints the best of 40 short timed runs (about 25 ms
 * each, so that on a shared machine some run gets the core to itself) as
 * GFLOP/s (an FMA counts as 2 flops) and the vector width used.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

#define CHAINS 24

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#if defined(__AVX512F__)
#define LANES 16
#define ISA "avx512"
static float run(long iters, float a, float b)
{
    __m512 acc[CHAINS];
    const __m512 va = _mm512_set1_ps(a), vb = _mm512_set1_ps(b);
    for (int c = 0; c < CHAINS; c++)
        acc[c] = _mm512_set1_ps((float)c);
    for (long i = 0; i < iters; i++)
#if defined(__GNUC__)
#pragma GCC unroll 24
#endif
        for (int c = 0; c < CHAINS; c++)
            acc[c] = _mm512_fmadd_ps(acc[c], va, vb);
    __m512 s = acc[0];
    for (int c = 1; c < CHAINS; c++)
        s = _mm512_add_ps(s, acc[c]);
    return _mm512_reduce_add_ps(s);
}
#elif defined(__AVX2__) && defined(__FMA__)
#define LANES 8
#define ISA "avx2+fma"
static float run(long iters, float a, float b)
{
    __m256 acc[CHAINS];
    const __m256 va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
    for (int c = 0; c < CHAINS; c++)
        acc[c] = _mm256_set1_ps((float)c);
    for (long i = 0; i < iters; i++)
#if defined(__GNUC__)
#pragma GCC unroll 24
#endif
        for (int c = 0; c < CHAINS; c++)
            acc[c] = _mm256_fmadd_ps(acc[c], va, vb);
    float out[8], s = 0.0f;
    for (int c = 1; c < CHAINS; c++)
        acc[0] = _mm256_add_ps(acc[0], acc[c]);
    _mm256_storeu_ps(out, acc[0]);
    for (int l = 0; l < 8; l++)
        s += out[l];
    return s;
}
#else
#define LANES 4
#define ISA "portable (no FMA enabled)"
static float run(long iters, float a, float b)
{
    float acc[CHAINS][LANES];
    for (int c = 0; c < CHAINS; c++)
        for (int l = 0; l < LANES; l++)
            acc[c][l] = (float)c;
    for (long i = 0; i < iters; i++)
#if defined(__GNUC__)
#pragma GCC unroll 24
#endif
        for (int c = 0; c < CHAINS; c++)
            for (int l = 0; l < LANES; l++)
                acc[c][l] = acc[c][l] * a + b;
    float s = 0.0f;
    for (int c = 0; c < CHAINS; c++)
        for (int l = 0; l < LANES; l++)
            s += acc[c][l];
    return s;
}
#endif

int main(int argc, char **argv)
{
    /* a and b come from argv so the compiler cannot fold the loop away */
    float a = argc > 1 ? strtof(argv[1], NULL) : 0.999999f;
    float b = argc > 2 ? strtof(argv[2], NULL) : 1e-7f;
    long iters = 2500000L;
    double best = 0.0;
    float sink = 0.0f;
    run(iters / 10, a, b);   /* warm up: clocks ramp, pages fault in */
    for (int rep = 0; rep < 40; rep++) {
        double t0 = now();
        sink += run(iters, a, b);
        double dt = now() - t0;
        double gflops = 2.0 * CHAINS * LANES * (double)iters / dt * 1e-9;
        if (gflops > best)
            best = gflops;
    }
    printf("%.1f GFLOP/s peak (%s, %d lanes, %d FMA chains; checksum %g)\n", best, ISA, LANES,
           CHAINS, (double)sink);
    return 0;
}
