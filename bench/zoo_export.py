#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Export the model zoo of bench/zoo.sh to ONNX, with torch's output for a
seeded input next to each model.

Run with Debian's interpreter (/usr/bin/python3: torch 1.13, torchvision 0.14,
onnx 1.12). Every model is built with seeded random weights (torchvision's
constructors with weights=None; BatchNorm statistics and affine parameters
drawn from the same seeded generator, so that folding BatchNorm is really
tested), batch 1, input "x", output "y", static shapes. Single-threaded torch.

Per model NAME, into OUTDIR/NAME/:
  model.onnx   the model
  input.f32    the input, raw little-endian float32 (torch.randn, seeded)
  output.f32   torch's output for it (float32, eval mode, no_grad)
  meta.json    input and output shapes, opset, the ONNX ops, and the
               multiply-adds of Conv2d / ConvTranspose2d / Linear counted by
               forward hooks in torch (a cross-check of onnxc's own count)
A model whose three files exist is skipped (delete its folder to re-export).
A model that fails to build or export gets OUTDIR/NAME/export_error.txt (one
line) instead, and the others go on; the exit status is 0 either way.

usage: zoo_export.py OUTDIR NAME...     (zoo_export.py --list prints the names)
"""

import collections
import json
import os
import shutil
import sys
import traceback
import zlib

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ---- the architectures that torchvision does not have

class ResNet18UNet(nn.Module):
    """U-Net on a torchvision resnet18 encoder (skips at 1/2, 1/4, 1/8, 1/16),
    decoder: bilinear x2 upsampling, Concat with the skip, two 3x3 conv + BN +
    ReLU; a last bilinear x2 to full size and a 1x1 head to 2 classes."""

    def __init__(self, classes=2):
        super().__init__()
        r = torchvision.models.resnet18(weights=None)
        self.stem = nn.Sequential(r.conv1, r.bn1, r.relu)
        self.pool = r.maxpool
        self.enc = nn.ModuleList([r.layer1, r.layer2, r.layer3, r.layer4])

        def block(cin, cout):
            return nn.Sequential(
                nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())
        self.dec = nn.ModuleList([block(512 + 256, 256), block(256 + 128, 128),
                                  block(128 + 64, 64), block(64 + 64, 32)])
        self.head = nn.Sequential(nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(16, classes, 1))

    @staticmethod
    def up(x):
        return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)

    def forward(self, x):
        s0 = self.stem(x)                 # 64, 1/2
        x = self.pool(s0)
        skips = [s0]
        for i, layer in enumerate(self.enc):
            x = layer(x)                  # 64 1/4, 128 1/8, 256 1/16, 512 1/32
            if i < 3:
                skips.append(x)
        for blk in self.dec:
            x = blk(torch.cat([self.up(x), skips.pop()], dim=1))
        return self.head(self.up(x))


class PaperUNet(nn.Module):
    """The U-Net of Ronneberger et al. 2015: valid (unpadded) 3x3 convs + ReLU,
    2x2 max pool, 4 levels down, ConvTranspose 2x2 stride 2 up, the skip
    centre-cropped by slicing and concatenated, 1x1 head to 2 classes. Base
    width 16 (the paper's 64 / 4). A 188x188 input gives a 4x4 output (the
    paper's 572 gives 388: the valid convs eat 184 pixels)."""

    def __init__(self, base=16, classes=2, size=188):
        super().__init__()
        w = [base * 2 ** i for i in range(5)]

        def dc(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3), nn.ReLU(),
                                 nn.Conv2d(cout, cout, 3), nn.ReLU())
        self.down = nn.ModuleList([dc(1, w[0])] + [dc(w[i], w[i + 1]) for i in range(4)])
        self.ups = nn.ModuleList([nn.ConvTranspose2d(w[i + 1], w[i], 2, stride=2)
                                  for i in reversed(range(4))])
        self.dec = nn.ModuleList([dc(2 * w[i], w[i]) for i in reversed(range(4))])
        self.head = nn.Conv2d(w[0], classes, 1)
        self.pool = nn.MaxPool2d(2)
        # the sizes are static: compute the crop offsets once, as Python ints,
        # so that the export has Slice nodes with constant starts and ends
        s, skip_sizes = size, []
        for i in range(5):
            s -= 4
            if i < 4:
                skip_sizes.append(s)
                assert s % 2 == 0, "input size does not halve evenly"
                s //= 2
        self.crops = []
        for i in range(4):
            s *= 2
            k = skip_sizes.pop()
            self.crops.append(((k - s) // 2, s))
            s -= 4
        assert s > 0, "input too small"

    def forward(self, x):
        skips = []
        for i, d in enumerate(self.down):
            x = d(x)
            if i < 4:
                skips.append(x)
                x = self.pool(x)
        for up, dec, (o, s) in zip(self.ups, self.dec, self.crops):
            x = up(x)
            skip = skips.pop()[:, :, o:o + s, o:o + s]
            x = dec(torch.cat([skip, x], dim=1))
        return self.head(x)


class ESPCN(nn.Module):
    """ESPCN super-resolution x3 (Shi et al. 2016): 5x5 conv from 1 channel to
    64, Tanh, 3x3 to 32, Tanh, 3x3 to 9 = 3^2, PixelShuffle(3)."""

    def __init__(self, r=3):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 64, 5, padding=2), nn.Tanh(),
                                  nn.Conv2d(64, 32, 3, padding=1), nn.Tanh(),
                                  nn.Conv2d(32, r * r, 3, padding=1), nn.PixelShuffle(r))

    def forward(self, x):
        return self.body(x)


class OutOf(nn.Module):
    """Picks output `key` of a model that returns a dict (segmentation nets)."""

    def __init__(self, model, key):
        super().__init__()
        self.model, self.key = model, key

    def forward(self, x):
        return self.model(x)[self.key]


def basic_unet():
    """BasicUNet of DESIGN.md with the weights of models/basic_unet.onnx."""
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    from export_basic_unet import BasicUNet
    model = BasicUNet()
    src = onnx.load(os.path.join(ROOT, "models", "basic_unet.onnx"))
    state = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).copy())
             for t in src.graph.initializer}
    model.load_state_dict(state, strict=True)
    return model


