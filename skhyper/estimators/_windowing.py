"""The windows of a WindowForecaster: their rows, levels and scales.

A mixin of :class:`~skhyper.estimators.forecaster.WindowForecaster`: the rows
before each target a window holds (``window_size``, the season's rows, the
``horizon``; see :func:`skhyper.windows.lag_offsets`), the level each window
is taken relative to (``relative_to``), the scaling of inputs and targets
(``scale``), and the length a series needs.
"""

import numpy as np

from ..windows import lag_offsets, sliding_windows

#: The longest window ``window_size="auto"`` takes.
AUTO_WINDOW = 20


class Windowing:
    """What a window holds, and the length a series needs for two of them."""

    def _resolve_window(self, n_rows):
        """``window_size``, or for "auto" a quarter of ``n_rows``, from 1 to
        ``AUTO_WINDOW``."""
        if self.window_size == "auto":
            return int(min(AUTO_WINDOW, max(1, n_rows // 4)))
        return self.window_size

    def _window(self):
        """The window's rows: ``window_size``, or the one fit chose."""
        if self.window_size != "auto":
            return self.window_size
        if not hasattr(self, "window_size_"):
            raise AttributeError("window_size='auto' is chosen at fit")
        return self.window_size_

    def _offsets(self):
        """The rows before each target the network sees (see ``lag_offsets``)."""
        period, seasonal_window = self._season()
        return lag_offsets(self._window(), self.horizon, period, seasonal_window)

    def _level_rows(self, forecasts_itself):
        """How many of a window's latest rows its level averages (0: none)."""
        relative_to = self.relative_to
        if relative_to == "auto":
            relative_to = "last" if forecasts_itself else None
        return {None: 0, "last": 1, "mean": self._window()}[relative_to]

    def _step_scale(self, values):
        """Per column, the spread of the training targets around their
        windows' levels: the scale of level-relative windows and targets."""
        windows, targets = sliding_windows(values, values, self.lags_, self.horizon)
        _, relative, _ = self._relative(windows, targets)
        spread = relative.reshape(len(relative), -1, values.shape[1]).std(axis=(0, 1))
        return np.where(spread > 0, spread, 1.0)

    def _relative(self, windows, targets=None):
        """Subtract each window's level (per column) from it and from its
        targets; returns both and the levels, to add back to predictions."""
        if not self.level_rows_:
            return windows, targets, 0.0
        n, n_features = len(windows), self.n_features_in_
        rows = windows.reshape(n, -1, n_features)
        level = rows[:, -self.level_rows_ :, :].mean(axis=1)
        windows = (rows - level[:, None, :]).reshape(n, -1)
        if targets is not None:
            targets = (targets.reshape(n, -1, n_features) - level[:, None, :]).reshape(n, -1)
        return windows, targets, level

    def _window_params(self):
        """The parameters that decide how far back a window reaches."""
        period, seasonal_window = self._season()
        window = f"window_size={self._window()}" + (" (chosen by 'auto')" if self.window_size == "auto" else "")
        if period is None:
            return window
        found = " (found by 'auto')" if self.seasonal_period == "auto" else ""
        return (
            f"{window}, seasonal_period={period}{found},"
            f" seasonal_window={seasonal_window}"
        )

    def _fitted_window(self):
        """`` (fit with window_size=...)``, when the parameters still say what
        ``fit`` used (``lags_``); otherwise nothing."""
        try:
            unchanged = np.array_equal(self._offsets(), self.lags_)
        except (AttributeError, TypeError, ValueError):
            unchanged = False
        return f" (fit with {self._window_params()})" if unchanged else ""

    def _rows_needed(self, difference_lag=0):
        """The rows training needs: two windows, what a window reaches back
        (changes reach ``difference_lag`` rows further), the horizon and one."""
        return int(self._offsets()[0]) + difference_lag + self.horizon + 1

    def _check_length(self, n_rows, what, difference_lag=0):
        needed = self._rows_needed(difference_lag)
        lookback = needed - self.horizon - 1
        if n_rows < needed:
            of_changes = " of changes from a season before (deseasonalize='difference')" if difference_lag else ""
            reach = "" if self._season()[0] is None else f"a window{of_changes} reaches {lookback} rows back, so "
            raise ValueError(
                f"{what} has {n_rows} rows, too short for {self._window_params()} and"
                f" horizon={self.horizon}: {reach}training needs at least {lookback} +"
                f" {self.horizon} + 1 = {needed} rows (two windows)."
            )

    def _scaled_inputs(self, values):
        return (values - self.input_mean_) / self.input_scale_


def width(estimator):
    """Columns of the target the forecaster was fit on."""
    return 1 if estimator.target_is_1d_ else len(estimator.target_mean_)

def moments(values, scale):
    if not scale:
        return np.zeros(values.shape[1]), np.ones(values.shape[1])
    std = values.std(axis=0)
    return values.mean(axis=0), np.where(std > 0, std, 1.0)
