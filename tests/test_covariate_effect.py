"""The known covariates' linear effect (``covariate_effect``): regressed on
the series' changes before training, added back to the forecasts."""

import warnings

import numpy as np
import pandas as pd
import pytest
from test_covariates import QUICK, promo_panel, promo_series, split

from skhyper import WindowForecaster
from skhyper.estimators._covariate_regression import difference_regression

H = 6


def law_series(n=120, shift=-8.0, since=100, seed=0):
    """A monthly season, noise, and a law from row ``since`` on that lowers
    the level by ``-shift``: the Seatbelts situation in small."""
    rng = np.random.RandomState(seed)
    law = (np.arange(n) >= since).astype(float)
    y = 50 + 6 * np.sin(2 * np.pi * np.arange(n) / 12) + shift * law + rng.randn(n) * 0.5
    return pd.DataFrame({"y": y, "law": law}, index=pd.period_range("2000-01", periods=n, freq="M"))


def test_the_regression_on_changes_measures_a_level_shift_from_the_rows_after_it():
    frame = law_series()
    model = WindowForecaster(known_covariates=["law"], seasonal_period=12, **QUICK).fit(frame)
    assert model.covariate_coef_.shape == (1, 1) and model.covariate_reference_.tolist() == [[1.0]]
    assert model.covariate_coef_[0, 0] == pytest.approx(-8.0, abs=0.6)
    network = WindowForecaster(known_covariates=["law"], seasonal_period=12, covariate_effect="network", **QUICK)
    assert network.fit(frame).covariate_coef_ is None


def test_the_forecasts_move_by_the_effect_of_the_future_values_exactly():
    train = law_series().iloc[:-H]
    model = WindowForecaster(known_covariates=["law"], seasonal_period=12, **QUICK).fit(train)
    future = pd.DataFrame({"law": np.ones(H)}, index=pd.period_range(train.index[-1] + 1, periods=H, freq="M"))
    kept, repealed = model.forecast(H, X_df=future), model.forecast(H, X_df=future.assign(law=0.0))
    # the network sees no known covariate: only the effect moves the forecasts
    np.testing.assert_allclose(kept - repealed, model.covariate_coef_[0, 0], rtol=1e-9)
    both = WindowForecaster(known_covariates=["law"], seasonal_period=12, covariate_effect="both", **QUICK).fit(train)
    assert not np.allclose(both.forecast(H, X_df=future) - both.forecast(H, X_df=future.assign(law=0.0)),
                           both.covariate_coef_[0, 0])  # fmt: skip


def test_a_law_in_the_training_part_is_followed_better_than_by_the_network_alone():
    frame = law_series(seed=3)
    train, test = frame.iloc[:-12], frame.iloc[-12:]
    errors = {}
    for effect in ("linear", "network"):
        model = WindowForecaster(known_covariates=["law"], seasonal_period=12, covariate_effect=effect, **QUICK)
        if effect == "network":  # the law changes only in the windows early stopping holds out
            with pytest.warns(UserWarning, match="cannot learn their effect"):
                model.fit(train)
        else:
            model.fit(train)
        forecast = model.forecast(12, X_df=test[["law"]])
        errors[effect] = float(np.mean(np.abs(np.asarray(forecast) - test["y"].to_numpy())))
    assert errors["linear"] < 1.5 < errors["network"], errors


def test_predictions_in_and_out_of_sample_add_the_effect_back():
    frame = law_series()
    train, test = frame.iloc[:-H], frame.iloc[-H:]
    model = WindowForecaster(known_covariates=["law"], seasonal_period=12, **QUICK).fit(train)
    predicted = model.predict(test)
    assert np.mean(np.abs(predicted - test["y"].to_numpy())) < 2.0
    fitted = model.predict_in_sample(train)
    assert fitted.iloc[: model.lags_[0]].isna().all()
    after = fitted.iloc[100:].to_numpy()  # the law's rows: fitted at the lowered level
    assert np.mean(np.abs(after - train["y"].to_numpy()[100:])) < 2.0
    assert list(test.columns) == ["y", "law"] and test["law"].eq(1.0).all()  # nothing modified


