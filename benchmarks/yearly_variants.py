"""Variants of WindowForecaster's panel defaults on short yearly series
(issue 31), validated on the training parts of M3, Tourism and M1 (the last
``h`` values of each series' ``x`` held out; nothing of ``xx`` seen).

Like benchmarks/m3_defaults.py, one JSON line per fit appended to ``--log``,
with a ``variant`` name, the WindowForecaster ``settings`` and any private
module ``constants`` patched for the run (``{"_panel.NAME": value}``); each
fit's forecasts are kept under ``--forecasts`` so that an ensemble (the mean
of several seeds' forecasts) can be scored without refitting
(``--ensemble``).  ``--table`` writes the summary markdown.

    python benchmarks/yearly_variants.py --dataset M3 --freq yearly --seeds 0,1 --variant default
    python benchmarks/yearly_variants.py --dataset M1 --freq yearly --seeds 0,1 --variant epochs30 --settings '{"epochs": 30}'
    python benchmarks/yearly_variants.py --table /tmp/yearly.jsonl > benchmarks/results/yearly_variants.md
    python benchmarks/yearly_variants.py --dataset M3 --origin 2 --seeds 0,1 --variant default  # an earlier origin

``--origin 2`` holds out the block of ``h`` values before the last one
instead (the series with at least ``h`` values before it), logged and
stored as data set ``M3@2``: ``benchmarks/results/yearly_origins.md``.

The runs in benchmarks/results/yearly_variants.jsonl were made before the
choice they led to: their "default" is the defaults of then, a level of one
value and a floor of 4 for the auto window without a season, and their
constants the private ones of then (``_panel._LEVEL_ROWS_WITHOUT_SEASON``,
``_panel._AUTO_PANEL_MIN_WINDOW``, ``_panel._MIN_WINDOW_HISTORY``).
``level2_min6`` became the defaults (``skhyper.windows.LEVEL_ROWS_WITHOUT_SEASON
= 2``, ``_panel.AUTO_PANEL_MIN_WINDOW = 6``); the first two old names are read
as the new ones, and the defaults of then are

    --constants '{"windows.LEVEL_ROWS_WITHOUT_SEASON": 1, "_panel.AUTO_PANEL_MIN_WINDOW": 4}'
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import m3  # noqa: E402


#: The experiments' private constants, by the names they took when adopted.
RENAMED = {"_panel._LEVEL_ROWS_WITHOUT_SEASON": "windows.LEVEL_ROWS_WITHOUT_SEASON",
           "_panel._AUTO_PANEL_MIN_WINDOW": "_panel.AUTO_PANEL_MIN_WINDOW"}  # fmt: skip


def _patch(constants):
    import importlib

    for name, value in constants.items():
        name = RENAMED.get(name, name)
        module, attribute = name.rsplit(".", 1)
        module = importlib.import_module("skhyper.windows" if module == "windows" else f"skhyper.estimators.{module}")
        if not hasattr(module, attribute):
            raise AttributeError(f"{module.__name__} has no {attribute}")
        setattr(module, attribute, value)


def _scores(panel, forecasts):
    return (
        round(float(np.mean(m3.mase(panel.test, forecasts, panel.train, panel.period))), 4),
        round(float(np.mean(m3.smape(panel.test, forecasts))), 3),
    )


def _stored(dataset, origin):
    """The name of a data set's stored forecasts and log rows: an earlier
    origin (``--origin 2``: the second last block of h values of x held out)
    as ``M3@2``."""
    return dataset if origin == 1 else f"{dataset}@{origin}"


def run(dataset, freq, seeds, variant, settings, constants, store, origin=1):
    from skhyper import WindowForecaster

    _patch(constants)
    panel = m3.load_panel(freq, 1, origin, dataset)
    dataset = _stored(dataset, origin)
    for seed in seeds:
        started = time.time()
        model = WindowForecaster(seasonal_period=m3._season(panel), random_state=seed, **settings)
        forecasts = m3._skhyper_forecasts(model, panel)
        seconds = round(time.time() - started, 1)
        np.save(os.path.join(store, f"{dataset}_{freq}_{variant}_{seed}.npy"), forecasts)
        mase, smape = _scores(panel, forecasts)
        yield {
            "dataset": dataset, "freq": freq, "variant": variant, "settings": settings, "constants": constants,
            "seed": seed, "window": model.window_size_, "epochs": model.n_iter_, "batch": model._batch_size(),
            "windows": int(model.n_windows_), "mase": mase, "smape": smape, "seconds": seconds,
        }  # fmt: skip


def baselines(dataset, freq, store, origin=1):
    """statsforecast's AutoETS, AutoTheta and AutoARIMA on the validation
    split, as benchmarks/m3.py runs them, but with the naive forecast for a
    series a model refuses (AutoETS on fewer values than it has parameters:
    a few of Tourism's and M1's yearly training parts)."""
    import warnings

    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, Naive

    panel = m3.load_panel(freq, 1, origin, dataset)
    dataset = _stored(dataset, origin)
    frame = m3._long_frame(panel)
    found = {}
    for name, model in (("ets", AutoETS), ("theta", AutoTheta), ("arima", AutoARIMA)):
        path = os.path.join(store, f"{dataset}_{freq}_{name}.npy")
        started = time.time()
        if not os.path.exists(path):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sf = StatsForecast(models=[model(season_length=panel.period)], freq=1, n_jobs=1, fallback_model=Naive())
                out = sf.forecast(df=frame, h=panel.h).sort_values(["unique_id", "ds"])
            np.save(path, out.iloc[:, -1].to_numpy().reshape(len(panel.train), panel.h))
        found[name] = np.load(path)
        yield _baseline_row(dataset, freq, name, panel, found[name], time.time() - started)
    for name, parts in (("ets_theta", ("ets", "theta")), ("mean3", ("ets", "theta", "arima"))):
        yield _baseline_row(dataset, freq, name, panel, np.mean([found[p] for p in parts], axis=0), 0.0)


def _baseline_row(dataset, freq, name, panel, forecasts, seconds):
    mase, smape = _scores(panel, forecasts)
    return {"dataset": dataset, "freq": freq, "variant": f"baseline {name}", "settings": {}, "constants": {},
            "seed": "-", "window": "-", "epochs": "-", "batch": "-", "windows": "-", "mase": mase, "smape": smape,
            "seconds": round(seconds, 1)}  # fmt: skip


def ensemble(dataset, freq, variant, groups, store, log, origin=1):
    """Score the mean of each group of seeds' stored forecasts."""
    panel = m3.load_panel(freq, 1, origin, dataset)
    dataset = _stored(dataset, origin)
    rows = [json.loads(line) for line in open(log) if line.strip()]
    mine = {r["seed"]: r for r in rows if (r["dataset"], r["freq"], r["variant"]) == (dataset, freq, variant)}
    for group in groups:
        forecasts = np.mean([np.load(os.path.join(store, f"{dataset}_{freq}_{variant}_{s}.npy")) for s in group], axis=0)
        mase, smape = _scores(panel, forecasts)
        first = mine[group[0]]
        yield {
            "dataset": dataset, "freq": freq, "variant": f"{variant} x{len(group)}", "settings": first["settings"],
            "constants": first["constants"], "seed": "+".join(map(str, group)), "window": first["window"],
            "epochs": first["epochs"], "batch": first["batch"], "windows": first["windows"], "mase": mase,
            "smape": smape, "seconds": round(sum(mine[s]["seconds"] for s in group), 1),
        }  # fmt: skip


