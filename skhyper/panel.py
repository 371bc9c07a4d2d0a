"""Panels: many series at once, as forecasting libraries hold them.

A panel is either a long DataFrame with the columns ``unique_id``, ``ds``
and ``y`` (statsforecast's, NeuralForecast's and mlforecast's format; ``ds``
dates, periods or integers) or a dict of pandas Series (skforecast's), one
per series.  A long frame may hold covariates known in advance as further
columns, named by ``as_panel(..., covariates=[...])`` (the forecaster's
``known_covariates``); other columns are refused.  :func:`as_panel` checks it once and holds it as one array of
values with each series' offset into it (:class:`Panel`): windows are then
drawn from that array without copies.  Series may differ in length and
start; within a panel every series must be regular at one frequency.

Pure NumPy and pandas, no Keras.
"""

import warnings

import numpy as np
import pandas as pd

__all__ = ["ID", "TIME", "TARGET", "Panel", "as_panel", "future_frame", "is_panel", "period_freq", "period_steps", "date_steps", "off_grid", "row_order"]

ID, TIME, TARGET = "unique_id", "ds", "y"


def shown(value):
    """A series id as a message shows it: a NumPy scalar as the Python value
    it holds (``0``, not ``np.int64(0)``)."""
    return value.item() if isinstance(value, np.generic) else value


def is_panel(data):
    """Whether ``data`` is given as a panel (a long frame or a dict of series).

    Parameters
    ----------
    data : object
        What a forecaster was given as ``X``.

    Returns
    -------
    bool
        True for a dict, a :class:`Panel`, or a DataFrame with the columns ``unique_id``,
        ``ds`` and ``y``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skhyper.panel import is_panel
    >>> is_panel(pd.DataFrame({"unique_id": ["a"], "ds": [0], "y": [1.0]}))
    True
    >>> is_panel(pd.Series([1.0, 2.0]))
    False
    """
    if isinstance(data, (dict, Panel)):
        return True
    return isinstance(data, pd.DataFrame) and {ID, TIME, TARGET} <= set(map(str, data.columns))


class Panel:
    """Checked series, held as one array of values and each series' offset.

    :func:`as_panel` makes one; each parameter is kept as the attribute of
    the same name.  ``len(panel)`` is the number of series.

    Parameters
    ----------
    ids : ndarray of shape (n_series,)
        The series' ``unique_id``, in order.
    values : ndarray of shape (n_values,)
        All series one after the other (float64).
    starts : ndarray of shape (n_series + 1,)
        Offsets into ``values``: series ``i`` is
        ``values[starts[i]:starts[i + 1]]``.
    last : list
        The time step of each series' last value (a Timestamp, Period or
        int).
    freq : pandas.DateOffset or None
        The panel's frequency; None for integer steps.
    covariates : ndarray of shape (n_values, n_covariates), default=None
        The covariates' values, row for row with ``values`` (float64);
        None without covariates.
    covariate_names : list, default=None
        The covariates' column names, in the order of ``covariates``'
        columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from skhyper.panel import as_panel
    >>> panel = as_panel({"a": pd.Series([1.0, 2.0, 3.0]), "b": pd.Series([5.0, 6.0])})
    >>> len(panel), panel.lengths.tolist(), panel.series(1).tolist()
    (2, [3, 2], [5.0, 6.0])
    """

    def __init__(self, ids, values, starts, last, freq, covariates=None, covariate_names=None):
        self.ids, self.values, self.starts, self.last, self.freq = ids, values, starts, last, freq
        self.covariates = covariates
        self.covariate_names = [] if covariate_names is None else list(covariate_names)

    def __len__(self):
        return len(self.ids)

    @property
    def lengths(self):
        """The number of values of each series (ndarray of shape (n_series,))."""
        return np.diff(self.starts)

    def series(self, i):
        """The values of series ``i``, a view into ``values``.

        Parameters
        ----------
        i : int
            The series' position in ``ids``.

        Returns
        -------
        ndarray of shape (n_values_i,)
            Its values, oldest first.
        """
        return self.values[self.starts[i] : self.starts[i + 1]]

    def head(self, lengths):
        """The panel of each series' first values.

        Parameters
        ----------
        lengths : array-like of int of shape (n_series,)
            How many of each series' first values to keep; a series with
            none kept is left out.

        Returns
        -------
        Panel
            Those values, each series' ``last`` step moved back to match.
        """
        lengths = np.minimum(np.asarray(lengths, dtype=np.int64), self.lengths)
        kept = lengths > 0
        position = np.arange(len(self.values)) - np.repeat(self.starts[:-1], self.lengths)
        keep = position < np.repeat(lengths, self.lengths)
        values = self.values[keep]
        covariates = None if self.covariates is None else self.covariates[keep]
        starts = np.concatenate([[0], np.cumsum(lengths[kept])]).astype(np.int64)
        back = (self.lengths - lengths)[kept]
        step = 1 if self.freq is None else self.freq
        last = [when - int(k) * step for when, k in zip(np.asarray(self.last, dtype=object)[kept], back)]
        return Panel(self.ids[kept], values, starts, last, self.freq, covariates, self.covariate_names)



