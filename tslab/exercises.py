"""Answer checks for the notebooks' exercises: ``check("03.2", lstm_shapes)``.

An exercise asks for a *function* (or a model, or a value) and one call checks it::

    def half_life(f):
        ...

    check("03.1", half_life)

The check lives here, in a registry keyed by exercise id ``"NN.k"`` (notebook ``NN``, exercise
``k``). It runs the learner's answer on **fresh random inputs** the notebook never showed and
compares with a reference kept in this module, so copying a printed number cannot pass, and the
notebook never contains the solution. It prints ``Correct: ...`` or ``Not yet: ...`` with a hint
that says *what* is off (a shape, a value, a sign), never the answer. It never raises for the
learner's mistakes: ``None`` (the unanswered placeholder), a function whose body still raises
``NotImplementedError``, a string where a function was expected, or an exception raised by the
learner's code all print ``Not yet`` and count as *not passed*.

Worked solutions are in the repository's ``solutions/`` folder (for instructors), not here and
not in the notebooks. ``tests/test_exercises.py`` proves that every solution passes its check
and that every notebook's unanswered template does not.

Adding an exercise: write a function ``_check_xxx(answer, rng) -> str | None`` that returns
``None`` when the answer is right and a hint when it is not, decorate it with
``@exercise("NN.k", "name")``, and see ``solutions/README.md``.

The older single-purpose helpers (:func:`check_value`, :func:`check_shape`, ...) remain for
notebooks not yet converted; new exercises use :func:`check`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import torch

from tslab._checks import as_array, as_bool, as_float, as_int, as_type

__all__ = [
    "EXERCISES",
    "Exercise",
    "Verdict",
    "capstone_series",
    "check",
    "exercise",
    "grade",
    "check_value",
    "check_shape",
    "check_close",
    "check_function",
    "check_in",
]


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
        if got is None:  # the template's placeholder, or a missing `return`
            return _verdict(False, f"{name}{_short(args)} returned None: write the function's body and `return` its result.")
        want_a = np.asarray(want.detach().cpu() if isinstance(want, torch.Tensor) else want, dtype=float)
        try:
            got_a = np.asarray(got.detach().cpu() if isinstance(got, torch.Tensor) else got, dtype=float)
        except (TypeError, ValueError):
            return _verdict(False, f"{name}{_short(args)} returned {type(got).__name__}, expected numbers.")
        if got_a.shape != want_a.shape:
            return _verdict(False, f"{name}{_short(args)} returned shape {got_a.shape}, expected {want_a.shape}.")
        if not np.isfinite(got_a).all():
            return _verdict(False, f"{name}{_short(args)} returned NaN or inf, expected finite numbers.")
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


# ---------------------------------------------------------------------------------------------
# the registry: one call per exercise, check("NN.k", answer)
# ---------------------------------------------------------------------------------------------
class _NotYet(Exception):
    """Raised inside a checker to stop at the first problem with a hint for the learner."""


@dataclass(frozen=True)
class Verdict:
    """The result of :func:`grade`: ``passed`` and the message :func:`check` prints.

    ``bool(verdict)`` is ``verdict.passed``.
    """

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed


@dataclass(frozen=True)
class Exercise:
    """One registered exercise.

    Attributes:
        id: ``"NN.k"`` (notebook ``NN``, exercise ``k``) or ``"capstone"``.
        name: the name the notebook's template gives the answer (e.g. ``"half_life"``).
        checker: ``checker(answer, rng) -> None`` if right, else a hint string (or a full
            :class:`Verdict`, when the message depends on the answer); it runs the answer on
            inputs drawn from ``rng`` (a fresh ``numpy.random.Generator``).
        wants_callable: the answer must be a function (or a class / model factory).
        passed: the message printed after ``Correct:``.
    """

    id: str
    name: str
    checker: Callable[[Any, np.random.Generator], str | Verdict | None]
    wants_callable: bool = True
    passed: str = ""


EXERCISES: dict[str, Exercise] = {}
_Checker = Callable[[Any, np.random.Generator], "str | Verdict | None"]


def _valid_id(exercise_id: str) -> bool:
    parts = exercise_id.split(".")
    return exercise_id == "capstone" or (
        len(parts) == 2 and len(parts[0]) == 2 and parts[0].isdigit() and parts[1].isdigit()
    )


def exercise(
    exercise_id: str, name: str, *, wants_callable: bool = True, passed: str = ""
) -> Callable[[_Checker], _Checker]:
    """Decorator that registers ``checker`` under ``exercise_id`` (``"NN.k"`` or ``"capstone"``)."""
    if not isinstance(exercise_id, str) or not _valid_id(exercise_id):
        raise ValueError(f"exercise_id must look like '03.1' (notebook.number) or 'capstone', got {exercise_id!r}")
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be the Python name of the answer, got {name!r}")
    if exercise_id in EXERCISES:
        raise ValueError(f"exercise_id {exercise_id!r} is already registered")
    wants_callable, passed = as_bool("wants_callable", wants_callable), as_type("passed", passed, str, "a str")

    def register(checker: _Checker) -> _Checker:
        EXERCISES[exercise_id] = Exercise(exercise_id, name, checker, wants_callable, passed)
        return checker

    return register


def _lookup(exercise_id: Any) -> Exercise:
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a str like '03.1', got {type(exercise_id).__name__}")
    if exercise_id not in EXERCISES:
        raise ValueError(f"exercise_id must be one of {sorted(EXERCISES)}, got {exercise_id!r}")
    return EXERCISES[exercise_id]


def grade(exercise_id: str, answer: Any, seed: int | None = None) -> Verdict:
    """Run exercise ``exercise_id``'s check on ``answer`` and return a :class:`Verdict` (prints nothing).

    ``seed`` fixes the random inputs (for tests); by default they are fresh on every call.
    An unanswered placeholder (``None``, or a function still raising ``NotImplementedError``)
    and any exception raised by the learner's code give ``passed=False``, never an error.
    """
    ex = _lookup(exercise_id)
    if answer is None:
        return Verdict(False, f"`{ex.name}` is still None: write your answer, then run the cell again.")
    if answer is Ellipsis:
        return Verdict(False, f"`{ex.name}` is still `...`: write your answer, then run the cell again.")
    if ex.wants_callable and not callable(answer):
        return Verdict(
            False, f"`{ex.name}` should be a function (def {ex.name}(...): ...), got {_describe(answer)}."
        )
    rng = np.random.default_rng(None if seed is None else as_int("seed", seed, 0))
    try:
        hint = ex.checker(answer, rng)
    except _NotYet as err:
        hint = str(err)
    except NotImplementedError:
        hint = f"`{ex.name}` still raises NotImplementedError: replace that line with your code."
    except Exception as err:  # the learner's code failed somewhere: report it, don't crash the notebook
        hint = f"`{ex.name}` raised {type(err).__name__}: {err}"
    if isinstance(hint, Verdict):
        return hint
    if hint is None:
        return Verdict(True, ex.passed or f"`{ex.name}` passed on fresh random inputs.")
    return Verdict(False, hint)


def check(exercise_id: str, answer: Any) -> None:
    """Check the answer to exercise ``exercise_id`` and print ``Correct: ...`` or ``Not yet: ...``.

    Example (in a notebook)::

        def half_life(f):
            raise NotImplementedError  # your code here

        check("03.1", half_life)   # Not yet: `half_life` still raises NotImplementedError ...
    """
    verdict = grade(exercise_id, answer)
    print(("Correct: " if verdict.passed else "Not yet: ") + verdict.message)


def _describe(x: Any) -> str:
    shape = _shape_of(x) if isinstance(x, (torch.Tensor, np.ndarray)) else None
    if shape is not None:
        return f"a {type(x).__name__} of shape {shape}"
    text = repr(x)
    return f"{type(x).__name__} {text[:40]}{'...' if len(text) > 40 else ''}"


def _call(fn: Callable[..., Any], call: str, *args: Any) -> Any:
    """``fn(*args)``; an exception becomes a Not yet naming the call (``call`` is how to show it)."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise
    except Exception as err:
        raise _NotYet(f"{call} raised {type(err).__name__}: {err}") from None