def table(path, baselines=None):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    groups = {}
    for row in rows:
        groups.setdefault((row["dataset"], row["freq"], row["variant"]), []).append(row)
    out = [
        "| data | frequency | variant | settings / constants | window | epochs | windows | seeds | MASE per seed"
        " | MASE | sMAPE | s per fit |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    order = {"M3": 0, "Tourism": 1, "M1": 2, "M3@2": 3, "Tourism@2": 4, "M1@2": 5}
    freqs = {"yearly": 0, "quarterly": 1, "monthly": 2, "other": 3}
    for key in sorted(groups, key=lambda k: (freqs[k[1]], order[k[0]], k[2])):
        runs = groups[key]
        described = json.dumps(runs[0]["settings"]) + (" " + json.dumps(runs[0]["constants"]) if runs[0]["constants"] else "")
        out.append(
            f"| {key[0]} | {key[1]} | {key[2]} | `{described}` | {runs[0]['window']} | {runs[0]['epochs']} |"
            f" {runs[0]['windows']} | {', '.join(str(r['seed']) for r in runs)} |"
            f" {', '.join('%.3f' % r['mase'] for r in runs)} | {np.mean([r['mase'] for r in runs]):.3f} |"
            f" {np.mean([r['smape'] for r in runs]):.2f} | {np.mean([r['seconds'] for r in runs]):.0f} |"
        )
    return "\n".join(out)


COLUMNS = (("M3", "yearly"), ("Tourism", "yearly"), ("M1", "yearly"), ("M3", "other"), ("M3", "quarterly"),
           ("M3", "monthly"), ("M3@2", "yearly"), ("Tourism@2", "yearly"), ("M1@2", "yearly"), ("M3@2", "other"))  # fmt: skip


def pivot(path):
    """One row per variant: its mean validation MASE on each data set and
    frequency (the seeds in brackets), and the change from the defaults'
    mean over the same seeds."""
    rows = [json.loads(line) for line in open(path) if line.strip()]
    found = {}
    for row in rows:
        found.setdefault(row["variant"], {}).setdefault((row["dataset"], row["freq"]), {})[str(row["seed"])] = row["mase"]
    default = found.get("default", {})
    columns = [c for c in COLUMNS if any(c in runs for runs in found.values())]
    head = "| variant | " + " | ".join(f"{d} {f}" for d, f in columns) + " |"
    out = [head, "|---|" + "---|" * len(columns)]
    for variant in sorted(found, key=lambda v: (not v.startswith("baseline"), v != "default", v)):
        cells = []
        for column in columns:
            runs = found[variant].get(column)
            if not runs:
                cells.append("")
                continue
            mean = np.mean(list(runs.values()))
            cell = f"{mean:.3f}"
            if not variant.startswith("baseline"):
                cell += f" ({','.join(runs)})"
                same = [default.get(column, {}).get(seed) for seed in runs]
                if variant != "default" and all(v is not None for v in same):
                    cell += f" {100 * (mean / np.mean(same) - 1):+.1f}%"
            cells.append(cell)
        out.append(f"| {variant} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default="M3")
    parser.add_argument("--freq", default="yearly")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--origin", type=int, default=1,
                        help="K: hold out the K-th last block of h values of x (series with h values before it)")
    parser.add_argument("--variant", default="default")
    parser.add_argument("--settings", default="{}", help="WindowForecaster parameters, as JSON")
    parser.add_argument("--constants", default="{}", help='private module constants, {"_panel.NAME": value}')
    parser.add_argument("--ensemble", help="score means of stored seeds instead: groups like 0+1+2,3+4+5")
    parser.add_argument("--log", default="/tmp/yearly.jsonl")
    parser.add_argument("--forecasts", default="/tmp/yv/fc")
    parser.add_argument("--table", help="print the table of a log instead")
    parser.add_argument("--baselines", action="store_true", help="ETS, Theta, ARIMA and their means instead")
    args = parser.parse_args()
    if args.table:
        print(pivot(args.table), "", table(args.table), sep="\n")
        return
    os.makedirs(args.forecasts, exist_ok=True)
    if args.baselines:
        rows = baselines(args.dataset, args.freq, args.forecasts, args.origin)
    elif args.ensemble:
        groups = [[int(s) for s in g.split("+")] for g in args.ensemble.split(",")]
        rows = ensemble(args.dataset, args.freq, args.variant, groups, args.forecasts, args.log, args.origin)
    else:
        seeds = [int(s) for s in args.seeds.split(",")]
        rows = run(args.dataset, args.freq, seeds, args.variant, json.loads(args.settings), json.loads(args.constants),
                   args.forecasts, args.origin)  # fmt: skip
    for row in rows:
        print(json.dumps(row), flush=True)
        with open(args.log, "a") as log:
            log.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