def future_frame(ids, last, freq, steps):
    """The long frame (``unique_id``, ``ds``) of the time steps to forecast.

    Parameters
    ----------
    ids : array-like of shape (n_series,)
        The series' ``unique_id`` (a :class:`Panel`'s ``ids``).
    last : list
        The time step of each series' last value (a Panel's ``last``:
        Timestamps, Periods or ints).
    freq : pandas.DateOffset or None
        The panel's frequency; None for integer steps.
    steps : int
        The number of time steps after each series' last one.

    Returns
    -------
    pandas.DataFrame
        ``steps`` rows per series, series after series, with the columns
        ``unique_id`` and ``ds``.

    Examples
    --------
    >>> from skhyper.panel import future_frame
    >>> future_frame(["a", "b"], [9, 4], None, 2)
      unique_id  ds
    0         a  10
    1         a  11
    2         b   5
    3         b   6
    """
    ids = pd.Series(np.repeat(np.asarray(ids, dtype=object), steps)).infer_objects()  # integer ids stay integers
    if freq is None:
        times = (np.asarray(last, dtype=np.int64)[:, None] + np.arange(1, steps + 1)).ravel()
        return pd.DataFrame({ID: ids, TIME: times})
    ends = pd.PeriodIndex(last) if isinstance(last[0], pd.Period) else pd.DatetimeIndex(last)
    zone = getattr(ends, "tz", None)
    if zone is not None and not _fixed_step(freq):  # days, weeks, months: on the local calendar, across DST
        ends = ends.tz_localize(None)
    try:
        steps_after = [ends + k * freq for k in range(1, steps + 1)]  # one vectorized step for all series at a time
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        raise ValueError(f"{steps} steps of {freq.freqstr} after the panel's end ({ends.max()}) run past the last"
                         f" date pandas holds ({pd.Timestamp.max}): forecast fewer steps.") from None
    if isinstance(last[0], pd.Period):
        return pd.DataFrame({ID: ids, TIME: pd.PeriodIndex(np.stack([np.asarray(a) for a in steps_after], axis=1).ravel())})
    naive = [after.tz_convert("UTC").tz_localize(None) if after.tz else after for after in steps_after]  # UTC
    times = pd.DatetimeIndex(np.stack([np.asarray(after) for after in naive], axis=1).ravel())
    if zone is not None and _fixed_step(freq):
        times = times.tz_localize("UTC").tz_convert(zone)
    elif zone is not None:
        times = _on_local_calendar(times, zone)
    return pd.DataFrame({ID: ids, TIME: times})


def _on_local_calendar(index, zone):
    """Naive local dates in ``zone``: a midnight DST skips is the hour
    after (as pandas' date_range stamps it), one it repeats the first."""
    return index.tz_localize(zone, nonexistent="shift_forward", ambiguous=np.ones(len(index), dtype=bool))


