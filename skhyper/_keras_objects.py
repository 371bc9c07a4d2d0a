"""Keras objects of skhyper's own, registered so that a network that holds
them can be rebuilt from its config (the compiled loop's private copy,
pickling).  Imported only where Keras already is."""

import keras

__all__ = ["FunctionInitializer"]


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
