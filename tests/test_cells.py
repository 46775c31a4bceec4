"""tslab.cells against torch.nn: PyTorch is the oracle (float64, atol 1e-10)."""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn

from tslab import cells

ATOL = 1e-10
H_IN, H = 3, 4

LAYERS = {"rnn_tanh": "RNN", "rnn_relu": "RNN", "lstm": "LSTM", "gru": "GRU"}
CELLS = {"rnn_tanh": "RNNCell", "rnn_relu": "RNNCell", "lstm": "LSTMCell", "gru": "GRUCell"}


def _kwargs(kind: str, **kw) -> dict:
    if kind.startswith("rnn_"):
        kw["nonlinearity"] = kind[4:]
    return kw


def make_layers(kind: str, reverse: bool = False, **kw) -> tuple[nn.Module, nn.Module]:
    """(torch module, ours) in float64 with identical weights; ``reverse`` copies ours -> torch."""
    kw = _kwargs(kind, **kw)
    ref = getattr(nn, LAYERS[kind])(H_IN, H, dtype=torch.float64, **kw)
    ours = getattr(cells, LAYERS[kind])(H_IN, H, dtype=torch.float64, **kw)
    if reverse:
        ref.load_state_dict(ours.state_dict(), strict=True)
    else:
        ours.load_state_dict(ref.state_dict(), strict=True)
    return ref, ours


def make_cells(kind: str, reverse: bool = False, **kw) -> tuple[nn.Module, nn.Module]:
    kw = _kwargs(kind, **kw)
    ref = getattr(nn, CELLS[kind])(H_IN, H, dtype=torch.float64, **kw)
    ours = getattr(cells, CELLS[kind])(H_IN, H, dtype=torch.float64, **kw)
    if reverse:
        ref.load_state_dict(ours.state_dict(), strict=True)
    else:
        ours.load_state_dict(ref.state_dict(), strict=True)
    return ref, ours


def _flat(result) -> list[torch.Tensor]:
    """Every tensor in a nested tuple result, in order."""
    if isinstance(result, torch.Tensor):
        return [result]
    return [t for part in result for t in _flat(part)]


def run_and_grad(module: nn.Module, x: torch.Tensor, hx) -> tuple[list[torch.Tensor], dict[str, torch.Tensor]]:
    """Forward, then backward a random weighting of every output; return outputs and all grads."""
    x = x.clone().requires_grad_(True)
    hx_leaves = None if hx is None else [t.clone().requires_grad_(True) for t in _flat(hx)]
    hx_arg = None if hx is None else (hx_leaves[0] if len(hx_leaves) == 1 else tuple(hx_leaves))
    outs = _flat(module(x, hx_arg))
    gen = torch.Generator().manual_seed(1)
    loss = sum((o * torch.randn(o.shape, generator=gen, dtype=o.dtype)).sum() for o in outs)
    loss.backward()
    grads = {name: p.grad for name, p in module.named_parameters()}
    grads["input"] = x.grad
    for k, leaf in enumerate(hx_leaves or []):
        grads[f"hx{k}"] = leaf.grad
    return [o.detach() for o in outs], grads


def assert_same(ref_result, our_result) -> None:
    (ref_outs, ref_grads), (our_outs, our_grads) = ref_result, our_result
    assert len(ref_outs) == len(our_outs)
    for a, b in zip(ref_outs, our_outs):
        assert a.shape == b.shape
        torch.testing.assert_close(b, a, atol=ATOL, rtol=0)
    assert ref_grads.keys() == our_grads.keys()
    for name in ref_grads:
        torch.testing.assert_close(our_grads[name], ref_grads[name], atol=ATOL, rtol=0, msg=name)


def make_input(kind: str, batch: int, length: int, unbatched: bool, given_hx: bool, module: nn.Module):
    gen = torch.Generator().manual_seed(0)
    shape = (length, H_IN) if unbatched else ((batch, length, H_IN) if module.batch_first else (length, batch, H_IN))
    x = torch.randn(shape, generator=gen, dtype=torch.float64)
    if not given_hx:
        return x, None
    d = 2 if module.bidirectional else 1
    hshape = (d * module.num_layers, H) if unbatched else (d * module.num_layers, batch, H)
    h = torch.randn(hshape, generator=gen, dtype=torch.float64)
    return x, ((h, torch.randn(hshape, generator=gen, dtype=torch.float64)) if kind == "lstm" else h)


