"""Files made to attack skhyper.load: each ends in skhyper.LoadError naming
the file, runs no code, writes nothing and stays within its memory bound."""

import io
import json
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pandas as pd
import pytest
from conftest import TINY
from saved_files import document, members, refused, with_document, write

import skhyper
from skhyper import KerasMLPClassifier, LoadError, WindowForecaster
from skhyper.persistence import MIN_KERAS

MARKER = "skhyper_payload_ran"


@pytest.fixture(scope="module")
def good(tmp_path_factory, digits, diabetes):
    """Valid files of a classifier with dropout, a regressor, a forecaster, a
    forecaster of a panel (of text ids and monthly dates, one input per
    series) and both with prediction intervals (interval_horizon)."""
    folder = tmp_path_factory.mktemp("good")
    Xr, yr = diabetes
    regressor = skhyper.KerasMLPRegressor(**TINY).fit(Xr[:100], yr[:100])
    X, y = digits
    classifier = KerasMLPClassifier(**TINY, dropout=0.2).fit(X[:200], y[:200])
    forecaster = WindowForecaster(window_size=4, hidden_layer_sizes=(4,), epochs=2, random_state=0)
    forecaster.fit(np.sin(np.arange(80) / 5.0))
    panel = pd.concat([pd.DataFrame({"unique_id": f"s{i}", "ds": pd.date_range("2001-01-01", periods=n, freq="MS"),
                                     "y": np.sin(np.arange(n) / 5.0) + i}) for i, n in enumerate([40, 30, 3, 25])])  # fmt: skip
    paneled = WindowForecaster(window_size=5, horizon=2, hidden_layer_sizes=(4,), epochs=2, random_state=0,
                               series_encoding="onehot").fit(panel)  # fmt: skip
    intervals = WindowForecaster(window_size=4, hidden_layer_sizes=(4,), epochs=2, random_state=0, interval_horizon=3)
    intervals.fit(np.sin(np.arange(80) / 5.0) + np.random.RandomState(0).randn(80) * 0.1)
    panel_intervals = WindowForecaster(window_size=5, horizon=2, hidden_layer_sizes=(4,), epochs=2, random_state=0,
                                       interval_horizon=2).fit(panel)  # fmt: skip
    return {"classifier": classifier.save(folder / "c.skhyper"), "forecaster": forecaster.save(folder / "f.skhyper"),
            "regressor": regressor.save(folder / "r.skhyper"), "panel": paneled.save(folder / "p.skhyper"),
            "intervals": intervals.save(folder / "i.skhyper"),
            "panel intervals": panel_intervals.save(folder / "pi.skhyper")}  # fmt: skip


