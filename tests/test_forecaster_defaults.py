"""WindowForecaster's defaults on the shapes real series take (issue 11):
level-relative windows, the linear path started at the ridge fit, early
stopping that can keep that start, seasonal_period="auto", in-sample
predictions; no look-ahead and persistence with all of them."""

import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from format1 import write_format1
from sklearn.linear_model import Ridge

import skhyper
from skhyper import WindowForecaster
from skhyper.linear import ridge_bic
from skhyper.seasonality import detect_period, period_from_autocorrelation, period_from_index
from skhyper.windows import lag_offsets, sliding_windows

QUICK = dict(hidden_layer_sizes=(16,), epochs=30, random_state=0)


def mae(a, b):
    return float(np.abs(np.asarray(a) - np.asarray(b)).mean())


def ar2(n, seed, phi=(1.2, -0.5)):
    rs = np.random.RandomState(seed)
    noise = rs.randn(n)
    x = np.zeros(n)
    for t in range(2, n):
        x[t] = phi[0] * x[t - 1] + phi[1] * x[t - 2] + noise[t]
    return x, noise


# --------------------------------------------------- what the defaults do


@pytest.mark.parametrize("seed", [0, 1])
def test_defaults_follow_a_trend_past_everything_training_saw(seed):
    t = np.arange(300)
    series = 0.2 * t + 3 * np.sin(2 * np.pi * t / 25) + np.random.RandomState(seed).randn(300) * 0.3
    train, valid = series[:150], series[150:]  # valid runs from 30 to 60, training stayed below 30
    model = WindowForecaster(window_size=10, random_state=seed).fit(train)
    predictions = model.predict(valid)
    # Noise of 0.3 has an MAE of 0.24; the naive forecast's is about 0.58 here.
    assert mae(predictions, valid) < 0.45
    assert abs(np.mean(predictions - valid)) < 0.1  # no lag behind the trend
    # The same network on raw values falls behind (its inputs leave the training range).
    plain = WindowForecaster(window_size=10, relative_to=None, linear_path=False, random_state=seed).fit(train)
    assert mae(plain.predict(valid), valid) > 2 * mae(predictions, valid)


def test_defaults_follow_a_level_shift():
    rs = np.random.RandomState(0)
    series = np.zeros(400)
    for t in range(1, 400):
        series[t] = 0.6 * series[t - 1] + 0.5 * rs.randn()
    series[300:] += 10.0  # a jump to a level training never saw
    model = WindowForecaster(window_size=10, random_state=0).fit(series[:250])
    predictions = model.predict(series[250:])
    after = slice(60, 150)  # from ten rows after the jump
    naive = mae(series[249:-1][after], series[250:][after])
    assert mae(predictions[after], series[250:][after]) < 1.15 * naive
    assert abs(np.mean(predictions[after] - series[250:][after])) < 0.15


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_defaults_stay_at_the_naive_forecast_on_a_random_walk(seed):
    walk = np.cumsum(np.random.RandomState(seed).randn(600))
    model = WindowForecaster(random_state=seed).fit(walk[:500])
    ratio = mae(model.predict(walk[500:]), walk[500:]) / mae(walk[499:-1], walk[500:])
    assert ratio < 1.05
    # Nothing to learn: the ridge start is heavily penalized.
    assert model.linear_alpha_ > 10.0


@pytest.mark.parametrize("seed", [0, 1])
def test_the_linear_path_learns_an_ar2_process_to_its_noise_floor(seed):
    x, noise = ar2(700, seed)
    floor = np.abs(noise[500:]).mean()  # the error of the true coefficients
    # Raw windows: the linear path is an autoregression, the hidden layers add nothing.
    model = WindowForecaster(window_size=5, relative_to=None, random_state=seed).fit(x[:500])
    assert mae(model.predict(x[500:]), x[500:]) < 1.06 * floor
    # The same network without the linear path, trained as long, does worse.
    plain = WindowForecaster(window_size=5, relative_to=None, linear_path=False, random_state=seed).fit(x[:500])
    assert mae(plain.predict(x[500:]), x[500:]) > mae(model.predict(x[500:]), x[500:])
    # The defaults (windows relative to the last value) stay close.
    default = WindowForecaster(window_size=5, random_state=seed).fit(x[:500])
    assert mae(default.predict(x[500:]), x[500:]) < 1.15 * floor


