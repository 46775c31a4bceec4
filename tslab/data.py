"""Data for the course: synthetic generators, windows, splits, scaling and real series.

Shapes use PyTorch's letters: ``N`` windows (batch), ``L`` time steps, ``F`` features, ``T`` the
length of a whole series. Generators return NumPy arrays; real datasets return pandas objects with
a ``DatetimeIndex``. Everything random takes a ``seed``; nothing is ever silently truncated.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np
import pandas as pd
import torch
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from torch.utils.data import DataLoader, TensorDataset

from tslab._checks import as_array, as_bool, as_choice, as_float, as_int, as_path, as_type

__all__ = [
    "AnomalyData",
    "TrendSeries",
    "make_anomaly_dataset",
    "make_trend_series",
    "make_sine_windows",
    "make_windows",
    "chronological_split",
    "Scaler",
    "make_loader",
    "load_dataset",
    "load_csv",
    "LoadReport",
    "DATASETS",
]

ArrayLike = np.ndarray | pd.Series | pd.DataFrame


# --------------------------------------------------------------------------- synthetic data
class AnomalyData(NamedTuple):
    """The anomaly-classification dataset.

    Attributes:
        X: ``(N, L)`` float32 signals (add the feature axis with ``X[..., None]`` for an RNN).
        y: ``(N,)`` int64 labels, 0 = normal, 1 = anomaly.
        spike_start: ``(N,)`` int64 index where the spike starts, -1 for normal series.
        t: ``(L,)`` the time axis the sines were drawn on.
    """

    X: np.ndarray
    y: np.ndarray
    spike_start: np.ndarray
    t: np.ndarray


def make_anomaly_dataset(
    n_samples: int = 2000,
    seq_len: int = 50,
    seed: int = 0,
    *,
    anomaly_frac: float = 0.5,
    spike_len: int = 3,
    spike_height: float = 3.0,
    normal_noise: float = 0.1,
    anomaly_noise: float | None = None,
) -> AnomalyData:
    """Normal sines versus sines with a short spike.

    A normal series is ``sin(t)`` plus Gaussian noise of std ``normal_noise``; an anomaly is
    ``sin(t)`` plus a spike of ``spike_len`` steps (height drawn around ``spike_height``) at a random
    position away from the edges (never in the first or last ``seq_len // 5`` steps), plus Gaussian
    noise of std ``anomaly_noise``. Each series starts at a random phase, so the model cannot
    memorise one curve.

    By default both classes have the same noise, so the spike is the **only** difference: a
    classifier has to find it. Passing a larger ``anomaly_noise`` (e.g. ``0.3``, the course's first
    version of this task) adds a shortcut: the noise level alone then separates the classes and a
    model can score well without ever looking at the spike ("shortcut learning", notebook 05).

    Args:
        n_samples: number of series ``N`` (>= 2).
        seq_len: length ``L`` of each series (>= 2 * spike_len + 2).
        seed: random seed.
        anomaly_frac: expected share of anomalies, in (0, 1).
        spike_len: steps of the spike (>= 1).
        spike_height: mean height added at each spike step (>= 0; each step draws N(height, 0.5^2)).
        normal_noise: noise std of normal series (>= 0).
        anomaly_noise: noise std of anomalies (>= 0); ``None`` (default) = ``normal_noise``.

    Returns:
        :class:`AnomalyData` with ``X (N, L)``, ``y (N,)``, ``spike_start (N,)`` and ``t (L,)``.
    """
    n_samples = as_int("n_samples", n_samples, 2)
    spike_len = as_int("spike_len", spike_len, 1)
    seq_len = as_int("seq_len", seq_len, 2 * spike_len + 2)
    anomaly_frac = as_float("anomaly_frac", anomaly_frac, 0, 1, lo_open=True, hi_open=True)
    spike_height, seed = as_float("spike_height", spike_height, 0), as_int("seed", seed, 0)
    normal_noise = as_float("normal_noise", normal_noise, 0)
    anomaly_noise = normal_noise if anomaly_noise is None else as_float("anomaly_noise", anomaly_noise, 0)

    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 10.0, seq_len)
    phase = rng.uniform(0, 2 * np.pi, size=(n_samples, 1))
    y = (rng.random(n_samples) < anomaly_frac).astype(np.int64)
    noise_std = np.where(y == 1, anomaly_noise, normal_noise)[:, None]
    X = np.sin(t[None, :] + phase) + rng.normal(0.0, 1.0, (n_samples, seq_len)) * noise_std

    margin = max(1, seq_len // 5)  # keep spikes away from both ends
    low, high = margin, max(margin + 1, seq_len - margin - spike_len + 1)
    spike_start = np.where(y == 1, rng.integers(low, high, n_samples), -1)
    for i in np.flatnonzero(y):
        s = spike_start[i]
        X[i, s : s + spike_len] += rng.normal(spike_height, 0.5, spike_len)
    return AnomalyData(X.astype(np.float32), y, spike_start.astype(np.int64), t)


class TrendSeries(NamedTuple):
    """A synthetic series with its noise-free signal and known noise variance.

    Attributes:
        t: ``(T,)`` time index 0..T-1.
        series: ``(T,)`` observed values = signal + noise.
        signal: ``(T,)`` the noise-free trend + seasonality.
        noise_var: variance of the Gaussian noise: the lowest mean squared error any forecaster of
            the next value can reach on average (the *noise floor*).
    """

    t: np.ndarray
    series: np.ndarray
    signal: np.ndarray
    noise_var: float


def make_trend_series(
    n_steps: int = 1000,
    seed: int = 0,
    *,
    slope: float = 0.01,
    period: int = 50,
    amplitude: float = 1.0,
    noise_std: float = 0.2,
) -> TrendSeries:
    """Linear trend + sinusoidal seasonality + Gaussian noise.

    ``signal[t] = slope * t + amplitude * sin(2 pi t / period)``; ``series = signal + noise`` with
    ``noise ~ N(0, noise_std**2)``. Since the noise is independent of the past, no model can predict
    it: the best possible next-value MSE is ``noise_var = noise_std**2``.

    Returns:
        :class:`TrendSeries` with ``series``, ``signal`` (both ``(T,)``) and ``noise_var``.
    """
    n_steps = as_int("n_steps", n_steps, 2)
    period, seed = as_int("period", period, 2), as_int("seed", seed, 0)
    noise_std, slope, amplitude = as_float("noise_std", noise_std, 0), as_float("slope", slope), as_float("amplitude", amplitude)
    rng = np.random.default_rng(seed)
    t = np.arange(n_steps, dtype=np.float64)
    signal = slope * t + amplitude * np.sin(2 * np.pi * t / period)
    series = signal + rng.normal(0.0, noise_std, n_steps)
    return TrendSeries(t, series, signal, noise_std**2)


def make_sine_windows(
    n_series: int = 200,
    seq_len: int = 40,
    seed: int = 0,
    *,
    noise_std: float = 0.0,
    freq_range: tuple[float, float] = (0.5, 1.5),
    dt: float = 0.1,
) -> tuple[np.ndarray, np.ndarray]:
    """Next-value windows over phase-shifted sines: given ``L`` steps, predict step ``L + 1``.

    Each window samples ``sin(f t + phase)`` with a random frequency ``f`` in ``freq_range`` and a
    random phase; the target is the (noisy) value one step after the window.

    Returns:
        ``X`` of shape ``(N, L, 1)`` and ``y`` of shape ``(N, 1)``, both float32.
    """
    n_series = as_int("n_series", n_series, 1)
    seq_len = as_int("seq_len", seq_len, 1)
    noise_std, dt, seed = as_float("noise_std", noise_std, 0), as_float("dt", dt, 0, lo_open=True), as_int("seed", seed, 0)
    lo, hi = as_array("freq_range", freq_range, (1,)) if np.size(freq_range) == 2 else (0, 0)
    if not 0 < lo <= hi:
        raise ValueError(f"freq_range must be (low, high) with 0 < low <= high, got {freq_range}")
    rng = np.random.default_rng(seed)
    freq = rng.uniform(lo, hi, (n_series, 1))
    phase = rng.uniform(0, 2 * np.pi, (n_series, 1))
    t = np.arange(seq_len + 1) * dt
    waves = np.sin(freq * t[None, :] + phase) + rng.normal(0.0, noise_std, (n_series, seq_len + 1))
    X = waves[:, :seq_len, None].astype(np.float32)
    y = waves[:, seq_len:].astype(np.float32)
    return X, y


# --------------------------------------------------------------------------- windows and splits
def make_windows(
    series: ArrayLike,
    input_len: int,
    horizon: int = 1,
    stride: int = 1,
    target_col: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into (input window, next values) pairs.

    Window ``i`` covers steps ``[i*stride, i*stride + input_len)``; its target is the ``horizon``
    values right after it. Only windows whose whole target lies inside the series are made.

    Args:
        series: ``(T,)`` univariate or ``(T, F)`` multivariate, time first.
        input_len: window length ``L``, 1 <= L <= T - horizon.
        horizon: how many future steps to predict (>= 1).
        stride: step between window starts (>= 1).
        target_col: for a 2-D series, the column to predict; ``None`` predicts every column.

    Returns:
        ``X`` of shape ``(N, L, F)`` (``F = 1`` for a 1-D series: the trailing feature axis an RNN
        needs) and ``Y`` of shape ``(N, horizon)`` for a 1-D series or a chosen ``target_col``,
        else ``(N, horizon, F)``. ``N = (T - L - horizon) // stride + 1``. Both float32.

    Example:
        >>> X, Y = make_windows(np.arange(6.0), input_len=3)
        >>> X[:, :, 0].tolist(), Y.tolist()
        ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [[3.0], [4.0], [5.0]])
    """
    values = as_array("series", series, min_len=1)
    n_steps = len(values)
    horizon = as_int("horizon", horizon, 1)
    stride = as_int("stride", stride, 1)
    input_len = as_int("input_len", input_len, 1)
    if input_len > n_steps - horizon:
        raise ValueError(
            f"input_len must be between 1 and len(series) - horizon = {n_steps - horizon} "
            f"(series of length {n_steps}, horizon {horizon}), got {input_len}"
        )
    data = values[:, None] if values.ndim == 1 else values
    if target_col is not None:
        if values.ndim == 1:
            raise ValueError("target_col only applies to a 2-D (T, F) series; got a 1-D series")
        target_col = as_int("target_col", target_col, -data.shape[1], data.shape[1] - 1)
    starts = np.arange(0, n_steps - input_len - horizon + 1, stride)
    steps = np.arange(input_len)
    X = data[starts[:, None] + steps[None, :]]  # (N, L, F)
    future = data[starts[:, None] + input_len + np.arange(horizon)[None, :]]  # (N, horizon, F)
    if values.ndim == 1:
        Y = future[:, :, 0]
    elif target_col is not None:
        Y = future[:, :, target_col]
    else:
        Y = future
    return X.astype(np.float32), Y.astype(np.float32)


def chronological_split(
    series: ArrayLike, train_frac: float = 0.7, val_frac: float = 0.15
) -> tuple[ArrayLike, ArrayLike, ArrayLike]:
    """Split a series in time order into train, validation and test parts, with no overlap.

    Split **before** windowing, so that no window crosses a boundary and the test part stays in
    the future of everything the model saw. ``val_frac=0`` gives an empty validation part.

    Args:
        series: ``(T,)`` or ``(T, F)`` array, or a pandas Series/DataFrame (index kept).
        train_frac: share of steps for training, in (0, 1).
        val_frac: share for validation, in [0, 1); ``train_frac + val_frac`` must be < 1.

    Returns:
        ``(train, val, test)`` of the same type as ``series``; ``train`` holds the first
        ``round(T * train_frac)`` steps.
    """
    values = as_array("series", series)  # checks NaN / shape / time index
    series, n_steps = (series if isinstance(series, (pd.Series, pd.DataFrame)) else values), len(values)
    train_frac = as_float("train_frac", train_frac, 0, 1, lo_open=True, hi_open=True)
    val_frac = as_float("val_frac", val_frac, 0, 1, hi_open=True)
    if train_frac + val_frac >= 1:
        raise ValueError(
            f"train_frac + val_frac must be < 1 to leave a test part, got {train_frac} + {val_frac} = "
            f"{train_frac + val_frac}"
        )
    n_train = int(round(n_steps * train_frac))
    n_val = int(round(n_steps * val_frac))
    if n_train < 1 or n_steps - n_train - n_val < 1 or (val_frac > 0 and n_val < 1):
        raise ValueError(
            f"series of length {n_steps} is too short for train_frac={train_frac}, val_frac={val_frac}: "
            f"got {n_train} train, {n_val} validation, {n_steps - n_train - n_val} test steps"
        )
    a, b = n_train, n_train + n_val
    if isinstance(series, (pd.Series, pd.DataFrame)):
        return series.iloc[:a], series.iloc[a:b], series.iloc[b:]
    return series[:a], series[a:b], series[b:]


# --------------------------------------------------------------------------- scaling
class Scaler:
    """Scale features with statistics from the **training part only**, and scale back.

    A thin wrapper over scikit-learn's ``StandardScaler`` / ``MinMaxScaler`` that accepts any
    array whose last axis is the feature axis: ``(T,)``, ``(T, F)`` or windows ``(N, L, F)``.

    Example:
        >>> scaler = Scaler("standard").fit(train)
        >>> train_s, test_s = scaler.transform(train), scaler.transform(test)
        >>> scaler.inverse_transform(test_s)  # back in original units
    """

    KINDS = ("standard", "minmax")

    def __init__(self, kind: str = "standard") -> None:
        self.kind = kind = as_choice("kind", kind, self.KINDS)
        self._sk = StandardScaler() if kind == "standard" else MinMaxScaler()
        self.n_features: int | None = None
        self._one_d = False

    def __repr__(self) -> str:
        state = "unfitted" if self.n_features is None else f"fitted on {self.n_features} feature(s)"
        return f"Scaler(kind={self.kind!r}, {state})"

    def fit(self, train: ArrayLike) -> "Scaler":
        """Learn the scaling from ``train`` of shape ``(T,)`` or ``(T, F)``; returns ``self``."""
        values = as_array("train", train, min_len=1)
        self._one_d = values.ndim == 1
        values2d = values.reshape(len(values), -1)
        self._sk.fit(values2d)
        self.n_features = values2d.shape[1]
        return self

    def _apply(self, x: ArrayLike, fn_name: str, arg: str) -> np.ndarray:
        if self.n_features is None:
            raise ValueError("this Scaler is not fitted yet: call .fit(train) first")
        values = as_array(arg, x, ndim=range(1, 8), min_len=1)
        if self._one_d and (values.ndim == 1 or values.shape[-1] != 1):
            flat = values.reshape(-1, 1)  # univariate: every entry is the one feature
        else:
            if values.ndim == 0 or values.shape[-1] != self.n_features:
                raise ValueError(
                    f"{arg} must have {self.n_features} feature(s) on its last axis, got shape {values.shape}"
                )
            flat = values.reshape(-1, self.n_features)
        out = getattr(self._sk, fn_name)(flat)
        return as_array(f"{fn_name}({arg})", out).reshape(values.shape).astype(np.float32)

    def transform(self, x: ArrayLike) -> np.ndarray:
        """Scale ``x`` (any shape whose last axis holds the F features; any shape if univariate)."""
        return self._apply(x, "transform", "x")

    def inverse_transform(self, x: ArrayLike) -> np.ndarray:
        """Undo :meth:`transform`: back to original units."""
        return self._apply(x, "inverse_transform", "x")


def make_loader(
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    batch_size: int = 64,
    shuffle: bool = False,
    seed: int = 0,
) -> DataLoader:
    """A ``DataLoader`` over ``(X, y)`` pairs.

    ``X`` becomes float32. ``y`` stays int64 if it holds integers (class labels for
    ``CrossEntropyLoss``), else float32. Shuffling (of whole windows, never of time steps inside
    them) uses its own seeded generator, so two runs see the same batches.

    Args:
        X: ``(N, L, F)`` windows.
        y: ``(N,)`` labels or ``(N, H)`` targets; same ``N``.
    """
    X_t, y_arr = torch.as_tensor(as_array("X", X, range(8))).float(), as_array("y", y, range(8))
    labels = (not torch.is_floating_point(y)) if isinstance(y, torch.Tensor) else np.asarray(y).dtype.kind in "biu"
    y_t = torch.as_tensor(y_arr).long() if labels else torch.as_tensor(y_arr).float()
    if X_t.ndim != 3:
        raise ValueError(
            f"X must be 3-D (N, L, F): N windows of L steps with F features; got shape {tuple(X_t.shape)}. "
            "A univariate window needs the trailing feature axis: X[..., None]"
        )
    if len(X_t) != len(y_t):
        raise ValueError(f"X and y must have the same number of samples N, got {len(X_t)} and {len(y_t)}")
    batch_size, shuffle, seed = as_int("batch_size", batch_size, 1), as_bool("shuffle", shuffle), as_int("seed", seed, 0)
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(TensorDataset(X_t, y_t), batch_size=batch_size, shuffle=shuffle, generator=generator)


# --------------------------------------------------------------------------- real data
# Indices are built from explicit offsets, never from frequency strings: "YS-JAN", "QS" and
# ``PeriodIndex.from_fields`` changed meaning or appeared between pandas 2.0 and 3.x, and a loader
# must give the same index on every supported pandas. Nanosecond unit everywhere (pandas 3 would
# otherwise pick microseconds, pandas 2 nanoseconds).
def _regular_index(stamps: pd.DatetimeIndex, offset: pd.DateOffset, what: str) -> pd.DatetimeIndex:
    """A gap-free ``DatetimeIndex`` with ``freq=offset``, checked equal to ``stamps`` from the source."""
    index = pd.date_range(stamps[0], periods=len(stamps), freq=offset).as_unit("ns")
    if not index.equals(pd.DatetimeIndex(stamps).as_unit("ns")):
        raise ValueError(f"{what}: the source's dates are not one every {offset.freqstr} without gaps")
    return index


def _load_co2() -> pd.Series:
    from statsmodels.datasets import co2

    weekly = co2.load_pandas().data["co2"]
    monthly = weekly.resample(pd.offsets.MonthBegin(1)).mean()
    # Weeks with no reading leave a few months empty: interpolate in time (no future leakage
    # matters here, the gaps lie far from any test period we use).
    monthly = monthly.interpolate(method="time").dropna()
    index = _regular_index(pd.DatetimeIndex(monthly.index), pd.offsets.MonthBegin(1), "co2")
    return pd.Series(monthly.to_numpy(dtype=float), index=index, name="co2")


def _load_sunspots() -> pd.Series:
    from statsmodels.datasets import sunspots

    df = sunspots.load_pandas().data
    stamps = pd.DatetimeIndex([pd.Timestamp(year=int(y), month=1, day=1) for y in df["YEAR"]])
    index = _regular_index(stamps, pd.offsets.YearBegin(month=1), "sunspots")
    return pd.Series(df["SUNACTIVITY"].to_numpy(dtype=float), index=index, name="sunspots")


def _load_macrodata() -> pd.DataFrame:
    from statsmodels.datasets import macrodata

    df = macrodata.load_pandas().data
    stamps = pd.DatetimeIndex([pd.Timestamp(year=int(y), month=3 * int(q) - 2, day=1)
                               for y, q in zip(df["year"], df["quarter"])])
    index = _regular_index(stamps, pd.offsets.QuarterBegin(startingMonth=1), "macrodata")
    out = df.drop(columns=["year", "quarter"])
    out.index = index
    return out


DATASETS = {
    "co2": "Mauna Loa CO2 (ppm), monthly 1958-2001, from weekly readings with gaps filled",
    "sunspots": "Yearly mean sunspot numbers, 1700-2008",
    "macrodata": "US macroeconomic indicators, quarterly 1959-2009, 12 columns",
}
_LOADERS = {"co2": _load_co2, "sunspots": _load_sunspots, "macrodata": _load_macrodata}


def load_dataset(name: str) -> pd.Series | pd.DataFrame:
    """Load a real series that ships with statsmodels (no download, works offline).

    Args:
        name: one of ``"co2"`` (monthly Series), ``"sunspots"`` (yearly Series),
            ``"macrodata"`` (quarterly DataFrame).

    Returns:
        A pandas object with a ``DatetimeIndex`` and no NaNs.
    """
    key = as_type("name", name, str, "a str").strip().lower()
    if key not in _LOADERS:
        listing = ", ".join(f"{k!r} ({v})" for k, v in DATASETS.items())
        raise ValueError(f"name must be one of the available datasets: {listing}; got {name!r}")
    return _LOADERS[key]()


class LoadReport(NamedTuple):
    """What :func:`load_csv` found in a file and what it did about it.

    Attributes:
        freq: the detected (or given) frequency as a pandas string, e.g. ``"D"``, ``"h"``, ``"MS"``;
            ``None`` when ``freq=None`` kept the rows as they are.
        n_rows: data rows in the file.
        n_unsorted: rows that were out of date order (they were sorted).
        missing_timestamps: the timestamps of the regular grid that had no row (rows added as NaN).
        missing_values: per value column, the timestamps whose cell was empty in the file.
        fill: the fill policy applied (``"interpolate"``, ``"ffill"`` or ``None``).
        dropped: timestamps at the start/end that the policy could not fill and were dropped.
    """

    freq: str | None
    n_rows: int
    n_unsorted: int
    missing_timestamps: pd.DatetimeIndex
    missing_values: dict[str, pd.DatetimeIndex]
    fill: str | None
    dropped: pd.DatetimeIndex

    def __str__(self) -> str:
        def where(ts: pd.DatetimeIndex) -> str:
            if len(ts) == 0:
                return "0"
            shown = ", ".join(str(t.date()) if t == t.normalize() else str(t) for t in ts[:3])
            return f"{len(ts)} ({shown}{', ...' if len(ts) > 3 else ''})"

        lines = [f"rows in file: {self.n_rows}; frequency: {self.freq}; rows out of date order (sorted): {self.n_unsorted}",
                 f"missing timestamps (added as empty rows): {where(self.missing_timestamps)}"]
        lines += [f"missing values in {col!r}: {where(ts)}" for col, ts in self.missing_values.items()]
        policy = {"interpolate": "linear interpolation in time (uses the value after each gap)",
                  "ffill": "forward fill (the last value seen; uses no future value)", None: "none (no gap allowed)"}
        lines.append(f"fill policy: {policy[self.fill]}; dropped at the ends: {where(self.dropped)}")
        return "\n".join(lines)


def _rows(mask: np.ndarray | pd.Series, limit: int = 5) -> str:
    """File line numbers (header = line 1) of the True entries of ``mask``, the first few."""
    lines = (np.flatnonzero(np.asarray(mask)) + 2).tolist()
    return f"{lines[:limit]}{' ...' if len(lines) > limit else ''} ({len(lines)} in all)"


def _detect_freq(index: pd.DatetimeIndex) -> pd.DateOffset:
    """The step of a sorted, unique ``DatetimeIndex``, allowing gaps; ValueError if it has none.

    Tries business days (only weekdays, daily steps), the most common difference as a fixed step
    (days, hours, minutes...), then calendar steps (month/quarter/year starts or ends). A step is accepted
    only if every timestamp lies on its grid.
    """
    diffs = pd.Series(index[1:] - index[:-1])
    step = diffs.mode().iloc[0]
    candidates: list[pd.DateOffset] = []
    if step == pd.Timedelta(days=1) and len(index) >= 10 and (index.day_of_week < 5).all():
        candidates.append(pd.offsets.BDay())  # weekdays only: weekends are not missing
    whole_days = step % pd.Timedelta(days=1) == pd.Timedelta(0)
    candidates.append(pd.offsets.Day(step.days) if whole_days else pd.tseries.frequencies.to_offset(step))
    candidates += [pd.offsets.MonthBegin(), pd.offsets.MonthEnd(), pd.offsets.QuarterBegin(startingMonth=1),
                   pd.offsets.QuarterEnd(startingMonth=12), pd.offsets.YearBegin(), pd.offsets.YearEnd()]
    for offset in candidates:
        if not offset.is_on_offset(index[0]):
            continue
        grid = pd.date_range(index[0], index[-1], freq=offset)
        if len(grid) <= 2 * len(index) and index.isin(grid).all():
            return offset
    raise ValueError(
        f"date_column: the timestamps have no regular step (most common step {step}, "
        f"steps range from {diffs.min()} to {diffs.max()}); aggregate them yourself (e.g. "
        f"df.resample('D').mean()) or pass freq=None to keep the rows as they are"
    )


def load_csv(
    path: str | Path,
    date_column: str,
    value_columns: str | Sequence[str] | None = None,
    *,
    freq: str | None = "infer",
    fill: str | None = "interpolate",
    min_length: int = 2,
    sep: str = ",",
    verbose: bool = False,
    return_report: bool = False,
) -> pd.Series | pd.DataFrame | tuple[pd.Series | pd.DataFrame, LoadReport]:
    """Load your own time series from a CSV file, check it, and put it on a regular time grid.

    Steps: parse ``date_column`` as dates, sort, detect the frequency, **report** missing
    timestamps (grid points with no row) and missing values (empty cells), then fill them with
    the stated ``fill`` policy. Nothing is ever resampled or averaged silently.

    Args:
        path: the CSV file.
        date_column: the column holding dates; it becomes a sorted ``DatetimeIndex``.
        value_columns: one column (returns a Series ``(T,)``) or several (a DataFrame ``(T, F)``);
            ``None`` keeps every numeric column.
        freq: ``"infer"`` detects the step and reindexes onto the regular grid (missing timestamps
            become missing values); a pandas frequency (``"D"``, ``"h"``, ``"MS"``) is checked the
            same way; ``None`` keeps the rows as they are.
        fill: ``"interpolate"`` (linear in time; reads the value *after* a gap, fine for a
            history, not inside a backtest), ``"ffill"`` (last value seen) or ``None`` (raise if
            anything is missing). Unfillable rows at the ends are dropped and reported.
        min_length: the fewest rows the result may have (e.g. window length + horizon).
        sep: the delimiter, e.g. ``";"``.
        verbose: print the report.
        return_report: also return the :class:`LoadReport`.

    Returns:
        The data (Series or DataFrame on a ``DatetimeIndex``), or ``(data, report)``.

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: naming the column and the file lines for: an empty file, a missing column
            (with a hint if the delimiter looks wrong), unparsable or duplicated timestamps,
            non-numeric values, timestamps off the grid of ``freq``, missing values with
            ``fill=None``, or fewer than ``min_length`` rows.
    """
    path = as_path("path", path, exists=True)
    fill = as_choice("fill", fill, ("interpolate", "ffill", None))
    verbose, return_report = as_bool("verbose", verbose), as_bool("return_report", return_report)
    min_length = as_int("min_length", min_length, 1)
    if not isinstance(sep, str) or not sep:
        raise TypeError(f"sep must be a non-empty str such as ',' or ';', got {sep!r}")
    try:
        raw = pd.read_csv(path, sep=sep)
    except pd.errors.EmptyDataError as err:
        raise ValueError(f"path must be a readable CSV file with a header line and data rows, got {str(path)!r}, which is empty") from err
    except (ValueError, UnicodeDecodeError) as err:  # ParserError is a ValueError; binary files fail to decode
        raise ValueError(f"path must be a readable CSV file with a header row, got {str(path)!r}: {err}") from err
    if not isinstance(raw.index, pd.RangeIndex):  # pandas moves the extra fields of long rows into the index
        raise ValueError(f"path must be a CSV file whose rows have as many fields as its header, got {str(path)!r}")
    if date_column not in raw.columns:
        hint = ""
        if raw.shape[1] == 1:
            guess = next((c for c in ";\t|," if c != sep and c in str(raw.columns[0])), None)
            hint = f"; the file has a single column {raw.columns[0]!r}: is the delimiter {guess!r}? pass sep={guess!r}" if guess else ""
        raise ValueError(f"date_column must be one of the file's columns {list(raw.columns)}, got {date_column!r}{hint}")
    if pd.api.types.is_numeric_dtype(raw[date_column]):
        raise ValueError(f"date_column {date_column!r} must hold date strings such as 2020-01-31, got {raw[date_column].dtype} "
                         "values (numbers would silently become 1970 timestamps)")
    # dates: every cell must parse
    dates = pd.to_datetime(raw[date_column], errors="coerce", format="mixed")
    bad = dates.isna().to_numpy()
    if bad.any():
        examples = raw[date_column][bad].head(3).tolist()
        raise ValueError(f"date_column {date_column!r} has unparsable or empty dates {examples} on file lines {_rows(bad)}")
    dup = dates.duplicated(keep=False).to_numpy()
    if dup.any():
        raise ValueError(
            f"date_column {date_column!r} has duplicated timestamps {sorted(set(dates[dup].astype(str)))[:3]} on file "
            f"lines {_rows(dup)}: keep one row per timestamp (or aggregate them yourself)"
        )
    # values: every non-empty cell must be a number
    cols = [c for c in raw.columns if c != date_column] if value_columns is None else (
        [value_columns] if isinstance(value_columns, str) else list(as_type("value_columns", value_columns, (list, tuple),
                                                                          "a column name or a list of names")))
    if not cols:
        raise ValueError(f"value_columns must name at least one column of the file, got {value_columns!r}")
    missing_cols = [c for c in cols if c not in raw.columns]
    if missing_cols:
        raise ValueError(f"value_columns must be columns of the file {list(raw.columns)}, missing {missing_cols}")
    values = {}
    for c in cols:
        num = pd.to_numeric(raw[c], errors="coerce")
        wrong = (num.isna() & raw[c].notna()).to_numpy()
        if wrong.any() and (value_columns is not None or num.notna().any()):  # a text column is skipped, a typo is not
            raise ValueError(f"value_columns: column {c!r} must be numeric, got {raw[c][wrong].head(3).tolist()} on "
                             f"file lines {_rows(wrong)}")
        if not wrong.any():
            values[c] = num.astype(float)
    if not values:
        raise ValueError("value_columns is None but the file has no numeric column besides the dates")
    df = pd.DataFrame(values).set_index(pd.DatetimeIndex(dates, name=None))
    n_unsorted = int((np.diff(df.index.asi8) < 0).sum())
    df = df.sort_index()
    if len(df) < max(min_length, 2):
        raise ValueError(f"path {str(path)!r} has {len(df)} data row(s); min_length asks for at least {max(min_length, 2)}")
    missing_values = {c: df.index[df[c].isna().to_numpy()] for c in df.columns}
    missing_ts = pd.DatetimeIndex([])
    freq_name = None
    if freq is not None:
        if freq == "infer":
            offset = _detect_freq(df.index)
        else:
            try:
                offset = pd.tseries.frequencies.to_offset(freq)
            except ValueError as err:
                raise ValueError(f"freq must be 'infer', None or a pandas frequency such as 'D' or 'MS', got {freq!r}") from err
        grid = pd.date_range(df.index[0], df.index[-1], freq=offset)
        off = ~df.index.isin(grid)
        if off.any():
            raise ValueError(f"date_column {date_column!r}: {int(off.sum())} timestamp(s) are off the {offset.freqstr!r} grid, "
                             f"e.g. {[str(t) for t in df.index[off][:3]]}; aggregate them yourself or pass freq=None")
        missing_ts = grid[~grid.isin(df.index)]
        df = df.reindex(grid)
        freq_name = offset.freqstr
    n_before = len(df)
    if fill == "interpolate":
        df = df.interpolate(method="time", limit_area="inside")
    elif fill == "ffill":
        df = df.ffill()
    elif df.isna().any().any():
        raise ValueError(
            f"the data has {int(df.isna().sum().sum())} missing value(s) ({len(missing_ts)} missing timestamps, "
            f"{sum(len(v) for v in missing_values.values())} empty cells); pass fill='interpolate' or 'ffill'"
        )
    keep = df.notna().all(axis=1).to_numpy()
    lo, hi = (np.flatnonzero(keep)[[0, -1]] if keep.any() else (0, -1))
    dropped = df.index[~((np.arange(n_before) >= lo) & (np.arange(n_before) <= hi))]
    df = df.iloc[lo : hi + 1]
    if len(df) < min_length:
        raise ValueError(f"path {str(path)!r} gives {len(df)} usable row(s) after filling; min_length asks for at least {min_length}")
    if freq_name is not None:
        df.index.freq = freq_name
    report = LoadReport(freq_name, len(raw), n_unsorted, missing_ts, missing_values, fill, dropped)
    if verbose:
        print(report)
    out = df.iloc[:, 0] if isinstance(value_columns, str) else df
    return (out, report) if return_report else out
