"""The skhyper estimators."""

from .mlp import KerasMLPClassifier, KerasMLPRegressor

__all__ = ["KerasMLPClassifier", "KerasMLPRegressor"]
