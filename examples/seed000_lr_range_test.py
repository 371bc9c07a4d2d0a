"""Seed 000: find the learning rate of the book's forecaster with a range test.
============================================================================

The book raises SGD's rate every epoch, ``1e-8 * 10**(epoch / 20)`` for 100
epochs, plots loss against rate, retrains with the rate of lowest stable loss
(1e-5 instead of 1e-6), then tries a 40-day window instead of 20.  The same
with skhyper, MAE on the validation part before and after, and last what
two window options the book does not have add: last year's rows around the
same day (seasonal_period) and windows relative to their level (relative_to).

    python examples/seed000_lr_range_test.py [--quick]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from skhyper import WindowForecaster, lr_find  # noqa: E402
from skhyper.datasets import BOOK_FORECASTER, book_series  # noqa: E402


def main(quick=False, output="."):
    os.makedirs(output, exist_ok=True)  # a new folder too (--output new/dir)
    data = book_series()
    epochs = 10 if quick else 100
    # The book's network on raw values: Dense 10-10-1, SGD with momentum 0.9.
    book = dict(BOOK_FORECASTER, epochs=epochs, random_state=0)
    del book["window_size"]

    def validation_mae(window_size, learning_rate):
        model = WindowForecaster(window_size=window_size, learning_rate=learning_rate, **book)
        return float(np.abs(model.fit(data.train).predict(data.valid) - data.valid).mean())

    before = validation_mae(20, 1e-6)
    test = lr_find(WindowForecaster(window_size=20, **book), data.train,
                   start_lr=1e-8, end_lr=1e-3, num_steps=epochs, per="epoch")  # fmt: skip
    print(f"range test: lowest smoothed loss at {test.min_loss_rate:.2g},"
          f" suggestion {test.suggestion:.2g} ({test.rule})")  # fmt: skip
    after = validation_mae(20, test.suggestion)
    wider = validation_mae(40, test.suggestion)
    print(f"validation MAE, window 20, lr 1e-6 (the book's first try): {before:.2f}")
    print(f"validation MAE, window 20, lr {test.suggestion:.2g} (range test):  {after:.2f}")
    print(f"validation MAE, window 40, lr {test.suggestion:.2g}:               {wider:.2f}")
    seasonal = WindowForecaster(window_size=20, seasonal_period=365, relative_to="mean", linear_path=False,
                                hidden_layer_sizes=(64,), l2=1e-2, epochs=3 * epochs, early_stopping=True,
                                validation_split=0.15, patience=20, random_state=0)  # fmt: skip
    options = float(np.abs(seasonal.fit(data.train).predict(data.valid) - data.valid).mean())
    print(f"validation MAE, window 20 + last year's rows, relative, Adam: {options:.2f}")
    import matplotlib

    matplotlib.use("Agg")
    figure = test.plot()
    figure.savefig(os.path.join(output, "seed000_lr_find.png"), dpi=90)
    print("figure: seed000_lr_find.png")
    return before, after, wider, options


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 epochs instead of 100")
    parser.add_argument("--output", default=".", help="folder for the figure (default: here)")
    arguments = parser.parse_args()
    main(quick=arguments.quick, output=arguments.output)
