/* SPDX-License-Identifier: MIT */
/*
 * test_print.c - the debugging printers of ir/: JSON (ir_print_json), the
 * buffer plan table (ir_print_plan), the cost report (ir_print_report) and the
 * lifetime and peak analyses under them.
 *
 * JSON is checked by a strict RFC 8259 validator written here (structure,
 * string escapes, UTF-8, numbers), on a hand-built graph whose names hold
 * quotes, backslashes, control bytes and invalid UTF-8, and on BasicUNet after
 * the whole pipeline, where the plan's figures must match the graph's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir.h"
#include "onnx.h"
#include "passes.h"

/* ------------------------------------------------------ a strict validator */

typedef struct J {
    const char *p, *end;
    int depth;
} J;

static void ws(J *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool value(J *j);

static bool hex4(J *j)
{
    for (int i = 0; i < 4; i++, j->p++)
        if (j->p >= j->end || !strchr("0123456789abcdefABCDEF", *j->p) || !*j->p)
            return false;
    return true;
}

static bool string(J *j)
{
    if (j->p >= j->end || *j->p != '"')
        return false;
    j->p++;
    while (j->p < j->end) {
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') {
            j->p++;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            j->p++;
            if (j->p >= j->end)
                return false;
            char e = *j->p++;
            if (e == 'u') {
                if (!hex4(j))
                    return false;
            } else if (!strchr("\"\\/bfnrt", e) || !e) {
                return false;
            }
            continue;
        }
        int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || c == 0xc0 || c == 0xc1 || c > 0xf4 || j->end - j->p < n)
            return false;
        for (int i = 1; i < n; i++)
            if (((unsigned char)j->p[i] & 0xc0) != 0x80)
                return false;
        j->p += n;
    }
    return false;
}

static bool number(J *j)
{
    const char *s = j->p;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0') {
        j->p++;
    } else {
        if (j->p >= j->end || *j->p < '1' || *j->p > '9')
            return false;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return false;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return false;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    return j->p > s;
}

static bool literal(J *j, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
        return false;
    j->p += n;
    return true;
}

static bool members(J *j, char close, bool keyed)
{
    j->p++;
    if (++j->depth > 64)
        return false;
    ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return true;
    }
    for (;;) {
        ws(j);
        if (keyed) {
            if (!string(j))
                return false;
            ws(j);
            if (j->p >= j->end || *j->p++ != ':')
                return false;
        }
        if (!value(j))
            return false;
        ws(j);
        if (j->p >= j->end)
            return false;
        char c = *j->p++;
        if (c == close) {
            j->depth--;
            return true;
        }
        if (c != ',')
            return false;
    }
}

static bool value(J *j)
{
    ws(j);
    if (j->p >= j->end)
        return false;
    switch (*j->p) {
    case '{': return members(j, '}', true);
    case '[': return members(j, ']', false);
    case '"': return string(j);
    case 't': return literal(j, "true");
    case 'f': return literal(j, "false");
    case 'n': return literal(j, "null");
    default: return number(j);
    }
}

static bool json_valid(const char *s, size_t n)
{
    J j = {s, s + n, 0};
    if (!value(&j))
        return false;
    ws(&j);
    return j.p == j.end;
}

static void test_validator(void **state)
{
    (void)state;
    static const char *const good[] = {"{}", "[]", "{\"a\": [1, -2.5e3, true, null]}",
                                       "\"\\u00e9\\n\"", "\"\xc3\xa9\"", "0"};
    static const char *const bad[] = {"{", "[1,]", "{\"a\" 1}", "\"\x01\"", "\"\\x41\"",
                                      "\"\xff\"", "01", "1.", "{} {}", "nul", "\"\xc3(\""};
    for (size_t i = 0; i < ARRAY_LEN(good); i++)
        assert_true(json_valid(good[i], strlen(good[i])));
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        assert_false(json_valid(bad[i], strlen(bad[i])));
}

/* ------------------------------------------------------------- helpers */

typedef void (*Printer)(const Graph *, FILE *);

static char *print_to_string(const Graph *g, Printer p, size_t *len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    p(g, f);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return s;
}

/* x -> Relu -> Relu -> y, with hostile names, planned. */
static Graph *hostile_graph(void)
{
    Graph *g = ir_graph_new();
    assert_non_null(g);
    int x = ir_add_tensor(g, "in\"put\\\n\x01", TK_INPUT, DT_F32);
    int a = ir_add_tensor(g, "bad utf8 \xff\xc3(", TK_VALUE, DT_F32);
    int y = ir_add_tensor(g, "\xe2\x82\xac ok", TK_VALUE, DT_F32);
    int t[] = {x, a, y};
    for (int i = 0; i < 3; i++) {
        g->tensors[t[i]].rank = 2;
        g->tensors[t[i]].dims[0] = 3;
        g->tensors[t[i]].dims[1] = 5;
    }
    assert_true(ir_add_node(g, OP_RELU, "node \"one\"\t*/", &x, 1, &a, 1) >= 0);
    assert_true(ir_add_node(g, OP_RELU, "", &a, 1, &y, 1) >= 0);
    g->inputs = arena_calloc(g->arena, 1, sizeof(int));
    g->outputs = arena_calloc(g->arena, 1, sizeof(int));
    g->inputs[0] = x;
    g->outputs[0] = y;
    g->n_inputs = g->n_outputs = 1;
    g->tensors[y].is_output = true;
    g->source = "m\"odel\x7f.onnx";
    Diag d = {0};
    assert_true(pass_plan_buffers(g, &d));
    return g;
}

