/* SPDX-License-Identifier: MIT */
/*
 * rt_vec.h - RtVec, 16 floats handled as one value, for the fast kernels.
 *
 * One RtVec is one AVX-512 register when the compiler targets AVX-512F, two
 * AVX registers under AVX2 + FMA, and a plain array of 16 floats otherwise
 * (portable C that compilers vectorize). The fast kernels are written once on
 * these primitives, so the three paths compute the same thing and the portable
 * one is the fallback wherever no intrinsics are enabled. 16 is the channel
 * block of the blocked activation layout (n, c/16, h, w, 16).
 *
 * Also here: rt_v_exp, exp on 16 lanes accurate to about 2e-7 relative over
 * [-87, 88] (inputs are clamped to that range): Cody-Waite reduction
 * x = n ln2 + r, |r| <= ln2/2, then exp(r) by its degree-6 Taylor polynomial
 * (truncation below 1.7e-7 relative) and a scale by 2^n. Libc only (plus the
 * compiler's intrinsics header under the #if); embedded into emitted code.
 */
#ifndef ONNXC_RT_VEC_H
#define ONNXC_RT_VEC_H

#include "rt_kernels.h"

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

/* Forces inlining where the fast kernels rely on constant propagation of
 * their shape arguments, and (with intrinsics) asks for full unrolling of the
 * short tile loops so that accumulators live in registers. The portable path
 * is neither forced inline nor unrolled: 16-float structs in specialized,
 * fully unrolled tiles make compilers take minutes, and without intrinsics
 * registers would not hold them anyway. */
#if defined(__GNUC__) && (defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__)))
#define RT_INLINE inline __attribute__((always_inline))
#else
#define RT_INLINE inline
#endif
/* (one line: emitted code has no line splices, see fuzz/fuzz_compile.c) */
#if defined(__GNUC__) && !defined(__clang__) && (defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__)))
#define RT_UNROLL _Pragma("GCC unroll 32")
#else
#define RT_UNROLL   /* clang: see README "Speed" (its full unrolling of the tile is slower) */
#endif

/* Return p, but hide its value from the optimizer (GNU C, vector paths only),
 * so that the accesses through the result stay memory accesses. The fast conv
 * needs this twice, both to keep its 28 accumulators in registers:
 * - it reads each input value once per kernel column; without rt_opaque, a
 *   compiler merges those loads into one register per input value and
 *   spills. Through a fresh opaque pointer per kernel column each load stays
 *   where it is and becomes the FMA's broadcast memory operand;
 * - the partial sums of each group of input channels go to a local array,
 *   which clang would otherwise turn into 28 more registers (and spill). */
#if defined(__GNUC__) && (defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__)))
/* volatile: gcc merges identical non-volatile asm statements, so with a
 * 3-wide kernel row unrolled the three columns shared one pointer again and
 * the tile spilled (resnet18's 3x3 convs ran 1.3-1.5x slower). */
static RT_INLINE RT_UNUSED const float *rt_opaque(const float *p)
{
    __asm__ volatile("" : "+r"(p));
    return p;
}
static RT_INLINE RT_UNUSED float *rt_opaque_mut(float *p)
{
    __asm__ volatile("" : "+r"(p));
    return p;
}
#else
static RT_INLINE RT_UNUSED const float *rt_opaque(const float *p) { return p; }
static RT_INLINE RT_UNUSED float *rt_opaque_mut(float *p) { return p; }
#endif

#if defined(__AVX512F__)

#define RT_VEC_ISA "avx512"
typedef __m512 RtVec;
static RT_INLINE RT_UNUSED RtVec rt_v_zero(void) { return _mm512_setzero_ps(); }
static RT_INLINE RT_UNUSED RtVec rt_v_set1(float s) { return _mm512_set1_ps(s); }
static RT_INLINE RT_UNUSED RtVec rt_v_load(const float *p) { return _mm512_loadu_ps(p); }
static RT_INLINE RT_UNUSED void rt_v_store(float *p, RtVec v) { _mm512_storeu_ps(p, v); }
static RT_INLINE RT_UNUSED RtVec rt_v_fma(RtVec a, RtVec b, RtVec c) { return _mm512_fmadd_ps(a, b, c); }
static RT_INLINE RT_UNUSED RtVec rt_v_add(RtVec a, RtVec b) { return _mm512_add_ps(a, b); }
static RT_INLINE RT_UNUSED RtVec rt_v_sub(RtVec a, RtVec b) { return _mm512_sub_ps(a, b); }
static RT_INLINE RT_UNUSED RtVec rt_v_mul(RtVec a, RtVec b) { return _mm512_mul_ps(a, b); }
static RT_INLINE RT_UNUSED RtVec rt_v_div(RtVec a, RtVec b) { return _mm512_div_ps(a, b); }
static RT_INLINE RT_UNUSED RtVec rt_v_max(RtVec a, RtVec b) { return _mm512_max_ps(a, b); }
static RT_INLINE RT_UNUSED RtVec rt_v_min(RtVec a, RtVec b) { return _mm512_min_ps(a, b); }
static RT_INLINE RT_UNUSED float rt_v_hsum(RtVec a) { return _mm512_reduce_add_ps(a); }
/* Lane i of the result is the sum of the 16 lanes of v[i]: a transpose and
 * add in four rounds of shuffles (15 adds for 16 sums). The rounds leave the
 * sums in the order 0 2 1 3 8 10 9 11 4 6 5 7 12 14 13 15 (its own inverse),
 * so the inputs are taken in that order. AVX-512 only (rt_conv_reduce_body). */
