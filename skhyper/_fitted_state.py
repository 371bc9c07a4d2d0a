"""The fitted attributes a saved estimator stores, and what each may be.

:data:`STATE` lists, per estimator class, the attributes the safe format
stores besides the network; :func:`check_state` checks values read from a
file against what a fit makes (types, ranges, shapes, and agreement with
each other), and :func:`check_agreement` a state set on an estimator
against what a fit with its parameters makes; both raise a ``ValueError``
naming the first that is wrong.  A forecaster fit on a panel stores
:data:`PANEL_STATE` in place of :data:`SERIES_STATE`, and one fit with
``interval_horizon`` :data:`INTERVAL_STATE` too.
"""

import math
from numbers import Integral, Real

import numpy as np

from ._plain import show as _show
from .windows import level_rows_of

__all__ = ["COVARIATE_STATE", "INTERVAL_STATE", "MAX_SCORES", "MAX_SERIES", "PANEL_STATE", "SERIES_STATE", "STATE", "check_agreement",
           "check_intervals", "check_state"]

#: Fitted attributes stored per class (besides the network and the encoder).
STATE = {
    "base": ["n_features_in_", "feature_names_in_", "history_", "n_iter_", "loss_curve_",
             "learning_rate_", "_seeds", "n_outputs_", "n_outputs_expected_"],
    "KerasMLPClassifier": ["classes_", "n_classes_", "target_type_", "_label_dtype"],
    "KerasMLPRegressor": [],
    "WindowForecaster": ["window_size_", "forecasts_itself_", "target_is_1d_", "input_mean_", "input_scale_",
                         "target_mean_", "target_scale_", "context_", "_training_head", "lags_", "level_rows_", "seasonal_period_", "linear_alpha_",
                         "linear_start_kept_", "linear_lags_", "deseasonalize_", "seasonal_indices_", "_training_length",
                         "seasonal_strength_"],
}  # fmt: skip

#: A forecaster's attributes of a fit on one series only, which a fit on a
#: panel does not make (nor a file of one hold).
SERIES_STATE = ["context_", "_training_head", "_training_length"]

#: The attributes a fit on a panel adds; ``panel_ids_`` to ``panel_present_``
#: are held in the file's panel section and ``state.bin`` (see
#: :mod:`skhyper._saved_panel`), the others with the rest of the state.
PANEL_STATE = ["panel_", "n_windows_", "panel_ids_", "panel_last_", "panel_freq_", "naive_mae_", "panel_context_",
               "panel_present_"]  # fmt: skip

#: A forecaster's prediction intervals, which only a fit with
#: ``interval_horizon`` makes (and only its file holds, in format version 3
#: or later): ``conformal_scores_`` is held in ``state.bin`` (see
#: :mod:`skhyper._saved_intervals`), ``interval_scale_`` on one series in
#: JSON; on a panel the file does not hold it: ``load`` computes it from the
#: panel's arrays, as the fit did.
INTERVAL_STATE = ["conformal_scores_", "interval_scale_"]

#: A forecaster's covariates known in advance, which only a fit with
#: ``known_covariates`` or ``static_features`` makes (and only its file holds,
#: in format version 4 or later): the names and standardization in JSON, the
#: per-series arrays in ``state.bin`` (see :mod:`skhyper._saved_covariates`):
#: ``covariate_context_`` on one series, ``panel_covariate_context_`` and
#: ``static_values_`` on a panel.
COVARIATE_STATE = ["covariates_", "covariate_mean_", "covariate_scale_", "_covariate_inputs_layout", "static_features_",
                   "covariate_context_", "panel_covariate_context_", "static_values_", "_covariate_effect",
                   "covariate_coef_", "covariate_reference_"]  # fmt: skip

#: Covariates a file may name (each takes inputs of the network).
MAX_COVARIATES = 2**16

#: Conformity scores a file may hold (a fit makes one per series and
#: calibration origin: 100,000 series with 600 origins each): 512 MB of
#: float64 with ``interval_horizon=1``, which ``state.bin`` must hold too.
MAX_SCORES = 2**26

#: Series a panel file may hold (each costs a few Python objects once read:
#: its id, its last time step).
MAX_SERIES = 2**25

_LIMIT = 2**31  # counts, sizes and seeds a fit makes stay below this
_TINY = 1e-30  # scales a fit makes lie between this and its inverse
_FLOAT32_MAX = float(np.finfo(np.float32).max)  # a series' values fit float32
_TARGET_TYPES = {"binary", "multiclass", "multilabel-indicator", "multiclass-onehot"}


def _int(low=0, high=_LIMIT):
    def check(value):
        if not (isinstance(value, Integral) and not isinstance(value, bool) and low <= value < high):
            raise ValueError(f"an integer in [{low}, {high}), got {_show(value)}")
    return check


def _float(low=-math.inf, positive=False, optional_inf=False):
    def check(value):
        try:
            ok = isinstance(value, Real) and not isinstance(value, bool) and not math.isnan(value)
        except OverflowError:  # an integer beyond floats (10**400): no fit makes one
            ok = False
        if ok and math.isinf(value) and not optional_inf:
            ok = False
        if not ok or value < low or (positive and value <= 0):
            raise ValueError(f"a {'positive ' if positive else ''}finite number, got {_show(value)}")
    return check


