# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslab-course/tslab/blob/main/notebooks/01_data.ipynb)
#
# # 01 · Data: series, windows, splits and scaling
#
# A recurrent network is only as honest as the data pipeline in front of it. This notebook
# builds every dataset of the course and the three steps between a raw series and a model:
# **windows**, a **chronological split**, and **scaling fitted on the training part only**.
# It ends with three common mistakes, each measured.
#
# **Learning goals.** After this notebook you can
# - generate the course's synthetic tasks and say what makes each one hard (or easy);
# - explain the `(batch, seq_len, features)` convention, and why a univariate series needs a
#   trailing feature axis of size 1;
# - cut a series into input windows and targets, and split it in time order *before* windowing;
# - fit a scaler on the training part only and map predictions back to original units;
# - load the real series (co2, sunspots, macrodata) offline;
# - recognise, by their numbers, three mistakes that make a model look better than it is.

# %%
# Colab bootstrap: on Google Colab only, install tslab (and nothing else) from the repository.
# Colab already has torch, numpy, pandas, ipywidgets, statsmodels: --no-deps keeps them untouched.
# Anywhere else this cell does nothing (install the course with `pip install -e ".[dev]"`).
import subprocess
import sys

if "google.colab" in sys.modules:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps",
         "tslab @ git+https://github.com/tslab-course/tslab@main"],
        check=True,
    )

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.neighbors import KNeighborsRegressor

from tslab.data import (
    Scaler,
    chronological_split,
    load_dataset,
    make_anomaly_dataset,
    make_loader,
    make_sine_windows,
    make_trend_series,
    make_windows,
)
from tslab.device import get_device, seed_everything
from tslab.plots import plot_anomaly_examples, plot_series, plot_split, plot_windows, use_course_style

seed_everything(0)
device = get_device()
use_course_style()

# %% [markdown]
# ## 1. Three synthetic tasks
#
# Synthetic data has one great virtue for learning: we know the truth. We know which series
# carry a spike, and we know exactly how much noise we added, so we know the best score any
# model could ever reach.
#
# ### Task A: normal sine or sine with a spike? (classification)
#
# A normal series is $\sin(t + \varphi)$ plus small noise; an anomaly adds a spike of three steps
# somewhere in the middle, with the same noise. The label is 0 (normal) or 1 (anomaly).

# %%
anomaly = make_anomaly_dataset(n_samples=2000, seq_len=50, seed=0)
print("X:", anomaly.X.shape, anomaly.X.dtype, "  y:", anomaly.y.shape, anomaly.y.dtype)
print("share of anomalies:", anomaly.y.mean())

# %%
# NBVAL_CHECK_OUTPUT
assert anomaly.X.shape == (2000, 50) and set(np.unique(anomaly.y)) == {0, 1}
assert np.all((anomaly.spike_start >= 0) == (anomaly.y == 1))  # spikes exactly in the anomalies
print("shapes and labels OK")

# %%
fig, axes = plot_anomaly_examples(anomaly.X, anomaly.y, anomaly.spike_start, n=3)

# %% [markdown]
# The spike (shaded) is obvious to the eye, and it is the *only* difference between the classes:
# both carry the same noise, so nothing but the spike can give the answer (notebook 05 shows how
# a difference in noise once let a model skip the spike). The task is easy to see on purpose: it
# lets us watch RNN, LSTM and GRU learn in seconds. What makes it hard for a recurrent model is
# memory: it has to carry the spike to the end of the series.
#
# ### Task B: trend + seasonality + noise (forecasting), with a known noise floor
#
# $$y_t = \underbrace{0.01\,t + \sin(2\pi t / 50)}_{\text{signal } s_t} + \varepsilon_t,
# \qquad \varepsilon_t \sim \mathcal{N}(0, \sigma^2),\ \sigma = 0.2$$
#
# The noise $\varepsilon_t$ is independent of everything before it, so no model can predict it.
# Even a perfect forecaster that knows $s_t$ makes an error of $\varepsilon_t$, whose mean square
# is $\sigma^2$: the **noise floor**. A test MSE below it is impossible; one close to it is as
# good as it gets.

