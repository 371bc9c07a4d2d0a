"""Predictions through the float64 forward pass (skhyper/forward.py): the
same for a row whatever else is predicted with it, equal to Keras' own to
float32 round-off, and Keras' predict for networks it does not know."""

import numpy as np
import pytest

from skhyper import KerasMLPClassifier, KerasMLPRegressor, WindowForecaster
from skhyper.forward import forward


@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu", "selu", "softplus"])
def test_a_row_is_predicted_the_same_in_any_batch_and_as_keras_does(digits, activation):
    X, y = digits
    model = KerasMLPClassifier(hidden_layer_sizes=(32, 16), activation=activation, dropout=0.1,
                               epochs=2, random_state=0).fit(X[:200], y[:200])  # fmt: skip
    proba = model.predict_proba(X)
    rows = [7, 3, 250, 299]
    np.testing.assert_array_equal(model.predict_proba(X[rows]), proba[rows])
    order = np.random.RandomState(0).permutation(len(X))
    np.testing.assert_allclose(model.predict_proba(X[order]), proba[order], rtol=0, atol=1e-15)
    keras_proba = np.asarray(model.model_(X.astype(np.float32), training=False))
    np.testing.assert_allclose(proba, keras_proba, rtol=1e-5, atol=1e-6)
    assert proba.dtype == np.float64


def test_the_regressor_and_the_forecaster_predict_through_it(diabetes):
    X, y = diabetes
    model = KerasMLPRegressor(hidden_layer_sizes=(8,), epochs=2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(model.predict(X[5:9]), model.predict(X)[5:9])
    assert forward(model.model_, X) is not None
    series = np.sin(np.arange(120) / 3)
    forecaster = WindowForecaster(window_size=5, hidden_layer_sizes=(8,), epochs=2, random_state=0).fit(series)
    assert forward(forecaster.model_, np.zeros((2, 5))).shape == (2, 1)  # with its linear path


def test_a_network_with_an_unknown_layer_goes_to_keras():
    import keras

    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Dense(2)(keras.layers.BatchNormalization()(inputs))
    assert forward(keras.Model(inputs, outputs), np.zeros((4, 3))) is None


def test_no_scikeras_base_class():
    from sklearn.base import BaseEstimator

    for cls in (KerasMLPClassifier, KerasMLPRegressor, WindowForecaster):
        assert not any(base.__module__.startswith("scikeras") for base in cls.__mro__)
        assert BaseEstimator in cls.__mro__
        assert not hasattr(cls, "_more_tags")
