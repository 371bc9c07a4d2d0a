import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402

from types import SimpleNamespace  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from conftest import TINY  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402
from scipy.stats import loguniform  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV  # noqa: E402

from skhyper import KerasMLPClassifier, KerasMLPRegressor, lr_find  # noqa: E402
from skhyper.lr_find import LRFinderResult  # noqa: E402
from skhyper.plotting import plot_fan, plot_forecast, plot_history, plot_lr_find, plot_search  # noqa: E402


def labels(axis):
    return [line.get_label() for line in axis.get_lines()]


def _drawn_points(line, per_segment=50):
    """A line's points in display coordinates, its segments filled in (gaps at nan or inf left open)."""
    xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
    points = [xy[np.isfinite(xy).all(axis=1)]]
    for start, end in zip(xy[:-1], xy[1:]):
        if np.isfinite(start).all() and np.isfinite(end).all():
            points.append(start + np.linspace(0, 1, per_segment)[:, None] * (end - start))
    return np.concatenate(points)


def legend_covers(figure):
    """What a legend of ``figure`` lies over: the labels of lines or bands it covers where
    they are visible (inside their axes), and the axes' titles, axis labels and tick labels."""
    figure.canvas.draw()
    covered = []
    for legend in [axis.get_legend() for axis in figure.axes if axis.get_legend()] + figure.legends:
        box = legend.get_window_extent()
        for axis in figure.axes:
            visible = Bbox.intersection(box, axis.bbox)
            if visible is not None:
                for line in axis.get_lines():
                    x, y = _drawn_points(line).T
                    if ((visible.x0 <= x) & (x <= visible.x1) & (visible.y0 <= y) & (y <= visible.y1)).any():
                        covered.append(line.get_label())
                for collection in axis.collections:
                    paths = [collection.get_transform().transform_path(path) for path in collection.get_paths()]
                    filled = isinstance(collection, PolyCollection)
                    if any(path.intersects_bbox(visible, filled=filled) for path in paths):
                        covered.append(collection.get_label())
            texts = [axis.title, axis.xaxis.label, axis.yaxis.label, *axis.get_xticklabels(), *axis.get_yticklabels()]
            covered += [text.get_text() for text in texts
                        if text.get_text() and text.get_visible() and box.overlaps(text.get_window_extent())]
    return covered


def test_history_of_several_estimators_side_by_side(digits):
    X, y = digits
    fits = {
        "fixed SGD": KerasMLPClassifier(**TINY, optimizer="sgd", learning_rate=0.01, validation_split=0.2),
        "decaying SGD": KerasMLPClassifier(**TINY, optimizer="sgd", learning_rate=0.1,
                                           lr_schedule="exponential", validation_split=0.2),
        "Adam": KerasMLPClassifier(**TINY, validation_split=0.2),
    }  # fmt: skip
    figure = plot_history({name: model.fit(X, y) for name, model in fits.items()})
    loss_ax, metric_ax, rate_ax = figure.axes
    assert labels(loss_ax) == [f"{n} {part}" for n in fits for part in ("train", "validation")]
    assert metric_ax.get_ylabel() == "accuracy"
    assert rate_ax.get_yscale() == "log"
    decaying = rate_ax.get_lines()[1].get_ydata()
    assert decaying[0] > decaying[-1]


def test_lr_find_figure(diabetes):
    X, y = diabetes
    result = lr_find(KerasMLPRegressor(**TINY), X, y, num_steps=30)
    figure = result.plot()
    axis = figure.axes[0]
    assert axis.get_xscale() == "log"
    assert labels(axis)[:2] == ["loss", "smoothed loss"]
    assert labels(axis)[2].startswith("suggestion")
    assert plot_lr_find(result).axes[0].get_xlabel() == "learning rate"


def test_lr_find_figure_after_a_refinement(diabetes):
    X, y = diabetes
    result = lr_find(KerasMLPRegressor(**TINY), X, y, num_steps=30, refine=2)
    names = labels(result.plot().axes[0])
    assert names[2].startswith("range test's suggestion") and "refined by validation" in names[3]


def test_search_plots_one_and_two_parameters(digits):
    X, y = digits
    search = GridSearchCV(KerasMLPClassifier(**TINY),
                          {"learning_rate": [1e-3, 1e-2], "batch_size": [32, 64]}, cv=2).fit(X, y)  # fmt: skip
    one = plot_search(search, "learning_rate").axes[0]
    assert len(one.containers) == 1  # the error bars
    two = plot_search(search, ["learning_rate", "batch_size"])
    assert two.axes[0].get_images()[0].get_array().shape == (2, 2)
    with pytest.raises(ValueError, match="one or two parameters"):
        plot_search(search, ["learning_rate", "batch_size", "epochs"])


