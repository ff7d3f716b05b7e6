/* SPDX-License-Identifier: MIT */
/*
 * difftest_gen.h - random valid ONNX models for the differential tester
 * (tests/difftest.c): chains and small DAGs of the CNN ops onnxc compiles,
 * with random shapes, attributes and weights, written as ONNX bytes with the
 * test model builder (tests/model_builder.c). A pure function of the seed.
 */
#ifndef ONNXC_TESTS_DIFFTEST_GEN_H
#define ONNXC_TESTS_DIFFTEST_GEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct DtModel {
    struct MB *b;              /* owns bytes */
    uint8_t *bytes;            /* the serialized ModelProto */
    size_t len;
    char summary[1024];        /* the ops and their parameters, one line (for reports) */
} DtModel;

/* Builds the model of seed into *m (free with dt_model_free). */
void dt_generate(uint64_t seed, DtModel *m);
void dt_model_free(DtModel *m);

/* The generator's random numbers (splitmix64), also used for the inputs. */
uint64_t dt_rand(uint64_t *state);
/* Uniform in [lo, hi). */
float dt_uniform(uint64_t *state, float lo, float hi);

#endif
