#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fuzz/smoke.sh [SECONDS]: the CI fuzz run (scripts/test.sh): fuzz/run.sh
# --smoke for SECONDS (default 90) from the seeds in this repository and
# tests/fuzz_regressions/, failing on any finding. Skipped (exit 0, with a
# message) when clang cannot link a libFuzzer target here (Debian:
# libclang-rt-14-dev, which scripts/install-deps.sh installs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$tmp/t.c"
if ! command -v clang >/dev/null || ! clang -fsanitize=fuzzer,address "$tmp/t.c" -o "$tmp/t" 2>/dev/null; then
  echo "fuzz/smoke.sh: SKIPPED: clang with libFuzzer is not available"
  exit 0
fi
exec "$root/fuzz/run.sh" --smoke "${1:-90}"
