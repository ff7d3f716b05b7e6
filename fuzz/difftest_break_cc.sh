#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A C compiler wrapper that breaks the AVX-512 fast kernels on purpose, for the
# test that the differential tester catches a wrong kernel
# (difftest_catches_planted_bug): usage `difftest_break_cc.sh CC ARGS...`.
# When ARGS select AVX-512 (-march=native or -mavx512f), every emitted model C
# file among them is compiled from a copy (beside it, so its includes resolve)
# whose rt_v_fma of runtime/rt_vec.h's AVX-512 path scales lane 15 (the last
# of the 16-channel block) by 1 + 2^-10 at each multiply-add: an error the
# tolerance (1e-3 relative) just admits for one term but not once it adds up.
# The other paths are built as they are. A file that embeds rt_vec.h but lacks
# the expected line stops the build, so the test cannot pass vacuously when
# the runtime changes.
cc=$1
shift
avx512=0
for a in "$@"; do
  case $a in -march=native|-mavx512f) avx512=1 ;; esac
done
old='{ return _mm512_fmadd_ps(a, b, c); }'
new='{ return _mm512_mask_mul_ps(_mm512_fmadd_ps(a, b, c), 0x8000, _mm512_fmadd_ps(a, b, c), _mm512_set1_ps(1.0009765625f)); }'
args=()
for a in "$@"; do
  if [ $avx512 = 1 ] && [[ $a == *.c ]] && grep -q '^/\* ---- runtime/rt_vec.h ---- \*/$' "$a" 2>/dev/null; then
    if ! grep -qF "$old" "$a"; then
      echo "difftest_break_cc.sh: no AVX-512 rt_v_fma to break in $a" >&2
      exit 1
    fi
    b=${a%.c}.broken.c
    awk -v old="$old" -v new="$new" '{ i = index($0, old); if (i) $0 = substr($0, 1, i - 1) new substr($0, i + length(old)); print }' "$a" > "$b"
    a=$b
  fi
  args+=("$a")
done
exec $cc "${args[@]}"