static void test_json_hostile_names(void **state)
{
    (void)state;
    Graph *g = hostile_graph();
    size_t n;
    char *s = print_to_string(g, ir_print_json, &n);
    assert_true(json_valid(s, n));
    assert_non_null(strstr(s, "\"in\\\"put\\\\\\n\\u0001\""));
    assert_non_null(strstr(s, "\"bad utf8 \\ufffd\\ufffd(\""));
    assert_non_null(strstr(s, "\"\xe2\x82\xac ok\""));   /* valid UTF-8 kept */
    assert_non_null(strstr(s, "\"node \\\"one\\\"\\t*/\""));
    assert_non_null(strstr(s, "\"m\\\"odel\\u007f.onnx\""));
    assert_non_null(strstr(s, "\"arena_bytes\": 64"));
    free(s);
    ir_graph_free(g);
}

static void test_lifetimes(void **state)
{
    (void)state;
    Graph *g = hostile_graph();
    int first[3], last[3];
    ir_lifetimes(g, first, last);
    assert_int_equal(first[0], -1);
    assert_int_equal(last[0], 0);
    assert_int_equal(first[1], 0);
    assert_int_equal(last[1], 1);
    assert_int_equal(first[2], 1);
    assert_int_equal(last[2], 1);
    int64_t bytes;
    assert_int_equal(ir_peak_step(g, first, last, &bytes), 0);
    assert_int_equal(bytes, 64);   /* 60 bytes rounded up to 64 */
    ir_graph_free(g);
}

/* ----------------------------------------------------------- BasicUNet */

static Graph *basic_unet(void)
{
    const char *src = getenv("ONNXC_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/models/basic_unet.onnx", src ? src : ".");
    Diag d = {0};
    Graph *g = onnx_load_file(path, NULL, &d);
    if (!g)
        return NULL;
    for (int k = 0; k < g->n_inputs; k++) {
        Tensor *t = &g->tensors[g->inputs[k]];
        t->dims[0] = 1;
        t->dim_param[0] = NULL;
    }
    if (!ir_infer_shapes(g, &d) || !passes_run(g, NULL, NULL, &d))
        fail_msg("pipeline: %s", d.msg);
    return g;
}

static void test_basic_unet_json(void **state)
{
    (void)state;
    Graph *g = basic_unet();
    if (!g)
        skip();
    size_t n;
    char *s = print_to_string(g, ir_print_json, &n);
    assert_true(json_valid(s, n));
    char want[128];
    snprintf(want, sizeof want, "\"arena_bytes\": %lld, \"lower_bound\": %lld",
             (long long)g->arena_bytes, (long long)g->arena_lower_bound);
    assert_non_null(strstr(s, want));
    int nodes = 0;
    for (const char *p = s; (p = strstr(p, "\"op\": \"")) != NULL; p++)
        nodes++;
    assert_int_equal(nodes, g->n_nodes);
    assert_non_null(strstr(s, "\"op\": \"Conv\", \"name\": \"/down_layers.0/Conv\", \"act\": \"silu\""));
    free(s);
    ir_graph_free(g);
}

static void test_basic_unet_plan_and_report(void **state)
{
    (void)state;
    Graph *g = basic_unet();
    if (!g)
        skip();
    int *first = calloc((size_t)g->n_tensors, sizeof(int)), *last = calloc((size_t)g->n_tensors, sizeof(int));
    ir_lifetimes(g, first, last);
    int64_t peak;
    int step = ir_peak_step(g, first, last, &peak);
    assert_true(step >= 0);
    assert_int_equal(peak, g->arena_lower_bound);   /* the planner's own figure */
    free(first);
    free(last);

    size_t n;
    char *s = print_to_string(g, ir_print_plan, &n);
    int rows = 0, planned = 0;
    for (int t = 0; t < g->n_tensors; t++)
        planned += g->tensors[t].offset >= 0;
    for (const char *p = s; (p = strstr(p, "\n%")) != NULL; p++)
        rows++;
    assert_int_equal(rows, planned);
    assert_non_null(strstr(s, "// arena 225792 bytes, lower bound 225792 bytes, efficiency 100.0%"));
    free(s);

    s = print_to_string(g, ir_print_report, &n);
    /* 31.36 M multiply-adds, 62.72 M FLOPs: the sum over the six convolutions of DESIGN.md */
    assert_non_null(strstr(s, " 62720000 "));
    assert_non_null(strstr(s, " conv_direct_blk16 "));
    assert_non_null(strstr(s, "peak 225792 bytes at node"));
    free(s);
    ir_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validator),
        cmocka_unit_test(test_json_hostile_names),
        cmocka_unit_test(test_lifetimes),
        cmocka_unit_test(test_basic_unet_json),
        cmocka_unit_test(test_basic_unet_plan_and_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