LAYER_CONFIGS = {
    "one_layer": {},
    "two_layers": {"num_layers": 2},
    "three_layers": {"num_layers": 3},
    "bidirectional": {"bidirectional": True},
    "bidirectional_three_layers": {"bidirectional": True, "num_layers": 3},
    "batch_first": {"batch_first": True},
    "batch_first_bidirectional_two_layers": {"batch_first": True, "bidirectional": True, "num_layers": 2},
    "no_bias": {"bias": False},
    "no_bias_two_layers_bidirectional": {"bias": False, "num_layers": 2, "bidirectional": True},
}
INPUT_CONFIGS = {
    "batch3_len5": dict(batch=3, length=5, unbatched=False, given_hx=False),
    "given_hx": dict(batch=3, length=5, unbatched=False, given_hx=True),
    "batch1": dict(batch=1, length=4, unbatched=False, given_hx=True),
    "length1": dict(batch=2, length=1, unbatched=False, given_hx=False),
    "unbatched": dict(batch=1, length=4, unbatched=True, given_hx=False),
    "unbatched_given_hx": dict(batch=1, length=4, unbatched=True, given_hx=True),
}


# --- layers: outputs, states and gradients --------------------------------------------------


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("config", LAYER_CONFIGS)
def test_layer_matches_torch_for_every_configuration(kind: str, config: str) -> None:
    ref, ours = make_layers(kind, **LAYER_CONFIGS[config])
    x, hx = make_input(kind, 3, 5, unbatched=False, given_hx=True, module=ref)
    assert_same(run_and_grad(ref, x, hx), run_and_grad(ours, x, hx))


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("inputs", INPUT_CONFIGS)
@pytest.mark.parametrize("config", ["one_layer", "batch_first_bidirectional_two_layers"])
def test_layer_matches_torch_for_every_input_form(kind: str, inputs: str, config: str) -> None:
    ref, ours = make_layers(kind, **LAYER_CONFIGS[config])
    x, hx = make_input(kind, module=ref, **INPUT_CONFIGS[inputs])
    assert_same(run_and_grad(ref, x, hx), run_and_grad(ours, x, hx))


@pytest.mark.parametrize("kind", LAYERS)
def test_state_dict_moves_from_ours_to_torch(kind: str) -> None:
    ref, ours = make_layers(kind, reverse=True, num_layers=2, bidirectional=True)
    x, hx = make_input(kind, 2, 4, unbatched=False, given_hx=True, module=ref)
    assert_same(run_and_grad(ref, x, hx), run_and_grad(ours, x, hx))


@pytest.mark.parametrize("kind", LAYERS)
def test_layer_parameters_have_torch_names_shapes_and_order(kind: str) -> None:
    ref, ours = make_layers(kind, num_layers=2, bidirectional=True)
    ref_params = [(n, p.shape) for n, p in ref.named_parameters()]
    assert [(n, p.shape) for n, p in ours.named_parameters()] == ref_params


@pytest.mark.parametrize("kind", LAYERS)
def test_layer_initialisation_equals_torch_with_same_seed(kind: str) -> None:
    kw = _kwargs(kind, num_layers=2, bidirectional=True)
    torch.manual_seed(3)
    ref = getattr(nn, LAYERS[kind])(H_IN, H, **kw)
    torch.manual_seed(3)
    ours = getattr(cells, LAYERS[kind])(H_IN, H, **kw)
    for a, b in zip(ref.parameters(), ours.parameters(), strict=True):
        assert torch.equal(a, b)
    bound = 1 / H**0.5
    assert all(p.abs().max() <= bound for p in ours.parameters())


@pytest.mark.parametrize("kind", LAYERS)
def test_layer_runs_no_fused_recurrent_kernel(kind: str) -> None:
    _, ours = make_layers(kind, num_layers=2, bidirectional=True)
    x = torch.randn(4, 2, H_IN, dtype=torch.float64)
    with torch.autograd.profiler.profile() as prof:
        ours(x)[0].sum().backward()
    names = {event.name.lower() for event in prof.function_events}
    fused = [n for n in names if any(k in n for k in ("lstm", "gru", "rnn_tanh", "rnn_relu", "_cell"))]
    assert not fused, fused


def test_layer_repr_matches_torch() -> None:
    kw = dict(num_layers=2, nonlinearity="relu", bias=False, batch_first=True, dropout=0.5, bidirectional=True)
    assert repr(cells.RNN(3, 4, **kw)).split("(", 1)[1] == repr(nn.RNN(3, 4, **kw)).split("(", 1)[1]


