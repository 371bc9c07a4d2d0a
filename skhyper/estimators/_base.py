"""What every skhyper Keras estimator shares: its hyperparameters, their
validation, the network it builds, and the fit that trains it.

The estimators are ``sklearn mixin, KerasMLPBase, BaseEstimator``.  From
scikeras they keep its target encoders only; Keras 3 models pickle by
themselves.  Data validation (``n_features_in_``, ``feature_names_in_`` and
sklearn's messages), explicit hyperparameters and seeding that never touches
global state are this class's (scikeras switches TensorFlow's op determinism
on for the whole process, after which every unseeded fit raises).
"""

import inspect
import math
import os
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import is_classifier
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_consistent_length

from .. import _progress, engine, hyperparams, schedules
from ..linear import ridge_loo
from ._pickle import PickledModel, custom_objects
from .._compat import (
    HasMethods,
    Interval,
    StrOptions,
    _check_sample_weight,
    check_keras_backend,
    validate_data,
    validate_parameter_constraints,
)

_SEED_LIMIT = 2**31 - 1
_OBJECT = "<a Python object>"  # a parameter's value that _network_settings does not compare

#: What ``early_stopping=True`` holds out when ``validation_split`` is 0.
DEFAULT_VALIDATION_FRACTION = 0.1


class KerasMLPBase:
    """Hyperparameters, validation, model building and training of a Keras MLP.

    Not an estimator by itself: subclasses put it between sklearn's mixin and
    ``BaseEstimator`` and set ``_metric``.
    """

    _metric = None  # the Keras metric logged per epoch in history_

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(hyperparams.ACTIVATIONS)],
        "kernel_initializer": [StrOptions(set(hyperparams.INITIALIZERS)), callable],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "l1": [Interval(Real, 0, None, closed="left")],
        "l2": [Interval(Real, 0, None, closed="left")],
        "optimizer": [
            StrOptions(set(hyperparams.OPTIMIZERS)),
            HasMethods(["apply_gradients", "get_config"]),
        ],
        "learning_rate": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "nesterov": ["boolean"],
        "beta_1": [Interval(Real, 0, 1, closed="left"), None],
        "beta_2": [Interval(Real, 0, 1, closed="left"), None],
        "rho": [Interval(Real, 0, 1, closed="left"), None],
        "epsilon": [Interval(Real, 0, None, closed="neither"), None],
        "weight_decay": [Interval(Real, 0, None, closed="left"), None],
        "clipnorm": [Interval(Real, 0, None, closed="neither"), None],
        "lr_schedule": [StrOptions(set(schedules.SCHEDULES)), callable],
        "lr_decay": [Interval(Real, 0, None, closed="left")],
        "lr_drop": [Interval(Real, 0, 1, closed="right")],
        "lr_step": [Interval(Integral, 1, None, closed="left")],
        "lr_period": [Interval(Integral, 1, None, closed="left")],
        "lr_period_mult": [Interval(Real, 0, None, closed="neither")],
        "lr_min": [Interval(Real, 0, None, closed="left")],
        "lr_patience": [Interval(Integral, 0, None, closed="left")],
        "loss": [None, callable],  # subclasses add their loss names
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "warm_start": ["boolean"],
        "validation_split": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "min_delta": [Interval(Real, 0, None, closed="left")],
        "restore_best_weights": ["boolean"],
        "callbacks": [list, None],
        "engine": [StrOptions(set(engine.ENGINES))],
        "checkpoint": [str, os.PathLike, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        hidden_layer_sizes=(100,),
        activation="relu",
        kernel_initializer="glorot_uniform",
        dropout=0.0,
        l1=0.0,
        l2=0.0,
        optimizer="adam",
        learning_rate=0.001,
        momentum=0.0,
        nesterov=False,
        beta_1=None,
        beta_2=None,
        rho=None,
        epsilon=None,
        weight_decay=None,
        clipnorm=None,
        lr_schedule="constant",
        lr_decay=0.1,
        lr_drop=0.5,
        lr_step=10,
        lr_period=10,
        lr_period_mult=2.0,
        lr_min=0.0,
        lr_patience=5,
        loss=None,
        batch_size=32,
        epochs=100,
        shuffle=True,
        warm_start=False,
        validation_split=0.0,
        early_stopping=False,
        patience=10,
        min_delta=0.0,
        restore_best_weights=True,
        callbacks=None,
        engine="auto",
        checkpoint=None,
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.kernel_initializer = kernel_initializer
        self.dropout = dropout
        self.l1 = l1
        self.l2 = l2
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.rho = rho
        self.epsilon = epsilon
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.lr_schedule = lr_schedule
        self.lr_decay = lr_decay
        self.lr_drop = lr_drop
        self.lr_step = lr_step
        self.lr_period = lr_period
        self.lr_period_mult = lr_period_mult
        self.lr_min = lr_min
        self.lr_patience = lr_patience
        self.loss = loss
        self.batch_size = batch_size
        self.epochs = epochs
        self.shuffle = shuffle
        self.warm_start = warm_start
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best_weights = restore_best_weights
        self.callbacks = callbacks
        self.engine = engine
        self.checkpoint = checkpoint
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # densified: MLP inputs are small
        return tags

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    @property
    def current_epoch(self):
        """The number of epochs trained so far (0 before ``fit``)."""
        return len(self.history_["loss"]) if hasattr(self, "history_") else 0

    # Keras saves a model without its dropout layers' seed-generator state, so a
    # copy's next partial_fit would draw other masks: the state travels apart.
    def __getstate__(self):
        state = dict(super().__getstate__())
        if "model_" in state:
            state["_seed_states"] = seed_states(state["model_"])
            objects = custom_objects(self)
            if objects:  # a user's loss or initializer: it travels with the network
                state["model_"] = PickledModel(state["model_"], objects)
        return state

    def __setstate__(self, state):
        state = dict(state)
        seeds = state.pop("_seed_states", None)
        super().__setstate__(state)
        if seeds is not None and hasattr(self, "model_"):
            restore_seed_states(self.model_, seeds)

    def save(self, path):
        """Write this estimator to ``path`` in skhyper's safe format (no pickle);
        ``skhyper.load(path)`` reads it back.  See :mod:`skhyper.persistence`."""
        from ..persistence import save

        return save(self, path)

    # ------------------------------------------------------------------ fit

    def fit(self, X, y, sample_weight=None):
        """Build a new network and train it on ``(X, y)`` for ``epochs`` epochs
        (with ``warm_start=True`` and a fitted network: train that one for
        ``epochs`` more, as sklearn's ``MLPClassifier(warm_start=True)``).

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, scaled to a mean of 1 (rows with weight 0
            are dropped).  Not modified.

        Returns
        -------
        self
        """
        self._fit(X, y, sample_weight, warm_start=self.warm_start, epochs=self.epochs)
        return self

    def _check_params(self):
        """Validate every hyperparameter; the error names the one that is wrong."""
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )
        self._check_param_values()

    def _fit(self, X, y, sample_weight, *, warm_start, epochs):
        self._check_params()
        reset = not (warm_start and self.__sklearn_is_fitted__())
        if self.checkpoint is not None:
            from ..persistence import check_savable

            check_savable(self)  # fail now, not at the first checkpoint
        if reset:
            self.learning_rate_ = self._starting_rate()
        X, y, y_model, sample_weight = self._training_rows(X, y, sample_weight, reset=reset)
        if reset:
            self._start_linear_path(X, y, y_model, sample_weight)
        if not reset:
            self._check_same_network()
            self._follow_rate_changes()
        if reset and self.learning_rate == "auto":
            self._find_learning_rate(X, y, y_model, sample_weight)
        initial_epoch = 0 if reset else self.current_epoch
        if reset:
            self.history_ = {}
        history = self._train(X, y, y_model, sample_weight, epochs, initial_epoch)
        for key, values in history.items():
            self.history_.setdefault(key, []).extend(values)
        self.n_iter_ = len(self.history_.get("loss", []))
        self.loss_curve_ = list(self.history_.get("loss", []))
        _progress.fit_finished()
        finite_weights = all(np.isfinite(w).all() for w in self.model_.get_weights())
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

    def _network_settings(self):
        """The parameters baked into the built network and its optimizer, as
        plain values (a Python object given as a parameter is not compared)."""
        names = (
            "activation", "l1", "l2", "optimizer", "momentum", "nesterov", "beta_1",
            "beta_2", "rho", "epsilon", "weight_decay", "clipnorm", "loss",
        )  # fmt: skip
        settings = {name: getattr(self, name) for name in names}
        settings["hidden_layer_sizes"] = self._hidden_sizes()
        settings["dropout"] = self._dropout_rates(len(settings["hidden_layer_sizes"]))
        settings["linear_path"] = self._has_linear_path()
        plain = (str, bool, int, float, tuple, type(None))
        return {name: value if isinstance(value, plain) else _OBJECT for name, value in settings.items()}

    def _check_same_network(self):
        """A warm start (``partial_fit``, ``warm_start=True``) trains the fitted
        network: refuse when a parameter it was built with has changed since."""
        built = getattr(self, "_built_with", None)
        if built is None:  # unpickled from an earlier version, or loaded
            return
        changed = [
            f"{name}={value!r} (fitted with {built[name]!r})"
            for name, value in self._network_settings().items()
            if name in built and value != built[name]
        ]
        if changed:
            raise ValueError(
                f"{', '.join(changed)}: these build the network, and this one was built"
                " before they changed. A warm start trains the fitted network; call fit()"
                " with warm_start=False to build a new one."
            )

    def _follow_rate_changes(self):
        """``partial_fit`` after ``set_params(learning_rate=...)`` uses the new rate."""
        if isinstance(self.optimizer, str) and self.learning_rate != "auto":
            if float(self.learning_rate) != self.learning_rate_ and _settable_rate(self.model_.optimizer):
                self.learning_rate_ = float(self.learning_rate)
                self.model_.optimizer.learning_rate = self.learning_rate_

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

        if self._validation_fraction() > 0:
            rows, _ = self._validation_rows(y)
            X, y_model = X[rows], y_model[rows]
            sample_weight = None if sample_weight is None else sample_weight[rows]
        self.lr_find_ = range_test(self, X, y_model, sample_weight)
        self.learning_rate_ = self.lr_find_.suggestion
        self.model_ = self._build_model(X.shape[1], self.model_.output_shape[-1])
        self._start_linear_path(X, y, y_model, sample_weight)

    def _initialize(self, X, y):
        """Validate the data, fit the target encoder and build a new network."""
        check_keras_backend()
        X, y = self._validate_data(X, y, reset=True)
        if X.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 samples to fit; got 1 sample."
            )
        self._check_target(y)
        self._seeds = _draw_seeds(self.random_state)
        self._fit_target_encoder(y)
        self.model_ = self._build_model(X.shape[1], self._n_model_outputs(y))
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
        return X, y, (sample_weight / sample_weight.mean()).astype(np.float32)

    def _train(self, X, y, y_model, sample_weight, epochs, initial_epoch):
        """Split off the validation rows and run the training engine."""
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
        if self.early_stopping:
            early_stopping = {
                "patience": self.patience,
                "min_delta": self.min_delta,
                "restore_best_weights": self.restore_best_weights,
            }
        previous_loss = None
        if initial_epoch == 0 or not hasattr(self, "_schedule"):
            self._schedule = schedules.make_schedule(
                self.lr_schedule, self.learning_rate_, self.get_params(deep=False)
            )
        else:  # partial_fit goes on with the schedule's state and the last loss
            monitored = self.history_.get("val_loss" if validation_data else "loss", [None])
            previous_loss = monitored[-1]
        plan = engine.TrainingPlan(
            epochs=epochs,
            batch_size=self.batch_size,
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
        return engine.train(
            self.model_, X, y_model, sample_weight, plan,
            engine=self.engine, callbacks=self.callbacks or (),
        )  # fmt: skip

    def _save_checkpoint(self, history):
        """Write the estimator as it is at its best epoch so far to ``checkpoint``
        (safe format, replaced atomically, so a crash leaves the last good one)."""
        from ..persistence import save

        fitted = ("history_", "n_iter_", "loss_curve_")
        live = {name: getattr(self, name) for name in fitted if hasattr(self, name)}
        merged = {key: list(self.history_.get(key, [])) + values for key, values in history.items()}
        self.history_, self.n_iter_, self.loss_curve_ = merged, len(merged["loss"]), list(merged["loss"])
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

    def _build_model(self, n_inputs, n_outputs):
        """A new compiled Keras MLP, every random layer explicitly seeded."""
        import keras

        sizes = self._hidden_sizes()
        rates = self._dropout_rates(len(sizes))
        regularizer = None
        if self.l1 or self.l2:
            regularizer = keras.regularizers.L1L2(l1=float(self.l1), l2=float(self.l2))
        init_seed, dropout_seed = self._seeds["init"], self._seeds["dropout"]

        def dense(units, activation, index, name):
            initializer = hyperparams.make_initializer(self.kernel_initializer, init_seed + index)
            return keras.layers.Dense(
                units,
                activation=activation,
                kernel_initializer=initializer,
                kernel_regularizer=regularizer,
                name=name,
            )

        # Fixed layer names: networks of one architecture then have one config,
        # which is what lets the compiled loop reuse its traces across fits.
        inputs = keras.Input(shape=(n_inputs,), name="inputs")
        x = inputs
        for index, (units, rate) in enumerate(zip(sizes, rates)):
            x = dense(units, self.activation, index, f"hidden_{index}")(x)
            if rate > 0:
                x = keras.layers.Dropout(rate, seed=dropout_seed + index, name=f"dropout_{index}")(x)
        output_activation, loss = self._output_and_loss(n_outputs)
        if self._has_linear_path():
            # A linear map of the inputs beside the hidden layers, starting at
            # zero: the network's floor is a linear model of its inputs.
            linear = keras.layers.Dense(
                n_outputs,
                use_bias=False,
                kernel_initializer="zeros",
                kernel_regularizer=regularizer,
                name="linear_path",
            )(inputs)
            x = dense(n_outputs, None, len(sizes), "output")(x)
            outputs = keras.layers.Add(name="hidden_plus_linear")([x, linear])
            if output_activation not in (None, "linear"):
                outputs = keras.layers.Activation(output_activation, name="output_activation")(outputs)
        else:
            outputs = dense(n_outputs, output_activation, len(sizes), "output")(x)
        model = keras.Model(inputs, outputs, name=type(self).__name__)
        model.compile(optimizer=self._make_optimizer(), loss=loss, metrics=[self._metric])
        self._built_with = self._network_settings()
        return model

    def _validation_fraction(self):
        """The share of the rows held out for validation: ``validation_split``,
        or 10% when ``early_stopping`` is on and ``validation_split`` is 0
        (sklearn's ``MLPClassifier(early_stopping=True)`` holds out its
        ``validation_fraction=0.1`` the same way)."""
        if self.validation_split == 0 and self.early_stopping:
            return DEFAULT_VALIDATION_FRACTION
        return self.validation_split

    def _validation_description(self):
        if self.validation_split == 0 and self.early_stopping:
            return f"early_stopping=True holds out {DEFAULT_VALIDATION_FRACTION:.0%} (validation_split=0), which"
        return f"validation_split={self.validation_split}"

    def _has_linear_path(self):
        """Whether the network adds a linear map of its inputs to its output
        (the forecaster's ``linear_path``)."""
        return False

    def _start_linear_path(self, X, y, y_model, sample_weight):
        """Start a new network's linear path at the ridge fit of the rows it
        trains on (not those ``validation_split`` holds out), with the hidden
        layers' output at zero: training starts from the best linear model
        and the hidden layers learn what it misses."""
        if not self._has_linear_path():
            return
        if self._validation_fraction() > 0:
            rows, _ = self._validation_rows(y)
            X, y_model = X[rows], y_model[rows]
            sample_weight = None if sample_weight is None else sample_weight[rows]
        kernel, intercept, self.linear_alpha_ = ridge_loo(
            X, y_model.reshape(len(y_model), -1), sample_weight, min_alpha=float(self.l2) * len(X)
        )
        linear, output = self.model_.get_layer("linear_path"), self.model_.get_layer("output")
        linear.kernel.assign(kernel.astype(np.float32))
        output.kernel.assign(np.zeros(output.kernel.shape, dtype=np.float32))
        output.bias.assign(intercept.astype(np.float32))

    def _make_optimizer(self):
        if not isinstance(self.optimizer, str):  # a copy, with its own settings and rate
            optimizer = hyperparams.make_optimizer(self.optimizer, None, {})
            if self.learning_rate == "auto":
                optimizer.learning_rate = self.learning_rate_
            return optimizer
        learning_rate = self.learning_rate_
        if schedules.is_keras_schedule(self.lr_schedule):  # stepped per batch
            schedule = self.lr_schedule
            learning_rate = type(schedule).from_config(schedule.get_config())
        settings = {
            name: getattr(self, name)
            for name in (
                "momentum", "nesterov", "beta_1", "beta_2", "rho",
                "epsilon", "weight_decay", "clipnorm",
            )
        }  # fmt: skip
        return hyperparams.make_optimizer(self.optimizer, learning_rate, settings)

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, Integral) else tuple(sizes)
        # NumPy integers (a grid of np.arange) are ints to Keras only once converted.
        return tuple(int(s) if isinstance(s, Integral) and not isinstance(s, bool) else s for s in sizes)

    def _dropout_rates(self, n_layers):
        if isinstance(self.dropout, Real):
            return (float(self.dropout),) * n_layers
        return tuple(float(rate) for rate in self.dropout)

    def _check_param_values(self):
        """The checks a constraint table cannot express: sequence contents and
        parameters that exclude each other."""
        sizes = self._hidden_sizes()
        if not all(isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in sizes):
            raise ValueError(
                "hidden_layer_sizes must hold positive integers (units per hidden"
                f" layer), got {self.hidden_layer_sizes!r}."
            )
        if not isinstance(self.dropout, Real):
            rates = list(self.dropout)
            if len(rates) != len(sizes) or not all(
                isinstance(r, Real) and 0 <= r < 1 for r in rates
            ):
                raise ValueError(
                    "dropout must be a rate in [0, 1) or one such rate per hidden"
                    f" layer ({len(sizes)} here), got {self.dropout!r}."
                )
        optimizer_schedule = not isinstance(self.optimizer, str) and not _settable_rate(self.optimizer)
        if optimizer_schedule and (self.lr_schedule != "constant" or self.learning_rate == "auto"):
            raise ValueError(
                "The optimizer's learning rate is a Keras schedule, which sets the rate"
                f" itself: lr_schedule={self.lr_schedule!r} and learning_rate="
                f"{self.learning_rate!r} cannot. Give the optimizer a plain rate, or keep"
                " lr_schedule='constant' and a numeric learning_rate."
            )
        if schedules.is_keras_schedule(self.lr_schedule) and self.learning_rate == "auto":
            raise ValueError(
                "learning_rate='auto' picks one starting rate, but a Keras"
                " LearningRateSchedule as lr_schedule sets the rate itself: give the"
                " schedule its initial rate, or use a named lr_schedule with 'auto'."
            )

    # ----------------------------------------------------------------- data

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        """Check X (and y) the way sklearn's estimators do.

        Sets or checks ``n_features_in_`` and ``feature_names_in_`` with
        sklearn's own messages; X comes back as a dense float32 copy.
        """
        if X is not None:
            X = validate_data(
                self, X, reset=reset, accept_sparse=("csr", "csc", "coo"), dtype="numeric"
            )
            if sparse.issparse(X):
                X = X.toarray()
            with np.errstate(over="ignore"):
                X = np.asarray(X, dtype=np.float32)
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
        return engine.predict(self.model_, X)

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


