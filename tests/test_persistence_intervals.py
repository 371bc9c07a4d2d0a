"""Forecasters fit with prediction intervals (interval_horizon) in the safe
format: on one series and on panels they load with their conformity scores
and scale and give the same interval frames and predictions; files without
intervals are written as before; files whose intervals no fit makes are
refused with a LoadError naming the file."""

import json

import numpy as np
import pandas as pd
import pytest
from saved_files import document, members, refused, write

import skhyper
from skhyper import KerasMLPRegressor, WindowForecaster
from skhyper.estimators._intervals import panel_scales

SMALL = dict(hidden_layer_sizes=(4,), epochs=2, batch_size=64, random_state=0)


def noisy(n, seed=0):
    rng = np.random.RandomState(seed)
    return 10 + np.sin(np.arange(n) / 4.0) * 3 + rng.randn(n)


def make_panel(ids, ds):
    frames = []
    for i, (name, n) in enumerate(zip(ids, [40, 31, 26, 4])):  # the last shorter than a window: padded
        values = noisy(n, seed=i) * (i + 1)
        times = pd.date_range("2001-01-01", periods=n, freq="MS") if ds == "monthly" else np.arange(n) + 10 * i
        frames.append(pd.DataFrame({"unique_id": name, "ds": times, "y": values}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def series():
    return pd.Series(noisy(100), index=pd.date_range("2021-01-01", periods=100, freq="D"))


@pytest.fixture(scope="module")
def one(series, tmp_path_factory):
    model = WindowForecaster(window_size=5, interval_horizon=4, **SMALL).fit(series[:90])
    return model, model.save(tmp_path_factory.mktemp("one") / "one.skhyper")


PANELS = {
    "text ids, monthly dates": (["b", "a", "ç", "d"], "monthly", {}),
    "integer ids, onehot, 7 origins": ([7, 3, 11, 5], "int", {"series_encoding": "onehot", "conformal_windows": 7}),
}


@pytest.fixture(scope="module")
def panels(tmp_path_factory):
    folder = tmp_path_factory.mktemp("panels")
    out = {}
    for number, (name, (ids, ds, params)) in enumerate(PANELS.items()):
        panel = make_panel(ids, ds)
        model = WindowForecaster(window_size=6, horizon=2, interval_horizon=3, **SMALL, **params).fit(panel)
        out[name] = (model, panel, model.save(folder / f"p{number}.skhyper"))
    return out


# ------------------------------------------------------------- round trips


def test_one_series_loads_with_its_intervals(one, series):
    model, path = one
    loaded = skhyper.load(path, kind=WindowForecaster)
    assert loaded.get_params() == model.get_params()
    expected = model.forecast(4, level=[80, 95])
    assert list(expected.columns) == ["forecast", "lo-95", "lo-80", "hi-80", "hi-95"]
    pd.testing.assert_frame_equal(loaded.forecast(4, level=[80, 95]), expected)
    pd.testing.assert_frame_equal(loaded.forecast(2, level=90), model.forecast(2, level=90))
    pd.testing.assert_frame_equal(loaded.predict(series[90:], level=80), model.predict(series[90:], level=80))
    np.testing.assert_array_equal(loaded.conformal_scores_, model.conformal_scores_)
    assert loaded.conformal_scores_.dtype == np.float64
    assert type(loaded.interval_scale_) is float and loaded.interval_scale_ == model.interval_scale_
    with pytest.raises(ValueError, match="calibrated for 4 steps"):  # as the original
        loaded.forecast(5, level=80)


def test_one_series_with_intervals_has_its_scores_in_state_bin(one):
    model, path = one
    parts = members(path)
    assert sorted(parts) == ["network.bin", "skhyper.json", "state.bin"]
    doc = json.loads(parts["skhyper.json"])
    assert doc["format_version"] == 9 and "panel" not in doc  # (3 holds intervals; 9 one series' MASE scale)
    n_scores = len(model.conformal_scores_)
    assert doc["intervals"] == {"arrays": [["conformal_scores_", [n_scores, 4], "<f8"]]}
    assert doc["state"]["interval_scale_"] == model.interval_scale_
    assert parts["state.bin"] == model.conformal_scores_.astype("<f8").tobytes()


@pytest.mark.parametrize("case", list(PANELS))
def test_a_panel_loads_with_its_intervals(panels, case):
    model, panel, path = panels[case]
    loaded = skhyper.load(path, kind=WindowForecaster)
    assert loaded.get_params() == model.get_params()
    expected = model.forecast(3, level=[80, 95])
    assert "WindowForecaster-hi-95" in expected
    pd.testing.assert_frame_equal(loaded.forecast(3, level=[80, 95]), expected)
    future = model.forecast(3)[["unique_id", "ds"]].sample(frac=1, random_state=0)  # any rows, any order
    pd.testing.assert_frame_equal(loaded.predict(future, level=80), model.predict(future, level=80))
    np.testing.assert_array_equal(loaded.conformal_scores_, model.conformal_scores_)
    np.testing.assert_array_equal(loaded.interval_scale_, model.interval_scale_)
    loaded.partial_fit(panel)  # and it trains on
    assert loaded.n_iter_ == model.n_iter_ + 1


@pytest.mark.parametrize("case", list(PANELS))
def test_a_panel_file_holds_the_scores_after_its_arrays_and_not_its_scale(panels, case):
    model, _, path = panels[case]
    parts = members(path)
    doc = json.loads(parts["skhyper.json"])
    # 5 without a season (the windows' level over two values), else 3; 7 with a MASE scale of its own
    own_scale = not np.array_equal(model.mase_scale_, model.naive_mae_, equal_nan=True)
    expected = 7 if own_scale else 3 if model.seasonal_period_ else 5
    assert doc["format_version"] == expected and "interval_scale_" not in doc["state"]
    assert doc["intervals"]["arrays"] == [["conformal_scores_", list(model.conformal_scores_.shape), "<f8"]]
    panel_bytes = sum(int(np.prod(shape)) * np.dtype(dtype).itemsize for _, shape, dtype in doc["panel"]["arrays"])
    assert parts["state.bin"][panel_bytes:] == model.conformal_scores_.astype("<f8").tobytes()
    np.testing.assert_array_equal(model.interval_scale_, panel_scales(model))  # what load computes


def test_files_without_intervals_are_written_as_before(tmp_path, series):
    model = WindowForecaster(window_size=5, **SMALL).fit(series[:90])
    parts = members(model.save(tmp_path / "plain.skhyper"))
    doc = json.loads(parts["skhyper.json"])
    assert sorted(parts) == ["network.bin", "skhyper.json"] and doc["format_version"] == 9
    assert "intervals" not in doc and not {"conformal_scores_", "interval_scale_"} & set(doc["state"])
    assert doc["params"]["interval_horizon"] is None and doc["params"]["conformal_windows"] == "auto"
    loaded = skhyper.load(tmp_path / "plain.skhyper")
    assert loaded.conformal_scores_ is None and loaded.interval_scale_ is None
    with pytest.raises(ValueError, match="fit without intervals"):
        loaded.forecast(2, level=80)
    panel = WindowForecaster(window_size=6, **SMALL).fit(make_panel(["a", "b", "c", "d"], "int"))
    doc = document(panel.save(tmp_path / "panel.skhyper"))
    assert doc["format_version"] == 5 and "intervals" not in doc  # 5: without a season
    assert skhyper.load(tmp_path / "panel.skhyper").conformal_scores_ is None


def test_an_unfitted_forecaster_keeps_its_interval_parameters(tmp_path):
    model = WindowForecaster(interval_horizon=6, conformal_windows=3)
    loaded = skhyper.load(model.save(tmp_path / "u.skhyper"))
    assert (loaded.interval_horizon, loaded.conformal_windows) == (6, 3)


def test_files_written_before_the_interval_parameters_load_without_intervals(one, tmp_path, series):
    model = WindowForecaster(window_size=5, **SMALL).fit(series[:90])
    parts = members(model.save(tmp_path / "f.skhyper"))
    doc = json.loads(parts["skhyper.json"])
    del doc["params"]["interval_horizon"], doc["params"]["conformal_windows"]
    loaded = skhyper.load(write(tmp_path / "old.skhyper", {**parts, "skhyper.json": json.dumps(doc)}))
    assert (loaded.interval_horizon, loaded.conformal_windows) == (None, "auto")
    np.testing.assert_array_equal(loaded.forecast(3), model.forecast(3))


@pytest.mark.parametrize(
    "name, value",
    [("interval_horizon", 0), ("interval_horizon", "3"), ("interval_horizon", 2.5), ("conformal_windows", 0),
     ("conformal_windows", "all"), ("conformal_windows", None), ("interval_horizon", 2**40)],
)  # fmt: skip
def test_interval_parameters_are_checked_as_at_fit(tmp_path, name, value):
    parts = members(WindowForecaster(interval_horizon=4).save(tmp_path / "u.skhyper"))
    doc = json.loads(parts["skhyper.json"])
    doc["params"][name] = value
    message = refused(write(tmp_path / "p.skhyper", {**parts, "skhyper.json": json.dumps(doc)}), name)
    assert "do not fit" in message or "larger than skhyper loads" in message


def test_a_reader_of_version_2_refuses_a_file_with_intervals(one, monkeypatch):
    from skhyper import persistence

    monkeypatch.setattr(persistence, "FORMAT_VERSION", 2)  # what releases before version 3 read
    refused(one[1], "format version 9; this skhyper reads format versions up to 2. Upgrade skhyper.")


def test_a_checkpoint_written_during_training_holds_no_intervals(tmp_path, series):
    path = tmp_path / "best.skhyper"
    model = WindowForecaster(window_size=5, interval_horizon=3, checkpoint=path, validation_split=0.2, **SMALL)
    model.fit(series[:90])  # the checkpoint is saved before the calibration
    saved = skhyper.load(path)
    assert saved.interval_horizon is None and saved.conformal_scores_ is None
    assert model.interval_horizon == 3 and model.conformal_scores_.shape[1] == 3  # the fit's own are whole
    model.set_params(warm_start=True).fit(series[:90])  # stale scores while training: none written either
    assert skhyper.load(path).interval_horizon is None
    saved.partial_fit(series[:90])  # resumes


# ------------------------------------------------------------- what save refuses


def test_save_refuses_intervals_that_no_longer_match_the_parameters(one, tmp_path, series):
    model = skhyper.load(one[1])
    model.set_params(interval_horizon=6)
    with pytest.raises(ValueError, match="conformal_scores_ of 4 columns where interval_horizon=6.*set interval_horizon back"):
        model.save(tmp_path / "x.skhyper")
    model.set_params(interval_horizon=None)
    with pytest.raises(ValueError, match="conformal_scores_ where interval_horizon=None"):
        model.save(tmp_path / "x.skhyper")
    plain = WindowForecaster(window_size=5, **SMALL).fit(series[:90]).set_params(interval_horizon=3)
    with pytest.raises(ValueError, match="no conformal_scores_ where interval_horizon=3"):
        plain.save(tmp_path / "x.skhyper")
    assert not (tmp_path / "x.skhyper").exists()


def test_save_refuses_a_panel_scale_other_than_the_one_load_computes(panels, tmp_path):
    model, panel, _ = panels["text ids, monthly dates"]
    model = skhyper.load(model.save(tmp_path / "copy.skhyper"))
    model.partial_fit(panel.assign(y=panel["y"] * 2))  # new series' MAEs: partial_fit follows them
    np.testing.assert_allclose(skhyper.load(model.save(tmp_path / "after.skhyper")).interval_scale_, model.interval_scale_)
    model.interval_scale_ = model.interval_scale_ * 2  # a scale no fit makes
    with pytest.raises(ValueError, match="interval_scale_ is not the one its panel's series make"):
        model.save(tmp_path / "x.skhyper")
    assert not (tmp_path / "x.skhyper").exists()


# ------------------------------------------------------------- hostile files


def rewrite(good, path, change):
    """A copy of ``good`` whose state.bin arrays (name -> array: a panel's,
    then the scores) and document ``change(doc, arrays)`` alters; the
    listings and state.bin follow the arrays."""
    parts = members(good)
    doc = json.loads(parts["skhyper.json"])
    arrays, offset, data = {}, 0, parts.get("state.bin", b"")
    sections = [section for section in ("panel", "intervals") if section in doc]
    for section in sections:
        for name, shape, dtype in doc[section]["arrays"]:
            size = int(np.prod(shape)) * np.dtype(dtype).itemsize
            arrays[name] = np.frombuffer(data[offset : offset + size], dtype=dtype).reshape(shape).copy()
            offset += size
    change(doc, arrays)
    for section in sections:
        if isinstance(doc.get(section), dict):
            doc[section]["arrays"] = [[name, list(arrays[name].shape), arrays[name].dtype.str]
                                      for name, _, _ in doc[section]["arrays"]]  # fmt: skip
    parts["skhyper.json"] = json.dumps(doc).encode()
    parts["state.bin"] = b"".join(np.ascontiguousarray(a).tobytes() for a in arrays.values())
    if not arrays:
        del parts["state.bin"]
    return write(path, parts)


def update(target, **values):
    target.update(values)


def set_scores(arrays, value):
    arrays["conformal_scores_"] = value


def without_intervals(doc, arrays):
    del doc["intervals"], arrays["conformal_scores_"]
    doc["state"].pop("interval_scale_", None)


def as_version_2(doc):
    """A file as releases before intervals wrote it (without one series' MASE scale, which version 9 added)."""
    doc["format_version"] = 2
    doc["state"].pop("mase_scale_", None)


def nan_at(arrays, where, value=np.nan):
    arrays["conformal_scores_"][where] = value


HOSTILE = [
    # the scores' values
    ("one", lambda d, a: nan_at(a, (0, 0)), "conformal_scores_ must be finite numbers"),
    ("one", lambda d, a: nan_at(a, (-1, -1), np.inf), "conformal_scores_ must be finite numbers"),
    ("one", lambda d, a: set_scores(a, a["conformal_scores_"][:, :3]),
     "conformal_scores_ of 3 columns where interval_horizon=4 makes 4"),
    ("one", lambda d, a: update(d["params"], interval_horizon=5), "conformal_scores_ of 4 columns where interval_horizon=5"),
    ("one", lambda d, a: set_scores(a, a["conformal_scores_"][:0]), "must have 1 to"),
    ("one", lambda d, a: set_scores(a, a["conformal_scores_"].astype("<f4")), "must be of dtype <f8 (float64), not '<f4'"),
    ("one", lambda d, a: set_scores(a, a["conformal_scores_"].astype(">f8")), "must be of dtype <f8"),
    ("one", lambda d, a: set_scores(a, a["conformal_scores_"].ravel()), "must have a shape of 2 counts"),
    # scores and interval_horizon: both or neither
    ("one", lambda d, a: update(d["params"], interval_horizon=None), "conformal_scores_ where interval_horizon=None"),
    ("one", without_intervals, "no conformal_scores_ where interval_horizon=4"),
    ("one", lambda d, a: (without_intervals(d, a), as_version_2(d)),
     "fit with interval_horizon=4 in format version 2, which holds no intervals"),
    ("panel", lambda d, a: update(d["params"], interval_horizon=None), "conformal_scores_ where interval_horizon=None"),
    ("panel", without_intervals, "no conformal_scores_ where interval_horizon=3"),
    ("panel", lambda d, a: set_scores(a, a["conformal_scores_"][:, 1:]), "of 2 columns where interval_horizon=3"),
    ("panel", lambda d, a: nan_at(a, (1, 1)), "conformal_scores_ must be finite numbers"),
    # one series' scale
    ("one", lambda d, a: update(d["state"], interval_scale_=-1.5), "interval_scale_ must be a positive finite number"),
    ("one", lambda d, a: update(d["state"], interval_scale_=0.0), "interval_scale_ must be a positive finite number"),
    ("one", lambda d, a: update(d["state"], interval_scale_={"float": "nan"}), "interval_scale_ must be a positive finite"),
    ("one", lambda d, a: update(d["state"], interval_scale_={"float": "inf"}), "interval_scale_ must be a positive finite"),
    ("one", lambda d, a: update(d["state"], interval_scale_="1.0"), "interval_scale_ must be a positive finite number"),
    ("one", lambda d, a: update(d["state"], interval_scale_=True), "interval_scale_ must be a positive finite number"),
    ("one", lambda d, a: update(d["state"], interval_scale_=10**400), "interval_scale_"),
    ("one", lambda d, a: d["state"].pop("interval_scale_"), "holds conformal_scores_ without interval_scale_"),
    ("one", lambda d, a: (without_intervals(d, a), update(d["state"], interval_scale_=1.0),
                          update(d["params"], interval_horizon=None)), "holds interval_scale_ without conformal_scores_"),
    ("one", lambda d, a: (without_intervals(d, a), update(d["state"], interval_scale_=1.0), as_version_2(d),
                          update(d["params"], interval_horizon=None)), "format version 2 holds no intervals"),
    ("panel", lambda d, a: update(d["state"], interval_scale_=1.0), "interval_scale_, which a panel's file does not hold"),
    # the section
    ("one", lambda d, a: update(d, format_version=2), "an intervals section belongs to a fitted WindowForecaster"),
    ("one", lambda d, a: update(d["intervals"], scale=1.0), "intervals section must hold ['arrays'] only"),
    ("one", lambda d, a: update(d["intervals"], arrays=[]), "the intervals' arrays must be"),
    ("one", lambda d, a: update(d, intervals=[1, 2]), "intervals section must hold"),
]  # fmt: skip


@pytest.fixture(scope="module")
def good(one, panels):
    return {"one": one[1], "panel": panels["text ids, monthly dates"][2]}


@pytest.mark.parametrize("case, change, match", HOSTILE)
def test_intervals_no_fit_makes_are_refused(good, tmp_path, case, change, match):
    refused(rewrite(good[case], tmp_path / "h.skhyper", change), match)


@pytest.mark.parametrize("case", ["one", "panel"])
def test_a_listing_that_disagrees_with_state_bin_is_refused_before_reading(good, tmp_path, case):
    parts = members(good[case])
    doc = json.loads(parts["skhyper.json"])
    rows, columns = doc["intervals"]["arrays"][0][1]

    def listing(shape):
        changed = json.loads(parts["skhyper.json"])
        changed["intervals"]["arrays"][0][1] = shape
        return json.dumps(changed)

    refused(write(tmp_path / "more.skhyper", {**parts, "skhyper.json": listing([rows + 1, columns])}), "state.bin holds")
    refused(write(tmp_path / "fewer.skhyper", {**parts, "skhyper.json": listing([rows - 1, columns])}), "state.bin holds")
    refused(write(tmp_path / "huge.skhyper", {**parts, "skhyper.json": listing([2**26, 2**31 - 1])}), "state.bin holds")
    refused(write(tmp_path / "rows.skhyper", {**parts, "skhyper.json": listing([2**26 + 1, 1])}), "1 to 67108864 rows")
    refused(write(tmp_path / "long.skhyper", {**parts, "state.bin": parts["state.bin"] + b"\0" * 8}), "state.bin holds")
    refused(write(tmp_path / "short.skhyper", {**parts, "state.bin": parts["state.bin"][:-8]}), "state.bin holds")
    del parts["state.bin"]
    refused(write(tmp_path / "missing.skhyper", parts), "holds network.bin, state.bin")


def test_an_intervals_section_in_a_file_of_another_estimator_is_refused(tmp_path, diabetes):
    section = {"arrays": [["conformal_scores_", [1, 1], "<f8"]]}
    for name, model in [("unfitted", WindowForecaster()), ("regressor", KerasMLPRegressor(**SMALL).fit(*diabetes))]:
        parts = members(model.save(tmp_path / f"{name}.skhyper"))
        doc = json.loads(parts["skhyper.json"])
        doc.update(intervals=section, format_version=3)
        refused(write(tmp_path / f"h{name}.skhyper", {**parts, "skhyper.json": json.dumps(doc)}), "an intervals section")


def test_a_series_in_a_named_time_zone_loads_in_that_zone_and_forecasts_across_dst(tmp_path, monkeypatch):
    # a fixed offset (+01:00) in the file would stamp the steps after the change at 01:00 local time
    index = pd.date_range("2021-01-26", periods=60, freq="D", tz="Europe/Berlin")  # ends before 2021-03-28's change
    series = pd.Series(noisy(60), index=index)
    model = WindowForecaster(window_size=5, interval_horizon=3, conformal_windows=20, **SMALL).fit(series)
    loaded = skhyper.load(model.save(tmp_path / "berlin.skhyper"))
    expected = model.forecast(3, level=80)
    assert [t.hour for t in expected.index] == [0, 0, 0] and str(expected.index.tz) == "Europe/Berlin"
    pd.testing.assert_frame_equal(loaded.forecast(3, level=80), expected)
    from saved_files import with_document

    def index(**changes):
        def change(document):
            document["state"]["_training_index"].update(changes)
            return document
        return change

    for changes, match in [({"tz": {"zone": "../../etc/passwd", "kind": "zoneinfo"}}, "time zone"),
                           ({"tz": "Europe/Berlin"}, "time zone"),
                           ({"last": "2021-03-26 00:00:00+01:00"}, "must be a UTC time"),
                           ({"last": "2021-03-26 00:00:00"}, "must be a UTC time"),
                           ({"freq": "-1D"}, "not a step forward in time"),
                           ({"freq": "99999999999999999999D"}, "is not a pandas frequency"),
                           ({"kind": "period"}, "periods have no time zone"),
                           ({"tz": {"zone": "Nowhere/Else", "kind": "zoneinfo"}}, "_training_index's time zone")]:  # fmt: skip
        refused(with_document(tmp_path / "berlin.skhyper", tmp_path / "bad.skhyper", index(**changes)), match)
    # a zone with daylight saving time but no name the file can hold is refused at save, not saved as one offset
    import io
    import zoneinfo
    from importlib.resources import files

    unnamed = zoneinfo.ZoneInfo.from_file(io.BytesIO(files("tzdata").joinpath("zoneinfo/Europe/Berlin").read_bytes()))
    series = pd.Series(noisy(60), index=pd.date_range("2021-01-26", periods=60, freq="D", tz=unnamed))
    with pytest.raises(ValueError, match="whose offset changes over the year and which has no name"):
        WindowForecaster(window_size=5, **SMALL).fit(series).save(tmp_path / "unnamed.skhyper")
    assert not (tmp_path / "unnamed.skhyper").exists()
    from skhyper import engine

    def trained(*args, **kwargs):
        raise AssertionError("trained before the zone was refused")

    monkeypatch.setattr(engine, "train", trained)
    with pytest.raises(ValueError, match="whose offset changes over the year"):  # before training, as other checks
        WindowForecaster(window_size=5, checkpoint=str(tmp_path / "every_epoch.skhyper"), **SMALL).fit(series)
    monkeypatch.undo()
    assert not (tmp_path / "every_epoch.skhyper").exists()
    # UTC and fixed offsets: the date's text holds them (no zone, which version 7 added; 9: the MASE scale)
    import datetime

    for zone in ("UTC", datetime.timezone(datetime.timedelta(hours=2))):
        series = pd.Series(noisy(40), index=pd.date_range("2021-01-01", periods=40, freq="D", tz=zone))
        model = WindowForecaster(window_size=5, **SMALL).fit(series)
        path = model.save(tmp_path / "offset.skhyper")
        assert document(path)["format_version"] == 9 and "tz" not in document(path)["state"]["_training_index"]
        pd.testing.assert_series_equal(skhyper.load(path).forecast(3), model.forecast(3))


def test_a_series_with_an_integer_index_keeps_which_rows_follow_it(tmp_path, monkeypatch):
    # its last label and step (format version 8 on): a loaded forecaster still refuses rows after a gap
    series = pd.Series(noisy(60), index=pd.RangeIndex(1900, 1960))
    model = WindowForecaster(window_size=5, interval_horizon=2, conformal_windows=10, **SMALL).fit(series[:50])
    assert list(model.forecast(2, level=80).index) == [1950, 1951]  # the labels after the training ones
    path = model.save(tmp_path / "years.skhyper")
    assert document(path)["format_version"] == 9 and document(path)["state"]["_training_labels"]["last"] == 1949
    loaded = skhyper.load(path)
    np.testing.assert_array_equal(loaded.predict(series[50:]), model.predict(series[50:]))
    pd.testing.assert_frame_equal(loaded.forecast(2, level=80), model.forecast(2, level=80))
    np.testing.assert_array_equal(loaded.predict(series[52:]), model.predict(series[52:]))  # through the gap
    with pytest.raises(ValueError, match="its index starts at 1945; the training series' ended at 1949"):
        loaded.predict(series[45:])
    assert "_training_labels" not in document(model.fit(series[:50].to_numpy()).save(tmp_path / "array.skhyper"))["state"]
    from saved_files import with_document

    def edit(labels=None, **top):
        def change(doc):
            doc["state"]["_training_labels"] = {**doc["state"]["_training_labels"], **(labels or {})}
            doc.update(top)
            return doc
        return change

    for change, match in [(edit({"last": "1949"}), "_training_labels must be"),
                          (edit({"last": 2**64}), "_training_labels must be"),
                          (edit({"step": 0}), "not a step forward"),
                          (edit({"step": True}), "_training_labels must be"),
                          (edit({"first": 1}), "_training_labels must be"),
                          (edit(format_version=7), "unknown fitted attributes")]:  # fmt: skip
        refused(with_document(path, tmp_path / "bad.skhyper", change), match)

    def beside_dates(doc):
        doc["state"]["_training_index"] = {"kind": "timestamp", "last": "2020-01-01 00:00:00", "freq": "D"}
        return doc

    refused(with_document(path, tmp_path / "dated.skhyper", beside_dates), "beside a time index")
    regressor = KerasMLPRegressor(**SMALL).fit(np.c_[noisy(40)], noisy(40, seed=1)).save(tmp_path / "r.skhyper")

    def labelled(doc):
        doc["state"]["_training_labels"], doc["format_version"] = {"last": 1, "step": 1}, 8
        return doc

    refused(with_document(regressor, tmp_path / "rl.skhyper", labelled), "unknown fitted attributes")  # a forecaster's
    from skhyper import persistence

    monkeypatch.setattr(persistence, "FORMAT_VERSION", 7)  # what releases before version 8 read
    refused(path, "format version 9")
