"""Where a warm fused search's time goes: seed 003's grid, phase by phase and op by op.

    python benchmarks/profile_fused.py              # ~1 minute on 2 cores
    python benchmarks/profile_fused.py --paired 3   # + 3 paired runs with TF_NUM_INTRAOP_THREADS=1

The search is ``speed.py``'s task 7a: 8 kernel initializers x cv=3 of a
64-64 MLP (dropout 0.1, RMSprop, batch 128, 10 epochs) on sklearn's digits,
through ``skhyper.model_selection.GridSearchCV``, run warm (the first runs,
which trace, are not counted). It reports:

1. the phases of the search, medians over ``--runs`` runs: preparing the
   fits (checks, rows, drawn weights: ``_prepare``), training the groups
   (``train_members``), of which the stacked epochs (``_Stack.run_epoch``),
   sklearn's scoring of the fits, finding each fit's result again
   (``take_result``), the refit, and the rest (sklearn's search itself);
2. the operations of 20 stacked epochs under TensorFlow's profiler: time
   summed over all calls of each kind of operation (threads added up, so a
   column can exceed the wall time), and per training step;
3. with ``--paired N``: N pairs of fresh processes, one with
   ``TF_NUM_INTRAOP_THREADS=1`` and one without (alternating which runs
   first), each reporting the median of its warm searches.

Writes ``benchmarks/results/profile_fused.md``.
"""

import argparse
import collections
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

EPOCHS_PROFILED = 20


def search():
    """Seed 003's grid, as ``speed.py``'s task 7a runs it."""
    from skhyper import KerasMLPClassifier
    from skhyper import model_selection as fused
    from skhyper.datasets import load_digits

    sys.path.insert(0, str(Path(__file__).parent))
    from speed import INITIALIZERS

    X, y = load_digits(return_X_y=True)
    estimator = KerasMLPClassifier(hidden_layer_sizes=(64, 64), dropout=[0.1, 0.0], optimizer="rmsprop",
                                   batch_size=128, epochs=10, random_state=0)  # fmt: skip
    return lambda: fused.GridSearchCV(estimator, {"kernel_initializer": INITIALIZERS}, cv=3).fit(X, y)


def phases(run, runs):
    """Median seconds of each phase over ``runs`` warm runs of ``run``."""
    import sklearn.model_selection._validation as validation

    import skhyper._handoff as handoff
    import skhyper.fused as fused
    import skhyper.model_selection as model_selection

    spent = collections.Counter()
    patched = []

    def timing(owner, name, label):
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started

        patched.append((owner, name, original))
        setattr(owner, name, timed)

    timing(model_selection, "_prepare", "preparing the fits (checks, rows, drawn weights)")
    timing(fused, "train_members", "training the groups")
    timing(fused._Stack, "run_epoch", "  of which the stacked epochs")
    timing(validation, "_score", "sklearn's scoring of the fits")
    timing(handoff, "take_result", "finding each fit's result again")
    per_run = []
    try:
        for _ in range(runs):
            spent.clear()
            started = time.perf_counter()
            fitted = run()
            total = time.perf_counter() - started
            spent["the refit"] = fitted.refit_time_
            inside = sum(v for k, v in spent.items() if not k.startswith("  "))
            spent["the rest (sklearn's search itself)"] = total - inside
            spent["whole search"] = total
            per_run.append(dict(spent))
    finally:
        for owner, name, original in patched:
            setattr(owner, name, original)
    order = ["preparing the fits (checks, rows, drawn weights)", "training the groups", "  of which the stacked epochs",
             "sklearn's scoring of the fits", "finding each fit's result again", "the refit",
             "the rest (sklearn's search itself)", "whole search"]  # fmt: skip
    return {label: statistics.median(r.get(label, 0.0) for r in per_run) for label in order}


def operations(run, epochs=EPOCHS_PROFILED):
    """``(wall seconds, steps, {op: (seconds, calls)})`` of ``epochs`` stacked
    epochs of the group ``run`` trains, under TensorFlow's profiler."""
    import tensorflow as tf

    import skhyper.fused as fused

    groups = []
    train = fused.train_members
    fused.train_members = lambda members: groups.append(members) or train(members)
    try:
        run()
    finally:
        fused.train_members = train
    stack = list(fused._local.stacks.values())[-1]
    stack.load(groups[-1])  # (a kept stack lets go of its members' rows after training)
    rates = np.full(stack.K, 1e-3, np.float32)
    active = np.ones(stack.K, bool)
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        started = time.perf_counter()
        for epoch in range(epochs):
            stack.run_epoch(epoch % 10, rates, active)
        wall = time.perf_counter() - started
        tf.profiler.experimental.stop()
        trace = _trace_events(sorted(Path(logdir).rglob("*.xplane.pb"))[-1])
    totals, calls = collections.Counter(), collections.Counter()
    for event in trace:
        if event.get("ph") == "X" and "dur" in event:
            totals[event["name"]] += event["dur"] / 1e6
            calls[event["name"]] += 1
    return wall, epochs * stack.steps, {name: (totals[name], calls[name]) for name in totals}


