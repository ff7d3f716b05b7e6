#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes tests/models/mobile_blocks.onnx and tests/data/mobile_blocks/ (and with
--blk16 dw_blocks16, the same kinds of layers with channel counts that are
multiples of 16 and only ReLU / SiLU / Sigmoid, so that every conv of it can
run a blk16 kernel): a small
MobileNet-like network for the depthwise / grouped convs and the packed Gemm
(runtime/conv_dw.c, runtime/gemm_fast.c): inverted residual blocks with
depthwise 3x3 (stride 1, ReLU6), 5x5 (stride 2, SiLU) and 7x7 (pads 3), a
grouped 3x3 of width 8 (regnet) and one of width 16, a depthwise conv with a
channel multiplier of 2, channel counts 16, 24, 40, 48, 96 (not all multiples
of 16), global average pooling and a Linear head (Gemm). Input x (N, 3, 32, 32),
batch 1 and 4, seeded. Needs Debian's python3-torch:
/usr/bin/python3 scripts/export_mobile_blocks.py [--blk16]"""
import os
import sys
import numpy as np
import torch
from torch import nn

torch.manual_seed(11)
torch.set_num_threads(1)


def cba(cin, cout, k, s=1, g=1, act=nn.ReLU, pad=None):
    layers = [nn.Conv2d(cin, cout, k, s, k // 2 if pad is None else pad, groups=g, bias=False),
              nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act())
    return nn.Sequential(*layers)


class InvRes(nn.Module):
    def __init__(self, cin, cout, exp, k, s, act):
        super().__init__()
        mid = cin * exp
        self.body = nn.Sequential(cba(cin, mid, 1, act=act), cba(mid, mid, k, s, mid, act=act),
                                  cba(mid, cout, 1, act=None))
        self.skip = s == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.skip else y


BLK16 = "--blk16" in sys.argv
NAME = "dw_blocks16" if BLK16 else "mobile_blocks"


class MobileBlocks(nn.Module):
    def __init__(self):
        super().__init__()
        if BLK16:
            layers = [
                cba(3, 16, 3, 2, act=nn.ReLU),                 # 16x16
                InvRes(16, 16, 3, 3, 1, nn.ReLU),              # dw 3x3 on 48
                InvRes(16, 32, 5, 5, 2, nn.SiLU),              # dw 5x5 s2 on 80 -> 8x8
                cba(32, 32, 7, 1, 32, act=None),               # dw 7x7 pads 3
                cba(32, 64, 3, 1, 4, act=nn.ReLU),             # grouped, width 8 -> 16
                cba(64, 64, 3, 2, 4, act=nn.SiLU),             # grouped, width 16, s2 -> 4x4
                cba(64, 128, 3, 1, 64, act=nn.ReLU),           # depthwise, multiplier 2
                cba(128, 48, 1, act=nn.SiLU),
                cba(48, 48, 3, 1, 48, act=nn.Sigmoid),         # dw with a sigmoid
            ]
            head = 48
        else:
            layers = [
                cba(3, 16, 3, 2, act=nn.ReLU6),                # 16x16
                InvRes(16, 16, 3, 3, 1, nn.ReLU6),             # dw 3x3 on 48
                InvRes(16, 24, 5, 5, 2, nn.SiLU),              # dw 5x5 s2 on 80 -> 8x8
                cba(24, 24, 7, 1, 24, act=None),               # dw 7x7 pads 3 (convnext)
                cba(24, 48, 3, 1, 3, act=nn.ReLU),             # grouped, width 8 -> 16
                cba(48, 48, 3, 2, 3, act=nn.ReLU),             # grouped, width 16, s2 -> 4x4
                cba(48, 96, 3, 1, 48, act=nn.ReLU),            # depthwise, multiplier 2
                cba(96, 40, 1, act=nn.SiLU),                   # 40 channels: a partial block
                cba(40, 40, 3, 1, 40, act=nn.Sigmoid),         # dw on 40 with a sigmoid
            ]
            head = 40
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(head, 10)

    def forward(self, x):
        x = self.features(x)
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


model = MobileBlocks()
for m in model.modules():   # non-trivial BatchNorm statistics, folded by the exporter
    if isinstance(m, nn.BatchNorm2d):
        m.running_mean.uniform_(-0.2, 0.2)
        m.running_var.uniform_(0.5, 1.5)
        m.weight.data.uniform_(0.5, 1.5)
        m.bias.data.uniform_(-0.2, 0.2)
model.eval()
os.makedirs(f"tests/data/{NAME}", exist_ok=True)
torch.onnx.export(model, torch.zeros(1, 3, 32, 32), f"tests/models/{NAME}.onnx",
                  input_names=["x"], output_names=["y"], opset_version=13,
                  dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})

from onnx import numpy_helper  # noqa: E402 (after torch: its own onnx import)

meta = []
for b in (1, 4):
    x = torch.rand(b, 3, 32, 32, generator=torch.Generator().manual_seed(b)) * 2 - 1
    with torch.no_grad():
        y = model(x)
    for name, t in (("input", x), ("output", y)):
        a = t.numpy().astype(np.float32)
        a.tofile(f"tests/data/{NAME}/{name}_b{b}.f32")
        with open(f"tests/data/{NAME}/{name}_b{b}.pb", "wb") as f:
            f.write(numpy_helper.from_array(a, "x" if name == "input" else "y").SerializeToString())
        meta.append(f"{name}_b{b}.f32 " + " ".join(str(d) for d in a.shape))
with open(f"tests/data/{NAME}/meta.txt", "w") as f:
    f.write("\n".join(meta) + "\n")