@pytest.fixture(autouse=True)
def in_empty_folder(tmp_path, monkeypatch):
    """Each test runs in its own folder; nothing may be written outside
    the files it makes, nor any marker a payload would create."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    yield
    assert not os.listdir(work), os.listdir(work)
    assert not list(tmp_path.parent.glob(f"**/{MARKER}*"))


# ------------------------------------------------------------ code and writes


def keras_payload_config(command):
    """A .keras config whose layer asks Keras to call os.system(command)
    (the CVE-2025-1550 shape, which ran code under Keras 3.8)."""
    return {
        "module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
            {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, 4], "name": "i"}},
            {"module": "os", "class_name": "function", "config": "system", "registered_name": "function",
             "inbound_nodes": [{"args": [command], "kwargs": {}}]},
        ]},
    }  # fmt: skip


def test_a_format1_file_with_a_keras_code_payload_is_refused_with_or_without_the_flag(good, tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as keras_file:
        keras_file.writestr("config.json", json.dumps(keras_payload_config(f"touch {tmp_path / MARKER}")))
        keras_file.writestr("metadata.json", json.dumps({"keras_version": "3.8.0"}))
        keras_file.writestr("model.weights.h5", b"")
    doc = document(good["classifier"])
    doc["format_version"] = 1
    del doc["network"]
    path = write(tmp_path / "payload.skhyper", {"skhyper.json": doc, "model.keras": inner.getvalue()})
    refused(path, "format version 1")
    refused(path, allow_keras_format=True)  # Keras >= 3.14's safe mode refuses it too
    assert not (tmp_path / MARKER).exists()


def test_checkpoint_and_callbacks_are_never_read_from_a_file(good, tmp_path, digits):
    target = tmp_path / "overwritten.txt"
    target.write_text("keep me")

    def change(doc):
        doc["params"]["checkpoint"] = str(target)
        doc["params"]["callbacks"] = [{"dict": [["class_name", "os.system"]]}]
        return doc

    model = skhyper.load(with_document(good["classifier"], tmp_path / "c.skhyper", change))
    assert model.checkpoint is None and model.callbacks is None
    X, y = digits
    model.partial_fit(X[:50], y[:50])
    assert target.read_text() == "keep me"


@pytest.mark.parametrize(
    "name, value",
    [("optimizer", {"dict": [["class_name", "system"], ["module", "os"], ["config", {"dict": []}]]}),
     ("loss", "os.system"), ("kernel_initializer", "builtins.eval"), ("lr_schedule", "subprocess.call"),
     ("activation", "os.system"), ("engine", "eval"), ("hidden_layer_sizes", "__import__('os')"),
     ("class_weight", {"dict": [[0, "os.system"]]}), ("random_state", {"tuple": [1, 2]})],
)  # fmt: skip
def test_parameters_are_checked_as_at_fit(good, tmp_path, name, value):
    def change(doc):
        doc["params"][name] = value
        return doc

    refused(with_document(good["classifier"], tmp_path / "p.skhyper", change), "its parameters do not fit")


# ------------------------------------------------------------ memory and size


def test_a_huge_network_is_refused_before_it_is_built(good, tmp_path):
    def change(doc):
        doc["params"]["hidden_layer_sizes"] = {"tuple": [100000]}
        return doc

    refused(with_document(good["classifier"], tmp_path / "big.skhyper", change), "network.bin holds")


def test_zip_bombs_and_lying_directories_are_refused_before_reading(good, tmp_path):
    bomb = tmp_path / "bomb.skhyper"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("skhyper.json", "w", force_zip64=True) as member:
            for _ in range(64):
                member.write(b" " * 2**20)  # 64 MB of spaces, ~64 KB compressed
    refused(bomb, "declares 67108864 bytes")
    dense = tmp_path / "dense.skhyper"
    write(dense, {"skhyper.json": b"[" + b"0," * 2**20 + b"0]"})
    refused(dense, "compressed")
    parts = members(good["classifier"])
    deflated = tmp_path / "deflated.skhyper"
    with zipfile.ZipFile(deflated, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    refused(deflated, "compression method 8")
    data = bytearray(good["classifier"].read_bytes())
    lying = tmp_path / "lying.skhyper"
    lying.write_bytes(data[: len(data) - 200] + data[-200:].replace(b"network.bin", b"network.bim"))
    refused(lying)


def test_loading_bombs_stays_within_its_memory_bound(good, tmp_path):
    """Peak memory while loading files of under 10 MB that ask for much more."""
    shapes = tmp_path / "shape.skhyper"

    def declare_a_big_array(doc):
        doc["state"]["context_"] = {"ndarray": [[0.0]] * 4, "dtype": "(15000,15000)f8"}
        return doc

    with_document(good["forecaster"], shapes, declare_a_big_array)
    digits_json = tmp_path / "digits.skhyper"
    rng = np.random.RandomState(0)
    doc = document(good["forecaster"])
    doc["state"]["loss_curve_"] = rng.randint(0, 10, 3_500_000).tolist()  # ~7 MB of one-digit numbers
    write(digits_json, {"skhyper.json": doc, "network.bin": members(good["forecaster"])["network.bin"]})
    assert digits_json.stat().st_size < 10 * 2**20
    array_json = tmp_path / "array.skhyper"
    doc = document(good["classifier"])
    doc["params"]["hidden_layer_sizes"] = {"ndarray": rng.randint(0, 10, 3_500_000).tolist(), "dtype": "<i8"}
    write(array_json, {"skhyper.json": doc, "network.bin": members(good["classifier"])["network.bin"]})
    rows_json = tmp_path / "rows.skhyper"
    doc = document(good["forecaster"])
    doc["state"]["context_"] = {"ndarray": [[1.5] * 40] * 90_000, "dtype": "<f8"}
    write(rows_json, {"skhyper.json": doc, "network.bin": members(good["forecaster"])["network.bin"]})
    series = tmp_path / "series.skhyper"  # a panel of 2**30 series of windows of 2**20, in a few bytes
    parts = members(good["panel"])
    doc = json.loads(parts["skhyper.json"])
    for entry in doc["panel"]["arrays"]:
        if entry[0] != "panel_id_text":
            entry[1] = [2**30] + [2**20] * (len(entry[1]) - 1)
    write(series, {**parts, "skhyper.json": doc})
    scores = tmp_path / "scores.skhyper"  # 2**26 scores of 2**31 - 1 steps each, in a few bytes
    parts = members(good["intervals"])
    doc = json.loads(parts["skhyper.json"])
    doc["intervals"]["arrays"][0][1] = [2**26, 2**31 - 1]
    write(scores, {**parts, "skhyper.json": doc})
    script = textwrap.dedent(f"""
        import resource, skhyper, keras
        skhyper.load({str(good["forecaster"])!r})
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for path in {[str(shapes), str(digits_json), str(array_json), str(rows_json), str(series), str(scores)]!r}:
            try:
                skhyper.load(path)
            except skhyper.LoadError:
                pass
        print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert int(out.stdout.split()[-1]) < 300


