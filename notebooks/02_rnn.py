# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslab-course/tslab/blob/main/notebooks/02_rnn.ipynb)
#
# # 02 · Recurrent neural networks, by hand
#
# A recurrent neural network (RNN) reads a sequence one step at a time and carries a *hidden
# state* from step to step: a running summary of everything it has read so far. In this notebook
# we write that loop ourselves, check it against PyTorch, learn what each argument of `nn.RNN`
# does to the shapes, and then measure the weakness that motivates the next two notebooks:
# gradients that vanish (or explode) over many steps.
#
# **Learning goals.** After this notebook you can
# - write the RNN recurrence as an equation and as a five-line loop, and verify one step by hand;
# - show that your loop, `tslab.cells.RNN` and `torch.nn.RNN` compute the same numbers;
# - predict the shapes of `output` and `h_n` for every combination of `num_layers`,
#   `bidirectional` and `batch_first`, and of the initial state `h0`;
# - choose a summary of the sequence for a classifier (last step, `h_n`, mean or max pooling);
# - measure vanishing gradients against the time lag, and tame exploding ones with clipping.

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
import copy
import inspect
import math
import warnings

import matplotlib.pyplot as plt
import torch
from torch import nn

import tslab.cells
from tslab.data import make_anomaly_dataset
from tslab.device import get_device, seed_everything
from tslab.exercises import check_function, check_shape, check_value
from tslab.plots import use_course_style

seed_everything(0)
device = get_device()
use_course_style()
# The models here are tiny: one CPU thread is faster than several threads waiting on each other
# (on a busy machine, many times faster). Delete this line for big models.
torch.set_num_threads(1)
print(f"Running on: {device}")

# %% [markdown]
# ## 1. The recurrence
#
# At every time step $t = 1, \dots, L$ the RNN combines the new input $x_t$ with the previous
# hidden state $h_{t-1}$:
#
# $$h_t = \tanh\left(W_{ih}\, x_t + b_{ih} + W_{hh}\, h_{t-1} + b_{hh}\right), \qquad h_0 = 0.$$
#
# | symbol | shape | meaning |
# |---|---|---|
# | $x_t$ | $(H_{in})$ | input at step $t$ |
# | $h_t$ | $(H)$ | hidden state after step $t$ |
# | $W_{ih}$, $b_{ih}$ | $(H, H_{in})$, $(H)$ | input-to-hidden weight and bias |
# | $W_{hh}$, $b_{hh}$ | $(H, H)$, $(H)$ | hidden-to-hidden weight and bias |
#
# The **same** weights are used at every step, so one small set of parameters handles
# sequences of any length. To turn the sequence into a prediction we put an ordinary linear
# *output layer* on a summary of it, most often the last state:
# $\hat{y} = W_{out}\, h_L + b_{out}$ (class scores, or a forecast).
#
# PyTorch keeps two biases, $b_{ih}$ and $b_{hh}$, where one would do; they always appear
# as a sum. We keep both so that our parameters match PyTorch's one for one.

# %% [markdown]
# ### One step, on numbers you can check by hand
#
# Take one input feature ($H_{in} = 1$) and two hidden units ($H = 2$), zero biases:

# %%
def rnn_step(x_t, h, W_ih, W_hh, b_ih, b_hh):
    """One RNN step for one sequence: x_t (H_in,), h (H,) -> (H,)."""
    return torch.tanh(W_ih @ x_t + b_ih + W_hh @ h + b_hh)


W_ih = torch.tensor([[0.5], [-1.0]])  # (H, H_in) = (2, 1)
W_hh = torch.tensor([[0.1, 0.2], [0.0, 0.3]])  # (H, H) = (2, 2)
b_ih = b_hh = torch.zeros(2)
h0 = torch.zeros(2)

h1 = rnn_step(torch.tensor([1.0]), h0, W_ih, W_hh, b_ih, b_hh)
print(h1)

