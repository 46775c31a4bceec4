"""tslab.seasonality: periods of known sines, ACF against statsmodels, bad input."""

import numpy as np
import pytest
from statsmodels.tsa.stattools import acf

from tslab.seasonality import autocorrelation, detect_periods, periodogram


def test_autocorrelation_matches_statsmodels():
    y = np.random.default_rng(0).normal(size=300).cumsum()
    assert np.allclose(autocorrelation(y, 40), acf(y, nlags=40))


@pytest.mark.parametrize("periods", [[24], [24, 168], [7, 30]])
def test_detect_periods_finds_known_sines(periods):
    rng = np.random.default_rng(0)
    t = np.arange(3000)
    y = sum(np.sin(2 * np.pi * t / p) / (i + 1) for i, p in enumerate(periods)) + rng.normal(0, 0.3, t.size) + 0.01 * t
    assert detect_periods(y, n=len(periods)) == periods


def test_detect_periods_respects_max_period():
    t = np.arange(2000)
    y = np.sin(2 * np.pi * t / 100) + 0.5 * np.sin(2 * np.pi * t / 10)
    assert detect_periods(y, max_period=50) == [10]


def test_periodogram_peak_of_a_pure_sine():
    y = np.sin(2 * np.pi * np.arange(240) / 12)
    periods, power = periodogram(y)
    assert periods.shape == power.shape == (120,)
    assert periods[np.argmax(power)] == 12


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="max_lag"):
        autocorrelation(np.arange(10.0), 10)
    with pytest.raises(ValueError, match="constant"):
        autocorrelation(np.ones(10), 3)
    with pytest.raises(ValueError, match="y must have at least 8"):
        detect_periods(np.arange(5.0))
    with pytest.raises(ValueError, match="y must be 1-D"):
        detect_periods(np.zeros((20, 2)))
    with pytest.raises(ValueError, match="NaN"):
        periodogram(np.array([1.0, np.nan, 2.0, 3.0, 4.0]))
    with pytest.raises(TypeError, match="n must be an int"):
        detect_periods(np.arange(20.0), n=1.5)
    with pytest.raises(ValueError, match="max_period"):
        detect_periods(np.arange(20.0), max_period=1)
