"""Bad input gets an error that names the problem, never a Keras traceback."""

import inspect

import numpy as np
import pytest
from conftest import TINY
from sklearn.exceptions import NotFittedError

from skhyper import KerasMLPClassifier, KerasMLPRegressor, WindowForecaster
from skhyper.estimators._base import _text_columns


@pytest.mark.parametrize(
    "param, value, message",
    [
        ("kernel_initializer", "glorot_unifrom", "'kernel_initializer' parameter .* among .*'glorot_uniform'"),
        ("optimizer", "adamm", "'optimizer' parameter .* among .*'adam'"),
        ("lr_schedule", "exp", "'lr_schedule' parameter .* among .*'exponential'"),
        ("activation", "rellu", "'activation' parameter .* among .*'relu'"),
        ("loss", "hinge_loss", "'loss' parameter"),
        ("learning_rate", 0.0, "'learning_rate' parameter .* range \\(0.0, inf\\)"),
        ("learning_rate", -1e-3, "'learning_rate' parameter"),
        ("batch_size", 0, "'batch_size' parameter"),
        ("epochs", 0, "'epochs' parameter"),
        ("dropout", 1.0, "'dropout' parameter"),
        ("momentum", -0.1, "'momentum' parameter"),
        ("l2", -1.0, "'l2' parameter"),
        ("validation_split", 1.0, "'validation_split' parameter"),
        ("hidden_layer_sizes", 0, "'hidden_layer_sizes' parameter"),
        ("hidden_layer_sizes", (10, 0), "hidden_layer_sizes must hold positive integers"),
        ("hidden_layer_sizes", (10, -3), "hidden_layer_sizes must hold positive integers"),
        ("dropout", [0.1, 0.2], "one such rate per hidden layer \\(1 here\\)"),
        ("dropout", [1.5], "dropout must be a rate in \\[0, 1\\)"),
    ],
)
def test_bad_hyperparameters_are_named(digits, param, value, message):
    X, y = digits
    with pytest.raises(ValueError, match=message):
        KerasMLPClassifier(**TINY).set_params(**{param: value}).fit(X, y)


def test_bad_regression_loss_lists_the_valid_ones(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="'loss' parameter .* among .*'huber'"):
        KerasMLPRegressor(**TINY, loss="hubber").fit(X, y)


def test_binary_loss_with_many_classes(digits):
    X, y = digits
    with pytest.raises(ValueError, match="Only binary classification is supported with a binary cross-entropy loss: it needs 2 classes, but y has 10"):
        KerasMLPClassifier(**TINY, loss="binary_crossentropy").fit(X, y)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("where", ["X", "y"])
def test_nan_and_inf(diabetes, bad, where):
    X, y = diabetes[0].copy(), diabetes[1].copy()
    (X if where == "X" else y)[3] = bad
    with pytest.raises(ValueError, match=f"Input {where} contains (NaN|infinity)"):
        KerasMLPRegressor(**TINY).fit(X, y)


def test_nan_at_predict(diabetes):
    X, y = diabetes
    reg = KerasMLPRegressor(**TINY).fit(X, y)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        reg.predict(X_bad)


def test_one_row(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="needs at least 2 samples to fit; got 1 sample"):
        KerasMLPRegressor(**TINY).fit(X[:1], y[:1])


def test_one_class(digits):
    X, _ = digits
    with pytest.raises(ValueError, match="needs at least 2 classes .* only one class: 'a'"):
        KerasMLPClassifier(**TINY).fit(X, np.full(len(X), "a"))


def test_one_class_left_by_sample_weights(binary):
    X, y = binary
    weights = (y == "one").astype(float)
    with pytest.raises(ValueError, match="only one class with a non-zero sample_weight"):
        KerasMLPClassifier(**TINY).fit(X, y, sample_weight=weights)


