"""The same scores from a search however its fits are spread: loky, Dask."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from skhyper import KerasMLPClassifier
from skhyper import model_selection as skhyper_search

GRID = {"learning_rate": [1e-3, 1e-2], "kernel_initializer": ["glorot_uniform", "he_uniform"]}


def search(digits, make=GridSearchCV, **options):
    X, y = digits
    estimator = KerasMLPClassifier(hidden_layer_sizes=(8,), epochs=3, dropout=0.2, random_state=0)
    return make(estimator, GRID, cv=2, **options).fit(X, y).cv_results_["split0_test_score"]


@pytest.mark.slow
def test_loky_processes_give_the_serial_scores(digits):
    np.testing.assert_array_equal(search(digits, n_jobs=2), search(digits))


@pytest.mark.slow
def test_dask_worker_processes_give_the_serial_scores(digits):
    distributed = pytest.importorskip("dask.distributed")
    import joblib

    serial = search(digits)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)  # fmt: skip
    with distributed.Client(cluster), joblib.parallel_backend("dask"):
        spread = search(digits)
        fused = search(digits, make=skhyper_search.GridSearchCV, n_jobs=2)  # fused in the Dask workers
    cluster.close()
    np.testing.assert_array_equal(spread, serial)
    np.testing.assert_allclose(fused, serial, atol=1e-12)


def kill_worker_once(marker):
    """An lr_schedule that kills its Dask worker process the first time it runs there."""

    def schedule(epoch, rate):
        import os
        from pathlib import Path

        try:
            from distributed import get_worker

            get_worker()
        except (ImportError, ValueError):
            return rate  # not in a Dask worker
        if not Path(marker).exists():
            Path(marker).touch()
            os.kill(os.getpid(), 9)
        return rate

    return schedule


@pytest.mark.slow
def test_a_search_survives_a_killed_dask_worker(digits, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    import sys

    import cloudpickle
    import joblib

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests/
    X, y = digits
    marker = tmp_path / "killed-once"
    estimator = KerasMLPClassifier(hidden_layer_sizes=(8,), epochs=3, random_state=0,
                                   lr_schedule=kill_worker_once(str(marker)))  # fmt: skip
    serial = GridSearchCV(estimator, GRID, cv=2).fit(X, y).cv_results_["mean_test_score"]
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)  # fmt: skip
    try:
        with distributed.Client(cluster), joblib.parallel_backend("dask"):
            spread = GridSearchCV(estimator, GRID, cv=2).fit(X, y).cv_results_["mean_test_score"]
    except distributed.client.FutureCancelledError as error:
        # joblib's Dask backend now and then loses the batch of a killed worker
        # ("already forgotten": joblib/joblib#957, #959; scikit-learn#15383), in
        # joblib's code, not skhyper's. Only that known failure is excused.
        pytest.xfail(f"joblib's Dask backend lost a killed worker's batch: {error}")
    finally:
        cluster.close()
    assert marker.exists()  # a worker was killed mid-fit
    np.testing.assert_array_equal(spread, serial)


def _threads_seen_in_worker(preset):
    import os

    before = os.environ.get("TF_NUM_INTRAOP_THREADS")
    if preset is not None:
        os.environ["TF_NUM_INTRAOP_THREADS"] = preset
    from skhyper._threads import share_cores_in_workers

    share_cores_in_workers()
    seen = os.environ.get("OMP_NUM_THREADS"), os.environ.get("TF_NUM_INTRAOP_THREADS")
    if before is None:  # leave the (reused) worker as it was
        os.environ.pop("TF_NUM_INTRAOP_THREADS", None)
    else:
        os.environ["TF_NUM_INTRAOP_THREADS"] = before
    return seen


def test_loky_workers_give_tensorflow_their_share_of_the_cores():
    from joblib import Parallel, delayed

    (omp, tf_threads), = Parallel(n_jobs=2)(delayed(_threads_seen_in_worker)(None) for _ in range(1))
    assert omp is not None and tf_threads == omp  # joblib's cap, passed on to TensorFlow
    (_, chosen), = Parallel(n_jobs=2)(delayed(_threads_seen_in_worker)("3") for _ in range(1))
    assert chosen == "3"  # the user's own setting wins
