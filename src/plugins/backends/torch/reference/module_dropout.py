"""tandem's Dropout masks inside the user's module (torch-module reference, specs/torch-reference.md §9).

tandem draws each training step's Dropout mask itself and feeds it as the graph input `<node>/mask`
(contracts/dropout-masks.ts), so every backend computes one function. The module must drop the same elements:
each mask is paired with the nn.Dropout submodule of its node's export scope (`/drop/Dropout/mask` ↔ `drop`,
as submodule localization pairs scopes), and that submodule's forward is replaced by one that keeps exactly the
elements the mask keeps and scales them by the module's own 1/(1−p) (a port with another p therefore differs, as
it should). tandem's graph applies whatever mask it is fed, in every stage (the forward and loss stages feed step
1's masks, as the graph reference does), so the replacement follows the mask, not train()/eval(): the ones mask
tandem feeds in evaluation and inference makes it the identity, as eval() makes nn.Dropout.
"""
import contextlib
import types

import torch
import torch.nn.functional as F

from errors import RequestError
from user_module import scope_path


def pair_dropout_masks(module, masks, label):
    """Installs the mask-applying forward on every nn.Dropout; returns {mask name: submodule path}. A mask whose
    scope is not an nn.Dropout, or a training nn.Dropout (p > 0) without a mask, is refused: torch's own random
    dropout there would make every training stage differ by chance."""
    dropouts = {path: sub for path, sub in module.named_modules() if isinstance(sub, torch.nn.Dropout)}
    listing = ", ".join(_quoted(dropouts)) or "none"
    masks_of = {}
    for name in masks:
        path = scope_path(name[: -len("/mask")] if name.endswith("/mask") else name)
        if path not in dropouts:
            found = type(module.get_submodule(path)).__name__ if path and _has_submodule(module, path) else None
            what = f'is a {found}, not an nn.Dropout' if found else "is not a submodule of the module"
            raise RequestError(
                f'{label}: the graph\'s Dropout mask "{name}" belongs to scope "{path or "(top level)"}", which {what} '
                f"(the module's nn.Dropout submodules: {listing}); tandem feeds each training-mode Dropout its mask, "
                f"and only an nn.Dropout submodule can take it: use nn.Dropout instead of functional dropout"
            )
        masks_of.setdefault(path, []).append(name)
    lacking = [p for p, d in dropouts.items() if p not in masks_of and d.p > 0]
    if lacking:
        raise RequestError(
            f'{label}: nn.Dropout {", ".join(_quoted(lacking))} has no mask among the graph\'s inputs '
            f'({", ".join(masks) or "none"}), so its training-mode output cannot be made equal to tandem\'s; '
            f"the module must be the one the graph was exported from (or its Dropout named as in the graph's scopes)"
        )
    for path, names in masks_of.items():
        d = dropouts[path]
        d.tandem_mask_names, d.tandem_masks, d.tandem_calls = names, [], 0
        d.forward = types.MethodType(_masked_forward(path, names, label), d)
    return {n: p for p, names in masks_of.items() for n in names}


def set_masks(module, feeds):
    """Hands each paired nn.Dropout this evaluation's masks (its calls take them in graph order)."""
    for sub in module.modules():
        if hasattr(sub, "tandem_masks"):
            sub.tandem_masks = [feeds.get(n) for n in sub.tandem_mask_names]
            sub.tandem_calls = 0


# Dropout torch would draw itself: F.dropout and its relatives (input, p, training, ...), torch.dropout (input, p, train).
_RANDOM_DROPOUTS = [(F, n) for n in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout") if hasattr(F, n)] + [(torch, "dropout")]


@contextlib.contextmanager
def refuse_random_dropout(label):
    """While the module runs: a training-mode dropout outside the paired nn.Dropout submodules (functional dropout)
    is refused, since tandem cannot feed it a mask and its random elements would make every stage differ by chance
    (and a float64 run of it would be another draw, so no arbiter could judge it)."""
    originals = [(owner, name, getattr(owner, name)) for owner, name in _RANDOM_DROPOUTS]

    def guard(name, original):
        def call(input, *args, **kwargs):
            p = args[0] if args else kwargs.get("p", 0.5)
            training = args[1] if len(args) > 1 else kwargs.get("training", kwargs.get("train", True))
            if training and p > 0:
                raise RequestError(
                    f"{label}: the module's forward calls {name}(p={p}) in training mode outside its nn.Dropout submodules; "
                    f"tandem feeds each training-mode Dropout its mask (drawn from the seed) and can hand it only to an nn.Dropout "
                    f"submodule the graph's Dropout node is scoped under: use an nn.Dropout submodule (self.drop = nn.Dropout(p); self.drop(x))"
                )
            return original(input, *args, **kwargs)
        return call

    for owner, name, original in originals:
        setattr(owner, name, guard(name, original))
    try:
        yield
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def _quoted(names):
    return [f'"{n}"' for n in names]


def _has_submodule(module, path):
    try:
        module.get_submodule(path)
        return True
    except AttributeError:
        return False


def _masked_forward(path, names, label):
    def forward(self, x):
        call = self.tandem_calls
        self.tandem_calls += 1
        if call >= len(names):
            raise RequestError(f'{label}: nn.Dropout "{path}" ran {call + 1} times in one forward, but the graph has {len(names)} mask(s) for it ({", ".join(names)})')
        mask = self.tandem_masks[call]
        if mask is None:
            raise RequestError(f'{label}: no Dropout mask "{names[call]}" was fed for nn.Dropout "{path}"')
        # Ones are tandem's evaluation mask (a drawn one with p > 0 is never all ones): the identity, as in eval().
        # They come in the program's batch shape, whatever batch size the evaluation runs.
        if bool((mask == 1).all()):
            return x
        if tuple(mask.shape) != tuple(x.shape):
            raise RequestError(f'{label}: nn.Dropout "{path}" gets an input of shape {list(x.shape)}, its mask "{names[call]}" has {list(mask.shape)}')
        if self.p >= 1:
            return x * 0
        return x * torch.where(mask != 0, x.new_tensor(1 / (1 - self.p)), x.new_tensor(0.0))

    return forward