def test_deep_nesting_and_many_containers_are_refused(good, tmp_path):
    deep = tmp_path / "deep.skhyper"
    write(deep, {"skhyper.json": "[" * 150_000 + "]" * 150_000})
    refused(deep, "lists and objects")
    deep = tmp_path / "deep2.skhyper"
    write(deep, {"skhyper.json": "[" * 50_000 + "]" * 50_000})
    refused(deep, "nested too deeply")
    tags = tmp_path / "tags.skhyper"

    def nest(doc):
        value = 1
        for _ in range(200):
            value = {"tuple": [value]}
        doc["params"]["hidden_layer_sizes"] = value
        return doc

    refused(with_document(good["classifier"], tags, nest), "nested deeper")


# ------------------------------------------------------------ damaged state


@pytest.mark.parametrize(
    "which, change, match",
    [("classifier", lambda d: d["state"].update(n_features_in_="four"), "n_features_in_ must be"),
     ("forecaster", lambda d: d["state"].update(window_size_="abc"), "window_size_ must be"),
     ("classifier", lambda d: d["state"].update(classes_={"ndarray": list(range(7)), "dtype": "<i8"},
                                                n_classes_=7), "outputs"),
     ("classifier", lambda d: d["state"].update(n_features_in_=3), "takes 64 inputs"),
     ("forecaster", lambda d: d["state"].update(lags_={"ndarray": [9, 1], "dtype": "<i8"}), "lags"),
     ("forecaster", lambda d: d["state"].update(input_scale_={"ndarray": [0.0], "dtype": "<f8"}), "positive"),
     ("forecaster", lambda d: d["state"].update(context_={"ndarray": [1, 2], "dtype": "O"}), "dtype 'O'"),
     ("forecaster", lambda d: d["state"].update(context_={"ndarray": [[1], [1, 2]], "dtype": "<f8"}), "rows differ"),
     ("classifier", lambda d: d["state"].pop("_seeds"), "lacks _seeds"),
     ("classifier", lambda d: d["network"]["variables"].reverse(), "not those its parameters build"),
     ("classifier", lambda d: d["state"].update(classes_={"ndarray": [2, 0, 1], "dtype": "<i8"}), "sorted, distinct"),
     ("classifier", lambda d: d["state"].update(classes_={"ndarray": ["nan"] * 10, "dtype": "<f8"}, n_classes_=10),
      "not NaN"),
     ("classifier", lambda d: d["state"].update(classes_={"ndarray": [1, "a"] * 5, "dtype": "str"}, n_classes_=10),
      "all numbers or all text"),
     ("forecaster", lambda d: d["state"].update(input_scale_={"ndarray": [1e-300], "dtype": "<f8"}), "between"),
     ("forecaster", lambda d: d["state"].update(lags_={"ndarray": [1, 2, 3, 4], "dtype": "<i8"}), "oldest first"),
     ("forecaster", lambda d: d["state"].update(target_mean_={"ndarray": [0.0, 0.0], "dtype": "<f8"},
                                                target_scale_={"ndarray": [1.0, 1.0], "dtype": "<f8"}), "target_is_1d_"),
     ("regressor", lambda d: d["state"].update(target_shape_tail=[1, 2]), "target_shape_tail"),
     ("classifier", lambda d: d["params"].update(hidden_layer_sizes={"tuple": [1] * 2047}), "at most 100"),
     ("classifier", lambda d: d["params"].update(lr_schedule="cosine_restarts", lr_period_mult=0.5),
      "lr_period_mult"),
     ("classifier", lambda d: d["params"].update(class_weight={"dict": [[k, 1.0] for k in range(10_001)]}),
      "a dict of 10001 entries"),
     ("classifier", lambda d: d["params"].update(class_weight={"dict": [[k * (2**61 - 1), 1.0] for k in range(3)]}),
      "a dict key of type int"),
     # states that pass each check alone but no fit with these parameters makes
     ("classifier", lambda d: d["state"].update(target_type_="multiclass-onehot", classes_={"ndarray": [10, 20, 30],
                                                "dtype": "<i8"}, n_classes_=3), "classes_ other than 0 .. 2"),
     ("classifier", lambda d: d["state"].update(target_type_="binary"), "'binary' with 10 classes"),
     ("forecaster", lambda d: d["state"].update(level_rows_=3), "level_rows_=3"),
     ("forecaster", lambda d: d["state"].update(window_size_=3), "window_size_=3"),
     ("forecaster", lambda d: d["state"].update(lags_={"ndarray": [4, 2], "dtype": "<i8"}), "past the 2 lags_"),
     ("forecaster", lambda d: d["state"].update(deseasonalize_="difference", seasonal_period_=2), "seasonal_period_=2"),
     ("forecaster", lambda d: d["state"].update(_training_index={"kind": "timestamp", "last": "-5000-01-01",
                                                                 "freq": "C"}), "not one a fit makes"),
     # sizes that would draw huge offsets before any other check: refused by the lags the file holds
     ("forecaster", lambda d: (d["params"].update(window_size=2**24), d["state"].update(window_size_=2**24)),
      "reach past the 4 lags_"),
     ("forecaster", lambda d: (d["params"].update(seasonal_period=2**24 + 10, seasonal_window=2**23),
                               d["state"].update(seasonal_period_=2**24 + 10)), "reach past the 4 lags_"),
     ("classifier", lambda d: d["state"].update(history_={"dict": [["val_loss", [1.0]]]}), "a loss each epoch and no metric more often"),
     ("panel", lambda d: d["state"].pop("panel_level_rows_"), "no panel_level_rows_, which a file of this version"),
     ("forecaster", lambda d: d["state"].update(_training_index={"kind": "timestamp", "last": "now", "freq": "D"}),
      "not a time step as saving writes it"),
     ("forecaster", lambda d: d["state"].update(_training_index={"kind": "timestamp", "last": "2020-02-27 00:00:00",
                                                                 "freq": "W-SUN"}), "not one of its frequency W-SUN"),
     ("forecaster", lambda d: d["state"].update(_training_length=1), "_training_length=1 for a context_"),
     ("classifier", lambda d: d["state"].update(n_iter_=2**31 - 1), "n_iter_=2147483647 for a history_ of"),
     ("intervals", lambda d: d["state"].update(interval_scale_=1e308), "more than any float32 series' values span"),
     ("regressor", lambda d: d["state"].update(n_outputs_=2), "n_outputs_=2, but its network has 1 outputs"),
     ("classifier", lambda d: d["params"].update(epochs=10**9), "epochs=1000000000 is larger"),
     ("classifier", lambda d: d["network"].update(rate=-1), "number >= 0")],
)  # fmt: skip
def test_a_fitted_state_that_no_fit_makes_is_refused(good, tmp_path, which, change, match):
    def changed(doc):
        change(doc)
        return doc

    refused(with_document(good[which], tmp_path / "s.skhyper", changed), match)


