"""Tests for tslab.hybrid: out-of-sample ETS forecasts at every origin, and the residual windows."""

import numpy as np
import pytest
import torch

from tslab import baselines
from tslab.hybrid import ResidualWindows, ets_origin_forecasts, ets_residual_windows

M, H, L = 4, 3, 8
SPEC = {"trend": "add", "seasonal": "add", "damped_trend": False}


def series(n: int = 60, seed: int = 0) -> np.ndarray:
    """Trend + season of period 4 + noise, shape (n,)."""
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    return 30 + 0.3 * t + 2 * np.sin(2 * np.pi * t / M) + 0.2 * rng.standard_normal(n)


def test_end_forecast_is_the_ets_baseline():
    y = series()
    _, forecast, spec = ets_origin_forecasts(y, H, M)
    np.testing.assert_array_equal(forecast, baselines.forecast_ets(y, H, m=M))
    assert spec == {k: v for k, v in baselines.select_ets(y, M).items() if k != "aicc"}


def test_refit_at_every_origin_is_statsmodels_on_the_past_only():
    y = series()
    paths, _, _ = ets_origin_forecasts(y, H, M, refit_every=1, spec=SPEC)
    for t in (11, 30, 59):
        np.testing.assert_allclose(paths[t], baselines.forecast_ets(y[: t + 1], H, m=M, **SPEC), rtol=1e-6)


def test_paths_ignore_every_value_after_their_origin():
    y = series()
    changed = y.copy()
    changed[41:] += 100.0
    a, _, _ = ets_origin_forecasts(y, H, M, spec=SPEC)
    b, _, _ = ets_origin_forecasts(changed, H, M, spec=SPEC)
    np.testing.assert_array_equal(a[:41], b[:41])  # origins <= 40 saw only y[:41]
    assert not np.allclose(a[41:], b[41:])


def test_paths_are_nan_only_before_the_first_origin():
    paths, _, _ = ets_origin_forecasts(series(), H, M, spec=SPEC)
    assert np.isnan(paths[:11]).all() and np.isfinite(paths[11:]).all()  # first origin 3 m - 1 = 11


def test_exact_on_a_noise_free_trend_plus_season():
    t = np.arange(96)
    y = 10 + 0.5 * t + np.tile([3, 1, -1, -3, 0, 0, 1, 2, -2, -1, 0, 0], 8).astype(float)
    paths, forecast, _ = ets_origin_forecasts(y[:84], 12, 12, spec=SPEC)
    np.testing.assert_allclose(forecast, y[84:], atol=1e-2)
    np.testing.assert_allclose(paths[60], y[61:73], atol=1e-2)


def test_residual_windows_shapes_scales_and_targets():
    y = series()
    d = ets_residual_windows(y, L, H, M)
    paths, forecast, spec = ets_origin_forecasts(y, H, M)
    first = max(3 * M - 1, 9, L - 1)
    n = len(y) - H - first
    assert d.X.shape == (n, L, 1) and d.Y.shape == (n, H) and d.x_last.shape == (1, L, 1)
    assert d.X.dtype == d.Y.dtype == d.x_last.dtype == np.float32
    assert d.origins[0] == first and d.origins[-1] + H == len(y) - 1  # every target inside y
    t = d.origins[3]
    np.testing.assert_allclose(d.Y[3] * d.scale, y[t + 1 : t + 1 + H] - paths[t], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(d.X[3, :, 0] * d.x_scale, y[t - L + 1 : t + 1] - y[t], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(d.x_last[0, :, 0] * d.x_scale, y[-L:] - y[-1], rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(d.base, forecast)
    assert d.spec == spec


def test_combine_zero_correction_is_ets_and_accepts_tensors():
    d = ets_residual_windows(series(), L, H, M)
    np.testing.assert_array_equal(d.combine(np.zeros(H)), d.base)
    np.testing.assert_allclose(d.combine(torch.ones(1, H, requires_grad=True)), d.base + d.scale)
    with pytest.raises(ValueError, match=r"correction must have shape \(3,\).*got \(5,\)"):
        d.combine(np.zeros(5))


def test_residual_windows_feed_a_model():
    d = ets_residual_windows(series(), L, H, M)
    from tslab.models import SequenceModel

    model = SequenceModel("gru", input_size=1, hidden_size=4, output_size=H)
    with torch.no_grad():
        out = d.combine(model(torch.as_tensor(d.x_last)))
    assert isinstance(d, ResidualWindows) and out.shape == (H,) and np.all(np.isfinite(out))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"input_len": 1}, ValueError, "input_len must be >= 2, got 1"),
        ({"input_len": 3.0}, TypeError, "input_len must be an int, got float"),
        ({"horizon": 0}, ValueError, "horizon must be >= 1, got 0"),
        ({"horizon": True}, TypeError, "horizon must be an int, got bool"),
        ({"m": 0}, ValueError, "m must be >= 1"),
        ({"refit_every": 0}, ValueError, "refit_every must be >= 1"),
        ({"train": series(20), "horizon": 8}, ValueError, "train is too short: 20 values give 1 windows"),
        ({"train": np.ones((10, 3))}, ValueError, r"train must be 1-D"),
        ({"train": np.r_[series(), np.nan]}, ValueError, "train must be finite"),
    ],
)
def test_bad_input(kwargs, error, match):
    args = {"train": series(), "input_len": L, "horizon": H, "m": M} | kwargs
    with pytest.raises(error, match=match):
        ets_residual_windows(**args)


def test_origin_forecasts_bad_input():
    with pytest.raises(ValueError, match="train must have at least 8 values, got 6"):
        ets_origin_forecasts(np.arange(6.0), 2, 4)
    with pytest.raises(TypeError, match="m must be an int"):
        ets_origin_forecasts(series(), 3, 4.0)
    with pytest.raises(ValueError, match="first_origin must be <= T - 1"):
        ets_origin_forecasts(series(), 3, 4, first_origin=200)
    with pytest.raises(ValueError, match="spec must be a dict"):
        ets_origin_forecasts(series(), 3, 4, spec={"trend": "add"})
