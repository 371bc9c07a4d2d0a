"""Estimators survive pickle, joblib, deepcopy and the safe format."""

import copy
import json
import pickle
import subprocess
import sys
import textwrap
import zipfile

import joblib
import keras
import numpy as np
import pandas as pd
import pytest
from conftest import TINY

import skhyper
from skhyper import KerasMLPClassifier, KerasMLPRegressor, WindowForecaster
from skhyper.hyperparams import OPTIMIZERS
from skhyper.persistence import FORMAT_VERSION


@pytest.fixture(scope="module")
def fitted(binary, diabetes):
    X, y = binary
    classifier = KerasMLPClassifier(**TINY, dropout=0.1, validation_split=0.2).fit(X, y)
    Xr, yr = diabetes
    regressor = KerasMLPRegressor(**TINY).fit(Xr, np.c_[yr, -yr])
    index = pd.date_range("2021-01-01", periods=120, freq="D")
    series = pd.Series(np.sin(np.arange(120) / 7.0), index=index)
    forecaster = WindowForecaster(window_size=5, hidden_layer_sizes=(4,), epochs=2, random_state=0).fit(series[:100])
    return {
        "classifier": (classifier, X, lambda m, X: m.predict_proba(X)),
        "regressor": (regressor, Xr, lambda m, X: m.predict(X)),
        "forecaster": (forecaster, series[100:], lambda m, X: m.predict(X)),
    }


@pytest.mark.parametrize("name", ["classifier", "regressor", "forecaster"])
@pytest.mark.parametrize("how", ["pickle", "joblib", "deepcopy", "safe", "skhyper.save"])
def test_round_trips_predict_the_same(fitted, tmp_path, name, how):
    model, X, predict = fitted[name]
    if how == "pickle":
        again = pickle.loads(pickle.dumps(model))
    elif how == "joblib":
        joblib.dump(model, tmp_path / "m.joblib")
        again = joblib.load(tmp_path / "m.joblib")
    elif how == "deepcopy":
        again = copy.deepcopy(model)
    elif how == "safe":
        again = skhyper.load(model.save(tmp_path / "m.skhyper"))
    else:  # the module's own name, as skhyper.load (no import of skhyper.persistence needed)
        again = skhyper.load(skhyper.save(model, tmp_path / "m.skhyper"))
    np.testing.assert_array_equal(predict(again, X), predict(model, X))
    assert again.get_params() == model.get_params()
    assert again.history_ == model.history_


def test_safe_format_keeps_classes_forecasts_and_partial_fit(fitted, tmp_path):
    classifier, X, _ = fitted["classifier"]
    again = skhyper.load(classifier.save(tmp_path / "c.skhyper"), kind=KerasMLPClassifier)
    np.testing.assert_array_equal(again.classes_, classifier.classes_)
    assert list(again.predict(X[:3])) == list(classifier.predict(X[:3]))
    again.partial_fit(X, again.predict(X))  # trains on: optimizer state came along
    forecaster = fitted["forecaster"][0]
    loaded = skhyper.load(forecaster.save(tmp_path / "f.skhyper"))
    pd.testing.assert_series_equal(loaded.forecast(4), forecaster.forecast(4))


def test_unfitted_round_trip(tmp_path):
    model = KerasMLPClassifier(hidden_layer_sizes=(5, 3), class_weight={0: 1.0, 1: 2.0}, dropout=[0.1, 0.2])
    again = skhyper.load(model.save(tmp_path / "u.skhyper"))
    assert again.get_params() == model.get_params() and not hasattr(again, "model_")


@pytest.mark.parametrize("how", ["safe", "joblib"])
def test_loads_in_a_fresh_process(fitted, tmp_path, how):
    model, X, predict = fitted["regressor"]
    if how == "safe":
        model.save(tmp_path / "r.bin")
        loader = "skhyper.load"
    else:
        joblib.dump(model, tmp_path / "r.bin")
        loader = "joblib.load"
    np.save(tmp_path / "X.npy", X)
    script = textwrap.dedent(f"""
        import joblib, numpy as np, skhyper
        model = {loader}({str(tmp_path / "r.bin")!r})
        np.save({str(tmp_path / "p.npy")!r}, model.predict(np.load({str(tmp_path / "X.npy")!r})))
    """)
    subprocess.run([sys.executable, "-c", script], check=True)
    np.testing.assert_array_equal(np.load(tmp_path / "p.npy"), predict(model, X))


