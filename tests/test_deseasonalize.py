"""WindowForecaster(deseasonalize=...): the classical decomposition's seasonal
indices taken out before the windows are cut and put back into predict,
predict_in_sample and forecast at the right point of the season."""

import numpy as np
import pandas as pd
import pytest

import skhyper
from skhyper import WindowForecaster
from skhyper.seasonality import seasonal_indices, seasonal_mode

SEASON = np.array([1.3, 0.6, 1.1, 1.0])  # averages 1: multiplicative indices
SMALL = dict(window_size=3, seasonal_period=4, hidden_layer_sizes=(4,), epochs=3, random_state=0)


def seasonal_series(n=48, level=10.0, start=0):
    """A constant level times a fixed season, from point ``start`` of it."""
    return level * SEASON[(start + np.arange(n)) % 4]


def growing_series(n=48, multiplicative=True, seed=0):
    """A level growing 3% a row with a season that swings with it
    (multiplicative) or by a fixed amount (additive), and noise of the same
    kind."""
    t = np.arange(n)
    level = 10 * 1.03**t
    noise = np.random.default_rng(seed).normal(0, 0.02, n)
    if multiplicative:
        return level * SEASON[t % 4] * np.exp(noise)
    return level + 10 * (SEASON[t % 4] - 1) + 10 * noise


def test_indices_of_a_trend_plus_a_season_are_the_season():
    t = np.arange(60.0)
    additive = np.array([2.0, -3.0, 0.5, 0.5])
    values = (5 + 0.3 * t + additive[t.astype(int) % 4])[:, None]
    np.testing.assert_allclose(seasonal_indices(values, 4)[:, 0], additive, atol=1e-9)
    ratios = seasonal_indices((100 * SEASON[t.astype(int) % 4])[:, None], 4, multiplicative=True)
    np.testing.assert_allclose(ratios[:, 0], SEASON, rtol=1e-9)
    odd = seasonal_indices(np.tile([1.0, 4.0, -5.0], 10)[:, None] + 7, 3)
    np.testing.assert_allclose(odd[:, 0], [1.0, 4.0, -5.0], atol=1e-9)


@pytest.mark.parametrize("mode", ["multiplicative", "additive"])
def test_the_season_comes_back_at_the_right_point(mode):
    # Deseasonalized, the series is constant: the linear start predicts it
    # exactly, so every prediction is the season put back at its own row.
    # A season put back one row off would miss by a third of the level.
    train, test = seasonal_series(45), seasonal_series(13, start=45)
    model = WindowForecaster(deseasonalize=mode, **SMALL).fit(train)
    assert model.deseasonalize_ == mode
    np.testing.assert_allclose(model.predict(test), test, rtol=1e-3)
    np.testing.assert_allclose(model.forecast(13), test, rtol=1e-3)
    in_sample = model.predict_in_sample(train)
    assert np.isnan(in_sample[: model.lags_[0]]).all()
    np.testing.assert_allclose(in_sample[model.lags_[0] :], train[model.lags_[0] :], rtol=1e-3)
    # The training series itself is recognised (its first rows are kept as given).
    np.testing.assert_array_equal(model.context_[:, 0], train[-model.lags_[0] :])
    with pytest.raises(ValueError, match="does not continue"):
        model.predict(train)


@pytest.mark.parametrize("seed", range(5))
def test_the_mode_follows_the_shape_of_the_season(seed):
    # Both series are positive and grow; only the season's swing tells them apart.
    for multiplicative in (True, False):
        values = growing_series(60, multiplicative, seed)[:, None]
        assert seasonal_mode(values, 4) == ("multiplicative" if multiplicative else "additive")
        # The units do not matter (the comparison is a likelihood's, not a variance's).
        assert seasonal_mode(values * 1000, 4) == seasonal_mode(values, 4)


def test_auto_picks_by_shape_and_sign_and_keeps_the_time_index():
    index = pd.period_range("2000-01", periods=48, freq="Q")
    positive = pd.Series(seasonal_series(48), index=index)
    model = WindowForecaster(deseasonalize="auto", **{**SMALL, "seasonal_period": "auto"}).fit(positive)
    assert model.seasonal_period_ == 4
    forecast = model.forecast(4)
    assert forecast.index[0] == pd.Period("2012Q1", freq="Q")
    np.testing.assert_allclose(forecast.to_numpy(), seasonal_series(4, start=48), rtol=1e-3)
    growing = WindowForecaster(deseasonalize="auto", **SMALL)
    assert growing.fit(growing_series(48)).deseasonalize_ == "multiplicative"
    assert growing.fit(growing_series(48, multiplicative=False)).deseasonalize_ == "additive"
    shifted = positive - 12  # negative values: additive
    assert WindowForecaster(deseasonalize="auto", **SMALL).fit(shifted).deseasonalize_ == "additive"


