"""Forecast accuracy as the forecasting competitions measure it.

``smape`` is the M3 and M4 competitions' symmetric MAPE (in percent);
``mase`` is Hyndman and Koehler's mean absolute scaled error, each series'
errors over the in-sample MAE of its seasonal naive forecast, averaged over
series as the M4 competition does.  Pure NumPy.
"""

import numpy as np

__all__ = ["naive_mae", "mase", "smape"]


def smape(y_true, y_pred):
    """The mean of ``200 |y - f| / (|y| + |f|)`` (0 where both are 0)."""
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    denominator = np.abs(y_true) + np.abs(y_pred)
    ratio = np.divide(np.abs(y_true - y_pred), denominator, out=np.zeros_like(denominator), where=denominator > 0)
    return float(200 * ratio.mean())


def naive_mae(values, seasonal_period=1):
    """The in-sample MAE of the seasonal naive forecast of ``values`` (the
    value ``seasonal_period`` steps before); the naive forecast's (lag 1) on
    a series shorter than two seasons; NaN on a single value."""
    values = np.asarray(values, dtype=np.float64)
    lag = seasonal_period if len(values) > seasonal_period else 1
    if len(values) <= lag:
        return float("nan")
    return float(np.abs(values[lag:] - values[:-lag]).mean())


def mase(y_true, y_pred, scale, series=None):
    """The MASE of forecasts: per series, the MAE over its ``scale`` (see
    :func:`naive_mae`), then the mean over series.

    ``series`` gives each row's series (0, 1, ... indexing ``scale``); None
    means one series.  A series whose scale is 0 or NaN (a constant or a
    one-value history) is left out, as the competitions leave such series
    out; with none left the result is NaN.
    """
    errors = np.abs(np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64))
    scale = np.atleast_1d(np.asarray(scale, dtype=np.float64))
    series = np.zeros(len(errors), dtype=np.int64) if series is None else np.asarray(series)
    counts = np.bincount(series, minlength=len(scale))
    mae = np.bincount(series, weights=errors, minlength=len(scale)) / np.maximum(counts, 1)
    usable = (counts > 0) & np.isfinite(scale) & (scale > 0)
    return float(np.mean(mae[usable] / scale[usable])) if usable.any() else float("nan")
