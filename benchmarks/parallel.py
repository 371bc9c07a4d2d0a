"""A search spread over processes: time and scores against the serial run.

    python benchmarks/parallel.py      # ~1 minute on 2 cores

Seed 003's eight initializers x cv=3 (a 64-64 MLP, 30 epochs, digits), run
with n_jobs=1 and with n_jobs=2 (loky processes) twice each — the first
parallel run pays for starting the workers and importing TensorFlow in them,
the second reuses them — and once on a Dask LocalCluster of 2 worker
processes.  Prints seconds and whether the scores equal the serial ones.
"""

import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from skhyper import KerasMLPClassifier  # noqa: E402
from skhyper.datasets import load_digits  # noqa: E402

GRID = {"kernel_initializer": ["uniform", "lecun_uniform", "normal", "glorot_normal",
                               "glorot_uniform", "he_normal", "he_uniform", "lecun_normal"]}  # fmt: skip


def search(X, y, n_jobs=1):
    started = time.perf_counter()
    estimator = KerasMLPClassifier(hidden_layer_sizes=(64, 64), epochs=30, random_state=0)
    fitted = GridSearchCV(estimator, GRID, cv=3, n_jobs=n_jobs).fit(X, y)
    return time.perf_counter() - started, fitted.cv_results_["mean_test_score"]


def main():
    X, y = load_digits(return_X_y=True)
    rows = []
    serial_seconds, serial = search(X, y)
    rows.append(("n_jobs=1", serial_seconds, True))
    for label in ("n_jobs=2 (loky, workers starting)", "n_jobs=2 (loky, workers reused)"):
        seconds, scores = search(X, y, n_jobs=2)
        rows.append((label, seconds, np.array_equal(scores, serial)))
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        print("(dask not installed: pip install 'skhyper[dask]')")
    else:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            with Client(cluster), joblib.parallel_backend("dask"):
                search(X, y)  # start the workers
                seconds, scores = search(X, y)
        rows.append(("Dask, 2 worker processes (warm)", seconds, np.array_equal(scores, serial)))
    print("| run | seconds | x serial | scores equal the serial run |")
    print("|---|---|---|---|")
    for label, seconds, same in rows:
        print(f"| {label} | {seconds:.2f} | {seconds / serial_seconds:.2f} | {'yes' if same else 'NO'} |")
    print(f"\n24 fits of 30 epochs; {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.")


if __name__ == "__main__":
    main()
