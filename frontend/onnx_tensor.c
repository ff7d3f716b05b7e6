/* SPDX-License-Identifier: MIT */
/*
 * onnx_tensor.c - decoding and writing ONNX TensorProtos.
 *
 * A TensorProto carries its elements in exactly one place: raw_data (little
 * endian bytes, the 4- and 2-bit types packed), the one typed repeated field ONNX
 * uses for its type (see `storage` below), or an external file beside the model.
 * onnx_decode_tensor checks the dtype, the dims (non-negative, product
 * overflow-safe and within the limits), that the element count matches the dims
 * exactly and that typed-field entries fit the type, and hands back the bytes in
 * the IR's layout: sub-byte types unpacked to one element per byte (int4 and int2
 * sign-extended). onnx_write_tensor packs them again. External locations must
 * stay inside the model's folder: absolute paths and ".." are refused.
 *
 * The IR stores data little endian; the code assumes a little-endian host and
 * says so with ST_UNSUPPORTED on any other.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_internal.h"

DType onnx_dtype(int64_t code)
{
    /* DType values are the ONNX codes; dtype_size says which ones onnxc handles
     * (string 8 and the complex types 14 and 15 have no size, so they are refused). */
    if (code <= 0 || code > DT_I2)
        return DT_UNDEFINED;
    DType dt = (DType)code;
    return dtype_size(dt) ? dt : DT_UNDEFINED;
}

const char *onnx_dtype_code_name(int64_t code)
{
    static const char *const names[] = {
        "undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64",
        "string", "bool", "float16", "double", "uint32", "uint64", "complex64",
        "complex128", "bfloat16", "float8e4m3fn", "float8e4m3fnuz", "float8e5m2",
        "float8e5m2fnuz", "uint4", "int4", "float4e2m1", "float8e8m0", "uint2", "int2",
    };
    if (code >= 0 && code < (int64_t)ARRAY_LEN(names))
        return names[code];
    return "of unknown code";
}

/* The typed TensorProto fields, besides raw_data. */
typedef enum Field { FIELD_FLOAT, FIELD_INT32, FIELD_INT64, FIELD_DOUBLE, FIELD_UINT64 } Field;

/* How ONNX stores each DType in a TensorProto (onnx.proto's field comments and
 * onnx.helper.make_tensor): the bits one element takes in raw_data and external
 * data (4-bit types two to a byte, low nibble first; 2-bit types four to a byte,
 * lowest bits first), the one typed field that may hold it, and the range of one
 * entry of that field. f16 and bf16 go into int32_data as their bit patterns,
 * the float8 types and e8m0 as their codes, and the sub-byte types as the packed
 * bytes of raw_data (one byte per int32 entry, so ceil(numel * bits / 8) entries). */
static const struct Storage {
    DType dt;
    unsigned char bits;    /* per element in raw_data */
    bool is_signed;        /* sub-byte types: sign-extend when unpacking */
    Field field;
    int64_t lo;            /* entries of the typed field must lie in [lo, hi] */
    uint64_t hi;
} storage[] = {
    {DT_F32, 32, false, FIELD_FLOAT, 0, 0},
    {DT_F64, 64, false, FIELD_DOUBLE, 0, 0},
    {DT_I64, 64, false, FIELD_INT64, INT64_MIN, INT64_MAX},
    {DT_U64, 64, false, FIELD_UINT64, 0, UINT64_MAX},
    {DT_U32, 32, false, FIELD_UINT64, 0, UINT32_MAX},
    {DT_I32, 32, false, FIELD_INT32, INT32_MIN, INT32_MAX},
    {DT_I16, 16, false, FIELD_INT32, INT16_MIN, INT16_MAX},
    {DT_U16, 16, false, FIELD_INT32, 0, UINT16_MAX},
    {DT_I8, 8, false, FIELD_INT32, INT8_MIN, INT8_MAX},
    {DT_U8, 8, false, FIELD_INT32, 0, UINT8_MAX},
    {DT_BOOL, 8, false, FIELD_INT32, 0, 1},
    {DT_F16, 16, false, FIELD_INT32, 0, UINT16_MAX},
    {DT_BF16, 16, false, FIELD_INT32, 0, UINT16_MAX},
    {DT_F8E4M3FN, 8, false, FIELD_INT32, 0, UINT8_MAX},
    {DT_F8E4M3FNUZ, 8, false, FIELD_INT32, 0, UINT8_MAX},
    {DT_F8E5M2, 8, false, FIELD_INT32, 0, UINT8_MAX},
    {DT_F8E5M2FNUZ, 8, false, FIELD_INT32, 0, UINT8_MAX},
    {DT_F8E8M0, 8, false, FIELD_INT32, 0, UINT8_MAX},
    {DT_U4, 4, false, FIELD_INT32, 0, UINT8_MAX},
    {DT_I4, 4, true, FIELD_INT32, 0, UINT8_MAX},
    {DT_F4E2M1, 4, false, FIELD_INT32, 0, UINT8_MAX},
    {DT_U2, 2, false, FIELD_INT32, 0, UINT8_MAX},
    {DT_I2, 2, true, FIELD_INT32, 0, UINT8_MAX},
};

