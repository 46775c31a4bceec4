"""Metrics for classification and forecasting.

Classification metrics are thin wrappers over :mod:`sklearn.metrics` that add input checks with
clear messages. Forecasting metrics (MAE, RMSE, MAPE, MASE) accept arrays of any matching shape,
for example ``(N,)`` one forecast, or ``(N, H)`` N windows of H steps each.

Compute forecasting errors in **original units**: call ``Scaler.inverse_transform`` on both the
targets and the predictions first. An error on standardised data is not comparable across
series, and MAPE on standardised data (which crosses zero) is meaningless.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike
from sklearn import metrics as skm

from tslab._checks import as_array, as_float, as_int

__all__ = [
    "accuracy",
    "precision_recall_f1",
    "confusion_matrix",
    "roc_auc",
    "classification_summary",
    "mae",
    "rmse",
    "mape",
    "mase",
    "mase_scale",
]


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------
def _to_numpy(x: object) -> object:
    """Tensors (even ones that track gradients, or live on a GPU) become NumPy arrays."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch.Tensor, without importing torch
        return x.detach().cpu().numpy()
    return x


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Validate a (target, prediction) pair of the same shape."""
    t = as_array("y_true", y_true, range(8), min_len=1)
    p = as_array("y_pred", y_pred, range(8), min_len=1)
    if t.shape != p.shape:
        raise ValueError(f"y_pred must have the shape of y_true {t.shape}, got {p.shape}")
    return t, p


def _labels(y: ArrayLike, name: str) -> np.ndarray:
    """Validate 1-D integer/boolean class labels."""
    as_array(name, y, range(8), finite=False)  # real numbers, sorted unique dates, float32 range
    arr = np.asarray(_to_numpy(y))
    if arr.ndim != 1:
        hint = " (for logits (N, C) take the class with .argmax(dim=1))" if arr.ndim == 2 else ""
        raise ValueError(f"{name} must be 1-D class labels (N,), got shape {arr.shape}{hint}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if arr.dtype.kind == "f":
        if np.isnan(arr).any():
            raise ValueError(f"{name} must not contain NaN")
        if not np.all(arr == np.round(arr)):
            raise ValueError(
                f"{name} must hold class labels (whole numbers), got non-integer values such as "
                f"{arr[arr != np.round(arr)][0]:.3g}: for probabilities, threshold them first, "
                "e.g. (probs > 0.5).astype(int), or use roc_auc(y_true, scores)"
            )
    return arr


def _label_pair(y_true: ArrayLike, y_pred: ArrayLike, pred_name: str = "y_pred"):
    t = _labels(y_true, "y_true")
    p = _labels(y_pred, pred_name)
    if t.shape != p.shape:
        raise ValueError(f"{pred_name} must have the shape of y_true {t.shape}, got {p.shape}")
    return t, p


# ---------------------------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------------------------
def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Fraction of correct labels.

    Args:
        y_true: true class labels, shape ``(N,)``.
        y_pred: predicted class labels, shape ``(N,)``.
    """
    t, p = _label_pair(y_true, y_pred)
    return float(skm.accuracy_score(t, p))


def precision_recall_f1(
    y_true: ArrayLike, y_pred: ArrayLike, *, positive: int = 1
) -> tuple[float, float, float]:
    """Precision, recall and F1 of the ``positive`` class (binary labels).

    precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = their harmonic mean. A ratio with
    an empty denominator is reported as 0 (scikit-learn's ``zero_division=0``).

    Args:
        y_true: true labels, shape ``(N,)``.
        y_pred: predicted labels, shape ``(N,)``.
        positive: the label counted as positive.
    """
    (t, p), positive = _label_pair(y_true, y_pred), as_int("positive", positive)
    classes = np.union1d(np.unique(t), np.unique(p))
    if len(classes) > 2:
        raise ValueError(
            f"y_true and y_pred must hold binary labels for precision/recall/F1 of one class, got "
            f"{len(classes)} classes {classes.tolist()[:6]}: use confusion_matrix for several classes"
        )
    if positive not in classes:
        raise ValueError(f"positive must be one of the labels present {classes.tolist()}, got {positive!r}")
    prec, rec, f1, _ = skm.precision_recall_fscore_support(
        t, p, pos_label=positive, average="binary", zero_division=0
    )
    return float(prec), float(rec), float(f1)


def confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, *, labels: ArrayLike | None = None
) -> np.ndarray:
    """Confusion matrix ``C`` with ``C[i, j]`` = number of samples of true class i predicted j.

    For binary labels {0, 1}: ``[[TN, FP], [FN, TP]]``.

    Args:
        y_true: true labels, shape ``(N,)``.
        y_pred: predicted labels, shape ``(N,)``.
        labels: class order of the rows/columns; default: sorted union of both.

    Returns:
        Integer array of shape ``(K, K)``.
    """
    t, p = _label_pair(y_true, y_pred)
    return skm.confusion_matrix(t, p, labels=labels)


def roc_auc(y_true: ArrayLike, scores: ArrayLike) -> float:
    """Area under the ROC curve of binary ``y_true`` against continuous ``scores``.

    Args:
        y_true: binary labels, shape ``(N,)``; both classes must be present.
        scores: scores or probabilities of the positive class, shape ``(N,)``.
    """
    t = _labels(y_true, "y_true")
    s = as_array("scores", scores, range(8), min_len=1)
    if s.shape != t.shape:
        raise ValueError(f"scores must have the shape of y_true {t.shape} (one score per sample), got {s.shape}")
    if np.unique(t).size != 2:
        raise ValueError(
            f"y_true must contain both classes for ROC-AUC, got classes {np.unique(t).tolist()}"
        )
    return float(skm.roc_auc_score(t, s))


