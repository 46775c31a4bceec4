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
        (lambda y: B.forecast_ets(y, 3, m=1, seasonal="add"), ValueError, "m must be >= 2"),
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


# --- model selection: AR(p) by AIC, ETS and SARIMA by AICc -------------------------------------
def ar2(n: int = 1500, seed: int = 0) -> np.ndarray:
    """y_t = 0.6 y_{t-1} - 0.3 y_{t-2} + e_t + 5 (a known AR(2) process)."""
    rng = np.random.default_rng(seed)
    y = np.zeros(n + 100)
    for t in range(2, y.size):
        y[t] = 2.0 + 0.6 * y[t - 1] - 0.3 * y[t - 2] + rng.standard_normal()
    return y[100:]


def test_select_ar_recovers_order_two():
    assert B.select_ar(ar2(), max_lag=10) == 2


def test_forecast_ar_matches_statsmodels_autoreg():
    from statsmodels.tsa.ar_model import AutoReg

    y = ar2(300)
    expected = AutoReg(y, lags=3, trend="c").fit().predict(start=300, end=300 + H - 1)
    np.testing.assert_allclose(B.forecast_ar(y, H, p=3), expected, rtol=1e-10)
    auto = AutoReg(y, lags=B.select_ar(y), trend="c").fit().predict(start=300, end=300 + H - 1)
    np.testing.assert_allclose(B.forecast_ar(y, H), auto, rtol=1e-10)


def test_forecast_ar_equals_linear_on_the_same_lags():
    y = ar2(300)  # least squares on p lags with a constant: the same model, two implementations
    np.testing.assert_allclose(B.forecast_ar(y, H, p=4), B.forecast_linear(y, H, n_lags=4), rtol=1e-8)


def _ets_aicc(y, m, trend, seasonal, damped):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ExponentialSmoothing(y, trend=trend, seasonal=seasonal, seasonal_periods=m if seasonal else None,
                                    damped_trend=damped, initialization_method="estimated").fit().aicc


def test_select_ets_is_the_lowest_aicc_of_the_standard_space():
    rng = np.random.default_rng(1)
    t = np.arange(96)
    y = 50 + 0.3 * t + 4 * np.sin(2 * np.pi * t / 12) + 0.3 * rng.standard_normal(96)
    chosen = B.select_ets(y, 12)
    space = [(tr, se, d) for tr in (None, "add") for se in (None, "add", "mul") for d in (False, True)
             if not (d and tr is None)]
    aiccs = {s: _ets_aicc(y, 12, *s) for s in space}
    best = min(aiccs, key=aiccs.get)
    assert (chosen["trend"], chosen["seasonal"], chosen["damped_trend"]) == best
    assert chosen["seasonal"] is not None and chosen["trend"] == "add"  # the known answer here
    np.testing.assert_allclose(chosen["aicc"], aiccs[best])


def test_select_ets_without_season_on_a_random_walk():
    y = 100 + np.cumsum(np.random.default_rng(2).standard_normal(120))
    assert B.select_ets(y, 12)["seasonal"] is None


def test_forecast_ets_fixed_model_is_statsmodels():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    y = seasonal(60) + 0.05 * np.arange(60)
    expected = ExponentialSmoothing(y, trend="add", seasonal="mul", seasonal_periods=12, damped_trend=True,
                                    initialization_method="estimated").fit().forecast(H)
    ours = B.forecast_ets(y, H, m=12, trend="add", seasonal="mul", damped_trend=True)
    np.testing.assert_allclose(ours, expected, rtol=1e-6)


def test_select_sarima_is_the_lowest_aicc_over_its_space():
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    import warnings

    rng = np.random.default_rng(3)
    t = np.arange(64)
    y = 5 + 0.1 * t + np.sin(2 * np.pi * t / 4) + 0.2 * rng.standard_normal(64)
    chosen = B.select_sarima(y, m=4, max_pq=1)
    aiccs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for order in [(0, 1, 0), (1, 1, 0), (0, 1, 1)]:
            for s in [(0, 1, 1), (1, 1, 1)]:
                aiccs[order, s] = SARIMAX(y, order=order, seasonal_order=(*s, 4)).fit(disp=False).aicc
    best = min(aiccs, key=aiccs.get)
    assert (chosen["order"], chosen["seasonal_order"]) == best
    expected = SARIMAX(y, order=best[0], seasonal_order=(*best[1], 4)).fit(disp=False).forecast(H)
    np.testing.assert_allclose(B.forecast_sarima(y, H, m=4, order=best[0], seasonal_order=best[1]), expected)


def test_forecast_sarima_non_seasonal_search():
    assert B.forecast_sarima(ar2(200), H, order="auto", seasonal_order=None).shape == (H,)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: B.select_ar(ar2(100), max_lag=0), ValueError, "max_lag must be >= 1"),
        (lambda: B.select_ar(ar2(100), max_lag=2.0), TypeError, "max_lag must be an int"),
        (lambda: B.select_ar(np.arange(10.0), max_lag=5), ValueError, "train must have at least 12 values"),
        (lambda: B.forecast_ar(ar2(100), 3, p=-1), ValueError, "p must be an int >= 0 or 'auto'"),
        (lambda: B.forecast_ar(ar2(100), 3, p="aic"), ValueError, "p must be an int >= 0 or 'auto'"),
        (lambda: B.forecast_ar(ar2(100), 3, p=60), ValueError, "train must have at least 122 values"),
        (lambda: B.select_ets(seasonal(), 12, trend="multiplicative"), ValueError, "trend must be one of"),
        (lambda: B.forecast_ets(seasonal(), 3, seasonal="yes"), ValueError, "seasonal must be one of"),
        (lambda: B.select_ets(seasonal(), 0), ValueError, "m must be >= 1"),
        (lambda: B.select_sarima(seasonal(), 12, d=-1), ValueError, "d must be an int >= 0"),
        (lambda: B.forecast_sarima(seasonal(), 3, order=(1, 1, 1)), ValueError, "seasonal_order must be a fixed"),
        (lambda: B.forecast_sarima(seasonal(), 3, seasonal_order=(0, 1, 1)), ValueError,
         "seasonal_order must be 'auto' or None"),
    ],
)
def test_model_selection_rejects_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
