# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslab-course/tslab/blob/main/notebooks/08_your_own_series.ipynb)
#
# # 08 · Your own series: from a raw CSV to a saved forecaster with honest intervals
#
# So far the course forecast series it had prepared itself. Here we do the whole job on a raw
# CSV file, the way you will on your own data: find out what is in the file, find its season,
# build features without cheating, choose a model on validation only, put an **uncertainty
# band** around the forecast that we can check, and save the forecaster to reuse it tomorrow.
#
# The data: daily weather in Seattle, 2012–2015 (NOAA, public domain; the CSV ships inside the
# `vega_datasets` package, no download). We forecast the **daily maximum temperature** 7 days
# ahead, with the rain, the minimum temperature and the wind as extra measured variables.
#
# **Learning goals.** After this notebook you can
# - load a CSV and get a report of missing timestamps, duplicates and missing values, with a
#   stated fill policy;
# - estimate a seasonal period from the periodogram and the autocorrelation;
# - tell covariates known in the future (the calendar) from ones known only in the past (a
#   measurement), and measure what leakage does;
# - choose a model on a rolling-origin validation backtest, against seasonal naive and ETS, and
#   touch the test period once;
# - build split-conformal prediction intervals and check their coverage;
# - save a forecaster and get the identical forecast back in a fresh Python process.
#
# **Your own CSV, in three lines:** in the cell "Load and inspect" set `CSV` to your file,
# `TARGET` to the column to forecast and `COVARIATES` to the measured columns (or `[]`); set `H`
# (steps ahead) and `CYCLES` (`"hour"`, `"dayofweek"`, `"dayofyear"`, `"month"`) for your
# frequency; then run all cells: every check says what to fix if your file cannot be used.

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
import importlib.resources
import importlib.util

if "google.colab" in sys.modules and importlib.util.find_spec("vega_datasets") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "vega_datasets"], check=True)  # the data (210 kB)

# %%
import json
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from sklearn.linear_model import Ridge
from threadpoolctl import threadpool_limits  # installed with scikit-learn
from tqdm.auto import tqdm

from tslab import baselines, metrics
from tslab.data import load_csv, make_windows
from tslab.device import get_device, seed_everything
from tslab.exercises import check_close, check_function
from tslab.features import calendar_features
from tslab.forecast import RecurrentForecaster, fit_recurrent
from tslab.intervals import conformal_interval, conformal_quantiles, coverage, ets_rolling_intervals, mean_width
from tslab.seasonality import autocorrelation, detect_periods, periodogram
from tslab.train import load_checkpoint, save_checkpoint

seed_everything(0)
device = get_device()
torch.set_num_threads(1)  # one thread: small models gain little from two, and timings vary less
threadpool_limits(1)
print(f"Running on: {device}")

# %% [markdown]
# ## 1. Load and inspect
#
# A real file can hide four problems: rows out of order, **missing timestamps** (a day with no
# row), **missing values** (a row with an empty cell) and **duplicated timestamps** (two rows for
# one day). `load_csv` parses the dates, sorts them, detects the step (here one day), puts the
# data on a regular daily grid, and reports what it found. Gaps are then filled by a policy you
# choose and that is printed: `"interpolate"` (linear in time) or `"ffill"` (last value seen).
# Duplicates and unparsable dates are errors: only you know which of two rows is right.

# %%
CSV = importlib.resources.files("vega_datasets") / "_data" / "seattle-weather.csv"
TARGET, COVARIATES = "temp_max", ["precipitation", "temp_min", "wind"]
H, CYCLES = 7, ["dayofyear"]  # forecast 7 days ahead; the calendar cycle of daily weather

df, report = load_csv(CSV, "date", [TARGET, *COVARIATES], fill="interpolate", min_length=400,
                      return_report=True)
print(report)
df.head(3)

# %%
assert report.freq == "D" and df.index.freqstr == "D" and len(df) == 1461
assert df.notna().all().all() and df.index.is_monotonic_increasing

# %% [markdown]
# This file is clean. To see the report at work, we damage a copy: drop two days, empty one
# cell, swap two rows, and load it again. Then we duplicate a day, which must fail.

