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
    values, kernels = {}, []
    for layer in template.layers:
        for variable in layer.variables:
            name, shape, dtype = layer.name, tuple(variable.shape), variable.dtype
            if id(variable) in seed_ids:
                index = int(name.rsplit("_", 1)[1])
                values[id(variable)] = np.array([seeds["dropout"] + index, 0], dtype=dtype)
            elif variable is getattr(layer, "kernel", None) and name != "linear_path":
                index = hidden_layers if name == "output" else int(name.rsplit("_", 1)[1])
                kernels.append((id(variable), (kernel_initializer, seeds["init"] + index, shape, dtype)))
            else:  # biases, the linear path
                values[id(variable)] = np.zeros(shape, dtype=dtype)
    for (key, _), kernel in zip(kernels, _kernels([request for _, request in kernels])):
        values[key] = kernel.copy()
    return [values[id(variable)] for variable in template.variables]


def _kernels(requests):
    """The kernels ``(initializer name, seed, shape, dtype)`` asks for.

    Kept for the next fit that asks (each fold of a search draws the same
    kernels: its seeds come from ``random_state``, not from the rows); the
    others are drawn together, in one traced call per initializer.
    """
    found = {}
    with _lock:
        for key in requests:
            kernel = _KERNELS.get(key)
            if kernel is not None:
                _KERNELS.move_to_end(key)
                found[key] = kernel
    missing = [key for key in requests if key not in found]
    for name in dict.fromkeys(key[0] for key in missing):
        asked = [key for key in missing if key[0] == name]
        drawn = _draw(name, tuple((shape, dtype) for _, _, shape, dtype in asked), [seed for _, seed, _, _ in asked])
        found.update(zip(asked, drawn))
        with _lock:
            _KERNELS.update(zip(asked, drawn))
            while sum(k.nbytes for k in _KERNELS.values()) > _KERNELS_BYTES:
                _KERNELS.popitem(last=False)
    return [found[key] for key in requests]


_DRAWS = OrderedDict()  # (initializer name, shapes) -> draws so far, then the traced draw
_DRAWS_SIZE = 32
_EAGER_DRAWS = 2  # (a trace costs about 30 eager draws: an initializer used once is drawn eagerly)


def _draw(name, shapes, seeds):
    """Kernels of ``shapes`` ((shape, dtype) pairs) from the initializer
    ``name``, kernel ``i`` seeded with ``seeds[i]``: the values
    ``make_initializer(name, seeds[i])(shape)`` gives; after the first
    ``_EAGER_DRAWS`` draws of these shapes, in one traced call.

    Keras seeds an initializer given the int ``s`` with ``[s, 0]``, which is
    the first state of a ``SeedGenerator(s)``; each kernel's initializer here
    has a generator whose state the call sets (called under a lock: the state
    is shared).
    """
    import keras
    import tensorflow as tf

    from . import hyperparams
    from ._compat import flat_call, traced

    key = (name, shapes)
    with _lock:
        entry = _DRAWS.get(key, 0)
        if isinstance(entry, int):  # draws so far: trace only for an initializer in use
            _DRAWS[key] = entry + 1
        _DRAWS.move_to_end(key)
        while len(_DRAWS) > _DRAWS_SIZE:
            _DRAWS.popitem(last=False)
    if isinstance(entry, int) and entry < _EAGER_DRAWS:
        return [np.asarray(hyperparams.make_initializer(name, seed)(shape, dtype=dtype))
                for seed, (shape, dtype) in zip(seeds, shapes)]  # fmt: skip
    if isinstance(entry, int):
        generators = [keras.random.SeedGenerator(0) for _ in shapes]
        initializers = [hyperparams.make_initializer(name, generator) for generator in generators]

        def draw(states):
            for index, generator in enumerate(generators):
                generator.state.assign(states[index])
            return [init(shape, dtype=dtype) for init, (shape, dtype) in zip(initializers, shapes)]

        state_dtype = generators[0].state.dtype
        function = traced(draw, input_signature=[tf.TensorSpec([len(shapes), 2], state_dtype)])
        entry = (flat_call(function.get_concrete_function()), state_dtype)
        with _lock:
            _DRAWS[key] = entry
            while len(_DRAWS) > _DRAWS_SIZE:
                _DRAWS.popitem(last=False)
    function, state_dtype = entry
    states = tf.constant([[seed, 0] for seed in seeds], state_dtype)
    with _lock:
        return [np.asarray(kernel) for kernel in function(states)]


def _seed_states(model):
    return [
        layer.seed_generator.state
        for layer in model.layers
        if getattr(layer, "seed_generator", None) is not None
    ]
