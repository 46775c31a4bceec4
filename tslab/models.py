"""Sequence models for classification and forecasting, all built by one constructor.

Every model here reads a batch-first sequence and returns one vector per sequence::

    x: (N, L, H_in)  ->  SequenceModel  ->  y: (N, output_size)

``N`` batch, ``L`` sequence length, ``H_in`` input features, ``H_out`` hidden size,
``D`` = 2 if bidirectional else 1. The output is logits for classification (use
``nn.CrossEntropyLoss``) or values for regression and direct multi-step forecasting (use
``nn.MSELoss``).

Five kinds share the same pipeline *encoder -> pool over time -> dropout -> linear head*:

- ``"rnn"``, ``"lstm"``, ``"gru"``: ``torch.nn.RNN/LSTM/GRU`` (or the hand-written
  ``tslab.cells`` versions with ``use_tslab_cells=True``). The initial state ``h0`` is never
  passed, so the layer starts from zeros of the right shape for any hidden size and layer count.
- ``"cnn"``: a stack of causal 1-D convolutions over time with dilations 1, 2, 4, ...
- ``"transformer"``: input projection + sinusoidal positional encoding + ``nn.TransformerEncoder``.

:class:`StatefulForecaster` is the recurrent model for truncated back-propagation through time
on one long series: it takes and returns the hidden state and predicts at every step.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from tslab._checks import as_bool, as_choice, as_float, as_int, as_type

__all__ = [
    "KINDS",
    "RECURRENT_KINDS",
    "SequenceModel",
    "StatefulForecaster",
    "count_parameters",
    "model_from_config",
    "sinusoidal_encoding",
]

RECURRENT_KINDS = ("rnn", "lstm", "gru")
KINDS = RECURRENT_KINDS + ("cnn", "transformer")
POOLINGS = ("last", "mean")
RECURRENT_INITS = ("orthogonal", "pytorch")


# ---------------------------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------------------------
def _check_input(x: torch.Tensor, input_size: int, dtype: torch.dtype) -> torch.Tensor:
    """Raise a readable error unless ``x`` is ``(N, L, input_size)``; cast floats to ``dtype``."""
    as_type("x", x, torch.Tensor, "a torch.Tensor")
    if not x.is_floating_point():
        raise TypeError(f"x must be a floating-point tensor ({dtype}), got {x.dtype} (convert with x.float())")
    if x.ndim != 3 or x.shape[-1] != input_size:
        hint = " (add a feature axis with x.unsqueeze(-1))" if x.ndim == 2 and input_size == 1 else ""
        raise ValueError(
            f"x must have shape (N, L, input_size) = (N, L, {input_size}), got {tuple(x.shape)}{hint}"
        )
    if x.shape[1] == 0:
        raise ValueError(f"x must have at least one time step, got shape {tuple(x.shape)}")
    return x.to(dtype)  # e.g. float64 from NumPy -> the model's float32


def _orthogonal_init(rnn: nn.Module, kind: str, hidden_size: int) -> None:
    """Orthogonal ``weight_hh`` blocks (one per gate) and, for LSTM, forget-gate bias + 1."""
    H = hidden_size
    with torch.no_grad():
        for name, param in rnn.named_parameters():
            if name.startswith("weight_hh"):
                for block in param.split(H, dim=0):  # (gates * H, H) -> gates blocks of (H, H)
                    nn.init.orthogonal_(block)
            if kind == "lstm" and name.startswith("bias_hh"):
                param[H : 2 * H] += 1.0  # gate order i, f, g, o: rows H..2H are the forget gate


def _recurrent_class(kind: str, use_tslab_cells: bool) -> type[nn.Module]:
    """``nn.RNN``/``nn.LSTM``/``nn.GRU``, or their ``tslab.cells`` twins (imported lazily)."""
    if use_tslab_cells:
        from tslab import cells  # lazy: tslab.models works without tslab.cells

        return {"rnn": cells.RNN, "lstm": cells.LSTM, "gru": cells.GRU}[kind]
    return {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]


# ---------------------------------------------------------------------------------------------
# building blocks
# ---------------------------------------------------------------------------------------------
def sinusoidal_encoding(length: int, d_model: int, device: torch.device | None = None) -> torch.Tensor:
    """The fixed positional encoding of "Attention is all you need".

    ``PE[t, 2i] = sin(t / 10000^(2i/d))``, ``PE[t, 2i+1] = cos(t / 10000^(2i/d))``.

    Args:
        length: number of positions ``L``.
        d_model: model width (any positive int, odd works too).
        device: where to create the tensor.

    Returns:
        Tensor of shape ``(L, d_model)``.
    """
    length, d_model = as_int("length", length, 0), as_int("d_model", d_model, 1)
    if device is not None:
        from tslab.device import _check_device

        device = _check_device(str(device), "device")
    position = torch.arange(length, device=device, dtype=torch.float32).unsqueeze(1)  # (L, 1)
    div = torch.exp(
        torch.arange(0, d_model, 2, device=device, dtype=torch.float32) * (-math.log(10000.0) / d_model)
    )  # (ceil(d/2),)
    pe = torch.zeros(length, d_model, device=device)
    pe[:, 0::2] = torch.sin(position * div)
    pe[:, 1::2] = torch.cos(position * div)[:, : d_model // 2]
    return pe


class CausalConvStack(nn.Module):
    """Causal 1-D convolutions over time: output step ``t`` sees only inputs ``<= t``.

    Layer ``k`` has dilation ``2**k``, so the receptive field is ``1 + (kernel_size-1)(2**K - 1)``
    steps for ``K`` layers. Input and output are batch first: ``(N, L, H_in) -> (N, L, H_out)``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int, kernel_size: int, dropout: float):
        super().__init__()
        self.kernel_size = kernel_size
        self.convs = nn.ModuleList(
            nn.Conv1d(input_size if k == 0 else hidden_size, hidden_size, kernel_size, dilation=2**k)
            for k in range(num_layers)
        )
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.transpose(1, 2)  # (N, H_in, L): Conv1d wants channels before time
        for k, conv in enumerate(self.convs):
            pad = (self.kernel_size - 1) * 2**k
            h = torch.relu(conv(nn.functional.pad(h, (pad, 0))))  # left padding only = causal
            h = self.dropout(h) if k < len(self.convs) - 1 else h
        return h.transpose(1, 2)  # (N, L, H_out)


