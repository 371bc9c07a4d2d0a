"""scikit-learn's own estimator checks, on both estimators."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skhyper import KerasMLPClassifier, KerasMLPRegressor

# Settings that let the checks' small problems be learned in a few seconds.
CHECKED = dict(hidden_layer_sizes=(16,), epochs=20, learning_rate=0.01, random_state=0)

_FLOAT32 = (
    "Keras trains in float32: a weighted fit and the fit on repeated rows agree"
    " to float32 round-off (about 1e-7 relative; test_mlp checks it at rtol 1e-5),"
    " the check asks rtol=1e-7"
)
EXPECTED_FAILURES = {
    "check_estimator_tags_renamed": (
        "scikeras 0.13's BaseWrapper, a base class, defines the pre-1.6 `_more_tags`"
        " only; the check walks the whole MRO. skhyper's own tags are right"
        " (test_mlp checks is_classifier, is_regressor and stratification)"
    ),
    "check_sample_weight_equivalence_on_dense_data": _FLOAT32,
    "check_sample_weight_equivalence_on_sparse_data": _FLOAT32,
}


@parametrize_with_checks(
    [KerasMLPClassifier(**CHECKED), KerasMLPRegressor(**CHECKED)],
    expected_failed_checks=lambda estimator: EXPECTED_FAILURES,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
