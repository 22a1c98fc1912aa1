"""torch's own export of Conv1d(padding_mode='circular'), for tests/zoo/export-check.test.ts.

Usage: python3 export_torch_circular.py EXPECTED_NPZ OUT_ONNX. The zoo's conv1d_circular row writes its circular
padding out (zoo_models.CircularConv1d); this script builds the same network with padding_mode='circular', checks
in torch that both are one module (the same parameter names, shapes and seeded values, and, loaded with the zoo
export's weights, the same output on the zoo's export input, EXPECTED_NPZ's conv1d_circular.x/.y), then writes
torch 1.13's export of it to OUT_ONNX exactly as export_zoo.py exports the zoo's (opset 17, dynamic batch, x → y).
Prints {"parameters": [...], "max_abs": ...} (max |module − zoo module| on that input).
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'orchestrator', 'zoo'))
from zoo_models import CircularConv1d  # noqa: E402


class TorchCircularConv1d(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv1d(2, 8, 5, padding=2, padding_mode='circular')
        self.c2 = torch.nn.Conv1d(8, 1, 3, padding=1, padding_mode='circular')

    def forward(self, x):
        return self.c2(torch.tanh(self.c1(x)))


expected_npz, out_onnx = sys.argv[1:]
torch.manual_seed(0)
zoo = CircularConv1d()
torch.manual_seed(0)
module = TorchCircularConv1d()
zoo_state, state = zoo.state_dict(), module.state_dict()
if list(zoo_state) != list(state) or not all(torch.equal(zoo_state[k], state[k]) for k in state):
    sys.exit(f'the zoo module\'s parameters {list(zoo_state)} are not those of padding_mode=circular: {list(state)}')
expected = np.load(expected_npz)
x = torch.from_numpy(expected['conv1d_circular.x'])
with torch.no_grad():
    y = module.eval()(x)
max_abs = float(np.abs(y.numpy() - expected['conv1d_circular.y']).max())
torch.onnx.export(module, x, out_onnx, opset_version=17, input_names=['x'], output_names=['y'],
                  dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}})
print(json.dumps({'parameters': list(state), 'max_abs': max_abs}))
