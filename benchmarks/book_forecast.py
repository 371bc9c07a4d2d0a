"""One-step MAE on the book series (seed 000): baselines, the book's recipe,
and what a cross-validated search finds using the training part only.

    python benchmarks/book_forecast.py            # 3 seeds, ~2 min on 2 cores (n_jobs=2)
    python benchmarks/book_forecast.py --seeds 1 --quick

Prints a Markdown table (also written to benchmarks/results/book_forecast.md):
MAE on the validation part (days 1000-1460) of
- the naive forecast (yesterday's value) and the noise-free signal (the floor);
- Ridge regression on the 20 previous values, and on the same inputs as the
  seasonal forecaster (those 20 and the 7 around the same day a year before);
- the book's DNN through WindowForecaster: Dense 10-10-1, SGD lr 1e-6
  momentum 0.9, window 20, batch 32, 100 epochs, raw values (scale=False,
  relative_to=None, linear_path=False, no early stopping);
- ``WindowForecaster(seasonal_period="auto")`` with its defaults, and the
  best of a GridSearchCV of it over window size (10, 20, 40) and learning
  rate (1e-3, 1e-2);
- the best WindowForecaster (Dense 64) of a GridSearchCV over window size,
  seasonal rows (none, or a 365-day season), plain or level-relative windows,
  learning rate and L2 (epochs by early stopping on the last 15% of the
  windows; no linear path) with TimeSeriesSplit(3, test_size=150) on days
  0-999, refit on them; and that pick refit with each option switched:
  without seasonal rows, with plain windows, with the linear path.
"""

import argparse
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit  # noqa: E402

from skhyper import WindowForecaster  # noqa: E402
from skhyper.datasets import BOOK_FORECASTER, book_series  # noqa: E402
from skhyper.scorers import neg_mean_absolute_error  # noqa: E402
from skhyper.windows import lag_offsets, sliding_windows  # noqa: E402

BOOK_RECIPE = dict(BOOK_FORECASTER, learning_rate=1e-6)
# Up to 300 epochs, stopped early on the last 15% of the windows (in time); a
# plain MLP, which does better here than with the linear path (the last row).
SEARCHED = dict(hidden_layer_sizes=(64,), epochs=300, early_stopping=True, validation_split=0.15, patience=20,
                linear_path=False)  # fmt: skip
GRID = {
    "window_size": [10, 20, 40],
    "seasonal_period": [None, 365],  # seasonal_window=3: 7 rows around the day a year before
    "relative_to": [None, "mean"],
    "learning_rate": [1e-3, 1e-2],
    "l2": [1e-3, 1e-2],
}
QUICK_GRID = {"window_size": [20], "learning_rate": [1e-3, 1e-2]}
# The defaults (seasonal_period="auto" finds 365 here) and a plain window x rate grid.
DEFAULTS_GRID = {"window_size": [10, 20, 40], "learning_rate": [1e-3, 1e-2]}


def mae(predicted, actual):
    return float(np.abs(np.asarray(predicted) - np.asarray(actual)).mean())


def ridge_on_lags(series, split, offsets):
    X, y = sliding_windows(series[:, None], series[:, None], offsets, 1)
    y = y[:, 0]
    train = np.arange(offsets[0], len(series)) < split
    return mae(Ridge(alpha=1.0).fit(X[train], y[train]).predict(X[~train]), y[~train])


def main(seeds, quick):
    data = book_series()
    split = data.split
    rows = {
        "naive (yesterday's value)": [mae(data.series[split - 1 : -1], data.valid)],
        "noise-free signal (floor)": [mae(data.signal[split:], data.valid)],
        "Ridge on 20 lags": [ridge_on_lags(data.series, split, lag_offsets(20))],
        "Ridge on 20 lags + 7 a year before": [ridge_on_lags(data.series, split, lag_offsets(20, 1, 365, 3))],
    }
    book, searched, chosen, seconds, defaults, defaults_searched = [], [], [], [], [], []
    # What each of the two window options adds: the search's pick refit with it off.
    ablations = {"seasonal_period": None, "relative_to": None, "linear_path": True}
    labels = {"seasonal_period": "without seasonal rows", "relative_to": "with plain windows",
              "linear_path": "with a linear path"}  # fmt: skip
    without = {name: [] for name in ablations}
    for seed in range(seeds):
        recipe = WindowForecaster(**{**BOOK_RECIPE, "epochs": 10 if quick else 100}, random_state=seed)
        book.append(mae(recipe.fit(data.train).predict(data.valid), data.valid))
        default = WindowForecaster(seasonal_period="auto", random_state=seed, **({"epochs": 10} if quick else {}))
        defaults.append(mae(default.fit(data.train).predict(data.valid), data.valid))
        grid = GridSearchCV(default, QUICK_GRID if quick else DEFAULTS_GRID, cv=TimeSeriesSplit(n_splits=3, test_size=150),
                            scoring=neg_mean_absolute_error, n_jobs=1 if quick else 2).fit(data.train)  # fmt: skip
        defaults_searched.append(mae(grid.predict(data.valid), data.valid))
        started = time.perf_counter()
        search = GridSearchCV(
            WindowForecaster(**{**SEARCHED, "epochs": 20 if quick else 300}, random_state=seed),
            QUICK_GRID if quick else GRID,
            cv=TimeSeriesSplit(n_splits=3, test_size=150),
            scoring=neg_mean_absolute_error,
            n_jobs=1 if quick else 2,  # quick: no worker processes to start
        ).fit(data.train)
        seconds.append(time.perf_counter() - started)
        searched.append(mae(search.predict(data.valid), data.valid))
        chosen.append(search.best_params_)
        for name, off in ablations.items():
            if search.best_estimator_.get_params()[name] is not off:
                refit = clone(search.best_estimator_).set_params(**{name: off}).fit(data.train)
                without[name].append(mae(refit.predict(data.valid), data.valid))
        print(f"seed {seed}: book {book[-1]:.3f}, searched {searched[-1]:.3f} "
              f"{search.best_params_} ({seconds[-1]:.0f} s)", flush=True)  # fmt: skip
    rows["book's DNN via WindowForecaster"] = book
    rows["WindowForecaster(seasonal_period='auto'), defaults"] = defaults
    rows["the defaults, window x rate grid (CV, training part)"] = defaults_searched
    rows["best of the CV search (training part only)"] = searched
    for name, values in without.items():
        if values:
            rows[f"the search's pick {labels[name]} ({name}={ablations[name]})"] = values

    lines = [
        f"| model | validation MAE (mean ± std over {seeds} seed{'s' * (seeds > 1)}) | min | max |",
        "|---|---|---|---|",
    ]
    for name, values in rows.items():
        spread = f" ± {np.std(values):.2f}" if len(values) > 1 else ""
        lines.append(f"| {name} | {np.mean(values):.2f}{spread} | {min(values):.2f} | {max(values):.2f} |")
    lines.append("")
    lines.append("Search picks: " + "; ".join(str(p) for p in chosen))
    lines.append(f"Search time per seed: {np.mean(seconds):.0f} s "
                 f"({len(search.cv_results_['params'])} candidates x 3 folds + refit, n_jobs={search.n_jobs}).")  # fmt: skip
    lines.append(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.")
    table = "\n".join(lines)
    print(table)
    if not quick:
        out = Path(__file__).parent / "results" / "book_forecast.md"
        out.write_text(table + "\n")
        print(f"written to {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    arguments = parser.parse_args()
    main(arguments.seeds, arguments.quick)