# %%
trend = make_trend_series(n_steps=1000, seed=0, noise_std=0.2)
perfect_mse = np.mean((trend.series - trend.signal) ** 2)
print(f"noise variance (the floor): {trend.noise_var:.4f}")
print(f"MSE of a forecaster that knows the signal: {perfect_mse:.4f}")
assert abs(perfect_mse - trend.noise_var) < 0.1 * trend.noise_var

# %% [markdown]
# The perfect forecaster scores close to $\sigma^2 = 0.04$, not zero: that is the floor we will
# draw on every loss plot of notebook 05.

# %%
fig, ax = plot_series(trend.series[:300], trend.signal[:300])
ax.set_title("first 300 steps: observed series and the signal underneath")

# %% [markdown]
# ### Task C: next value of a sine (forecasting, many short series)
#
# Many short sines with random frequency and phase; from 40 steps, predict the 41st. Each
# sample is already a window: `X` is `(N, L, 1)`, `y` is `(N, 1)`.

# %%
# NBVAL_CHECK_OUTPUT
X_sine, y_sine = make_sine_windows(n_series=200, seq_len=40, seed=0)
print(X_sine.shape, y_sine.shape)

# %% [markdown]
# ## 2. The shape convention: `(batch, seq_len, features)`
#
# PyTorch's recurrent layers with `batch_first=True` read a 3-D tensor `(N, L, H_in)`:
# `N` series in a batch, `L` time steps each, `H_in` numbers per step. A univariate series has
# **one** number per step, so it needs a trailing axis of size 1: `(N, L)` → `(N, L, 1)`.
# Without it, PyTorch would read `(N, L)` as one unbatched sequence of `N` steps with `L`
# features each, a very different thing.

# %%
X_anom = torch.from_numpy(anomaly.X).unsqueeze(-1)  # (N, L) -> (N, L, 1)
print("batch N =", X_anom.shape[0], " seq_len L =", X_anom.shape[1], " features H_in =", X_anom.shape[2])
rnn = torch.nn.RNN(input_size=1, hidden_size=8, batch_first=True)
output, h_n = rnn(X_anom[:4])
print("output:", tuple(output.shape), "(N, L, H)   h_n:", tuple(h_n.shape), "(layers, N, H)")
assert output.shape == (4, 50, 8)

# %% [markdown]
# Every one of the 50 time steps produced an 8-dimensional hidden state, for each of the 4
# series. A multivariate series (macrodata below) simply has `H_in > 1`.
#
# ## 3. Windows: inputs and the value right after them
#
# A long series becomes many training examples by sliding a window over it. With `input_len=L`
# and `horizon=1`, window *i* holds steps `i … i+L-1` and its target is step `i+L`, the value
# **right after** the window.

# %%
toy = np.arange(10.0)
X_toy, Y_toy = make_windows(toy, input_len=4, horizon=1)
for x, y in zip(X_toy[:3, :, 0], Y_toy[:3]):
    print(x, "->", y)

# %%
# NBVAL_CHECK_OUTPUT
print(X_toy.shape, Y_toy.shape)
assert X_toy.shape == (6, 4, 1) and np.array_equal(Y_toy[:, 0], toy[4:])

# %% [markdown]
# A series of 10 values gives $10 - 4 - 1 + 1 = 6$ windows of shape `(4, 1)`; each target is
# the next value. With `horizon=3` each target holds the next three values (multi-step
# forecasting, notebook 06).

# %%
fig, ax = plot_windows(trend.series[:80], input_len=20, horizon=3, starts=(0, 25, 50))

# %% [markdown]
# ## 4. Split in time order, then window
#
# A forecast is judged on the future. So the test part must come **after** everything the
# model learned from, and we split the *series* before cutting windows, so that no training
# window has a target inside the validation or test part. (Later notebooks let the first
# validation and test windows *read* the last steps before their part as inputs: at forecast
# time the past is known. What must never cross a boundary backwards is a target.)

