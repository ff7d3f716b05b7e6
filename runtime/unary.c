/* SPDX-License-Identifier: MIT */
/*
 * unary.c - elementwise unary ops over a flat f32 buffer: the fused
 * activations (rt_unary_f32: Relu, Sigmoid, SiLU via rt_act) and every other
 * ONNX elementwise op onnxc runs (rt_unary_op_f32: Tanh, LeakyRelu, Clip, Elu,
 * Selu, HardSigmoid, HardSwish, Softplus, Mish, Exp, Log, Sqrt, Neg, Abs,
 * Reciprocal, Erf, Floor, Ceil).
 *
 * Each element is read before it is written, so y may be x (in place). The
 * formulas follow the ONNX operator definitions; Softplus and Mish avoid
 * overflowing exp for large inputs. Libc only: embedded verbatim into emitted
 * code (minus its #include line).
 */
#include "rt.h"

/* x (n) -> y (n); y may alias x. */
RT_API void rt_unary_f32(float *y, const float *x, long long n, int act)
{
    for (long long i = 0; i < n; i++)
        y[i] = rt_act(act, x[i]);
}

/* log(1 + exp(v)) without overflow. */
static inline RT_UNUSED float rt_softplusf(float v)
{
    return v > 0.0f ? v + log1pf(expf(-v)) : log1pf(expf(v));
}

static inline RT_UNUSED float rt_unop(int op, float a, float b, float v)
{
    switch (op) {
    case RT_UN_RELU: return v > 0.0f ? v : 0.0f;
    case RT_UN_SIGMOID: return rt_sigmoidf(v);
    case RT_UN_TANH: return tanhf(v);
    case RT_UN_LEAKY_RELU: return v < 0.0f ? a * v : v;
    case RT_UN_CLIP: {   /* min(max(v, a), b): b wins when a > b */
        const float t = v < a ? a : v;
        return t > b ? b : t;
    }
    case RT_UN_ELU: return v < 0.0f ? a * expm1f(v) : v;
    case RT_UN_SELU: return v <= 0.0f ? b * (a * expf(v) - a) : b * v;
    case RT_UN_HARD_SIGMOID: {
        float t = a * v + b;
        return t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
    }
    case RT_UN_HARD_SWISH: {
        float t = v / 6.0f + 0.5f;
        return v * (t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t);
    }
    case RT_UN_SOFTPLUS: return rt_softplusf(v);
    case RT_UN_MISH: return v * tanhf(rt_softplusf(v));
    case RT_UN_EXP: return expf(v);
    case RT_UN_LOG: return logf(v);
    case RT_UN_SQRT: return sqrtf(v);
    case RT_UN_NEG: return -v;
    case RT_UN_ABS: return fabsf(v);
    case RT_UN_RECIPROCAL: return 1.0f / v;
    case RT_UN_ERF: return erff(v);
    case RT_UN_FLOOR: return floorf(v);
    case RT_UN_CEIL: return ceilf(v);
    default: return v;
    }
}

/* x (n) -> y (n) = op(x) with the op's alpha and beta; y may alias x. */
RT_API void rt_unary_op_f32(float *y, const float *x, long long n, int op, float alpha,
                            float beta)
{
    for (long long i = 0; i < n; i++)
        y[i] = rt_unop(op, alpha, beta, x[i]);
}
