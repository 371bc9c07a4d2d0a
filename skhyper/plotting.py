"""The figures the seeds draw by hand (matplotlib, an optional extra).

Every function returns the matplotlib ``Figure`` (and draws into ``ax`` when
given one) and never calls ``show()``: save it, show it, or test it.

- :func:`plot_history` — loss / validation loss, accuracy (or MAE), and the
  learning rate per epoch, for one fitted estimator or several side by side
  (seed 001 compares a fixed rate, a decaying rate and Adam on one axis).
- :func:`plot_lr_find` — seed 000's figure: loss against rate, log axis.
- :func:`plot_search` — score against one parameter with error bars, or a
  heatmap for two.
- :func:`plot_forecast` — a forecast against the actual series, the
  train/validation split marked.
"""

import numpy as np

__all__ = ["plot_fan", "plot_forecast", "plot_history", "plot_lr_find", "plot_search"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "skhyper's plots need matplotlib: pip install 'skhyper[plots]'"
        ) from None
    return plt


def _figure_and_axes(ax, ncols=1, width=6.0):
    plt = _pyplot()
    if ax is not None:
        axes = list(np.ravel(ax))
        return axes[0].figure, axes
    figure, axes = plt.subplots(1, ncols, figsize=(width * ncols, 4), squeeze=False)
    return figure, list(axes[0])


def plot_history(estimators, labels=None, ax=None):
    """Per-epoch curves of fitted estimators: loss, accuracy or MAE, learning rate.

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
    figure, (loss_ax, metric_ax, rate_ax) = _figure_and_axes(ax, ncols=3, width=4.5)
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
        axis.legend(fontsize="small")
        axis.grid(alpha=0.3)
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
    figure, (axis,) = _figure_and_axes(ax)
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
    axis.legend()
    axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def plot_search(search, params, score="score", ax=None):
    """Cross-validated score against one parameter (error bars) or two (heatmap).

    Parameters
    ----------
    search : fitted search
        A scikit-learn or :mod:`skhyper.model_selection` search.
    params : str or pair of str
        The parameter name(s) as in ``cv_results_`` (without ``param_``).
    score : str, default="score"
        The metric name, for multi-metric searches.
    ax : matplotlib Axes, default=None
        Where to draw (default: a new figure).

    Returns
    -------
    figure : matplotlib.figure.Figure
        The figure drawn on (never shown).

    Raises
    ------
    ValueError
        Not one or two parameters, or one the search did not search.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.linear_model import RidgeClassifier
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skhyper.datasets import load_digits
    >>> from skhyper.plotting import plot_search
    >>> X, y = load_digits(return_X_y=True)
    >>> search = GridSearchCV(RidgeClassifier(), {"alpha": [0.1, 1.0, 10.0]}, cv=3).fit(X, y)
    >>> figure = plot_search(search, "alpha")
    """
    import pandas as pd

    params = [params] if isinstance(params, str) else list(params)
    if len(params) not in (1, 2):
        raise ValueError(f"plot_search draws one or two parameters, got {len(params)}: {params}.")
    results = pd.DataFrame(search.cv_results_)
    missing = [p for p in params if f"param_{p}" not in results]
    if missing:
        known = [c.removeprefix("param_") for c in results if c.startswith("param_")]
        raise ValueError(f"{missing} not among the search's parameters: {known}.")
    mean, std = f"mean_test_{score}", f"std_test_{score}"
    if score == "score":  # name it by what it is
        from .scorers import scoring_name

        score_label = scoring_name(search)
    else:
        score_label = score
    figure, (axis,) = _figure_and_axes(ax)
    keys = [results[f"param_{p}"].astype(str) for p in params]
    if len(params) == 1:
        best_rows = results.groupby(keys[0], sort=False)[mean].idxmax()
        table = results.loc[best_rows, [mean, std]].set_axis(best_rows.index)
        positions = np.arange(len(table))
        axis.errorbar(positions, table[mean], yerr=table[std], fmt="o-", capsize=4)
        axis.set_xticks(positions, table.index, rotation=30, ha="right")
        others = len({name.removeprefix("param_") for name in results if name.startswith("param_")}) > 1
        axis.set(xlabel=params[0], ylabel=f"mean CV {score_label}" + ("\n(best over the other parameters)" if others else ""))
        axis.grid(alpha=0.3)
    else:
        table = results.assign(_a=keys[0], _b=keys[1]).pivot_table(index="_a", columns="_b", values=mean, aggfunc="max", sort=False)
        image = axis.imshow(table.to_numpy(), cmap="viridis", aspect="auto")
        axis.set_xticks(np.arange(table.shape[1]), table.columns, rotation=30, ha="right")
        axis.set_yticks(np.arange(table.shape[0]), table.index)
        for (row, col), value in np.ndenumerate(table.to_numpy()):
            axis.text(col, row, f"{value:.3g}", ha="center", va="center", color="white", fontsize="small")
        axis.set(xlabel=params[1], ylabel=params[0])
        figure.colorbar(image, ax=axis, label=f"mean CV {score_label}")
    axis.set_title(f"{type(search).__name__}: {score_label}")
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
    figure, (axis,) = _figure_and_axes(ax, width=10.0)
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


def plot_fan(history, forecast, unique_id=None, actual=None, ax=None):
    """A fan chart: the history, the forecast and its shaded prediction intervals.

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
    figure, (axis,) = _figure_and_axes(ax, width=10.0)
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
    axis.legend()
    axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure
