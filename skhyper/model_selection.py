"""sklearn's searches, with the fits that can share a network trained together.

``skhyper.model_selection.GridSearchCV``, ``RandomizedSearchCV``,
``HalvingGridSearchCV`` and ``HalvingRandomSearchCV`` are sklearn's, with the
same parameters, attributes and ``cv_results_`` (each round of a halving
search fuses its candidates' fits, at that round's resource).  Before
sklearn evaluates a batch of candidates, the candidate x fold fits of a
skhyper classifier or regressor that can be fused (see
:func:`skhyper.fused.fusable`; also as a Pipeline's last step, on the rows
its earlier steps, fitted on the fold as the Pipeline fits them, give it) are
trained in groups of one architecture, optimizer and batch size, each
group as one stacked network (:mod:`skhyper.fused`); sklearn then runs its
own evaluation, in which each such fit returns its fused result instead of
training again.  Scoring, ``refit``, ``error_score``, ``return_train_score``
and multi-metric scoring are sklearn's own.  Anything that cannot be fused
(another estimator, fit parameters, a user's callback or Keras object,
``verbose``, ``n_jobs`` other than 1, a splitter that splits differently
each time it is asked) is fitted as sklearn fits it, with the
same result.
"""

import hashlib
import json
import threading

import numpy as np
from sklearn import model_selection as _sklearn
from sklearn.experimental import enable_halving_search_cv  # noqa: F401 - sklearn's halving searches
from sklearn.base import clone, is_classifier
from sklearn.model_selection import check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing

__all__ = ["GridSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV", "RandomizedSearchCV"]

#: The memory a fused group may take (weights, optimizer state, gradients and
#: a batch's activations of all its members); larger groups train in chunks.
MEMORY_BUDGET = 256 * 2**20

_lock = threading.Lock()
_results = {}  # (estimator's params, data digest) -> a fitted estimator


def take_result(estimator, X, y, sample_weight):
    """The fused fit of ``estimator`` on ``(X, y)``, if a search trained one
    (each is taken once), else None."""
    if not _results or sample_weight is not None:
        return None
    key = _key(estimator, X, y)
    with _lock:
        return _results.pop(key, None)


def _key(estimator, X, y):
    params = sorted((k, repr(v)) for k, v in estimator.get_params(deep=False).items())
    digest = hashlib.blake2b(digest_size=16)
    for part in (X, y):
        array = np.ascontiguousarray(np.asarray(part))
        digest.update(str((array.shape, array.dtype.str)).encode())
        digest.update(array.tobytes() if array.dtype != object else repr(array.tolist()).encode())
    return type(estimator).__name__, repr(params), digest.hexdigest()


class _Fused:
    """The fusing part of the searches below."""

    def fit(self, X, y=None, **params):
        self._fusing = (X, y, params)
        try:
            return super().fit(X, y, **params)
        finally:
            del self._fusing
            with _lock:
                _results.clear()

    def _run_search(self, evaluate_candidates, *, callback_ctx=None):
        # sklearn >= 1.9 passes its callback context (and looks for the name).
        kwargs = {} if callback_ctx is None else {"callback_ctx": callback_ctx}

        def fused_evaluate(candidate_params, cv=None, more_results=None, **more):
            candidate_params = list(candidate_params)
            self._train_fused(candidate_params, cv)
            return evaluate_candidates(candidate_params, cv, more_results, **more)

        return super()._run_search(fused_evaluate, **kwargs)

    def _train_fused(self, candidates, cv):
        from .estimators._base import KerasMLPBase

        X, y, params = self._fusing
        if not isinstance(_final_step(self.estimator), KerasMLPBase) or set(params) - {"groups"}:
            return
        if self.n_jobs not in (None, 1):
            return
        from .fused import fusable

        if cv is None:  # as sklearn's evaluate_candidates takes it
            cv = getattr(self, "_checked_cv_orig", None) or check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        split = {"groups": params["groups"]} if "groups" in params else {}  # (as sklearn routes it)
        splits = list(cv.split(X, y, **split))
        again = cv.split(X, y, **split)
        if any(not np.array_equal(a, b) for fold, other in zip(splits, again) for a, b in zip(fold, other)):
            return  # a splitter that splits differently each time: sklearn's fits would not be these
        members = []
        for candidate in candidates:
            for train, _ in splits:
                estimator = clone(self.estimator).set_params(**clone(candidate, safe=False))
                final = _final_step(estimator)
                if not isinstance(final, KerasMLPBase) or not fusable(final):
                    continue
                X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
                if final is not estimator:  # a Pipeline: its earlier steps fitted as its fit fits them
                    try:
                        X_train = estimator[:-1].fit_transform(X_train, y_train)
                    except Exception:  # noqa: BLE001 - sklearn's own fit reports it
                        continue
                member = _prepare(final, X_train, y_train)
                if member is not None:
                    members.append(member)
        _train_groups(members)


def _final_step(estimator):
    """The estimator a fit trains last: a Pipeline's final step (its earlier
    steps transform the rows first), or the estimator itself."""
    return estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator


def _prepare(estimator, X, y):
    """A fused member of ``estimator``'s fit on ``(X, y)``, or None (then
    sklearn fits it, and raises what it raises)."""
    from .fused import Member

    key = _key(estimator, X, y)
    try:
        rows = estimator._prepare_fit(X, y, None, warm_start=False)
    except Exception:  # noqa: BLE001 - sklearn's own fit reports it
        return None
    if not estimator._as_drawn():  # (the first of its architecture is, once built)
        try:
            estimator._finish_fit(estimator._train(*rows[:4], estimator.epochs, 0))
        except Exception:  # noqa: BLE001
            return None
        with _lock:
            _results[key] = estimator
        return None
    X_train, y_model, weights, plan = estimator._training_plan(*rows[:4], estimator.epochs, 0)
    member = Member(estimator, X_train, y_model, weights, plan)
    member.key = key
    return member


def _train_groups(members):
    from ._compiled import trainer_for
    from .fused import supported_optimizer, train_members

    groups = {}
    for member in members:
        template = member.network.template
        n_targets = member.y.shape[1] if member.y.ndim == 2 else 1
        trainer = trainer_for(template, member.plan.metric, n_targets, template=True)
        if not supported_optimizer(trainer.optimizer.get_config()):
            continue
        key = (_architecture(member.estimator, member.X.shape[1], template), member.plan.batch_size,
               member.plan.shuffle, member.plan.metric, n_targets, member.plan.validation_data is not None)  # fmt: skip
        groups.setdefault(key, []).append(member)
    for group in groups.values():
        size = max(1, int(MEMORY_BUDGET // _member_bytes(group[0])))
        for start in range(0, len(group), size):
            chunk = group[start : start + size]
            try:
                histories = train_members(chunk)
            except Exception:  # noqa: BLE001 - sklearn fits them one by one, and reports what fails
                continue
            for member, history in zip(chunk, histories):
                try:
                    member.estimator._finish_fit(history)
                except Exception:  # noqa: BLE001 - diverged: sklearn's fit raises it again
                    continue
                with _lock:
                    _results[member.key] = member.estimator


def _architecture(estimator, n_inputs, template):
    """What the members of a group share: the template's key (see
    ``_template_key``) without the L1/L2 strengths, in which they may differ."""
    parts = json.loads(estimator._template_key(n_inputs, template.outputs[0].shape[-1]))
    parts[-1] = {name: value for name, value in parts[-1].items() if name not in ("l1", "l2")}  # the settings
    return json.dumps(parts, sort_keys=True)


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