def classification_summary(
    y_true: ArrayLike, y_pred: ArrayLike, scores: ArrayLike | None = None, *, positive: int = 1
) -> dict[str, float]:
    """A small ``classification_report``-like dict for a binary task.

    Args:
        y_true: true labels, shape ``(N,)``.
        y_pred: predicted labels, shape ``(N,)``.
        scores: optional positive-class scores, shape ``(N,)``, to add ``roc_auc``.
        positive: the label counted as positive.

    Returns:
        ``{"accuracy", "precision", "recall", "f1", "support"[, "roc_auc"]}`` where ``support`` is
        the number of positive samples.
    """
    prec, rec, f1 = precision_recall_f1(y_true, y_pred, positive=positive)
    out = {
        "accuracy": accuracy(y_true, y_pred),
        "precision": prec,
        "recall": rec,
        "f1": f1,
        "support": float(np.sum(np.asarray(y_true) == positive)),
    }
    if scores is not None:
        out["roc_auc"] = roc_auc(np.asarray(y_true) == positive, scores)
    return out


# ---------------------------------------------------------------------------------------------
# forecasting (original units!)
# ---------------------------------------------------------------------------------------------
def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error, ``mean |y - ŷ|``, in the units of the series.

    Args:
        y_true: targets in original units, any shape.
        y_pred: predictions in original units, same shape as ``y_true``.
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.abs(t - p)))


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Root mean squared error, ``sqrt(mean (y - ŷ)^2)``, in the units of the series.

    Args:
        y_true: targets in original units, any shape.
        y_pred: predictions in original units, same shape as ``y_true``.
    """
    t, p = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((t - p) ** 2)))


def mape(y_true: ArrayLike, y_pred: ArrayLike, *, eps: float = 1e-8) -> float:
    """Mean absolute percentage error, ``100 * mean |y - ŷ| / |y|``, in percent.

    Caveat: MAPE divides by the target, so it explodes near zero and is undefined at zero; it
    also punishes over-forecasts more than under-forecasts. Only use it on strictly positive
    series in original units (never on standardised data, which crosses zero). Prefer MASE.

    Args:
        y_true: targets in original units, any shape.
        y_pred: predictions, same shape as ``y_true``.
        eps: targets with ``|y| <= eps`` raise ``ValueError``.

    Raises:
        ValueError: if any target is within ``eps`` of zero.

    Warns:
        RuntimeWarning: if some ``|y|`` is below 1 % of the mean ``|y|`` (the result is then
            dominated by a few points).
    """
    (t, p), eps = _pair(y_true, y_pred), as_float("eps", eps, 0, lo_open=True)
    abs_t = np.abs(t)
    if np.any(abs_t <= eps):
        raise ValueError(
            f"y_true must be away from zero for MAPE (|y| > eps = {eps}), got "
            f"{int(np.sum(abs_t <= eps))} value(s) at or near zero; use mae or mase instead"
        )
    if np.any(abs_t < 0.01 * abs_t.mean()):
        warnings.warn(
            "y_true has values below 1% of its mean magnitude: MAPE is dominated by them",
            RuntimeWarning,
            stacklevel=2,
        )
    return float(100.0 * np.mean(np.abs(t - p) / abs_t))


def mase_scale(y_train: ArrayLike, m: int = 1) -> float:
    """The MASE denominator: in-sample MAE of the seasonal-naive forecast on the training series.

    ``scale = mean_{t=m..T-1} |y_t - y_{t-m}|`` (Hyndman & Koehler 2006), with ``m = 1`` the
    plain naive forecast.

    Args:
        y_train: training series in original units, shape ``(T,)`` with ``T > m``.
        m: seasonal period (12 for monthly data with a yearly cycle).
    """
    m, y = as_int("m", m, 1), as_array("y_train", y_train, range(8), min_len=1)
    if y.ndim != 1:
        raise ValueError(f"y_train must be 1-D (T,), got shape {y.shape}")
    if y.size <= m:
        raise ValueError(f"y_train must be longer than m = {m}, got length {y.size}")
    scale = float(np.mean(np.abs(y[m:] - y[:-m])))
    if scale == 0.0:
        raise ValueError(
            f"y_train is exactly periodic with period m = {m} (scale 0): MASE is undefined"
        )
    return scale


def mase(y_true: ArrayLike, y_pred: ArrayLike, y_train: ArrayLike, m: int = 1) -> float:
    """Mean absolute scaled error: forecast MAE divided by :func:`mase_scale` of the training series.

    MASE < 1 means the forecast beats the in-sample seasonal-naive forecast on average; it is
    unit-free, so it compares across series. Use the training part only for the scale (never the
    test part), in original units.

    Args:
        y_true: targets in original units, any shape (e.g. ``(H,)`` or ``(N, H)``).
        y_pred: predictions, same shape as ``y_true``.
        y_train: training series, shape ``(T,)``.
        m: seasonal period of the naive scale.
    """
    return mae(y_true, y_pred) / mase_scale(y_train, m)
