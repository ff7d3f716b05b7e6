/* SPDX-License-Identifier: MIT */
/*
 * compare.c - the conformance runner's comparison of an output with the
 * expected tensor, for every element type.
 *
 * Both sides are in onnxc's in-memory layout (rt_kernels.h): the expected side
 * was decoded by frontend/ from the test's output_K.pb, the other came from the
 * interpreter or the emitted code. The dtype and the shape must match exactly.
 * Integer types and bool compare exactly (byte for byte per element); every
 * float type is decoded to double and compared with ONNX's backend-test
 * tolerance |out - ref| <= 1e-7 + 1e-3 |ref|, NaN equal to NaN and an infinity
 * equal only to itself. The decoders below (f16, bf16, the four float8 formats,
 * float4e2m1, float8e8m0) are test code, written from the formats' definitions,
 * independent of runtime/.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "conformance.h"

#define RTOL 1e-3
#define ATOL 1e-7

/* A small float format: sign bit, ebits of exponent with bias, mbits of
 * mantissa, and how it spells its special values. */
typedef struct MiniFloat {
    int ebits, mbits, bias;
    bool ieee_special;     /* top exponent: inf (mantissa 0) or NaN (f16, e5m2) */
    bool nan_all_ones;     /* e4m3fn: S.1111.111 is NaN, no infinities */
    bool nan_is_0x80;      /* the fnuz formats: only 0x80 is NaN, no -0, no inf */
} MiniFloat;

static double mini_float(unsigned bits, const MiniFloat *f)
{
    unsigned total = (unsigned)(1 + f->ebits + f->mbits);
    unsigned sign = (bits >> (total - 1)) & 1;
    unsigned e = (bits >> f->mbits) & ((1u << f->ebits) - 1);
    unsigned m = bits & ((1u << f->mbits) - 1);
    unsigned emax = (1u << f->ebits) - 1, mmax = (1u << f->mbits) - 1;
    if (f->nan_is_0x80 && bits == 1u << (total - 1))
        return NAN;
    if (f->nan_all_ones && e == emax && m == mmax)
        return NAN;
    if (f->ieee_special && e == emax)
        return m ? NAN : sign ? -INFINITY : INFINITY;
    double v = e ? ldexp(1.0 + ldexp((double)m, -f->mbits), (int)e - f->bias)
                 : ldexp((double)m, 1 - f->bias - f->mbits);
    return sign ? -v : v;
}

static const MiniFloat F16 = {5, 10, 15, true, false, false};
static const MiniFloat E4M3FN = {4, 3, 7, false, true, false};
static const MiniFloat E4M3FNUZ = {4, 3, 8, false, false, true};
static const MiniFloat E5M2 = {5, 2, 15, true, false, false};
static const MiniFloat E5M2FNUZ = {5, 2, 16, false, false, true};
static const MiniFloat E2M1 = {2, 1, 1, false, false, false};

double conf_elem_double(const void *p, DType dt, int64_t i)
{
    const unsigned char *b = p;
    if (dt == DT_F32) {
        float v;
        memcpy(&v, b + 4 * i, 4);
        return v;
    }
    if (dt == DT_F64) {
        double v;
        memcpy(&v, b + 8 * i, 8);
        return v;
    }
    if (dt == DT_F16 || dt == DT_BF16) {
        uint16_t h;
        memcpy(&h, b + 2 * i, 2);
        if (dt == DT_F16)
            return mini_float(h, &F16);
        uint32_t w = (uint32_t)h << 16;
        float v;
        memcpy(&v, &w, 4);
        return v;
    }
    if (dt == DT_F8E4M3FN)
        return mini_float(b[i], &E4M3FN);
    if (dt == DT_F8E4M3FNUZ)
        return mini_float(b[i], &E4M3FNUZ);
    if (dt == DT_F8E5M2)
        return mini_float(b[i], &E5M2);
    if (dt == DT_F8E5M2FNUZ)
        return mini_float(b[i], &E5M2FNUZ);
    if (dt == DT_F4E2M1)
        return mini_float(b[i] & 0xf, &E2M1);
    if (dt == DT_F8E8M0)
        return b[i] == 0xff ? NAN : ldexp(1.0, (int)b[i] - 127);
    /* the integer types, for messages */
    int64_t s = 0;
    uint64_t u = 0;
    if (dt == DT_I8 || dt == DT_I4 || dt == DT_I2)
        return (int8_t)b[i];
    if (dt == DT_U8 || dt == DT_U4 || dt == DT_U2 || dt == DT_BOOL)
        return b[i];
    if (dt == DT_I16) {
        int16_t v;
        memcpy(&v, b + 2 * i, 2);
        return v;
    }
    if (dt == DT_U16) {
        uint16_t v;
        memcpy(&v, b + 2 * i, 2);
        return v;
    }
    if (dt == DT_I32) {
        int32_t v;
        memcpy(&v, b + 4 * i, 4);
        return v;
    }
    if (dt == DT_U32) {
        uint32_t v;
        memcpy(&v, b + 4 * i, 4);
        return v;
    }
    if (dt == DT_I64) {
        memcpy(&s, b + 8 * i, 8);
        return (double)s;
    }
    if (dt == DT_U64) {
        memcpy(&u, b + 8 * i, 8);
        return (double)u;
    }
    return NAN;
}

