"""Scorers that report MAE and accuracy the way the seeds quote them.

Each scorer is a ``scorer(estimator, X, y=None)`` for ``scoring=`` in any
sklearn search, greater-is-better as sklearn's are (errors come negated).
With a :class:`~skhyper.WindowForecaster` fitted on ``X`` alone, ``y=None``
scores the one-step forecasts of ``X`` itself.

- ``neg_mean_absolute_error``: minus MAE;
- ``neg_root_mean_squared_error``: minus RMSE;
- ``neg_mean_absolute_scaled_error``: minus MASE, the MAE over the naive
  forecast's in-sample MAE on the forecaster's training series (at its
  data's season; under 1 beats naive); for other estimators, over the naive
  forecast's MAE on the scored rows;
- ``neg_smape``: minus sMAPE (the M3 competition's, in %);
- ``neg_mase``: minus MASE with each series' seasonal naive scale (panels;
  on one series, as ``neg_mean_absolute_scaled_error``);
- ``neg_msis``: minus the MSIS of 95% prediction intervals (the M4
  competition's interval score; a forecaster fit with ``interval_horizon``);
- ``neg_coverage_error``: minus how far the 95% intervals' coverage is
  from 95%;
- ``accuracy``: the share of right labels.

On a panel (a long frame of ``unique_id``, ``ds``, ``y``: a
:class:`~skhyper.panel_split.PanelSplit` test fold), the forecaster's
``predict`` gives the forecasts from the end of each series' training part,
so these scorers measure h-step forecasts, as the competitions do.  Rows
inside the training series (a search's train scores,
``return_train_score=True``) are scored by their one-step in-sample
predictions (``predict_in_sample``, statsforecast's fitted values); the
interval scorers give NaN there (intervals are of forecasts); so are one
series' rows that start where its training series started.  A search or
a pipeline is scored through its fitted forecaster, and ``y`` may come
apart from a frame of ``unique_id`` and ``ds`` (``scorer(model, X_test,
y_test)``).

:func:`scoring_for` picks the metrics for an estimator's kind, and
:func:`report` turns a fitted search into a table with positive MAE and
accuracy, best first.
"""

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.metrics import accuracy_score, mean_absolute_error, root_mean_squared_error
from sklearn.pipeline import Pipeline

from .metrics import coverage, mase, msis, smape
from .panel import ID, TARGET, TIME, is_panel
from .windows import as_series, target_values

__all__ = [
    "accuracy",
    "neg_mean_absolute_error",
    "neg_mase",
    "neg_mean_absolute_scaled_error",
    "neg_root_mean_squared_error",
    "neg_coverage_error",
    "neg_msis",
    "neg_smape",
    "forecaster_scoring",
    "report",
    "scoring_for",
]


def _fitted_model(estimator):
    """The model a scorer reads attributes from: a search's refit
    ``best_estimator_``, a pipeline's last step, or the estimator."""
    model = getattr(estimator, "best_estimator_", estimator)
    if isinstance(model, Pipeline):
        return _fitted_model(model.steps[-1][1])
    return model


def _final_input(estimator, X):
    """``X`` as the model :func:`_fitted_model` finds gets it (through a
    pipeline's other steps)."""
    model = getattr(estimator, "best_estimator_", estimator)
    if isinstance(model, Pipeline):
        return _final_input(model.steps[-1][1], model[:-1].transform(X) if len(model.steps) > 1 else X)
    return X