# %%
train, val, test = chronological_split(trend.series, train_frac=0.7, val_frac=0.15)
print(len(train), len(val), len(test))
assert len(train) + len(val) + len(test) == len(trend.series)
fig, ax = plot_split(train, val, test)

# %% [markdown]
# 700 / 150 / 150 steps, consecutive and non-overlapping. Note that the trend keeps rising:
# the test part holds values the model has never seen in training, which is exactly what a
# real forecast faces.
#
# ## 5. Scaling, fitted on the training part only
#
# Neural networks train best on inputs of order 1. A scaler learns its statistics (mean and
# standard deviation, or min and max) from the **training part only** and applies them to all
# three parts. Predictions are mapped back with `inverse_transform`, so errors are reported in
# original units.

# %%
for kind in ("standard", "minmax"):
    scaler = Scaler(kind).fit(train)
    tr, te = scaler.transform(train), scaler.transform(test)
    above = np.mean(te > tr.max())
    print(f"{kind:>8}: train in [{tr.min():+.2f}, {tr.max():+.2f}]   test in [{te.min():+.2f}, {te.max():+.2f}]"
          f"   ({above:.0%} of test above the training maximum)")
back = scaler.inverse_transform(scaler.transform(test))
assert np.allclose(back, test, atol=1e-4)

# %% [markdown]
# Both scalers put the training part in a tidy range, and most of the test part *above* it:
# the trend has moved on. With MinMax most test values exceed 1. That is not a bug: it is the
# honest picture of forecasting a trending series, and a network whose hidden state is bounded
# by tanh struggles to produce values it never saw. Notebooks 05 to 07 handle it by predicting
# the *change* from the last value of each window, and notebook 07 also removes a trend fitted
# on the training part. The round trip `inverse_transform(transform(x))` gives back the
# original values.
#
# ## 6. Real series, offline
#
# statsmodels ships these datasets inside the package, so nothing is downloaded.

# %%
co2, sunspots, macro = load_dataset("co2"), load_dataset("sunspots"), load_dataset("macrodata")
print(f"co2:       {len(co2)} months {co2.index[0]:%Y-%m} .. {co2.index[-1]:%Y-%m}")
print(f"sunspots:  {len(sunspots)} years  {sunspots.index[0]:%Y} .. {sunspots.index[-1]:%Y}")
print(f"macrodata: {macro.shape[0]} quarters x {macro.shape[1]} indicators")
assert not co2.isna().any() and not sunspots.isna().any() and not macro.isna().any().any()

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.2))
co2.plot(ax=axes[0], title="co2 (ppm, monthly)")
sunspots.plot(ax=axes[1], title="sunspots (yearly)")
macro[["realgdp", "realcons", "realinv"]].plot(ax=axes[2], title="macrodata (quarterly)")
fig.tight_layout()

# %% [markdown]
# co2 has a trend and a 12-month season; sunspots a cycle of about 11 years with varying
# height; macrodata several indicators that move together. An unknown name lists the choices:

# %%
try:
    load_dataset("airpassengers")
except ValueError as err:
    print(str(err)[:120], "...")

# %% [markdown]
# ## 7. A `DataLoader` over windows
#
# `make_loader` wraps windows and targets into mini-batches. Shuffling, when asked for, moves
# whole windows around (never the steps inside a window), and only within the training part.

# %%
X_train, Y_train = make_windows(Scaler().fit(train).transform(train), input_len=20)
loader = make_loader(X_train, Y_train, batch_size=64, shuffle=True, seed=0)
xb, yb = next(iter(loader))
print("one batch:", tuple(xb.shape), "->", tuple(yb.shape), f"({len(loader)} batches per epoch)")
assert xb.shape == (64, 20, 1) and yb.shape == (64, 1)

# %% [markdown]
# ## 8. Three common mistakes, measured
#
# Each of these appears in published tutorials. Each makes a model look better (or different)
# than it is, and each is visible in numbers.
#
# ### (a) Fitting the scaler on the test set
#
# Fit a `StandardScaler` on the test part and its mean becomes 0 *by construction*. Now take
# the laziest model there is: "predict 0 in scaled units", i.e. predict the scaler's mean.
# If the scaler saw the test part, that mean is the test mean, a number no forecaster could
# know in advance.

