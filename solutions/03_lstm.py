"""Solutions to the exercises of notebook 03 (LSTM), for instructors.

Each name is the one the notebook's template defines; ``check("03.k", name)`` passes on it.
"""

from __future__ import annotations

import math

import torch


def half_life(f):
    """After k steps with i = 0 the cell holds f**k of its content (c_k = f c_{k-1}).

    The smallest k with f**k <= 1/2 is ceil(log(1/2) / log(f)). A fresh LSTM (f ~ sigma(0) = 0.5)
    halves in 1 step; with the +1 forget bias (f ~ sigma(1) = 0.73) it takes 3 steps, and a
    learnt f = 0.99 keeps half for 69 steps.
    """
    return max(1, math.ceil(math.log(0.5) / math.log(f) - 1e-12))


def lstm_shapes(L, N, H_in, H, num_layers, bidirectional, proj_size):
    """output (L, N, D * H_out); h_n (D * num_layers, N, H_out); c_n (D * num_layers, N, H).

    H_out = proj_size if proj_size > 0 else H: the projection shrinks h (and so output), never c.
    """
    D = 2 if bidirectional else 1
    H_out = proj_size if proj_size > 0 else H
    return (L, N, D * H_out), (D * num_layers, N, H_out), (D * num_layers, N, H)


def make_remembering(lstm):
    """Forget gate fully open (f = 1) and input gate fully closed (i = 0) at every step.

    Then c_t = 1 * c_{t-1} + 0 * g_t = c_{t-1}. Gate order i, f, g, o: rows 0..H are the input
    gate, rows H..2H the forget gate. A bias of -/+100 saturates the sigmoid whatever W x + W h is.
    """
    H = lstm.hidden_size
    with torch.no_grad():
        lstm.bias_ih_l0[:H] = -100.0  # input gate i -> 0
        lstm.bias_ih_l0[H : 2 * H] = 100.0  # forget gate f -> 1
    return lstm