def _bool(value):
    if not isinstance(value, bool):
        raise ValueError(f"True or False, got {_show(value)}")


def _optional(check):
    def optional(value):
        if value is not None:
            check(value)
    return optional


def _choice(options):
    def check(value):
        try:
            known = value in options
        except TypeError:  # unhashable: a list, a dict
            known = False
        if not known:
            raise ValueError(f"one of {sorted(options, key=str)}, got {_show(value)}")
    return check


def _numbers(value, kinds="f", ndim=(1,)):
    if not (isinstance(value, np.ndarray) and value.dtype.kind in kinds and value.ndim in ndim):
        raise ValueError(f"a {'/'.join(map(str, ndim))}-d array of numbers, got {_show(value)}")
    if value.dtype.kind == "f" and not np.isfinite(value).all():
        raise ValueError("finite numbers, got NaN or infinite values")


def _array(kinds="f", ndim=(1,), positive=False):
    def check(value):
        _numbers(value, kinds, ndim)
        if positive and not ((value > _TINY) & (value < 1 / _TINY)).all():
            raise ValueError(f"positive numbers between {_TINY:g} and {1 / _TINY:g}")
    return check


def _lags(value):
    _numbers(value, "iu", (1,))
    if len(value) == 0 or not ((value >= 1) & (value < _LIMIT)).all() or not (np.diff(value) < 0).all():
        raise ValueError(f"distinct positive lags, oldest first, got {_show(value)}")


def _history(value):
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, list) for k, v in value.items()):
        raise ValueError(f"a dict of lists by metric name, got {_show(value)}")
    for key, values in value.items():
        if not all(isinstance(v, Real) and not isinstance(v, bool) for v in values):
            raise ValueError(f"numbers in history_[{key!r}]")
    if value and ("loss" not in value or any(len(values) > len(value["loss"]) for values in value.values())):
        # (validation metrics may be fewer: a continued fit can switch validation on)
        raise ValueError(f"a loss each epoch and no metric more often, got lists of"
                         f" {_show({k: len(v) for k, v in value.items()})} values")  # fmt: skip


def _numbers_list(value):
    if not (isinstance(value, list) and all(isinstance(v, Real) and not isinstance(v, bool) for v in value)):
        raise ValueError(f"a list of numbers, got {_show(value)}")


def _seeds(value):
    if not (isinstance(value, dict) and set(value) == {"init", "dropout", "shuffle", "split"}):
        raise ValueError(f"the seeds init, dropout, shuffle and split, got {_show(value)}")
    for seed in value.values():
        _int()(seed)


def _names(value):
    if not (isinstance(value, np.ndarray) and value.ndim == 1 and all(isinstance(v, str) for v in value)):
        raise ValueError(f"a 1-d array of column names, got {_show(value)}")


def _classes(value):
    """Sorted distinct labels, all numbers or all text (what np.unique gives)."""
    if not (isinstance(value, np.ndarray) and value.ndim == 1 and len(value) >= 1):
        raise ValueError(f"a 1-d array of class labels, got {_show(value)}")
    if value.dtype == object:
        if not all(isinstance(v, str) for v in value):
            raise ValueError("class labels that are all numbers or all text")
    elif value.dtype.kind == "f" and not np.isfinite(value).all():
        raise ValueError("class labels that are not NaN")
    elif value.dtype.kind not in "biuf":
        raise ValueError(f"class labels of a plain dtype, got {value.dtype}")
    if not np.array_equal(np.unique(value), value):
        raise ValueError("sorted, distinct class labels")


def _label_dtype(value):
    if value is not None and not (isinstance(value, str) and value[1:2] in ("b", "i", "u", "f") and value[2:].isdigit()):
        raise ValueError(f"None or a NumPy dtype of numbers, got {_show(value)}")


def _true(value):
    if value is not True:
        raise ValueError(f"True (a panel's fitted state), got {_show(value)}")


def _scores(value):
    """Conformity scores: finite float64, one row per forecast, one column per step ahead."""
    if not (isinstance(value, np.ndarray) and value.dtype == np.float64 and value.ndim == 2):
        raise ValueError(f"a 2-d array of float64, got {_show(value)}")
    if not (1 <= value.shape[0] <= MAX_SCORES and value.shape[1] >= 1):
        raise ValueError(f"of 1 to {MAX_SCORES} rows (scores) and 1 or more columns (steps ahead), got shape {value.shape}")
    if not np.isfinite(value).all():
        raise ValueError("finite numbers, got NaN or infinite values")


def _column_names(value):
    """Distinct column names, as text."""
    if not (isinstance(value, list) and 1 <= len(value) <= MAX_COVARIATES and all(type(v) is str for v in value)):
        raise ValueError(f"a list of 1 to {MAX_COVARIATES} column names (text), got {_show(value)}")
    if len(set(value)) != len(value):
        raise ValueError(f"distinct column names, got {_show(value)}")