def test_damaged_and_foreign_files_are_refused(fitted, tmp_path):
    model = fitted["classifier"][0]
    good = model.save(tmp_path / "good.skhyper")
    (tmp_path / "noise.skhyper").write_bytes(np.random.RandomState(0).bytes(2000))
    with pytest.raises(ValueError, match="not a readable zip archive"):
        skhyper.load(tmp_path / "noise.skhyper")
    data = good.read_bytes()
    (tmp_path / "cut.skhyper").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="skhyper file"):
        skhyper.load(tmp_path / "cut.skhyper")
    with pytest.raises(ValueError, match="holds a KerasMLPClassifier, not a KerasMLPRegressor"):
        skhyper.load(good, kind=KerasMLPRegressor)
    with pytest.raises(FileNotFoundError, match="no such file"):
        skhyper.load(tmp_path / "missing.skhyper")


def test_a_missing_file_is_a_public_load_error_and_file_not_found_error(tmp_path):
    # its class was skhyper.persistence._MissingFile, a private name in every traceback
    with pytest.raises(skhyper.MissingFileError, match="missing.skhyper: no such file") as error:
        skhyper.load(tmp_path / "missing.skhyper")
    assert isinstance(error.value, skhyper.LoadError) and isinstance(error.value, FileNotFoundError)
    assert type(error.value).__module__ == "skhyper.persistence" and "MissingFileError" in skhyper.__all__


def test_newer_format_and_missing_network_are_refused(fitted, tmp_path):
    model = fitted["classifier"][0]
    good = model.save(tmp_path / "good.skhyper")
    with zipfile.ZipFile(good) as archive:
        document = json.loads(archive.read("skhyper.json"))
    for name, change, message in [
        ("newer", {"format_version": 99}, f"format version 99; this skhyper reads format versions up to {FORMAT_VERSION}"),
        ("other", {"format": "something-else"}, "not a skhyper estimator file"),
        ("unknown", {"class": "Evil"}, "unknown estimator class 'Evil'"),
    ]:
        with zipfile.ZipFile(tmp_path / f"{name}.skhyper", "w") as archive:
            archive.writestr("skhyper.json", json.dumps({**document, **change}))
        with pytest.raises(ValueError, match=message):
            skhyper.load(tmp_path / f"{name}.skhyper")
    with pytest.raises(skhyper.LoadError, match="holds network.bin, this file nothing else"):
        skhyper.load(_without_model(good, tmp_path))


def _without_model(good, tmp_path):
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(tmp_path / "nomodel.skhyper", "w") as target:
        target.writestr("skhyper.json", source.read("skhyper.json"))
    return tmp_path / "nomodel.skhyper"


def test_python_objects_as_parameters_are_refused_at_save(diabetes, tmp_path):
    X, y = diabetes
    model = KerasMLPRegressor(**TINY, optimizer=keras.optimizers.SGD(0.01)).fit(X, y)
    with pytest.raises(ValueError, match="its parameter optimizer=.* is a Python object"):
        model.save(tmp_path / "x.skhyper")


@pytest.mark.parametrize("engine", ["compiled", "keras"])
def test_checkpoint_keeps_the_best_epoch_and_training_resumes_from_it(diabetes, tmp_path, engine):
    X, y = diabetes
    path = tmp_path / "best.skhyper"
    model = KerasMLPRegressor(hidden_layer_sizes=(8,), optimizer="sgd", learning_rate=0.3, epochs=8,
                              batch_size=8, validation_split=0.3, random_state=0, engine=engine,
                              checkpoint=path).fit(X, y)  # fmt: skip
    val_loss = model.history_["val_loss"]
    best = int(np.argmin(val_loss))
    saved = skhyper.load(path)
    assert saved.n_iter_ == best + 1
    assert saved.history_["val_loss"] == val_loss[: best + 1]
    assert model.n_iter_ == 8 and len(model.history_["loss"]) == 8  # the fit's own history is whole
    saved.partial_fit(X, y)  # resume
    assert saved.n_iter_ == best + 2


def test_checkpoint_needs_a_savable_estimator(diabetes, tmp_path):
    X, y = diabetes
    model = KerasMLPRegressor(**TINY, optimizer=keras.optimizers.SGD(0.01), checkpoint=tmp_path / "x.skhyper")
    with pytest.raises(ValueError, match="its parameter optimizer=.* is a Python object"):
        model.fit(X, y)


@pytest.mark.parametrize("how", ["pickle", "deepcopy", "safe"])
def test_a_copy_trains_on_with_the_same_dropout_masks(binary, tmp_path, how):
    X, y = binary
    model = KerasMLPClassifier(**TINY, dropout=0.3).fit(X, y)
    if how == "pickle":
        again = pickle.loads(pickle.dumps(model))
    elif how == "deepcopy":
        again = copy.deepcopy(model)
    else:
        again = skhyper.load(model.save(tmp_path / "m.skhyper"))
    # Keras' own format leaves the dropout layers' seed-generator state out:
    # without it the copy's next epoch draws the first epoch's masks again.
    model.partial_fit(X, y)
    again.partial_fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))


