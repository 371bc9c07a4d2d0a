"""Each example runs end to end in its quick mode."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.slow
def test_tune_digits_quick(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["tune_digits.py", "--quick"])
    runpy.run_path(str(EXAMPLES / "tune_digits.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "Initializers, GridSearchCV cv=3" in out
    accuracy = float(out.rsplit("Held-out accuracy of the best model:", 1)[1])
    assert 0.5 < accuracy <= 1.0
