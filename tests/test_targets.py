"""2-d classification targets: multilabel indicator matrices and one-hot rows."""

import pickle
import re

import numpy as np
import pytest
from conftest import TINY
from sklearn.datasets import make_multilabel_classification
from sklearn.metrics import accuracy_score, hamming_loss

from skhyper import KerasMLPClassifier, load


@pytest.fixture(scope="module")
def multilabel():
    X, Y = make_multilabel_classification(n_samples=300, n_features=10, n_classes=4, random_state=0)
    return (X - X.mean(axis=0)) / X.std(axis=0), Y


def one_hot(y, n_classes=10):
    return np.eye(n_classes, dtype=int)[y]


@pytest.mark.parametrize("engine", ["compiled", "keras"])
def test_multilabel_learns_each_label(multilabel, engine):
    X, Y = multilabel
    clf = KerasMLPClassifier(**{**TINY, "hidden_layer_sizes": (32,), "epochs": 30},
                             learning_rate=0.01, engine=engine).fit(X, Y)  # fmt: skip
    assert clf.target_type_ == "multilabel-indicator"
    np.testing.assert_array_equal(clf.classes_, np.arange(4))
    assert clf.model_.layers[-1].units == 4
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 4) and ((proba >= 0) & (proba <= 1)).all()
    assert not np.allclose(proba.sum(axis=1), 1.0)  # one probability per label, not a softmax
    predicted = clf.predict(X)
    np.testing.assert_array_equal(predicted, (proba > 0.5).astype(int))
    assert predicted.dtype == Y.dtype and predicted.shape == Y.shape
    # Far better than the best constant indicator (each label's majority).
    majority = np.tile(Y.mean(axis=0) > 0.5, (len(Y), 1)).astype(int)
    assert hamming_loss(Y, predicted) < 0.6 * hamming_loss(Y, majority)
    assert clf.score(X, Y) == pytest.approx(accuracy_score(Y, predicted))  # subset accuracy
    assert 0 <= clf.history_["accuracy"][-1] <= 1  # the share of labels right


@pytest.mark.parametrize("engine", ["compiled", "keras"])
def test_one_hot_rows_train_as_their_labels(digits, engine):
    X, y = digits
    params = dict(**TINY, learning_rate=0.01, validation_split=0.2, engine=engine)
    labels = KerasMLPClassifier(**params).fit(X, y)
    rows = KerasMLPClassifier(**params).fit(X, one_hot(y))
    assert rows.target_type_ == "multiclass-onehot"
    # The same network, split (stratified by class) and training.
    np.testing.assert_allclose(rows.predict_proba(X), labels.predict_proba(X), rtol=1e-6)
    np.testing.assert_allclose(rows.history_["val_accuracy"], labels.history_["val_accuracy"])
    predicted = rows.predict(X)
    np.testing.assert_array_equal(predicted, one_hot(labels.predict(X)))
    assert rows.score(X, one_hot(y)) == labels.score(X, y)


def test_one_hot_class_weight_is_keyed_by_column(digits):
    X, y = digits
    weights = {k: 1.0 + k for k in range(10)}
    labels = KerasMLPClassifier(**TINY, class_weight=weights).fit(X, y)
    rows = KerasMLPClassifier(**TINY, class_weight=weights).fit(X, one_hot(y))
    np.testing.assert_allclose(rows.predict_proba(X), labels.predict_proba(X), rtol=1e-6)


def test_binary_crossentropy_makes_one_hot_rows_multilabel(digits):
    X, y = digits
    clf = KerasMLPClassifier(**TINY, loss="binary_crossentropy").fit(X, one_hot(y))
    assert clf.target_type_ == "multilabel-indicator"
    assert clf.model_.layers[-1].activation.__name__ == "sigmoid"


def test_categorical_crossentropy_object_trains_on_the_rows(digits):
    import keras

    X, y = digits
    by_name = KerasMLPClassifier(**TINY, loss="categorical_crossentropy").fit(X, one_hot(y))
    by_object = KerasMLPClassifier(**TINY, loss=keras.losses.CategoricalCrossentropy()).fit(X, one_hot(y))
    np.testing.assert_allclose(by_object.history_["loss"], by_name.history_["loss"], rtol=1e-5)
    np.testing.assert_allclose(by_object.history_["accuracy"], by_name.history_["accuracy"])


def test_partial_fit_and_persistence_keep_the_target_kind(multilabel, tmp_path):
    X, Y = multilabel
    clf = KerasMLPClassifier(**TINY).partial_fit(X, Y).partial_fit(X, Y)
    assert clf.n_iter_ == 2 and clf.target_type_ == "multilabel-indicator"
    for copy in (pickle.loads(pickle.dumps(clf)), load(clf.save(tmp_path / "multilabel.skhyper"))):
        assert copy.target_type_ == "multilabel-indicator"
        np.testing.assert_array_equal(copy.predict(X), clf.predict(X))
        np.testing.assert_allclose(copy.predict_proba(X), clf.predict_proba(X))
    with pytest.raises(ValueError, match=r"y has shape \(300, 3\).*fitted on 4 label columns"):
        clf.partial_fit(X, Y[:, :3])
    with pytest.raises(ValueError, match="fitted on 4 label columns"):
        clf.partial_fit(X, Y[:, 0])


