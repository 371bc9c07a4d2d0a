"""A user's first search: seed 003's grid in a fresh process, and where its time goes.

    python benchmarks/first_search.py                 # ~3 minutes on 2 cores
    python benchmarks/first_search.py --processes 5   # more fresh processes per contender
    python benchmarks/first_search.py --tree          # + a call tree (CPU seconds) of one first fused search
    taskset -c 1 python benchmarks/first_search.py    # pinned to one core (a shared machine: less noise)
    python benchmarks/first_search.py --contenders fused,fused_eager --warm 2 \
        --out benchmarks/results/first_search_eager.md   # without tracing: is the first search's cost the traces?
    python benchmarks/first_search.py --candidates 2 --contenders fused,plain --warm 0 \
        --out benchmarks/results/first_search_candidates_2.md   # a small grid (6 fits): fused never slower?

Seed 003's grid (``speed.py``'s task 7a): 8 kernel initializers x cv=3 of a
64-64 MLP (dropout 0.1, RMSprop, batch 128, 10 epochs) on sklearn's digits,
against sklearn's MLP grid of the same size (8 alphas x cv=3).  Each
contender runs in ``--processes`` new processes (imports excluded): its first
search, the first of its kind in the process, then sklearn's MLP grid, then
``--warm`` more searches (scikeras: one), each followed by sklearn's MLP grid
again; a
contender's ratios are to sklearn's grids of the same process (the machine's
load moves both).  Wall and CPU seconds (the process' threads added up) are
both reported: on a machine shared with other jobs the CPU seconds are the
steadier of the two.

The first fused search's phases (CPU seconds, first search and a warm one of
the same process): tracing TensorFlow functions (Python building their
graphs), the calls of traced functions (the first call of each instantiates
and optimizes its graph: Grappler, oneDNN), building Keras models, the rest
(sklearn's search, checks, weights, scoring).

Writes ``benchmarks/results/first_search.md``.
"""

import argparse
import collections
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

CONTENDERS = {
    "sklearn": "sklearn's MLP grid (8 alphas x cv=3)",
    "fused": "skhyper.model_selection.GridSearchCV (fused)",
    "plain": "sklearn's GridSearchCV over skhyper's estimator",
    "scikeras": "scikeras 0.13 through sklearn's GridSearchCV",
    "fused_eager": "the fused search with tf.config.run_functions_eagerly(True): no tracing (a check, not a setting)",
}


def searches(candidates=8):
    """``{name: run}``: each contender's search of seed 003's grid (its first
    ``candidates`` initializers), and sklearn's MLP grid (``"sklearn"``, 8
    alphas)."""
    import numpy as np
    from sklearn.model_selection import GridSearchCV

    from skhyper import KerasMLPClassifier
    from skhyper import model_selection as fused
    from skhyper.datasets import load_digits

    sys.path.insert(0, str(Path(__file__).parent))
    from speed import INITIALIZERS, scikeras_classifier, sklearn_classifier

    X, y = load_digits(return_X_y=True)
    estimator = KerasMLPClassifier(hidden_layer_sizes=(64, 64), dropout=[0.1, 0.0], optimizer="rmsprop",
                                   batch_size=128, epochs=10, random_state=0)  # fmt: skip
    grid, sk_grid = {"kernel_initializer": INITIALIZERS[:candidates]}, {"alpha": np.logspace(-5, 2, 8)}
    scikeras = scikeras_classifier(10, hidden=(64, 64), dropout=0.1, optimizer="rmsprop")
    return {
        "sklearn": lambda: GridSearchCV(sklearn_classifier(10, hidden=(64, 64)), sk_grid, cv=3).fit(X, y),
        "fused": lambda: fused.GridSearchCV(estimator, grid, cv=3).fit(X, y),
        "plain": lambda: GridSearchCV(estimator, grid, cv=3).fit(X, y),
        "scikeras": lambda: GridSearchCV(scikeras, grid, cv=3).fit(X, y),
        "fused_eager": _eagerly(lambda: fused.GridSearchCV(estimator, grid, cv=3).fit(X, y)),
    }


def _eagerly(run):
    """``run`` with TensorFlow's functions run as plain Python (no tracing,
    no graph to optimize): what a first search pays that is not tracing."""

    def eager():
        import tensorflow as tf

        tf.config.run_functions_eagerly(True)
        try:
            return run()
        finally:
            tf.config.run_functions_eagerly(False)

    return eager


