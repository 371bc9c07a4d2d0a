"""Forecasters fit on a panel in the safe format: they load and forecast the
same frames, and files whose panel disagrees with itself, its window or its
network are refused with a LoadError naming the file."""

import copy
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from saved_files import members, refused, write

import skhyper
from skhyper import WindowForecaster

SMALL = dict(hidden_layer_sizes=(8,), epochs=2, batch_size=64, random_state=0, window_size=6, horizon=2)


def make_panel(ids, ds="int", lengths=None):
    """Seasonal series of different lengths and starts; the last one shorter
    than a window (padded) and, with ``lengths``, any lengths."""
    rng = np.random.RandomState(0)
    lengths = lengths or [20 + 3 * i for i in range(len(ids) - 1)] + [4]
    frames = []
    for i, (name, n) in enumerate(zip(ids, lengths)):
        t = np.arange(n)
        values = 10 + 0.1 * t + 2 * np.sin(2 * np.pi * t / 12) + rng.randn(n) * 0.3
        if ds == "int":
            times = 100 + i + t
        elif ds == "monthly":
            times = pd.date_range(pd.Timestamp("2001-01-01") + pd.DateOffset(months=i), periods=n, freq="MS")
        elif ds == "quarterly periods":
            times = pd.period_range(pd.Period("2001Q1", freq="Q") + i, periods=n, freq="Q")
        else:  # daily dates in a time zone
            times = pd.date_range("2020-03-20", periods=n, freq="D", tz=ds) + pd.Timedelta(days=i)
        frames.append(pd.DataFrame({"unique_id": name, "ds": times, "y": values}))
    return pd.concat(frames, ignore_index=True)


CASES = {
    "text ids, integer ds": (["b", "a", "séries-ç", "d", "e"], "int", {}),
    "integer ids, monthly dates": ([30, 1, 7, 1000, 2], "monthly", {}),
    "onehot, text ids, monthly dates": (["x", "y", "z", "w"], "monthly", {"series_encoding": "onehot"}),
    "integer ids, quarterly periods": ([5, 6, 7], "quarterly periods", {"seasonal_period": 4, "window_scale": None}),
    "dates in a time zone": (["p", "q", "r"], "Asia/Tokyo", {"series_weight": "equal"}),
}


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("panels")
    out = {}
    for number, (name, (ids, ds, params)) in enumerate(CASES.items()):
        panel = make_panel(ids, ds)
        model = WindowForecaster(**SMALL, **params).fit(panel)
        out[name] = (model, panel, model.save(folder / f"panel{number}.skhyper"))
    return out


# ------------------------------------------------------------- round trips


@pytest.mark.parametrize("case", list(CASES))
def test_a_loaded_panel_forecaster_forecasts_and_predicts_the_same(fitted, case):
    model, panel, path = fitted[case]
    loaded = skhyper.load(path, kind=WindowForecaster)
    assert loaded.panel_ and loaded.get_params() == model.get_params()
    expected = model.forecast(5)
    pd.testing.assert_frame_equal(loaded.forecast(5), expected)
    future = expected[["unique_id", "ds"]].sample(frac=1, random_state=0)  # any rows, any order
    np.testing.assert_array_equal(loaded.predict(future), model.predict(future))
    np.testing.assert_array_equal(loaded.panel_ids_, model.panel_ids_)
    assert loaded.panel_last_ == model.panel_last_ and loaded.panel_freq_ == model.panel_freq_
    np.testing.assert_array_equal(loaded.naive_mae_, model.naive_mae_)
    np.testing.assert_array_equal(loaded.panel_context_, model.panel_context_)
    np.testing.assert_array_equal(loaded.panel_present_, model.panel_present_)
    assert not loaded.panel_present_.all()  # the short series is padded
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["network.bin", "skhyper.json", "state.bin"]
        document = json.loads(archive.read("skhyper.json"))
    # without a season the level averages two values, which version 5 holds; a MASE scale other than
    # naive_mae_ (the forecaster's season is not its dates') version 7
    seasonal = model.seasonal_period_ is not None
    own_scale = not np.array_equal(model.mase_scale_, model.naive_mae_, equal_nan=True)
    assert own_scale == (case in (MONTHLY, ONEHOT, "dates in a time zone"))  # no season, dates of one
    assert document["format_version"] == (7 if own_scale else 3 if seasonal else 5)
    np.testing.assert_array_equal(loaded.mase_scale_, model.mase_scale_)
    assert ("panel_level_rows_" in document["state"]) == (not seasonal)
    assert loaded.panel_level_rows_ == model.panel_level_rows_ == (model.seasonal_period_ or 2)
    loaded.partial_fit(panel)  # and it trains on
    assert loaded.n_iter_ == model.n_iter_ + 1


