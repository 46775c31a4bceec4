"""Plotting helpers used across the notebooks.

Every function takes an optional ``ax`` (draws into it) and returns ``(fig, ax)``; none calls
``plt.show()``. Importing this module changes no global style: call :func:`use_course_style`
yourself (notebooks do it in their setup cell) for larger fonts that read well on a projector.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from tslab._checks import as_array, as_bool, as_float, as_int, as_type

__all__ = [
    "PALETTE",
    "use_course_style",
    "plot_anomaly_examples",
    "plot_series",
    "plot_windows",
    "plot_split",
    "plot_history",
    "plot_forecast",
]

# Okabe & Ito's colour-blind-safe palette, strongest colours first (they survive a washed-out
# projector; the pale sky blue and yellow come last). PALETTE[0] is blue, [1] vermillion, ...
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
COLORS = {"train": PALETTE[0], "val": PALETTE[4], "test": PALETTE[2], "pred": PALETTE[1]}


def use_course_style(font_size: float = 14) -> None:
    """Course style for the notebooks and their slides: call it once, in the setup cell.

    Fonts large enough to read from the back of a lecture room when a figure is projected
    (``font_size`` for text, a little more for titles), thicker lines, a light grid, and the
    colour-blind-safe :data:`PALETTE` as the colour cycle. Changes matplotlib's global
    ``rcParams``; importing this module does not.
    """
    font_size = as_float("font_size", font_size, 6, 40)  # points
    from cycler import cycler

    plt.rcParams.update(
        {
            "figure.figsize": (9, 3.5),
            "figure.dpi": 90,
            "font.size": font_size,
            "axes.titlesize": font_size + 1,
            "axes.labelsize": font_size,
            "xtick.labelsize": font_size - 1,
            "ytick.labelsize": font_size - 1,
            "legend.fontsize": font_size - 1,
            "figure.titlesize": font_size + 2,
            "lines.linewidth": 2.0,
            "lines.markersize": 7,
            "axes.prop_cycle": cycler(color=list(PALETTE)),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.autolayout": True,
        }
    )


def _log_loss_axis(ax: Axes) -> None:
    """A log-scale y axis with few, plain labels (1, 2, 5 per decade; no crowded minor labels)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=6))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _legend_outside(ax: Axes, **kwargs) -> None:
    """The legend to the right of the axes, where it cannot cover any data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kwargs)


def _fig_ax(ax: Axes | None, figsize: tuple[float, float] = (9, 3.5)) -> tuple[Figure, Axes]:
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def plot_anomaly_examples(
    X: np.ndarray,
    y: np.ndarray,
    spike_start: np.ndarray | None = None,
    n: int = 3,
    spike_len: int = 3,
    axes: Sequence[Axes] | None = None,
) -> tuple[Figure, np.ndarray]:
    """``n`` normal and ``n`` anomalous series side by side, spikes shaded.

    Args:
        X: ``(N, L)`` series; y: ``(N,)`` labels (0 normal, 1 anomaly);
        spike_start: ``(N,)`` spike positions (-1 for normal), or ``None``.

    Returns:
        ``(fig, axes)`` with ``axes`` of shape ``(2, n)``: normals on top, anomalies below.
    """
    X, y, n, spike_len = as_array("X", X, (2,)), as_array("y", y, (1,)), as_int("n", n, 1), as_int("spike_len", spike_len, 1)
    spike_start = None if spike_start is None else as_array("spike_start", spike_start, (1,)).astype(int)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"X must be (N, L) and y (N,) with the same N, got {X.shape} and {y.shape}")
    if axes is None:
        fig, axes = plt.subplots(2, n, figsize=(3 * n, 4.5), sharey=True, squeeze=False)
    else:
        axes = np.asarray(axes).reshape(2, n)
        fig = axes[0, 0].figure
    for row, label, name, color in ((0, 0, "normal", "tab:blue"), (1, 1, "anomaly", "tab:red")):
        idx = np.flatnonzero(y == label)[:n]
        for col, i in enumerate(idx):
            ax = axes[row, col]
            ax.plot(X[i], color=color, lw=1.2)
            if spike_start is not None and spike_start[i] >= 0:
                ax.axvspan(spike_start[i], spike_start[i] + spike_len - 1, color="gold", alpha=0.4)
            ax.set_title(f"{name} #{i}", fontsize=10)
    fig.supxlabel("time step")
    return fig, axes


def plot_series(
    series: np.ndarray,
    signal: np.ndarray | None = None,
    ax: Axes | None = None,
    label: str = "observed",
) -> tuple[Figure, Axes]:
    """A series, optionally with its noise-free signal on top."""
    as_array("series", series, min_len=1), signal is None or as_array("signal", signal, min_len=1)
    as_type("label", label, str, "a str")
    fig, ax = _fig_ax(ax)
    ax.plot(series, lw=0.8, alpha=0.8, label=label)
    if signal is not None:
        ax.plot(signal, lw=1.5, color="black", label="noise-free signal")
    ax.set_xlabel("time step")
    ax.legend(loc="upper left")
    return fig, ax


def plot_windows(
    series: np.ndarray,
    input_len: int,
    horizon: int = 1,
    starts: Sequence[int] = (0, 15, 30),
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw a few windows on a 1-D series: inputs as a bracketed span, targets as dots."""
    input_len, horizon = as_int("input_len", input_len, 1), as_int("horizon", horizon, 1)
    series = as_array("series", series, (1,), min_len=input_len + horizon)
    last = len(series) - input_len - horizon  # the last start whose targets fit in the series
    starts = [as_int("starts", s, 0, last) for s in np.atleast_1d(np.asarray(starts, dtype=object))]
    fig, ax = _fig_ax(ax)
    ax.plot(series, color="grey", lw=1, label="series")
    for k, s in enumerate(starts):
        color = f"C{k}"
        inputs = np.arange(s, s + input_len)
        targets = np.arange(s + input_len, s + input_len + horizon)
        offset = 0.15 * (k + 1) * (np.ptp(series) or 1.0)
        ax.plot(inputs, series[inputs] + offset, color=color, lw=2.5, label=f"window {k}: steps {s}..{s + input_len - 1}")
        ax.plot(targets, series[targets] + offset, "o", color=color, ms=6)
    ax.set_xlabel("time step")
    ax.set_title("inputs (lines, shifted up for visibility) and the targets right after them (dots)")
    ax.legend(loc="upper left", fontsize=8)
    return fig, ax


