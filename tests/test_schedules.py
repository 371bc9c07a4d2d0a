import math

import pytest

from skhyper.schedules import SCHEDULES, make_schedule

PARAMS = dict(lr_decay=0.1, lr_drop=0.5, lr_step=10, lr_period=4, lr_period_mult=2.0,
              lr_min=0.0, lr_patience=2, epochs=20)  # fmt: skip


def rates(name, n_epochs, losses=None, lr0=0.1, **overrides):
    schedule = make_schedule(name, lr0, {**PARAMS, **overrides})
    out, rate = [], lr0
    for epoch in range(n_epochs):
        previous = None if epoch == 0 or losses is None else losses[epoch - 1]
        rate = schedule.rate(epoch, rate, previous)
        out.append(rate)
    return out


def test_exponential_is_seed_003s_formula():
    for epoch, rate in enumerate(rates("exponential", 15)):
        assert rate == pytest.approx(0.1 * math.exp(-0.1 * epoch))


def test_inverse_time_is_keras_2_decay_per_epoch():
    assert rates("inverse_time", 3, lr_decay=0.5) == pytest.approx([0.1, 0.1 / 1.5, 0.1 / 2])


def test_step_halves_every_lr_step_epochs():
    got = rates("step", 25)
    assert got[9] == pytest.approx(0.1) and got[10] == pytest.approx(0.05)
    assert got[20] == pytest.approx(0.025)


def test_cosine_goes_from_lr0_to_lr_min_over_epochs():
    got = rates("cosine", 21, lr_min=0.01)
    assert got[0] == pytest.approx(0.1)
    assert got[10] == pytest.approx(0.055)
    assert got[20] == pytest.approx(0.01)


def test_cosine_restarts_restart_with_growing_periods():
    got = rates("cosine_restarts", 13)  # periods 4, 8, ...
    assert got[0] == got[4] == got[12] == pytest.approx(0.1)
    assert got[3] < got[2] < got[1] < got[0]
    assert got[11] < got[5]


def test_plateau_drops_after_patience_epochs_without_improvement():
    losses = [5, 4, 4, 4, 4, 3, 3, 3, 3]
    got = rates("plateau", 9, losses=losses)
    # As Keras: best 4 after epoch 1; epochs 2 and 3 do not improve (patience 2),
    # so epoch 4 runs at the lower rate.
    assert got[:4] == pytest.approx([0.1] * 4)
    assert got[4] == pytest.approx(0.05)


def test_user_function_gets_epoch_and_previous_rate():
    schedule = make_schedule(lambda epoch, lr: lr * 0.5 if epoch else 1.0, 0.1, PARAMS)
    assert schedule.rate(0, 0.1, None) == 1.0
    assert schedule.rate(3, 0.4, 1.0) == 0.2


def test_every_named_schedule_starts_at_lr0():
    for name in set(SCHEDULES) - {"constant"}:
        assert rates(name, 1)[0] == pytest.approx(0.1), name


def test_constant_leaves_the_rate_to_the_optimizer():
    assert make_schedule("constant", 0.1, PARAMS) is None


def test_plateau_goes_on_after_a_pause():
    schedule = make_schedule("plateau", 0.1, PARAMS)
    rate = schedule.rate(0, 0.1, None)
    for epoch, loss in enumerate([1.0, 1.0, 1.0], start=1):
        rate = schedule.rate(epoch, rate, loss)
    assert schedule.rate(4, rate, None) == rate  # partial_fit's first epoch: no reset


def test_a_continued_fit_past_a_cosine_schedules_end_is_warned_of(diabetes):
    import warnings

    from skhyper import KerasMLPRegressor

    X, y = diabetes
    model = KerasMLPRegressor(hidden_layer_sizes=(8,), epochs=3, lr_schedule="cosine", warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(X, y)  # its own epochs: no warning
    with pytest.warns(UserWarning, match=r"lr_schedule='cosine' ran its 3 epochs; .* lr_min=0 \(nothing changes\)"):
        model.fit(X, y)  # trained at rate 0 before, silently
    with pytest.warns(UserWarning, match="ran its 3 epochs"):
        model.partial_fit(X, y)
