"""Learning-rate schedules by name, stepped once per epoch.

Seeds 001 and 003 change the rate per epoch with Keras'
``LearningRateScheduler``; these are those schedules, as small objects the
training loop asks for the rate at the start of each epoch.  Keras' own
``LearningRateSchedule`` objects count optimizer steps (batches) instead; the
estimators pass those straight to the optimizer.

Every schedule starts from the estimator's ``learning_rate`` (``lr0``)::

    constant         lr0
    exponential      lr0 * exp(-lr_decay * epoch)                 (seed 003)
    inverse_time     lr0 / (1 + lr_decay * epoch)    (Keras 2's ``decay=``, per epoch)
    step             lr0 * lr_drop ** floor(epoch / lr_step)
    cosine           lr_min + (lr0 - lr_min) * (1 + cos(pi * epoch / epochs)) / 2
    cosine_restarts  cosine over lr_period epochs, then restarts with a period
                     lr_period_mult times longer (SGDR; the weights are kept)
    plateau          lr * lr_drop when the monitored loss has not improved for
                     lr_patience epochs, never below lr_min

Keras 2's ``SGD(decay=d)`` lowered the rate per *batch*:
``lr0 / (1 + d * iteration)``.  With ``n`` batches per epoch, ``inverse_time``
with ``lr_decay = d * n`` follows it at epoch boundaries; for the exact
per-batch curve pass
``keras.optimizers.schedules.InverseTimeDecay(lr0, decay_steps=1, decay_rate=d)``
as ``lr_schedule``.
"""

import math
from dataclasses import dataclass

__all__ = ["SCHEDULES", "EpochSchedule", "make_schedule", "next_rate"]


class EpochSchedule:
    """The rate for each epoch: the base of skhyper's per-epoch schedules.

    The training loop asks :meth:`rate` once at each epoch's start.  The
    schedules by name (:data:`SCHEDULES`) are subclasses; a function
    ``f(epoch, lr)`` given as ``lr_schedule`` is wrapped in one.

    Examples
    --------
    >>> from skhyper.schedules import make_schedule
    >>> schedule = make_schedule("step", 0.1, {"lr_drop": 0.5, "lr_step": 2})
    >>> [schedule.rate(epoch, None, None) for epoch in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """

    def rate(self, epoch, previous_rate, previous_loss):
        """The learning rate for ``epoch``.

        Parameters
        ----------
        epoch : int
            The epoch about to start, from 0.
        previous_rate : float
            The rate of the epoch before (``lr0`` at epoch 0).
        previous_loss : float or None
            The epoch before's monitored loss (None at epoch 0, and at the
            first epoch of a ``partial_fit``).

        Returns
        -------
        rate : float
            The learning rate for ``epoch``.
        """
        raise NotImplementedError


@dataclass
class Exponential(EpochSchedule):
    lr0: float
    lr_decay: float

    def rate(self, epoch, previous_rate, previous_loss):
        return self.lr0 * math.exp(-self.lr_decay * epoch)


@dataclass
class InverseTime(EpochSchedule):
    lr0: float
    lr_decay: float

    def rate(self, epoch, previous_rate, previous_loss):
        return self.lr0 / (1.0 + self.lr_decay * epoch)


