"""A fit whose architecture has a template builds no Keras model, and computes
exactly what a fit that builds one computes (skhyper._weights)."""

import pickle
from collections import OrderedDict

import numpy as np
import pytest
from conftest import TINY
from sklearn.model_selection import GridSearchCV

from skhyper import KerasMLPClassifier, KerasMLPRegressor, WindowForecaster, _weights
from skhyper._weights import NetworkWeights
from skhyper.hyperparams import make_initializer
from skhyper.estimators._network import draw_seeds

INITIALIZERS = ["uniform", "lecun_uniform", "normal", "zero", "glorot_normal", "glorot_uniform",
                "he_normal", "he_uniform", "lecun_normal", "orthogonal", "truncated_normal"]  # fmt: skip


def fit_without_then_with_template(make, X, y=None):
    """The same estimator fitted once building its Keras model (no template
    yet), and once from the template that fit left."""
    _weights._TEMPLATES.clear()
    built = make().fit(X, y)
    assert "_keras_model" in vars(built) and "_network_weights" not in vars(built)
    drawn = make().fit(X, y)
    assert "_network_weights" in vars(drawn) and "_keras_model" not in vars(drawn)
    return built, drawn


@pytest.mark.parametrize("initializer", INITIALIZERS)
def test_drawn_weights_equal_those_keras_gives_a_new_network(initializer):
    regressor = KerasMLPRegressor(hidden_layer_sizes=(6, 5), dropout=[0.2, 0.1], kernel_initializer=initializer)
    regressor._seeds, regressor.learning_rate_ = draw_seeds(7), 1e-3
    _weights._TEMPLATES.clear()
    regressor._new_network(4, 3)
    built = [np.asarray(v) for v in regressor._keras_model.variables]
    regressor._new_network(4, 3)
    drawn = regressor._network_weights.values
    assert [v.shape for v in drawn] == [v.shape for v in built]
    for expected, value in zip(built, drawn):
        np.testing.assert_array_equal(value, expected)


@pytest.mark.parametrize("initializer", INITIALIZERS)
def test_kernels_drawn_in_one_traced_call_equal_keras_draws(initializer, monkeypatch):
    """An initializer in use draws a network's kernels in one traced call:
    the values the Keras initializer seeded with each kernel's seed gives."""
    monkeypatch.setattr(_weights, "_DRAWS", OrderedDict())
    shapes = (((4, 6), "float32"), ((6, 3), "float32"))
    for seed in range(_weights._EAGER_DRAWS + 2):  # eager draws, then the traced one
        drawn = _weights._draw(initializer, shapes, [seed, seed + 1])
        for kernel, (shape, dtype), own in zip(drawn, shapes, [seed, seed + 1]):
            expected = make_initializer(initializer, own)(shape, dtype=dtype)
            np.testing.assert_array_equal(kernel, np.asarray(expected))
    assert not isinstance(_weights._DRAWS[(initializer, shapes)], int)  # the traced call ran


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"dropout": 0.2, "optimizer": "rmsprop", "kernel_initializer": "he_normal"},
        {"validation_split": 0.2, "early_stopping": True, "patience": 1, "l2": 1e-3},
        {"optimizer": "sgd", "momentum": 0.9, "lr_schedule": "step", "lr_step": 1, "class_weight": "balanced"},
    ],
)
def test_a_fit_from_the_template_equals_one_that_builds_its_model(digits, settings):
    X, y = digits
    built, drawn = fit_without_then_with_template(lambda: KerasMLPClassifier(**{**TINY, **settings}), X, y)
    np.testing.assert_array_equal(drawn.history_["loss"], built.history_["loss"])
    np.testing.assert_array_equal(drawn.predict_proba(X), built.predict_proba(X))


def test_regressor_and_forecaster_from_the_template(diabetes):
    X, y = diabetes
    built, drawn = fit_without_then_with_template(lambda: KerasMLPRegressor(**TINY, dropout=0.1), X, y)
    np.testing.assert_array_equal(drawn.predict(X), built.predict(X))
    series = np.sin(np.arange(300) / 5.0) + np.arange(300) / 100.0
    built, drawn = fit_without_then_with_template(lambda: WindowForecaster(window_size=8, epochs=5, random_state=0), series)
    assert built.linear_alpha_ == drawn.linear_alpha_
    np.testing.assert_array_equal(drawn.forecast(10), built.forecast(10))
    np.testing.assert_array_equal(drawn.predict_in_sample(series), built.predict_in_sample(series))