# %% [markdown]
# With $h_0 = 0$ only $W_{ih} x_1 = (0.5, -1.0)$ is left inside the tanh, so
# $h_1 = (\tanh 0.5, \tanh(-1)) \approx (0.4621, -0.7616)$:

# %%
assert torch.allclose(h1, torch.tensor([math.tanh(0.5), math.tanh(-1.0)]))

# %% [markdown]
# The second step, with $x_2 = 2$, now also feeds $h_1$ back through $W_{hh}$:
# the first unit gets $0.5 \cdot 2 + 0.1 \cdot 0.4621 + 0.2 \cdot (-0.7616) = 0.8939$.

# %%
h2 = rnn_step(torch.tensor([2.0]), h1, W_ih, W_hh, b_ih, b_hh)
by_hand = math.tanh(0.5 * 2 + 0.1 * math.tanh(0.5) + 0.2 * math.tanh(-1.0))
print(f"h2[0] = {h2[0]:.4f}, by hand tanh(0.8939) = {by_hand:.4f}")
assert math.isclose(h2[0].item(), by_hand, rel_tol=1e-6)

# %% [markdown]
# ### The loop over time
#
# A whole sequence is just that step in a `for` loop. We keep every hidden state: stacked,
# they form the RNN's `output`, shape $(L, H)$.

# %%
def rnn_forward(x, h, W_ih, W_hh, b_ih, b_hh):
    """x: (L, H_in), h: (H,) -> output (L, H) = every hidden state, and the last one (H,)."""
    outputs = []
    for x_t in x:  # L steps, one after the other
        h = rnn_step(x_t, h, W_ih, W_hh, b_ih, b_hh)
        outputs.append(h)
    return torch.stack(outputs), h


x = torch.tensor([[1.0], [2.0], [-0.5], [0.0]])  # (L, H_in) = (4, 1)
output, h_last = rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh)
print("output:", tuple(output.shape), " h_last:", tuple(h_last.shape))
assert torch.allclose(output[1], h2) and torch.equal(output[-1], h_last)

# %% [markdown]
# The first two rows of `output` are the $h_1$ and $h_2$ we checked by hand, and the last row is
# the final state: the loop is the equation, nothing more.

# %% [markdown]
# ### The same loop in `tslab.cells` and `torch.nn`
#
# `tslab.cells.RNN` is this loop written for speed and for batches: the input part
# $W_{ih} x_t + b_{ih} + b_{hh}$ does not depend on $h$, so it is computed for all $L$ steps at
# once before the loop; each step then needs one matrix product. Here is its step function:

# %%
print(inspect.getsource(tslab.cells.rnn_step))

# %% [markdown]
# With a batch, each $x_t$ is a matrix $(N, H_{in})$ and the products become `x_t @ W_ih.T`,
# which is why the code transposes $W_{hh}$. The line above `def` lists the shapes that agree
# with each other: called by hand, the step refuses a wrong shape or dtype, NaN or inf with an
# error naming the argument; the layer's loop calls `rnn_step.unchecked`, the same function
# without these checks, since the layer checks its input's shapes once, before the loop.
#
# Let us put our hand-made weights into `torch.nn.RNN` and into `tslab.cells.RNN`, under
# PyTorch's parameter names, and compare all three:

# %%
hand_weights = {"weight_ih_l0": W_ih, "weight_hh_l0": W_hh,
                "bias_ih_l0": b_ih, "bias_hh_l0": b_hh}
torch_rnn = nn.RNN(input_size=1, hidden_size=2)
torch_rnn.load_state_dict(hand_weights)
our_rnn = tslab.cells.RNN(input_size=1, hidden_size=2)
our_rnn.load_state_dict(torch_rnn.state_dict())  # a state_dict moves unchanged

