"""Seasons of a series, for ``WindowForecaster``: their length
(``seasonal_period="auto"``), their shape (``deseasonalize``) and their
strength (``min_seasonal_strength``).

Pure NumPy and pandas.  The length comes from a regular time index when there
is one (the calendar says what a season is), otherwise from the
autocorrelation of the detrended series (a season is a lag at which it
repeats).  The shape is the classical decomposition's seasonal indices.
"""

import numpy as np
import pandas as pd

__all__ = [
    "detect_period",
    "irregular_time_index",
    "period_from_autocorrelation",
    "period_from_index",
    "seasonal_indices",
    "seasonal_mode",
    "seasonal_strength",
]

# Rows per season by the index's base frequency.  Daily data get a week, or a
# year when the training part holds more than two; sub-daily data a day.
_CALENDAR = {"W": 52, "M": 12, "MS": 12, "ME": 12, "Q": 4, "QS": 4, "QE": 4, "B": 5}
_MIN_AUTOCORRELATION = 0.3
_MIN_RISE = 0.3


#: Bartlett standard errors a seasonal peak must reach (a two-sided 95% band).
_BARTLETT_BAND = 1.96


def detect_period(values, index=None):
    """The season length in rows, or None when no season stands out.

    A regular time index decides by the calendar
    (:func:`period_from_index`); without one, or for yearly data, the
    autocorrelation does (:func:`period_from_autocorrelation`).  A season
    is kept only when the series holds two of them: one is not enough to
    learn it from.

    Parameters
    ----------
    values : ndarray of shape (n_steps, n_features)
        The training series (time along axis 0).
    index : pandas.DatetimeIndex or pandas.PeriodIndex, default=None
        Its time index; a regular one decides by the calendar.

    Returns
    -------
    int or None
        The number of rows in a season, or None.

    See Also
    --------
    period_from_index : The season of a regular time index.
    period_from_autocorrelation : The season of the values alone.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skhyper.seasonality import detect_period
    >>> months = pd.date_range("2020-01-01", periods=36, freq="MS")
    >>> detect_period(np.ones((36, 1)), months)
    12
    >>> weekly = np.sin(2 * np.pi * np.arange(70) / 7)[:, None]
    >>> detect_period(weekly)
    7
    >>> print(detect_period(np.arange(50.0)[:, None]))
    None
    """
    n_rows = len(values)
    period = period_from_index(index, n_rows)
    if period is None:  # no index, or one without a calendar season (yearly)
        period = period_from_autocorrelation(values)
    # A season needs two of them in the data to be learned.
    return period if period is not None and 2 * period <= n_rows else None


def _frequency(index):
    if isinstance(index, pd.PeriodIndex):
        return index.freq
    if isinstance(index, pd.DatetimeIndex):
        if index.freq is not None:
            return index.freq
        if len(index) >= 3:
            try:
                inferred = pd.infer_freq(index)
            except (TypeError, ValueError):
                return None
            return None if inferred is None else pd.tseries.frequencies.to_offset(inferred)
    return None


def irregular_time_index(index):
    """Whether ``index`` is a DatetimeIndex with no frequency, given or inferable.

    Missing timestamps, holidays or uneven steps leave a DatetimeIndex of
    three or more dates without a frequency; a season is then not told by
    the calendar.

    Parameters
    ----------
    index : pandas.Index or None
        The series' time index.

    Returns
    -------
    bool
        True for a DatetimeIndex of at least three dates whose frequency
        is neither set nor inferable; False otherwise (also for a
        PeriodIndex, another index or None).

    Examples
    --------
    >>> import pandas as pd
    >>> from skhyper.seasonality import irregular_time_index
    >>> irregular_time_index(pd.date_range("2024-01-01", periods=10, freq="D"))
    False
    >>> irregular_time_index(pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-05"]))
    True
    """
    return isinstance(index, pd.DatetimeIndex) and len(index) >= 3 and _frequency(index) is None


