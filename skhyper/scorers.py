"""Scorers that read MAE and accuracy the way the seeds quote them.

Each is a ``scorer(estimator, X, y=None)`` for ``scoring=`` in any sklearn
search, greater-is-better like sklearn's.  With a :class:`WindowForecaster`
fitted on ``X`` alone, ``y=None`` scores the forecasts of ``X`` itself.
"""

import numpy as np
from sklearn.metrics import mean_absolute_error

__all__ = ["neg_mean_absolute_error"]


def _true_and_predicted(estimator, X, y):
    y_pred = estimator.predict(X)
    if y is None:
        from .estimators.forecaster import _target_values

        y_true = _target_values(estimator, X, None)
    else:
        y_true = np.asarray(y)
    return y_true, y_pred


def neg_mean_absolute_error(estimator, X, y=None):
    """Minus the mean absolute error of ``estimator.predict(X)``."""
    return -mean_absolute_error(*_true_and_predicted(estimator, X, y))
