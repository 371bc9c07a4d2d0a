"""Searches that survive an interruption: finished candidates go to a file.

``run_checkpointed(search, X, y, path)`` runs a ``GridSearchCV`` or
``RandomizedSearchCV`` one candidate at a time.  Each finished candidate's
fold scores and times are appended to ``path`` (one JSON line, flushed to
disk), and a candidate already in the file is not fitted again — so a search
stopped by Ctrl-C, a crash or a killed machine resumes where it was.  The
result has what sklearn's searches give (``cv_results_``, ``best_params_``,
``best_score_``, ``best_estimator_``), and equals an uninterrupted run.
Under ``skhyper.progress_bar`` it plans the folds of the candidates left and
the refit.
"""

import json
import os
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.metrics import check_scoring
from sklearn.model_selection import (
    GridSearchCV,
    ParameterGrid,
    ParameterSampler,
    RandomizedSearchCV,
    check_cv,
    cross_validate,
)

from . import _progress
from ._plain import encode as _encode
from .scorers import fit_scoring

__all__ = ["CheckpointedSearch", "run_checkpointed"]


class CheckpointedSearch:
    """The outcome of :func:`run_checkpointed`, shaped like a fitted search.

    Parameters
    ----------
    search : GridSearchCV or RandomizedSearchCV
        The search that was run (its ``estimator``, ``scoring`` and ``refit``
        are kept).
    cv_results : dict
        The results of every candidate, as a search's ``cv_results_``.
    refit_metric : str
        The metric that picks the best candidate.
    best_index : int
        The best candidate's index.
    best_estimator : estimator
        The best candidate refit on all the data.

    Attributes
    ----------
    cv_results_ : dict
        As the search's, for every candidate (those run before included).
    best_index_ : int
        The best candidate's index in ``cv_results_``.
    best_params_ : dict
        The best candidate's parameters.
    best_score_ : float
        Its mean cross-validated score (absent when a callable ``refit``
        picks the candidate, as in scikit-learn).
    best_estimator_ : estimator
        The best candidate refit on all the data.
    """

    def __init__(self, search, cv_results, refit_metric, best_index, best_estimator):
        self.estimator, self.scoring, self.refit = search.estimator, search.scoring, search.refit
        self.cv_results_ = cv_results
        self.best_index_ = best_index
        self.best_params_ = cv_results["params"][best_index]
        # sklearn has no best_score_ when a callable picks the candidate
        if not callable(search.refit):
            self.best_score_ = cv_results[f"mean_test_{refit_metric}"][best_index]
        self.best_estimator_ = best_estimator

    def predict(self, X):
        """The best estimator's predictions, as ``search.predict``.

        Parameters
        ----------
        X : array-like
            Rows to predict.

        Returns
        -------
        y_pred : ndarray
            ``best_estimator_.predict(X)``.
        """
        return self.best_estimator_.predict(X)

    def score(self, X, y=None):
        """The best estimator's score by the search's ``scoring``, as ``search.score``.

        Parameters
        ----------
        X : array-like
            Rows to score.
        y : array-like, default=None
            True values.

        Returns
        -------
        score : float
            By the search's scoring (its refit metric when there are several).
        """
        if self.scoring is None:
            return self.best_estimator_.score(X, y)
        scoring = fit_scoring(self.best_estimator_, self.scoring, y)
        scores = check_scoring(self.best_estimator_, scoring=scoring)(self.best_estimator_, X, y)
        if not isinstance(scores, dict):
            return scores
        if not isinstance(self.refit, str):
            raise ValueError(
                "score() with several metrics needs refit to name one of them;"
                f" refit is {self.refit!r}. Score best_estimator_ with the metric you want."
            )
        return scores[self.refit]


def candidates_of(search):
    """The candidates ``search`` would try, in its order."""
    if isinstance(search, GridSearchCV):
        return list(ParameterGrid(search.param_grid))
    if isinstance(search, RandomizedSearchCV):
        if not isinstance(search.random_state, (int, np.integer)):
            raise ValueError(
                "A checkpointed random search needs an integer random_state, so that a"
                " resumed run draws the same candidates."
            )
        sampler = ParameterSampler(search.param_distributions, search.n_iter, random_state=search.random_state)
        return list(sampler)
    raise TypeError(f"Checkpoints work with GridSearchCV and RandomizedSearchCV, not {type(search).__name__}.")


def remaining(search, path):
    """How many of ``search``'s candidates ``path`` does not hold yet."""
    done = _read(Path(path))
    return sum(_key(params) not in done for params in candidates_of(search))


