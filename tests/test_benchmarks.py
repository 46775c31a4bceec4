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
    assert {"seasonal_naive", "ets", "sarima", "rnn", "lstm", "gru"} <= set(result["co2_mase"])
    assert len(result["notebook_seconds"]) == len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.py")))
    assert {"rnn", "lstm", "gru"} <= set(result["cells_speed"])
    for key in ("interval_coverage", "interval_width", "interval_coverage_ets", "interval_width_ets"):
        assert set(result[key]) == {"synthetic", "seattle_weather"}
        assert all(set(v) == {"0.8", "0.95"} for v in result[key].values())
    assert {"seasonal_naive", "ets"} < set(result["own_data_mase"])


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
