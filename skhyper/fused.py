"""Many fits of one architecture trained together, as one stacked network.

A search's candidates and folds train copies of one architecture on slices of
the same data.  Here K such fits ("members") are one network whose weights
have a leading member axis (kernels ``[K, n_in, n_out]``, batched matrix
products): one traced call per epoch trains all K, so the per-step cost of
TensorFlow is paid once, not K times (PyTorch's ``torch.func`` model
ensembling and JAX's ``vmap`` do the same).

Each member computes what its own fit computes in the compiled loop
(:mod:`skhyper._compiled`): its rows, its shuffles (the same stateless
draws), its dropout masks (the same seeds, drawn at its own batch sizes),
its loss and penalties, and its optimizer's update written out as Keras
writes it (SGD with momentum or Nesterov, RMSprop, Adam), with its own
learning rate and schedule.  Members may differ in rows, initial weights,
seeds, learning rate and schedule, L1/L2 strengths, sample and class weights,
epochs and early stopping (each evaluates its own validation rows every
epoch, as the compiled loop does; one that is done stops changing and gets
its best weights back), the optimizer's settings (momentum, Nesterov, rho,
epsilon, the betas) and the dropout rates; the kind of optimizer comes from
the group's trainer.
The groups :mod:`skhyper.model_selection` forms share the architecture
(layers, activation, which layers have dropout, a forecaster's linear path,
output, loss, kind of optimizer), the batch size and the shuffling.  What a
fit does around its training (a forecaster keeping its linear start unless
its network beat it) is the estimator's own, before and after
:func:`train_members` (``_before_training`` / ``_after_training``).

:func:`fusable` says whether a fit can join a group; :func:`train_members`
trains prepared members and returns their histories.
"""

import math
import threading
from collections import OrderedDict

import numpy as np
import tensorflow as tf

from ._compat import flat_call, traced
from ._weights import _seed_states

__all__ = ["fusable", "supported_optimizer", "train_members"]

_OPTIMIZERS = ("sgd", "rmsprop", "adam")


def fusable(estimator):
    """Whether a fit of ``estimator`` can train in a fused group (else it
    is fitted on its own, with the same result)."""
    return (
        estimator.optimizer in _OPTIMIZERS
        and not estimator.warm_start
        and not estimator.verbose  # (the compiled loop prints each epoch)
        and not estimator.weight_decay
        and estimator.clipnorm is None
        and (estimator.lr_schedule is None or isinstance(estimator.lr_schedule, str))
        and estimator._draws_weights()  # (Keras' loop, callbacks, objects, "auto": their own model)
    )


def supported_optimizer(config):
    """Whether the fused update writes out this Keras optimizer's step."""
    return not any(config.get(name) for name in (
        "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "centered",
        "amsgrad", "loss_scale_factor", "gradient_accumulation_steps"))  # fmt: skip


class Member:
    """One prepared fit: its estimator (network drawn, output started), its
    training rows and its plan."""

    def __init__(self, estimator, X, y_model, sample_weight, plan):
        self.estimator, self.X, self.y, self.plan = estimator, X, y_model, plan
        self.weights = np.ones(len(X), np.float32) if sample_weight is None else np.asarray(sample_weight, np.float32)
        self.network = estimator._network()

    def share_rows(self, seen):
        """Take the arrays of earlier members (fits on the same fold: ``seen``,
        their distinct rows, targets and weights, which this member's join)
        that hold the same values as this member's: the stack stores rows
        that members share once (seed 003's 24 fits: 3 folds' rows, not 24
        copies)."""
        for name in ("X", "y", "weights"):
            mine, earlier = getattr(self, name), seen.setdefault(name, [])
            same = next((a for a in earlier if a.dtype == mine.dtype and np.array_equal(a, mine)), None)
            if same is None:
                earlier.append(mine)
            else:
                setattr(self, name, same)


