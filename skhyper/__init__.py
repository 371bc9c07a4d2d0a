"""skhyper: Keras models with every training hyperparameter exposed to
scikit-learn's searches.

``import skhyper`` is light: TensorFlow and Keras load on first use of an
estimator.
"""

import importlib

from ._threads import share_cores_in_workers

share_cores_in_workers()  # before anything imports TensorFlow in a worker

# Eager, and light (NumPy and scikit-learn only): the function shadows its
# module's name, as ``skhyper.lr_find`` should be the function.
from .lr_find import LRFinderResult, lr_find

__version__ = "0.1.0"

_PUBLIC = {
    "EnsembleForecaster": "skhyper.ensemble",
    "KerasMLPClassifier": "skhyper.estimators",
    "KerasMLPRegressor": "skhyper.estimators",
    "WindowForecaster": "skhyper.estimators",
    "LoadError": "skhyper.persistence",
    "MissingFileError": "skhyper.persistence",
    "PanelSplit": "skhyper.panel_split",
    "load": "skhyper.persistence",
    "save": "skhyper.persistence",
    "progress_bar": "skhyper.progress",
}

__all__ = sorted([*_PUBLIC, "LRFinderResult", "lr_find"])


def __getattr__(name):
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'skhyper' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_PUBLIC))
