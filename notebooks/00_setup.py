# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tslab-course/tslab/blob/main/notebooks/00_setup.ipynb)
#
# # 00 · Setup: your machine, your device, your seed
#
# Before any recurrent network, three questions every later notebook depends on:
# *what is installed*, *where does the arithmetic run* (CPU or GPU), and *will I get the same
# numbers twice*.
#
# **Learning goals.** After this notebook you can
# - read an environment report and tell whether PyTorch sees a GPU;
# - write device-agnostic code: one `device` variable, no `"cuda"` typed anywhere else;
# - explain why we seed, what seeding does and does not guarantee, and check it with an `assert`;
# - switch Colab to a GPU runtime.

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
import os

import torch

from tslab.device import environment_report, get_device, seed_everything

seed_everything(0)
device = get_device()
print(f"Running on: {device}")

# %% [markdown]
# ## 1. What is installed
#
# `environment_report()` collects the versions and the hardware in one place. When you ask for
# help on a forum, paste this table: half of all "it does not work" questions are answered by it.

# %%
report = environment_report()
width = max(map(len, report))
for key, value in report.items():
    print(f"{key:<{width}}  {value}")

# %% [markdown]
# The line `device` tells you where the course will train. On a laptop it is usually `cpu`; on
# Colab with a GPU runtime it is `cuda`; on an Apple-silicon Mac it may be `mps`. Every notebook
# runs on any of them, unchanged.

# %% [markdown]
# ## 2. Choosing the device
#
# `get_device()` decides in this order:
#
# 1. an explicit argument, `get_device("cpu")`;
# 2. the environment variable `TSLAB_DEVICE` (set it before starting Jupyter to force a device);
# 3. CUDA if PyTorch sees an NVIDIA GPU, else Apple's MPS, else the CPU.
#
# Asking for a device this machine does not have is an error with a clear message, not a
# silent fallback:

# %%
print(get_device("cpu"))
try:
    get_device("tpu")
except ValueError as err:
    print("ValueError:", err)

# %% [markdown]
# ### The device-agnostic pattern
#
# Pick the device **once**, in the setup cell, and move both the model and every batch to it.
# Tensors on different devices cannot meet in one operation, so forgetting one `.to(device)`
# is the most common GPU error ("Expected all tensors to be on the same device").

# %%
model = torch.nn.Linear(3, 1).to(device)
x = torch.randn(4, 3).to(device)  # a batch of N=4 samples with 3 features
y = model(x)
print(y.shape, y.device)
assert y.device.type == device.type

# %% [markdown]
# The model's parameters know where they live, so a helper can always ask the model instead of
# hard-coding a device: `next(model.parameters()).device`. That is what `tslab` does inside.

# %%
assert next(model.parameters()).device.type == device.type

# %% [markdown]
# ## 3. Seeding: the same numbers twice
#
# Training starts from random weights and visits mini-batches in a random order. Fixing the
# *seed* of every random number generator (Python's, NumPy's and PyTorch's on every device)
# makes a run repeatable: you can change one thing and know that the difference you see comes
# from that change, not from luck.

# %%
def tiny_run(seed: int) -> torch.Tensor:
    """Initialise a small RNN on `device` and run it on random input: every number is 'random'."""
    seed_everything(seed)
    rnn = torch.nn.RNN(input_size=1, hidden_size=4, batch_first=True).to(device)
    x = torch.randn(2, 5, 1, device=device)  # (N, L, H_in), made directly on the device
    output, h_n = rnn(x)
    return h_n


first, second = tiny_run(0), tiny_run(0)
other = tiny_run(1)
print("same seed, same numbers:     ", torch.equal(first, second))
print("different seed, same numbers:", torch.equal(first, other))
assert torch.equal(first, second) and not torch.equal(first, other)

# %% [markdown]
# Two runs with seed 0 agree bit for bit; seed 1 gives other numbers. What seeding does **not**
# promise: the same numbers on a *different* machine, PyTorch version or device. GPUs use
# other algorithms than CPUs, and cuDNN's recurrent kernels are not bit-for-bit deterministic
# with dropout or several layers. `seed_everything` switches on the deterministic settings that
# exist (cuDNN deterministic mode, `CUBLAS_WORKSPACE_CONFIG` set before CUDA starts), which is
# why results in this course repeat on one machine but may differ in the last digits elsewhere.

# %%
print("cuDNN deterministic:", torch.backends.cudnn.deterministic)
print("CUBLAS_WORKSPACE_CONFIG:", os.environ.get("CUBLAS_WORKSPACE_CONFIG"))