# %%
raw = pd.read_csv(CSV)
damaged = raw.drop(index=[10, 11]).copy()
damaged.loc[20, "temp_max"] = np.nan
damaged = damaged.iloc[[1, 0, *range(2, len(damaged))]]
tmp = Path(tempfile.mkdtemp())
damaged.to_csv(tmp / "damaged.csv", index=False)
fixed, rep = load_csv(tmp / "damaged.csv", "date", TARGET, fill="interpolate", return_report=True)
print(rep)

# %%
assert len(rep.missing_timestamps) == 2 and len(rep.missing_values["temp_max"]) == 1 and rep.n_unsorted == 1
assert len(fixed) == 1461 and np.isfinite(fixed).all()
pd.concat([raw.iloc[:10], raw.iloc[[3]]]).to_csv(tmp / "dup.csv", index=False)  # 4 January twice
try:
    load_csv(tmp / "dup.csv", "date", TARGET)
except ValueError as err:
    print("ValueError:", err)

# %% [markdown]
# Interpolation reads the value *after* a gap; that is fine for cleaning a history, but inside a
# backtest it would peek at the future. Here nothing was missing, so the question does not arise.
#
# We split by time: the **training part** is 2012–2014, the **test part** is 2015. Everything we
# decide below is decided inside the training part.

# %%
y = df[TARGET].to_numpy()
n_train = int((df.index < "2015-01-01").sum())
print(f"training part: {n_train} days ({df.index[0].date()} to {df.index[n_train - 1].date()}), "
      f"test part: {len(y) - n_train} days")
fig, ax = plt.subplots(figsize=(9, 3))
ax.plot(df.index, y, lw=0.7)
ax.axvline(df.index[n_train], color="k", ls="--")
ax.set_ylabel(f"{TARGET} (°C)");

# %% [markdown]
# ## 2. The seasonal period, from the data
#
# The **periodogram** $P(f_k) = \frac{1}{T}\left|\sum_t y_t e^{-2\pi i k t/T}\right|^2$ measures how
# much variance repeats with period $T/k$; the **autocorrelation**
# $\rho(\ell) = \sum_t (y_t-\bar y)(y_{t+\ell}-\bar y) / \sum_t (y_t-\bar y)^2$ is high at a lag
# equal to the period. With only $T/p$ cycles in the data, a period $p$ is pinned down only to
# between $T/(k+1)$ and $T/(k-1)$ with $k = T/p$: coarse for a yearly cycle seen three times.

# %%
train_y = y[:n_train]
periods, power = periodogram(train_y)
acf = autocorrelation(train_y, 400)
found = detect_periods(train_y, n=2)
k = round(n_train / found[0])
print(f"strongest periods: {found} days; resolution of the first: {n_train / (k + 1):.0f} to {n_train / (k - 1):.0f} days")
fig, axes = plt.subplots(1, 2, figsize=(10, 3))
axes[0].semilogx(periods, power)
axes[0].set(xlabel="period (days)", ylabel="power")
axes[1].plot(acf)
axes[1].set(xlabel="lag (days)", ylabel="autocorrelation");

# %% [markdown]
# The data says "about a year", and the calendar says exactly how long a year is: we take
# $m = 365$ days for the seasonal naive forecast ($\hat y_{t+h} = y_{t+h-m}$, the same day last
# year) and for MASE's scale. On your data, take the calendar period nearest the estimate
# (24 hours, 7 days, 12 months...) when there is one.

# %%
m = 365
assert n_train / (k + 1) <= m <= n_train / (k - 1)  # the calendar year lies within the estimate's resolution
print(f"autocorrelation at {found[0]} days: {acf[found[0]]:.2f}; at {m} days: {acf[m]:.2f}; at 182 days: {acf[182]:.2f}")
assert acf[m] > 0.3 > acf[182]

# %% [markdown]
# ## 3. Features, and the covariate you must not use
#
# Two kinds of extra inputs:
#
# - **known in the future**: the calendar. Tomorrow's day of the year is certain. We give it as a
#   sine–cosine pair, $(\sin 2\pi p/P, \cos 2\pi p/P)$ for position $p$ in a cycle of length $P$, so
#   that 31 December and 1 January are neighbours.
# - **known only in the past**: measurements (rain, minimum temperature, wind). At the forecast
#   origin we know them up to today, never for the 7 days we forecast.

