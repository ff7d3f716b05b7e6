#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite from a fresh clone: installs what is missing, then
#  1. builds with gcc and -Werror and runs every test through ctest (cmocka unit
#     tests, the end-to-end checks of emitted C, the emitted BasicUNet under valgrind);
#  2. runs scripts/install-check.sh: the README's install commands as a user runs
#     them (-Werror off), gcc Release and MinSizeRel and clang Release, each
#     installed into a temporary prefix with examples/denoise built against it;
#  3. builds everything again with clang, also with -Werror, and runs the suite;
#  4. builds and runs the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#     (build-asan/: onnxc, the tests, and the emitted C of the e2e tests all carry
#     the sanitizers; leaks fail too). SKIP_SANITIZE=1 skips this step.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)

echo "== gcc build and tests (build/)"
CC=gcc cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONNXC_WERROR=ON
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== the README's install, as a user (scripts/install-check.sh)"
bash scripts/install-check.sh

echo "== clang build and tests (build-clang/)"
CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONNXC_WERROR=ON
cmake --build build-clang -j"$jobs"
# the conformance run (minutes) is left to the gcc and sanitizer passes; the light
# CNNs (minutes, hundreds of MB of weights) and the .deb check run in the gcc pass only,
# the differential tester (minutes of C compiles of random models) in the gcc and clang passes
ctest --test-dir build-clang --output-on-failure -j"$jobs" -LE 'conformance|light|package'

if [ "${SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== the test suite again under ASan + UBSan (build-asan/)"
  CC=gcc cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONNXC_WERROR=ON -DONNXC_SANITIZE=ON
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE 'light|package|difftest'
fi

# fuzz smoke test: 90 s of libFuzzer from the repository's seeds, fails on any finding (fuzz/smoke.sh)
echo "== fuzz smoke test (build-fuzz/)" && bash fuzz/smoke.sh 90