# %% [markdown]
# ## 4. A GPU on Colab
#
# Open any notebook of the course with its **Open in Colab** badge. The first code cell installs
# `tslab` there (and nothing else: Colab's own PyTorch stays). Then:
#
# 1. *Runtime → Change runtime type → Hardware accelerator: GPU (T4)* → Save;
# 2. *Runtime → Run all*.
#
# The setup cell then prints `Running on: cuda`. Nothing else changes: the same code runs on
# both. Do the small models of this course get faster on a GPU? Often not much: a recurrent
# network processes one time step after the other, and with a few thousand parameters the GPU
# waits on Python more than it computes. Try it: run notebook 05 on both runtimes and compare
# the training times it prints.

# %% [markdown]
# ### What a GPU changes
#
# Two things, measured by the next cell when a CUDA GPU is there (on a CPU it says it skipped):
#
# - **Speed of the fused kernels.** `torch.nn.LSTM` on a GPU runs NVIDIA's cuDNN kernel, which
#   fuses the four gates of every step; the `tslab.cells.LSTM` we write in notebook 03 launches
#   one small operation after the other. Same weights, same outputs (up to float rounding),
#   different speed.
# - **Mixed precision.** Inside `torch.autocast`, matrix products run in float16, which a GPU's
#   tensor cores compute much faster; the outputs differ from float32 in the third or fourth digit.

# %%
import time


def forward_backward_ms(module: torch.nn.Module, x: torch.Tensor, repeats: int = 20) -> float:
    """Mean milliseconds of one forward + backward pass on the GPU (after a warm-up)."""
    for _ in range(3):
        module(x)[0].sum().backward()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        module(x)[0].sum().backward()
    torch.cuda.synchronize()
    return (time.perf_counter() - start) / repeats * 1000


if device.type == "cuda":
    from tslab.cells import LSTM as HandWrittenLSTM

    seed_everything(0)
    x = torch.randn(256, 50, 8, device=device)  # (N, L, H_in)
    fused = torch.nn.LSTM(8, 64, batch_first=True).to(device)
    hand = HandWrittenLSTM(8, 64, batch_first=True).to(device)
    hand.load_state_dict(fused.state_dict())  # the same weights in both
    ms_fused, ms_hand = forward_backward_ms(fused, x), forward_backward_ms(hand, x)
    print(f"forward + backward, N=256 L=50 H=64: cuDNN {ms_fused:.1f} ms, hand-written {ms_hand:.1f} ms "
          f"({ms_hand / ms_fused:.1f}x)")
    with torch.no_grad():
        out32, _ = fused(x)
        with torch.autocast("cuda", dtype=torch.float16):
            out16, _ = fused(x)
    gap = (out16.float() - out32).abs().max().item()
    print(f"mixed precision: output dtype {out16.dtype}, largest difference to float32 {gap:.1e}")
    assert out16.dtype == torch.float16 and gap < 0.05  # close, not equal
else:
    print(f"skipped: no CUDA GPU here (device = {device}). On a GPU this cell times cuDNN's LSTM "
          "against the hand-written one and compares mixed precision with float32.")

# %% [markdown]
# ## Summary
#
# - `environment_report()` shows versions and hardware; `get_device()` picks CUDA → MPS → CPU,
#   overridable by an argument or `TSLAB_DEVICE`.
# - Move the model and each batch to `device`; never type `"cuda"` elsewhere.
# - `seed_everything(seed)` makes a run repeat exactly on the same machine; we checked it with
#   an `assert`.
#
# ## Exercises
#
# 1. **Where does it run?** Set `my_device` to the device that `tiny_run` used on this machine,
#    as a string (`"cpu"`, `"cuda"` or `"mps"`).
# 2. **Seeds.** Call `tiny_run(7)` twice and `tiny_run(8)` once. Which pairs agree? Predict,
#    then check.
# 3. **Force the CPU.** Restart the kernel with `TSLAB_DEVICE=cpu` in the environment (or pass
#    `get_device("cpu")`) and re-run the notebook. What changes in the report?

# %%
from tslab.exercises import check_value

my_device = None  # exercise 1: your answer here, e.g. "cpu"
_ = check_value("my_device", my_device, tiny_run(0).device.type, hint="Look at the 'device' line of the report.")

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. `my_device = device.type` (`tiny_run` builds its RNN on `device`): on a laptop usually `"cpu"`,
#    on a Colab GPU runtime `"cuda"`.
# 2. The two `tiny_run(7)` calls agree exactly (`torch.equal` is `True`); `tiny_run(8)` differs.
# 3. `device` becomes `cpu` and `device name` shows the processor. On a machine without a GPU
#    nothing else changes. On a GPU machine the numbers change in their last digits (CPU and GPU
#    use different kernels), but they still repeat from run to run on the CPU.
#
# </details>
