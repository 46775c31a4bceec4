"""Measure what notebook 05 (training) claims: anomaly accuracy, its shortcuts, and the noise floor.

Run ``python benchmarks/bench_training.py`` (add ``--json`` for JSON). ``measure()`` returns

- ``anomaly_accuracy``: test accuracy of RNN, LSTM and GRU on ``make_anomaly_dataset``'s default
  task (equal noise in both classes: only the spike tells an anomaly);
- ``anomaly_shortcut_accuracy``: ``{"noise_level": a, "last_steps": a}`` on the same test series:
  a logistic regression on one noise statistic measured where no spike ever falls (the first and
  last ``L // 5`` steps), and a random forest that sees only the last 10 steps. Both should sit
  near chance: neither sees the spike. ``anomaly_shortcut_accuracy_noisy`` gives the same two on
  the course's first version of the task (``anomaly_noise=0.3``), where the noise level alone
  gave the answer away;
- ``anomaly_reference_accuracy``: a classifier given the true spike position (for a normal series
  a position drawn like a spike's): logistic regression on the mean of the spike steps minus the
  mean of two steps either side. ``anomaly_goal = reference - 0.01`` is the goal for each network;
- ``forecast_test_vs_oracle``: test MSE of the best recurrent forecaster (chosen on validation MSE)
  divided by the *oracle's* MSE on the same test steps (the oracle forecasts with the true
  noise-free signal; it cannot be beaten on average). Goal <= 1.02;
- ``noise_floor_ratio`` and ``oracle_ratio``: the same two MSEs divided by the *expected* noise
  variance instead. On a finite test stretch the noise that fell can be below its expectation,
  so ``noise_floor_ratio`` alone flatters; read it only next to ``oracle_ratio``.

The configuration is :data:`tslab.settings.TRAINING`, the object notebook 05 uses too. Importing
this module does nothing else.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch
from torch import nn

from tslab.settings import TRAINING as S

SHORTCUT_NOISE = 0.3  # the anomaly noise std of the task's first version (normal series: 0.1)
LAST_STEPS = 10
GOAL_MARGIN = 0.01  # goal for each network: the reference classifier's accuracy minus this


def _split(arrays, n: int):
    a = int(S.train_frac * n)
    b = a + int(S.val_frac * n)  # the samples are independent and in random order
    return tuple(tuple(x[i:j] for x in arrays) for i, j in ((0, a), (a, b), (b, n)))


def anomaly_data(**task):
    """Train/validation/test ``(X (N, L, 1), y (N,), spike_start (N,))`` of the anomaly task, a
    70/15/15 split; ``task`` goes to ``make_anomaly_dataset`` (e.g. ``anomaly_noise=0.3``)."""
    from tslab.data import make_anomaly_dataset

    data = make_anomaly_dataset(S.anomaly_samples, S.anomaly_seq_len, seed=S.seed, **task)
    return _split((data.X[:, :, None], data.y, data.spike_start), len(data.y))  # X: (N, L, 1)


def noise_level(X: np.ndarray) -> np.ndarray:
    """``(N, L, 1) -> (N, 1)``: log std of the second differences in the first and last ``L // 5``
    steps, where no spike ever falls (a second difference removes most of the smooth sine)."""
    m = X.shape[1] // 5
    d2 = np.concatenate([np.diff(X[:, :m, 0], 2, axis=1), np.diff(X[:, -m:, 0], 2, axis=1)], axis=1)
    return np.log(d2.std(axis=1))[:, None]


def shortcut_accuracy(train, test) -> dict[str, float]:
    """Test accuracy of the two classifiers that never see the spike (fit on ``train`` only)."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    noise = LogisticRegression().fit(noise_level(train[0]), train[1])
    last = RandomForestClassifier(n_estimators=100, random_state=S.seed).fit(train[0][:, -LAST_STEPS:, 0], train[1])
    return {"noise_level": float(noise.score(noise_level(test[0]), test[1])),
            "last_steps": float(last.score(test[0][:, -LAST_STEPS:, 0], test[1]))}


