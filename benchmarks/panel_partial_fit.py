"""Panel partial_fit with the series' newest values: update the windows, or train on?

A panel forecaster is fit on each series without its last ``h`` training
values, then given the whole training parts with ``partial_fit`` (``calls``
times), and forecasts the ``h`` values after them (M3's training parts only:
the last ``h`` of ``x`` held out); beside it, a fresh fit on the whole
training parts.  With the defaults (``lr_schedule="auto"``: a cosine over the
fit's epochs) the continued epochs train at rate 0: ``partial_fit`` moves each
series' last window (and regresses a covariate effect) without moving the
network.  ``results/panel_partial_fit.md``::

    python benchmarks/panel_partial_fit.py quarterly 0 1   # frequency, seed, partial_fit calls
"""
import os, sys, json, numpy as np
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from m3 import load_panel, _long_frame, _season, mase
from skhyper import WindowForecaster
freq, seed, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
panel = load_panel(freq, validate=1)  # train: x without its last h; test: those h
h = panel.h
new = _long_frame(panel)
old = new.groupby("unique_id", group_keys=False).apply(lambda f: f.iloc[:-h] if len(f) > 2 * h else f)
m = WindowForecaster(seasonal_period=_season(panel), random_state=seed).fit(old)
for _ in range(calls):
    m.partial_fit(new)
f = m.forecast(h)["WindowForecaster"].to_numpy().reshape(len(panel.train), h)
full = WindowForecaster(seasonal_period=_season(panel), random_state=seed).fit(new).forecast(h)["WindowForecaster"].to_numpy().reshape(len(panel.train), h)
print(json.dumps({"freq": freq, "seed": seed, "calls": calls, "mase_partial": float(np.mean(mase(panel.test, f, panel.train, panel.period))),
                  "mase_full_refit": float(np.mean(mase(panel.test, full, panel.train, panel.period)))}))
