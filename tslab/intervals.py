"""Prediction intervals: split conformal per horizon step, and how to judge an interval.

A point forecast says nothing about how wrong it may be. **Split conformal** turns any
forecaster into one with intervals, using only errors it made on data it was not fitted on
(a calibration/validation period):

1. collect the absolute errors ``|y - ŷ|`` of ``N`` calibration forecasts, one column per
   horizon step: ``residuals (N, H)``;
2. for nominal level ``1 - α`` take, per step ``h``, the ``⌈(N + 1)(1 - α)⌉``-th smallest error
   ``q_h`` (:func:`conformal_quantiles`);
3. the interval of a new forecast is ``ŷ_h ± q_h`` (:func:`conformal_interval`).

If the new errors are exchangeable with the calibration ones, ``P(y ∈ interval) >= 1 - α``
(and ``<= 1 - α + 1/(N + 1)`` without ties). Judge an interval by its empirical
:func:`coverage` (near the nominal level) and its :func:`mean_width` (narrower is better, at
equal coverage).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike

from tslab._checks import as_array, as_bool, as_float, as_int

__all__ = ["conformal_quantiles", "conformal_interval", "coverage", "mean_width", "ets_rolling_intervals"]


def _array(x: ArrayLike, name: str, ndim: tuple[int, ...]) -> np.ndarray:
    return as_array(name, x, ndim, min_len=1)


def _levels(levels: float | Sequence[float]) -> np.ndarray:
    lv = [levels] if isinstance(levels, str) or np.ndim(levels) == 0 else list(levels)
    if not lv:
        raise ValueError("levels must be one number or a list of numbers in (0, 1) such as 0.8, got an empty list")
    return np.array([as_float("levels", v, 0, 1, lo_open=True, hi_open=True) for v in lv])


def conformal_quantiles(residuals: ArrayLike, levels: float | Sequence[float] = (0.8, 0.95), *,
                        per_horizon: bool = True) -> np.ndarray:
    """Split-conformal half-widths from calibration errors.

    Args:
        residuals: errors ``y - ŷ`` (or their absolute values) of ``N`` calibration forecasts,
            ``(N, H)`` (one column per horizon step) or ``(N,)`` for one step.
        levels: nominal coverage(s) ``1 - α``, e.g. ``(0.8, 0.95)``.
        per_horizon: one half-width per step (errors grow with the step); ``False`` pools all
            steps into one.

    Returns:
        ``q`` of shape ``(len(levels), H)``: ``q[j, h]`` is the ``⌈(N + 1) levels[j]⌉``-th smallest
        ``|residual|`` of step ``h`` (pooled: ``N·H`` values, same for every step).

    Raises:
        ValueError: if ``N`` is too small for a level (it needs ``⌈(N + 1) level⌉ <= N``, i.e.
            ``N >= level / (1 - level)``: 4 rows for 80 %, 19 for 95 %).
    """
    r = np.abs(_array(residuals, "residuals", (1, 2)))
    r = r[:, None] if r.ndim == 1 else r  # (N, H)
    lv, per_horizon = _levels(levels), as_bool("per_horizon", per_horizon)
    pools = [r[:, h] for h in range(r.shape[1])] if per_horizon else [r.ravel()]
    out = np.empty((lv.size, len(pools)))
    for j, level in enumerate(lv):
        for h, pool in enumerate(pools):
            n = pool.size
            k = int(np.ceil((n + 1) * level - 1e-9))  # rank of the conformal quantile, 1-based
            if k > n:
                raise ValueError(f"residuals: {n} calibration errors are too few for level {level} "
                                 f"(need at least {int(np.ceil(level / (1 - level) - 1e-9))})")
            out[j, h] = np.partition(pool, k - 1)[k - 1]
    return out if per_horizon else np.repeat(out, r.shape[1], axis=1)


def conformal_interval(point: ArrayLike, q: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds ``point ∓ q``.

    Args:
        point: forecasts ``(H,)`` or ``(N, H)``.
        q: half-widths ``(H,)`` (one row of :func:`conformal_quantiles`) or a number.

    Returns:
        ``(lower, upper)``, each of the shape of ``point``.
    """
    p = _array(point, "point", (1, 2))
    half = _array(q, "q", (0, 1))
    if half.ndim == 1 and half.shape[0] != p.shape[-1]:
        raise ValueError(f"q must have one half-width per horizon step ({p.shape[-1]}), got shape {half.shape}")
    if np.any(half < 0):
        raise ValueError("q must be >= 0 (half-widths), got a negative value")
    return p - half, p + half


