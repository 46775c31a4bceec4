"""tslab.data: generators, windows, splits, scaling, loaders and offline datasets."""

import numpy as np
import pandas as pd
import pytest
import torch

from tslab.data import (
    DATASETS,
    Scaler,
    chronological_split,
    load_csv,
    load_dataset,
    make_anomaly_dataset,
    make_loader,
    make_sine_windows,
    make_trend_series,
    make_windows,
)


# ----------------------------------------------------------------------------- generators
def test_anomaly_dataset_shapes_labels_and_spikes():
    d = make_anomaly_dataset(200, 40, seed=1)
    assert d.X.shape == (200, 40) and d.X.dtype == np.float32
    assert d.y.shape == (200,) and set(np.unique(d.y)) == {0, 1}
    assert np.array_equal(d.spike_start >= 0, d.y == 1)
    starts = d.spike_start[d.y == 1]
    assert starts.min() >= 1 and starts.max() + 3 <= 40
    assert d.t.shape == (40,)


def test_anomaly_dataset_spike_raises_the_series_where_it_is():
    d = make_anomaly_dataset(400, 50, seed=0)
    i = np.flatnonzero(d.y == 1)[0]
    s = d.spike_start[i]
    assert d.X[i, s : s + 3].mean() > d.X[i].mean() + 1.5


def _residual_std(d, label):
    """Noise std of one class, measured outside the spike: the series minus its clean sine."""
    m = d.X.shape[1] // 5  # the first m steps never hold a spike
    return float(np.diff(d.X[d.y == label, :m], 2, axis=1).std() / np.sqrt(6))  # var(2nd diff) = 6 sigma^2


def test_anomaly_dataset_default_noise_is_equal_in_both_classes():
    d = make_anomaly_dataset(2000, 50, seed=0)
    assert _residual_std(d, 1) == pytest.approx(_residual_std(d, 0), rel=0.1)


def test_anomaly_dataset_shortcut_noise_only_on_request():
    d = make_anomaly_dataset(2000, 50, seed=0, anomaly_noise=0.3)
    assert _residual_std(d, 1) > 2 * _residual_std(d, 0)
    default = make_anomaly_dataset(2000, 50, seed=0)
    assert np.array_equal(d.y, default.y) and np.array_equal(d.X[d.y == 0], default.X[d.y == 0])


def test_anomaly_dataset_spikes_stay_out_of_the_edges():
    d = make_anomaly_dataset(500, 50, seed=2)
    starts = d.spike_start[d.y == 1]
    assert starts.min() >= 10 and starts.max() + 3 <= 40  # first and last L // 5 steps spike-free


def test_anomaly_dataset_is_seeded():
    a, b, c = (make_anomaly_dataset(50, 30, seed=s) for s in (3, 3, 4))
    assert np.array_equal(a.X, b.X) and not np.array_equal(a.X, c.X)


