"""Independent check of the ptycho simulator (specs/ptycho.md §1): classical gradient ptychography in torch.

Reads a RawData .npz written by tandem's simulator, optimises the object pixels directly (no network) under the
documented forward model, counts = photon_scale · |fftshift(fft2(P · O_patch))|² / N², with the Poisson NLL, and
prints the amplitude and phase MAE against objectGuess (global phase removed) over the scanned interior as JSON.
If the simulator's conventions (fftshift, scale, x = column, patch origin) disagreed with the documented model, the
data would not be reproducible by any object and the errors would stay large.
"""
import json
import sys

import numpy as np
import torch

z = np.load(sys.argv[1], allow_pickle=False)
iterations = int(sys.argv[2])
meta = json.loads(str(z["__meta__"]))
counts = torch.tensor(z["diff3d"], dtype=torch.float64) ** 2
probe = torch.tensor(z["probeGuess"].astype(np.complex128))
truth = z["objectGuess"].astype(np.complex128)
n, size = probe.shape[0], truth.shape[0]
scale = meta["attrs"]["photon_scale"]
rows = torch.tensor(np.round(z["ycoords"]).astype(int) - n // 2)
cols = torch.tensor(np.round(z["xcoords"]).astype(int) - n // 2)
k = torch.arange(n)
r_index = (rows[:, None] + k[None, :])[:, :, None]
c_index = (cols[:, None] + k[None, :])[:, None, :]

re = torch.ones(size, size, dtype=torch.float64, requires_grad=True)
im = torch.zeros(size, size, dtype=torch.float64, requires_grad=True)
opt = torch.optim.Adam([re, im], lr=0.02)
for _ in range(iterations):
    patches = torch.complex(re, im)[r_index, c_index]
    far = torch.fft.fftshift(torch.fft.fft2(probe * patches), dim=(-2, -1))
    rate = scale * far.abs() ** 2 / n**2
    loss = (rate - counts * torch.log(rate + 1e-8)).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()

obj = torch.complex(re, im).detach().numpy()
inner = np.zeros((size, size), bool)
inner[n // 2 : size - n // 2, n // 2 : size - n // 2] = True
aligned = obj * np.exp(-1j * np.angle((obj[inner] * np.conj(truth[inner])).sum()))
print(json.dumps({
    "amplitude_mae": float(np.abs(np.abs(aligned) - np.abs(truth))[inner].mean()),
    "phase_mae": float(np.abs(np.angle(aligned * np.conj(truth)))[inner].mean()),
}))
