"""Training: one visible loop (:func:`fit`), prediction, checkpoints and truncated BPTT.

``fit`` is a plain ``for`` loop over epochs and mini-batches::

    for epoch in range(epochs):
        for x, y in train_loader:                 # x: (N, L, H_in), y: (N, ...) targets
            loss = loss_fn(model(x), y)
            optimizer.zero_grad(); loss.backward()
            clip_grad_norm_(model.parameters(), clip_grad_norm)
            optimizer.step()
        val_loss = evaluate(model, val_loader, loss_fn)
        ...  # scheduler, early stopping, history

Everything else in this module is a helper around that loop.
"""

from __future__ import annotations

import contextlib
import copy
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import torch
from torch import nn

from tslab._checks import as_array, as_bool, as_float, as_int, as_path, as_type

__all__ = [
    "History",
    "LiveLossPlot",
    "fit",
    "evaluate",
    "predict",
    "save_checkpoint",
    "load_checkpoint",
    "detach_state",
    "tbptt_epoch",
]

Metric = Callable[[torch.Tensor, torch.Tensor], float]


# ---------------------------------------------------------------------------------------------
# history
# ---------------------------------------------------------------------------------------------
@dataclass
class History:
    """What happened in each epoch of :func:`fit` (one list entry per epoch run).

    Attributes:
        train_loss: mean training loss of the epoch (weights changing during the epoch).
        val_loss: validation loss after the epoch (empty without a validation loader).
        lr: learning rate used in the epoch (first parameter group).
        seconds: wall time of the epoch.
        grad_norm: largest gradient norm of the epoch, measured *before* clipping.
        metrics: name -> per-epoch values of each validation metric.
        best_epoch: 0-based epoch with the lowest validation loss (``None`` without validation).
        stopped_early: whether early stopping ended training before ``epochs``.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return len(self.train_loss)

    def as_dataframe(self):
        """One row per epoch: ``train_loss``, ``val_loss``, ``lr``, ``seconds``, ``grad_norm``, metrics."""
        import pandas as pd

        columns: dict[str, list[float]] = {"train_loss": self.train_loss}
        if self.val_loss:
            columns["val_loss"] = self.val_loss
        columns.update(lr=self.lr, seconds=self.seconds, grad_norm=self.grad_norm, **self.metrics)
        return pd.DataFrame(columns, index=pd.RangeIndex(self.epochs, name="epoch"))


# ---------------------------------------------------------------------------------------------
# live plot
# ---------------------------------------------------------------------------------------------
class LiveLossPlot:
    """A loss plot that redraws *in place* in a notebook: one output, two lines, new data.

    Each :meth:`update` moves the existing ``Line2D`` objects with ``set_data`` and replaces the
    one displayed image (``display_id``); it never stacks a new figure per epoch. Outside IPython
    (a script, a test) every method does nothing.

    Args:
        noise_floor: optional horizontal line (e.g. the noise variance in the loss's units).
    """

    def __init__(self, noise_floor: float | None = None):
        self.handle, noise_floor = None, None if noise_floor is None else as_float("noise_floor", noise_floor)
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:  # pragma: no cover - IPython ships with Jupyter
            return
        if get_ipython() is None:
            return
        import matplotlib.pyplot as plt

        self.fig, self.ax = plt.subplots(figsize=(6, 3.5))
        plt.close(self.fig)  # we display it ourselves; keep the inline backend from showing it twice
        (self.train_line,) = self.ax.plot([], [], label="train")
        (self.val_line,) = self.ax.plot([], [], label="validation")
        if noise_floor is not None:
            self.ax.axhline(noise_floor, color="gray", ls="--", label="noise floor")
        self.ax.set(xlabel="epoch", ylabel="loss", yscale="log")
        self.ax.legend()
        self.handle = display(self.fig, display_id=True)

    def update(self, history: History) -> None:
        """Show the losses recorded so far in ``history``."""
        if self.handle is None:
            return
        epochs = range(1, history.epochs + 1)
        self.train_line.set_data(epochs, history.train_loss)
        self.val_line.set_data(epochs[: len(history.val_loss)], history.val_loss)
        self.ax.relim()
        self.ax.autoscale_view()
        self.handle.update(self.fig)


# ---------------------------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------------------------
def _check_loader(loader: Any, name: str) -> None:
    # a tensor, an array or an (X, y) tuple is iterable too, but yields samples or halves, not batches
    if not isinstance(loader, Iterable) or isinstance(loader, (torch.Tensor, tuple)) or hasattr(loader, "__array__"):
        raise TypeError(
            f"{name} must be a DataLoader (or an iterable of (x, y) tensor batches), got {type(loader).__name__}: "
            "build one with tslab.data.make_loader(X, y)"
        )
    if hasattr(loader, "__len__") and len(loader) == 0:
        raise ValueError(f"{name} must yield at least one batch, got an empty loader")


def _check_optimizer_owns_model(optimizer: torch.optim.Optimizer, model: nn.Module) -> None:
    """The optimizer must update at least one of the model's parameters (not another model's)."""
    in_optimizer = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if not any(id(p) in in_optimizer for p in model.parameters()):
        raise ValueError("optimizer must be built on this model's parameters, e.g. "
                         "torch.optim.Adam(model.parameters()), got one over other parameters")


def _model_device(model: nn.Module) -> torch.device:
    param = next(model.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


def _model_dtype(model: nn.Module) -> torch.dtype:
    param = next(model.parameters(), None)
    return param.dtype if param is not None else torch.float32


def _resolve_device(model: nn.Module, device: torch.device | str | None) -> torch.device:
    """``device`` checked by :func:`tslab.device.get_device`; ``None``: the model's device."""
    if device is None:
        return _model_device(model)
    from tslab.device import get_device

    try:
        return get_device(device)
    except (TypeError, ValueError) as err:
        raise type(err)(f"device={device!r} cannot be used: {err}") from None