def plot_split(
    train: np.ndarray, val: np.ndarray, test: np.ndarray, ax: Axes | None = None, index: Sequence | None = None
) -> tuple[Figure, Axes]:
    """The three chronological parts in their own colours, on one time axis."""
    parts = [(name, as_array(name, part, min_len=int(name != "val"))) for name, part in (("train", train), ("val", val), ("test", test))]
    if index is not None and len(index) < sum(len(p) for _, p in parts):
        raise ValueError(f"index must have one label per step ({sum(len(p) for _, p in parts)}), got {len(index)}")
    fig, ax = _fig_ax(ax)
    start = 0
    for name, part in parts:
        x = np.arange(start, start + len(part)) if index is None else np.asarray(index)[start : start + len(part)]
        ax.plot(x, part, color=COLORS[name], lw=1, label=f"{name} ({len(part)} steps)")
        start += len(part)
    ax.legend(loc="upper left")
    return fig, ax


def plot_history(
    history: object,
    noise_floor: float | None = None,
    ax: Axes | None = None,
    log: bool = True,
) -> tuple[Figure, Axes]:
    """Train/validation loss per epoch from a ``History`` (or a dict with those keys).

    Args:
        history: has ``train_loss`` and optionally ``val_loss`` and ``best_epoch``.
        noise_floor: draws a horizontal line at the best loss any model can reach.
    """
    noise_floor, log = None if noise_floor is None else as_float("noise_floor", noise_floor), as_bool("log", log)
    fig, ax = _fig_ax(ax)
    get = history.get if isinstance(history, dict) else lambda k, d=None: getattr(history, k, d)
    if not get("train_loss", None):
        raise TypeError(f"history must be a History or a dict with a non-empty 'train_loss', got {type(history).__name__}")
    train_loss = list(get("train_loss", []) or [])
    val_loss = list(get("val_loss", []) or [])
    epochs = np.arange(1, len(train_loss) + 1)
    ax.plot(epochs, train_loss, label="train")
    if val_loss:
        ax.plot(epochs[: len(val_loss)], val_loss, label="validation")
    best = get("best_epoch", None)
    if best is not None and val_loss:
        ax.axvline(int(best) + 1, color="grey", ls=":", label="best epoch")  # best_epoch is 0-based
    if noise_floor is not None:
        ax.axhline(noise_floor, color="black", ls="--", label=f"noise floor {noise_floor:.3g}")
    if log:
        _log_loss_axis(ax)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    return fig, ax


def plot_forecast(
    history: np.ndarray,
    actual: np.ndarray,
    forecasts: dict[str, np.ndarray],
    history_index: Sequence | None = None,
    future_index: Sequence | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """The end of the known series, the actual future, and one line per forecaster."""
    h, a = as_array("history", history, (1,), min_len=1), as_array("actual", actual, (1,), min_len=1)
    forecasts = {k: as_array(f"forecasts[{k!r}]", v, (1,)) for k, v in as_type("forecasts", forecasts, dict, "a dict name -> (H,) array").items()}
    if any(len(v) != len(a) for v in forecasts.values()):
        raise ValueError(f"forecasts must each have len(actual) = {len(a)} values, got {[len(v) for v in forecasts.values()]}")
    fig, ax = _fig_ax(ax)
    hx = np.arange(len(h)) if history_index is None else history_index
    fx = np.arange(len(h), len(h) + len(a)) if future_index is None else future_index
    ax.plot(hx, h, color="grey", lw=1, label="history")
    ax.plot(fx, a, color="black", lw=2, label="actual")
    for name, values in forecasts.items():
        ax.plot(fx, np.asarray(values), lw=1.5, ls="--", label=name)
    _legend_outside(ax, fontsize=9)
    return fig, ax
