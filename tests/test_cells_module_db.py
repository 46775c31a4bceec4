"""tslab.cells against PyTorch's own module tests (``torch.testing._internal.common_modules``).

PyTorch's developers describe every module's inputs in ``module_db``: a ``ModuleInfo`` per
module with ``module_inputs_func`` (constructor and forward arguments, the samples its
``test_modules.py`` runs in training and eval mode) and ``module_error_inputs_func`` (arguments
that must raise, and whether at construction or in forward). ``test_expanded_weights.py`` adds
``PackedSequence`` samples with ``with_packed_sequence=True``. We enumerate the samples the
same way for ``nn.RNNCell``, ``GRUCell``, ``LSTMCell``, ``RNN``, ``GRU`` and ``LSTM`` (float64,
CPU, ``requires_grad=True``, training and eval) and, for each:

- a forward sample: build ``torch.nn``'s module with a fixed seed and ours with the same
  arguments, load torch's ``state_dict`` strictly, and require equal outputs (a
  ``PackedSequence`` compared field by field), final states, and gradients of every parameter
  and every input after a backward pass of a random weighting of all outputs;
- an error sample: require ours to raise at the same stage (construction or forward) an
  exception that the ``except`` clause written for torch's error catches (``error_type``);
  torch's shape errors are ``RuntimeError`` and ours are `tslab.cells.ShapeError`, a
  ``ValueError`` *and* a ``RuntimeError``.

The harness is not vacuous: ``test_harness_fails_on_a_broken_gate_order`` swaps the LSTM's
input and forget gates and requires every LSTM sample to be reported as failing.

Run ``python tests/test_cells_module_db.py`` to print the counts (equal / same-error / failing /
unsupported).
"""

from __future__ import annotations

import collections
import copy
import re
import sys
import types

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from tslab import cells

if "expecttest" not in sys.modules:  # a test-only dependency of torch.testing._internal
    try:
        import expecttest  # noqa: F401
    except ImportError:
        _stub = types.ModuleType("expecttest")
        _stub.TestCase = type("TestCase", (), {})
        sys.modules["expecttest"] = _stub

common_modules = pytest.importorskip("torch.testing._internal.common_modules")

MODULES = (nn.RNNCell, nn.GRUCell, nn.LSTMCell, nn.RNN, nn.GRU, nn.LSTM)
ATOL = RTOL = 1e-10
UNSUPPORTED = re.compile(r"not supported|PackedSequence|input must be a Tensor", re.IGNORECASE)


def _cases() -> list[tuple[str, type, bool, object]]:
    """(id, torch class, training, ModuleInput or ErrorModuleInput) for every sample."""
    infos = {info.module_cls: info for info in common_modules.module_db if info.module_cls in MODULES}
    cases = []
    for cls in MODULES:
        info = infos[cls]
        for training in (True, False):
            mode = "train" if training else "eval"
            kw = dict(device="cpu", dtype=torch.float64, requires_grad=True, training=training)
            samples = info.module_inputs_func(info, with_packed_sequence=True, **kw)
            for k, sample in enumerate(samples):
                cases.append((f"{cls.__name__}-{mode}-forward{k}", cls, training, sample))
            errors = info.module_error_inputs_func(info, **{**kw, "requires_grad": False})
            for k, sample in enumerate(errors):
                cases.append((f"{cls.__name__}-{mode}-error{k}", cls, training, sample))
    return cases


CASES = _cases()


def _copy(value):
    """A fresh copy of a forward argument: new leaf tensors, so each module gets its own grads."""
    if isinstance(value, PackedSequence):
        return PackedSequence(_copy(value.data), value.batch_sizes, value.sorted_indices, value.unsorted_indices)
    if isinstance(value, torch.Tensor):
        return value.detach().clone().requires_grad_(value.requires_grad)
    if isinstance(value, (tuple, list)):
        return type(value)(_copy(v) for v in value)
    return copy.deepcopy(value)


def _tensors(value) -> list[torch.Tensor]:
    """Every tensor in a (nested) result or argument, a PackedSequence as its four fields."""
    if isinstance(value, PackedSequence):
        return [t for t in (value.data, value.batch_sizes, value.sorted_indices, value.unsorted_indices)
                if t is not None]
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors(v)]
    return []