def test_the_linear_path_starts_at_the_ridge_fit_and_the_hidden_output_at_zero():
    x, _ = ar2(300, 0)
    model = WindowForecaster(window_size=4, relative_to=None, scale=False, early_stopping=False, validation_split=0.0,
                             epochs=1, learning_rate=1e-12, random_state=0).fit(x)  # fmt: skip
    windows, targets = sliding_windows(x[:, None], x[:, None], lag_offsets(4), 1)
    # An AR(2): of the latest 1, 2, 3 or 4 rows, the start uses the latest two.
    np.testing.assert_array_equal(model.linear_lags_, [2, 1])
    columns = np.isin(lag_offsets(4), [2, 1])
    kernel, intercept, alpha = ridge_bic(windows[:, columns], targets)
    assert alpha == model.linear_alpha_
    start = model.model_.get_layer("linear_path").kernel.numpy()
    np.testing.assert_allclose(start[columns], kernel, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(start[~columns], 0.0, atol=1e-9)  # one epoch at a rate of 1e-12
    np.testing.assert_allclose(model.model_.get_layer("output").kernel.numpy(), 0.0, atol=1e-9)
    # With a learning rate of 1e-12 its predictions are the ridge's, which sklearn agrees with.
    ridge = Ridge(alpha=alpha).fit(windows[:, columns], targets[:, 0])
    np.testing.assert_allclose(model.predict_in_sample(x)[4:], ridge.predict(windows[:, columns]), rtol=1e-4, atol=1e-4)


def test_the_penalty_criterion_keeps_a_signal_and_drops_noise():
    rs = np.random.RandomState(0)
    X = rs.randn(200, 10)
    # Targets unrelated to X: the intercept alone (an infinite penalty).
    kernel, intercept, alpha = ridge_bic(X, 0.3 + rs.randn(200, 1))
    assert alpha == np.inf and np.all(kernel == 0) and abs(intercept[0] - 0.3) < 0.2
    # A linear signal: a light penalty and its coefficients.
    coef = np.linspace(-1, 1, 10)[:, None]
    kernel, _, alpha = ridge_bic(X, X @ coef + 0.1 * rs.randn(200, 1))
    assert alpha < 1.0 and np.abs(kernel - coef).max() < 0.05


def test_the_criterion_chooses_the_smallest_set_of_columns_the_evidence_supports():
    rs = np.random.RandomState(0)
    X = rs.randn(200, 10)
    nested = [np.arange(10) < k for k in range(1, 11)]  # the first k columns
    # A signal in the first two columns: the first two, the others' coefficients 0.
    kernel, _, alpha, number = ridge_bic(X, X[:, :2] @ [[1.0], [-0.5]] + 0.1 * rs.randn(200, 1), subsets=nested)
    assert number == 1 and alpha < 1.0
    np.testing.assert_allclose(kernel[:2, 0], [1.0, -0.5], atol=0.05)
    assert np.all(kernel[2:] == 0)
    # Noise: the intercept alone, reported with the first set.
    kernel, _, alpha, number = ridge_bic(X, rs.randn(200, 1), subsets=nested)
    assert alpha == np.inf and number == 0 and np.all(kernel == 0)
    # Columns that are all 0 (the latest row, relative to itself): the intercept alone, not a light penalty.
    _, _, alpha = ridge_bic(np.zeros((50, 1)), rs.randn(50, 1))
    assert alpha == np.inf


def test_the_auto_window_is_a_quarter_of_the_training_rows_and_at_most_20():
    walk = np.cumsum(np.random.RandomState(0).randn(400))
    assert WindowForecaster().window_size == "auto"
    assert WindowForecaster(**QUICK).fit(walk[:51]).window_size_ == 12
    assert WindowForecaster(**QUICK).fit(walk).window_size_ == 20
    given = WindowForecaster(window_size=30, **QUICK).fit(walk[:51])
    assert given.window_size_ == 30 and given.lags_[0] == 30  # a given window is the user's
    # Continuing a fit keeps its window, on however short a chunk.
    model = WindowForecaster(**QUICK).fit(walk[:51])
    model.partial_fit(walk[:200])
    assert model.window_size_ == 12 and model.lags_[0] == 12


def test_the_trained_network_replaces_the_start_only_on_ten_validation_windows():
    # A threshold autoregression of 90 rows (7 validation windows) where the
    # hidden layers beat the linear start on average: only a margin of 0
    # lets them replace it; any other waits for 10 windows.
    from skhyper.estimators import _linear_start

    rs = np.random.RandomState(0)
    x = np.zeros(90)
    for t in range(1, 90):
        x[t] = (0.9 * x[t - 1] if x[t - 1] > 0 else -0.8 * x[t - 1]) + 0.3 * rs.randn() + (x[t - 1] < -0.5)
    settings = dict(relative_to=None, hidden_layer_sizes=(32,), epochs=100, learning_rate=0.05, random_state=0)
    assert WindowForecaster(linear_margin=0.0, **settings).fit(x).linear_start_kept_ is False
    assert WindowForecaster(linear_margin=1e-6, **settings).fit(x).linear_start_kept_ is True
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_linear_start, "MIN_VALIDATION_WINDOWS", 7)
        assert WindowForecaster(linear_margin=1e-6, **settings).fit(x).linear_start_kept_ is False


