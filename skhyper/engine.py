"""The training loop: one compiled Keras model, in-memory data, a history.

Two loops compute the same thing: the compiled loop of
``skhyper._compiled`` (the default: an epoch per traced call, traces reused
across fits) and Keras' own ``model.fit`` (used for user callbacks, or on
request with ``engine="keras"``).  Both draw the same batches.

Everything random is drawn from explicit seeds passed in, never from
TensorFlow's, NumPy's or Python's global state: the batches of each epoch come
from a stateless shuffle keyed by ``(shuffle_seed, epoch)``, so the same seed
gives the same batches in any process, thread or parallel backend, and no
global setting (such as op determinism) is switched on behind the user's back.
"""

import math
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from ._r2 import r2_from_errors
from .forward import forward
from .hyperparams import current_rate
from .schedules import next_rate

__all__ = ["ENGINES", "TrainingPlan", "predict", "train"]

#: Values of the estimators' ``engine`` parameter.
ENGINES = ("auto", "compiled", "keras")

_PREDICT_CHUNK = 8192


@dataclass(frozen=True)
class TrainingPlan:
    """How to train: the same for both loops.

    Frozen; each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    epochs : int
        Epochs to run (counted from ``initial_epoch``).
    batch_size : int
        Rows per gradient step, clipped to the number of samples.
    shuffle : bool, default=True
        Reshuffle the rows each epoch.
    shuffle_seed : int, default=0
        The seed of the shuffles.
    validation_data : tuple, default=None
        ``(X_val, y_val)`` or ``(X_val, y_val, w_val)``, or None.
    schedule : skhyper.schedules.EpochSchedule, default=None
        The rate of each epoch; None keeps the optimizer's.
    early_stopping : dict, default=None
        Keras ``EarlyStopping`` arguments (``patience``, ``min_delta``,
        ``restore_best_weights``), or None for no early stopping.
    verbose : int, default=0
        One line per epoch when above 0.
    initial_epoch : int, default=0
        The number of epochs already run (``partial_fit``).
    metric : {"accuracy", "mae"}, default="accuracy"
        The metric logged per epoch.
    previous_loss : float, default=None
        The monitored loss of the epoch before ``initial_epoch`` (for a
        schedule that watches it).
    on_best : callable, default=None
        Called as ``on_best(history)`` with the history so far whenever the
        monitored loss reaches a new best, while the model holds that
        epoch's weights (a checkpoint).
    start_is_candidate : bool, default=False
        Early stopping on a validation set counts the starting weights as
        the first candidate: when no epoch beats their validation loss, they
        are what training ends with (a network that starts at a fitted
        model, as the forecaster's linear path does).

    Examples
    --------
    >>> from skhyper.engine import TrainingPlan
    >>> plan = TrainingPlan(epochs=10, batch_size=32, metric="mae")
    >>> plan.monitor
    'loss'
    """

    epochs: int
    batch_size: int
    shuffle: bool = True
    shuffle_seed: int = 0
    validation_data: tuple = None
    schedule: object = None
    early_stopping: dict = None
    verbose: int = 0
    initial_epoch: int = 0
    metric: str = "accuracy"
    previous_loss: float = None
    on_best: object = None
    start_is_candidate: bool = False

    @property
    def monitor(self):
        """What early stopping and the plateau schedule watch: ``"val_loss"`` or ``"loss"``."""
        return "val_loss" if self.validation_data is not None else "loss"


