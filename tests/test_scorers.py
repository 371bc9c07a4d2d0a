import numpy as np
import pandas as pd
import pytest
from conftest import TINY
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

import skhyper
from skhyper import KerasMLPClassifier, KerasMLPRegressor, WindowForecaster
from skhyper.datasets import book_series
from skhyper.scorers import (
    accuracy,
    neg_mase,
    neg_mean_absolute_error,
    neg_mean_absolute_scaled_error,
    neg_root_mean_squared_error,
    report,
    scoring_for,
)


def test_error_scorers_are_negated_errors(diabetes):
    X, y = diabetes
    model = KerasMLPRegressor(**TINY).fit(X, y)
    errors = model.predict(X) - y
    assert neg_mean_absolute_error(model, X, y) == pytest.approx(-np.abs(errors).mean())
    assert neg_root_mean_squared_error(model, X, y) == pytest.approx(-np.sqrt((errors**2).mean()))


def test_accuracy(digits):
    X, y = digits
    model = KerasMLPClassifier(**TINY).fit(X, y)
    assert accuracy(model, X, y) == pytest.approx((model.predict(X) == y).mean())


def test_forecaster_scorers_with_y_none():
    data = book_series(n_days=500, split=400)
    model = WindowForecaster(window_size=10, hidden_layer_sizes=(16,), epochs=30, random_state=0).fit(data.train)
    predictions = model.predict(data.valid)
    assert neg_mean_absolute_error(model, data.valid) == pytest.approx(-np.abs(predictions - data.valid).mean())
    mase = -neg_mean_absolute_scaled_error(model, data.valid)
    naive = np.abs(np.diff(data.train)).mean()  # in-sample, on the series fit saw (no dates: lag 1)
    assert model.mase_scale_ == pytest.approx([naive])
    assert mase == pytest.approx(np.abs(predictions - data.valid).mean() / naive)
    assert mase < 1  # better than the naive forecast


def test_one_series_mase_is_scaled_in_sample_at_its_season(tmp_path):
    # Hyndman and Koehler's MASE: the training series' seasonal naive MAE (4 for quarters), one scale for every
    # fold and candidate; it was the lag-1 naive MAE of the scored rows (a fold of one row raised)
    rng = np.random.RandomState(0)
    y = pd.Series(10 + np.tile([1.0, 3, 2, 5], 15) + rng.randn(60), index=pd.period_range("1990Q1", periods=60, freq="Q"))
    model = WindowForecaster(seasonal_period=4, hidden_layer_sizes=(8,), epochs=2, random_state=0).fit(y[:-4])
    scale = np.abs(y[:-4].to_numpy()[4:] - y[:-4].to_numpy()[:-4]).mean()
    assert model.mase_scale_ == pytest.approx([scale])
    for rows in (y[-4:], y[-1:]):
        expected = np.abs(model.predict(rows) - rows.to_numpy()).mean() / scale
        assert -neg_mase(model, rows) == pytest.approx(expected)
        assert -neg_mean_absolute_scaled_error(model, rows) == pytest.approx(expected)
    other = WindowForecaster(seasonal_period=None, hidden_layer_sizes=(8,), epochs=2, random_state=0).fit(y[:-4])
    assert other.mase_scale_ == pytest.approx([scale])  # the data's season, whatever the candidate's
    for mode in ("additive", "difference"):  # of the values as given, not of those the network learns
        changed = WindowForecaster(seasonal_period=4, deseasonalize=mode, hidden_layer_sizes=(8,), epochs=2).fit(y[:-4])
        assert changed.mase_scale_ == pytest.approx([scale])
    loaded = skhyper.load(model.save(tmp_path / "q.skhyper"))
    assert neg_mase(loaded, y[-4:]) == neg_mase(model, y[-4:])
    constant = WindowForecaster(hidden_layer_sizes=(8,), epochs=1, random_state=0).fit(np.ones(30))
    with pytest.raises(ValueError, match="constant series"):
        neg_mean_absolute_scaled_error(constant, np.ones(3))


def test_scoring_for_each_kind():
    assert set(scoring_for(KerasMLPClassifier())) == {"accuracy", "neg_log_loss"}
    assert set(scoring_for(KerasMLPRegressor())) == {"neg_mae", "neg_rmse", "r2"}
    assert set(scoring_for(WindowForecaster())) == {"neg_mae", "neg_rmse", "neg_mase"}


