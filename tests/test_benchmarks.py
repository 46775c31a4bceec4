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


@pytest.mark.parametrize("name", ["bench_cells", "bench_training", "bench_co2"])
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
    assert {"seasonal_naive", "ets", "sarima", "rnn", "lstm", "gru"} <= set(result["co2_mase"])
    assert len(result["notebook_seconds"]) == len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.py")))
    assert {"rnn", "lstm", "gru"} <= set(result["cells_speed"])


def test_co2_recurrent_scores_use_the_recipe_chosen_on_validation():
    """Each kind in co2_mase is that kind's score under the recipe with the lower validation MASE,
    and both recipes' scores are saved next to it."""
    bench = _load("bench_co2")
    result = json.loads((ROOT / "benchmarks" / "results" / "latest.json").read_text())
    assert result["co2_recipe"] == bench.CHOSEN
    for kind, recipe in bench.CHOSEN.items():
        other = next(r for r in bench.VALIDATION if r != recipe)
        assert bench.VALIDATION[recipe][kind] <= bench.VALIDATION[other][kind]
        assert result["co2_mase"][kind] == result[f"co2_mase_{recipe}"][kind]


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
