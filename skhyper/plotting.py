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


def _legend_right(axis, handles=None, labels=None):
    """A legend to the right of ``axis``, outside it.

    For the last of a row of panels: ``tight_layout`` makes room for it at
    the figure's right edge, and no panel's data is under it.

    Parameters
    ----------
    axis : matplotlib Axes
        The axes the legend hangs from.
    handles, labels : list, default=None
        What the legend lists (default: ``axis``'s own labelled artists).

    Returns
    -------
    legend : matplotlib.legend.Legend
        The legend.
    """
    if handles is None:
        handles, labels = axis.get_legend_handles_labels()
    return axis.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                       fontsize="small")  # fmt: skip


def _legend_below(axis):
    """A legend under ``axis``'s tick labels and x label, in as many columns as fit its width.

    Every spot inside the axes covers some data on these figures (matplotlib's
    ``loc="best"`` picks the least bad, still over a curve).  The offset is
    measured in points from the x axis' decorations, so the legend stays
    clear of them whatever height ``tight_layout`` leaves the axes.

    Parameters
    ----------
    axis : matplotlib Axes
        The axes, its x label set.

    Returns
    -------
    legend : matplotlib.legend.Legend
        The legend.
    """
    from matplotlib.transforms import offset_copy

    figure = axis.figure
    decorations = axis.xaxis.get_tightbbox()
    depth = 0.0 if decorations is None else max(axis.get_window_extent().y0 - decorations.y0, 0.0)
    under = offset_copy(axis.transAxes, fig=figure, y=-(depth * 72 / figure.dpi + 4), units="points")
    handles, labels = axis.get_legend_handles_labels()
    for ncols in range(len(handles), 0, -1):  # one row where it fits: the shortest legend
        legend = axis.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=under,
                             borderaxespad=0.0, ncols=ncols, fontsize="small")  # fmt: skip
        if ncols == 1 or legend.get_window_extent().width <= axis.get_window_extent().width:
            return legend


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
        axis.grid(alpha=0.3)
    # one legend for the three panels (an estimator has one colour on all three), out of their data
    _legend_right(rate_ax, *loss_ax.get_legend_handles_labels())
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
    axis.grid(alpha=0.3)
    _legend_below(axis)  # inside, it covers the divergence or the descent
    figure.tight_layout()
    return figure