def train(model, X, y, sample_weight, plan, *, engine="auto", callbacks=()):
    """Train a compiled ``model`` by ``plan`` and return its per-epoch history.

    Parameters
    ----------
    model : keras.Model
        A compiled model; it is trained in place.
    X : ndarray of shape (n_samples, n_features)
        The training rows.
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Their targets, as the model's loss takes them.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows; None weighs them equally.
    plan : TrainingPlan
        Epochs, batches, shuffling, validation, schedule and early stopping.
    engine : {"auto", "compiled", "keras"}, default="auto"
        "auto" is "compiled" unless Keras ``callbacks`` are given, which only
        ``model.fit`` runs.
    callbacks : sequence of keras.callbacks.Callback, default=()
        More Keras callbacks (Keras' loop only).

    Returns
    -------
    dict of str -> list of float
        ``loss``, the metric, their ``val_`` twins when there is validation
        data, and ``learning_rate``, one value per epoch run.

    Raises
    ------
    ValueError
        For ``callbacks`` with ``engine="compiled"``.
    """
    if engine == "keras" or (engine == "auto" and callbacks):
        return train_keras(model, X, y, sample_weight, plan, callbacks)
    if callbacks:
        raise ValueError(
            "Keras callbacks run only in Keras' own loop: use engine='keras' (or"
            " 'auto') with callbacks."
        )
    from ._compiled import train_compiled

    return train_compiled(model, X, y, sample_weight, plan)


def keras_weights(sample_weight, y):
    """Sample weights as Keras' own training steps take them.

    Shaped (n, 1) for 2-D targets: Keras' weighting of a loss that returns one
    value per element (a user's callable) fails to broadcast (n,) weights in
    the gradient; (n, 1) weights give the same results for every loss.
    """
    if sample_weight is None:
        return None
    return np.asarray(sample_weight, dtype=np.float32).reshape((-1, 1) if np.ndim(y) > 1 else (-1,))


def train_keras(model, X, y, sample_weight, plan, callbacks=()):
    """:func:`train` with Keras' ``model.fit``."""
    n_samples = len(X)
    batch_size = int(min(plan.batch_size, n_samples))
    if sample_weight is None:
        sample_weight = np.ones(n_samples, dtype=np.float32)
    data = (tf.constant(X), tf.constant(y), tf.constant(keras_weights(sample_weight, y)))

    def batches_of_epoch(epoch):
        order = tf.range(n_samples, dtype=tf.int64)
        if plan.shuffle:
            seed = tf.stack([tf.constant(plan.shuffle_seed, tf.int64), epoch])
            keys = tf.random.stateless_uniform([n_samples], seed=seed)
            order = tf.cast(tf.argsort(keys, stable=True), tf.int64)
        return tf.data.Dataset.from_tensor_slices(order).batch(batch_size)

    first, last = plan.initial_epoch, plan.initial_epoch + plan.epochs
    dataset = (
        tf.data.Dataset.range(first, last)
        .flat_map(batches_of_epoch)
        .map(lambda rows: tuple(tf.gather(part, rows) for part in data))
        .prefetch(2)
    )
    rates = _EpochLearningRate(plan.schedule, plan.monitor, plan.previous_loss)
    all_callbacks = [rates, keras.callbacks.TerminateOnNaN()]
    if plan.on_best is not None:
        all_callbacks.append(_OnBest(plan.on_best, plan.monitor))
    validation_data = plan.validation_data
    if validation_data is not None and len(validation_data) == 3:
        X_val, y_val, w_val = validation_data
        validation_data = (X_val, y_val, keras_weights(w_val, y_val))
    if validation_data is not None and plan.metric == "mae":
        all_callbacks.append(_ValidationR2(*validation_data[:2]))
    if plan.early_stopping and _starts_as_candidate(plan):
        X_val, y_val, *w_val = validation_data
        start = model.evaluate(X_val, y_val, sample_weight=w_val[0] if w_val else None,
                               batch_size=_PREDICT_CHUNK, verbose=0, return_dict=True)["loss"]  # fmt: skip
        all_callbacks.append(_StartingEarlyStopping(start, model.get_weights(), monitor=plan.monitor, **plan.early_stopping))
    elif plan.early_stopping:
        all_callbacks.append(keras.callbacks.EarlyStopping(monitor=plan.monitor, **plan.early_stopping))
    result = model.fit(
        dataset,
        epochs=last,
        initial_epoch=first,
        steps_per_epoch=math.ceil(n_samples / batch_size),
        shuffle=False,  # the dataset shuffles, seeded
        validation_data=validation_data,
        validation_batch_size=_PREDICT_CHUNK,
        callbacks=all_callbacks + list(callbacks),
        verbose=plan.verbose,
    )
    return {key: [float(v) for v in values] for key, values in result.history.items()}