def _scored_panel(estimator, X, y):
    """``X`` as a panel to score (a long frame with its ``y``), or None.

    A long frame of ``unique_id`` and ``ds`` with the true values given
    apart (``scorer(model, X_test, y_test)``, the scikit-learn way) becomes
    one with ``y``; a dict of series gets a clear error (a fold to score is
    a long frame)."""
    if isinstance(X, dict):
        raise ValueError(
            "A panel to score is a long DataFrame of unique_id, ds and y (the rows to forecast, as PanelSplit's test"
            " folds are), not a dict of series: pass the forecast rows as a long frame."
        )
    if is_panel(X):
        return X
    if isinstance(X, pd.DataFrame) and {ID, TIME} <= set(X.columns) and getattr(_fitted_model(estimator), "panel_", False):
        if y is None:
            raise ValueError(f"Scoring a panel needs the true values: a {TARGET!r} column in X, or y.")
        values = np.asarray(y, dtype=np.float64).ravel()
        if len(values) != len(X):
            raise ValueError(f"y has {len(values)} values for the {len(X)} rows of X.")
        return X.assign(**{TARGET: values})
    return None


def _in_sample(estimator, panel):
    """Whether every row of ``panel`` is inside the series the forecaster
    was fit on (a search's train scores, ``return_train_score=True``)."""
    model = _fitted_model(estimator)
    if hasattr(model, "forecasters_"):  # an EnsembleForecaster: its members share the panel
        model = _fitted_model(model.forecasters_[0])
    if len(panel) == 0 or not hasattr(model, "_panel_rows_and_steps"):
        return False
    return bool((model._panel_rows_and_steps(panel, "X")[1] < 1).all())


def _series_in_sample(estimator, X, y):
    """Whether ``X`` is the start of the one series the forecaster was fit
    on (a search's train fold, which ``predict`` refuses as not continuing
    it), rather than rows after it (right after it or after a gap, which
    ``predict`` forecasts through)."""
    model = _fitted_model(estimator)
    if y is not None or getattr(model, "panel_", False) or not hasattr(model, "_is_train_fold"):
        return False
    try:
        given = _final_input(estimator, X)
        series = as_series(model._series_and_covariates(given, "X", model._fitted_covariates())[0], "X")
        return model._is_train_fold(series, getattr(given, "index", None))
    except (ValueError, TypeError):
        return False


def _panel_true_and_predicted(estimator, panel):
    """A panel's true values, their predictions and which of its rows they are.

    Rows after each series' training end get the forecasts from it; the
    training rows themselves (a search's train scores) their one-step
    in-sample predictions (statsforecast's fitted values), without the rows
    before each series' first window, which have none."""
    y_true = panel[TARGET].to_numpy(dtype=np.float64)
    if not _in_sample(estimator, panel):
        return y_true, estimator.predict(panel), np.ones(len(panel), dtype=bool)
    model = _fitted_model(estimator)
    predicted = model.predict_in_sample(panel)[type(model).__name__].to_numpy(dtype=np.float64)
    kept = ~np.isnan(predicted)
    return y_true[kept], predicted[kept], kept


def _true_and_predicted(estimator, X, y):
    panel = _scored_panel(estimator, X, y)
    if panel is not None:
        return _panel_true_and_predicted(estimator, panel)[:2]
    if _series_in_sample(estimator, X, y):  # train scores: the one-step in-sample predictions, as on panels
        model, given = _fitted_model(estimator), _final_input(estimator, X)
        y_pred = np.asarray(model.predict_in_sample(given), dtype=np.float64)
        kept = ~np.isnan(y_pred.reshape(len(y_pred), -1)).any(axis=1)  # (the first rows have no window)
        return np.asarray(target_values(model, given, None))[kept], y_pred[kept]
    y_pred = estimator.predict(X)
    if y is None:
        y_true = target_values(_fitted_model(estimator), _final_input(estimator, X), None)
    else:
        y_true = np.asarray(y)
    return y_true, y_pred


def neg_mean_absolute_error(estimator, X, y=None):
    """Minus the mean absolute error of ``estimator.predict(X)``.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator (or search) with ``predict``.
    X : array-like, pandas Series or DataFrame, or a panel
        Rows to predict (a panel: a long frame of ``unique_id``, ``ds``, ``y``).
    y : array-like, default=None
        True values; None for a forecaster fitted on ``X`` alone, which then
        scores the one-step forecasts of ``X`` itself (and on a panel, the
        frame's ``y``).

    Returns
    -------
    score : float
        Minus the MAE: greater is better.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyRegressor
    >>> from skhyper.scorers import neg_mean_absolute_error
    >>> X, y = np.zeros((4, 1)), np.array([1.0, 2.0, 3.0, 4.0])
    >>> neg_mean_absolute_error(DummyRegressor().fit(X, y), X, y)
    -1.0
    """
    return -mean_absolute_error(*_true_and_predicted(estimator, X, y))


