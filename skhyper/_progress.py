"""Finished fits and planned fits, told to whoever observes them.

The estimators report each fit they finish here (``fit_finished``); nobody
listens unless a caller installs an observer for the duration of some work
(``observing``): the progress bar (``skhyper.progress``), the ``skhyper``
command, a test.  Observers nest: an inner one does not silence an outer one.

A block run ``quiet()`` reports nothing: its fits are someone else's to
report.  ``skhyper._fit_tracking`` does that for the fits scikit-learn runs
through joblib — it reports each finished task once, from whichever process
ran it — and an observer installed inside a quiet block starts afresh: it
hears the fits made there, and the outer observers do not.
"""

import contextvars
from contextlib import contextmanager
from typing import NamedTuple


class _Scope(NamedTuple):
    observers: tuple = ()  # (finished, planned) pairs, outermost first
    quiet: bool = False


_NOBODY = _Scope()
_scope = contextvars.ContextVar("skhyper_fit_observers", default=_NOBODY)


def current():
    """The observers and quietness of this context, as an opaque token."""
    return _scope.get()


def listeners():
    """The ``(finished, planned)`` observer pairs a report here would reach."""
    scope = _scope.get()
    return () if scope.quiet else scope.observers


def fit_finished():
    """Tell the observers that one fit has finished."""
    for finished, _ in listeners():
        finished()


def fits_planned(count):
    """Tell the observers that ``count`` more fits are coming (None: unknown)."""
    for _, planned in listeners():
        if planned is not None:
            planned(count)


@contextmanager
def observing(finished, planned=None):
    """Call ``finished()`` after every fit that finishes in this context, and
    ``planned(count)`` when some work announces how many fits it will make."""
    scope = _scope.get()
    outer = () if scope.quiet else scope.observers
    token = _scope.set(_Scope((*outer, (finished, planned))))
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def quiet():
    """Report nothing from this block; yields the block's scope token."""
    token = _scope.set(_Scope(_scope.get().observers, quiet=True))
    try:
        yield _scope.get()
    finally:
        _scope.reset(token)


@contextmanager
def one_fit():
    """Report the block as one fit, once it succeeds, whatever it fits inside."""
    with quiet():
        yield
    fit_finished()
