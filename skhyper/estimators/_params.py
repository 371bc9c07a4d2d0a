"""The hyperparameters of skhyper's Keras MLPs: their defaults, their
constraints and the checks a constraint table cannot express.

A constructor argument becomes a Keras object in :mod:`._network` (layers,
regularizers, the optimizer) through :mod:`skhyper.hyperparams`.
"""

import difflib
import inspect
import os
from numbers import Integral, Real

import numpy as np

from .. import engine, hyperparams, schedules
from .._compat import HasMethods, Interval, StrOptions, validate_parameter_constraints

__all__ = ["DEFAULT_VALIDATION_FRACTION", "Hyperparameters", "settable_rate", "signature_with"]

#: What ``early_stopping=True`` holds out when ``validation_split`` is 0.
DEFAULT_VALIDATION_FRACTION = 0.1

#: learning_rate's default (an optimizer object's own rate is kept when it is left there).
DEFAULT_LEARNING_RATE = 0.001


class Hyperparameters:
    """Every training hyperparameter as a constructor argument, validated."""

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
        "lr_period_mult": [Interval(Real, 1, None, closed="left")],  # below 1 the periods shrink to nothing
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
        learning_rate=DEFAULT_LEARNING_RATE,
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
        **unexpected,
    ):
        if unexpected:
            raise TypeError(unexpected_argument(self, next(iter(unexpected))))
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

    def _check_params(self):
        """Validate every hyperparameter; the error names the one that is wrong."""
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )
        self._check_param_values()

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
        if isinstance(self.kernel_initializer, type):
            raise ValueError(
                f"kernel_initializer={self.kernel_initializer.__name__} is a class: pass an instance"
                f" ({self.kernel_initializer.__name__}()) or a name such as 'he_normal'."
            )
        odd = [c for c in self.callbacks or [] if not all(hasattr(c, m) for m in ("set_model", "on_epoch_end"))]
        if odd:
            raise ValueError(f"callbacks must be Keras callbacks (keras.callbacks.Callback), got {odd[0]!r}.")
        optimizer_schedule = not isinstance(self.optimizer, str) and not settable_rate(self.optimizer)
        if optimizer_schedule and (self._lr_schedule() != "constant" or self.learning_rate == "auto"):
            raise ValueError(
                "The optimizer's learning rate is a Keras schedule, which sets the rate"
                f" itself: lr_schedule={self._lr_schedule()!r} and learning_rate="
                f"{self.learning_rate!r} cannot. Give the optimizer a plain rate, or keep"
                " lr_schedule='constant' and a numeric learning_rate."
            )
        if (not isinstance(self.optimizer, str) and not optimizer_schedule and isinstance(self.learning_rate, Real)
                and self.learning_rate != DEFAULT_LEARNING_RATE
                and not np.isclose(float(self.learning_rate), hyperparams.current_rate(self.optimizer), rtol=1e-6)):  # fmt: skip
            raise ValueError(
                f"learning_rate={self.learning_rate!r} would be ignored: the optimizer is a Keras object"
                f" ({type(self.optimizer).__name__}), which trains at its own rate"
                f" ({hyperparams.current_rate(self.optimizer):g}). Name the optimizer (optimizer="
                f"{type(self.optimizer).__name__.lower()!r}) to tune learning_rate and its settings, or set the rate"
                " in the object."
            )
        if schedules.is_keras_schedule(self.lr_schedule) and self.learning_rate == "auto":
            raise ValueError(
                "learning_rate='auto' picks one starting rate, but a Keras"
                " LearningRateSchedule as lr_schedule sets the rate itself: give the"
                " schedule its initial rate, or use a named lr_schedule with 'auto'."
            )

    # The settings a fit uses: the parameters themselves here; a subclass
    # whose defaults depend on the data (WindowForecaster's "auto" on one
    # series or a panel) resolves them in these.

    def _setting(self, name):
        return getattr(self, name)

    def _epochs(self):
        return self._setting("epochs")

    def _batch_size(self):
        return self._setting("batch_size")

    def _early_stopping(self):
        return self._setting("early_stopping")

    def _lr_schedule(self):
        return self._setting("lr_schedule")

    def _hidden_sizes(self):
        sizes = self._setting("hidden_layer_sizes")
        sizes = (sizes,) if isinstance(sizes, Integral) else tuple(sizes)
        # NumPy integers (a grid of np.arange) are ints to Keras only once converted.
        return tuple(int(s) if isinstance(s, Integral) and not isinstance(s, bool) else s for s in sizes)

    def _dropout_rates(self, n_layers):
        if isinstance(self.dropout, Real):
            return (float(self.dropout),) * n_layers
        return tuple(float(rate) for rate in self.dropout)

    def _validation_fraction(self):
        """The share of the rows held out for validation: ``validation_split``,
        or 10% when ``early_stopping`` is on and ``validation_split`` is 0
        (sklearn's ``MLPClassifier(early_stopping=True)`` holds out its
        ``validation_fraction=0.1`` the same way)."""
        if self._setting("validation_split") == 0 and self._early_stopping():
            return DEFAULT_VALIDATION_FRACTION
        return self._setting("validation_split")

    def _validation_description(self):
        if self._setting("validation_split") == 0 and self._early_stopping():
            return f"early_stopping=True holds out {DEFAULT_VALIDATION_FRACTION:.0%} (validation_split=0), which"
        return f"validation_split={self._setting('validation_split')}"


def settable_rate(optimizer):
    """Whether the optimizer's rate is a value (not a Keras schedule)."""
    return not isinstance(optimizer.get_config()["learning_rate"], dict)


def unexpected_argument(estimator, name):
    """The message of the ``TypeError`` for a constructor argument ``name``
    that ``estimator``'s class does not take, as Python's own names the
    class (not the base class whose ``__init__`` met it), with the
    parameter it may stand for: a close spelling, or the class's
    ``_argument_hints`` (a forecasting library's name for a parameter here,
    such as statsforecast's ``season_length``)."""
    cls = type(estimator)
    message = f"{cls.__name__}.__init__() got an unexpected keyword argument {name!r}"
    hint = getattr(cls, "_argument_hints", {}).get(name)
    if hint is None:
        close = difflib.get_close_matches(name, list(inspect.signature(cls).parameters), n=1)
        hint = f"did you mean {close[0]!r}?" if close else None
    return f"{message}: {hint}" if hint else message + "."


def named_signature(init):
    """``init``'s signature without its ``**kwargs`` (which only catches
    unexpected arguments to name them): what sklearn's ``get_params``, the
    API reference and ``help()`` show."""
    signature = inspect.signature(init)
    named = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    return signature.replace(parameters=named)


def signature_with(init, own_init):
    """The signature of ``init`` with the keyword-only parameters of
    ``own_init`` (a subclass's ``__init__(self, *, new=..., **params)``)
    added, or replacing those of the same name (a default of its own).

    The subclass gives its ``__init__`` this signature, so sklearn's
    ``get_params``/``clone`` (which read the signature) see every parameter
    without the whole list, or the new parameters' defaults, being repeated.
    """
    signature = named_signature(init)
    own = {
        name: parameter
        for name, parameter in inspect.signature(own_init).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    }
    inherited = [own.pop(name, parameter) for name, parameter in signature.parameters.items()]
    return signature.replace(parameters=[*inherited, *own.values()])


Hyperparameters.__init__.__signature__ = named_signature(Hyperparameters.__init__)
