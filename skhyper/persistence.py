"""A safe file format for skhyper estimators: loading runs no pickled code.

``save(estimator, path)`` writes a zip archive of two members:

- ``skhyper.json`` — the format's name and version, the versions that wrote
  it, the estimator's class, its parameters and its fitted state, all as
  plain JSON values;
- ``model.keras`` — the network (weights and optimizer state) in Keras' own
  format, loaded back with Keras' safe mode on.

``load(path)`` checks all of that before it builds anything and refuses a file
it cannot read with a message that says why.  Parameters that are Python
objects (a Keras optimizer, a callable schedule or loss) cannot be stored as
plain values: such an estimator is refused at ``save`` — pickle or joblib
store it, for trusted files only.
"""

import json
import math
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["FORMAT_VERSION", "check_savable", "load", "save"]

FORMAT = "skhyper-estimator"
FORMAT_VERSION = 1
_MEMBERS = ("skhyper.json", "model.keras")

#: Fitted attributes stored per class (besides ``model_`` and the encoder).
_STATE = {
    "base": ["n_features_in_", "feature_names_in_", "history_", "n_iter_", "loss_curve_",
             "learning_rate_", "_seeds", "n_outputs_", "n_outputs_expected_"],
    "KerasMLPClassifier": ["classes_", "n_classes_", "target_type_", "_label_dtype"],
    "KerasMLPRegressor": [],
    "WindowForecaster": ["window_size_", "forecasts_itself_", "target_is_1d_", "input_mean_", "input_scale_",
                         "target_mean_", "target_scale_", "context_", "_training_head", "lags_", "level_rows_", "seasonal_period_", "linear_alpha_",
                         "linear_start_kept_", "linear_lags_", "deseasonalize_", "seasonal_indices_", "_training_length",
                         "seasonal_strength_"],
}  # fmt: skip

#: Parameters added after format version 1 was first written, with the value
#: that matches how files without them were trained.
_DEFAULTS_BEFORE = {
    "WindowForecaster": {"relative_to": None, "linear_path": False, "linear_margin": 0.0, "min_seasonal_strength": 0.0,
                         "linear_lags": "all"},
}


def save(estimator, path):
    """Write ``estimator`` (fitted or not) to ``path`` in the safe format."""
    import keras

    import skhyper

    kind = type(estimator).__name__
    if kind not in _STATE or kind == "base":
        raise TypeError(f"save() stores skhyper's estimators, not a {kind}.")
    params = {name: _encode_param(kind, name, value) for name, value in estimator.get_params(deep=False).items()}
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "skhyper_version": skhyper.__version__,
        "keras_version": keras.__version__,
        "class": kind,
        "params": params,
        "fitted": hasattr(estimator, "model_"),
    }
    if document["fitted"]:
        state = {}
        for name in _STATE["base"] + _STATE[kind]:
            if hasattr(estimator, name):
                state[name] = _encode(getattr(estimator, name))
        state["target_shape_tail"] = list(estimator.target_encoder_._y_shape[1:]) if kind != "KerasMLPClassifier" else []
        if kind == "WindowForecaster":
            state["_training_index"] = _encode_index_summary(estimator._training_index)
        from .estimators._network import seed_states

        state["seed_states"] = _encode(seed_states(estimator.model_))  # .keras leaves them out
        document["state"] = state
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("skhyper.json", json.dumps(document, indent=1))
        if document["fitted"]:
            with tempfile.TemporaryDirectory() as folder:
                model_file = Path(folder) / "model.keras"
                estimator.model_.save(model_file)
                archive.write(model_file, "model.keras")
    return path


def load(path, kind=None):
    """Read an estimator that :func:`save` wrote.

    Parameters
    ----------
    path : str or Path
    kind : class or class name, optional
        Refuse a file that holds another kind of estimator.
    """
    import keras

    import skhyper

    path = Path(path)
    document, model_bytes = _read_archive(path)
    name = document.get("class")
    if name not in _STATE or name == "base":
        raise ValueError(f"{path}: holds an unknown estimator class {name!r}.")
    wanted = getattr(kind, "__name__", kind)
    if wanted is not None and wanted != name:
        raise ValueError(f"{path}: holds a {name}, not a {wanted}.")
    cls = getattr(skhyper, name)
    try:
        params = {key: _decode(value) for key, value in document["params"].items()}
        params = {**_DEFAULTS_BEFORE.get(name, {}), **params}
        estimator = cls(**params)
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"{path}: its parameters do not fit this skhyper's {name}: {error}") from None
    if not document.get("fitted"):
        return estimator
    if model_bytes is None:
        raise ValueError(f"{path}: a fitted {name} without its network (model.keras is missing).")
    state = document.get("state", {})
    for attribute in _STATE["base"] + _STATE[name]:
        if attribute in state:
            setattr(estimator, attribute, _decode(state[attribute]))
    if name == "WindowForecaster":
        estimator._training_index = _decode_index_summary(state.get("_training_index"))
        if "seasonal_strength_" not in state:  # written before min_seasonal_strength
            estimator.seasonal_strength_ = None
        if "window_size_" not in state:  # written before window_size="auto": an int
            estimator.window_size_ = estimator.window_size
        if "lags_" not in state:  # written before seasonal windows: a plain window
            estimator.lags_ = estimator._offsets()
            estimator.level_rows_ = 0
        if "seasonal_period_" not in state:  # written before seasonal_period="auto"
            estimator.seasonal_period_ = estimator.seasonal_period
        if "linear_alpha_" not in state:  # written before the linear path
            estimator.linear_alpha_ = None
        if "linear_start_kept_" not in state:  # written before linear_margin: not checked
            estimator.linear_start_kept_ = None
        if "linear_lags_" not in state:  # written before the start chose its order
            estimator.linear_lags_ = None
        if "deseasonalize_" not in state:  # written before deseasonalize: nothing removed
            estimator.deseasonalize_ = estimator.seasonal_indices_ = None
    estimator.target_encoder_ = _target_encoder(estimator, state)
    with tempfile.TemporaryDirectory() as folder:
        model_file = Path(folder) / "model.keras"
        model_file.write_bytes(model_bytes)
        try:
            estimator.model_ = keras.saving.load_model(model_file, safe_mode=True)
        except Exception as error:  # Keras raises many kinds; the file is at fault
            raise ValueError(f"{path}: its network could not be read by Keras {keras.__version__}: {error}") from None
    if "seed_states" in state:
        from .estimators._network import restore_seed_states

        try:
            restore_seed_states(estimator.model_, _decode(state["seed_states"]))
        except (TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"{path}: its dropout seed states do not fit its network: {error}") from None
    return estimator