def test_a_search_builds_a_keras_model_once_per_architecture(digits, monkeypatch):
    X, y = digits
    calls = []
    build = KerasMLPClassifier._build_model
    monkeypatch.setattr(KerasMLPClassifier, "_build_model", lambda self, *a: calls.append(a) or build(self, *a))
    _weights._TEMPLATES.clear()
    search = GridSearchCV(KerasMLPClassifier(**TINY), {"kernel_initializer": ["he_normal", "uniform"],
                                                      "learning_rate": [1e-3, 1e-2]}, cv=3)  # fmt: skip
    search.fit(X, y)
    assert len(calls) == 1  # 12 fits and the refit: one Keras model, the template's
    _weights._TEMPLATES.clear()
    alone = KerasMLPClassifier(**TINY, **search.best_params_).fit(X, y)
    np.testing.assert_array_equal(search.best_estimator_.predict_proba(X), alone.predict_proba(X))


def test_model_is_built_when_asked_for_and_is_then_the_network(digits):
    X, y = digits
    _, drawn = fit_without_then_with_template(lambda: KerasMLPClassifier(**TINY, dropout=0.2), X, y)
    twin = pickle.loads(pickle.dumps(drawn))  # the pickle holds a Keras model
    assert "_keras_model" in vars(twin)
    expected = drawn.predict_proba(X)
    drawn.set_params(hidden_layer_sizes=(3, 3))  # after the fit: the model is the fitted one
    model = drawn.model_
    assert [layer.name for layer in model.layers] == ["inputs", "hidden_0", "dropout_0", "output"]
    assert "_network_weights" not in vars(drawn) and drawn.model_ is model
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, atol=1e-6)
    np.testing.assert_array_equal(drawn.predict_proba(X), expected)
    drawn.model_.get_layer("output").bias.assign(np.full(10, 5.0, dtype=np.float32))  # a user's change counts
    assert not np.array_equal(drawn.predict_proba(X), expected)
    np.testing.assert_array_equal(twin.predict_proba(X), expected)


def test_partial_fit_goes_on_the_same_wherever_the_network_lives(digits):
    X, y = digits
    _, drawn = fit_without_then_with_template(lambda: KerasMLPClassifier(**TINY, dropout=0.2, optimizer="adam"), X, y)
    as_keras = pickle.loads(pickle.dumps(drawn))
    assert isinstance(drawn._network(), NetworkWeights)
    drawn.set_params(learning_rate=0.05)
    as_keras.set_params(learning_rate=0.05)
    drawn.partial_fit(X, y)
    as_keras.partial_fit(X, y)
    assert isinstance(drawn._network(), NetworkWeights)
    np.testing.assert_array_equal(drawn.history_["learning_rate"], as_keras.history_["learning_rate"])
    np.testing.assert_allclose(drawn.history_["loss"], as_keras.history_["loss"], rtol=1e-6)
    np.testing.assert_allclose(drawn.predict_proba(X), as_keras.predict_proba(X), atol=1e-6)


def test_objects_and_keras_loop_build_their_own_model(digits):
    import keras

    X, y = digits
    _weights._TEMPLATES.clear()
    KerasMLPClassifier(**TINY).fit(X, y)
    for settings in ({"engine": "keras"}, {"kernel_initializer": keras.initializers.HeNormal(seed=1)},
                     {"optimizer": keras.optimizers.Adam()}, {"learning_rate": "auto"}):  # fmt: skip
        fitted = KerasMLPClassifier(**TINY, **settings).fit(X, y)
        assert "_keras_model" in vars(fitted), settings


def test_drawn_kernels_kept_for_the_next_fit_stay_within_their_budget(digits, monkeypatch):
    X, y = digits
    KerasMLPClassifier(**TINY).fit(X, y)  # the template
    monkeypatch.setattr(_weights, "_KERNELS_BYTES", 3000)  # 64 x 8 float32 kernels are 2048 bytes
    _weights._KERNELS.clear()
    for seed in range(3):
        KerasMLPClassifier(**{**TINY, "random_state": seed}).fit(X, y)
        assert sum(k.nbytes for k in _weights._KERNELS.values()) <= 3000
    assert _weights._KERNELS  # the last ones are kept


def test_a_trainer_first_made_for_a_keras_optimizer_object_serves_drawn_weights(diabetes):
    import keras

    X, y = diabetes
    _weights._TEMPLATES.clear()
    # The compiled loop's trainer for this architecture comes from an optimizer
    # object, whose own name prefixes its variables' paths (not "optimizer/").
    KerasMLPRegressor(**TINY, optimizer=keras.optimizers.SGD(learning_rate=0.1, name="my_sgd")).fit(X, y)
    built, drawn = fit_without_then_with_template(lambda: KerasMLPRegressor(**TINY, optimizer="sgd", learning_rate=0.1), X, y)
    np.testing.assert_array_equal(drawn.predict(X), built.predict(X))
    drawn.set_params(learning_rate=0.05).partial_fit(X, y)
    assert drawn.history_["learning_rate"][-1] == np.float32(0.05)