torch_out, torch_h_n = torch_rnn(x)  # unbatched input (L, H_in)
our_out, our_h_n = our_rnn(x)
print("torch.nn:", torch_out[-1].detach(), " tslab:", our_out[-1].detach(), " loop:", h_last)
assert torch.allclose(torch_out, output, atol=1e-6)
assert torch.allclose(our_out, output, atol=1e-6)

# %% [markdown]
# Three implementations, one result. From now on we use `nn.RNN` for speed and trust it,
# because we know what it computes. (`tests/test_cells.py` checks the agreement, gradients
# included, for every argument below.)

# %% [markdown]
# ## 2. Every argument of `nn.RNN`, by its shapes
#
# Shapes are where most RNN bugs live. PyTorch's letters: $N$ batch, $L$ sequence length,
# $H_{in}$ input features, $H_{out}$ hidden size, $D = 2$ if bidirectional else 1.
# We run every variant on the same batch of $N = 4$ sequences of length $L = 7$ with
# $H_{in} = 3$ features and $H_{out} = 5$.

# %%
N, L, H_in, H = 4, 7, 3, 5
x = torch.randn(L, N, H_in)  # default layout: time first


def show(rnn, x, h0=None):
    """Run rnn on x and print the shapes that come out."""
    output, h_n = rnn(x, h0)
    print(f"input {tuple(x.shape)} -> output {tuple(output.shape)}, h_n {tuple(h_n.shape)}")
    return output, h_n


# %% [markdown]
# ### Defaults: one layer, one direction, time first

# %%
# NBVAL_CHECK_OUTPUT
output, h_n = show(nn.RNN(H_in, H), x)
assert torch.equal(output[-1], h_n[0])

# %% [markdown]
# `output` holds the hidden state at **every** step, $(L, N, H_{out})$; `h_n` holds only the
# **final** one, with a leading axis of size $D \cdot \text{num\_layers} = 1$. For one layer
# and one direction, `h_n[0]` is exactly `output[-1]`.

# %% [markdown]
# ### `num_layers`: stacked RNNs
#
# Layer 2 reads the sequence of hidden states of layer 1, and so on. `output` comes from the
# top layer only; `h_n` has the final state of every layer.

# %%
# NBVAL_CHECK_OUTPUT
output, h_n = show(nn.RNN(H_in, H, num_layers=3), x)
assert torch.equal(output[-1], h_n[-1])  # the top layer's last step

# %% [markdown]
# ### `bidirectional`: a second RNN reads the sequence backwards
#
# The two directions are concatenated along the feature axis, so the **output width doubles**
# to $D \cdot H_{out} = 10$, and `h_n` gets one entry per direction.

# %%
# NBVAL_CHECK_OUTPUT
output, h_n = show(nn.RNN(H_in, H, bidirectional=True), x)
assert torch.equal(output[-1, :, :H], h_n[0])  # forward direction: finished at the last step
assert torch.equal(output[0, :, H:], h_n[1])  # backward direction: finished at the FIRST step

# %% [markdown]
# Note the second assert: the backward RNN ends its reading at $t = 0$, so its final state sits
# in `output[0]`, not in `output[-1]`. With layers and directions together `h_n` is ordered
# layer by layer, forward then backward: `h_n.view(num_layers, D, N, H_out)`.

# %%
# NBVAL_CHECK_OUTPUT
output, h_n = show(nn.RNN(H_in, H, num_layers=2, bidirectional=True), x)
print("h_n as (num_layers, D, N, H_out):", tuple(h_n.view(2, 2, N, H).shape))

# %% [markdown]
# ### `batch_first`: batch first for input and output, **not** for `h_n`
#
# Most data pipelines (and this course's loaders) give $(N, L, H_{in})$. `batch_first=True`
# accepts that and returns `output` as $(N, L, D \cdot H_{out})$, but `h_n` keeps the layer
# axis first: $(D \cdot \text{num\_layers}, N, H_{out})$.

# %%
# NBVAL_CHECK_OUTPUT
x_bf = x.transpose(0, 1)  # (N, L, H_in)
output, h_n = show(nn.RNN(H_in, H, batch_first=True), x_bf)
assert torch.equal(output[:, -1], h_n[0])