def test_the_onehot_network_takes_an_input_per_series(fitted):
    model, _, path = fitted["onehot, text ids, monthly dates"]
    network = json.loads(members(path)["skhyper.json"])["network"]
    assert network["inputs"] == 2 * model.window_size_ + len(model.panel_ids_)


def test_a_single_series_file_holds_no_panel_after_a_panel_fit(tmp_path):
    model = WindowForecaster(**SMALL).fit(make_panel(["a", "b"], lengths=[30, 25]))
    model.fit(np.sin(np.arange(60) / 5.0))  # one series now: the panel's attributes are stale
    path = model.save(tmp_path / "s.skhyper")
    assert sorted(members(path)) == ["network.bin", "skhyper.json"]
    document = json.loads(members(path)["skhyper.json"])
    assert "panel" not in document and skhyper.load(path).mase_scale_.shape == (1,)
    np.testing.assert_array_equal(skhyper.load(path).forecast(3), model.forecast(3))
    model.fit(make_panel(["a", "b"], lengths=[30, 25]))  # and a panel again: the series' are stale
    again = skhyper.load(model.save(tmp_path / "p.skhyper"))
    pd.testing.assert_frame_equal(again.forecast(3), model.forecast(3))
    assert not hasattr(again, "context_")


@pytest.mark.parametrize("zone", ["UTC", "zoneinfo", "seconds"])
def test_dates_come_back_in_their_zone_and_unit(tmp_path, zone):
    import zoneinfo

    panel = make_panel(["a", "b"], "UTC", lengths=[30, 25])
    if zone == "zoneinfo":  # another library's zone than pandas' own for "Asia/Tokyo"
        panel["ds"] = panel["ds"].dt.tz_convert(zoneinfo.ZoneInfo("Asia/Tokyo"))
    elif zone == "seconds":
        panel["ds"] = panel["ds"].dt.tz_localize(None).astype("datetime64[s]")
    model = WindowForecaster(**SMALL).fit(panel)
    loaded = skhyper.load(model.save(tmp_path / "z.skhyper"))
    pd.testing.assert_frame_equal(loaded.forecast(3), model.forecast(3))
    assert pd.DatetimeIndex(loaded.panel_last_).dtype == pd.DatetimeIndex(model.panel_last_).dtype


@pytest.mark.parametrize(
    "ids, what",
    [([1.5, 2.5], "holds float values"), ([pd.Timestamp("2020-01-01"), pd.Timestamp("2021-01-01")], "holds Timestamp")],
)  # fmt: skip
def test_ids_that_are_not_integers_or_text_are_refused_at_save(tmp_path, ids, what):
    frames = [pd.DataFrame({"unique_id": [key] * 25, "ds": np.arange(25), "y": np.arange(25.0) + i})
              for i, key in enumerate(ids)]  # fmt: skip
    frame = pd.concat(frames, ignore_index=True).astype({"unique_id": object})
    model = WindowForecaster(**SMALL).fit(frame)
    with pytest.raises(ValueError, match=f"its panel's unique_id {what}.*astype"):
        model.save(tmp_path / "x.skhyper")
    assert not (tmp_path / "x.skhyper").exists()
    model.panel_ids_ = np.array(["a", 3], dtype=object)  # which a panel's sorting refuses
    with pytest.raises(ValueError, match="mixes integers and text"):
        model.save(tmp_path / "x.skhyper")