def neg_root_mean_squared_error(estimator, X, y=None):
    """Minus the root mean squared error of ``estimator.predict(X)``.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator (or search) with ``predict``.
    X : array-like, pandas Series or DataFrame, or a panel
        Rows to predict (a panel: a long frame of ``unique_id``, ``ds``, ``y``).
    y : array-like, default=None
        True values; None for a forecaster fitted on ``X`` alone, which then
        scores the one-step forecasts of ``X`` itself (and on a panel, the
        frame's ``y``).

    Returns
    -------
    score : float
        Minus the RMSE: greater is better.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyRegressor
    >>> from skhyper.scorers import neg_root_mean_squared_error
    >>> X, y = np.zeros((2, 1)), np.array([0.0, 2.0])
    >>> neg_root_mean_squared_error(DummyRegressor().fit(X, y), X, y)
    -1.0
    """
    return -root_mean_squared_error(*_true_and_predicted(estimator, X, y))


def neg_mean_absolute_scaled_error(estimator, X, y=None):
    """Minus MASE: the MAE over the in-sample MAE of the naive forecast.

    For a :class:`~skhyper.WindowForecaster` of one series, the scale is its
    ``mase_scale_``: the MAE of the naive forecast on the series it was fit
    on, at the season of its dates' frequency (12 for months, 4 for
    quarters; the previous value without dates), as Hyndman and Koehler
    define MASE, so that every fold and every candidate of a search is
    scored on one scale.  For other estimators, which know no series, the
    naive forecast is the previous scored value and the first row, which has
    none, is left out.  On a panel, :func:`neg_mase`: each series over its
    own in-sample seasonal naive MAE.  A MASE under 1 is better than naive.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator (or search) with ``predict``.
    X : array-like, pandas Series or DataFrame, or a panel
        Rows to predict (a panel: a long frame of ``unique_id``, ``ds``, ``y``).
    y : array-like, default=None
        True values; None for a forecaster fitted on ``X`` alone, which then
        scores the one-step forecasts of ``X`` itself (and on a panel, the
        frame's ``y``).

    Returns
    -------
    score : float
        Minus the MASE.

    Raises
    ------
    ValueError
        On a constant series, where the naive forecast's MAE is 0.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyRegressor
    >>> from skhyper.scorers import neg_mean_absolute_scaled_error
    >>> X, y = np.zeros((4, 1)), np.array([1.0, 2.0, 3.0, 4.0])
    >>> model = DummyRegressor().fit(X, y)  # predicts 2.5; the naive forecast's MAE is 1
    >>> round(neg_mean_absolute_scaled_error(model, X, y), 3)
    -0.833
    """
    if _scored_panel(estimator, X, y) is not None:
        return neg_mase(estimator, X, y)
    y_true, y_pred = _true_and_predicted(estimator, X, y)
    scale = _series_scale(_fitted_model(estimator), None)
    if scale is not None:  # a forecaster of one series: its in-sample scale
        if not scale > 0:
            raise ValueError("MASE is undefined after a fit on a constant series: the naive forecast's in-sample MAE is 0.")
        return -mean_absolute_error(y_true, y_pred) / scale
    naive = mean_absolute_error(y_true[1:], y_true[:-1])
    if naive == 0:
        raise ValueError("MASE is undefined on a constant series: the naive forecast's MAE is 0.")
    return -mean_absolute_error(y_true[1:], y_pred[1:]) / naive