class TransformerStack(nn.Module):
    """Linear input projection, sinusoidal positions, then ``nn.TransformerEncoder`` (batch first).

    ``(N, L, H_in) -> (N, L, H_out)``, with ``H_out = hidden_size = d_model``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int, num_heads: int, dropout: float):
        super().__init__()
        self.proj = nn.Linear(input_size, hidden_size)
        layer = nn.TransformerEncoderLayer(
            d_model=hidden_size,
            nhead=num_heads,
            dim_feedforward=4 * hidden_size,
            dropout=dropout,
            batch_first=True,  # our inputs are (N, L, H); the default False expects (L, N, H)
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=num_layers, enable_nested_tensor=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        N, L, _ = x.shape
        h = self.proj(x) + sinusoidal_encoding(L, self.proj.out_features, x.device)  # (N, L, H_out)
        return self.encoder(h)


# ---------------------------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------------------------
class SequenceModel(nn.Module):
    """Encoder over time + linear head: ``(N, L, H_in) -> (N, output_size)``.

    How one vector per sequence is taken from the encoder output ``(N, L, D * H_out)``:

    - ``pooling="last"`` (default): the last time step. For a **bidirectional** recurrent layer the
      last step is only "last" for the forward direction; the backward direction has read the whole
      sequence at step 0. So we concatenate ``out[:, -1, :H_out]`` (forward, last step) with
      ``out[:, 0, H_out:]`` (backward, first step) -- the same numbers as ``h_n`` of both directions
      of the top layer. Vector size ``D * H_out``.
    - ``pooling="mean"``: the mean over all ``L`` steps.

    Args:
        kind: one of ``"rnn"``, ``"lstm"``, ``"gru"``, ``"cnn"``, ``"transformer"``.
        input_size: features per time step ``H_in``.
        hidden_size: ``H_out``: recurrent state size, conv channels, or transformer ``d_model``.
        num_layers: stacked layers.
        dropout: dropout between stacked layers and before the head, in ``[0, 1)``.
        bidirectional: recurrent kinds only.
        output_size: number of classes (logits) or of predicted values (e.g. the horizon).
        use_tslab_cells: use ``tslab.cells.RNN/LSTM/GRU`` instead of ``torch.nn`` (recurrent kinds).
        pooling: ``"last"`` or ``"mean"``, see above.
        kernel_size: convolution width (``"cnn"`` only; other kinds accept just the default 3).
        num_heads: attention heads (``"transformer"`` only, other kinds accept just the default 1);
            must divide ``hidden_size``.
        recurrent_init: ``None`` (default) means ``"orthogonal"`` for the recurrent kinds and
            ``"pytorch"`` for CNN and Transformer. ``"orthogonal"`` makes every ``weight_hh`` block (one per gate)
            an orthogonal matrix and, for LSTM, adds 1 to the forget-gate bias: the two remedies
            the course teaches (forget bias in notebooks 03/04, orthogonal ``W_hh`` in 05). With
            them a fresh network neither shrinks its state step after step (spectral radius 1
            instead of PyTorch's < 1; an LSTM cell keeps ``sigmoid(1) = 0.73`` per step instead of
            about half), so a signal many steps back still reaches the last step and its gradient
            still flows back: on notebook 06's memory test (remember step 0 of 20, 10 epochs) this
            raised the mean R² over seeds 0-2 from 0.13 to 0.68 (LSTM) and from -0.03 to 0.63
            (GRU). ``"pytorch"`` keeps ``torch.nn``'s own initialisation (every weight and bias
            from ``U(-1/sqrt(H), 1/sqrt(H))``), for comparison.
        predict_change: predict ``y - x[:, -1, 0]`` from the window minus its last value, then add
            the last value back (the target must be feature 0). A trend then needs no
            extrapolation beyond the training range: the network only sees and predicts changes.

    Example:
        >>> model = SequenceModel("lstm", input_size=1, hidden_size=16, output_size=2)
        >>> model(torch.zeros(4, 50, 1)).shape
        torch.Size([4, 2])
    """

    def __init__(
        self,
        kind: str,
        input_size: int,
        hidden_size: int = 32,
        num_layers: int = 1,
        dropout: float = 0.0,
        bidirectional: bool = False,
        output_size: int = 1,
        use_tslab_cells: bool = False,
        pooling: str = "last",
        kernel_size: int = 3,
        num_heads: int = 1,
        recurrent_init: str | None = None,
        predict_change: bool = False,
    ):
        super().__init__()
        kind = as_choice("kind", kind, KINDS)
        input_size, hidden_size, num_layers, output_size, kernel_size, num_heads = (as_int(name, value, 1) for name, value in [
            ("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers),
            ("output_size", output_size), ("kernel_size", kernel_size), ("num_heads", num_heads)])
        # defaults are accepted for every kind: a saved .config always holds both keys
        for name, value, default, owner in [("kernel_size", kernel_size, 3, "cnn"),
                                            ("num_heads", num_heads, 1, "transformer")]:
            if value != default and kind != owner:
                raise ValueError(f"{name} applies only to kind={owner!r}, got kind={kind!r} with {name}={value}")
        dropout = as_float("dropout", dropout, 0, 1, hi_open=True)
        bidirectional, use_tslab_cells, predict_change = (as_bool(name, value) for name, value in [
            ("bidirectional", bidirectional), ("use_tslab_cells", use_tslab_cells), ("predict_change", predict_change)])
        if recurrent_init is None:  # CNN and Transformer have no recurrent weights
            recurrent_init = "orthogonal" if kind in RECURRENT_KINDS else "pytorch"
        pooling, recurrent_init = as_choice("pooling", pooling, POOLINGS), as_choice("recurrent_init", recurrent_init, RECURRENT_INITS)
        if recurrent_init != "pytorch" and kind not in RECURRENT_KINDS:
            raise ValueError(f"recurrent_init={recurrent_init!r} needs a recurrent kind {RECURRENT_KINDS}, got kind={kind!r}")
        if bidirectional and kind not in RECURRENT_KINDS:
            raise ValueError(f"bidirectional=True needs a recurrent kind {RECURRENT_KINDS}, got kind={kind!r}")
        if kind == "transformer" and hidden_size % num_heads:
            raise ValueError(f"num_heads must divide hidden_size={hidden_size}, got num_heads={num_heads}")
        self.config = dict(
            kind=kind, input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
            dropout=dropout, bidirectional=bool(bidirectional), output_size=output_size,
            use_tslab_cells=bool(use_tslab_cells), pooling=pooling, kernel_size=kernel_size,
            num_heads=num_heads, recurrent_init=recurrent_init, predict_change=bool(predict_change),
        )  # plain dict: saved in checkpoints, rebuilt by model_from_config
        self.kind, self.input_size, self.pooling = kind, input_size, pooling
        self.hidden_size, self.bidirectional = hidden_size, bool(bidirectional)
        self.predict_change = bool(predict_change)

        if kind in RECURRENT_KINDS:
            rnn_class = _recurrent_class(kind, use_tslab_cells)
            self.encoder = rnn_class(
                input_size, hidden_size, num_layers=num_layers, batch_first=True,
                dropout=dropout if num_layers > 1 else 0.0,  # torch warns for 1 layer
                bidirectional=bidirectional,
            )
        elif kind == "cnn":
            self.encoder = CausalConvStack(input_size, hidden_size, num_layers, kernel_size, dropout)
        else:
            self.encoder = TransformerStack(input_size, hidden_size, num_layers, num_heads, dropout)
        if recurrent_init == "orthogonal":
            _orthogonal_init(self.encoder, kind, hidden_size)
        D = 2 if bidirectional else 1
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(D * hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x: (N, L, H_in)`` -> ``(N, output_size)``; float64 input is cast to the model's dtype."""
        x = _check_input(x, self.input_size, self.head.weight.dtype)
        if self.predict_change:
            last = x[:, -1:, :]  # (N, 1, H_in)
            return last[:, 0, :1] + self._forward(x - last)  # (N, 1) broadcasts over output_size
        return self._forward(x)

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.encoder(x)
        if isinstance(out, tuple):  # recurrent layers return (output, h_n); h0 defaults to zeros
            out = out[0]
        # out: (N, L, D * H_out)
        if self.pooling == "mean":
            z = out.mean(dim=1)
        elif self.bidirectional:
            H = self.hidden_size
            z = torch.cat([out[:, -1, :H], out[:, 0, H:]], dim=1)  # forward last, backward first
        else:
            z = out[:, -1, :]  # (N, H_out)
        return self.head(self.dropout(z))

    def extra_repr(self) -> str:
        return f"kind={self.kind!r}, pooling={self.pooling!r}"


