/* SPDX-License-Identifier: MIT */
/*
 * resize.c - Resize over the last two axes of NCHW (f32): nearest neighbour
 * (rt_resize_nearest_f32) and linear or cubic interpolation, with antialiasing
 * and exclude_outside (rt_resize_interp_f32), for every coordinate
 * transformation of ONNX Resize.
 *
 * For every output coordinate the source coordinate is computed from the scale
 * (output / input) as onnx/onnx's reference does. Nearest rounds it by the
 * nearest mode (an exact integer stays itself) and clamps it into the input.
 * Interpolation takes the filter taps around it, weights them with the
 * triangle or cubic kernel (stretched by 1/scale when antialiasing a
 * downscale), and reads taps beyond the border from the edge, as the reference
 * pads. tf_crop_and_resize yields extrapolation outside the input. The plain
 * kernels precompute nothing, so they need no scratch memory; the blocked
 * nearest one (layout (n, c/16, h, w, 16) of the fast kernels) computes each
 * source column once per chunk of RT_RESIZE_CHUNK output columns into a stack
 * array and copies 16 channels per pixel. Libc only: embedded verbatim into
 * emitted code (minus its #include line).
 */
#include "rt.h"

#define RT_RESIZE_MAX_TAPS 64

/* Source coordinate of output index xr along one axis (lo, hi: the roi). The
 * arithmetic is in double, as the ONNX reference (numpy) does: RtResizeParams
 * holds the scale as float, so a scale equal to (float)(out/in) is taken to be
 * out/in exactly. The resized length is scale * in_len as in the reference. */
static RT_UNUSED double rt_resize_coord(int xr, int in_len, int out_len, float scale_f, int coord,
                              float lo, float hi)
{
    const double exact = (double)out_len / (double)in_len;
    const double scale = (float)exact == scale_f ? exact : (double)scale_f;
    const double len_resized = scale * (double)in_len;
    const double xd = (double)xr;
    switch (coord) {
    case RT_COORD_ASYMMETRIC:
        return xd / scale;
    case RT_COORD_ALIGN_CORNERS:
        return len_resized == 1.0 ? 0.0 : xd * (double)(in_len - 1) / (len_resized - 1.0);
    case RT_COORD_PYTORCH_HALF_PIXEL:
        return len_resized == 1.0 ? -0.5 : (xd + 0.5) / scale - 0.5;
    case RT_COORD_TF_HALF_PIXEL_FOR_NEAREST:
        return (xd + 0.5) / scale;
    case RT_COORD_HALF_PIXEL_SYMMETRIC: {
        const double adjustment = (double)out_len / len_resized;
        const double offset = (double)in_len / 2.0 * (1.0 - adjustment);
        return offset + (xd + 0.5) / scale - 0.5;
    }
    case RT_COORD_TF_CROP_AND_RESIZE: {
        const double span = ((double)hi - (double)lo) * (double)(in_len - 1);
        const double x = out_len == 1 ? span / 2.0 : xd * span / (double)(out_len - 1);
        return x + (double)lo * (double)(in_len - 1);
    }
    case RT_COORD_HALF_PIXEL:
    default:
        return (xd + 0.5) / scale - 0.5;
    }
}

/* Nearest source index for output index xr, or -1 outside a crop. */
static RT_UNUSED int rt_resize_src_index(int xr, int in_len, int out_len, float scale_f, int coord,
                               int nearest, float lo, float hi)
{
    const double xo = rt_resize_coord(xr, in_len, out_len, scale_f, coord, lo, hi);
    if (coord == RT_COORD_TF_CROP_AND_RESIZE && (xo < 0.0 || xo > (double)(in_len - 1)))
        return -1;
    const double fl = floor(xo);
    const double frac = xo - fl;
    double src = fl;                  /* an exact integer stays itself */
    if (frac > 0.0) {
        switch (nearest) {
        case RT_NEAREST_ROUND_PREFER_CEIL: src = frac >= 0.5 ? fl + 1.0 : fl; break;
        case RT_NEAREST_FLOOR: src = fl; break;
        case RT_NEAREST_CEIL: src = fl + 1.0; break;
        case RT_NEAREST_ROUND_PREFER_FLOOR:
        default: src = frac > 0.5 ? fl + 1.0 : fl; break;
        }
    }
    /* Clamp before converting: an out-of-range double -> int is undefined. */
    if (!(src > 0.0))
        return 0;
    if (src >= (double)(in_len - 1))
        return in_len - 1;
    return (int)src;
}

