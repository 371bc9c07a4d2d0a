"""The learning-rate range test (seed 000), for any skhyper estimator.

Seed 000 raises the rate every epoch, ``1e-8 * 10**(epoch / 20)`` for 100
epochs, plots the loss against the rate on a log axis, and picks the rate
where the loss is lowest and still stable.  :func:`lr_find` does that on a
copy of the estimator: an exponential ramp from ``start_lr`` to ``end_lr``,
stepped per batch (or per epoch, as the seed), a smoothed loss, a stop when
the loss diverges, and a suggested rate.

The loss is smoothed with an exponential moving average run forwards and
then backwards, so the smoothed curve does not lag behind the rates.  The
suggestion rules:

``"divergence_over_25"``
    a 25th of the rate where the test diverged (a step's loss passed
    ``divergence`` times the best smoothed loss, or the batch noise's band if
    wider, see below; the last rate when it never did), and no more than the
    rate at the smoothed loss's minimum.  The
    blow-up is the sharpest thing on the curve; the minimum before it can
    sit anywhere on a flat valley floor, and the steepest descent moves with
    the smoothing and the span it is measured over.  The default per batch:
    ``benchmarks/lr_find.py`` trained at it within 1% of the best of ten
    fixed rates on more dataset x optimizer pairs than the other two rules.
``"steepest"``
    the rate where the smoothed loss falls fastest against ``log(rate)``
    (over the decade around each rate), looked for before the loss's
    minimum.  The previous default per batch: too high for SGD with momentum
    (0.17 to 0.29 on digits, where 0.03 to 0.1 train best) and too low for
    Adam on some regressions and series.
``"min_over_10"``
    a tenth of the rate at the smoothed loss's minimum: the minimum sits at
    the edge of stability, a decade lower is safe.  The default per epoch,
    where each step trains a whole epoch and the first epochs' steep fall is
    the untrained network's, not the rate's doing.

Per batch, each step's loss is one batch's, and on small or imbalanced data
batches differ by more than ``divergence``'s 4 times: with one row in 20 of a
rare class, a batch of 32 holds 0 to 4 of them and its loss ranges from 0.06
to 0.5 at 1e-7, and one batch over 4 times the best was taken for a
divergence at 5e-6, for a suggestion of 2e-7 that never trained.  So a step diverges when
its loss passes the best by the larger of ``divergence`` and the noise's band:
``exp(4 sd)``, ``sd`` the standard deviation of the log-losses of the first
steps about their straight-line trend: those at rates up to 1e-5 and at most
the first fifth (to 4e-6 on the default ramp, too low to train anything:
their spread is the batches'); a divergence is looked for after those steps.
A test that starts at a rate that trains (fewer than 5 such steps), and a
test per epoch, which has no batch noise, keep ``divergence`` alone.  Where batches agree within 4 times (balanced
classes, most regressions and series) the rule is the previous one and finds
a blow-up at the same step; where they do not, a real blow-up still passes
the band within a few steps, as the loss grows without bound.  On
``benchmarks/lr_find.py``'s 17 pairs x 10 seeds the default's rate changed
on one range test of 170 (sunspots, seed 0, whose first batches spread more:
0.0013 to 0.0067, MAE 14.13 to 14.43; the pair failed before and after) and
11 pairs passed, as before.  Three batches in a row over ``divergence``
times the best was tried instead and found the blow-up later on digits,
where one batch's jump is the first sign of it (the default's accuracy with
adam 0.960 to 0.948, with sgd 0.888 to 0.862, both then failing).

Per batch, with an optimizer's ``momentum`` (SGD's, RMSprop's), every rule's
rate is then multiplied by ``momentum_factor``: momentum sums each step's
rate-scaled gradient with the earlier ones, decayed by ``momentum`` a step,
so at a fixed rate the steps grow to ``rate / (1 - momentum)``; on the
test's ramp, each rate ``q`` times the last, the sum holds mostly the
earlier, smaller rates and reaches only ``rate / (1 - momentum / q)``.  What
the test shows at a rate, training at a fixed rate reaches at
``(1 - momentum) / (1 - momentum / q)`` times it (0.4 for momentum 0.9 on
the default ramp).  Adam's ``beta_1`` averages gradients before the rate
scales them: no lag.  Per epoch the rate is fixed for a whole epoch: no
correction.

A training loss cannot show which rate generalizes best: ``refine=k``
trains ``k`` copies at rates around the suggestion on the training data
minus a held-out part and suggests the one that scores best there, as one
does by hand after a range test.  Over ``benchmarks/lr_find.py``'s 17
dataset x optimizer pairs and 20 seeds, ``refine=7`` trained within 1% of
the best of ten fixed rates on 12 pairs against 10 for the range test
alone, and cut the mean shortfall from that best from 0.028 to 0.008 (the
worst from 0.18 to 0.045: small regressions and series, where a lower or
higher rate generalizes better), for seven fits on 80% of the data
(``benchmarks/results/lr_find_refine_summary.md``).  It is not the default.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone

from ._stacklevel import user_stacklevel

__all__ = ["LRFinderResult", "lr_find"]

RULES = ("auto", "divergence_over_25", "steepest", "min_over_10")

#: The batch noise's band, in standard deviations of the first steps' log-losses (``_noise_band``):
#: on 5 x 3 seeds of imbalanced classes (one row in 20), single batches passed the best smoothed
#: loss by up to 3.7 of them at rates too low to diverge.
NOISE_Z = 4.0


@dataclass
class LRFinderResult:
    """What a range test saw, and the rate it suggests.

    :func:`lr_find` returns one; each parameter is kept as the attribute of
    the same name.

    Parameters
    ----------
    learning_rates : ndarray of shape (n_steps,)
        The rate of each step run (the test stops early when the loss
        diverges, so ``n_steps`` may be below ``num_steps``).
    losses : ndarray of shape (n_steps,)
        The training loss of each step: of its batch per batch, of the
        epoch per epoch.
    smoothed_losses : ndarray of shape (n_steps,)
        ``losses`` smoothed by an exponential moving average run forwards,
        then backwards up to the divergence (in logarithms for positive
        losses).
    suggestion : float
        The rate ``rule`` picks, times ``momentum_factor`` (never below the
        first rate tried).
    rule : {"divergence_over_25", "steepest", "min_over_10"}
        The rule that picked ``suggestion`` (``"auto"`` resolved); see the
        module's documentation.
    steepest_rate : float
        The rate where the smoothed loss falls fastest, before its minimum.
    min_loss_rate : float
        The rate at the smoothed loss's minimum.
    diverged : bool
        Whether the test stopped because the loss blew up.
    per : {"batch", "epoch"}, default="batch"
        Whether each step was a batch or a whole epoch.
    divergence_rate : float, default=nan
        The rate of the step where the loss blew up (the last rate tried when
        it never did).
    momentum_factor : float, default=1.0
        The training rate per rate of the test, with the optimizer's
        momentum (1 without momentum, and per epoch); see the module's
        documentation.
    range_suggestion : float, default=nan
        The range test's own suggestion: ``suggestion`` before the
        refinement by validation (``refine``), and equal to it without one
        (nan given here means ``suggestion``).
    refine_rates : ndarray of shape (n_rates,), default=None
        The rates ``refine`` trained at, ascending; None without refinement.
    refine_scores : ndarray of shape (n_rates,), default=None
        The estimator's ``score`` on the held-out part after training at
        each of ``refine_rates`` (``-inf`` for a fit that diverged or
        predicted non-finite values); None without refinement.

    See Also
    --------
    lr_find : Run the test.
    skhyper.plotting.plot_lr_find : Its figure.
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    suggestion: float
    rule: str
    steepest_rate: float
    min_loss_rate: float
    diverged: bool
    per: str = field(default="batch")
    divergence_rate: float = field(default=float("nan"))
    momentum_factor: float = field(default=1.0)
    range_suggestion: float = field(default=float("nan"))
    refine_rates: np.ndarray = field(default=None)
    refine_scores: np.ndarray = field(default=None)

    def __post_init__(self):
        if np.isnan(self.range_suggestion):
            self.range_suggestion = self.suggestion

    def plot(self, ax=None):
        """Draw seed 000's figure: loss against rate on a log axis, suggestion marked.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, default=None
            The axes to draw on; None draws on a new figure's.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        See Also
        --------
        skhyper.plotting.plot_lr_find : The function this calls.
        """
        from .plotting import plot_lr_find

        return plot_lr_find(self, ax=ax)


