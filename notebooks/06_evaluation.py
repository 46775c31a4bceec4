# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslab-course/tslab/blob/main/notebooks/06_evaluation.ipynb)
#
# # 06 · Evaluation: is the model any good, and compared to what?
#
# A loss curve going down says the model learns *something*. This notebook asks the questions
# that matter before anyone uses a model: how often is the classifier wrong, and which way? Does
# the forecaster beat a one-line baseline? How does the error grow with the horizon? Would the
# verdict hold at another point in time?
#
# **Learning goals.** After this notebook you can
# - read a confusion matrix and a ROC curve, and choose a decision threshold on validation data;
# - compare forecasters fairly: same windows, same budget, errors in original units, MASE;
# - tell recursive from direct multi-step forecasting and measure the error per horizon step;
# - run a rolling-origin backtest that never trains on the future;
# - turn "which model is best for X?" into a measured number;
# - train on series of different lengths: padding, packing with `pack_padded_sequence`, and a
#   masked loss for outputs at every step.

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
import pandas as pd
import torch
from sklearn.linear_model import Ridge
from sklearn.metrics import roc_curve
from threadpoolctl import threadpool_limits  # installed with scikit-learn
from torch import nn

from tslab import baselines, forecast, metrics, plots
from tslab.data import chronological_split, make_anomaly_dataset, make_loader, make_trend_series, make_windows
from tslab.device import get_device, seed_everything
from tslab.exercises import check_close, check_in
from tslab.models import SequenceModel, count_parameters
from tslab.train import fit, predict

seed_everything(0)
device = get_device()
plots.use_course_style()  # larger fonts, colour-blind-safe colours: readable when projected
torch.set_num_threads(1)  # one thread: small models gain little from two, and timings vary less
threadpool_limits(1)  # NumPy/statsmodels BLAS too: several BLAS threads on a busy CPU stall
print(f"Running on: {device}")

# %% [markdown]
# ## 1. Classification: the anomaly detector
#
# We reuse the anomaly task: a sine is *normal* or carries a short spike (*anomaly*). To leave
# the model something to get wrong, the spikes here are small (height about 0.8, noise 0.1). Each
# series is independent of the others, so a random split into train / validation / test is fine
# here (unlike for one long series).

# %%
data = make_anomaly_dataset(n_samples=900, seq_len=50, seed=0, spike_height=0.8, anomaly_noise=0.1)
X_all = data.X[..., None]  # (N, L, 1)
idx = {"train": slice(0, 600), "val": slice(600, 750), "test": slice(750, 900)}
X_tr, y_tr = X_all[idx["train"]], data.y[idx["train"]]
X_val, y_val = X_all[idx["val"]], data.y[idx["val"]]
X_te, y_te = X_all[idx["test"]], data.y[idx["test"]]
print(X_tr.shape, X_val.shape, X_te.shape, "anomaly share in test:", y_te.mean().round(2))

# %%
seed_everything(0)
# pooling="mean": average the GRU outputs over time, so a spike in the middle is not forgotten
clf = SequenceModel("gru", input_size=1, hidden_size=16, output_size=2, pooling="mean").to(device)
hist = fit(clf, make_loader(X_tr, y_tr, batch_size=32, shuffle=True, seed=0), epochs=12, lr=1e-2,
           loss_fn=nn.CrossEntropyLoss(), progress=False, seed=0)
p_val = torch.softmax(predict(clf, X_val), dim=1)[:, 1].cpu().numpy()  # P(anomaly), (N_val,)
p_te = torch.softmax(predict(clf, X_te), dim=1)[:, 1].cpu().numpy()
pred_te = (p_te >= 0.5).astype(int)
print(f"test accuracy at threshold 0.5: {metrics.accuracy(y_te, pred_te):.3f}")

# %% [markdown]
# Accuracy is one number; it hides *which* series are wrong. Look at them: a green frame is a
# correct prediction, a red one a mistake.

# %%
def plot_true_pred_grid(X, y_true, y_pred, n_rows=3, n_cols=6):
    """Test series with 'True / Pred' titles; frame green if correct, red if wrong. Returns fig, axes."""
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(2.2 * n_cols, 1.6 * n_rows), sharex=True, sharey=True)
    names = ["normal", "anomaly"]
    wrong_first = np.argsort(y_true == y_pred, kind="stable")  # show the mistakes first
    for ax, i in zip(axes.flat, wrong_first):
        ok = y_true[i] == y_pred[i]
        ax.plot(X[i], lw=1, color="tab:blue" if y_true[i] == 0 else "tab:red")
        ax.set_title(f"True: {names[y_true[i]]}\nPred: {names[y_pred[i]]}", fontsize=8)
        for spine in ax.spines.values():
            spine.set_edgecolor("tab:green" if ok else "crimson")
            spine.set_linewidth(1.5 if ok else 3)
        ax.set_xticks([]), ax.set_yticks([])
    fig.tight_layout()
    return fig, axes


