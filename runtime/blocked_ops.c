/* SPDX-License-Identifier: MIT */
/*
 * blocked_ops.c - data movement and elementwise kernels over the blk16 layout
 * (n, C16, h, w, 16), C16 = ceil(c/16), on RtVec (rt_vec.h): the conversions
 * from and to NCHW, Concat along channels, channel shuffle, same-shape and
 * per-channel / scalar broadcasting Add/Sub/Mul/Div/Max/Min, and the unary
 * activations (Relu, Sigmoid, Tanh, LeakyRelu, Clip, HardSigmoid, HardSwish).
 *
 * The pad-lane rule: lanes of channels >= c in the last block hold 0.0f in
 * every blk16 tensor. Every kernel here relies on it for its inputs and
 * restores it for its output (rt_blk_store), since the arithmetic does not
 * keep zeros zero (sigmoid(0) = 0.5, 0 / 0 = NaN, 0 + s = s). Each kernel is an
 * RT_INLINE body that codegen calls with constant shapes, plus an RT_API
 * wrapper for the interpreter and the tests (tests/test_blocked_ops.c checks
 * every one against the reference kernels). Libc only: embedded verbatim into
 * emitted code (minus its #include lines).
 */
#include "rt.h"
#include "rt_vec.h"

/* ------------------------------------------------------------ conversions */

/* x (n,c,hw) -> y (n,C16,hw,16), pad lanes 0. */
static RT_INLINE RT_UNUSED void rt_nchw_to_blk16_body(float *restrict y, const float *restrict x,
                                                      int n, int c, ptrdiff_t hw)
{
    const int c16 = (c + 15) / 16;
    for (int b = 0; b < n; b++)
        for (int cb = 0; cb < c16; cb++) {
            const int valid = rt_blk_valid(c, cb);
            const float *xc = x + ((ptrdiff_t)b * c + cb * 16) * hw;
            float *yc = y + ((ptrdiff_t)b * c16 + cb) * hw * 16;
            for (ptrdiff_t i = 0; i < hw; i++) {
                float v[16] = {0};
                for (int l = 0; l < valid; l++)
                    v[l] = xc[l * hw + i];
                memcpy(yc + i * 16, v, sizeof v);
            }
        }
}

/* x (n,C16,hw,16) -> y (n,c,hw). */
static RT_INLINE RT_UNUSED void rt_blk16_to_nchw_body(float *restrict y, const float *restrict x,
                                                      int n, int c, ptrdiff_t hw)
{
    const int c16 = (c + 15) / 16;
    for (int b = 0; b < n; b++)
        for (int cb = 0; cb < c16; cb++) {
            const int valid = rt_blk_valid(c, cb);
            const float *xc = x + ((ptrdiff_t)b * c16 + cb) * hw * 16;
            float *yc = y + ((ptrdiff_t)b * c + cb * 16) * hw;
            for (ptrdiff_t i = 0; i < hw; i++)
                for (int l = 0; l < valid; l++)
                    yc[l * hw + i] = xc[i * 16 + l];
        }
}

RT_API RT_UNUSED void rt_nchw_to_blk16_f32(float *restrict y, const float *restrict x, int n,
                                           int c, long long hw)
{
    rt_nchw_to_blk16_body(y, x, n, c, (ptrdiff_t)hw);
}

RT_API RT_UNUSED void rt_blk16_to_nchw_f32(float *restrict y, const float *restrict x, int n,
                                           int c, long long hw)
{
    rt_blk16_to_nchw_body(y, x, n, c, (ptrdiff_t)hw);
}

/* ------------------------------------------------------------ concat */

/* One input of a Concat along channels: x (n,c_in,hw) blk16 goes to channels
 * [c_off, c_off + c_in) of y (n,c_out,hw) blk16. Called once per input, in
 * any order; each call writes exactly its own channels, and the call whose
 * channels end at c_out also zeroes the pad lanes. When c_off % 16 == 0 the
 * input's whole blocks are planes copied with one memcpy each (its partial
 * last block, if any, lane by lane); otherwise every pixel's lanes shift by
 * c_off % 16 and split over two output blocks: two memcpy of constant length. */
static RT_INLINE RT_UNUSED void rt_concat_blk16_body(float *restrict y, const float *restrict x,
                                                     int n, int c_in, int c_out, int c_off,
                                                     ptrdiff_t hw)
{
    const int ci16 = (c_in + 15) / 16, co16 = (c_out + 15) / 16;
    const int s = c_off % 16;
    for (int b = 0; b < n; b++) {
        for (int cb = 0; cb < ci16; cb++) {
            const int valid = rt_blk_valid(c_in, cb);
            const int ob = (c_off + cb * 16) / 16;
            const float *xc = x + ((ptrdiff_t)b * ci16 + cb) * hw * 16;
            float *yc = y + ((ptrdiff_t)b * co16 + ob) * hw * 16;
            if (s == 0 && valid == 16) {
                memcpy(yc, xc, (size_t)hw * 16 * sizeof(float));
                continue;
            }
            const int first = valid < 16 - s ? valid : 16 - s;   /* lanes into block ob */
            for (ptrdiff_t i = 0; i < hw; i++) {
                memcpy(yc + i * 16 + s, xc + i * 16, (size_t)first * sizeof(float));
                if (valid > first)   /* the rest into block ob + 1, from lane 0 */
                    memcpy(yc + (hw + i) * 16, xc + i * 16 + first,
                           (size_t)(valid - first) * sizeof(float));
            }
        }
        const int tail = c_out % 16;
        if (c_off + c_in == c_out && tail != 0) {
            float *yc = y + ((ptrdiff_t)b * co16 + co16 - 1) * hw * 16;
            for (ptrdiff_t i = 0; i < hw; i++)
                memset(yc + i * 16 + tail, 0, (size_t)(16 - tail) * sizeof(float));
        }
    }
}

