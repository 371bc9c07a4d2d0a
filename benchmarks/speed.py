"""Speed of skhyper against its peers, in one process on one machine.

    python benchmarks/speed.py              # ~15 minutes on 2 cores
    python benchmarks/speed.py --repeat 1   # one run of each

Compares skhyper with sklearn's MLPClassifier/MLPRegressor, plain Keras
``model.fit`` and scikeras 0.13 on:

1. one fit of a 64-unit MLP on sklearn's digits (1797 x 64), batch 128, for
   10 and 100 epochs;
2. seed 003's grid: 8 kernel initializers x cv=3, 10 epochs, a 64-64 MLP with
   dropout 0.1 and RMSprop (sklearn: 8 alphas x cv=3 of a 64-64 MLP);
3. the book's window forecaster (seed 000): window 20, Dense 10-10-1, 100
   epochs on 980 windows;
4. 200 skhyper fits in a row: the process' resident memory before and after;
5. predict with a fitted 64-unit classifier, on 10 rows and on all 1797:
   skhyper's float64 forward pass (the same output for a row in any batch)
   against sklearn's predict and Keras' ``model.predict`` and ``model(X)``
   on the same network.
6. what a warm 10-epoch fit of seed 003's network (64-64, dropout 0.1,
   RMSprop, batch 128, a cv=3 fold of digits) spends outside its epochs
   (checking the data, drawing the weights, starting the output, copying
   state in and out, the history): the fit's time less the time inside the
   compiled loop's epoch and evaluation calls, in ms per fit; for the folds
   of one candidate (same seeds: the drawn kernels are reused) and for a new
   seed each fit.
7. fused searches (``skhyper.model_selection``) against the same search
   through sklearn's own GridSearchCV and sklearn's MLP grid of the same size:
   seed 003's grid; the demo's optimizer x learning rate x schedule grid (72
   fits); a RandomizedSearchCV of 30 candidates x 3 folds; and seconds per
   fit as the number of fits K grows (written as a plot,
   docs/images/fused_scaling.png). Each fused row says how far its scores are
   from the unfused search's; its figure is the median of the runs after its
   first (a first run may fit its groups one by one, and the second then
   traces the stacked epoch: ``skhyper.fused.worth_fusing``), and each run's
   time is listed (the process has built the network and traced the ordinary
   loop already, in the same search through sklearn's GridSearchCV). 7e: seed 003's grid as a user's first search, each
   contender (sklearn's MLP grid, skhyper's fused and sklearn's search,
   scikeras) in fresh processes of its own (importing excluded; building and
   every trace included), and the searches after it in the same processes
   (warm), side by side; each also against sklearn's MLP grid run in the same
   process (``first_search.py``, which also profiles the first search).

8. seed 003's grid with early stopping (a tenth of the rows for validation,
   patience 3, at most 50 epochs) through sklearn's search and fused, beside
   sklearn's MLP grid with its own early stopping.
9. seed 003's grid, 7d's 192 fits and 96 fits at batch 32 with
   ``n_jobs=2`` (loky worker processes) for every contender: the first run
   (starting the workers' TensorFlow and traces) reported, the median over
   the runs after it.

10. the README's forecasting search (``forecast_panel.py``'s grid, the
    folds of ``TimeSeriesSplit(3)``) on the training parts of Airline and
    El Nino: sklearn's GridSearchCV against skhyper's fused one, serially
    and with ``n_jobs=2`` (the "sklearn" rows here are skhyper's
    forecaster through sklearn's search: no sklearn model forecasts); the
    README's averaged option (that search and a differenced one in an
    EnsembleForecaster), serially; and each search as the first search of a
    new process (workers started, every trace; importing excluded).

    python benchmarks/speed.py --tasks 7,8,9   # only the searches

Prints a Markdown table of medians over ``--repeat`` runs, the ratio to
sklearn, and the accuracy or MAE each reached (the speed must not come from
training less); written to benchmarks/results/speed.md.
"""

import argparse
import os
import platform
import statistics
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import psutil  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV, ParameterGrid, train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402

