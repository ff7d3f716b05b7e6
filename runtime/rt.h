/* SPDX-License-Identifier: MIT */
/*
 * rt.h - the public header of runtime/: the reference kernels (declared in
 * rt_kernels.h, libc only, embedded into emitted code) and the reference
 * interpreter, which runs an IR graph on those same kernels.
 */
#ifndef ONNXC_RT_H
#define ONNXC_RT_H

#include <stdbool.h>
#include "rt_kernels.h"

/* x (n,c,h,w), w (m,c/group,kh,kw), b (m) or NULL -> y (n,m,oh,ow); act fused. */
void rt_conv2d_f32(float *restrict y, const float *restrict x, const float *restrict w,
                   const float *restrict b, const RtConvParams *p);
/* x (n,c,h,w) -> y (n,c,oh,ow); padding never wins the max. p->m == p->c; p->act fused. */
void rt_maxpool2d_f32(float *restrict y, const float *restrict x, const RtConvParams *p);
/* x (n,c,ih,iw) -> y (n,c,oh,ow), nearest neighbour. */
void rt_resize_nearest_f32(float *restrict y, const float *restrict x, const RtResizeParams *p);
/* y = act(a OP b) with broadcasting; y may alias a or b when that operand is not broadcast. */
void rt_binary_f32(float *y, const float *a, const float *b, const RtBinaryParams *p);
/* y[i] = act(x[i]) for i < n; y may alias x. */
void rt_unary_f32(float *y, const float *x, long long n, int act);

/* x -> y, op(x) elementwise with the op's alpha/beta (RT_UN_*); y may alias x. */
void rt_unary_op_f32(float *y, const float *x, long long n, int op, float alpha, float beta);
/* Strided copy and Pad (see RtCopyParams, RtPadParams); x and y apart. */
void rt_copy_f32(float *restrict y, const float *restrict x, const RtCopyParams *p);
void rt_pad_f32(float *restrict y, const float *restrict x, const RtPadParams *p);
/* Linear / cubic resize (p->mode), antialias and exclude_outside honoured. */
void rt_resize_interp_f32(float *restrict y, const float *restrict x, const RtResizeParams *p);
/* x (n,c,h,w) -> y (n,c,oh,ow) averaged; pb, pr bottom/right pads; act fused. */
void rt_avgpool2d_f32(float *restrict y, const float *restrict x, const RtConvParams *p, int pb,
                      int pr, int count_include_pad);
/* x (n,c,h,w), w (c,m/group,kh,kw), b (m) or NULL -> y (n,m,oh,ow); act fused. */
void rt_conv_transpose2d_f32(float *restrict y, const float *restrict x, const float *restrict w,
                             const float *restrict b, const RtConvParams *p);
/* Normalizations over x viewed as (n, c, inner); see norm.c. */
void rt_batchnorm_f32(float *restrict y, const float *restrict x, const float *restrict scale,
                      const float *restrict bias, const float *restrict mean,
                      const float *restrict var, long long n, long long c, long long inner,
                      float eps);
void rt_groupnorm_f32(float *restrict y, const float *restrict x, const float *restrict scale,
                      const float *restrict bias, long long n, long long c, long long inner,
                      long long groups, int per_group, float eps);
void rt_layernorm_f32(float *restrict y, const float *restrict x, const float *restrict scale,
                      const float *restrict bias, float *restrict mean_out,
                      float *restrict inv_std_out, long long n, long long c, float eps);
void rt_lrn_f32(float *restrict y, const float *restrict x, long long n, long long c,
                long long inner, long long size, float alpha, float beta, float bias);
void rt_softmax_f32(float *restrict y, const float *restrict x, long long n, long long c,
                    long long inner, int want_log);
/* a, b, c (or NULL) -> y per p (MatMul, Gemm); act fused. */
void rt_matmul_f32(float *restrict y, const float *restrict a, const float *restrict b,
                   const float *restrict c, const RtMatmulParams *p);
