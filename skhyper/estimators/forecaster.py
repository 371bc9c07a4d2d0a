"""WindowForecaster: a Keras MLP that forecasts a series from a window of its past.

Seed 000's recipe — a sliding window of past values into a small Dense
network — as a regressor that sklearn's searches tune with ``TimeSeriesSplit``:
``window_size`` and ``horizon`` are hyperparameters like the learning rate.
"""

import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from .. import engine
from .._compat import Interval, StrOptions, check_feature_names
from ..seasonality import detect_period, irregular_time_index, seasonal_indices, seasonal_mode, seasonal_strength
from ..windows import Series, as_series, lag_offsets, lagged_rows, sliding_windows
from ..panel import is_panel
from ._base import KerasMLPBase, signature_with
from ._panel import PanelForecasting
from .mlp import KerasMLPRegressor

__all__ = ["WindowForecaster"]

#: What the settings left at "auto" are on one series and on a panel.  On a
#: panel (many windows of many series) a wider network trains for a fixed
#: number of epochs on the absolute error, its rate cosine-decayed, on every
#: window (the latest too: no validation split); chosen by validation on the
#: training parts of M3 (benchmarks/m3.py --validate), never on its test part.
AUTO_SETTINGS = {
    "hidden_layer_sizes": ((100,), (512, 512, 512)),
    "batch_size": (32, 512),
    "epochs": (100, 10),
    "lr_schedule": ("constant", "cosine"),
    "early_stopping": (True, False),
    "validation_split": (0.1, 0.0),
}

#: The longest window ``window_size="auto"`` takes.
AUTO_WINDOW = 20

#: Validation windows below which the trained network does not replace the
#: linear start (``linear_margin`` other than 0): a standard error from fewer
#: differences is itself a guess, and on series that short the linear start,
#: an autoregression, is what the classical models would fit anyway.
MIN_VALIDATION_WINDOWS = 10