@pytest.mark.parametrize(
    "kwargs, arg",
    [({"n_samples": 1}, "n_samples"), ({"seq_len": 5}, "seq_len"), ({"anomaly_frac": 1.0}, "anomaly_frac"),
     ({"spike_len": 0}, "spike_len"), ({"normal_noise": -1.0}, "normal_noise"),
     ({"anomaly_noise": -0.1}, "anomaly_noise")],
)
def test_anomaly_dataset_rejects_bad_arguments(kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        make_anomaly_dataset(**kwargs)


def test_anomaly_dataset_rejects_non_int_sizes():
    with pytest.raises(TypeError, match="n_samples"):
        make_anomaly_dataset(n_samples=10.5)


def test_trend_series_returns_signal_and_noise_variance():
    tr = make_trend_series(5000, seed=0, noise_std=0.3)
    assert tr.series.shape == tr.signal.shape == tr.t.shape == (5000,)
    assert tr.noise_var == pytest.approx(0.09)
    assert np.var(tr.series - tr.signal) == pytest.approx(0.09, rel=0.05)


def test_trend_series_rejects_negative_noise():
    with pytest.raises(ValueError, match="noise_std"):
        make_trend_series(noise_std=-0.1)


def test_sine_windows_target_is_the_next_value():
    X, y = make_sine_windows(10, 20, seed=0, noise_std=0.0)
    assert X.shape == (10, 20, 1) and y.shape == (10, 1)
    # a noise-free sine satisfies s[t+1] = 2 cos(w dt) s[t] - s[t-1]: check via least squares on X
    s = np.concatenate([X[0, :, 0], y[0]])
    a = (s[2:] + s[:-2]) / s[1:-1]
    assert np.allclose(a[np.abs(s[1:-1]) > 0.2], a[np.abs(s[1:-1]) > 0.2][0], atol=1e-4)


# ----------------------------------------------------------------------------- windows
def test_make_windows_target_is_the_value_right_after_the_window():
    X, Y = make_windows(np.arange(10.0), input_len=4)
    assert X.shape == (6, 4, 1) and Y.shape == (6, 1)
    for i in range(6):
        assert np.array_equal(X[i, :, 0], np.arange(i, i + 4)) and Y[i, 0] == i + 4


def test_make_windows_horizon_and_stride():
    X, Y = make_windows(np.arange(20.0), input_len=5, horizon=3, stride=4)
    assert X.shape == (4, 5, 1) and Y.shape == (4, 3)  # starts 0, 4, 8, 12 (12 + 5 + 3 = 20 <= 20)
    assert np.array_equal(Y[1], [9, 10, 11])


def test_make_windows_count_formula():
    for T, L, H, S in [(100, 24, 6, 2), (50, 1, 1, 1), (30, 29, 1, 1), (31, 10, 5, 3)]:
        X, _ = make_windows(np.zeros(T), L, horizon=H, stride=S)
        assert len(X) == (T - L - H) // S + 1


def test_make_windows_multivariate_all_columns_or_one():
    series = np.arange(30.0).reshape(10, 3)
    X, Y = make_windows(series, 4, horizon=2)
    assert X.shape == (5, 4, 3) and Y.shape == (5, 2, 3)
    X, Y = make_windows(series, 4, horizon=2, target_col=1)
    assert Y.shape == (5, 2) and Y[0, 0] == series[4, 1]


def test_make_windows_accepts_pandas():
    X, Y = make_windows(pd.Series(np.arange(8.0)), 3)
    assert X.shape == (5, 3, 1)


@pytest.mark.parametrize(
    "series, kwargs, error, arg",
    [
        (np.arange(10.0), {"input_len": 0}, ValueError, "input_len"),
        (np.arange(10.0), {"input_len": 10}, ValueError, "input_len"),
        (np.arange(10.0), {"input_len": 3, "horizon": 0}, ValueError, "horizon"),
        (np.arange(10.0), {"input_len": 3, "stride": 0}, ValueError, "stride"),
        (np.array([1.0, np.nan, 3, 4, 5]), {"input_len": 2}, ValueError, "NaN"),
        (np.array([1.0, np.inf, 3, 4, 5]), {"input_len": 2}, ValueError, "NaN or inf"),
        (np.zeros((4, 3, 2)), {"input_len": 2}, ValueError, "3-D"),
        (np.zeros((10, 2)), {"input_len": 2, "target_col": 5}, ValueError, "target_col"),
        (np.zeros(10), {"input_len": 2, "target_col": 0}, ValueError, "target_col"),
        (np.arange(10.0), {"input_len": 2.5}, TypeError, "input_len"),
        ("abc", {"input_len": 2}, TypeError, "series"),
    ],
)
def test_make_windows_rejects_bad_input(series, kwargs, error, arg):
    with pytest.raises(error, match=arg):
        make_windows(series, **kwargs)


def test_make_windows_too_long_message_says_what_was_expected():
    with pytest.raises(ValueError, match=r"between 1 and len\(series\) - horizon = 9.*got 12"):
        make_windows(np.arange(10.0), 12)


# ----------------------------------------------------------------------------- split
def test_chronological_split_in_time_order_without_overlap():
    s = np.arange(100.0)
    tr, va, te = chronological_split(s, 0.7, 0.15)
    assert (len(tr), len(va), len(te)) == (70, 15, 15)
    assert tr[-1] < va[0] and va[-1] < te[0]
    assert np.array_equal(np.concatenate([tr, va, te]), s)


def test_chronological_split_keeps_pandas_index():
    s = load_dataset("co2")
    tr, va, te = chronological_split(s, 0.8, 0.1)
    assert isinstance(te, pd.Series) and tr.index[-1] < va.index[0] < te.index[0]


def test_chronological_split_without_validation():
    tr, va, te = chronological_split(np.arange(10.0), 0.8, 0.0)
    assert len(va) == 0 and len(tr) == 8


@pytest.mark.parametrize(
    "train_frac, val_frac, arg",
    [(0.0, 0.1, "train_frac"), (1.0, 0.0, "train_frac"), (1.2, 0.1, "train_frac"), (0.5, -0.1, "val_frac"),
     (0.7, 0.3, r"train_frac \+ val_frac"), (0.8, 0.4, r"train_frac \+ val_frac")],
)
def test_chronological_split_rejects_bad_fractions(train_frac, val_frac, arg):
    with pytest.raises(ValueError, match=arg):
        chronological_split(np.arange(100.0), train_frac, val_frac)


def test_chronological_split_too_short_series():
    with pytest.raises(ValueError, match="too short"):
        chronological_split(np.arange(3.0), 0.5, 0.3)


# ----------------------------------------------------------------------------- scaling
@pytest.mark.parametrize("kind", ["standard", "minmax"])
def test_scaler_uses_training_statistics_only(kind):
    train, test = np.arange(10.0), np.arange(10.0, 20.0)
    scaler = Scaler(kind).fit(train)
    tr = scaler.transform(train)
    if kind == "standard":
        assert tr.mean() == pytest.approx(0, abs=1e-6) and tr.std() == pytest.approx(1, abs=1e-5)
    else:
        assert tr.min() == 0 and tr.max() == 1
    assert scaler.transform(test).min() > tr.max() - 1e-6  # the test part is NOT rescaled to its own range


@pytest.mark.parametrize("kind", ["standard", "minmax"])
def test_scaler_round_trip_on_windows_and_targets(kind):
    series = np.random.default_rng(0).normal(5, 2, (50, 3))
    scaler = Scaler(kind).fit(series[:30])
    X, _ = make_windows(series, 5)
    assert np.allclose(scaler.inverse_transform(scaler.transform(X)), X, atol=1e-4)


def test_scaler_univariate_accepts_any_shape():
    scaler = Scaler().fit(np.arange(10.0))
    preds = np.ones((4, 6))  # (N, horizon) predictions in scaled units
    assert scaler.inverse_transform(preds).shape == (4, 6)
    assert scaler.inverse_transform(torch.ones(4, 6)).shape == (4, 6)


def test_scaler_errors():
    with pytest.raises(ValueError, match="kind"):
        Scaler("robust")
    with pytest.raises(ValueError, match="not fitted"):
        Scaler().transform(np.zeros(3))
    with pytest.raises(ValueError, match="3 feature"):
        Scaler().fit(np.zeros((10, 3))).transform(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="NaN"):
        Scaler().fit(np.array([1.0, np.nan]))


# ----------------------------------------------------------------------------- loader
def test_make_loader_batches_and_dtypes():
    X, y = np.zeros((10, 5, 1)), np.arange(10)
    xb, yb = next(iter(make_loader(X, y, batch_size=4)))
    assert xb.shape == (4, 5, 1) and xb.dtype == torch.float32 and yb.dtype == torch.int64
    _, yb = next(iter(make_loader(X, y.astype(float)[:, None], batch_size=4)))
    assert yb.dtype == torch.float32


def test_make_loader_shuffle_is_seeded():
    X, y = np.arange(20.0).reshape(20, 1, 1), np.arange(20)
    order = lambda seed: torch.cat([b for _, b in make_loader(X, y, 5, shuffle=True, seed=seed)])  # noqa: E731
    assert torch.equal(order(0), order(0)) and not torch.equal(order(0), order(1))


def test_make_loader_rejects_2d_windows_with_a_hint():
    with pytest.raises(ValueError, match=r"X\[\.\.\., None\]"):
        make_loader(np.zeros((10, 5)), np.zeros(10))


def test_make_loader_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same number of samples"):
        make_loader(np.zeros((10, 5, 1)), np.zeros(9))


# ----------------------------------------------------------------------------- datasets
@pytest.mark.parametrize("name, offset, kind", [
    ("co2", pd.offsets.MonthBegin(1), pd.Series),
    ("sunspots", pd.offsets.YearBegin(month=1), pd.Series),
    ("macrodata", pd.offsets.QuarterBegin(startingMonth=1), pd.DataFrame),
])
def test_load_dataset_offline_datetime_index_no_nans(name, offset, kind, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("load_dataset tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    data = load_dataset(name)
    assert isinstance(data, kind) and isinstance(data.index, pd.DatetimeIndex)
    assert not np.any(pd.isna(data.to_numpy()))
    assert data.index.is_monotonic_increasing
    assert data.index.freq == offset  # an offset object: frequency strings changed between pandas versions
    assert str(data.index.dtype) == "datetime64[ns]" and data.index.name is None
    assert data.index.equals(pd.date_range(data.index[0], periods=len(data), freq=offset))  # no gaps


def test_yearly_and_quarterly_indices_match_the_raw_statsmodels_columns():
    """The expected dates are rebuilt here from the source's own year/quarter columns, as strings."""
    from statsmodels.datasets import macrodata, sunspots

    raw = sunspots.load_pandas().data
    spots = load_dataset("sunspots")
    assert [d.strftime("%Y-%m-%d") for d in spots.index] == [f"{int(y)}-01-01" for y in raw["YEAR"]]
    np.testing.assert_array_equal(spots.to_numpy(), raw["SUNACTIVITY"].to_numpy(dtype=float))
    assert (spots.index[0], spots.index[-1], len(spots)) == (pd.Timestamp("1700-01-01"), pd.Timestamp("2008-01-01"), 309)

    raw = macrodata.load_pandas().data
    macro = load_dataset("macrodata")
    month = {1: "01", 2: "04", 3: "07", 4: "10"}
    expected = [f"{int(y)}-{month[int(q)]}-01" for y, q in zip(raw["year"], raw["quarter"])]
    assert [d.strftime("%Y-%m-%d") for d in macro.index] == expected
    assert list(macro.columns) == [c for c in raw.columns if c not in ("year", "quarter")]
    np.testing.assert_array_equal(macro.to_numpy(), raw.drop(columns=["year", "quarter"]).to_numpy())
    assert (macro.index[0], macro.index[-1]) == (pd.Timestamp("1959-01-01"), pd.Timestamp("2009-07-01"))


def test_co2_matches_the_weekly_source_averaged_by_month():
    from statsmodels.datasets import co2 as co2_source

    weekly = co2_source.load_pandas().data["co2"]
    co2 = load_dataset("co2")
    keys = weekly.index.strftime("%Y-%m")
    means = weekly.groupby(keys).mean().dropna()  # months that have at least one reading
    ours = pd.Series(co2.to_numpy(), index=co2.index.strftime("%Y-%m"))
    np.testing.assert_allclose(ours[means.index].to_numpy(), means.to_numpy())
    assert ours.index[0] == "1958-03" and ours.index[-1] == weekly.index[-1].strftime("%Y-%m")


def test_regular_index_refuses_gaps():
    from tslab.data import _regular_index

    stamps = pd.DatetimeIndex(["2000-01-01", "2001-01-01", "2003-01-01"])
    with pytest.raises(ValueError, match="without gaps"):
        _regular_index(stamps, pd.offsets.YearBegin(month=1), "yearly")


def test_co2_is_monthly_without_gaps():
    co2 = load_dataset("co2")
    assert len(co2) == 526 and co2.index[0] == pd.Timestamp("1958-03-01")
    assert 310 < co2.min() < co2.max() < 380


def test_load_dataset_unknown_lists_the_available_ones():
    with pytest.raises(ValueError) as err:
        load_dataset("airline")
    for name in DATASETS:
        assert name in str(err.value)
    with pytest.raises(TypeError, match="name"):
        load_dataset(3)


def test_load_csv_round_trip(tmp_path):
    path = tmp_path / "s.csv"
    pd.DataFrame({"date": ["2020-01-03", "2020-01-01", "2020-01-02"], "v": [3.0, 1.0, None], "w": [1, 2, 3]}).to_csv(path, index=False)
    s = load_csv(path, "date", "v")
    assert isinstance(s, pd.Series) and list(s) == [1.0, 2.0, 3.0]  # sorted by date, gap interpolated
    df = load_csv(path, "date")
    assert list(df.columns) == ["v", "w"]


def test_load_csv_errors(tmp_path):
    path = tmp_path / "s.csv"
    pd.DataFrame({"date": ["2020-01-01", "2020-02-01"], "v": [1.0, None]}).to_csv(path, index=False)
    with pytest.raises(FileNotFoundError, match="path"):
        load_csv(tmp_path / "missing.csv", "date")
    with pytest.raises(ValueError, match="date_column"):
        load_csv(path, "day")
    with pytest.raises(ValueError, match="value_columns"):
        load_csv(path, "date", "x")
    with pytest.raises(ValueError, match="missing value"):
        load_csv(path, "date", "v", fill=None)


# --------------------------------------------------------------------------- load_csv: report and bad files
def _csv(tmp_path, text, name="f.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load_csv_reports_gaps_missing_values_and_order_and_fills(tmp_path):
    path = _csv(tmp_path, "date,v,w\n2020-01-02,2,1\n2020-01-01,1,1\n2020-01-03,,1\n2020-01-04,4,1\n2020-01-07,7,1\n")
    s, rep = load_csv(path, "date", "v", return_report=True)
    assert rep.freq == "D" and s.index.freqstr == "D" and rep.n_rows == 5 and rep.n_unsorted == 1
    assert [str(t.date()) for t in rep.missing_timestamps] == ["2020-01-05", "2020-01-06"]
    assert [str(t.date()) for t in rep.missing_values["v"]] == ["2020-01-03"]
    assert s.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]  # linear in time
    assert load_csv(path, "date", "v", fill="ffill").tolist() == [1.0, 2.0, 2.0, 4.0, 4.0, 4.0, 7.0]
    assert "missing timestamps (added as empty rows): 2 (2020-01-05, 2020-01-06)" in str(rep)
    with pytest.raises(ValueError, match="missing value"):
        load_csv(path, "date", "v", fill=None)


def test_load_csv_detects_monthly_hourly_and_business_days(tmp_path):
    monthly = _csv(tmp_path, "date,v\n2020-01-01,1\n2020-02-01,2\n2020-04-01,4\n2020-05-01,5\n", "m.csv")
    s, rep = load_csv(monthly, "date", "v", return_report=True)
    assert rep.freq == "MS" and len(s) == 5 and len(rep.missing_timestamps) == 1
    hourly = _csv(tmp_path, "t,v\n2020-01-01 00:00,1\n2020-01-01 01:00,2\n2020-01-01 03:00,4\n", "h.csv")
    assert load_csv(hourly, "t", "v").tolist() == [1.0, 2.0, 3.0, 4.0]
    days = pd.bdate_range("2020-01-01", periods=15)
    bdays = _csv(tmp_path, "d,v\n" + "".join(f"{d.date()},{i}\n" for i, d in enumerate(days)), "b.csv")
    s, rep = load_csv(bdays, "d", "v", return_report=True)
    assert rep.freq == "B" and len(s) == 15 and len(rep.missing_timestamps) == 0  # weekends are not gaps
    raw = load_csv(monthly, "date", "v", freq=None)
    assert len(raw) == 4


def test_load_csv_bad_files_name_the_column_and_lines(tmp_path):
    dup = _csv(tmp_path, "date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n", "dup.csv")
    with pytest.raises(ValueError, match=r"date_column 'date' has duplicated timestamps.*lines \[3, 4\]"):
        load_csv(dup, "date", "v")
    bad_date = _csv(tmp_path, "date,v\n2020-01-01,1\nnot a date,2\n2020-01-03,3\n", "bd.csv")
    with pytest.raises(ValueError, match=r"date_column 'date' has unparsable.*'not a date'.*lines \[3\]"):
        load_csv(bad_date, "date", "v")
    text = _csv(tmp_path, "date,v\n2020-01-01,1\n2020-01-02,n/a?\n2020-01-03,3\n", "txt.csv")
    with pytest.raises(ValueError, match=r"value_columns: column 'v' must be numeric.*'n/a\?'.*lines \[3\]"):
        load_csv(text, "date", "v")
    empty = _csv(tmp_path, "", "empty.csv")
    with pytest.raises(ValueError, match="path .* is empty"):
        load_csv(empty, "date", "v")
    semi = _csv(tmp_path, "date;v\n2020-01-01;1\n2020-01-02;2\n", "semi.csv")
    with pytest.raises(ValueError, match="sep=';'"):
        load_csv(semi, "date", "v")
    assert load_csv(semi, "date", "v", sep=";").tolist() == [1.0, 2.0]
    short = _csv(tmp_path, "date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n", "short.csv")
    with pytest.raises(ValueError, match="min_length"):
        load_csv(short, "date", "v", min_length=10)
    irregular = _csv(tmp_path, "date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-04 07:00,3\n", "irr.csv")
    with pytest.raises(ValueError, match="date_column"):
        load_csv(irregular, "date", "v")
    with pytest.raises(ValueError, match="freq"):
        load_csv(short, "date", "v", freq="fortnightly-ish")
    with pytest.raises(ValueError, match="fill"):
        load_csv(short, "date", "v", fill="zero")
    with pytest.raises(TypeError, match="sep"):
        load_csv(short, "date", "v", sep="")
    header_only = _csv(tmp_path, "date,v\n", "header.csv")
    with pytest.raises(ValueError, match="min_length"):
        load_csv(header_only, "date", "v")


def test_load_csv_all_columns_skips_text_but_not_a_typo(tmp_path):
    path = _csv(tmp_path, "date,v,kind\n2020-01-01,1,rain\n2020-01-02,2,sun\n", "kinds.csv")
    assert list(load_csv(path, "date").columns) == ["v"]
    typo = _csv(tmp_path, "date,v\n2020-01-01,1\n2020-01-02,2O\n", "typo.csv")
    with pytest.raises(ValueError, match=r"column 'v' must be numeric.*lines \[3\]"):
        load_csv(typo, "date")


def test_load_csv_refuses_binary_files_long_rows_numeric_dates_and_no_columns(tmp_path):
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" * 20)
    with pytest.raises(ValueError, match="path"):
        load_csv(binary, "date", "v")
    long_rows = _csv(tmp_path, "date,v\n2020-01-01,1,9\n2020-01-02,2,9\n", "long.csv")
    with pytest.raises(ValueError, match="path"):
        load_csv(long_rows, "date", "v")
    numeric = _csv(tmp_path, "date,v\n1,1\n2,2\n", "num.csv")
    with pytest.raises(ValueError, match="date_column 'date' must hold date strings"):
        load_csv(numeric, "date", "v")
    ok = _csv(tmp_path, "date,v\n2020-01-01,1\n2020-01-02,2\n", "ok.csv")
    with pytest.raises(ValueError, match="value_columns"):
        load_csv(ok, "date", [])