def spike_contrast(X: np.ndarray, spike_start: np.ndarray, seed: int, spike_len: int = 3) -> np.ndarray:
    """``(N, 1)``: mean of the ``spike_len`` steps at the spike minus the mean of the two steps
    either side; a normal series (``spike_start == -1``) is read at a position drawn like a spike's."""
    n, L = X.shape[:2]
    m = max(1, L // 5)  # make_anomaly_dataset keeps spikes in [m, L - m - spike_len]
    drawn = np.random.default_rng(seed).integers(m, L - m - spike_len + 1, n)
    pos = np.where(spike_start >= 0, spike_start, drawn)
    rows = np.arange(n)[:, None]
    inside = X[rows, pos[:, None] + np.arange(spike_len), 0].mean(axis=1)
    around = X[rows, pos[:, None] + np.r_[-2, -1, spike_len, spike_len + 1], 0].mean(axis=1)
    return (inside - around)[:, None]


def reference_accuracy(train, test) -> float:
    """Test accuracy of a logistic regression on :func:`spike_contrast` (knows where to look)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression().fit(spike_contrast(train[0], train[2], S.seed + 1), train[1])
    return float(clf.score(spike_contrast(test[0], test[2], S.seed + 2), test[1]))


def train_anomaly(kind: str, train, val):
    """The notebook's classifier for ``kind``: returns ``(model, history)``."""
    from tslab.data import make_loader
    from tslab.models import SequenceModel
    from tslab.train import fit

    torch.manual_seed(S.seed)
    model = SequenceModel(kind, input_size=1, hidden_size=S.anomaly_hidden, output_size=2,
                          recurrent_init=S.recurrent_init)
    history = fit(
        model, make_loader(*train[:2], batch_size=S.anomaly_batch, shuffle=True, seed=S.seed),
        make_loader(*val[:2], batch_size=512), loss_fn=nn.CrossEntropyLoss(), epochs=S.anomaly_epochs,
        lr=S.anomaly_lr, early_stopping_patience=S.anomaly_patience, progress=False, seed=S.seed,
        metrics={"accuracy": lambda y, logits: float((logits.argmax(-1) == y).float().mean())},
    )
    return model, history


def forecast_data():
    """Split, scale (train statistics only), window. Returns a dict of arrays and the scaler."""
    from tslab.data import Scaler, chronological_split, make_trend_series, make_windows

    trend = make_trend_series(S.trend_steps, seed=S.seed)
    train, val, test = chronological_split(trend.series, S.train_frac, S.val_frac)
    scaler = Scaler("standard").fit(train)
    s_train, s_val, s_test = (scaler.transform(part) for part in (train, val, test))
    # each later split is windowed with the last S.input_len values before it as context: every
    # target lies in its own split, inputs are only values already observed at forecast time
    return dict(
        trend=trend, scaler=scaler, n_train=len(train), n_val=len(val),
        train=make_windows(s_train, S.input_len),
        val=make_windows(np.r_[s_train[-S.input_len:], s_val], S.input_len),
        test=make_windows(np.r_[s_val[-S.input_len:], s_test], S.input_len),
    )


def train_forecaster(kind: str, data):
    """The notebook's one-step forecaster for ``kind``: returns ``(model, history)``."""
    from tslab.data import make_loader
    from tslab.models import SequenceModel
    from tslab.train import fit

    torch.manual_seed(S.seed)
    model = SequenceModel(kind, input_size=1, hidden_size=S.forecast_hidden, predict_change=True,
                          recurrent_init=S.forecast_recurrent_init)
    history = fit(
        model, make_loader(*data["train"], batch_size=S.forecast_batch, shuffle=True, seed=S.seed),
        make_loader(*data["val"], batch_size=512), epochs=S.forecast_epochs, lr=S.forecast_lr,
        early_stopping_patience=S.forecast_patience, progress=False, seed=S.seed,
        scheduler=lambda opt: torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=5),
    )
    return model, history


def measure(kinds: tuple[str, ...] = ("rnn", "lstm", "gru")) -> dict:
    """Train the notebook's models and return the measured numbers (see module docstring)."""
    from tslab.train import predict

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny recurrent models: one thread is fastest and repeatable
    try:
        start = time.perf_counter()
        train, val, test = anomaly_data()
        shortcuts = shortcut_accuracy(train, test)
        noisy_train, _, noisy_test = anomaly_data(anomaly_noise=SHORTCUT_NOISE)
        shortcuts_noisy = shortcut_accuracy(noisy_train, noisy_test)
        reference = reference_accuracy(train, test)
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
            "anomaly_shortcut_accuracy": shortcuts,
            "anomaly_shortcut_accuracy_noisy": shortcuts_noisy,
            "anomaly_reference_accuracy": reference,
            "anomaly_goal": round(reference - GOAL_MARGIN, 4),
            "anomaly_test_size": int(len(test[1])),
            "anomaly_seconds": anomaly_seconds,
            "forecast_test_vs_oracle": test_mse[best] / oracle_mse,
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
