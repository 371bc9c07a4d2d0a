import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import TINY  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from skhyper import KerasMLPClassifier, KerasMLPRegressor, lr_find  # noqa: E402
from skhyper.plotting import plot_forecast, plot_history, plot_lr_find, plot_search  # noqa: E402


def labels(axis):
    return [line.get_label() for line in axis.get_lines()]


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
