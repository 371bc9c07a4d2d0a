"""Searches described in TOML: read, check and build (the ``skhyper search`` command).

A config names an estimator and its fixed parameters, the values to search,
the data and the search itself::

    [estimator]
    kind = "KerasMLPClassifier"          # KerasMLPRegressor, WindowForecaster
    params = { hidden_layer_sizes = [64], epochs = 20, random_state = 0 }

    [grid]                               # lists; distributions for kind = "random"
    kernel_initializer = ["glorot_uniform", "he_uniform"]
    learning_rate = { distribution = "loguniform", low = 1e-4, high = 1e-1 }

    [data]
    dataset = "digits"                   # digits, breast_cancer, diabetes, book_series (its training part)
    # csv = "data.csv" and target = "label" (a forecaster: column = "value";
    # a CSV with unique_id and ds columns is a panel, cv its origins per series)

    [forecast]                           # a forecaster only: forecast after the search
    steps = 30                           # past the end of the series, by the best candidate
    level = [80, 95]                     # prediction intervals (optional)

    [search]
    kind = "random"                      # grid, random, halving (over epochs)
    # halving: max_resources (default: the estimator's epochs), min_resources
    # (epochs of the first round, default "smallest": 1) and factor (default 3)
    cv = 3                               # or { kind = "timeseries", n_splits = 3, test_size = 150 }
    n_iter = 10
    scoring = "accuracy"                 # default: skhyper.scorers.scoring_for
    n_jobs = 1
    random_state = 0

Every mistake raises :class:`ConfigError` with one line naming the key and the
problem.
"""

import sys
from pathlib import Path

import numpy as np

__all__ = ["ConfigError", "SearchConfig", "load_config"]

ESTIMATORS = ("KerasMLPClassifier", "KerasMLPRegressor", "WindowForecaster")
DATASETS = ("digits", "breast_cancer", "diabetes", "book_series")
SEARCH_KINDS = ("grid", "random", "halving")
DISTRIBUTIONS = {
    "loguniform": ("low", "high"),
    "uniform": ("low", "high"),
    "randint": ("low", "high"),
}
_SECTIONS = {
    "estimator": {"kind", "params"},
    "grid": None,  # parameter names, checked against the estimator
    "data": {"dataset", "csv", "target", "column"},
    "search": {"kind", "cv", "n_iter", "scoring", "n_jobs", "random_state",
               "min_resources", "max_resources", "factor"},  # fmt: skip
    "forecast": {"steps", "level"},
}


def _scoring(name):
    """``search.scoring``: None, one of :mod:`skhyper.scorers`' scorers by
    name (``"neg_mase"``, ``"neg_smape"``, ``"neg_msis"``, ...), or a
    scikit-learn scoring name."""
    if name is None:
        return None
    from sklearn.metrics import get_scorer_names

    from . import scorers

    own = scorers.named_scorers()
    if isinstance(name, str) and name in own:
        return own[name]
    if isinstance(name, str) and name in get_scorer_names():
        return name
    raise ConfigError(
        f"search.scoring: {name!r} is not a scorer: one of skhyper's ({', '.join(own)}) or a scikit-learn scoring"
        " name (neg_mean_absolute_error, r2, accuracy, ...: sklearn.metrics.get_scorer_names())"
    )


class ConfigError(ValueError):
    """A mistake in a search config; its message is one line naming the key.

    A ``ValueError``; the ``skhyper`` command prints it and exits with code 2.

    Examples
    --------
    >>> from skhyper.config import ConfigError, SearchConfig
    >>> try:
    ...     SearchConfig({"estimator": {"kind": "SVC"}, "grid": {}, "data": {}}, ".")
    ... except ConfigError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    estimator.kind: 'SVC' is not one of ...
    """


