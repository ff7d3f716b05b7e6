/* SPDX-License-Identifier: MIT */
/*
 * arena.c - bump allocation for everything a compilation owns, and diagnostics.
 *
 * Blocks come from aligned_alloc, chained newest first and released together by arena_free.
 * Allocations are zeroed and 64-byte aligned, so constant data placed here can be
 * read with any element type. Once an allocation fails the arena stays failed,
 * which lets callers check for out-of-memory once at the end of a phase.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"

#define ARENA_ALIGN 64
#define ARENA_BLOCK (1u << 20)

struct ArenaBlock {
    ArenaBlock *next;
    size_t size, used;     /* bytes in data[], bytes handed out */
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

Arena *arena_new(void)
{
    return calloc(1, sizeof(Arena));
}

void *arena_alloc(Arena *a, size_t n)
{
    if (!a || a->failed)
        return NULL;
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / 2) {
        a->failed = true;
        return NULL;
    }
    n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    ArenaBlock *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        _Static_assert(sizeof(ArenaBlock) % ARENA_ALIGN == 0, "block header keeps alignment");
        /* aligned_alloc wants a multiple of the alignment; size already is one. */
        b = aligned_alloc(ARENA_ALIGN, sizeof(ArenaBlock) + size);
        if (!b) {
            a->failed = true;
            return NULL;
        }
        b->size = size;
        b->used = 0;
        /* A big allocation gets a block of its own behind the current one, so the
         * space left in the current block is not thrown away. */
        if (a->head && n > ARENA_BLOCK) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
        a->total += sizeof(ArenaBlock) + size;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

void *arena_calloc(Arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        if (a)
            a->failed = true;
        return NULL;
    }
    return arena_alloc(a, n * size);
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p && n)
        memcpy(p, s, n);
    return p;
}

char *arena_strdup(Arena *a, const char *s)
{
    if (!s)
        s = "";
    return arena_strndup(a, s, strlen(s));
}

void arena_free(Arena *a)
{
    if (!a)
        return;
    ArenaBlock *b = a->head;
    while (b) {
        ArenaBlock *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

/* ------------------------------------------------------------ diagnostics */

static void copy_trunc(char *dst, size_t size, const char *src)
{
    if (!src)
        src = "";
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static bool diag_vfail(Diag *d, Status code, const char *node, const char *op, const char *fmt,
                       va_list ap)
{
    if (!d || d->code != ST_OK)
        return false;
    d->code = code;
    copy_trunc(d->node, sizeof d->node, node);
    copy_trunc(d->op, sizeof d->op, op);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    return false;
}

bool diag_fail(Diag *d, Status code, const Node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vfail(d, code, n ? n->name : "", n ? op_name(n->op) : "", fmt, ap);
    va_end(ap);
    return false;
}

bool diag_fail_named(Diag *d, Status code, const char *node, const char *op, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vfail(d, code, node, op, fmt, ap);
    va_end(ap);
    return false;
}

/* Model names may hold anything; a diagnostic stays one printable line. */
static void append_printable(char *buf, size_t size, size_t *len, const char *s)
{
    for (; *s && *len + 5 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            buf[(*len)++] = (char)c;
        else
            *len += (size_t)snprintf(buf + *len, size - *len, "\\x%02x", c);
    }
    buf[*len] = '\0';
}

void diag_format(const Diag *d, const char *file, char *buf, size_t size)
{
    size_t len = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    append_printable(buf, size, &len, file ? file : "");
    if (d->node[0] || d->op[0]) {
        len += (size_t)snprintf(buf + len, size - len, ": node \"");
        if (len >= size)
            return;
        append_printable(buf, size, &len, d->node);
        len += (size_t)snprintf(buf + len, size - len, "\" (");
        if (len >= size)
            return;
        append_printable(buf, size, &len, d->op);
        len += (size_t)snprintf(buf + len, size - len, ")");
        if (len >= size)
            return;
    }
    len += (size_t)snprintf(buf + len, size - len, ": ");
    if (len >= size)
        return;
    for (const char *m = d->msg; *m && len + 1 < size; m++)
        buf[len++] = ((unsigned char)*m < 0x20 || *m == 0x7f) ? ' ' : *m;
    buf[len] = '\0';
}
