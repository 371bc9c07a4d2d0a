"""What every skhyper Keras estimator shares: the fit that trains its network.

``KerasMLPBase`` puts together the hyperparameters (:mod:`._params`), the
network they build (:mod:`._network`) and, here, sklearn's protocol (tags,
fitted state, pickling), data validation (``n_features_in_``,
``feature_names_in_`` and sklearn's messages) and the fit: the rows to train
on, their weights, the validation split, and the training engine's plan.

The estimators are ``sklearn mixin, KerasMLPBase, BaseEstimator``.  From
scikeras they keep the interface of its target encoders (:mod:`._targets`);
Keras 3 models pickle by themselves.  Seeding never touches global state (scikeras switches
TensorFlow's op determinism on for the whole process, after which every
unseeded fit raises).
"""

import copy
import math
import operator
import os
import warnings

import numpy as np
from scipy import sparse
from sklearn.base import is_classifier
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_consistent_length

from .. import _handoff, _progress, engine, hyperparams, schedules
from .._compat import _check_sample_weight, check_keras_backend, validate_data
from .._weights import NetworkWeights
from ._network import NetworkBuilder, draw_seeds, restore_seed_states, seed_states
from ._params import Hyperparameters, settable_rate, signature_with
from ._pickle import PickledModel, custom_objects

__all__ = ["KerasMLPBase", "signature_with"]


