#!/usr/bin/python3
"""Check exported fixtures: onnx.checker, then evaluate each ONNX graph with a
small float64 NumPy evaluator (independent of torch) on the stored inputs and
compare with the stored torch outputs.

Usage: scripts/check_fixtures.py MODEL.onnx DATA_DIR [MODEL.onnx DATA_DIR ...]
Exits 1 if any model fails. Only the ops the BasicUNet exports use are known;
Resize/Upsample must be nearest with asymmetric coordinates and floor rounding
(or the opset 9/10 forms, which mean the same for integer scales).
"""

import sys

import numpy as np
import onnx
import onnx.numpy_helper
from numpy.lib.stride_tricks import sliding_window_view
from onnx import helper


def attrs_of(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def conv(x, w, b, a):
    if a.get("group", 1) != 1 or any(s != 1 for s in a.get("strides", [1, 1])) \
            or any(d != 1 for d in a.get("dilations", [1, 1])):
        raise ValueError("conv: only group 1, stride 1, dilation 1")
    p = a.get("pads", [0, 0, 0, 0])
    x = np.pad(x, ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])))
    kh, kw = w.shape[2], w.shape[3]
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))  # N C H W kh kw
    y = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3]))  # N H W O
    y = y.transpose(0, 3, 1, 2)
    return y + b.reshape(1, -1, 1, 1) if b is not None else y


def maxpool(x, a):
    k = a["kernel_shape"]
    s = a.get("strides", k)
    if list(k) != [2, 2] or list(s) != [2, 2] or any(a.get("pads", [0] * 4)):
        raise ValueError("maxpool: only 2x2 stride 2 without padding")
    n, c, h, w = x.shape
    return x[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def resize_nearest(x, scales, a):
    if a.get("mode", b"nearest") != b"nearest":
        raise ValueError("resize: only nearest")
    if a.get("coordinate_transformation_mode", b"asymmetric") != b"asymmetric":
        raise ValueError("resize: only asymmetric")
    if a.get("nearest_mode", b"floor") != b"floor":
        raise ValueError("resize: only floor")
    for axis, s in enumerate(scales):
        n = x.shape[axis]
        out = int(np.floor(n * s))
        idx = np.minimum(np.floor(np.arange(out) / s).astype(np.int64), n - 1)
        x = np.take(x, idx, axis=axis)
    return x


def run_graph(model, x):
    g = model.graph
    env = {t.name: onnx.numpy_helper.to_array(t) for t in g.initializer}
    env[g.input[0].name] = x.astype(np.float64)
    env[""] = None
    for n in g.node:
        a = attrs_of(n)
        i = [env[name] for name in n.input]
        t = n.op_type
        if t == "Constant":
            r = onnx.numpy_helper.to_array(a["value"])
        elif t == "Conv":
            r = conv(i[0], i[1], i[2] if len(i) > 2 else None, a)
        elif t == "MaxPool":
            r = maxpool(i[0], a)
        elif t == "Sigmoid":
            r = 1.0 / (1.0 + np.exp(-i[0]))
        elif t == "Relu":
            r = np.maximum(i[0], 0.0)
        elif t in ("Mul", "Add", "Div"):
            r = {"Mul": np.multiply, "Add": np.add, "Div": np.divide}[t](i[0], i[1])
        elif t == "Upsample":
            r = resize_nearest(i[0], i[1] if len(i) > 1 else a["scales"], a)
        elif t == "Resize":
            if len(n.input) == 2:  # opset 10: X, scales
                scales = i[1]
            elif len(i) > 3 and i[3] is not None and i[3].size:
                scales = i[3] / np.array(i[0].shape)
            else:
                scales = i[2]
            r = resize_nearest(i[0], np.asarray(scales, dtype=np.float64), a)
        elif t == "Shape":
            r = np.array(i[0].shape, dtype=np.int64)
        elif t == "Gather":
            r = np.take(i[0], i[1], axis=a.get("axis", 0))
        elif t == "Unsqueeze":
            r = np.expand_dims(i[0], tuple(a["axes"] if "axes" in a else i[1]))
        elif t == "Concat":
            r = np.concatenate(i, axis=a["axis"])
        elif t == "Slice":
            if "starts" in a:
                starts, ends, axes = a["starts"], a["ends"], a.get("axes")
            else:
                starts, ends = i[1], i[2]
                axes = i[3] if len(i) > 3 else None
            if axes is None:
                axes = range(len(starts))
            sl = [slice(None)] * i[0].ndim
            for s, e, ax in zip(starts, ends, axes):
                sl[int(ax)] = slice(int(s), int(e))
            r = i[0][tuple(sl)]
        elif t == "Cast":
            r = i[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]])
        else:
            raise ValueError("unsupported op " + t)
        env[n.output[0]] = r
    return env[g.output[0].name]


def check(model_path, data_dir):
    model = onnx.load(model_path)
    onnx.checker.check_model(model)
    ok = True
    with open(data_dir + "/meta.txt") as f:
        meta = {ln.split()[0]: tuple(int(d) for d in ln.split()[1:]) for ln in f if ln.strip()}
    for tag in ("b1", "b4"):
        name = "input_%s.f32" % tag
        if name not in meta:
            continue
        x = np.fromfile(data_dir + "/" + name, dtype="<f4").reshape(meta[name])
        oname = "output_%s.f32" % tag
        want = np.fromfile(data_dir + "/" + oname, dtype="<f4").reshape(meta[oname])
        with np.errstate(over="ignore"):
            got = run_graph(model, x)
        err = np.max(np.abs(got - want)) / max(1.0, np.max(np.abs(want)))
        good = got.shape == want.shape and err < 1e-5
        ok = ok and good
        print("%s %s: %s, max error %.3g (relative to max(1, |y|max))"
              % (model_path, tag, "ok" if good else "MISMATCH", err))
    return ok


def main(argv):
    if len(argv) % 2 or not argv:
        sys.exit(__doc__)
    ok = all([check(argv[k], argv[k + 1]) for k in range(0, len(argv), 2)])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
