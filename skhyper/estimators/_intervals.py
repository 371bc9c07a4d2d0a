"""Conformal prediction intervals for WindowForecaster.

A mixin of :class:`~skhyper.estimators.forecaster.WindowForecaster`.  With
``interval_horizon=H``, ``fit`` also trains a calibration copy of the
forecaster (same parameters, same seed) on each series without its last
``H + conformal_windows - 1`` values, and forecasts ``H`` steps from each of
the ``conformal_windows`` latest origins whose ``H`` next values it has not
seen: the errors of those forecasts, each divided by its series' scale
(the in-sample MAE of its seasonal naive forecast, as MASE's: comparable
across series), are the conformity scores, kept per step ahead in
``conformal_scores_``.  ``forecast(h, level=[80, 95])`` then puts, for
each step ``k``, the ``level`` quantile of step ``k``'s absolute scores
(:func:`conformal_rank`), times the series' scale, either side of the
forecast (split conformal
prediction, Vovk et al. 2005; statsforecast's ``ConformalIntervals`` and
mlforecast's ``PredictionIntervals`` cross-validate the same way, and score
each series alone).  Symmetric bands did better than the errors' own
lower and upper quantiles on the training parts of M3 (MSIS 35.2 against
38.2 on yearly series, 8.34 against 8.76 quarterly, 7.54 against 7.59
monthly, 12.90 against 12.96 other, in the latest run:
``benchmarks/results/m3_intervals_validate.md``), and the seasonal naive
MAE did better as the scale than the forecaster's own in-sample one-step
error on each series (MSIS 8.4 against 10.3 quarterly, 7.7 against 10.4
monthly, in a run of the same script with that variant, since removed).

On a panel the scores of all series are pooled, step by step: a series too
short to give one still gets intervals, and a few hundred scores per step
make 95% bands from the three origins per series "auto" takes.  On one series the
calibration takes many origins instead (``conformal_windows="auto"``).
"""

import warnings
from numbers import Real

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from .. import _progress
from ..metrics import naive_mae
from ..windows import as_series
from ._quantiles import fit_quantile_forecasters, quantile_bounds

__all__ = ["SERIES_ONLY", "ConformalIntervals"]

#: Scores per step ``conformal_windows="auto"`` aims at (series x origins),
#: and the origins per series it takes at least: on the training parts of
#: M3 (``benchmarks/m3_intervals.py --validate``), errors from three
#: successive origins of each series gave, in the run the choice was made
#: on, a lower MSIS than from one on yearly, quarterly and monthly series
#: (35.2, 8.35, 7.57 against 35.5, 8.48, 8.14; other series 13.41 against
#: 13.38) and than from ``h`` on the same three (35.9, 8.89, 7.62).  The
#: differences are about those between runs (unseeded): in a later run, after
#: the level of windows without a season changed, three origins did best on
#: quarterly series only (35.2, 8.34, 7.54, 12.90 against 35.0, 8.45, 7.38,
#: 13.15 from one and 35.7, 8.91, 7.20, 12.65 from ``h``).
AUTO_SCORES = 200
AUTO_MIN_ORIGINS = 3

#: Why a fit with ``interval_horizon`` refuses ``y`` or several columns.
SERIES_ONLY = (
    "Intervals (interval_horizon) need a model of one series itself: fit(X) with y=None and a single column."
)

#: The share of a series' values (the median series' on a panel) the
#: calibration may hold out at most under ``conformal_windows="auto"``.
MAX_HELD_OUT_SHARE = 0.5


