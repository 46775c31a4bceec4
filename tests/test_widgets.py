"""Tests for tslab.widgets: the explorer's logic without a frontend."""

from __future__ import annotations

import sys

import pytest

from tslab.widgets import ExploreResult, explore_once, hidden_size_options, make_explorer, plot_result, static_grid


@pytest.mark.parametrize("task", ["anomaly", "forecast"])
def test_explore_once_reports_size_metric_and_plot_data(task):
    r = explore_once(task, "gru", hidden_size=4, num_layers=1, epochs=2)
    assert isinstance(r, ExploreResult)
    assert r.n_params > 0 and r.seconds > 0 and r.history.epochs == 2
    assert len(r.y_true) == len(r.y_pred) == len(r.x_plot)


def test_explore_once_parameter_count_grows_with_size():
    small = explore_once("forecast", "lstm", 4, 1, epochs=1)
    big = explore_once("forecast", "lstm", 8, 2, epochs=1)
    assert big.n_params > small.n_params


def test_explore_once_is_deterministic():
    a = explore_once("anomaly", "rnn", 4, 1, seed=3, epochs=2)
    b = explore_once("anomaly", "rnn", 4, 1, seed=3, epochs=2)
    assert a.history.train_loss == b.history.train_loss and a.metric == b.metric


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(task="sales"), ValueError, "task"),
    (dict(kind="cnn"), ValueError, "kind"),
    (dict(hidden_size=0), ValueError, "hidden_size"),
    (dict(num_layers=1.5), TypeError, "num_layers"),
])
def test_explore_once_rejects_bad_arguments(kwargs, error, name):
    args = dict(task="anomaly", kind="rnn", hidden_size=4, num_layers=1) | kwargs
    with pytest.raises(error, match=name):
        explore_once(**args)


@pytest.mark.parametrize("task", ["anomaly", "forecast"])
def test_plot_result_returns_fig_and_two_axes(task):
    import matplotlib.pyplot as plt

    fig, axes = plot_result(explore_once(task, "rnn", 4, 1, epochs=1))
    assert len(axes) == 2 and axes[0].get_title() == "loss"
    plt.close(fig)


def test_explorer_sliders_retrain_and_update_text(monkeypatch):
    monkeypatch.setattr("tslab.widgets.explore_once",
                        lambda task, kind, h, n, seed=0: explore_once(task, kind, h, n, seed, epochs=1))
    explorer = make_explorer("forecast", kind="rnn", hidden_size=4)
    assert explorer.param_count.value == f"Parameters: {explorer.last_result.n_params:,}"
    before = explorer.param_count.value
    explorer.hidden_size.value = 8
    assert explorer.last_result.hidden_size == 8 and explorer.param_count.value != before
    explorer.num_layers.value = 2
    explorer.kind.value = "gru"
    assert (explorer.last_result.kind, explorer.last_result.num_layers) == ("gru", 2)
    assert not explorer.hidden_size.continuous_update
    assert "tslab-hidden-size" in explorer.hidden_size._dom_classes
    assert "tslab-param-count" in explorer.param_count._dom_classes


def test_static_grid_has_one_row_per_combination(monkeypatch):
    monkeypatch.setattr("tslab.widgets.explore_once",
                        lambda task, kind, h, n, seed=0: explore_once(task, kind, h, n, seed, epochs=1))
    df = static_grid("forecast", [2, 4], [1, 2], kind="rnn")
    assert len(df) == 4 and list(df["hidden_size"]) == [2, 2, 4, 4]
    assert df["n_params"].is_monotonic_increasing


def test_importing_tslab_models_and_train_does_not_import_ipywidgets():
    import subprocess

    code = "import tslab.models, tslab.train, tslab.widgets, sys; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("kwargs, arg", [({"epochs": 0}, "epochs"), ({"seed": -1}, "seed"), ({"seed": None}, "seed")])
def test_explore_once_rejects_bad_epochs_and_seed(kwargs, arg):
    with pytest.raises((TypeError, ValueError), match=arg):
        explore_once("anomaly", "rnn", 4, 1, **kwargs)


@pytest.mark.parametrize("hidden_sizes", [16, [], "16"])
def test_static_grid_needs_a_list_of_sizes(hidden_sizes):
    with pytest.raises(ValueError, match="hidden_sizes"):
        static_grid("anomaly", hidden_sizes, [1])


@pytest.mark.parametrize("kwargs, name", [
    (dict(hidden_size=65), "hidden_size must be <= max_hidden=64"),
    (dict(hidden_size=16, max_hidden=8), "hidden_size must be <= max_hidden=8"),
    (dict(num_layers=4), "num_layers must be <= max_layers=3"),
    (dict(max_hidden=0), "max_hidden must be >= 1"),
    (dict(max_layers=0), "max_layers must be >= 1"),
])
def test_make_explorer_rejects_start_values_the_slider_would_clamp(kwargs, name, monkeypatch):
    monkeypatch.setattr("tslab.widgets.explore_once", lambda *a, **k: pytest.fail("must not train"))
    with pytest.raises(ValueError, match=name):
        make_explorer("anomaly", **kwargs)