fig, axes = plot_true_pred_grid(X_te[:, :, 0], y_te, pred_te)
n_wrong = int((pred_te != y_te).sum())
print(f"{n_wrong} of {len(y_te)} test series misclassified")

# %% [markdown]
# Look at the red frames (the mistakes, shown first) before reading any number: a missed anomaly
# whose spike is barely visible is a different problem from a normal series flagged for no
# visible reason. The confusion matrix counts the two kinds.
#
# ### Confusion matrix
#
# $C_{ij}$ counts series of true class $i$ predicted as $j$. For two classes:
# $\begin{pmatrix} TN & FP \\ FN & TP \end{pmatrix}$, precision $= \frac{TP}{TP+FP}$,
# recall $= \frac{TP}{TP+FN}$.

# %%
cm = metrics.confusion_matrix(y_te, pred_te, labels=[0, 1])
fig, ax = plt.subplots(figsize=(3.2, 3))
ax.imshow(cm, cmap="Blues")
for (i, j), count in np.ndenumerate(cm):
    ax.text(j, i, count, ha="center", va="center", fontsize=14, color="black")
ax.set_xticks([0, 1], ["normal", "anomaly"]), ax.set_yticks([0, 1], ["normal", "anomaly"])
ax.set_xlabel("predicted"), ax.set_ylabel("true")
summary = metrics.classification_summary(y_te, pred_te, p_te)
print({k: round(v, 3) for k, v in summary.items()})
assert cm.sum() == len(y_te) and cm[0, 1] + cm[1, 1] == pred_te.sum()

# %% [markdown]
# The off-diagonal cells are the two kinds of error. For an alarm system, a false negative (a
# missed anomaly, bottom left) is usually the costly one, so recall matters more than precision.
#
# ### ROC curve and the threshold
#
# The 0.5 threshold is arbitrary. Sweeping it traces the ROC curve (true-positive rate against
# false-positive rate); the area under it (AUC) is the probability that a random anomaly scores
# higher than a random normal series. We **choose the threshold on the validation set**: the
# largest one whose validation recall is at least 95 %.

# %%
fpr_val, tpr_val, thr_val = roc_curve(y_val, p_val)
ok = tpr_val >= 0.95
threshold = float(thr_val[ok][0]) if np.isfinite(thr_val[ok][0]) else 1.0
fpr_te, tpr_te, _ = roc_curve(y_te, p_te)
fig, ax = plt.subplots(figsize=(4, 3.6))
ax.plot(fpr_te, tpr_te, label=f"test, AUC = {metrics.roc_auc(y_te, p_te):.3f}")
ax.plot([0, 1], [0, 1], ls=":", color="grey", label="chance")
pred_thr = (p_te >= threshold).astype(int)
cm_thr = metrics.confusion_matrix(y_te, pred_thr, labels=[0, 1])
ax.plot(cm_thr[0, 1] / cm_thr[0].sum(), cm_thr[1, 1] / cm_thr[1].sum(), "o", color="crimson",
        label=f"threshold {threshold:.2f} (chosen on val)")
ax.set_xlabel("false-positive rate"), ax.set_ylabel("true-positive rate (recall)"), ax.legend(fontsize=8)
for name, pred in [("0.50", pred_te), (f"{threshold:.2f}", pred_thr)]:
    prec, rec, f1 = metrics.precision_recall_f1(y_te, pred)
    print(f"threshold {name}: precision {prec:.3f}  recall {rec:.3f}  F1 {f1:.3f}")

# %% [markdown]
# Lowering the threshold trades precision for recall; the point was picked on validation data,
# so the test numbers above are an honest estimate of what we will see on new series.

# %% [markdown]
# ## 2. Forecasting: baselines first
#
# The synthetic trend series: linear trend + a season of period 50 + noise of std 0.2. Task:
# predict the next value from the last $L = 60$. Errors in original units. **MASE** divides the
# MAE by the in-sample MAE of the naive forecast on the training part,
# $\text{MASE} = \frac{\frac1n\sum |y_t - \hat y_t|}{\frac{1}{T-m}\sum_{t>m} |y_t - y_{t-m}|}$
# (here $m = 1$: one step ahead). The scale is the naive forecast's error **on the training part**,
# so MASE below 1 means "smaller than the in-sample naive error", not "beats naive on the test
# part": the naive forecast itself scores a little below or above 1 on a new stretch.
#
# Two references for the best attainable error. The **noise floor** $E|\varepsilon| =
# \sigma\sqrt{2/\pi}$ is the MAE a perfect forecaster makes *on average*. The **oracle** forecasts
# with the true noise-free signal (as in notebook 05): its MAE is the noise that actually fell
# on these test steps, which on a finite stretch can be smaller (or larger) than the expectation.

