"""KerasMLPClassifier and KerasMLPRegressor: thin subclasses of the one base.

They differ only in what differs: the target (labels or numbers), the output
layer and loss, class weights and ``predict_proba``.

Both are plain scikit-learn estimators, sklearn's mixin first as sklearn
requires (scikeras' ``KerasClassifier(BaseWrapper, ClassifierMixin)`` puts it
after ``BaseEstimator``, so on scikit-learn >= 1.7 ``is_classifier`` is False
and ``GridSearchCV(cv=3)`` stops stratifying; its ``BaseWrapper`` defines only
the pre-1.6 ``_more_tags``).  Their target encoders have scikeras' interface
(``_targets``).
"""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_array, column_or_1d
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from .. import hyperparams
from .._compat import StrOptions
from ._base import KerasMLPBase, signature_with
from ._targets import LabelEncoder, TargetShaper

__all__ = ["KerasMLPClassifier", "KerasMLPRegressor"]


#: The smallest class share an output's starting bias stands for (log 1e-3
#: = -6.9): a rarer class does not start further down, where the gradient
#: steps would take long to lift it.
_PRIOR_FLOOR = 1e-3

#: The 2-d targets: a binary indicator matrix, one column per label.
MULTILABEL, ONE_HOT = "multilabel-indicator", "multiclass-onehot"


#: The parameters both estimators take (their class docstrings share it).
_PARAMETERS = """hidden_layer_sizes : tuple of int, default=(100,)
        Units per hidden Dense layer; ``()`` is a linear (or logistic) model.
    activation : str, default="relu"
        Hidden-layer activation: relu, tanh, sigmoid, elu, selu, gelu,
        swish/silu, leaky_relu, softplus, softsign, mish, linear, ...
    kernel_initializer : str or callable, default="glorot_uniform"
        Any Keras initializer by name, with Keras 2's aliases ``uniform``,
        ``normal``, ``zero`` and ``one``, or an initializer object; each layer
        is seeded from ``random_state``.
    dropout : float or list of float, default=0.0
        Dropout rate after every hidden layer, or one rate per hidden layer.
    l1, l2 : float, default=0.0
        L1 and L2 penalties on every kernel.
    optimizer : str or keras.optimizers.Optimizer, default="adam"
        sgd, rmsprop, adam, adamw, nadam, adamax, adagrad, adadelta, lion,
        ftrl, or a Keras optimizer (copied, never trained itself).
    learning_rate : float or "auto", default=0.001
        The initial rate; ``"auto"`` runs :func:`skhyper.lr_find` inside
        ``fit`` and trains with its suggestion (``learning_rate_``), with a
        ``UserWarning`` when the suggestion is at the bottom of the range
        tested (the loss showed no descent there).
    momentum : float, default=0.0
        Momentum of sgd and rmsprop.
    nesterov : bool, default=False
        Nesterov momentum (sgd).
    beta_1, beta_2 : float, default=None
        Of adam, adamw, nadam, adamax and lion; None keeps Keras' default.
    rho : float, default=None
        Of rmsprop and adadelta; None keeps Keras' default.
    epsilon : float, default=None
        Of the adam family, rmsprop, adagrad and adadelta.
    weight_decay : float, default=None
        Decoupled weight decay (every optimizer; adamw's default 0.004).
    clipnorm : float, default=None
        Gradient-norm clipping.
    lr_schedule : str, callable or keras.optimizers.schedules.LearningRateSchedule, default="constant"
        A per-epoch schedule by name (constant, exponential, inverse_time,
        step, cosine, cosine_restarts, plateau; see
        :mod:`skhyper.schedules`), a function ``f(epoch, lr)`` as Keras'
        ``LearningRateScheduler`` takes, or a Keras schedule (stepped per
        batch).
    lr_decay : float, default=0.1
        ``k`` of ``exponential`` (``lr0 * exp(-k * epoch)``) and
        ``inverse_time`` (``lr0 / (1 + k * epoch)``).
    lr_drop : float, default=0.5
        Factor of ``step`` and ``plateau``.
    lr_step : int, default=10
        Epochs between ``step`` drops.
    lr_period : int, default=10
        First cycle length of ``cosine_restarts``.
    lr_period_mult : float, default=2.0
        Growth of each ``cosine_restarts`` cycle (at least 1).
    lr_min : float, default=0.0
        Floor of ``cosine``, ``cosine_restarts`` and ``plateau``.
    lr_patience : int, default=5
        Epochs without improvement before ``plateau`` drops the rate.
    loss : str or callable, default=None
        {loss}
    batch_size : int, default=32
        Rows per gradient step (clipped to the data).
    epochs : int, default=100
        Passes over the data (a resource for
        ``HalvingRandomSearchCV(resource="epochs")``).
    shuffle : bool, default=True
        Reshuffle each epoch (seeded).
    warm_start : bool, default=False
        ``fit`` on a fitted estimator trains its network ``epochs`` more, as
        scikit-learn's MLP; the parameters that build the network must not
        have changed since (``learning_rate`` may).
    validation_split : float, default=0.0
        Fraction of the rows held out for ``val_loss`` (seeded{stratified}).
    early_stopping : bool, default=False
        Stop when ``val_loss`` stops improving, and restore the best weights
        (the starting weights count as the first candidate); with
        ``validation_split=0`` it holds out 10% of the rows.
    patience : int, default=10
        Epochs without improvement before early stopping.
    min_delta : float, default=0.0
        The least change that counts as an improvement.
    restore_best_weights : bool, default=True
        Early stopping ends on the best epoch's weights.
    callbacks : list of keras.callbacks.Callback, default=None
        More Keras callbacks (they train with Keras' ``model.fit``).  A fit
        trains with copies of them, which it keeps as ``callbacks_``: the
        objects given are left as they are.
    engine : {{"auto", "compiled", "keras"}}, default="auto"
        ``"compiled"``: skhyper's loop, an epoch per traced TensorFlow call
        with traces reused across fits of one architecture; ``"keras"``:
        Keras' ``model.fit``; ``"auto"``: compiled unless ``callbacks`` are
        given. Both draw the same batches and agree to float32 round-off.
    checkpoint : str or path-like, default=None
        At each new best of the monitored loss the estimator is saved there
        in the safe format; :func:`skhyper.load` then ``partial_fit`` resumes.
    random_state : int, RandomState instance or None, default=None
        Seeds the initializers, dropout, shuffling and the validation split.
    verbose : int, default=0
        Keras' progress output."""

