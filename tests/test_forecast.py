"""Tests for tslab.forecast: multi-step strategies, per-horizon error, rolling-origin backtest."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from tslab import baselines as B
from tslab import forecast as F


class AddOne(nn.Module):
    """(N, L, 1) -> (N, 1): last value + 1, so recursion over H steps must give +1, ..., +H."""

    def __init__(self):
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return x[:, -1, :] + 1.0 + 0 * self.dummy


def test_recursive_forecast_feeds_predictions_back():
    out = F.recursive_forecast(AddOne(), np.array([0.0, 5.0]), horizon=4)
    np.testing.assert_allclose(out, [6, 7, 8, 9])


def test_recursive_forecast_batched_torch_input_and_mode_restored():
    model = AddOne().train()
    out = F.recursive_forecast(model, torch.zeros(3, 4, 1), horizon=2)
    assert out.shape == (3, 2)
    assert model.training


def test_recursive_forecast_window_slides():
    # model = mean of the window: on [1, 2, 3] -> 2, then [2, 3, 2] -> 7/3
    out = F.recursive_forecast(lambda x: x.mean(axis=1), np.array([1.0, 2.0, 3.0]), 2)
    np.testing.assert_allclose(out, [2.0, 7 / 3], rtol=1e-6)


def test_recursive_forecast_with_sklearn_matches_baseline():
    from sklearn.linear_model import LinearRegression

    y = np.sin(np.arange(80) / 3.0) + 0.01 * np.arange(80)
    X = np.lib.stride_tricks.sliding_window_view(y[:-1], 6)
    reg = LinearRegression().fit(X, y[6:])
    ours = F.recursive_forecast(lambda x: reg.predict(x[:, :, 0]), y[-6:], 10)
    np.testing.assert_allclose(ours, B.forecast_linear(y, 10, n_lags=6), rtol=1e-4, atol=1e-4)


def test_recursive_forecast_rejects_multi_output_model():
    with pytest.raises(ValueError, match="model"):
        F.recursive_forecast(lambda x: np.zeros((x.shape[0], 3)), np.ones(4), 2)


def test_recursive_forecast_rejects_multivariate_window():
    with pytest.raises(ValueError, match="history_window"):
        F.recursive_forecast(AddOne(), np.ones((2, 4, 3)), 2)


@pytest.mark.parametrize("horizon", [0, -2])
def test_recursive_forecast_rejects_bad_horizon(horizon):
    with pytest.raises(ValueError, match="horizon"):
        F.recursive_forecast(AddOne(), np.ones(4), horizon)


def test_direct_targets_and_forecast_shapes():
    X, Y = F.make_direct_targets(np.arange(20.0), input_len=5, horizon=3)
    assert X.shape == (13, 5, 1) and Y.shape == (13, 3)
    np.testing.assert_array_equal(Y[0], [5, 6, 7])
    model = nn.Sequential(nn.Flatten(), nn.Linear(5, 3))
    assert F.direct_forecast(model, X).shape == (13, 3)
    assert F.direct_forecast(model, X[0, :, 0]).shape == (3,)


def test_error_by_horizon_hand_computed():
    y_true = np.zeros((2, 3))
    y_pred = np.array([[1.0, -2.0, 3.0], [1.0, 2.0, -5.0]])
    np.testing.assert_allclose(F.error_by_horizon(y_true, y_pred), [1.0, 2.0, 4.0])
    np.testing.assert_allclose(F.error_by_horizon(y_true, y_pred, "rmse"), [1.0, 2.0, np.sqrt(17)])


@pytest.mark.parametrize(("y_pred", "name"), [(np.zeros((2, 4)), "y_pred"), (np.zeros(3), "y_pred")])
def test_error_by_horizon_rejects_shape_mismatch(y_pred, name):
    with pytest.raises(ValueError, match=name):
        F.error_by_horizon(np.zeros((2, 3)), y_pred)


def test_error_by_horizon_rejects_1d():
    with pytest.raises(ValueError, match="y_true"):
        F.error_by_horizon(np.zeros(3), np.zeros(3))


@pytest.mark.parametrize(
    ("n", "initial", "horizon", "step"),
    [(20, 5, 1, 1), (20, 5, 3, 2), (50, 10, 12, 5), (30, 27, 3, 1), (100, 40, 7, 13)],
)
def test_folds_never_train_on_the_future(n, initial, horizon, step):
    folds = F.rolling_origin_folds(n, initial, horizon, step)
    assert len(folds) == (n - horizon - initial) // step + 1
    for k, (tr, te) in enumerate(folds):
        assert tr.max() < te.min()  # train strictly before test
        assert tr[0] == 0 and tr.size == initial + k * step  # expanding window
        np.testing.assert_array_equal(te, np.arange(tr.size, tr.size + horizon))
        assert te.max() < n


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"initial": 0}, "initial"), ({"initial": 19}, "initial"), ({"horizon": 0}, "horizon"),
     ({"step": 0}, "step")],
)
def test_folds_reject_bad_arguments(kwargs, name):
    args = {"n": 20, "initial": 5, "horizon": 2, "step": 1} | kwargs
    with pytest.raises(ValueError, match=name):
        F.rolling_origin_folds(**args)


def test_backtest_forecaster_sees_only_the_past():
    y = np.arange(30.0)
    seen = []

    def spy(train, horizon):
        seen.append(train.copy())
        return B.forecast_drift(train, horizon)

    df = F.backtest(y, spy, initial=10, horizon=5, step=5)
    assert list(df["train_size"]) == [10, 15, 20, 25]
    for train, start in zip(seen, df["test_start"]):
        assert train.max() < y[start]
    np.testing.assert_allclose(df["score"], 0.0, atol=1e-12)  # drift is exact on a line


def test_backtest_mase_and_index_labels():
    idx = pd.date_range("2000-01", periods=40, freq="MS")
    y = pd.Series(np.sin(2 * np.pi * np.arange(40) / 4) + np.arange(40) * 0.1, index=idx)
    df = F.backtest(y, lambda tr, h: B.forecast_naive(tr, h), initial=20, horizon=4, step=8,
                    metric="mase", m=4)
    assert df["test_start"].iloc[0] == idx[20]
    assert (df["score"] > 0).all()


def test_backtest_rejects_wrong_forecast_length():
    with pytest.raises(ValueError, match="forecaster"):
        F.backtest(np.arange(20.0), lambda tr, h: np.zeros(h + 1), initial=10, horizon=2)


def test_backtest_rejects_unknown_metric():
    with pytest.raises(ValueError, match="metric"):
        F.backtest(np.arange(20.0), B.forecast_naive, initial=10, horizon=2, metric="r2")


@pytest.mark.parametrize(
    "metric, error, message",
    [
        (lambda t, p: np.abs(t - p), ValueError, r"metric must return a scalar .* shape \(2,\)"),
        (lambda t, p: np.array([0.5]), ValueError, r"metric must return a scalar .* shape \(1,\)"),
        (lambda t, p: float("nan"), ValueError, "metric must return a finite number, got nan"),
        (lambda t, p: np.inf, ValueError, "metric must return a finite number, got inf"),
        (lambda t, p: None, TypeError, "metric must return a real number, got None"),
        (lambda t, p: "0.5", TypeError, "metric must return a real number, got '0.5'"),
    ],
)
def test_backtest_rejects_callable_metric_without_one_finite_number(metric, error, message):
    with pytest.raises(error, match=message):
        F.backtest(np.arange(20.0), B.forecast_naive, initial=10, horizon=2, metric=metric)


@pytest.mark.parametrize("value, expected", [(1, 1.0), (np.float32(0.5), 0.5), (np.array(0.5), 0.5),
                                             (torch.tensor(0.5, requires_grad=True), 0.5)])
def test_backtest_accepts_scalar_and_0d_metric_values(value, expected):
    df = F.backtest(np.arange(20.0), B.forecast_naive, initial=10, horizon=2, metric=lambda t, p: value)
    assert df["score"].dtype == float and np.allclose(df["score"], expected)


def test_plot_folds_returns_fig_ax():
    import matplotlib.pyplot as plt

    fig, ax = F.plot_folds(F.rolling_origin_folds(30, 10, 5, 5))
    assert ax.figure is fig and len(ax.patches) == 2 * 4
    plt.close(fig)


def test_error_by_horizon_accepts_grad_tensors_and_rejects_empty():
    import torch

    y = torch.zeros(4, 3)
    pred = torch.ones(4, 3, requires_grad=True) * 2
    assert np.allclose(F.error_by_horizon(y, pred), [2, 2, 2])
    with pytest.raises(ValueError, match="y_true must have at least 1"):
        F.error_by_horizon(np.zeros((0, 3)), np.zeros((0, 3)))


# --------------------------------------------------------------------------- covariates, save and reload
def _covariate_series(T=260, seed=0):
    rng = np.random.default_rng(seed)
    u = rng.normal(size=T)
    y = np.sin(np.arange(T) / 4) + np.r_[0.0, u[:-1]] + 0.05 * rng.normal(size=T)  # y_t depends on u_{t-1}
    return y, np.column_stack([u, np.cos(np.arange(T) / 4)])


def test_fit_recurrent_with_covariates_reads_them_and_checks_their_shape():
    from tslab.forecast import fit_recurrent

    y, U = _covariate_series()
    f = fit_recurrent(y[:240], 3, 1, recipe="detrended", input_len=8, hidden_size=8, epochs=3, device="cpu",
                      covariates=U[:240])
    assert f.model.config["input_size"] == 3 and len(f.config["cov_mu"]) == 2
    p = f.predict(y[:250], U[:250])
    assert p.shape == (3,) and np.all(np.isfinite(p))
    U2 = U[:250].copy()
    U2[-1, 0] += 5.0  # the latest covariate value changes the forecast: it is read
    assert not np.allclose(f.predict(y[:250], U2), p)
    with pytest.raises(ValueError, match="covariates must have shape"):
        f.predict(y[:250], U[:249])
    with pytest.raises(ValueError, match="covariates must be given"):
        f.predict(y[:250])
    with pytest.raises(ValueError, match="covariates"):
        fit_recurrent(y[:240], 3, 1, recipe="combination", covariates=U[:240])
    with pytest.raises(ValueError, match="covariates"):
        fit_recurrent(y[:240], 3, 1, recipe="detrended", input_len=8, epochs=1, covariates=U[:200])


def test_saved_forecaster_gives_the_identical_forecast_in_a_fresh_process(tmp_path):
    import json
    import subprocess
    import sys

    from tslab.forecast import fit_recurrent
    from tslab.train import save_checkpoint

    y, U = _covariate_series()
    f = fit_recurrent(y[:240], 3, 1, recipe="detrended", input_len=8, hidden_size=8, epochs=3, device="cpu",
                      covariates=U[:240])
    np.save(tmp_path / "y.npy", y)
    np.save(tmp_path / "u.npy", U)
    path = save_checkpoint(tmp_path / "f.pt", f.model, f.config)
    script = (
        "import json, numpy as np, torch\n"
        "from tslab.forecast import RecurrentForecaster\n"
        "from tslab.train import load_checkpoint\n"
        f"model, config = load_checkpoint({str(path)!r})\n"
        f"y, U = np.load({str(tmp_path / 'y.npy')!r}), np.load({str(tmp_path / 'u.npy')!r})\n"
        "print(json.dumps(RecurrentForecaster(model, config).predict(y[:250], U[:250]).tolist()))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    reloaded = np.array(json.loads(out.stdout), dtype=np.float32)
    assert np.array_equal(reloaded, f.predict(y[:250], U[:250]).astype(np.float32))