# %%
cal = calendar_features(df.index, CYCLES)
print(cal.iloc[[0, 181, 365]].round(3))
assert np.allclose(cal.iloc[0], [0.0, 1.0])  # 1 January: angle 0

# %% [markdown]
# **Leakage** is using a value that would not be known at forecast time. We measure it with a
# fast linear model (ridge regression) on the last 14 days of all variables, predicting the 7
# next maxima at once. The training part is cut once more: the model is fitted on its first
# part and scored on the last 182 days (**validation**), every day an origin.
#
# The leaky version also gets the minimum temperature *of the 7 forecast days*: a number we
# will only read after those days have passed.

# %%
n_fit = n_train - 182
val_origins = np.arange(n_fit, n_train - H + 1)
Z = np.column_stack([y, df[COVARIATES].to_numpy(), cal.to_numpy()])  # (T, 1 + F)
L_ridge = 14
Xw, Yw = make_windows(Z, L_ridge, H, target_col=0)  # window i ends at origin i + L
future_tmin = make_windows(df["temp_min"].to_numpy(), L_ridge, H)[1]  # (N, H): the unknown future
last_tmin = Xw[:, -1, 2]  # the minimum temperature of the origin's day: the latest one we know
Xw = Xw.reshape(len(Xw), -1)
fit_idx, val_idx = np.arange(0, n_fit - L_ridge - H + 1), val_origins - L_ridge

def ridge_val_mae(X):
    model = Ridge(alpha=1.0).fit(X[fit_idx], Yw[fit_idx])
    return model, metrics.mae(Yw[val_idx], model.predict(X[val_idx]))

_, honest = ridge_val_mae(Xw)
leaky_model, leaky = ridge_val_mae(np.hstack([Xw, future_tmin]))
deployed = np.hstack([Xw, np.repeat(last_tmin[:, None], H, axis=1)])  # real use: the future is unknown, last value stands in
leaky_deployed = metrics.mae(Yw[val_idx], leaky_model.predict(deployed[val_idx]))
print(f"validation MAE: honest {honest:.2f} °C, leaky {leaky:.2f} °C, leaky model in real use {leaky_deployed:.2f} °C")

# %%
assert leaky < honest - 0.3  # the leak looks like a large improvement...
assert leaky_deployed > honest  # ...that turns into a loss once the future is really unknown

# %% [markdown]
# The leaky model looks far better on validation (the first two numbers above), because the
# same day's minimum temperature nearly tells the maximum. In real use the future minimum is unknown,
# and the model that learned to lean on it does worse than the honest one. Past-only covariates
# therefore enter our windows only up to the origin.

# %% [markdown]
# ## 4. Choose honestly: a rolling-origin validation backtest
#
# The network is the course's recipe, `tslab.forecast.fit_recurrent` (quadratic trend removed,
# windows normalised by their last value, a direct `SequenceModel` that outputs all 7 days), here
# with the covariates and the calendar pair as extra input features: windows of shape
# `(N, L, 1 + 5)`. Each candidate is fitted **once** on the fitting part; then, at each of the
# 176 validation origins $o$, it reads the data up to $o$ and forecasts the 7 next days (the weights
# are not refitted at each origin; that would cost 176 trainings per candidate). The baselines go
# through the same origins:
#
# - **seasonal naive**, $\hat y_{o+h} = y_{o+h-365}$;
# - **ETS**, exponential smoothing $\ell_t = \ell_{t-1} + \alpha e_t$ (plus a trend if AICc asks
#   for one), $\hat y_{o+h} = \ell_o$; its form is chosen by AICc and its parameters fitted on the
#   fitting part. A yearly season would need 365 seasonal states from 2.5 years: not estimable, so
#   ETS sees no season here.
#
# Every score is MASE with $m = 365$ (error divided by the in-sample error of the seasonal naive).

# %%
U = np.column_stack([df[COVARIATES].to_numpy(), cal.to_numpy()])  # (T, F): measured + calendar

def mase_at(origins, P):
    return float(np.mean([metrics.mase(y[o:o + H], p, y[:o], m) for o, p in zip(origins, P)]))

