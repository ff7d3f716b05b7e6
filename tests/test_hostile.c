/* SPDX-License-Identifier: MIT */
/*
 * test_hostile.c - hostile input that is not simply malformed: names built to
 * attack the emitted C or a terminal, and protobuf bytes built to make the
 * decoder allocate or recurse.
 *
 * A valid model whose every name is an attack (comment ends, #include and
 * #define lines, trigraphs, backslashes, newlines, keywords, reserved and
 * colliding names) compiles with onnxc; the C builds with the strict flags
 * plus -Wshadow under gcc and clang, runs, and agrees with `onnxc run`.
 * Error lines, the symbolic-dim warning, `dump` and `dot` keep such names on
 * one printable line. protobuf-c decodes hostile length claims, millions of
 * empty submessages and deep nesting with a counting allocator, and the
 * frontend's budget and limits turn them into ST_LIMIT.
 * Needs $ONNXC, the onnxc binary (set by ctest); the compiler is $CC or cc.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_harness.h"
#include "onnx.h"

/* ----------------------------------------------------------- names */

#define EVIL "x */ #include <stdio.h>\n?\?/\\"

static void test_hostile_name_in_error(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    mb_node(b, "Nope*/", EVIL "\x1b[2J", "x", "y");
    mb_output(b, "y", 1);
    char dir[256];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    /* one line: in the node part control bytes and backslashes are \xNN escapes,
     * in the message they are blanked */
    cli_expect_refusal(dir, NULL, "node \"x */ #include <stdio.h>\\x0a?\?/\\x5c\\x1b[2J\" (Nope*/): "
                              "unsupported ops: Nope*/ (1 node, first \"x */ #include <stdio.h> "
                              "?\?/\\ [2J\")");
}

/* `onnxc dump` and `onnxc dot` keep model text printable, one record a line. */
static void test_dump_escapes_names(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4};
    MB *b = mb_new(13);
    mb_input(b, "x\n\x1b[2J", 1, 2, dx, NULL);
    Onnx__NodeProto *n = mb_node(b, "Relu", "r\"\n", "x\n\x1b[2J", "y");
    mb_attr_int(b, n, "a\nb", 1);
    mb_output(b, "y", 1);
    char dir[256], path[600];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    assert_int_equal(cli_run("cd '%s' && '%s' dump model.onnx >dump.txt && '%s' dot model.onnx "
                         ">dot.txt", dir, cli_onnxc, cli_onnxc), 0);
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, k ? "dot.txt" : "dump.txt");
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        int c;
        while ((c = fgetc(f)) != EOF)
            if (c != '\n' && (c < 0x20 || c >= 0x7f))
                fail_msg("%s holds byte 0x%02x", path, c);
        fclose(f);
    }
    char line[2048];
    snprintf(path, sizeof path, "%s/dump.txt", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    bool found = false;
    while (fgets(line, sizeof line, f))
        found |= strstr(line, "Relu(%0) {\"a\\x0ab\"=1}") != NULL &&
                 strstr(line, "# \"r\\\"\\x0a\"") != NULL;
    fclose(f);
    assert_true(found);
}

/* The symbolic-dim warning quotes model names on the terminal: no control bytes. */
static void test_warning_escapes_names(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4};
    const char *params[] = {"batch\x1b[2J\n", NULL};
    MB *b = mb_new(13);
    mb_input(b, "x\r\n", 1, 2, dx, params);
    mb_node(b, "Relu", "r", "x\r\n", "y");
    mb_output(b, "y", 1);
    char dir[256], path[600], line[2048];
    cli_new_dir(dir, sizeof dir);
    cli_write_model(dir, b);
    mb_free(b);
    assert_int_equal(cli_run("cd '%s' && '%s' compile model.onnx -o m.c 2>err.txt", dir, cli_onnxc), 0);
    snprintf(path, sizeof path, "%s/err.txt", dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    int c, lines = 0;
    while ((c = fgetc(f)) != EOF) {
        lines += c == '\n';
        if (c != '\n' && (c < 0x20 || c >= 0x7f))
            fail_msg("stderr holds byte 0x%02x", c);
    }
    fclose(f);
    assert_int_equal(lines, 1);
    cli_first_line(path, line, sizeof line);
    assert_string_equal(line, "onnxc: warning: model.onnx: input 'x?\?' dim 0 ('batch?[2J?') is "
                              "symbolic; assuming 1 (set it with --shape x?\?=...)");
}

