"""A fitted network in the safe format: described in ``skhyper.json``,
its numbers in ``network.bin``; read back into a network built again from
the estimator's parameters.

:func:`network_of` gives what ``save`` writes; :func:`load_network` builds
the estimator's network as ``fit`` does and reads the file's numbers into
it, after checking that the description agrees with the fitted state and
that the network the parameters build is no larger than the bytes the file
holds.  Errors are ``ValueError``s; :mod:`skhyper.persistence` adds the
file's path.
"""

import math
import re

import numpy as np

from ._plain import show as _show

__all__ = ["load_network", "network_of"]


def network_of(estimator):
    """The network's description for ``skhyper.json`` and its arrays in order."""
    from ._weights import NetworkWeights
    from .hyperparams import current_rate

    model = estimator._network()
    if isinstance(model, NetworkWeights):  # a Keras model of it, which the estimator does not keep
        model = estimator._keras_model_of(model)
    optimizer = model.optimizer.variables if model.optimizer.built else []
    values = [v.numpy() for v in [*model.variables, *optimizer]]
    description = {
        "inputs": int(model.inputs[0].shape[-1]),
        "outputs": int(model.outputs[0].shape[-1]),
        "rate": current_rate(model.optimizer),
        "variables": _listing(model.variables, values),
        "optimizer": _listing(optimizer, values[len(model.variables) :]) if optimizer else None,
    }
    return description, values


def _listing(variables, values):
    return [[_path(v), list(np.shape(value)), np.asarray(value).dtype.name] for v, value in zip(variables, values)]


def _path(variable):
    """The variable's path, without the process-wide counter Keras adds to
    the name of each dropout layer's seed generator after the first, and to
    a variable created without a name (Nadam's ``_u_product``: ``variable_7``)."""
    return _uncounted(variable.path)


def _uncounted(path):
    path = re.sub(r"^seed_generator_\d+/", "seed_generator/", path)
    return re.sub(r"(^|/)variable_\d+$", r"\1variable", path)


def load_network(estimator, described, member, n_bytes):
    """Build the estimator's network from its parameters and read the
    file's numbers into it."""
    inputs, outputs, rate = _check_description(estimator, described)
    if 2 * (len(estimator._hidden_sizes()) + 1) > len(described["variables"]):
        raise ValueError("its parameters describe more layers than its network lists variables.")
    largest = 4 * _parameter_count(estimator, inputs, outputs)
    if largest > n_bytes:  # a file cannot make load build a network it does not hold the weights of
        raise ValueError(
            f"its parameters describe a network of {largest} bytes of weights; network.bin"
            f" holds {n_bytes}: a damaged or hostile file."
        )
    estimator.learning_rate_, fitted_rate = rate, estimator.learning_rate_
    try:
        model = estimator._build_model(inputs, outputs)
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"its network cannot be built from its parameters: {error}") from None
    finally:
        estimator.learning_rate_ = fitted_rate
    _check_listing("variables", described["variables"], model.variables)
    optimizer_listing = described["optimizer"]
    if optimizer_listing is not None:
        model.optimizer.build(model.trainable_variables)
        _check_listing("optimizer variables", optimizer_listing, model.optimizer.variables)
    variables = list(model.variables) + (list(model.optimizer.variables) if optimizer_listing is not None else [])
    if sum(_n_bytes(v) for v in variables) != n_bytes:
        raise ValueError(f"network.bin holds {n_bytes} bytes; the variables it lists take {sum(_n_bytes(v) for v in variables)}.")
    for variable in variables:
        dtype = np.dtype(variable.dtype).newbyteorder("<")
        value = np.frombuffer(member.read_exactly(_n_bytes(variable)), dtype=dtype).reshape(tuple(variable.shape))
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            raise ValueError(f"the network's {variable.path} holds NaN or infinite values: a damaged file.")
        variable.assign(value)
    if optimizer_listing is not None:
        _check_optimizer_state(model.optimizer, rate)
    estimator.model_ = model


#: The endings of Keras' optimizer variables that hold running sums or
#: averages of squared gradients (or their largest values): Adam's, AdamW's,
#: Nadam's and RMSprop's velocity, AMSGrad's velocity_hat, Adagrad's and
#: Ftrl's accumulator, Adadelta's accumulated_grad and
#: accumulated_delta_var, Adamax's norm.
_SQUARES = ("_velocity", "_velocity_hat", "_accumulator", "_accumulated_grad", "_accumulated_delta_var", "_norm")