def network_forecasts(net, origins):
    return np.stack([net.predict(y[:o], U[:o]) for o in origins])  # (K, H)

snaive_val = np.stack([baselines.forecast_seasonal_naive(y[:o], H, m) for o in val_origins])
ets_spec = baselines.select_ets(y[:n_fit], 1)
ets_val = ets_rolling_intervals(y, n_fit, val_origins, H, trend=ets_spec["trend"], damped_trend=ets_spec["damped_trend"])[0]
scores = {"seasonal naive": mase_at(val_origins, snaive_val), "ETS": mase_at(val_origins, ets_val)}
print(f"ETS chosen by AICc: trend={ets_spec['trend']}, damped={ets_spec['damped_trend']}")

candidates = {"GRU, L=14, hidden 16": dict(kind="gru", input_len=14, hidden_size=16),
              "GRU, L=28, hidden 32": dict(kind="gru", input_len=28, hidden_size=32),
              "LSTM, L=14, hidden 16": dict(kind="lstm", input_len=14, hidden_size=16),
              "GRU, L=14, hidden 16, 2 layers": dict(kind="gru", input_len=14, hidden_size=16, num_layers=2)}
nets, val_forecasts = {}, {}
for name, cfg in tqdm(candidates.items(), desc="candidates"):
    nets[name] = fit_recurrent(y[:n_fit], H, m, recipe="detrended", epochs=20, seed=0, device=device,
                               covariates=U[:n_fit], **cfg)
    val_forecasts[name] = network_forecasts(nets[name], val_origins)
    scores[name] = mase_at(val_origins, val_forecasts[name])
pd.Series(scores, name="validation MASE").round(3)

# %%
best = min(candidates, key=scores.get)
print(f"chosen on validation: {best} (MASE {scores[best]:.3f}); ETS {scores['ETS']:.3f}, "
      f"seasonal naive {scores['seasonal naive']:.3f}")
assert scores[best] < scores["seasonal naive"]  # same day last year is a weak forecast of next week
assert all(np.isfinite(v) for v in scores.values())

# %% [markdown]
# Same day last year is a poor forecast of next week's weather: every other method beats it by a
# wide margin. The gaps between the networks are small and come from one seed each, so the
# choice between them is close to a coin toss; what matters is that it is made here, before the
# test year is seen. Now, and only now, the 2015 origins, once.

# %%
test_origins = np.arange(n_train, len(y) - H + 1)
Y_test = np.stack([y[o:o + H] for o in test_origins])
net = nets[best]
net_test = network_forecasts(net, test_origins)
snaive_test = np.stack([baselines.forecast_seasonal_naive(y[:o], H, m) for o in test_origins])
ets_test, ets_lo, ets_hi = ets_rolling_intervals(y, n_fit, test_origins, H, (0.8, 0.95),
                                                 trend=ets_spec["trend"], damped_trend=ets_spec["damped_trend"])
test_mase = {"seasonal naive": mase_at(test_origins, snaive_test), "ETS": mase_at(test_origins, ets_test),
             best: mase_at(test_origins, net_test)}
print(f"{len(test_origins)} test origins; test MASE:", {k: round(v, 3) for k, v in test_mase.items()})

# %%
spread = max(scores[c] for c in candidates) - min(scores[c] for c in candidates)
print(f"network vs ETS on test: {test_mase['ETS'] - test_mase[best]:.3f} MASE lower; "
      f"spread between the {len(candidates)} candidates on validation: {spread:.3f}")
assert test_mase[best] < test_mase["ETS"] - 0.05 < test_mase["seasonal naive"]

# %% [markdown]
# These test numbers are the ones to report. Here the network beats ETS by a margin several times
# the spread between its own variants (both printed above): it reads the rain, the minimum
# temperature and the date, while ETS only carries the current level forward. On another series
# the order can be the reverse; the protocol, not the hope, decides.

