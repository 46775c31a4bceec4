"""Find the seasonal period(s) of a series from the data: periodogram and autocorrelation.

* The **periodogram** ``P(f_k) = |Σ_t y_t e^{-2πi k t / T}|² / T`` measures how much of the
  variance repeats with frequency ``f_k = k / T``, i.e. period ``T / k`` steps.
* The **autocorrelation** ``ρ(ℓ) = Σ_t (y_t - ȳ)(y_{t+ℓ} - ȳ) / Σ_t (y_t - ȳ)²`` is high at a
  lag ``ℓ`` equal to the period (the series resembles itself one season later).

:func:`detect_periods` takes the periodogram's strongest peaks and locates each on a finer
frequency grid; check the answer on the autocorrelation (a peak near the lag found).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from tslab._checks import as_array, as_int

__all__ = ["autocorrelation", "periodogram", "detect_periods"]


def _series(y: ArrayLike, min_len: int = 4) -> np.ndarray:
    v = as_array("y", y)
    if v.ndim != 1:
        raise ValueError(f"y must be 1-D (T,), got shape {v.shape}")
    if v.size < min_len:
        raise ValueError(f"y must have at least {min_len} values, got {v.size}")
    return v


def autocorrelation(y: ArrayLike, max_lag: int) -> np.ndarray:
    """Sample autocorrelation ``ρ(0..max_lag)`` (the same estimator as ``statsmodels.tsa.stattools.acf``).

    Args:
        y: series ``(T,)``.
        max_lag: largest lag, ``1 <= max_lag < T``.

    Returns:
        ``(max_lag + 1,)``, ``ρ(0) = 1``.
    """
    v = _series(y, 2)
    max_lag = as_int("max_lag", max_lag, 1)
    if max_lag >= v.size:
        raise ValueError(f"max_lag must be < len(y) = {v.size}, got {max_lag}")
    d = v - v.mean()
    denom = float(d @ d)
    if denom == 0:
        raise ValueError("y must not be constant (its autocorrelation is undefined)")
    n = 1 << int(np.ceil(np.log2(2 * v.size)))  # FFT length with zero padding: no wrap-around
    spec = np.fft.rfft(d, n)
    acov = np.fft.irfft(spec * np.conj(spec), n)[: max_lag + 1]
    return acov / denom


def periodogram(y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Periods ``T / k`` and their periodogram power, for ``k = 1 .. T // 2``, after removing a linear trend.

    Args:
        y: series ``(T,)``.

    Returns:
        ``(periods, power)``, both ``(T // 2,)``, periods decreasing.
    """
    v = _series(y)
    t = np.arange(v.size)
    d = v - np.polyval(np.polyfit(t, v, 1), t)  # a trend would put all power at the lowest frequencies
    power = np.abs(np.fft.rfft(d)) ** 2 / v.size
    k = np.arange(1, v.size // 2 + 1)
    return v.size / k, power[k]


def detect_periods(y: ArrayLike, max_period: int | None = None, n: int = 1) -> list[int]:
    """The ``n`` strongest seasonal periods of ``y`` (in steps), strongest first.

    Periodogram peaks with at least two full cycles in ``y`` (period ``<= T / 2``, and
    ``<= max_period``). A peak at ``k`` only says "between ``T / (k + 1)`` and ``T / (k - 1)``";
    each is refined on a 16 times finer frequency grid (the periodogram of ``y`` padded with zeros)
    and rounded to whole steps.

    Args:
        y: series ``(T,)``, at least 8 values.
        max_period: longest period to consider; default (and at most) ``T // 2``.
        n: how many periods to return (fewer if the series has fewer peaks).

    Returns:
        List of ``int`` periods (``[]`` if there is no peak).
    """
    v = _series(y, 8)
    n = as_int("n", n, 1)
    top = v.size // 2
    max_period = top if max_period is None else min(as_int("max_period", max_period, 2), top)
    periods, power = periodogram(v)
    t = np.arange(v.size)
    d = v - np.polyval(np.polyfit(t, v, 1), t)
    fine = np.abs(np.fft.rfft(d, 16 * v.size)) ** 2  # fine[j]: frequency j / (16 T)
    k = np.arange(1, power.size + 1)
    peak = np.ones(power.size, bool)
    peak[1:] &= power[1:] > power[:-1]
    peak[:-1] &= power[:-1] >= power[1:]
    ok = peak & (periods <= max_period) & (periods >= 2) & (k >= 2)
    found: list[int] = []
    for i in np.flatnonzero(ok)[np.argsort(-power[ok])]:
        js = np.arange(16 * k[i] - 15, 16 * k[i] + 16)  # between the neighbouring Fourier frequencies
        j = js[np.argmax(fine[js])]
        period = int(round(16 * v.size / j))
        if 2 <= period <= max_period and period not in found:
            found.append(period)
        if len(found) == n:
            break
    return found
