/* SPDX-License-Identifier: MIT */
/*
 * test_codegen.c - the C emitter: identifiers, comment escaping, header macros,
 * determinism, diagnostics, and emitted code that compiles with the strict flags
 * (gcc and, when present, clang) and computes what the reference interpreter
 * computes.
 *
 * The numeric test builds a small U-Net-like graph in C whose every name is
 * hostile (comment ends, newlines, trigraphs, backslashes, #include lines), runs
 * the pass pipeline, emits it into a temporary directory, compiles it with a
 * driver written here and runs it through system(), then compares the files it
 * writes with rt_interpret on the same planned graph. The compiler is $CC or cc.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cg_internal.h"   /* cg_quote */
#include "codegen.h"
#include "ir.h"
#include "passes.h"
#include "rt.h"

/* ------------------------------------------------------------- helpers */

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void fill_random(float *v, size_t n, uint32_t seed)
{
    uint32_t s = seed * 2654435761u + 1u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        v[i] = (float)((s >> 8) & 0xffff) / 32768.0f - 1.0f;
    }
}

static const char *cc_name(void)
{
    const char *cc = getenv("CC");
    return cc && cc[0] ? cc : "cc";
}

static bool have_compiler(const char *name)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "%s --version >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

static int run_cmd(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc != 0)
        print_error("command failed (%d): %s\n", rc, cmd);
    return rc;
}

static int add_input(Graph *g, const char *name, int rank, const int64_t *dims)
{
    int t = ir_add_tensor(g, name, TK_INPUT, DT_F32);
    assert_true(t >= 0);
    g->tensors[t].rank = rank;
    for (int i = 0; i < rank; i++)
        g->tensors[t].dims[i] = dims[i];
    return t;
}

static void set_io(Graph *g, const int *in, int n_in, const int *out, int n_out)
{
    g->inputs = arena_calloc(g->arena, (size_t)n_in + 1, sizeof(int));
    g->outputs = arena_calloc(g->arena, (size_t)n_out + 1, sizeof(int));
    assert_non_null(g->inputs);
    assert_non_null(g->outputs);
    memcpy(g->inputs, in, (size_t)n_in * sizeof(int));
    memcpy(g->outputs, out, (size_t)n_out * sizeof(int));
    g->n_inputs = n_in;
    g->n_outputs = n_out;
    for (int i = 0; i < n_out; i++)
        g->tensors[out[i]].is_output = true;
}

static int value(Graph *g, const char *name)
{
    int t = ir_add_tensor(g, name, TK_VALUE, DT_F32);
    assert_true(t >= 0);
    return t;
}

static void node(Graph *g, OpKind op, const char *name, const int *in, int n_in, int out,
                 const Attr *attrs, int n_attrs)
{
    int id = ir_add_node(g, op, name, in, n_in, &out, 1);
    assert_true(id >= 0);
    if (n_attrs)
        assert_true(ir_node_set_attrs(g, id, attrs, n_attrs));
}

/* Emits g into dir/<base>.c and .h; returns cg_emit's result, d filled. */
static bool emit_files(const Graph *g, const char *dir, const char *base, Diag *d)
{
    char cp[512], hp[512], hn[128];
    snprintf(cp, sizeof cp, "%s/%s.c", dir, base);
    snprintf(hp, sizeof hp, "%s/%s.h", dir, base);
    snprintf(hn, sizeof hn, "%s.h", base);
    FILE *c = fopen(cp, "wb"), *h = fopen(hp, "wb");
    assert_non_null(c);
    assert_non_null(h);
    CgOptions opt = {.name = base, .header_name = hn, .assumptions = "dim 'N' */ = 1"};
    bool ok = cg_emit(g, &opt, c, h, d);
    fclose(c);
    fclose(h);
    return ok;
}

static bool compiles_strict(const char *compiler, const char *dir, const char *base)
{
    return run_cmd("cd '%s' && %s -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -c %s.c -o /dev/null",
                   dir, compiler, base) == 0;
}

static char tmpdir[256];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/onnxc_test_codegen_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    if (getenv("ONNXC_KEEP_TMP"))
        return 0;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ----------------------------------------------------------- identifiers */

