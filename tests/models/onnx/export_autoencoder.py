"""Exports a small PtychoPINN-style autoencoder (its ptycho_torch model's structure at toy size), for parity-cli.test.ts.

Usage: python3 export_autoencoder.py OUT_DIR. Writes autoencoder.onnx (opset 17, dynamic batch). The module is the
zoo's (src/orchestrator/zoo/zoo_models.py, `tandem zoo` row ptycho_autoencoder). Its decoder pads by amounts
computed from shapes, as the original does, so the export holds Shape → Sub → ConstantOfShape → Concat → Slice
(step -1) → Cast chains that only fold once the input shape is bound.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'src', 'orchestrator', 'zoo'))
from zoo_models import Autoencoder  # noqa: E402

torch.manual_seed(0)
model = Autoencoder().eval()
torch.onnx.export(model, torch.rand(4, 1, 10, 10), f'{sys.argv[1]}/autoencoder.onnx', opset_version=17,
                  input_names=['x'], output_names=['y'], dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}})
