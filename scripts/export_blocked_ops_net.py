#!/usr/bin/python3
"""Export the blocked-ops fixture: a small CNN made of the ops around the
convs that real networks use (issue 11), with seeded test data.

Run with Debian's interpreter (/usr/bin/python3: torch 1.13, onnx 1.12).
Seeded and single-threaded: two runs write byte-identical data files.

  blocked_ops_net  conv -> SE block (ReduceMean keepdims, 1x1 convs, Sigmoid,
                   broadcasting Mul) -> HardSwish -> AveragePool 3x3/2 (pads,
                   ceil_mode, count_include_pad=0) -> Concat (32 + 16
                   channels) -> + per-channel constant, * scalar -> LeakyRelu
                   -> bilinear 2x (half_pixel) -> conv -> channel shuffle
                   (Reshape/Transpose/Reshape, 4 groups) -> 1x1 conv ->
                   MaxPool -> bilinear 2x (align_corners) -> 1x1 conv ->
                   x * HardSigmoid(x) -> Tanh -> GlobalAveragePool -> Flatten
                   -> Gemm; 1x3x32x32, opset 14

  blocked_ops_odd  the same with 24, 17 (Concat 24 + 17 = 41), 24 and 17
                   channels: partial last blocks everywhere

Outputs, per NAME: tests/models/NAME.onnx (input "x", output "y", symbolic
batch) and tests/data/NAME/{input,output}_b{1,4}.{f32,pb} +
meta.txt, as scripts/export_basic_unet.py writes them.

usage: export_blocked_ops_net.py ROOT   (the repository root)
"""

import collections
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F


class SE(nn.Module):
    """Squeeze-and-excitation: x * sigmoid(fc2(relu(fc1(mean_hw(x)))))."""

    def __init__(self, c, r):
        super().__init__()
        self.fc1 = nn.Conv2d(c, r, 1)
        self.fc2 = nn.Conv2d(r, c, 1)

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)          # ReduceMean keepdims=1
        return x * torch.sigmoid(self.fc2(F.relu(self.fc1(s))))


class BlockedOpsNet(nn.Module):
    """Channel counts are multiples of 16 on the main path, so that the
    tensors can stay blk16 between the convs; the channel shuffle sits
    between two convs (its rank-5 Reshape has no blocked kernel)."""

    def __init__(self, c=32, b=16, m=32, h=16):
        super().__init__()
        self.stem = nn.Conv2d(3, c, 3, padding=1)
        self.se = SE(c, 8)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        self.branch = nn.Conv2d(c, b, 1)
        self.shift = nn.Parameter(torch.randn(1, c + b, 1, 1) * 0.1)
        self.mid = nn.Conv2d(c + b, m, 3, padding=1)
        self.mix = nn.Conv2d(m, m, 1)
        self.head = nn.Conv2d(m, h, 1)
        self.fc = nn.Linear(h, 10)

    def forward(self, x):
        x = F.relu(self.stem(x))
        x = F.hardswish(self.se(x))
        x = self.pool(x)                                  # 17x17
        x = torch.cat([x, F.relu(self.branch(x))], 1)     # c + b
        x = F.leaky_relu((x + self.shift) * 0.5, 0.1)
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
        x = F.relu(self.mid(x))
        n, c, h, w = x.shape
        x = x.reshape(n, 4, c // 4, h, w).transpose(1, 2).reshape(n, c, h, w)
        x = F.max_pool2d(self.mix(x), 2)                  # 17x17
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=True)
        x = self.head(x)
        x = torch.tanh(x * F.hardsigmoid(x))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(x)


def write_tensor(data_dir, stem, name, t, meta):
    arr = np.ascontiguousarray(t.detach().numpy().astype("<f4"))
    with open(os.path.join(data_dir, stem + ".f32"), "wb") as f:
        f.write(arr.tobytes())
    proto = onnx.numpy_helper.from_array(arr, name=name)
    with open(os.path.join(data_dir, stem + ".pb"), "wb") as f:
        f.write(proto.SerializeToString())
    meta.append(stem + ".f32 " + " ".join(str(d) for d in arr.shape))


def export(root, name, model, seed):
    shape = (3, 32, 32)
    torch.manual_seed(seed)
    model = model().eval()
    out = os.path.join(root, "tests", "models", name + ".onnx")
    data_dir = os.path.join(root, "tests", "data", name)
    os.makedirs(data_dir, exist_ok=True)
    torch.onnx.export(model, torch.zeros((1,) + shape), out, opset_version=14,
                      input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    m = onnx.load(out)
    onnx.checker.check_model(m)
    ops = collections.Counter(n.op_type for n in m.graph.node)
    print("%s: opset 14, %d nodes: %s" % (name, len(m.graph.node),
          ", ".join("%s x%d" % kv for kv in sorted(ops.items()))))
    for op in ("ReduceMean", "HardSwish", "AveragePool", "Concat", "Resize",
               "GlobalAveragePool", "Transpose", "HardSigmoid", "Tanh", "LeakyRelu"):
        if not ops[op]:
            sys.exit("%s: expected a %s node in the export" % (name, op))
    gen = torch.Generator().manual_seed(1000 + seed)
    meta = []
    for tag, n in (("b1", 1), ("b4", 4)):
        x = torch.randn((n,) + shape, generator=gen)
        with torch.no_grad():
            y = model(x.clone())
        write_tensor(data_dir, "input_" + tag, "x", x, meta)
        write_tensor(data_dir, "output_" + tag, "y", y, meta)
    with open(os.path.join(data_dir, "meta.txt"), "w") as f:
        f.write("\n".join(meta) + "\n")


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__)
    root = argv[0]
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    export(root, "blocked_ops_net", BlockedOpsNet, 11)
    # channel counts that pad the last block: 24 + 17 = 41 (a lane-shifting
    # Concat), 24 and 17 between the other ops
    export(root, "blocked_ops_odd", lambda: BlockedOpsNet(c=24, b=17, m=24, h=17), 12)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
