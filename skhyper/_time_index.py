"""The time index of a training series, and the one its forecasts continue."""

import warnings

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
