/* SPDX-License-Identifier: MIT */
/*
 * typed.c - the typed kernels: Cast between any two RT_DT_* element types, and
 * elementwise binary / unary ops, data movement, reductions and max pooling on
 * elements of any of those types (contracts in rt.h).
 *
 * Every element passes through one exact intermediate form, an RtTyVal: a
 * double (every float type widens to double exactly) or a 64-bit two's
 * complement integer (every integer type and bool). A float result is rounded
 * once, to nearest even, from that exact value to its format (rt_ty_encode_float
 * works on the value's full significand, so f64 -> f16 and int64 -> bf16 round
 * once, never twice). Integer arithmetic is unsigned 64-bit arithmetic, so it
 * wraps without UB, and results are truncated to their width. The edge cases
 * ONNX defines (float8 saturate, float4e2m1, float8e8m0 round_mode) are spelled
 * out at the encoders and agree with the ONNX backend test data. Libc only, no
 * allocation: embedded verbatim into emitted code (minus its #include line).
 */
#include "rt.h"

/* One element in its exact intermediate form. */
typedef struct RtTyVal {
    int is_float;      /* 1: the value is f; 0: it is i */
    int is_unsigned;   /* integers: i is unsigned, else two's complement */
    double f;
    uint64_t i;
} RtTyVal;

/* A finite nonzero magnitude as m * 2^(e - 63) with bit 63 of m set, or a class. */
enum { RT_TY_ZERO = 0, RT_TY_FINITE = 1, RT_TY_INF = 2, RT_TY_NAN = 3 };
typedef struct RtTyNorm {
    int cls;           /* RT_TY_* */
    int neg;           /* sign (also of zero, inf and NaN) */
    uint64_t m;        /* significand, bit 63 set (RT_TY_FINITE) */
    int e;             /* value = m / 2^63 * 2^e */
} RtTyNorm;

static inline RT_UNUSED int rt_ty_is_float(int dt)
{
    switch (dt) {
    case RT_DT_F32: case RT_DT_F64: case RT_DT_F16: case RT_DT_BF16: case RT_DT_F8E4M3FN:
    case RT_DT_F8E4M3FNUZ: case RT_DT_F8E5M2: case RT_DT_F8E5M2FNUZ: case RT_DT_F4E2M1:
    case RT_DT_F8E8M0:
        return 1;
    default:
        return 0;
    }
}

static inline RT_UNUSED int rt_ty_is_unsigned(int dt)
{
    switch (dt) {
    case RT_DT_U8: case RT_DT_U16: case RT_DT_U32: case RT_DT_U64: case RT_DT_U4:
    case RT_DT_U2: case RT_DT_BOOL:
        return 1;
    default:
        return 0;
    }
}

/* Bytes per element in memory (rt_kernels.h), 0 for a type without a layout. */
static inline RT_UNUSED int rt_ty_esize(int dt)
{
    switch (dt) {
    case RT_DT_F64: case RT_DT_I64: case RT_DT_U64: return 8;
    case RT_DT_F32: case RT_DT_I32: case RT_DT_U32: return 4;
    case RT_DT_F16: case RT_DT_BF16: case RT_DT_I16: case RT_DT_U16: return 2;
    case RT_DT_U8: case RT_DT_I8: case RT_DT_BOOL: case RT_DT_F8E4M3FN: case RT_DT_F8E4M3FNUZ:
    case RT_DT_F8E5M2: case RT_DT_F8E5M2FNUZ: case RT_DT_U4: case RT_DT_I4: case RT_DT_F4E2M1:
    case RT_DT_F8E8M0: case RT_DT_U2: case RT_DT_I2:
        return 1;
    default:
        return 0;
    }
}

