"""sklearn's searches, with the fits that can share a network trained together.

``skhyper.model_selection.GridSearchCV``, ``RandomizedSearchCV``,
``HalvingGridSearchCV`` and ``HalvingRandomSearchCV`` are sklearn's, with the
same parameters, attributes and ``cv_results_`` (each round of a halving
search fuses its candidates' fits, at that round's resource).  Before
sklearn evaluates a batch of candidates, the candidate x fold fits of a
skhyper classifier, regressor or forecaster that can be fused (see
:func:`skhyper.fused.fusable`; also as a Pipeline's last step, on the rows
its earlier steps, fitted on the fold as the Pipeline fits them, give it) are
trained in groups of one architecture, optimizer and batch size, each
group as one stacked network (:mod:`skhyper.fused`; a group too small for
that to pay is fitted one by one: ``fused.worth_fusing``); sklearn then runs its
own evaluation, in which each such fit returns its fused result instead of
training again.  Scoring, ``refit``, ``error_score``, ``return_train_score``
and multi-metric scoring are sklearn's own.  Anything that cannot be fused
(another estimator, fit parameters, a user's callback or Keras object,
``verbose``, a splitter that splits differently each time it is asked) is
fitted as sklearn fits it, with the same result.

With ``n_jobs`` other than 1 (loky processes, or the joblib backend in use:
Dask), a grid or random search over a skhyper classifier, regressor or forecaster (or a
Pipeline ending in one) whose parameters are plain values splits its
candidate x fold fits into one part per job; each worker fuses what it can
of its part and fits the rest one by one, and sends the fitted estimators
back (a drawn network as arrays; of a Pipeline, its last step, which the
search's process finds again after fitting the earlier steps as the
Pipeline does); sklearn then evaluates the candidates in the search's
process, taking them.  A halving search does this round by round (over
``n_samples``, when its ``random_state`` is an int: otherwise each round
draws its rows anew, and its fits are sklearn's).  Other searches with
``n_jobs`` (Python objects as parameters) are sklearn's, unfused, spread
over its workers.
"""

import time
from numbers import Integral, Real

import numpy as np
from joblib import effective_n_jobs
from sklearn import model_selection as _sklearn
from sklearn.base import clone, is_classifier
from sklearn.experimental import enable_halving_search_cv  # noqa: F401 - sklearn's halving searches
from sklearn.model_selection import check_cv
from sklearn.pipeline import Pipeline

from ._compat import safe_split
from ._handoff import (
    _digest,
    _keep,
    _keep_by_key,
    _let_go,
    _params_key,
    _Rows,
    _searching,
)
from .panel import is_panel
from .panel_split import PanelSplit
from .scorers import fit_scoring

__all__ = ["GridSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV", "PanelSplit", "RandomizedSearchCV"]

#: The memory a fused group may take (weights, optimizer state, gradients and
#: a batch's activations of all its members); larger groups train in chunks.
MEMORY_BUDGET = 256 * 2**20

