"""Seed 001: a fixed learning rate, an exponentially decaying one, and Adam.
=========================================================================

MNIST with Flatten-Dense(128, relu)-Dense(10, softmax) in the article; sklearn's
digits here, or MNIST with ``--mnist`` where it can be downloaded.  SGD at 0.01, SGD at ``0.1 * exp(-0.1 *
epoch)``, and Adam, 10 epochs each; validation loss and accuracy per epoch on
one figure:

    python examples/seed001_schedules.py [--quick] [--mnist]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from skhyper import KerasMLPClassifier  # noqa: E402
from skhyper.datasets import load_digits  # noqa: E402
from skhyper.plotting import plot_history  # noqa: E402


def load_data(mnist):
    """MNIST when asked for and downloadable; sklearn's digits otherwise."""
    if mnist:
        try:
            import keras

            (X, y), _ = keras.datasets.mnist.load_data()
            return X.reshape(len(X), -1) / 255.0, y
        except Exception as error:  # no network: say so, and go on with digits
            print(f"MNIST could not be loaded ({type(error).__name__}); using sklearn's digits.")
    return load_digits(return_X_y=True)


def main(quick=False, mnist=False, output="."):
    os.makedirs(output, exist_ok=True)  # a new folder too (--output new/dir)
    X, y = load_data(mnist)
    common = dict(hidden_layer_sizes=(128,), epochs=3 if quick else 10, validation_split=0.2, random_state=0)
    runs = {
        "SGD, lr 0.01": KerasMLPClassifier(optimizer="sgd", learning_rate=0.01, **common),
        "SGD, 0.1·exp(-0.1·epoch)": KerasMLPClassifier(optimizer="sgd", learning_rate=0.1,
                                                       lr_schedule="exponential", lr_decay=0.1, **common),
        "Adam": KerasMLPClassifier(optimizer="adam", **common),
    }  # fmt: skip
    for name, model in runs.items():
        model.fit(X, y)
        print(f"{name:<26} final validation loss {model.history_['val_loss'][-1]:.3f},"
              f" accuracy {model.history_['val_accuracy'][-1]:.3f}")  # fmt: skip
    figure = plot_history(runs)
    figure.savefig(os.path.join(output, "seed001_schedules.png"), dpi=90)
    print("figure: seed001_schedules.png")
    return runs


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 epochs instead of 10")
    parser.add_argument("--mnist", action="store_true", help="use MNIST, as the article (needs a download)")
    parser.add_argument("--output", default=".", help="folder for the figure (default: here)")
    arguments = parser.parse_args()
    main(quick=arguments.quick, mnist=arguments.mnist, output=arguments.output)