def period_from_index(index, n_rows):
    """The season length, in rows, of a regular time index's frequency.

    Weekly data get 52 rows, monthly 12, quarterly 4, business days 5;
    daily data a week (7), or a year (365) when they span more than two;
    sub-daily data a day (24 hours, 48 half-hours...).  Multiples of a
    calendar step (every two months, say) and yearly data have no calendar
    season.

    Parameters
    ----------
    index : pandas.DatetimeIndex, pandas.PeriodIndex or None
        The series' time index.  A DatetimeIndex without a set frequency
        is read by ``pandas.infer_freq``.
    n_rows : int
        The number of rows of the series (daily data longer than two years
        get a yearly season).

    Returns
    -------
    int or None
        The number of rows in a season; None for yearly data, an irregular
        index or no time index.

    Examples
    --------
    >>> import pandas as pd
    >>> from skhyper.seasonality import period_from_index
    >>> period_from_index(pd.period_range("2020Q1", periods=12, freq="Q"), 12)
    4
    >>> period_from_index(pd.date_range("2024-01-01", periods=72, freq="h"), 72)
    24
    >>> print(period_from_index(pd.period_range("2000", periods=30, freq="Y"), 30))
    None
    """
    freq = _frequency(index)
    if freq is None:
        return None
    name = freq.name.split("-")[0]  # "W-SUN" -> "W", "Q-DEC" -> "Q"
    if name in _CALENDAR:
        return _CALENDAR[name] if freq.n == 1 else None
    if name == "D" and freq.n == 1:
        return 365 if n_rows > 2 * 365 else 7
    try:
        step = pd.Timedelta(freq)
    except (TypeError, ValueError):
        return None  # yearly and other calendar offsets without a fixed length
    day = pd.Timedelta(days=1)
    if step < day and day % step == pd.Timedelta(0):
        return int(day / step)  # hourly -> 24, half-hourly -> 48
    return None


def period_from_autocorrelation(values, max_lag=None):
    """The first lag at which the series repeats, or None.

    The autocorrelation of the series less its linear trend, averaged over
    columns.  A season is its first local peak, from lag 2 to half the series,
    that reaches 0.3, stands out of the noise (``2.5 / sqrt(n)``) and rises at
    least 0.3 above the lowest value before it: a random walk's or an AR(1)'s
    slowly decaying autocorrelation has no such peak.  A peak the series holds
    fewer than three times (a lag above ``n / 3``) must also reach 1.96 of
    Bartlett's standard errors at its lag, ``sqrt((1 + 2 sum_{j<k} r_j^2) /
    n)`` (the 95% band statsmodels' ``plot_acf`` draws): a slow cycle seen
    about twice in a short series (an interest rate's) is as likely as a
    season there, and does not stand out of that band.  (Below three cycles
    only: a clean season's own correlations widen the band so much that it
    would hide seasons seen four times.)

    Parameters
    ----------
    values : array-like of shape (n_steps,) or (n_steps, n_features)
        The series (time along axis 0).  Constant columns are left out.
    max_lag : int, default=None
        The largest lag looked at; None (and anything larger) is half the
        series.

    Returns
    -------
    int or None
        The season length in rows, or None when no lag stands out (also
        for a series of fewer than six rows, or a constant one).

    Examples
    --------
    >>> import numpy as np
    >>> from skhyper.seasonality import period_from_autocorrelation
    >>> t = np.arange(60)
    >>> period_from_autocorrelation(np.sin(2 * np.pi * t / 12) + 0.05 * t)
    12
    >>> walk = np.random.RandomState(0).normal(size=200).cumsum()
    >>> print(period_from_autocorrelation(walk))
    None
    """
    values = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
    n = len(values)
    max_lag = n // 2 if max_lag is None else min(max_lag, n // 2)
    if max_lag < 3:
        return None
    time = np.arange(n) - (n - 1) / 2
    slope = (time[:, None] * (values - values.mean(axis=0))).sum(axis=0) / (time**2).sum()
    centred = values - values.mean(axis=0) - time[:, None] * slope
    variance = (centred**2).sum(axis=0)
    usable = variance > 1e-12 * max(1.0, float(np.abs(values).max()) ** 2) * n
    if not usable.any():
        return None
    centred, variance = centred[:, usable], variance[usable]
    acf = np.array(
        [1.0] + [((centred[lag:] * centred[:-lag]).sum(axis=0) / variance).mean() for lag in range(1, max_lag + 2)]
    )  # acf[k] is lag k
    threshold = max(_MIN_AUTOCORRELATION, 2.5 / np.sqrt(n))
    # Bartlett's standard error of the autocorrelation at lag k (index k - 1).
    bartlett = np.sqrt((1.0 + 2.0 * np.concatenate([[0.0], np.cumsum(acf[1:] ** 2)])) / n)[:-1]
    for lag in range(2, max_lag + 1):
        value = acf[lag]
        if (
            value >= threshold
            and (3 * lag <= n or value >= _BARTLETT_BAND * bartlett[lag - 1])
            and value >= acf[lag - 1]
            and value >= acf[lag + 1]
            and value - acf[1:lag].min() >= _MIN_RISE
        ):
            return lag
    return None


