"""Panels: many series in one long frame or dict, one network for all of them."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV

from skhyper import PanelSplit, WindowForecaster
from skhyper.metrics import mase, naive_mae, smape
from skhyper.panel import as_panel
from skhyper.scorers import neg_mase, neg_smape

QUICK = dict(hidden_layer_sizes=(8,), epochs=3, batch_size=64, random_state=0)


def make_panel(n_series=12, start="2001-01", freq="M", scales=None):
    """Seasonal series of different lengths, starts and sizes."""
    rng = np.random.RandomState(0)
    frames = []
    for i in range(n_series):
        n = 30 + 3 * i
        t = np.arange(n)
        values = 10 + 0.1 * t + 2 * np.sin(2 * np.pi * t / 12) + rng.randn(n) * 0.3
        scale = 1.0 if scales is None else scales[i]
        ds = pd.period_range(pd.Period(start, freq=freq) + i, periods=n, freq=freq).to_timestamp()
        frames.append(pd.DataFrame({"unique_id": f"s{i}", "ds": ds, "y": values * scale}))
    return pd.concat(frames, ignore_index=True)


def test_a_long_frame_and_a_dict_of_series_are_the_same_panel():
    frame = make_panel(4)
    as_dict = {key: part.set_index("ds")["y"] for key, part in frame.groupby("unique_id")}
    a, b = as_panel(frame), as_panel(as_dict)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.starts, b.starts)
    assert list(a.ids) == list(b.ids) and a.last == b.last and a.freq == b.freq


@pytest.mark.parametrize(
    "change, message",
    [(lambda f: f.drop(index=5), "jumps from"),
     (lambda f: pd.concat([f, f.iloc[[3]]]), "twice"),
     (lambda f: f.assign(y=f.y.where(f.index != 7)), "holds NaN"),
     (lambda f: f.assign(price=1.0), "besides unique_id, ds, y"),
     (lambda f: f.drop(columns="ds"), "missing"),
     (lambda f: f.iloc[:0], "empty panel")],
)  # fmt: skip
def test_bad_panels_are_refused_with_the_series_named(change, message):
    with pytest.raises(ValueError, match=message):
        as_panel(change(make_panel(3)))


@pytest.mark.parametrize(
    "columns, message",
    [({"y": "sales"}, "lacks y.\\)$"), ({"unique_id": "id"}, r"lacks unique_id.\) One series: index it .*set_index\('ds'\)")],
)
def test_a_frame_meant_as_a_panel_is_told_what_it_lacks(columns, message):
    # it was taken as one series of several columns: "unique_id is not numeric"
    frame = make_panel(2).rename(columns=columns)
    frame = frame.drop(columns="id") if "id" in frame else frame
    with pytest.raises(ValueError, match=message):
        WindowForecaster(**QUICK).fit(frame)


def test_a_series_of_another_frequency_is_named():
    frame = make_panel(3)
    quarterly = pd.DataFrame({"unique_id": "q", "ds": pd.date_range("2001-01-01", periods=10, freq="QS"), "y": 1.0})
    with pytest.raises(ValueError, match="series 'q' jumps .* another frequency"):
        as_panel(pd.concat([frame, quarterly]))
    # a series on other dates of the same frequency (month ends in a month-start panel) would be forecast on its grid
    long = pd.DataFrame({"unique_id": "l", "ds": pd.date_range("2000-01-01", periods=120, freq="MS"), "y": 1.0})
    ends = pd.DataFrame({"unique_id": "e", "ds": pd.date_range("2005-01-31", periods=12, freq="ME"), "y": 1.0})
    with pytest.raises(ValueError, match="series 'e' has ds=2005-01-31 00:00:00, not a date of the panel's frequency MS"):
        as_panel(pd.concat([long, ends]))
    # where the panel's dates show no frequency at all, two series of different ones are named
    monthly = pd.DataFrame({"unique_id": "m", "ds": pd.date_range("2020-01-01", periods=40, freq="MS"), "y": 1.0})
    quarterly = pd.DataFrame({"unique_id": "q", "ds": pd.date_range("2020-01-01", periods=40, freq="QS"), "y": 1.0})
    with pytest.raises(ValueError, match="series 'm' is of frequency MS and series 'q' of QS"):
        as_panel(pd.concat([monthly, quarterly]))


def test_a_global_forecaster_forecasts_every_series_and_leaves_the_panel_alone():
    frame = make_panel().sample(frac=1, random_state=0)  # any row order
    before = frame.copy()
    model = WindowForecaster(seasonal_period=12, horizon=6, **QUICK).fit(frame)
    pd.testing.assert_frame_equal(frame, before)
    forecast = model.forecast(6)
    assert list(forecast.columns) == ["unique_id", "ds", "WindowForecaster"]
    assert len(forecast) == 12 * 6 and np.isfinite(forecast["WindowForecaster"]).all()
    last = frame.groupby("unique_id")["ds"].max()
    first_step = forecast.groupby("unique_id")["ds"].min()
    assert (first_step == last + pd.offsets.MonthBegin(1)).all()
    # predict gives the same forecasts for the rows asked for, in their order
    rows = forecast[["unique_id", "ds"]].sample(frac=1, random_state=1)
    np.testing.assert_allclose(model.predict(rows), forecast.set_index(["unique_id", "ds"]).loc[
        list(zip(rows.unique_id, rows.ds)), "WindowForecaster"].to_numpy())


def test_each_window_is_scaled_by_its_own_level():
    """A series a thousand times larger trains the same network and gets a
    forecast a thousand times larger (fails without window_scale)."""
    scales = np.ones(12)
    base = WindowForecaster(seasonal_period=12, horizon=3, **QUICK).fit(make_panel(scales=scales)).forecast(3)
    scales[4] = 1000.0
    big = WindowForecaster(seasonal_period=12, horizon=3, **QUICK).fit(make_panel(scales=scales)).forecast(3)
    ratio = pd.Series(big["WindowForecaster"].to_numpy() / base["WindowForecaster"].to_numpy(), index=big.unique_id)
    np.testing.assert_allclose(ratio["s4"], 1000.0, rtol=1e-3)
    np.testing.assert_allclose(ratio.drop("s4"), 1.0, rtol=1e-3)


def test_one_series_options_are_refused_on_a_panel():
    with pytest.raises(ValueError, match="leave deseasonalize=None"):
        WindowForecaster(seasonal_period=12, deseasonalize="additive", **QUICK).fit(make_panel(3))
    with pytest.raises(ValueError, match="y column"):
        WindowForecaster(**QUICK).fit(make_panel(3), np.zeros(3))
    # parameters of one series' windows changed nothing on a panel: a search over them compared equal candidates
    for params in ({"relative_to": "mean"}, {"seasonal_window": 1}, {"min_seasonal_strength": 0.5}):
        with pytest.raises(ValueError, match=f"{next(iter(params))}=.*which a panel does not use"):
            WindowForecaster(seasonal_period=12, **params, **QUICK).fit(make_panel(3))


def test_series_shorter_than_a_window_still_get_forecasts():
    frame = pd.concat([make_panel(5), pd.DataFrame({"unique_id": "short", "ds": pd.date_range("2001-01-01", periods=2, freq="MS"), "y": [5.0, 6.0]})])
    model = WindowForecaster(seasonal_period=12, horizon=3, **QUICK).fit(frame)
    forecast = model.forecast(3)
    assert np.isfinite(forecast.loc[forecast.unique_id == "short", "WindowForecaster"]).all()


def test_an_ensemble_of_global_forecasters_combines_their_panel_forecasts():
    from skhyper import EnsembleForecaster

    frame = make_panel(6)
    members = [(f"w{w}", WindowForecaster(seasonal_period=12, horizon=3, window_size=w, **QUICK)) for w in (12, 24)]
    ensemble = EnsembleForecaster(members, aggfunc="median").fit(frame)
    forecast = ensemble.forecast(3)
    alone = [member.forecast(3)["WindowForecaster"].to_numpy() for member in ensemble.forecasters_]
    np.testing.assert_allclose(forecast["EnsembleForecaster"], np.median(alone, axis=0))
    assert list(forecast.columns) == ["unique_id", "ds", "EnsembleForecaster"]
    np.testing.assert_allclose(ensemble.predict(forecast[["unique_id", "ds"]]), forecast["EnsembleForecaster"])
    future = forecast.rename(columns={"EnsembleForecaster": "y"})  # scored against themselves: no error
    assert neg_mase(ensemble, future) == 0.0 and neg_smape(ensemble, future) == 0.0


def test_panel_split_cuts_every_series_at_the_same_origins():
    frame = make_panel(3)
    splits = list(PanelSplit(h=4, n_windows=2, step_size=2).split(frame))
    assert len(splits) == 2
    for window, (train, test) in enumerate(splits):
        back = (1 - window) * 2
        for key, part in frame.groupby("unique_id"):
            positions = part.index.to_numpy()
            np.testing.assert_array_equal(np.intersect1d(test, positions), positions[len(positions) - back - 4 : len(positions) - back])
            np.testing.assert_array_equal(np.intersect1d(train, positions), positions[: len(positions) - back - 4])


def test_a_search_tunes_a_global_forecaster_on_h_step_forecasts():
    frame = make_panel(6)
    search = GridSearchCV(
        WindowForecaster(seasonal_period=12, horizon=4, **QUICK),
        {"window_size": [12, 24]},
        cv=PanelSplit(h=4, n_windows=2),
        scoring={"smape": neg_smape, "mase": neg_mase},
        refit="smape",
        error_score="raise",
    ).fit(frame)
    assert np.isfinite(search.cv_results_["mean_test_smape"]).all()
    assert np.isfinite(search.cv_results_["mean_test_mase"]).all()
    assert search.best_estimator_.forecast(4).shape == (24, 3)


def test_competition_metrics():
    assert smape([100, 200], [110, 180]) == pytest.approx((200 * 10 / 210 + 200 * 20 / 380) / 2)
    assert smape([0.0], [0.0]) == 0.0
    history = np.array([1.0, 3, 2, 4, 3, 5])
    assert naive_mae(history, 2) == pytest.approx(1.0)
    assert naive_mae(history, 1) == pytest.approx(1.6)
    assert naive_mae(history[:2], 4) == pytest.approx(2.0)  # shorter than a season: lag 1
    # per series, then averaged: series 0 errs 1 on scale 1, series 1 errs 4 on scale 2
    assert mase([1, 1, 5, 5], [2, 0, 1, 9], [1.0, 2.0], [0, 0, 1, 1]) == pytest.approx((1 + 2) / 2)


def test_the_auto_settings_are_a_panels_on_a_panel_and_a_series_on_a_series():
    model = WindowForecaster(seasonal_period=12, horizon=2, epochs=1, random_state=0).fit(make_panel(3))
    assert model._hidden_sizes() == (512, 512, 512) and model._batch_size() == 512
    assert model._lr_schedule() == "cosine" and not model._early_stopping() and model._validation_fraction() == 0.0
    assert model._output_and_loss(2)[1] == "mean_absolute_error"
    assert tuple(model.model_.get_layer("hidden_0").kernel.shape) == (2 * model.window_size_, 512)  # values, then which are there
    assert "val_loss" not in model.history_ and model.n_iter_ == 1
    model.fit(np.sin(np.arange(60) / 3.0))  # the same estimator on one series
    assert model._hidden_sizes() == (100,) and model._batch_size() == 32 and model._early_stopping()
    assert model._output_and_loss(1)[1] == "mean_squared_error" and "val_loss" in model.history_
    assert model.get_params()["hidden_layer_sizes"] == "auto"  # the parameters are left as given


def _twins(n=59):
    """Two series whose windows of 2, scaled by their last value, are the
    same, but whose next values differ: 1, 1 is followed by 2 in one and by
    3 in the other.  Both end with 1, 1."""
    return {"two": pd.Series(np.resize([1.0, 1.0, 2.0], n)), "three": pd.Series(np.resize([1.0, 1.0, 3.0], n))}


def test_series_encoding_onehot_lets_the_network_tell_the_series_apart():
    settings = dict(window_size=2, hidden_layer_sizes=(16,), epochs=150, batch_size=16, learning_rate=0.01,
                    linear_path=False, series_weight=None, random_state=0)  # fmt: skip
    panel = _twins()
    alone = WindowForecaster(**settings).fit(panel)
    encoded = WindowForecaster(series_encoding="onehot", **settings).fit(panel)
    assert encoded.model_.inputs[0].shape[-1] == alone.model_.inputs[0].shape[-1] + 2
    truth = pd.Series({"two": 2.0, "three": 3.0})
    first_alone = alone.forecast(1).set_index("unique_id").iloc[:, -1]
    first_encoded = encoded.forecast(1).set_index("unique_id").iloc[:, -1]
    assert np.abs(first_encoded - truth).max() < 0.25
    assert np.abs(first_alone - truth).max() > 0.3  # one answer for both: about 2.5


def test_series_encoding_onehot_needs_the_same_series_and_bounded_memory(monkeypatch):
    from skhyper.estimators import _panel

    panel = _twins(30)
    model = WindowForecaster(series_encoding="onehot", window_size=2, **QUICK).fit(panel)
    with pytest.raises(ValueError, match="partial_fit must be given the same series"):
        model.partial_fit({"two": panel["two"], "other": panel["three"]})
    model.partial_fit(panel)  # the same series: goes on
    monkeypatch.setattr(_panel, "MAX_ONEHOT_VALUES", 100)
    with pytest.raises(ValueError, match=r"2 series and \d+ windows would add"):
        WindowForecaster(series_encoding="onehot", window_size=2, **QUICK).fit(panel)


@pytest.mark.parametrize(
    ("lengths", "season", "window"),
    [
        ((20, 30, 40), None, 15),  # half the median length
        ((6, 7, 9), None, 6),  # at least 6 values without a season
        ((30, 30, 31), 12, 24),  # at least two seasons
        ((300, 400, 500), None, 60),  # at most AUTO_PANEL_WINDOW
    ],
)
def test_the_auto_window_of_a_panel_is_half_its_median_series(lengths, season, window):
    rng = np.random.RandomState(0)
    panel = {f"s{i}": pd.Series(10 + rng.randn(n).cumsum()) for i, n in enumerate(lengths)}
    model = WindowForecaster(seasonal_period=season, hidden_layer_sizes=(4,), epochs=1, batch_size=64).fit(panel)
    assert model.window_size_ == window
    assert WindowForecaster(window_size=5, hidden_layer_sizes=(4,), epochs=1).fit(panel).window_size_ == 5


def test_a_shuffled_long_frame_is_the_same_panel_and_is_not_reordered():
    frame = make_panel(5)
    shuffled = frame.sample(frac=1.0, random_state=0)
    before = shuffled.copy()
    a, b = as_panel(frame), as_panel(shuffled)
    pd.testing.assert_frame_equal(shuffled, before)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.starts, b.starts)
    assert list(a.ids) == list(b.ids) and a.last == b.last



@pytest.mark.parametrize("settings", [{}, {"known_covariates": ["promo"]}, {"known_covariates": ["promo"], "covariate_effect": "both"}])
def test_predict_in_sample_on_a_panel_predicts_each_row_from_its_series_before_it(settings):
    """The fitted values of a panel: a row appended after each series' end is
    predicted as forecast(1) predicts that step; a shuffled frame gets the
    same predictions in its own row order; each series' first level rows are
    NaN; a series the forecaster was not fit on is named."""
    rng = np.random.RandomState(1)
    frame = make_panel(4).assign(promo=lambda d: rng.randint(0, 2, len(d)))
    frame["y"] += 3 * frame["promo"]
    forecaster = WindowForecaster(seasonal_period=12, **QUICK, **settings).fit(
        frame if settings else frame[["unique_id", "ds", "y"]])
    after = frame.groupby("unique_id").tail(1).assign(ds=lambda d: d.ds + pd.offsets.MonthBegin(1), y=0.0, promo=1)
    extended = pd.concat([frame, after], ignore_index=True)
    if not settings:
        extended, after = extended.drop(columns="promo"), after.drop(columns="promo")
    fitted = forecaster.predict_in_sample(extended)
    assert list(fitted.columns) == ["unique_id", "ds", "WindowForecaster"]
    assert fitted.index.equals(extended.index)
    expected = forecaster.forecast(1, X_df=after.drop(columns="y") if settings else None)
    np.testing.assert_allclose(fitted.tail(len(after))["WindowForecaster"].to_numpy(),
                               expected["WindowForecaster"].to_numpy(), rtol=1e-9)  # fmt: skip
    first = fitted.groupby("unique_id").head(forecaster.panel_level_rows_)
    assert first["WindowForecaster"].isna().all()
    assert fitted["WindowForecaster"].notna().sum() == len(extended) - 4 * forecaster.panel_level_rows_
    shuffled = extended.sample(frac=1.0, random_state=0)
    again = forecaster.predict_in_sample(shuffled)
    assert again.index.equals(shuffled.index)
    np.testing.assert_allclose(again.loc[fitted.index, "WindowForecaster"], fitted["WindowForecaster"])
    with pytest.raises(ValueError, match="series 'new' was not in the panel"):
        forecaster.predict_in_sample(extended.assign(unique_id=extended["unique_id"].replace("s0", "new")))
    with pytest.raises(ValueError, match="long DataFrame with columns unique_id, ds and y"):
        forecaster.predict_in_sample(extended[["unique_id", "ds"]])


def test_an_ensemble_of_global_forecasters_predicts_in_sample_on_a_panel():
    from skhyper import EnsembleForecaster

    frame = make_panel(4)
    members = [(f"s{seed}", WindowForecaster(seasonal_period=12, **{**QUICK, "random_state": seed})) for seed in (0, 1)]
    ensemble = EnsembleForecaster(members).fit(frame)
    fitted = ensemble.predict_in_sample(frame)
    alone = [member.predict_in_sample(frame)["WindowForecaster"].to_numpy() for member in ensemble.forecasters_]
    assert list(fitted.columns) == ["unique_id", "ds", "EnsembleForecaster"]
    np.testing.assert_allclose(fitted["EnsembleForecaster"], np.mean(alone, axis=0))


def test_an_auto_season_needs_two_of_them_in_the_longest_series_as_on_one_series():
    rng = np.random.RandomState(0)
    weeks = pd.date_range("2020-01-05", periods=40, freq="W-SUN")  # 40 weeks: less than two seasons of 52
    panel = pd.concat([pd.DataFrame({"unique_id": i, "ds": weeks, "y": 10 + rng.randn(40).cumsum()}) for i in range(3)])
    model = WindowForecaster(seasonal_period="auto", **QUICK).fit(panel)
    assert model.seasonal_period_ is None and model.seasonal_period_ == WindowForecaster(
        seasonal_period="auto", **QUICK).fit(panel[panel.unique_id == 0].set_index("ds")["y"]).seasonal_period_
    assert WindowForecaster(seasonal_period="auto", **QUICK).fit(make_panel(4)).seasonal_period_ == 12  # 39 months


def test_a_daily_panel_has_a_weekly_season_and_one_mase_scale_whatever_its_series_lengths():
    """Daily series of 200, 400 and 1000 days (one of more than two years,
    where one series alone would take a yearly season): the panel's "auto"
    season is a week, and the scorers' scale is every series' naive MAE at
    lag 7 (it was lag 365 for the longest, lag 1 for the shorter ones)."""
    rng = np.random.RandomState(0)
    days = {n: pd.date_range(end="2024-12-31", periods=n, freq="D") for n in (200, 400, 1000)}
    panel = pd.concat([pd.DataFrame({"unique_id": f"s{n}", "ds": ds, "y": 100 + rng.randn(n).cumsum()})
                       for n, ds in days.items()])  # fmt: skip
    auto = WindowForecaster(seasonal_period="auto", **QUICK).fit(panel)
    assert auto.seasonal_period_ == 7
    weekly = [naive_mae(panel.loc[panel.unique_id == i, "y"].to_numpy(), 7) for i in auto.panel_ids_]
    for model in (auto, WindowForecaster(seasonal_period=7, **QUICK).fit(panel)):
        np.testing.assert_allclose(model.mase_scale_, weekly)
    plain = WindowForecaster(**QUICK).fit(panel)  # no season of its own: still scored at the data's
    np.testing.assert_allclose(plain.mase_scale_, weekly)


def test_a_season_longer_than_the_auto_window_is_warned_of():
    rng = np.random.RandomState(0)
    hours = pd.date_range("2024-01-01", periods=400, freq="h")
    panel = pd.concat([pd.DataFrame({"unique_id": i, "ds": hours, "y": 10 + rng.randn(400).cumsum()}) for i in range(2)])
    with pytest.warns(UserWarning, match=r"seasonal_period=168 is longer than the automatic window \(60 values") as caught:
        model = WindowForecaster(seasonal_period=168, **QUICK).fit(panel)
    assert model.window_size_ == 60 and caught[0].filename == __file__  # pointed at the user's call
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        WindowForecaster(seasonal_period=24, **QUICK).fit(panel)  # two days in 60 values: nothing to say
        WindowForecaster(seasonal_period=168, window_size=168, **QUICK).fit(panel)  # a window given


def test_seasonal_period_1_is_no_season_as_statsforecasts_season_length_1(tmp_path):
    from skhyper import persistence

    """``seasonal_period=1`` (statsforecast's ``season_length=1``, the
    period M3 gives its yearly series) forecasts as ``None`` does, on a panel
    and on one series."""
    frame = make_panel(3)
    one = WindowForecaster(seasonal_period=1, **QUICK).fit(frame)
    none = WindowForecaster(seasonal_period=None, **QUICK).fit(frame)
    assert one.seasonal_period_ is None
    np.testing.assert_array_equal(one.forecast(4)["WindowForecaster"], none.forecast(4)["WindowForecaster"])
    series = frame.loc[frame.unique_id == "s2", "y"].to_numpy()
    alone = WindowForecaster(seasonal_period=1, window_size=4, **QUICK).fit(series)
    none = WindowForecaster(seasonal_period=None, window_size=4, **QUICK).fit(series)
    np.testing.assert_array_equal(alone.forecast(4), none.forecast(4))
    for fitted in (one, alone):  # saved and loaded (the load's checks read 1 as None too)
        path = tmp_path / f"{id(fitted)}.skhyper"
        persistence.save(fitted, path)
        loaded = persistence.load(path)
        np.testing.assert_array_equal(np.asarray(loaded.forecast(4))[..., -1], np.asarray(fitted.forecast(4))[..., -1])


def test_predict_in_sample_with_a_horizon_takes_the_covariates_of_the_blocks_steps_and_names_unknown_series():
    """With ``horizon`` > 1 and covariates in the network, a row's prediction
    comes from the block its training window predicted, whose later steps'
    covariates come from the frame (changing them changes it); a series not
    in the fit is named even where static features would be missing."""
    rng = np.random.RandomState(2)
    frame = make_panel(3).assign(promo=lambda d: rng.randint(0, 2, len(d)).astype(float), size=0.0)
    frame["size"] = frame["unique_id"].str[1:].astype(float)
    forecaster = WindowForecaster(seasonal_period=12, horizon=3, known_covariates=["promo"], static_features=["size"],
                                  covariate_effect="both", **QUICK).fit(frame)  # fmt: skip
    fitted = forecaster.predict_in_sample(frame)
    at = frame.index[(frame.unique_id == "s1")][20]
    changed = frame.copy()
    changed.loc[[at + 1, at + 2], "promo"] += 50.0
    again = forecaster.predict_in_sample(changed)
    assert again.loc[at, "WindowForecaster"] != fitted.loc[at, "WindowForecaster"]
    before = slice(None, at - 2)  # (rows at - 2 and before: blocks ending before the changed rows)
    np.testing.assert_allclose(again.loc[before, "WindowForecaster"], fitted.loc[before, "WindowForecaster"])
    extra = frame[frame.unique_id == "s0"].assign(unique_id="z").drop(columns="size")
    with pytest.raises(ValueError, match="series 'z' was not in the panel"):
        forecaster.predict_in_sample(pd.concat([frame.drop(columns="size"), extra]))


@pytest.mark.parametrize("freq", ["30min", "2h", "2MS"])
def test_a_panel_of_a_multiple_frequency_is_regular_and_forecasts_its_next_steps(freq):
    """pandas counts a 30-minute period's ordinal in minutes: steps are
    ordinals over the multiple, so consecutive rows are one step apart."""
    ds = pd.date_range("2024-01-01", periods=40, freq=freq)
    panel = pd.concat([pd.DataFrame({"unique_id": u, "ds": ds, "y": 10 + i + np.sin(np.arange(40) / 4)})
                       for i, u in enumerate(["a", "b"])], ignore_index=True)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # pandas' deprecated aliases ("2M") not used
        model = WindowForecaster(window_size=4, **QUICK).fit(panel)
        forecast = model.forecast(3)
    assert list(forecast["ds"][:3]) == list(pd.date_range(ds[-1], periods=4, freq=freq)[1:])
    np.testing.assert_allclose(model.predict(forecast[["unique_id", "ds"]]), forecast["WindowForecaster"].to_numpy())
    with pytest.raises(ValueError, match="jumps from"):
        model.fit(panel.drop(index=5))  # a gap is still one


def test_epochs_auto_on_a_small_panel_reaches_min_panel_steps(monkeypatch):
    from skhyper.estimators import _panel

    panel = make_panel(3)
    assert WindowForecaster(seasonal_period=12, random_state=0, hidden_layer_sizes=(4,)).fit(panel).n_iter_ == 10
    monkeypatch.setattr(_panel, "MIN_PANEL_STEPS", 30)
    model = WindowForecaster(seasonal_period=12, random_state=0, hidden_layer_sizes=(4,), batch_size=32).fit(panel)
    per_pass = -(-model.n_windows_ // 32)
    assert model.n_iter_ == max(10, -(-30 // per_pass)) > 10
    assert WindowForecaster(epochs=2, **{k: v for k, v in QUICK.items() if k != "epochs"}).fit(panel).n_iter_ == 2


def test_future_dates_past_pandas_last_date_are_named():
    from skhyper.panel import future_frame

    month = pd.tseries.frequencies.to_offset("MS")
    assert len(future_frame(["a"], [pd.Timestamp("2250-01-01")], month, 12)) == 12
    with pytest.raises(ValueError, match="200 steps of MS after the panel's end .* run past the last date pandas holds"):
        future_frame(["a"], [pd.Timestamp("2250-01-01")], month, 200)


@pytest.mark.parametrize(
    "start, freq, zone",
    [("2021-02-10", "D", "Europe/Berlin"), ("2021-03-27 12:00", "h", "Europe/Berlin"),
     ("2021-10-30 12:00", "h", "Europe/Berlin"), ("2021-03-01", "W", "Europe/Berlin"),
     ("2024-02-10", "D", "Atlantic/Azores"), ("2024-09-01", "D", "Atlantic/Azores")],
)  # fmt: skip
def test_time_zone_aware_panels_step_across_dst(start, freq, zone):
    """A day or longer steps on the local calendar (midnights stay
    midnights; Azores' DST changes at midnight), an hour in absolute time
    (no false gap in spring, no false duplicate in autumn)."""
    ds = pd.date_range(start, periods=44, freq=freq, tz=zone)
    panel = pd.concat([pd.DataFrame({"unique_id": u, "ds": ds, "y": np.arange(44.0) + i}) for i, u in enumerate("ab")],
                      ignore_index=True)  # fmt: skip
    model = WindowForecaster(window_size=4, **QUICK).fit(panel)
    forecast = model.forecast(50)
    if freq == "h":  # absolute time
        expected = pd.date_range(ds[-1], periods=51, freq=freq)[1:]
    else:  # local midnights; one DST skips is the hour after, as pandas shifts it
        local = pd.date_range(ds[-1].tz_localize(None), periods=51, freq=freq)[1:]
        expected = local.tz_localize(zone, nonexistent="shift_forward", ambiguous=np.ones(50, dtype=bool))
    assert list(forecast["ds"][:50]) == list(expected)
    np.testing.assert_allclose(model.predict(forecast[["unique_id", "ds"]]), forecast["WindowForecaster"].to_numpy())
    local = forecast[["unique_id", "ds"]].head(5).assign(ds=lambda f: f["ds"].dt.tz_localize(None))  # its local time
    np.testing.assert_allclose(model.predict(local), forecast["WindowForecaster"].to_numpy()[:5])


def test_a_dict_of_series_takes_dates_of_any_resolution_but_one_time_zone():
    a = pd.Series(np.arange(40.0), index=pd.date_range("2020-01-01", periods=40, freq="MS"))
    b = pd.Series(np.arange(30.0), index=pd.date_range("2021-01-01", periods=30, freq="MS").as_unit("us"))
    assert list(as_panel({"a": a, "b": b}).ids) == ["a", "b"]
    with pytest.raises(ValueError, match="different kinds"):
        as_panel({"a": a, "b": b.tz_localize("UTC")})


def test_a_dict_of_series_keeps_a_range_index_start_and_refuses_text_labels():
    rng = np.random.RandomState(0)
    sliced = {f"s{i}": pd.Series(rng.randn(40), index=pd.RangeIndex(100 + 10 * i, 140 + 10 * i)) for i in range(2)}
    assert as_panel(sliced).last == [139, 149]  # a slice's RangeIndex, as skforecast continues it (not 0 .. 39)
    assert as_panel({"a": rng.randn(5)}).last == [4]  # arrays: steps 0, 1, ...
    unsigned = pd.Series(rng.randn(5), index=pd.Index(np.arange(5, dtype=np.uint64)))
    assert as_panel({"u": unsigned, "a": rng.randn(5)}).last == [4, 4]  # (was float steps: "ds must hold ...")
    text = pd.Series(rng.randn(30), index=pd.date_range("2000-01-01", periods=30, freq="MS").strftime("%Y-%m-%d"))
    with pytest.raises(ValueError, match=r"index of object values.*pd.to_datetime"):
        as_panel({"a": text})
    with pytest.raises(ValueError, match=r"different kinds \(\['dates \(no time zone\)', 'integers'\]\)"):
        as_panel({"a": text.set_axis(pd.to_datetime(text.index)), "b": rng.randn(30)})


def test_a_panel_fit_on_dates_predicts_periods_of_its_frequency_and_the_other_way_round():
    ds = pd.date_range("2020-01-01", periods=30, freq="MS")
    panel = pd.concat([pd.DataFrame({"unique_id": u, "ds": ds, "y": np.arange(30.0) + i}) for i, u in enumerate("ab")],
                      ignore_index=True)  # fmt: skip
    on_dates = WindowForecaster(window_size=4, **QUICK).fit(panel)
    future = on_dates.forecast(3)
    as_periods = future.assign(ds=future["ds"].dt.to_period("M"))
    np.testing.assert_allclose(on_dates.predict(as_periods), future["WindowForecaster"].to_numpy())
    with pytest.raises(ValueError, match="periods of frequency QE-DEC, not ME"):
        on_dates.predict(future.assign(ds=future["ds"].dt.to_period("Q")))
    on_periods = WindowForecaster(window_size=4, **QUICK).fit(panel.assign(ds=panel["ds"].dt.to_period("M")))
    np.testing.assert_allclose(on_periods.predict(future[["unique_id", "ds"]]), on_periods.forecast(3)["WindowForecaster"])


def test_a_business_day_panel_steps_over_weekends_without_pandas_deprecation_warnings(tmp_path):
    import warnings

    import skhyper

    ds = pd.date_range("2024-01-01", periods=40, freq="B")
    panel = pd.concat([pd.DataFrame({"unique_id": u, "ds": ds, "y": np.arange(40.0) + i}) for i, u in enumerate("ab")],
                      ignore_index=True)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        model = WindowForecaster(window_size=4, **QUICK).fit(panel)
        forecast = model.forecast(3)
        loaded = skhyper.load(model.save(tmp_path / "b.skhyper"))
    assert list(forecast["ds"][:3]) == list(pd.date_range(ds[-1], periods=4, freq="B")[1:])  # Monday after Friday
    np.testing.assert_allclose(loaded.predict(forecast[["unique_id", "ds"]]), forecast["WindowForecaster"].to_numpy())
    with pytest.raises(ValueError, match="jumps from"):
        model.fit(panel.drop(index=7))


@pytest.mark.parametrize("ids", [[7, 3], ["b", "a"]])
def test_forecasts_keep_the_dtype_of_unique_id_as_statsforecast_does(tmp_path, ids):
    import skhyper

    frame = make_panel(2)
    frame["unique_id"] = frame["unique_id"].map(dict(zip(["s0", "s1"], ids)))
    model = WindowForecaster(**QUICK).fit(frame)
    forecast = model.forecast(2)
    assert forecast["unique_id"].dtype == frame["unique_id"].dtype
    assert sorted(forecast["unique_id"].unique().tolist()) == sorted(ids)
    assert skhyper.load(model.save(tmp_path / "m.skhyper")).forecast(2)["unique_id"].dtype == frame["unique_id"].dtype


@pytest.mark.parametrize("steps", [True, 0, 2.0, "3"])
def test_forecast_steps_must_be_a_positive_integer_not_a_bool(steps):
    model = WindowForecaster(**QUICK).fit(make_panel(2))
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        model.forecast(steps)


def test_a_halving_search_over_rows_of_a_panel_is_refused_with_the_way_out():
    from skhyper.model_selection import HalvingGridSearchCV

    search = HalvingGridSearchCV(WindowForecaster(**QUICK), {"window_size": [3, 4]}, cv=PanelSplit(h=2), random_state=0)
    with pytest.raises(ValueError, match="resource='epochs'"):
        search.fit(make_panel(3))
