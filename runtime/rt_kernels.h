/* SPDX-License-Identifier: MIT */
/*
 * rt_kernels.h - parameter structs and declarations of the runtime kernels.
 *
 * This file and the kernel sources beside it depend on libc only, because codegen
 * embeds them verbatim into every emitted C file (the build turns them into a
 * string table; lines starting with `#include "` are dropped when embedding).
 * The emitted file defines RT_API as `static` first, so kernels become file-local
 * there; in the library RT_API is empty. Kernels never allocate, print or keep
 * state: the caller passes every buffer.
 */
#ifndef ONNXC_RT_KERNELS_H
#define ONNXC_RT_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef RT_API
#define RT_API
#endif

/* Marks the static inline helpers below: a file that embeds this header but uses
 * only some of them must still compile warning-free (clang's -Wunused-function). */
#if defined(__GNUC__)
#define RT_UNUSED __attribute__((unused))
#else
#define RT_UNUSED
#endif

/* Activation applied to a kernel's result before it is stored (fused epilogue). */
enum { RT_ACT_NONE = 0, RT_ACT_RELU = 1, RT_ACT_SIGMOID = 2, RT_ACT_SILU = 3, RT_ACT_TANH = 4,
       RT_ACT_HARD_SWISH = 5, RT_ACT_RELU6 = 6,
       /* kern: with parameters (RtConvParams.act_alpha / act_beta), only the
        * fast conv epilogue (rt_v_act_p) applies them; rt_act leaves them alone */
       RT_ACT_LEAKY_RELU = 7, RT_ACT_CLIP = 8 };

/* Conv2d / pooling geometry: x (n,c,h,w) -> y (n,m,oh,ow). */
typedef struct RtConvParams {
    int n, c, h, w;
    int m, oh, ow;
    int kh, kw;
    int sh, sw;        /* strides */
    int dh, dw;        /* dilations */
    int pt, pl;        /* top and left pads (bottom/right follow from oh, ow) */
    int group;
    int act;           /* RT_ACT_* */
    float act_alpha, act_beta;   /* kern: RT_ACT_LEAKY_RELU alpha; RT_ACT_CLIP min, max */
} RtConvParams;

/* 3-D Conv and pooling: x (n,c,d,h,w) -> y (n,m,od,oh,ow). */
enum { RT_POOL_MAX = 0, RT_POOL_AVG = 1 };
typedef struct RtWindow3Params {
    long long n, c, m;
    long long d, h, w, od, oh, ow;
    long long kd, kh, kw, sd, sh, sw, dd, dh, dw;
    long long pf, pt, pl, pk, pb, pr;   /* begin (front, top, left) and end pads */
    long long group;
    int act;                            /* RT_ACT_* */
} RtWindow3Params;

/* Nearest resize over H and W: x (n,c,ih,iw) -> y (n,c,oh,ow). */
enum { RT_COORD_HALF_PIXEL = 0, RT_COORD_ASYMMETRIC = 1, RT_COORD_ALIGN_CORNERS = 2,
       RT_COORD_PYTORCH_HALF_PIXEL = 3, RT_COORD_TF_HALF_PIXEL_FOR_NEAREST = 4,
       RT_COORD_HALF_PIXEL_SYMMETRIC = 5, RT_COORD_TF_CROP_AND_RESIZE = 6 };
enum { RT_RESIZE_NEAREST = 0, RT_RESIZE_LINEAR = 1, RT_RESIZE_CUBIC = 2 };
enum { RT_NEAREST_ROUND_PREFER_FLOOR = 0, RT_NEAREST_ROUND_PREFER_CEIL = 1,
       RT_NEAREST_FLOOR = 2, RT_NEAREST_CEIL = 3 };
