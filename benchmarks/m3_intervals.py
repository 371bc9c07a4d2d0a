"""Prediction intervals on the M3 competition: coverage and MSIS.

Each frequency's series are forecast ``h`` steps from the end of their
training part with 80% and 95% intervals, scored on the test part
(``--validate``: the last ``h`` values of the training part instead, for
choices made without the test part).

Methods
-------
- ``ets``, ``arima``: statsforecast's AutoETS and AutoARIMA, their own
  (model-based) intervals, ``level=[80, 95]``.
- ``skhyper``: ``WindowForecaster(seasonal_period=m, interval_horizon=h)``
  on the frequency's panel, ``forecast(h, level=[80, 95])``: the defaults
  and their conformal intervals (``skhyper_point`` is the same forecaster
  without ``interval_horizon``, for the cost of the intervals;
  ``skhyper_w1`` and ``skhyper_wh`` take 1 and ``h`` calibration origins per
  series instead of "auto"'s 3; ``skhyper_quantile`` takes
  ``interval_method="quantile"``: networks trained with the pinball loss).

Scores, pooled over series and steps: coverage (the share of test values
inside the interval) at 80% and 95%, and MSIS at 95% as the M4 competition
defines it (the interval's width plus 2 / 0.05 times how far a value falls
outside, over the in-sample MAE of the seasonal naive forecast; the mean
over series).  Each method runs in a fresh process; ``--cache DIR`` keeps
statsforecast's results.

    python benchmarks/m3_intervals.py --cache /tmp/m3cache
    python benchmarks/m3_intervals.py --validate --methods ets,skhyper_w1,skhyper,skhyper_wh \
        --out benchmarks/results/m3_intervals_validate.md            # the choices, on training parts
    python benchmarks/m3_intervals.py --dataset Tourism --methods ets,skhyper_point,skhyper \
        --out benchmarks/results/tourism_intervals.md                # data no choice was made on
    python benchmarks/m3_intervals.py --dataset M1 --methods ets,skhyper_point,skhyper \
        --out benchmarks/results/m1_intervals.md
"""

import argparse
import concurrent.futures
import datetime
import multiprocessing
import os
import pickle
import platform
import resource
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from m3 import DATASET_FREQS, FREQS, _long_frame, _season, _split_name, load_panel, mase_scale  # noqa: E402

LEVELS = (80, 95)
METHODS = ("ets", "arima", "skhyper_point", "skhyper")


def _statsforecast(panel, model, fallback=None):
    from statsforecast import StatsForecast

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = StatsForecast(models=[model], freq=1, n_jobs=1, fallback_model=fallback).forecast(
            df=_long_frame(panel), h=panel.h, level=list(LEVELS)
        )
    out = out.sort_values(["unique_id", "ds"])
    name, shape = repr(model), (len(panel.train), panel.h)
    bounds = {
        level: (out[f"{name}-lo-{level}"].to_numpy().reshape(shape), out[f"{name}-hi-{level}"].to_numpy().reshape(shape))
        for level in LEVELS
    }
    return out[name].to_numpy().reshape(shape), bounds, {}


def ets(panel):
    from statsforecast.models import AutoETS, Naive

    # Naive (with its own intervals) where a series is too short for AutoETS
    # ("tiny datasets": a few of Tourism's and M1's yearly training parts
    # under --validate); M3's series all take AutoETS.
    return _statsforecast(panel, AutoETS(season_length=panel.period), Naive())


def arima(panel):
    from statsforecast.models import AutoARIMA

    return _statsforecast(panel, AutoARIMA(season_length=panel.period))


def _skhyper(panel, intervals, conformal_windows="auto", method="conformal"):
    from skhyper import WindowForecaster

    model = WindowForecaster(
        seasonal_period=_season(panel), interval_horizon=panel.h if intervals else None,
        conformal_windows=conformal_windows, interval_method=method,
    )  # fmt: skip
    started = time.perf_counter()
    model.fit(_long_frame(panel))
    fitted = time.perf_counter()
    forecast = model.forecast(panel.h, level=list(LEVELS) if intervals else None)
    done = time.perf_counter()
    shape = (len(panel.train), panel.h)
    column = type(model).__name__
    bounds = {
        level: tuple(forecast[f"{column}-{side}-{level}"].to_numpy().reshape(shape) for side in ("lo", "hi"))
        for level in (LEVELS if intervals else ())
    }
    times = {"fit s": fitted - started, "forecast s": done - fitted}
    if intervals and method == "conformal":  # the errors' own lower and upper quantiles instead (the choice was made on --validate)
        point = forecast[column].to_numpy().reshape(shape)
        scale = model.interval_scale_[:, None]
        found = {}
        for level in LEVELS:
            tail = (1 - level / 100) / 2
            low, high = np.quantile(model.conformal_scores_, [tail, 1 - tail], axis=0, method="inverted_cdf")
            found[level] = (point + low * scale, point + high * scale)
        times["variants"] = {"signed": found}
    return forecast[column].to_numpy().reshape(shape), bounds, times


