"""The stacked network a fused group trains: its members' variables along a
leading axis, and the traced epoch that trains them all.

A :class:`Stack` is made for an architecture (layers, activations, which
layers have dropout, output, loss, kind of optimizer, whether it keeps a
momentum slot or adds penalties, whether members validate, the shuffling),
not for a group: its variables have an unknown leading axis (and input
width), assigned anew for each group it loads, and its traced epoch takes the
members' row counts and the batch size as tensors.  One trace thus serves
any number of members, fold sizes, input widths and batch sizes: the next
search's grid, the rounds of a halving search, the chunks of a large group.

The epoch is traced in variants, each the first time it is needed (one, in
most searches): whether every member steps in every step (then the update
skips selecting the live members' new values), whether the members' dropout
generators are at one state (then each dropout layer draws its noise once
for all) and whether they also share the dropout rates (then one
multiplier serves all).  The variants compute the same values; the simpler
ones have a smaller graph, which is quicker to trace and to run.

Each member computes what its own fit computes in the compiled loop (see
:mod:`skhyper.fused`).
"""

import math

import numpy as np
import tensorflow as tf

from . import _stack_optimizers as optimizers
from ._compat import flat_call, traced
from ._weights import _seed_states

__all__ = ["Stack", "n_targets"]


def n_targets(member):
    """The number of target columns the member trains on."""
    return member.y.shape[1] if member.y.ndim == 2 else 1


def penalized(members):
    """Whether any member has an L1/L2 penalty (then the stack adds every
    member's terms)."""
    return any(m.estimator.l1 or m.estimator.l2 for m in members)


