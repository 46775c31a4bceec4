"""co2 benchmark: the course's recurrent recipe against classical baselines, judged over many origins.

Protocol (written down and committed before any of its numbers were run)
=========================================================================

Data: the monthly co2 series, ``tslab.data.load_dataset("co2")``, T = 526 months (1958-03 to
2001-12). Horizon H = 24 months. Every origin o refits **everything** (ETS model selection,
SARIMA orders, the network's trend, scaler and weights) on ``y[:o]`` only and forecasts
``y[o : o + 24]``. Score: MASE of the 24 forecasts, scaled by the in-sample seasonal-naive MAE
(m = 12) of that origin's own training data, in original units (ppm).

* **Test period**: 12 rolling origins, 3 months apart, the last at T - 24:
  ``o = T - 24 - 3 k``, k = 11..0 (training parts end 1997-03 ... 1999-12; forecasts cover
  1997-04 ... 2001-12). Used once, for the final table; nothing is changed after seeing it.
* **Validation period**: 8 rolling origins, 3 months apart, whose 24-month forecast blocks end
  before the first test origin: ``o = T - 81 - 3 k``, k = 7..0. *Every* choice is made here:
  the recipe (one for all three cell types), which cell type is "the best recurrent recipe" for
  the paired comparison, and any ensembling.
* **Candidates** (one network configuration: ``tslab.forecast.fit_recurrent`` defaults, L = 36,
  hidden 32, 40 epochs, Adam 5e-3 with cosine decay): ``recipe="detrended"`` (quadratic trend
  removed, locally normalised windows, direct 24-step output), ``"combination"`` (the mean of
  that network's forecast and ETS's) and ``"ets_residual"`` (ETS + residual network: the network
  learns ETS's out-of-sample errors, ETS refit inside each training part, :mod:`tslab.hybrid`).
  Validation uses seed 0. The recipe with the lowest mean validation MASE over the three
  cell types is chosen; the cell type with the lowest validation MASE under it is "best".
* **Baselines**: seasonal naive (m = 12); ETS chosen by AICc (trend none/additive/damped,
  season none/additive/multiplicative, ``tslab.baselines.forecast_ets``); SARIMA with
  (p, 1, q)(P, 1, 1)_12 chosen by AICc over p + q <= 2, P in {0, 1} (test period only).
* **Report** (``measure()``): ``co2_test`` = {method: {"mean_mase", "sd"}} over the 12 test
  origins, for seasonal_naive, ets, sarima and rnn, lstm, gru under the chosen recipe, each
  network fit with **5 seeds** (0-4): mean_mase is the mean over seeds of the per-seed mean over
  origins, sd the standard deviation over seeds (0 for the deterministic baselines).
  ``co2_vs_ets`` = paired comparison of the best recurrent recipe against ETS, per origin (the
  network's MASE averaged over seeds): ``origins_won`` = share of test origins where it has the
  lower MASE, ``mean_diff_ci`` = 95 % percentile bootstrap interval (10 000 resamples of the
  origins, seed 0) of the mean MASE difference network - ETS (below 0 = better than ETS).
  ``co2_validation`` holds the validation table and ``co2_choice`` what it chose.
* **Goal** (issue 15): the best recurrent recipe's mean test MASE <= ETS's. If it is not met,
  README and notebook 07 say so with these numbers.

Compute: 12 x 5 x 3 = 180 network fits on the test period and 8 x 2 x 3 = 48 on the validation
period (a few seconds each on one CPU thread), plus the baselines. (Amended before any number was
seen: 40 epochs instead of 80 and one validation seed instead of two, to fit the compute budget.)

History (superseded; kept for the record)
=========================================

Until issue 15 this benchmark scored a single 24-month holdout (2000-01 to 2001-12), with
validation backtests inside the training part that chose, per cell type, between a detrended
recipe and an ETS hybrid trained on ETS's *in-sample* errors. MASE on that one block:
seasonal naive 1.450, ETS (additive Holt-Winters, fixed) 0.181, SARIMA (1,1,1)(0,1,1)_12 0.273,
RNN 0.466 (detrended), LSTM 0.210 (hybrid), GRU 0.345 (detrended); every kind hybrid: RNN 0.363,
LSTM 0.210, GRU 0.192. On the 12-block validation backtest of that time (1988-1999) the means were
seasonal naive 2.009, ETS 0.617, SARIMA 0.550, detrended RNN/LSTM/GRU 0.548/0.567/0.567, hybrid
0.588/0.545/0.588. One block is one sample, the per-kind choice was cherry-picking within noise,
and in-sample ETS errors flattered the hybrid: the protocol above replaces it.

Usage::

    python benchmarks/bench_co2.py                 # validation, then test; a table
    python benchmarks/bench_co2.py --json          # JSON
    python benchmarks/bench_co2.py --validation    # the validation period only
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

HORIZON = 24
PERIOD = 12
STEP = 3
N_TEST, N_VAL = 12, 8
KINDS = ("rnn", "lstm", "gru")
RECIPES = ("detrended", "combination", "ets_residual")
VAL_SEEDS = (0,)
TEST_SEEDS = (0, 1, 2, 3, 4)


def test_origins(T: int) -> list[int]:
    """The 12 test origins, oldest first (the last one leaves exactly 24 months)."""
    return [T - HORIZON - STEP * k for k in range(N_TEST - 1, -1, -1)]


def validation_origins(T: int) -> list[int]:
    """The 8 validation origins, oldest first; their forecast blocks end before the first test origin."""
    last = test_origins(T)[0] - HORIZON
    return [last - STEP * k for k in range(N_VAL - 1, -1, -1)]


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _baselines(sarima: bool) -> dict:
    from tslab import baselines

    out = {
        "seasonal_naive": lambda tr: baselines.forecast_seasonal_naive(tr, HORIZON, PERIOD),
        "ets": lambda tr: baselines.forecast_ets(tr, HORIZON, m=PERIOD),
    }
    if sarima:
        out["sarima"] = lambda tr: baselines.forecast_sarima(tr, HORIZON, m=PERIOD)
    return out


def _networks(train: np.ndarray, recipes: tuple[str, ...], seeds: tuple[int, ...]) -> dict:
    """``{(recipe, kind, seed): forecast (H,)}``; detrended and combination share one network."""
    from tslab.forecast import RecurrentForecaster, fit_recurrent

    out = {}
    for kind in KINDS:
        for seed in seeds:
            if "detrended" in recipes or "combination" in recipes:
                f = fit_recurrent(train, HORIZON, PERIOD, kind=kind, seed=seed, recipe="combination", device="cpu")
                if "combination" in recipes:
                    out["combination", kind, seed] = f.predict(train)
                if "detrended" in recipes:
                    detrended = RecurrentForecaster(f.model, {**f.config, "recipe": "detrended"})
                    out["detrended", kind, seed] = detrended.predict(train)
            if "ets_residual" in recipes:
                f = fit_recurrent(train, HORIZON, PERIOD, kind=kind, seed=seed, recipe="ets_residual", device="cpu")
                out["ets_residual", kind, seed] = f.predict(train)
    return out


def score_origin(y: np.ndarray, origin: int, recipes: tuple[str, ...], seeds: tuple[int, ...],
                 sarima: bool) -> dict:
    """MASE of every method at one origin: ``{"baselines": {name: x}, "networks": {"recipe/kind/seed": x}}``."""
    from tslab.metrics import mase

    start = time.perf_counter()
    train, future = y[:origin], y[origin : origin + HORIZON]
    base = {name: float(mase(future, f(train), train, PERIOD)) for name, f in _baselines(sarima).items()}
    nets = {"/".join(map(str, key)): float(mase(future, forecast, train, PERIOD))
            for key, forecast in _networks(train, recipes, seeds).items()}
    _log(f"  origin {origin} ({time.perf_counter() - start:.0f} s): " + ", ".join(f"{k} {v:.3f}" for k, v in base.items()))
    return {"origin": origin, "baselines": base, "networks": nets}


def run_period(y: np.ndarray, origins: list[int], recipes: tuple[str, ...], seeds: tuple[int, ...],
               sarima: bool) -> dict:
    """MASE at every origin: ``{"baselines": {name: [per origin]}, "networks": {(recipe, kind, seed): [...]}}``.

    Origins are scored in ``TSLAB_BENCH_JOBS`` worker processes (default: one per CPU core), each
    on one torch thread; every fit is seeded, so the numbers do not depend on the number of jobs.
    """
    score = functools.partial(score_origin, y, recipes=recipes, seeds=seeds, sarima=sarima)
    jobs = min(int(os.environ.get("TSLAB_BENCH_JOBS", os.cpu_count() or 1)), len(origins))
    if jobs <= 1:
        return collect([score(o) for o in origins])
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_one_thread) as pool:
        return collect(list(pool.map(score, origins)))


def _one_thread() -> None:
    import torch

    torch.set_num_threads(1)


def collect(records: list[dict]) -> dict:
    """Per-origin records of :func:`score_origin` (oldest first) -> lists per method."""
    base: dict = {}
    nets: dict = {}
    for rec in records:
        for name, v in rec["baselines"].items():
            base.setdefault(name, []).append(v)
        for key, v in rec["networks"].items():
            recipe, kind, seed = key.split("/")
            nets.setdefault((recipe, kind, int(seed)), []).append(v)
    return {"baselines": base, "networks": nets}


def per_origin(nets: dict, recipe: str, kind: str) -> np.ndarray:
    """``(seeds, origins)`` MASE of one recipe and kind."""
    return np.array([v for (r, k, _), v in sorted(nets.items()) if r == recipe and k == kind])


def validate(y: np.ndarray) -> dict:
    """Run the validation period and make every choice (see the protocol)."""
    run = run_period(y, validation_origins(len(y)), RECIPES, VAL_SEEDS, sarima=False)
    table = {name: round(float(np.mean(v)), 4) for name, v in run["baselines"].items()}
    for recipe in RECIPES:
        table[recipe] = {kind: round(float(per_origin(run["networks"], recipe, kind).mean()), 4) for kind in KINDS}
    recipe = min(RECIPES, key=lambda r: np.mean(list(table[r].values())))
    best_kind = min(KINDS, key=lambda k: table[recipe][k])
    return {"co2_validation": table, "co2_choice": {"recipe": recipe, "best_kind": best_kind}}


def paired(network: np.ndarray, ets: np.ndarray, resamples: int = 10_000) -> dict:
    """Share of origins won and the 95 % bootstrap interval of the mean difference (network - ETS)."""
    diff = np.asarray(network) - np.asarray(ets)  # (origins,)
    rng = np.random.default_rng(0)
    means = diff[rng.integers(0, diff.size, size=(resamples, diff.size))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return {"origins_won": round(float(np.mean(diff < 0)), 4), "mean_diff": round(float(diff.mean()), 4),
            "mean_diff_ci": [round(float(lo), 4), round(float(hi), 4)]}


def test_period(y: np.ndarray, choice: dict) -> dict:
    """Run the test period with the recipe and best kind chosen on validation."""
    return summarize_test(run_period(y, test_origins(len(y)), (choice["recipe"],), TEST_SEEDS, sarima=True), choice)


def summarize_test(run: dict, choice: dict) -> dict:
    """``co2_test``, ``co2_vs_ets`` and the per-origin scores from :func:`run_period`'s output."""
    recipe, best = choice["recipe"], choice["best_kind"]
    test = {name: {"mean_mase": round(float(np.mean(v)), 4), "sd": 0.0} for name, v in run["baselines"].items()}
    for kind in KINDS:
        per_seed = per_origin(run["networks"], recipe, kind).mean(axis=1)  # (seeds,)
        test[kind] = {"mean_mase": round(float(per_seed.mean()), 4), "sd": round(float(per_seed.std(ddof=1)), 4)}
    best_per_origin = per_origin(run["networks"], recipe, best).mean(axis=0)  # (origins,)
    return {
        "co2_test": test,
        "co2_vs_ets": {"kind": best, **paired(best_per_origin, run["baselines"]["ets"])},
        "co2_test_per_origin": {**{k: [round(v, 4) for v in vals] for k, vals in run["baselines"].items()},
                                best: [round(float(v), 4) for v in best_per_origin]},
    }


