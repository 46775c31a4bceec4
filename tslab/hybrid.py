"""Hybrid forecasting: a recurrent network that corrects an exponential-smoothing forecast.

ETS (Holt-Winters) is hard to beat on smooth seasonal series, and a network trained on raw
values must first learn trend and season from a few hundred windows. A hybrid lets each do what it
is good at (the idea behind Smyl's ES-RNN, winner of the M4 competition):

1. fit additive Holt-Winters on the training part (:func:`ets_origin_forecasts`); from its
   smoothed states, rebuild the ``H``-step forecast ETS *would have made* at every origin ``t``
   inside the training part;
2. the network's target is what ETS got wrong there, ``y_{t+h} - ETS_t(h)`` for ``h = 1..H``, and
   its input is the recent history ending at ``t`` (:func:`ets_residual_windows`);
3. the final forecast is the ETS forecast from the end of the training part plus the network's
   predicted correction (:meth:`ResidualWindows.combine`).

A network that learned nothing useful outputs zeros and the hybrid *is* ETS; whether the
correction helps has to be shown on held-out data, like any other model.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import torch
from numpy.typing import ArrayLike

from tslab.baselines import _check, _check_period
from tslab._checks import as_array, as_int

__all__ = ["ets_origin_forecasts", "ResidualWindows", "ets_residual_windows"]


def ets_origin_forecasts(train: ArrayLike, horizon: int, m: int = 12) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ETS forecasts from every origin inside ``train``, and from its end.

    Fits additive-trend, additive-season Holt-Winters (the model of
    :func:`tslab.baselines.forecast_ets` with its defaults) once on ``train``, then reads the
    smoothed level ``l_t``, trend ``b_t`` and seasonal states ``s_t`` to rebuild the forecast made
    at each origin ``t``: ``ETS_t(h) = l_t + h b_t + s_{t+h-m(k+1)}``, ``k = (h-1) // m``. The
    parameters are fitted on all of ``train`` (nothing after it is used).

    Args:
        train: series ``(T,)`` in original units, ``T >= 2 m``.
        horizon: forecast length ``H``.
        m: seasonal period.

    Returns:
        ``(paths, forecast, resid)``: ``paths (T, H)`` with ``paths[t, h-1] = ETS_t(h)`` (NaN where
        the seasonal state it needs precedes the data, i.e. ``t + h <= m``); ``forecast (H,)``
        from the end of ``train``, exactly :func:`tslab.baselines.forecast_ets`'s; ``resid (T,)``,
        the one-step errors ``y_t - ETS_{t-1}(1)``.
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    m = _check_period(m)
    y = _check(train, horizon, min_len=2 * m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning / optimizer chatter, locally only
        result = ExponentialSmoothing(
            y, trend="add", seasonal="add", seasonal_periods=m, initialization_method="estimated"
        ).fit()
    level, trend, season = (np.asarray(a, dtype=float) for a in (result.level, result.trend, result.season))
    T = y.size
    h = np.arange(1, horizon + 1)  # (H,)
    season_index = np.arange(T)[:, None] + h[None, :] - m * ((h[None, :] - 1) // m + 1)  # (T, H)
    valid = season_index >= 0
    paths = level[:, None] + h[None, :] * trend[:, None] + season[np.where(valid, season_index, 0)]
    paths[~valid] = np.nan
    forecast = np.asarray(result.forecast(horizon), dtype=float)
    resid = y - np.asarray(result.fittedvalues, dtype=float)
    return paths, forecast, resid


@dataclass
class ResidualWindows:
    """Training data for a network that corrects ETS (built by :func:`ets_residual_windows`).

    Attributes:
        X: inputs ``(N, L, 2)``: channel 0 the one-step ETS errors in the window, channel 1 the
            window minus its last value, each divided by its own scale (float32).
        Y: targets ``(N, H)``: ``(y_{t+h} - ETS_t(h)) / scale`` (float32).
        x_last: the input window ending at the last training value, ``(1, L, 2)``.
        base: the ETS forecast from the end of the training part, ``(H,)`` in original units.
        scale: the standard deviation of the raw correction targets (original units).
        origins: the origin ``t`` of each sample, ``(N,)``.
    """

    X: np.ndarray
    Y: np.ndarray
    x_last: np.ndarray
    base: np.ndarray
    scale: float
    origins: np.ndarray

    def combine(self, correction: ArrayLike | torch.Tensor) -> np.ndarray:
        """ETS forecast plus a predicted correction in target units, ``(H,)`` or ``(1, H)``.

        Returns:
            The hybrid forecast ``(H,)`` in original units.
        """
        c = as_array("correction", correction, range(8))
        if c.shape not in ((self.base.size,), (1, self.base.size)):
            raise ValueError(f"correction must have shape ({self.base.size},) or (1, {self.base.size}), got {c.shape}")
        return as_array("combined forecast (correction * scale)", self.base + c.reshape(-1) * self.scale, (1,))


def ets_residual_windows(train: ArrayLike, input_len: int, horizon: int, m: int = 12) -> ResidualWindows:
    """Windows that teach a network what ETS gets wrong, from ``train`` only.

    For each origin ``t`` (with the whole ``H``-step future still inside ``train`` and every ETS
    path value defined), the input is the last ``L`` values up to ``t`` and the target is
    ``y_{t+1..t+H} - ETS_t(1..H)`` (see :func:`ets_origin_forecasts`).

    Args:
        train: series ``(T,)`` in original units.
        input_len: window length ``L``.
        horizon: forecast length ``H``.
        m: seasonal period.

    Returns:
        A :class:`ResidualWindows`; train a model ``(N, L, 2) -> (N, H)`` on ``X, Y``, predict on
        ``x_last`` and call ``combine``.
    """
    input_len = as_int("input_len", input_len, 2)
    paths, forecast, resid = ets_origin_forecasts(train, horizon, m)  # validates train, horizon, m
    y = np.asarray(train, dtype=float)
    T = y.size
    first = max(input_len - 1, m)  # ETS_t(h) is defined for all h once t >= m
    origins = np.arange(first, T - horizon)
    if origins.size < 2:
        raise ValueError(
            f"train is too short: {T} values give {origins.size} windows for input_len={input_len}, "
            f"horizon={horizon}, m={m}; need T >= {first + horizon + 2}"
        )
    future = np.stack([y[t + 1 : t + 1 + horizon] for t in origins])  # (N, H)
    targets = future - paths[origins]  # (N, H)
    scale = float(targets.std())
    if not scale > 0:
        raise ValueError("train is fitted exactly by ETS (all corrections are 0): nothing to learn")

    def window(t: int) -> np.ndarray:  # (L, 2), unscaled
        w = y[t - input_len + 1 : t + 1]
        return np.stack([resid[t - input_len + 1 : t + 1], w - w[-1]], axis=-1)

    raw = np.stack([window(t) for t in origins])  # (N, L, 2)
    channel_scale = raw.reshape(-1, 2).std(axis=0)
    channel_scale[channel_scale == 0] = 1.0
    X = (raw / channel_scale).astype(np.float32)
    x_last = (window(T - 1) / channel_scale)[None].astype(np.float32)
    return ResidualWindows(X, (targets / scale).astype(np.float32), x_last, forecast, scale, origins)