def run_checkpointed(search, X, y, path):
    """Run ``search`` candidate by candidate, keeping finished ones in ``path``.

    Each finished candidate is one JSON line in ``path``, flushed to disk; a
    run again skips the candidates ``path`` holds.  An interruption (Ctrl-C,
    a crash, a killed machine) loses only the candidate that was running,
    and the resumed search gives the same results as one that never stopped.

    Parameters
    ----------
    search : GridSearchCV or RandomizedSearchCV
        The search to run (a random search needs an integer
        ``random_state``, so that a resumed run draws the same candidates).
    X : array-like
        Training rows (or a forecaster's series).
    y : array-like or None
        Targets.
    path : str or path-like
        The checkpoint file (created if missing).

    Returns
    -------
    result : CheckpointedSearch
        Shaped like a fitted search: ``cv_results_``, ``best_params_``,
        ``best_estimator_``, ``predict``, ``score``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.linear_model import RidgeClassifier
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skhyper.checkpoint import remaining, run_checkpointed
    >>> from skhyper.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> search = GridSearchCV(RidgeClassifier(), {"alpha": [0.1, 1.0]}, cv=3)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "search.jsonl"
    >>> result = run_checkpointed(search, X, y, path)
    >>> remaining(search, path)  # run again, it would fit nothing but the refit
    0
    """
    path = Path(path)
    candidates = candidates_of(search)
    done = _read(path)
    setup = _setup(search, candidates, X, y)
    _check_same_setup(path, done, setup)
    _drop_torn_line(path)  # the next record starts a line of its own
    if _progress.listeners():  # a progress bar: the folds of the candidates left, and the refit
        left = sum(_key(params) not in done for params in candidates)
        _progress.fits_planned(left * check_cv(search.cv).get_n_splits(X, y) + 1)
    with open(path, "a", encoding="utf-8") as log:
        for params in candidates:
            key = _key(params)
            if key in done:
                continue
            estimator = clone(search.estimator).set_params(**params)
            results = cross_validate(estimator, X, y, cv=search.cv, scoring=fit_scoring(search.estimator, search.scoring, y),
                                     n_jobs=search.n_jobs, error_score=search.error_score)  # fmt: skip
            record = {"key": key, "params": _encode(params), "setup": setup,
                      "results": {k: np.asarray(v, dtype=float).tolist() for k, v in results.items()}}  # fmt: skip
            log.write(json.dumps(record) + "\n")
            log.flush()
            os.fsync(log.fileno())
            done[key] = record
    return _summarize(search, candidates, done, X, y)


def _summarize(search, candidates, done, X, y):
    records = [done[_key(params)] for params in candidates]
    metrics = sorted({k.removeprefix("test_") for k in records[0]["results"] if k.startswith("test_")})
    _check_same_results(search, records, metrics)
    # the search's own candidates: a record's key names one, its "params" are not read back
    cv_results = {"params": [dict(params) for params in candidates]}
    for name in sorted({n for params in cv_results["params"] for n in params}):
        cv_results[f"param_{name}"] = np.ma.masked_array(
            [params.get(name) for params in cv_results["params"]], dtype=object,
            mask=[name not in params for params in cv_results["params"]],
        )  # fmt: skip
    for timing in ("fit_time", "score_time"):
        values = np.array([r["results"][timing] for r in records])
        cv_results[f"mean_{timing}"], cv_results[f"std_{timing}"] = values.mean(1), values.std(1)
    for metric in metrics:
        scores = np.array([r["results"][f"test_{metric}"] for r in records])
        for split in range(scores.shape[1]):
            cv_results[f"split{split}_test_{metric}"] = scores[:, split]
        means = scores.mean(1)
        cv_results[f"mean_test_{metric}"], cv_results[f"std_test_{metric}"] = means, scores.std(1)
        # sklearn's ranking: higher is better, NaN last, ties share the lowest rank
        ordered = np.where(np.isnan(means), -np.inf, means)
        cv_results[f"rank_test_{metric}"] = (
            np.searchsorted(np.sort(-ordered), -ordered, side="left") + 1
        ).astype(np.int32)
    refit_metric = search.refit if isinstance(search.refit, str) else metrics[0]
    _check_some_candidate_scored(cv_results, refit_metric, len(records))
    if callable(search.refit):  # as sklearn: the callable picks the index
        best = search.refit(cv_results)
        if not isinstance(best, (int, np.integer)) or not 0 <= best < len(records):
            raise ValueError(f"refit returned {best!r}, not the index of one of the {len(records)} candidates.")
        best = int(best)
    else:
        best = int(np.argmin(cv_results[f"rank_test_{refit_metric}"]))
    started = time.perf_counter()
    best_estimator = clone(search.estimator).set_params(**cv_results["params"][best])
    with _progress.one_fit():  # whatever the estimator is, and however much it fits inside
        best_estimator.fit(X) if y is None else best_estimator.fit(X, y)
    result = CheckpointedSearch(search, cv_results, refit_metric, best, best_estimator)
    result.refit_time_ = time.perf_counter() - started
    return result


def _key(params):
    return json.dumps(_encode(dict(sorted(params.items()))))