class ConformalIntervals:
    """The interval side of WindowForecaster (calibrate at fit, bounds at forecast)."""

    # ------------------------------------------------------------ calibrate

    def _calibrate(self, X):
        """After ``fit``: the conformity scores of ``interval_horizon``-step
        forecasts from held-out origins (None without ``interval_horizon``)."""
        self.conformal_scores_ = self.interval_scale_ = self.quantile_forecasters_ = None
        if self.interval_horizon is None:
            return
        panel = getattr(self, "panel_", False)
        if not panel and (not self.forecasts_itself_ or self.n_features_in_ != 1):
            raise ValueError(SERIES_ONLY)
        if self.interval_method == "quantile":
            self.quantile_forecasters_ = fit_quantile_forecasters(self, X)
            return
        if panel:
            self.conformal_scores_ = self._panel_scores(self._panel_of(X, self._fitted_covariates()))
            self.interval_scale_ = panel_scales(self)
        else:
            self.conformal_scores_ = self._series_scores(X)
            series = self._series_and_covariates(X, "X", self._fitted_covariates())[0]
            self.interval_scale_ = _scale_of(as_series(series, "X").values[:, 0], self.seasonal_period_)

    def _checkpoint_overrides(self):
        """A checkpoint is written during training, before the calibration
        (which needs the trained network): its file holds a forecaster
        without intervals (``interval_horizon=None``), not stale or missing
        ones that ``skhyper.load`` would refuse."""
        return {**super()._checkpoint_overrides(), "interval_horizon": None, "conformal_scores_": None,
                "interval_scale_": None, "quantile_forecasters_": None}  # fmt: skip

    def _calibration_copy(self, X):
        """The forecaster calibrated with, fit on ``X``: these parameters,
        no intervals of its own, none of the user's callbacks or
        checkpoints, and not counted as a fit of its own by a progress bar
        (it is part of this one).  It takes this forecaster's linear effect
        of the known covariates instead of regressing on ``X``: held-out
        rows are often where a covariate changed (a law in force for the
        last months), which a regression without them cannot measure, and
        the copy's errors would then hold an effect the final forecaster
        knows.  It takes this forecaster's season too (``seasonal_period="auto"``
        would look again on the shorter series, and may find none)."""
        copy = clone(self).set_params(interval_horizon=None, warm_start=False, checkpoint=None, callbacks=None, verbose=0)
        if self.seasonal_period == "auto":
            copy.set_params(seasonal_period=self.seasonal_period_ or 1)
        copy._effect_source = self  # the known covariates' linear effect, as fit on every row (see _fit_linear_effect)
        try:
            with _progress.quiet():
                return copy.fit(X)
        finally:
            del copy._effect_source

    def _n_origins(self, n_series, length, needed=0):
        """Origins per series: ``conformal_windows``, or for "auto" enough
        for ``AUTO_SCORES`` scores a step and at least
        ``AUTO_MIN_ORIGINS``, holding out at most
        ``MAX_HELD_OUT_SHARE`` of ``length`` values and leaving at least
        ``needed`` (what a fit trains on: a panel's level and horizon)."""
        if self.conformal_windows != "auto":
            return int(self.conformal_windows)
        wanted = max(AUTO_MIN_ORIGINS, int(np.ceil(AUTO_SCORES / n_series)))
        room = min(int(length * MAX_HELD_OUT_SHARE), int(length) - needed) - self.interval_horizon + 1
        return max(1, min(wanted, room))

    def _panel_scores(self, panel):
        """Scores of every series with values left to train on and an origin."""
        h = self.interval_horizon
        needed = self._panel_level_rows() + self.horizon  # a series' values for one window to train on
        origins = self._n_origins(len(panel), float(np.median(panel.lengths)), needed)
        held = h + origins - 1
        kept = panel.lengths - held
        head = panel.head(np.maximum(kept, 0))
        if len(head) == 0:
            raise ValueError(
                f"interval_horizon={h} with {origins} calibration origin(s) holds out the last {held} values of"
                f" every series, and no series is longer than that (the longest has {int(panel.lengths.max())}):"
                " lower interval_horizon or conformal_windows."
            )
        try:
            model = self._calibration_copy(head)
        except ValueError as error:
            raise ValueError(
                f"The calibration fit for intervals (each series without its last {held} values:"
                f" interval_horizon={h}, {origins} origin(s)) failed: {error}"
            ) from error
        which = np.flatnonzero(kept > 0)  # the full panel's series the copy was fit on
        ends = (kept[which][:, None] + np.arange(origins)[None, :]).ravel()
        rows = np.repeat(np.arange(len(which)), origins)  # positions in the copy's series
        series = which[rows]
        history, present = model._gather(panel, series, ends, -model.window_size_, 0)
        covariates = None  # known in advance: the actual ones of the steps forecast
        if panel.covariates is not None:
            covariates = model._gather_covariates(panel, series, ends, -model.window_size_, h)
        forecasts = model._forecast_windows(history, present, rows, h, covariates)
        actual = panel.values[panel.starts[series][:, None] + ends[:, None] + np.arange(h)[None, :]]
        return (actual - forecasts) / panel_scales(model)[rows, None]

    def _series_scores(self, X):
        """Scores of one series' forecasts from its latest origins."""
        h = self.interval_horizon
        series, covariates = self._series_and_covariates(X, "X", self._fitted_covariates())
        values = as_series(series, "X").values
        n = len(values)
        origins = self._n_origins(1, n)
        kept = n - h - origins + 1
        if kept < 1:
            raise ValueError(
                f"interval_horizon={h} with conformal_windows={origins} holds out {h + origins - 1} of the"
                f" series' {n} values for calibration: lower interval_horizon or conformal_windows."
            )
        try:
            model = self._calibration_copy(X.iloc[:kept] if hasattr(X, "iloc") else X[:kept])
        except ValueError as error:
            raise ValueError(
                f"The calibration fit for intervals (the series' first {kept} values: interval_horizon={h},"
                f" {origins} origins) failed: {error}"
            ) from error
        lookback = len(model.context_)
        errors = [
            values[end : end + h, 0]
            - model._forecast_values(
                values[end - lookback : end], end, h, None if covariates is None else covariates[end - lookback : end + h]
            )[:, 0]
            for end in range(kept, kept + origins)
        ]
        return np.asarray(errors) / _scale_of(values[:kept, 0], model.seasonal_period_)

    # --------------------------------------------------------------- bounds

    def _interval_bounds(self, point, levels, call=None, steps=None):
        """``{level: (lower, upper)}`` around ``point`` (n_series x steps on
        a panel; steps, or rows x 1, on one series; ``steps``: the most
        steps ahead among them when ``point`` is not laid out by step).
        ``call(model)``: the same forecasts from another fitted forecaster
        (a quantile copy's, with ``interval_method="quantile"``)."""
        check_is_fitted(self)
        calibrated = self._interval_steps()
        if calibrated is None and self.interval_horizon is not None:
            raise ValueError(
                f"This forecaster has no calibrated intervals although interval_horizon={self.interval_horizon}:"
                " partial_fit trains without calibrating them. Call fit() to calibrate them."
            )
        if calibrated is None:
            raise ValueError(
                "This forecaster was fit without intervals: set interval_horizon to the most steps ahead"
                " you want intervals for (e.g. WindowForecaster(interval_horizon=12)) and fit again."
            )
        steps = point.shape[-1] if steps is None else steps
        if steps > calibrated:
            raise ValueError(
                f"Intervals were calibrated for {calibrated} steps ahead (interval_horizon), not"
                f" {steps}: forecast at most {calibrated} steps with level, or fit with a larger"
                " interval_horizon."
            )
        if getattr(self, "quantile_forecasters_", None) is not None:
            return quantile_bounds(self, point, levels, call)
        scores = self.conformal_scores_
        scale = self.interval_scale_
        scale = scale[:, None] if np.ndim(scale) == 1 else scale
        ordered = np.sort(np.abs(scores[:, :steps]), axis=0)
        bounds = {}
        for level in levels:
            width = ordered[conformal_rank(len(ordered), level) - 1] * scale
            bounds[level] = (point - width, point + width)
        return bounds

    def _interval_steps(self):
        """The most steps ahead the fit made intervals for (None: none)."""
        scores = getattr(self, "conformal_scores_", None)
        if scores is not None:
            return scores.shape[1]
        if getattr(self, "quantile_forecasters_", None) is not None:
            return next(iter(self.quantile_forecasters_.values())).horizon
        return None


