"""Seed 002: the tuning checklist, on its linear regression y = 3x + noise.
========================================================================

First the article's model: one Dense unit, Adam, MSE, 100 epochs, batch 32.
Then every choice on its checklist — optimizer, learning rate (fixed,
exponential decay, decay with restarts), batch size, L1/L2, network
structure — as one RandomizedSearchCV:

    python examples/seed002_checklist.py [--quick]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from scipy.stats import loguniform  # noqa: E402
from sklearn.model_selection import RandomizedSearchCV  # noqa: E402

from skhyper import KerasMLPRegressor  # noqa: E402
from skhyper.scorers import report  # noqa: E402


def main(quick=False, output="."):
    os.makedirs(output, exist_ok=True)  # a new folder too (--output new/dir)
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (200, 1))
    y = 3 * x[:, 0] + rng.normal(0, 0.2, 200)

    epochs = 20 if quick else 100
    line = KerasMLPRegressor(hidden_layer_sizes=(), optimizer="adam", learning_rate=0.1, loss="mse",
                             epochs=epochs, batch_size=32, random_state=0).fit(x, y)  # fmt: skip
    slope = float(np.asarray(line.model_.layers[-1].kernel)[0, 0])
    print(f"one Dense unit, Adam: slope {slope:.3f} (true 3), final loss {line.loss_curve_[-1]:.4f}")

    checklist = {
        "optimizer": ["sgd", "adam", "rmsprop"],
        "learning_rate": loguniform(1e-3, 3e-1),
        "lr_schedule": ["constant", "exponential", "cosine_restarts"],
        "batch_size": [8, 32, 128],
        "l1": [0.0, 1e-3],
        "l2": [0.0, 1e-3],
        "hidden_layer_sizes": [(), (8,), (32, 32)],
    }
    search = RandomizedSearchCV(
        KerasMLPRegressor(epochs=epochs, random_state=0),
        checklist,
        n_iter=4 if quick else 30,
        cv=3,
        scoring="neg_mean_absolute_error",
        random_state=0,
    ).fit(x, y)
    print(report(search).head(5).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"best: {search.best_params_}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 4))
    order = np.argsort(x[:, 0])
    axis.scatter(x[:, 0], y, s=8, alpha=0.5, label="y = 3x + noise")
    axis.plot(x[order, 0], line.predict(x[order]), "C1", label=f"one Dense unit (slope {slope:.2f})")
    axis.plot(x[order, 0], search.predict(x[order]), "C2--", label="the search's best")
    axis.set(xlabel="x", ylabel="y", title="Seed 002: the checklist's regression")
    axis.legend()
    figure.savefig(os.path.join(output, "seed002_checklist.png"), dpi=90)
    return search


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 epochs, 4 candidates")
    parser.add_argument("--output", default=".", help="folder for the figure (default: here)")
    arguments = parser.parse_args()
    main(quick=arguments.quick, output=arguments.output)