_ATTRIBUTES = """n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of str
        Names of the features, when ``X`` was a DataFrame with string columns.
    history_ : dict of list
        Per epoch: ``loss``, ``{metric}``, their ``val_`` twins with
        validation rows, and ``learning_rate``{history_extra}.
    n_iter_ : int
        Epochs trained.
    loss_curve_ : list of float
        Training loss per epoch.
    best_loss_ : float or None
        The lowest training loss (None with ``early_stopping``).
    validation_scores_ : list of float or None
        {validation} of the validation rows after each epoch (None without
        validation rows).
    best_validation_score_ : float or None
        The best of ``validation_scores_``.
    learning_rate_ : float
        The rate trained with (the range test's with ``learning_rate="auto"``).
    model_ : keras.Model
        The trained network, built when first asked for.
    callbacks_ : list of keras.callbacks.Callback
        The copies of ``callbacks`` the fit trained with (``copy.copy``
        of each, made before training: ``fit`` never changes ``callbacks``;
        shallow, so objects a callback refers to, a list it appends to, are
        still the user's), to read their state after the fit; ``partial_fit`` and warm starts
        go on with them unless ``callbacks`` was set since.  Empty without
        ``callbacks`` (and after :func:`skhyper.load`, which does not read
        them)."""


def _integer_labels(y, predicted):
    """Whether ``y`` and ``predicted`` are 1-d arrays of integers of one
    length (for sklearn's ``type_of_target`` binary or multiclass, which
    ``accuracy_score`` compares row by row)."""
    return (isinstance(y, np.ndarray) and y.ndim == 1 and y.dtype.kind in "iu" and predicted.ndim == 1
            and predicted.dtype.kind in "iu" and y.shape == predicted.shape)  # fmt: skip