from skhyper import KerasMLPClassifier, WindowForecaster  # noqa: E402
from skhyper.datasets import BOOK_FORECASTER, book_series, load_digits  # noqa: E402
from skhyper.windows import sliding_windows  # noqa: E402

INITIALIZERS = ["uniform", "lecun_uniform", "normal", "zero", "glorot_normal",
                "glorot_uniform", "he_normal", "he_uniform"]  # fmt: skip


def timed(run, repeat, times=None):
    """Median seconds of ``run()`` over ``repeat`` calls, and its last result
    (each call's seconds appended to ``times`` when given)."""
    times, result = [] if times is None else times, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


# ---------------------------------------------------------------- the peers


def sklearn_classifier(epochs, hidden=(64,), alpha=1e-4):
    return MLPClassifier(hidden_layer_sizes=hidden, batch_size=128, max_iter=epochs, alpha=alpha,
                         tol=0.0, n_iter_no_change=10**6, random_state=0)  # fmt: skip


def keras_mlp(n_inputs, n_outputs, hidden, activation_out, dropout=0.0, initializer="glorot_uniform"):
    import keras

    layers = [keras.Input((n_inputs,))]
    for index, units in enumerate(hidden):
        layers.append(keras.layers.Dense(units, activation="relu", kernel_initializer=initializer))
        if dropout and index == 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(n_outputs, activation=activation_out, kernel_initializer=initializer))
    return keras.Sequential(layers)


def keras_fit_classifier(X, y, epochs):
    import keras

    model = keras_mlp(X.shape[1], 10, (64,), "softmax")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    model.fit(X, y, batch_size=128, epochs=epochs, verbose=0)
    return model


def scikeras_classifier(epochs, hidden=(64,), dropout=0.0, optimizer="adam"):
    from scikeras.wrappers import KerasClassifier

    def build(kernel_initializer="glorot_uniform", meta=None):
        return keras_mlp(meta["n_features_in_"], meta["n_classes_"], hidden, "softmax", dropout,
                         kernel_initializer)  # fmt: skip

    # No random_state: scikeras would switch on op determinism for the whole
    # process, which slows and breaks the runs that follow.
    return KerasClassifier(build, loss="sparse_categorical_crossentropy", optimizer=optimizer,
                           epochs=epochs, batch_size=128, verbose=0, kernel_initializer="glorot_uniform")


# -------------------------------------------------------------- the figures


def one_fit(repeat, rows):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    for epochs in (10, 100):
        contenders = {
            "sklearn MLPClassifier": lambda: sklearn_classifier(epochs).fit(X_train, y_train),
            "skhyper KerasMLPClassifier": lambda: KerasMLPClassifier(
                hidden_layer_sizes=(64,), batch_size=128, epochs=epochs, random_state=0
            ).fit(X_train, y_train),
            "Keras model.fit": lambda: keras_fit_classifier(X_train, y_train, epochs),
            "scikeras 0.13": lambda: scikeras_classifier(epochs).fit(X_train, y_train),
        }
        for name, run in contenders.items():
            seconds, model = timed(run, repeat)
            if name == "Keras model.fit":
                accuracy = float((model.predict(X_test, verbose=0).argmax(1) == y_test).mean())
            else:
                accuracy = float((model.predict(X_test) == y_test).mean())
            rows.append((f"1. one fit, {epochs} epochs", name, seconds, f"accuracy {accuracy:.3f}"))


def initializer_grid(repeat, rows):
    X, y = load_digits(return_X_y=True)
    skhyper_search = GridSearchCV(
        KerasMLPClassifier(hidden_layer_sizes=(64, 64), dropout=[0.1, 0.0], optimizer="rmsprop",
                           batch_size=128, epochs=10, random_state=0),  # fmt: skip
        {"kernel_initializer": INITIALIZERS},
        cv=3,
    )
    sklearn_search = GridSearchCV(
        sklearn_classifier(10, hidden=(64, 64)), {"alpha": np.logspace(-5, 2, 8)}, cv=3
    )
    scikeras_search = GridSearchCV(
        scikeras_classifier(10, hidden=(64, 64), dropout=0.1, optimizer="rmsprop"),
        {"kernel_initializer": INITIALIZERS},
        cv=3,
    )
    for name, search in [
        ("sklearn MLPClassifier (8 alphas)", sklearn_search),
        ("skhyper KerasMLPClassifier", skhyper_search),
        ("scikeras 0.13", scikeras_search),
    ]:
        seconds, fitted = timed(lambda: search.fit(X, y), repeat)
        rows.append(("2. seed 003's grid, 24 fits", name, seconds, f"best CV accuracy {fitted.best_score_:.3f}"))