@pytest.mark.parametrize("version", [0, -1, True, "1", 1.0, None])
def test_format_versions_that_are_not_numbers_are_refused(good, tmp_path, version):
    def change(doc):
        doc["format_version"] = version
        return doc

    refused(with_document(good["classifier"], tmp_path / "v.skhyper", change), "is not a version number")


def test_text_of_a_file_reaches_its_error_quoted(good, tmp_path):
    """A newer version's message names the skhyper that wrote it as the
    file says, quoted: no escape codes or lines of the file's own making."""

    def change(doc):
        doc["format_version"], doc["skhyper_version"] = 10, "\x1b[2J\nOK: loaded\n"
        return doc

    message = refused(with_document(good["classifier"], tmp_path / "v.skhyper", change), "format version 10")
    assert "\n" not in message and "\x1b" not in message, message


def test_a_panel_frequency_that_steps_back_is_refused(tmp_path):
    """Business days are counted, not made periods, so pandas' own check of
    a period frequency never saw their sign: a file of "-1B" loaded and
    dated its forecasts backwards from each series' end."""
    days = pd.bdate_range("2021-01-04", periods=30)
    panel = pd.concat([pd.DataFrame({"unique_id": f"s{i}", "ds": days, "y": np.sin(np.arange(30) / 3.0) + 5 + i})
                       for i in range(3)])  # fmt: skip
    model = WindowForecaster(window_size=10, seasonal_period=5, hidden_layer_sizes=(4,), epochs=1, random_state=0)
    path = model.fit(panel).save(tmp_path / "b.skhyper")
    for freq in ("-1B", "0B"):

        def change(doc, freq=freq):
            doc["panel"]["freq"] = freq
            return doc

        refused(with_document(path, tmp_path / "s.skhyper", change), f"frequency '{freq}' is not a step forward")


