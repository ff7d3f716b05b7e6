/* SPDX-License-Identifier: MIT */
/*
 * names.c - how names from a model become C identifiers and comment text.
 *
 * Model names are arbitrary bytes. Identifiers keep [A-Za-z0-9_] and map every
 * other byte to '_'; a name that would start with a digit or '_' (identifiers
 * starting with '_' + upper case or "__" are reserved to the implementation) or
 * is empty gets a 'v' in front, and one that is a keyword or a macro of the
 * environment gets a '_' behind. Uniqueness is the caller's business (emit_c.c
 * appends numeric suffixes), since only it knows the other names in scope.
 * Comments quote names with every dangerous byte escaped, see cg_quote.
 */
#include <string.h>

#include "cg_internal.h"

void cg_identifier(const char *s, char *buf, size_t size)
{
    if (size == 0)
        return;
    if (size < 3) {            /* no room for anything but a fixed name */
        buf[0] = size == 2 ? 'v' : '\0';
        if (size == 2)
            buf[1] = '\0';
        return;
    }
    if (!s)
        s = "";
    size_t j = 0;
    unsigned char c0 = (unsigned char)s[0];
    bool alpha = (c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z');
    if (!alpha)                /* empty, a digit, or a byte that becomes '_' */
        buf[j++] = 'v';
    /* keep room for the terminator and a possible '_' suffix */
    for (size_t i = 0; s[i] && j + 2 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        buf[j++] = ok ? (char)c : '_';
    }
    buf[j] = '\0';
    if (cg_is_reserved(buf)) {
        buf[j++] = '_';
        buf[j] = '\0';
    }
}

/* Keywords of C11 and C++ (the header is read by C++ too), and names that the
 * emitted file's own headers or common compilers define as object-like macros
 * or types. Function-like macros (isnan ...) are harmless as plain names. */
static const char *const reserved[] = {
    "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",
    "_Noreturn", "_Static_assert", "_Thread_local", "auto", "break", "case", "char",
    "const", "continue", "default", "do", "double", "else", "enum", "extern", "float",
    "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
    "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while",
    /* C++ */
    "alignas", "alignof", "and", "and_eq", "asm", "bitand", "bitor", "bool", "catch",
    "class", "compl", "concept", "const_cast", "consteval", "constexpr", "constinit",
    "co_await", "co_return", "co_yield", "decltype", "delete", "dynamic_cast",
    "explicit", "export", "false", "friend", "mutable", "namespace", "new", "noexcept",
    "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected",
    "public", "reinterpret_cast", "requires", "static_assert", "static_cast",
    "template", "this", "thread_local", "throw", "true", "try", "typeid", "typename",
    "using", "virtual", "wchar_t", "xor", "xor_eq",
    /* macros and types of <stddef.h> <stdint.h> <string.h> <math.h> <stdbool.h>
     * <complex.h> <iso646.h> <errno.h>, and GNU-mode predefined macros */
    "NULL", "offsetof", "size_t", "ptrdiff_t", "max_align_t", "errno", "complex",
    "imaginary", "I", "noreturn", "assert", "linux", "unix", "i386", "INFINITY",
    "NAN", "HUGE_VAL", "HUGE_VALF", "HUGE_VALL", "EDOM", "ERANGE", "EILSEQ",
    "math_errhandling", "MATH_ERRNO", "MATH_ERREXCEPT", "float_t", "double_t",
    "memcpy", "expf", "signgam",
};

bool cg_is_reserved(const char *id)
{
    for (size_t i = 0; i < ARRAY_LEN(reserved); i++)
        if (strcmp(id, reserved[i]) == 0)
            return true;
    /* whole families: <stdint.h> types and limits, <math.h> FP_ and M_ macros,
     * the runtime's own names, and anything reserved to the implementation */
    static const char *const prefixes[] = {
        "int8", "int16", "int32", "int64", "uint", "intptr", "intmax", "INT", "UINT",
        "SIZE_", "PTRDIFF_", "WCHAR_", "WINT_", "SIG_ATOMIC_", "FP_", "M_", "RT_", "rt_",
        "Rt", "ONNXC_", "__",
    };
    for (size_t i = 0; i < ARRAY_LEN(prefixes); i++)
        if (strncmp(id, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return id[0] == '_' && id[1] >= 'A' && id[1] <= 'Z';
}

void cg_upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

/* Appends c to buf at *j if it fits with the closing text still to come. */
static void put(char *buf, size_t size, size_t *j, char c)
{
    if (*j + 1 < size)
        buf[(*j)++] = c;
}

void cg_quote(const char *s, size_t max_len, char *buf, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    if (size == 0)
        return;
    if (!s)
        s = "";
    size_t j = 0;
    /* reserve room for `..."` and the terminator so the result is always closed */
    size_t limit = size > 6 ? size - 5 : 1;
    put(buf, limit, &j, '"');
    size_t i = 0;
    for (; s[i] && i < max_len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool plain = c >= 0x20 && c < 0x7f && c != '*' && c != '\\' && c != '?' && c != '"';
        if (plain) {
            if (j + 1 >= limit)
                break;
            buf[j++] = (char)c;
        } else {
            if (j + 4 >= limit)
                break;
            buf[j++] = '\\';
            buf[j++] = 'x';
            buf[j++] = hex[c >> 4];
            buf[j++] = hex[c & 15];
        }
    }
    if (s[i]) {
        put(buf, size, &j, '.');
        put(buf, size, &j, '.');
        put(buf, size, &j, '.');
    }
    put(buf, size, &j, '"');
    buf[j] = '\0';
}