def plot_search(search, params, score="score", ax=None):
    """Cross-validated score against one parameter (error bars) or two (heatmap).

    Numeric parameters are drawn in ascending order, others in the order the
    search tried them; numbers are labelled in three significant digits.
    Where more than the drawn parameters were searched, each point or cell is
    the best candidate over the others, and the score's label names them.

    A randomized search over a continuous distribution (a ``learning_rate``
    from ``loguniform``, say) tries about one candidate per value, which
    would leave a heatmap almost empty: such a parameter is drawn as a
    numeric axis instead, logarithmic when its values span more than a
    decade.  One parameter: the scores as points against it.  Two: the
    scores against it, a colour per value of the other; or, both being
    continuous, the candidates as points coloured by their score.  A grid
    search's parameters keep their table.

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
    if score == "score":  # name it by what it is
        from .scorers import scoring_name

        metric = scoring_name(search)
    else:
        metric = score
    score_label, best_over = f"mean CV {metric}", _best_over(results, params)
    scores = results[[f"mean_test_{score}", f"std_test_{score}"]].set_axis(["mean", "std"], axis=1)
    columns = [_SearchedParameter(search, results, name) for name in params]
    figure, (axis,) = _figure_and_axes(ax)
    # a scatter's point is one candidate (the best of its repeats in a halving search): nothing taken the best over
    if len(columns) == 1 and columns[0].sampled:
        _draw_scores_against(axis, columns[0], scores, score_label)
    elif len(columns) == 1:
        _draw_error_bars(axis, columns[0], scores, score_label + best_over)
    elif not any(column.sampled for column in columns):
        _draw_heatmap(axis, *columns, scores, score_label + best_over)
    elif all(column.sampled for column in columns):
        _draw_candidates(axis, *columns, scores, score_label)
    else:
        continuous, grouped = sorted(columns, key=lambda column: not column.sampled)
        _draw_scores_against(axis, continuous, scores, score_label, by=grouped)
    axis.set_title(f"{type(search).__name__}: {metric}")
    figure.tight_layout()
    return figure


class _SearchedParameter:
    """One parameter's column of ``cv_results_``, as ``plot_search`` draws it.

    Parameters
    ----------
    search : fitted search
        The search (a grid keeps its table).
    results : pandas DataFrame
        Its ``cv_results_``.
    name : str
        The parameter.

    Attributes
    ----------
    name : str
        The parameter.
    values : pandas Series
        The candidates' values: floats for a numeric parameter (nan where a
        candidate's grid had no such parameter), text for any other.
    numeric : bool
        Whether every value given is a real number (not a bool).
    sampled : bool
        Whether the values were drawn from a continuous distribution: a
        numeric parameter of a search that is not a grid, with a value per
        distinct candidate or nearly (at least 80%).
    order : list
        The distinct values in drawing order: ascending numbers, else the
        order the search tried them.
    """

    def __init__(self, search, results, name):
        column = results[f"param_{name}"]
        given = column.dropna()
        self.name = name
        self.numeric = len(given) > 0 and all(
            isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) for value in given
        )
        self.values = column.astype(float) if self.numeric else column.astype(str)
        candidates = results["params"].astype(str).nunique()  # a halving search repeats its candidates
        self.sampled = (self.numeric and not hasattr(search, "param_grid")
                        and self.values.nunique() >= 0.8 * candidates)  # fmt: skip
        distinct = self.values.dropna().unique()
        self.order = sorted(distinct) if self.numeric else list(distinct)

    def labels(self, values=None):
        """Tick labels: text as it is, integers whole, other numbers in three significant digits.

        Parameters
        ----------
        values : sequence, default=None
            The values to label (default: :attr:`order`).

        Returns
        -------
        labels : list of str
            A label per value.
        """
        values = self.order if values is None else values
        if not self.numeric:
            return [str(value) for value in values]
        return [f"{value:g}" if float(value).is_integer() else f"{value:.3g}" for value in values]

    def set_scale(self, axis, which="x"):
        """A log scale on ``axis`` where the values are positive and span more than a decade.

        Parameters
        ----------
        axis : matplotlib Axes
            The axes.
        which : {"x", "y"}, default="x"
            The axis the values are on.
        """
        low, high = min(self.order), max(self.order)
        if low > 0 and high / low > 10:
            getattr(axis, f"set_{which}scale")("log")


def _best_over(results, params):
    """The score label's note on the searched parameters a plot takes the best over.

    Parameters
    ----------
    results : pandas DataFrame
        The search's ``cv_results_``.
    params : list of str
        The parameters drawn.

    Returns
    -------
    note : str
        ``"\\n(best over batch_size, optimizer)"``, or "" where every other
        parameter kept one value.
    """
    others = [
        name.removeprefix("param_") for name in results
        if name.startswith("param_") and name.removeprefix("param_") not in params
        and results[name].astype(str).nunique() > 1
    ]  # fmt: skip
    if not others:
        return ""
    if len(others) > 3:  # a label, not a list
        return f"\n(best over {', '.join(others[:2])} and {len(others) - 2} other parameters)"
    return f"\n(best over {', '.join(others)})"


def _best_per_value(columns, scores):
    """The best candidate's mean and std of score for each value (pair of values) drawn.

    Parameters
    ----------
    columns : list of _SearchedParameter
        The parameters drawn.
    scores : pandas DataFrame
        The candidates' ``mean`` and ``std`` test scores.

    Returns
    -------
    table : pandas DataFrame
        ``mean`` and ``std``, indexed by the values (a MultiIndex for two);
        candidates without a value for a numeric parameter left out.
    """
    keys = [column.values.rename(column.name) for column in columns]
    best = scores.groupby(keys)["mean"].idxmax()
    return scores.loc[best.to_numpy()].set_axis(best.index)


def _draw_error_bars(axis, column, scores, score_label):
    """One parameter's values at evenly spaced positions, the best score of each with its std."""
    table = _best_per_value([column], scores).reindex(column.order)
    positions = np.arange(len(table))
    axis.errorbar(positions, table["mean"], yerr=table["std"], fmt="o-", capsize=4)
    axis.set_xticks(positions, column.labels(), rotation=30, ha="right")
    axis.set(xlabel=column.name, ylabel=score_label)
    axis.grid(alpha=0.3)


