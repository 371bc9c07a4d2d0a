"""Keras objects of skhyper's own, registered so that a network that holds
them can be rebuilt from its config (the compiled loop's private copy,
pickling).  Imported only where Keras already is."""

import keras

__all__ = ["FunctionInitializer", "PinballLoss"]


@keras.saving.register_keras_serializable(package="skhyper")
class FunctionInitializer(keras.initializers.Initializer):
    """A user's initializer function ``f(shape, dtype=None)`` as a Keras
    initializer.

    Keras writes a plain function into a layer's config as its name and
    cannot read it back.  This one is written as the function's name too, and
    read back as the function that name has in a ``custom_object_scope``
    (skhyper's pickling opens one).  Where the name is not known (the compiled
    loop's private copy of the network, or a network rebuilt elsewhere) it
    draws zeros: such copies only ever receive trained weights.
    """

    def __init__(self, function=None, name=None):
        self.function = function
        self.name = name or getattr(function, "__name__", "initializer")

    def __call__(self, shape, dtype=None):
        if self.function is None:
            return keras.ops.zeros(shape, dtype=dtype)
        return self.function(shape, dtype=dtype)

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        name = config["name"]
        return cls(keras.saving.get_registered_object(name), name)


@keras.saving.register_keras_serializable(package="skhyper")
class PinballLoss(keras.losses.Loss):
    """The pinball (quantile) loss of ``quantile``, per row: the mean over
    outputs of ``q * e`` where the error ``e = y - prediction`` is positive
    and ``(q - 1) * e`` where it is negative, whose minimizer is the
    ``q`` quantile of ``y`` (Koenker & Bassett, 1978).  What
    ``WindowForecaster(interval_method="quantile")`` trains its bounds with
    (see :mod:`skhyper.estimators._quantiles`)."""

    def __init__(self, quantile=0.5, name="pinball", **kwargs):
        super().__init__(name=name, **kwargs)
        self.quantile = float(quantile)

    def call(self, y_true, y_pred):
        error = keras.ops.subtract(keras.ops.cast(y_true, y_pred.dtype), y_pred)
        return keras.ops.mean(keras.ops.maximum(self.quantile * error, (self.quantile - 1.0) * error), axis=-1)

    def get_config(self):
        return {**super().get_config(), "quantile": self.quantile}

    def __repr__(self):
        return f"PinballLoss({self.quantile!r})"
