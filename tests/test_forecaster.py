"""WindowForecaster: windows, no look-ahead, context, forecasts, searches."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate

from skhyper import WindowForecaster
from skhyper.datasets import book_series
from skhyper.scorers import neg_mean_absolute_error

FAST = dict(window_size=5, hidden_layer_sizes=(8,), epochs=5, batch_size=32,
            learning_rate=0.01, random_state=0)  # fmt: skip


@pytest.fixture(scope="module")
def series():
    """A short noisy seasonal series (the book's, 200 days)."""
    return book_series(n_days=200, period=50, split=150)


@pytest.fixture(scope="module")
def fitted(series):
    return WindowForecaster(**FAST).fit(series.train)


def test_predict_gives_one_value_per_row_and_beats_naive():
    data = book_series(n_days=500, split=400)
    model = WindowForecaster(**{**FAST, "window_size": 10, "epochs": 30}).fit(data.train)
    predictions = model.predict(data.valid)
    assert predictions.shape == data.valid.shape
    naive = np.r_[data.train[-1], data.valid[:-1]]
    assert np.abs(predictions - data.valid).mean() < np.abs(naive - data.valid).mean()


def test_no_look_ahead(series, fitted):
    t = 20
    changed = series.valid.copy()
    changed[t:] += 1000.0
    before, after = fitted.predict(series.valid), fitted.predict(changed)
    np.testing.assert_array_equal(before[: t + 1], after[: t + 1])
    assert not np.allclose(before[t + 1 :], after[t + 1 :])


def test_first_rows_of_a_continuation_use_the_training_tail(series, fitted):
    whole = fitted.predict(series.series[len(series.train) - fitted.window_size :])
    # Predicting the window before the validation part too gives the same values.
    np.testing.assert_allclose(fitted.predict(series.valid), whole[fitted.window_size :], rtol=1e-12)


def test_predicting_no_rows_says_so(fitted):
    for empty in (np.array([]), pd.Series([], dtype=float)):
        with pytest.raises(ValueError, match="X is empty"):
            fitted.predict(empty)


def test_in_sample_predict_says_there_is_no_context(series, fitted):
    with pytest.raises(ValueError, match=r"first 5 rows of X have no window of the 5 rows before them \(fit with window_size=5\)"):
        fitted.predict(series.train)


@pytest.mark.parametrize(
    "labels, match",
    [(list("abababab"), "object labels such as 'a'"),  # series ids as an index: were joined end to end
     (["2020-01", "2020-02"] * 4, "pd.to_datetime"),  # unparsed dates
     (list(range(7, -1, -1)), "not sorted"),  # reversed years: was trained backwards
     (pd.RangeIndex(7, -1, -1), "not sorted"),  # a reversed Series' RangeIndex
     ([0, 1, 1, 2, 3, 4, 5, 6], "the label 1 twice")],
)  # fmt: skip
def test_an_index_that_is_no_time_axis_is_refused(labels, match):
    with pytest.raises(ValueError, match=match):
        WindowForecaster(window_size=2, epochs=1).fit(pd.Series(np.arange(8.0), index=labels))


def test_a_short_array_fold_equal_to_the_series_start_continues_it():
    # an intermittent series: a test fold of zeros, as its first values, was taken for the training start
    y = np.tile([0.0, 0, 0, 0, 5], 12)
    model = WindowForecaster(window_size=6, hidden_layer_sizes=(4,), epochs=1, random_state=0).fit(y[:55])
    np.testing.assert_array_equal(model.predict(y[55:58]), model.predict(y[55:58], continues=True))
    with pytest.raises(ValueError, match="does not continue"):  # a window of the start and more: the start, as before
        model.predict(y[:10])
    scores = cross_validate(WindowForecaster(window_size=6, hidden_layer_sizes=(4,), epochs=1, random_state=0), y,
                            cv=TimeSeriesSplit(3, test_size=3), scoring=neg_mean_absolute_error)["test_score"]  # fmt: skip
    assert np.isfinite(scores).all()


def test_an_integer_index_says_which_rows_follow_the_training_series(series):
    # A pandas series without dates: its integer labels are its time steps (as in skforecast and sktime).
    # predict ignored them and predicted rows after a gap (TimeSeriesSplit(gap=...)'s test folds) as if they
    # followed the training rows: scores silently wrong.
    whole = pd.Series(series.series, index=pd.RangeIndex(1000, 1000 + len(series.series)))
    model = WindowForecaster(**FAST).fit(whole[:150])
    following = model.predict(whole[150:])
    np.testing.assert_allclose(following, model.predict(series.valid), rtol=1e-12)  # as the array continues
    # after a gap of 5 steps: the first rows' windows reach into the gap, which is forecast from the end
    bridged = model.predict(np.r_[model.forecast(5), series.series[155:]], continues=True)[5:]
    np.testing.assert_allclose(model.predict(whole[155:]), bridged, rtol=1e-12)
    assert not np.allclose(model.predict(whole[155:]), model.predict(whole[155:], continues=True))
    seasonal = WindowForecaster(**FAST, seasonal_period=50, deseasonalize="additive").fit(whole[:150])
    bridged_seasonal = seasonal.predict(np.r_[seasonal.forecast(5), series.series[155:]], continues=True)[5:]
    np.testing.assert_allclose(seasonal.predict(whole[155:]), bridged_seasonal, rtol=1e-12)  # in the season's phase
    dated = WindowForecaster(**FAST).fit(pd.Series(series.series[:150], index=pd.date_range("2020-01-01", periods=150)))
    np.testing.assert_allclose(dated.predict(pd.Series(series.series[155:], index=pd.date_range("2020-06-04", periods=45))),
                               bridged, rtol=1e-12)  # the same with dates  # fmt: skip
    periods = pd.Series(series.series, index=pd.period_range("2000-01", periods=200, freq="2M"))  # steps of 2 months
    by_periods = WindowForecaster(**FAST).fit(periods[:150])
    np.testing.assert_allclose(by_periods.predict(periods[155:]), bridged, rtol=1e-12)  # 5 steps, not 10 months
    with pytest.raises(ValueError, match="does not continue"):  # a month after a step: between two steps
        later = pd.Period(periods.index[155].start_time + pd.DateOffset(months=1), freq="2M")
        by_periods.predict(pd.Series(series.series[155:], index=pd.period_range(later, periods=45, freq="2M")))
    zoned = pd.Series(series.series, index=pd.date_range("2020-01-01", periods=200, tz="US/Eastern"))
    by_zone = WindowForecaster(**FAST).fit(zoned[:150])
    np.testing.assert_allclose(by_zone.predict(zoned[155:].tz_convert("UTC")), bridged, rtol=1e-12)  # the same instants
    with pytest.raises(ValueError, match="its index starts at 0; the training series' ended at 1149, so the rows"
                                         " that follow it start at 1150"):  # a fresh RangeIndex is not the next rows  # fmt: skip
        model.predict(whole[150:].reset_index(drop=True))
    with pytest.raises(ValueError, match="its index starts at 1140"):  # overlapping the training rows
        model.predict(whole[140:])
    with pytest.raises(ValueError, match="X starts 5 steps after the end of the training series .* intervals are"):
        WindowForecaster(**FAST, interval_horizon=1, conformal_windows=20).fit(whole[:150]).predict(whole[155:], level=80)
    frame = pd.DataFrame({"y": series.series, "c": np.arange(200.0) % 7}, index=whole.index)
    with pytest.raises(ValueError, match="X starts 5 steps after .* from known covariates, which those steps lack"):
        WindowForecaster(**FAST, known_covariates=["c"]).fit(frame[:150]).predict(frame[155:])
    covariates = WindowForecaster(**FAST, known_covariates=["c"]).fit(frame[:150])
    np.testing.assert_array_equal(covariates.forecast(3, X_df=frame[["c"]][150:153]),
                                  covariates.forecast(3, X_df=frame[["c"]][150:153].reset_index(drop=True)))  # fmt: skip
    with pytest.raises(ValueError, match=r"X_df's index runs from 1140 to 1142, not over the 3 steps after the training"
                                         r" series \(1150 to 1152\)"):  # fmt: skip
        covariates.forecast(3, X_df=frame[["c"]][140:143])
    with pytest.raises(ValueError, match="from windows of X's rows"):
        WindowForecaster(**FAST).fit(frame[["c"]][:150], whole[:150]).predict(frame[["c"]][155:])
    years = pd.Series(series.series[:150], index=np.arange(1850, 2000) * 2)  # a step of 2
    stepped = WindowForecaster(**FAST).fit(years)
    assert stepped.predict(pd.Series(series.valid, index=np.arange(2000, 2050) * 2)).shape == (50,)
    with pytest.raises(ValueError, match="start at 4000"):  # between two steps
        stepped.predict(pd.Series(series.valid, index=np.arange(2000, 2050) * 2 + 1))
    missing = pd.Series(series.series[:150], index=np.r_[0:100, 101:151])  # label 100 missing: the step is still 1
    assert WindowForecaster(**FAST).fit(missing)._training_labels == {"last": 150, "step": 1}
    irregular = WindowForecaster(**FAST).fit(pd.Series(series.series[:150], index=np.r_[0:149, 500]))
    assert irregular.predict(pd.Series(series.valid, index=np.arange(501, 551))).shape == (50,)
    with pytest.raises(ValueError, match="start at 501"):
        irregular.predict(pd.Series(series.valid, index=np.arange(400, 450)))


def test_a_gapped_test_fold_is_scored_by_the_predictions_through_the_gap(series):
    # TimeSeriesSplit(gap=5): the test fold starts 5 steps after the training one; every scorer, the default
    # score() too, scores predict's values (through the forecast gap), not predictions that pretend it follows.
    from sklearn.metrics import r2_score
    from sklearn.model_selection import cross_val_score

    whole = pd.Series(series.series)
    model = WindowForecaster(**FAST).fit(whole[:150])
    fold = whole[155:]
    assert neg_mean_absolute_error(model, fold) == pytest.approx(-np.mean(np.abs(fold - model.predict(fold))))
    pretended = -np.mean(np.abs(fold.to_numpy() - model.predict(fold, continues=True)))
    assert neg_mean_absolute_error(model, fold) != pytest.approx(pretended, rel=1e-3)
    assert model.score(fold) == pytest.approx(r2_score(fold, model.predict(fold)))
    with pytest.raises(ValueError, match="its index starts at 0"):  # a fresh RangeIndex: not scored in-sample
        neg_mean_absolute_error(model, fold.reset_index(drop=True))
    train = whole[:150]  # a train fold: scored in-sample by score() as by the scorers (predict refuses it)
    in_sample = model.predict_in_sample(train).to_numpy()
    assert model.score(train) == pytest.approx(r2_score(train[5:], in_sample[5:]))
    scores = cross_val_score(WindowForecaster(**FAST), whole, cv=TimeSeriesSplit(3, gap=5, test_size=3),
                             scoring=neg_mean_absolute_error, error_score="raise")  # folds shorter than a window  # fmt: skip
    assert np.isfinite(scores).all()


def test_y_given_is_predicted_from_x_windows(series):
    X = np.c_[series.series, np.sin(np.arange(len(series.series)))]
    model = WindowForecaster(**FAST).fit(X[:150], series.series[:150])
    assert model.n_features_in_ == 2 and not model.forecasts_itself_
    assert model.predict(X[150:]).shape == (50,)
    with pytest.raises(ValueError, match="call predict\\(\\) on future X rows"):
        model.forecast(3)


def test_a_long_forecast_holds_its_values_in_blocks_not_an_array_a_step():
    """Forecasts past a long horizon feed back one block of ``horizon`` rows
    at a time; they were kept as an array per step (some 50 times the
    values' own bytes: a saved file of a long horizon made load's check of
    2 x horizon steps ask for a gigabyte, found by a helper attacking the format)."""
    import tracemalloc

    horizon = 1500
    y = np.sin(np.arange(horizon + 60) / 7.0)
    model = WindowForecaster(window_size=8, horizon=horizon, hidden_layer_sizes=(1,), epochs=1, linear_path=False,
                             random_state=0).fit(y)  # fmt: skip
    first = model.forecast(horizon)
    tracemalloc.start()
    try:
        out = model.forecast(2 * horizon + 1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.shape == (2 * horizon + 1,) and np.isfinite(out).all()
    np.testing.assert_array_equal(out[:horizon], first)  # the first block as before
    assert peak < 10 * out.nbytes, peak / out.nbytes


def test_forecast_recursive_and_with_horizon(series):
    one = WindowForecaster(**FAST).fit(series.train)
    assert one.forecast(7).shape == (7,)
    block = WindowForecaster(**FAST, horizon=3).fit(series.train)
    assert block.n_outputs_ == 3
    assert block.forecast(7).shape == (7,)
    assert np.isfinite(block.forecast(7)).all()


def test_forecast_of_the_trained_model_continues_the_series_level(series):
    model = WindowForecaster(**{**FAST, "epochs": 30}).fit(series.train)
    forecast = model.forecast(5)
    assert abs(forecast.mean() - series.train[-20:].mean()) < 3 * series.train[-20:].std()


@pytest.mark.parametrize("kind", ["D", "period"])
def test_pandas_time_index_gives_timestamps_and_context(series, kind):
    index = pd.date_range("2020-01-01", periods=len(series.series), freq="D")
    if kind == "period":
        index = index.to_period("D")
    frame = pd.Series(series.series, index=index)
    train, valid = frame.iloc[:150], frame.iloc[150:]
    model = WindowForecaster(**FAST).fit(train)
    forecast = model.forecast(4)
    assert isinstance(forecast, pd.Series)
    assert list(forecast.index) == list(valid.index[:4])
    assert model.predict(valid).shape == (50,)
    with pytest.raises(ValueError, match="no window"):
        model.predict(frame.iloc[100:150])


def test_dataframe_input_multivariate_self_forecast(series):
    frame = pd.DataFrame({"a": series.series, "b": series.series[::-1].copy()},
                         index=pd.date_range("2021-01-01", periods=200, freq="D"))  # fmt: skip
    model = WindowForecaster(**FAST).fit(frame.iloc[:150])
    assert list(model.feature_names_in_) == ["a", "b"]
    assert model.predict(frame.iloc[150:]).shape == (50, 2)
    forecast = model.forecast(3)
    assert isinstance(forecast, pd.DataFrame) and list(forecast.columns) == ["a", "b"]


def test_scaling_makes_default_rates_work_at_any_magnitude(series):
    small = WindowForecaster(**FAST).fit(series.train).predict(series.valid)
    big = WindowForecaster(**FAST).fit(series.train * 1e6).predict(series.valid * 1e6)
    np.testing.assert_allclose(big, small * 1e6, rtol=1e-4)


@pytest.mark.parametrize("y_given", [False, True])
def test_grid_search_with_time_series_split(series, y_given):
    search = GridSearchCV(
        WindowForecaster(**FAST),
        {"window_size": [3, 6], "learning_rate": [0.003, 0.03], "hidden_layer_sizes": [(4,), (8,)]},
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_mean_absolute_error" if y_given else neg_mean_absolute_error,
    )
    if y_given:
        search.fit(series.train, series.train)
    else:
        search.fit(series.train)
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and (scores < 0).all()
    assert search.best_params_["window_size"] in (3, 6)
    assert search.predict(series.valid).shape == (50,)


def test_default_score_is_r2_of_itself(series, fitted):
    assert fitted.score(series.valid) == pytest.approx(fitted.score(series.valid, series.valid))


@pytest.mark.parametrize(
    "data, message",
    [
        (np.arange(6.0), "has 6 rows, too short for window_size=5 and horizon=1.*at least .* = 7 rows"),
        (np.r_[np.arange(10.0), np.nan], "X contains NaN at row 10"),
        (np.r_[np.arange(10.0), np.inf], "X contains an infinite value at row 10"),
        (pd.DataFrame({"x": np.arange(10.0), "city": ["a"] * 10}), "column\\(s\\) \\['city'\\] are not numeric"),
        (pd.Series(np.arange(10.0), index=pd.date_range("2020", periods=10)[::-1]), "not sorted"),
        (pd.Series(np.arange(10.0), index=pd.DatetimeIndex(["2020-01-01"] * 10)), "duplicate timestamps"),
        (np.zeros((10, 2, 2)), "got 3 dimensions"),
        (np.array([]), "X is empty"),
    ],
)
def test_bad_series(data, message):
    with pytest.raises(ValueError, match=message):
        WindowForecaster(**FAST).fit(data)


def test_too_short_fold_in_a_search_names_both_numbers():
    with pytest.raises(ValueError, match="window_size=30 and horizon=2"):
        WindowForecaster(**{**FAST, "window_size": 30}, horizon=2).fit(np.arange(20.0))


def test_book_series_matches_the_book():
    data = book_series()
    assert len(data.series) == 4 * 365 + 1 and data.split == 1000
    naive_mae = np.abs(data.series[1001:] - data.series[1000:-1]).mean()
    assert naive_mae == pytest.approx(5.94, abs=0.01)
    assert np.abs(data.series - data.signal)[1000:].mean() == pytest.approx(4.01, abs=0.01)


def test_randomized_search_over_window_epochs_and_rate(series):
    from scipy.stats import loguniform
    from sklearn.model_selection import RandomizedSearchCV

    search = RandomizedSearchCV(
        WindowForecaster(**FAST),
        {"window_size": [3, 5, 8], "epochs": [2, 4], "learning_rate": loguniform(1e-3, 1e-1)},
        n_iter=4,
        cv=TimeSeriesSplit(n_splits=2),
        scoring=neg_mean_absolute_error,
        random_state=0,
    ).fit(series.train)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.n_iter_ == search.best_params_["epochs"]


def test_warm_start_fit_goes_on_training_the_forecaster():
    series = np.sin(np.arange(120) / 5.0) + np.arange(120) / 60.0
    params = dict(window_size=5, hidden_layer_sizes=(8,), epochs=2, early_stopping=False, random_state=0)
    warm = WindowForecaster(**params, warm_start=True).fit(series)
    network = warm.model_
    warm.fit(series)
    assert warm.model_ is network and warm.n_iter_ == 4
    stepped = WindowForecaster(**params).fit(series).partial_fit(series).partial_fit(series)
    np.testing.assert_allclose(warm.loss_curve_, stepped.loss_curve_, rtol=1e-6)
    with pytest.raises(ValueError, match="window_size.*changed since"):
        warm.set_params(window_size=6).fit(series)


def test_periods_and_their_timestamps_are_the_same_rows():
    # predict on the next quarters as timestamps after a fit on periods said X 'does not follow' (panels took them)
    index = pd.period_range("1990Q1", periods=40, freq="Q")
    y = pd.Series(10 + np.tile([1.0, 3, 2, 5], 10) + np.random.RandomState(0).randn(40), index=index)
    model = WindowForecaster(window_size=4, hidden_layer_sizes=(4,), epochs=1, random_state=0).fit(y[:-4])
    np.testing.assert_array_equal(model.predict(y[-4:].to_timestamp()), model.predict(y[-4:]))
    dated = WindowForecaster(window_size=4, hidden_layer_sizes=(4,), epochs=1, random_state=0).fit(y[:-4].to_timestamp())
    np.testing.assert_array_equal(dated.predict(y[-4:]), dated.predict(y[-4:].to_timestamp()))


def test_values_too_large_to_standardize_are_named():
    # a series near 1e300 gave NaN forecasts with NumPy's overflow warnings only (found by a helper)
    with pytest.raises(ValueError, match="too large to standardize"):
        WindowForecaster(window_size=3, epochs=1).fit(np.linspace(1.0, 2.0, 30) * 1e300)


@pytest.mark.parametrize("freq, period", [("ME", "M"), ("QE", "Q"), ("W-SUN", "W-SUN")])
def test_periods_after_a_fit_on_end_anchored_dates_are_the_same_rows(freq, period):
    y = pd.Series(np.random.RandomState(0).randn(40) + 10, index=pd.date_range("2000-01-01", periods=40, freq=freq))
    model = WindowForecaster(window_size=4, hidden_layer_sizes=(4,), epochs=1, random_state=0).fit(y[:-4])
    np.testing.assert_array_equal(model.predict(y[-4:].to_period(period)), model.predict(y[-4:]))
