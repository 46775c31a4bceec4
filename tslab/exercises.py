"""Small answer checks for the notebooks' exercises.

Each check prints a short verdict and returns ``True``/``False``. A wrong answer gets a hint that
says *what* is off (a shape, a value, a sign), not just "False"; an unanswered exercise
(``None``, the placeholder in the notebooks) gets a reminder instead of an error, so a notebook
still runs top to bottom before the learner has done the exercise.

Example:
    >>> check_shape("output", torch.zeros(8, 50, 32), expected=(8, 50, 32))
    Correct: output has shape (8, 50, 32).
    True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from tslab._checks import as_array, as_float, as_int, as_type

__all__ = ["check_value", "check_shape", "check_close", "check_function", "check_in"]


def _verdict(ok: bool, message: str) -> bool:
    print(("Correct: " if ok else "Not yet: ") + message)
    return ok


def _unanswered(name: str, answer: object, hint: str = "") -> bool:
    as_type("name", name, str, "a str"), as_type("hint", hint, str, "a str")
    if answer is None:
        print(f"Not answered yet: replace the None in `{name}` with your answer and run the cell again.")
        return True
    return False


def _shape_of(x: Any) -> tuple[int, ...] | None:
    if isinstance(x, torch.Size):
        return tuple(int(d) for d in x)
    if isinstance(x, (torch.Tensor, np.ndarray)):
        return tuple(int(d) for d in x.shape)
    if isinstance(x, (tuple, list)) and all(isinstance(d, (int, np.integer)) for d in x):
        return tuple(int(d) for d in x)
    return None


def check_shape(name: str, answer: Any, expected: Sequence[int], hint: str = "") -> bool:
    """Check that ``answer`` (a tensor, array or shape tuple) has shape ``expected``.

    The message points at the first axis that differs and, when the same numbers come in
    another order, says so (the classic ``(L, N, H)`` vs ``(N, L, H)`` mix-up).
    """
    if _unanswered(name, answer, hint):
        return False
    expected = tuple(as_int("expected", d, 0) for d in expected)
    got = _shape_of(answer)
    if got is None:
        return _verdict(False, f"{name} should be a tensor, array or shape tuple, got {type(answer).__name__}.")
    if got == expected:
        return _verdict(True, f"{name} has shape {expected}.")
    if len(got) != len(expected):
        msg = f"{name} has {len(got)} axes {got}, expected {len(expected)} axes {expected}."
    elif sorted(got) == sorted(expected):
        msg = f"{name} has the right sizes in the wrong order: got {got}, expected {expected}."
    else:
        axis = next(i for i, (g, e) in enumerate(zip(got, expected)) if g != e)
        msg = f"{name} has shape {got}, expected {expected}: axis {axis} is {got[axis]}, should be {expected[axis]}."
    return _verdict(False, f"{msg} {hint}".strip())


def check_value(name: str, answer: Any, expected: Any, hint: str = "") -> bool:
    """Check an exact answer (an int, a string, a bool); numbers also say "too high/too low"."""
    if _unanswered(name, answer, hint):
        return False
    if isinstance(answer, (torch.Tensor, np.ndarray)) and np.size(answer) == 1:
        answer = answer.item()
    if _same(answer, expected):
        return _verdict(True, f"{name} = {expected!r}.")
    direction = ""
    if isinstance(answer, (int, float)) and isinstance(expected, (int, float)) and not isinstance(answer, bool):
        direction = " (too high)" if answer > expected else " (too low)"
    return _verdict(False, f"{name} = {answer!r}{direction} is not right. {hint}".strip())


def check_close(name: str, answer: Any, expected: Any, rtol: float = 1e-4, atol: float = 1e-6, hint: str = "") -> bool:
    """Check a number or array against ``expected`` within a tolerance; reports the largest gap."""
    rtol, atol = as_float("rtol", rtol, 0), as_float("atol", atol, 0)
    if _unanswered(name, answer, hint):
        return False
    try:  # a string, a complex number or a dict is a wrong answer, not a crash
        got = as_array(name, answer, range(8), finite=False, float32=False)
    except (TypeError, ValueError) as err:
        return _verdict(False, f"{err}. {hint}".strip())
    want = np.asarray(expected.detach().cpu() if isinstance(expected, torch.Tensor) else expected, dtype=float)
    if got.shape != want.shape:
        return _verdict(False, f"{name} has shape {got.shape}, expected {want.shape}. {hint}".strip())
    if np.allclose(got, want, rtol=rtol, atol=atol):
        return _verdict(True, f"{name} matches (largest gap {np.max(np.abs(got - want), initial=0.0):.2e}).")
    gap = np.abs(got - want)
    where = np.unravel_index(np.argmax(gap), gap.shape) if gap.ndim else ()
    at = f" at index {tuple(int(i) for i in where)}" if where else ""
    return _verdict(
        False,
        f"{name} differs from the expected value by up to {gap.max():.3g}{at} "
        f"(got {got[where]:.6g}, expected {want[where]:.6g}). {hint}".strip(),
    )


def check_in(name: str, answer: Any, allowed: Sequence[Any], hint: str = "") -> bool:
    """Check that ``answer`` is one of several acceptable answers (e.g. a choice question)."""
    if isinstance(allowed, (str, bytes)) or not hasattr(allowed, "__iter__"):
        raise TypeError(f"allowed must be a list or tuple of answers, got {type(allowed).__name__} {allowed!r}")
    if _unanswered(name, answer, hint):
        return False
    if any(_same(answer, a) for a in allowed):
        return _verdict(True, f"{name} = {answer!r}.")
    return _verdict(False, f"{name} = {answer!r} is not right. {hint}".strip())


def check_function(
    name: str,
    fn: Callable[..., Any] | None,
    reference: Callable[..., Any],
    cases: Sequence[tuple[Any, ...]],
    rtol: float = 1e-5,
    atol: float = 1e-6,
) -> bool:
    """Call the learner's ``fn`` and a ``reference`` on each argument tuple in ``cases``.

    Reports the first case where they disagree (its arguments, both results), or an exception
    the learner's function raised, with its message.
    """
    if not callable(reference):
        raise TypeError(f"reference must be a callable, got {type(reference).__name__}")
    rtol, atol = as_float("rtol", rtol, 0), as_float("atol", atol, 0)
    if _unanswered(name, fn):
        return False
    if not callable(fn):
        return _verdict(False, f"{name} should be a function, got {type(fn).__name__}.")
    for args in cases:
        want = reference(*args)
        try:
            got = fn(*args)
        except Exception as err:  # the learner's code: report, don't crash the notebook
            return _verdict(False, f"{name}{_short(args)} raised {type(err).__name__}: {err}")
        want_a = np.asarray(want.detach().cpu() if isinstance(want, torch.Tensor) else want, dtype=float)
        try:
            got_a = np.asarray(got.detach().cpu() if isinstance(got, torch.Tensor) else got, dtype=float)
        except (TypeError, ValueError):
            return _verdict(False, f"{name}{_short(args)} returned {type(got).__name__}, expected numbers.")
        if got_a.shape != want_a.shape:
            return _verdict(False, f"{name}{_short(args)} returned shape {got_a.shape}, expected {want_a.shape}.")
        if not np.allclose(got_a, want_a, rtol=rtol, atol=atol):
            gap = float(np.max(np.abs(got_a - want_a)))
            return _verdict(False, f"{name}{_short(args)} is off by up to {gap:.3g} from the reference.")
    return _verdict(True, f"{name} agrees with the reference on {len(cases)} case(s).")


def _same(answer: Any, expected: Any) -> bool:
    """``answer == expected`` as one bool; an array or an odd object compares unequal instead of raising."""
    try:
        return bool(answer == expected)
    except (TypeError, ValueError, RuntimeError):
        return False


def _short(args: tuple[Any, ...]) -> str:
    parts = []
    for a in args:
        shape = _shape_of(a) if isinstance(a, (torch.Tensor, np.ndarray)) else None
        parts.append(f"<{type(a).__name__} {shape}>" if shape is not None else repr(a)[:30])
    return "(" + ", ".join(parts) + ")"
