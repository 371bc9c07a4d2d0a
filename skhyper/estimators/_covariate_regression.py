"""The linear effect of covariates known in advance, estimated before the network.

With ``covariate_effect="linear"`` (the default) or ``"both"``, a
:class:`~skhyper.WindowForecaster` fit with ``known_covariates`` first
estimates their linear effect on the series, as a regression with ARIMA
errors does (statsmodels' SARIMAX, ``forecast::auto.arima(xreg=...)``): the
series' changes over ``lag`` steps (a season where the forecaster has one,
else one step) regressed by least squares on the covariates' changes over the
same steps, with an intercept (a drift).  Differencing both sides keeps the
series' trend and season out of the estimate, so a level shift such as a law
coming in is measured by the changes it causes, from the few rows after it.

The network is then trained on the series less that effect,
``y - (x - x_ref) @ coef`` (``x_ref``: the covariates' values at the last
training row, so the series is unchanged where it ends and its level, which
the windows are scaled by, stays its own), and the effect of the covariates'
future values is added back to what it forecasts.  A series with fewer
changes than the regression has coefficients plus two gets no linear effect
(coefficients 0).

Chosen on series with covariates that are not the covariate benchmark's
(``benchmarks/covariates_validate.py``): the network alone learnt a law's
or an advert's effect from a handful of windows badly, where this
regression, like SARIMAX's, measures it from every row after the change.
"""

import numpy as np

__all__ = ["difference_regression", "linear_effect"]


def difference_regression(values, covariates, lag):
    """Coefficients ``(k, m)`` of the least-squares regression of the
    changes over ``lag`` rows of ``values`` (n, m) on those of
    ``covariates`` (n, k), with an intercept; zeros where there are fewer
    than ``k + 2`` changes.  Columns whose changes are all 0 (a covariate
    constant over the series) get coefficient 0."""
    values = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
    covariates = np.asarray(covariates, dtype=np.float64).reshape(len(covariates), -1)
    k, m = covariates.shape[1], values.shape[1]
    coef = np.zeros((k, m))
    lag = max(int(lag), 1)
    n = len(values) - lag
    if n < k + 2:
        return coef
    dy = values[lag:] - values[:-lag]
    dx = covariates[lag:] - covariates[:-lag]
    moving = np.abs(dx).max(axis=0) > 0
    if not moving.any():
        return coef
    design = np.column_stack([np.ones(n), dx[:, moving]])
    solution, *_ = np.linalg.lstsq(design, dy, rcond=None)
    coef[moving] = solution[1:]
    return coef


def linear_effect(covariates, reference, coef):
    """The covariates' linear effect on each row, relative to ``reference``:
    ``(covariates - reference) @ coef`` ((n, m) for one series' (n, k) rows;
    for a panel's (n_series, steps, k), ``coef`` (n_series, k) and
    ``reference`` (n_series, k): (n_series, steps))."""
    covariates = np.asarray(covariates, dtype=np.float64)
    if covariates.ndim == 3:
        return np.einsum("nsk,nk->ns", covariates - reference[:, None, :], coef)
    return (covariates - reference) @ coef