def _covariate_layout(value):
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], bool)
            and type(value[1]) is int and 1 <= value[1] < _LIMIT):  # fmt: skip
        raise ValueError(f"a tuple (covariates at the window's rows: True/False, horizon), got {_show(value)}")


def _finite_array(ndim):
    def check(value):
        if not (isinstance(value, np.ndarray) and value.dtype == np.float64 and value.ndim == ndim):
            raise ValueError(f"a {ndim}-d array of float64, got {_show(value)}")
        if not np.isfinite(value).all():
            raise ValueError("finite numbers, got NaN or infinite values")
    return check


def _panel_ids(value):
    """Distinct integer or text ids, as many as the panel's series."""
    if not (isinstance(value, np.ndarray) and value.ndim == 1 and 1 <= len(value) <= MAX_SERIES):
        raise ValueError(f"a 1-d array of 1 to {MAX_SERIES} series ids, got {_show(value)}")
    if value.dtype.kind in "iu":
        distinct = len(np.unique(value)) == len(value)
    elif value.dtype == object and all(isinstance(v, str) for v in value):
        distinct = len(set(value.tolist())) == len(value)
    else:
        raise ValueError(f"integer or text ids, got an array of {value.dtype}")
    if not distinct:
        raise ValueError("distinct ids (each series once)")


def _panel_last(value):
    """Each series' last time step: all integers, all dates or all periods."""
    import pandas as pd

    if not (isinstance(value, list) and 1 <= len(value) <= MAX_SERIES):
        raise ValueError(f"a list of 1 to {MAX_SERIES} time steps, got {_show(value)}")
    kinds = (Integral, pd.Timestamp, pd.Period)
    kind = next((k for k in kinds if isinstance(value[0], k) and not isinstance(value[0], (bool, np.bool_))), None)
    if kind is None or not all(isinstance(v, kind) and not isinstance(v, (bool, np.bool_)) for v in value):
        raise ValueError("integers, dates (pandas Timestamps) or periods (pandas Periods), all of one kind")


def _panel_freq(value):
    import pandas as pd

    if value is not None and not isinstance(value, pd.offsets.BaseOffset):
        raise ValueError(f"None or a pandas frequency, got {_show(value)}")


def _naive_mae(value):
    """MAEs: NaN only for a series of one value (which has no naive forecast)."""
    if not (isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.ndim == 1):
        raise ValueError(f"a 1-d array of numbers, got {_show(value)}")
    if np.isinf(value).any() or (value < 0).any():
        raise ValueError("mean absolute errors: numbers >= 0 (NaN for a series of one value)")


def _present(value):
    """Per series, its window's missing values (before its start), then
    those there: the last one at least."""
    if not (isinstance(value, np.ndarray) and value.dtype == bool and value.ndim == 2 and value.shape[1] >= 1):
        raise ValueError(f"a 2-d array of True/False, got {_show(value)}")
    if (np.diff(value.astype(np.int8), axis=1) < 0).any() or not value[:, -1].all():
        raise ValueError("per series, False for the values before its start, then True up to its last value")


_CHECKS = {
    "n_features_in_": _int(1),
    "feature_names_in_": _names,
    "history_": _history,
    "n_iter_": _int(0),
    "loss_curve_": _numbers_list,
    "learning_rate_": _float(positive=True),
    "_seeds": _seeds,
    "n_outputs_": _int(1),
    "n_outputs_expected_": _int(1),
    "classes_": _classes,
    "n_classes_": _int(1),
    "target_type_": _choice(_TARGET_TYPES),
    "_label_dtype": _label_dtype,
    "window_size_": _int(1),
    "forecasts_itself_": _bool,
    "target_is_1d_": _bool,
    "input_mean_": _array(),
    "input_scale_": _array(positive=True),
    "target_mean_": _array(),
    "target_scale_": _array(positive=True),
    "context_": _array(ndim=(2,)),
    "_training_head": _array(ndim=(2,)),
    "lags_": _lags,
    "level_rows_": _int(0),
    "seasonal_period_": _optional(_int(2)),
    "linear_alpha_": _optional(_float(low=0, optional_inf=True)),
    "linear_start_kept_": _optional(_bool),
    "linear_lags_": _optional(lambda value: _numbers(value, "iu", (1,))),
    "deseasonalize_": _choice({None, "additive", "multiplicative", "difference"}),
    "seasonal_indices_": _optional(_array(ndim=(2,))),
    "_training_length": _int(0),
    "seasonal_strength_": _optional(_float()),
    "panel_": _true,
    "n_windows_": _int(1),
    "panel_level_rows_": _int(1),
    "panel_ids_": _panel_ids,
    "panel_last_": _panel_last,
    "panel_freq_": _panel_freq,
    "naive_mae_": _naive_mae,
    "mase_scale_": _naive_mae,
    "panel_context_": _array(ndim=(2,)),
    "panel_present_": _present,
    "conformal_scores_": _scores,
    "interval_scale_": _float(positive=True),
    "covariates_": _column_names,
    "covariate_mean_": _finite_array(1),
    "covariate_scale_": _array(positive=True),
    "_covariate_inputs_layout": _covariate_layout,
    "static_features_": _column_names,
    "covariate_context_": _finite_array(2),
    "panel_covariate_context_": _finite_array(3),
    "static_values_": _finite_array(2),
    "_covariate_effect": _choice({"linear", "both"}),
    "covariate_coef_": _finite_array(2),
    "covariate_reference_": _finite_array(2),
}

