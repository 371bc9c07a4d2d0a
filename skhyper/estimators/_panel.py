"""WindowForecaster on panels: one network trained on the windows of many series.

A mixin of :class:`~skhyper.estimators.forecaster.WindowForecaster`.  Given a
panel (see :mod:`skhyper.panel`), ``fit`` cuts every series into windows of
``window_size_`` values and the ``horizon`` values after them, scales each
window and its targets by the window's own level (``window_scale``) so that
series of any size train one network, weighs them (``series_weight``) and
hands those rows to the regressor's fit: every hyperparameter and the
linear start work as on one series (the "auto" settings take their panel
values: see ``AUTO_SETTINGS`` in :mod:`.forecaster`).  ``forecast(h)``
forecasts every series from its last window; ``predict(X)`` gives those
forecasts for the rows of ``X``.

A window that reaches back before its series' start is padded: the missing
values are 0 after scaling and a second half of inputs says which values
are there.  A series still trains from a level's values (a season, or one)
plus ``horizon`` on, and any series is forecast by the same network.  With
a validation split, its rows are the latest windows of the panel.
``deseasonalize``, ``relative_to``, ``seasonal_window`` and
``min_seasonal_strength`` are about one series: a panel refuses any value
but their defaults (a search over them would compare equal candidates).
Covariates known in advance (``known_covariates``, :mod:`._covariates`) are
further columns of the long frame; their inputs follow the others.
"""

import inspect
import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from .. import engine
from ..metrics import naive_mae
from ..panel import ID, TARGET, TIME, _as_panel, _in_zone, as_panel, date_steps, future_frame, period_freq, period_steps, row_order, shown
from .._stacklevel import user_stacklevel
from ..seasonality import period_from_index
from ..windows import level_rows_of
from ._intervals import bound_columns

__all__ = ["PanelForecasting"]

#: Windows a fit trains on at most: beyond, an even sample across the panel.
MAX_WINDOWS = 1_000_000

#: The network inputs a fit holds at most (windows x inputs, float32: 256 MB,
#: held twice while training, as an array and as a tensor): a wider window
#: trains on a smaller sample (500,000 windows of 60 values and their 60
#: which-values-are-there inputs).
MAX_INPUT_VALUES = 2**26

#: Windows whose inputs are built at once (their float64 intermediates).
INPUT_CHUNK = 65_536

#: The one-hot inputs ``series_encoding="onehot"`` may add at most (windows
#: x series; 2 GB as float64).
MAX_ONEHOT_VALUES = 2**28


