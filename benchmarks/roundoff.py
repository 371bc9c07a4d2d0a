"""How far float32 round-off moves a fused search's fits, against how far it
moves an ordinary fit when only TensorFlow's kernels change.

    python benchmarks/roundoff.py     # ~40 seconds on 2 cores

The README's fused-search block (a 64-64 MLP, dropout 0.1 on the first layer,
RMSprop, 10 epochs; 3 initializers x 2 learning rates, cv=3) on the digits,
unscaled (0 to 16) as that block leaves them and scaled to [0, 1]. For each of
the 18 fits: its loss curve and test-fold predictions as a fused member, and
as an ordinary fit run with TensorFlow's oneDNN kernels switched off
(``TF_ENABLE_ONEDNN_OPTS=0``, a fresh process), each against the ordinary
fit; and the two searches' mean CV scores.  Written to
``benchmarks/results/roundoff.md``.
"""

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

GRID = [("glorot_uniform", 1e-3), ("glorot_uniform", 3e-3), ("he_normal", 1e-3), ("he_normal", 3e-3),
        ("uniform", 1e-3), ("uniform", 3e-3)]  # fmt: skip
NETWORK = dict(hidden_layer_sizes=(64, 64), dropout=[0.1, 0.0], optimizer="rmsprop", epochs=10, random_state=0)


def data(scaled):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import StratifiedKFold

    X, y = load_digits(return_X_y=True)
    return (X / 16 if scaled else X), y, list(StratifiedKFold(3).split(X, y))


def estimators():
    from skhyper import KerasMLPClassifier

    return [KerasMLPClassifier(kernel_initializer=k, learning_rate=lr, **NETWORK) for k, lr in GRID]


def ordinary(scaled):
    """Each fit's loss curve and test-fold predictions, fitted on its own."""
    from sklearn.base import clone

    X, y, folds = data(scaled)
    fits = [(clone(e).fit(X[tr], y[tr]), te) for e in estimators() for tr, te in folds]
    return [(fitted.history_["loss"], fitted.predict(X[te]).tolist()) for fitted, te in fits]


def fused_members(scaled):
    """The same fits trained as one fused group."""
    from sklearn.base import clone

    from skhyper import fused
    from skhyper import model_selection as ms

    X, y, folds = data(scaled)
    pairs = [(e, tr, te) for e in estimators() for tr, te in folds]
    ms.GridSearchCV(estimators()[0], {"random_state": [0]}, cv=[folds[0]]).fit(X, y)  # (the architecture built)
    members = [ms._prepare(clone(e), X[tr], y[tr]) for e, tr, _ in pairs]
    histories = fused.train_members(members)
    out = []
    for (_, _, te), member, history in zip(pairs, members, histories):
        member.estimator._finish_fit(history)
        out.append((history["loss"], member.estimator.predict(X[te]).tolist()))
    return out


def searches(scaled):
    from sklearn import model_selection as sk

    from skhyper import KerasMLPClassifier
    from skhyper import model_selection as ms

    X, y, _ = data(scaled)
    grid = {"kernel_initializer": ["glorot_uniform", "he_normal", "uniform"], "learning_rate": [1e-3, 3e-3]}
    plain, fast = (make(KerasMLPClassifier(**NETWORK), grid, cv=3).fit(X, y) for make in (sk.GridSearchCV, ms.GridSearchCV))
    gap = np.abs(plain.cv_results_["mean_test_score"] - fast.cv_results_["mean_test_score"]).max()
    return float(gap), plain.best_params_ == fast.best_params_


def compare(reference, other):
    """Per fit: the largest relative loss difference, the epoch it first
    passes 1e-4, and the test rows predicted differently."""
    rows = []
    for (loss_a, pred_a), (loss_b, pred_b) in zip(reference, other):
        rel = np.abs(np.array(loss_a) - loss_b) / np.abs(loss_a)
        first = next((i + 1 for i, r in enumerate(rel) if r > 1e-4), None)
        rows.append((float(rel.max()), first, int((np.array(pred_a) != np.array(pred_b)).sum())))
    return rows


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--ordinary":  # the child process, oneDNN off
        print(json.dumps({s: ordinary(s == "scaled") for s in ("unscaled", "scaled")}))
        return
    started = time.perf_counter()
    child = subprocess.run([sys.executable, __file__, "--ordinary", "child"], capture_output=True, text=True, check=True,
                           env={**os.environ, "TF_ENABLE_ONEDNN_OPTS": "0"})  # fmt: skip
    without_onednn = json.loads(child.stdout.strip().splitlines()[-1])
    lines = [
        "# Float32 round-off: fused fits, and ordinary fits on other kernels",
        "",
        f"`python benchmarks/roundoff.py`; {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "Each fit against the same ordinary fit (oneDNN on): the largest relative loss difference over its 10 epochs,"
        " the first epoch past 1e-4, and its test-fold rows predicted differently (of 599).",
        "",
        "| digits | fit (initializer, rate, fold) | fused member: loss, epoch past 1e-4, rows |"
        " ordinary fit, oneDNN off: loss, epoch past 1e-4, rows |",
        "|---|---|---|---|",
    ]
    summary = []
    for scaled in ("unscaled", "scaled"):
        reference = ordinary(scaled == "scaled")
        fused_rows = compare(reference, fused_members(scaled == "scaled"))
        other_rows = compare(reference, without_onednn[scaled])
        labels = [f"{k}, {lr:g}, {fold}" for k, lr in GRID for fold in range(3)]
        for label, a, b in zip(labels, fused_rows, other_rows):
            lines.append(f"| {scaled} | {label} | {a[0]:.1e}, {a[1] or '—'}, {a[2]} | {b[0]:.1e}, {b[1] or '—'}, {b[2]} |")
        gap, same = searches(scaled == "scaled")
        summary.append(f"- {scaled}: fits moved past 1e-4 fused {sum(a[1] is not None for a in fused_rows)} of 18,"
                       f" oneDNN off {sum(b[1] is not None for b in other_rows)} of 18; test rows changed fused"
                       f" {sum(a[2] for a in fused_rows)}, oneDNN off {sum(b[2] for b in other_rows)}; the searches'"
                       f" mean CV scores within {gap:.4f}, {'the same' if same else 'different'} best parameters.")  # fmt: skip
    lines += ["", *summary, "", f"Whole run: {time.perf_counter() - started:.0f} s."]
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(__file__).parent / "results" / "roundoff.md"
    out.write_text(text)


if __name__ == "__main__":
    main()