static const struct Storage *storage_of(DType dt)
{
    for (size_t i = 0; i < ARRAY_LEN(storage); i++)
        if (storage[i].dt == dt)
            return &storage[i];
    return NULL;
}

static const char *field_name(Field f)
{
    static const char *const names[] = {"float_data", "int32_data", "int64_data",
                                        "double_data", "uint64_data"};
    return names[f];
}

/* Bytes numel elements take packed as in raw_data. */
static size_t packed_bytes(const struct Storage *s, int64_t numel)
{
    if (s->bits >= 8)
        return (size_t)numel * (s->bits / 8);
    return ((size_t)numel * s->bits + 7) / 8;
}

/* Unpacks numel sub-byte elements (s->bits 2 or 4) from src, one per byte of dst:
 * uint8_t for the unsigned and float4 codes, sign-extended int8_t for int4/int2. */
static void unpack_bits(const struct Storage *s, const uint8_t *src, int64_t numel,
                        uint8_t *dst)
{
    int per = 8 / s->bits;
    unsigned mask = (1u << s->bits) - 1;
    for (int64_t i = 0; i < numel; i++) {
        unsigned v = (src[i / per] >> ((i % per) * s->bits)) & mask;
        if (s->is_signed && (v >> (s->bits - 1)))
            v |= ~mask;     /* the low byte of the two's complement value */
        dst[i] = (uint8_t)v;
    }
}

/* The inverse of unpack_bits: packs numel elements (the low bits of each byte
 * of src) into dst, which must hold packed_bytes(s, numel) bytes. */
static void pack_bits(const struct Storage *s, const uint8_t *src, int64_t numel, uint8_t *dst)
{
    int per = 8 / s->bits;
    unsigned mask = (1u << s->bits) - 1;
    memset(dst, 0, packed_bytes(s, numel));
    for (int64_t i = 0; i < numel; i++)
        dst[i / per] |= (uint8_t)((src[i] & mask) << ((i % per) * s->bits));
}

void onnx_format_dims(const int64_t *dims, int rank, char *buf, size_t size)
{
    size_t len = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    len += (size_t)snprintf(buf + len, size - len, "[");
    for (int i = 0; i < rank && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%lld", i ? "," : "",
                                (long long)dims[i]);
    if (len < size)
        snprintf(buf + len, size - len, "]");
}

bool onnx_copy_str(Arena *a, int64_t max_len, ProtobufCBinaryData b, const OnnxWhere *w,
                   const char **out, Diag *d)
{
    if (b.len > (uint64_t)max_len)
        return diag_fail_named(d, ST_LIMIT, w->node, w->op, "%s is %zu bytes long, limit %lld",
                               w->what, b.len, (long long)max_len);
    if (b.len > 0 && memchr(b.data, '\0', b.len))
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op, "%s contains a NUL byte",
                               w->what);
    *out = arena_strndup(a, b.len ? (const char *)b.data : "", b.len);
    if (!*out)
        return diag_fail_named(d, ST_NOMEM, w->node, w->op, "out of memory");
    return true;
}