def _is_array_like(x: Any) -> bool:
    """A NumPy array or a nested list of numbers (not a list of batches)."""
    if isinstance(x, list):
        return not (x and isinstance(x[0], (torch.Tensor, tuple)))
    return not isinstance(x, torch.Tensor) and hasattr(x, "__array__")


def _check_finite_batch(x: Any, name: str, what: str = "x") -> None:
    if isinstance(x, torch.Tensor) and x.is_floating_point() and not torch.isfinite(x).all():
        raise ValueError(f"{name} yielded a batch {what} with NaN or inf values, expected finite values: "
                         "fill or drop missing values first")


def _check_targets(y_pred: torch.Tensor, y: torch.Tensor, loss_fn: Any = None, name: str = "loader") -> None:
    """Catch targets that do not fit the loss, e.g. the silent ``(N, 1)`` vs ``(N,)`` MSE broadcast."""
    if isinstance(loss_fn, nn.CrossEntropyLoss) and y_pred.ndim == 2:
        soft_labels = torch.is_floating_point(y) and y.shape == y_pred.shape and y_pred.shape[1] > 1  # probabilities
        if not soft_labels and (torch.is_floating_point(y) or y.ndim != 1):
            raise ValueError(
                f"{name}'s targets y for CrossEntropyLoss must be int64 class labels of shape (N,), got {y.dtype} "
                f"of shape {tuple(y.shape)} (convert with y.long().view(-1))"
            )
        return
    if (loss_fn is None or isinstance(loss_fn, nn.MSELoss)) and not torch.is_floating_point(y) \
            and y_pred.ndim == 2 and y_pred.shape[1] > 1:
        raise ValueError(
            f"{name}'s targets y are integers ({y.dtype}) and look like class labels, but loss_fn is MSELoss "
            f"with {y_pred.shape[1]} outputs: for classification pass loss_fn=nn.CrossEntropyLoss()"
        )
    if torch.is_floating_point(y) and y_pred.shape != y.shape:
        raise ValueError(
            f"{name}'s targets y must have the model output's shape {tuple(y_pred.shape)} for a regression loss, "
            f"got {tuple(y.shape)} (reshape y, e.g. y.view(-1, 1), or change output_size)"
        )


