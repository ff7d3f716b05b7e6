/* SPDX-License-Identifier: MIT */
/*
 * test_malformed.c - what `onnxc compile` does with a bad model, seen from the
 * outside, and what protobuf-c does with hostile bytes.
 *
 * Every case builds its model here (bytes, or protobuf-c structs through
 * model_builder.c), writes it into a fresh folder, runs the onnxc binary and
 * asserts exit status 1, the exact first line on stderr, and that the folder
 * holds nothing but what the test put there: no OUT.c, no OUT.h, no temporary.
 * The hostile-names case goes the other way: a valid model whose every name is
 * an attack compiles, the C builds with the strict flags plus -Wshadow, runs,
 * and agrees with `onnxc run` (the interpreter). The protobuf cases decode
 * hostile bytes with a counting allocator and bound what was allocated.
 * Needs $ONNXC, the onnxc binary (set by ctest); the compiler is $CC or cc.
 */
#define _XOPEN_SOURCE 700   /* mkdtemp, nftw-free directory listing */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "model_builder.h"
#include "onnx.h"

static char tmp_root[128];
static char onnxc[1024];
static int case_no;

/* ------------------------------------------------------------- helpers */

static int setup(void **state)
{
    (void)state;
    const char *bin = getenv("ONNXC");
    if (!bin)
        return -1;
    snprintf(onnxc, sizeof onnxc, "%s", bin);
    snprintf(tmp_root, sizeof tmp_root, "/tmp/onnxc_test_malformed_XXXXXX");
    return mkdtemp(tmp_root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (getenv("ONNXC_KEEP_TMP")) {            /* for looking at the cases by hand */
        fprintf(stderr, "test_malformed: kept %s\n", tmp_root);
        return 0;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
    return system(cmd) == 0 ? 0 : -1;
}

/* A new empty folder for one case; its path goes to dir. */
static void new_dir(char *dir, size_t size)
{
    snprintf(dir, size, "%s/case%d", tmp_root, ++case_no);
    assert_int_equal(mkdir(dir, 0700), 0);
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void write_model(const char *dir, MB *b)
{
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    char path[600];
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    write_file(path, buf, len);
}

/* Runs a shell command line; returns the exit status (-1 when it did not exit). */
static int run(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The first line of a file (without its newline) into buf. */
static void first_line(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    if (!fgets(buf, (int)size, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

/* Asserts that dir holds exactly the files named in keep (NULL-terminated). */
static void expect_only(const char *dir, const char *const *keep)
{
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        bool known = false;
        for (int i = 0; keep[i] && !known; i++)
            known = strcmp(de->d_name, keep[i]) == 0;
        if (!known)
            fail_msg("%s: unexpected file \"%s\" left behind", dir, de->d_name);
    }
    closedir(dp);
}

/* `onnxc compile DIR/model.onnx -o DIR/out/model_gen.c [extra]` must exit 1 with
 * first stderr line "onnxc: error: DIR/model.onnx: " + want, and leave out/ empty. */
static void expect_refusal(const char *dir, const char *extra, const char *want)
{
    char out_dir[512], err[512], line[2048], expected[2048];
    snprintf(out_dir, sizeof out_dir, "%s/out", dir);
    assert_int_equal(mkdir(out_dir, 0700), 0);
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
    int rc = run("'%s' compile '%s/model.onnx' -o '%s/model_gen.c' %s 2>'%s' >/dev/null", onnxc,
                 dir, out_dir, extra ? extra : "", err);
    first_line(err, line, sizeof line);
    snprintf(expected, sizeof expected, "onnxc: error: %s/model.onnx: %s", dir, want);
    if (rc != 1 || strcmp(line, expected) != 0)
        fail_msg("exit %d, first line\n  got:  %s\n  want: %s", rc, line, expected);
    const char *none[] = {NULL};
    expect_only(out_dir, none);
}

/* A valid model: x f32[1,1,4,4] -> Conv 3x3 pad 1 (w: 2 channels) -> Relu -> y. */
static MB *conv_model(void)
{
    static const int64_t dx[] = {1, 1, 4, 4}, dw[] = {2, 1, 3, 3};
    float w[18];
    for (int i = 0; i < 18; i++)
        w[i] = (float)(i % 5) * 0.25f - 0.5f;
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_init(b, mb_tensor_floats(b, "w", 4, dw, w, 18));
    Onnx__NodeProto *n = mb_node(b, "Conv", "conv1", "x,w", "c");
    const int64_t pads[] = {1, 1, 1, 1};
    mb_attr_ints(b, n, "pads", 4, pads);
    mb_node(b, "Relu", "relu1", "c", "y");
    mb_output(b, "y", 1);
    return b;
}

/* ------------------------------------------------------ bytes, not models */

static void test_empty_file(void **state)
{
    (void)state;
    char dir[256], path[600];
    new_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    write_file(path, "", 0);
    expect_refusal(dir, NULL, "file is empty");
}

static void test_garbage(void **state)
{
    (void)state;
    char dir[256], path[600];
    new_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    const char text[] = "this is not an ONNX model\n";
    write_file(path, text, sizeof text - 1);
    expect_refusal(dir, NULL, "not a valid ONNX model (protobuf decoding failed: truncated or "
                              "not a model)");
}

static void test_truncated(void **state)
{
    (void)state;
    MB *b = conv_model();
    size_t len;
    uint8_t *buf = mb_pack(b, &len);
    /* every cut inside the graph field: the length prefix then lies */
    for (size_t cut = len - 1; cut > len / 2; cut -= 7) {
        char dir[256], path[600];
        new_dir(dir, sizeof dir);
        snprintf(path, sizeof path, "%s/model.onnx", dir);
        write_file(path, buf, cut);
        expect_refusal(dir, NULL, "not a valid ONNX model (protobuf decoding failed: truncated "
                                  "or not a model)");
    }
    mb_free(b);
}

static void test_huge_length_claim(void **state)
{
    (void)state;
    /* ModelProto.graph (field 7, length-delimited) claiming 2^40 bytes */
    const unsigned char bytes[] = {0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x0a, 0x00};
    char dir[256], path[600];
    new_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    write_file(path, bytes, sizeof bytes);
    expect_refusal(dir, NULL, "not a valid ONNX model (protobuf decoding failed: truncated or "
                              "not a model)");
}

static void test_no_graph(void **state)
{
    (void)state;
    MB *b = mb_new(13);
    b->m.graph = NULL;
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "model has no graph");
}

static void test_file_over_limit(void **state)
{
    (void)state;
    MB *b = conv_model();
    char dir[256], want[1024];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    size_t len;
    mb_pack(b, &len);
    mb_free(b);
    snprintf(want, sizeof want, "\"%s/model.onnx\" is %zu bytes, more than the limit of 100", dir,
             len);
    expect_refusal(dir, "--max-bytes 100", want);
}

/* ------------------------------------------------------------ the graph */

static void test_unknown_ops(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    mb_node(b, "FrobnicateV2", "f1", "x", "a");
    mb_node(b, "Relu", "r", "a", "b2");
    mb_node(b, "FrobnicateV2", "f2", "b2", "c");
    mb_node(b, "Einsum", "", "c", "y");
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "node \"f1\" (FrobnicateV2): unsupported ops: FrobnicateV2 "
                              "(2 nodes, first \"f1\"), Einsum (1 node, first node #3)");
}

static void test_custom_domain(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4};
    MB *b = mb_new(13);
    mb_opset(b, "com.example", 1);
    mb_input(b, "x", 1, 2, dx, NULL);
    Onnx__NodeProto *n = mb_node(b, "Relu", "custom", "x", "y");
    n->has_domain = 1;
    n->domain = mb_bin(b, "com.example");
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "node \"custom\" (com.example.Relu): unsupported ops: "
                              "com.example.Relu (1 node, first \"custom\")");
}

static void test_missing_initializer(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 1, 4, 4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_node(b, "Conv", "conv1", "x,conv1.weight", "y");
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "node \"conv1\" (Conv): input \"conv1.weight\" is not defined");
}

static void test_mismatched_channels(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 3, 4, 4}, dw[] = {2, 1, 3, 3};
    float w[18] = {0};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_init(b, mb_tensor_floats(b, "w", 4, dw, w, 18));
    mb_node(b, "Conv", "conv1", "x,w", "y");
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "node \"conv1\" (Conv): weight W expects 1 input channels, X has 3");
}