class _Fused:
    """The fusing part of the searches below."""

    def fit(self, X, y=None, **params):
        """Run fit with all sets of parameters, fusing the fits that can be.

        sklearn's ``fit``: the same candidates, folds, scoring, ``refit``
        and attributes.  Before sklearn evaluates a batch of candidates,
        the fits of a skhyper estimator that can be fused are trained in
        groups (in worker processes with ``n_jobs``); sklearn's evaluation
        then takes their results instead of training again.  See the
        module's documentation.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data (a forecaster's series: time along axis 0).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            The targets; None for a forecaster that forecasts its own series.
        **params : dict of str -> object
            Passed to the estimator's ``fit``, the scorers and the splitter
            (``groups``), as sklearn routes them.  Fits given any other than
            ``groups`` are not fused.

        Returns
        -------
        self : object
            The fitted search.

        Raises
        ------
        ValueError
            When every candidate failed to fit on at least one fold, so that
            none has a score to choose it by (sklearn would report the first
            as the best), besides sklearn's own errors; not with a numeric
            ``error_score``, which scores the failed fits (as sklearn's).
        """
        if getattr(self, "resource", None) == "n_samples" and is_panel(X):
            raise ValueError(
                f"{type(self).__name__} with resource='n_samples' draws rows at random, which cuts gaps into every"
                " series of a panel: spend epochs instead (resource='epochs', with max_resources the most epochs)."
            )
        jobs = self.n_jobs
        # With n_jobs, the fits are trained in worker processes (fused by
        # parts) before sklearn evaluates the candidates, which it then does
        # here, taking each fit's result: sklearn's own workers could not.
        try:
            in_workers = effective_n_jobs(jobs) != 1 and self._fuses_in_workers(X, y, params)
        except Exception:  # noqa: BLE001 - bad data or folds: sklearn's fit says what is wrong
            in_workers = False
        # (n_jobs=None under a joblib backend: the backend's workers)
        self._fusing, self._fuse_jobs = (X, y, params), (effective_n_jobs(jobs) if jobs is None else jobs) if in_workers else None
        self._fit_seconds = []  # (candidates, seconds of each fit or None) per batch sklearn evaluates
        if in_workers:
            self.n_jobs = 1
        outer = getattr(_searching, "search", None), getattr(_searching, "refit", None)
        _searching.search, _searching.refit = self, None
        scoring = self.scoring
        try:
            self.scoring = fit_scoring(self.estimator, scoring, y)  # sklearn's names need a y
            return super().fit(X, y, **params)
        finally:
            self.scoring = scoring
            self.n_jobs = jobs
            del self._fusing, self._fuse_jobs, self._fit_seconds
            _searching.search, _searching.refit = outer
            _let_go(self)

    def _fuses_in_workers(self, X, y, params):
        """Whether a search with ``n_jobs`` can train its fits in workers and
        evaluate them here: a skhyper classifier, regressor or forecaster, alone or as a
        Pipeline's last step, no fit parameters but ``groups``, plain values
        as its parameters and the grid's (their results are found again by
        their repr), and folds that are the same each time they are asked
        for (a halving search over ``n_samples`` draws each round's rows
        anew unless its ``random_state`` is an int)."""
        from .estimators.mlp import KerasMLPClassifier, KerasMLPRegressor

        if set(params) - {"groups"}:
            return False
        if isinstance(self, (HalvingGridSearchCV, HalvingRandomSearchCV)) and not (
            self.resource != "n_samples" or isinstance(self.random_state, Integral)
        ):
            return False  # each round subsamples its folds anew: its fits are not the ones trained
        final = _final_step(self.estimator)
        if not isinstance(final, (KerasMLPClassifier, KerasMLPRegressor)):  # (a WindowForecaster is a regressor)
            return False
        values = list(final.get_params(deep=False).values())
        grids = getattr(self, "param_grid", None) or getattr(self, "param_distributions", None)
        for grid in grids if isinstance(grids, list) else [grids]:
            for options in grid.values():
                if not hasattr(options, "rvs"):  # a distribution samples numbers
                    values.extend(options)
        if not all(_plain(value) for value in values):
            return False
        return self._same_splits(self.cv, X, y, params) is not None

    def _same_splits(self, cv, X, y, params):
        """The folds of ``cv``, or None when it gives others each time it is
        asked: a splitter that draws from a RandomState object or NumPy's
        global generator is not asked at all (asking would move the generator
        on, and sklearn's folds would be later draws), nor a one-shot
        iterator of folds (asking would use it up)."""
        cv = self.cv if cv is None else cv
        if hasattr(cv, "__next__"):
            return None
        if isinstance(cv, Integral) or not hasattr(cv, "split"):
            cv = check_cv(cv, y, classifier=is_classifier(self.estimator))
        if hasattr(cv, "random_state") and not isinstance(cv.random_state, Integral) and getattr(cv, "shuffle", True):
            return None
        split = {"groups": params["groups"]} if "groups" in params else {}  # (as sklearn routes it)
        splits = list(cv.split(X, y, **split))
        again = cv.split(X, y, **split)
        if any(not np.array_equal(a, b) for fold, other in zip(splits, again) for a, b in zip(fold, other)):
            return None
        return splits

    def _run_search(self, evaluate_candidates, *, callback_ctx=None):
        # sklearn >= 1.9 passes its callback context (and looks for the name).
        kwargs = {} if callback_ctx is None else {"callback_ctx": callback_ctx}

        def fused_evaluate(candidate_params, cv=None, more_results=None, **more):
            candidate_params = list(candidate_params)
            self._fit_seconds.append((len(candidate_params), self._train_fused(candidate_params, cv)))
            return evaluate_candidates(candidate_params, cv, more_results, **more)

        found = super()._run_search(fused_evaluate, **kwargs)
        _searching.refit = _refit_on_stack  # (sklearn's refit comes next, in this thread)
        return found

    def _train_fused(self, candidates, cv):
        """Train the candidates' fits that can be fused (in workers with
        ``n_jobs``); returns the seconds each fit (candidate-major, as
        sklearn's ``out``) took here or in a worker, 0 for those sklearn's
        evaluation fits itself, or None when it trained none."""
        from .estimators._base import KerasMLPBase

        X, y, params = self._fusing
        if not isinstance(_final_step(self.estimator), KerasMLPBase) or set(params) - {"groups"}:
            return None
        if effective_n_jobs(self.n_jobs) != 1:  # (None under a joblib backend: its workers fit them)
            return None
        if cv is None:  # as sklearn's evaluate_candidates takes it
            cv = getattr(self, "_checked_cv_orig", None)
        splits = self._same_splits(cv, X, y, params)
        if splits is None:
            return None  # a splitter that splits differently each time: sklearn's fits would not be these
        pairs = [(candidate, train) for candidate in candidates for train, _ in splits]
        seconds = [0.0] * len(pairs)
        if self._fuse_jobs is None:
            _, spent = _fit_fused(self.estimator, X, y, pairs)
            for index, value in spent.items():
                seconds[index] = value
            return seconds
        from joblib import Parallel, delayed

        # Whole candidates per part: the parts hold the same folds in the same
        # order, so a worker traces one stacked epoch whichever part it gets.
        n_parts = max(1, min(effective_n_jobs(self._fuse_jobs), len(candidates)))
        parts = [[(c, train) for c in candidates[i::n_parts] for train, _ in splits] for i in range(n_parts)]
        try:
            done = Parallel(n_jobs=self._fuse_jobs, pre_dispatch=self.pre_dispatch)(
                delayed(_fit_part)(self.estimator, X, y, part) for part in parts
            )
        except Exception:  # noqa: BLE001 - the workers' machinery (a fit's own error is caught there)
            return None  # sklearn's evaluation fits them, here
        for results, _ in done:
            for key, digest, result in results:
                _keep_by_key(key, digest, _restored(result))
        for i, (_, spent) in enumerate(done):  # part i: candidates i, i + n_parts, ...; each with every fold
            for index, value in spent.items():
                j, fold = divmod(index, len(splits))
                seconds[(i + j * n_parts) * len(splits) + fold] = value
        return seconds

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        # Each fit sklearn's evaluation took from a fused group (or a worker)
        # took no time there: its fit_time is its share of the training.
        taken = [s for n, seconds in self._fit_seconds for s in (seconds or [0.0] * (n * n_splits))]
        if len(taken) == len(out):
            out = [{**result, "fit_time": result["fit_time"] + extra} for result, extra in zip(out, taken)]
        if not _numeric(self.error_score):  # (a number the user chose scores the failed fits: they rank)
            _check_some_candidate_fit(out, n_splits)
        return super()._format_results(candidate_params, n_splits, out, more_results)