/* x (n,c,ih,iw) -> y (n,c,oh,ow), nearest neighbour. */
RT_API RT_UNUSED void rt_resize_nearest_f32(float *restrict y, const float *restrict x,
                                  const RtResizeParams *p)
{
    const ptrdiff_t planes = (ptrdiff_t)p->n * p->c;
    const ptrdiff_t in_plane = (ptrdiff_t)p->ih * p->iw;
    const ptrdiff_t out_plane = (ptrdiff_t)p->oh * p->ow;

    for (ptrdiff_t pc = 0; pc < planes; pc++) {
        const float *xc = x + pc * in_plane;
        float *yc = y + pc * out_plane;
        for (int oy = 0; oy < p->oh; oy++) {
            const int iy = rt_resize_src_index(oy, p->ih, p->oh, p->scale_h, p->coord, p->nearest,
                                               p->roi[0], p->roi[1]);
            float *yrow = yc + (ptrdiff_t)oy * p->ow;
            for (int ox = 0; ox < p->ow; ox++) {
                const int ix = rt_resize_src_index(ox, p->iw, p->ow, p->scale_w, p->coord,
                                                   p->nearest, p->roi[2], p->roi[3]);
                yrow[ox] = iy < 0 || ix < 0 ? p->extrapolation : xc[(ptrdiff_t)iy * p->iw + ix];
            }
        }
    }
}

/* The cubic convolution kernel with coefficient a. */
static RT_UNUSED double rt_cubic(double t, double a)
{
    t = fabs(t);
    if (t <= 1.0)
        return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
    if (t < 2.0)
        return ((a * t - 5.0 * a) * t + 8.0 * a) * t - 4.0 * a;
    return 0.0;
}

/* Filter taps (source indices, clamped to the input, and weights) of output
 * index xr along one axis; returns their count, 0 outside a crop. */
static RT_UNUSED int rt_resize_taps(int xr, int in_len, int out_len, float scale_f, const RtResizeParams *p,
                          float lo, float hi, int *idx, double *w)
{
    const double xo = rt_resize_coord(xr, in_len, out_len, scale_f, p->coord, lo, hi);
    if (p->coord == RT_COORD_TF_CROP_AND_RESIZE && (xo < 0.0 || xo > (double)(in_len - 1)))
        return 0;
    double x0 = floor(xo), ratio = xo - x0;
    if (ratio == 0.0) {   /* the reference prefers the left neighbour: ratio 1 */
        ratio = 1.0;
        x0 -= 1.0;
    }
    const double exact = (double)out_len / (double)in_len;
    const double scale = (float)exact == scale_f ? exact : (double)scale_f;
    const double s = p->antialias && scale < 1.0 ? scale : 1.0;
    const double support = p->mode == RT_RESIZE_CUBIC ? 2.0 : 1.0;
    int start = (int)floor(-support / s) + 1;
    int n = 2 - 2 * start;
    if (n > RT_RESIZE_MAX_TAPS) {
        start = 1 - RT_RESIZE_MAX_TAPS / 2;
        n = RT_RESIZE_MAX_TAPS;
    }
    /* the n taps nearest to xo among the edge-padded input */
    long long first = (long long)x0 + start;
    const long long pad = (n + 1) / 2;
    if (first < -pad)
        first = -pad;
    if (first + n - 1 > in_len - 1 + pad)
        first = in_len - 1 + pad - (n - 1);
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        const long long k = first + i;
        const double t = ((double)k - x0 - ratio) * s;
        double c = p->mode == RT_RESIZE_CUBIC ? rt_cubic(t, p->cubic_a)
                                              : (fabs(t) < 1.0 ? 1.0 - fabs(t) : 0.0);
        if (p->exclude_outside && (k < 0 || k >= in_len))
            c = 0.0;
        w[i] = c;
        sum += c;
        idx[i] = (int)(k < 0 ? 0 : k >= in_len ? in_len - 1 : k);
    }
    if ((p->antialias || p->exclude_outside) && sum != 0.0)
        for (int i = 0; i < n; i++)
            w[i] /= sum;
    return n;
}

