"""The target as the network trains on it, and back.

The interface is scikeras' target encoders' (``fit``, ``transform``,
``inverse_transform``, ``get_metadata``; ``classes_``, ``n_classes_``,
``n_outputs_``, ``n_outputs_expected_``), which a fitted estimator keeps as
``target_encoder_``.  scikeras builds them from sklearn's ``OrdinalEncoder``
in a pipeline, whose checks cost about 3 ms of every fit (a quarter of a
warm fit's time outside its epochs); these do the same with numpy.  The
labels are checked before they get here (``KerasMLPClassifier._validate_target``
and ``_check_target``): 1-d labels of one kind, or a 0/1 indicator matrix.
"""

import numpy as np

__all__ = ["LabelEncoder", "TargetShaper"]


class LabelEncoder:
    """Class labels as a float32 column of their indices in ``classes_``
    (sorted, as ``np.unique`` gives them); a 2-d indicator matrix (multilabel
    or one-hot rows) as it is, its columns the classes.

    Parameters
    ----------
    categories : "auto" or [array of classes]
        The classes: those of the ``y`` given to ``fit``, or these (every
        label the estimator will see, as ``partial_fit(classes=...)`` gives
        them).
    """

    def __init__(self, categories="auto"):
        self.categories = categories

    def fit(self, y):
        y = np.asarray(y)
        self._y_shape, self._y_dtype = y.shape, y.dtype
        self.n_outputs_ = self.n_outputs_expected_ = 1
        if y.ndim == 2:
            self.classes_ = np.arange(y.shape[1])
        elif isinstance(self.categories, str):
            self.classes_ = np.unique(y)
        else:
            self.classes_ = np.asarray(self.categories[0])
            self._indices(y)  # every label must be one of them
        self.n_classes_ = len(self.classes_)
        return self

    def _indices(self, y):
        indices = np.searchsorted(self.classes_, y)
        found = indices < len(self.classes_)
        found[found] = self.classes_[indices[found]] == y[found]
        if not found.all():
            unknown = np.unique(y[~found]).tolist()
            raise ValueError(f"y has labels {unknown!r} that are not among the classes {self.classes_.tolist()!r}.")
        return indices

    def transform(self, y):
        y = np.asarray(y)
        if y.ndim == 2:
            return y
        return self._indices(y).astype(np.float32).reshape(-1, 1)

    def inverse_transform(self, y, return_proba=False):
        """The labels of the network's outputs ``y`` (probabilities), or
        ``y`` itself with ``return_proba``."""
        y = np.asarray(y)
        if return_proba:
            return np.squeeze(y)
        if len(self._y_shape) == 2:  # indicator columns
            return (y > 0.5).astype(int)
        if y.ndim == 1 or y.shape[1] == 1:  # one sigmoid: P(classes_[1])
            y = np.column_stack([1 - y.ravel(), y.ravel()])
        return self.classes_[np.argmax(y, axis=1)]

    def get_metadata(self):
        """The fitted attributes the estimator takes over."""
        return {
            "classes_": self.classes_,
            "n_classes_": self.n_classes_,
            "n_outputs_": self.n_outputs_,
            "n_outputs_expected_": self.n_outputs_expected_,
        }


class TargetShaper:
    """Regression targets as they are (checked for their number of
    outputs), and the network's outputs back in the shape ``fit`` saw (1-d
    for a 1-d ``y``)."""

    def fit(self, y):
        y = np.asarray(y)
        self._y_shape, self._y_dtype = y.shape, y.dtype
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        self.n_outputs_expected_ = 1
        return self

    def transform(self, y):
        n_outputs = 1 if np.ndim(y) == 1 else np.shape(y)[1]
        if n_outputs != self.n_outputs_:
            raise ValueError(f"y has {n_outputs} outputs (shape {np.shape(y)}), but the target was fitted with {self.n_outputs_}.")
        return y

    def inverse_transform(self, y):
        return np.asarray(y).reshape(-1, *self._y_shape[1:])

    def get_metadata(self):
        """The fitted attributes the estimator takes over."""
        return {"n_outputs_": self.n_outputs_, "n_outputs_expected_": self.n_outputs_expected_}
