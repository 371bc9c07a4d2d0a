"""A search stopped halfway resumes without refitting, and equals one that never stopped."""

import numpy as np
import pytest
from conftest import TINY
from scipy.stats import loguniform
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, TimeSeriesSplit

import skhyper.checkpoint as checkpoint
from skhyper import KerasMLPClassifier, _progress
from skhyper.cli import main
from skhyper.scorers import report

GRID = {"learning_rate": [1e-3, 1e-2, 3e-2], "kernel_initializer": ["glorot_uniform", "he_uniform"]}


def grid_search():
    return GridSearchCV(KerasMLPClassifier(**TINY), GRID, cv=2)


def test_checkpointed_equals_sklearns_search(digits, tmp_path):
    X, y = digits
    ours = checkpoint.run_checkpointed(grid_search(), X, y, tmp_path / "c.jsonl")
    theirs = grid_search().fit(X, y)
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(ours.cv_results_["rank_test_score"], theirs.cv_results_["rank_test_score"])
    assert ours.best_params_ == theirs.best_params_
    assert list(report(ours)["learning_rate"]) == list(report(theirs)["learning_rate"])


def test_an_interrupted_search_resumes_without_refitting(digits, tmp_path, monkeypatch):
    X, y = digits
    path = tmp_path / "c.jsonl"
    uninterrupted = checkpoint.run_checkpointed(grid_search(), X, y, tmp_path / "whole.jsonl")

    fits = []

    def stop_after_five():
        fits.append(1)
        if len(fits) == 5:  # Ctrl-C during the third candidate
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), _progress.observing(stop_after_five):
        checkpoint.run_checkpointed(grid_search(), X, y, path)
    assert checkpoint.remaining(grid_search(), path) == 4
    fits.clear()
    with _progress.observing(lambda: fits.append(1)):
        resumed = checkpoint.run_checkpointed(grid_search(), X, y, path)
    assert len(fits) == 4 * 2 + 1  # the remaining candidates' folds, and the refit
    np.testing.assert_array_equal(resumed.cv_results_["mean_test_score"], uninterrupted.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(resumed.best_estimator_.predict_proba(X),
                                  uninterrupted.best_estimator_.predict_proba(X))  # fmt: skip


def test_a_torn_last_line_is_ignored_and_random_searches_need_a_seed(digits, tmp_path):
    X, y = digits
    path = tmp_path / "c.jsonl"
    checkpoint.run_checkpointed(grid_search(), X, y, path)
    with open(path, "a") as log:
        log.write('{"key": "trunc')  # a crash while writing
    assert checkpoint.remaining(grid_search(), path) == 0
    unseeded = RandomizedSearchCV(KerasMLPClassifier(**TINY), {"learning_rate": loguniform(1e-3, 1e-1)}, n_iter=2)
    with pytest.raises(ValueError, match="needs an integer random_state"):
        checkpoint.run_checkpointed(unseeded, X, y, tmp_path / "r.jsonl")


CONFIG = """
[estimator]
kind = "KerasMLPClassifier"
params = { hidden_layer_sizes = [8], epochs = 2, random_state = 0 }
[grid]
learning_rate = RATES
[data]
dataset = "digits"
[search]
kind = "grid"
cv = 2
"""


def command(tmp_path, rates):
    config = tmp_path / "c.toml"
    config.write_text(CONFIG.replace("RATES", str(rates)))
    arguments = ["search", str(config), "--checkpoint", str(tmp_path / "c.jsonl"), "--output", str(tmp_path / "o")]
    return config, arguments


def test_cli_checkpoint_option(tmp_path, capsys):
    config, arguments = command(tmp_path, [1e-3, 1e-2])
    assert main(arguments) == 0
    assert len((tmp_path / "c.jsonl").read_text().splitlines()) == 2
    assert main(arguments) == 0  # everything done: only the refit
    assert "every candidate is done" in capsys.readouterr().out
    config.write_text(config.read_text().replace('kind = "grid"', 'kind = "halving"'))
    assert main(arguments) == 2
    assert "--checkpoint: works with search.kind 'grid' and 'random'" in capsys.readouterr().err


def test_ctrl_c_in_the_command_stops_cleanly(tmp_path, capsys):
    _, arguments = command(tmp_path, [1e-3, 1e-2, 3e-2])
    fits = []

    def interrupt_at_third_fit():
        fits.append(1)
        if len(fits) == 3:
            raise KeyboardInterrupt

    with _progress.observing(interrupt_at_third_fit):
        assert main(arguments) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "run the same command to go on" in err and "Traceback" not in err
    assert len((tmp_path / "c.jsonl").read_text().splitlines()) == 1  # the first candidate is kept
    assert main(arguments) == 0


@pytest.mark.parametrize("scoring", [None, "neg_log_loss", ["accuracy", "neg_log_loss"]])
def test_predict_and_score_are_the_searchs(digits, tmp_path, scoring):
    X, y = digits
    refit = "neg_log_loss" if isinstance(scoring, list) else True
    grid = {"learning_rate": [1e-3, 3e-2]}

    def search():
        return GridSearchCV(KerasMLPClassifier(**TINY), grid, cv=2, scoring=scoring, refit=refit)

    ours = checkpoint.run_checkpointed(search(), X, y, tmp_path / "c.jsonl")
    theirs = search().fit(X, y)
    np.testing.assert_array_equal(ours.predict(X[:50]), theirs.predict(X[:50]))
    assert ours.score(X[:200], y[:200]) == pytest.approx(theirs.score(X[:200], y[:200]), rel=1e-6)
    if scoring is not None:  # a loss, not the estimator's accuracy
        assert ours.score(X[:200], y[:200]) < 0


def test_a_forecaster_search_scores_without_y(tmp_path):
    from sklearn.model_selection import TimeSeriesSplit

    from skhyper import WindowForecaster
    from skhyper.scorers import neg_mean_absolute_error

    series = np.sin(np.arange(160) / 6.0)

    def search():
        return GridSearchCV(WindowForecaster(window_size=5, hidden_layer_sizes=(4,), epochs=2, random_state=0),
                            {"learning_rate": [1e-3, 1e-2]}, cv=TimeSeriesSplit(2), scoring=neg_mean_absolute_error)  # fmt: skip

    ours = checkpoint.run_checkpointed(search(), series[:120], None, tmp_path / "f.jsonl")
    theirs = search().fit(series[:120])
    assert ours.score(series[120:]) == pytest.approx(theirs.score(series[120:]), rel=1e-6) and ours.score(series[120:]) < 0
    # scikit-learn's names, as skhyper.model_selection's searches take them (every score was NaN)
    named = search().set_params(scoring="neg_mean_absolute_error")
    ours = checkpoint.run_checkpointed(named, series[:120], None, tmp_path / "named.jsonl")
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"])
    assert ours.score(series[120:]) == pytest.approx(theirs.score(series[120:]), rel=1e-6)


def test_a_callable_refit_picks_the_candidate_as_in_sklearn(digits, tmp_path):
    X, y = digits

    def lowest_rate(results):  # not the best score: the first candidate
        return int(np.argmin([params["learning_rate"] for params in results["params"]]))

    def search():
        return GridSearchCV(KerasMLPClassifier(**TINY), {"learning_rate": [3e-2, 1e-3]}, cv=2, refit=lowest_rate)

    ours = checkpoint.run_checkpointed(search(), X, y, tmp_path / "c.jsonl")
    theirs = search().fit(X, y)
    assert ours.best_index_ == theirs.best_index_ == 1
    assert ours.best_params_ == theirs.best_params_ == {"learning_rate": 1e-3}
    assert not hasattr(ours, "best_score_") and not hasattr(theirs, "best_score_")
    np.testing.assert_array_equal(ours.predict(X[:20]), theirs.predict(X[:20]))


def test_a_records_params_are_never_fitted_and_a_torn_line_is_cut(digits, tmp_path):
    """The file names candidates by their keys: parameters written into a
    record (a checkpoint path to overwrite, say) are not the refit's."""
    import json

    X, y = digits
    path, victim = tmp_path / "c.jsonl", tmp_path / "victim.txt"
    victim.write_text("precious")
    search = GridSearchCV(KerasMLPClassifier(**TINY), {"learning_rate": [1e-2]}, cv=2)
    checkpoint.run_checkpointed(search, X, y, path)
    record = json.loads(path.read_text())
    record["params"] = {"dict": [["learning_rate", 0.01], ["checkpoint", str(victim)], ["epochs", 1]]}
    path.write_text(json.dumps(record) + "\n" + '{"key": "tor')  # and a crash mid-write after it
    result = checkpoint.run_checkpointed(search, X, y, path)
    assert victim.read_text() == "precious"
    assert result.best_params_ == {"learning_rate": 1e-2}
    assert result.best_estimator_.checkpoint is None
    assert path.read_text().endswith("}\n")  # the torn line cut: the next record starts a line
    longer = GridSearchCV(KerasMLPClassifier(**TINY), {"learning_rate": [1e-2, 3e-2]}, cv=2)
    checkpoint.run_checkpointed(longer, X, y, path)
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and all(json.loads(line)["key"] for line in lines)
    assert checkpoint.remaining(longer, path) == 0


@pytest.mark.parametrize(
    "results",
    [None, [1, 2], {"fit_time": [1.0], "score_time": [1.0]}, {"fit_time": [1.0], "score_time": [1.0],
                                                              "test_score": [0.5, 0.6]}],
)  # fmt: skip
def test_a_record_that_is_not_one_is_refused_with_its_line(tmp_path, results):
    import json

    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"key": "{}", "params": {}, "results": results}) + "\n")
    with pytest.raises(ValueError, match="line 1 is not a search checkpoint record"):
        checkpoint.remaining(grid_search(), path)


