"""Forecasts of many series with prediction intervals, and how often they hold.
==============================================================================

One ``WindowForecaster`` over a panel of 200 made-up monthly sales series
(a season, a trend, noise of each series' own size), with conformal 80% and
95% intervals (``interval_horizon``): the share of the held-out months inside
them, their MSIS, and a fan chart of one series:

    python examples/panel_intervals.py [--quick] [--output DIR]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from skhyper import WindowForecaster  # noqa: E402
from skhyper.metrics import coverage, msis, naive_mae  # noqa: E402

H = 12


def sales(n_series=200, length=96, seed=0):
    """Monthly series: each its own level, trend, seasonal swing and noise."""
    rng = np.random.RandomState(seed)
    t = np.arange(length)
    frames = []
    for i in range(n_series):
        level, noise = np.exp(rng.uniform(2, 6)), rng.uniform(0.03, 0.15)
        season = 1 + rng.uniform(0, 0.3) * np.sin(2 * np.pi * (t + rng.randint(12)) / 12)
        trend = 1 + rng.normal(0, 0.004) * t
        y = level * season * trend * (1 + noise * rng.randn(length))
        ds = pd.period_range("2015-01", periods=length, freq="M").to_timestamp()
        frames.append(pd.DataFrame({"unique_id": f"item{i:03d}", "ds": ds, "y": np.maximum(y, 0)}))
    return pd.concat(frames, ignore_index=True)


def main(quick=False, output=None):
    if output is not None:
        os.makedirs(output, exist_ok=True)  # a new folder too (--output new/dir)
    panel = sales(60 if quick else 200)
    train = panel.groupby("unique_id").head(len(panel) // panel["unique_id"].nunique() - H)
    test = panel.drop(index=train.index)

    model = WindowForecaster(seasonal_period=12, interval_horizon=H, epochs=3 if quick else "auto", random_state=0)
    bands = model.fit(train).forecast(H, level=[80, 95])
    y = test["y"].to_numpy()
    for level in (80, 95):
        inside = coverage(y, bands[f"WindowForecaster-lo-{level}"], bands[f"WindowForecaster-hi-{level}"])
        print(f"{level}% intervals: {inside:.1%} of the {len(y)} held-out months inside")
    series = pd.Index(model.panel_ids_).get_indexer(test["unique_id"])
    scales = [naive_mae(part["y"].to_numpy(), 12) for _, part in train.groupby("unique_id")]
    score = msis(y, bands["WindowForecaster-lo-95"], bands["WindowForecaster-hi-95"], scales, series=series)
    print(f"MSIS of the 95% intervals: {score:.2f}")

    try:
        import matplotlib

        if output is not None:
            matplotlib.use("Agg")
        from skhyper.plotting import plot_fan
    except ImportError:
        return
    one = "item001"
    figure = plot_fan(train, bands, unique_id=one, actual=test.loc[test["unique_id"] == one].set_index("ds")["y"])
    if output is not None:
        figure.savefig(os.path.join(output, "panel_intervals.png"), dpi=100)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer series and epochs")
    parser.add_argument("--output", help="a folder for the figure (default: shown by the gallery only)")
    arguments = parser.parse_args()
    main(arguments.quick, arguments.output)
