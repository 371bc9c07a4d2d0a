"""Each member's optimizer step in a stacked network, as Keras writes it.

A fused group's members (see :mod:`skhyper.fused`) may differ in their
optimizer's settings: momentum, Nesterov, rho, epsilon, the betas.  The
stack holds them as a ``[K, len(SETTINGS)]`` tensor (one row per member,
:func:`member_settings`) and :func:`apply` steps every member's variables
with its own values, as Keras' SGD, RMSprop and Adam step a model's.
"""

import numpy as np
import tensorflow as tf

__all__ = ["SETTINGS", "apply", "member_settings", "slot_names", "with_momentum"]

#: The optimizer settings members may differ in, one column each (the ``1 -``
#: ones computed in float64, as Keras computes them from its Python floats).
SETTINGS = ("momentum", "rho", "one_minus_rho", "epsilon", "beta_1", "one_minus_beta_1", "beta_2", "one_minus_beta_2")

#: The columns each kind of optimizer reads in its step.
_READS = {"sgd": ("momentum",), "rmsprop": ("rho", "one_minus_rho", "epsilon", "momentum"),
          "adam": ("one_minus_beta_1", "one_minus_beta_2", "epsilon")}  # fmt: skip


def _config(member):
    """The member's optimizer settings: those of its architecture's template."""
    return member.network.template.optimizer.get_config()


def with_momentum(members):
    """Whether any member's optimizer has momentum (then the stack keeps a
    momentum slot for all)."""
    return any(_config(m).get("momentum") for m in members)


def slot_names(kind, momentum):
    """The slots a stack of optimizers of ``kind`` keeps per variable."""
    return {"sgd": ("momentum",) if momentum else (),
            "rmsprop": ("velocity", "momentum") if momentum else ("velocity",),
            "adam": ("momentum", "velocity")}[kind]  # fmt: skip


def member_settings(members):
    """Per member: its optimizer settings (``SETTINGS``) and whether it has
    momentum and Nesterov, as arrays ``[K, len(SETTINGS)]`` and ``[K, 2]``."""
    rows, flags = [], []
    for member in members:
        c = _config(member)
        momentum, rho = float(c.get("momentum") or 0.0), float(c.get("rho", 0.0))
        beta_1, beta_2 = float(c.get("beta_1", 0.0)), float(c.get("beta_2", 0.0))
        rows.append([momentum, rho, 1 - rho, float(c.get("epsilon", 0.0)), beta_1, 1 - beta_1, beta_2, 1 - beta_2])
        flags.append([momentum > 0, bool(c.get("nesterov", False))])
    return np.asarray(rows, np.float32), np.asarray(flags, bool)


def apply(kind, variables, slots, iterations, grads, rates, live, settings, flags, masked):
    """One optimizer step per live member of the stacked ``variables`` (with
    their ``grads``; ``slots``: ``{(slot name, position): variable}``), as
    Keras writes it, with each member's own rate and settings (columns of
    ``settings``; ``flags``: has momentum, Nesterov).  ``masked=False`` when
    every member is live (the same values, without selecting the live ones)."""
    column = {name: settings[:, SETTINGS.index(name)] for name in _READS[kind]}
    shaped = {}  # (each member's values, shaped to broadcast over a variable of a rank), per rank

    def per_member(rank):
        if rank not in shaped:
            shape = [-1] + [1] * (rank - 1)
            values = {"lr": tf.reshape(rates, shape), "with_momentum": tf.reshape(flags[:, 0], shape)}
            values.update((name, tf.reshape(value, shape)) for name, value in column.items())
            if masked:
                values["keep"] = tf.reshape(live, shape)
            if kind == "sgd":
                values["nesterov"] = tf.reshape(flags[:, 1], shape)
            if kind == "adam":
                values["alpha"] = tf.reshape(alpha, shape)
            shaped[rank] = values
        return shaped[rank]

    if kind == "adam":
        local_step = tf.cast(iterations + 1, tf.float32)
        beta_1_power = tf.pow(settings[:, SETTINGS.index("beta_1")], local_step)
        beta_2_power = tf.pow(settings[:, SETTINGS.index("beta_2")], local_step)
        alpha = rates * tf.sqrt(1 - beta_2_power) / (1 - beta_1_power)
    for position, (variable, grad) in enumerate(zip(variables, grads)):
        per = per_member(len(variable.shape))
        lr, keep, with_momentum = per["lr"], per.get("keep"), per["with_momentum"]

        def where(new, old, keep=keep):
            return tf.where(keep, new, old) if masked else new

        if kind == "sgd":
            if ("momentum", position) in slots:
                m, momentum = slots[("momentum", position)], per["momentum"]
                new_m = m * momentum - grad * lr
                m.assign(tf.where(keep & with_momentum if masked else with_momentum, new_m, m))
                step = tf.where(per["nesterov"], new_m * momentum - grad * lr, new_m)
                # (A member without momentum steps as Keras' plain SGD does.)
                updated = tf.where(with_momentum, variable + step, variable - grad * lr)
                variable.assign(where(updated, variable))
            else:
                variable.assign(where(variable - grad * lr, variable))
        elif kind == "rmsprop":
            v = slots[("velocity", position)]
            new_v = per["rho"] * v + per["one_minus_rho"] * tf.square(grad)
            v.assign(where(new_v, v))
            increment = (lr * grad) / tf.sqrt(new_v + per["epsilon"])
            if ("momentum", position) in slots:
                m = slots[("momentum", position)]
                new_m = per["momentum"] * m + increment
                m.assign(tf.where(keep & with_momentum if masked else with_momentum, new_m, m))
                increment = tf.where(with_momentum, new_m, increment)
            variable.assign(where(variable - increment, variable))
        else:  # adam
            m, v = slots[("momentum", position)], slots[("velocity", position)]
            new_m = m + (grad - m) * per["one_minus_beta_1"]
            new_v = v + (tf.square(grad) - v) * per["one_minus_beta_2"]
            m.assign(where(new_m, m))
            v.assign(where(new_v, v))
            update = (new_m * per["alpha"]) / (tf.sqrt(new_v) + per["epsilon"])
            variable.assign(where(variable - update, variable))
    iterations.assign_add(tf.cast(live, tf.int64))
