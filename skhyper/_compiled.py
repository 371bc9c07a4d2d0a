"""The compiled training loop: a whole epoch in one traced TensorFlow call,
or every epoch of a fit in one when nothing runs between them.

``model.fit`` spends about 0.14 s per epoch on small data in its data
pipeline and callbacks, and every new model pays about a second of tracing.
Here the data stay in tensors for the whole fit, an epoch (shuffle, batches,
gradient steps, loss and metric sums) runs inside one ``tf.function``, and the
traced function is kept in a per-thread cache keyed by everything the trace
bakes in: the network's structure, loss, metric and optimizer settings (not
the initial weights, the seeds or the learning rate, which are variables).
The folds and candidates of a search that share an architecture — seed 003's
eight initializers, say — thus trace once.

A cached :class:`Trainer` owns a private copy of the network and optimizer.
Each fit copies the estimator's freshly initialized (or warm) variables into
it, trains, and copies the result back (into the estimator's Keras model, or
its :class:`~skhyper._weights.NetworkWeights` when it has none), so a fit
that reuses a trace computes exactly what a fit in a fresh process computes.
"""

import json
import threading
import weakref
from collections import OrderedDict

import keras
import numpy as np
import tensorflow as tf

from ._compat import flat_call, traced
from ._r2 import r2_from_errors
from ._weights import NetworkWeights
from .hyperparams import current_rate

__all__ = ["train_compiled", "trainer_for"]

_CACHE_SIZE = 8
_local = threading.local()
_TEMPLATE_KEYS = weakref.WeakKeyDictionary()


def trainer_for(model, metric, n_targets=None, *, template=False):
    """The cached trainer for ``model``'s architecture, ``metric`` and the
    number of target columns (default: one column of class indices for
    ``"accuracy"``, one per output otherwise).  A ``template`` (see
    :mod:`skhyper._weights`) never changes, so its key is computed once."""
    cache = getattr(_local, "trainers", None)
    if cache is None:
        cache = _local.trainers = OrderedDict()
    if n_targets is None:
        n_targets = 1 if metric == "accuracy" else model.output_shape[-1]
    if template:
        if model not in _TEMPLATE_KEYS:
            _TEMPLATE_KEYS[model] = _architecture_key(model, metric)
        key = _TEMPLATE_KEYS[model]
    else:
        key = _architecture_key(model, metric)
    key += f"|targets={n_targets}"
    trainer = cache.pop(key, None) or Trainer(model, metric, n_targets)
    cache[key] = trainer
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return trainer


def _architecture_key(model, metric):
    """What a trace depends on, as a string: config minus weights' origins."""

    def strip(node):
        if isinstance(node, dict):
            return {
                k: strip(v)
                for k, v in node.items()
                if k not in {"name", "seed", "kernel_initializer", "bias_initializer", "build_config"}
            }
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    optimizer = model.optimizer.get_config()
    learning_rate = optimizer.pop("learning_rate")
    optimizer.pop("name", None)
    parts = {
        "model": strip(model.get_config()),
        "optimizer": [type(model.optimizer).__name__, optimizer],
        "schedule": learning_rate if isinstance(learning_rate, dict) else None,
        "loss": _describe(model.loss),
        "metric": metric,
    }
    return json.dumps(parts, sort_keys=True, default=repr)


def _describe(loss):
    """The loss, as part of a cache key.

    Names and Keras' own loss classes are described by value.  Anything else
    (a user's function, lambda or Loss subclass) by identity: two of those can
    share a name yet differ, and a trace must never be shared between them.
    The trainer keeps a reference to the loss, so its id is not reused while
    the trace is cached.
    """
    if isinstance(loss, str):
        return loss
    if isinstance(loss, keras.losses.Loss) and type(loss).__module__.startswith("keras."):
        return [type(loss).__name__, loss.get_config()]
    return f"object at {id(loss)}"


def _per_sample_loss(loss):
    """The unreduced loss: one value per row."""
    if isinstance(loss, str):
        return keras.losses.get(loss)
    if isinstance(loss, keras.losses.Loss):
        return loss.call
    return loss


_ONE = tf.constant(1, tf.int64)