static RT_INLINE RT_UNUSED RtVec rt_v_hsum16(const RtVec *v)
{
    static const int k[16] = {0, 2, 1, 3, 8, 10, 9, 11, 4, 6, 5, 7, 12, 14, 13, 15};
    RtVec a[8], b[4], c[2];
    for (int i = 0; i < 8; i++)   /* halves: v[k[i]] folded into lanes 0-7, v[k[i + 8]] 8-15 */
        a[i] = _mm512_add_ps(_mm512_shuffle_f32x4(v[k[i]], v[k[i + 8]], 0x44),
                             _mm512_shuffle_f32x4(v[k[i]], v[k[i + 8]], 0xee));
    for (int i = 0; i < 4; i++)   /* quarters (128 bits) */
        b[i] = _mm512_add_ps(_mm512_shuffle_f32x4(a[i], a[i + 4], 0x88),
                             _mm512_shuffle_f32x4(a[i], a[i + 4], 0xdd));
    for (int i = 0; i < 2; i++)   /* pairs of lanes, then single lanes */
        c[i] = _mm512_add_ps(_mm512_shuffle_ps(b[i], b[i + 2], 0x44),
                             _mm512_shuffle_ps(b[i], b[i + 2], 0xee));
    return _mm512_add_ps(_mm512_shuffle_ps(c[0], c[1], 0x88), _mm512_shuffle_ps(c[0], c[1], 0xdd));
}
/* nearest integer, as a float (|a| < 2^22) */
static RT_INLINE RT_UNUSED RtVec rt_v_round(RtVec a)
{
    return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
/* a * 2^n for integral n in [-126, 127] */
static RT_INLINE RT_UNUSED RtVec rt_v_ldexp(RtVec a, RtVec n) { return _mm512_scalef_ps(a, n); }

#elif defined(__AVX2__) && defined(__FMA__)

#define RT_VEC_ISA "avx2"
typedef struct RtVec { __m256 lo, hi; } RtVec;
static RT_INLINE RT_UNUSED RtVec rt_v_zero(void)
{
    RtVec r = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    return r;
}
static RT_INLINE RT_UNUSED RtVec rt_v_set1(float s)
{
    RtVec r = {_mm256_set1_ps(s), _mm256_set1_ps(s)};
    return r;
}
static RT_INLINE RT_UNUSED RtVec rt_v_load(const float *p)
{
    RtVec r = {_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)};
    return r;
}
static RT_INLINE RT_UNUSED void rt_v_store(float *p, RtVec v)
{
    _mm256_storeu_ps(p, v.lo);
    _mm256_storeu_ps(p + 8, v.hi);
}
static RT_INLINE RT_UNUSED RtVec rt_v_fma(RtVec a, RtVec b, RtVec c)
{
    RtVec r = {_mm256_fmadd_ps(a.lo, b.lo, c.lo), _mm256_fmadd_ps(a.hi, b.hi, c.hi)};
    return r;
}
static RT_INLINE RT_UNUSED RtVec rt_v_add(RtVec a, RtVec b)
{
    RtVec r = {_mm256_add_ps(a.lo, b.lo), _mm256_add_ps(a.hi, b.hi)};
    return r;
}
static RT_INLINE RT_UNUSED RtVec rt_v_sub(RtVec a, RtVec b)
{
    RtVec r = {_mm256_sub_ps(a.lo, b.lo), _mm256_sub_ps(a.hi, b.hi)};
    return r;
}
static RT_INLINE RT_UNUSED RtVec rt_v_mul(RtVec a, RtVec b)
{
    RtVec r = {_mm256_mul_ps(a.lo, b.lo), _mm256_mul_ps(a.hi, b.hi)};
    return r;
}
static RT_INLINE RT_UNUSED RtVec rt_v_div(RtVec a, RtVec b)
{
    RtVec r = {_mm256_div_ps(a.lo, b.lo), _mm256_div_ps(a.hi, b.hi)};
    return r;
}
static RT_INLINE RT_UNUSED RtVec rt_v_max(RtVec a, RtVec b)
{
    RtVec r = {_mm256_max_ps(a.lo, b.lo), _mm256_max_ps(a.hi, b.hi)};
    return r;
}
static RT_INLINE RT_UNUSED RtVec rt_v_min(RtVec a, RtVec b)
{
    RtVec r = {_mm256_min_ps(a.lo, b.lo), _mm256_min_ps(a.hi, b.hi)};
    return r;
}
static RT_INLINE RT_UNUSED float rt_v_hsum(RtVec a)
{
    __m256 s = _mm256_add_ps(a.lo, a.hi);
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_shuffle_ps(q, q, 1));
    return _mm_cvtss_f32(q);
}
static RT_INLINE RT_UNUSED RtVec rt_v_round(RtVec a)
{
    RtVec r = {_mm256_round_ps(a.lo, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC),
               _mm256_round_ps(a.hi, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)};
    return r;
}
static RT_INLINE RT_UNUSED __m256 rt_v_pow2_8(__m256 n)
{
    __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
}
static RT_INLINE RT_UNUSED RtVec rt_v_ldexp(RtVec a, RtVec n)
{
    RtVec r = {_mm256_mul_ps(a.lo, rt_v_pow2_8(n.lo)), _mm256_mul_ps(a.hi, rt_v_pow2_8(n.hi))};
    return r;
}