typedef struct RtResizeParams {
    int n, c, ih, iw, oh, ow;
    float scale_h, scale_w;    /* output / input */
    int coord;                 /* RT_COORD_* */
    int nearest;               /* RT_NEAREST_* */
    int mode;                  /* RT_RESIZE_* (rt_resize_interp_f32: linear or cubic) */
    float cubic_a;             /* cubic_coeff_a */
    int exclude_outside;       /* taps outside the input get weight 0 */
    int antialias;             /* widen the filter when downscaling */
    float extrapolation;       /* tf_crop_and_resize: value outside the input */
    float roi[4];              /* tf_crop_and_resize: start_h, end_h, start_w, end_w */
} RtResizeParams;

/* Elementwise binary op with numpy broadcasting, all tensors viewed at rank
 * RT_MAX_RANK (leading dims 1); a stride of 0 repeats an operand along a dim. */
#define RT_MAX_RANK 8
enum { RT_BIN_ADD = 0, RT_BIN_SUB = 1, RT_BIN_MUL = 2, RT_BIN_DIV = 3, RT_BIN_POW = 4,
       RT_BIN_MAX = 5, RT_BIN_MIN = 6, RT_BIN_PRELU = 7 };
typedef struct RtBinaryParams {
    int op;                        /* RT_BIN_* */
    long long dims[RT_MAX_RANK];   /* output dims */
    long long sa[RT_MAX_RANK];     /* element strides of a, 0 where broadcast */
    long long sb[RT_MAX_RANK];     /* element strides of b */
    int act;                       /* RT_ACT_* applied to the result */
} RtBinaryParams;

/* Strided copy: y[yoff + sum_k i_k ys_k] = x[xoff + sum_k i_k xs_k] for every
 * index i in dims (RT_MAX_RANK dims; xs may be 0 or negative). */
typedef struct RtCopyParams {
    long long dims[RT_MAX_RANK], xs[RT_MAX_RANK], ys[RT_MAX_RANK];
    long long xoff, yoff;
} RtCopyParams;

/* Pad at rank RT_MAX_RANK: y[i] = x[i - begin] inside x, else by mode. */
enum { RT_PAD_CONSTANT = 0, RT_PAD_REFLECT = 1, RT_PAD_EDGE = 2, RT_PAD_WRAP = 3 };
typedef struct RtPadParams {
    long long xdims[RT_MAX_RANK], ydims[RT_MAX_RANK], begin[RT_MAX_RANK];
    int mode;                  /* RT_PAD_* */
    float value;               /* RT_PAD_CONSTANT */
} RtPadParams;

/* Pad: the source index along one axis for output index i, or -1 (constant
 * padding); shared by rt_pad_f32 and rt_pad_any. */
static inline RT_UNUSED long long rt_pad_src(long long i, long long begin, long long len, int mode)
{
    long long s = i - begin;
    if (s >= 0 && s < len)
        return s;
    if (len <= 0 || mode == RT_PAD_CONSTANT)
        return -1;
    if (mode == RT_PAD_EDGE)
        return s < 0 ? 0 : len - 1;
    if (mode == RT_PAD_WRAP)
        return ((s % len) + len) % len;
    if (len == 1)   /* reflect */
        return 0;
    long long period = 2 * (len - 1);
    long long r = ((s % period) + period) % period;
    return r < len ? r : period - r;
}

/* Reduction of x (dims) into y: ys is y's stride along each x axis, 0 where
 * reduced; count elements fall into each y element. */
enum { RT_RED_SUM = 0, RT_RED_MEAN = 1, RT_RED_MAX = 2 };
typedef struct RtReduceParams {
    long long dims[RT_MAX_RANK], ys[RT_MAX_RANK];
    long long ny, count;       /* y elements; x elements per y element */
    int op;                    /* RT_RED_* */
} RtReduceParams;

/* y[b, i, j] = alpha * sum_k a[b, i, k] b[b, k, j] + beta * c[i, j]; batch
 * dims (leading ones 1) with strides per operand (0: broadcast); y contiguous. */
#define RT_MAX_BATCH (RT_MAX_RANK - 2)
typedef struct RtMatmulParams {
    long long bdims[RT_MAX_BATCH], bsa[RT_MAX_BATCH], bsb[RT_MAX_BATCH];
    long long m, n, k;
    long long a_sm, a_sk, b_sk, b_sn, c_sm, c_sn;
    float alpha, beta;
    int act;                   /* RT_ACT_* */
} RtMatmulParams;

