"""Shared input checks for tslab's public functions (internal).

Each check returns the cleaned value or raises ``TypeError`` (wrong kind of thing) / ``ValueError``
(right kind, bad value) with a message that names the argument, what was expected and what came::

    horizon must be an int >= 1, got 0
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

FLOAT32_MAX = float(np.finfo(np.float32).max)


def _got(value: Any) -> str:
    text = repr(value) if isinstance(value, (str, int, float, complex, bool, type(None), np.generic)) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _bounds(minimum: float | None, maximum: float | None, lo_open: bool = False, hi_open: bool = False) -> str:
    if minimum is not None and maximum is not None:
        return f" in {'(' if lo_open else '['}{minimum}, {maximum}{')' if hi_open else ']'}"
    if minimum is not None:
        return f" {'>' if lo_open else '>='} {minimum}"
    return f" {'<' if hi_open else '<='} {maximum}" if maximum is not None else ""


def as_int(name: str, value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as a Python int (not a bool, not a float such as 3.0) within the bounds."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int{_bounds(minimum, maximum)}, got {_got(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be an int{_bounds(minimum, maximum)}, got {value}")
    return int(value)


def as_float(name: str, value: Any, minimum: float | None = None, maximum: float | None = None, *,
             lo_open: bool = False, hi_open: bool = False) -> float:
    """``value`` as a real, finite Python float within the bounds (open ends if ``lo_open``/``hi_open``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number{_bounds(minimum, maximum, lo_open, hi_open)}, got {_got(value)}")
    value = float(value)
    if not math.isfinite(value) or (minimum is not None and (value < minimum or (lo_open and value == minimum))) \
            or (maximum is not None and (value > maximum or (hi_open and value == maximum))):
        raise ValueError(f"{name} must be a finite number{_bounds(minimum, maximum, lo_open, hi_open)}, got {value}")
    return value


def as_bool(name: str, value: Any) -> bool:
    """``value`` as True/False; truthy strings such as ``"no"`` and numbers are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_got(value)}")
    return bool(value)


def as_choice(name: str, value: Any, choices: Sequence[Any]) -> Any:
    """``value`` if it is one of ``choices`` (strings compared case-insensitively, returned lowercase)."""
    key = value.lower() if isinstance(value, str) else value
    if not isinstance(value, (str, type(None), bool, int)) or key not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {_got(value)}")
    return key


def check_time_index(name: str, obj: Any) -> None:
    """A pandas object indexed by time must be sorted and free of duplicate timestamps."""
    index = getattr(obj, "index", None)
    if not isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex, pd.TimedeltaIndex)):
        return
    if index.hasnans:
        raise ValueError(f"{name} must have a time index without missing dates (NaT), got {int(index.isna().sum())}")
    if index.has_duplicates:
        raise ValueError(f"{name} must have unique timestamps, got duplicates at {list(index[index.duplicated()][:3])}: "
                         "aggregate them first, e.g. series.groupby(level=0).mean()")
    if not index.is_monotonic_increasing:
        raise ValueError(f"{name} must have a time index sorted in increasing order, got an unsorted one: "
                         "sort it yourself with .sort_index()")


def as_array(name: str, value: Any, ndim: Sequence[int] = (1, 2), *, min_len: int = 0,
             finite: bool = True, float32: bool = True) -> np.ndarray:
    """``value`` (array, list, pandas object or tensor) as a real float64 NumPy array.

    Refuses strings, objects, complex numbers and booleans; a dimension count not in ``ndim``;
    fewer than ``min_len`` entries along the first axis; NaN/inf when ``finite``; values beyond
    float32's range when ``float32`` (they would become inf in a float32 model); and a pandas time
    index that is unsorted or has duplicates.
    """
    if isinstance(value, (pd.Series, pd.DataFrame)):
        check_time_index(name, value)
        value = value.to_numpy()
    elif hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch.Tensor, without importing torch
        value = value.detach().cpu().numpy()
    elif not isinstance(value, (np.ndarray, list, tuple, np.generic, int, float)) or isinstance(value, bool):
        raise TypeError(f"{name} must be an array-like of numbers (NumPy array, list, pandas Series), got {_got(value)}")
    try:
        arr = np.asarray(value)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers, got a ragged {type(value).__name__}") from err
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}"
                        + (" (take .real or abs() yourself)" if arr.dtype.kind == "c" else ""))
    if arr.ndim not in tuple(ndim):
        raise ValueError(f"{name} must be {' or '.join(f'{d}-D' for d in ndim)}, got {arr.ndim}-D with shape {arr.shape}")
    if arr.ndim and len(arr) < min_len:
        raise ValueError(f"{name} must have at least {min_len} value(s) along its first axis, got shape {arr.shape}")
    arr = arr.astype(np.float64, copy=False)
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {int(np.sum(~np.isfinite(arr)))} NaN/inf value(s)")
    if float32 and arr.size and np.nanmax(np.abs(np.where(np.isfinite(arr), arr, 0.0))) > FLOAT32_MAX:
        raise ValueError(f"{name} must lie within float32's range (|x| <= {FLOAT32_MAX:.3g}), got {np.nanmax(np.abs(arr)):.3g}")
    return arr
