"""Covariates known in advance (``known_covariates``): panels and one series."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV

import skhyper
from skhyper import PanelSplit, WindowForecaster
from skhyper.persistence import save
from skhyper.scorers import neg_mean_absolute_error

QUICK = dict(hidden_layer_sizes=(8,), epochs=3, batch_size=64, random_state=0)
H = 6


def promo_panel(n_series=16, n=60, start=0, seed=0):
    """``y = level + 5 * promo + noise``: each series' own level, a promotion
    a quarter of the time (known in advance)."""
    rng = np.random.RandomState(seed)
    frames = []
    for i in range(n_series):
        promo = (rng.rand(n) < 0.25).astype(float)
        level = 20 + i + 0.02 * np.arange(n)
        y = level + 5 * promo + rng.randn(n) * 0.5
        frames.append(pd.DataFrame({"unique_id": f"s{i:02d}", "ds": start + np.arange(n), "y": y, "promo": promo}))
    return pd.concat(frames, ignore_index=True)


def split(frame, h=H):
    train = frame.groupby("unique_id").head(frame.groupby("unique_id").size().min() - h)
    test = frame.drop(index=train.index)
    return train, test


def promo_series(n=150, seed=1):
    rng = np.random.RandomState(seed)
    promo = (rng.rand(n) < 0.25).astype(float)
    sales = 20 + 0.02 * np.arange(n) + 5 * promo + rng.randn(n) * 0.5
    return pd.DataFrame({"sales": sales, "promo": promo}, index=pd.period_range("2001-01", periods=n, freq="M"))


def mae(forecast, actual):
    return float(np.mean(np.abs(np.asarray(forecast, dtype=float) - np.asarray(actual, dtype=float))))


@pytest.fixture(scope="module")
def panel_fits():
    train, test = split(promo_panel())
    with_promo = WindowForecaster(known_covariates=["promo"], **QUICK).fit(train)
    without = WindowForecaster(**QUICK).fit(train.drop(columns="promo"))
    return train, test, with_promo, without


def test_a_known_promotion_lowers_a_panels_h_step_error(panel_fits):
    train, test, with_promo, without = panel_fits
    before = test.copy()
    forecast = with_promo.forecast(H, X_df=test[["unique_id", "ds", "promo"]])
    plain = without.forecast(H)
    pd.testing.assert_frame_equal(test, before)  # the user's frame is read, never modified
    assert list(forecast.columns) == ["unique_id", "ds", "WindowForecaster"]
    actual = test.sort_values(["unique_id", "ds"])["y"]
    ratio = mae(forecast["WindowForecaster"], actual) / mae(plain["WindowForecaster"], actual)
    assert ratio < 0.7, ratio
    assert with_promo.covariates_ == ["promo"] and without.covariates_ is None
    assert with_promo.covariate_scale_.shape == (1,)
    # predict takes the covariates as columns of the rows to forecast, in any order
    rows = test.sample(frac=1, random_state=1)
    expected = forecast.set_index(["unique_id", "ds"]).loc[list(zip(rows.unique_id, rows.ds)), "WindowForecaster"]
    np.testing.assert_allclose(with_promo.predict(rows), expected.to_numpy(), rtol=1e-6)


def test_a_recursive_forecast_feeds_each_step_its_own_covariates(panel_fits):
    """horizon=2 over 6 steps: three blocks, each with its steps' promotions
    (a forecaster that reused the first block's would miss them)."""
    train, test, _, _ = panel_fits
    model = WindowForecaster(known_covariates=["promo"], horizon=2, covariate_window=True, **QUICK).fit(train)
    future = test[["unique_id", "ds", "promo"]]
    forecast = model.forecast(H, X_df=future)["WindowForecaster"].to_numpy().reshape(-1, H)
    flipped = model.forecast(H, X_df=future.assign(promo=1 - future["promo"]))["WindowForecaster"].to_numpy()
    effect = forecast - flipped.reshape(-1, H)
    promo = future.sort_values(["unique_id", "ds"])["promo"].to_numpy().reshape(-1, H)
    sign = np.where(promo == 1, 1.0, -1.0)
    assert (effect * sign > 0).mean() > 0.9  # every step answers to its own promotion
    # an odd number of steps: the last block's second step repeats the last given covariates
    odd = model.forecast(5, X_df=future.groupby("unique_id").head(5))
    assert len(odd) == 16 * 5 and np.isfinite(odd["WindowForecaster"]).all()


def test_a_known_regressor_lowers_one_series_h_step_error():
    frame = promo_series()
    train, test = frame.iloc[:-12], frame.iloc[-12:]
    before = train.copy()
    with_promo = WindowForecaster(known_covariates=["promo"], **QUICK).fit(train)
    without = WindowForecaster(**QUICK).fit(train["sales"])
    pd.testing.assert_frame_equal(train, before)
    forecast = with_promo.forecast(12, X_df=test[["promo"]])
    assert isinstance(forecast, pd.Series) and forecast.index.equals(test.index)
    assert with_promo.n_features_in_ == 1 and not hasattr(with_promo, "feature_names_in_")
    ratio = mae(forecast, test["sales"]) / mae(without.forecast(12), test["sales"])
    assert ratio < 0.7, ratio
    # one-step predictions of rows that carry their covariates, fitted values, R²
    assert with_promo.predict(test).shape == (12,)
    assert with_promo.score(test) > without.score(test["sales"])
    fitted = with_promo.predict_in_sample(train)
    assert isinstance(fitted, pd.Series) and fitted.isna().sum() == with_promo.lags_[0]


@pytest.mark.parametrize(
    "params",
    [dict(horizon=4), dict(horizon=3, covariate_window=True), dict(seasonal_period=12, deseasonalize="difference"),
     dict(linear_lags="all"), dict(relative_to=None)],
)  # fmt: skip
def test_one_series_covariates_work_with_every_window(params):
    frame = promo_series()
    train, test = frame.iloc[:-12], frame.iloc[-12:]
    model = WindowForecaster(known_covariates=["promo"], **{**QUICK, **params}).fit(train)
    forecast = model.forecast(12, X_df=test[["promo"]])
    assert np.isfinite(forecast).all() and len(forecast) == 12
    assert np.isfinite(model.predict(test)).all()


def test_covariates_with_intervals_on_a_panel_and_on_one_series(panel_fits):
    train, test, _, _ = panel_fits
    model = WindowForecaster(known_covariates=["promo"], interval_horizon=H, covariate_window=True, **QUICK).fit(train)
    bands = model.forecast(H, level=80, X_df=test[["unique_id", "ds", "promo"]])
    assert (bands["WindowForecaster-lo-80"] <= bands["WindowForecaster-hi-80"]).all()
    frame = promo_series()
    one = WindowForecaster(known_covariates=["promo"], interval_horizon=4, **QUICK).fit(frame.iloc[:-4])
    bands = one.forecast(4, level=[80, 95], X_df=frame.iloc[-4:][["promo"]])
    assert list(bands.columns) == ["forecast", "lo-95", "lo-80", "hi-80", "hi-95"]


def test_partial_fit_continues_with_the_same_covariates(panel_fits):
    train, _, _, _ = panel_fits
    model = WindowForecaster(known_covariates=["promo"], **QUICK).fit(train)
    model.partial_fit(train)
    model.set_params(known_covariates=None)
    with pytest.raises(ValueError, match="known_covariates, covariate_window or covariate_effect changed"):
        model.partial_fit(train.drop(columns="promo"))


# ------------------------------------------------------------------ errors


def _future(test):
    return test[["unique_id", "ds", "promo"]]


@pytest.mark.parametrize(
    "change, message",
    [(lambda f: None, "needs their values for the h steps"),
     (lambda f: f.iloc[1:], "too few"),
     (lambda f: f.assign(ds=f["ds"] + 1), "not one of the 6 steps after its end"),
     (lambda f: pd.concat([f, f.iloc[[0]]]), "twice"),
     (lambda f: f.assign(promo=f["promo"].where(f.index != f.index[3])), "NaN"),
     (lambda f: f.assign(price=1.0), r"\['price'\] not taken"),
     (lambda f: f.drop(columns="promo"), r"\['promo'\] missing"),
     (lambda f: f.assign(unique_id="zz"), "'zz' was not in the panel"),
     (lambda f: f.assign(ds=pd.Timestamp("2001-01-01")), "must be integers"),
     (lambda f: f["promo"].to_numpy(), "must be a pandas DataFrame")],
)  # fmt: skip
def test_wrong_future_covariates_of_a_panel_are_named(panel_fits, change, message):
    _, test, with_promo, _ = panel_fits
    future = _future(test)
    before = future.copy()
    with pytest.raises(ValueError, match=message):
        with_promo.forecast(H, X_df=change(future))
    pd.testing.assert_frame_equal(future, before)


def test_the_panel_errors_of_fit_and_predict(panel_fits):
    train, test, with_promo, without = panel_fits
    with pytest.raises(ValueError, match="without known_covariates"):
        without.forecast(H, X_df=_future(test))
    with pytest.raises(ValueError, match=r"\['price'\] besides unique_id, ds, y"):
        WindowForecaster(known_covariates=["promo"], **QUICK).fit(train.assign(price=1.0))
    with pytest.raises(ValueError, match=r"covariate\(s\) \[.price.\] \(known_covariates or static_features\) are not columns"):
        WindowForecaster(known_covariates=["price"], **QUICK).fit(train)
    with pytest.raises(ValueError, match="known_covariates' parameter of WindowForecaster must be an instance of 'list'"):
        WindowForecaster(known_covariates="promo", **QUICK).fit(train)
    with pytest.raises(ValueError, match="the panel's own columns"):
        WindowForecaster(known_covariates=["y"], **QUICK).fit(train)
    with pytest.raises(ValueError, match="no finite value of covariate 'promo'"):
        WindowForecaster(known_covariates=["promo"], **QUICK).fit(train.assign(promo=train["promo"].where(train.index != 5)))
    with pytest.raises(ValueError, match="must hold numbers"):
        WindowForecaster(known_covariates=["promo"], **QUICK).fit(train.assign(promo="yes"))
    with pytest.raises(ValueError, match="a dict of series holds none"):
        series = {key: part["y"].reset_index(drop=True) for key, part in train.groupby("unique_id")}
        WindowForecaster(known_covariates=["promo"], **QUICK).fit(series)
    with pytest.raises(ValueError, match=r"no column \['promo'\]"):
        with_promo.predict(test.drop(columns="promo"))
    later = test.groupby("unique_id").tail(2)  # steps 5 and 6 without 1 to 4
    with pytest.raises(ValueError, match="every step from each series' end"):
        with_promo.predict(later)
    with pytest.raises(ValueError, match="NaN"):
        with_promo.predict(test.assign(promo=np.nan))
    twice = pd.concat([test, test.iloc[[0]].assign(promo=1.0 - test["promo"].iloc[0])])  # one step, two promos
    with pytest.raises(ValueError, match=r"at ds=\S+ twice \(duplicated unique_id, ds\)"):
        with_promo.predict(twice)
    # a forecaster without covariates leaves the other columns unread, and says so
    with pytest.warns(UserWarning, match=r"\['promo'\] besides .*known_covariates=None"):
        WindowForecaster(**QUICK).fit(train)


@pytest.mark.parametrize(
    "change, message",
    [(lambda f: None, "needs their values for the 12 steps ahead"),
     (lambda f: f.iloc[1:], "too few"),
     (lambda f: pd.concat([f, f.iloc[[0]]]), "too many"),
     (lambda f: f.set_axis(f.index + 1), "not over the 12 steps after the training series"),
     (lambda f: f.assign(promo=np.nan), "NaN"),
     (lambda f: f.assign(price=1.0), r"\['price'\] not taken"),
     (lambda f: f.rename(columns={"promo": "Promo"}), r"\['promo'\] missing")],
)  # fmt: skip
def test_wrong_future_covariates_of_one_series_are_named(change, message):
    frame = promo_series(80)
    train, test = frame.iloc[:-12], frame.iloc[-12:]
    model = WindowForecaster(known_covariates=["promo"], **QUICK).fit(train)
    future = test[["promo"]]
    before = future.copy()
    with pytest.raises(ValueError, match=message):
        model.forecast(12, X_df=change(future))
    pd.testing.assert_frame_equal(future, before)


def test_the_one_series_errors_of_fit_and_predict():
    frame = promo_series(80)
    with pytest.raises(ValueError, match="give X as a pandas DataFrame"):
        WindowForecaster(known_covariates=["promo"], **QUICK).fit(frame["sales"].to_numpy())
    with pytest.raises(ValueError, match="holds only the known covariates"):
        WindowForecaster(known_covariates=["sales", "promo"], **QUICK).fit(frame)
    with pytest.raises(ValueError, match="covariate 'promo' is NaN or infinite at row 3"):
        WindowForecaster(known_covariates=["promo"], **QUICK).fit(frame.assign(promo=frame["promo"].where(np.arange(80) != 3)))
    model = WindowForecaster(known_covariates=["promo"], **QUICK).fit(frame.iloc[:-12])
    with pytest.raises(ValueError, match=r"no column \['promo'\]"):
        model.predict(frame.iloc[-12:][["sales"]])
    plain = WindowForecaster(**QUICK).fit(frame["sales"])
    with pytest.raises(ValueError, match="without known_covariates"):
        plain.forecast(3, X_df=frame[["promo"]].iloc[:3])


def test_a_forecaster_with_covariates_saves_and_loads(tmp_path):
    """Saved in the safe format (tests/test_persistence_covariates.py checks the files)."""
    frame = promo_series(80)
    train, test = frame.iloc[:-6], frame.iloc[-6:]
    model = WindowForecaster(known_covariates=["promo"], **QUICK).fit(train)
    loaded = skhyper.load(model.save(tmp_path / "model.skhyper"))
    pd.testing.assert_series_equal(loaded.forecast(6, X_df=test[["promo"]]), model.forecast(6, X_df=test[["promo"]]))
    save(WindowForecaster(known_covariates=["promo"]), tmp_path / "unfitted.skhyper")
    assert skhyper.load(tmp_path / "unfitted.skhyper").known_covariates == ["promo"]
    WindowForecaster(known_covariates=["promo"], checkpoint=str(tmp_path / "c.skhyper"), **QUICK).fit(train)
    static = WindowForecaster(static_features=["size"], **QUICK).fit(sized_panel())
    np.testing.assert_array_equal(skhyper.load(static.save(tmp_path / "static.skhyper")).static_values_, static.static_values_)


def test_a_search_over_known_covariates_picks_the_promotion():
    frame = promo_panel(n_series=12, n=48)
    grid = {"known_covariates": [None, ["promo"]]}
    search = GridSearchCV(WindowForecaster(**QUICK), grid, cv=PanelSplit(h=H, n_windows=2), scoring=neg_mean_absolute_error)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the candidate without covariates leaves promo unread
        search.fit(frame)
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all()
    assert search.best_params_ == {"known_covariates": ["promo"]}
    assert scores[1] > scores[0]
    assert search.best_estimator_.covariates_ == ["promo"]


def test_an_ensemble_passes_the_future_covariates_to_its_members():
    from skhyper import EnsembleForecaster

    train, test = split(promo_panel(8))
    members = [("with", WindowForecaster(known_covariates=["promo"], **QUICK)), ("without", WindowForecaster(**QUICK))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the member without covariates leaves promo unread
        ensemble = EnsembleForecaster(members).fit(train)
    future = test[["unique_id", "ds", "promo"]]
    combined = ensemble.forecast(H, X_df=future)
    fitted = ensemble.named_forecasters_
    expected = (fitted["with"].forecast(H, X_df=future)["WindowForecaster"].to_numpy()
                + fitted["without"].forecast(H)["WindowForecaster"].to_numpy()) / 2  # fmt: skip
    np.testing.assert_allclose(combined["EnsembleForecaster"].to_numpy(), expected)


def test_a_covariate_that_changes_only_in_the_held_out_windows_is_warned_about():
    frame = promo_series(120)
    frame["law"] = (np.arange(120) >= 112).astype(float)  # comes in within the latest 10% of the windows
    frame["sales"] -= 3 * frame["law"]
    network = dict(QUICK, covariate_effect="network")  # the network alone learns the covariates' effect
    with pytest.warns(UserWarning, match=r"\['law'\] are constant over the windows this fit trains on"):
        WindowForecaster(known_covariates=["promo", "law"], **network).fit(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # promo varies in training: nothing to say
        WindowForecaster(known_covariates=["promo"], **network).fit(frame.drop(columns="law"))
        WindowForecaster(known_covariates=["promo", "law"], early_stopping=False, **network).fit(frame)
        # the linear effect is regressed on every row, the held-out ones too
        WindowForecaster(known_covariates=["promo", "law"], **QUICK).fit(frame)


def sized_panel(n_series=12, n=40, seed=0):
    """Series whose level is set by a per-series size (a static feature)."""
    rng = np.random.RandomState(seed)
    frames = []
    for i in range(n_series):
        size = float(1 + i % 4)
        y = 10 * size + np.sin(np.arange(n) / 3) * size + rng.randn(n) * 0.3
        frames.append(pd.DataFrame({"unique_id": f"s{i:02d}", "ds": np.arange(n), "y": y, "size": size}))
    return pd.concat(frames, ignore_index=True)


def test_static_features_are_known_covariates_whose_future_is_each_series_own():
    train, test = split(sized_panel())
    static = WindowForecaster(static_features=["size"], interval_horizon=H, **QUICK).fit(train)
    known = WindowForecaster(known_covariates=["size"], covariate_effect="network", interval_horizon=H, **QUICK).fit(train)
    np.testing.assert_allclose(static.static_values_[:, 0], np.arange(12) % 4 + 1)
    forecast = static.forecast(H, level=80)  # no X_df: the sizes are the fit's
    expected = known.forecast(H, level=80, X_df=test[["unique_id", "ds", "size"]])
    pd.testing.assert_frame_equal(forecast, expected)
    rows = test.drop(columns="size")
    np.testing.assert_allclose(static.predict(rows), known.predict(test))
    np.testing.assert_allclose(static.predict(test.assign(size=99.0)), known.predict(test))
    np.testing.assert_allclose(static.predict(rows.iloc[::3]), static.predict(rows)[::3])  # any rows, no gaps to fill
    assert "size" not in rows and list(test.columns) == ["unique_id", "ds", "y", "size"]  # nothing modified


def test_static_features_that_change_or_on_one_series_are_refused():
    panel = sized_panel()
    panel.loc[5, "size"] = 7.0
    with pytest.raises(ValueError, match="'size' changes within series 's00'"):
        WindowForecaster(static_features=["size"], **QUICK).fit(panel)
    with pytest.raises(ValueError, match="static_features are per-series values of a panel"):
        WindowForecaster(static_features=["promo"], **QUICK).fit(promo_series())
    with pytest.raises(ValueError, match="name a column twice"):
        WindowForecaster(static_features=["size"], known_covariates=["size"], **QUICK).fit(sized_panel())


def test_messages_name_static_features_as_such():
    rng = np.random.RandomState(0)
    panel = pd.concat([pd.DataFrame({"unique_id": f"s{i}", "ds": np.arange(30), "y": 10 + np.cumsum(rng.randn(30)),
                                     "promo": (rng.rand(30) < 0.3).astype(float), "size": float(i)}) for i in range(3)])  # fmt: skip
    tiny = dict(hidden_layer_sizes=(4,), epochs=1, random_state=0)
    model = WindowForecaster(known_covariates=["promo"], static_features=["size"], **tiny).fit(panel)
    with pytest.raises(ValueError, match=r"known_covariates \['promo'\]: .*static_features \['size'\] come from the fit"):
        model.forecast(3)
    with pytest.raises(ValueError, match=r"\['sise'\] \(known_covariates or static_features\)"):
        WindowForecaster(static_features=["sise"], **tiny).fit(panel.drop(columns="promo"))


def test_a_column_fit_did_not_see_is_named_on_one_series():
    frame = promo_series(60)
    model = WindowForecaster(known_covariates=["promo"], **QUICK).fit(frame[:50])
    with pytest.raises(ValueError, match=r"X has 2 features \(the columns \['sales', 'price'\], besides the known covariates \['promo'\]\)"):
        model.predict(frame[50:].assign(price=1.0))  # (was "X has 2 features" alone)