def test_linear_lags_all_starts_from_every_row_of_the_window():
    x, _ = ar2(300, 0)
    settings = dict(window_size=6, relative_to=None, scale=False, early_stopping=False, validation_split=0.0,
                    epochs=1, learning_rate=1e-12, random_state=0)
    chosen = WindowForecaster(**settings).fit(x)
    every = WindowForecaster(linear_lags="all", **settings).fit(x)
    np.testing.assert_array_equal(chosen.linear_lags_, [2, 1])
    np.testing.assert_array_equal(every.linear_lags_, every.lags_)
    windows, targets = sliding_windows(x[:, None], x[:, None], lag_offsets(6), 1)
    kernel, _, alpha = ridge_bic(windows, targets)  # one penalty for all six lags
    assert every.linear_alpha_ == alpha
    np.testing.assert_allclose(every.model_.get_layer("linear_path").kernel.numpy(), kernel, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="linear_lags"):
        WindowForecaster(linear_lags="some").fit(x)


def test_the_linear_start_of_a_short_series_uses_a_few_lags_not_a_little_of_twenty():
    # statsmodels' Danish log real money, 44 quarters to train on: a penalty
    # alone kept a little of each of 20 lags, and the lowest criterion over
    # the orders chose 11 of them (2.2x naive); orders 3 to 14 were within
    # 1.5 of each other, so the latest three win.
    import statsmodels.api as sm

    money = sm.datasets.danish_data.load_pandas().data["lrm"].to_numpy()
    model = WindowForecaster(window_size=20, random_state=0).fit(money[:44])
    np.testing.assert_array_equal(model.linear_lags_, [3, 2, 1])
    assert mae(model.predict(money[44:]), money[44:]) < 0.85 * mae(money[43:-1], money[44:])


def test_the_linear_start_chooses_the_rows_a_season_before_beyond_the_window():
    # A yearly season of 52 weeks with windows of 5: the start uses the rows
    # around the same week a year before, which the window does not hold.
    t = np.arange(520)
    series = np.sin(2 * np.pi * t / 52) * 5 + np.random.RandomState(0).randn(520) * 0.3
    model = WindowForecaster(window_size=5, seasonal_period=52, **QUICK).fit(series)
    assert np.any(model.linear_lags_ > 5) and set(model.linear_lags_) <= set(model.lags_)


def test_the_penalty_criterion_does_not_fit_every_row_of_a_short_series():
    # 24 rows and 30 noise features: plain BIC (n log RSS + log(n) df) picks
    # the lightest penalty, which fits every row; the criterion's
    # log(1 - df/n) term does not.
    rs = np.random.RandomState(1)
    X, y = rs.randn(24, 30), rs.randn(24, 1)
    _, _, alpha = ridge_bic(X, y)
    assert alpha == np.inf