# ---------------------------------------------------------------------------------------------
# evaluation and prediction
# ---------------------------------------------------------------------------------------------
@torch.no_grad()
def _outputs(model: nn.Module, loader: Iterable, device: torch.device,
             name: str = "loader") -> tuple[torch.Tensor, torch.Tensor]:
    """All model outputs and targets of a loader, concatenated on the CPU."""
    model.eval()
    preds, targets = [], []
    for x, y in loader:
        _check_finite_batch(x, name), _check_finite_batch(y, name, "y (targets)")
        preds.append(model(x.to(device)).cpu())
        targets.append(y.cpu())
    if not preds:
        raise ValueError("loader must yield at least one batch, got none")
    return torch.cat(preds), torch.cat(targets)


def evaluate(
    model: nn.Module,
    loader: Iterable,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    device: torch.device | str | None = None,
) -> float:
    """Mean loss of ``model`` over ``loader`` (eval mode, no gradients).

    Args:
        model: any module mapping ``x`` to outputs.
        loader: iterable of ``(x, y)`` batches.
        loss_fn: a loss with ``reduction="mean"``; default ``nn.MSELoss()``.
        device: default: the device of the model's parameters.

    Returns:
        The loss over all samples (batch losses weighted by batch size).
    """
    as_type("model", model, nn.Module, "a torch.nn.Module")
    _check_loader(loader, "loader")
    if loss_fn is not None and not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    loss_fn = nn.MSELoss() if loss_fn is None else loss_fn
    device = _resolve_device(model, device)
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for x, y in loader:
            _check_finite_batch(x, "loader"), _check_finite_batch(y, "loader", "y (targets)")
            x, y = x.to(device), y.to(device)
            y_pred = model(x)
            _check_targets(y_pred, y, loss_fn, "loader")
            total += loss_fn(y_pred, y).item() * len(x)
            count += len(x)
    if count == 0:
        raise ValueError("loader must yield at least one batch, got none")
    return total / count