# %% [markdown]
# ### The initial state `h0`
#
# By default $h_0 = 0$. To start from another state, pass `h0` of shape
# $(D \cdot \text{num\_layers}, N, H_{out})$, also with `batch_first=True`:

# %%
# NBVAL_CHECK_OUTPUT
kwargs = dict(num_layers=2, bidirectional=True, batch_first=True)
rnn = nn.RNN(H_in, H, **kwargs)
h0 = torch.zeros(2 * 2, N, H)  # (D * num_layers, N, H_out) = (4, 4, 5)
output, h_n = show(rnn, x_bf, h0)

# %% [markdown]
# A wrong shape is refused. Here `h0` is laid out batch first, $(N, 2, H_{out})$, a common slip
# with `batch_first=True`. `nn.RNN` raises a `RuntimeError` from its shape check;
# `tslab.cells.RNN` raises an error with the same first words that also names the argument and
# its expected layout. Its class, `tslab.cells.InputError`, is both a `RuntimeError` (so code
# written for `nn.RNN` catches it) and a `ValueError` (the course's convention for bad input):

# %%
bad_h0 = torch.zeros(N, 2, H)  # (N, 2, H_out): wrong, should be (D * num_layers, N, H_out)
raised = []
for layer in (nn.RNN(H_in, H, **kwargs), tslab.cells.RNN(H_in, H, **kwargs)):
    try:
        layer(x_bf, bad_h0)
    except (RuntimeError, ValueError) as err:
        raised.append(type(err))
        print(f"{type(layer).__module__}.RNN -> {type(err).__name__}: {err}")
assert raised == [RuntimeError, tslab.cells.InputError]
assert issubclass(tslab.cells.InputError, RuntimeError) and issubclass(tslab.cells.InputError, ValueError)

# %% [markdown]
# ### Unbatched input
#
# A single sequence may come without a batch axis, $(L, H_{in})$; then `h_n` has no batch
# axis either.

# %%
# NBVAL_CHECK_OUTPUT
output, h_n = show(nn.RNN(H_in, H, num_layers=2), x[:, 0])

# %% [markdown]
# ### `dropout`: only *between* layers, only in training
#
# `dropout=p` zeroes each value passed from one layer to the next with probability $p$ during
# training. It is not applied after the last layer, so with `num_layers=1` it does nothing
# (PyTorch warns). In `eval()` mode it is off.

# %%
rnn = nn.RNN(H_in, H, num_layers=2, dropout=0.5)
rnn.train()
assert not torch.equal(rnn(x)[0], rnn(x)[0])  # two different random masks
rnn.eval()
assert torch.equal(rnn(x)[0], rnn(x)[0])  # deterministic
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    nn.RNN(H_in, H, num_layers=1, dropout=0.5)
print("warning:", caught[0].message)

# %% [markdown]
# Two forward passes in training mode differ (new masks each time), in evaluation mode they are
# identical: remember `model.eval()` before you evaluate.

# %% [markdown]
# ### `nonlinearity` and `bias`
#
# `nonlinearity="relu"` replaces tanh by $\max(0, \cdot)$: states are no longer bounded in
# $(-1, 1)$ and never negative. `bias=False` removes $b_{ih}$ and $b_{hh}$.
# Layer 0 has $H_{out}(H_{in} + H_{out} + 2)$ parameters per direction, with biases. Deeper
# layers read the previous layer's output, so $H_{in}$ is replaced by $D \cdot H_{out}$ there.

# %%
# NBVAL_CHECK_OUTPUT
relu_rnn = nn.RNN(H_in, H, nonlinearity="relu")
assert (relu_rnn(x)[0] >= 0).all()
for bias in (True, False):
    rnn = nn.RNN(H_in, H, bias=bias)
    names = [name for name, _ in rnn.named_parameters()]
    n_params = sum(p.numel() for p in rnn.parameters())
    print(f"bias={bias}: {names}, {n_params} parameters")
