/* SPDX-License-Identifier: MIT */
/*
 * interp_typed.c - the interpreter's cases for nodes whose data is not all f32
 * (integer arithmetic, f64 and f16 math, Cast, data movement of int64 or bool,
 * MaxPool's Indices output ...): each calls one typed kernel of typed.c, with
 * the geometry the f32 cases use, so codegen's typed node functions
 * (codegen/emit_typed.c) compute the same thing.
 *
 * An op whose kernel has no typed form (Conv, Resize, the normalizations ...)
 * fails here with one line naming the op and the element type.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "interp_internal.h"

static int dt_of(const Interp *st, int tid)
{
    return (int)st->g->tensors[tid].dtype;
}

static bool unsupported(Interp *st, const Node *n)
{
    const Tensor *x = n->n_in > 0 && n->in[0] >= 0 ? &st->g->tensors[n->in[0]] : NULL;
    const Tensor *y = &st->g->tensors[n->out[0]];
    const Tensor *t = x && x->dtype != DT_F32 ? x : y;
    return diag_fail(st->d, ST_UNSUPPORTED, n, "%s on %s data is not supported (it runs on f32)",
                     op_name(n->op), dtype_name(t->dtype));
}

/* Dropout at inference (or training with ratio 0): y = x, and the mask, when
 * read, all true. */
static bool run_dropout(Interp *st, const Node *n)
{
    void *y;
    if (st->uses[n->out[0]] > 0 &&
        !(interp_output_any(st, n, 0, &y) && interp_run_memmove(st, n, y)))
        return false;
    if (n->n_out > 1 && n->out[1] >= 0 && st->uses[n->out[1]] > 0) {
        void *mask;
        const unsigned char one = 1;
        if (!interp_output_any(st, n, 1, &mask))
            return false;
        rt_fill_any(mask, 1, ir_numel(&st->g->tensors[n->out[1]]), &one);
    }
    return true;
}

static bool run_cast(Interp *st, const Node *n)
{
    const void *x;
    void *y;
    int saturate, round;
    if (!ir_cast_params(n, &saturate, &round, st->d) || !interp_input_any(st, n, 0, &x) ||
        !interp_output_any(st, n, 0, &y))
        return false;
    if (x == y && dt_of(st, n->in[0]) != dt_of(st, n->out[0]))
        return diag_fail(st->d, ST_INTERNAL, n, "a converting Cast shares its input's buffer");
    rt_cast_any(y, dt_of(st, n->out[0]), x, dt_of(st, n->in[0]),
                ir_numel(&st->g->tensors[n->out[0]]), saturate, round);
    return true;
}

static bool run_pad(Interp *st, const Node *n)
{
    PadGeom pg;
    bool known;
    const void *x, *value = NULL;
    void *y;
    if (!ir_pad_geom(st->g, n, &pg, &known, st->d) || !interp_input_any(st, n, 0, &x) ||
        !interp_output_any(st, n, 0, &y))
        return false;
    if (!known)
        return diag_fail(st->d, ST_UNSUPPORTED, n, "pads must be constant");
    const Tensor *cv = n->n_in > 2 && n->in[2] >= 0 ? &st->g->tensors[n->in[2]] : NULL;
    if (cv) {
        if (cv->dtype != st->g->tensors[n->in[0]].dtype)
            return diag_fail(st->d, ST_BAD_MODEL, n, "constant_value is %s, data is %s",
                             dtype_name(cv->dtype), dtype_name(st->g->tensors[n->in[0]].dtype));
        value = cv->data;
    }
    RtPadParams p = {.mode = (int)pg.mode, .value = pg.value};
    for (int d = 0; d < RT_MAX_RANK; d++) {
        p.xdims[d] = pg.xdims[d];
        p.ydims[d] = pg.ydims[d];
        p.begin[d] = pg.begin[d];
    }
    rt_pad_any(y, x, (int)dtype_size(st->g->tensors[n->in[0]].dtype), &p, value);
    return true;
}

