"""Calendar features: the position in the day, week or year as a sine–cosine pair.

A raw ``dayofweek`` of 0..6 tells a model that Sunday (6) is far from Monday (0); they are
neighbours. Mapping a position ``p`` in a cycle of length ``P`` to the point
``(sin 2πp/P, cos 2πp/P)`` on a circle makes the first and last positions close, with two
numbers per cycle. Calendar features are **known in the future** (tomorrow's date is certain),
unlike a measured variable, which is known only up to the forecast origin.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from tslab._checks import check_time_index

__all__ = ["CALENDAR_CYCLES", "calendar_features"]

CALENDAR_CYCLES = {
    "hour": "hour of the day (cycle 24 h, with minutes)",
    "dayofweek": "day of the week (cycle 7 days, Monday = 0)",
    "dayofyear": "day of the year (cycle 365 or 366 days)",
    "month": "month of the year (cycle 12)",
}


def _position(index: pd.DatetimeIndex, cycle: str) -> np.ndarray:
    """Position in the cycle as a fraction in [0, 1)."""
    if cycle == "hour":
        return (index.hour + index.minute / 60) / 24
    if cycle == "dayofweek":
        return index.day_of_week / 7
    if cycle == "dayofyear":
        return (index.day_of_year - 1) / np.where(index.is_leap_year, 366, 365)
    return (index.month - 1) / 12


def calendar_features(index: pd.DatetimeIndex | pd.Series | pd.DataFrame,
                      cycles: str | Sequence[str] = ("dayofyear",)) -> pd.DataFrame:
    """Sine–cosine pairs for calendar cycles.

    Args:
        index: a ``DatetimeIndex`` ``(T,)`` (or a pandas object indexed by one).
        cycles: names from :data:`CALENDAR_CYCLES`, e.g. ``("dayofweek", "dayofyear")``.

    Returns:
        DataFrame ``(T, 2 · len(cycles))`` on ``index`` with columns ``<cycle>_sin``, ``<cycle>_cos``,
        values in [-1, 1].
    """
    if isinstance(index, (pd.Series, pd.DataFrame)):
        index = index.index
    if not isinstance(index, pd.DatetimeIndex):
        raise TypeError(f"index must be a pandas DatetimeIndex (or a Series/DataFrame on one), got {type(index).__name__}")
    if index.size == 0:
        raise ValueError("index must hold at least one timestamp, got an empty DatetimeIndex")
    check_time_index("index", pd.Series(0.0, index=index))
    if not isinstance(cycles, (str, list, tuple)):
        raise TypeError(f"cycles must be a name or a list of names from {list(CALENDAR_CYCLES)}, got {type(cycles).__name__}")
    names = [cycles] if isinstance(cycles, str) else list(cycles)
    unknown = [c for c in names if c not in CALENDAR_CYCLES]
    if not names or unknown:
        raise ValueError(f"cycles must be a non-empty list of {list(CALENDAR_CYCLES)}, got {cycles!r}")
    out = {}
    for c in names:
        angle = 2 * np.pi * np.asarray(_position(index, c), dtype=float)
        out[f"{c}_sin"], out[f"{c}_cos"] = np.sin(angle), np.cos(angle)
    return pd.DataFrame(out, index=index)