class WindowForecaster(PanelForecasting, KerasMLPRegressor):
    """Forecast a series from the ``window_size`` rows before each time step.

    Takes every parameter of :class:`KerasMLPRegressor`, and:

    Parameters
    ----------
    window_size : int or "auto", default="auto"
        Past rows the network sees for each prediction.  ``"auto"`` takes a
        quarter of the training rows, at most 20 (``window_size_``): Box and
        Jenkins' rule of thumb that a series of ``n`` rows tells about its
        first ``n / 4`` lags.  A longer window on a short series fits every
        lag to the few windows there are, and a trend that turns then
        makes every lag point the wrong way (fpp2's euretail, 51 quarters:
        20 rows gave 7.3 times the naive forecast's error, 12 rows 1.5).
    horizon : int, default=1
        Rows it predicts at once (``forecast`` steps ``horizon`` at a time).
    seasonal_period : int, "auto" or None, default=None
        The length of a season in rows (365 for daily data with a yearly
        cycle, 7 for a weekly one).  ``"auto"`` finds it at ``fit`` (see
        ``seasonal_period_``): from a regular time index's frequency (hourly
        24, half-hourly 48, daily 7 or, with more than two years, 365, weekly
        52, monthly 12, quarterly 4), otherwise from the autocorrelation of
        the training series (None when no season stands out, or when the
        series holds fewer than two; see
        :func:`skhyper.seasonality.period_from_autocorrelation`).  When set,
        the network also sees the rows around the same point one season
        earlier: for targets ``t`` to ``t +
        horizon - 1``, the rows from ``t - seasonal_period - seasonal_window``
        to ``t + horizon - 1 - seasonal_period + seasonal_window``, which shows
        it what followed last season (a yearly jump, a weekday effect) where a
        window of recent rows cannot.  Training then needs more than one
        season of data.
    seasonal_window : int, default=3
        Rows either side of that point one season earlier.  Must leave them
        all before ``t``: ``seasonal_window <= seasonal_period - horizon``.
    deseasonalize : {"auto", "additive", "multiplicative", "difference", None}, default=None
        With a season (``seasonal_period``, or one ``"auto"`` found): take
        the classical decomposition's seasonal indices out of the series
        before cutting windows, and put them back into the predictions (see
        :func:`skhyper.seasonality.seasonal_indices`; sktime's
        ``Deseasonalizer`` does the same), so the network learns the
        seasonally adjusted series.  ``"multiplicative"`` divides by the
        indices (a season whose swing grows with the level; positive series
        only), ``"additive"`` subtracts them, ``"auto"`` is additive for a
        series with values <= 0 and otherwise the one of the two that leaves
        the smaller irregular part (a likelihood comparison of the series
        and its logarithm, as X-13ARIMA-SEATS' transformation test; see
        :func:`skhyper.seasonality.seasonal_mode`): multiplicative for sales
        whose swing grows with them, additive for temperatures.  The indices
        are fixed at ``fit`` (``seasonal_indices_``): it helps where the
        season's shape holds, and hurts where it drifts, which is why it is
        a choice for a search (the README's recommends ``[None, "auto"]``).
        ``"difference"`` removes the season the way seasonal ARIMA does
        (``D=1``): the network learns each value's change from one season
        before (windows of those changes, which reach a season further
        back), and predictions add the value a season before back, so the
        season can drift; forecasts past the first season add to the
        forecasts themselves.  The indices need two seasons of training
        data; every way needs a model of the series itself (``fit(X)``).
        Nothing is removed without a season.  ``partial_fit`` keeps the
        mode and indices ``fit`` chose (they are not measured again on each
        chunk) and takes its series to start at the point of the season
        ``fit``'s did.
    min_seasonal_strength : float in [0, 1], default=0.0
        Take the season out (any ``deseasonalize``) only when its strength
        reaches this (:func:`skhyper.seasonality.seasonal_strength`: the
        share of the detrended series' variance the season explains, 0 to
        1); below it nothing is removed (``deseasonalize_`` is None).  Above
        0, a series too short to show the season's strength (under two
        seasons) or to difference by it (too few rows for two windows of
        changes: a search's first fold on a short series) has nothing
        removed either, where 0 refuses it with an error.  0 always removes
        the season.  0.64 is the threshold at which R's
        ``forecast::nsdiffs`` (and so ``auto.arima``) takes a seasonal
        difference: a season found in a calendar index (quarterly GDP) or
        a cycle found in the autocorrelation (lynx) is not one to difference
        away.
    relative_to : {"auto", "last", "mean", None}, default="auto"
        Express each window, and the values it predicts, relative to the
        series' recent level: its latest row, or the mean of the window's
        ``window_size`` latest rows; predictions add the level back, so the
        network learns the change from the level.  A trend or a level shift
        then no longer carries the inputs outside the range training saw,
        which a network extrapolates badly.  Needs a model of the series
        itself (``fit(X)`` with ``y=None``).  ``"auto"`` is ``"last"`` for a
        model of the series itself and None for a separate ``y``.  None feeds
        the values as they are, as seed 000 does.
    linear_path : bool, default=True
        Add a linear map from the window to the output beside the hidden
        layers.  It starts at the ridge regression of the training windows
        (penalty chosen by a BIC-type criterion, ``linear_alpha_``; an
        infinite penalty, the intercept alone, is one choice), with the hidden
        layers' output at zero: a linear autoregression is the model's
        starting point and floor, which the hidden layers improve on.  With
        level-relative windows, a penalty pulls it towards the level (the
        naive forecast), not towards the training mean.  False is the plain
        MLP of seed 000.
    linear_margin : float, default=2.0
        With a linear path and early stopping: by how many standard errors
        the trained network must beat the linear start on the validation
        windows to replace it (the standard error of the mean per-window
        difference of their losses, read as a normal quantile and asked of
        Student's t at the same level when there are few windows, as
        Harvey, Leybourne & Newbold's small-sample Diebold-Mariano test
        does: about 4.5 standard errors on 3 windows, 2.3 on 10;
        ``linear_start_kept_`` says which won).
        Early stopping picks the best of many epochs on a few dozen windows,
        which noise alone wins now and then; on a series with nothing more to
        learn (a random walk, a short series) the margin keeps the linear
        start instead of the noise the hidden layers fitted.  Under 10
        validation windows (``MIN_VALIDATION_WINDOWS``) the start is kept
        whatever the margin but 0.  0 keeps the trained network whenever it
        is better on average.
    linear_lags : {"auto", "all"}, default="auto"
        Which of the window's rows the linear start uses.  ``"auto"``: its
        order, chosen with the penalty by the same criterion (the latest 1,
        2, ... rows, each alone and with the rows a season before; the
        smallest set within 2 of the lowest criterion: ``linear_lags_``).
        ``"all"``: every row of the window, one penalty for all, as a Ridge
        on ``window_size`` lags; what a search over ``window_size`` wants,
        since the search then chooses the order itself.
    early_stopping : bool, default=True
        As :class:`KerasMLPRegressor`'s (whose default is False), on the last
        ``validation_split`` of the windows in time; with a linear path the
        starting point counts as the first candidate, so training that does
        not beat the linear start on those windows ends there.
    validation_split : float, default=0.1
        The share of the windows, the latest in time, held out for early
        stopping.
    scale : bool, default=True
        Standardize the series and target with statistics of the training
        part, so default learning rates work on series of any magnitude:
        the mean and standard deviation, or, for level-relative windows, the
        standard deviation of the targets' distance from their level (the
        size of a step).  Predictions come back in the original units.
        ``False`` trains on raw values, as seed 000 does.

    :data:`skhyper.datasets.BOOK_FORECASTER` holds seed 000's network as
    these parameters (raw values, no linear path, no early stopping).

    Attributes
    ----------
    Those of :class:`KerasMLPRegressor`, and:

    seasonal_period_ : int or None
        The season length the windows use: ``seasonal_period``, or what
        ``"auto"`` found.
    deseasonalize_ : {"additive", "multiplicative", "difference"} or None
        What ``deseasonalize`` did at ``fit`` (None: nothing removed).
    seasonal_strength_ : float or None
        The season's strength measured at ``fit`` (the weakest column's)
        when ``min_seasonal_strength`` is above 0 and there was a season to
        remove; None otherwise.
    seasonal_indices_ : ndarray of shape (season, n_features) or None
        The indices taken out of the series, per position in the season
        (position 0: the training series' first row); None when
        ``deseasonalize_`` is None or "difference".
    linear_alpha_ : float or None
        The ridge penalty the linear path started from, chosen by a
        BIC-type criterion (see :mod:`skhyper.linear`); ``inf``
        when the intercept alone won (with level-relative windows, the naive
        forecast plus the mean step); None without a linear path.
    linear_lags_ : ndarray of int or None
        The rows before ``t`` (as in ``lags_``) the linear start uses: the
        latest few, with or without those a season before, chosen with its
        penalty by the same criterion (an autoregression's order; see
        :mod:`skhyper.linear`); the other lags start at 0 and training may
        move them.  Empty when the intercept alone won; None without a
        linear path.
    linear_start_kept_ : bool or None
        Whether the linear start was kept after training because the trained
        network did not beat it by ``linear_margin`` standard errors on the
        validation windows (True), or the trained network was (False); None
        when there was nothing to compare (no linear path, no early stopping
        or validation windows, or a ``partial_fit`` / warm start that went on
        from an earlier fit).
    window_size_ : int
        The window's rows (``window_size``, or what ``"auto"`` chose).
    lags_ : ndarray of int
        The rows a window holds, as offsets ``k`` (row ``t - k``), oldest
        first; fixed at ``fit`` (``predict`` and ``forecast`` use these even
        if the parameters change afterwards).
    level_rows_ : int
        How many of a window's latest rows its level averages (0: windows are
        fed as they are).
    context_ : ndarray
        The last rows of the training series, which ``predict`` continues
        from and ``forecast`` starts at (``lags_[0]`` rows, and a season
        more with ``deseasonalize_="difference"``).
    input_mean_, input_scale_, target_mean_, target_scale_ : ndarray
        The scaling learned at ``fit`` (zeros and ones with ``scale=False``).

    See Also
    --------
    predict_in_sample : one-step predictions over the training series itself.

    Notes
    -----
    ``fit(X)`` models the series itself; ``fit(X, y)`` predicts ``y[t]`` from
    the window of ``X`` rows before ``t``.  Either way, the prediction for row
    ``t`` uses only rows before ``t``.  ``predict(X)`` returns one prediction
    per row of ``X``: when ``X`` continues the series ``fit`` saw (a
    ``TimeSeriesSplit`` test fold, or a time index that starts where the
    training one ended), its first rows are predicted from the end of the
    training series.
    """

    _parameter_constraints = {
        **KerasMLPRegressor._parameter_constraints,
        "window_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "seasonal_period": [Interval(Integral, 2, None, closed="left"), StrOptions({"auto"}), None],
        "seasonal_window": [Interval(Integral, 0, None, closed="left")],
        "relative_to": [StrOptions({"auto", "mean", "last"}), None],
        "linear_path": ["boolean"],
        "linear_margin": [Interval(Real, 0, None, closed="left")],
        "linear_lags": [StrOptions({"auto", "all"})],
        "deseasonalize": [StrOptions({"auto", "additive", "multiplicative", "difference"}), None],
        "min_seasonal_strength": [Interval(Real, 0, 1, closed="both")],
        "scale": ["boolean"],
        "window_scale": [StrOptions({"level"}), None],
        **{name: [*KerasMLPRegressor._parameter_constraints[name], StrOptions({"auto"})] for name in AUTO_SETTINGS},
        "series_weight": [StrOptions({"mase", "equal"}), None],
    }

    def __init__(
        self,
        *,
        window_size="auto",
        horizon=1,
        seasonal_period=None,
        seasonal_window=3,
        relative_to="auto",
        linear_path=True,
        linear_margin=2.0,
        linear_lags="auto",
        deseasonalize=None,
        min_seasonal_strength=0.0,
        scale=True,
        window_scale="level",
        series_weight="mase",
        hidden_layer_sizes="auto",
        batch_size="auto",
        epochs="auto",
        lr_schedule="auto",
        early_stopping="auto",
        validation_split="auto",
        **params,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, batch_size=batch_size, epochs=epochs, lr_schedule=lr_schedule,
            early_stopping=early_stopping, validation_split=validation_split, **params,
        )  # fmt: skip
        self.window_size = window_size
        self.horizon = horizon
        self.seasonal_period = seasonal_period
        self.seasonal_window = seasonal_window
        self.relative_to = relative_to
        self.linear_path = linear_path
        self.linear_margin = linear_margin
        self.linear_lags = linear_lags
        self.deseasonalize = deseasonalize
        self.min_seasonal_strength = min_seasonal_strength
        self.scale = scale
        self.window_scale = window_scale
        self.series_weight = series_weight

    __init__.__signature__ = signature_with(KerasMLPBase.__init__, __init__)

    def _setting(self, name):
        """A parameter's value, an "auto" one resolved for what the
        forecaster is (or was last) fit on: one series or a panel."""
        value = getattr(self, name)
        if name in AUTO_SETTINGS and isinstance(value, str) and value == "auto":
            return AUTO_SETTINGS[name][bool(getattr(self, "panel_", False))]
        return value

    def _output_and_loss(self, n_outputs):
        """``loss=None``: the squared error on one series, the absolute error
        on a panel (its windows scaled by their levels: relative errors)."""
        if self.loss is None and getattr(self, "panel_", False):
            return "linear", "mean_absolute_error"
        return super()._output_and_loss(n_outputs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.input_tags.sparse = False
        return tags

    # ------------------------------------------------------------------ fit

    def fit(self, X, y=None):
        """Train on every window of the series ``X``.

        Parameters
        ----------
        X : array-like of shape (n_steps,) or (n_steps, n_features), pandas
            Series or DataFrame; time along axis 0, oldest first.
        y : array-like of shape (n_steps,) or (n_steps, n_targets), default=None
            What to predict; None forecasts ``X`` itself.

        Returns
        -------
        self
        """
        if not self._took_fused_result(X, y, None):
            self._fit(X, y, None, warm_start=self.warm_start, epochs=None)
        return self

    def partial_fit(self, X, y=None):
        """Train one more epoch on the windows of ``X`` (the first call builds
        the network and fixes the scaling)."""
        self._fit(X, y, None, warm_start=True, epochs=1)
        return self

    def _training_rows(self, X, y, sample_weight, *, reset):
        """Every window of the series and the values that follow it."""
        if is_panel(X):
            return self._panel_training_rows(X, y, sample_weight, reset=reset)
        if not reset and getattr(self, "panel_", False):
            raise ValueError("This forecaster was fit on a panel; partial_fit must be given a panel too.")
        series = as_series(X, "X")
        target = series if y is None else as_series(y, "y")
        if len(target) != len(series):
            raise ValueError(f"X and y must have the same length; got {len(series)} and {len(target)}.")
        if not reset:  # first: a changed window explains a length error too
            self._check_like_training(X, series, target, y)
        if reset:
            self._check_seasonal_window()
            self.panel_ = False
            self.seasonal_period_ = self._resolve_season(series)
            self.window_size_ = self._resolve_window(len(series))
            self.linear_alpha_ = self.linear_lags_ = None
            self._check_length(len(series), "the series")
            mode = self._deseasonalize_mode(series, y)
            self.seasonal_strength_ = None
            if mode is not None and self.min_seasonal_strength > 0:
                self.seasonal_strength_ = self._strength(series.values, mode)
                if self.seasonal_strength_ < self.min_seasonal_strength:
                    mode = None  # too weak a season to take out
            if mode == "difference":  # windows of changes reach a season further back
                self._check_length(len(series), "the series", self.seasonal_period_)
            self.deseasonalize_ = mode
            self.seasonal_indices_ = None
            if mode in ("additive", "multiplicative"):
                self.seasonal_indices_ = seasonal_indices(series.values, self.seasonal_period_, mode == "multiplicative")
        else:  # a continuation keeps fit's mode and indices; they are not decided per chunk
            self._check_length(len(series), "the series", self._difference_lag())
            if self.deseasonalize_ == "multiplicative" and not (series.values > 0).all():
                raise ValueError(
                    "This forecaster divides the series by multiplicative seasonal indices (fit chose"
                    " deseasonalize_='multiplicative'), so partial_fit needs positive values; this"
                    " series has values <= 0: call fit() to train a new one."
                )
        raw = series.values
        lag = self._difference_lag()
        if lag:  # the model learns the change from one season before
            index = None if series.index is None else series.index[lag:]
            series = Series(_changes(raw, lag), index, series.names, series.one_dimensional)
            target = series
        elif self.deseasonalize_ is not None:
            series = Series(self._deseasonalized(raw, 0), series.index, series.names, series.one_dimensional)
            target = series
        if self.relative_to not in (None, "auto") and y is not None:
            raise ValueError(
                f"relative_to={self.relative_to!r} predicts the series relative to its own"
                " recent level, so the series must be its own target: call fit(X) with"
                " y=None, or set relative_to=None to predict a separate y."
            )
        if reset:
            self.n_features_in_ = series.values.shape[1]
            if series.names is not None:
                self.feature_names_in_ = series.names
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            self.forecasts_itself_ = y is None
            self.target_is_1d_ = target.one_dimensional
            self.input_mean_, self.input_scale_ = _moments(series.values, self.scale)
            self.target_mean_, self.target_scale_ = _moments(target.values, self.scale)
            self.lags_ = self._offsets()
            self.level_rows_ = self._level_rows(y is None)
            if self.level_rows_ and self.scale:
                self.input_scale_ = self.target_scale_ = self._step_scale(series.values)
        windows, next_values = sliding_windows(
            self._scaled_inputs(series.values),
            (target.values - self.target_mean_) / self.target_scale_,
            self.lags_,
            self.horizon,
        )
        windows, next_values, _ = self._relative(windows, next_values)
        rows = super()._training_rows(windows, next_values, sample_weight, reset=reset)
        # predict() continues the series trained on last.
        self.context_ = raw[-(self.lags_[0] + lag) :].copy()
        self._training_head = raw[: self.lags_[0]].copy()
        self._training_length = len(raw)
        self._training_index = _time_index_summary(series.index)
        return rows

    def _deseasonalize_mode(self, series, y):
        """What ``deseasonalize`` does to ``series``: "additive",
        "multiplicative", "difference" or None (no season); raises where it
        cannot, or, with ``min_seasonal_strength`` above 0, takes nothing out
        (a series too short to show the season's strength or to difference
        by it: a search's short first fold, say, as for a weak season)."""
        period = self.seasonal_period_  # the fitted season ("auto" resolved)
        if self.deseasonalize is None or period is None:
            return None
        if y is not None:
            raise ValueError(
                f"deseasonalize={self.deseasonalize!r} takes the season out of the series and"
                " puts it back into its forecasts, so the series must be its own target:"
                " call fit(X) with y=None, or set deseasonalize=None to predict a separate y."
            )
        gated = self.min_seasonal_strength > 0
        if self.deseasonalize == "difference":  # windows of changes hold two seasons already
            return None if gated and not self._can_difference(len(series)) else "difference"
        if len(series) < 2 * period and gated:
            return None
        if len(series) < 2 * period:
            raise ValueError(
                f"deseasonalize={self.deseasonalize!r} needs two seasons of {period} rows to"
                f" measure the season's shape; the series has {len(series)} rows."
            )
        positive = bool((series.values > 0).all())
        if self.deseasonalize == "auto":
            return seasonal_mode(series.values, period) if positive else "additive"
        if self.deseasonalize == "multiplicative" and not positive:
            raise ValueError(
                "deseasonalize='multiplicative' divides the series by its seasonal indices,"
                " so it needs positive values; this series has values <= 0: use 'additive'."
            )
        return self.deseasonalize

    def _strength(self, values, mode):
        """The season's strength (the weakest column's), on the scale of its
        ``mode``: in logarithms for a multiplicative season, and for a
        seasonal difference, where ``seasonal_mode`` finds one."""
        multiplicative = mode == "multiplicative" or (
            mode == "difference" and bool((values > 0).all()) and seasonal_mode(values, self.seasonal_period_) == "multiplicative"
        )
        return float(np.min(seasonal_strength(values, self.seasonal_period_, multiplicative)))

    def _end(self):
        """The row after the training series (the point of the season
        ``predict`` and ``forecast`` continue from)."""
        return getattr(self, "_training_length", len(self.context_))

    def _season_of(self, n_rows, first_row):
        """The seasonal indices of ``n_rows`` rows from row ``first_row`` of
        the training series on (0: its first row)."""
        positions = (first_row + np.arange(n_rows)) % len(self.seasonal_indices_)
        return self.seasonal_indices_[positions]

    def _difference_lag(self):
        """The lag of the seasonal difference the model learns (0: none)."""
        return self.seasonal_period_ if getattr(self, "deseasonalize_", None) == "difference" else 0

    def _deseasonalized(self, values, first_row):
        """``values`` (rows from ``first_row`` of the training series on)
        without their seasonal indices; unchanged without them."""
        if getattr(self, "seasonal_indices_", None) is None:
            return values
        season = self._season_of(len(values), first_row)
        return values / season if self.deseasonalize_ == "multiplicative" else values - season

    def _reseasonalized(self, values, first_row):
        """The inverse of :meth:`_deseasonalized`."""
        if getattr(self, "seasonal_indices_", None) is None:
            return values
        season = self._season_of(len(values), first_row)
        return values * season if self.deseasonalize_ == "multiplicative" else values + season

    def _check_like_training(self, X, series, target, y):
        """A warm start must see the same columns, windows and target as the first fit."""
        self._check_columns(X, series)
        if (y is None) != self.forecasts_itself_:
            raise ValueError(
                "This forecaster was fit "
                + ("on X alone (y=None)" if self.forecasts_itself_ else "with a separate y")
                + "; partial_fit must be called the same way."
            )
        if self._windows_unlike_fit(y is None):
            raise ValueError(
                "window_size, horizon, seasonal_period, seasonal_window or relative_to changed since"
                " this forecaster was fit, which changes its network's inputs or outputs:"
                " call fit() to train a new one."
            )
        width = _width(self)
        if target.values.shape[1] != width:
            raise ValueError(f"y has {target.values.shape[1]} columns, but the forecaster was fit on {width}.")

    def _windows_unlike_fit(self, forecasts_itself):
        """What the parameters would make differently from the fitted
        windows (lags, outputs, level rows) now; empty when nothing."""
        differences = []
        offsets, outputs, level_rows = self._offsets(), self.horizon * _width(self), self._level_rows(forecasts_itself)
        if not np.array_equal(offsets, self.lags_):
            differences.append(f"lags_ other than {offsets.tolist()}, which window_size, horizon and the season make")
        if outputs != self.n_outputs_:
            differences.append(f"n_outputs_={self.n_outputs_} other than the {outputs} that horizon and the target make")
        if level_rows != self.level_rows_:
            differences.append(f"level_rows_={self.level_rows_} other than the {level_rows} that relative_to makes")
        return differences

    def _check_columns(self, X, series):
        if series.values.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {series.values.shape[1]} features, but {type(self).__name__}"
                f" is expecting {self.n_features_in_} features as input."
            )
        check_feature_names(self, X if isinstance(X, pd.DataFrame) else series.values, reset=False)

    def _validation_rows(self, y):
        """The last windows in time, as Keras' ``validation_split`` takes them:
        a random split of overlapping windows would leak the future."""
        n_val = int(np.ceil(len(y) * self._validation_fraction()))
        if n_val >= len(y):
            raise ValueError(
                f"{self._validation_description()} leaves no windows to train on"
                f" out of {len(y)}."
            )
        rows = np.arange(len(y))
        return rows[: len(y) - n_val], rows[len(y) - n_val :]

    def _check_seasonal_window(self):
        """On one series (a panel's windows hold the latest rows only)."""
        explicit_season = isinstance(self.seasonal_period, Integral)
        if explicit_season and self.seasonal_window > self.seasonal_period - self.horizon:
            raise ValueError(
                f"seasonal_window={self.seasonal_window} with seasonal_period="
                f"{self.seasonal_period} and horizon={self.horizon} would show the network"
                " rows it is asked to predict: seasonal_window must be at most"
                f" seasonal_period - horizon = {self.seasonal_period - self.horizon}."
            )

    def _has_linear_path(self):
        return self.linear_path

    def _linear_start_choices(self, n_columns):
        """The linear start's orders: with ``linear_lags="auto"`` the latest
        ``k`` rows for each ``k`` up to the window, each alone and with the
        rows around the same point a season before, fewest lags first (see
        :func:`skhyper.linear.ridge_bic`); with "all", the window's rows.
        ``linear_lags_`` records the choice."""
        lags = np.asarray(self.lags_)
        if getattr(self, "panel_", False):
            return self._panel_linear_start_choices(n_columns)
        if self.linear_lags == "all":
            return [(lags, np.ones(n_columns, dtype=bool))]
        column_lags = np.repeat(lags, n_columns // len(lags))  # lag-major, as lagged_rows lays them out
        period, seasonal_window = self._season()
        seasonal = lag_offsets(0, self.horizon, period, seasonal_window) if period is not None else []
        sets = {}
        for order in range(1, self._window() + 1):
            for extra in ([], seasonal):
                chosen = np.unique(np.concatenate([np.arange(1, order + 1), extra]).astype(int))[::-1]
                sets.setdefault(tuple(chosen), chosen)
        ordered = sorted(sets.values(), key=len)  # stable: by order within a size
        return [(chosen, np.isin(column_lags, chosen)) for chosen in ordered]

    def _chose_linear_start(self, label, alpha):
        self.linear_lags_ = label if np.isfinite(alpha) else label[:0]

    def _before_training(self, initial_epoch):
        self.linear_start_kept_ = None
        if initial_epoch == 0 and self.linear_path and self._early_stopping() and self._validation_fraction() > 0:
            return self._get_weight("linear_path/kernel"), self._get_weight("output/bias")  # a new network's start
        return None

    def _after_training(self, start, X, y, y_model, sample_weight, history):
        if start is not None:
            self.linear_start_kept_ = self._keep_start_unless_beaten(start, X, y, y_model, sample_weight)
            if self.linear_start_kept_ and self.checkpoint is not None:
                self._save_checkpoint(history)  # the file holds what the fit ends with

    def _keep_start_unless_beaten(self, start, X, y, y_model, sample_weight):
        """Put the linear start back unless the trained network beats it on
        the validation windows by more than ``linear_margin`` standard errors
        of the mean per-window difference of their losses (in the spirit of
        the one-standard-error rule of Breiman et al., *Classification and
        Regression Trees*, 1984: prefer the simpler model unless the data
        clearly favour the other), and never on fewer than
        ``MIN_VALIDATION_WINDOWS`` windows unless ``linear_margin`` is 0.
        With ``horizon=h`` the windows' targets overlap, so the standard
        error counts the differences' covariances
        up to lag ``h - 1``, as Diebold and Mariano's test of two forecasts
        does.  Returns whether the start was kept."""
        _, rows = self._validation_rows(y)
        X_val = X[rows].astype(np.float32)
        y_val = y_model[rows].reshape(len(rows), -1).astype(np.float32)
        kernel, intercept = start
        started = X_val @ kernel.astype(np.float32) + intercept.astype(np.float32)
        trained = np.asarray(engine.predict(self._network(), X_val), dtype=np.float32).reshape(started.shape)
        if np.allclose(trained, started, rtol=1e-5, atol=1e-6):
            return True  # early stopping already ended at the start
        gain = self._per_row_loss(y_val, started) - self._per_row_loss(y_val, trained)
        if sample_weight is not None:
            gain = gain * sample_weight[rows] / np.mean(sample_weight[rows])
        enough = len(rows) >= MIN_VALIDATION_WINDOWS or self.linear_margin == 0
        if enough and _mean_beats(gain, self.linear_margin, lags=self.horizon - 1):
            return False
        self._set_weight("linear_path/kernel", kernel)
        self._set_weight("output/kernel", np.zeros(self._weight_shape("output/kernel")))
        self._set_weight("output/bias", intercept)
        return True

    def _per_row_loss(self, y_true, y_pred):
        """The training loss of each row (a loss that reduces over the rows
        is called on one row at a time)."""
        from .._compiled import _per_sample_loss

        loss = _per_sample_loss(self._output_and_loss(y_true.shape[1])[1])
        values = np.asarray(loss(y_true, y_pred), dtype=np.float64)
        if values.shape != (len(y_true),):
            values = np.array(
                [float(np.asarray(loss(y_true[i : i + 1], y_pred[i : i + 1])).mean()) for i in range(len(y_true))]
            )
        return values

    def _resolve_season(self, series):
        """``seasonal_period``, or the one ``"auto"`` finds in the training series."""
        if self.seasonal_period != "auto":
            return self.seasonal_period
        if irregular_time_index(series.index):
            warnings.warn(
                "seasonal_period='auto': X's DatetimeIndex has no regular frequency (missing"
                " timestamps?), so the season is read from the autocorrelation of the rows as"
                " they are; fill the gaps (e.g. X.asfreq('D')) or pass seasonal_period.",
                UserWarning,
                stacklevel=4,
            )
        return detect_period(series.values, series.index)

    def _season(self):
        """The season length and the rows either side of it the windows use.

        An ``"auto"`` season narrows ``seasonal_window`` to what it allows
        (the rows must come before the targets), or is dropped when even its
        own row would be one to predict (``horizon`` longer than the season).
        """
        period = self.seasonal_period
        if period == "auto":
            period = getattr(self, "seasonal_period_", None)
            if period is None or period < self.horizon:
                return None, 0
            return period, min(self.seasonal_window, period - self.horizon)
        return period, self.seasonal_window

    def _resolve_window(self, n_rows):
        """``window_size``, or for "auto" a quarter of ``n_rows``, from 1 to
        ``AUTO_WINDOW``."""
        if self.window_size == "auto":
            return int(min(AUTO_WINDOW, max(1, n_rows // 4)))
        return self.window_size

    def _window(self):
        """The window's rows: ``window_size``, or the one fit chose."""
        if self.window_size != "auto":
            return self.window_size
        if not hasattr(self, "window_size_"):
            raise AttributeError("window_size='auto' is chosen at fit")
        return self.window_size_

    def _offsets(self):
        """The rows before each target the network sees (see ``lag_offsets``)."""
        period, seasonal_window = self._season()
        return lag_offsets(self._window(), self.horizon, period, seasonal_window)

    def _level_rows(self, forecasts_itself):
        """How many of a window's latest rows its level averages (0: none)."""
        relative_to = self.relative_to
        if relative_to == "auto":
            relative_to = "last" if forecasts_itself else None
        return {None: 0, "last": 1, "mean": self._window()}[relative_to]

    def _step_scale(self, values):
        """Per column, the spread of the training targets around their
        windows' levels: the scale of level-relative windows and targets."""
        windows, targets = sliding_windows(values, values, self.lags_, self.horizon)
        _, relative, _ = self._relative(windows, targets)
        spread = relative.reshape(len(relative), -1, values.shape[1]).std(axis=(0, 1))
        return np.where(spread > 0, spread, 1.0)

    def _relative(self, windows, targets=None):
        """Subtract each window's level (per column) from it and from its
        targets; returns both and the levels, to add back to predictions."""
        if not self.level_rows_:
            return windows, targets, 0.0
        n, n_features = len(windows), self.n_features_in_
        rows = windows.reshape(n, -1, n_features)
        level = rows[:, -self.level_rows_ :, :].mean(axis=1)
        windows = (rows - level[:, None, :]).reshape(n, -1)
        if targets is not None:
            targets = (targets.reshape(n, -1, n_features) - level[:, None, :]).reshape(n, -1)
        return windows, targets, level

    def _window_params(self):
        """The parameters that decide how far back a window reaches."""
        period, seasonal_window = self._season()
        window = f"window_size={self._window()}" + (" (chosen by 'auto')" if self.window_size == "auto" else "")
        if period is None:
            return window
        found = " (found by 'auto')" if self.seasonal_period == "auto" else ""
        return (
            f"{window}, seasonal_period={period}{found},"
            f" seasonal_window={seasonal_window}"
        )

    def _fitted_window(self):
        """`` (fit with window_size=...)``, when the parameters still say what
        ``fit`` used (``lags_``); otherwise nothing."""
        try:
            unchanged = np.array_equal(self._offsets(), self.lags_)
        except (AttributeError, TypeError, ValueError):
            unchanged = False
        return f" (fit with {self._window_params()})" if unchanged else ""

    def _can_difference(self, n_rows):
        """Whether ``n_rows`` show a season's strength (two seasons) and
        still hold two windows of changes from a season before."""
        return n_rows >= max(2 * self.seasonal_period_, self._rows_needed(self.seasonal_period_))

    def _rows_needed(self, difference_lag=0):
        """The rows training needs: two windows, what a window reaches back
        (changes reach ``difference_lag`` rows further), the horizon and one."""
        return int(self._offsets()[0]) + difference_lag + self.horizon + 1

    def _check_length(self, n_rows, what, difference_lag=0):
        needed = self._rows_needed(difference_lag)
        lookback = needed - self.horizon - 1
        if n_rows < needed:
            of_changes = " of changes from a season before (deseasonalize='difference')" if difference_lag else ""
            reach = "" if self._season()[0] is None else f"a window{of_changes} reaches {lookback} rows back, so "
            raise ValueError(
                f"{what} has {n_rows} rows, too short for {self._window_params()} and"
                f" horizon={self.horizon}: {reach}training needs at least {lookback} +"
                f" {self.horizon} + 1 = {needed} rows (two windows)."
            )

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        # fit() builds the windows from a checked series; here they only
        # change precision, which must keep them finite.
        def as_float32(values):
            if values is None:
                return None
            with np.errstate(over="ignore"):
                values = np.asarray(values, dtype=np.float32)
            if not np.isfinite(values).all():
                raise ValueError(
                    "The series has values too large for float32, the precision Keras"
                    " trains in" + ("; rescale it first." if not self.scale else ".")
                )
            return values

        return as_float32(X), as_float32(y)

    def _scaled_inputs(self, values):
        return (values - self.input_mean_) / self.input_scale_

    # -------------------------------------------------------------- predict

    def predict(self, X, continues=None):
        """One-step-ahead predictions, one per row of ``X``.

        Row ``t`` is predicted from the rows before it (the ``window_size``
        last ones, and last season's with ``seasonal_period``): from
        ``X`` itself, or, for the first rows, from the end of the training
        series when ``X`` continues it.

        Parameters
        ----------
        X : the series to predict, laid out as in ``fit``.
        continues : bool or None, default=None
            Whether ``X`` starts right after the series ``fit`` saw.  None
            decides: with time indexes, by the timestamps; with arrays, ``X``
            continues unless it starts with the rows the training series
            started with (an in-sample prediction).  Pass False for an
            unrelated series: its first rows then have no window, and
            predicting them raises.

        Returns
        -------
        ndarray of shape (n_steps,) or (n_steps, n_targets)
        """
        check_is_fitted(self)
        if getattr(self, "panel_", False):
            return self._panel_predict(X)
        series = as_series(X, "X")
        self._check_columns(X, series)
        if continues is None:
            continues = self._continues_training(series)
        lookback = self.lags_[0] + self._difference_lag()
        if not continues:
            raise ValueError(
                f"The first {lookback} rows of X have no window of the {lookback} rows"
                f" before them{self._fitted_window()}: X does not continue the"
                " series fit saw (it starts where the training series started, or its"
                " time index does not follow the training one). Predict on rows that"
                " follow the training series (continues=True), or pass the earlier rows"
                f" too and keep the predictions from row {lookback} on."
            )
        values = np.concatenate([self.context_, series.values])
        predictions = self._one_step(values, len(series), self._end() - len(self.context_))
        return predictions[:, 0] if self.target_is_1d_ else predictions

    def predict_in_sample(self, X):
        """One-step predictions over ``X`` itself, each row from the rows of
        ``X`` before it: the fitted values of the training series (as
        statsmodels' ``fittedvalues``), for the fitted-against-actual plot.

        Unlike :meth:`predict`, nothing comes from the training series' end:
        the first ``lags_[0]`` rows, which have no full window in ``X``, are
        NaN.
        With ``deseasonalize``, row 0 of ``X`` is taken to be at the point of
        the season where the training series started (as when ``X`` is the
        training series).

        Parameters
        ----------
        X : the series, laid out as in ``fit`` (usually the training series).

        Returns
        -------
        ndarray of shape (n_steps,) or (n_steps, n_targets); a pandas Series
        or DataFrame with the index of ``X`` when ``X`` is one.
        """
        check_is_fitted(self)
        series = as_series(X, "X")
        self._check_columns(X, series)
        lag = self._difference_lag()
        lookback = int(self.lags_[0]) + lag
        predictions = np.full((len(series), _width(self)), np.nan)
        n = len(series) - lookback
        if n > 0:
            predictions[lookback:] = self._one_step(series.values, n, 0)
        predictions = predictions[:, 0] if self.target_is_1d_ else predictions
        if not isinstance(X, (pd.Series, pd.DataFrame)):
            return predictions
        if self.target_is_1d_:
            return pd.Series(predictions, index=X.index, name=getattr(X, "name", None) if self.forecasts_itself_ else None)
        return pd.DataFrame(predictions, index=X.index, columns=X.columns if self.forecasts_itself_ else None)

    def _one_step(self, values, n, first_row):
        """One-step predictions of the last ``n`` rows of ``values``, each from
        the rows before it (row 0 of ``values`` is row ``first_row`` of the
        training series), with the season taken out and put back."""
        lag = self._difference_lag()
        if lag:  # the change from a season before, plus the value a season before
            windows = lagged_rows(self._scaled_inputs(_changes(values, lag)), self.lags_, n)
            return self._predict_windows(windows) + values[len(values) - n - lag : len(values) - lag]
        windows = lagged_rows(self._scaled_inputs(self._deseasonalized(values, first_row)), self.lags_, n)
        return self._reseasonalized(self._predict_windows(windows), first_row + len(values) - n)

    def _predict_windows(self, windows):
        """The first-step predictions, in the target's units, of scaled windows."""
        windows, _, level = self._relative(windows)
        first_step = engine.predict(self._network(), windows)[:, : self._n_targets()] + level
        return first_step * self.target_scale_ + self.target_mean_

    def score(self, X, y=None, sample_weight=None):
        """R² of the one-step predictions; ``y=None`` scores ``X`` itself.
        On a panel: R² of the forecasts of its rows (see :meth:`predict`)."""
        if getattr(self, "panel_", False):
            return self._panel_score(X)
        y_true = _target_values(self, X, y)
        return r2_score(y_true, self.predict(X), sample_weight=sample_weight)

    def forecast(self, steps):
        """Forecast ``steps`` values past the end of the training series.

        Recursive: each forecast becomes part of the next window (``horizon``
        values at a time).  Needs a model of the series itself (``fit(X)``).

        Returns
        -------
        ndarray of shape (steps,) or (steps, n_features), or a pandas Series /
        DataFrame indexed by the following timestamps when the training
        series had a regular DatetimeIndex or a PeriodIndex.
        """
        check_is_fitted(self)
        if not isinstance(steps, Integral) or steps < 1:
            raise ValueError(f"steps must be a positive integer, got {steps!r}.")
        if getattr(self, "panel_", False):
            return self._panel_forecast(steps)
        if not self.forecasts_itself_:
            raise ValueError(
                "forecast() needs a model of the series itself (fit(X) with y=None);"
                " this one predicts y from X: call predict() on future X rows instead."
            )
        end = self._end()
        lag = self._difference_lag()
        context = _changes(self.context_, lag) if lag else self.context_
        history = list(self._scaled_inputs(self._deseasonalized(context, end - len(context))))
        produced = []
        n_features = self.n_features_in_
        while len(produced) < steps:
            window, _, level = self._relative(np.asarray(history)[-self.lags_].reshape(1, -1))
            block = engine.predict(self._network(), window).reshape(-1, n_features) + level
            # Model outputs are in target units; the inputs use the input scaling.
            values = block * self.target_scale_ + self.target_mean_
            produced.extend(values)
            history.extend(self._scaled_inputs(values))
        result = np.asarray(produced[:steps])
        if lag:
            result = _undifferenced(result, self.context_[-lag:])
        result = self._reseasonalized(result, end)
        result = result[:, 0] if self.target_is_1d_ else result
        return _with_future_index(result, self._training_index, getattr(self, "feature_names_in_", None))

    # ------------------------------------------------------------- helpers

    def _n_targets(self):
        return _width(self)

    def _continues_training(self, series):
        """Whether ``series`` starts right after the training series ends."""
        summary = self._training_index
        if summary is not None and series.index is not None:
            if summary["next"] is not None:  # a regular index: the very next step
                return series.index[0] == summary["next"]
            return series.index[0] > summary["last"]  # irregular: any later time
        head = self._training_head
        n = min(len(series), len(head))  # a short X may still be the training start
        starts_like_training = np.array_equal(series.values[:n], head[:n])
        return not starts_like_training


def _changes(values, lag):
    """Each row's change from the row ``lag`` before it (one row per row from ``lag`` on)."""
    return values[lag:] - values[:-lag]


def _undifferenced(changes, before):
    """The inverse of :func:`_changes`: ``before`` holds the ``lag`` values
    before the first change; a change past the first season adds to the
    value it produced one season earlier."""
    lag = len(before)
    values = np.concatenate([before, np.zeros_like(changes)])
    for row in range(len(changes)):
        values[lag + row] = changes[row] + values[row]
    return values[lag:]


def _width(estimator):
    """Columns of the target the forecaster was fit on."""
    return 1 if estimator.target_is_1d_ else len(estimator.target_mean_)


def _moments(values, scale):
    if not scale:
        return np.zeros(values.shape[1]), np.ones(values.shape[1])
    std = values.std(axis=0)
    return values.mean(axis=0), np.where(std > 0, std, 1.0)


def _target_values(estimator, X, y):
    """What the one-step predictions of ``X`` are compared with."""
    if y is not None:
        series = as_series(y, "y")
        return series.values[:, 0] if series.one_dimensional else series.values
    if not estimator.forecasts_itself_:
        raise ValueError("This forecaster predicts y from X: pass y to score it.")
    values = as_series(X, "X").values
    return values[:, 0] if estimator.target_is_1d_ else values


def _time_index_summary(index):
    """The last timestamp, the next one and the frequency of a time index."""
    if index is None:
        return None
    freq = index.freq if isinstance(index, pd.PeriodIndex) else (index.freq or _infer_freq(index))
    return {"freq": freq, "last": index[-1], "next": None if freq is None else index[-1] + freq}


def _infer_freq(index):
    try:
        freq = pd.infer_freq(index)
    except (TypeError, ValueError):
        return None
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)


def _with_future_index(values, summary, names):
    if summary is None:
        return values
    if summary["freq"] is None:
        warnings.warn(
            "The training series' time index has no regular frequency, so the"
            " forecast is returned as an array without timestamps.",
            UserWarning,
            stacklevel=3,
        )
        return values
    start = summary["next"]
    if isinstance(start, pd.Period):
        index = pd.period_range(start=start, periods=len(values), freq=summary["freq"])
    else:
        index = pd.date_range(start=start, periods=len(values), freq=summary["freq"])
    if values.ndim == 1:
        return pd.Series(values, index=index, name="forecast")
    return pd.DataFrame(values, index=index, columns=names)


def _mean_beats(gain, margin, lags=0):
    """Whether the mean of ``gain`` is above ``margin`` standard errors of
    itself, the variance taking the autocovariances up to ``lags`` into
    account (Diebold & Mariano, 1995; their plain variance when those make it
    negative).  ``margin`` is read as the normal quantile it is on many
    values and asked of Student's t with ``n - 1`` degrees of freedom at the
    same level, as Harvey, Leybourne & Newbold (1997) compare Diebold and
    Mariano's statistic on few forecasts: 2 standard errors on 100 windows,
    about 4.5 on 3 (a standard error from three differences is itself a
    guess).  With fewer than two values: whether it is positive, and only
    without a margin."""
    from scipy.stats import norm, t

    gain = np.asarray(gain, dtype=np.float64)
    n, mean = len(gain), float(gain.mean())
    if n < 2:
        return margin == 0 and mean > 0
    centred = gain - mean
    variance = float(centred @ centred) / n
    long_run = variance + 2 * sum(float(centred[k:] @ centred[:-k]) / n for k in range(1, min(lags, n - 1) + 1))
    quantile = float(t.ppf(norm.cdf(margin), n - 1)) if margin > 0 else 0.0
    return mean > quantile * np.sqrt((long_run if long_run > 0 else variance) / (n - 1))