# %%
ts = make_trend_series(n_steps=1000, seed=0)
train, val, test = chronological_split(ts.series, 0.7, 0.15)
L, n_tr, n_val = 60, len(train), len(val)


def windows_with_targets_in(start, end):
    """Windows of L steps whose one-step target lies in series[start:end] (inputs may come earlier)."""
    return make_windows(ts.series[start - L : end], L)


X_tr_f, Y_tr_f = make_windows(train, L)
X_val_f, Y_val_f = windows_with_targets_in(n_tr, n_tr + n_val)
X_te_f, Y_te_f = windows_with_targets_in(n_tr + n_val, len(ts.series))
scale = metrics.mase_scale(train, m=1)
floor = np.sqrt(ts.noise_var) * np.sqrt(2 / np.pi)  # E|noise|: a perfect forecaster's MAE on average
oracle_mae = metrics.mae(Y_te_f[:, 0], ts.signal[n_tr + n_val :])  # the true signal as forecast
print(X_tr_f.shape, X_te_f.shape, f"MASE scale {scale:.3f}")
print(f"noise floor (expected): MAE {floor:.3f} = MASE {floor / scale:.3f}")
print(f"oracle on these {len(Y_te_f)} test steps: MAE {oracle_mae:.3f} = MASE {oracle_mae / scale:.3f}")

# %%
ridge = Ridge(alpha=1.0).fit(X_tr_f[:, :, 0], Y_tr_f[:, 0])
base_preds = {
    "naive": X_te_f[:, -1, 0],
    "seasonal naive": X_te_f[:, -50, 0],  # y_{t-50}: one period back
    "ridge on 60 lags": ridge.predict(X_te_f[:, :, 0]),
}
rows = {name: {"params": 0 if "naive" in name else 61, "ms_per_epoch": np.nan,  # no training epochs
               "MAE": metrics.mae(Y_te_f[:, 0], p), "MASE": metrics.mae(Y_te_f[:, 0], p) / scale}
        for name, p in base_preds.items()}
print(f"naive on the test part: MASE {rows['naive']['MASE']:.3f} (1 = its error on the training part)")
pd.DataFrame(rows).T.round(3)

# %% [markdown]
# The naive forecast lands near MASE 1 because the scale is its own in-sample error; it is not
# exactly 1 because the test steps are a different stretch. Seasonal naive is *worse*: it
# ignores a whole period of trend. The linear model on lags is the bar to beat.
#
# ## 3. Five architectures on the same windows, same budget
#
# The trend keeps rising, so test values lie above anything seen in training. We normalise each
# window **locally**: the model subtracts the window's last value from its inputs, predicts the
# *change*, and adds the last value back (`SequenceModel(..., predict_change=True)`). A change
# looks the same early and late in the series, and the model takes and returns original units.

# %%
arch = {"rnn": {}, "lstm": {}, "gru": {}, "cnn": {"num_layers": 3}, "transformer": {}}  # also in section 6


def make_model(kind, output_size=1, predict_change=True):
    """The architecture of `kind` with 16 hidden units (the CNN with 3 layers, the others with 1)."""
    return SequenceModel(kind, input_size=1, hidden_size=16, output_size=output_size,
                         predict_change=predict_change, **arch[kind]).to(device)


probe = make_model("gru")
x = torch.randn(4, L, 1, device=device)
assert torch.allclose(probe(x + 5.0), probe(x) + 5.0, atol=1e-4)  # shift the window: the forecast shifts

# %% [markdown]
# Training time is measured per epoch and we keep the **median** over the 8 epochs: it drops the
# slower first epoch (warm-up) and an epoch slowed by another process on a busy machine.
# Even so, read the timings as rough.

# %%
budget = {"epochs": 8, "lr": 5e-3}
trained = {}
for kind in arch:
    seed_everything(0)
    model = make_model(kind)
    hist = fit(model, make_loader(X_tr_f, Y_tr_f, 32, shuffle=True, seed=0), progress=False, seed=0, **budget)
    pred = predict(model, X_te_f).cpu().numpy()[:, 0]  # original units: the model adds the last value back
    mae_k = metrics.mae(Y_te_f[:, 0], pred)
    rows[kind] = {"params": count_parameters(model), "ms_per_epoch": 1000 * float(np.median(hist.seconds)),
                  "MAE": mae_k, "MASE": mae_k / scale}
    trained[kind] = model

