"""ETS + residual network: a recurrent network that corrects an exponential-smoothing forecast.

ETS is hard to beat on smooth seasonal series, and a network trained on raw values must first
learn trend and season from a few hundred windows. Here each does what it is good at (the idea
behind Smyl's ES-RNN, winner of the M4 competition, in a much simpler form):

1. at every origin ``t`` inside the training part, ETS forecasts ``H`` steps from ``y_0..y_t``
   only, with parameters estimated on data up to ``t`` (:func:`ets_origin_forecasts`). These are
   honest *out-of-sample* forecasts, the errors ETS really makes, which are larger than its
   in-sample errors from one fit on the whole training part;
2. the network's target is what ETS got wrong there, ``y_{t+h} - ETS_t(h)`` for ``h = 1..H``, and
   its input the recent history ending at ``t`` (:func:`ets_residual_windows`);
3. the final forecast is the ETS forecast from the end of the training part plus the network's
   predicted correction (:meth:`ResidualWindows.combine`).

A network that learned nothing useful outputs zeros and the result *is* ETS; whether the
correction helps has to be shown on held-out data, like any other model.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import torch
from numpy.typing import ArrayLike

from tslab._checks import as_array, as_bool, as_choice, as_int
from tslab.baselines import _check, _fit_ets, select_ets

__all__ = ["ets_origin_forecasts", "ResidualWindows", "ets_residual_windows"]


def _forecast_known(y: np.ndarray, m: int, spec: dict, params: dict, horizon: int) -> np.ndarray:
    """ETS ``spec`` with fixed ``params`` (smoothing and initial states) run over ``y``, then
    ``horizon`` forecasts from its end (no optimisation)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    init = {"initial_level": params["initial_level"]}
    if spec["trend"]:
        init["initial_trend"] = params["initial_trend"]
    if spec["seasonal"]:
        init["initial_seasonal"] = params["initial_seasons"]
    smoothing = {k: params[k] for k in ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend")
                 if np.isfinite(params[k])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(y, seasonal_periods=m if spec["seasonal"] else None,
                                     initialization_method="known", **spec, **init)
        return np.asarray(model.fit(optimized=False, **smoothing).forecast(horizon), dtype=float)


def ets_origin_forecasts(
    train: ArrayLike, horizon: int, m: int = 12, refit_every: int = 24, first_origin: int | None = None,
    spec: dict | None = None,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Out-of-sample ETS forecasts from every origin inside ``train``, and from its end.

    The ETS model (trend, season) is chosen once by AICc on ``train``
    (:func:`tslab.baselines.select_ets`). Its parameters are re-estimated on ``y_0..y_t`` at every
    ``refit_every``-th origin ``t``; from each origin in between, the smoothing runs over
    ``y_0..y_t`` with the latest parameters and forecasts ``H`` steps. So ``ETS_t(h)`` uses no value
    after ``y_t``, neither through the states nor through the parameters.

    Args:
        train: series ``(T,)`` in original units.
        horizon: forecast length ``H``.
        m: seasonal period.
        refit_every: origins between two parameter estimates (1 = refit at every origin, slow).
        first_origin: first origin; default ``3 m - 1`` (three seasons of data), at least 9.
        spec: a fixed ETS model ``{"trend", "seasonal", "damped_trend"}`` instead of the AICc choice.

    Returns:
        ``(paths, forecast, spec)``: ``paths (T, H)`` with ``paths[t, h-1] = ETS_t(h)`` (NaN before
        ``first_origin``); ``forecast (H,)`` from the end of ``train``, fit on all of it; ``spec``
        the chosen model, ``{"trend", "seasonal", "damped_trend"}``.
    """
    m = as_int("m", m, 1)
    refit_every = as_int("refit_every", refit_every, 1)
    y = _check(train, horizon, min_len=2 * m)
    first = max(3 * m - 1, 9) if first_origin is None else as_int("first_origin", first_origin, max(2 * m - 1, 2))
    if first > y.size - 1:
        raise ValueError(f"first_origin must be <= T - 1 = {y.size - 1}, got {first}")
    if spec is None:
        spec = select_ets(y, m)
        spec.pop("aicc")
    elif not isinstance(spec, dict) or set(spec) != {"trend", "seasonal", "damped_trend"}:
        raise ValueError(f"spec must be a dict with keys trend, seasonal, damped_trend, got {spec!r}")
    else:
        spec = {"trend": as_choice("spec['trend']", spec["trend"], (None, "add", "mul")),
                "seasonal": as_choice("spec['seasonal']", spec["seasonal"], (None, "add", "mul")),
                "damped_trend": as_bool("spec['damped_trend']", spec["damped_trend"])}
    paths = np.full((y.size, horizon), np.nan)
    params: dict = {}
    for t in range(first, y.size):
        if (t - first) % refit_every == 0:
            params = dict(_fit_ets(y[: t + 1], m, spec).params)
        paths[t] = _forecast_known(y[: t + 1], m, spec, params, horizon)
    forecast = np.asarray(_fit_ets(y, m, spec).forecast(horizon), dtype=float)
    return paths, forecast, spec


@dataclass
class ResidualWindows:
    """Training data for a network that corrects ETS (built by :func:`ets_residual_windows`).

    Attributes:
        X: inputs ``(N, L, 1)``: the window minus its last value, divided by ``x_scale`` (float32).
        Y: targets ``(N, H)``: ``(y_{t+h} - ETS_t(h)) / scale`` (float32).
        x_last: the input window ending at the last training value, ``(1, L, 1)``.
        base: the ETS forecast from the end of the training part, ``(H,)`` in original units.
        scale: the standard deviation of the raw correction targets (original units).
        x_scale: the standard deviation of the raw inputs (original units).
        origins: the origin ``t`` of each sample, ``(N,)``.
        spec: the ETS model, ``{"trend", "seasonal", "damped_trend"}``.
    """

    X: np.ndarray
    Y: np.ndarray
    x_last: np.ndarray
    base: np.ndarray
    scale: float
    x_scale: float
    origins: np.ndarray
    spec: dict

    def combine(self, correction: ArrayLike | torch.Tensor) -> np.ndarray:
        """ETS forecast plus a predicted correction in target units, ``(H,)`` or ``(1, H)``.

        Returns:
            The forecast ``(H,)`` in original units.
        """
        c = as_array("correction", correction, range(8))
        if c.shape not in ((self.base.size,), (1, self.base.size)):
            raise ValueError(f"correction must have shape ({self.base.size},) or (1, {self.base.size}), got {c.shape}")
        return as_array("combined forecast (correction * scale)", self.base + c.reshape(-1) * self.scale, (1,))


def ets_residual_windows(
    train: ArrayLike, input_len: int, horizon: int, m: int = 12, refit_every: int = 24
) -> ResidualWindows:
    """Windows that teach a network what ETS gets wrong out of sample, from ``train`` only.

    For each origin ``t`` whose whole ``H``-step future is still inside ``train``, the input is
    the last ``L`` values up to ``t`` minus ``y_t`` and the target is ``y_{t+1..t+H} - ETS_t(1..H)``
    with the out-of-sample forecasts of :func:`ets_origin_forecasts`.

    Args:
        train: series ``(T,)`` in original units.
        input_len: window length ``L``.
        horizon: forecast length ``H``.
        m: seasonal period.
        refit_every: origins between two ETS parameter estimates.

    Returns:
        A :class:`ResidualWindows`; train a model ``(N, L, 1) -> (N, H)`` on ``X, Y``, predict on
        ``x_last`` and call ``combine``.
    """
    input_len = as_int("input_len", input_len, 2)
    y = _check(train, horizon, min_len=2 * as_int("m", m, 1))
    T = y.size
    first = max(3 * m - 1, 9, input_len - 1)
    n = T - horizon - first
    if n < 2:
        raise ValueError(
            f"train is too short: {T} values give {max(n, 0)} windows for input_len={input_len}, "
            f"horizon={horizon}, m={m}; need T >= {first + horizon + 2}"
        )
    paths, base, spec = ets_origin_forecasts(y, horizon, m, refit_every, first)
    origins = np.arange(first, T - horizon)
    future = np.stack([y[t + 1 : t + 1 + horizon] for t in origins])  # (N, H)
    targets = future - paths[origins]  # (N, H)
    scale = float(targets.std())
    if not scale > 0:
        raise ValueError("train is fitted exactly by ETS (all corrections are 0): nothing to learn")
    raw = np.stack([y[t - input_len + 1 : t + 1] - y[t] for t in origins])  # (N, L)
    x_scale = float(raw.std()) or 1.0
    x_last = ((y[-input_len:] - y[-1]) / x_scale)[None, :, None].astype(np.float32)
    X = (raw / x_scale)[:, :, None].astype(np.float32)
    return ResidualWindows(X, (targets / scale).astype(np.float32), x_last, base, scale, x_scale, origins, spec)
