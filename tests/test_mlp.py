"""What the estimators promise: hyperparameters reach Keras, fitted attributes."""

import math

import keras
import numpy as np
import pandas as pd
import pytest
from conftest import TINY
from sklearn.base import clone, is_classifier, is_regressor

from skhyper import KerasMLPClassifier, KerasMLPRegressor
from skhyper.hyperparams import OPTIMIZERS


def test_multiclass_fit_predict_proba(digits):
    X, y = digits
    clf = KerasMLPClassifier(**{**TINY, "epochs": 15, "learning_rate": 0.01}).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(clf.classes_, np.arange(10))
    assert clf.score(X, y) > 0.8
    assert clf.model_.layers[-1].units == 10


def test_binary_string_labels_use_one_sigmoid_unit(binary):
    X, y = binary
    clf = KerasMLPClassifier(**{**TINY, "epochs": 10, "learning_rate": 0.01}).fit(X, y)
    assert clf.model_.layers[-1].units == 1
    assert set(clf.predict(X)) <= {"zero", "one"}
    assert list(clf.classes_) == ["one", "zero"]
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert (clf.predict(X) == clf.classes_[proba.argmax(axis=1)]).all()
    assert clf.score(X, y) > 0.9


def test_categorical_crossentropy_is_accepted(digits):
    X, y = digits
    clf = KerasMLPClassifier(**TINY, loss="categorical_crossentropy").fit(X, y)
    assert clf.predict_proba(X).shape == (len(X), 10)


def test_tags_make_searches_stratify():
    assert is_classifier(KerasMLPClassifier()) and not is_regressor(KerasMLPClassifier())
    assert is_regressor(KerasMLPRegressor()) and not is_classifier(KerasMLPRegressor())


def test_fitted_attributes_like_sklearns_mlp(digits):
    X, y = digits
    frame = pd.DataFrame(X, columns=[f"px{i}" for i in range(64)])
    clf = KerasMLPClassifier(**TINY, validation_split=0.2).fit(frame, y)
    assert clf.n_features_in_ == 64
    assert list(clf.feature_names_in_) == list(frame.columns)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3
    assert {"loss", "val_loss", "accuracy", "val_accuracy", "learning_rate"} <= set(clf.history_)
    assert all(len(v) == 3 for v in clf.history_.values())


def test_architecture_reaches_keras(digits):
    X, y = digits
    clf = KerasMLPClassifier(
        **{**TINY, "hidden_layer_sizes": (12, 6)},
        activation="tanh",
        dropout=[0.1, 0.0],
        l1=1e-4,
        l2=1e-3,
        kernel_initializer="he_uniform",
    ).fit(X, y)
    dense = [layer for layer in clf.model_.layers if isinstance(layer, keras.layers.Dense)]
    dropout = [layer for layer in clf.model_.layers if isinstance(layer, keras.layers.Dropout)]
    assert [layer.units for layer in dense] == [12, 6, 10]
    assert dense[0].activation.__name__ == "tanh"
    assert [layer.rate for layer in dropout] == [0.1]
    regularizer = dense[0].kernel_regularizer.get_config()
    assert regularizer["l1"] == pytest.approx(1e-4) and regularizer["l2"] == pytest.approx(1e-3)
    assert type(dense[0].kernel_initializer).__name__ == "HeUniform"


def test_no_hidden_layer_is_seed_002s_linear_regression():
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (200, 1))
    y = 3 * x[:, 0] + rng.normal(0, 0.1, 200)
    reg = KerasMLPRegressor(hidden_layer_sizes=(), optimizer="adam", learning_rate=0.1,
                            epochs=60, batch_size=32, random_state=0).fit(x, y)  # fmt: skip
    slope = float(np.asarray(reg.model_.layers[-1].kernel)[0, 0])
    assert slope == pytest.approx(3.0, abs=0.1)


@pytest.mark.parametrize(
    "optimizer, settings",
    [
        ("sgd", dict(momentum=0.8, nesterov=True)),
        ("rmsprop", dict(rho=0.8, momentum=0.1, epsilon=1e-5)),
        ("adam", dict(beta_1=0.8, beta_2=0.99, epsilon=1e-6)),
        ("adamw", dict(weight_decay=0.01)),
    ],
)
def test_optimizer_settings_reach_keras(digits, optimizer, settings):
    X, y = digits
    clf = KerasMLPClassifier(**TINY, optimizer=optimizer, learning_rate=0.05, **settings).fit(X, y)
    config = clf.model_.optimizer.get_config()
    assert type(clf.model_.optimizer).__name__ == OPTIMIZERS[optimizer].keras_name
    for key, value in settings.items():
        assert config[key] == pytest.approx(value)