# ------------------------------------------------------------- hostile files


def rewrite(good, path, change):
    """A copy of ``good`` whose panel arrays (name -> array, in the file's
    order) and document ``change(doc, arrays)`` alters; the listing and
    state.bin follow the arrays."""
    parts = members(good)
    doc = json.loads(parts["skhyper.json"])
    arrays, offset, data = {}, 0, parts["state.bin"]
    for name, shape, dtype in doc["panel"]["arrays"]:
        size = int(np.prod(shape)) * np.dtype(dtype).itemsize
        arrays[name] = np.frombuffer(data[offset : offset + size], dtype=dtype).reshape(shape).copy()
        offset += size
    change(doc, arrays)
    doc["panel"]["arrays"] = [[name, list(a.shape), a.dtype.str] for name, a in arrays.items()]
    parts["skhyper.json"] = json.dumps(doc).encode()
    parts["state.bin"] = b"".join(np.ascontiguousarray(a).tobytes() for a in arrays.values())
    return write(path, parts)


def drop_last_series(arrays):
    for name in ("panel_last_", "naive_mae_", "panel_context_", "panel_present_", "mase_scale_"):
        if name in arrays:
            arrays[name] = arrays[name][:-1]
    if "panel_ids_" in arrays:
        arrays["panel_ids_"] = arrays["panel_ids_"][:-1]
    else:
        drop_last_id(arrays)


def drop_last_id(arrays):
    cut = int(arrays["panel_id_lengths"][-1])
    arrays["panel_id_lengths"] = arrays["panel_id_lengths"][:-1]
    arrays["panel_id_text"] = arrays["panel_id_text"][:-cut]


def update(target, **values):
    target.update(values)


def before_start(arrays, value):
    """A value of the padded part of a window other than the series' first."""
    row, column = np.argwhere(~arrays["panel_present_"])[0]
    arrays["panel_context_"][row, column] = value


TEXT, MONTHLY, ONEHOT = "text ids, integer ds", "integer ids, monthly dates", "onehot, text ids, monthly dates"
PERIODS = "integer ids, quarterly periods"

