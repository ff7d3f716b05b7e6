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
enum { RT_ACT_NONE = 0, RT_ACT_RELU = 1, RT_ACT_SIGMOID = 2, RT_ACT_SILU = 3 };

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
} RtConvParams;

/* Nearest resize over H and W: x (n,c,ih,iw) -> y (n,c,oh,ow). */
enum { RT_COORD_HALF_PIXEL = 0, RT_COORD_ASYMMETRIC = 1, RT_COORD_ALIGN_CORNERS = 2,
       RT_COORD_PYTORCH_HALF_PIXEL = 3, RT_COORD_TF_HALF_PIXEL_FOR_NEAREST = 4 };
enum { RT_NEAREST_ROUND_PREFER_FLOOR = 0, RT_NEAREST_ROUND_PREFER_CEIL = 1,
       RT_NEAREST_FLOOR = 2, RT_NEAREST_CEIL = 3 };
typedef struct RtResizeParams {
    int n, c, ih, iw, oh, ow;
    float scale_h, scale_w;    /* output / input */
    int coord;                 /* RT_COORD_* */
    int nearest;               /* RT_NEAREST_* */
} RtResizeParams;

/* Elementwise binary op with numpy broadcasting, all tensors viewed at rank
 * RT_MAX_RANK (leading dims 1); a stride of 0 repeats an operand along a dim. */
#define RT_MAX_RANK 8
enum { RT_BIN_ADD = 0, RT_BIN_SUB = 1, RT_BIN_MUL = 2, RT_BIN_DIV = 3 };
typedef struct RtBinaryParams {
    int op;                        /* RT_BIN_* */
    long long dims[RT_MAX_RANK];   /* output dims */
    long long sa[RT_MAX_RANK];     /* element strides of a, 0 where broadcast */
    long long sb[RT_MAX_RANK];     /* element strides of b */
    int act;                       /* RT_ACT_* applied to the result */
} RtBinaryParams;

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
    default: return a + b;
    }
}

#endif
