"""tslab.device: device choice, seeding, environment report."""

import os

import numpy as np
import pytest
import torch

from tslab.device import environment_report, get_device, seed_everything


def test_get_device_explicit_cpu():
    assert get_device("cpu") == torch.device("cpu")
    assert get_device(torch.device("cpu")) == torch.device("cpu")


def test_get_device_env_var_wins_over_auto(monkeypatch):
    monkeypatch.setenv("TSLAB_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")


def test_get_device_argument_wins_over_env_var(monkeypatch):
    monkeypatch.setenv("TSLAB_DEVICE", "not-a-device")
    assert get_device("cpu") == torch.device("cpu")


def test_get_device_auto_falls_back_to_available(monkeypatch):
    monkeypatch.delenv("TSLAB_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert get_device().type == expected


@pytest.mark.parametrize("bad", ["tpu", "gpu", ""])
def test_get_device_unknown_name_is_a_clear_value_error(bad):
    with pytest.raises(ValueError, match="prefer"):
        get_device(bad)


def test_get_device_bad_env_var_names_the_variable(monkeypatch):
    monkeypatch.setenv("TSLAB_DEVICE", "tpu")
    with pytest.raises(ValueError, match="TSLAB_DEVICE"):
        get_device()


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_get_device_cuda_without_gpu_says_so():
    with pytest.raises(ValueError, match="CUDA is not available"):
        get_device("cuda")


def test_get_device_wrong_type():
    with pytest.raises(TypeError, match="prefer"):
        get_device(0)


def test_seed_everything_repeats_numpy_torch_and_python():
    import random

    seed_everything(123)
    a = (random.random(), np.random.rand(), torch.rand(3))
    seed_everything(123)
    b = (random.random(), np.random.rand(), torch.rand(3))
    assert a[0] == b[0] and a[1] == b[1] and torch.equal(a[2], b[2])


def test_seed_everything_sets_deterministic_gpu_settings():
    seed_everything(0)
    assert torch.backends.cudnn.deterministic is True
    assert torch.backends.cudnn.benchmark is False
    assert os.environ["CUBLAS_WORKSPACE_CONFIG"] in (":4096:8", ":16:8")


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(bad, error):
    with pytest.raises(error, match="seed"):
        seed_everything(bad)


def test_environment_report_has_versions_and_device():
    report = environment_report("cpu")
    assert report["torch"] == torch.__version__
    assert report["device"] == "cpu"
    assert all(isinstance(v, str) for v in report.values())
    assert int(report["cpu threads (torch)"]) >= 1
