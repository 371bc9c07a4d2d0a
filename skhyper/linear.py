"""The ridge regression a network's linear path starts from.

A forecaster's linear path (``WindowForecaster(linear_path=True)``) starts at
the ridge fit of its training rows, with the penalty chosen over a grid by a
Bayesian information criterion on the fit's effective number of parameters
``df`` (the trace of its hat matrix, intercept included; Hastie, Tibshirani &
Friedman, *The Elements of Statistical Learning*, 7.6-7.7)::

    n log(RSS) - log(n) n log(1 - df / n)

which is generalized cross-validation's ``n log(RSS) - 2 n log(1 - df / n)``
with BIC's ``log(n)`` per parameter in place of the 2 of leave-one-out error
and AIC: for ``df`` small against ``n`` it is BIC, ``n log(RSS) + log(n)
df``, and unlike BIC it grows without bound as ``df`` nears ``n`` (a short
series whose windows hold almost as many lags as there are windows).  Fits
of more than ``n / 2`` effective parameters are not tried: near ``df = n``
the fit interpolates, ``RSS`` goes to 0 and its logarithm outweighs any
penalty (on 7 windows of 20 lags, the criterion chose an almost unpenalized
fit that forecast 2.4 times worse than naive).  The grid
ends with an infinite penalty, the intercept alone: on windows relative to
their last value, the naive forecast plus the mean step.  On a series with
little to learn, such as a random walk's steps, the criterion keeps the start
at or near the naive forecast where leave-one-out error fits the noise of a
few hundred windows; on a series a linear autoregression describes, it is
that autoregression.

Given nested sets of columns (a forecaster's lags: the latest row, the two
latest, ... with and without the rows a season before), the same criterion
also chooses the order: each set gets its own penalty, and the smallest
set whose criterion is within ``EVIDENCE`` (2) of the lowest wins, as an
autoregression's order is chosen by an information criterion (Box, Jenkins
& Reinsel; ``forecast::auto.arima``), the simpler model where the evidence
for a larger one is weak (on 21 windows of a Danish money series, orders 3
to 14 were within 1.5 of each other, and the lowest, 11 lags, forecast 2.2
times worse than naive).  A penalty alone shrinks every lag alike, so on a
short series it keeps a little of each of twenty lags where a few would do.
"""

import numpy as np

__all__ = ["ALPHAS_PER_ROW", "EVIDENCE", "ridge_bic"]

#: The finite penalties tried, per training row (the features are
#: standardized, so ``X.T @ X / n`` is of order 1 and these span "almost none"
#: to "almost all"); an infinite penalty is tried after them.
ALPHAS_PER_ROW = np.logspace(-5, 2, 15)

#: How much lower a larger set's criterion must be to be chosen over a smaller
#: one: a difference of 2 in BIC is "not worth more than a bare mention"
#: (Kass & Raftery, 1995), and the lowest of many nearly equal criteria is
#: as often luck as signal.
EVIDENCE = 2.0


def ridge_bic(X, y, sample_weight=None, min_alpha=0.0, subsets=None):
    """The ridge regression of ``y`` on ``X`` whose penalty has the lowest criterion.

    The kernel, intercept and penalty of the ridge regression (intercept
    not penalized, float64) whose penalty, at least ``min_alpha``, has the
    lowest criterion of the module's docstring (``RSS``: the weighted
    residual sum of squares, over every column of ``y``); with
    ``subsets``, of the regression on the columns of one of them (the
    others' coefficients 0): the first whose criterion is within
    ``EVIDENCE`` of the lowest.

    Parameters
    ----------
    X : array-like of shape (n, p)
        The training rows (standardized: the penalties of
        ``ALPHAS_PER_ROW`` are for features of order 1).
    y : array-like of shape (n, k)
        Their targets, one column per output.
    sample_weight : array-like of shape (n,), default=None
        Weights of the rows; None weighs them equally.
    min_alpha : float, default=0.0
        The smallest penalty allowed (the network's own L2).
    subsets : sequence of ndarray of bool, default=None
        The sets of columns to choose from, each of shape (p,) (None: all
        the columns), smaller ones first: the first whose criterion is
        within ``EVIDENCE`` of the lowest wins.

    Returns
    -------
    kernel : ndarray of shape (p, k)
        The coefficients (0 for the columns outside the chosen subset).
    intercept : ndarray of shape (k,)
        The intercepts.
    alpha : float
        The chosen penalty; ``inf`` is the intercept alone, kernel zero.
    subset : int
        Only with ``subsets``: the index of the chosen one.

    Examples
    --------
    >>> import numpy as np
    >>> from skhyper.linear import ridge_bic
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = X @ [[2.0], [0.0], [-1.0]] + 0.1 * rng.normal(size=(200, 1))
    >>> kernel, intercept, alpha = ridge_bic(X, y)
    >>> kernel.ravel().round(1)
    array([ 2., -0., -1.])
    >>> subsets = [np.array([True, False, False]), np.array([True, False, True]), np.ones(3, bool)]
    >>> ridge_bic(X, y, subsets=subsets)[3]
    1
    """
    n = len(X)
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    w = w / w.sum()
    moments = _Moments(X, y, w)
    if subsets is None:
        _, kernel, intercept, alpha = _best_penalty(moments, np.ones(X.shape[1], dtype=bool), min_alpha)
        return kernel, intercept, alpha
    fits = [_best_penalty(moments, np.asarray(columns, dtype=bool), min_alpha) for columns in subsets]
    lowest = min(fit[0] for fit in fits)
    # The first (smallest) set within EVIDENCE of the lowest criterion.
    number = next(number for number, fit in enumerate(fits) if fit[0] <= lowest + EVIDENCE)
    _, kernel, intercept, alpha = fits[number]
    full = np.zeros((X.shape[1], moments.xty.shape[1]))
    full[np.asarray(subsets[number], dtype=bool)] = kernel
    return full, intercept, alpha, number


