"""Measure what notebook 05 (training) claims: anomaly accuracy and the forecasting noise floor.

Run ``python benchmarks/bench_training.py`` (add ``--json`` for JSON). ``measure()`` returns

- ``anomaly_accuracy``: test accuracy of RNN, LSTM and GRU on ``make_anomaly_dataset`` (target
  >= 0.995 each);
- ``noise_floor_ratio``: test MSE (original units) of the best recurrent forecaster, chosen on
  validation MSE, divided by the known noise variance (target <= 1.05);
- ``oracle_ratio``: the same ratio for the *true signal* as forecast, i.e. the realised noise of the
  test period over its expectation. The model cannot beat it; the gap between the two ratios is
  the model's own error.

The configuration constants below are the notebook's: :func:`notebook_constants` reads the
``NAME = literal`` lines of ``notebooks/05_training.py`` (with ``ast``, nothing is executed) and
:func:`measure` refuses to run if they differ. Importing this module does nothing else.
"""

from __future__ import annotations

import argparse
import ast
import json
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_training.py"

# ---- the notebook's defaults (checked against the notebook by notebook_constants()) ----------
SEED = 0
ANOMALY_SAMPLES = 2000
ANOMALY_SEQ_LEN = 50
ANOMALY_HIDDEN = 32
ANOMALY_LR = 2e-3
ANOMALY_EPOCHS = 15
ANOMALY_BATCH = 32
ANOMALY_PATIENCE = 5
RECURRENT_INIT = "orthogonal"
TREND_STEPS = 1000
INPUT_LEN = 50
FORECAST_HIDDEN = 16
FORECAST_LR = 1e-2
FORECAST_EPOCHS = 60
FORECAST_BATCH = 32
FORECAST_PATIENCE = 15
TRAIN_FRAC = 0.7
VAL_FRAC = 0.15
CONSTANTS = [name for name in dir() if name.isupper() and name != "NOTEBOOK" and name != "CONSTANTS"]


def notebook_constants(path: Path = NOTEBOOK) -> dict[str, object]:
    """The top-level ``NAME = literal`` assignments of the notebook source (no code is run)."""
    found = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.isupper():
                try:
                    found[name] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    return found


def check_constants() -> None:
    """Raise if a constant here differs from (or is missing in) the notebook."""
    if not NOTEBOOK.exists():
        return  # benchmark shipped without the notebooks
    nb = notebook_constants()
    diff = {n: (globals()[n], nb.get(n, "<missing>")) for n in CONSTANTS if nb.get(n, "<missing>") != globals()[n]}
    if diff:
        raise ValueError(f"benchmark and notebook 05 disagree (benchmark, notebook): {diff}")


def anomaly_data():
    """Train/validation/test ``(X (N, L, 1), y (N,))`` of the anomaly task: a 70/15/15 split."""
    from tslab.data import make_anomaly_dataset

    data = make_anomaly_dataset(ANOMALY_SAMPLES, ANOMALY_SEQ_LEN, seed=SEED)
    X, y = data.X[:, :, None], data.y  # (N, L, 1): one feature per step
    a = int(TRAIN_FRAC * len(y))
    b = a + int(VAL_FRAC * len(y))  # the samples are independent and in random order
    return (X[:a], y[:a]), (X[a:b], y[a:b]), (X[b:], y[b:])


def train_anomaly(kind: str, train, val):
    """The notebook's classifier for ``kind``: returns ``(model, history)``."""
    from tslab.data import make_loader
    from tslab.models import SequenceModel
    from tslab.train import fit

    torch.manual_seed(SEED)
    model = SequenceModel(kind, input_size=1, hidden_size=ANOMALY_HIDDEN, output_size=2,
                          recurrent_init=RECURRENT_INIT)
    history = fit(
        model, make_loader(*train, batch_size=ANOMALY_BATCH, shuffle=True, seed=SEED),
        make_loader(*val, batch_size=512), loss_fn=nn.CrossEntropyLoss(), epochs=ANOMALY_EPOCHS,
        lr=ANOMALY_LR, early_stopping_patience=ANOMALY_PATIENCE, progress=False, seed=SEED,
        metrics={"accuracy": lambda y, logits: float((logits.argmax(-1) == y).float().mean())},
    )
    return model, history


