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

__all__ = ["conformal_quantiles", "conformal_interval", "coverage", "mean_width"]


def _array(x: ArrayLike, name: str, ndim: tuple[int, ...]) -> np.ndarray:
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}") from err
    if a.ndim not in ndim:
        raise ValueError(f"{name} must be {' or '.join(f'{d}-D' for d in ndim)}, got shape {a.shape}")
    if a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be non-empty and finite, got shape {a.shape} with "
                         f"{int(np.size(a) - np.isfinite(a).sum())} NaN/inf")
    return a


def _levels(levels: float | Sequence[float]) -> np.ndarray:
    lv = np.atleast_1d(np.asarray(levels, dtype=float)) if not isinstance(levels, str) else None
    if lv is None or lv.ndim != 1 or lv.size == 0 or not np.all((lv > 0) & (lv < 1)):
        raise ValueError(f"levels must be one number or a list of numbers in (0, 1) such as 0.8, got {levels!r}")
    return lv


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
    lv = _levels(levels)
    if not isinstance(per_horizon, (bool, np.bool_)):
        raise TypeError(f"per_horizon must be True or False, got {per_horizon!r}")
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
