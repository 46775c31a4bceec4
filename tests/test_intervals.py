"""tslab.intervals: split conformal against a known answer, coverage/width helpers, ETS reference."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from tslab.intervals import conformal_interval, conformal_quantiles, coverage, ets_rolling_intervals, mean_width


def test_conformal_quantile_is_the_ceil_rank_of_abs_errors():
    e = np.array([-5.0, 1.0, -2.0, 4.0, 3.0, -6.0, 7.0, 8.0, 9.0])  # |e| sorted: 1 2 3 4 5 6 7 8 9
    q = conformal_quantiles(e, [0.5, 0.8])  # ranks ceil(10 * .5) = 5, ceil(10 * .8) = 8
    assert q.shape == (2, 1) and q[:, 0].tolist() == [5.0, 8.0]


def test_conformal_per_horizon_and_pooled():
    r = np.column_stack([np.arange(1.0, 20.0), 10 * np.arange(1.0, 20.0)])  # (19, 2)
    q = conformal_quantiles(r, 0.9)  # rank ceil(20 * 0.9) = 18
    assert q.tolist() == [[18.0, 180.0]]
    pooled = conformal_quantiles(r, 0.9, per_horizon=False)
    assert pooled.shape == (1, 2) and pooled[0, 0] == pooled[0, 1]


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_conformal_coverage_on_gaussian_errors_is_nominal(level):
    """Exchangeable N(0, 1) errors: the coverage of fresh errors is within 1.5 points of nominal."""
    rng = np.random.default_rng(0)
    q = conformal_quantiles(rng.normal(size=(2000, 3)), level)[0]
    y = rng.normal(size=(50_000, 3))
    lo, hi = conformal_interval(np.zeros_like(y), q)
    assert abs(coverage(y, lo, hi) - level) < 0.015
    from scipy.stats import norm
    assert np.allclose(q, norm.ppf(0.5 + level / 2), atol=0.1)  # the Gaussian half-width


def test_coverage_and_width_by_hand():
    y = np.array([[1.0, 5.0], [2.0, 0.0]])
    lo, hi = np.array([[0.0, 0.0], [0.0, 1.0]]), np.array([[2.0, 4.0], [3.0, 2.0]])
    assert coverage(y, lo, hi) == 0.5
    assert coverage(y, lo, hi, per_horizon=True).tolist() == [1.0, 0.0]
    assert mean_width(lo, hi) == 2.5


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="residuals"):
        conformal_quantiles(np.ones(5), 0.95)  # needs 19
    with pytest.raises(ValueError, match="residuals"):
        conformal_quantiles([np.nan, 1.0, 2.0, 3.0], 0.5)
    with pytest.raises(ValueError, match="levels"):
        conformal_quantiles(np.ones(50), 1.5)
    with pytest.raises(TypeError, match="per_horizon"):
        conformal_quantiles(np.ones(50), 0.5, per_horizon="yes")
    with pytest.raises(ValueError, match="q must have one half-width"):
        conformal_interval(np.zeros((3, 2)), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="q must be >= 0"):
        conformal_interval(np.zeros(2), [-1.0, 1.0])
    with pytest.raises(ValueError, match="lower and upper"):
        coverage(np.zeros(3), np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="lower must be <= upper"):
        mean_width(np.ones(2), np.zeros(2))
    with pytest.raises(ValueError, match="origins"):
        ets_rolling_intervals(np.arange(50.0), 40, [30], 3)
    with pytest.raises(ValueError, match="trend"):
        ets_rolling_intervals(np.arange(50.0), 40, [45], 3, trend="mul")


@pytest.mark.parametrize("trend, damped", [(None, False), ("add", False), ("add", True)])
def test_ets_rolling_intervals_match_statsmodels(trend, damped):
    """Points at every origin equal ETSModel smoothed with the same parameters; at the fit end,
    the interval is exactly statsmodels' get_prediction."""
    rng = np.random.default_rng(1)
    y = np.cumsum(rng.normal(size=300)) + 0.05 * np.arange(300)
    point, lo, hi = ets_rolling_intervals(y, 250, [250, 280], 5, (0.8, 0.95), trend=trend, damped_trend=damped)
    spec = dict(error="add", trend=trend, damped_trend=damped)
    fit = ETSModel(pd.Series(y[:250]), **spec).fit(disp=False)
    for k, o in enumerate([250, 280]):
        ref = ETSModel(pd.Series(y[:o]), **spec).smooth(fit.params).forecast(5)
        assert np.allclose(point[k], ref)
    frame = fit.get_prediction(start=250, end=254).summary_frame(alpha=0.05)
    assert np.allclose(lo[1, 0], frame["pi_lower"]) and np.allclose(hi[1, 0], frame["pi_upper"])


def test_notebook_08_exercise_checks_pass_the_solution_and_fail_the_blank():
    from tslab.exercises import check_close, check_function

    cases = [(np.random.default_rng(s).normal(size=n), lv) for s, n, lv in ((1, 30, 0.8), (2, 57, 0.9), (3, 200, 0.95))]
    reference = lambda e, level: conformal_quantiles(e, level)[0, 0]  # noqa: E731

    def solution(e, level):
        a = np.sort(np.abs(e))
        return a[int(np.ceil((len(a) + 1) * level)) - 1]

    assert check_function("my_conformal_q", solution, reference, cases) is True
    assert check_function("my_conformal_q", lambda e, level: None, reference, cases) is False
    assert check_function("my_conformal_q", lambda e, level: np.quantile(np.abs(e), level), reference, cases) is False
    assert check_close("answer_level", 176 / 177, 176 / 177, rtol=1e-3) is True
    assert check_close("answer_level", 0.99, 176 / 177, rtol=1e-3) is False
