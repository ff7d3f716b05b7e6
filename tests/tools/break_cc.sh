#!/bin/sh
# SPDX-License-Identifier: MIT
# A C compiler wrapper that breaks one kernel on purpose, for the test of
# `onnxc verify`: usage `break_cc.sh NODE CC ARGS...`. Before running CC ARGS it
# edits the emitted onnxc_verify.c among ARGS so that node NODE's function adds
# 1 to the first element of its output after the kernel ran; verify must then
# name that node as the first divergence.
node=$1
cc=$2
shift 2
for a in "$@"; do
  case $a in
    *onnxc_verify.c)
      awk -v n="$node" '
        index($0, "static void n" n "_") == 1 { f = 1 }
        f && $0 == "}" { print "    y[0] += 1.0f; /* broken on purpose by break_cc.sh */"; f = 0; hit = 1 }
        { print }
        END { if (!hit) exit 1 }' "$a" > "$a.broken" || { echo "break_cc.sh: node $node not found" >&2; exit 1; }
      mv "$a.broken" "$a"
      ;;
  esac
done
exec $cc "$@"
