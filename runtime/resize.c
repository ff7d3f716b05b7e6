/* SPDX-License-Identifier: MIT */
/*
 * resize.c - nearest-neighbour Resize over the last two axes of NCHW (f32),
 * with the coordinate transformations and rounding modes of ONNX Resize.
 *
 * For every output coordinate the source coordinate is computed from the scale
 * (output / input) as onnx/onnx's reference does, rounded by the nearest mode
 * (an exact integer stays itself) and clamped into [0, in - 1].
 * The plain kernel precomputes nothing, so it needs no scratch memory; the
 * blocked one (layout (n, c/16, h, w, 16) of the fast kernels) computes each
 * source column once per chunk of RT_RESIZE_CHUNK output columns into a stack
 * array and copies 16 channels per pixel. Libc only: embedded verbatim into
 * emitted code (minus its #include line); each model uses one or both.
 */
#include "rt.h"

/* Source index along one axis for output index xr (0 <= xr < out_len).
 * The arithmetic is done in double, as the ONNX reference (numpy) does: with
 * sizes it divides by out/in in double, with scales by the float scale widened
 * to double. RtResizeParams holds only the float, so a scale equal to
 * (float)(out/in) is taken to be out/in exactly. The resized length is
 * scale * in_len as in the reference (not the rounded output length). */
static int rt_resize_src_index(int xr, int in_len, int out_len, float scale_f, int coord,
                               int nearest)
{
    const double exact = (double)out_len / (double)in_len;
    const double scale = (float)exact == scale_f ? exact : (double)scale_f;
    const double len_resized = scale * (double)in_len;
    const double xd = (double)xr;
    double xo;
    switch (coord) {
    case RT_COORD_ASYMMETRIC:
        xo = xd / scale;
        break;
    case RT_COORD_ALIGN_CORNERS:
        xo = len_resized == 1.0 ? 0.0 : xd * (double)(in_len - 1) / (len_resized - 1.0);
        break;
    case RT_COORD_PYTORCH_HALF_PIXEL:
        xo = len_resized == 1.0 ? -0.5 : (xd + 0.5) / scale - 0.5;
        break;
    case RT_COORD_TF_HALF_PIXEL_FOR_NEAREST:
        xo = (xd + 0.5) / scale;
        break;
    case RT_COORD_HALF_PIXEL:
    default:
        xo = (xd + 0.5) / scale - 0.5;
        break;
    }
    const double lo = floor(xo);
    const double frac = xo - lo;
    double src = lo;                  /* an exact integer stays itself */
    if (frac > 0.0) {
        switch (nearest) {
        case RT_NEAREST_ROUND_PREFER_CEIL: src = frac >= 0.5 ? lo + 1.0 : lo; break;
        case RT_NEAREST_FLOOR: src = lo; break;
        case RT_NEAREST_CEIL: src = lo + 1.0; break;
        case RT_NEAREST_ROUND_PREFER_FLOOR:
        default: src = frac > 0.5 ? lo + 1.0 : lo; break;
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
            const int iy = rt_resize_src_index(oy, p->ih, p->oh, p->scale_h, p->coord, p->nearest);
            const float *xrow = xc + (ptrdiff_t)iy * p->iw;
            float *yrow = yc + (ptrdiff_t)oy * p->ow;
            for (int ox = 0; ox < p->ow; ox++)
                yrow[ox] = xrow[rt_resize_src_index(ox, p->iw, p->ow, p->scale_w, p->coord,
                                                    p->nearest)];
        }
    }
}

enum { RT_RESIZE_CHUNK = 64 };

/* x (n,c/16,ih,iw,16) -> y (n,c/16,oh,ow,16), nearest neighbour; c % 16 == 0. */
RT_API RT_UNUSED void rt_resize_nearest_blocked_f32(float *restrict y, const float *restrict x,
                                                    const RtResizeParams *p)
{
    const ptrdiff_t blocks = (ptrdiff_t)p->n * (p->c / 16);
    int src[RT_RESIZE_CHUNK];
    for (int ox0 = 0; ox0 < p->ow; ox0 += RT_RESIZE_CHUNK) {
        const int len = p->ow - ox0 < RT_RESIZE_CHUNK ? p->ow - ox0 : RT_RESIZE_CHUNK;
        for (int i = 0; i < len; i++)
            src[i] = rt_resize_src_index(ox0 + i, p->iw, p->ow, p->scale_w, p->coord, p->nearest);
        for (int oy = 0; oy < p->oh; oy++) {
            const int iy = rt_resize_src_index(oy, p->ih, p->oh, p->scale_h, p->coord, p->nearest);
            for (ptrdiff_t cb = 0; cb < blocks; cb++) {
                const float *xrow = x + ((cb * p->ih + iy) * p->iw) * 16;
                float *yrow = y + ((cb * p->oh + oy) * p->ow + ox0) * 16;
                for (int i = 0; i < len; i++)
                    memcpy(yrow + i * 16, xrow + (ptrdiff_t)src[i] * 16, 16 * sizeof(float));
            }
        }
    }
}
