"""Tests for tslab.metrics: hand-computed values, scikit-learn as the oracle, bad inputs."""

import numpy as np
import pytest
from sklearn import metrics as skm

from tslab import metrics as M

Y_TRUE = np.array([0, 1, 1, 0, 1, 1, 0, 0])
Y_PRED = np.array([0, 1, 0, 0, 1, 1, 1, 0])
SCORES = np.array([0.1, 0.9, 0.4, 0.2, 0.8, 0.7, 0.6, 0.3])


def test_accuracy_hand_computed():
    assert M.accuracy(Y_TRUE, Y_PRED) == pytest.approx(6 / 8)


def test_precision_recall_f1_hand_computed():
    # TP = 3, FP = 1, FN = 1
    prec, rec, f1 = M.precision_recall_f1(Y_TRUE, Y_PRED)
    assert (prec, rec, f1) == pytest.approx((3 / 4, 3 / 4, 3 / 4))


def test_confusion_matrix_layout_is_tn_fp_fn_tp():
    np.testing.assert_array_equal(M.confusion_matrix(Y_TRUE, Y_PRED), [[3, 1], [1, 3]])


def test_roc_auc_matches_sklearn_and_hand_count():
    # pairs (pos, neg) ranked correctly: every positive above every negative except 0.4 < 0.6
    assert M.roc_auc(Y_TRUE, SCORES) == pytest.approx(15 / 16)
    assert M.roc_auc(Y_TRUE, SCORES) == pytest.approx(skm.roc_auc_score(Y_TRUE, SCORES))


def test_classification_summary_keys_and_values():
    out = M.classification_summary(Y_TRUE, Y_PRED, SCORES)
    assert out == pytest.approx(
        {"accuracy": 0.75, "precision": 0.75, "recall": 0.75, "f1": 0.75, "support": 4.0,
         "roc_auc": 15 / 16}
    )


def test_precision_with_no_positive_prediction_is_zero():
    assert M.precision_recall_f1([0, 1], [0, 0]) == (0.0, 0.0, 0.0)


Y = np.array([1.0, 2.0, 4.0, 8.0])
P = np.array([2.0, 2.0, 3.0, 10.0])


def test_mae_rmse_mape_hand_computed():
    assert M.mae(Y, P) == pytest.approx((1 + 0 + 1 + 2) / 4)
    assert M.rmse(Y, P) == pytest.approx(np.sqrt((1 + 0 + 1 + 4) / 4))
    assert M.mape(Y, P) == pytest.approx(100 * (1 / 1 + 0 + 1 / 4 + 2 / 8) / 4)


@pytest.mark.parametrize("shape", [(12,), (3, 4), (2, 3, 2)])
def test_forecast_metrics_match_sklearn_for_any_shape(shape):
    rng = np.random.default_rng(0)
    t, p = rng.uniform(1, 2, shape), rng.uniform(1, 2, shape)
    assert M.mae(t, p) == pytest.approx(skm.mean_absolute_error(t.ravel(), p.ravel()))
    assert M.rmse(t, p) == pytest.approx(np.sqrt(skm.mean_squared_error(t.ravel(), p.ravel())))
    assert M.mape(t, p) == pytest.approx(
        100 * skm.mean_absolute_percentage_error(t.ravel(), p.ravel())
    )


def test_mase_worked_example():
    # train = [1, 3, 2, 4, 3, 5], m = 2: |2-1|, |4-3|, |3-2|, |5-4| -> scale = 1
    # m = 1: |3-1|, |2-3|, |4-2|, |3-4|, |5-3| = 2, 1, 2, 1, 2 -> scale = 8/5
    train = [1.0, 3.0, 2.0, 4.0, 3.0, 5.0]
    y_true, y_pred = [4.0, 6.0], [5.0, 5.0]  # MAE = 1
    assert M.mase_scale(train, m=2) == pytest.approx(1.0)
    assert M.mase(y_true, y_pred, train, m=2) == pytest.approx(1.0)
    assert M.mase(y_true, y_pred, train, m=1) == pytest.approx(1 / (8 / 5))


