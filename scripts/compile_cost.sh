#!/bin/sh
# SPDX-License-Identifier: MIT
# usage: scripts/compile_cost.sh ONNXC MODEL.onnx... 
# For each model: `onnxc compile`, then the weight bytes, the .c bytes and their
# ratio, and for gcc and clang (when present) `-std=c11 -O2 -c` of the .c: CPU
# seconds (user + system) and peak memory from /usr/bin/time. The figures of
# README "How the weights are written" come from this (models from
# scripts/export_torchvision.py). Work files go to a temporary folder.
set -e
onnxc=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for model in "$@"; do
  name=$(basename "$model" .onnx | tr -c 'A-Za-z0-9_\n' '_')
  "$onnxc" compile "$model" -o "$tmp/$name.c" --name "$name" 2>/dev/null
  w=$(sed -n 's/^#define [A-Z0-9_]*_WEIGHT_BYTES \([0-9]*\).*/\1/p' "$tmp/$name.h")
  c=$(wc -c < "$tmp/$name.c")
  echo "$name: weights $w bytes, .c $c bytes ($(awk "BEGIN{printf \"%.2f\", $c / $w}")x)"
  for cc in gcc clang; do
    command -v $cc > /dev/null || continue
    /usr/bin/time -f "$name: $cc -O2: cpu %U+%S s, elapsed %e s, peak %M KB" \
      $cc -std=c11 -O2 -c "$tmp/$name.c" -o "$tmp/$name.o" 2>&1 | grep -a "peak"
  done
  rm -f "$tmp/$name.c" "$tmp/$name.o"
done