def test_without_a_season_nothing_is_removed():
    rng = np.random.default_rng(0)
    walk = np.cumsum(rng.standard_normal(80))
    plain = WindowForecaster(window_size=3, hidden_layer_sizes=(4,), epochs=3, random_state=0)
    removed = plain.set_params(deseasonalize="auto").fit(walk)
    assert removed.deseasonalize_ is None and removed.seasonal_indices_ is None
    again = WindowForecaster(window_size=3, hidden_layer_sizes=(4,), epochs=3, random_state=0).fit(walk)
    np.testing.assert_array_equal(removed.predict(walk[-10:] + 1), again.predict(walk[-10:] + 1))


def test_bad_uses_name_the_problem_and_leave_the_input_alone():
    series = seasonal_series(48) - 11  # has values <= 0
    before = series.copy()
    with pytest.raises(ValueError, match="needs positive values"):
        WindowForecaster(deseasonalize="multiplicative", **SMALL).fit(series)
    with pytest.raises(ValueError, match="must be its own target"):
        WindowForecaster(deseasonalize="additive", relative_to=None, **SMALL).fit(series[:, None], series)
    with pytest.raises(ValueError, match="two seasons of 4 rows"):
        WindowForecaster(deseasonalize="additive", **{**SMALL, "window_size": 2, "seasonal_window": 0}).fit(series[:7])
    np.testing.assert_array_equal(series, before)
    model = WindowForecaster(deseasonalize="auto", **SMALL).fit(growing_series(48))  # multiplicative
    with pytest.raises(ValueError, match="partial_fit needs positive values"):
        model.partial_fit(series)
    np.testing.assert_array_equal(series, before)


def test_partial_fit_keeps_the_mode_and_indices_fit_chose():
    settings = {**SMALL, "window_size": 2, "seasonal_window": 0}
    model = WindowForecaster(deseasonalize="auto", **settings).fit(growing_series(48))
    assert model.deseasonalize_ == "multiplicative"
    indices = model.seasonal_indices_.copy()
    # A chunk "auto" would call additive, and one too short to measure a
    # season (under two): neither is measured again, both go on with fit's.
    additive = growing_series(48, multiplicative=False)
    assert seasonal_mode(additive[:, None], 4) == "additive"
    for chunk in (additive, additive[:6]):
        model.partial_fit(chunk)
        assert model.deseasonalize_ == "multiplicative"
        np.testing.assert_array_equal(model.seasonal_indices_, indices)
    np.testing.assert_array_equal(model.context_[:, 0], additive[6 - model.lags_[0] : 6])


def test_save_and_load_keep_the_indices(tmp_path):
    train = growing_series(45)
    model = WindowForecaster(deseasonalize="auto", **SMALL).fit(train)
    loaded = skhyper.load(model.save(tmp_path / "seasonal.skh"))
    assert loaded.deseasonalize_ == model.deseasonalize_ == "multiplicative"
    np.testing.assert_allclose(loaded.seasonal_indices_, model.seasonal_indices_)
    test = seasonal_series(8, start=45)
    np.testing.assert_allclose(loaded.predict(test), model.predict(test), rtol=1e-6)
    np.testing.assert_allclose(loaded.forecast(6), model.forecast(6), rtol=1e-6)


def test_columns_and_multi_step_windows_each_get_their_own_season():
    t = np.arange(60)
    series = np.c_[10 * SEASON[t % 4], 5 + np.array([1.0, -1.0, 2.0, -2.0])[t % 4]]
    model = WindowForecaster(deseasonalize="additive", horizon=2, **{**SMALL, "seasonal_window": 1}).fit(series[:48])
    np.testing.assert_allclose(model.seasonal_indices_[:, 1], [1.0, -1.0, 2.0, -2.0], atol=1e-9)
    np.testing.assert_allclose(model.forecast(12), series[48:], atol=1e-3)
    np.testing.assert_allclose(model.predict(series[48:], continues=True), series[48:], atol=1e-3)


def trend_and_season(n, start=0):
    """A straight trend plus a fixed additive season: its seasonal
    differences are one constant (four rows of the trend's slope)."""
    t = start + np.arange(n)
    return 5 + 0.5 * t + 4 * (SEASON[t % 4] - 1)