# %%
def mse_of_predicting_scaled_zero(fit_on: np.ndarray) -> float:
    scaler = Scaler("standard").fit(fit_on)
    prediction = scaler.inverse_transform(np.zeros_like(test))  # back to original units
    return float(np.mean((prediction - test) ** 2))


honest = mse_of_predicting_scaled_zero(train)
leaky = mse_of_predicting_scaled_zero(test)
print(f"scaler fit on train: MSE {honest:.3f}")
print(f"scaler fit on test:  MSE {leaky:.3f}   ({honest / leaky:.0f}x 'better')")
assert leaky < honest

# %% [markdown]
# The same do-nothing model looks many times better, only because the scaler told it where
# the test data lies. Fit on train, transform everything.
#
# ### (b) Shuffling before a time split
#
# Shuffle the windows and then take 80 % / 20 %: test windows now sit between training
# windows that overlap them by all but one step. A nearest-neighbour model (which looks up the
# most similar training window) then "predicts" by copying its neighbour.

# %%
X_all, Y_all = make_windows(trend.series, input_len=20)  # (N, 20, 1), (N, 1)
X_flat, y_flat = X_all[:, :, 0], Y_all[:, 0]  # k-NN wants (N, features)
n_train = int(0.8 * len(X_flat))


def knn_mse(train_idx: np.ndarray, test_idx: np.ndarray) -> float:
    knn = KNeighborsRegressor(n_neighbors=3).fit(X_flat[train_idx], y_flat[train_idx])
    return float(np.mean((knn.predict(X_flat[test_idx]) - y_flat[test_idx]) ** 2))


order = np.random.default_rng(0).permutation(len(X_flat))
shuffled_mse = knn_mse(order[:n_train], order[n_train:])
# in time order: the first 80 % of windows for training; every training target lies before
# every test target
chrono_mse = knn_mse(np.arange(n_train), np.arange(n_train, len(X_flat)))
print(f"noise floor:          {trend.noise_var:.3f}")
print(f"shuffled split:       MSE {shuffled_mse:.3f}  ({shuffled_mse / trend.noise_var:.1f}x the floor)")
print(f"chronological split:  MSE {chrono_mse:.3f}  ({chrono_mse / trend.noise_var:.0f}x the floor)")
assert shuffled_mse < chrono_mse

# %% [markdown]
# With the shuffled split the model seems within a small factor of the noise floor; with an honest split in
# time order it fails badly, because the rising trend takes the test part to values no
# training window has. The shuffled number answers "can you interpolate between days you have
# seen?", not "can you forecast?".
#
# ### (c) A window fed as one time step with L features
#
# Reshaping windows to `(N, 1, L)` instead of `(N, L, 1)` runs without error, but the RNN now
# takes **one** step with `L` inputs: the recurrence never happens, and the model is a
# feed-forward network in disguise. Its input weights also depend on `L`, so it cannot read a
# window of another length.

