#!/usr/bin/python3
"""Writes the committed seed corpus of the fuzzer, fuzz/corpus/*.onnx.

Miniature BasicUNets (widths 2 and 4 instead of 32 and 64, input 1x1x8x8) in
the export variants the fixtures cover (opsets 9 to 17, SiLU or ReLU, constant
folding off, Resize sizes computed from Shape/Gather/...), so each seed is a few
kilobytes and reaches every pass and codegen at a thousand executions per second.
Run with Debian's torch: /usr/bin/python3 fuzz/make_seeds.py (deterministic).
"""
import io
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyUNet(nn.Module):
    def __init__(self, act, skip_size):
        super().__init__()
        self.skip_size = skip_size
        self.down = nn.ModuleList([nn.Conv2d(1, 2, 3, padding=1), nn.Conv2d(2, 4, 3, padding=1),
                                   nn.Conv2d(4, 4, 3, padding=1)])
        self.up = nn.ModuleList([nn.Conv2d(4, 4, 3, padding=1), nn.Conv2d(4, 2, 3, padding=1),
                                 nn.Conv2d(2, 1, 3, padding=1)])
        self.act = nn.SiLU() if act == "silu" else nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.upscale = nn.Upsample(scale_factor=2)

    def forward(self, x):
        h = []
        for i, l in enumerate(self.down):
            x = self.act(l(x))
            if i < 2:
                h.append(x)
                x = self.pool(x)
        for i, l in enumerate(self.up):
            if i > 0:
                skip = h.pop()
                if self.skip_size:
                    x = F.interpolate(x, size=skip.shape[-2:], mode="nearest")
                else:
                    x = self.upscale(x)
                x = x + skip
            x = self.act(l(x))
        return x


VARIANTS = [  # name, opset, act, resize sizes from the skip's shape, constant folding
    ("tiny_opset13", 13, "silu", False, True),
    ("tiny_opset9", 9, "silu", False, True),
    ("tiny_opset10", 10, "silu", False, True),
    ("tiny_opset11_nofold", 11, "silu", False, False),
    ("tiny_opset12_relu", 12, "relu", False, True),
    ("tiny_opset17", 17, "silu", False, True),
    ("tiny_opset11_skipsize", 11, "silu", True, True),
    ("tiny_opset13_skipsize_nofold", 13, "relu", True, False),
]


def main():
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    for name, opset, act, skip_size, fold in VARIANTS:
        torch.manual_seed(0)
        model = TinyUNet(act, skip_size).eval()
        buf = io.BytesIO()
        torch.onnx.export(model, torch.zeros(1, 1, 8, 8), buf, opset_version=opset,
                          input_names=["x"], output_names=["y"], do_constant_folding=fold,
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
        with open(os.path.join(out_dir, name + ".onnx"), "wb") as f:
            f.write(buf.getvalue())
        print(name, len(buf.getvalue()), "bytes")


if __name__ == "__main__":
    main()