def test_a_label_matrix_after_labels_is_refused(digits):
    X, y = digits
    clf = KerasMLPClassifier(**TINY).fit(X, y)
    with pytest.raises(ValueError, match="fitted on a 1-d y of labels"):
        clf.partial_fit(X, one_hot(y))


def test_bad_2d_targets_say_what_is_wrong(multilabel, digits):
    X, Y = multilabel
    with pytest.raises(ValueError, match="indicator matrix of 0 and 1.*'multiclass-multioutput'.*values 0, 1, 2"):
        KerasMLPClassifier(**TINY).fit(X, Y + np.roll(Y, 1, axis=1))
    with pytest.raises(ValueError, match="indicator matrix of 0 and 1.*values 0, 2"):
        KerasMLPClassifier(**TINY).fit(X, Y * 2)  # two values, but not 0 and 1
    with pytest.raises(ValueError, match="is multilabel.*not loss='sparse_categorical_crossentropy'"):
        KerasMLPClassifier(**TINY, loss="sparse_categorical_crossentropy").fit(X, Y)
    before = Y.copy()
    KerasMLPClassifier(**TINY).fit(X, Y)
    np.testing.assert_array_equal(Y, before)


@pytest.mark.parametrize("kind", ["one-hot", "multilabel"])
def test_a_loss_object_that_does_not_fit_the_rows_says_what_to_pass(multilabel, digits, kind):
    import keras

    X, Y = multilabel if kind == "multilabel" else (digits[0], one_hot(digits[1]))
    instead = "keras.losses.BinaryCrossentropy()" if kind == "multilabel" else "keras.losses.CategoricalCrossentropy()"
    for loss in (keras.losses.SparseCategoricalCrossentropy(), keras.losses.sparse_categorical_crossentropy):
        with pytest.raises(ValueError, match=rf"(?s)y is {kind}.*expects class indices.*{re.escape(instead)}"):
            KerasMLPClassifier(**TINY, loss=loss).fit(X, Y)
    if kind == "multilabel":
        with pytest.raises(ValueError, match="y is multilabel.*expects one class per row"):
            KerasMLPClassifier(**TINY, loss=keras.losses.CategoricalCrossentropy()).fit(X, Y)


def test_a_class_weight_dict_with_a_multilabel_target_is_refused(multilabel):
    X, Y = multilabel
    with pytest.raises(ValueError, match="class_weight as a dict.*not supported with a multilabel y"):
        KerasMLPClassifier(**TINY, class_weight={0: 1.0, 1: 2.0}).fit(X, Y)
    assert KerasMLPClassifier(**TINY, class_weight="balanced").fit(X, Y).n_iter_ == TINY["epochs"]


def test_the_output_starts_at_the_class_shares(digits):
    X, y = digits
    frozen = dict(**{**TINY, "epochs": 1}, learning_rate=1e-12)  # a step that changes nothing
    rare = np.r_[np.flatnonzero(y == 0)[:30], np.flatnonzero(y == 1)[:6]]
    binary = KerasMLPClassifier(**frozen).fit(X[rare], y[rare])
    share = 6 / 36
    bias = binary.model_.get_layer("output").bias.numpy()
    np.testing.assert_allclose(bias, [np.log(share / (1 - share))], rtol=1e-5)
    # class_weight counts: weighted 5:1 the other way, class 1 is the common one.
    weighted = KerasMLPClassifier(**frozen, class_weight={0: 1.0, 1: 25.0}).fit(X[rare], y[rare])
    share = 150 / 180
    np.testing.assert_allclose(weighted.model_.get_layer("output").bias.numpy(), [np.log(share / (1 - share))], rtol=1e-5)
    # Balanced classes start as Keras does: bias 0.
    balanced = np.r_[[np.flatnonzero(y == k)[:20] for k in range(10)]].ravel()
    even = KerasMLPClassifier(**frozen).fit(X[balanced], y[balanced])
    np.testing.assert_allclose(even.model_.get_layer("output").bias.numpy(), 0.0, atol=1e-9)
    # A class partial_fit is told of but has no row starts at the average.
    some = y < 3
    streamed = KerasMLPClassifier(**frozen).partial_fit(X[some], y[some], classes=np.arange(10))
    bias = streamed.model_.get_layer("output").bias.numpy()
    np.testing.assert_allclose(bias[3:], bias[:3].mean(), atol=1e-9)
    assert np.ptp(bias[:3]) > 0.01  # the seen classes keep their shares


def test_class_weight_check_passes_where_training_is_short():
    from sklearn.utils.estimator_checks import check_class_weight_classifiers

    # 30 single-batch epochs at a decaying rate: too few steps to learn the
    # classes' weights, but the output starts at the weighted shares.
    slow = KerasMLPClassifier(optimizer="rmsprop", lr_schedule="step", lr_step=5, dropout=0.3,
                              epochs=30, batch_size=64, random_state=0)  # fmt: skip
    check_class_weight_classifiers(type(slow).__name__, slow)
