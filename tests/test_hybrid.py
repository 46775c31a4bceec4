"""Tests for tslab.hybrid: ETS paths rebuilt from the smoothed states, and the residual windows."""

import numpy as np
import pytest
import torch

from tslab import baselines
from tslab.hybrid import ResidualWindows, ets_origin_forecasts, ets_residual_windows

M, H, L = 12, 6, 10


def series(n: int = 120, seed: int = 0) -> np.ndarray:
    """Trend + yearly season + noise, shape (n,)."""
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    return 300 + 0.1 * t + 2 * np.sin(2 * np.pi * t / M) + 0.2 * rng.standard_normal(n)


def test_end_forecast_is_the_ets_baseline():
    y = series()
    _, forecast, _ = ets_origin_forecasts(y, H, M)
    np.testing.assert_array_equal(forecast, baselines.forecast_ets(y, H, m=M))


def test_one_step_paths_are_the_fitted_values():
    y = series()
    paths, _, resid = ets_origin_forecasts(y, H, M)
    # ETS_{t-1}(1) is the one-step fitted value of y_t, and resid is y minus it
    np.testing.assert_allclose(paths[M - 1 : -1, 0], (y - resid)[M:], rtol=0, atol=1e-9)


def test_paths_follow_the_holt_winters_formula_at_every_horizon():
    """ETS_t(h) = l_t + h b_t + s_{t+h-m(k+1)}: a longer-horizon path is a shorter one moved by the
    trend, with the seasonal state a whole period earlier when h crosses a multiple of m."""
    y = series()
    paths, _, _ = ets_origin_forecasts(y, 2 * M + 1, M)
    t = 50
    # h and h + m use the same seasonal state: they differ by m trend steps, for every h
    step = (paths[t, M:2 * M] - paths[t, 0:M]) / M  # (m,), all equal to b_t
    np.testing.assert_allclose(step, step[0], rtol=0, atol=1e-9)
    assert 0.05 < step[0] < 0.15  # the trend of the series is 0.1 per step


def test_undefined_paths_are_nan_and_only_there():
    y = series()
    paths, _, _ = ets_origin_forecasts(y, H, M)
    t, h = np.meshgrid(np.arange(len(y)), np.arange(1, H + 1), indexing="ij")
    np.testing.assert_array_equal(np.isnan(paths), t + h - M * ((h - 1) // M + 1) < 0)


def test_exact_on_a_noise_free_trend_plus_season():
    t = np.arange(96)
    y = 10 + 0.5 * t + np.tile([3, 1, -1, -3, 0, 0, 1, 2, -2, -1, 0, 0], 8).astype(float)
    paths, forecast, _ = ets_origin_forecasts(y[:84], 12, M)
    np.testing.assert_allclose(forecast, y[84:], atol=1e-3)
    np.testing.assert_allclose(paths[60], y[61:73], atol=1e-3)


def test_residual_windows_shapes_scales_and_targets():
    y = series()
    d = ets_residual_windows(y, L, H, M)
    paths, forecast, resid = ets_origin_forecasts(y, H, M)
    n = len(y) - H - max(L - 1, M)
    assert d.X.shape == (n, L, 2) and d.Y.shape == (n, H) and d.x_last.shape == (1, L, 2)
    assert d.X.dtype == d.Y.dtype == d.x_last.dtype == np.float32
    np.testing.assert_allclose(d.X.reshape(-1, 2).std(axis=0), 1.0, rtol=1e-4)
    # every target uses only values inside y; the last window ends at the last training value
    assert d.origins[0] == max(L - 1, M) and d.origins[-1] + H == len(y) - 1
    t = d.origins[3]
    np.testing.assert_allclose(d.Y[3] * d.scale, y[t + 1 : t + 1 + H] - paths[t], rtol=1e-5, atol=1e-5)
    ratio = d.X[3, :, 0] / resid[t - L + 1 : t + 1]
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-4)  # channel 0: scaled one-step errors
    w = y[-L:]
    ratio_last = d.x_last[0, :-1, 1] / (w - w[-1])[:-1]
    np.testing.assert_allclose(ratio_last, ratio_last[0], rtol=1e-4)  # channel 1: window minus last
    np.testing.assert_array_equal(d.base, forecast)


def test_residual_windows_ignore_the_future():
    y = series(140)
    a = ets_residual_windows(y[:120], L, H, M)
    b = ets_residual_windows(np.concatenate([y[:120], np.full(20, 1e6)])[:120], L, H, M)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.base, b.base)


def test_combine_zero_correction_is_ets_and_accepts_tensors():
    d = ets_residual_windows(series(), L, H, M)
    np.testing.assert_array_equal(d.combine(np.zeros(H)), d.base)
    out = d.combine(torch.ones(1, H, requires_grad=True))
    np.testing.assert_allclose(out, d.base + d.scale)
    with pytest.raises(ValueError, match=r"correction must have shape \(6,\).*got \(5,\)"):
        d.combine(np.zeros(5))


def test_residual_windows_train_a_model_end_to_end():
    from tslab.device import seed_everything
    from tslab.models import SequenceModel

    seed_everything(0)
    d = ets_residual_windows(series(), L, H, M)
    model = SequenceModel("gru", input_size=2, hidden_size=4, output_size=H)
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
        ({"m": 1}, ValueError, "m must be >= 2"),
        ({"train": series(30), "horizon": 17}, ValueError, "train is too short: 30 values give 1 windows"),
        ({"train": np.ones((10, 3))}, ValueError, r"train must be 1-D, got 2-D with shape \(10, 3\)"),
        ({"train": np.r_[series(), np.nan]}, ValueError, "train must be finite"),
    ],
)
def test_bad_input(kwargs, error, match):
    args = {"train": series(), "input_len": L, "horizon": H, "m": M} | kwargs
    with pytest.raises(error, match=match):
        ets_residual_windows(**args)


def test_origin_forecasts_bad_input():
    with pytest.raises(ValueError, match="train must have at least 24 values, got 20"):
        ets_origin_forecasts(np.arange(20.0), 3, 12)
    with pytest.raises(TypeError, match="m must be an int"):
        ets_origin_forecasts(series(), 3, 12.0)
