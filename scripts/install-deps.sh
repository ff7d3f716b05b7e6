#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages onnxc needs to build and test, if missing.
# Run as root (or with sudo available). Torch is NOT needed: fixtures are committed.
set -euo pipefail
pkgs=(cmake make gcc clang libprotobuf-c-dev protobuf-c-compiler libcmocka-dev valgrind
      libclang-rt-14-dev)   # libFuzzer and the sanitizers for clang (fuzz/smoke.sh)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
