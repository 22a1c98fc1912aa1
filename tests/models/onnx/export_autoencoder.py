"""Exports a small PtychoPINN-style autoencoder (its ptycho_torch model's structure at toy size), for parity-cli.test.ts.

Usage: python3 export_autoencoder.py OUT_DIR. Writes autoencoder.onnx (opset 17, dynamic batch). The decoder pads
by amounts computed from shapes, as the original does, so the export holds Shape → Sub → ConstantOfShape → Concat
→ Slice (step -1) → Cast chains that only fold once the input shape is bound.
"""
import math
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(0)


class Autoencoder(torch.nn.Module):
    """Conv encoder; a decoder padded back to half the input size; amplitude (sigmoid) and phase (π·tanh) heads."""

    def __init__(self, c=4):
        super().__init__()
        self.enc1 = torch.nn.Conv2d(1, c, 3, padding=1)
        self.enc2 = torch.nn.Conv2d(c, 2 * c, 3, padding=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.up = torch.nn.ConvTranspose2d(2 * c, c, 2, stride=2)
        self.amp = torch.nn.Conv2d(c, 1, 3, padding=1)
        self.phase = torch.nn.Conv2d(c, 1, 3, padding=1)

    def forward(self, x):
        h = self.pool(torch.relu(self.enc1(x)))
        h = self.pool(torch.relu(self.enc2(h)))
        d = torch.relu(self.up(h))
        # 10 → 5 → 2 → 4: pad back to 5 (half the input), split as evenly as possible.
        dh = x.shape[-2] // 2 - d.shape[-2]
        dw = x.shape[-1] // 2 - d.shape[-1]
        d = F.pad(d, (dw // 2, dw - dw // 2, dh // 2, dh - dh // 2))
        d = F.interpolate(d, scale_factor=2, mode='nearest')
        amplitude = torch.sigmoid(self.amp(d))
        phase = math.pi * torch.tanh(self.phase(d))
        return torch.cat([amplitude, phase], 1)


model = Autoencoder().eval()
torch.onnx.export(model, torch.rand(4, 1, 10, 10), f'{sys.argv[1]}/autoencoder.onnx', opset_version=17,
                  input_names=['x'], output_names=['y'], dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}})
