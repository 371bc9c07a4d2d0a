"""Data that ships with skhyper or is generated: nothing is downloaded.

- :func:`book_series` — the synthetic daily series of seed 000's book
  (trend + seasonality + Gaussian noise), with its noise-free signal;
  :data:`BOOK_FORECASTER`, the book's network as ``WindowForecaster``
  parameters.
- :func:`load_digits` — sklearn's bundled 8x8 digits, scaled to [0, 1]: the
  stand-in for MNIST in the examples and tests.
"""

import numpy as np
from sklearn.utils import Bunch

__all__ = ["BOOK_FORECASTER", "book_series", "load_digits"]

#: The book's DNN (seed 000) as ``WindowForecaster`` parameters: Dense
#: 10-10-1 on 20 raw values (no scaling, no level-relative windows, no linear
#: path), SGD with momentum 0.9, batch 32, 100 epochs with no early stopping.
#: ``WindowForecaster(**BOOK_FORECASTER, learning_rate=1e-6)`` is the book's
#: first model; its learning rate is what seed 000 tunes.
BOOK_FORECASTER = dict(
    window_size=20, hidden_layer_sizes=(10, 10), optimizer="sgd", momentum=0.9, batch_size=32, epochs=100,
    scale=False, relative_to=None, linear_path=False, early_stopping=False, validation_split=0.0,
)  # fmt: skip


def book_series(
    *,
    n_days=4 * 365 + 1,
    baseline=10.0,
    amplitude=40.0,
    slope=0.05,
    noise_level=5.0,
    period=365,
    seed=42,
    split=1000,
):
    """The book's synthetic series: ``baseline + slope * t + seasonality + noise``.

    The seasonal pattern repeats every ``period`` days: ``cos(2 pi s)`` for the
    first 40% of the period, ``exp(-3 s)`` after it (``s`` the fraction of
    the period), times ``amplitude``.  The noise is
    ``RandomState(seed).randn * noise_level``.

    Parameters
    ----------
    n_days : int, default=4 * 365 + 1
        Length of the series.
    baseline, amplitude, slope : float, default=10.0, 40.0, 0.05
        Level at day 0, size of the seasonal pattern, trend per day.
    noise_level : float, default=5.0
        Standard deviation of the Gaussian noise.
    period : int, default=365
        Days per season.
    seed : int, default=42
        Seed of the noise.
    split : int, default=1000
        Where training ends and validation starts.

    Returns
    -------
    data : sklearn.utils.Bunch
        ``time`` (ndarray of int, the day numbers), ``series`` (the observed
        series), ``signal`` (the series without noise: a forecaster's floor,
        whose one-step MAE is about ``noise_level * sqrt(2 / pi)``),
        ``split`` (int), and ``train`` and ``valid``, the series before and
        after ``split``.

    Examples
    --------
    >>> from skhyper.datasets import book_series
    >>> data = book_series()
    >>> len(data.train), len(data.valid)
    (1000, 461)
    """
    time = np.arange(n_days)
    season = (time % period) / period
    pattern = np.where(season < 0.4, np.cos(season * 2 * np.pi), np.exp(-3 * season))
    signal = baseline + slope * time + amplitude * pattern
    series = signal + np.random.RandomState(seed).randn(n_days) * noise_level
    return Bunch(
        time=time,
        series=series,
        signal=signal,
        split=split,
        train=series[:split],
        valid=series[split:],
    )


def load_digits(*, return_X_y=False):
    """sklearn's 1797 8x8 digit images, pixels scaled to [0, 1], 10 classes.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(X, y)`` instead of a Bunch.

    Returns
    -------
    data : sklearn.utils.Bunch or tuple of ndarray
        ``data`` (1797 x 64 pixels in [0, 1]), ``target``, ``images``
        (1797 x 8 x 8) and ``target_names``; or ``(X, y)``.

    Examples
    --------
    >>> from skhyper.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> X.shape, float(X.max())
    ((1797, 64), 1.0)
    """
    from sklearn.datasets import load_digits as sklearn_digits

    data = sklearn_digits()
    X = data.data / 16.0
    if return_X_y:
        return X, data.target
    return Bunch(data=X, target=data.target, images=data.images / 16.0, target_names=data.target_names)