static void assert_identifier(const char *s)
{
    assert_true(s[0] != '\0');
    assert_false(s[0] >= '0' && s[0] <= '9');
    assert_false(s[0] == '_');
    for (const char *p = s; *p; p++)
        assert_true((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= '0' && *p <= '9') || *p == '_');
}

static void test_identifier(void **state)
{
    (void)state;
    static const struct { const char *in, *want; } cases[] = {
        {"conv1.weight", "conv1_weight"},
        {"/down_layers.0/Conv_output_0", "v_down_layers_0_Conv_output_0"},
        {"", "v"},
        {"0abc", "v0abc"},
        {"_Reserved", "v_Reserved"},
        {"__x", "v__x"},
        {"int", "int_"},
        {"NULL", "NULL_"},
        {"linux", "linux_"},
        {"uint32_t", "uint32_t_"},
        {"rt_conv2d_f32", "rt_conv2d_f32_"},
        {"a\xc3\xa9 b*/", "a___b__"},
        {"x */ #include <stdio.h>\n", "x_____include__stdio_h__"},
    };
    char buf[64];
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        cg_identifier(cases[i].in, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
        assert_identifier(buf);
    }
    /* truncation keeps a valid identifier */
    char small[6];
    cg_identifier("9876543210", small, sizeof small);
    assert_identifier(small);
    assert_true(strlen(small) < sizeof small);
    cg_identifier("int", small, 4);
    assert_identifier(small);
    cg_identifier(NULL, buf, sizeof buf);
    assert_string_equal(buf, "v");
}

/* The emitted names of distinct inputs and outputs stay distinct, also where
 * sanitizing or upper-casing would merge them, and never collide with the
 * emitter's own names (t<id> locals, n<i>_<op> functions, w_<id>_ weights). */
static void test_unique_names(void **state)
{
    (void)state;
    Graph *g = ir_graph_new();
    assert_non_null(g);
    g->opset = 17;
    const int64_t dims[2] = {2, 3};
    int a = add_input(g, "a.b", 2, dims);
    int b = add_input(g, "a_b", 2, dims);
    int t = add_input(g, "t3", 2, dims);
    int q = add_input(g, "CGT_T3_RANK", 2, dims);
    int s1 = value(g, "s1"), s1q = value(g, "s1q"), s2 = value(g, "s2");
    int y = value(g, "A_B");
    int w = value(g, "n0_Add");
    node(g, OP_ADD, "add0", (int[]){a, b}, 2, s1, NULL, 0);
    node(g, OP_ADD, "addq", (int[]){s1, q}, 2, s1q, NULL, 0);
    node(g, OP_ADD, "add1", (int[]){s1q, t}, 2, s2, NULL, 0);
    node(g, OP_RELU, "relu", (int[]){s2}, 1, y, NULL, 0);
    node(g, OP_SIGMOID, "sig", (int[]){s2}, 1, w, NULL, 0);
    set_io(g, (int[]){a, b, t, q}, 4, (int[]){y, w}, 2);
    Diag d = {0};
    if (!ir_infer_shapes(g, &d) || !passes_run(g, NULL, NULL, &d))
        fail_msg("pipeline: %s", d.msg);
    if (!emit_files(g, tmpdir, "cgt", &d))
        fail_msg("cg_emit: %s", d.msg);
    char path[512];
    snprintf(path, sizeof path, "%s/cgt.h", tmpdir);
    char *h = read_text(path, NULL);
    assert_non_null(h);
    assert_non_null(strstr(h, "int cgt_run(const float *a_b, const float *a_b_2, "
                              "const float *vt3, const float *vCGT_T3_RANK, float *A_B, float *vn0_Add);"));
    assert_non_null(strstr(h, "int cgt_run_ws(const float *a_b, const float *a_b_2, "
                              "const float *vt3, const float *vCGT_T3_RANK, float *A_B, float *vn0_Add, "
                              "void *workspace);"));
    assert_non_null(strstr(h, "#define CGT_A_B_RANK 2\n"));
    assert_non_null(strstr(h, "#define CGT_A_B_2_SIZE 6\n"));
    assert_non_null(strstr(h, "#define CGT_T3_DIMS {2, 3}\n"));
    assert_non_null(strstr(h, "#define CGT_A_B_3_DIMS {2, 3}\n"));
    assert_non_null(strstr(h, "#define CGT_N0_ADD_RANK 2\n"));
    assert_non_null(strstr(h, "#define CGT_CGT_T3_RANK_SIZE 6\n"));
    assert_non_null(strstr(h, "#define CGT_WORKSPACE_ALIGN 64"));
    assert_non_null(strstr(h, "#ifdef __cplusplus\nextern \"C\" {"));
    /* the assumption text is quoted with its comment end escaped */
    assert_non_null(strstr(h, "\"dim 'N' \\x2a/ = 1\""));
    free(h);
    assert_true(compiles_strict(cc_name(), tmpdir, "cgt"));
    ir_graph_free(g);
}