class KerasMLPBase(Hyperparameters, NetworkBuilder):
    """Validation, sklearn's protocol and the fit of a Keras MLP.

    Not an estimator by itself: subclasses put it between sklearn's mixin and
    ``BaseEstimator`` and set ``_metric``.
    """

    _metric = None  # the Keras metric logged per epoch in history_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # densified: MLP inputs are small
        return tags

    def __sklearn_is_fitted__(self):
        return self._has_network()

    @property
    def current_epoch(self):
        """The number of epochs trained so far (0 before ``fit``)."""
        return len(self.history_["loss"]) if hasattr(self, "history_") else 0

    # sklearn's MLP reports these; here they read history_, so that they
    # follow partial_fit and need no saving of their own.

    @property
    def best_loss_(self):
        """The lowest training loss of the fit (None with ``early_stopping``,
        which watches the validation loss), as sklearn's MLP."""
        history = self._fitted_history()
        return None if self._early_stopping() else float(np.nanmin(history["loss"]))

    @property
    def validation_scores_(self):
        """The score of the validation rows after each epoch (None without
        validation rows): accuracy for classifiers (for multilabel targets the
        share of labels right), R² of the network's targets for regressors
        (for the forecaster: of its scaled, level-relative targets); unweighted."""
        history = self._fitted_history()
        scores = history.get("val_accuracy" if self._metric == "accuracy" else "val_r2")
        return list(scores) if scores else None

    @property
    def best_validation_score_(self):
        """The best of ``validation_scores_`` (None without validation rows)."""
        scores = self.validation_scores_
        return None if scores is None else float(np.nanmax(scores))

    def _fitted_history(self):
        if not hasattr(self, "history_"):
            raise AttributeError(f"This {type(self).__name__} is not fitted yet: it has no training history.")
        return self.history_

    # Keras saves a model without its dropout layers' seed-generator state, so a
    # copy's next partial_fit would draw other masks: the state travels apart.
    def __getstate__(self):
        state = dict(super().__getstate__())
        # Pickles hold a Keras model as model_, however the network is held.
        model = state.pop("_keras_model", None)
        weights = state.pop("_network_weights", None)
        state.pop("_network_params", None)
        if weights is not None:
            model = self._keras_model_of(weights)
        if model is not None:
            state["model_"] = model
            state["_seed_states"] = seed_states(state["model_"])
            objects = custom_objects(self)
            if objects:  # a user's loss or initializer: it travels with the network
                state["model_"] = PickledModel(model, objects)
                # callbacks_ hold Keras' reference to the network: the same one, unpickled once
                if state.get("callbacks_"):
                    state["callbacks_"] = [_pointing_to(c, model, state["model_"]) for c in state["callbacks_"]]
        return state

    def __setstate__(self, state):
        state = dict(state)
        seeds = state.pop("_seed_states", None)
        model = state.pop("model_", None)
        super().__setstate__(state)
        if model is not None:
            self.model_ = model
            if seeds is not None:
                restore_seed_states(model, seeds)

    def save(self, path):
        """Write this estimator to ``path`` in skhyper's safe format (no pickle).

        Parameters
        ----------
        path : str or path-like
            The file to write (a zip of plain JSON and the network's numbers).

        Returns
        -------
        path : pathlib.Path
            The file written.

        See Also
        --------
        skhyper.load : Read the file back, running no code from it.
        """
        from ..persistence import save

        return save(self, path)

    # ------------------------------------------------------------------ fit

    def fit(self, X, y, sample_weight=None):
        """Build a new network and train it on ``(X, y)`` for ``epochs`` epochs.

        With ``warm_start=True`` and a fitted network, train that one for
        ``epochs`` more, as sklearn's ``MLPClassifier(warm_start=True)``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training rows (a DataFrame's column names are kept in
            ``feature_names_in_``).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, scaled to a mean of 1 (rows with weight 0
            are dropped).  Not modified.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        if not self._took_fused_result(X, y, sample_weight):
            self._fit(X, y, sample_weight, warm_start=self.warm_start, epochs=None)
        return self

    def _took_fused_result(self, X, y, sample_weight):
        """Whether a fused search trained this fit already (then this
        estimator is that fit)."""
        if self.warm_start:
            return False
        fused = _handoff.take_result(self, X, y, sample_weight)
        if fused is None:
            return False
        self.__dict__.update(fused.__dict__)  # (counted as finished when it was)
        return True

    def _check_partial_fit(self):
        """``partial_fit`` is one epoch on the rows given, and refuses early
        stopping as scikit-learn's MLP does: each call would hold out the
        same share of its rows and could restore its starting weights, so
        calls would change nothing while ``n_iter_`` grew."""
        if self.early_stopping is True:  # (a forecaster's "auto" keeps an epoch that improves its validation)
            raise ValueError(
                "partial_fit does not support early_stopping=True (as scikit-learn's MLP): each call trains one epoch"
                " on its rows. Set early_stopping=False to train on in steps, or call fit."
            )

    def _fit(self, X, y, sample_weight, *, warm_start, epochs):
        """Prepare and train for ``epochs`` (None: the fit's own, resolved
        once the data is known)."""
        X, y, y_model, sample_weight, initial_epoch = self._prepare_fit(X, y, sample_weight, warm_start=warm_start)
        epochs = self._epochs() if epochs is None else epochs
        self._finish_fit(self._train(X, y, y_model, sample_weight, epochs, initial_epoch))

    def _prepare_fit(self, X, y, sample_weight, *, warm_start):
        """Everything a fit does before training: checks, rows, a new (or the
        warm) network and its start.  Returns ``(X, y, y_model,
        sample_weight, initial_epoch)``."""
        self._check_params()
        reset = not (warm_start and self.__sklearn_is_fitted__())
        callbacks = self._training_callbacks(reset)
        if self.checkpoint is not None:
            from ..persistence import check_savable

            check_savable(self)  # fail now, not at the first checkpoint
        if reset:
            self.learning_rate_ = self._starting_rate()
        saved = None if reset else dict(self.__dict__)  # a refused continuation changes nothing
        try:
            X, y, y_model, sample_weight = self._training_rows(X, y, sample_weight, reset=reset)
            if not reset:
                self._check_same_network()
                self._follow_rate_changes()
        except Exception:
            if saved is not None:
                self.__dict__.clear()
                self.__dict__.update(saved)
            raise
        self.callbacks_, self._callbacks_copied = callbacks, tuple(self.callbacks or ())
        if reset:
            self._start_output(X, y, y_model, sample_weight)
        if reset and self.learning_rate == "auto":
            self._find_learning_rate(X, y, y_model, sample_weight)
        initial_epoch = 0 if reset else self.current_epoch
        if reset:
            self.history_ = {}
        return X, y, y_model, sample_weight, initial_epoch

    def _training_callbacks(self, reset):
        """The Keras callbacks to train with: copies of ``callbacks``, as a fit
        never changes its parameters (Keras sets a callback's model, and the
        callback keeps its own state).  Shallow copies (``copy.copy``): what
        a callback refers to (a list it appends to, a file, a lock) is the
        user's own, so a callback that reports to an object of theirs still
        does, and any callback can be copied.  A continued fit
        (``partial_fit``, a warm start) goes on with the copies of the fit
        before (their state goes on as the network does) unless
        ``callbacks`` was set since."""
        given = tuple(self.callbacks or ())
        before = self.__dict__.get("_callbacks_copied")
        if not reset and before is not None and len(before) == len(given) and all(map(operator.is_, before, given)):
            return self.callbacks_
        copies = []
        for callback in given:
            try:
                copies.append(copy.copy(callback))
            except Exception as error:
                raise ValueError(
                    f"fit trains with a copy of each of the callbacks (it never changes its parameters), but"
                    f" {callback!r} cannot be copied by copy.copy: {type(error).__name__}: {error}."
                ) from error
        return copies

    def _finish_fit(self, history):
        """Everything a fit does after training: the history, the fitted
        attributes, the divergence check."""
        for key, values in history.items():
            self.history_.setdefault(key, []).extend(values)
        self.n_iter_ = len(self.history_.get("loss", []))
        self.loss_curve_ = list(self.history_.get("loss", []))
        _progress.fit_finished()
        finite_weights = all(np.isfinite(w).all() for w in self._layer_weights())
        if not finite_weights or (self.loss_curve_ and not np.isfinite(self.loss_curve_).all()):
            worst = next((v for v in self.loss_curve_ if not np.isfinite(v)), None)
            message = (
                f"{' '.join(repr(self).split())} diverged: the training loss"
                f"{'' if worst is None else f' reached {worst}'} within {self.n_iter_} epochs. Lower the"
                f" learning_rate (now {self.learning_rate_:g}) or scale the inputs."
            )
            if not finite_weights:
                # As sklearn's MLP: no model from non-finite weights.  In a search
                # the candidate scores error_score, and sklearn's warning quotes this.
                raise ValueError(message)
            warnings.warn(message + " The best finite weights were kept.", RuntimeWarning, stacklevel=3)

    def _starting_rate(self):
        """The rate training starts from: ``learning_rate``, or an optimizer
        object's own rate, or a placeholder until the range test has run."""
        if self.learning_rate == "auto":
            return 1e-3
        if isinstance(self.optimizer, str):
            return float(self.learning_rate)
        return hyperparams.current_rate(self.optimizer)



    def _follow_rate_changes(self):
        """``partial_fit`` after ``set_params(learning_rate=...)`` uses the new rate."""
        if isinstance(self.optimizer, str) and self.learning_rate != "auto":
            network = self._network()
            drawn = isinstance(network, NetworkWeights)  # always a settable rate
            if float(self.learning_rate) != self.learning_rate_ and (drawn or settable_rate(network.optimizer)):
                self.learning_rate_ = float(self.learning_rate)
                if drawn:
                    network.set_rate(self.learning_rate_)
                else:
                    network.optimizer.learning_rate = self.learning_rate_

    def _training_rows(self, X, y, sample_weight, *, reset):
        """The checked rows to train on: ``(X, y, y_model, sample_weight)``.

        ``y_model`` is ``y`` as the network sees it (encoded labels).  With
        ``reset`` a new network is built; otherwise X and y are checked against
        the fitted one.  Subclasses that derive rows from other data (windows
        of a series) override this.
        """
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        if reset:
            X, y = self._initialize(X, y)
        else:
            X, y = self._validate_data(X, y, reset=False)
        X, y, sample_weight = self._weighted_rows(X, y, sample_weight)
        return X, y, self._encode_target(y), sample_weight

    def _find_learning_rate(self, X, y, y_model, sample_weight):
        """``learning_rate="auto"``: a range test on the new network, then the
        same (seeded) network again, to train with the suggested rate.  The
        test sees the training rows only, not those ``validation_split`` holds
        out for early stopping."""
        from ..lr_find import range_test

        self.lr_find_ = range_test(self, *self._training_part(y, X, y_model, sample_weight), warn_at_floor=True)
        self.learning_rate_ = self.lr_find_.suggestion
        self.model_ = self._build_model(X.shape[1], self.model_.output_shape[-1])
        self._start_output(X, y, y_model, sample_weight)  # all rows: it splits them itself

    def _initialize(self, X, y):
        """Validate the data, fit the target encoder and build a new network."""
        check_keras_backend()
        X, y = self._validate_data(X, y, reset=True)
        if X.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 samples to fit; got 1 sample."
            )
        self._check_target(y)
        self._seeds = draw_seeds(self.random_state)
        self._fit_target_encoder(y)
        self._new_network(X.shape[1], self._n_model_outputs(y))
        return X, y

    def _weighted_rows(self, X, y, sample_weight):
        """Rows to train on and their weights (mean 1), with class weights.

        Rows whose weight is 0 are dropped, as sklearn's estimators ignore
        them.  A new weight array is made; the caller's is never written to.
        """
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        class_weights = self._class_sample_weight(y)
        if class_weights is not None:
            sample_weight = class_weights if sample_weight is None else sample_weight * class_weights
        if sample_weight is None:
            return X, y, None
        keep = sample_weight > 0
        if not keep.any():
            raise ValueError("sample_weight is 0 for every sample: there is nothing to train on.")
        if not keep.all():
            X, y, sample_weight = X[keep], y[keep], sample_weight[keep]
            self._check_target(y, after_weighting=True)
        # float64 here (the engines train on their float32 values): what is
        # derived from them, a classifier's starting class shares, is then the
        # same as from repeated rows.
        return X, y, sample_weight / sample_weight.mean()

    def _train(self, X, y, y_model, sample_weight, epochs, initial_epoch):
        """Split off the validation rows and run the training engine (between
        ``_before_training`` and ``_after_training``, which a fused search
        calls around its stacked training too)."""
        before = self._before_training(initial_epoch)
        rows = self._training_plan(X, y, y_model, sample_weight, epochs, initial_epoch)
        # Keras' loop and checkpoints need the Keras model; the compiled loop
        # trains the network where it is.
        keras_needed = self.engine == "keras" or self.callbacks or self.checkpoint is not None
        history = engine.train(
            self.model_ if keras_needed else self._network(), *rows, engine=self.engine, callbacks=self.callbacks_
        )
        self._after_training(before, X, y, y_model, sample_weight, history)
        return history

    def _before_training(self, initial_epoch):
        """What ``_after_training`` needs of the network before it trains."""
        return

    def _after_training(self, before, X, y, y_model, sample_weight, history):
        """Anything a fit does with its trained network before it finishes
        (all of ``_prepare_fit``'s rows: validation rows included)."""

    def _training_plan(self, X, y, y_model, sample_weight, epochs, initial_epoch):
        """The rows to train on (without the validation rows) and the
        engine's plan: ``(X, y_model, sample_weight, plan)``."""
        validation_data = None
        if self._validation_fraction() > 0:
            train_rows, val_rows = self._validation_rows(y)
            w = sample_weight
            validation_data = (X[val_rows], y_model[val_rows])
            if w is not None:
                validation_data += (w[val_rows],)
                w = w[train_rows]
            X, y_model, sample_weight = X[train_rows], y_model[train_rows], w
        early_stopping = None
        if self._early_stopping():
            early_stopping = {
                "patience": self.patience,
                "min_delta": self.min_delta,
                "restore_best_weights": self.restore_best_weights,
            }
        previous_loss = None
        if initial_epoch == 0 or not hasattr(self, "_schedule"):
            settings = {**self.get_params(deep=False), "epochs": self._epochs()}
            self._schedule = schedules.make_schedule(self._lr_schedule(), self.learning_rate_, settings)
        else:  # partial_fit goes on with the schedule's state and the last loss
            monitored = self.history_.get("val_loss" if validation_data else "loss", [None])
            previous_loss = monitored[-1]
            if self.lr_schedule != "auto":  # "auto"'s cosine (a panel's): a continued fit updates the windows only
                _warn_past_the_end(self._schedule, initial_epoch)
        plan = engine.TrainingPlan(
            epochs=epochs,
            batch_size=self._batch_size(),
            shuffle=self.shuffle,
            shuffle_seed=self._seeds["shuffle"],
            validation_data=validation_data,
            schedule=self._schedule,
            previous_loss=previous_loss,
            on_best=None if self.checkpoint is None else self._save_checkpoint,
            early_stopping=early_stopping,
            verbose=self.verbose,
            initial_epoch=initial_epoch,
            metric=self._metric,
            # The starting weights are the first candidate: a forecaster's
            # linear start, or, when training diverges, finite weights to keep.
            start_is_candidate=True,
        )
        return X, y_model, sample_weight, plan

    def _save_checkpoint(self, history):
        """Write the estimator as it is at its best epoch so far to ``checkpoint``
        (safe format, replaced atomically, so a crash leaves the last good one)."""
        from ..persistence import save

        overrides = self._checkpoint_overrides()
        fitted = ("history_", "n_iter_", "loss_curve_", *overrides)
        live = {name: getattr(self, name) for name in fitted if hasattr(self, name)}
        merged = {key: list(self.history_.get(key, [])) + values for key, values in history.items()}
        self.history_, self.n_iter_, self.loss_curve_ = merged, len(merged["loss"]), list(merged["loss"])
        for name, value in overrides.items():
            setattr(self, name, value)
        try:
            partial = f"{self.checkpoint}.partial"
            save(self, partial)
            os.replace(partial, self.checkpoint)
        finally:  # the fit goes on with its own bookkeeping
            for name in fitted:
                if name in live:
                    setattr(self, name, live[name])
                else:
                    delattr(self, name)

    def _checkpoint_overrides(self):
        """Attributes (and parameters) a checkpoint, written during training,
        holds in place of the estimator's own: none here."""
        return {}

    def _training_part(self, y, X, y_model, sample_weight):
        """``(X, y_model, sample_weight)`` without the rows the validation
        split holds out (all of them when there is no validation split)."""
        if self._validation_fraction() == 0:
            return X, y_model, sample_weight
        rows, _ = self._validation_rows(y)
        return X[rows], y_model[rows], None if sample_weight is None else sample_weight[rows]

    def _validation_rows(self, y):
        """Train and validation row indices: a seeded split, stratified for
        classifiers where every class can give a row to each side."""
        n_samples = len(y)
        n_val = math.ceil(n_samples * self._validation_fraction())
        if n_val >= n_samples:
            raise ValueError(
                f"{self._validation_description()} leaves no rows to train on"
                f" out of {n_samples} samples."
            )
        stratify = self._stratify_labels(y)
        if stratify is not None:
            _, counts = np.unique(stratify, return_counts=True)
            if counts.min() < 2 or min(n_val, n_samples - n_val) < len(counts):
                stratify = None
        return train_test_split(
            np.arange(n_samples),
            test_size=n_val,
            stratify=stratify,
            random_state=self._seeds["split"],
        )

    # ---------------------------------------------------------------- model










    # ----------------------------------------------------------------- data

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        """Check X (and y) the way sklearn's estimators do.

        Sets or checks ``n_features_in_`` and ``feature_names_in_`` with
        sklearn's own messages; X comes back as a dense float32 copy.
        """
        if X is not None:
            given = X
            try:
                X = validate_data(
                    self, X, reset=reset, accept_sparse=("csr", "csc", "coo"), dtype="numeric"
                )
                if sparse.issparse(X):
                    X = X.toarray()
                with np.errstate(over="ignore"):
                    X = np.asarray(X, dtype=np.float32)  # (a categorical column arrives as objects)
            except ValueError as error:
                text = _text_columns(given) if "could not convert" in str(error) else []
                if not text:
                    raise
                raise ValueError(
                    f"X must hold numbers only; column(s) {text} hold text ({error})."
                    " Encode them first (e.g. a OneHotEncoder in a Pipeline) or drop them."
                ) from error
            if np.isnan(X).any():  # (scikit-learn's checks skipped: config_context(assume_finite=True))
                raise ValueError("Input X contains NaN; impute the missing values first (e.g. SimpleImputer).")
            if not np.isfinite(X).all():
                raise ValueError(
                    "Input X has values too large for float32, the precision Keras"
                    " trains in; scale the features first (e.g. StandardScaler)."
                )
        if y is not None:
            y = self._validate_target(y, reset=reset)
        if X is not None and y is not None:
            check_consistent_length(X, y)
        return X, y

    def _predict_raw(self, X, **kwargs):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X, _ = self._validate_data(X, reset=False)
        return engine.predict(self._network(), X)

    # Subclass hooks -------------------------------------------------------

    def _validate_target(self, y, reset=True):
        raise NotImplementedError

    def _fit_target_encoder(self, y):
        """Fit ``target_encoder_`` and take its metadata (``classes_``, ...)."""
        self.target_encoder_ = self.target_encoder.fit(y)
        for key, value in self.target_encoder_.get_metadata().items():
            setattr(self, key, value)

    def _encode_target(self, y):
        """``y`` as the network trains on it."""
        return np.asarray(self.target_encoder_.transform(y), dtype=np.float32)

    def _stratify_labels(self, y):
        """The labels the validation split stratifies on (None: no stratifying)."""
        return y if is_classifier(self) else None

    def _check_target(self, y, after_weighting=False):
        """Raise if ``y`` cannot be learned from (e.g. one class)."""

    def _class_sample_weight(self, y):
        return None

    def _n_model_outputs(self, y):
        raise NotImplementedError

    def _output_and_loss(self, n_outputs):
        raise NotImplementedError