# --- dropout -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LAYERS)
def test_dropout_in_eval_mode_matches_torch(kind: str) -> None:
    ref, ours = make_layers(kind, num_layers=3, dropout=0.5)
    ref.eval(), ours.eval()
    x, hx = make_input(kind, 3, 5, unbatched=False, given_hx=False, module=ref)
    assert_same(run_and_grad(ref, x, hx), run_and_grad(ours, x, hx))


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("packed", [False, True])
def test_dropout_in_train_mode_matches_torch_with_the_same_seed(kind: str, packed: bool) -> None:
    # F.dropout between layers draws the same random numbers as torch.nn's kernels.
    ref, ours = make_layers(kind, num_layers=3, dropout=0.5, bidirectional=True)
    ref.train(), ours.train()
    results = []
    for module in (ref, ours):
        torch.manual_seed(7)
        if packed:
            results.append(run_packed(module, [5, 2, 4], False, True, kind))
        else:
            x, hx = make_input(kind, 3, 5, unbatched=False, given_hx=True, module=module)
            results.append(run_and_grad(module, x, hx))
    assert_same(*results)


@pytest.mark.parametrize("kind", LAYERS)
def test_dropout_in_train_mode_changes_output(kind: str) -> None:
    _, ours = make_layers(kind, num_layers=2, dropout=0.5)
    x = torch.randn(5, 3, H_IN, dtype=torch.float64)
    ours.eval()
    eval_out = ours(x)[0]
    ours.train()
    torch.manual_seed(0)
    assert not torch.allclose(ours(x)[0], eval_out)


@pytest.mark.parametrize("kind", LAYERS)
def test_dropout_applies_between_layers_only(kind: str) -> None:
    # With p = 1 every value between layers is zeroed, which is deterministic: torch agrees, and
    # the output is not zero, so no dropout was applied after the last layer.
    ref, ours = make_layers(kind, num_layers=2, dropout=1.0, bidirectional=True)
    ref.train(), ours.train()
    x, hx = make_input(kind, 3, 5, unbatched=False, given_hx=True, module=ref)
    ref_result, our_result = run_and_grad(ref, x, hx), run_and_grad(ours, x, hx)
    assert_same(ref_result, our_result)
    assert our_result[0][0].abs().max() > 0  # dropout after the last layer would zero it all


def test_dropout_with_one_layer_warns_like_torch() -> None:
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        cells.LSTM(H_IN, H, dropout=0.3)


@pytest.mark.parametrize("kind", LAYERS)
def test_dropout_after_single_layer_does_nothing_in_train_mode(kind: str) -> None:
    with pytest.warns(UserWarning):
        _, ours = make_layers(kind, dropout=0.5)
    x = torch.randn(5, 3, H_IN, dtype=torch.float64)
    ours.train()
    train_out = ours(x)[0]
    ours.eval()
    torch.testing.assert_close(ours(x)[0], train_out, atol=0, rtol=0)


# --- cells -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CELLS)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("unbatched", [False, True])
@pytest.mark.parametrize("given_hx", [False, True])
def test_cell_matches_torch(kind: str, bias: bool, unbatched: bool, given_hx: bool) -> None:
    ref, ours = make_cells(kind, bias=bias)
    gen = torch.Generator().manual_seed(0)
    batch_shape = () if unbatched else (3,)
    x = torch.randn(*batch_shape, H_IN, generator=gen, dtype=torch.float64)
    hx = None
    if given_hx:
        hx = torch.randn(*batch_shape, H, generator=gen, dtype=torch.float64)
        if kind == "lstm":
            hx = (hx, torch.randn(*batch_shape, H, generator=gen, dtype=torch.float64))
    assert_same(run_and_grad(ref, x, hx), run_and_grad(ours, x, hx))


@pytest.mark.parametrize("kind", CELLS)
def test_cell_state_dict_moves_from_ours_to_torch(kind: str) -> None:
    ref, ours = make_cells(kind, reverse=True)
    x = torch.randn(2, H_IN, dtype=torch.float64)
    assert_same(run_and_grad(ref, x, None), run_and_grad(ours, x, None))


@pytest.mark.parametrize("kind", CELLS)
@pytest.mark.parametrize("bias", [True, False])
def test_cell_parameters_and_initialisation_equal_torch(kind: str, bias: bool) -> None:
    kw = _kwargs(kind, bias=bias)
    torch.manual_seed(5)
    ref = getattr(nn, CELLS[kind])(H_IN, H, **kw)
    torch.manual_seed(5)
    ours = getattr(cells, CELLS[kind])(H_IN, H, **kw)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in ref.named_parameters()]
    for a, b in zip(ref.parameters(), ours.parameters(), strict=True):
        assert torch.equal(a, b)
    assert (ours.bias_ih is None) == (not bias)
    assert repr(ours).split("(", 1)[1] == repr(ref).split("(", 1)[1]


