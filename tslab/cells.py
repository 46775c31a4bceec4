"""Hand-written RNN, LSTM and GRU: drop-in equals of ``torch.nn``, in plain tensor operations.

Every class here has the same constructor arguments, parameter names, gate order,
initialisation and forward signature as its ``torch.nn`` namesake, so a ``state_dict``
moves between the two unchanged::

    ours = tslab.cells.LSTM(1, 16, num_layers=2)
    ours.load_state_dict(torch.nn.LSTM(1, 16, num_layers=2).state_dict())

Only matrix products (``F.linear``, ``torch.addmm``), ``torch.sigmoid``, ``torch.tanh`` and
``torch.relu`` are used: no fused recurrent kernels.

Shapes use PyTorch's letters: ``N`` batch, ``L`` sequence length, ``H_in`` input features,
``H`` (= ``H_out``) hidden size, ``D`` = 2 if bidirectional else 1, ``G`` number of gates
(1 for RNN, 4 for LSTM, 3 for GRU).

Two ideas make the loop over time fast enough:

1. The input part of every gate, ``W_ih x_t + b_ih``, does not depend on the previous state,
   so it is computed for all time steps at once with one matrix product before the loop.
2. Inside the loop, one ``torch.addmm`` per step adds the hidden part ``h_{t-1} W_hh^T``;
   the gates are slices (``chunk``) of that single ``(N, G*H)`` result.
"""

from __future__ import annotations

import math
import numbers
import warnings

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = [
    "rnn_step",
    "lstm_step",
    "gru_step",
    "RNNCell",
    "LSTMCell",
    "GRUCell",
    "RNN",
    "LSTM",
    "GRU",
    "lstm_gate_trace",
]

State = tuple[Tensor, ...]  # (h,) for RNN and GRU, (h, c) for LSTM


# ---------------------------------------------------------------------------------------------
# One time step. ``x_proj`` is the input projection W_ih x_t + b_ih, computed before the loop;
# ``w_hh_T`` is W_hh transposed once, shape (H, G*H), so that h @ w_hh_T is (N, G*H).
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


def lstm_step(x_proj: Tensor, h: Tensor, c: Tensor, w_hh_T: Tensor) -> tuple[Tensor, Tensor]:
    """One LSTM step, gate order i, f, g, o as in PyTorch.

    Args:
        x_proj: ``(N, 4*H)``, the input projection ``W_ih x + b_ih + b_hh``.
        h: ``(N, H)``, previous hidden state.
        c: ``(N, H)``, previous cell state.
        w_hh_T: ``(H, 4*H)``, the transposed hidden-to-hidden weight.

    Returns:
        ``(h', c')``, each ``(N, H)``.
    """
    i, f, g, o = lstm_gates(x_proj, h, w_hh_T)
    c = f * c + i * g  # forget some of the old memory, write some new
    h = o * torch.tanh(c)  # expose a squashed, gated view of the memory
    return h, c


