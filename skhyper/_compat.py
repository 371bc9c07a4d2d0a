"""Every version quirk of scikeras, scikit-learn and Keras, and only those."""

from sklearn.utils import ClassifierTags, RegressorTags
from sklearn.utils._param_validation import (  # noqa: F401  (re-exported)
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import validate_data  # noqa: F401  (re-exported)


def fix_estimator_tags(tags, estimator_type):
    """Give a scikeras subclass the tags its mixin never contributes.

    scikeras 0.13 declares ``KerasClassifier(BaseWrapper, ClassifierMixin)``:
    the mixin comes after ``BaseEstimator`` in the MRO and scikeras defines
    only the old ``_more_tags``, so on scikit-learn >= 1.7 the tags are
    ``BaseEstimator``'s.  ``is_classifier`` is then False and ``GridSearchCV``
    with an integer ``cv`` silently stops stratifying.  Reordering the bases
    fails with an MRO error; setting the tags here is the fix.
    """
    tags.estimator_type = estimator_type
    tags.target_tags.required = True
    if estimator_type == "classifier":
        tags.classifier_tags = ClassifierTags(multi_class=True, multi_label=False)
        tags.regressor_tags = None
    else:
        tags.regressor_tags = RegressorTags()
        tags.classifier_tags = None
    return tags


def check_keras_backend():
    """skhyper trains with TensorFlow; say so plainly under another backend."""
    import keras

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ImportError(
            f"skhyper needs Keras' TensorFlow backend, but KERAS_BACKEND is {backend!r}."
            " Unset KERAS_BACKEND or set it to 'tensorflow' before importing Keras."
        )
