"""Hand-written RNN, LSTM and GRU: drop-in equals of ``torch.nn``, in plain tensor operations.

Every class here has the same constructor arguments (positional order included), parameter
names, gate order, initialisation and forward signature as its ``torch.nn`` namesake, so a
``state_dict`` moves between the two unchanged::

    ours = tslab.cells.LSTM(1, 16, num_layers=2)
    ours.load_state_dict(torch.nn.LSTM(1, 16, num_layers=2).state_dict())

What is covered, each checked against ``torch.nn`` in ``tests/test_cells*.py`` (outputs, final
states and gradients; the samples of PyTorch's own ``module_db`` tests included): cells and
layers; several layers, ``bidirectional``, ``batch_first``, ``dropout``, no ``bias``; unbatched
input; ``PackedSequence`` input and output; LSTM ``proj_size``; ``all_weights``; output dtypes
under CPU ``torch.autocast``. A wrong shape or dtype raises `InputError`, which both
``except ValueError`` and ``except RuntimeError`` (what code written for ``torch.nn`` catches)
catch. Not covered: TorchScript, and ``torch.nn``'s fused cuDNN kernels (ours are the same
maths, step by step, on any device).

Only matrix products (``F.linear``, ``torch.addmm``), ``torch.sigmoid``, ``torch.tanh`` and
``torch.relu`` are used: no fused recurrent kernels.

Shapes use PyTorch's letters: ``N`` batch, ``L`` sequence length, ``H_in`` input features,
``H`` hidden size, ``H_out`` (= ``proj_size`` if set, else ``H``) size of the returned hidden
state, ``D`` = 2 if bidirectional else 1, ``G`` number of gates (1 for RNN, 4 for LSTM, 3 for
GRU).

How a layer is read, top to bottom (each piece a short function):

1. **One step of a cell**: `rnn_step`, `lstm_step`, `gru_step`, with the equations.
2. **One layer over time**: `run_over_time` loops the step over the time steps of one
   direction. The input part of every gate, ``W_ih x_t + b_ih``, does not depend on the
   previous state, so it is computed for all steps at once before the loop; inside the loop one
   ``torch.addmm`` per step adds the hidden part ``h_{t-1} W_hh^T``.
3. **Stacking and directions**: `_RecurrentBase._run_layers` feeds each layer's output (both
   directions side by side) to the next layer.
4. **Packing**: `_RecurrentBase._unpack` / `_pack` turn a padded tensor or a
   ``PackedSequence`` into time-major steps and back.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from functools import partial
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

__all__ = [
    "InputError",
    "rnn_step",
    "lstm_step",
    "gru_step",
    "run_over_time",
    "RNNCell",
    "LSTMCell",
    "GRUCell",
    "RNN",
    "LSTM",
    "GRU",
    "lstm_gate_trace",
]

State = tuple[Tensor, ...]  # (h,) for RNN and GRU, (h, c) for LSTM


class InputError(ValueError, RuntimeError):
    """A forward input or state of the wrong shape or dtype.

    ``torch.nn`` raises ``RuntimeError`` for most of these and ``ValueError`` for some; this
    class derives from both, so ``except RuntimeError`` and ``except ValueError`` written for
    ``torch.nn`` both catch it. The message names the argument, the expected and the received
    shape (or dtype).
    """


# ---------------------------------------------------------------------------------------------
# 1. One time step. ``x_proj`` is the input projection W_ih x_t + b_ih, computed before the loop;
# ``w_hh_T`` is W_hh transposed once, shape (H_out, G*H), so that h @ w_hh_T is (N, G*H).
# ---------------------------------------------------------------------------------------------


def rnn_step(x_proj: Tensor, h: Tensor, w_hh_T: Tensor, nonlinearity: str = "tanh") -> Tensor:
    """One Elman RNN step: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)``.

    Args:
        x_proj: ``(N, H)``, the input projection ``W_ih x + b_ih + b_hh`` (both biases folded in,
            they are constant over time).
        h: ``(N, H)``, previous hidden state.
        w_hh_T: ``(H, H)``, the transposed hidden-to-hidden weight.
        nonlinearity: ``"tanh"`` or ``"relu"``.

    Returns:
        ``(N, H)``, the new hidden state.
    """
    pre = torch.addmm(x_proj, h, w_hh_T)  # (N, H) = x_proj + h @ W_hh^T
    return torch.tanh(pre) if nonlinearity == "tanh" else torch.relu(pre)


def lstm_step(
    x_proj: Tensor, h: Tensor, c: Tensor, w_hh_T: Tensor, w_hr_T: Tensor | None = None
) -> tuple[Tensor, Tensor]:
    """One LSTM step, gate order i, f, g, o as in PyTorch::

        i, f, o = sigmoid(...), g = tanh(...)     (each W_i* x + b_i* + W_h* h + b_h*)
        c' = f * c + i * g
        h' = o * tanh(c')                         (proj_size = 0)
        h' = W_hr (o * tanh(c'))                  (proj_size = P > 0: h' is projected to P values)

    Args:
        x_proj: ``(N, 4*H)``, the input projection ``W_ih x + b_ih + b_hh``.
        h: ``(N, H_out)``, previous hidden state (``H_out = P`` with a projection).
        c: ``(N, H)``, previous cell state (never projected).
        w_hh_T: ``(H_out, 4*H)``, the transposed hidden-to-hidden weight.
        w_hr_T: ``(H, P)``, the transposed projection weight, or None.

    Returns:
        ``(h', c')``, ``(N, H_out)`` and ``(N, H)``.
    """
    i, f, g, o = lstm_gates(x_proj, h, w_hh_T)
    c = f * c + i * g  # forget some of the old memory, write some new
    h = o * torch.tanh(c)  # expose a squashed, gated view of the memory
    if w_hr_T is not None:
        h = h @ w_hr_T  # (N, H) -> (N, P): a smaller hidden state goes out and comes back in
    return h, c


def lstm_gates(x_proj: Tensor, h: Tensor, w_hh_T: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """The four LSTM gate activations ``(i, f, g, o)``, each ``(N, H)``; arguments as in `lstm_step`."""
    gates = torch.addmm(x_proj, h, w_hh_T)  # (N, 4*H), all four gates in one product
    i, f, g, o = gates.chunk(4, dim=1)  # each (N, H)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)


def gru_step(x_proj: Tensor, h: Tensor, w_hh_T: Tensor, b_hh: Tensor | None) -> Tensor:
    """One GRU step, gate order r, z, n, with PyTorch's candidate state::

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
        z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
        h' = (1 - z) * n + z * h

    The reset gate multiplies the hidden projection *after* the matrix product (Cho et al. 2014
    apply it before, to ``h``).

    Args:
        x_proj: ``(N, 3*H)``, the input projection ``W_ih x + b_ih`` (``b_hh`` cannot be folded
            in, because ``b_hn`` sits inside ``r * (...)``).
        h: ``(N, H)``, previous hidden state.
        w_hh_T: ``(H, 3*H)``, the transposed hidden-to-hidden weight.
        b_hh: ``(3*H,)`` or ``None`` when the layer has no bias.

    Returns:
        ``(N, H)``, the new hidden state.
    """
    h_proj = torch.addmm(b_hh, h, w_hh_T) if b_hh is not None else h @ w_hh_T  # (N, 3*H)
    x_rz, x_n = x_proj.split(2 * h.shape[1], dim=1)  # (N, 2*H), (N, H)
    h_rz, h_n = h_proj.split(2 * h.shape[1], dim=1)
    r, z = torch.sigmoid(x_rz + h_rz).chunk(2, dim=1)  # reset and update gates, each (N, H)
    n = torch.tanh(x_n + r * h_n)  # candidate state
    return n + z * (h - n)  # = (1 - z) * n + z * h: keep the old state where z is near 1


# ---------------------------------------------------------------------------------------------
# 2. One layer, one direction, over time: padded (every step has all N sequences) or packed
# (step t has the first N_t sequences, sorted by decreasing length).
# ---------------------------------------------------------------------------------------------


def run_over_time(
    step: Callable[[Tensor, State], State], x_proj: Sequence[Tensor], state: State, reverse: bool = False
) -> tuple[list[Tensor], State]:
    """Run ``step`` over the time steps of one direction of one layer.

    Args:
        step: one time step, ``(x_proj_t, state) -> new state`` (a cell's equations).
        x_proj: the input projection at every step; ``x_proj[t]`` is ``(N_t, G*H)``, the
            ``N_t`` sequences still running at step ``t``. ``N_t`` never grows with ``t``
            (sequences sorted by decreasing length, as in a ``PackedSequence``); for a padded
            batch every ``N_t = N``.
        state: the initial state, each part ``(N, .)``.
        reverse: read the sequences back to front. Each sequence then starts at its own last
            valid step, from its own initial state.

    Returns:
        ``(outputs, final)``: ``outputs[t]`` is the hidden state at step ``t``, ``(N_t, H_out)``;
        ``final`` is each sequence's state after its own last valid step (forward) or after
        step 0 (reverse), each part ``(N, .)``.
    """
    outputs = []
    if not reverse:
        finished: list[State] = []  # states of sequences that have ended, in the order they ended
        for x_t in x_proj:
            n_t = x_t.shape[0]
            if n_t < state[0].shape[0]:  # the last rows ended at the previous step: keep them
                finished.append(tuple(s[n_t:] for s in state))
                state = tuple(s[:n_t] for s in state)
            state = step(x_t, state)
            outputs.append(state[0])
        # rows ended later sit higher up (longer sequences come first): put them back in order
        final = tuple(torch.cat(parts) for parts in zip(state, *reversed(finished))) if finished else state
        return outputs, final
    initial = state
    state = tuple(s[: x_proj[-1].shape[0]] for s in initial)
    for x_t in reversed(x_proj):
        n_t = x_t.shape[0]
        if n_t > state[0].shape[0]:  # longer sequences join here, at their last valid step
            state = tuple(torch.cat([s, s0[s.shape[0] : n_t]]) for s, s0 in zip(state, initial))
        state = step(x_t, state)
        outputs.append(state[0])
    outputs.reverse()  # so that outputs[t] belongs to input step t in both directions
    return outputs, state


# ---------------------------------------------------------------------------------------------
# Argument and shape checks, shared by cells and layers.
# ---------------------------------------------------------------------------------------------


def _check_sizes(input_size: int, hidden_size: int) -> None:
    """Raise like ``torch.nn`` for bad constructor sizes, naming the argument."""
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero, got {value}")


def _check_bool(name: str, value: bool) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")


def _check_nonlinearity(nonlinearity: str) -> None:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(
            f"Unknown nonlinearity {nonlinearity!r}. Select from 'tanh' or 'relu'."
        )


def _check_dtype(owner: str, input: Tensor, weight: Tensor) -> None:
    """Input and weights must share a dtype, except under ``torch.autocast`` (as in ``torch.nn``)."""
    if input.dtype != weight.dtype and not torch.is_autocast_enabled(input.device.type):
        raise InputError(
            f"{owner}: RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
            f"Convert input: input.to({weight.dtype}), or convert model: model.to({input.dtype})"
        )


def _as_state(hx: Tensor | tuple[Tensor, ...] | None, n_states: int, owner: str) -> State | None:
    """``hx`` as a tuple of tensors: ``(h,)`` for RNN/GRU, ``(h, c)`` for LSTM."""
    if hx is None:
        return None
    if n_states == 1:
        if not isinstance(hx, Tensor):
            raise TypeError(f"{owner}: hx must be a Tensor or None, got {type(hx).__name__}")
        return (hx,)
    if not (isinstance(hx, (tuple, list)) and len(hx) == 2 and all(isinstance(t, Tensor) for t in hx)):
        raise TypeError(
            f"{owner}: hx must be a tuple (h_0, c_0) of two Tensors or None, got {type(hx).__name__}"
        )
    return tuple(hx)


def _init_uniform(module: nn.Module, hidden_size: int) -> None:
    """PyTorch's initialisation: every parameter ~ U(-1/sqrt(H), 1/sqrt(H)), in registration order."""
    bound = 1.0 / math.sqrt(hidden_size)
    for param in module.parameters():
        nn.init.uniform_(param, -bound, bound)


# Output dtypes of torch.nn's modules under CPU autocast (bfloat16), measured on torch 2.13 and
# checked by tests/test_cells.py: some of torch's kernels return the low precision (RNN, LSTM on
# a padded batch, RNNCell), the others the input's dtype; an LSTM with a projection returns
# output and h_n in the low precision and c_n in the input's dtype.
_CPU_AUTOCAST_KEEPS_INPUT_DTYPE = ("GRU", "LSTMCell", "GRUCell")


def _autocast_dtypes(
    owner: str, outputs: State, input_dtype: torch.dtype, device_type: str, proj: bool = False, packed: bool = False
) -> State:
    """Cast ``outputs`` to the dtypes ``torch.nn`` returns under CPU ``torch.autocast``; else unchanged."""
    if device_type != "cpu" or not torch.is_autocast_enabled("cpu"):
        return outputs
    keep = owner in _CPU_AUTOCAST_KEEPS_INPUT_DTYPE or (owner == "LSTM" and packed and not proj)
    dtypes = [input_dtype if keep else torch.get_autocast_dtype("cpu")] * len(outputs)
    if owner == "LSTM" and proj:
        dtypes[-1] = input_dtype  # c_n
    return tuple(t.to(d) for t, d in zip(outputs, dtypes, strict=True))


# ---------------------------------------------------------------------------------------------
# Cells: one time step, input (N, H_in) or unbatched (H_in).
# ---------------------------------------------------------------------------------------------


class _CellBase(nn.Module):
    """Parameters and input checks shared by `RNNCell`, `LSTMCell` and `GRUCell`.

    Parameters (same names and shapes as ``torch.nn``): ``weight_ih (G*H, H_in)``,
    ``weight_hh (G*H, H)``, ``bias_ih (G*H,)``, ``bias_hh (G*H,)``.
    """

    num_gates: int = 1
    n_states: int = 1
    state_names: tuple[str, ...] = ("hx",)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        _check_sizes(input_size, hidden_size)
        if isinstance(bias, str):  # torch.nn reads any value as a truth value; so do we, loudly
            warnings.warn(
                f"{type(self).__name__}: bias={bias!r} is read as bias={bool(bias)} (the third "
                "positional argument is bias, as in torch.nn); did you mean nonlinearity=...?",
                stacklevel=2 if type(self).__init__ is _CellBase.__init__ else 3,
            )
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        gh = self.num_gates * hidden_size  # G*H rows: the gates stacked on top of each other
        kw = {"device": device, "dtype": dtype}
        self.weight_ih = nn.Parameter(torch.empty(gh, input_size, **kw))
        self.weight_hh = nn.Parameter(torch.empty(gh, hidden_size, **kw))
        self.bias_ih = nn.Parameter(torch.empty(gh, **kw)) if bias else None
        self.bias_hh = nn.Parameter(torch.empty(gh, **kw)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(H), 1/sqrt(H)), like ``torch.nn``."""
        _init_uniform(self, self.hidden_size)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prepare(
        self, input: Tensor, hx: Tensor | tuple[Tensor, ...] | None
    ) -> tuple[Tensor, State, bool]:
        """Check shapes in ``torch.nn``'s order; return ``x (N, H_in)``, the states (each ``(N, H)``), unbatched."""
        owner = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{owner}: input must be a Tensor, got {type(input).__name__}")
        if input.dim() not in (1, 2):
            raise InputError(
                f"{owner}: Expected input to be 1D or 2D, got {input.dim()}D instead: input must be "
                f"(H_in) or (N, H_in), got shape {tuple(input.shape)}"
            )
        states = _as_state(hx, self.n_states, owner)
        for k, (name, s) in enumerate(zip(self.state_names, states or ())):
            if s.dim() not in (1, 2):
                label = "hidden" if self.n_states == 1 else f"hx[{k}]"  # torch.nn's words
                raise InputError(
                    f"{owner}: Expected {label} to be 1D or 2D, got {s.dim()}D instead: {name} must be "
                    f"(H) or (N, H), got shape {tuple(s.shape)}"
                )
        if input.shape[-1] != self.input_size:
            raise InputError(
                f"{owner}: input has inconsistent input_size: got {input.shape[-1]} expected "
                f"{self.input_size} (input shape {tuple(input.shape)}, expected (N, {self.input_size}))"
            )
        unbatched = input.dim() == 1
        x = input.unsqueeze(0) if unbatched else input  # (N, H_in)
        if states is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            states = (zeros,) * self.n_states
        else:
            expected = (self.hidden_size,) if unbatched else (x.shape[0], self.hidden_size)
            for k, (name, s) in enumerate(zip(self.state_names, states)):
                if tuple(s.shape) == expected:
                    continue
                what = f"{name} must have shape {expected} for input of shape {tuple(input.shape)}, got {tuple(s.shape)}"
                if s.dim() != len(expected):
                    raise InputError(f"{owner}: {what}")
                if not unbatched and s.shape[0] != x.shape[0]:
                    raise InputError(f"{owner}: Input batch size {x.shape[0]} doesn't match hidden{k} batch size {s.shape[0]}: {what}")
                raise InputError(f"{owner}: hidden{k} has inconsistent hidden_size: got {s.shape[-1]}, expected {self.hidden_size}: {what}")
            if unbatched:
                states = tuple(s.unsqueeze(0) for s in states)
        _check_dtype(owner, x, self.weight_ih)
        return x, states, unbatched

    def _input_projection(self, x: Tensor, fold_b_hh: bool = True) -> Tensor:
        """``W_ih x + b_ih`` (``+ b_hh`` when ``fold_b_hh``), shape ``(N, G*H)``."""
        x_proj = F.linear(x, self.weight_ih, self.bias_ih)
        if fold_b_hh and self.bias_hh is not None:
            x_proj = x_proj + self.bias_hh
        return x_proj

    def _finish(self, new: State, unbatched: bool, input: Tensor) -> State:
        new = _autocast_dtypes(type(self).__name__, new, input.dtype, input.device.type)
        return tuple(s.squeeze(0) for s in new) if unbatched else new


class RNNCell(_CellBase):
    """Elman RNN cell, drop-in equal of ``torch.nn.RNNCell``.

    ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or ReLU).

    Args:
        input_size: ``H_in``, features per time step.
        hidden_size: ``H``, size of the hidden state.
        bias: if False, no ``bias_ih`` / ``bias_hh``.
        nonlinearity: ``"tanh"`` or ``"relu"``.

    Forward:
        input: ``(N, H_in)`` or unbatched ``(H_in)``; hx: ``(N, H)`` / ``(H)`` or None (zeros).
        Returns ``h'`` with the shape of ``hx``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        _check_nonlinearity(nonlinearity)
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), unbatched = self._prepare(input, hx)
        h = rnn_step(self._input_projection(x), h, self.weight_hh.t(), self.nonlinearity)
        return self._finish((h,), unbatched, input)[0]


class LSTMCell(_CellBase):
    """LSTM cell, drop-in equal of ``torch.nn.LSTMCell`` (gate order i, f, g, o; see `lstm_step`).

    Forward:
        input: ``(N, H_in)`` or ``(H_in)``; hx: a tuple ``(h, c)``, each ``(N, H)`` / ``(H)``, or None.
        Returns ``(h', c')`` with the shapes of ``(h, c)``.
    """

    num_gates, n_states, state_names = 4, 2, ("hx[0]", "hx[1]")

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        x, (h, c), unbatched = self._prepare(input, hx)
        h, c = lstm_step(self._input_projection(x), h, c, self.weight_hh.t())
        return self._finish((h, c), unbatched, input)


class GRUCell(_CellBase):
    """GRU cell, drop-in equal of ``torch.nn.GRUCell`` (gate order r, z, n; see `gru_step`).

    Forward:
        input: ``(N, H_in)`` or ``(H_in)``; hx: ``(N, H)`` / ``(H)`` or None.
        Returns ``h'`` with the shape of ``hx``.
    """

    num_gates = 3

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), unbatched = self._prepare(input, hx)
        x_proj = self._input_projection(x, fold_b_hh=False)
        h = gru_step(x_proj, h, self.weight_hh.t(), self.bias_hh)
        return self._finish((h,), unbatched, input)[0]


# ---------------------------------------------------------------------------------------------
# Layers: the loop over time (run_over_time), stacked layers, two directions, packing.
# ---------------------------------------------------------------------------------------------


class _LayerWeights(NamedTuple):
    """The weights of one layer and direction, ready for the loop over time."""

    w_ih: Tensor  # (G*H, H_in of this layer)
    w_hh_T: Tensor  # (H_out, G*H), transposed once, outside the loop
    b_in: Tensor | None  # bias added to the input projection: b_ih (+ b_hh where it can be folded)
    b_hh: Tensor | None  # (G*H,) for GRU's step (b_hn sits inside r * (...)), else None
    w_hr_T: Tensor | None  # (H, P), LSTM projection, else None


class _Batch(NamedTuple):
    """A batch in the layout the loop runs on (see `_RecurrentBase._unpack`)."""

    x: Tensor  # (L, N, H_in) padded, or (sum of N_t, H_in) packed data
    batch_sizes: list[int] | None  # N_t for every step when packed, None when padded
    packed: PackedSequence | None  # the input, to copy its bookkeeping to the output
    unbatched: bool


class _RecurrentBase(nn.Module):
    """Parameters, checks and the forward pass shared by RNN, LSTM and GRU.

    ``forward`` reads top-down: `_unpack` (padded tensor or ``PackedSequence`` -> time-major
    steps), `_initial_state` (``h_0``/``c_0``, checked), `_run_layers` (layers and directions,
    each direction one `run_over_time` of the subclass's `_step`), `_pack` (back to the input's
    layout).

    Parameters per layer ``k`` and direction (suffix ``_reverse`` for the backward one), in
    ``torch.nn``'s names and order: ``weight_ih_l{k} (G*H, H_in if k == 0 else D*H_out)``,
    ``weight_hh_l{k} (G*H, H_out)``, ``bias_ih_l{k} (G*H,)``, ``bias_hh_l{k} (G*H,)`` and, for an
    LSTM with ``proj_size = P > 0``, ``weight_hr_l{k} (P, H)``.
    """

    num_gates: int = 1
    n_states: int = 1
    state_names: tuple[str, ...] = ("hx",)
    fold_b_hh: bool = True  # add b_hh to the input projection once (not possible for GRU)
    proj_size: int = 0

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self._check_args(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first = bias, batch_first
        self.dropout, self.bidirectional = float(dropout), bidirectional
        num_directions = 2 if bidirectional else 1
        gh, h_out = self.num_gates * hidden_size, self.proj_size or hidden_size
        kw = {"device": device, "dtype": dtype}
        # Same registration order as torch: layer by layer, forward then reverse,
        # w_ih w_hh b_ih b_hh (w_hr).
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else num_directions * h_out
            for direction in range(num_directions):
                names = self._param_names(layer, direction)
                shapes = [(gh, layer_input), (gh, h_out)] + [(gh,), (gh,)] * bias
                shapes += [(self.proj_size, hidden_size)] * (self.proj_size > 0)
                for name, shape in zip(names, shapes, strict=True):
                    setattr(self, name, nn.Parameter(torch.empty(shape, **kw)))
                self._all_weights.append(names)
        self.reset_parameters()

    def _check_args(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int,
        bias: bool,
        batch_first: bool,
        dropout: float,
        bidirectional: bool,
    ) -> None:
        """Raise like ``torch.nn`` (same order, same types) for a bad constructor argument, naming it."""
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of "
                f"an element being zeroed, got {dropout!r}"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=4,
            )
        _check_bool("bias", bias)
        _check_bool("batch_first", batch_first)
        _check_sizes(input_size, hidden_size)
        if not isinstance(num_layers, int) or isinstance(num_layers, bool) or num_layers <= 0:
            raise ValueError(f"num_layers must be greater than zero (an int), got {num_layers!r}")
        _check_bool("bidirectional", bidirectional)

    def _param_names(self, layer: int, direction: int) -> list[str]:
        """PyTorch's names, e.g. ``weight_ih_l1_reverse``, for one layer and direction."""
        suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        names = ["weight_ih", "weight_hh"] + ["bias_ih", "bias_hh"] * self.bias
        names += ["weight_hr"] * (self.proj_size > 0)
        return [name + suffix for name in names]

    @property
    def all_weights(self) -> list[list[nn.Parameter]]:
        """The parameters of every layer and direction, as in ``torch.nn.RNNBase.all_weights``."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """Does nothing: ``torch.nn`` packs its weights into one cuDNN buffer here; ours stay separate.

        Present so that code written for ``torch.nn`` (which calls it after ``.to(device)``)
        runs unchanged.
        """

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(H), 1/sqrt(H)), like ``torch.nn``."""
        _init_uniform(self, self.hidden_size)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        defaults = {"bias": True, "batch_first": False, "dropout": 0.0, "bidirectional": False}
        for name, default in defaults.items():
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s

    # -- forward --------------------------------------------------------------------------

    def forward(
        self, input: Tensor | PackedSequence, hx: Tensor | tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor | PackedSequence, Tensor | tuple[Tensor, Tensor]]:
        """Run all layers over the whole sequence.

        Args:
            input: ``(N, L, H_in)`` if batch_first else ``(L, N, H_in)``; unbatched ``(L, H_in)``;
                or a ``PackedSequence`` (``torch.nn.utils.rnn.pack_padded_sequence``) of
                sequences of different lengths.
            hx: initial state, ``(D*num_layers, N, H_out)`` (unbatched ``(D*num_layers, H_out)``)
                or None for zeros; for LSTM a tuple ``(h_0, c_0)``, ``c_0`` with ``H`` instead
                of ``H_out``. In the batch's original order, also for packed input.

        Returns:
            ``(output, h_n)``, LSTM ``(output, (h_n, c_n))``. ``output``: ``(N, L, D*H_out)`` if
            batch_first else ``(L, N, D*H_out)`` (unbatched ``(L, D*H_out)``), or a
            ``PackedSequence`` for packed input: the last layer's hidden state at every step.
            ``h_n``: like ``hx``, the final state of every layer and direction, taken at each
            sequence's own last step (``batch_first`` does not apply to it).
        """
        batch = self._unpack(input)
        states = self._initial_state(batch, hx)
        x, h_n = self._run_layers(batch, states)
        return self._pack(batch, x, h_n)

    def _run_layers(self, batch: _Batch, states: State) -> tuple[Tensor, State]:
        """All layers and directions. ``states``: each ``(D*num_layers, N, .)``, in sorted order.

        Layer ``k > 0`` reads layer ``k-1``'s hidden states, both directions side by side
        (``D*H_out`` features), with dropout between layers in training mode.
        """
        num_directions = 2 if self.bidirectional else 1
        x, finals = batch.x, []  # finals: one state tuple per (layer, direction), each part (N, .)
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(num_directions):
                k = layer * num_directions + direction
                w = self._weights(layer, direction)
                x_proj = F.linear(x, w.w_ih, w.b_in)  # input part of every gate, all steps at once
                steps = x_proj.unbind(0) if batch.batch_sizes is None else x_proj.split(batch.batch_sizes)
                hs, final = run_over_time(
                    partial(self._step, w=w), steps, tuple(s[k] for s in states), reverse=direction == 1
                )
                outputs.append(torch.stack(hs) if batch.batch_sizes is None else torch.cat(hs))
                finals.append(final)
            x = torch.cat(outputs, dim=-1) if num_directions == 2 else outputs[0]  # (..., D*H_out)
            if self.training and self.dropout > 0 and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)  # only between layers
        return x, tuple(torch.stack(parts) for parts in zip(*finals))  # each (D*num_layers, N, .)

    def _weights(self, layer: int, direction: int) -> _LayerWeights:
        w_ih, w_hh, *rest = (getattr(self, n) for n in self._param_names(layer, direction))
        b_ih, b_hh = rest[:2] if self.bias else (None, None)
        w_hr = rest[-1] if self.proj_size > 0 else None
        b_in = b_ih
        if self.fold_b_hh and b_hh is not None:
            b_in, b_hh = b_ih + b_hh, None  # both biases are constant over time: add them once
        return _LayerWeights(w_ih, w_hh.t(), b_in, b_hh, None if w_hr is None else w_hr.t())

    def _step(self, x_proj: Tensor, state: State, w: _LayerWeights) -> State:
        """One time step: ``x_proj (N, G*H)`` and the state tuple -> the new state tuple."""
        raise NotImplementedError

    # -- packing: the input's layout in, the same layout out --------------------------------

    def _unpack(self, input: Tensor | PackedSequence) -> _Batch:
        """Padded ``(L, N, H_in)``/``(N, L, H_in)``/``(L, H_in)`` or packed input -> a time-major `_Batch`."""
        owner = type(self).__name__
        if isinstance(input, PackedSequence):
            data = input.data  # (sum of N_t, H_in): step 0's N_0 rows, then step 1's N_1 rows, ...
            self._check_input(data, 2, "PackedSequence.data (sum of lengths, H_in)")
            return _Batch(data, input.batch_sizes.tolist(), input, False)
        if not isinstance(input, Tensor):
            raise TypeError(f"{owner}: input must be a Tensor or PackedSequence, got {type(input).__name__}")
        if input.dim() not in (2, 3):
            batched = "(N, L, H_in)" if self.batch_first else "(L, N, H_in)"
            raise InputError(
                f"{owner}: Expected input to be 2D or 3D, got {input.dim()}D instead: input must be "
                f"(L, H_in) or {batched}, got shape {tuple(input.shape)}"
            )
        unbatched = input.dim() == 2
        x = input.unsqueeze(1) if unbatched else input  # (L, N, H_in) or (N, L, H_in)
        if self.batch_first and not unbatched:
            x = x.transpose(0, 1)  # (L, N, H_in): the loop runs over the first dimension
        self._check_input(x, 3, "input")
        return _Batch(x, None, None, unbatched)

    def _check_input(self, x: Tensor, dim: int, what: str) -> None:
        owner = type(self).__name__
        _check_dtype(owner, x, self.weight_ih_l0)
        if x.dim() != dim:
            raise InputError(f"{owner}: {what} must have {dim} dimensions, got {x.dim()} (shape {tuple(x.shape)})")
        if x.shape[-1] != self.input_size:
            raise InputError(
                f"{owner}: input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                f"got {x.shape[-1]} ({what} has shape {tuple(x.shape)})"
            )

    def _initial_state(self, batch: _Batch, hx: Tensor | tuple[Tensor, ...] | None) -> State:
        """``hx`` checked and in the loop's layout: each part ``(D*num_layers, N, .)``, rows in sorted order."""
        owner = type(self).__name__
        num_directions = 2 if self.bidirectional else 1
        n = batch.batch_sizes[0] if batch.batch_sizes is not None else batch.x.shape[1]
        sizes = (self.proj_size or self.hidden_size, self.hidden_size)[: self.n_states]  # h: H_out, c: H
        states = _as_state(hx, self.n_states, owner)
        if states is None:
            return tuple(batch.x.new_zeros(num_directions * self.num_layers, n, size) for size in sizes)
        dim = 2 if batch.unbatched else 3
        for name, s in zip(self.state_names, states):
            if s.dim() != dim:
                kind = "unbatched 2-D" if batch.unbatched else "batched 3-D"
                shape = "(D*num_layers, H_out)" if batch.unbatched else "(D*num_layers, N, H_out)"
                raise InputError(
                    f"{owner}: For {kind} input, {name} should also be {dim}-D {shape}, "
                    f"got {s.dim()}-D with shape {tuple(s.shape)}"
                )
        if batch.unbatched:
            states = tuple(s.unsqueeze(1) for s in states)
        for k, (name, s, size) in enumerate(zip(self.state_names, states, sizes)):
            expected = (num_directions * self.num_layers, n, size)
            if tuple(s.shape) != expected:
                label = "hidden" if self.n_states == 1 else f"hidden[{k}]"  # torch.nn's words
                got = tuple(s.shape[::2]) if batch.unbatched else tuple(s.shape)
                want = expected[::2] if batch.unbatched else expected
                letters = "(D*num_layers, " + ("" if batch.unbatched else "N, ") + ("H_out)" if k == 0 else "H)")
                raise InputError(
                    f"{owner}: Expected {label} size {want}, got {list(got)}: {name} must be {letters} = {want}"
                )
        if batch.packed is not None and batch.packed.sorted_indices is not None:
            # hx is in the caller's batch order; the packed rows are sorted by decreasing length
            states = tuple(s.index_select(1, batch.packed.sorted_indices) for s in states)
        return states

    def _pack(
        self, batch: _Batch, x: Tensor, h_n: State
    ) -> tuple[Tensor | PackedSequence, Tensor | tuple[Tensor, Tensor]]:
        """The output in the input's layout, and ``h_n`` (``(h_n, c_n)``) in the caller's batch order."""
        x, *h_n = _autocast_dtypes(
            type(self).__name__, (x, *h_n), batch.x.dtype, x.device.type, self.proj_size > 0, batch.packed is not None
        )
        if batch.packed is not None:
            p = batch.packed
            if p.unsorted_indices is not None:  # back to the caller's batch order
                h_n = [s.index_select(1, p.unsorted_indices) for s in h_n]
            output = PackedSequence(x, p.batch_sizes, p.sorted_indices, p.unsorted_indices)
        else:
            if self.batch_first:
                x = x.transpose(0, 1)  # (N, L, D*H_out)
            if batch.unbatched:
                x = x.squeeze(0 if self.batch_first else 1)
                h_n = [s.squeeze(1) for s in h_n]
            output = x
        return output, (h_n[0] if self.n_states == 1 else tuple(h_n))


class RNN(_RecurrentBase):
    """Multi-layer Elman RNN, drop-in equal of ``torch.nn.RNN``.

    ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`` (or ReLU), per layer and direction.

    Args:
        input_size: ``H_in``. hidden_size: ``H``. num_layers: stacked layers.
        nonlinearity: ``"tanh"`` or ``"relu"``. bias: use ``b_ih`` and ``b_hh``.
        batch_first: input/output ``(N, L, .)`` instead of ``(L, N, .)`` (not ``h_n``).
        dropout: dropout on each layer's output except the last, in training mode only.
        bidirectional: also run the sequence backwards; output width becomes ``2*H``.

    See `_RecurrentBase.forward` for shapes (padded or ``PackedSequence`` input).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        _check_nonlinearity(nonlinearity)
        self.nonlinearity = nonlinearity
        super().__init__(
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype
        )

    def _step(self, x_proj: Tensor, state: State, w: _LayerWeights) -> State:
        return (rnn_step(x_proj, state[0], w.w_hh_T, self.nonlinearity),)


class LSTM(_RecurrentBase):
    """Multi-layer LSTM, drop-in equal of ``torch.nn.LSTM`` (gate order i, f, g, o; see `lstm_step`).

    Same arguments as `RNN` without ``nonlinearity``, plus ``proj_size``: if ``P > 0``, the
    hidden state is projected to ``P`` values at every step (``h_t = W_hr (o_t * tanh(c_t))``,
    parameters ``weight_hr_l{k} (P, H)``); ``h`` and the output then have ``P`` features, ``c``
    keeps ``H``. ``hx`` and the returned state are tuples ``(h, c)``; see
    `_RecurrentBase.forward` for shapes.
    """

    num_gates, n_states, state_names = 4, 2, ("hx[0] (h_0)", "hx[1] (c_0)")

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        if not isinstance(proj_size, int) or isinstance(proj_size, bool) or proj_size < 0:
            raise ValueError(
                f"proj_size should be a positive integer or zero to disable projections, got {proj_size!r}"
            )
        if isinstance(hidden_size, int) and proj_size >= hidden_size > 0:
            raise ValueError(
                f"proj_size has to be smaller than hidden_size, got proj_size={proj_size} and hidden_size={hidden_size}"
            )
        self.proj_size = proj_size
        super().__init__(
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype
        )

    def _step(self, x_proj: Tensor, state: State, w: _LayerWeights) -> State:
        return lstm_step(x_proj, state[0], state[1], w.w_hh_T, w.w_hr_T)


class GRU(_RecurrentBase):
    """Multi-layer GRU, drop-in equal of ``torch.nn.GRU`` (gate order r, z, n; see `gru_step`).

    Same arguments as `RNN` without ``nonlinearity``; see `_RecurrentBase.forward` for shapes.
    """

    num_gates = 3
    fold_b_hh = False  # b_hn is multiplied by the reset gate, so b_hh stays inside the step

    # __init__ is _RecurrentBase's: input_size, hidden_size, num_layers, bias, batch_first,
    # dropout, bidirectional, device, dtype (torch.nn.GRU's arguments, in its order).

    def _step(self, x_proj: Tensor, state: State, w: _LayerWeights) -> State:
        return (gru_step(x_proj, state[0], w.w_hh_T, w.b_hh),)


# ---------------------------------------------------------------------------------------------
# Looking inside: the gate activations of an LSTM over one sequence.
# ---------------------------------------------------------------------------------------------


@torch.no_grad()
def lstm_gate_trace(lstm: nn.Module, x: Tensor) -> dict[str, Tensor]:
    """Run the first layer of an LSTM over one sequence and record every gate at every step.

    Args:
        lstm: a ``torch.nn.LSTM`` or `LSTM` (layer 0, forward direction is traced), or a
            ``torch.nn.LSTMCell`` / `LSTMCell`.
        x: one unbatched sequence, ``(L, H_in)``; ``(L,)`` is accepted when ``H_in == 1``.
            ``batch_first`` does not matter here: there is no batch dimension.

    Returns:
        ``{"i", "f", "g", "o", "c", "h"}``, each ``(L, H)``: input, forget, candidate and output
        gates, cell state and hidden state after each step, starting from zero state.
    """
    if isinstance(lstm, (nn.LSTM, LSTM)):
        if getattr(lstm, "proj_size", 0):
            raise ValueError(f"lstm must have proj_size=0, got {lstm.proj_size}")
        w_ih, w_hh = lstm.weight_ih_l0, lstm.weight_hh_l0
        b_ih, b_hh = getattr(lstm, "bias_ih_l0", None), getattr(lstm, "bias_hh_l0", None)
    elif isinstance(lstm, (nn.LSTMCell, LSTMCell)):
        w_ih, w_hh, b_ih, b_hh = lstm.weight_ih, lstm.weight_hh, lstm.bias_ih, lstm.bias_hh
    else:
        raise TypeError(
            "lstm must be torch.nn.LSTM, torch.nn.LSTMCell, tslab.cells.LSTM or tslab.cells.LSTMCell, "
            f"got {type(lstm).__name__}"
        )
    input_size, hidden_size = w_ih.shape[1], w_hh.shape[1]
    if x.dim() == 1 and input_size == 1:
        x = x.unsqueeze(-1)  # (L,) -> (L, 1)
    if x.dim() != 2 or x.shape[1] != input_size:
        raise ValueError(
            f"x must be one unbatched sequence of shape (L, H_in={input_size}), got {tuple(x.shape)}"
        )
    x = x.to(device=w_ih.device, dtype=w_ih.dtype)  # follow the model
    x_proj = F.linear(x, w_ih, b_ih)  # (L, 4*H)
    if b_hh is not None:
        x_proj = x_proj + b_hh
    h = c = x.new_zeros(1, hidden_size)  # (1, H): a batch of one
    trace: dict[str, list[Tensor]] = {key: [] for key in "ifgoch"}
    for x_t in x_proj.unsqueeze(1):  # (1, 4*H) per step
        i, f, g, o = lstm_gates(x_t, h, w_hh.t())
        c = f * c + i * g
        h = o * torch.tanh(c)
        for key, value in zip("ifgoch", (i, f, g, o, c, h)):
            trace[key].append(value[0])
    return {key: torch.stack(values) for key, values in trace.items()}  # each (L, H)