def test_the_check_of_a_panel_file_forecasts_fewer_series_where_its_horizon_is_long(good, monkeypatch):
    """load forecasts 2 x horizon + 1 steps of a panel's first and last
    series to check it; of fewer of them where that would pass
    ``_PROBED_VALUES`` values (a file of a long horizon asked for hundreds
    of MB), always of one at each end."""
    from skhyper import persistence

    asked = []
    original = WindowForecaster._panel_forecast_values

    def spy(self, steps, series=None, future=None):
        asked.append((steps, list(series)))
        return original(self, steps, series, future)

    monkeypatch.setattr(WindowForecaster, "_panel_forecast_values", spy)
    skhyper.load(good["panel"])  # 4 series, horizon 2: all of them
    monkeypatch.setattr(persistence, "_PROBED_VALUES", 10)  # room for one series of 5 steps at each end
    skhyper.load(good["panel"])
    assert asked == [(5, [0, 1, 2, 3]), (5, [0, 3])]


@pytest.mark.parametrize("name", ["ds", "unique_id", "y"])
def test_a_panel_covariate_named_as_a_panel_column_is_refused(tmp_path, name):
    """Fit refuses a covariate named as the panel's own columns; a file of
    one loaded, and its forecaster could never forecast or predict."""
    rng = np.random.RandomState(0)
    months = pd.date_range("2001-01-01", periods=30, freq="MS")
    panel = pd.concat([pd.DataFrame({"unique_id": f"s{i}", "ds": months, "y": np.sin(np.arange(30) / 3) + i,
                                     "promo": rng.randint(0, 2, 30)}) for i in range(3)])  # fmt: skip
    model = WindowForecaster(window_size=4, hidden_layer_sizes=(4,), epochs=1, random_state=0, known_covariates=["promo"])
    path = model.fit(panel).save(tmp_path / "c.skhyper")

    def change(doc):
        doc["params"]["known_covariates"] = doc["state"]["covariates_"] = [name]
        return doc

    refused(with_document(path, tmp_path / "s.skhyper", change), f"known_covariates ['{name}'] are the panel's own columns")