/* u read as two's complement, without the implementation-defined conversion. */
static inline RT_UNUSED int64_t rt_ty_s64(uint64_t u)
{
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

static inline RT_UNUSED double rt_ty_as_double(RtTyVal v)
{
    if (v.is_float)
        return v.f;
    return v.is_unsigned ? (double)v.i : (double)rt_ty_s64(v.i);
}

static inline RT_UNUSED RtTyVal rt_ty_float(double f)
{
    RtTyVal v = {1, 0, f, 0};
    return v;
}

static inline RT_UNUSED RtTyVal rt_ty_int(uint64_t i, int is_unsigned)
{
    RtTyVal v = {0, is_unsigned, 0.0, i};
    return v;
}

/* The smallest value of integer type dt (two's complement; 0 if unsigned). */
static inline RT_UNUSED uint64_t rt_ty_int_min(int dt)
{
    switch (dt) {
    case RT_DT_I8: return (uint64_t)(int64_t)-128;
    case RT_DT_I16: return (uint64_t)(int64_t)-32768;
    case RT_DT_I32: return (uint64_t)(int64_t)INT32_MIN;
    case RT_DT_I64: return (uint64_t)1 << 63;
    case RT_DT_I4: return (uint64_t)(int64_t)-8;
    case RT_DT_I2: return (uint64_t)(int64_t)-2;
    default: return 0;
    }
}

/* ---------------------------------------------------------- float formats */

/* The small IEEE-like formats: mantissa bits, exponent bias, the largest finite
 * magnitude's encoding and the sign bit. Their encodings order like their values,
 * which rt_ty_encode_float relies on. */
static inline RT_UNUSED void rt_ty_format(int dt, int *mbits, int *bias, uint32_t *maxbits,
                                          uint32_t *sign)
{
    switch (dt) {
    case RT_DT_F16: *mbits = 10; *bias = 15; *maxbits = 0x7bff; *sign = 0x8000; return;
    case RT_DT_BF16: *mbits = 7; *bias = 127; *maxbits = 0x7f7f; *sign = 0x8000; return;
    case RT_DT_F8E4M3FN: *mbits = 3; *bias = 7; *maxbits = 0x7e; *sign = 0x80; return;
    case RT_DT_F8E4M3FNUZ: *mbits = 3; *bias = 8; *maxbits = 0x7f; *sign = 0x80; return;
    case RT_DT_F8E5M2: *mbits = 2; *bias = 15; *maxbits = 0x7b; *sign = 0x80; return;
    case RT_DT_F8E5M2FNUZ: *mbits = 2; *bias = 16; *maxbits = 0x7f; *sign = 0x80; return;
    default: *mbits = 1; *bias = 1; *maxbits = 0x7; *sign = 0x8; return;   /* F4E2M1 */
    }
}

/* bits of dt (F16, BF16, float8 except E8M0, F4E2M1) -> its value, exactly. */
static inline RT_UNUSED double rt_ty_decode_float(int dt, uint32_t bits)
{
    int mbits, bias;
    uint32_t maxbits, sign;
    rt_ty_format(dt, &mbits, &bias, &maxbits, &sign);
    const uint32_t mag = bits & (sign - 1u), emask = (sign - 1u) >> mbits;
    const uint32_t e = mag >> mbits, f = mag & ((1u << mbits) - 1u);
    const int neg = (bits & sign) != 0;
    switch (dt) {
    case RT_DT_F16: case RT_DT_BF16: case RT_DT_F8E5M2:   /* IEEE: inf and NaN */
        if (e == emask)
            return f ? (neg ? -NAN : NAN) : (neg ? -INFINITY : INFINITY);
        break;
    case RT_DT_F8E4M3FN:   /* S.1111.111 is NaN, no inf */
        if (mag == 0x7f)
            return neg ? -NAN : NAN;
        break;
    case RT_DT_F8E4M3FNUZ: case RT_DT_F8E5M2FNUZ:   /* "negative zero" is NaN */
        if (bits == 0x80)
            return -NAN;   /* its sign bit is set; ONNX decodes it to -NaN */
        break;
    default:
        break;
    }
    const double v = e ? ldexp((double)(f | (1u << mbits)), (int)e - bias - mbits)
                       : ldexp((double)f, 1 - bias - mbits);
    return neg ? -v : v;
}

/* float8e8m0: 2^(code - 127), 0xff is NaN. */
static inline RT_UNUSED double rt_ty_decode_e8m0(uint8_t code)
{
    return code == 0xff ? NAN : ldexp(1.0, (int)code - 127);
}

/* Leading zero bits of m != 0. */
static inline RT_UNUSED int rt_ty_clz64(uint64_t m)
{
    int n = 0;
    for (int s = 32; s > 0; s >>= 1)
        if (!(m >> (64 - s))) {
            m <<= s;
            n += s;
        }
    return n;
}

/* m * 2^k (m != 0) normalized. */
static inline RT_UNUSED RtTyNorm rt_ty_norm(int neg, uint64_t m, int k)
{
    const int s = rt_ty_clz64(m);
    RtTyNorm n = {RT_TY_FINITE, neg, m << s, k + 63 - s};
    return n;
}

/* The exact value of v, for the float encoders. */
static inline RT_UNUSED RtTyNorm rt_ty_norm_val(RtTyVal v)
{
    RtTyNorm n = {RT_TY_ZERO, 0, 0, 0};
    if (!v.is_float) {
        n.neg = !v.is_unsigned && rt_ty_s64(v.i) < 0;
        const uint64_t mag = n.neg ? 0 - v.i : v.i;
        return mag ? rt_ty_norm(n.neg, mag, 0) : n;
    }
    uint64_t bits;
    memcpy(&bits, &v.f, sizeof bits);
    n.neg = (int)(bits >> 63);
    const int ex = (int)((bits >> 52) & 0x7ff);
    const uint64_t fr = bits & ((UINT64_C(1) << 52) - 1);
    if (ex == 0x7ff) {
        n.cls = fr ? RT_TY_NAN : RT_TY_INF;
        return n;
    }
    if (ex == 0)
        return fr ? rt_ty_norm(n.neg, fr, -1074) : n;
    return rt_ty_norm(n.neg, fr | (UINT64_C(1) << 52), ex - 1075);
}

/* Encodes into dt (F16, BF16, float8 except E8M0, F4E2M1), rounding to nearest
 * even. Beyond the largest finite value (after rounding) and for +-inf:
 *   f16, bf16: +-inf (ONNX: float targets overflow to infinity; no saturate);
 *   float8 with saturate: +-largest finite value;
 *   float8 without: e5m2 +-inf, e4m3fn NaN (sign kept), the fnuz types NaN (0x80);
 *   f4e2m1 (no inf, no NaN): always +-6.
 * NaN gives each format's NaN (f16 and bf16 quiet, sign kept), and 0x8 (-0) for
 * f4e2m1, as the ONNX test data has it. The fnuz types have no -0: a negative
 * value that rounds to zero gives +0. */
static inline RT_UNUSED uint32_t rt_ty_encode_float(int dt, RtTyNorm n, int saturate)
{
    int mbits, bias;
    uint32_t maxbits, sign;
    rt_ty_format(dt, &mbits, &bias, &maxbits, &sign);
    const int uz = dt == RT_DT_F8E4M3FNUZ || dt == RT_DT_F8E5M2FNUZ;
    const uint32_t s = n.neg ? sign : 0;
    if (n.cls == RT_TY_NAN) {
        switch (dt) {
        case RT_DT_F16: return s | 0x7e00;
        case RT_DT_BF16: return s | 0x7fc0;
        case RT_DT_F8E4M3FN: return s | 0x7f;
        case RT_DT_F8E5M2: return s | 0x7e;
        case RT_DT_F4E2M1: return 0x8;
        default: return 0x80;
        }
    }
    if (n.cls == RT_TY_ZERO)
        return uz ? 0 : s;

    uint64_t mag = (uint64_t)maxbits + 1;   /* inf: overflows */
    if (n.cls == RT_TY_FINITE) {
        /* q counts units of the result's last place: 2^(e - mbits) for normal
         * results, 2^(emin - mbits) for subnormal ones. A subnormal q that rounds
         * up to 2^mbits is the smallest normal's encoding; a normal q that rounds
         * up to 2^(mbits+1) carries into the exponent field. Both fall out of the
         * sum below. */
        const int emin = 1 - bias;
        const int shift = 63 - mbits + (n.e < emin ? emin - n.e : 0);
        uint64_t q;
        if (shift >= 65)
            q = 0;
        else if (shift == 64)
            q = n.m > (UINT64_C(1) << 63);   /* above half the smallest subnormal */
        else {
            const uint64_t rem = n.m & ((UINT64_C(1) << shift) - 1), half = UINT64_C(1) << (shift - 1);
            q = n.m >> shift;
            if (rem > half || (rem == half && (q & 1)))
                q++;
        }
        mag = n.e < emin ? q : ((uint64_t)(n.e + bias - 1) << mbits) + q;
    }
    if (mag > maxbits) {
        if (dt == RT_DT_F16 || dt == RT_DT_BF16)
            return s | (maxbits + 1);   /* inf */
        if (dt == RT_DT_F4E2M1 || saturate)
            return s | maxbits;
        if (dt == RT_DT_F8E5M2)
            return s | 0x7c;
        return dt == RT_DT_F8E4M3FN ? (s | 0x7f) : 0x80;
    }
    if (mag == 0 && uz)
        return 0;
    return s | (uint32_t)mag;
}

/* Encodes |value| into float8e8m0 (a power of two 2^(code-127), code 0..254;
 * 0xff is NaN), following the ONNX reference: the sign is ignored, NaN and +-inf
 * give 0xff, zero gives 0x00. Between two powers of two RT_ROUND_UP takes the
 * larger, RT_ROUND_DOWN the smaller, RT_ROUND_NEAREST the nearer with ties
 * (1.5 * 2^k) up. Results below 2^-127 give 0x00 (there is no zero); above
 * 2^127 they give 0xfe when saturate, else 0xff. */
static inline RT_UNUSED uint8_t rt_ty_encode_e8m0(RtTyNorm n, int saturate, int round_mode)
{
    if (n.cls == RT_TY_NAN || n.cls == RT_TY_INF)
        return 0xff;
    if (n.cls == RT_TY_ZERO)
        return 0x00;
    int code = n.e + 127;
    const uint64_t frac = n.m << 1;   /* bits below the leading one */
    if (round_mode == RT_ROUND_UP && frac)
        code++;
    else if (round_mode == RT_ROUND_NEAREST && (frac >> 63))
        code++;
    if (code < 0)
        return 0x00;
    if (code > 254)
        return saturate ? 0xfe : 0xff;
    return (uint8_t)code;
}

/* ----------------------------------------------------------- load, store */

static inline RT_UNUSED RtTyVal rt_ty_load(const void *x, long long i, int dt)
{
    const unsigned char *p = (const unsigned char *)x;
    switch (dt) {
    case RT_DT_F32: {
        float f;
        memcpy(&f, p + 4 * i, 4);
        return rt_ty_float(f);
    }
    case RT_DT_F64: {
        double f;
        memcpy(&f, p + 8 * i, 8);
        return rt_ty_float(f);
    }
    case RT_DT_F16: case RT_DT_BF16: {
        uint16_t h;
        memcpy(&h, p + 2 * i, 2);
        return rt_ty_float(rt_ty_decode_float(dt, h));
    }
    case RT_DT_F8E4M3FN: case RT_DT_F8E4M3FNUZ: case RT_DT_F8E5M2: case RT_DT_F8E5M2FNUZ:
        return rt_ty_float(rt_ty_decode_float(dt, p[i]));
    case RT_DT_F4E2M1:
        return rt_ty_float(rt_ty_decode_float(dt, p[i] & 0xfu));
    case RT_DT_F8E8M0:
        return rt_ty_float(rt_ty_decode_e8m0(p[i]));
    case RT_DT_U8: return rt_ty_int(p[i], 1);
    case RT_DT_I8: return rt_ty_int((uint64_t)(int64_t)(((int)p[i] ^ 0x80) - 0x80), 0);
    case RT_DT_BOOL: return rt_ty_int(p[i] != 0, 1);
    case RT_DT_U4: return rt_ty_int(p[i] & 0xfu, 1);
    case RT_DT_I4: return rt_ty_int((uint64_t)(int64_t)((int)((p[i] & 0xfu) ^ 0x8u) - 8), 0);
    case RT_DT_U2: return rt_ty_int(p[i] & 0x3u, 1);
    case RT_DT_I2: return rt_ty_int((uint64_t)(int64_t)((int)((p[i] & 0x3u) ^ 0x2u) - 2), 0);
    case RT_DT_U16: {
        uint16_t v;
        memcpy(&v, p + 2 * i, 2);
        return rt_ty_int(v, 1);
    }
    case RT_DT_I16: {
        int16_t v;
        memcpy(&v, p + 2 * i, 2);
        return rt_ty_int((uint64_t)(int64_t)v, 0);
    }
    case RT_DT_U32: {
        uint32_t v;
        memcpy(&v, p + 4 * i, 4);
        return rt_ty_int(v, 1);
    }
    case RT_DT_I32: {
        int32_t v;
        memcpy(&v, p + 4 * i, 4);
        return rt_ty_int((uint64_t)(int64_t)v, 0);
    }
    case RT_DT_U64: case RT_DT_I64: {
        uint64_t v;
        memcpy(&v, p + 8 * i, 8);
        return rt_ty_int(v, dt == RT_DT_U64);
    }
    default:
        return rt_ty_int(0, 1);
    }
}

/* A float value as a 64-bit integer for an integer target: truncated toward
 * zero; NaN gives 0, values beyond the int64 range (the uint64 range for a
 * uint64 target) the nearest end of it. The caller then wraps to the width. */
static inline RT_UNUSED uint64_t rt_ty_f2i(double f, int to_u64)
{
    if (f != f)
        return 0;
    if (to_u64 && f >= 9223372036854775808.0)
        return f >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)f;
    if (f >= 9223372036854775808.0)
        return (uint64_t)INT64_MAX;
    if (f < -9223372036854775808.0)
        return (uint64_t)1 << 63;   /* INT64_MIN */
    return (uint64_t)(int64_t)f;
}

