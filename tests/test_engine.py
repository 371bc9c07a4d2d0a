"""The compiled loop computes what Keras' model.fit computes, faster, and reuses traces."""

import keras
import numpy as np
import pytest
from conftest import TINY
from sklearn.base import clone

from skhyper import KerasMLPClassifier, KerasMLPRegressor, WindowForecaster
from skhyper._compiled import trainer_for


def fit_both(make, X, y, **fit_params):
    compiled = make(engine="compiled").fit(X, y, **fit_params)
    keras_fit = make(engine="keras").fit(X, y, **fit_params)
    return compiled, keras_fit


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"validation_split": 0.25, "early_stopping": True, "patience": 1},
        {"optimizer": "sgd", "momentum": 0.9, "lr_schedule": "step", "lr_step": 1},
        {"dropout": 0.3, "l2": 1e-3, "hidden_layer_sizes": (8, 8)},
        {"lr_schedule": "plateau", "lr_patience": 0, "validation_split": 0.2},
    ],
)
def test_compiled_and_keras_loops_agree(digits, settings):
    X, y = digits
    params = {**TINY, "epochs": 4, **settings}
    compiled, keras_fit = fit_both(lambda **kw: KerasMLPClassifier(**params, **kw), X, y)
    assert compiled.history_.keys() == keras_fit.history_.keys()
    for key in compiled.history_:
        np.testing.assert_allclose(compiled.history_[key], keras_fit.history_[key], rtol=2e-4, err_msg=key)
    np.testing.assert_allclose(compiled.predict_proba(X), keras_fit.predict_proba(X), atol=1e-4)


def test_loops_agree_on_weighted_multi_output_regression(diabetes):
    X, y = diabetes
    Y = np.c_[y, 2 * y]
    weights = np.linspace(0.1, 3, len(y))
    compiled, keras_fit = fit_both(lambda **kw: KerasMLPRegressor(**TINY, **kw), X, Y, sample_weight=weights)
    np.testing.assert_allclose(compiled.history_["loss"], keras_fit.history_["loss"], rtol=2e-4)
    np.testing.assert_allclose(compiled.history_["mae"], keras_fit.history_["mae"], rtol=2e-4)
    np.testing.assert_allclose(compiled.predict(X), keras_fit.predict(X), atol=1e-4)


def absolute_error_per_element(y_true, y_pred):
    """A user's loss that returns one value per target element, unreduced."""
    import keras

    return keras.ops.abs(y_true - y_pred)


@pytest.mark.parametrize("weighted", [False, True])
def test_loops_agree_on_a_per_element_loss_with_several_outputs(diabetes, weighted):
    X, y = diabetes
    Y = np.c_[y, -y] / y.std()
    weights = np.linspace(0.1, 3, len(y)) if weighted else None
    compiled, keras_fit = fit_both(
        lambda **kw: KerasMLPRegressor(**TINY, loss=absolute_error_per_element, validation_split=0.2, **kw),
        X, Y, sample_weight=weights,
    )  # fmt: skip
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(compiled.history_[key], keras_fit.history_[key], rtol=2e-4)


def test_one_trace_serves_every_initializer_and_rate(digits):
    X, y = digits
    first = KerasMLPClassifier(**TINY).fit(X, y)
    trainer = trainer_for(first.model_, "accuracy")
    for initializer, rate in [("he_uniform", 0.1), ("lecun_uniform", 1e-4), ("zero", 0.01)]:
        other = KerasMLPClassifier(**TINY, kernel_initializer=initializer, learning_rate=rate).fit(X, y)
        assert trainer_for(other.model_, "accuracy") is trainer
    different = KerasMLPClassifier(**{**TINY, "hidden_layer_sizes": (9,)}).fit(X, y)
    assert trainer_for(different.model_, "accuracy") is not trainer


def test_a_reused_trace_gives_the_fresh_result(digits):
    X, y = digits
    params = {**TINY, "dropout": 0.2, "random_state": 5}
    first = KerasMLPClassifier(**params).fit(X, y).predict_proba(X)
    # The same architecture trained on other data and seed in between.
    KerasMLPClassifier(**{**params, "random_state": 6}).fit(X[::-1], y[::-1])
    np.testing.assert_array_equal(KerasMLPClassifier(**params).fit(X, y).predict_proba(X), first)


def test_partial_fit_carries_the_optimizer_state(digits):
    X, y = digits
    params = {**TINY, "epochs": 2, "optimizer": "adam"}
    full = KerasMLPClassifier(**params).fit(X, y)
    stepwise = KerasMLPClassifier(**params)
    stepwise.partial_fit(X, y, classes=np.unique(y)).partial_fit(X, y)
    np.testing.assert_allclose(stepwise.loss_curve_, full.loss_curve_, rtol=1e-6)
    np.testing.assert_allclose(stepwise.predict_proba(X), full.predict_proba(X), rtol=1e-5)


def test_forecaster_uses_the_compiled_loop_too():
    series = np.sin(np.arange(300) / 10.0)
    compiled = WindowForecaster(window_size=8, hidden_layer_sizes=(8,), epochs=3, random_state=0).fit(series)
    keras_fit = WindowForecaster(window_size=8, hidden_layer_sizes=(8,), epochs=3, random_state=0,
                                 engine="keras").fit(series)  # fmt: skip
    np.testing.assert_allclose(compiled.loss_curve_, keras_fit.loss_curve_, rtol=2e-4)


def test_callbacks_need_keras_loop(digits):
    import keras

    X, y = digits
    seen = []
    callback = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    KerasMLPClassifier(**TINY, callbacks=[callback]).fit(X, y)  # "auto" picks model.fit
    assert seen == [0, 1, 2]
    with pytest.raises(ValueError, match="use engine='keras'"):
        KerasMLPClassifier(**TINY, callbacks=[callback], engine="compiled").fit(X, y)