#: On a panel, the scaling is one number for every window (inputs and
#: targets alike).
_PANEL_CHECKS = {**_CHECKS, "input_mean_": _float(), "input_scale_": _float(positive=True),
                 "target_mean_": _float(), "target_scale_": _float(positive=True)}  # fmt: skip

#: Attributes every fitted estimator of the class has (older files may lack
#: the forecaster's others: the loader fills them in).
_REQUIRED = {
    "base": ["n_features_in_", "history_", "n_iter_", "learning_rate_", "_seeds"],
    "KerasMLPClassifier": ["classes_", "n_classes_"],
    "KerasMLPRegressor": [],
    "WindowForecaster": ["forecasts_itself_", "target_is_1d_", "input_mean_", "input_scale_", "target_mean_",
                         "target_scale_", "context_"],
}  # fmt: skip


def check_state(kind, state, complete=True):
    """Check the decoded fitted ``state`` (name -> value) of a ``kind``;
    raise a ``ValueError`` that names the first wrong attribute.  With
    ``complete``, every attribute of :data:`STATE` but ``feature_names_in_``
    must be there (else those that files of every version hold); on a
    panel (``panel_`` in ``state``), those of :data:`PANEL_STATE` too and
    none of :data:`SERIES_STATE`."""
    panel = "panel_" in state
    required = [n for n in STATE["base"] + STATE[kind] if n != "feature_names_in_"] if complete else []
    required += _REQUIRED["base"] + _REQUIRED[kind]
    if panel:
        required = [n for n in required if n not in SERIES_STATE] + PANEL_STATE
        extra = [n for n in SERIES_STATE + ["feature_names_in_"] if n in state]
        if extra:
            raise ValueError(f"its fitted state holds {extra[0]}, which a fit on a panel does not make")
    for name in required:
        if name not in state:
            raise ValueError(f"its fitted state lacks {name}")
    checks = _PANEL_CHECKS if panel else _CHECKS
    for name, value in state.items():
        try:
            checks[name](value)
        except ValueError as error:
            raise ValueError(f"its fitted {name} must be {error}") from None
    history, epochs = state.get("history_"), state.get("n_iter_")
    if history and epochs is not None and epochs != len(history["loss"]):
        raise ValueError(f"n_iter_={epochs} for a history_ of {len(history['loss'])} epochs")
    names = state.get("feature_names_in_")
    if names is not None and len(names) != state["n_features_in_"]:
        raise ValueError(f"{len(names)} feature names for n_features_in_={state['n_features_in_']}")
    if kind == "KerasMLPClassifier" and state["n_classes_"] != len(state["classes_"]):
        raise ValueError(f"n_classes_={state['n_classes_']} for {len(state['classes_'])} classes_")
    if kind == "WindowForecaster":
        (_check_panel if panel else _check_forecaster)(state)
        _check_interval_state(state, panel)
        _check_covariate_state(state, panel)


def _check_covariate_state(state, panel):
    """Covariates' names, standardization and arrays all or none, of shapes
    agreeing with each other, the window and the panel's series."""
    names = state.get("covariates_")
    present = [name for name in COVARIATE_STATE if name in state]
    if names is None:
        if present:
            raise ValueError(f"its fitted state holds {present[0]} without covariates_ (a fit with covariates makes both)")
        return
    own, other = ("panel_covariate_context_", "covariate_context_") if panel else ("covariate_context_", "panel_covariate_context_")
    required = ["covariate_mean_", "covariate_scale_", "_covariate_inputs_layout", own]
    missing = [name for name in required if name not in state]
    if missing:
        raise ValueError(f"its fitted state holds covariates_ without {missing[0]} (a fit with covariates makes both)")
    wrong = [name for name in (other, *([] if panel else ["static_features_", "static_values_"])) if name in state]
    if wrong:
        raise ValueError(f"its fitted state holds {wrong[0]}, which a fit {'on a panel' if panel else 'on one series'} does not make")
    n = len(names)
    for name in ("covariate_mean_", "covariate_scale_"):
        if len(state[name]) != n:
            raise ValueError(f"{name} of {len(state[name])} values for {n} covariates_")
    context = state[own]
    if context.shape[-1] != n:
        raise ValueError(f"{own} of {context.shape[-1]} columns for {n} covariates_")
    if panel:
        n_series, window = len(state["panel_ids_"]), state["window_size_"]
        if context.shape[:2] != (n_series, window):
            raise ValueError(f"{own} of shape {context.shape} for {n_series} series of windows of {window}"
                             f" (panel_context_ {state['panel_context_'].shape})")  # fmt: skip
    elif context.shape[0] != len(state["context_"]):
        raise ValueError(f"{own} of {context.shape[0]} rows for context_ of {len(state['context_'])}")
    statics, values = state.get("static_features_"), state.get("static_values_")
    if (statics is None) != (values is None):
        have, lack = ("static_features_", "static_values_") if values is None else ("static_values_", "static_features_")
        raise ValueError(f"its fitted state holds {have} without {lack} (a fit with static_features makes both)")
    if statics is not None:
        if names[len(names) - len(statics):] != statics:
            raise ValueError(f"static_features_ {_show(statics)} other than the last of covariates_ {_show(names)}")
        if values.shape != (len(state["panel_ids_"]), len(statics)):
            raise ValueError(f"static_values_ of shape {values.shape} for {len(state['panel_ids_'])} series and"
                             f" {len(statics)} static_features_")  # fmt: skip
    _check_effect_state(state, panel, n - len(statics or []))


