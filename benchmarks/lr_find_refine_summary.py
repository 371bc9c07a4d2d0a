"""Pool the refinement runs of ``benchmarks/lr_find.py`` (their JSON files) and compare the ways to refine.

    python benchmarks/lr_find_refine_summary.py benchmarks/results/lr_find_refine.json \
        benchmarks/results/lr_find_refine_seeds_10_19.json

For each pair, the seeds of all the files together: the best fixed rate (best
mean test score over the seeds), and for the default ("auto") and each
refinement (5, 7 or 9 rates, each way of picking in ``lr_find.PICKS``) its
mean test score, whether it passes (within 1%), and its shortfall (best -
score for accuracy and R^2, score / best - 1 for MAE: the 1% of the pass
criterion is 0.01 on both).  Every refinement's pick is one of the nine
rates that were also trained on the whole training part, so its test score
is measured, not interpolated.  Nothing is trained here.
"""

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("lr_find_benchmark", HERE / "lr_find.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
from skhyper.lr_find import _pick_refined  # noqa: E402  (the checkout's, put on sys.path by the benchmark)

AUTO = "auto (divergence_over_25)"


def pick_score(run, rows, pick):
    refine = run["refine"]
    rates = np.array(refine["rates"])[rows]
    validation = np.array(refine["validation"], dtype=float)[rows]
    test = np.array(refine["test"], dtype=float)[rows]
    if not np.isfinite(validation).any():
        return run["rules"][AUTO][1]
    if bench.PICKS[pick] is None:
        return test[int(np.argmax(np.where(np.isfinite(validation), validation, -np.inf)))]
    return test[_pick_refined(rates, validation, refine["range_suggestion"], *bench.PICKS[pick])]


def main(paths):
    files = [json.loads(Path(path).read_text()) for path in paths]
    seeds = [seed for data in files for seed in data["seeds"]]
    pairs = {pair.name: pair for pair in bench.PAIRS}
    names = [name for name in pairs if all(name in data["runs"] for data in files)]
    columns = ["auto"] + [f"refined {n}, {pick}" for pick in bench.PICKS for n in bench.REFINE_ROWS]
    rows = []
    passes, shortfalls = {c: 0 for c in columns}, {c: [] for c in columns}
    for name in names:
        pair = pairs[name]
        runs = [run for data in files for run in data["runs"][name]]
        means = np.array([run["grid"] for run in runs]).mean(axis=0)
        best = np.nanmax(means) if bench.higher_is_better(pair) else np.nanmin(means)
        cells = []
        for column in columns:
            if column == "auto":
                value = np.mean([run["rules"][AUTO][1] for run in runs])
            else:
                n, pick = column.removeprefix("refined ").split(", ", 1)
                value = np.mean([pick_score(run, bench.REFINE_ROWS[int(n)], pick) for run in runs])
            ok = bench.within(value, best, pair)
            passes[column] += ok
            shortfalls[column].append(best - value if bench.higher_is_better(pair) else value / best - 1)
            cells.append(f"{bench.fmt(value)} {'pass' if ok else '**fail**'}")
        rows.append(f"| {name} | {pair.role} | {bench.fmt(best)} | " + " | ".join(cells) + " |")
    lines = [
        "# lr_find: refining the suggestion by validation, pooled",
        "",
        f"`python benchmarks/lr_find_refine_summary.py {' '.join(paths)}`: seeds {min(seeds)}-{max(seeds)}"
        f" ({len(seeds)}), 17 pairs; see `benchmarks/lr_find.py` for the set-up.",
        "",
        "Columns: the range test's suggestion (auto), and its refinement over 5 rates (the suggestion times"
        " 10**(j/3), j = -3..1: `lr_find(refine=5)`), 7 (j = -4..2: `refine=7`) or 9 (j = -5..3: `refine=9`),"
        ' picking the best validation score: "argmax, ties low" (ties to the lowest rate), "best" (ties to the'
        ' rate nearest the range suggestion: what lr_find does), "within 0.01" (any within 0.01 of the best'
        ' counts as a tie), "smoothed" (each score averaged with its neighbours first). Cost of refine=k: k fits'
        " on 80% of the training data (the estimator's own epochs), beside the range test (a fraction of one fit).",
        "",
        "## Pairs passed and shortfall",
        "",
        "| rule | pairs passed | mean shortfall | worst shortfall |",
        "|---|---|---|---|",
    ]
    for column in columns:
        gaps = np.array(shortfalls[column])
        lines.append(f"| {column} | {passes[column]}/{len(names)} | {gaps.mean():.4f} | {gaps.max():.4f} |")
    lines += ["", "Shortfall: best fixed rate's mean score minus the rule's (accuracy, R^2), or the rule's MAE over"
              " the best's minus 1 (forecasters); a pass is a shortfall of at most 0.01.", "",
              "## Mean scores", "",
              "| pair | role | best fixed | " + " | ".join(columns) + " |",
              "|---|---|---|" + "---|" * len(columns), *rows]  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    arguments = sys.argv[1:] or [str(HERE / "results" / "lr_find_refine.json")]
    text = main(arguments)
    out = HERE / "results" / "lr_find_refine_summary.md"
    out.write_text(text + "\n")
    print(text.split("## Mean scores")[0])
    print(f"written to {out}")