def train_members(members):
    """Train prepared ``members`` (one group) together; return one history
    per member, as the compiled loop logs it."""
    from ._compiled import _EarlyStopping, trainer_for
    from .engine import r2_from_errors
    from .schedules import next_rate

    first = members[0]
    template = first.network.template
    n_targets = first.y.shape[1] if first.y.ndim == 2 else 1
    trainer = trainer_for(template, first.plan.metric, n_targets, template=True)
    stack = _stack_for(trainer, members)
    stack.load(members)
    rates = [m.network.rate for m in members]
    previous = [m.plan.previous_loss for m in members]
    histories = [{} for _ in members]
    last = max(m.plan.epochs for m in members)
    stopped = np.zeros(len(members), bool)  # a non-finite loss or early stopping ends a fit
    # Early stopping as the compiled loop's: the starting weights are the
    # first candidate, the best weights come back at the end.
    stoppers = [_EarlyStopping(**m.plan.early_stopping) if m.plan.early_stopping else None for m in members]
    if stack.validating and any(stoppers):
        val_losses, _, _ = stack.validate()
        for k, stopper in enumerate(stoppers):
            if stopper is not None and members[k].plan.start_is_candidate:
                stopper.start(float(val_losses[k]), _MemberView(stack, k))
    for epoch in range(last):
        active = np.array([epoch < m.plan.epochs for m in members]) & ~stopped
        if not active.any():
            break
        for k, member in enumerate(members):
            if active[k] and member.plan.schedule is not None:
                rates[k] = next_rate(member.plan.schedule, epoch, rates[k], previous[k])
        losses, scores = stack.run_epoch(epoch, np.asarray(rates, np.float32), active)
        if stack.validating:
            val_losses, val_scores, squared_errors = stack.validate()
        for k, member in enumerate(members):
            if not active[k]:
                continue
            metric = member.plan.metric
            logs = {"learning_rate": float(np.float32(rates[k])), "loss": float(losses[k]), metric: float(scores[k])}
            if stack.validating:
                logs.update({"val_loss": float(val_losses[k]), f"val_{metric}": float(val_scores[k])})
                if metric == "mae":
                    logs["val_r2"] = r2_from_errors(squared_errors[k], member.plan.validation_data[1])
            for key, value in logs.items():
                histories[k].setdefault(key, []).append(value)
            previous[k] = logs[member.plan.monitor]
            if not np.isfinite(logs["loss"]):  # as Keras' TerminateOnNaN
                stopped[k] = True
            elif stoppers[k] is not None and stoppers[k].should_stop(logs[member.plan.monitor], _MemberView(stack, k)):
                stopped[k] = True
    stack.store(rates)
    stack.release()
    for member, stopper in zip(members, stoppers):
        if stopper is not None and stopper.best_weights is not None:
            for i, value in zip(stack.weight_indices, stopper.best_weights):
                member.network.values[i] = np.array(value)
    return histories


class _MemberView:
    """One member's layer weights in the stack, as the early stopping of the
    compiled loop reads a trainer's (``weights()``)."""

    def __init__(self, stack, k):
        self.stack, self.k = stack, k

    def weights(self):
        return self.stack.member_weights(self.k)


_local = threading.local()

#: Stacks kept for their traced epochs, per thread: at most this many, and
#: their variables (weights and optimizer slots; the rows are let go after
#: training) within ``STACKS_BYTES``, the least recently used let go first.
#: A search over window sizes trains a group per size, and the README's
#: averaged forecasting search two searches' worth: refitting it traces
#: nothing again when they are all kept.
_STACKS_SIZE = 16
STACKS_BYTES = 256 * 2**20

#: A group trains with its gradient step compiled by XLA when it has at least
#: this many member-steps to train (members x steps per epoch x epochs).
#: Compiling costs about 0.7 s on 2 cores and saves about 0.07 ms a
#: member-step (seed 003's network): from here on the first run gains too.
XLA_MEMBER_STEPS = 20_000


def _stack_for(trainer, members):
    """The cached stack (variables and traced epoch) for a group of this
    shape: the same search run again, or its next batch of candidates, does
    not trace again."""
    sizes = tuple(len(m.X) for m in members)
    validating = members[0].plan.validation_data is not None
    # (Whether XLA compiles the step is part of the key: a group's results
    # never depend on which groups the process trained before.)
    jit = _worth_compiling(members)
    key = (id(trainer), sizes, members[0].plan.batch_size, bool(members[0].plan.shuffle), _penalized(members), validating,
           _with_momentum(members), jit)  # fmt: skip
    cache = getattr(_local, "stacks", None)
    if cache is None:
        cache = _local.stacks = OrderedDict()
    stack = cache.pop(key, None) or _Stack(trainer, members, jit)
    cache[key] = stack
    while len(cache) > 1 and (len(cache) > _STACKS_SIZE or sum(s.nbytes() for s in cache.values()) > STACKS_BYTES):
        cache.popitem(last=False)
    return stack


