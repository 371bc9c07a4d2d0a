import matplotlib

matplotlib.use("Agg")

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