def test_a_checkpoint_of_other_scoring_is_refused(digits, tmp_path):
    X, y = digits
    path = tmp_path / "c.jsonl"
    search = GridSearchCV(KerasMLPClassifier(**TINY), {"learning_rate": [1e-2]}, cv=2)
    checkpoint.run_checkpointed(search, X, y, path)
    rescored = GridSearchCV(KerasMLPClassifier(**TINY), {"learning_rate": [1e-2]}, cv=2,
                            scoring=["accuracy", "neg_log_loss"], refit="accuracy")  # fmt: skip
    with pytest.raises(ValueError, match="scored by another search"):
        checkpoint.run_checkpointed(rescored, X, y, path)
    import json  # a file written before records had their setup: the scores' names still tell

    records = [json.loads(line) for line in path.read_text().splitlines()]
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "setup"}) + "\n" for r in records))
    with pytest.raises(ValueError, match="other scoring"):
        checkpoint.run_checkpointed(rescored, X, y, path)


def test_a_checkpoint_of_another_estimator_folds_or_data_is_refused_not_reused(digits, tmp_path):
    X, y = digits
    grid = {"learning_rate": [1e-2]}
    path = tmp_path / "c.jsonl"
    checkpoint.run_checkpointed(GridSearchCV(KerasMLPClassifier(**TINY), grid, cv=2), X, y, path)
    changed = [(GridSearchCV(KerasMLPClassifier(**{**TINY, "epochs": TINY["epochs"] + 1}), grid, cv=2), X, y),
               (GridSearchCV(KerasMLPClassifier(**TINY), grid, cv=3), X, y),
               (GridSearchCV(KerasMLPClassifier(**TINY), grid, cv=2), X[:-10], y[:-10])]  # fmt: skip
    for search, rows, labels in changed:
        with pytest.raises(ValueError, match="scored by another search"):
            checkpoint.run_checkpointed(search, rows, labels, path)
    # the same search resumes: a parameter the grid searches is not part of the setup
    again = checkpoint.run_checkpointed(GridSearchCV(KerasMLPClassifier(**{**TINY, "learning_rate": 0.5}), grid, cv=2),
                                        X, y, path)  # fmt: skip
    assert len(again.cv_results_["params"]) == 1


