"""Exports an MLP with nn.Dropout(0.2) in training mode (run with Debian's /usr/bin/python3), for dropout.test.ts.

Usage: python3 export_dropout_model.py OUT_DIR. Writes dropout_mlp.onnx (x: float[batch, 2] -> y: float[batch, 1]),
whose Dropout nodes carry training_mode true, and expected.npz with the example input (dropout_mlp.x) and the
module's output in eval() (dropout_mlp.y: Dropout the identity), which tandem computes when no mask is fed.
Also dropout_step.onnx (x: float[batch, 2] -> y: float[batch, 2], one nn.Dropout(0.2)): a step model a rollout
loss applies to its own output, so one loss calls the training-mode Dropout several times.
"""
import sys

import numpy as np
import torch

torch.manual_seed(0)
out = sys.argv[1]

mlp = torch.nn.Sequential(
    torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Dropout(0.2),
    torch.nn.Linear(16, 16), torch.nn.Tanh(), torch.nn.Dropout(0.2),
    torch.nn.Linear(16, 1),
)
x = torch.rand(8, 2) * 2 - 1
mlp.train()
torch.onnx.export(mlp, x, f'{out}/dropout_mlp.onnx', opset_version=13, input_names=['x'], output_names=['y'],
                  dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}}, training=torch.onnx.TrainingMode.TRAINING,
                  do_constant_folding=False)
step = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Dropout(0.2), torch.nn.Linear(16, 2))
step.train()
torch.onnx.export(step, x, f'{out}/dropout_step.onnx', opset_version=13, input_names=['x'], output_names=['y'],
                  dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}}, training=torch.onnx.TrainingMode.TRAINING,
                  do_constant_folding=False)
mlp.eval()
with torch.no_grad():
    np.savez(f'{out}/expected.npz', **{'dropout_mlp.x': x.numpy(), 'dropout_mlp.y': mlp(x).numpy()})
