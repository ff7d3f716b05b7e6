#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: build onnxc, compile BasicUNet (models/basic_unet.onnx) to
# standalone C, build a small demo program from the emitted code alone, run it,
# and print the check against PyTorch's output.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target onnxc >/dev/null
mkdir -p build/demo
build/onnxc compile models/basic_unet.onnx -o build/demo/unet_gen.c --shape x=1,1,28,28
echo "emitted: build/demo/unet_gen.c ($(wc -c <build/demo/unet_gen.c) bytes) and build/demo/unet_gen.h"
# The emitted file needs nothing from onnxc: only a C compiler and -lm.
cc -std=c11 -O2 -Wall -Wextra -Wpedantic -Werror -Ibuild/demo -o build/demo/demo \
   examples/demo.c build/demo/unet_gen.c -lm
build/demo/demo tests/data/basic_unet/input_b1.f32 tests/data/basic_unet/output_b1.f32