/* --------------------------------------------------------------- quoting */

/* Nothing in s may end or open a comment, splice a line, or form a trigraph. */
static void assert_comment_safe(const char *s)
{
    assert_null(strstr(s, "*/"));
    assert_null(strstr(s, "/*"));
    assert_null(strstr(s, "??"));
    assert_null(strchr(s, '\n'));
    assert_null(strchr(s, '\r'));
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        assert_true(c >= 0x20 && c < 0x7f);
        if (c == '\\') {   /* only as the start of \xNN */
            assert_int_equal(p[1], 'x');
            assert_non_null(strchr("0123456789abcdef", p[2]));
            assert_non_null(strchr("0123456789abcdef", p[3]));
        }
    }
}

static void test_quote(void **state)
{
    (void)state;
    char buf[512];
    cg_quote("conv1.weight", 64, buf, sizeof buf);
    assert_string_equal(buf, "\"conv1.weight\"");
    cg_quote("a */ b", 64, buf, sizeof buf);
    assert_string_equal(buf, "\"a \\x2a/ b\"");
    cg_quote("/*x*/", 64, buf, sizeof buf);
    assert_comment_safe(buf);
    cg_quote("line\nbreak\\\nsplice ?\?/ \"q\"", 64, buf, sizeof buf);
    assert_string_equal(buf, "\"line\\x0abreak\\x5c\\x0asplice \\x3f\\x3f/ \\x22q\\x22\"");
    cg_quote("#include <stdio.h>", 64, buf, sizeof buf);
    assert_string_equal(buf, "\"#include <stdio.h>\"");   /* harmless inside a comment */
    cg_quote("\xff\x01", 64, buf, sizeof buf);
    assert_string_equal(buf, "\"\\xff\\x01\"");
    /* length cap */
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    cg_quote(longname, 64, buf, sizeof buf);
    assert_int_equal(strlen(buf), 64 + 2 + 3);
    assert_string_equal(buf + 65, "...\"");
    /* a small buffer still gives a closed, safe string */
    char small[16];
    cg_quote("*/*/*/*/*/*/*/*/", 64, small, sizeof small);
    assert_comment_safe(small);
    assert_int_equal(small[strlen(small) - 1], '"');
}

/* ------------------------------------------------- the end-to-end graph */

/* x (1,1,6,6) -> Conv 3x3 pad 1 (4) -> SiLU (Sigmoid, Mul) = m -> MaxPool 2 ->
 * Resize x2 nearest -> Add m -> Mul k (4,1,1) -> Conv 3x3 pad 1 (2, no bias) ->
 * Relu -> Reshape (2,36) = y. Outputs: y, m (also read by later nodes), and x
 * itself (a graph input as output: copied). Every name is hostile. */
#define X_NAME "x */ #include <stdio.h>\n?\?/"
typedef struct Net {
    Graph *g;
    float xv[36], w1[36], b1[4], kv[4], w2[72];
} Net;