def _as_int(value: Any, call: str) -> int:
    if isinstance(value, (torch.Tensor, np.ndarray)) and np.size(value) == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise _NotYet(f"{call} returned {_describe(value)}, expected a whole number.")
    if not float(value).is_integer():
        raise _NotYet(f"{call} returned {value!r}, expected a whole number of steps.")
    return int(value)


def _as_shape(value: Any, call: str, what: str) -> tuple[int, ...]:
    shape = _shape_of(value) if isinstance(value, (torch.Size, tuple, list)) else None
    if shape is None:
        raise _NotYet(f"{call}: {what} should be a shape tuple like (2, 3, 4), got {_describe(value)}.")
    return shape


# ---------------------------------------------------------------------------------------------
# 03 · LSTM
# ---------------------------------------------------------------------------------------------
@exercise("03.1", "half_life", passed="`half_life` gives the right number of steps for 30 random forget gates.")
def _check_half_life(answer: Any, rng: np.random.Generator) -> str | None:
    """half_life(f): the smallest k >= 1 with f**k <= 1/2 (input gate closed, forget gate f)."""
    for f in [0.5, 0.2, *rng.uniform(0.5, 0.999, size=28)]:
        call = f"half_life({f:.4f})"
        k = _as_int(_call(answer, call, float(f)), call)
        if k < 1:
            return f"{call} = {k}: a number of steps is at least 1."
        if f**k > 0.5 * (1 + 1e-9):
            return f"{call} = {k} is too small: after {k} steps the cell still keeps {f**k:.3f} of its content."
        if k > 1 and f ** (k - 1) <= 0.5 * (1 - 1e-9):
            return f"{call} = {k} is too large: after {k - 1} steps only {f ** (k - 1):.3f} is left already."
    return None