def test_each_series_of_a_panel_gets_its_own_effect():
    panel = promo_panel(n_series=6)
    uplift = {f"s{i:02d}": 1.0 + i for i in range(6)}  # on top of the common 5
    panel["y"] += panel["unique_id"].map(uplift) * panel["promo"]
    train, test = split(panel)
    model = WindowForecaster(known_covariates=["promo"], **QUICK).fit(train)
    assert model.covariate_coef_.shape == (6, 1) and model.covariate_reference_.shape == (6, 1)
    np.testing.assert_allclose(model.covariate_coef_[:, 0], [6.0 + i for i in range(6)], atol=0.6)
    future = test[["unique_id", "ds", "promo"]]
    on, off = model.forecast(H, X_df=future.assign(promo=1.0)), model.forecast(H, X_df=future.assign(promo=0.0))
    moved = (on["WindowForecaster"] - off["WindowForecaster"]).to_numpy().reshape(6, H)
    np.testing.assert_allclose(moved, np.repeat(model.covariate_coef_, H, axis=1), rtol=1e-9)
    np.testing.assert_allclose(model.predict(test), model.forecast(H, X_df=future)["WindowForecaster"], rtol=1e-9)


def test_a_model_of_a_separate_target_has_no_regression_and_its_network_sees_the_covariates():
    frame = promo_series(60)
    X, y = frame, frame["sales"].shift(-1).ffill()
    model = WindowForecaster(known_covariates=["promo"], window_size=3, **QUICK).fit(X, y)
    assert model.covariate_coef_ is None
    inputs = model._standardized_covariates(np.array([[0.0], [1.0]]))  # what the network is fed
    assert inputs[1, 0] - inputs[0, 0] == pytest.approx(1 / model.covariate_scale_[0])


def test_difference_regression_leaves_what_it_cannot_measure_at_zero():
    rng = np.random.RandomState(0)
    x = rng.randn(40, 2)
    y = 3 * x[:, :1] - 2 * x[:, 1:] + 0.5 * np.arange(40)[:, None]  # a trend: the intercept of the changes
    np.testing.assert_allclose(difference_regression(y, x, 1), [[3.0], [-2.0]], atol=1e-9)
    np.testing.assert_allclose(difference_regression(y, x, 12), [[3.0], [-2.0]], atol=1e-9)
    constant = np.column_stack([x[:, 0], np.ones(40)])  # no change, no effect
    np.testing.assert_allclose(difference_regression(y, constant, 1)[1], [0.0])
    assert not difference_regression(y[:4], x[:4], 1).any()  # 3 changes for 2 coefficients and an intercept


def test_a_changed_covariate_effect_is_refused_by_partial_fit():
    frame = law_series(60, since=40)
    model = WindowForecaster(known_covariates=["law"], **QUICK).fit(frame)
    model.set_params(covariate_effect="network")
    with pytest.raises(ValueError, match="covariate_effect changed since this forecaster was fit"):
        model.partial_fit(frame)
    with pytest.raises(ValueError, match="covariate_effect"):
        WindowForecaster(known_covariates=["law"], covariate_effect="ridge", **QUICK).fit(frame)


def test_partial_fit_on_a_panel_keeps_each_seen_series_effect_and_regresses_new_ones():
    panel = promo_panel(n_series=4)
    train = panel[panel["unique_id"].isin(["s00", "s01", "s02"])]
    model = WindowForecaster(known_covariates=["promo"], **QUICK).fit(train)
    before = dict(zip(model.panel_ids_, model.covariate_coef_[:, 0]))
    grown = panel[panel["unique_id"].isin(["s03", "s01"])]  # one seen, one new, in another order
    model.partial_fit(grown)
    after = dict(zip(model.panel_ids_, model.covariate_coef_[:, 0]))
    assert list(model.panel_ids_) == ["s01", "s03"] and after["s01"] == before["s01"]
    assert after["s03"] == pytest.approx(5.0, abs=0.6)  # its own regression
    future = model._future(H).assign(promo=1.0)  # each series' next H steps
    assert np.isfinite(model.forecast(H, X_df=future)["WindowForecaster"]).all()


def test_a_refused_partial_fit_changes_nothing():
    train, test = split(promo_panel(n_series=4))
    model = WindowForecaster(known_covariates=["promo"], series_encoding="onehot", **QUICK).fit(train)
    future = test[["unique_id", "ds", "promo"]]
    before, coef = model.forecast(H, X_df=future), model.covariate_coef_.copy()
    with pytest.raises(ValueError, match="must be given the same series"):
        model.partial_fit(train[train["unique_id"].isin(["s02", "s03"])])
    np.testing.assert_array_equal(model.covariate_coef_, coef)
    pd.testing.assert_frame_equal(model.forecast(H, X_df=future), before)


