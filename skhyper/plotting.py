"""The figures the seeds draw by hand (matplotlib, an optional extra).

Every function returns the matplotlib ``Figure`` (and draws into ``ax`` when
given one) and never calls ``show()``: save it, show it, or test it.

- :func:`plot_history` — loss / validation loss, accuracy (or MAE), and the
  learning rate per epoch, for one fitted estimator or several side by side
  (seed 001 compares a fixed rate, a decaying rate and Adam on one axis).
- :func:`plot_lr_find` — seed 000's figure: loss against rate, log axis.
- :func:`plot_search` — score against one parameter with error bars, or a
  heatmap for two; a scatter against a parameter a randomized search drew
  from a continuous distribution.
- :func:`plot_forecast` — a forecast against the actual series, the
  train/validation split marked.
- :func:`plot_fan` — a fan chart: the end of the history, the forecast and
  its prediction intervals.

Legends go outside the axes (below, or to the right of the last panel): a
legend inside covers the curves these figures exist to show.
"""

import numbers

import numpy as np

from ._figures import figure_and_axes, legend_below, legend_right
from ._search_plot import plot_search

__all__ = ["plot_fan", "plot_forecast", "plot_history", "plot_lr_find", "plot_search"]


def plot_history(estimators, labels=None, ax=None):
    """Per-epoch curves of fitted estimators: loss, accuracy or MAE, learning rate.

    An estimator has one colour on the three panels, its validation curves
    dashed; one legend, to the right of the learning-rate panel, names them.

    Parameters
    ----------
    estimators : estimator, list of estimators or dict
        A fitted skhyper estimator, or a list (or a dict label -> estimator)
        of them, drawn on shared axes.
    labels : list of str, default=None
        A label per estimator (default: the dict's keys, or class names).
    ax : sequence of three matplotlib Axes, default=None
        Where to draw the loss, the metric and the learning rate (default: a
        new figure).

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure drawn on (never shown).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skhyper import KerasMLPClassifier
    >>> from skhyper.datasets import load_digits
    >>> from skhyper.plotting import plot_history
    >>> X, y = load_digits(return_X_y=True)
    >>> fits = {name: KerasMLPClassifier(hidden_layer_sizes=(16,), optimizer=name, epochs=3,
    ...                                  validation_split=0.2, random_state=0).fit(X, y)
    ...         for name in ("sgd", "adam")}
    >>> figure = plot_history(fits)
    >>> len(figure.axes)
    3
    """
    if isinstance(estimators, dict):
        labels, estimators = list(estimators), list(estimators.values())
    elif not isinstance(estimators, (list, tuple)):
        estimators = [estimators]
    labels = labels or [type(e).__name__ for e in estimators]
    figure, (loss_ax, metric_ax, rate_ax) = figure_and_axes(ax, ncols=3, width=4.5)
    for estimator, label in zip(estimators, labels):
        history = estimator.history_
        epochs = np.arange(1, len(history["loss"]) + 1)
        metric = "accuracy" if "accuracy" in history else "mae"
        (line,) = loss_ax.plot(epochs, history["loss"], label=f"{label} train")
        if "val_loss" in history:
            loss_ax.plot(epochs, history["val_loss"], "--", color=line.get_color(), label=f"{label} validation")
        metric_ax.plot(epochs, history[metric], color=line.get_color(), label=f"{label} train")
        if f"val_{metric}" in history:
            metric_ax.plot(epochs, history[f"val_{metric}"], "--", color=line.get_color(),
                           label=f"{label} validation")  # fmt: skip
        rate_ax.plot(epochs, history["learning_rate"], color=line.get_color(), label=label)
        metric_ax.set_ylabel(metric)
    loss_ax.set(title="loss", xlabel="epoch", ylabel="loss")
    metric_ax.set(title=metric_ax.get_ylabel(), xlabel="epoch")
    rate_ax.set(title="learning rate", xlabel="epoch", ylabel="learning rate", yscale="log")
    for axis in (loss_ax, metric_ax, rate_ax):
        axis.grid(alpha=0.3)
    # one legend for the three panels (an estimator has one colour on all three), out of their data
    legend_right(rate_ax, *loss_ax.get_legend_handles_labels())
    figure.tight_layout()
    return figure


