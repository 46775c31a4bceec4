"""tslab.features: sine-cosine calendar pairs."""

import numpy as np
import pandas as pd
import pytest

from tslab.features import calendar_features


def test_pairs_lie_on_the_unit_circle_and_wrap_around():
    idx = pd.date_range("2021-01-01", "2021-12-31 23:00", freq="h")
    f = calendar_features(idx, ["hour", "dayofweek", "dayofyear", "month"])
    assert f.shape == (len(idx), 8) and list(f.columns[:2]) == ["hour_sin", "hour_cos"]
    for c in ("hour", "dayofweek", "dayofyear", "month"):
        assert np.allclose(f[f"{c}_sin"] ** 2 + f[f"{c}_cos"] ** 2, 1.0)
    # 23:00 is next to 00:00; 31 December next to 1 January
    assert np.hypot(*(f.iloc[23, :2] - f.iloc[0, :2])) < 0.3
    last, first = f.loc["2021-12-31 00:00", ["dayofyear_sin", "dayofyear_cos"]], f.iloc[0, 4:6]
    assert np.hypot(*(last.to_numpy() - first.to_numpy())) < 0.02


def test_hour_six_is_a_quarter_turn():
    f = calendar_features(pd.DatetimeIndex(["2020-03-01 06:00"]), "hour")
    assert np.allclose(f.to_numpy(), [[1.0, 0.0]], atol=1e-12)


def test_accepts_a_series_and_names_bad_input():
    s = pd.Series([1.0, 2.0], index=pd.date_range("2020-01-01", periods=2))
    assert calendar_features(s).index.equals(s.index)
    with pytest.raises(TypeError, match="index"):
        calendar_features(np.arange(3))
    with pytest.raises(ValueError, match="cycles"):
        calendar_features(s.index, ["week"])
    with pytest.raises(ValueError, match="cycles"):
        calendar_features(s.index, [])