def test_report_of_a_multi_metric_forecaster_search():
    data = book_series(n_days=300, period=100, split=250)
    estimator = WindowForecaster(window_size=5, hidden_layer_sizes=(8,), epochs=5, random_state=0)
    search = GridSearchCV(estimator, {"learning_rate": [1e-4, 1e-2]}, cv=TimeSeriesSplit(2),
                          scoring=scoring_for(estimator), refit="neg_mae").fit(data.train)  # fmt: skip
    table = report(search)
    assert list(table["learning_rate"]) == [1e-2, 1e-4]  # best MAE first
    assert (table["mae_mean"] > 0).all() and (table["mase_mean"] > 0).all()
    assert table["mae_mean"].is_monotonic_increasing
    assert {"mae_std", "rmse_mean", "mae_rank", "fit_time_s"} <= set(table)


def test_report_of_a_single_metric_search(digits):
    X, y = digits
    search = GridSearchCV(KerasMLPClassifier(**TINY), {"learning_rate": [1e-4, 3e-2]}, cv=2).fit(X, y)
    table = report(search)
    # The default score is named by what it is: a classifier's accuracy.
    assert list(table.columns[:1]) == ["learning_rate"] and "accuracy_mean" in table and "score_mean" not in table
    assert table["accuracy_mean"].is_monotonic_decreasing


def test_a_regressors_default_score_is_named_r2_in_the_report_and_the_plot(diabetes):
    import matplotlib

    matplotlib.use("Agg")
    from skhyper.plotting import plot_search

    X, y = diabetes
    search = GridSearchCV(KerasMLPRegressor(**TINY), {"learning_rate": [1e-3, 1e-2]}, cv=2).fit(X, y)
    table = report(search)
    assert {"r2_mean", "r2_std", "r2_rank"} <= set(table) and "score_mean" not in table
    np.testing.assert_allclose(sorted(table["r2_mean"]), sorted(search.cv_results_["mean_test_score"]))
    axis = plot_search(search, "learning_rate").axes[0]
    assert "r2" in axis.get_ylabel() and "r2" in axis.get_title()


def test_the_default_forecaster_mase_on_a_panel_is_the_panels_mase():
    """scoring_for's neg_mase on a panel scales each series by its own
    in-sample naive error, never by differences across two series' rows."""
    import pandas as pd

    from skhyper.metrics import smape
    from skhyper.scorers import neg_mase

    rng = np.random.RandomState(0)
    panel = pd.concat([pd.DataFrame({"unique_id": u, "ds": np.arange(40), "y": level + np.cumsum(rng.randn(40))})
                       for u, level in (("a", 0.0), ("b", 100.0))], ignore_index=True)  # fmt: skip
    train, test = panel[panel.ds < 34], panel[panel.ds >= 34]
    model = WindowForecaster(window_size=4, hidden_layer_sizes=(4,), epochs=1, random_state=0).fit(train)
    assert scoring_for(model)["neg_mase"](model, test) == neg_mase(model, test)
    assert np.isnan(smape([1.0, np.nan], [1.0, 2.0]))  # a NaN is no perfect forecast


def _panel_and_split():
    import pandas as pd

    from skhyper import PanelSplit

    rng = np.random.default_rng(0)
    panel = pd.concat(
        [pd.DataFrame({"unique_id": f"s{i}", "ds": np.arange(n), "y": 10 + i + rng.normal(0, 1, n).cumsum()})
         for i, n in enumerate((30, 24, 20))], ignore_index=True)  # fmt: skip
    train, test = next(PanelSplit(h=3).split(panel))
    return panel.iloc[train], panel.iloc[test]


def test_panel_scorers_take_a_search_a_pipeline_or_y_apart_and_score_the_same():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from skhyper import PanelSplit
    from skhyper.scorers import neg_coverage_error, neg_mase, neg_msis, neg_smape

    train, test = _panel_and_split()
    model = WindowForecaster(hidden_layer_sizes=(8,), epochs=2, window_size=4, interval_horizon=3, random_state=0)
    fitted = model.fit(train)
    search = GridSearchCV(model, {"window_size": [4]}, cv=PanelSplit(h=3, n_windows=1), scoring=neg_smape).fit(train)
    pipeline = make_pipeline(FunctionTransformer(), model).fit(train)
    X_test, y_test = test[["unique_id", "ds"]], test["y"].to_numpy()
    for scorer in (neg_mase, neg_msis, neg_coverage_error, neg_smape, neg_mean_absolute_error, neg_mean_absolute_scaled_error):
        expected = scorer(fitted, test)
        assert np.isfinite(expected)
        assert scorer(search, test) == pytest.approx(expected), scorer.__name__
        assert scorer(pipeline, test) == pytest.approx(expected), scorer.__name__
        assert scorer(fitted, X_test, y_test) == pytest.approx(expected), scorer.__name__  # the scikit-learn way
    with pytest.raises(ValueError, match="needs the true values"):
        neg_mase(fitted, X_test)
    with pytest.raises(ValueError, match="not a dict of series"):
        neg_smape(fitted, {"s0": test["y"]})


