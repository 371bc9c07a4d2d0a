"""WindowForecaster's seasonal rows (seasonal_period) and level-relative
windows (relative_to): which rows a window holds, what they buy, their errors."""

import numpy as np
import pandas as pd
import pytest
from format1 import write_format1
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

import skhyper
from skhyper import WindowForecaster
from skhyper.scorers import neg_mean_absolute_error
from skhyper.windows import lag_offsets, sliding_windows

FAST = dict(hidden_layer_sizes=(16,), epochs=40, batch_size=32, learning_rate=0.01, random_state=0)


def square_wave(n=400, period=20, seed=0):
    """Jumps every half period: a window of recent rows cannot see the next one
    coming, last period's rows can."""
    noise = np.random.RandomState(seed).randn(n) * 0.1
    return np.where(np.arange(n) % period < period // 2, 1.0, -1.0) + noise


def trending(n=300, seed=0):
    t = np.arange(n)
    return 0.2 * t + 3 * np.sin(2 * np.pi * t / 25) + np.random.RandomState(seed).randn(n) * 0.3


def mae(a, b):
    return float(np.abs(np.asarray(a) - np.asarray(b)).mean())


# ---------------------------------------------------------------- windows


def test_lag_offsets_hold_recent_and_last_season_rows_once():
    np.testing.assert_array_equal(lag_offsets(3), [3, 2, 1])
    # targets t, t+1 (horizon 2), one row either side of t - 10 and t + 1 - 10
    np.testing.assert_array_equal(lag_offsets(3, 2, 10, 1), [11, 10, 9, 8, 3, 2, 1])
    # overlapping sets: each row once, oldest first
    np.testing.assert_array_equal(lag_offsets(6, 1, 5, 1), [6, 5, 4, 3, 2, 1])


def test_sliding_windows_pick_the_rows_the_offsets_name():
    values = np.arange(40.0).reshape(20, 2)  # two columns, row r holds 2r and 2r+1
    offsets = lag_offsets(2, 1, 6, 1)  # [7, 6, 5, 2, 1]
    windows, targets = sliding_windows(values, values[:, :1], offsets, 1)
    assert windows.shape == (20 - 7, 5 * 2)
    for i, t in enumerate(range(7, 20)):
        np.testing.assert_array_equal(windows[i], values[t - offsets].ravel())
        assert targets[i, 0] == values[t, 0]


# ------------------------------------------------------- what they buy


def test_seasonal_rows_let_the_network_see_a_jump_coming():
    series = square_wave()
    train, valid = series[:300], series[300:]
    plain = WindowForecaster(window_size=5, **FAST).fit(train)
    seasonal = WindowForecaster(window_size=5, seasonal_period=20, seasonal_window=1, **FAST).fit(train)
    plain_mae, seasonal_mae = mae(plain.predict(valid), valid), mae(seasonal.predict(valid), valid)
    # Jumps of 2 every 10 steps cost the plain window about 0.2 on average.
    assert seasonal_mae < 0.5 * plain_mae
    assert seasonal_mae < 0.15


def test_relative_windows_follow_a_trend_past_the_training_range():
    series = trending(n=400)
    train, valid = series[:150], series[150:]  # valid rises to twice what training saw
    kwargs = dict(window_size=10, **{**FAST, "epochs": 60})
    plain = WindowForecaster(relative_to=None, linear_path=False, **kwargs).fit(train)
    # A network fed raw values falls behind beyond the training range (about 1.8 low
    # on average here); relative to their level the windows look like training's.
    assert np.mean(plain.predict(valid) - valid) < -1.0
    for relative_to in ["auto", "mean", "last"]:  # "auto": the default, "last" here
        relative = WindowForecaster(relative_to=relative_to, **kwargs).fit(train)
        assert mae(relative.predict(valid), valid) < 0.5 * mae(plain.predict(valid), valid)
        assert abs(np.mean(relative.predict(valid) - valid)) < 0.3


def test_no_look_ahead_with_seasonal_rows_relative_windows_and_a_horizon():
    series = square_wave()
    model = WindowForecaster(window_size=4, horizon=3, seasonal_period=20, seasonal_window=2,
                             relative_to="mean", **{**FAST, "epochs": 3}).fit(series[:300])  # fmt: skip
    valid = series[300:]
    changed = valid.copy()
    t = 40
    changed[t:] += 100.0
    before, after = model.predict(valid), model.predict(changed)
    np.testing.assert_array_equal(before[: t + 1], after[: t + 1])
    assert not np.allclose(before[t + 1 :], after[t + 1 :])


def test_forecast_beyond_a_season_reuses_its_own_forecasts():
    series = square_wave()
    index = pd.date_range("2020-01-01", periods=300, freq="D")
    model = WindowForecaster(window_size=5, seasonal_period=20, seasonal_window=1, relative_to="last",
                             **FAST).fit(pd.Series(series[:300], index=index))  # fmt: skip
    future = model.forecast(50)  # past t + 20 the seasonal rows are forecasts themselves
    assert isinstance(future, pd.Series) and len(future) == 50
    assert future.index[0] == pd.Timestamp("2020-10-27")
    assert mae(future.to_numpy()[:20], series[300:320]) < 0.3


def test_search_tunes_the_seasonal_and_relative_choices():
    series = square_wave(n=360)
    search = GridSearchCV(
        WindowForecaster(window_size=5, seasonal_window=1, **{**FAST, "epochs": 20}),
        {"seasonal_period": [None, 20], "relative_to": [None, "mean"]},
        cv=TimeSeriesSplit(n_splits=2, test_size=60),
        scoring=neg_mean_absolute_error,
    ).fit(series)
    assert search.best_params_["seasonal_period"] == 20
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


# ----------------------------------------------------- state and saving


def test_predict_uses_the_windows_fit_saw_and_partial_fit_refuses_new_ones():
    series = square_wave()
    model = WindowForecaster(window_size=5, seasonal_period=20, relative_to="mean", **{**FAST, "epochs": 2})
    model.fit(series[:300])
    expected = model.predict(series[300:])
    np.testing.assert_array_equal(model.lags_, lag_offsets(5, 1, 20, 3))
    assert model.level_rows_ == 5
    model.set_params(window_size=8, relative_to=None)
    np.testing.assert_array_equal(model.predict(series[300:]), expected)
    with pytest.raises(ValueError, match="changed since this forecaster was fit.*call fit"):
        model.partial_fit(series[:300])


def test_save_and_load_keep_the_windows(tmp_path):
    series = square_wave()
    model = WindowForecaster(window_size=5, seasonal_period=20, relative_to="last", **{**FAST, "epochs": 2})
    model.fit(series[:300])
    path = model.save(tmp_path / "model.skh")
    loaded = skhyper.load(path)
    np.testing.assert_allclose(loaded.predict(series[300:]), model.predict(series[300:]), rtol=1e-6)
    np.testing.assert_allclose(loaded.forecast(25), model.forecast(25), rtol=1e-6)


def test_files_from_before_seasonal_windows_still_load(tmp_path):
    series = square_wave()
    # Written before seasonal windows, relative windows and the linear path: a plain MLP.
    model = WindowForecaster(window_size=5, relative_to=None, linear_path=False, **{**FAST, "epochs": 2}).fit(series[:300])
    old = write_format1(model, tmp_path / "old.skh", drop_state=("lags_", "level_rows_", "seasonal_period_"),
                        drop_params=("seasonal_period", "seasonal_window", "relative_to", "linear_path"))
    loaded = skhyper.load(old, allow_keras_format=True)
    np.testing.assert_allclose(loaded.predict(series[300:]), model.predict(series[300:]), rtol=1e-6)


# ------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(seasonal_period=7, seasonal_window=5, horizon=3),
         r"seasonal_window=5 with seasonal_period=7 and horizon=3 .* at most seasonal_period - horizon = 4"),
        (dict(seasonal_period=0), "seasonal_period"),
        (dict(seasonal_period=20, seasonal_window=-1), "seasonal_window"),
        (dict(relative_to="median"), "relative_to"),
    ],
)  # fmt: skip
def test_bad_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        WindowForecaster(**{**FAST, "epochs": 1}, **params).fit(square_wave(n=100))