def _numeric(error_score):
    """Whether ``error_score`` is a finite number (not NaN, nor "raise")."""
    return isinstance(error_score, Real) and not isinstance(error_score, bool) and bool(np.isfinite(error_score))


def _check_some_candidate_fit(out, n_splits):
    """Raise when every candidate failed to fit on at least one fold: its
    mean score is then ``error_score`` or NaN for all of them, and sklearn
    would refit and report the first candidate as the best (it raises only
    when every fit failed).  ``out``: sklearn's results, candidate-major."""
    failed = [result.get("fit_error") is not None for result in out]
    per_candidate = [failed[i : i + n_splits] for i in range(0, len(failed), n_splits)]
    if not per_candidate or not all(any(folds) for folds in per_candidate):
        return
    by_fold = [sum(folds[k] for folds in per_candidate) for k in range(n_splits)]
    first = next(result["fit_error"] for result in out if result.get("fit_error") is not None)
    reason = first.strip().splitlines()[-1]
    counts = ", ".join(f"fold {k}: {n} of {len(per_candidate)}" for k, n in enumerate(by_fold) if n)
    raise ValueError(
        f"Every one of the {len(per_candidate)} candidates failed to fit on at least one fold"
        f" ({counts}), so none has a score to choose it by. The first failure: {reason}"
        " (a forecaster's early folds are often too short for its window: use fewer splits,"
        " a larger first fold, or a shorter window_size)."
    )