def _lstm_reference_shapes(L: int, N: int, H_in: int, H: int, num_layers: int, bidirectional: bool,
                           proj_size: int) -> tuple[tuple[int, ...], ...]:
    import warnings

    lstm = torch.nn.LSTM(H_in, H, num_layers=num_layers, bidirectional=bidirectional, proj_size=proj_size)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # "LSTM with projections is not supported with oneDNN"
        output, (h_n, c_n) = lstm(torch.zeros(L, N, H_in))
    return tuple(output.shape), tuple(h_n.shape), tuple(c_n.shape)


class _no_lstm_allowed:
    """While active, building ``torch.nn.LSTM`` raises: the shapes must be worked out, not run."""

    def __enter__(self) -> None:
        self.saved = torch.nn.LSTM

        def refuse(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("work the shapes out from the rules; building an nn.LSTM is not allowed here")

        torch.nn.LSTM = refuse  # type: ignore[assignment, misc]

    def __exit__(self, *exc: object) -> None:
        torch.nn.LSTM = self.saved  # type: ignore[misc]


@exercise("03.2", "lstm_shapes", passed="`lstm_shapes` agrees with nn.LSTM on 12 random configurations.")
def _check_lstm_shapes(answer: Any, rng: np.random.Generator) -> str | None:
    """lstm_shapes(L, N, H_in, H, num_layers, bidirectional, proj_size) -> (output, h_n, c_n) shapes."""
    for k in range(12):
        H = int(rng.integers(3, 10))
        args = (int(rng.integers(2, 10)), int(rng.integers(1, 6)), int(rng.integers(1, 7)), H,
                int(rng.integers(1, 4)), bool(k % 2), int(rng.integers(1, H)) if k % 3 else 0)
        call = "lstm_shapes({}, {}, {}, {}, num_layers={}, bidirectional={}, proj_size={})".format(*args)
        want = _lstm_reference_shapes(*args)
        with _no_lstm_allowed():
            got = _call(answer, call, *args)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            return f"{call} returned {_describe(got)}, expected three shapes (output, h_n, c_n)."
        for what, g, w in zip(("output", "h_n", "c_n"), got, want):
            g = _as_shape(g, call, what)
            if g == w:
                continue
            if len(g) != len(w):
                return f"{call}: {what} should have {len(w)} axes, yours has {len(g)}."
            axis = next(i for i in range(len(w)) if g[i] != w[i])
            side = "too large" if g[axis] > w[axis] else "too small"
            return f"{call}: axis {axis} of {what} is {side} ({g[axis]})."
    return None


@exercise("03.3", "make_remembering",
          passed="after `make_remembering`, c_n equals c0 for random LSTMs, inputs and states.")
def _check_make_remembering(answer: Any, rng: np.random.Generator) -> str | None:
    """make_remembering(lstm): change a one-layer nn.LSTM's biases in place so that c_n == c0."""
    for _ in range(5):
        H_in, H, L, N = (int(v) for v in rng.integers((1, 2, 3, 1), (5, 9, 12, 5)))
        torch.manual_seed(int(rng.integers(2**31)))
        lstm = torch.nn.LSTM(H_in, H)
        call = f"make_remembering(nn.LSTM({H_in}, {H}))"
        weights = [lstm.weight_ih_l0.detach().clone(), lstm.weight_hh_l0.detach().clone()]
        _call(answer, call, lstm)
        if not all(torch.equal(w, p) for w, p in zip(weights, (lstm.weight_ih_l0, lstm.weight_hh_l0))):
            return f"{call} changed the weights: change only the biases (bias_ih_l0, bias_hh_l0)."
        x, h0, c0 = torch.randn(L, N, H_in), torch.randn(1, N, H), torch.randn(1, N, H)
        with torch.no_grad():
            _, (_, c_n) = lstm(x, (h0, c0))
            z = x[0] @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h0[0] @ lstm.weight_hh_l0.T + lstm.bias_hh_l0
        gap = float((c_n - c0).abs().max())
        if not math.isfinite(gap) or gap > 1e-3:
            i_gate, f_gate = torch.sigmoid(z[:, :H]).mean(), torch.sigmoid(z[:, H : 2 * H]).mean()
            return (f"after {call} the cell state still changes (by up to {gap:.3g} over {L} steps). "
                    f"At the first step its forget gate averages {f_gate:.2f} and its input gate {i_gate:.2f}.")
    return None


# ---------------------------------------------------------------------------------------------
# capstone: beat seasonal naive on a real series the course never used
# ---------------------------------------------------------------------------------------------
CAPSTONE = {"horizon": 12, "m": 12, "initial": 612, "step": 12}
"""The capstone backtest: 12 months ahead, MASE with period 12, 10 yearly origins (January
2001 to January 2010), training on the first 612 months (1950-2000) or more. Only ``capstone_series()[:612]`` is
needed to develop a forecaster; the months after it are the backtest's test periods."""


def capstone_series():
    """Monthly sea surface temperature of the El Niño region, 1950-2010 (°C): ``pd.Series (732,)``.

    From ``statsmodels.datasets.elnino`` (shipped with statsmodels, no download), with a
    monthly ``DatetimeIndex``. It has a yearly season (m = 12) and irregular El Niño swings.
    """
    import pandas as pd
    from statsmodels.datasets import elnino

    table = elnino.load_pandas().data.drop(columns="YEAR")  # one row per year, columns JAN..DEC
    values = table.to_numpy(dtype=float).ravel()  # row-major: Jan 1950, Feb 1950, ...
    return pd.Series(values, index=pd.date_range("1950-01-01", periods=values.size, freq="MS"), name="sst")


def _capstone_scores(forecaster: Callable[[np.ndarray, int], Any]) -> np.ndarray:
    from tslab.forecast import backtest

    series = capstone_series().to_numpy()
    c = CAPSTONE
    return backtest(series, forecaster, c["initial"], c["horizon"], step=c["step"], metric="mase",
                    m=c["m"])["score"].to_numpy()


@exercise("capstone", "forecaster")
def _check_capstone(answer: Any, rng: np.random.Generator) -> str | Verdict | None:
    """forecaster(train (T,), horizon) -> (horizon,) must beat seasonal naive's mean MASE."""
    from tslab.baselines import forecast_seasonal_naive

    def guarded(train: np.ndarray, horizon: int) -> np.ndarray:
        call = f"forecaster(train of {train.size} months, {horizon})"
        pred = np.asarray(_call(answer, call, train, horizon), dtype=float)
        if pred.shape != (horizon,):
            raise _NotYet(f"{call} returned shape {pred.shape}, expected ({horizon},).")
        if not np.all(np.isfinite(pred)):
            raise _NotYet(f"{call} returned NaN or inf.")
        return pred

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small models: one thread is many times faster than several waiting
    try:
        start = time.perf_counter()
        yours = _capstone_scores(guarded)
        seconds = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    naive = _capstone_scores(lambda tr, h: forecast_seasonal_naive(tr, h, m=CAPSTONE["m"]))
    summary = (f"mean MASE {yours.mean():.3f} over {yours.size} origins (per origin "
               f"{', '.join(f'{s:.2f}' for s in yours)}), seasonal naive {naive.mean():.3f}; "
               f"backtest took {seconds:.0f} s.")
    if yours.mean() < naive.mean():
        return Verdict(True, f"your forecaster beats seasonal naive: {summary}")
    return f"your forecaster does not beat seasonal naive yet: {summary}"