def _worth_compiling(members):
    """Whether the group has ``XLA_MEMBER_STEPS`` member-steps to train
    (members x steps per epoch x epochs)."""
    steps = max(math.ceil(len(m.X) / min(m.plan.batch_size, len(m.X))) for m in members)
    return len(members) * steps * max(m.plan.epochs for m in members) >= XLA_MEMBER_STEPS


def _penalized(members):
    """Whether any member has an L1/L2 penalty (then the stack adds every
    member's terms)."""
    return any(m.estimator.l1 or m.estimator.l2 for m in members)


class _Stack:
    """The members' variables stacked along a leading axis, and the traced
    epoch that trains them all."""

    def __init__(self, trainer, members, jit=False):
        self.trainer = trainer  # (keeps its id, in the cache key, taken)
        K = self.K = len(members)
        template = members[0].network.template
        variables = list(template.variables)
        index = {id(v): i for i, v in enumerate(variables)}
        self.trainable = [index[id(v)] for v in template.trainable_variables]
        self.layers = _layers(template, index)
        self.loss_fn, self.metric_fn = trainer._loss, trainer._metric
        self.vars = [tf.Variable(np.stack([m.network.values[i] for m in members])) for i in range(len(variables))]
        self.n_inputs, self.n_targets = members[0].X.shape[1], members[0].y.reshape(len(members[0].y), -1).shape[1]
        self.kind = type(trainer.optimizer).__name__.lower()
        # Members may differ in the optimizer's settings (momentum, Nesterov,
        # rho, epsilon, the betas: per-member values, see _settings); a
        # momentum slot is kept when any member has momentum.
        momentum = _with_momentum(members)
        self.slot_names = {"sgd": ("momentum",) if momentum else (),
                           "rmsprop": ("velocity", "momentum") if momentum else ("velocity",),
                           "adam": ("momentum", "velocity")}[self.kind]  # fmt: skip
        self.n_dropout = sum(layer["kind"] == "dropout" for layer in self.layers)
        self.slot_paths = {i: variables[i].path.replace("/", "_") for i in self.trainable}
        self.slots = {(name, i): tf.Variable(tf.zeros_like(self.vars[i])) for name in self.slot_names for i in self.trainable}
        self.iterations = tf.Variable(tf.zeros([K], tf.int64))
        # Members may differ in L1/L2 (each adds its own terms, as Keras' L1L2
        # regularizer adds them to every kernel; a member without adds zero).
        penalized = _penalized(members)
        self.regularized = [index[id(layer.kernel)] for layer in template.layers
                            if penalized and getattr(layer, "kernel", None) is not None]  # fmt: skip
        self.sizes = [len(m.X) for m in members]
        self.batch_size = batch_size = members[0].plan.batch_size
        self.batches = [min(batch_size, n) for n in self.sizes]
        self.size_groups = [(n, np.flatnonzero(np.array(self.sizes) == n)) for n in sorted(set(self.sizes))]
        self.shuffle = bool(members[0].plan.shuffle)
        self.steps = max(math.ceil(n / b) for n, b in zip(self.sizes, self.batches))
        self.width = max(self.batches)
        signature = [tf.TensorSpec([], tf.int64), tf.TensorSpec([K], tf.float32), tf.TensorSpec([K], tf.bool),
                     tf.TensorSpec([None, self.n_inputs], tf.float32), tf.TensorSpec([None, self.n_targets], tf.float32),
                     tf.TensorSpec([None], tf.float32), tf.TensorSpec([K], tf.int64), tf.TensorSpec([K], tf.int64),
                     tf.TensorSpec([K], tf.float32), tf.TensorSpec([K], tf.float32),
                     tf.TensorSpec([K, len(_SETTINGS)], tf.float32), tf.TensorSpec([K, 2], tf.bool),
                     tf.TensorSpec([K, self.n_dropout], tf.float32), tf.TensorSpec([K, self.n_dropout], tf.float32)]  # fmt: skip
        self._signature = signature
        self._compile_steps(jit)
        seed_ids = {id(v) for v in _seed_states(template)}
        self.weight_indices = [i for i, v in enumerate(variables) if id(v) not in seed_ids]
        self.validating = members[0].plan.validation_data is not None
        if self.validating:
            validation = [tf.TensorSpec([None, self.n_inputs], tf.float32), tf.TensorSpec([None, self.n_targets], tf.float32),
                          tf.TensorSpec([None], tf.float32), tf.TensorSpec([K, None], tf.int64),
                          tf.TensorSpec([K], tf.float32), tf.TensorSpec([K], tf.float32)]  # fmt: skip
            self._validate = flat_call(traced(self._evaluate, input_signature=validation).get_concrete_function())

    def load(self, members):
        """Start from these members' weights, a new optimizer each, their rows."""
        self.members = members
        for i, variable in enumerate(self.vars):
            variable.assign(np.stack([m.network.values[i] for m in members]))
        for variable in self.slots.values():
            variable.assign(tf.zeros_like(variable))
        self.iterations.assign(tf.zeros_like(self.iterations))
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
        self.data = (
            tf.constant(np.concatenate([X for X, _, _ in distinct]).astype(np.float32)),
            tf.constant(np.concatenate([y for _, y, _ in distinct]).astype(np.float32)),
            tf.constant(np.concatenate([w for _, _, w in distinct])),
            tf.constant(offsets, tf.int64),
            tf.constant([m.plan.shuffle_seed for m in members], tf.int64),
            tf.constant([np.float32(m.estimator.l1) for m in members]),
            tf.constant([np.float32(m.estimator.l2) for m in members]),
            *_settings(members),
        )
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
        variables and the traced epoch stay, for the next group of this
        shape)."""
        self.members = self.data = self.validation = self._snapshot = None

    def nbytes(self):
        """The bytes of the stack's variables: weights and optimizer slots."""
        variables = [*self.vars, *self.slots.values()]
        return sum(v.shape.num_elements() * v.dtype.size for v in variables)

    def _compile_steps(self, jit):
        """Trace the epoch anew, its gradient step compiled by XLA when
        ``jit``: the step's hundreds of small operations on ``[K, ...]``
        tensors (forward, loss, backward, each member's optimizer update)
        become a few fused loops, about a third less time per epoch on 2
        cores, at the cost of compiling (see ``XLA_MEMBER_STEPS``).  The
        rows, the shuffles and the dropout noise are drawn outside it by
        TensorFlow's own kernels, as a member's own fit draws them."""
        self.jit = jit
        self._step = traced(self._train_step, jit_compile=True) if jit else self._train_step
        # Called as a concrete function on TensorFlow's flat path (as the
        # compiled loop's), which skips binding the arguments to the signature.
        self._epoch = flat_call(traced(self._run, input_signature=self._signature).get_concrete_function())
        self._epoch_ran = False

    def run_epoch(self, epoch, rates, active):
        self._snapshot = None
        arguments = (tf.constant(epoch, tf.int64), tf.constant(rates), tf.constant(active), *self.data)
        try:
            losses, scores = self._epoch(*arguments)
        except tf.errors.OpError:
            if self._epoch_ran or not self.jit:
                raise
            # A step XLA cannot compile (an operation it has no kernel for):
            # the step as TensorFlow runs it, from the members' starting state.
            self._compile_steps(False)
            self.load(self.members)
            losses, scores = self._epoch(*arguments)
        self._epoch_ran = True
        return losses.numpy(), scores.numpy()

    def validate(self):
        """Each member's loss, metric and per-output squared errors on its
        validation rows, as the compiled loop's ``evaluate`` computes them."""
        return [value.numpy() for value in self._validate(*self.validation)]

    def member_weights(self, k):
        """Member ``k``'s layer weights now (no dropout seed states)."""
        if self._snapshot is None:
            self._snapshot = [variable.numpy() for variable in self.vars]
        return [self._snapshot[i][k] for i in self.weight_indices]

    # ----------------------------------------------------------- the traced epoch

    def _orders(self, epoch, offsets, seeds):
        """Each member's rows in this epoch's order (rows of the stacked
        data, its own from ``offsets``), cut into its batches and padded:
        ``[K, steps, width]``.

        Members of one size draw their orders in one mapped op (the same
        draw each makes on its own), so the traced graph does not grow with
        the number of members."""
        parts, members = [], []
        for n, group in self.size_groups:
            starts = tf.gather(offsets, group)[:, None]
            if self.shuffle:
                orders = tf.map_fn(
                    lambda seed, n=n: tf.argsort(tf.random.stateless_uniform([n], seed=tf.stack([seed, epoch])), stable=True),
                    tf.gather(seeds, group),
                    fn_output_signature=tf.int32,
                )
                orders = tf.cast(orders, tf.int64) + starts
            else:
                orders = tf.range(n, dtype=tf.int64)[None, :] + starts
            b = min(self.batch_size, n)
            padded = tf.concat([orders, -tf.ones([len(group), self.steps * b - n], tf.int64)], 1)
            padded = tf.reshape(padded, [len(group), self.steps, b])
            parts.append(tf.pad(padded, [[0, 0], [0, 0], [0, self.width - b]], constant_values=-1))
            members.extend(group)
        return tf.gather(tf.concat(parts, 0), np.argsort(members))

    def _run(self, epoch, rates, active, X_all, y_all, w_all, offsets, seeds, l1, l2, settings, flags, drop, scale):
        K = self.K
        rows = self._orders(epoch, offsets, seeds)
        loss_sum = tf.zeros([K])
        metric_sum = tf.zeros([K])
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

        _, loss_sum, metric_sum = tf.while_loop(
            lambda step, *_: step < self.steps, step_once, [tf.constant(0), loss_sum, metric_sum]
        )
        sizes = tf.constant(self.sizes, tf.float32)
        return loss_sum / sizes, metric_sum / sizes

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
        # (When every member steps, as in most steps of a search, the update
        # skips selecting between each member's new and old values.)
        tf.cond(tf.reduce_all(live),
                lambda: self._apply(grads, rates, live, settings, flags, masked=False),
                lambda: self._apply(grads, rates, live, settings, flags, masked=True))  # fmt: skip
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
        def each():
            return tf.where(noise >= rate[:, None, None], scale[:, None, None], 0.0)

        if self.jit:  # (XLA fuses it whichever way it is written)
            return each()
        shared = tf.logical_and(tf.shape(noise)[0] == 1, tf.reduce_all(tf.equal(rate, rate[0])))
        return tf.cond(shared, lambda: tf.where(noise >= rate[0], scale[0], 0.0), each)

    def _dropout_noise(self, layer, live, width):
        """Each member's uniform noise for a dropout layer's mask, drawn as
        Keras' Dropout draws it from that member's seed generator (then
        stepped for the live members): a stateless uniform draw per member
        (mapped: one op in the graph however many there are; a member's
        short last batch uses the first rows of the full draw, which are what
        a draw of its own size gives)."""
        state = self.vars[layer["state"]]
        seeds = tf.cast(tf.math.floormod(state, tf.int32.max - 1), tf.int32)
        # Members whose generators are at the same state (a grid with one
        # random_state: every candidate and fold) draw the same numbers:
        # each distinct state is drawn once.
        distinct, which = tf.raw_ops.UniqueV2(x=seeds, axis=tf.constant([0], tf.int64))
        shape = [width, layer["units"]]
        step = tf.cast(live, state.dtype)

        def each():
            noise = tf.map_fn(lambda seed: tf.random.stateless_uniform(shape, seed=seed), distinct, fn_output_signature=tf.float32)
            return tf.gather(noise, which)

        if self.jit:  # (XLA compiles the step for the noise's shape: one shape)
            noise = each()
        else:
            # One state for all (the usual case): one draw, broadcast over the members.
            noise = tf.cond(tf.shape(distinct)[0] == 1, lambda: tf.random.stateless_uniform(shape, seed=distinct[0])[None], each)
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

    def _apply(self, grads, rates, live, settings, flags, masked=True):
        """One optimizer step per live member, as Keras writes it, with each
        member's own settings (columns of ``settings``, see ``_SETTINGS``;
        ``flags``: has momentum, Nesterov); ``masked=False`` when every
        member is live (the same values, without selecting the live ones)."""
        column = {name: settings[:, j] for j, name in enumerate(_SETTINGS)}
        where = tf.where if masked else (lambda keep, new, old: new)
        for i, grad in zip(self.trainable, grads):
            variable = self.vars[i]
            shape = [-1] + [1] * (len(variable.shape) - 1)
            lr = tf.reshape(rates, shape)
            keep = tf.reshape(live, shape)
            per = {name: tf.reshape(values, shape) for name, values in column.items()}
            with_momentum = tf.reshape(flags[:, 0], shape)
            if self.kind == "sgd":
                if "momentum" in self.slot_names:
                    m, momentum = self.slots[("momentum", i)], per["momentum"]
                    new_m = m * momentum - grad * lr
                    m.assign(tf.where(keep & with_momentum if masked else with_momentum, new_m, m))
                    nesterov = tf.reshape(flags[:, 1], shape)
                    step = tf.where(nesterov, new_m * momentum - grad * lr, new_m)
                    # (A member without momentum steps as Keras' plain SGD does.)
                    updated = tf.where(with_momentum, variable + step, variable - grad * lr)
                    variable.assign(where(keep, updated, variable))
                else:
                    variable.assign(where(keep, variable - grad * lr, variable))
            elif self.kind == "rmsprop":
                v = self.slots[("velocity", i)]
                new_v = per["rho"] * v + per["one_minus_rho"] * tf.square(grad)
                v.assign(where(keep, new_v, v))
                increment = (lr * grad) / tf.sqrt(new_v + per["epsilon"])
                if "momentum" in self.slot_names:
                    m = self.slots[("momentum", i)]
                    new_m = per["momentum"] * m + increment
                    m.assign(tf.where(keep & with_momentum if masked else with_momentum, new_m, m))
                    increment = tf.where(with_momentum, new_m, increment)
                variable.assign(where(keep, variable - increment, variable))
            else:  # adam
                m, v = self.slots[("momentum", i)], self.slots[("velocity", i)]
                local_step = tf.cast(self.iterations + 1, tf.float32)
                beta_1_power = tf.pow(column["beta_1"], local_step)
                beta_2_power = tf.pow(column["beta_2"], local_step)
                alpha = tf.reshape(rates * tf.sqrt(1 - beta_2_power) / (1 - beta_1_power), shape)
                new_m = m + (grad - m) * per["one_minus_beta_1"]
                new_v = v + (tf.square(grad) - v) * per["one_minus_beta_2"]
                m.assign(where(keep, new_m, m))
                v.assign(where(keep, new_v, v))
                update = (new_m * alpha) / (tf.sqrt(new_v) + per["epsilon"])
                variable.assign(where(keep, variable - update, variable))
        self.iterations.assign_add(tf.cast(live, tf.int64))
        return tf.constant(True)  # (a value for tf.cond)

    # ------------------------------------------------------------ state out

    def store(self, rates):
        """Give each member's NetworkWeights its trained weights and the
        state a Keras optimizer of its own would hold."""
        values = [variable.numpy() for variable in self.vars]
        slots = {key: variable.numpy() for key, variable in self.slots.items()}
        iterations = self.iterations.numpy()
        by_name = {f"{self.slot_paths[i]}_{name}": (name, i) for (name, i) in self.slots}
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