/* A .h renamed into place but a .c that cannot follow: neither is left. */
/* --------------------------------------------------- protobuf-c itself */

typedef struct Count {
    size_t total, largest, live;
} Count;

static void *count_alloc(void *data, size_t size)
{
    Count *c = data;
    c->total += size;
    if (size > c->largest)
        c->largest = size;
    c->live++;
    return malloc(size);
}

static void count_free(void *data, void *p)
{
    Count *c = data;
    if (p)
        c->live--;
    free(p);
}

/* Decodes bytes as a ModelProto with a counting allocator. */
static bool decode(const uint8_t *bytes, size_t len, Count *c)
{
    memset(c, 0, sizeof *c);
    ProtobufCAllocator a = {count_alloc, count_free, c};
    Onnx__ModelProto *m = onnx__model_proto__unpack(&a, len, bytes);
    if (m)
        onnx__model_proto__free_unpacked(m, &a);
    assert_int_equal(c->live, 0);             /* and nothing leaks on either path */
    return m != NULL;
}

static void test_protobuf_length_claims(void **state)
{
    (void)state;
    Count c;
    /* graph claiming 2^40 bytes; a tensor raw_data claiming 2^40 bytes inside a
     * well-formed initializer prefix; a packed float_data claiming 2^62 */
    static const uint8_t graph[] = {0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00};
    static const uint8_t raw[] = {0x3a, 0x0a, 0x2a, 0x08, 0x4a, 0x80, 0x80, 0x80, 0x80, 0x80,
                                  0x20, 0x00};
    static const uint8_t packed[] = {0x3a, 0x0e, 0x2a, 0x0c, 0x22, 0x80, 0x80, 0x80, 0x80, 0x80,
                                     0x80, 0x80, 0x80, 0x40, 0x00, 0x00};
    const struct { const uint8_t *b; size_t n; } cases[] = {
        {graph, sizeof graph}, {raw, sizeof raw}, {packed, sizeof packed}};
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        assert_false(decode(cases[i].b, cases[i].n, &c));
        if (c.largest > 4096)
            fail_msg("case %zu: protobuf-c allocated %zu bytes at once for %zu bytes of input", i,
                     c.largest, cases[i].n);
    }
}