# %%
table = pd.DataFrame(rows).T
table.round(3)

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 3))
for ax, col in zip(axes, ["MASE", "params", "ms_per_epoch"]):
    table[col].plot.bar(ax=ax, color=["grey"] * 3 + ["C0"] * 5)
    ax.set_title(col)
axes[0].axhline(floor / scale, color="black", ls="--", lw=1, label="noise floor (expected)")
axes[0].axhline(oracle_mae / scale, color="black", ls=":", lw=1, label="oracle (these test steps)")
axes[0].legend(fontsize=8)
fig.tight_layout()
nets = table.loc[list(arch), "MASE"]
ridge_mase = table.loc["ridge on 60 lags", "MASE"]
print(f"networks: MASE {nets.min():.3f} ({nets.idxmin()}) to {nets.max():.3f} ({nets.idxmax()}), "
      f"spread {nets.max() - nets.min():.3f}")
print(f"ridge: MASE {ridge_mase:.3f}, {nets.min() - ridge_mase:.3f} below the best network; "
      f"oracle {oracle_mae / scale:.3f}, noise floor {floor / scale:.3f}")
ms = table.loc[list(arch), "ms_per_epoch"]
print(f"ms per epoch: {ms.min():.0f} ({ms.idxmin()}) to {ms.max():.0f} ({ms.idxmax()})")
assert all(nets < table.loc["naive", "MASE"])
assert nets.min() > ridge_mase > oracle_mae / scale and ridge_mase < floor / scale
assert 0.5 < (nets.min() - ridge_mase) / (nets.max() - nets.min()) < 2  # gap to ridge ~ spread

# %% [markdown]
# Every network beats naive and seasonal naive, but at this budget (8 epochs, 16 hidden units)
# none beats the ridge model on 60 lags, which has 61 parameters and a closed-form fit: on a series
# this regular a linear model is a hard baseline. The networks are not a tight group far from
# ridge: the best one (printed above) is about as far from ridge as the five are spread among
# themselves.
#
# Ridge's MAE lies *below* the expected noise floor, yet above the oracle: on these 150 test
# steps the noise happened to be smaller than its expectation. The noise floor is an average, not
# a bound on a finite stretch; the oracle on the same steps is the attainable limit, and the gap
# to it is what a better model could still gain.
#
# The `ms_per_epoch` column need not follow `params`: on a CPU the time per epoch depends on
# which PyTorch kernel runs (and, on a shared machine, on the neighbours) as much as on the number
# of weights. A total training time can be inflated many times over by one slow epoch (warm-up,
# or another job taking the CPU), hence one thread and the median epoch. Use such timings to tell
# milliseconds from minutes, not to rank close candidates.
#
# ## 4. Multi-step: recursive versus direct
#
# To forecast $H = 25$ steps, the **recursive** strategy feeds the GRU's one-step predictions back
# as inputs (`forecast.recursive_forecast`); the **direct** strategy trains a second GRU with
# `output_size=25` on 25-step targets (`forecast.make_direct_targets`). Both work in original
# units: at every recursive step the one-step GRU subtracts the last value of *its current window*
# (by then one of its own predictions) and adds it back, exactly as in training.

# %%
H = 25
gru1 = trained["gru"]  # one-step model from section 3
Xd_tr, Yd_tr = forecast.make_direct_targets(train, L, H)
Xd_te, Yd_te = make_windows(ts.series[n_tr + n_val - L :], L, H)  # targets: the test part
_, Yd_oracle = make_windows(ts.signal[n_tr + n_val - L :], L, H)  # the true signal at those steps
seed_everything(0)
gru_direct = make_model("gru", output_size=H)
fit(gru_direct, make_loader(Xd_tr, Yd_tr, 32, shuffle=True, seed=0), progress=False, seed=0, **budget)
direct = forecast.direct_forecast(gru_direct, Xd_te)  # (N, H)
rec = forecast.recursive_forecast(gru1, Xd_te, H)  # (N, H)
err_rec = forecast.error_by_horizon(Yd_te, rec)
err_dir = forecast.error_by_horizon(Yd_te, direct)
err_oracle = forecast.error_by_horizon(Yd_te, Yd_oracle)
naive_h = np.repeat(Xd_te[:, -1, :], H, axis=1)  # last value, held for all H steps
err_naive = forecast.error_by_horizon(Yd_te, naive_h)
rec_ridge = forecast.recursive_forecast(lambda x: ridge.predict(x[:, :, 0]), Xd_te, H)  # same feedback
err_rec_ridge = forecast.error_by_horizon(Yd_te, rec_ridge)
print(rec.shape, direct.shape, err_rec.shape)