def plot_lr_find(result, ax=None):
    """Loss (raw and smoothed) against learning rate, the suggestion marked.

    Seed 000's figure of the range test; also ``result.plot()``.  After
    ``lr_find(refine=...)`` the range test's own suggestion is marked too.

    Parameters
    ----------
    result : LRFinderResult
        What :func:`skhyper.lr_find` returned.
    ax : matplotlib Axes, default=None
        Where to draw (default: a new figure).

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure drawn on (never shown).
    """
    figure, (axis,) = figure_and_axes(ax)
    axis.semilogx(result.learning_rates, result.losses, alpha=0.35, label="loss")
    axis.semilogx(result.learning_rates, result.smoothed_losses, label="smoothed loss")
    if getattr(result, "refine_rates", None) is None:
        axis.axvline(result.suggestion, color="tab:red", linestyle="--",
                     label=f"suggestion {result.suggestion:.2g} ({result.rule})")  # fmt: skip
    else:  # refined by validation: the range test's own suggestion too
        axis.axvline(result.range_suggestion, color="tab:gray", linestyle=":",
                     label=f"range test's suggestion {result.range_suggestion:.2g} ({result.rule})")  # fmt: skip
        axis.axvline(result.suggestion, color="tab:red", linestyle="--",
                     label=f"suggestion {result.suggestion:.2g} (refined by validation)")  # fmt: skip
    lowest = int(np.nanargmin(result.smoothed_losses))
    before_minimum = result.losses[: lowest + 1]
    before_minimum = before_minimum[np.isfinite(before_minimum)]
    if before_minimum.size:  # the divergence would squash the curve; seed 000 clips its axis too
        low = min(before_minimum.min(), result.smoothed_losses[lowest])
        typical = 1.2 * np.median(result.smoothed_losses[: lowest + 1])
        high = min(before_minimum.max(), max(4 * result.smoothed_losses[lowest], typical))
        axis.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    axis.set(xlabel="learning rate", ylabel="loss", title=f"learning-rate range test (per {result.per})")
    axis.grid(alpha=0.3)
    legend_below(axis)  # inside, it covers the divergence or the descent
    figure.tight_layout()
    return figure


def _plot_times(index):
    """An index matplotlib can draw: periods as their start times."""
    import pandas as pd

    return np.asarray(index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index)


def plot_forecast(actual, predicted, split=None, time=None, signal=None, ax=None):
    """A forecast against the actual series, the train/validation split marked.

    When both are pandas Series with time indexes, each is drawn at its own
    times: ``forecast(steps)`` past the end of the series, or
    ``predict_in_sample`` over it.  Otherwise ``predicted`` may cover only the
    end of ``actual`` (the validation part): it is aligned to the end.

    Parameters
    ----------
    actual : array-like or pandas Series
        The series.
    predicted : array-like or pandas Series
        The forecasts.
    split : int or timestamp, default=None
        Where training ends, marked with a vertical line.
    time : array-like, default=None
        The times of ``actual`` (default: its index, or 0, 1, ...).
    signal : array-like, default=None
        The noise-free series, drawn too (the book's series has one).
    ax : matplotlib Axes, default=None
        Where to draw (default: a new figure).

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure drawn on (never shown).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skhyper.plotting import plot_forecast
    >>> actual = np.sin(np.arange(100) / 5)
    >>> figure = plot_forecast(actual, actual[80:] + 0.1, split=80)
    """
    import pandas as pd

    indexed = time is None and isinstance(actual, pd.Series) and isinstance(predicted, pd.Series)
    if indexed:
        time, predicted_time = _plot_times(actual.index), _plot_times(predicted.index)
    actual, predicted = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    time = np.arange(len(actual)) if time is None else np.asarray(time)
    if not indexed:
        predicted_time = time[len(actual) - len(predicted) :]
    figure, (axis,) = figure_and_axes(ax, width=10.0)
    axis.plot(time, actual, color="0.6", linewidth=0.8, label="actual")
    if signal is not None:
        axis.plot(time, signal, color="0.2", linewidth=0.8, linestyle=":", label="noise-free signal")
    axis.plot(predicted_time, predicted, color="tab:orange", linewidth=1.2, label="forecast")
    if split is not None:
        axis.axvline(time[split], color="tab:red", linestyle="--", label="train | validation")
    axis.set(xlabel="time", ylabel="value", title="forecast against the actual series")
    axis.legend()
    axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def _one_series_of_panel(history, forecast, unique_id):
    """The history (a Series indexed by ``ds``) and forecast rows of one series of a panel's long frames."""
    import pandas as pd

    if unique_id is None:
        raise ValueError("forecast holds a panel's series (a unique_id column): pass unique_id= the series to draw.")
    if not (isinstance(history, pd.DataFrame) and {"unique_id", "ds", "y"} <= set(history.columns)):
        raise ValueError("With unique_id, history is the panel's long frame of unique_id, ds and y.")
    if "unique_id" not in forecast.columns:
        raise ValueError("With unique_id, forecast is the panel's long frame (unique_id, ds and the forecast columns).")
    rows = forecast["unique_id"] == unique_id
    if not rows.any():
        known = list(dict.fromkeys(forecast["unique_id"]))
        raise ValueError(f"unique_id={unique_id!r} is not a series of forecast (it has {_few(known)}).")
    past = history["unique_id"] == unique_id
    if not past.any():
        raise ValueError(f"unique_id={unique_id!r} is not a series of history.")
    return history.loc[past].set_index("ds")["y"], forecast.loc[rows].set_index("ds")