static void test_cycle(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    mb_node(b, "Add", "add", "x,c", "a");
    mb_node(b, "Relu", "r1", "a", "bb");
    mb_node(b, "Relu", "r2", "bb", "c");
    mb_node(b, "Relu", "r3", "a", "y");
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "node \"r2\" (Relu): graph has a cycle through this node (4 of 4 "
                              "nodes cannot be scheduled)");
}

static void test_duplicate_output(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    mb_node(b, "Relu", "r1", "x", "y");
    mb_node(b, "Sigmoid", "s1", "x", "y");
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "node \"s1\" (Sigmoid): output \"y\" is also produced by node "
                              "\"r1\"");
}

/* ----------------------------------------------------------- sizes */

static void test_dim_2_pow_40(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4}, dw[] = {(int64_t)1 << 40};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    mb_init(b, mb_tensor(b, "w", 1, 1, dw));
    mb_node(b, "Add", "add", "x,w", "y");
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "initializer \"w\" has dims [1099511627776], more than 1073741824 "
                              "elements");
}

static void test_input_dim_2_pow_40(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 1, (int64_t)1 << 40, 1};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_node(b, "Relu", "r", "x", "y");
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "tensor \"x\" (f32[1,1,1099511627776,1]) has more than 1073741824 "
                              "elements");
}