SUNSPOT_HORIZON = 11
SUNSPOT_NET = {"input_len": 33, "hidden_size": 32, "epochs": 60, "lr": 5e-3}


def sunspots_network(train: np.ndarray, kind: str, seed: int) -> np.ndarray:
    """Notebook 07's sunspots network: a direct ``SequenceModel(kind, output_size=11)`` on windows
    of 33 years, globally standardised on ``train (T,)`` only. Returns ``(11,)``."""
    import torch

    from tslab.data import Scaler, make_loader, make_windows
    from tslab.models import SequenceModel
    from tslab.train import fit

    L, H = SUNSPOT_NET["input_len"], SUNSPOT_HORIZON
    scaler = Scaler("standard").fit(train)
    X, Y = make_windows(scaler.transform(train), L, H)  # (N, L, 1), (N, H)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = SequenceModel(kind, input_size=1, hidden_size=SUNSPOT_NET["hidden_size"], output_size=H)
        epochs = SUNSPOT_NET["epochs"]
        fit(model, make_loader(X, Y, batch_size=64, shuffle=True, seed=seed), epochs=epochs, lr=SUNSPOT_NET["lr"],
            progress=False, device="cpu",
            scheduler=lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs))
    model.eval()
    with torch.no_grad():
        z = model(torch.as_tensor(scaler.transform(train[-L:]), dtype=torch.float32)[None, :, None])[0].numpy()
    return scaler.inverse_transform(z)