class Stack:
    """The variables and traced epochs of an architecture's fused groups
    (``members``: the first group; ``trainer``: the compiled loop's trainer of
    its template, whose loss, metric and kind of optimizer the stack uses)."""

    def __init__(self, trainer, members, jit=False):
        template = members[0].network.template
        variables = list(template.variables)
        index = {id(v): i for i, v in enumerate(variables)}
        self.trainable = [index[id(v)] for v in template.trainable_variables]
        self.layers = _layers(template, index)
        self.loss_fn, self.metric_fn = trainer._loss, trainer._metric
        self.kind = type(trainer.optimizer).__name__.lower()
        # Members may differ in the optimizer's settings (per-member values,
        # see _stack_optimizers); a momentum slot is kept when any member has momentum.
        self.slot_names = optimizers.slot_names(self.kind, optimizers.with_momentum(members))
        self.n_dropout = sum(layer["kind"] == "dropout" for layer in self.layers)
        self.slot_paths = {i: variables[i].path.replace("/", "_") for i in self.trainable}
        # Members may differ in L1/L2 (each adds its own terms, as Keras' L1L2
        # regularizer adds them to every kernel; a member without adds zero).
        self.regularized = [index[id(layer.kernel)] for layer in template.layers
                            if penalized(members) and getattr(layer, "kernel", None) is not None]  # fmt: skip
        self.shuffle = bool(members[0].plan.shuffle)
        self.validating = members[0].plan.validation_data is not None
        self.n_targets = n_targets(members[0])
        seed_ids = {id(v) for v in _seed_states(template)}
        self.weight_indices = [i for i, v in enumerate(variables) if id(v) not in seed_ids]
        self.seed_states = [layer["state"] for layer in self.layers if layer["kind"] == "dropout"]
        # For any number of members; the kernels the inputs meet, for any input width.
        inputs_kernels = {next(layer["kernel"] for layer in self.layers if layer["kind"] == "dense")}
        inputs_kernels.update(layer["kernel"] for layer in self.layers if layer["kind"] == "add_linear_path")
        self.vars = []
        for i, variable in enumerate(variables):
            shape = [None, *variable.shape]
            if i in inputs_kernels:
                shape[1] = None
            empty = np.zeros([d or 0 for d in shape], variable.dtype)
            self.vars.append(tf.Variable(empty, shape=tf.TensorShape(shape)))
        self.slots = {(name, position): tf.Variable(tf.zeros([d or 0 for d in self.vars[i].shape], tf.float32),
                                                    shape=self.vars[i].shape)
                      for name in self.slot_names for position, i in enumerate(self.trainable)}  # fmt: skip
        self.iterations = tf.Variable(tf.zeros([0], tf.int64), shape=tf.TensorShape([None]))
        spec = tf.TensorSpec
        self._signature = [spec([], tf.int64), spec([None], tf.float32), spec([None], tf.bool),
                           spec([None, None], tf.float32), spec([None, self.n_targets], tf.float32),
                           spec([None], tf.float32), spec([None], tf.int64), spec([None], tf.int64),
                           spec([None], tf.float32), spec([None], tf.float32),
                           spec([None, len(optimizers.SETTINGS)], tf.float32), spec([None, 2], tf.bool),
                           spec([None, self.n_dropout], tf.float32), spec([None, self.n_dropout], tf.float32),
                           spec([None], tf.int64), spec([], tf.int64)]  # fmt: skip
        self._validation_signature = [spec([None, None], tf.float32), spec([None, self.n_targets], tf.float32),
                                      spec([None], tf.float32), spec([None, None], tf.int64),
                                      spec([None], tf.float32), spec([None], tf.float32)]  # fmt: skip
        self.jit, self._epochs, self._ran, self._validate = jit, {}, False, None
        self.members = self.data = self.validation = self._snapshot = None
        self._nbytes = 0

    # ------------------------------------------------------------- state in

    def load(self, members):
        """Start from these members' weights, a new optimizer each, their rows."""
        self.members, self.K = members, len(members)
        stacked = [np.stack([m.network.values[i] for m in members]) for i in range(len(self.vars))]
        for variable, value in zip(self.vars, stacked):
            variable.assign(value)
        for (_, position), slot in self.slots.items():
            slot.assign(np.zeros(stacked[self.trainable[position]].shape, np.float32))
        self.iterations.assign(np.zeros(self.K, np.int64))
        self._nbytes = sum(v.nbytes for v in stacked) + sum(stacked[self.trainable[p]].nbytes for _, p in self.slots)
        # Rows: each distinct set of rows once (members of one fold share
        # theirs, see Member.share_rows), one after another; each member's
        # offset is where its own start.
        starts, distinct, offsets, stored = {}, [], [], 0
        for m in members:
            key = (id(m.X), id(m.y), id(m.weights))
            if key not in starts:
                starts[key], stored = stored, stored + len(m.X)
                distinct.append((m.X, m.y.reshape(len(m.y), -1), m.weights))
            offsets.append(starts[key])
        self.sizes = [len(m.X) for m in members]
        self.batch_size = members[0].plan.batch_size
        batches = [min(self.batch_size, n) for n in self.sizes]
        steps = [math.ceil(n / b) for n, b in zip(self.sizes, batches)]
        self.steps = max(steps)
        self._same_steps = len(set(steps)) == 1
        settings, flags = optimizers.member_settings(members)
        drop, scale = _dropout_rates(members)
        self.data = (
            tf.constant(np.concatenate([X for X, _, _ in distinct]).astype(np.float32)),
            tf.constant(np.concatenate([y for _, y, _ in distinct]).astype(np.float32)),
            tf.constant(np.concatenate([w for _, _, w in distinct])),
            tf.constant(offsets, tf.int64),
            tf.constant([m.plan.shuffle_seed for m in members], tf.int64),
            tf.constant([np.float32(m.estimator.l1) for m in members]),
            tf.constant([np.float32(m.estimator.l2) for m in members]),
            tf.constant(settings),
            tf.constant(flags),
            tf.constant(drop.astype(np.float32)),
            tf.constant(scale.astype(np.float32)),
            tf.constant(self.sizes, tf.int64),
            tf.constant(self.batch_size, tf.int64),
        )
        # Members whose dropout generators are at one state (a grid with one
        # random_state: every candidate and fold) draw the same noise; they
        # stay at one state while they all step together.
        self._one_state = self.n_dropout > 0 and all((stacked[i] == stacked[i][0]).all() for i in self.seed_states)
        self._one_rate = self.n_dropout > 0 and bool((drop == drop[0]).all())
        # Each member's optimizer state as its own Keras optimizer holds it
        # (by name: the optimizer's own name prefixes the paths).
        self.optimizer_layouts = [_optimizer_layout(m) for m in members]
        self._snapshot = None
        if self.validating:
            parts = [m.plan.validation_data for m in members]
            sizes = [len(part[0]) for part in parts]
            starts = np.cumsum([0] + sizes)[:-1]
            rows = -np.ones((len(members), max(sizes)), np.int64)
            for k, (start, n) in enumerate(zip(starts, sizes)):
                rows[k, :n] = np.arange(start, start + n)
            self.validation = (
                tf.constant(np.concatenate([part[0] for part in parts]).astype(np.float32)),
                tf.constant(np.concatenate([np.asarray(part[1]).reshape(len(part[1]), -1) for part in parts]).astype(np.float32)),
                tf.constant(np.concatenate([part[2] if len(part) > 2 else np.ones(len(part[0])) for part in parts]).astype(np.float32)),
                tf.constant(rows),
                self.data[5],
                self.data[6],
            )

    def release(self):
        """Let go of the members and their rows after training (the
        variables and the traced epochs stay, for the next group)."""
        self.members = self.data = self.validation = self._snapshot = None

    def nbytes(self):
        """The bytes of the stack's variables: weights and optimizer slots."""
        return self._nbytes

    # ------------------------------------------------------------ training

    def run_epoch(self, epoch, rates, active):
        self._snapshot = None
        # (Every member steps in every step when all are active and have as
        # many batches; otherwise their dropout generators may part.)
        masked = not (self._same_steps and bool(np.all(active)))
        self._one_state = self._one_state and not masked
        one_noise = self._one_state and not self.jit  # (XLA compiles the step for one shape of noise)
        variant = (masked, one_noise, one_noise and self._one_rate)
        if len(self.sizes) == 1 and variant not in self._epochs and self._epochs:
            variant = next(iter(self._epochs))  # (a member alone: every variant steps it as its own fit)
        arguments = (tf.constant(epoch, tf.int64), tf.constant(rates), tf.constant(active), *self.data)
        try:
            losses, scores = self._epoch(variant)(*arguments)
        except tf.errors.OpError:
            if self._ran or not self.jit:
                raise
            # A step XLA cannot compile (an operation it has no kernel for):
            # the step as TensorFlow runs it, from the members' starting state.
            self.jit, self._epochs = False, {}
            self.load(self.members)
            return self.run_epoch(epoch, rates, active)
        self._ran = True
        return losses.numpy(), scores.numpy()

    def traced(self):
        """Whether an epoch is traced: a member alone can run any variant (it
        steps in every step, and its dropout noise is its own state's)."""
        return bool(self._epochs)

    def _epoch(self, variant):
        """The traced epoch of ``variant`` (traced the first time it is asked for)."""
        function = self._epochs.get(variant)
        if function is None:
            self._variant = variant
            # The gradient step compiled by XLA when ``jit``: the step's
            # hundreds of small operations on ``[K, ...]`` tensors (forward,
            # loss, backward, each member's optimizer update) become a few
            # fused loops, about a third less time per epoch on 2 cores, at the
            # cost of compiling (see ``fused.XLA_MEMBER_STEPS``).  The rows,
            # the shuffles and the dropout noise are drawn outside it by
            # TensorFlow's own kernels, as a member's own fit draws them.
            self._step = traced(self._train_step, jit_compile=True) if self.jit else self._train_step
            # Called as a concrete function on TensorFlow's flat path (as the
            # compiled loop's), which skips binding the arguments to the signature.
            function = flat_call(traced(self._run, input_signature=self._signature).get_concrete_function())
            self._epochs[variant] = function
        return function

    def validate(self):
        """Each member's loss, metric and per-output squared errors on its
        validation rows, as the compiled loop's ``evaluate`` computes them."""
        if self._validate is None:
            concrete = traced(self._evaluate, input_signature=self._validation_signature).get_concrete_function()
            self._validate = flat_call(concrete)
        return [value.numpy() for value in self._validate(*self.validation)]

    def member_weights(self, k):
        """Member ``k``'s layer weights now (no dropout seed states)."""
        if self._snapshot is None:
            self._snapshot = [variable.numpy() for variable in self.vars]
        return [self._snapshot[i][k] for i in self.weight_indices]

    # ----------------------------------------------------------- the traced epoch

    def _orders(self, epoch, offsets, seeds, sizes, batch_size):
        """Each member's rows in this epoch's order (rows of the stacked
        data, its own from ``offsets``), cut into its batches and padded
        with -1: ``[K, steps, width]``.

        Each member's order is its own fit's: the stable argsort of its
        stateless uniform draw (drawn here at the longest member's length:
        a draw's first values are those of a shorter draw, and the keys past
        a member's own rows sort last)."""
        b = tf.minimum(batch_size, sizes)
        steps = tf.reduce_max((sizes + b - 1) // b)
        width = tf.reduce_max(b)
        longest = tf.reduce_max(sizes)
        positions = tf.range(longest)[None, :]
        if self.shuffle:
            keys = tf.map_fn(
                lambda seed: tf.random.stateless_uniform(tf.reshape(longest, [1]), seed=tf.stack([seed, epoch])),
                seeds,
                fn_output_signature=tf.TensorSpec([None], tf.float32),
            )
            keys = tf.where(positions < sizes[:, None], keys, 2.0)
            orders = tf.cast(tf.argsort(keys, axis=-1, stable=True), tf.int64)
        else:
            orders = tf.tile(positions, [tf.shape(sizes)[0], 1])
        step, column = tf.range(steps)[None, :, None], tf.range(width)[None, None, :]
        at = step * b[:, None, None] + column
        valid = tf.logical_and(column < b[:, None, None], at < sizes[:, None, None])
        picked = tf.gather(orders, tf.reshape(tf.minimum(at, longest - 1), [tf.shape(sizes)[0], -1]), batch_dims=1)
        return tf.where(valid, tf.reshape(picked, tf.shape(at)) + offsets[:, None, None], -1)

    def _run(self, epoch, rates, active, X_all, y_all, w_all, offsets, seeds, l1, l2, settings, flags, drop, scale,
             sizes, batch_size):  # fmt: skip
        rows = self._orders(epoch, offsets, seeds, sizes, batch_size)
        steps = tf.shape(rows)[1]
        dropouts = [layer for layer in self.layers if layer["kind"] == "dropout"]

        def step_once(step, loss_sum, metric_sum):
            batch_rows = rows[:, step]
            mask = batch_rows >= 0
            counts = tf.reduce_sum(tf.cast(mask, tf.int32), axis=1)
            live = tf.logical_and(active, counts > 0)
            safe = tf.maximum(batch_rows, 0)
            X, y, w = tf.gather(X_all, safe), tf.gather(y_all, safe), tf.gather(w_all, safe)
            noise = [self._dropout_noise(layer, live, tf.shape(X)[1]) for layer in dropouts]
            losses, metric = self._step(X, y, w, tf.cast(mask, tf.float32), counts, live, noise, rates, l1, l2, settings, flags,
                                        drop, scale)  # fmt: skip
            loss_sum += tf.where(live, losses * tf.cast(counts, tf.float32), 0.0)
            metric_sum += tf.where(live, metric, 0.0)
            return step + 1, loss_sum, metric_sum

        zeros = tf.zeros_like(rates)
        _, loss_sum, metric_sum = tf.while_loop(lambda step, *_: step < steps, step_once, [tf.constant(0), zeros, zeros])
        n = tf.cast(sizes, tf.float32)
        return loss_sum / n, metric_sum / n

    def _train_step(self, X, y, w, maskf, counts, live, noise, rates, l1, l2, settings, flags, drop, scale):
        """One gradient step of every live member on its batch (``X``:
        ``[K, width, n_inputs]``, padding rows masked out by ``maskf``), with
        its dropout ``noise`` drawn: each member's loss and metric sum."""
        trainable = [self.vars[i] for i in self.trainable]
        with tf.GradientTape() as tape:
            predicted = self._forward(X, live, dropout=(drop, scale, noise))
            per_row = self._per_row_loss(y, predicted)
            n = tf.cast(tf.maximum(counts, 1), tf.float32)
            losses = tf.reduce_sum(per_row * w * maskf, axis=1) / n
            if self.regularized:
                losses += self._penalties(l1, l2)
            total = tf.reduce_sum(tf.where(live, losses, 0.0))
        grads = tape.gradient(total, trainable)
        def update(masked):
            optimizers.apply(self.kind, trainable, self.slots, self.iterations, grads, rates, live, settings, flags,
                             masked=masked)  # fmt: skip
            return tf.constant(True)  # (a value for tf.cond)

        if self._variant[0]:  # (some members sit some steps out: in the others, every member steps)
            tf.cond(tf.reduce_all(live), lambda: update(False), lambda: update(True))
        else:
            update(False)
        metric = tf.reshape(self.metric_fn(_flat(y), _flat_output(predicted)), tf.shape(maskf))
        return losses, tf.reduce_sum(metric * maskf, axis=1)

    def _evaluate(self, X_all, y_all, w_all, rows, l1, l2):
        mask = rows >= 0
        maskf = tf.cast(mask, tf.float32)
        safe = tf.maximum(rows, 0)
        X, y, w = tf.gather(X_all, safe), tf.gather(y_all, safe), tf.gather(w_all, safe)
        predicted = self._forward(X, None, training=False)
        n = tf.maximum(tf.reduce_sum(maskf, axis=1), 1.0)
        losses = tf.reduce_sum(self._per_row_loss(y, predicted) * w * maskf, axis=1) / n
        if self.regularized:
            losses += self._penalties(l1, l2)
        metric = tf.reshape(self.metric_fn(_flat(y), _flat_output(predicted)), tf.shape(maskf))
        squared_errors = tf.reduce_sum(tf.square(y - predicted) * maskf[:, :, None], axis=1)  # per output, for R²
        return losses, tf.reduce_sum(metric * maskf, axis=1) / n, squared_errors

    def _forward(self, X, live, training=True, dropout=None):
        h = X
        position = 0
        for layer in self.layers:
            kind = layer["kind"]
            if kind == "dense":
                h = tf.matmul(h, self.vars[layer["kernel"]])
                if layer["bias"] is not None:
                    h = h + tf.expand_dims(self.vars[layer["bias"]], 1)  # (a reshape: no strided-slice gradient)
                if layer["activation"] is not None:
                    h = layer["activation"](h)
            elif kind == "dropout":
                if training:
                    h = h * self._dropout_multiplier(dropout[0][:, position], dropout[1][:, position], dropout[2][position])
                position += 1
            elif kind == "add_linear_path":
                h = h + tf.matmul(X, self.vars[layer["kernel"]])
            else:  # activation
                h = layer["activation"](h)
        return h

    def _dropout_multiplier(self, rate, scale, noise):
        """What a dropout layer multiplies its input by: each member's
        ``scale`` (1 / (1 - rate), as TensorFlow's dropout computes it) where
        its noise keeps the unit, else 0.  The same values as TensorFlow's
        ``where(keep, x * scale, 0)``, and the same gradient, in one
        multiplication each way; one multiplier for all the members when they
        share the noise and the rate (``[1, width, units]``, broadcast)."""
        if self._variant[2]:
            return tf.where(noise >= rate[0], scale[0], 0.0)
        return tf.where(noise >= rate[:, None, None], scale[:, None, None], 0.0)

    def _dropout_noise(self, layer, live, width):
        """Each member's uniform noise for a dropout layer's mask, drawn as
        Keras' Dropout draws it from that member's seed generator (then
        stepped for the live members): a stateless uniform draw per member
        (mapped: one op in the graph however many there are; a member's
        short last batch uses the first rows of the full draw, which are what
        a draw of its own size gives)."""
        state = self.vars[layer["state"]]
        seeds = tf.cast(tf.math.floormod(state, tf.int32.max - 1), tf.int32)
        shape = [width, layer["units"]]
        step = tf.cast(live, state.dtype)
        if self._variant[1]:  # one state for all: one draw, broadcast over the members
            noise = tf.random.stateless_uniform(shape, seed=seeds[0])[None]
        else:
            # Members whose generators are at the same state draw the same
            # numbers: each distinct state is drawn once.
            distinct, which = tf.raw_ops.UniqueV2(x=seeds, axis=tf.constant([0], tf.int64))
            noise = tf.map_fn(lambda seed: tf.random.stateless_uniform(shape, seed=seed), distinct, fn_output_signature=tf.float32)
            noise = tf.gather(noise, which)
        state.assign_add(tf.stack([tf.zeros_like(step), step], axis=1))
        return noise

    def _per_row_loss(self, y, predicted):
        values = self.loss_fn(_flat(y), _flat_output(predicted))
        if values.shape.rank > 1:
            values = tf.reduce_mean(values, axis=list(range(1, values.shape.rank)))
        return tf.reshape(values, tf.shape(y)[:2])

    def _penalties(self, l1, l2):
        """Each member's L1/L2 terms, as Keras' L1L2 adds them per kernel."""
        terms = []
        for i in self.regularized:
            kernel = self.vars[i]
            terms.append(l1 * tf.reduce_sum(tf.abs(kernel), axis=[1, 2]) + l2 * tf.reduce_sum(tf.square(kernel), axis=[1, 2]))
        return tf.add_n(terms)

    # ------------------------------------------------------------ state out

    def store(self, rates):
        """Give each member's NetworkWeights its trained weights and the
        state a Keras optimizer of its own would hold."""
        values = [variable.numpy() for variable in self.vars]
        slots = {(name, self.trainable[position]): variable.numpy() for (name, position), variable in self.slots.items()}
        iterations = self.iterations.numpy()
        by_name = {f"{self.slot_paths[i]}_{name}": (name, i) for (name, i) in slots}
        for k, member in enumerate(self.members):
            member.network.values = [value[k] for value in values]
            state = []
            for path, dtype, shape in self.optimizer_layouts[k]:
                if path == "iteration":
                    state.append(np.asarray(iterations[k], dtype=dtype))
                elif path == "learning_rate":
                    state.append(np.asarray(rates[k], dtype=dtype))
                else:
                    state.append(slots[by_name[path]][k].astype(dtype).reshape(shape))
            member.network.optimizer_values = state
            member.network.rate = float(rates[k])


def _dropout_rates(members):
    """Each member's dropout rates, one column per dropout layer, and their
    scales (1 / (1 - rate), as TensorFlow's dropout computes it: in float64,
    then float32)."""
    import keras

    rates = [[float(layer.rate) for layer in m.network.template.layers if isinstance(layer, keras.layers.Dropout)]
             for m in members]  # fmt: skip
    rates = np.asarray(rates, np.float64).reshape(len(members), -1)
    return rates, 1 / (1 - rates)


def _optimizer_layout(member):
    """``(name, dtype, shape)`` of each variable the member's own Keras
    optimizer holds, in order."""
    from ._compiled import trainer_for

    trainer = trainer_for(member.network.template, member.plan.metric, n_targets(member), template=True)
    return [(v.name, v.dtype, tuple(v.shape)) for v in trainer.optimizer.variables]


def _flat(t):
    return tf.reshape(t, tf.concat([[-1], tf.shape(t)[2:]], 0))


def _flat_output(predicted):
    """The members' outputs as one batch of rows; marked with their logits, as
    Keras' softmax and sigmoid mark theirs (its cross-entropies compute the
    loss from them, and the accuracy of a softmax is theirs: see
    ``_compiled._make_metric``), as the member's own fit computes them."""
    flat = _flat(predicted)
    if hasattr(predicted, "_keras_logits"):
        flat._keras_logits = _flat(predicted._keras_logits)
    return flat


def _layers(model, index):
    """The template's layers in order, as the stacked forward pass runs them
    (variables by their position in ``model.variables``)."""
    import keras

    layers, units = [], model.input_shape[-1]
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.layers.Dense) and layer.name == "linear_path":
            continue  # (applied to the inputs where it is added: see Add below)
        if isinstance(layer, keras.layers.Dense):
            units = layer.units
            activation = None if layer.activation is keras.activations.linear else layer.activation
            layers.append({"kind": "dense", "kernel": index[id(layer.kernel)],
                           "bias": index[id(layer.bias)] if layer.use_bias else None, "activation": activation})  # fmt: skip
        elif isinstance(layer, keras.layers.Dropout):
            layers.append({"kind": "dropout", "state": index[id(layer.seed_generator.state)], "units": units})  # rates: per member
        elif isinstance(layer, keras.layers.Activation):
            layers.append({"kind": "activation", "activation": layer.activation})
        elif isinstance(layer, keras.layers.Add) and layer.name == "hidden_plus_linear":
            # A forecaster's linear path: the inputs' linear map added to the output.
            layers.append({"kind": "add_linear_path", "kernel": index[id(model.get_layer("linear_path").kernel)]})
        else:
            raise ValueError(f"a {type(layer).__name__} layer cannot be fused")
    return layers