static void test_dims_overflow(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 4}, dw[] = {(int64_t)1 << 32, (int64_t)1 << 32, 16};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    mb_init(b, mb_tensor(b, "w", 1, 3, dw));
    mb_node(b, "Add", "add", "x,w", "y");
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "initializer \"w\" has dims [4294967296,4294967296,16], more than "
                              "1073741824 elements");
}

static void test_negative_pad(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 1, 4, 4}, dw[] = {2, 1, 3, 3};
    float w[18] = {0};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_init(b, mb_tensor_floats(b, "w", 4, dw, w, 18));
    Onnx__NodeProto *n = mb_node(b, "Conv", "conv1", "x,w", "y");
    const int64_t pads[] = {1, -1, 1, 1};
    mb_attr_ints(b, n, "pads", 4, pads);
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "node \"conv1\" (Conv): pad -1 is out of range");
}

static void test_zero_size_input(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 0, 4, 4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_node(b, "Relu", "r", "x", "y");
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "tensor \"x\" (f32[1,0,4,4]) is empty; onnxc does not compile "
                              "zero-size tensors");
}

/* Pads and a stride so large that a window start (out * stride - pad) no longer
 * fits the kernels' int: refused by shape inference. */
static void test_huge_pads_and_stride(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 1, 1024, 1}, dw[] = {1, 1, 1, 1};
    const float w[1] = {1.0f};
    const int64_t pads[] = {(int64_t)1 << 30, 0, (int64_t)1 << 30, 0};
    const int64_t strides[] = {(int64_t)1 << 30, 1};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_init(b, mb_tensor_floats(b, "w", 4, dw, w, 1));
    Onnx__NodeProto *n = mb_node(b, "Conv", "conv1", "x,w", "y");
    mb_attr_ints(b, n, "pads", 4, pads);
    mb_attr_ints(b, n, "strides", 2, strides);
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "node \"conv1\" (Conv): padded input 2147484672 or kernel extent 1 "
                              "is larger than 1073741824");
}