def measure_sunspots(seeds: tuple[int, ...] = TEST_SEEDS) -> dict:
    """MASE (m = 1: yearly data has no season to scale by) on the last 11 years of sunspots.

    Classical models: naive, AR(p) with p by AIC (``ar``), least squares on the networks' 33 lags
    (``linear``), ETS and SARIMA with an 11-year "season", chosen by AICc. Networks: mean over
    ``seeds`` (their spread in ``sunspots_mase_sd``).
    """
    from tslab import baselines
    from tslab.data import load_dataset
    from tslab.metrics import mase

    y = load_dataset("sunspots").to_numpy()
    H = SUNSPOT_HORIZON
    train, test = y[:-H], y[-H:]
    forecasts = {
        "naive": baselines.forecast_naive(train, H),
        "seasonal_naive": baselines.forecast_seasonal_naive(train, H, m=11),
        "ar": baselines.forecast_ar(train, H),
        "linear": baselines.forecast_linear(train, H, n_lags=SUNSPOT_NET["input_len"]),
        "ets": baselines.forecast_ets(train, H, m=11),
        "sarima": baselines.forecast_sarima(train, H, m=11),
    }
    scores = {k: round(float(mase(test, f, train, 1)), 4) for k, f in forecasts.items()}
    sd = {}
    for kind in KINDS:
        per_seed = [mase(test, sunspots_network(train, kind, seed), train, 1) for seed in seeds]
        scores[kind], sd[kind] = round(float(np.mean(per_seed)), 4), round(float(np.std(per_seed, ddof=1)), 4)
    return {"sunspots_mase": scores, "sunspots_mase_sd": sd, "sunspots_ar_order": baselines.select_ar(train)}