class SearchConfig:
    """A checked search config: the estimator, the grid, the search and the data.

    Parameters
    ----------
    raw : dict
        The config's tables, as ``tomllib`` reads them (see the module's
        documentation for the keys).
    base_dir : str or path-like
        The folder a ``data.csv`` path is relative to (the config file's).

    Attributes
    ----------
    estimator : estimator
        The estimator, with the fixed parameters set (checked as ``fit``
        checks them).
    grid : dict
        The parameters to search: lists, or scipy distributions for a
        random search.
    kind : str
        ``"grid"``, ``"random"`` or ``"halving"``.
    search_settings : dict
        The ``[search]`` table.

    Raises
    ------
    ConfigError
        An unknown section, key, estimator or parameter, or a value of the
        wrong kind.

    See Also
    --------
    load_config : Read and check a TOML file.

    Examples
    --------
    >>> from skhyper.config import SearchConfig
    >>> config = SearchConfig({
    ...     "estimator": {"kind": "KerasMLPClassifier", "params": {"epochs": 3, "random_state": 0}},
    ...     "grid": {"learning_rate": [1e-3, 1e-2]},
    ...     "data": {"dataset": "digits"},
    ...     "search": {"cv": 3}}, ".")
    >>> type(config.search()).__name__
    'GridSearchCV'
    >>> X, y = config.data()
    >>> X.shape
    (1797, 64)
    """

    def __init__(self, raw, base_dir):
        self.raw, self.base_dir = raw, Path(base_dir)
        _check_keys(raw, set(_SECTIONS), "")
        for section, known in _SECTIONS.items():
            if section in ("estimator", "grid", "data") and section not in raw:
                raise ConfigError(f"[{section}]: the section is missing")
            if known is not None:
                _check_keys(raw.get(section, {}), known, f"{section}.")
        self.estimator = self._estimator()
        self.search_settings = raw.get("search", {})
        self.kind = self.search_settings.get("kind", "grid")
        if self.kind not in SEARCH_KINDS:
            raise ConfigError(f"search.kind: {self.kind!r} is not one of {', '.join(SEARCH_KINDS)}")
        self.scoring = _scoring(self.search_settings.get("scoring"))
        self._check_search_settings()
        self.grid = self._grid()
        self.forecast = self._forecast()

    def _check_search_settings(self):
        """The ``[search]`` values passed to the search as they are, checked
        here: the search's own check comes only when it starts fitting, and
        does not name the key."""
        settings = self.search_settings
        checks = {
            "n_iter": (_is_int(settings.get("n_iter")) and settings["n_iter"] >= 1,
                       "a positive integer, the candidates a random search draws"),
            "n_jobs": (_is_int(settings.get("n_jobs")) and settings["n_jobs"] != 0,
                       "an integer other than 0: the worker processes, -1 for one per core"),
            "random_state": (_is_int(settings.get("random_state")) and 0 <= settings["random_state"] < 2**32,
                             "an integer from 0 to 2**32 - 1"),
            "max_resources": (_is_int(settings.get("max_resources")) and settings["max_resources"] >= 1,
                              "a positive integer, the most epochs a halving search gives a candidate"),
            "min_resources": ((_is_int(settings.get("min_resources")) and settings["min_resources"] >= 1)
                              or settings.get("min_resources") == "smallest",
                              'a positive integer, the epochs of the first round, or "smallest" (1 epoch)'),
            "factor": (type(settings.get("factor")) in (int, float) and settings["factor"] > 1,
                       "a number > 1 (each round keeps 1/factor of the candidates)"),
        }  # fmt: skip
        for key, (valid, expected) in checks.items():
            if key in settings and not valid:
                raise ConfigError(f"search.{key}: {expected} (got {settings[key]!r})")
        if self.kind == "halving":
            low, high = settings.get("min_resources"), settings.get("max_resources", self.estimator._epochs())
            if _is_int(low) and _is_int(high) and low > high:
                raise ConfigError(f"search.min_resources: {low} is more than max_resources ({high} epochs)")

    def _forecast(self):
        """``(steps, levels)`` of the ``[forecast]`` section, or None."""
        section = self.raw.get("forecast")
        if section is None:
            return None
        if not self.is_forecaster:
            raise ConfigError("[forecast]: only a WindowForecaster forecasts")
        steps = section.get("steps")
        if type(steps) is not int or steps < 1:
            raise ConfigError(f"forecast.steps: a positive integer, the steps past the series' end (got {steps!r})")
        level = section.get("level", [])
        level = [level] if isinstance(level, (int, float)) and not isinstance(level, bool) else level
        if not (isinstance(level, list) and all(type(v) in (int, float) and 0 < v < 100 for v in level)):
            raise ConfigError(f"forecast.level: a list of percentages between 0 and 100, such as [80, 95] (got {level!r})")
        return steps, level

    # ------------------------------------------------------------ estimator

    def _estimator(self):
        import skhyper

        section = self.raw["estimator"]
        kind = section.get("kind")
        if kind not in ESTIMATORS:
            raise ConfigError(f"estimator.kind: {kind!r} is not one of {', '.join(ESTIMATORS)}")
        params = dict(section.get("params", {}))
        if not isinstance(section.get("params", {}), dict):
            raise ConfigError("estimator.params: expected a table of parameter = value")
        defaults = getattr(skhyper, kind)()
        known = defaults.get_params()
        for name in params:
            if name not in known:
                self._unknown(defaults, f"estimator.params.{name}", name)
        for name, value in params.items():
            _no_flag(defaults, f"estimator.params.{name}", name, value)
        estimator = defaults.set_params(**{k: _from_toml(k, v) for k, v in params.items()})
        # All fixed parameters together: some checks span several (dropout per layer).
        error = _parameter_error(estimator)
        if error is not None:
            named = [p for p in params if f"'{p}'" in error or error.startswith(p)]
            key = f"estimator.params.{named[0]}" if named else "estimator.params"
            raise ConfigError(f"{key}: {error}")
        return estimator

    def _unknown(self, estimator, key, name):
        known = estimator.get_params()
        close = [p for p in known if p[:4] == name[:4]] or sorted(known)
        raise ConfigError(f"{key}: {type(estimator).__name__} has no parameter {name!r} (e.g. {', '.join(close[:6])})")

    def _check_value(self, estimator, key, name, value):
        """A searched value, checked together with the fixed parameters."""
        if name not in estimator.get_params():
            self._unknown(estimator, key, name)
        _no_flag(estimator, key, name, value)
        error = _parameter_error(estimator.__class__(**{**estimator.get_params(), name: _from_toml(name, value)}))
        if error is not None:
            raise ConfigError(f"{key}: {error}")

    # ----------------------------------------------------------------- grid

    def _grid(self):
        from scipy import stats

        grid = {}
        for name, spec in self.raw["grid"].items():
            key = f"grid.{name}"
            if isinstance(spec, dict):
                if self.kind == "grid":
                    raise ConfigError(f"{key}: a distribution needs search.kind = 'random' or 'halving'; give a list for a grid")
                distribution = spec.get("distribution")
                if distribution not in DISTRIBUTIONS:
                    raise ConfigError(f"{key}.distribution: {distribution!r} is not one of {', '.join(DISTRIBUTIONS)}")
                args = DISTRIBUTIONS[distribution]
                missing = [a for a in args if a not in spec]
                if missing or set(spec) - {"distribution", *args}:
                    raise ConfigError(f"{key}: a {distribution} distribution takes exactly {', '.join(args)}")
                low, high = spec["low"], spec["high"]
                if not (type(low) in (int, float) and type(high) in (int, float) and low < high):
                    raise ConfigError(f"{key}: needs numbers low < high, got low={low!r}, high={high!r}")
                if distribution == "loguniform" and low <= 0:
                    raise ConfigError(f"{key}: a loguniform distribution needs low > 0, got {low!r}")
                self._check_value(self.estimator, key, name, low if distribution != "randint" else int(low))
                grid[name] = {
                    "loguniform": lambda: stats.loguniform(low, high),
                    "uniform": lambda: stats.uniform(low, high - low),
                    "randint": lambda: stats.randint(low, high),
                }[distribution]()
            elif isinstance(spec, list) and spec:
                for value in spec:
                    self._check_value(self.estimator, key, name, value)
                grid[name] = [_from_toml(name, v) for v in spec]
            else:
                raise ConfigError(f"{key}: give a non-empty list of values (or a distribution table)")
        if self.kind == "halving" and "epochs" in grid:
            raise ConfigError("grid.epochs: a halving search spends epochs as its resource; drop epochs from the grid")
        return grid

    # ----------------------------------------------------------------- data

    def data(self):
        """The data the config names.

        Returns
        -------
        X : ndarray or pandas.DataFrame
            The features (a built-in dataset, or the CSV file's other
            columns), or a forecaster's series.
        y : ndarray or None
            The target; None for a forecaster's own series.

        Raises
        ------
        ConfigError
            No dataset and no CSV file, or both; a file or column that is not
            there.
        """
        section = self.raw["data"]
        if ("dataset" in section) == ("csv" in section):
            raise ConfigError("data: give either dataset or csv (and target or column)")
        if "dataset" in section:
            return load_dataset(section["dataset"], forecasting=self.is_forecaster, key="data.dataset")
        if not isinstance(section["csv"], str):
            raise ConfigError(f"data.csv: the file's path, such as \"data.csv\" (got {section['csv']!r})")
        path = self.base_dir / section["csv"]
        if not path.is_file():
            raise ConfigError(f"data.csv: no file {str(path)!r}")
        import pandas as pd

        try:
            frame = pd.read_csv(path)
        except (ValueError, OSError) as error:
            raise ConfigError(f"data.csv: cannot read {str(path)!r}: {_one_line(error)}") from None
        name = "column" if self.is_forecaster else "target"
        column = section.get(name)
        if column is None:
            raise ConfigError(f"data.{name}: which column of {path.name} to {'forecast' if self.is_forecaster else 'predict'}? (columns: {', '.join(map(str, frame.columns))})")
        if not isinstance(column, str) or column not in frame:
            raise ConfigError(f"data.{name}: no column {column!r} in {path.name} (columns: {', '.join(map(str, frame.columns))})")
        if self.is_forecaster:
            return _series_or_panel(frame, column, path.name), None
        return frame.drop(columns=[column]), frame[column].to_numpy()

    def held_out(self):
        """What followed the data, where the config's dataset has it.

        Returns
        -------
        values : ndarray or None
            The book series' validation part (``dataset = "book_series"`` is
            its training part, so a forecast after it covers these days);
            None for other data.
        """
        if self.raw["data"].get("dataset") == "book_series":
            from .datasets import book_series

            return book_series().valid
        return None

    @property
    def is_forecaster(self):
        """Whether the estimator is a ``WindowForecaster`` (its data is one series)."""
        return type(self.estimator).__name__ == "WindowForecaster"

    # --------------------------------------------------------------- search

    def search(self, panel=False):
        """The search the config describes, not fitted.

        Parameters
        ----------
        panel : bool, default=False
            Whether the data is a panel (:meth:`data` gives one for a CSV
            file with ``unique_id`` and ``ds`` columns): its folds are then
            a :class:`~skhyper.PanelSplit`'s.

        Returns
        -------
        search : GridSearchCV, RandomizedSearchCV or HalvingRandomSearchCV
            :mod:`skhyper.model_selection`'s (scikit-learn's, fusing the fits
            it can), with the config's cv, scoring, n_jobs and random state.
        """
        from .model_selection import GridSearchCV, HalvingRandomSearchCV, RandomizedSearchCV

        from .scorers import scoring_for

        settings = self.search_settings
        scoring = self.scoring
        if scoring is None:
            scoring = scoring_for(self.estimator)
            if self.kind == "halving":
                scoring = next(iter(scoring.values()))
        common = dict(cv=self._cv(panel), n_jobs=settings.get("n_jobs", 1), error_score=np.nan)
        refit = next(iter(scoring)) if isinstance(scoring, dict) else True
        random_state = settings.get("random_state", 0)
        if self.kind == "grid":
            if any(not isinstance(v, list) for v in self.grid.values()):
                raise ConfigError("grid: a grid search takes lists only")
            return GridSearchCV(self.estimator, self.grid, scoring=scoring, refit=refit, **common)
        if self.kind == "random":
            return RandomizedSearchCV(self.estimator, self.grid, n_iter=settings.get("n_iter", 10),
                                      scoring=scoring, refit=refit, random_state=random_state, **common)  # fmt: skip
        return HalvingRandomSearchCV(
            self.estimator, self.grid, resource="epochs", scoring=scoring, random_state=random_state,
            max_resources=settings.get("max_resources", self.estimator._epochs()),
            min_resources=settings.get("min_resources", "smallest"), factor=settings.get("factor", 3),
            **common,
        )  # fmt: skip

    def _cv(self, panel=False):
        from sklearn.model_selection import TimeSeriesSplit

        cv = self.search_settings.get("cv", 3)
        if panel:
            return self._panel_cv(cv)
        if isinstance(cv, int) and not isinstance(cv, bool) and cv >= 2:
            return TimeSeriesSplit(cv) if self.is_forecaster else cv
        if isinstance(cv, dict) and cv.get("kind") == "timeseries":
            n_splits = cv.get("n_splits", 3)
            if not (isinstance(n_splits, int) and n_splits >= 2):
                raise ConfigError(f"search.cv.n_splits: needs an integer >= 2, got {n_splits!r}")
            test_size = cv.get("test_size")
            if test_size is not None and not (isinstance(test_size, int) and not isinstance(test_size, bool) and test_size >= 1):
                raise ConfigError(f"search.cv.test_size: needs a positive integer (rows per test fold), got {test_size!r}")
            unknown = sorted(set(cv) - {"kind", "n_splits", "test_size"})
            if unknown:
                raise ConfigError(f"search.cv: unknown setting(s) {unknown}; a timeseries cv takes n_splits and test_size")
            return TimeSeriesSplit(n_splits, test_size=test_size)
        raise ConfigError(f"search.cv: give an integer >= 2 or {{ kind = \"timeseries\", n_splits = 3 }}, got {cv!r}")

    def _panel_cv(self, cv):
        """A panel's folds: ``PanelSplit`` of ``cv`` origins per series,
        ``h`` steps each (the ``[forecast]`` steps, or 1), or as
        ``{ kind = "panel", h = 12, n_windows = 3, step_size = 12 }``."""
        from .panel_split import PanelSplit

        h = self.forecast[0] if self.forecast is not None else 1
        if isinstance(cv, int) and not isinstance(cv, bool) and cv >= 1:
            return PanelSplit(h=h, n_windows=cv)
        if isinstance(cv, dict) and cv.get("kind") == "panel":
            unknown = sorted(set(cv) - {"kind", "h", "n_windows", "step_size"})
            if unknown:
                raise ConfigError(f"search.cv: unknown setting(s) {unknown}; a panel cv takes h, n_windows and step_size")
            settings = {"h": cv.get("h", h), "n_windows": cv.get("n_windows", 3), "step_size": cv.get("step_size")}
            for key, value in settings.items():
                if not (value is None and key == "step_size") and not (type(value) is int and value >= 1):
                    raise ConfigError(f"search.cv.{key}: needs a positive integer, got {value!r}")
            return PanelSplit(**settings)
        raise ConfigError(f"search.cv: the data is a panel (unique_id, ds): give an integer (origins per series) or"
                          f" {{ kind = \"panel\", h = 12, n_windows = 3 }}, got {cv!r}")  # fmt: skip


