"""Issue 32: does TensorFlow's persistent XLA cache make a first fused search fast?

Seed 003's grid (``first_search.py``'s), each run in a fresh process, after
imports: the fused search first in its process, then sklearn's MLP grid,
two more fused searches and sklearn's grid again (the ratio is to the mean
of the two sklearn grids of the same process).  Three set-ups:

- ``plain``: today's defaults (XLA only for groups of at least
  ``skhyper.fused.XLA_MEMBER_STEPS`` member-steps, which this grid is not);
- ``xla``: XLA for every group (``XLA_MEMBER_STEPS = 0``), no cache;
- ``xla+cache``: the same with ``TF_XLA_FLAGS=--tf_xla_persistent_cache_directory=DIR``,
  a first process filling an empty DIR and two more reading it.

    python benchmarks/xla_cache.py                # ~2 minutes on 2 cores
    python benchmarks/xla_cache.py --one xla      # (one process: what the driver runs)
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = os.path.dirname(os.path.abspath(__file__))


def one(setup):
    sys.path.insert(0, HERE)
    import first_search

    runs = first_search.searches()
    import skhyper.fused

    if setup != "plain":
        skhyper.fused.XLA_MEMBER_STEPS = 0

    def clock(run):
        started = time.perf_counter()
        result = run()
        return time.perf_counter() - started, result

    first, search = clock(runs["fused"])
    sk1, _ = clock(runs["sklearn"])
    warm = [clock(runs["fused"])[0] for _ in range(2)]
    sk2, _ = clock(runs["sklearn"])
    sk = (sk1 + sk2) / 2
    print(f"| {setup} | {first:.2f} | {first / sk:.2f} | {warm[-1]:.2f} | {warm[-1] / sk:.2f} | {sk:.2f} | {search.best_score_:.4f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", help="run one set-up in this process")
    args = parser.parse_args()
    if args.one:
        return one(args.one)
    print("| set-up | first fused search, s | x sklearn | third, s | x sklearn | sklearn's grid, s | best score |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as cache:
        for setup, flags in [("plain", None), ("xla", None)] + [("xla+cache", cache)] * 3:
            env = dict(os.environ)
            if flags:
                env["TF_XLA_FLAGS"] = f"--tf_xla_persistent_cache_directory={flags}"
            subprocess.run([sys.executable, __file__, "--one", setup], env=env, check=True)


if __name__ == "__main__":
    main()
