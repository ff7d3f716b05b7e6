/* SPDX-License-Identifier: MIT */
/*
 * cg_internal.h - what the files of codegen/ share and nobody else sees: the
 * embedded runtime sources (generated at build time by cmake/embed_sources.cmake),
 * the name and comment helpers of names.c, and CgPlan, the facts about a graph
 * that emit_c.c works out once and emit_h.c prints into the header.
 */
#ifndef ONNXC_CG_INTERNAL_H
#define ONNXC_CG_INTERNAL_H

#include "codegen.h"

/* One runtime source file as lines without their newline (rt_sources.c). */
typedef struct CgRtSource {
    const char *name;              /* base name: "rt_kernels.h", "conv.c" */
    const char *const *lines;
    int n_lines;
} CgRtSource;
extern const CgRtSource cg_rt_sources[];
extern const int cg_rt_n_sources;

/* Longest part of a model name kept in an identifier (C11 guarantees 63
 * significant characters; the rest is left for prefixes and suffixes). */
#define CG_ID_MAX 40
/* Longest part of a model name quoted in a comment before "..." is written. */
#define CG_QUOTE_MAX 64

/* Writes s as a double-quoted string safe inside a C block comment and on one
 * line: bytes outside printable ASCII and the bytes '*' '\\' '?' '"' become \xNN,
 * so neither a comment end, a nested comment start, a trigraph nor a line
 * splice can come out of it. At most max_len bytes of s are quoted, then "...". */
void cg_quote(const char *s, size_t max_len, char *buf, size_t size);

/* True when id (already a syntactic identifier) must not be used as a name in
 * emitted code: a C keyword, or a macro or type name that the emitted file or
 * a common environment defines (NULL, linux, uint32_t ...). */
bool cg_is_reserved(const char *id);

/* Upper-cases ASCII letters of s in place. */
void cg_upper(char *s);

/* Everything cg_emit decides before writing, shared by the two writers. */
typedef struct CgPlan {
    const Graph *g;
    const CgOptions *opt;
    char upper[128];               /* opt->name upper-cased: macro prefix */
    int n_params;                  /* g->n_inputs + g->n_outputs */
    char (*param)[64];             /* C parameter name: inputs, then outputs */
    char (*stem)[64];              /* header macro stem after "NAME_": same order */
    int64_t weight_bytes;          /* bytes of all weight arrays */
} CgPlan;

/* emit_ops.c: the node functions of the ops added for the U-Net family. A node
 * function takes `const float *xK` for each input K with cg_op_passes_input
 * and `float *yK` for each output K with cg_op_writes_output. */
bool cg_op_passes_input(const Node *n, int k);
bool cg_op_writes_output(const Node *n, int k);
/* The runtime file holding the op's kernel, or NULL when emit_ops.c does not emit it. */
const char *cg_op_kernel_file(const Graph *g, const Node *n);
/* Writes the body (parameters and kernel call); *act_done when the kernel
 * applied n->act itself. */
bool cg_emit_op_body(const Graph *g, const Node *n, bool *act_done, FILE *c, Diag *d);
/* Typed nodes (not ir_node_is_f32): the function takes `const void *xK` for
 * each input K with cg_op_passes_input and `void *yK` for each output K with
 * cg_typed_writes_output (uses: readers per tensor); the body calls the typed
 * kernels of typed.c. */
bool cg_typed_writes_output(const Node *n, int k, const int *uses);
bool cg_emit_typed_body(const Graph *g, const Node *n, const int *uses, FILE *c, Diag *d);
/* literals.c: the only places a float or double is printed into emitted C: a
 * literal that reads back as v (INFINITY, -INFINITY, NAN for the non-finite;
 * -0.0 exactly; locale-free). Float literals carry the 'f' suffix. */
void cg_put_float(FILE *c, float v);
void cg_put_double(FILE *c, double v);
/* "RT_ACT_RELU" ... for a fused activation. */
const char *cg_act_const(Act a);