def window_forecaster(repeat, rows):
    import keras

    data = book_series()
    windows, targets = sliding_windows(data.train[:, None], data.train[:, None], 20, 1)
    valid_windows, valid_targets = sliding_windows(data.series[980:, None], data.series[980:, None], 20, 1)

    def plain_keras():
        model = keras_mlp(20, 1, (10, 10), None)
        model.compile(optimizer=keras.optimizers.SGD(1e-6, momentum=0.9), loss="mse")
        model.fit(windows, targets, batch_size=32, epochs=100, verbose=0)
        return lambda X: model.predict(X, verbose=0)[:, 0]

    def skhyper_forecaster():
        # The book's network as the peers train it (raw windows, every epoch).
        model = WindowForecaster(**BOOK_FORECASTER, learning_rate=1e-6, random_state=0).fit(data.train)
        return lambda X: model.predict(data.valid)

    def sklearn_regressor():
        model = MLPRegressor(hidden_layer_sizes=(10, 10), solver="sgd", learning_rate_init=1e-6,
                             momentum=0.9, batch_size=32, max_iter=100, tol=0.0,
                             n_iter_no_change=10**6, random_state=0).fit(windows, targets[:, 0])  # fmt: skip
        return model.predict

    for name, run in [
        ("sklearn MLPRegressor", sklearn_regressor),
        ("skhyper WindowForecaster", skhyper_forecaster),
        ("Keras model.fit", plain_keras),
    ]:
        seconds, predict = timed(run, repeat)
        mae = float(np.abs(predict(valid_windows) - valid_targets[:, 0]).mean())
        rows.append(("3. book's forecaster, 100 epochs", name, seconds, f"validation MAE {mae:.2f}"))


def memory(rows, fits=200):
    X, y = load_digits(return_X_y=True)
    process = psutil.Process()
    KerasMLPClassifier(hidden_layer_sizes=(64,), epochs=2, random_state=0).fit(X, y)
    before = process.memory_info().rss
    started = time.perf_counter()
    for index in range(fits):
        KerasMLPClassifier(hidden_layer_sizes=(64,), epochs=2, random_state=index,
                           kernel_initializer=INITIALIZERS[index % 8]).fit(X, y)  # fmt: skip
    seconds = time.perf_counter() - started
    after = process.memory_info().rss
    rows.append((f"4. {fits} fits in a row", "skhyper KerasMLPClassifier", seconds,
                 f"RSS {before / 2**20:.0f} -> {after / 2**20:.0f} MB (+{(after - before) / 2**20:.0f})"))  # fmt: skip


def predict_speed(repeat, rows, calls=200):
    X, y = load_digits(return_X_y=True)
    clf = KerasMLPClassifier(hidden_layer_sizes=(64,), epochs=10, batch_size=128, random_state=0).fit(X, y)
    sk = sklearn_classifier(10).fit(X, y)
    model = clf.model_
    for n_rows in (10, len(X)):
        part = X[:n_rows].astype(np.float32)
        contenders = [
            ("sklearn MLPClassifier.predict_proba", lambda: sk.predict_proba(part)),
            ("skhyper predict_proba (float64 forward pass)", lambda: clf.predict_proba(part)),
            ("Keras model.predict", lambda: model.predict(part, verbose=0)),
            ("Keras model(X)", lambda: np.asarray(model(part, training=False))),
        ]
        reference = clf.predict_proba(part)
        for name, call in contenders:
            call()  # warm: traces, caches
            seconds, out = timed(lambda call=call: [call() for _ in range(calls)][-1], repeat)
            agreement = "—" if name.startswith("sklearn") else f"max |diff| {np.abs(np.asarray(out) - reference).max():.1e}"
            rows.append((f"5. predict {n_rows} rows (ms per call)", name, seconds / calls * 1000, agreement))