def test_named_schedule_sets_the_rate_of_each_epoch(digits):
    X, y = digits
    clf = KerasMLPClassifier(**{**TINY, "epochs": 4}, optimizer="sgd", learning_rate=0.1,
                             lr_schedule="exponential", lr_decay=0.5).fit(X, y)  # fmt: skip
    expected = [0.1 * math.exp(-0.5 * epoch) for epoch in range(4)]
    np.testing.assert_allclose(clf.history_["learning_rate"], expected, rtol=1e-6)


def test_callable_and_keras_schedules(digits):
    X, y = digits
    clf = KerasMLPClassifier(**TINY, lr_schedule=lambda epoch, lr: 0.01 * (epoch + 1)).fit(X, y)
    np.testing.assert_allclose(clf.history_["learning_rate"], [0.01, 0.02, 0.03], rtol=1e-6)
    # Keras 2's SGD(decay=d): lr0 / (1 + d * step), stepped per batch.
    per_step = keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)
    clf = KerasMLPClassifier(**TINY, optimizer="sgd", lr_schedule=per_step).fit(X, y)
    steps_per_epoch = math.ceil(len(X) / TINY["batch_size"])
    final_rate = 0.1 / (1 + 0.5 * 3 * steps_per_epoch)
    assert float(np.asarray(clf.model_.optimizer.learning_rate)) == pytest.approx(final_rate)
    assert per_step.get_config()["initial_learning_rate"] == 0.1  # the user's, untouched


def test_early_stopping_stops_and_restores(digits):
    X, y = digits
    # A rate so small that the validation loss cannot improve by min_delta.
    clf = KerasMLPClassifier(**{**TINY, "epochs": 50}, learning_rate=1e-7, validation_split=0.2,
                             early_stopping=True, patience=2, min_delta=0.01).fit(X, y)  # fmt: skip
    # The starting weights are the first candidate (a fit never ends worse than
    # it began): two epochs without improvement on them and the fit stops.
    assert clf.n_iter_ == 2


def test_class_weight_changes_the_fit_and_sample_weight_is_untouched(binary):
    X, y = binary
    weights = np.linspace(0.5, 2.0, len(y))
    before = weights.copy()
    plain = KerasMLPClassifier(**TINY).fit(X, y, sample_weight=weights)
    weighted = KerasMLPClassifier(**TINY, class_weight={"one": 10.0, "zero": 1.0})
    weighted.fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(weights, before)
    assert weighted.predict_proba(X)[:, 0].mean() > plain.predict_proba(X)[:, 0].mean()


def test_sample_weight_equals_repeating_rows_to_float32_precision(diabetes):
    X, y = diabetes
    X, y = X[:40], y[:40]
    weights = np.r_[np.full(20, 2.0), np.ones(20)]
    repeated_X, repeated_y = np.r_[X[:20], X], np.r_[y[:20], y]
    params = dict(hidden_layer_sizes=(8,), epochs=5, batch_size=100, random_state=0, shuffle=False)
    weighted = KerasMLPRegressor(**params).fit(X, y, sample_weight=weights)
    repeated = KerasMLPRegressor(**params).fit(repeated_X, repeated_y)
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-5, atol=1e-6)


def test_class_weights_equal_repeating_rows_to_float32_precision(digits):
    X, y = digits
    X, y = X[:60], (y[:60] < 3).astype(int)  # imbalanced: the starting shares count
    weights = np.r_[np.full(20, 3.0), np.ones(40)]
    repeated_X, repeated_y = np.r_[X[:20], X[:20], X], np.r_[y[:20], y[:20], y]
    params = dict(hidden_layer_sizes=(8,), epochs=5, batch_size=200, random_state=0, shuffle=False)
    weighted = KerasMLPClassifier(**params).fit(X, y, sample_weight=weights)
    repeated = KerasMLPClassifier(**params).fit(repeated_X, repeated_y)
    np.testing.assert_array_equal(
        weighted.model_.get_layer("output").bias.numpy() != 0, True
    )  # the shares are not even: the start is not Keras' zeros
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-5, atol=1e-6)


def test_regressor_multi_output(diabetes):
    X, y = diabetes
    Y = np.c_[y, -y]
    reg = KerasMLPRegressor(**TINY).fit(X, Y)
    assert reg.predict(X).shape == (len(X), 2)
    assert reg.predict(X).dtype == np.float64
    assert "mae" in reg.history_