/* y[i] (dt) = v: floats rounded once as described at the encoders, integers
 * wrapped to their width, bool = v != 0. */
static inline RT_UNUSED void rt_ty_store(void *y, long long i, int dt, RtTyVal v, int saturate,
                                         int round_mode)
{
    unsigned char *p = (unsigned char *)y;
    if (dt == RT_DT_BOOL) {
        p[i] = v.is_float ? v.f != 0.0 : v.i != 0;
        return;
    }
    if (dt == RT_DT_F32 || dt == RT_DT_F64) {
        /* C conversions round to nearest even; double -> float overflows to inf. */
        double d = v.f;
        float f = (float)v.f;
        if (!v.is_float) {
            const int64_t s = rt_ty_s64(v.i);
            d = v.is_unsigned ? (double)v.i : (double)s;
            f = v.is_unsigned ? (float)v.i : (float)s;
        }
        if (dt == RT_DT_F32)
            memcpy(p + 4 * i, &f, 4);
        else
            memcpy(p + 8 * i, &d, 8);
        return;
    }
    if (rt_ty_is_float(dt)) {
        const RtTyNorm n = rt_ty_norm_val(v);
        if (dt == RT_DT_F16 || dt == RT_DT_BF16) {
            const uint16_t h = (uint16_t)rt_ty_encode_float(dt, n, saturate);
            memcpy(p + 2 * i, &h, 2);
        } else if (dt == RT_DT_F8E8M0) {
            p[i] = rt_ty_encode_e8m0(n, saturate, round_mode);
        } else {
            p[i] = (uint8_t)rt_ty_encode_float(dt, n, saturate);
        }
        return;
    }
    const uint64_t u = v.is_float ? rt_ty_f2i(v.f, dt == RT_DT_U64) : v.i;
    switch (dt) {
    case RT_DT_U8: case RT_DT_I8: p[i] = (uint8_t)u; return;
    case RT_DT_U4: p[i] = (uint8_t)(u & 0xfu); return;
    case RT_DT_U2: p[i] = (uint8_t)(u & 0x3u); return;
    case RT_DT_I4: p[i] = (uint8_t)(u & 0x8u ? (u & 0xfu) | 0xf0u : u & 0xfu); return;
    case RT_DT_I2: p[i] = (uint8_t)(u & 0x2u ? (u & 0x3u) | 0xfcu : u & 0x3u); return;
    case RT_DT_U16: case RT_DT_I16: {
        const uint16_t h = (uint16_t)u;
        memcpy(p + 2 * i, &h, 2);
        return;
    }
    case RT_DT_U32: case RT_DT_I32: {
        const uint32_t w = (uint32_t)u;
        memcpy(p + 4 * i, &w, 4);
        return;
    }
    case RT_DT_U64: case RT_DT_I64:
        memcpy(p + 8 * i, &u, 8);
        return;
    default:
        return;
    }
}