def test_the_penalty_criterion_never_interpolates_fewer_rows_than_features():
    # 7 rows and 20 features (a 28-row yearly series with a window of 20):
    # near-zero penalties fit every row exactly, log(RSS) runs to minus
    # infinity and won before fits of more than n / 2 parameters were ruled out.
    rs = np.random.RandomState(2)
    for y in (rs.randn(7, 1), np.cumsum(rs.randn(7, 1), axis=0)):
        X = rs.randn(7, 20)
        kernel, intercept, alpha = ridge_bic(X, y)
        fitted = X @ kernel + intercept
        assert np.abs(fitted - y).max() > 0.1  # not an interpolation
        assert alpha == np.inf or np.trace(X @ np.linalg.solve(X.T @ X + alpha * np.eye(20), X.T)) <= 3.5
    # One row: the intercept alone, no error.
    _, intercept, alpha = ridge_bic(rs.randn(1, 3), np.array([[2.0]]))
    assert alpha == np.inf and intercept[0] == 2.0


def test_the_margin_check_compares_losses_row_by_row_and_counts_overlapping_targets():
    from skhyper.estimators._linear_start import mean_beats as _mean_beats

    rs = np.random.RandomState(0)
    assert _mean_beats(0.5 + rs.randn(100), 2.0)  # mean 0.5, standard error 0.1
    assert not _mean_beats(0.1 + rs.randn(100), 2.0)
    assert _mean_beats([0.1], 0.0) and not _mean_beats([0.1], 2.0) and not _mean_beats([-0.1], 0.0)
    # Positively correlated differences (overlapping multi-step targets): a
    # wider standard error than the plain one.
    noise = np.convolve(rs.randn(203), np.ones(4), mode="valid") / 2  # MA(3), variance 1, long-run 4
    smooth = noise - noise.mean() + 0.2  # plain standard error ~0.07, with the covariances ~0.14
    assert _mean_beats(smooth, 2.0, lags=0) and not _mean_beats(smooth, 2.0, lags=3)
    # Three windows whose mean is 2.05 standard errors above 0: past 2 on a
    # normal quantile, not on Student's t with 2 degrees of freedom at the
    # same level (4.5); past 1 standard error (1.3 on that t).
    few = [0.1, 1.0, 0.5]
    assert not _mean_beats(few, 2.0) and _mean_beats(few, 1.0) and _mean_beats(few, 0.0)


def test_the_margin_check_with_a_loss_that_reduces_over_rows_and_a_checkpoint(tmp_path):
    import keras

    from skhyper.persistence import load

    walk = np.cumsum(np.random.RandomState(3).randn(300))

    def reduced(y_true, y_pred):  # one number for the batch, not one per row
        return keras.ops.mean(keras.ops.square(y_true - y_pred))

    params = dict(window_size=10, learning_rate=0.1, random_state=0)
    per_row = WindowForecaster(**params).fit(walk)
    batch = WindowForecaster(**params, loss=reduced).fit(walk)
    assert batch.linear_start_kept_ == per_row.linear_start_kept_ is True
    # The checkpoint holds what the fit ended with: the start put back.
    path = tmp_path / "best.skhyper"
    kept = WindowForecaster(**params, checkpoint=path).fit(walk)
    assert kept.linear_start_kept_ is True
    np.testing.assert_allclose(load(path).forecast(3), kept.forecast(3), rtol=1e-6)


def test_early_stopping_keeps_the_start_when_no_epoch_beats_it():
    walk = np.cumsum(np.random.RandomState(3).randn(300))
    # No margin: early stopping alone decides.
    model = WindowForecaster(window_size=10, learning_rate=0.3, linear_margin=0.0, random_state=0).fit(walk)
    start = WindowForecaster(window_size=10, learning_rate=1e-12, epochs=1, random_state=0).fit(walk)
    assert model._early_stopping() and model._validation_fraction() == 0.1  # "auto" on one series
    # Every epoch at rate 0.3 (too high) is worse on the last 10% than the ridge start: training ends there.
    assert min(model.history_["val_loss"]) > start.history_["val_loss"][0] - 1e-6
    np.testing.assert_allclose(model.forecast(5), start.forecast(5), rtol=1e-5)


