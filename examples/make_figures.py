"""Training history, range test, search and forecast: the plots page's figures.
============================================================================

The figures of plot_history, plot_lr_find, plot_search and plot_forecast
that the plots page (docs/user_guide/plots.md) links to: the gallery draws
them on this example's page (about a minute on a laptop CPU).  Run by hand,
it writes them as PNGs into docs/images/ (seed001_history.png, lr_find.png,
search.png, forecast.png) or into ``--output``; no page embeds those files.

    python examples/make_figures.py [--output DIR]

1. seed 001: fixed-rate SGD, exponentially decaying SGD and Adam on digits;
2. seed 000: the learning-rate range test on the book series, per epoch as
   the book does it, and per batch on digits;
3. a grid search's score against the learning rate and the optimizer;
4. the searched WindowForecaster's one-step forecasts of the validation part.
"""

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from skhyper import KerasMLPClassifier, WindowForecaster, lr_find  # noqa: E402
from skhyper.datasets import BOOK_FORECASTER, book_series, load_digits  # noqa: E402
from skhyper.plotting import plot_forecast, plot_history, plot_search  # noqa: E402

try:
    HERE = Path(__file__).resolve().parent
except NameError:  # run by sphinx-gallery, which defines no __file__ and runs in examples/
    HERE = Path.cwd()
IMAGES = HERE.parent / "docs" / "images"


def save(figure, name, output):
    output.mkdir(parents=True, exist_ok=True)
    figure.savefig(output / name, dpi=90)
    print(f"wrote {name}")


def main(output=IMAGES):
    output = Path(output)
    X, y = load_digits(return_X_y=True)
    data = book_series()

    common = dict(hidden_layer_sizes=(128,), epochs=10, validation_split=0.2, random_state=0)
    runs = {
        "SGD, lr 0.01": KerasMLPClassifier(optimizer="sgd", learning_rate=0.01, **common),
        "SGD, 0.1·exp(-0.1·epoch)": KerasMLPClassifier(
            optimizer="sgd", learning_rate=0.1, lr_schedule="exponential", lr_decay=0.1, **common
        ),
        "Adam": KerasMLPClassifier(optimizer="adam", **common),
    }
    save(plot_history({name: model.fit(X, y) for name, model in runs.items()}), "seed001_history.png", output)

    book_net = WindowForecaster(**BOOK_FORECASTER, random_state=0)
    per_epoch = lr_find(book_net, data.train, start_lr=1e-8, end_lr=1e-3, num_steps=100, per="epoch")
    per_batch = lr_find(KerasMLPClassifier(hidden_layer_sizes=(64,), random_state=0), X, y)
    figure, axes = plt.subplots(1, 2, figsize=(12, 4))
    per_epoch.plot(ax=axes[0])
    per_batch.plot(ax=axes[1])
    axes[0].set_title("book series, per epoch (seed 000)")
    axes[1].set_title("digits, per batch")
    save(figure, "lr_find.png", output)

    search = GridSearchCV(
        KerasMLPClassifier(hidden_layer_sizes=(32,), epochs=10, random_state=0),
        {"learning_rate": [1e-3, 3e-3, 1e-2, 3e-2, 1e-1], "optimizer": ["sgd", "rmsprop", "adam"]},
        cv=3,
    ).fit(X, y)
    figure, axes = plt.subplots(1, 2, figsize=(12, 4))
    plot_search(search, "learning_rate", ax=axes[0])
    plot_search(search, ["optimizer", "learning_rate"], ax=axes[1])
    save(figure, "search.png", output)

    # The setting benchmarks/book_forecast.py's search picks on days 0-999.
    forecaster = WindowForecaster(window_size=10, seasonal_period=365, relative_to="mean", linear_path=False,
                                  hidden_layer_sizes=(64,), learning_rate=1e-3, l2=1e-2, epochs=300,
                                  early_stopping=True, validation_split=0.15, patience=20,
                                  random_state=0).fit(data.train)  # fmt: skip
    save(plot_forecast(data.series, forecaster.predict(data.valid), split=data.split, signal=data.signal),
         "forecast.png", output)  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--output", default=str(IMAGES), help="folder for the PNGs (default: docs/images)")
    main(output=parser.parse_args().output)
