"""Speed of tslab.cells against torch.nn: forward + backward on CPU.

Setting: batch N = 256, length L = 50, hidden H = 64, input H_in = 1, one layer, float32,
for a padded batch (every sequence 50 steps) and for a packed one (``PackedSequence`` of
sequences whose lengths are drawn uniformly from 10 to 50, unsorted, ``enforce_sorted=False``),
``torch.set_num_threads(1)`` (one thread, so that the number does not depend on how many cores
other jobs leave free; the previous setting is restored afterwards). Each repeat times one
forward pass plus ``output.sum().backward()``; ours and torch's repeats alternate, so that a
slow moment on a shared machine hits both; the median of ``repeats`` runs after warm-up is
reported.

Usage::

    python benchmarks/bench_cells.py            # a table
    python benchmarks/bench_cells.py --json     # the dict returned by measure()

Importing this file has no side effects; ``benchmarks/run.py`` imports ``measure``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import torch
from torch import nn

from torch.nn.utils.rnn import pack_padded_sequence

from tslab import cells

BATCH, LENGTH, HIDDEN, INPUT = 256, 50, 64, 1
MIN_LENGTH = 10  # packed batches: lengths uniform in [MIN_LENGTH, LENGTH]
NUM_THREADS = 1
WARMUP = 3


def _fwd_bwd_seconds(model: nn.Module, x: torch.Tensor, lengths: torch.Tensor | None) -> float:
    """Seconds for one forward + backward pass of ``model`` on ``x (L, N, H_in)``, packed if ``lengths``."""
    model.zero_grad(set_to_none=True)
    start = time.perf_counter()
    if lengths is None:
        output, _ = model(x)
        output.sum().backward()
    else:
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        output, _ = model(packed)
        output.data.sum().backward()
    return time.perf_counter() - start


def _compare(name: str, repeats: int, seed: int, packed: bool) -> dict[str, float]:
    """Median ms of ours and torch's for the layer called ``name`` ("RNN", "LSTM" or "GRU")."""
    torch.manual_seed(seed)
    reference = getattr(nn, name)(INPUT, HIDDEN)
    ours = getattr(cells, name)(INPUT, HIDDEN)
    ours.load_state_dict(reference.state_dict())
    x = torch.randn(LENGTH, BATCH, INPUT, requires_grad=True)
    lengths = torch.randint(MIN_LENGTH, LENGTH + 1, (BATCH,)) if packed else None
    times: dict[str, list[float]] = {"tslab": [], "torch": []}
    for run in range(WARMUP + repeats):
        for label, model in (("tslab", ours), ("torch", reference)):
            seconds = _fwd_bwd_seconds(model, x, lengths)
            if run >= WARMUP:
                times[label].append(seconds)
    tslab_ms = 1e3 * statistics.median(times["tslab"])
    torch_ms = 1e3 * statistics.median(times["torch"])
    return {"tslab_ms": round(tslab_ms, 3), "torch_ms": round(torch_ms, 3), "ratio": round(tslab_ms / torch_ms, 3)}


def measure(repeats: int = 20, seed: int = 0) -> dict[str, dict[str, float]]:
    """Time forward + backward of tslab.cells.{RNN, LSTM, GRU} against torch.nn.

    Args:
        repeats: timed runs per model (after warm-up), at least 1.
        seed: seed for the weights and the input.

    Returns:
        ``{"rnn": {"tslab_ms", "torch_ms", "ratio"}, "lstm": {...}, "gru": {...},
        "rnn_packed": {...}, "lstm_packed": {...}, "gru_packed": {...}}``: median milliseconds
        per forward + backward pass on the padded and on the packed batch, and
        ``ratio = tslab_ms / torch_ms``.
    """
    if not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an int >= 1, got {repeats!r}")
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(NUM_THREADS)
    try:
        return {
            name.lower() + ("_packed" if packed else ""): _compare(name, repeats, seed, packed)
            for packed in (False, True)
            for name in ("RNN", "LSTM", "GRU")
        }
    finally:
        torch.set_num_threads(previous_threads)


def _table(results: dict[str, dict[str, float]]) -> str:
    lines = [
        f"forward + backward, N={BATCH}, L={LENGTH} (packed: lengths {MIN_LENGTH}-{LENGTH}), "
        f"H={HIDDEN}, H_in={INPUT}, float32, "
        f"{NUM_THREADS} thread, torch {torch.__version__}",
        f"{'model':<12} {'tslab ms':>10} {'torch ms':>10} {'ratio':>7}",
    ]
    for name, row in results.items():
        lines.append(f"{name:<12} {row['tslab_ms']:>10.2f} {row['torch_ms']:>10.2f} {row['ratio']:>7.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20, help="timed runs per model (default 20)")
    parser.add_argument("--json", action="store_true", help="print the result of measure() as JSON")
    args = parser.parse_args()
    results = measure(repeats=args.repeats)
    print(json.dumps(results, indent=2) if args.json else _table(results))


if __name__ == "__main__":
    main()
