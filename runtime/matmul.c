/* SPDX-License-Identifier: MIT */
/*
 * matmul.c - the reference MatMul / Gemm: y[b, i, j] = act(alpha * sum_k
 * a[b, i, k] b[b, k, j] + beta * c[i, j]), every operand read through strides
 * (transposes, broadcast batch dims with stride 0, broadcast C). Dot products
 * accumulate in double, like conv.c. Libc only, no allocation: embedded
 * verbatim into emitted code (minus its #include line).
 */
#include "rt.h"

/* a, b per p, c (broadcast through c_sm, c_sn) or NULL -> y (batch..., m, n). */
RT_API void rt_matmul_f32(float *restrict y, const float *restrict a, const float *restrict b,
                          const float *restrict c, const RtMatmulParams *p)
{
    long long batches = 1;
    for (int d = 0; d < RT_MAX_BATCH; d++)
        batches *= p->bdims[d];
    long long idx[RT_MAX_BATCH] = {0};
    long long oa = 0, ob = 0;
    for (long long bt = 0; bt < batches; bt++) {
        float *yb = y + bt * p->m * p->n;
        for (long long i = 0; i < p->m; i++)
            for (long long j = 0; j < p->n; j++) {
                double acc = 0.0;
                const float *ap = a + oa + i * p->a_sm;
                const float *bp = b + ob + j * p->b_sn;
                for (long long k = 0; k < p->k; k++)
                    acc += (double)ap[k * p->a_sk] * bp[k * p->b_sk];
                acc *= p->alpha;
                if (c)
                    acc += (double)p->beta * c[i * p->c_sm + j * p->c_sn];
                yb[i * p->n + j] = rt_act(p->act, (float)acc);
            }
        for (int d = RT_MAX_BATCH - 1; d >= 0; d--) {
            oa += p->bsa[d];
            ob += p->bsb[d];
            if (++idx[d] < p->bdims[d])
                break;
            oa -= p->bsa[d] * p->bdims[d];
            ob -= p->bsb[d] * p->bdims[d];
            idx[d] = 0;
        }
    }
}
