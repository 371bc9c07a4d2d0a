"""Covariates known in advance: the columns whose future values the user gives.

A mixin of :class:`~skhyper.estimators.forecaster.WindowForecaster`.  With
``known_covariates=["promo", "price"]`` those columns of what ``fit`` is
given are regressors, not series to forecast: on a panel, columns of the long
frame beside ``unique_id``, ``ds`` and ``y`` (statsforecast's, mlforecast's and
NeuralForecast's convention); on one series, columns of the DataFrame beside
the series' own.  With ``covariate_effect`` "linear" (the default) or
"both", their linear effect is regressed first (``covariate_coef_``, see
``_covariate_regression``): the network learns the series less it, and
forecasts add it back.  Each window's network inputs also hold the covariates
at its targets' time steps ``t .. t + horizon - 1`` and, with
``covariate_window=True``, at the window's own rows, each covariate
standardized with its training mean and standard deviation
(``covariate_mean_``, ``covariate_scale_``); with "linear" the network
takes none of the known ones (the static features only).  ``forecast(h, X_df=...)``
takes their values for the ``h`` steps ahead; ``predict(X)`` takes them as
columns of ``X``'s rows.  A recursive forecast (``horizon`` below the steps)
feeds each block of steps its own covariates; where a block reaches past the
last step given (the last block of ``forecast(5)`` with ``horizon=2``), its
inputs for the steps past it repeat the last step's covariates.

Every mistake in the future values is a ``ValueError`` that names it:
missing, too few or too many rows, other time steps than the ones after each
series' end, NaN, other columns than at ``fit``.  The user's frames are read,
never modified.
"""

import warnings

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from .._stacklevel import user_stacklevel
from ..panel import ID, TARGET, TIME, Panel, _covariate_values, shown
from ..windows import Series, lagged_rows
from ._covariate_regression import difference_regression, linear_effect

__all__ = ["KnownCovariates"]