# --- lstm_gate_trace -------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["torch_lstm", "our_lstm", "torch_cell", "our_cell"])
def test_lstm_gate_trace_reproduces_the_lstm(source: str) -> None:
    ref, ours = make_layers("lstm", num_layers=2, batch_first=True)
    ref_cell, our_cell = make_cells("lstm")
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):  # the cells get layer 0's weights
        for cell in (ref_cell, our_cell):
            getattr(cell, name).data.copy_(getattr(ref, name + "_l0"))
    model = {"torch_lstm": ref, "our_lstm": ours, "torch_cell": ref_cell, "our_cell": our_cell}[source]
    x = torch.randn(6, H_IN, dtype=torch.float64)
    trace = cells.lstm_gate_trace(model, x)
    assert set(trace) == set("ifgoch")
    assert all(v.shape == (6, H) for v in trace.values())
    layer0 = nn.LSTM(H_IN, H, dtype=torch.float64)
    layer0.load_state_dict({k: v for k, v in ref.state_dict().items() if k.endswith("l0")})
    out, (h_n, c_n) = layer0(x)
    torch.testing.assert_close(trace["h"], out.detach(), atol=ATOL, rtol=0)
    torch.testing.assert_close(trace["c"][-1], c_n[0].detach(), atol=ATOL, rtol=0)
    c_prev = torch.cat([torch.zeros(1, H, dtype=torch.float64), trace["c"][:-1]])
    torch.testing.assert_close(trace["c"], trace["f"] * c_prev + trace["i"] * trace["g"], atol=ATOL, rtol=0)
    assert ((trace["f"] > 0) & (trace["f"] < 1)).all()


def test_lstm_gate_trace_accepts_1d_sequence_when_one_input_feature() -> None:
    lstm = nn.LSTM(1, H)
    x = torch.randn(7)
    torch.testing.assert_close(cells.lstm_gate_trace(lstm, x)["h"], lstm(x[:, None])[0].detach())


def test_lstm_gate_trace_rejects_other_modules() -> None:
    with pytest.raises(TypeError, match="lstm must be"):
        cells.lstm_gate_trace(nn.GRU(1, H), torch.randn(5, 1))


def test_lstm_gate_trace_rejects_batched_input() -> None:
    with pytest.raises(ValueError, match=r"x must be one unbatched sequence of shape \(L, H_in=1\)"):
        cells.lstm_gate_trace(nn.LSTM(1, H), torch.randn(5, 2, 1))


# --- constructor arguments ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "kwargs", "error", "match"),
    [
        (cells.RNN, {"nonlinearity": "sigmoid"}, ValueError, "Unknown nonlinearity 'sigmoid'"),
        (cells.RNNCell, {"nonlinearity": "gelu"}, ValueError, "Unknown nonlinearity 'gelu'"),
        (cells.LSTM, {"hidden_size": 0}, ValueError, "hidden_size must be greater than zero, got 0"),
        (cells.GRUCell, {"hidden_size": -2}, ValueError, "hidden_size must be greater than zero, got -2"),
        (cells.GRU, {"input_size": 0}, ValueError, "input_size must be greater than zero, got 0"),
        (cells.RNN, {"hidden_size": 4.0}, TypeError, "hidden_size should be of type int, got: float"),
        (cells.GRU, {"num_layers": 0}, ValueError, r"num_layers must be greater than zero \(an int\), got 0"),
        (cells.LSTM, {"dropout": 1.5}, ValueError, r"dropout should be a number in range \[0, 1\].*got 1.5"),
        (cells.RNN, {"dropout": -0.1}, ValueError, r"dropout should be a number in range \[0, 1\]"),
        (cells.GRU, {"dropout": True}, ValueError, r"dropout should be a number in range \[0, 1\]"),
        (cells.LSTM, {"proj_size": -1}, ValueError, "proj_size should be a positive integer or zero.*got -1"),
        (cells.LSTM, {"proj_size": H}, ValueError, "proj_size has to be smaller than hidden_size, got proj_size=4"),
        (cells.LSTM, {"proj_size": 1.5}, ValueError, "proj_size should be a positive integer or zero.*got 1.5"),
        (cells.LSTM, {"bias": 1}, TypeError, "bias should be of type bool, got: int"),
        (cells.GRU, {"batch_first": "yes"}, TypeError, "batch_first should be of type bool, got: str"),
        (cells.RNN, {"bidirectional": None}, TypeError, "bidirectional should be of type bool, got: NoneType"),
    ],
)
def test_bad_constructor_argument_raises_naming_it(cls, kwargs, error, match) -> None:
    kw = {"input_size": H_IN, "hidden_size": H, **kwargs}
    with pytest.raises(error, match=match):
        cls(**kw)