# %%
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(np.arange(1, H + 1), err_rec, "o-", ms=3, label=f"GRU, recursive (mean MAE {err_rec.mean():.3f})")
ax.plot(np.arange(1, H + 1), err_dir, "s-", ms=3, label=f"GRU, direct (mean MAE {err_dir.mean():.3f})")
ax.plot(np.arange(1, H + 1), err_naive, ":", color="grey", label=f"naive (mean MAE {err_naive.mean():.3f})")
ax.plot(np.arange(1, H + 1), err_rec_ridge, "^-", ms=3, color="C2",
        label=f"ridge, recursive (mean MAE {err_rec_ridge.mean():.3f})")
ax.plot(np.arange(1, H + 1), err_oracle, "--", color="black", lw=1, label="oracle (true signal)")
ax.set_xlabel("steps ahead h"), ax.set_ylabel("MAE"), ax.legend(fontsize=7)
curves = [("GRU recursive", err_rec), ("GRU direct", err_dir), ("ridge recursive", err_rec_ridge),
          ("naive", err_naive), ("oracle", err_oracle)]
for name, err in curves:
    print(f"{name:>15}: MAE at h=1 {err[0]:.3f}, at h={H} {err[-1]:.3f}, mean {err.mean():.3f}")
bias = (rec - Yd_te).mean(axis=0)  # mean signed error per step
print(f"GRU recursive, mean signed error: {bias[0]:+.3f} at h=1, {bias[-1]:+.3f} at h={H}")
assert err_rec.shape == (H,) and err_dir.shape == (H,)
assert err_rec[-1] > err_naive[-1] and err_dir.max() < err_naive[-1]
assert err_rec_ridge.mean() < err_dir.mean()

# %% [markdown]
# At $h = 1$ both GRUs make about their one-step error of section 3. Then the recursive GRU's
# error grows step after step until it is worse than the naive forecast: its one-step bias is
# small, but every prediction is fed back and the bias compounds (the mean signed error above),
# and its later windows hold its own noise-free outputs, unlike any window seen in training. The
# direct GRU never reads its own outputs and stays flat. Recursion itself is not the culprit:
# ridge, fed back the same way, stays close to the oracle at every step. Which strategy wins
# depends on how unbiased the one-step model is, and on the budget: measure it.
#
# ## 5. Rolling-origin backtest
#
# One test period is one sample. A rolling-origin backtest refits at several origins with an
# expanding window: fold $k$ trains on $[0, o_k)$ and tests on $[o_k, o_k + H)$. Training data
# always lie strictly before test data.

# %%
folds = forecast.rolling_origin_folds(len(ts.series), initial=500, horizon=50, step=100)
fig, ax = forecast.plot_folds(folds)
assert all(tr.max() < te.min() for tr, te in folds)
print(len(folds), "folds")

# %%
forecasters = {
    "naive": baselines.forecast_naive,
    "seasonal naive": lambda tr, h: baselines.forecast_seasonal_naive(tr, h, m=50),
    "drift": baselines.forecast_drift,
    "ridge, 60 lags": lambda tr, h: baselines.forecast_linear(tr, h, n_lags=60, alpha=1.0),
}
bt = pd.DataFrame({name: forecast.backtest(ts.series, f, 500, 50, step=100, metric="mase", m=50)["score"]
                   for name, f in forecasters.items()})
bt.index.name = "fold"
bt.round(3)

# %% [markdown]
# For 50 steps ahead the season dominates: seasonal naive (scaled here with $m = 50$) and the
# linear model beat naive and drift in every fold, and the spread across folds shows how much a
# single test period could mislead. The networks could be backtested the same way, at the cost
# of one training per fold.
#
# ## 6. "Which model is best for ...?" in numbers
#
# **Long-term dependencies.** A memory test: the input is white noise of 20 steps, the target is
# the *first* value. Nothing in the recent steps helps; the model must carry it through 19 steps.

# %%
rng = np.random.default_rng(0)
X_mem = rng.normal(size=(800, 20, 1)).astype(np.float32)
y_mem = X_mem[:, 0, :].copy()  # (N, 1): remember step 0
memory_r2 = {}
for kind in arch:  # the same architectures as in the MASE column (CNN: 3 layers)
    seed_everything(0)
    model = make_model(kind, predict_change=False)  # the target is a value, not a change
    fit(model, make_loader(X_mem[:600], y_mem[:600], 32, shuffle=True, seed=0), epochs=10, lr=1e-2,
        progress=False, seed=0)
    p = predict(model, X_mem[600:]).cpu().numpy()
    memory_r2[kind] = 1 - float(((p - y_mem[600:]) ** 2).mean() / y_mem[600:].var())
table["memory R2"] = pd.Series(memory_r2)
table.round(3)