def neg_smape(estimator, X, y=None):
    """Minus the sMAPE (in %) of ``estimator.predict(X)``.

    On a panel, of the h-step forecasts of its rows, as the M3 competition
    scores them (:func:`skhyper.metrics.smape`).

    Parameters
    ----------
    estimator : estimator
        A fitted estimator (or search) with ``predict``.
    X : array-like, pandas Series or DataFrame, or a panel
        Rows to predict (a panel: a long frame of ``unique_id``, ``ds``, ``y``).
    y : array-like, default=None
        True values; None for a forecaster fitted on ``X`` alone, which then
        scores the one-step forecasts of ``X`` itself (and on a panel, the
        frame's ``y``).

    Returns
    -------
    score : float
        Minus the sMAPE, in percent.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyRegressor
    >>> from skhyper.scorers import neg_smape
    >>> X, y = np.zeros((2, 1)), np.array([1.0, 3.0])
    >>> round(neg_smape(DummyRegressor().fit(X, y), X, y), 2)  # predicts 2 for both
    -53.33
    """
    return -smape(*_true_and_predicted(estimator, X, y))


def neg_mase(estimator, X, y=None):
    """Minus the MASE of ``estimator.predict(X)``; on a panel as the forecasting competitions score it.

    On a panel: each series' MAE over the in-sample MAE of its seasonal naive
    forecast (the forecaster's ``mase_scale_``: at the season of the panel's
    frequency, 12 for months, 4 for quarters, and lag 1 for integer time
    steps, whatever the candidate's ``seasonal_period``, so that a search
    over it compares candidates on one scale), averaged over series; on one series, as
    :func:`neg_mean_absolute_scaled_error` (over the series' ``mase_scale_``,
    the same in-sample scale).

    Parameters
    ----------
    estimator : estimator
        A fitted estimator (or search) with ``predict``.
    X : array-like, pandas Series or DataFrame, or a panel
        Rows to predict (a panel: a long frame of ``unique_id``, ``ds``, ``y``).
    y : array-like, default=None
        True values; None for a forecaster fitted on ``X`` alone, which then
        scores the one-step forecasts of ``X`` itself (and on a panel, the
        frame's ``y``).

    Returns
    -------
    score : float
        Minus the MASE.

    See Also
    --------
    skhyper.model_selection.PanelSplit : Rolling origins on every series of a panel.
    skhyper.metrics.mase : The measure as a function.
    """
    panel = _scored_panel(estimator, X, y)
    if panel is None:
        return neg_mean_absolute_scaled_error(estimator, X, y)
    y_true, y_pred, kept = _panel_true_and_predicted(estimator, panel)
    model = _fitted_model(estimator)
    series = pd.Index(model.panel_ids_).get_indexer(panel[ID])[kept]
    return -mase(y_true, y_pred, _mase_scale(model), series)


def _series_scale(model, default):
    """A forecaster of one series' MASE scale (its ``mase_scale_``: the
    in-sample naive MAE at its data's season), ``default`` for other
    estimators and for forecasters of earlier files, which hold none."""
    scale = None if getattr(model, "panel_", False) else getattr(model, "mase_scale_", None)
    return default if scale is None else float(np.ravel(scale)[0])


def _mase_scale(model):
    """Each series' scale for MASE and MSIS on a panel: ``mase_scale_``, the
    seasonal naive MAE at its frequency's season (not at a candidate's
    ``seasonal_period``: every candidate of a search is scored on one scale)."""
    scale = getattr(model, "mase_scale_", None)
    return model.naive_mae_ if scale is None else scale