/* Resize to a huge output: refused by the limits after shape inference. */
static void test_huge_activation(void **state)
{
    (void)state;
    static const int64_t dx[] = {1, 1, 4, 4}, ds[] = {4};
    const float scales[] = {1, 1, 100000, 100000};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 4, dx, NULL);
    mb_init(b, mb_tensor_floats(b, "scales", 1, ds, scales, 4));
    mb_node(b, "Resize", "up", "x,,scales", "y");
    mb_output(b, "y", 1);
    char dir[256];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "node \"up\" (Resize): tensor \"y\" (f32[1,1,400000,400000]) has "
                              "more than 1073741824 elements");
}

/* ------------------------------------------------------ external data */

static MB *external_model(const char *location)
{
    static const int64_t dx[] = {1, 4}, dw[] = {4};
    MB *b = mb_new(13);
    mb_input(b, "x", 1, 2, dx, NULL);
    Onnx__TensorProto *t = mb_tensor(b, "w", 1, 1, dw);
    t->has_data_location = 1;
    t->data_location = 1;
    t->n_external_data = 1;
    t->external_data = mb_alloc(b, sizeof(void *));
    Onnx__StringStringEntryProto *e = mb_alloc(b, sizeof(*e));
    onnx__string_string_entry_proto__init(e);
    e->has_key = e->has_value = 1;
    e->key = mb_bin(b, "location");
    e->value = mb_bin(b, location);
    t->external_data[0] = e;
    mb_init(b, t);
    mb_node(b, "Add", "add", "x,w", "y");
    mb_output(b, "y", 1);
    return b;
}

static void test_external_data(void **state)
{
    (void)state;
    char dir[256], want[1024];
    new_dir(dir, sizeof dir);
    MB *b = external_model("weights.bin");
    write_model(dir, b);
    mb_free(b);
    snprintf(want, sizeof want, "initializer \"w\": cannot open external data file "
             "\"%s/weights.bin\": No such file or directory", dir);
    expect_refusal(dir, NULL, want);

    new_dir(dir, sizeof dir);
    b = external_model("/etc/passwd");
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "initializer \"w\": external data location \"/etc/passwd\" is "
                              "outside the model's folder");

    new_dir(dir, sizeof dir);
    b = external_model("sub/../../model.onnx");
    write_model(dir, b);
    mb_free(b);
    expect_refusal(dir, NULL, "initializer \"w\": external data location "
                              "\"sub/../../model.onnx\" is outside the model's folder");

    /* present but short: 16 bytes needed, 8 there */
    new_dir(dir, sizeof dir);
    b = external_model("w.bin");
    write_model(dir, b);
    mb_free(b);
    char path[600];
    snprintf(path, sizeof path, "%s/w.bin", dir);
    write_file(path, "12345678", 8);
    snprintf(want, sizeof want, "initializer \"w\": external data file \"%s/w.bin\" is too short "
             "(16 bytes at offset 0)", dir);
    expect_refusal(dir, NULL, want);
}

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
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    /* one line: in the node part control bytes and backslashes are \xNN escapes,
     * in the message they are blanked */
    expect_refusal(dir, NULL, "node \"x */ #include <stdio.h>\\x0a?\?/\\x5c\\x1b[2J\" (Nope*/): "
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
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    assert_int_equal(run("cd '%s' && '%s' dump model.onnx >dump.txt && '%s' dot model.onnx "
                         ">dot.txt", dir, onnxc, onnxc), 0);
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
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    assert_int_equal(run("cd '%s' && '%s' compile model.onnx -o m.c 2>err.txt", dir, onnxc), 0);
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
    first_line(path, line, sizeof line);
    assert_string_equal(line, "onnxc: warning: model.onnx: input 'x?\?' dim 0 ('batch?[2J?') is "
                              "symbolic; assuming 1 (set it with --shape x?\?=...)");
}

