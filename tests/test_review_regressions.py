"""Defects found in review, each pinned by the behaviour that was wrong."""

import logging
import warnings

import keras
import numpy as np
import pandas as pd
import pytest
from conftest import TINY
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score

from skhyper import KerasMLPClassifier, KerasMLPRegressor, WindowForecaster, lr_find
from skhyper.scorers import neg_mean_absolute_error


def scaled_mse(scale):
    def loss(y, p):  # the same __qualname__ for every scale
        return scale * keras.ops.mean(keras.ops.square(y - p), axis=-1)

    return loss


def test_custom_losses_never_share_a_trace(diabetes):
    X, y = diabetes
    small = KerasMLPRegressor(**TINY, loss=scaled_mse(1.0)).fit(X, y).loss_curve_
    large = KerasMLPRegressor(**TINY, loss=scaled_mse(1000.0)).fit(X, y).loss_curve_
    np.testing.assert_allclose(np.array(large) / np.array(small), 1000.0, rtol=0.05)


def test_a_loss_returning_a_batch_mean_is_not_scaled_by_the_batch(diabetes):
    X, y = diabetes

    def mean_loss(y, p):
        return keras.ops.mean(keras.ops.square(y - p))

    compiled = KerasMLPRegressor(**TINY, loss=mean_loss).fit(X, y).loss_curve_
    keras_fit = KerasMLPRegressor(**TINY, loss=mean_loss, engine="keras").fit(X, y).loss_curve_
    np.testing.assert_allclose(compiled, keras_fit, rtol=1e-3)


def test_an_optimizer_object_keeps_its_rate(diabetes):
    X, y = diabetes
    model = KerasMLPRegressor(**TINY, optimizer=keras.optimizers.SGD(learning_rate=0.05)).fit(X, y)
    assert model.history_["learning_rate"] == pytest.approx([0.05] * 3)
    assert model.learning_rate_ == pytest.approx(0.05)


def test_a_keras_reduce_on_plateau_callback_is_not_undone(diabetes):
    X, y = diabetes
    callback = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0)
    model = KerasMLPRegressor(**{**TINY, "epochs": 3}, callbacks=[callback]).fit(X, y)
    assert model.history_["learning_rate"][-1] < model.history_["learning_rate"][0]


@pytest.mark.parametrize(
    "settings, message",
    [
        (dict(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(0.01, 10, 0.9)),
              lr_schedule="exponential"), "optimizer's learning rate is a Keras schedule"),
        (dict(lr_schedule=keras.optimizers.schedules.ExponentialDecay(0.01, 10, 0.9), learning_rate="auto"),
         "learning_rate='auto' picks one starting rate"),
    ],
)
def test_rates_that_cannot_be_set_are_refused_clearly(diabetes, settings, message):
    X, y = diabetes
    with pytest.raises(ValueError, match=message):
        KerasMLPRegressor(**TINY, **settings).fit(X, y)


def test_an_optimizer_with_its_own_schedule_trains(diabetes):
    X, y = diabetes
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, 10, 0.9)
    model = KerasMLPRegressor(**TINY, optimizer=keras.optimizers.Adam(schedule)).fit(X, y)
    assert model.history_["learning_rate"][0] < 0.01


def test_early_stopping_restores_the_best_weights_at_the_end_in_both_loops(diabetes):
    X, y = diabetes
    params = dict(hidden_layer_sizes=(8,), optimizer="sgd", learning_rate=0.3, epochs=8, batch_size=8,
                  early_stopping=True, patience=100, validation_split=0.3, random_state=0)  # fmt: skip
    compiled = KerasMLPRegressor(**params).fit(X, y)
    keras_fit = KerasMLPRegressor(**params, engine="keras").fit(X, y)
    np.testing.assert_allclose(compiled.history_["val_loss"], keras_fit.history_["val_loss"], rtol=1e-3)
    np.testing.assert_allclose(compiled.predict(X), keras_fit.predict(X), rtol=1e-3, atol=1e-3)


def test_classifier_with_keras_loss_objects(binary, digits):
    X, y = binary
    model = KerasMLPClassifier(**TINY, loss=keras.losses.BinaryCrossentropy()).fit(X, y)
    assert model.model_.layers[-1].units == 1 and model.predict_proba(X).shape == (len(X), 2)
    X, y = digits
    with pytest.raises(ValueError, match="expects one-hot targets"):
        KerasMLPClassifier(**TINY, loss=keras.losses.CategoricalCrossentropy()).fit(X, y)


def test_forecaster_on_an_irregular_time_index():
    days = pd.bdate_range("2020-01-01", periods=260).delete([10, 50, 120])  # holidays
    series = pd.Series(np.sin(np.arange(len(days)) / 9.0), index=days)
    scores = cross_val_score(WindowForecaster(window_size=5, hidden_layer_sizes=(4,), epochs=2, random_state=0),
                             series, cv=TimeSeriesSplit(3), scoring=neg_mean_absolute_error,
                             error_score="raise")  # fmt: skip
    assert np.isfinite(scores).all()