def test_coverage_of_values_not_yet_observed_is_nan_as_the_other_metrics():
    from skhyper.metrics import coverage

    assert np.isnan(coverage([1.0, np.nan], [0, 0], [2, 2]))
    assert np.isnan(coverage([1.0, 1.0], [0, np.nan], [2, 2]))
    assert coverage([1.0, 3.0], [0, 0], [2, 2]) == 0.5


def test_report_shows_errors_positive_whatever_the_metrics_keys_are_called():
    from skhyper import PanelSplit
    from skhyper.scorers import neg_mase, neg_smape

    train, _ = _panel_and_split()
    model = WindowForecaster(hidden_layer_sizes=(8,), epochs=2, window_size=4, random_state=0)
    search = GridSearchCV(model, {"window_size": [3, 4]}, cv=PanelSplit(h=3, n_windows=1),
                          scoring={"smape": neg_smape, "mase": neg_mase}, refit="mase").fit(train)  # fmt: skip
    table = report(search)
    assert (table["smape_mean"] > 0).all() and (table["mase_mean"] > 0).all()
    assert table["mase_mean"].iloc[0] == pytest.approx(-search.cv_results_["mean_test_mase"].max())


def test_train_scores_of_a_panel_are_its_in_sample_one_step_errors():
    import warnings

    import pandas as pd
    from sklearn.model_selection import cross_validate

    from skhyper import PanelSplit
    from skhyper.metrics import mase
    from skhyper.scorers import neg_mase, neg_msis, neg_smape

    train, _ = _panel_and_split()
    model = WindowForecaster(hidden_layer_sizes=(8,), epochs=2, window_size=4, interval_horizon=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "scoring failed" warning per fold
        result = cross_validate(model, train, cv=PanelSplit(h=3, n_windows=1), return_train_score=True,
                                scoring={"smape": neg_smape, "mase": neg_mase, "msis": neg_msis})  # fmt: skip
    assert np.isfinite(result["train_smape"]).all() and np.isfinite(result["train_mase"]).all()
    assert np.isnan(result["train_msis"]).all() and np.isfinite(result["test_msis"]).all()  # intervals: forecasts only
    fitted = model.fit(train)
    predicted = fitted.predict_in_sample(train)["WindowForecaster"].to_numpy()
    kept = ~np.isnan(predicted)
    series = pd.Index(fitted.panel_ids_).get_indexer(train["unique_id"])[kept]
    expected = mase(train["y"].to_numpy()[kept], predicted[kept], fitted.naive_mae_, series)
    assert neg_mase(fitted, train) == pytest.approx(-expected)


def test_a_panels_mase_has_its_datas_season_whatever_the_candidates_seasonal_period():
    # a search over seasonal_period compared MASEs on each candidate's own scale: lag 1 made the no-season
    # candidate look 30x better than the seasonal one on a seasonal panel
    import pandas as pd

    from skhyper import EnsembleForecaster
    from skhyper.metrics import mase, naive_mae
    from skhyper.scorers import neg_mase, neg_msis

    rng = np.random.RandomState(0)
    t = np.arange(60)
    panel = pd.concat([pd.DataFrame({"unique_id": f"s{i}", "ds": pd.date_range("2001-01-01", periods=60, freq="MS"),
                                     "y": 10 + 3 * (-1.0) ** t + rng.randn(60) * 0.3}) for i in range(3)])  # fmt: skip
    train, test = panel[panel.ds < "2005-10-01"], panel[panel.ds >= "2005-10-01"]
    tiny = dict(hidden_layer_sizes=(4,), epochs=2, window_size=4, interval_horizon=3, conformal_windows=7, random_state=0)
    plain = WindowForecaster(**tiny).fit(train)
    seasonal = WindowForecaster(seasonal_period=12, **tiny).fit(train)
    scale = np.array([naive_mae(part["y"].to_numpy(), 12) for _, part in train.groupby("unique_id")])
    for model in (plain, seasonal):
        np.testing.assert_allclose(model.mase_scale_, scale)  # the monthly season, not the model's
        series = pd.Index(model.panel_ids_).get_indexer(test["unique_id"])
        assert neg_mase(model, test) == pytest.approx(-mase(test["y"].to_numpy(), model.predict(test), scale, series))
    assert not np.allclose(plain.naive_mae_, scale)  # its own (lag 1) still weighs its windows and scales its intervals
    one, other = (EnsembleForecaster(members).fit(train) for members in ([("a", plain), ("b", seasonal)],
                                                                          [("b", seasonal), ("a", plain)]))  # fmt: skip
    assert neg_mase(one, test) == pytest.approx(neg_mase(other, test))  # member order does not move the scale
    assert neg_msis(one, test) == pytest.approx(neg_msis(other, test))


def test_scikit_learn_scoring_names_score_a_forecaster_fit_on_its_series_alone():
    # sklearn's scorers need a y: its searches gave NaN for every candidate and picked the first
    from skhyper import PanelSplit
    from skhyper import model_selection as fused
    from skhyper.scorers import forecaster_scoring, neg_smape

    train, _ = _panel_and_split()
    model = WindowForecaster(hidden_layer_sizes=(8,), epochs=2, window_size=4, random_state=0)
    grid, cv = {"learning_rate": [1e-3, 1e-2]}, PanelSplit(h=3, n_windows=2)
    expected = GridSearchCV(model, grid, cv=cv, scoring={"mae": neg_mean_absolute_error, "smape": neg_smape},
                            refit="mae").fit(train).cv_results_  # fmt: skip
    named = fused.GridSearchCV(model, grid, cv=cv, scoring=["neg_mean_absolute_error", "neg_smape", "r2"],
                               refit="neg_mean_absolute_error").fit(train)  # fmt: skip
    np.testing.assert_allclose(named.cv_results_["mean_test_neg_mean_absolute_error"], expected["mean_test_mae"])
    np.testing.assert_allclose(named.cv_results_["mean_test_neg_smape"], expected["mean_test_smape"])
    assert np.isfinite(named.cv_results_["mean_test_r2"]).all()
    assert named.scoring == ["neg_mean_absolute_error", "neg_smape", "r2"]  # the user's, as given
    one = GridSearchCV(model, grid, cv=cv, scoring=forecaster_scoring("neg_mean_absolute_error")).fit(train)
    np.testing.assert_allclose(one.cv_results_["mean_test_score"], expected["mean_test_mae"])
    refused = fused.GridSearchCV(model, grid, cv=cv, scoring="neg_mean_squared_error", n_jobs=2)
    with pytest.raises(ValueError, match="scoring='neg_mean_squared_error' is scikit-learn's scorer.*neg_mase"):
        refused.fit(train)
    assert refused.scoring == "neg_mean_squared_error" and refused.n_jobs == 2  # the search as it was
    assert not hasattr(refused, "_fusing") and getattr(fused._searching, "search", None) is None


def test_scorers_score_a_pipeline_of_one_series_forecaster_as_the_forecaster():
    # the scorers read the series' true values from the pipeline, which has no forecasts_itself_: NaN for all
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from skhyper import model_selection as fused

    series = book_series().series[:120]
    model = WindowForecaster(hidden_layer_sizes=(8,), epochs=2, window_size=4, random_state=0)
    grid, cv = {"learning_rate": [1e-3, 1e-2]}, TimeSeriesSplit(2, test_size=10)
    alone = fused.GridSearchCV(model, grid, cv=cv, scoring="neg_mean_absolute_error").fit(series)
    piped = fused.GridSearchCV(make_pipeline(FunctionTransformer(), model), {f"windowforecaster__{k}": v for k, v
                               in grid.items()}, cv=cv, scoring="neg_mean_absolute_error").fit(series)  # fmt: skip
    np.testing.assert_allclose(piped.cv_results_["mean_test_score"], alone.cv_results_["mean_test_score"])
    assert np.isfinite(alone.cv_results_["mean_test_score"]).all()


def test_train_scores_of_one_series_are_its_in_sample_one_step_errors():
    # predict refuses the training rows (they do not continue the series): NaN with a traceback warning per fold
    import warnings

    from skhyper.scorers import neg_msis

    series = book_series().series[:150]
    model = WindowForecaster(hidden_layer_sizes=(8,), epochs=2, window_size=4, interval_horizon=1, random_state=0)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Scoring failed")  # sklearn's, when a scorer raises
        search = GridSearchCV(model, {"learning_rate": [1e-3]}, cv=TimeSeriesSplit(2, test_size=20),
                              scoring={"mae": neg_mean_absolute_error, "msis": neg_msis}, refit="mae",
                              return_train_score=True).fit(series)  # fmt: skip
    fold = next(TimeSeriesSplit(2, test_size=20).split(series))[0]
    fitted = model.fit(series[fold])
    predicted = fitted.predict_in_sample(series[fold])
    expected = -np.nanmean(np.abs(np.asarray(series[fold]) - predicted))
    assert search.cv_results_["split0_train_mae"][0] == pytest.approx(expected, rel=1e-5)
    assert np.isnan(search.cv_results_["split0_train_msis"][0])  # intervals are of forecasts only
    assert np.isfinite(search.cv_results_["split0_test_msis"][0])