/* The C element type of parameter k (inputs, then outputs): "float", "int64_t" ... */
const char *cg_param_ctype(const CgPlan *pl, int k);
/* Writes the header (banner, guard, macros, prototypes). */
void cg_emit_header(const CgPlan *pl, FILE *h);

/* emit_trace.c: with opt->trace, the declaration of the user's hook NAME_trace
 * (inside #ifdef NAME_TRACE) for the header, and the call after node `node`
 * whose output is at the C expression `ptr`, for NAME_run_ws. Both write
 * nothing when opt->trace is false. */
void cg_emit_trace_decl(const CgPlan *pl, FILE *h);
void cg_emit_trace_call(const CgPlan *pl, int node, const char *ptr, FILE *c);

/* ---- emit_fast.c: the fast kernels recorded by pass_select_kernels ---- */

/* True when emit_fast.c emits node n's kernel call (Node.kernel is one of its
 * kernels); the others are emitted as their op's reference call. */
bool cg_fast_kernel(const Node *n);
/* The RT_ACT_* a fast conv's epilogue applies for a (the ones with parameters
 * too: RT_ACT_LEAKY_RELU, RT_ACT_CLIP with RtConvParams.act_alpha / act_beta). */
const char *cg_fast_act_const(Act a);
/* Floats in node n's packed weight array (blocks of 16 rounded up). */
int64_t cg_fast_packed_words(const Graph *g, const Node *n);
/* Writes the packed weight array wp_<node> of every node whose kernel packs
 * its weights (KernelEntry.packs_weights). */
bool cg_fast_emit_weights(const Graph *g, FILE *c, Diag *d);
/* Writes the kernel call of node i (after its params `p`), in the layouts
 * recorded on its tensors; false when cg_fast_kernel(node i) is false. */
bool cg_fast_emit_call(const Graph *g, int i, bool has_bias, FILE *c);
/* ---- emit_blocked.c: the blk16 kernels around the convs (ops) ---- */
/* True when node n's kernel is one of emit_blocked.c's (pooling, Concat,
 * elementwise on blk16); cg_fast_kernel is true for them too. */
bool cg_blocked_kernel(const Node *n);
/* Writes the body of node n's function: x[k] is the C name of input k (the
 * data inputs it reads), y of output 0. False with d filled on a geometry error. */
bool cg_blocked_emit_body(const Graph *g, const Node *n, const char *const *x, const char *y,
                          FILE *c, Diag *d);
/* ---- end of emit_blocked.c ---- */

/* ---- emit_blob.c: constant data as string literals (see emit_blob.c) ---- */

/* Writes `static const union { _Alignas(64) unsigned char b[..]; CTYPE f[n /
 * elem_size]; } IDENT = {"..."};` whose bytes are exactly bytes[0..n). False
 * when writing failed. */
bool cg_emit_blob(FILE *c, const char *ident, const char *ctype, size_t elem_size,
                  const void *bytes, size_t n);
/* Before the first blob: the little-endian guard and the pragmas the literals
 * need; after the last: restores the diagnostics. */
void cg_blob_prologue(FILE *c);
void cg_blob_epilogue(FILE *c);
/* The literal body (without quotes) of p[0..n) into out (room for 4n bytes);
 * returns its length. Exposed for the tests. */
size_t cg_blob_encode(const unsigned char *p, size_t n, char *out);

/* ---- emit_fast_dw.c: depthwise / grouped blk16 convs, packed Gemm (dw) ---- */
/* Node n runs conv_dw_blk16, conv_grouped_blk16 or gemm_packed. */
bool cg_dw_kernel(const Node *n);
/* Writes wp_<i>, the packed weights of node i (one of those kernels). */
bool cg_dw_emit_weights(const Graph *g, int i, FILE *c, Diag *d);
/* The conv call of node i after its params `p`; false for another kernel. */
bool cg_dw_emit_call(const Graph *g, int i, bool has_bias, FILE *c);
/* The body of a gemm_packed node function (x0 = A, x1 = packed B, x2 = C). */
bool cg_dw_emit_gemm(const Graph *g, const Node *n, FILE *c, Diag *d);

#endif
