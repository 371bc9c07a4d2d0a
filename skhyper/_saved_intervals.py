"""A forecaster's prediction intervals in the safe format: its conformity
scores in ``state.bin``, listed in ``skhyper.json``'s ``intervals`` section.

A :class:`~skhyper.WindowForecaster` fit with ``interval_horizon`` keeps
``conformal_scores_`` (float64, ``n_scores x interval_horizon``: on a panel
of 100,000 series a few hundred thousand rows, megabytes, beyond what JSON
holds well) and ``interval_scale_``.  The scores go to ``state.bin`` (after
a panel's arrays, when there are any), raw little-endian float64 values,
row after row, and the ``intervals`` section lists them as the ``panel``
section lists its arrays::

    "intervals": {"arrays": [["conformal_scores_", [n_scores, interval_horizon], "<f8"]]}

``interval_scale_`` is not here: on one series it is a number in the fitted
state (JSON), on a panel ``load`` computes it again from the panel's arrays
(:func:`skhyper.estimators._intervals.panel_scales`), as the fit did.

:func:`intervals_of` gives what ``save`` writes (nothing for a forecaster
fit without intervals); :func:`interval_listing` checks the section and
gives the array it lists with its size in bytes, which
:mod:`skhyper.persistence` checks, with the panel's, against the bytes of
``state.bin`` before reading anything.  Errors are ``ValueError``s;
:mod:`skhyper.persistence` adds the file's path.  What the scores must be
(finite, one column per step of ``interval_horizon``, present exactly when
it is set) is checked afterwards with the rest of the fitted state
(:mod:`skhyper._fitted_state`).
"""

import numpy as np

from ._fitted_state import MAX_SCORES
from ._plain import show as _show

__all__ = ["interval_listing", "intervals_of"]

_NAME = "conformal_scores_"
_DTYPE = "<f8"


def intervals_of(estimator):
    """The ``intervals`` section and the arrays for ``state.bin`` of a
    fitted forecaster, or ``(None, [])`` for one fit without intervals."""
    scores = getattr(estimator, _NAME, None)
    if scores is None:
        return None, []
    scores = np.ascontiguousarray(scores, dtype=_DTYPE)
    return {"arrays": [[_NAME, list(scores.shape), scores.dtype.str]]}, [scores]


def interval_listing(section):
    """The array the ``intervals`` section lists, as ``[(name, shape,
    dtype, n_bytes)]``, once the section is checked (nothing is read)."""
    if not (isinstance(section, dict) and set(section) == {"arrays"}):
        raise ValueError("damaged skhyper file: its intervals section must hold ['arrays'] only.")
    listing = section["arrays"]
    if not (isinstance(listing, list) and len(listing) == 1 and isinstance(listing[0], list) and len(listing[0]) == 3
            and listing[0][0] == _NAME):  # fmt: skip
        raise ValueError(f"damaged skhyper file: the intervals' arrays must be [[{_NAME!r}, shape, dtype]].")
    name, shape, dtype = listing[0]
    if not (isinstance(shape, list) and len(shape) == 2 and all(type(n) is int for n in shape)):
        raise ValueError(f"damaged skhyper file: {name} in state.bin must have a shape of 2 counts, not {_show(shape)}.")
    rows, columns = shape
    if not 1 <= rows <= MAX_SCORES:
        raise ValueError(f"{name} in state.bin must have 1 to {MAX_SCORES} rows (scores), not {_show(rows)}.")
    if not 1 <= columns < 2**31:
        raise ValueError(f"{name} in state.bin must have 1 or more columns (steps ahead), not {_show(columns)}.")
    if dtype != _DTYPE:
        raise ValueError(f"{name} in state.bin must be of dtype {_DTYPE} (float64), not {_show(dtype)}.")
    return [(name, shape, dtype, rows * columns * np.dtype(dtype).itemsize)]
