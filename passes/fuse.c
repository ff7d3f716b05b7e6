/* SPDX-License-Identifier: MIT */
/*
 * fuse.c - folds an activation that follows a Conv, ConvTranspose, Gemm or
 * MatMul into that node's epilogue (Node.act).
 *
 * For such a producer with act == none whose output Y is no graph output:
 *   Y read once, by Relu / Sigmoid / Tanh / HardSwish / LeakyRelu, or by a
 *     Clip with constant bounds (0 and 6: ReLU6)  -> that act (with its
 *     parameters); the producer writes the activation's output
 *   Y read twice, by Sigmoid S and by a Mul whose inputs are {Y, S} (either order),
 *     with S read only by that Mul     -> act=silu, the producer writes the Mul's output
 * Anything else (another consumer, a graph output in the middle) is left alone, so
 * no intermediate value anybody can observe disappears. The fused nodes are
 * removed; tensor ids never change (Y is left unreferenced). LeakyRelu and a
 * general Clip keep their parameters in Node.act_alpha / act_beta; the
 * reference kernels' epilogues take none, so those two run in place right
 * after the kernel, in the same node (interpreter and reference-kernel code);
 * the fast convs apply them in their tile.
 */
#include "passes.h"

#include <stdlib.h>

/* The id of the only node reading t, or -1 when zero or several read it. */
static int sole_consumer(const Graph *g, const bool *keep, int t) {
    int found = -1;
    for (int i = 0; i < g->n_nodes; i++) {
        if (!keep[i])
            continue;
        for (int k = 0; k < g->nodes[i].n_in; k++) {
            if (g->nodes[i].in[k] != t)
                continue;
            if (found >= 0)
                return -1;
            found = i;
        }
    }
    return found;
}

/* Tries the SiLU pattern on conv output y (use count 2); on success sets *sig and
 * *mul to the node ids of the Sigmoid and the Mul. */
static bool match_silu(const Graph *g, const bool *keep, const int *uses, int y, int *sig, int *mul) {
    int s = -1, m = -1;
    for (int i = 0; i < g->n_nodes; i++) {
        if (!keep[i])
            continue;
        const Node *n = &g->nodes[i];
        if (n->op == OP_SIGMOID && n->n_in == 1 && n->in[0] == y && s < 0)
            s = i;
    }
    if (s < 0)
        return false;
    int sy = g->nodes[s].out[0];
    if (sy < 0 || uses[sy] != 1 || g->tensors[sy].is_output)
        return false;
    m = sole_consumer(g, keep, sy);
    if (m < 0)
        return false;
    const Node *mn = &g->nodes[m];
    if (mn->op != OP_MUL || mn->n_in != 2)
        return false;
    if (!((mn->in[0] == y && mn->in[1] == sy) || (mn->in[0] == sy && mn->in[1] == y)))
        return false;
    *sig = s;
    *mul = m;
    return true;
}

static bool is_producer(OpKind op) {
    return op == OP_CONV || op == OP_CONV_TRANSPOSE || op == OP_GEMM || op == OP_MATMUL;
}

/* The act a single-consumer activation node c becomes, or ACT_NONE; *alpha
 * and *beta get its parameters. */
static Act act_of(const Graph *g, const Node *c, float *alpha, float *beta) {
    Diag ignore = {0};
    *alpha = *beta = 0.0f;
    switch ((int)c->op) {   /* activations only; any other op is no activation */
    case OP_RELU: return ACT_RELU;
    case OP_SIGMOID: return ACT_SIGMOID;
    case OP_TANH: return ACT_TANH;
    case OP_HARD_SWISH: return ACT_HARD_SWISH;
    case OP_LEAKY_RELU:
        return ir_unary_params(g, c, alpha, beta, &ignore) ? ACT_LEAKY_RELU : ACT_NONE;
    case OP_CLIP:
        if (!ir_unary_params(g, c, alpha, beta, &ignore))
            return ACT_NONE;
        return *alpha == 0.0f && *beta == 6.0f ? ACT_RELU6 : ACT_CLIP;
    default: return ACT_NONE;
    }
}

bool pass_fuse(Graph *g, Diag *d) {
    int *uses = malloc(sizeof(int) * (size_t)(g->n_tensors > 0 ? g->n_tensors : 1));
    bool *keep = malloc(sizeof(bool) * (size_t)(g->n_nodes > 0 ? g->n_nodes : 1));
    if (!uses || !keep) {
        free(uses);
        free(keep);
        return diag_fail(d, ST_NOMEM, NULL, "out of memory in fuse");
    }
    ir_count_uses(g, uses);
    for (int i = 0; i < g->n_nodes; i++)
        keep[i] = true;

    /* Use counts stay valid through the loop: a fusion moves the consumer's output
     * tensor to the Conv (same readers) and orphans only tensors of this pattern. */
    for (int i = 0; i < g->n_nodes; i++) {
        Node *conv = &g->nodes[i];
        if (!is_producer(conv->op) || conv->act != ACT_NONE || conv->n_out != 1)
            continue;
        int y = conv->out[0];
        if (y < 0 || g->tensors[y].is_output)
            continue;
        if (uses[y] == 1) {
            int c = sole_consumer(g, keep, y);
            if (c < 0)
                continue;
            float alpha, beta;
            Act act = act_of(g, &g->nodes[c], &alpha, &beta);
            if (act == ACT_NONE || g->nodes[c].out[0] < 0 ||
                g->tensors[g->nodes[c].out[0]].dtype != DT_F32)
                continue;
            conv->act = act;
            conv->act_alpha = alpha;
            conv->act_beta = beta;
            conv->out[0] = g->nodes[c].out[0];
            keep[c] = false;
        } else if (uses[y] == 2) {
            int s, m;
            if (!match_silu(g, keep, uses, y, &s, &m))
                continue;
            conv->act = ACT_SILU;
            conv->out[0] = g->nodes[m].out[0];
            keep[s] = false;
            keep[m] = false;
        }
    }
    ir_remove_nodes(g, keep);
    ir_update_producers(g);
    free(uses);
    free(keep);
    return true;
}
