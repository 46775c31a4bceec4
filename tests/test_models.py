"""Tests for tslab.models: shapes, gradients, tslab cells, validation."""

from __future__ import annotations

import importlib.util

import pytest
import torch
from torch import nn

from tslab.models import (
    KINDS,
    RECURRENT_KINDS,
    SequenceModel,
    StatefulForecaster,
    count_parameters,
    model_from_config,
    sinusoidal_encoding,
)

HAS_CELLS = importlib.util.find_spec("tslab.cells") is not None
needs_cells = pytest.mark.skipif(not HAS_CELLS, reason="tslab.cells is not written yet")

SIZES = [(8, 1), (16, 2)]  # (hidden_size, num_layers)


def _x(n: int = 3, length: int = 7, features: int = 2) -> torch.Tensor:
    return torch.randn(n, length, features, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("hidden_size,num_layers", SIZES)
def test_output_shape_and_backward_for_every_kind(kind, hidden_size, num_layers):
    model = SequenceModel(kind, input_size=2, hidden_size=hidden_size, num_layers=num_layers,
                          output_size=4, dropout=0.1)
    y = model(_x())
    assert y.shape == (3, 4)
    y.sum().backward()
    assert all(p.grad is not None for p in model.parameters())


@pytest.mark.parametrize("kind", RECURRENT_KINDS)
@pytest.mark.parametrize("hidden_size,num_layers", SIZES)
def test_bidirectional_recurrent_output_shape(kind, hidden_size, num_layers):
    model = SequenceModel(kind, 2, hidden_size, num_layers, bidirectional=True, output_size=3)
    assert model.head.in_features == 2 * hidden_size
    assert model(_x()).shape == (3, 3)


@pytest.mark.parametrize("kind", RECURRENT_KINDS)
def test_bidirectional_summary_equals_top_layer_h_n(kind):
    model = SequenceModel(kind, 2, 5, num_layers=2, bidirectional=True)
    x = _x()
    out, h_n = model.encoder(x)
    h_n = h_n[0] if kind == "lstm" else h_n  # (num_layers * D, N, H_out)
    H = 5
    summary = torch.cat([out[:, -1, :H], out[:, 0, H:]], dim=1)
    torch.testing.assert_close(summary, torch.cat([h_n[-2], h_n[-1]], dim=1))


@pytest.mark.parametrize("kind", RECURRENT_KINDS)
def test_recurrent_output_uses_last_time_step(kind):
    model = SequenceModel(kind, 2, 6)
    x = _x()
    out, _ = model.encoder(x)
    torch.testing.assert_close(model(x), model.head(out[:, -1, :]))


@pytest.mark.parametrize("kind", ["cnn", "transformer"])
def test_mean_pooling_shape(kind):
    model = SequenceModel(kind, 2, 8, pooling="mean", output_size=2)
    assert model(_x()).shape == (3, 2)


def test_cnn_is_causal():
    model = SequenceModel("cnn", 1, 4, num_layers=2)
    x = _x(1, 10, 1)
    out = model.encoder(x)
    x2 = x.clone()
    x2[:, -1] += 5.0  # change only the last step: earlier outputs must not move
    torch.testing.assert_close(model.encoder(x2)[:, :-1], out[:, :-1])


def test_sinusoidal_encoding_values_and_odd_width():
    pe = sinusoidal_encoding(4, 5)
    assert pe.shape == (4, 5)
    torch.testing.assert_close(pe[0], torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0]))
    assert torch.isclose(pe[1, 0], torch.sin(torch.tensor(1.0)))


def test_transformer_sees_order():
    model = SequenceModel("transformer", 1, 8, pooling="mean").eval()
    x = _x(1, 6, 1)
    assert not torch.allclose(model(x), model(x.flip(1)))  # without positions this would be equal


def test_model_moves_to_device_meta():
    model = SequenceModel("lstm", 2, 8).to("meta")  # meta device: shapes only, no memory
    assert model(_x().to("meta")).device.type == "meta"


@pytest.mark.parametrize("kind", RECURRENT_KINDS)
def test_count_parameters_matches_formula(kind):
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    H_in, H = 2, 8
    expected = gates * (H * H_in + H * H + 2 * H) + (H + 1)  # one layer + linear head
    assert count_parameters(SequenceModel(kind, H_in, H)) == expected


def test_count_parameters_ignores_frozen():
    model = SequenceModel("gru", 1, 4)
    model.head.requires_grad_(False)
    assert count_parameters(model) == count_parameters(model, trainable_only=False) - 5


