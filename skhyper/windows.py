"""Series checks and sliding windows: the data side of the WindowForecaster.

Pure NumPy and pandas, no Keras: a series is checked once, then cut into
``(window of past rows) -> (next rows)`` pairs.
"""

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["Series", "as_series", "lag_offsets", "lagged_rows", "sliding_windows", "target_values"]


class Series:
    """A checked series: its values as a 2-D float array, and what came with them.

    :func:`as_series` makes one; each parameter is kept as the attribute of
    the same name.  ``len(series)`` is the number of time steps.

    Parameters
    ----------
    values : ndarray of shape (n_steps, n_features)
        The values, float64, time along axis 0.
    index : pandas.DatetimeIndex or pandas.PeriodIndex, default=None
        The series' time index, when it had one.
    names : ndarray of str, default=None
        The column names of a DataFrame.
    one_dimensional : bool, default=False
        Whether the series was 1-D (a pandas Series or a 1-D array).
    """

    def __init__(self, values, index=None, names=None, one_dimensional=False):
        self.values, self.index, self.names = values, index, names
        self.one_dimensional = one_dimensional

    def __len__(self):
        return len(self.values)


def _panel_hint(frame):
    """What a frame that looks meant as a panel lacks to be one (a
    forecaster takes a long frame of ``unique_id``, ``ds`` and ``y``)."""
    from .panel import ID, TARGET, TIME

    columns = set(map(str, frame.columns))
    if not columns & {ID, TIME}:
        return ""
    missing = [column for column in (ID, TIME, TARGET) if column not in columns]
    one = (f" One series: index it by its dates (X.set_index({TIME!r}), after pd.to_datetime on text)."
           if TIME in columns and ID not in columns else "")  # fmt: skip
    return f" (A panel is a long frame with the columns {ID}, {TIME} and {TARGET}: this one lacks {', '.join(missing)}.){one}"


def _check_labels(labels, name):
    """An index other than dates is the series' integer time steps (see
    :func:`skhyper._time_index.label_summary`), or positions (floats):
    refused where it cannot be either, as a panel's series' are (text, such
    as series ids or unparsed dates; integers out of order or twice)."""
    if isinstance(labels, pd.RangeIndex):
        if labels.step < 0 and len(labels) > 1:  # (a reversed Series: s[::-1])
            raise ValueError(f"The index of {name}, its integer time steps, is not sorted: sort it with .sort_index().")
        return
    if isinstance(labels, pd.MultiIndex) or labels.inferred_type in ("string", "mixed", "bytes", "boolean", "categorical"):
        raise ValueError(
            f"The index of {name} holds {labels.dtype} labels such as {labels[0]!r}, not time steps: index one series"
            " by its dates (pd.to_datetime on date text), by integer steps, or reset_index(drop=True); several series"
            " are a long frame of unique_id, ds and y."
        )
    if pd.api.types.is_integer_dtype(labels.dtype):
        if labels.has_duplicates:
            raise ValueError(f"The index of {name} has the label {labels[labels.duplicated()][0]} twice: an integer"
                             " index is the series' time steps (several series are a long frame of unique_id, ds, y).")  # fmt: skip
        if not labels.is_monotonic_increasing:
            raise ValueError(f"The index of {name}, its integer time steps, is not sorted: sort it with .sort_index().")