def _series_or_panel(frame, column, name):
    """A forecaster's data from a CSV file's ``frame``: a panel (a long frame
    of ``unique_id``, ``ds`` and ``column`` as ``y``) when the file has
    ``unique_id`` and ``ds`` columns; else ``column`` as one series, indexed
    by a ``ds`` column if there is one.  A ``ds`` of text holds dates; one of
    whole numbers (``1871`` or ``1871.0``) integer time steps, as the
    forecaster reads an integer index; other numbers are refused."""
    import pandas as pd

    if "unique_id" in frame and "ds" not in frame:
        raise ConfigError(f"data.csv: {name} has a unique_id column but no ds: a panel's rows need the time step of"
                          " each value (dates or integers) in a ds column")  # fmt: skip
    if "ds" not in frame:
        return frame[column].to_numpy(dtype=float)
    ds = frame["ds"]
    if pd.api.types.is_float_dtype(ds):  # numbers with a decimal point (R writes years as 1871.0): integer steps
        ds = _integer_steps(ds, name)
    elif not pd.api.types.is_integer_dtype(ds):  # text: dates
        import warnings

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", FutureWarning)  # (pandas' mixed UTC offsets: an error)
                ds = pd.to_datetime(ds)
        except (ValueError, TypeError, OverflowError, FutureWarning) as error:
            text = str(error).lower()
            why = (": its dates have different UTC offsets, as a zone with daylight saving time writes them (write"
                   " them in UTC, or without their offsets)") if "offset" in text or "time zone" in text else (
                   f": {_one_line(error)}")  # fmt: skip
            raise ConfigError(f"data.csv: column ds of {name} must hold dates or integer steps{why}") from None
    values = pd.to_numeric(frame[column], errors="coerce").astype(float)
    text = values.isna() & frame[column].notna()
    if text.any():
        row = int(text.to_numpy().argmax())
        raise ConfigError(f"data.column: {column!r} of {name} holds {frame[column].iloc[row]!r} (row {row + 2} of the"
                          " file), not a number")  # fmt: skip
    if "unique_id" in frame:
        return pd.DataFrame({"unique_id": frame["unique_id"], "ds": ds, "y": values})
    if pd.api.types.is_integer_dtype(ds):  # time steps, as the forecaster reads an integer index
        gaps = np.diff(ds.to_numpy())
        steps, counts = np.unique(gaps, return_counts=True)
        step = steps[np.argmax(counts)] if len(steps) else 1  # the most common step: a missing value is a missing row
        if len(steps) and (steps[0] <= 0 or (steps % step).any() or steps[-1] > 10 * step):
            raise ConfigError(f"data.csv: column ds of {name} holds integers that are not sorted time steps of one"
                              f" size (from {ds.iloc[0]} it steps by {', '.join(map(str, steps[:3]))}: codes such as"
                              " yyyymm?): write its times as dates (such as 2001-01-01 for 200101), or as steps"
                              " 0, 1, 2, ...")  # fmt: skip
        return pd.Series(values.to_numpy(), index=pd.Index(ds.to_numpy(), name="ds"), name=column)
    return pd.Series(values.to_numpy(), index=pd.DatetimeIndex(ds), name=column)


