# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslab-course/tslab/blob/main/notebooks/05_training.ipynb)
#
# # 05 · Training: validation, early stopping, learning rate, clipping, and the noise floor
#
# Notebooks 02–04 built RNN, LSTM and GRU. This one trains them properly on the course's two
# tasks, with one visible loop (`tslab.train.fit`), and asks the question every training run
# should end with: *how far are we from the best any model could do?*
#
# **Learning goals.** After this notebook you can
# - train a classifier and a forecaster with a validation split, early stopping and a test set
#   that is touched once;
# - explain why a plain RNN can sit at chance level, and what an orthogonal initialisation changes;
# - compare full-batch and mini-batch training, and read a learning-rate sweep;
# - measure gradient norms and say what clipping does to them;
# - recognise overfitting in loss curves;
# - draw the noise floor on a loss plot and say what "at the limit" means.

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
from torch import nn

from tslab.data import Scaler, chronological_split, make_anomaly_dataset, make_loader, make_trend_series, make_windows
from tslab.device import get_device, seed_everything
from tslab.models import SequenceModel, count_parameters
from tslab.plots import plot_history, use_course_style
from tslab.train import fit, predict

seed_everything(0)
device = get_device()
torch.set_num_threads(1)  # our models are tiny: one CPU thread is faster than two fighting over them
use_course_style()
print(f"Running on: {device}")

# %% [markdown]
# All settings of this notebook live in one cell. `benchmarks/bench_training.py` reads these
# exact lines and checks that it measures the same configuration.

# %%
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
KINDS = ["rnn", "lstm", "gru"]

# %% [markdown]
# ## 1. The training loop
#
# `fit` is one plain `for` loop. Per mini-batch: forward, loss, `zero_grad`, `backward`, clip the
# gradient, `step`. Per epoch: the validation loss, the metrics, the scheduler, early stopping.
# It returns a `History` with one entry per epoch. Read it once:

# %%
import inspect

import tslab.train

loop = inspect.getsource(tslab.train.fit).split("# ---- the loop")[1].split("if best_state")[0]
print("    # ---- the loop" + loop)

# %% [markdown]
# ## 2. Classification: normal sine or sine with a spike?
#
# 2,000 series of 50 steps; half carry a short spike. The samples are independent and in random
# order, so a 70 / 15 / 15 split into train, validation and test is fair. The model reads the
# whole series and classifies from its **last** hidden state: the spike may be 40 steps back.

# %%
data = make_anomaly_dataset(ANOMALY_SAMPLES, ANOMALY_SEQ_LEN, seed=SEED)
X, y = data.X[:, :, None], data.y  # (N, L, 1): a feature axis of size 1
a = int(TRAIN_FRAC * len(y))
b = a + int(VAL_FRAC * len(y))
train, val, test = (X[:a], y[:a]), (X[a:b], y[a:b]), (X[b:], y[b:])
val_loader = make_loader(*val, batch_size=512)
print("train", train[0].shape, "val", val[0].shape, "test", test[0].shape, "share of anomalies", y.mean())


# %%
def accuracy(y_true: torch.Tensor, logits: torch.Tensor) -> float:
    """Share of correct labels; logits (N, 2), labels (N,)."""
    return float((logits.argmax(dim=-1) == y_true).float().mean())


def train_classifier(kind: str, recurrent_init: str = RECURRENT_INIT, epochs: int = ANOMALY_EPOCHS, **fit_kwargs):
    """The section's classifier; keyword arguments override the defaults of `fit`."""
    # a fresh loader per run: its shuffling generator starts from SEED, whatever ran before
    loader = fit_kwargs.pop("train_loader", None) or make_loader(*train, batch_size=ANOMALY_BATCH,
                                                                 shuffle=True, seed=SEED)
    torch.manual_seed(SEED)
    model = SequenceModel(kind, input_size=1, hidden_size=ANOMALY_HIDDEN, output_size=2,
                          recurrent_init=recurrent_init)
    kwargs = dict(loss_fn=nn.CrossEntropyLoss(), epochs=epochs, lr=ANOMALY_LR,
                  early_stopping_patience=ANOMALY_PATIENCE, metrics={"accuracy": accuracy},
                  progress=False, seed=SEED) | fit_kwargs
    history = fit(model, loader, val_loader, **kwargs)
    return model, history


# %% [markdown]
# ### A plain RNN with PyTorch's default initialisation
#
# First the RNN exactly as `nn.RNN` builds it, for 8 epochs:

# %%
_, history_default = train_classifier("rnn", recurrent_init="default", epochs=8)
print("validation accuracy per epoch:", np.round(history_default.metrics["accuracy"], 3))

