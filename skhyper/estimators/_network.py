"""The network a fit trains: the Keras model built from the hyperparameters,
its optimizer, the linear path's ridge start, and the seeds of every random
part.  A warm start refuses a network whose building parameters changed.
"""

import json
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from .. import hyperparams, schedules
from .._weights import NetworkWeights, initial_weights, remember_template, template_for
from ..linear import ridge_bic
from .._keras_objects import PinballLoss
from ._quantiles import residual_quantile

__all__ = ["NetworkBuilder", "draw_seeds", "restore_seed_states", "seed_states"]

_SEED_LIMIT = 2**31 - 1
_OBJECT = "<a Python object>"  # a parameter's value that _network_settings does not compare


class NetworkBuilder:
    """Builds the Keras MLP of an estimator's hyperparameters (a mixin of
    :class:`~._base.KerasMLPBase`, which sets ``_seeds`` before building).

    The fitted network lives in ``_keras_model`` (a Keras model) or in
    ``_network_weights`` (:class:`~skhyper._weights.NetworkWeights`: arrays,
    when a fit with plain hyperparameters reused its architecture's
    template); ``model_`` gives a Keras model either way.
    """

    # ------------------------------------------------- where the network lives

    @property
    def model_(self):
        """The fitted Keras model (built from the trained weights when first
        asked for, and kept: changes made to it are the estimator's)."""
        model = self.__dict__.get("_keras_model")
        if model is None:
            weights = self.__dict__.get("_network_weights")
            if weights is None:
                raise AttributeError(f"This {type(self).__name__} has no model_: it is not fitted yet.")
            model = self.__dict__["_keras_model"] = self._keras_model_of(weights)
            del self.__dict__["_network_weights"]
        return model

    @model_.setter
    def model_(self, model):
        self.__dict__.pop("_network_weights", None)
        self.__dict__["_keras_model"] = model

    def _network(self):
        """The fitted network as it is held: a Keras model or NetworkWeights."""
        model = self.__dict__.get("_keras_model")
        return self.__dict__["_network_weights"] if model is None else model

    def _has_network(self):
        return "_keras_model" in self.__dict__ or "_network_weights" in self.__dict__

    def _keras_model_of(self, weights):
        """A new Keras model holding ``weights``, built with the
        hyperparameters the network was built with."""
        template = weights.template
        return weights.to_keras(self._build_as_fitted(template.input_shape[-1], template.output_shape[-1], weights.rate))

    def _build_as_fitted(self, n_inputs, n_outputs, rate):
        """A new Keras model of the architecture and optimizer (at ``rate``)
        the fitted network was built with."""
        # The estimator as it was when its network was built (a shallow copy:
        # copy.copy would pickle, which builds this very model).
        fitted = object.__new__(type(self))
        fitted.__dict__.update(self.__dict__)
        fitted.__dict__.update(self._network_params)
        fitted.learning_rate_ = rate
        return fitted._build_model(n_inputs, n_outputs)

    def _set_weight(self, path, value):
        """Set the variable at ``path`` (``"output/bias"``) of the network."""
        network = self._network()
        if isinstance(network, NetworkWeights):
            network.set(path, value)
        else:
            next(v for v in network.variables if v.path == path).assign(np.asarray(value, dtype=np.float32))

    def _get_weight(self, path):
        """A copy of the variable at ``path`` of the network."""
        network = self._network()
        if isinstance(network, NetworkWeights):
            return np.array(network.get(path))
        return next(v for v in network.variables if v.path == path).numpy()

    def _weight_shape(self, path):
        network = self._network()
        if isinstance(network, NetworkWeights):
            return network.get(path).shape
        return tuple(next(v for v in network.variables if v.path == path).shape)

    def _layer_weights(self):
        """The network's weights, as Keras' ``get_weights`` lists them."""
        network = self._network()
        return network.layer_weights() if isinstance(network, NetworkWeights) else network.get_weights()

    def _new_network(self, n_inputs, n_outputs):
        """A new network for a fit: weights drawn for the architecture's
        template when there is one (no Keras model built), else a Keras model
        (which becomes the template of later fits)."""
        key = self._template_key(n_inputs, n_outputs)
        template = template_for(key)
        if template is None:
            self.model_ = self._build_model(n_inputs, n_outputs)
            remember_template(key, self._keras_model)
            return
        values = initial_weights(template, self.kernel_initializer, self._seeds, len(self._hidden_sizes()))
        self.__dict__.pop("_keras_model", None)
        self._network_weights = NetworkWeights(template, values, self.learning_rate_)
        self._network_params = self.get_params(deep=False)
        self._built_with = self._network_settings()

    def _as_drawn(self):
        """Hold a new, untrained Keras network as arrays of its architecture's
        template (which its build made), as a fit that draws its weights
        holds them; False when it cannot (no template, or trained)."""
        model = self.__dict__.get("_keras_model")
        if model is None or model.optimizer.built:
            return model is None
        template = template_for(self._template_key(model.inputs[0].shape[-1], model.outputs[0].shape[-1]))
        if template is None:
            return False
        weights = NetworkWeights(template, [v.numpy() for v in model.variables], self.learning_rate_)
        self.__dict__.pop("_keras_model")
        self._network_weights = weights
        self._network_params = self.get_params(deep=False)
        return True

    def _template_key(self, n_inputs, n_outputs):
        """What a network built now would share with others of its
        architecture, as a string; None when a fit must build its own Keras
        model (a Python object among the hyperparameters, Keras' own loop or
        callbacks, checkpoints, the range test)."""
        output_activation, loss = self._output_and_loss(n_outputs)
        if not (self._draws_weights() and isinstance(loss, str) and isinstance(output_activation, str)):
            return None
        parts = [type(self).__name__, n_inputs, n_outputs, output_activation, loss, self._metric,
                 self._network_settings()]  # fmt: skip
        return json.dumps(parts, sort_keys=True)

    def _draws_weights(self):
        """Whether a new network of these hyperparameters can be drawn for
        its architecture's template (else a fit builds its own Keras model)."""
        return (
            self.engine != "keras"
            and not self.callbacks
            and self.checkpoint is None
            and self.learning_rate != "auto"
            and isinstance(self.kernel_initializer, str)
            and not schedules.is_keras_schedule(self._lr_schedule())
            and _OBJECT not in self._network_settings().values()
        )

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

    def _make_optimizer(self):
        if not isinstance(self.optimizer, str):  # a copy, with its own settings and rate
            optimizer = hyperparams.make_optimizer(self.optimizer, None, {})
            if self.learning_rate == "auto":
                optimizer.learning_rate = self.learning_rate_
            return optimizer
        learning_rate = self.learning_rate_
        if schedules.is_keras_schedule(self._lr_schedule()):  # stepped per batch
            schedule = self._lr_schedule()
            learning_rate = type(schedule).from_config(schedule.get_config())
        settings = {
            name: getattr(self, name)
            for name in (
                "momentum", "nesterov", "beta_1", "beta_2", "rho",
                "epsilon", "weight_decay", "clipnorm",
            )
        }  # fmt: skip
        return hyperparams.make_optimizer(self.optimizer, learning_rate, settings)

    def _has_linear_path(self):
        """Whether the network adds a linear map of its inputs to its output
        (the forecaster's ``linear_path``)."""
        return False

    def _start_output(self, X, y, y_model, sample_weight):
        """Start a new network's output at a simple model of the rows it
        trains on (not those ``validation_split`` holds out): the linear
        path at their ridge fit (see ``_start_linear_path``), or what the
        subclass starts from (a classifier: its classes' shares)."""
        X, y_model, sample_weight = self._training_part(y, X, y_model, sample_weight)
        if self._has_linear_path():
            self._start_linear_path(X, y_model, sample_weight)
        else:
            self._start_output_bias(y_model, sample_weight)

    def _start_output_bias(self, y_model, sample_weight):
        """Set the output layer's bias from the training rows (a hook: the
        regressors keep Keras' zeros)."""

    def _start_linear_path(self, X, y_model, sample_weight):
        """The linear path at the ridge fit of the rows, with the hidden
        layers' output at zero: training starts from the best linear model
        and the hidden layers learn what it misses."""
        choices = self._linear_start_choices(X.shape[1])
        fit = ridge_bic(
            X, y_model.reshape(len(y_model), -1), sample_weight, min_alpha=float(self.l2) * len(X),
            subsets=None if choices is None else [columns for _, columns in choices],
        )
        kernel, intercept, self.linear_alpha_ = fit[:3]
        if choices is not None:
            self._chose_linear_start(choices[fit[3]][0], self.linear_alpha_)
        if isinstance(self.loss, PinballLoss):  # a quantile's start: the ridge fit moved to its errors' quantile
            intercept = intercept + residual_quantile(X, y_model.reshape(len(y_model), -1), kernel, intercept,
                                                      sample_weight, self.loss.quantile)  # fmt: skip
        self._set_weight("linear_path/kernel", kernel)
        self._set_weight("output/kernel", np.zeros(self._weight_shape("output/kernel")))
        self._set_weight("output/bias", intercept)

    def _linear_start_choices(self, n_columns):
        """``[(label, columns), ...]``: the sets of input columns the linear
        start chooses from with its penalty (see :func:`skhyper.linear.ridge_bic`),
        smallest first; None: all of them (a hook)."""
        return None

    def _chose_linear_start(self, label, alpha):
        """Record the chosen set's label (a hook)."""

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


def draw_seeds(random_state):
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
