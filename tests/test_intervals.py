"""Conformal prediction intervals of WindowForecaster, on one series and on panels."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import cross_val_score

from skhyper import PanelSplit, WindowForecaster
from skhyper.metrics import coverage, msis
from skhyper.scorers import neg_coverage_error, neg_msis

QUICK = dict(hidden_layer_sizes=(8,), epochs=3, batch_size=64, random_state=0)


def noise_panel(n_series=60, length=40, seed=0, start=0):
    """White noise around levels of different sizes: the same error law, scaled."""
    rng = np.random.RandomState(seed)
    levels = np.exp(rng.uniform(0, 4, n_series))
    frames = [
        pd.DataFrame({"unique_id": i, "ds": np.arange(start, start + length), "y": levels[i] * (10 + rng.randn(length))})
        for i in range(n_series)
    ]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def panel_model():
    return WindowForecaster(interval_horizon=3, **QUICK).fit(noise_panel())


def test_panel_forecast_has_ordered_bounds_named_as_statsforecast(panel_model):
    frame = panel_model.forecast(3, level=[95, 80])
    name = "WindowForecaster"
    assert list(frame.columns) == ["unique_id", "ds", name, f"{name}-lo-95", f"{name}-lo-80", f"{name}-hi-80", f"{name}-hi-95"]
    assert len(frame) == 60 * 3
    lo95, lo80, hi80, hi95 = (frame[f"{name}-{c}"].to_numpy() for c in ("lo-95", "lo-80", "hi-80", "hi-95"))
    assert (lo95 <= lo80).all() and (lo80 < hi80).all() and (hi80 <= hi95).all()
    # the point forecast is the one without level
    np.testing.assert_array_equal(frame[name].to_numpy(), panel_model.forecast(3)[name].to_numpy())


def test_panel_scores_pool_every_series_origins(panel_model):
    # 60 series: ceil(200 / 60) = 4 origins each, 3 steps
    assert panel_model.conformal_scores_.shape == (240, 3)
    assert np.isfinite(panel_model.conformal_scores_).all()


def test_bounds_are_the_forecast_plus_the_step_quantiles_times_the_scale(panel_model):
    model = panel_model
    scores = model.conformal_scores_
    frame = model.forecast(2, level=80)
    point = frame["WindowForecaster"].to_numpy().reshape(60, 2)
    rank = int(np.ceil((len(scores) + 1) * 0.8))  # split conformal's finite-sample rank
    width = np.sort(np.abs(scores[:, :2]), axis=0)[rank - 1] * model.naive_mae_[:, None]
    np.testing.assert_allclose(frame["WindowForecaster-lo-80"].to_numpy().reshape(60, 2), point - width)
    np.testing.assert_allclose(frame["WindowForecaster-hi-80"].to_numpy().reshape(60, 2), point + width)


def test_panel_intervals_cover_new_values_about_as_often_as_stated(panel_model):
    # the same series continued: values the forecaster never saw
    future = noise_panel(length=43).groupby("unique_id").tail(3)
    frame = panel_model.forecast(3, level=[80, 95])
    y = future["y"].to_numpy()
    for level in (80, 95):
        share = coverage(y, frame[f"WindowForecaster-lo-{level}"], frame[f"WindowForecaster-hi-{level}"])
        assert abs(share - level / 100) < 0.1, (level, share)


def test_panel_predict_gives_each_rows_step_bounds(panel_model):
    future = noise_panel(length=43).groupby("unique_id").tail(3)
    rows = future.iloc[::2]  # steps 1 and 3 of series 0, step 2 of series 1, ...
    frame = panel_model.predict(rows, level=80)
    forecast = panel_model.forecast(3, level=80).set_index(["unique_id", "ds"])
    expected = forecast.loc[list(zip(rows["unique_id"], rows["ds"]))]
    assert list(frame.index) == list(rows.index)
    for column in ("WindowForecaster", "WindowForecaster-lo-80", "WindowForecaster-hi-80"):
        np.testing.assert_allclose(frame[column].to_numpy(), expected[column].to_numpy())


def test_a_panel_search_scores_intervals():
    scores = cross_val_score(
        WindowForecaster(interval_horizon=3, **QUICK), noise_panel(30), cv=PanelSplit(h=3, n_windows=2),
        scoring=neg_msis, error_score="raise",
    )  # fmt: skip
    assert scores.shape == (2,) and (scores < 0).all()
    gap = cross_val_score(
        WindowForecaster(interval_horizon=3, **QUICK), noise_panel(30), cv=PanelSplit(h=3, n_windows=1),
        scoring=neg_coverage_error, error_score="raise",
    )  # fmt: skip
    assert -0.95 <= gap[0] <= 0


def series(n=96):
    rng = np.random.RandomState(1)
    values = 5 + np.sin(np.arange(n) * 2 * np.pi / 12) + 0.2 * rng.randn(n)
    return pd.Series(values, index=pd.date_range("2000-01", periods=n, freq="MS"))


def test_one_series_forecast_and_predict_with_intervals():
    y = series()
    model = WindowForecaster(interval_horizon=4, conformal_windows=20, **QUICK).fit(y[:90])
    assert model.conformal_scores_.shape == (20, 4) and model.interval_scale_ > 0
    frame = model.forecast(4, level=[80, 95])
    assert list(frame.columns) == ["forecast", "lo-95", "lo-80", "hi-80", "hi-95"]
    assert frame.index[0] == pd.Timestamp("2007-07-01")
    np.testing.assert_allclose(frame["forecast"].to_numpy(), model.forecast(4).to_numpy())
    assert (frame["lo-95"] <= frame["lo-80"]).all() and (frame["hi-80"] <= frame["hi-95"]).all()
    one_step = model.predict(y[90:], level=95)
    assert list(one_step.index) == list(y.index[90:])
    np.testing.assert_allclose(one_step["prediction"].to_numpy(), model.predict(y[90:]))
    width = (one_step["hi-95"] - one_step["lo-95"]).to_numpy()
    np.testing.assert_allclose(width, width[0])  # every row one step ahead: one width
    np.testing.assert_allclose(width[0], (frame["hi-95"] - frame["lo-95"]).iloc[0])


def test_auto_origins_hold_out_at_most_half_of_one_series():
    model = WindowForecaster(interval_horizon=6, **QUICK).fit(series(60))
    assert model.conformal_scores_.shape == (30 - 6 + 1, 6)


def test_fit_with_intervals_leaves_the_panel_as_it_was():
    frame = noise_panel(10)
    before = frame.copy()
    WindowForecaster(interval_horizon=2, **QUICK).fit(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_intervals_are_reproducible():
    a = WindowForecaster(interval_horizon=2, **QUICK).fit(noise_panel(20)).conformal_scores_
    b = WindowForecaster(interval_horizon=2, **QUICK).fit(noise_panel(20)).conformal_scores_
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda m: m.forecast(4, level=80), "calibrated for 3 steps"),
        (lambda m: m.forecast(2, level=100), "strictly between 0 and 100"),
        (lambda m: m.forecast(2, level="95"), "strictly between 0 and 100|number"),
        (lambda m: m.forecast(2, level=[]), "strictly between 0 and 100"),
    ],
)
def test_bad_levels_say_what_is_wrong(panel_model, call, message):
    with pytest.raises(ValueError, match=message):
        call(panel_model)


def test_a_level_given_as_a_fraction_warns_that_levels_are_percentages(panel_model):
    with pytest.warns(UserWarning, match=r"asks for 0.8% intervals: levels are percentages.*level=80"):
        bands = panel_model.forecast(2, level=0.8)  # sktime's coverage=0.8
    assert "WindowForecaster-lo-0.8" in bands


def test_intervals_without_calibration_say_how_to_get_them():
    model = WindowForecaster(**QUICK).fit(noise_panel(10))
    with pytest.raises(ValueError, match="interval_horizon"):
        model.forecast(2, level=80)
    single = WindowForecaster(**QUICK).fit(series())
    with pytest.raises(ValueError, match="interval_horizon"):
        single.forecast(2, level=80)


def test_too_short_for_calibration_is_a_clear_error():
    with pytest.raises(ValueError, match="interval_horizon=30"):
        WindowForecaster(interval_horizon=30, conformal_windows=5, **QUICK).fit(series(30))
    with pytest.raises(ValueError, match="interval_horizon=40"):
        WindowForecaster(interval_horizon=40, **QUICK).fit(noise_panel(5, length=40))


def test_intervals_need_a_model_of_the_series_itself():
    X = np.random.RandomState(0).randn(60, 2)
    model = WindowForecaster(interval_horizon=2, **QUICK)
    with pytest.raises(ValueError, match="model of one series itself"):
        model.fit(X[:, :1], X[:, 1])
    assert not hasattr(model, "n_iter_")  # refused before training
    with pytest.raises(ValueError, match="model of one series itself"):  # two columns: after the fit reads them
        WindowForecaster(interval_horizon=2, **QUICK).fit(X)


def test_msis_and_coverage_by_hand():
    y, lower, upper = np.array([1.0, 5.0, 0.0]), np.zeros(3), np.full(3, 2.0)
    assert coverage(y, lower, upper) == pytest.approx(2 / 3)
    # series 0: rows 0, 1 (scores 2, 122: mean 62, scale 2); series 1: row 2 (score 2, scale 1)
    assert msis(y, lower, upper, scale=[2.0, 1.0], series=[0, 0, 1]) == pytest.approx((31 + 2) / 2)
    assert msis(y, lower, upper, scale=1.0, level=80) == pytest.approx((2 + 2 + 10 * 3 + 2) / 3)


def test_fan_chart_shades_each_level_of_one_series_and_of_a_panel(panel_model):
    import matplotlib

    matplotlib.use("Agg")
    from skhyper.plotting import plot_fan

    y = series()
    model = WindowForecaster(interval_horizon=4, conformal_windows=20, **QUICK).fit(y[:90])
    figure = plot_fan(y[:90], model.forecast(4, level=[80, 95]), actual=y[90:94])
    axis = figure.axes[0]
    assert [c.get_label() for c in axis.collections] == ["95% interval", "80% interval"]
    assert [line.get_label() for line in axis.get_lines()] == ["history", "forecast", "actual"]
    frame = panel_model.forecast(3, level=[80])
    figure = plot_fan(noise_panel(), frame, unique_id=5)
    assert [c.get_label() for c in figure.axes[0].collections] == ["80% interval"]
    assert figure.axes[0].get_title() == "5: forecast and prediction intervals"  # which of the panel's series
    np.testing.assert_allclose(
        figure.axes[0].get_lines()[1].get_ydata(), frame.loc[frame["unique_id"] == 5, "WindowForecaster"]
    )
    with pytest.raises(ValueError, match="no interval columns"):
        plot_fan(y[:90], model.forecast(4).to_frame())


def test_auto_origins_are_at_least_three_per_series():
    model = WindowForecaster(interval_horizon=2, **QUICK).fit(noise_panel(100, length=20))
    assert model.conformal_scores_.shape == (300, 2)
    model = WindowForecaster(interval_horizon=2, conformal_windows=1, **QUICK).fit(noise_panel(100, length=20))
    assert model.conformal_scores_.shape == (100, 2)


def test_the_calibration_copy_takes_the_season_an_auto_season_found(monkeypatch):
    # "auto" looked again on the shorter series, where two seasons no longer fit, and calibrated a seasonless copy
    from skhyper.estimators._intervals import ConformalIntervals

    copies, calibrate = [], ConformalIntervals._calibration_copy
    monkeypatch.setattr(ConformalIntervals, "_calibration_copy", lambda self, X: copies.append(calibrate(self, X)) or copies[-1])
    months = pd.date_range("2015-01-01", periods=30, freq="MS")
    panel = pd.concat([pd.DataFrame({"unique_id": i, "ds": months, "y": noise_panel(1, 30, seed=i)["y"]}) for i in range(3)])
    model = WindowForecaster(seasonal_period="auto", interval_horizon=6, **QUICK).fit(panel)
    assert model.seasonal_period_ == 12 and [copy.seasonal_period_ for copy in copies] == [12]


def test_auto_origins_leave_the_calibration_copy_enough_values_to_train_on():
    # 40 values a series, a direct horizon of 12 with a season of 12: a fit needs 24 values a series. Half of 40
    # held out (9 origins of 12 steps) left 20 and the calibration fit failed; "auto" now takes 5 origins
    model = WindowForecaster(interval_horizon=12, horizon=12, seasonal_period=12, **QUICK).fit(noise_panel(20, length=40))
    assert model.conformal_scores_.shape == (20 * 5, 12)


@pytest.mark.parametrize(
    "params",
    [
        {"horizon": 2},  # direct blocks of two steps
        {"series_encoding": "onehot"},
        {"window_size": 4, "seasonal_period": 4},
    ],
)
def test_panel_intervals_with_other_settings(params):
    frame = noise_panel(24, length=30)
    model = WindowForecaster(interval_horizon=3, **QUICK, **params).fit(frame)
    bands = model.forecast(3, level=90)
    assert np.isfinite(bands.filter(like="WindowForecaster").to_numpy()).all()
    assert (bands["WindowForecaster-lo-90"] < bands["WindowForecaster-hi-90"]).all()


def test_a_panel_with_series_too_short_to_calibrate_still_gets_intervals():
    long = noise_panel(30, length=40)
    short = noise_panel(3, length=4, seed=1).assign(unique_id=lambda f: f["unique_id"] + 100)
    model = WindowForecaster(interval_horizon=3, conformal_windows=2, **QUICK).fit(pd.concat([long, short]))
    assert model.conformal_scores_.shape == (30 * 2, 3)  # the short series held out nothing to score
    bands = model.forecast(3, level=80)
    assert len(bands) == 33 * 3 and np.isfinite(bands["WindowForecaster-lo-80"]).all()


@pytest.mark.parametrize("params", [{"deseasonalize": "difference", "seasonal_period": 12}, {"horizon": 3},
                                    {"deseasonalize": "multiplicative", "seasonal_period": 12}])
def test_one_series_intervals_with_other_settings(params):
    y = series(120)
    model = WindowForecaster(interval_horizon=6, conformal_windows=20, **QUICK, **params).fit(y[:110])  # 95% needs 19
    bands = model.forecast(6, level=[80, 95])
    np.testing.assert_allclose(bands["forecast"].to_numpy(), np.asarray(model.forecast(6)))
    assert (bands["lo-95"] <= bands["lo-80"]).all() and (bands["lo-80"] < bands["hi-80"]).all()


def test_the_calibration_is_part_of_the_fit_for_progress_and_callbacks():
    import keras

    from skhyper import _progress

    class Epochs(keras.callbacks.Callback):
        count = 0

        def on_epoch_end(self, epoch, logs=None):
            Epochs.count += 1

    finished, given = [], Epochs()
    with _progress.observing(lambda: finished.append(1)):
        model = WindowForecaster(interval_horizon=2, callbacks=[given], engine="keras", **QUICK).fit(noise_panel(10))
    assert len(finished) == 1  # one fit, its calibration copy not counted apart
    assert Epochs.count == QUICK["epochs"]  # the user's callback sees the fit's epochs only
    assert given._model is None and model.callbacks_[0].model is model.model_  # (a copy of it trained)


def test_a_level_its_calibration_errors_cannot_bound_is_refused_not_given_the_largest_error():
    # 1 origin x 1 series: every level's band was the one error, 50% as wide as 99%
    model = WindowForecaster(interval_horizon=3, conformal_windows=4, **QUICK).fit(series(60))
    assert model.conformal_scores_.shape == (4, 3)
    bands = model.forecast(3, level=[50, 75])  # ranks ceil(5 * 0.5) = 3 and ceil(5 * 0.75) = 4 of 4
    widths = np.sort(np.abs(model.conformal_scores_), axis=0)[[2, 3]] * model.interval_scale_
    np.testing.assert_allclose(bands["hi-50"] - bands["forecast"], widths[0])
    np.testing.assert_allclose(bands["hi-75"] - bands["forecast"], widths[1])
    with pytest.raises(ValueError, match="90% intervals need at least 9 calibration errors a step ahead; this forecaster has 4"):
        model.forecast(3, level=[50, 90])  # rank ceil(5 * 0.9) = 5 of 4
    with pytest.raises(ValueError, match="95% intervals need at least 19"):
        model.predict(series(63)[60:], level=95)


def test_odd_but_valid_inputs_get_intervals_not_raw_errors():
    values = series(60)
    model = WindowForecaster(interval_horizon=4, conformal_windows=10, **QUICK).fit(list(values[:-4]))
    rows = model.predict(list(values[-4:]), level=80)  # a list has an .index method, not an index
    assert list(rows.columns) == ["prediction", "lo-80", "hi-80"] and len(rows) == 4
    pd.testing.assert_frame_equal(model.forecast(4, level=np.array(80)), model.forecast(4, level=80))
    panel = WindowForecaster(interval_horizon=2, **QUICK).fit(noise_panel(5))
    empty = pd.DataFrame({"unique_id": pd.Series([], dtype=object), "ds": pd.Series([], dtype=int)})
    frame = panel.predict(empty, level=80)
    assert len(frame) == 0 and list(frame.columns) == ["WindowForecaster", "WindowForecaster-lo-80", "WindowForecaster-hi-80"]
    with pytest.raises(ValueError, match="fit without intervals"):
        WindowForecaster(**QUICK).fit(noise_panel(5)).predict(empty, level=80)


def test_partial_fit_alone_says_it_does_not_calibrate_intervals():
    model = WindowForecaster(interval_horizon=3, **QUICK).partial_fit(series(40))
    with pytest.raises(ValueError, match="partial_fit trains without calibrating them. Call fit()"):
        model.forecast(3, level=80)
