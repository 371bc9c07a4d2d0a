"""The progress bar counts each fit of a search once, in whichever process it ran."""

import io
import threading

import joblib
import pytest
from joblib import Parallel
from scipy.stats import loguniform
from sklearn.ensemble import RandomForestClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    RandomizedSearchCV,
    cross_val_predict,
    cross_validate,
)

from skhyper import KerasMLPClassifier, progress_bar
from skhyper._compat import BaseSearchCV
from skhyper.checkpoint import run_checkpointed

SMALL = {"hidden_layer_sizes": (4,), "epochs": 2, "batch_size": 64, "random_state": 0}


def grid(**kwargs):
    """3 candidates x 3 folds of a model that fits in a millisecond."""
    return GridSearchCV(RidgeClassifier(), {"alpha": [0.1, 1.0, 10.0]}, cv=3, **kwargs)


def counted(work, **tqdm_kwargs):
    """Run ``work()`` under a bar writing to a string: the bar and its text."""
    out = io.StringIO()
    with progress_bar(file=out, **tqdm_kwargs) as bar:
        work()
    return bar, out.getvalue()


def hooked_methods():
    return Parallel.__call__, Parallel.print_progress, BaseSearchCV.fit


@pytest.mark.parametrize("n_jobs", [1, 2])  # 2: loky worker processes
def test_a_grid_search_counts_candidates_times_folds_and_the_refit(digits, n_jobs):
    X, y = digits
    bar, text = counted(lambda: grid(n_jobs=n_jobs).fit(X, y))
    assert bar.n == bar.total == 3 * 3 + 1
    assert "10/10 fits" in text and "left" in text


def test_without_refit_there_is_no_extra_fit(digits):
    X, y = digits
    bar, _ = counted(lambda: grid(refit=False).fit(X, y))
    assert bar.n == bar.total == 3 * 3


def test_a_random_search_plans_the_candidates_it_will_draw(digits):
    X, y = digits
    search = RandomizedSearchCV(
        RidgeClassifier(),
        {"alpha": loguniform(1e-2, 1e2)},
        n_iter=4,
        cv=2,
        random_state=0,
    )
    bar, _ = counted(lambda: search.fit(X, y))
    assert bar.n == bar.total == 4 * 2 + 1
    # Lists only: at most the grid's 2 candidates, whatever n_iter says.
    search.set_params(param_distributions={"alpha": [0.1, 1.0]}, n_iter=5)
    with pytest.warns(UserWarning, match="smaller than n_iter"):
        bar, _ = counted(lambda: search.fit(X, y))
    assert bar.n == bar.total == 2 * 2 + 1


def test_a_halving_search_counts_the_fits_it_makes_without_a_total(digits):
    X, y = digits
    search = HalvingGridSearchCV(
        RidgeClassifier(),
        {"alpha": [0.01, 0.1, 1.0, 10.0]},
        cv=2,
        factor=2,
        min_resources=50,
    )
    bar, text = counted(lambda: search.fit(X, y))
    assert bar.total is None
    assert bar.n == len(search.cv_results_["params"]) * search.n_splits_ + 1 == 15
    assert (
        text.rstrip().endswith("elapsed]") and "15 fits" in text and "left" not in text
    )


def test_skhyper_fits_are_counted_once(digits):
    X, y = digits
    # Each estimator reports its own fits too: inside a search, joblib's count stands.
    search = GridSearchCV(
        KerasMLPClassifier(**SMALL), {"learning_rate": [1e-3, 1e-2]}, cv=2
    )
    bar, _ = counted(lambda: search.fit(X, y))
    assert bar.n == bar.total == 2 * 2 + 1
    bar, _ = counted(lambda: KerasMLPClassifier(**SMALL).fit(X, y))
    assert bar.n == 1 and bar.total is None