def _few(values, most=5):
    shown = ", ".join(repr(v) for v in values[:most])
    return shown + (f", ... ({len(values)} series)" if len(values) > most else "")


def _as_drawn_series(values, name):
    """``values`` as a Series to draw: a Series as it is, a DataFrame's single
    column (its index kept), anything else by position."""
    import pandas as pd

    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise ValueError(f"{name} must be one series: a DataFrame of {values.shape[1]} columns was given.")
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        return values.astype(float)
    array = np.asarray(values, dtype=float)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be one series, not an array of shape {array.shape}.")
    return pd.Series(array)


def _insample_length(max_insample_length, n_history, horizon):
    """How many of the history's last values a fan chart draws.

    Parameters
    ----------
    max_insample_length : int, "auto" or None
        As :func:`plot_fan` takes it.
    n_history : int
        The length of the history.
    horizon : int
        The number of forecast steps.

    Returns
    -------
    length : int
        The number of values, at most ``n_history``.
    """
    if max_insample_length is None:
        return n_history
    if isinstance(max_insample_length, str):
        if max_insample_length != "auto":
            raise ValueError(f"max_insample_length must be an int, 'auto' or None, got {max_insample_length!r}.")
        # the forecast a sixth of the width, with a few seasons of context however short the horizon
        max_insample_length = max(5 * horizon, 50)
    if not isinstance(max_insample_length, numbers.Integral) or max_insample_length < 1:
        raise ValueError(f"max_insample_length must be a positive int, 'auto' or None, got {max_insample_length!r}.")
    return min(int(max_insample_length), n_history)


