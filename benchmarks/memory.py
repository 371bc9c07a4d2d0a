"""Memory held over a long search in one process.

    python benchmarks/memory.py     # ~1 minute on 2 cores

A GridSearchCV of 121 fits (8 initializers x 5 learning rates x cv=3, and the
refit) of a 64-unit KerasMLPClassifier on digits, in one process: resident
memory before and after, and after a second identical search.
"""

import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import psutil  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from skhyper import KerasMLPClassifier  # noqa: E402
from skhyper.datasets import load_digits  # noqa: E402

GRID = {
    "kernel_initializer": ["uniform", "lecun_uniform", "normal", "glorot_normal",
                           "glorot_uniform", "he_normal", "he_uniform", "lecun_normal"],
    "learning_rate": [3e-4, 1e-3, 3e-3, 1e-2, 3e-2],
}  # fmt: skip


def main():
    X, y = load_digits(return_X_y=True)
    process = psutil.Process()
    KerasMLPClassifier(hidden_layer_sizes=(64,), epochs=1, random_state=0).fit(X, y)  # TensorFlow warmed up
    sizes = [process.memory_info().rss]
    for _ in range(2):
        started = time.perf_counter()
        search = GridSearchCV(KerasMLPClassifier(hidden_layer_sizes=(64,), epochs=5, random_state=0), GRID, cv=3)
        search.fit(X, y)
        sizes.append(process.memory_info().rss)
        fits = len(search.cv_results_["params"]) * 3 + 1
        print(f"search of {fits} fits in {time.perf_counter() - started:.1f} s: RSS"
              f" {sizes[-2] / 2**20:.0f} -> {sizes[-1] / 2**20:.0f} MB ({(sizes[-1] - sizes[-2]) / 2**20:+.0f} MB)")  # fmt: skip
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