class Trainer:
    """A private copy of one architecture, with its traced epoch and evaluation."""

    def __init__(self, model, metric, n_targets):
        self.model = keras.Model.from_config(model.get_config())
        self.optimizer = type(model.optimizer).from_config(model.optimizer.get_config())
        self.optimizer.build(self.model.trainable_variables)
        self._initial_optimizer_state = [np.asarray(v) for v in self.optimizer.variables]
        self._initial_optimizer_tensors = [tf.constant(v) for v in self._initial_optimizer_state]
        # Found by name: the optimizer's own name, which prefixes the paths,
        # differs between fits that share this trainer.  (No rate variable
        # when the rate is a Keras schedule: such networks are never
        # NetworkWeights.)
        names = [v.name for v in self.optimizer.variables]
        self._rate_index = names.index("learning_rate") if "learning_rate" in names else None
        self._loss = _per_sample_loss(model.loss)
        n_inputs, n_outputs = model.input_shape[-1], model.output_shape[-1]
        # Classifiers train on one column of class indices, or on one column
        # per label (multilabel, one-hot); regressors on their targets.
        softmax = getattr(model.layers[-1], "activation", None) is keras.activations.softmax
        self._metric = _make_metric(metric, n_outputs, n_targets, softmax)
        data = [
            tf.TensorSpec([None, n_inputs], tf.float32),
            tf.TensorSpec([None, n_targets], tf.float32),
            tf.TensorSpec([None], tf.float32),
        ]
        scalars = [tf.TensorSpec([], tf.int64)] * 4 + [tf.TensorSpec([], tf.bool)]
        self._loss_object = model.loss  # keeps the id in the cache key taken
        self.stepped_rate = isinstance(self.optimizer.get_config()["learning_rate"], dict)
        # State in and out in one call each (not one per variable).
        self._variables = list(self.model.variables) + list(self.optimizer.variables)
        # Traced on first use; called as concrete functions, which skip the
        # argument binding a tf.function call pays (about a millisecond).
        # No AutoGraph: the step loop is an explicit while loop, and
        # converting the Python of every function the trace calls (Keras'
        # layers, losses, optimizer) took most of a first fit's trace.
        self._traced = {
            "epochs": traced(self._epochs, input_signature=data + scalars),
            "evaluate": traced(self._evaluate, input_signature=data),
            "assign": traced(self._assign_all),
            "read": traced(self._read_all),
        }
        self._concrete = {}
        self._fits = 0

    @property
    def traced_epochs(self):
        """Whether this trainer's epochs have been traced (a fit of its
        architecture ran in this thread)."""
        return "epochs" in self._concrete

    def _call(self, name, *args):
        function = self._concrete.get(name)
        if function is None:
            if name == "assign":
                specs = [tf.TensorSpec(v.shape, v.dtype) for v in self._variables]
                function = self._traced[name].get_concrete_function(*specs)
            else:
                function = self._traced[name].get_concrete_function()
            function = self._concrete[name] = flat_call(function)
        return function(*args)

    def run_epoch(self, X, y, weights, seed, epoch, batch_size, shuffle):
        """One epoch: the mean training loss and metric over its rows."""
        losses, scores = self.run_epochs(X, y, weights, seed, epoch, _ONE, batch_size, shuffle)
        return losses[0], scores[0]

    def run_epochs(self, X, y, weights, seed, first_epoch, n_epochs, batch_size, shuffle):
        """Epochs ``first_epoch`` to ``first_epoch + n_epochs - 1`` in one
        call, ending after an epoch whose loss is not finite: each epoch's
        mean training loss and metric (one trace serves any number)."""
        return self._call("epochs", X, y, weights, seed, first_epoch, n_epochs, batch_size, shuffle)

    def evaluate(self, X, y, weights):
        """Loss, metric and per-output squared errors of ``(X, y)``."""
        return self._call("evaluate", X, y, weights)

    # The traced parts -------------------------------------------------------

    def _batch_loss(self, y, predicted, weights):
        values = self._loss(y, predicted)
        if values.shape.rank == 0:  # already a mean over the batch
            loss = values * tf.reduce_mean(weights)
        else:
            if values.shape.rank > 1:  # per element: a mean per row, as Keras reduces
                values = tf.reduce_mean(values, axis=list(range(1, values.shape.rank)))
            loss = tf.reduce_sum(values * weights) / tf.cast(tf.shape(values)[0], tf.float32)
        if self.model.losses:  # L1/L2 penalties, as Keras adds them
            loss += tf.add_n(self.model.losses)
        return loss

    def _epoch(self, X, y, weights, seed, epoch, batch_size, shuffle):
        n = tf.shape(X, out_type=tf.int64)[0]
        order = tf.cond(
            shuffle,
            lambda: tf.cast(
                tf.argsort(tf.random.stateless_uniform([n], seed=tf.stack([seed, epoch])), stable=True),
                tf.int64,
            ),
            lambda: tf.range(n, dtype=tf.int64),
        )
        steps = (n + batch_size - 1) // batch_size
        variables = self.model.trainable_variables

        def step_once(step, loss_sum, metric_sum):
            rows = order[step * batch_size : tf.minimum((step + 1) * batch_size, n)]
            X_batch, y_batch, w_batch = tf.gather(X, rows), tf.gather(y, rows), tf.gather(weights, rows)
            with tf.GradientTape() as tape:
                predicted = self.model(X_batch, training=True)
                loss = self._batch_loss(y_batch, predicted, w_batch)
            self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
            loss_sum += loss * tf.cast(tf.shape(rows)[0], tf.float32)
            # Like Keras' compiled ``metrics`` (not ``weighted_metrics``): unweighted.
            metric_sum += tf.reduce_sum(self._metric(y_batch, predicted))
            return step + 1, loss_sum, metric_sum

        _, loss_sum, metric_sum = tf.while_loop(
            lambda step, *_: step < steps, step_once, [tf.constant(0, tf.int64), tf.constant(0.0), tf.constant(0.0)]
        )
        n_rows = tf.cast(n, tf.float32)
        return loss_sum / n_rows, metric_sum / n_rows

    def _epochs(self, X, y, weights, seed, first_epoch, n_epochs, batch_size, shuffle):
        def epoch_once(index, losses, scores, finite):
            loss, score = self._epoch(X, y, weights, seed, first_epoch + index, batch_size, shuffle)
            return index + 1, losses.write(tf.cast(index, tf.int32), loss), scores.write(tf.cast(index, tf.int32), score), tf.math.is_finite(loss)

        start = [
            tf.constant(0, tf.int64),
            tf.TensorArray(tf.float32, size=0, dynamic_size=True),
            tf.TensorArray(tf.float32, size=0, dynamic_size=True),
            tf.constant(True),
        ]
        _, losses, scores, _ = tf.while_loop(
            lambda index, _losses, _scores, finite: tf.logical_and(index < n_epochs, finite), epoch_once, start
        )
        return losses.stack(), scores.stack()

    def _evaluate(self, X, y, weights):
        predicted = self.model(X, training=False)
        loss = self._batch_loss(y, predicted, weights)
        squared_errors = tf.reduce_sum(tf.square(y - predicted), axis=0)  # per output, for R²
        return loss, tf.reduce_mean(self._metric(y, predicted)), squared_errors

    # State in and out -------------------------------------------------------

    def load(self, model):
        """Take ``model``'s weights (and its optimizer's state when it has
        one); ``model`` is a Keras model or a :class:`NetworkWeights`."""
        # A trainer's first fit copies state one variable at a time; later
        # fits in one traced call each way (tracing those calls costs a first
        # fit more than it saves it: a search's refit, a script's one fit).
        self._fits += 1
        if isinstance(model, NetworkWeights):
            self._load_arrays(model)
            return
        for mine, theirs in zip(self.model.variables, model.variables):
            mine.assign(theirs)
        source = model.optimizer.variables if model.optimizer.built else None
        if source and len(source) == len(self.optimizer.variables):
            for mine, theirs in zip(self.optimizer.variables, source):
                mine.assign(theirs)
        else:
            for mine, value in zip(self.optimizer.variables, self._initial_optimizer_state):
                mine.assign(value)
            if not isinstance(model.optimizer.get_config()["learning_rate"], dict):
                self.optimizer.learning_rate = current_rate(model.optimizer)

    def _assign_all(self, *values):
        for variable, value in zip(self._variables, values):
            variable.assign(value)

    def _read_all(self):
        return [tf.identity(variable) for variable in self._variables]

    def _load_arrays(self, weights):
        if weights.optimizer_values is None:  # a new optimizer, at the network's rate
            optimizer = list(self._initial_optimizer_tensors)
            optimizer[self._rate_index] = tf.constant(weights.rate, optimizer[self._rate_index].dtype)
        else:
            optimizer = [tf.constant(value) for value in weights.optimizer_values]
        values = [tf.constant(value) for value in weights.values] + optimizer
        if self._fits > 1:
            self._call("assign", *values)
        else:
            for variable, value in zip(self._variables, values):
                variable.assign(value)

    def store(self, model):
        """Give ``model`` (a Keras model or a :class:`NetworkWeights`) the
        trained weights and the optimizer's state."""
        if isinstance(model, NetworkWeights):
            values = [value.numpy() for value in (self._call("read") if self._fits > 1 else self._variables)]
            model.values, model.optimizer_values = values[: len(model.values)], values[len(model.values) :]
            return
        for mine, theirs in zip(self.model.variables, model.variables):
            theirs.assign(mine)
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        for mine, theirs in zip(self.optimizer.variables, model.optimizer.variables):
            theirs.assign(mine)

    def weights(self):
        """The layers' weights (as Keras' ``get_weights``: no seed-generator state)."""
        return [np.asarray(v) for v in self.model.weights]

    def set_weights(self, values):
        for variable, value in zip(self.model.weights, values):
            variable.assign(value)


