"""The figure of a search's scores: :func:`skhyper.plotting.plot_search`
and how it lays out one or two parameters (error bars, a heatmap, or a
scatter against a parameter drawn from a continuous distribution)."""

import numbers

import numpy as np

from ._figures import figure_and_axes, legend_below

__all__ = ["plot_search"]


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
    figure, (axis,) = figure_and_axes(ax)
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
        legend_below(axis).set_title(by.name, prop={"size": "small"})


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