def test_foreign_files_are_named(good, tmp_path):
    pickled = tmp_path / "model.skhyper"
    pickled.write_bytes(pickle.dumps({"a": 1}))
    assert "joblib.load and pickle.load run code" in refused(pickled, "a pickle")
    empty = tmp_path / "empty.skhyper"
    empty.write_bytes(b"")
    refused(empty, "not a readable zip archive")
    with pytest.raises(FileNotFoundError):
        skhyper.load(tmp_path / "missing.skhyper")
    refused(tmp_path, "a directory, not a skhyper file")  # a folder
    refused("x" * 5000, "cannot be read")  # a name too long for the system
    link = tmp_path / "mem.skhyper"
    link.symlink_to("/proc/self/mem")  # a file that cannot be read
    refused(link, "cannot be read")
    traversal = write(tmp_path / "t.skhyper", {**members(good["classifier"]), "../../evil.txt": b"x"})
    refused(traversal, "unexpected member")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_an_older_keras_is_refused(good, monkeypatch):
    import keras

    monkeypatch.setattr(keras, "__version__", "3.8.0")
    message = refused(good["classifier"], "Keras 3.8.0 is installed")
    assert f">= {'.'.join(map(str, MIN_KERAS))}" in message


# ------------------------------------------------------------------ fuzzer


def mutations(data, rng):
    """Damaged copies of a file: cut, bytes flipped, JSON values replaced."""
    for _ in range(12):
        yield "cut", data[: rng.randint(1, len(data))]
    for _ in range(12):
        damaged = bytearray(data)
        for position in rng.randint(0, len(data), rng.randint(1, 8)):
            damaged[position] ^= 1 << rng.randint(8)
        yield "flip", bytes(damaged)
    parts = {name: value for name, value in members(io.BytesIO(data)).items()}
    doc = json.loads(parts["skhyper.json"])
    odd = [None, -1, 0, 2**64, 1e308, "abc", "", [], {}, {"dict": 5}, {"tuple": "x"}, [[1], [1, 2]], True,
           {"ndarray": [1], "dtype": "O"}, {"ndarray": [1e300], "dtype": "<f2"}, {"float": "1e999"}]  # fmt: skip
    places = [("params", key) for key in doc["params"]] + [("state", key) for key in doc.get("state", {})]
    places += [("network", key) for key in doc.get("network", {})] + [(None, key) for key in doc]
    places += [("panel", key) for key in doc.get("panel", {})]
    intervals = [("intervals", key) for key in doc.get("intervals", {})]
    intervals += [("state", "interval_scale_")] if "interval_scale_" in doc["state"] else []
    # 40 places at random, and the intervals' always (a few among many)
    for section, key in [places[index] for index in rng.permutation(len(places))[:40]] + intervals:
        changed = json.loads(parts["skhyper.json"])
        (changed if section is None else changed[section])[key] = odd[rng.randint(len(odd))]
        yield f"{section}.{key}", _zipped(changed, parts)
    # And one value changed to another valid one, so that the loaded branch
    # below is always taken (the random ones above may all be refused).
    changed = json.loads(parts["skhyper.json"])
    changed["params"]["verbose"] = 1 - bool(changed["params"].get("verbose"))
    yield "params.verbose (another valid value)", _zipped(changed, parts)


