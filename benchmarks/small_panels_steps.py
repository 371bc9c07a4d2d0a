"""Panels of a few hundred windows (every k-th series of M1's and Tourism's
yearly, M3's other and quarterly series; the last h of each training part
held out, nothing of the test parts seen): WindowForecaster's defaults with
``epochs="auto"`` as 10 passes against a floor of 200 optimizer steps
(``_panel.MIN_PANEL_STEPS``), MASE over three seeds.  The check that kept
the floor out of the defaults (``benchmarks/results/yearly_origins.md``).

    python benchmarks/small_panels_steps.py
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import m3  # noqa: E402

PANELS = (("M1", "yearly", 10), ("Tourism", "yearly", 25), ("M3", "other", 15), ("M3", "quarterly", 60))


def main():
    from skhyper import WindowForecaster
    from skhyper.estimators import _panel

    print("| data | series | windows | MIN_PANEL_STEPS | epochs | MASE (seeds 0-2) |")
    print("|---|---|---|---|---|---|")
    for dataset, freq, every in PANELS:
        panel = m3.load_panel(freq, every, 1, dataset)
        for steps in (0, 200):
            _panel.MIN_PANEL_STEPS = steps
            scores = []
            for seed in (0, 1, 2):
                model = WindowForecaster(seasonal_period=m3._season(panel), random_state=seed)
                forecasts = m3._skhyper_forecasts(model, panel)
                scores.append(np.mean(m3.mase(panel.test, forecasts, panel.train, panel.period)))
            print(f"| {dataset} {freq}, every {every}th | {len(panel.train)} | {model.n_windows_} | {steps} |"
                  f" {model.n_iter_} | {np.mean(scores):.3f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
