"""Exports BatchNorm models in TRAINING mode (torch.onnx.TrainingMode.TRAINING, opset 17) for the buffer tests.

Usage: python3 export_batchnorm_models.py OUT_DIR [resnet18]. Writes convbn.onnx (Conv → BatchNorm2d → ReLU →
Linear, batch 4), convbn_fixed.onnx (the same with the batch of 4 baked in), linearbn.onnx (Linear →
BatchNorm1d → Tanh → Linear) and expected.npz with, for one example batch, what the torch module itself
computes in train mode: the output (convbn.y) and the running statistics after that forward
(convbn.running_mean/var), plus its eval-mode output with those statistics (convbn.y_eval). With `resnet18`,
also torchvision's resnet18 (32x32, 10 classes, batch 4). Exporting in training mode runs the module once,
which moves its running statistics before the file is written; the expected values are computed afterwards,
from the state the file holds.
"""
import sys

import numpy as np
import torch

torch.manual_seed(0)
out = sys.argv[1]


class ConvBn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        # No bias before the BatchNorm, as torchvision writes it: the normalization would cancel it, leaving it an
        # exactly-zero gradient that only float64 can tell from rounding noise.
        self.conv = torch.nn.Conv2d(2, 3, 3, padding=1, bias=False)
        self.bn = torch.nn.BatchNorm2d(3, momentum=0.2)
        self.fc = torch.nn.Linear(3 * 6 * 6, 3)

    def forward(self, x):
        return self.fc(torch.flatten(torch.relu(self.bn(self.conv(x))), 1))


class ConvBnFixedBatch(ConvBn):
    """The same layers with the batch baked into the export (a literal reshape to 4 samples)."""

    def forward(self, x):
        return self.fc(torch.relu(self.bn(self.conv(x))).reshape(4, -1))


def export(name, module, x):
    module.train()
    torch.onnx.export(module, x, f"{out}/{name}.onnx", opset_version=17, training=torch.onnx.TrainingMode.TRAINING,
                      do_constant_folding=False, input_names=["x"], output_names=["y"])


class LinearBn(torch.nn.Module):
    """BatchNorm1d on [N, C]: a batch of one has one value per channel."""

    def __init__(self):
        super().__init__()
        self.fc1, self.bn, self.fc2 = torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.Linear(3, 2)

    def forward(self, x):
        return self.fc2(torch.tanh(self.bn(self.fc1(x))))


convbn = ConvBn()
# Statistics that are not torch's defaults (0 and 1), so an update that ignores the old value shows.
with torch.no_grad():
    convbn.bn.running_mean.uniform_(-0.5, 0.5)
    convbn.bn.running_var.uniform_(0.5, 1.5)
export("convbn", convbn, torch.randn(4, 2, 6, 6))
x = torch.randn(4, 2, 6, 6)
export("convbn_fixed", ConvBnFixedBatch(), x)
export("linearbn", LinearBn(), torch.randn(4, 4))
expected = {"convbn.x": x}
with torch.no_grad():
    expected["convbn.y"] = convbn(x)
    expected["convbn.running_mean"] = convbn.bn.running_mean.clone()
    expected["convbn.running_var"] = convbn.bn.running_var.clone()
    convbn.eval()
    expected["convbn.y_eval"] = convbn(x)

if "resnet18" in sys.argv[2:]:
    # Only the file: the test checks what tandem imports from it, and parity of resnet18 belongs to the zoo.
    import torchvision
    resnet = torchvision.models.resnet18(num_classes=10)
    export("resnet18", resnet, torch.randn(4, 3, 32, 32))

np.savez(f"{out}/expected.npz", **{k: v.numpy().astype(np.float32) for k, v in expected.items()})