RT_API RT_UNUSED void rt_concat_blk16_f32(float *restrict y, const float *restrict x, int n,
                                          int c_in, int c_out, int c_off, long long hw)
{
    rt_concat_blk16_body(y, x, n, c_in, c_out, c_off, (ptrdiff_t)hw);
}

/* ------------------------------------------------------------ channel shuffle */

/* ShuffleNet's Reshape (n,g,c/g,h,w) -> Transpose (0,2,1,3,4) -> Reshape
 * (n,c,h,w) as one op: output channel k = i * g + j reads input channel
 * j * (c/g) + i. x, y (n,c,hw) blk16; c % g == 0. Lane by lane: the
 * permutation crosses blocks, and the op moves data only. */
static RT_INLINE RT_UNUSED void rt_channel_shuffle_blk16_body(float *restrict y,
                                                              const float *restrict x, int n,
                                                              int c, int g, ptrdiff_t hw)
{
    const int c16 = (c + 15) / 16, per = c / g;
    for (int b = 0; b < n; b++) {
        const float *xb = x + (ptrdiff_t)b * c16 * hw * 16;
        float *yb = y + (ptrdiff_t)b * c16 * hw * 16;
        for (int k = 0; k < c16 * 16; k++) {
            float *yc = yb + (ptrdiff_t)(k / 16) * hw * 16 + k % 16;
            if (k >= c) {   /* pad lane */
                for (ptrdiff_t i = 0; i < hw; i++)
                    yc[i * 16] = 0.0f;
                continue;
            }
            const int src = (k % g) * per + k / g;
            const float *xc = xb + (ptrdiff_t)(src / 16) * hw * 16 + src % 16;
            for (ptrdiff_t i = 0; i < hw; i++)
                yc[i * 16] = xc[i * 16];
        }
    }
}

RT_API RT_UNUSED void rt_channel_shuffle_blk16_f32(float *restrict y, const float *restrict x,
                                                   int n, int c, int g, long long hw)
{
    rt_channel_shuffle_blk16_body(y, x, n, c, g, (ptrdiff_t)hw);
}

/* ------------------------------------------------------------ binary */

/* RT_BIN_ADD / SUB / MUL / DIV / MAX / MIN on 16 lanes. */
static RT_INLINE RT_UNUSED RtVec rt_v_binop(int op, RtVec a, RtVec b)
{
    switch (op) {
    case RT_BIN_SUB: return rt_v_sub(a, b);
    case RT_BIN_MUL: return rt_v_mul(a, b);
    case RT_BIN_DIV: return rt_v_div(a, b);
    case RT_BIN_MAX: return rt_v_max(a, b);
    case RT_BIN_MIN: return rt_v_min(a, b);
    default: return rt_v_add(a, b);
    }
}

/* y = act(a OP b), a, b, y (n,c,hw) blk16 of the same shape; y may be a or b. */
static RT_INLINE RT_UNUSED void rt_binary_blk16_body(float *y, const float *a, const float *b,
                                                     int n, int c, ptrdiff_t hw, int op, int act)
{
    const int c16 = (c + 15) / 16;
    for (ptrdiff_t nb = 0; nb < (ptrdiff_t)n * c16; nb++) {
        const int valid = rt_blk_valid(c, (int)(nb % c16));
        for (ptrdiff_t i = nb * hw * 16; i < (nb + 1) * hw * 16; i += 16)
            rt_blk_store(y + i, rt_v_act(act, rt_v_binop(op, rt_v_load(a + i), rt_v_load(b + i))),
                         valid);
    }
}

/* y = act(x OP v), or act(v OP x) when v_first: x, y (n,c,hw) blk16 (y may be
 * x); v per vmode (RT_BV_*): a scalar, c floats per image, or a blocked
 * vector of C16 * 16 floats per image; vbs: v's floats between two images (0:
 * the same v for every image). The SE block's x * sigmoid(fc(gap(x))) and
 * constant per-channel scales and shifts. */