# ------------------------------------------------------------------ reading


def _read_archive(path):
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "skhyper.json" not in names:
                raise ValueError(f"{path}: not a skhyper file (no skhyper.json inside).")
            document = json.loads(archive.read("skhyper.json"))
            model_bytes = archive.read("model.keras") if "model.keras" in names else None
    except zipfile.BadZipFile:
        raise ValueError(f"{path}: not a skhyper file, or a damaged one (not a readable zip archive).") from None
    except (zipfile.LargeZipFile, EOFError, OSError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: damaged skhyper file: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{path}: not a skhyper estimator file.")
    version = document.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(
            f"{path}: written by skhyper {document.get('skhyper_version')} in format version"
            f" {version}; this skhyper reads format versions up to {FORMAT_VERSION}. Upgrade skhyper."
        )
    return document, model_bytes


def _target_encoder(estimator, state):
    from .estimators._targets import LabelEncoder, TargetShaper

    if hasattr(estimator, "classes_"):
        return LabelEncoder(categories=[estimator.classes_]).fit(estimator.classes_)
    tail = tuple(state.get("target_shape_tail", []))
    return TargetShaper().fit(np.zeros((2, *tail)))


# ----------------------------------------------------------- JSON encoding


def _encode_param(kind, name, value):
    try:
        return _encode(value)
    except TypeError:
        raise ValueError(
            f"Cannot save this {kind} in the safe format: its parameter {name}={value!r} is a"
            " Python object, not a plain value. Give it by name, or store the estimator with"
            " joblib/pickle (trusted files only)."
        ) from None


def check_savable(estimator):
    """Raise the error :func:`save` would raise for a parameter it cannot store."""
    kind = type(estimator).__name__
    for name, value in estimator.get_params(deep=False).items():
        _encode_param(kind, name, value)


def _encode(value):
    """Plain JSON, with tags for what JSON lacks (tuples, arrays, dict keys)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (int, float, np.integer, np.floating, np.bool_)):
        value = value.item() if isinstance(value, np.generic) else value
        if isinstance(value, float) and not math.isfinite(value):
            return {"float": str(value)}  # "inf", "-inf", "nan": JSON has no such numbers
        return value
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufUO":
        if value.dtype.kind == "O" and not all(isinstance(v, (str, int, float)) for v in value.ravel()):
            raise TypeError(value)
        kind = "str" if value.dtype.kind in "UO" else value.dtype.str
        return {"ndarray": value.tolist(), "dtype": kind}
    raise TypeError(value)


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "tuple" in value:
        return tuple(_decode(v) for v in value["tuple"])
    if "float" in value:
        return float(value["float"])
    if "dict" in value:
        return {_decode(k): _decode(v) for k, v in value["dict"]}
    if "ndarray" in value:
        dtype = object if value["dtype"] == "str" else np.dtype(value["dtype"])
        return np.asarray(value["ndarray"], dtype=dtype)
    raise ValueError(f"unknown value {value!r}")


def _encode_index_summary(summary):
    if summary is None:
        return None
    import pandas as pd

    last = summary["last"]
    kind = "period" if isinstance(last, pd.Period) else "timestamp"
    freq = summary["freq"]
    return {"kind": kind, "last": str(last), "freq": None if freq is None else freq.freqstr}


def _decode_index_summary(encoded):
    if encoded is None:
        return None
    import pandas as pd

    freq = None if encoded["freq"] is None else pd.tseries.frequencies.to_offset(encoded["freq"])
    if encoded["kind"] == "period":
        last = pd.Period(encoded["last"], freq=freq)
    else:
        last = pd.Timestamp(encoded["last"])
    return {"freq": freq, "last": last, "next": None if freq is None else last + freq}

