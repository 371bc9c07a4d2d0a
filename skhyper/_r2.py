"""sklearn's ``r2_score`` of a regressor's validation rows, from the sums of
squared errors the training loops compute (pure NumPy)."""

import numpy as np

__all__ = ["r2_from_errors"]


def r2_from_errors(squared_errors, y):
    """sklearn's ``r2_score`` of a regressor's validation rows (unweighted,
    the uniform average over outputs, 1 or 0 for a constant output) from
    the per-output sums of squared errors."""
    y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    total = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    errors = np.asarray(squared_errors, dtype=np.float64).reshape(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(total > 0, 1.0 - errors / total, np.where(errors == 0, 1.0, 0.0))
    return float(scores.mean())