def _plain(value):
    """A value that is found again by its repr: None, a bool, number or string,
    or a tuple or list of them."""
    if isinstance(value, (tuple, list)):
        return all(_plain(item) for item in value)
    return value is None or isinstance(value, (bool, Integral, Real, str))


def _fit_fused(estimator, X, y, pairs):
    """Train the fits ``pairs`` ((candidate parameters, training rows)) of
    ``estimator`` that can be fused, in groups; each fused result is kept
    for sklearn's fit of the same parameters on the same rows to take.
    Returns the indexes of the pairs it tried, and the seconds each kept
    result took (its preparation, its share of its group's training and its
    finishing) by index."""
    from .estimators._base import KerasMLPBase
    from .fused import fusable

    members, tried, spent = [], set(), {}
    folds, seen = {}, {}  # by the fold's rows (``train``, one object per fold)
    fits = [clone(estimator).set_params(**clone(candidate, safe=False)) for candidate, _ in pairs]
    finals = [_final_step(fitted) for fitted in fits]
    can = [isinstance(final, KerasMLPBase) and fusable(final) and _found_again(final) for final in finals]
    if not all(can) and any(isinstance(f, KerasMLPBase) and f.random_state is None for f in finals):
        return tried, spent  # seeds from NumPy's global generator: drawn in sklearn's order only if it fits them all
    for index, ((candidate, train), fitted, final) in enumerate(zip(pairs, fits, finals)):
        if not can[index]:
            continue
        if final is fitted:  # the rows sklearn's search gives the fit, split once a fold
            if id(train) not in folds:
                X_train, y_train = safe_split(fitted, X, y, train)
                folds[id(train)] = X_train, y_train, _Rows.of(X, y, train, X_train, y_train)
            X_train, y_train, rows = folds[id(train)]
        else:  # a Pipeline: its earlier steps fitted as its fit fits them
            X_train, y_train = safe_split(fitted, X, y, train)
            try:
                X_train = fitted[:-1].fit_transform(X_train, y_train)
            except Exception:  # noqa: BLE001 - sklearn's own fit reports it
                continue
            rows = _digest(X_train, y_train)
        # (Timed from here: sklearn's fit of a Pipeline fits and times its earlier steps again.)
        started = time.perf_counter()
        member = _prepare(final, X_train, y_train, rows)
        tried.add(index)
        if member is _KEPT:  # the first fit of its architecture: trained alone
            spent[index] = time.perf_counter() - started
        elif member is not None:
            member.share_rows(seen.setdefault(id(train), {}))
            member.index, member.seconds, member.kept = index, time.perf_counter() - started, False
            members.append(member)
    alone = _train_groups(members)
    _train_one_by_one(alone)
    tried -= {m.index for m in alone if not m.kept}  # (those sklearn's evaluation fits)
    spent.update((m.index, m.seconds) for m in members if m.kept)
    return tried, spent


def _found_again(final):
    """Whether sklearn's clone of this fit finds its fused result: its
    parameters are keyed by their repr, and one holding a memory address (a
    RandomState, a callback object) is another in each clone, so the fit
    would be trained twice."""
    return " at 0x" not in _params_key(final)[1]


def _fit_part(estimator, X, y, pairs):
    """In a worker: the fits ``pairs`` of ``estimator``, fused where they can
    be and fitted one by one where not, as ``[(key, digest of the rows,
    result)]`` (see :func:`_portable`), and the seconds each took.  A fit that
    fails is left out: sklearn's fit of it, in the search's process, raises
    what it raises."""
    tried, spent = _fit_fused(estimator, X, y, pairs)
    # (What no search in this process trained: this part's fits, or another
    # part's running in a thread; a search's in another thread stay.)
    results = [(key, rows if isinstance(rows, str) else rows.digest(), result) for key, rows, result in _let_go(None)]
    for index, (candidate, train) in enumerate(pairs):
        if index in tried:
            continue  # fused (or failed as it would on its own)
        fitted = clone(estimator).set_params(**clone(candidate, safe=False))
        X_train, y_train = safe_split(fitted, X, y, train)
        final = _final_step(fitted)
        try:
            if final is not fitted:  # a Pipeline: its last step's fit is what the search's process takes
                X_train = fitted[:-1].fit_transform(X_train, y_train)
            started = time.perf_counter()  # (the earlier steps are fitted, and timed, again by sklearn)
            results.append((_params_key(final), _digest(X_train, y_train), final.fit(X_train, y_train)))
        except Exception:  # noqa: BLE001
            continue
        spent[index] = time.perf_counter() - started
    return [(key, digest, _portable(result)) for key, digest, result in results], spent