def predict(
    model: nn.Module,
    x_or_loader: torch.Tensor | Any,
    batch_size: int = 256,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Model outputs for a tensor/array of inputs or for a loader, in eval mode without gradients.

    Args:
        model: the trained model.
        x_or_loader: inputs ``(N, L, H_in)`` (tensor, NumPy array or nested list; cast to the
            model's dtype), or an iterable of ``(x, y)`` or ``x`` batches.
        batch_size: batch size used to split a tensor input.
        device: default: the device of the model's parameters.

    Returns:
        CPU tensor of outputs, e.g. ``(N, output_size)``.
    """
    as_type("model", model, nn.Module, "a torch.nn.Module")
    batch_size = as_int("batch_size", batch_size, 1)
    device = _resolve_device(model, device)
    if _is_array_like(x_or_loader) or isinstance(x_or_loader, (torch.Tensor, str)):
        x_or_loader = torch.as_tensor(as_array("x_or_loader", x_or_loader, range(1, 8), min_len=1), dtype=_model_dtype(model))
    if isinstance(x_or_loader, torch.Tensor):
        batches = x_or_loader.split(batch_size)
    else:
        _check_loader(x_or_loader, "x_or_loader")
        batches = (b[0] if isinstance(b, (tuple, list)) else b for b in x_or_loader)
    model.eval()
    with torch.no_grad():
        outputs = []
        for x in batches:
            _check_finite_batch(x, "x_or_loader")
            try:
                outputs.append(model(x.to(device)).cpu())
            except (TypeError, ValueError) as err:  # e.g. a wrong shape: name predict's own argument
                raise type(err)(f"x_or_loader: the model refused a batch of shape {tuple(x.shape)}: {err}") from err
    if not outputs:
        raise ValueError("x_or_loader must hold at least one sample, got none")
    return torch.cat(outputs)


@contextlib.contextmanager
def _seeded(seed: int | None):
    """Run a block under ``torch.manual_seed(seed)``, then put the global random state back.

    ``seed=None`` does nothing: the block draws from (and advances) the global state as usual.
    """
    if seed is None:
        yield
        return
    cpu = torch.get_rng_state()
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
    torch.manual_seed(seed)
    try:
        yield
    finally:
        torch.set_rng_state(cpu)
        if cuda is not None:
            torch.cuda.set_rng_state_all(cuda)


# ---------------------------------------------------------------------------------------------
# the training loop
# ---------------------------------------------------------------------------------------------
def fit(
    model: nn.Module,
    train_loader: Iterable,
    val_loader: Iterable | None = None,
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    epochs: int = 20,
    lr: float = 1e-3,
    optimizer: torch.optim.Optimizer | None = None,
    weight_decay: float = 0.0,
    clip_grad_norm: float | None = 1.0,
    scheduler: Any = None,
    early_stopping_patience: int | None = None,
    device: torch.device | str | None = None,
    metrics: dict[str, Metric] | None = None,
    progress: bool = True,
    live_plot: bool = False,
    noise_floor: float | None = None,
    seed: int | None = None,
    restore_best: bool = True,
) -> History:
    """Train ``model`` with mini-batch gradient descent and return its :class:`History`.

    Args:
        model: maps a batch ``x: (N, L, H_in)`` to outputs, e.g. ``(N, output_size)``.
        train_loader: iterable of ``(x, y)`` batches (a ``DataLoader``); one full pass = one epoch.
        val_loader: optional ``(x, y)`` batches, evaluated after every epoch.
        loss_fn: ``loss_fn(y_pred, y) -> scalar`` with mean reduction. **Default ``nn.MSELoss()``**
            (regression, targets shaped like the output). For classification pass
            ``nn.CrossEntropyLoss()`` (logits ``(N, C)``, integer labels ``(N,)``).
        epochs: maximum number of passes over ``train_loader`` (>= 1).
        lr: learning rate of the default Adam optimizer (> 0).
        optimizer: an optimizer over ``model.parameters()``; default ``Adam(lr, weight_decay)``.
        weight_decay: L2 penalty of the default optimizer (>= 0).
        clip_grad_norm: rescale the gradient whenever its global norm exceeds this (> 0);
            ``None`` switches clipping off.
        scheduler: a learning-rate scheduler instance, or a callable ``optimizer -> scheduler``.
            Stepped once per epoch; ``ReduceLROnPlateau`` is stepped with the validation loss (the
            training loss without validation).
        early_stopping_patience: stop after this many epochs without a lower validation loss.
            Needs ``val_loader``. ``None`` = off (train all ``epochs``).
        device: where to train; default: the device of the model's parameters. The model is moved
            there and each batch follows it.
        metrics: name -> ``fn(y_true, y_pred) -> float`` computed on the whole validation set after
            each epoch; ``y_pred`` is the raw model output (logits for classification), both CPU
            tensors. Argument order as in ``tslab.metrics`` and scikit-learn.
        progress: show a ``tqdm.auto`` bar over epochs.
        live_plot: redraw a loss plot in place after every epoch (notebooks only; ignored elsewhere).
        noise_floor: drawn as a dashed line on the live plot.
        seed: if given, training runs under ``torch.manual_seed(seed)``, so dropout masks and the
            order of ``shuffle=True`` loaders without their own generator repeat exactly. The
            global random state is saved before and restored after the call (CPU and every CUDA
            device), so code after ``fit`` draws the same numbers as if ``fit`` had not run. (The
            initial weights were drawn when the model was built: seed before building it too.)
        restore_best: with a ``val_loader``, end with the weights of the epoch with the lowest
            validation loss (``History.best_epoch``), whether training ran all ``epochs`` or
            stopped early. ``False`` keeps the weights of the last epoch run. Ignored without
            ``val_loader``.

    Returns:
        A :class:`History` with one entry per epoch run.

    Raises:
        TypeError / ValueError: for a bad argument, naming it.
    """
    # ---- check arguments: fail before any training happens
    as_type("model", model, nn.Module, "a torch.nn.Module")
    _check_loader(train_loader, "train_loader")
    if val_loader is not None:
        _check_loader(val_loader, "val_loader")
    epochs, lr, weight_decay = as_int("epochs", epochs, 1), as_float("lr", lr, 0, lo_open=True), as_float("weight_decay", weight_decay, 0)
    progress, live_plot = as_bool("progress", progress), as_bool("live_plot", live_plot)
    clip_grad_norm = None if clip_grad_norm is None else as_float("clip_grad_norm", clip_grad_norm, 0, lo_open=True, inf_ok=True)
    noise_floor = None if noise_floor is None else as_float("noise_floor", noise_floor)
    if early_stopping_patience is not None:
        as_int("early_stopping_patience", early_stopping_patience, 1)
        if val_loader is None:
            raise ValueError("early_stopping_patience needs a val_loader to watch, got val_loader=None")
    if as_type("optimizer", optimizer, (torch.optim.Optimizer, type(None)), "a torch.optim.Optimizer or None") is not None:
        _check_optimizer_owns_model(optimizer, model)
    if loss_fn is not None and not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    metrics = dict(as_type("metrics", metrics, (Mapping, type(None)), "a dict name -> fn(y_true, y_pred), e.g. {'mae': mae}") or {})
    for name, fn in metrics.items():
        if not callable(fn):
            raise TypeError(f"metrics[{name!r}] must be callable fn(y_true, y_pred), got {type(fn).__name__}")
    if metrics and val_loader is None:
        raise ValueError("metrics are computed on validation data: pass val_loader, got val_loader=None")
    seed = None if seed is None else as_int("seed", seed, 0)
    restore_best = as_bool("restore_best", restore_best)
    with _seeded(seed):  # seed the run; the caller's random state comes back afterwards
        # ---- set up
        device = _resolve_device(model, device)
        model.to(device)
        loss_fn = nn.MSELoss() if loss_fn is None else loss_fn
        if optimizer is None:
            optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
        if scheduler is not None and not hasattr(scheduler, "step"):
            if not callable(scheduler):
                raise TypeError(f"scheduler must be a scheduler or a callable optimizer -> scheduler, got {type(scheduler).__name__}")
            scheduler = scheduler(optimizer)
        plateau = isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)
        history = History(metrics={name: [] for name in metrics})
        best_loss, best_state, bad_epochs = float("inf"), None, 0
        plot = LiveLossPlot(noise_floor) if live_plot else None
        epoch_iter = range(epochs)
        if progress:
            from tqdm.auto import tqdm

            epoch_iter = tqdm(epoch_iter, desc="epochs", leave=False)

        # ---- the loop
        for epoch in epoch_iter:
            start = time.perf_counter()
            history.lr.append(optimizer.param_groups[0]["lr"])
            model.train()
            total, count, max_norm = 0.0, 0, 0.0
            for x, y in train_loader:
                _check_finite_batch(x, "train_loader"), _check_finite_batch(y, "train_loader", "y (targets)")
                x, y = x.to(device), y.to(device)
                y_pred = model(x)
                _check_targets(y_pred, y, loss_fn, "train_loader")
                loss = loss_fn(y_pred, y)
                loss_value = loss.item()
                if not math.isfinite(loss_value):
                    raise ValueError(f"training loss became {loss_value} at epoch {epoch + 1}: "
                                     "lower lr or enable clip_grad_norm")
                optimizer.zero_grad()
                loss.backward()
                # clip_grad_norm_ returns the norm before clipping; inf = measure only
                norm = nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm or float("inf"))
                optimizer.step()
                total += loss_value * len(x)
                count += len(x)
                max_norm = max(max_norm, float(norm))
            if count == 0:
                raise ValueError("train_loader must yield at least one batch, got none")
            history.train_loss.append(total / count)
            history.grad_norm.append(max_norm)

            monitored = history.train_loss[-1]
            if val_loader is not None:
                y_pred, y_true = _outputs(model, val_loader, device, "val_loader")
                _check_targets(y_pred, y_true, loss_fn, "val_loader")
                monitored = loss_fn(y_pred, y_true).item()
                history.val_loss.append(monitored)
                for name, fn in metrics.items():
                    history.metrics[name].append(float(fn(y_true, y_pred)))
                if monitored < best_loss:
                    best_loss, bad_epochs, history.best_epoch = monitored, 0, epoch
                    if restore_best:
                        best_state = copy.deepcopy(model.state_dict())
                else:
                    bad_epochs += 1

            if scheduler is not None:
                scheduler.step(monitored) if plateau else scheduler.step()
            history.seconds.append(time.perf_counter() - start)
            if progress:
                epoch_iter.set_postfix(train=f"{history.train_loss[-1]:.4g}",
                                       val=f"{history.val_loss[-1]:.4g}" if history.val_loss else "-")
            if plot is not None:
                plot.update(history)
            if early_stopping_patience is not None and bad_epochs >= early_stopping_patience:
                history.stopped_early = True
                break

        if best_state is not None:
            model.load_state_dict(best_state)  # keep the best validation epoch, not the last
        if progress:
            epoch_iter.close()
        return history


# ---------------------------------------------------------------------------------------------
# checkpoints
# ---------------------------------------------------------------------------------------------
def save_checkpoint(path: str | Path, model: nn.Module, config: dict[str, Any] | None = None) -> Path:
    """Save ``model.state_dict()`` and a plain ``config`` dict (no pickled objects).

    If ``config`` has no ``"model"`` entry and the model has a ``.config`` (every tslab model
    does), it is stored under ``"model"`` so that :func:`load_checkpoint` can rebuild the model.
    Keep config values plain (numbers, strings, lists, dicts): ``torch.load(weights_only=True)``
    refuses anything else.

    Returns:
        The path written.
    """
    as_type("model", model, nn.Module, "a torch.nn.Module")
    config = _plain(dict(as_type("config", config, (dict, type(None)), "a dict or None") or {}), "config")
    if "model" not in config and isinstance(getattr(model, "config", None), dict):
        config["model"] = dict(model.config)
    path = as_path("path", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    torch.save({"state_dict": state, "config": config}, path)
    return path


def _plain(value: Any, where: str) -> Any:
    """``value`` as plain Python (NumPy scalars/arrays become numbers/lists) that ``weights_only`` loading reads back."""
    if isinstance(value, (np.generic, np.ndarray)):
        return _plain(value.tolist(), where)
    if isinstance(value, dict):
        return {k: _plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v, f"{where}[{i}]") for i, v in enumerate(value))
    if value is None or isinstance(value, (str, int, float, bool, torch.Tensor)):
        return value
    raise TypeError(f"{where} must hold plain values (numbers, str, bool, None, lists, dicts, tensors), got "
                    f"{type(value).__name__}: convert it first, e.g. str(timestamp)")


def _architecture_diff(expected: dict[str, torch.Tensor], got: dict[str, torch.Tensor]) -> list[str]:
    """Human-readable differences between two state dicts (keys and shapes)."""
    lines = []
    missing = sorted(set(expected) - set(got))
    unexpected = sorted(set(got) - set(expected))
    if missing:
        lines.append(f"missing in checkpoint: {missing}")
    if unexpected:
        lines.append(f"not in model: {unexpected}")
    for key in sorted(set(expected) & set(got)):
        if expected[key].shape != got[key].shape:
            lines.append(f"{key}: model {tuple(expected[key].shape)} vs checkpoint {tuple(got[key].shape)}")
    return lines


def load_checkpoint(path: str | Path, model: nn.Module | None = None,
                    map_location: str | torch.device = "cpu") -> tuple[nn.Module, dict[str, Any]]:
    """Load a checkpoint written by :func:`save_checkpoint` (with ``weights_only=True``).

    Args:
        path: the checkpoint file.
        model: a model to load the weights into; ``None`` rebuilds it from ``config["model"]`` with
            :func:`tslab.models.model_from_config`.
        map_location: where to put the loaded tensors (``"cpu"``, ``"cuda"``, a ``torch.device``).

    Returns:
        ``(model, config)``, the model in eval mode.

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: if the file is not a tslab checkpoint (unreadable by
            ``torch.load(weights_only=True)``, e.g. a text file or an arbitrary pickle; the torch
            error is chained), if ``map_location`` is not a usable device, or if the weights do not
            fit the model (the message lists the keys and shapes that differ).
    """
    path = as_path("path", path, exists=True)
    if isinstance(map_location, (str, torch.device)):  # checked first: a bad device is not a bad file
        from tslab.device import _check_device

        map_location = _check_device(str(map_location), "map_location")
    elif not (callable(map_location) or isinstance(map_location, dict)):
        raise TypeError(f"map_location must be a device such as 'cpu', got {type(map_location).__name__}")
    try:
        checkpoint = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # text, pickle, truncated zip...: torch raises many different types
        raise ValueError(
            f"path {str(path)!r} is not a tslab checkpoint: torch.load(weights_only=True) failed with "
            f"{type(err).__name__} (see above); write checkpoints with tslab.train.save_checkpoint"
        ) from err
    if not isinstance(checkpoint, dict) or "state_dict" not in checkpoint:
        raise ValueError(f"path {str(path)!r} is not a tslab checkpoint (expected a dict with 'state_dict')")
    config, state = checkpoint.get("config", {}), checkpoint["state_dict"]
    if model is None:
        if "model" not in config:
            raise ValueError(f"checkpoint {str(path)!r} has no config['model'] to rebuild from: pass model=")
        from tslab.models import model_from_config

        model = model_from_config(config["model"])
    as_type("model", model, nn.Module, "a torch.nn.Module")
    diff = _architecture_diff(model.state_dict(), state)
    if diff:
        raise ValueError(f"checkpoint {str(path)!r} does not match the model architecture:\n  " + "\n  ".join(diff))
    model.load_state_dict(state)
    return model.eval(), config


# ---------------------------------------------------------------------------------------------
# stateful truncated back-propagation through time
# ---------------------------------------------------------------------------------------------
def detach_state(state: Any) -> Any:
    """Cut the autograd graph behind a hidden state (a tensor, a tuple like LSTM's ``(h, c)``, or None)."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def tbptt_epoch(
    model: nn.Module,
    series: torch.Tensor,
    chunk_len: int,
    optimizer: torch.optim.Optimizer | None = None,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    clip_grad_norm: float | None = 1.0,
) -> float:
    """One epoch of stateful truncated BPTT over one long series: next-value prediction.

    The series is read left to right in chunks of ``chunk_len`` steps. The hidden state flows from
    one chunk into the next (the model *remembers* everything before), but it is ``detach()``-ed
    between chunks, so gradients flow back at most ``chunk_len`` steps. The state starts at zeros
    at the beginning of every call: call once per epoch and once per split (train, then
    validation with ``optimizer=None``) so no state leaks across an epoch or split boundary.

    Args:
        model: returns ``(y, state)`` from ``model(x, state)`` with ``x: (1, L, 1)``,
            ``y: (1, L, 1)``, e.g. :class:`tslab.models.StatefulForecaster`.
        series: ``(T,)`` values (already scaled).
        chunk_len: steps per chunk (>= 1), the truncation length.
        optimizer: updates after each chunk; ``None`` only evaluates (no gradients).
        loss_fn: default ``nn.MSELoss()``.
        clip_grad_norm: as in :func:`fit`.

    Returns:
        Mean loss over all predicted steps.
    """
    as_type("model", model, nn.Module, "a torch.nn.Module")
    series = torch.as_tensor(as_array("series", series, (1,), min_len=2), dtype=torch.float32)
    chunk_len = as_int("chunk_len", chunk_len, 1)
    as_type("optimizer", optimizer, (torch.optim.Optimizer, type(None)), "a torch.optim.Optimizer or None")
    if loss_fn is not None and not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    clip_grad_norm = None if clip_grad_norm is None else as_float("clip_grad_norm", clip_grad_norm, 0, lo_open=True, inf_ok=True)
    loss_fn = nn.MSELoss() if loss_fn is None else loss_fn
    device = _model_device(model)
    inputs = series[:-1].view(1, -1, 1).to(device)  # (1, T-1, 1): x_t
    targets = series[1:].view(1, -1, 1).to(device)  # (1, T-1, 1): x_{t+1}
    model.train(optimizer is not None)
    state, total, count = None, 0.0, 0  # state resets here: at the start of an epoch / split
    for start in range(0, inputs.shape[1], chunk_len):
        x = inputs[:, start : start + chunk_len]
        y = targets[:, start : start + chunk_len]
        with torch.set_grad_enabled(optimizer is not None):
            y_pred, state = model(x, state)
            loss = loss_fn(y_pred, y)
        if optimizer is not None:
            optimizer.zero_grad()
            loss.backward()
            if clip_grad_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)
            optimizer.step()
        state = detach_state(state)  # keep the values, drop the graph: BPTT stops at the chunk edge
        total += loss.item() * x.shape[1]
        count += x.shape[1]
    return total / count
