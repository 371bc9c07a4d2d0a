"""The target encoders (``skhyper.estimators._targets``) give what scikeras'
give, with numpy alone: the same classes, codes, shapes and metadata."""

import numpy as np
import pytest
from conftest import TINY
from scikeras.utils.transformers import ClassifierLabelEncoder, RegressorTargetEncoder

from skhyper import KerasMLPClassifier, KerasMLPRegressor
from skhyper.estimators._targets import LabelEncoder, TargetShaper

LABELS = [
    np.array(["b", "a", "c", "a"]),
    np.array([3, 1, 1, 3, 7]),
    np.array([1.0, 2.0, 2.0]),
    np.array(["x", "y", "x"], dtype=object),
    np.array([True, False, True]),
    np.eye(3, dtype=int)[[0, 2, 1, 1]],  # one-hot rows
    np.array([[1, 0, 1], [0, 0, 1], [1, 1, 0]]),  # multilabel
]


@pytest.mark.parametrize("y", LABELS, ids=lambda y: f"{y.dtype}-{y.ndim}d")
def test_label_encoder_gives_what_scikeras_gives(y):
    ours, theirs = LabelEncoder().fit(y), ClassifierLabelEncoder().fit(y)
    for key, value in theirs.get_metadata().items():
        mine = ours.get_metadata()[key]
        assert np.asarray(mine).dtype == np.asarray(value).dtype, key
        np.testing.assert_array_equal(mine, value, err_msg=key)
    np.testing.assert_array_equal(ours.transform(y), theirs.transform(y))
    assert np.asarray(ours.transform(y)).dtype == np.asarray(theirs.transform(y)).dtype
    assert ours._y_shape == theirs._y_shape
    if y.ndim == 1:
        outputs = np.random.RandomState(0).rand(len(y), len(ours.classes_))
        np.testing.assert_array_equal(ours.inverse_transform(outputs), theirs.inverse_transform(outputs))


def test_label_encoder_with_given_classes_codes_by_them_and_names_unknown_labels():
    classes = np.array([0, 1, 2, 5])
    ours = LabelEncoder(categories=[classes]).fit(np.array([1, 5, 1]))
    theirs = ClassifierLabelEncoder(categories=[classes]).fit(np.array([1, 5, 1]))
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_array_equal(ours.transform(np.array([5, 0, 2])), theirs.transform(np.array([5, 0, 2])))
    with pytest.raises(ValueError, match=r"y has labels \[3, 9\] that are not among the classes \[0, 1, 2, 5\]"):
        ours.transform(np.array([3, 1, 9]))


@pytest.mark.parametrize("y", [np.arange(5.0), np.arange(10.0).reshape(5, 2)], ids=["1d", "2d"])
def test_target_shaper_gives_what_scikeras_gives(y):
    ours, theirs = TargetShaper().fit(y), RegressorTargetEncoder().fit(y)
    assert ours.get_metadata() == theirs.get_metadata()
    np.testing.assert_array_equal(ours.transform(y), theirs.transform(y))
    outputs = np.arange(float(y.size)).reshape(len(y), -1)
    np.testing.assert_array_equal(ours.inverse_transform(outputs), theirs.inverse_transform(outputs))
    with pytest.raises(ValueError, match="outputs"):
        ours.transform(np.zeros((5, 3)))


def test_partial_fit_with_classes_that_miss_a_label_says_which(digits):
    X, y = digits
    clf = KerasMLPClassifier(**TINY)
    with pytest.raises(ValueError, match=r"y has labels \[2, 3, 4, 5, 6, 7, 8, 9\] that are not among the classes \[0, 1\]"):
        clf.partial_fit(X, y, classes=[0, 1])


def test_estimators_keep_an_encoder_with_scikeras_interface(digits, diabetes):
    X, y = digits
    clf = KerasMLPClassifier(**TINY).fit(X, y)
    assert isinstance(clf.target_encoder_, LabelEncoder)
    np.testing.assert_array_equal(clf.target_encoder_.classes_, clf.classes_)
    np.testing.assert_array_equal(clf.target_encoder_.inverse_transform(clf.predict_proba(X)), clf.predict(X))
    X, y = diabetes
    reg = KerasMLPRegressor(**TINY).fit(X, y)
    assert isinstance(reg.target_encoder_, TargetShaper) and reg.n_outputs_ == 1