def _true_and_intervals(estimator, X, y, level):
    """Actual values, the ``level`` intervals' bounds, each row's scale and series."""
    model = _fitted_model(estimator)
    predictor = getattr(estimator, "best_estimator_", estimator)  # a search's predict takes no level
    panel = _scored_panel(estimator, X, y)
    if (panel is not None and _in_sample(estimator, panel)) or _series_in_sample(estimator, X, y):
        return None  # train scores: intervals are of forecasts only
    if panel is not None:
        bounds = predictor.predict(panel, level=level)
        name = type(model).__name__
        lower, upper = (bounds[f"{name}-{side}-{level}"].to_numpy() for side in ("lo", "hi"))
        series = pd.Index(model.panel_ids_).get_indexer(panel[ID])
        return panel[TARGET].to_numpy(dtype=np.float64), lower, upper, _mase_scale(model), series
    bounds = predictor.predict(X, level=level)
    y_true = target_values(model, _final_input(estimator, X), None) if y is None else np.asarray(y)
    lower, upper = (bounds[f"{side}-{level}"].to_numpy() for side in ("lo", "hi"))
    scale = _series_scale(model, model.interval_scale_)
    if not scale > 0:  # (a fit on a constant series: the intervals' own scale, as MSIS took before)
        scale = model.interval_scale_
    return np.ravel(y_true), lower, upper, scale, None


def neg_msis(estimator, X, y=None):
    """Minus the MSIS of the 95% prediction intervals of ``estimator.predict(X, level=95)``.

    The M4 competition's mean scaled interval score
    (:func:`skhyper.metrics.msis`): the intervals' width plus 40 times how
    far values fall outside them, over each series' scale (on a panel
    ``mase_scale_``, on one series its ``mase_scale_`` too), lower is better; for
    a :class:`~skhyper.WindowForecaster` fit with ``interval_horizon``.

    Parameters
    ----------
    estimator : WindowForecaster
        Fitted with ``interval_horizon``.
    X : pandas Series, DataFrame or array-like, or a panel
        Rows to predict (see :meth:`skhyper.WindowForecaster.predict`).
    y : array-like, default=None
        True values; None scores ``X`` itself (on a panel, its ``y``).

    Returns
    -------
    score : float
        Minus the MSIS.
    """
    found = _true_and_intervals(estimator, X, y, 95)
    if found is None:
        return float("nan")
    y_true, lower, upper, scale, series = found
    return -msis(y_true, lower, upper, scale, level=95, series=series)


def neg_coverage_error(estimator, X, y=None):
    """Minus the distance of the 95% intervals' coverage from 95%.

    0 is perfect calibration; intervals too narrow or too wide score below.

    Parameters
    ----------
    estimator : WindowForecaster
        Fitted with ``interval_horizon``.
    X : pandas Series, DataFrame or array-like, or a panel
        Rows to predict (see :meth:`skhyper.WindowForecaster.predict`).
    y : array-like, default=None
        True values; None scores ``X`` itself (on a panel, its ``y``).

    Returns
    -------
    score : float
        ``-abs(coverage - 0.95)``.
    """
    found = _true_and_intervals(estimator, X, y, 95)
    if found is None:
        return float("nan")
    y_true, lower, upper, _, _ = found
    return -abs(coverage(y_true, lower, upper) - 0.95)


def accuracy(estimator, X, y):
    """The share of rows whose predicted label is right.

    Parameters
    ----------
    estimator : classifier
        A fitted classifier (or search).
    X : array-like
        Rows to predict.
    y : array-like
        True labels.

    Returns
    -------
    score : float
        ``accuracy_score(y, estimator.predict(X))``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from skhyper.scorers import accuracy
    >>> X, y = np.zeros((4, 1)), np.array([0, 0, 0, 1])
    >>> accuracy(DummyClassifier().fit(X, y), X, y)
    0.75
    """
    return accuracy_score(y, estimator.predict(X))


