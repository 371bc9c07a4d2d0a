"""How a global WindowForecaster's fit grows with the number of series.

Generated retail-like panels (weekly seasonality, trend, noise, series of
different scales), ``--length`` values each, as a long DataFrame; each size is
fit with the defaults (``WindowForecaster(seasonal_period=7)``) in a fresh
process, which reports the fit's and the forecast's wall time and the peak
resident memory above the process's memory after the panel was built.

    python benchmarks/panel_scale.py --sizes 1000,10000,100000
"""

import argparse
import concurrent.futures
import datetime
import multiprocessing
import os
import platform
import resource
import time

import numpy as np


def make_panel(n_series, length, seed=0):
    import pandas as pd

    rng = np.random.RandomState(seed)
    t = np.arange(length)
    level = np.exp(rng.uniform(0, 6, n_series))[:, None]
    weekly = 1 + 0.3 * np.sin(2 * np.pi * (t[None, :] + rng.randint(0, 7, n_series)[:, None]) / 7)
    trend = 1 + rng.normal(0, 0.002, n_series)[:, None] * t[None, :]
    values = np.maximum(level * weekly * trend * (1 + 0.1 * rng.randn(n_series, length)), 0)
    return pd.DataFrame({
        "unique_id": np.repeat(np.arange(n_series), length),
        "ds": np.tile(t, n_series),
        "y": values.ravel(),
    })  # fmt: skip


def measure(n_series, length):
    """In a fresh process: fit and forecast times and peak memory above the panel."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from skhyper import WindowForecaster

    panel = make_panel(n_series, length)
    import keras  # noqa: F401  (TensorFlow's memory is in the baseline, not in the fit's)

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    current = _rss()
    start = time.perf_counter()
    model = WindowForecaster(seasonal_period=7, random_state=0).fit(panel)
    fitted = time.perf_counter()
    forecast = model.forecast(14)
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert np.isfinite(forecast.iloc[:, -1]).all()
    return {
        "fit s": fitted - start, "forecast s": done - fitted,
        "peak above panel MB": (max(peak, baseline) - current) / 1024,
        "panel MB": panel.memory_usage(deep=True).sum() / 2**20,
    }  # fmt: skip


def _rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--out", default="benchmarks/results/panel_scale.md")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    lines = [
        f"# Global WindowForecaster: fit time and memory by panel size ({args.length} values a series)",
        "",
        f"{datetime.date.today()}; `{' '.join(platform.uname())}`; {os.cpu_count()} cores",
        "",
        "| series | values | panel MB | fit s | forecast 14 s | peak memory above the panel, MB |",
        "|---|---|---|---|---|---|",
    ]
    for size in map(int, args.sizes.split(",")):
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
            result = pool.submit(measure, size, args.length).result()
        lines.append(
            f"| {size} | {size * args.length} | {result['panel MB']:.0f} | {result['fit s']:.1f} |"
            f" {result['forecast s']:.1f} | {result['peak above panel MB']:.0f} |"
        )
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as file:
        file.write(text)
    print(text)


if __name__ == "__main__":
    main()