# --- bad inputs ------------------------------------------------------------------------------


def _assert_bad_input_named(ours, kind, x_shape, hx_shape, match) -> None:
    """Call ``ours`` on float64 input of ``x_shape`` (and zero state of ``hx_shape``); expect ``match``.

    The error is `cells.InputError`: caught by ``except ValueError`` and ``except RuntimeError``.
    """
    x = torch.randn(x_shape, dtype=torch.float64)
    hx = None
    if hx_shape is not None:
        hx = torch.zeros(hx_shape, dtype=torch.float64)
        hx = (hx, hx) if kind == "lstm" else hx
    with pytest.raises(cells.InputError, match=match) as info:
        ours(x, hx)
    assert isinstance(info.value, ValueError) and isinstance(info.value, RuntimeError)


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize(
    ("x_shape", "hx_shape", "match"),
    [
        ((5, 3, 7), None, r"input.size\(-1\) must be equal to input_size. Expected 3, got 7 \(input has shape"),
        ((5, 3, 2, H_IN), None, r"Expected input to be 2D or 3D, got 4D instead: input must be \(L, H_in\) or \(L, N, H_in\)"),
        ((H_IN,), None, r"got 1D instead.*got shape \(3,\)"),
        ((5, 3, H_IN), (1, 2, H), r"Expected hidden(\[0\])? size \(1, 3, 4\), got \[1, 2, 4\]: hx.* must be \(D\*num_layers, N, H_out\)"),
        ((5, 3, H_IN), (2, 3, H), r"Expected hidden(\[0\])? size \(1, 3, 4\), got \[2, 3, 4\]"),
        ((5, H_IN), (1, 1, H), r"For unbatched 2-D input, hx.* should also be 2-D \(D\*num_layers, H_out\), got 3-D"),
        ((5, 3, H_IN), (1, H), r"For batched 3-D input, hx.* should also be 3-D"),
        ((5, H_IN), (1, 2), r"Expected hidden(\[0\])? size \(1, 4\), got \[1, 2\]: hx.* must be \(D\*num_layers, H_out\)"),
    ],
)
def test_layer_bad_input_raises_input_error_naming_it(kind, x_shape, hx_shape, match) -> None:
    _, ours = make_layers(kind)
    _assert_bad_input_named(ours, kind, x_shape, hx_shape, match)


def test_lstm_bad_cell_state_is_named() -> None:
    _, ours = make_layers("lstm")
    x = torch.randn(5, 3, H_IN, dtype=torch.float64)
    h0, c0 = torch.zeros(1, 3, H, dtype=torch.float64), torch.zeros(1, 2, H, dtype=torch.float64)
    with pytest.raises(cells.InputError, match=r"hidden\[1\] size \(1, 3, 4\), got \[1, 2, 4\]: hx\[1\] \(c_0\)"):
        ours(x, (h0, c0))


def test_lstm_hx_must_be_a_pair() -> None:
    _, ours = make_layers("lstm")
    with pytest.raises(TypeError, match=r"hx must be a tuple \(h_0, c_0\)"):
        ours(torch.randn(5, 3, H_IN, dtype=torch.float64), torch.zeros(1, 3, H, dtype=torch.float64))


def test_layer_input_must_be_a_tensor_or_packed_sequence() -> None:
    _, ours = make_layers("gru")
    with pytest.raises(TypeError, match="input must be a Tensor or PackedSequence, got list"):
        ours([[1.0, 2.0, 3.0]])


def test_layer_input_dtype_mismatch_is_explained() -> None:
    _, ours = make_layers("gru")
    match = r"input dtype \(torch.float32\) does not match weight dtype \(torch.float64\). Convert input"
    with pytest.raises(cells.InputError, match=match):
        ours(torch.randn(5, 3, H_IN))


def test_batch_first_is_named_in_the_ndim_error() -> None:
    ours = cells.RNN(H_IN, H, batch_first=True)
    with pytest.raises(cells.InputError, match=r"\(N, L, H_in\)"):
        ours(torch.randn(2, 2, 2, H_IN))