def as_series(data, name="X"):
    """Check ``data`` (1-D/2-D array, pandas Series or DataFrame) as a series.

    Parameters
    ----------
    data : array-like of shape (n_steps,) or (n_steps, n_features), pandas.Series or pandas.DataFrame
        The series, time along axis 0.  A pandas DatetimeIndex or
        PeriodIndex is kept as its time index.
    name : str, default="X"
        What the error messages call ``data``.

    Returns
    -------
    Series
        The checked series; ``data`` is not modified.

    Raises
    ------
    ValueError
        Naming the problem: non-numeric columns, NaN or infinite values
        (with the first row), a time index that is unsorted or has
        duplicates, no rows, more than two dimensions.

    Examples
    --------
    >>> from skhyper.windows import as_series
    >>> series = as_series([1.0, 2.0, 3.0])
    >>> series.values.shape, series.one_dimensional
    ((3, 1), True)
    >>> as_series([1.0, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: X contains NaN at row 1; fill or drop missing values first.
    """
    index = names = None
    if isinstance(data, (pd.Series, pd.DataFrame)):
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        bad = [str(c) for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        if bad:
            raise ValueError(f"{name} must hold numbers only; column(s) {bad} are not numeric. Encode or drop them"
                             f" first.{_panel_hint(frame)}")  # fmt: skip
        if isinstance(frame.index, (pd.DatetimeIndex, pd.PeriodIndex)):
            index = frame.index
            if index.has_duplicates:
                duplicated = index[index.duplicated()][0]
                raise ValueError(f"The time index of {name} has duplicate timestamps, e.g. {duplicated}.")
            if not index.is_monotonic_increasing:
                raise ValueError(f"The time index of {name} is not sorted: sort it with .sort_index().")
        else:
            _check_labels(frame.index, name)
        if isinstance(data, pd.DataFrame):
            names = np.asarray(data.columns, dtype=object)
        values = frame.to_numpy(dtype=np.float64)
        one_dimensional = isinstance(data, pd.Series)
        if len(values) == 0:
            raise ValueError(f"{name} is empty: a series needs rows (time along axis 0).")
    else:
        try:
            values = np.asarray(data, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{name} must be a numeric series: {error}") from None
        if values.ndim not in (1, 2):
            raise ValueError(
                f"{name} must be a series: 1-D (one value per time step) or 2-D"
                f" (time steps x features); got {values.ndim} dimensions."
            )
        one_dimensional = values.ndim == 1
        if len(values) == 0:
            raise ValueError(f"{name} is empty: a series needs rows (time along axis 0).")
        values = values.reshape(len(values), -1)
    finite = np.isfinite(values).all(axis=1)
    if not finite.all():
        row = int(np.argmin(finite))
        what = "NaN" if np.isnan(values[row]).any() else "an infinite value"
        raise ValueError(
            f"{name} contains {what} at row {row}; fill or drop missing values first."
        )
    return Series(values, index, names, one_dimensional)


def lag_offsets(window_size, horizon=1, seasonal_period=None, seasonal_window=0):
    """The rows before ``t`` a window holds, as offsets ``k`` (row ``t - k``), oldest first.

    The ``window_size`` rows right before ``t``; with a ``seasonal_period``,
    also the rows around the same point one season earlier: from
    ``seasonal_window`` rows before ``t - seasonal_period`` to
    ``seasonal_window`` rows after the last target's ``t + horizon - 1 -
    seasonal_period``.  Rows both sets hold appear once.

    Parameters
    ----------
    window_size : int
        The number of rows right before ``t``.
    horizon : int, default=1
        The number of rows predicted from each window.
    seasonal_period : int, default=None
        The season length in rows; None adds no seasonal rows.
    seasonal_window : int, default=0
        Rows on either side of the seasonal ones.

    Returns
    -------
    ndarray of int
        The offsets, largest (oldest) first.

    Raises
    ------
    ValueError
        When the seasonal rows would reach the rows to predict.

    Examples
    --------
    >>> from skhyper.windows import lag_offsets
    >>> lag_offsets(3)
    array([3, 2, 1])
    >>> lag_offsets(2, seasonal_period=7, seasonal_window=1)
    array([8, 7, 6, 2, 1])
    """
    offsets = np.arange(window_size, 0, -1)
    if seasonal_period is not None:
        if seasonal_period - horizon - seasonal_window < 0:
            raise ValueError(
                f"seasonal_window={seasonal_window} reaches the rows to predict: with"
                f" seasonal_period={seasonal_period} and horizon={horizon} it can be at"
                f" most {seasonal_period - horizon}."
            )
        seasonal = np.arange(
            seasonal_period + seasonal_window, seasonal_period - horizon - seasonal_window, -1
        )
        offsets = np.unique(np.concatenate([offsets, seasonal]))[::-1]
    return offsets


def lagged_rows(values, offsets, n):
    """Rows ``values[t - offsets]`` for the ``n`` steps ``t = L, ..., L + n - 1``.

    ``L = offsets[0]``, the oldest offset.  Each row is flattened, oldest
    lag first.

    Parameters
    ----------
    values : ndarray of shape (n_steps, n_features)
        The series.
    offsets : ndarray of int
        The offsets of :func:`lag_offsets`, largest first.
    n : int
        The number of rows to make (at most ``n_steps - L + 1``).

    Returns
    -------
    ndarray of shape (n, len(offsets) * n_features)
        One row per step ``t``.

    Examples
    --------
    >>> import numpy as np
    >>> from skhyper.windows import lagged_rows
    >>> lagged_rows(np.arange(5.0)[:, None], np.array([2, 1]), 3)
    array([[0., 1.],
           [1., 2.],
           [2., 3.]])
    """
    lookback = int(offsets[0])
    view = sliding_window_view(values[: n + lookback - 1], lookback, axis=0)
    # view[i, :, j] is values[i + j] and step t = i + lookback, so offset k is j = lookback - k;
    # sliding_window_view puts the window axis last: (n, features, k) -> (n, k * features)
    return view[:, :, lookback - offsets].transpose(0, 2, 1).reshape(n, -1)


def sliding_windows(inputs, targets, offsets, horizon):
    """Every ``(inputs[t - offsets], targets[t:t+h])`` pair, flattened to rows.

    Parameters
    ----------
    inputs : ndarray of shape (n_steps, n_inputs)
        The series the windows are cut from.
    targets : ndarray of shape (n_steps, n_targets)
        The series the next values are taken from (the same rows).
    offsets : int or ndarray of int
        An int ``w`` (the ``w`` rows before ``t``) or the array of
        :func:`lag_offsets`.
    horizon : int
        The number of next rows ``h`` of each pair.

    Returns
    -------
    windows : ndarray of shape (n, len(offsets) * n_inputs)
        The windows, ``n = n_steps - L - h + 1`` with ``L`` the largest
        offset.
    next_values : ndarray of shape (n, h * n_targets)
        The rows that follow each window.

    Examples
    --------
    >>> import numpy as np
    >>> from skhyper.windows import sliding_windows
    >>> series = np.arange(5.0)[:, None]
    >>> windows, next_values = sliding_windows(series, series, 2, 1)
    >>> windows.tolist(), next_values.ravel().tolist()
    ([[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]], [2.0, 3.0, 4.0])
    """
    if np.ndim(offsets) == 0:
        offsets = lag_offsets(int(offsets))
    lookback = int(offsets[0])
    n = len(inputs) - lookback - horizon + 1
    following = sliding_window_view(targets[lookback:], horizon, axis=0)[:n]
    return lagged_rows(inputs, offsets, n), following.transpose(0, 2, 1).reshape(n, -1)


def target_values(estimator, X, y):
    """What the one-step predictions of ``X`` are compared with.

    Parameters
    ----------
    estimator : WindowForecaster
        A fitted forecaster.
    X : array-like of shape (n_steps,) or (n_steps, n_features)
        The series predicted.
    y : array-like or None
        The targets of a forecaster that predicts ``y`` from ``X``; None
        for one of the series itself.

    Returns
    -------
    ndarray of shape (n_steps,) or (n_steps, n_targets)
        ``y``, or ``X`` itself for a forecaster of its own series (1-D when
        the series it was fitted on was).

    Raises
    ------
    ValueError
        When ``y`` is None but the forecaster predicts ``y`` from ``X``, or
        the data are not a series.
    """
    if y is not None:
        series = as_series(y, "y")
        return series.values[:, 0] if series.one_dimensional else series.values
    if not estimator.forecasts_itself_:
        raise ValueError("This forecaster predicts y from X: pass y to score it.")
    values = as_series(X, "X").values
    return values[:, 0] if estimator.target_is_1d_ else values


#: The values a window's level averages on a panel without a season.
LEVEL_ROWS_WITHOUT_SEASON = 2


def level_rows_of(window, season, without_season=None):
    """How many of a window's latest values its level averages on a panel:
    a season, or ``without_season`` values without one, at most the window.

    Without a season the level was the last value before format version 5
    (``without_season=1``: files of such fits load with it).  The mean of
    the last two, a level less at the mercy of one value, did better on the
    training parts of every competition's yearly series tried (MASE, seeds
    0-3: M3 3.293 against 3.295, Tourism 2.984 against 3.008; M1, seeds
    0-5: 2.98 against 3.40, 2.47 with the window's floor of 6) and of M3's
    other series (1.791 against 1.840); M1 gains most from no longer
    training on windows of one value: ``benchmarks/results/yearly_variants.md``."""
    return int(min(window, season or without_season or LEVEL_ROWS_WITHOUT_SEASON))


def legacy_level_rows(window, season):
    """The level a panel forecaster's windows had before format version 5
    (the last value without a season), for its window and season."""
    return level_rows_of(window, season, without_season=1)