def _make_metric(name, n_outputs, n_targets, softmax):
    """Per-row metric values: accuracy for classifiers (as Keras resolves
    ``"accuracy"`` for the loss), MAE for regressors.

    The class a softmax output predicts is the largest of its logits (the
    probabilities' order): read from the logits Keras marks the output with,
    training computes no softmax (a fifth of a warm fit of seed 003's
    network went into oneDNN's softmax of each batch)."""
    if name in ("mae", "mean_absolute_error"):
        return lambda y, p: tf.reduce_mean(tf.abs(y - p), axis=-1)
    if n_targets > 1 and softmax:  # one-hot rows
        return lambda y, p: tf.cast(tf.equal(tf.argmax(y, axis=-1), tf.argmax(_logits(p), axis=-1)), tf.float32)
    if n_targets > 1:  # multilabel: the share of labels right, as binary_accuracy
        return lambda y, p: tf.reduce_mean(tf.cast(tf.equal(y, tf.round(p)), tf.float32), axis=-1)
    if n_outputs == 1:  # one sigmoid unit
        return lambda y, p: tf.cast(tf.equal(y[:, 0], tf.round(p[:, 0])), tf.float32)
    return lambda y, p: tf.cast(
        tf.equal(tf.cast(y[:, 0], tf.int64), tf.argmax(_logits(p), axis=-1)), tf.float32
    )