/* x (n, xdt) -> y (n, ydt). x and y may be the same buffer only when the element
 * sizes are equal. */
RT_API void rt_cast_any(void *y, int ydt, const void *x, int xdt, long long n, int saturate,
                        int round_mode)
{
    for (long long i = 0; i < n; i++)
        rt_ty_store(y, i, ydt, rt_ty_load(x, i, xdt), saturate, round_mode);
}

/* ----------------------------------------------------------- elementwise */

/* One RT_BIN_* op in double; Max and Min propagate NaN like rt_binop. */
static inline RT_UNUSED double rt_ty_fbinop(int op, double a, double b)
{
    switch (op) {
    case RT_BIN_SUB: return a - b;
    case RT_BIN_MUL: return a * b;
    case RT_BIN_DIV: return a / b;
    case RT_BIN_POW: return pow(a, b);
    case RT_BIN_MAX: return (a > b || a != a) ? a : b;
    case RT_BIN_MIN: return (a < b || a != a) ? a : b;
    case RT_BIN_PRELU: return a < 0.0 ? a * b : a;
    default: return a + b;
    }
}

/* One RT_BIN_* op on 64-bit integers, wrapping; uns: compare and divide as
 * unsigned. Division by zero gives 0 and INT64_MIN / -1 wraps to INT64_MIN
 * (both UB in C, undefined in ONNX). */
