#!/usr/bin/python3
"""Export the BasicUNet of DESIGN.md to ONNX, with seeded test data.

Run with Debian's interpreter (/usr/bin/python3: torch 1.13, onnx 1.12).
Everything is seeded and single-threaded, so two runs with the same options
write byte-identical data files (and, with this torch, identical .onnx files).

Outputs:
  --out PATH.onnx   the model (input "x", output "y")
  --data-dir DIR    input_b1/output_b1 (and input_b4/output_b4 unless
                    --static-batch) as raw little-endian float32 (.f32) and as
                    ONNX TensorProto (.pb), plus meta.txt: "<file> <d0> <d1> ..."
"""

import argparse
import collections
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicUNet(nn.Module):
    """The network of DESIGN.md, with the activation made selectable."""

    def __init__(self, in_channels=1, out_channels=1, act="silu",
                 upsample_to_skip_size=False):
        super().__init__()
        self.upsample_to_skip_size = upsample_to_skip_size
        self.down_layers = nn.ModuleList([
            nn.Conv2d(in_channels, 32, kernel_size=5, padding=2),
            nn.Conv2d(32, 64, kernel_size=5, padding=2),
            nn.Conv2d(64, 64, kernel_size=5, padding=2)])
        self.up_layers = nn.ModuleList([
            nn.Conv2d(64, 64, kernel_size=5, padding=2),
            nn.Conv2d(64, 32, kernel_size=5, padding=2),
            nn.Conv2d(32, out_channels, kernel_size=5, padding=2)])
        self.act = nn.SiLU() if act == "silu" else nn.ReLU()
        self.downscale = nn.MaxPool2d(2)
        self.upscale = nn.Upsample(scale_factor=2)

    def forward(self, x):
        h = []
        for i, l in enumerate(self.down_layers):
            x = self.act(l(x))
            if i < 2:
                h.append(x)
                x = self.downscale(x)
        for i, l in enumerate(self.up_layers):
            if i > 0:
                if self.upsample_to_skip_size:
                    # Same numbers as upscale (sizes are multiples of 4), but
                    # the exporter computes the size with Shape/Gather/... nodes.
                    skip = h.pop()
                    x = F.interpolate(x, size=skip.shape[-2:], mode="nearest")
                    x += skip
                else:
                    x = self.upscale(x)
                    x += h.pop()
            x = self.act(l(x))
        return x


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=0,
                   help="torch.manual_seed before building the model (default 0)")
    p.add_argument("--opset", type=int, default=13, help="ONNX opset (default 13)")
    p.add_argument("--in-ch", type=int, default=1, help="input channels (default 1)")
    p.add_argument("--out-ch", type=int, default=1, help="output channels (default 1)")
    p.add_argument("--act", choices=["silu", "relu"], default="silu")
    p.add_argument("--size", type=int, default=28,
                   help="input height and width H (H x H, multiple of 4; default 28)")
    p.add_argument("--weight-scale", type=float, default=1.0,
                   help="multiply every weight and bias by this after init (default 1)")
    p.add_argument("--static-batch", action="store_true",
                   help="fixed batch 1 (default: symbolic batch dimension 'batch')")
    p.add_argument("--no-constant-folding", action="store_true",
                   help="export with do_constant_folding=False")
    p.add_argument("--upsample-to-skip-size", action="store_true",
                   help="upsample with F.interpolate(size=skip.shape[-2:]) instead of "
                        "nn.Upsample(scale_factor=2): same numbers, but the graph "
                        "computes the Resize/Upsample sizes with Shape/Gather/... nodes")
    p.add_argument("--out", required=True, help="output .onnx path")
    p.add_argument("--data-dir", help="directory for the seeded inputs/outputs")
    args = p.parse_args(argv)
    if args.size <= 0 or args.size % 4 != 0:
        p.error("--size must be a positive multiple of 4")
    return args


def build_model(args):
    torch.manual_seed(args.seed)
    model = BasicUNet(args.in_ch, args.out_ch, args.act, args.upsample_to_skip_size)
    if args.weight_scale != 1.0:
        with torch.no_grad():
            for prm in model.parameters():
                prm.mul_(args.weight_scale)
    model.eval()
    return model


def make_inputs(args):
    """Seeded inputs: batch 1, then (unless static) batch 4, from one generator."""
    gen = torch.Generator().manual_seed(args.seed + 1000)
    shape = (args.in_ch, args.size, args.size)
    inputs = {"b1": torch.randn((1,) + shape, generator=gen)}
    if not args.static_batch:
        inputs["b4"] = torch.randn((4,) + shape, generator=gen)
    return inputs


def write_tensor(data_dir, stem, name, t, meta):
    arr = np.ascontiguousarray(t.detach().numpy().astype("<f4"))
    with open(os.path.join(data_dir, stem + ".f32"), "wb") as f:
        f.write(arr.tobytes())
    proto = onnx.numpy_helper.from_array(arr, name=name)
    with open(os.path.join(data_dir, stem + ".pb"), "wb") as f:
        f.write(proto.SerializeToString())
    meta.append(stem + ".f32 " + " ".join(str(d) for d in arr.shape))


def write_data(args, model):
    os.makedirs(args.data_dir, exist_ok=True)
    meta = []
    last = model.up_layers[-1]
    for tag, x in make_inputs(args).items():
        seen = []
        hook = last.register_forward_hook(lambda m, i, o: seen.append(o.detach()))
        with torch.no_grad():
            y = model(x.clone())
            y2 = model(x.clone())
        hook.remove()
        if not torch.equal(y, y2):
            sys.exit("export_basic_unet: torch output differs between two runs")
        pre = seen[0]
        print("batch %s: last conv pre-activation min %.6g max %.6g; output min %.6g max %.6g"
              % (tag, pre.min().item(), pre.max().item(), y.min().item(), y.max().item()))
        write_tensor(args.data_dir, "input_" + tag, "x", x, meta)
        write_tensor(args.data_dir, "output_" + tag, "y", y, meta)
    with open(os.path.join(args.data_dir, "meta.txt"), "w") as f:
        f.write("\n".join(meta) + "\n")


def export(args, model):
    x = torch.zeros(1, args.in_ch, args.size, args.size)
    dynamic_axes = None
    if not args.static_batch:
        dynamic_axes = {"x": {0: "batch"}, "y": {0: "batch"}}
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    torch.onnx.export(model, x, args.out, opset_version=args.opset,
                      input_names=["x"], output_names=["y"],
                      dynamic_axes=dynamic_axes,
                      do_constant_folding=not args.no_constant_folding)
    m = onnx.load(args.out)
    onnx.checker.check_model(m)
    ops = collections.Counter(n.op_type for n in m.graph.node)
    print("%s: opset %d, %d nodes: %s" % (args.out, args.opset, len(m.graph.node),
          ", ".join("%s x%d" % kv for kv in sorted(ops.items()))))


def main(argv):
    args = parse_args(argv)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    model = build_model(args)
    export(args, model)
    if args.data_dir:
        write_data(args, model)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