static void build_net(Net *net)
{
    Graph *g = ir_graph_new();
    assert_non_null(g);
    net->g = g;
    g->opset = 13;
    g->source = "evil */ model.onnx";
    fill_random(net->xv, 36, 1);
    fill_random(net->w1, 36, 2);
    fill_random(net->b1, 4, 3);
    fill_random(net->kv, 4, 4);
    fill_random(net->w2, 72, 5);
    const float scales[4] = {1, 1, 2, 2};
    const int64_t shape[2] = {2, 36};
    int x = add_input(g, X_NAME, 4, (const int64_t[]){1, 1, 6, 6});
    int w1 = ir_add_const(g, "conv1.weight*/", DT_F32, 4, (const int64_t[]){4, 1, 3, 3}, net->w1);
    int b1 = ir_add_const(g, "conv1.bias\\", DT_F32, 1, (const int64_t[]){4}, net->b1);
    int k = ir_add_const(g, "scale\n#define x 1", DT_F32, 3, (const int64_t[]){4, 1, 1}, net->kv);
    int w2 = ir_add_const(g, "?\?/", DT_F32, 4, (const int64_t[]){2, 4, 3, 3}, net->w2);
    int sc = ir_add_const(g, "scales", DT_F32, 1, (const int64_t[]){4}, scales);
    int sh = ir_add_const(g, "shape", DT_I64, 1, (const int64_t[]){2}, shape);
    int c1 = value(g, "c1"), s1 = value(g, "s1"), m = value(g, "m*/"), p = value(g, "p");
    int r = value(g, "r"), a = value(g, "a"), ak = value(g, "ak"), c2 = value(g, "c2");
    int rl = value(g, "rl"), y = value(g, "y\"out\\\n");
    const int64_t pads[4] = {1, 1, 1, 1}, k2[2] = {2, 2};
    Attr conv_attr = {.name = "pads", .type = AT_INTS, .ints = pads, .n = 4, .tensor = -1};
    Attr pool_attr[2] = {{.name = "kernel_shape", .type = AT_INTS, .ints = k2, .n = 2, .tensor = -1},
                         {.name = "strides", .type = AT_INTS, .ints = k2, .n = 2, .tensor = -1}};
    Attr rs_attr[3] = {
        {.name = "mode", .type = AT_STRING, .s = "nearest", .tensor = -1},
        {.name = "coordinate_transformation_mode", .type = AT_STRING, .s = "asymmetric", .tensor = -1},
        {.name = "nearest_mode", .type = AT_STRING, .s = "floor", .tensor = -1}};
    node(g, OP_CONV, "conv*/1\\\n", (int[]){x, w1, b1}, 3, c1, &conv_attr, 1);
    node(g, OP_SIGMOID, "sig?\?/", (int[]){c1}, 1, s1, NULL, 0);
    node(g, OP_MUL, "mul\r\n#include <stdio.h>", (int[]){c1, s1}, 2, m, NULL, 0);
    node(g, OP_MAXPOOL, "pool", (int[]){m}, 1, p, pool_attr, 2);
    node(g, OP_RESIZE, "resize", (int[]){p, -1, sc}, 3, r, rs_attr, 3);
    node(g, OP_ADD, "add", (int[]){r, m}, 2, a, NULL, 0);
    node(g, OP_MUL, "scale", (int[]){a, k}, 2, ak, NULL, 0);
    node(g, OP_CONV, "conv2", (int[]){ak, w2}, 2, c2, &conv_attr, 1);
    node(g, OP_RELU, "relu", (int[]){c2}, 1, rl, NULL, 0);
    node(g, OP_RESHAPE, "reshape", (int[]){rl, sh}, 2, y, NULL, 0);
    set_io(g, &x, 1, (int[]){y, m, x}, 3);
    Diag d = {0};
    if (!ir_infer_shapes(g, &d))
        fail_msg("ir_infer_shapes: %s", d.msg);
    if (!passes_run(g, NULL, NULL, &d))
        fail_msg("passes_run: %s (%s)", d.msg, d.node);
}

/* Reads `\n`-separated floats written by the driver in hex (%a). */
static void read_floats(const char *path, float *v, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("no output file %s", path);
    for (size_t i = 0; i < n; i++) {
        double x;
        if (fscanf(f, "%la", &x) != 1)
            fail_msg("%s: short at %zu", path, i);
        v[i] = (float)x;
    }
    fclose(f);
}