def scoring_for(estimator):
    """A multi-metric ``scoring`` dict for the estimator's kind.

    Classifiers: accuracy and log loss; forecasters: MAE, RMSE and MASE;
    other regressors: MAE, RMSE and R².

    Parameters
    ----------
    estimator : estimator
        The estimator a search will tune.

    Returns
    -------
    scoring : dict
        Metric names to scorers (or scikit-learn's scoring names), for a
        search's ``scoring``; pass the first key as its ``refit``.

    Examples
    --------
    >>> from skhyper import KerasMLPClassifier, WindowForecaster
    >>> from skhyper.scorers import scoring_for
    >>> list(scoring_for(KerasMLPClassifier()))
    ['accuracy', 'neg_log_loss']
    >>> list(scoring_for(WindowForecaster()))
    ['neg_mae', 'neg_rmse', 'neg_mase']
    """
    if is_classifier(estimator):
        return {"accuracy": accuracy, "neg_log_loss": "neg_log_loss"}
    scoring = {"neg_mae": neg_mean_absolute_error, "neg_rmse": neg_root_mean_squared_error}
    if hasattr(estimator, "forecast"):
        scoring["neg_mase"] = neg_mean_absolute_scaled_error
    else:
        scoring["r2"] = "r2"
    return scoring


def _own_score(estimator, X, y=None):
    """The estimator's own ``score`` (a forecaster's: R² of its forecasts)."""
    return estimator.score(X, y)


def forecaster_scoring(scoring):
    """``scoring`` for a search of a forecaster fit on its series alone
    (``fit(X)``, ``y=None``), with scikit-learn's scoring names replaced.

    scikit-learn's scorers compare ``predict(X)`` with a ``y`` that such a
    search does not have (its cross-validation calls ``scorer(estimator,
    X_test)``, and each fails with a ``TypeError``: every score NaN, the
    first candidate "best").  The names this module has scorers of
    (``"neg_mean_absolute_error"``, ``"neg_root_mean_squared_error"``,
    and this module's own: ``"neg_mase"``, ``"neg_smape"``, ...) become
    them, and ``"r2"`` the forecaster's own score (R² of its forecasts);
    other scikit-learn names are refused, naming these.
    :mod:`skhyper.model_selection`'s searches do this themselves;
    scikit-learn's take what it returns.

    Parameters
    ----------
    scoring : None, str, callable, list, tuple or dict
        A search's ``scoring``.

    Returns
    -------
    scoring : None, callable or dict
        ``scoring`` with each name replaced by a scorer (a list or tuple of
        names becomes a dict of them, under the same names).

    Raises
    ------
    ValueError
        For a scikit-learn name this module has no scorer for.

    Examples
    --------
    >>> from skhyper.scorers import forecaster_scoring
    >>> forecaster_scoring("neg_mean_absolute_error").__name__
    'neg_mean_absolute_error'
    >>> sorted(forecaster_scoring(["r2", "neg_root_mean_squared_error"]))
    ['neg_root_mean_squared_error', 'r2']
    """
    if isinstance(scoring, str):
        return _named_scorer(scoring)
    if isinstance(scoring, (list, tuple, set)):
        return {name: _named_scorer(name) if isinstance(name, str) else name for name in scoring}
    if isinstance(scoring, dict):
        return {key: _named_scorer(value) if isinstance(value, str) else value for key, value in scoring.items()}
    return scoring


def fit_scoring(estimator, scoring, y):
    """The ``scoring`` a search of ``estimator`` (or a pipeline ending in
    one) fit on ``(X, y)`` scores with: :func:`forecaster_scoring`'s for a
    forecaster fit on its series alone (``y=None``), else ``scoring``."""
    return forecaster_scoring(scoring) if y is None and hasattr(_fitted_model(estimator), "forecast") else scoring


def named_scorers():
    """``{name: scorer}`` of this module's scorers (not its helpers), as a
    search config or a scoring name may name them."""
    return {name: globals()[name] for name in __all__ if name.startswith("neg_") or name == "accuracy"}


def _named_scorer(name):
    mine = [n for n in named_scorers() if n.startswith("neg_")]  # (accuracy scores no forecaster)
    own = {"r2": _own_score, **{n: globals()[n] for n in mine}}  # (this module's names too, as the command takes them)
    if name in own:
        return own[name]
    raise ValueError(
        f"scoring={name!r} is scikit-learn's scorer, which compares predict(X) with a y that a forecaster fit on its"
        f" series alone (fit(X), y=None) does not have. Score it with skhyper.scorers' {', '.join(mine)}, or 'r2'."
    )


