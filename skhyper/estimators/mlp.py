"""KerasMLPClassifier and KerasMLPRegressor: thin subclasses of the one base.

They differ only in what differs: the target (labels or numbers), the output
layer and loss, class weights and ``predict_proba``.

Both are plain scikit-learn estimators, sklearn's mixin first as sklearn
requires (scikeras' ``KerasClassifier(BaseWrapper, ClassifierMixin)`` puts it
after ``BaseEstimator``, so on scikit-learn >= 1.7 ``is_classifier`` is False
and ``GridSearchCV(cv=3)`` stops stratifying; its ``BaseWrapper`` defines only
the pre-1.6 ``_more_tags``).  From scikeras they keep its target encoders.
"""

import numpy as np
from scikeras.utils.transformers import ClassifierLabelEncoder, RegressorTargetEncoder
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_array, column_or_1d
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets

from .. import hyperparams
from .._compat import StrOptions
from ._base import KerasMLPBase, signature_with

__all__ = ["KerasMLPClassifier", "KerasMLPRegressor"]


class KerasMLPClassifier(ClassifierMixin, KerasMLPBase, BaseEstimator):
    _metric = "accuracy"
    _parameter_constraints = {
        **KerasMLPBase._parameter_constraints,
        "loss": [StrOptions(set(hyperparams.CLASSIFICATION_LOSSES)), callable, None],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(self, *, class_weight=None, **params):
        super().__init__(**params)
        self.class_weight = class_weight

    __init__.__signature__ = signature_with(KerasMLPBase.__init__, __init__)

    def fit(self, X, y, sample_weight=None):
        self._given_classes = None
        return super().fit(X, y, sample_weight=sample_weight)

    fit.__doc__ = KerasMLPBase.fit.__doc__

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train one more epoch, building the network on the first call.

        ``classes`` (every label the estimator will see) is needed on the
        first call when ``y`` does not hold them all.
        """
        if not self.__sklearn_is_fitted__():
            self._given_classes = None if classes is None else np.unique(classes)
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(
                f"classes={np.unique(classes).tolist()!r} is not the same as on the first call to"
                f" partial_fit, which fixed {self.classes_.tolist()!r}; call fit() to start again."
            )
        self._fit(X, y, sample_weight, warm_start=True, epochs=1)
        return self

    @property
    def target_encoder(self):
        classes = getattr(self, "_given_classes", None)
        return ClassifierLabelEncoder(categories="auto" if classes is None else [classes])

    def predict_proba(self, X):
        """Class probabilities, one column per class of ``classes_``.

        Returns
        -------
        ndarray of shape (n_samples, n_classes), rows summing to 1.
        """
        proba = self._predict_raw(X)
        if proba.shape[1] == 1:  # one sigmoid unit: P(classes_[1])
            proba = np.hstack([1.0 - proba, proba])
        return proba / proba.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        """The logarithm of :meth:`predict_proba` (``-inf`` where a
        probability is 0), as sklearn's ``MLPClassifier`` gives it."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class of each row."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def _validate_target(self, y):
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        return column_or_1d(y, warn=True)

    def _check_target(self, y, after_weighting=False):
        check_classification_targets(y)
        classes = np.unique(y)
        if len(classes) < 2 and (after_weighting or getattr(self, "_given_classes", None) is None):
            where = " with a non-zero sample_weight" if after_weighting else ""
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes to learn from, but y"
                f" has only one class{where}: {classes[0].item()!r}."
            )

    def _class_sample_weight(self, y):
        if self.class_weight is None:
            return None
        return compute_sample_weight(self.class_weight, y)

    def _n_model_outputs(self, y):
        return 1 if _is_binary_crossentropy(self._loss_name()) else self.n_classes_

    def _loss_name(self):
        """The loss trained with: a name, or the user's loss object."""
        if self.loss is None:
            return "binary_crossentropy" if self.n_classes_ == 2 else "sparse_categorical_crossentropy"
        if isinstance(self.loss, str):
            return hyperparams.CLASSIFICATION_LOSSES[self.loss]
        if _is_categorical_crossentropy(self.loss):
            raise ValueError(
                f"{type(self).__name__} trains on class indices, but the loss object"
                f" {self.loss!r} expects one-hot targets: pass loss='categorical_crossentropy'"
                " by name (trained as its sparse twin) or keras.losses.SparseCategoricalCrossentropy()."
            )
        return self.loss

    def _output_and_loss(self, n_outputs):
        loss = self._loss_name()
        if _is_binary_crossentropy(loss) and self.n_classes_ != 2:
            raise ValueError(
                f"loss='binary_crossentropy' needs 2 classes, but y has {self.n_classes_};"
                " use 'sparse_categorical_crossentropy' (or leave loss=None)."
            )
        return ("sigmoid" if n_outputs == 1 else "softmax"), loss


def _is_binary_crossentropy(loss):
    """A binary cross-entropy, named or as a Keras object: one sigmoid unit."""
    import keras

    return (
        loss == "binary_crossentropy"
        or isinstance(loss, keras.losses.BinaryCrossentropy)
        or loss is keras.losses.binary_crossentropy
    )


def _is_categorical_crossentropy(loss):
    import keras

    return isinstance(loss, keras.losses.CategoricalCrossentropy) or loss is keras.losses.categorical_crossentropy


class KerasMLPRegressor(RegressorMixin, KerasMLPBase, BaseEstimator):
    _metric = "mae"
    _parameter_constraints = {
        **KerasMLPBase._parameter_constraints,
        "loss": [StrOptions(set(hyperparams.REGRESSION_LOSSES)), callable, None],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def partial_fit(self, X, y, sample_weight=None):
        """Train one more epoch, building the network on the first call."""
        self._fit(X, y, sample_weight, warm_start=True, epochs=1)
        return self

    def predict(self, X):
        """Predicted targets, of shape (n_samples,) or (n_samples, n_outputs)."""
        outputs = self._predict_raw(X)
        return self.target_encoder_.inverse_transform(outputs)

    @property
    def target_encoder(self):
        return RegressorTargetEncoder()

    def _validate_target(self, y):
        return check_array(y, ensure_2d=False, dtype="numeric", input_name="y")

    def _n_model_outputs(self, y):
        return 1 if y.ndim == 1 else y.shape[1]

    def _output_and_loss(self, n_outputs):
        loss = "mse" if self.loss is None else self.loss
        if isinstance(loss, str):
            loss = hyperparams.REGRESSION_LOSSES[loss]
        return "linear", loss
