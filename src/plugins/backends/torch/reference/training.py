"""torch.optim and torch.optim.lr_scheduler driven by tandem's option sections.

Option keys are torch's keyword arguments (src/train/optimizers/optimizer-options.ts and
src/train/schedules/schedule-options.ts were written so), so they pass through; only `name` is mapped.
"""
import torch
from torch.optim import lr_scheduler as L

from errors import RequestError

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "lbfgs": torch.optim.LBFGS}


def make_optimizer(params, opts):
    opts = dict(opts)
    name = opts.pop("name", None)
    if name not in OPTIMIZERS:
        raise RequestError(f'unknown optimizer "{name}"; the torch reference knows {", ".join(OPTIMIZERS)}')
    if "betas" in opts:
        opts["betas"] = tuple(opts["betas"])
    try:
        return OPTIMIZERS[name](params, **opts)
    except TypeError as e:
        raise RequestError(f'optimizer "{name}": torch.optim.{OPTIMIZERS[name].__name__} rejected the options {opts}: {e}') from e


def make_schedule(opt, c):
    if c is None:
        return None
    n = c["name"]
    kw = {k: v for k, v in c.items() if k != "name"}
    if n == "constant":
        return None
    if n == "exponential":
        return L.ExponentialLR(opt, **kw)
    if n == "step":
        return L.StepLR(opt, **kw)
    if n == "multistep":
        return L.MultiStepLR(opt, **kw)
    if n == "cosine":
        return L.CosineAnnealingLR(opt, **kw)
    if n == "linear":
        return L.LinearLR(opt, **kw)
    if n == "sequential":
        children = [make_schedule(opt, s) or L.ConstantLR(opt, factor=1.0, total_iters=0) for s in kw["schedules"]]
        return L.SequentialLR(opt, children, kw["milestones"])
    if n == "plateau":
        return L.ReduceLROnPlateau(opt, **kw)
    raise RequestError(f'unknown LR schedule "{n}"; the torch reference knows constant, exponential, step, multistep, cosine, linear, sequential, plateau')


class Trainer:
    """Parameters as torch leaves, one optimizer and one scheduler; each step evaluates the composite loss.
    Buffers (BatchNorm running statistics) are fed like parameters but never trained: a step sets each to the
    graph output `buffer_updates` names, as computed by torch's own batch_norm in that step's forward pass."""

    def __init__(self, model, params, loss, optimizer, schedule=None, clip=None, buffers=None, buffer_updates=None):
        self.model = model
        self.loss_name = loss
        self.params = {k: v.detach().clone().requires_grad_(True) for k, v in params.items()}
        self.buffers = {k: v.detach().clone() for k, v in (buffers or {}).items()}
        self.buffer_updates = dict(buffer_updates or {})
        missing = [k for k in self.buffers if k not in self.buffer_updates]
        if missing:
            raise RequestError(f'train_init: buffer(s) {", ".join(missing)} have no update output (buffer_updates)')
        self.opt = make_optimizer(list(self.params.values()), optimizer)
        if self.buffers and isinstance(self.opt, torch.optim.LBFGS):
            raise RequestError("L-BFGS evaluates the loss several times per step, and each evaluation would move the running "
                               "statistics again; train models with buffers (BatchNorm in training mode) with a first-order optimizer")
        self.sched = make_schedule(self.opt, schedule)
        self.clip = clip
        self.steps = 0

    def evaluate(self, feeds):
        return self.model.evaluate({**feeds, **self.buffers, **self.params})

    def step(self, feeds, advance_schedule=True, lr=None, step_index=None):
        """One optimizer update on one batch. Returns the loss and every scalar graph output before the update,
        the LR used and the grad norm. `lr` overrides the group's LR (a host-side schedule drives it);
        `step_index` (1-based) sets torch's per-parameter state['step'] first, as tandem's step input does."""
        record = {}
        if lr is not None:
            for group in self.opt.param_groups:
                group["lr"] = lr
        if step_index is not None:
            self._align_step(step_index)

        def closure():
            self.opt.zero_grad()
            env = self.evaluate(feeds)
            loss = env[self.loss_name]
            loss.backward()
            if self.clip:
                record.setdefault("grad_norm", float(torch.nn.utils.clip_grad_norm_(list(self.params.values()), self.clip["max_norm"])))
            if "loss" not in record:
                record["buffers"] = {k: env[out].detach().clone() for k, out in self.buffer_updates.items()}
                record["loss"] = float(loss)
                record["values"] = {k: float(env[k]) for k in self.model.outputs if env[k].numel() == 1 and env[k].is_floating_point()}
            return loss

        lr = self.opt.param_groups[0]["lr"]
        if isinstance(self.opt, torch.optim.LBFGS):
            self.opt.step(closure)
        else:
            closure()
            self.opt.step()
        self.buffers.update(record["buffers"])
        self.steps += 1
        if self.sched is not None and advance_schedule:
            if isinstance(self.sched, L.ReduceLROnPlateau):
                self.sched.step(record["loss"])
            else:
                self.sched.step()
        return {"loss": record["loss"], "values": record["values"], "lr": lr, "grad_norm": record.get("grad_norm")}

    def _align_step(self, k):
        """Makes this update torch's number k: no state before update 1 (torch creates it lazily, and SGD's first
        momentum buffer is the gradient itself), and Adam's per-parameter step = k − 1 before later updates."""
        adam = isinstance(self.opt, (torch.optim.Adam, torch.optim.AdamW))
        for p in self.params.values():
            if k == 1:
                self.opt.state.pop(p, None)
            elif adam:
                st = self.opt.state[p]
                keys = ["exp_avg", "exp_avg_sq"] + (["max_exp_avg_sq"] if self.opt.param_groups[0]["amsgrad"] else [])
                for key in keys:
                    st.setdefault(key, torch.zeros_like(p, memory_format=torch.preserve_format))
                st["step"] = torch.tensor(float(k - 1))

    def state(self):
        """Parameters by name, optimizer slots as `<param>/<slot>` (torch's state keys), buffers by name, and the step count."""
        slots = {}
        for name, p in self.params.items():
            for key, v in self.opt.state.get(p, {}).items():
                if torch.is_tensor(v) and key != "step" and v.shape == p.shape:
                    slots[f"{name}/{key}"] = v
        return {"params": dict(self.params), "slots": slots, "buffers": dict(self.buffers), "step": self.steps, "lr": self.opt.param_groups[0]["lr"]}

    def set_state(self, params, slots, step, buffers=None):
        for k, v in (buffers or {}).items():
            if k not in self.buffers:
                raise RequestError(f'set_state: "{k}" is not a buffer; buffers are {", ".join(self.buffers) or "(none)"}')
            self.buffers[k] = v.detach().clone()
        with torch.no_grad():
            for k, v in params.items():
                if k not in self.params:
                    raise RequestError(f'set_state: "{k}" is not a parameter; parameters are {", ".join(self.params)}')
                self.params[k].copy_(v)
        for key, v in slots.items():
            pname, _, slot = key.rpartition("/")
            if pname not in self.params:
                raise RequestError(f'set_state: slot "{key}" names no parameter; parameters are {", ".join(self.params)}')
            self.opt.state[self.params[pname]][slot] = v.clone()
        if step is not None:
            self.steps = step
            if not isinstance(self.opt, torch.optim.SGD):
                for p in self.params.values():
                    if self.opt.state.get(p):
                        # torch 1.13 keeps Adam's per-parameter step as a float tensor.
                        self.opt.state[p]["step"] = torch.tensor(float(step))
