"""Exports torchvision image classifiers as a user would, for the parity vision test (tests/parity/vision.test.ts).

Usage: python3 export_vision.py OUT_DIR [NAME ...] (default: squeezenet1_0 squeezenet1_1). Each NAME is a
torchvision.models constructor, built with 4 classes and torch's own initialization (seed 0), put in eval mode
(dropout off; a BatchNorm folds into its convolution) and exported by torch.onnx.export for x [4, 3, 32, 32] ->
y_hat [4, 4], as NAME.onnx. NAME:train exports in training mode instead (opset 17: BatchNorm with batch statistics
and running-statistics buffers), as NAME_train.onnx. The files are torch's export, unmodified.
"""
import sys

import torch
import torchvision

BATCH, CLASSES, SIZE = 4, 4, 32

for arg in sys.argv[2:] or ["squeezenet1_0", "squeezenet1_1"]:
    name, _, mode = arg.partition(":")
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(num_classes=CLASSES)
    train = mode == "train"
    model.train(train)
    path = f"{sys.argv[1]}/{name}{'_train' if train else ''}.onnx"
    torch.onnx.export(model, torch.randn(BATCH, 3, SIZE, SIZE), path, opset_version=17 if train else 14, input_names=["x"], output_names=["y_hat"],
                      do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING if train else torch.onnx.TrainingMode.EVAL)