/* A ModelProto whose graph holds n empty nodes (malloc'd, *len bytes). */
static uint8_t *empty_nodes(size_t n, size_t *len)
{
    uint8_t *bytes = malloc(2 * n + 16);
    assert_non_null(bytes);
    bytes[0] = 0x3a;           /* ModelProto.graph = { node: {} x n } */
    size_t k = 1;
    for (size_t v = 2 * n; ; v >>= 7) {
        bytes[k++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
        if (v < 0x80)
            break;
    }
    for (size_t i = 0; i < n; i++) {
        bytes[k++] = 0x0a;
        bytes[k++] = 0x00;
    }
    *len = k;
    return bytes;
}

/* Many empty submessages: memory grows with the input, by a bounded factor, and
 * onnx_load_buffer's budget turns a hostile ratio into ST_LIMIT. */
static void test_protobuf_amplification(void **state)
{
    (void)state;
    size_t n = 200000, k;
    uint8_t *bytes = empty_nodes(n, &k);
    Count c;
    assert_true(decode(bytes, k, &c));
    double ratio = (double)c.total / (double)k;
    print_message("protobuf-c: %zu bytes of empty nodes decode into %zu bytes (%.0fx)\n", k,
                  c.total, ratio);
    assert_true(ratio < 200.0);
    /* the frontend's budget (64 MiB + 16x) does not stop this one, the node
     * limit does */
    OnnxLimits lim = {.max_nodes = 1000};
    Diag d = {0};
    Graph *g = onnx_load_buffer(bytes, k, "m.onnx", &lim, &d);
    assert_null(g);
    assert_int_equal(d.code, ST_LIMIT);
    assert_non_null(strstr(d.msg, "graph has 200000 nodes"));
    free(bytes);

    /* 3 M empty nodes (6 MB) would take about 300 MB: over the budget of
     * 64 MiB + 16 x 6 MB, refused during decoding */
    bytes = empty_nodes(3000000, &k);
    memset(&d, 0, sizeof d);
    g = onnx_load_buffer(bytes, k, "m.onnx", NULL, &d);
    assert_null(g);
    assert_int_equal(d.code, ST_LIMIT);
    assert_non_null(strstr(d.msg, "decoding the model needs more than"));
    free(bytes);
}

/* Deep nesting of a field onnxc's schema leaves out (AttributeProto.g, which
 * real ONNX makes recursive): stored as an unknown field, never recursed into. */
static void test_protobuf_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 100000;
    size_t cap = depth * 12 + 64;
    uint8_t *buf = malloc(cap), *tmp = malloc(cap);
    assert_non_null(buf);
    assert_non_null(tmp);
    /* innermost first: repeatedly wrap as field 6 (length-delimited) */
    size_t len = 0;
    for (size_t i = 0; i < depth; i++) {
        size_t k = 0;
        tmp[k++] = 0x32;
        for (size_t v = len; ; v >>= 7) {
            tmp[k++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
            if (v < 0x80)
                break;
        }
        memcpy(tmp + k, buf, len);
        len += k;
        memcpy(buf, tmp, len);
    }
    Count c;
    /* as an attribute of a node of the graph: graph{node{attribute{<nest>}}} */
    uint8_t *model = malloc(len + 64);
    assert_non_null(model);
    size_t pos = 0;
    const uint8_t tags[3] = {0x3a, 0x0a, 0x2a};   /* graph, node, attribute */
    size_t lens[3];
    lens[2] = len;
    size_t v3 = len, n3 = 1;
    while (v3 >= 0x80)
        v3 >>= 7, n3++;
    lens[1] = lens[2] + 1 + n3;
    size_t v2 = lens[1], n2 = 1;
    while (v2 >= 0x80)
        v2 >>= 7, n2++;
    lens[0] = lens[1] + 1 + n2;
    for (int i = 0; i < 3; i++) {
        model[pos++] = tags[i];
        for (size_t v = lens[i]; ; v >>= 7) {
            model[pos++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
            if (v < 0x80)
                break;
        }
    }
    memcpy(model + pos, buf, len);
    pos += len;
    assert_true(decode(model, pos, &c));
    Diag d = {0};
    Graph *g = onnx_load_buffer(model, pos, "m.onnx", NULL, &d);
    assert_null(g);
    assert_int_not_equal(d.code, ST_OK);
    free(model);
    free(buf);
    free(tmp);
}

/* ------------------------------------------------ a hostile-name model */

/* x -> Conv(pad 1) -> Sigmoid -> Mul (SiLU) -> MaxPool 2 -> Resize x2 -> Add
 * (skip) -> Relu -> y, every name an attack: comment ends, newlines, trigraphs,
 * backslashes, #include and #define lines, C keywords, reserved identifiers,
 * names that collide once sanitized, and names of the emitted file's own
 * symbols. */
static MB *hostile_model(void)
{
    static const int64_t dx[] = {1, 2, 6, 6}, dw[] = {3, 2, 3, 3}, db[] = {3}, ds[] = {4};
    float w[54], bias[3] = {0.25f, -0.5f, 0.125f};
    for (int i = 0; i < 54; i++)
        w[i] = (float)((i * 37) % 11) * 0.1f - 0.5f;
    const float scales[] = {1, 1, 2, 2};
    MB *b = mb_new(13);
    b->m.has_producer_name = 1;
    b->m.producer_name = mb_bin(b, "evil */ #define int float\n");
    mb_input(b, "int", 1, 4, dx, NULL);                          /* a keyword */
    mb_input(b, "in t", 1, 4, dx, NULL);                         /* "in_t" once sanitized */
    mb_init(b, mb_tensor_floats(b, "w*/\n#include \"/etc/passwd\"", 4, dw, w, 54));
    mb_init(b, mb_tensor_floats(b, "?\?/\\\n", 1, db, bias, 3));
    mb_init(b, mb_tensor_floats(b, "_Bool", 1, ds, scales, 4));
    mb_node(b, "Add", "*/ int main(void){return 1;} /*", "int,in t", "x0");
    Onnx__NodeProto *n = mb_node(b, "Conv", "conv\n#define hostile_run exit", "x0,w*/\n#include "
                                 "\"/etc/passwd\",?\?/\\\n", "t1");
    const int64_t pads[] = {1, 1, 1, 1}, k2[] = {2, 2};
    mb_attr_ints(b, n, "pads", 4, pads);
    mb_node(b, "Sigmoid", "sig?\?=", "t1", "ws");
    mb_node(b, "Mul", "mul\\", "t1,ws", "in_t");
    n = mb_node(b, "MaxPool", "pool", "in_t", "n0_Conv");
    mb_attr_ints(b, n, "kernel_shape", 2, k2);
    mb_attr_ints(b, n, "strides", 2, k2);
    mb_node(b, "Resize", "up", "n0_Conv,,_Bool", "static_workspace");
    mb_node(b, "Add", "skip", "static_workspace,in_t", "__x");
    mb_node(b, "Relu", "relu", "__x", "hostile_run");
    mb_output(b, "hostile_run", 1);                              /* the entry point's name */
    mb_output(b, "in_t", 1);                                     /* collides with "in t" */
    return b;
}

static const char hostile_driver[] =
    "#include <stdio.h>\n"
    "#include \"hostile.h\"\n"
    "static float a[72], b[72], y[108], m[108];\n"
    "int main(void)\n"
    "{\n"
    "    FILE *f = fopen(\"in.f32\", \"rb\");\n"
    "    if (!f || fread(a, 4, 72, f) != 72 || fread(b, 4, 72, f) != 72) return 2;\n"
    "    fclose(f);\n"
    "    if (hostile_run(a, b, y, m) != 0) return 3;\n"
    "    f = fopen(\"out.f32\", \"wb\");\n"
    "    if (!f || fwrite(y, 4, 108, f) != 108 || fwrite(m, 4, 108, f) != 108) return 4;\n"
    "    return fclose(f) != 0;\n"
    "}\n";

/* Every preprocessor line of emitted text is one onnxc writes itself. */
static void check_directives(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[8192];
    static const char *const allowed[] = {
        "#include <", "#include \"hostile.h\"", "#define RT_API static", "#ifndef ",
        "#define ONNXC_RT_KERNELS_H", "#define ONNXC_RT_VEC_H", "#define RT_", "#endif", "#if ", "#else", "#elif",
        "#define HOSTILE_", "#define ONNXC_GENERATED_HOSTILE_H", "#ifdef __cplusplus",
        "#if defined", "#undef RT_", "#ifdef "};
    while (fgets(line, sizeof line, f)) {
        const char *p = line + strspn(line, " \t");
        if (strstr(line, "?\?"))
            fail_msg("%s: trigraph start in: %s", path, line);
        if (*p != '#')
            continue;
        bool ok = false;
        for (size_t i = 0; i < ARRAY_LEN(allowed) && !ok; i++)
            ok = strncmp(p, allowed[i], strlen(allowed[i])) == 0;
        if (!ok)
            fail_msg("%s: unexpected preprocessor line: %s", path, line);
    }
    fclose(f);
}

static void test_hostile_names_compile_and_run(void **state)
{
    (void)state;
    char dir[256], path[700];
    cli_new_dir(dir, sizeof dir);
    MB *b = hostile_model();
    cli_write_model(dir, b);
    mb_free(b);
    assert_int_equal(cli_run("cd '%s' && '%s' compile model.onnx -o hostile.c --name hostile", dir,
                         cli_onnxc), 0);
    snprintf(path, sizeof path, "%s/hostile.c", dir);
    check_directives(path);
    snprintf(path, sizeof path, "%s/hostile.h", dir);
    check_directives(path);

    /* inputs, as raw floats for the driver and as TensorProtos for `onnxc run` */
    float in[2][72];
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 72; i++)
            in[k][i] = (float)((i * (k + 3) * 7) % 19) * 0.125f - 1.0f;
    snprintf(path, sizeof path, "%s/in.f32", dir);
    cli_write_file(path, in, sizeof in);
    Diag d = {0};
    for (int k = 0; k < 2; k++) {
        OnnxTensor t = {.dtype = DT_F32, .rank = 4, .dims = {1, 2, 6, 6}, .data = in[k],
                        .name = k ? "in t" : "int"};
        snprintf(path, sizeof path, "%s/in%d.pb", dir, k);
        assert_true(onnx_write_tensor(path, &t, &d));
    }
    snprintf(path, sizeof path, "%s/driver.c", dir);
    cli_write_file(path, hostile_driver, sizeof hostile_driver - 1);

    /* the strict flags plus -Wshadow, -Wcomment (a comment start inside a comment)
     * and -Wtrigraphs; gcc and clang when present */
    const char *cc = getenv("CC") && getenv("CC")[0] ? getenv("CC") : "cc";
    const char *compilers[] = {cc, "gcc", "clang"};
    for (size_t i = 0; i < ARRAY_LEN(compilers); i++) {
        if (i > 0 && cli_run("%s --version >/dev/null 2>&1", compilers[i]) != 0)
            continue;
        int rc = cli_run("cd '%s' && %s -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wcomment "
                     "-Wtrigraphs -Werror -O1 -c hostile.c -o hostile_%zu.o", dir, compilers[i],
                     i);
        if (rc != 0)
            fail_msg("%s rejects the emitted hostile.c", compilers[i]);
    }
    assert_int_equal(cli_run("cd '%s' && %s -std=c11 -O1 -o driver driver.c hostile.c -lm && "
                         "./driver", dir, cc), 0);
    assert_int_equal(cli_run("cd '%s' && '%s' run model.onnx --input in0.pb --input in1.pb "
                         "--output y.pb --output m.pb", dir, cli_onnxc), 0);

    float got[216];
    snprintf(path, sizeof path, "%s/out.f32", dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(got, sizeof(float), 216, f), 216);
    fclose(f);
    Arena *a = arena_new();
    assert_non_null(a);
    for (int k = 0; k < 2; k++) {
        OnnxTensor t;
        snprintf(path, sizeof path, "%s/%s.pb", dir, k ? "m" : "y");
        assert_true(onnx_read_tensor(path, a, &t, &d));
        assert_int_equal(t.rank, 4);
        assert_int_equal(t.dims[1] * t.dims[2] * t.dims[3], 108);
        const float *want = t.data;
        for (int i = 0; i < 108; i++) {
            float g = got[k * 108 + i];
            if (!(fabsf(g - want[i]) <= 1e-5f + 1e-4f * fabsf(want[i])))
                fail_msg("output %d [%d]: emitted %.9g, interpreter %.9g", k, i, (double)g,
                         (double)want[i]);
        }
    }
    /* the model did compute something: not all zero */
    bool nonzero = false;
    for (int i = 0; i < 216; i++)
        nonzero |= got[i] != 0.0f;
    assert_true(nonzero);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_name_in_error),
        cmocka_unit_test(test_dump_escapes_names),
        cmocka_unit_test(test_warning_escapes_names),
        cmocka_unit_test(test_protobuf_length_claims),
        cmocka_unit_test(test_protobuf_amplification),
        cmocka_unit_test(test_protobuf_deep_nesting),
        cmocka_unit_test(test_hostile_names_compile_and_run),
    };
    return cmocka_run_group_tests(tests, cli_setup, cli_teardown);
}
