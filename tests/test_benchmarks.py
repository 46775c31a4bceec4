"""benchmarks/: importable without side effects, and README quotes the latest measured run."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["bench_cells", "bench_training", "bench_co2", "bench_intervals"])
def test_benchmark_scripts_expose_measure(name):
    assert callable(_load(name).measure)


def test_readme_benchmark_section_is_the_saved_run():
    """The README's numbers are exactly what `benchmarks/run.py --save --readme` last measured."""
    run = _load("run")
    latest = ROOT / "benchmarks" / "results" / "latest.json"
    assert latest.exists(), "run `python benchmarks/run.py --save --readme`"
    section = run.readme_section(json.loads(latest.read_text()))
    assert section in (ROOT / "README.md").read_text()


def test_latest_run_has_the_contract_keys():
    result = json.loads((ROOT / "benchmarks" / "results" / "latest.json").read_text())
    assert set(result["anomaly_accuracy"]) == {"rnn", "lstm", "gru"}
    assert isinstance(result["noise_floor_ratio"], float)
    assert set(result["anomaly_shortcut_accuracy"]) == {"noise_level", "last_steps"}
    assert 0.5 <= result["anomaly_reference_accuracy"] <= 1 and result["anomaly_goal"] < result["anomaly_reference_accuracy"]
    assert result["forecast_test_vs_oracle"] == pytest.approx(result["noise_floor_ratio"] / result["oracle_ratio"])
    assert len(result["notebook_seconds"]) == len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.py")))
    assert {"rnn", "lstm", "gru"} <= set(result["cells_speed"])
    for key in ("interval_coverage", "interval_width", "interval_coverage_ets", "interval_width_ets"):
        assert set(result[key]) == {"synthetic", "seattle_weather"}
        assert all(set(v) == {"0.8", "0.95"} for v in result[key].values())
    assert {"seasonal_naive", "ets"} < set(result["own_data_mase"])


def test_latest_co2_run_follows_the_protocol():
    """co2 is judged over the test origins, with the recipe and best kind chosen on validation."""
    bench = _load("bench_co2")
    result = json.loads((ROOT / "benchmarks" / "results" / "latest.json").read_text())
    test = result["co2_test"]
    assert {"seasonal_naive", "ets", "rnn", "lstm", "gru"} <= set(test)
    assert all(set(v) == {"mean_mase", "sd"} for v in test.values())
    assert all(test[k]["sd"] > 0 for k in bench.KINDS)  # networks: spread over seeds
    vs = result["co2_vs_ets"]
    assert 0 <= vs["origins_won"] <= 1 and vs["mean_diff_ci"][0] <= vs["mean_diff"] <= vs["mean_diff_ci"][1]
    val, choice = result["co2_validation"], result["co2_choice"]
    recipe = min(bench.RECIPES, key=lambda r: sum(val[r].values()))
    assert choice == {"recipe": recipe, "best_kind": min(bench.KINDS, key=lambda k: val[recipe][k])}
    assert vs["kind"] == choice["best_kind"]
    assert len(result["co2_test_per_origin"]["ets"]) == bench.N_TEST


def test_latest_sunspots_run_has_ar():
    result = json.loads((ROOT / "benchmarks" / "results" / "latest.json").read_text())
    assert {"ar", "linear", "ets", "rnn", "lstm", "gru"} <= set(result["sunspots_mase"])


def test_co2_origins_follow_the_protocol():
    bench = _load("bench_co2")
    T = 526
    test, val = bench.test_origins(T), bench.validation_origins(T)
    assert len(test) == 12 and test[-1] == T - 24 and all(b - a == 3 for a, b in zip(test, test[1:]))
    assert len(val) == 8 and val[-1] + 24 <= test[0]  # validation forecasts end before the test period


def test_paired_comparison_hand_computed():
    bench = _load("bench_co2")
    out = bench.paired([1.0, 2.0, 3.0, 4.0], [2.0, 2.5, 2.0, 5.0])  # differences -1, -0.5, 1, -1
    assert out["origins_won"] == 0.75 and out["mean_diff"] == -0.375
    assert -1.0 <= out["mean_diff_ci"][0] <= out["mean_diff"] <= out["mean_diff_ci"][1] <= 1.0


def test_training_benchmark_and_notebook_05_share_one_settings_object():
    from tslab.settings import TRAINING

    assert _load("bench_training").S is TRAINING
    assert "from tslab.settings import TRAINING" in (ROOT / "notebooks" / "05_training.py").read_text()


def test_shortcut_classifiers_see_noise_but_not_the_spike(monkeypatch):
    """On the default task neither shortcut beats chance by much; with noisier anomalies the noise
    rule wins; the reference that is told the spike position is near perfect on both."""
    import dataclasses

    bench = _load("bench_training")
    monkeypatch.setattr(bench, "S", dataclasses.replace(bench.S, anomaly_samples=600))
    train, _, test = bench.anomaly_data()
    fair = bench.shortcut_accuracy(train, test)
    assert abs(fair["noise_level"] - 0.5) < 0.15 and abs(fair["last_steps"] - 0.5) < 0.15
    assert bench.reference_accuracy(train, test) > 0.95
    noisy_train, _, noisy_test = bench.anomaly_data(anomaly_noise=bench.SHORTCUT_NOISE)
    assert bench.shortcut_accuracy(noisy_train, noisy_test)["noise_level"] > 0.9
