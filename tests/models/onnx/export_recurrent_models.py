"""Exports nn.LSTM, nn.GRU and nn.RNN (forward and bidirectional), for recurrent.test.ts and parity-cli.test.ts.

Usage: python3 export_recurrent_models.py OUT_DIR. Writes <name>.onnx (opset 17, dynamic batch, batch_first input
[batch, 6, 3]) and expected.npz with each example input (<name>.x) and the torch module's own output (<name>.y).
"""
import sys

import numpy as np
import torch

torch.manual_seed(0)
out = sys.argv[1]


class Recurrent(torch.nn.Module):
    """The recurrent layer's output sequence, then a Linear head on each step."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer
        self.head = torch.nn.Linear(layer.hidden_size * (2 if layer.bidirectional else 1), 2)

    def forward(self, x):
        return self.head(self.layer(x)[0])


models = [
    ('lstm', Recurrent(torch.nn.LSTM(3, 5, batch_first=True))),
    ('lstm2bi', Recurrent(torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True))),
    ('gru', Recurrent(torch.nn.GRU(3, 5, bidirectional=True, batch_first=True))),
    ('rnn', Recurrent(torch.nn.RNN(3, 5, nonlinearity='relu', batch_first=True))),
]
expected = {}
for name, module in models:
    module.eval()
    x = torch.rand(4, 6, 3) * 2 - 1
    torch.onnx.export(module, x, f'{out}/{name}.onnx', opset_version=17, input_names=['x'], output_names=['y'],
                      dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}})
    with torch.no_grad():
        expected[f'{name}.x'] = x.numpy()
        expected[f'{name}.y'] = module(x).numpy()
np.savez(f'{out}/expected.npz', **expected)