bool onnx_read_file(const char *path, int64_t max_bytes, void **data, size_t *size, Diag *d)
{
    *data = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_fail(d, ST_IO, NULL, "cannot open \"%s\": %s", path, strerror(errno));
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        len = ftell(f);
    if (len < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return diag_fail(d, ST_IO, NULL, "cannot read \"%s\": not a regular file", path);
    }
    if ((unsigned long)len > SIZE_MAX - 1 || (int64_t)len > max_bytes) {
        fclose(f);
        return diag_fail(d, ST_LIMIT, NULL, "\"%s\" is %ld bytes, more than the limit of %lld",
                         path, len, (long long)max_bytes);
    }
    unsigned char *buf = malloc((size_t)len + 1);
    if (!buf) {
        fclose(f);
        return diag_fail(d, ST_NOMEM, NULL, "out of memory reading \"%s\"", path);
    }
    size_t got = fread(buf, 1, (size_t)len, f);
    bool err = ferror(f) != 0;
    fclose(f);
    if (err || got != (size_t)len) {
        free(buf);
        return diag_fail(d, ST_IO, NULL, "cannot read \"%s\"", path);
    }
    *data = buf;
    *size = got;
    return true;
}

static bool host_is_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* Parses a non-negative decimal int64 ("0" ... "9223372036854775807"). */
static bool parse_i64(const char *s, int64_t *out)
{
    int64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        int digit = *s - '0';
        if (v > (INT64_MAX - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

/* True when location is relative and has no ".." component. */
static bool location_is_safe(const char *loc)
{
    if (loc[0] == '/' || loc[0] == '\\' || strchr(loc, ':'))
        return false;
    const char *p = loc;
    while (*p) {
        size_t n = strcspn(p, "/\\");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        if (*p)
            p++;
    }
    return true;
}

/* Reads the external data of t (nbytes expected) into a malloc'd buffer. */
static bool read_external(const Onnx__TensorProto *t, const char *base_dir, const OnnxWhere *w,
                          size_t nbytes, void **out, Diag *d)
{
    char loc[1024] = "";
    int64_t offset = 0, length = -1;
    bool has_loc = false;
    for (size_t i = 0; i < t->n_external_data; i++) {
        const Onnx__StringStringEntryProto *e = t->external_data[i];
        if (!e->has_key || !e->has_value)
            continue;
        if (e->value.len >= sizeof(loc) || memchr(e->value.data, '\0', e->value.len))
            return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                                   "%s has a malformed external_data entry", w->what);
        char val[1024];
        memcpy(val, e->value.data, e->value.len);
        val[e->value.len] = '\0';
        size_t klen = e->key.len;
        const char *key = (const char *)e->key.data;
        if (klen == 8 && memcmp(key, "location", 8) == 0) {
            memcpy(loc, val, e->value.len + 1);
            has_loc = true;
        } else if (klen == 6 && memcmp(key, "offset", 6) == 0) {
            if (!parse_i64(val, &offset))
                return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                                       "%s has external data offset \"%s\"", w->what, val);
        } else if (klen == 6 && memcmp(key, "length", 6) == 0) {
            if (!parse_i64(val, &length))
                return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                                       "%s has external data length \"%s\"", w->what, val);
        }
    }
    if (!has_loc || !loc[0])
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                               "%s has external data without a location", w->what);
    if (!location_is_safe(loc))
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                               "%s: external data location \"%s\" is outside the model's folder",
                               w->what, loc);
    if (length >= 0 && (uint64_t)length != nbytes)
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                               "%s has external data length %lld, needs %zu bytes", w->what,
                               (long long)length, nbytes);
    char path[2200];
    int plen = snprintf(path, sizeof(path), "%s/%s", base_dir && *base_dir ? base_dir : ".",
                        loc);
    if (plen < 0 || (size_t)plen >= sizeof(path))
        return diag_fail_named(d, ST_LIMIT, w->node, w->op, "%s: external data path too long",
                               w->what);
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_fail_named(d, ST_IO, w->node, w->op,
                               "%s: cannot open external data file \"%s\": %s", w->what, path,
                               strerror(errno));
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || offset > (int64_t)size || (uint64_t)((int64_t)size - offset) < nbytes ||
        fseek(f, (long)offset, SEEK_SET) != 0) {
        fclose(f);
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                               "%s: external data file \"%s\" is too short (%zu bytes at offset "
                               "%lld)", w->what, path, nbytes, (long long)offset);
    }
    void *buf = malloc(nbytes ? nbytes : 1);
    if (!buf) {
        fclose(f);
        return diag_fail_named(d, ST_NOMEM, w->node, w->op, "out of memory");
    }
    size_t got = fread(buf, 1, nbytes, f);
    fclose(f);
    if (got != nbytes) {
        free(buf);
        return diag_fail_named(d, ST_IO, w->node, w->op,
                               "%s: cannot read external data file \"%s\"", w->what, path);
    }
    *out = buf;
    return true;
}

