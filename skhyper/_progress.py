"""Finished fits, counted for the command line's progress bar.

The estimators report each finished fit here; nobody listens unless a caller
(the ``skhyper`` command) installs an observer for the duration of a search.
Observers nest: an inner one does not silence an outer one.  Searches in
worker processes (``n_jobs > 1``) are not seen.
"""

import contextvars
from contextlib import contextmanager

_observers = contextvars.ContextVar("skhyper_fit_observers", default=())


def fit_finished():
    for observer in _observers.get():
        observer()


@contextmanager
def observing(callback):
    """Call ``callback()`` after every fit that finishes in this context."""
    token = _observers.set((*_observers.get(), callback))
    try:
        yield
    finally:
        _observers.reset(token)