def _text_columns(X):
    """The columns of a DataFrame ``X`` that NumPy cannot convert to float
    (what sklearn's conversion fails on), by name."""
    if not hasattr(X, "columns") or not hasattr(X, "iloc"):
        return []
    text = []
    for i, column in enumerate(X.columns):
        try:
            np.asarray(X.iloc[:, i], dtype=np.float64)
        except (TypeError, ValueError):
            text.append(str(column))
    return text


def _warn_past_the_end(schedule, initial_epoch):
    """A continued fit (``warm_start``, ``partial_fit``) whose cosine schedule
    has run its ``epochs``: every epoch from here trains at ``lr_min``, which
    is 0 by default (the fit would change nothing)."""
    if isinstance(schedule, schedules.Cosine) and initial_epoch >= schedule.epochs:
        warnings.warn(
            f"lr_schedule='cosine' ran its {schedule.epochs} epochs; the epochs of this continued fit train at"
            f" lr_min={schedule.lr_min:g}{' (nothing changes)' if schedule.lr_min == 0 else ''}. Fit again with"
            " warm_start=False, or use lr_schedule='cosine_restarts' or an lr_min above 0 to train on.",
            UserWarning,
            stacklevel=4,
        )


def _pointing_to(callback, model, wrapped):
    """``callback`` to pickle: a shallow copy holding ``wrapped`` where it
    held ``model`` (so that the two unpickle as the one network)."""
    if getattr(callback, "_model", None) is not model:
        return callback
    callback = copy.copy(callback)
    callback._model = wrapped
    return callback
