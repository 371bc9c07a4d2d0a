"""Does lr_find's suggested rate train as well as the best fixed rate?

    python benchmarks/lr_find.py               # 17 pairs x 10 seeds
    python benchmarks/lr_find.py --seeds 1 --pairs digits/sgd-m0.9 digits/adam

For each dataset x optimizer pair and seed (``random_state``: the network's
initial weights and the batch order): run ``lr_find`` with its defaults (per
batch, 1e-7 to 10 in 100 steps) on the training part, train at its
suggestion, and train at each of ten fixed rates ``logspace(-4, 0, 10)``
(the same network, epochs and seed), then score on the held-out part:

- classifiers (digits, breast cancer, wine): accuracy on a stratified 25%;
- regressors (diabetes, Friedman #1): R^2 on a random 25% (inputs and target
  standardized on the training part);
- forecasters (``WindowForecaster``, no linear path: statsmodels' monthly
  CO2 and yearly sunspots, the book series of seed 000): MAE of the one-step
  forecasts of the last 20% of the series.

The best fixed rate is the grid rate with the best mean score over the seeds
(picked on the held-out part itself, so an optimistic bar). A rule passes a
pair when its mean score over the seeds is within 1% of that best: accuracy
or R^2 at least ``best - 0.01`` (one point), MAE at most ``1.01 * best``.
Next to the default ("auto") the suggestions of the other rules, from the
same range test (``skhyper.lr_find._summarize`` on its losses), and the
default refined by validation (``lr_find(refine=...)``): copies trained at
rates a third of a decade apart around it on the training part minus its
own held-out 20% (the latest 20% of a forecaster's training series; a
seeded, stratified 20% of the rows otherwise), scored there with the
estimator's ``score``, and one of them suggested.  Nine rates are fitted
(the range test's suggestion times ``10**(j / 3)``, j = -5..3) and also
trained on the whole training part and scored on the test part, so that
the refinements over 5 of them (j = -3..1, as ``refine=5``), 7 (j =
-4..2) or all 9, and several ways of picking among their validation scores
(``PICKS``), are all read off the same fits; the raw scores go to a JSON
file beside the report.  The benchmark's test part
is never seen by the refinement.  ``--no-other-rules`` leaves out the other
rules' columns, ``--no-refine`` the refinement.

The pairs marked "choose" are the ones the default rule was chosen on; the
others ("check") were not looked at while choosing.  Everything is in
``benchmarks/results/lr_find.md``.  Only sklearn's and statsmodels' bundled
data and generated series: nothing is downloaded.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# The skhyper of this checkout, not an installed one.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

GRID = np.logspace(-4, 0, 10)
SEEDS = tuple(range(10))
TOLERANCE = 0.01
OPTIMIZERS = {
    "sgd": {"optimizer": "sgd"},
    "sgd-m0.9": {"optimizer": "sgd", "momentum": 0.9},
    "adam": {"optimizer": "adam"},
    "rmsprop": {"optimizer": "rmsprop"},
}


@dataclass(frozen=True)
class Pair:
    dataset: str
    optimizer: str
    role: str  # "choose": the rule was chosen on it; "check": it was not

    @property
    def name(self):
        return f"{self.dataset}/{self.optimizer}"


PAIRS = [
    Pair("digits", "sgd-m0.9", "choose"),  # the issue: the old rule's 0.29 trained to 0.88
    Pair("digits", "adam", "choose"),
    Pair("breast_cancer", "sgd-m0.9", "choose"),
    Pair("diabetes", "sgd", "choose"),
    Pair("friedman1", "adam", "choose"),
    Pair("co2", "adam", "choose"),
    Pair("digits", "sgd", "choose"),
    Pair("digits", "rmsprop", "check"),
    Pair("breast_cancer", "rmsprop", "check"),
    Pair("wine", "sgd", "check"),
    Pair("wine", "adam", "check"),
    Pair("diabetes", "adam", "check"),
    Pair("diabetes", "rmsprop", "check"),
    Pair("friedman1", "sgd-m0.9", "check"),
    Pair("co2", "sgd-m0.9", "check"),
    Pair("sunspots", "rmsprop", "check"),
    Pair("book", "sgd-m0.9", "check"),
]

# kind, the network and epochs per dataset
SETTINGS = {
    "digits": ("classifier", {"hidden_layer_sizes": (32,), "epochs": 5}),
    "breast_cancer": ("classifier", {"hidden_layer_sizes": (32,), "epochs": 10}),
    "wine": ("classifier", {"hidden_layer_sizes": (32,), "epochs": 20}),
    "diabetes": ("regressor", {"hidden_layer_sizes": (32,), "epochs": 20}),
    "friedman1": ("regressor", {"hidden_layer_sizes": (64,), "epochs": 10}),
    "co2": ("forecaster", {"window_size": 24, "hidden_layer_sizes": (32,), "epochs": 20}),
    "sunspots": ("forecaster", {"window_size": 12, "hidden_layer_sizes": (32,), "epochs": 20}),
    "book": ("forecaster", {"window_size": 20, "hidden_layer_sizes": (10, 10), "epochs": 10}),
}
# A forecaster without the linear path (which would do much of the work at
# any rate), without early stopping or a validation split: the rate decides.
FORECASTER = {"linear_path": False, "early_stopping": False, "validation_split": 0.0, "lr_schedule": "constant",
              "batch_size": 32}  # fmt: skip


def load(dataset):
    """(train, test) parts: (X, y) pairs, or series for a forecaster."""
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    if dataset in ("co2", "sunspots"):
        import statsmodels.api as sm

        if dataset == "co2":  # weekly with gaps: monthly means, 526 months
            series = sm.datasets.co2.load_pandas().data["co2"].resample("MS").mean().interpolate().to_numpy()
        else:  # yearly, 309 years
            series = sm.datasets.sunspots.load_pandas().data["SUNACTIVITY"].to_numpy()
        split = int(0.8 * len(series))
        return series[:split], series[split:]
    if dataset == "book":
        from skhyper.datasets import book_series

        data = book_series()
        return data.train, data.valid
    if dataset == "friedman1":
        X, y = datasets.make_friedman1(n_samples=1000, noise=1.0, random_state=0)
    else:
        X, y = getattr(datasets, f"load_{dataset}")(return_X_y=True)
    classifier = SETTINGS[dataset][0] == "classifier"
    parts = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y if classifier else None)
    X_train, X_test, y_train, y_test = parts
    if dataset == "digits":
        X_train, X_test = X_train / 16.0, X_test / 16.0
    else:
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    if not classifier:
        mean, std = y_train.mean(), y_train.std()
        y_train, y_test = (y_train - mean) / std, (y_test - mean) / std
    return (X_train, y_train), (X_test, y_test)


def estimator(pair, seed):
    from skhyper import KerasMLPClassifier, KerasMLPRegressor, WindowForecaster

    kind, settings = SETTINGS[pair.dataset]
    params = dict(settings, **OPTIMIZERS[pair.optimizer], random_state=seed)
    if kind == "forecaster":
        return WindowForecaster(**params, **FORECASTER)
    return (KerasMLPClassifier if kind == "classifier" else KerasMLPRegressor)(**params)


def higher_is_better(pair):
    return SETTINGS[pair.dataset][0] != "forecaster"


def score(model, test, pair):
    """Accuracy, R^2, or MAE; a model whose predictions blew up scores the worst."""
    from sklearn.metrics import accuracy_score, r2_score

    kind = SETTINGS[pair.dataset][0]
    if kind == "forecaster":
        predicted = np.asarray(model.predict(test), dtype=float)
        return float(np.abs(predicted - test).mean()) if np.isfinite(predicted).all() else np.inf
    X, y = test
    predicted = model.predict(X)
    if kind == "classifier":
        return float(accuracy_score(y, predicted))
    return float(r2_score(y, predicted)) if np.isfinite(predicted).all() else -np.inf


def fit_args(train, pair):
    return (train,) if SETTINGS[pair.dataset][0] == "forecaster" else train


# lr_find(refine=REFINE_FACTORS): nine rates a third of a decade apart around the range test's
# suggestion, each trained on the training part minus its latest/seeded 20% and scored there.  The
# five- and seven-rate refinements (lr_find's refine=5, refine=7) are read off the same fits.
REFINE_FACTORS = 10.0 ** (np.arange(-5, 4) / 3)  # j = -5..3
REFINE_ROWS = {5: np.arange(2, 7), 7: np.arange(1, 8), 9: np.arange(9)}  # 5: j = -3..1, as refine=5 tries


# How the refinement picks among its rates' validation scores: (tolerance, smooth); see
# skhyper.lr_find._pick_refined.  "argmax, ties low" is the plain argmax (ties to the lowest rate).
PICKS = {
    "argmax, ties low": None,
    "best": (0.0, False),
    "best within 0.01": (0.01, False),
    "smoothed best": (0.0, True),
    "smoothed best within 0.01": (0.01, True),
}


def refined(result, rows, pick):
    """The rate the refinement picks among ``rows`` of its rates."""
    from skhyper.lr_find import _pick_refined

    rates, scores = result.refine_rates[rows], result.refine_scores[rows]
    if not np.isfinite(scores).any():
        return result.range_suggestion
    if PICKS[pick] is None:
        return float(rates[int(np.argmax(np.where(np.isfinite(scores), scores, -np.inf)))])
    return float(rates[_pick_refined(rates, scores, result.range_suggestion, *PICKS[pick])])


def rule_suggestions(result, others=True):
    """Each rule's suggestion from one range test's losses (and its refinements)."""
    from skhyper.lr_find import RULES, _noise_window, _summarize

    smoothing = 0.8  # lr_find's default for its default 100 steps
    window = _noise_window(1e-7 * 1e8 ** (np.arange(100) / 99))  # the batch noise's steps, of the default ramp
    out = {f"auto ({result.rule})": result.range_suggestion}
    if result.refine_rates is not None:
        for pick in PICKS:
            for n, rows in REFINE_ROWS.items():
                out[f"refined {n}, {pick}"] = refined(result, rows, pick)
    if not others:
        return out
    for rule in RULES:
        if rule not in ("auto", result.rule):
            out[rule] = _summarize(result.learning_rates, result.losses, smoothing, 4.0, rule, "batch",
                                   result.momentum_factor, noise_window=window).suggestion  # fmt: skip
    # The default without the momentum factor, and the default before (the steepest descent, no factor)
    out["divergence_over_25, no momentum factor"] = _summarize(
        result.learning_rates, result.losses, smoothing, 4.0, "divergence_over_25", "batch", noise_window=window
    ).suggestion
    out["previous default"] = _summarize(
        result.learning_rates, result.losses, smoothing, 4.0, "steepest", "batch", noise_window=window
    ).suggestion
    return out


def train_and_score(base, rate, train, test, pair):
    import warnings

    from sklearn.base import clone

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = clone(base).set_params(learning_rate=float(rate)).fit(*fit_args(train, pair))
    except ValueError as error:  # the fit stops when the loss becomes inf or NaN
        if "diverged" not in str(error):
            raise
        return -np.inf if higher_is_better(pair) else np.inf
    return score(model, test, pair)


def run_pair(pair, seeds, refine=True, others=True):
    """Scores per seed: {"grid": [score per grid rate], "rules": {rule: (rate, score)}}."""
    import warnings

    from skhyper import lr_find

    train, test = load(pair.dataset)
    runs = []
    for seed in seeds:
        base = estimator(pair, seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = lr_find(base, *fit_args(train, pair), refine=REFINE_FACTORS if refine else None)
            suggestions = rule_suggestions(result, others)
        # every refinement rate is trained on the whole training part too: any pick's test score is known
        tried = [] if result.refine_rates is None else list(result.refine_rates)
        scores = {}  # by rate: a suggestion on the grid is trained once
        for rate in [*GRID, *suggestions.values(), *tried]:
            key = float(f"{rate:.6g}")
            if key not in scores:
                scores[key] = train_and_score(base, rate, train, test, pair)
        runs.append({"grid": [scores[float(f"{rate:.6g}")] for rate in GRID],
                     "rules": {rule: (rate, scores[float(f"{rate:.6g}")]) for rule, rate in suggestions.items()},
                     "refine": None if result.refine_rates is None else {
                         "range_suggestion": result.range_suggestion, "rates": tried,
                         "validation": [float(v) for v in result.refine_scores],
                         "test": [scores[float(f"{rate:.6g}")] for rate in tried]}})  # fmt: skip
    return runs


def within(value, best, pair):
    if higher_is_better(pair):
        return value >= best - TOLERANCE
    return value <= (1 + TOLERANCE) * best


def summarize(pair, runs):
    grid = np.array([run["grid"] for run in runs])  # seeds x rates
    means = grid.mean(axis=0)
    best = int(np.nanargmax(means) if higher_is_better(pair) else np.nanargmin(means))
    rules = {rule: np.mean([run["rules"][rule][1] for run in runs]) for rule in runs[0]["rules"]}
    return {"grid_means": means, "best": best, "best_rate": GRID[best], "best_score": means[best], "rules": rules,
            "passed": {rule: within(value, means[best], pair) for rule, value in rules.items()}}  # fmt: skip


CHOICE = (
    'How the default was chosen: on the seven "choose" pairs only, from range tests run to the end and a'
    " grid of 25 fixed rates (1e-4 to 1, a sixth of a decade apart), seeds 0-9, the score at a suggested rate"
    " interpolated on that grid. Rules tried: the steepest descent times a constant, the minimum's rate over a"
    " constant, the middle of the valley around the minimum, where the loss had made a given part of its"
    " fall, where it started to fall, the rate where the test diverged over a constant, and geometric means of"
    " these; with and without the momentum factor. The divergence's rate over a constant passed six of the"
    " seven over the widest range of constants (16 to 40, with the momentum factor; 25 is the middle), the"
    " geometric mean of it and the minimum's rate nearly as wide a range; the minimum's rate over a constant"
    " and the valley's middle passed five at best, the steepest descent four. With the test's stop as it is,"
    " none passed co2/adam: 3 of its 10 seeds' tests stop at a short-lived blow-up near 0.01."
    ' The "check" pairs were run once, with the rule fixed.'
)


def fmt(value):
    return "diverged" if not np.isfinite(value) else f"{value:.3f}"


def report(results, seeds, seconds, command):
    rules = list(next(iter(results.values()))[0][0]["rules"])
    lines = [
        "# lr_find: the suggested rate against the best of ten fixed rates",
        "",
        (
            f"`{command}`; {datetime.date.today()}; {platform.machine()}, {platform.processor() or platform.system()},"
            f" {os.cpu_count()} cores, Python {platform.python_version()}; {seconds / 60:.0f} min."
        ),
        "",
        (
            f"Seeds {', '.join(map(str, seeds))}. Fixed rates: {', '.join(f'{r:.2g}' for r in GRID)}. Score on the"
            " held-out part: accuracy (classifiers), R^2 (regressors), MAE of one-step forecasts (forecasters). The"
            " best fixed rate has the best mean over the seeds; a rule passes when its mean is within 1% of it:"
            ' accuracy or R^2 at least best - 0.01, MAE at most 1.01 x best. "auto" is lr_find\'s default'
            ' (per batch); the other rules are from the same range tests. Role: "choose" pairs are the ones the'
            ' default rule was chosen on, "check" pairs were not used for choosing. "refined" is the default'
            " refined by validation on the training part (lr_find's refine): 5, 7 or 9 more fits, each on 80% of"
            " the training part, per seed."
        ),
        "",
        CHOICE,
        "",
        "## Summary",
        "",
        "| pair | role | metric | best fixed rate | its score | " + " | ".join(rules) + " |",
        "|---|---|---|---|---|" + "---|" * len(rules),
    ]
    for pair, (runs, summary) in results.items():
        metric = {"classifier": "accuracy", "regressor": "R^2", "forecaster": "MAE"}[SETTINGS[pair.dataset][0]]
        cells = [f"{fmt(summary['rules'][r])} {'pass' if summary['passed'][r] else '**fail**'}" for r in rules]
        lines.append(f"| {pair.name} | {pair.role} | {metric} | {summary['best_rate']:.2g} |"
                     f" {fmt(summary['best_score'])} | " + " | ".join(cells) + " |")  # fmt: skip
    passes = {r: sum(s["passed"][r] for _, s in results.values()) for r in rules}
    lines += ["", "Pairs passed: " + ", ".join(f"{r} {n}/{len(results)}" for r, n in passes.items()) + ".", ""]
    for pair, (runs, summary) in results.items():
        kind, settings = SETTINGS[pair.dataset]
        lines += [f"## {pair.name} ({pair.role})", "",
                  f"{kind}, {OPTIMIZERS[pair.optimizer]}, {settings}.", "",
                  "| seed | " + " | ".join(f"{r}: rate, score" for r in rules) + " | best fixed rate, score |",
                  "|---|" + "---|" * (len(rules) + 1)]  # fmt: skip
        sign = 1 if higher_is_better(pair) else -1
        for seed, run in zip(seeds, runs):
            own = int(np.nanargmax(sign * np.array(run["grid"])))
            cells = [f"{run['rules'][r][0]:.2g}, {fmt(run['rules'][r][1])}" for r in rules]
            lines.append(f"| {seed} | " + " | ".join(cells) + f" | {GRID[own]:.2g}, {fmt(run['grid'][own])} |")
        mean_rates = [np.exp(np.mean([np.log(run["rules"][r][0]) for run in runs])) for r in rules]
        cells = [f"{rate:.2g} (geo.), {fmt(summary['rules'][r])} {'pass' if summary['passed'][r] else '**fail**'}"
                 for rate, r in zip(mean_rates, rules)]  # fmt: skip
        lines.append("| mean | " + " | ".join(cells) + f" | {summary['best_rate']:.2g}, {fmt(summary['best_score'])} |")
        lines += ["", "Fixed rates, mean score: " + ", ".join(
            f"{rate:.2g}: {fmt(value)}" for rate, value in zip(GRID, summary["grid_means"])) + ".", ""]  # fmt: skip
    return "\n".join(lines)


def main(arguments):
    pairs = [p for p in PAIRS if not arguments.pairs or p.name in arguments.pairs]
    seeds = tuple(range(arguments.first_seed, arguments.first_seed + arguments.seeds))
    started, results = time.perf_counter(), {}
    for pair in pairs:
        runs = run_pair(pair, seeds, refine=not arguments.no_refine, others=not arguments.no_other_rules)
        results[pair] = (runs, summarize(pair, runs))
        summary = results[pair][1]
        print(f"{pair.name}: best fixed {summary['best_rate']:.2g} -> {fmt(summary['best_score'])}; "
              + ", ".join(f"{r} {fmt(v)}" for r, v in summary["rules"].items()), flush=True)  # fmt: skip
    command = "python benchmarks/lr_find.py" + (f" --seeds {arguments.seeds}" if arguments.seeds != len(SEEDS) else "")
    command += f" --first-seed {arguments.first_seed}" if arguments.first_seed else ""
    command += (" --pairs " + " ".join(arguments.pairs)) if arguments.pairs else ""
    command += " --no-other-rules" * arguments.no_other_rules + " --no-refine" * arguments.no_refine
    if arguments.output != parser_default_output():
        command += f" --output {arguments.output}"
    text = report(results, seeds, time.perf_counter() - started, command)
    out = Path(arguments.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    raw = {pair.name: runs for pair, (runs, _) in results.items()}
    out.with_suffix(".json").write_text(json.dumps({"seeds": list(seeds), "grid": list(GRID), "runs": raw},
                                                   default=float, allow_nan=True) + "\n")  # fmt: skip
    print(f"written to {out}")


def parser_default_output():
    return str(Path(__file__).parent / "results" / "lr_find.md")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=len(SEEDS), help="seeds 0 .. N-1 (default 10)")
    parser.add_argument("--first-seed", type=int, default=0, help="seeds first .. first + N - 1 (default 0)")
    parser.add_argument("--pairs", nargs="*", help="only these pairs, as dataset/optimizer")
    parser.add_argument("--output", default=parser_default_output())
    parser.add_argument("--no-other-rules", action="store_true", help="only auto and its refinements")
    parser.add_argument("--no-refine", action="store_true", help="no refinement by validation")
    main(parser.parse_args())