def _run(module: nn.Module, args: tuple, kwargs: dict) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Forward, backward a random weighting of all float outputs; return outputs and gradients."""
    args, kwargs = _copy(args), _copy(kwargs)
    outputs = _tensors(module(*args, **kwargs))
    gen = torch.Generator().manual_seed(1)
    floats = [o for o in outputs if o.is_floating_point() and o.requires_grad]
    if floats:
        sum((o * torch.randn(o.shape, generator=gen, dtype=o.dtype)).sum() for o in floats).backward()
    leaves = [t for t in _tensors((args, kwargs)) if t.requires_grad] + list(module.parameters())
    grads = [torch.zeros_like(t) if t.grad is None else t.grad for t in leaves]
    return [o.detach() for o in outputs], grads


def _same(ref: list[torch.Tensor], ours: list[torch.Tensor]) -> str | None:
    if len(ref) != len(ours):
        return f"{len(ours)} tensors instead of {len(ref)}"
    for k, (a, b) in enumerate(zip(ref, ours)):
        if a.shape != b.shape or a.dtype != b.dtype:
            return f"tensor {k}: {b.dtype} {tuple(b.shape)} instead of {a.dtype} {tuple(a.shape)}"
        if not torch.allclose(b, a, atol=ATOL, rtol=RTOL):
            return f"tensor {k}: max difference {(b - a).abs().max().item():.3g}"
    return None


def run_case(cls: type, training: bool, sample) -> tuple[str, str]:
    """Classify one sample: ``("equal" | "same-error" | "failing" | "unsupported", detail)``."""
    ours_cls = getattr(cells, cls.__name__)
    if isinstance(sample, common_modules.ErrorModuleInput):
        return _run_error_case(cls, ours_cls, training, sample)
    cons, fwd = sample.constructor_input, sample.forward_input
    torch.manual_seed(0)
    ref = cls(*cons.args, **cons.kwargs).to(torch.float64).train(training)
    try:
        ours = ours_cls(*cons.args, **cons.kwargs).to(torch.float64).train(training)
        ours.load_state_dict(ref.state_dict(), strict=True)
        torch.manual_seed(0)
        our_outputs, our_grads = _run(ours, fwd.args, fwd.kwargs)
    except Exception as error:  # noqa: BLE001 - every exception is a result here
        status = "unsupported" if UNSUPPORTED.search(str(error)) else "failing"
        return status, f"{type(error).__name__}: {error}"
    torch.manual_seed(0)
    ref_outputs, ref_grads = _run(ref, fwd.args, fwd.kwargs)
    problem = _same(ref_outputs, our_outputs) or _same(ref_grads, our_grads)
    return ("failing", problem) if problem else ("equal", "")


def _run_error_case(cls: type, ours_cls: type, training: bool, sample) -> tuple[str, str]:
    module_input = sample.module_error_input
    cons, fwd = module_input.constructor_input, module_input.forward_input
    at_construction = sample.error_on == common_modules.ModuleErrorEnum.CONSTRUCTION_ERROR
    stage = "construction" if at_construction else "forward"
    try:
        ours = ours_cls(*cons.args, **cons.kwargs)
    except Exception as error:  # noqa: BLE001
        if not at_construction:
            return "failing", f"raised at construction instead of forward: {type(error).__name__}: {error}"
        return _judge(error, sample, stage)
    if at_construction:
        return "failing", "no error at construction"
    ours.train(training)
    try:
        ours(*_copy(fwd.args), **_copy(fwd.kwargs))
    except Exception as error:  # noqa: BLE001
        return _judge(error, sample, stage)
    return "failing", "no error in forward"


def _judge(error: Exception, sample, stage: str) -> tuple[str, str]:
    expected = sample.error_type
    wanted = (RuntimeError, ValueError) if expected in (RuntimeError, ValueError) and stage == "forward" else (expected,)
    missing = [t.__name__ for t in wanted if not isinstance(error, t)]
    if missing:
        return "failing", f"{type(error).__name__} is not a {', '.join(missing)}: {error}"
    if not re.search(sample.error_regex, str(error)):
        return "failing", f"message does not contain torch's {sample.error_regex!r}: {error}"
    return "same-error", f"{type(error).__name__} at {stage}: {error}"


def counts() -> collections.Counter:
    return collections.Counter(run_case(cls, training, sample)[0] for _, cls, training, sample in CASES)


@pytest.mark.filterwarnings("ignore:.*is read as bias=True")  # RNNCell(10, 20, 'relu'): torch's bias
@pytest.mark.parametrize(("cls", "training", "sample"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_module_db_sample_is_equal_to_torch_or_raises_the_same_kind_of_error(cls, training, sample) -> None:
    status, detail = run_case(cls, training, sample)
    assert status in ("equal", "same-error"), f"{status}: {detail}"
    expect_error = isinstance(sample, common_modules.ErrorModuleInput)
    assert status == ("same-error" if expect_error else "equal")


def test_module_db_covers_every_kind_of_sample() -> None:
    """The enumeration is not empty, and it holds packed, projected and error samples."""
    names = [c[0] for c in CASES]
    assert len(CASES) > 300
    assert {cls.__name__ for _, cls, _, _ in CASES} == {m.__name__ for m in MODULES}
    packed = [c for c in CASES if not isinstance(c[3], common_modules.ErrorModuleInput)
              and isinstance(c[3].forward_input.args[0], PackedSequence)]
    projected = [c for c in CASES if not isinstance(c[3], common_modules.ErrorModuleInput)
                 and c[3].constructor_input.kwargs.get("proj_size", 0) > 0]
    assert packed and projected and any("error" in n for n in names)


def _broken_lstm_gates(x_proj, h, w_hh_T):
    """LSTM gates with the input and forget gates swapped: a plausible, wrong implementation."""
    i, f, g, o = _REAL_LSTM_GATES(x_proj, h, w_hh_T)
    return f, i, g, o


_REAL_LSTM_GATES = cells.lstm_gates


def test_harness_fails_on_a_broken_gate_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cells, "lstm_gates", _broken_lstm_gates)
    lstm_forward = [c for c in CASES if c[1] in (nn.LSTM, nn.LSTMCell)
                    and not isinstance(c[3], common_modules.ErrorModuleInput)]
    statuses = collections.Counter(run_case(cls, training, sample)[0] for _, cls, training, sample in lstm_forward)
    assert statuses == {"failing": len(lstm_forward)}


if __name__ == "__main__":
    result = counts()
    print(f"{len(CASES)} cases:", dict(result))
    for name, cls, training, sample in CASES:
        status, detail = run_case(cls, training, sample)
        if status not in ("equal", "same-error"):
            print(f"  {status:<11} {name}: {detail[:160]}")