@needs_cells
@pytest.mark.parametrize("kind", RECURRENT_KINDS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_tslab_cells_shapes_and_parameter_count(kind, bidirectional):
    ours = SequenceModel(kind, 2, 8, 2, bidirectional=bidirectional, use_tslab_cells=True, output_size=2)
    ref = SequenceModel(kind, 2, 8, 2, bidirectional=bidirectional, output_size=2)
    y = ours(_x())
    assert y.shape == (3, 2)
    y.sum().backward()
    assert count_parameters(ours) == count_parameters(ref)


@needs_cells
@pytest.mark.parametrize("kind", RECURRENT_KINDS)
def test_tslab_cells_agree_with_torch_given_same_weights(kind):
    ours = SequenceModel(kind, 2, 6, 2, use_tslab_cells=True)
    ref = SequenceModel(kind, 2, 6, 2)
    ours.load_state_dict(ref.state_dict())
    torch.testing.assert_close(ours(_x()), ref(_x()), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", RECURRENT_KINDS)
def test_stateful_forecaster_carries_state(kind):
    model = StatefulForecaster(kind, 1, 8, num_layers=2)
    x = _x(2, 10, 1)
    y_full, _ = model(x)
    y1, state = model(x[:, :4])
    y2, _ = model(x[:, 4:], state)
    assert y_full.shape == (2, 10, 1)
    torch.testing.assert_close(torch.cat([y1, y2], dim=1), y_full)


@pytest.mark.parametrize("model", [SequenceModel("gru", 1, 4, 2, output_size=3),
                                   StatefulForecaster("lstm", 1, 4)])
def test_model_from_config_rebuilds_same_architecture(model):
    rebuilt = model_from_config(model.config)
    assert type(rebuilt) is type(model)
    assert {k: v.shape for k, v in rebuilt.state_dict().items()} == {
        k: v.shape for k, v in model.state_dict().items()}


# ---- bad input --------------------------------------------------------------------------------
def test_unknown_kind_lists_valid_kinds():
    with pytest.raises(ValueError, match="kind must be one of.*lstm.*transformer"):
        SequenceModel("tcn", 1)


@pytest.mark.parametrize("name", ["input_size", "hidden_size", "num_layers", "output_size"])
def test_non_positive_size_rejected(name):
    kwargs = dict(kind="lstm", input_size=1, hidden_size=4, num_layers=1, output_size=1)
    kwargs[name] = 0
    with pytest.raises(ValueError, match=name):
        SequenceModel(**kwargs)


def test_float_size_rejected_with_type_error():
    with pytest.raises(TypeError, match="hidden_size"):
        SequenceModel("rnn", 1, hidden_size=8.0)


@pytest.mark.parametrize("dropout", [-0.1, 1.0])
def test_dropout_out_of_range_rejected(dropout):
    with pytest.raises(ValueError, match="dropout"):
        SequenceModel("gru", 1, dropout=dropout)


def test_bidirectional_cnn_rejected():
    with pytest.raises(ValueError, match="bidirectional"):
        SequenceModel("cnn", 1, bidirectional=True)


def test_heads_must_divide_hidden_size():
    with pytest.raises(ValueError, match="num_heads"):
        SequenceModel("transformer", 1, hidden_size=6, num_heads=4)


@pytest.mark.parametrize("kind, kwargs, message", [
    ("gru", dict(kernel_size=5), "kernel_size applies only to kind='cnn', got kind='gru' with kernel_size=5"),
    ("transformer", dict(kernel_size=2), "kernel_size applies only to kind='cnn', got kind='transformer'"),
    ("lstm", dict(num_heads=2), "num_heads applies only to kind='transformer', got kind='lstm' with num_heads=2"),
    ("cnn", dict(num_heads=4), "num_heads applies only to kind='transformer', got kind='cnn'"),
])
def test_kind_specific_arguments_rejected_for_other_kinds(kind, kwargs, message):
    with pytest.raises(ValueError, match=message):
        SequenceModel(kind, 1, hidden_size=8, **kwargs)


@pytest.mark.parametrize("kind", KINDS)
def test_default_kernel_size_and_num_heads_pass_for_every_kind_and_config_round_trip(kind):
    model = SequenceModel(kind, 1, hidden_size=8, kernel_size=3, num_heads=1)  # the defaults, spelt out
    assert {"kernel_size", "num_heads"} <= set(model.config)  # a saved config always has both keys
    rebuilt = model_from_config(dict(model.config))
    assert rebuilt.config == model.config


def test_kind_specific_arguments_work_for_their_kind():
    assert SequenceModel("cnn", 1, 8, kernel_size=5).encoder.convs[0].kernel_size == (5,)
    assert SequenceModel("transformer", 1, 8, num_heads=2).encoder.encoder.layers[0].self_attn.num_heads == 2


def test_model_from_config_rejects_kind_specific_argument_for_other_kind():
    config = dict(SequenceModel("gru", 1, 4).config, kernel_size=5)
    with pytest.raises(ValueError, match="kernel_size applies only to kind='cnn'"):
        model_from_config(config)


def test_bad_pooling_rejected():
    with pytest.raises(ValueError, match="pooling"):
        SequenceModel("rnn", 1, pooling="max")


@pytest.mark.parametrize("shape", [(3, 7), (3, 7, 2, 1), (3, 7, 5)])
def test_forward_names_expected_and_got_shape(shape):
    model = SequenceModel("lstm", 2, 4)
    with pytest.raises(ValueError, match=r"\(N, L, input_size\) = \(N, L, 2\), got"):
        model(torch.zeros(shape))


def test_forward_2d_input_hints_unsqueeze():
    with pytest.raises(ValueError, match="unsqueeze"):
        SequenceModel("rnn", 1, 4)(torch.zeros(3, 7))


def test_stateful_forecaster_rejects_cnn():
    with pytest.raises(ValueError, match="kind"):
        StatefulForecaster("cnn")


def test_count_parameters_rejects_non_module():
    with pytest.raises(TypeError, match="model"):
        count_parameters([nn.Linear(1, 1)])


def test_model_from_config_unknown_class():
    with pytest.raises(ValueError, match="model_class"):
        model_from_config({"model_class": "Nope"})


# ---- initialisation and change prediction -------------------------------------------------------
@pytest.mark.parametrize("kind", RECURRENT_KINDS)
def test_orthogonal_init_makes_every_recurrent_block_orthogonal(kind):
    model = SequenceModel(kind, 1, 6, num_layers=2, bidirectional=True, recurrent_init="orthogonal")
    for name, param in model.encoder.named_parameters():
        if name.startswith("weight_hh"):
            for block in param.detach().split(6):
                torch.testing.assert_close(block @ block.T, torch.eye(6), atol=1e-5, rtol=0)


def test_orthogonal_init_opens_the_lstm_forget_gate():
    torch.manual_seed(0)
    plain = SequenceModel("lstm", 1, 8, recurrent_init="pytorch").encoder.bias_hh_l0[8:16]
    torch.manual_seed(0)
    ortho = SequenceModel("lstm", 1, 8, recurrent_init="orthogonal").encoder.bias_hh_l0[8:16]
    torch.testing.assert_close(ortho, plain + 1.0)


@pytest.mark.parametrize("kind", RECURRENT_KINDS)
def test_default_init_is_the_one_the_course_teaches(kind):
    """Orthogonal W_hh blocks and, for LSTM, forget-gate bias +1: the default, not an option."""
    torch.manual_seed(0)
    default = SequenceModel(kind, 1, 8)
    torch.manual_seed(0)
    plain = SequenceModel(kind, 1, 8, recurrent_init="pytorch")
    assert default.config["recurrent_init"] == "orthogonal"
    W = default.encoder.weight_hh_l0.detach()
    for block in W.split(8):
        torch.testing.assert_close(block @ block.T, torch.eye(8), atol=1e-5, rtol=0)
    radius = float(torch.linalg.eigvals(plain.encoder.weight_hh_l0.detach()[:8]).abs().max())
    assert radius < 1  # PyTorch's uniform init shrinks the state at every step
    shift = (default.encoder.bias_hh_l0 - plain.encoder.bias_hh_l0).detach()
    expected = torch.zeros_like(shift)
    if kind == "lstm":
        expected[8:16] = 1.0  # gate order i, f, g, o: only the forget gate
    torch.testing.assert_close(shift, expected)
    torch.testing.assert_close(default.encoder.weight_ih_l0, plain.encoder.weight_ih_l0)


@pytest.mark.parametrize("kind", ["cnn", "transformer"])
def test_default_init_of_non_recurrent_kinds_is_pytorchs(kind):
    assert SequenceModel(kind, 1, 8).config["recurrent_init"] == "pytorch"


def test_model_from_config_reads_the_old_name_of_pytorch_init():
    config = SequenceModel("gru", 1, 4, recurrent_init="pytorch").config | {"recurrent_init": "default"}
    assert model_from_config(config).config["recurrent_init"] == "pytorch"


def test_orthogonal_init_needs_recurrent_kind():
    with pytest.raises(ValueError, match="recurrent_init"):
        SequenceModel("cnn", 1, recurrent_init="orthogonal")
    with pytest.raises(ValueError, match="recurrent_init"):
        SequenceModel("gru", 1, recurrent_init="xavier")


@pytest.mark.parametrize("kind", ["gru", "cnn"])
def test_predict_change_is_shift_equivariant(kind):
    model = SequenceModel(kind, 1, 6, predict_change=True, output_size=3)
    x = _x(4, 9, 1)
    torch.testing.assert_close(model(x + 10.0), model(x) + 10.0, rtol=0, atol=1e-4)
    assert model(x).shape == (4, 3)


def test_float64_input_is_cast_to_the_models_dtype():
    model = SequenceModel("gru", 2, 4)
    x = _x()
    torch.testing.assert_close(model(x.double()), model(x))


def test_integer_input_names_x_and_float32():
    with pytest.raises(TypeError, match=r"x must be a floating-point tensor \(torch.float32\)"):
        SequenceModel("gru", 2, 4)(torch.zeros(3, 7, 2, dtype=torch.long))


@pytest.mark.parametrize("name", ["bidirectional", "use_tslab_cells", "predict_change"])
def test_flags_must_be_bool(name):
    with pytest.raises(TypeError, match=f"{name} must be True or False, got 'no'"):
        SequenceModel("gru", 1, 4, **{name: "no"})


@pytest.mark.parametrize("length,d_model,error,name", [
    (-1, 4, ValueError, "length"), (4, 0, ValueError, "d_model"), (4.0, 4, TypeError, "length"),
])
def test_sinusoidal_encoding_rejects_bad_sizes(length, d_model, error, name):
    with pytest.raises(error, match=name):
        sinusoidal_encoding(length, d_model)