@pytest.mark.parametrize("kind", CELLS)
@pytest.mark.parametrize(
    ("x_shape", "hx_shape", "match"),
    [
        ((3, 7), None, r"input has inconsistent input_size: got 7 expected 3 \(input shape \(3, 7\)"),
        ((2, 3, H_IN), None, r"Expected input to be 1D or 2D, got 3D instead: input must be \(H_in\) or \(N, H_in\)"),
        ((3, H_IN), (2, H), r"Input batch size 3 doesn't match hidden0 batch size 2: hx.* must have shape \(3, 4\)"),
        ((3, H_IN), (3, 5), r"hidden0 has inconsistent hidden_size: got 5, expected 4: hx.* must have shape \(3, 4\)"),
        ((H_IN,), (1, H), r"hx.* must have shape \(4,\) for input of shape \(3,\), got \(1, 4\)"),
        ((3, H_IN), (3, 1, 1, H), r"Expected (hidden|hx\[0\]) to be 1D or 2D, got 4D instead"),
    ],
)
def test_cell_bad_input_raises_input_error_naming_it(kind, x_shape, hx_shape, match) -> None:
    _, ours = make_cells(kind)
    _assert_bad_input_named(ours, kind, x_shape, hx_shape, match)


def test_cell_input_dtype_mismatch_is_explained() -> None:
    _, ours = make_cells("lstm")
    with pytest.raises(cells.InputError, match=r"LSTMCell: RNN input dtype \(torch.float32\) does not match"):
        ours(torch.randn(2, H_IN))


@pytest.mark.parametrize("bias", ["relu", "tanh"])
def test_cell_reads_a_string_bias_as_torch_does_and_warns(bias: str) -> None:
    # torch.nn.RNNCell(10, 20, "relu") passes "relu" as bias (the third positional argument).
    with pytest.warns(UserWarning, match=f"bias='{bias}' is read as bias=True.*did you mean nonlinearity"):
        ours = cells.RNNCell(10, 20, bias)
    ref = nn.RNNCell(10, 20, bias)
    assert ours.nonlinearity == ref.nonlinearity == "tanh"
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in ref.named_parameters()]
    assert repr(ours) == repr(ref)


def test_cell_positional_arguments_follow_torch() -> None:
    ours, ref = cells.RNNCell(10, 20, False, "relu"), nn.RNNCell(10, 20, False, "relu")
    assert (ours.bias, ours.nonlinearity) == (ref.bias, ref.nonlinearity) == (False, "relu")
    lstm, ref_lstm = cells.LSTM(3, 8, 2, True, True, 0.0, True, 4), nn.LSTM(3, 8, 2, True, True, 0.0, True, 4)
    assert repr(lstm).split("(", 1)[1] == repr(ref_lstm).split("(", 1)[1]
    rnn, ref_rnn = cells.RNN(3, 8, 2, "relu", False), nn.RNN(3, 8, 2, "relu", False)
    assert (rnn.nonlinearity, rnn.bias) == (ref_rnn.nonlinearity, ref_rnn.bias) == ("relu", False)


# --- PackedSequence ----------------------------------------------------------------------------

from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence  # noqa: E402

LENGTHS = {"sorted": [5, 4, 4, 2, 1], "unsorted": [2, 5, 1, 4, 3], "equal": [3, 3, 3]}


def run_packed(module, lengths, enforce_sorted: bool, given_hx: bool, kind: str):
    """Pack a random padded batch, run ``module``, backward; return outputs and grads (input, hx, params)."""
    gen = torch.Generator().manual_seed(0)
    n, length = len(lengths), max(lengths)
    shape = (n, length, H_IN) if module.batch_first else (length, n, H_IN)
    x = torch.randn(shape, generator=gen, dtype=torch.float64).requires_grad_(True)
    packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=module.batch_first, enforce_sorted=enforce_sorted)
    hx, leaves = None, []
    if given_hx:
        d = (2 if module.bidirectional else 1) * module.num_layers
        h_out = getattr(module, "proj_size", 0) or H
        leaves = [torch.randn(d, n, h_out, generator=gen, dtype=torch.float64).requires_grad_(True)]
        if kind == "lstm":
            leaves.append(torch.randn(d, n, H, generator=gen, dtype=torch.float64).requires_grad_(True))
        hx = leaves[0] if len(leaves) == 1 else tuple(leaves)
    output, h_n = module(packed, hx)
    assert isinstance(output, PackedSequence)
    outs = [output.data, *_flat(h_n)]
    padded, out_lengths = pad_packed_sequence(output, batch_first=module.batch_first)
    assert out_lengths.tolist() == list(lengths)
    wgen = torch.Generator().manual_seed(1)
    sum((o * torch.randn(o.shape, generator=wgen, dtype=o.dtype)).sum() for o in outs).backward()
    grads = {name: p.grad for name, p in module.named_parameters()}
    grads["input"] = x.grad
    grads.update({f"hx{k}": leaf.grad for k, leaf in enumerate(leaves)})
    return [o.detach() for o in outs] + [padded.detach()], grads


