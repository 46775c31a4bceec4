"""tslab.exercises: checks give a verdict and a helpful hint, and tolerate unanswered exercises."""

import numpy as np
import torch

from tslab.exercises import check_close, check_function, check_in, check_shape, check_value


def test_unanswered_prints_a_reminder_and_does_not_raise(capsys):
    assert check_value("x", None, 3) is False
    assert "Not answered yet" in capsys.readouterr().out


def test_check_value_right_and_wrong_with_direction(capsys):
    assert check_value("n", 36, 36) is True
    assert check_value("n", 40, 36) is False
    assert "too high" in capsys.readouterr().out


def test_check_shape_spots_swapped_axes(capsys):
    assert check_shape("out", torch.zeros(2, 3, 4), (2, 3, 4)) is True
    assert check_shape("out", torch.zeros(3, 2, 4), (2, 3, 4)) is False
    assert "wrong order" in capsys.readouterr().out


def test_check_shape_points_at_the_axis(capsys):
    assert check_shape("out", (2, 5, 4), (2, 3, 4)) is False
    assert "axis 1 is 5, should be 3" in capsys.readouterr().out


def test_check_close_reports_the_gap(capsys):
    assert check_close("y", np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9])) is True
    assert check_close("y", np.array([1.0, 2.5]), np.array([1.0, 2.0])) is False
    out = capsys.readouterr().out
    assert "0.5" in out and "index (1,)" in out


def test_check_in(capsys):
    assert check_in("choice", "lstm", ["lstm", "gru"]) is True
    assert check_in("choice", "rnn", ["lstm", "gru"]) is False


def test_check_function_reports_learner_exception(capsys):
    ref = lambda x: x * 2  # noqa: E731
    assert check_function("double", lambda x: x + x, ref, [(np.arange(3.0),)]) is True
    assert check_function("double", lambda x: 1 / 0, ref, [(np.arange(3.0),)]) is False
    assert "ZeroDivisionError" in capsys.readouterr().out
