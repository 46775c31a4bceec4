"""tslab.plots: every helper returns (fig, ax) and draws into a given ax."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tslab.data import make_anomaly_dataset  # noqa: E402
from tslab.plots import (  # noqa: E402
    plot_anomaly_examples,
    plot_forecast,
    plot_history,
    plot_series,
    plot_split,
    plot_windows,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_helpers_draw_into_the_given_ax():
    fig, ax = plt.subplots()
    s = np.sin(np.arange(100) / 5)
    for call in (
        lambda: plot_series(s, s, ax=ax),
        lambda: plot_windows(s, 10, 2, ax=ax),
        lambda: plot_split(s[:60], s[60:80], s[80:], ax=ax),
        lambda: plot_history({"train_loss": [1, 0.5], "val_loss": [1.1, 0.6], "best_epoch": 1}, noise_floor=0.1, ax=ax),
        lambda: plot_forecast(s[:80], s[80:], {"naive": np.full(20, s[79])}, ax=ax),
    ):
        f, a = call()
        assert f is fig and a is ax


def test_plot_anomaly_examples_grid():
    data = make_anomaly_dataset(40, 30, seed=0)
    fig, axes = plot_anomaly_examples(data.X, data.y, data.spike_start, n=2)
    assert axes.shape == (2, 2)


def test_plot_anomaly_examples_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="X must be"):
        plot_anomaly_examples(np.zeros((3, 5)), np.zeros(4))


def test_importing_tslab_leaves_rcparams_alone():
    import importlib

    before = dict(matplotlib.rcParams)
    import tslab.plots

    importlib.reload(tslab.plots)
    assert dict(matplotlib.rcParams) == before


def test_use_course_style_sets_readable_colour_blind_safe_defaults():
    import matplotlib as mpl

    from tslab.plots import PALETTE, use_course_style

    with mpl.rc_context():
        use_course_style(16)
        assert mpl.rcParams["font.size"] == 16 and mpl.rcParams["legend.fontsize"] == 15
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][:2] == list(PALETTE[:2])
    assert mpl.rcParams["font.size"] != 16  # rc_context restored it: the style is only what you call


def test_use_course_style_rejects_bad_font_size():
    from tslab.plots import use_course_style

    with pytest.raises(TypeError, match="font_size"):
        use_course_style("big")
    with pytest.raises(ValueError, match="font_size"):
        use_course_style(2)


def test_log_loss_axis_has_few_plain_labels():
    fig, ax = plot_history({"train_loss": [0.9, 0.5, 0.3, 0.2, 0.12], "val_loss": [1.0, 0.6, 0.35, 0.25, 0.2]})
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text() and t.get_visible()
              and ax.get_ylim()[0] <= t.get_position()[1] <= ax.get_ylim()[1]]
    minor = [t.get_text() for t in ax.get_yticklabels(minor=True) if t.get_text()]
    assert 1 <= len(labels) <= 6 and minor == []
    assert all("^" not in label for label in labels)  # plain 0.2, not 2x10^-1


def test_forecast_legend_sits_outside_the_data():
    s = np.sin(np.arange(100) / 5)
    fig, ax = plot_forecast(s[:80], s[80:], {"naive": np.full(20, s[79])})
    fig.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1