def _bounds(y: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = _array(y, "y", (1, 2))
    lo = _array(lower, "lower", (1, 2))
    hi = _array(upper, "upper", (1, 2))
    if lo.shape != t.shape or hi.shape != t.shape:
        raise ValueError(f"lower and upper must have the shape of y {t.shape}, got {lo.shape} and {hi.shape}")
    if np.any(lo > hi):
        raise ValueError("lower must be <= upper everywhere, got lower > upper")
    return t, lo, hi


def coverage(y: ArrayLike, lower: ArrayLike, upper: ArrayLike, *, per_horizon: bool = False) -> float | np.ndarray:
    """Share of true values inside their interval (``lower <= y <= upper``).

    Args:
        y, lower, upper: same shape, ``(N,)`` or ``(N, H)``.
        per_horizon: return one share per step ``(H,)`` instead of one number.
    """
    t, lo, hi = _bounds(y, lower, upper)
    per_horizon = as_bool("per_horizon", per_horizon)
    inside = (t >= lo) & (t <= hi)
    return inside.mean(axis=0) if per_horizon else float(inside.mean())


def mean_width(lower: ArrayLike, upper: ArrayLike) -> float:
    """Mean of ``upper - lower`` over all entries (in the units of the series)."""
    lo = _array(lower, "lower", (1, 2))
    hi = _array(upper, "upper", (1, 2))
    if lo.shape != hi.shape:
        raise ValueError(f"upper must have the shape of lower {lo.shape}, got {hi.shape}")
    if np.any(lo > hi):
        raise ValueError("lower must be <= upper everywhere, got lower > upper")
    return float(np.mean(hi - lo))


def ets_rolling_intervals(
    y: ArrayLike,
    fit_end: int,
    origins: Sequence[int],
    horizon: int,
    levels: float | Sequence[float] = (0.8, 0.95),
    *,
    trend: str | None = None,
    damped_trend: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A model-based reference: statsmodels ``ETSModel`` forecasts with its own intervals, at many origins.

    The additive-error model (trend ``None``/``"add"``, optionally damped, no season) is fitted
    once by maximum likelihood on ``y[:fit_end]``; at each origin ``o`` its states are filtered
    through ``y[:o]`` with those parameters (no refit, nothing after ``o`` is read) and it
    forecasts ``y[o : o + H]``. Its interval assumes Gaussian errors: ``ŷ_h ± z·σ_h``, where
    ``σ_h`` grows with ``h`` and does not depend on the origin (``σ`` is the one estimated on
    ``y[:fit_end]``; at ``o = fit_end`` the result is exactly statsmodels' ``get_prediction``).

    Args:
        y: series ``(T,)``.
        fit_end: the parameters are fitted on ``y[:fit_end]``.
        origins: ``K`` forecast origins, each ``>= fit_end`` and ``<= T``.
        horizon: ``H``.
        levels: nominal coverages.
        trend, damped_trend: the ETS model (e.g. from :func:`tslab.baselines.select_ets`).

    Returns:
        ``point (K, H)``, ``lower`` and ``upper`` of shape ``(len(levels), K, H)``.
    """
    import warnings

    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    v = _array(y, "y", (1,))
    horizon = as_int("horizon", horizon, 1)
    fit_end = as_int("fit_end", fit_end, 10)
    if fit_end > v.size:
        raise ValueError(f"fit_end must be <= len(y) = {v.size}, got {fit_end}")
    o = np.asarray(origins)
    if o.ndim != 1 or o.size == 0 or o.dtype.kind not in "iu" or o.min() < fit_end or o.max() > v.size:
        raise ValueError(f"origins must be a non-empty list of ints in [fit_end, len(y)] = [{fit_end}, {v.size}], got {origins!r}")
    if trend not in (None, "add"):
        raise ValueError(f"trend must be None or 'add' (additive errors and states only), got {trend!r}")
    lv = _levels(levels)
    spec = {"error": "add", "trend": trend, "damped_trend": as_bool("damped_trend", damped_trend) and trend is not None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of the optimiser
        fitted = ETSModel(pd.Series(v[:fit_end]), **spec).fit(disp=False)
        states = ETSModel(pd.Series(v[: o.max()]), **spec).smooth(fitted.params).states.to_numpy()  # (T_o, S)
        half = np.stack([(lambda f: (f["pi_upper"] - f["mean"]).to_numpy())(
            fitted.get_prediction(start=fit_end, end=fit_end + horizon - 1).summary_frame(alpha=1 - a)) for a in lv])
    h = np.arange(1, horizon + 1)
    level = states[o - 1, 0]  # the state after observing y[o - 1]
    if trend is None:
        point = np.repeat(level[:, None], horizon, axis=1)
    else:
        params = dict(zip(fitted.model.param_names, np.asarray(fitted.params, dtype=float)))
        phi = params["damping_trend"] if spec["damped_trend"] else 1.0
        point = level[:, None] + np.cumsum(phi ** h)[None, :] * states[o - 1, 1][:, None]
    return point, point[None] - half[:, None, :], point[None] + half[:, None, :]
