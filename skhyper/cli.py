"""The ``skhyper`` command: ``demo``, ``search CONFIG`` and ``lr-find``.

Usage (``python -m skhyper`` works too)::

    skhyper demo [--quick] [--output DIR]
    skhyper search CONFIG.toml [--output DIR] [--checkpoint FILE]
    skhyper lr-find [--dataset NAME | --config CONFIG.toml] [--per batch|epoch] [--output DIR]
    skhyper --version

- ``demo`` runs the main job on embedded data: seed 003's initializer grid
  and an optimizer x learning rate x schedule search on scikit-learn's
  digits, a ``WindowForecaster`` search on the book's series, and a
  learning-rate range test (``--quick``: a smaller version).
- ``search`` runs a search described in a TOML file (:mod:`skhyper.config`);
  with ``--checkpoint FILE`` a grid or random search keeps each finished
  candidate in FILE and skips it when run again
  (:func:`skhyper.checkpoint.run_checkpointed`).
- ``lr-find`` runs the learning-rate range test (:func:`skhyper.lr_find`)
  on a built-in dataset or a config's estimator and data.

Each writes its results — the cross-validation results (CSV), the best
parameters (JSON) and the figures (PNG) — into an output folder it names at
the end, and shows a progress bar of the fits.  A mistake in what the user
gave (a config key, a file, a column) is one line on stderr and exit code 2,
never a traceback.  See :doc:`/user_guide/cli`.
"""

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

__all__ = ["main"]

EXIT_USAGE = 2

#: The report rows a search prints (best first); its CSV file holds them all.
SHOWN_ROWS = 8