# %% [markdown]
# ## 5. Prediction intervals: split conformal, per horizon step
#
# A point forecast needs a band that says how far off it may be. **Split conformal** builds one
# from errors the model made on data it was not fitted on: our 176 validation forecasts.
# For each step $h$, with calibration errors $|e_{1,h}|, \dots, |e_{N,h}|$ and nominal level
# $1-\alpha$, take
#
# $$q_h = \text{the } \lceil (N+1)(1-\alpha) \rceil\text{-th smallest } |e_{i,h}|, \qquad
# \text{interval} = \hat y_h \pm q_h .$$
#
# If future errors behave like the calibration ones (exchangeable), the interval contains the
# truth with probability at least $1-\alpha$. Per step, because a 7-day forecast is less sure
# than a 1-day one. No Gaussian assumption is made, unlike ETS's own interval
# $\hat y_h \pm z_{1-\alpha/2}\,\sigma_h$.

# %%
residuals = np.stack([y[o:o + H] for o in val_origins]) - val_forecasts[best]  # (176, 7)
q = conformal_quantiles(residuals, (0.8, 0.95))  # (2, 7)
print("half-widths per step (°C), 80 %:", q[0].round(2), "\n                        95 %:", q[1].round(2))
assert q.shape == (2, H) and np.all(q[1] >= q[0])

# %% [markdown]
# Check on the test year: the **coverage** (share of true values inside the band) should be near
# the nominal level, and, at equal coverage, a narrower band (**mean width**) is more useful.

# %%
rows = {}
for j, level in enumerate((0.8, 0.95)):
    lo, hi = conformal_interval(net_test, q[j])
    rows[f"conformal {level:.0%}"] = (coverage(Y_test, lo, hi), mean_width(lo, hi))
    rows[f"ETS {level:.0%}"] = (coverage(Y_test, ets_lo[j], ets_hi[j]), mean_width(ets_lo[j], ets_hi[j]))
table = pd.DataFrame(rows, index=["test coverage", "mean width (°C)"]).T
table.round(3)

# %%
for level in (0.8, 0.95):
    assert abs(table.loc[f"conformal {level:.0%}", "test coverage"] - level) < 0.08
    assert table.loc[f"conformal {level:.0%}", "mean width (°C)"] < table.loc[f"ETS {level:.0%}", "mean width (°C)"] - 1

# %% [markdown]
# On 2015 the conformal bands cover close to what they promise, and they are narrower than
# ETS's by several degrees (table above): they sit around a better forecast and are sized by its
# own validation errors. ETS's Gaussian band at 80 % covers more than 80 %: wider than it needs
# to be. Test origins overlap (consecutive weeks share 6 days), so the coverage of 359 origins is
# noisier than 359 independent draws would be. The band for one week:

# %%
o = test_origins[40]
days = df.index[o - 21:o + H]
fig, ax = plt.subplots(figsize=(9, 3.2))
ax.plot(days, y[o - 21:o + H], "k.-", lw=0.8, label="observed")
for j, alpha in ((1, 0.2), (0, 0.35)):
    lo, hi = conformal_interval(net_test[40], q[j])
    ax.fill_between(df.index[o:o + H], lo, hi, color="tab:orange", alpha=alpha, label=f"conformal {(0.8, 0.95)[j]:.0%}")
ax.plot(df.index[o:o + H], net_test[40], color="tab:orange", label=best)
ax.plot(df.index[o:o + H], ets_test[40], color="tab:blue", ls="--", label="ETS")
ax.set_ylabel(f"{TARGET} (°C)")
ax.legend(fontsize=8, loc="upper left");

# %% [markdown]
# ## 6. Save and reuse
#
# A forecaster is more than weights: the window length, the trend and scales fitted on the
# training part, the covariate scales, the calendar settings and the interval half-widths are
# all needed to forecast again. `save_checkpoint` stores the weights and a plain config (numbers,
# strings, lists only), which `torch.load(weights_only=True)` reads back without running any
# pickled code. A fresh Python process then rebuilds the same forecast.

# %%
config = dict(net.config, target=TARGET, covariates=COVARIATES, cycles=CYCLES,
              levels=[0.8, 0.95], conformal_q=q.tolist())
path = save_checkpoint(tmp / "forecaster.pt", net.model, config)
o_last = len(y)  # the week after the data ends
forecast_now = net.predict(y[:o_last], U[:o_last])

