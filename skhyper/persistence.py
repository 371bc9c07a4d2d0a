"""A safe file format for skhyper estimators: loading runs no code from the file.

``save(estimator, path)`` writes a zip archive of at most three members:

- ``skhyper.json`` — the format's name and version, the versions that wrote
  it, the estimator's class, its parameters and its fitted state, all as
  plain JSON values, and the list of the network's variables (path, shape,
  dtype) and of its optimizer's;
- ``network.bin`` (fitted estimators only, stored uncompressed) — those
  variables' values, one after the other, as raw little-endian arrays;
- ``state.bin`` (forecasters fit on a panel or with prediction intervals
  only, stored uncompressed) — the panel's per-series arrays (ids, last time
  steps, naive MAEs, last windows and which of their values are there),
  listed in ``skhyper.json``'s ``panel`` section with what JSON holds of
  them (the kinds of ids and time steps, the frequency; see
  :mod:`skhyper._saved_panel`), then the conformity scores of a forecaster
  fit with ``interval_horizon`` (``conformal_scores_``, float64), listed in
  its ``intervals`` section (see :mod:`skhyper._saved_intervals`), then
  a forecaster's covariates' arrays (its last rows of them on one series;
  on a panel each series' and its static features' values), listed in its
  ``covariates`` section (see :mod:`skhyper._saved_covariates`).  The
  sizes they list must add up to the member's before anything is read.

A forecaster's ``interval_scale_`` is a number in the fitted state on one
series; on a panel the file does not hold it and ``load`` computes it from
the panel's arrays, as the fit did.  ``save`` refuses intervals that
``load`` would refuse or compute otherwise (``interval_horizon`` changed
since the fit, or a panel's series changed by ``partial_fit`` since the
calibration).

Files are written in the oldest format version that holds them: 6 for a
forecaster whose known covariates act through a linear effect
(``covariate_effect`` "linear", the default, or "both": ``covariate_coef_``
and ``covariate_reference_`` in the fitted state, which version 6 added),
5 for a forecaster fit on a panel without a season whose windows' level averages
two values (``panel_level_rows_`` in the fitted state, which version 5
added; files of older versions, which lack it, load with the level of
then, the last value), 4 for a
forecaster with covariates (``known_covariates`` or ``static_features``,
which version 4 added: their names and standardization in the fitted
state, their arrays in ``state.bin``), 3 for a forecaster fit on a panel or
with intervals (which version 3 added), 2 for the others, which skhyper releases reading version 2 read as well (and
which refuse version 3 as newer than they read).

``load(path)`` reads nothing the file names as code: the network is built
again from the estimator's parameters, as ``fit`` builds it, and only numbers
are read into it.  Before it builds anything it checks the archive (members,
sizes, compression), the JSON (size, depth, tags, dtypes), the parameters (as
``fit`` checks them), the fitted state (types, ranges, agreement with each
other and with the network) and the network's size against the bytes the
file holds (and a panel's arrays and interval scores against the bytes of
``state.bin``, before reading them; the scores must then be finite, one
column per step of ``interval_horizon``, there exactly when it is set);
afterwards, that every variable's path, shape and dtype is the one the file
lists and that the weights are finite.  Any failure is a
:class:`LoadError` whose message starts with the file's path.

Never restored: ``checkpoint`` and ``callbacks`` (set them again), and
Python objects as parameters (a Keras optimizer, a callable schedule or loss),
which ``save`` refuses: pickle or joblib store those, for trusted files only.

Files of format version 1 (skhyper 0.1) hold the network in Keras' own
``.keras`` format, which Keras deserializes; they load only with
``allow_keras_format=True``, for files one trusts.
"""

import json
import os
import warnings
from pathlib import Path

import numpy as np

from ._archive import Archive, ArchiveError, MemberLimit, foreign_format
from ._fitted_state import (
    COVARIATE_STATE,
    SERIES_STATE,
    STATE,
    check_agreement,
    check_covariates,
    check_intervals,
    check_state,
)
from ._plain import PlainValueError, decode, encode
from ._plain import show as _show
from ._saved_covariates import EFFECT_ATTRIBUTES, JSON_ATTRIBUTES, covariate_listing, covariates_of
from ._saved_intervals import interval_listing, intervals_of
from ._saved_network import load_network, network_of
from ._saved_panel import own_mase_scale, panel_listing, panel_of, read_arrays, read_panel, zone_named, zone_of
from .windows import legacy_level_rows, level_rows_of

__all__ = ["FORMAT_VERSION", "MIN_KERAS", "LoadError", "MissingFileError", "check_savable", "load", "save"]

FORMAT = "skhyper-estimator"
FORMAT_VERSION = 9

#: The version of files of forecasters fit on one series with an integer
#: index (``_training_labels``: the label its rows that follow start at),
#: and no more: releases that read version 7 read the others.
_LABELS_VERSION = 8

#: The version of files of forecasters fit on one series that hold its MASE
#: scale (``mase_scale_``, the scorers' in-sample naive MAE), and no more:
#: releases that read version 8 read the others.
_SERIES_SCALE_VERSION = 9

#: The version of files whose panel forecaster's season is not its data's
#: (its own ``mase_scale_`` in state.bin) or whose series' dates are in a
#: named time zone (``_training_index``'s ``tz``), and no more: releases that
#: read version 6 read the others.
_ZONE_AND_SCALE_VERSION = 7

#: The version of files of forecasters with a linear effect of their
#: covariates (``covariate_coef_``), and no more.
_EFFECT_VERSION = 6

#: The version of files of forecasters fit on a panel without a season whose
#: windows' level averages two values (``panel_level_rows_``), and no more:
#: releases that read version 5 read them.
_LEVEL_VERSION = 5

#: The version of files of forecasters with covariates, and no more (see
#: FORMAT_VERSION): releases that read version 4 read them.
_COVARIATES_VERSION = 4

#: The version of files of forecasters fit on a panel or with intervals but
#: without covariates: releases that read version 3 read them.
_PANEL_VERSION = 3