class _ValidationR2(keras.callbacks.Callback):
    """Logs ``val_r2`` at each epoch's end, as the compiled loop does."""

    def __init__(self, X, y):
        super().__init__()
        self.X, self.y = X, np.asarray(y, dtype=np.float32).reshape(len(y), -1)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            predicted = np.asarray(self.model(self.X, training=False), dtype=np.float32)
            logs["val_r2"] = r2_from_errors(((self.y - predicted) ** 2).sum(axis=0), self.y)


def _starts_as_candidate(plan):
    return bool(plan.start_is_candidate and plan.early_stopping and plan.validation_data is not None)


class _StartingEarlyStopping(keras.callbacks.EarlyStopping):
    """Keras' ``EarlyStopping`` whose first candidate is the starting weights
    (``TrainingPlan.start_is_candidate``)."""

    def __init__(self, start_loss, start_weights, **kwargs):
        super().__init__(**kwargs)
        self._start = start_loss, start_weights

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self.best = self._start[0]
        if self.restore_best_weights:
            self.best_weights = self._start[1]


class _EpochLearningRate(keras.callbacks.Callback):
    """Sets the rate at each epoch's start and logs the rate that was used."""

    def __init__(self, schedule, monitor, previous_loss=None):
        super().__init__()
        self.schedule, self.monitor = schedule, monitor
        self._rate, self._previous_loss = None, previous_loss

    def on_epoch_begin(self, epoch, logs=None):
        self._rate = current_rate(self.model.optimizer)
        if self.schedule is None:
            return
        self._rate = next_rate(self.schedule, epoch, self._rate, self._previous_loss)
        self.model.optimizer.learning_rate = self._rate

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            self._previous_loss = logs.get(self.monitor, logs.get("loss"))
            logs["learning_rate"] = self._rate


class _OnBest(keras.callbacks.Callback):
    """Calls ``on_best(history so far)`` at each new best of the monitored loss."""

    def __init__(self, on_best, monitor):
        super().__init__()
        self.on_best, self.monitor = on_best, monitor
        self.best, self.history = np.inf, {}

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        current = (logs or {}).get(self.monitor, np.inf)
        if current < self.best:
            self.best = current
            self.on_best({k: list(v) for k, v in self.history.items()})


def predict(model, X):
    """The model's outputs for ``X``, as float64.

    A float64 pass over its weights, the same for a row in any batch (see
    :mod:`skhyper.forward`), or Keras' own in chunks of in-memory rows for a
    network that pass does not know.

    Parameters
    ----------
    model : keras.Model or skhyper._weights.NetworkWeights
        The trained network (or its weights with their architecture's
        template).
    X : ndarray of shape (n_samples, n_features)
        The rows to predict.

    Returns
    -------
    ndarray of shape (n_samples, n_outputs)
        The network's outputs, float64.
    """
    from ._weights import NetworkWeights

    if len(X) > _PREDICT_CHUNK:  # a chunk at a time: the pass keeps every layer's float64 outputs
        return np.concatenate([predict(model, X[start : start + _PREDICT_CHUNK]) for start in range(0, len(X), _PREDICT_CHUNK)])
    if isinstance(model, NetworkWeights):  # built by skhyper: layers the pass knows
        return forward(model.template, X, model.values)
    outputs = forward(model, X)
    if outputs is not None:
        return outputs
    chunks = [
        np.asarray(model(X[start : start + _PREDICT_CHUNK], training=False))
        for start in range(0, len(X), _PREDICT_CHUNK)
    ]
    return np.concatenate(chunks).astype(np.float64)