def test_fits_inside_a_counted_fit_are_not_counted(digits):
    X, y = digits
    inner = GridSearchCV(RidgeClassifier(), {"alpha": [0.1, 1.0]}, cv=2)
    bar, _ = counted(lambda: cross_validate(inner, X, y, cv=3))
    assert bar.n == 3 and bar.total is None  # the 3 folds, each a whole inner search
    bar, _ = counted(lambda: cross_val_predict(inner, X, y, cv=2))
    assert bar.n == 2
    bar, _ = counted(lambda: GridSearchCV(inner, {"cv": [2, 3]}, cv=2).fit(X, y))
    assert bar.n == bar.total == 2 * 2 + 1  # the refit fits an inner search: one fit
    # A forest's trees are a joblib run of their own, inside each fit and the refit.
    forest = RandomForestClassifier(n_estimators=4, n_jobs=2, random_state=0)
    bar, _ = counted(
        lambda: GridSearchCV(forest, {"max_depth": [2, 4]}, cv=2).fit(X, y)
    )
    assert bar.n == bar.total == 2 * 2 + 1


def test_fits_on_dask_workers_are_counted(digits):
    distributed = pytest.importorskip("dask.distributed")
    X, y = digits
    cluster = distributed.LocalCluster(
        n_workers=1, processes=True, threads_per_worker=1, dashboard_address=None
    )
    with cluster, distributed.Client(cluster), joblib.parallel_config(backend="dask"):
        bar, _ = counted(lambda: grid(n_jobs=-1).fit(X, y))
    assert bar.n == bar.total == 3 * 3 + 1


def test_a_checkpointed_search_plans_the_candidates_left(digits, tmp_path):
    X, y = digits
    path = tmp_path / "c.jsonl"
    bar, _ = counted(lambda: run_checkpointed(grid(), X, y, path))
    assert bar.n == bar.total == 3 * 3 + 1
    bar, _ = counted(lambda: run_checkpointed(grid(), X, y, path))
    assert bar.n == bar.total == 1  # every candidate done: the refit only


def test_joblib_and_sklearn_get_their_methods_back_also_after_an_error(digits):
    X, y = digits
    before = hooked_methods()
    with progress_bar(file=io.StringIO()):
        assert all(now is not then for now, then in zip(hooked_methods(), before))
        grid().fit(X, y)
    assert all(now is then for now, then in zip(hooked_methods(), before))
    failing = GridSearchCV(
        RidgeClassifier(), {"alpha": [0.1]}, cv=2, error_score="raise"
    )
    with pytest.raises(ValueError), progress_bar(file=io.StringIO()):
        failing.fit(X[:, :0], y)  # no features: the fit raises inside joblib's run
    for error in (RuntimeError, KeyboardInterrupt):
        with pytest.raises(error), progress_bar(file=io.StringIO()):
            raise error
    assert all(now is then for now, then in zip(hooked_methods(), before))


def test_bars_count_their_own_thread_and_nested_bars_both_count(digits):
    X, y = digits
    counts, start = {}, threading.Barrier(2)

    def run(name, search):
        start.wait()
        with progress_bar(file=io.StringIO()) as bar:
            search.fit(X, y)
        counts[name] = (bar.n, bar.total)

    small = GridSearchCV(RidgeClassifier(), {"alpha": [1.0]}, cv=2)
    threads = [
        threading.Thread(target=run, args=args)
        for args in [("grid", grid()), ("small", small)]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts == {"grid": (10, 10), "small": (3, 3)}

    with progress_bar(file=io.StringIO()) as outer:
        # A search in a thread with no bar of its own is not counted.
        unwatched = threading.Thread(target=lambda: grid().fit(X, y))
        unwatched.start()
        unwatched.join()
        grid().fit(X, y)
        with progress_bar(file=io.StringIO()) as inner:
            small.fit(X, y)
    assert (inner.n, inner.total) == (3, 3)
    assert (outer.n, outer.total) == (10 + 3, 10 + 3)


def test_tqdm_arguments_pass_through(digits):
    X, y = digits
    bar, text = counted(lambda: grid().fit(X, y), desc="ridge", total=4)
    assert bar.total == 4 and bar.n == 10 and "ridge:" in text
    bar, text = counted(lambda: grid().fit(X, y), disable=True)
    assert text == "" and bar.n == bar.total == 10