def _in_zone(times, zone, freq):
    """Rows' times as a panel's: on a panel of time-zone-aware dates, dates
    or periods without a zone are its local time (a local midnight DST
    skips or repeats read as :func:`future_frame` stamps it; an hour it
    skips or repeats refused); with a zone on a panel without one, their
    local time."""
    if isinstance(times.dtype, pd.PeriodDtype):
        if zone is None:
            return times
        times = pd.Series(pd.PeriodIndex(times).to_timestamp(), index=times.index)
    index = pd.DatetimeIndex(times)
    if zone is None:
        return pd.Series(index.tz_localize(None) if index.tz is not None else index, index=times.index)
    if index.tz is not None:
        return pd.Series(index, index=times.index)
    try:
        local = index.tz_localize(zone) if _fixed_step(freq) else _on_local_calendar(index, zone)
    except Exception as error:  # pytz's and pandas' NonExistentTimeError, AmbiguousTimeError
        raise ValueError(f"its dates without a time zone are not one local time in the panel's {zone}"
                         f" ({error}): give them with the time zone") from None
    return pd.Series(local, index=times.index)


def _fixed_step(freq):
    """Whether ``freq`` is a fixed duration under a day (hours, minutes...),
    which steps in absolute time, where a day or longer steps on the local
    calendar of time-zone-aware dates."""
    return isinstance(freq, pd.offsets.Tick) and pd.Timedelta(freq) < pd.Timedelta(days=1)


def date_steps(times, freq):
    """Dates as the integer steps of their frequency (see :func:`period_steps`).

    Time-zone-aware dates step in absolute time under a day (an hourly
    series keeps its hours across a DST change) and on the local calendar
    from a day on (a daily series' local midnights stay days).

    Parameters
    ----------
    times : pandas.Series or pandas.DatetimeIndex
        Dates, naive or time-zone-aware.
    freq : pandas.DateOffset
        Their frequency.

    Returns
    -------
    ndarray of int64
        One step count per date.

    Examples
    --------
    >>> import pandas as pd
    >>> from skhyper.panel import date_steps
    >>> hours = pd.date_range("2021-03-28 00:00", periods=3, freq="h", tz="Europe/Berlin")  # 02:00 does not exist
    >>> steps = date_steps(hours, hours.freq)
    >>> (steps - steps[0]).tolist()
    [0, 1, 2]
    """
    index = pd.DatetimeIndex(times)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None) if _fixed_step(freq) else index.tz_localize(None)
    if type(freq) is pd.offsets.BusinessDay:  # (pandas deprecates business-day periods): weekdays since 1970
        days = np.asarray(index.values, dtype="datetime64[D]")
        return np.busday_count(np.datetime64("1970-01-01", "D"), days).astype(np.int64) // freq.n
    return period_steps(index.to_period(period_freq(freq)))


def as_panel(data, name="X", covariates=None):
    """Check a panel and hold it as a :class:`Panel`.

    The series are sorted by ``unique_id`` and each by time; ``data`` is
    never modified (nor copied when it is sorted already).  A
    :class:`Panel` is returned as it is (when it holds ``covariates``).

    Parameters
    ----------
    data : pandas.DataFrame, dict of pandas.Series or Panel
        A long frame with the columns ``unique_id``, ``ds`` (dates, periods
        or integers) and ``y``, or a dict of series (a series' dates,
        periods or integers index its steps; another index counts them
        from 0).
    name : str, default="X"
        What the error messages call ``data``.
    covariates : list of str, default=None
        Further columns of a long frame to keep as covariates (numbers,
        no missing values; a dict of series has none); a column not named
        here is refused.

    Returns
    -------
    Panel
        The checked series.

    Raises
    ------
    ValueError
        Naming the problem and the series: missing or extra columns,
        duplicated ``(unique_id, ds)``, NaN or infinite values (in ``y`` or
        a covariate), a gap or another frequency than the panel's, an empty
        series.

    Examples
    --------
    >>> import pandas as pd
    >>> from skhyper.panel import as_panel
    >>> frame = pd.DataFrame({"unique_id": ["a", "a", "b"], "ds": [1, 2, 1], "y": [1.0, 2.0, 3.0]})
    >>> as_panel(frame).lengths.tolist()
    [2, 1]
    >>> as_panel(frame.assign(ds=[1, 1, 1]))
    Traceback (most recent call last):
    ...
    ValueError: X: series 'a' has ds=1 twice (duplicated unique_id, ds).
    """
    return _as_panel(data, name, list(covariates or []))