# A user's own loss function, not registered with Keras.
def absolute_error(y_true, y_pred):
    return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)


def test_a_users_own_loss_function_pickles_and_deepcopies(diabetes):
    X, y = diabetes
    model = KerasMLPRegressor(**TINY, loss=absolute_error).fit(X, y)
    for copied in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        np.testing.assert_array_equal(copied.predict(X), model.predict(X))
        copied.partial_fit(X, y)  # and it trains on
        assert copied.n_iter_ == model.n_iter_ + 1


# A user's initializer function, not registered with Keras.
def small_constant(shape, dtype=None):
    return keras.ops.full(shape, 0.05, dtype=dtype)


@pytest.mark.parametrize("engine", ["compiled", "keras"])
def test_a_users_initializer_function_trains_pickles_and_deepcopies(diabetes, engine):
    X, y = diabetes
    untrained = KerasMLPRegressor(**{**TINY, "epochs": 1}, learning_rate=1e-12, kernel_initializer=small_constant)
    untrained.set_params(engine=engine).fit(X, y)
    np.testing.assert_allclose(untrained.model_.get_layer("hidden_0").kernel.numpy(), 0.05, rtol=1e-6)
    model = KerasMLPRegressor(**TINY, kernel_initializer=small_constant, engine=engine).fit(X, y)
    for copied in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert copied.kernel_initializer is small_constant
        np.testing.assert_array_equal(copied.predict(X), model.predict(X))
        copied.partial_fit(X, y)
        assert copied.n_iter_ == model.n_iter_ + 1


@keras.saving.register_keras_serializable(package="skhyper_tests")
class ScaledSquaredError(keras.losses.Loss):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, y_true, y_pred):
        return self.factor * keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_a_registered_loss_class_clones_pickles_and_searches(diabetes):
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    X, y = diabetes
    loss = ScaledSquaredError(3.0)
    model = KerasMLPRegressor(**TINY, loss=loss).fit(X, y)
    assert model.model_.loss is loss
    assert model.loss is loss  # the user's object, untouched
    cloned = clone(model)
    assert isinstance(cloned.loss, ScaledSquaredError) and cloned.loss.factor == 3.0
    for copied in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert isinstance(copied.loss, ScaledSquaredError) and copied.loss.factor == 3.0
        np.testing.assert_array_equal(copied.predict(X), model.predict(X))
    search = GridSearchCV(KerasMLPRegressor(**TINY, loss=loss), {"learning_rate": [1e-3, 1e-2]}, cv=2).fit(X, y)
    assert search.best_estimator_.loss.factor == 3.0



def test_a_file_skhyper_0_1_wrote_loads_only_when_trusted(diabetes):
    """tests/data holds a regressor saved by skhyper 0.1 (format version 1,
    its network in Keras' .keras format) and its predictions."""
    from pathlib import Path

    data = Path(__file__).parent / "data"
    with pytest.raises(skhyper.LoadError, match="allow_keras_format=True"):
        skhyper.load(data / "format1_regressor.skhyper")
    model = skhyper.load(data / "format1_regressor.skhyper", allow_keras_format=True)
    X, _ = diabetes
    np.testing.assert_allclose(model.predict(X[:5]), np.load(data / "format1_regressor_predictions.npy"), rtol=1e-6)


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_every_optimizer_saves_loads_and_trains_on_the_same(diabetes, tmp_path, optimizer):
    # Nadam's unnamed variable took a process-wide counter into the file ("variable_1"), and no file loaded
    X, y = diabetes
    KerasMLPRegressor(**TINY, optimizer=optimizer).fit(X, y)  # another network first: the counters move on
    model = KerasMLPRegressor(**TINY, optimizer=optimizer).fit(X, y)
    loaded = skhyper.load(model.save(tmp_path / "m.skhyper"))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_allclose(loaded.partial_fit(X, y).predict(X), model.partial_fit(X, y).predict(X), rtol=1e-5)


def test_a_file_of_an_estimator_fit_on_a_dataframe_loads_without_warnings(tmp_path, diabetes):
    """load predicts once to check a file; on an array, where the fit was on
    a DataFrame, scikit-learn warned "X does not have valid feature names"
    at every load of a sound file (found by a helper)."""
    import warnings

    X, y = diabetes
    frame = pd.DataFrame(X[:100], columns=[f"f{i}" for i in range(X.shape[1])])
    path = KerasMLPRegressor(**TINY).fit(frame, y[:100]).save(tmp_path / "r.skhyper")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = skhyper.load(path)
    assert list(loaded.feature_names_in_) == list(frame.columns)