def _check_forecaster(state):
    n_features = state["n_features_in_"]
    if "mase_scale_" in state and state["mase_scale_"].shape != (1,):
        raise ValueError(f"one series' mase_scale_ of {len(state['mase_scale_'])} values (one scale)")
    for name in ("input_mean_", "input_scale_"):
        if len(state[name]) != n_features:
            raise ValueError(f"{name} of {len(state[name])} values for {n_features} features")
    width = len(state["target_mean_"])
    if len(state["target_scale_"]) != width or (state["target_is_1d_"] and width != 1):
        raise ValueError(f"target_mean_ and target_scale_ of {width} and {len(state['target_scale_'])} values"
                         f" with target_is_1d_={state['target_is_1d_']}")
    if state["forecasts_itself_"] and width != n_features:
        raise ValueError(f"a forecaster of its own series with {width} target columns for {n_features} features")
    columns = {state[name].shape[1] for name in ("context_", "_training_head") if name in state}
    if state["forecasts_itself_"] and columns - {n_features}:
        raise ValueError(f"context_ of {columns} columns for {n_features} features")
    lags = state.get("lags_")
    if lags is not None and len(state["context_"]) < int(lags.max()):
        raise ValueError(f"context_ of {len(state['context_'])} rows for lags reaching {int(lags.max())} back")
    length = state.get("_training_length")
    if length is not None and length < len(state["context_"]):  # the context is the series' last rows
        raise ValueError(f"_training_length={length} for a context_ of its last {len(state['context_'])} rows")
    indices, period = state.get("seasonal_indices_"), state.get("seasonal_period_")
    if indices is not None and (period is None or len(indices) != period):
        raise ValueError(f"{len(indices)} seasonal_indices_ for seasonal_period_={period}")
    if state.get("deseasonalize_") in ("additive", "multiplicative") and indices is None:
        raise ValueError(f"deseasonalize_={state['deseasonalize_']!r} without seasonal_indices_")
    if state.get("deseasonalize_") == "multiplicative" and not ((indices > _TINY) & (indices < 1 / _TINY)).all():
        raise ValueError("multiplicative seasonal_indices_ must be positive")
    if state.get("deseasonalize_") is not None and period is None:
        raise ValueError(f"deseasonalize_={state['deseasonalize_']!r} without a seasonal_period_")


def _check_interval_state(state, panel):
    """Scores and, on one series, a scale both or neither (a panel's scale
    is not stored)."""
    scores, scale = "conformal_scores_" in state, "interval_scale_" in state
    if panel and scale:
        raise ValueError("its fitted state holds interval_scale_, which a panel's file does not hold (load computes"
                         " it from naive_mae_ and the windows)")  # fmt: skip
    if not panel and scores != scale:
        have, lack = ("conformal_scores_", "interval_scale_") if scores else ("interval_scale_", "conformal_scores_")
        raise ValueError(f"its fitted state holds {have} without {lack} (a fit with interval_horizon makes both)")
    scales = state.get("naive_mae_") if panel else state.get("interval_scale_")
    if scores and scales is not None:  # a score times its scale is an error of float32 values
        widest = float(np.nanmax(np.abs(state["conformal_scores_"]))) * float(np.nanmax(np.atleast_1d(scales), initial=0.0))
        if not widest <= 2 * _FLOAT32_MAX:
            raise ValueError(f"conformal scores and scales that make intervals {widest:.3g} wide, more than any"
                             " float32 series' values span")  # fmt: skip