#else

#define RT_VEC_ISA "portable"
typedef struct RtVec { float f[16]; } RtVec;
static RT_INLINE RT_UNUSED RtVec rt_v_zero(void)
{
    RtVec r;
    for (int l = 0; l < 16; l++)
        r.f[l] = 0.0f;
    return r;
}
static RT_INLINE RT_UNUSED RtVec rt_v_set1(float s)
{
    RtVec r;
    for (int l = 0; l < 16; l++)
        r.f[l] = s;
    return r;
}
static RT_INLINE RT_UNUSED RtVec rt_v_load(const float *p)
{
    RtVec r;
    memcpy(r.f, p, sizeof r.f);
    return r;
}
static RT_INLINE RT_UNUSED void rt_v_store(float *p, RtVec v) { memcpy(p, v.f, sizeof v.f); }
static RT_INLINE RT_UNUSED RtVec rt_v_fma(RtVec a, RtVec b, RtVec c)
{
    for (int l = 0; l < 16; l++)
        c.f[l] += a.f[l] * b.f[l];
    return c;
}
static RT_INLINE RT_UNUSED RtVec rt_v_add(RtVec a, RtVec b)
{
    for (int l = 0; l < 16; l++)
        a.f[l] += b.f[l];
    return a;
}
static RT_INLINE RT_UNUSED RtVec rt_v_sub(RtVec a, RtVec b)
{
    for (int l = 0; l < 16; l++)
        a.f[l] -= b.f[l];
    return a;
}
static RT_INLINE RT_UNUSED RtVec rt_v_mul(RtVec a, RtVec b)
{
    for (int l = 0; l < 16; l++)
        a.f[l] *= b.f[l];
    return a;
}
static RT_INLINE RT_UNUSED RtVec rt_v_div(RtVec a, RtVec b)
{
    for (int l = 0; l < 16; l++)
        a.f[l] /= b.f[l];
    return a;
}
static RT_INLINE RT_UNUSED RtVec rt_v_max(RtVec a, RtVec b)
{
    for (int l = 0; l < 16; l++)
        a.f[l] = a.f[l] > b.f[l] ? a.f[l] : b.f[l];
    return a;
}
static RT_INLINE RT_UNUSED RtVec rt_v_min(RtVec a, RtVec b)
{
    for (int l = 0; l < 16; l++)
        a.f[l] = a.f[l] < b.f[l] ? a.f[l] : b.f[l];
    return a;
}
static RT_INLINE RT_UNUSED float rt_v_hsum(RtVec a)
{
    float s = 0.0f;
    for (int l = 0; l < 16; l++)
        s += a.f[l];
    return s;
}
/* nearest integer (ties away from zero), as a float; |a| < 2^30 */
static RT_INLINE RT_UNUSED RtVec rt_v_round(RtVec a)
{
    for (int l = 0; l < 16; l++)
        a.f[l] = (float)(int32_t)(a.f[l] + (a.f[l] >= 0.0f ? 0.5f : -0.5f));
    return a;
}
static RT_INLINE RT_UNUSED RtVec rt_v_ldexp(RtVec a, RtVec n)
{
    for (int l = 0; l < 16; l++) {
        uint32_t bits = (uint32_t)((int32_t)n.f[l] + 127) << 23;
        float s;
        memcpy(&s, &bits, sizeof s);
        a.f[l] *= s;
    }
    return a;
}

