"""Every version quirk of scikit-learn and Keras, and only those.

scikit-learn's private helpers that skhyper relies on are imported here and
nowhere else, so that a rename in a new release is mended in one place.
"""

from sklearn.model_selection._search import BaseSearchCV  # noqa: F401  (re-exported)
from sklearn.model_selection._validation import _fit_and_predict, _fit_and_score
from sklearn.utils._param_validation import (  # noqa: F401  (re-exported)
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.metaestimators import _BaseComposition as BaseComposition  # noqa: F401  (re-exported)
from sklearn.utils.metaestimators import _safe_split as safe_split  # noqa: F401  (re-exported)
from sklearn.utils.validation import (  # noqa: F401  (re-exported)
    _check_feature_names as check_feature_names,
    _check_sample_weight,
    validate_data,
)

#: scikit-learn's joblib tasks that fit one estimator each: a search's candidate
#: on one fold, ``cross_validate``'s folds (``_fit_and_score``) and
#: ``cross_val_predict``'s (``_fit_and_predict``).  The progress bar counts them.
ONE_FIT_TASKS = (_fit_and_score, _fit_and_predict)


def check_keras_backend():
    """skhyper trains with TensorFlow; say so plainly under another backend."""
    import keras

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ImportError(
            f"skhyper needs Keras' TensorFlow backend, but KERAS_BACKEND is {backend!r}."
            " Unset KERAS_BACKEND or set it to 'tensorflow' before importing Keras."
        )


def traced(function, **options):
    """``tf.function(function)`` without AutoGraph (loops are written as
    ``tf.while_loop``) and without the retracing warning (see below)."""
    import tensorflow as tf

    return without_retracing_warning(tf.function(function, autograph=False, **options))


def flat_call(concrete):
    """Call the concrete function ``concrete`` on TensorFlow's flat fast path.

    A concrete function's own ``__call__`` binds its arguments to its
    signature (0.2-0.6 ms a call); the callers here pass tensors of the
    traced dtypes, so they can go straight to the graph (TensorFlow's own
    fast path, by its private name; the public call where a TensorFlow
    version lacks it).
    """
    call = getattr(concrete, "_call_flat", None)
    if call is None:
        return concrete
    return lambda *args: call(list(args), concrete.captured_inputs)


def without_retracing_warning(function):
    """Keep TensorFlow from warning that ``function`` retraces "too often".

    TensorFlow counts traces per Python code object, so every trainer of the
    compiled loop (one trace each, by design) adds to one count and, after
    five architectures in a process, TensorFlow warns about retracing.  Its
    ``tf.function`` has a private switch for that warning and no public one.
    """
    function._omit_frequent_tracing_warning = True
    return function