def forecast_data():
    """Split, scale (train statistics only), window. Returns a dict of arrays and the scaler."""
    from tslab.data import Scaler, chronological_split, make_trend_series, make_windows

    trend = make_trend_series(TREND_STEPS, seed=SEED)
    train, val, test = chronological_split(trend.series, TRAIN_FRAC, VAL_FRAC)
    scaler = Scaler("standard").fit(train)
    s_train, s_val, s_test = (scaler.transform(part) for part in (train, val, test))
    # each later split is windowed with the last INPUT_LEN values before it as context: every
    # target lies in its own split, inputs are only values already observed at forecast time
    return dict(
        trend=trend, scaler=scaler, n_train=len(train), n_val=len(val),
        train=make_windows(s_train, INPUT_LEN),
        val=make_windows(np.r_[s_train[-INPUT_LEN:], s_val], INPUT_LEN),
        test=make_windows(np.r_[s_val[-INPUT_LEN:], s_test], INPUT_LEN),
    )


def train_forecaster(kind: str, data):
    """The notebook's one-step forecaster for ``kind``: returns ``(model, history)``."""
    from tslab.data import make_loader
    from tslab.models import SequenceModel
    from tslab.train import fit

    torch.manual_seed(SEED)
    model = SequenceModel(kind, input_size=1, hidden_size=FORECAST_HIDDEN, predict_change=True)
    history = fit(
        model, make_loader(*data["train"], batch_size=FORECAST_BATCH, shuffle=True, seed=SEED),
        make_loader(*data["val"], batch_size=512), epochs=FORECAST_EPOCHS, lr=FORECAST_LR,
        early_stopping_patience=FORECAST_PATIENCE, progress=False, seed=SEED,
        scheduler=lambda opt: torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=5),
    )
    return model, history


def measure(kinds: tuple[str, ...] = ("rnn", "lstm", "gru")) -> dict:
    """Train the notebook's models and return the measured numbers (see module docstring)."""
    from tslab.train import predict

    check_constants()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny recurrent models: one thread is fastest and repeatable
    try:
        start = time.perf_counter()
        train, val, test = anomaly_data()
        accuracy, anomaly_seconds = {}, {}
        for kind in kinds:
            t0 = time.perf_counter()
            model, _ = train_anomaly(kind, train, val)
            accuracy[kind] = float((predict(model, test[0]).argmax(-1).numpy() == test[1]).mean())
            anomaly_seconds[kind] = round(time.perf_counter() - t0, 2)

        data = forecast_data()
        scaler, trend = data["scaler"], data["trend"]
        y_test = scaler.inverse_transform(data["test"][1])[:, 0]  # (N,) original units
        val_mse, test_mse = {}, {}
        for kind in kinds:
            model, history = train_forecaster(kind, data)
            val_mse[kind] = float(min(history.val_loss))  # scaled units, for choosing the model
            pred = scaler.inverse_transform(predict(model, data["test"][0]).numpy())[:, 0]
            test_mse[kind] = float(np.mean((pred - y_test) ** 2))
        best = min(val_mse, key=val_mse.get)  # chosen on validation, reported on test
        signal_test = trend.signal[data["n_train"] + data["n_val"]:]
        oracle_mse = float(np.mean((signal_test - y_test) ** 2))
        return {
            "anomaly_accuracy": accuracy,
            "anomaly_test_size": int(len(test[1])),
            "anomaly_seconds": anomaly_seconds,
            "noise_floor_ratio": test_mse[best] / trend.noise_var,
            "best_forecaster": best,
            "forecast_test_mse": test_mse,
            "forecast_val_mse_scaled": val_mse,
            "noise_var": trend.noise_var,
            "oracle_ratio": oracle_mse / trend.noise_var,
            "forecast_test_size": int(len(y_test)),
            "training_bench_seconds": round(time.perf_counter() - start, 1),
        }
    finally:
        torch.set_num_threads(threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    result = measure()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
