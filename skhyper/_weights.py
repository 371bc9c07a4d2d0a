"""Where a fitted network's weights live when no Keras model holds them.

Building a Keras model costs about 35 ms (layers, variables, compiling), more
than ten epochs of a small network in the compiled loop.  A fit whose
network has plain hyperparameters (names and numbers, no Python objects)
therefore builds a Keras model only for the first fit of an architecture in
the process: that model becomes the architecture's *template*.  Later fits of
the same architecture draw their initial weights from the same seeded
initializers Keras would call (equal values), train them in the compiled
loop's cached copy of the template, and keep the result here, as NumPy arrays:
:class:`NetworkWeights`.  Prediction runs on these arrays; the estimator's own
Keras model (``model_``) is built from them only when asked for.

An estimator's network is thus either a Keras model (then the model is the
truth: a user may change it) or a :class:`NetworkWeights`, never both.
"""

import threading
from collections import OrderedDict

import numpy as np

__all__ = ["NetworkWeights", "initial_weights", "remember_template", "template_for"]

_TEMPLATES = OrderedDict()
_TEMPLATES_SIZE = 32
_KERNELS = OrderedDict()
_KERNELS_BYTES = 32 * 2**20  # the drawn kernels kept for the next fit
_lock = threading.Lock()


def template_for(key):
    """The template Keras model of the architecture ``key``, or None."""
    if key is None:
        return None
    with _lock:
        template = _TEMPLATES.get(key)
        if template is not None:
            _TEMPLATES.move_to_end(key)
        return template


def remember_template(key, model):
    """Keep a private, compiled copy of ``model``'s architecture for ``key``.

    Only the copy's structure is ever used (its layers, their order and
    activations, its optimizer's and loss' settings), never its weights.
    """
    if key is None or template_for(key) is not None:
        return
    import keras

    copy = keras.Model.from_config(model.get_config())
    optimizer = type(model.optimizer).from_config(model.optimizer.get_config())
    copy.compile(optimizer=optimizer, loss=model.loss)
    with _lock:
        _TEMPLATES[key] = copy
        while len(_TEMPLATES) > _TEMPLATES_SIZE:
            _TEMPLATES.popitem(last=False)


class NetworkWeights:
    """A network's variables as arrays, in the order of its template's
    ``variables`` (the layers' weights and the dropout layers' seed states),
    and its optimizer's variables (None until it has trained: a new
    optimizer then starts at ``rate``)."""

    def __init__(self, template, values, rate, optimizer_values=None):
        self.template = template
        self.values = values
        self.rate = float(rate)  # the rate a new optimizer starts from
        self.optimizer_values = optimizer_values
        self._index = {variable.path: i for i, variable in enumerate(template.variables)}

    def get(self, path):
        """The array of the variable at ``path`` (``"output/bias"``)."""
        return self.values[self._index[path]]

    def set(self, path, value):
        old = self.values[self._index[path]]
        self.values[self._index[path]] = np.asarray(value, dtype=old.dtype).reshape(old.shape)

    def layer_weights(self):
        """The layers' weights, as Keras' ``get_weights`` lists them (no seed states)."""
        seeds = {id(v) for v in _seed_states(self.template)}
        return [value for value, v in zip(self.values, self.template.variables) if id(v) not in seeds]

    def set_rate(self, rate):
        """Set the learning rate the optimizer goes on with."""
        self.rate = float(rate)
        if self.optimizer_values is not None:
            index = [v.name for v in self.template.optimizer.variables].index("learning_rate")
            self.optimizer_values[index] = np.asarray(rate, dtype=self.optimizer_values[index].dtype)

    def to_keras(self, model):
        """Give the new Keras ``model`` (of this architecture) these weights
        and optimizer state; return it."""
        for variable, value in zip(model.variables, self.values):
            variable.assign(value)
        if self.optimizer_values is not None:
            model.optimizer.build(model.trainable_variables)
            for variable, value in zip(model.optimizer.variables, self.optimizer_values):
                variable.assign(value)
        return model


def initial_weights(template, kernel_initializer, seeds, hidden_layers):
    """The weights Keras gives a new network of ``template``'s architecture
    built with ``kernel_initializer`` and ``seeds``: each kernel from the
    initializer seeded as :meth:`NetworkBuilder._build_model` seeds it
    (layer ``i`` with ``seeds["init"] + i``), biases and the linear path at
    zero, each dropout layer's seed state ``[seeds["dropout"] + i, 0]``."""
    seed_ids = {id(v) for v in _seed_states(template)}
    values = {}
    for layer in template.layers:
        for variable in layer.variables:
            name, shape, dtype = layer.name, tuple(variable.shape), variable.dtype
            if id(variable) in seed_ids:
                index = int(name.rsplit("_", 1)[1])
                values[id(variable)] = np.array([seeds["dropout"] + index, 0], dtype=dtype)
            elif variable is getattr(layer, "kernel", None) and name != "linear_path":
                index = hidden_layers if name == "output" else int(name.rsplit("_", 1)[1])
                values[id(variable)] = _kernel(kernel_initializer, seeds["init"] + index, shape, dtype).copy()
            else:  # biases, the linear path
                values[id(variable)] = np.zeros(shape, dtype=dtype)
    return [values[id(variable)] for variable in template.variables]


def _kernel(name, seed, shape, dtype):
    """A kernel from the initializer ``name`` seeded with ``seed``, kept for
    the next fit that asks for it (each fold of a search draws the same
    kernels: its seeds come from ``random_state``, not from the rows)."""
    key = (name, seed, shape, dtype)
    with _lock:
        kernel = _KERNELS.get(key)
        if kernel is not None:
            _KERNELS.move_to_end(key)
            return kernel
    from . import hyperparams

    kernel = np.asarray(hyperparams.make_initializer(name, seed)(shape, dtype=dtype))
    with _lock:
        _KERNELS[key] = kernel
        while sum(k.nbytes for k in _KERNELS.values()) > _KERNELS_BYTES:
            _KERNELS.popitem(last=False)
    return kernel


def _seed_states(model):
    return [
        layer.seed_generator.state
        for layer in model.layers
        if getattr(layer, "seed_generator", None) is not None
    ]