tv = torchvision.models
# name -> (builder, input shape (C, H, W), opset). Smallest emitted C (about
# the C compile time) first: the default order of bench/zoo.sh.
ZOO = collections.OrderedDict([
    ("basic_unet", (basic_unet, (1, 28, 28), 13)),
    ("espcn", (ESPCN, (1, 96, 96), 13)),
    ("squeezenet1_1", (lambda: tv.squeezenet1_1(weights=None), (3, 224, 224), 13)),
    ("paper_unet", (PaperUNet, (1, 188, 188), 13)),
    ("shufflenet_v2_x1_0", (lambda: tv.shufflenet_v2_x1_0(weights=None), (3, 224, 224), 13)),
    ("mobilenet_v3_small", (lambda: tv.mobilenet_v3_small(weights=None), (3, 224, 224), 13)),
    ("lraspp_mobilenet_v3_large", (lambda: OutOf(tv.segmentation.lraspp_mobilenet_v3_large(
        weights=None, weights_backbone=None), "out"), (3, 256, 256), 13)),
    ("mobilenet_v2", (lambda: tv.mobilenet_v2(weights=None), (3, 224, 224), 13)),
    ("regnet_y_400mf", (lambda: tv.regnet_y_400mf(weights=None), (3, 224, 224), 13)),
    ("efficientnet_b0", (lambda: tv.efficientnet_b0(weights=None), (3, 224, 224), 13)),
    ("mobilenet_v3_large", (lambda: tv.mobilenet_v3_large(weights=None), (3, 224, 224), 13)),
    ("googlenet", (lambda: tv.googlenet(weights=None, aux_logits=False, init_weights=True),
                   (3, 224, 224), 13)),
    ("densenet121", (lambda: tv.densenet121(weights=None), (3, 224, 224), 13)),
    ("resnet18", (lambda: tv.resnet18(weights=None), (3, 224, 224), 13)),
    ("resnet18_unet", (ResNet18UNet, (3, 128, 128), 13)),
    ("resnet50", (lambda: tv.resnet50(weights=None), (3, 224, 224), 13)),
    # opset 17: LayerNorm is one LayerNormalization node, not its decomposition
    ("convnext_tiny", (lambda: tv.convnext_tiny(weights=None), (3, 224, 224), 17)),
])