def test_make_explorer_rejects_non_int_maximum():
    with pytest.raises(TypeError, match="max_layers must be an int"):
        make_explorer("anomaly", max_layers=2.5)


def test_make_explorer_accepts_start_values_at_the_maximum(monkeypatch):
    monkeypatch.setattr("tslab.widgets.explore_once",
                        lambda task, kind, h, n, seed=0: explore_once(task, kind, h, n, seed, epochs=1))
    explorer = make_explorer("forecast", kind="rnn", hidden_size=8, num_layers=2, max_hidden=8, max_layers=2)
    assert (explorer.hidden_size.value, explorer.hidden_size.options[-1]) == (8, 8)
    assert (explorer.num_layers.value, explorer.num_layers.max) == (2, 2)


def test_static_grid_has_no_slider_maximum(monkeypatch):
    monkeypatch.setattr("tslab.widgets.explore_once",
                        lambda task, kind, h, n, seed=0: explore_once(task, kind, h, n, seed, epochs=1))
    df = static_grid("forecast", [65], [4], kind="rnn")  # beyond make_explorer's default maxima
    assert list(df["hidden_size"]) == [65] and list(df["num_layers"]) == [4]


def _fast(task, kind, h, n, seed=0):
    return explore_once(task, kind, h, n, seed, epochs=1)


def test_hidden_size_slider_stops_at_powers_of_two_and_the_start_value():
    assert hidden_size_options(64, 16) == [1, 2, 4, 8, 16, 32, 64]
    assert hidden_size_options(48, 5) == [1, 2, 4, 5, 8, 16, 32, 48]
    with pytest.raises(ValueError, match="max_hidden"):
        hidden_size_options(0, 1)


def test_explorer_hidden_size_is_a_selection_of_exact_sizes(monkeypatch):
    monkeypatch.setattr("tslab.widgets.explore_once", _fast)
    explorer = make_explorer("forecast", kind="rnn", hidden_size=4)
    assert list(explorer.hidden_size.options) == [1, 2, 4, 8, 16, 32, 64]
    explorer.hidden_size.value = 16
    assert explorer.last_result.hidden_size == 16 and not explorer.hidden_size.continuous_update


def test_explorer_remembers_settings_it_has_trained(monkeypatch):
    calls = []

    def counting(task, kind, h, n, seed=0):
        calls.append((kind, h, n))
        return _fast(task, kind, h, n, seed)

    monkeypatch.setattr("tslab.widgets.explore_once", counting)
    explorer = make_explorer("forecast", kind="rnn", hidden_size=2)
    first = explorer.last_result
    explorer.hidden_size.value = 4
    explorer.hidden_size.value = 2  # back to the first setting: shown at once, not retrained
    assert calls == [("rnn", 2, 1), ("rnn", 4, 1)]
    assert explorer.last_result is first and "remembered" in explorer.status.value


def test_explorer_shows_an_update_error_in_its_own_output(monkeypatch):
    def failing(task, kind, h, n, seed=0):
        if h == 8:
            raise RuntimeError("out of memory in the update")
        return _fast(task, kind, h, n, seed)

    monkeypatch.setattr("tslab.widgets.explore_once", failing)
    explorer = make_explorer("forecast", kind="rnn", hidden_size=4)
    explorer.hidden_size.value = 8  # must not raise out of the observer
    assert isinstance(explorer.last_error, RuntimeError)
    assert "error" in explorer.status.value and "RuntimeError" in explorer.status.value
    text = "".join(o.get("text", "") for o in explorer.output.outputs)
    assert "out of memory in the update" in text and "Traceback" in text
    explorer.hidden_size.value = 16  # the next good setting clears the error
    assert explorer.last_error is None and explorer.last_result.hidden_size == 16


def test_plot_result_names_the_classes_and_keeps_the_title_optional():
    import matplotlib.pyplot as plt

    result = explore_once("anomaly", "rnn", 2, 1, epochs=1)
    fig, axes = plot_result(result, title=False)
    labels = [t.get_text() for t in axes[1].texts]
    assert labels and all(t.startswith("true normal") or t.startswith("true anomaly") for t in labels)
    assert all(("predicted normal" in t) or ("predicted anomaly" in t) for t in labels)
    assert min(t.get_fontsize() for t in axes[1].texts) >= 9
    assert fig._suptitle is None
    fig2, _ = plot_result(result)
    assert "RNN hidden=2" in fig2._suptitle.get_text()
    plt.close(fig)
    plt.close(fig2)


def test_plot_result_forecast_legend_sits_outside_the_axes():
    import matplotlib.pyplot as plt

    fig, axes = plot_result(explore_once("forecast", "rnn", 2, 1, epochs=1), title=False)
    fig.canvas.draw()
    legend = axes[1].get_legend().get_window_extent()
    assert legend.x0 >= axes[1].get_window_extent().x1  # right of the plotting area
    plt.close(fig)
