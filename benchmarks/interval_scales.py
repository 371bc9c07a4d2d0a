"""Conformal intervals on panels: where does their miscalibration come from?

The panel intervals over-cover at 80% on the training parts of M1 and
Tourism (0.85-0.90 where AutoETS's cover 0.58-0.76: ``m1_intervals_validate.md``,
``tourism_intervals_validate.md``).  This script separates the candidate
causes on one validation block (``validate`` = K: the K-th last block of
``h`` values of each series' ``x``, nothing of ``xx`` seen), from one fit of
the final forecaster ``F`` and of its calibration copy ``C`` (each series
without its last ``held`` values, as ``interval_horizon`` trains it):

- **Is the copy a worse forecaster?** ``copy_on_block`` against
  ``final_on_block``: both forecast the block from the same windows (the
  copy without having trained on the last ``held`` values), errors over
  ``F``'s scale, over the series the copy was fit on.
- **Does the scale move?** Today's scores are the copy's errors over the
  copy's scale (each truncated series' seasonal naive MAE: few values on a
  short series), the widths those quantiles times the final scale.
  ``share_scale_1_5``: the share of series whose final scale is over 1.5
  times the copy's.

and scores the blocks' coverage and MSIS with widths from other
normalizations of the same calibration errors (``cov80``/``cov95``/``msis``
today's; ``_final``: the final scale for scores and widths; ``_copy``: the
copy's scale for both; ``_level``: the mean absolute value of the last season
before each origin (relative errors); ``_final_level``: the final scale times
the level's change since the origin)::

    python benchmarks/interval_scales.py M1 monthly 1 0     # dataset, frequency, K, seed

One JSON line per run is appended to ``benchmarks/results/interval_scales.jsonl``;
``--table`` prints the summary.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

LOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "interval_scales.jsonl")


def run(dataset, freq, validate, seed):
    from sklearn.base import clone

    from m3 import _long_frame, _season, load_panel, mase_scale
    from skhyper import WindowForecaster
    from skhyper.estimators._intervals import panel_scales

    data = load_panel(freq, validate=validate, dataset=dataset)
    h, test = data.h, data.test
    frame = _long_frame(data)
    final = WindowForecaster(seasonal_period=_season(data), random_state=seed).fit(frame)
    panel = final._panel_of(frame, final._fitted_covariates())
    final.interval_horizon = h  # (for the origins "auto" takes; the fit made no intervals)
    needed = final._panel_level_rows() + final.horizon
    origins = final._n_origins(len(panel), float(np.median(panel.lengths)), needed)
    held = h + origins - 1
    kept = panel.lengths - held
    which = np.flatnonzero(kept > 0)
    copy = clone(final).set_params(interval_horizon=None).fit(panel.head(np.maximum(kept, 0)))

    ends = (kept[which][:, None] + np.arange(origins)[None, :]).ravel()
    rows = np.repeat(np.arange(len(which)), origins)  # positions in the copy's series
    series = which[rows]
    history, present = copy._gather(panel, series, ends, -copy.window_size_, 0)
    actual = panel.values[panel.starts[series][:, None] + ends[:, None] + np.arange(h)[None, :]]
    errors = np.abs(actual - copy._forecast_windows(history, present, rows, h))
    scale_copy, scale_final = panel_scales(copy), panel_scales(final)

    point = final.forecast(h)["WindowForecaster"].to_numpy().reshape(len(panel), h)
    block = np.abs(test - point) / scale_final[:, None]
    history, present = copy._gather(panel, which, panel.lengths[which], -copy.window_size_, 0)
    copy_block = np.abs(test[which] - copy._forecast_windows(history, present, np.arange(len(which)), h))
    copy_block /= scale_final[which, None]

    season = max(data.period, 4)

    def level(at_series, at_ends):
        """The mean absolute value of the ``season`` values before each origin."""
        back = at_ends[:, None] - np.arange(1, season + 1)[None, :]
        positions = panel.starts[at_series][:, None] + np.maximum(back, 0)
        return np.nanmean(np.where(back >= 0, np.abs(panel.values[positions]), np.nan), axis=1)

    level_then, level_now = level(series, ends), level(np.arange(len(panel)), panel.lengths)
    copy_scales = scale_final.copy()  # (the series too short for the copy keep the final scale)
    copy_scales[which] = scale_copy
    scores = {  # name: (scores of the calibration errors, each series' scale for the block's widths)
        "": (errors / scale_copy[rows, None], scale_final),
        "_final": (errors / scale_final[series, None], scale_final),
        "_copy": (errors / scale_copy[rows, None], copy_scales),
        "_level": (errors / level_then[:, None], level_now),
        "_final_level": (errors / (scale_final[series] * level_then / level_now[series])[:, None], scale_final),
    }  # fmt: skip
    naive = np.array([mase_scale(x, data.period) for x in data.train])
    out = {"dataset": dataset, "freq": freq, "validate": validate, "seed": seed, "origins": int(origins),
           "held": int(held), "series": len(panel), "calibrated": len(which),
           "final_on_block": float(block[which].mean()), "copy_on_block": float(copy_block.mean()),
           "share_scale_1_5": float(np.mean(scale_final[which] / scale_copy > 1.5))}  # fmt: skip
    for name, (score, scale) in scores.items():
        for level_pct in (80, 95):
            q = np.quantile(score, level_pct / 100, axis=0, method="higher")
            width = q[None, :] * scale[:, None]
            lo, hi = point - width, point + width
            out[f"cov{level_pct}{name}"] = float(((test >= lo) & (test <= hi)).mean())
            if level_pct == 95:
                penalty = (lo - test) * (test < lo) + (test - hi) * (test > hi)
                out[f"msis{name}"] = float(np.mean(np.mean(hi - lo + 2 / 0.05 * penalty, axis=1) / naive))
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}


def table(path=LOG):
    rows = [json.loads(line) for line in open(path)]
    names = ["", "_final", "_copy", "_level", "_final_level"]
    head = ["data", "K", "copy / final MASE", "scale x1.5", *[f"cov80{n or ' today'}" for n in names],
            *[f"MSIS{n or ' today'}" for n in names]]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [f"{r['dataset']} {r['freq']}", r["validate"], f"{r['copy_on_block']:.3f} / {r['final_on_block']:.3f}",
                 f"{r['share_scale_1_5']:.2f}", *[f"{r['cov80' + n]:.3f}" for n in names],
                 *[f"{r['msis' + n]:.2f}" for n in names]]  # fmt: skip
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1] == "--table":
        print(table(*sys.argv[2:]))
    else:
        result = run(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        print(json.dumps(result))
        with open(LOG, "a") as log:
            log.write(json.dumps(result) + "\n")
