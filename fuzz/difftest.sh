#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fuzz/difftest.sh [difftest options]: builds the differential tester in build/
# (if needed) and runs it, e.g. `fuzz/difftest.sh --seed 1000 --cases 2000`.
# Options (tests/difftest.c): --seed S (first seed, default 1), --cases N
# (default 100), --batch B (models per harness, 50), --jobs J (parallel
# compiles, 2), --cc CC, --isa native,avx2,portable, --save DIR (failures,
# default ./difftest-failures), --keep (keep the work folder), -v (each model).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
b=$root/build
[ -f "$b/CMakeCache.txt" ] || cmake -S "$root" -B "$b" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$b" --target difftest -j2 >/dev/null
exec "$b/tests/difftest" "$@"