/* A .h renamed into place but a .c that cannot follow: neither is left. */
static void test_partial_write(void **state)
{
    (void)state;
    MB *b = conv_model();
    char dir[256], out[600], err[600], line[2048];
    new_dir(dir, sizeof dir);
    write_model(dir, b);
    mb_free(b);
    snprintf(out, sizeof out, "%s/model_gen.c", dir);
    assert_int_equal(mkdir(out, 0700), 0);      /* rename() onto a folder fails */
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
    int rc = run("'%s' compile '%s/model.onnx' -o '%s' 2>'%s'", onnxc, dir, out, err);
    first_line(err, line, sizeof line);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(line, "cannot rename into place"));
    const char *keep[] = {"model.onnx", "model_gen.c", "stderr.txt", NULL};
    expect_only(dir, keep);
}

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
        "#define ONNXC_RT_KERNELS_H", "#define RT_", "#endif", "#if ", "#else", "#elif",
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
    new_dir(dir, sizeof dir);
    MB *b = hostile_model();
    write_model(dir, b);
    mb_free(b);
    assert_int_equal(run("cd '%s' && '%s' compile model.onnx -o hostile.c --name hostile", dir,
                         onnxc), 0);
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
    write_file(path, in, sizeof in);
    Diag d = {0};
    for (int k = 0; k < 2; k++) {
        OnnxTensor t = {.dtype = DT_F32, .rank = 4, .dims = {1, 2, 6, 6}, .data = in[k],
                        .name = k ? "in t" : "int"};
        snprintf(path, sizeof path, "%s/in%d.pb", dir, k);
        assert_true(onnx_write_tensor(path, &t, &d));
    }
    snprintf(path, sizeof path, "%s/driver.c", dir);
    write_file(path, hostile_driver, sizeof hostile_driver - 1);

    /* the strict flags plus -Wshadow, -Wcomment (a comment start inside a comment)
     * and -Wtrigraphs; gcc and clang when present */
    const char *cc = getenv("CC") && getenv("CC")[0] ? getenv("CC") : "cc";
    const char *compilers[] = {cc, "gcc", "clang"};
    for (size_t i = 0; i < ARRAY_LEN(compilers); i++) {
        if (i > 0 && run("%s --version >/dev/null 2>&1", compilers[i]) != 0)
            continue;
        int rc = run("cd '%s' && %s -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wcomment "
                     "-Wtrigraphs -Werror -O1 -c hostile.c -o hostile_%zu.o", dir, compilers[i],
                     i);
        if (rc != 0)
            fail_msg("%s rejects the emitted hostile.c", compilers[i]);
    }
    assert_int_equal(run("cd '%s' && %s -std=c11 -O1 -o driver driver.c hostile.c -lm && "
                         "./driver", dir, cc), 0);
    assert_int_equal(run("cd '%s' && '%s' run model.onnx --input in0.pb --input in1.pb "
                         "--output y.pb --output m.pb", dir, onnxc), 0);

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
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_huge_length_claim),
        cmocka_unit_test(test_no_graph),
        cmocka_unit_test(test_file_over_limit),
        cmocka_unit_test(test_unknown_ops),
        cmocka_unit_test(test_custom_domain),
        cmocka_unit_test(test_missing_initializer),
        cmocka_unit_test(test_mismatched_channels),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_duplicate_output),
        cmocka_unit_test(test_dim_2_pow_40),
        cmocka_unit_test(test_input_dim_2_pow_40),
        cmocka_unit_test(test_dims_overflow),
        cmocka_unit_test(test_negative_pad),
        cmocka_unit_test(test_zero_size_input),
        cmocka_unit_test(test_huge_pads_and_stride),
        cmocka_unit_test(test_huge_activation),
        cmocka_unit_test(test_external_data),
        cmocka_unit_test(test_hostile_name_in_error),
        cmocka_unit_test(test_dump_escapes_names),
        cmocka_unit_test(test_warning_escapes_names),
        cmocka_unit_test(test_partial_write),
        cmocka_unit_test(test_protobuf_length_claims),
        cmocka_unit_test(test_protobuf_amplification),
        cmocka_unit_test(test_protobuf_deep_nesting),
        cmocka_unit_test(test_hostile_names_compile_and_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