def _trace_events(xplane):
    """The profile's events as the trace viewer reads them (TensorFlow's
    profiler plugin converts its xplane file)."""
    from tensorflow.python.profiler.internal import _pywrap_profiler_plugin as plugin

    data, _ = plugin.xspace_to_tools_data([str(xplane)], "trace_viewer@", {})
    if isinstance(data, bytes) and data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    trace = json.loads(data)
    return trace["traceEvents"] if isinstance(trace, dict) else trace


# Events of the runtime around the operations (each holds operations below it).
_RUNTIME = ("ThreadpoolListener", "ExecutorState", "Eager", "TFE_", "KernelAndDeviceFunc", "ParallelFor",
            "FunctionRun", "ExecutorDoneCallback", "tf.constant")  # fmt: skip


def _warm_median(runs):
    """In a child process: the median of ``runs`` warm searches (JSON)."""
    run = search()
    run()
    run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    print(json.dumps(statistics.median(times)))


def paired(pairs, runs):
    """``pairs`` pairs of fresh processes with and without
    ``TF_NUM_INTRAOP_THREADS=1``: each one's median warm search."""
    results = []
    for i in range(pairs):
        pair = {}
        for one_thread in (True, False) if i % 2 == 0 else (False, True):
            env = dict(os.environ)
            env.pop("TF_NUM_INTRAOP_THREADS", None)
            if one_thread:
                env["TF_NUM_INTRAOP_THREADS"] = "1"
            out = subprocess.run([sys.executable, __file__, "--warm-median", str(runs)], env=env,
                                 capture_output=True, text=True, check=True)  # fmt: skip
            pair[one_thread] = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(pair)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="warm searches timed for the phases")
    parser.add_argument("--epochs", type=int, default=EPOCHS_PROFILED, help="stacked epochs profiled")
    parser.add_argument("--paired", type=int, default=0, help="pairs of processes with and without one intra-op thread")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "profile_fused.md"))
    parser.add_argument("--warm-median", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.warm_median:
        _warm_median(args.warm_median)
        return
    import tensorflow as tf

    run = search()
    for _ in range(3):
        run()
    spent = phases(run, args.runs)
    wall, steps, ops = operations(run, args.epochs)
    shown = sorted(((n, v) for n, v in ops.items() if not n.startswith(_RUNTIME)), key=lambda item: -item[1][0])[:20]
    text = [
        "# Where a warm fused search's time goes (seed 003's grid, 24 fits)",
        "",
        f"`python benchmarks/profile_fused.py{' --paired ' + str(args.paired) if args.paired else ''}`;"
        f" {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" TensorFlow {tf.__version__}; TF_NUM_INTRAOP_THREADS={os.environ.get('TF_NUM_INTRAOP_THREADS', 'unset')}.",
        "",
        f"## Phases (median over {args.runs} warm runs)",
        "",
        "| phase | ms | share |",
        "|---|---|---|",
        *[f"| {label} | {seconds * 1e3:.1f} | {seconds / spent['whole search']:.0%} |" for label, seconds in spent.items()],
        "",
        f"## Operations of {args.epochs} stacked epochs ({steps} steps, {wall * 1e3:.0f} ms wall under the profiler)",
        "",
        "Time summed over every call of the operation and over threads.",
        "",
        "| operation | ms | calls | ms per step |",
        "|---|---|---|---|",
        *[f"| {name} | {seconds * 1e3:.1f} | {calls} | {seconds * 1e3 / steps:.3f} |" for name, (seconds, calls) in shown],
    ]
    if args.paired:
        pairs = paired(args.paired, max(3, args.runs // 2))
        text += [
            "",
            f"## TF_NUM_INTRAOP_THREADS=1 against unset ({args.paired} pairs of fresh processes;"
            " each the median of its warm searches)",
            "",
            "| pair | one intra-op thread (s) | unset (s) |",
            "|---|---|---|",
            *[f"| {i + 1} | {p[True]:.3f} | {p[False]:.3f} |" for i, p in enumerate(pairs)],
        ]
    Path(args.out).write_text("\n".join(text) + "\n")
    print("\n".join(text))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