# %% [markdown]
# It stays near the share of the majority class: it has learned nothing yet. PyTorch draws
# $W_{hh}$ uniformly from $\pm 1/\sqrt{H}$. Applied again and again, such a matrix shrinks
# whatever the state held: after $k$ steps the trace of the spike is scaled roughly by
# $|\lambda_{\max}|^k$, the largest eigenvalue modulus (spectral radius) to the power $k$, and
# `tanh` only shrinks further. With a spectral radius well below 1 the spike is gone from $h_L$
# after 30 steps, and so is its gradient: the vanishing gradient of notebook 02, live.
#
# With `recurrent_init="orthogonal"`, every $W_{hh}$ block is an orthogonal matrix, which keeps
# the length of the state (and of the gradient flowing back) at the start of training; for LSTM
# the forget-gate bias also starts at about 1, so the cell keeps its memory by default.

# %%
W = SequenceModel("rnn", 1, ANOMALY_HIDDEN).encoder.weight_hh_l0.detach()
W_orth = SequenceModel("rnn", 1, ANOMALY_HIDDEN, recurrent_init="orthogonal").encoder.weight_hh_l0.detach()
radius, radius_orth = (float(torch.linalg.eigvals(w).abs().max()) for w in (W, W_orth))
print(f"spectral radius of W_hh: default {radius:.2f}, orthogonal {radius_orth:.2f}")
print(f"a trace scaled by it 30 times: default {radius**30:.1e}, orthogonal {radius_orth**30:.2f}")
assert radius < 1 and abs(radius_orth - 1) < 1e-4

# %% [markdown]
# ### RNN, LSTM and GRU, with early stopping
#
# Each model trains for at most `ANOMALY_EPOCHS` epochs and stops after `ANOMALY_PATIENCE`
# epochs without a lower validation loss; `fit` then restores the weights of the best epoch.
# The **test** set is used once, at the end.

# %%
classifiers, histories = {}, {}
for kind in KINDS:
    classifiers[kind], histories[kind] = train_classifier(kind)
    h = histories[kind]
    first = next((e + 1 for e, acc in enumerate(h.metrics["accuracy"]) if acc >= 0.99), None)
    print(f"{kind:>4}: {count_parameters(classifiers[kind]):>5,} parameters, val accuracy >= 0.99 from epoch "
          f"{first}, best epoch {h.best_epoch + 1:>2} of {h.epochs} "
          f"(val accuracy {h.metrics['accuracy'][h.best_epoch]:.3f}), {sum(h.seconds):.1f} s")

# %%
test_accuracy = {kind: float((predict(m, test[0]).argmax(-1).numpy() == test[1]).mean())
                 for kind, m in classifiers.items()}
print({kind: round(acc, 4) for kind, acc in test_accuracy.items()})
assert min(test_accuracy.values()) >= 0.995

# %% [markdown]
# All three classify at least 99.5 % of the 300 test series correctly; the epoch at which each
# first passed 99 % on validation is printed above. The plain RNN needed its orthogonal start to
# get there at all (compare the 8 epochs at chance level above).

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.2), sharey=True)
for ax, kind in zip(axes, KINDS):
    plot_history(histories[kind], ax=ax)
    ax.set_title(kind.upper())
fig.tight_layout()

# %% [markdown]
# ## 3. Full batch or mini-batches?
#
# Full batch: one gradient step per epoch on all 1,400 training series. Mini-batches of 32: 44
# smaller, noisier steps per epoch. Same number of epochs, same model (LSTM):

# %%
full_loader = make_loader(*train, batch_size=len(train[1]))
_, h_full = train_classifier("lstm", train_loader=full_loader, early_stopping_patience=None)
print(f"full batch : val accuracy {h_full.metrics['accuracy'][-1]:.3f} after {h_full.epochs} steps, "
      f"{sum(h_full.seconds):.1f} s")