def skhyper(panel):
    return _skhyper(panel, True)


def skhyper_w1(panel):
    """With 1 origin per series (a choice tried on --validate)."""
    return _skhyper(panel, True, 1)


def skhyper_wh(panel):
    """With ``h`` origins per series (a choice tried on --validate)."""
    return _skhyper(panel, True, panel.h)


def skhyper_quantile(panel):
    """Quantile networks trained with the pinball loss (``interval_method="quantile"``)."""
    return _skhyper(panel, True, method="quantile")


def skhyper_point(panel):
    return _skhyper(panel, False)


def run_method(method, freqs, every, validate, dataset):
    results = {}
    for freq in freqs:
        panel = load_panel(freq, every, validate, dataset)
        wall, cpu = time.perf_counter(), time.process_time()
        out = globals()[method](panel)
        results[freq] = (out, time.perf_counter() - wall, time.process_time() - cpu)
    return results, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cached_run(method, freqs, every, validate, cache, dataset):
    def fresh():
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
            return pool.submit(run_method, method, freqs, every, validate, dataset).result()

    if cache is None or method.startswith("skhyper"):
        return fresh()
    split = ("validate" if int(validate) == 1 else f"validate{int(validate)}") if validate else "test"
    path = os.path.join(cache, f"{dataset}_{method}_intervals_{'-'.join(freqs)}_every{every}_{split}.pkl")
    if not os.path.exists(path):
        result = fresh()
        os.makedirs(cache, exist_ok=True)
        with open(path, "wb") as file:
            pickle.dump(result, file)
    with open(path, "rb") as file:
        return pickle.load(file)


def coverage(y, lower, upper):
    return float(np.mean((y >= lower) & (y <= upper)))


def msis(y, lower, upper, train, period, alpha=0.05):
    """M4's MSIS of each series (rows)."""
    penalty = (upper - lower) + 2 / alpha * ((lower - y) * (y < lower) + (y - upper) * (y > upper))
    scales = np.array([mase_scale(x, period) for x in train])
    return penalty.mean(axis=1) / scales


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default="M3", choices=("M3", "M1", "Tourism"))
    parser.add_argument("--freq")
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--validate", type=int, nargs="?", const=1, default=0,
                        help="score on the last h of x (K: on the K-th last block of h values, an earlier origin)")
    parser.add_argument("--cache")
    parser.add_argument("--out", default="benchmarks/results/m3_intervals.md")
    args = parser.parse_args()
    freqs = args.freq.split(",") if args.freq else [f for f in FREQS if f in DATASET_FREQS[args.dataset]]
    panels = {freq: load_panel(freq, args.every, args.validate, args.dataset) for freq in freqs}
    runs = {}
    for method in args.methods.split(","):
        print(f"running {method} ...", flush=True)
        runs[method] = cached_run(method, freqs, args.every, args.validate, args.cache, args.dataset)

    lines = [
        f"# {args.dataset} prediction intervals, {_split_name(args.validate)},"
        f" every {args.every}-th series",
        "",
        f"{datetime.date.today()}; `{' '.join(platform.uname())}`; {os.cpu_count()} cores",
        "",
        "Coverage of the 80% and 95% intervals (pooled over series and steps; nominal 0.80 and 0.95) and"
        " MSIS at 95% (M4's definition, mean over series); wall seconds of the whole method.",
        "",
        "| method | freq | series | coverage 80 | coverage 95 | MSIS 95 | wall s |",
        "|---|---|---|---|---|---|---|",
    ]
    extra = []
    for method, (per_freq, peak) in runs.items():
        for freq in freqs:
            (point, bounds, times), wall, _ = per_freq[freq]
            panel = panels[freq]
            variants = {method: bounds}
            variants.update({f"{method} ({name})": found for name, found in times.get("variants", {}).items()})
            for name, found in variants.items():
                if not found:
                    continue
                cells = [coverage(panel.test, *found[level]) for level in LEVELS]
                score = msis(panel.test, *found[95], panel.train, panel.period).mean()
                lines.append(
                    f"| {name} | {freq} | {len(panel.train)} | {cells[0]:.3f} | {cells[1]:.3f} | {score:.2f} | {wall:.0f} |"
                )
            if method.startswith("skhyper"):
                extra.append(f"- {method} {freq}: fit {times['fit s']:.1f} s, forecast {times['forecast s']:.2f} s")
    lines += ["", "skhyper's times (fit, then `forecast(h, level=...)` or `forecast(h)`):", "", *extra, ""]
    text = "\n".join(lines)
    print(text)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as file:
        file.write(text)


if __name__ == "__main__":
    main()