def _logits(p):
    return getattr(p, "_keras_logits", p)


def train_compiled(model, X, y, sample_weight, plan):
    """``engine.train`` with the compiled loop: the same plan and history."""
    from .schedules import next_rate

    n_targets = y.shape[1] if np.ndim(y) == 2 else 1
    if isinstance(model, NetworkWeights):
        trainer = trainer_for(model.template, plan.metric, n_targets, template=True)
    else:
        trainer = trainer_for(model, plan.metric, n_targets)
    trainer.load(model)
    data = _as_tensors(X, y, sample_weight)
    validation = None if plan.validation_data is None else _as_tensors(*plan.validation_data)
    seed = tf.constant(plan.shuffle_seed, tf.int64)
    batch_size = tf.constant(min(plan.batch_size, len(X)), tf.int64)
    shuffle = tf.constant(bool(plan.shuffle))
    history = {}
    stopper = _EarlyStopping(**plan.early_stopping) if plan.early_stopping else None
    if stopper is not None and plan.start_is_candidate and validation is not None:
        stopper.start(float(trainer.evaluate(*validation)[0]), trainer)
    # The rate is read from the optimizer once (reading a variable costs
    # about a millisecond), then followed here; a Keras schedule (stepped per
    # batch) is read each epoch.
    rate, previous_loss, best = current_rate(trainer.optimizer), plan.previous_loss, np.inf
    last = plan.initial_epoch + plan.epochs
    if plan.schedule is None and not trainer.stepped_rate and _no_epoch_hooks(plan, validation, stopper):
        # Nothing to do between epochs: all of them in one call.
        losses, scores = trainer.run_epochs(
            *data, seed, tf.constant(plan.initial_epoch, tf.int64), tf.constant(plan.epochs, tf.int64), batch_size, shuffle
        )
        losses, scores = [float(v) for v in np.asarray(losses)], [float(v) for v in np.asarray(scores)]
        history = {"learning_rate": [float(np.float32(rate))] * len(losses), "loss": losses, plan.metric: scores}
        trainer.store(model)
        return history
    for epoch in range(plan.initial_epoch, last):
        if plan.schedule is not None:
            rate = next_rate(plan.schedule, epoch, rate, previous_loss)
            trainer.optimizer.learning_rate = rate
        elif trainer.stepped_rate:
            rate = current_rate(trainer.optimizer)
        logs = {"learning_rate": float(np.float32(rate))}  # as the optimizer holds it
        loss, score = trainer.run_epoch(*data, seed, tf.constant(epoch, tf.int64), batch_size, shuffle)
        logs.update({"loss": float(loss), plan.metric: float(score)})
        if validation is not None:
            loss, score, squared_errors = trainer.evaluate(*validation)
            logs.update({"val_loss": float(loss), f"val_{plan.metric}": float(score)})
            if plan.metric == "mae":
                logs["val_r2"] = r2_from_errors(np.asarray(squared_errors), plan.validation_data[1])
        for key, value in logs.items():
            history.setdefault(key, []).append(value)
        if plan.verbose:
            shown = " - ".join(f"{k}: {v:.4g}" for k, v in logs.items())
            print(f"Epoch {epoch + 1}/{last} - {shown}", flush=True)
        previous_loss = logs[plan.monitor]
        if plan.on_best is not None and previous_loss < best:
            best = previous_loss
            trainer.store(model)  # the model holds this epoch's weights
            plan.on_best({k: list(v) for k, v in history.items()})
        if not np.isfinite(logs["loss"]):  # as Keras' TerminateOnNaN
            break
        if stopper is not None and stopper.should_stop(logs[plan.monitor], trainer):
            break
    if stopper is not None:
        stopper.restore(trainer)
    trainer.store(model)
    return history