class _Drawn:
    """A fitted estimator whose network is arrays, as a worker sends it back:
    its state and arrays, without its architecture's template (a Keras
    model, which pickles as a ``.keras`` archive: tens of milliseconds)."""

    def __init__(self, estimator):
        state = dict(estimator.__dict__)
        weights = state.pop("_network_weights")
        template = weights.template
        self.kind, self.state = type(estimator), state
        self.values, self.optimizer_values, self.rate = weights.values, weights.optimizer_values, weights.rate
        self.shape = (template.input_shape[-1], template.output_shape[-1])


def _portable(estimator):
    if "_network_weights" in estimator.__dict__:
        return _Drawn(estimator)
    return estimator  # a Keras model: pickled as any estimator


def _restored(result):
    """The fitted estimator a worker sent (:func:`_portable`), with this
    process's template of its architecture (built if it has none)."""
    if not isinstance(result, _Drawn):
        return result
    from ._weights import NetworkWeights, remember_template, template_for

    estimator = object.__new__(result.kind)
    estimator.__dict__.update(result.state)
    key = estimator._template_key(*result.shape)
    if template_for(key) is None:
        remember_template(key, estimator._build_as_fitted(*result.shape, result.rate))
    estimator._network_weights = NetworkWeights(template_for(key), result.values, result.rate, result.optimizer_values)
    return estimator


def _final_step(estimator):
    """The estimator a fit trains last: a Pipeline's final step (its earlier
    steps transform the rows first), or the estimator itself."""
    return estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator


#: What :func:`_prepare` returns for a fit it trained alone and kept.
_KEPT = object()


def _prepare(estimator, X, y, found_by=None):
    """A fused member of ``estimator``'s fit on ``(X, y)`` (``found_by``: how
    its result is found again, see ``_Rows``; by default the digest of ``(X,
    y)``); ``_KEPT`` when it trained the fit alone (the first of its
    architecture) and kept it; or None (then sklearn fits it, and raises what
    it raises)."""
    found_by = _digest(X, y) if found_by is None else found_by
    try:
        rows = estimator._prepare_fit(X, y, None, warm_start=False)
    except Exception:  # noqa: BLE001 - sklearn's own fit reports it
        return None
    if not estimator._as_drawn():  # (the first of its architecture is, once built)
        try:
            _train_ordinarily(estimator, rows)
        except Exception:  # noqa: BLE001
            return None
        _keep(estimator, found_by, estimator)
        return _KEPT
    member = _member(estimator, rows)
    member.found_by = found_by
    return member


def _member(estimator, rows):
    """The fused member of ``estimator``, its fit prepared on ``rows``
    (what its ``_prepare_fit`` returned) and its network drawn."""
    from .fused import Member

    before = estimator._before_training(0)
    member = Member(estimator, *estimator._training_plan(*rows[:4], estimator._epochs(), 0))
    member.rows = rows  # (what _prepare_fit gave: the fit trains from them when no group takes it)
    member.after_training = lambda history: estimator._after_training(before, *rows[:4], history)
    return member


def _refit_on_stack(estimator, X, y):
    """The refit of a fused search (sklearn's fit of the best candidate on
    every row, or a Pipeline's last step on its rows), trained on the stack
    its candidates trained on: a fitted copy of ``estimator``, or None when
    there is no such stack (then it is fitted as any fit, with the same
    result).  Fitted one by one, the refit would trace the compiled loop of
    its architecture: in a process's first search, about as long as the
    stack took to trace."""
    from .estimators._base import KerasMLPBase
    from .fused import fusable, has_stack_of_this_search, train_alone

    if not isinstance(estimator, KerasMLPBase) or not fusable(estimator) or not has_stack_of_this_search():
        return None  # (before preparing the fit: the ordinary fit would prepare it again)
    fitted = clone(estimator)
    try:
        rows = fitted._prepare_fit(X, y, None, warm_start=False)
    except Exception:  # noqa: BLE001 - the fit itself raises it
        return None
    if not fitted._as_drawn():
        return None
    member = _member(fitted, rows)
    try:
        history = train_alone(member)
    except Exception:  # noqa: BLE001 - the ordinary fit trains it, and raises what it raises
        return None
    if history is None:
        return None
    member.after_training(history)
    fitted._finish_fit(history)  # (a diverged fit raises here, as its own fit would)
    return fitted


