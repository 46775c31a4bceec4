"""Measure what notebook 08 (your own series) claims: interval coverage and width, and test MASE.

Run ``python benchmarks/bench_intervals.py`` (add ``--json``). ``measure()`` returns

- ``interval_coverage``: empirical coverage (a fraction) of split-conformal intervals around the
  recurrent forecaster, ``{"synthetic": {"0.8": c, "0.95": c}, "seattle_weather": {...}}``
  (goals: within 0.03 of nominal on the synthetic series, within 0.05 on the real test year);
- ``interval_width``: their mean width, same shape (units of each series);
- ``interval_coverage_ets`` / ``interval_width_ets``: the same for statsmodels ``ETSModel``'s own
  Gaussian intervals (fitted on the same part, same origins);
- ``own_data_mase``: test MASE (m = 365) on Seattle's daily maximum temperature, 2015, for
  ``seasonal_naive``, ``ets`` and the recurrent model chosen on validation (its name as key).

Protocol (both series): the network (``tslab.forecast.fit_recurrent``, recipe ``"detrended"``,
direct, H = 7) and ETS (form by AICc) are fitted once on a fitting part; the conformal
half-widths come from the forecasts at every origin of the following validation period; then
every origin of the test period is scored once, with the weights fixed and the data up to the
origin as input.

- synthetic: a local-level series ``ℓ_t = ℓ_{t-1} + η_t``, ``y_t = ℓ_t + ε_t`` with Gaussian
  ``η ~ N(0, 0.3²)``, ``ε ~ N(0, 1)`` (ETS(A,N,N) is the true model), 6000 steps: fit 2000,
  validation 1000 origins, test 2993 origins;
- seattle_weather: notebook 08 exactly (2012-01 .. 2014-07 fit, last 182 days of 2014
  validation, 2015 test; four candidates (cell type, window, hidden size, layers) chosen by validation MASE).
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import sys
import time

import numpy as np
import torch

H = 7
LEVELS = (0.8, 0.95)
CANDIDATES = {"gru_L14_h16": dict(kind="gru", input_len=14, hidden_size=16),
              "gru_L28_h32": dict(kind="gru", input_len=28, hidden_size=32),
              "lstm_L14_h16": dict(kind="lstm", input_len=14, hidden_size=16),
              "gru_L14_h16_2layers": dict(kind="gru", input_len=14, hidden_size=16, num_layers=2)}


def _intervals(y, point_val, val_origins, point_test, test_origins, n_fit, ets_spec):
    """Conformal and ETS coverage/width on the test origins."""
    from tslab.intervals import conformal_interval, conformal_quantiles, coverage, ets_rolling_intervals, mean_width

    Y_val = np.stack([y[o:o + H] for o in val_origins])
    Y_test = np.stack([y[o:o + H] for o in test_origins])
    q = conformal_quantiles(Y_val - point_val, LEVELS)
    ets_point, lo_e, hi_e = ets_rolling_intervals(y, n_fit, test_origins, H, LEVELS, trend=ets_spec["trend"],
                                                  damped_trend=ets_spec["damped_trend"])
    out = {"cov": {}, "width": {}, "cov_ets": {}, "width_ets": {}}
    for j, level in enumerate(LEVELS):
        lo, hi = conformal_interval(point_test, q[j])
        out["cov"][str(level)] = round(coverage(Y_test, lo, hi), 4)
        out["width"][str(level)] = round(mean_width(lo, hi), 4)
        out["cov_ets"][str(level)] = round(coverage(Y_test, lo_e[j], hi_e[j]), 4)
        out["width_ets"][str(level)] = round(mean_width(lo_e[j], hi_e[j]), 4)
    return out, ets_point


def synthetic(seed: int = 0) -> dict:
    from tslab.baselines import select_ets
    from tslab.forecast import fit_recurrent

    rng = np.random.default_rng(seed)
    T, n_fit, n_val = 6000, 2000, 1000
    y = np.cumsum(rng.normal(0, 0.3, T)) + rng.normal(0, 1.0, T)
    val_origins = np.arange(n_fit, n_fit + n_val)
    test_origins = np.arange(n_fit + n_val, T - H + 1)
    net = fit_recurrent(y[:n_fit], H, 1, recipe="detrended", kind="gru", input_len=14, hidden_size=16,
                        epochs=20, seed=seed, device="cpu")
    point = lambda origins: np.stack([net.predict(y[:o]) for o in origins])  # noqa: E731
    spec = select_ets(y[:n_fit], 1)
    out, _ = _intervals(y, point(val_origins), val_origins, point(test_origins), test_origins, n_fit, spec)
    return out


def seattle(seed: int = 0) -> tuple[dict, dict]:
    import pandas as pd

    from tslab import baselines, metrics
    from tslab.data import load_csv
    from tslab.features import calendar_features
    from tslab.forecast import fit_recurrent

    csv = importlib.resources.files("vega_datasets") / "_data" / "seattle-weather.csv"
    df = load_csv(csv, "date", ["temp_max", "precipitation", "temp_min", "wind"])
    y = df["temp_max"].to_numpy()
    U = np.column_stack([df[["precipitation", "temp_min", "wind"]].to_numpy(),
                         calendar_features(df.index, ["dayofyear"]).to_numpy()])
    m = 365
    n_train = int((df.index < pd.Timestamp("2015-01-01")).sum())
    n_fit = n_train - 182
    val_origins, test_origins = np.arange(n_fit, n_train - H + 1), np.arange(n_train, len(y) - H + 1)

    def mase_at(origins, P):
        return float(np.mean([metrics.mase(y[o:o + H], p, y[:o], m) for o, p in zip(origins, P)]))

    val, nets = {}, {}
    for name, cfg in CANDIDATES.items():
        nets[name] = fit_recurrent(y[:n_fit], H, m, recipe="detrended", epochs=20, seed=seed, device="cpu",
                                   covariates=U[:n_fit], **cfg)
        val[name] = np.stack([nets[name].predict(y[:o], U[:o]) for o in val_origins])
    best = min(CANDIDATES, key=lambda k: mase_at(val_origins, val[k]))
    net_test = np.stack([nets[best].predict(y[:o], U[:o]) for o in test_origins])
    spec = baselines.select_ets(y[:n_fit], 1)
    out, ets_test = _intervals(y, val[best], val_origins, net_test, test_origins, n_fit, spec)
    snaive = np.stack([baselines.forecast_seasonal_naive(y[:o], H, m) for o in test_origins])
    mase = {"seasonal_naive": round(mase_at(test_origins, snaive), 4), "ets": round(mase_at(test_origins, ets_test), 4),
            best: round(mase_at(test_origins, net_test), 4)}
    out["validation_mase"] = {k: round(mase_at(val_origins, v), 4) for k, v in val.items()}
    return out, mase


def measure() -> dict:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in notebook 08: the same float order, the same numbers
    try:
        syn = synthetic()
        real, mase = seattle()
    finally:
        torch.set_num_threads(threads)
    return {
        "interval_coverage": {"synthetic": syn["cov"], "seattle_weather": real["cov"]},
        "interval_width": {"synthetic": syn["width"], "seattle_weather": real["width"]},
        "interval_coverage_ets": {"synthetic": syn["cov_ets"], "seattle_weather": real["cov_ets"]},
        "interval_width_ets": {"synthetic": syn["width_ets"], "seattle_weather": real["width_ets"]},
        "own_data_mase": mase,
        "own_data_validation_mase": real["validation_mase"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    result = measure()
    print(json.dumps(result, indent=2) if args.json else result)
    print(f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
