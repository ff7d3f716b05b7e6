#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the ONNX backend test cases through onnxc (interpreter and emitted C) and
# writes the scoreboard docs/CONFORMANCE.md and the op table in README.md.
#
#   scripts/conformance.sh                 # from the repo root, after a build in build/
#   scripts/conformance.sh --out DIR --md FILE --no-readme --min-pass 95   # as ctest runs it
#
# Exit 77 (skipped) when ../shared/onnx-tests is absent. Emitted C is compiled
# with the strict flags at -O1, two jobs at a time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tool="$root/build/tests/onnxc_conformance"
data="${ONNXC_TEST_DATA:-$root/../shared/onnx-tests}"
out="$root/build/conformance"
md="$root/docs/CONFORMANCE.md"
readme="$root/README.md"
min_pass=""
jobs=2
while [ $# -gt 0 ]; do
    case "$1" in
        --tool) tool=$2; shift 2 ;;
        --data) data=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --md) md=$2; shift 2 ;;
        --readme) readme=$2; shift 2 ;;
        --no-readme) readme=""; shift ;;
        --min-pass) min_pass=$2; shift 2 ;;
        -j) jobs=$2; shift 2 ;;
        *) echo "usage: $0 [--tool T] [--data D] [--out O] [--md F] [--readme F|--no-readme] [--min-pass PCT] [-j N]" >&2; exit 2 ;;
    esac
done
if [ ! -d "$data/node" ]; then
    echo "skipped: ONNX test data not found ($data)"
    exit 77
fi
if [ ! -x "$tool" ]; then
    cmake --build "$root/build" --target onnxc_conformance -j2 >/dev/null
fi
cc=${CC:-cc}
mkdir -p "$out"
"$tool" prepare "$data" "$out"

# compile every emitted file; a failure leaves its message in cNNNN.err
export cc
find "$out/cases" -name 'c[0-9]*.c' | sort | xargs -r -P "$jobs" -n 16 sh -c '
for f; do
    if "$cc" -std=c11 -O1 -Wall -Wextra -Wpedantic -Werror -c "$f" -o "${f%.c}.o" 2> "${f%.c}.err"; then
        rm -f "${f%.c}.err"
    else
        rm -f "${f%.c}.o"
    fi
done' sh

"$tool" table "$out"
# shellcheck disable=SC2046  # one word per object file
"$cc" -std=c11 -O1 -I"$out" -I"$root/tests/conformance" -o "$out/harness" \
    "$root/tests/conformance/harness.c" "$out/harness_table.c" $(cat "$out/objects.txt") -lm

while read -r obj; do
    id=$(basename "$obj" .o); id=${id#c}
    timeout 20 "$out/harness" "$out" "$id" || true
done < "$out/objects.txt"

args=(report "$data" "$out" "$md")
[ -n "$readme" ] && args+=(--readme "$readme")
[ -n "$min_pass" ] && args+=(--min-pass "$min_pass")
"$tool" "${args[@]}"