# %%
class TinyGRU(torch.nn.Module):
    """A GRU reading (N, L, H_in) and a linear head on its last step: (N, 1)."""

    def __init__(self, input_size: int) -> None:
        super().__init__()
        self.gru = torch.nn.GRU(input_size, 16, batch_first=True)
        self.head = torch.nn.Linear(16, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(x)  # (N, L, 16)
        return self.head(out[:, -1])


# %%
def train_tiny(X: torch.Tensor, y: torch.Tensor, steps: int = 150) -> TinyGRU:
    """Full-batch Adam for a few steps; seeded so both variants start alike."""
    seed_everything(0)
    model = TinyGRU(input_size=X.shape[-1])
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(steps):
        loss = torch.nn.functional.mse_loss(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


# %%
Xs, ys = torch.from_numpy(X_sine), torch.from_numpy(y_sine)
X_new, y_new = (torch.from_numpy(a) for a in make_sine_windows(n_series=200, seq_len=40, seed=1))  # unseen sines
right = train_tiny(Xs, ys)  # (N, 40, 1): 40 steps of 1 feature
wrong = train_tiny(Xs.transpose(1, 2), ys)  # (N, 1, 40): 1 step of 40 features
with torch.no_grad():
    right_mse = torch.nn.functional.mse_loss(right(X_new), y_new).item()
    wrong_mse = torch.nn.functional.mse_loss(wrong(X_new.transpose(1, 2)), y_new).item()
for name, model, x, mse in (("(N, L, 1)", right, Xs, right_mse), ("(N, 1, L)", wrong, Xs.transpose(1, 2), wrong_mse)):
    print(f"{name}: {x.shape[1]:>2} recurrent step(s), weight_ih {tuple(model.gru.weight_ih_l0.shape)}, "
          f"MSE on unseen sines {mse:.5f}")
print(f"the one-step model's error is {wrong_mse / right_mse:.0f}x higher")
assert right_mse < wrong_mse

# %% [markdown]
# Both run without an error, yet on sines neither model saw, the one-step version is clearly
# worse, and the printout shows *why*. It made a single recurrent step, and its input
# matrix has one column per time step, so it is tied to windows of exactly 40 steps. The right
# model reads any length:

# %%
longer = torch.from_numpy(make_sine_windows(n_series=5, seq_len=60, seed=1)[0])  # (5, 60, 1)
print("right model on 60-step windows:", tuple(right(longer).shape))
try:
    wrong(longer.transpose(1, 2))
except RuntimeError as err:
    print("wrong model on 60-step windows: RuntimeError:", str(err).split("\n")[0][:70])

# %% [markdown]
# ## Summary
#
# - Synthetic tasks come with the truth: labels and spike positions for the anomaly task, the
#   noise-free signal and the noise variance (the **noise floor**) for forecasting.
# - Recurrent layers read `(N, L, H_in)`; a univariate series needs the trailing axis of 1.
# - Windows: the target of window *i* is the value right after it. Split in time order first,
#   then window each part.
# - Fit the scaler on the training part; report errors after `inverse_transform`.
# - We measured three mistakes: a scaler fit on test made a do-nothing model look many times
#   better; a shuffled split hid a failure to extrapolate; `(N, 1, L)` silently turned an RNN
#   into a one-step network tied to one window length.
#
# ## Exercises
#
# 1. **Count the windows.** How many windows does `make_windows` make from a series of 100
#    steps with `input_len=24`, `horizon=6`, `stride=2`? Work it out, then check.
# 2. **Shapes.** You stack 32 windows of 24 steps from macrodata's 12 indicators. What shape
#    does the batch have for `batch_first=True`?
# 3. **Leakage by MinMax.** Repeat mistake (a) with `Scaler("minmax")` and a model that
#    predicts 0.5 in scaled units. Which number changes, and why?

# %%
from tslab.exercises import check_shape, check_value

n_windows = None  # exercise 1
_ = check_value("n_windows", n_windows, len(make_windows(np.zeros(100), 24, horizon=6, stride=2)[0]),
            hint="Window starts run 0, 2, 4, ... while start + 24 + 6 <= 100.")

batch_shape = None  # exercise 2: a tuple like (N, L, F)
_ = check_shape("batch_shape", batch_shape, (32, 24, 12), hint="batch_first=True means (batch, time, features).")

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. Starts $0, 2, \dots, 70$ (the last start $s$ needs $s + 24 + 6 \le 100$): **36** windows.
# 2. `(32, 24, 12)`: 32 windows, 24 steps, 12 features per step.
# 3. Replace `Scaler("standard")` by `Scaler("minmax")` and `np.zeros_like(test)` by
#    `np.full_like(test, 0.5)` in `mse_of_predicting_scaled_zero`. The *leaky* number is the one
#    that stays small: a MinMax scaler fit on the test part maps the test range to [0, 1], so
#    0.5 is the middle of the *test* range, a number taken from the future. The honest number
#    (0.5 = the middle of the training range) stays large, because the trend has moved on.
#
# </details>