def main(argv=None):
    """Run the ``skhyper`` command.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    code : int
        The exit code: 0 on success, 2 for a mistake in what was given
        (printed as one line on stderr).

    Examples
    --------
    >>> from skhyper.cli import main
    >>> main(["search", "no-such-config.toml"])
    2
    """
    parser = _parser()
    arguments = parser.parse_args(argv)
    if not hasattr(arguments, "run"):
        parser.print_help()
        return EXIT_USAGE
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ log chatter
    from .config import ConfigError

    try:
        return arguments.run(arguments)
    except ConfigError as error:
        print(f"skhyper: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as error:  # the data or a fit failed: the cause, not a traceback
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        cause = lines[-1] if lines else type(error).__name__
        summary = f"{lines[0]} ... {cause}" if len(lines) > 1 and lines[0] != cause else cause
        print(f"skhyper: {summary}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nskhyper: interrupted", file=sys.stderr)
        return 130


def _parser():
    parser = argparse.ArgumentParser(
        prog="skhyper",
        description="Tune Keras models with scikit-learn's searches.",
        epilog="Run 'skhyper COMMAND --help' for a command's options.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="tune a classifier on digits and a forecaster on the book series (no files needed)",
        description="Seed 003's initializer grid and a learning-rate/schedule search on sklearn's "
        "digits (cv=3), a WindowForecaster search on the book series (TimeSeriesSplit), "
        "and a learning-rate range test; writes tables and figures to the output folder.",
    )
    demo.add_argument("--output", type=Path, help="output folder (default: skhyper-output/demo-TIME)")
    demo.add_argument("--quick", action="store_true", help="tiny settings: seconds, not minutes")
    demo.set_defaults(run=_run_demo)

    search = commands.add_parser(
        "search",
        help="run the search a TOML config describes",
        description="Run the search described in a TOML file (see skhyper.config for the format).",
    )
    search.add_argument("config", type=Path, help="the TOML search config")
    search.add_argument("--output", type=Path, help="output folder (default: skhyper-output/search-TIME)")
    search.add_argument("--checkpoint", type=Path, metavar="FILE",
                        help="keep finished candidates in FILE and skip them when run again"
                        " (grid and random searches)")  # fmt: skip
    search.set_defaults(run=_run_search)

    lr_find = commands.add_parser(
        "lr-find",
        help="learning-rate range test on a dataset",
        description="Raise the learning rate exponentially, plot the loss, suggest a rate.",
    )
    source = lr_find.add_mutually_exclusive_group()
    source.add_argument("--dataset", default="digits",
                        help="digits, breast_cancer, diabetes or book_series (default: digits)")  # fmt: skip
    source.add_argument("--config", type=Path, help="take the estimator and data of a search config")
    lr_find.add_argument("--per", choices=("batch", "epoch"), default="batch", help="step the rate per batch or epoch")
    lr_find.add_argument("--start-lr", type=float, default=1e-7)
    lr_find.add_argument("--end-lr", type=float, default=10.0)
    lr_find.add_argument("--num-steps", type=int, default=100)
    lr_find.add_argument("--output", type=Path, help="output folder (default: skhyper-output/lr-find-TIME)")
    lr_find.set_defaults(run=_run_lr_find)
    return parser


# ------------------------------------------------------------------ commands


def _run_search(arguments):
    from .config import ConfigError, load_config

    config = load_config(arguments.config)
    X, y = config.data()
    from .panel import is_panel

    search = config.search(panel=is_panel(X))
    if arguments.checkpoint is not None:
        if config.kind == "halving":
            raise ConfigError("--checkpoint: works with search.kind 'grid' and 'random', not 'halving'")
        search = _checkpointed(search, X, y, arguments.checkpoint)
    else:
        _fit_with_progress(search, X, y, "search")
    output = _output_folder(arguments.output, "search")
    _write_search(search, output, "search")
    if config.forecast is not None:
        _write_forecast(search.best_estimator_, X, *config.forecast, output, actual=config.held_out())
    print(f"\nResults in {output}")
    return 0


def _write_forecast(best, series, steps, levels, output, actual=None):
    """The best candidate's forecast (with intervals: refit with
    ``interval_horizon=steps``, which calibrates them) as CSV and a fan chart;
    with ``actual``, the values known to follow ``series``, its MAE on them,
    and them on the chart."""
    from sklearn.base import clone

    model = best
    if levels:
        quantile = getattr(best, "interval_method", "conformal") == "quantile"  # networks for these levels
        cost = f"{1 + 2 * len(levels)} fits" if quantile else "a second fit"
        print(f"   calibrating {', '.join(f'{v:g}%' for v in levels)} intervals for {steps} steps ({cost})")
        extra = {"interval_levels": list(levels)} if quantile else {}
        model = clone(best).set_params(interval_horizon=steps, **extra).fit(series)
    import pandas as pd

    forecast = model.forecast(steps, level=levels or None)
    if isinstance(forecast, pd.Series):
        forecast = forecast.to_frame("forecast")
    elif not isinstance(forecast, pd.DataFrame):
        forecast = pd.DataFrame({"forecast": forecast})
    plotting = _plotting()
    panel = "unique_id" in forecast
    if actual is not None:  # the forecast covers known values (held out of the search)
        import numpy as np
        from sklearn.metrics import mean_absolute_error

        actual = np.asarray(actual, dtype=float)[:steps]
        error = mean_absolute_error(actual, forecast["forecast"].to_numpy(dtype=float)[: len(actual)])
        print(f"   the {len(actual)} values that followed the data are known, held out of the search:"
              f" forecast MAE {error:.3f} on them" + (" (the red line of the fan chart)" if plotting and levels else ""))  # fmt: skip
    if plotting and levels:  # (a panel's first series)
        _save_figure(plotting.plot_fan(series, forecast, series["unique_id"].iloc[0] if panel else None, actual=actual),
                     output / "search_forecast.png")  # fmt: skip
    if panel:  # a long frame, as statsforecast's forecast gives
        forecast.to_csv(output / "search_forecast.csv", index=False)
    else:
        if isinstance(forecast.index, (pd.DatetimeIndex, pd.PeriodIndex)):  # dated by a ds column
            forecast.index.name = forecast.index.name or "ds"
        else:
            from ._time_index import label_summary, labels_after

            labels = label_summary(series.index) if isinstance(series, pd.Series) else None
            if labels:  # integer time steps (a ds of integers): the labels after them, as forecast(level=) gives
                forecast.index = labels_after(labels, len(forecast)).rename(series.index.name or "ds")
            else:  # steps ahead, with or without intervals
                forecast.index = pd.RangeIndex(1, len(forecast) + 1, name="step")
        forecast.to_csv(output / "search_forecast.csv", index_label=None if forecast.index.name else "step")
    print(f"   forecast of {steps} steps: search_forecast.csv" + (", search_forecast.png" if plotting and levels else ""))
    print(forecast.head(5).to_string(float_format=lambda v: f"{v:.3f}"))


def _checkpointed(search, X, y, path):
    from .checkpoint import remaining, run_checkpointed
    from .config import ConfigError
    from .progress import progress_bar

    try:
        left = remaining(search, path)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"--checkpoint: {error}") from None
    if left == 0:
        print(f"   {path}: every candidate is done; refitting the best")
    try:
        with progress_bar(desc="   search"):  # the folds of the candidates left, and the refit
            return run_checkpointed(search, X, y, path)
    except KeyboardInterrupt:
        print(f"\nskhyper: the finished candidates are in {path}: run the same command"
              " to go on from there", file=sys.stderr)  # fmt: skip
        raise