/* Converts the int32_data entries of t into dst, each entry checked against s's
 * range and stored in `width` bytes (1, 2 or 4; 1 for the packed bytes of the
 * sub-byte types). */
static bool narrow_int32(const Onnx__TensorProto *t, const struct Storage *s, size_t width,
                         const OnnxWhere *w, uint8_t *dst, Diag *d)
{
    for (size_t i = 0; i < t->n_int32_data; i++) {
        int32_t v = t->int32_data[i];
        if (v < s->lo || (int64_t)v > (int64_t)s->hi)
            return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                                   "%s holds %d in int32_data, out of range for %s", w->what,
                                   (int)v, dtype_name(s->dt));
        uint32_t u = (uint32_t)v;     /* two's complement; the low bytes are the element */
        for (size_t b = 0; b < width; b++)
            dst[i * width + b] = (uint8_t)(u >> (8 * b));
    }
    return true;
}

/* Converts the uint64_data entries of t (uint32 elements) into dst, range-checked. */
static bool narrow_uint64(const Onnx__TensorProto *t, const struct Storage *s,
                          const OnnxWhere *w, uint32_t *dst, Diag *d)
{
    for (size_t i = 0; i < t->n_uint64_data; i++) {
        uint64_t v = t->uint64_data[i];
        if (v > s->hi)
            return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                                   "%s holds %llu in uint64_data, out of range for %s",
                                   w->what, (unsigned long long)v, dtype_name(s->dt));
        dst[i] = (uint32_t)v;
    }
    return true;
}

/* Points out->data at the elements of t's typed field (or at a converted copy in
 * out->owned), packed as raw_data would be for the sub-byte types; stored is
 * that packed size in bytes. */
static bool decode_field(const Onnx__TensorProto *t, const struct Storage *s, size_t stored,
                         const char *dims, const OnnxWhere *w, OnnxDecoded *out, Diag *d)
{
    Field f;
    size_t n;
    if (t->n_float_data)
        f = FIELD_FLOAT, n = t->n_float_data;
    else if (t->n_int32_data)
        f = FIELD_INT32, n = t->n_int32_data;
    else if (t->n_int64_data)
        f = FIELD_INT64, n = t->n_int64_data;
    else if (t->n_double_data)
        f = FIELD_DOUBLE, n = t->n_double_data;
    else if (t->n_uint64_data)
        f = FIELD_UINT64, n = t->n_uint64_data;
    else
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                               "%s of type %s stores its data in string_data", w->what,
                               dtype_name(s->dt));
    if (f != s->field)
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                               "%s of type %s stores its data in %s (ONNX uses %s)", w->what,
                               dtype_name(s->dt), field_name(f), field_name(s->field));
    bool packed = s->bits < 8;
    uint64_t want = packed ? (uint64_t)stored : (uint64_t)out->numel;
    if ((uint64_t)n != want)
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                               "%s has %zu entries in %s, dims %s need %llu%s", w->what, n,
                               field_name(f), dims, (unsigned long long)want,
                               packed ? " (packed bytes)" : "");
    if (f == FIELD_FLOAT) {
        out->data = t->float_data;
    } else if (f == FIELD_DOUBLE) {
        out->data = t->double_data;
    } else if (f == FIELD_INT64) {
        out->data = t->int64_data;
    } else if (f == FIELD_INT32 && s->dt == DT_I32) {
        out->data = t->int32_data;
    } else if (f == FIELD_UINT64 && s->dt == DT_U64) {
        out->data = t->uint64_data;
    } else {
        out->owned = malloc(stored ? stored : 1);
        if (!out->owned)
            return diag_fail_named(d, ST_NOMEM, w->node, w->op, "out of memory");
        out->data = out->owned;
        if (f == FIELD_UINT64)
            return narrow_uint64(t, s, w, out->owned, d);
        return narrow_int32(t, s, packed ? 1 : s->bits / 8, w, out->owned, d);
    }
    return true;
}

