"""The estimators inside sklearn's pipelines, searches and ensembles."""

import numpy as np
from conftest import TINY
from scipy.stats import loguniform
from sklearn.base import is_classifier
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import StackingRegressor, VotingClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import (
    GridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    check_cv,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skhyper import KerasMLPClassifier, KerasMLPRegressor


def test_pipeline_with_column_transformer_on_a_dataframe(mixed_frame):
    frame, target = mixed_frame
    features = ColumnTransformer(
        [("num", StandardScaler(), ["age", "income"]), ("cat", OneHotEncoder(), ["city"])]
    )
    model = make_pipeline(features, KerasMLPClassifier(**{**TINY, "epochs": 30}, learning_rate=0.03))
    model.fit(frame, target)
    assert set(model.predict(frame)) <= {"yes", "no"}
    assert model.score(frame, target) > 0.7
    search = GridSearchCV(model, {"kerasmlpclassifier__hidden_layer_sizes": [(4,), (8,)]}, cv=2)
    search.fit(frame, target)
    assert search.best_params_["kerasmlpclassifier__hidden_layer_sizes"] in [(4,), (8,)]


def test_grid_search_stratifies_for_the_classifier(digits):
    X, y = digits
    keep = y < 3
    order = np.argsort(y[keep], kind="stable")  # rows sorted by class
    X, y = X[keep][order], y[keep][order]
    clf = KerasMLPClassifier(**{**TINY, "epochs": 10}, learning_rate=0.02)
    assert isinstance(check_cv(3, y, classifier=is_classifier(clf)), StratifiedKFold)
    # Unstratified KFold(3) on sorted labels would hold out one whole class per
    # fold, and every test score would be 0.
    search = GridSearchCV(clf, {"kernel_initializer": ["glorot_uniform", "he_uniform"]}, cv=3)
    search.fit(X, y)
    assert search.cv_results_["mean_test_score"].min() > 0.5


def test_randomized_search_with_loguniform_learning_rate(digits):
    X, y = digits
    search = RandomizedSearchCV(
        KerasMLPClassifier(**TINY, optimizer="sgd", momentum=0.9),
        {"learning_rate": loguniform(1e-4, 1e-1)},
        n_iter=3,
        cv=2,
        random_state=0,
    ).fit(X, y)
    rates = search.cv_results_["param_learning_rate"]
    assert all(1e-4 <= rate <= 1e-1 for rate in rates)
    assert isinstance(search.best_params_["learning_rate"], float)


def test_halving_search_over_epochs(digits):
    X, y = digits
    search = HalvingRandomSearchCV(
        KerasMLPClassifier(**TINY),
        {"learning_rate": [1e-3, 1e-2, 3e-2, 1e-1]},
        resource="epochs",
        min_resources=1,
        max_resources=4,
        factor=2,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert list(search.n_resources_) == [1, 2, 4]
    assert search.best_estimator_.n_iter_ == 4


def test_cross_validate_with_several_metrics(digits, diabetes):
    X, y = digits
    scores = cross_validate(KerasMLPClassifier(**TINY), X, y, cv=2, scoring=["accuracy", "neg_log_loss"])
    assert np.isfinite(scores["test_accuracy"]).all() and np.isfinite(scores["test_neg_log_loss"]).all()
    X, y = diabetes
    scores = cross_validate(KerasMLPRegressor(**TINY), X, y, cv=2,
                            scoring=["neg_mean_absolute_error", "r2"])  # fmt: skip
    assert (scores["test_neg_mean_absolute_error"] < 0).all()


def test_voting_classifier_and_stacking_regressor(digits, diabetes):
    X, y = digits
    voting = VotingClassifier(
        [("keras", KerasMLPClassifier(**TINY)), ("logistic", LogisticRegression(max_iter=200))],
        voting="soft",
    ).fit(X, y)
    assert voting.predict_proba(X).shape == (len(X), 10)
    X, y = diabetes
    stacking = StackingRegressor(
        [("keras", KerasMLPRegressor(**TINY)), ("ridge", Ridge())], final_estimator=Ridge(), cv=2
    ).fit(X, y)
    assert stacking.predict(X).shape == (len(X),)