/* The driver: runs net_run and net_run_ws and prints every output as %a. */
static const char driver[] =
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "#include <string.h>\n"
    "#include \"net.h\"\n"
    "static void put(const char *path, const float *v, int n)\n"
    "{\n"
    "    FILE *f = fopen(path, \"w\");\n"
    "    for (int i = 0; i < n; i++) fprintf(f, \"%a\\n\", (double)v[i]);\n"
    "    fclose(f);\n"
    "}\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "    float x[NET_X_____INCLUDE__STDIO_H______SIZE];\n"
    "    float y[NET_Y_OUT___SIZE], m[NET_M___SIZE], xo[NET_X_____INCLUDE__STDIO_H______2_SIZE];\n"
    "    float y2[NET_Y_OUT___SIZE], m2[NET_M___SIZE], xo2[36];\n"
    "    static const long dims[] = NET_Y_OUT___DIMS;\n"
    "    if (argc != 2 || NET_Y_OUT___RANK != 2 || dims[0] != 2 || dims[1] != 36) return 2;\n"
    "    FILE *f = fopen(argv[1], \"r\");\n"
    "    for (int i = 0; i < 36; i++) { double v; if (fscanf(f, \"%la\", &v) != 1) return 3; x[i] = (float)v; }\n"
    "    fclose(f);\n"
    "    if (net_run(x, y, m, xo) != 0) return 4;\n"
    "    if (net_run(NULL, y, m, xo) != -1) return 5;\n"
    "    unsigned char *ws = aligned_alloc(NET_WORKSPACE_ALIGN, (NET_WORKSPACE_BYTES / 64 + 2) * 64);\n"
    "    if (net_run_ws(x, y2, m2, xo2, ws + 4) != -1) return 6;\n"
    "    if (net_run_ws(x, y2, m2, xo2, NULL) != -1) return 7;\n"
    "    if (net_run_ws(x, y2, m2, xo2, ws) != 0) return 8;\n"
    "    if (memcmp(y, y2, sizeof y) || memcmp(m, m2, sizeof m) || memcmp(xo, xo2, sizeof xo)) return 9;\n"
    "    free(ws);\n"
    "    put(\"y.txt\", y, NET_Y_OUT___SIZE);\n"
    "    put(\"m.txt\", m, NET_M___SIZE);\n"
    "    put(\"xo.txt\", xo, 36);\n"
    "    return 0;\n"
    "}\n";

static void check_source_safe(const char *text)
{
    assert_null(strstr(text, "??"));
    /* the only preprocessor lines are ours */
    for (const char *line = text; line; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        const char *p = line + strspn(line, " \t");
        if (*p != '#')
            continue;
        static const char *const allowed[] = {
            "#include <", "#include \"net.h\"", "#define RT_API static", "#ifndef ",
            "#define ONNXC_RT_KERNELS_H", "#define ONNXC_RT_VEC_H", "#define RT_", "#endif", "#if ", "#else",
            "#define NET_", "#define ONNXC_GENERATED_NET_H", "#ifdef __cplusplus",
            "#if defined", "#elif", "#undef RT_", "#ifdef "};
        bool ok = false;
        for (size_t i = 0; i < ARRAY_LEN(allowed) && !ok; i++)
            ok = strncmp(p, allowed[i], strlen(allowed[i])) == 0;
        if (!ok)
            fail_msg("unexpected preprocessor line: %.60s", p);
    }
}