def fit_overhead(repeat, rows, fits=50):
    from skhyper import _compiled

    X, y = load_digits(return_X_y=True)
    folds = [np.arange(len(X)) % 3 != fold for fold in range(3)]  # cv=3's training rows

    def make(seed):
        return KerasMLPClassifier(hidden_layer_sizes=(64, 64), dropout=[0.1, 0.0], optimizer="rmsprop",
                                  batch_size=128, epochs=10, random_state=seed, kernel_initializer="he_normal")  # fmt: skip

    make(0).fit(X[folds[0]], y[folds[0]])  # the architecture's template and traces
    (trainer,) = [t for t in _compiled._local.trainers.values() if len(t.model.layers) == 5]
    inside = [0.0]

    def timed_call(call):
        def run(*args):
            started = time.perf_counter()
            try:
                return call(*args)
            finally:
                inside[0] += time.perf_counter() - started

        return run

    trainer.run_epochs, trainer.evaluate = timed_call(trainer.run_epochs), timed_call(trainer.evaluate)

    def run(seeds):
        inside[0] = 0.0
        started = time.perf_counter()
        for index, seed in enumerate(seeds):
            rows = folds[index % 3]
            make(seed).fit(X[rows], y[rows])
        return time.perf_counter() - started, inside[0]

    sk_seconds, _ = timed(lambda: [sklearn_classifier(10, hidden=(64, 64)).fit(X[folds[i % 3]], y[folds[i % 3]])
                                   for i in range(fits)], repeat)  # fmt: skip
    rows.append(("6. one warm fit, 10 epochs (ms)", "sklearn MLPClassifier", sk_seconds / fits * 1000, "whole fit"))
    for label, seeds in [("a candidate's folds", [0] * fits), ("a new seed each fit", range(1, fits + 1))]:
        seconds, (total, epochs) = timed(lambda seeds=seeds: run(seeds), repeat)
        rows.append(("6. one warm fit, 10 epochs (ms)", f"skhyper, {label}", total / fits * 1000,
                     f"epochs {epochs / fits * 1000:.1f} ms, outside them {(total - epochs) / fits * 1000:.1f} ms"))  # fmt: skip