def lstm_gates(x_proj: Tensor, h: Tensor, w_hh_T: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """The four LSTM gate activations ``(i, f, g, o)``, each ``(N, H)``; arguments as in `lstm_step`."""
    gates = torch.addmm(x_proj, h, w_hh_T)  # (N, 4*H), all four gates in one product
    i, f, g, o = gates.chunk(4, dim=1)  # each (N, H)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)


def gru_step(x_proj: Tensor, h: Tensor, w_hh_T: Tensor, b_hh: Tensor | None) -> Tensor:
    """One GRU step, gate order r, z, n, with PyTorch's candidate state.

    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``: the reset gate multiplies the hidden
    projection *after* the matrix product (Cho et al. 2014 apply it before, to ``h``).

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
# Argument and shape checks, shared by cells and layers.
# ---------------------------------------------------------------------------------------------


def _check_sizes(input_size: int, hidden_size: int, bias: bool) -> None:
    """Raise like ``torch.nn`` for bad constructor sizes, naming the argument."""
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero, got {value}")
    if not isinstance(bias, bool):
        raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")


def _check_nonlinearity(nonlinearity: str) -> None:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(
            f"Unknown nonlinearity {nonlinearity!r}. Select from 'tanh' or 'relu'."
        )


def _check_shape(tensor: Tensor, expected: tuple[int, ...], what: str) -> None:
    """Raise ``ValueError`` naming ``what`` if ``tensor`` does not have shape ``expected``."""
    if tuple(tensor.shape) != expected:
        raise ValueError(f"{what} must have shape {expected}, got {tuple(tensor.shape)}")


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
        _check_sizes(input_size, hidden_size, bias)
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
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prepare(
        self, input: Tensor, hx: Tensor | tuple[Tensor, ...] | None
    ) -> tuple[Tensor, State, bool]:
        """Check shapes; return ``x (N, H_in)``, the state tuple (each ``(N, H)``), and unbatched."""
        owner = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(
                f"{owner}: expected input to be 1-D (H_in) or 2-D (N, H_in), "
                f"got {input.dim()}-D with shape {tuple(input.shape)}"
            )
        if input.shape[-1] != self.input_size:
            raise ValueError(
                f"{owner}: input.size(-1) must be equal to input_size={self.input_size}, "
                f"got {input.shape[-1]} (input shape {tuple(input.shape)})"
            )
        if input.dtype != self.weight_ih.dtype:
            raise ValueError(
                f"{owner}: input dtype ({input.dtype}) does not match weight dtype ({self.weight_ih.dtype})"
            )
        unbatched = input.dim() == 1
        x = input.unsqueeze(0) if unbatched else input  # (N, H_in)
        states = _as_state(hx, self.n_states, owner)
        if states is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            return x, (zeros,) * self.n_states, unbatched
        expected = (self.hidden_size,) if unbatched else (x.shape[0], self.hidden_size)
        for name, s in zip(self.state_names, states):
            _check_shape(s, expected, f"{owner}: {name} (for input of shape {tuple(input.shape)})")
        if unbatched:
            states = tuple(s.unsqueeze(0) for s in states)
        return x, states, unbatched

    def _input_projection(self, x: Tensor, fold_b_hh: bool = True) -> Tensor:
        """``W_ih x + b_ih`` (``+ b_hh`` when ``fold_b_hh``), shape ``(N, G*H)``."""
        x_proj = F.linear(x, self.weight_ih, self.bias_ih)
        if fold_b_hh and self.bias_hh is not None:
            x_proj = x_proj + self.bias_hh
        return x_proj


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
        return h.squeeze(0) if unbatched else h


class LSTMCell(_CellBase):
    """LSTM cell, drop-in equal of ``torch.nn.LSTMCell`` (gate order i, f, g, o).

    Forward:
        input: ``(N, H_in)`` or ``(H_in)``; hx: a tuple ``(h, c)``, each ``(N, H)`` / ``(H)``, or None.
        Returns ``(h', c')`` with the shapes of ``(h, c)``.
    """

    num_gates, n_states, state_names = 4, 2, ("hx[0] (h)", "hx[1] (c)")

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        x, (h, c), unbatched = self._prepare(input, hx)
        h, c = lstm_step(self._input_projection(x), h, c, self.weight_hh.t())
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(_CellBase):
    """GRU cell, drop-in equal of ``torch.nn.GRUCell`` (gate order r, z, n).

    Forward:
        input: ``(N, H_in)`` or ``(H_in)``; hx: ``(N, H)`` / ``(H)`` or None.
        Returns ``h'`` with the shape of ``hx``.
    """

    num_gates = 3

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), unbatched = self._prepare(input, hx)
        x_proj = self._input_projection(x, fold_b_hh=False)
        h = gru_step(x_proj, h, self.weight_hh.t(), self.bias_hh)
        return h.squeeze(0) if unbatched else h


# ---------------------------------------------------------------------------------------------
# Layers: the loop over time, stacked layers, two directions.
# ---------------------------------------------------------------------------------------------


class _RecurrentBase(nn.Module):
    """Parameters, shape checks and the loop over layers/directions shared by RNN, LSTM and GRU.

    Subclasses set ``num_gates``, ``n_states`` and implement ``_step`` (one time step).

    Parameters per layer ``k`` and direction (suffix ``_reverse`` for the backward one):
    ``weight_ih_l{k} (G*H, H_in if k == 0 else D*H)``, ``weight_hh_l{k} (G*H, H)``,
    ``bias_ih_l{k} (G*H,)``, ``bias_hh_l{k} (G*H,)``.
    """

    num_gates: int = 1
    n_states: int = 1
    state_names: tuple[str, ...] = ("hx",)
    fold_b_hh: bool = True  # add b_hh to the input projection once (not possible for GRU)

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
        gh = self.num_gates * hidden_size
        kw = {"device": device, "dtype": dtype}
        # Same registration order as torch: layer by layer, forward then reverse, w_ih w_hh b_ih b_hh.
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else num_directions * hidden_size
            for direction in range(num_directions):
                w_ih, w_hh, b_ih, b_hh = self._param_names(layer, direction)
                setattr(self, w_ih, nn.Parameter(torch.empty(gh, layer_input, **kw)))
                setattr(self, w_hh, nn.Parameter(torch.empty(gh, hidden_size, **kw)))
                if bias:
                    setattr(self, b_ih, nn.Parameter(torch.empty(gh, **kw)))
                    setattr(self, b_hh, nn.Parameter(torch.empty(gh, **kw)))
        self.reset_parameters()

    @staticmethod
    def _check_args(
        input_size: int,
        hidden_size: int,
        num_layers: int,
        bias: bool,
        batch_first: bool,
        dropout: float,
        bidirectional: bool,
    ) -> None:
        """Raise like ``torch.nn`` for a bad constructor argument, naming it."""
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
        _check_sizes(input_size, hidden_size, bias)
        if not isinstance(num_layers, int) or isinstance(num_layers, bool) or num_layers <= 0:
            raise ValueError(f"num_layers must be an int greater than zero, got {num_layers!r}")
        for name, value in (("batch_first", batch_first), ("bidirectional", bidirectional)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")

    @staticmethod
    def _param_names(layer: int, direction: int) -> tuple[str, str, str, str]:
        """PyTorch's names, e.g. ``weight_ih_l1_reverse``, for one layer and direction."""
        suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        return tuple(name + suffix for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(H), 1/sqrt(H)), like ``torch.nn``."""
        _init_uniform(self, self.hidden_size)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        defaults = {"bias": True, "batch_first": False, "dropout": 0.0, "bidirectional": False}
        for name, default in defaults.items():
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s

    # -- forward --------------------------------------------------------------------------

    def forward(
        self, input: Tensor, hx: Tensor | tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor | tuple[Tensor, Tensor]]:
        """Run all layers over the whole sequence.

        Args:
            input: ``(N, L, H_in)`` if batch_first else ``(L, N, H_in)``; unbatched ``(L, H_in)``.
            hx: initial state, ``(D*num_layers, N, H)`` (unbatched ``(D*num_layers, H)``) or None
                for zeros; for LSTM a tuple ``(h_0, c_0)`` of such tensors.

        Returns:
            ``(output, h_n)``, LSTM ``(output, (h_n, c_n))``. ``output``:
            ``(N, L, D*H)`` if batch_first else ``(L, N, D*H)`` (unbatched ``(L, D*H)``), the last
            layer's hidden state at every step; ``h_n``: like ``hx``, the final state of every
            layer and direction (``batch_first`` does not apply to it).
        """
        x, states, unbatched = self._prepare(input, hx)  # x: (L, N, H_in)
        num_directions = 2 if self.bidirectional else 1
        finals: list[State] = []  # one state tuple per (layer, direction), each part (N, H)
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(num_directions):
                k = layer * num_directions + direction
                out, final = self._run_direction(x, tuple(s[k] for s in states), layer, direction)
                outputs.append(out)  # (L, N, H)
                finals.append(final)
            x = torch.cat(outputs, dim=2) if num_directions == 2 else outputs[0]  # (L, N, D*H)
            if self.training and self.dropout > 0 and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)  # only between layers
        h_n = tuple(torch.stack(parts) for parts in zip(*finals))  # each (D*num_layers, N, H)
        if self.batch_first:
            x = x.transpose(0, 1)  # (N, L, D*H)
        if unbatched:
            x = x.squeeze(0 if self.batch_first else 1)
            h_n = tuple(s.squeeze(1) for s in h_n)
        return x, self._format_state(h_n)

    def _format_state(self, h_n: State) -> Tensor | tuple[Tensor, Tensor]:
        return h_n[0]  # RNN and GRU return a tensor; LSTM overrides to return (h_n, c_n)

    def _run_direction(
        self, x: Tensor, state: State, layer: int, direction: int
    ) -> tuple[Tensor, State]:
        """One layer, one direction over ``x (L, N, H_in)``: returns ``(L, N, H)`` and the final state."""
        w_ih, w_hh, b_ih, b_hh = (getattr(self, n, None) for n in self._param_names(layer, direction))
        if self.fold_b_hh and b_hh is not None:
            b_ih = b_ih + b_hh  # both biases are constant over time: add them once
        x_proj = F.linear(x, w_ih, b_ih)  # (L, N, G*H): input part of every gate, all steps at once
        w_hh_T = w_hh.t()  # (H, G*H), transposed once, outside the loop
        steps = x_proj.unbind(0)  # L tensors of shape (N, G*H)
        if direction == 1:
            steps = steps[::-1]  # the reverse direction reads the sequence back to front
        outputs = []
        for x_t in steps:
            state = self._step(x_t, state, w_hh_T, b_hh)
            outputs.append(state[0])  # h_t, (N, H)
        if direction == 1:
            outputs.reverse()  # so that output[t] belongs to input[t] in both directions
        return torch.stack(outputs), state

    def _step(self, x_proj: Tensor, state: State, w_hh_T: Tensor, b_hh: Tensor | None) -> State:
        """One time step: ``x_proj (N, G*H)`` and the state tuple -> the new state tuple."""
        raise NotImplementedError

    def _prepare(
        self, input: Tensor, hx: Tensor | tuple[Tensor, ...] | None
    ) -> tuple[Tensor, State, bool]:
        """Check shapes; return ``x (L, N, H_in)``, the states (each ``(D*num_layers, N, H)``), unbatched."""
        owner = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{owner}: input must be a Tensor, got {type(input).__name__}")
        if input.dim() not in (2, 3):
            batched = "(N, L, H_in)" if self.batch_first else "(L, N, H_in)"
            raise ValueError(
                f"{owner}: expected input to be 2-D (L, H_in) or 3-D {batched}, "
                f"got {input.dim()}-D with shape {tuple(input.shape)}"
            )
        if input.shape[-1] != self.input_size:
            raise ValueError(
                f"{owner}: input.size(-1) must be equal to input_size={self.input_size}, "
                f"got {input.shape[-1]} (input shape {tuple(input.shape)})"
            )
        dtype = self.weight_ih_l0.dtype
        if input.dtype != dtype:
            raise ValueError(
                f"{owner}: input dtype ({input.dtype}) does not match weight dtype ({dtype}); "
                f"convert input: input.to({dtype}), or the model: model.to({input.dtype})"
            )
        unbatched = input.dim() == 2
        x = input.unsqueeze(1) if unbatched else input  # (L, N, H_in) or (N, L, H_in)
        if self.batch_first and not unbatched:
            x = x.transpose(0, 1)  # (L, N, H_in): the loop runs over the first dimension
        num_directions = 2 if self.bidirectional else 1
        batch = x.shape[1]
        states = _as_state(hx, self.n_states, owner)
        if states is None:
            zeros = x.new_zeros(num_directions * self.num_layers, batch, self.hidden_size)
            return x, (zeros,) * self.n_states, unbatched
        if unbatched:
            expected = (num_directions * self.num_layers, self.hidden_size)
            shape_text = "(D*num_layers, H_out)"
        else:
            expected = (num_directions * self.num_layers, batch, self.hidden_size)
            shape_text = "(D*num_layers, N, H_out)"
        for name, s in zip(self.state_names, states):
            if s.dim() != len(expected):
                kind = "unbatched 2-D" if unbatched else "batched 3-D"
                raise ValueError(
                    f"{owner}: for {kind} input, {name} should be {len(expected)}-D {shape_text} = "
                    f"{expected}, got {s.dim()}-D with shape {tuple(s.shape)}"
                )
            what = f"{owner}: {name} {shape_text} for input of shape {tuple(input.shape)}"
            _check_shape(s, expected, what)
        if unbatched:
            states = tuple(s.unsqueeze(1) for s in states)
        return x, states, unbatched


class RNN(_RecurrentBase):
    """Multi-layer Elman RNN, drop-in equal of ``torch.nn.RNN``.

    ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`` (or ReLU), per layer and direction.

    Args:
        input_size: ``H_in``. hidden_size: ``H``. num_layers: stacked layers.
        nonlinearity: ``"tanh"`` or ``"relu"``. bias: use ``b_ih`` and ``b_hh``.
        batch_first: input/output ``(N, L, .)`` instead of ``(L, N, .)`` (not ``h_n``).
        dropout: dropout on each layer's output except the last, in training mode only.
        bidirectional: also run the sequence backwards; output width becomes ``2*H``.

    See `_RecurrentBase.forward` for shapes.
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

    def _step(self, x_proj: Tensor, state: State, w_hh_T: Tensor, b_hh: Tensor | None) -> State:
        return (rnn_step(x_proj, state[0], w_hh_T, self.nonlinearity),)


class LSTM(_RecurrentBase):
    """Multi-layer LSTM, drop-in equal of ``torch.nn.LSTM`` (gate order i, f, g, o; no ``proj_size``).

    Same arguments as `RNN` without ``nonlinearity``. ``hx`` and the returned state are tuples
    ``(h, c)``; see `_RecurrentBase.forward` for shapes.
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
        if proj_size != 0:
            raise ValueError(
                f"proj_size is not supported by tslab.cells.LSTM (expected 0, got {proj_size}); "
                "use torch.nn.LSTM for projections"
            )
        super().__init__(
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype
        )

    def _step(self, x_proj: Tensor, state: State, w_hh_T: Tensor, b_hh: Tensor | None) -> State:
        return lstm_step(x_proj, state[0], state[1], w_hh_T)

    def _format_state(self, h_n: State) -> tuple[Tensor, Tensor]:
        return h_n[0], h_n[1]


class GRU(_RecurrentBase):
    """Multi-layer GRU, drop-in equal of ``torch.nn.GRU`` (gate order r, z, n).

    Same arguments as `RNN` without ``nonlinearity``; see `_RecurrentBase.forward` for shapes.
    """

    num_gates = 3
    fold_b_hh = False  # b_hn is multiplied by the reset gate, so b_hh stays inside the step

    # __init__ is _RecurrentBase's: input_size, hidden_size, num_layers, bias, batch_first,
    # dropout, bidirectional, device, dtype (torch.nn.GRU's arguments, in its order).

    def _step(self, x_proj: Tensor, state: State, w_hh_T: Tensor, b_hh: Tensor | None) -> State:
        return (gru_step(x_proj, state[0], w_hh_T, b_hh),)


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
