/* SPDX-License-Identifier: MIT */
/*
 * cmd_run.c - `onnxc run`: the reference interpreter on TensorProto files. The
 * input files' shapes pin the model's symbolic dims, as --shape would. Inputs
 * and outputs may be of any element type onnxc handles; an input file must
 * have the element type the model declares for that input.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "onnx.h"
#include "rt.h"

int cmd_run(Options *o)
{
    Arena *a = arena_new();
    OnnxTensor in[MAX_FILES];
    Diag d = {0};
    if (!a)
        return EXIT_MODEL;
    /* Input files pin the input shapes, as --shape would. */
    for (int k = 0; k < o->n_inputs; k++) {
        if (!onnx_read_tensor(o->inputs[k], a, &in[k], &d)) {
            char line[1024];
            diag_format(&d, o->inputs[k], line, sizeof line);
            fprintf(stderr, "onnxc: error: %s\n", line);
            arena_free(a);
            return EXIT_MODEL;
        }
    }
    char assumed[1024];
    int status;
    Graph *g = NULL;
    {
        Diag ld = {0};
        Graph *probe = onnx_load_file(o->model, &o->limits, &ld);
        if (!probe) {
            arena_free(a);
            return model_error(o, &ld);
        }
        if (probe->n_inputs != o->n_inputs || probe->n_outputs != o->n_outputs) {
            fprintf(stderr, "onnxc: error: %s: the model has %d inputs and %d outputs; "
                    "got %d --input and %d --output\n", o->model, probe->n_inputs,
                    probe->n_outputs, o->n_inputs, o->n_outputs);
            ir_graph_free(probe);
            arena_free(a);
            return EXIT_USAGE;
        }
        for (int k = 0; k < o->n_inputs && o->n_shapes < MAX_SHAPES; k++) {
            ShapeArg *s = &o->shapes[o->n_shapes++];
            snprintf(s->input, sizeof s->input, "%s", probe->tensors[probe->inputs[k]].name);
            s->rank = in[k].rank;
            memcpy(s->dims, in[k].dims, sizeof s->dims);
            DType want = probe->tensors[probe->inputs[k]].dtype;
            if (in[k].dtype != want) {
                fprintf(stderr, "onnxc: error: %s: input file is %s, the model's input \"%s\" "
                        "is %s\n", o->inputs[k], dtype_name(in[k].dtype), s->input,
                        dtype_name(want));
                ir_graph_free(probe);
                arena_free(a);
                return EXIT_MODEL;
            }
        }
        g = front_half(o, assumed, sizeof assumed, NULL, NULL, &status);
        o->n_shapes -= o->n_inputs;
        ir_graph_free(probe);
    }
    if (!g) {
        arena_free(a);
        return status;
    }
    const void *ins[MAX_FILES];
    void *outs[MAX_FILES];
    for (int k = 0; k < o->n_inputs; k++)
        ins[k] = in[k].data;
    for (int k = 0; k < g->n_outputs; k++) {
        const Tensor *t = &g->tensors[g->outputs[k]];
        int64_t ne = ir_numel(t);
        outs[k] = arena_calloc(a, ne > 0 ? (size_t)ne : 1, dtype_size(t->dtype));
    }
    status = 0;
    if (!rt_interpret_any(g, ins, outs, &d)) {
        status = model_error(o, &d);
    } else {
        for (int k = 0; k < g->n_outputs && status == 0; k++) {
            const Tensor *t = &g->tensors[g->outputs[k]];
            OnnxTensor ot = {.dtype = t->dtype, .rank = t->rank, .data = outs[k], .name = t->name};
            memcpy(ot.dims, t->dims, sizeof ot.dims);
            Diag wd = {0};
            if (!onnx_write_tensor(o->outputs[k], &ot, &wd)) {
                char line[1024];
                diag_format(&wd, o->outputs[k], line, sizeof line);
                fprintf(stderr, "onnxc: error: %s\n", line);
                status = EXIT_MODEL;
            }
        }
    }
    ir_graph_free(g);
    arena_free(a);
    return status;
}