/* x -> y reduced per p (ReduceSum / Mean / Max). */
void rt_reduce_f32(float *restrict y, const float *restrict x, const RtReduceParams *p);

/* 3-D: x (n,c,d,h,w), w (m,c/group,kd,kh,kw), b or NULL -> y; act fused. */
void rt_conv3d_f32(float *restrict y, const float *restrict x, const float *restrict w,
                   const float *restrict b, const RtWindow3Params *p);
/* 3-D max (RT_POOL_MAX) or average pooling; act fused. */
void rt_pool3d_f32(float *restrict y, const float *restrict x, const RtWindow3Params *p, int op,
                   int count_include_pad);

/* The fast kernels (conv_fast.c, pool_blocked.c, resize.c), tested against the
 * reference ones above. "Blocked" is the layout (n, c/16, h, w, 16). */
/* x (n,c,h,w) or blocked; wp (m/16,c,kh,kw,16); b (m) or NULL -> y (n,m,oh,ow) or
 * blocked. Group 1, m % 16 == 0, c % 16 == 0 when x_blocked. */
void rt_conv2d_fast_f32(float *restrict y, const float *restrict x, const float *restrict wp,
                        const float *restrict b, const RtConvParams *p, int x_blocked,
                        int y_blocked);
/* x blocked (n,c/16,h,w,16); wr (m,c/16,kh,kw,16); b (m) or NULL -> y (n,m,oh,ow).
 * Group 1, c % 16 == 0; meant for m < 16. */
void rt_conv2d_reduce_f32(float *restrict y, const float *restrict x, const float *restrict wr,
                          const float *restrict b, const RtConvParams *p);
/* x (n,C16,h,w,16) -> y (n,C16,oh,ow,16), C16 = ceil(c/16), pad lanes 0. */
void rt_maxpool2d_blocked_f32(float *restrict y, const float *restrict x, const RtConvParams *p);
/* x (n,C16,ih,iw,16) -> y (n,C16,oh,ow,16), any c (pad lanes 0). */
void rt_resize_nearest_blocked_f32(float *restrict y, const float *restrict x,
                                   const RtResizeParams *p);
/* y[i] = exp(x[i]) (clamped to [-87, 88]) and y[i] = act(x[i]) with the fast
 * exp of rt_vec.h, for testing it; n % 16 == 0. */
void rt_exp_fast_f32(float *y, const float *x, long long n);
void rt_act_fast_f32(float *y, const float *x, long long n, int act);
void rt_act_p_fast_f32(float *y, const float *x, long long n, int act, float alpha, float beta);

/* --- dw: depthwise / grouped blk16 conv (conv_dw.c), packed Gemm (gemm_fast.c) --- */
/* x (n,C16,h,w,16), wp (C16,kh,kw,16), b (c) or NULL -> y (n,C16,oh,ow,16);
 * group == c == m. C16 = ceil(c/16); pad lanes of x are 0 and of y stored 0;
 * y_blocked 0: y is NCHW (n,c,oh,ow) instead. */
void rt_conv2d_dw_blk16_f32(float *restrict y, const float *restrict x, const float *restrict wp,
                            const float *restrict b, const RtConvParams *p, int y_blocked);
/* Any group (incl. a channel multiplier): wp (M16,span,kh,kw,16), span =
 * rt_conv_grouped_span(p), b (m) or NULL; blk16 in and out (conv_dw.c). */
void rt_conv2d_grouped_blk16_f32(float *restrict y, const float *restrict x,
                                 const float *restrict wp, const float *restrict b,
                                 const RtConvParams *p, int span, int y_blocked);
int rt_conv_grouped_span(const RtConvParams *p);
/* y (M,N) = act(A Bp + bias): Bp (N16,K,16) panels, bias (N) or NULL, A row stride lda. */
void rt_gemm_packed_f32(float *restrict y, const float *restrict a, const float *restrict bp,
                        const float *restrict bias, int M, int N, int K, int lda, int act);
