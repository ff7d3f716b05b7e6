#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The zoo benchmark: onnxc's emitted code against ONNX Runtime on one core, on
# real CNNs and U-Nets exported from torch with seeded random weights.
#
#   bash bench/zoo.sh [--models a,b,...] [--cc "gcc -O3 -march=native"] [--rounds R]
#                     [--budget-ms MS] [--prepare] [--list]
#
# 1. installs what is missing: Debian's python3-torch, python3-torchvision and
#    python3-onnx (apt-get), and onnxruntime-node into bench/node_modules (npm,
#    the CPU build that ships in the package, as bench/run.sh does);
# 2. builds onnxc (build/);
# 3. exports the zoo with /usr/bin/python3 bench/zoo_export.py into build/zoo/
#    (a model already there is not exported again: delete its folder to redo it);
# 4. per model: `onnxc compile --profile --report` to build/zoo/NAME/zoo_model.c, then the
#    C compiler (--cc, default gcc -O3 -march=native) builds it with
#    bench/zoo_main.c into build/zoo/NAME/zoo_main. The object is cached by the
#    hash of the .c and the compiler command, so an unchanged emitted file is
#    not compiled again (the big models take minutes);
# 5. measures one core's FMA peak (bench/fma_peak.c); bench/zoo.mjs times
#    both engines on torch's input, interleaved, checks both outputs against
#    torch's, takes per-node times from the profile hooks, and prints one row
#    per model and the geomean (also written to build/zoo/results.md).
# A failure of one model (export, onnxc, C compiler) is a row, not the end.
# --prepare stops after step 4 (fills the caches, times nothing); --list
# prints the models, smallest emitted C first (the default order).
set -uo pipefail
cd "$(dirname "$0")/.."
zoo=build/zoo
models="" cc="gcc -O3 -march=native" rounds=7 budget=200 prepare=0
while [ $# -gt 0 ]; do
  case "$1" in
    --models) models=$2; shift 2 ;;
    --cc) cc=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --budget-ms) budget=$2; shift 2 ;;
    --list) models=list; shift ;;
    --prepare) prepare=1; shift ;;
    -h|--help) sed -n '3,/^set -uo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "zoo.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# ---- 1. dependencies
if ! /usr/bin/python3 -c 'import torch, torchvision, onnx' 2>/dev/null; then
  echo "== installing python3-torch python3-torchvision python3-onnx (apt-get)"
  apt-get update >/dev/null && apt-get install -y python3-torch python3-torchvision python3-onnx >/dev/null || exit 1
fi
all=$(/usr/bin/python3 bench/zoo_export.py --list 2>/dev/null) || { echo "zoo.sh: bench/zoo_export.py does not run" >&2; exit 1; }
if [ "$models" = list ]; then echo "$all"; exit 0; fi
[ -n "$models" ] || models=${all// /,}
for m in ${models//,/ }; do
  case " $all " in *" $m "*) ;; *) echo "zoo.sh: unknown model '$m' (known: $all)" >&2; exit 2 ;; esac
done
if [ ! -e bench/node_modules/onnxruntime-node/package.json ]; then
  echo "== installing onnxruntime-node into bench/node_modules (npm)"
  (cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >/dev/null) || exit 1
fi

# ---- 2. onnxc
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
cmake --build build -j2 --target onnxc >/dev/null || exit 1
mkdir -p "$zoo"

