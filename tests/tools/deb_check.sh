#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#   deb_check.sh CPACK BUILD_DIR SOURCE_DIR WORK CC VERSION [PGM_REF]
# The Debian package (tests/package.cmake): `cpack -G DEB` from the build tree,
# `dpkg -x` into a scratch root, then: the control fields, every file where the
# CMake package expects it, no path of the build or source tree left in the
# package, the unpacked onnxc runs, and examples/denoise (the copy in the
# package's docs) configured against <root>/usr alone, built and run, its
# output compared with the reference interpreter's (PGM_REF, tests/tools/pgm_ref.c).
# The root is a scratch folder, not /usr, so this also shows that the
# installed tree is relocatable. Exit 77 (ctest: skipped) without cpack or dpkg.
set -euo pipefail
cpack=$1 build=$2 src=$3 work=$4 cc=$5 version=$6 pgm_ref=${7:-}
for tool in "$cpack" dpkg dpkg-deb; do
  if ! command -v "$tool" > /dev/null; then
    echo "deb_check: skipped: $tool not found"
    exit 77
  fi
done
fail() { echo "deb_check: FAIL: $*"; exit 1; }
quiet() {   # runs "$@" with its output in $work/log, shown only when it fails
  "$@" > "$work/log" 2>&1 || { cat "$work/log"; fail "$*"; }
}

rm -rf "$work"
mkdir -p "$work"
quiet "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$work/out"
debs=("$work"/out/onnxc_"$version"_*.deb)
[ ${#debs[@]} = 1 ] && [ -f "${debs[0]}" ] || fail "expected one onnxc_${version}_<arch>.deb in $work/out"
deb=${debs[0]}
echo "package: $(basename "$deb")"
[ "$(dpkg-deb -f "$deb" Package)" = onnxc ] || fail "Package is not onnxc"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is not $version"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture"
[ -n "$(dpkg-deb -f "$deb" Maintainer)" ] || fail "no Maintainer"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
case "$depends" in *libprotobuf-c1*) ;; *) fail "Depends lacks libprotobuf-c1" ;; esac

root=$work/root
dpkg -x "$deb" "$root"
for f in bin/onnxc lib/cmake/onnxc/onnxcConfig.cmake lib/cmake/onnxc/onnxcConfigVersion.cmake \
         lib/cmake/onnxc/OnnxcAddModel.cmake lib/cmake/onnxc/onnxcTargets.cmake \
         lib/cmake/onnxc/onnxcPaths.cmake share/onnxc/models/basic_unet.onnx \
         share/doc/onnxc/README.md share/doc/onnxc/examples/denoise/CMakeLists.txt \
         share/doc/onnxc/examples/denoise/denoise.c share/doc/onnxc/examples/denoise/noisy_digit.pgm; do
  [ -f "$root/usr/$f" ] || fail "not in the package: usr/$f"
done
[ -x "$root/usr/bin/onnxc" ] || fail "usr/bin/onnxc is not executable"
if grep -rlF -e "$build" -e "$src" "$root/usr/lib/cmake/onnxc"; then
  fail "the CMake package names the build or source tree (not relocatable)"
fi
[ "$("$root/usr/bin/onnxc" --version)" = "onnxc $version" ] || fail "onnxc --version"

# What a user of the package does, against the unpacked root only.
example=$root/usr/share/doc/onnxc/examples/denoise
quiet cmake -S "$example" -B "$work/denoise" -DCMAKE_PREFIX_PATH="$root/usr" \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release
found=$(sed -n 's/^onnxc_DIR:PATH=//p' "$work/denoise/CMakeCache.txt")
[ "$found" = "$root/usr/lib/cmake/onnxc" ] || fail "find_package(onnxc) found '$found', not the package"
quiet cmake --build "$work/denoise"
grep -rqF "$root/usr/bin/onnxc" "$work/denoise/CMakeFiles" ||
  fail "the example was not built with the packaged onnxc"
"$work/denoise/denoise" "$example/noisy_digit.pgm" "$work/out.pgm"
# a binary PGM: the header "P5 28 28 255" and 28*28 bytes after it
header=$(head -c 13 "$work/out.pgm" | tr '\n' ' ')
[ "$header" = "P5 28 28 255 " ] || fail "out.pgm header is '$header'"
[ "$(stat -c %s "$work/out.pgm")" = $((13 + 28 * 28)) ] || fail "out.pgm has the wrong size"
if [ -n "$pgm_ref" ]; then
  "$pgm_ref" "$root/usr/share/onnxc/models/basic_unet.onnx" "$example/noisy_digit.pgm" "$work/out.pgm"
fi
echo "deb_check: ok"
