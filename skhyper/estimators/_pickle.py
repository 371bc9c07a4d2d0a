"""Pickling an estimator whose network holds a user's own loss function.

Keras pickles a model as its ``.keras`` archive and, on loading, looks the
user's objects up by name among those registered with
``keras.saving.register_keras_serializable``: an unregistered one fails with
"Could not locate function".  Here the network travels with those objects
(pickled by reference, as pickle does any function or class), and is loaded
in a ``custom_object_scope`` that names them.  ``copy.deepcopy`` goes the
same way; a plain-function initializer is wrapped in skhyper's registered
``FunctionInitializer``, which looks its function up in that scope.  A
``Loss`` subclass instance, which Keras copies and pickles through its config
(so ``copy.deepcopy`` and sklearn's ``clone`` of it fail where its class is
not registered), needs ``@keras.saving.register_keras_serializable()``, as
Keras asks.
"""

import numbers

__all__ = ["PickledModel", "custom_objects"]


def custom_objects(estimator):
    """The user's objects a network of ``estimator`` names in its config, by
    the name Keras gives them there."""
    import keras

    found = {}
    for value in (getattr(estimator, "loss", None), getattr(estimator, "kernel_initializer", None)):
        if value is None or isinstance(value, (str, numbers.Number)):
            continue
        kind = value if isinstance(value, type) else type(value)
        if kind.__module__.startswith("keras"):
            if isinstance(value, type) or not callable(value) or hasattr(value, "get_config"):
                continue  # Keras' own objects are found by name
        if isinstance(value, (keras.losses.Loss, keras.initializers.Initializer)):
            found[kind.__name__] = kind
        elif callable(value) and hasattr(value, "__name__") and not kind.__module__.startswith("keras"):
            found[value.__name__] = value
    return found


class PickledModel:
    """A Keras model and the user's objects it needs, which unpickle as the model."""

    def __init__(self, model, objects):
        self.model, self.objects = model, objects

    def __reduce__(self):
        # The model's own reduction (Keras': its .keras archive), replayed in a scope.
        rebuild, args = self.model.__reduce__()[:2]
        return (_load, (rebuild, args, self.objects))


def _load(rebuild, args, objects):
    import keras

    from .. import _keras_objects  # noqa: F401  (registers skhyper's own)

    with keras.saving.custom_object_scope(objects):
        return rebuild(*args)