def _draw_scores_against(axis, column, scores, score_label, by=None):
    """The scores as points against a sampled parameter's values (a colour per value of ``by``)."""
    if by is None:
        table = _best_per_value([column], scores).sort_index()
        axis.errorbar(table.index.to_numpy(dtype=float), table["mean"], yerr=table["std"], fmt="o", capsize=3)
    else:
        table = _best_per_value([column, by], scores).sort_index()
        for value, label in zip(by.order, by.labels()):
            part = table.xs(value, level=by.name)
            axis.errorbar(part.index.to_numpy(dtype=float), part["mean"], yerr=part["std"], fmt="o", capsize=3,
                          label=label)  # fmt: skip
    column.set_scale(axis)
    axis.set(xlabel=column.name, ylabel=score_label)
    axis.grid(alpha=0.3)
    if by is not None:
        _legend_below(axis).set_title(by.name, prop={"size": "small"})


def _draw_candidates(axis, x, y, scores, score_label):
    """Candidates over two sampled parameters, as points coloured by their score."""
    table = _best_per_value([x, y], scores)
    points = axis.scatter(table.index.get_level_values(0), table.index.get_level_values(1), c=table["mean"],
                          cmap="viridis", edgecolors="0.3", linewidths=0.5)  # fmt: skip
    x.set_scale(axis, "x")
    y.set_scale(axis, "y")
    axis.set(xlabel=x.name, ylabel=y.name)
    axis.grid(alpha=0.3)
    axis.figure.colorbar(points, ax=axis, label=score_label)


def _draw_heatmap(axis, rows, columns, scores, score_label):
    """The best score of each pair of values as a table of coloured cells, each with its value."""
    table = _best_per_value([rows, columns], scores)["mean"].unstack(columns.name)
    table = table.reindex(index=rows.order, columns=columns.order)
    image = axis.imshow(table.to_numpy(), cmap="viridis", aspect="auto")
    axis.set_xticks(np.arange(table.shape[1]), columns.labels(), rotation=30, ha="right")
    axis.set_yticks(np.arange(table.shape[0]), rows.labels())
    for (row, col), value in np.ndenumerate(table.to_numpy()):
        if np.isfinite(value):  # a pair the search never tried stays blank
            colour = _text_colour(image.cmap(image.norm(value)))
            axis.text(col, row, f"{value:.3g}", ha="center", va="center", color=colour, fontsize="small")
    axis.set(xlabel=columns.name, ylabel=rows.name)
    axis.figure.colorbar(image, ax=axis, label=score_label)


def _text_colour(background):
    """Black or white, whichever reads better on ``background``.

    The choice is made on the background's relative luminance (WCAG's):
    above 0.179, black text contrasts more with it than white text does.
    scikit-learn's ``ConfusionMatrixDisplay`` switches its text colour per
    cell in the same spirit, so the numbers stay legible on light cells.

    Parameters
    ----------
    background : tuple of float
        An RGB(A) colour, components in [0, 1].

    Returns
    -------
    colour : {"black", "white"}
        The text colour.
    """
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in background[:3]]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "black" if luminance > 0.179 else "white"


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
    axis.grid(alpha=0.3)
    _legend_below(axis)  # inside, it covers the history's peaks or the fan
    figure.tight_layout()
    return figure
