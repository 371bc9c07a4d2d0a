"""EnsembleForecaster: the mean of several forecasters' forecasts.

Averaging forecasts from different models is the oldest robust gain in
forecasting (Bates & Granger, 1969; the M competitions' combinations): where
the folds of a small search cannot tell which kind of model a series wants,
the average of one of each is rarely far from the better one.  sktime's
``EnsembleForecaster`` and Darts' ``NaiveEnsembleModel`` do the same; this one
takes skhyper's forecasters, or searches over them, as sklearn's
``VotingRegressor`` takes regressors.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from ._compat import BaseComposition, StrOptions
from .panel import ID, TARGET, TIME, is_panel
from .windows import target_values

__all__ = ["EnsembleForecaster"]


class EnsembleForecaster(RegressorMixin, BaseComposition, BaseEstimator):
    """The (weighted) mean or median of several forecasters' predictions.

    Each forecaster is fit on the same series; ``predict``, ``forecast`` and
    ``predict_in_sample`` combine theirs row by row.  A member may be a
    :class:`~skhyper.WindowForecaster` or a search over one (sklearn's or
    skhyper's ``GridSearchCV``...): a search then picks its own member on
    its own folds, and its ``best_estimator_`` forecasts.  Parameters of the
    members are reachable as ``<name>__<parameter>``, so the ensemble itself
    can be cloned, searched and put in a Pipeline.

    Parameters
    ----------
    forecasters : list of (str, estimator) tuples
        The members, by unique name.
    weights : array-like of shape (n_forecasters,), default=None
        Non-negative weights of the mean (normalised to sum to one); None
        weighs the members equally.  Not used by ``aggfunc="median"``.
    aggfunc : {"mean", "median"}, default="mean"
        How the members' predictions are combined.
    n_jobs : int, default=None
        Members fit in parallel (joblib; None is one at a time).  A member
        that is a search has its own ``n_jobs``.

    Attributes
    ----------
    forecasters_ : list of estimators
        The fitted members, in the order of ``forecasters``.
    named_forecasters_ : dict
        The fitted members by name.

    Examples
    --------
    Two small forecasters on the book's series, their forecasts averaged:

    >>> from skhyper import EnsembleForecaster, WindowForecaster
    >>> from skhyper.datasets import book_series
    >>> series = book_series().train[-200:]
    >>> small = dict(epochs=5, hidden_layer_sizes=(8,), random_state=0)
    >>> model = EnsembleForecaster([("w5", WindowForecaster(window_size=5, **small)),
    ...                             ("w10", WindowForecaster(window_size=10, **small))]).fit(series)
    >>> model.forecast(3).shape
    (3,)
    >>> sorted(model.named_forecasters_)
    ['w10', 'w5']

    Members may be searches, each picking its forecaster on its own folds
    (as in :doc:`/user_guide/forecasting`):

    >>> from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    >>> grid = {"window_size": [10, 20]}
    >>> levels = GridSearchCV(WindowForecaster(seasonal_period="auto"), grid, cv=TimeSeriesSplit(3))
    >>> changes = GridSearchCV(WindowForecaster(seasonal_period="auto", deseasonalize="difference"),
    ...                        grid, cv=TimeSeriesSplit(3))
    >>> model = EnsembleForecaster([("levels", levels), ("changes", changes)])
    """

    _parameter_constraints = {
        "forecasters": [list],
        "weights": ["array-like", None],
        "aggfunc": [StrOptions({"mean", "median"})],
        "n_jobs": [None, Integral],
    }

    def __init__(self, forecasters, *, weights=None, aggfunc="mean", n_jobs=None):
        self.forecasters = forecasters
        self.weights = weights
        self.aggfunc = aggfunc
        self.n_jobs = n_jobs

    # sklearn's composition helpers: get_params/set_params reach the members.
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False  # (its members forecast the series fit is given, as WindowForecaster)
        tags.input_tags.sparse = False
        return tags

    def get_params(self, deep=True):
        """The ensemble's parameters, and with ``deep`` its members' as ``<name>__<parameter>``.

        Parameters
        ----------
        deep : bool, default=True
            Also return the members and their parameters.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return self._get_params("forecasters", deep=deep)

    def set_params(self, **params):
        """Set the ensemble's parameters, a member (by its name) or a member's (``<name>__<parameter>``).

        Parameters
        ----------
        **params : dict
            Parameter names mapped to their new values.

        Returns
        -------
        self : EnsembleForecaster
            The ensemble.
        """
        self._set_params("forecasters", **params)
        return self

    def fit(self, X, y=None):
        """Fit a clone of every member on ``X`` (and ``y``).

        Parameters
        ----------
        X : array-like, pandas Series or DataFrame, or a panel
            The series (time along axis 0), or a long frame of ``unique_id``,
            ``ds`` and ``y`` (or a dict of Series) for global forecasters.
        y : array-like, default=None
            A separate target, when the members predict ``y`` from windows of
            ``X``.

        Returns
        -------
        self : EnsembleForecaster
            The fitted ensemble.
        """
        self._validate_params()
        members = self._checked_members()
        self._checked_weights(len(members))
        fitted = Parallel(n_jobs=self.n_jobs)(delayed(_fit)(clone(member), X, y) for _, member in members)
        self.forecasters_ = fitted
        self.named_forecasters_ = {name: member for (name, _), member in zip(members, fitted)}
        return self

    def predict(self, X, **predict_params):
        """The combined one-step predictions of ``X``.

        Parameters
        ----------
        X : array-like, pandas Series or DataFrame, or a panel
            Rows to predict, each from the rows before it (on a panel: the
            forecasts of its rows).
        **predict_params : dict
            Passed to each member's ``predict`` (e.g. ``continues``).

        Returns
        -------
        y_pred : ndarray, pandas Series or DataFrame
            The (weighted) mean or median of the members' predictions, of
            the members' type.
        """
        return self._combine([_forecaster(m).predict(X, **predict_params) for m in self._fitted()])

    def forecast(self, steps, level=None, X_df=None):
        """The combined forecasts of ``steps`` values past the training series.

        Takes its arguments in :meth:`WindowForecaster.forecast`'s order.

        Parameters
        ----------
        steps : int
            How many values to forecast.
        level : int, float or list of them, default=None
            Prediction intervals' coverages in percent, as
            :meth:`WindowForecaster.forecast` takes them (every member must
            have been fit for them: ``interval_horizon``).  Each bound is
            combined across the members as the point forecasts are: the
            mean (or median) of the members' quantiles (Vincentization: a
            combined interval as wide as its members' mean width, where
            averaging their distributions would widen it; Lichtendahl,
            Grushka-Cockayne & Winkler, 2013).
        X_df : pandas DataFrame, default=None
            The future values of covariates known in advance, passed to
            every member (see :meth:`WindowForecaster.forecast`); members fit
            without covariates are given none.

        Returns
        -------
        forecast : ndarray, pandas Series or DataFrame
            The combined forecasts (with the following timestamps when the
            training series had a regular time index; on a panel, a long
            frame with an ``EnsembleForecaster`` column, and with ``level``
            its ``EnsembleForecaster-lo-80`` and ``-hi-80`` columns).
        """
        if isinstance(level, pd.DataFrame):
            raise ValueError("forecast(steps, level=None, X_df=None): pass the future covariates as X_df=..., not as"
                             " the second argument (level).")  # fmt: skip
        forecasts = []
        for (name, _), member in zip(self.forecasters, map(_forecaster, self._fitted())):
            given = {} if level is None else {"level": level}
            if X_df is not None and getattr(member, "covariates_", None):
                given["X_df"] = X_df
            try:
                forecasts.append(member.forecast(steps, **given))
            except ValueError as error:
                if level is None:
                    raise
                raise ValueError(f"EnsembleForecaster's member {name!r}: {error}") from error
        return self._combine(forecasts)

    def predict_in_sample(self, X):
        """The combined in-sample one-step predictions.

        Parameters
        ----------
        X : array-like, pandas Series or DataFrame, or a panel
            The series; each row is predicted from the rows of ``X`` before it
            (of its own series, on a panel: a long DataFrame with
            ``unique_id``, ``ds`` and ``y``).

        Returns
        -------
        y_pred : ndarray, pandas Series or DataFrame
            NaN where any member has no full window; on a panel, a DataFrame
            of ``unique_id``, ``ds`` and the predictions (column
            ``EnsembleForecaster``).
        """
        return self._combine([_forecaster(m).predict_in_sample(X) for m in self._fitted()])

    def score(self, X, y=None, sample_weight=None):
        """R² of the one-step predictions.

        Parameters
        ----------
        X : array-like, pandas Series or DataFrame, or a panel
            Rows to predict.
        y : array-like, default=None
            True values; None scores ``X`` itself (on a panel: the forecasts
            of its rows).
        sample_weight : array-like, default=None
            Per-row weights.

        Returns
        -------
        score : float
            ``r2_score`` of the combined predictions.
        """
        if is_panel(X):
            return r2_score(X[TARGET].to_numpy(dtype=float), self.predict(X))
        return r2_score(target_values(self, X, y), self.predict(X), sample_weight=sample_weight)

    @property
    def forecasts_itself_(self):
        """Whether the members model the series itself (``fit(X)``)."""
        return all(_forecaster(m).forecasts_itself_ for m in self._fitted())

    @property
    def target_is_1d_(self):
        """Whether the members' target is one column (as a forecaster's)."""
        return _forecaster(self._fitted()[0]).target_is_1d_

    @property
    def panel_(self):
        """Whether the members were fit on a panel."""
        return getattr(_forecaster(self._fitted()[0]), "panel_", False)

    @property
    def panel_ids_(self):
        """On a panel: its series, as the members saw them (for ``neg_mase``)."""
        return _forecaster(self._fitted()[0]).panel_ids_

    @property
    def naive_mae_(self):
        """On a panel: each series' seasonal naive MAE (for ``neg_mase``)."""
        return _forecaster(self._fitted()[0]).naive_mae_

    @property
    def mase_scale_(self):
        """Each series' MASE scale at its frequency's season, on a panel or one series (for ``neg_mase`` and ``neg_msis``)."""
        return getattr(_forecaster(self._fitted()[0]), "mase_scale_", None)

    @property
    def interval_scale_(self):
        """On one series: the scale of its intervals (``neg_msis``'s where ``mase_scale_`` is 0 or missing)."""
        return _forecaster(self._fitted()[0]).interval_scale_

    # ------------------------------------------------------------- helpers

    def _fitted(self):
        check_is_fitted(self, "forecasters_")
        return self.forecasters_

    def _checked_members(self):
        members = self.forecasters
        if not members or not all(isinstance(m, tuple) and len(m) == 2 and isinstance(m[0], str) for m in members):
            raise ValueError(
                "forecasters must be a non-empty list of (name, forecaster) tuples;"
                f" got {members!r}."
            )
        self._validate_names([name for name, _ in members])
        for name, member in members:
            if not hasattr(member, "fit") or not hasattr(member, "predict"):
                raise TypeError(f"forecaster {name!r} is a {type(member).__name__}, which has no fit and predict.")
        return members

    def _checked_weights(self, n_members):
        if self.weights is None:
            return None
        weights = np.asarray(self.weights, dtype=float)
        if weights.shape != (n_members,):
            raise ValueError(f"weights must hold one number per forecaster ({n_members}); got {self.weights!r}.")
        if (weights < 0).any() or not np.isfinite(weights).all() or weights.sum() <= 0:
            raise ValueError(f"weights must be finite, non-negative and not all zero; got {self.weights!r}.")
        return weights / weights.sum()

    def _combine(self, predictions):
        first = predictions[0]
        if isinstance(first, pd.DataFrame) and {ID, TIME} <= set(first.columns):  # a panel's forecasts
            values = [[column for column in p.columns if column not in (ID, TIME)] for p in predictions]
            point, own = values[0][0], type(self).__name__  # the point forecasts' column, then the bounds'
            combined = {own + column[len(point) :] if column.startswith(point) else column:
                        self._combine([p[c].to_numpy(dtype=float) for p, c in zip(predictions, columns)])
                        for column, *columns in zip(values[0], *values)}  # fmt: skip
            return first[[ID, TIME]].assign(**combined)
        arrays = [np.asarray(p, dtype=float) for p in predictions]
        odd = next((i for i, a in enumerate(arrays) if a.shape != arrays[0].shape), None)
        if odd is not None:
            raise ValueError(
                f"The members' predictions differ in shape: {arrays[0].shape} from member 0, {arrays[odd].shape}"
                f" from member {odd}. The members must model the same series: a member fit without"
                " known_covariates takes their columns as series of its own (give every member the same"
                " known_covariates)."
            )
        stacked = np.stack(arrays)
        if self.aggfunc == "median":
            combined = np.median(stacked, axis=0)
        else:
            weights = self._checked_weights(len(predictions))
            combined = stacked.mean(axis=0) if weights is None else np.tensordot(weights, stacked, axes=1)
        if isinstance(first, pd.Series):
            return pd.Series(combined, index=first.index, name=first.name)
        if isinstance(first, pd.DataFrame):
            return pd.DataFrame(combined, index=first.index, columns=[self._own_name(c) for c in first.columns])
        return combined

    def _own_name(self, column):
        """A member's column as the ensemble's: ``WindowForecaster-lo-80``
        becomes ``EnsembleForecaster-lo-80`` (the name scorers look for)."""
        member = type(_forecaster(self._fitted()[0])).__name__
        if isinstance(column, str) and (column == member or column.startswith(member + "-")):
            return type(self).__name__ + column[len(member) :]
        return column


def _fit(member, X, y):
    return member.fit(X) if y is None else member.fit(X, y)


def _forecaster(member):
    """The fitted forecaster a member predicts with (a search's best one)."""
    return getattr(member, "best_estimator_", member)