assert sum(p.numel() for p in nn.RNN(H_in, H).parameters()) == H * (H_in + H + 2)

# %% [markdown]
# ## 3. One vector per sequence: which summary?
#
# A classifier needs one vector per sequence, but the RNN gives $L$ of them. Options:
#
# - **the last step**, `output[:, -1]` (= `h_n[-1]` for one direction): the state after reading
#   everything. It is the natural summary *if* the RNN has learned to keep what matters;
# - **`h_n`** of the top layer: the same as the last step for one direction, and the right choice
#   for a bidirectional RNN, where `output[:, -1]` has a backward half that has read only the
#   last input (check below);
# - **mean or max pooling** over time, `output.mean(dim=1)` or `output.amax(dim=1)`: every step
#   contributes directly, nothing has to survive $L$ steps of recurrence.

# %%
birnn = nn.RNN(H_in, H, bidirectional=True, batch_first=True)
x_changed = x_bf.clone()
x_changed[:, 0] += 1.0  # change only the FIRST input
same_backward_half = torch.equal(birnn(x_bf)[0][:, -1, H:], birnn(x_changed)[0][:, -1, H:])
print("backward half of output[:, -1] unchanged:", same_backward_half)
assert same_backward_half

# %% [markdown]
# The backward half of the last output step did not notice a change at $t = 0$: it has read
# one input only. That is why bidirectional classifiers use `h_n`, not `output[:, -1]`.
#
# Which summary works better? We train the same small RNN classifier four ways (last, `h_n`,
# mean, max) on the anomaly task (normal sine or sine with a spike, notebook 01) with a plain
# loop, same seed, same steps.

# %%
data = make_anomaly_dataset(n_samples=1200, seq_len=50, seed=0)
X_all = torch.tensor(data.X).unsqueeze(-1)  # (N, L, 1): one feature per step
y_all = torch.tensor(data.y)
X_train, y_train, X_test, y_test = X_all[:800], y_all[:800], X_all[800:], y_all[800:]
print("train:", tuple(X_train.shape), " test:", tuple(X_test.shape))
majority = max(y_test.float().mean().item(), 1 - y_test.float().mean().item())
print(f"always answering the majority class scores {majority:.3f} on the test set")

# %% [markdown]
# The classifier: one `nn.RNN`, then a linear head on the chosen summary.

# %%
class RNNClassifier(nn.Module):
    """nn.RNN + linear head on one summary of the output: (N, L, 1) -> (N, 2) logits."""

    def __init__(self, summary: str, hidden_size: int = 16):
        super().__init__()
        self.summary = summary
        self.rnn = nn.RNN(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 2)

    def forward(self, x):
        output, h_n = self.rnn(x)  # output (N, L, H), h_n (1, N, H)
        summaries = {
            "last": output[:, -1],  # (N, H)
            "h_n": h_n[-1],  # (N, H), top layer
            "mean": output.mean(dim=1),  # (N, H), average over the L steps
            "max": output.amax(dim=1),  # (N, H), largest value of each unit over the L steps
        }
        return self.head(summaries[self.summary])


# %%
def train_classifier(model, X, y, epochs=8, batch_size=64, lr=1e-2, seed=0):
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
accuracies = {}
for summary in ("last", "h_n", "mean", "max"):
    torch.manual_seed(0)
    model = train_classifier(RNNClassifier(summary), X_train, y_train)
    accuracies[summary] = accuracy(model, X_test, y_test)
    print(f"summary={summary:<5} test accuracy {accuracies[summary]:.3f}")
assert accuracies["last"] == accuracies["h_n"]  # the same vector for a one-direction RNN
assert accuracies["max"] > accuracies["last"]
assert accuracies["last"] < majority + 0.05  # no better than guessing