def test_the_linear_start_is_kept_unless_training_beats_it_by_the_margin():
    walk = np.cumsum(np.random.RandomState(3).randn(300))
    start = WindowForecaster(window_size=10, learning_rate=1e-12, epochs=1, random_state=0).fit(walk)
    # At rate 0.1 an epoch beats the start on the 29 validation windows, by
    # less than two standard errors of the per-window differences.
    fitted = {margin: WindowForecaster(window_size=10, learning_rate=0.1, linear_margin=margin,
                                       random_state=0).fit(walk) for margin in (0.0, 2.0)}  # fmt: skip
    assert min(fitted[2.0].history_["val_loss"]) < start.history_["val_loss"][0]
    assert fitted[0.0].linear_start_kept_ is False
    assert fitted[2.0].linear_start_kept_ is True
    np.testing.assert_allclose(fitted[2.0].forecast(5), start.forecast(5), rtol=1e-5)
    assert not np.allclose(fitted[0.0].forecast(5), start.forecast(5), rtol=1e-3)
    # The history is training's, as it ran; only the weights went back.
    np.testing.assert_array_equal(fitted[2.0].history_["val_loss"], fitted[0.0].history_["val_loss"])
    # Nothing to compare without early stopping, or when a fit goes on.
    assert WindowForecaster(window_size=10, early_stopping=False, epochs=2, random_state=0).fit(walk).linear_start_kept_ is None
    fitted[2.0].partial_fit(walk)
    assert fitted[2.0].linear_start_kept_ is None


@pytest.mark.parametrize("engine", ["compiled", "keras"])
def test_both_engines_count_the_start_as_a_candidate(engine):
    walk = np.cumsum(np.random.RandomState(3).randn(200))
    model = WindowForecaster(window_size=5, hidden_layer_sizes=(4,), learning_rate=0.5, epochs=5,
                             engine=engine, random_state=0).fit(walk)  # fmt: skip
    linear = model.model_.get_layer("linear_path").kernel.numpy()
    kernel, _, _ = ridge_bic(*_relative_windows(model, walk))
    np.testing.assert_allclose(linear, kernel, rtol=1e-4, atol=1e-5)


def _relative_windows(model, series):
    """The scaled, level-relative windows and targets the model trained on
    (not the last 10% early stopping holds out)."""
    scaled = (series[:, None] - model.input_mean_) / model.input_scale_
    windows, targets = sliding_windows(scaled, scaled, model.lags_, 1)
    windows, targets = windows - windows[:, -1:], targets - windows[:, -1:]
    rows, _ = model._validation_rows(targets)
    return windows[rows], targets[rows]


def test_relative_to_auto_is_none_with_a_separate_target():
    X = np.random.RandomState(0).randn(120, 2)
    y = X[:, 0] * 2 + 1
    model = WindowForecaster(window_size=3, **QUICK).fit(X, y)
    assert model.level_rows_ == 0 and model.forecasts_itself_ is False
    assert WindowForecaster(window_size=3, **QUICK).fit(X[:, 0]).level_rows_ == 1


# ------------------------------------------------------- seasonal "auto"


@pytest.mark.parametrize(
    "freq, n, period",
    [("h", 100, 24), ("30min", 200, 48), ("D", 100, 7), ("D", 800, 365), ("B", 60, 5), ("W", 200, 52),
     ("W-MON", 200, 52), ("MS", 60, 12), ("ME", 60, 12), ("QS", 40, 4), ("QE", 40, 4), ("YS", 40, None)],
)  # fmt: skip
def test_auto_season_from_a_datetime_index(freq, n, period):
    index = pd.date_range("2001-01-01", periods=n, freq=freq)
    assert period_from_index(index, n) == period


@pytest.mark.parametrize("freq, period", [("M", 12), ("Q", 4), ("W", 52), ("D", 7), ("h", 24), ("Y", None)])
def test_auto_season_from_a_period_index(freq, period):
    index = pd.period_range("2001-01-01", periods=120, freq=freq)
    assert period_from_index(index, 120) == period


