#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes tests/models/conv_leaky_clip.onnx: Conv -> LeakyRelu(0.2), Conv -> Clip(-0.5, 0.75),
MatMul -> LeakyRelu, the activations with parameters that pass_fuse folds into the producer.
`onnxc verify` checks the emitted code against the interpreter on it (tests/debug.cmake).
Needs only python3-onnx and numpy (Debian): /usr/bin/python3 scripts/make_act_model.py"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
w1 = numpy_helper.from_array(rng.standard_normal((8, 2, 3, 3)).astype(np.float32), "w1")
b1 = numpy_helper.from_array(rng.standard_normal(8).astype(np.float32), "b1")
w2 = numpy_helper.from_array(rng.standard_normal((4, 8, 3, 3)).astype(np.float32) * 0.3, "w2")
lo = numpy_helper.from_array(np.array(-0.5, np.float32), "lo")
hi = numpy_helper.from_array(np.array(0.75, np.float32), "hi")
shape = numpy_helper.from_array(np.array([1, 4 * 6 * 6], np.int64), "shape")
w3 = numpy_helper.from_array(rng.standard_normal((144, 10)).astype(np.float32) * 0.1, "w3")
nodes = [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
    helper.make_node("LeakyRelu", ["c1"], ["a1"], alpha=0.2),
    helper.make_node("Conv", ["a1", "w2"], ["c2"], pads=[1, 1, 1, 1]),
    helper.make_node("Clip", ["c2", "lo", "hi"], ["a2"]),
    helper.make_node("Reshape", ["a2", "shape"], ["r"]),
    helper.make_node("MatMul", ["r", "w3"], ["m"]),
    helper.make_node("LeakyRelu", ["m"], ["y"], alpha=0.05),
]
graph = helper.make_graph(
    nodes, "conv_leaky_clip",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 6, 6])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
    [w1, b1, w2, lo, hi, shape, w3])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="onnxc scripts/make_act_model.py")
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, "tests/models/conv_leaky_clip.onnx")
