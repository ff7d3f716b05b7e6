/* SPDX-License-Identifier: MIT */
/*
 * cmd_dump.c - `onnxc dump` (the IR after the pipeline or after every pass,
 * the buffer plan with --plan, JSON with --format json) and `onnxc dot` (the
 * optimized graph for Graphviz).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct DumpCtx {
    const Options *o;
    FILE *out;
} DumpCtx;

static void dump_observer(const Graph *g, const char *pass, void *ctx)
{
    const DumpCtx *c = ctx;
    if (c->o->print_all || (c->o->print_after && strcmp(c->o->print_after, pass) == 0)) {
        fprintf(c->out, "// ----- IR after %s ----- //\n", pass);
        ir_print(g, c->out);
    }
}

int cmd_dump(const Options *o)
{
    char assumed[1024];
    int status;
    DumpCtx ctx = {o, stdout};
    bool observe = o->print_all || o->print_after;
    Graph *g = front_half(o, assumed, sizeof assumed, observe ? dump_observer : NULL, &ctx,
                          &status);
    if (!g)
        return status;
    if (o->json)
        ir_print_json(g, stdout);
    else if (o->plan)
        ir_print_plan(g, stdout);
    else if (!observe)
        ir_print(g, stdout);
    ir_graph_free(g);
    return 0;
}

int cmd_dot(const Options *o)
{
    char assumed[1024], tmp[4096];
    int status;
    Graph *g = front_half(o, assumed, sizeof assumed, NULL, NULL, &status);
    if (!g)
        return status;
    FILE *f = o->out ? open_tmp(o->out, tmp, sizeof tmp) : stdout;
    if (!f) {
        fprintf(stderr, "onnxc: error: %s: cannot write: %s\n", o->out, strerror(errno));
        ir_graph_free(g);
        return EXIT_MODEL;
    }
    ir_print_dot(g, f);
    status = 0;
    if (o->out && (!close_file(f) || rename(tmp, o->out) != 0)) {
        fprintf(stderr, "onnxc: error: %s: write failed: %s\n", o->out, strerror(errno));
        remove(tmp);
        status = EXIT_MODEL;
    }
    ir_graph_free(g);
    return status;
}