def _as_panel(data, name, covariates, any_columns=False):
    """:func:`as_panel`; ``any_columns``: other columns are let through
    unread (a splitter's view of the frame)."""
    if isinstance(data, Panel):
        if list(data.covariate_names) != covariates:
            raise ValueError(
                f"{name}: a Panel with covariates {list(data.covariate_names)}, not the {covariates} asked for."
            )
        return data
    if isinstance(data, dict):
        if covariates:
            raise ValueError(
                f"{name}: covariates {covariates} are columns of a long DataFrame ({ID}, {TIME}, {TARGET} and"
                " them); a dict of series holds none: give the panel as a long DataFrame."
            )
        frame = _frame_of_dict(data, name)
    elif isinstance(data, pd.DataFrame):
        frame = _long_frame(data, name, covariates, any_columns)
    else:
        raise ValueError(f"{name} must be a long DataFrame ({ID}, {TIME}, {TARGET}) or a dict of pandas Series.")
    if len(frame) == 0:
        raise ValueError(f"{name} is an empty panel: it needs series.")
    raw_steps, freq = _steps(frame[TIME], name, frame[ID])
    order = _sort_order(frame[ID], raw_steps, name)  # None: already sorted (no copy of the user's frame either way)

    def sorted_(values):
        return values if order is None else values[order]

    def time_at(row):
        return frame[TIME].iloc[row if order is None else int(order[row])]

    values = sorted_(frame[TARGET].to_numpy(dtype=np.float64))
    ids = sorted_(frame[ID].to_numpy())
    steps = sorted_(raw_steps)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.argmax(bad))
        what = "NaN" if np.isnan(values[row]) else "an infinite value"
        raise ValueError(
            f"{name}: series {shown(ids[row])!r} holds {what} at {TIME}={time_at(row)}; fill or drop missing values first."
        )
    boundaries = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    starts = np.concatenate([[0], boundaries, [len(ids)]]).astype(np.int64)
    change = np.diff(steps)
    within = np.ones(len(change), dtype=bool)
    within[boundaries - 1] = False
    if (change[within] == 0).any():
        row = int(np.flatnonzero(within & (change == 0))[0]) + 1
        raise ValueError(f"{name}: series {shown(ids[row])!r} has {TIME}={time_at(row)} twice (duplicated {ID}, {TIME}).")
    irregular = within & (change != 1)
    if irregular.any():
        row = int(np.flatnonzero(irregular)[0]) + 1
        unit = "integer step" if freq is None else f"step of the panel's frequency {freq.freqstr}"
        raise ValueError(
            f"{name}: series {shown(ids[row])!r} jumps from {time_at(row - 1)} to {time_at(row)},"
            f" not one {unit}: a gap (fill it) or a series of another frequency (forecast it in its own panel)."
        )
    last = [time_at(row) for row in starts[1:] - 1]
    known = None
    if covariates:
        known = sorted_(_covariate_values(frame, covariates, name))
        bad = ~np.isfinite(known).all(axis=1)
        if bad.any():
            row = int(np.argmax(bad))
            column = covariates[int(np.argmax(~np.isfinite(known[row])))]
            raise ValueError(
                f"{name}: series {shown(ids[row])!r} has no finite value of covariate {column!r} at {TIME}={time_at(row)};"
                " fill or drop missing values first."
            )
    return Panel(ids[starts[:-1]], values, starts, last, freq, known, covariates)


