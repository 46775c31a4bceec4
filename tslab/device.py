"""Choosing a device, seeding everything, and reporting the environment.

Nothing here runs at import time: call :func:`seed_everything` and :func:`get_device`
yourself in a notebook's setup cell.
"""

from __future__ import annotations

import os
import platform
import random
import sys

import numpy as np
import torch

from tslab._checks import as_bool, as_int, as_type

__all__ = ["get_device", "seed_everything", "environment_report", "VALID_DEVICES"]

VALID_DEVICES = ("cpu", "cuda", "mps")
ENV_VAR = "TSLAB_DEVICE"


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def _check_device(name: str, source: str) -> torch.device:
    """Turn ``name`` into a ``torch.device`` and make sure it is usable here."""
    try:
        device = torch.device(name)
    except RuntimeError as err:  # torch says "Expected one of cpu, cuda, ... device type"
        raise ValueError(
            f"{source} must name a device such as 'cpu', 'cuda', 'cuda:1' or 'mps', got {name!r}"
        ) from err
    if device.type not in VALID_DEVICES:
        raise ValueError(f"{source} must be one of {VALID_DEVICES} (optionally with an index), got {name!r}")
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"{source} asks for {name!r}, but CUDA is not available on this machine")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ValueError(
                f"{source} asks for {name!r}, but only {torch.cuda.device_count()} CUDA device(s) exist"
            )
    if device.type == "mps" and not _mps_available():
        raise ValueError(f"{source} asks for {name!r}, but Apple MPS is not available on this machine")
    return device


def get_device(prefer: str | torch.device | None = None) -> torch.device:
    """Pick the device to train on.

    Order: the explicit ``prefer`` argument, else the environment variable ``TSLAB_DEVICE``,
    else CUDA if available, else Apple MPS if available, else CPU.

    Args:
        prefer: ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"`` or a ``torch.device``; ``None`` to choose
            automatically.

    Returns:
        A ``torch.device`` that works on this machine.

    Raises:
        ValueError: if the requested device is unknown or not available here.
        TypeError: if ``prefer`` is neither a string, a ``torch.device`` nor ``None``.
    """
    if prefer is not None:
        return _check_device(str(as_type("prefer", prefer, (str, torch.device), "a str, a torch.device or None")), "prefer")
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return _check_device(from_env, f"the environment variable {ENV_VAR}")
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int, deterministic: bool = True) -> None:
    """Seed Python, NumPy and PyTorch (CPU and every GPU) so that runs repeat.

    With ``deterministic=True`` it also sets what matters for recurrent networks on a GPU:
    ``CUBLAS_WORKSPACE_CONFIG=:4096:8`` (set before CUDA starts, when it has not started yet),
    cuDNN's deterministic mode with benchmarking off, and PyTorch's deterministic algorithms in
    warn-only mode (so an operation with no deterministic version warns instead of failing).

    Args:
        seed: a non-negative integer below 2**32.
        deterministic: also switch on deterministic GPU kernels.

    Raises:
        TypeError: if ``seed`` is not an integer.
        ValueError: if ``seed`` is negative or too large for NumPy.
    """
    seed, deterministic = as_int("seed", seed, 0, 2**32 - 1), as_bool("deterministic", deterministic)
    if deterministic:
        # cuBLAS reads this when CUDA initialises; setting it later has no effect.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        torch.use_deterministic_algorithms(True, warn_only=True)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # seeds the CPU and every CUDA/MPS device
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def environment_report(device: torch.device | str | None = None) -> dict[str, str]:
    """Versions and hardware, as notebook 00 prints them.

    Args:
        device: the device to describe; ``None`` uses :func:`get_device`.

    Returns:
        An ordered ``dict`` of label → value (all strings), e.g. ``{"python": "3.11.7", ...}``.
    """
    import matplotlib
    import pandas
    import sklearn

    device = get_device(device)
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        device_name = f"{props.name} ({props.total_memory / 2**30:.0f} GiB)"
    elif device.type == "mps":
        device_name = "Apple GPU (MPS)"
    else:
        device_name = platform.processor() or platform.machine() or "CPU"
    report = {
        "python": sys.version.split()[0],
        "platform": platform.platform(terse=True),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pandas": pandas.__version__,
        "scikit-learn": sklearn.__version__,
        "matplotlib": matplotlib.__version__,
        "device": str(device),
        "device name": device_name,
        "cuda available": str(torch.cuda.is_available()),
        "cudnn": str(torch.backends.cudnn.version()) if torch.cuda.is_available() else "-",
        "cpu threads (torch)": str(torch.get_num_threads()),
        "cpu cores (os)": str(os.cpu_count()),
    }
    return report
