"""Capstone solution: a GRU that forecasts the El Niño series' departures from its monthly means.

``check("capstone", forecaster)`` runs a rolling-origin backtest (12 months ahead, 5 origins) and
passes when the mean MASE beats seasonal naive. The recipe, in the course's words:

1. **Season out** (notebook 01's decomposition idea): subtract each calendar month's mean over
   the training part; what is left is the El Niño swing, an anomaly around 0.
2. **Scale** the anomaly with its training standard deviation (fitted on train only).
3. **Direct multi-step** (notebook 06): a GRU reads the last ``INPUT_LEN`` months of anomaly and
   predicts all ``horizon`` months at once (``SequenceModel(output_size=horizon)``).
4. **Early stopping** on the last windows of the training part (chronological validation,
   notebook 05), then add the monthly means back.

The settings below were chosen on a validation backtest that ends before the capstone's first
test month (``solutions/README.md`` has the numbers); the capstone's test periods were not used
to choose anything.
"""

from __future__ import annotations

import numpy as np
import torch

from tslab.data import make_loader
from tslab.device import seed_everything
from tslab.models import SequenceModel
from tslab.train import fit, predict

INPUT_LEN = 24  # months of anomaly the GRU reads
HIDDEN = 8
EPOCHS = 30
PATIENCE = 3
KIND = "gru"


def forecaster(train: np.ndarray, horizon: int, kind: str = KIND) -> np.ndarray:
    """Forecast ``horizon`` months after ``train (T,)``: monthly means + GRU-forecast anomaly."""
    seed_everything(0)
    T = train.size
    month = np.arange(T) % 12  # the series starts in January
    means = np.array([train[month == k].mean() for k in range(12)])
    anomaly = train - means[month]
    scale = anomaly.std()
    a = (anomaly / scale).astype(np.float32)
    starts = np.arange(T - INPUT_LEN - horizon + 1)
    X = np.stack([a[s : s + INPUT_LEN] for s in starts])[:, :, None]  # (N, L, 1)
    Y = np.stack([a[s + INPUT_LEN : s + INPUT_LEN + horizon] for s in starts])  # (N, H)
    n_val = len(starts) // 6  # the last windows (in time) validate; training windows come first
    model = SequenceModel(kind, input_size=1, hidden_size=HIDDEN, output_size=horizon)
    fit(model, make_loader(X[:-n_val], Y[:-n_val], 32, shuffle=True, seed=0),
        make_loader(X[-n_val:], Y[-n_val:], 256), epochs=EPOCHS, lr=1e-2,
        early_stopping_patience=PATIENCE, progress=False, seed=0)
    with torch.no_grad():
        future = predict(model, a[None, -INPUT_LEN:, None]).cpu().numpy()[0]  # (H,)
    return means[(T + np.arange(horizon)) % 12] + future * scale