def test_partial_fit_adds_one_epoch(digits):
    X, y = digits
    clf = KerasMLPClassifier(**TINY)
    clf.partial_fit(X[:50], y[:50], classes=np.arange(10))
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 2 and len(clf.classes_) == 10


def test_clone_keeps_every_parameter():
    clf = KerasMLPClassifier(hidden_layer_sizes=(5, 3), optimizer="sgd", momentum=0.9,
                             lr_schedule="cosine_restarts", lr_period=7, class_weight="balanced",
                             dropout=0.2, random_state=3)  # fmt: skip
    assert clone(clf).get_params() == clf.get_params()
    assert "class_weight" in clf.get_params() and "class_weight" not in KerasMLPRegressor().get_params()


def test_sparse_input_is_accepted(digits):
    from scipy import sparse

    X, y = digits
    clf = KerasMLPClassifier(**TINY).fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(clf.predict_proba(sparse.csr_matrix(X)), clf.predict_proba(X))


def test_predict_log_proba_is_the_log_of_predict_proba(digits):
    X, y = digits
    model = KerasMLPClassifier(**TINY).fit(X, y)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X[:20])), model.predict_proba(X[:20]), rtol=1e-12)


def test_partial_fit_with_other_classes_than_the_first_call_is_refused(digits):
    X, y = digits
    model = KerasMLPClassifier(**TINY).partial_fit(X, y, classes=np.arange(10))
    model.partial_fit(X, y, classes=np.arange(10)[::-1])  # the same set, in another order
    with pytest.raises(ValueError, match=r"classes=\[0, 1, 2\] is not the same as on the first call"):
        model.partial_fit(X, y, classes=[0, 1, 2])


def test_early_stopping_without_validation_split_holds_out_ten_percent(digits):
    X, y = digits
    clf = KerasMLPClassifier(**{**TINY, "epochs": 3}, early_stopping=True).fit(X, y)
    assert "val_loss" in clf.history_ and clf.validation_split == 0.0  # the parameter is left as given
    train_rows, val_rows = clf._validation_rows(y)
    assert len(val_rows) == math.ceil(0.1 * len(y)) and len(train_rows) + len(val_rows) == len(y)
    # Without early stopping, nothing is held out.
    assert "val_loss" not in KerasMLPClassifier(**{**TINY, "epochs": 1}).fit(X, y).history_
    with pytest.raises(ValueError, match=r"early_stopping=True holds out 10% \(validation_split=0\), which leaves no rows"):
        KerasMLPRegressor(**TINY, early_stopping=True)._validation_rows(np.zeros(1))


def test_warm_start_continues_the_fitted_network(digits):
    X, y = digits
    cold = KerasMLPClassifier(**TINY).fit(X, y)
    warm = KerasMLPClassifier(**TINY, warm_start=True).fit(X, y)
    np.testing.assert_array_equal(warm.predict_proba(X), cold.predict_proba(X))  # first fit: the same
    network = warm.model_
    warm.fit(X, y)  # epochs more, on the same network (as sklearn's warm_start)
    assert warm.model_ is network and warm.n_iter_ == 2 * TINY["epochs"]
    assert len(warm.loss_curve_) == 2 * TINY["epochs"]
    assert warm.loss_curve_[TINY["epochs"]] < warm.loss_curve_[0]
    cold.fit(X, y)  # warm_start=False: a new network, the same as the first
    assert cold.n_iter_ == TINY["epochs"]
    # Continuing by fit equals continuing by partial_fit, epoch for epoch.
    stepped = KerasMLPClassifier(**TINY).fit(X, y)
    for _ in range(TINY["epochs"]):
        stepped.partial_fit(X, y)
    np.testing.assert_allclose(warm.loss_curve_, stepped.loss_curve_, rtol=1e-6)


