"""WindowForecaster: a Keras MLP that forecasts a series from a window of its past.

Seed 000's recipe — a sliding window of past values into a small Dense
network — as a regressor that sklearn's searches tune with ``TimeSeriesSplit``:
``window_size`` and ``horizon`` are hyperparameters like the learning rate.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from .. import engine
from .._compat import Interval, StrOptions, check_feature_names
from .._time_index import label_summary, labels_after, steps_between, time_index_summary, with_future_index
from ..metrics import naive_mae
from ..panel import ID, is_panel
from ..seasonality import period_from_index, seasonal_indices
from ..windows import Series, as_series, lagged_rows, sliding_windows, target_values
from ._base import KerasMLPBase, signature_with
from ._covariates import KnownCovariates
from ._intervals import SERIES_ONLY, ConformalIntervals, bound_columns, check_levels, panel_scales
from ._linear_start import LinearStart
from ._panel import PanelForecasting
from ._seasonal import SeasonalTransforms, changes, undifferenced
from ._windowing import Windowing, moments, width
from .mlp import KerasMLPRegressor

__all__ = ["WindowForecaster"]

#: What the settings left at "auto" are on one series and on a panel.  On a
#: panel (many windows of many series) a wider network trains for 10 epochs
#: on the absolute error, its rate cosine-decayed, on every window (the latest too:
#: no validation split); chosen by validation on the training parts of M3
#: (benchmarks/m3.py --validate, benchmarks/m3_defaults.py), never on its
#: test part.
AUTO_SETTINGS = {
    "hidden_layer_sizes": ((100,), (512, 512, 512)),
    "batch_size": (32, 512),
    "epochs": (100, 10),
    "lr_schedule": ("constant", "cosine"),
    "early_stopping": (True, False),
    "validation_split": (0.1, 0.0),
}


class WindowForecaster(
    ConformalIntervals, KnownCovariates, PanelForecasting, SeasonalTransforms, LinearStart, Windowing,
    KerasMLPRegressor,
):
    """Forecast a series from the ``window_size`` rows before each time step.

    Takes every parameter of :class:`KerasMLPRegressor` (the ones not
    listed here are under Other Parameters), and:

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
        cycle, 7 for a weekly one); None or 1 (statsforecast's
        ``season_length=1``) for none.  ``"auto"`` finds it at ``fit`` (see
        ``seasonal_period_``): from a regular time index's frequency (hourly
        24, half-hourly 48, daily 7 or, with more than two years, 365, weekly
        52, monthly 12, quarterly 4), otherwise from the autocorrelation of
        the training series (None when no season stands out, or when the
        series holds fewer than two; see
        :func:`skhyper.seasonality.period_from_autocorrelation`); on a panel,
        from the frequency of its dates or periods (None for integer steps,
        or when its longest series holds fewer than two).  When set,
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
    hidden_layer_sizes, batch_size, epochs, lr_schedule, early_stopping, validation_split : default="auto"
        As :class:`KerasMLPRegressor`'s, with ``"auto"`` resolved for what
        ``fit`` is given (``AUTO_SETTINGS``).  On one series: ``(100,)``,
        32, 100 epochs, a constant rate, early stopping on the latest 10% of
        the windows (with a linear path the starting point counts as the
        first candidate, so training that does not beat the linear start on
        those windows ends there).  On a panel: ``(512, 512, 512)``, 512, 10
        epochs, a cosine-decayed rate, no early stopping and every window
        trained on (chosen by validation on the training parts of M3, the
        last horizon of each series held out: ``benchmarks/m3.py
        --validate``, ``benchmarks/m3_defaults.py``).
    scale : bool, default=True
        Standardize the series and target with statistics of the training
        part, so default learning rates work on series of any magnitude:
        the mean and standard deviation, or, for level-relative windows, the
        standard deviation of the targets' distance from their level (the
        size of a step).  Predictions come back in the original units.
        ``False`` trains on raw values, as seed 000 does.

    window_scale : {"level"} or None, default="level"
        On a panel: divide each window and its targets by the window's
        level (the mean absolute value of its last season, or of its last
        two values without one: ``panel_level_rows_``) and subtract 1, so series of any size train one
        network on relative changes (N-BEATS and the global models of
        Montero-Manso and Hyndman do the same).  None feeds the values as
        they are (one scaling for the whole panel).
    series_weight : {"mase", "equal"} or None, default="mase"
        On a panel: how much each series counts in the loss.  ``"equal"``:
        every series the same total, however many windows it has;
        ``"mase"``: that, times each window's level over its series'
        in-sample seasonal naive error, so the loss is the series' MASE (the
        competitions' scale-free error); None: every window the same.
    series_encoding : {"onehot"} or None, default=None
        On a panel: whether the network sees which series a window comes
        from.  ``"onehot"`` adds one input per series (skforecast's
        ``encoding="onehot"``), so series whose windows look alike can
        continue differently; the forecaster then forecasts only the fit's
        series, and ``partial_fit`` takes only those.  Refused where the
        inputs would exceed ``2**28`` values (windows x series).  None: one
        network for every series alike, which forecasts any series.

    interval_horizon : int or None, default=None
        The most steps ahead ``forecast`` and ``predict`` will be asked
        prediction intervals for (their ``level``).  Set, ``fit`` also
        trains a calibration copy of the forecaster (these parameters, this
        seed) on each series without its last ``interval_horizon +
        conformal_windows - 1`` values and keeps the errors of its
        ``interval_horizon``-step forecasts from the held-out origins,
        each over its series' scale (``conformal_scores_``): split
        conformal intervals, as statsforecast's ``ConformalIntervals``.  A
        fit then costs about two.  On a panel the scores of all series are
        pooled step by step.  ``save`` keeps the intervals; a
        ``checkpoint``, written during training, before the calibration,
        holds none (``interval_horizon=None`` in its file).  With
        ``interval_method="quantile"``, networks trained with the pinball
        loss instead.  None: point forecasts only.
    conformal_windows : int or "auto", default="auto"
        Forecast origins per series the calibration takes (the latest
        ones whose ``interval_horizon`` values the copy has not seen).
        ``"auto"``: enough for 200 scores a step and at least 3 (three
        per series on a panel of 67 series or more; chosen on M3's
        training parts), holding out at most half of the (median)
        series and, on a panel, leaving it the values a fit trains on
        (its level and ``horizon``).
    interval_method : {"conformal", "quantile"}, default="conformal"
        How ``interval_horizon`` makes intervals.  ``"conformal"``: from
        the calibration copy's errors on held-out origins, as above.
        ``"quantile"``: two more copies per level of ``interval_levels``
        forecast the ``interval_horizon`` next steps at once
        (``horizon=interval_horizon``) trained with the pinball loss of
        the level's lower and upper quantiles (NeuralForecast's
        ``MQLoss``), their forecasts being the bounds
        (``quantile_forecasters_``); a fit then costs ``1 + 2 *
        len(interval_levels)``, and ``save`` refuses it.  Learnt on the
        training windows, these bands covered less than their level on
        M3's training parts (see the intervals guide).
    interval_levels : list of float, default=(80, 95)
        The levels, in percent, ``interval_method="quantile"`` trains
        networks for: the only ones ``level`` may then ask for (conformal
        intervals take any level).
    known_covariates : list of str or None, default=None
        Columns of what ``fit`` is given that are covariates known in
        advance (a promotion, a price, a holiday), not values to forecast:
        on a panel, columns of the long frame beside ``unique_id``, ``ds``
        and ``y`` (statsforecast's convention; with covariates named, any
        other column is refused, and with None other columns are left
        unread, with a warning); on one series, columns of the DataFrame
        ``X`` beside the series' own.  How they act is ``covariate_effect``'s
        choice (by default a linear effect regressed before training), and
        ``forecast(h, X_df=...)`` and ``predict(X)`` need their future values (see
        :doc:`/user_guide/covariates`).  Searchable like any parameter
        (``[None, ["promo"]]``).  None: no covariates.
    covariate_effect : {"linear", "network", "both"}, default="linear"
        How ``known_covariates`` act on the forecasts.  ``"linear"``: their
        linear effect is estimated before training, as a regression with
        ARIMA errors does (SARIMAX's ``exog``): the series' changes over a
        season (one step without one) regressed on the covariates' changes
        over the same steps (``covariate_coef_``); the network learns the
        series less that effect, and the effect of the future values is
        added to its forecasts.  The network then takes none of them.
        ``"network"``: no regression; the network sees the covariates at
        the steps it predicts (standardized) and learns their effect from
        the windows.
        ``"both"``: the regression, and the network sees them too.  On
        series other than the covariate benchmark's
        (``benchmarks/covariates_validate.py``), ``"linear"`` was best or
        within 0.02 of the best on each; a choice for a search.  Static features always enter
        the network.
    covariate_window : bool, default=False
        With ``known_covariates`` the network sees (``covariate_effect``
        ``"network"`` or ``"both"``; static features): also feed them at the window's
        own rows (a promotion last week explains last week's jump, which
        the window holds); the linear start then uses those at the rows it
        uses.  False feeds only those at the time steps predicted: fewer
        inputs, and no window of covariate values training never saw (a
        law in force from a date on fills whole windows with ones).  On
        ``benchmarks/covariates.py`` with ``covariate_effect="network"``, True
        did much worse on PromoData (MASE 1.91 against 1.01) and a little
        better on Seatbelts (0.94 against 0.97); much better where a
        covariate leads the series (``benchmarks/covariates_validate.py``);
        a choice for a search.
    static_features : list of str or None, default=None
        On a panel: columns of the long frame that hold one value per
        series (a store's size, a product's price band), fed to the
        network beside every window as known covariates are; their future
        values are each series' own, so ``forecast(h)`` needs no ``X_df``
        for them and ``predict(X)`` fills them in (values ``X`` holds for
        them are replaced by the fit's).  A column that changes within a
        series is refused.  None: no static features.

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
        fed as they are; 0 on a panel, which has ``panel_level_rows_``).
    panel_level_rows_ : int
        On a panel: how many of a window's latest values its level averages
        (a season, 2 without one, at most the window).  A window holds
        these at least, so a series' first targets are that many values in.
    context_ : ndarray
        The last rows of the training series, which ``predict`` continues
        from and ``forecast`` starts at (``lags_[0]`` rows, and a season
        more with ``deseasonalize_="difference"``).
    input_mean_, input_scale_, target_mean_, target_scale_ : ndarray
        The scaling learned at ``fit`` (zeros and ones with ``scale=False``).
    panel_ : bool
        Whether ``fit`` was given a panel (a long DataFrame of ``unique_id``,
        ``ds``, ``y``, or a dict of Series; see :mod:`skhyper.panel`).
    panel_ids_ : ndarray
        A panel's series, in the order ``forecast`` returns them.
    panel_freq_ : pandas DateOffset or None
        A panel's frequency (None for integer time steps).
    naive_mae_ : ndarray of shape (n_series,)
        Each series' in-sample MAE of the seasonal naive forecast at
        ``seasonal_period_`` (lag 1 without one): the scale of its windows'
        weights and of its intervals.
    mase_scale_ : ndarray of shape (n_series,)
        Each series' in-sample MAE of the seasonal naive forecast at the
        season of the panel's frequency (lag 1 for integer time steps): the
        scale of :func:`skhyper.scorers.neg_mase` and ``neg_msis`` (see
        :func:`skhyper.metrics.mase`), the same for every ``seasonal_period``
        a search tries.  On one series, shape (1,): at the season of its
        dates' frequency, lag 1 without dates (over all values of a target
        of several columns).
    conformal_scores_ : ndarray of shape (n_scores, interval_horizon) or None
        The calibration's errors, each over its series' scale, one column
        per step ahead (None without ``interval_horizon``).  An interval
        at ``level`` puts the ``level / 100`` quantile of its step's
        absolute errors, times the series' scale, either side of the
        forecast.
    interval_scale_ : float or None
        One series' scale for its intervals (the in-sample MAE of its
        seasonal naive forecast); on a panel, ``naive_mae_`` (None without
        ``interval_horizon``, and with ``interval_method="quantile"``).
    quantile_forecasters_ : dict or None
        With ``interval_method="quantile"``: each trained quantile (0.1
        and 0.9 for the level 80, ...) and its fitted copy of the
        forecaster, whose forecasts are that bound; None otherwise.
    covariates_ : list or None
        The covariates ``fit`` took (``known_covariates``, then
        ``static_features``), in the order of the network's inputs; None
        without.  On one series they are not
        in ``feature_names_in_`` and ``n_features_in_``, which describe the
        series.
    static_features_ : list or None
        The static features ``fit`` took (None without).
    static_values_ : ndarray of shape (n_series, n_static_features) or None
        Each series' static features, in the order of ``panel_ids_``.
    covariate_mean_, covariate_scale_ : ndarray of shape (n_covariates,) or None
        The covariates' training mean and standard deviation (1 where it is
        0), which standardize them (None without covariates).
    covariate_coef_ : ndarray or None
        With ``covariate_effect`` ``"linear"`` or ``"both"``: the known
        covariates' linear effect per unit, of shape (n_known_covariates,
        n_features) on one series, (n_series, n_known_covariates) on a
        panel (each series its own regression); None otherwise.
    covariate_reference_ : ndarray or None
        The known covariates' values at the last training row (one row on
        one series, one per series on a panel), from which their effect is
        measured: the series is unchanged where it ends.

    Other Parameters
    ----------------
    activation, kernel_initializer, dropout, l1, l2 : as in KerasMLPRegressor
        The network's layers and penalties.
    optimizer, learning_rate, momentum, nesterov, beta_1, beta_2, rho, epsilon : as in KerasMLPRegressor
        The optimizer and its settings.
    weight_decay, clipnorm : as in KerasMLPRegressor
        Weight decay and gradient clipping.
    lr_decay, lr_drop, lr_step, lr_period, lr_period_mult, lr_min, lr_patience : as in KerasMLPRegressor
        The settings of the schedules by name.
    loss, shuffle, warm_start : as in KerasMLPRegressor
        The loss, the shuffling of the windows, and warm starts.
    patience, min_delta, restore_best_weights : as in KerasMLPRegressor
        The settings of early stopping.
    callbacks, engine, checkpoint, random_state, verbose : as in KerasMLPRegressor
        The training loop, checkpoints, seeds and Keras' output.

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

    :data:`skhyper.datasets.BOOK_FORECASTER` holds seed 000's network as
    ``WindowForecaster`` parameters (raw values, no linear path, no early
    stopping).
    """

    #: What a user of statsforecast, skforecast or NeuralForecast may pass
    #: here, and where it goes (the TypeError of an unknown argument says).
    _argument_hints = {
        "level": "intervals are asked of forecast() and predict(): forecast(h, level=[80, 95]), after a fit with"
        " interval_horizon=h (the most steps ahead they are calibrated for).",
        "h": "the horizon is forecast()'s argument: forecast(h); horizon here is how many steps the network"
        " predicts at once.",
        "season_length": "the season is seasonal_period here.",
        "lags": "the lags are window_size here (how many past values the network sees).",
        "input_size": "the lags are window_size here (how many past values the network sees).",
        "freq": "the frequency is read from ds (or the series' index) at fit.",
        "exog": "covariates are columns of fit()'s panel or X, named by known_covariates (their future is given"
        " to forecast() and predict()).",
        "futr_exog_list": "known covariates are named by known_covariates here.",
        "stat_exog_list": "static features are named by static_features here.",
        "max_steps": "training length is epochs here.",
    }

    _parameter_constraints = {
        **KerasMLPRegressor._parameter_constraints,
        "window_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "seasonal_period": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"}), None],
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
        "series_encoding": [StrOptions({"onehot"}), None],
        "interval_horizon": [Interval(Integral, 1, None, closed="left"), None],
        "conformal_windows": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "interval_method": [StrOptions({"conformal", "quantile"})],
        "interval_levels": [list, tuple],
        "known_covariates": [list, tuple, None],
        "covariate_window": ["boolean"],
        "covariate_effect": [StrOptions({"linear", "network", "both"})],
        "static_features": [list, tuple, None],
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
        series_encoding=None,
        interval_horizon=None,
        conformal_windows="auto",
        interval_method="conformal",
        interval_levels=(80, 95),
        known_covariates=None,
        covariate_window=False,
        covariate_effect="linear",
        static_features=None,
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
        self.series_encoding = series_encoding
        self.interval_horizon = interval_horizon
        self.conformal_windows = conformal_windows
        self.interval_method = interval_method
        self.interval_levels = interval_levels
        self.known_covariates = known_covariates
        self.covariate_window = covariate_window
        self.covariate_effect = covariate_effect
        self.static_features = static_features

    __init__.__signature__ = signature_with(KerasMLPBase.__init__, __init__)

    _ravel_column_target = False  # a series' columns are its shape

    def _setting(self, name):
        """A parameter's value, an "auto" one resolved for what the
        forecaster is (or was last) fit on: one series or a panel."""
        value = getattr(self, name)
        if name in AUTO_SETTINGS and isinstance(value, str) and value == "auto":
            on_panel = bool(getattr(self, "panel_", False))
            if name == "epochs" and on_panel:
                return self._panel_epochs(AUTO_SETTINGS[name][True])
            return AUTO_SETTINGS[name][on_panel]
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
        """Train on every window of the series ``X``, or of every series of a panel.

        Parameters
        ----------
        X : array-like of shape (n_steps,) or (n_steps, n_features), pandas.Series, pandas.DataFrame or dict of pandas.Series
            The series, time along axis 0, oldest first.  Or a panel: a long
            DataFrame with columns ``unique_id``, ``ds`` (dates or integers)
            and ``y``, as statsforecast and NeuralForecast take it, or a dict
            of pandas Series (skforecast's); one network is then trained on
            the windows of all its series.  With ``known_covariates``, those
            columns of the DataFrame (of the long frame on a panel) are the
            covariates, the other columns the series.
        y : array-like of shape (n_steps,) or (n_steps, n_targets), default=None
            What to predict; None forecasts ``X`` itself (always None with a
            panel).

        Returns
        -------
        self : WindowForecaster
            The fitted forecaster.
        """
        if self.interval_horizon is not None and y is not None:
            raise ValueError(SERIES_ONLY)  # before training, not after
        if not self._took_fused_result(X, y, None):
            self._fit(X, y, None, warm_start=self.warm_start, epochs=None)
        self._calibrate(X)
        return self

    def partial_fit(self, X, y=None):
        """Train one more epoch on the windows of ``X``.

        The first call builds the network and fixes the scaling and the
        windows; later calls must give the same columns (or, after a panel
        fit, a panel) and keep the parameters that shape the windows.

        Parameters
        ----------
        X : array-like, pandas Series or DataFrame, or a panel
            As in :meth:`fit`.
        y : array-like, default=None
            As in :meth:`fit`.

        Returns
        -------
        self : WindowForecaster
            The forecaster, trained one epoch more.
        """
        self._check_partial_fit()
        self._fit(X, y, None, warm_start=True, epochs=1)
        for quantile_model in (getattr(self, "quantile_forecasters_", None) or {}).values():
            quantile_model.partial_fit(X, y)
        if getattr(self, "panel_", False) and getattr(self, "conformal_scores_", None) is not None:
            self.interval_scale_ = panel_scales(self)  # the fit's scores, the series' scales as they are now
        return self

    def _training_rows(self, X, y, sample_weight, *, reset):
        """Every window of the series and the values that follow it."""
        if is_panel(X):
            return self._panel_training_rows(X, y, sample_weight, reset=reset)
        if not reset and getattr(self, "panel_", False):
            raise ValueError("This forecaster was fit on a panel; partial_fit must be given a panel too.")
        if self._static_names():
            raise ValueError(
                "static_features are per-series values of a panel; one series has none (give a constant"
                " column as a known covariate if it must be an input)."
            )
        names = self._covariate_names() if reset else self._covariates_for_continuation()
        labels = label_summary(X.index if isinstance(X, (pd.Series, pd.DataFrame)) else None)  # integers: time steps
        X, covariates = self._series_and_covariates(X, "X", names)
        series = as_series(X, "X")
        target = series if y is None else as_series(y, "y")
        if len(target) != len(series):
            raise ValueError(f"X and y must have the same length; got {len(series)} and {len(target)}.")
        if not reset:  # first: a changed window explains a length error too
            self._check_like_training(X, series, target, y)
        if reset:
            self._check_seasonal_window()
            # the scorers' scale: of the target as given (before any effect, season or change is taken out)
            self.mase_scale_ = np.array([_series_mase_scale(target.values, series.index)])
            self.panel_ = False
            self.static_values_ = self.static_features_ = None
            self.__dict__.pop("n_windows_", None)
            self.seasonal_period_ = self._resolve_season(series)
            self.window_size_ = self._resolve_window(len(series))
            self.linear_alpha_ = self.linear_lags_ = None
            self._check_length(len(series), "the series")
            self._fit_covariate_scaling(names, covariates)
            self._fit_linear_effect(series.values, covariates if y is None else None, self.seasonal_period_ or 1)
        given = series.values  # what predict() continues and compares with
        series = self._series_less_effect(series, covariates)
        target = series if y is None else target
        if reset:
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
        else:  # a continuation keeps fit's mode, indices and linear effect; they are not decided per chunk
            self._check_length(len(series), "the series", self._difference_lag())
            if self.deseasonalize_ == "multiplicative" and not (series.values > 0).all():
                regressed = getattr(self, "covariate_coef_", None) is not None
                less = " less its known covariates' linear effect" if regressed else ""
                raise ValueError(
                    "This forecaster divides the series by multiplicative seasonal indices (fit chose"
                    " deseasonalize_='multiplicative'), so partial_fit needs positive values; this"
                    f" series{less} has values <= 0: call fit() to train a new one."
                )
        raw = series.values
        lag = self._difference_lag()
        if lag:  # the model learns the change from one season before
            index = None if series.index is None else series.index[lag:]
            series = Series(changes(raw, lag), index, series.names, series.one_dimensional)
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
            with np.errstate(over="ignore", invalid="ignore"):
                self.input_mean_, self.input_scale_ = moments(series.values, self.scale)
                self.target_mean_, self.target_scale_ = moments(target.values, self.scale)
            if not all(np.isfinite(v).all() for v in (self.input_mean_, self.input_scale_, self.target_mean_, self.target_scale_)):
                raise ValueError("The series has values too large to standardize (their squares pass float64's range, near"
                                 " 1e154): divide it by a power of ten first, and multiply the forecasts back.")  # fmt: skip
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
        if self._covariates_in_network(covariates):  # rows aligned with the windows' series (changes: lag rows later)
            inputs = self._series_covariate_inputs(self._standardized_covariates(covariates[lag:]), len(windows))
            windows = np.hstack([windows, inputs])
        rows = super()._training_rows(windows, next_values, sample_weight, reset=reset)
        # predict() continues the series trained on last.
        self.context_ = given[-(self.lags_[0] + lag) :].copy()
        self.covariate_context_ = None if covariates is None else covariates[-(self.lags_[0] + lag) :].copy()
        self._training_head = given[: self.lags_[0]].copy()
        self._training_length = len(given)
        self._training_index = time_index_summary(series.index)
        self._training_labels = labels
        if self.checkpoint is not None:  # a zone the file cannot name fails now, not at the first checkpoint
            from ..persistence import check_index_savable

            check_index_savable(self._training_index)
        return rows

    def _end(self):
        """The row after the training series (the point of the season
        ``predict`` and ``forecast`` continue from)."""
        return getattr(self, "_training_length", len(self.context_))

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
        fitted_width = width(self)
        if target.values.shape[1] != fitted_width:
            raise ValueError(f"y has {target.values.shape[1]} columns, but the forecaster was fit on {fitted_width}.")

    def _windows_unlike_fit(self, forecasts_itself):
        """What the parameters would make differently from the fitted
        windows (lags, outputs, level rows) now; empty when nothing."""
        differences = []
        offsets, outputs, level_rows = self._offsets(), self.horizon * width(self), self._level_rows(forecasts_itself)
        if not np.array_equal(offsets, self.lags_):
            differences.append(f"lags_ other than {offsets.tolist()}, which window_size, horizon and the season make")
        if outputs != self.n_outputs_:
            differences.append(f"n_outputs_={self.n_outputs_} other than the {outputs} that horizon and the target make")
        if level_rows != self.level_rows_:
            differences.append(f"level_rows_={self.level_rows_} other than the {level_rows} that relative_to makes")
        return differences

    def _check_columns(self, X, series):
        if series.values.shape[1] != self.n_features_in_:
            named = ""
            if isinstance(X, pd.DataFrame):  # which columns, so that an extra one is found
                known = getattr(self, "covariates_", None)
                named = f" (the columns {[str(c) for c in X.columns]}" + (
                    f", besides the known covariates {list(known)})" if known else ")")
            raise ValueError(
                f"X has {series.values.shape[1]} features{named}, but {type(self).__name__}"
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
        explicit_season = isinstance(self._season_given(), Integral) and not getattr(self, "_season_fits_horizon", False)
        if explicit_season and self.seasonal_window > self.seasonal_period - self.horizon:
            raise ValueError(
                f"seasonal_window={self.seasonal_window} with seasonal_period="
                f"{self.seasonal_period} and horizon={self.horizon} would show the network"
                " rows it is asked to predict: seasonal_window must be at most"
                f" seasonal_period - horizon = {self.seasonal_period - self.horizon}."
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

    # -------------------------------------------------------------- predict

    def predict(self, X, continues=None, level=None):
        """One-step-ahead predictions, one per row of ``X``.

        Row ``t`` is predicted from the rows before it (the ``window_size``
        last ones, and last season's with ``seasonal_period``): from
        ``X`` itself, or, for the first rows, from the end of the training
        series when ``X`` continues it.

        After a panel fit, ``X`` is a long DataFrame of ``unique_id`` and
        ``ds`` whose rows follow each series' training end, and each row
        gets the forecast of its series for its step ahead.

        With ``known_covariates``, ``X`` also holds their columns: on one
        series, the covariates of each row beside its values; on a panel,
        of each row to forecast (and of every step before it after its
        series' end, which the recursive forecast goes through).

        Parameters
        ----------
        X : array-like, pandas Series or DataFrame, or a long DataFrame
            The series to predict, laid out as in ``fit``.
        continues : bool or None, default=None
            Whether ``X`` starts right after the series ``fit`` saw.  None
            decides: with time indexes, by the timestamps, and with a pandas
            integer index after a fit on one, by its labels (rows that start
            some steps after the training end, a ``TimeSeriesSplit(gap=...)``
            test fold, are predicted through those steps' forecasts; rows
            that start at or before the end raise); with arrays, ``X``
            continues unless it starts with the window of rows the training
            series started with (an in-sample prediction; rows fewer than a
            window continue it).  Pass False for an
            unrelated series: its first rows then have no window, and
            predicting them raises.
        level : float or list of float, default=None
            Prediction intervals to add, in percent (``[80, 95]``; see
            ``conformal_scores_``): one step ahead on one series, each row's
            step ahead on a panel (at most ``interval_horizon``).

        Returns
        -------
        ndarray of shape (n_steps,) or (n_steps, n_targets), or pandas.DataFrame
            The one-step prediction of each row of ``X`` (after a panel fit,
            of each row of the long DataFrame).  With ``level``, a DataFrame
            (the index of ``X`` where it has one) of the predictions
            (``prediction``, or ``WindowForecaster`` on a panel) and their
            ``lo-80``, ``hi-80``, ... columns (on a panel
            ``WindowForecaster-lo-80``, ..., as :meth:`forecast`).
        """
        check_is_fitted(self)
        levels = None if level is None else check_levels(level)
        if getattr(self, "panel_", False):
            if isinstance(X, pd.DataFrame) and ID in X.columns:
                X = self._with_statics(X)
            if levels is None:
                return self._panel_predict(X)
            return self._panel_predict_intervals(X, levels)
        index, given = (X.index if isinstance(X, (pd.Series, pd.DataFrame)) else None), X
        X, covariates = self._series_and_covariates(X, "X", self._fitted_covariates())
        series = as_series(X, "X")
        self._check_columns(X, series)
        gap = self._steps_after_training(series, index) if continues is None else (0 if continues else None)
        lookback = self.lags_[0] + self._difference_lag()
        if gap is None:
            raise ValueError(
                f"The first {lookback} rows of X have no window of the {lookback} rows"
                f" before them{self._fitted_window()}: X does not continue the"
                f" series fit saw ({self._why_not_continuing(index)}). Predict on rows that"
                " follow the training series (continues=True), or pass the earlier rows"
                f" too and keep the predictions from row {lookback} on."
            )
        context, first_row = self.context_, self._end() - len(self.context_)
        if gap:  # the steps between the training end and X: forecast, as a forecast from the end would
            context = np.concatenate([context, self._bridge(gap, index, levels)])[-len(context) :]
            first_row += gap
        values = np.concatenate([context, series.values])
        if covariates is not None:
            covariates = np.concatenate([self.covariate_context_, covariates])
        predictions = self._one_step(values, len(series), first_row, covariates)
        if levels is not None:
            point = predictions[:, :1]
            bounds = self._interval_bounds(
                point, levels, lambda model: np.asarray(model.predict(given, continues=True))[:, None]
            )
            frame = pd.DataFrame({"prediction": point[:, 0]}, index=index)
            return bound_columns(frame, "", bounds)
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

        After a panel fit, ``X`` is a long DataFrame of series the
        forecaster was fit on, with their ``y`` (as statsforecast's
        ``forecast_fitted_values`` and NeuralForecast's ``predict_insample``):
        each row is predicted from its series' values before it, NaN for each
        series' first ``panel_level_rows_`` rows.

        Parameters
        ----------
        X : array-like, pandas.Series or pandas.DataFrame
            The series, laid out as in ``fit`` (usually the training series;
            with ``known_covariates``, their columns too); after a panel fit,
            a long DataFrame with ``unique_id``, ``ds`` and ``y``.

        Returns
        -------
        ndarray of shape (n_steps,) or (n_steps, n_targets), pandas.Series or pandas.DataFrame
            The predictions, NaN for the first ``lags_[0]`` rows; a pandas
            Series or DataFrame with the index of ``X`` when ``X`` is one.
            After a panel fit, a DataFrame of ``unique_id``, ``ds`` and the
            predictions (column ``WindowForecaster``), indexed as ``X``.
        """
        check_is_fitted(self)
        if getattr(self, "panel_", False):
            return self._panel_predict_in_sample(X)
        X, covariates = self._series_and_covariates(X, "X", self._fitted_covariates())
        series = as_series(X, "X")
        self._check_columns(X, series)
        lag = self._difference_lag()
        lookback = int(self.lags_[0]) + lag
        predictions = np.full((len(series), width(self)), np.nan)
        n = len(series) - lookback
        if n > 0:
            predictions[lookback:] = self._one_step(series.values, n, 0, covariates)
        predictions = predictions[:, 0] if self.target_is_1d_ else predictions
        if not isinstance(X, (pd.Series, pd.DataFrame)):
            return predictions
        if self.target_is_1d_:
            return pd.Series(predictions, index=X.index, name=getattr(X, "name", None) if self.forecasts_itself_ else None)
        return pd.DataFrame(predictions, index=X.index, columns=X.columns if self.forecasts_itself_ else None)

    def _one_step(self, values, n, first_row, covariates=None):
        """One-step predictions of the last ``n`` rows of ``values``, each from
        the rows before it (row 0 of ``values`` is row ``first_row`` of the
        training series), with the season taken out and put back;
        ``covariates``: their values, row for row with ``values``."""
        lag = self._difference_lag()
        extra = None
        effect = self._linear_effect(covariates)
        if effect is not None:  # the network's series is the series less the covariates' linear effect
            values = values - effect
        if self._covariates_in_network(covariates):
            extra = self._series_covariate_inputs(self._standardized_covariates(covariates[lag:]), n)
        if lag:  # the change from a season before, plus the value a season before
            windows = lagged_rows(self._scaled_inputs(changes(values, lag)), self.lags_, n)
            predicted = self._predict_windows(windows, extra) + values[len(values) - n - lag : len(values) - lag]
        else:
            windows = lagged_rows(self._scaled_inputs(self._deseasonalized(values, first_row)), self.lags_, n)
            predicted = self._reseasonalized(self._predict_windows(windows, extra), first_row + len(values) - n)
        return predicted if effect is None else predicted + effect[len(effect) - n :]

    def _predict_windows(self, windows, covariate_inputs=None):
        """The first-step predictions, in the target's units, of scaled
        windows (and their covariates' inputs)."""
        windows, _, level = self._relative(windows)
        if covariate_inputs is not None:
            windows = np.hstack([windows, covariate_inputs])
        first_step = engine.predict(self._network(), windows)[:, : self._n_targets()] + level
        return first_step * self.target_scale_ + self.target_mean_

    def score(self, X, y=None, sample_weight=None):
        """R² of the one-step predictions.

        Parameters
        ----------
        X : array-like, pandas Series or DataFrame, or a panel
            The rows to predict (see :meth:`predict`).  After a panel fit, a
            long DataFrame whose rows follow each series' end, with its
            ``y``: R² of their forecasts.
        y : array-like, default=None
            True values; None scores ``X`` itself.  An ``X`` that starts
            with the training series' rows (a search's train fold) is
            scored by its in-sample predictions (:meth:`predict_in_sample`,
            from its first row with a window on), as skhyper's scorers do.
        sample_weight : array-like of shape (n_steps,), default=None
            Per-row weights (one series only).

        Returns
        -------
        score : float
            R² of the predictions against the true values.
        """
        if getattr(self, "panel_", False):
            return self._panel_score(X)
        given = self._series_and_covariates(X, "X", self._fitted_covariates())[0]
        y_true = target_values(self, given, y)
        series = as_series(given, "X")
        index = X.index if isinstance(X, (pd.Series, pd.DataFrame)) else None
        if y is None and self._is_train_fold(series, index):
            predicted = np.asarray(self.predict_in_sample(X), dtype=np.float64)
            rows = ~np.isnan(predicted.reshape(len(predicted), -1)).any(axis=1)
            weights = None if sample_weight is None else np.asarray(sample_weight)[rows]
            return r2_score(np.asarray(y_true)[rows], predicted[rows], sample_weight=weights)
        return r2_score(y_true, self.predict(X), sample_weight=sample_weight)

    def forecast(self, steps, level=None, X_df=None):
        """Forecast ``steps`` values past the end of the training series.

        Recursive: each forecast becomes part of the next window (``horizon``
        values at a time).  Needs a model of the series itself (``fit(X)``).

        Parameters
        ----------
        steps : int
            The number of time steps to forecast (per series after a panel
            fit), at least 1.
        level : float or list of float, default=None
            Prediction intervals to add, in percent (``[80, 95]``): needs a
            fit with ``interval_horizon >= steps`` (see
            ``conformal_scores_``).
        X_df : pandas.DataFrame, default=None
            The covariates of the steps to forecast, for a forecaster fit
            with ``known_covariates`` (statsforecast's ``X_df``).  On one
            series: their columns, one row per step ahead (``steps`` rows;
            with a time index at ``fit``, one that is theirs is checked to
            be the ``steps`` next time steps).  On a panel: a long frame of
            ``unique_id``, ``ds`` and their columns, for each series exactly
            its ``steps`` time steps after its end (the ``ds`` of the frame
            ``forecast`` returns).  None without covariates.

        Returns
        -------
        ndarray of shape (steps,) or (steps, n_features), pandas.Series or pandas.DataFrame
            The forecasts: a pandas Series / DataFrame indexed by the
            following timestamps when the training series had a regular
            DatetimeIndex or a PeriodIndex.  After a panel fit: a long
            DataFrame with ``unique_id``, ``ds`` and a ``WindowForecaster``
            column, ``steps`` rows per series (in the order of
            ``panel_ids_``), as statsforecast's ``forecast`` returns.  With
            ``level``, a DataFrame: on one series the columns ``forecast``,
            ``lo-95``, ``lo-80``, ``hi-80``, ``hi-95`` (indexed by the
            timestamps, or without a time index by the labels after a
            regular integer index's, as skforecast continues a RangeIndex,
            or else the row positions after the training series'); on a
            panel ``WindowForecaster-lo-95``, ... added (statsforecast's
            names, lowest bound to highest as its AutoETS).

        Raises
        ------
        ValueError
            For ``steps`` that is not a positive integer, or a forecaster
            fitted to predict ``y`` from ``X`` (it has no future ``X``); with
            ``level``, for a forecaster fit without ``interval_horizon``,
            more steps than it, or levels outside (0, 100); for ``X_df``
            missing after a fit with ``known_covariates`` or given after one
            without, and for one whose columns, rows or time steps are not
            those of the covariates of the steps forecast, or that holds NaN.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from skhyper import WindowForecaster
        >>> panel = {"a": pd.Series(np.arange(30.0)), "b": pd.Series(np.arange(30.0) * 2 + 5)}
        >>> model = WindowForecaster(hidden_layer_sizes=(8,), epochs=2, random_state=0).fit(panel)
        >>> model.forecast(3).shape
        (6, 3)
        """
        check_is_fitted(self)
        if not isinstance(steps, Integral) or isinstance(steps, (bool, np.bool_)) or steps < 1:
            raise ValueError(f"steps must be a positive integer, got {steps!r}.")
        levels = None if level is None else check_levels(level)
        if getattr(self, "panel_", False):
            given = X_df
            if self._fitted_statics() and (X_df is not None or not self._n_known()):  # each series' own
                X_df = self._with_statics(self._future(steps) if X_df is None else X_df)
            frame = self._panel_forecast(steps, self._panel_future_covariates(X_df, steps))
            if levels is None:
                return frame
            name = type(self).__name__
            point = frame[name].to_numpy().reshape(len(self.panel_ids_), steps)
            bounds = self._interval_bounds(point, levels, lambda model: model.forecast(steps, X_df=given)[name].to_numpy())
            return bound_columns(frame, name, bounds)
        if not self.forecasts_itself_:
            raise ValueError(
                "forecast() needs a model of the series itself (fit(X) with y=None);"
                " this one predicts y from X: call predict() on future X rows instead."
            )
        future = self._series_future_covariates(X_df, steps)
        covariates = None if future is None else np.concatenate([self.covariate_context_, future])
        result = self._forecast_values(self.context_, self._end(), steps, covariates)
        result = result[:, 0] if self.target_is_1d_ else result
        if levels is None:
            return with_future_index(result, self._training_index, getattr(self, "feature_names_in_", None))
        point = result.reshape(steps, -1)[:, 0]
        bounds = self._interval_bounds(point, levels, lambda model: np.asarray(model.forecast(steps, X_df=X_df)))
        point = with_future_index(point, self._training_index, None)
        if isinstance(point, pd.Series):
            frame = point.to_frame("forecast")
        else:  # no time index: the labels after an integer index's (as skforecast continues a RangeIndex), else positions
            labels = getattr(self, "_training_labels", None)
            index = labels_after(labels, steps) if labels else pd.RangeIndex(self._end(), self._end() + steps)
            frame = pd.DataFrame({"forecast": point}, index=index)
        return bound_columns(frame, "", bounds)

    def _forecast_values(self, context, end, steps, covariates=None):
        """``(steps, n_features)`` forecasts after the rows ``context`` (as
        many as ``context_`` holds), whose last is row ``end - 1`` of the
        training series; ``covariates``: theirs, row for row with
        ``context`` and the ``steps`` rows after it."""
        lag = self._difference_lag()
        effect = self._linear_effect(covariates)
        if effect is not None:  # the network's series is the series less the covariates' linear effect
            context = np.asarray(context, dtype=np.float64) - effect[: len(context)]
        changed = changes(context, lag) if lag else context
        lookback = int(self.lags_[0])
        # only the latest lookback rows are ever read: the window of each block
        history = np.asarray(self._scaled_inputs(self._deseasonalized(changed, end - len(changed))))[-lookback:]
        standardized = None
        if self._covariates_in_network(covariates):
            standardized = self._standardized_covariates(np.asarray(covariates)[lag:])
        produced, n_produced = [], 0  # blocks of rows (a row each would be an array each: a long horizon's memory)
        n_features = self.n_features_in_
        while n_produced < steps:
            window, _, level = self._relative(history[-self.lags_].reshape(1, -1))
            if standardized is not None:  # the covariates of this window's rows and of the steps it predicts
                here = standardized[len(changed) + n_produced - lookback :]
                window = np.hstack([window, self._series_covariate_inputs(here, 1)])
            block = engine.predict(self._network(), window).reshape(-1, n_features) + level
            # Model outputs are in target units; the inputs use the input scaling.
            values = block * self.target_scale_ + self.target_mean_
            produced.append(values)
            n_produced += len(values)
            history = np.concatenate([history, self._scaled_inputs(values)])[-lookback:]
        result = np.concatenate(produced)[:steps]
        if lag:
            result = undifferenced(result, context[-lag:])
        result = self._reseasonalized(result, end)
        return result if effect is None else result + effect[len(context) : len(context) + steps]

    # ------------------------------------------------------------- helpers

    def _n_targets(self):
        return width(self)

    def _steps_after_training(self, series, index=None):
        """How many steps after the training series' end ``series`` starts
        (0: right after it; a test fold of ``TimeSeriesSplit(gap=k)``: k),
        by its time index, else by the integer ``index`` of the ``X`` it
        came from where the training series had one too (the labels of its
        rows), else by its values (an array starting with the training rows
        is the training series).  None when it does not lie after the end."""
        labels = getattr(self, "_training_labels", None)
        if labels is not None and series.index is None and label_summary(index) is not None:
            return steps_between(None, labels, index[0])
        if self._training_index is not None and series.index is not None:
            summary, first = self._training_index, series.index[0]
            try:  # periods and timestamps of the same times, counted in periods, as a panel reads them
                if isinstance(summary["last"], pd.Period) and isinstance(first, pd.Timestamp):
                    first = first.tz_localize(None).to_period(summary["last"].freq)  # (its wall time)
                elif isinstance(summary["last"], pd.Timestamp) and isinstance(first, pd.Period) and summary["next"] is not None:
                    last = summary["last"].tz_localize(None).to_period(first.freq)
                    summary = {"freq": first.freq, "last": last, "next": last + 1}
                return steps_between(summary, None, first)
            except (TypeError, ValueError):  # zones against none: not the same axis
                return None
        return None if self._starts_like_training(series) else 0

    def _is_train_fold(self, series, index=None):
        """Whether ``series`` (from an ``X`` with ``index``) is the training
        series' start, not rows after it: a search's train fold, which
        ``score`` and the scorers score by its in-sample predictions."""
        return self._steps_after_training(series, index) is None and self._starts_like_training(series)

    def _starts_like_training(self, series):
        """Whether ``series`` starts with the first window of values the
        training series started with (a search's train fold).  Rows fewer
        than a window are taken to follow it: a test fold of a few values
        equal to the series' first ones (zeros of an intermittent series)
        was taken for the training start and refused; the in-sample
        predictions of so few rows would have no window anyway."""
        head = self._training_head
        return len(series) >= len(head) and np.array_equal(series.values[: len(head)], head)

    def _bridge(self, gap, index, levels):
        """The forecasts of the ``gap`` steps between the training series'
        end and the rows of an ``X`` (with ``index``) that start after them,
        which the first rows' windows reach back into."""
        where = f"X starts {gap} step{'s' * (gap > 1)} after the end of the training series (its index starts at {index[0]})"
        if levels is not None:
            raise ValueError(f"{where}: intervals are calibrated for rows that follow it right away. Pass the rows"
                             " between too, or predict without level.")  # fmt: skip
        if not self.forecasts_itself_ or self._fitted_covariates():
            needs = "windows of X's rows" if not self.forecasts_itself_ else "known covariates"
            raise ValueError(f"{where}, and the forecaster predicts from {needs}, which those steps lack: pass the"
                             " rows between too, and keep the predictions of the rows you want.")  # fmt: skip
        return self._forecast_values(self.context_, self._end(), gap)

    def _why_not_continuing(self, index):
        """What says an ``X`` (with ``index``) does not follow the training series."""
        labels = getattr(self, "_training_labels", None)
        if labels is not None and label_summary(index) is not None:
            after = f"at {labels['last'] + labels['step']}" if labels["step"] else f"after {labels['last']}"
            return (f"its index starts at {index[0]}; the training series' ended at {labels['last']}, so the rows"
                    f" that follow it start {after}")  # fmt: skip
        return "it starts where the training series started, or its time index does not follow the training one"


def _series_mase_scale(values, index):
    """The scorers' MASE and MSIS scale of one series (``mase_scale_``): the
    in-sample MAE of its naive forecast at the season of its time index's
    frequency (12 for months, 4 for quarters; lag 1 without a time index or
    with a series no longer than a season), as a panel's ``mase_scale_``:
    one scale for every candidate of a search, whatever its
    ``seasonal_period``.  Over all of a multi-column target's values."""
    values = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
    season = period_from_index(index, len(values)) if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) else None
    return float(np.mean([naive_mae(column, season or 1) for column in values.T]))  # (columns of one length)

