#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fuzz/run.sh [SECONDS]: builds the libFuzzer target (clang, ASan + UBSan) in
# build-fuzz/ and runs it for SECONDS (default 600) on ONE core. The corpus it
# grows is build-fuzz/corpus/ (kept between runs); seeds are fuzz/corpus/ (tiny
# U-Nets from fuzz/make_seeds.py), tests/fuzz_regressions/, the fixture models,
# and the ONNX backend node tests of the ops onnxc supports when ../shared is
# there; fuzz/onnx.dict holds op and attribute names. Crashers land in
# build-fuzz/artifacts/; the log is build-fuzz/fuzz-0.log.
# A crasher, once fixed, goes to tests/fuzz_regressions/ (ctest replays it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}
b=$root/build-fuzz
CC=clang cmake -S "$root" -B "$b" -DONNXC_FUZZ=ON -DONNXC_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$b" --target fuzz_compile -j2 >/dev/null

seeds=$b/seeds
rm -rf "$seeds"
mkdir -p "$seeds" "$b/corpus" "$b/artifacts"
cp "$root"/fuzz/corpus/* "$seeds"/
cp "$root"/tests/fuzz_regressions/* "$seeds"/ 2>/dev/null || true
cp "$root"/models/*.onnx "$root"/tests/models/*.onnx "$seeds"/
node=$root/../shared/onnx-tests/node
if [ -d "$node" ]; then
  for t in conv maxpool resize upsample add sub mul div sigmoid relu identity shape gather \
           concat unsqueeze squeeze slice cast floor ceil reshape constantofshape constant; do
    for m in "$node"/test_"$t"*/model.onnx; do
      [ -f "$m" ] && cp "$m" "$seeds/node_$(basename "$(dirname "$m")").onnx"
    done
  done
fi
echo "fuzz/run.sh: $(ls "$seeds" | wc -l) seeds, $(ls "$b/corpus" | wc -l) corpus inputs, ${secs}s"
cd "$b"
rm -f fuzz-0.log              # libFuzzer appends to it
set +e
./fuzz/fuzz_compile -jobs=1 -workers=1 -max_total_time="$secs" -max_len=65536 -timeout=10 \
    -dict="$root/fuzz/onnx.dict" \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$b/artifacts/" "$b/corpus" "$seeds"
rc=$?
set -e
grep -E '^#[0-9]+ +(INITED|DONE)|cov:|stat::|ERROR|SUMMARY' "$b/fuzz-0.log" | tail -8
echo "fuzz/run.sh: exit $rc; artifacts: $(ls "$b/artifacts" | wc -l) in $b/artifacts"
exit $rc
