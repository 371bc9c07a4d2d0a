"""Quantile intervals of WindowForecaster: networks trained with the pinball loss."""

import pickle

import numpy as np
import pandas as pd
import pytest
from saved_files import refused, with_document
from sklearn.model_selection import GridSearchCV

import skhyper
from skhyper import PanelSplit, WindowForecaster
from skhyper._keras_objects import PinballLoss
from skhyper.estimators._quantiles import residual_quantile
from skhyper.metrics import coverage
from skhyper.scorers import neg_msis

QUICK = dict(hidden_layer_sizes=(8,), epochs=3, batch_size=64, random_state=0)
NAME = "WindowForecaster"


def noise_panel(n_series=60, length=40, seed=0):
    """White noise around levels of different sizes: the same error law, scaled."""
    rng = np.random.RandomState(seed)
    levels = np.exp(rng.uniform(0, 4, n_series))
    frames = [
        pd.DataFrame({"unique_id": i, "ds": np.arange(length), "y": levels[i] * (10 + rng.randn(length))})
        for i in range(n_series)
    ]
    return pd.concat(frames, ignore_index=True), levels


@pytest.fixture(scope="module")
def panel_model():
    panel, _ = noise_panel()
    return WindowForecaster(interval_horizon=3, interval_method="quantile", **QUICK).fit(panel)


def test_pinball_loss_is_least_at_the_quantile():
    y = np.random.RandomState(0).standard_normal(2001).astype(np.float32)
    for q in (0.1, 0.5, 0.9):
        grid = np.linspace(-2, 2, 81, dtype=np.float32)
        losses = [float(np.mean(PinballLoss(q)(y[:, None], np.full((len(y), 1), c, dtype=np.float32)))) for c in grid]
        assert abs(grid[int(np.argmin(losses))] - np.quantile(y, q)) < 0.06


def test_residual_quantile_weighs_rows_as_repeated_rows():
    rng = np.random.RandomState(1)
    X, y = rng.randn(50, 2), rng.randn(50, 1)
    kernel, intercept = np.array([[0.5], [-1.0]]), np.array([0.2])
    errors = y[:, 0] - (X @ kernel[:, 0] + 0.2)
    assert residual_quantile(X, y, kernel, intercept, None, 0.3)[0] == np.quantile(errors, 0.3, method="inverted_cdf")
    weights = rng.randint(1, 4, 50).astype(float)
    repeated = np.repeat(errors, weights.astype(int))
    shift = residual_quantile(X, y, kernel, intercept, weights, 0.9, chunk=7)[0]
    assert shift == np.quantile(repeated, 0.9, method="inverted_cdf")


def test_one_copy_per_quantile_forecasting_the_horizon_at_once(panel_model):
    copies = panel_model.quantile_forecasters_
    assert sorted(copies) == [0.025, 0.1, 0.9, 0.975]
    for quantile, copy in copies.items():
        assert copy.horizon == 3 and copy.loss.quantile == quantile and copy.interval_horizon is None
    assert panel_model.conformal_scores_ is None and panel_model.interval_scale_ is None


def test_panel_bands_nest_hold_the_point_and_follow_each_series_scale(panel_model):
    frame = panel_model.forecast(3, level=[80, 95])
    point = frame[NAME].to_numpy()
    lo95, lo80, hi80, hi95 = (frame[f"{NAME}-{c}"].to_numpy() for c in ("lo-95", "lo-80", "hi-80", "hi-95"))
    assert (lo95 <= lo80).all() and (lo80 <= point).all() and (point <= hi80).all() and (hi80 <= hi95).all()
    assert (hi95 - lo95).mean() > (hi80 - lo80).mean() > 0
    # the noise is scaled by each series' level: so must the bands be
    _, levels = noise_panel()
    widths = (hi80 - lo80).reshape(60, 3).mean(axis=1)
    assert np.corrcoef(widths, levels)[0, 1] > 0.9
    # a level asked alone is the same band as among others
    alone = panel_model.forecast(3, level=95)
    np.testing.assert_array_equal(alone[f"{NAME}-lo-95"].to_numpy(), lo95)


def test_panel_predict_gives_each_rows_bounds_of_the_forecast(panel_model):
    panel, _ = noise_panel(length=43)
    rows = panel.groupby("unique_id").tail(3).iloc[::2]
    frame = panel_model.predict(rows, level=80)
    forecast = panel_model.forecast(3, level=80).set_index(["unique_id", "ds"])
    expected = forecast.loc[list(zip(rows["unique_id"], rows["ds"]))]
    for column in (NAME, f"{NAME}-lo-80", f"{NAME}-hi-80"):
        np.testing.assert_allclose(frame[column].to_numpy(), expected[column].to_numpy(), rtol=1e-6)


