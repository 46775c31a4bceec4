"""Measure the course's targets and print them.

    python benchmarks/run.py            # a readable table
    python benchmarks/run.py --json     # one JSON object on stdout (progress goes to stderr)
    python benchmarks/run.py --only cells notebooks   # some parts only

Parts (each a script in this folder with a ``measure() -> dict``):

- ``training``  (bench_training.py): ``anomaly_accuracy`` {rnn, lstm, gru} at notebook 05's
  settings, next to ``anomaly_shortcut_accuracy`` {noise_level, last_steps} (classifiers that
  never see the spike), ``anomaly_reference_accuracy`` (one told where the spike is) and
  ``anomaly_goal``; ``forecast_test_vs_oracle`` (best recurrent model's test MSE / the oracle's on
  the same steps) and ``noise_floor_ratio`` (the same MSE / expected noise variance);
- ``co2``       (bench_co2.py): ``co2_test`` {method: {mean_mase, sd}} over 12 rolling test origins
  (24 months ahead, everything refit at each origin), ``co2_vs_ets`` (the best recurrent recipe
  against ETS, paired over origins), ``co2_validation`` / ``co2_choice`` (how the recipe was
  chosen), and ``sunspots_mase`` (last 11 years, MASE with m = 1, ``ar`` = AR(p) by AIC);
- ``intervals`` (bench_intervals.py): ``interval_coverage`` / ``interval_width`` {synthetic,
  seattle_weather} x {0.8, 0.95} for split-conformal intervals (and ``*_ets`` for ETSModel's own),
  ``own_data_mase`` {seasonal_naive, ets, chosen network} on notebook 08's test year;
- ``cells``     (bench_cells.py): ``cells_speed`` hand-written vs torch.nn, forward+backward, on a
  padded batch (``rnn``, ``lstm``, ``gru``) and a packed one of lengths 10-50 (``*_packed``);
- ``notebooks``: ``notebook_seconds``, each notebook executed headless in a fresh CPU kernel.

Everything is seeded: two runs on one machine give the same accuracies and errors (timings vary).
With ``--save``, the result is also written to ``benchmarks/results/latest.json``, from which the
README's table is copied.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import re
import sys
import time
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PARTS = ("training", "co2", "intervals", "cells", "notebooks")


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # so that a part's worker processes can find its functions by name
    spec.loader.exec_module(module)
    return module


def notebook_seconds() -> dict[str, float]:
    """Execute every notebook in a fresh CPU kernel (nothing is written) and time it."""
    import jupytext

    build = _load(ROOT / "scripts" / "build_notebooks.py", "build_notebooks")
    seconds = {}
    for path in build.select([]):
        nb = build.prepare(jupytext.read(path), path.stem)
        seconds[path.stem] = round(build.execute(nb), 1)
        print(f"  {path.stem}: {seconds[path.stem]} s", file=sys.stderr, flush=True)
    return seconds


def measure(parts: tuple[str, ...] = PARTS) -> dict:
    result: dict = {
        "machine": {
            "platform": platform.platform(terse=True),
            "processor": platform.processor() or platform.machine(),
            "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(),
        }
    }
    for part in parts:
        start = time.perf_counter()
        print(f"[{part}] ...", file=sys.stderr, flush=True)
        if part == "notebooks":
            result["notebook_seconds"] = notebook_seconds()
        elif part == "cells":
            result["cells_speed"] = _load(HERE / "bench_cells.py", "bench_cells").measure()
        else:
            result.update(_load(HERE / f"bench_{part}.py", f"bench_{part}").measure())
        print(f"[{part}] done in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return result


def table(result: dict) -> str:
    lines = []
    if "anomaly_accuracy" in result:
        goal = result.get("anomaly_goal")
        lines.append("Anomaly test accuracy" + (f" (goal >= {100 * goal:.1f} %)" if goal is not None else ""))
        lines += [f"  {k:<6} {100 * v:6.2f} %" for k, v in result["anomaly_accuracy"].items()]
        for name, key in (("never see the spike", "anomaly_shortcut_accuracy"),
                          ("same, noisier anomalies (old task)", "anomaly_shortcut_accuracy_noisy")):
            if key in result:
                lines.append(f"  {name}: " + ", ".join(f"{k} {100 * v:.1f} %" for k, v in result[key].items()))
        if "anomaly_reference_accuracy" in result:
            lines.append(f"  told the spike position: {100 * result['anomaly_reference_accuracy']:.1f} %")
    if "forecast_test_vs_oracle" in result:
        lines.append(f"Synthetic forecast: best test MSE / oracle MSE = {result['forecast_test_vs_oracle']:.3f} (goal <= 1.02)")
    if "noise_floor_ratio" in result:
        lines.append(f"  best test MSE / noise variance = {result['noise_floor_ratio']:.3f}, "
                     f"oracle's = {result.get('oracle_ratio', float('nan')):.3f}")
    if "co2_test" in result:
        lines.append(f"co2, 12 test origins, 24 months ahead: mean MASE (recipe {result['co2_choice']['recipe']!r})")
        lines += [f"  {k:<15} {v['mean_mase']:.3f} ± {v['sd']:.3f}" for k, v in result["co2_test"].items()]
        vs = result["co2_vs_ets"]
        lines.append(f"  {vs['kind']} vs ETS: wins {100 * vs['origins_won']:.0f} % of origins, mean MASE difference "
                     f"{vs['mean_diff']:+.3f}, 95 % CI [{vs['mean_diff_ci'][0]:+.3f}, {vs['mean_diff_ci'][1]:+.3f}]")
    if "fit_forecast_seconds" in result:
        lines.append(f"fit_forecast, 500 monthly points, GRU: {result['fit_forecast_seconds']:.1f} s (target <= 20 s)")
    if "sunspots_mase" in result:
        lines.append("sunspots, last 11 years: MASE (m = 1)")
        lines += [f"  {k:<15} {v:.3f}" for k, v in result["sunspots_mase"].items()]
    if "interval_coverage" in result:
        lines.append("Prediction intervals on the test origins: coverage / mean width (conformal; ETS beside)")
        for data, cov in result["interval_coverage"].items():
            for level, c in cov.items():
                w = result["interval_width"][data][level]
                ce, we = result["interval_coverage_ets"][data][level], result["interval_width_ets"][data][level]
                lines.append(f"  {data:<16} {float(level):.0%}: {100 * c:5.1f} % / {w:.2f}   ETS {100 * ce:5.1f} % / {we:.2f}")
        lines.append("Own data (seattle_weather, 2015): test MASE " + ", ".join(f"{k} {v:.3f}" for k, v in result["own_data_mase"].items()))
    if "cells_speed" in result:
        lines.append("tslab.cells vs torch.nn, forward+backward, N=256 L=50 (packed: lengths 10-50) H=64 (target ratio <= 1.5)")
        lines += [
            f"  {k:<11} {v['tslab_ms']:8.2f} ms vs {v['torch_ms']:8.2f} ms  ratio {v['ratio']:.2f}"
            for k, v in result["cells_speed"].items()
            if isinstance(v, dict)
        ]
    if "notebook_seconds" in result:
        lines.append("Notebook execution, fresh CPU kernel")
        lines += [f"  {k:<16} {v:6.1f} s" for k, v in result["notebook_seconds"].items()]
    return "\n".join(lines)


README_START = "<!-- benchmarks:start (written by python benchmarks/run.py --save --readme) -->"
README_END = "<!-- benchmarks:end -->"


def readme_section(result: dict) -> str:
    """The README's benchmark tables, in Markdown, from one result of :func:`measure`."""
    m = result["machine"]
    out = [
        README_START,
        f"Measured by `python benchmarks/run.py --save --readme` on {m['processor']} "
        f"({m['platform']}, torch {m['torch']}, {m['torch_threads']} torch threads); "
        "raw numbers in `benchmarks/results/latest.json`.",
        "",
    ]
    if "anomaly_accuracy" in result:
        acc = result["anomaly_accuracy"]
        goal = result.get("anomaly_goal")
        goal_text = (f"≥ {100 * goal:.1f} % (reference − {100 * (result['anomaly_reference_accuracy'] - goal):.0f} pt)"
                     if goal is not None else "")
        out += ["| anomaly task, test accuracy | RNN | LSTM | GRU | goal |", "|---|---|---|---|---|",
                "| recurrent classifier (notebook 05 settings) | "
                + " | ".join(f"{100 * acc[k]:.2f} %" for k in ("rnn", "lstm", "gru")) + f" | {goal_text} |", ""]
        if "anomaly_shortcut_accuracy" in result:
            now, old = result["anomaly_shortcut_accuracy"], result.get("anomaly_shortcut_accuracy_noisy", {})
            ref = result.get("anomaly_reference_accuracy")
            out += ["| anomaly task, test accuracy | equal noise (the task) | anomalies 3× noisier (old task) |",
                    "|---|---|---|",
                    f"| noise level only, where no spike falls | {100 * now['noise_level']:.1f} % | "
                    + (f"{100 * old['noise_level']:.1f} % |" if old else "|"),
                    f"| last 10 steps only (no spike there) | {100 * now['last_steps']:.1f} % | "
                    + (f"{100 * old['last_steps']:.1f} % |" if old else "|")]
            if ref is not None:
                out.append(f"| reference: told the spike position | {100 * ref:.1f} % | |")
            out.append("")
    if "forecast_test_vs_oracle" in result:
        out += [f"Synthetic forecasting: best recurrent model's test MSE / the oracle's on the same steps = "
                f"**{result['forecast_test_vs_oracle']:.3f}** (goal ≤ 1.02); against the expected noise variance "
                f"{result['noise_floor_ratio']:.3f}, the oracle's own {result['oracle_ratio']:.3f}.", ""]
    elif "noise_floor_ratio" in result:
        out += [f"Synthetic forecasting: best recurrent model's test MSE / noise variance = "
                f"**{result['noise_floor_ratio']:.3f}** (goal ≤ 1.05).", ""]
    if "co2_mase" in result:
        mase = result["co2_mase"]
        out += ["| co2, last 24 months | " + " | ".join(mase) + " |", "|---" * (len(mase) + 1) + "|",
                "| MASE | " + " | ".join(f"{v:.3f}" for v in mase.values()) + " |"]
        recipe = result.get("co2_recipe", {})
        if recipe:
            out.append("| recipe (chosen on validation) | | | | " + " | ".join(recipe.get(k, "") for k in list(mase)[3:]) + " |")
        for name in ("detrended", "hybrid"):
            if f"co2_mase_{name}" in result:
                out.append(f"| MASE, every kind {name} | | | | "
                           + " | ".join(f"{v:.3f}" for v in result[f"co2_mase_{name}"].values()) + " |")
        out.append("")
    if "co2_test" in result:
        test, vs = result["co2_test"], result["co2_vs_ets"]
        out += [f"| co2, 12 rolling test origins, 24 months ahead | " + " | ".join(test) + " |",
                "|---" * (len(test) + 1) + "|",
                "| mean test MASE | " + " | ".join(f"{v['mean_mase']:.3f}" for v in test.values()) + " |",
                "| sd over 5 seeds | " + " | ".join(f"{v['sd']:.3f}" if v["sd"] else "" for v in test.values()) + " |",
                "",
                f"Recurrent recipe (one for all cell types, chosen on 8 validation origins): "
                f"`{result['co2_choice']['recipe']}`. {vs['kind'].upper()} against ETS, paired over the test "
                f"origins: lower MASE at **{100 * vs['origins_won']:.0f} %** of them, mean MASE difference "
                f"{vs['mean_diff']:+.3f} (95 % bootstrap interval [{vs['mean_diff_ci'][0]:+.3f}, "
                f"{vs['mean_diff_ci'][1]:+.3f}]).", ""]
    if "fit_forecast_seconds" in result:
        out += [f"`tslab.forecast.fit_forecast` on a 500-point monthly series (GRU, 24 ahead): "
                f"**{result['fit_forecast_seconds']:.1f} s** (goal ≤ 20 s).", ""]
    if "sunspots_mase" in result:
        sun = result["sunspots_mase"]
        out += ["| sunspots, last 11 years | " + " | ".join(sun) + " |", "|---" * (len(sun) + 1) + "|",
                "| MASE (m = 1) | " + " | ".join(f"{v:.3f}" for v in sun.values()) + " |"]
        sd = result.get("sunspots_mase_sd", {})
        if sd:
            out.append("| sd over 5 seeds | " + " | ".join(f"{sd[k]:.3f}" if k in sd else "" for k in sun) + " |")
        out.append("")
    if "interval_coverage" in result:
        out += ["| prediction intervals, test origins | nominal | conformal coverage | conformal width | ETS coverage | ETS width |",
                "|---|---|---|---|---|---|"]
        for data, cov in result["interval_coverage"].items():
            for level, c in cov.items():
                out.append(f"| {data} | {float(level):.0%} | {100 * c:.1f} % | {result['interval_width'][data][level]:.2f} | "
                           f"{100 * result['interval_coverage_ets'][data][level]:.1f} % | {result['interval_width_ets'][data][level]:.2f} |")
        mase = result["own_data_mase"]
        out += ["", "| seattle_weather 2015, H = 7 | " + " | ".join(mase) + " |", "|---" * (len(mase) + 1) + "|",
                "| test MASE (m = 365) | " + " | ".join(f"{v:.3f}" for v in mase.values()) + " |", ""]
    if "cells_speed" in result:
        packed = " (packed: lengths 10–50)" if any(k.endswith("_packed") for k in result["cells_speed"]) else ""
        out += [f"| `tslab.cells` vs `torch.nn`, forward+backward, N=256 L=50 H=64, 1 thread{packed} | ours (ms) | torch (ms) | ratio |",
                "|---|---|---|---|"]
        out += [f"| {k.upper().replace('_PACKED', ', packed')} | {v['tslab_ms']:.1f} | {v['torch_ms']:.1f} | {v['ratio']:.2f} |"
                for k, v in result["cells_speed"].items() if isinstance(v, dict)]
        out.append("")
    if "notebook_seconds" in result:
        secs = result["notebook_seconds"]
        out += ["| notebook | " + " | ".join(secs) + " |", "|---" * (len(secs) + 1) + "|",
                "| seconds (fresh CPU kernel) | " + " | ".join(f"{v:.1f}" for v in secs.values()) + " |", ""]
    out.append(README_END)
    return "\n".join(out)


