"""Classical forecasting baselines: every neural model has to beat these.

Each function has the same signature ``forecast_xxx(train, horizon, ...) -> (horizon,)``: it
sees only ``train`` (a 1-D series, shape ``(T,)``) and returns the next ``horizon`` values.
That makes them interchangeable in :func:`tslab.forecast.backtest`.

Run them on the series in original units (they need no scaling); compare with the metrics of
:mod:`tslab.metrics` in original units.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike

from tslab._checks import as_array, as_bool, as_choice, as_float, as_int

__all__ = [
    "forecast_naive",
    "forecast_seasonal_naive",
    "forecast_drift",
    "forecast_mean",
    "forecast_linear",
    "forecast_ets",
    "forecast_sarima",
]


def _check(train: ArrayLike, horizon: int, min_len: int = 1) -> np.ndarray:
    """Validate ``train`` (1-D, finite, long enough, sorted dates) and ``horizon`` (positive int)."""
    as_int("horizon", horizon, 1)
    return as_array("train", train, (1,), min_len=min_len)


def _check_period(m: object) -> int:
    """A seasonal period for ETS/SARIMA: an int >= 2 (12 for monthly data; seasonal=None for none)."""
    return as_int("m", m, 2)


def _check_order(name: str, order: object, length: int) -> tuple[int, ...]:
    if not isinstance(order, (tuple, list)) or len(order) != length:
        raise ValueError(f"{name} must be a tuple of {length} non-negative ints, got {order!r}")
    return tuple(as_int(name, v, 0) for v in order)


def forecast_naive(train: ArrayLike, horizon: int) -> np.ndarray:
    """Repeat the last observed value: ``ŷ_{T+h} = y_T``.

    Args:
        train: series, shape ``(T,)``.
        horizon: number of steps ``H`` to forecast.

    Returns:
        Forecast, shape ``(H,)``.
    """
    y = _check(train, horizon)
    return np.full(horizon, y[-1])


def forecast_seasonal_naive(train: ArrayLike, horizon: int, m: int) -> np.ndarray:
    """Repeat the last observed season: ``ŷ_{T+h} = y_{T+h-m·k}`` with k = ceil(h / m).

    Args:
        train: series, shape ``(T,)`` with ``T >= m``.
        horizon: number of steps ``H``.
        m: seasonal period (12 for monthly data).

    Returns:
        Forecast, shape ``(H,)``.
    """
    y = _check(train, horizon, min_len=as_int("m", m, 1))
    last_season = y[-m:]
    return np.resize(last_season, horizon)  # np.resize repeats cyclically


def forecast_drift(train: ArrayLike, horizon: int) -> np.ndarray:
    """Extend the line through the first and last value: ``ŷ_{T+h} = y_T + h (y_T - y_1)/(T-1)``.

    Args:
        train: series, shape ``(T,)`` with ``T >= 2``.
        horizon: number of steps ``H``.

    Returns:
        Forecast, shape ``(H,)``.
    """
    y = _check(train, horizon, min_len=2)
    slope = (y[-1] - y[0]) / (y.size - 1)
    return y[-1] + slope * np.arange(1, horizon + 1)


def forecast_mean(train: ArrayLike, horizon: int) -> np.ndarray:
    """Repeat the mean of the training series.

    Args:
        train: series, shape ``(T,)``.
        horizon: number of steps ``H``.

    Returns:
        Forecast, shape ``(H,)``.
    """
    y = _check(train, horizon)
    return np.full(horizon, y.mean())


def forecast_linear(
    train: ArrayLike, horizon: int, n_lags: int = 12, alpha: float = 0.0
) -> np.ndarray:
    """Linear autoregression on the last ``n_lags`` values, forecast recursively.

    Fits ``y_t ≈ w · (y_{t-n_lags}, ..., y_{t-1}) + b`` by least squares (``alpha = 0``,
    :class:`~sklearn.linear_model.LinearRegression`) or ridge (``alpha > 0``,
    :class:`~sklearn.linear_model.Ridge`), then feeds each one-step prediction back as input.

    Args:
        train: series, shape ``(T,)`` with ``T > n_lags``.
        horizon: number of steps ``H``.
        n_lags: input window length.
        alpha: ridge penalty, a finite real number >= 0; 0 for ordinary least squares.

    Returns:
        Forecast, shape ``(H,)``.
    """
    from sklearn.linear_model import LinearRegression, Ridge

    n_lags, alpha = as_int("n_lags", n_lags, 1), as_float("alpha", alpha, 0)
    y = _check(train, horizon, min_len=n_lags + 1)
    X = np.lib.stride_tricks.sliding_window_view(y[:-1], n_lags)  # (T - n_lags, n_lags)
    target = y[n_lags:]  # (T - n_lags,)
    reg = Ridge(alpha=alpha) if alpha > 0 else LinearRegression()
    reg.fit(X, target)
    window = list(y[-n_lags:])
    out = np.empty(horizon)
    for h in range(horizon):
        out[h] = reg.predict(np.asarray(window[-n_lags:])[None, :])[0]
        window.append(out[h])
    return out


def forecast_ets(
    train: ArrayLike,
    horizon: int,
    m: int = 12,
    trend: str | None = "add",
    seasonal: str | None = "add",
    damped_trend: bool = False,
) -> np.ndarray:
    """Holt-Winters exponential smoothing (statsmodels ``ExponentialSmoothing``).

    Additive trend and additive season of period ``m`` by default; parameters by maximum
    likelihood. Convergence warnings are silenced inside this call only.

    Args:
        train: series, shape ``(T,)`` with ``T >= 2 m`` when seasonal.
        horizon: number of steps ``H``.
        m: seasonal period (ignored when ``seasonal`` is None).
        trend: ``"add"``, ``"mul"`` or None.
        seasonal: ``"add"``, ``"mul"`` or None.
        damped_trend: damp the trend towards flat.

    Returns:
        Forecast, shape ``(H,)``.
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    trend, seasonal = as_choice("trend", trend, ("add", "mul", None)), as_choice("seasonal", seasonal, ("add", "mul", None))
    m, damped_trend = _check_period(m) if seasonal else as_int("m", m, 1), as_bool("damped_trend", damped_trend)
    y = _check(train, horizon, min_len=2 * m if seasonal else 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning / optimizer chatter, locally only
        model = ExponentialSmoothing(
            y,
            trend=trend,
            seasonal=seasonal,
            seasonal_periods=m if seasonal else None,
            damped_trend=damped_trend,
            initialization_method="estimated",
        )
        fit = model.fit()
        return np.asarray(fit.forecast(horizon), dtype=float)


def forecast_sarima(
    train: ArrayLike,
    horizon: int,
    m: int = 12,
    order: tuple[int, int, int] = (1, 1, 1),
    seasonal_order: tuple[int, int, int] | None = (0, 1, 1),
) -> np.ndarray:
    """Seasonal ARIMA (statsmodels ``SARIMAX``), default (1,1,1)(0,1,1)_m.

    Convergence warnings are silenced inside this call only.

    Args:
        train: series, shape ``(T,)``.
        horizon: number of steps ``H``.
        m: seasonal period.
        order: non-seasonal ``(p, d, q)``.
        seasonal_order: seasonal ``(P, D, Q)``; None for a non-seasonal ARIMA.

    Returns:
        Forecast, shape ``(H,)``.
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    order, m = _check_order("order", order, 3), as_int("m", m, 1)
    if seasonal_order is not None:
        if isinstance(seasonal_order, (tuple, list)) and len(seasonal_order) == 4:
            raise ValueError(
                f"seasonal_order must be (P, D, Q) without the period (pass it as m), got {seasonal_order!r}"
            )
        seasonal_order = _check_order("seasonal_order", seasonal_order, 3)
        m = _check_period(m)
    min_len = (sum(order) + 1) + (m * (sum(seasonal_order) + 1) if seasonal_order else 0)
    y = _check(train, horizon, min_len=min_len)
    s_order = (*seasonal_order, m) if seasonal_order else (0, 0, 0, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning / start-params warnings, locally
        model = SARIMAX(y, order=order, seasonal_order=s_order)
        fit = model.fit(disp=False)
        return np.asarray(fit.forecast(horizon), dtype=float)
