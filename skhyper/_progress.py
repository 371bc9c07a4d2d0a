"""Finished fits, counted for the command line's progress bar.

The estimators report each finished fit here; nobody listens unless a caller
(the ``skhyper`` command) installs an observer for the duration of a search.
Searches in worker processes (``n_jobs > 1``) are not seen.
"""

import contextvars
from contextlib import contextmanager

_observer = contextvars.ContextVar("skhyper_fit_observer", default=None)


def fit_finished():
    observer = _observer.get()
    if observer is not None:
        observer()


@contextmanager
def observing(callback):
    """Call ``callback()`` after every fit that finishes in this context."""
    token = _observer.set(callback)
    try:
        yield
    finally:
        _observer.reset(token)