static inline RT_UNUSED uint64_t rt_ty_ibinop(int op, uint64_t a, uint64_t b, int uns)
{
    const int64_t sa = rt_ty_s64(a), sb = rt_ty_s64(b);
    switch (op) {
    case RT_BIN_SUB: return a - b;
    case RT_BIN_MUL: return a * b;
    case RT_BIN_DIV:
        if (b == 0)
            return 0;
        if (uns)
            return a / b;
        if (sb == -1)
            return 0 - a;   /* INT64_MIN / -1 wraps */
        return (uint64_t)(sa / sb);
    case RT_BIN_MAX: return (uns ? a > b : sa > sb) ? a : b;
    case RT_BIN_MIN: return (uns ? a < b : sa < sb) ? a : b;
    case RT_BIN_PRELU: return !uns && sa < 0 ? a * b : a;
    default: return a + b;
    }
}

/* y[iy] = a[ia] OP b[ib]: in double when the result or an operand is a float
 * type, or for Pow; else in 64-bit integers, unsigned when ydt is. */
static inline RT_UNUSED void rt_ty_binary_elem(void *y, long long iy, int ydt, const void *a,
                                               long long ia, int adt, const void *b,
                                               long long ib, int bdt, int op)
{
    const RtTyVal va = rt_ty_load(a, ia, adt), vb = rt_ty_load(b, ib, bdt);
    RtTyVal r;
    if (rt_ty_is_float(ydt) || va.is_float || vb.is_float || op == RT_BIN_POW)
        r = rt_ty_float(rt_ty_fbinop(op, rt_ty_as_double(va), rt_ty_as_double(vb)));
    else
        r = rt_ty_int(rt_ty_ibinop(op, va.i, vb.i, rt_ty_is_unsigned(ydt)), rt_ty_is_unsigned(ydt));
    rt_ty_store(y, iy, ydt, r, 1, RT_ROUND_NEAREST);
}

/* a (adt), b (bdt), broadcastable to p->dims -> y (ydt, p->dims). The odometer
 * of rt_binary_f32's general case; every element is written right after its
 * operands are read, so y may be an operand that is not broadcast. */
RT_API void rt_binary_any(void *y, int ydt, const void *a, int adt, const void *b, int bdt,
                          const RtBinaryParams *p)
{
    const int last = RT_MAX_RANK - 1;
    long long total = 1;
    for (int d = 0; d < RT_MAX_RANK; d++)
        total *= p->dims[d];
    if (total <= 0)
        return;
    const long long inner = p->dims[last];
    const long long ia_step = p->sa[last], ib_step = p->sb[last];
    long long idx[RT_MAX_RANK] = {0};
    long long ia = 0, ib = 0;
    for (long long row = 0; row < total; row += inner) {
        for (long long i = 0; i < inner; i++)
            rt_ty_binary_elem(y, row + i, ydt, a, ia + i * ia_step, adt, b, ib + i * ib_step, bdt,
                              p->op);
        for (int d = last - 1; d >= 0; d--) {
            ia += p->sa[d];
            ib += p->sb[d];
            if (++idx[d] < p->dims[d])
                break;
            ia -= p->sa[d] * p->dims[d];
            ib -= p->sb[d] * p->dims[d];
            idx[d] = 0;
        }
    }
}

