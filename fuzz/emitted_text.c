/* SPDX-License-Identifier: MIT */
/*
 * emitted_text.c - tells the embedded runtime from model-written text in an
 * emitted C file and checks the latter (contract in emitted_text.h).
 *
 * The runtime blocks are recognised by content, not trusted by position: a
 * block is exempt only when its lines are byte for byte our copy of the
 * runtime source (cg_rt_sources, the table codegen itself embeds from), so the
 * exemption covers exactly our text and changes in codegen's layout around it
 * cannot widen it. Model text cannot forge a marker (codegen quotes '*' in
 * model names as \x2a), and a forged one would still have to be followed by
 * our source.
 *
 * The weight literals (codegen/emit_blob.c) are the other exemption: between
 * the data pragmas (a line "#pragma GCC diagnostic push" ... "pop", which no
 * model text can start a line with), a line that starts with '"' holds weight
 * bytes raw, model data but never model text. Every byte but NUL, CR and LF
 * may stand there; the line must end with its closing quote ('"' or '"};'),
 * and the trigraph check still applies.
 */
#include <stdbool.h>
#include <string.h>

#include "cg_internal.h"
#include "emitted_text.h"

#define MARK_OPEN "/* ---- runtime/"
#define MARK_CLOSE " ---- */"

const char *fuzz_check_line(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c < 0x20 || c >= 0x7f)
            return "non-printable byte";
        if (c == '?' && i + 1 < len && line[i + 1] == '?')
            return "\"??\" (trigraph start)";
    }
    if (len > 0 && line[len - 1] == '\\')
        return "line splice (a line ending in a backslash)";
    return NULL;
}

/* A weight literal line (see the header comment), or NULL when it is fine. */
static const char *check_data_line(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '\0' || line[i] == '\r')
            return "NUL or CR in a weight literal";
        if (line[i] == '?' && i + 1 < len && line[i + 1] == '?')
            return "\"??\" (trigraph start) in a weight literal";
    }
    bool closed = (len >= 2 && line[len - 1] == '"') ||
                  (len >= 4 && memcmp(line + len - 3, "\"};", 3) == 0);
    return closed ? NULL : "weight literal line without its closing quote";
}

static bool is_line(const char *s, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(s, want, len) == 0;
}

/* The runtime source a marker line names, or NULL when the line is no marker. */
static const CgRtSource *marker(const char *s, size_t len, bool *unknown)
{
    size_t no = strlen(MARK_OPEN), nc = strlen(MARK_CLOSE);
    *unknown = false;
    if (len <= no + nc || memcmp(s, MARK_OPEN, no) != 0 || memcmp(s + len - nc, MARK_CLOSE, nc) != 0)
        return NULL;
    const char *name = s + no;
    size_t nl = len - no - nc;
    for (int i = 0; i < cg_rt_n_sources; i++)
        if (strlen(cg_rt_sources[i].name) == nl && memcmp(cg_rt_sources[i].name, name, nl) == 0)
            return &cg_rt_sources[i];
    *unknown = true;
    return NULL;
}

/* Codegen drops a source's `#include "..."` lines (the file must stand alone). */
static bool dropped(const char *s)
{
    return strncmp(s + strspn(s, " \t"), "#include \"", 10) == 0;
}

/* Skips the source lines from *k that the block may leave out. */
static void skip_dropped(const CgRtSource *src, int *k)
{
    while (*k < src->n_lines && dropped(src->lines[*k]))
        (*k)++;
}

const char *fuzz_check_emitted(const char *text, size_t n, int *line)
{
    const CgRtSource *block = NULL;    /* the runtime block being matched, if any */
    bool in_data = false;              /* between the weight literals' pragmas */
    int k = 0;                         /* its next source line */
    int ln = 0;
    for (size_t pos = 0; pos < n;) {
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - s) : n - pos;
        pos += len + 1;
        ln++;
        if (line)
            *line = ln;
        if (block) {
            const char *want = block->lines[k];
            if (strlen(want) != len || memcmp(want, s, len) != 0)
                return "embedded runtime text differs from onnxc's copy";
            k++;
            skip_dropped(block, &k);
            if (k == block->n_lines)
                block = NULL;
            continue;
        }
        if (is_line(s, len, "#pragma GCC diagnostic push"))
            in_data = true;
        else if (is_line(s, len, "#pragma GCC diagnostic pop"))
            in_data = false;
        const char *why = in_data && len > 0 && s[0] == '"' ? check_data_line(s, len)
                                                             : fuzz_check_line(s, len);
        if (why)
            return why;
        bool unknown;
        block = marker(s, len, &unknown);
        if (unknown)
            return "runtime marker naming no embedded runtime file";
        if (block) {
            k = 0;
            skip_dropped(block, &k);
            if (k == block->n_lines)
                block = NULL;
        }
    }
    if (block)
        return "embedded runtime text cut short";
    return NULL;
}
