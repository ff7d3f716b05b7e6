/* SPDX-License-Identifier: MIT */
/*
 * ir.h - the onnxc intermediate representation, and the only public header of ir/.
 *
 * A Graph owns arrays of Tensors and Nodes that refer to each other by int index
 * (a tensor id, a node id). Everything a Graph points to (names, attributes,
 * constant data, the arrays themselves) lives in the Graph's Arena and is released
 * at once by ir_graph_free(). Nodes are kept in a valid schedule (topological order)
 * at all times; passes that remove nodes compact the array, tensor ids never change.
 *
 * ir/ depends on libc only. Errors on input are reported through Diag, never by
 * exit/abort; assert() guards only our own invariants.
 */
#ifndef ONNXC_IR_H
#define ONNXC_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ONNXC_VERSION "0.1.0"

#define IR_MAX_RANK 8        /* highest tensor rank accepted anywhere */
#define IR_MAX_INPUTS 4096   /* most inputs a node may have (Concat) */
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ arena */

/* A bump allocator; blocks are chained and released together. */
typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
    ArenaBlock *head;      /* current block, newest first */
    size_t total;          /* bytes obtained from malloc, for limits and reports */
    bool failed;           /* an allocation failed; every later one fails too */
} Arena;

/* Returns a new arena, or NULL when out of memory. Free with arena_free. */
Arena *arena_new(void);
/* Returns n zeroed bytes aligned to 64, or NULL (out of memory or n too large). */
void *arena_alloc(Arena *a, size_t n);
/* Returns n * size zeroed bytes, or NULL when the product overflows or memory runs out. */
void *arena_calloc(Arena *a, size_t n, size_t size);
/* Copies s (NUL-terminated) into the arena; NULL s gives "". NULL when out of memory. */
char *arena_strdup(Arena *a, const char *s);
/* Copies n bytes of s and terminates them. */
char *arena_strndup(Arena *a, const char *s, size_t n);
void arena_free(Arena *a);

/* ------------------------------------------------------------ diagnostics */

typedef enum Status {
    ST_OK = 0,
    ST_BAD_MODEL,          /* the file is malformed or inconsistent */
    ST_UNSUPPORTED,        /* valid ONNX that onnxc does not handle (yet) */
    ST_LIMIT,              /* a configured limit (rank, elements, bytes) was exceeded */
    ST_IO,                 /* a file could not be read or written */
    ST_NOMEM,              /* out of memory */
    ST_INTERNAL,           /* a bug in onnxc: a verifier failure after a pass */
} Status;

/* The first error of an operation (later ones are ignored). The CLI prints it as
 * `onnxc: error: FILE: node "NODE" (OP): MSG`, leaving out the node part when
 * node and op are empty. */
typedef struct Diag {
    Status code;
    char node[128];        /* ONNX node name, or "" */
    char op[64];           /* ONNX op type, or "" */
    char msg[512];
} Diag;

struct Node;
/* Fills d (if it holds no error yet) with code, the node's name and op, and the
 * formatted message; returns false so callers can `return diag_fail(...)`.
 * n may be NULL for errors that concern no node. */
