"""Forecasters with covariates known in advance in the safe format: on one
series and on a panel (with static features and intervals), and hostile
files that must be refused."""

import json

import numpy as np
import pandas as pd
import pytest
from saved_files import members, refused, write

import skhyper
from skhyper import WindowForecaster

QUICK = dict(hidden_layer_sizes=(4,), epochs=2, batch_size=64, random_state=0)
H = 4


def promo_series(n=80, seed=1):
    rng = np.random.RandomState(seed)
    promo = (rng.rand(n) < 0.25).astype(float)
    sales = 20 + 0.02 * np.arange(n) + 5 * promo + rng.randn(n) * 0.5
    return pd.DataFrame({"sales": sales, "promo": promo}, index=pd.period_range("2001-01", periods=n, freq="M"))


def promo_panel(n_series=6, n=40, seed=0):
    rng = np.random.RandomState(seed)
    frames = []
    for i in range(n_series):
        promo = (rng.rand(n) < 0.25).astype(float)
        size = float(1 + i % 3)
        y = 10 * size + 5 * promo + rng.randn(n) * 0.5
        frames.append(pd.DataFrame({"unique_id": f"s{i}", "ds": np.arange(n), "y": y, "promo": promo, "size": size}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def one(tmp_path_factory):
    frame = promo_series()
    train, test = frame.iloc[:-H], frame.iloc[-H:]
    model = WindowForecaster(known_covariates=["promo"], window_size=4, **QUICK).fit(train)
    return model, test, model.save(tmp_path_factory.mktemp("one") / "one.skhyper")


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    frame = promo_panel()
    train = frame[frame.ds < 40 - H]
    test = frame[frame.ds >= 40 - H]
    model = WindowForecaster(known_covariates=["promo"], static_features=["size"], window_size=4, interval_horizon=H,
                             **QUICK).fit(train)  # fmt: skip
    return model, train, test, model.save(tmp_path_factory.mktemp("panel") / "panel.skhyper")


def rewrite(good, path, change):
    """``good``'s members with ``change(document, parts)`` applied."""
    parts = members(good)
    doc = json.loads(parts["skhyper.json"])
    change(doc, parts)
    parts["skhyper.json"] = json.dumps(doc).encode()
    return write(path, parts)


# ------------------------------------------------------------- round trips


def test_one_series_with_a_covariate_forecasts_the_same_after_load(one):
    model, test, path = one
    doc = json.loads(members(path)["skhyper.json"])
    # version 9 (one series' MASE scale); 6 would do for the covariates' linear effect (covariate_effect="linear")
    assert doc["format_version"] == 9 and doc["state"]["covariates_"] == ["promo"]
    assert doc["covariates"]["arrays"][0][0] == "covariate_context_"
    loaded = skhyper.load(path)
    assert loaded.covariates_ == ["promo"] and loaded.static_features_ is None
    np.testing.assert_array_equal(loaded.covariate_context_, model.covariate_context_)
    np.testing.assert_array_equal(loaded.covariate_coef_, model.covariate_coef_)
    np.testing.assert_array_equal(loaded.covariate_reference_, model.covariate_reference_)
    pd.testing.assert_series_equal(loaded.forecast(H, X_df=test[["promo"]]), model.forecast(H, X_df=test[["promo"]]))
    np.testing.assert_array_equal(loaded.predict(test), model.predict(test))


def test_a_panel_with_covariates_statics_and_intervals_forecasts_the_same_after_load(panel):
    model, _, test, path = panel
    doc = json.loads(members(path)["skhyper.json"])
    # version 6: each series' linear effect of its known covariates
    assert doc["format_version"] == 6 and doc["state"]["static_features_"] == ["size"]
    assert np.asarray(doc["state"]["covariate_coef_"]["ndarray"]).shape == (len(model.panel_ids_), 1)
    assert [entry[0] for entry in doc["covariates"]["arrays"]] == ["panel_covariate_context_", "static_values_"]
    loaded = skhyper.load(path)
    np.testing.assert_array_equal(loaded.static_values_, model.static_values_)
    np.testing.assert_array_equal(loaded.panel_covariate_context_, model.panel_covariate_context_)
    future = test[["unique_id", "ds", "promo"]]
    pd.testing.assert_frame_equal(loaded.forecast(H, X_df=future, level=[80]), model.forecast(H, X_df=future, level=[80]))
    np.testing.assert_array_equal(loaded.predict(test), model.predict(test))


def test_covariates_the_network_alone_learns_are_saved_as_before(tmp_path):
    frame = promo_series()
    model = WindowForecaster(known_covariates=["promo"], covariate_effect="network", window_size=4, **QUICK).fit(frame)
    path = model.save(tmp_path / "network.skhyper")
    doc = json.loads(members(path)["skhyper.json"])
    assert doc["format_version"] == 9 and "covariate_coef_" not in doc["state"] and "_covariate_effect" not in doc["state"]
    loaded = skhyper.load(path)
    assert loaded.covariate_coef_ is None
    future = frame[["promo"]].iloc[:H].set_axis(pd.RangeIndex(H))  # (no index to check against)
    np.testing.assert_array_equal(loaded.forecast(H, X_df=future), model.forecast(H, X_df=future))


def test_save_refuses_a_covariate_effect_other_than_the_fits(tmp_path):
    frame = promo_series()
    model = WindowForecaster(known_covariates=["promo"], covariate_effect="network", window_size=4, **QUICK).fit(frame)
    model.set_params(covariate_effect="linear")  # the fit made no linear effect
    with pytest.raises(ValueError, match="covariate_effect, and horizon|covariate_effect and horizon"):
        model.save(tmp_path / "changed.skhyper")
    assert not (tmp_path / "changed.skhyper").exists()


def test_a_file_from_before_covariate_effect_loads_as_the_network_covariates_it_holds(tmp_path):
    frame = promo_series()
    model = WindowForecaster(known_covariates=["promo"], covariate_effect="network", window_size=4, **QUICK).fit(frame)
    parts = members(model.save(tmp_path / "network.skhyper"))
    doc = json.loads(parts["skhyper.json"])
    del doc["params"]["covariate_effect"]  # as a release before the parameter wrote it
    parts["skhyper.json"] = json.dumps(doc).encode()
    loaded = skhyper.load(write(tmp_path / "old.skhyper", parts))
    assert loaded.covariate_effect == "network"
    future = frame[["promo"]].iloc[:H].set_axis(pd.RangeIndex(H))  # (no index to check against)
    np.testing.assert_array_equal(loaded.forecast(H, X_df=future), model.forecast(H, X_df=future))


def test_a_model_of_a_separate_target_with_covariates_loads(tmp_path):
    frame = promo_series(60)
    y = frame["sales"].shift(-1).ffill()
    model = WindowForecaster(known_covariates=["promo"], window_size=3, **QUICK).fit(frame, y)
    loaded = skhyper.load(model.save(tmp_path / "separate.skhyper"))  # it was refused: its probe predicted an array
    np.testing.assert_array_equal(loaded.predict_in_sample(frame), model.predict_in_sample(frame))


def test_a_file_of_both_ways_with_its_effect_taken_out_is_refused(tmp_path):
    frame = promo_series()
    model = WindowForecaster(known_covariates=["promo"], covariate_effect="both", window_size=4, **QUICK).fit(frame)
    good = model.save(tmp_path / "both.skhyper")
    assert skhyper.load(good).covariate_coef_ is not None
    refused(rewrite(good, tmp_path / "bad.skhyper", _no_effect),
            "without a linear effect of the known covariates where covariate_effect='both' makes one")  # fmt: skip


def test_files_without_covariates_are_as_before(tmp_path):
    model = WindowForecaster(window_size=4, **QUICK).fit(promo_series()["sales"])
    doc = json.loads(members(model.save(tmp_path / "plain.skhyper"))["skhyper.json"])
    assert doc["format_version"] == 9 and "covariates" not in doc  # (9: one series' MASE scale)
    assert not any("covariate" in name or "static" in name for name in doc["state"])
    assert skhyper.load(tmp_path / "plain.skhyper").covariates_ is None


def test_save_refuses_covariates_the_parameters_no_longer_make(one, tmp_path):
    model = skhyper.load(one[2])
    model.known_covariates = ["other"]
    with pytest.raises(ValueError, match="Cannot save this WindowForecaster: covariates_="):
        model.save(tmp_path / "changed.skhyper")


def test_save_refuses_a_covariate_not_named_by_text(tmp_path):
    frame = promo_series().rename(columns={"promo": 7})
    model = WindowForecaster(known_covariates=[7], window_size=4, **QUICK).fit(frame)
    with pytest.raises(ValueError, match="its covariate 7 is named by a int, not text"):
        model.save(tmp_path / "int.skhyper")
    assert not (tmp_path / "int.skhyper").exists()


# ------------------------------------------------------------- hostile files


def _nan_mean(doc, parts):
    from skhyper._plain import encode

    doc["state"]["covariate_mean_"] = encode(np.array([np.nan]))


def _long_mean(doc, parts):
    doc["state"]["covariate_mean_"]["ndarray"].append(0.0)


def _short_context(doc, parts):  # one row fewer, in the listing and in state.bin
    doc["covariates"]["arrays"][0][1][0] -= 1
    parts["state.bin"] = parts["state.bin"][:-8]


def _wide_context(doc, parts):  # two columns for one covariate
    rows = doc["covariates"]["arrays"][0][1][0]
    doc["covariates"]["arrays"][0][1] = [rows // 2, 2] if rows % 2 == 0 else [rows, 2]
    if rows % 2:
        parts["state.bin"] += parts["state.bin"]


def _other_layout(doc, parts):  # the network to take the covariate, at the window's rows too: inputs it lacks
    doc["state"]["_covariate_inputs_layout"]["tuple"][0] = True
    doc["params"]["covariate_window"] = True
    doc["params"]["covariate_effect"] = "network"
    for name in ("_covariate_effect", "covariate_coef_", "covariate_reference_"):
        del doc["state"][name]


def _int_name(doc, parts):
    doc["state"]["covariates_"] = [7]


def _long_coef(doc, parts):  # two coefficients for one covariate
    doc["state"]["covariate_coef_"]["ndarray"].append([0.0])


def _no_reference(doc, parts):
    del doc["state"]["covariate_reference_"]


def _nan_coef(doc, parts):
    from skhyper._plain import encode

    doc["state"]["covariate_coef_"] = encode(np.array([[np.nan]]))


def _no_effect(doc, parts):  # a linear fit's file with its effect taken out
    for name in ("_covariate_effect", "covariate_coef_", "covariate_reference_"):
        del doc["state"][name]


def _effect_in_a_list(doc, parts):
    doc["state"]["_covariate_effect"] = ["linear"]


def _effect_in_version_5(doc, parts):  # a version that holds no linear effect
    doc["format_version"] = 5


def _effect_other_than_parameter(doc, parts):
    doc["params"]["covariate_effect"] = "both"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (_nan_mean, "covariate_mean_ must be finite numbers"),
        (_long_mean, "covariate_mean_ of 2 values for 1 covariates_"),
        (_short_context, "covariate_context_ of"),
        (_wide_context, "covariate_context_ of 2 columns for 1 covariates_"),
        (_int_name, "covariates_ must be a list of 1 to"),
        (_other_layout, "a network of 4 inputs where 4 lags of 1 features and 1 covariates"),
        (_long_coef, "covariate_coef_ of shape (2, 1) where 1 known covariates of one series make (1, 1)"),
        (_no_reference, "_covariate_effect without covariate_reference_"),
        (_nan_coef, "covariate_coef_ must be finite numbers"),
        (_effect_in_version_5, "unknown fitted attributes"),
        (_no_effect, "a network of 4 inputs where 4 lags of 1 features and 1 covariates"),  # the network took none
        (_effect_in_a_list, "_covariate_effect must be one of"),
        (_effect_other_than_parameter, "a linear effect fit with covariate_effect='linear' where the parameter is 'both'"),
    ],
)
def test_hostile_one_series_files_are_refused(one, tmp_path, change, match):
    refused(rewrite(one[2], tmp_path / "bad.skhyper", change), match)


def _no_static_names(doc, parts):
    del doc["state"]["static_features_"]


def _static_not_a_covariate(doc, parts):
    doc["state"]["static_features_"] = ["promo"]


def _panel_context_other_window(doc, parts):  # the panel's covariate windows one row short
    shape = doc["covariates"]["arrays"][0][1]
    doc["covariates"]["arrays"][0][1] = [shape[0], shape[1] - 1, shape[2]]
    n_static = doc["covariates"]["arrays"][1][1]
    data = parts["state.bin"]
    statics = 8 * n_static[0] * n_static[1]
    parts["state.bin"] = data[: len(data) - statics - 8 * shape[0] * shape[2]] + data[len(data) - statics :]


def _no_covariates_section(doc, parts):
    del doc["covariates"]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (_no_static_names, "static_values_ without static_features_"),
        (_static_not_a_covariate, "static_features_ ['promo'] other than the last of covariates_"),
        (_panel_context_other_window, "panel_covariate_context_ of shape"),
        (_no_covariates_section, "unknown fitted attributes"),
    ],
)
def test_hostile_panel_files_are_refused(panel, tmp_path, change, match):
    refused(rewrite(panel[3], tmp_path / "bad.skhyper", change), match)


def test_a_reader_of_version_3_refuses_a_file_with_covariates(one, monkeypatch):
    from skhyper import persistence

    monkeypatch.setattr(persistence, "FORMAT_VERSION", 3)
    refused(one[2], "this skhyper reads format versions up to 3")
