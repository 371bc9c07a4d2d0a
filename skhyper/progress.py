"""A progress bar for searches and fits: ``with progress_bar(): search.fit(X, y)``."""

import threading
from contextlib import contextmanager

from tqdm import tqdm

from . import _fit_tracking, _progress

__all__ = ["progress_bar"]

_KNOWN_TOTAL = (
    "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} fits"
    " [{elapsed} elapsed, {remaining} left]"
)
_UNKNOWN_TOTAL = "{n_fmt} fits [{elapsed} elapsed]"


@contextmanager
def progress_bar(**tqdm_kwargs):
    """Show the fits finished in this block on a tqdm bar, with the time left.

    Counts every fit of scikit-learn's searches (``GridSearchCV``,
    ``RandomizedSearchCV``, the halving searches, any ``n_jobs``, joblib's
    Dask backend), of ``cross_validate`` and ``cross_val_predict``, and of
    skhyper's estimators fitted directly in the block.

    Parameters
    ----------
    **tqdm_kwargs
        Passed to ``tqdm.tqdm``: ``desc``, ``file`` (default ``sys.stderr``),
        ``disable``, ``leave``, ``ncols``, ... ``total`` fixes the total;
        without it the total is what the work plans: candidates x folds + 1
        for the refit of a grid or random search, summed over the searches
        run in the block, and unknown (a count without a bar) once a search
        cannot tell in advance, such as a halving search.

    Yields
    ------
    bar : tqdm.tqdm
        The bar; ``bar.n`` is the number of fits finished so far (also with
        ``disable=True``) and ``bar.total`` the planned number (None when
        unknown).

    Notes
    -----
    A fit is counted when it finishes.  A search's candidate on one fold is
    counted in this process as joblib receives it, wherever it ran: this
    process, loky worker processes, threads, a Dask cluster.  The refit
    counts as one fit however much it fits inside, and the fits inside a
    counted fit (a nested search, say) are not counted again.  joblib runs
    of other tasks (an estimator's own ``n_jobs``, your own ``Parallel`` of
    fits) are not counted, except that an skhyper estimator fitted in this
    process reports itself.

    A bar counts the work of the thread that opened it: bars in different
    threads each count their own thread's searches.  Nested bars both count
    what runs in the inner one.  joblib's ``Parallel`` and
    ``BaseSearchCV.fit`` are patched while any bar is open, and restored
    when the last one closes, also after an exception.

    Examples
    --------
    >>> from sklearn.linear_model import RidgeClassifier
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skhyper.datasets import load_digits
    >>> from skhyper.progress import progress_bar
    >>> X, y = load_digits(return_X_y=True)
    >>> search = GridSearchCV(RidgeClassifier(), {"alpha": [0.1, 1.0]}, cv=3)
    >>> with progress_bar(disable=True) as bar:
    ...     _ = search.fit(X, y)
    >>> bar.total
    7
    """
    bar = _FitsBar(**tqdm_kwargs)
    try:
        with (
            _fit_tracking.tracking(),
            _progress.observing(bar.fit_finished, bar.fits_planned),
        ):
            yield bar
    finally:
        bar.close()


class _FitsBar(tqdm):
    """A tqdm bar of fits: updated from any thread, its total grown by plans."""

    def __init__(self, **kwargs):
        self._fixed_total = kwargs.get("total") is not None
        self._own_format = kwargs.get("bar_format") is None
        self._planned, self._unknown = 0, False
        self._count_lock = threading.Lock()  # tqdm's own _lock guards its display
        kwargs.setdefault("unit", "fit")
        super().__init__(**kwargs)

    @property
    def format_dict(self):
        values = super().format_dict
        if self._own_format:
            unknown = ("{desc}: " if self.desc else "") + _UNKNOWN_TOTAL
            values["bar_format"] = _KNOWN_TOTAL if values["total"] else unknown
        return values

    def fit_finished(self):
        with self._count_lock:
            if self.disable:  # tqdm stops counting when it stops showing
                self.n += 1
            else:
                self.update(1)

    def fits_planned(self, count):
        with self._count_lock:
            if self._fixed_total:
                return
            if count is None:
                self._unknown = True
            else:
                self._planned += count
            self.total = None if self._unknown else self._planned
            self.refresh()
