"""DFT (opset 17) through torch.fft. Complex values travel as a trailing axis of 2, as ONNX does; they
become torch complex tensors only inside this op, so autograd sees torch.fft's own derivatives."""
import torch


def DFT(x, a):
    t = x[0]
    length = int(x[1].flatten()[0]) if len(x) > 1 and x[1] is not None else None
    r = t.dim()
    axis = a.get("axis", 1) % r
    if axis == r - 1:
        raise ValueError("DFT axis cannot be the trailing real/complex axis")
    inverse, onesided = a.get("inverse", 0), a.get("onesided", 0)
    real_in = t.shape[-1] == 1
    sig = t[..., 0] if real_in else torch.complex(t[..., 0], t[..., 1])
    if inverse and onesided:
        # irfft: a half spectrum in, a real signal of dft_length (default 2·(bins−1)) out.
        y = torch.fft.irfft(sig, n=length, dim=axis)
        return y.unsqueeze(-1)
    if onesided:
        y = torch.fft.rfft(sig, n=length, dim=axis) if real_in else torch.fft.fft(sig, n=length, dim=axis)
        if not real_in:
            y = y.narrow(axis, 0, y.shape[axis] // 2 + 1)
    else:
        y = (torch.fft.ifft if inverse else torch.fft.fft)(sig, n=length, dim=axis)
    return torch.view_as_real(y)


OPS = {"DFT": DFT}
