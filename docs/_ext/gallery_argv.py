"""The command-line arguments each example of the gallery runs with.

Every script in ``examples/`` takes ``--quick``.  Those whose full run takes
minutes on two cores run quick in the gallery (the gallery's header says
so); the others run as written.  Every example writes what it saves (figures,
models) under ``docs/_build/example_files``, out of the source tree.
"""

from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent

#: Examples that save files, and so take ``--output``.
SAVING = {"seed000_lr_range_test.py", "seed001_schedules.py", "seed002_checklist.py", "seed003_beale.py",
          "seed003_walkthrough.py", "make_figures.py", "panel_intervals.py", "seatbelts_law.py"}

#: Examples the gallery runs with ``--quick``.
QUICK = {"seed003_walkthrough.py", "tune_digits.py", "pipeline_dataframe.py", "seed002_checklist.py"}


def reset_argv(gallery_conf, script_vars):
    """``sys.argv[1:]`` for one example (sphinx-gallery's ``reset_argv``)."""
    name = Path(script_vars["src_file"]).name
    output = DOCS / "_build" / "example_files"  # what the examples save, out of the source tree
    output.mkdir(parents=True, exist_ok=True)
    return (["--output", str(output)] if name in SAVING else []) + (["--quick"] if name in QUICK else [])
