"""The season a WindowForecaster takes out and puts back.

A mixin of :class:`~skhyper.estimators.forecaster.WindowForecaster`:
``seasonal_period`` (or the one ``"auto"`` finds), the seasonal windows' rows
(``seasonal_window``), and ``deseasonalize`` — seasonal indices, additive or
multiplicative, divided out or subtracted before the windows are made and put
back into predictions, or a seasonal difference the network learns instead.
"""

import warnings

import numpy as np

from ..seasonality import (
    detect_period,
    irregular_time_index,
    seasonal_mode,
    seasonal_strength,
)


class SeasonalTransforms:
    """The season of the training series and the transforms it makes."""

    def _deseasonalize_mode(self, series, y):
        """What ``deseasonalize`` does to ``series``: "additive",
        "multiplicative", "difference" or None (no season); raises where it
        cannot, or, with ``min_seasonal_strength`` above 0, takes nothing out
        (a series too short to show the season's strength or to difference
        by it: a search's short first fold, say, as for a weak season)."""
        period = self.seasonal_period_  # the fitted season ("auto" resolved)
        if self.deseasonalize is None or period is None:
            return None
        if y is not None:
            raise ValueError(
                f"deseasonalize={self.deseasonalize!r} takes the season out of the series and"
                " puts it back into its forecasts, so the series must be its own target:"
                " call fit(X) with y=None, or set deseasonalize=None to predict a separate y."
            )
        gated = self.min_seasonal_strength > 0
        if self.deseasonalize == "difference":  # windows of changes hold two seasons already
            return None if gated and not self._can_difference(len(series)) else "difference"
        if len(series) < 2 * period and gated:
            return None
        if len(series) < 2 * period:
            raise ValueError(
                f"deseasonalize={self.deseasonalize!r} needs two seasons of {period} rows to"
                f" measure the season's shape; the series has {len(series)} rows."
            )
        positive = bool((series.values > 0).all())
        if self.deseasonalize == "auto":
            return seasonal_mode(series.values, period) if positive else "additive"
        if self.deseasonalize == "multiplicative" and not positive:
            if getattr(self, "covariate_coef_", None) is not None:
                raise ValueError(
                    "deseasonalize='multiplicative' divides the series by its seasonal indices, so it needs"
                    " positive values; the series less its known covariates' linear effect (covariate_effect="
                    f"{self.covariate_effect!r}) has values <= 0: use 'additive', or covariate_effect='network'."
                )
            raise ValueError(
                "deseasonalize='multiplicative' divides the series by its seasonal indices,"
                " so it needs positive values; this series has values <= 0: use 'additive'."
            )
        return self.deseasonalize

    def _strength(self, values, mode):
        """The season's strength (the weakest column's), on the scale of its
        ``mode``: in logarithms for a multiplicative season, and for a
        seasonal difference, where ``seasonal_mode`` finds one."""
        multiplicative = mode == "multiplicative" or (
            mode == "difference" and bool((values > 0).all()) and seasonal_mode(values, self.seasonal_period_) == "multiplicative"
        )
        return float(np.min(seasonal_strength(values, self.seasonal_period_, multiplicative)))

    def _season_of(self, n_rows, first_row):
        """The seasonal indices of ``n_rows`` rows from row ``first_row`` of
        the training series on (0: its first row)."""
        positions = (first_row + np.arange(n_rows)) % len(self.seasonal_indices_)
        return self.seasonal_indices_[positions]

    def _difference_lag(self):
        """The lag of the seasonal difference the model learns (0: none)."""
        return self.seasonal_period_ if getattr(self, "deseasonalize_", None) == "difference" else 0

    def _deseasonalized(self, values, first_row):
        """``values`` (rows from ``first_row`` of the training series on)
        without their seasonal indices; unchanged without them."""
        if getattr(self, "seasonal_indices_", None) is None:
            return values
        season = self._season_of(len(values), first_row)
        return values / season if self.deseasonalize_ == "multiplicative" else values - season

    def _reseasonalized(self, values, first_row):
        """The inverse of :meth:`_deseasonalized`."""
        if getattr(self, "seasonal_indices_", None) is None:
            return values
        season = self._season_of(len(values), first_row)
        return values * season if self.deseasonalize_ == "multiplicative" else values + season

    def _season_given(self):
        """``seasonal_period`` as given, 1 (no season, statsforecast's
        ``season_length=1``) read as None."""
        return None if self.seasonal_period == 1 else self.seasonal_period

    def _resolve_season(self, series):
        """``seasonal_period``, or the one ``"auto"`` finds in the training series."""
        if self.seasonal_period != "auto":
            return self._season_given()
        if irregular_time_index(series.index):
            warnings.warn(
                "seasonal_period='auto': X's DatetimeIndex has no regular frequency (missing"
                " timestamps?), so the season is read from the autocorrelation of the rows as"
                " they are; fill the gaps (e.g. X.asfreq('D')) or pass seasonal_period.",
                UserWarning,
                stacklevel=4,
            )
        return detect_period(series.values, series.index)

    def _season(self):
        """The season length and the rows either side of it the windows use.

        An ``"auto"`` season narrows ``seasonal_window`` to what it allows
        (the rows must come before the targets), or is dropped when even its
        own row would be one to predict (``horizon`` longer than the season);
        so does a given one in the copies that quantile intervals train with
        ``horizon=interval_horizon`` (``_season_fits_horizon``), where the
        user did not choose the horizon.
        """
        period = self._season_given()
        if period == "auto" or getattr(self, "_season_fits_horizon", False):
            period = getattr(self, "seasonal_period_", None) if period == "auto" else period
            if period is None or period < self.horizon:
                return None, 0
            return period, min(self.seasonal_window, period - self.horizon)
        return period, self.seasonal_window

    def _can_difference(self, n_rows):
        """Whether ``n_rows`` show a season's strength (two seasons) and
        still hold two windows of changes from a season before."""
        return n_rows >= max(2 * self.seasonal_period_, self._rows_needed(self.seasonal_period_))


def changes(values, lag):
    """Each row's change from the row ``lag`` before it (one row per row from ``lag`` on)."""
    return values[lag:] - values[:-lag]

def undifferenced(changes, before):
    """The inverse of :func:`_changes`: ``before`` holds the ``lag`` values
    before the first change; a change past the first season adds to the
    value it produced one season earlier."""
    lag = len(before)
    values = np.concatenate([before, np.zeros_like(changes)])
    for row in range(len(changes)):
        values[lag + row] = changes[row] + values[row]
    return values[lag:]
