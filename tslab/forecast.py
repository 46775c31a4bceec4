"""Multi-step forecasting and honest evaluation over time.

Two multi-step strategies:

* **recursive**: a one-step model ``(N, L, 1) -> (N, 1)`` is applied ``H`` times, each
  prediction appended to the window and fed back (:func:`recursive_forecast`). One model, but
  errors compound.
* **direct**: one model outputs all ``H`` steps at once, ``(N, L, 1) -> (N, H)``; train it on
  targets from :func:`make_direct_targets` (``SequenceModel(..., output_size=H)``).

And a **rolling-origin backtest** (expanding window): fit on ``series[:origin]``, forecast the
next ``horizon`` values, move the origin by ``step``, repeat (:func:`rolling_origin_folds`,
:func:`backtest`). Training data always lies strictly before the test data.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch
from numpy.typing import ArrayLike

from tslab import metrics as _metrics
from tslab._checks import as_array, as_choice, as_int

__all__ = [
    "recursive_forecast",
    "make_direct_targets",
    "direct_forecast",
    "error_by_horizon",
    "rolling_origin_folds",
    "backtest",
    "plot_folds",
    "RecurrentForecaster",
    "fit_recurrent",
    "fit_forecast",
]

Predictor = Callable[[np.ndarray], ArrayLike]


def _windows_3d(history_window: ArrayLike | torch.Tensor, one_feature: bool = True) -> tuple[np.ndarray, int]:
    """Bring ``(L,)``, ``(N, L)`` or ``(N, L, 1)`` (``(N, L, F)`` if not ``one_feature``) to 3-D; also return the input ndim."""
    w = as_array("history_window", history_window, range(8)).astype(np.float32)
    ndim = w.ndim
    w = w[None, :, None] if ndim == 1 else w[:, :, None] if ndim == 2 else w
    if w.ndim != 3 or (one_feature and w.shape[2] != 1):
        raise ValueError(f"history_window must be (L,), (N, L) or (N, L, 1) (one feature: predictions are fed "
                         f"back), got shape {w.shape}")
    if w.shape[1] < 1 or w.shape[0] < 1:
        raise ValueError(f"history_window must not be empty, got shape {w.shape}")
    return w, ndim


def _torch_predictor(model: torch.nn.Module) -> Predictor:
    """Wrap a torch model as ``np (N, L, F) -> np (N, K)`` on the model's own device, no grad."""
    param = next(model.parameters(), None)
    device = param.device if param is not None else torch.device("cpu")
    dtype = param.dtype if param is not None else torch.float32

    def predict(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            out = model(torch.as_tensor(x, dtype=dtype, device=device))
        return out.detach().cpu().numpy()

    return predict


def recursive_forecast(
    model: torch.nn.Module | Predictor, history_window: ArrayLike | torch.Tensor, horizon: int
) -> np.ndarray:
    """Forecast ``horizon`` steps with a one-step model by feeding predictions back.

    At each step the model sees the last ``L`` values (observed, then predicted), predicts the
    next one, and the window slides by one.

    Args:
        model: a torch module mapping ``(N, L, 1) -> (N, 1)`` (run in eval mode without
            gradients on its own device, training mode restored afterwards), or any callable
            mapping a NumPy array ``(N, L, 1)`` to ``(N,)`` or ``(N, 1)``, e.g. for scikit-learn
            ``lambda x: reg.predict(x[:, :, 0])``.
        history_window: the last ``L`` observed values, ``(L,)``, ``(N, L)`` or ``(N, L, 1)``,
            in the units the model was trained on (scaled, if it was trained on scaled data).
        horizon: number of steps ``H`` to forecast.

    Returns:
        Forecasts ``(H,)`` if ``history_window`` was 1-D, else ``(N, H)``, in the model's units
        (inverse-scale before computing errors).
    """
    horizon = as_int("horizon", horizon, 1)
    window, in_ndim = _windows_3d(history_window)
    n = window.shape[0]
    is_module = isinstance(model, torch.nn.Module)
    if not is_module and not callable(model):
        raise TypeError(f"model must be a torch.nn.Module or a callable, got {type(model).__name__}")
    predict = _torch_predictor(model) if is_module else model
    was_training = model.training if is_module else False
    if is_module:
        model.eval()
    out = np.empty((n, horizon), dtype=np.float32)
    try:
        for h in range(horizon):
            step = as_array("model's output", predict(window), range(8)).astype(np.float32)
            if step.shape not in ((n,), (n, 1)):
                raise ValueError(
                    f"model must map (N, L, 1) to (N, 1) or (N,) with N = {n}, got output shape "
                    f"{step.shape}; for a multi-output model use direct_forecast"
                )
            out[:, h] = step.reshape(n)
            window = np.concatenate([window[:, 1:], out[:, h, None, None]], axis=1)
    finally:
        if is_module:
            model.train(was_training)
    return out[0] if in_ndim == 1 else out


def make_direct_targets(
    series: ArrayLike, input_len: int, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """Windows and ``horizon``-step targets for the direct strategy.

    A thin call of :func:`tslab.data.make_windows`: window i is ``series[i : i + L]`` and its
    target the next ``H`` values ``series[i + L : i + L + H]``.

    Args:
        series: 1-D series, shape ``(T,)`` (scale it first, with a scaler fit on train only).
        input_len: window length ``L``.
        horizon: number of steps ``H``.

    Returns:
        ``X (N, L, 1)`` and ``Y (N, H)`` with ``N = (T - L - H) + 1``.
    """
    from tslab.data import make_windows  # tslab.data imports optional loaders; keep it lazy

    return make_windows(series, input_len, horizon)


def direct_forecast(
    model: torch.nn.Module | Predictor, history_window: ArrayLike | torch.Tensor
) -> np.ndarray:
    """Forecast all steps at once with a direct model ``(N, L, F) -> (N, H)``.

    Args:
        model: a torch module (eval mode, no grad, own device) or a NumPy callable.
        history_window: ``(L,)``, ``(N, L)`` or ``(N, L, F)``.

    Returns:
        ``(H,)`` if ``history_window`` was 1-D, else ``(N, H)``.
    """
    window, in_ndim = _windows_3d(history_window, one_feature=False)
    is_module = isinstance(model, torch.nn.Module)
    if not is_module and not callable(model):
        raise TypeError(f"model must be a torch.nn.Module or a callable, got {type(model).__name__}")
    was_training = model.training if is_module else False
    if is_module:
        model.eval()
    try:
        raw = (_torch_predictor(model) if is_module else model)(window)
    except (TypeError, ValueError) as err:  # e.g. a wrong number of features: name our own argument
        raise type(err)(f"history_window: the model refused a window of shape {window.shape}: {err}") from err
    finally:
        if is_module:
            model.train(was_training)
    out = as_array("model's output", raw, range(8))
    if out.ndim != 2 or out.shape[0] != window.shape[0]:
        raise ValueError(f"model must return (N, H) with N = {window.shape[0]}, got {out.shape}")
    return out[0] if in_ndim == 1 else out


def error_by_horizon(
    y_true: ArrayLike, y_pred: ArrayLike, metric: str = "mae"
) -> np.ndarray:
    """Error of each forecast step, averaged over the N windows.

    Args:
        y_true: targets ``(N, H)`` in original units.
        y_pred: forecasts ``(N, H)`` in original units.
        metric: ``"mae"`` or ``"rmse"``.

    Returns:
        ``(H,)``: entry h is the error of the (h+1)-step-ahead forecasts.
    """
    t, p = as_array("y_true", y_true, (2,), min_len=1), as_array("y_pred", y_pred, range(8))
    if p.shape != t.shape:
        raise ValueError(f"y_pred must have the shape of y_true {t.shape}, got {p.shape}")
    metric, err = as_choice("metric", metric, ("mae", "rmse")), t - p
    if metric == "mae":
        return np.mean(np.abs(err), axis=0)
    return np.sqrt(np.mean(err**2, axis=0))


def rolling_origin_folds(
    n: int, initial: int, horizon: int, step: int = 1
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Expanding-window folds for a rolling-origin backtest.

    Fold k trains on ``[0, origin_k)`` and tests on ``[origin_k, origin_k + horizon)`` with
    ``origin_k = initial + k * step``, as long as the test block fits in ``n``.

    Args:
        n: length of the series.
        initial: size of the first training set (``1 <= initial <= n - horizon``).
        horizon: test block length.
        step: how far the origin moves between folds.

    Returns:
        List of ``(train_idx, test_idx)`` integer arrays; every train index < every test index.
    """
    n = as_int("n", n, 2)
    horizon = as_int("horizon", horizon, 1)
    step = as_int("step", step, 1)
    initial = as_int("initial", initial, 1)
    if initial > n - horizon:
        raise ValueError(
            f"initial must be between 1 and n - horizon = {n - horizon}, got {initial}"
        )
    return [
        (np.arange(0, origin), np.arange(origin, origin + horizon))
        for origin in range(initial, n - horizon + 1, step)
    ]


def _metric_score(metric: Callable[[np.ndarray, np.ndarray], float], y_true: np.ndarray,
                  y_pred: np.ndarray, fold: int) -> float:
    """Call a user metric on ``y_true, y_pred`` (both ``(H,)``); its value must be one finite number."""
    raw = metric(y_true, y_pred)
    value = np.asarray(_metrics._to_numpy(raw))  # a torch scalar tensor becomes a 0-d array
    if value.ndim != 0:
        raise ValueError(
            f"metric must return a scalar (one number per fold), got an array of shape {value.shape} "
            f"on fold {fold}: reduce it, e.g. with .mean()"
        )
    if value.dtype.kind not in "iuf":
        raise TypeError(f"metric must return a real number, got {raw!r} ({type(raw).__name__}) on fold {fold}")
    score = float(value)
    if not np.isfinite(score):
        raise ValueError(f"metric must return a finite number, got {score} on fold {fold}")
    return score


_METRICS: dict[str, Callable[..., float]] = {
    "mae": _metrics.mae,
    "rmse": _metrics.rmse,
    "mape": _metrics.mape,
}


def backtest(
    series: ArrayLike,
    forecaster: Callable[[np.ndarray, int], ArrayLike],
    initial: int,
    horizon: int,
    step: int = 1,
    metric: str | Callable[[np.ndarray, np.ndarray], float] = "mae",
    m: int = 1,
) -> pd.DataFrame:
    """Rolling-origin (expanding window) backtest of a forecaster.

    For each fold of :func:`rolling_origin_folds`, calls ``forecaster(train, horizon)`` with the
    training values only and scores its forecast on the next ``horizon`` values.

    Args:
        series: 1-D series ``(T,)`` in original units (a pandas Series keeps its index labels).
        forecaster: ``f(train (T_k,), horizon) -> (horizon,)``, e.g. a :mod:`tslab.baselines`
            function; it must do any scaling itself, fit on ``train`` only.
        initial: size of the first training set.
        horizon: forecast length per fold.
        step: origin shift between folds.
        metric: ``"mae"``, ``"rmse"``, ``"mape"``, ``"mase"`` (scaled on each fold's train
            with period ``m``) or a callable ``(y_true (H,), y_pred (H,)) -> float`` that returns
            one finite number (a Python/NumPy scalar or a 0-d array/tensor; not a ``(1,)`` array).
        m: seasonal period for ``"mase"``.

    Returns:
        DataFrame, one row per fold: ``fold``, ``train_size``, ``test_start``, ``test_end``
        (index labels of the test block) and ``score``.
    """
    index = series.index if isinstance(series, pd.Series) else None
    y, m = as_array("series", series, (1,), min_len=2), as_int("m", m, 1)
    if not callable(forecaster):
        raise TypeError(f"forecaster must be callable, got {type(forecaster).__name__}")
    metric = as_choice("metric", metric, (*_METRICS, "mase")) if isinstance(metric, str) else metric
    if not isinstance(metric, str) and not callable(metric):
        raise TypeError(f"metric must be a str or callable, got {type(metric).__name__}")
    rows = []
    for k, (tr, te) in enumerate(rolling_origin_folds(y.size, initial, horizon, step)):
        train = y[tr].copy()  # a copy: the forecaster cannot touch the future by reference
        pred = as_array("forecaster's output", forecaster(train, horizon), range(8))
        if pred.shape != (horizon,):
            raise ValueError(f"forecaster must return shape ({horizon},), got {pred.shape}")
        if metric == "mase":
            score = _metrics.mase(y[te], pred, train, m)
        elif isinstance(metric, str):
            score = _METRICS[metric](y[te], pred)
        else:
            score = _metric_score(metric, y[te], pred, k)
        labels = index[te] if index is not None else te
        rows.append(
            {"fold": k, "train_size": tr.size, "test_start": labels[0], "test_end": labels[-1],
             "score": score}
        )
    return pd.DataFrame(rows)


def plot_folds(folds: list[tuple[np.ndarray, np.ndarray]], ax=None):
    """Draw rolling-origin folds: one row per fold, train in blue, test in orange.

    Args:
        folds: output of :func:`rolling_origin_folds`.
        ax: matplotlib Axes to draw on; a new figure if None.

    Returns:
        ``(fig, ax)``.
    """
    import matplotlib.pyplot as plt

    if not isinstance(folds, list) or not folds or not all(isinstance(f, tuple) and len(f) == 2 for f in folds):
        raise ValueError(f"folds must be a non-empty list of (train_idx, test_idx) pairs, got {type(folds).__name__}")
    for tr, te in folds:
        if as_array("folds", np.r_[tr, te], (1,), min_len=1).min() < 0 or not np.all(np.r_[tr, te] % 1 == 0):
            raise ValueError("folds must hold non-negative integer indices (from rolling_origin_folds)")
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 0.3 * len(folds) + 1.2))
    else:
        fig = ax.figure
    for k, (tr, te) in enumerate(folds):
        ax.barh(k, tr.size, left=tr[0] if tr.size else 0, color="tab:blue", height=0.6,
                label="train" if k == 0 else None)
        ax.barh(k, te.size, left=te[0], color="tab:orange", height=0.6,
                label="test" if k == 0 else None)
    ax.set_xlabel("time index")
    ax.set_ylabel("fold")
    ax.invert_yaxis()
    ax.legend(loc="lower right")
    return fig, ax


# ---------------------------------------------------------------------------------------------
# the course's recurrent forecasting recipe, as one call
# ---------------------------------------------------------------------------------------------
RECIPES = ("combination", "detrended", "ets_residual")


@dataclass
class RecurrentForecaster:
    """A recurrent network fitted by :func:`fit_recurrent`, with everything needed to forecast.

    ``config`` holds plain values only (numbers, strings, lists, dicts), so the pair can be saved
    with ``tslab.train.save_checkpoint(path, forecaster.model, forecaster.config)`` and rebuilt
    with ``RecurrentForecaster(load_checkpoint(path)[0], config)``.

    Attributes:
        model: ``SequenceModel(kind, input_size=1 + F, output_size=H)``: ``(N, L, 1 + F) -> (N, H)``
            (``F = 0`` without covariates).
        config: ``recipe``, ``kind``, ``horizon``, ``m``, ``input_len``, ``hidden_size``, ``num_layers`` and the
            preprocessing fitted on the training part (trend coefficients, scales, ETS model).
    """

    model: torch.nn.Module
    config: dict

    def predict(self, history: ArrayLike, covariates: pd.DataFrame | ArrayLike | None = None) -> np.ndarray:
        """Forecast the ``H`` steps after ``history``.

        Args:
            history: the series ``(T,)`` from the same start as the training part (usually the
                training part itself, or it extended by newer values).
            covariates: if the model was fitted with covariates: their values ``(T, F)`` on the
                same steps as ``history`` (only the last ``L`` rows are read).

        Returns:
            Point forecasts ``(H,)`` in the units of ``history``.
        """
        c = self.config
        y = as_array("history", history, (1,), min_len=c["min_length"])
        L, H = c["input_len"], c["horizon"]
        n_cov = len(c.get("cov_mu", []))
        if (covariates is None) != (n_cov == 0):
            raise ValueError(f"covariates must be given exactly when the model was fitted with them "
                             f"({n_cov} column(s)), got {'None' if covariates is None else 'an array'}")
        if n_cov:
            u = _scaled_covariates(covariates, y.size, c, "covariates")[-L:]  # (L, F)
        if c["recipe"] == "ets_residual":
            x = ((y[-L:] - y[-1]) / c["x_scale"])[None, :, None]  # (1, L, 1)
            return _ets(y, H, c) + direct_forecast(self.model, x)[0] * c["scale"]
        T = y.size
        trend = np.polyval(c["trend_coef"], np.arange(T + H) / c["trend_time_scale"])  # (T + H,)
        z = (y - trend[:T] - c["mu"]) / c["sd"]  # (T,)
        x = (z[-L:] - z[-1])[:, None]  # (L, 1)
        if n_cov:
            x = np.concatenate([x, u], axis=1)  # (L, 1 + F)
        z_hat = direct_forecast(self.model, x[None].astype(np.float32))[0] + z[-1]  # (H,)
        network = trend[T:] + z_hat * c["sd"] + c["mu"]
        return network if c["recipe"] == "detrended" else 0.5 * (network + _ets(y, H, c))


def _scaled_covariates(covariates: object, length: int, config: dict, name: str) -> np.ndarray:
    """Covariates ``(T, F)`` as floats, checked against ``length`` and standardised with ``config``."""
    u = as_array(name, covariates)
    u = u[:, None] if u.ndim == 1 else u
    n_cov = len(config["cov_mu"])
    if u.shape != (length, n_cov):
        raise ValueError(f"{name} must have shape (T, F) = ({length}, {n_cov}), one row per value of the series, "
                         f"got {u.shape}")
    return (u - np.asarray(config["cov_mu"])) / np.asarray(config["cov_sd"])


def _ets(y: np.ndarray, horizon: int, config: dict) -> np.ndarray:
    from tslab.baselines import forecast_ets

    return forecast_ets(y, horizon, m=config["m"], **config["ets"])


@functools.lru_cache(maxsize=2)
def _residual_windows_cached(y_bytes: bytes, input_len: int, horizon: int, m: int):
    """:func:`tslab.hybrid.ets_residual_windows`, remembered for the last two training parts."""
    from tslab.hybrid import ets_residual_windows

    return ets_residual_windows(np.frombuffer(y_bytes, dtype=float), input_len, horizon, m)


def fit_recurrent(
    train: pd.Series | ArrayLike,
    horizon: int,
    m: int,
    *,
    kind: str = "gru",
    seed: int = 0,
    recipe: str = "detrended",
    input_len: int | None = None,
    hidden_size: int = 32,
    num_layers: int = 1,
    epochs: int = 40,
    lr: float = 5e-3,
    device: torch.device | str | None = None,
    covariates: pd.DataFrame | ArrayLike | None = None,
) -> RecurrentForecaster:
    """Fit the course's recurrent forecasting recipe on ``train`` only (see :func:`fit_forecast`).

    ``covariates`` ``(T, F)`` (one row per value of ``train``, ``recipe="detrended"`` only) are
    standardised with their training mean and sd and fed beside the series: windows
    ``(N, L, 1 + F)``. Only values up to each window's end are read, so a covariate needs to be
    known up to the forecast origin only (a measured variable, or a calendar feature; a direct
    model knows the future dates from the window's last one).

    Returns:
        A :class:`RecurrentForecaster`; ``.predict(train)`` gives the forecast.
    """
    from tslab.data import make_loader, make_windows
    from tslab.device import get_device
    from tslab.models import SequenceModel
    from tslab.train import fit

    horizon = as_int("horizon", horizon, 1)
    m = as_int("m", m, 1)
    seed = as_int("seed", seed, 0)
    if recipe not in RECIPES:
        raise ValueError(f"recipe must be one of {RECIPES}, got {recipe!r}")
    L = max(3 * m, 12) if input_len is None else as_int("input_len", input_len, 2)
    first = max(3 * m - 1, 9, L - 1) if recipe == "ets_residual" else L - 1
    min_length = max(first + horizon + 20, 2 * m)  # at least 20 training windows
    y = as_array("train", train, (1,), min_len=min_length)
    config: dict = {"recipe": recipe, "kind": kind, "horizon": horizon, "m": m, "input_len": L,
                    "hidden_size": as_int("hidden_size", hidden_size, 1),
                    "num_layers": as_int("num_layers", num_layers, 1), "min_length": L if recipe == "detrended" else max(L, 2 * m)}
    U = None
    if covariates is not None:
        if recipe != "detrended":
            raise ValueError(f"covariates work with recipe='detrended' only, got recipe={recipe!r}")
        raw = as_array("covariates", covariates)
        raw = raw[:, None] if raw.ndim == 1 else raw
        config.update(cov_mu=raw.mean(axis=0).tolist(), cov_sd=[float(v) or 1.0 for v in raw.std(axis=0)])
        U = _scaled_covariates(raw, y.size, config, "covariates")  # (T, F)
    if recipe == "ets_residual":
        data = _residual_windows_cached(y.tobytes(), L, horizon, m)
        X, Y = data.X, data.Y
        config.update(ets=data.spec, scale=data.scale, x_scale=data.x_scale)
    else:
        T = y.size
        t = np.arange(T) / T  # rescaled time keeps polyfit well conditioned
        coef = np.polyfit(t, y, 2)  # quadratic trend of the training part
        resid = y - np.polyval(coef, t)
        mu, sd = float(resid.mean()), float(resid.std()) or 1.0
        X, Y = make_windows((resid - mu) / sd, L, horizon)  # (N, L, 1), (N, H)
        X, Y = X - X[:, -1:, :], Y - X[:, -1, :]  # local normalisation: changes from the last value
        if U is not None:
            X = np.concatenate([X, make_windows(U, L, horizon)[0]], axis=2)  # (N, L, 1 + F)
        config.update(trend_coef=[float(v) for v in coef], trend_time_scale=T, mu=mu, sd=sd)
        if recipe == "combination":
            from tslab.baselines import select_ets

            config["ets"] = {k: v for k, v in select_ets(y, m).items() if k != "aicc"}
    device = get_device() if device is None else device
    with torch.random.fork_rng(devices=[]):  # the caller's global RNG is left as it was
        torch.manual_seed(seed)
        # PyTorch's own initialisation: the one the recipe was chosen with on co2's validation origins
        model = SequenceModel(kind, input_size=X.shape[2], hidden_size=hidden_size, num_layers=num_layers,
                              output_size=horizon,
                              recurrent_init="pytorch")
        fit(model, make_loader(X, Y, batch_size=64, shuffle=True, seed=seed), epochs=epochs, lr=lr,
            clip_grad_norm=1.0, progress=False, device=device,
            scheduler=lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs))
    model.eval()
    return RecurrentForecaster(model, config)


def fit_forecast(
    train: pd.Series | ArrayLike,
    horizon: int,
    m: int,
    *,
    kind: str = "gru",
    seed: int = 0,
    recipe: str = "detrended",
    input_len: int | None = None,
    hidden_size: int = 32,
    num_layers: int = 1,
    epochs: int = 40,
    lr: float = 5e-3,
    device: torch.device | str | None = None,
) -> np.ndarray:
    """The course's recurrent forecasting recipe in one call: fit on ``train``, forecast ``horizon``.

    Uses nothing but ``train`` (every choice, e.g. the ETS model by AICc, is made on it):

    1. remove a quadratic trend fitted to ``train``, standardise the rest;
    2. windows of ``L`` values, each and its ``H`` targets minus the window's last value (local
       normalisation); a **direct** ``SequenceModel(kind, output_size=H)`` trained on them
       (Adam, cosine learning rate, clipping, ``epochs`` passes);
    3. ``recipe="detrended"`` (default, chosen on co2's validation origins): the network's
       forecast, trend added back. ``"combination"``: the mean of that and ETS's forecast (model
       chosen by AICc, :func:`tslab.baselines.forecast_ets`). ``"ets_residual"``: instead of
       steps 1-2, the network learns to correct ETS's out-of-sample errors (:mod:`tslab.hybrid`).

    Args:
        train: the training part, a regular series ``(T,)`` (pandas Series or 1-D array), no NaN;
            at least ``L + H + 19`` values (20 training windows).
        horizon: number of steps ``H`` to forecast.
        m: seasonal period (12 monthly, 4 quarterly, 7 daily, 1 none).
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        seed: seeds the network's initialisation and batch order (the global RNG is untouched).
        recipe: ``"detrended"``, ``"combination"`` or ``"ets_residual"``.
        input_len: window length ``L``; default ``max(3 m, 12)``.
        hidden_size, num_layers, epochs, lr: the network (stacked layers) and its training.
        device: where to train; default :func:`tslab.device.get_device`.

    Returns:
        Point forecasts ``(H,)`` for the ``H`` steps after ``train``, in its units.
    """
    return fit_recurrent(train, horizon, m, kind=kind, seed=seed, recipe=recipe, input_len=input_len,
                         hidden_size=hidden_size, num_layers=num_layers, epochs=epochs, lr=lr,
                         device=device).predict(train)
