"""Classical forecasting baselines: every neural model has to beat these.

Each function has the same signature ``forecast_xxx(train, horizon, ...) -> (horizon,)``: it
sees only ``train`` (a 1-D series, shape ``(T,)``) and returns the next ``horizon`` values.
That makes them interchangeable in :func:`tslab.forecast.backtest`.

Run them on the series in original units (they need no scaling); compare with the metrics of
:mod:`tslab.metrics` in original units.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "forecast_naive",
    "forecast_seasonal_naive",
    "forecast_drift",
    "forecast_mean",
    "forecast_linear",
    "forecast_ar",
    "forecast_ets",
    "forecast_sarima",
    "select_ar",
    "select_ets",
    "select_sarima",
]


def _check(train: ArrayLike, horizon: int, min_len: int = 1) -> np.ndarray:
    """Validate ``train`` (1-D, finite, long enough) and ``horizon`` (positive int)."""
    if not isinstance(horizon, (int, np.integer)) or isinstance(horizon, bool):
        raise TypeError(f"horizon must be an int, got {type(horizon).__name__}")
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")
    y = np.asarray(train, dtype=float)
    if y.ndim != 1:
        raise ValueError(f"train must be 1-D (T,), got shape {y.shape}")
    if y.size < min_len:
        raise ValueError(f"train must have at least {min_len} values, got {y.size}")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"train must be finite, got {int(np.sum(~np.isfinite(y)))} NaN/inf")
    return y


def _check_period(m: object) -> int:
    """A seasonal period for ETS/SARIMA: an int >= 2."""
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)):
        raise TypeError(f"m must be an int seasonal period (e.g. 12 for monthly data), got {type(m).__name__}")
    if m < 2:
        raise ValueError(f"m must be >= 2 for a seasonal model (pass seasonal=None for none), got {m}")
    return int(m)


def _check_order(name: str, order: object, length: int) -> tuple[int, ...]:
    if (
        not isinstance(order, (tuple, list))
        or len(order) != length
        or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0 for v in order)
    ):
        raise ValueError(f"{name} must be a tuple of {length} non-negative ints, got {order!r}")
    return tuple(int(v) for v in order)


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
    if not isinstance(m, (int, np.integer)) or isinstance(m, bool) or m < 1:
        raise ValueError(f"m must be a positive int, got {m!r}")
    y = _check(train, horizon, min_len=m)
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

    if not isinstance(n_lags, (int, np.integer)) or n_lags < 1:
        raise ValueError(f"n_lags must be a positive int, got {n_lags!r}")
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a real number >= 0, got {alpha!r} ({type(alpha).__name__})")
    if not math.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite real number >= 0, got {alpha!r}")
    alpha = float(alpha)
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



def _check_max_lag(max_lag: object, n: int) -> int:
    if isinstance(max_lag, bool) or not isinstance(max_lag, (int, np.integer)):
        raise TypeError(f"max_lag must be an int, got {type(max_lag).__name__}")
    if max_lag < 1:
        raise ValueError(f"max_lag must be >= 1, got {max_lag}")
    if n < 2 * max_lag + 2:
        raise ValueError(f"train must have at least 2 * max_lag + 2 = {2 * max_lag + 2} values, got {n}")
    return int(max_lag)


def select_ar(train: ArrayLike, max_lag: int = 20) -> int:
    """The AR order ``p`` (lags ``1..p``, with a constant) with the lowest AIC, ``0 <= p <= max_lag``.

    statsmodels' ``ar_select_order(ic="aic")``: every candidate is fit by least squares on the same
    ``T - max_lag`` targets, so the AICs are comparable.

    Args:
        train: series, shape ``(T,)`` with ``T >= 2 max_lag + 2``.
        max_lag: the largest order tried.

    Returns:
        The chosen order ``p``.
    """
    from statsmodels.tsa.ar_model import ar_select_order

    y = _check(train, 1)
    max_lag = _check_max_lag(max_lag, y.size)
    lags = ar_select_order(y, maxlag=max_lag, ic="aic", trend="c").ar_lags
    return int(max(lags)) if lags else 0


def forecast_ar(train: ArrayLike, horizon: int, p: int | str = "auto", max_lag: int = 20) -> np.ndarray:
    """Autoregression ``y_t = c + φ_1 y_{t-1} + ... + φ_p y_{t-p} + ε_t``, forecast recursively.

    The textbook model for a cycle of varying length (sunspots: AR(9)). ``p="auto"`` chooses the
    order by AIC on ``train`` (:func:`select_ar`); the coefficients are fit by least squares
    (statsmodels ``AutoReg``).

    Args:
        train: series, shape ``(T,)``.
        horizon: number of steps ``H``.
        p: the order, or ``"auto"``.
        max_lag: largest order tried when ``p="auto"``.

    Returns:
        Forecast, shape ``(H,)``.
    """
    from statsmodels.tsa.ar_model import AutoReg

    y = _check(train, horizon, min_len=3)
    if isinstance(p, str):
        if p != "auto":
            raise ValueError(f"p must be an int >= 0 or 'auto', got {p!r}")
        p = select_ar(y, max_lag)
    elif isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 0:
        raise ValueError(f"p must be an int >= 0 or 'auto', got {p!r}")
    elif y.size < 2 * p + 2:
        raise ValueError(f"train must have at least 2 * p + 2 = {2 * p + 2} values for AR({p}), got {y.size}")
    fit = AutoReg(y, lags=int(p), trend="c").fit()
    return np.asarray(fit.predict(start=y.size, end=y.size + horizon - 1), dtype=float)


_AUTO = "auto"


def _ets_candidates(y: np.ndarray, m: int, trend: object, seasonal: object, damped_trend: object) -> list[dict]:
    """The ETS specifications allowed by the fixed arguments (``"auto"`` = all valid values)."""
    for name, value, allowed in (("trend", trend, (None, "add", "mul")), ("seasonal", seasonal, (None, "add", "mul")),
                                 ("damped_trend", damped_trend, (False, True))):
        if value != _AUTO and value not in allowed:
            raise ValueError(f"{name} must be one of {[*allowed, _AUTO]}, got {value!r}")
    # the standard space (FPP3): no multiplicative trend unless asked for; multiplicative
    # season only for a positive series; a season needs two full periods
    trends = [None, "add"] if trend == _AUTO else [trend]
    seasons = [None, "add", "mul"] if seasonal == _AUTO else [seasonal]
    if seasonal == _AUTO and (m < 2 or y.size < 2 * m):
        seasons = [None]
    if seasonal == _AUTO and np.any(y <= 0):
        seasons = [s for s in seasons if s != "mul"]
    damped = [False, True] if damped_trend == _AUTO else [damped_trend]
    return [
        {"trend": t, "seasonal": s, "damped_trend": d}
        for t in trends for s in seasons for d in damped
        if not (d and t is None)
    ]


def _fit_ets(y: np.ndarray, m: int, spec: dict):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning / optimizer chatter, locally only
        return ExponentialSmoothing(
            y, seasonal_periods=m if spec["seasonal"] else None, initialization_method="estimated", **spec
        ).fit()


def select_ets(
    train: ArrayLike, m: int = 12, trend: str | None = "auto", seasonal: str | None = "auto",
    damped_trend: bool | str = "auto",
) -> dict:
    """The exponential-smoothing model with the lowest AICc on ``train``.

    Candidates (FPP3's standard space): trend none / additive / additive damped, season none /
    additive / multiplicative (multiplicative only for a positive series; a season only when
    ``T >= 2 m``). Arguments other than ``"auto"`` fix that part of the model.

    Args:
        train: series, shape ``(T,)``.
        m: seasonal period (1 for none).
        trend: ``"add"``, ``"mul"``, None or ``"auto"``.
        seasonal: ``"add"``, ``"mul"``, None or ``"auto"``.
        damped_trend: bool or ``"auto"``.

    Returns:
        ``{"trend", "seasonal", "damped_trend", "aicc"}`` of the chosen model.
    """
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)):
        raise TypeError(f"m must be an int seasonal period (e.g. 12 for monthly data), got {type(m).__name__}")
    if m < 1:
        raise ValueError(f"m must be >= 1 (1 for no season), got {m}")
    m = int(m)
    if seasonal not in (None, _AUTO):
        m = _check_period(m)
    y = _check(train, 1, min_len=2 * m if seasonal not in (None, _AUTO) else 4)
    best: dict | None = None
    for spec in _ets_candidates(y, m, trend, seasonal, damped_trend):
        aicc = float(_fit_ets(y, m, spec).aicc)
        if np.isfinite(aicc) and (best is None or aicc < best["aicc"]):
            best = {**spec, "aicc": aicc}
    if best is None:
        raise ValueError("train: no ETS candidate could be fit (every AICc was NaN/inf)")
    return best


def forecast_ets(
    train: ArrayLike,
    horizon: int,
    m: int = 12,
    trend: str | None = "auto",
    seasonal: str | None = "auto",
    damped_trend: bool | str = "auto",
) -> np.ndarray:
    """Exponential smoothing (Holt-Winters, statsmodels ``ExponentialSmoothing``), chosen by AICc.

    With level ``ℓ``, trend ``b`` and season ``s`` (additive case)
    ``ŷ_{T+h} = ℓ_T + h b_T + s_{T+h-m(k+1)}``, ``k = ⌊(h-1)/m⌋``, and each state updated by
    exponential smoothing of the new observation. By default the trend (none / additive /
    damped) and season (none / additive / multiplicative) are chosen by AICc on ``train``
    (:func:`select_ets`); pass them to fix the model. Parameters by maximum likelihood;
    convergence warnings are silenced inside this call only.

    Args:
        train: series, shape ``(T,)`` (``T >= 2 m`` for a seasonal model).
        horizon: number of steps ``H``.
        m: seasonal period.
        trend: ``"add"``, ``"mul"``, None or ``"auto"``.
        seasonal: ``"add"``, ``"mul"``, None or ``"auto"``.
        damped_trend: damp the trend towards flat (bool), or ``"auto"``.

    Returns:
        Forecast, shape ``(H,)``.
    """
    y = _check(train, horizon)
    if _AUTO in (trend, seasonal, damped_trend):
        spec = select_ets(y, m, trend, seasonal, damped_trend)
        spec.pop("aicc")
    else:
        _ets_candidates(y, 1, trend, seasonal, damped_trend)  # validates the three values
        spec = {"trend": trend, "seasonal": seasonal, "damped_trend": damped_trend}
        if seasonal:
            m = _check_period(m)
            y = _check(train, horizon, min_len=2 * m)
    return np.asarray(_fit_ets(y, m, spec).forecast(horizon), dtype=float)


def _fit_sarima(y: np.ndarray, order: tuple[int, ...], s_order: tuple[int, ...]):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning / start-params warnings, locally
        return SARIMAX(y, order=order, seasonal_order=s_order).fit(disp=False)


def select_sarima(train: ArrayLike, m: int = 12, d: int = 1, D: int | None = 1, max_pq: int = 2) -> dict:
    """The (seasonal) ARIMA orders with the lowest AICc on ``train``, over a small standard space.

    Non-seasonal ``(p, d, q)`` with ``p + q <= max_pq``; seasonal ``(P, D, Q)_m`` with
    ``(P, Q)`` in ``{(0, 1), (1, 1)}`` (``D=None``: no seasonal part). The differencing orders
    ``d`` and ``D`` are fixed, not selected: AICc cannot compare models fit to differently
    differenced data.

    Args:
        train: series, shape ``(T,)``.
        m: seasonal period (ignored when ``D`` is None).
        d: non-seasonal differences.
        D: seasonal differences, or None for a non-seasonal ARIMA.
        max_pq: largest ``p + q``.

    Returns:
        ``{"order": (p, d, q), "seasonal_order": (P, D, Q) or None, "aicc": float}``.
    """
    for name, value in (("d", d), ("max_pq", max_pq)) + ((("D", D),) if D is not None else ()):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be an int >= 0, got {value!r}")
    if D is not None:
        m = _check_period(m)
    y = _check(train, 1, min_len=(max_pq + d + 2) + (m * (D + 2) if D is not None else 0))
    seasonal = [(0, D, 1), (1, D, 1)] if D is not None else [None]
    best: dict | None = None
    for p in range(max_pq + 1):
        for q in range(max_pq + 1 - p):
            for s in seasonal:
                fit = _fit_sarima(y, (p, d, q), (*s, m) if s else (0, 0, 0, 0))
                aicc = float(fit.aicc)
                if np.isfinite(aicc) and (best is None or aicc < best["aicc"]):
                    best = {"order": (p, int(d), q), "seasonal_order": s, "aicc": aicc}
    if best is None:
        raise ValueError("train: no ARIMA candidate could be fit (every AICc was NaN/inf)")
    return best


def forecast_sarima(
    train: ArrayLike,
    horizon: int,
    m: int = 12,
    order: tuple[int, int, int] | str = "auto",
    seasonal_order: tuple[int, int, int] | str | None = "auto",
) -> np.ndarray:
    """Seasonal ARIMA (statsmodels ``SARIMAX``); orders chosen by AICc by default.

    ``order="auto"`` and ``seasonal_order="auto"`` choose ``p, q, P, Q`` by AICc with one
    non-seasonal and one seasonal difference (:func:`select_sarima`); ``seasonal_order=None``
    (with ``order="auto"``) searches a non-seasonal ARIMA with ``d = 1``. Fixed orders, e.g.
    ``order=(1, 1, 1), seasonal_order=(0, 1, 1)``, skip the search. Convergence warnings are
    silenced inside this call only.

    Args:
        train: series, shape ``(T,)``.
        horizon: number of steps ``H``.
        m: seasonal period.
        order: non-seasonal ``(p, d, q)`` or ``"auto"``.
        seasonal_order: seasonal ``(P, D, Q)``, None for a non-seasonal ARIMA, or ``"auto"``.

    Returns:
        Forecast, shape ``(H,)``.
    """
    if isinstance(seasonal_order, (tuple, list)) and len(seasonal_order) == 4:
        raise ValueError(f"seasonal_order must be (P, D, Q) without the period (pass it as m), got {seasonal_order!r}")
    if isinstance(order, str) and order == _AUTO:
        if not (seasonal_order is None or (isinstance(seasonal_order, str) and seasonal_order == _AUTO)):
            raise ValueError(f"seasonal_order must be 'auto' or None when order='auto', got {seasonal_order!r}")
        best = select_sarima(_check(train, horizon), m, d=1, D=None if seasonal_order is None else 1)
        order, seasonal_order = best["order"], best["seasonal_order"]
    elif isinstance(seasonal_order, str):
        _check_order("order", order, 3)
        raise ValueError(f"seasonal_order must be a fixed (P, D, Q) or None when order is fixed, got {seasonal_order!r}")
    order = _check_order("order", order, 3)
    if seasonal_order is not None:
        seasonal_order = _check_order("seasonal_order", seasonal_order, 3)
        m = _check_period(m)
    min_len = (sum(order) + 1) + (m * (sum(seasonal_order) + 1) if seasonal_order else 0)
    y = _check(train, horizon, min_len=min_len)
    s_order = (*seasonal_order, m) if seasonal_order else (0, 0, 0, 0)
    return np.asarray(_fit_sarima(y, order, s_order).forecast(horizon), dtype=float)