#: The version of files of estimators neither fit on a panel nor with
#: intervals (what version 3 adds is state.bin, the panel section and the
#: intervals): releases that read version 2 read them.
_SERIES_VERSION = 2

#: The oldest Keras whose safe mode has no published bypass (3.14 fixed
#: CVE-2026-1462; 3.9, 3.11 and 3.12 fixed earlier ones): no file is loaded
#: under an older one.
MIN_KERAS = (3, 14)

#: Parameters never written to a file nor read from one: they write files
#: or run code of the user's, so the user sets them again.
NOT_STORED = ("checkpoint", "callbacks")

#: Lists and objects ``skhyper.json`` may hold: each costs memory once
#: parsed (a fitted estimator's arrays are a few lists of numbers).
MAX_CONTAINERS = 100_000

#: Values one parameter may hold (a class_weight of that many classes).
MAX_PARAM_VALUES = 20_000

#: The largest ``epochs`` and other counts (batch size, patience, periods...)
#: a file may set: a fit of a loaded estimator must end.
MAX_EPOCHS = 100_000
MAX_COUNT = 2**31

#: Hidden layers a file may describe (each one is built before its weights
#: are read).
MAX_LAYERS = 100

_JSON = MemberLimit(max_bytes=8 * 2**20, max_ratio=200)
_NETWORK = MemberLimit(max_bytes=2**31, max_ratio=1.01, methods=(0,))  # stored: its size is the file's
_STATE_BIN = MemberLimit(max_bytes=2**31, max_ratio=1.01, methods=(0,))  # stored, as network.bin
_LEGACY_NETWORK = MemberLimit(max_bytes=2**31, max_ratio=20)

#: Parameters a panel file must hold: they decide its forecasts (and were
#: added before panels could be saved, so no such file lacks them).
_PANEL_PARAMS = ("window_scale", "series_weight", "series_encoding")

#: The series whose forecasts ``load`` computes once to check a panel file
#: (the first and the last this many).
_PROBED_SERIES = 8
#: The most forecast values the probe of a panel asks for (of its first and last series).
_PROBED_VALUES = 2**16

#: Parameters added after format version 1 was first written, with the value
#: that matches how files without them were trained.  window_scale,
#: series_weight and series_encoding are not here: they act on panels only,
#: and files of panels (version 3) always hold them (_PANEL_PARAMS).
_DEFAULTS_BEFORE = {
    "WindowForecaster": {"relative_to": None, "linear_path": False, "linear_margin": 0.0, "min_seasonal_strength": 0.0,
                         "linear_lags": "all", "interval_horizon": None, "conformal_windows": "auto",
                         "covariate_effect": "network"},
}  # fmt: skip


class LoadError(ValueError):
    """A file :func:`load` does not read.

    Foreign (a pickle, joblib or HDF5 file is named as such), damaged,
    hostile, newer, or not made for this skhyper.  The message starts with
    the file's path and says what is wrong.  A ``ValueError``; a missing file
    is a :class:`MissingFileError`, also a ``FileNotFoundError``.

    See Also
    --------
    load : The reader that raises it.
    """


class MissingFileError(LoadError, FileNotFoundError):
    """No file at the path :func:`load` was given.

    A :class:`LoadError`, as every file ``load`` does not read, and a
    ``FileNotFoundError``, as ``open`` raises for a missing file: ``except
    LoadError`` and ``except FileNotFoundError`` both catch it.

    See Also
    --------
    load : The reader that raises it.
    """


# ------------------------------------------------------------------ writing