def test_auto_season_from_an_index_without_freq_is_inferred():
    index = pd.DatetimeIndex(pd.date_range("2001-01-01", periods=60, freq="MS").tolist())  # freq dropped
    assert index.freq is None and period_from_index(index, 60) == 12


@pytest.mark.parametrize("period", [7, 12, 24])
def test_auto_season_of_an_unindexed_series_from_its_autocorrelation(period):
    rs = np.random.RandomState(period)
    t = np.arange(20 * period)
    series = 0.05 * t + np.sin(2 * np.pi * t / period) + 0.3 * rs.randn(len(t))
    assert detect_period(series[:, None]) == period


@pytest.mark.parametrize("kind", ["random walk", "AR(1)", "white noise"])
def test_auto_season_is_none_when_no_season_stands_out(kind):
    rs = np.random.RandomState(0)
    noise = rs.randn(400)
    series = {"random walk": np.cumsum(noise), "white noise": noise}.get(kind)
    if series is None:
        series = np.zeros(400)
        for t in range(1, 400):
            series[t] = 0.9 * series[t - 1] + noise[t]
    assert period_from_autocorrelation(series) is None


def test_a_slow_cycle_seen_twice_is_not_a_season_where_a_noisy_season_is():
    # statsmodels' interest_inflation bond rate, its training part: a peak at
    # lag 37 of 85 rows (0.37), inside Bartlett's 95% band (0.79 there).
    import statsmodels.api as sm

    rate = sm.datasets.interest_inflation.load_pandas().data["R"].to_numpy()[:85]
    assert period_from_autocorrelation(rate) is None
    # The book's series: its yearly season, seen 2.7 times in 1000 days, does
    # (0.60 at lag 365, 2.4 standard errors).
    from skhyper.datasets import book_series

    book = book_series()
    assert period_from_autocorrelation(book.series[: book.split]) == 365


@pytest.mark.parametrize("period, cycles", [(4, 8), (7, 4), (12, 3), (12, 4.5), (24, 4)])
def test_a_clean_season_seen_three_times_or_more_is_found(period, cycles):
    t = np.arange(int(period * cycles))
    series = np.sin(2 * np.pi * t / period) + 0.3 * np.random.RandomState(period).randn(len(t))
    assert period_from_autocorrelation(series) == period


def test_auto_season_needs_two_seasons_of_data():
    index = pd.period_range("2001-01", periods=20, freq="M")
    assert detect_period(np.zeros((20, 1)), index) is None  # 20 months: fewer than two years
    assert detect_period(np.zeros((24, 1)), pd.period_range("2001-01", periods=24, freq="M")) == 12


def test_the_forecaster_records_the_season_it_found_and_uses_it():
    index = pd.period_range("2001-01", periods=96, freq="M")
    rs = np.random.RandomState(0)
    series = pd.Series(np.sin(2 * np.pi * np.arange(96) / 12) + 0.1 * rs.randn(96), index=index)
    model = WindowForecaster(window_size=3, seasonal_period="auto", **QUICK).fit(series)
    assert model.seasonal_period_ == 12
    # Three recent rows and the rows around the same month a year before (seasonal_window=3).
    np.testing.assert_array_equal(model.lags_, lag_offsets(3, 1, 12, 3))
    assert model.get_params()["seasonal_period"] == "auto"  # the parameter is left as given
    # With a horizon longer than the season allows, the window narrows to what comes before the targets.
    narrowed = WindowForecaster(window_size=3, seasonal_period="auto", horizon=10, **QUICK).fit(series)
    np.testing.assert_array_equal(narrowed.lags_, lag_offsets(3, 10, 12, 2))
    # Unindexed, the same series is found by its autocorrelation.
    assert WindowForecaster(window_size=3, seasonal_period="auto", **QUICK).fit(series.to_numpy()).seasonal_period_ == 12
    plain = WindowForecaster(window_size=3, **QUICK).fit(series)
    assert plain.seasonal_period_ is None


