"""skhyper estimators inside Optuna's OptunaSearchCV (package optuna-integration):
plain trials, pruning driven by ``partial_fit``, and a Pipeline."""

import numpy as np
import pytest
from conftest import TINY
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skhyper import KerasMLPClassifier, KerasMLPRegressor

optuna = pytest.importorskip("optuna")
optuna_integration = pytest.importorskip("optuna_integration")

OptunaSearchCV = optuna_integration.OptunaSearchCV
CategoricalDistribution = optuna.distributions.CategoricalDistribution
TrialState = optuna.trial.TrialState

pytestmark = [
    # Optuna's own notices, not ours: OptunaSearchCV is "experimental", its
    # trial reports go through the deprecated optuna.terminator, and tuple
    # choices cannot go to persistent storage (these studies live in memory).
    pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning"),
    pytest.mark.filterwarnings("ignore:`optuna.terminator` module:FutureWarning"),
    pytest.mark.filterwarnings(
        "ignore:Choices for a categorical distribution:UserWarning"
    ),
]

SMALL = dict(TINY, hidden_layer_sizes=(4,), epochs=2)
RATES = optuna.distributions.FloatDistribution(1e-3, 1e-1, log=True)


def _rates_and_sizes():
    # Built in the test, where the warning filter above applies.
    return {
        "learning_rate": RATES,
        "hidden_layer_sizes": CategoricalDistribution([(4,), (8,)]),
    }


@pytest.fixture(autouse=True)
def quiet_optuna():
    """Optuna logs every trial at INFO; keep the test output to the results."""
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    yield
    optuna.logging.set_verbosity(previous)


def _check_search(search, X, n_trials=3):
    trials = search.study_.trials
    assert len(trials) == n_trials
    assert all(trial.state == TrialState.COMPLETE for trial in trials)
    assert search.best_score_ == max(trial.value for trial in trials)
    # The refit estimator carries the best parameters, drawn from the
    # distributions, and predicts.
    params = search.best_estimator_.get_params()
    for name, value in search.best_params_.items():
        assert params[name] == value
        assert _drawn_from(search.param_distributions[name], value)
    assert search.best_estimator_.predict(X).shape == (len(X),)


def _drawn_from(distribution, value):
    if isinstance(distribution, CategoricalDistribution):
        return value in distribution.choices
    return distribution.low <= value <= distribution.high


def test_optuna_search_with_a_classifier(digits):
    X, y = digits
    search = OptunaSearchCV(
        KerasMLPClassifier(**SMALL),
        _rates_and_sizes(),
        n_trials=3,
        cv=2,
        random_state=0,
    )
    search.fit(X, y)
    _check_search(search, X)
    np.testing.assert_array_equal(search.classes_, np.arange(10))
    assert set(search.predict(X)) <= set(range(10))


def test_optuna_search_with_a_regressor(diabetes):
    X, y = diabetes
    search = OptunaSearchCV(
        KerasMLPRegressor(**SMALL),
        _rates_and_sizes(),
        n_trials=3,
        cv=2,
        random_state=0,
    )
    search.fit(X, y)
    _check_search(search, X)
    assert np.isfinite(search.predict(X)).all()


def test_optuna_pruning_trains_one_epoch_per_partial_fit_call(digits, monkeypatch):
    # Rows sorted by label and unshuffled folds: each training fold lacks half
    # the classes, so the network's outputs come from the `classes` Optuna
    # passes (np.unique of the whole y), not from the fold.
    X, y = digits
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]
    calls = []
    partial_fit = KerasMLPClassifier.partial_fit

    def recording_partial_fit(self, X, y, classes=None, sample_weight=None):
        result = partial_fit(self, X, y, classes=classes, sample_weight=sample_weight)
        calls.append((self, self.n_iter_, classes, self.classes_))  # (held: no id is reused)
        return result

    monkeypatch.setattr(KerasMLPClassifier, "partial_fit", recording_partial_fit)
    max_iter = 3
    search = OptunaSearchCV(
        KerasMLPClassifier(**SMALL),
        {"learning_rate": RATES},
        n_trials=2,
        cv=KFold(2),
        enable_pruning=True,
        max_iter=max_iter,
        error_score="raise",
        random_state=0,
    )
    search.fit(X, y)
    # 2 trials x 2 folds, each fold's estimator called max_iter times ...
    assert len(calls) == 2 * 2 * max_iter
    epochs_by_estimator = {}
    for estimator, n_iter, classes, classes_ in calls:
        epochs_by_estimator.setdefault(id(estimator), []).append(n_iter)
        np.testing.assert_array_equal(classes, np.arange(10))
        np.testing.assert_array_equal(classes_, np.arange(10))
    # ... and each call trained exactly one more epoch.
    assert len(epochs_by_estimator) == 4
    for epochs in epochs_by_estimator.values():
        assert epochs == list(range(1, max_iter + 1))
    for trial in search.study_.trials:
        assert sorted(trial.intermediate_values) == list(range(max_iter))
    # The refit is a plain fit: `epochs` epochs, not max_iter.
    assert search.best_estimator_.n_iter_ == SMALL["epochs"]
    assert search.best_estimator_.predict_proba(X).shape == (len(X), 10)


class _PruneAfterTheFirstTrial(optuna.pruners.BasePruner):
    """Prune every trial but the first at its second report."""

    def prune(self, study, trial):
        return trial.number > 0 and trial.last_step is not None and trial.last_step >= 1


def test_optuna_pruned_trials_stop_early(diabetes):
    X, y = diabetes
    study = optuna.create_study(
        direction="maximize",
        pruner=_PruneAfterTheFirstTrial(),
        sampler=optuna.samplers.TPESampler(seed=0),
    )
    search = OptunaSearchCV(
        KerasMLPRegressor(**SMALL),
        {"learning_rate": RATES},
        n_trials=3,
        cv=2,
        enable_pruning=True,
        max_iter=4,
        error_score="raise",
        study=study,
    )
    search.fit(X, y)
    first, *others = study.trials
    assert first.state == TrialState.COMPLETE
    assert sorted(first.intermediate_values) == [0, 1, 2, 3]
    for trial in others:
        assert trial.state == TrialState.PRUNED
        assert sorted(trial.intermediate_values) == [0, 1]
    assert search.best_trial_.number == 0
    assert np.isfinite(search.predict(X)).all()


def test_optuna_search_over_a_pipeline(digits):
    X, y = digits
    search = OptunaSearchCV(
        make_pipeline(StandardScaler(), KerasMLPClassifier(**SMALL)),
        {"kerasmlpclassifier__learning_rate": RATES},
        n_trials=3,
        cv=2,
        random_state=0,
    )
    search.fit(X * 16, y)  # raw pixel values: the pipeline scales them
    _check_search(search, X * 16)
    assert isinstance(search.best_estimator_, Pipeline)
    best_rate = search.best_params_["kerasmlpclassifier__learning_rate"]
    assert search.best_estimator_[-1].learning_rate == best_rate