#: The optimizer settings members may differ in, one column each (the ``1 -``
#: ones computed in float64, as Keras computes them from its Python floats).
_SETTINGS = ("momentum", "rho", "one_minus_rho", "epsilon", "beta_1", "one_minus_beta_1", "beta_2", "one_minus_beta_2")


def _config(member):
    """The member's optimizer settings: those of its architecture's template."""
    return member.network.template.optimizer.get_config()


def _with_momentum(members):
    return any(_config(m).get("momentum") for m in members)


def _settings(members):
    """Per member: its optimizer settings (``_SETTINGS``), whether it has
    momentum and Nesterov, and each dropout layer's rate and scale."""
    import keras

    rows, flags, rates = [], [], []
    for member in members:
        c = _config(member)
        momentum, rho = float(c.get("momentum") or 0.0), float(c.get("rho", 0.0))
        beta_1, beta_2 = float(c.get("beta_1", 0.0)), float(c.get("beta_2", 0.0))
        rows.append([momentum, rho, 1 - rho, float(c.get("epsilon", 0.0)), beta_1, 1 - beta_1, beta_2, 1 - beta_2])
        flags.append([momentum > 0, bool(c.get("nesterov", False))])
        rates.append([float(layer.rate) for layer in member.network.template.layers
                      if isinstance(layer, keras.layers.Dropout)])  # fmt: skip
    rates = np.asarray(rates, np.float64).reshape(len(members), -1)
    scale = 1 / (1 - rates)  # as TensorFlow's dropout: in float64, then float32
    return (tf.constant(np.asarray(rows, np.float32)), tf.constant(np.asarray(flags, bool)),
            tf.constant(rates.astype(np.float32)), tf.constant(scale.astype(np.float32)))  # fmt: skip


def _optimizer_layout(member):
    """``(name, dtype, shape)`` of each variable the member's own Keras
    optimizer holds, in order."""
    from ._compiled import trainer_for

    n_targets = member.y.shape[1] if member.y.ndim == 2 else 1
    trainer = trainer_for(member.network.template, member.plan.metric, n_targets, template=True)
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