def _no_epoch_hooks(plan, validation, stopper):
    """Whether nothing runs between two epochs: no validation, early
    stopping, printing or checkpoint."""
    return validation is None and stopper is None and not plan.verbose and plan.on_best is None


def _as_tensors(X, y, sample_weight=None):
    y = np.asarray(y, dtype=np.float32)
    weights = np.ones(len(X), np.float32) if sample_weight is None else sample_weight
    return (
        tf.constant(X, tf.float32),
        tf.constant(y.reshape(len(y), -1)),
        tf.constant(weights, tf.float32),
    )


class _EarlyStopping:
    """Keras' ``EarlyStopping`` on the monitored loss.

    As Keras 3 does, the best weights are restored when training ends, whether
    patience ran out or not (and after a NaN loss too).
    """

    def __init__(self, patience, min_delta, restore_best_weights):
        self.patience, self.min_delta = patience, min_delta
        self.restore_best_weights = restore_best_weights
        self.best, self.best_weights, self.waited = np.inf, None, 0

    def start(self, loss, trainer):
        """Count the starting weights, of validation loss ``loss``, as the first candidate."""
        self.best = loss
        if self.restore_best_weights:
            self.best_weights = trainer.weights()

    def should_stop(self, current, trainer):
        if current + self.min_delta < self.best:  # improved by more than min_delta
            self.best, self.waited = current, 0
            if self.restore_best_weights:
                self.best_weights = trainer.weights()
            return False
        self.waited += 1
        return self.waited >= self.patience

    def restore(self, trainer):
        if self.best_weights is not None:
            trainer.set_weights(self.best_weights)