def test_continuous_target_for_a_classifier(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        KerasMLPClassifier(**TINY).fit(X, y)


def test_feature_count_changes_at_predict(digits):
    X, y = digits
    clf = KerasMLPClassifier(**TINY).fit(X, y)
    with pytest.raises(ValueError, match="X has 10 features, but KerasMLPClassifier is expecting 64"):
        clf.predict(X[:, :10])


def test_text_columns_of_a_dataframe_are_named(digits):
    pd = pytest.importorskip("pandas")
    X, y = digits
    frame = pd.DataFrame(X[:60, :3], columns=["a", "b", "c"]).assign(city=["rome", "oslo"] * 30, code=["1", "2"] * 30)
    with pytest.raises(ValueError, match=r"column\(s\) \['city'\] hold text \(could not convert string to float"):
        KerasMLPClassifier(**TINY).fit(frame, y[:60])
    fitted = KerasMLPClassifier(**TINY).fit(frame.drop(columns="city"), y[:60])  # numbers as strings: converted
    with pytest.raises(ValueError, match=r"\['code'\] hold text"):  # text where the numbers were
        fitted.predict(frame.drop(columns="code").rename(columns={"city": "code"}))
    twice = pd.DataFrame({"a": X[:60, 0], "b": ["rome", "oslo"] * 30}).set_axis(["a", "a"], axis=1)
    with pytest.raises(ValueError, match="Expected unique column names"):  # sklearn's message, untouched
        KerasMLPClassifier(**TINY).fit(twice, y[:60])
    assert _text_columns(twice) == ["a"]  # (by position: a duplicated name is one column at a time)
    categories = frame.assign(city=pd.Categorical(frame["city"]))
    with pytest.raises(ValueError, match=r"\['city'\] hold text"):
        KerasMLPClassifier(**TINY).fit(categories, y[:60])
    missing = frame.drop(columns="city").assign(a=np.nan)  # not a text error: sklearn's own message
    with pytest.raises(ValueError, match="Input X contains NaN") as raised:
        KerasMLPClassifier(**TINY).fit(missing, y[:60])
    assert "hold text" not in str(raised.value)


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        KerasMLPClassifier().predict(np.zeros((2, 3)))
    with pytest.raises(NotFittedError):
        KerasMLPRegressor().predict(np.zeros((2, 3)))


def test_wrong_lengths_and_missing_y(digits):
    X, y = digits
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        KerasMLPClassifier(**TINY).fit(X, y[:-1])
    with pytest.raises(ValueError, match="requires y to be passed"):
        KerasMLPClassifier(**TINY).fit(X, None)


def test_negative_and_all_zero_sample_weights(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        KerasMLPRegressor(**TINY).fit(X, y, sample_weight=np.r_[-1.0, np.ones(len(y) - 1)])
    with pytest.raises(ValueError, match="at least one non-zero"):
        KerasMLPRegressor(**TINY).fit(X, y, sample_weight=np.zeros(len(y)))


def test_validation_split_leaving_no_training_rows(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="validation_split=0.9 leaves no rows to train on out of 2"):
        KerasMLPRegressor(**TINY, validation_split=0.9).fit(X[:2], y[:2])


def test_diverging_fit_names_its_parameters(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="learning_rate=1e\\+30.*diverged.*Lower the learning_rate \\(now 1e\\+30\\)"):
        KerasMLPRegressor(**TINY, optimizer="sgd", learning_rate=1e30).fit(X * 1e3, y * 1e3)


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_a_diverging_candidate_scores_nan_and_the_search_goes_on(diabetes):
    from sklearn.exceptions import FitFailedWarning
    from sklearn.model_selection import GridSearchCV

    X, y = diabetes
    search = GridSearchCV(KerasMLPRegressor(**TINY, optimizer="sgd"), {"learning_rate": [1e-3, 1e30]}, cv=2)
    with pytest.warns(FitFailedWarning, match="learning_rate=1e\\+30.*diverged"):
        search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores[0]) and np.isnan(scores[1])
    assert search.best_params_ == {"learning_rate": 1e-3}


def test_unknown_constructor_argument():
    # the class the user called is named (not the base class whose __init__ met it), with the parameter meant
    with pytest.raises(TypeError, match=r"^KerasMLPClassifier.__init__\(\) got an unexpected keyword argument"
                       r" 'learning_rat': did you mean 'learning_rate'\?"):  # fmt: skip
        KerasMLPClassifier(learning_rat=0.1)
    with pytest.raises(TypeError, match=r"^KerasMLPRegressor.__init__\(\) .* 'nonsense'\.$"):
        KerasMLPRegressor(nonsense=1)
    # a forecasting library's name for something that is elsewhere here
    with pytest.raises(TypeError, match=r"^WindowForecaster.* 'level': .*forecast\(h, level=\[80, 95\]\).*interval_horizon"):
        WindowForecaster(level=80)
    with pytest.raises(TypeError, match="'season_length': the season is seasonal_period"):
        WindowForecaster(season_length=12)
    # the catch-all is no parameter: sklearn sees the same ones
    assert "unexpected" not in KerasMLPRegressor().get_params()
    assert "unexpected" not in str(inspect.signature(KerasMLPRegressor))


def test_nothing_the_user_passed_is_modified(digits):
    X, y = digits
    X_before, y_before = X.copy(), y.copy()
    sizes, dropout = [8, 4], [0.1, 0.1]
    clf = KerasMLPClassifier(**{**TINY, "hidden_layer_sizes": sizes}, dropout=dropout,
                             class_weight="balanced")  # fmt: skip
    clf.fit(X, y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    assert sizes == [8, 4] and dropout == [0.1, 0.1]
    assert clf.get_params()["hidden_layer_sizes"] is sizes


@pytest.mark.parametrize("engine", ["compiled", "keras"])
def test_a_fit_that_diverges_never_gives_back_a_model_that_predicts_non_finite_values(diabetes, engine):
    X, y = diabetes
    diverging = dict(TINY, optimizer="sgd", learning_rate=1e30, engine=engine)
    # Without early stopping: refused, by both engines.
    with pytest.raises(ValueError, match="diverged"):
        KerasMLPRegressor(**diverging).fit(X * 1e3, y * 1e3)
    # With early stopping: the starting weights are kept (no epoch beat them), with a warning.
    with pytest.warns(RuntimeWarning, match="diverged.*The best finite weights were kept"):
        model = KerasMLPRegressor(**diverging, early_stopping=True).fit(X * 1e3, y * 1e3)
    assert np.isfinite(model.predict(X)).all()
    assert all(np.isfinite(w).all() for w in model.model_.get_weights())


def test_both_engines_keep_the_same_weights_when_a_fit_diverges(diabetes):
    X, y = diabetes
    predictions = []
    for engine in ("compiled", "keras"):
        with pytest.warns(RuntimeWarning, match="diverged"):
            model = KerasMLPRegressor(**TINY, optimizer="sgd", learning_rate=1e30, early_stopping=True,
                                      engine=engine).fit(X * 1e3, y * 1e3)  # fmt: skip
        predictions.append(model.predict(X))
    np.testing.assert_allclose(predictions[0], predictions[1], rtol=1e-6)


def test_the_tags_follow_the_loss():
    # sklearn's checks and meta-estimators read them: a binary loss takes two classes, a categorical one no multilabel y
    from sklearn.utils import get_tags

    def tags(**params):
        found = get_tags(KerasMLPClassifier(**params)).classifier_tags
        return found.multi_class, found.multi_label

    assert tags() == (True, True)
    assert tags(loss="binary_crossentropy") == (False, True)
    assert tags(loss="sparse_categorical_crossentropy") == (True, False)