def test_difference_learns_the_change_from_one_season_before():
    train, test = trend_and_season(48), trend_and_season(20, start=48)
    model = WindowForecaster(deseasonalize="difference", **SMALL).fit(train)
    assert model.deseasonalize_ == "difference" and model.seasonal_indices_ is None
    lookback = model.lags_[0] + 4  # a window of changes reaches a season further
    np.testing.assert_array_equal(model.context_[:, 0], train[-lookback:])
    np.testing.assert_allclose(model.predict(test), test, rtol=1e-4)
    # Past the first season, each forecast adds to one the model made itself.
    np.testing.assert_allclose(model.forecast(13), test[:13], rtol=1e-4)
    whole = np.r_[train, test]
    in_sample = model.predict_in_sample(whole)
    assert np.isnan(in_sample[:lookback]).all() and not np.isnan(in_sample[lookback:]).any()
    np.testing.assert_allclose(in_sample[48:], model.predict(test), rtol=1e-6)
    direct = WindowForecaster(deseasonalize="difference", horizon=3, **{**SMALL, "seasonal_window": 1}).fit(train)
    np.testing.assert_allclose(direct.forecast(9), test[:9], rtol=1e-4)


def test_difference_predicts_no_row_from_a_later_one():
    rng = np.random.default_rng(1)
    series = growing_series(60) + rng.normal(0, 0.3, 60)
    model = WindowForecaster(deseasonalize="difference", **SMALL).fit(series[:40])
    changed = series[40:].copy()
    changed[8:] += 100.0
    before, after = model.predict(series[40:]), model.predict(changed)
    np.testing.assert_array_equal(before[:9], after[:9])
    assert not np.allclose(before[9:], after[9:])
    in_sample, moved = model.predict_in_sample(series), model.predict_in_sample(np.r_[series[:48], changed[8:]])
    np.testing.assert_array_equal(in_sample[:49], moved[:49])


def test_difference_saves_continues_and_names_its_limits(tmp_path):
    series = pd.Series(trend_and_season(48), index=pd.period_range("2000Q1", periods=48, freq="Q"))
    model = WindowForecaster(deseasonalize="difference", **{**SMALL, "seasonal_period": "auto"}).fit(series)
    assert model.seasonal_period_ == 4
    loaded = skhyper.load(model.save(tmp_path / "differenced.skh"))
    assert loaded.deseasonalize_ == "difference"
    np.testing.assert_array_equal(loaded.context_, model.context_)
    np.testing.assert_allclose(loaded.forecast(6), model.forecast(6), rtol=1e-6)
    assert model.forecast(6).index[0] == pd.Period("2012Q1", freq="Q")
    model.partial_fit(trend_and_season(16, start=48))  # a continuation: its own changes
    np.testing.assert_array_equal(model.context_[:, 0], trend_and_season(16, start=48)[-(model.lags_[0] + 4) :])
    with pytest.raises(ValueError, match="must be its own target"):
        WindowForecaster(deseasonalize="difference", relative_to=None, **SMALL).fit(series.to_frame(), series)
    with pytest.raises(ValueError, match=r"changes from a season before.*reaches 8 rows back.*at least 8 \+ 1 \+ 1 = 10 rows"):
        WindowForecaster(deseasonalize="difference", **{**SMALL, "seasonal_window": 0}).fit(series[:8])
    plain = WindowForecaster(deseasonalize="difference", **{**SMALL, "seasonal_period": None}).fit(series)
    assert plain.deseasonalize_ is None and len(plain.context_) == plain.lags_[0]  # no season, nothing removed


def test_seasonal_strength_is_the_share_of_variation_the_season_explains():
    from skhyper.seasonality import seasonal_strength

    rng = np.random.default_rng(0)
    t = np.arange(96)
    season = np.tile([3.0, -1.0, -2.5, 0.5], 24)
    trend = 50 + 0.4 * t
    strong = trend + season + rng.normal(0, 0.2, 96)
    noise = trend + rng.normal(0, 1.0, 96)
    walk = 50 + np.cumsum(rng.normal(0, 1.0, 96))
    strengths = seasonal_strength(np.c_[strong, noise, walk], 4)
    assert strengths[0] > 0.95 and strengths[1] < 0.2 and strengths[2] < 0.3
    growing = seasonal_strength(growing_series(96)[:, None], 4, multiplicative=True)
    assert growing[0] > 0.9  # in logarithms a season that swings with the level is a fixed one
    assert seasonal_strength(np.full((16, 1), 7.0), 4)[0] == 0.0  # nothing varies: no season