static RT_INLINE RT_UNUSED void rt_binary_chan_blk16_body(float *y, const float *x,
                                                          const float *v, int n, int c,
                                                          ptrdiff_t hw, int vmode, ptrdiff_t vbs,
                                                          int op, int v_first, int act)
{
    const int c16 = (c + 15) / 16;
    for (int b = 0; b < n; b++)
        for (int cb = 0; cb < c16; cb++) {
            const int valid = rt_blk_valid(c, cb);
            const float *vb = v + b * vbs;
            RtVec vv;
            if (vmode == RT_BV_SCALAR) {
                vv = rt_v_set1(vb[0]);
            } else if (vmode == RT_BV_CHAN_BLK) {
                vv = rt_v_load(vb + cb * 16);
            } else {
                float t[16] = {0};
                memcpy(t, vb + cb * 16, (size_t)valid * sizeof(float));
                vv = rt_v_load(t);
            }
            const ptrdiff_t base = ((ptrdiff_t)b * c16 + cb) * hw * 16;
            for (ptrdiff_t i = base; i < base + hw * 16; i += 16) {
                const RtVec xv = rt_v_load(x + i);
                const RtVec r = v_first ? rt_v_binop(op, vv, xv) : rt_v_binop(op, xv, vv);
                rt_blk_store(y + i, rt_v_act(act, r), valid);
            }
        }
}

RT_API RT_UNUSED void rt_binary_blk16_f32(float *y, const float *a, const float *b, int n, int c,
                                          long long hw, int op, int act)
{
    rt_binary_blk16_body(y, a, b, n, c, (ptrdiff_t)hw, op, act);
}

RT_API RT_UNUSED void rt_binary_chan_blk16_f32(float *y, const float *x, const float *v, int n,
                                               int c, long long hw, int vmode, long long vbs,
                                               int op, int v_first, int act)
{
    rt_binary_chan_blk16_body(y, x, v, n, c, (ptrdiff_t)hw, vmode, (ptrdiff_t)vbs, op, v_first,
                              act);
}

/* ------------------------------------------------------------ unary */

/* The RT_UN_* ops rt_unary_blk16_f32 serves. */
static inline RT_UNUSED int rt_unary_blk16_has(int op)
{
    return op == RT_UN_RELU || op == RT_UN_SIGMOID || op == RT_UN_TANH ||
           op == RT_UN_LEAKY_RELU || op == RT_UN_CLIP || op == RT_UN_HARD_SIGMOID ||
           op == RT_UN_HARD_SWISH || op == RT_UN_IDENTITY;
}

/* op (RT_UN_*, alpha and beta as rt_unary_op_f32) on 16 lanes. Tanh is
 * (1 - e) / (1 + e) with e = exp(-2v) (rt_v_exp clamps, so it is -1 for very
 * negative v, never NaN); absolute error about 2e-7. */
static RT_INLINE RT_UNUSED RtVec rt_v_unop(int op, float a, float b, RtVec v)
{
    const RtVec one = rt_v_set1(1.0f), zero = rt_v_zero();
    switch (op) {
    case RT_UN_RELU: return rt_v_max(v, zero);
    case RT_UN_SIGMOID: return rt_v_act(RT_ACT_SIGMOID, v);
    case RT_UN_TANH: {
        const RtVec e = rt_v_exp(rt_v_mul(v, rt_v_set1(-2.0f)));
        return rt_v_div(rt_v_sub(one, e), rt_v_add(one, e));
    }
    case RT_UN_LEAKY_RELU: return rt_v_fma(rt_v_set1(a), rt_v_min(v, zero), rt_v_max(v, zero));
    case RT_UN_CLIP: return rt_v_min(rt_v_max(v, rt_v_set1(a)), rt_v_set1(b));
    case RT_UN_HARD_SIGMOID:
        return rt_v_min(rt_v_max(rt_v_fma(v, rt_v_set1(a), rt_v_set1(b)), zero), one);
    case RT_UN_HARD_SWISH: {
        const RtVec t = rt_v_add(rt_v_div(v, rt_v_set1(6.0f)), rt_v_set1(0.5f));
        return rt_v_mul(v, rt_v_min(rt_v_max(t, zero), one));
    }
    default: return v;
    }
}

/* y = op(x), x, y (n,c,hw) blk16 (y may be x); op one of rt_unary_blk16_has. */
static RT_INLINE RT_UNUSED void rt_unary_blk16_body(float *y, const float *x, int n, int c,
                                                    ptrdiff_t hw, int op, float alpha, float beta)
{
    const int c16 = (c + 15) / 16;
    for (ptrdiff_t nb = 0; nb < (ptrdiff_t)n * c16; nb++) {
        const int valid = rt_blk_valid(c, (int)(nb % c16));
        for (ptrdiff_t i = nb * hw * 16; i < (nb + 1) * hw * 16; i += 16)
            rt_blk_store(y + i, rt_v_unop(op, alpha, beta, rt_v_load(x + i)), valid);
    }
}

RT_API RT_UNUSED void rt_unary_blk16_f32(float *y, const float *x, int n, int c, long long hw,
                                         int op, float alpha, float beta)
{
    rt_unary_blk16_body(y, x, n, c, (ptrdiff_t)hw, op, alpha, beta);
}