def test_too_short_for_a_season_names_the_numbers():
    with pytest.raises(ValueError, match=r"has 100 rows, too short for window_size=20 \(chosen by 'auto'\), seasonal_period=365, seasonal_window=3 and horizon=1: a window reaches 368 rows back, so training needs at least 368 \+ 1 \+ 1 = 370 rows"):
        WindowForecaster(seasonal_period=365, **FAST).fit(square_wave(n=100))


def test_relative_windows_with_a_separate_target_say_why_not():
    series = square_wave()
    data = series.copy()
    with pytest.raises(ValueError, match="relative_to='mean'.*fit\\(X\\) with y=None"):
        WindowForecaster(relative_to="mean", **FAST).fit(data, np.roll(series, 1))
    np.testing.assert_array_equal(data, series)


def test_rows_of_the_training_start_say_there_is_no_context_from_the_reach_on():
    series = square_wave()
    model = WindowForecaster(window_size=5, seasonal_period=20, **{**FAST, "epochs": 1}).fit(series[:300])
    assert len(model._training_head) == 23  # rows a window reaches back
    with pytest.raises(ValueError, match="first 23 rows of X have no window"):
        model.predict(series[:30])  # the training series' own first rows, a reach of them and more
    # fewer rows than the reach are taken to follow the training series (a test fold of an intermittent series'
    # zeros, equal to its first values, was refused), as continues=True
    np.testing.assert_array_equal(model.predict(series[:10]), model.predict(series[:10], continues=True))
    assert model.predict(series[300:310]).shape == (10,)  # a continuation of 10 rows is fine


def test_messages_after_set_params_speak_of_the_fit_not_the_new_parameters():
    series = square_wave()
    model = WindowForecaster(window_size=5, seasonal_period=20, **{**FAST, "epochs": 1}).fit(series[:300])
    model.set_params(seasonal_period=None)
    with pytest.raises(ValueError, match=r"first 23 rows of X have no window of the 23 rows before them: X"):
        model.predict(series[:100])
    model.set_params(seasonal_period=200)
    with pytest.raises(ValueError, match="changed since this forecaster was fit"):
        model.partial_fit(series[:150])  # too short for the new parameters, but that is not the news


def test_lag_offsets_refuse_a_seasonal_window_that_reaches_the_targets():
    with pytest.raises(ValueError, match="seasonal_window=1 reaches the rows to predict.*at most 0"):
        lag_offsets(3, 2, 2, 1)