/* Elementwise unary ops of rt_unary_op_f32 (alpha, beta: the op's attributes). */
enum { RT_UN_RELU = 0, RT_UN_SIGMOID, RT_UN_TANH, RT_UN_LEAKY_RELU, RT_UN_CLIP, RT_UN_ELU,
       RT_UN_SELU, RT_UN_HARD_SIGMOID, RT_UN_HARD_SWISH, RT_UN_SOFTPLUS, RT_UN_MISH, RT_UN_EXP,
       RT_UN_LOG, RT_UN_SQRT, RT_UN_NEG, RT_UN_ABS, RT_UN_RECIPROCAL, RT_UN_ERF, RT_UN_FLOOR,
       RT_UN_CEIL, RT_UN_IDENTITY };

/* Element types of the typed kernels (typed.c), numbered as ONNX's
 * TensorProto.DataType. In memory every element takes whole bytes: f16 and bf16
 * are their uint16_t bit patterns, the float8 types and float4e2m1 their codes in
 * a uint8_t (float4 in the low 4 bits), int4/int2 one sign-extended int8_t each,
 * uint4/uint2 one uint8_t each, bool one byte holding 0 or 1. */
enum { RT_DT_F32 = 1, RT_DT_U8 = 2, RT_DT_I8 = 3, RT_DT_U16 = 4, RT_DT_I16 = 5,
       RT_DT_I32 = 6, RT_DT_I64 = 7, RT_DT_BOOL = 9, RT_DT_F16 = 10, RT_DT_F64 = 11,
       RT_DT_U32 = 12, RT_DT_U64 = 13, RT_DT_BF16 = 16, RT_DT_F8E4M3FN = 17,
       RT_DT_F8E4M3FNUZ = 18, RT_DT_F8E5M2 = 19, RT_DT_F8E5M2FNUZ = 20, RT_DT_U4 = 21,
       RT_DT_I4 = 22, RT_DT_F4E2M1 = 23, RT_DT_F8E8M0 = 24, RT_DT_U2 = 25, RT_DT_I2 = 26 };
/* Cast to float8e8m0: how a value between two powers of two is rounded. */
enum { RT_ROUND_UP = 0, RT_ROUND_DOWN = 1, RT_ROUND_NEAREST = 2 };

/* Numerically safe sigmoid: never evaluates exp of a large positive number. */
static inline RT_UNUSED float rt_sigmoidf(float x)
{
    if (x >= 0.0f)
        return 1.0f / (1.0f + expf(-x));
    float e = expf(x);
    return e / (1.0f + e);
}

static inline RT_UNUSED float rt_act(int act, float v)
{
    switch (act) {
    case RT_ACT_RELU: return v > 0.0f ? v : 0.0f;
    case RT_ACT_SIGMOID: return rt_sigmoidf(v);
    case RT_ACT_SILU: return v * rt_sigmoidf(v);
    case RT_ACT_TANH: return tanhf(v);
    case RT_ACT_HARD_SWISH: {
        const float t = v / 6.0f + 0.5f;
        return v * (t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t);
    }
    case RT_ACT_RELU6: return v < 0.0f ? 0.0f : v > 6.0f ? 6.0f : v;
    default: return v;
    }
}

/* One RT_BIN_* operation on two scalars. */
static inline RT_UNUSED float rt_binop(int op, float a, float b)
{
    switch (op) {
    case RT_BIN_SUB: return a - b;
    case RT_BIN_MUL: return a * b;
    case RT_BIN_DIV: return a / b;
    case RT_BIN_POW: return powf(a, b);
    case RT_BIN_MAX: return (a > b || a != a) ? a : b;   /* NaN propagates */
    case RT_BIN_MIN: return (a < b || a != a) ? a : b;
    case RT_BIN_PRELU: return a < 0.0f ? a * b : a;
    default: return a + b;
    }
}

#endif
