"""The ridge regression a network's linear path starts from.

A forecaster's linear path (``WindowForecaster(linear_path=True)``) starts at
the ridge fit of its training rows, with the penalty chosen by efficient
leave-one-out cross-validation over a grid (as sklearn's ``RidgeCV`` does by
default): on a series with little to learn, such as a random walk's steps,
the penalty grows and the start is close to the naive forecast; on a series a
linear autoregression describes, it is that autoregression.
"""

import numpy as np

__all__ = ["ALPHAS_PER_ROW", "ridge_loo"]

#: The penalties tried, per training row (the features are standardized, so
#: ``X.T @ X / n`` is of order 1 and these span "almost none" to "almost all").
ALPHAS_PER_ROW = np.logspace(-5, 2, 15)


def ridge_loo(X, y, sample_weight=None, min_alpha=0.0):
    """The kernel, intercept and penalty of the ridge regression of ``y`` on
    ``X`` (intercept not penalized, float64) whose penalty, at least
    ``min_alpha``, has the lowest leave-one-out squared error.

    Parameters
    ----------
    X : array of shape (n, p)
    y : array of shape (n, k)
    sample_weight : array of shape (n,) or None
    min_alpha : float, the smallest penalty allowed (the network's own L2).

    Returns
    -------
    kernel : array of shape (p, k); intercept : array of shape (k,); alpha : float
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = len(X)
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    w = w / w.sum()
    x_mean, y_mean = w @ X, w @ y
    root = np.sqrt(w)[:, None]
    Xw, yw = (X - x_mean) * root, (y - y_mean) * root
    U, s, Vt = np.linalg.svd(Xw, full_matrices=False)
    Uty = U.T @ yw
    alphas = ALPHAS_PER_ROW * n
    alphas = np.unique(np.concatenate([alphas[alphas >= min_alpha], [min_alpha] if min_alpha > 0 else []]))
    best = None
    for alpha in alphas:
        # The weights sum to 1, so a penalty of alpha on n rows is alpha / n here.
        shrink = s**2 / (s**2 + alpha / n)
        residual = yw - U @ (shrink[:, None] * Uty)
        leverage = (U**2) @ shrink + w  # the intercept's leverage is w_i
        loo = residual / np.clip(1.0 - leverage, 1e-12, None)[:, None]
        error = float((loo**2).sum())
        if best is None or error < best[0]:
            best = (error, alpha)
    alpha = best[1]
    kernel = Vt.T @ ((s / (s**2 + alpha / n))[:, None] * Uty)
    return kernel, y_mean - x_mean @ kernel, float(alpha)