def seasonal_indices(values, period, multiplicative=False):
    """The seasonal indices of the classical decomposition (Hyndman &
    Athanasopoulos, *Forecasting: Principles and Practice*, 3.4; statsmodels'
    ``seasonal_decompose``, sktime's ``Deseasonalizer``): the trend is the
    centred moving average over one season (``2 x period`` for an even
    period), and the index of each position in the season is the mean of the
    series' departures from it there, the differences (additive) or the
    ratios (multiplicative), normalized to average 0 (or 1) over a season.

    Parameters
    ----------
    values : ndarray of shape (n_steps, n_features)
        The training series; row 0 is position 0 of the season.  Needs at
        least two seasons; multiplicative indices need positive values.
    period : int
        The season length in rows.
    multiplicative : bool, default=False
        Ratios to the trend, averaging 1 over a season, instead of
        differences averaging 0.

    Returns
    -------
    ndarray of shape (period, n_features)
        The index of each position in the season (row ``k`` for the rows
        ``k, k + period, ...`` of ``values``).

    See Also
    --------
    seasonal_mode : Whether the season is additive or multiplicative.
    seasonal_strength : How much of the series the season explains.

    Examples
    --------
    >>> import numpy as np
    >>> from skhyper.seasonality import seasonal_indices
    >>> values = np.tile([1.0, 3.0, 2.0, 6.0], 4)[:, None]
    >>> seasonal_indices(values, 4).ravel()
    array([-2.,  0., -1.,  3.])
    >>> seasonal_indices(values, 4, multiplicative=True).ravel().round(2)
    array([0.33, 1.  , 0.67, 2.  ])
    """
    return _indices(*_centred_trend(values, period), period, multiplicative)


def _indices(trend, middle, positions, period, multiplicative):
    """:func:`seasonal_indices` from the parts :func:`_centred_trend` returns."""
    departures = middle / trend if multiplicative else middle - trend
    indices = np.stack([departures[positions == k].mean(axis=0) for k in range(period)])
    if multiplicative:
        return indices / indices.mean(axis=0)
    return indices - indices.mean(axis=0)


def _centred_trend(values, period):
    """The classical decomposition's trend (the centred moving average over
    one season, ``2 x period`` for an even period), the rows it is defined
    at, and their positions in the season."""
    values = np.asarray(values, dtype=np.float64)
    if period % 2 == 0:
        weights = np.r_[0.5, np.ones(period - 1), 0.5] / period
    else:
        weights = np.ones(period) / period
    half = (len(weights) - 1) // 2
    trend = np.stack([np.convolve(column, weights, mode="valid") for column in values.T], axis=1)
    return trend, values[half : half + len(trend)], (np.arange(len(trend)) + half) % period