# ------------------------------------------------- in-sample predictions


def test_predict_in_sample_gives_the_fitted_values_with_nan_where_no_window_exists():
    index = pd.date_range("2020-01-01", periods=200, freq="D")
    rs = np.random.RandomState(0)
    series = pd.Series(np.cumsum(rs.randn(200)) + np.sin(np.arange(200)), index=index, name="y")
    model = WindowForecaster(window_size=6, **QUICK).fit(series[:150])
    fitted = model.predict_in_sample(series)
    assert isinstance(fitted, pd.Series) and fitted.index.equals(series.index) and fitted.name == "y"
    assert fitted.iloc[:6].isna().all() and fitted.iloc[6:].notna().all()
    # Row t comes from the rows before it: past the training part, what predict() gives.
    np.testing.assert_allclose(fitted.iloc[150:], model.predict(series[150:]), rtol=1e-12)
    # A row's fitted value does not depend on the rows after it.
    np.testing.assert_allclose(model.predict_in_sample(series[:100]), fitted.iloc[:100], rtol=1e-12)
    array = model.predict_in_sample(series.to_numpy())
    assert isinstance(array, np.ndarray) and array.shape == (200,)


def test_predict_in_sample_of_a_series_shorter_than_a_window_is_all_nan():
    series = np.sin(np.arange(60) / 3)
    model = WindowForecaster(window_size=6, **QUICK).fit(series)
    assert np.isnan(model.predict_in_sample(series[:5])).all()


# ---------------------------------------------------------- no look-ahead


@pytest.mark.parametrize(
    "params",
    [{}, {"seasonal_period": "auto"}, {"seasonal_period": "auto", "horizon": 3},
     {"relative_to": "mean", "seasonal_period": 12}, {"relative_to": None}, {"linear_path": False}],
)  # fmt: skip
def test_no_look_ahead_with_the_new_options(params):
    index = pd.period_range("2001-01", periods=240, freq="M")
    rs = np.random.RandomState(0)
    series = pd.Series(np.sin(2 * np.pi * np.arange(240) / 12) + np.arange(240) / 50 + 0.1 * rs.randn(240), index=index)
    model = WindowForecaster(window_size=4, **{**QUICK, "epochs": 3}, **params).fit(series[:180])
    valid = series[180:]
    changed = valid.copy()
    changed.iloc[30:] += 100.0
    before, after = model.predict(valid), model.predict(changed)
    np.testing.assert_array_equal(before[:31], after[:31])
    assert not np.allclose(before[31:], after[31:])
    in_before, in_after = model.predict_in_sample(valid), model.predict_in_sample(changed)
    np.testing.assert_array_equal(in_before[:31], in_after[:31])


# ------------------------------------------------------------ persistence


def test_save_and_load_with_every_new_option(tmp_path):
    index = pd.period_range("2001-01", periods=120, freq="M")
    series = pd.Series(np.sin(2 * np.pi * np.arange(120) / 12) + np.arange(120) / 30, index=index)
    model = WindowForecaster(window_size=4, seasonal_period="auto", **QUICK).fit(series[:100])
    loaded = skhyper.load(model.save(tmp_path / "model.skh"))
    assert loaded.seasonal_period_ == 12 and loaded.linear_alpha_ == model.linear_alpha_
    assert loaded.get_params() == model.get_params()
    np.testing.assert_allclose(loaded.predict(series[100:]), model.predict(series[100:]), rtol=1e-12)
    pd.testing.assert_series_equal(loaded.forecast(5), model.forecast(5))
    assert loaded.linear_start_kept_ == model.linear_start_kept_
    np.testing.assert_array_equal(loaded.linear_lags_, model.linear_lags_)
    assert loaded.window_size_ == model.window_size_ == 4


def test_an_infinite_penalty_is_saved_as_plain_json(tmp_path):

    walk = np.cumsum(np.random.RandomState(0).randn(300))
    model = WindowForecaster(window_size=10, **QUICK).fit(walk)
    assert model.linear_alpha_ == np.inf  # a random walk: the intercept alone
    path = model.save(tmp_path / "walk.skh")
    text = zipfile.ZipFile(path).read("skhyper.json").decode()
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard JSON constant {name}"))
    assert skhyper.load(path).linear_alpha_ == np.inf


