"""Report the fits scikit-learn runs through joblib, in whichever process they run.

A fit in a worker process (``n_jobs > 1``, Dask) cannot tell this process's
observers (``skhyper._progress``) that it has finished.  While ``tracking()``
is open, three hooks report for it, all in this process:

``joblib.Parallel.__call__``
    A run of scikit-learn's one-fit tasks (``_compat.ONE_FIT_TASKS``: a
    search's candidate on a fold, ``cross_validate``, ``cross_val_predict``)
    started where observers listen is bound to those observers and runs
    quiet, so that a fit reporting itself inside it (n_jobs=1) is not counted
    twice.  Runs of other tasks (an estimator's own trees, say) are left as
    they are.
``joblib.Parallel.print_progress``
    joblib calls it in this process after every finished task, whatever the
    backend (sequential, loky, threading, Dask); it reports a bound run's
    newly finished tasks, one fit each.
``BaseSearchCV.fit``
    Plans a ``GridSearchCV``'s or ``RandomizedSearchCV``'s fits in advance
    (candidates x folds, + 1 for the refit; unknown for searches that decide
    as they go, such as the halving ones), runs the search quiet except for
    its own runs of fits, and reports the refit once it is done.  A search
    fitted inside another's fit (nested) is part of that fit.

The hooks are in place while at least one ``tracking()`` is open, in any
thread, and joblib and scikit-learn get their own methods back when the last
one closes, also after an exception.  Where nobody observes (another thread,
a worker), joblib and the searches run as without the hooks.  A run with
``return_as="generator"`` and n_jobs=1 runs its fits after the hook has left
its quiet block: an skhyper estimator's own report then counts a second time.
"""

import contextvars
import functools
import inspect
import itertools
import threading
import weakref
from contextlib import contextmanager
from numbers import Integral

from joblib import Parallel
from sklearn.model_selection import (
    GridSearchCV,
    ParameterGrid,
    ParameterSampler,
    RandomizedSearchCV,
    check_cv,
)

from . import _progress
from ._compat import ONE_FIT_TASKS, BaseSearchCV

_install_lock = threading.Lock()
_open_count = 0
_originals = {}

# Bound runs -> their observers and the tasks already reported.  joblib calls
# print_progress from its callback threads, which do not share the context of
# the thread that started the run: the binding carries the observers over.
_runs = weakref.WeakKeyDictionary()
_runs_lock = threading.Lock()

_current_search = contextvars.ContextVar("skhyper_search_fit", default=None)


@contextmanager
def tracking():
    """Report sklearn's fits through joblib to ``_progress``'s observers."""
    _install()
    try:
        yield
    finally:
        _uninstall()


def _install():
    global _open_count
    with _install_lock:
        if _open_count == 0:
            _originals.update(
                call=Parallel.__call__,
                print_progress=Parallel.print_progress,
                search_fit=BaseSearchCV.fit,
            )
            Parallel.__call__ = _counting_call(_originals["call"])
            Parallel.print_progress = _reporting_progress(_originals["print_progress"])
            BaseSearchCV.fit = _planned_search_fit(_originals["search_fit"])
        _open_count += 1


def _uninstall():
    global _open_count
    with _install_lock:
        _open_count -= 1
        if _open_count == 0:
            Parallel.__call__ = _originals["call"]
            Parallel.print_progress = _originals["print_progress"]
            BaseSearchCV.fit = _originals["search_fit"]
            _originals.clear()


class _Run:
    """A bound run: whom to tell, and how many of its tasks they know of."""

    def __init__(self, listeners):
        self.listeners, self.reported = listeners, 0


class _SearchFit:
    """A search's fit in progress: its observers, its quiet scope, its own run."""

    def __init__(self, listeners, scope):
        self.listeners, self.scope, self.parallel = listeners, scope, None


def _counting_call(call):
    @functools.wraps(call)
    def __call__(self, iterable):
        search = _current_search.get()
        if search is not None and search.scope is _progress.current():
            iterable, fits = _peek(iterable)
            counted = fits and search.parallel in (None, self)
            if counted:
                search.parallel = self  # halving searches reuse it, round after round
            listeners = search.listeners
        else:
            listeners = _progress.listeners()
            if not listeners:
                return call(self, iterable)
            iterable, counted = _peek(iterable)
            if not counted:
                return call(self, iterable)
        if counted:
            with _runs_lock:
                _runs[self] = _Run(listeners)
        # Quiet: the fits inside are reported as joblib's tasks, or (a search's
        # refit) by the search.
        with _progress.quiet():
            return call(self, iterable)

    return __call__


def _reporting_progress(print_progress):
    @functools.wraps(print_progress)
    def report_progress(self):
        print_progress(self)
        with _runs_lock:
            run = _runs.get(self)
            if run is None:
                return
            new = max(self.n_completed_tasks - run.reported, 0)
            run.reported += new
        for _ in range(new):
            for finished, _planned in run.listeners:
                finished()

    return report_progress


def _planned_search_fit(fit):
    @functools.wraps(fit)
    def planned_fit(self, X, y=None, **params):
        listeners = _progress.listeners()
        if not listeners:
            return fit(self, X, y, **params)
        _progress.fits_planned(_planned_fits(self, X, y, params.get("groups")))
        with _progress.quiet() as scope:
            token = _current_search.set(_SearchFit(listeners, scope))
            try:
                fitted = fit(self, X, y, **params)
            finally:
                _current_search.reset(token)
        if self.refit:
            _progress.fit_finished()
        return fitted

    return planned_fit


def _peek(tasks):
    """The same tasks, and whether they are sklearn's one-fit tasks (by the first)."""
    if isinstance(tasks, (list, tuple)):
        return tasks, bool(tasks) and _fits_one(tasks[0])
    tasks = iter(tasks)
    first = next(tasks, None)
    if first is None:
        return (), False
    return itertools.chain([first], tasks), _fits_one(first)


def _fits_one(task):
    try:
        function = inspect.unwrap(task[0])  # sklearn's delayed wraps the function
    except (TypeError, IndexError, KeyError, ValueError):
        return False
    return any(function is one_fit for one_fit in ONE_FIT_TASKS)


def _planned_fits(search, X, y, groups):
    """Candidates x folds + the refit, for the searches that know in advance."""
    from .model_selection import _Fused  # skhyper's searches run sklearn's own search

    run_search = type(search)._run_search
    fused = isinstance(search, _Fused)
    try:
        if run_search is GridSearchCV._run_search or (fused and isinstance(search, GridSearchCV)):
            candidates = len(ParameterGrid(search.param_grid))
        elif run_search is RandomizedSearchCV._run_search or (fused and isinstance(search, RandomizedSearchCV)):
            sampler = ParameterSampler(
                search.param_distributions,
                search.n_iter,
                random_state=search.random_state,
            )
            candidates = len(sampler)
        else:
            return None
        splits = _n_splits(search.cv, X, y, groups)
    except (TypeError, ValueError):  # the search's own checks will say what is wrong
        return None
    if splits is None:
        return None
    return candidates * splits + bool(search.refit)


def _n_splits(cv, X, y, groups):
    if cv is None or isinstance(cv, Integral) or hasattr(cv, "get_n_splits"):
        return check_cv(cv).get_n_splits(X, y, groups)
    if hasattr(cv, "__len__"):  # a list of (train, test) pairs
        return len(cv)
    return None  # an iterator: counting its splits would use them up