static void test_emit_compile_run(void **state)
{
    (void)state;
    Net net;
    build_net(&net);
    Graph *g = net.g;
    Diag d = {0};

    float want_y[72], want_m[144], want_x[36];
    const float *in[1] = {net.xv};
    float *out[3] = {want_y, want_m, want_x};
    if (!rt_interpret(g, in, out, &d))
        fail_msg("rt_interpret: %s", d.msg);

    if (!emit_files(g, tmpdir, "net", &d))
        fail_msg("cg_emit: %s (%s)", d.msg, d.node);
    char path[512];
    snprintf(path, sizeof path, "%s/net.c", tmpdir);
    char *c_text = read_text(path, NULL);
    snprintf(path, sizeof path, "%s/net.h", tmpdir);
    char *h_text = read_text(path, NULL);
    assert_non_null(c_text);
    assert_non_null(h_text);
    check_source_safe(c_text);
    check_source_safe(h_text);
    /* the parts the contract names */
    assert_non_null(strstr(c_text, "#define RT_API static RT_UNUSED\n"));
    assert_non_null(strstr(c_text, "/* ---- runtime/rt_kernels.h ---- */"));
    /* both convs run conv_direct_blk16 (select_kernels), whose weights are packed */
    assert_non_null(strstr(c_text, "/* ---- runtime/conv_fast.c ---- */"));
    assert_non_null(strstr(c_text, "/* ---- runtime/resize.c ---- */"));
    assert_null(strstr(c_text, "#include \"rt.h\""));
    assert_null(strstr(c_text, "malloc"));
    const char *sep = strstr(c_text, "/* ---- runtime/conv_fast.c ---- */");
    assert_null(strstr(sep + 1, "/* ---- runtime/conv_fast.c ---- */"));   /* once only */
    assert_null(strstr(c_text, "/* ---- runtime/conv.c ---- */"));
    /* (4, 1, 3, 3) packed with 12 zero output channels: 16 * 9 words */
    assert_non_null(strstr(c_text, "_Alignas(64) uint32_t u[144]; float f[144]; } wp_0"));
    assert_non_null(strstr(c_text, "static void n0_Conv("));
    assert_non_null(strstr(c_text, ".act = RT_ACT_SILU"));
    assert_non_null(strstr(h_text, "#define NET_WORKSPACE_BYTES "));
    assert_non_null(strstr(h_text, "#define NET_WORKSPACE_LOWER_BOUND "));
    assert_non_null(strstr(h_text, "#define NET_WEIGHT_BYTES 2912 "));   /* packed sizes */
    assert_non_null(strstr(h_text, "from \"evil \\x2a/ model.onnx\" (opset 13)"));
    free(c_text);
    free(h_text);

    assert_true(compiles_strict(cc_name(), tmpdir, "net"));
    if (have_compiler("gcc"))
        assert_true(compiles_strict("gcc", tmpdir, "net"));
    if (have_compiler("clang"))
        assert_true(compiles_strict("clang", tmpdir, "net"));

    /* run it */
    snprintf(path, sizeof path, "%s/driver.c", tmpdir);
    write_text(path, driver);
    snprintf(path, sizeof path, "%s/in.txt", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 36; i++)
        fprintf(f, "%a\n", (double)net.xv[i]);
    fclose(f);
    assert_int_equal(run_cmd("cd '%s' && %s -std=c11 -O1 -o driver driver.c net.c -lm && "
                             "./driver in.txt", tmpdir, cc_name()), 0);
    float got_y[72], got_m[144], got_x[36];
    snprintf(path, sizeof path, "%s/y.txt", tmpdir);
    read_floats(path, got_y, 72);
    snprintf(path, sizeof path, "%s/m.txt", tmpdir);
    read_floats(path, got_m, 144);
    snprintf(path, sizeof path, "%s/xo.txt", tmpdir);
    read_floats(path, got_x, 36);
    for (int i = 0; i < 72; i++)
        if (!(fabsf(got_y[i] - want_y[i]) <= 1e-5f + 1e-4f * fabsf(want_y[i])))
            fail_msg("y[%d]: emitted %.9g, interpreter %.9g", i, (double)got_y[i], (double)want_y[i]);
    for (int i = 0; i < 144; i++)
        if (!(fabsf(got_m[i] - want_m[i]) <= 1e-5f + 1e-4f * fabsf(want_m[i])))
            fail_msg("m[%d]: emitted %.9g, interpreter %.9g", i, (double)got_m[i], (double)want_m[i]);
    assert_memory_equal(got_x, net.xv, sizeof got_x);
    ir_graph_free(g);
}