def _integer_steps(ds, name):
    """A ``ds`` column of numbers as integer time steps: whole numbers
    (years written 1871.0), else a ConfigError saying how to give them."""
    values = ds.to_numpy()
    whole = np.isfinite(values) & (values == np.round(values))
    if not whole.all():
        row = int((~whole).argmax())
        raise ConfigError(f"data.csv: column ds of {name} holds {values[row]:g} (row {row + 2} of the file), not a"
                          " date or an integer step: write its times as dates (such as 1960-04-01 for 1960.25) or as"
                          " integer steps (such as 0, 1, 2, ...)")  # fmt: skip
    return ds.astype("int64")


def load_config(path):
    """Read and check a TOML search config.

    Parameters
    ----------
    path : str or path-like
        The TOML file (see ``examples/search_digits.toml`` and
        ``examples/search_forecaster.toml``).

    Returns
    -------
    config : SearchConfig
        The checked config.

    Raises
    ------
    ConfigError
        No such file, invalid TOML, or a mistake in the config.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skhyper.config import load_config
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "search.toml"
    >>> _ = path.write_text('''
    ... [estimator]
    ... kind = "KerasMLPRegressor"
    ... params = { epochs = 5 }
    ... [grid]
    ... learning_rate = [1e-3, 1e-2]
    ... [data]
    ... dataset = "diabetes"
    ... ''')
    >>> load_config(path).grid
    {'learning_rate': [0.001, 0.01]}
    """
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return SearchConfig(raw, path.parent)


