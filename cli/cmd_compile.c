/* SPDX-License-Identifier: MIT */
/*
 * cmd_compile.c - `onnxc compile`: writes the optimized, planned model as
 * OUT.c and OUT.h. Both go to temporary names first and are renamed into
 * place only when everything was written, so a failure leaves no output.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "codegen.h"

int cmd_compile(const Options *o)
{
    if (!o->out)
        return usage_error("%s", "compile needs -o OUT.c");
    size_t len = strlen(o->out);
    if (len < 3 || strcmp(o->out + len - 2, ".c") != 0)
        return usage_error("output '%s' must end in .c", o->out);
    char assumed[1024];
    int status;
    Graph *g = front_half(o, assumed, sizeof assumed, NULL, NULL, &status);
    if (!g)
        return status;

    char *h_path = strdup(o->out), *stem = strdup(base_name(o->out));
    char name[256], c_tmp[4096], h_tmp[4096];
    if (!h_path || !stem) {
        fprintf(stderr, "onnxc: error: out of memory\n");
        return EXIT_MODEL;
    }
    h_path[len - 1] = 'h';
    stem[strlen(stem) - 2] = '\0';
    cg_identifier(o->name ? o->name : stem, name, sizeof name);
    if (o->name && strcmp(name, o->name) != 0) {
        free(h_path);
        free(stem);
        return usage_error("--name '%s' is not a C identifier", o->name);
    }
    CgOptions cg = {.name = name, .header_name = base_name(h_path),
                    .assumptions = assumed[0] ? assumed : NULL, .trace = o->trace,
                    .reference_kernels = o->reference_kernels, .profile = o->profile};
    hash_file(o->model, &cg.model_hash);
    FILE *cf = open_tmp(o->out, c_tmp, sizeof c_tmp);
    FILE *hf = open_tmp(h_path, h_tmp, sizeof h_tmp);
    Diag d = {0};
    status = 0;
    if (!cf || !hf) {
        fprintf(stderr, "onnxc: error: %s: cannot write: %s\n", cf ? h_path : o->out,
                strerror(errno));
        status = EXIT_MODEL;
    } else if (!cg_emit(g, &cg, cf, hf, &d)) {
        status = model_error(o, &d);
    }
    bool c_closed = !cf || close_file(cf);
    bool h_closed = !hf || close_file(hf);
    bool closed = c_closed && h_closed;
    if (status == 0 && !closed) {
        fprintf(stderr, "onnxc: error: %s: write failed: %s\n", o->out, strerror(errno));
        status = EXIT_MODEL;
    }
    /* The header first: if the .c cannot follow, the new header is removed again,
     * so the two files appear together or not at all. */
    if (status == 0 && rename(h_tmp, h_path) != 0) {
        fprintf(stderr, "onnxc: error: %s: cannot rename into place: %s\n", h_path,
                strerror(errno));
        status = EXIT_MODEL;
    } else if (status == 0 && rename(c_tmp, o->out) != 0) {
        fprintf(stderr, "onnxc: error: %s: cannot rename into place: %s\n", o->out,
                strerror(errno));
        remove(h_path);
        status = EXIT_MODEL;
    }
    if (status != 0) {
        remove(c_tmp);
        remove(h_tmp);
    }
    if (status == 0 && o->report)
        ir_print_report(g, stdout);
    free(h_path);
    free(stem);
    ir_graph_free(g);
    return status;
}