bool onnx_decode_tensor(const Onnx__TensorProto *t, const OnnxLimits *lim,
                        const char *base_dir, const OnnxWhere *w, OnnxDecoded *out, Diag *d)
{
    memset(out, 0, sizeof(*out));
    if (!host_is_little_endian())
        return diag_fail_named(d, ST_UNSUPPORTED, w->node, w->op,
                               "onnxc needs a little-endian host to decode %s", w->what);
    if (!t->has_data_type || t->data_type == 0)
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op, "%s has no data_type",
                               w->what);
    DType dt = onnx_dtype(t->data_type);
    if (dt == DT_UNDEFINED)
        return diag_fail_named(d, ST_UNSUPPORTED, w->node, w->op,
                               "%s has element type %s (%d), which onnxc does not support",
                               w->what, onnx_dtype_code_name(t->data_type), (int)t->data_type);
    if (t->segment)
        return diag_fail_named(d, ST_UNSUPPORTED, w->node, w->op,
                               "%s is segmented, which onnxc does not support", w->what);
    if (t->n_dims > (size_t)lim->max_rank)
        return diag_fail_named(d, ST_LIMIT, w->node, w->op, "%s has rank %zu, limit %lld",
                               w->what, t->n_dims, (long long)lim->max_rank);
    out->dtype = dt;
    out->rank = (int)t->n_dims;
    int64_t numel = 1;
    bool too_many = false;
    for (int i = 0; i < out->rank; i++) {
        int64_t v = t->dims[i];
        if (v < 0)
            return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op, "%s has negative dim %lld",
                                   w->what, (long long)v);
        out->dims[i] = v;
        if (v != 0 && numel > INT64_MAX / v)
            too_many = true;
        else
            numel *= v;
    }
    char dims[IR_MAX_RANK * 22 + 3];
    onnx_format_dims(out->dims, out->rank, dims, sizeof(dims));
    for (int i = 0; i < out->rank; i++)
        if (out->dims[i] == 0)
            too_many = false, numel = 0;   /* an empty tensor, however large the rest */
    if (too_many || numel > lim->max_elements)
        return diag_fail_named(d, ST_LIMIT, w->node, w->op,
                               "%s has dims %s, more than %lld elements", w->what, dims,
                               (long long)lim->max_elements);
    out->numel = numel;
    out->nbytes = (size_t)numel * dtype_size(dt);
    if ((int64_t)out->nbytes > lim->max_total_bytes)
        return diag_fail_named(d, ST_LIMIT, w->node, w->op,
                               "%s has dims %s (%zu bytes), past the limit of %lld bytes",
                               w->what, dims, out->nbytes, (long long)lim->max_total_bytes);

    const struct Storage *st = storage_of(dt);
    if (!st)
        return diag_fail_named(d, ST_INTERNAL, w->node, w->op,
                               "%s: no storage rule for %s", w->what, dtype_name(dt));
    size_t stored = packed_bytes(st, numel);   /* bytes in raw_data or external data */

    /* Exactly one data source. */
    int n_src = 0;
    bool external = t->has_data_location && t->data_location == ONNX_DT_EXTERNAL;
    if (t->has_data_location && t->data_location != 0 && !external)
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op, "%s has data_location %d",
                               w->what, (int)t->data_location);
    n_src += t->has_raw_data != 0;
    n_src += t->n_float_data != 0;
    n_src += t->n_int32_data != 0;
    n_src += t->n_int64_data != 0;
    n_src += t->n_double_data != 0;
    n_src += t->n_uint64_data != 0;
    n_src += t->n_string_data != 0;
    n_src += external;
    if (n_src > 1)
        return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                               "%s has its data in more than one field", w->what);
    static const unsigned char empty[8];
    if (n_src == 0) {
        if (numel != 0)
            return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                                   "%s has no data, dims %s need %lld elements", w->what, dims,
                                   (long long)numel);
        out->data = empty;
        return true;
    }
    if (external) {
        if (!read_external(t, base_dir, w, stored, &out->owned, d))
            return false;
        out->data = out->owned;
    } else if (t->has_raw_data) {
        if (t->raw_data.len != stored)
            return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                                   "%s has %zu bytes of raw_data, dims %s need %zu", w->what,
                                   t->raw_data.len, dims, stored);
        out->data = stored ? (const void *)t->raw_data.data : (const void *)empty;
    } else if (!decode_field(t, st, stored, dims, w, out, d)) {
        onnx_tensor_release(out);
        return false;
    }
    if (st->bits < 8 && numel > 0) {
        /* sub-byte types: one element per byte in the IR */
        uint8_t *one = malloc(out->nbytes);
        if (!one) {
            onnx_tensor_release(out);
            return diag_fail_named(d, ST_NOMEM, w->node, w->op, "out of memory");
        }
        unpack_bits(st, out->data, numel, one);
        free(out->owned);
        out->owned = one;
        out->data = one;
    }
    if (dt == DT_BOOL) {
        const unsigned char *b = out->data;
        for (int64_t i = 0; i < numel; i++)
            if (b[i] > 1) {
                onnx_tensor_release(out);
                return diag_fail_named(d, ST_BAD_MODEL, w->node, w->op,
                                       "%s holds bool byte %d", w->what, (int)b[i]);
            }
    }
    return true;
}

