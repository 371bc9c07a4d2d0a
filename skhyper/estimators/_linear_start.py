"""The linear start of a WindowForecaster: kept unless the network beats it.

A mixin of :class:`~skhyper.estimators.forecaster.WindowForecaster`.  With
``linear_path=True`` the network starts as a ridge autoregression on its
window (:mod:`skhyper.linear`); after training with early stopping, the start
is put back unless the trained network beats it on the validation windows by
``linear_margin`` standard errors (``linear_start_kept_``).
"""

import numpy as np

from .. import engine
from ..windows import lag_offsets

#: Validation windows below which the trained network does not replace the
#: linear start (``linear_margin`` other than 0): a standard error from fewer
#: differences is itself a guess, and on series that short the linear start,
#: an autoregression, is what the classical models would fit anyway.
MIN_VALIDATION_WINDOWS = 10


class LinearStart:
    """Which lags the linear start uses, and whether training replaced it."""

    def _has_linear_path(self):
        return self.linear_path

    def _linear_start_choices(self, n_columns):
        """The linear start's orders: with ``linear_lags="auto"`` the latest
        ``k`` rows for each ``k`` up to the window, each alone and with the
        rows around the same point a season before, fewest lags first (see
        :func:`skhyper.linear.ridge_bic`); with "all", the window's rows.
        Known covariates join each set: those at its rows and at the steps
        predicted.
        ``linear_lags_`` records the choice."""
        lags = np.asarray(self.lags_)
        if getattr(self, "panel_", False):
            return self._panel_linear_start_choices(n_columns)
        if self.linear_lags == "all":
            return [(lags, np.ones(n_columns, dtype=bool))]
        n_values = n_columns - self._n_covariate_inputs(len(lags))  # the covariates' inputs come last
        column_lags = np.repeat(lags, n_values // len(lags))  # lag-major, as lagged_rows lays them out
        period, seasonal_window = self._season()
        seasonal = lag_offsets(0, self.horizon, period, seasonal_window) if period is not None else []
        sets = {}
        for order in range(1, self._window() + 1):
            for extra in ([], seasonal):
                chosen = np.unique(np.concatenate([np.arange(1, order + 1), extra]).astype(int))[::-1]
                sets.setdefault(tuple(chosen), chosen)
        ordered = sorted(sets.values(), key=len)  # stable: by order within a size
        return [
            (chosen, np.concatenate([np.isin(column_lags, chosen), self._covariate_column_mask(lags, chosen)]))
            for chosen in ordered
        ]

    def _chose_linear_start(self, label, alpha):
        self.linear_lags_ = label if np.isfinite(alpha) else label[:0]

    def _before_training(self, initial_epoch):
        self.linear_start_kept_ = None
        if initial_epoch == 0 and self.linear_path and self._early_stopping() and self._validation_fraction() > 0:
            return self._get_weight("linear_path/kernel"), self._get_weight("output/bias")  # a new network's start
        return None

    def _after_training(self, start, X, y, y_model, sample_weight, history):
        if start is not None:
            self.linear_start_kept_ = self._keep_start_unless_beaten(start, X, y, y_model, sample_weight)
            if self.linear_start_kept_ and self.checkpoint is not None:
                self._save_checkpoint(history)  # the file holds what the fit ends with

    def _keep_start_unless_beaten(self, start, X, y, y_model, sample_weight):
        """Put the linear start back unless the trained network beats it on
        the validation windows by more than ``linear_margin`` standard errors
        of the mean per-window difference of their losses (in the spirit of
        the one-standard-error rule of Breiman et al., *Classification and
        Regression Trees*, 1984: prefer the simpler model unless the data
        clearly favour the other), and never on fewer than
        ``MIN_VALIDATION_WINDOWS`` windows unless ``linear_margin`` is 0.
        With ``horizon=h`` the windows' targets overlap, so the standard
        error counts the differences' covariances
        up to lag ``h - 1``, as Diebold and Mariano's test of two forecasts
        does.  Returns whether the start was kept."""
        _, rows = self._validation_rows(y)
        X_val = X[rows].astype(np.float32)
        y_val = y_model[rows].reshape(len(rows), -1).astype(np.float32)
        kernel, intercept = start
        started = X_val @ kernel.astype(np.float32) + intercept.astype(np.float32)
        trained = np.asarray(engine.predict(self._network(), X_val), dtype=np.float32).reshape(started.shape)
        if np.allclose(trained, started, rtol=1e-5, atol=1e-6):
            return True  # early stopping already ended at the start
        gain = self._per_row_loss(y_val, started) - self._per_row_loss(y_val, trained)
        if sample_weight is not None:
            gain = gain * sample_weight[rows] / np.mean(sample_weight[rows])
        enough = len(rows) >= MIN_VALIDATION_WINDOWS or self.linear_margin == 0
        if enough and mean_beats(gain, self.linear_margin, lags=self.horizon - 1):
            return False
        self._set_weight("linear_path/kernel", kernel)
        self._set_weight("output/kernel", np.zeros(self._weight_shape("output/kernel")))
        self._set_weight("output/bias", intercept)
        return True

    def _per_row_loss(self, y_true, y_pred):
        """The training loss of each row (a loss that reduces over the rows
        is called on one row at a time)."""
        from .._compiled import _per_sample_loss

        loss = _per_sample_loss(self._output_and_loss(y_true.shape[1])[1])
        values = np.asarray(loss(y_true, y_pred), dtype=np.float64)
        if values.shape != (len(y_true),):
            values = np.array(
                [float(np.asarray(loss(y_true[i : i + 1], y_pred[i : i + 1])).mean()) for i in range(len(y_true))]
            )
        return values


def mean_beats(gain, margin, lags=0):
    """Whether the mean of ``gain`` is above ``margin`` standard errors of
    itself, the variance taking the autocovariances up to ``lags`` into
    account (Diebold & Mariano, 1995; their plain variance when those make it
    negative).  ``margin`` is read as the normal quantile it is on many
    values and asked of Student's t with ``n - 1`` degrees of freedom at the
    same level, as Harvey, Leybourne & Newbold (1997) compare Diebold and
    Mariano's statistic on few forecasts: 2 standard errors on 100 windows,
    about 4.5 on 3 (a standard error from three differences is itself a
    guess).  With fewer than two values: whether it is positive, and only
    without a margin."""
    from scipy.stats import norm, t

    gain = np.asarray(gain, dtype=np.float64)
    n, mean = len(gain), float(gain.mean())
    if n < 2:
        return margin == 0 and mean > 0
    centred = gain - mean
    variance = float(centred @ centred) / n
    long_run = variance + 2 * sum(float(centred[k:] @ centred[:-k]) / n for k in range(1, min(lags, n - 1) + 1))
    quantile = float(t.ppf(norm.cdf(margin), n - 1)) if margin > 0 else 0.0
    return mean > quantile * np.sqrt((long_run if long_run > 0 else variance) / (n - 1))
