"""Conformal intervals: is the calibration copy's disadvantage worth correcting?

The calibration copy behind ``interval_horizon`` is trained without each
series' last ``held = interval_horizon + origins - 1`` values, so its
errors may be larger than the final forecaster's (which trained on them).
This script fits a second copy without ``2 * held`` values, measures how
much worse it forecasts at the first copy's origins (the ratio of the two
copies' absolute-score quantiles), and asks whether shrinking the first
copy's scores by that ratio brings coverage nearer nominal on a block the
final forecaster has not seen. Training parts only (``validate`` = K: the
K-th last block of ``h`` values of ``x``)::

    python benchmarks/interval_recency.py M3 monthly 2 0   # dataset, frequency, K, seed

Each run appends one line of JSON to ``benchmarks/results/interval_recency.jsonl``:
``cov80``/``cov95`` the coverage of today's intervals; ``_step`` with a
per-step quantile ratio, ``_pool`` one ratio over steps, ``_smean`` /
``_smed`` per-step ratios of means / medians folded into the scores.
"""
import os, sys, json, numpy as np
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from m3 import load_panel, _long_frame, _season, mase_scale
from sklearn.base import clone
from skhyper import WindowForecaster
from skhyper.estimators._intervals import panel_scales

dataset, freq, validate, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
panel = load_panel(freq, validate=validate, dataset=dataset)
h = panel.h
frame = _long_frame(panel)
F = WindowForecaster(seasonal_period=_season(panel), random_state=seed).fit(frame)
pn = F._panel_of(frame, F._fitted_covariates())
F.interval_horizon = h
origins = F._n_origins(len(pn), float(np.median(pn.lengths)))
held = h + origins - 1

def errors(model, which, origin):
    """The errors of ``model`` (fit on the series ``which`` of the panel, in
    order) from ``origins`` successive origins of each, the first at
    ``origin``, and the series of each row."""
    ends = (origin[which][:, None] + np.arange(origins)[None, :]).ravel()
    rows = np.repeat(np.arange(len(which)), origins)
    series = which[rows]
    hist, present = model._gather(pn, series, ends, -model.window_size_, 0)
    actual = pn.values[pn.starts[series][:, None] + ends[:, None] + np.arange(h)[None, :]]
    return actual - model._forecast_windows(hist, present, rows, h), series

kept1 = pn.lengths - held
which1 = np.flatnonzero(kept1 > 0)
C1 = clone(F).fit(pn.head(np.maximum(kept1, 0)))
E1, ser1 = errors(C1, which1, kept1)
kept2 = kept1 - held
which2 = np.flatnonzero(kept2 > 0)
C2 = clone(F).fit(pn.head(np.maximum(kept2, 0)))
E2, ser2 = errors(C2, which2, kept1)  # C2's forecasts at C1's origins (the series C2 was fit on)
scales1 = panel_scales(C1)  # each of C1's series' scale: both copies' errors over it
S1 = E1 / scales1[np.searchsorted(which1, ser1), None]
S2 = np.abs(E2 / scales1[np.searchsorted(which1, ser2), None])
S1a = np.abs(S1)
S1b = S1a[np.isin(ser1, which2)]  # same rows as S2, same order
scale = panel_scales(F)
point = F.forecast(h)["WindowForecaster"].to_numpy().reshape(len(panel.train), h)
E = np.abs(panel.test - point) / scale[:, None]
scales_m = np.array([mase_scale(x, panel.period) for x in panel.train])
out = {"dataset": dataset, "freq": freq, "validate": validate, "seed": seed, "held": held, "n": len(panel.train),
       "n1": int((kept1 > 0).sum()), "n2": len(which2)}
for lev in (80, 95):
    p = lev / 100
    q = np.quantile(S1a, p, axis=0, method="higher")
    out[f"cov{lev}"] = round(float((E <= q).mean()), 4)
    r_step = np.quantile(S1b, p, axis=0) / np.quantile(S2, p, axis=0)
    out[f"cov{lev}_step"] = round(float((E <= q * r_step).mean()), 4)
    r_pool = np.quantile(S1b, p) / np.quantile(S2, p)
    out[f"cov{lev}_pool"] = round(float((E <= q * r_pool).mean()), 4)
    r_smed = np.median(S1b, axis=0) / np.median(S2, axis=0)
    out[f"cov{lev}_smed"] = round(float((E <= np.quantile(S1a * r_smed, p, axis=0, method="higher")).mean()), 4)
    r_smean = S1b.mean(axis=0) / S2.mean(axis=0)
    out[f"cov{lev}_smean"] = round(float((E <= np.quantile(S1a * r_smean, p, axis=0, method="higher")).mean()), 4)
    r_med = np.median(S1b) / np.median(S2)
    out[f"cov{lev}_med"] = round(float((E <= q * r_med).mean()), 4)
    out[f"r{lev}_pool"] = round(float(r_pool), 3)
    out[f"r{lev}_step"] = [round(float(v), 2) for v in r_step[:: max(1, h // 6)]]
    if lev == 95:
        def msis(w):
            lo, hi = point - w * scale[:, None], point + w * scale[:, None]
            pen = (lo - panel.test) * (panel.test < lo) + (panel.test - hi) * (panel.test > hi)
            return float(np.mean(np.mean(hi - lo + 2 / 0.05 * pen, axis=1) / scales_m))
        out["msis"] = round(msis(q), 3); out["msis_step"] = round(msis(q * r_step), 3); out["msis_pool"] = round(msis(q * r_pool), 3); out["msis_smean"] = round(msis(np.quantile(S1a * r_smean, p, axis=0, method="higher")), 3); out["msis_smed"] = round(msis(np.quantile(S1a * r_smed, p, axis=0, method="higher")), 3)
out["r_med"] = round(float(np.median(S1b) / np.median(S2)), 3)
print(json.dumps(out))
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "interval_recency.jsonl"), "a") as f:
    f.write(json.dumps(out) + "\n")