def _check_panel(state):
    """A panel's state: one series per id, a window of ``window_size_``
    values each, of one kind of time step at its frequency."""
    import pandas as pd

    fixed = {"n_features_in_": 1, "forecasts_itself_": True, "target_is_1d_": True, "level_rows_": 0,
             "deseasonalize_": None, "seasonal_indices_": None, "seasonal_strength_": None}  # fmt: skip
    for name, value in fixed.items():
        if name in state and not (state[name] is value or (type(value) is int and state[name] == value)):
            raise ValueError(f"{name}={_show(state[name])}; a fit on a panel makes it {value!r}")
    if (state["input_mean_"], state["input_scale_"]) != (state["target_mean_"], state["target_scale_"]):
        raise ValueError("input_mean_ and input_scale_ other than target_mean_ and target_scale_ (one scaling on a panel)")
    window = state.get("window_size_")
    if window is None:
        raise ValueError("its fitted state lacks window_size_")
    n_series = len(state["panel_ids_"])
    for name in ("panel_last_", "naive_mae_", "panel_context_", "panel_present_", "mase_scale_"):
        if name in state and len(state[name]) != n_series:
            raise ValueError(f"{name} of {len(state[name])} series for {n_series} panel_ids_")
    context, present = state["panel_context_"], state["panel_present_"]
    if context.shape[1] != window:  # first: the window is then no larger than the file
        raise ValueError(f"panel_context_ of {context.shape[1]} columns for window_size_={window}")
    level_rows = state.get("panel_level_rows_")
    if level_rows is not None and level_rows != level_rows_of(window, state.get("seasonal_period_")):
        raise ValueError(f"panel_level_rows_={level_rows} other than the"
                         f" {level_rows_of(window, state.get('seasonal_period_'))} that window_size_={window} and"
                         f" seasonal_period_={state.get('seasonal_period_')} make")  # fmt: skip
    lags = state.get("lags_")
    if lags is not None and not (len(lags) == window and np.array_equal(lags, np.arange(window, 0, -1))):
        raise ValueError(f"lags_ other than the {window} latest values that window_size_={window} makes on a panel")
    if present.shape != context.shape:
        raise ValueError(f"panel_present_ of shape {present.shape} for panel_context_ of shape {context.shape}")
    first = np.argmax(present, axis=1)  # each window's first value there, which the ones before repeat
    if (context != context[np.arange(n_series), first][:, None])[~present].any():
        raise ValueError("panel_context_ values before a series' start other than its first value")
    freq, last = state["panel_freq_"], state["panel_last_"][0]
    _check_panel_scales(state, present)
    if isinstance(last, Integral) != (freq is None):
        raise ValueError(f"time steps of {type(last).__name__} with panel_freq_={_show(freq)} (integer steps have none)")
    if isinstance(last, pd.Period) and any(p.freq != freq for p in state["panel_last_"]):
        raise ValueError(f"periods of another frequency than panel_freq_={freq.freqstr}")


#: What the mean absolute difference of a series' values can be when it is
#: not 0: up to twice the largest float32 (a fit's values fit float32), and
#: down to the smallest normal float64 (values of 1e-300 fit; a subnormal
#: scale, 5e-324, made every MASE infinite).
_MAE_RANGE = (float(np.finfo(np.float64).tiny), 2 * _FLOAT32_MAX)


def _check_panel_scales(state, present):
    """``naive_mae_`` and ``mase_scale_`` as a fit makes them: NaN for the
    series of one value alone (and only where both are), 0 (a constant
    series) or within the scales' range; and ``mase_scale_`` other than
    ``naive_mae_`` only where ``seasonal_period_`` is not the season of the
    data's frequency, which the scorers take."""
    from .estimators._panel import calendar_season

    naive, scale = state["naive_mae_"], state.get("mase_scale_", state["naive_mae_"])
    single = present.sum(axis=1) == 1  # (every series, for a window of one value)
    for name, values in (("naive_mae_", naive), ("mase_scale_", scale)):
        if (np.isnan(values) & ~single).any():
            raise ValueError(f"{name} NaN for a series of more than one value (only one value has no naive forecast)")
        if not ((values == 0) | ((values >= _MAE_RANGE[0]) & (values <= _MAE_RANGE[1])) | np.isnan(values)).all():
            raise ValueError(f"{name} of 0 (a constant series) or between {_MAE_RANGE[0]:g} and {_MAE_RANGE[1]:g}"
                             " (the mean absolute differences of a fit's values)")  # fmt: skip
    if not np.array_equal(np.isnan(naive), np.isnan(scale)):
        raise ValueError("mase_scale_ NaN for other series than naive_mae_ (both are NaN for a series of one value)")
    if np.array_equal(naive, scale, equal_nan=True):
        return
    period, freq, last = state.get("seasonal_period_") or 1, state["panel_freq_"], state["panel_last_"][0]
    seasons = {calendar_season(freq, last, rows) or 1 for rows in (1, 2**40)}  # (daily data: a week or a year)
    if seasons == {period}:
        raise ValueError(f"mase_scale_ other than naive_mae_ with seasonal_period_={period}, the season of the"
                         " panel's frequency: a fit makes them the same")  # fmt: skip


def check_agreement(estimator, network_inputs=None):
    """Check that an estimator's fitted state is what a fit with its
    parameters makes (its window and season, its target's kind; on a panel,
    the inputs ``network_inputs``, when given, that its window and
    ``series_encoding`` make); raise a ``ValueError`` naming the first that
    is not."""
    kind = type(estimator).__name__
    if kind == "KerasMLPClassifier":
        _check_classifier(estimator)
    elif kind == "WindowForecaster" and getattr(estimator, "panel_", False):
        _check_panel_params(estimator, network_inputs)
    elif kind == "WindowForecaster":
        _check_forecaster_params(estimator, network_inputs)
    if kind == "WindowForecaster":
        check_intervals(estimator)
        check_covariates(estimator)


