#!/usr/bin/python3
"""Export the U-Net family fixtures of issue 3 to ONNX, with seeded test data.

Run with Debian's interpreter (/usr/bin/python3: torch 1.13, onnx 1.12).
Seeded and single-threaded: two runs write byte-identical data files.

  unet_bn        a small original-style U-Net: two levels of (3x3 conv,
                 BatchNorm, ReLU) x 2, max pool, ConvTranspose 2x2/2 up, Concat
                 skip, 1x1 head; BatchNorm kept as nodes (TrainingMode.PRESERVE
                 on an eval() model, no constant folding), opset 13
  unet_bilinear  BasicUNet (DESIGN.md) with bilinear upsampling
                 (Resize linear, pytorch_half_pixel), opset 13
  gn_silu_block  a diffusion-style residual block at opset 17: GroupNorm ->
                 SiLU -> 3x3 conv -> GroupNorm -> SiLU -> 3x3 conv, plus the input

Outputs, per fixture NAME: tests/models/NAME.onnx (input "x", output "y",
symbolic batch) and tests/data/NAME/{input,output}_b{1,4}.{f32,pb} + meta.txt,
as scripts/export_basic_unet.py writes them.

usage: export_unet_family.py ROOT   (the repository root)
"""

import collections
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn


def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU()]


class UNetBN(nn.Module):
    """Original-style U-Net, two levels, 1 -> 1 channels."""

    def __init__(self, c=8):
        super().__init__()
        self.enc1 = nn.Sequential(*conv_bn_relu(1, c), *conv_bn_relu(c, c))
        self.pool = nn.MaxPool2d(2)
        self.enc2 = nn.Sequential(*conv_bn_relu(c, 2 * c), *conv_bn_relu(2 * c, 2 * c))
        self.up = nn.ConvTranspose2d(2 * c, c, 2, stride=2)
        self.dec1 = nn.Sequential(*conv_bn_relu(2 * c, c), *conv_bn_relu(c, c))
        self.head = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        s = self.enc1(x)
        x = self.enc2(self.pool(s))
        x = torch.cat([self.up(x), s], dim=1)
        return self.head(self.dec1(x))


class BasicUNetBilinear(nn.Module):
    """BasicUNet of DESIGN.md with bilinear instead of nearest upsampling."""

    def __init__(self):
        super().__init__()
        self.down_layers = nn.ModuleList([
            nn.Conv2d(1, 32, 5, padding=2), nn.Conv2d(32, 64, 5, padding=2),
            nn.Conv2d(64, 64, 5, padding=2)])
        self.up_layers = nn.ModuleList([
            nn.Conv2d(64, 64, 5, padding=2), nn.Conv2d(64, 32, 5, padding=2),
            nn.Conv2d(32, 1, 5, padding=2)])
        self.act = nn.SiLU()
        self.downscale = nn.MaxPool2d(2)
        self.upscale = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)

    def forward(self, x):
        h = []
        for i, l in enumerate(self.down_layers):
            x = self.act(l(x))
            if i < 2:
                h.append(x)
                x = self.downscale(x)
        for i, l in enumerate(self.up_layers):
            if i > 0:
                x = self.upscale(x)
                x = x + h.pop()
            x = self.act(l(x))
        return x


class GNSiLUBlock(nn.Module):
    """Residual block of diffusion U-Nets: GroupNorm + SiLU + conv, twice."""

    def __init__(self, c=16, groups=4):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, c)
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.norm2 = nn.GroupNorm(groups, c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.act = nn.SiLU()

    def forward(self, x):
        h = self.conv1(self.act(self.norm1(x)))
        h = self.conv2(self.act(self.norm2(h)))
        return x + h


def randomize_norms(model, gen):
    """Non-trivial BatchNorm statistics and GroupNorm affine parameters."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.2)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
            if isinstance(m, nn.GroupNorm):
                m.weight.copy_(torch.rand(m.num_channels, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(m.num_channels, generator=gen) * 0.1)


def write_tensor(data_dir, stem, name, t, meta):
    arr = np.ascontiguousarray(t.detach().numpy().astype("<f4"))
    with open(os.path.join(data_dir, stem + ".f32"), "wb") as f:
        f.write(arr.tobytes())
    proto = onnx.numpy_helper.from_array(arr, name=name)
    with open(os.path.join(data_dir, stem + ".pb"), "wb") as f:
        f.write(proto.SerializeToString())
    meta.append(stem + ".f32 " + " ".join(str(d) for d in arr.shape))


def export(root, name, model, shape, opset, training, seed):
    gen = torch.Generator().manual_seed(seed)
    randomize_norms(model, gen)
    model.eval()
    out = os.path.join(root, "tests", "models", name + ".onnx")
    data_dir = os.path.join(root, "tests", "data", name)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    os.makedirs(data_dir, exist_ok=True)
    torch.onnx.export(model, torch.zeros((1,) + shape), out, opset_version=opset,
                      input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
                      training=training, do_constant_folding=False)
    m = onnx.load(out)
    onnx.checker.check_model(m)
    ops = collections.Counter(n.op_type for n in m.graph.node)
    print("%s: opset %d, %d nodes: %s" % (name, opset, len(m.graph.node),
          ", ".join("%s x%d" % kv for kv in sorted(ops.items()))))
    meta = []
    for tag, n in (("b1", 1), ("b4", 4)):
        x = torch.randn((n,) + shape, generator=gen)
        with torch.no_grad():
            y = model(x.clone())
        write_tensor(data_dir, "input_" + tag, "x", x, meta)
        write_tensor(data_dir, "output_" + tag, "y", y, meta)
    with open(os.path.join(data_dir, "meta.txt"), "w") as f:
        f.write("\n".join(meta) + "\n")
    return ops


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__)
    root = argv[0]
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(3)
    ops = export(root, "unet_bn", UNetBN(), (1, 32, 32), 13, torch.onnx.TrainingMode.PRESERVE,
                 30)
    if ops["BatchNormalization"] != 6:
        sys.exit("unet_bn: expected 6 BatchNormalization nodes in the export")
    torch.manual_seed(4)
    ops = export(root, "unet_bilinear", BasicUNetBilinear(), (1, 28, 28), 13,
                 torch.onnx.TrainingMode.EVAL, 40)
    if ops["Resize"] != 2:
        sys.exit("unet_bilinear: expected 2 Resize nodes")
    torch.manual_seed(5)
    export(root, "gn_silu_block", GNSiLUBlock(), (16, 16, 16), 17,
           torch.onnx.TrainingMode.EVAL, 50)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
