"""A KerasMLPRegressor as the estimator of skforecast's ForecasterRecursive:
fit and predict, exogenous variables, backtesting, a grid search, and proof
that skforecast drives it as a plain scikit-learn regressor."""

import copy

import numpy as np
import pandas as pd
import pytest

from skhyper import KerasMLPRegressor

skforecast = pytest.importorskip("skforecast")
recursive = pytest.importorskip("skforecast.recursive")
model_selection = pytest.importorskip("skforecast.model_selection")

REGRESSOR = {
    "hidden_layer_sizes": (8,),
    "epochs": 20,
    "batch_size": 64,
    "random_state": 0,
}
LAGS = 12


@pytest.fixture(scope="module")
def monthly():
    """Ten years of a monthly series: trend, a yearly cycle, a little noise;
    and two exogenous columns, the month on the unit circle."""
    index = pd.date_range("2015-01-01", periods=120, freq="MS")
    time = np.arange(len(index))
    noise = np.random.RandomState(0).randn(len(index)) * 0.3
    y = pd.Series(
        10 + 0.05 * time + 3 * np.sin(2 * np.pi * time / 12) + noise,
        index=index,
        name="y",
    )
    angle = 2 * np.pi * index.month / 12
    exog = pd.DataFrame(
        {"month_sin": np.sin(angle), "month_cos": np.cos(angle)}, index=index
    )
    return y, exog


def _forecaster(**params):
    return recursive.ForecasterRecursive(
        estimator=KerasMLPRegressor(**{**REGRESSOR, **params}), lags=LAGS
    )


def test_forecaster_recursive_clones_fits_and_predicts(monthly):
    y, _ = monthly
    regressor = KerasMLPRegressor(**REGRESSOR)
    forecaster = recursive.ForecasterRecursive(estimator=regressor, lags=LAGS)
    forecaster.fit(y=y)
    # skforecast fitted a clone: same parameters, and the original is untouched.
    assert forecaster.estimator is not regressor
    assert forecaster.estimator.get_params() == regressor.get_params()
    assert not hasattr(regressor, "model_")
    assert forecaster.estimator.n_features_in_ == LAGS
    predictions = forecaster.predict(steps=6)
    expected_index = pd.date_range(y.index[-1], periods=7, freq="MS")[1:]
    pd.testing.assert_index_equal(predictions.index, expected_index, check_names=False)
    assert np.isfinite(predictions.to_numpy()).all()
    # Backtesting deep-copies the forecaster: a copy forecasts the same.
    copied = copy.deepcopy(forecaster)
    pd.testing.assert_series_equal(copied.predict(steps=6), predictions)


def test_forecasts_equal_a_hand_fit_on_skforecasts_training_matrix(monthly):
    y, _ = monthly
    forecaster = _forecaster()
    forecaster.fit(y=y)
    X_train, y_train = forecaster.create_train_X_y(y=y)
    assert list(X_train.columns) == [f"lag_{lag}" for lag in range(1, LAGS + 1)]
    by_hand = KerasMLPRegressor(**REGRESSOR).fit(X_train.to_numpy(), y_train.to_numpy())
    # One-step predictions over the training rows ...
    np.testing.assert_allclose(
        forecaster.estimator.predict(X_train.to_numpy()),
        by_hand.predict(X_train.to_numpy()),
        rtol=1e-6,
    )
    # ... and the recursive forecast: each step is the hand-fitted network
    # applied to the lags skforecast built (earlier predictions included).
    X_future = forecaster.create_predict_X(steps=6)
    np.testing.assert_allclose(
        forecaster.predict(steps=6).to_numpy(),
        by_hand.predict(X_future.to_numpy()),
        rtol=1e-6,
    )


def test_exogenous_variables_and_backtesting(monthly):
    y, exog = monthly
    train, future = slice(0, 108), slice(108, 114)
    forecaster = _forecaster()
    forecaster.fit(y=y.iloc[train], exog=exog.iloc[train])
    assert forecaster.estimator.n_features_in_ == LAGS + exog.shape[1]
    predictions = forecaster.predict(steps=6, exog=exog.iloc[future])
    pd.testing.assert_index_equal(predictions.index, y.index[future], check_names=False)
    assert np.isfinite(predictions.to_numpy()).all()

    # n_jobs=1: skforecast's "auto" runs folds in loky processes on
    # machines with more cores, each importing TensorFlow again.
    cv = model_selection.TimeSeriesFold(steps=6, initial_train_size=96, refit=True)
    metric, backtest = model_selection.backtesting_forecaster(
        _forecaster(),
        y=y,
        exog=exog,
        cv=cv,
        metric="mean_absolute_error",
        n_jobs=1,
        show_progress=False,
    )
    assert np.isfinite(metric["mean_absolute_error"]).all()
    pd.testing.assert_index_equal(backtest.index, y.index[96:], check_names=False)
    assert backtest["fold"].nunique() == 4  # refit on each of 4 folds


def test_grid_search_forecaster_sets_the_regressors_parameters(monthly):
    y, _ = monthly
    forecaster = _forecaster()
    cv = model_selection.TimeSeriesFold(steps=6, initial_train_size=96, refit=False)
    results = model_selection.grid_search_forecaster(
        forecaster,
        y=y,
        cv=cv,
        param_grid={"learning_rate": [1e-3, 1e-2]},
        lags_grid=[6, 12],
        metric="mean_absolute_error",
        return_best=True,
        n_jobs=1,
        show_progress=False,
    )
    assert len(results) == 4
    assert np.isfinite(results["mean_absolute_error"]).all()
    best = results.iloc[0]
    assert forecaster.estimator.learning_rate == best["params"]["learning_rate"]
    assert forecaster.estimator.n_features_in_ == len(best["lags"])
