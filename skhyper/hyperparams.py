"""The hyperparameter tables: one name -> one Keras object, and nothing else.

Each table maps the names a user passes to the estimators onto what Keras
calls them.  Keras itself is imported only when an object is built, so the
tables (and the error messages that list their keys) cost nothing to import.
"""

from dataclasses import dataclass

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "OPTIMIZERS",
    "CLASSIFICATION_LOSSES",
    "REGRESSION_LOSSES",
    "current_rate",
    "make_initializer",
    "make_optimizer",
]

#: Hidden-layer activations, by their Keras names.
ACTIVATIONS = frozenset(
    {
        "celu", "elu", "exponential", "gelu", "hard_sigmoid", "hard_silu",
        "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid",
        "mish", "relu", "relu6", "selu", "sigmoid", "silu", "softplus",
        "softsign", "squareplus", "swish", "tanh",
    }
)  # fmt: skip

#: Kernel initializers: name -> Keras class name.  Keras' short aliases from
#: Keras 2 (``uniform``, ``normal``, ``zero``, ``one``), which seed 003's grid
#: uses, are kept.  ``constant`` is left out: it needs a value; pass
#: ``keras.initializers.Constant(v)`` instead.
INITIALIZERS = {
    "glorot_uniform": "GlorotUniform",
    "glorot_normal": "GlorotNormal",
    "he_uniform": "HeUniform",
    "he_normal": "HeNormal",
    "lecun_uniform": "LecunUniform",
    "lecun_normal": "LecunNormal",
    "random_uniform": "RandomUniform",
    "random_normal": "RandomNormal",
    "truncated_normal": "TruncatedNormal",
    "variance_scaling": "VarianceScaling",
    "orthogonal": "Orthogonal",
    "identity": "Identity",
    "zeros": "Zeros",
    "ones": "Ones",
    "uniform": "RandomUniform",
    "normal": "RandomNormal",
    "zero": "Zeros",
    "one": "Ones",
}


@dataclass(frozen=True)
class OptimizerSpec:
    """A Keras optimizer class and the estimator settings it takes.

    Every optimizer also takes ``learning_rate``, ``weight_decay`` and
    ``clipnorm``; ``settings`` lists the others, by their estimator names.
    """

    keras_name: str
    settings: tuple = ()


OPTIMIZERS = {
    "sgd": OptimizerSpec("SGD", ("momentum", "nesterov")),
    "rmsprop": OptimizerSpec("RMSprop", ("rho", "momentum", "epsilon")),
    "adam": OptimizerSpec("Adam", ("beta_1", "beta_2", "epsilon")),
    "adamw": OptimizerSpec("AdamW", ("beta_1", "beta_2", "epsilon")),
    "nadam": OptimizerSpec("Nadam", ("beta_1", "beta_2", "epsilon")),
    "adamax": OptimizerSpec("Adamax", ("beta_1", "beta_2", "epsilon")),
    "adagrad": OptimizerSpec("Adagrad", ("epsilon",)),
    "adadelta": OptimizerSpec("Adadelta", ("rho", "epsilon")),
    "lion": OptimizerSpec("Lion", ("beta_1", "beta_2")),
    "ftrl": OptimizerSpec("Ftrl"),
}

_COMMON_OPTIMIZER_SETTINGS = ("weight_decay", "clipnorm")

#: Losses a classifier trains with.  ``categorical_crossentropy`` is trained
#: as its sparse twin: on one-hot targets the two are the same function.
CLASSIFICATION_LOSSES = {
    "sparse_categorical_crossentropy": "sparse_categorical_crossentropy",
    "categorical_crossentropy": "sparse_categorical_crossentropy",
    "binary_crossentropy": "binary_crossentropy",
}

#: Losses a regressor trains with: name -> Keras name.
REGRESSION_LOSSES = {
    "mse": "mean_squared_error",
    "mean_squared_error": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mean_absolute_error": "mean_absolute_error",
    "huber": "huber",
    "log_cosh": "log_cosh",
    "msle": "mean_squared_logarithmic_error",
    "mean_squared_logarithmic_error": "mean_squared_logarithmic_error",
}