def _covariate_values(frame, covariates, name):
    """The columns ``covariates`` of ``frame`` as a float64 array (rows x
    covariates), checked to be numbers (NaN is left to the caller)."""
    bad = [c for c in covariates if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))]
    if bad:
        raise ValueError(f"{name}: covariate column(s) {bad} must hold numbers, not {[str(frame[c].dtype) for c in bad]}.")
    return frame[list(covariates)].to_numpy(dtype=np.float64)


def _long_frame(data, name, covariates=(), any_columns=False):
    columns = set(map(str, data.columns))
    missing = [c for c in (ID, TIME, TARGET) if c not in columns]
    if missing:
        raise ValueError(f"{name}: a panel is a long DataFrame with columns {ID}, {TIME}, {TARGET}; {missing} missing.")
    absent = [c for c in covariates if c not in data.columns]
    if absent:
        raise ValueError(
            f"{name}: covariate(s) {absent} (known_covariates or static_features) are not columns of the panel"
            f" (its columns: {list(map(str, data.columns))[:10]})."
        )
    extra = sorted(columns - {ID, TIME, TARGET} - set(map(str, covariates)))
    if extra and not any_columns:
        raise ValueError(
            f"{name}: columns {extra[:5]} besides {ID}, {TIME}, {TARGET}; WindowForecaster's panels take other"
            " columns only as covariates known in advance: name them in known_covariates, or drop them."
        )
    if not pd.api.types.is_numeric_dtype(data[TARGET]):
        raise ValueError(f"{name}: column {TARGET} must hold numbers, not {data[TARGET].dtype}.")
    if data[ID].isna().any():
        raise ValueError(f"{name}: column {ID} has missing values.")
    return data  # (read, never modified)


def row_order(frame, name="X"):
    """The rows of the long frame ``frame`` in the order of its
    :class:`Panel` (by series, then time): positions into ``frame``.

    Parameters
    ----------
    frame : pandas.DataFrame
        A long frame with ``unique_id`` and ``ds``, checked by
        :func:`as_panel`.
    name : str, default="X"
        How errors name ``frame``.

    Returns
    -------
    ndarray of shape (len(frame),)
        Row ``k`` of the panel's ``values`` is row ``order[k]`` of ``frame``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skhyper.panel import row_order
    >>> row_order(pd.DataFrame({"unique_id": ["b", "a", "a"], "ds": [1, 2, 1]})).tolist()
    [2, 1, 0]
    """
    order = _sort_order(frame[ID], _steps(frame[TIME], name, frame[ID])[0], name)
    return np.arange(len(frame)) if order is None else order


def _sort_order(ids, steps, name):
    """The order that sorts rows by series, then time (stable); None when
    they are already in it."""
    values = ids.to_numpy()
    if ids.is_monotonic_increasing and np.all((np.diff(steps) > 0) | (values[1:] != values[:-1])):
        return None
    try:
        codes = pd.factorize(values, sort=True)[0]
    except TypeError:
        raise ValueError(f"{name}: column {ID} mixes values that cannot be sorted (numbers and strings?).") from None
    return np.lexsort((steps, codes))