def test_the_setup_of_a_search_is_the_same_in_another_process(digits):
    import subprocess
    import sys

    code = ("import numpy as np; from sklearn.linear_model import RidgeClassifier;"
            " from sklearn.model_selection import GridSearchCV; import skhyper.checkpoint as c;"
            " X = np.arange(40.0).reshape(20, 2); y = np.arange(20) % 2;"
            " s = GridSearchCV(RidgeClassifier(), {'alpha': [1.0]}, cv=2, scoring=c.run_checkpointed);"
            " print(c._setup(s, c.candidates_of(s), X, y))")  # fmt: skip
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in range(2)}
    assert len(runs) == 1 and len(runs.pop().strip()) == 32  # (a function's repr holds its address: stripped)


def test_the_setup_holds_a_callbacks_settings():
    import keras

    def setup(patience):
        model = KerasMLPClassifier(callbacks=[keras.callbacks.EarlyStopping(patience=patience)], **TINY)
        search = GridSearchCV(model, {"learning_rate": [1e-2]}, cv=2)
        return checkpoint._setup(search, checkpoint.candidates_of(search), np.zeros((4, 2)), np.arange(4) % 2)

    assert setup(1) == setup(1) and setup(1) != setup(50)


def test_every_candidate_without_a_score_on_some_fold_is_refused_not_refit(tmp_path):
    from skhyper import WindowForecaster

    series = np.sin(np.arange(40) / 3.0)
    search = GridSearchCV(WindowForecaster(hidden_layer_sizes=(4,), epochs=1, random_state=0),
                          {"window_size": [15, 16]}, cv=TimeSeriesSplit(3),
                          error_score=np.nan)  # the first fold (10 values) is too short for either window
    with pytest.warns(Warning), pytest.raises(ValueError, match="Every one of the 2 candidates has no score on at least one fold"):
        checkpoint.run_checkpointed(search, series, None, tmp_path / "f.jsonl")