HOSTILE = [
    # the arrays disagree with each other or with the window
    (MONTHLY, lambda d, a: update(a, panel_context_=a["panel_context_"][:-1], panel_present_=a["panel_present_"][:-1]),
     "panel_context_ of 4 series for 5 panel_ids_"),
    (TEXT, lambda d, a: update(a, panel_context_=a["panel_context_"][:, 1:], panel_present_=a["panel_present_"][:, 1:]),
     "panel_context_ of 5 columns for window_size_=6"),
    (MONTHLY, lambda d, a: update(a, panel_ids_=a["panel_ids_"][:-1]), "panel_last_ of 5 series for 4 panel_ids_"),
    (TEXT, lambda d, a: drop_last_id(a), "panel_last_ of 5 series for 4 panel_ids_"),
    (MONTHLY, lambda d, a: update(a, naive_mae_=np.r_[a["naive_mae_"], 1.0]), "naive_mae_ of 6 series for 5"),
    (MONTHLY, lambda d, a: update(a, panel_ids_=np.r_[a["panel_ids_"][:-1], a["panel_ids_"][0]]), "distinct ids"),
    (TEXT, lambda d, a: a["panel_id_text"].__setitem__(0, 0xFF), "not UTF-8 text"),
    (TEXT, lambda d, a: a["panel_id_lengths"].__setitem__(0, -1), "id lengths add up"),
    # values no fit makes
    (MONTHLY, lambda d, a: a["panel_context_"].__setitem__((0, -1), np.nan), "panel_context_ must be finite numbers"),
    (MONTHLY, lambda d, a: a["naive_mae_"].__setitem__(0, np.inf), "naive_mae_ must be mean absolute errors"),
    (MONTHLY, lambda d, a: a["panel_present_"].__setitem__((0, -1), False), "panel_present_ must be per series"),
    (MONTHLY, lambda d, a: a["panel_present_"].view(np.uint8).__setitem__((0, 0), 7), "bytes other than 0"),
    (MONTHLY, lambda d, a: before_start(a, 123.0), "before a series' start"),
    (MONTHLY, lambda d, a: a["panel_last_"].__setitem__(0, np.iinfo(np.int64).min), "NaT"),
    # the times and their frequency
    (MONTHLY, lambda d, a: update(d["panel"], freq="XYZ"), "frequency 'XYZ' is not a pandas frequency of timestamps"),
    (PERIODS, lambda d, a: update(d["panel"], freq="MS"), "frequency 'MS' is not a pandas frequency of periods"),
    (TEXT, lambda d, a: update(d["panel"], freq="D"), "integer time steps have no frequency"),
    (TEXT, lambda d, a: update(d["panel"], times="timestamp", unit="ns"), "need a frequency"),
    (MONTHLY, lambda d, a: update(d["panel"], times="date"), "'int', 'timestamp' or 'period', not 'date'"),
    (MONTHLY, lambda d, a: update(d["panel"], unit="weeks"), "unit"),
    (MONTHLY, lambda d, a: update(d["panel"], tz="../../etc/passwd"), "time zone"),
    (MONTHLY, lambda d, a: update(d["panel"], tz={"zone": "../../etc/passwd", "kind": "zoneinfo"}), "time zone"),
    (TEXT, lambda d, a: update(d["panel"], tz={"zone": "UTC", "kind": "utc"}), "int time steps have no time zone"),
    (MONTHLY, lambda d, a: update(a, panel_last_=a["panel_last_"].astype("<f8")), "panel_last_ in state.bin must be of dtype <i8"),
    (MONTHLY, lambda d, a: update(a, panel_ids_=a["panel_ids_"].astype("<f8")), "panel_ids_ in state.bin must be of dtype"),
    # the network: one input per series with series_encoding="onehot"
    (ONEHOT, lambda d, a: drop_last_series(a), "a network of 16 inputs where window_size_=6 makes 15"),
    (ONEHOT, lambda d, a: update(d["params"], series_encoding=None), "a network of 16 inputs where window_size_=6 makes 12"),
    (MONTHLY, lambda d, a: update(d["params"], series_encoding="onehot"), "makes 17"),
    # the document and its members
    (MONTHLY, lambda d, a: d["state"].pop("panel_"), "a panel section with a fitted state that is not a panel's"),
    (MONTHLY, lambda d, a: update(d["state"], context_={"ndarray": [[1.0]] * 6, "dtype": "<f8"}), "context_"),
    (MONTHLY, lambda d, a: update(d, format_version=2), "format version 3 or later"),
    (MONTHLY, lambda d, a: d["params"].pop("series_encoding"), "lack series_encoding"),
    (MONTHLY, lambda d, a: d["panel"].pop("tz"), "panel section must hold"),
    (MONTHLY, lambda d, a: update(d["state"], n_windows_=0), "n_windows_ must be"),
    (MONTHLY, lambda d, a: update(d["state"], level_rows_=1), "level_rows_=1"),
    (MONTHLY, lambda d, a: update(d["state"], panel_level_rows_=3), "panel_level_rows_=3 other than the 2"),
    (MONTHLY, lambda d, a: update(d, format_version=4), "unknown fitted attributes ['panel_level_rows_']"),
    (MONTHLY, lambda d, a: update(d["params"], deseasonalize="additive"), "deseasonalize"),
    # a MASE scale of its own (version 7)
    (MONTHLY, lambda d, a: a["mase_scale_"].__setitem__(0, -1.0), "mase_scale_"),
    (MONTHLY, lambda d, a: update(a, mase_scale_=a["mase_scale_"][:-1]), "mase_scale_ of 4 series for 5 panel_ids_"),
    (MONTHLY, lambda d, a: update(d, format_version=6), "the panel's arrays must be"),
    (MONTHLY, lambda d, a: a["mase_scale_"].__setitem__(0, 5e-324), "mase_scale_ of 0 (a constant series) or between"),
    (MONTHLY, lambda d, a: a["mase_scale_"].__setitem__(0, 1e308), "mase_scale_ of 0 (a constant series) or between"),
    (MONTHLY, lambda d, a: a["naive_mae_"].__setitem__(0, 5e-324), "naive_mae_ of 0 (a constant series) or between"),
    (MONTHLY, lambda d, a: a["mase_scale_"].__setitem__(0, np.nan), "mase_scale_ NaN for a series of more than one"),
    (MONTHLY, lambda d, a: a["naive_mae_"].__setitem__(0, np.nan), "naive_mae_ NaN for a series of more than one"),
    # a scale of its own where the forecaster's season is the data's (a fit makes it naive_mae_)
    (PERIODS, lambda d, a: (update(d, format_version=7), update(a, mase_scale_=a["naive_mae_"] * 1e-6)),
     "mase_scale_ other than naive_mae_ with seasonal_period_=4"),
    # last dates off the frequency's own (which a fit refuses): forecasts would be stamped elsewhere
    (MONTHLY, lambda d, a: a["panel_last_"].__setitem__(0, a["panel_last_"][0] - 2 * 3600 * 10**9),
     "is not a date of its frequency MS"),
    (MONTHLY, lambda d, a: update(d["panel"], freq="ME"), "is not a date of its frequency ME"),
]  # fmt: skip