def _zipped(doc, parts):
    """The file of ``doc`` and the other members of ``parts``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("skhyper.json", json.dumps(doc))
        for name in ("network.bin", "state.bin"):
            if name in parts:
                archive.writestr(name, parts[name])
    return out.getvalue()


@pytest.mark.parametrize("which", ["classifier", "forecaster", "panel", "intervals", "panel intervals"])
def test_fuzzed_files_are_refused_or_load_as_working_estimators(good, tmp_path, which):
    rng = np.random.RandomState(1234)
    outcomes = {"refused": 0, "loaded": 0}
    for number, (how, data) in enumerate(mutations(good[which].read_bytes(), rng)):
        path = tmp_path / f"fuzz{number}.skhyper"
        path.write_bytes(data)
        try:
            model = skhyper.load(path)
        except LoadError as error:
            assert str(error).startswith(f"{path}: "), (how, str(error))
            outcomes["refused"] += 1
            continue
        # A change the format tolerates (a byte in padding, a value that is
        # still valid): the estimator must work as a fitted one.
        if which == "panel":
            assert np.isfinite(model.forecast(2)["WindowForecaster"].to_numpy(dtype=float)).all(), how
        elif which == "panel intervals":
            frame = model.forecast(2, level=80)
            assert np.isfinite(frame[["WindowForecaster-lo-80", "WindowForecaster-hi-80"]].to_numpy(dtype=float)).all(), how
        elif which == "intervals":
            assert np.isfinite(model.forecast(2, level=[80, 95]).to_numpy(dtype=float)).all(), how
        elif which == "forecaster":
            assert np.isfinite(np.asarray(model.forecast(2), dtype=float)).all(), how
        else:
            assert model.predict(np.zeros((1, 64))).shape == (1,), how
        outcomes["loaded"] += 1
    assert outcomes["refused"] >= 50 and outcomes["loaded"] >= 1, outcomes


@pytest.mark.parametrize(
    "name, value, match",
    [("optimizer/iteration", np.array(-(2**62), "<i8"), "its optimizer has taken -4611686018427387904 steps"),
     ("optimizer/learning_rate", np.array(1e30, "<f4"), "its optimizer's learning rate is 1e+30 where the file's"),
     # Adam's running average of squared gradients, negative: the next step took its square root
     ("*_kernel_velocity", np.array(-1.0, "<f4"), "_kernel_velocity holds negative values, where a fit keeps sums of squares")],
)  # fmt: skip
def test_an_optimizer_state_no_fit_makes_is_refused(good, tmp_path, name, value, match):
    """A continued fit starts from the optimizer's step count and rate."""
    parts = members(good["regressor"])
    doc = json.loads(parts["skhyper.json"])
    raw, offset = bytearray(parts["network.bin"]), 0
    for variable, shape, dtype in doc["network"]["variables"] + doc["network"]["optimizer"]:
        size = int(np.prod(shape)) * np.dtype(dtype).itemsize
        if variable == name or (name.startswith("*") and variable.endswith(name[1:])):  # *: every one so ending
            raw[offset : offset + size] = np.full(shape, value, dtype=value.dtype).tobytes()
        offset += size
    parts["network.bin"] = bytes(raw)
    refused(write(tmp_path / "o.skhyper", parts), match)


def test_a_history_with_fewer_validation_epochs_loads(good, tmp_path):
    """A continued fit can switch validation on: its val_* lists are shorter
    than its loss (files save() writes, and earlier versions wrote)."""
    def fewer(doc):
        doc["state"]["history_"] = {"dict": [["loss", [1.0, 0.5, 0.4]], ["val_loss", [0.6, 0.5]]]}
        doc["state"]["n_iter_"] = 3
        doc["state"]["loss_curve_"] = [1.0, 0.5, 0.4]
        return doc

    loaded = skhyper.load(with_document(good["regressor"], tmp_path / "h.skhyper", fewer))
    assert loaded.history_["val_loss"] == [0.6, 0.5] and loaded.n_iter_ == 3