def conformal_rank(n_scores, level):
    """The rank (from 1, in increasing order) of the score a ``level``%
    interval takes from ``n_scores`` of them: split conformal prediction's
    ``ceil((n + 1) * level / 100)``, which covers at least ``level``% of
    exchangeable errors (Vovk et al. 2005; Angelopoulos & Bates 2021).  A
    ``ValueError`` where that passes ``n_scores``: so few scores bound no
    interval at that level (the largest score would be taken for every
    level, and every band would be the same)."""
    rank = int(np.ceil(round((n_scores + 1) * level / 100, 9)))
    if rank > n_scores:
        needed = int(np.ceil(round(level / (100 - level), 9)))
        raise ValueError(
            f"{level_name(level)}% intervals need at least {needed} calibration errors a step ahead; this forecaster"
            f" has {n_scores} (conformal_scores_: calibration origins x series). Fit with a larger conformal_windows,"
            " a smaller interval_horizon, or longer or more series; or ask for a lower level."
        )
    return rank


def check_levels(level):
    """``level`` as a sorted list of numbers strictly between 0 and 100."""
    if isinstance(level, np.ndarray) and level.ndim == 0:  # np.array(80)
        level = level.item()
    levels = [level] if isinstance(level, Real) else level
    if isinstance(levels, (str, bytes)) or not hasattr(levels, "__iter__"):
        levels = [levels]
    levels = list(levels)
    if not all(isinstance(value, Real) and not isinstance(value, bool) for value in levels):
        raise ValueError(f"level must be a number or a list of numbers between 0 and 100, got {level!r}.")
    levels = sorted({float(value) for value in levels})
    if not levels or not all(0 < value < 100 for value in levels):
        raise ValueError(f"level must hold numbers strictly between 0 and 100 (percent), got {level!r}.")
    if all(value <= 1 for value in levels):  # sktime's coverage=0.8 is statsforecast's level=80
        warnings.warn(
            f"level={level!r} asks for {', '.join(f'{level_name(v)}%' for v in levels)} intervals: levels are"
            f" percentages, as statsforecast's (level=80 for 80% intervals, not 0.8).",
            UserWarning,
            stacklevel=3,
        )
    return levels