/* x (n,c,ih,iw) -> y (n,c,oh,ow), linear or cubic (p->mode). */
RT_API void rt_resize_interp_f32(float *restrict y, const float *restrict x,
                                 const RtResizeParams *p)
{
    const ptrdiff_t planes = (ptrdiff_t)p->n * p->c;
    const ptrdiff_t in_plane = (ptrdiff_t)p->ih * p->iw;
    const ptrdiff_t out_plane = (ptrdiff_t)p->oh * p->ow;
    int iy[RT_RESIZE_MAX_TAPS], ix[RT_RESIZE_MAX_TAPS];
    double wy[RT_RESIZE_MAX_TAPS], wx[RT_RESIZE_MAX_TAPS];

    for (int oy = 0; oy < p->oh; oy++) {
        const int ny = rt_resize_taps(oy, p->ih, p->oh, p->scale_h, p, p->roi[0], p->roi[1], iy, wy);
        for (int ox = 0; ox < p->ow; ox++) {
            const int nx = rt_resize_taps(ox, p->iw, p->ow, p->scale_w, p, p->roi[2], p->roi[3],
                                          ix, wx);
            for (ptrdiff_t pc = 0; pc < planes; pc++) {
                const float *xc = x + pc * in_plane;
                double acc = 0.0;
                for (int a = 0; a < ny; a++) {
                    double row = 0.0;
                    for (int b = 0; b < nx; b++)
                        row += wx[b] * xc[(ptrdiff_t)iy[a] * p->iw + ix[b]];
                    acc += wy[a] * row;
                }
                y[pc * out_plane + (ptrdiff_t)oy * p->ow + ox] =
                    ny && nx ? (float)acc : p->extrapolation;
            }
        }
    }
}

enum { RT_RESIZE_CHUNK = 64 };

/* x (n,C16,ih,iw,16) -> y (n,C16,oh,ow,16), nearest neighbour (any c: the
 * pad lanes copied are zeros).
 * Not for tf_crop_and_resize (no extrapolation here): codegen never picks it then. */
RT_API RT_UNUSED void rt_resize_nearest_blocked_f32(float *restrict y, const float *restrict x,
                                                    const RtResizeParams *p)
{
    const ptrdiff_t blocks = (ptrdiff_t)p->n * ((p->c + 15) / 16);
    int src[RT_RESIZE_CHUNK];
    for (int ox0 = 0; ox0 < p->ow; ox0 += RT_RESIZE_CHUNK) {
        const int len = p->ow - ox0 < RT_RESIZE_CHUNK ? p->ow - ox0 : RT_RESIZE_CHUNK;
        for (int i = 0; i < len; i++)
            src[i] = rt_resize_src_index(ox0 + i, p->iw, p->ow, p->scale_w, p->coord, p->nearest,
                                         p->roi[2], p->roi[3]);
        for (int oy = 0; oy < p->oh; oy++) {
            const int iy = rt_resize_src_index(oy, p->ih, p->oh, p->scale_h, p->coord, p->nearest,
                                               p->roi[0], p->roi[1]);
            for (ptrdiff_t cb = 0; cb < blocks; cb++) {
                const float *xrow = x + ((cb * p->ih + iy) * p->iw) * 16;
                float *yrow = y + ((cb * p->oh + oy) * p->ow + ox0) * 16;
                for (int i = 0; i < len; i++)
                    memcpy(yrow + i * 16, xrow + (ptrdiff_t)src[i] * 16, 16 * sizeof(float));
            }
        }
    }
}

/* Columns whose taps rt_resize_interp_blk16_f32 computes at a time, and the
 * most taps per axis it takes (linear: 2, cubic: 4, without antialias). */
enum { RT_RESIZE_BLK_CHUNK = 32, RT_RESIZE_BLK_TAPS = 4 };

/* x (n,C16,ih,iw,16) -> y (n,C16,oh,ow,16), linear or cubic (p->mode) with the
 * taps and weights of rt_resize_interp_f32 (rt_resize_taps: any coordinate
 * transformation, exclude_outside), summed in float 16 channels at a time
 * (loops of 16 lanes that compilers vectorize; this file comes before
 * rt_vec.h in emitted code). Needs at most RT_RESIZE_BLK_TAPS taps per axis
 * (no antialiased downscale) and no tf_crop_and_resize; codegen picks it only
 * then. Each chunk's column taps are computed once and serve every row. Pad
 * lanes stay 0: a weighted sum of zeros. */