#endif

/* exp on 16 lanes, relative error about 2e-7 for x in [-87, 88]; x is clamped
 * to that range first (so exp never overflows nor goes subnormal). */
static RT_INLINE RT_UNUSED RtVec rt_v_exp(RtVec x)
{
    x = rt_v_min(rt_v_max(x, rt_v_set1(-87.0f)), rt_v_set1(88.0f));
    const RtVec n = rt_v_round(rt_v_mul(x, rt_v_set1(1.44269504088896341f)));
    /* r = x - n ln2, with ln2 split so that n * 0.693359375 is exact */
    RtVec r = rt_v_sub(x, rt_v_mul(n, rt_v_set1(0.693359375f)));
    r = rt_v_sub(r, rt_v_mul(n, rt_v_set1(-2.12194440e-4f)));
    RtVec p = rt_v_set1(1.0f / 720.0f);
    p = rt_v_fma(p, r, rt_v_set1(1.0f / 120.0f));
    p = rt_v_fma(p, r, rt_v_set1(1.0f / 24.0f));
    p = rt_v_fma(p, r, rt_v_set1(1.0f / 6.0f));
    p = rt_v_fma(p, r, rt_v_set1(0.5f));
    p = rt_v_fma(p, r, rt_v_set1(1.0f));
    p = rt_v_fma(p, r, rt_v_set1(1.0f));
    return rt_v_ldexp(p, n);
}

/* The fused activation on 16 lanes: RT_ACT_* as rt_act, with rt_v_exp.
 * sigmoid(v) = 1 / (1 + exp(-v)) and silu(v) = v / (1 + exp(-v)) stay finite
 * for every finite v because the exponent is clamped; silu's numerator is
 * clamped at -100 too, so that far below -88 the result stays below 1e-36 in
 * magnitude (as the true value) instead of v / e^88. */
static RT_INLINE RT_UNUSED RtVec rt_v_act(int act, RtVec v)
{
    switch (act) {
    case RT_ACT_RELU: return rt_v_max(v, rt_v_zero());
    case RT_ACT_SIGMOID:
        return rt_v_div(rt_v_set1(1.0f), rt_v_add(rt_v_set1(1.0f), rt_v_exp(rt_v_sub(rt_v_zero(), v))));
    case RT_ACT_SILU:
        return rt_v_div(rt_v_max(v, rt_v_set1(-100.0f)),
                        rt_v_add(rt_v_set1(1.0f), rt_v_exp(rt_v_sub(rt_v_zero(), v))));
    /* kern: tanh(v) = 1 - 2 / (1 + exp(2v)): exact limits +-1 (rt_v_exp's
     * clamped exponent), absolute error about 1e-7 near 0 */
    case RT_ACT_TANH:
        return rt_v_sub(rt_v_set1(1.0f),
                        rt_v_div(rt_v_set1(2.0f),
                                 rt_v_add(rt_v_set1(1.0f), rt_v_exp(rt_v_add(v, v)))));
    case RT_ACT_HARD_SWISH:
        /* v / 6 + 1/2 as rt_act computes it: near v = -3 it cancels, and
         * fma(v, 1/6, 1/2) would round differently there */
        return rt_v_mul(v, rt_v_min(rt_v_max(rt_v_add(rt_v_div(v, rt_v_set1(6.0f)), rt_v_set1(0.5f)),
                                             rt_v_zero()),
                                    rt_v_set1(1.0f)));
    case RT_ACT_RELU6: return rt_v_min(rt_v_max(v, rt_v_zero()), rt_v_set1(6.0f));
    default: return v;
    }
}

/* kern: rt_v_act and the epilogues with parameters: LeakyRelu (alpha) and
 * Clip (min alpha, max beta), as the interpreter's rt_unary_op_f32 computes
 * them after the reference kernels. */
static RT_INLINE RT_UNUSED RtVec rt_v_act_p(int act, float alpha, float beta, RtVec v)
{
    switch (act) {
    case RT_ACT_LEAKY_RELU:
        return rt_v_fma(rt_v_min(v, rt_v_zero()), rt_v_set1(alpha), rt_v_max(v, rt_v_zero()));
    case RT_ACT_CLIP: return rt_v_min(rt_v_max(v, rt_v_set1(alpha)), rt_v_set1(beta));
    default: return rt_v_act(act, v);
    }
}

#endif
