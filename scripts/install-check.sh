#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's Install and "From CMake" commands, run as a user runs them
# (scripts/test.sh calls this after its gcc pass). For each CC:BUILD_TYPE in
# INSTALL_CHECK (default "gcc:Release gcc:MinSizeRel clang:Release"), in a clean
# copy of the tracked sources (what a fresh clone has) and with -Werror off (the
# user's default), it runs the steps below with the README's prefix replaced by
# a temporary one, then checks that no step printed a warning, that out.pgm is
# a 28x28 binary PGM and, when build/tests/pgm_ref exists (or PGM_REF names
# it), that the picture equals the reference interpreter's. Each step is also
# looked up in README.md, word for word with CC=gcc, Release and $HOME/.local,
# so the README and this check cannot drift apart.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
steps=(
  'export CC=@CC@'
  'cmake -S . -B build -DCMAKE_BUILD_TYPE=@TYPE@'
  'cmake --build build -j$(nproc) --target onnxc'
  'cmake --install build --prefix @PREFIX@'
  'cmake -S examples/denoise -B build-denoise -DCMAKE_PREFIX_PATH=@PREFIX@'
  'cmake --build build-denoise'
  'build-denoise/denoise examples/denoise/noisy_digit.pgm out.pgm'
)
fill() {   # fill TEMPLATE CC TYPE PREFIX
  local s=${1//@CC@/$2}
  s=${s//@TYPE@/$3}
  printf '%s' "${s//@PREFIX@/$4}"
}
fail() { echo "install-check: FAIL: $*" >&2; exit 1; }

for t in "${steps[@]}"; do
  line=$(fill "$t" gcc Release '$HOME/.local')
  grep -qF -- "$line" README.md || fail "README.md no longer says: $line"
done

pgm_ref=${PGM_REF:-$repo/build/tests/pgm_ref}
tmp=$(mktemp -d /tmp/onnxc-install-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for entry in ${INSTALL_CHECK:-gcc:Release gcc:MinSizeRel clang:Release}; do
  cc=${entry%%:*} type=${entry#*:}
  start=$SECONDS
  src=$tmp/$cc-$type/src prefix=$tmp/$cc-$type/prefix
  mkdir -p "$src"
  if git -C "$repo" rev-parse --git-dir > /dev/null 2>&1; then
    git -C "$repo" ls-files -z | tar -C "$repo" --null -T - -cf - | tar -C "$src" -xf -
  else
    tar -C "$repo" --exclude='./build*' -cf - . | tar -C "$src" -xf -
  fi
  (
    cd "$src"
    times=""
    for t in "${steps[@]}"; do
      step=$(fill "$t" "$cc" "$type" "$prefix")
      t0=$SECONDS
      eval "$step" > "$tmp/step.log" 2>&1 || { cat "$tmp/step.log"; fail "$entry: $step"; }
      times+=" $((SECONDS - t0))"
      if grep -q 'warning:' "$tmp/step.log"; then
        grep -B2 -A6 'warning:' "$tmp/step.log"
        fail "$entry: warnings from: $step"
      fi
    done
    header=$(head -c 13 out.pgm | tr '\n' ' ')
    [ "$header" = "P5 28 28 255 " ] || fail "$entry: out.pgm starts '$header', not a 28x28 P5"
    [ "$(stat -c %s out.pgm)" = $((13 + 28 * 28)) ] || fail "$entry: out.pgm has the wrong size"
    if [ -x "$pgm_ref" ]; then
      "$pgm_ref" "$prefix/share/onnxc/models/basic_unet.onnx" examples/denoise/noisy_digit.pgm \
        out.pgm > "$tmp/step.log" 2>&1 || { cat "$tmp/step.log"; fail "$entry: out.pgm differs from the reference"; }
      checked="equal to pgm_ref's"
    else
      checked="a valid PGM (no pgm_ref to compare with)"
    fi
    echo "install-check: $cc $type: built, installed, example built and run, out.pgm $checked" \
         "($((SECONDS - start)) s; per step:$times)"
  )
  rm -rf "${tmp:?}/$cc-$type"
done