/* --- end dw --- */

/* The typed kernels (typed.c): any element type of RT_DT_*, for the nodes whose
 * data is not f32 (integer arithmetic, f64/f16 math, Cast, data movement of
 * int64 ...). Integers compute in 64 bits and wrap to their width; float types
 * compute in double and round once to the result type. */
/* y[i] = x[i] converted from xdt to ydt (ONNX Cast): saturate (float8 and float4
 * targets) clamps out-of-range values to the largest finite value, round_mode
 * (RT_ROUND_*) applies to float8e8m0 targets. */
void rt_cast_any(void *y, int ydt, const void *x, int xdt, long long n, int saturate,
                 int round_mode);
/* y (ydt) = a (adt) OP b (bdt) with broadcasting (p->act ignored); y may alias
 * a or b when that operand is not broadcast and has y's type. */
void rt_binary_any(void *y, int ydt, const void *a, int adt, const void *b, int bdt,
                   const RtBinaryParams *p);
/* y[i] = op(x[i]) for RT_UN_* ops on dtype dt; alpha and beta are the op's
 * attributes (Clip: min and max). y may alias x. */
void rt_unary_any(void *y, const void *x, int dt, long long n, int op, double alpha,
                  double beta);
/* rt_copy_f32 / rt_pad_f32 for elements of esize bytes (1, 2, 4 or 8); value
 * (esize bytes, or NULL for zero) fills RT_PAD_CONSTANT padding. */
void rt_copy_any(void *restrict y, const void *restrict x, int esize, const RtCopyParams *p);
void rt_pad_any(void *restrict y, const void *restrict x, int esize, const RtPadParams *p,
                const void *value);
/* y[i] = *value (esize bytes) for i < n. */
void rt_fill_any(void *y, int esize, long long n, const void *value);
/* rt_reduce_f32 for dtype dt (sum, mean and max; bool max is logical or). */
void rt_reduce_any(void *restrict y, const void *restrict x, int dt, const RtReduceParams *p);
/* 2-D max pooling of dtype dt, p as rt_maxpool2d_f32 (p->act ignored); when
 * indices is not NULL it receives, per output, the flat index of the max in x
 * (row-major over (n,c,h,w); storage_order 1: column-major over h and w). */
void rt_maxpool2d_any(void *restrict y, long long *restrict indices, const void *restrict x,
                      int dt, const RtConvParams *p, int storage_order);

/* ---- blk16 kernels around the convs (ops): blocked_ops.c, pool_blocked.c,
 * resize.c. blk16 is (n, C16, h, w, 16), C16 = ceil(c/16), pad lanes 0; any c.
 * hw = h * w. Each has an RT_INLINE *_body that emitted code calls with
 * constant shapes. ---- */
/* x (n,c,hw) NCHW -> y blk16, and back. */
void rt_nchw_to_blk16_f32(float *restrict y, const float *restrict x, int n, int c, long long hw);
void rt_blk16_to_nchw_f32(float *restrict y, const float *restrict x, int n, int c, long long hw);
/* Concat along channels, one call per input: x (n,c_in,hw) blk16 -> channels
 * [c_off, c_off + c_in) of y (n,c_out,hw) blk16. */
void rt_concat_blk16_f32(float *restrict y, const float *restrict x, int n, int c_in, int c_out,
                         int c_off, long long hw);
/* ShuffleNet's channel shuffle with g groups: y channel i*g + j = x channel j*(c/g) + i. */
void rt_channel_shuffle_blk16_f32(float *restrict y, const float *restrict x, int n, int c, int g,
                                  long long hw);
/* y = act(a OP b) (RT_BIN_ADD/SUB/MUL/DIV/MAX/MIN), all (n,c,hw) blk16; y may be a or b. */
void rt_binary_blk16_f32(float *y, const float *a, const float *b, int n, int c, long long hw,
                         int op, int act);
/* y = act(x OP v) or act(v OP x) (v_first); x, y blk16 (y may be x); v per
 * vmode RT_BV_*, vbs floats apart per image (0: shared). */
