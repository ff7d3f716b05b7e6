/* SPDX-License-Identifier: MIT */
/*
 * plan.c - the buffer planner, independent of graphs (after TFLM's greedy planner).
 *
 * Input: buffers with a size and an inclusive lifetime [first, last] in schedule
 * steps. plan_greedy places them one at a time, largest first (ties: earlier first
 * use, then lower index, so the result is deterministic), each at the lowest
 * aligned offset where it overlaps in memory no already placed buffer whose
 * lifetime overlaps its own (first fit). This is a heuristic, not optimal: the
 * arena can exceed plan_lower_bound. A single size-descending order already
 * reaches the lower bound on BasicUNet (225,792 bytes at batch 1, tested in
 * tests/test_plan.c), so no other orders are tried.
 *
 * Everything here is O(n^2) or O(n^3) in the buffer count, which is fine at
 * model sizes, and allocates nothing.
 */
#include "passes.h"

#include <inttypes.h>

static bool lifetimes_overlap(const PlanBuf *a, const PlanBuf *b) {
    return a->first <= b->last && b->first <= a->last;
}

static bool memory_overlaps(int64_t off_a, int64_t size_a, int64_t off_b, int64_t size_b) {
    if (size_a <= 0 || size_b <= 0)
        return false;
    return off_a < off_b + size_b && off_b < off_a + size_a;
}

static int64_t align_up(int64_t x, int64_t align) {
    return (x + align - 1) / align * align;
}

/* True when buffer a is placed before b: larger, then earlier, then lower index. */
static bool goes_before(const PlanBuf *bufs, int a, int b) {
    if (bufs[a].size != bufs[b].size)
        return bufs[a].size > bufs[b].size;
    if (bufs[a].first != bufs[b].first)
        return bufs[a].first < bufs[b].first;
    return a < b;
}

/* Lowest aligned offset at which bufs[i] fits among the placed buffers (offset
 * >= 0) whose lifetimes overlap it. Each conflict moves the candidate past the
 * conflicting buffer's end, and every offset skipped conflicts with that buffer
 * too, so the result is the first fit. */
static int64_t first_fit(const PlanBuf *bufs, int n, int i, int64_t align) {
    int64_t cand = 0;
    bool moved = true;
    while (moved) {
        moved = false;
        for (int j = 0; j < n; j++) {
            if (j == i || bufs[j].offset < 0 || !lifetimes_overlap(&bufs[i], &bufs[j]))
                continue;
            if (memory_overlaps(cand, bufs[i].size, bufs[j].offset, bufs[j].size)) {
                cand = align_up(bufs[j].offset + bufs[j].size, align);
                moved = true;
            }
        }
    }
    return cand;
}

int64_t plan_greedy(PlanBuf *bufs, int n, int64_t align) {
    if (align < 1)
        align = 1;
    int64_t peak = 0;
    for (int i = 0; i < n; i++)
        bufs[i].offset = -1;   /* -1 marks "not placed yet" */
    for (int k = 0; k < n; k++) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (bufs[i].offset < 0 && (best < 0 || goes_before(bufs, i, best)))
                best = i;
        bufs[best].offset = first_fit(bufs, n, best, align);
        if (bufs[best].offset + bufs[best].size > peak)
            peak = bufs[best].offset + bufs[best].size;
    }
    return peak;
}

int64_t plan_lower_bound(const PlanBuf *bufs, int n) {
    /* The live sum only grows at a buffer's first step, so its maximum is
     * reached at one of them. */
    int64_t best = 0;
    for (int i = 0; i < n; i++) {
        int64_t sum = 0;
        for (int j = 0; j < n; j++)
            if (bufs[j].first <= bufs[i].first && bufs[i].first <= bufs[j].last)
                sum += bufs[j].size;
        if (sum > best)
            best = sum;
    }
    return best;
}

/* A buffer left unplaced (offset < 0) also makes the check fail. */
bool plan_check_no_overlap(const PlanBuf *bufs, int n) {
    for (int i = 0; i < n; i++) {
        if (bufs[i].offset < 0)
            return false;
        for (int j = i + 1; j < n; j++)
            if (lifetimes_overlap(&bufs[i], &bufs[j]) &&
                memory_overlaps(bufs[i].offset, bufs[i].size, bufs[j].offset, bufs[j].size))
                return false;
    }
    return true;
}

void plan_print(const PlanBuf *bufs, int n, FILE *out) {
    int steps = 0;
    for (int i = 0; i < n; i++)
        if (bufs[i].last + 1 > steps)
            steps = bufs[i].last + 1;
    for (int i = 0; i < n; i++) {
        fprintf(out, "#%-3d %10" PRId64 " [%d,%d] @%-10" PRId64 " |", i, bufs[i].size,
                bufs[i].first, bufs[i].last, bufs[i].offset);
        for (int s = 0; s < steps; s++)
            fputc(s >= bufs[i].first && s <= bufs[i].last ? '#' : ' ', out);
        fputs("|\n", out);
    }
}