# %%
k, n_conv = 3, arch["cnn"]["num_layers"]
receptive_field = 1 + (k - 1) * (2**n_conv - 1)  # dilations 1, 2, 4
print(f"CNN receptive field: {receptive_field} of {X_mem.shape[1]} steps")
assert receptive_field < X_mem.shape[1] and memory_r2["cnn"] < 0.5  # the CNN cannot see step 0 at all
assert memory_r2["transformer"] > 0.9  # attention reads step 0 directly
recurrent_r2 = pd.Series(memory_r2)[["rnn", "lstm", "gru"]]
print(f"recurrent networks, memory R2 (one seed): {recurrent_r2.min():.3f} ({recurrent_r2.idxmin()}) "
      f"to {recurrent_r2.max():.3f} ({recurrent_r2.idxmax()})")

# %% [markdown]
# The memory column ($R^2$, 1 = perfect, 0 = no better than guessing the mean) separates the
# architectures far more than the forecasting error did: the 3-layer causal CNN's receptive field
# (15 steps, printed above) never reaches step 0, the Transformer attends to it directly, and the recurrent
# networks must carry it in their state through 19 steps, which may or may not be learnt in 10
# epochs. `SequenceModel` starts them the way notebooks 03 and 05 recommend, with orthogonal
# $W_{hh}$ blocks and, for the LSTM, a forget-gate bias of +1, so that the state and its gradient
# survive those steps from the first epoch. The three recurrent rows (their range printed above)
# come from a single seed, and whether a recurrent network has learnt the memory after 10 epochs
# can change with the seed: before calling one of them better at memory, rerun it with other
# seeds (exercise 4).
# "Lightweight" is the `params` and `ms_per_epoch` columns; "accurate on this
# series" is `MASE`. Each claim in a model comparison should point at a column like these.

# %% [markdown]
# ## 7. Variable-length series: padding, packing, masking
#
# Real series seldom share a length: one sensor session lasts 5 minutes, the next 40. A batch
# tensor is rectangular, so the shorter series are **padded**: zeros appended up to the longest
# length. A task where this matters: each series is white noise of 5 to 40 steps, and the label
# says whether its **last three values** sum to more than zero. The answer sits at each series'
# own end, wherever that is.

# %%
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

import tslab.cells


def make_variable_length(n, seed):
    """n white-noise series of 5-40 steps, zero-padded: x (N, 40, 1), lengths (N,), labels (N,)."""
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(5, 41, (n,), generator=g)
    series = [torch.randn(int(length), 1, generator=g) for length in lengths]
    labels = torch.tensor([float(s[-3:].sum() > 0) for s in series])  # the series' own last 3 steps
    return pad_sequence(series, batch_first=True), lengths, labels  # pads with 0 at the end


x_var, len_var, y_var = make_variable_length(600, seed=0)  # training set
x_var_test, len_var_test, y_var_test = make_variable_length(500, seed=1)
pad_share = 1 - len_var.sum().item() / x_var[..., 0].numel()
print(f"padded batch {tuple(x_var.shape)} (N, L_max, H_in), lengths {len_var.min()}-{len_var.max()}, "
      f"{pad_share:.0%} of the entries are padding")
assert x_var.shape == (600, 40, 1) and 0.3 < pad_share < 0.6

# %% [markdown]
# A recurrent layer can read this batch in two ways.
#
# - **Padded steps as data.** Run all 40 steps and classify from the last state. For a series of
#   length 10, that state has read 30 zeros *after* the answer, and the network must learn to
#   hold its state through them.
# - **Packed.** `pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)` keeps
#   only the real steps. It sorts the series by length and stores, step by step, the values of
#   the series still running; `batch_sizes[t]` says how many that is. The layer then runs step
#   $t$ on those series only, and `h_n` holds each series' state at its **own** last step.
#
# Three series of lengths 3, 1 and 2, values numbered so you can follow them:

# %%
# NBVAL_CHECK_OUTPUT
tiny = torch.tensor([[1.0, 2.0, 3.0], [10.0, 0.0, 0.0], [20.0, 21.0, 0.0]]).unsqueeze(-1)  # (N=3, L=3, 1)
tiny_packed = pack_padded_sequence(tiny, torch.tensor([3, 1, 2]), batch_first=True, enforce_sorted=False)
print("data       ", tiny_packed.data.flatten().tolist())
print("batch_sizes", tiny_packed.batch_sizes.tolist())
print("sorted_indices", tiny_packed.sorted_indices.tolist())
assert tiny_packed.batch_sizes.tolist() == [3, 2, 1]  # 3 series at step 0, 2 at step 1, 1 at step 2

# %% [markdown]
# Step 0 holds the first value of all three series (longest first: 1, 20, 10), step 1 the two
# still running (2, 21), step 2 only the longest (3). No padding zero is stored.
#
# The loop over time that reads it is short: `tslab.cells.run_over_time` runs the cell at step
# $t$ on the first `batch_sizes[t]` rows, and keeps the state of a row that has ended as that
# series' final state. With a toy "cell" that adds its input to the state, the outputs are
# running sums and the final state is each series' own sum:

# %%
# NBVAL_CHECK_OUTPUT
steps = tiny_packed.data.split(tiny_packed.batch_sizes.tolist())  # step t: (N_t, 1)
outputs, (final,) = tslab.cells.run_over_time(lambda x_t, state: (state[0] + x_t,), steps, (torch.zeros(3, 1),))
print("outputs per step", [o.flatten().tolist() for o in outputs])
print("final state     ", final[tiny_packed.unsorted_indices].flatten().tolist(), "(back in the batch's order)")
assert final[tiny_packed.unsorted_indices].flatten().tolist() == [6.0, 10.0, 41.0]

# %% [markdown]
# Series 1 ended after one step, and its final state is 10, not a sum over padding. The same GRU
# classifier now trains on the padded batch and on the packed one, with the same seed and budget
# (6 epochs):

# %%
class LastStateClassifier(nn.Module):
    """GRU over a padded or a packed batch; a linear head on the final state of the top layer."""

    def __init__(self, packed):
        super().__init__()
        self.packed = packed
        self.gru = nn.GRU(1, 16, batch_first=True)
        self.head = nn.Linear(16, 1)

    def forward(self, x, lengths):  # x (N, L_max, 1), lengths (N,) on the CPU
        if self.packed:
            x = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.gru(x)  # h_n (1, N, 16): each series' own last step if packed, else step L_max
        return self.head(h_n[-1]).squeeze(-1)  # (N,) logits


def train_variable_length(model, epochs=6, batch_size=60):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(epochs):
        for idx in torch.randperm(len(x_var)).split(batch_size):
            logits = model(x_var[idx].to(device), len_var[idx])
            loss = nn.functional.binary_cross_entropy_with_logits(logits, y_var[idx].to(device))
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


var_models, var_acc = {}, {}
for packed in (False, True):
    seed_everything(0)
    model = train_variable_length(LastStateClassifier(packed).to(device))
    with torch.no_grad():
        pred = model(x_var_test.to(device), len_var_test).cpu() > 0
    var_models[packed], var_acc[packed] = model, (pred.float() == y_var_test).float().mean().item()
print(f"test accuracy: padded steps as data {var_acc[False]:.1%}, packed {var_acc[True]:.1%}")
assert var_acc[True] > 0.85 and var_acc[True] > var_acc[False] + 0.05

# %% [markdown]
# Packing wins clearly here (accuracies printed above): the padded model has to carry the answer
# through up to 35 zeros and, in this budget, has only partly learnt to. With the zeros packed
# away, the state that the head reads is the one right after the last real step.
#
# ### Many-to-many outputs: mask the loss
#
# When a model predicts at **every** step (a forecast per step, a label per step), the padded
# positions get outputs too, and they must not count. `pad_packed_sequence` turns the packed
# output back into a padded tensor (zeros past each end) and returns the lengths; a mask
# `t < length` keeps the real steps. Here the trained GRU's head is applied at every step,
# predicting the same rule "last three values sum to more than zero" at each step $t$:

# %%
model = var_models[True]
with torch.no_grad():
    packed_x = pack_padded_sequence(x_var_test.to(device), len_var_test, batch_first=True, enforce_sorted=False)
    out_packed, _ = model.gru(packed_x)
    out_padded, out_lengths = pad_packed_sequence(out_packed, batch_first=True)  # (N, L_max, 16)
    step_logits = model.head(out_padded).squeeze(-1).cpu()  # (N, L_max): a prediction per step
mask = torch.arange(x_var_test.shape[1]) < out_lengths[:, None]  # (N, L_max): True on real steps
window_sums = x_var_test[..., 0].cumsum(1) - nn.functional.pad(x_var_test[..., 0].cumsum(1), (3, 0))[:, :-3]
step_labels = (window_sums > 0).float()  # at step t: x[t-2] + x[t-1] + x[t] > 0
step_loss = nn.functional.binary_cross_entropy_with_logits(step_logits, step_labels, reduction="none")
masked_loss = (step_loss * mask).sum() / mask.sum()  # mean over real steps only
correct = (step_logits > 0).float() == step_labels
print(f"per-step accuracy on real steps {correct[mask].float().mean():.1%}, "
      f"counting padded steps too {correct.float().mean():.1%}; "
      f"loss masked {masked_loss:.3f}, unmasked {step_loss.mean():.3f}")