def fused_searches(repeat, rows):
    from scipy.stats import loguniform
    from sklearn.model_selection import RandomizedSearchCV

    from skhyper import model_selection as fused

    X, y = load_digits(return_X_y=True)
    network = dict(hidden_layer_sizes=(64, 64), dropout=[0.1, 0.0], batch_size=128, epochs=10, random_state=0)

    def compare(task, estimator, grid, sklearn_search, make=GridSearchCV, fused_make=fused.GridSearchCV, **options):
        seconds, sk = timed(lambda: sklearn_search.fit(X, y), repeat)
        rows.append((task, "sklearn MLPClassifier", seconds, f"best CV accuracy {sk.best_score_:.3f}"))
        seconds, plain = timed(lambda: make(estimator, grid, cv=3, **options).fit(X, y), repeat)
        rows.append((task, "skhyper, sklearn's search", seconds, f"best CV accuracy {plain.best_score_:.3f}"))
        # The median of the runs after its first: a first run may fit its
        # groups one by one, and the second then pays for the stack's trace
        # (see skhyper.fused.worth_fusing); every run's time is listed.
        times = []
        _, fast = timed(lambda: fused_make(estimator, grid, cv=3, **options).fit(X, y), repeat + 1, times)
        seconds = statistics.median(times[1:])
        gap = np.abs(fast.cv_results_["mean_test_score"] - plain.cv_results_["mean_test_score"]).max()
        runs = ", ".join(f"{t:.2f}" for t in times)
        rows.append((task, "skhyper, fused search", seconds,
                     f"best CV accuracy {fast.best_score_:.3f}; scores vs unfused: max |diff| {gap:.1e};"
                     f" median of the runs after the first; runs {runs} s"))  # fmt: skip
        return seconds

    compare("7a. seed 003's grid, 24 fits", KerasMLPClassifier(optimizer="rmsprop", **network),
            {"kernel_initializer": INITIALIZERS},
            GridSearchCV(sklearn_classifier(10, hidden=(64, 64)), {"alpha": np.logspace(-5, 2, 8)}, cv=3))  # fmt: skip
    demo = {"optimizer": ["sgd", "adam"], "learning_rate": [0.003, 0.01, 0.03, 0.1],
            "lr_schedule": ["constant", "exponential", "cosine"]}  # fmt: skip
    sk_demo = {"solver": ["sgd", "adam"], "learning_rate_init": [0.003, 0.01, 0.03, 0.1],
               "learning_rate": ["constant", "invscaling", "adaptive"]}  # fmt: skip
    compare("7b. the demo's optimizer x rate x schedule grid, 72 fits",
            KerasMLPClassifier(momentum=0.8, kernel_initializer="he_uniform", **network), demo,
            GridSearchCV(sklearn_classifier(10, hidden=(64, 64)).set_params(momentum=0.8), sk_demo, cv=3))  # fmt: skip
    distributions = {"learning_rate": loguniform(1e-4, 1e-2), "kernel_initializer": INITIALIZERS}
    compare("7c. RandomizedSearchCV, 30 candidates x 3 folds", KerasMLPClassifier(optimizer="rmsprop", **network),
            distributions,
            RandomizedSearchCV(sklearn_classifier(10, hidden=(64, 64)),
                               {"alpha": loguniform(1e-5, 1e2), "learning_rate_init": loguniform(1e-4, 1e-2)},
                               n_iter=30, cv=3, random_state=0),
            make=RandomizedSearchCV, fused_make=fused.RandomizedSearchCV, n_iter=30, random_state=0)  # fmt: skip
    first_search_in_a_new_process(repeat, rows)
    scaling = []
    for n_candidates in (1, 4, 16, 64):
        estimator = KerasMLPClassifier(optimizer="rmsprop", **{**network, "random_state": None})
        grid = {"random_state": list(range(n_candidates))}
        sk_grid = {"random_state": list(range(n_candidates))}
        K = 3 * n_candidates
        compare(f"7d. {K} fits", estimator, grid, GridSearchCV(sklearn_classifier(10, hidden=(64, 64)), sk_grid, cv=3))
        scaling.append((K, *[seconds / K for _, _, seconds, _ in rows[-3:]]))
    _plot_scaling(scaling)


def early_stopping_search(repeat, rows):
    """8: seed 003's grid with early stopping on a tenth of the rows (patience
    3, at most 50 epochs), each contender's own: sklearn's MLP
    ``early_stopping=True`` (validation_fraction 0.1, n_iter_no_change 3)."""
    from skhyper import model_selection as fused

    X, y = load_digits(return_X_y=True)
    estimator = KerasMLPClassifier(hidden_layer_sizes=(64, 64), dropout=[0.1, 0.0], optimizer="rmsprop", batch_size=128,
                                   epochs=50, early_stopping=True, validation_split=0.1, patience=3, random_state=0)  # fmt: skip
    grid = {"kernel_initializer": INITIALIZERS}
    sk = GridSearchCV(MLPClassifier(hidden_layer_sizes=(64, 64), batch_size=128, max_iter=50, early_stopping=True,
                                    validation_fraction=0.1, n_iter_no_change=3, random_state=0),
                      {"alpha": np.logspace(-5, 2, 8)}, cv=3)  # fmt: skip
    task = "8. seed 003's grid with early stopping (<= 50 epochs)"
    seconds, result = timed(lambda: sk.fit(X, y), repeat)
    epochs = np.mean([len(result.best_estimator_.loss_curve_)])
    rows.append((task, "sklearn MLPClassifier", seconds, f"best CV accuracy {result.best_score_:.3f}; refit ran {epochs:.0f} epochs"))
    for name, make in (("skhyper, sklearn's search", GridSearchCV), ("skhyper, fused search", fused.GridSearchCV)):
        times = []
        seconds, result = timed(lambda make=make: make(estimator, grid, cv=3).fit(X, y), repeat, times)
        epochs = len(result.best_estimator_.history_["loss"])
        rows.append((task, name, seconds, f"best CV accuracy {result.best_score_:.3f}; refit ran {epochs} epochs;"
                                          f" first run {times[0]:.2f} s"))  # fmt: skip


