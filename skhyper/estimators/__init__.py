"""The skhyper estimators."""

from .forecaster import WindowForecaster
from .mlp import KerasMLPClassifier, KerasMLPRegressor

__all__ = ["KerasMLPClassifier", "KerasMLPRegressor", "WindowForecaster"]