def lr_find(
    estimator,
    X,
    y=None,
    *,
    start_lr=1e-7,
    end_lr=10.0,
    num_steps=100,
    per="batch",
    smoothing=None,
    divergence=4.0,
    rule="auto",
    sample_weight=None,
    refine=None,
):
    """Run a learning-rate range test on a copy of ``estimator``.

    The copy's rate grows exponentially from ``start_lr`` to ``end_lr``
    over ``num_steps`` steps (batches or epochs) while it trains; the test
    stops when the loss diverges.  ``estimator`` itself is not trained.

    Parameters
    ----------
    estimator : KerasMLPClassifier, KerasMLPRegressor or WindowForecaster
        The estimator to test (not modified; its network, optimizer, batch
        size and seeds are used).
    X : array-like
        The training data, as for ``estimator.fit``.
    y : array-like, default=None
        The targets, as for ``estimator.fit`` (None for a forecaster's own
        series).
    start_lr : float, default=1e-7
        The first rate of the exponential ramp.
    end_lr : float, default=10.0
        The last rate of the ramp (above ``start_lr``).
    num_steps : int, default=100
        The number of rates tried (at least 3).
    per : {"batch", "epoch"}, default="batch"
        Step the rate after every batch (fast), or after every epoch as seed
        000 does (``start_lr=1e-8, end_lr=1e-3, num_steps=100, per="epoch"``
        reproduces its ``1e-8 * 10**(epoch / 20)``).
    smoothing : float, default=None
        The exponential moving average's weight, in [0, 1); None averages
        over about 5% of the steps (``1 - 20 / num_steps``, kept within
        [0.5, 0.98]).
    divergence : float, default=4.0
        Stop when a step's loss exceeds this multiple of the best smoothed
        loss (above 1), or the band of the first steps' noise if wider (see
        the module's documentation).
    rule : {"auto", "divergence_over_25", "steepest", "min_over_10"}, default="auto"
        How the rate is suggested (see the module's documentation); "auto"
        is "divergence_over_25" per batch, "min_over_10" per epoch.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows, as for ``estimator.fit``.
    refine : int or array-like of float, default=None
        Refine the range test's suggestion by validation: train a copy of
        ``estimator`` (its own epochs, schedule and seeds) at a few rates
        around it on the training data minus a held-out part, score each
        with ``estimator.score`` on the held-out part, and suggest the rate
        that scored best (of rates that tie, the one nearest the range
        test's suggestion).  An int ``k`` (at
        least 2) tries ``k`` rates a third of a decade apart: the range
        test's suggestion times ``10**(j / 3)`` for ``j`` from
        ``-ceil(k / 2)`` to ``floor(k / 2) - 1`` (``k=5``: -3..1, a tenth
        of it to twice it; ``k=9``: -5..3, a 46th of it to 10 times it); an
        array gives the factors of the suggestion to try.  The held-out part is the rows the
        estimator's own ``validation_split`` (or early stopping) holds out,
        or else a seeded 20% of the rows (stratified for a classifier); for
        a forecaster the latest part of the series, in time order.  Costs
        ``k`` fits on about 80% of the data.  None (the default) keeps the
        range test's suggestion.

    Returns
    -------
    LRFinderResult
        The rates tried, their losses and the suggested rate
        (``suggestion``); with ``refine``, also the range test's own
        suggestion (``range_suggestion``) and the rates the refinement
        tried with their validation scores (``refine_rates``,
        ``refine_scores``).

    Raises
    ------
    ValueError
        For settings out of range, data ``estimator.fit`` would refuse, or
        a loss that is not finite from the first steps.

    Warns
    -----
    RuntimeWarning
        When the loss never fell below its start: the suggestion is then
        only the start rate.

    See Also
    --------
    LRFinderResult.plot : Draw the loss against the rate.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skhyper import KerasMLPClassifier, lr_find
    >>> X, y = load_iris(return_X_y=True)
    >>> model = KerasMLPClassifier(hidden_layer_sizes=(8,), random_state=0)
    >>> result = lr_find(model, X, y, start_lr=1e-4, end_lr=1.0, num_steps=30)
    >>> result.per, len(result.learning_rates) <= 30
    ('batch', True)
    >>> bool(1e-4 <= result.suggestion <= 1.0)
    True
    """
    _check_settings(start_lr, end_lr, num_steps, per, smoothing, divergence, rule)
    factors = _refine_factors(refine)
    trial = clone(estimator).set_params(learning_rate=start_lr, lr_schedule="constant")
    trial._check_params()
    trial.learning_rate_ = float(start_lr)
    X_rows, _, y_model, weights = trial._training_rows(X, y, sample_weight, reset=True)
    result = range_test(trial, X_rows, y_model, weights, start_lr=start_lr, end_lr=end_lr, num_steps=num_steps,
                        per=per, smoothing=smoothing, divergence=divergence, rule=rule)  # fmt: skip
    if factors is None:
        return result
    rates = result.range_suggestion * factors
    fit_part, held_out = _validation_parts(estimator, trial, X, y, sample_weight)
    scores = np.array([_validation_score(estimator, rate, fit_part, held_out) for rate in rates])
    result.refine_rates, result.refine_scores = rates, scores
    if np.isfinite(scores).any():
        result.suggestion = float(rates[_pick_refined(rates, scores, result.range_suggestion)])
    else:
        warnings.warn(
            "Every fit of the refinement diverged or scored non-finite on the held-out part; the suggestion"
            " is the range test's.",
            RuntimeWarning,
            stacklevel=2,
        )
    return result