def parallel_searches(repeat, rows):
    """9: seed 003's grid, the 192-fit grid of 7d and 96 fits at batch 32
    with ``n_jobs=2`` (loky worker processes), each contender's search spread
    over 2 workers.  The
    first run of each starts what its workers need (skhyper's: importing
    TensorFlow, the traces); its time is reported, the median is over the
    runs after it."""
    from skhyper import model_selection as fused

    X, y = load_digits(return_X_y=True)
    network = dict(hidden_layer_sizes=(64, 64), dropout=[0.1, 0.0], batch_size=128, epochs=10, optimizer="rmsprop")
    cases = [
        ("9a. seed 003's grid, 24 fits, n_jobs=2", KerasMLPClassifier(random_state=0, **network),
         {"kernel_initializer": INITIALIZERS}, {"alpha": np.logspace(-5, 2, 8)}),
        ("9b. 192 fits (64 seeds x 3 folds), n_jobs=2", KerasMLPClassifier(**network),
         {"random_state": list(range(64))}, {"random_state": list(range(64))}),
        ("9c. 96 fits (32 seeds x 3 folds) at batch 32, skhyper's default, n_jobs=2",
         KerasMLPClassifier(**{**network, "batch_size": 32}), {"random_state": list(range(32))},
         {"random_state": list(range(32)), "batch_size": [32]}),
    ]  # fmt: skip
    for task, estimator, grid, sk_grid in cases:
        contenders = [
            ("sklearn MLPClassifier", lambda: GridSearchCV(sklearn_classifier(10, hidden=(64, 64)), sk_grid, cv=3, n_jobs=2)),
            ("skhyper, sklearn's search", lambda: GridSearchCV(estimator, grid, cv=3, n_jobs=2)),
            ("skhyper, fused search", lambda: fused.GridSearchCV(estimator, grid, cv=3, n_jobs=2)),
        ]  # fmt: skip
        for name, make in contenders:
            times = []
            timed(lambda: make().fit(X, y), 1, times)  # the workers' first run
            seconds, result = timed(lambda: make().fit(X, y), repeat)
            rows.append((task, name, seconds, f"best CV accuracy {result.best_score_:.3f}; first run {times[0]:.2f} s"))


def forecasting_searches(repeat, rows):
    """10: the README's forecasting search (``forecast_panel.py``'s grid:
    window sizes x learning rate x linear margin x deseasonalize,
    ``TimeSeriesSplit(3)``) on the training parts of Airline (115 months)
    and El Nino (sea surface temperatures, 585 months), through sklearn's
    GridSearchCV and skhyper's fused one, serially and with ``n_jobs=2``."""
    import json
    import subprocess
    import sys

    from skhyper import model_selection as fused

    _, series = _panel()
    warnings.filterwarnings("ignore", message=".*(season|fold).*")  # (early folds too short for a season's strength)
    for name in ("airline", "elnino"):
        train = series.load(name).train
        fits = 3 * len(list(ParameterGrid(_readme_search(GridSearchCV, train).param_grid)))
        plain = None
        for n_jobs in (1, 2):
            task = f"10. the README's forecasting search, {name} ({len(train)} rows, {fits} fits), n_jobs={n_jobs}"
            seconds, sk = timed(lambda: _readme_search(GridSearchCV, train, n_jobs).fit(train), repeat)
            plain = plain or sk
            rows.append((task, "sklearn's GridSearchCV", seconds, f"best CV MAE {-sk.best_score_:.4g}"))
            times = []
            seconds, fast = timed(lambda: _readme_search(fused.GridSearchCV, train, n_jobs).fit(train), repeat, times)
            gap = np.abs(fast.cv_results_["mean_test_score"] / plain.cv_results_["mean_test_score"] - 1).max()
            rows.append((task, "skhyper, fused search", seconds,
                         f"best CV MAE {-fast.best_score_:.4g}; scores vs unfused: max relative diff {gap:.1e};"
                         f" same pick: {fast.best_params_ == plain.best_params_}; first run {times[0]:.2f} s"))  # fmt: skip
        # The README's averaged option: the search and a differenced one, in an
        # EnsembleForecaster (fits its own copies of both), serially.
        task = f"10. the README's averaged search (two searches, EnsembleForecaster), {name}"
        for contender, make in (("sklearn's GridSearchCV", GridSearchCV), ("skhyper, fused search", fused.GridSearchCV)):
            times = []
            seconds, _ = timed(lambda make=make: _averaged(make, train), repeat, times)
            rows.append((task, contender, seconds, f"first run {times[0]:.2f} s"))
        # A user's first search: a new process, its workers started, every trace.
        task = f"10. the README's forecasting search, {name}: first search in a new process"
        for kind, n_jobs in (("sklearn", 1), ("fused", 1), ("sklearn", 2), ("fused", 2)):
            out = subprocess.run([sys.executable, __file__, "--first-forecasting-search", name, kind, str(n_jobs)],
                                 capture_output=True, text=True, check=True)  # fmt: skip
            seconds = json.loads(out.stdout.strip().splitlines()[-1])
            contender = "sklearn's GridSearchCV" if kind == "sklearn" else "skhyper, fused search"
            rows.append((task, f"{contender}, n_jobs={n_jobs}", seconds, "one run per process; importing excluded"))


