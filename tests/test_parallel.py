"""The same scores from a search however its fits are spread: loky, Dask."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from skhyper import KerasMLPClassifier

GRID = {"learning_rate": [1e-3, 1e-2], "kernel_initializer": ["glorot_uniform", "he_uniform"]}


def search(digits, **options):
    X, y = digits
    estimator = KerasMLPClassifier(hidden_layer_sizes=(8,), epochs=3, dropout=0.2, random_state=0)
    return GridSearchCV(estimator, GRID, cv=2, **options).fit(X, y).cv_results_["split0_test_score"]


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
    cluster.close()
    np.testing.assert_array_equal(spread, serial)
