/* SPDX-License-Identifier: MIT */
/*
 * emit_blob.c - constant data (weights, typed constants, packed weights) as a
 * string literal that initialises a 64-byte aligned, read-only union:
 *
 *     static const union { _Alignas(64) unsigned char b[N]; float f[N/4]; } w = {
 *     "...raw bytes..."
 *     "..."};
 *
 * Why a string literal: gcc and clang read one long literal many times faster
 * than N/4 integer constants (no token per element, no constant expression
 * per element), and the bytes land in .rodata exactly as written, with no
 * decoding at run time. Reading through .f is type punning through a union
 * (C11 6.5.2.3 note 95).
 *
 * Encoding (cg_blob_encode): every byte is written as itself except
 *   NUL            -> \0, or \000 when the next output character is an octal digit
 *   LF, CR         -> \n, \r  (a line end inside a literal is an error; a lone CR
 *                             counts as a line end for gcc)
 *   "  \           -> \"  \\
 *   ? after ?      -> \?      (-std=c11 has trigraphs: ??/ would be a backslash;
 *                             the ? of \? counts: ?\?? needs ?\?\?)
 *   E2 of a bidi control character's UTF-8 -> \342 (gcc's -Wbidi-chars)
 * so the output stays close to 1.0x the data (float mantissa bytes are
 * uniformly distributed: about 5 in 256 need an escape). All other bytes,
 * control characters and bytes >= 0x80 included, are raw: C11 5.2.1 leaves the
 * mapping of characters outside the basic set to the implementation; gcc and
 * clang copy them unchanged into narrow literals while the input and execution
 * character sets are the same (the default, UTF-8). The emitted file is thus
 * not text for tools that expect UTF-8; a compiler told -fexec-charset= other
 * than the input charset would re-encode them (documented in README).
 * clang warns about bytes that are not UTF-8 (-Winvalid-source-encoding) and
 * both compilers under -Wpedantic about literals longer than the 4095
 * characters C11 guarantees (-Woverlength-strings); cg_blob_prologue writes the
 * pragmas that silence exactly these two (cg_blob_epilogue restores them after
 * the data), and the byte-order guard: the bytes are the little-endian
 * in-memory image, so a big-endian target stops at #error when the compiler
 * says it is one (__BYTE_ORDER__; compilers that do not say get no guard).
 *
 * Trailing zero bytes are not written (a literal shorter than the array
 * zero-fills the rest); when the literal is as long as the array, the array
 * gets one byte more so the literal's terminating NUL fits (no "initializer
 * truncates NUL" warning on any compiler).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cg_internal.h"

/* Data bytes per literal (one per line). clang's time on a literal with bytes
 * that are not UTF-8 grows faster than linearly with the literal's length
 * (1.2 MB of floats: 0.4 s in literals of 128 bytes, 1.4 s of 1024, 4.5 s of
 * 4096 bytes); gcc does not care. 128 costs 3 bytes of quotes and newline per
 * 128. */
#define BLOB_LINE 128

static bool is_octal_digit(unsigned char ch)
{
    return ch >= '0' && ch <= '7';
}

/* True when p[0..n) starts with the UTF-8 encoding of a bidirectional control
 * character (U+202A..U+202E, U+2066..U+2069): gcc warns about those even
 * inside literals (-Wbidi-chars, on by default), so its first byte is escaped. */
static bool starts_bidi(const unsigned char *p, size_t n)
{
    return n >= 3 && p[0] == 0xE2 &&
           ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
            (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9));
}

/* True when p[0] is written raw (not escaped) after the character prev. */
static bool is_raw(const unsigned char *p, size_t n, int prev)
{
    unsigned char b = p[0];
    return b != 0 && b != '\n' && b != '\r' && b != '"' && b != '\\' &&
           !(b == '?' && prev == '?') && !starts_bidi(p, n);
}

size_t cg_blob_encode(const unsigned char *p, size_t n, char *out)
{
    size_t k = 0;
    int prev = -1;   /* the previous character written to this literal */
    for (size_t i = 0; i < n; i++) {
        unsigned char b = p[i];
        if (is_raw(p + i, n - i, prev)) {
            out[k++] = (char)b;
            prev = b;
            continue;
        }
        out[k++] = '\\';
        switch (b) {
        case 0:
            out[k++] = '0';
            /* an octal escape takes up to three digits: pad when a raw digit follows */
            if (i + 1 < n && is_octal_digit(p[i + 1])) {
                out[k++] = '0';
                out[k++] = '0';
            }
            break;
        case '\n': out[k++] = 'n'; break;
        case '\r': out[k++] = 'r'; break;
        case 0xE2:   /* three octal digits: never followed by a digit (0x80, 0x81) */
            out[k++] = '3';
            out[k++] = '4';
            out[k++] = '2';
            break;
        default: out[k++] = (char)b; break;   /* " \ ? */
        }
        prev = (unsigned char)out[k - 1];   /* after \? the source has a '?' */
    }
    return k;
}

void cg_blob_prologue(FILE *c)
{
    fputs("\n/* Constant data below: string literals holding the little-endian bytes of\n"
          " * each array (see onnxc's codegen/emit_blob.c); bytes >= 0x80 are raw. */\n"
          "#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)\n"
          "#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__\n"
          "#error \"the constant data of this file is little-endian; this target is not\"\n"
          "#endif\n"
          "#endif\n"
          "#if defined(__GNUC__)\n"
          "#pragma GCC diagnostic push\n"
          "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n"
          "#endif\n"
          "#if defined(__clang__)\n"
          "#pragma clang diagnostic ignored \"-Winvalid-source-encoding\"\n"
          "#endif\n",
          c);
}

void cg_blob_epilogue(FILE *c)
{
    fputs("\n#if defined(__GNUC__)\n#pragma GCC diagnostic pop\n#endif\n", c);
}

bool cg_emit_blob(FILE *c, const char *ident, const char *ctype, size_t elem_size,
                  const void *bytes, size_t n)
{
    const unsigned char *p = bytes;
    size_t len = n;
    while (len > 0 && p[len - 1] == 0)
        len--;
    size_t ne = elem_size ? n / elem_size : 0;
    fprintf(c, "static const union { _Alignas(64) unsigned char b[%zu]; %s f[%zu]; } %s = {",
            len == n ? n + 1 : n, ctype, ne ? ne : 1, ident);
    if (len == 0) {
        fputs("{0}};\n", c);
        return !ferror(c);
    }
    char buf[4 * BLOB_LINE + 4];
    for (size_t i = 0; i < len; i += BLOB_LINE) {
        size_t m = len - i < BLOB_LINE ? len - i : BLOB_LINE;
        size_t k = 0;
        buf[k++] = '\n';
        buf[k++] = '"';
        k += cg_blob_encode(p + i, m, buf + k);
        buf[k++] = '"';
        fwrite(buf, 1, k, c);
    }
    fputs("};\n", c);
    return !ferror(c);
}