static inline RT_UNUSED double rt_ty_sigmoid(double v)
{
    if (v >= 0.0)
        return 1.0 / (1.0 + exp(-v));
    const double e = exp(v);
    return e / (1.0 + e);
}

static inline RT_UNUSED double rt_ty_softplus(double v)
{
    return v > 0.0 ? v + log1p(exp(-v)) : log1p(exp(v));
}

/* rt_unop of unary.c in double. */
static inline RT_UNUSED double rt_ty_funop(int op, double a, double b, double v)
{
    switch (op) {
    case RT_UN_RELU: return v > 0.0 ? v : 0.0;
    case RT_UN_SIGMOID: return rt_ty_sigmoid(v);
    case RT_UN_TANH: return tanh(v);
    case RT_UN_LEAKY_RELU: return v < 0.0 ? a * v : v;
    case RT_UN_CLIP: {   /* min(max(v, a), b): b wins when a > b; NaN stays */
        const double t = v < a ? a : v;
        return t > b ? b : t;
    }
    case RT_UN_ELU: return v < 0.0 ? a * expm1(v) : v;
    case RT_UN_SELU: return v <= 0.0 ? b * (a * exp(v) - a) : b * v;
    case RT_UN_HARD_SIGMOID: {
        const double t = a * v + b;
        return t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    }
    case RT_UN_HARD_SWISH: {
        const double t = v / 6.0 + 0.5;
        return v * (t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t);
    }
    case RT_UN_SOFTPLUS: return rt_ty_softplus(v);
    case RT_UN_MISH: return v * tanh(rt_ty_softplus(v));
    case RT_UN_EXP: return exp(v);
    case RT_UN_LOG: return log(v);
    case RT_UN_SQRT: return sqrt(v);
    case RT_UN_NEG: return -v;
    case RT_UN_ABS: return fabs(v);
    case RT_UN_RECIPROCAL: return 1.0 / v;
    case RT_UN_ERF: return erf(v);
    case RT_UN_FLOOR: return floor(v);
    case RT_UN_CEIL: return ceil(v);
    default: return v;
    }
}

/* A Clip bound as an integer of x's domain: the smallest (lower, up = 1) or
 * largest (upper, up = 0) integer on the kept side of f; NaN and values beyond
 * the domain clamp to its ends. Signed results are two's complement. */
static inline RT_UNUSED uint64_t rt_ty_clip_bound(double f, int up, int uns)
{
    const double lo = uns ? 0.0 : -9223372036854775808.0;
    const double hi = uns ? 18446744073709551616.0 : 9223372036854775808.0;
    const uint64_t min = uns ? 0 : (uint64_t)1 << 63, max = uns ? UINT64_MAX : (uint64_t)INT64_MAX;
    if (f != f)
        return up ? min : max;
    f = up ? ceil(f) : floor(f);
    if (f < lo)
        return min;
    if (f >= hi)
        return max;
    return uns ? (uint64_t)f : (uint64_t)(int64_t)f;
}

/* x (n, dt) -> y (n, dt) = op(x). Float types compute in double (f64 with the
 * double libm functions) and round once. Integers: Neg and Abs wrap (so Abs of
 * the most negative value is itself), Relu is max(x, 0), Clip clamps to the
 * integers within [alpha, beta] (beta wins when alpha > beta), Identity, Floor
 * and Ceil copy; any other op goes through double and back (truncating). */
RT_API void rt_unary_any(void *y, const void *x, int dt, long long n, int op, double alpha,
                         double beta)
{
    const int uns = rt_ty_is_unsigned(dt);
    const uint64_t lo = rt_ty_clip_bound(alpha, 1, uns), hi = rt_ty_clip_bound(beta, 0, uns);
    for (long long i = 0; i < n; i++) {
        const RtTyVal v = rt_ty_load(x, i, dt);
        RtTyVal r = v;
        if (v.is_float) {
            r = rt_ty_float(rt_ty_funop(op, alpha, beta, v.f));
        } else {
            const int neg = !uns && rt_ty_s64(v.i) < 0;
            switch (op) {
            case RT_UN_NEG: r.i = 0 - v.i; break;
            case RT_UN_ABS: r.i = neg ? 0 - v.i : v.i; break;
            case RT_UN_RELU: r.i = neg ? 0 : v.i; break;
            case RT_UN_CLIP: {
                const uint64_t t = rt_ty_ibinop(RT_BIN_MAX, v.i, lo, uns);
                r.i = rt_ty_ibinop(RT_BIN_MIN, t, hi, uns);
                break;
            }
            case RT_UN_IDENTITY: case RT_UN_FLOOR: case RT_UN_CEIL: break;
            default: r = rt_ty_float(rt_ty_funop(op, alpha, beta, rt_ty_as_double(v))); break;
            }
        }
        rt_ty_store(y, i, dt, r, 1, RT_ROUND_NEAREST);
    }
}

/* --------------------------------------------------------- data movement */