def test_forecast_plot_marks_the_split():
    actual = np.sin(np.arange(100) / 5.0)
    figure = plot_forecast(actual, actual[80:] + 0.1, split=80, signal=actual)
    axis = figure.axes[0]
    assert labels(axis) == ["actual", "noise-free signal", "forecast", "train | validation"]
    assert len(axis.get_lines()[2].get_xdata()) == 20


@pytest.mark.parametrize("kind", ["array", "range_series", "frame"])
def test_a_fan_without_time_index_is_drawn_after_its_history(kind):
    import pandas as pd

    from skhyper import WindowForecaster
    from skhyper.plotting import plot_fan

    values = 10 + np.sin(np.arange(40) / 3)
    history = {"array": values, "range_series": pd.Series(values), "frame": pd.DataFrame({"y": values})}[kind]
    model = WindowForecaster(window_size=4, hidden_layer_sizes=(4,), epochs=2, interval_horizon=3, random_state=0)
    bands = model.fit(values).forecast(3, level=[80])
    assert list(bands.index) == [40, 41, 42]  # the positions after the training rows
    figure = plot_fan(history, bands, actual=[10.0, 10.5])
    axis = figure.axes[0]
    lines = {line.get_label(): np.asarray(line.get_xdata(), dtype=float) for line in axis.get_lines()}
    end = 39
    assert lines["history"][-1] == end
    np.testing.assert_array_equal(lines["forecast"], [end + 1, end + 2, end + 3])
    np.testing.assert_array_equal(lines["actual"], [end + 1, end + 2])
    band_x = axis.collections[0].get_paths()[0].vertices[:, 0]
    assert band_x.min() == end + 1 and band_x.max() == end + 3
    matplotlib.pyplot.close(figure)


def test_a_fan_of_a_panel_names_a_missing_or_unknown_series():
    import pandas as pd

    from skhyper.plotting import plot_fan

    history = pd.DataFrame({"unique_id": "a", "ds": np.arange(5), "y": np.arange(5.0)})
    bands = pd.DataFrame({"unique_id": "a", "ds": [5, 6], "WindowForecaster": [5.0, 6.0],
                          "WindowForecaster-lo-80": [4.0, 5.0], "WindowForecaster-hi-80": [6.0, 7.0]})  # fmt: skip
    with pytest.raises(ValueError, match="pass unique_id="):
        plot_fan(history, bands)
    with pytest.raises(ValueError, match="'b' is not a series of forecast .*'a'"):
        plot_fan(history, bands, unique_id="b")
    figure = plot_fan(history, bands, unique_id="a")
    lines = {line.get_label(): line.get_xdata() for line in figure.axes[0].get_lines()}
    np.testing.assert_array_equal(lines["forecast"], [5, 6])
    matplotlib.pyplot.close(figure)
    inside = bands.assign(ds=[3, 4])  # rows within the history (predict's, say): at their own time steps
    figure = plot_fan(history, inside, unique_id="a")
    lines = {line.get_label(): line.get_xdata() for line in figure.axes[0].get_lines()}
    np.testing.assert_array_equal(lines["forecast"], [3, 4])
    matplotlib.pyplot.close(figure)


def test_a_panel_fans_actual_values_at_their_steps():
    # the test part as its long frame, or the y column of its rows (labelled by row numbers, which were read as
    # times: drawn near 1970 with dates), is drawn at the forecast's steps
    import pandas as pd

    from skhyper.plotting import plot_fan

    dates = pd.date_range("2000-01-01", periods=7, freq="MS")
    panel = pd.DataFrame({"unique_id": ["a"] * 7 + ["b"] * 7, "ds": list(dates) * 2, "y": np.arange(14.0)})
    history, test = panel[panel.ds < dates[5]], panel[panel.ds >= dates[5]]
    bands = pd.DataFrame({"unique_id": ["a", "a", "b", "b"], "ds": list(dates[5:]) * 2, "WindowForecaster": 1.0,
                          "WindowForecaster-lo-80": 0.0, "WindowForecaster-hi-80": 2.0})  # fmt: skip
    for actual in (test, test[test.unique_id == "b"]["y"]):
        figure = plot_fan(history, bands, unique_id="b", actual=actual)
        drawn = {line.get_label(): line for line in figure.axes[0].get_lines()}["actual"]
        np.testing.assert_array_equal(drawn.get_xdata(), dates[5:].to_numpy())
        np.testing.assert_array_equal(drawn.get_ydata(), [12.0, 13.0])
        matplotlib.pyplot.close(figure)