def test_predict_continues_can_be_said():
    series = np.sin(np.arange(120) / 6.0)
    model = WindowForecaster(window_size=5, hidden_layer_sizes=(4,), epochs=2, random_state=0).fit(series[:100])
    with pytest.raises(ValueError, match="no window"):
        model.predict(series[100:], continues=False)
    np.testing.assert_allclose(model.predict(series[100:], continues=True), model.predict(series[100:]))


def test_forecaster_checks_column_names():
    frame = pd.DataFrame({"a": np.arange(60.0), "b": np.sin(np.arange(60.0))})
    model = WindowForecaster(window_size=5, hidden_layer_sizes=(4,), epochs=2, random_state=0).fit(frame[:40])
    with pytest.raises(ValueError, match="feature names"):
        model.predict(frame[40:][["b", "a"]])


def test_forecaster_partial_fit():
    series = np.sin(np.arange(80) / 6.0)
    model = WindowForecaster(window_size=5, hidden_layer_sizes=(4,), random_state=0)
    model.partial_fit(series).partial_fit(series)
    assert model.n_iter_ == 2
    with pytest.raises(ValueError, match="partial_fit must be called the same way"):
        model.partial_fit(series, series)
    with pytest.raises(ValueError, match="X has 2 features"):
        model.partial_fit(np.c_[series, series])


def test_forecaster_validation_windows_are_the_last_ones():
    model = WindowForecaster(validation_split=0.25)
    train, valid = model._validation_rows(np.zeros(8))
    assert list(train) == [0, 1, 2, 3, 4, 5] and list(valid) == [6, 7]


def test_numpy_integer_layer_sizes(diabetes):
    X, y = diabetes
    search = GridSearchCV(KerasMLPRegressor(**{k: v for k, v in TINY.items() if k != "hidden_layer_sizes"}),
                          {"hidden_layer_sizes": np.arange(4, 9, 4)}, cv=2).fit(X, y)  # fmt: skip
    assert search.best_estimator_.model_.layers[1].units in (4, 8)


def test_a_plain_function_initializer(diabetes):
    X, y = diabetes

    def small(shape, dtype=None):
        return keras.ops.full(shape, 0.01, dtype=dtype)

    model = KerasMLPRegressor(**TINY, kernel_initializer=small).fit(X, y)
    assert np.isfinite(model.predict(X)).all()


def test_schedules_through_partial_fit(diabetes):
    X, y = diabetes
    cosine = KerasMLPRegressor(**{**TINY, "epochs": 2}, lr_schedule="cosine")
    for _ in range(4):  # past `epochs`: the rate stays at lr_min
        cosine.partial_fit(X, y)
    assert cosine.history_["learning_rate"][-1] == pytest.approx(0.0, abs=1e-12)
    plateau = KerasMLPRegressor(**TINY, learning_rate=1e-9, lr_schedule="plateau", lr_patience=0,
                                min_delta=0.0)  # fmt: skip
    for _ in range(5):
        plateau.partial_fit(X, y)
    assert plateau.history_["learning_rate"][-1] < 1e-9


def test_partial_fit_classes_in_any_order_and_new_rates(digits):
    X, y = digits
    model = KerasMLPClassifier(**TINY).partial_fit(X, y, classes=np.arange(10)[::-1])
    np.testing.assert_array_equal(model.classes_, np.arange(10))
    model.set_params(learning_rate=0.05).partial_fit(X, y)
    assert model.history_["learning_rate"][-1] == pytest.approx(0.05)


def test_a_failed_refit_keeps_the_fitted_classes(digits):
    X, y = digits
    model = KerasMLPClassifier(**TINY).fit(X, y)
    with pytest.raises(ValueError):
        model.set_params(epochs=0).fit(X, y)
    np.testing.assert_array_equal(model.classes_, np.arange(10))


def test_range_test_on_a_loss_that_is_never_finite(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="not finite from the range test's first steps"):
        lr_find(KerasMLPRegressor(**TINY), X, y * 1e30)


def test_many_architectures_do_not_warn_about_retracing(diabetes, caplog):
    X, y = diabetes
    with caplog.at_level(logging.WARNING):
        for units in range(3, 10):
            KerasMLPRegressor(**{**TINY, "hidden_layer_sizes": (units,), "epochs": 1}).fit(X, y)
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]


def test_forecaster_values_too_large_for_float32_and_bool_series():
    with pytest.raises(ValueError, match="too large for float32"):
        WindowForecaster(window_size=3, epochs=1, scale=False, relative_to=None).fit(np.full(20, 1e39))
    with pytest.raises(ValueError, match="too large for float32"):  # steps too large, too
        WindowForecaster(window_size=3, epochs=1, scale=False).fit(np.arange(20) * 1e39)
    # Relative to their level, huge values with small steps train well.
    huge = WindowForecaster(window_size=3, hidden_layer_sizes=(4,), epochs=1).fit(1e39 + np.arange(20) * 1e30)
    assert np.isfinite(huge.forecast(2)).all() and huge.forecast(1)[0] > 1e39
    flags = pd.Series(np.arange(40) % 3 == 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        WindowForecaster(window_size=3, hidden_layer_sizes=(4,), epochs=1).fit(flags)
