"""Two edges where scikit-learn's MLPClassifier is the reference: what
``predict`` returns for a 2-d (indicator) target, and which classes a warm
start or ``partial_fit`` takes after the first fit."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skhyper import KerasMLPClassifier, load

SMALL = {"hidden_layer_sizes": (4,), "epochs": 1, "batch_size": 16, "random_state": 0}

rng = np.random.RandomState(0)
X = rng.rand(36, 4)
LABELS = np.arange(36) % 3  # classes 0, 1, 2
MULTILABEL = (rng.rand(36, 3) > 0.5).astype(np.int64)
ONE_HOT = np.eye(3, dtype=np.int64)[LABELS]
TWO_COLUMNS = np.eye(2, dtype=np.int64)[LABELS % 2]  # one-hot rows of two classes (to_categorical of a binary label)


def sklearn_mlp(**params):
    return MLPClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0, **params)


def outcome(steps):
    """``"ok"``, or the type of the error the steps raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            steps()
        except ValueError:
            return "ValueError"
    return "ok"


# ------------------------------------------------ predict of a 2-d target


@pytest.mark.parametrize("Y", [MULTILABEL, ONE_HOT, TWO_COLUMNS], ids=["multilabel", "one-hot", "two columns"])
def test_predict_of_an_int64_indicator_target_is_sklearns(Y, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        expected = sklearn_mlp().fit(X, Y).predict(X)
    clf = KerasMLPClassifier(**SMALL).fit(X, Y)
    predicted = clf.predict(X)
    assert predicted.dtype == expected.dtype == np.int64 and predicted.shape == expected.shape
    assert set(np.unique(predicted)) <= {0, 1}
    assert clf.predict_proba(X).dtype.kind == "f"
    stepped = KerasMLPClassifier(**SMALL).partial_fit(X, Y)
    assert stepped.predict(X).dtype == np.int64
    for copy in (pickle.loads(pickle.dumps(clf)), load(clf.save(tmp_path / "indicator.skhyper"))):
        again = copy.predict(X)
        assert again.dtype == np.int64
        np.testing.assert_array_equal(again, predicted)


@pytest.mark.parametrize("dtype", [bool, np.int32, np.uint8, np.float64, np.float32])
@pytest.mark.parametrize("Y", [MULTILABEL, ONE_HOT], ids=["multilabel", "one-hot"])
def test_predict_of_an_indicator_target_has_its_dtype(Y, dtype, tmp_path):
    # sklearn's MLPClassifier returns int64 whatever the indicator's dtype;
    # here predict gives back the fitted y's (what y_true == y_pred compares).
    y = Y.astype(dtype)
    before = y.copy()
    clf = KerasMLPClassifier(**SMALL).fit(X, y)
    np.testing.assert_array_equal(y, before)
    predicted = clf.predict(X)
    assert predicted.dtype == np.dtype(dtype) and predicted.shape == y.shape
    assert clf.predict_proba(X).dtype.kind == "f"
    loaded = load(clf.save(tmp_path / "indicator.skhyper"))
    assert loaded.predict(X).dtype == np.dtype(dtype)
    np.testing.assert_array_equal(loaded.predict(X), predicted)


# ---------------------------------------------- classes of a warm start

SUBSET = LABELS < 2  # classes 0 and 1 only
WITH_NEW = np.where(np.arange(36) == 0, 3, LABELS)  # a class 3 besides 0, 1, 2

WARM_FITS = {
    "same classes": (X, LABELS),
    "a subset": (X[SUBSET], LABELS[SUBSET]),
    "one class": (X[LABELS == 0], LABELS[LABELS == 0]),
    "a new class": (X, WITH_NEW),
}


@pytest.mark.parametrize("case", WARM_FITS)
def test_warm_start_refit_takes_the_classes_sklearn_takes(case):
    X2, y2 = WARM_FITS[case]
    reference = sklearn_mlp(warm_start=True)
    expected = outcome(lambda: reference.fit(X, LABELS).fit(X2, y2))
    clf = KerasMLPClassifier(**SMALL, warm_start=True)
    assert outcome(lambda: clf.fit(X, LABELS).fit(X2, y2)) == expected
    assert expected == ("ok" if case == "same classes" else "ValueError")


@pytest.mark.parametrize("case", WARM_FITS)
def test_partial_fit_takes_the_classes_sklearn_takes(case):
    X2, y2 = WARM_FITS[case]
    reference = sklearn_mlp()
    expected = outcome(lambda: reference.partial_fit(X, LABELS, classes=[0, 1, 2]).partial_fit(X2, y2))
    clf = KerasMLPClassifier(**SMALL)
    assert outcome(lambda: clf.partial_fit(X, LABELS, classes=[0, 1, 2]).partial_fit(X2, y2)) == expected
    assert expected == ("ValueError" if case == "a new class" else "ok")
    # After a fit (not warm), partial_fit takes the same.
    assert outcome(lambda: KerasMLPClassifier(**SMALL).fit(X, LABELS).partial_fit(X2, y2)) == expected


def test_a_refused_warm_fit_names_the_classes_and_changes_nothing():
    labels = np.array(["a", "b", "c"])[LABELS]
    clf = KerasMLPClassifier(**SMALL, warm_start=True).fit(X, labels)
    proba, n_iter = clf.predict_proba(X), clf.n_iter_
    X2, y2 = X[SUBSET].copy(), labels[SUBSET].copy()
    with pytest.raises(ValueError, match=r"classes_=\['a', 'b', 'c'\], but y has \['a', 'b'\] \(missing \['c'\]\)"):
        clf.fit(X2, y2)
    new = labels.copy()
    new[0] = "d"
    with pytest.raises(ValueError, match=r"labels \['d'\].*classes_=\['a', 'b', 'c'\]"):
        clf.fit(X, new)
    np.testing.assert_array_equal(X2, X[SUBSET])
    np.testing.assert_array_equal(y2, labels[SUBSET])
    assert clf.n_iter_ == n_iter and "_warm_fit" not in vars(clf)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    clf.partial_fit(X2, y2)  # partial_fit takes some of the classes
    clf.fit(X, labels)  # and a warm fit all of them
    assert clf.n_iter_ == n_iter + 2
    clf.set_params(warm_start=False).fit(X2, y2)  # a new network, on two classes
    assert clf.classes_.tolist() == ["a", "b"]


def test_a_warm_fit_after_partial_fit_needs_every_class_it_named():
    # partial_fit(classes=...) fixed classes_, as sklearn's does: a warm fit
    # on y with some of them is refused there too.
    reference, clf = sklearn_mlp(), KerasMLPClassifier(**SMALL)
    for estimator in (reference, clf):
        estimator.partial_fit(X[SUBSET], LABELS[SUBSET], classes=[0, 1, 2]).set_params(warm_start=True)
    assert outcome(lambda: reference.fit(X[SUBSET], LABELS[SUBSET])) == "ValueError"
    with pytest.raises(ValueError, match=r"classes_=\[0, 1, 2\], but y has \[0, 1\] \(missing \[2\]\)"):
        clf.fit(X[SUBSET], LABELS[SUBSET])
    clf.fit(X, LABELS)


@pytest.mark.parametrize("Y", [MULTILABEL, ONE_HOT], ids=["multilabel", "one-hot"])
def test_a_warm_fit_on_indicator_columns_may_leave_a_column_empty(Y):
    # A label matrix names its classes by column (sklearn's unique_labels of
    # an indicator matrix is arange(n_columns)): a column of zeros is a class.
    y2 = Y[SUBSET].copy()
    y2[:, 2] = 0  # (one-hot rows of classes 0 and 1 have none there already)
    reference = sklearn_mlp(warm_start=True)
    expected = outcome(lambda: reference.fit(X, Y).fit(X[SUBSET], y2))
    clf = KerasMLPClassifier(**SMALL, warm_start=True)
    assert outcome(lambda: clf.fit(X, Y).fit(X[SUBSET], y2)) == expected == "ok"
    assert outcome(lambda: clf.fit(X, Y[:, :2])) == "ValueError"
