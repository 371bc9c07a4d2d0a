"""EnsembleForecaster: the members' predictions combined, searches as members,
nested parameters, and clear errors."""

import inspect

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from skhyper import EnsembleForecaster, WindowForecaster
from skhyper.scorers import neg_mean_absolute_error

SMALL = dict(window_size=4, seasonal_period=4, hidden_layer_sizes=(4,), epochs=3, random_state=0)


@pytest.fixture(scope="module")
def series():
    t = np.arange(64)
    values = 20 + 0.3 * t + 3 * np.sin(2 * np.pi * t / 4) + np.random.default_rng(0).normal(0, 0.3, 64)
    return pd.Series(values, index=pd.period_range("2000Q1", periods=64, freq="Q"))


@pytest.fixture(scope="module")
def members():
    return [("levels", WindowForecaster(**SMALL)), ("changes", WindowForecaster(deseasonalize="difference", **SMALL))]


def test_predictions_are_the_members_mean_median_or_weighted_mean(series, members):
    train, test = series[:48], series[48:]
    ensemble = EnsembleForecaster(members).fit(train)
    alone = [clone(member).fit(train) for _, member in members]
    assert all(not hasattr(member, "context_") for _, member in members)  # the members given stay unfitted
    one_step = [m.predict(test) for m in alone]
    np.testing.assert_allclose(ensemble.predict(test), np.mean(one_step, axis=0), rtol=1e-6)
    assert not np.allclose(one_step[0], one_step[1])  # two different models, so the mean is news
    forecast = ensemble.forecast(6)
    assert isinstance(forecast, pd.Series) and forecast.index[0] == pd.Period("2012Q1", freq="Q")
    np.testing.assert_allclose(forecast, np.mean([m.forecast(6) for m in alone], axis=0), rtol=1e-6)
    in_sample = ensemble.predict_in_sample(train)
    assert isinstance(in_sample, pd.Series) and in_sample.index.equals(train.index)
    # NaN where either member has no window: the differenced one reaches a season further.
    assert in_sample.isna().sum() == alone[1].lags_[0] + 4
    weighted = EnsembleForecaster(members, weights=[3, 1]).fit(train)
    np.testing.assert_allclose(weighted.predict(test), 0.75 * one_step[0] + 0.25 * one_step[1], rtol=1e-6)
    median = EnsembleForecaster([*members, ("more", WindowForecaster(**{**SMALL, "window_size": 2}))], aggfunc="median")
    three = [*one_step, WindowForecaster(**{**SMALL, "window_size": 2}).fit(train).predict(test)]
    np.testing.assert_allclose(median.fit(train).predict(test), np.median(three, axis=0), rtol=1e-6)


def test_searches_as_members_forecast_with_their_best_and_the_ensemble_is_searchable(series, members):
    train, test = series[:48], series[48:]
    searches = [(name, GridSearchCV(member, {"learning_rate": [1e-3, 1e-2]}, cv=TimeSeriesSplit(2),
                                    scoring=neg_mean_absolute_error)) for name, member in members]  # fmt: skip
    ensemble = EnsembleForecaster(searches).fit(train)
    best = [ensemble.named_forecasters_[name].best_estimator_ for name, _ in members]
    np.testing.assert_allclose(ensemble.predict(test), np.mean([b.predict(test) for b in best], axis=0), rtol=1e-6)
    np.testing.assert_allclose(ensemble.forecast(4), np.mean([b.forecast(4) for b in best], axis=0), rtol=1e-6)
    # Nested parameters, as sklearn's VotingRegressor: the ensemble is searched like one forecaster.
    plain = EnsembleForecaster(members)
    assert plain.get_params()["changes__deseasonalize"] == "difference"
    outer = GridSearchCV(plain, {"levels__window_size": [2, 4]}, cv=TimeSeriesSplit(2),
                         scoring=neg_mean_absolute_error).fit(train)  # fmt: skip
    assert outer.best_params_["levels__window_size"] in (2, 4)
    assert np.isfinite(outer.cv_results_["mean_test_score"]).all()
    assert -neg_mean_absolute_error(outer.best_estimator_, test) > 0
    assert outer.best_estimator_.score(test) == pytest.approx(
        1 - ((test - outer.predict(test)) ** 2).sum() / ((test - test.mean()) ** 2).sum()
    )


