"""The time index of a training series, and the one its forecasts continue."""

import warnings

import numpy as np
import pandas as pd


def time_index_summary(index):
    """The last timestamp, the next one and the frequency of a time index."""
    if index is None:
        return None
    freq = index.freq if isinstance(index, pd.PeriodIndex) else (index.freq or infer_freq(index))
    return {"freq": freq, "last": index[-1], "next": None if freq is None else index[-1] + freq}

def infer_freq(index):
    try:
        freq = pd.infer_freq(index)
    except (TypeError, ValueError):
        return None
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)

def with_future_index(values, summary, names):
    if summary is None:
        return values
    if summary["freq"] is None:
        warnings.warn(
            "The training series' time index has no regular frequency, so the"
            " forecast is returned as an array without timestamps.",
            UserWarning,
            stacklevel=3,
        )
        return values
    start = summary["next"]
    if isinstance(start, pd.Period):
        index = pd.period_range(start=start, periods=len(values), freq=summary["freq"])
    else:
        index = pd.date_range(start=start, periods=len(values), freq=summary["freq"])
    if values.ndim == 1:
        return pd.Series(values, index=index, name="forecast")
    return pd.DataFrame(values, index=index, columns=names)


def label_summary(index):
    """The last label and the step of an integer index (pandas' default
    RangeIndex, or years as numbers): the time steps of a series without
    dates, as skforecast and sktime read them; the step is the most common
    one between its labels (a missing label is a missing row), None for a
    single label.  None for any other index, and for an unsorted or
    duplicated one, which is not a time axis."""
    if not isinstance(index, pd.Index) or isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) or len(index) == 0:
        return None
    if not pd.api.types.is_integer_dtype(index.dtype) or not index.is_unique or not index.is_monotonic_increasing:
        return None
    step = None
    if isinstance(index, pd.RangeIndex):
        step = index.step
    elif len(index) > 1:  # the most common step (the smallest of equals): a missing label is a missing row
        steps, counts = np.unique(np.diff(index.to_numpy()), return_counts=True)
        step = int(steps[np.argmax(counts)])
    return {"last": int(index[-1]), "step": step}


def labels_after(labels, steps):
    """The ``steps`` integer labels after a series' (``labels``: see
    :func:`label_summary`), as skforecast continues a RangeIndex: in its
    step (irregular labels, or a single one: counted on by 1)."""
    step = labels["step"] or 1
    return pd.RangeIndex(labels["last"] + step, labels["last"] + step * (steps + 1), step)


def steps_between(summary, labels, first):
    """How many time steps lie between the end of a training series and
    ``first``, the first time of rows that come after it: 0 when they
    follow it right away, ``k`` after a gap of ``k`` steps on a regular axis
    (``summary``: dates with a frequency, see :func:`time_index_summary`;
    ``labels``: integer labels with a step, see :func:`label_summary`; any
    later time on an irregular one counts as following it).  None when
    ``first`` is not after the end, or falls between two steps."""
    if labels is not None:
        distance = int(first) - labels["last"]
        if distance <= 0:
            return None
        if not labels["step"]:
            return 0
        return distance // labels["step"] - 1 if distance % labels["step"] == 0 else None
    if first <= summary["last"]:
        return None
    if summary["next"] is None:
        return 0
    if isinstance(first, pd.Period):  # (in steps of the frequency: "2M" steps two months)
        if first.freq != summary["next"].freq:
            return None
        units, multiple = (first - summary["next"]).n, summary["freq"].n
        return units // multiple if units % multiple == 0 else None
    if first.tz is not None and summary["next"].tz is not None:  # the same instants in another zone
        first = first.tz_convert(summary["next"].tz)
    between = pd.date_range(start=summary["next"], end=first, freq=summary["freq"])
    return len(between) - 1 if len(between) and between[-1] == first else None