def test_levels_not_trained_and_steps_past_the_horizon_are_refused(panel_model):
    with pytest.raises(ValueError, match=r"level 90 was not trained.*interval_levels=\(80, 95\)"):
        panel_model.forecast(3, level=[80, 90])
    with pytest.raises(ValueError, match="calibrated for 3 steps ahead"):
        panel_model.forecast(4, level=80)
    with pytest.raises(ValueError, match="interval_levels must be"):
        WindowForecaster(interval_horizon=2, interval_method="quantile", interval_levels=(80, 120), **QUICK).fit(
            noise_panel(5)[0]
        )


def test_one_series_bands_cover_new_noise_and_partial_fit_trains_the_copies():
    rng = np.random.RandomState(3)
    values = pd.Series(20 + np.sin(np.arange(300) / 4) * 3 + rng.randn(300))
    model = WindowForecaster(interval_horizon=2, interval_method="quantile", window_size=12, random_state=0,
                             hidden_layer_sizes=(16,), epochs=30)  # fmt: skip
    model.fit(values[:200])
    frame = model.predict(values[200:], level=80)
    assert list(frame.columns) == ["prediction", "lo-80", "hi-80"]
    share = coverage(values[200:].to_numpy(), frame["lo-80"], frame["hi-80"])
    assert 0.65 < share < 0.95, share
    before = [copy.n_iter_ for copy in model.quantile_forecasters_.values()]
    model.partial_fit(values[:200])
    assert [copy.n_iter_ for copy in model.quantile_forecasters_.values()] == [n + 1 for n in before]


def test_pickles_with_its_quantile_networks(panel_model):
    again = pickle.loads(pickle.dumps(panel_model))
    expected = panel_model.forecast(3, level=[80, 95])
    pd.testing.assert_frame_equal(again.forecast(3, level=[80, 95]), expected)


def test_save_refuses_quantile_intervals_and_keeps_the_point_forecasts_without(panel_model, tmp_path):
    with pytest.raises(ValueError, match="interval_method='quantile'.*safe format does not hold"):
        panel_model.save(tmp_path / "q.skhyper")
    import copy

    points_only = copy.deepcopy(panel_model).set_params(interval_horizon=None)
    loaded = skhyper.load(points_only.save(tmp_path / "p.skhyper"))
    np.testing.assert_allclose(loaded.forecast(3)[NAME].to_numpy(), panel_model.forecast(3)[NAME].to_numpy(), rtol=1e-6)


def test_a_search_chooses_between_conformal_and_quantile_intervals():
    panel, _ = noise_panel(10, length=30)
    search = GridSearchCV(
        WindowForecaster(interval_horizon=2, interval_levels=[95], **QUICK),
        {"interval_method": ["conformal", "quantile"]}, cv=PanelSplit(h=2, n_windows=1), scoring=neg_msis, refit=False,
    )  # fmt: skip
    search.fit(panel)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_a_file_claiming_quantile_intervals_is_refused(tmp_path):
    series = pd.Series(np.sin(np.arange(80) / 3) + 5)
    path = WindowForecaster(interval_horizon=2, **QUICK).fit(series).save(tmp_path / "c.skhyper")
    claim = {"interval_method": "quantile"}  # no file holds such intervals
    hostile = with_document(path, tmp_path / "h.skhyper", lambda doc: {**doc, "params": {**doc["params"], **claim}})
    refused(hostile, "interval_method='quantile' with interval_horizon set")


def test_a_given_season_shorter_than_the_interval_horizon_still_fits():
    # the copies forecast 6 steps at once; the season's rows a step before the
    # targets would be rows to predict: they narrow as an "auto" season's do
    t = np.arange(120)
    series = pd.Series(10 + np.sin(2 * np.pi * t / 4) + np.random.RandomState(0).randn(120) * 0.2)
    model = WindowForecaster(seasonal_period=4, interval_horizon=6, interval_method="quantile", **QUICK).fit(series)
    frame = model.forecast(6, level=80)
    assert (frame["lo-80"] <= frame["forecast"]).all() and (frame["forecast"] <= frame["hi-80"]).all()
    assert all(copy.seasonal_period_ == 4 and copy.horizon == 6 for copy in model.quantile_forecasters_.values())
    with pytest.raises(ValueError, match="seasonal_window must be at most"):  # the user's own horizon still checked
        WindowForecaster(seasonal_period=4, horizon=6, **QUICK).fit(series)
