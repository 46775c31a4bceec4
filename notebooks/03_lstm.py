# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslab-course/tslab/blob/main/notebooks/03_lstm.ipynb)
#
# # 03 · Long short-term memory (LSTM), by hand
#
# Notebook 02 measured the plain RNN's problem: the gradient through $h_{t-1} \to h_t$ shrinks
# geometrically, so the network cannot learn from events far back. The LSTM (Hochreiter &
# Schmidhuber, 1997) adds a second state, the **cell state** $c_t$, that is changed only by
# element-wise *gates*: it forgets a little, writes a little, and otherwise carries its content
# forward unchanged.
#
# **Learning goals.** After this notebook you can
# - write the LSTM equations with their gate order i, f, g, o and say what each gate does;
# - build an LSTM cell from three small functions and prove it equals `tslab.cells.LSTMCell`
#   and `torch.nn.LSTM`;
# - give the shapes of `(h0, c0)` and `(h_n, c_n)`, and explain why an LSTM has four times the
#   parameters of an RNN, and what `proj_size` changes in both;
# - read the gate activations of a trained LSTM and see what it does at an anomaly.

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
import math
import warnings

import matplotlib.pyplot as plt
import torch
from torch import nn

import tslab.cells
from tslab.cells import lstm_gate_trace
from tslab.data import make_anomaly_dataset
from tslab.device import get_device, seed_everything
from tslab.exercises import check
from tslab.plots import use_course_style

seed_everything(0)
device = get_device()
use_course_style()
# The models here are tiny: one CPU thread is faster than several threads waiting on each other
# (on a busy machine, many times faster). Delete this line for big models.
torch.set_num_threads(1)
print(f"Running on: {device}")

# %% [markdown]
# ## 1. Gates and the cell state
#
# At every step four vectors of size $H$ are computed from $x_t$ and $h_{t-1}$, in PyTorch's
# order **i, f, g, o**:
#
# $$
# \begin{aligned}
# i_t &= \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) && \text{input gate: how much to write} \\
# f_t &= \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) && \text{forget gate: how much to keep} \\
# g_t &= \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) && \text{candidate: what to write} \\
# o_t &= \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) && \text{output gate: how much to show} \\
# c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
# h_t &= o_t \odot \tanh(c_t)
# \end{aligned}
# $$
#
# $\sigma$ is the sigmoid, so the three gates lie between 0 (closed) and 1 (open); $\odot$ is
# element-wise multiplication. The key line is the one for $c_t$: no matrix multiplies the old
# cell state, only the forget gate. Along that path
# $\partial c_t / \partial c_{t-1} = \operatorname{diag}(f_t)$, so when the network learns
# $f_t \approx 1$ memory *and* gradient pass through many steps almost unchanged.
#
# PyTorch stores the four gates stacked in one matrix: `weight_ih` is
# $[W_{ii}; W_{if}; W_{ig}; W_{io}]$ of shape $(4H, H_{in})$, `weight_hh` is $(4H, H)$, and
# each bias is $(4H)$. One matrix product then gives all four gates at once.

# %% [markdown]
# ## 2. An LSTM cell in three small functions
#
# Batched: `x (N, H_in)`, `h (N, H)`, `c (N, H)`.

# %%
def gate_preactivations(x, h, W_ih, W_hh, b_ih, b_hh):
    """All four gates before their nonlinearity: (N, 4H)."""
    return x @ W_ih.T + b_ih + h @ W_hh.T + b_hh


def split_gates(z):
    """(N, 4H) -> i, f, g, o, each (N, H), after sigmoid / tanh."""
    i, f, g, o = z.chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)


def update_state(i, f, g, o, c):
    """New (h, c) from the gates and the old cell state."""
    c = f * c + i * g
    h = o * torch.tanh(c)
    return h, c