def test_a_weak_season_is_left_in_at_min_seasonal_strength():
    rng = np.random.default_rng(3)
    index = pd.period_range("1990Q1", periods=80, freq="Q")
    walk = pd.Series(100 + np.cumsum(rng.normal(0, 1.0, 80)), index=index)  # quarterly, no season
    seasonal = pd.Series(trend_and_season(80) + rng.normal(0, 0.1, 80), index=index)
    settings = {**SMALL, "seasonal_period": "auto", "min_seasonal_strength": 0.64}
    for mode in ("difference", "auto"):
        weak = WindowForecaster(deseasonalize=mode, **settings).fit(walk)
        assert weak.deseasonalize_ is None and weak.seasonal_strength_ < 0.64
        plain = WindowForecaster(**{**settings, "min_seasonal_strength": 0.0}).fit(walk)
        np.testing.assert_array_equal(weak.forecast(5), plain.forecast(5))  # nothing was removed
        strong = WindowForecaster(deseasonalize=mode, **settings).fit(seasonal)
        assert strong.deseasonalize_ is not None and strong.seasonal_strength_ > 0.9
    always = WindowForecaster(deseasonalize="difference", **{**settings, "min_seasonal_strength": 0.0}).fit(walk)
    assert always.deseasonalize_ == "difference" and always.seasonal_strength_ is None
    # Too short for windows of changes (14 rows) but not for plain ones (10):
    # with the gate, nothing is taken out, however strong the season (its
    # strength is not measured); without it, the difference is refused with
    # the reason.
    short = {**settings, "window_size": 8, "seasonal_window": 0}
    line = pd.Series(50.0 + np.arange(13), index=index[:13])
    for series in (line, seasonal[:13]):
        gated = WindowForecaster(deseasonalize="difference", **short).fit(series)
        assert gated.deseasonalize_ is None and gated.seasonal_strength_ is None
        plain = WindowForecaster(**{**short, "min_seasonal_strength": 0.0}).fit(series)
        np.testing.assert_array_equal(gated.forecast(5), plain.forecast(5))
        with pytest.raises(ValueError, match="changes from a season before.*at least 12 \\+ 1 \\+ 1 = 14 rows"):
            WindowForecaster(deseasonalize="difference", **{**short, "min_seasonal_strength": 0.0}).fit(series)
    # The seasonal indices need two seasons (8 rows): under them the gate leaves the season in too.
    four = {**short, "window_size": 3, "seasonal_period": 4}  # ("auto" finds no season in under two)
    for mode in ("auto", "additive"):
        gated = WindowForecaster(deseasonalize=mode, **four).fit(seasonal[:7])
        assert gated.seasonal_period_ == 4 and gated.deseasonalize_ is None
        with pytest.raises(ValueError, match="needs two seasons of 4 rows"):
            WindowForecaster(deseasonalize=mode, **{**four, "min_seasonal_strength": 0.0}).fit(seasonal[:7])
    # From 14 rows on (two windows of changes, more than two seasons) the strong season is taken out.
    assert WindowForecaster(deseasonalize="difference", **short).fit(seasonal[:14]).deseasonalize_ == "difference"
    with pytest.raises(ValueError, match="min_seasonal_strength"):
        WindowForecaster(min_seasonal_strength=1.5).fit(walk)


def test_the_readmes_differenced_search_scores_every_candidate_on_ten_years_of_months():
    """The README's second search on ten years of months, 24 held out: the
    first TimeSeriesSplit fold (24 rows) is too short to difference by the
    year, so its fits take nothing out instead of failing (no NaN scores,
    no FitFailedWarning); the refit on all 96 rows differences."""
    import warnings

    from sklearn.exceptions import FitFailedWarning
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    rng = np.random.default_rng(0)
    t = np.arange(96)
    train = pd.Series(100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, 96),
                      index=pd.period_range("2010-01", periods=96, freq="M"))  # fmt: skip
    forecaster = WindowForecaster(seasonal_period="auto", deseasonalize="difference", linear_lags="all",
                                  min_seasonal_strength=0.64, hidden_layer_sizes=(4,), epochs=3, random_state=0)
    search = GridSearchCV(forecaster, {"window_size": [5, 10]}, cv=TimeSeriesSplit(3))
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitFailedWarning)
        warnings.simplefilter("error", UserWarning)  # sklearn's "non-finite test scores"
        search.fit(train)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.deseasonalize_ == "difference"