# ---- 3. export
echo "== exporting (cached in $zoo/)"
/usr/bin/python3 bench/zoo_export.py "$zoo" ${models//,/ } 2>&1 | grep -v -i -e warning -e '^ ' -e '^$'

# ---- 4. compile
# build_variant M OUT_DIR ONNXC_FLAG CFLAG: emits M into OUT_DIR/zoo_model.c,
# compiles it to zoo_model.o unless an object of the same .c, .h and compiler
# command is there, links OUT_DIR/zoo_main. Failures leave compile_error.txt
# (onnxc) or cc_error.txt (C compiler) in OUT_DIR. The zoo's one variant is
# --profile with -DZOO_MODEL_PROFILE: the kernels and layouts of a plain
# compile, plus a hook call before and after each node, which zoo_main.c
# makes record only when asked for the per-node times.
build_variant() {
  local m=$1 o=$2 flag=$3 cflag=$4 d=$zoo/$1 shape key t0
  mkdir -p "$o"
  rm -f "$o/compile_error.txt" "$o/cc_error.txt" "$o/zoo_main"
  shape=$(/usr/bin/python3 -c 'import json,sys; print(",".join(map(str, json.load(open(sys.argv[1]))["input"])))' "$d/meta.json")
  # shellcheck disable=SC2086  # $flag: no flag or one
  if ! build/onnxc compile "$d/model.onnx" -o "$o/zoo_model.c" --name zoo_model --shape "x=$shape" --report $flag \
      >"$o/report.txt" 2>"$o/onnxc_stderr.txt"; then
    grep -m1 . "$o/onnxc_stderr.txt" >"$o/compile_error.txt" || echo "onnxc exited with an error" >"$o/compile_error.txt"
    echo "$m: onnxc compile $flag failed: $(cat "$o/compile_error.txt")"
    return 1
  fi
  key=$(printf '%s\n' "$cc$cflag" | cat - "$o/zoo_model.c" "$o/zoo_model.h" | sha256sum | cut -c1-16)
  if [ -e "$o/zoo_model.o" ] && [ "$(cat "$o/zoo_model.key" 2>/dev/null)" = "$key" ]; then
    echo "$m $flag: $(wc -c <"$o/zoo_model.c") bytes of C, unchanged: compiled before in $(cat "$o/cc_time.txt") s"
  else
    rm -f "$o/zoo_model.o" "$o/zoo_model.key"
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086  # $cc is a command line: split on purpose
    if ! $cc $cflag -std=c11 -c "$o/zoo_model.c" -o "$o/zoo_model.o" 2>"$o/cc_stderr.txt"; then
      grep -m1 -i error "$o/cc_stderr.txt" >"$o/cc_error.txt" || echo "the C compiler failed" >"$o/cc_error.txt"
      echo "$m $flag: C compile failed: $(cat "$o/cc_error.txt")"
      return 1
    fi
    awk "BEGIN{printf \"%.1f\n\", $(date +%s.%N) - $t0}" >"$o/cc_time.txt"
    echo "$key" >"$o/zoo_model.key"
    echo "$m $flag: $(wc -c <"$o/zoo_model.c") bytes of C, compiled in $(cat "$o/cc_time.txt") s"
  fi
  # shellcheck disable=SC2086
  if ! $cc $cflag -std=c11 -I"$o" -o "$o/zoo_main" bench/zoo_main.c "$o/zoo_model.o" -lm 2>"$o/cc_stderr.txt"; then
    grep -m1 -i error "$o/cc_stderr.txt" >"$o/cc_error.txt" || echo "linking zoo_main failed" >"$o/cc_error.txt"
    echo "$m: linking the driver failed: $(cat "$o/cc_error.txt")"
    return 1
  fi
}
echo "== compiling with onnxc and '$cc'"
for m in ${models//,/ }; do
  d=$zoo/$m
  [ -e "$d/model.onnx" ] || continue
  build/onnxc dump "$d/model.onnx" --shape "x=$(/usr/bin/python3 -c 'import json,sys; print(",".join(map(str, json.load(open(sys.argv[1]))["input"])))' "$d/meta.json")" \
    >"$d/dump.txt" 2>/dev/null || true
  build_variant "$m" "$d" --profile -DZOO_MODEL_PROFILE || true
done

[ "$prepare" = 1 ] && exit 0
# shellcheck disable=SC2086  # $cc is a command line: split on purpose
$cc -std=c11 -o "$zoo/fma_peak" bench/fma_peak.c || exit 1
# The peak is a property of the core: keep the best probe ever seen on this
# machine (build/zoo/fma_peak.txt), since on a busy machine a probe can lose
# the core to another job and understate it (3 probes now, each the best of 40).
peak=$(cat "$zoo/fma_peak.txt" 2>/dev/null || echo 0)
for _ in 1 2 3; do
  p=$("$zoo/fma_peak" | awk '{print $1}')
  peak=$(awk "BEGIN{print ($p>$peak)?$p:$peak}")
done
echo "$peak" >"$zoo/fma_peak.txt"

# ---- 5. time and check
echo
echo "== timing ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)), emitted C built with '$cc'"
node bench/zoo.mjs --dir "$zoo" --models "$models" --peak "$peak" --rounds "$rounds" \
  --budget-ms "$budget" --out "$zoo/results.md"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); table also in $zoo/results.md"
