"""Forecast accuracy as the forecasting competitions measure it.

``smape`` is the M3 and M4 competitions' symmetric MAPE (in percent);
``mase`` is Hyndman and Koehler's mean absolute scaled error, each series'
errors over the in-sample MAE of its seasonal naive forecast, averaged over
series as the M4 competition does; ``msis`` the M4 competition's mean scaled
interval score of prediction intervals and ``coverage`` their share of
actual values.  Pure NumPy.
"""

import numpy as np

__all__ = ["coverage", "mase", "msis", "naive_mae", "smape"]


def smape(y_true, y_pred):
    """The M3 competition's symmetric MAPE, in percent.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        Actual values and forecasts.

    Returns
    -------
    float
        The mean of ``200 |y - f| / (|y| + |f|)`` (a term is 0 where both
        are 0); NaN where a value or a forecast is NaN, as :func:`mase`
        and :func:`msis` are (a forecast of NaN is not a perfect one).

    Examples
    --------
    >>> from skhyper.metrics import smape
    >>> round(smape([100, 200], [110, 180]), 3)
    10.025
    >>> smape([100, float("nan")], [110, 180])
    nan
    """
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    denominator = np.abs(y_true) + np.abs(y_pred)
    ratio = np.divide(np.abs(y_true - y_pred), denominator, out=np.zeros_like(denominator), where=denominator > 0)
    ratio[np.isnan(denominator)] = np.nan
    return float(200 * ratio.mean())


def naive_mae(values, seasonal_period=1):
    """The in-sample MAE of the seasonal naive forecast: MASE's scale.

    Parameters
    ----------
    values : array-like of shape (n,)
        A series' training values, oldest first.
    seasonal_period : int, default=1
        The lag of the naive forecast (the value a season before).

    Returns
    -------
    float
        The mean absolute difference of each value from the one
        ``seasonal_period`` steps before; from the one before (lag 1) on a
        series no longer than a season; NaN on a single value.

    Examples
    --------
    >>> from skhyper.metrics import naive_mae
    >>> naive_mae([1, 2, 4, 7])
    2.0
    """
    values = np.asarray(values, dtype=np.float64)
    lag = seasonal_period if len(values) > seasonal_period else 1
    if len(values) <= lag:
        return float("nan")
    return float(np.abs(values[lag:] - values[:-lag]).mean())


def mase(y_true, y_pred, scale, series=None):
    """The mean absolute scaled error of forecasts, averaged over series.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        Actual values and forecasts, of one series or of many (``series``).
    scale : float or array-like of shape (n_series,)
        Each series' scale, usually :func:`naive_mae` of its training values.
    series : array-like of int of shape (n,), default=None
        Each row's series (0, 1, ... indexing ``scale``); None: one series.

    Returns
    -------
    float
        Per series, the MAE of its rows over its scale; then the mean over
        series.  A series whose scale is 0 or NaN (a constant or a
        one-value history) is left out, where M4's reference code and
        utilsforecast would give an infinite MASE (one such series would
        make the mean infinite); with none left, NaN.

    Examples
    --------
    >>> from skhyper.metrics import mase, naive_mae
    >>> mase([8, 9], [7, 10], naive_mae([1, 2, 4, 7]))
    0.5
    """
    errors = np.abs(np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64))
    return _scaled_series_mean(errors, scale, series)


def _scaled_series_mean(values, scale, series):
    """Each series' mean of ``values`` over its scale, then the mean over
    series (those of scale 0 or NaN left out; NaN with none left)."""
    scale = np.atleast_1d(np.asarray(scale, dtype=np.float64))
    series = np.zeros(len(values), dtype=np.int64) if series is None else np.asarray(series)
    counts = np.bincount(series, minlength=len(scale))
    means = np.bincount(series, weights=values, minlength=len(scale)) / np.maximum(counts, 1)
    usable = (counts > 0) & np.isfinite(scale) & (scale > 0)
    return float(np.mean(means[usable] / scale[usable])) if usable.any() else float("nan")


def coverage(y_true, lower, upper):
    """The share of actual values inside their prediction intervals.

    Parameters
    ----------
    y_true, lower, upper : array-like of shape (n,)
        Actual values and the intervals' bounds.

    Returns
    -------
    float
        The share of ``lower <= y <= upper`` (0.95 for well-calibrated 95%
        intervals); NaN where a value or a bound is NaN (not yet observed,
        or not forecast), as :func:`smape` and :func:`msis` are.

    Examples
    --------
    >>> from skhyper.metrics import coverage
    >>> coverage([1, 2, 3, 4], [0, 0, 0, 0], [2, 2, 2, 2])
    0.5
    """
    y_true, lower, upper = (np.asarray(v, dtype=np.float64) for v in (y_true, lower, upper))
    if np.isnan(y_true).any() or np.isnan(lower).any() or np.isnan(upper).any():
        return float("nan")
    return float(np.mean((y_true >= lower) & (y_true <= upper)))


def msis(y_true, lower, upper, scale, level=95, series=None):
    """The mean scaled interval score of prediction intervals (the M4 competition's MSIS).

    Each value's interval width, plus ``2 / alpha`` (``alpha = 1 - level / 100``)
    times how far the value falls outside it, over its series' scale; the
    mean over each series' values, then over series, as M4 averages it.

    Parameters
    ----------
    y_true, lower, upper : array-like of shape (n,)
        Actual values and the ``level`` intervals' bounds, of one series or
        of many (``series``).
    scale : float or array-like of shape (n_series,)
        Each series' scale, usually :func:`naive_mae` of its training values.
    level : float, default=95
        The intervals' level in percent (M4 scored 95%).
    series : array-like of int of shape (n,), default=None
        Each row's series (0, 1, ... indexing ``scale``); None: one series.

    Returns
    -------
    float
        The mean over series of each series' mean interval score over its
        scale (lower is better; series of scale 0 or NaN are left out).

    Examples
    --------
    >>> from skhyper.metrics import msis
    >>> round(msis([1.0, 5.0], [0.0, 0.0], [2.0, 2.0], scale=1.0), 6)  # scores 2 and 2 + 40 * 3
    62.0
    """
    y_true, lower, upper = (np.asarray(v, dtype=np.float64) for v in (y_true, lower, upper))
    if not 0 < level < 100:
        raise ValueError(f"level must be strictly between 0 and 100 (percent), got {level!r}.")
    alpha = 1 - level / 100
    score = (upper - lower) + 2 / alpha * (np.maximum(lower - y_true, 0) + np.maximum(y_true - upper, 0))
    return _scaled_series_mean(score, scale, series)