def _setup(search, candidates, X, y):
    """A fingerprint of what a record's scores depend on besides its
    candidate: the estimator's other parameters, the folds, the scoring and
    the data (objects by their repr without memory addresses, the data by
    joblib's hash of its values)."""
    import joblib
    from sklearn.base import is_classifier

    searched = {name for params in candidates for name in params}
    fixed = {name: _shown(value) for name, value in search.estimator.get_params(deep=True).items() if name not in searched}
    cv = check_cv(search.cv, y, classifier=is_classifier(search.estimator))
    return joblib.hash([sorted(fixed.items()), _shown(cv), cv.get_n_splits(X, y), _shown(search.scoring),
                        joblib.hash(X), joblib.hash(y)])  # fmt: skip


def _shown(value):
    """A value as the fingerprint holds it: its repr without memory
    addresses, and for an object whose repr shows none of its settings (a
    Keras callback: ``<EarlyStopping object>``) its plain attributes too."""
    import re

    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}({', '.join(_shown(item) for item in value)})"
    shown = re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))
    settings = getattr(value, "__dict__", None)
    if shown.startswith("<") and isinstance(settings, dict):
        plain = {k: v for k, v in settings.items() if isinstance(v, (bool, int, float, str, type(None)))}
        shown += repr(sorted(plain.items()))
    return shown


def _check_same_setup(path, done, setup):
    """Records of another estimator, folds, scoring or data are refused
    (files written before records had a ``setup`` are taken as they are)."""
    other = [record for record in done.values() if record.get("setup", setup) != setup]
    if other:
        raise ValueError(
            f"{path}: {len(other)} of its {len(done)} candidates were scored by another search (another estimator,"
            " other fixed parameters, folds, scoring or data): their scores would be reused as this one's. Use a"
            " new checkpoint file for a changed search."
        )


def _check_some_candidate_scored(cv_results, metric, n_candidates):
    """As :mod:`skhyper.model_selection`'s searches: when every candidate
    has no score on at least one fold (its fit failed), none has a mean to
    choose it by, and refitting the first would report it as the best."""
    folds = [key for key in cv_results if key.startswith("split") and key.endswith(f"_test_{metric}")]
    scores = np.column_stack([cv_results[key] for key in folds])
    failed = ~np.isfinite(scores)
    if failed.any(axis=1).all():
        counts = ", ".join(f"fold {k}: {n} of {n_candidates}" for k, n in enumerate(failed.sum(axis=0)) if n)
        what = "score" if metric == "score" else f"{metric} score"
        raise ValueError(
            f"Every one of the {n_candidates} candidates has no {what} on at least one fold ({counts}), so"
            " none has a score to choose it by. Run the search with error_score='raise' to see why its fits failed"
            " (a forecaster's early folds are often too short for its window)."
        )


def _check_same_results(search, records, metrics):
    """Every record holds the same scores, and the one the search refits on:
    a file written by a search with other ``scoring`` is refused."""
    names = set(records[0]["results"])
    if any(set(record["results"]) != names for record in records):
        raise ValueError("the checkpoint's candidates were scored differently (other scoring or cv between runs):"
                         " use a new checkpoint file for a changed search.")  # fmt: skip
    if isinstance(search.refit, str) and search.refit not in metrics:
        raise ValueError(f"the checkpoint holds the scores {metrics}, not refit={search.refit!r}: it was written by"
                         " a search with other scoring; use a new checkpoint file.")  # fmt: skip


def _valid_results(results):
    """A record's ``results``: lists of numbers, one per fold, with the
    times and at least one score."""
    if not isinstance(results, dict) or not {"fit_time", "score_time"} <= set(results):
        return False
    if not any(isinstance(name, str) and name.startswith("test_") for name in results):
        return False
    lengths = set()
    for values in results.values():
        if not isinstance(values, list) or not values:
            return False
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return False
        lengths.add(len(values))
    return len(lengths) == 1


def _read(path):
    """The finished candidates in ``path``; a torn last line (a crash
    mid-write) is dropped, any other line that is not a record refused."""
    done = {}
    if not path.exists():
        return done
    lines = _lines(path)
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            if number == len(lines) and not line.endswith(b"\n"):
                break  # torn
            raise ValueError(f"{path}: line {number} is not a search checkpoint record.") from None
        if not (isinstance(record, dict) and isinstance(record.get("key"), str)
                and _valid_results(record.get("results")) and isinstance(record.get("setup", ""), str)):  # fmt: skip
            raise ValueError(f"{path}: line {number} is not a search checkpoint record.")
        done[record["key"]] = record
    return done


def _lines(path):
    return path.read_bytes().splitlines(keepends=True)


def _drop_torn_line(path):
    """End the file with a whole line, so that the next record is appended
    on a line of its own: a last line a crash left unfinished is cut, a
    whole record without its newline (an edited file) gets one."""
    if not path.exists():
        return
    lines = _lines(path)
    if not lines or lines[-1].endswith(b"\n"):
        return
    try:
        json.loads(lines[-1])
    except (json.JSONDecodeError, UnicodeDecodeError):
        os.truncate(path, sum(len(line) for line in lines[:-1]))
    else:
        with open(path, "ab") as file:
            file.write(b"\n")