# models taken from a file of the repository instead of torch.onnx.export
# (the builder rebuilds the same network in torch for the reference output)
FILES = {"basic_unet": os.path.join(ROOT, "models", "basic_unet.onnx")}


def seed_of(name):
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def randomize_norms(model, gen):
    """Non-trivial BatchNorm statistics and affine parameters (torch's defaults
    make eval-mode BatchNorm the identity). Mild, so deep nets stay finite."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                n = m.num_features
                m.running_mean.copy_(torch.randn(n, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(n, generator=gen) * 0.4 + 0.8)
                m.weight.copy_(torch.rand(n, generator=gen) * 0.4 + 0.8)
                m.bias.copy_(torch.randn(n, generator=gen) * 0.1)


def count_macs(model, x):
    """Multiply-adds of Conv2d, ConvTranspose2d and Linear, by forward hooks."""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            total[0] += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.ConvTranspose2d):
            total[0] += inp[0].numel() * (m.out_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += out.numel() * m.in_features
    hs = [m.register_forward_hook(hook) for m in model.modules()
          if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    with torch.no_grad():
        model(x)
    for h in hs:
        h.remove()
    return total[0]


def write_f32(path, t):
    with open(path, "wb") as f:
        f.write(np.ascontiguousarray(t.detach().numpy().astype("<f4")).tobytes())


def export_one(outdir, name):
    d = os.path.join(outdir, name)
    files = [os.path.join(d, f) for f in ("model.onnx", "input.f32", "output.f32", "meta.json")]
    if all(os.path.exists(f) for f in files):
        print("%s: cached in %s" % (name, d))
        return
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    build, shape, opset = ZOO[name]
    seed = seed_of(name)
    torch.manual_seed(seed)
    model = build()
    gen = torch.Generator().manual_seed(seed + 1)
    if name not in FILES:
        randomize_norms(model, gen)
    model.eval()
    x = torch.randn((1,) + shape, generator=gen)
    with torch.no_grad():
        y = model(x.clone())
    tmp = os.path.join(d, "model.onnx.tmp")
    if name in FILES:   # the model file the repository ships, as it is
        shutil.copyfile(FILES[name], tmp)
    else:
        torch.onnx.export(model, x.clone(), tmp, opset_version=opset,
                          input_names=["x"], output_names=["y"])
    m = onnx.load(tmp)
    onnx.checker.check_model(m)
    ops = collections.Counter(n.op_type for n in m.graph.node)
    meta = {"name": name, "opset": opset, "seed": seed,
            "input": list(x.shape), "output": list(y.shape),
            "torch_macs": count_macs(model, x.clone()),
            "nodes": len(m.graph.node), "ops": dict(sorted(ops.items()))}
    write_f32(os.path.join(d, "input.f32"), x)
    write_f32(os.path.join(d, "output.f32"), y)
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    os.replace(tmp, os.path.join(d, "model.onnx"))   # last: its presence means done
    print("%s: opset %d, %d nodes, %s -> %s, exported to %s" % (
        name, opset, len(m.graph.node), list(x.shape), list(y.shape), d))


def main(argv):
    if argv == ["--list"]:
        print(" ".join(ZOO))
        return 0
    if len(argv) < 2:
        sys.exit(__doc__)
    outdir, names = argv[0], argv[1:]
    torch.set_num_threads(1)
    for name in names:
        err = os.path.join(outdir, name, "export_error.txt")
        try:
            if name not in ZOO:
                raise KeyError("unknown model (known: %s)" % ", ".join(ZOO))
            export_one(outdir, name)
        except Exception as e:   # report in the row, go on with the others
            os.makedirs(os.path.dirname(err), exist_ok=True)
            msg = ("%s: %s" % (type(e).__name__, e)).splitlines()[0]
            with open(err, "w") as f:
                f.write(msg + "\n")
            print("%s: export failed: %s" % (name, msg))
            traceback.print_exc(limit=3)
            continue
        if os.path.exists(err):
            os.remove(err)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