def _train_groups(members):
    """Train ``members`` in groups (see :func:`_fit_fused`); return those left
    to be fitted one by one (an optimizer the stack does not write out, or a
    group whose training together does not pay: see ``fused.worth_fusing``)."""
    from ._compiled import trainer_for
    from .fused import architecture, supported_optimizer, train_members, worth_fusing

    groups, alone = {}, []
    for member in members:
        template = member.network.template
        n_targets = member.y.shape[1] if member.y.ndim == 2 else 1
        trainer = trainer_for(template, member.plan.metric, n_targets, template=True)
        if not supported_optimizer(trainer.optimizer.get_config()):
            alone.append(member)
            continue
        key = (architecture(member.estimator, member.X.shape[1], template), member.plan.batch_size,
               member.plan.shuffle, member.plan.metric, n_targets, member.plan.validation_data is not None)  # fmt: skip
        groups.setdefault(key, []).append(member)
    for group in groups.values():
        size = max(1, int(MEMORY_BUDGET // _member_bytes(group[0])))
        for start in range(0, len(group), size):
            chunk = group[start : start + size]
            if not worth_fusing(chunk):
                alone.extend(chunk)  # (fitted one by one: faster here)
                continue
            started = time.perf_counter()
            try:
                histories = train_members(chunk)
            except Exception:  # noqa: BLE001 - sklearn fits them one by one, and reports what fails
                continue
            share = (time.perf_counter() - started) / len(chunk)
            for member, history in zip(chunk, histories):
                started = time.perf_counter()
                try:
                    member.after_training(history)
                    member.estimator._finish_fit(history)
                except Exception:  # noqa: BLE001 - diverged: sklearn's fit raises it again
                    continue
                _keep(member.estimator, member.found_by, member.estimator)
                member.kept = True
                member.seconds += share + time.perf_counter() - started
    return alone


def _train_one_by_one(members):
    """Train prepared ``members`` that no group took, each as its own fit
    trains, and keep them: sklearn's fit of each would check its rows and
    draw its network again.  One that fails is left to sklearn's fit, which
    raises what it raises."""
    for member in members:
        started, estimator = time.perf_counter(), member.estimator
        try:
            _train_ordinarily(estimator, member.rows)
        except Exception:  # noqa: BLE001 - sklearn's fit trains it again and reports it
            continue
        _keep(estimator, member.found_by, estimator)
        member.kept = True
        member.seconds += time.perf_counter() - started


def _train_ordinarily(estimator, rows):
    """Train ``estimator``, its fit prepared on ``rows`` (what its
    ``_prepare_fit`` returned), as its own ``fit`` goes on from there."""
    estimator._finish_fit(estimator._train(*rows[:4], estimator._epochs(), 0))


def _member_bytes(member):
    """A member's share of a fused group's memory: its weights four times
    (weights, gradients, two optimizer slots), a batch's activations, its rows."""
    weights = sum(v.size for v in member.network.values) * 4
    units = sum(v.shape[-1] for v in member.network.values if v.ndim == 2)
    batch = min(member.plan.batch_size, len(member.X))
    return 4 * weights + 3 * 4 * batch * units + member.X.nbytes + member.y.nbytes


class HalvingGridSearchCV(_Fused, _sklearn.HalvingGridSearchCV):
    __doc__ = _sklearn.HalvingGridSearchCV.__doc__


class HalvingRandomSearchCV(_Fused, _sklearn.HalvingRandomSearchCV):
    __doc__ = _sklearn.HalvingRandomSearchCV.__doc__


class GridSearchCV(_Fused, _sklearn.GridSearchCV):
    __doc__ = _sklearn.GridSearchCV.__doc__


class RandomizedSearchCV(_Fused, _sklearn.RandomizedSearchCV):
    __doc__ = _sklearn.RandomizedSearchCV.__doc__
