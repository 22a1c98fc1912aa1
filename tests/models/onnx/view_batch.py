"""The module both export scripts export: x.view(x.size(0), -1). Exported with a dynamic batch it becomes Shape,
Gather, Unsqueeze, Concat → Reshape (export_folding_models.py); exported statically, a Reshape to the constant
[8, -1] with the export batch baked in (export_torch_models.py)."""
import torch


class ViewBatch(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(12, 2)

    def forward(self, x):
        return self.fc(x.view(x.size(0), -1))