/* Moves one element of esize bytes; the fixed sizes become plain loads/stores. */
static inline RT_UNUSED void rt_ty_move(void *y, long long iy, const void *x, long long ix,
                                        int esize)
{
    unsigned char *d = (unsigned char *)y + iy * esize;
    const unsigned char *s = (const unsigned char *)x + ix * esize;
    switch (esize) {
    case 1: *d = *s; return;
    case 2: memcpy(d, s, 2); return;
    case 4: memcpy(d, s, 4); return;
    case 8: memcpy(d, s, 8); return;
    default: memcpy(d, s, (size_t)esize); return;
    }
}

/* x -> y through p (see RtCopyParams), elements of esize bytes. */
RT_API void rt_copy_any(void *restrict y, const void *restrict x, int esize, const RtCopyParams *p)
{
    const int last = RT_MAX_RANK - 1;
    long long total = 1;
    for (int d = 0; d < RT_MAX_RANK; d++)
        total *= p->dims[d];
    if (total <= 0 || esize <= 0)
        return;
    long long idx[RT_MAX_RANK] = {0};
    long long ix = p->xoff, iy = p->yoff;
    const long long inner = p->dims[last], xs = p->xs[last], ys = p->ys[last];
    for (long long row = 0; row < total; row += inner) {
        if (xs == 1 && ys == 1)
            memcpy((unsigned char *)y + iy * esize, (const unsigned char *)x + ix * esize,
                   (size_t)(inner * esize));
        else
            for (long long i = 0; i < inner; i++)
                rt_ty_move(y, iy + i * ys, x, ix + i * xs, esize);
        for (int d = last - 1; d >= 0; d--) {
            ix += p->xs[d];
            iy += p->ys[d];
            if (++idx[d] < p->dims[d])
                break;
            ix -= p->xs[d] * p->dims[d];
            iy -= p->ys[d] * p->dims[d];
            idx[d] = 0;
        }
    }
}

RT_API void rt_pad_any(void *restrict y, const void *restrict x, int esize, const RtPadParams *p,
                       const void *value)
{
    static const unsigned char zero[8] = {0};
    if (esize <= 0 || (esize > 8 && !value))
        return;
    long long total = 1, xstride[RT_MAX_RANK], s = 1;
    for (int d = RT_MAX_RANK - 1; d >= 0; d--) {
        xstride[d] = s;
        s *= p->xdims[d];
        total *= p->ydims[d];
    }
    long long idx[RT_MAX_RANK] = {0};
    for (long long o = 0; o < total; o++) {
        long long off = 0;
        int inside = 1;
        for (int d = 0; d < RT_MAX_RANK && inside; d++) {
            const long long src = rt_pad_src(idx[d], p->begin[d], p->xdims[d], p->mode);
            if (src < 0)
                inside = 0;
            else
                off += src * xstride[d];
        }
        if (inside)
            rt_ty_move(y, o, x, off, esize);
        else
            rt_ty_move(y, o, value ? value : zero, 0, esize);
        for (int d = RT_MAX_RANK - 1; d >= 0; d--) {
            if (++idx[d] < p->ydims[d])
                break;
            idx[d] = 0;
        }
    }
}

/* y[i] = *value (esize bytes) for i < n. */
RT_API void rt_fill_any(void *y, int esize, long long n, const void *value)
{
    if (esize <= 0)
        return;
    for (long long i = 0; i < n; i++)
        rt_ty_move(y, i, value, 0, esize);
}

/* ------------------------------------------------------ reduce, maxpool */

/* x (p->dims, dt) -> y (p->ny, dt). Each y element is finished in a local
 * accumulator before it is stored (no scratch, one rounding): float types sum
 * in double, integers in wrapping 64-bit arithmetic. Mean of integers divides
 * the sum by the count, truncating toward zero. Max propagates NaN like
 * rt_reduce_f32 (bool max is logical or); an empty Max gives -inf for float
 * types and the type's smallest value for integers. */
