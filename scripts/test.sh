#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite from a fresh clone: installs what is missing, then
#  1. builds with gcc and -Werror and runs every test through ctest (cmocka unit
#     tests, the end-to-end checks of emitted C, the emitted BasicUNet under valgrind);
#  2. builds everything again with clang, also with -Werror, and runs the suite;
#  3. builds and runs the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#     (build-asan/: onnxc, the tests, and the emitted C of the e2e tests all carry
#     the sanitizers; leaks fail too). SKIP_SANITIZE=1 skips this step.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)

echo "== gcc build and tests (build/)"
CC=gcc cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== clang build and tests (build-clang/)"
CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-clang -j"$jobs"
# the conformance run (minutes) is left to the gcc and sanitizer passes
ctest --test-dir build-clang --output-on-failure -j"$jobs" -LE conformance

if [ "${SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== the test suite again under ASan + UBSan (build-asan/)"
  CC=gcc cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONNXC_SANITIZE=ON
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs"
fi

# fuzz smoke test: 90 s of libFuzzer from the repository's seeds, fails on any finding (fuzz/smoke.sh)
echo "== fuzz smoke test (build-fuzz/)" && bash fuzz/smoke.sh 90
