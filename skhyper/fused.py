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
output, loss, kind of optimizer), the input width, the batch size and the
shuffling.  What a fit does around its training (a forecaster keeping its
linear start unless its network beat it) is the estimator's own, before and
after :func:`train_members` (``_before_training`` / ``_after_training``).
The stacked network itself, one per architecture in a thread whatever the
group's size, is :mod:`skhyper._stack`.

:func:`fusable` says whether a fit can join a group; :func:`worth_fusing`
whether a group's training together pays (a group of one, or a small group
of an architecture whose stack this process has yet to trace, trains faster
fit by fit); :func:`train_members` trains prepared members and returns their
histories.
"""

import json
import math
import threading
import weakref
from collections import OrderedDict

import numpy as np

from ._handoff import _searching
from ._r2 import r2_from_errors
from ._stack import Stack as _Stack
from ._stack import n_targets, penalized
from ._stack_optimizers import with_momentum

__all__ = ["architecture", "fusable", "has_stack_of_this_search", "supported_optimizer", "train_alone", "train_members",
           "worth_fusing"]

_OPTIMIZERS = ("sgd", "rmsprop", "adam")


def fusable(estimator):
    """Whether a fit of ``estimator`` can train in a fused group.

    A fit that cannot is fitted on its own, with the same result.  It can
    with SGD, RMSprop or Adam, no ``warm_start``, ``verbose``,
    ``weight_decay`` or ``clipnorm``, a schedule by name (or none), and a
    network skhyper draws itself (the compiled loop; no callbacks,
    ``checkpoint``, ``learning_rate="auto"`` or Keras objects of the
    user's).

    Parameters
    ----------
    estimator : KerasMLPClassifier, KerasMLPRegressor or WindowForecaster
        The estimator, with the candidate's parameters set.

    Returns
    -------
    bool
        Whether its fit can join a group.

    Examples
    --------
    >>> from skhyper import KerasMLPRegressor
    >>> from skhyper.fused import fusable
    >>> fusable(KerasMLPRegressor(optimizer="sgd"))
    True
    >>> fusable(KerasMLPRegressor(optimizer="adamw"))
    False
    """
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
    """Whether the fused update writes out this Keras optimizer's step.

    Parameters
    ----------
    config : dict
        The optimizer's ``get_config()``.

    Returns
    -------
    bool
        False when the optimizer uses weight decay, clipping, EMA,
        ``centered``, ``amsgrad``, loss scaling or gradient accumulation.
    """
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
    """Train prepared ``members`` (one group) together, as one stacked network.

    Each member's network weights are updated in place (its best weights
    restored under early stopping).

    Parameters
    ----------
    members : list of Member
        Prepared fits of one architecture, input width, batch size and
        shuffling (see :func:`architecture`).

    Returns
    -------
    list of dict of str -> list of float
        One history per member, as the compiled loop logs it.
    """
    from ._compiled import _EarlyStopping, trainer_for
    from .schedules import next_rate

    first = members[0]
    trainer = trainer_for(first.network.template, first.plan.metric, n_targets(first), template=True)
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

#: A group is fused only when it has at least this many members: a stacked
#: step costs a few plain steps whatever the number of members, and an
#: epoch a call of its own, where a fit on its own runs all its epochs in
#: one (``speed.py``'s task 7d, seed 003's network, warm: 3 fits fused took
#: 1.3x their time fitted one by one, 12 fits 0.8x).
FUSE_MIN_MEMBERS = 6

#: What a group of an architecture without a stack in this thread pays to
#: fuse: tracing the stacked epoch and its first call (seed 003's network:
#: 0.39 s and 0.19 s more than a later call, in CPU seconds of the shared
#: 2-core VM of ``benchmarks/results/first_search.md``; the seconds below are
#: the same VM's).
STACK_FIRST_SECONDS = 0.6

#: What fusing must save (``_saved_seconds``) to pay in a thread where no fit
#: of the architecture has traced the compiled loop (a process's first
#: search), which fitting one by one would trace: tracing the stack costs a
#: little more than that, and a refit on the stack is slower than the loop.
#: Seed 003's network, first searches in fresh processes of 2, 3 and 8
#: initializers x cv=3 (0.035, 0.053 and 0.14 s saved by the estimate): 6
#: fits 0.13 s slower fused than one by one, 9 fits 0.07 s slower, 24 fits
#: 0.17 s faster (the same VM).  With it, 6, 9 and 15 fits take the plain
#: search's time (``benchmarks/first_search.py --candidates 2``, 3, 5).
FIRST_SEARCH_SECONDS = 0.1

#: What fusing saves a member-step (seconds) with a negligible product to
#: compute (the README's forecasting search on Airline, 72 fits of networks
#: of 1,300-2,100 weights at batch 32: 5.2 s one by one, 1.6 s fused) ...
_SAVED_PER_MEMBER_STEP = 2.5e-4
#: ... less this much per multiply-add of a member's step (kernel weights x
#: batch rows: a stacked product costs about what the members' own do).  Seed
#: 003's network (8,800 weights x 128 rows) saves 0.06 ms a member-step:
#: 24 fits, 1.02 s one by one, 0.86 s fused.
_SAVED_LESS_PER_MULTIPLY_ADD = 1.7e-10


def worth_fusing(members):
    """Whether training ``members`` (a group) together pays: at least
    ``FUSE_MIN_MEMBERS`` (and two) of them, and either a stack of their
    architecture is in this thread already, or what fusing saves them
    (``_saved_seconds``) covers ``STACK_FIRST_SECONDS``, or covers
    ``FIRST_SEARCH_SECONDS`` where no fit of their architecture has traced
    the compiled loop in this thread (a process's first search: fitted one
    by one, they would trace the loop, which costs about what the stack's
    trace does, and the search's refit trains on the stack: see
    :func:`train_alone`), or a group of their architecture was
    fitted one by one before in this thread (a search run again, in a
    session or in a worker process joblib keeps: the stack is then paid for
    once, in the second run, for the runs to come).  Otherwise each trains
    on its own, as sklearn's search trains it.

    Parameters
    ----------
    members : list of Member
        A group of prepared fits.

    Returns
    -------
    bool
        Whether to train them together.
    """
    if len(members) < max(2, FUSE_MIN_MEMBERS):
        return False
    key = _stack_key(members)
    cache = getattr(_local, "stacks", None) or {}
    seen = getattr(_local, "seen", None)
    if seen is None:
        seen = _local.seen = OrderedDict()
    saved = _saved_seconds(members)
    if key in cache or key in seen or saved >= STACK_FIRST_SECONDS:
        return True
    if saved >= FIRST_SEARCH_SECONDS and not _plain_traced(members):
        return True
    seen[key] = True
    while len(seen) > _STACKS_SIZE:
        seen.popitem(last=False)
    return False


def _plain_traced(members):
    """Whether fits of the members' architecture were trained one by one in
    this thread (the compiled loop of their template traced)."""
    from ._compiled import trainer_for

    first = members[0]
    return trainer_for(first.network.template, first.plan.metric, n_targets(first), template=True).traced_epochs


def has_stack_of_this_search():
    """Whether this thread keeps a stack that the fused search running now
    traced (then its refit may train there: :func:`train_alone`).

    Returns
    -------
    bool
        False outside a fused search, or before it trained a group.
    """
    return any(_traced_by_this_search(stack) for stack in (getattr(_local, "stacks", None) or {}).values())


def _traced_by_this_search(stack):
    """Whether the fused search running now in this thread traced ``stack``."""
    search = getattr(_searching, "search", None)
    return search is not None and stack.search is not None and stack.search() is search


def train_alone(member):
    """Train one prepared ``member`` on the stack this thread keeps for its
    architecture (a fused search's refit, after its candidates trained
    there): its history, as :func:`train_members` gives it, or None (then
    fit it as any fit).

    Only where that saves a trace: the stack was traced by the fused search
    running now, and no fit of
    the architecture has traced the compiled loop in this thread.  A stack
    of one trains about 3x slower a step than the compiled loop (seed 003's
    refit: 0.13 s against 0.04 s), and the loop's trace costs about 0.45 CPU
    seconds: a process's first search saves it, a later one pays it once.

    Parameters
    ----------
    member : Member
        A prepared fit.

    Returns
    -------
    dict of str -> list of float or None
        The fit's history, or None when no traced stack can train it.
    """
    if not fusable(member.estimator) or _plain_traced([member]):
        return None  # (the compiled loop trains one network faster than a stack of one)
    stack = (getattr(_local, "stacks", None) or {}).get(_stack_key([member]))
    if stack is None or not _traced_by_this_search(stack) or not stack.traced():
        return None  # (a later search pays the compiled loop's trace once, and its fits are faster)
    return train_members([member])[0]


def _saved_seconds(members):
    """About what training ``members`` together saves over fitting them one
    by one, a stack of theirs at hand (see ``_SAVED_PER_MEMBER_STEP``)."""
    first = members[0]
    kernels = sum(value.size for value in first.network.values if value.ndim == 2)
    rows = min(first.plan.batch_size, len(first.X))
    return _member_steps(members) * max(0.0, _SAVED_PER_MEMBER_STEP - _SAVED_LESS_PER_MULTIPLY_ADD * kernels * rows)


def _stack_for(trainer, members):
    """The cached stack (variables and traced epochs) for a group of this
    architecture: the same search run again, its next batch of candidates,
    another grid or fold size of the architecture: none traces again."""
    key = _stack_key(members)
    cache = getattr(_local, "stacks", None)
    if cache is None:
        cache = _local.stacks = OrderedDict()
    stack = cache.pop(key, None)
    if stack is None:
        stack = _Stack(trainer, members, key[-1])
        search = getattr(_searching, "search", None)  # the search that traced it (see train_alone), not kept alive
        stack.search = None if search is None else weakref.ref(search)
    cache[key] = stack
    while len(cache) > 1 and (len(cache) > _STACKS_SIZE or sum(s.nbytes() for s in cache.values()) > STACKS_BYTES):
        cache.popitem(last=False)
    return stack


def _stack_key(members):
    """What a stack's traces depend on: the architecture (any input width),
    the number of target columns, the shuffling, whether members add
    penalties, keep a momentum slot or validate, and whether XLA compiles
    the step (part of the key: a group's results never depend on which
    groups the process trained before)."""
    first = members[0]
    return (architecture(first.estimator, None, first.network.template), n_targets(first), bool(first.plan.shuffle),
            penalized(members), first.plan.validation_data is not None, with_momentum(members),
            _member_steps(members) >= XLA_MEMBER_STEPS)  # fmt: skip


def _member_steps(members):
    """Members x steps per epoch x epochs: what the group has to train."""
    steps = max(math.ceil(len(m.X) / min(m.plan.batch_size, len(m.X))) for m in members)
    return len(members) * steps * max(m.plan.epochs for m in members)


#: Settings of the template's key that members of a group may differ in
#: (each member's own values go into the stacked epoch).
_PER_MEMBER = ("l1", "l2", "momentum", "nesterov", "rho", "epsilon", "beta_1", "beta_2")


def architecture(estimator, n_inputs, template):
    """What the members of a group share, as a string key.

    The template's key (see ``_template_key``) without the settings members
    may differ in: L1/L2, the optimizer's momentum, Nesterov, rho, epsilon
    and betas, and the dropout rates (not which layers have dropout: a rate
    of 0 builds no layer).

    Parameters
    ----------
    estimator : KerasMLPClassifier, KerasMLPRegressor or WindowForecaster
        A member's estimator.
    n_inputs : int or None
        The input width; None for any width (a stack's key).
    template : keras.Model
        The template network of the estimator's architecture.

    Returns
    -------
    str
        The key (JSON).
    """
    parts = json.loads(estimator._template_key(template.inputs[0].shape[-1], template.outputs[0].shape[-1]))
    parts[1] = n_inputs
    settings = {name: value for name, value in parts[-1].items() if name not in _PER_MEMBER}
    settings["dropout"] = [rate > 0 for rate in settings["dropout"]]
    parts[-1] = settings
    return json.dumps(parts, sort_keys=True)
