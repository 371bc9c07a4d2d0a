"""Seed 003: the whole walk-through on digits (MNIST in the article).
==================================================================

Dense 64 relu - Dropout 0.1 - Dense 64 relu - softmax, 'uniform' weights, then:

1. SGD, lr 0.1, momentum 0.8, Keras 2's time-based decay ``decay = lr / epochs``
   (per step: Keras 3 ignores ``decay=``, so it is an InverseTimeDecay schedule);
2. the exponential-decay schedule ``lr0 * exp(-k * epoch)``;
3. RMSprop;
4. batch size and epochs;
5. the GridSearchCV over eight initializers with cv=3;
6. saving the best model (joblib for the estimator, .keras for the network).

    python examples/seed003_walkthrough.py [--quick]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import joblib  # noqa: E402
import keras  # noqa: E402
from sklearn.model_selection import GridSearchCV, train_test_split  # noqa: E402

from skhyper import KerasMLPClassifier  # noqa: E402
from skhyper.datasets import load_digits  # noqa: E402
from skhyper.scorers import report  # noqa: E402

INITIALIZERS = ["uniform", "lecun_uniform", "normal", "zero", "glorot_normal",
                "glorot_uniform", "he_normal", "he_uniform"]  # fmt: skip


def main(quick=False, output="."):
    os.makedirs(output, exist_ok=True)  # a new folder too (--output new/dir)
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    epochs = 3 if quick else 60
    network = dict(hidden_layer_sizes=(64, 64), dropout=[0.1, 0.0], kernel_initializer="uniform",
                   batch_size=16, epochs=epochs, random_state=0)  # fmt: skip
    time_based = keras.optimizers.schedules.InverseTimeDecay(
        0.1, decay_steps=1, decay_rate=0.1 / epochs  # decay = lr / epochs, per step as in Keras 2
    )
    runs = {
        "1. SGD 0.1, momentum 0.8, time-based decay": dict(optimizer="sgd", momentum=0.8, lr_schedule=time_based),
        "2. SGD 0.1, exponential decay k=0.1": dict(optimizer="sgd", learning_rate=0.1, momentum=0.8,
                                                   lr_schedule="exponential", lr_decay=0.1),
        "3. RMSprop 0.001": dict(optimizer="rmsprop", learning_rate=0.001),
    }  # fmt: skip
    for name, settings in runs.items():
        model = KerasMLPClassifier(**{**network, **settings}).fit(X_train, y_train)
        print(f"{name:<45} test accuracy {model.score(X_test, y_test):.3f}")

    sizes = GridSearchCV(
        KerasMLPClassifier(**{**network, "optimizer": "rmsprop"}),
        {"batch_size": [16, 128], "epochs": [2, 4] if quick else [10, 40]},
        cv=3,
    ).fit(X_train, y_train)
    print("\n4. batch size x epochs (cv=3):")
    print(report(sizes).to_string(index=False, float_format=lambda v: f"{v:.3g}"))

    initializers = GridSearchCV(
        KerasMLPClassifier(**{**network, "optimizer": "rmsprop", "epochs": 3 if quick else 20}),
        {"kernel_initializer": INITIALIZERS[:2] if quick else INITIALIZERS},
        cv=3,
    ).fit(X_train, y_train)
    print("\n5. initializers (cv=3):")
    print(report(initializers).to_string(index=False, float_format=lambda v: f"{v:.3g}"))

    best = initializers.best_estimator_
    joblib.dump(best, os.path.join(output, "seed003_best.joblib"))
    best.model_.save(os.path.join(output, "seed003_best.keras"))
    reloaded = joblib.load(os.path.join(output, "seed003_best.joblib"))
    print(f"\n6. saved the best model; reloaded test accuracy {reloaded.score(X_test, y_test):.3f}")
    return initializers


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few epochs, two initializers")
    parser.add_argument("--output", default=".", help="folder for the saved model (default: here)")
    arguments = parser.parse_args()
    main(quick=arguments.quick, output=arguments.output)