/* Emitting the same graph twice (and a rebuilt copy) gives identical bytes. */
static void test_deterministic(void **state)
{
    (void)state;
    Net n1, n2;
    build_net(&n1);
    build_net(&n2);
    Diag d = {0};
    assert_true(emit_files(n1.g, tmpdir, "det1", &d));
    assert_true(emit_files(n2.g, tmpdir, "det2", &d));
    char p1[512], p2[512];
    for (int k = 0; k < 2; k++) {
        const char *ext = k ? "h" : "c";
        snprintf(p1, sizeof p1, "%s/det1.%s", tmpdir, ext);
        snprintf(p2, sizeof p2, "%s/det2.%s", tmpdir, ext);
        size_t l1, l2;
        char *t1 = read_text(p1, &l1), *t2 = read_text(p2, &l2);
        assert_non_null(t1);
        assert_non_null(t2);
        /* the names differ only by det1/det2 and DET1/DET2 */
        for (char *p = t2; (p = strstr(p, "det2")); p++)
            p[3] = '1';
        for (char *p = t2; (p = strstr(p, "DET2")); p++)
            p[3] = '1';
        assert_int_equal(l1, l2);
        assert_memory_equal(t1, t2, l1);
        free(t1);
        free(t2);
    }
    ir_graph_free(n1.g);
    ir_graph_free(n2.g);
}

/* ----------------------------------------------------------- diagnostics */

static void test_unsupported(void **state)
{
    (void)state;
    /* shape arithmetic left in the graph: named in the diagnostic */
    Graph *g = ir_graph_new();
    assert_non_null(g);
    int x = add_input(g, "x", 2, (const int64_t[]){2, 3});
    int s = ir_add_tensor(g, "s", TK_VALUE, DT_I64);
    int y = value(g, "y");
    node(g, OP_SHAPE, "the_shape", (int[]){x}, 1, s, NULL, 0);
    node(g, OP_RESHAPE, "reshape", (int[]){x, s}, 2, y, NULL, 0);
    set_io(g, &x, 1, &y, 1);
    Diag d = {0};
    assert_true(ir_infer_shapes(g, &d));
    g->arena_bytes = 0;   /* as if planned; fold_constants is deliberately skipped */
    g->arena_lower_bound = 0;
    FILE *c = tmpfile(), *h = tmpfile();
    CgOptions opt = {.name = "m", .header_name = "m.h"};
    assert_false(cg_emit(g, &opt, c, h, &d));
    assert_int_equal(d.code, ST_UNSUPPORTED);
    assert_string_equal(d.node, "the_shape");
    assert_string_equal(d.op, "Shape");
    assert_non_null(strstr(d.msg, "not constant after folding"));
    fclose(c);
    fclose(h);
    ir_graph_free(g);

    /* an op the typed kernels do not have, on non-f32 data */
    g = ir_graph_new();
    assert_non_null(g);
    x = ir_add_tensor(g, "xi", TK_INPUT, DT_I64);
    g->tensors[x].rank = 1;
    g->tensors[x].dims[0] = 4;
    y = ir_add_tensor(g, "yi", TK_VALUE, DT_I64);
    node(g, OP_SIGMOID, "sig", (int[]){x}, 1, y, NULL, 0);
    set_io(g, &x, 1, &y, 1);
    memset(&d, 0, sizeof d);
    assert_true(ir_infer_shapes(g, &d));
    g->arena_bytes = 0;
    c = tmpfile();
    h = tmpfile();
    assert_false(cg_emit(g, &opt, c, h, &d));
    assert_int_equal(d.code, ST_UNSUPPORTED);
    assert_string_equal(d.node, "sig");
    assert_non_null(strstr(d.msg, "Sigmoid on i64 data is not supported"));

    /* options that cannot reach C safely */
    memset(&d, 0, sizeof d);
    CgOptions bad = {.name = "my-model", .header_name = "m.h"};
    assert_false(cg_emit(g, &bad, c, h, &d));
    assert_int_equal(d.code, ST_UNSUPPORTED);
    memset(&d, 0, sizeof d);
    CgOptions bad_h = {.name = "m", .header_name = "m.h\"\n#include <x>"};
    assert_false(cg_emit(g, &bad_h, c, h, &d));
    assert_int_equal(d.code, ST_UNSUPPORTED);
    fclose(c);
    fclose(h);
    ir_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identifier),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_unique_names),
        cmocka_unit_test(test_emit_compile_run),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_unsupported),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