PACKED_CONFIGS = {
    "one_layer": {},
    "bidirectional_two_layers": {"bidirectional": True, "num_layers": 2},
    "batch_first_bidirectional": {"batch_first": True, "bidirectional": True},
    "no_bias_three_layers": {"bias": False, "num_layers": 3},
}


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("config", PACKED_CONFIGS)
@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("given_hx", [False, True])
def test_packed_sequence_matches_torch(kind: str, config: str, lengths: str, given_hx: bool) -> None:
    ref, ours = make_layers(kind, **PACKED_CONFIGS[config])
    enforce_sorted = lengths != "unsorted"
    args = (LENGTHS[lengths], enforce_sorted, given_hx, kind)
    assert_same(run_packed(ref, *args), run_packed(ours, *args))


@pytest.mark.parametrize("kind", LAYERS)
def test_packed_final_state_is_each_sequences_own_last_step(kind: str) -> None:
    # Forward direction: h_n of a sequence equals its output at its last valid step; reverse
    # direction: its output at step 0. Checked on ours directly (torch agrees, test above).
    _, ours = make_layers(kind, bidirectional=True)
    lengths = [2, 5, 1, 4]
    x = torch.randn(5, 4, H_IN, dtype=torch.float64)
    output, h_n = ours(pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False))
    h_n = h_n[0] if kind == "lstm" else h_n
    padded, _ = pad_packed_sequence(output)  # (L, N, 2*H)
    for b, n in enumerate(lengths):
        torch.testing.assert_close(h_n[0, b], padded[n - 1, b, :H], atol=0, rtol=0)
        torch.testing.assert_close(h_n[1, b], padded[0, b, H:], atol=0, rtol=0)
        assert (padded[n:, b] == 0).all()  # nothing is computed past a sequence's end


def test_packed_input_is_checked() -> None:
    ours = cells.GRU(H_IN, H)
    packed = pack_padded_sequence(torch.randn(4, 2, H_IN + 1), torch.tensor([4, 2]))
    with pytest.raises(cells.InputError, match=r"input_size. Expected 3, got 4 \(PackedSequence.data"):
        ours(packed)
    packed = pack_padded_sequence(torch.randn(4, 2, H_IN), torch.tensor([4, 2]))
    with pytest.raises(cells.InputError, match=r"Expected hidden size \(1, 2, 4\), got \[1, 3, 4\]"):
        ours(packed, torch.zeros(1, 3, H))


def test_run_over_time_on_a_packed_batch_by_hand() -> None:
    # step = add the input to the state: the final state of each sequence is the sum of its own steps
    steps = [torch.tensor([[1.0], [10.0], [100.0]]), torch.tensor([[2.0], [20.0]]), torch.tensor([[3.0]])]
    state = (torch.zeros(3, 1),)
    outputs, final = cells.run_over_time(lambda x, s: (s[0] + x,), steps, state)
    assert [o.flatten().tolist() for o in outputs] == [[1, 10, 100], [3, 30], [6]]
    assert final[0].flatten().tolist() == [6, 30, 100]
    outputs, final = cells.run_over_time(lambda x, s: (s[0] + x,), steps, state, reverse=True)
    assert [o.flatten().tolist() for o in outputs] == [[6, 30, 100], [5, 20], [3]]
    assert final[0].flatten().tolist() == [6, 30, 100]


# --- LSTM proj_size ----------------------------------------------------------------------------


PROJ_CONFIGS = {
    "one_layer": {"proj_size": 2},
    "bidirectional_two_layers": {"proj_size": 3, "bidirectional": True, "num_layers": 2},
    "batch_first_no_bias": {"proj_size": 1, "batch_first": True, "bias": False},
}


