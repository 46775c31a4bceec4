"""Tests for tslab.baselines: series whose forecast is known exactly, and bad inputs."""

import numpy as np
import pytest

from tslab import baselines as B

H = 7


def seasonal(n: int = 48, m: int = 12) -> np.ndarray:
    return np.sin(2 * np.pi * np.arange(n) / m) + 3.0


def test_seasonal_naive_is_exact_on_pure_seasonal_series():
    y = seasonal(60)
    np.testing.assert_allclose(B.forecast_seasonal_naive(y[:48], 12, 12), y[48:])
    np.testing.assert_allclose(B.forecast_seasonal_naive(y[:36], 24, 12), y[36:60])


def test_seasonal_naive_horizon_not_multiple_of_period():
    np.testing.assert_array_equal(B.forecast_seasonal_naive([1, 2, 3, 4, 5], 5, m=3),
                                  [3, 4, 5, 3, 4])


def test_naive_is_exact_on_constant():
    np.testing.assert_array_equal(B.forecast_naive(np.full(10, 2.5), H), np.full(H, 2.5))


def test_drift_is_exact_on_straight_line():
    t = np.arange(30.0)
    y = 2.0 + 0.5 * t
    np.testing.assert_allclose(B.forecast_drift(y[:20], 10), y[20:])


def test_mean_forecast():
    np.testing.assert_allclose(B.forecast_mean([1.0, 2.0, 6.0], 2), [3.0, 3.0])


@pytest.mark.parametrize("alpha", [0.0, 1e-6])
def test_linear_is_exact_on_ar_recursion(alpha):
    # y_t = 1.5 y_{t-1} - 0.7 y_{t-2} + 1 is reproduced exactly by a 2-lag linear model
    y = [1.0, 2.0]
    for _ in range(40):
        y.append(1.5 * y[-1] - 0.7 * y[-2] + 1.0)
    y = np.array(y)
    np.testing.assert_allclose(B.forecast_linear(y[:30], 12, n_lags=2, alpha=alpha), y[30:],
                               atol=1e-4)


def test_ets_tracks_trend_plus_season():
    t = np.arange(84)
    y = 10 + 0.2 * t + np.sin(2 * np.pi * t / 12)
    pred = B.forecast_ets(y[:72], 12, m=12)
    np.testing.assert_allclose(pred, y[72:], atol=0.1)


def test_sarima_tracks_trend_plus_season():
    t = np.arange(84)
    y = 10 + 0.2 * t + np.sin(2 * np.pi * t / 12)
    pred = B.forecast_sarima(y[:72], 12, m=12)
    np.testing.assert_allclose(pred, y[72:], atol=0.1)


def test_statsmodels_warnings_do_not_leak():
    import warnings

    before = list(warnings.filters)
    B.forecast_sarima(seasonal(48, 4), 4, m=4)
    assert warnings.filters == before


@pytest.mark.parametrize(
    "fn",
    [B.forecast_naive, B.forecast_drift, B.forecast_mean, B.forecast_linear,
     lambda tr, h: B.forecast_seasonal_naive(tr, h, 4)],
)
def test_output_shape_is_horizon(fn):
    assert fn(seasonal(40, 4), H).shape == (H,)


@pytest.mark.parametrize("horizon", [0, -1])
def test_rejects_bad_horizon(horizon):
    with pytest.raises(ValueError, match="horizon"):
        B.forecast_naive([1.0, 2.0], horizon)


def test_rejects_2d_train():
    with pytest.raises(ValueError, match="train"):
        B.forecast_naive(np.ones((3, 2)), 2)


def test_rejects_nan_train():
    with pytest.raises(ValueError, match="train"):
        B.forecast_drift([1.0, np.nan, 3.0], 2)


def test_seasonal_naive_rejects_train_shorter_than_period():
    with pytest.raises(ValueError, match="train"):
        B.forecast_seasonal_naive([1.0, 2.0], 3, m=12)


def test_linear_rejects_too_many_lags():
    with pytest.raises(ValueError, match="train"):
        B.forecast_linear(np.arange(5.0), 2, n_lags=5)


@pytest.mark.parametrize(
    "alpha, error",
    [("0.1", TypeError), (None, TypeError), (True, TypeError), (np.bool_(False), TypeError), ([0.1], TypeError),
     (float("nan"), ValueError), (float("inf"), ValueError), (-0.5, ValueError), (-1, ValueError)],
)
def test_linear_rejects_bad_alpha(alpha, error):
    with pytest.raises(error, match=r"alpha must be a (finite )?real number >= 0, got"):
        B.forecast_linear(np.arange(30.0), 2, n_lags=2, alpha=alpha)


@pytest.mark.parametrize("alpha", [0, 1e-6, np.float32(1e-6), np.int64(0)])
def test_linear_accepts_int_and_numpy_alpha(alpha):
    assert B.forecast_linear(np.arange(30.0), 2, n_lags=2, alpha=alpha).shape == (2,)


@pytest.mark.parametrize(
    "call, error, arg",
    [
        (lambda y: B.forecast_ets(y, 3, m=1), ValueError, "m must be >= 2"),
        (lambda y: B.forecast_ets(y, 3, m="12"), TypeError, "m must be an int"),
        (lambda y: B.forecast_sarima(y, 3, seasonal_order=(0, 1, 1, 12)), ValueError, "without the period"),
        (lambda y: B.forecast_sarima(y, 3, order=None), ValueError, "order must be a tuple"),
        (lambda y: B.forecast_sarima(y, 3, m=1), ValueError, "m must be >= 2"),
    ],
)
def test_seasonal_models_reject_bad_period_and_orders(call, error, arg):
    y = np.sin(np.arange(60) * 2 * np.pi / 12) + np.arange(60) * 0.01
    with pytest.raises(error, match=arg):
        call(y)
