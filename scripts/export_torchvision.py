#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Export a torchvision model with random weights to ONNX, for compile-cost runs.

usage: /usr/bin/python3 scripts/export_torchvision.py NAME OUT.onnx
NAME is a torchvision.models constructor (resnet18, resnet50, vgg16 ...);
weights=None, torch.manual_seed(0), input x f32[1,3,224,224], output y, opset 13.
"""
import sys

import torch
import torchvision

name, out = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
model = getattr(torchvision.models, name)(weights=None).eval()
x = torch.randn(1, 3, 224, 224)
torch.onnx.export(model, x, out, input_names=["x"], output_names=["y"], opset_version=13)
