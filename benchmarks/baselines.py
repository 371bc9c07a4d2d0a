"""The classical forecasters the panel measures skhyper against.

Each takes a :class:`series.Case` and the multi-step horizon ``h`` and returns
``(one_step, multi_step)``: one-step predictions of every held-out row, each
made from the true rows before it with the parameters fit on the training part
(rolling origin, no refit), and the ``h`` values forecast from the end of the
training part.

- naive: the previous value; seasonal naive: the value one season before.
- Ridge on lags: ``Ridge(alpha=1)`` on the previous ``p`` values, ``p`` chosen
  by ``TimeSeriesSplit(3)`` on the training part; recursive multi-step (what
  skforecast's ``ForecasterRecursive(Ridge(), lags=p)`` does).
- ETS: statsmodels' ``ETSModel`` with additive errors; trend (none, additive,
  damped) and season (none, additive, multiplicative for positive series;
  seasons of at most ``MAX_SEASON`` rows) chosen by AICc on the training part.
- ARIMA: statsmodels' ``ARIMA``; ``d`` by the KPSS test, a seasonal
  ``(0, 1, 1)`` part when the series has a season of at most ``MAX_SEASON`` rows and
  two seasons of training data, ``(p, q)`` by AICc over a small grid.
"""

import itertools
import warnings

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import TimeSeriesSplit

from skhyper.windows import lag_offsets, lagged_rows, sliding_windows

__all__ = ["BASELINES", "mase_scale"]


def mase_scale(train):
    """The in-sample MAE of the naive forecast: MASE's denominator."""
    return float(np.abs(np.diff(train)).mean())


def naive(case, h):
    values = case.series.to_numpy()
    return values[case.split - 1 : -1], np.repeat(values[case.split - 1], h)


def seasonal_naive(case, h):
    period = case.period or 1
    values = case.series.to_numpy()
    one_step = values[case.split - period : len(values) - period]
    last_season = values[case.split - period : case.split]
    return one_step, np.resize(last_season, h)


# -------------------------------------------------------------------- Ridge

LAG_CHOICES = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48)


def _lag_design(values, n_lags):
    X, y = sliding_windows(values[:, None], values[:, None], lag_offsets(n_lags), 1)
    return X, y[:, 0]


def choose_lags(train, period):
    """The number of lags with the lowest one-step MAE over TimeSeriesSplit(3)."""
    choices = sorted({*LAG_CHOICES, *([period] if period else [])})
    choices = [p for p in choices if p <= len(train) // 4]
    best, best_error = 1, np.inf
    for n_lags in choices:
        X, y = _lag_design(train, n_lags)
        errors = []
        for fit_rows, test_rows in TimeSeriesSplit(3).split(X):
            model = Ridge(alpha=1.0).fit(X[fit_rows], y[fit_rows])
            errors.append(np.abs(model.predict(X[test_rows]) - y[test_rows]).mean())
        if np.mean(errors) < best_error:
            best, best_error = n_lags, np.mean(errors)
    return best


def ridge_on_lags(case, h):
    values = case.series.to_numpy()
    train = values[: case.split]
    n_lags = choose_lags(train, case.period)
    X, y = _lag_design(train, n_lags)
    model = Ridge(alpha=1.0).fit(X, y)
    offsets = lag_offsets(n_lags)
    windows = lagged_rows(values[case.split - n_lags :, None], offsets, len(values) - case.split)
    history = list(train)
    for _ in range(h):
        history.append(float(model.predict(np.asarray(history[-n_lags:])[None, :])[0]))
    return model.predict(windows), np.asarray(history[len(train) :])


# ---------------------------------------------------------------------- ETS

#: The longest season ETS and ARIMA model as one.  statsmodels' state-space
#: fits grow with the season's length: a seasonal ARIMA on solar's 48
#: half-hours takes about 2 minutes here, on co2's 52 weeks about 5.
MAX_SEASON = 52


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def ets(case, h):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    values = case.series.to_numpy()
    train = values[: case.split]
    seasonal_ok = case.period is not None and case.split >= 2 * case.period and case.period <= MAX_SEASON
    trends = [(None, False), ("add", False), ("add", True)]
    seasons = [None] + (["add", "mul"] if seasonal_ok and train.min() > 0 else ["add"] if seasonal_ok else [])
    best = None
    for (trend, damped), season in itertools.product(trends, seasons):
        spec = dict(error="add", trend=trend, damped_trend=damped, seasonal=season,
                    seasonal_periods=case.period if season else None)  # fmt: skip
        try:
            fitted = _quiet(ETSModel(train, **spec).fit, disp=False)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if np.isfinite(fitted.aicc) and (best is None or fitted.aicc < best[0].aicc):
            best = (fitted, spec)
    fitted, spec = best
    # The same model on the whole series, with the training part's parameters.
    smoothed = _quiet(ETSModel(values, **spec).smooth, fitted.params)
    return smoothed.fittedvalues[case.split :], np.asarray(fitted.forecast(h))


# -------------------------------------------------------------------- ARIMA


def _differences(train):
    from statsmodels.tsa.stattools import kpss

    _, p_value, *_ = _quiet(kpss, train, regression="c", nlags="auto")
    return 1 if p_value < 0.05 else 0


def arima(case, h):
    from statsmodels.tsa.arima.model import ARIMA

    values = case.series.to_numpy()
    train = values[: case.split]
    d = _differences(train)
    seasonal = case.period is not None and case.period <= MAX_SEASON and case.split >= 2 * case.period + 10
    seasonal_order = (0, 1, 1, case.period) if seasonal else (0, 0, 0, 0)
    trend = "c" if d == 0 and not seasonal else "n"
    best = None
    for p, q in [(1, 0), (2, 0), (0, 1), (1, 1), (2, 1), (3, 0)]:
        spec = dict(order=(p, d, q), seasonal_order=seasonal_order, trend=trend)
        try:
            fitted = _quiet(ARIMA(train, **spec).fit)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if np.isfinite(fitted.aicc) and (best is None or fitted.aicc < best[0].aicc):
            best = (fitted, spec)
    fitted, spec = best
    filtered = _quiet(ARIMA(values, **spec).filter, fitted.params)
    return filtered.fittedvalues[case.split :], np.asarray(fitted.forecast(h))


BASELINES = {
    "naive": naive,
    "seasonal naive": seasonal_naive,
    "Ridge on lags": ridge_on_lags,
    "ETS (AICc)": ets,
    "ARIMA (AICc)": arima,
}
