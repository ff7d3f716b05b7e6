/* SPDX-License-Identifier: MIT */
/*
 * harness.h - the table that links the emitted C of every conformance case
 * into one program (written by `onnxc_conformance table`, read by harness.c).
 */
#ifndef ONNXC_HARNESS_H
#define ONNXC_HARNESS_H

typedef struct HarnessCase {
    int id;                                          /* case id, -1 ends the table */
    /* calls cNNNN_run_ws with the inputs x and outputs y, any element types */
    int (*run)(const void *const *x, void *const *y, void *ws);
    unsigned long long ws_bytes;                     /* its CNNNN_WORKSPACE_BYTES */
} HarnessCase;

extern const HarnessCase harness_cases[];

#endif