def _frame_of_dict(data, name):
    parts = []
    for key, series in data.items():
        if isinstance(series, pd.DataFrame) or not hasattr(series, "__len__"):
            raise ValueError(f"{name}[{key!r}] must be a pandas Series or a 1-d array of values.")
        if isinstance(series, pd.Series):
            index = series.index
            if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)):
                times = index
            elif pd.api.types.is_integer_dtype(index):
                if index.hasnans:
                    raise ValueError(f"{name}[{key!r}] has missing values in its index of integer steps.")
                times = index.to_numpy(dtype=np.int64)  # steps as given (a RangeIndex too: a slice's keeps its start)
            else:
                raise ValueError(
                    f"{name}[{key!r}] has an index of {index.dtype} values: a panel's series are indexed by dates"
                    " (DatetimeIndex), periods (PeriodIndex) or integer steps (parse date text with"
                    " pd.to_datetime first), or given as arrays of values (steps 0, 1, ...)."
                )
            values = series.to_numpy()
        else:
            values = np.asarray(series)
            times = np.arange(len(values))
        if values.ndim != 1 or not (np.issubdtype(values.dtype, np.number) or values.dtype == bool):
            raise ValueError(f"{name}[{key!r}] must be a 1-d series of numbers.")
        if len(values) == 0:
            raise ValueError(f"{name}[{key!r}] is empty.")
        parts.append(pd.DataFrame({ID: [key] * len(values), TIME: times, TARGET: values}))
    if not parts:
        return pd.DataFrame({ID: [], TIME: [], TARGET: []})
    kinds = {_index_kind(part[TIME].dtype) for part in parts}
    if len(kinds) > 1:
        raise ValueError(f"{name}: its series' indexes are of different kinds ({sorted(kinds)}): dates, periods or integers, one kind.")
    return pd.concat(parts, ignore_index=True)


def period_steps(periods):
    """Periods as integer step counts: consecutive periods of any multiple
    frequency (30 minutes, 2 months) one apart.

    Parameters
    ----------
    periods : pandas.arrays.PeriodArray or pandas.PeriodIndex
        Periods of one frequency.

    Returns
    -------
    ndarray of int64
        Their ordinals over the frequency's multiple (pandas counts a
        30-minute period's ordinal in minutes).

    Examples
    --------
    >>> import pandas as pd
    >>> from skhyper.panel import period_steps
    >>> steps = period_steps(pd.period_range("2024-01-01", periods=3, freq="30min"))
    >>> (steps - steps[0]).tolist()
    [0, 1, 2]
    """
    return np.asarray(periods.asi8, dtype=np.int64) // periods.dtype.freq.n


def _inferred(times):
    """pandas' frequency of the first or the last 50 distinct dates, or None."""
    unique = pd.DatetimeIndex(pd.unique(times.to_numpy())).sort_values()
    candidates = [unique[:50], unique[-50:]] if len(unique) >= 3 else []
    for sample in candidates:
        freq = pd.infer_freq(sample) if len(sample) >= 3 else None
        if freq is not None:
            return pd.tseries.frequencies.to_offset(freq)
    return None


def _index_kind(dtype):
    """A series index's kind for a dict panel: dates of one time zone (of
    any resolution: ns and us concatenate), periods of one frequency, or
    integers."""
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return f"dates ({getattr(dtype, 'tz', None) or 'no time zone'})"
    if isinstance(dtype, pd.PeriodDtype):
        return f"periods ({dtype.freq.freqstr})"
    return "integers" if pd.api.types.is_integer_dtype(dtype) else str(dtype)


def _steps(times, name, ids=None):
    """Each row's time as an integer step count, and the panel's frequency."""
    if isinstance(times.dtype, pd.PeriodDtype):
        return period_steps(times.array), times.dtype.freq
    if pd.api.types.is_datetime64_any_dtype(times):
        freq = _frequency(times, name, ids)
        _check_on_grid(times, freq, name, ids)
        try:
            return date_steps(times, freq), freq
        except (ValueError, TypeError) as error:
            raise ValueError(f"{name}: its dates do not fall on steps of their frequency {freq.freqstr}: {error}") from None
    if pd.api.types.is_integer_dtype(times):
        return times.to_numpy(dtype=np.int64), None
    raise ValueError(f"{name}: column {TIME} must hold dates, periods or integers, not {times.dtype}.")