def _panel():
    """``forecast_panel`` and ``series``, the forecasting panel's modules
    beside this script."""
    import sys

    here = str(Path(__file__).parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    import forecast_panel
    import series

    return forecast_panel, series


def _readme_search(search, train, n_jobs=None):
    """The README's forecasting search on ``train`` (not fitted), as
    ``search`` (sklearn's GridSearchCV or skhyper's)."""
    from sklearn.model_selection import TimeSeriesSplit

    from skhyper.scorers import neg_mean_absolute_error

    forecast_panel, _ = _panel()
    grid = {"window_size": forecast_panel.window_sizes(len(train)), **forecast_panel.SEARCH_GRID}
    return search(WindowForecaster(seasonal_period="auto", linear_lags="all", random_state=0), grid,
                  cv=TimeSeriesSplit(3), scoring=neg_mean_absolute_error, n_jobs=n_jobs)  # fmt: skip


def _averaged(search, train):
    """The README's averaged forecasting search, through ``search``."""
    from sklearn.model_selection import TimeSeriesSplit

    from skhyper import EnsembleForecaster
    from skhyper.scorers import neg_mean_absolute_error

    forecast_panel, _ = _panel()
    grid = {"window_size": forecast_panel.window_sizes(len(train)), **forecast_panel.DIFFERENCED_GRID}
    changes = search(WindowForecaster(seasonal_period="auto", deseasonalize="difference", linear_lags="all",
                                      min_seasonal_strength=forecast_panel.MIN_SEASONAL_STRENGTH, random_state=0),
                     grid, cv=TimeSeriesSplit(3), scoring=neg_mean_absolute_error)  # fmt: skip
    return EnsembleForecaster([("levels", _readme_search(search, train)), ("changes", changes)]).fit(train)


def _first_forecasting_search(name, kind, n_jobs):
    import json

    from skhyper import model_selection as fused

    _, series = _panel()
    warnings.filterwarnings("ignore", message=".*(season|fold).*")
    train = series.load(name).train
    search = _readme_search(GridSearchCV if kind == "sklearn" else fused.GridSearchCV, train, n_jobs)
    started = time.perf_counter()
    search.fit(train)
    print(json.dumps(time.perf_counter() - started))


def first_search_in_a_new_process(repeat, rows):
    """7e: seed 003's grid as a user's first search: each contender in
    ``repeat`` fresh processes of its own (imports excluded; building and
    every trace included), then ``repeat`` more searches in the same process
    (warm), each beside sklearn's MLP grid run in that process (see
    ``first_search.py``).  The first and the warm figures are medians over
    the processes; "x sklearn" beside each is the median of the contender's
    seconds over sklearn's MLP grid of the same process."""
    import first_search

    names = ["sklearn", "fused", "plain"]
    try:
        import scikeras  # noqa: F401

        names.append("scikeras")
    except ImportError:
        print("scikeras is not installed: not measured in 7e")
    summary = first_search.summary(first_search.first_and_warm(names, repeat, repeat, phases=False))
    labels = {"sklearn": "sklearn MLPClassifier (8 alphas)", "fused": "skhyper, fused search",
              "plain": "skhyper, sklearn's search", "scikeras": "scikeras 0.13"}  # fmt: skip
    for when, key in (("first search in a fresh process", "first"), ("warm: the searches after it", "warm")):
        task = f"7e. seed 003's grid, {when}"
        for name in names:
            wall = summary[name]["wall"]
            ratio = statistics.median(wall[f"{key}_ratio"])
            reached = f"{ratio:.2f} x sklearn's grid in the same process; best CV accuracy {summary[name]['best_score']:.3f}"
            rows.append((task, labels[name], statistics.median(wall[key]), reached))


def _plot_scaling(scaling):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    K = [row[0] for row in scaling]
    fig, ax = plt.subplots(figsize=(6, 4))
    for column, label in [(1, "sklearn MLPClassifier grid"), (2, "skhyper, sklearn's GridSearchCV"),
                          (3, "skhyper.model_selection.GridSearchCV (fused)")]:  # fmt: skip
        ax.plot(K, [row[column] * 1000 for row in scaling], marker="o", label=label)
    ax.set_xscale("log")
    ax.set_xlabel("fits in the search (candidates x 3 folds)")
    ax.set_ylabel("ms per fit (64-64 MLP, 10 epochs, digits)")
    ax.set_title("Seconds per fit as a search grows")
    ax.legend()
    fig.tight_layout()
    out = Path(__file__).parents[1] / "docs" / "images" / "fused_scaling.png"
    fig.savefig(out, dpi=110)
    print(f"written to {out}")


def table(rows, repeat):
    baseline = {task: seconds for task, name, seconds, _ in rows if name.startswith("sklearn")}
    lines = [
        f"| task | contender | median s ({repeat} run{'s' * (repeat > 1)}) | x sklearn | reached |",
        "|---|---|---|---|---|",
    ]
    for task, name, seconds, reached in rows:
        ratio = f"{seconds / baseline[task]:.1f}" if task in baseline else "—"
        lines.append(f"| {task} | {name} | {seconds:.2f} | {ratio} | {reached} |")
    lines.append("")
    lines.append(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()},"
        f" Python {platform.python_version()}; TensorFlow {_version('tensorflow')},"
        f" Keras {_version('keras')}, scikit-learn {_version('scikit-learn')},"
        f" scikeras {_version('scikeras')}."
    )
    return "\n".join(lines)


