"""A float64 forward pass over a trained network's weights.

Keras predicts in float32, and its matrix products are blocked differently for
different numbers of rows, so a row's prediction changes in the 7th digit with
the other rows of the batch.  scikit-learn expects a row's prediction to be
the same whatever is predicted with it (``check_methods_subset_invariance``).
Here each layer runs in float64 on the float32 weights (exactly representable
in float64): the products differ from Keras' only by float32 round-off, and
are the same for a row in any batch to float64 round-off.

Only the layers skhyper builds are known (Dense, Dropout, Add, Activation);
:func:`forward` returns None for any other network, which is then predicted by
Keras as before.
"""

import numpy as np
from scipy.special import expit

__all__ = ["forward"]


class _Unknown(Exception):
    """A layer this pass does not know."""


def forward(model, X, values=None):
    """The outputs of the functional Keras ``model`` for ``X`` in inference mode, as float64.

    Each layer runs in float64 on the float32 weights, so a row's outputs
    do not depend on the other rows predicted with it.

    Parameters
    ----------
    model : keras.Model
        A functional model of Dense, Dropout, Add and Activation layers.
    X : array-like of shape (n_samples, n_features)
        The rows.
    values : list of ndarray, default=None
        Arrays in the order of ``model.variables``: the network's weights
        are those, not the model's own.

    Returns
    -------
    ndarray of shape (n_samples, n_outputs) or None
        The outputs, or None when the network holds a layer this pass does
        not know (Keras then predicts it).
    """
    import keras

    weight = _reader(model, values)
    try:
        outputs = {id(model.inputs[0]): np.asarray(X, dtype=np.float64)}
        for layer in model.layers:
            if isinstance(layer, keras.layers.InputLayer):
                continue
            inbound = layer.input if isinstance(layer.input, list) else [layer.input]
            outputs[id(layer.output)] = _apply(layer, [outputs[id(t)] for t in inbound], weight)
        return outputs[id(model.outputs[0])]
    except (_Unknown, KeyError, AttributeError, ValueError):
        return None


def _reader(model, values):
    """A function from a model's variable to its value as float64."""
    if values is None:
        return lambda variable: np.asarray(variable, dtype=np.float64)
    index = {id(variable): i for i, variable in enumerate(model.variables)}
    return lambda variable: np.asarray(values[index[id(variable)]], dtype=np.float64)


def _apply(layer, inputs, weight):
    import keras

    kind = type(layer)
    if kind is keras.layers.Dense:
        (x,) = inputs
        out = x @ weight(layer.kernel)
        if layer.use_bias:
            out += weight(layer.bias)
        return _activate(layer.activation, out)
    if kind is keras.layers.Dropout:  # the identity in inference
        return inputs[0]
    if kind is keras.layers.Add:
        return sum(inputs[1:], inputs[0])
    if kind is keras.layers.Activation:
        return _activate(layer.activation, inputs[0])
    raise _Unknown(kind.__name__)


def _softmax(x):
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


#: The common activations in NumPy (float64; the same values as Keras' own to
#: float64 round-off, without a round trip through TensorFlow per layer).
_NUMPY_ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": expit,
    "tanh": np.tanh,
    "softmax": _softmax,
}


def _activate(activation, x):
    """The layer's activation, applied in float64 (elementwise, or per row
    for softmax: independent of the other rows either way): in NumPy for the
    common ones, Keras' own for the rest."""
    import keras

    if activation is None or activation is keras.activations.linear:
        return x
    if getattr(activation, "__module__", "").startswith("keras.") and activation.__name__ in _NUMPY_ACTIVATIONS:
        return _NUMPY_ACTIVATIONS[activation.__name__](x)
    return np.asarray(keras.ops.convert_to_numpy(activation(keras.ops.convert_to_tensor(x, dtype="float64"))), dtype=np.float64)
