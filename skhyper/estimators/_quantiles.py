"""Quantile intervals for WindowForecaster: networks trained with the pinball loss.

With ``interval_method="quantile"`` and ``interval_horizon=H``, ``fit`` also
trains, for each level ``L`` of ``interval_levels``, two copies of the
forecaster (same parameters, same seed) that forecast the next ``H`` steps
at once (``horizon=H``, direct rather than recursive) with the pinball loss
of the quantiles ``(100 - L) / 200`` and ``1 -`` that: the outputs of
NeuralForecast's ``MQLoss`` and skforecast's quantile forecasters, one
network per quantile.  ``forecast(h, level=L)`` puts the two copies'
forecasts either side of the point forecast.  Quantiles fit apart can
cross: each band is widened to hold the point forecast and every narrower
trained level's band, so bands nest and never exclude the point.

Unlike the conformal scores, these bands are learnt on the windows the
network trains on (in-sample), so they are as narrow as the training data
let the network make them; on M3's training parts they covered less than
their level (``benchmarks/results/m3_intervals_quantile_validate.md``).  A fit costs
``1 + 2 * len(interval_levels)`` fits, and the bands are asked only for the
levels trained.
"""

import numpy as np
from sklearn.base import clone

from .. import _progress
from .._keras_objects import PinballLoss

__all__ = ["check_interval_levels", "fit_quantile_forecasters", "quantile_bounds", "quantiles_of", "residual_quantile"]


def residual_quantile(X, y, kernel, intercept, sample_weight, quantile, chunk=65536):
    """Per output column, the ``quantile`` of the rows' errors ``y - (X @
    kernel + intercept)``, each row counting its ``sample_weight``: what moves
    a linear fit's intercept to a linear quantile start."""
    kernel, intercept = np.asarray(kernel, dtype=np.float64), np.asarray(intercept, dtype=np.float64)
    errors = np.empty(y.shape, dtype=np.float64)
    for start in range(0, len(X), chunk):
        rows = slice(start, start + chunk)
        errors[rows] = y[rows] - (np.asarray(X[rows], dtype=np.float64) @ kernel + intercept)
    weights = np.ones(len(errors)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    shifts = np.empty(errors.shape[1])
    for column in range(errors.shape[1]):
        order = np.argsort(errors[:, column], kind="stable")
        cumulative = np.cumsum(weights[order])
        at = min(int(np.searchsorted(cumulative, quantile * cumulative[-1])), len(order) - 1)
        shifts[column] = errors[order[at], column]
    return shifts


def quantiles_of(level):
    """The lower and upper quantiles of a central interval at ``level`` percent."""
    tail = (100.0 - float(level)) / 200.0
    return tail, 1.0 - tail


def check_interval_levels(levels):
    """``interval_levels`` as sorted floats strictly between 0 and 100 (a
    ``ValueError`` naming the parameter otherwise)."""
    values = list(levels) if isinstance(levels, (list, tuple)) else None
    if (
        not values
        or not all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in values)
        or not all(0 < float(v) < 100 for v in values)
    ):
        raise ValueError(
            f"interval_levels must be a non-empty list of levels in percent, strictly between 0 and 100"
            f" (e.g. (80, 95)), got {levels!r}."
        )
    return sorted({float(v) for v in values})


def fit_quantile_forecasters(model, X):
    """``{quantile: fitted copy}``: two copies of ``model`` per level of
    ``interval_levels``, each fit on ``X`` to forecast ``interval_horizon``
    steps at once with the pinball loss of its quantile; no intervals,
    callbacks or checkpoints of their own, and not counted as fits of their
    own by a progress bar."""
    horizon = model.interval_horizon
    fits = {}
    for level in check_interval_levels(model.interval_levels):
        for quantile in quantiles_of(level):
            copy = clone(model).set_params(
                horizon=horizon, loss=PinballLoss(quantile), interval_horizon=None, interval_method="conformal",
                warm_start=False, checkpoint=None, callbacks=None, verbose=0,
            )  # fmt: skip
            copy._season_fits_horizon = True  # its horizon is not the user's: the season's rows narrow to fit it
            try:
                with _progress.quiet():
                    fits[quantile] = copy.fit(X)
            except ValueError as error:
                raise ValueError(
                    f"The fit of the {quantile:g} quantile for intervals (interval_method='quantile',"
                    f" horizon={horizon} steps at once) failed: {error}"
                ) from error
    return fits


def quantile_bounds(model, point, levels, call):
    """``{level: (lower, upper)}`` around ``point`` from the quantile
    copies: ``call(copy)`` gives a copy's forecasts shaped as ``point``.
    Each band holds the point and every narrower trained level's band."""
    trained = check_interval_levels(model.interval_levels)
    missing = [level for level in levels if level not in trained]
    if missing:
        shown = ", ".join(f"{level:g}" for level in missing)
        raise ValueError(
            f"level {shown} was not trained: interval_method='quantile' trains networks for the levels of"
            f" interval_levels={tuple(model.interval_levels)!r} only. Ask for those, or fit with"
            f" interval_levels holding {shown}."
        )
    point = np.asarray(point, dtype=np.float64)
    lower, upper, bounds = point, point, {}
    for level in trained:
        if level > max(levels):
            break
        low, high = (np.asarray(call(model.quantile_forecasters_[q]), dtype=np.float64).reshape(point.shape)
                     for q in quantiles_of(level))  # fmt: skip
        lower, upper = np.minimum(lower, np.minimum(low, high)), np.maximum(upper, np.maximum(low, high))
        if level in levels:
            bounds[level] = (lower, upper)
    return bounds