def _check_effect_state(state, panel, n_known):
    """The known covariates' linear effect: its three attributes all or
    none, only with known covariates, of the shapes a fit makes."""
    effect = [name for name in ("_covariate_effect", "covariate_coef_", "covariate_reference_") if name in state]
    if not effect:
        return
    if len(effect) != 3:
        lack = next(n for n in ("_covariate_effect", "covariate_coef_", "covariate_reference_") if n not in state)
        raise ValueError(f"its fitted state holds {effect[0]} without {lack} (a fit with covariate_effect makes all three)")
    if n_known < 1:
        raise ValueError("its fitted state holds covariate_coef_ without known covariates (static features are not regressed)")
    n_series = len(state["panel_ids_"]) if panel else 1
    coef_shape = (n_series, n_known) if panel else (n_known, state["n_features_in_"])
    for name, shape in (("covariate_coef_", coef_shape), ("covariate_reference_", (n_series, n_known))):
        if state[name].shape != shape:
            raise ValueError(f"{name} of shape {state[name].shape} where {n_known} known covariates"
                             f" {'of ' + str(n_series) + ' series' if panel else 'of one series'} make {shape}")  # fmt: skip


def check_covariates(estimator):
    """Check that a fitted forecaster's covariates are those a fit with its
    ``known_covariates``, ``static_features``, ``covariate_window`` and
    ``horizon`` makes (the network's inputs depend on them); raise a
    ``ValueError`` naming what is not."""
    fitted = list(getattr(estimator, "covariates_", None) or [])
    # a panel's covariates are never its own columns (unique_id, ds, y): fit refuses them
    names = estimator._panel_covariate_names() if getattr(estimator, "panel_", False) else estimator._covariate_names()
    if fitted != names:
        raise ValueError(f"covariates_={_show(fitted or None)} where known_covariates and static_features make {_show(names or None)}")
    statics = list(getattr(estimator, "static_features_", None) or [])
    if fitted and statics != estimator._static_names():
        raise ValueError(f"static_features_={_show(statics or None)} where static_features={_show(estimator.static_features)}")
    regressed = getattr(estimator, "covariate_coef_", None) is not None
    makes = bool(fitted) and estimator._makes_linear_effect(getattr(estimator, "panel_", False) or estimator.forecasts_itself_)
    if fitted and regressed != bool(makes):
        raise ValueError(f"a fitted state {'with' if regressed else 'without'} a linear effect of the known covariates"
                         f" where covariate_effect={estimator.covariate_effect!r} makes {'one' if makes else 'none'}")  # fmt: skip
    if regressed and estimator._fitted_effect() != estimator.covariate_effect:
        raise ValueError(f"a linear effect fit with covariate_effect={estimator._fitted_effect()!r} where the parameter is"
                         f" {estimator.covariate_effect!r}")  # fmt: skip
    layout = (bool(estimator.covariate_window), int(estimator.horizon))
    if estimator._network_covariates() and estimator._covariate_layout() != layout:  # the network's inputs
        raise ValueError(f"covariate inputs laid out as {estimator._covariate_layout()} (covariate_window, horizon)"
                         f" where the parameters make {layout}")  # fmt: skip


def check_intervals(estimator, values=False):
    """Check that a fitted forecaster's intervals are those a fit with its
    ``interval_horizon`` makes: scores exactly when it is set, one column
    per step ahead, and on one series a model of the series itself with a
    scale; with ``values``, the scores' and scale's values too (as
    :func:`check_state` checks a file's); raise a ``ValueError`` naming what
    is not."""
    horizon, scores = estimator.interval_horizon, getattr(estimator, "conformal_scores_", None)
    if horizon is not None and estimator.interval_method == "quantile":
        raise ValueError("interval_method='quantile' with interval_horizon set: such intervals are networks of their"
                         " own, which no file of the safe format holds")  # fmt: skip
    if (horizon is None) != (scores is None):
        if scores is None:
            raise ValueError(f"no conformal_scores_ where interval_horizon={horizon!r} makes a fit calibrate intervals")
        raise ValueError("conformal_scores_ where interval_horizon=None makes a fit calibrate none")
    if scores is None:
        return
    if values:
        try:
            _scores(scores)
        except ValueError as error:
            raise ValueError(f"its conformal_scores_ must be {error}") from None
    if scores.shape[1] != horizon:
        raise ValueError(f"conformal_scores_ of {scores.shape[1]} columns where interval_horizon={horizon!r} makes"
                         f" {horizon} (one per step ahead)")  # fmt: skip
    if getattr(estimator, "panel_", False):
        return
    scale = getattr(estimator, "interval_scale_", None)
    if scale is None:
        raise ValueError("conformal_scores_ without interval_scale_")
    if values:
        try:
            _float(positive=True)(scale)
        except ValueError as error:
            raise ValueError(f"its interval_scale_ must be {error}") from None
    if not estimator.forecasts_itself_ or estimator.n_features_in_ != 1:
        raise ValueError("intervals of a forecaster that is not a model of one series itself, which a fit refuses")


