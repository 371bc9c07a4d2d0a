"""The skhyper command, end to end on tiny settings."""

import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skhyper.cli import main

DIGITS_CONFIG = """
[estimator]
kind = "KerasMLPClassifier"
params = { hidden_layer_sizes = [8], epochs = 2, random_state = 0 }

[grid]
kernel_initializer = ["glorot_uniform", "he_uniform"]
{extra_grid}

[data]
dataset = "digits"

[search]
kind = "{kind}"
cv = 2
{extra_search}
"""


FORECASTER_CONFIG = """
[estimator]
kind = "WindowForecaster"
params = {{ hidden_layer_sizes = [8], epochs = 2, random_state = 0 }}
[grid]
window_size = [5, 10]
[data]
{data}
[search]
cv = {cv}
"""


def write_config(tmp_path, text, name="config.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def digits_config(tmp_path, kind="grid", extra_grid="", extra_search=""):
    text = DIGITS_CONFIG.replace("{kind}", kind).replace("{extra_grid}", extra_grid)
    return write_config(tmp_path, text.replace("{extra_search}", extra_search))


@pytest.mark.slow
def test_demo_quick_writes_tables_and_figures(tmp_path, capsys):
    assert main(["demo", "--quick", "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr()
    assert f"Results in {tmp_path / 'out'}" in out.out
    # The progress bar: 2 initializers x 3 folds + the refit, with the time left.
    assert "7/7 fits" in out.err and "left]" in out.err
    files = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"initializers_cv_results.csv", "schedules_best_params.json", "forecaster_forecast.png",
            "lr_find.png", "summary.json"} <= files  # fmt: skip
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert 0 < summary["initializers"]["cv_accuracy"] <= 1
    assert summary["forecaster"]["validation_mae"] > 0


@pytest.mark.parametrize(
    "kind, extra_grid, extra_search",
    [
        ("grid", "", ""),
        ("random", 'learning_rate = { distribution = "loguniform", low = 1e-4, high = 1e-1 }', "n_iter = 2"),
        ("halving", "learning_rate = [1e-3, 1e-2, 1e-1]", "max_resources = 4\nmin_resources = 1\nfactor = 2"),
        # min_resources left out: its default was "exhaust", which scikit-learn refuses with n_candidates "exhaust"
        ("halving", "learning_rate = [1e-3, 1e-2, 1e-1]", "max_resources = 4\nfactor = 2"),
    ],
)
def test_search_kinds(tmp_path, capsys, kind, extra_grid, extra_search):
    config = digits_config(tmp_path, kind, extra_grid, extra_search)
    assert main(["search", str(config), "--output", str(tmp_path / "out")]) == 0
    results = pd.read_csv(tmp_path / "out" / "search_cv_results.csv")
    assert len(results) >= 2
    best = json.loads((tmp_path / "out" / "search_best_params.json").read_text())
    assert best["kernel_initializer"] in ("glorot_uniform", "he_uniform")
    assert (tmp_path / "out" / "search_search.png").is_file()


def test_a_long_report_says_how_many_rows_it_shows_and_where_all_are(tmp_path, capsys):
    from sklearn.linear_model import RidgeClassifier
    from sklearn.model_selection import GridSearchCV

    from skhyper.cli import _write_search
    from skhyper.datasets import load_digits

    search = GridSearchCV(RidgeClassifier(), {"alpha": [2.0**i for i in range(10)]}, cv=2)
    _write_search(search.fit(*load_digits(return_X_y=True)), tmp_path, "ridge")
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1 + 8 + 1  # the header, 8 rows and what was left out
    assert f"(the best 8 of 10 rows; all of them in {tmp_path / 'ridge_cv_results.csv'})" in out


def test_search_a_forecaster_on_a_csv_series(tmp_path):
    series = pd.DataFrame({"day": np.arange(200), "value": np.sin(np.arange(200) / 7.0)})
    series.to_csv(tmp_path / "series.csv", index=False)
    config = write_config(tmp_path, FORECASTER_CONFIG.format(
        data='csv = "series.csv"\ncolumn = "value"', cv='{ kind = "timeseries", n_splits = 2 }'))  # fmt: skip
    assert main(["search", str(config), "--output", str(tmp_path / "out")]) == 0
    results = pd.read_csv(tmp_path / "out" / "search_cv_results.csv")
    assert {"mean_test_neg_mae", "mean_test_neg_mase"} <= set(results)


def test_a_csv_with_unique_id_and_ds_is_a_panel_and_a_ds_column_dates_one_series(tmp_path):
    # a long CSV was fit as one series of every series end to end, its forecast indexed by step
    rng = np.random.RandomState(0)
    months = pd.date_range("2001-01-01", periods=40, freq="MS").strftime("%Y-%m-%d")
    panel = pd.concat([pd.DataFrame({"unique_id": f"s{i}", "ds": months, "sales": 10 + rng.randn(40).cumsum()})
                       for i in range(4)])  # fmt: skip
    panel.to_csv(tmp_path / "panel.csv", index=False)
    text = FORECASTER_CONFIG.format(data='csv = "panel.csv"\ncolumn = "sales"', cv="2")
    config = write_config(tmp_path, text.replace("[5, 10]", "[4, 6]") + "[forecast]\nsteps = 3\nlevel = [80]\n")
    assert main(["search", str(config), "--output", str(tmp_path / "out")]) == 0
    results = pd.read_csv(tmp_path / "out" / "search_cv_results.csv")
    assert np.isfinite(results["mean_test_neg_mase"]).all() and "split1_test_neg_mase" in results  # 2 origins
    forecast = pd.read_csv(tmp_path / "out" / "search_forecast.csv")
    assert list(forecast.columns) == ["unique_id", "ds", "WindowForecaster", "WindowForecaster-lo-80",
                                      "WindowForecaster-hi-80"]  # fmt: skip
    assert forecast["unique_id"].tolist() == [f"s{i}" for i in range(4) for _ in range(3)]
    assert forecast["ds"].tolist()[:3] == ["2004-05-01", "2004-06-01", "2004-07-01"]
    panel.drop(columns="unique_id").iloc[:40].to_csv(tmp_path / "one.csv", index=False)
    config = write_config(tmp_path, text.replace("panel.csv", "one.csv") + "[forecast]\nsteps = 2\n")
    assert main(["search", str(config), "--output", str(tmp_path / "one")]) == 0
    one = pd.read_csv(tmp_path / "one" / "search_forecast.csv")
    assert list(one.columns) == ["ds", "forecast"] and one["ds"].tolist() == ["2004-05-01", "2004-06-01"]  # was "step"
    write_config(tmp_path, text.replace("cv = 2", 'cv = { kind = "timeseries", n_splits = 2 }'))
    assert main(["search", str(config)]) == 2  # a panel's folds cut every series: PanelSplit's
    write_config(tmp_path, text.replace("cv = 2", 'cv = { kind = "panel", h = 2, n_windows = 0 }'))
    assert main(["search", str(config)]) == 2


@pytest.mark.parametrize(
    "ds, sales, message",
    [(pd.date_range("2001-01-01", periods=30, freq="MS").strftime("%Y-%m-%d"), ["n/a?"] + [1.0] * 29,
      "data.column: 'sales' of one.csv holds 'n/a?' (row 2 of the file), not a number"),  # was NaN, then a fit error
     (pd.date_range("2021-03-01", periods=30, freq="D", tz="Europe/Paris").astype(str), [1.0] * 30,
      "column ds of one.csv must hold dates or integer steps: its dates have different UTC offsets")],
)
def test_a_csv_series_of_text_values_or_mixed_offsets_is_one_line(tmp_path, capsys, ds, sales, message):
    pd.DataFrame({"ds": ds, "sales": sales}).to_csv(tmp_path / "one.csv", index=False)
    config = write_config(tmp_path, FORECASTER_CONFIG.format(data='csv = "one.csv"\ncolumn = "sales"', cv="2"))
    assert main(["search", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("years, level", [(np.arange(1871.0, 1911.0), "level = [80]"), (np.arange(1871, 1911), "")])
def test_a_csv_series_of_years_as_numbers_is_forecast_for_the_next_years(tmp_path, years, level):
    # R writes years as 1871.0: they were read as nanoseconds (forecasts of 1970-01-01 00:00:00.000001911);
    # years as 1871 were dropped (forecasts labelled step 1, 2)
    values = 10 + np.random.RandomState(0).randn(40).cumsum()
    pd.DataFrame({"ds": years, "sales": values}).to_csv(tmp_path / "one.csv", index=False)
    text = FORECASTER_CONFIG.format(data='csv = "one.csv"\ncolumn = "sales"', cv="2").replace("[5, 10]", "[4]")
    config = write_config(tmp_path, text + f"[forecast]\nsteps = 2\n{level}\n")
    assert main(["search", str(config), "--output", str(tmp_path / "out")]) == 0
    forecast = pd.read_csv(tmp_path / "out" / "search_forecast.csv")
    assert list(forecast.columns)[:2] == ["ds", "forecast"] and forecast["ds"].tolist() == [1911, 1912]
    months = [100 * year + month for year in (2000, 2001, 2002, 2003) for month in range(1, 13)][:40]  # yyyymm codes
    pd.DataFrame({"ds": months, "sales": values}).to_csv(tmp_path / "one.csv", index=False)
    assert main(["search", str(config), "--output", str(tmp_path / "codes")]) == 2  # not counted on to 200313
    missing = 1871 + np.r_[np.arange(20), np.arange(21, 41)]  # a missing year is a missing row, as fit reads it
    pd.DataFrame({"ds": missing, "sales": values}).to_csv(tmp_path / "one.csv", index=False)
    assert main(["search", str(config), "--output", str(tmp_path / "missing")]) == 0


def test_a_panel_csv_of_years_as_numbers_has_integer_steps_and_fractions_are_refused(tmp_path, capsys):
    # fractional years were read as nanoseconds since 1970: "ds=1970-01-01 00:00:00.000001960 twice"
    rng = np.random.RandomState(0)
    panel = pd.concat([pd.DataFrame({"unique_id": f"s{i}", "ds": 1960 + np.arange(30) / 4, "y": rng.randn(30)})
                       for i in range(2)])  # fmt: skip
    panel.to_csv(tmp_path / "panel.csv", index=False)
    text = FORECASTER_CONFIG.format(data='csv = "panel.csv"\ncolumn = "y"', cv="1").replace("[5, 10]", "[4]")
    config = write_config(tmp_path, text + "[forecast]\nsteps = 2\n")
    assert main(["search", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert "column ds of panel.csv holds 1960.25 (row 3 of the file), not a date or an integer step" in err
    assert "as dates" in err and "integer steps" in err and len(err.splitlines()) == 1
    panel.assign(ds=1960.0 + np.tile(np.arange(30), 2)).to_csv(tmp_path / "panel.csv", index=False)
    assert main(["search", str(config), "--output", str(tmp_path / "out")]) == 0
    forecast = pd.read_csv(tmp_path / "out" / "search_forecast.csv")
    assert forecast["ds"].tolist() == [1990, 1991, 1990, 1991]


def test_forecast_with_quantile_intervals_trains_the_levels_asked(tmp_path, capsys):
    series = pd.DataFrame({"value": np.sin(np.arange(120) / 7.0) + 0.1 * np.random.RandomState(0).randn(120)})
    series.to_csv(tmp_path / "series.csv", index=False)
    text = FORECASTER_CONFIG.format(data='csv = "series.csv"\ncolumn = "value"', cv="2")
    text = text.replace("random_state = 0", 'random_state = 0, interval_method = "quantile"')
    config = write_config(tmp_path, text + "[forecast]\nsteps = 3\nlevel = [90]\n")
    assert main(["search", str(config), "--output", str(tmp_path / "out")]) == 0
    forecast = pd.read_csv(tmp_path / "out" / "search_forecast.csv")
    assert list(forecast.columns) == ["step", "forecast", "lo-90", "hi-90"]
    assert (forecast["lo-90"] <= forecast["forecast"]).all() and (forecast["forecast"] <= forecast["hi-90"]).all()
    assert "(3 fits)" in capsys.readouterr().out


def test_search_a_forecaster_then_forecast_with_intervals(tmp_path, capsys):
    series = pd.DataFrame({"value": np.sin(np.arange(200) / 7.0) + 0.1 * np.random.RandomState(0).randn(200)})
    series.to_csv(tmp_path / "series.csv", index=False)
    text = FORECASTER_CONFIG.format(data='csv = "series.csv"\ncolumn = "value"', cv="2")
    config = write_config(tmp_path, text + "[forecast]\nsteps = 6\nlevel = [80, 95]\n")
    assert main(["search", str(config), "--output", str(tmp_path / "out")]) == 0
    forecast = pd.read_csv(tmp_path / "out" / "search_forecast.csv")
    assert list(forecast.columns) == ["step", "forecast", "lo-95", "lo-80", "hi-80", "hi-95"] and len(forecast) == 6
    assert forecast["step"].tolist() == [1, 2, 3, 4, 5, 6]  # steps ahead
    assert (forecast["lo-95"] <= forecast["lo-80"]).all() and (forecast["hi-80"] <= forecast["hi-95"]).all()
    assert "search_forecast.csv" in capsys.readouterr().out
    for wrong, message in [("steps = 6", "steps = 0"), ("level = [80, 95]", "level = [80, 100]")]:
        write_config(tmp_path, text + f"[forecast]\nsteps = 6\nlevel = [80, 95]\n".replace(wrong, message))
        assert main(["search", str(config)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("skhyper: forecast.") and len(err.splitlines()) == 1


def test_a_forecast_after_the_book_series_training_part_is_shown_against_what_followed(tmp_path, capsys, monkeypatch):
    # its "next days" are the series' held-out days: the fan chart drew the forecast alone, as if of the future
    from skhyper import plotting
    from skhyper.datasets import book_series

    drawn = {}
    plot_fan = plotting.plot_fan
    monkeypatch.setattr(plotting, "plot_fan", lambda *args, **kwargs: drawn.update(kwargs) or plot_fan(*args, **kwargs))
    text = FORECASTER_CONFIG.format(data='dataset = "book_series"', cv="2").replace("[5, 10]", "[5]")
    config = write_config(tmp_path, text + "[forecast]\nsteps = 3\nlevel = [80]\n")
    assert main(["search", str(config), "--output", str(tmp_path / "out")]) == 0
    np.testing.assert_array_equal(drawn["actual"], book_series().valid[:3])
    assert "the 3 values that followed the data are known, held out of the search: forecast MAE" in capsys.readouterr().out


def test_forecast_section_needs_a_forecaster(tmp_path, capsys):
    config = digits_config(tmp_path)
    config.write_text(config.read_text() + "\n[forecast]\nsteps = 3\n")
    assert main(["search", str(config)]) == 2
    assert "[forecast]: only a WindowForecaster forecasts" in capsys.readouterr().err


def test_timeseries_cv_takes_a_test_size_and_names_a_wrong_one(tmp_path):
    from skhyper.config import ConfigError, load_config

    text = FORECASTER_CONFIG.format(
        data='dataset = "book_series"', cv='{ kind = "timeseries", n_splits = 3, test_size = 150 }')  # fmt: skip
    config = write_config(tmp_path, text)
    splits = list(load_config(config).search().cv.split(np.zeros(1000)))
    assert [len(test) for _, test in splits] == [150, 150, 150] and len(splits[0][0]) == 550
    for wrong, message in [("test_size = 0", "search.cv.test_size: needs a positive integer"),
                           ("gap = 5", "search.cv: unknown setting(s) ['gap']")]:  # fmt: skip
        write_config(tmp_path, text.replace("test_size = 150", wrong))
        with pytest.raises(ConfigError, match=re.escape(message)):
            load_config(config).search()


@pytest.mark.parametrize(
    "change, message",
    [
        (("kind = \"grid\"", "kindd = \"grid\""), "search.kindd: unknown key"),
        (("KerasMLPClassifier", "KerasMLPClassifer"), "estimator.kind: 'KerasMLPClassifer' is not one of"),
        (("kernel_initializer =", "kernel_initialiser ="), "grid.kernel_initialiser: KerasMLPClassifier has no parameter"),
        (("epochs = 2", "epochs = \"two\""), "estimator.params.epochs: The 'epochs' parameter"),
        (("\"he_uniform\"]", "\"he_unifrom\"]"), "grid.kernel_initializer: The 'kernel_initializer' parameter"),
        (("dataset = \"digits\"", "csv = \"missing.csv\"\ntarget = \"y\""), "data.csv: no file"),
        (("dataset = \"digits\"", "dataset = \"mnist\""), "data.dataset: 'mnist' is not one of"),
        (("cv = 2", "cv = 1"), "search.cv: give an integer >= 2"),
        (("[grid]", "[grid]\nlearning_rate = { distribution = \"loguniform\", low = 1e-4, high = 1e-1 }"),
         "grid.learning_rate: a distribution needs search.kind = 'random'"),
        (("[data]", "[dat]"), "dat: unknown key"),
        (("cv = 2", "cv = 2\nscoring = \"mase\""), "search.scoring: 'mase' is not a scorer: one of skhyper's (accuracy,"),
        (("cv = 2", "cv = 2\nscoring = \"forecaster_scoring\""), "'forecaster_scoring' is not a scorer"),  # a helper
        (("epochs = 2", "epochs = true"), "estimator.params.epochs: epochs is not a true/false parameter"),  # was 1
        (("dataset = \"digits\"", "csv = 3\ntarget = \"y\""), "data.csv: the file's path"),  # was a TypeError
    ],
)
def test_config_mistakes_are_one_line_and_exit_2(tmp_path, capsys, change, message):
    config = digits_config(tmp_path)
    config.write_text(config.read_text().replace(*change, 1))
    assert main(["search", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skhyper: ") and message in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("kind, setting", [("random", 'n_iter = "ten"'), ("grid", 'n_jobs = "two"'),
                                           ("random", 'random_state = "zero"'), ("halving", "factor = 1")])
def test_search_settings_of_the_wrong_type_are_named_before_the_search_starts(tmp_path, capsys, kind, setting):
    # were scikit-learn's message (or a ZeroDivisionError) at the first fit, exit 1, not naming search.KEY
    config = digits_config(tmp_path, kind, "learning_rate = [1e-3, 1e-2]", setting)
    assert main(["search", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"skhyper: search.{setting.split()[0]}: ") and len(err.splitlines()) == 1


def test_missing_csv_column(tmp_path, capsys):
    pd.DataFrame({"a": [1.0, 2.0], "b": [0, 1]}).to_csv(tmp_path / "data.csv", index=False)
    config = digits_config(tmp_path)
    config.write_text(config.read_text().replace('dataset = "digits"', 'csv = "data.csv"\ntarget = "label"'))
    assert main(["search", str(config)]) == 2
    assert "data.target: no column 'label' in data.csv (columns: a, b)" in capsys.readouterr().err


def test_not_toml_and_no_file(tmp_path, capsys):
    assert main(["search", str(tmp_path / "nope.toml")]) == 2
    bad = write_config(tmp_path, "[estimator\nkind=")
    assert main(["search", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "no such config file" in err and "not valid TOML" in err


def test_lr_find_command(tmp_path, capsys):
    assert main(["lr-find", "--dataset", "diabetes", "--start-lr", "1e-5", "--num-steps", "40",
                 "--output", str(tmp_path)]) == 0  # fmt: skip
    assert "Suggested learning rate:" in capsys.readouterr().out
    assert (tmp_path / "lr_find.png").is_file()
    saved = json.loads((tmp_path / "lr_find.json").read_text())
    assert saved["suggestion"] > 0 and len(saved["losses"]) <= 40


def test_lr_find_bad_range_is_one_line(tmp_path, capsys):
    assert main(["lr-find", "--start-lr", "1", "--end-lr", "0.1", "--output", str(tmp_path)]) == 2
    assert "Need 0 < start_lr < end_lr" in capsys.readouterr().err


def test_python_dash_m_and_help():
    done = subprocess.run([sys.executable, "-m", "skhyper", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "demo" in done.stdout and "lr-find" in done.stdout
    assert main([]) == 2


def test_version(capsys):
    import skhyper

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out == f"skhyper {skhyper.__version__}\n"


@pytest.mark.parametrize("name", ["search_digits.toml", "search_forecaster.toml", "search_panel.toml"])
def test_example_configs_are_valid(name):
    from pathlib import Path

    from skhyper.config import load_config

    from skhyper.panel import is_panel

    config = load_config(Path(__file__).resolve().parent.parent / "examples" / name)
    X, y = config.data()
    search = config.search(panel=is_panel(X))
    assert len(X) > 100 and search.estimator.get_params()["random_state"] == 0


def test_fixed_parameters_are_checked_together(tmp_path, capsys):
    config = digits_config(tmp_path)
    config.write_text(config.read_text().replace("hidden_layer_sizes = [8]", "hidden_layer_sizes = [8, 4], dropout = [0.1]"))
    assert main(["search", str(config)]) == 2
    assert "estimator.params.dropout: dropout must be a rate in [0, 1) or one such rate per hidden layer (2 here)" in capsys.readouterr().err


def test_data_a_model_cannot_use_is_one_message(tmp_path, capsys):
    pd.DataFrame({"a": np.arange(40.0), "city": ["x", "y"] * 20, "label": [0, 1] * 20}).to_csv(
        tmp_path / "data.csv", index=False
    )
    config = digits_config(tmp_path)
    config.write_text(config.read_text().replace('dataset = "digits"', 'csv = "data.csv"\ntarget = "label"'))
    assert main(["search", str(config)]) == 1
    err = capsys.readouterr().err.strip()
    last = err.splitlines()[-1]  # after the progress bar's line
    assert last.startswith("skhyper: All the 4 fits failed.") and "could not convert string to float" in last
    assert "Traceback" not in err


def test_search_scoring_names_skhyper_scorers(tmp_path):
    from skhyper.config import load_config
    from skhyper.scorers import neg_mase

    text = FORECASTER_CONFIG.format(data='dataset = "book_series"', cv="2") + 'scoring = "neg_mase"\n'
    assert load_config(write_config(tmp_path, text)).search().scoring is neg_mase
    text = FORECASTER_CONFIG.format(data='dataset = "book_series"', cv="2") + 'scoring = "explained_variance"\n'
    assert load_config(write_config(tmp_path, text)).search().scoring == "explained_variance"  # scikit-learn's