def report(search):
    """One row per candidate of a fitted search, best first.

    Parameters
    ----------
    search : fitted search
        A scikit-learn or :mod:`skhyper.model_selection` search, single- or
        multi-metric.

    Returns
    -------
    table : pandas.DataFrame
        The candidate's parameters, then for every metric its mean and std
        over the folds — errors as positive numbers (``mae``, not
        ``neg_mae``) — and its rank, and ``fit_time_s``, the mean fit time
        in seconds.  A search with the estimator's own score
        (``scoring=None``) names it by what it is: ``accuracy`` for a
        classifier, ``r2`` for a regressor or forecaster.

    Examples
    --------
    >>> from sklearn.linear_model import RidgeClassifier
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skhyper.datasets import load_digits
    >>> from skhyper.scorers import report
    >>> X, y = load_digits(return_X_y=True)
    >>> search = GridSearchCV(RidgeClassifier(), {"alpha": [0.1, 10.0]}, cv=3).fit(X, y)
    >>> list(report(search).columns)
    ['alpha', 'accuracy_mean', 'accuracy_std', 'accuracy_rank', 'fit_time_s']
    """
    results = pd.DataFrame(search.cv_results_)
    table = pd.DataFrame(
        {c.removeprefix("param_"): results[c] for c in results if c.startswith("param_")}
    )
    metrics = [c.removeprefix("mean_test_") for c in results if c.startswith("mean_test_")]
    for metric in metrics:
        name = scoring_name(search) if metric == "score" else metric
        negated = name.startswith("neg_") or _negated(search.scoring, metric)
        sign, label = (-1, _error_name(name)) if negated else (1, name)
        table[f"{label}_mean"] = sign * results[f"mean_test_{metric}"]
        table[f"{label}_std"] = results[f"std_test_{metric}"]
        table[f"{label}_rank"] = results[f"rank_test_{metric}"]
    table["fit_time_s"] = results["mean_fit_time"]
    ranks = [c for c in table if c.endswith("_rank")]
    refit = search.refit if isinstance(search.refit, str) else None
    rank = next((c for c in ranks if refit and c.startswith(_label(refit))), ranks[0])
    return table.sort_values(rank, kind="stable").reset_index(drop=True)


def scoring_name(search):
    """What a single-metric search's ``score`` is.

    Parameters
    ----------
    search : search
        A scikit-learn or :mod:`skhyper.model_selection` search.

    Returns
    -------
    name : str
        The scoring's name, or for ``scoring=None`` the estimator's own
        ``score``: ``"accuracy"`` for a classifier, ``"r2"`` for a regressor
        (and a forecaster).
    """
    from sklearn.base import is_classifier, is_regressor

    scoring = search.scoring
    if scoring is None:
        if is_classifier(search.estimator):
            return "accuracy"
        return "r2" if is_regressor(search.estimator) else "score"
    return scoring if isinstance(scoring, str) else getattr(scoring, "__name__", "score")


def _negated(scoring, metric):
    """Whether a multi-metric search's ``metric`` is an error its scorer
    negates (``{"smape": neg_smape}``): a ``neg_`` scorer or scoring name,
    or a scorer made with ``greater_is_better=False``."""
    if not isinstance(scoring, dict) or metric not in scoring:
        return False
    scorer = scoring[metric]
    if isinstance(scorer, str):
        return scorer.startswith("neg_")
    return getattr(scorer, "__name__", "").startswith("neg_") or getattr(scorer, "_sign", 1) < 0


def _label(metric):
    return _error_name(metric) if metric.startswith("neg_") else metric


def _error_name(metric):
    short = {
        "neg_mean_absolute_error": "mae",
        "neg_root_mean_squared_error": "rmse",
        "neg_mean_absolute_scaled_error": "mase",
        "neg_mase": "mase",
        "neg_smape": "smape",
        "neg_mean_squared_error": "mse",
    }
    return short.get(metric, metric.removeprefix("neg_"))