def load_dataset(name, forecasting=False, key="dataset"):
    """A built-in dataset as ``(X, y)``; the book series as ``(series, None)``.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`: digits (scaled to [0, 1]), breast_cancer
        (standardized), diabetes (standardized, the target too), book_series
        (its training part).
    forecasting : bool, default=False
        Whether the estimator is a forecaster (which takes book_series only).
    key : str, default="dataset"
        The config key named in an error.

    Returns
    -------
    X : ndarray
        The features, or the series.
    y : ndarray or None
        The target; None for the series.

    Raises
    ------
    ConfigError
        An unknown dataset, or one that does not fit the estimator.
    """
    from sklearn import datasets as sk

    from .datasets import book_series, load_digits

    if name not in DATASETS:
        raise ConfigError(f"{key}: {name!r} is not one of {', '.join(DATASETS)}")
    if forecasting != (name == "book_series"):
        need = "book_series (a series)" if forecasting else f"one of {', '.join(DATASETS[:3])}"
        raise ConfigError(f"{key}: {name!r} does not fit this estimator; use {need}")
    if name == "book_series":
        return book_series().train, None
    if name == "digits":
        return load_digits(return_X_y=True)
    X, y = getattr(sk, f"load_{name}")(return_X_y=True)
    from sklearn.preprocessing import StandardScaler

    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std() if name == "diabetes" else y