/* Element i of an integer tensor as text (exact, unlike a double). */
static void int_text(const void *p, DType dt, int64_t i, char *buf, size_t size)
{
    const unsigned char *b = p;
    if (dt == DT_I64) {
        int64_t v;
        memcpy(&v, b + 8 * i, 8);
        snprintf(buf, size, "%lld", (long long)v);
    } else if (dt == DT_U64) {
        uint64_t v;
        memcpy(&v, b + 8 * i, 8);
        snprintf(buf, size, "%llu", (unsigned long long)v);
    } else {
        snprintf(buf, size, "%.0f", conf_elem_double(p, dt, i));
    }
}

static void dims_text(const int64_t *dims, int rank, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < rank && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%lld", i ? "," : "",
                                (long long)dims[i]);
}

bool conf_compare(const void *got, DType got_dt, const int64_t *dims, int rank,
                  const OnnxTensor *ref, char *why, size_t size)
{
    if (got_dt != ref->dtype) {
        snprintf(why, size, "output is %s, expected %s", dtype_name(got_dt),
                 dtype_name(ref->dtype));
        return false;
    }
    bool same = ref->rank == rank;
    for (int i = 0; same && i < rank; i++)
        same = ref->dims[i] == dims[i];
    if (!same) {
        char a[128], b[128];
        dims_text(dims, rank, a, sizeof a);
        dims_text(ref->dims, ref->rank, b, sizeof b);
        snprintf(why, size, "output shape [%s], expected [%s]", a, b);
        return false;
    }
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= dims[i];
    size_t es = dtype_size(got_dt);
    bool exact = dtype_is_int(got_dt);
    int64_t bad = 0, first = -1;
    double worst = 0;
    for (int64_t i = 0; i < n; i++) {
        bool ok;
        double g = 0, r = 0;
        if (exact) {
            ok = memcmp((const char *)got + i * (int64_t)es,
                        (const char *)ref->data + i * (int64_t)es, es) == 0;
        } else {
            g = conf_elem_double(got, got_dt, i);
            r = conf_elem_double(ref->data, got_dt, i);
            if (isnan(r) || isnan(g))
                ok = isnan(r) && isnan(g);
            else if (isinf(r) || isinf(g))
                ok = g == r;
            else
                ok = fabs(g - r) <= ATOL + RTOL * fabs(r);
        }
        if (!ok) {
            if (first < 0)
                first = i;
            bad++;
            double err = exact ? 0 : fabs(g - r);
            if (!(err <= worst))
                worst = err;
        }
    }
    if (!bad)
        return true;
    if (exact) {
        char a[32], b[32];
        int_text(got, got_dt, first, a, sizeof a);
        int_text(ref->data, got_dt, first, b, sizeof b);
        snprintf(why, size, "%lld of %lld %s values differ (first at %lld: %s, expected %s)",
                 (long long)bad, (long long)n, dtype_name(got_dt), (long long)first, a, b);
    } else {
        snprintf(why, size,
                 "%lld of %lld %s values off (first at %lld: %g, expected %g; max |err| %g)",
                 (long long)bad, (long long)n, dtype_name(got_dt), (long long)first,
                 conf_elem_double(got, got_dt, first),
                 conf_elem_double(ref->data, got_dt, first), worst);
    }
    return false;
}
