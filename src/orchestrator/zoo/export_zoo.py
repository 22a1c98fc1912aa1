"""Exports the models of `tandem zoo` with torch.onnx.export, as a user of torch 1.13 and torchvision 0.14 would.

Usage: python3 export_zoo.py OUT_DIR BATCH NAME... (NAME from zoo_models.MODELS; `--list` prints the names).
Writes OUT_DIR/<name>.onnx; OUT_DIR/expected.npz with each model's export input (<name>.x) and what the torch module
itself returns for it in eval mode (<name>.y); and OUT_DIR/manifest.json: per model, what it is,
its input and output (shape with the batch first, dtype, dims), its parameter count, and the export's error instead
when torch could not export it.
Every export has a dynamic batch axis; parameters are torch's own initialization, seeded per model.
"""
import json
import sys
import time
import warnings

import numpy as np
import torch

from zoo_models import MODELS


def example(model, batch):
    if model.tokens:
        return torch.randint(0, model.tokens, (batch, *model.input))
    return torch.rand(batch, *model.input) * 2 - 1


def calibrate_batchnorm(module, x):
    """Running statistics as a trained model has them: those of one seeded batch (momentum None averages the
    batches seen, here one). At torchvision's initial ones (mean 0, variance 1) eval-mode activations vanish with
    depth (mobilenet_v2's outputs 5e-8, efficientnet's 1e-11), and parity would compare numbers below every tolerance."""
    norms = [m for m in module.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    module.train()
    with torch.no_grad():
        module(x)
    for m in norms:
        m.momentum = 0.1


def export(model, out_dir, batch, expected):
    torch.manual_seed(0)
    module = model.build()
    calibrate_batchnorm(module, example(model, 16))
    x = example(model, batch)
    mode = torch.onnx.TrainingMode.TRAINING if model.training else torch.onnx.TrainingMode.EVAL
    module.train(model.training)
    started = time.perf_counter()
    options = {'opset_version': 17, **model.export}
    if model.training:
        # A training export keeps BatchNormalization's running-statistics outputs; folding would drop them.
        options['do_constant_folding'] = False
    torch.onnx.export(module, x, f'{out_dir}/{model.name}.onnx', input_names=['x'], output_names=['y'], training=mode,
                      dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}}, **options)
    # tandem's forward runs in inference mode (a training-mode export's BatchNorm with the running statistics the
    # file holds: those after the export's own forward pass), which is what model.eval() computes now.
    with torch.no_grad():
        y = module.eval()(x)
    expected[f'{model.name}.x'] = x.numpy()
    expected[f'{model.name}.y'] = y.numpy()
    return {
        'input': {'shape': list(x.shape), 'dtype': 'int64' if model.tokens else 'float32', 'dims': list(model.dims), **({'tokens': model.tokens} if model.tokens else {})},
        'output': {'shape': list(y.shape), 'dims': list(model.output_dims)},
        'parameters': sum(p.numel() for p in module.parameters()),
        'opset': options['opset_version'],
        'seconds': round(time.perf_counter() - started, 3),
    }


def main():
    if sys.argv[1:] == ['--list']:
        print(json.dumps([{'name': m.name, 'what': m.what} for m in MODELS]))
        return
    out_dir, batch, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    by_name = {m.name: m for m in MODELS}
    manifest = {'torch': torch.__version__, 'models': []}
    expected = {}
    for name in names:
        model = by_name[name]
        entry = {'name': name, 'what': model.what, 'training': model.training}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                entry.update(export(model, out_dir, batch, expected))
        except Exception as e:  # an export torch refuses is a row of the table, not the end of the zoo
            entry['error'] = f'{type(e).__name__}: {e}'
        manifest['models'].append(entry)
        print(f'exported {name}', file=sys.stderr, flush=True)
    np.savez(f'{out_dir}/expected.npz', **expected)
    with open(f'{out_dir}/manifest.json', 'w') as f:
        json.dump(manifest, f, indent=2)


main()