def write_readme(result: dict, readme: Path = ROOT / "README.md") -> None:
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        raise SystemExit(f"README.md has no benchmark markers ({README_START!r} ... {README_END!r})")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    text = head + readme_section(result) + tail
    # the course map's "CPU time" column
    for stem, seconds in result.get("notebook_seconds", {}).items():
        text = re.sub(rf"<!-- t:{stem} -->.*?<!-- /t -->", f"<!-- t:{stem} -->{seconds:.0f} s<!-- /t -->", text)
    readme.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure the course's targets.")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--only", nargs="+", choices=PARTS, help="measure only these parts")
    parser.add_argument("--save", action="store_true", help="also write benchmarks/results/latest.json")
    parser.add_argument("--readme", action="store_true", help="also rewrite README.md's benchmark section")
    args = parser.parse_args()
    result = measure(tuple(args.only) if args.only else PARTS)
    if args.save:
        out = HERE / "results" / "latest.json"
        out.parent.mkdir(exist_ok=True)
        if args.only and out.exists():  # merge: keep the parts not measured now
            result = {**json.loads(out.read_text()), **result}
            if "co2" in args.only:  # keys of the co2 benchmark before issue 15
                for stale in ("co2_mase", "co2_mase_detrended", "co2_mase_hybrid", "co2_recipe"):
                    result.pop(stale, None)
        out.write_text(json.dumps(result, indent=2) + "\n")
    if args.readme:
        write_readme(result)
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