class PanelForecasting:
    """The panel side of WindowForecaster (fit, forecast, predict, score)."""

    # ------------------------------------------------------------------ fit

    def _panel_training_rows(self, X, y, sample_weight, *, reset):
        if y is not None:
            raise ValueError("A panel holds its target in its y column: call fit(panel) with y=None.")
        if sample_weight is not None:
            raise ValueError("sample_weight is not taken with panels.")
        if self.deseasonalize is not None:
            raise ValueError(
                f"deseasonalize={self.deseasonalize!r} takes the season out of one series; on a panel each"
                " window is scaled by its own level instead: leave deseasonalize=None."
            )
        unused = [f"{name}={value!r}" for name, value, default in _series_only(self) if value != default]
        if unused and reset:  # (a continuation of a fit of earlier releases, which took them, goes on)
            raise ValueError(
                f"{', '.join(unused)}: {'these are' if len(unused) > 1 else 'a parameter'} of one series' windows,"
                " which a panel does not use (each window is scaled by its own level, window_scale, and the season"
                " is given by seasonal_period): leave the default on a panel, or search it on one series."
            )
        if not reset and not getattr(self, "panel_", False):
            raise ValueError("This forecaster was fit on one series; partial_fit must be given one series too.")
        names = self._panel_covariate_names() if reset else self._covariates_for_continuation()
        panel = self._panel_of(X, names, warn=True)
        if reset:
            self._resolve_panel(panel)
            self._fit_covariate_scaling(names, panel.covariates)
        self._check_encoding(panel, reset)  # before any state changes: a refused partial_fit changes nothing
        self._remember_statics(panel, reset)
        if reset:  # after the statics: the regression takes the known covariates only
            self._fit_linear_effect(panel.values[:, None], panel.covariates, self.seasonal_period_ or 1, panel.starts,
                                    panel.ids)
        else:  # the fit's series keep their effect, series new to the forecaster get their own
            self._carry_linear_effect(panel)
        self._remember_panel(panel)
        panel = self._panel_less_effect(panel)  # what the network learns; forecasts add the effect back
        series, ends, level, weights = self._panel_windows(panel)
        targets = self._scaled_to_level(self._gather(panel, series, ends, 0, self.horizon)[0], level)
        if reset:
            self.target_mean_, self.target_scale_ = _moments(targets, self.scale)
            self.input_mean_, self.input_scale_ = self.target_mean_, self.target_scale_
        windows = self._panel_inputs(panel, series, ends, level)
        self.n_windows_ = len(windows)
        next_values = ((targets - self.target_mean_) / self.target_scale_).astype(np.float32)
        return super(PanelForecasting, self)._training_rows(windows, next_values, weights, reset=reset)

    def _panel_of(self, X, names, warn=False):
        """``X`` as a :class:`~skhyper.panel.Panel` with the covariates
        ``names``.  A long frame's other columns are refused when covariates
        are named; with none (``known_covariates=None``: a search's
        candidate without them, say) they are left unread, with a warning."""
        if not names and isinstance(X, pd.DataFrame):
            extra = [c for c in X.columns if str(c) not in (ID, TIME, TARGET)]
            if extra:
                if warn:
                    warnings.warn(
                        f"X has columns {extra[:5]} besides {ID}, {TIME}, {TARGET}, which this forecaster leaves"
                        " unread (known_covariates=None): name them in known_covariates to use them as covariates"
                        " known in advance.",
                        UserWarning,
                        stacklevel=7,
                    )
                return _as_panel(X, "X", [], any_columns=True)
        return as_panel(X, covariates=names)

    def _resolve_panel(self, panel):
        """The fitted choices of a panel fit: season, window, scaling."""
        self.panel_ = True
        self.n_features_in_ = 1
        self.__dict__.pop("feature_names_in_", None)
        self.forecasts_itself_ = True
        self.target_is_1d_ = True
        self.seasonal_period_ = self._panel_season(panel)
        self.window_size_ = self._panel_window(panel)
        self.panel_level_rows_ = level_rows_of(self.window_size_, self.seasonal_period_)
        self.lags_ = np.arange(self.window_size_, 0, -1)
        self.level_rows_ = 0
        self.deseasonalize_ = self.seasonal_indices_ = self.seasonal_strength_ = None
        self.linear_alpha_ = self.linear_lags_ = None
        self.panel_freq_ = panel.freq

    def _panel_season(self, panel):
        """``seasonal_period``, or for "auto" the season of the panel's
        frequency when its longest series holds two of them (as one series'
        "auto" needs: 40 weekly values cannot teach a season of 52)."""
        if self.seasonal_period != "auto":
            return self._season_given()
        season = _calendar_season(panel)
        return season if season is not None and 2 * season <= int(panel.lengths.max()) else None

    def _panel_linear_start_choices(self, n_columns):
        """The linear start's orders on a panel: the latest ``k`` values of
        the window for each ``k`` (``linear_lags="auto"``), or all of them."""
        lags = np.asarray(self.lags_)
        if self.linear_lags == "all":
            return [(lags, np.ones(n_columns, dtype=bool))]
        n_covariates = self._n_covariate_inputs(len(lags))  # (last)
        present = np.zeros(n_columns - len(lags) - n_covariates, dtype=bool)  # which values are there, which series
        return [
            (lags[-k:], np.concatenate([np.isin(lags, lags[-k:]), present, self._covariate_column_mask(lags, lags[-k:])]))
            for k in range(1, len(lags) + 1)
        ]

    def _panel_window(self, panel):
        """``window_size``, or for "auto" half the median series length, at
        least two seasons (6 values without one) and at most
        ``AUTO_PANEL_WINDOW``, which wins (weekly data's two seasons, 104
        values, are cut to 60; a season longer than that window is warned
        of).  On M3's training parts (the last horizon of
        each series held out; ``benchmarks/m3_defaults.py``) half the median
        length did better than the windows of two seasons on yearly, monthly
        and other series (MASE 3.30 against 3.40 for 4 values, 0.90 against
        0.96 for 24, 1.86 against 2.08 for 4) and as well on quarterly ones
        (1.08 to 1.10 for every window from 8 to 18, seeds apart by 0.01);
        on yearly series a longer window did worse (3.42 for 12).  On
        Tourism's training parts it did better on monthly series (1.75
        against 1.88 for 24) and worse on yearly ones (3.00 for 9 against
        2.88 for 4): short yearly series are where a search over
        ``window_size`` pays.  Without a season the floor is 6 values
        (it was 4): with the level over two values (see
        :func:`level_rows_of`), on the training parts of M1's yearly series
        MASE 2.47 against 2.98 with a floor of 4 (seeds 0-5; chosen there,
        and M3's and Tourism's yearly windows are 6 and longer already, so
        no other training part checks it:
        ``benchmarks/results/yearly_variants.md``)."""
        if self.window_size != "auto":
            return int(self.window_size)
        floor = 2 * self.seasonal_period_ if self.seasonal_period_ else AUTO_PANEL_MIN_WINDOW
        half = int(np.median(panel.lengths) * AUTO_PANEL_WINDOW_SHARE)
        window = int(min(AUTO_PANEL_WINDOW, max(floor, half)))
        if self.seasonal_period_ and window < self.seasonal_period_:
            warnings.warn(
                f"seasonal_period={self.seasonal_period_} is longer than the automatic window ({window} values, at"
                f" most {AUTO_PANEL_WINDOW}): the network sees less than a season of each series. Set window_size"
                f" (window_size={self.seasonal_period_} or more) for it to see a whole season.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
        return window

    def _panel_level_rows(self):
        """How many of a window's latest values its level averages
        (``panel_level_rows_``, see :func:`level_rows_of`)."""
        return int(self.panel_level_rows_)

    def _panel_windows(self, panel):
        """Every window of every series that holds a level's values (a
        sample of ``_most_windows()`` beyond), oldest first, so that a
        validation split takes the latest: each window's series, the
        position of its first target in its series, its level and weight.

        Only these vectors: the windows' values are gathered from the
        panel's one array of values as they are needed."""
        horizon, level_rows = self.horizon, self._panel_level_rows()
        lengths = panel.lengths
        counts = self._window_counts(panel)
        if counts.sum() == 0:
            raise ValueError(
                f"Every series of the panel is too short to train on: a series needs {level_rows + horizon}"
                f" values (a level of {level_rows} and horizon={horizon}); the longest has {int(lengths.max())}."
            )
        series = np.repeat(np.arange(len(panel)), counts)
        from_end = _ranks_from_end(counts)  # 1 for each series' latest window
        weights = self._series_weights(panel, counts)[series] if self.series_weight is not None else None
        most = self._most_windows()
        if len(series) > most:
            seed = self.random_state if isinstance(self.random_state, Integral) else 0
            keep = np.sort(np.random.RandomState(seed).choice(len(series), most, replace=False))
            series, from_end = series[keep], from_end[keep]
            weights = None if weights is None else weights[keep]
        order = np.argsort(-from_end, kind="stable")  # oldest first: the validation split takes the latest
        series, from_end = series[order], from_end[order]
        weights = None if weights is None else weights[order]
        ends = lengths[series] - horizon - from_end + 1  # the first target's position
        level = self._window_level(self._gather(panel, series, ends, -level_rows, 0)[0])
        if weights is not None and self.series_weight == "mase":
            # the loss on level-scaled values, times level / scale, is each series' MASE
            factor = level / np.where(self.naive_mae_[series] > 0, self.naive_mae_[series], level)
            weights = weights * np.minimum(factor / factor.mean(), 10.0)
        return series, ends, level, weights

    def _panel_epochs(self, least):
        """``epochs="auto"`` on a panel: ``least`` passes, more where they
        would make fewer than ``MIN_PANEL_STEPS`` optimizer steps (a small
        panel: M3's yearly series, 19 batches a pass)."""
        n_windows = getattr(self, "n_windows_", None)
        if not n_windows or not MIN_PANEL_STEPS:
            return least
        trained = max(1, int(n_windows * (1.0 - self._validation_fraction())))
        per_pass = -(-trained // min(int(self._batch_size()), trained))
        return int(max(least, -(-MIN_PANEL_STEPS // per_pass)))

    def _most_windows(self):
        """``MAX_WINDOWS``, fewer where their inputs would pass ``MAX_INPUT_VALUES``."""
        return int(min(MAX_WINDOWS, MAX_INPUT_VALUES // (2 * self.window_size_)))

    @staticmethod
    def _gather(panel, series, ends, first, last):
        """The values at offsets ``first`` to ``last - 1`` from each ``ends``
        in its series, and whether each is there (positions before a
        series' start repeat its first value)."""
        positions = ends[:, None] + np.arange(first, last)[None, :]
        return panel.values[panel.starts[series][:, None] + np.maximum(positions, 0)], positions >= 0

    def _panel_inputs(self, panel, series, ends, level):
        """The network's inputs (float32), built a chunk of windows at a time.

        A window reaching back before its series' start is padded: its
        missing values are 0 after scaling, and the window's second half,
        one input per value, says which values are there (1) or not (0)."""
        lookback = self.window_size_
        inputs = None
        for start in range(0, len(series), INPUT_CHUNK):
            rows = slice(start, start + INPUT_CHUNK)
            values, observed = self._gather(panel, series[rows], ends[rows], -lookback, 0)
            covariates = None
            if self._covariates_in_network(panel.covariates):  # at the window's rows and at its targets'
                known = self._gather_covariates(panel, series[rows], ends[rows], -lookback, self._covariate_layout()[1])
                known = self._standardized_covariates(known)
                covariates = self._covariate_block(known[:, :lookback], observed, known[:, lookback:])
            chunk = self._network_inputs(self._scaled_to_level(values, level[rows]), observed, series[rows], covariates)
            if inputs is None:
                inputs = np.empty((len(series), chunk.shape[1]), dtype=np.float32)
            inputs[rows] = chunk
        return inputs

    def _window_counts(self, panel):
        """Each series' windows: its first targets at ``t = level_rows .. n - horizon``."""
        return np.maximum(panel.lengths - self.horizon - self._panel_level_rows() + 1, 0)

    def _series_weights(self, panel, counts):
        """Each window's weight: every series the same total."""
        return 1.0 / np.maximum(counts, 1)

    def _network_inputs(self, scaled, observed, series, covariates=None):
        """Standardized values, then which of them are there, then (with
        ``series_encoding="onehot"``) which series (by its position in
        ``panel_ids_``) each window is of, then the covariates' inputs."""
        values = np.where(observed, (scaled - self.input_mean_) / self.input_scale_, 0.0)
        parts = [values, observed.astype(np.float64)]
        if self.series_encoding == "onehot":  # the rows of an identity, without the identity
            onehot = np.zeros((len(series), len(self.panel_ids_)))
            onehot[np.arange(len(series)), series] = 1.0
            parts.append(onehot)
        if covariates is not None:
            parts.append(covariates)
        return np.hstack(parts)

    def _panel_n_inputs(self):
        """The network's inputs: the window's values, which of them are
        there, with ``series_encoding="onehot"`` one per series, and the
        covariates'."""
        onehot = len(self.panel_ids_) if self.series_encoding == "onehot" else 0
        return 2 * self.window_size_ + onehot + self._n_covariate_inputs(self.window_size_)

    def _check_encoding(self, panel, reset):
        """``series_encoding="onehot"`` adds an input per series to every
        window: refused where those inputs would not fit in memory, and on a
        continuation, for other series than the fit's."""
        if self.series_encoding is None:
            return
        if not reset and not np.array_equal(np.asarray(panel.ids), self.panel_ids_):
            raise ValueError(
                "series_encoding='onehot' gives each series of the fit's panel its own input: partial_fit"
                " must be given the same series, in the same order (or call fit())."
            )
        n_windows = int(min(self._window_counts(panel).sum(), self._most_windows()))
        values = n_windows * len(panel)
        if values > MAX_ONEHOT_VALUES:
            raise ValueError(
                f"series_encoding='onehot' on {len(panel)} series and {n_windows} windows would add"
                f" {values:,} inputs (at most {MAX_ONEHOT_VALUES:,}): use series_encoding=None, or fewer"
                " series per network (a panel per group of series)."
            )

    def _window_level(self, inputs, observed=None):
        """Each window's level: the mean absolute value of its last season
        (its last value without one; of those there, with ``observed``),
        1 where that is 0."""
        if self.window_scale is None:
            return np.ones(len(inputs))
        recent = np.abs(inputs[:, -self._panel_level_rows() :])
        if observed is None:
            level = recent.mean(axis=1)
        else:
            seen = observed[:, -self._panel_level_rows() :]
            count = seen.sum(axis=1)
            level = np.divide(np.where(seen, recent, 0.0).sum(axis=1), count, out=np.zeros(len(count)), where=count > 0)
        return np.where(level > 0, level, 1.0)

    def _scaled_to_level(self, values, level):
        if self.window_scale is None:
            return values
        return values / level[:, None] - 1.0

    def _remember_panel(self, panel):
        """What forecasting and scoring need of each series: its last
        window, its last time step and its seasonal naive forecast's MAE."""
        lookback = self.window_size_
        ends = panel.starts[1:]
        positions = ends[:, None] + np.arange(-lookback, 0)[None, :]
        first = panel.starts[:-1][:, None]
        self.panel_context_ = panel.values[np.maximum(positions, first)]
        self.panel_present_ = positions >= first
        self.panel_covariate_context_ = None if panel.covariates is None else panel.covariates[np.maximum(positions, first)]
        self.panel_ids_ = np.asarray(panel.ids)
        self.panel_last_ = list(panel.last)
        self.panel_freq_ = panel.freq
        period = self.seasonal_period_ or 1
        self.naive_mae_ = np.array([naive_mae(panel.series(i), period) for i in range(len(panel))])
        # the scorers' scale: the data's season, whatever seasonal_period a candidate of a search has
        calendar = _calendar_season(panel) or 1
        self.mase_scale_ = self.naive_mae_ if calendar == period else np.array(
            [naive_mae(panel.series(i), calendar) for i in range(len(panel))])  # fmt: skip

    # ------------------------------------------------------------- forecast

    def _panel_forecast_values(self, steps, series=None, future=None):
        """``(n_series, steps)`` forecasts from each series' last window (of
        the series at the positions ``series`` only, when given; ``future``:
        the covariates of each of those series' ``steps`` next time steps)."""
        rows = slice(None) if series is None else np.asarray(series)
        series = np.arange(len(self.panel_ids_)) if series is None else rows
        covariates = None
        if future is not None:
            covariates = np.concatenate([self.panel_covariate_context_[rows], future], axis=1)
        return self._forecast_windows(self.panel_context_[rows], self.panel_present_[rows], series, steps, covariates)

    def _forecast_windows(self, history, present, series, steps, covariates=None):
        """``(n_windows, steps)`` forecasts from windows of values
        (``history``, which of them are there: ``present``; ``window_size_``
        values each) of the fit's series at positions ``series`` in
        ``panel_ids_``; ``covariates``: theirs at the windows' values and at
        the steps after (n_windows, window_size_ + steps, k)."""
        history, present = np.asarray(history, dtype=np.float64), np.asarray(present, dtype=bool)
        lookback = self.window_size_
        effect = self._linear_effect(covariates, series)  # (n_windows, lookback + steps) or None
        if effect is not None:  # the network's series are the series less the covariates' linear effect
            history = history - effect[:, :lookback]
        in_network = self._covariates_in_network(covariates)
        if in_network:
            horizon = self._covariate_layout()[1]
            known = self._standardized_covariates(covariates)
            needed = lookback + int(np.ceil(steps / horizon)) * horizon
            if known.shape[1] < needed:  # the last block's steps past the last given repeat its covariates
                known = np.concatenate([known, np.repeat(known[:, -1:], needed - known.shape[1], axis=1)], axis=1)
        produced, done = [], 0
        while done < steps:
            window, observed = history[:, -lookback:], present[:, -lookback:]
            level = self._window_level(window, observed)
            inputs = None
            if in_network:
                inputs = self._covariate_block(
                    known[:, done : done + lookback], observed, known[:, lookback + done : lookback + done + horizon]
                )
            scaled = self._network_inputs(self._scaled_to_level(window, level), observed, series, inputs)
            out = np.asarray(engine.predict(self._network(), scaled), dtype=np.float64)
            out = out * self.target_scale_ + self.target_mean_
            block = (out + 1.0) * level[:, None] if self.window_scale is not None else out
            produced.append(block)
            done += block.shape[1]
            history = np.concatenate([history, block], axis=1)
            present = np.concatenate([present, np.ones(block.shape, dtype=bool)], axis=1)
        forecasts = np.concatenate(produced, axis=1)[:, :steps]
        return forecasts if effect is None else forecasts + effect[:, lookback : lookback + steps]

    def _panel_forecast(self, steps, future=None):
        values = self._panel_forecast_values(steps, future=future)
        frame = self._future(steps)
        frame[type(self).__name__] = values.ravel()
        return frame

    def _future(self, steps):
        return future_frame(self.panel_ids_, self.panel_last_, self.panel_freq_, steps)

    def _panel_predict(self, X):
        """The forecasts from the end of training for the rows of ``X`` (a
        long frame of ``unique_id`` and ``ds``, rows after each series' end)."""
        check_is_fitted(self)
        if not isinstance(X, pd.DataFrame) or not {ID, TIME} <= set(X.columns):
            raise ValueError(f"predict on a panel takes a long DataFrame with columns {ID} and {TIME}.")
        if len(X) == 0:
            return np.zeros(0)
        rows, step = self._panel_rows_and_steps(X, "predict")
        if (step < 1).any():
            row = int(np.argmax(step < 1))
            raise ValueError(
                f"predict: series {shown(X[ID].iloc[row])!r} at {TIME}={X[TIME].iloc[row]} is not after the end of"
                " its training part: a panel forecaster predicts the time steps after each series' end."
            )
        if not self._fitted_covariates():
            forecasts = self._panel_forecast_values(int(step.max()))
            return forecasts[rows, step - 1]
        future, asked = self._panel_predict_covariates(X, rows, step)  # only the series X asks for
        forecasts = self._panel_forecast_values(int(step.max()), asked, future)
        return forecasts[np.searchsorted(asked, rows), step - 1]

    def _panel_predict_in_sample(self, X):
        """One-step predictions of the rows of the long frame ``X`` (series
        of the fit, with their ``y``), each from its series' values before
        it, as a frame of ``unique_id``, ``ds`` and the predictions (the
        index of ``X``); NaN for a series' first ``panel_level_rows_`` rows,
        from which no training window started either.  With ``horizon`` > 1
        the network's block takes the covariates of its steps from ``X``,
        as its training windows did (a series' last rows repeat its last)."""
        if not isinstance(X, pd.DataFrame) or not {ID, TIME, TARGET} <= set(X.columns):
            raise ValueError(
                f"predict_in_sample on a panel takes a long DataFrame with columns {ID}, {TIME} and {TARGET}"
                " (the series to predict, usually the training panel)."
            )
        name = type(self).__name__
        if len(X) == 0:
            return X[[ID, TIME]].assign(**{name: np.zeros(0)})
        ids = pd.unique(X[ID].to_numpy())
        unknown = pd.Index(self.panel_ids_).get_indexer(ids) < 0
        if unknown.any():  # (before the static features, which it has none of)
            raise ValueError(
                f"predict_in_sample: series {shown(ids[int(np.argmax(unknown))])!r} was not in the panel this forecaster"
                " was fit on."
            )
        panel = self._panel_of(self._with_statics(X), self._fitted_covariates())
        fitted = pd.Index(self.panel_ids_).get_indexer(panel.ids)
        first, lookback = self._panel_level_rows(), self.window_size_
        counts = np.maximum(panel.lengths - first, 0)
        series = np.repeat(np.arange(len(panel)), counts)
        ends = panel.lengths[series] - _ranks_from_end(counts)  # each row's position in its series
        predictions = np.full(len(panel.values), np.nan)
        for start in range(0, len(series), INPUT_CHUNK):
            rows = slice(start, start + INPUT_CHUNK)
            values, observed = self._gather(panel, series[rows], ends[rows], -lookback, 0)
            covariates = None
            if panel.covariates is not None:  # at the window's rows and at the targets of its block, as in training
                covariates = self._gather_covariates(panel, series[rows], ends[rows], -lookback, self.horizon)
            out = self._forecast_windows(values, observed, fitted[series[rows]], 1, covariates)
            predictions[panel.starts[series[rows]] + ends[rows]] = out[:, 0]
        in_rows = np.empty(len(X))
        in_rows[row_order(X)] = predictions
        return X[[ID, TIME]].assign(**{name: in_rows})

    def _panel_predict_intervals(self, X, levels):
        """:meth:`_panel_predict` with its intervals, as a frame indexed like ``X``."""
        point = self._panel_predict(X)
        name = type(self).__name__
        if len(point) == 0:  # no rows: the columns, as the point predictions of no rows are none
            self._interval_bounds(np.zeros((len(self.panel_ids_), 1)), levels)  # without intervals, or levels they cannot bound: said
            return bound_columns(pd.DataFrame({name: point}, index=X.index), name, {level: (point, point) for level in levels})
        step = self._steps_ahead(X)
        if getattr(self, "quantile_forecasters_", None) is not None:  # the quantile copies' forecasts of the rows
            bounds = self._interval_bounds(point, levels, lambda model: model._panel_predict(X), steps=int(step.max()))
            return bound_columns(pd.DataFrame({name: point}, index=X.index), name, bounds)
        rows = pd.Index(self.panel_ids_).get_indexer(X[ID])
        # each row's bounds: its step's quantiles times its series' scale
        grid = np.zeros((len(self.panel_ids_), int(step.max())))
        bounds = self._interval_bounds(grid, levels)
        bounds = {level: (point + low[rows, step - 1], point + high[rows, step - 1]) for level, (low, high) in bounds.items()}
        return bound_columns(pd.DataFrame({name: point}, index=X.index), name, bounds)

    def _steps_ahead(self, X):
        """How many steps after its series' training end each row of ``X`` is."""
        last = pd.Series(self.panel_last_, index=pd.Index(self.panel_ids_)).reindex(X[ID].to_numpy())
        times = X[TIME]
        if self.panel_freq_ is None:
            return (times.to_numpy(dtype=np.int64) - last.to_numpy(dtype=np.int64)).astype(np.int64)
        ends = last.to_numpy()
        ends = pd.PeriodIndex(ends) if isinstance(ends[0], pd.Period) else pd.DatetimeIndex(ends)
        times = _in_zone(times, getattr(ends, "tz", None), self.panel_freq_)
        return self._time_steps(times) - self._time_steps(ends)

    def _time_steps(self, times):
        """Dates or periods as steps of the panel's frequency: a panel fit
        on dates is predicted from periods of that frequency, and the other
        way round."""
        if isinstance(times.dtype, pd.PeriodDtype):
            expected = pd.PeriodDtype(period_freq(self.panel_freq_))
            if times.dtype != expected:
                raise ValueError(f"periods of frequency {times.dtype.freq.freqstr}, not {expected.freq.freqstr}")
            return period_steps(pd.PeriodIndex(times))
        return date_steps(times, self.panel_freq_)

    def _panel_score(self, X):
        """R² of the forecasts of ``X``'s rows against their ``y``."""
        if TARGET not in X:
            raise ValueError(f"score on a panel needs the {TARGET} column.")
        return r2_score(X[TARGET].to_numpy(dtype=np.float64), self._panel_predict(X))


#: The longest window ``window_size="auto"`` takes on a panel, and its share
#: of the median series length.
AUTO_PANEL_WINDOW = 60
AUTO_PANEL_WINDOW_SHARE = 0.5

#: The shortest window ``window_size="auto"`` takes on a panel without a
#: season (with one: two seasons).
AUTO_PANEL_MIN_WINDOW = 6

#: The fewest optimizer steps ``epochs="auto"`` makes on a panel (0: always
#: the ``AUTO_SETTINGS`` passes).  Not used by default: 200 helped the
#: yearly panels of M3, M1 and Tourism on their training parts at two origins
#: (MASE -0.1%, -8.4%, +1.6% at the last; -5.3%, -12.0%, +0.2% at the
#: earlier), but overfit panels of a few hundred windows (every 10th to 60th
#: series: +0.5% to +32%): ``benchmarks/results/yearly_origins.md``.
MIN_PANEL_STEPS = 0


def _series_only(estimator):
    """``(name, value, default)`` of the parameters a panel does not use."""
    signature = inspect.signature(type(estimator).__init__).parameters
    return [(name, getattr(estimator, name), signature[name].default)
            for name in ("relative_to", "seasonal_window", "min_seasonal_strength")]  # fmt: skip


def _ranks_from_end(counts):
    """For ``counts`` windows per series, laid out series after series
    oldest first: each window's rank from its series' latest (1)."""
    total = counts.sum()
    series_end = np.repeat(np.cumsum(counts), counts)
    return series_end - np.arange(total)


def _moments(values, scale):
    if not scale:
        return 0.0, 1.0
    std = float(values.std())
    return float(values.mean()), std if std > 0 else 1.0


def _calendar_season(panel):
    """The season of a panel's frequency (12 for months, 4 for quarters, 7
    for days, ...: what ``seasonal_period="auto"`` takes, and the scorers'
    MASE), None for integer time steps.

    Days get a week whatever the series' lengths.  One series of more than
    two years of days takes a year (365) instead; on a panel that would give
    its long and short series scales at different lags (naive MAE at lag
    365 where a series holds more than a year, at lag 1 where not, which
    the scorers then averaged as one MASE), and no auto window (at most
    ``AUTO_PANEL_WINDOW`` values) holds a year."""
    return calendar_season(panel.freq, panel.last[0], 0)


def calendar_season(freq, last, n_rows):
    """The season of a frequency ``freq`` (None: integer steps, which have
    none) for a panel whose longest series has ``n_rows`` values and one of
    whose last time steps is ``last``."""
    if freq is None:
        return None
    if isinstance(last, pd.Period):
        index = pd.period_range(end=last, periods=3, freq=freq)
    else:
        index = pd.date_range(end=pd.Timestamp(last).tz_localize(None), periods=3, freq=freq)
    return period_from_index(index, n_rows)
