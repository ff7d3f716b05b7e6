/* SPDX-License-Identifier: MIT */
/*
 * gemm_fast.c - Gemm / MatMul with a constant right operand packed at compile
 * time, on RtVec (rt_vec.h: AVX-512, AVX2 or portable C).
 *
 * y (M, N) = act(A (M, K) Bp + bias): Bp holds B in panels of 16 columns,
 * (N16, K, 16), N16 = ceil(N/16), zero columns past N; codegen folds Gemm's
 * alpha and transB into the packing and beta * C into Bp, and a bias
 * row vector (N) (Gemm's C with beta 1) or NULL is added to every row. A is row-major
 * with row stride lda (its K values contiguous), y row-major with stride N.
 * A micro-kernel computes mr rows x nv panels (mr * nv RtVec accumulators in
 * registers): per k, nv vectors of Bp are loaded once and each serves mr
 * FMAs against a broadcast A value. M == 1 (a batch-1 classifier) is a GEMV:
 * one row times RT_GM_NV1 panels, enough independent accumulators to hide
 * the FMA latency while Bp streams through once, which bounds it by memory
 * bandwidth. Sums accumulate in float in order of k. Tested against the
 * reference rt_matmul_f32 (matmul.c). Libc only: embedded verbatim into
 * emitted code (minus its #include lines).
 */
#include "rt.h"
#include "rt_vec.h"

/* Tile shapes per target: AVX-512 6 x 4 RtVec accumulators of 32 registers,
 * AVX2 + FMA 6 x 1 (12 ymm of 16), portable 4 x 1; the GEMV's panels. */
#if defined(__AVX512F__)
enum { RT_GM_MR = 6, RT_GM_NV = 4, RT_GM_NV1 = 8 };
#elif defined(__AVX2__) && defined(__FMA__)
enum { RT_GM_MR = 6, RT_GM_NV = 1, RT_GM_NV1 = 4 };
#else
enum { RT_GM_MR = 4, RT_GM_NV = 1, RT_GM_NV1 = 2 };
#endif
/* Room for mr * nv accumulators of any (mr, nv) a caller passes, as the
 * compiler sees them: it cannot tell that nv = RT_GM_NV1 comes with mr = 1
 * only (a GEMV), and -Warray-bounds (gcc with the sanitizers) would flag
 * acc[r * nv + v]. With constant shapes only the used ones are allocated. */
enum { RT_GM_ACC = RT_GM_MR * (RT_GM_NV > RT_GM_NV1 ? RT_GM_NV : RT_GM_NV1) };

/* Rows [i0, i0 + mr) times panels [p0, p0 + nv). */
static RT_INLINE void rt_gemm_tile(float *restrict y, const float *restrict a,
                                   const float *restrict bp, const float *restrict bias, int N,
                                   int K, int lda, int act, int i0, int mr, int p0, int nv)
{
    RtVec acc[RT_GM_ACC];
    RT_UNROLL
    for (int i = 0; i < mr * nv; i++)
        acc[i] = rt_v_zero();
    const float *b0 = bp + (ptrdiff_t)p0 * K * 16;
    const float *a0 = a + (ptrdiff_t)i0 * lda;
    for (int k = 0; k < K; k++) {
        /* the loads of B repeat per row: compilers keep one per panel (no
         * store in between), and no array of them can be read uninitialized */
        RT_UNROLL
        for (int r = 0; r < mr; r++) {
            const RtVec av = rt_v_set1(a0[(ptrdiff_t)r * lda + k]);
            RT_UNROLL
            for (int v = 0; v < nv; v++)
                acc[r * nv + v] = rt_v_fma(av, rt_v_load(b0 + ((ptrdiff_t)v * K + k) * 16),
                                           acc[r * nv + v]);
        }
    }
    RT_UNROLL
    for (int v = 0; v < nv; v++) {
        const int col = (p0 + v) * 16;
        RtVec bb = rt_v_zero();
        if (bias && col >= 0 && col + 16 <= N) {   /* (col >= 0: tells gcc's -Warray-bounds) */
            bb = rt_v_load(bias + col);
        } else if (bias) {
            float t[16] = {0};
            memcpy(t, bias + col, (size_t)(N - col) * sizeof(float));
            bb = rt_v_load(t);
        }
        RT_UNROLL
        for (int r = 0; r < mr; r++) {
            const RtVec o = rt_v_act(act, rt_v_add(acc[r * nv + v], bb));
            float *yr = y + (ptrdiff_t)(i0 + r) * N + col;
            if (col + 16 <= N) {
                rt_v_store(yr, o);
            } else {
                float tmp[16];
                rt_v_store(tmp, o);
                memcpy(yr, tmp, (size_t)(N - col) * sizeof(float));
            }
        }
    }
}

/* Every row tile of panels [p0, p0 + nv). */
static RT_INLINE void rt_gemm_rows(float *restrict y, const float *restrict a,
                                   const float *restrict bp, const float *restrict bias, int M,
                                   int N, int K, int lda, int act, int p0, int nv)
{
    int i0 = 0;
    for (; i0 + RT_GM_MR <= M; i0 += RT_GM_MR)
        rt_gemm_tile(y, a, bp, bias, N, K, lda, act, i0, RT_GM_MR, p0, nv);
    if (i0 < M)
        rt_gemm_tile(y, a, bp, bias, N, K, lda, act, i0, M - i0, p0, nv);
}

/* The kernel body; forced inline so that codegen's constant shapes reach it. */
static RT_INLINE void rt_gemm_packed_body(float *restrict y, const float *restrict a,
                                          const float *restrict bp, const float *restrict bias,
                                          int M, int N, int K, int lda, int act)
{
    const int n16 = (N + 15) / 16;
    const int nv = M == 1 ? RT_GM_NV1 : RT_GM_NV;
    int p0 = 0;
    for (; p0 + nv <= n16; p0 += nv)
        rt_gemm_rows(y, a, bp, bias, M, N, K, lda, act, p0, nv);
    if (p0 < n16)
        rt_gemm_rows(y, a, bp, bias, M, N, K, lda, act, p0, n16 - p0);
}

/* y (M, N) = act(A Bp + bias), see above; the library and test entry point. */
RT_API RT_UNUSED void rt_gemm_packed_f32(float *restrict y, const float *restrict a,
                                         const float *restrict bp, const float *restrict bias,
                                         int M, int N, int K, int lda, int act)
{
    rt_gemm_packed_body(y, a, bp, bias, M, N, K, lda, act);
}
