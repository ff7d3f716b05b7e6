/* SPDX-License-Identifier: MIT */
/*
 * norm.c - normalizations and softmax over f32 tensors viewed as (n, c, inner):
 * BatchNormalization (inference: running statistics), Instance- and
 * GroupNormalization (statistics over each group of channels of each sample),
 * LayerNormalization (over the trailing c values of each of n rows), LRN
 * (across channels) and Softmax / LogSoftmax (over c, for every n and inner).
 *
 * Statistics are accumulated in double, in two passes (mean, then variance),
 * which is exact enough for any tolerance the tests use. No kernel writes y
 * before it has read what it needs of x for that element, but y and x must not
 * overlap (the planner never aliases them). Libc only, no allocation: embedded
 * verbatim into emitted code (minus its #include line).
 */
#include "rt.h"

/* x (n,c,inner) -> y: (x - mean[c]) / sqrt(var[c] + eps) * scale[c] + bias[c]. */
RT_API void rt_batchnorm_f32(float *restrict y, const float *restrict x,
                             const float *restrict scale, const float *restrict bias,
                             const float *restrict mean, const float *restrict var, long long n,
                             long long c, long long inner, float eps)
{
    for (long long i = 0; i < n; i++)
        for (long long ch = 0; ch < c; ch++) {
            const float k = scale[ch] / sqrtf(var[ch] + eps);
            const float off = bias[ch] - mean[ch] * k;
            const float *xp = x + (i * c + ch) * inner;
            float *yp = y + (i * c + ch) * inner;
            for (long long j = 0; j < inner; j++)
                yp[j] = xp[j] * k + off;
        }
}

/* x (n,c,inner) -> y normalized over each of `groups` groups of c/groups
 * channels per sample; scale and bias per channel, or per group when
 * per_group (GroupNormalization before opset 21). InstanceNormalization is
 * groups == c. */
RT_API void rt_groupnorm_f32(float *restrict y, const float *restrict x,
                             const float *restrict scale, const float *restrict bias, long long n,
                             long long c, long long inner, long long groups, int per_group,
                             float eps)
{
    const long long cg = c / groups, len = cg * inner;
    for (long long i = 0; i < n; i++)
        for (long long gi = 0; gi < groups; gi++) {
            const float *xp = x + (i * c + gi * cg) * inner;
            float *yp = y + (i * c + gi * cg) * inner;
            double sum = 0.0, sq = 0.0;
            for (long long j = 0; j < len; j++)
                sum += xp[j];
            const double mean = sum / (double)len;
            for (long long j = 0; j < len; j++)
                sq += (xp[j] - mean) * (xp[j] - mean);
            const double inv = 1.0 / sqrt(sq / (double)len + eps);
            for (long long ch = 0; ch < cg; ch++) {
                const long long k = per_group ? gi : gi * cg + ch;
                for (long long j = 0; j < inner; j++) {
                    const long long e = ch * inner + j;
                    yp[e] = (float)((xp[e] - mean) * inv) * scale[k] + bias[k];
                }
            }
        }
}

/* x (n,c) -> y normalized over each row; scale, bias (c) (bias may be NULL);
 * mean and inv_std (n) are written when not NULL. */
RT_API void rt_layernorm_f32(float *restrict y, const float *restrict x,
                             const float *restrict scale, const float *restrict bias,
                             float *restrict mean_out, float *restrict inv_std_out, long long n,
                             long long c, float eps)
{
    for (long long i = 0; i < n; i++) {
        const float *xp = x + i * c;
        float *yp = y + i * c;
        double sum = 0.0, sq = 0.0;
        for (long long j = 0; j < c; j++)
            sum += xp[j];
        const double mean = sum / (double)c;
        for (long long j = 0; j < c; j++)
            sq += (xp[j] - mean) * (xp[j] - mean);
        const double inv = 1.0 / sqrt(sq / (double)c + eps);
        for (long long j = 0; j < c; j++)
            yp[j] = (float)((xp[j] - mean) * inv) * scale[j] + (bias ? bias[j] : 0.0f);
        if (mean_out)
            mean_out[i] = (float)mean;
        if (inv_std_out)
            inv_std_out[i] = (float)inv;
    }
}

/* LRN across channels: y = x / (bias + alpha / size * sum of x^2 over the
 * size channels around c) ^ beta. */
RT_API void rt_lrn_f32(float *restrict y, const float *restrict x, long long n, long long c,
                       long long inner, long long size, float alpha, float beta, float bias)
{
    const long long lo = (size - 1) / 2, hi = size - 1 - lo;
    for (long long i = 0; i < n; i++)
        for (long long ch = 0; ch < c; ch++)
            for (long long j = 0; j < inner; j++) {
                /* the window clipped to the channels first: a legal but huge
                 * size (2^62) must not loop over channels that do not exist */
                const long long k0 = ch > lo ? ch - lo : 0, k1 = hi < c - 1 - ch ? ch + hi : c - 1;
                double sq = 0.0;
                for (long long k = k0; k <= k1; k++) {
                    const double v = x[(i * c + k) * inner + j];
                    sq += v * v;
                }
                const long long e = (i * c + ch) * inner + j;
                y[e] = (float)(x[e] / pow(bias + alpha / (double)size * sq, beta));
            }
}

/* Softmax (or LogSoftmax when want_log) over c for each (n, inner) of x (n,c,inner). */
RT_API void rt_softmax_f32(float *restrict y, const float *restrict x, long long n, long long c,
                           long long inner, int want_log)
{
    for (long long i = 0; i < n; i++)
        for (long long j = 0; j < inner; j++) {
            const float *xp = x + i * c * inner + j;
            float *yp = y + i * c * inner + j;
            float mx = -INFINITY;
            for (long long k = 0; k < c; k++)
                mx = xp[k * inner] > mx ? xp[k * inner] : mx;
            double sum = 0.0;
            for (long long k = 0; k < c; k++)
                sum += exp((double)xp[k * inner] - mx);
            const double ls = want_log ? mx + (double)logf((float)sum) : 0.0;
            for (long long k = 0; k < c; k++)
                yp[k * inner] = want_log ? (float)(xp[k * inner] - ls)
                                    : (float)(exp((double)xp[k * inner] - mx) / sum);
        }
}