void onnx_tensor_release(OnnxDecoded *t)
{
    free(t->owned);
    t->owned = NULL;
    t->data = NULL;
}

/* The directory part of path ("." when there is none), into buf. */
static void dir_of(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(buf, size, ".");
        return;
    }
    size_t n = (size_t)(slash - path);
    if (n == 0)
        n = 1;                      /* "/x.pb" lives in "/" */
    if (n >= size)
        n = size - 1;
    memcpy(buf, path, n);
    buf[n] = '\0';
}

bool onnx_read_tensor(const char *path, Arena *a, OnnxTensor *out, Diag *d)
{
    memset(out, 0, sizeof(*out));
    void *bytes;
    size_t size;
    OnnxLimits lim = onnx_limits_resolve(NULL);
    if (!onnx_read_file(path, lim.max_file_bytes, &bytes, &size, d))
        return false;
    OnnxBudget budget;
    ProtobufCAllocator alloc = onnx_budget_allocator(&budget, size);
    Onnx__TensorProto *t = onnx__tensor_proto__unpack(&alloc, size, bytes);
    free(bytes);
    if (!t && budget.failed)
        return diag_fail(d, ST_LIMIT, NULL, "\"%s\" needs more than %zu bytes to decode", path,
                         budget.limit);
    if (!t)
        return diag_fail(d, ST_BAD_MODEL, NULL, "\"%s\" is not a valid TensorProto", path);
    char dir[1024];
    dir_of(path, dir, sizeof(dir));
    char what[1100];
    snprintf(what, sizeof(what), "tensor file \"%s\"", path);
    OnnxWhere w = {"", "", what};
    OnnxDecoded dec;
    bool ok = onnx_copy_str(a, lim.max_string, t->name, &w, &out->name, d) &&
              onnx_decode_tensor(t, &lim, dir, &w, &dec, d);
    if (ok) {
        out->dtype = dec.dtype;
        out->rank = dec.rank;
        memcpy(out->dims, dec.dims, sizeof(out->dims));
        out->data = arena_alloc(a, dec.nbytes ? dec.nbytes : 1);
        if (out->data)
            memcpy(out->data, dec.data, dec.nbytes);
        else
            ok = diag_fail(d, ST_NOMEM, NULL, "out of memory reading \"%s\"", path);
        onnx_tensor_release(&dec);
    }
    onnx__tensor_proto__free_unpacked(t, &alloc);
    return ok;
}

