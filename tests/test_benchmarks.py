"""The forecasting benchmark runs end to end in its quick mode (loose bounds only)."""

import re
import runpy
import sys
from pathlib import Path

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