@pytest.mark.parametrize("case, change, match", HOSTILE)
def test_a_panel_no_fit_makes_is_refused(fitted, tmp_path, case, change, match):
    refused(rewrite(fitted[case][2], tmp_path / "h.skhyper", change), match)


def test_a_file_of_version_4_or_older_loads_with_the_level_of_then(fitted, tmp_path):
    model, panel, good = fitted[MONTHLY]

    def as_before(doc, arrays):
        doc["state"].pop("panel_level_rows_")
        arrays.pop("mase_scale_")  # (version 7's)
        doc["format_version"] = 3

    loaded = skhyper.load(rewrite(good, tmp_path / "v3.skhyper", as_before))
    assert loaded.panel_level_rows_ == 1  # the last value, as fits without a season made then
    then = copy.deepcopy(model)
    then.panel_level_rows_ = 1
    pd.testing.assert_frame_equal(loaded.forecast(3), then.forecast(3))
    assert not np.allclose(then.forecast(3)["WindowForecaster"], model.forecast(3)["WindowForecaster"])
    again = loaded.save(tmp_path / "again.skhyper")  # and it saves as it was
    assert json.loads(members(again)["skhyper.json"])["format_version"] == 3


def test_a_listing_that_asks_for_more_than_state_bin_holds_is_refused_before_reading(fitted, tmp_path):
    good = fitted[MONTHLY][2]
    parts = members(good)
    doc = json.loads(parts["skhyper.json"])
    listed = {entry[0]: entry for entry in doc["panel"]["arrays"]}
    listed["panel_context_"][1] = [2**30, 2**30 - 1]  # context: 8 EB; present follows
    listed["panel_present_"][1] = [2**30, 2**30 - 1]
    parts["skhyper.json"] = json.dumps(doc).encode()
    refused(write(tmp_path / "big.skhyper", parts), "state.bin holds")
    parts = members(good)
    parts["state.bin"] += b"\0" * 8
    refused(write(tmp_path / "long.skhyper", parts), "state.bin holds")
    del parts["state.bin"]
    refused(write(tmp_path / "missing.skhyper", parts), "holds network.bin, state.bin")
    parts = members(good)
    with zipfile.ZipFile(tmp_path / "deflated.skhyper", "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "network.bin" else zipfile.ZIP_DEFLATED)
    refused(tmp_path / "deflated.skhyper", "'state.bin' uses compression method 8")


def test_a_reader_of_version_4_refuses_a_panel_whose_level_it_does_not_know(fitted, monkeypatch):
    from skhyper import persistence

    monkeypatch.setattr(persistence, "FORMAT_VERSION", 4)  # what releases before version 5 read
    refused(fitted[MONTHLY][2], "format version 7; this skhyper reads format versions up to 4. Upgrade skhyper.")