def _clock(run):
    """``(wall seconds, CPU seconds, result)`` of ``run()``."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


class Phases:
    """CPU seconds spent in TensorFlow's tracing, in calls of traced
    functions (the first call of each apart) and in building Keras models,
    by hooks on TensorFlow and Keras (not on skhyper's internals)."""

    def __init__(self):
        import keras
        from tensorflow.python.eager.polymorphic_function import concrete_function, tracing_compilation

        from skhyper.estimators._network import NetworkBuilder

        self.spent, self._called, self._depth = collections.Counter(), set(), 0
        self._hook(tracing_compilation, "_create_concrete_function", self._trace_label)
        self._hook(concrete_function.ConcreteFunction, "_call_flat", self._call_label)
        def building(*args, **kwargs):
            return "building Keras models"

        self._hook(keras.Model, "from_config", building, classmethod)
        self._hook(NetworkBuilder, "_build_model", building)

    @staticmethod
    def _trace_label(function_type, type_context, func_graph, tracing_options):
        return f"tracing TensorFlow functions: {tracing_options.name}"

    def _call_label(self, function, *args, **kwargs):
        if id(function) in self._called:
            return "calls of traced functions, later calls"
        self._called.add(id(function))
        name = function.name.decode() if isinstance(function.name, bytes) else str(function.name)
        return f"calls of traced functions, first call: {name.removeprefix('__inference_').rsplit('_', 1)[0]}"

    def _hook(self, owner, name, label, kind=None):
        original = getattr(owner, name)
        original = getattr(original, "__func__", original)  # (a classmethod's function)
        phases = self

        def timed(*args, **kwargs):
            if phases._depth:  # (counted in the outermost phase)
                return original(*args, **kwargs)
            what = label(*args, **kwargs)
            phases._depth += 1
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                phases._depth -= 1
                phases.spent[what] += time.process_time() - started

        setattr(owner, name, timed if kind is None else kind(timed))

    def take(self, total_cpu):
        spent = dict(self.spent)
        spent["the rest (sklearn's search, checks, weights, scoring)"] = total_cpu - sum(spent.values())
        self.spent.clear()
        return spent


def child(name, warm, phases=False, candidates=8):
    """In a new process: the contender's first search, sklearn's MLP grid,
    then ``warm`` pairs of both (JSON on the last line)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    runs = searches(candidates)
    hooks = Phases() if phases else None
    first_wall, first_cpu, fitted = _clock(runs[name])
    out = {"first": [first_wall, first_cpu], "warm": [], "sklearn": [], "best_score": float(fitted.best_score_),
           "scores": [float(s) for s in fitted.cv_results_["mean_test_score"]]}  # fmt: skip
    if hooks:
        out["first phases"] = hooks.take(first_cpu)
    for index in range(warm + 1):
        out["sklearn"].append(_clock(runs["sklearn"])[:2])
        if index < warm:
            wall, cpu, _ = _clock(runs[name])
            out["warm"].append([wall, cpu])
            if hooks and index == 0:
                out["warm phases"] = hooks.take(cpu)
    print(json.dumps(out))


def in_fresh_process(name, warm, phases=False, candidates=8):
    """Run :func:`child` for ``name`` in a new Python process."""
    arguments = [sys.executable, __file__, "--child", name, "--warm", str(warm), "--candidates", str(candidates)]
    arguments += ["--phases"] * phases
    out = subprocess.run(arguments, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def first_and_warm(names, processes, warm, phases=True, candidates=8):
    """``{name: [child results, one per process]}``, the processes of the
    contenders interleaved (the machine's load shared alike); with
    ``phases``, the fused search's phases too.  scikeras (half a minute a
    search) runs one warm search after its first."""
    results = collections.defaultdict(list)
    for _ in range(processes):
        for name in names:
            runs = min(warm, 1) if name == "scikeras" else warm
            results[name].append(in_fresh_process(name, runs, phases=phases and name == "fused", candidates=candidates))
    return results


def summary(results):
    """Per contender: median first and warm seconds (wall, CPU) and their
    ratios to the median sklearn MLP grid of the same processes."""
    rows = {}
    for name, runs in results.items():
        row = {}
        for index, clock in enumerate(("wall", "cpu")):
            firsts = [r["first"][index] for r in runs]
            first_ratios = [r["first"][index] / statistics.median(s[index] for s in r["sklearn"]) for r in runs]
            warms = [statistics.median(w[index] for w in r["warm"]) for r in runs if r["warm"]]
            warm_ratios = [statistics.median(w[index] for w in r["warm"]) / statistics.median(s[index] for s in r["sklearn"])
                           for r in runs if r["warm"]]  # fmt: skip
            sklearn = [statistics.median(s[index] for s in r["sklearn"]) for r in runs]
            row[clock] = {"first": firsts, "first_ratio": first_ratios, "warm": warms, "warm_ratio": warm_ratios,
                          "sklearn": sklearn}  # fmt: skip
        row["best_score"] = runs[0]["best_score"]
        row["scores"] = runs[0]["scores"]
        rows[name] = row
    return rows


def _spread(values, digits=2):
    """``median (min-max)``."""
    if not values:
        return "—"
    median = statistics.median(values)
    return f"{median:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def report(results, processes, warm, tree=None, candidates=8):
    rows = summary(results)
    pinned = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    lines = [
        f"# A first search in a fresh process: seed 003's grid{'' if candidates == 8 else f', {candidates} of its initializers'} ({3 * candidates} fits)",
        "",
        (
            f"`python benchmarks/first_search.py --processes {processes} --warm {warm}"
            f"{'' if candidates == 8 else f' --candidates {candidates}'}`; {processes} fresh processes"
            f" per contender (imports excluded), CPUs {pinned} of {os.cpu_count()}; {platform.machine()}, Python"
            f" {platform.python_version()}, TensorFlow {_version('tensorflow')}, Keras {_version('keras')},"
            f" scikit-learn {_version('scikit-learn')}, load average {os.getloadavg()[0]:.1f} at the end."
        ),
        "",
        (
            "Medians over the processes, (min-max) across them; 'x sklearn': the contender's seconds over the"
            " median of sklearn's MLP grid (8 alphas x cv=3) in the same process."
        ),
        "",
        (
            "| contender | first search, wall s | x sklearn | warm search, wall s | x sklearn | first, CPU s"
            " | x sklearn | warm, CPU s | x sklearn | best CV accuracy |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        wall, cpu = row["wall"], row["cpu"]
        lines.append(
            f"| {CONTENDERS[name]} | {_spread(wall['first'])} | {_spread(wall['first_ratio'])} | {_spread(wall['warm'])}"
            f" | {_spread(wall['warm_ratio'])} | {_spread(cpu['first'])} | {_spread(cpu['first_ratio'])}"
            f" | {_spread(cpu['warm'])} | {_spread(cpu['warm_ratio'])} | {row['best_score']:.3f} |"
        )
    sk_wall = [v for row in rows.values() for v in row["wall"]["sklearn"]]
    sk_cpu = [v for row in rows.values() for v in row["cpu"]["sklearn"]]
    lines += ["", f"sklearn's MLP grid in these processes: wall {_spread(sk_wall)} s, CPU {_spread(sk_cpu)} s."]
    if "fused" in rows and "plain" in rows:
        gap = max(abs(a - b) for a, b in zip(rows["fused"]["scores"], rows["plain"]["scores"]))
        lines.append(f"Per-candidate mean CV accuracy, fused against sklearn's search: max |diff| {gap:.1e}.")
    fused_runs = results.get("fused", [])
    if fused_runs and "first phases" in fused_runs[0]:
        labels = list(dict.fromkeys(k for r in fused_runs for k in (*r["first phases"], *r.get("warm phases", {}))))
        lines += [
            "",
            "## The first fused search's CPU seconds, phase by phase (medians over the processes)",
            "",
            "| phase | first search | a warm search |",
            "|---|---|---|",
        ]
        for label in labels:
            first = statistics.median(r["first phases"].get(label, 0.0) for r in fused_runs)
            later = statistics.median(r.get("warm phases", {}).get(label, 0.0) for r in fused_runs)
            lines.append(f"| {label} | {first:.3f} | {later:.3f} |")
        warm = [r["warm"][0][1] for r in fused_runs if r["warm"]]
        lines.append(f"| whole search | {statistics.median(r['first'][1] for r in fused_runs):.3f}"
                     f" | {statistics.median(warm) if warm else float('nan'):.3f} |")  # fmt: skip
    if tree:
        lines += ["", "## A first fused search's call tree (CPU seconds, pyinstrument)", "", "```", tree.rstrip(), "```"]
    return "\n".join(lines)


def call_tree():
    """In a new process: pyinstrument's call tree of a first fused search,
    timed in CPU seconds (pyinstrument samples wall time by default)."""
    code = (
        f"import sys, time; sys.argv = ['first_search']; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import first_search, pyinstrument\n"
        "from pyinstrument.stack_sampler import get_stack_sampler\n"
        "run = first_search.searches()['fused']\n"
        "get_stack_sampler().timer_func = time.process_time\n"
        "profiler = pyinstrument.Profiler(interval=0.002)\n"
        "profiler.start(); run(); profiler.stop()\n"
        "print(profiler.output_text(unicode=False, color=False, show_all=False))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout


def _version(package):
    from importlib.metadata import version

    return version(package)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=3, help="fresh processes per contender")
    parser.add_argument("--warm", type=int, default=3, help="warm searches after the first in each process")
    parser.add_argument("--contenders", default="fused,plain,scikeras")
    parser.add_argument("--tree", action="store_true", help="add a CPU-time call tree of one first fused search")
    parser.add_argument("--candidates", type=int, default=8, help="the grid's first N initializers (of 8)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "first_search.md"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--phases", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.warm, args.phases, args.candidates)
        return
    names = [n for n in args.contenders.split(",") if n]
    if "scikeras" in names:
        try:
            import scikeras  # noqa: F401
        except ImportError:
            names.remove("scikeras")
            print("scikeras is not installed: not measured")
    results = first_and_warm(names, args.processes, args.warm, candidates=args.candidates)
    text = report(results, args.processes, args.warm, call_tree() if args.tree else None, args.candidates)
    Path(args.out).write_text(text + "\n")
    print(text)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
