import os

# TensorFlow's C++ logging, quiet for the test run (never set by the library).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_diabetes, load_digits  # noqa: E402

#: Settings that keep a fit to a fraction of a second in tests.
TINY = dict(hidden_layer_sizes=(8,), epochs=3, batch_size=64, random_state=0)


@pytest.fixture(scope="session")
def digits():
    """300 of sklearn's 8x8 digits, scaled to [0, 1]; 10 classes."""
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16.0, y[:300]


@pytest.fixture(scope="session")
def binary(digits):
    """Digits 0 and 1 only, with string labels."""
    X, y = digits
    mask = y < 2
    return X[mask], np.where(y[mask] == 0, "zero", "one")


@pytest.fixture(scope="session")
def diabetes():
    """sklearn's diabetes regression data, target scaled to unit variance."""
    X, y = load_diabetes(return_X_y=True)
    return X, (y - y.mean()) / y.std()


@pytest.fixture(scope="session")
def mixed_frame():
    """A DataFrame with numeric and categorical columns, and a binary target."""
    rng = np.random.RandomState(0)
    n = 120
    frame = pd.DataFrame(
        {
            "age": rng.uniform(20, 70, n),
            "income": rng.lognormal(10, 0.5, n),
            "city": rng.choice(["paris", "lyon", "nice"], n),
        }
    )
    target = ((frame["age"] > 45) ^ (frame["city"] == "nice")).map({True: "yes", False: "no"})
    return frame, target