def test_warm_start_refuses_a_changed_network_and_new_classes(digits):
    X, y = digits
    clf = KerasMLPClassifier(**TINY, warm_start=True).fit(X[y < 5], y[y < 5])
    with pytest.raises(ValueError, match=r"labels \[5, 6, 7, 8, 9\].*cannot add classes"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match=r"hidden_layer_sizes=\(16,\) \(fitted with \(8,\)\).*warm_start=False"):
        clf.set_params(hidden_layer_sizes=(16,)).fit(X[y < 5], y[y < 5])
    with pytest.raises(ValueError, match=r"l2=0.01 \(fitted with 0.0\)"):
        clf.set_params(hidden_layer_sizes=(8,), l2=0.01).partial_fit(X[y < 5], y[y < 5])
    clf.set_params(l2=0.0, learning_rate=0.01).fit(X[y < 5], y[y < 5])  # the rate may change
    assert clf.learning_rate_ == 0.01 and clf.n_iter_ == 2 * TINY["epochs"]
    clf.set_params(warm_start=False, hidden_layer_sizes=(16,)).fit(X, y)
    assert clf.n_iter_ == TINY["epochs"] and len(clf.classes_) == 10


@pytest.mark.parametrize("engine", ["compiled", "keras"])
def test_validation_scores_are_sklearns_scores_of_the_validation_rows(diabetes, digits, engine):
    from sklearn.metrics import accuracy_score, r2_score

    X, y = diabetes
    reg = KerasMLPRegressor(**TINY, learning_rate=0.01, validation_split=0.25, engine=engine).fit(X, y)
    rows = reg._validation_rows(y)[1]
    assert len(reg.validation_scores_) == reg.n_iter_
    assert reg.validation_scores_[-1] == pytest.approx(r2_score(y[rows], reg.predict(X[rows])), rel=1e-5)
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    assert reg.best_loss_ == pytest.approx(min(reg.loss_curve_))
    Xd, yd = digits
    clf = KerasMLPClassifier(**TINY, learning_rate=0.01, validation_split=0.25, engine=engine).fit(Xd, yd)
    rows = clf._validation_rows(yd)[1]
    assert clf.validation_scores_[-1] == pytest.approx(accuracy_score(yd[rows], clf.predict(Xd[rows])))


def test_best_loss_and_validation_scores_follow_sklearns_mlp(digits):
    X, y = digits
    plain = KerasMLPClassifier(**TINY)
    assert not hasattr(plain, "best_loss_") and not hasattr(plain, "validation_scores_")
    plain.fit(X, y)
    assert plain.validation_scores_ is None and plain.best_validation_score_ is None
    assert plain.best_loss_ == min(plain.loss_curve_)
    stopped = KerasMLPClassifier(**TINY, early_stopping=True).fit(X, y)
    assert stopped.best_loss_ is None  # early stopping watches the validation loss, as sklearn
    assert len(stopped.validation_scores_) == stopped.n_iter_
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):  # as sklearn's
        stopped.partial_fit(X, y)
    stopped.set_params(early_stopping=False, validation_split=0.1).partial_fit(X, y)
    assert len(stopped.validation_scores_) == stopped.n_iter_ == TINY["epochs"] + 1


def test_a_classifiers_score_is_sklearns_accuracy_score(digits):
    """score() is accuracy_score of the predictions, for integer labels (compared
    directly), other labels, sample weights and mismatched lengths alike."""
    from sklearn.metrics import accuracy_score

    X, y = digits
    X, y = X[:300], y[:300]
    clf = KerasMLPClassifier(**TINY).fit(X, y)
    assert clf.score(X, y) == accuracy_score(y, clf.predict(X))
    assert clf.score(X, y.astype(np.uint8)) == accuracy_score(y.astype(np.uint8), clf.predict(X))
    assert clf.score(X, list(y)) == accuracy_score(list(y), clf.predict(X))
    weights = np.linspace(0, 2, len(y))
    assert clf.score(X, y, sample_weight=weights) == accuracy_score(y, clf.predict(X), sample_weight=weights)
    words = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])[y]
    by_name = KerasMLPClassifier(**TINY).fit(X, words)
    assert by_name.score(X, words) == accuracy_score(words, by_name.predict(X))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.score(X, y[:-1])
    with pytest.raises(ValueError, match="mix of"):
        clf.score(X, y + 0.5)


def test_partial_fit_refuses_early_stopping_as_sklearns_mlp(diabetes):
    # each call held out the same rows and restored its starting weights: calls changed nothing
    X, y = diabetes
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        KerasMLPRegressor(early_stopping=True, **TINY).partial_fit(X, y)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        KerasMLPClassifier(early_stopping=True, **TINY).partial_fit(X, y > np.median(y), classes=[False, True])


