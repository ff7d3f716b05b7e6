/* SPDX-License-Identifier: MIT */
/*
 * codegen.h - the public header of codegen/: writing a planned graph as one
 * standalone C file and its header.
 */
#ifndef ONNXC_CODEGEN_H
#define ONNXC_CODEGEN_H

#include "ir.h"

typedef struct CgOptions {
    const char *name;          /* C prefix for every emitted symbol (a valid identifier) */
    const char *header_name;   /* file name the .c includes, e.g. "unet_gen.h" */
    const char *assumptions;   /* text for the header, e.g. "batch=1 assumed for dim 'batch'"; may be NULL */
    uint64_t model_hash;       /* FNV-1a 64 of the model file's bytes, for NAME_MODEL_HASH; 0: none */
    bool trace;                /* emit a call to NAME_trace after every node, compiled only
                                * with -DNAME_TRACE (see cg_emit_trace_call) */
    bool reference_kernels;    /* true: only the reference kernels and NCHW everywhere (no fast path) */
    bool profile;              /* call NAME_profile before and after every node, compiled only
                                * with -DNAME_PROFILE (see emit_h.c); adds nothing otherwise */
} CgOptions;

/* Writes the C source to c_out and the header to h_out from a graph that went
 * through the whole pipeline (shapes known, buffers planned). Output is a pure
 * function of the graph and options (byte-identical across runs). False with d
 * filled when the graph holds something codegen cannot emit. */
bool cg_emit(const Graph *g, const CgOptions *opt, FILE *c_out, FILE *h_out, Diag *d);

/* The kernel cg_emit runs for each node, as the name of its ir/kernels.c entry
 * ("conv_direct_blk16", "maxpool_blk16", ..., "reference"), into
 * names[0..g->n_nodes-1] (static strings). False with d filled when the graph
 * has not been through select_kernels. */
bool cg_node_kernels(const Graph *g, const CgOptions *opt, const char **names, Diag *d);

/* FNV-1a, 64 bits, continuing from h (start with CG_FNV1A64_INIT): the model
 * hash of the emitted header. */
#define CG_FNV1A64_INIT 0xcbf29ce484222325ULL
uint64_t cg_fnv1a64(uint64_t h, const void *data, size_t n);

/* Turns any string into a C identifier (letters, digits, '_'; not starting with a
 * digit; never empty), written to buf. */
void cg_identifier(const char *s, char *buf, size_t size);

#endif