def time_fit_forecast() -> dict:
    """Wall time of one ``fit_forecast`` call (default recipe, GRU) on a 500-point monthly series
    (the co2 months before the test period's last origin), 24 months ahead; target <= 20 s."""
    from tslab.data import load_dataset
    from tslab.forecast import fit_forecast

    y = load_dataset("co2").to_numpy()[-HORIZON - 500 : -HORIZON]
    start = time.perf_counter()
    fit_forecast(y, HORIZON, PERIOD, kind="gru", device="cpu")
    seconds = round(time.perf_counter() - start, 1)
    _log(f"[co2] fit_forecast on {y.size} monthly points: {seconds} s")
    return {"fit_forecast_seconds": seconds}


def measure() -> dict:
    """Validation, then the test period (see the module docstring for every key)."""
    import torch

    from tslab.data import load_dataset

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # deterministic and polite on a shared CPU
    try:
        y = load_dataset("co2").to_numpy()
        start = time.perf_counter()
        _log("[co2] validation period")
        result = validate(y)
        _log(f"[co2] chose {result['co2_choice']}; test period")
        result.update(test_period(y, result["co2_choice"]))
        result["co2_seconds"] = round(time.perf_counter() - start, 1)
        result.update(measure_sunspots())
        result.update(time_fit_forecast())
        return result
    finally:
        torch.set_num_threads(threads)


def main() -> None:
    parser = argparse.ArgumentParser(description="co2 benchmark over rolling test origins")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--validation", action="store_true", help="the validation period only")
    args = parser.parse_args()
    if args.validation:
        import torch

        from tslab.data import load_dataset

        torch.set_num_threads(1)
        print(json.dumps(validate(load_dataset("co2").to_numpy()), indent=2))
        return
    result = measure()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
