"""Exports torchvision image classifiers as a user would, for the parity vision test (tests/parity/vision.test.ts).

Usage: python3 export_vision.py OUT_DIR [NAME ...] (default: squeezenet1_0 squeezenet1_1). Each NAME is a
torchvision.models constructor, built with 4 classes and torch's own initialization (seed 0), put in eval mode
(dropout off; a BatchNorm folds into its convolution) and exported by torch.onnx.export for x [4, 3, 32, 32] ->
y_hat [4, 4]. The files are torch's export, unmodified.
"""
import sys

import torch
import torchvision

BATCH, CLASSES, SIZE = 4, 4, 32

for name in sys.argv[2:] or ["squeezenet1_0", "squeezenet1_1"]:
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(num_classes=CLASSES).eval()
    path = f"{sys.argv[1]}/{name}.onnx"
    torch.onnx.export(model, torch.randn(BATCH, 3, SIZE, SIZE), path, opset_version=14, input_names=["x"], output_names=["y_hat"], do_constant_folding=False)