def seed_states(model):
    """The state of each layer's seed generator (Keras' dropout), by layer name."""
    return {
        layer.name: np.asarray(layer.seed_generator.state.numpy())
        for layer in model.layers
        if getattr(layer, "seed_generator", None) is not None
    }


def restore_seed_states(model, states):
    for layer in model.layers:
        if layer.name in states and getattr(layer, "seed_generator", None) is not None:
            layer.seed_generator.state.assign(np.asarray(states[layer.name], dtype=layer.seed_generator.state.dtype))


def _settable_rate(optimizer):
    """Whether the optimizer's rate is a value (not a Keras schedule)."""
    return not isinstance(optimizer.get_config()["learning_rate"], dict)


def _draw_seeds(random_state):
    """Independent seeds for each random part of one fit, from ``random_state``.

    An int gives the same seeds in any process; None draws from NumPy's global
    generator (so unseeded fits differ, as in sklearn); a RandomState is drawn
    from.
    """
    if isinstance(random_state, Integral):
        entropy = int(random_state)
    else:
        entropy = int(check_random_state(random_state).randint(_SEED_LIMIT))
    states = np.random.SeedSequence(entropy).generate_state(4)
    # Room above each seed: layer i uses seed + i.
    seeds = [int(s) % (_SEED_LIMIT - 1000) for s in states]
    return dict(zip(("init", "dropout", "shuffle", "split"), seeds))


def signature_with(init, own_init):
    """The signature of ``init`` with the keyword-only parameters of
    ``own_init`` (a subclass's ``__init__(self, *, new=..., **params)``)
    added, or replacing those of the same name (a default of its own).

    The subclass gives its ``__init__`` this signature, so sklearn's
    ``get_params``/``clone`` (which read the signature) see every parameter
    without the whole list, or the new parameters' defaults, being repeated.
    """
    signature = inspect.signature(init)
    own = {
        name: parameter
        for name, parameter in inspect.signature(own_init).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    }
    inherited = [own.pop(name, parameter) for name, parameter in signature.parameters.items()]
    return signature.replace(parameters=[*inherited, *own.values()])
