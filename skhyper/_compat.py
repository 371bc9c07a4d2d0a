"""Every version quirk of scikeras, scikit-learn and Keras, and only those.

scikit-learn's private helpers that skhyper relies on are imported here and
nowhere else, so that a rename in a new release is mended in one place.
scikeras' tag quirk is avoided by the estimators' base order (see
``skhyper.estimators.mlp``).
"""

from sklearn.utils._param_validation import (  # noqa: F401  (re-exported)
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import (  # noqa: F401  (re-exported)
    _check_sample_weight,
    validate_data,
)


def check_keras_backend():
    """skhyper trains with TensorFlow; say so plainly under another backend."""
    import keras

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ImportError(
            f"skhyper needs Keras' TensorFlow backend, but KERAS_BACKEND is {backend!r}."
            " Unset KERAS_BACKEND or set it to 'tensorflow' before importing Keras."
        )