def _pick_refined(rates, scores, center, tolerance=0.0, smooth=False):
    """The index of the rate the refinement suggests: the best validation score
    (with ``smooth``, each averaged with its two neighbours', the end ones
    counted twice); of the rates within ``tolerance`` of it (ties), the one
    nearest ``center`` in log scale.  ``lr_find`` uses the defaults: over
    ``benchmarks/lr_find.py``'s 17 pairs x 20 seeds, smoothing and a
    tolerance did not pass more pairs (``results/lr_find_refine_summary.md``)."""
    scores = np.where(np.isfinite(scores), scores, -np.inf)
    if smooth and len(scores) > 2:
        padded = np.r_[scores[0], scores, scores[-1]]
        with np.errstate(invalid="ignore"):
            scores = (padded[:-2] + padded[1:-1] + padded[2:]) / 3
        scores = np.where(np.isfinite(scores), scores, -np.inf)
    best = scores.max()
    candidates = np.flatnonzero(scores >= best - tolerance)
    return int(candidates[np.argmin(np.abs(np.log(np.asarray(rates)[candidates] / center)))])


def _refine_factors(refine):
    """The factors of the range test's suggestion that ``refine`` tries (None: none)."""
    if refine is None or refine is False:
        return None
    if np.ndim(refine) == 0:
        if isinstance(refine, bool) or int(refine) != refine or refine < 2:
            raise ValueError(f"refine must be None, an int of at least 2 or an array of factors, got {refine!r}.")
        k = int(refine)
        return 10.0 ** ((np.arange(k) - (k + 1) // 2) / 3)  # j = -ceil(k / 2) .. floor(k / 2) - 1
    factors = np.sort(np.asarray(refine, dtype=float).ravel())
    if len(factors) < 1 or not np.all(np.isfinite(factors) & (factors > 0)):
        raise ValueError(f"refine's factors must be positive and finite, got {refine!r}.")
    return factors


def _take(data, rows):
    """``data``'s rows (positions), for arrays, lists and pandas objects alike."""
    from sklearn.utils import _safe_indexing

    return None if data is None else _safe_indexing(data, rows)


def _validation_parts(estimator, trial, X, y, sample_weight):
    """``(fit_part, held_out)``: the arguments of ``fit`` and of ``score``.

    The held-out part is what the estimator's ``validation_split`` holds out
    (its seeded split), or else 20%; for a forecaster, the latest steps."""
    from sklearn.base import is_classifier
    from sklearn.model_selection import train_test_split

    fraction = trial._validation_fraction() or 0.2
    if hasattr(estimator, "forecast"):  # a WindowForecaster: fit(X, y=None), score(X, y=None)
        if getattr(trial, "panel_", False):
            raise ValueError("refine does not split a panel; give one series, or refine=None.")
        n_steps = len(X)
        n_val = int(np.ceil(n_steps * fraction))
        first, last = np.arange(n_steps - n_val), np.arange(n_steps - n_val, n_steps)
        return (_take(X, first), _take(y, first)), (_take(X, last), _take(y, last))
    n_samples = len(y)
    n_val = int(np.ceil(n_samples * fraction))
    if not 0 < n_val < n_samples:
        raise ValueError(f"refine needs rows to train on and to hold out; got {n_samples} samples.")
    stratify = None
    if is_classifier(estimator):
        labels = np.asarray(y)
        _, counts = np.unique(labels, axis=0, return_counts=True) if labels.ndim > 1 else np.unique(
            labels, return_counts=True)  # fmt: skip
        if counts.min() >= 2 and min(n_val, n_samples - n_val) >= len(counts):
            stratify = labels
    first, last = train_test_split(np.arange(n_samples), test_size=n_val, stratify=stratify,
                                   random_state=trial._seeds["split"])  # fmt: skip
    first, last = np.sort(first), np.sort(last)
    weight = (lambda rows: {}) if sample_weight is None else (lambda rows: {"sample_weight": _take(sample_weight, rows)})
    return (_take(X, first), _take(y, first), weight(first)), (_take(X, last), _take(y, last), weight(last))


def _validation_score(estimator, rate, fit_part, held_out):
    """``estimator.score`` on ``held_out`` after a copy trains on ``fit_part`` at ``rate``
    (-inf when the fit diverges or the score is not finite)."""
    model = clone(estimator).set_params(learning_rate=float(rate))
    *fit_args, fit_kwargs = fit_part if isinstance(fit_part[-1], dict) else (*fit_part, {})
    *score_args, score_kwargs = held_out if isinstance(held_out[-1], dict) else (*held_out, {})
    try:
        model.fit(*fit_args, **fit_kwargs)
        with np.errstate(all="ignore"):
            value = float(model.score(*score_args, **score_kwargs))
    except ValueError as error:  # the fit stops when the loss becomes inf or NaN
        if "diverged" not in str(error) and "NaN" not in str(error) and "infinity" not in str(error):
            raise
        return -np.inf
    return value if np.isfinite(value) else -np.inf


def range_test(estimator, X, y_model, sample_weight, *, start_lr=1e-7, end_lr=10.0, num_steps=100,
               per="batch", smoothing=None, divergence=4.0, rule="auto", warn_at_floor=False):  # fmt: skip
    """The test itself, on ``estimator.model_`` (which it trains).

    With ``warn_at_floor`` (``learning_rate="auto"``, which trains at the
    suggestion unseen), warn when the suggestion is at the bottom of the
    range: in its first tenth, in log scale (below 6.3e-7 on the default
    1e-7 to 10), among the steps that measure the batch noise.  No rate there
    trains a network in a fit's epochs; such a suggestion says the test saw
    no descent, not that the rate is good."""
    if smoothing is None:
        smoothing = min(max(1 - 20 / num_steps, 0.5), 0.98)
    rates = start_lr * (end_lr / start_lr) ** (np.arange(num_steps) / max(num_steps - 1, 1))
    if per == "epoch":
        losses = _losses_per_epoch(estimator, X, y_model, sample_weight, rates)
    else:
        losses = _losses_per_batch(estimator, X, y_model, sample_weight, rates, smoothing, divergence)
    if rule == "auto":
        rule = "min_over_10" if per == "epoch" else "divergence_over_25"
    momentum = _momentum_factor(getattr(estimator.model_.optimizer, "momentum", 0.0), rates, per)
    window = _noise_window(rates) if per == "batch" else 0  # (an epoch's loss has no batch noise)
    result = _summarize(rates[: len(losses)], np.asarray(losses), smoothing, divergence, rule, per, momentum,
                        noise_window=window)  # fmt: skip
    if warn_at_floor and result.suggestion < start_lr * (end_lr / start_lr) ** 0.1:
        stop = f"it diverged at {result.divergence_rate:.3g}" if result.diverged else "the end of the test"
        warnings.warn(
            f"learning_rate='auto': the range test's suggestion, {result.suggestion:.3g}, is at the bottom of the"
            f" rates it tried ({start_lr:.3g} to {end_lr:.3g}): the loss showed no descent before {stop}, and"
            f" training at {result.suggestion:.3g} will barely move the network.  Give a fixed learning_rate"
            " (such as 0.001), or run skhyper.lr_find with a wider range (start_lr, end_lr) or more num_steps"
            " and give the rate it suggests.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    return result


def _losses_per_batch(estimator, X, y_model, sample_weight, rates, smoothing, divergence):
    from . import engine

    model = estimator.model_
    rng = np.random.RandomState(estimator._seeds["shuffle"])
    batch_size = min(estimator._batch_size(), len(X))
    order, position = rng.permutation(len(X)), 0
    losses, average, best = [], 0.0, np.inf
    window, factor = _noise_window(rates), divergence
    for step, rate in enumerate(rates):
        if position + batch_size > len(X):
            order, position = rng.permutation(len(X)), 0
        rows = order[position : position + batch_size]
        position += batch_size
        model.optimizer.learning_rate = float(rate)
        model.reset_metrics()
        weights = None if sample_weight is None else engine.keras_weights(sample_weight[rows], y_model)
        logs = model.train_on_batch(X[rows], y_model[rows], sample_weight=weights, return_dict=True)
        loss = float(logs["loss"])
        losses.append(loss)
        average = smoothing * average + (1 - smoothing) * loss
        smoothed = average / (1 - smoothing ** (step + 1))
        # Cheap early stop, by _summarize's rule (once the first steps have measured the noise).
        if window and step == window:
            factor = max(divergence, _noise_band(losses, window))
        if not np.isfinite(loss) or (step >= max(window, 6) and loss > factor * best):
            break
        best = min(best, smoothed)
    return losses


def _losses_per_epoch(estimator, X, y_model, sample_weight, rates):
    from . import engine
    from .schedules import UserFunction

    plan = engine.TrainingPlan(
        epochs=len(rates), batch_size=estimator._batch_size(), shuffle=estimator.shuffle,
        shuffle_seed=estimator._seeds["shuffle"], metric=estimator._metric,
        schedule=UserFunction(lambda epoch, lr: float(rates[epoch])),
    )  # fmt: skip
    history = engine.train(estimator.model_, X, y_model, sample_weight, plan, engine=estimator.engine)
    return history["loss"]


def _ema(values, smoothing):
    """Bias-corrected exponential moving average (NaN/inf carry the last value)."""
    out, average, last = np.empty(len(values)), 0.0, 0.0
    for step, value in enumerate(values):
        last = value if np.isfinite(value) else last
        average = smoothing * average + (1 - smoothing) * last
        out[step] = average / (1 - smoothing ** (step + 1))
    return out


def _momentum_factor(momentum, rates, per):
    """Training's rate per rate of the test with this momentum: (1 - m) / (1 - m / q)
    for a ramp of ratio q a step (see the module's documentation)."""
    try:
        momentum = float(momentum or 0.0)
    except (TypeError, ValueError):  # not a number (a schedule or variable we cannot read)
        return 1.0
    if per != "batch" or not 0 < momentum < 1 or len(rates) < 2:
        return 1.0
    ratio = float(rates[1] / rates[0])
    return (1 - momentum) / (1 - momentum / ratio)


def _summarize(rates, losses, smoothing, divergence, rule, per, momentum_factor=1.0, noise_window=None):
    """The result of a test's ``losses`` at ``rates`` (cut where it stopped).  ``noise_window``:
    the steps measuring the batch noise, ``_noise_window`` of the test's whole ramp (None: of
    ``rates``, for a test run to its end; 0 per epoch, which has no batch noise)."""
    if np.isfinite(losses[:2]).sum() < 2:
        raise ValueError(
            f"The loss was not finite from the range test's first steps (at rates from"
            f" {rates[0]:.3g}): scale the inputs and targets, or start lower."
        )
    # Smoothed in log space: the loss spans decades when each step is an epoch.
    positive = bool(np.all(losses[np.isfinite(losses)] > 0))
    to_scale, from_scale = (np.log, np.exp) if positive else (np.asarray, np.asarray)
    with np.errstate(invalid="ignore", over="ignore"):
        forward = _ema(to_scale(losses), smoothing)
    running_best = np.minimum.accumulate(forward)
    # A step diverged when its loss is not finite, or passes the best smoothed loss so
    # far times divergence or, if wider, the band of the batch noise measured on the
    # first steps (see _noise_band); such a step is looked for after those steps.
    if noise_window is None:
        noise_window = _noise_window(rates) if per == "batch" else 0
    window = noise_window
    if positive:
        limit = running_best + np.log(max(divergence, _noise_band(losses, window) if window else 1.0))
    else:
        limit = divergence * running_best
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = to_scale(losses)
    over = raw > limit
    over[:window] = False
    blown = ~np.isfinite(losses) | over
    blown[:5] = False
    end = max(int(np.argmax(blown)) if blown.any() else len(losses), 2)
    usable = slice(0, end)
    # Run backwards too up to the divergence: no lag, and the blow-up does
    # not leak back into the curve before it.
    smoothed = forward.copy()
    smoothed[usable] = _ema(forward[usable][::-1], smoothing)[::-1]
    smoothed = from_scale(smoothed)
    lowest = int(np.nanargmin(smoothed[usable]))
    slopes = _slopes(smoothed[usable], np.log10(rates[usable]))
    skip = min(len(rates) // 10, max(lowest - 1, 0))  # the first steps are noise
    steepest = skip + int(np.argmin(slopes[skip : lowest + 1]))
    steepest_rate, min_loss_rate = float(rates[steepest]), float(rates[lowest])
    if lowest <= 1:
        warnings.warn(
            "The loss never fell below its start over the range test"
            f" ({rates[0]:.3g} to {rates[len(losses) - 1]:.3g} in {len(losses)} steps), so the"
            " suggestion is only the start rate: try more steps, a lower start_lr, or per='epoch'.",
            RuntimeWarning,
            stacklevel=4,
        )
    divergence_rate = float(rates[end] if blown.any() else rates[len(losses) - 1])
    suggestion = {
        "divergence_over_25": min(divergence_rate / 25, min_loss_rate),
        "steepest": steepest_rate,
        "min_over_10": min_loss_rate / 10,
    }[rule] * momentum_factor
    return LRFinderResult(rates, losses, smoothed, max(suggestion, float(rates[0])), rule, steepest_rate,
                          min_loss_rate, bool(blown.any()), per, divergence_rate, momentum_factor)  # fmt: skip


#: The highest rate whose step measures the batch noise (too low to train a network).
NOISE_RATE = 1e-5


def _noise_window(rates):
    """How many first steps of a per-batch test's ``rates`` (the whole ramp)
    measure the batch noise: those at rates up to ``NOISE_RATE``, too low to
    train the network, and at most the first fifth (to 4e-6 on the default
    1e-7 to 10: 20 steps); 0, no band, where fewer than 5 are (a test that
    starts at a rate that trains, whose first steps' spread is the descent's)."""
    low = int(np.sum(np.asarray(rates) <= NOISE_RATE))
    window = min(low, len(rates) // 5)
    return window if window >= 5 else 0


def _noise_band(losses, window, z=None):
    """The factor by which one batch's loss may pass the best loss by batch
    noise alone: ``exp(z * sd)``, ``sd`` the standard deviation of the
    logarithms of the first ``window`` of ``losses`` about their straight-line
    trend (1 with fewer than 3 finite and positive)."""
    z = NOISE_Z if z is None else z
    values = np.asarray(losses[:window], dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if len(values) < 3:
        return 1.0
    logs = np.log(values)
    steps = np.arange(len(logs))
    residuals = logs - np.polyval(np.polyfit(steps, logs, 1), steps)
    return float(np.exp(z * residuals.std()))


def _slopes(values, log_rates, span=1.0):
    """The slope of ``values`` against ``log10(rate)`` at each step, over the
    ``span`` decades around it (clipped at the ends): per-batch losses of a
    small data set wiggle within a fraction of a decade, and a pointwise
    slope mistakes a wiggle at the first, useless rates for the descent."""
    low = np.searchsorted(log_rates, log_rates - span / 2, side="left")
    high = np.minimum(np.searchsorted(log_rates, log_rates + span / 2, side="right") - 1, len(values) - 1)
    width = log_rates[high] - log_rates[low]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(width > 0, (values[high] - values[low]) / np.where(width > 0, width, 1.0), 0.0)


def _check_settings(start_lr, end_lr, num_steps, per, smoothing, divergence, rule):
    if not (0 < start_lr < end_lr):
        raise ValueError(f"Need 0 < start_lr < end_lr; got start_lr={start_lr}, end_lr={end_lr}.")
    if int(num_steps) != num_steps or num_steps < 3:
        raise ValueError(f"num_steps must be an integer of at least 3, got {num_steps!r}.")
    if per not in ("batch", "epoch"):
        raise ValueError(f"per must be 'batch' or 'epoch', got {per!r}.")
    if smoothing is not None and not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing!r}.")
    if divergence <= 1:
        raise ValueError(f"divergence must be above 1, got {divergence!r}.")
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}.")