def period_freq(freq):
    """The period frequency whose steps are those of the date offset ``freq``.

    Month starts count as months, quarter starts as quarters, and so on.

    Parameters
    ----------
    freq : pandas.DateOffset
        A date frequency.

    Returns
    -------
    pandas.DateOffset or str
        ``freq`` itself when periods take it, else the period frequency of
        the same step.

    Raises
    ------
    ValueError
        For a date frequency with no period equivalent.

    Examples
    --------
    >>> import pandas as pd
    >>> from skhyper.panel import period_freq
    >>> period_freq(pd.tseries.frequencies.to_offset("MS"))
    'M'
    """
    if type(freq) is pd.offsets.BusinessDay:  # a period of its own, which pandas deprecates (see date_steps)
        return freq
    try:
        pd.Period("2000-01-01", freq=freq)
        return freq
    except (ValueError, TypeError):
        pass
    base = freq.name.split("-")[0]
    stripped = {"MS": "M", "BMS": "M", "SMS": "SM", "QS": "Q", "BQS": "Q", "YS": "Y", "BYS": "Y", "AS": "Y", "BAS": "Y", "ME": "M",
                "QE": "Q", "YE": "Y", "BME": "M", "BQE": "Q", "BYE": "Y"}.get(base)  # fmt: skip
    if stripped is None:
        raise ValueError(f"dates of frequency {freq.freqstr}, which has no period equivalent")
    return f"{freq.n}{stripped}" if freq.n != 1 else stripped  # (a string: to_offset("2M") is deprecated)


def _check_on_grid(times, freq, name, ids):
    """Every date one of the frequency's own (a month's first day for
    month starts): a month-end series in a month-start panel would be
    forecast on month starts."""
    off = off_grid(pd.DatetimeIndex(pd.unique(times.to_numpy())), freq)
    if len(off):
        row = int(np.flatnonzero(pd.DatetimeIndex(times).isin(off[:1]))[0])
        series = "" if ids is None else f"series {shown(ids.iloc[row])!r} has "
        raise ValueError(f"{name}: {series}{TIME}={times.iloc[row]}, not a date of the panel's frequency {freq.freqstr}:"
                         " its forecasts would be dated on that frequency's dates. Give every series dates of one"
                         " anchor (all month starts, say), or forecast it in its own panel.")  # fmt: skip


def off_grid(dates, freq):
    """The ``dates`` (a DatetimeIndex) that are not dates of ``freq``'s own
    (a month end for month starts), on the local calendar for steps of a
    day or longer in a time zone, as a fit steps them (:func:`date_steps`).

    Parameters
    ----------
    dates : pandas.DatetimeIndex
        Dates, naive or time-zone-aware.
    freq : pandas.DateOffset
        The frequency they should be dates of.

    Returns
    -------
    pandas.DatetimeIndex
        Those of ``dates`` that are not (empty when all are).

    Examples
    --------
    >>> import pandas as pd
    >>> from skhyper.panel import off_grid
    >>> month_start = pd.tseries.frequencies.to_offset("MS")
    >>> off_grid(pd.DatetimeIndex(["2020-01-01", "2020-01-31"]), month_start).strftime("%Y-%m-%d").tolist()
    ['2020-01-31']
    """
    wall = dates.tz_localize(None) if dates.tz is not None and not _fixed_step(freq) else dates
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
        return dates[(wall + freq) - freq != wall]


def _frequency(times, name, ids=None):
    """The frequency of a panel's dates, from the first and the last 50 of
    all its distinct dates; where none shows, two series of different
    frequencies are named, if there are."""
    found = _inferred(times)
    if found is not None:
        return found
    if ids is not None:
        kinds = {}
        for key, part in times.groupby(ids.to_numpy(), sort=False):
            freq = _inferred(part)
            if freq is not None:
                kinds.setdefault(freq.freqstr, key)
            if len(kinds) > 1:
                (first, one), (second, other) = list(kinds.items())[:2]
                raise ValueError(f"{name}: series {shown(one)!r} is of frequency {first} and series {shown(other)!r} of {second}:"
                                 " a panel's series share one frequency (forecast each in its own panel).")  # fmt: skip
    raise ValueError(
        f"{name}: the frequency of its dates cannot be told (a regular daily, weekly, monthly, quarterly or"
        " yearly step is needed); give periods (pd.Period) or integer steps in ds instead."
    )