assert torch.equal(out_lengths, len_var_test) and (out_padded.cpu()[~mask] == 0).all()
logits_leaf = step_logits.clone().requires_grad_(True)
(nn.functional.binary_cross_entropy_with_logits(logits_leaf, step_labels, reduction="none") * mask).sum().backward()
assert (logits_leaf.grad[~mask] == 0).all()  # a masked loss sends no gradient to padded steps

# %% [markdown]
# The unmasked numbers (printed above) average over padding, where the "target" is an artefact
# of the zeros: they describe the padding as much as the model. With the mask, the loss and the
# accuracy are about real steps only, and in training the padded positions get no gradient
# (checked above).
#
# ### `tslab.cells` reads packed batches too
#
# `tslab.cells.GRU` takes the same `PackedSequence` and, loaded with the trained weights, gives
# the same outputs and final states as `nn.GRU` (up to float rounding):

# %%
ours_gru = tslab.cells.GRU(1, 16, batch_first=True).to(device)
ours_gru.load_state_dict(model.gru.state_dict())
with torch.no_grad():
    out_ours, h_ours = ours_gru(packed_x)
    out_torch, h_torch = model.gru(packed_x)
    acc_ours = ((model.head(h_ours[-1]).squeeze(-1).cpu() > 0).float() == y_var_test).float().mean().item()
diff = max((out_ours.data - out_torch.data).abs().max().item(), (h_ours - h_torch).abs().max().item())
print(f"largest difference, outputs and h_n: {diff:.1e}; test accuracy with tslab.cells.GRU {acc_ours:.1%}")
assert diff < 1e-4 and abs(acc_ours - var_acc[True]) <= 0.002

# %% [markdown]
# ## Summary
#
# - A classifier is judged by its confusion matrix and ROC curve, not by accuracy alone; the
#   decision threshold is a choice, made on validation data.
# - A forecaster is judged against baselines (naive, seasonal naive, a linear model), in
#   original units, with MASE making the numbers comparable.
# - Compare architectures on the same windows with the same budget, and report parameters and
#   training time next to the error (timings on a shared machine are rough).
# - Multi-step error can grow with the horizon; a recursive forecast compounds the one-step
#   model's bias, a direct one does not read its own outputs. Measure the error per step.
# - A rolling-origin backtest gives several test periods, always in the future of the training data.
# - Series of different lengths are padded to share a tensor; pack them so the network never
#   reads the padding as data (and `h_n` is each series' own last state), and mask the loss of
#   per-step outputs to the real steps.
#
# ## Exercises
#
# **1.** By hand: a forecast of `[5, 5]` for targets `[4, 6]`, training series `[1, 3, 2, 4, 3, 5]`,
# $m = 2$. What is the MASE?

# %%
answer_mase = None  # your number
_ = check_close("answer_mase", answer_mase, metrics.mase([4, 6], [5, 5], [1, 3, 2, 4, 3, 5], m=2))

# %% [markdown]
# <details><summary>Solution</summary>
#
# MAE = (1 + 1) / 2 = 1. Scale = mean(|2−1|, |4−3|, |3−2|, |5−4|) = 1. MASE = 1.
# </details>
#
# **2.** Lower the anomaly threshold until validation recall is 100 %. What happens to test precision?
# Which error does that threshold trade for which?
#
# <details><summary>Solution</summary>
#
# `threshold = float(thr_val[tpr_val >= 1.0][0])`, then recompute `precision_recall_f1`.
# Precision drops: more normal series are flagged (false positives) in exchange for fewer missed
# anomalies (false negatives).
# </details>
#
# **3.** In a rolling-origin backtest with `n=100, initial=40, horizon=10, step=20`, how many folds
# are there?

# %%
answer_folds = None  # an int
_ = check_in("answer_folds", answer_folds, [len(forecast.rolling_origin_folds(100, 40, 10, 20))])

# %% [markdown]
# <details><summary>Solution</summary>
#
# A fold needs its whole test block inside the series: origin $o$ with $o + 10 \le 100$.
# Origins 40, 60 and 80 fit (the last one tests steps 80–89); the next, 100, would need steps
# 100–109. 3 folds.
# </details>
#
# **4.** Train the five models with `epochs=30` instead of 8. Does the MASE ranking change?
# Rerun the memory test with seeds 1 and 2 (in `seed_everything`, `make_loader` and `fit`): how
# far do the recurrent rows move? (Expect a few minutes on a CPU.)
#
# <details><summary>Solution</summary>
#
# Change `budget = {"epochs": 30, "lr": 5e-3}` and rerun section 3. The errors usually move
# towards the oracle. For the memory test, loop over `seed in (0, 1, 2)` and print the recurrent
# rows' mean and spread: compare the gaps between RNN, LSTM and GRU with that spread before
# ranking them. Conclusions drawn at one budget and one seed are conclusions about that budget
# and that seed.
# </details>
