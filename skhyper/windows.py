"""Series checks and sliding windows: the data side of the WindowForecaster.

Pure NumPy and pandas, no Keras: a series is checked once, then cut into
``(window of past rows) -> (next rows)`` pairs.
"""

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["Series", "as_series", "lag_offsets", "lagged_rows", "sliding_windows", "target_values"]


class Series:
    """A checked series: 2-D float ``values`` (time along axis 0), its pandas
    time ``index`` (or None), column ``names`` (or None), and whether it was 1-D."""

    def __init__(self, values, index=None, names=None, one_dimensional=False):
        self.values, self.index, self.names = values, index, names
        self.one_dimensional = one_dimensional

    def __len__(self):
        return len(self.values)


def as_series(data, name="X"):
    """Check ``data`` (1-D/2-D array, pandas Series or DataFrame) as a series.

    Raises a ValueError that names the problem: non-numeric columns, NaN or
    infinite values (with the first row), a time index that is unsorted or
    has duplicates, more than two dimensions.
    """
    index = names = None
    if isinstance(data, (pd.Series, pd.DataFrame)):
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        bad = [str(c) for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        if bad:
            raise ValueError(
                f"{name} must hold numbers only; column(s) {bad} are not numeric."
                " Encode or drop them first."
            )
        if isinstance(frame.index, (pd.DatetimeIndex, pd.PeriodIndex)):
            index = frame.index
            if index.has_duplicates:
                duplicated = index[index.duplicated()][0]
                raise ValueError(f"The time index of {name} has duplicate timestamps, e.g. {duplicated}.")
            if not index.is_monotonic_increasing:
                raise ValueError(f"The time index of {name} is not sorted: sort it with .sort_index().")
        if isinstance(data, pd.DataFrame):
            names = np.asarray(data.columns, dtype=object)
        values = frame.to_numpy(dtype=np.float64)
        one_dimensional = isinstance(data, pd.Series)
        if len(values) == 0:
            raise ValueError(f"{name} is empty: a series needs rows (time along axis 0).")
    else:
        try:
            values = np.asarray(data, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{name} must be a numeric series: {error}") from None
        if values.ndim not in (1, 2):
            raise ValueError(
                f"{name} must be a series: 1-D (one value per time step) or 2-D"
                f" (time steps x features); got {values.ndim} dimensions."
            )
        one_dimensional = values.ndim == 1
        if len(values) == 0:
            raise ValueError(f"{name} is empty: a series needs rows (time along axis 0).")
        values = values.reshape(len(values), -1)
    finite = np.isfinite(values).all(axis=1)
    if not finite.all():
        row = int(np.argmin(finite))
        what = "NaN" if np.isnan(values[row]).any() else "an infinite value"
        raise ValueError(
            f"{name} contains {what} at row {row}; fill or drop missing values first."
        )
    return Series(values, index, names, one_dimensional)


def lag_offsets(window_size, horizon=1, seasonal_period=None, seasonal_window=0):
    """The rows before ``t`` a window holds, as offsets ``k`` (row ``t - k``),
    oldest first.

    The ``window_size`` rows right before ``t``; with a ``seasonal_period``,
    also the rows around the same point one season earlier: from
    ``seasonal_window`` rows before ``t - seasonal_period`` to
    ``seasonal_window`` rows after the last target's ``t + horizon - 1 -
    seasonal_period``.  Rows both sets hold appear once.
    """
    offsets = np.arange(window_size, 0, -1)
    if seasonal_period is not None:
        if seasonal_period - horizon - seasonal_window < 0:
            raise ValueError(
                f"seasonal_window={seasonal_window} reaches the rows to predict: with"
                f" seasonal_period={seasonal_period} and horizon={horizon} it can be at"
                f" most {seasonal_period - horizon}."
            )
        seasonal = np.arange(
            seasonal_period + seasonal_window, seasonal_period - horizon - seasonal_window, -1
        )
        offsets = np.unique(np.concatenate([offsets, seasonal]))[::-1]
    return offsets


def lagged_rows(values, offsets, n):
    """Rows ``values[t - offsets]`` for the ``n`` steps ``t = L, ..., L + n - 1``
    (``L = offsets[0]``, the oldest), each flattened to ``len(offsets) * n_features``."""
    lookback = int(offsets[0])
    view = sliding_window_view(values[: n + lookback - 1], lookback, axis=0)
    # view[i, :, j] is values[i + j] and step t = i + lookback, so offset k is j = lookback - k;
    # sliding_window_view puts the window axis last: (n, features, k) -> (n, k * features)
    return view[:, :, lookback - offsets].transpose(0, 2, 1).reshape(n, -1)


def sliding_windows(inputs, targets, offsets, horizon):
    """Every ``(inputs[t - offsets], targets[t:t+h])`` pair, flattened to rows.

    ``offsets`` is an int ``w`` (the ``w`` rows before ``t``) or the array of
    :func:`lag_offsets`.  Returns ``windows`` of shape ``(n, len(offsets) *
    n_inputs)`` and ``next_values`` of shape ``(n, h * n_targets)`` with
    ``n = len(inputs) - L - h + 1``, ``L`` the largest offset.
    """
    if np.ndim(offsets) == 0:
        offsets = lag_offsets(int(offsets))
    lookback = int(offsets[0])
    n = len(inputs) - lookback - horizon + 1
    following = sliding_window_view(targets[lookback:], horizon, axis=0)[:n]
    return lagged_rows(inputs, offsets, n), following.transpose(0, 2, 1).reshape(n, -1)


def target_values(estimator, X, y):
    """What the one-step predictions of ``X`` are compared with."""
    if y is not None:
        series = as_series(y, "y")
        return series.values[:, 0] if series.one_dimensional else series.values
    if not estimator.forecasts_itself_:
        raise ValueError("This forecaster predicts y from X: pass y to score it.")
    values = as_series(X, "X").values
    return values[:, 0] if estimator.target_is_1d_ else values
