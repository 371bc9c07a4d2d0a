"""Tune a Keras MLP on sklearn's digits the way seed 003 does, with skhyper.
=========================================================================

Seed 003 grid-searches eight kernel initializers with cv=3 through the old
Keras wrapper (MNIST there; digits here, since nothing is downloaded), then
tunes the optimizer and its learning-rate schedule.  Run:

    python examples/tune_digits.py            # about a minute or two on a laptop CPU
    python examples/tune_digits.py --quick    # a few seconds, tiny settings
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ log chatter

import pandas as pd  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import GridSearchCV, train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402

from skhyper import KerasMLPClassifier  # noqa: E402

SEED_003_INITIALIZERS = ["uniform", "lecun_uniform", "normal", "zero",
                         "glorot_normal", "glorot_uniform", "he_normal", "he_uniform"]  # fmt: skip


def results_table(search, param):
    table = pd.DataFrame(search.cv_results_)
    columns = [f"param_{param}", "mean_test_score", "std_test_score", "rank_test_score", "mean_fit_time"]
    return table[columns].sort_values("rank_test_score").to_string(index=False)


def main(quick=False):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    epochs = 3 if quick else 20

    # Seed 003's network: Dense 64 relu, Dropout 0.1, Dense 64 relu, softmax; RMSprop.
    model = make_pipeline(
        MinMaxScaler(),
        KerasMLPClassifier(hidden_layer_sizes=(64, 64), dropout=[0.1, 0.0], optimizer="rmsprop",
                           epochs=epochs, batch_size=32, random_state=0),  # fmt: skip
    )
    grid = {"kerasmlpclassifier__kernel_initializer": SEED_003_INITIALIZERS[: 2 if quick else None]}
    started = time.perf_counter()
    search = GridSearchCV(model, grid, cv=3).fit(X_train, y_train)
    print(f"1. Initializers, GridSearchCV cv=3 ({time.perf_counter() - started:.0f} s):")
    print(results_table(search, "kerasmlpclassifier__kernel_initializer"))

    best = search.best_estimator_
    grid = {
        "kerasmlpclassifier__optimizer": ["sgd", "adam"],
        "kerasmlpclassifier__learning_rate": [0.01, 0.1] if quick else [0.003, 0.01, 0.03, 0.1],
        "kerasmlpclassifier__lr_schedule": ["constant", "exponential"],
    }
    best.set_params(kerasmlpclassifier__momentum=0.8)  # seed 003's SGD momentum
    started = time.perf_counter()
    search = GridSearchCV(best, grid, cv=3).fit(X_train, y_train)
    print(f"\n2. Optimizer x learning rate x schedule ({time.perf_counter() - started:.0f} s):")
    table = pd.DataFrame(search.cv_results_)
    columns = [c for c in table if c.startswith("param_")] + ["mean_test_score", "rank_test_score"]
    print(table[columns].sort_values("rank_test_score").head(8).to_string(index=False))
    print(f"\nBest: {search.best_params_}")
    print(f"Held-out accuracy of the best model: {search.score(X_test, y_test):.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings, a few seconds")
    main(quick=parser.parse_args().quick)