def test_files_written_before_the_new_defaults_load_as_they_were_trained(tmp_path):
    series = np.sin(np.arange(200) / 4) + np.arange(200) / 40
    # How an earlier skhyper trained by default: raw windows, a plain MLP.
    model = WindowForecaster(window_size=5, relative_to=None, linear_path=False, early_stopping=False,
                             validation_split=0.0, **QUICK).fit(series[:150])  # fmt: skip
    old = write_format1(model, tmp_path / "old.skh", drop_state=("seasonal_period_", "linear_alpha_", "linear_lags_", "window_size_"),
                        drop_params=("relative_to", "linear_path", "linear_lags"))  # early_stopping, validation_split: always written
    loaded = skhyper.load(old, allow_keras_format=True)
    assert loaded.linear_lags_ is None and loaded.linear_lags == "all"  # not recorded then; trained on every lag
    assert loaded.window_size_ == 5
    assert loaded.relative_to is None and loaded.linear_path is False
    assert loaded.early_stopping is False and loaded.validation_split == 0.0
    np.testing.assert_allclose(loaded.predict(series[150:]), model.predict(series[150:]), rtol=1e-12)


# ----------------------------------------------------------------- errors


def test_auto_season_on_an_index_with_missing_timestamps_says_so():
    index = pd.date_range("2020-01-01", periods=100, freq="D")
    series = pd.Series(np.sin(np.arange(100)), index=index).drop(index[50])
    with pytest.warns(UserWarning, match=r"no regular frequency \(missing timestamps\?\)"):
        WindowForecaster(window_size=5, seasonal_period="auto", **{**QUICK, "epochs": 1}).fit(series)


@pytest.mark.parametrize(
    "series, message",
    [(pd.Series([1.0, np.nan] + [0.0] * 40), "contains NaN at row 1"),
     (pd.Series(np.arange(40.0), index=pd.date_range("2020", periods=40, freq="D")[::-1]), "not sorted"),
     (np.arange(4.0), "too short")],
)  # fmt: skip
def test_bad_series_keep_their_errors_with_the_new_defaults(series, message):
    with pytest.raises(ValueError, match=message):
        WindowForecaster(window_size=3, seasonal_period="auto", **QUICK).fit(series)


def test_an_explicit_season_longer_than_the_series_is_refused():
    with pytest.raises(ValueError, match=r"too short for window_size=3, seasonal_period=12"):
        WindowForecaster(window_size=3, seasonal_period=12, **QUICK).fit(np.arange(10.0))


def test_predict_in_sample_with_a_separate_target_is_a_series():
    index = pd.period_range("2001Q1", periods=80, freq="Q")
    X = pd.DataFrame({"a": np.sin(np.arange(80.0)), "b": np.cos(np.arange(80.0))}, index=index)
    y = pd.Series(X["a"].shift(-1).fillna(0.0).to_numpy(), index=index, name="target")
    model = WindowForecaster(window_size=3, **QUICK).fit(X, y)
    fitted = model.predict_in_sample(X)
    assert isinstance(fitted, pd.Series) and fitted.index.equals(index) and fitted.shape == (80,)


def test_plot_forecast_draws_a_forecast_after_the_series_it_continues():
    import matplotlib

    matplotlib.use("Agg")
    from skhyper.plotting import plot_forecast

    index = pd.period_range("2001-01", periods=60, freq="M")
    series = pd.Series(np.sin(np.arange(60) / 2), index=index)
    model = WindowForecaster(window_size=4, **QUICK).fit(series)
    figure = plot_forecast(series, model.forecast(6))
    actual_line, forecast_line = figure.axes[0].get_lines()[:2]
    # The forecast starts after the last month of the series, not over its last six.
    assert forecast_line.get_xdata()[0] > actual_line.get_xdata()[-1]
    fitted = plot_forecast(series, model.predict_in_sample(series))
    assert len(fitted.axes[0].get_lines()[1].get_xdata()) == 60