def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step: returns (h', c')."""
    i, f, g, o = split_gates(gate_preactivations(x, h, W_ih, W_hh, b_ih, b_hh))
    return update_state(i, f, g, o, c)


# %% [markdown]
# ### A check by hand
#
# With every weight and bias zero, every pre-activation is 0, so $i = f = o = \sigma(0) = 0.5$
# and $g = \tanh 0 = 0$. Starting from $c_0 = 1$: $c_1 = 0.5 \cdot 1 + 0.5 \cdot 0 = 0.5$ and
# $h_1 = 0.5 \tanh(0.5) \approx 0.2311$. One hidden unit, one input:

# %%
zeros_W, zeros_b = torch.zeros(4, 1), torch.zeros(4)  # (4H, H_in) with H = H_in = 1
x1, h0_, c0_ = torch.tensor([[3.0]]), torch.zeros(1, 1), torch.ones(1, 1)
h1, c1 = lstm_cell(x1, h0_, c0_, zeros_W, zeros_W, zeros_b, zeros_b)
print(f"h1 = {h1.item():.4f}, c1 = {c1.item():.4f}")
assert math.isclose(c1.item(), 0.5)
assert math.isclose(h1.item(), 0.5 * math.tanh(0.5), rel_tol=1e-6)

# %% [markdown]
# The input $x = 3$ did not matter: with zero weights the gates cannot see it, and the cell
# simply halves its memory. A forget gate at 0.5 forgets half per step. PyTorch initialises
# every weight and bias from $U(-1/\sqrt{H}, 1/\sqrt{H})$, so its pre-activations are spread
# around 0 and the gates start near 0.5 *on average*: a fresh LSTM forgets roughly half per step.

# %% [markdown]
# ### The same cell in `tslab.cells` and `torch.nn`
#
# Now random weights, a batch of 3, and the real thing. The parameter names are the same in
# all three, so the weights can be read from one module's `state_dict`.

# %%
N, H_in, H = 3, 2, 4
torch_cell = nn.LSTMCell(H_in, H)
our_cell = tslab.cells.LSTMCell(H_in, H)
our_cell.load_state_dict(torch_cell.state_dict())
weights = [torch_cell.weight_ih, torch_cell.weight_hh, torch_cell.bias_ih, torch_cell.bias_hh]
print({name: tuple(p.shape) for name, p in torch_cell.named_parameters()})

x, h, c = torch.randn(N, H_in), torch.randn(N, H), torch.randn(N, H)
mine = lstm_cell(x, h, c, *weights)
for other in (our_cell(x, (h, c)), torch_cell(x, (h, c))):
    assert torch.allclose(mine[0], other[0], atol=1e-6)
    assert torch.allclose(mine[1], other[1], atol=1e-6)
print("h' agrees:", mine[0][0].detach())

# %% [markdown]
# Our three functions, `tslab.cells.LSTMCell` and `nn.LSTMCell` give the same `(h', c')`.
# A loop over time turns the cell into a layer; `nn.LSTM` with the same weights (named
# `weight_ih_l0`, ... for layer 0) must give the same sequence of hidden states:

# %%
def lstm_layer(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """x: (L, N, H_in) -> output (L, N, H), and the final (h, c)."""
    outputs = []
    for x_t in x:
        h, c = lstm_cell(x_t, h, c, W_ih, W_hh, b_ih, b_hh)
        outputs.append(h)
    return torch.stack(outputs), (h, c)


L = 6
lstm = nn.LSTM(H_in, H)
lstm.load_state_dict({f"{name}_l0": p for name, p in torch_cell.state_dict().items()})
x_seq = torch.randn(L, N, H_in)
h0, c0 = torch.zeros(1, N, H), torch.zeros(1, N, H)
out_torch, (h_n, c_n) = lstm(x_seq, (h0, c0))
out_mine, (h_mine, c_mine) = lstm_layer(x_seq, h0[0], c0[0], *weights)
assert torch.allclose(out_torch, out_mine, atol=1e-6)
assert torch.allclose(c_n[0], c_mine, atol=1e-6)
print("output:", tuple(out_torch.shape),
      "max difference:", f"{(out_torch - out_mine).abs().max():.1e}")

# %% [markdown]
# ## 3. `nn.LSTM`: two states in, two states out
#
# The layer takes and returns a **pair** `(h, c)`. Both have the shape the RNN's `h` had:
# $(D \cdot \text{num\_layers}, N, H_{out})$, whatever `batch_first` says. `output` contains
# the $h_t$ of the top layer only; the cell states never leave the layer except the last one,
# in `c_n`.

# %%
# NBVAL_CHECK_OUTPUT
N, L, H_in, H = 4, 7, 3, 5
x = torch.randn(N, L, H_in)  # batch first
for kwargs in ({}, {"num_layers": 2}, {"num_layers": 2, "bidirectional": True}):
    lstm = nn.LSTM(H_in, H, batch_first=True, **kwargs)
    D_layers = (2 if kwargs.get("bidirectional") else 1) * kwargs.get("num_layers", 1)
    h0 = c0 = torch.zeros(D_layers, N, H)  # (D * num_layers, N, H_out)
    output, (h_n, c_n) = lstm(x, (h0, c0))
    print(f"{str(kwargs):<41} output {tuple(output.shape)}, "
          f"h_n {tuple(h_n.shape)}, c_n {tuple(c_n.shape)}")
assert torch.equal(output[:, -1, :H], h_n[-2])  # top layer, forward direction, last step

# %% [markdown]
# `h_n` and `c_n` always have the same shape; only the bidirectional `output` doubles its width.
# As in notebook 02, `h_n` is ordered layer by layer, and forward then backward within a layer:
# for 2 layers × 2 directions the rows are (layer 0 fwd, layer 0 bwd, layer 1 fwd, layer 1 bwd).
# So `h_n[-2]` is the top layer's forward direction, whose last step is `output[:, -1, :H]`
# (the assert). Passing just `h0` is an error: an LSTM's state is the pair.

# %% [markdown]
# ## 4. Four times the parameters of an RNN
#
# Each of the four gates has its own $W_{ih}$, $W_{hh}$, $b_{ih}$, $b_{hh}$, of exactly the sizes
# a plain RNN uses for its single update. So layer 0 has $4 \cdot H (H_{in} + H + 2)$ parameters
# per direction, four times the RNN's $H(H_{in} + H + 2)$. Deeper layers read the previous
# layer's output, so $H_{in}$ becomes $D \cdot H$ there; the ratio stays 4.

# %%
# NBVAL_CHECK_OUTPUT
def count(module):
    return sum(p.numel() for p in module.parameters())


for kwargs in ({}, {"num_layers": 2, "bidirectional": True}):
    n_rnn, n_lstm = count(nn.RNN(3, 16, **kwargs)), count(nn.LSTM(3, 16, **kwargs))
    print(f"{str(kwargs):<41} RNN {n_rnn:>5}   LSTM {n_lstm:>5}   ratio {n_lstm / n_rnn:.0f}")
    assert n_lstm == 4 * n_rnn
assert count(nn.LSTM(3, 16)) == 4 * 16 * (3 + 16 + 2)
print({name: tuple(p.shape) for name, p in nn.LSTM(3, 16).named_parameters()})

# %% [markdown]
# The ratio is exactly 4 for any configuration, and the shapes show where it comes from: the
# leading $4H = 64$ rows are the four gates stacked. When you compare an RNN with an LSTM, keep
# this in mind: at the same `hidden_size` the LSTM has four times the parameters.

# %% [markdown]
# ### A projected LSTM: `proj_size`
#
# Most of those parameters sit in $W_{hh}$, $(4H, H)$, because $h_{t-1}$ has $H$ values. With
# `proj_size` $= P < H$, the LSTM multiplies its hidden state by one more matrix
# $W_{hr}$, $(P, H)$, at every step (Sak et al., 2014):
#
# $$h_t = W_{hr}\,\big(o_t \odot \tanh(c_t)\big),$$
#
# so $h_t$ has only $P$ values. The cell state $c_t$ keeps its $H$ values (the memory is as wide
# as before), but what leaves the cell, and what feeds back into the gates, is $P$ wide:
# $W_{hh}$ shrinks to $(4H, P)$, `output` and `h_n` have $P$ features, `c_n` keeps $H$. Layer 0
# then has $4H(H_{in} + P + 2) + PH$ parameters per direction.

# %%
# NBVAL_CHECK_OUTPUT
P = 4
proj = nn.LSTM(3, 16, proj_size=P)
print({name: tuple(p.shape) for name, p in proj.named_parameters()})
print(f"parameters: proj_size={P} {count(proj)}, no projection {count(nn.LSTM(3, 16))}")
assert count(proj) == 4 * 16 * (3 + P + 2) + P * 16 == count(nn.LSTM(3, 16)) - 64 * (16 - P) + P * 16
assert count(proj) < count(nn.LSTM(3, 16)) / 2
with warnings.catch_warnings():  # torch notes that its oneDNN CPU kernel has no projection
    warnings.filterwarnings("ignore", message="LSTM with projections")
    output, (h_n, c_n) = proj(torch.randn(7, 2, 3))  # (L, N, H_in)
print(f"output {tuple(output.shape)}, h_n {tuple(h_n.shape)}, c_n {tuple(c_n.shape)}")
assert output.shape == (7, 2, P) and h_n.shape == (1, 2, P) and c_n.shape == (1, 2, 16)

# %% [markdown]
# The new parameter `weight_hr_l0` is $W_{hr}$; `weight_hh_l0` is now $(64, 4)$. The count
# (printed above) is less than half of the unprojected LSTM's: $W_{hh}$ lost
# $64 \cdot (16 - 4) = 768$ entries and $W_{hr}$ added $4 \cdot 16 = 64$. `tslab.cells.LSTM` has
# the same `proj_size`, the same parameter names and shapes, so the state dict moves over, and
# the numbers agree:

# %%
ours_proj = tslab.cells.LSTM(3, 16, proj_size=P)
ours_proj.load_state_dict(proj.state_dict())  # strict: same names, same shapes
x_proj_demo = torch.randn(7, 2, 3)
with torch.no_grad():
    (out_t, (h_t, c_t)), (out_o, (h_o, c_o)) = proj(x_proj_demo), ours_proj(x_proj_demo)
for a, b in ((out_t, out_o), (h_t, h_o), (c_t, c_o)):
    torch.testing.assert_close(b, a, atol=1e-6, rtol=1e-5)
print("tslab.cells.LSTM(proj_size=4) equals nn.LSTM(proj_size=4): output, h_n and c_n")

# %% [markdown]
# ## 5. Inside a trained LSTM: what happens at a spike
#
# We train a small LSTM (8 units) to tell a normal sine from a sine with a spike
# (`make_anomaly_dataset`, notebook 01), using only the **last** hidden state: to answer, the
# LSTM has to notice the spike and *keep* that knowledge until the end of the sequence.
#
# One initialisation detail matters. PyTorch starts all biases near 0, so the forget gate
# starts near $\sigma(0) = 0.5$: the cell halves its memory at every step (section 2). A common
# remedy (Gers et al. 2000; Jozefowicz et al. 2015) is to add 1 to the forget-gate bias, so that
# the cell *remembers by default* and training starts with a usable gradient path. We train
# with and without it.

# %%
data = make_anomaly_dataset(n_samples=1200, seq_len=50, seed=0)
X_all = torch.tensor(data.X).unsqueeze(-1)  # (N, L, 1)
y_all = torch.tensor(data.y)
X_train, y_train, X_test, y_test = X_all[:800], y_all[:800], X_all[800:], y_all[800:]
print("train:", tuple(X_train.shape), " test:", tuple(X_test.shape))

# %% [markdown]
# The model reads only the last hidden state; `forget_bias` is added to the forget-gate rows of
# `bias_ih_l0`:

# %%
class LSTMClassifier(nn.Module):
    """nn.LSTM + linear head on the last hidden state: (N, L, 1) -> (N, 2) logits."""

    def __init__(self, hidden_size: int = 8, forget_bias: float = 0.0):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 2)
        with torch.no_grad():  # gate order i, f, g, o: the forget gate is rows H..2H
            self.lstm.bias_ih_l0[hidden_size : 2 * hidden_size] += forget_bias

    def forward(self, x):
        output, _ = self.lstm(x)  # (N, L, H)
        return self.head(output[:, -1])


# %%
def train_classifier(model, X, y, epochs=20, batch_size=64, lr=1e-2, seed=0):
    """A plain training loop: Adam, cross-entropy, shuffled mini-batches."""
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        for idx in torch.randperm(len(X)).split(batch_size):
            loss = nn.functional.cross_entropy(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


@torch.no_grad()
def accuracy(model, X, y):
    return (model(X).argmax(dim=1) == y).float().mean().item()


# %%
models = {}
for forget_bias in (0.0, 1.0):
    torch.manual_seed(0)
    models[forget_bias] = train_classifier(LSTMClassifier(forget_bias=forget_bias),
                                           X_train, y_train)
    acc = accuracy(models[forget_bias], X_test, y_test)
    print(f"forget bias +{forget_bias:.0f}: test accuracy {acc:.3f}")
model = models[1.0]
assert accuracy(model, X_test, y_test) > 0.95

# %% [markdown]
# Same data, same seed, same number of steps: the only difference is the starting value of
# the forget gate, and the model that starts by remembering learns the task within this budget.
# One caveat: this is a single seed. Another seed or a longer training can narrow the gap (try
# it); the bias makes learning easier, it does not make the task impossible without it.
# We look inside that one. `tslab.cells.lstm_gate_trace` runs the first layer over one sequence
# and records every gate at every step, each as $(L, H)$:

# %%
k = int(torch.nonzero(y_test == 1)[0])  # the first anomaly in the test set
spike = int(data.spike_start[800 + k])
trace = lstm_gate_trace(model.lstm, X_test[k])  # X_test[k]: (L, 1), one unbatched sequence
print({key: tuple(value.shape) for key, value in trace.items()}, " spike starts at step", spike)
assert torch.allclose(trace["h"], model.lstm(X_test[k])[0], atol=1e-6)

# %%
c_jump = (trace["c"][spike + 3] - trace["c"][spike - 1]).abs()  # each cell's change over the spike
unit = int(c_jump.argmax())
steps = torch.arange(len(X_test[k]))
fig, axes = plt.subplots(4, 1, figsize=(9, 8), sharex=True)
axes[0].plot(steps, X_test[k, :, 0], color="black")
axes[0].set_ylabel("input x")
for ax, key, label in zip(axes[1:], "ifc", ("input gate i", "forget gate f", "cell state c")):
    ax.plot(steps, trace[key], color="lightgray", linewidth=1)
    ax.plot(steps, trace[key][:, unit], color="tab:red", linewidth=2, label=f"unit {unit}")
    ax.set_ylabel(label)
for ax in axes:
    ax.axvspan(spike - 0.5, spike + 2.5, color="tab:orange", alpha=0.2)
axes[1].legend(loc="upper left", fontsize=9)
axes[-1].set_xlabel("time step (spike shaded)")
fig.suptitle("Gates of a trained LSTM on one anomaly (all 8 units gray, the most changed in red)")
plt.show()

# %%
before, after, during = slice(0, spike), slice(spike + 3, None), slice(spike, spike + 3)
c_unit, f_unit, i_unit = (trace[key][:, unit] for key in "cfi")
print(f"unit {unit}: cell state before the spike in "
      f"[{c_unit[before].min():.2f}, {c_unit[before].max():.2f}], "
      f"after it in [{c_unit[after].min():.2f}, {c_unit[after].max():.2f}]")
print(f"unit {unit}: forget gate lowest during the spike {f_unit[during].min():.2f}, "
      f"mean after it {f_unit[after].mean():.2f}")
print(f"unit {unit}: input gate mean before the spike {i_unit[before].mean():.2f}, "
      f"highest during it {i_unit[during].max():.2f}, mean after it {i_unit[after].mean():.2f}")
no_overlap = (c_unit[before].max() < c_unit[after].min()
              or c_unit[before].min() > c_unit[after].max())
assert no_overlap and f_unit[during].min() < f_unit[after].mean()

# %% [markdown]
# Read the plot and the printed lines from the top. The cell state of the highlighted unit
# jumps at the spike into a range that does not overlap its range before (first line). The
# forget gate dips only a little (second line: it stays well above 0.5), so the jump is not a
# reset; it comes from the input gate, which opens wider than usual during the spike (third
# line) and writes a large candidate. After the spike the forget gate averages the printed value
# near 1, so the cell loses only a few per cent per step, and the input gate stays partly open:
# the cell keeps being written and drifts further instead of holding one value. What carries
# "there was a spike" to the last step is that the cell never comes back to its old range, which
# the head can read. That is the LSTM's answer to the problem of notebook 02: an additive path
# with a forget gate near 1 keeps a value (and its gradient) alive across many steps.

# %% [markdown]
# ## Explore: hidden size and depth
#
# Each time you release a slider, the explorer trains a small LSTM on the anomaly task (normal
# sine or sine with a spike; about a second on a laptop). It shows the parameter count, the loss
# curves, the predictions and the time taken. The score is the validation accuracy: 1.0 means
# every validation sequence is classified correctly. Try it: how few LSTM units does the task
# need? Each extra layer adds its own `weight_ih` and `weight_hh`; doubling the hidden size
# roughly quadruples `weight_hh`.

# %%
# NBVAL_IGNORE_OUTPUT
from tslab.widgets import make_explorer, static_grid

explorer = make_explorer(task="anomaly", kind="lstm", hidden_size=8)
explorer

# %% [markdown]
# The same explorer driven from code, which is exactly what a slider does: setting a value
# fires the observer, which trains again and updates the text.

# %%
first = explorer.last_result
explorer.hidden_size.value = 32
wider = explorer.last_result
explorer.num_layers.value = 2
deeper = explorer.last_result
for r in (first, wider, deeper):
    print(f"hidden {r.hidden_size:>2}, layers {r.num_layers}: {r.n_params:>6,} parameters, "
          f"{r.metric_name} {r.metric:.3f}")
assert first.n_params < wider.n_params < deeper.n_params
assert explorer.param_count.value == f"Parameters: {deeper.n_params:,}"

# %% [markdown]
# Where widgets do not render (GitHub, a PDF), the same experiment as a table:

# %%
grid = static_grid("anomaly", hidden_sizes=[4, 32], layer_counts=[1, 2], kind="lstm")
best = grid.sort_values(grid.columns[3], ascending=False).iloc[0]
print(f"best on validation: hidden {int(best.hidden_size)}, layers {int(best.num_layers)} "
      f"({int(best.n_params):,} parameters)")
grid

# %% [markdown]
# More parameters cost time on every step; whether they buy a better validation score depends
# on the task and the training budget, which is why we *measure* rather than assume. The
# explorer trains only a few epochs, so small differences here are noise: notebook 05 trains
# properly.

# %% [markdown]
# ## Summary
#
# - An LSTM computes four gates i, f, g, o from $x_t$ and $h_{t-1}$ with one stacked matrix
#   product, then $c_t = f \odot c_{t-1} + i \odot g$ and $h_t = o \odot \tanh(c_t)$.
# - Our three-function cell equals `tslab.cells.LSTMCell`, `nn.LSTMCell` and, looped, `nn.LSTM`.
# - The state is a pair: `(h0, c0)` in, `(h_n, c_n)` out, each
#   $(D \cdot \text{num\_layers}, N, H_{out})$.
# - Four gates, four times the parameters of an RNN of the same `hidden_size`.
# - `proj_size` $= P$ projects $h_t$ to $P$ values with $W_{hr}$ $(P, H)$: `output` and `h_n`
#   get $P$ features, `c_n` keeps $H$, and $W_{hh}$ shrinks to $(4H, P)$.
# - A forget-gate bias of +1 made the LSTM learn the spike task in our budget (one seed);
#   inside it, one unit's cell jumps at the spike and never returns to its old range.

# %% [markdown]
# ## Exercises
#
# Each exercise asks for a small function. `check("03.k", your_function)` runs it on fresh random
# inputs, ones this notebook never showed, and prints "Correct" or "Not yet" with a hint.
#
# 1. **How long does a cell remember?** With the input gate closed ($i_t = 0$) and a constant
#    forget gate $f$ ($0 < f < 1$), how many steps does it take until the cell holds at most half
#    of what it held? Write `half_life(f)` that returns that number (a whole number $\geq 1$).
#    Then compare a fresh LSTM ($f \approx \sigma(0)$) with one whose forget bias is +1
#    ($f \approx \sigma(1)$, section 5).

# %%
def half_life(f):
    """Steps until a cell with a closed input gate and constant forget gate f holds at most half."""
    raise NotImplementedError  # your code here


check("03.1", half_life)

# %% [markdown]
# 2. **Shapes without running it.** Write `lstm_shapes(L, N, H_in, H, num_layers,
#    bidirectional, proj_size)` that returns the shapes of `output`, `h_n` and `c_n` (three tuples)
#    of `nn.LSTM(H_in, H, num_layers=num_layers, bidirectional=bidirectional, proj_size=proj_size)`
#    on an input of shape $(L, N, H_{in})$ (`batch_first=False`; `proj_size=0` means no
#    projection). Work them out from sections 3 and 4: the check does not let you build an LSTM.

# %%
def lstm_shapes(L, N, H_in, H, num_layers, bidirectional, proj_size):
    """(output shape, h_n shape, c_n shape) of nn.LSTM on an (L, N, H_in) input."""
    raise NotImplementedError  # your code here


check("03.2", lstm_shapes)

# %% [markdown]
# 3. **An LSTM that never forgets.** Write `make_remembering(lstm)` that changes only the
#    *biases* of a one-layer `nn.LSTM`, in place, so that its cell state passes through any
#    sequence unchanged: `c_n` equals `c0` whatever the input `x` and `h0`. Which gates must be
#    fully open, which fully closed, and where are their rows in `bias_ih_l0`? (A sigmoid is 1
#    to float precision once its input is above about 17.)

# %%
def make_remembering(lstm):
    """Change lstm's biases in place so that c_n == c0 for any input."""
    raise NotImplementedError  # your code here


check("03.3", make_remembering)