bool diag_fail(Diag *d, Status code, const struct Node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Like diag_fail, for a node known only by name and op type (frontend). */
bool diag_fail_named(Diag *d, Status code, const char *node, const char *op, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Formats d as one line (no newline) into buf: `FILE: node "N" (Op): msg`. */
void diag_format(const Diag *d, const char *file, char *buf, size_t size);

/* ------------------------------------------------------------------ types */

typedef enum DType {       /* values are ONNX TensorProto.DataType codes */
    DT_UNDEFINED = 0,
    DT_F32 = 1,
    DT_U8 = 2,
    DT_I8 = 3,
    DT_U16 = 4,
    DT_I16 = 5,
    DT_I32 = 6,
    DT_I64 = 7,
    DT_BOOL = 9,
    DT_F16 = 10,
    DT_F64 = 11,
    DT_U32 = 12,
    DT_U64 = 13,
    DT_BF16 = 16,
    DT_F8E4M3FN = 17,
    DT_F8E4M3FNUZ = 18,
    DT_F8E5M2 = 19,
    DT_F8E5M2FNUZ = 20,
    DT_U4 = 21,
    DT_I4 = 22,
    DT_F4E2M1 = 23,
    DT_F8E8M0 = 24,
    DT_U2 = 25,
    DT_I2 = 26,
} DType;

/* Bytes per element in memory, 0 for a dtype onnxc does not handle. The 4- and
 * 2-bit types take one byte per element (unpacked; see rt_kernels.h), f16 and
 * bf16 are uint16_t bit patterns, the float8 types uint8_t codes. */
size_t dtype_size(DType t);
/* "f32", "i64", ... or "?" */
const char *dtype_name(DType t);
/* The C type of one element in emitted code and the runtime: "float", "int64_t",
 * "uint16_t" (f16, bf16), "uint8_t" (float8, uint4, bool) ..., or NULL. */
const char *dtype_ctype(DType t);
/* True for the integer types (bool included), false for the float types. */
bool dtype_is_int(DType t);

typedef enum OpKind {
#define OP(kind, name, min_in, max_in, min_out, max_out) OP_##kind,
#include "ops.def"
#undef OP
    OP_COUNT_
} OpKind;

/* ONNX op type of a kind ("Conv"). */
const char *op_name(OpKind k);
/* Looks up an ONNX op type in the default domain; false when onnxc lacks it. */
bool op_lookup(const char *onnx_name, OpKind *out);
/* Arity limits from ops.def. */
void op_arity(OpKind k, int *min_in, int *max_in, int *min_out, int *max_out);

/* True when input k of an op fixes shapes or acts as an attribute (Reshape's
 * shape, Resize's roi/scales/sizes, Slice's starts..., Pad's pads and value,
 * Clip's min/max, axes, indices of Gather, ...): onnxc needs it constant, or
 * foldable to a constant, to compile the node. */
bool ir_input_is_param(OpKind op, int k);

/* An activation fused into the producing node's epilogue (by pass_fuse). */
typedef enum Act {
    ACT_NONE = 0,
    ACT_RELU,
    ACT_SIGMOID,
    ACT_SILU,              /* x * sigmoid(x) */
    ACT_TANH,
    ACT_HARD_SWISH,        /* x * clamp(x / 6 + 1/2, 0, 1) */
    ACT_RELU6,             /* Clip(x, 0, 6) */
    ACT_LEAKY_RELU,        /* x < 0 ? alpha x : x, alpha = Node.act_alpha */
    ACT_CLIP,              /* Clip(x, Node.act_alpha, Node.act_beta) */
} Act;
/* "none", "relu", "sigmoid", "silu", "tanh", "hardswish", "relu6", "leakyrelu", "clip" */
const char *act_name(Act a);
/* True for the acts with parameters (Node.act_alpha / act_beta): the reference
 * kernels' epilogues take none, so the node applies them in place right after
 * its kernel; the fast convs apply them in their tile (RtConvParams.act_alpha). */
bool act_has_params(Act a);

/* ---------------------------------------------------------------- layouts */

/* How a tensor's elements are stored (chosen by pass_select_kernels). NCHW is
 * the ONNX order, and the only layout of model inputs, outputs and constants.
 * BLK16: an f32 (n, c, h, w) tensor stored as (n, C16, h, w, 16), C16 =
 * ceil(c/16): element (b, ch, y, x) at (((b*C16 + ch/16)*h + y)*w + x)*16 +
 * ch%16. Lanes of channels >= c always hold 0.0f: every kernel writing a BLK16
 * tensor stores zeros there and every kernel reading one may rely on it. */
typedef enum Layout {
    LAYOUT_NCHW = 0,
    LAYOUT_BLK16,
} Layout;
#define LAYOUT_BIT(l) (1u << (l))
/* "nchw", "blk16" */
const char *layout_name(Layout l);

/* ------------------------------------------------------------- attributes */

typedef enum AttrType {    /* values are ONNX AttributeProto.AttributeType codes */
    AT_FLOAT = 1,
    AT_INT = 2,
    AT_STRING = 3,
    AT_TENSOR = 4,
    AT_FLOATS = 6,
    AT_INTS = 7,
    AT_STRINGS = 8,
} AttrType;

/* One ONNX attribute, copied into the arena. Only the fields of its type are set. */
typedef struct Attr {
    const char *name;
    AttrType type;
    int64_t i;             /* AT_INT */
    float f;               /* AT_FLOAT */
    const char *s;         /* AT_STRING (NUL-terminated; embedded NULs rejected) */
    const int64_t *ints;   /* AT_INTS */
    const float *floats;   /* AT_FLOATS */
    const char **strings;  /* AT_STRINGS */
    int n;                 /* element count of ints / floats / strings */
    int tensor;            /* AT_TENSOR: id of a constant tensor in the graph, else -1 */
} Attr;

/* ------------------------------------------------------------ tensors, nodes */

typedef enum TensorKind {
    TK_VALUE = 0,          /* produced by a node */
    TK_INPUT,              /* graph input (not an initializer) */
    TK_CONST,              /* initializer, Constant output or folded value: data != NULL */
} TensorKind;

/* What select_kernels may choose (the command line's --reference-kernels, --trace). */
typedef enum KernelPolicy {
    KP_FAST = 0,           /* the fastest kernel that accepts each node, blocked layouts */
    KP_NCHW,               /* fast kernels that read and write NCHW only: every tensor NCHW
                            * (--trace: the hook sees every node's output in ONNX order) */
    KP_REFERENCE,          /* the reference kernel everywhere, NCHW throughout */
} KernelPolicy;

typedef struct Tensor {
    const char *name;      /* ONNX value name, unique in the graph ("" never) */
    TensorKind kind;
    DType dtype;
    int rank;              /* -1 while unknown */
    int64_t dims[IR_MAX_RANK];       /* -1 for a dim not known yet */
    const char *dim_param[IR_MAX_RANK]; /* symbolic name of dims[i] as in the model, or NULL */
    const void *data;      /* TK_CONST: nelem * dtype_size bytes, arena-owned, little endian */
    bool is_output;        /* listed in the graph outputs */
    int producer;          /* node id, -1 for inputs and constants */
    int64_t offset;        /* byte offset in the activation arena (plan_buffers); -1 when not planned */
    Layout layout;         /* storage order (select_kernels); LAYOUT_NCHW until then */
} Tensor;

typedef struct Node {
    OpKind op;
    const char *name;      /* ONNX node name ("" if the model gave none), for errors and comments */
    int *in;               /* tensor ids, n_in of them; -1 = an omitted optional input */
    int n_in;
    int *out;              /* tensor ids; -1 = an omitted optional output */
    int n_out;
    Attr *attrs;           /* as in the model, in model order */
    int n_attrs;
    Act act;               /* fused activation epilogue, ACT_NONE before pass_fuse */
    float act_alpha, act_beta;   /* its parameters: LeakyRelu alpha; Clip min and max */
    int kernel;            /* KernelId chosen by select_kernels; KERNEL_REFERENCE until then */
    const char *kernel_why;      /* arena string: why a faster kernel was not taken, or NULL */
} Node;

typedef struct Graph {
    Arena *arena;          /* owns everything below */
    Tensor *tensors;
    int n_tensors, cap_tensors;
    Node *nodes;           /* a valid schedule: every input is produced earlier */
    int n_nodes, cap_nodes;
    int *inputs, n_inputs;   /* graph inputs (TK_INPUT tensors) in model order */
    int *outputs, n_outputs; /* graph outputs in model order */
    int64_t opset;         /* default-domain opset version */
    int64_t ir_version;
    const char *producer;  /* producer_name + version, for the emitted banner */
    const char *source;    /* model file name (base name), for the emitted banner */
    int64_t arena_bytes;   /* plan_buffers: size of the activation arena, -1 before */
    int64_t arena_lower_bound; /* plan_buffers: largest sum of simultaneously live tensors */
    /* The limits the model was loaded under (--max-elements, --max-bytes), for the
     * passes that create data (fold_constants); 0: the frontend's defaults. */
    int64_t max_elements;    /* elements of one tensor */
    int64_t max_const_bytes; /* all constant data together */
    KernelPolicy kernel_policy; /* set by the caller before the pipeline; read by select_kernels */
    bool kernels_selected; /* select_kernels ran: Node.kernel and Tensor.layout are meaningful */
} Graph;

/* Returns an empty graph with its own arena, or NULL when out of memory. */
Graph *ir_graph_new(void);
void ir_graph_free(Graph *g);

/* Adds a tensor named name (copied) with unknown shape; returns its id, or -1 when
 * out of memory. Does not check uniqueness: see ir_find_tensor. */
int ir_add_tensor(Graph *g, const char *name, TensorKind kind, DType dtype);
/* Adds a constant tensor; data (nbytes = nelem * dtype_size) is copied. -1 on OOM. */
int ir_add_const(Graph *g, const char *name, DType dtype, int rank, const int64_t *dims,
                 const void *data);
/* Appends a node (name copied; in/out copied); returns its id or -1 on OOM.
 * Sets the producer of each output. Attributes are added with ir_node_set_attrs. */
int ir_add_node(Graph *g, OpKind op, const char *name, const int *in, int n_in,
                const int *out, int n_out);
/* Inserts a node at position pos of the schedule (ids of later nodes shift). */
int ir_insert_node(Graph *g, int pos, OpKind op, const char *name, const int *in, int n_in,
                   const int *out, int n_out);
/* Removes the nodes whose keep[i] is false, compacting the schedule and fixing
 * producer ids; tensors are kept (unreferenced ones are simply not printed). */
void ir_remove_nodes(Graph *g, const bool *keep);
/* Recomputes Tensor.producer from the nodes. */
void ir_update_producers(Graph *g);
/* Id of the tensor with this name, or -1. Linear: fine at model sizes. */
int ir_find_tensor(const Graph *g, const char *name);
/* A new unique tensor name "base", "base_1", ... (arena-owned). */
const char *ir_unique_name(Graph *g, const char *base);

/* Element count of a tensor with known shape; -1 if unknown or it overflows int64. */
int64_t ir_numel(const Tensor *t);
/* Bytes of a tensor with known shape; -1 if unknown or overflow. */
int64_t ir_nbytes(const Tensor *t);
/* True when rank and every dim are known. */
bool ir_shape_known(const Tensor *t);
/* Formats "f32[1,64,28,28]" (with dim_param names for unknown dims) into buf. */
void ir_format_type(const Tensor *t, char *buf, size_t size);

/* Attribute lookup by name; NULL if absent. */
const Attr *ir_attr(const Node *n, const char *name);
/* Typed getters: the default when absent; false with d filled when present with
 * the wrong type. */
bool ir_attr_int(const Node *n, const char *name, int64_t def, int64_t *out, Diag *d);
bool ir_attr_float(const Node *n, const char *name, float def, float *out, Diag *d);
bool ir_attr_string(const Node *n, const char *name, const char *def, const char **out, Diag *d);
/* AT_INTS; *n_out = -1 and *out = NULL when absent. */
bool ir_attr_ints(const Node *n, const char *name, const int64_t **out, int *n_out, Diag *d);
bool ir_attr_floats(const Node *n, const char *name, const float **out, int *n_out, Diag *d);
/* Copies attrs (with everything they point to) into the graph's arena and attaches them. */
bool ir_node_set_attrs(Graph *g, int node, const Attr *attrs, int n_attrs);

/* Use counts: uses[t] = number of node inputs reading tensor t (+1 if it is a graph
 * output). uses must hold g->n_tensors ints. */
void ir_count_uses(const Graph *g, int *uses);
/* True when node n computes on f32 data only: every input it reads as data (not
 * at a parameter slot) and every output that exists and is used (uses: per
 * tensor readers, from ir_count_uses; NULL counts every output) is f32. Other
 * nodes run on the typed kernels (runtime/typed.c). */
bool ir_node_is_f32(const Graph *g, const Node *n, const int *uses);
/* Fails (ST_UNSUPPORTED, naming the op and element type) unless the typed
 * kernels run node n: data movement, Cast, Pad, the elementwise binary ops,
 * Neg/Abs/Relu/Clip/Floor/Ceil (every float unary op on float types), the
 * reductions and 2-D MaxPool. */
bool ir_typed_check(const Graph *g, const Node *n, Diag *d);
/* Cast's saturate (0 or 1) and round_mode (0 up, 1 down, 2 nearest: RT_ROUND_*). */
bool ir_cast_params(const Node *n, int *saturate, int *round_mode, Diag *d);
/* Clip's bounds: the constant inputs 1 and 2 of any numeric type, or the
 * opset-6 attributes; -inf / +inf when absent. */
bool ir_clip_bounds(const Graph *g, const Node *n, double *lo, double *hi, Diag *d);
/* The value of a one-element constant of any integer or f32/f64 type as a
 * double; false when t is not such a constant. */
bool ir_const_scalar_f64(const Tensor *t, double *out);

/* ---------------------------------------------------- op geometry (shared) */

/* The canonical 2-D geometry of Conv and pooling, derived from attributes and
 * shapes by shape inference and used by the interpreter and codegen alike.
 * 1-D ops are mapped onto it with H = 1; 3-D ops add the depth fields (the 2-D
 * kernels require d == od == 1, see ir_geom_is_3d). */
typedef struct ConvGeom {
    int64_t n, c, h, w;        /* input */
    int64_t m, oh, ow;         /* output channels and size */
    int64_t kh, kw;
    int64_t sh, sw;            /* strides */
    int64_t dh, dw;            /* dilations */
    int64_t pt, pl, pb, pr;    /* pads: top, left, bottom, right */
    int64_t group;
    bool has_bias;
    /* depth of 3-D ops (rank-5 input); 1, 1, 1, 1, 1, 0, 0 for 1-D and 2-D */
    int64_t d, od, kd, sd, dd, pf, pk;   /* input, output, kernel, stride, dilation, pads */
} ConvGeom;
bool ir_conv_geom(const Graph *g, const Node *n, ConvGeom *out, Diag *d);
/* True for a node whose input X has rank 5 (3-D Conv and pooling: window3d.c). */
bool ir_geom_is_3d(const Graph *g, const Node *n);
bool ir_pool_geom(const Graph *g, const Node *n, ConvGeom *out, Diag *d);

typedef enum ResizeCoord {
    RC_HALF_PIXEL, RC_ASYMMETRIC, RC_ALIGN_CORNERS, RC_PYTORCH_HALF_PIXEL,
    RC_TF_HALF_PIXEL_FOR_NEAREST, RC_HALF_PIXEL_SYMMETRIC, RC_TF_CROP_AND_RESIZE,
} ResizeCoord;
typedef enum ResizeMode { RM_NEAREST, RM_LINEAR, RM_CUBIC } ResizeMode;
typedef enum ResizeNearest {
    RN_ROUND_PREFER_FLOOR, RN_ROUND_PREFER_CEIL, RN_FLOOR, RN_CEIL,
} ResizeNearest;
/* Resize / Upsample (nearest, linear, cubic) over the last two axes of an NCHW tensor. */
typedef struct ResizeGeom {
    int64_t n, c, ih, iw, oh, ow;
    float scale_h, scale_w;    /* output / input as ONNX defines it (from scales or sizes) */
    ResizeCoord coord;
    ResizeNearest nearest;
    ResizeMode mode;
    float cubic_a;             /* cubic_coeff_a */
    bool exclude_outside;      /* taps outside the input get weight 0 (renormalized) */
    bool antialias;            /* widen linear/cubic filters when downscaling */
    float extrapolation;       /* tf_crop_and_resize: value outside the input */
    float roi[4];              /* tf_crop_and_resize: start_h, end_h, start_w, end_w */
} ResizeGeom;
/* Returns true with out->oh = out->ow = -1 when the scales or sizes input is not
 * constant yet (see ir_infer_node). */
bool ir_resize_geom(const Graph *g, const Node *n, ResizeGeom *out, Diag *d);

/* ConvTranspose in the same 2-D geometry: x (n,c,h,w) -> y (n,m,oh,ow), with
 * W (c, m/group, kh, kw); pt/pl are the pads cropped from the full output. */
bool ir_conv_transpose_geom(const Graph *g, const Node *n, ConvGeom *out, Diag *d);

/* Data movement as strided copies: y[yoff + sum i_k ys_k] = x[xoff + sum i_k xs_k]
 * over the index space dims (IR_MAX_RANK dims, leading ones 1). Transpose,
 * Slice, Expand, Flatten, DepthToSpace, SpaceToDepth need one copy; Concat one
 * per input (src), Split one per output (dst), Gather one per index. */
typedef struct CopyGeom {
    int src, dst;                      /* node input and output index */
    int64_t dims[IR_MAX_RANK];
    int64_t xs[IR_MAX_RANK], ys[IR_MAX_RANK];  /* element strides (xs may be 0 or < 0) */
    int64_t xoff, yoff;
} CopyGeom;
/* Returns how many copies node n is (0: not a copy op) and fills out[0..max-1]
 * when out is not NULL; -1 with d filled on a bad or unsupported node. */
int ir_copy_geom(const Graph *g, const Node *n, CopyGeom *out, int max, Diag *d);

typedef enum PadMode { PAD_CONSTANT, PAD_REFLECT, PAD_EDGE, PAD_WRAP } PadMode;
/* Pad at rank IR_MAX_RANK (leading dims 1): y[i] = x[i - begin] per axis, or the
 * mode's rule outside x (begin may be negative: cropping). */
typedef struct PadGeom {
    int64_t xdims[IR_MAX_RANK], ydims[IR_MAX_RANK], begin[IR_MAX_RANK];
    PadMode mode;
    float value;
} PadGeom;
/* *known is false (and true returned) while pads are not constant yet. */
bool ir_pad_geom(const Graph *g, const Node *n, PadGeom *out, bool *known, Diag *d);

/* ReduceMean/Sum/Max at rank IR_MAX_RANK: x dims, and for every x axis the
 * stride of y (0 along a reduced axis); count = elements reduced into one. */
typedef struct ReduceGeom {
    int64_t dims[IR_MAX_RANK], ys[IR_MAX_RANK];
    int64_t count;
    int y_rank;                        /* rank of the ONNX output */
    int64_t y_dims[IR_MAX_RANK];
    bool noop;                         /* empty axes with noop_with_empty_axes: a copy */
} ReduceGeom;
bool ir_reduce_geom(const Graph *g, const Node *n, ReduceGeom *out, bool *known, Diag *d);

/* MatMul (numpy semantics) and Gemm: y[b..., i, j] = alpha * sum_k A[b..., i, k]
 * B[b..., k, j] + beta * C[i, j], A and B read through strides (transposes and
 * broadcast batch dims: stride 0), C broadcast through c_sm/c_sn. */
#define IR_MAX_BATCH (IR_MAX_RANK - 2)
typedef struct MatmulGeom {
    int64_t bdims[IR_MAX_BATCH], bsa[IR_MAX_BATCH], bsb[IR_MAX_BATCH];
    int64_t m, n, k;
    int64_t a_sm, a_sk, b_sk, b_sn, c_sm, c_sn;
    bool has_c;
    float alpha, beta;
    int y_rank;
    int64_t y_dims[IR_MAX_RANK];
} MatmulGeom;
bool ir_matmul_geom(const Graph *g, const Node *n, MatmulGeom *out, Diag *d);

/* Normalizations and softmax over x viewed as (n, c, inner): BatchNorm,
 * InstanceNorm and LRN use all three; GroupNorm adds groups; LayerNorm and
 * Softmax use n = outer, c = the normalized length, inner = what follows it
 * (1 for LayerNorm). */
typedef struct NormGeom {
    int64_t n, c, inner, groups, size;
    float eps, alpha, beta, bias;
    bool scale_per_group;              /* GroupNorm before opset 21: scale (groups) */
} NormGeom;
bool ir_norm_geom(const Graph *g, const Node *n, NormGeom *out, Diag *d);

/* Alpha and beta of an elementwise unary op (LeakyRelu alpha, Clip min/max, ...). */
bool ir_unary_params(const Graph *g, const Node *n, float *alpha, float *beta, Diag *d);

/* --------------------------------------------------------------- analyses */

/* Infers the output dtype and shape of node `node` from its inputs and validates
 * its attributes; false with d filled on a bad or unsupported node. Lenient about
 * what is not known yet: when an input's shape is unknown, or an input that fixes
 * the output shape (Reshape's shape, Resize's scales/sizes, ...) is not constant
 * yet, the outputs are left unknown (rank -1) and it returns true; fold_constants
 * re-runs it as values become constant. Outputs already known are recomputed. */
bool ir_infer_node(Graph *g, int node, Diag *d);
/* Runs ir_infer_node over the whole schedule. */
bool ir_infer_shapes(Graph *g, Diag *d);

/* Checks the structural invariants: ids in range, schedule order, one producer per
 * tensor, arities, constants with data and known shapes, and once planned
 * (g->arena_bytes >= 0) that every planned tensor has a known shape and fits in
 * the arena and that no two simultaneously live tensors overlap (a tensor may
 * share its input's bytes only at the node where that input dies: in-place).
 * Unknown shapes of node outputs are allowed before planning. A failure after a
 * pass is a bug in that pass (ST_INTERNAL). */
bool ir_verify(const Graph *g, Diag *d);

/* Deterministic text form, one line per node, e.g.
 *   %7 = Conv(%0, %1, %2) {group=1 kernel_shape=[5,5]} act=silu kernel=conv_direct_blk16
 *        : f32[1,32,28,28] blk16 @0   # "conv1"        (on one line)
 * preceded by inputs/constants and followed by outputs and the plan summary;
 * kernel= once select_kernels ran, why="..." when a faster kernel refused, the
 * layout after the type when it is not NCHW. */
void ir_print(const Graph *g, FILE *out);
/* Graphviz (dot) form: one box per node (fused activations, output shape and
 * arena offset in the label), weights listed in their node, edges labelled with
 * the tensor they carry. */
void ir_print_dot(const Graph *g, FILE *out);

/* Lifetimes over the schedule (lifetime.c): for every tensor, first[t] = the
 * step (node index) that produces it, -1 for inputs and constants, and last[t]
 * = the last step that reads it (first[t] when nobody does, -1 when neither).
 * Both arrays hold g->n_tensors ints. */
void ir_lifetimes(const Graph *g, int *first, int *last);
/* Bytes of a tensor as stored in its layout: ir_nbytes for NCHW, the padded
 * n * ceil(c/16)*16 * h * w * 4 for BLK16; -1 if unknown or overflow. */
int64_t ir_storage_bytes(const Tensor *t);
/* Bytes a planned tensor occupies in the arena (ir_storage_bytes rounded up to 64). */
int64_t ir_planned_bytes(const Tensor *t);
/* The step at which the planned tensors (offset >= 0) live at once take the
 * most bytes (tensors sharing bytes in place counted once); *bytes receives
 * that sum, which equals g->arena_lower_bound. -1 when nothing is planned. */
int ir_peak_step(const Graph *g, const int *first, const int *last, int64_t *bytes);

/* The buffer plan of a planned graph as a table (print_plan.c): one row per
 * planned tensor with its bytes, lifetime, offset and an ASCII timeline, then
 * the arena, the lower bound, the efficiency (lower bound / arena) and the
 * tensors live at the peak. Prints one line saying so when g is not planned. */
void ir_print_plan(const Graph *g, FILE *out);
/* The graph and its plan as one JSON object (print_json.c): valid JSON (UTF-8;
 * invalid bytes in names become U+FFFD), deterministic, keys documented there. */
void ir_print_json(const Graph *g, FILE *out);
/* Per-layer cost of a planned graph (print_report.c): kernel, FLOPs, bytes read
 * (inputs and weights) and written per node, totals, and the tensors at the peak. */
void ir_print_report(const Graph *g, FILE *out);
/* Multiply-adds of one node: Conv N*M*oH*oW*(C/group)*kH*kW (times oD*kD in
 * 3-D), ConvTranspose N*C*H*W*(M/group)*kH*kW, Gemm and MatMul batch*M*N*K
 * (a bias add, alpha and beta not counted); 0 for every other op and for a
 * node whose geometry is unknown. FLOPs are twice this. */
int64_t ir_node_macs(const Graph *g, const Node *n);

/* ---------------------------------------------------------------- kernels */

/* The kernels codegen can emit for a node (kernels.c). Selection (passes/
 * select_kernels.c) walks ir_kernels in order and takes the first entry whose
 * op matches, whose predicate accepts the node's shape class and whose layouts
 * fit the tensors; KERNEL_REFERENCE, last, accepts every node (NCHW only).
 * Adding a kernel: one KernelId, one entry in kernels.c, one runtime file, and
 * its emission in codegen/emit_fast.c. */
typedef enum KernelId {
    KERNEL_REFERENCE = 0,          /* the plain kernel of the op (runtime/conv.c ...) */
    KERNEL_CONV_DIRECT_BLK16,      /* rt_conv_fast_body: 16 output channels per vector */
    KERNEL_CONV_REDUCE_BLK16,      /* rt_conv_reduce_body: few outputs, reduce over blk16 input */
    KERNEL_MAXPOOL_BLK16,          /* rt_maxpool2d_blocked_f32 */
    KERNEL_RESIZE_NEAREST_BLK16,   /* rt_resize_nearest_blocked_f32 */
    KERNEL_BINARY_FLAT,            /* rt_binary_f32 on same-shape operands: any one layout */
    KERNEL_UNARY_FLAT,             /* rt_unary_f32: any layout */
    /* ---- ops: blk16 kernels around the convs (runtime/blocked_ops.c, pool_blocked.c,
     * resize.c; emitted by codegen/emit_blocked.c) ---- */
    KERNEL_AVGPOOL_BLK16,          /* rt_avgpool2d_blk16_body */
    KERNEL_GLOBAL_POOL_BLK16,      /* rt_global_pool_blk16_body: GAP, GMP, ReduceMean/Max over H, W */
    KERNEL_CONCAT_BLK16,           /* rt_concat_blk16_body, once per input */
    KERNEL_BINARY_BLK16,           /* rt_binary_blk16_body: same shape, pad lanes kept 0 */
    KERNEL_BINARY_CHAN_BLK16,      /* rt_binary_chan_blk16_body: B per channel or scalar */
    KERNEL_UNARY_BLK16,            /* rt_unary_blk16_body: the activations on 16 lanes */
    KERNEL_RESIZE_INTERP_BLK16,    /* rt_resize_interp_blk16_body: linear / cubic */
    /* ---- end of the ops block ---- */
    /* dw: runtime/conv_dw.c, runtime/gemm_fast.c */
    KERNEL_CONV_DW_BLK16,          /* rt_conv_dw_blk16_body: depthwise, group == c == m */
    KERNEL_CONV_GROUPED_BLK16,     /* rt_conv_grouped_blk16_body: other groups, multipliers */
    KERNEL_GEMM_PACKED,            /* rt_gemm_packed_body: Gemm / MatMul, B constant, packed */
    KERNEL_COUNT_
} KernelId;

#define KERNEL_MAX_OPS 8
typedef struct KernelEntry {
    KernelId id;
    const char *name;              /* "conv_direct_blk16": what it computes, shape class, layout */
    int n_ops;                     /* ops it implements (0: every op) */
    OpKind ops[KERNEL_MAX_OPS];
    /* The shape class: true when the kernel computes node n (attributes,
     * shapes, constant weights); otherwise false with a short reason in why
     * ("group 8 != 1"). NULL: every node of the ops. */
    bool (*accepts)(const Graph *g, const Node *n, char *why, size_t size);
    int n_data_in;                 /* inputs 0..n_data_in-1 and output 0 carry the layouts
                                    * below; every other input and output is NCHW */
    unsigned reads, writes;        /* LAYOUT_BIT masks of the data inputs and output 0 */
    bool same_layout;              /* the data inputs and output 0 share one layout */
    bool padded_ok;                /* handles blk16 tensors whose channel count is not a
                                    * multiple of 16 (reads zero lanes, writes them 0) */
    bool packs_weights;            /* input 1 is repacked by codegen (a constant) */
    const char *files[2];          /* runtime files it needs, in emission order; NULL
                                    * entries: none beyond the op's reference file */
} KernelEntry;
extern const KernelEntry ir_kernels[];
extern const int ir_n_kernels;
/* The entry of a KernelId (the reference entry for an unknown id). */
const KernelEntry *ir_kernel(int id);
/* True when entry k implements op. */
bool ir_kernel_has_op(const KernelEntry *k, OpKind op);
/* Floating-point operations of node n (2 per multiply-add; Conv, ConvTranspose,
 * Gemm, MatMul), 0 for the others or when the geometry is unknown. */
int64_t ir_node_flops(const Graph *g, const Node *n);

#endif
