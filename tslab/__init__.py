"""tslab: the thin helper package of the course *Recurrent neural networks for time series*.

One concept per module; import what you need explicitly, for example::

    from tslab.data import make_windows
    from tslab.device import get_device

Importing ``tslab`` has no side effects: no seeds, no rcParams, no widgets.
"""

__version__ = "0.1.0"