void rt_binary_chan_blk16_f32(float *y, const float *x, const float *v, int n, int c,
                              long long hw, int vmode, long long vbs, int op, int v_first,
                              int act);
/* y = op(x) for RT_UN_RELU, SIGMOID, TANH, LEAKY_RELU, CLIP, HARD_SIGMOID,
 * HARD_SWISH, IDENTITY (alpha, beta as rt_unary_op_f32); y may be x. */
void rt_unary_blk16_f32(float *y, const float *x, int n, int c, long long hw, int op, float alpha,
                        float beta);
/* AveragePool as rt_avgpool2d_f32 on blk16 (p->m == p->c, any c). */
void rt_avgpool2d_blk16_f32(float *restrict y, const float *restrict x, const RtConvParams *p,
                            int pb, int pr, int count_include_pad);
/* x (n,c,hw) blk16 (x_blocked) or NCHW -> mean (RT_POOL_AVG) or max (RT_POOL_MAX)
 * over hw: y blk16 (n,c,1,1) when y_blocked, else NCHW (n,c,1,1); act fused. */
void rt_global_pool_blk16_f32(float *restrict y, const float *restrict x, int n, int c,
                              long long hw, int op, int x_blocked, int y_blocked, int act);
/* Linear / cubic Resize as rt_resize_interp_f32 on blk16: at most 4 taps per
 * axis (no antialiased downscale), no tf_crop_and_resize. */
void rt_resize_interp_blk16_f32(float *restrict y, const float *restrict x,
                                const RtResizeParams *p);
/* ---- end of the ops block ---- */

struct Graph;
struct Diag;
/* Runs graph g (shapes inferred; planned or not) on one f32 buffer per graph input
 * (in g->inputs order) and writes one f32 buffer per graph output. Allocates its
 * own activation memory (the planned arena when g is planned, so the plan is
 * exercised too). Returns false with d filled when a node cannot run (an op left
 * that needs constant folding, out of memory). */
bool rt_interpret(const struct Graph *g, const float *const *inputs, float *const *outputs,
                  struct Diag *d);
/* rt_interpret for graphs with any element types: one buffer per graph input
 * and output, each holding its tensor's elements as rt_kernels.h lays them out
 * (RT_DT_*: int64_t for int64, uint16_t bit patterns for f16, ...). */
bool rt_interpret_any(const struct Graph *g, const void *const *inputs, void *const *outputs,
                      struct Diag *d);

/* Called by rt_interpret_traced after node `node` (schedule index) ran, with
 * its first output: f32, n elements, valid only during the call. */
typedef void (*RtTraceFn)(void *ctx, int node, const float *y, long long n);
/* rt_interpret, calling fn (when not NULL) after every node: `onnxc verify`
 * compares these per-node outputs with the emitted code's. */
bool rt_interpret_traced(const struct Graph *g, const void *const *inputs,
                         void *const *outputs, RtTraceFn fn, void *ctx, struct Diag *d);

/* Evaluates single nodes whose inputs are all constants on the interpreter's
 * dispatch (the same kernels as rt_interpret and the emitted code): constant
 * folding uses it, so a folded value is exactly what the node computes at run
 * time. One RtEval serves any number of calls on one graph (it keeps per-tensor
 * tables, grown as the graph grows); NULL when out of memory. */
typedef struct RtEval RtEval;
RtEval *rt_eval_new(void);
void rt_eval_free(RtEval *e);
/* Runs node `node` of g, whose present inputs are TK_CONST and whose outputs
 * have known shapes and dtypes, writing output k into outputs[k] (ir_nbytes of
 * that tensor, owned by the caller; NULL for an omitted output). False with d
 * filled when the kernels cannot run the node (ST_UNSUPPORTED) or it is bad. */
bool rt_eval_node(RtEval *e, const struct Graph *g, int node, void *const *outputs,
                  struct Diag *d);

#endif