def plot_fan(history, forecast, unique_id=None, actual=None, max_insample_length="auto", ax=None):
    """A fan chart: the end of the history, the forecast and its shaded prediction intervals.

    A long history would squeeze the forecast to a sliver at the right edge:
    only its last ``max_insample_length`` values are drawn (the name of
    utilsforecast's ``plot_series`` and statsforecast's ``plot``).  The legend is
    below the axes, off the data.

    Parameters
    ----------
    history : array-like or pandas Series
        The series the forecast continues (its training part); on a panel, a
        long frame of ``unique_id``, ``ds``, ``y`` (``unique_id`` picks the
        series).
    forecast : pandas DataFrame
        What ``WindowForecaster.forecast(h, level=[80, 95])`` returned: on
        one series the columns ``forecast``, ``lo-80``, ``hi-80``, ...; on a
        panel the long frame with ``WindowForecaster-lo-80``, ...
    unique_id : object, default=None
        The series to draw from a panel's frames.
    actual : array-like, pandas Series or DataFrame, default=None
        The values that followed (a test part), drawn over the fan: by their
        dates where they have them, else after the history; on a panel also
        the test part's long frame (``unique_id`` picks the series).
    max_insample_length : int, "auto" or None, default="auto"
        How many of the history's last values to draw: "auto" draws five
        times the forecast's length (its steps then take a sixth of the
        width), and at least 50 values; None draws all of it.  A shorter
        history is drawn whole.
    ax : matplotlib Axes, default=None
        Where to draw (default: a new figure).

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure drawn on (never shown).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from skhyper.plotting import plot_fan
    >>> bands = pd.DataFrame({"forecast": [3.0, 3.5], "lo-80": [2.0, 2.2], "hi-80": [4.0, 4.8]}, index=[4, 5])
    >>> figure = plot_fan(pd.Series([1.0, 2.0, 2.5, 3.0]), bands)
    >>> long = pd.Series(range(500), dtype=float)
    >>> figure = plot_fan(long, bands.set_axis([500, 501]), max_insample_length=24)
    >>> len(figure.axes[0].get_lines()[0].get_xdata())
    24
    """
    import pandas as pd

    if not isinstance(forecast, pd.DataFrame):
        raise ValueError("forecast must be the DataFrame of forecast(h, level=[80, 95]) (with its interval columns).")
    panel, from_frame = unique_id is not None or "unique_id" in forecast.columns, False
    if panel:
        history, forecast = _one_series_of_panel(history, forecast, unique_id)
        if isinstance(actual, pd.DataFrame) and {"unique_id", "ds", "y"} <= set(actual.columns):  # the test frame
            actual, from_frame = actual.loc[actual["unique_id"] == unique_id].set_index("ds")["y"], True
    lows = [str(c) for c in forecast.columns if "lo-" in str(c)]
    if not lows:
        raise ValueError("forecast holds no interval columns (lo-80, hi-80, ...): forecast with level=[80, 95].")
    prefix = lows[0][: lows[0].index("lo-")]  # "" on one series, "WindowForecaster-" on a panel
    name = prefix[:-1] if prefix else next(c for c in ("forecast", "prediction") if c in forecast.columns)
    levels = sorted({float(c[len(prefix) + 3 :]) for c in lows if c.startswith(f"{prefix}lo-")}, reverse=True)
    history = _as_drawn_series(history, "history")
    history = history.iloc[len(history) - _insample_length(max_insample_length, len(history), len(forecast)) :]
    figure, (axis,) = figure_and_axes(ax, width=10.0)
    times = _plot_times(forecast.index)  # a series without time index: the positions after its training rows
    axis.plot(_plot_times(history.index), history.to_numpy(dtype=float), color="0.3", linewidth=1.0, label="history")
    for shade, level in zip(np.linspace(0.2, 0.45, len(levels)), levels):
        label = int(level) if level.is_integer() else level
        axis.fill_between(
            times, forecast[f"{prefix}lo-{label}"].to_numpy(dtype=float), forecast[f"{prefix}hi-{label}"].to_numpy(dtype=float),
            color="tab:blue", alpha=shade, linewidth=0, label=f"{label}% interval",
        )  # fmt: skip
    axis.plot(times, forecast[name].to_numpy(dtype=float), color="tab:blue", linewidth=1.4, label="forecast")
    if actual is not None:
        given = actual
        actual = _as_drawn_series(actual, "actual")
        # by its times where it has them (on a panel: dates, or the ds of its test frame), else after the history
        timed = isinstance(given, (pd.Series, pd.DataFrame)) and (
            not panel or from_frame or isinstance(actual.index, (pd.DatetimeIndex, pd.PeriodIndex))
        )
        drawn = _plot_times(actual.index) if timed else times[: len(actual)]
        axis.plot(drawn, actual.to_numpy(dtype=float), color="tab:red", linewidth=1.0, label="actual")
    title = "forecast and prediction intervals" if unique_id is None else f"{unique_id}: forecast and prediction intervals"
    axis.set(xlabel="time", ylabel="value", title=title)
    axis.grid(alpha=0.3)
    legend_below(axis)  # inside, it covers the history's peaks or the fan
    figure.tight_layout()
    return figure
