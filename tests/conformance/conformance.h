/* SPDX-License-Identifier: MIT */
/*
 * conformance.h - what the files of the ONNX conformance runner share
 * (tests/conformance/: conformance.c drives, opscan.c reads op types,
 * compare.c compares outputs, report.c writes the scoreboard).
 */
#ifndef ONNXC_CONFORMANCE_H
#define ONNXC_CONFORMANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "onnx.h"

#define OPSET_MAX 64

/* The distinct op types of a model's main graph, "Op" for the default domain
 * and "domain.Op" otherwise, in order of first use. */
typedef struct OpSet {
    int n;
    char names[OPSET_MAX][80];
} OpSet;

/* Fills out from the serialized ModelProto; false when it is malformed. */
bool scan_op_types(const void *model, size_t size, OpSet *out);

/* The op list of issue 3 (the scope of the scoreboard); NULL-terminated. */
extern const char *const conf_issue_ops[];
/* True when op (a label from scan_op_types) is in conf_issue_ops. */
bool conf_in_issue_list(const char *op);

/* Where one case stands after every stage; written to res.txt by `prepare`,
 * completed by `report`. */
typedef enum Scope {
    SC_OUT_OF_LIST = 0,    /* uses an op outside the issue's list */
    SC_IN,                 /* every op in the list: counted on the scoreboard,
                            * whatever its element types */
} Scope;

typedef struct CaseResult {
    char name[160];        /* "node/test_relu" */
    int id;
    Scope scope;
    OpSet ops;
    char scope_note[160];  /* SC_OUT_OF_LIST: the first op outside the list */
    bool interp_pass;
    char interp_msg[400];  /* reason when it did not pass */
    bool emitted;          /* C was written */
    bool emit_pass;
    char emit_msg[400];
} CaseResult;

/* Compares got (elements of got_dt in onnxc's in-memory layout, shape dims of
 * rank) with the expected tensor ref: the dtype and shape must match; integers
 * and bool exactly, float types decoded to double within |out - ref| <= 1e-7 +
 * 1e-3 |ref| (NaN equals NaN). False with a one-line reason in why. */
bool conf_compare(const void *got, DType got_dt, const int64_t *dims, int rank,
                  const OnnxTensor *ref, char *why, size_t size);
/* Element i of a tensor of dtype dt (in-memory layout) as a double: f16, bf16,
 * the float8 formats, float4e2m1 and e8m0 decoded; integers converted. */
double conf_elem_double(const void *p, DType dt, int64_t i);

/* Writes docs/CONFORMANCE.md (markdown) from n results; returns the number of
 * in-scope cases that pass through emitted C via *passed and the in-scope
 * count via *total. readme, when not NULL, gets its op table section rewritten. */
bool conf_write_report(const CaseResult *r, int n, const char *md_path, const char *readme,
                       int *passed, int *total);

#endif