static int binary_code(OpKind op)
{
    switch ((int)op) {
    case OP_ADD: case OP_SUM: return RT_BIN_ADD;
    case OP_SUB: return RT_BIN_SUB;
    case OP_MUL: return RT_BIN_MUL;
    case OP_DIV: return RT_BIN_DIV;
    case OP_POW: return RT_BIN_POW;
    case OP_MAX: return RT_BIN_MAX;
    case OP_MIN: return RT_BIN_MIN;
    case OP_PRELU: return RT_BIN_PRELU;
    default: return -1;
    }
}

static bool run_unary(Interp *st, const Node *n)
{
    const void *x;
    void *y;
    float a = 0, b = 0;
    double lo = 0, hi = 0;
    DType t = st->g->tensors[n->in[0]].dtype;
    if (n->op == OP_CLIP) {
        if (!ir_clip_bounds(st->g, n, &lo, &hi, st->d))
            return false;
    } else if (!ir_unary_params(st->g, n, &a, &b, st->d)) {
        return false;
    } else {
        lo = a;
        hi = b;
    }
    if (!interp_input_any(st, n, 0, &x) || !interp_output_any(st, n, 0, &y))
        return false;
    int code = n->op == OP_IDENTITY ? RT_UN_IDENTITY : interp_unary_code(n->op);
    rt_unary_any(y, x, (int)t, ir_numel(&st->g->tensors[n->out[0]]), code, lo, hi);
    return true;
}

/* 2-D MaxPool of any type, with the Indices output when it is read. */
static bool run_maxpool(Interp *st, const Node *n)
{
    ConvGeom cg;
    const void *x;
    void *y, *ind = NULL;
    int64_t order;
    if (!ir_pool_geom(st->g, n, &cg, st->d) || !ir_attr_int(n, "storage_order", 0, &order, st->d) ||
        !interp_input_any(st, n, 0, &x) || !interp_output_any(st, n, 0, &y))
        return false;
    if (n->n_out > 1 && n->out[1] >= 0 && st->uses[n->out[1]] > 0 &&
        !interp_output_any(st, n, 1, &ind))
        return false;
    RtConvParams p;
    if (!interp_conv_params(st, n, &cg, &p))
        return false;
    p.act = RT_ACT_NONE;   /* applied below, on f32 data only */
    rt_maxpool2d_any(y, ind, x, dt_of(st, n->in[0]), &p, (int)order);
    if (n->act != ACT_NONE)
        rt_unary_f32(y, y, ir_numel(&st->g->tensors[n->out[0]]), interp_act_to_rt(n->act));
    return true;
}

bool interp_run_typed(Interp *st, const Node *n)
{
    if (!ir_typed_check(st->g, n, st->d))
        return false;
    switch ((int)n->op) {
    case OP_IDENTITY:
    case OP_RESHAPE:
    case OP_SQUEEZE:
    case OP_UNSQUEEZE:
    case OP_FLATTEN: {
        void *y;
        return interp_output_any(st, n, 0, &y) && interp_run_memmove(st, n, y);
    }
    case OP_DROPOUT:
        return run_dropout(st, n);
    case OP_CAST:
        return run_cast(st, n);
    case OP_TRANSPOSE:
    case OP_SLICE:
    case OP_CONCAT:
    case OP_SPLIT:
    case OP_GATHER:
    case OP_EXPAND:
    case OP_DEPTH_TO_SPACE:
    case OP_SPACE_TO_DEPTH:
        return interp_run_copies(st, n);
    case OP_PAD:
        return run_pad(st, n);
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
    case OP_POW:
    case OP_MAX:
    case OP_MIN:
    case OP_SUM:
    case OP_PRELU:
        return interp_run_variadic(st, n, binary_code(n->op));
    case OP_REDUCE_MAX:
    case OP_REDUCE_SUM:
    case OP_REDUCE_MEAN:
        return interp_run_reduce(st, n);
    case OP_MAXPOOL:
        return run_maxpool(st, n);
    default:
        if (n->op == OP_IDENTITY || interp_unary_code(n->op) >= 0)
            return run_unary(st, n);
        return unsupported(st, n);
    }
}