def _check_classifier(estimator):
    kind, n_classes = estimator._target_type(), estimator.n_classes_
    if kind == "binary" and n_classes != 2:
        raise ValueError(f"target_type_='binary' with {n_classes} classes")
    two_d = kind in ("multilabel-indicator", "multiclass-onehot")
    if two_d and not np.array_equal(estimator.classes_, np.arange(n_classes)):
        raise ValueError(f"target_type_={kind!r} with classes_ other than 0 .. {n_classes - 1}")
    if two_d != (estimator._label_dtype is not None):
        raise ValueError(f"_label_dtype={estimator._label_dtype!r} with target_type_={kind!r}")


def _check_given(estimator):
    for name in ("window_size", "seasonal_period"):  # an "auto" one is whatever fit found
        given, fitted = getattr(estimator, name), getattr(estimator, name + "_")
        if name == "seasonal_period" and given == 1:  # no season, as None
            given = None
        if given != "auto" and fitted != given:
            raise ValueError(f"{name}_={fitted!r} where its parameter {name}={given!r} makes it that")


def _check_panel_params(estimator, network_inputs):
    from .estimators._panel import MAX_ONEHOT_VALUES, MAX_WINDOWS

    _check_given(estimator)
    if estimator.deseasonalize is not None:
        raise ValueError(f"a fit on a panel with deseasonalize={estimator.deseasonalize!r}, which a panel fit refuses")
    if estimator.n_outputs_ != estimator.horizon:
        raise ValueError(f"n_outputs_={estimator.n_outputs_} other than the horizon={estimator.horizon} a panel fit makes")
    n_series, n_windows = len(estimator.panel_ids_), estimator.n_windows_
    if n_windows > MAX_WINDOWS:
        raise ValueError(f"n_windows_={n_windows}; a panel fit trains on at most {MAX_WINDOWS}")
    if estimator.series_encoding == "onehot" and n_windows * n_series > MAX_ONEHOT_VALUES:
        raise ValueError(f"series_encoding='onehot' on {n_series} series and {n_windows} windows, which a fit refuses"
                         f" (at most {MAX_ONEHOT_VALUES} inputs)")  # fmt: skip
    expected = estimator._panel_n_inputs()
    if network_inputs is not None and network_inputs != expected:
        onehot = f" + {n_series} series (series_encoding='onehot')" if estimator.series_encoding == "onehot" else ""
        raise ValueError(f"a network of {network_inputs} inputs where window_size_={estimator.window_size_} makes"
                         f" {expected} (2 x {estimator.window_size_} values and which are there{onehot})")  # fmt: skip
    linear = estimator.linear_lags_
    if linear is not None and not np.isin(linear, estimator.lags_).all():
        raise ValueError("linear_lags_ outside lags_")


def _check_window_reach(estimator):
    """The window and the season's rows within ``lags_``, as every fit's
    are: checked before the offsets they make are drawn (a file's huge
    ``window_size_`` would otherwise allocate its offsets first)."""
    lags = np.asarray(estimator.lags_)
    largest = int(lags.max()) if lags.size else 0
    window = estimator._window()
    period, seasonal_window = estimator._season()
    rows = max(window, estimator.horizon + 2 * seasonal_window if period else 0)
    reach = max(window, period + seasonal_window if period else 0)
    if rows > lags.size or reach > largest:
        raise ValueError(f"window_size={window}, seasonal_period={period} and seasonal_window={seasonal_window}"
                         f" reach past the {lags.size} lags_ (the oldest {largest}) a fit made")


def _check_forecaster_params(estimator, network_inputs=None):
    _check_given(estimator)
    covariates = estimator._n_covariate_inputs(len(estimator.lags_))
    expected = estimator.n_features_in_ * len(estimator.lags_) + covariates
    if covariates and network_inputs is not None and network_inputs != expected:
        raise ValueError(f"a network of {network_inputs} inputs where {len(estimator.lags_)} lags of"
                         f" {estimator.n_features_in_} features and {len(estimator._network_covariates())} covariates"
                         f" (laid out as {estimator._covariate_layout()}) make {expected}")  # fmt: skip
    _check_window_reach(estimator)
    differences = estimator._windows_unlike_fit(estimator.forecasts_itself_)
    if differences:
        raise ValueError(differences[0])
    mode, chosen = estimator.deseasonalize_, estimator.deseasonalize
    allowed = {None: {None}, "difference": {None, "difference"}, "additive": {None, "additive"},
               "multiplicative": {None, "multiplicative"}, "auto": {None, "additive", "multiplicative"}}[chosen]
    if mode not in allowed:
        raise ValueError(f"deseasonalize_={mode!r} where deseasonalize={chosen!r}")
    if (estimator.seasonal_indices_ is not None) != (mode in ("additive", "multiplicative")):
        raise ValueError(f"seasonal_indices_ {'without' if estimator.seasonal_indices_ is None else 'with'}"
                         f" deseasonalize_={mode!r}")
    linear = estimator.linear_lags_
    if linear is not None and not np.isin(linear, estimator.lags_).all():
        raise ValueError("linear_lags_ outside lags_")