def save(estimator, path):
    """Write ``estimator`` (fitted or not) to ``path`` in the safe format.

    The file is a zip of plain JSON (the class, parameters, fitted
    attributes and the list of the network's variables) and ``network.bin``,
    the variables' raw little-endian values (and for a forecaster fit on a
    panel or with intervals ``state.bin``, its arrays): :func:`load` reads
    it back without running any code from it.  ``checkpoint`` and ``callbacks`` are
    never stored.

    Parameters
    ----------
    estimator : KerasMLPClassifier, KerasMLPRegressor or WindowForecaster
        The estimator to store, a forecaster fit on a panel too (whose
        series' ids must be integers or text), with ``known_covariates``
        or ``static_features`` too (whose column names must be text).
    path : str or path-like
        The file to write.

    Returns
    -------
    path : pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        A parameter is a Python object (not a plain value), which the safe
        format does not store, the network's building parameters changed
        since it was built, a panel's ids are neither integers nor text,
        a forecaster's intervals no longer match it (``interval_horizon``
        changed since the fit, or its panel since the calibration), or its
        covariates no longer match it (``known_covariates``,
        ``static_features``, ``covariate_window`` or ``horizon`` changed
        since the fit) or are named by other than text, or a series' dates
        are in a time zone with daylight saving time that has no name the
        file can hold.
    TypeError
        For an estimator other than skhyper's ``KerasMLPClassifier``,
        ``KerasMLPRegressor`` and ``WindowForecaster`` (an
        ``EnsembleForecaster``: save its members).

    See Also
    --------
    load : Read the file back.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import skhyper
    >>> from skhyper import KerasMLPClassifier
    >>> from skhyper.persistence import save
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> path = save(KerasMLPClassifier(hidden_layer_sizes=(8,)), folder / "model.skhyper")
    >>> skhyper.load(path).hidden_layer_sizes
    (8,)
    """
    import zipfile

    import keras

    import skhyper

    kind = type(estimator).__name__
    if kind not in STATE or kind == "base":
        members = (" (save each of its members, forecasters_, a search's best_estimator_, or pickle it: trusted files"
                   " only)" if kind == "EnsembleForecaster" else " (save its best_estimator_)" if kind.endswith("SearchCV")
                   else "")  # fmt: skip
        raise TypeError(f"save() stores KerasMLPClassifier, KerasMLPRegressor and WindowForecaster, not {kind}{members}.")
    built, now = getattr(estimator, "_built_with", None), estimator._network_settings()
    if estimator._has_network() and built is not None and built != now:
        changed = ", ".join(f"{name}={now[name]!r} (built with {built[name]!r})" for name in now if built.get(name) != now[name])
        raise ValueError(
            f"Cannot save this {kind}: {changed}. load() builds the network again from the parameters"
            " the file holds, and these changed since the network was built: set them back, or fit again."
        )
    params = estimator.get_params(deep=False)
    params = {name: None if name in NOT_STORED else _encode_param(kind, name, value) for name, value in params.items()}
    forecaster = kind == "WindowForecaster" and estimator._has_network()
    panel = forecaster and getattr(estimator, "panel_", False)
    if forecaster:
        _check_intervals_savable(estimator, panel)
        _check_covariates_savable(estimator)
    intervals = forecaster and getattr(estimator, "conformal_scores_", None) is not None
    covariate_state, covariate_section, covariate_arrays = covariates_of(estimator, panel) if forecaster else ({}, None, [])
    level_rows = panel and estimator.panel_level_rows_ != legacy_level_rows(estimator.window_size_, estimator.seasonal_period_)
    zone = kind == "WindowForecaster" and not panel and _named_zone(getattr(estimator, "_training_index", None))
    labels = kind == "WindowForecaster" and not panel and getattr(estimator, "_training_labels", None) is not None
    scale = kind == "WindowForecaster" and not panel and getattr(estimator, "mase_scale_", None) is not None
    version = _SERIES_VERSION
    if scale and estimator._has_network():
        version = _SERIES_SCALE_VERSION
    elif labels:
        version = _LABELS_VERSION
    elif zone or (panel and own_mase_scale(estimator)):
        version = _ZONE_AND_SCALE_VERSION
    elif "covariate_coef_" in covariate_state:
        version = _EFFECT_VERSION
    elif level_rows:
        version = _LEVEL_VERSION
    elif covariate_section is not None:
        version = _COVARIATES_VERSION
    elif panel or intervals:
        version = _PANEL_VERSION
    document = {
        "format": FORMAT,
        "format_version": version,
        "skhyper_version": skhyper.__version__,
        "keras_version": keras.__version__,
        "class": kind,
        "params": params,
        "fitted": estimator._has_network(),
    }
    arrays, state_arrays = [], []
    if document["fitted"]:
        names = STATE["base"] + STATE[kind]
        if panel:  # a panel's own attributes instead of one series' (stale ones of an earlier fit too)
            names = [name for name in names if name not in SERIES_STATE] + ["panel_", "n_windows_"]
            names += ["panel_level_rows_"] if level_rows else []  # (files of older versions: the legacy one)
        state = {name: encode(getattr(estimator, name)) for name in names if hasattr(estimator, name)}
        state["target_shape_tail"] = list(estimator.target_encoder_._y_shape[1:]) if kind != "KerasMLPClassifier" else []
        if kind == "WindowForecaster" and not panel:
            state["_training_index"] = _encode_index_summary(estimator._training_index)
            if labels:
                state["_training_labels"] = dict(estimator._training_labels)
            if scale:
                state["mase_scale_"] = encode(np.asarray(estimator.mase_scale_, dtype=np.float64))
        if intervals and not panel:  # a panel's is computed again at load
            state["interval_scale_"] = encode(float(estimator.interval_scale_))
        state.update({name: encode(value) for name, value in covariate_state.items()})
        document["state"] = state
        if panel:
            document["panel"], state_arrays = panel_of(estimator)
        if intervals:  # state.bin: the scores after the panel's arrays
            document["intervals"], scores = intervals_of(estimator)
            state_arrays = [*state_arrays, *scores]
        if covariate_section is not None:  # state.bin: the covariates' arrays last
            document["covariates"] = covariate_section
            state_arrays = [*state_arrays, *covariate_arrays]
        document["network"], arrays = network_of(estimator)
    path = Path(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("skhyper.json", json.dumps(document, indent=1), compress_type=zipfile.ZIP_DEFLATED)
        for name, values in (("network.bin", arrays), ("state.bin", state_arrays)):
            if values:
                with archive.open(name, "w", force_zip64=True) as member:
                    for array in values:
                        member.write(np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes())
    return path


def _check_intervals_savable(estimator, panel):
    """Refuse intervals that load would refuse, or not read back the same:
    ``interval_horizon`` changed since the fit calibrated them, or on a
    panel a scale other than the one load computes (the panel's arrays
    changed since, by ``partial_fit``)."""
    from .estimators._intervals import panel_scales

    if estimator.interval_horizon is not None and estimator.interval_method == "quantile":
        raise ValueError(
            "Cannot save this WindowForecaster: its intervals (interval_method='quantile') are networks of"
            " their own, which the safe format does not hold. Save a forecaster fit with"
            " interval_method='conformal', or set interval_horizon=None before saving to keep its point"
            " forecasts only."
        )
    try:
        check_intervals(estimator, values=True)
    except ValueError as error:
        raise ValueError(
            f"Cannot save this WindowForecaster: {error}. load() checks that a forecaster's intervals are those its"
            " interval_horizon makes: set interval_horizon back to the one it was fit with, or fit again."
        ) from None
    if panel and estimator.conformal_scores_ is not None:
        scale = np.asarray(estimator.interval_scale_)
        if scale.shape != estimator.naive_mae_.shape or not np.array_equal(scale, panel_scales(estimator)):
            raise ValueError(
                "Cannot save this WindowForecaster: its interval_scale_ is not the one its panel's series make"
                " (their naive MAEs and last windows changed since its intervals were calibrated: partial_fit?)."
                " load() computes the scale from the series: fit again to calibrate intervals for them."
            )


def _check_covariates_savable(estimator):
    """Refuse covariates that load would refuse: parameters changed since
    the fit took them (they lay out the network's inputs)."""
    try:
        check_covariates(estimator)
    except ValueError as error:
        raise ValueError(
            f"Cannot save this WindowForecaster: {error}. load() checks that a forecaster's covariates are those its"
            " parameters make: set known_covariates, static_features, covariate_window, covariate_effect and horizon"
            " back to those it was fit with, or fit again."
        ) from None


def _encode_param(kind, name, value):
    try:
        return encode(value)
    except TypeError:
        raise ValueError(
            f"Cannot save this {kind} in the safe format: its parameter {name}={value!r} is a"
            " Python object, not a plain value. Give it by name, or store the estimator with"
            " joblib/pickle (trusted files only)."
        ) from None


def check_savable(estimator):
    """Raise the error :func:`save` would raise for a parameter it cannot store.

    An estimator with a ``checkpoint`` runs it at the start of ``fit``, so
    that an unsavable parameter fails there, not at the first checkpoint.

    Parameters
    ----------
    estimator : KerasMLPClassifier, KerasMLPRegressor or WindowForecaster
        The estimator to be saved (fitted or not).

    Raises
    ------
    ValueError
        Naming the first parameter that is a Python object rather than a
        plain value (a user's function or Keras object).

    Examples
    --------
    >>> from skhyper import KerasMLPRegressor
    >>> from skhyper.persistence import check_savable
    >>> check_savable(KerasMLPRegressor(activation="tanh"))
    >>> check_savable(KerasMLPRegressor(loss=lambda y, p: (y - p) ** 2))
    Traceback (most recent call last):
    ...
    ValueError: Cannot save this KerasMLPRegressor in the safe format: its parameter loss=<function <lambda> at ...> is a Python object, not a plain value. ...
    """
    kind = type(estimator).__name__
    for name, value in estimator.get_params(deep=False).items():
        if name not in NOT_STORED:
            _encode_param(kind, name, value)


# ------------------------------------------------------------------ reading


def load(path, kind=None, *, allow_keras_format=False):
    """Read an estimator that :func:`save` (or an estimator's ``save``) wrote.

    For any file: no code from the file runs (the network is built again
    from the checked parameters and only numbers are read into it); the
    work is bounded (member sizes, compression ratios, JSON depth and the
    network's size are checked before anything large is read); the fitted
    state must be what a fit makes; and any failure is one
    :class:`LoadError`.  See :doc:`/user_guide/saving`.

    Parameters
    ----------
    path : str or path-like
        The file to read.
    kind : class or str, default=None
        Refuse a file that holds another kind of estimator (a class such as
        ``KerasMLPClassifier``, or its name).
    allow_keras_format : bool, default=False
        Also read format version 1 (skhyper 0.1), whose network Keras itself
        deserializes: only for files you trust.

    Returns
    -------
    estimator : KerasMLPClassifier, KerasMLPRegressor or WindowForecaster
        With ``checkpoint`` and ``callbacks`` at None: a file never sets them.

    Raises
    ------
    LoadError
        The file is not one ``load`` reads; the message starts with its path
        and says why (no file there: :class:`MissingFileError`, a LoadError
        and a ``FileNotFoundError``).

    See Also
    --------
    save : Write an estimator in this format.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import skhyper
    >>> from skhyper import KerasMLPRegressor
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.skhyper"
    >>> KerasMLPRegressor(epochs=3).save(path)  # doctest: +ELLIPSIS
    PosixPath('...model.skhyper')
    >>> skhyper.load(path, kind=KerasMLPRegressor).epochs
    3
    >>> skhyper.load(path, kind="KerasMLPClassifier")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    skhyper.persistence.LoadError: ...
    """
    shown, path = os.fspath(path), Path(path)
    _check_keras(shown)
    try:
        exists = path.is_file()
        if exists:
            with open(path, "rb") as handle:
                foreign = foreign_format(handle.read(16))
    except OSError as error:
        raise LoadError(f"{shown}: cannot be read: {error.strerror or error}.") from None
    if not exists and path.is_dir():
        raise LoadError(f"{shown}: a directory, not a skhyper file.")
    if not exists:
        raise MissingFileError(f"{shown}: no such file.")
    if foreign is not None:
        raise LoadError(
            f"{shown}: {foreign}, not a skhyper file. skhyper.load reads only skhyper's safe format;"
            " joblib.load and pickle.load run code from the file: use them only for files you trust."
        )
    try:
        return _load(shown, path, kind, allow_keras_format)
    except ArchiveError as error:
        raise LoadError(f"{shown}: not a skhyper file, or a damaged one: {error}.") from None
    except RecursionError:
        raise LoadError(f"{shown}: damaged skhyper file: values nested too deeply.") from None
    except MemoryError:
        raise LoadError(f"{shown}: damaged skhyper file: it asks for more memory than there is.") from None


def _check_keras(path):
    import keras

    installed = tuple(int(part) if part.isdigit() else 0 for part in keras.__version__.split(".")[:2])
    if installed < MIN_KERAS:
        required = ".".join(map(str, MIN_KERAS))
        raise LoadError(
            f"{path}: not loaded: Keras {keras.__version__} is installed, and skhyper loads files only"
            f" under Keras >= {required}, whose safe mode has no published bypass."
            f" Upgrade it: pip install 'keras>={required}'."
        )


def _load(path, file, kind, allow_keras_format):
    """``path``: the file as the caller named it (for messages); ``file``: it as a Path."""
    members = {"skhyper.json": _JSON, "network.bin": _NETWORK, "state.bin": _STATE_BIN, "model.keras": _LEGACY_NETWORK}
    with Archive(file, members, required=["skhyper.json"]) as archive:
        document = _read_document(path, archive.read("skhyper.json"))
        version = document["format_version"]
        if version == 1 and not allow_keras_format:
            raise LoadError(
                f"{path}: written by skhyper {_show(document.get('skhyper_version'))} in format version 1, whose"
                " network Keras deserializes from the file. If you trust the file, load it with"
                " skhyper.load(path, allow_keras_format=True) and save it again in this version's format."
            )
        for section, since in (("panel", 3), ("covariates", 4), ("intervals", 3)):
            if section in document and not (
                version >= since and document["fitted"] and document.get("class") == "WindowForecaster"
            ):
                raise LoadError(
                    f"{path}: damaged skhyper file: a{'n' if section[0] in 'aeiou' else ''} {section} section"
                    f" belongs to a fitted WindowForecaster in format version {since} or later, not to"
                    f" {'a fitted' if document['fitted'] else 'an unfitted'} {_show(document.get('class'))} in"
                    f" version {version}."
                )
        panel, intervals, covariates = ("panel" in document), ("intervals" in document), ("covariates" in document)
        estimator = _estimator(path, document, kind)
        expected = set()
        if document["fitted"]:
            binary = ["state.bin"] if panel or intervals or covariates else []
            expected = {"model.keras"} if version == 1 else {"network.bin", *binary}
        if archive.names() - {"skhyper.json"} != expected:
            found = sorted(archive.names() - {"skhyper.json"}) or "nothing else"
            raise LoadError(
                f"{path}: a {'fitted' if document['fitted'] else 'unfitted'} estimator in format version"
                f" {version} holds {', '.join(sorted(expected)) or 'no other member'}, this file {found}"
                f"{' (model.keras is missing)' if 'model.keras' in expected else ''}."
            )
        if not document["fitted"]:
            return estimator
        state = _state(path, document, archive)
        if version == 2 and document["class"] == "WindowForecaster" and estimator.interval_horizon is not None:
            raise LoadError(
                f"{path}: a WindowForecaster fit with interval_horizon={estimator.interval_horizon!r} in format version 2,"
                " which holds no intervals: written by a skhyper that saved forecasters without their intervals"
                " (version 3 holds them). Fit it again and save it with this skhyper."
            )
        try:
            _set_state(estimator, state)
            if not (version == 1 and allow_keras_format):  # files of 0.1 may predate what is checked
                check_agreement(estimator, network_inputs=_network_inputs(document))
            elif type(estimator).__name__ == "WindowForecaster":  # they predate intervals: none
                check_intervals(estimator)
        except (ValueError, TypeError) as error:
            raise LoadError(f"{path}: its fitted state is not one a fit makes: {_short(error)}") from None
        if version == 1:
            _load_keras_network(path, estimator, state, archive.read("model.keras"))
        else:
            with archive.open("network.bin") as member:
                try:
                    load_network(estimator, document.get("network"), member, archive.size("network.bin"))
                except ArchiveError:
                    raise
                except (ValueError, TypeError, KeyError) as error:
                    raise LoadError(f"{path}: {_short(error)}") from None
                if member.read_at_most(1):
                    raise LoadError(f"{path}: network.bin is longer than the variables it lists.")
        _probe(path, estimator)
        return estimator


def _read_document(path, data):
    containers = data.count(b"[") + data.count(b"{")
    if containers > MAX_CONTAINERS:
        raise LoadError(
            f"{path}: damaged or hostile skhyper file: skhyper.json holds {containers} lists and objects"
            f" (a fitted estimator's hold far fewer than {MAX_CONTAINERS})."
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
        raise LoadError(f"{path}: damaged skhyper file: skhyper.json is not JSON ({error}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise LoadError(f"{path}: not a skhyper estimator file (its skhyper.json is of another format).")
    version = document.get("format_version")
    if not (type(version) is int and 1 <= version <= FORMAT_VERSION):
        if type(version) is int and version > FORMAT_VERSION:
            raise LoadError(
                f"{path}: written by skhyper {_show(document.get('skhyper_version'))} in format version"
                f" {version}; this skhyper reads format versions up to {FORMAT_VERSION}. Upgrade skhyper."
            )
        raise LoadError(f"{path}: damaged skhyper file: its format_version {_show(version)} is not a version number.")
    if not isinstance(document.get("fitted"), bool):
        raise LoadError(f"{path}: damaged skhyper file: 'fitted' must be true or false.")
    if not isinstance(document.get("params"), dict):
        raise LoadError(f"{path}: damaged skhyper file: no parameters.")
    if document["fitted"] and not isinstance(document.get("state"), dict):
        raise LoadError(f"{path}: damaged skhyper file: a fitted estimator without its fitted state.")
    return document


def _estimator(path, document, kind):
    import skhyper

    name = document.get("class")
    if not isinstance(name, str) or name not in STATE or name == "base":
        raise LoadError(f"{path}: holds an unknown estimator class {_show(name)}.")
    wanted = getattr(kind, "__name__", kind)
    if wanted is not None and wanted != name:
        raise LoadError(f"{path}: holds a {name}, not a {wanted}.")
    cls = getattr(skhyper, name)
    try:
        params = {_plain_key(key): decode(value) for key, value in document["params"].items()}
    except PlainValueError as error:
        raise LoadError(f"{path}: damaged skhyper file: a parameter holds {error}.") from None
    missing = [key for key in _PANEL_PARAMS if key not in params] if "panel" in document else []
    if missing:
        raise LoadError(f"{path}: damaged skhyper file: a panel forecaster's parameters lack {missing[0]}.")
    large = next((key for key, value in params.items() if _size(value) > MAX_PARAM_VALUES), None)
    if large is not None:
        raise LoadError(f"{path}: its parameter {large} holds more than {MAX_PARAM_VALUES} values; no parameter has as many.")
    counts = {key: value for key, value in params.items() if type(value) is int and key != "random_state"}
    huge = next((key for key, value in counts.items() if value > (MAX_EPOCHS if key == "epochs" else MAX_COUNT)), None)
    if huge is not None:
        raise LoadError(f"{path}: its parameter {huge}={_show(params[huge])} is larger than skhyper loads.")
    params = {**_DEFAULTS_BEFORE.get(name, {}), **params, **dict.fromkeys(NOT_STORED)}
    try:
        estimator = cls(**params)
        estimator._check_params()
    except (TypeError, ValueError) as error:
        raise LoadError(f"{path}: its parameters do not fit this skhyper's {name}: {_short(error)}") from None
    if len(estimator._hidden_sizes()) > MAX_LAYERS:
        raise LoadError(f"{path}: {len(estimator._hidden_sizes())} hidden layers; skhyper loads networks of at most {MAX_LAYERS}.")
    return estimator


def _size(value):
    """How many values ``value`` holds (1 for a scalar)."""
    if isinstance(value, np.ndarray):
        return value.size
    if isinstance(value, (list, tuple)):
        return sum(_size(v) for v in value)
    if isinstance(value, dict):
        return sum(_size(k) + _size(v) for k, v in value.items())
    return 1


def _plain_key(key):
    if not key.isidentifier():
        raise PlainValueError(f"a parameter name {key[:40]!r}")
    return key


def _network_inputs(document):
    """The inputs of the network the file describes, if a count."""
    network = document.get("network")
    inputs = network.get("inputs") if isinstance(network, dict) else None
    return inputs if type(inputs) is int else None


def _state(path, document, archive):
    name = document["class"]
    stored = document["state"]
    panel, intervals, covariates = "panel" in document, "intervals" in document, "covariates" in document
    known = STATE["base"] + STATE[name] + (["panel_", "n_windows_"] if panel else [])
    known += ["panel_level_rows_"] if panel and document["format_version"] >= 5 else []
    known += ["interval_scale_"] if name == "WindowForecaster" else []
    scale = name == "WindowForecaster" and not panel and document["format_version"] >= _SERIES_SCALE_VERSION
    known += ["mase_scale_"] if scale else []
    known += [n for n in JSON_ATTRIBUTES if document["format_version"] >= 6 or n not in EFFECT_ATTRIBUTES] if covariates else []
    labels = document["format_version"] >= _LABELS_VERSION and name == "WindowForecaster"
    raw = {"_training_index", "seed_states"} | ({"_training_labels"} if labels else set())
    unknown = set(stored) - set(known) - {"target_shape_tail"} - raw
    if unknown:
        raise LoadError(f"{path}: damaged skhyper file: unknown fitted attributes {sorted(unknown)[:3]}.")
    if "interval_scale_" in stored and document["format_version"] < 3:
        raise LoadError(
            f"{path}: damaged skhyper file: format version {document['format_version']} holds no intervals (version 3"
            " added them), and its fitted state holds interval_scale_."
        )
    if scale and document["fitted"] and "mase_scale_" not in stored:
        raise LoadError(f"{path}: damaged skhyper file: a forecaster of one series without its mase_scale_, which"
                        f" files of version {_SERIES_SCALE_VERSION} or later hold.")  # fmt: skip
    if panel and (stored.get("panel_") is not True or "_training_index" in stored or "_training_labels" in stored):
        raise LoadError(f"{path}: damaged skhyper file: a panel section with a fitted state that is not a panel's.")
    # written without tags
    try:
        state = {key: decode(value) for key, value in stored.items() if key not in raw}
    except PlainValueError as error:
        raise LoadError(f"{path}: damaged skhyper file: its fitted state holds {error}.") from None
    tail = state.pop("target_shape_tail", [])
    if not (isinstance(tail, list) and len(tail) <= 1 and all(type(n) is int and 1 <= n < 2**20 for n in tail)):
        raise LoadError(f"{path}: damaged skhyper file: target_shape_tail must be [] or [number of target columns].")
    if panel or intervals or covariates:
        state.update(_read_state_bin(path, document, archive))
    index, seeds = stored.get("_training_index"), stored.get("seed_states")
    try:
        check_state(name, state, complete=document["format_version"] >= 2)
        if isinstance(index, dict) and "tz" in index and document["format_version"] < _ZONE_AND_SCALE_VERSION:
            raise ValueError(f"_training_index holds a time zone, which format version {document['format_version']} does not")
        index = _decode_index_summary(index)
        labels = _decode_labels(stored.get("_training_labels"), index)
        if panel and document["format_version"] >= 5 and "panel_level_rows_" not in state:
            _check_legacy_level(state)
    except (ValueError, TypeError, OverflowError, NotImplementedError, AttributeError) as error:
        raise LoadError(f"{path}: its fitted state is not one a fit makes: {error}.") from None
    return {"attributes": state, "target_shape_tail": tuple(tail), "_training_index": index, "_training_labels": labels,
            "seed_states": seeds}  # fmt: skip


def _check_legacy_level(state):
    """A panel file of version 5 or later leaves ``panel_level_rows_`` out
    only where it is the legacy level (see :func:`save`)."""
    window, period = state.get("window_size_"), state.get("seasonal_period_")
    if level_rows_of(window, period) != legacy_level_rows(window, period):
        raise ValueError(f"no panel_level_rows_, which a file of this version holds for window_size_={window} and"
                         f" seasonal_period_={period}")  # fmt: skip


def _read_state_bin(path, document, archive):
    """The attributes of state.bin: the panel's arrays (with its section),
    then the interval scores.  The sizes the sections list must add up to
    state.bin's before anything is read."""
    try:
        panel = panel_listing(document["panel"], document["format_version"]) if "panel" in document else []
        intervals = interval_listing(document["intervals"]) if "intervals" in document else []
        covariates = covariate_listing(document["covariates"], "panel" in document) if "covariates" in document else []
    except (ValueError, TypeError, KeyError) as error:
        raise LoadError(f"{path}: {_short(error)}") from None
    n_bytes, parts = archive.size("state.bin"), []
    for what, listing in (("the panel's", panel), ("the interval scores'", intervals), ("the covariates'", covariates)):
        if listing:
            parts.append(f"{what} {sum(size for *_, size in listing)}")
    listed = sum(size for *_, size in panel + intervals + covariates)
    if listed != n_bytes:  # nothing is read, nor allocated, before this
        raise LoadError(
            f"{path}: state.bin holds {n_bytes} bytes; the arrays skhyper.json lists take {listed} ({', '.join(parts)})."
        )
    with archive.open("state.bin") as member:
        try:
            attributes = read_panel(document["panel"], read_arrays(panel, member)) if panel else {}
            attributes.update(read_arrays(intervals, member))
            attributes.update(read_arrays(covariates, member))
        except ArchiveError:
            raise
        except (ValueError, TypeError, KeyError) as error:
            raise LoadError(f"{path}: {_short(error)}") from None
        if member.read_at_most(1):
            raise LoadError(f"{path}: state.bin is longer than the arrays skhyper.json lists.")
    return attributes


def _set_state(estimator, state):
    for attribute, value in state["attributes"].items():
        setattr(estimator, attribute, value)
    estimator.callbacks_ = []  # (callbacks is not stored: None)
    if type(estimator).__name__ == "WindowForecaster":
        estimator._training_index = state["_training_index"]
        estimator._training_labels = state["_training_labels"]
        _fill_forecaster_defaults(estimator)
        _restore_interval_scale(estimator)
    estimator.target_encoder_ = _target_encoder(estimator, state["target_shape_tail"])


def _fill_forecaster_defaults(estimator):
    """Fitted attributes of forecasters saved before they existed."""
    defaults = {
        "seasonal_strength_": None,  # written before min_seasonal_strength
        "window_size_": estimator.window_size,  # written before window_size="auto": an int
        "seasonal_period_": estimator.seasonal_period,  # written before seasonal_period="auto"
        "linear_alpha_": None,  # written before the linear path
        "linear_start_kept_": None,  # written before linear_margin: not checked
        "linear_lags_": None,  # written before the start chose its order
        "deseasonalize_": None,  # written before deseasonalize: nothing removed
        "seasonal_indices_": None,
        "conformal_scores_": None,  # written without intervals
        "interval_scale_": None,
        **dict.fromkeys(name for name in COVARIATE_STATE if name != "_covariate_inputs_layout"),  # without covariates
    }
    for name, value in defaults.items():
        if not hasattr(estimator, name):
            setattr(estimator, name, value)
    if getattr(estimator, "panel_", False) and not hasattr(estimator, "panel_level_rows_"):
        estimator.panel_level_rows_ = legacy_level_rows(estimator.window_size_, estimator.seasonal_period_)  # written then
    if not hasattr(estimator, "lags_"):  # written before seasonal windows: a plain window
        estimator.lags_ = estimator._offsets()
        estimator.level_rows_ = 0


def _restore_interval_scale(estimator):
    """A panel's interval scale, computed again from its arrays as the fit
    computed it; one series' as a float (the file may hold an integer)."""
    from .estimators._intervals import panel_scales

    if estimator.conformal_scores_ is None:
        return
    if getattr(estimator, "panel_", False):
        estimator.interval_scale_ = panel_scales(estimator)
    elif estimator.interval_scale_ is not None:
        estimator.interval_scale_ = float(estimator.interval_scale_)


def _target_encoder(estimator, tail):
    from .estimators._targets import LabelEncoder, TargetShaper

    if hasattr(estimator, "classes_"):
        return LabelEncoder(categories=[estimator.classes_]).fit(estimator.classes_)
    return TargetShaper().fit(np.zeros((2, *tail)))


# ------------------------------------------------------------- the network


def _load_keras_network(path, estimator, state, model_bytes):
    """Format version 1: the network in Keras' own format (trusted files)."""
    from ._legacy_format import read_keras_model
    from .estimators._network import restore_seed_states

    try:
        estimator.model_ = read_keras_model(model_bytes)
        if state["seed_states"] is not None:
            restore_seed_states(estimator.model_, decode(state["seed_states"]))
    except (ValueError, TypeError, AttributeError) as error:
        raise LoadError(f"{path}: its network could not be read: {error}") from None


def _probe(path, estimator):
    """Predict once, as a user would next: a fitted state that does not fit
    its network fails here, not in the user's hands."""
    try:
        if getattr(estimator, "panel_", False):  # a few series' forecasts, every series' next steps
            n = len(estimator.panel_ids_)
            steps = 2 * estimator.horizon + 1
            # fewer series where the horizon is long: the forecasts' memory stays within the load's bound
            probed = max(1, min(n, _PROBED_SERIES, _PROBED_VALUES // (2 * steps)))
            series = np.unique(np.r_[0:probed, max(n - probed, 0) : n])
            future = None  # with covariates: their means at every step ahead
            if getattr(estimator, "covariates_", None):
                future = np.broadcast_to(estimator.covariate_mean_, (len(series), steps, len(estimator.covariates_)))
            forecast = estimator._panel_forecast_values(steps, series, future)
            estimator._future(2)
        elif type(estimator).__name__ == "WindowForecaster":
            if estimator.forecasts_itself_:  # steps past the horizon feed forecasts back in
                steps, future = 2 * estimator.horizon + 1, None
                if getattr(estimator, "covariates_", None):  # their means at every step ahead
                    import pandas as pd

                    future = pd.DataFrame(np.tile(estimator.covariate_mean_, (steps, 1)), columns=estimator.covariates_)
                forecast = np.asarray(estimator.forecast(steps, X_df=future), dtype=float)
            elif getattr(estimator, "covariates_", None):  # X's rows are a frame of the series and covariates
                import pandas as pd

                names = getattr(estimator, "feature_names_in_", None)  # none where X's series was one column
                names = list(names) if names is not None else ["_" + "_".join(map(str, estimator.covariates_))]
                rows = pd.DataFrame(np.asarray(estimator.context_), columns=names)
                rows[list(estimator.covariates_)] = np.asarray(estimator.covariate_context_)
                forecast = np.asarray(estimator.predict(rows, continues=True), dtype=float)
            else:
                forecast = np.asarray(estimator.predict(np.asarray(estimator.context_)), dtype=float)
        else:
            rows = np.zeros((1, estimator.n_features_in_))
            names = getattr(estimator, "feature_names_in_", None)
            if names is not None:  # fit on a DataFrame: predicting an array would warn of its missing names
                import pandas as pd

                rows = pd.DataFrame(rows, columns=list(names))
            forecast = np.asarray(estimator.predict(rows))
    except Exception as error:  # the state passed its checks; what is left is their combination
        raise LoadError(f"{path}: its fitted state does not fit its network: {type(error).__name__}: {_short(error)}") from None
    if forecast.dtype.kind == "f" and not np.isfinite(forecast).all():
        raise LoadError(f"{path}: its network predicts NaN or infinite values: a damaged file.")


# ------------------------------------------------------- the time index


def check_index_savable(summary):
    """Raise the error :func:`save` would raise for a series' time index
    (its summary, ``_training_index``): dates in a zone with daylight saving
    time that has no name the file can hold."""
    _named_zone(summary)


def _named_zone(summary):
    """Whether a series' time index summary has dates in a named time zone
    other than UTC (whose name the file must hold: its offset changes);
    UTC and fixed offsets are held by the date's text itself."""
    last = None if summary is None else summary.get("last")
    return getattr(last, "tz", None) is not None and _zone_name(last.tz, last) is not None


def _zone_name(tz, last=None):
    """A named zone other than UTC as the file holds it, else None (UTC or
    a fixed offset, which the date's text holds); a ``ValueError`` for a
    zone without a name the file can hold whose offset changes (daylight
    saving time) in the year of ``last``, which its text alone would lose."""
    try:
        zone = zone_of(tz)
    except ValueError as error:
        if last is not None and _offset_changes(last):
            raise ValueError(f"Cannot save this WindowForecaster in the safe format: its series' dates are in the"
                             f" time zone {tz!r}, whose offset changes over the year and which has no name the format"
                             " holds (one of zoneinfo's or pytz's, as ZoneInfo('Europe/Paris') has). Fit on dates in"
                             " a named zone, or store it with joblib/pickle (trusted files only).") from error  # fmt: skip
        return None
    return None if zone["kind"] == "utc" or zone["zone"] == "UTC" else zone


def _offset_changes(last):
    """Whether the time zone of the date ``last`` has another UTC offset
    at another time of its year or the next."""
    import pandas as pd

    start = pd.Timestamp(year=last.year, month=1, day=1, tz=last.tz)
    offsets = {(start + pd.DateOffset(months=months)).utcoffset() for months in range(0, 24)}
    return len(offsets) > 1


def _encode_index_summary(summary):
    if summary is None:
        return None
    import pandas as pd

    last = summary["last"]
    kind = "period" if isinstance(last, pd.Period) else "timestamp"
    freq = summary["freq"]
    encoded = {"kind": kind, "last": str(last), "freq": None if freq is None else freq.freqstr}
    zone = _zone_name(last.tz, last) if kind == "timestamp" and last.tz is not None else None
    if zone is not None:  # the zone's name: its offset alone would lose DST
        encoded.update(last=str(last.tz_convert("UTC")), tz=zone)
    return encoded


def _decode_index_summary(encoded):
    if encoded is None:
        return None
    import pandas as pd

    if not (isinstance(encoded, dict) and set(encoded) - {"tz"} == {"kind", "last", "freq"} and encoded["kind"] in ("period", "timestamp")
            and isinstance(encoded["last"], str) and len(encoded["last"]) < 64
            and (encoded["freq"] is None or (isinstance(encoded["freq"], str) and len(encoded["freq"]) < 32))):  # fmt: skip
        raise ValueError("_training_index must be a time index summary")
    freq = None if encoded["freq"] is None else _index_freq(encoded["freq"])
    if encoded["kind"] == "period" and "tz" in encoded:
        raise ValueError("_training_index's periods have no time zone")
    if encoded["kind"] == "period":
        last = pd.Period(encoded["last"], freq=freq)
    else:
        last = pd.Timestamp(encoded["last"])
        if "tz" in encoded:  # an instant in UTC, shown in its named zone
            if last.tz is None or last.utcoffset().total_seconds() != 0:
                raise ValueError(f"_training_index's last {encoded['last']!r} with a time zone must be a UTC time")
            zone = zone_named(encoded["tz"], "_training_index's")
            if zone is None:
                raise ValueError("_training_index's tz must name a zone")
            last = last.tz_convert(zone)
        if freq is not None and not freq.is_on_offset(last):  # a fit infers the frequency from the dates
            raise ValueError(f"_training_index's last date {last} is not one of its frequency {freq.freqstr}")
    written = str(last.tz_convert("UTC")) if "tz" in encoded else str(last)
    if written != encoded["last"]:  # as saving writes it: "now" or "today" are not dates
        raise ValueError(f"_training_index's last {encoded['last']!r} is not a time step as saving writes it")
    return {"freq": freq, "last": last, "next": None if freq is None else last + freq}


def _decode_labels(encoded, index):
    """The integer index summary of a series' rows (``_training_labels``):
    its last label and its step, a positive one or none."""
    if encoded is None:
        return None
    bound = 2**63
    if not (isinstance(encoded, dict) and set(encoded) == {"last", "step"} and type(encoded["last"]) is int
            and -bound <= encoded["last"] < 2 * bound and (encoded["step"] is None or type(encoded["step"]) is int)):  # fmt: skip
        raise ValueError("_training_labels must be the last label and step of an integer index")
    if encoded["step"] is not None and not 0 < encoded["step"] < bound:
        raise ValueError(f"_training_labels' step {encoded['step']} is not a step forward")
    if index is not None:
        raise ValueError("_training_labels beside a time index: a series has one index")
    return {"last": encoded["last"], "step": encoded["step"]}


def _index_freq(text):
    """A series' frequency from its text, a step forward in time."""
    import pandas as pd

    try:
        with warnings.catch_warnings():  # an alias a later pandas renamed is still read
            warnings.simplefilter("ignore")
            freq = pd.tseries.frequencies.to_offset(text)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(f"_training_index's freq {text!r} is not a pandas frequency") from None
    if freq.n <= 0:
        raise ValueError(f"_training_index's freq {text!r} is not a step forward in time (a fit infers one from its dates)")
    return freq


def _short(error):
    text = str(error)
    return text if len(text) <= 300 else text[:297] + "..."