def _version(package):
    from importlib.metadata import version

    return version(package)


def main(repeat, tasks):
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    rows = []
    runs = {1: lambda: one_fit(repeat, rows), 2: lambda: initializer_grid(repeat, rows),
            3: lambda: window_forecaster(repeat, rows), 4: lambda: memory(rows),
            5: lambda: predict_speed(repeat, rows), 6: lambda: fit_overhead(repeat, rows),
            7: lambda: fused_searches(repeat, rows), 8: lambda: early_stopping_search(repeat, rows),
            9: lambda: parallel_searches(repeat, rows), 10: lambda: forecasting_searches(repeat, rows)}  # fmt: skip
    for task in tasks:
        runs[task]()
    text = table(rows, repeat)
    print(text)
    name = "speed.md" if tasks == sorted(runs) else f"speed_tasks_{'_'.join(map(str, tasks))}.md"
    out = Path(__file__).parent / "results" / name
    out.write_text(text + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tasks", default="1,2,3,4,5,6,7,8,9,10", help="comma-separated task numbers (default: all)")
    parser.add_argument("--first-forecasting-search", nargs=3, help=argparse.SUPPRESS)  # task 10's children
    arguments = parser.parse_args()
    if arguments.first_forecasting_search:
        name, kind, n_jobs = arguments.first_forecasting_search
        _first_forecasting_search(name, kind, int(n_jobs))
        raise SystemExit
    main(arguments.repeat, sorted(int(t) for t in arguments.tasks.split(",")))
