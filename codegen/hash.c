/* SPDX-License-Identifier: MIT */
/*
 * hash.c - FNV-1a (64-bit), the model hash written into emitted headers as
 * NAME_MODEL_HASH, so an application can check at build or run time which model
 * file its code came from. Not a cryptographic hash: it detects a changed file,
 * not a forged one.
 */
#include "codegen.h"

uint64_t cg_fnv1a64(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