@pytest.mark.parametrize("config", PROJ_CONFIGS)
@pytest.mark.parametrize("given_hx", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_projection_matches_torch(config: str, given_hx: bool, reverse: bool) -> None:
    ref, ours = make_layers("lstm", reverse=reverse, **PROJ_CONFIGS[config])
    x = torch.randn((3, 5, H_IN) if ref.batch_first else (5, 3, H_IN), dtype=torch.float64)
    hx = None
    if given_hx:
        d = (2 if ref.bidirectional else 1) * ref.num_layers
        hx = (torch.randn(d, 3, ref.proj_size, dtype=torch.float64), torch.randn(d, 3, H, dtype=torch.float64))
    assert_same(run_and_grad(ref, x, hx), run_and_grad(ours, x, hx))
    assert_same(run_packed(ref, [5, 3, 4], False, given_hx, "lstm"), run_packed(ours, [5, 3, 4], False, given_hx, "lstm"))


def test_lstm_projection_parameters_shapes_and_initialisation_equal_torch() -> None:
    kw = dict(num_layers=2, bidirectional=True, proj_size=2)
    torch.manual_seed(4)
    ref = nn.LSTM(H_IN, H, **kw)
    torch.manual_seed(4)
    ours = cells.LSTM(H_IN, H, **kw)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == [(n, p.shape) for n, p in ref.named_parameters()]
    assert ours.weight_hr_l1_reverse.shape == (2, H) and ours.weight_hh_l0.shape == (4 * H, 2)
    for a, b in zip(ref.parameters(), ours.parameters(), strict=True):
        assert torch.equal(a, b)
    out, (h, c) = ours(torch.randn(5, 3, H_IN))
    assert out.shape == (5, 3, 2 * 2) and h.shape == (4, 3, 2) and c.shape == (4, 3, H)


# --- what torch.nn.RNNBase users touch ---------------------------------------------------------


@pytest.mark.parametrize("kw", [{}, {"num_layers": 2, "bidirectional": True}, {"proj_size": 2, "bias": False}])
def test_all_weights_flatten_parameters_and_repr_match_torch(kw: dict) -> None:
    ref, ours = make_layers("lstm", **kw)
    names = lambda m: [[next(n for n, q in m.named_parameters() if q is p) for p in ws] for ws in m.all_weights]  # noqa: E731
    assert names(ours) == names(ref)
    assert ours.flatten_parameters() is None
    assert repr(ours).split("(", 1)[1] == repr(ref).split("(", 1)[1]


def _dtypes(result) -> list[torch.dtype]:
    if isinstance(result, PackedSequence):
        return [result.data.dtype]
    if isinstance(result, torch.Tensor):
        return [result.dtype]
    return [d for part in result for d in _dtypes(part)]


AUTOCAST_MODULES = {
    "RNN": {}, "LSTM": {}, "LSTM_proj": {"proj_size": 2}, "GRU": {"bidirectional": True, "num_layers": 2},
    "RNNCell": {}, "LSTMCell": {}, "GRUCell": {},
}


@pytest.mark.parametrize("name", AUTOCAST_MODULES)
@pytest.mark.parametrize("input_dtype", [torch.float32, torch.bfloat16])
@pytest.mark.parametrize("packed", [False, True])
def test_output_dtypes_under_cpu_autocast_match_torch(name: str, input_dtype: torch.dtype, packed: bool) -> None:
    cls_name = name.split("_")[0]
    if packed and cls_name.endswith("Cell"):
        pytest.skip("cells take one step, there is nothing to pack")
    torch.manual_seed(0)
    ref = getattr(nn, cls_name)(H_IN, H, **AUTOCAST_MODULES[name])
    ours = getattr(cells, cls_name)(H_IN, H, **AUTOCAST_MODULES[name])
    ours.load_state_dict(ref.state_dict())
    x = (torch.randn(2, H_IN) if cls_name.endswith("Cell") else torch.randn(5, 2, H_IN)).to(input_dtype)
    if packed:
        x = pack_padded_sequence(x, torch.tensor([5, 3]))
    with torch.autocast("cpu", dtype=torch.bfloat16), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: "LSTM with projections is not supported with oneDNN"
        ref_out, our_out = ref(x), ours(x)
    assert _dtypes(our_out) == _dtypes(ref_out)
    for a, b in zip(_flat_any(ref_out), _flat_any(our_out)):
        torch.testing.assert_close(b.float(), a.float(), atol=0.1, rtol=0.1)  # bfloat16 has 8 bits


def _flat_any(result) -> list[torch.Tensor]:
    if isinstance(result, PackedSequence):
        return [result.data]
    if isinstance(result, torch.Tensor):
        return [result]
    return [t for part in result for t in _flat_any(part)]
