"""How WindowForecaster's panel defaults were chosen: validation on M3's
training parts only (the last ``h`` values of each series' ``x`` held out,
nothing of ``xx`` seen).

Each run fits ``WindowForecaster(seasonal_period=m, **settings)`` on one
frequency's panel and scores its ``h``-step forecasts of the held-out part
(MASE and sMAPE as in benchmarks/m3.py), one JSON line per run appended to
``--log``; ``--table`` turns a log into the markdown table of
benchmarks/results/m3_defaults.md.

    python benchmarks/m3_defaults.py --freq other --seeds 0,1 --settings '{"window_size": 12}'
    python benchmarks/m3_defaults.py --freq monthly --seeds 0 --share 0.25   # the auto window at a quarter
    python benchmarks/m3_defaults.py --dataset Tourism --freq yearly --settings '{"epochs": 30}'
    python benchmarks/m3_defaults.py --table benchmarks/results/m3_defaults.jsonl > benchmarks/results/m3_defaults.md
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


def run(freq, seeds, settings, share=None, dataset="M3"):
    from skhyper import WindowForecaster
    from skhyper.estimators import _panel

    if share is not None:
        _panel.AUTO_PANEL_WINDOW_SHARE = share
    panel = m3.load_panel(freq, 1, True, dataset)
    for seed in seeds:
        started = time.time()
        model = WindowForecaster(seasonal_period=m3._season(panel), random_state=seed, **settings)
        forecasts = m3._skhyper_forecasts(model, panel)
        yield {
            "dataset": dataset, "freq": freq, "settings": settings, "share": share, "seed": seed,
            "window": model.window_size_, "epochs": model.n_iter_, "batch": model._batch_size(),
            "mase": round(float(np.mean(m3.mase(panel.test, forecasts, panel.train, panel.period))), 4),
            "smape": round(float(np.mean(m3.smape(panel.test, forecasts))), 3),
            "seconds": round(time.time() - started, 1),
        }  # fmt: skip


def table(path):
    with open(path) as log:
        rows = [json.loads(line) for line in log if line.strip()]
    out = [
        "# WindowForecaster's panel defaults, validated on M3's training parts",
        "",
        "The last h values of each series' x held out (benchmarks/m3_defaults.py); mean over the seeds run.",
        "`window` and `epochs` are what the fit used; `share`: AUTO_PANEL_WINDOW_SHARE (None: the code's, 0.5)."
        " Runs on Tourism's training parts were made after the M3 choice, to check it.",
        "",
        "| data | frequency | settings | share | window | epochs | seeds | MASE | sMAPE |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    groups = {}
    for row in rows:
        key = (row["dataset"], row["freq"], json.dumps(row["settings"], sort_keys=True), row["share"], row["window"],
               row["epochs"])  # fmt: skip
        groups.setdefault(key, []).append(row)
    order = {"yearly": 0, "quarterly": 1, "monthly": 2, "other": 3}
    for key in sorted(groups, key=lambda k: (k[0] != "M3", k[0], order[k[1]], k[4], k[5], k[2])):
        runs = groups[key]
        mase = np.mean([r["mase"] for r in runs])
        smape = np.mean([r["smape"] for r in runs])
        out.append(f"| {key[0]} | {key[1]} | `{key[2]}` | {key[3]} | {key[4]} | {key[5]} | {len(runs)} |"
                   f" {mase:.3f} | {smape:.2f} |")  # fmt: skip
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--freq", default="other")
    parser.add_argument("--dataset", default="M3")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--settings", default="{}", help="WindowForecaster parameters, as JSON")
    parser.add_argument("--share", type=float)
    parser.add_argument("--log", default="benchmarks/results/m3_defaults.jsonl")
    parser.add_argument("--table", help="print the table of a log instead")
    args = parser.parse_args()
    if args.table:
        print(table(args.table))
        return
    seeds = [int(s) for s in args.seeds.split(",")]
    for row in run(args.freq, seeds, json.loads(args.settings), args.share, args.dataset):
        print(json.dumps(row), flush=True)
        with open(args.log, "a") as log:
            log.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