def _run_demo(arguments):
    from sklearn.model_selection import TimeSeriesSplit

    from . import KerasMLPClassifier, WindowForecaster, lr_find
    from .datasets import book_series, load_digits
    from .model_selection import GridSearchCV  # the classifier grids' fits fused
    from .scorers import neg_mean_absolute_error

    quick = arguments.quick
    output = _output_folder(arguments.output, "demo")
    X, y = load_digits(return_X_y=True)
    epochs = 2 if quick else 10
    initializers = ["uniform", "lecun_uniform", "normal", "zero", "glorot_normal",
                    "glorot_uniform", "he_normal", "he_uniform"]  # fmt: skip
    classifier = KerasMLPClassifier(hidden_layer_sizes=(64, 64), dropout=[0.1, 0.0], optimizer="rmsprop",
                                    epochs=epochs, random_state=0)  # fmt: skip
    print("1. Seed 003's initializer grid on digits (cv=3)")
    grid = GridSearchCV(classifier, {"kernel_initializer": initializers[:2] if quick else initializers}, cv=3)
    _fit_with_progress(grid, X, y, "initializers")
    _write_search(grid, output, "initializers")

    print("\n2. Optimizer x learning rate x schedule on digits (cv=3)")
    rates = [0.01, 0.1] if quick else [0.003, 0.01, 0.03, 0.1]
    schedule_grid = {"optimizer": ["sgd", "adam"], "learning_rate": rates,
                     "lr_schedule": ["constant", "exponential"] if quick else ["constant", "exponential", "cosine"]}  # fmt: skip
    best = grid.best_estimator_.set_params(momentum=0.8)
    schedules = GridSearchCV(best, schedule_grid, cv=3)
    _fit_with_progress(schedules, X, y, "schedules")
    _write_search(schedules, output, "schedules")

    print("\n3. WindowForecaster on the book series (TimeSeriesSplit, training part only)")
    data = book_series()
    # Last year's rows around the same day, windows relative to their level, a
    # plain MLP (benchmarks/book_forecast.py shows what each adds); epochs by
    # early stopping.
    forecaster = WindowForecaster(hidden_layer_sizes=(64,), l2=1e-2, seasonal_period=365, relative_to="mean",
                                  linear_path=False, epochs=5 if quick else 300, early_stopping=True,
                                  validation_split=0.15, patience=20, random_state=0)  # fmt: skip
    window_grid = {"window_size": [10, 20] if quick else [10, 20, 40], "learning_rate": [1e-3, 1e-2]}
    # Test folds of 150 days leave each training fold more than a year.
    forecast_search = GridSearchCV(forecaster, window_grid, cv=TimeSeriesSplit(3, test_size=150),
                                   scoring=neg_mean_absolute_error)  # fmt: skip
    _fit_with_progress(forecast_search, data.train, None, "forecaster")
    _write_search(forecast_search, output, "forecaster")
    predictions = forecast_search.predict(data.valid)
    validation_mae = float(abs(predictions - data.valid).mean())
    plotting = _plotting()
    if plotting:
        _save_figure(plotting.plot_forecast(data.series, predictions, split=data.split, signal=data.signal),
                     output / "forecaster_forecast.png")  # fmt: skip

    print("\n4. Learning-rate range test (digits, per batch)")
    result = lr_find(KerasMLPClassifier(hidden_layer_sizes=(64,), random_state=0), X, y,
                     start_lr=1e-5 if quick else 1e-7, num_steps=50 if quick else 100)  # fmt: skip
    if plotting:
        _save_figure(result.plot(), output / "lr_find.png")
    print(f"   suggested learning rate: {result.suggestion:.3g} (rule: {result.rule})")

    summary = {
        "initializers": {"best": grid.best_params_, "cv_accuracy": grid.best_score_},
        "schedules": {"best": schedules.best_params_, "cv_accuracy": schedules.best_score_},
        "forecaster": {"best": forecast_search.best_params_, "cv_mae": -forecast_search.best_score_,
                       "validation_mae": validation_mae},
        "lr_find": {"suggestion": result.suggestion, "rule": result.rule},
    }  # fmt: skip
    (output / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    print("\nSummary")
    print(f"   best initializer: {grid.best_params_['kernel_initializer']:<15} CV accuracy {grid.best_score_:.3f}")
    print(f"   best optimizer/rate/schedule: {schedules.best_params_}  CV accuracy {schedules.best_score_:.3f}")
    print(f"   best forecaster: {forecast_search.best_params_}  CV MAE {-forecast_search.best_score_:.2f},"
          f" validation MAE {validation_mae:.2f} (naive 5.94, noise floor 4.01)")  # fmt: skip
    print(f"\nResults in {output}")
    return 0


def _run_lr_find(arguments):
    from . import KerasMLPClassifier, KerasMLPRegressor, WindowForecaster, lr_find
    from .config import ConfigError, load_config, load_dataset

    if arguments.config is not None:
        config = load_config(arguments.config)
        estimator, (X, y) = config.estimator, config.data()
    else:
        forecasting = arguments.dataset == "book_series"
        X, y = load_dataset(arguments.dataset, forecasting=forecasting, key="--dataset")
        kind = {"digits": KerasMLPClassifier, "breast_cancer": KerasMLPClassifier}.get(arguments.dataset)
        if forecasting:
            estimator = WindowForecaster(hidden_layer_sizes=(10, 10), random_state=0)
        else:
            estimator = (kind or KerasMLPRegressor)(hidden_layer_sizes=(64,), random_state=0)
    try:
        result = lr_find(estimator, X, y, start_lr=arguments.start_lr, end_lr=arguments.end_lr,
                         num_steps=arguments.num_steps, per=arguments.per)  # fmt: skip
    except ValueError as error:
        raise ConfigError(str(error)) from None
    output = _output_folder(arguments.output, "lr-find")
    if _plotting():
        _save_figure(result.plot(), output / "lr_find.png")
    (output / "lr_find.json").write_text(json.dumps({
        "suggestion": result.suggestion, "rule": result.rule, "steepest_rate": result.steepest_rate,
        "min_loss_rate": result.min_loss_rate, "diverged": result.diverged,
        "divergence_rate": result.divergence_rate, "momentum_factor": result.momentum_factor,
        "learning_rates": result.learning_rates.tolist(), "losses": [float(v) for v in result.losses],
    }, indent=2))  # fmt: skip
    print(f"Suggested learning rate: {result.suggestion:.3g} (rule: {result.rule};"
          f" lowest loss at {result.min_loss_rate:.3g}, {'diverged' if result.diverged else 'stopped'}"
          f" at {result.divergence_rate:.3g})")  # fmt: skip
    print(f"Results in {output}")
    return 0


# ------------------------------------------------------------------ helpers


def _output_folder(requested, kind):
    folder = requested or Path("skhyper-output") / f"{kind}-{datetime.now():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fit_with_progress(search, X, y, label):
    from .progress import progress_bar

    with progress_bar(desc=f"   {label}"):
        if y is None:
            search.fit(X)
        else:
            search.fit(X, y)


def _write_search(search, output, name):
    import pandas as pd

    from .scorers import report

    pd.DataFrame(search.cv_results_).to_csv(output / f"{name}_cv_results.csv", index=False)
    (output / f"{name}_best_params.json").write_text(json.dumps(search.best_params_, indent=2, default=str))
    table = report(search)
    shown = [c for c in table if not c.endswith("_rank")]
    print(table[shown].head(SHOWN_ROWS).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if len(table) > SHOWN_ROWS:
        print(f"   (the best {SHOWN_ROWS} of {len(table)} rows; all of them in {output / f'{name}_cv_results.csv'})")
    params = [c.removeprefix("param_") for c in search.cv_results_ if c.startswith("param_")]
    metric = search.refit if isinstance(search.refit, str) else "score"
    plotting = _plotting()
    if plotting is None:
        return
    _save_figure(plotting.plot_search(search, params[:2], score=metric), output / f"{name}_search.png")
    if hasattr(search.best_estimator_, "history_"):
        _save_figure(plotting.plot_history(search.best_estimator_, labels=["best"]), output / f"{name}_history.png")


def _plotting():
    """The plotting module, or None (said once) when matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        if not getattr(_plotting, "warned", False):
            print("   (no figures: matplotlib is missing; pip install 'skhyper[plots]')", file=sys.stderr)
            _plotting.warned = True
        return None
    matplotlib.use("Agg")
    from . import plotting

    return plotting


def _save_figure(figure, path):
    import matplotlib.pyplot as plt

    figure.savefig(path, dpi=90)
    plt.close(figure)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
