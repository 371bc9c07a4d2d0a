"""Cross-validation of forecasts on panels, for sklearn's searches.

:class:`PanelSplit` cuts every series of a long panel (``unique_id``, ``ds``,
``y``) at the same number of origins and yields, for each origin, the rows
up to it (train) and the ``h`` rows after it (test): statsforecast's
``cross_validation(h, n_windows, step_size)`` as a scikit-learn splitter.
``GridSearchCV(WindowForecaster(), grid, cv=PanelSplit(h=18),
scoring=skhyper.scorers.neg_smape)`` then tunes a global model on h-step
forecasts from each origin.
"""

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator

from .panel import ID, TIME, _as_panel

__all__ = ["PanelSplit"]


class PanelSplit(BaseCrossValidator):
    """Rolling origins over every series of a panel.

    Parameters
    ----------
    h : int
        Time steps forecast from each origin (the test rows of each series).
    n_windows : int, default=1
        Origins per series, the last one ``h`` steps before each series' end.
    step_size : int, default=None
        Time steps between origins (``h`` when None: blocks that do not
        overlap; statsforecast's ``cross_validation`` steps by 1 when not
        given, so pass ``step_size=1`` for its origins).

    Notes
    -----
    Indices are positions in the panel as given (any row order).  Origins
    count back from each series' own end, as statsforecast's do; a series
    too short to keep at least one training row before an origin has no
    test rows for it (its rows up to the origin still train).  ``X`` must be
    a long DataFrame; a dict of series has no row positions.

    Examples
    --------
    >>> import pandas as pd
    >>> from skhyper import PanelSplit
    >>> panel = pd.DataFrame({"unique_id": ["a"] * 5 + ["b"] * 4,
    ...                       "ds": list(range(5)) + list(range(4)), "y": range(9)})
    >>> [(train.tolist(), test.tolist()) for train, test in PanelSplit(h=1, n_windows=2).split(panel)]
    [([0, 1, 2, 5, 6], [3, 7]), ([0, 1, 2, 3, 5, 6, 7], [4, 8])]
    """

    def __init__(self, h, n_windows=1, step_size=None):
        self.h = h
        self.n_windows = n_windows
        self.step_size = step_size

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of origins, ``n_windows``.

        Parameters
        ----------
        X, y, groups : object, default=None
            Ignored; for sklearn's splitter interface.

        Returns
        -------
        int
            ``n_windows``.
        """
        return self.n_windows

    def split(self, X, y=None, groups=None):
        """The training and test rows of each origin, oldest origin first.

        Parameters
        ----------
        X : pandas DataFrame
            A long panel with columns ``unique_id``, ``ds`` and ``y`` (and any
            others, such as covariates, which are not read).
        y, groups : object, default=None
            Ignored; for sklearn's splitter interface.

        Yields
        ------
        train, test : ndarray of int
            Positions in ``X`` of every series' rows up to the origin, and
            of the ``h`` rows after it.

        Raises
        ------
        ValueError
            For ``h``, ``n_windows`` or ``step_size`` that is not a positive
            integer, ``X`` that is not a long DataFrame, or a panel that
            fails :func:`skhyper.panel.as_panel`'s checks.
        """
        self._check()
        if not isinstance(X, pd.DataFrame):
            raise ValueError("PanelSplit splits a long DataFrame (unique_id, ds, y); convert a dict of series first.")
        _as_panel(X, "X", [], any_columns=True)  # the panel's checks: duplicates, gaps, NaN (other columns: covariates)
        order = X[[ID, TIME]].reset_index(drop=True).sort_values([ID, TIME], kind="stable").index.to_numpy()
        codes = pd.factorize(X[ID].to_numpy()[order])[0]  # 0, 1, ... by series, each series' rows together
        position = np.arange(len(order)) - np.searchsorted(codes, codes)  # 0 at each series' first row
        length = np.bincount(codes)[codes]
        from_end = length - position  # 1 at each series' last row
        step = self.h if self.step_size is None else self.step_size
        for window in range(self.n_windows):
            back = (self.n_windows - 1 - window) * step  # steps the origin's test rows end before the series' end
            test = (from_end > back) & (from_end <= back + self.h)
            train = from_end > back + self.h
            has_train = np.bincount(codes, weights=train)[codes] > 0
            yield np.sort(order[train]), np.sort(order[test & has_train])

    def _check(self):
        for name in ("h", "n_windows"):
            value = getattr(self, name)
            if not (isinstance(value, (int, np.integer)) and value >= 1):
                raise ValueError(f"PanelSplit's {name} must be a positive integer, got {value!r}.")
        if self.step_size is not None and not (isinstance(self.step_size, (int, np.integer)) and self.step_size >= 1):
            raise ValueError(f"PanelSplit's step_size must be a positive integer or None, got {self.step_size!r}.")