def _season_and_remainder(parts, period, multiplicative):
    """The classical decomposition's seasonal part and remainder at the rows
    where its trend is defined (``parts``: what :func:`_centred_trend`
    returns), in logarithms for a multiplicative season."""
    trend, middle, positions = parts
    indices = _indices(*parts, period, multiplicative)[positions]
    if multiplicative:
        season = np.log(indices)
        return season, np.log(middle) - np.log(trend) - season
    return indices, middle - trend - indices


def seasonal_mode(values, period):
    """``"multiplicative"`` or ``"additive"``: which classical decomposition
    of the positive series ``values`` leaves the smaller irregular part,
    compared as Gaussian likelihoods of the series and of its logarithm (the
    Box-Cox comparison of lambda 1 against 0, with the logarithm's Jacobian):
    the additive remainder's mean square against the multiplicative one's,
    in logarithms, times the series' geometric mean squared.  X-13ARIMA-SEATS'
    automatic transformation test makes the same comparison between regARIMA
    fits of the series and of its logarithm.  A season whose swing grows
    with the level is multiplicative, one of a fixed size (temperatures)
    additive.

    Parameters
    ----------
    values : ndarray of shape (n_steps, n_features)
        The series: positive, at least two seasons long.
    period : int
        The season length in rows.

    Returns
    -------
    {"multiplicative", "additive"}
        The decomposition that fits ``values`` better (summed over the
        columns).

    Examples
    --------
    >>> import numpy as np
    >>> from skhyper.seasonality import seasonal_mode
    >>> level = np.linspace(10, 100, 48)
    >>> season = np.tile([0.8, 1.2, 1.0, 1.0], 12)
    >>> seasonal_mode((level * season)[:, None], 4)
    'multiplicative'
    >>> seasonal_mode((level + 5 * season)[:, None], 4)
    'additive'
    """
    parts = _centred_trend(values, period)
    _, additive = _season_and_remainder(parts, period, False)
    _, multiplicative = _season_and_remainder(parts, period, True)
    logs = np.log(parts[1])
    tiny = np.finfo(float).tiny
    scores = [
        np.log(np.maximum((additive**2).mean(axis=0), tiny)).sum(),
        (np.log(np.maximum((multiplicative**2).mean(axis=0), tiny)) + 2 * logs.mean(axis=0)).sum(),
    ]
    return "multiplicative" if scores[1] < scores[0] else "additive"


def seasonal_strength(values, period, multiplicative=False):
    """How much of the series' variation, once its trend is gone, the season
    explains: ``max(0, 1 - Var(R) / Var(S + R))`` of the classical
    decomposition's seasonal part ``S`` and remainder ``R`` (Wang, Smith &
    Hyndman, 2006; *Forecasting: Principles and Practice*, 3rd ed., 4.3), in
    logarithms for a multiplicative season.  0: no season; near 1: the
    season dominates the irregular part.  R's ``forecast::nsdiffs`` takes a
    seasonal difference when it is above 0.64.

    Parameters
    ----------
    values : ndarray of shape (n_steps, n_features)
        The series, at least two seasons long (positive for
        ``multiplicative``).
    period : int
        The season length in rows.
    multiplicative : bool, default=False
        Decompose the logarithm of the series (a season whose swing grows
        with the level).

    Returns
    -------
    ndarray of shape (n_features,)
        The strength of each column's season, from 0 to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from skhyper.seasonality import seasonal_strength
    >>> season = np.tile([1.0, 3.0, 2.0, 6.0], 10)
    >>> noise = np.random.RandomState(0).normal(size=40)
    >>> seasonal_strength(np.c_[season, noise], 4).round(2)
    array([1.  , 0.07])
    """
    season, remainder = _season_and_remainder(_centred_trend(values, period), period, multiplicative)
    spread = (season + remainder).var(axis=0)
    safe = np.where(spread > 0, spread, 1.0)
    return np.where(spread > 0, np.maximum(0.0, 1 - remainder.var(axis=0) / safe), 0.0)