def ridge_search(X, y, grid, **kwargs):
    """A grid or randomized search of scikit-learn's Ridge: milliseconds, unlike a network's."""
    if any(hasattr(values, "rvs") for values in grid.values()):
        return RandomizedSearchCV(Ridge(), grid, n_iter=10, cv=2, random_state=0, **kwargs).fit(X, y)
    return GridSearchCV(Ridge(), grid, cv=2, **kwargs).fit(X, y)


def test_heatmap_numbers_are_dark_on_light_cells_and_light_on_dark_ones(diabetes):
    search = ridge_search(*diabetes, {"alpha": [0.01, 1.0, 100.0, 1e4], "fit_intercept": [True, False]})
    figure = plot_search(search, ["alpha", "fit_intercept"])
    axis = figure.axes[0]
    cells = axis.get_images()[0].get_array()
    texts = {(round(text.get_position()[1]), round(text.get_position()[0])): text for text in axis.texts}
    lightest = np.unravel_index(np.nanargmax(cells), cells.shape)  # yellow in viridis
    darkest = np.unravel_index(np.nanargmin(cells), cells.shape)  # dark purple
    assert to_rgb(texts[lightest].get_color()) == (0.0, 0.0, 0.0)
    assert to_rgb(texts[darkest].get_color()) == (1.0, 1.0, 1.0)
    matplotlib.pyplot.close(figure)


def test_heatmap_names_the_parameters_it_takes_the_best_over(diabetes):
    grid = {"alpha": [0.1, 10.0], "fit_intercept": [True, False], "solver": ["svd", "cholesky"], "tol": [1e-4]}
    search = ridge_search(*diabetes, grid)
    figure = plot_search(search, ["alpha", "fit_intercept"])
    colorbar_label = figure.axes[1].get_ylabel()
    assert "best over solver" in colorbar_label and "tol" not in colorbar_label  # tol kept one value
    assert "best over fit_intercept, solver" in plot_search(search, "alpha").axes[0].get_ylabel()
    two = ridge_search(*diabetes, {"alpha": [0.1, 10.0], "fit_intercept": [True, False]})
    assert "best over" not in plot_search(two, ["alpha", "fit_intercept"]).axes[1].get_ylabel()
    matplotlib.pyplot.close("all")


def test_a_grid_keeps_its_table_its_numbers_sorted_and_short(diabetes):
    search = ridge_search(*diabetes, {"alpha": [10.0, 1 / 3, 0.001], "fit_intercept": [True, False]})
    one = plot_search(search, "alpha").axes[0]
    assert [label.get_text() for label in one.get_xticklabels()] == ["0.001", "0.333", "10"]
    heatmap = plot_search(search, ["alpha", "fit_intercept"]).axes[0]
    assert heatmap.get_images()[0].get_array().shape == (3, 2)
    assert [label.get_text() for label in heatmap.get_yticklabels()] == ["0.001", "0.333", "10"]
    matplotlib.pyplot.close("all")


def test_a_randomized_search_over_a_continuous_parameter_is_a_scatter_on_a_log_axis(diabetes):
    search = ridge_search(*diabetes, {"alpha": loguniform(1e-4, 1e3), "fit_intercept": [True, False]})
    alphas = np.sort(search.cv_results_["param_alpha"].astype(float))
    one = plot_search(search, "alpha").axes[0]
    assert one.get_xscale() == "log" and not one.get_images()
    np.testing.assert_allclose(one.get_lines()[0].get_xdata(), alphas)  # at their values, in order
    two = plot_search(search, ["alpha", "fit_intercept"]).axes[0]
    assert not two.get_images() and two.get_xscale() == "log"
    assert two.get_legend().get_title().get_text() == "fit_intercept"
    assert [bars.get_label() for bars in two.containers] == ["False", "True"]  # a colour per value
    drawn = np.sort(np.concatenate([bars.lines[0].get_xdata() for bars in two.containers]))
    np.testing.assert_allclose(drawn, alphas)
    both = ridge_search(*diabetes, {"alpha": loguniform(1e-4, 1e3), "tol": loguniform(1e-6, 1e-1)})
    axis = plot_search(both, ["alpha", "tol"]).axes[0]
    assert not axis.get_images() and len(axis.collections[0].get_offsets()) == 10
    assert (axis.get_xscale(), axis.get_yscale()) == ("log", "log")
    matplotlib.pyplot.close("all")


