"""A random_state gives the same model anywhere, and leaves no global state."""

import os
import random
import subprocess
import sys
import textwrap

import numpy as np
import tensorflow as tf
from conftest import TINY
from tensorflow.python.framework import config as tf_config  # no public getter

from skhyper import KerasMLPClassifier

# Every random part at once: initializers, dropout, shuffling, validation split.
SEEDED = dict(TINY, hidden_layer_sizes=(16, 8), dropout=0.3, validation_split=0.2, random_state=42)


def seeded_predictions(X, y):
    return KerasMLPClassifier(**SEEDED).fit(X, y).predict_proba(X)


def test_same_seed_same_model_even_after_unrelated_fits(digits):
    X, y = digits
    first = seeded_predictions(X, y)
    KerasMLPClassifier(**{**TINY, "random_state": None}, dropout=0.5).fit(X, y)
    tf.random.uniform([3])  # someone else draws from TensorFlow's global stream
    np.random.rand(5)
    random.random()
    np.testing.assert_array_equal(seeded_predictions(X, y), first)


def test_different_seeds_differ(digits):
    X, y = digits
    other = KerasMLPClassifier(**{**SEEDED, "random_state": 43}).fit(X, y).predict_proba(X)
    assert not np.array_equal(other, seeded_predictions(X, y))


def test_same_seed_in_a_fresh_process(digits, tmp_path):
    X, y = digits
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    script = textwrap.dedent(
        f"""
        import numpy as np
        from skhyper import KerasMLPClassifier
        X, y = np.load({str(tmp_path / "X.npy")!r}), np.load({str(tmp_path / "y.npy")!r})
        proba = KerasMLPClassifier(**{SEEDED!r}).fit(X, y).predict_proba(X)
        np.save({str(tmp_path / "proba.npy")!r}, proba)
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, env=dict(os.environ))
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), seeded_predictions(X, y))


def test_a_seeded_fit_leaves_no_global_state(digits):
    X, y = digits
    python_state, numpy_state = random.getstate(), np.random.get_state()
    seeded_predictions(X, y)
    assert random.getstate() == python_state
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state(), numpy_state))
    assert "TF_DETERMINISTIC_OPS" not in os.environ
    assert not tf_config.is_op_determinism_enabled()
    # Unseeded fits still work (scikeras 0.13 makes them raise) and differ.
    a = KerasMLPClassifier(**{**SEEDED, "random_state": None}).fit(X, y).predict_proba(X)
    b = KerasMLPClassifier(**{**SEEDED, "random_state": None}).fit(X, y).predict_proba(X)
    assert not np.array_equal(a, b)