def _check_optimizer_state(optimizer, rate):
    """The optimizer's step count a count, and its rate the file's ``rate``
    (which saving takes from it): a continued fit starts from these."""
    from .hyperparams import current_rate

    if int(optimizer.iterations.numpy()) < 0:
        raise ValueError(f"its optimizer has taken {int(optimizer.iterations.numpy())} steps: a damaged file.")
    for variable in optimizer.variables:  # running sums of squares (Adam's, RMSprop's velocity...) are never negative
        if variable.path.endswith(_SQUARES) and (np.asarray(variable.numpy()) < 0).any():
            raise ValueError(f"its optimizer's {variable.path} holds negative values, where a fit keeps sums of"
                             " squares: a damaged file.")  # fmt: skip
    current = float(current_rate(optimizer))
    if not np.isclose(current, float(rate), rtol=1e-5, atol=0.0):
        raise ValueError(f"its optimizer's learning rate is {current:g} where the file's rate is {float(rate):g}:"
                         " a damaged file.")  # fmt: skip


def _check_description(estimator, described):
    keys = {"inputs", "outputs", "rate", "variables", "optimizer"}
    if not (isinstance(described, dict) and set(described) == keys):
        raise ValueError(f"damaged skhyper file: the network's description must hold {sorted(keys)}.")
    inputs, outputs, rate = described["inputs"], described["outputs"], described["rate"]
    if not all(type(n) is int and 1 <= n < 2**24 for n in (inputs, outputs)):
        raise ValueError("damaged skhyper file: the network's inputs and outputs must be counts.")
    if not (type(rate) in (int, float) and math.isfinite(rate) and rate >= 0):  # (a cosine schedule ends at 0)
        raise ValueError("damaged skhyper file: the network's rate must be a number >= 0.")
    for name in ("variables", "optimizer"):
        listing = described[name]
        if listing is None and name == "optimizer":
            continue
        if not (isinstance(listing, list) and len(listing) <= 4096 and all(_listed(entry) for entry in listing)):
            raise ValueError(f"damaged skhyper file: the network's {name} must be [path, shape, dtype] entries.")
    expected = _expected_outputs(estimator)
    if expected != outputs:
        raise ValueError(f"its fitted state calls for a network of {expected} outputs; the file's has {outputs}.")
    if type(estimator).__name__ == "KerasMLPRegressor" and estimator.n_outputs_ != outputs:  # as fit sets it
        raise ValueError(f"n_outputs_={estimator.n_outputs_}, but its network has {outputs} outputs.")
    if type(estimator).__name__ != "WindowForecaster" and inputs != estimator.n_features_in_:
        raise ValueError(f"n_features_in_={estimator.n_features_in_}, but its network takes {inputs} inputs.")
    return inputs, outputs, float(rate)


def _listed(entry):
    return (
        isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str) and isinstance(entry[2], str)
        and isinstance(entry[1], list) and len(entry[1]) <= 4 and all(type(n) is int and 0 <= n < 2**31 for n in entry[1])
    )  # fmt: skip


def _expected_outputs(estimator):
    """The outputs the fitted state calls for."""
    if type(estimator).__name__ == "KerasMLPClassifier":
        if estimator._target_type() in ("multilabel-indicator", "multiclass-onehot"):
            return estimator.n_classes_
        return estimator._n_model_outputs(np.zeros(1))
    if type(estimator).__name__ == "WindowForecaster":  # every step of the horizon, each target column
        return estimator.horizon * estimator._n_targets()
    tail = estimator.target_encoder_._y_shape[1:]
    return int(np.prod(tail)) if tail else 1


def _parameter_count(estimator, inputs, outputs):
    sizes = [inputs, *estimator._hidden_sizes(), outputs]
    count = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    return count + (inputs * outputs if estimator._has_linear_path() else 0)


def _check_listing(name, listing, variables):
    actual = [[_path(v), list(v.shape), np.dtype(v.dtype).name] for v in variables]
    if isinstance(listing, list):  # (files written before the unnamed variables' counter was dropped)
        listing = [[_uncounted(e[0]), *e[1:]] if isinstance(e, list) and e and isinstance(e[0], str) else e for e in listing]
    if listing != actual:
        wrong = next((i for i, (a, b) in enumerate(zip(listing, actual)) if a != b), min(len(listing), len(actual)))
        theirs = listing[wrong] if wrong < len(listing) else "nothing"
        ours = actual[wrong] if wrong < len(actual) else "nothing"
        raise ValueError(
            f"its network's {name} are not those its parameters build: entry {wrong} is"
            f" {_show(theirs)} in the file, {_show(ours)} in the network built."
        )


def _n_bytes(variable):
    return int(np.prod(tuple(variable.shape), dtype=np.int64)) * np.dtype(variable.dtype).itemsize