class Epochs(keras.callbacks.Callback):
    """Counts the epochs it sees."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def on_epoch_end(self, epoch, logs=None):
        self.count += 1


def _squared(y_true, y_pred):
    return keras.ops.mean((y_true - y_pred) ** 2, axis=-1)


def test_fit_trains_with_copies_of_the_callbacks_and_keeps_them(digits):
    import joblib

    X, y = digits
    counter = Epochs()
    clf = KerasMLPClassifier(**TINY, callbacks=[counter, keras.callbacks.TerminateOnNaN()])
    params = joblib.hash(clf.get_params())
    clf.fit(X, y)
    assert joblib.hash(clf.get_params()) == params  # scikit-learn's rule: fit never changes its parameters
    assert counter.count == 0 and counter._model is None
    assert len(clf.callbacks_) == 2 and clf.callbacks_[0] is not counter
    assert clf.callbacks_[0].count == TINY["epochs"] and clf.callbacks_[0].model is clf.model_
    clf.partial_fit(X, y)  # a continued fit goes on with the copies
    assert clf.callbacks_[0].count == TINY["epochs"] + 1 and counter.count == 0
    clf.set_params(callbacks=[counter]).partial_fit(X, y)  # callbacks set since: new copies
    assert clf.callbacks_[0].count == 1 and counter.count == 0
    assert KerasMLPClassifier(**TINY).fit(X, y).callbacks_ == []


def test_sklearns_overwrite_params_check_passes_with_callbacks():
    from sklearn.utils.estimator_checks import check_estimators_overwrite_params

    clf = KerasMLPClassifier(**TINY, callbacks=[keras.callbacks.TerminateOnNaN()])
    check_estimators_overwrite_params(type(clf).__name__, clf)


def test_a_callback_reports_to_the_users_objects(digits):
    # shallow copies: a callback holding a lock trains (a deep copy could not be made), and one that appends to a
    # list of the user's still reaches it (a deep copy appended to a copy of the list)
    import threading

    X, y = digits
    seen = []

    class Reporter(Epochs):
        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, logs)
            seen.append(epoch)

    counter = Reporter()
    counter.lock, counter.out = threading.Lock(), seen
    model = KerasMLPClassifier(**TINY, callbacks=[counter]).fit(X, y)
    assert seen == list(range(TINY["epochs"])) and counter.count == 0 and model.callbacks_[0].count == TINY["epochs"]


def test_a_pickled_fit_with_callbacks_and_a_users_loss_loads(diabetes):
    import pickle

    X, y = diabetes
    model = KerasMLPRegressor(**TINY, loss=_squared, callbacks=[Epochs()]).fit(X, y)
    copy = pickle.loads(pickle.dumps(model))  # the callbacks' network travels as model_ does
    assert copy.callbacks_[0].model is copy.model_ and copy.callbacks_[0].count == TINY["epochs"]
    np.testing.assert_allclose(copy.predict(X), model.predict(X))


@pytest.mark.parametrize("engine", ["compiled", "keras"])
def test_verbose_reports_each_epoch(digits, capsys, engine):
    X, y = digits
    KerasMLPClassifier(**TINY, verbose=1, engine=engine).fit(X, y)
    out = capsys.readouterr().out
    assert out.count("Epoch") >= 3 and "loss" in out


def test_fits_reuse_the_same_variable_names(digits):
    """TensorFlow keeps a kernel per new variable name for the life of the
    process: a fit that named its variables anew each time (Keras' "adam_12")
    would leave memory behind for good (0.35 MB a fit, benchmarks/memory.py)."""
    X, y = digits

    def variable_paths(seed):
        model = KerasMLPClassifier(**{**TINY, "random_state": seed}).fit(X, y).model_
        return sorted(v.path for v in model.variables + model.optimizer.variables)

    assert variable_paths(0) == variable_paths(1)


def _epoch_by_epoch(monkeypatch):
    """Make the compiled loop run one call per epoch, as it does when
    something (validation, a schedule, a checkpoint) runs between epochs."""
    from skhyper import _compiled

    monkeypatch.setattr(_compiled, "_no_epoch_hooks", lambda *args: False)


@pytest.mark.parametrize(
    "make, data",
    [
        (lambda: KerasMLPClassifier(**{**TINY, "epochs": 6}, dropout=0.2, optimizer="rmsprop"), "digits"),
        (lambda: KerasMLPRegressor(**TINY, l2=1e-3), "diabetes"),
    ],
)
def test_all_epochs_in_one_call_equal_the_epoch_by_epoch_loop(request, monkeypatch, make, data):
    from skhyper import _compiled

    X, y = request.getfixturevalue(data)
    weights = np.linspace(0.5, 2.0, len(y))
    calls, run_epochs = [], _compiled.Trainer.run_epochs

    def counted(self, *args):
        calls.append(int(args[5]))  # n_epochs
        return run_epochs(self, *args)

    monkeypatch.setattr(_compiled.Trainer, "run_epochs", counted)
    one_call = make().fit(X, y, sample_weight=weights)
    assert calls == [one_call.epochs]  # the path under test was taken: one call for every epoch
    _epoch_by_epoch(monkeypatch)
    per_epoch = make().fit(X, y, sample_weight=weights)
    assert one_call.history_ == per_epoch.history_  # exactly: the same ops in the same order
    np.testing.assert_array_equal(one_call.predict(X), per_epoch.predict(X))
    # A warm start goes on from the epoch it reached (its shuffles and dropout masks).
    trained = one_call.n_iter_
    one_call.set_params(warm_start=True, epochs=2).fit(X, y, sample_weight=weights)
    per_epoch.set_params(warm_start=True, epochs=2).fit(X, y, sample_weight=weights)
    assert one_call.history_ == per_epoch.history_ and one_call.n_iter_ == trained + 2


def test_all_epochs_in_one_call_end_after_the_first_non_finite_loss(diabetes, monkeypatch):
    X, y = diabetes
    diverging = dict(TINY, epochs=8, optimizer="sgd", learning_rate=1e30)
    with pytest.raises(ValueError, match="diverged"):
        one_call = KerasMLPRegressor(**diverging)
        one_call.fit(X * 1e3, y * 1e3)
    _epoch_by_epoch(monkeypatch)
    with pytest.raises(ValueError, match="diverged"):
        per_epoch = KerasMLPRegressor(**diverging)
        per_epoch.fit(X * 1e3, y * 1e3)
    assert one_call.n_iter_ == per_epoch.n_iter_ < 8
    assert not np.isfinite(one_call.loss_curve_[-1]) and np.isfinite(one_call.loss_curve_[:-1]).all()
    np.testing.assert_array_equal(one_call.loss_curve_, per_epoch.loss_curve_)


def test_a_trainers_first_fit_copies_state_without_tracing_and_computes_the_same(digits):
    """A trainer's first fit copies the network in and out one variable at a
    time (tracing the one-call copies would cost that fit more than they
    save it); its later fits use the one-call copies.  Either way a fit
    computes the same."""
    from skhyper import _compiled

    X, y = digits
    estimator = KerasMLPClassifier(**{**TINY, "hidden_layer_sizes": (9, 3)})  # built by no other test
    clone(estimator).fit(X, y)  # (the architecture's template: a Keras model, copied variable by variable)
    _compiled._local.trainers.clear()
    first = clone(estimator).fit(X, y)  # drawn weights, in a new trainer
    (trainer,) = _compiled._local.trainers.values()
    assert "assign" not in trainer._concrete and "read" not in trainer._concrete
    later = clone(estimator).fit(X, y)
    assert "assign" in trainer._concrete and "read" in trainer._concrete
    assert first.history_ == later.history_
    np.testing.assert_array_equal(first.predict_proba(X), later.predict_proba(X))