script = f"""
import json, numpy as np, torch
torch.set_num_threads(1)
from tslab.data import load_csv
from tslab.features import calendar_features
from tslab.forecast import RecurrentForecaster
from tslab.train import load_checkpoint
model, config = load_checkpoint({str(path)!r}, map_location={str(device)!r})
df = load_csv({str(CSV)!r}, "date", [config["target"], *config["covariates"]])
U = np.column_stack([df[config["covariates"]].to_numpy(), calendar_features(df.index, config["cycles"]).to_numpy()])
point = RecurrentForecaster(model, config).predict(df[config["target"]].to_numpy(), U)
print(json.dumps({{"point": point.tolist(), "upper95": (point + np.array(config["conformal_q"][1])).tolist()}}))
"""
out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
reloaded = json.loads(out.stdout)
print("forecast here:     ", forecast_now.round(2))
print("fresh process:     ", np.round(reloaded["point"], 2))
print("max difference:", float(np.max(np.abs(np.array(reloaded["point"]) - forecast_now))))

# %%
if device.type == "cpu":
    assert np.array_equal(np.array(reloaded["point"], dtype=forecast_now.dtype), forecast_now)
else:
    assert np.allclose(reloaded["point"], forecast_now, atol=1e-4)
assert np.allclose(reloaded["upper95"], forecast_now + q[1], atol=1e-4)

# %% [markdown]
# ## Summary
#
# - `load_csv` parses, sorts, detects the step, **reports** missing timestamps, missing values
#   and reordered rows, fills with a stated policy, and refuses duplicates and unparsable dates.
# - The periodogram and the autocorrelation found a cycle of about a year; its resolution from
#   three cycles is coarse, so we took the calendar's 365 days for the seasonal naive and MASE.
# - Calendar features are known in the future; measurements only up to the origin. Using the
#   future minimum temperature looked like a large gain on validation and was a loss in real use.
# - Candidates and baselines went through the same rolling-origin validation backtest; the test
#   year was scored once, at the end.
# - Split conformal turns validation errors into per-step half-widths; on the test year the 80 %
#   and 95 % bands covered close to their nominal levels, next to ETS's Gaussian bands.
# - Weights + a plain config reproduce the forecast in a fresh process.
#
# ## Exercises
#
# **1.** Write the split-conformal half-width for one horizon step: given a 1-D array of errors
# `e` (any sign) and a level such as `0.9`, return the $\lceil (N+1)\,\text{level} \rceil$-th
# smallest $|e_i|$.

# %%
def my_conformal_q(e, level):
    return None  # your code


_ = check_function(
    "my_conformal_q", my_conformal_q, lambda e, level: conformal_quantiles(e, level)[0, 0],
    [(np.random.default_rng(s).normal(size=n), lv) for s, n, lv in ((1, 30, 0.8), (2, 57, 0.9), (3, 200, 0.95))],
)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_conformal_q(e, level):
#     a = np.sort(np.abs(e))
#     k = int(np.ceil((len(a) + 1) * level))
#     return a[k - 1]
# ```
# The $+1$ counts the new point itself: among $N+1$ exchangeable errors, the new one is below the
# $k$-th smallest of the other $N$ with probability at least $k/(N+1)$.
# </details>
#
# **2.** With 176 calibration errors per step, what is the highest nominal level for which split
# conformal still gives a finite half-width? (A number between 0 and 1, e.g. `0.9`.)

# %%
answer_level = None  # your number
_ = check_close("answer_level", answer_level, 176 / 177, rtol=1e-3)

# %% [markdown]
# <details><summary>Solution</summary>
#
# The rank $\lceil 177 \cdot \text{level} \rceil$ must be at most 176, so
# $\text{level} \le 176/177 \approx 0.9944$. Above that the interval is infinite: there is not
# enough calibration data to promise that much.
# </details>
#
# **3.** Add `"dayofweek"` to `CYCLES` and rerun. Does the validation MASE of the networks move by
# more than the differences between them? Should weather have a weekly cycle?
#
# <details><summary>Solution</summary>
#
# Weather has no weekly cycle, so the extra pair is noise to the network; any change in
# validation MASE is of the size of the seed-to-seed spread. A feature is worth keeping only if
# it helps on validation by more than that spread.
# </details>