n_batches = -(-len(train[1]) // ANOMALY_BATCH)  # ceil: batches per epoch
print(f"mini-batch : val accuracy {histories['lstm'].metrics['accuracy'][-1]:.3f} after "
      f"{histories['lstm'].epochs * n_batches} steps, {sum(histories['lstm'].seconds):.1f} s")

# %% [markdown]
# Both see every training series once per epoch. The full batch turns that into one exact step,
# the mini-batches into 44 noisy ones; after the same number of epochs the mini-batch model is
# ahead, and it took less time, because a step on 32 series is much cheaper than one on 1,400.

# %% [markdown]
# ## 4. Forecasting the trend + seasonal + noise series
#
# $x_t = 0.01\,t + \sin(2\pi t / 50) + \varepsilon_t$ with $\varepsilon_t \sim \mathcal{N}(0, 0.2^2)$.
# The order matters: **split first** (in time), **fit the scaler on train only**, then cut
# windows. Validation and test windows take their first inputs from the end of the previous part
# (values already observed at forecast time), so every target lies in its own part.

# %%
trend = make_trend_series(TREND_STEPS, seed=SEED)
train_s, val_s, test_s = chronological_split(trend.series, TRAIN_FRAC, VAL_FRAC)
scaler = Scaler("standard").fit(train_s)
sc_train, sc_val, sc_test = (scaler.transform(part) for part in (train_s, val_s, test_s))
Xf_train, Yf_train = make_windows(sc_train, INPUT_LEN)
Xf_val, Yf_val = make_windows(np.r_[sc_train[-INPUT_LEN:], sc_val], INPUT_LEN)
Xf_test, Yf_test = make_windows(np.r_[sc_val[-INPUT_LEN:], sc_test], INPUT_LEN)
print("windows: train", Xf_train.shape, "val", Xf_val.shape, "test", Xf_test.shape)
assert len(Yf_test) == len(test_s)

# %% [markdown]
# The trend takes the test values above anything seen in training. A network whose output passes
# through `tanh` cannot extrapolate a level it never saw, so the models use
# `predict_change=True`: they see the window minus its last value and predict the **change**
# to the next value; the last value is added back. A change looks the same at any level.

# %%
fc_val = make_loader(Xf_val, Yf_val, batch_size=512)


def fc_train() -> torch.utils.data.DataLoader:
    """A fresh shuffled training loader, so every run sees the same batches."""
    return make_loader(Xf_train, Yf_train, batch_size=FORECAST_BATCH, shuffle=True, seed=SEED)


def train_forecaster(kind: str):
    torch.manual_seed(SEED)
    model = SequenceModel(kind, input_size=1, hidden_size=FORECAST_HIDDEN, predict_change=True)
    history = fit(model, fc_train(), fc_val, epochs=FORECAST_EPOCHS, lr=FORECAST_LR,
                  early_stopping_patience=FORECAST_PATIENCE, progress=False, seed=SEED,
                  scheduler=lambda opt: torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=5))
    return model, history


forecasters, fc_histories = {}, {}
for kind in KINDS:
    forecasters[kind], fc_histories[kind] = train_forecaster(kind)
    print(f"{kind:>4}: best val MSE (scaled) {min(fc_histories[kind].val_loss):.5f} "
          f"at epoch {fc_histories[kind].best_epoch + 1}, {sum(fc_histories[kind].seconds):.1f} s")

# %% [markdown]
# ### The noise floor
#
# $\varepsilon_t$ is independent of everything before $t$: no forecaster can predict it. The best
# possible one-step MSE is therefore its variance, $\sigma^2 = 0.04$: the **noise floor**. Our
# loss is in scaled units, so the floor there is $\sigma^2 / s^2$ with $s$ the scaler's standard
# deviation.

# %%
scale = float(scaler.inverse_transform(np.ones(1))[0] - scaler.inverse_transform(np.zeros(1))[0])
floor_scaled = trend.noise_var / scale**2
best_kind = min(fc_histories, key=lambda k: min(fc_histories[k].val_loss))  # chosen on validation
print(f"noise variance {trend.noise_var:.4f} (original units) = {floor_scaled:.5f} (scaled); best: {best_kind}")
fig, ax = plot_history(fc_histories[best_kind], noise_floor=floor_scaled)
ax.set_title(f"{best_kind.upper()} forecaster: loss in scaled units")
h_best = fc_histories[best_kind]
print(f"at the best epoch: train loss / floor {h_best.train_loss[h_best.best_epoch] / floor_scaled:.2f}, "
      f"val loss / floor {h_best.val_loss[h_best.best_epoch] / floor_scaled:.2f}")

# %% [markdown]
# Both losses come down to the dashed line and no further: the targets themselves contain the
# noise, so even a perfect model would score about $\sigma^2/s^2$. The validation loss even ends
# slightly *below* the line; the next cell shows why that is not a miracle.
#
# ### At the limit?
#
# On the test part, in original units. Two references: the noise variance $\sigma^2$ (the
# expected floor) and the **oracle**, which forecasts with the true noise-free signal. The oracle's
# MSE is the noise that actually fell on these 150 test steps, which is not exactly $\sigma^2$.