class StatefulForecaster(nn.Module):
    """A recurrent model that carries its hidden state, for truncated BPTT on one long series.

    It predicts at *every* time step: ``(N, L, H_in), state -> (N, L, output_size), new_state``.
    Pass the returned state into the next chunk (after ``detach()``, see
    :func:`tslab.train.tbptt_epoch`); pass ``state=None`` to start from zeros.

    ``state`` is ``h: (num_layers, N, H_out)`` for ``"rnn"``/``"gru"`` and ``(h, c)`` for ``"lstm"``.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        input_size, hidden_size, num_layers, dropout, output_size, use_tslab_cells: as for
            :class:`SequenceModel` (unidirectional only: a stateful model cannot read the future).
    """

    def __init__(
        self,
        kind: str,
        input_size: int = 1,
        hidden_size: int = 32,
        num_layers: int = 1,
        dropout: float = 0.0,
        output_size: int = 1,
        use_tslab_cells: bool = False,
    ):
        super().__init__()
        kind = as_choice("kind", kind, RECURRENT_KINDS)
        input_size, hidden_size, num_layers, output_size = (as_int(name, value, 1) for name, value in [
            ("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers), ("output_size", output_size)])
        dropout, use_tslab_cells = as_float("dropout", dropout, 0, 1, hi_open=True), as_bool("use_tslab_cells", use_tslab_cells)
        self.config = dict(
            model_class="StatefulForecaster", kind=kind, input_size=input_size, hidden_size=hidden_size,
            num_layers=num_layers, dropout=dropout, output_size=output_size,
            use_tslab_cells=bool(use_tslab_cells),
        )
        self.input_size = input_size
        self.rnn = _recurrent_class(kind, use_tslab_cells)(
            input_size, hidden_size, num_layers=num_layers, batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.head = nn.Linear(hidden_size, output_size)

    def forward(self, x: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        """``x: (N, L, H_in)``, ``state`` or ``None`` -> ``(N, L, output_size)``, new state."""
        x = _check_input(x, self.input_size, self.head.weight.dtype)
        out, state = self.rnn(x, state)  # out: (N, L, H_out)
        return self.head(out), state


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of scalar parameters (those with ``requires_grad`` unless ``trainable_only=False``)."""
    as_type("model", model, nn.Module, "a torch.nn.Module"), as_bool("trainable_only", trainable_only)
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def model_from_config(config: dict[str, Any]) -> nn.Module:
    """Rebuild a model from its ``.config`` dict (as stored by :func:`tslab.train.save_checkpoint`).

    ``config["model_class"]`` picks the class (``"SequenceModel"`` when absent); the other keys
    are the constructor's keyword arguments.
    """
    kwargs = dict(as_type("config", config, dict, "a dict"))
    name = kwargs.pop("model_class", "SequenceModel")
    if kwargs.get("recurrent_init") == "default":  # saved before "pytorch" was its name
        kwargs["recurrent_init"] = "pytorch"
    classes = {"SequenceModel": SequenceModel, "StatefulForecaster": StatefulForecaster}
    if name not in classes:
        raise ValueError(f"config['model_class'] must be one of {tuple(classes)}, got {name!r}")
    try:
        return classes[name](**kwargs)
    except TypeError as err:
        raise ValueError(f"config does not match the arguments of {name}: {err}") from err