def make_initializer(spec, seed):
    """A fresh Keras initializer for ``spec`` (a name or an initializer).

    Random initializers get the explicit ``seed``: Keras would otherwise draw
    one from Python's global ``random`` state, which other threads share.
    A user's initializer object is copied, never changed.

    Parameters
    ----------
    spec : str, keras.initializers.Initializer or callable
        A name of :data:`INITIALIZERS`, a Keras initializer (its own seed is
        kept when it has one), or a function ``f(shape, dtype=None)``.
    seed : int
        The seed of a random initializer without one.

    Returns
    -------
    keras.initializers.Initializer
        A new initializer.

    Examples
    --------
    >>> from skhyper.hyperparams import make_initializer
    >>> initializer = make_initializer("glorot_uniform", seed=0)
    >>> type(initializer).__name__, initializer.seed
    ('GlorotUniform', 0)
    """
    import keras

    if isinstance(spec, str):
        cls = getattr(keras.initializers, INITIALIZERS[spec])
        config = {}
    elif not hasattr(spec, "get_config"):  # a plain function(shape, dtype=None)
        from ._keras_objects import FunctionInitializer

        return FunctionInitializer(spec)
    else:
        cls, config = type(spec), dict(spec.get_config())
    if "seed" in config or (not config and _takes_seed(cls)):
        if config.get("seed") is None:
            config["seed"] = seed
    return cls.from_config(config) if config else cls()


def _takes_seed(cls):
    import inspect

    return "seed" in inspect.signature(cls).parameters


def make_optimizer(spec, learning_rate, settings):
    """A fresh Keras optimizer.

    ``spec`` is a name of :data:`OPTIMIZERS`, or a Keras optimizer, which is
    copied through its config with its own rate and settings (the caller's
    object is never trained; ``learning_rate`` and ``settings`` are unused).
    ``settings`` maps estimator setting names to values; those the optimizer
    does not take, and those left at ``None`` (the optimizer's own default),
    are dropped.

    Parameters
    ----------
    spec : str or keras.optimizers.Optimizer
        A name of :data:`OPTIMIZERS`, or a Keras optimizer to copy.
    learning_rate : float or keras.optimizers.schedules.LearningRateSchedule
        The rate of an optimizer by name.
    settings : dict of str -> object
        The estimator's optimizer settings (``momentum``, ``beta_1``, ...).

    Returns
    -------
    keras.optimizers.Optimizer
        A new optimizer.

    Examples
    --------
    >>> from skhyper.hyperparams import make_optimizer
    >>> optimizer = make_optimizer("sgd", 0.01, {"momentum": 0.9, "rho": 0.5})
    >>> type(optimizer).__name__, round(float(optimizer.momentum), 2)
    ('SGD', 0.9)
    """
    import keras

    if not isinstance(spec, str):
        return type(spec).from_config(spec.get_config())
    entry = OPTIMIZERS[spec]
    names = entry.settings + _COMMON_OPTIMIZER_SETTINGS
    kwargs = {k: _plain(settings[k]) for k in names if settings.get(k) is not None}
    cls = getattr(keras.optimizers, entry.keras_name)
    # A fixed name: left to Keras, each optimizer is "adam_<n>" with a process-wide
    # counter, its variables get new names every fit, and TensorFlow keeps a
    # kernel for each new name: 0.35 MB a fit that never came back.
    return cls(learning_rate=_plain(learning_rate), name="optimizer", **kwargs)


def current_rate(optimizer):
    """The optimizer's learning rate now, as a float (a schedule evaluated).

    Parameters
    ----------
    optimizer : keras.optimizers.Optimizer
        A Keras optimizer.

    Returns
    -------
    float
        Its current learning rate.
    """
    import numpy as np

    return float(np.asarray(optimizer.learning_rate))


def _plain(value):
    """Keras optimizers reject ``np.float32`` and ``int`` rates: give floats."""
    if isinstance(value, bool) or not hasattr(value, "__float__"):
        return value
    return float(value)