bool onnx_write_tensor(const char *path, const OnnxTensor *t, Diag *d)
{
    size_t esize = dtype_size(t->dtype);
    const struct Storage *st = storage_of(t->dtype);
    if (esize == 0 || !st)
        return diag_fail(d, ST_UNSUPPORTED, NULL, "cannot write \"%s\": dtype %s", path,
                         dtype_name(t->dtype));
    if (t->rank < 0 || t->rank > IR_MAX_RANK)
        return diag_fail(d, ST_LIMIT, NULL, "cannot write \"%s\": rank %d", path, t->rank);
    uint64_t numel = 1;
    for (int i = 0; i < t->rank; i++) {
        if (t->dims[i] < 0)
            return diag_fail(d, ST_BAD_MODEL, NULL, "cannot write \"%s\": dim %lld", path,
                             (long long)t->dims[i]);
        if (t->dims[i] && numel > SIZE_MAX / esize / (uint64_t)t->dims[i])
            return diag_fail(d, ST_LIMIT, NULL, "cannot write \"%s\": too many elements", path);
        numel *= (uint64_t)t->dims[i];
    }
    if (!host_is_little_endian())
        return diag_fail(d, ST_UNSUPPORTED, NULL, "onnxc needs a little-endian host");
    Onnx__TensorProto p = ONNX__TENSOR_PROTO__INIT;
    int64_t dims[IR_MAX_RANK];
    memcpy(dims, t->dims, sizeof(dims));
    p.n_dims = (size_t)t->rank;
    p.dims = dims;
    p.has_data_type = 1;
    p.data_type = (int32_t)t->dtype;   /* DType values are the ONNX codes */
    if (t->name && *t->name) {
        p.has_name = 1;
        p.name.data = (uint8_t *)(uintptr_t)t->name;
        p.name.len = strlen(t->name);
    }
    p.has_raw_data = 1;
    p.raw_data.data = t->data;
    p.raw_data.len = packed_bytes(st, (int64_t)numel);
    if (p.raw_data.len && !t->data)
        return diag_fail(d, ST_INTERNAL, NULL, "cannot write \"%s\": no data", path);
    uint8_t *packed = NULL;     /* sub-byte types go back to ONNX's packed bytes */
    if (st->bits < 8 && p.raw_data.len) {
        packed = malloc(p.raw_data.len);
        if (!packed)
            return diag_fail(d, ST_NOMEM, NULL, "out of memory writing \"%s\"", path);
        pack_bits(st, t->data, (int64_t)numel, packed);
        p.raw_data.data = packed;
    }
    size_t len = onnx__tensor_proto__get_packed_size(&p);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        free(packed);
        return diag_fail(d, ST_NOMEM, NULL, "out of memory writing \"%s\"", path);
    }
    onnx__tensor_proto__pack(&p, buf);
    free(packed);
    /* a temporary beside the file, renamed over it: never a half-written file */
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        free(buf);
        return diag_fail(d, ST_IO, NULL, "cannot write \"%s\": path too long", path);
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        free(buf);
        return diag_fail(d, ST_IO, NULL, "cannot create \"%s\": %s", tmp, strerror(errno));
    }
    bool ok = fwrite(buf, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    free(buf);
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return diag_fail(d, ST_IO, NULL, "cannot write \"%s\"", path);
    }
    return true;
}