# %%
y_test = test_s  # the targets, original units
test_mse = {k: float(np.mean((scaler.inverse_transform(predict(m, Xf_test).numpy())[:, 0] - y_test) ** 2))
            for k, m in forecasters.items()}
oracle_mse = float(np.mean((trend.signal[-len(test_s):] - y_test) ** 2))
for k, mse in test_mse.items():
    print(f"{k:>4}: test MSE {mse:.4f} = {mse / trend.noise_var:.3f} x noise variance")
print(f"oracle: test MSE {oracle_mse:.4f} = {oracle_mse / trend.noise_var:.3f} x noise variance")
noise_floor_ratio = test_mse[best_kind] / trend.noise_var
assert noise_floor_ratio <= 1.05

# %% [markdown]
# The model chosen on validation is within 5 % of the noise variance on test. Read the ratio with
# the oracle next to it: on these 150 steps the noise happened to be smaller than its expected
# value, so a ratio below 1 is not "better than possible". The honest distance to the limit is
# the gap between the model and the oracle on the same steps. "At the limit" means that gap is
# small compared with the noise itself: more capacity or more epochs cannot remove noise, only
# the gap.

# %%
fig, ax = plt.subplots(figsize=(9, 3.2))
t_test = np.arange(len(trend.series) - len(test_s), len(trend.series))
ax.plot(t_test, y_test, color="grey", lw=1, label="observed")
ax.plot(t_test, trend.signal[-len(test_s):], color="black", lw=1.5, label="signal (oracle)")
ax.plot(t_test, scaler.inverse_transform(predict(forecasters[best_kind], Xf_test).numpy())[:, 0],
        ls="--", label=f"{best_kind.upper()} one-step forecast")
ax.set(xlabel="time step", title="test part")
ax.legend(fontsize=9);

# %% [markdown]
# ## 5. Learning rate
#
# The same LSTM forecaster for 15 epochs at three learning rates:

# %%
lr_results = {}
for lr in [1e-4, 1e-2, 3e-1]:
    torch.manual_seed(SEED)
    model = SequenceModel("lstm", 1, FORECAST_HIDDEN, predict_change=True)
    h = fit(model, fc_train(), fc_val, epochs=15, lr=lr, progress=False, seed=SEED)
    lr_results[lr] = h
    print(f"lr {lr:<6g}: val MSE / floor after 15 epochs {h.val_loss[-1] / floor_scaled:6.2f}")

# %% [markdown]
# Too small (1e-4) and after 15 epochs the loss is still far above the floor; too large (0.3) and
# Adam's steps overshoot, so it ends even further away; 1e-2 gets closest. The full run of
# section 4 adds epochs and halves the rate on plateaus (`ReduceLROnPlateau`) to get the rest.

# %% [markdown]
# ## 6. Gradient clipping
#
# `fit` records the largest gradient norm of each epoch *before* clipping. With the default
# `clip_grad_norm=1.0`, any step whose gradient norm exceeds 1 is scaled down to norm 1: its
# direction is kept, its length bounded.

# %%
h_rnn = histories["rnn"]
print("largest gradient norm per epoch (RNN classifier):", np.round(h_rnn.grad_norm, 1))
print(f"smallest {min(h_rnn.grad_norm):.1f}, largest {max(h_rnn.grad_norm):.1f}")

# %% [markdown]
# The raw gradient norms are far above 1 and jump by a large factor from epoch to epoch: a
# recurrent network's gradient is a product over time steps, and once the network carries
# information across many steps that product can suddenly grow. Clipping bounds every step, so
# one unlucky batch cannot throw the weights far away. The same RNN without clipping:

# %%
torch.manual_seed(SEED)
no_clip_model, h_no_clip = train_classifier("rnn", clip_grad_norm=None)
print(f"without clipping: val accuracy {h_no_clip.metrics['accuracy'][h_no_clip.best_epoch]:.3f}, "
      f"largest gradient norm {max(h_no_clip.grad_norm):.1f}")
print(f"with clipping   : val accuracy {h_rnn.metrics['accuracy'][h_rnn.best_epoch]:.3f}, "
      f"largest gradient norm {max(h_rnn.grad_norm):.1f}")

# %% [markdown]
# Same model, same data, same batches: only the clipping differs, and so does the path the
# weights take. Here the run without clipping ends at a lower best validation accuracy; one
# seed is one example, not a law, but bounding the steps is cheap insurance.

# %% [markdown]
# ## 7. Overfitting and early stopping
#
# Give a large model only 24 training series and let it train without early stopping:

# %%
small_loader = make_loader(train[0][:24], train[1][:24], batch_size=24)
torch.manual_seed(SEED)
big = SequenceModel("gru", 1, 64, output_size=2)
h_over = fit(big, small_loader, val_loader, loss_fn=nn.CrossEntropyLoss(), epochs=60, lr=1e-2,
             progress=False, seed=SEED)
fig, ax = plot_history(h_over)
ax.set_title(f"24 training series, GRU with {count_parameters(big):,} parameters")
print(f"train loss {h_over.train_loss[-1]:.4f}; val loss lowest {min(h_over.val_loss):.3f} at epoch "
      f"{h_over.best_epoch + 1}, last {h_over.val_loss[-1]:.3f}")
assert h_over.val_loss[-1] > min(h_over.val_loss)

# %% [markdown]
# The training loss keeps falling while the validation loss turns up after its lowest point:
# the model is learning the 24 series, not the task. Early stopping would have stopped there
# and restored those weights (`early_stopping_patience`), as it did in section 2.

# %% [markdown]
# ## 8. Explore: hidden size, layers, cell type
#
# Move the sliders: each change trains a small model (a second or two) and shows its size,
# its loss curves, its predictions and the time taken.

# %%
# NBVAL_IGNORE_OUTPUT
from tslab.widgets import make_explorer, static_grid

explorer = make_explorer(task="anomaly", kind="lstm", hidden_size=4)
explorer

# %% [markdown]
# The same explorer driven from code (this is what the sliders do):

# %%
small_result = explorer.last_result  # trained when the explorer was made
explorer.hidden_size.value = 32  # fires the observer: trains again, updates the text
large_result = explorer.last_result
print(explorer.param_count.value)
assert (small_result.hidden_size, large_result.hidden_size) == (4, 32)
assert large_result.n_params > small_result.n_params
assert explorer.param_count.value == f"Parameters: {large_result.n_params:,}"

# %% [markdown]
# If the widgets do not render (on GitHub, for instance), here is the same experiment as a table:

# %%
grid = static_grid("anomaly", hidden_sizes=[4, 32], layer_counts=[1], kind="lstm")
grid

# %% [markdown]
# With 8 epochs on 400 series, the larger LSTM separates the classes better than the tiny one;
# it costs more parameters and more time per epoch.

# %% [markdown]
# ## Summary
#
# - `fit` is one loop: mini-batches, validation each epoch, early stopping with the best weights
#   restored, gradient clipping, an optional scheduler. Choices use validation data; the test
#   set is read once.
# - A plain RNN with default initialisation forgets a spike 30 steps back; an orthogonal
#   recurrent start lets RNN, LSTM and GRU all classify ≥ 99.5 % of the test series.
# - Mini-batches beat full batch per epoch; the learning rate decides between crawling,
#   converging and stalling; clipping bounds the rare huge gradients of recurrent networks.
# - Overfitting shows as a validation curve that turns up while training loss keeps falling.
# - Forecast errors have a floor: the noise variance. Compare with it, and with the oracle on the
#   same test steps, before trying a bigger model.
#
# ## Exercises
#
# 1. **Count parameters.** How many trainable parameters has `SequenceModel("lstm", 1, 8)`
#    (one layer, a linear head to one output)? Work it out from the four gates, then check.
# 2. **Patience.** Train the RNN classifier with `early_stopping_patience=1`. At which epoch does
#    it stop, and is its test accuracy still ≥ 99.5 %? Why is a patience of 1 risky?
# 3. **Noise floor in scaled units.** The scaler's standard deviation is $s$. Write the noise floor
#    in scaled units, and check your number against `floor_scaled`.

# %%
from tslab.exercises import check_close, check_value

n_lstm_params = None  # exercise 1
check_value("n_lstm_params", n_lstm_params, count_parameters(SequenceModel("lstm", 1, 8)),
            hint="Each of the 4 gates has H*H_in + H*H weights and 2*H biases; the head has H + 1.")

my_floor_scaled = None  # exercise 3
check_close("my_floor_scaled", my_floor_scaled, floor_scaled, rtol=1e-3,
            hint="Scaling divides values by s, so squared errors are divided by s**2.");

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. $4\,(8 \cdot 1 + 8 \cdot 8 + 2 \cdot 8) + (8 + 1) = 4 \cdot 88 + 9 = 361$.
# 2. `train_classifier("rnn", early_stopping_patience=1)`: it stops at the first epoch whose
#    validation loss does not improve. Validation loss is noisy from epoch to epoch, so one bad
#    epoch can end training long before the model has learned the task.
# 3. `trend.noise_var / s**2`, with `s = scaler.inverse_transform(np.ones(1))[0] - scaler.inverse_transform(np.zeros(1))[0]`.
#
# </details>