# %% [markdown]
# "last" and "h_n" are the same vector, hence the same accuracy, and it is chance level: no
# better than always answering the majority class (printed above). Max pooling wins clearly on this
# task, and it is no mystery why: a spike is a *maximum*, and `amax` over time sees it at the
# step where it happens. Mean pooling lands in between: every step contributes, but a spike of
# a few steps moves an average over 50 steps only a little. The last state instead must *carry*
# the news of a spike for up to 40 steps, through the recurrence; after this short training it
# has not learned to. Which summary is best depends on the task; the next section measures why
# carrying is hard.

# %% [markdown]
# ## 4. Vanishing and exploding gradients, measured
#
# Training needs $\partial \text{loss} / \partial x_t$ for early steps $t$. By the chain rule it
# passes through every step in between:
#
# $$\frac{\partial h_L}{\partial h_t} = \prod_{k=t+1}^{L} \frac{\partial h_k}{\partial h_{k-1}}
#   = \prod_{k=t+1}^{L} \operatorname{diag}\!\left(1 - h_k^2\right) W_{hh}.$$
#
# A product of $L - t$ matrices shrinks geometrically when their norms are below 1
# (**vanishing**) and grows geometrically above 1 (**exploding**). We measure it: run a model
# on random input, back-propagate from the last output $h_L$, and read the gradient norm of
# each input $x_t$ against the lag $L - t$.

