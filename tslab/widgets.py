"""The slider explorer of notebooks 02-05: change the hidden size, the layer count, the cell.

The logic is a plain function, :func:`explore_once`: build a small model, train it on a small
task, return what happened (:class:`ExploreResult`). :func:`make_explorer` only wires sliders to
it; :func:`static_grid` runs it over a grid for readers whose viewer shows no widgets (GitHub).

This is the only tslab module that imports ``ipywidgets`` (inside :func:`make_explorer`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from tslab._checks import as_choice, as_int
from tslab.train import History

__all__ = ["TASKS", "ExploreResult", "explore_once", "plot_result", "hidden_size_options", "make_explorer",
           "static_grid"]

TASKS = ("anomaly", "forecast")
KINDS = ("rnn", "lstm", "gru")
# Sized so that one run of the largest model (64 units, 3 layers) takes about a second on one
# core of a laptop CPU: an explorer answers a slider within a second or two.
ANOMALY_TRAIN, ANOMALY_VAL, ANOMALY_LEN, ANOMALY_EPOCHS = 256, 128, 30, 8
FORECAST_LEN, FORECAST_EPOCHS = 16, 20


@dataclass
class ExploreResult:
    """One training run of the explorer.

    Attributes:
        task, kind, hidden_size, num_layers: what was trained.
        n_params: trainable parameters of the model.
        history: the :class:`tslab.train.History` of the run.
        seconds: wall time of building + training + evaluating.
        metric_name: ``"val accuracy"`` (anomaly) or ``"val MSE / noise var"`` (forecast).
        metric: its value on the validation data.
        x_plot: ``(K, L)`` example inputs (anomaly) or ``(T,)`` time steps (forecast).
        y_true, y_pred: labels ``(K,)`` (anomaly) or values ``(T,)`` (forecast) to plot.
    """

    task: str
    kind: str
    hidden_size: int
    num_layers: int
    n_params: int
    history: History
    seconds: float
    metric_name: str
    metric: float
    x_plot: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray


def _check(task: str, kind: str, hidden_size: int, num_layers: int) -> None:
    as_choice("task", task, TASKS), as_choice("kind", kind, KINDS)
    as_int("hidden_size", hidden_size, 1), as_int("num_layers", num_layers, 1)


def _anomaly(kind: str, hidden_size: int, num_layers: int, seed: int, epochs: int):
    from tslab.data import make_anomaly_dataset, make_loader
    from tslab.models import SequenceModel
    from tslab.train import fit, predict

    n = ANOMALY_TRAIN
    data = make_anomaly_dataset(n_samples=n + ANOMALY_VAL, seq_len=ANOMALY_LEN, seed=seed)
    X, y = data.X[:, :, None], data.y  # (N, L, 1)
    torch.manual_seed(seed)
    model = SequenceModel(kind, 1, hidden_size, num_layers, output_size=2, recurrent_init="orthogonal")
    history = fit(model, make_loader(X[:n], y[:n], 32, shuffle=True, seed=seed),
                  make_loader(X[n:], y[n:], 256), loss_fn=nn.CrossEntropyLoss(), epochs=epochs,
                  lr=5e-3, progress=False, seed=seed,
                  metrics={"accuracy": lambda t, p: float((p.argmax(-1) == t).float().mean())})
    y_pred = predict(model, X[n:n + 8]).argmax(-1).numpy()
    best = history.metrics["accuracy"][history.best_epoch]  # fit restored this epoch's weights
    return model, history, "val accuracy", best, X[n:n + 8, :, 0], y[n:n + 8], y_pred


def _forecast(kind: str, hidden_size: int, num_layers: int, seed: int, epochs: int):
    from tslab.data import Scaler, make_loader, make_trend_series, make_windows
    from tslab.models import SequenceModel
    from tslab.train import fit, predict

    trend = make_trend_series(500, seed=seed)
    L, n_train = FORECAST_LEN, 400
    scaler = Scaler("standard").fit(trend.series[:n_train])  # train statistics only
    scaled = scaler.transform(trend.series)
    X_train, Y_train = make_windows(scaled[:n_train], L)
    X_val, Y_val = make_windows(scaled[n_train - L:], L)  # targets: the last 100 steps
    torch.manual_seed(seed)
    model = SequenceModel(kind, 1, hidden_size, num_layers, predict_change=True)
    history = fit(model, make_loader(X_train, Y_train, 64, shuffle=True, seed=seed),
                  make_loader(X_val, Y_val, 256), epochs=epochs, lr=1e-2, progress=False, seed=seed)
    y_pred = scaler.inverse_transform(predict(model, X_val).numpy())[:, 0]
    y_true = trend.series[n_train:]
    ratio = float(np.mean((y_pred - y_true) ** 2) / trend.noise_var)
    return model, history, "val MSE / noise var", ratio, np.arange(n_train, len(trend.series)), y_true, y_pred


def explore_once(task: str, kind: str, hidden_size: int, num_layers: int, seed: int = 0,
                 epochs: int | None = None) -> ExploreResult:
    """Train one small model on a small task and report size, time, metric and predictions.

    Tasks: ``"anomaly"`` (classify 384 series of length 30 of ``make_anomaly_dataset``, 256 for
    training, metric validation accuracy on the other 128) and ``"forecast"`` (next value of a
    500-step ``make_trend_series`` from 16-step windows, the last 100 steps for validation, metric
    validation MSE over the noise variance).
    Sized to take about a second on a laptop CPU; training runs on one CPU thread (restored after).

    Args:
        task: ``"anomaly"`` or ``"forecast"``.
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        hidden_size, num_layers: the model size.
        seed: seeds data, weights and batch order.
        epochs: default 8 (anomaly) or 20 (forecast).
    """
    _check(task, kind, hidden_size, num_layers)
    seed, epochs = as_int("seed", seed, 0), None if epochs is None else as_int("epochs", epochs, 1)
    from tslab.models import count_parameters

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: splitting them over threads only costs time
    try:
        start = time.perf_counter()
        if task == "anomaly":
            out = _anomaly(kind, hidden_size, num_layers, seed, ANOMALY_EPOCHS if epochs is None else epochs)
        else:
            out = _forecast(kind, hidden_size, num_layers, seed, FORECAST_EPOCHS if epochs is None else epochs)
        seconds = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    model, history, metric_name, metric, x_plot, y_true, y_pred = out
    return ExploreResult(task, kind, hidden_size, num_layers, count_parameters(model), history,
                         seconds, metric_name, float(metric), x_plot, y_true, y_pred)


CLASS_NAMES = ("normal", "anomaly")


def plot_result(result: ExploreResult, axes=None, title: bool = True):
    """Loss curves (left) and predictions (right) of one run. Returns ``(fig, axes)``.

    Args:
        title: put the run's summary (size, parameters, metric, time) above the plot; the
            explorer turns it off, since its text line above the plot already says it.
    """
    import matplotlib.pyplot as plt

    from tslab.plots import _legend_outside, _log_loss_axis

    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.2), gridspec_kw={"width_ratios": (1, 1.6)})
    else:
        fig = axes[0].figure
    h = result.history
    axes[0].plot(range(1, h.epochs + 1), h.train_loss, label="train")
    axes[0].plot(range(1, h.epochs + 1), h.val_loss, label="validation")
    axes[0].set(xlabel="epoch", ylabel="loss", title="loss")
    _log_loss_axis(axes[0])
    axes[0].legend(fontsize=9)
    if result.task == "anomaly":
        for i, series in enumerate(result.x_plot):
            ok = result.y_true[i] == result.y_pred[i]
            axes[1].plot(series + 3 * i, color="tab:green" if ok else "tab:red", lw=1)
            label = f"true {CLASS_NAMES[result.y_true[i]]}, predicted {CLASS_NAMES[result.y_pred[i]]}"
            axes[1].text(len(series) + 1, 3 * i, label, fontsize=9, va="center",
                         color="black" if ok else "tab:red")
        axes[1].set(xlabel="time step", yticks=[], title="validation series (red = wrong)")
        axes[1].set_xlim(0, len(result.x_plot[0]) * 1.9)  # room for the labels on the right
    else:
        axes[1].plot(result.x_plot, result.y_true, lw=1, label="observed")
        axes[1].plot(result.x_plot, result.y_pred, lw=1, label="one-step forecast")
        axes[1].set(xlabel="time step", title="validation forecast")
        _legend_outside(axes[1], fontsize=9)
    if title:
        fig.suptitle(f"{result.kind.upper()} hidden={result.hidden_size} layers={result.num_layers}: "
                     f"{result.n_params:,} parameters, {result.metric_name} {result.metric:.3f}, "
                     f"{result.seconds:.1f} s", fontsize=9)
    fig.tight_layout()
    return fig, axes


_CACHE: dict[tuple, ExploreResult] = {}
_CACHE_SIZE = 512


def _cached_explore(task: str, kind: str, hidden_size: int, num_layers: int, seed: int) -> tuple[ExploreResult, bool]:
    """:func:`explore_once`, remembered per kernel: going back to a setting shows it at once.

    Returns ``(result, was_cached)``. Runs are seeded and deterministic on a given machine, so a
    remembered result is the one a new run would give.
    """
    key = (id(explore_once), task, kind, hidden_size, num_layers, seed)
    if key in _CACHE:
        return _CACHE[key], True
    result = explore_once(task, kind, hidden_size, num_layers, seed=seed)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = result
    return result, False


def hidden_size_options(max_hidden: int, start: int) -> list[int]:
    """Slider stops for the hidden size: the powers of two up to ``max_hidden``, plus ``start``
    and ``max_hidden`` themselves, so that each can be picked exactly."""
    max_hidden = as_int("max_hidden", max_hidden, 1)
    start = as_int("start", start, 1, max_hidden)
    powers = [2**k for k in range(max_hidden.bit_length()) if 2**k <= max_hidden]
    return sorted(set(powers) | {start, max_hidden})


def make_explorer(task: str = "anomaly", kind: str = "lstm", hidden_size: int = 16, num_layers: int = 1,
                  max_hidden: int = 64, max_layers: int = 3, seed: int = 0):
    """Sliders for hidden size and layers, a cell-type dropdown, and the result of each change.

    Every change (on release: ``continuous_update=False``) calls :func:`explore_once` and shows
    the parameter count, the loss curves, the predictions and the time taken. A setting seen
    before in this kernel is shown at once (runs are seeded, so it is the result a new run would
    give). The hidden-size slider stops at powers of two (plus the start value), so every size on
    it can be picked exactly. An error inside an update is shown in the explorer's own output
    area (and kept in ``last_error``). Child widgets are attributes, so a notebook cell can drive
    it without a browser::

        explorer = make_explorer("anomaly")
        explorer.hidden_size.value = 32          # the observer trains in the kernel
        assert explorer.last_result.hidden_size == 32

    CSS classes for browser tests: ``tslab-hidden-size``, ``tslab-num-layers``, ``tslab-cell-kind``,
    ``tslab-param-count`` (text ``"Parameters: 4,321"``), ``tslab-status``, ``tslab-output``.

    Args:
        task, kind, hidden_size, num_layers, seed: the first run, as for :func:`explore_once`.
        max_hidden, max_layers: the sliders' maxima (ints >= 1); the start values must not exceed
            them (a slider would silently clamp them).

    Returns:
        An ``ipywidgets.VBox`` with attributes ``hidden_size``, ``num_layers``, ``kind``,
        ``param_count``, ``status``, ``output``, ``last_result`` and ``last_error``.
    """
    _check(task, kind, hidden_size, num_layers), as_int("seed", seed, 0)
    for name, value, maximum, max_name in (("hidden_size", hidden_size, max_hidden, "max_hidden"),
                                           ("num_layers", num_layers, max_layers, "max_layers")):
        as_int(max_name, maximum, 1)
        if value > maximum:
            raise ValueError(f"{name} must be <= {max_name}={maximum} (the slider's maximum), got {name}={value}")
    import traceback

    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    hidden = widgets.SelectionSlider(options=hidden_size_options(max_hidden, hidden_size), value=hidden_size,
                                     description="hidden size", continuous_update=False)
    layers = widgets.IntSlider(value=num_layers, min=1, max=max_layers, description="layers",
                               continuous_update=False)
    cell = widgets.Dropdown(options=list(KINDS), value=kind, description="cell")
    param_count = widgets.HTML()
    status = widgets.HTML()
    output = widgets.Output()
    for w, css in ((hidden, "tslab-hidden-size"), (layers, "tslab-num-layers"), (cell, "tslab-cell-kind"),
                   (param_count, "tslab-param-count"), (status, "tslab-status"), (output, "tslab-output")):
        w.add_class(css)
    box = widgets.VBox([widgets.HBox([hidden, layers, cell]), widgets.HBox([param_count, status]), output])

    def update(_change=None) -> None:
        status.value = "&nbsp;· training ..."
        try:
            result, cached = _cached_explore(task, cell.value, hidden.value, layers.value, seed)
            fig, _ = plot_result(result, title=False)
        except Exception as err:  # shown where the learner looks, not only in the log console
            box.last_error = err
            param_count.value = "Parameters: ?"
            status.value = f"&nbsp;· <b>error</b>: {type(err).__name__} (details below)"
            output.outputs = ()
            output.append_stderr(traceback.format_exc())
            return
        box.last_result, box.last_error = result, None
        param_count.value = f"Parameters: {result.n_params:,}"
        took = "remembered from before" if cached else f"trained in {result.seconds:.1f} s"
        status.value = f"&nbsp;· {result.metric_name} {result.metric:.3f} · {took}"
        with output:
            output.clear_output(wait=True)
            display(fig)
        plt.close(fig)

    for w in (hidden, layers, cell):
        w.observe(update, names="value")
    box.hidden_size, box.num_layers, box.kind = hidden, layers, cell
    box.param_count, box.status, box.output = param_count, status, output
    box.last_result, box.last_error = None, None
    update()
    return box


def static_grid(task: str, hidden_sizes: list[int], layer_counts: list[int], kind: str = "lstm",
                seed: int = 0):
    """:func:`explore_once` over a grid: a DataFrame with one row per (hidden size, layers).

    Columns: ``hidden_size``, ``num_layers``, ``n_params``, the metric, ``seconds``. Use it where
    widgets do not render (GitHub, nbviewer, PDF).
    """
    import pandas as pd

    for name, values in (("hidden_sizes", hidden_sizes), ("layer_counts", layer_counts)):
        if isinstance(values, (int, str)) or not hasattr(values, "__iter__") or len(list(values)) == 0:
            raise ValueError(f"{name} must be a non-empty list of ints, e.g. [4, 32], got {values!r}")
    rows = []
    for h in hidden_sizes:
        for n in layer_counts:
            r, _ = _cached_explore(task, kind, h, n, seed)
            rows.append({"hidden_size": h, "num_layers": n, "n_params": r.n_params,
                         r.metric_name: round(r.metric, 4), "seconds": round(r.seconds, 2)})
    return pd.DataFrame(rows)