@dataclass
class Step(EpochSchedule):
    lr0: float
    lr_drop: float
    lr_step: int

    def rate(self, epoch, previous_rate, previous_loss):
        return self.lr0 * self.lr_drop ** (epoch // self.lr_step)


@dataclass
class Cosine(EpochSchedule):
    lr0: float
    epochs: int
    lr_min: float

    def rate(self, epoch, previous_rate, previous_loss):
        return _cosine(self.lr0, self.lr_min, epoch / max(self.epochs, 1))


@dataclass
class CosineRestarts(EpochSchedule):
    lr0: float
    lr_period: int
    lr_period_mult: float
    lr_min: float

    def rate(self, epoch, previous_rate, previous_loss):
        start, period = 0, float(self.lr_period)
        while epoch >= start + period:
            start, period = start + period, period * self.lr_period_mult
        return _cosine(self.lr0, self.lr_min, (epoch - start) / period)


@dataclass
class Plateau(EpochSchedule):
    """Keras' ``ReduceLROnPlateau``, as a schedule: it keeps the best loss."""

    lr0: float
    lr_drop: float
    lr_patience: int
    lr_min: float

    def __post_init__(self):
        self._best, self._waited = math.inf, 0

    def rate(self, epoch, previous_rate, previous_loss):
        if epoch == 0:
            self._best, self._waited = math.inf, 0
            return self.lr0
        if previous_loss is None:  # the first epoch of a partial_fit: no news
            return previous_rate
        if previous_loss < self._best:
            self._best, self._waited = previous_loss, 0
            return previous_rate
        self._waited += 1
        if self._waited < self.lr_patience:
            return previous_rate
        self._waited = 0
        return max(previous_rate * self.lr_drop, self.lr_min)


@dataclass
class UserFunction(EpochSchedule):
    """A user's ``f(epoch, lr) -> lr``, as Keras' ``LearningRateScheduler`` takes."""

    function: object

    def rate(self, epoch, previous_rate, previous_loss):
        return float(self.function(epoch, previous_rate))


def _cosine(high, low, fraction):
    return low + (high - low) * 0.5 * (1.0 + math.cos(math.pi * min(fraction, 1.0)))


#: Schedule name -> (class, the estimator parameters it reads besides lr0).
SCHEDULES = {
    "constant": (None, ()),  # no per-epoch change: the optimizer keeps its rate
    "exponential": (Exponential, ("lr_decay",)),
    "inverse_time": (InverseTime, ("lr_decay",)),
    "step": (Step, ("lr_drop", "lr_step")),
    "cosine": (Cosine, ("epochs", "lr_min")),
    "cosine_restarts": (CosineRestarts, ("lr_period", "lr_period_mult", "lr_min")),
    "plateau": (Plateau, ("lr_drop", "lr_patience", "lr_min")),
}


def make_schedule(spec, lr0, params):
    """The per-epoch schedule for ``spec``, or None when nothing changes the rate per epoch.

    ``"constant"`` and Keras schedules give None: the rate the optimizer was
    built with stays (so a Keras ``ReduceLROnPlateau`` callback, say, is not
    undone every epoch).

    Parameters
    ----------
    spec : str, callable or keras.optimizers.schedules.LearningRateSchedule
        A name of :data:`SCHEDULES`, a callable ``f(epoch, lr)``, or a Keras
        schedule (stepped per batch by the optimizer itself).
    lr0 : float
        The starting rate (the estimator's ``learning_rate``).
    params : dict
        The estimator's parameters; each schedule reads the ones
        :data:`SCHEDULES` lists.

    Returns
    -------
    schedule : EpochSchedule or None
        What the training loop asks for each epoch's rate.

    Examples
    --------
    >>> from skhyper.schedules import make_schedule
    >>> schedule = make_schedule("exponential", 0.1, {"lr_decay": 0.1})
    >>> round(schedule.rate(10, None, None), 4)  # 0.1 * exp(-0.1 * 10)
    0.0368
    >>> make_schedule("constant", 0.1, {}) is None
    True
    """
    if spec == "constant" or is_keras_schedule(spec):
        return None  # the optimizer's own rate, set once (or stepped by Keras)
    if isinstance(spec, str):
        cls, names = SCHEDULES[spec]
        return cls(float(lr0), **{name: params[name] for name in names})
    return UserFunction(spec)


def next_rate(schedule, epoch, previous_rate, previous_loss):
    """The rate ``schedule`` gives for ``epoch``, checked to be usable.

    Parameters
    ----------
    schedule : EpochSchedule
        The schedule.
    epoch : int
        The epoch about to start, from 0.
    previous_rate : float
        The rate of the epoch before.
    previous_loss : float or None
        The epoch before's monitored loss.

    Returns
    -------
    rate : float
        A finite rate >= 0.

    Raises
    ------
    ValueError
        The schedule gave a negative, infinite or NaN rate.

    Examples
    --------
    >>> from skhyper.schedules import make_schedule, next_rate
    >>> next_rate(make_schedule(lambda epoch, lr: lr / 2, 0.1, {}), 1, 0.1, None)
    0.05
    """
    rate = float(schedule.rate(epoch, previous_rate, previous_loss))
    if not (rate >= 0 and math.isfinite(rate)):
        raise ValueError(
            f"The learning-rate schedule gave {rate!r} for epoch {epoch};"
            " a learning rate must be a finite number >= 0."
        )
    return rate


def is_keras_schedule(spec):
    """Whether ``spec`` is a Keras ``LearningRateSchedule`` (counted in steps).

    Parameters
    ----------
    spec : object
        An ``lr_schedule`` value.

    Returns
    -------
    bool
        True for a Keras schedule, which the optimizer steps per batch.
    """
    import keras

    return isinstance(spec, keras.optimizers.schedules.LearningRateSchedule)