#: Rows whose float64 copies are made at once while the moments are summed.
CHUNK = 65_536


class _Moments:
    """The weighted, centred second moments of ``X`` and ``y`` (weights
    ``w`` summing to 1), summed a chunk of rows at a time: every ridge fit
    and criterion of :func:`ridge_bic` follows from them, so its memory is
    ``p x p`` however many rows there are (a panel's million windows)."""

    def __init__(self, X, y, w):
        y = np.asarray(y, dtype=np.float64)
        self.n = len(X)
        self.x_mean = np.zeros(X.shape[1])
        for rows in _chunks(self.n):
            self.x_mean += w[rows] @ np.asarray(X[rows], dtype=np.float64)
        self.y_mean = w @ y
        self.gram = np.zeros((X.shape[1], X.shape[1]))
        self.xty = np.zeros((X.shape[1], y.shape[1]))
        for rows in _chunks(self.n):
            centred = np.asarray(X[rows], dtype=np.float64) - self.x_mean
            weighted = centred * w[rows, None]
            self.gram += centred.T @ weighted
            self.xty += weighted.T @ (y[rows] - self.y_mean)
        self.yty = float(w @ ((y - self.y_mean) ** 2).sum(axis=1))


def _chunks(n):
    return [slice(start, start + CHUNK) for start in range(0, n, CHUNK)]


def _best_penalty(moments, columns, min_alpha):
    """``(criterion, kernel, intercept, alpha)`` of the penalty with the
    lowest criterion on ``columns`` of the rows' moments.

    With the centred weighted Gram matrix's eigenvalues ``e`` (the squared
    singular values of the weighted rows) and ``c = V.T X'y``, a penalty
    ``lam`` (per unit weight) shrinks each direction by ``e / (e + lam)``
    and leaves ``RSS = y'y - sum c**2 (2 - shrink) / (e + lam)``."""
    n = moments.n
    eigenvalues, V = np.linalg.eigh(moments.gram[np.ix_(columns, columns)])
    eigenvalues = np.maximum(eigenvalues, 0.0)  # (round-off below 0)
    c = V.T @ moments.xty[columns]
    alphas = ALPHAS_PER_ROW * n
    alphas = np.unique(np.concatenate([alphas[alphas >= min_alpha], [min_alpha] if min_alpha > 0 else []]))
    best = None
    for alpha in [*alphas, np.inf]:
        # The weights sum to 1, so a penalty of alpha on n rows is alpha / n here.
        lam = alpha / n
        if np.isfinite(alpha):
            shrink = eigenvalues / (eigenvalues + lam)
            explained = float(((c**2).sum(axis=1) * (2 - shrink) / (eigenvalues + lam)).sum())
        else:
            shrink, explained = np.zeros_like(eigenvalues), 0.0
        df = float(shrink.sum()) + 1.0  # the intercept's too
        if df > n / 2 and np.isfinite(alpha):
            continue  # fewer than two rows per parameter: see the module's docstring
        rss = max(moments.yty - explained, moments.yty * 1e-12, np.finfo(float).tiny)
        criterion = n * np.log(rss) - np.log(n) * n * np.log(max(1.0 - df / n, 1e-12))
        if best is None or criterion <= best[0]:  # a tie (columns that are all 0): the larger penalty
            best = (criterion, alpha)
    criterion, alpha = best
    kernel = V @ (c / (eigenvalues + alpha / n)[:, None]) if np.isfinite(alpha) else np.zeros_like(c)
    return criterion, kernel, moments.y_mean - moments.x_mean[columns] @ kernel, float(alpha)