def history_of(loss, rate):
    """An estimator's stand-in for plot_history: its history_ alone."""
    loss = np.asarray(loss, dtype=float)
    return SimpleNamespace(history_={"loss": loss, "val_loss": loss * 0.95, "accuracy": 1 - loss / 3,
                                     "val_accuracy": 0.97 - loss / 3, "learning_rate": np.full(len(loss), rate)})


def test_history_legend_covers_no_curve():
    # seed 001's three set-ups: the curves fill every corner of the loss and rate panels
    epochs = np.arange(10)
    fits = {"SGD, lr 0.01": history_of(2.3 - 0.11 * epochs, 0.01),
            "SGD, decaying": history_of(0.2 + 1.6 * np.exp(-0.6 * epochs), 0.1),
            "Adam": history_of(0.2 + 1.8 * np.exp(-0.8 * epochs), 1e-3)}  # fmt: skip
    fits["SGD, decaying"].history_["learning_rate"] = 0.1 * np.exp(-0.1 * epochs)
    figure = plot_history(fits)
    assert legend_covers(figure) == []
    matplotlib.pyplot.close(figure)


def test_lr_find_legend_covers_neither_the_descent_nor_the_divergence():
    # a range test per epoch: a plateau, the descent, noise, then the spike of the divergence
    rates = np.logspace(-7, 1, 100)
    smooth = 0.75 + 2.15 / (1 + np.exp(3 * (np.log10(rates) + 3.6)))
    spike = np.where(rates > 0.05, np.exp(8 * (np.log10(rates) + 1.3)), 0.0)
    losses = smooth + spike + np.where(np.arange(100) % 7 == 0, 0.3, 0.0) * (rates > 1e-2)
    result = LRFinderResult(rates, losses, smooth + spike, suggestion=7e-4, rule="min_over_10", steepest_rate=3e-4,
                            min_loss_rate=7e-3, diverged=True, per="epoch")  # fmt: skip
    figure = plot_lr_find(result)
    assert legend_covers(figure) == []
    matplotlib.pyplot.close(figure)


def seasonal_fan(length=84, horizon=12):
    """A noisy monthly history with peaks everywhere, and a forecast's bands after it."""
    rng = np.random.RandomState(0)
    months = pd.date_range("2015-01-01", periods=length + horizon, freq="MS")
    values = 38 + 8 * np.sin(np.arange(length + horizon) * 2 * np.pi / 12) + 5 * rng.randn(length + horizon)
    history, actual = pd.Series(values[:length], months[:length]), pd.Series(values[length:], months[length:])
    centre = 38 + 8 * np.sin(np.arange(length, length + horizon) * 2 * np.pi / 12)
    bands = pd.DataFrame({"forecast": centre, "lo-95": centre - 12, "lo-80": centre - 7, "hi-80": centre + 7,
                          "hi-95": centre + 12}, index=months[length:])  # fmt: skip
    return history, bands, actual


def test_fan_legend_covers_neither_the_history_nor_the_fan():
    history, bands, actual = seasonal_fan()
    figure = plot_fan(history, bands, actual=actual)
    assert legend_covers(figure) == []
    matplotlib.pyplot.close(figure)


def test_fan_shows_the_end_of_a_long_history():
    # 43 years of monthly history, as the intervals page's CO2: the 24-month forecast was a sliver
    from matplotlib.dates import date2num

    history, bands, actual = seasonal_fan(length=520, horizon=24)
    drawn = {}
    for length in ("default", 36, None):
        chosen = {} if length == "default" else {"max_insample_length": length}
        figure = plot_fan(history, bands, actual=actual, **chosen)
        axis = figure.axes[0]
        lines = {line.get_label(): line for line in axis.get_lines()}
        drawn[length] = lines["history"].get_xdata()
        assert drawn[length][-1] == history.index[-1]  # its end, whatever the length
        if length == "default":
            forecast = date2num(lines["forecast"].get_xdata())
            left, right = axis.get_xlim()
            assert (forecast[-1] - forecast[0]) / (right - left) > 0.12  # near a sixth (0.04 with the whole history)
        matplotlib.pyplot.close(figure)
    assert (len(drawn["default"]), len(drawn[36]), len(drawn[None])) == (5 * 24, 36, 520)
    with pytest.raises(ValueError, match="max_insample_length"):
        plot_fan(history, bands, max_insample_length=0)