RT_API void rt_reduce_any(void *restrict y, const void *restrict x, int dt, const RtReduceParams *p)
{
    /* Split x's axes into kept ones (ys != 0: outer odometer, over y) and
     * reduced ones (inner odometer), innermost first; dims of 1 drop out. */
    long long kd[RT_MAX_RANK], kxs[RT_MAX_RANK], kys[RT_MAX_RANK], rd[RT_MAX_RANK], rxs[RT_MAX_RANK];
    int nk = 0, nr = 0;
    long long xstride = 1, nouter = 1, ninner = 1;
    for (int d = RT_MAX_RANK - 1; d >= 0; d--) {
        if (p->dims[d] != 1 && p->ys[d] != 0) {
            kd[nk] = p->dims[d];
            kxs[nk] = xstride;
            kys[nk] = p->ys[d];
            nouter *= p->dims[d];
            nk++;
        } else if (p->dims[d] != 1) {
            rd[nr] = p->dims[d];
            rxs[nr] = xstride;
            ninner *= p->dims[d];
            nr++;
        }
        xstride *= p->dims[d];
    }
    const int uns = rt_ty_is_unsigned(dt), is_float = rt_ty_is_float(dt);
    long long kidx[RT_MAX_RANK] = {0}, xo = 0, yo = 0;
    for (long long o = 0; o < nouter; o++) {
        long long ridx[RT_MAX_RANK] = {0}, xi = xo;
        double fs = p->op == RT_RED_MAX ? -INFINITY : 0.0;
        uint64_t is = p->op == RT_RED_MAX ? rt_ty_int_min(dt) : 0;
        for (long long i = 0; i < ninner; i++) {
            const RtTyVal v = rt_ty_load(x, xi, dt);
            if (is_float && p->op == RT_RED_MAX)
                fs = (v.f > fs || v.f != v.f) ? v.f : fs;
            else if (is_float)
                fs += v.f;
            else if (p->op == RT_RED_MAX)
                is = i == 0 ? v.i : rt_ty_ibinop(RT_BIN_MAX, is, v.i, uns);
            else
                is += v.i;
            for (int d = 0; d < nr; d++) {
                xi += rxs[d];
                if (++ridx[d] < rd[d])
                    break;
                xi -= rxs[d] * rd[d];
                ridx[d] = 0;
            }
        }
        RtTyVal r;
        if (is_float) {
            if (p->op == RT_RED_MEAN && p->count > 0)
                fs /= (double)p->count;
            r = rt_ty_float(fs);
        } else {
            if (p->op == RT_RED_MEAN && p->count > 0)
                is = uns ? is / (uint64_t)p->count : (uint64_t)(rt_ty_s64(is) / p->count);
            r = rt_ty_int(is, uns);
        }
        rt_ty_store(y, yo, dt, r, 1, RT_ROUND_NEAREST);
        for (int d = 0; d < nk; d++) {
            xo += kxs[d];
            yo += kys[d];
            if (++kidx[d] < kd[d])
                break;
            xo -= kxs[d] * kd[d];
            yo -= kys[d] * kd[d];
            kidx[d] = 0;
        }
    }
}

/* An integer element as an unsigned key that orders like its value. */
static inline RT_UNUSED uint64_t rt_ty_key(RtTyVal v)
{
    return v.is_unsigned ? v.i : v.i ^ ((uint64_t)1 << 63);
}

/* x (n,c,h,w, dt) -> y (n,c,oh,ow, dt) and, when not NULL, indices (n,c,oh,ow):
 * the flat index in x of each max, row-major over (n,c,h,w), or with
 * storage_order 1 column-major over (h,w): ((n*C + c)*H*W + w*H + h). Like
 * rt_maxpool2d_f32, padding never wins; the first of equal maxima wins; NaN
 * never wins. The winner's bytes are copied, so y holds an exact element of x.
 * A window of padding only gives -inf (float types; formats without inf
 * saturate) or the type's smallest value, and index -1; so does one of NaNs. */
RT_API void rt_maxpool2d_any(void *restrict y, long long *restrict indices, const void *restrict x,
                             int dt, const RtConvParams *p, int storage_order)
{
    const long long in_plane = (long long)p->h * p->w, out_plane = (long long)p->oh * p->ow;
    const long long planes = (long long)p->n * p->c;
    const int esize = rt_ty_esize(dt), is_float = rt_ty_is_float(dt);
    if (esize == 0)
        return;
    for (long long pc = 0; pc < planes; pc++) {
        for (int oy = 0; oy < p->oh; oy++) {
            const int iy0 = oy * p->sh - p->pt;
            for (int ox = 0; ox < p->ow; ox++) {
                const int ix0 = ox * p->sw - p->pl;
                long long best = -1, best_at = -1;
                double bf = -INFINITY;
                uint64_t bk = 0;
                for (int ky = 0; ky < p->kh; ky++) {
                    const int iy = iy0 + ky * p->dh;
                    if (iy < 0 || iy >= p->h)
                        continue;
                    for (int kx = 0; kx < p->kw; kx++) {
                        const int ix = ix0 + kx * p->dw;
                        if (ix < 0 || ix >= p->w)
                            continue;
                        const long long at = pc * in_plane + (long long)iy * p->w + ix;
                        const RtTyVal v = rt_ty_load(x, at, dt);
                        const int wins = is_float ? v.f == v.f && (best < 0 || v.f > bf)
                                                  : best < 0 || rt_ty_key(v) > bk;
                        if (wins) {
                            best = at;
                            best_at = storage_order == 1
                                          ? pc * in_plane + (long long)ix * p->h + iy
                                          : at;
                            bf = v.f;
                            bk = rt_ty_key(v);
                        }
                    }
                }
                const long long o = pc * out_plane + (long long)oy * p->ow + ox;
                if (best >= 0)
                    rt_ty_move(y, o, x, best, esize);
                else if (is_float)
                    rt_ty_store(y, o, dt, rt_ty_float(-INFINITY), 1, RT_ROUND_NEAREST);
                else
                    rt_ty_store(y, o, dt, rt_ty_int(rt_ty_int_min(dt), 0), 1, RT_ROUND_NEAREST);
                if (indices)
                    indices[o] = best_at;
            }
        }
    }
}
