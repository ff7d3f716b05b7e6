#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fuzz/run.sh [--smoke] [SECONDS]: builds the libFuzzer target (clang, ASan +
# UBSan) in build-fuzz/ and runs it for SECONDS (default 600) on ONE core.
#
# Long runs (the default): the corpus it grows is build-fuzz/corpus/ (kept
# between runs); seeds are fuzz/corpus/ (tiny U-Nets from fuzz/make_seeds.py),
# tests/fuzz_regressions/, the fixture models, and the ONNX backend node tests
# of the ops onnxc supports when ../shared is there; fuzz/onnx.dict holds op and
# attribute names. Crashers land in build-fuzz/artifacts/; the log is
# build-fuzz/fuzz-0.log.
#
# --smoke (CI, fuzz/smoke.sh): the same target from a fixed start, so that a
# run is repeatable: an empty corpus (build-fuzz/smoke-corpus/, cleared first),
# only the seeds kept in this repository (no ../shared), libFuzzer's -seed=1;
# crashers in build-fuzz/smoke-artifacts/, the log build-fuzz/smoke.log.
#
# Exit status: libFuzzer's (0: no finding in the time given; else a crash, a
# sanitizer report, a harness finding, a timeout or an out-of-memory).
# A crasher, once fixed, goes to tests/fuzz_regressions/ (ctest replays it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
smoke=0
if [ "${1:-}" = --smoke ]; then
  smoke=1
  shift
fi
secs=${1:-600}
b=$root/build-fuzz
CC=clang cmake -S "$root" -B "$b" -DONNXC_FUZZ=ON -DONNXC_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$b" --target fuzz_compile -j2 >/dev/null

if [ $smoke = 1 ]; then
  seeds=$b/smoke-seeds corpus=$b/smoke-corpus art=$b/smoke-artifacts log=$b/smoke.log
  rm -rf "$corpus" "$art"
else
  seeds=$b/seeds corpus=$b/corpus art=$b/artifacts log=$b/fuzz-0.log
fi
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$art"
cp "$root"/fuzz/corpus/* "$seeds"/
for f in "$root"/tests/fuzz_regressions/*; do
  case $f in *.md) ;; *) cp "$f" "$seeds"/ ;; esac
done
cp "$root"/models/*.onnx "$root"/tests/models/*.onnx "$seeds"/
node=$root/../shared/onnx-tests/node
if [ $smoke = 0 ] && [ -d "$node" ]; then
  for t in conv maxpool resize upsample add sub mul div sigmoid relu identity shape gather \
           concat unsqueeze squeeze slice cast floor ceil reshape constantofshape constant; do
    for m in "$node"/test_"$t"*/model.onnx; do
      [ -f "$m" ] && cp "$m" "$seeds/node_$(basename "$(dirname "$m")").onnx"
    done
  done
fi
echo "fuzz/run.sh: $(ls "$seeds" | wc -l) seeds, $(ls "$corpus" | wc -l) corpus inputs, ${secs}s"
cd "$b"
# -timeout is wall-clock time: 60 s, not 10, because on a loaded machine a run under
# nice gets a small share of a core (an input needing 0.1 s of CPU once took 12 s)
opts=(-max_total_time="$secs" -max_len=65536 -timeout=60 -dict="$root/fuzz/onnx.dict"
      -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$art/")
set +e
if [ $smoke = 1 ]; then
  ./fuzz/fuzz_compile -seed=1 "${opts[@]}" "$corpus" "$seeds" >"$log" 2>&1
else
  rm -f "$log"              # libFuzzer appends to it
  ./fuzz/fuzz_compile -jobs=1 -workers=1 "${opts[@]}" "$corpus" "$seeds"
fi
rc=$?
set -e
grep -E '^#[0-9]+ +(INITED|DONE)|cov:|stat::|finding|ERROR|SUMMARY' "$log" | tail -8
echo "fuzz/run.sh: exit $rc; artifacts: $(ls "$art" | wc -l) in $art; log $log"
exit $rc