class KerasMLPClassifier(ClassifierMixin, KerasMLPBase, BaseEstimator):
    __doc__ = """A Keras MLP classifier; every training hyperparameter is a constructor argument.

    ``y`` is a 1-d array of labels (binary or multiclass: one sigmoid unit or
    a softmax), or a binary indicator matrix of shape (n_samples, n_labels):
    multilabel (one sigmoid unit per label, binary cross-entropy; ``predict``
    returns the indicator matrix, label j where its probability is above
    0.5), or, when every row has exactly one 1, one-hot classes (a softmax;
    ``predict`` returns one-hot rows).  ``loss="binary_crossentropy"`` makes
    one-hot rows multilabel.  ``target_type_`` says which was fitted.

    Every parameter is validated at ``fit``: a wrong name or value gets an
    error that names the parameter and lists the valid choices.  See
    :doc:`/user_guide/estimators`.

    Parameters
    ----------
    class_weight : dict, "balanced" or None, default=None
        ``{{label: weight}}``, or ``"balanced"`` for weights inversely
        proportional to the class frequencies.
    """ + _PARAMETERS.format(
        loss="Binary or sparse categorical cross-entropy by the number of classes "
             "(``categorical_crossentropy`` accepted), or a Keras loss.",
        stratified=", stratified") + """

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels (``arange(n_labels)`` for a 2-d ``y``).
    target_type_ : str
        ``"binary"``, ``"multiclass"``, ``"multilabel-indicator"`` or
        ``"multiclass-onehot"``.
    """ + _ATTRIBUTES.format(metric="accuracy", history_extra="",
                             validation="The accuracy (for multilabel targets: the share of labels right)") + """

    See Also
    --------
    KerasMLPRegressor : The same network for numeric targets.
    skhyper.model_selection.GridSearchCV : A search that trains the fits that share a network together.

    Examples
    --------
    >>> from skhyper import KerasMLPClassifier
    >>> from skhyper.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = KerasMLPClassifier(hidden_layer_sizes=(32,), epochs=5, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).shape
    (3, 10)
    >>> len(clf.history_["loss"])
    5
    """

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
        warm = self.warm_start and self.__sklearn_is_fitted__()
        if not warm:
            self._given_classes = None
        # A warm fit's y has every fitted class (partial_fit's may have some).
        self._warm_fit = warm
        try:
            return super().fit(X, y, sample_weight=sample_weight)
        finally:
            vars(self).pop("_warm_fit", None)

    fit.__doc__ = KerasMLPBase.fit.__doc__

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train one more epoch, building the network on the first call.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels, or a label indicator matrix.
        classes : array-like, default=None
            Every label the estimator will see: needed on the first call when
            ``y`` does not hold them all (a later call must give the same).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights, scaled to a mean of 1.

        Returns
        -------
        self : KerasMLPClassifier
            The estimator, trained one epoch more.
        """
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' would be computed from each partial_fit call's labels, so a class would"
                " weigh 5 in one batch and 1 in the next (scikit-learn's SGDClassifier refuses it too): give a dict"
                " of weights, {class: weight}, computed on all the data (sklearn.utils.class_weight)."
            )
        if not self.__sklearn_is_fitted__():
            self._given_classes = None if classes is None else np.unique(classes)
            if self._given_classes is not None and np.ndim(y) == 2 and np.shape(y)[1] > 1:
                self._given_classes = None  # a label matrix names its labels by column
            if self._given_classes is not None and len(self._given_classes) < 2:
                raise ValueError(
                    f"classes={self._given_classes.tolist()!r}: {type(self).__name__} needs at least 2 classes to"
                    " learn from; name every class the later calls will see."
                )
        else:
            if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
                raise ValueError(
                    f"classes={np.unique(classes).tolist()!r} is not the same as on the first call to"
                    f" partial_fit, which fixed {self.classes_.tolist()!r}; call fit() to start again."
                )
            if getattr(self, "_given_classes", None) is None and self.target_type_ not in (MULTILABEL, ONE_HOT):
                self._given_classes = self.classes_  # named by the first call's labels: a later batch may hold one
        self._check_partial_fit()
        self._fit(X, y, sample_weight, warm_start=True, epochs=1)
        return self

    def _check_param_values(self):
        super()._check_param_values()
        weights = self.class_weight
        if isinstance(weights, dict) and not all(
            isinstance(w, Real) and not isinstance(w, bool) and np.isfinite(w) and w >= 0 for w in weights.values()
        ):
            raise ValueError(f"class_weight must map classes to weights (numbers >= 0), got {weights!r}.")

    @property
    def target_encoder(self):
        """The (unfitted) encoder of the labels into the network's targets (scikeras' interface)."""
        classes = getattr(self, "_given_classes", None)
        return LabelEncoder(categories="auto" if classes is None else [classes])

    def predict_proba(self, X):
        """Class probabilities, one column per class of ``classes_``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows summing to 1 (for a multilabel target: one probability per
            label).
        """
        proba = self._predict_raw(X)
        if self._target_type() == MULTILABEL:  # one probability per label
            return proba
        if proba.shape[1] == 1:  # one sigmoid unit: P(classes_[1])
            proba = np.hstack([1.0 - proba, proba])
        return proba / proba.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        """The logarithm of :meth:`predict_proba`, as sklearn's ``MLPClassifier`` gives it.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``-inf`` where a probability is 0.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class of each row.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels; for a 2-d ``y``, the indicator matrix of the labels above
            0.5, or one-hot rows.
        """
        proba = self.predict_proba(X)
        kind = self._target_type()
        if kind == MULTILABEL:
            return (proba > 0.5).astype(self._label_dtype)
        if kind == ONE_HOT:
            rows = np.zeros(proba.shape, dtype=self._label_dtype)  # (not an n_classes x n_classes eye)
            rows[np.arange(len(rows)), np.argmax(proba, axis=1)] = 1
            return rows
        return self.classes_[np.argmax(proba, axis=1)]

    def score(self, X, y, sample_weight=None):
        """The mean accuracy of ``predict(X)`` against ``y``, as sklearn's classifiers score.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Rows to predict.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights.

        Returns
        -------
        score : float
            ``accuracy_score(y, self.predict(X), sample_weight=sample_weight)``.
        """
        from sklearn.metrics import accuracy_score

        predicted = self.predict(X)
        if sample_weight is None and _integer_labels(y, predicted):
            # What accuracy_score computes for two 1-d arrays of integer labels,
            # without its checks (0.4 ms a call; a search scores every fit).
            return float(np.mean(y == predicted))
        return accuracy_score(y, predicted, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # a binary cross-entropy takes two classes; a categorical one one class per row (objects are
        # looked at only when given: the tags do not import Keras)
        loss, given = self.loss, _user_loss(self.loss)
        tags.classifier_tags.multi_class = not (loss == "binary_crossentropy" or (given and _is_binary_crossentropy(loss)))
        categorical = given and (_is_categorical_crossentropy(loss) or _is_sparse_categorical_crossentropy(loss))
        tags.classifier_tags.multi_label = (loss is None or loss == "binary_crossentropy") or (given and not categorical)
        return tags

    def _target_type(self):
        """What was fitted; estimators saved before 2-d targets are 1-d."""
        kind = getattr(self, "target_type_", None)
        return kind or ("binary" if self.n_classes_ == 2 else "multiclass")

    def _validate_target(self, y, reset=True):
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        if y.ndim == 2 and y.shape[1] > 1:
            kind = type_of_target(y)
            if kind != MULTILABEL or not np.isin(y, (0, 1)).all():
                values = np.unique(y)
                shown = ", ".join(map(str, values[:5])) + (", ..." if len(values) > 5 else "")
                raise ValueError(
                    f"{type(self).__name__} takes a 2-d y only as a binary indicator matrix of 0"
                    f" and 1 (multilabel, or one-hot rows); got a {kind!r} y of shape {y.shape}"
                    f" with values {shown}."
                )
        else:
            y = column_or_1d(y, warn=True)
        if not reset and self.__sklearn_is_fitted__():
            self._check_same_kind_of_target(y)
        return y

    def _check_same_kind_of_target(self, y):
        """A warm start sees the labels (or label columns) of the first fit:
        ``partial_fit`` some of its classes, ``fit`` with ``warm_start`` all
        (as sklearn's ``MLPClassifier``)."""
        fitted_2d = self._target_type() in (MULTILABEL, ONE_HOT)
        if fitted_2d != (y.ndim == 2) or (fitted_2d and y.shape[1] != self.n_classes_):
            fitted = f"{self.n_classes_} label columns" if fitted_2d else "a 1-d y of labels"
            raise ValueError(
                f"y has shape {y.shape}, but {type(self).__name__} was fitted on {fitted};"
                " call fit() to start again."
            )
        if self._target_type() == ONE_HOT and not (y.sum(axis=1) == 1).all():
            row = int(np.argmax(y.sum(axis=1) != 1))
            raise ValueError(
                f"y row {row} is {y[row].tolist()!r}, but {type(self).__name__} was fitted on one-hot rows (one 1 per"
                " row: classes as columns) and would train it as the class of its first 1. Call fit() to start again"
                " on multilabel rows."
            )
        if not fitted_2d:
            known, labels = set(self.classes_.tolist()), np.unique(y).tolist()
            unseen = [label for label in labels if label not in known]
            if unseen:
                raise ValueError(
                    f"y has labels {unseen!r} that the fitted network has no output for"
                    f" (classes_={self.classes_.tolist()!r}). A warm start cannot add classes:"
                    " call fit() with warm_start=False, or give partial_fit every class on its first call."
                )
            seen = set(labels)
            missing = [label for label in self.classes_.tolist() if label not in seen]
            if missing and getattr(self, "_warm_fit", False):  # as sklearn's MLPClassifier
                raise ValueError(
                    f"fit with warm_start=True needs y to have the classes of the fitted network,"
                    f" classes_={self.classes_.tolist()!r}, but y has {labels!r} (missing {missing!r})."
                    " Call fit() with warm_start=False to start again, or partial_fit, which takes"
                    " some of the classes."
                )

    def _fit_target_encoder(self, y):
        super()._fit_target_encoder(y)
        if y.ndim == 1:
            self.target_type_ = "binary" if self.n_classes_ == 2 else "multiclass"
        elif (y.sum(axis=1) == 1).all() and not _is_binary_crossentropy(self.loss):
            self.target_type_ = ONE_HOT
        else:
            self.target_type_ = MULTILABEL
        self._label_dtype = y.dtype.str if y.ndim == 2 else None

    def _encode_target(self, y):
        if y.ndim == 1:
            return super()._encode_target(y)
        if self.target_type_ == ONE_HOT and not _user_loss(self.loss):
            return np.argmax(y, axis=1).astype(np.float32).reshape(-1, 1)  # as sparse classes
        return np.asarray(y, dtype=np.float32)

    def _stratify_labels(self, y):
        if y.ndim == 1:
            return y
        return np.argmax(y, axis=1) if self.target_type_ == ONE_HOT else None

    def _check_target(self, y, after_weighting=False):
        if not (y.ndim == 1 and y.dtype.kind in "biu"):  # integer labels: always classes
            check_classification_targets(y)
        if y.ndim == 2:
            return  # a label column may be all 0 (sklearn's MLP learns it too)
        classes = np.unique(y)
        # partial_fit's first call named the classes (classes=, or its labels): a later batch may hold one
        if len(classes) < 2 and getattr(self, "_given_classes", None) is None:
            where = " with a non-zero sample_weight" if after_weighting else ""
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes to learn from, but y"
                f" has only one class{where}: {classes[0].item()!r}."
            )

    def _class_sample_weight(self, y):
        if self.class_weight is None:
            return None
        if y.ndim == 2 and self.target_type_ == MULTILABEL and isinstance(self.class_weight, dict):
            raise ValueError(
                "class_weight as a dict {label: weight} is not supported with a multilabel y (rows with no"
                " label or several: a row's weight would depend on several labels). Use"
                " class_weight='balanced', or weigh the rows with sample_weight."
            )
        if y.ndim == 2 and self.target_type_ == ONE_HOT:
            y = np.argmax(y, axis=1)  # weights keyed by column
        return compute_sample_weight(self.class_weight, y)

    def _n_model_outputs(self, y):
        if y.ndim == 2:
            return y.shape[1]
        return 1 if _is_binary_crossentropy(self._loss_name()) else self.n_classes_

    def _loss_name(self):
        """The loss trained with: a name, or the user's loss object."""
        kind = self._target_type()
        if kind == MULTILABEL:
            return self._multilabel_loss()
        if kind == ONE_HOT and _user_loss(self.loss):
            if _is_sparse_categorical_crossentropy(self.loss):
                raise ValueError(
                    f"y is one-hot rows, which {type(self).__name__} trains on as given with a loss object, but"
                    f" the loss object {self.loss!r} expects class indices: pass"
                    " loss='sparse_categorical_crossentropy' by name (trained on the rows' class indices),"
                    " keras.losses.CategoricalCrossentropy(), or a 1-d y of labels."
                )
            return self.loss  # trained on the one-hot rows as given
        if self.loss is None:  # (one-hot rows of two classes: a softmax of two, as their two columns)
            return "binary_crossentropy" if self.n_classes_ == 2 and kind != ONE_HOT else "sparse_categorical_crossentropy"
        if isinstance(self.loss, str):
            return hyperparams.CLASSIFICATION_LOSSES[self.loss]
        if _is_categorical_crossentropy(self.loss):
            raise ValueError(
                f"{type(self).__name__} trains on class indices, but the loss object"
                f" {self.loss!r} expects one-hot targets: pass loss='categorical_crossentropy'"
                " by name (trained as its sparse twin) or keras.losses.SparseCategoricalCrossentropy()."
            )
        return self.loss

    def _start_output_bias(self, y_model, sample_weight):
        """Start the output at the (weighted) class shares of the training
        rows: log-shares under a softmax, log-odds under sigmoids, as
        TensorFlow's tutorial on imbalanced data recommends.  A class that is rare, or
        weighted down by ``class_weight``, is then rare in the first
        predictions too, and training does not spend its first epochs
        learning the prior.  Shares are floored at ``_PRIOR_FLOOR``; a class
        with no row (``partial_fit`` told of it by ``classes``) starts at
        the average.  Balanced classes start as before (bias 0)."""
        weights = np.ones(len(y_model)) if sample_weight is None else np.asarray(sample_weight, np.float64)
        (n_outputs,) = self._weight_shape("output/bias")
        if y_model.shape[1] == 1 and n_outputs > 1:  # class indices under a softmax
            share = np.bincount(y_model[:, 0].astype(int), weights=weights, minlength=n_outputs)
        else:  # one sigmoid (binary), a sigmoid per label, or one-hot rows
            share = (weights[:, None] * y_model).sum(axis=0)
        share = share / weights.sum()
        seen = share > 0
        if not seen.any():
            return
        share = np.clip(share, _PRIOR_FLOOR, 1 - _PRIOR_FLOOR)
        if n_outputs > 1 and self._target_type() != MULTILABEL:  # softmax: log-shares, centred
            bias = np.log(share)
            bias[~seen] = bias[seen].mean()
            bias -= bias.mean()
        else:  # sigmoids: log-odds
            bias = np.where(seen, np.log(share) - np.log1p(-share), 0.0)
        self._set_weight("output/bias", bias)

    def _multilabel_loss(self):
        if _is_sparse_categorical_crossentropy(self.loss) or _is_categorical_crossentropy(self.loss):
            expects = "class indices" if _is_sparse_categorical_crossentropy(self.loss) else "one class per row"
            raise ValueError(
                f"y is multilabel (rows with no label or several), which trains one sigmoid unit per label"
                f" with a binary cross-entropy, but the loss object {self.loss!r} expects {expects}: pass"
                " keras.losses.BinaryCrossentropy() or leave loss=None."
            )
        if _user_loss(self.loss):
            return self.loss
        if self.loss not in (None, "binary_crossentropy"):
            raise ValueError(
                f"y is multilabel (rows with no label or several), which trains one sigmoid unit"
                f" per label with loss='binary_crossentropy', not loss={self.loss!r}; leave loss=None."
            )
        return "binary_crossentropy"

    def _output_and_loss(self, n_outputs):
        loss = self._loss_name()
        kind = self._target_type()
        if kind in (MULTILABEL, ONE_HOT):
            return ("sigmoid" if kind == MULTILABEL else "softmax"), loss
        if _is_binary_crossentropy(loss) and self.n_classes_ != 2:
            raise ValueError(
                f"Only binary classification is supported with a binary cross-entropy loss: it needs 2 classes,"
                f" but y has {self.n_classes_}; use 'sparse_categorical_crossentropy' (or leave loss=None)."
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


def _user_loss(loss):
    """A loss given as an object or function rather than by name."""
    return loss is not None and not isinstance(loss, str)


def _is_categorical_crossentropy(loss):
    import keras

    return isinstance(loss, keras.losses.CategoricalCrossentropy) or loss is keras.losses.categorical_crossentropy


def _is_sparse_categorical_crossentropy(loss):
    import keras

    return (isinstance(loss, keras.losses.SparseCategoricalCrossentropy)
            or loss is keras.losses.sparse_categorical_crossentropy)  # fmt: skip


class KerasMLPRegressor(RegressorMixin, KerasMLPBase, BaseEstimator):
    __doc__ = """A Keras MLP regressor; every training hyperparameter is a constructor argument.

    Takes the parameters of :class:`KerasMLPClassifier` but ``class_weight``,
    and 1-d or multi-output targets (one linear output unit per column).
    See :doc:`/user_guide/estimators`.

    Parameters
    ----------
    """ + _PARAMETERS.format(
        loss='``"mse"`` (None), or mae, huber, log_cosh, msle, or a Keras loss.',
        stratified="") + """

    Attributes
    ----------
    """ + _ATTRIBUTES.format(metric="mae", history_extra=", and ``val_r2``",
                             validation="The R²") + """

    See Also
    --------
    KerasMLPClassifier : The same network for labels.
    WindowForecaster : This network on windows of a series.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skhyper import KerasMLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = KerasMLPRegressor(hidden_layer_sizes=(16,), learning_rate=0.01, epochs=5, random_state=0)
    >>> reg.fit(X, y / y.std()).predict(X[:2]).shape
    (2,)
    """

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
        """Train one more epoch, building the network on the first call.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights, scaled to a mean of 1.

        Returns
        -------
        self : KerasMLPRegressor
            The estimator, trained one epoch more.
        """
        self._check_partial_fit()
        self._fit(X, y, sample_weight, warm_start=True, epochs=1)
        return self

    def predict(self, X):
        """Predicted targets.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            A float64 forward pass over the trained weights: a row's output
            does not depend on the other rows.
        """
        outputs = self._predict_raw(X)
        return self.target_encoder_.inverse_transform(outputs)

    @property
    def target_encoder(self):
        """The (unfitted) shaper of the targets into the network's outputs (scikeras' interface)."""
        return TargetShaper()

    #: Whether a y of one column is raveled with a DataConversionWarning,
    #: as scikit-learn's regressors do (a forecaster keeps its columns).
    _ravel_column_target = True

    def _validate_target(self, y, reset=True):
        y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
        with np.errstate(over="ignore"):
            too_large = np.isfinite(y).all() and not np.isfinite(np.asarray(y, dtype=np.float32)).all()
        if too_large:
            raise ValueError(
                "y has values too large for float32 (beyond 3.4e38), the precision Keras trains in; scale the"
                " target first (e.g. TransformedTargetRegressor with a StandardScaler)."
            )
        if self._ravel_column_target and y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)  # predicts (n,), as sklearn's MLPRegressor
        return y

    def _n_model_outputs(self, y):
        return 1 if y.ndim == 1 else y.shape[1]

    def _output_and_loss(self, n_outputs):
        loss = "mse" if self.loss is None else self.loss
        if isinstance(loss, str):
            loss = hyperparams.REGRESSION_LOSSES[loss]
        return "linear", loss
