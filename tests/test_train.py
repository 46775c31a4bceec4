"""Tests for tslab.train: the fit loop, early stopping, clipping, schedulers, checkpoints, TBPTT."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from tslab.models import SequenceModel, StatefulForecaster
from tslab.train import (
    History,
    LiveLossPlot,
    detach_state,
    evaluate,
    fit,
    load_checkpoint,
    predict,
    save_checkpoint,
    tbptt_epoch,
)


def _regression_data(n: int = 64, length: int = 6, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Target = mean of the window: learnable by any of our models in a few epochs."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, length, 1, generator=g)
    return x, x.mean(dim=1)  # (N, L, 1), (N, 1)


def _loader(x, y, batch_size=16, shuffle=False):
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=shuffle)


def _model(seed: int = 0, kind: str = "gru") -> SequenceModel:
    torch.manual_seed(seed)
    return SequenceModel(kind, 1, hidden_size=8)


@pytest.fixture
def loaders():
    x, y = _regression_data()
    xv, yv = _regression_data(32, seed=1)
    return _loader(x, y, shuffle=True), _loader(xv, yv)


def test_loss_decreases_on_tiny_problem(loaders):
    train, val = loaders
    history = fit(_model(), train, val, epochs=15, lr=1e-2, progress=False, seed=0)
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.val_loss[-1] < 0.5 * history.val_loss[0]
    assert len(history.lr) == len(history.seconds) == len(history.grad_norm) == 15


def test_history_as_dataframe_has_one_row_per_epoch(loaders):
    train, val = loaders
    history = fit(_model(), train, val, epochs=3, progress=False,
                  metrics={"mae": lambda y, p: float((y - p).abs().mean())})
    df = history.as_dataframe()
    assert list(df.columns) == ["train_loss", "val_loss", "lr", "seconds", "grad_norm", "mae"]
    assert len(df) == history.epochs == 3


def test_metrics_receive_true_then_predicted():
    x, _ = _regression_data(8)
    y = torch.arange(8) % 2  # class labels
    seen = {}

    def record(y_true, y_pred):
        seen["shapes"] = (tuple(y_true.shape), tuple(y_pred.shape))
        return 0.0

    model = SequenceModel("rnn", 1, 4, output_size=2)
    fit(model, _loader(x, y), _loader(x, y), loss_fn=nn.CrossEntropyLoss(), epochs=1,
        progress=False, metrics={"m": record})
    assert seen["shapes"] == ((8,), (8, 2))


def test_same_seed_gives_identical_history(loaders):
    def run():
        x, y = _regression_data()
        train = _loader(x, y, shuffle=True)  # uses torch's global RNG: seeded by fit
        torch.manual_seed(123)
        model = SequenceModel("lstm", 1, 8, dropout=0.2, num_layers=2)
        return fit(model, train, loaders[1], epochs=3, progress=False, seed=7), model

    (h1, m1), (h2, m2) = run(), run()
    assert h1.train_loss == h2.train_loss and h1.val_loss == h2.val_loss
    for p1, p2 in zip(m1.parameters(), m2.parameters()):
        assert torch.equal(p1, p2)


def test_early_stopping_restores_best_weights():
    # train on y = +mean, validate on y = -mean: validation loss gets worse as training succeeds
    x, y = _regression_data()
    train, val = _loader(x, y), _loader(x, -y)
    model = _model()
    snapshots = []
    history = fit(model, train, val, epochs=30, lr=1e-2, early_stopping_patience=3, progress=False,
                  metrics={"snap": lambda *_: snapshots.append(
                      {k: v.clone() for k, v in model.state_dict().items()}) or 0.0})
    assert history.stopped_early and history.epochs == history.best_epoch + 4
    assert min(history.val_loss) == history.val_loss[history.best_epoch]
    for key, value in model.state_dict().items():
        assert torch.equal(value, snapshots[history.best_epoch][key])
    assert evaluate(model, val) == pytest.approx(history.val_loss[history.best_epoch], rel=1e-5)


def _snapshotting_fit(model, train, val, **kwargs):
    """fit, recording the weights after every epoch (the metric runs once per epoch)."""
    snapshots = []
    history = fit(model, train, val, epochs=12, lr=1e-2, progress=False,
                  metrics={"snap": lambda *_: snapshots.append(
                      {k: v.clone() for k, v in model.state_dict().items()}) or 0.0}, **kwargs)
    return history, snapshots


def test_best_validation_weights_are_restored_without_early_stopping():
    x, y = _regression_data()
    train, val = _loader(x, y), _loader(x, -y)  # validation gets worse as training succeeds
    model = _model()
    history, snapshots = _snapshotting_fit(model, train, val)
    assert not history.stopped_early and history.epochs == 12 and history.best_epoch < 11
    for key, value in model.state_dict().items():
        assert torch.equal(value, snapshots[history.best_epoch][key])


def test_restore_best_false_keeps_the_last_epoch():
    x, y = _regression_data()
    model = _model()
    history, snapshots = _snapshotting_fit(model, _loader(x, y), _loader(x, -y), restore_best=False)
    assert history.best_epoch < history.epochs - 1
    for key, value in model.state_dict().items():
        assert torch.equal(value, snapshots[-1][key])


def test_restore_best_false_after_early_stopping_keeps_the_last_epoch():
    x, y = _regression_data()
    model = _model()
    history, snapshots = _snapshotting_fit(model, _loader(x, y), _loader(x, -y), restore_best=False,
                                           early_stopping_patience=2)
    assert history.stopped_early
    for key, value in model.state_dict().items():
        assert torch.equal(value, snapshots[-1][key])


def test_fit_seed_does_not_reseed_the_callers_random_state(loaders):
    model = _model()
    torch.manual_seed(5)
    expected = torch.rand(3)  # what the caller draws next if fit had not run
    torch.manual_seed(5)
    fit(model, loaders[0], loaders[1], epochs=1, progress=False, seed=0)
    assert torch.equal(torch.rand(3), expected)


def test_fit_without_seed_uses_the_global_random_state(loaders):
    model, (x, y) = _model(), _regression_data()
    torch.manual_seed(5)
    untouched = torch.rand(3)
    torch.manual_seed(5)
    fit(model, _loader(x, y, shuffle=True), loaders[1], epochs=1, progress=False)  # shuffling draws
    assert not torch.equal(torch.rand(3), untouched)


def test_gradient_clipping_bounds_the_update():
    x, y = _regression_data(16)
    model = _model()
    before = [p.detach().clone() for p in model.parameters()]
    sgd = torch.optim.SGD(model.parameters(), lr=1.0)
    history = fit(model, _loader(x, 100 * y, batch_size=16), optimizer=sgd, epochs=1,
                  clip_grad_norm=1e-3, progress=False)
    step = torch.sqrt(sum(((p.detach() - b) ** 2).sum() for p, b in zip(model.parameters(), before)))
    assert history.grad_norm[0] > 1.0  # the raw gradient was large ...
    assert step <= 1e-3 * (1 + 1e-4)  # ... but the SGD step (lr 1 * clipped gradient) was not


def test_no_clipping_when_none():
    x, y = _regression_data(16)
    model = _model()
    before = [p.detach().clone() for p in model.parameters()]
    fit(model, _loader(x, 100 * y, batch_size=16), optimizer=torch.optim.SGD(model.parameters(), lr=1e-3),
        epochs=1, clip_grad_norm=None, progress=False)
    step = torch.sqrt(sum(((p.detach() - b) ** 2).sum() for p, b in zip(model.parameters(), before)))
    assert step > 1e-3


def test_scheduler_factory_steps_each_epoch(loaders):
    history = fit(_model(), loaders[0], epochs=3, lr=0.1, progress=False,
                  scheduler=lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5))
    assert history.lr == pytest.approx([0.1, 0.05, 0.025])


def test_reduce_on_plateau_uses_validation_loss():
    x, y = _regression_data()
    model = _model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.1, patience=0)
    history = fit(model, _loader(x, y), _loader(x, -y), optimizer=opt, scheduler=plateau,
                  epochs=4, progress=False)  # validation only gets worse: lr drops
    assert history.lr[-1] < history.lr[0]


def test_regression_target_shape_mismatch_is_caught():
    x, y = _regression_data()
    with pytest.raises(ValueError, match=r"targets y must have the model output's shape \(16, 1\)"):
        fit(_model(), _loader(x, y[:, 0]), epochs=1, progress=False)


def test_progress_bar_and_live_plot_run_outside_notebooks(loaders):
    history = fit(_model(), *loaders, epochs=2, progress=True, live_plot=True)
    assert history.epochs == 2
    LiveLossPlot().update(history)  # a no-op without IPython


def test_predict_returns_cpu_outputs_for_tensor_array_and_loader(loaders):
    model = _model()
    x, y = _regression_data(10)
    out = predict(model, x, batch_size=3)
    assert out.shape == (10, 1) and out.device.type == "cpu" and not out.requires_grad
    torch.testing.assert_close(predict(model, x.numpy()), out)
    torch.testing.assert_close(predict(model, _loader(x, y, batch_size=4)), out)


def test_predict_leaves_dropout_off():
    torch.manual_seed(0)
    model = SequenceModel("gru", 1, 8, dropout=0.5)
    x, _ = _regression_data(10)
    torch.testing.assert_close(predict(model, x), predict(model, x))


# ---- checkpoints --------------------------------------------------------------------------------
def test_checkpoint_round_trip_rebuilds_model(tmp_path, loaders):
    model = SequenceModel("lstm", 1, 8, num_layers=2, output_size=1)
    fit(model, loaders[0], epochs=1, progress=False)
    path = save_checkpoint(tmp_path / "ckpt" / "model.pt", model, {"lr": 1e-3, "scaler": [0.5, 2.0]})
    loaded, config = load_checkpoint(path)
    x, _ = _regression_data(5)
    torch.testing.assert_close(predict(loaded, x), predict(model, x), rtol=0, atol=0)
    assert config["lr"] == 1e-3 and config["model"]["kind"] == "lstm"


def test_checkpoint_loads_into_given_model(tmp_path):
    model = SequenceModel("gru", 1, 4)
    save_checkpoint(tmp_path / "m.pt", model)
    target = SequenceModel("gru", 1, 4)
    loaded, _ = load_checkpoint(tmp_path / "m.pt", target)
    assert loaded is target
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), target.parameters()))


def test_missing_checkpoint_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.pt"):
        load_checkpoint(tmp_path / "nope.pt")


def _write_text(path):
    path.write_text("lr = 0.001\n")


def _write_pickle(path):
    import collections
    import pickle

    path.write_bytes(pickle.dumps(collections.Counter(a=1), protocol=2))  # weights_only=True refuses it


def _write_truncated(path):
    save_checkpoint(path, SequenceModel("gru", 1, 4))
    path.write_bytes(path.read_bytes()[:100])


@pytest.mark.parametrize("write", [_write_text, _write_pickle, _write_truncated, lambda p: p.write_bytes(b"")])
def test_non_checkpoint_file_names_the_path_and_chains_the_torch_error(tmp_path, write):
    path = tmp_path / "notes.pt"
    write(path)
    with pytest.raises(ValueError, match=r"path '.*notes\.pt' is not a tslab checkpoint") as info:
        load_checkpoint(path)
    assert info.value.__cause__ is not None


def test_bad_map_location_is_not_reported_as_a_bad_file(tmp_path):
    path = save_checkpoint(tmp_path / "m.pt", SequenceModel("gru", 1, 4))
    with pytest.raises(ValueError, match="map_location must name a device"):
        load_checkpoint(path, map_location="gpu0")


def test_mismatched_architecture_lists_differences(tmp_path):
    save_checkpoint(tmp_path / "m.pt", SequenceModel("gru", 1, 8, num_layers=2))
    with pytest.raises(ValueError, match=r"(?s)missing in checkpoint.*weight_hh_l0: model \(12, 4\) vs checkpoint \(24, 8\)"):
        load_checkpoint(tmp_path / "m.pt", SequenceModel("gru", 1, 4, num_layers=3))


# ---- truncated BPTT -----------------------------------------------------------------------------
def test_detach_state_handles_tensor_tuple_and_none():
    h = torch.ones(2, requires_grad=True) * 2
    assert not detach_state(h).requires_grad
    assert all(not s.requires_grad for s in detach_state((h, h)))
    assert detach_state(None) is None


@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_tbptt_learns_a_sine(kind):
    torch.manual_seed(0)
    model = StatefulForecaster(kind, 1, 8)
    opt = torch.optim.Adam(model.parameters(), lr=2e-2)
    series = torch.sin(torch.arange(200) * 0.3)
    first = tbptt_epoch(model, series, chunk_len=20, optimizer=opt)
    for _ in range(10):
        last = tbptt_epoch(model, series, chunk_len=20, optimizer=opt)
    assert last < 0.2 * first
    assert tbptt_epoch(model, series, chunk_len=20) == pytest.approx(
        tbptt_epoch(model, series, chunk_len=20))  # evaluation mode changes nothing


def test_tbptt_evaluation_equals_one_pass_over_the_whole_series():
    torch.manual_seed(0)
    model = StatefulForecaster("gru", 1, 4)
    series = torch.randn(50)
    with torch.no_grad():
        y, _ = model(series[:-1].view(1, -1, 1))
        full = nn.functional.mse_loss(y, series[1:].view(1, -1, 1)).item()
    assert tbptt_epoch(model, series, chunk_len=7) == pytest.approx(full, rel=1e-5)


def test_tbptt_rejects_2d_series():
    with pytest.raises(ValueError, match="series must be 1-D"):
        tbptt_epoch(StatefulForecaster("gru"), torch.zeros(10, 2), chunk_len=3)


# ---- bad arguments ------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,error,name", [
    (dict(epochs=0), ValueError, "epochs"),
    (dict(epochs=2.5), TypeError, "epochs"),
    (dict(lr=0.0), ValueError, "lr"),
    (dict(lr="fast"), TypeError, "lr"),
    (dict(weight_decay=-1.0), ValueError, "weight_decay"),
    (dict(clip_grad_norm=0.0), ValueError, "clip_grad_norm"),
    (dict(early_stopping_patience=0), ValueError, "early_stopping_patience"),
    (dict(optimizer="adam"), TypeError, "optimizer"),
    (dict(loss_fn="mse"), TypeError, "loss_fn"),
    (dict(metrics={"acc": 1.0}), TypeError, "metrics"),
    (dict(scheduler=3), TypeError, "scheduler"),
    (dict(seed=-1), ValueError, "seed"),
    (dict(restore_best="yes"), TypeError, "restore_best"),
])
def test_fit_rejects_bad_arguments(loaders, kwargs, error, name):
    with pytest.raises(error, match=name):
        fit(_model(), loaders[0], loaders[1], progress=False, **kwargs)


def test_fit_rejects_empty_loader():
    empty = _loader(torch.zeros(0, 5, 1), torch.zeros(0, 1))
    with pytest.raises(ValueError, match="train_loader"):
        fit(_model(), empty, progress=False)


def test_fit_rejects_non_model_and_non_loader(loaders):
    with pytest.raises(TypeError, match="model"):
        fit("model", loaders[0])
    with pytest.raises(TypeError, match="train_loader"):
        fit(_model(), 42)


def test_early_stopping_needs_validation(loaders):
    with pytest.raises(ValueError, match="early_stopping_patience needs a val_loader"):
        fit(_model(), loaders[0], early_stopping_patience=2, progress=False)


def test_history_defaults_are_independent():
    a, b = History(), History()
    a.train_loss.append(1.0)
    assert b.train_loss == []


# ---- probed gaps: targets vs loss, non-finite values, containers, devices -----------------------
def _class_data(n: int = 32, classes: int = 3):
    x, _ = _regression_data(n)
    return x, torch.arange(n) % classes  # int64 labels (N,)


def test_integer_labels_with_default_mse_suggest_cross_entropy():
    x, labels = _class_data()
    model = SequenceModel("gru", 1, 8, output_size=3)
    for call in (lambda: fit(model, _loader(x, labels), epochs=1, progress=False),
                 lambda: evaluate(model, _loader(x, labels))):
        with pytest.raises(ValueError, match=r"class labels.*loss_fn=nn.CrossEntropyLoss\(\)"):
            call()


@pytest.mark.parametrize("bad_labels", [lambda y: y.float(), lambda y: y.view(-1, 1)])
def test_cross_entropy_with_float_or_column_labels_suggests_long_view(bad_labels):
    x, labels = _class_data()
    model = SequenceModel("gru", 1, 8, output_size=3)
    with pytest.raises(ValueError, match=r"int64 class labels of shape \(N,\).*y.long\(\).view\(-1\)"):
        fit(model, _loader(x, bad_labels(labels)), loss_fn=nn.CrossEntropyLoss(), epochs=1, progress=False)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
@pytest.mark.parametrize("call,name", [
    (lambda m, l: fit(m, l, epochs=1, progress=False), "train_loader"),
    (lambda m, l: evaluate(m, l), "loader"),
    (lambda m, l: predict(m, l), "x_or_loader"),
])
def test_non_finite_inputs_are_rejected(bad, call, name):
    x, y = _regression_data(8)
    x[3, 2, 0] = bad
    with pytest.raises(ValueError, match=f"{name} yielded a batch x with NaN or inf"):
        call(_model(), _loader(x, y))


@pytest.mark.parametrize("kwargs,name", [
    (dict(lr=float("nan")), "lr"), (dict(lr=float("inf")), "lr"),
    (dict(clip_grad_norm=float("nan")), "clip_grad_norm"), (dict(clip_grad_norm=-1.0), "clip_grad_norm"),
])
def test_fit_rejects_non_finite_or_negative_numbers(loaders, kwargs, name):
    with pytest.raises(ValueError, match=name):
        fit(_model(), loaders[0], progress=False, **kwargs)


def test_diverging_training_stops_with_a_clear_error(loaders):
    with pytest.raises(ValueError, match=r"training loss became (nan|inf) at epoch \d+: lower lr"):
        fit(_model(), loaders[0], epochs=2, clip_grad_norm=None,
            loss_fn=lambda p, y: ((p - y) ** 2).mean() * 1e30, progress=False)


@pytest.mark.parametrize("as_container", [lambda x: x.double().numpy(), lambda x: x.tolist()])
def test_predict_accepts_arrays_and_lists_in_the_models_dtype(as_container):
    model = _model()
    x, _ = _regression_data(10)
    torch.testing.assert_close(predict(model, as_container(x)), predict(model, x))


@pytest.mark.parametrize("not_a_loader", [
    _regression_data(8)[0].numpy(), _regression_data(8), _regression_data(8)[0],
])
def test_fit_rejects_arrays_and_tuples_as_loader(not_a_loader):
    with pytest.raises(TypeError, match=r"train_loader must be a DataLoader.*tslab.data.make_loader"):
        fit(_model(), not_a_loader, progress=False)


@pytest.mark.parametrize("call", [
    lambda m, l, d: fit(m, l, epochs=1, device=d, progress=False),
    lambda m, l, d: evaluate(m, l, device=d),
    lambda m, l, d: predict(m, l, device=d),
])
def test_bad_device_is_rejected_by_get_device(loaders, call):
    with pytest.raises(ValueError, match=r"device='gpu'.*'cpu', 'cuda'"):
        call(_model(), loaders[0], "gpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            call(_model(), loaders[0], "cuda")


def test_metrics_must_be_a_dict(loaders):
    with pytest.raises(TypeError, match="metrics must be a dict name -> fn"):
        fit(_model(), *loaders, metrics=[lambda y, p: 0.0], progress=False)


def test_optimizer_over_another_model_is_rejected(loaders):
    other = torch.optim.Adam(_model(seed=1).parameters())
    with pytest.raises(ValueError, match="optimizer must be built on this model's parameters"):
        fit(_model(), loaders[0], optimizer=other, progress=False)


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(clip_grad_norm=-1.0), ValueError, "clip_grad_norm"),
    (dict(loss_fn="mse"), TypeError, "loss_fn"),
    (dict(optimizer="adam"), TypeError, "optimizer"),
])
def test_tbptt_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        tbptt_epoch(StatefulForecaster("gru"), torch.zeros(10), chunk_len=3, **kwargs)