def test_a_covariate_that_never_changes_is_warned_about_and_its_effect_is_zero():
    frame = law_series(90, since=200)  # the law never comes in
    with pytest.warns(UserWarning, match=r"\['law'\] do not change over 12 step\(s\) anywhere in the training series") as caught:
        model = WindowForecaster(known_covariates=["law"], seasonal_period=12, **QUICK).fit(frame)
    assert model.covariate_coef_.tolist() == [[0.0]]
    assert caught[0].filename == __file__  # the warning points at the user's fit


def test_a_partial_fit_refused_after_reading_its_rows_changes_nothing():
    train, test = split(promo_panel(n_series=4))
    model = WindowForecaster(known_covariates=["promo"], **QUICK).fit(train)
    future = test[["unique_id", "ds", "promo"]]
    before, ids = model.forecast(H, X_df=future), list(model.panel_ids_)
    model.set_params(hidden_layer_sizes=(16,))
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        model.partial_fit(train[train["unique_id"].isin(["s03", "s01"])])  # read, then refused
    model.set_params(hidden_layer_sizes=QUICK["hidden_layer_sizes"])
    assert list(model.panel_ids_) == ids and model.covariate_coef_.shape == (4, 1)
    pd.testing.assert_frame_equal(model.forecast(H, X_df=future), before)


def test_covariate_window_is_no_change_when_the_network_takes_no_covariate(tmp_path):
    frame = law_series(60, since=40)
    model = WindowForecaster(known_covariates=["law"], **QUICK).fit(frame)
    assert model._n_covariate_inputs(len(model.lags_)) == 0
    model.set_params(covariate_window=True)
    model.partial_fit(frame)  # nothing the network takes changed
    model.save(tmp_path / "window.skhyper")


def test_a_panel_with_static_features_asks_only_for_the_known_covariates():
    panel = promo_panel(n_series=4)
    panel["size"] = panel["unique_id"].str[-1].astype(float)
    train, test = split(panel)
    model = WindowForecaster(known_covariates=["promo"], static_features=["size"], **QUICK).fit(train)
    with pytest.raises(ValueError, match="needs their\n? ?values for the h steps|needs their values"):
        model.forecast(H)
    with pytest.raises(ValueError, match=r"the columns \['unique_id', 'ds', 'promo'\] .*the static features \['size'\] are filled in"):
        model.forecast(H, X_df=test[["unique_id", "ds"]])


def test_multiplicative_seasons_name_the_effect_when_it_leaves_values_at_or_below_zero():
    rng = np.random.RandomState(0)
    x = rng.rand(96)
    x[-1] = 0.0  # the reference: the series less the effect is the series at x = 0, below 0 where 10 x**2 < 10 x
    months = np.arange(96)
    y = (1 + 10 * x**2) * (1 + 0.3 * np.sin(2 * np.pi * months / 12))
    frame = pd.DataFrame({"y": y, "x": x}, index=pd.period_range("2000-01", periods=96, freq="M"))
    assert (frame["y"] > 0).all()
    model = WindowForecaster(known_covariates=["x"], seasonal_period=12, deseasonalize="multiplicative", **QUICK)
    with pytest.raises(ValueError, match="less its known covariates' linear effect"):
        model.fit(frame)


def test_intervals_calibrate_with_the_effect_fit_on_every_row():
    frame = law_series(since=108)  # the law comes in where calibration holds rows out
    train, test = frame.iloc[:-H], frame.iloc[-H:]
    model = WindowForecaster(known_covariates=["law"], seasonal_period=12, interval_horizon=H, **QUICK)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the calibration copy does not regress on rows without the law
        bands = model.fit(train).forecast(H, level=[95], X_df=test[["law"]])
    width = float((bands["hi-95"] - bands["lo-95"]).mean())
    assert width < 8.0, width  # the copy's errors hold no unmeasured law (its shift is 8)
    inside = (test["y"].to_numpy() >= bands["lo-95"].to_numpy()) & (test["y"].to_numpy() <= bands["hi-95"].to_numpy())
    assert inside.mean() >= 0.5