def test_mase_accepts_2d_forecasts():
    train = np.arange(10.0)  # naive scale 1
    y_true = np.zeros((3, 4))
    assert M.mase(y_true, y_true + 2.0, train) == pytest.approx(2.0)


def test_mase_of_seasonal_naive_in_sample_is_one():
    rng = np.random.default_rng(1)
    train = rng.normal(size=50).cumsum()
    m = 5
    assert M.mase(train[m:], train[:-m], train, m) == pytest.approx(1.0)


def test_mape_raises_on_zero_target():
    with pytest.raises(ValueError, match="y_true"):
        M.mape([0.0, 1.0], [1.0, 1.0])


def test_mape_warns_on_near_zero_target():
    with pytest.warns(RuntimeWarning, match="MAPE"):
        M.mape([1e-3, 10.0, 10.0], [1.0, 10.0, 10.0])


@pytest.mark.parametrize("fn", [M.mae, M.rmse, M.mape])
def test_forecast_metric_rejects_shape_mismatch(fn):
    with pytest.raises(ValueError, match="y_pred"):
        fn(np.ones(3), np.ones(4))


@pytest.mark.parametrize("fn", [M.mae, M.rmse, M.mape])
@pytest.mark.parametrize("bad", ["y_true", "y_pred"])
def test_forecast_metric_rejects_nan(fn, bad):
    a, b = np.ones(3), np.ones(3)
    (a if bad == "y_true" else b)[1] = np.nan
    with pytest.raises(ValueError, match=bad):
        fn(a, b)


def test_mase_rejects_constant_periodic_train():
    with pytest.raises(ValueError, match="y_train"):
        M.mase([1.0], [1.0], [1.0, 2.0, 1.0, 2.0], m=2)


@pytest.mark.parametrize(("kwargs", "name"), [({"m": 0}, "m"), ({"m": 6}, "y_train")])
def test_mase_scale_rejects_bad_period(kwargs, name):
    with pytest.raises(ValueError, match=name):
        M.mase_scale(np.arange(6.0), **kwargs)


def test_mase_scale_rejects_2d_train():
    with pytest.raises(ValueError, match="y_train"):
        M.mase_scale(np.ones((3, 4)))


def test_classification_rejects_length_mismatch():
    with pytest.raises(ValueError, match="y_pred"):
        M.accuracy([0, 1, 1], [0, 1])


def test_roc_auc_rejects_single_class():
    with pytest.raises(ValueError, match="y_true"):
        M.roc_auc([1, 1, 1], [0.2, 0.5, 0.9])


# ----------------------------------------------------------------------------- learner mistakes
def test_metrics_accept_tensors_that_track_gradients():
    import torch

    y = torch.tensor([1.0, 2.0, 3.0])
    pred = (torch.tensor([1.0, 2.0, 4.0]) * torch.ones(3, requires_grad=True))
    assert M.mae(y, pred) == pytest.approx(1 / 3)
    labels = torch.tensor([0, 1, 1])
    assert M.accuracy(labels, torch.tensor([0, 1, 0])) == pytest.approx(2 / 3)


def test_probabilities_passed_as_labels_get_a_threshold_hint():
    with pytest.raises(ValueError, match=r"y_pred must hold class labels.*threshold"):
        M.accuracy([0, 1, 1], [0.2, 0.9, 0.6])


def test_logits_passed_as_labels_get_an_argmax_hint():
    with pytest.raises(ValueError, match="argmax"):
        M.accuracy([0, 1], [[0.1, 0.9], [0.8, 0.2]])


def test_precision_recall_f1_rejects_multiclass_and_absent_positive():
    with pytest.raises(ValueError, match="binary"):
        M.precision_recall_f1([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="positive"):
        M.precision_recall_f1([0, 1, 1], [0, 1, 0], positive=2)


def test_roc_auc_takes_float_scores():
    assert M.roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