def _parameter_error(estimator):
    """The one-line message of the estimator's parameter check, or None."""
    from sklearn.utils._param_validation import InvalidParameterError

    try:
        estimator._check_params()
    except (InvalidParameterError, ValueError, TypeError) as error:
        return _one_line(error)
    return None


def _check_keys(table, known, prefix):
    if not isinstance(table, dict):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: expected a table")
    for key in table:
        if key not in known:
            raise ConfigError(f"{prefix}{key}: unknown key (known: {', '.join(sorted(known))})")


def _is_int(value):
    """A TOML integer (not a boolean, not a float)."""
    return type(value) is int


def _no_flag(estimator, key, name, value):
    """A TOML true or false given to a parameter that is not on/off: the
    parameter check takes it as the number 1 or 0 (``epochs = true`` trained
    one epoch)."""
    constraints = getattr(estimator, "_parameter_constraints", {}).get(name)
    if type(value) is bool and constraints and not {"boolean", "verbose"} & {c for c in constraints if isinstance(c, str)}:
        raise ConfigError(f"{key}: {name} is not a true/false parameter (got {str(value).lower()})")


def _from_toml(name, value):
    """TOML arrays are lists; tuple-valued parameters want tuples."""
    if name == "hidden_layer_sizes" and isinstance(value, list):
        return tuple(value)
    return value


def _one_line(error):
    return " ".join(str(error).split())
