#!/bin/sh
# Regenerates every BasicUNet fixture (models/, tests/models/, tests/data/)
# with Debian's PyTorch, then checks each one (onnx.checker plus a NumPy
# evaluation of the graph against torch's stored outputs).
# Usage, from anywhere: scripts/make_fixtures.sh
# Deterministic: a second run rewrites byte-identical files.
# See scripts/FIXTURES.md for what each fixture is for.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-/usr/bin/python3}
export PYTHONWARNINGS=ignore   # torch 1.13 shape-inference and Upsample chatter
check_args=""

export_model() {  # export_model OUT.onnx DATA_DIR [export options...]
    out=$1; data=$2; shift 2
    "$py" "$root/scripts/export_basic_unet.py" --out "$root/$out" \
        --data-dir "$root/$data" "$@"
    check_args="$check_args $root/$out $root/$data"
}

v() {  # v VARIANT [export options...]: a variant under tests/
    name=$1; shift
    export_model "tests/models/$name.onnx" "tests/data/$name" "$@"
}

export_model models/basic_unet.onnx tests/data/basic_unet

v seed1_opset11    --seed 1 --opset 11
v seed2_opset17    --seed 2 --opset 17
v ch3_size64       --in-ch 3 --out-ch 3 --size 64 --static-batch
v relu_opset12     --act relu --opset 12
v bigweights       --weight-scale 4
v opset9_upsample  --opset 9
v opset10          --opset 10
v nofold_opset11   --opset 11 --no-constant-folding
v skipsize_opset11 --opset 11 --upsample-to-skip-size

# shellcheck disable=SC2086  # word splitting of the path list is intended
"$py" "$root/scripts/check_fixtures.py" $check_args

# The U-Net family fixtures of issue 3 (BatchNorm U-Net, bilinear BasicUNet,
# GroupNorm + SiLU block); checked against torch by their e2e tests.
"$py" "$root/scripts/export_unet_family.py" "$root"

# The blocked-ops model of issue 11 (SE block, HardSwish, AveragePool, Concat,
# channel shuffle, bilinear Resize, GlobalAveragePool, Flatten, Gemm).
"$py" "$root/scripts/export_blocked_ops_net.py" "$root"