class KnownCovariates:
    """The covariate side of WindowForecaster: names, scaling, inputs, future values."""

    # ---------------------------------------------------------------- names

    def _covariate_names(self):
        """``known_covariates`` and then ``static_features`` checked, as one
        list (``[]`` for none): a static feature is a covariate whose future
        values are its series' own."""
        names = [*_names(self.known_covariates, "known_covariates"), *self._static_names()]
        if len(set(names)) != len(names):
            raise ValueError(f"known_covariates and static_features name a column twice: {names}.")
        return names

    def _static_names(self):
        return _names(self.static_features, "static_features")

    # ---------------------------------------------------------- static ones

    def _remember_statics(self, panel, reset):
        """Each series' static features (``static_values_``), checked to be
        constant within it; None without ``static_features``."""
        statics = self._static_names() if reset else self._fitted_statics()
        self.static_values_ = self.static_features_ = None
        if not statics:
            return
        names = self._fitted_covariates()
        values = panel.covariates[:, [names.index(name) for name in statics]]
        first = panel.starts[:-1]
        low, high = np.minimum.reduceat(values, first, axis=0), np.maximum.reduceat(values, first, axis=0)
        varying = np.argwhere(high > low)
        if len(varying):
            series, column = varying[0]
            raise ValueError(
                f"static_features: {statics[column]!r} changes within series {shown(panel.ids[series])!r}: a static"
                " feature holds one value per series (name one that changes in known_covariates)."
            )
        self.static_values_, self.static_features_ = low, list(statics)

    def _with_statics(self, frame):
        """``frame`` (a long frame of future rows) with the fit's static
        features filled in by series (a new frame; ``frame`` is not changed)."""
        statics = self._fitted_statics()
        if not statics or frame is None:
            return frame
        index = pd.Index(self.panel_ids_)
        rows = index.get_indexer(frame[ID])
        filled = {
            name: np.where(rows >= 0, self.static_values_[np.maximum(rows, 0), j], np.nan)
            for j, name in enumerate(statics)
        }
        return frame.assign(**filled)

    def _fitted_statics(self):
        return list(getattr(self, "static_features_", None) or [])

    def _fitted_covariates(self):
        """The covariates ``fit`` took (``covariates_``), ``[]`` for none."""
        return list(getattr(self, "covariates_", None) or [])

    def _covariates_for_continuation(self):
        """``partial_fit`` takes the covariates ``fit`` took, and only while
        ``known_covariates`` still names them."""
        fitted = self._fitted_covariates()
        layout = (bool(self.covariate_window), self.horizon)
        layout_changed = bool(self._network_covariates()) and self._covariate_layout() != layout
        effect_changed = bool(fitted) and self._fitted_effect() != self.covariate_effect
        if self._covariate_names() != fitted or layout_changed or effect_changed:
            raise ValueError(
                f"known_covariates, covariate_window or covariate_effect changed since this forecaster was fit"
                f" (with covariates {fitted}), which changes its network's inputs: call fit() to train a new one."
            )
        return fitted

    def _panel_covariate_names(self):
        names = self._covariate_names()
        reserved = [name for name in names if name in (ID, TIME, TARGET)]
        if reserved:
            raise ValueError(f"known_covariates {reserved} are the panel's own columns, not covariates.")
        return names

    # -------------------------------------------------------------- scaling

    def _fit_covariate_scaling(self, names, values):
        """The fitted covariates and their standardization (always, whatever
        ``scale``: their units are not the series')."""
        self.covariates_ = list(names) if names else None
        self._covariate_inputs_layout = (bool(self.covariate_window), int(self.horizon))
        if values is None or not names:
            self.covariate_mean_ = self.covariate_scale_ = None
            return
        std = values.std(axis=0)
        self.covariate_mean_ = values.mean(axis=0)
        self.covariate_scale_ = np.where(std > 0, std, 1.0)

    # -------------------------------------------------------- linear effect

    def _fitted_effect(self):
        """``covariate_effect`` as the fit took it (a loaded file's: its
        parameter; ``"network"`` for files from before the regression)."""
        return getattr(self, "_covariate_effect", None) or self.covariate_effect

    def _known_outside_network(self):
        """Whether the known covariates act through their linear effect
        only (the network takes none of them)."""
        return self._fitted_effect() == "linear" and getattr(self, "covariate_coef_", None) is not None

    def _network_covariates(self):
        """The covariates the network takes, in the order of its inputs:
        ``covariates_``, without the known ones when only their linear
        effect acts (the static features then)."""
        names = self._fitted_covariates()
        return names[self._n_known() :] if self._known_outside_network() else names

    def _covariates_in_network(self, covariates):
        """Whether ``covariates`` (given, or None) make network inputs."""
        return covariates is not None and bool(self._network_covariates())

    def _n_known(self):
        """How many of ``covariates_`` are known covariates (the static
        features come after them)."""
        return len(self._fitted_covariates()) - len(self._fitted_statics())

    def _fit_linear_effect(self, values, covariates, lag, starts=None, ids=None):
        """``covariate_coef_`` and ``covariate_reference_`` (None unless
        ``covariate_effect`` regresses on known covariates): on one series
        (``starts`` None) from its values (n, m) and covariates (n, k); on a
        panel, each series' own, its rows ``starts[i]:starts[i + 1]`` (its id
        ``ids[i]``).  A calibration copy (``_effect_source`` set) takes its
        forecaster's instead.  ``covariates`` None (a model of a separate ``y``): no regression,
        and the network sees the covariates whatever ``covariate_effect``."""
        self._covariate_effect = self.covariate_effect
        self.covariate_coef_ = self.covariate_reference_ = None
        if not self._makes_linear_effect(covariates is not None):
            return
        source = getattr(self, "_effect_source", None)  # a calibration copy: the forecaster's own effect
        if source is not None and getattr(source, "covariate_coef_", None) is not None:
            if starts is None:
                self.covariate_coef_, self.covariate_reference_ = source.covariate_coef_, source.covariate_reference_
            else:  # the copy's series are some of the forecaster's, by id
                rows = pd.Index(source.panel_ids_).get_indexer(pd.Index(ids))
                self.covariate_coef_ = source.covariate_coef_[rows]
                self.covariate_reference_ = source.covariate_reference_[rows]
            return
        if starts is None:
            self.covariate_coef_ = difference_regression(values, covariates[:, : self._n_known()], lag)
            self.covariate_reference_ = covariates[-1:, : self._n_known()].copy()
        else:
            self.covariate_coef_, self.covariate_reference_ = self._series_effects(values, covariates, lag, starts)
        self._warn_unchanging(covariates[:, : self._n_known()], lag, starts)

    def _warn_unchanging(self, covariates, lag, starts=None):
        """Warn about known covariates that never change over ``lag`` rows
        (within a series): their linear effect is 0, and ``partial_fit``
        keeps it."""
        lag = max(int(lag), 1)
        changes = covariates[lag:] != covariates[:-lag]
        if starts is not None:  # not across two series
            position = np.arange(lag, len(covariates))
            owner = np.searchsorted(starts, position, side="right") - 1
            changes &= (position - lag >= starts[owner])[:, None]
        unchanging = [name for name, moved in zip(self._fitted_covariates(), changes.any(axis=0)) if not moved]
        if unchanging:
            warnings.warn(
                f"Known covariate(s) {unchanging} do not change over {lag} step(s) anywhere in the training"
                f" {'panel' if starts is not None else 'series'}, so their linear effect (covariate_effect="
                f"{self._covariate_effect!r}) is 0, and partial_fit keeps it: fit again once they have changed.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )

    def _series_effects(self, values, covariates, lag, starts, which=None):
        """Each series' coefficients and reference (n_series, k) from a
        panel's values (n, 1) and covariates, its rows ``starts[i]:starts[i + 1]``;
        with ``which``, regressions of those series only (the others' rows 0)."""
        known = self._n_known()
        covariates = covariates[:, :known]
        coef = np.zeros((len(starts) - 1, known))
        for i in range(len(starts) - 1) if which is None else which:
            a, b = starts[i], starts[i + 1]
            coef[i] = difference_regression(values[a:b], covariates[a:b], lag)[:, 0]
        return coef, covariates[starts[1:] - 1].copy()

    def _makes_linear_effect(self, forecasts_itself):
        """Whether a fit with these parameters regresses on its known
        covariates: ``covariate_effect`` other than "network", known
        covariates among ``covariates_``, and a model of the series itself."""
        return self.covariate_effect != "network" and self._n_known() > 0 and bool(forecasts_itself)

    def _carry_linear_effect(self, panel):
        """For ``partial_fit`` on a panel: each of its series' linear effect,
        in its order: the one it was fit with for a series the forecaster
        has seen (by id), its own regression for one it has not."""
        if getattr(self, "covariate_coef_", None) is None:
            return
        seen = pd.Index(self.panel_ids_).get_indexer(pd.Index(panel.ids))
        coef, reference = self._series_effects(panel.values[:, None], panel.covariates, self.seasonal_period_ or 1,
                                               panel.starts, which=np.flatnonzero(seen < 0))  # fmt: skip
        known = seen >= 0
        coef[known], reference[known] = self.covariate_coef_[seen[known]], self.covariate_reference_[seen[known]]
        self.covariate_coef_, self.covariate_reference_ = coef, reference

    def _linear_effect(self, covariates, series=None):
        """The known covariates' linear effect on rows of covariates (one
        series: (n, k) -> (n, m)), or on windows of the panel's series at
        positions ``series`` ((n, steps, k) -> (n, steps)); None without."""
        coef = getattr(self, "covariate_coef_", None)
        if coef is None or covariates is None:
            return None
        known = np.asarray(covariates, dtype=np.float64)[..., : self._n_known()]
        if series is None:
            return linear_effect(known, self.covariate_reference_, coef)
        return linear_effect(known, self.covariate_reference_[series], coef[series])

    def _series_less_effect(self, series, covariates):
        """A :class:`~skhyper.windows.Series` of ``series`` less the known
        covariates' linear effect (``series`` itself without one)."""
        effect = self._linear_effect(covariates)
        if effect is None:
            return series
        return Series(series.values - effect, series.index, series.names, series.one_dimensional)

    def _panel_less_effect(self, panel):
        """``panel`` less each series' known covariates' linear effect (a
        new :class:`~skhyper.panel.Panel`; ``panel`` itself without one)."""
        if getattr(self, "covariate_coef_", None) is None or panel.covariates is None:
            return panel
        owner = np.repeat(np.arange(len(panel)), panel.lengths)
        known = panel.covariates[:, : self._n_known()]
        effect = np.einsum("rk,rk->r", known - self.covariate_reference_[owner], self.covariate_coef_[owner])
        return Panel(panel.ids, panel.values - effect, panel.starts, panel.last, panel.freq, panel.covariates,
                     panel.covariate_names)  # fmt: skip

    def _covariate_layout(self):
        """``(covariates at the window's rows too, horizon)`` as ``fit`` laid out the inputs."""
        return getattr(self, "_covariate_inputs_layout", (bool(self.covariate_window), int(self.horizon)))

    def _standardized_covariates(self, values):
        """The network's covariates (``_network_covariates``) of ``values``
        (every covariate, along the last axis), standardized."""
        standardized = (np.asarray(values, dtype=np.float64) - self.covariate_mean_) / self.covariate_scale_
        return standardized[..., self._n_known() :] if self._known_outside_network() else standardized

    def _n_covariate_inputs(self, n_lags):
        """The network inputs the covariates take, for windows of ``n_lags`` rows."""
        names = self._network_covariates()
        if not names:
            return 0
        with_window, horizon = self._covariate_layout()
        return len(names) * (horizon + (n_lags if with_window else 0))

    def _covariate_column_mask(self, lags, chosen):
        """Which covariate inputs join a linear start that uses the window
        rows ``chosen`` (offsets as ``lags``): those at these rows and all
        those at the targets' time steps."""
        names = self._network_covariates()
        if not names:
            return np.zeros(0, dtype=bool)
        with_window, horizon = self._covariate_layout()
        past = np.repeat(np.isin(lags, chosen), len(names)) if with_window else np.zeros(0, dtype=bool)
        return np.concatenate([past, np.ones(horizon * len(names), dtype=bool)])

    def _start_output(self, X, y, y_model, sample_weight):
        """Warn when a covariate takes no new value in the windows training
        uses but does in those early stopping holds out (a law that came in
        during the latest ``validation_split`` of the series): the network
        cannot learn its effect from the training windows."""
        self._warn_unseen_covariates(X, y)
        super()._start_output(X, y, y_model, sample_weight)

    def _warn_unseen_covariates(self, X, y):
        names = self._network_covariates()
        if not names or not (self._early_stopping() and self._validation_fraction() > 0):
            return
        k = self._n_covariate_inputs(len(self.lags_))
        train, held_out = self._validation_rows(y)
        inputs = np.asarray(X[:, X.shape[1] - k :], dtype=np.float64)
        seen_low, seen_high = inputs[train].min(axis=0), inputs[train].max(axis=0)
        new = (inputs[held_out] < seen_low - 1e-9).any(axis=0) | (inputs[held_out] > seen_high + 1e-9).any(axis=0)
        flat = (seen_high - seen_low) <= 1e-12
        unseen = sorted({names[i % len(names)] for i in np.flatnonzero(new & flat)})
        if unseen:
            warnings.warn(
                f"Known covariate(s) {unseen} are constant over the windows this fit trains on and change only"
                f" in the latest {self._validation_fraction():.0%} that early stopping holds out, so the forecaster"
                " cannot learn their effect: its forecasts will not follow them. It needs more history after the"
                " change (or other series where they vary, in a panel).",
                UserWarning,
                stacklevel=user_stacklevel(),
            )

    # --------------------------------------------------------------- inputs

    def _covariate_block(self, past, observed, future):
        """The covariate inputs of ``n`` windows: standardized covariates at
        the window's rows ``past`` (n, rows, k), 0 where ``observed`` says a
        row is before its series' start, then at the targets' steps
        ``future`` (n, horizon, k); time-major, covariates within."""
        n = len(future)
        parts = []
        if self._covariate_layout()[0]:
            parts.append((past * np.asarray(observed, dtype=np.float64)[:, :, None]).reshape(n, -1))
        parts.append(future.reshape(n, -1))
        return np.hstack(parts)

    def _series_covariate_inputs(self, standardized, n):
        """One series' covariate inputs for the ``n`` targets ``t = L .. L +
        n - 1`` (``L = lags_[0]``) of standardized rows ``standardized``
        (row 0: the first row the windows are cut from); rows past its end
        repeat its last."""
        lookback, horizon = int(self.lags_[0]), self._covariate_layout()[1]
        rows = np.asarray(standardized, dtype=np.float64)
        needed = lookback + n - 1 + horizon
        if len(rows) < needed:
            rows = np.concatenate([rows, np.repeat(rows[-1:], needed - len(rows), axis=0)])
        future = sliding_window_view(rows[lookback:needed], horizon, axis=0)[:n].transpose(0, 2, 1)
        past = lagged_rows(rows, self.lags_, n).reshape(n, len(self.lags_), -1)
        return self._covariate_block(past, np.ones(past.shape[:2]), future)

    # ------------------------------------------------------------ one series

    def _series_and_covariates(self, X, name, names):
        """``X``'s series (the columns ``names`` leaves; a pandas Series when
        one is left) and the covariates' values (rows x covariates), or
        ``(X, None)`` without covariates."""
        if not names:
            return X, None
        if not isinstance(X, pd.DataFrame):
            raise ValueError(
                f"known_covariates={names} names columns of {name}: give {name} as a pandas DataFrame holding"
                f" the series and those columns (got {type(X).__name__})."
            )
        absent = [c for c in names if c not in X.columns]
        if absent:
            raise ValueError(
                f"{name} has no column {absent} of the known covariates {names} (its columns:"
                f" {list(X.columns)[:10]}): give their values for each of its rows."
            )
        rest = [c for c in X.columns if c not in names]
        if not rest:
            raise ValueError(f"{name} holds only the known covariates {names}: it needs the series' column(s) too.")
        values = _covariate_values(X, names, name)
        _check_finite(values, names, name, X.index)
        return (X[rest[0]] if len(rest) == 1 else X[rest]), values

    def _series_future_covariates(self, X_df, steps):
        """The covariates of one series' ``steps`` next rows, from ``X_df``."""
        names = self._fitted_covariates()
        if not names:
            if X_df is not None:
                raise ValueError(
                    "X_df holds future covariates, but this forecaster was fit without known_covariates:"
                    " leave X_df out, or fit with known_covariates=[...] naming the columns."
                )
            return None
        if X_df is None:
            raise ValueError(
                f"This forecaster was fit with known_covariates {names}: forecast(steps, X_df=...) needs their"
                f" values for the {steps} steps ahead (a DataFrame with those columns, one row per step)."
            )
        _check_columns_exactly(X_df, names, "X_df")
        if len(X_df) != steps:
            few = "too few" if len(X_df) < steps else "too many"
            raise ValueError(
                f"X_df has {len(X_df)} rows ({few}): forecast({steps}) takes the covariates of exactly the"
                f" {steps} steps after the training series, one row each."
            )
        summary = getattr(self, "_training_index", None)
        if summary is not None and summary["freq"] is not None and isinstance(X_df.index, (pd.DatetimeIndex, pd.PeriodIndex)):
            expected = _steps_after(summary, steps)
            if not _same_steps(X_df.index, expected):
                raise ValueError(
                    f"X_df's index runs from {X_df.index[0]} to {X_df.index[-1]}, not over the {steps} steps"
                    f" after the training series ({expected[0]} to {expected[-1]}): give the covariates of"
                    " those steps, in order."
                )
        labels = getattr(self, "_training_labels", None)
        if labels is not None and labels["step"] and _labelled(X_df.index):  # (a fresh RangeIndex says nothing)
            expected = pd.RangeIndex(labels["last"] + labels["step"], labels["last"] + labels["step"] * (steps + 1),
                                     labels["step"])  # fmt: skip
            if not X_df.index.equals(expected):
                raise ValueError(
                    f"X_df's index runs from {X_df.index[0]} to {X_df.index[-1]}, not over the {steps} steps after"
                    f" the training series ({expected[0]} to {expected[-1]}): give the covariates of those steps, in"
                    " order (or with a fresh RangeIndex)."
                )
        values = _covariate_values(X_df, names, "X_df")
        _check_finite(values, names, "X_df", X_df.index)
        return values

    # ---------------------------------------------------------------- panel

    def _gather_covariates(self, panel, series, ends, first, last):
        """The covariates at offsets ``first`` to ``last - 1`` from each
        ``ends`` in its series (n, last - first, k); positions outside the
        series repeat its first or last row."""
        positions = ends[:, None] + np.arange(first, last)[None, :]
        lengths = panel.lengths[series][:, None]
        return panel.covariates[panel.starts[series][:, None] + np.clip(positions, 0, lengths - 1)]

    def _panel_future_covariates(self, X_df, steps):
        """``(n_series, steps, k)`` covariates of each series' ``steps``
        next time steps, from the long frame ``X_df``."""
        names = self._fitted_covariates()
        if not names:
            if X_df is not None:
                raise ValueError(
                    "X_df holds future covariates, but this forecaster was fit without known_covariates:"
                    " leave X_df out, or fit with known_covariates=[...] naming the panel's columns."
                )
            return None
        if X_df is None:
            known = names[: self._n_known()]
            statics = f" (the static_features {self._fitted_statics()} come from the fit)" if self._fitted_statics() else ""
            raise ValueError(
                f"This forecaster was fit with known_covariates {known}: forecast(h, X_df=...) needs their"
                f" values for the h steps after each series' end (a long DataFrame of {ID}, {TIME} and"
                f" {', '.join(map(str, known))}; the frame forecast(h) returns holds the {ID} and {TIME}){statics}."
            )
        _check_columns_exactly(X_df, [ID, TIME, *names], "X_df", optional=self._fitted_statics())
        rows, step = self._panel_rows_and_steps(X_df, "X_df")
        outside = (step < 1) | (step > steps)
        if outside.any():
            row = int(np.argmax(outside))
            raise ValueError(
                f"X_df: series {shown(X_df[ID].iloc[row])!r} at {TIME}={X_df[TIME].iloc[row]} is not one of the {steps}"
                f" steps after its end ({self.panel_last_[rows[row]]}): X_df holds the covariates of exactly"
                f" the {TIME} that forecast({steps}) returns."
            )
        cells = rows * steps + (step - 1)
        unique, counts = np.unique(cells, return_counts=True)
        if (counts > 1).any():
            cell = int(unique[np.argmax(counts > 1)])
            row = int(np.argmax(cells == cell))
            raise ValueError(f"X_df: series {shown(X_df[ID].iloc[row])!r} has {TIME}={X_df[TIME].iloc[row]} twice.")
        per_series = np.bincount(rows, minlength=len(self.panel_ids_))
        if (per_series < steps).any():
            short = int(np.argmax(per_series < steps))
            raise ValueError(
                f"X_df has {int(per_series[short])} rows of series {shown(self.panel_ids_[short])!r} (too few):"
                f" forecast({steps}) needs the covariates of each series' {steps} steps ahead."
            )
        values = _covariate_values(X_df, names, "X_df")
        _check_finite(values, names, "X_df", X_df.index, X_df)
        future = np.empty((len(self.panel_ids_), steps, len(names)))
        future[rows, step - 1] = values
        return future

    def _panel_rows_and_steps(self, X, name):
        """Each row's series (position in ``panel_ids_``) and step ahead."""
        rows = pd.Index(self.panel_ids_).get_indexer(X[ID])
        if (rows < 0).any():
            unknown = X[ID].to_numpy()[rows < 0][0]
            raise ValueError(f"{name}: series {shown(unknown)!r} was not in the panel this forecaster was fit on.")
        kind = "integers" if self.panel_freq_ is None else f"dates or periods of frequency {self.panel_freq_}"
        if self.panel_freq_ is None and not pd.api.types.is_integer_dtype(X[TIME]):
            raise ValueError(f"{name}: its {TIME} must be {kind}, as the panel's were, not {X[TIME].dtype}.")
        try:
            step = np.asarray(self._steps_ahead(X), dtype=np.int64)
        except (AttributeError, TypeError, ValueError) as error:
            raise ValueError(f"{name}: its {TIME} must be {kind}, as the panel's were ({error}).") from None
        return rows, step

    def _panel_predict_covariates(self, X, rows, step):
        """The covariates of the steps 1 .. ``max(step)`` of each series
        ``X`` asks for, from ``X``'s rows (n_series, steps, k; steps past a
        series' last row repeat its last covariates), and those series."""
        names = self._fitted_covariates()
        if names == self._fitted_statics():  # static features only: every step's are the series' own
            asked = np.unique(rows)
            return np.repeat(self.static_values_[asked][:, None, :], int(step.max()), axis=1), asked
        absent = [c for c in names if c not in X.columns]
        if absent:
            raise ValueError(
                f"predict: X has no column {absent} of the known covariates {names}: each row to predict"
                " needs their values."
            )
        values = _covariate_values(X, names, "X")
        _check_finite(values, names, "X", X.index, X)
        steps = int(step.max())
        cells = rows.astype(np.int64) * steps + (step - 1)
        _, first, counts = np.unique(cells, return_index=True, return_counts=True)
        if (counts > 1).any():  # two rows of one step: two values of its covariates, one forecast
            row = int(first[np.argmax(counts > 1)])
            raise ValueError(f"predict: X has series {shown(X[ID].iloc[row])!r} at {TIME}={X[TIME].iloc[row]} twice"
                             f" (duplicated {ID}, {TIME}): each step's covariates once.")  # fmt: skip
        grid = np.full((len(self.panel_ids_), steps, len(names)), np.nan)
        grid[rows, step - 1] = values
        last = np.zeros(len(self.panel_ids_), dtype=np.int64)
        np.maximum.at(last, rows, step)
        needed = np.arange(steps)[None, :] < last[:, None]
        gaps = needed & np.isnan(grid[:, :, 0])
        if gaps.any():
            series, ahead = np.argwhere(gaps)[0]
            raise ValueError(
                f"predict: X has no row of series {shown(self.panel_ids_[series])!r} at {ahead + 1} step(s) after its"
                f" end, and its later rows are forecast through that step: X must hold the covariates of every"
                " step from each series' end to its last row."
            )
        asked = np.flatnonzero(last > 0)
        carry = np.minimum(np.arange(steps)[None, :], np.maximum(last[asked], 1)[:, None] - 1)
        return grid[asked[:, None], carry], asked


def _names(value, parameter):
    """A list-of-columns parameter as a list (``[]`` for None)."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{parameter} must be a list of column names, got the string {value!r}: write [{value!r}].")
    names = list(value)
    if len(set(names)) != len(names):
        raise ValueError(f"{parameter} names a column twice: {names}.")
    return names


def _check_columns_exactly(frame, columns, name, optional=()):
    """``frame`` has ``columns``, no others; of those, ``optional`` (static
    features, which the caller fills in) are not asked of the user."""
    asked = [c for c in columns if c not in optional]
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame with the columns {asked}, not a {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    other = [c for c in frame.columns if c not in columns]
    if missing or other:
        raise ValueError(
            f"{name} must have the columns {asked} (the known covariates fit took"
            f"{', with ' + ID + ' and ' + TIME if ID in columns else ''}), no more, no less"
            + (f" (the static features {list(optional)} are filled in from the fit)" if optional else "")
            + ":"
            + (f" {missing} missing" if missing else "")
            + (";" if missing and other else "")
            + (f" {other} not taken" if other else "")
            + "."
        )


def _check_finite(values, names, name, index, frame=None):
    bad = ~np.isfinite(values)
    if bad.any():
        row, column = (int(v) for v in np.argwhere(bad)[0])
        where = (
            f"series {shown(frame[ID].iloc[row])!r} at {TIME}={frame[TIME].iloc[row]}"
            if frame is not None and ID in frame.columns
            else f"row {row} (index {index[row]!r})"
        )
        raise ValueError(
            f"{name}: covariate {names[column]!r} is NaN or infinite at {where}; fill or drop missing values first."
        )


def _steps_after(summary, steps):
    start = summary["next"]
    if isinstance(start, pd.Period):
        return pd.period_range(start=start, periods=steps, freq=summary["freq"])
    return pd.date_range(start=start, periods=steps, freq=summary["freq"])


def _labelled(index):
    """Whether ``index`` holds integer labels other than a fresh RangeIndex's 0, 1, ..."""
    if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) or not pd.api.types.is_integer_dtype(index.dtype):
        return False
    return not index.equals(pd.RangeIndex(len(index)))


def _same_steps(index, expected):
    if isinstance(index, pd.PeriodIndex) != isinstance(expected, pd.PeriodIndex):
        return False
    return len(index) == len(expected) and bool((np.asarray(index) == np.asarray(expected)).all())
