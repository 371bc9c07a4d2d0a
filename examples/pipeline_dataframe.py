"""A Pipeline with a ColumnTransformer on a pandas DataFrame, tuned end to end.
============================================================================

Numeric columns are scaled, categorical ones one-hot encoded, and the search
tunes the preprocessing and the Keras classifier together:

    python examples/pipeline_dataframe.py [--quick]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.model_selection import GridSearchCV, train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler  # noqa: E402

from skhyper import KerasMLPClassifier  # noqa: E402
from skhyper.scorers import report  # noqa: E402


def customers(n=600, seed=0):
    """Made-up customers: will they renew? (numbers and categories mixed)."""
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame({
        "age": rng.uniform(18, 80, n).round(),
        "monthly_spend": rng.lognormal(3.5, 0.6, n).round(2),
        "support_calls": rng.poisson(1.5, n),
        "plan": rng.choice(["basic", "plus", "pro"], n, p=[0.5, 0.3, 0.2]),
        "region": rng.choice(["north", "south", "east", "west"], n),
    })  # fmt: skip
    score = (0.04 * (frame["age"] - 45) - 0.6 * frame["support_calls"]
             + frame["plan"].map({"basic": -0.5, "plus": 0.4, "pro": 1.2})
             + 0.01 * (frame["monthly_spend"] - 35) + rng.normal(0, 0.7, n))  # fmt: skip
    return frame, np.where(score > 0, "renews", "leaves")


def main(quick=False):
    X, y = customers()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    model = Pipeline([
        ("features", ColumnTransformer([
            ("numbers", StandardScaler(), ["age", "monthly_spend", "support_calls"]),
            ("categories", OneHotEncoder(handle_unknown="ignore"), ["plan", "region"]),
        ])),
        ("classifier", KerasMLPClassifier(epochs=5 if quick else 40, random_state=0)),
    ])  # fmt: skip
    grid = {
        "features__numbers": [StandardScaler(), MinMaxScaler()],
        "classifier__hidden_layer_sizes": [(16,), (32, 16)],
        "classifier__learning_rate": [1e-3, 1e-2] if not quick else [1e-2],
        "classifier__dropout": [0.0, 0.2] if not quick else [0.0],
    }
    search = GridSearchCV(model, grid, cv=3).fit(X_train, y_train)
    print(report(search).head(5).to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    print(f"held-out accuracy of the best pipeline: {search.score(X_test, y_test):.3f}")
    return search, search.score(X_test, y_test)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few epochs, a smaller grid")
    main(quick=parser.parse_args().quick)