@pytest.mark.parametrize(
    ("forecasters", "weights", "error", "message"),
    [
        ([], None, ValueError, "non-empty list of \\(name, forecaster\\) tuples"),
        ([WindowForecaster()], None, ValueError, "non-empty list of \\(name, forecaster\\) tuples"),
        ([("a", WindowForecaster()), ("a", WindowForecaster())], None, ValueError, "Names provided are not unique"),
        ([("a", WindowForecaster()), ("b", "naive")], None, TypeError, "forecaster 'b' is a str, which has no fit"),
        ([("a", WindowForecaster()), ("b", WindowForecaster())], [1.0], ValueError, "one number per forecaster \\(2\\)"),
        ([("a", WindowForecaster()), ("b", WindowForecaster())], [1.0, -1.0], ValueError, "non-negative"),
    ],
)
def test_bad_members_and_weights_are_named(series, forecasters, weights, error, message):
    with pytest.raises(error, match=message):
        EnsembleForecaster(forecasters, weights=weights).fit(series)


def test_unfitted_ensemble_says_so(series):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        EnsembleForecaster([("a", WindowForecaster())]).forecast(3)


def test_members_modelling_other_series_are_named():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"sales": 20 + rng.randn(60).cumsum(), "promo": (rng.rand(60) < 0.3).astype(float)})
    quick = dict(hidden_layer_sizes=(4,), epochs=2, random_state=0)
    ensemble = EnsembleForecaster([("told", WindowForecaster(known_covariates=["promo"], **quick)),
                                   ("untold", WindowForecaster(**quick))])
    ensemble.fit(frame)  # the second member takes promo as a series of its own
    with pytest.raises(ValueError, match=r"differ in shape: \(3,\) from member 0, \(3, 2\) from member 1"):
        ensemble.forecast(3, X_df=pd.DataFrame({"promo": [0.0, 1.0, 0.0]}, index=range(60, 63)))


def test_intervals_combine_the_members_bounds_and_score_on_a_panel_and_a_series():
    from skhyper.metrics import msis
    from skhyper.scorers import neg_msis

    rng = np.random.RandomState(0)
    panel = pd.concat([pd.DataFrame({"unique_id": u, "ds": np.arange(45), "y": 10 + np.cumsum(rng.randn(45))})
                       for u in "abc"], ignore_index=True)  # fmt: skip
    train, test = panel[panel.ds < 40], panel[panel.ds >= 40]
    tiny = dict(hidden_layer_sizes=(8,), epochs=2, random_state=0, interval_horizon=5)
    members = [("w4", WindowForecaster(window_size=4, **tiny)), ("w6", WindowForecaster(window_size=6, **tiny))]
    ensemble = EnsembleForecaster(members).fit(train)
    # WindowForecaster.forecast's order: a level given by position is a level, not silently dropped covariates
    assert list(inspect.signature(ensemble.forecast).parameters) == list(inspect.signature(WindowForecaster.forecast).parameters)[1:]
    bands = ensemble.forecast(5, [80, 95])
    with pytest.raises(ValueError, match="as X_df="):
        ensemble.forecast(5, test[["unique_id", "ds"]])
    without = [members[0], ("plain", clone(members[1][1]).set_params(interval_horizon=None))]
    with pytest.raises(ValueError, match="member 'plain': This forecaster was fit without intervals"):
        EnsembleForecaster(without).fit(train).forecast(5, level=80)  # which member, of several
    names = ["EnsembleForecaster"] + [f"EnsembleForecaster-{s}-{q}" for q in (80, 95) for s in ("lo", "hi")]
    assert sorted(bands.columns) == sorted(["unique_id", "ds"] + names)
    theirs = [m.forecast(5, level=[80, 95]) for m in ensemble.forecasters_]
    for name in names:
        member = name.replace("EnsembleForecaster", "WindowForecaster")
        np.testing.assert_allclose(bands[name], np.mean([t[member] for t in theirs], axis=0))
    rows = ensemble.predict(test, level=95)
    series = pd.Index(ensemble.panel_ids_).get_indexer(test["unique_id"])
    expected = msis(test["y"].to_numpy(), rows["EnsembleForecaster-lo-95"].to_numpy(),
                    rows["EnsembleForecaster-hi-95"].to_numpy(), ensemble.naive_mae_, series=series)  # fmt: skip
    assert neg_msis(ensemble, test) == pytest.approx(-expected)
    longer = [(name, clone(member).set_params(conformal_windows=20)) for name, member in members]  # 95% needs 19 errors
    one = EnsembleForecaster(longer).fit(train[train.unique_id == "a"]["y"].to_numpy())
    assert list(one.forecast(3, level=80).columns) == list(one.forecasters_[0].forecast(3, level=80).columns)
    assert np.isfinite(neg_msis(one, test[test.unique_id == "a"]["y"].to_numpy()))


def test_the_ensemble_needs_no_y_as_its_members():
    # its tags said y was required (RegressorMixin's), where WindowForecaster's say not
    from sklearn.utils import get_tags

    ensemble = EnsembleForecaster([("a", WindowForecaster()), ("b", WindowForecaster(window_size=5))])
    assert get_tags(ensemble).target_tags.required is False is get_tags(WindowForecaster()).target_tags.required