static inline RT_UNUSED void rt_resize_interp_blk16_body(float *restrict y,
                                                         const float *restrict x,
                                                         const RtResizeParams *p)
{
    const ptrdiff_t blocks = (ptrdiff_t)p->n * ((p->c + 15) / 16);
    int ix[RT_RESIZE_BLK_CHUNK][RT_RESIZE_BLK_TAPS], iy[RT_RESIZE_BLK_TAPS];
    float wx[RT_RESIZE_BLK_CHUNK][RT_RESIZE_BLK_TAPS], wy[RT_RESIZE_BLK_TAPS];
    int it[RT_RESIZE_MAX_TAPS];
    double wd[RT_RESIZE_MAX_TAPS];
    for (int ox0 = 0; ox0 < p->ow; ox0 += RT_RESIZE_BLK_CHUNK) {
        const int len = p->ow - ox0 < RT_RESIZE_BLK_CHUNK ? p->ow - ox0 : RT_RESIZE_BLK_CHUNK;
        int nx = 0;
        for (int i = 0; i < len; i++) {
            nx = rt_resize_taps(ox0 + i, p->iw, p->ow, p->scale_w, p, p->roi[2], p->roi[3], it, wd);
            nx = nx < RT_RESIZE_BLK_TAPS ? nx : RT_RESIZE_BLK_TAPS;
            for (int t = 0; t < nx; t++) {
                ix[i][t] = it[t];
                wx[i][t] = (float)wd[t];
            }
        }
        for (int oy = 0; oy < p->oh; oy++) {
            int ny = rt_resize_taps(oy, p->ih, p->oh, p->scale_h, p, p->roi[0], p->roi[1], it, wd);
            ny = ny < RT_RESIZE_BLK_TAPS ? ny : RT_RESIZE_BLK_TAPS;
            for (int t = 0; t < ny; t++) {
                iy[t] = it[t];
                wy[t] = (float)wd[t];
            }
            for (ptrdiff_t cb = 0; cb < blocks; cb++) {
                const float *xc = x + cb * p->ih * p->iw * 16;
                float *yrow = y + ((cb * p->oh + oy) * p->ow + ox0) * 16;
                if (nx == 2 && ny == 2) {   /* linear: the common case, unrolled */
                    const float *r0 = xc + (ptrdiff_t)iy[0] * p->iw * 16;
                    const float *r1 = xc + (ptrdiff_t)iy[1] * p->iw * 16;
                    for (int i = 0; i < len; i++) {
                        const float *a0 = r0 + (ptrdiff_t)ix[i][0] * 16;
                        const float *a1 = r0 + (ptrdiff_t)ix[i][1] * 16;
                        const float *b0 = r1 + (ptrdiff_t)ix[i][0] * 16;
                        const float *b1 = r1 + (ptrdiff_t)ix[i][1] * 16;
                        const float w0 = wx[i][0], w1 = wx[i][1];
                        float *yo = yrow + i * 16;
                        for (int l = 0; l < 16; l++)
                            yo[l] = wy[0] * (w0 * a0[l] + w1 * a1[l]) +
                                    wy[1] * (w0 * b0[l] + w1 * b1[l]);
                    }
                    continue;
                }
                for (int i = 0; i < len; i++) {
                    float acc[16] = {0};
                    for (int a = 0; a < ny; a++) {
                        const float *xr = xc + (ptrdiff_t)iy[a] * p->iw * 16;
                        float row[16] = {0};
                        for (int t = 0; t < nx; t++) {
                            const float *v = xr + (ptrdiff_t)ix[i][t] * 16;
                            for (int l = 0; l < 16; l++)
                                row[l] += wx[i][t] * v[l];
                        }
                        for (int l = 0; l < 16; l++)
                            acc[l] += wy[a] * row[l];
                    }
                    memcpy(yrow + i * 16, acc, sizeof acc);
                }
            }
        }
    }
}

/* x (n,C16,ih,iw,16) -> y (n,C16,oh,ow,16); see rt_resize_interp_blk16_body. */
RT_API RT_UNUSED void rt_resize_interp_blk16_f32(float *restrict y, const float *restrict x,
                                                 const RtResizeParams *p)
{
    rt_resize_interp_blk16_body(y, x, p);
}
