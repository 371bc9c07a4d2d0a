"""A forecaster's covariates known in advance in the safe format.

A :class:`~skhyper.WindowForecaster` fit with ``known_covariates`` or
``static_features`` keeps their names and standardization
(``covariates_``, ``covariate_mean_``, ``covariate_scale_``,
``static_features_`` and the private ``_covariate_inputs_layout``; with
``covariate_effect`` "linear" or "both", the private ``_covariate_effect``,
``covariate_coef_`` and ``covariate_reference_`` too (format version 6):
small, in the fitted state, as JSON) and per-series arrays: on one series the
covariates' last rows (``covariate_context_``), on a panel each series'
(``panel_covariate_context_``, ``n_series x window x n_covariates``) and its
static features' values (``static_values_``, ``n_series x n_static``).
Those go to ``state.bin`` after the panel's arrays and the interval scores,
raw little-endian float64 values, listed in ``skhyper.json``'s
``covariates`` section as the ``panel`` section lists its arrays::

    "covariates": {"arrays": [["panel_covariate_context_", [n_series, window, n_covariates], "<f8"],
                              ["static_values_", [n_series, n_static], "<f8"]]}

A forecaster fit without covariates has no such section nor attributes in
its file (which is then as before).  :func:`covariates_of` gives what
``save`` writes; :func:`covariate_listing` checks the section and gives the
arrays it lists with their sizes in bytes, which :mod:`skhyper.persistence`
checks, with the other arrays of ``state.bin``, against the member's size
before reading anything.  Errors are ``ValueError``s;
:mod:`skhyper.persistence` adds the file's path.  What the attributes must
be (finite, of shapes agreeing with each other, the window and the panel)
is checked afterwards with the rest of the fitted state
(:mod:`skhyper._fitted_state`).
"""

import math

import numpy as np

from ._plain import show as _show

__all__ = ["EFFECT_ATTRIBUTES", "JSON_ATTRIBUTES", "covariate_listing", "covariates_of"]

#: The attributes the fitted state (JSON) holds for a forecaster with covariates.
JSON_ATTRIBUTES = ("covariates_", "covariate_mean_", "covariate_scale_", "_covariate_inputs_layout", "static_features_",
                   "_covariate_effect", "covariate_coef_", "covariate_reference_")  # fmt: skip

#: Those of them only a fit that regressed on its known covariates makes
#: (``covariate_effect`` "linear" or "both"), in files of format version 6
#: or later.
EFFECT_ATTRIBUTES = ("_covariate_effect", "covariate_coef_", "covariate_reference_")

_DTYPE = "<f8"
_LAYOUTS = {  # (panel, static features): the arrays, in order, with their ndim
    (False, False): (("covariate_context_", 2),),
    (True, False): (("panel_covariate_context_", 3),),
    (True, True): (("panel_covariate_context_", 3), ("static_values_", 2)),
}


def covariates_of(estimator, panel):
    """The fitted-state entries, the ``covariates`` section and the arrays
    for ``state.bin`` of a fitted forecaster, or ``({}, None, [])`` for one
    fit without covariates; a ``ValueError`` for names that are not text."""
    names = getattr(estimator, "covariates_", None)
    if not names:
        return {}, None, []
    statics = getattr(estimator, "static_features_", None)
    odd = next((name for name in [*names, *(statics or [])] if not isinstance(name, str)), None)
    if odd is not None:
        raise ValueError(
            f"Cannot save this WindowForecaster in the safe format: its covariate {odd!r} is named by a"
            f" {type(odd).__name__}, not text; the format stores column names that are strings. Rename the"
            " columns (frame.columns.astype(str)) and fit again, or store it with joblib/pickle (trusted files only)."
        )
    state = {
        "covariates_": [str(name) for name in names],
        "covariate_mean_": np.asarray(estimator.covariate_mean_, dtype=np.float64),
        "covariate_scale_": np.asarray(estimator.covariate_scale_, dtype=np.float64),
        "_covariate_inputs_layout": tuple(estimator._covariate_layout()),
    }
    if statics:  # only on a panel with static_features
        state["static_features_"] = [str(name) for name in statics]
    if getattr(estimator, "covariate_coef_", None) is not None:  # the known covariates' linear effect
        state["_covariate_effect"] = estimator._fitted_effect()
        state["covariate_coef_"] = np.asarray(estimator.covariate_coef_, dtype=np.float64)
        state["covariate_reference_"] = np.asarray(estimator.covariate_reference_, dtype=np.float64)
    if panel:
        arrays = [("panel_covariate_context_", estimator.panel_covariate_context_)]
        if statics:
            arrays.append(("static_values_", estimator.static_values_))
    else:
        arrays = [("covariate_context_", estimator.covariate_context_)]
    arrays = [(name, np.ascontiguousarray(array, dtype=_DTYPE)) for name, array in arrays]
    section = {"arrays": [[name, list(array.shape), array.dtype.str] for name, array in arrays]}
    return state, section, [array for _, array in arrays]


def covariate_listing(section, panel):
    """The arrays the ``covariates`` section lists, as ``[(name, shape,
    dtype, n_bytes)]``, once the section is checked (nothing is read)."""
    if not (isinstance(section, dict) and set(section) == {"arrays"} and isinstance(section["arrays"], list)):
        raise ValueError("damaged skhyper file: its covariates section must hold ['arrays'] only.")
    listing = section["arrays"]
    layout = _LAYOUTS.get((bool(panel), len(listing) == 2))
    if layout is None or len(listing) != len(layout) or not all(
        isinstance(entry, list) and len(entry) == 3 and entry[0] == name for entry, (name, _) in zip(listing, layout)
    ):
        expected = " or ".join(str([name for name, _ in layout]) for (p, _), layout in _LAYOUTS.items() if p == bool(panel))
        raise ValueError(f"damaged skhyper file: the covariates' arrays must be {expected}, each [name, shape, dtype].")
    checked = []
    for (name, shape, dtype), (_, ndim) in zip(listing, layout):
        if not (isinstance(shape, list) and len(shape) == ndim and all(type(n) is int and 0 <= n < 2**31 for n in shape)):
            raise ValueError(f"damaged skhyper file: {name} in state.bin must have a shape of {ndim} counts, not {_show(shape)}.")
        if dtype != _DTYPE:
            raise ValueError(f"{name} in state.bin must be of dtype {_DTYPE} (float64), not {_show(dtype)}.")
        checked.append((name, shape, dtype, math.prod(shape) * np.dtype(dtype).itemsize))
    return checked