# %%
def gradient_vs_lag(model, L=80, N=32, seed=0):
    """Norm of d(sum of h_L)/d(x_t) for each lag L - t: returns (L,), index = lag."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(L, N, 1, generator=gen, requires_grad=True)
    output, _ = model(x)
    output[-1].sum().backward()
    return x.grad.norm(dim=(1, 2)).flip(0)  # flip: index 0 = last step, lag 0


torch.manual_seed(0)
models = {
    "RNN tanh": nn.RNN(1, 32),
    "RNN relu": nn.RNN(1, 32, nonlinearity="relu"),
    "LSTM": nn.LSTM(1, 32),
    "GRU": nn.GRU(1, 32),
}
lstm_open = copy.deepcopy(models["LSTM"])
with torch.no_grad():
    lstm_open.bias_ih_l0[32:64] += 3.0  # forget-gate bias +3: f starts near sigmoid(3) = 0.95
models["LSTM, forget bias +3"] = lstm_open
grads = {name: gradient_vs_lag(model) for name, model in models.items()}
for name, g in grads.items():
    print(f"{name:<22} lag 0: {g[0]:.1e}   lag 20: {g[20]:.1e}   lag 60: {g[60]:.1e}")

# %%
fig, ax = plt.subplots(figsize=(9, 4))
for name, g in grads.items():
    ax.semilogy(g.masked_fill(g == 0, float("nan")), label=name)  # log scale: hide exact zeros
ax.set(xlabel="lag L - t (steps back from the end)", ylabel="‖∂h_L / ∂x_t‖",
       title="Gradient reaching earlier inputs, random initialisation")
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# At initialisation **all four default models vanish**: PyTorch starts the gates of an LSTM or
# GRU half open, so their memory leaks too. (The ReLU curve stops where the gradient is exactly
# zero.) The difference is that an LSTM *can* keep its memory: its cell state is updated
# additively, $c_t = f_t \odot c_{t-1} + \dots$, and when the forget gate $f_t$ is near 1 the
# gradient passes through almost unchanged. With a forget-gate bias of +3 the gradient does not
# vanish at all: it stays above a tenth of its lag-0 value out to lag 60 (asserted below; in the
# printed run it even grows with the lag), where every default model has lost ten orders of
# magnitude or more. We do not claim more than "it does not vanish": the growth is a property of
# this random network, plausibly because an early input reaches $h_L$ along many paths (it also
# changes $h_t$, which feeds every later gate), and with $f \approx 0.95$ these contributions are
# carried forward instead of dying out. A plain RNN has no such gate: its only path back is
# through $W_{hh}$ and the tanh. Notebook 03 builds the LSTM.

# %%
for name, g in grads.items():
    if name.startswith("LSTM, forget"):
        assert g[60] > 0.1 * g[0]
    else:
        assert g[60] < 1e-10 * g[0]

# %% [markdown]
# ### Exploding gradients and clipping
#
# The other side: make $W_{hh}$ large (orthogonal, scaled by 3) and the product grows
# geometrically. The tanh keeps the *states* bounded, but the *gradient* explodes. We train a
# small RNN to recall the first input of a 60-step sequence with plain SGD, once as is and once
# with `torch.nn.utils.clip_grad_norm_`, which rescales the whole gradient whenever its norm
# exceeds `max_norm` (and returns the norm it found).

# %%
class Recall(nn.Module):
    """An RNN with a large recurrent weight + a head on the last step: (L, N, 1) -> (N, 1)."""

    def __init__(self, gain: float = 3.0):
        super().__init__()
        self.rnn = nn.RNN(1, 32)
        self.head = nn.Linear(32, 1)
        with torch.no_grad():
            nn.init.orthogonal_(self.rnn.weight_hh_l0, gain=gain)

    def forward(self, x):
        return self.head(self.rnn(x)[0][-1])


torch.manual_seed(0)
x_seq = torch.randn(60, 32, 1)  # (L, N, 1)
target = x_seq[0]  # recall the first value, (N, 1)
start = Recall()
print("input:", tuple(x_seq.shape), " target:", tuple(target.shape))

# %%
def train_sgd(model, max_norm, steps=20, lr=0.05):
    """SGD on the recall task; returns the loss and the gradient norm before clipping, per step."""
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    losses, norms = [], []
    for _ in range(steps):
        loss = nn.functional.mse_loss(model(x_seq), target)
        opt.zero_grad()
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        opt.step()
        losses.append(loss.item())
    return losses, norms


# %%
losses_raw, norms_raw = train_sgd(copy.deepcopy(start), max_norm=float("inf"))  # no clipping
losses_clip, norms_clip = train_sgd(copy.deepcopy(start), max_norm=1.0)
print(f"gradient norm at the first step: {norms_raw[0]:.1e}")
print(f"loss after 20 steps: without clipping {losses_raw[-1]:.3g}, "
      f"with clipping {losses_clip[-1]:.3g}")
assert losses_raw[-1] > 100 * losses_clip[-1]

# %%
fig, ax = plt.subplots(figsize=(9, 3.5))
ax.semilogy(losses_raw, "o-", label="no clipping")
ax.semilogy(losses_clip, "o-", label="clip_grad_norm_(max_norm=1)")
ax.set(xlabel="SGD step", ylabel="training loss (MSE)",
       title="Exploding gradients: SGD with and without clipping")
ax.legend()
plt.show()

# %% [markdown]
# The first gradient is enormous (printed above). Without clipping, every SGD step follows it
# and the loss grows by a roughly constant factor per step, many orders of magnitude in 20
# steps. With clipping each step moves the weights by at most `lr × max_norm`, and the loss
# stays where it started. Clipping keeps training *stable*; it does not make the network
# *remember* 60 steps back. `tslab.train.fit` clips at norm 1 by default.

# %% [markdown]
# ## Explore: hidden size and depth
#
# Each time you release a slider, the explorer trains a small RNN to forecast the next value of
# the trend + season + noise series (about a second on a laptop). It shows the parameter count,
# the loss curves, the predictions and the time taken. The score is the validation MSE divided
# by the noise variance: 1.0 is the best possible, the noise floor of notebook 01, and lower is
# better. Try it: how much does a plain RNN gain from width, and how much from depth? Each extra
# layer adds its own `weight_ih` and `weight_hh`; doubling the hidden size roughly quadruples
# `weight_hh`.

# %%
# NBVAL_IGNORE_OUTPUT
from tslab.widgets import make_explorer, static_grid

explorer = make_explorer(task="forecast", kind="rnn", hidden_size=8)
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
grid = static_grid("forecast", hidden_sizes=[4, 32], layer_counts=[1, 2], kind="rnn")
best = grid.sort_values(grid.columns[3], ascending=True).iloc[0]
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
# - An RNN applies one step, $h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})$, in a
#   loop; we checked a step by hand and the loop against `tslab.cells.RNN` and `nn.RNN`.
# - `output` is every step of the top layer, $(L, N, D \cdot H_{out})$ (or $(N, L, \cdot)$ with
#   `batch_first`); `h_n` and `h0` are $(D \cdot \text{num\_layers}, N, H_{out})$ always.
#   A bidirectional backward direction ends at `output[0]`.
# - Dropout acts between layers in training mode only.
# - Gradients through the recurrence shrink or grow geometrically with the lag. Clipping fixes
#   explosions; vanishing needs a different cell: the LSTM (notebook 03) and GRU (notebook 04).
#
# ## Exercises
#
# 1. **Shapes.** For `nn.RNN(input_size=2, hidden_size=8, num_layers=2, bidirectional=True,
#    batch_first=True)` and an input of shape `(16, 30, 2)`, what are the shapes of `output`
#    and `h_n`? Write them as tuples, then check by running the layer.
# 2. **Count.** How many parameters does `nn.RNN(3, 10, num_layers=2)` have? Compute by hand.
# 3. **Batched step.** Write `batched_rnn_step(x_t, h, W_ih, W_hh, b_ih, b_hh)` for a batch:
#    `x_t (N, H_in)`, `h (N, H)` → `(N, H)`.
# 4. **Gain.** Re-run the gradient measurement with `nn.init.orthogonal_(W_hh, gain=g)` for
#    g = 0.5, 1, 1.5. Where does the curve turn from vanishing to exploding?

# %%
output_shape = None  # exercise 1, e.g. (16, 30, 8)
h_n_shape = None
_ = check_shape("output_shape", output_shape, (16, 30, 16))
_ = check_shape("h_n_shape", h_n_shape, (4, 16, 8))

n_params = None  # exercise 2
n_expected = sum(p.numel() for p in nn.RNN(3, 10, num_layers=2).parameters())
_ = check_value("n_params", n_params, n_expected,
                hint="Layer 2 reads the 10 hidden features of layer 1, not the 3 inputs.")

batched_rnn_step = None  # exercise 3: def batched_rnn_step(x_t, h, W_ih, W_hh, b_ih, b_hh): ...
cases = [(torch.randn(4, 3), torch.randn(4, 5), torch.randn(5, 3), torch.randn(5, 5),
          torch.randn(5), torch.randn(5))]
_ = check_function(
    "batched_rnn_step", batched_rnn_step,
    lambda x_t, h, W_ih, W_hh, b_ih, b_hh: torch.tanh(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh),
    cases,
)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. `output_shape = (16, 30, 16)`: batch first, and the width doubles to $2 \cdot 8$.
#    `h_n_shape = (4, 16, 8)`: $D \cdot \text{num\_layers} = 4$ first, whatever `batch_first` says.
# 2. Layer 1: $10 \cdot 3 + 10 \cdot 10 + 2 \cdot 10 = 150$; layer 2 reads 10 features:
#    $10 \cdot 10 + 10 \cdot 10 + 20 = 220$; `n_params = 370`.
# 3. ```python
#    def batched_rnn_step(x_t, h, W_ih, W_hh, b_ih, b_hh):
#        return torch.tanh(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh)  # (N, H)
#    ```
# 4. At gain 0.5 the curve falls fast; at gain 1 it falls much more slowly; at 1.5 it rises
#    with the lag (exploding). The tanh's slope $1 - h^2 \le 1$ pulls the curve down, so for a
#    tanh RNN the turning point lies a little above gain 1.
#
# </details>