def test_partial_fit_batches_of_one_class_once_the_classes_are_known():
    X = np.random.RandomState(0).randn(40, 3)
    y = np.arange(40) % 3
    clf = KerasMLPClassifier(**TINY).partial_fit(X, y, classes=[0, 1, 2])
    clf.partial_fit(X[y == 0], y[y == 0])
    clf.partial_fit(X, y, sample_weight=(y == 0).astype(float))  # non-zero weights on one class: was refused
    assert clf.n_iter_ == 3
    unnamed = KerasMLPClassifier(**TINY).partial_fit(X, y)  # the first call's labels name the classes
    unnamed.partial_fit(X, y, sample_weight=(y == 1).astype(float))
    with pytest.raises(ValueError, match="is not the same as on the first call"):
        unnamed.partial_fit(X, y, classes=[0, 1, 2, 3])  # still checked against them
    with pytest.raises(ValueError, match=r"classes=\[0\]: KerasMLPClassifier needs at least 2 classes"):
        KerasMLPClassifier(**TINY).partial_fit(X[y == 0], y[y == 0], classes=[0])  # predict then raised IndexError
    with pytest.raises(ValueError, match="needs at least 2 classes"):
        KerasMLPClassifier(**TINY).fit(X, y, sample_weight=(y == 1).astype(float))


def test_rows_other_than_one_hot_after_a_one_hot_fit_are_refused_not_relabelled():
    X = np.random.RandomState(0).randn(30, 3)
    onehot = np.eye(3, dtype=int)[np.arange(30) % 3]
    clf = KerasMLPClassifier(**TINY).fit(X, onehot)
    for rows in ([[1, 0, 1]], [[0, 0, 0]]):  # trained as class 0 before
        with pytest.raises(ValueError, match="fitted on one-hot rows"):
            clf.partial_fit(X[:1], np.array(rows))
    clf.partial_fit(X[:3], onehot[:3])  # one-hot rows train on


def test_a_regressor_fit_on_a_column_vector_predicts_a_vector_with_sklearns_warning(diabetes):
    from sklearn.exceptions import DataConversionWarning

    X, y = diabetes
    with pytest.warns(DataConversionWarning):
        model = KerasMLPRegressor(**TINY).fit(X, y[:, None])
    assert model.predict(X[:3]).shape == (3,)
    assert KerasMLPRegressor(**TINY).fit(X, np.c_[y, -y]).predict(X[:3]).shape == (3, 2)


def test_float32_limits_are_named_for_what_they_are(diabetes):
    import sklearn

    X, y = diabetes
    with pytest.raises(ValueError, match="y has values too large for float32"):
        KerasMLPRegressor(**TINY).fit(X, y * 1e39)  # finite in float64: it trained on inf and blamed the rate
    with sklearn.config_context(assume_finite=True):
        with pytest.raises(ValueError, match="Input X contains NaN"):
            KerasMLPRegressor(**TINY).fit(np.where(np.arange(X.size).reshape(X.shape) == 0, np.nan, X), y)


def test_a_learning_rate_an_optimizer_object_would_ignore_is_refused(diabetes):
    X, y = diabetes
    sgd = keras.optimizers.SGD(learning_rate=0.01)
    with pytest.raises(ValueError, match=r"learning_rate=0.5 would be ignored: the optimizer is a Keras object \(SGD\)"):
        KerasMLPRegressor(**TINY, optimizer=sgd, learning_rate=0.5).fit(X, y)
    assert KerasMLPRegressor(**TINY, optimizer=sgd).fit(X, y).learning_rate_ == pytest.approx(0.01)  # its own rate
    assert KerasMLPRegressor(**TINY, optimizer=sgd, learning_rate=0.01).fit(X, y).learning_rate_ == pytest.approx(0.01)


def test_an_initializer_class_or_a_callback_that_is_not_one_gets_a_message(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match=r"kernel_initializer=HeNormal is a class: pass an instance \(HeNormal\(\)\)"):
        KerasMLPRegressor(**TINY, kernel_initializer=keras.initializers.HeNormal).fit(X, y)
    with pytest.raises(ValueError, match="callbacks must be Keras callbacks"):
        KerasMLPRegressor(**TINY, callbacks=[1]).fit(X, y)


def test_partial_fit_refuses_balanced_class_weights_computed_per_batch():
    X = np.random.RandomState(0).randn(30, 3)
    y = np.arange(30) % 3
    with pytest.raises(ValueError, match="class_weight='balanced' would be computed from each partial_fit call"):
        KerasMLPClassifier(**TINY, class_weight="balanced").partial_fit(X, y)
    KerasMLPClassifier(**TINY, class_weight={0: 1.0, 1: 2.0, 2: 1.0}).partial_fit(X, y)