def level_name(level):
    """``80`` for 80.0, ``"97.5"`` for 97.5: how a level names its columns."""
    return int(level) if float(level).is_integer() else level


def bound_columns(frame, name, bounds):
    """Add ``{name}-lo-{level}`` and ``{name}-hi-{level}`` columns, in
    statsforecast's names and in the order of its AutoETS, AutoARIMA and
    AutoTheta: from the lowest bound to the highest (``lo-95, lo-80, hi-80,
    hi-95``)."""
    prefix = f"{name}-" if name else ""
    levels = sorted(bounds)
    for side, which, order in (("lo", 0, levels[::-1]), ("hi", 1, levels)):
        for level in order:
            frame[f"{prefix}{side}-{level_name(level)}"] = np.ravel(bounds[level][which])
    return frame


def _scale_of(values, period):
    """One series' scale: the in-sample MAE of its seasonal naive forecast
    (lag 1 for a short series), its mean absolute value where that is 0
    (a constant series), or 1."""
    mae = naive_mae(values, period or 1)  # (NaN on a single value)
    if mae > 0:
        return mae
    level = float(np.mean(np.abs(values)))
    return level if level > 0 else 1.0


def panel_scales(model):
    """Each series' scale on a panel fit: ``naive_mae_``, or where that is 0
    the mean absolute value of its last window, or 1."""
    naive = np.asarray(model.naive_mae_, dtype=np.float64)
    present = np.asarray(model.panel_present_, dtype=bool)
    values = np.abs(np.where(present, model.panel_context_, 0.0)).sum(axis=1) / np.maximum(present.sum(axis=1), 1)
    return np.where(naive > 0, naive, np.where(values > 0, values, 1.0))
