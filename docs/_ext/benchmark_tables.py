"""Benchmark tables for the docs, generated from ``benchmarks/results/*.md``.

Each results file is written by a benchmark script in ``benchmarks/``.  At
the start of a build this extension writes, for each file the benchmark
pages use, a fragment ``docs/benchmarks/_tables/<name>.md`` holding:

- the command that produced it, the machine it ran on and the date (from the
  file's own header where it has them; otherwise from :data:`RUNS` and the
  date of the commit that last changed the file);
- the file's tables, its headings at level 3 (the pages include them under a level-2 heading), without the
  per-series detail sections a page leaves out (:data:`KEEP`) and without
  the benchmark's own notes on goals.

The pages in ``docs/benchmarks/`` include those fragments, so a table in the
docs is always the file's current one.
"""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
OUT = ROOT / "docs" / "benchmarks" / "_tables"

#: Commands of the results files whose header does not name one.
COMMANDS = {
    "speed": "python benchmarks/speed.py",
    "speed_tasks_10": "python benchmarks/speed.py --tasks 10 --repeat 5",
    "speed_tasks_2_7": "python benchmarks/speed.py --tasks 2,7",
    "book_forecast": "python benchmarks/book_forecast.py",
    "m3": "python benchmarks/m3.py",
    "m1": "python benchmarks/m3.py --dataset M1",
    "tourism": "python benchmarks/m3.py --dataset Tourism",
    "panel_scale": "python benchmarks/panel_scale.py",
    "m3_defaults": "python benchmarks/m3_defaults.py --table benchmarks/results/m3_defaults.jsonl",
    "m3_intervals": "python benchmarks/m3_intervals.py --cache /tmp/m3cache",
    "m3_intervals_validate": "python benchmarks/m3_intervals.py --validate --methods ets,skhyper_w1,skhyper,skhyper_wh",
    "yearly_variants": "python benchmarks/yearly_variants.py --table benchmarks/results/yearly_variants.jsonl",
    "m3_intervals_quantile_validate": "python benchmarks/m3_intervals.py --validate --methods skhyper_quantile",
    "m3_intervals_quantile": "python benchmarks/m3_intervals.py --methods ets,arima,skhyper_quantile --cache /tmp/m3cache",
    "tourism_intervals": "python benchmarks/m3_intervals.py --dataset Tourism --methods ets,skhyper_point,skhyper",
    "m1_intervals": "python benchmarks/m3_intervals.py --dataset M1 --methods ets,skhyper_point,skhyper",
}

#: Machines of the results files whose header does not name one (the speed
#: tables are written without a header by ``benchmarks/speed.py``).
MACHINES = {
    "speed": "2-core x86_64 Linux VM, Python 3.11.7, TensorFlow 2.21.0, Keras 3.15.1, "
             "scikit-learn 1.9.1, scikeras 0.13.0",
    "speed_tasks_10": "2-core x86_64 Linux VM, Python 3.11.7, TensorFlow 2.21.0, Keras 3.15.1",
    "speed_tasks_2_7": "2-core x86_64 Linux VM, Python 3.11.7, TensorFlow 2.21.0, Keras 3.15.1",
    "book_forecast": "2-core x86_64 Linux VM, Python 3.11.7",
    "m3_defaults": "2-core x86_64 Linux VM (shared with other jobs), Python 3.11.7, TensorFlow 2.21.0, Keras 3.15.1",
    "yearly_variants": "2-core x86_64 Linux VM (shared with other jobs), Python 3.11.7, TensorFlow 2.21.0, Keras 3.15.1",
}

#: For long files: the sections (by the start of their heading) a page shows;
#: the others (one section per series) stay in the results file.
_PANEL = ["One-step MASE by series", "Geometric means over the series", "The "]
KEEP = {name: _PANEL for name in (
    "forecast_panel", "forecast_panel_holdout", "forecast_panel_rdatasets", "forecast_panel_rfresh",
    "forecast_panel_rfresh2", "forecast_panel_rfresh3", "forecast_panel_rfresh4",
    "forecast_panel_rfresh4_fused")}
KEEP["lr_find"] = ["Summary"]
KEEP["yearly_variants"] = ["Per variant", "Reading"]

_DATE = re.compile(r"\b(20\d\d-\d\d-\d\d)\b")


def _committed(path):
    """The date of the commit that last changed ``path`` (None outside git)."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", str(path)], cwd=ROOT,
                             capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _split(text):
    """``(title, header lines, [(heading, lines), ...])`` of a results file."""
    lines = text.rstrip("\n").splitlines()
    title = None
    if lines and lines[0].startswith("# "):
        title, lines = lines[0][2:].strip(), lines[1:]
    header, sections, current = [], [], None
    for line in lines:
        if line.startswith("## "):
            current = (line[3:].strip(), [])
            sections.append(current)
        elif current is None and (line.startswith("|") or sections):
            current = ("", [line])
            sections.append(current)
        elif current is None:
            header.append(line)
        else:
            current[1].append(line)
    return title, header, sections


def _without_notes(lines):
    """A section's lines up to the benchmark's own notes (``Goals ...:``)."""
    kept = []
    for line in lines:
        if line.startswith("Goals") or line.startswith("Whole run:"):
            break
        kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def fragment(path):
    """The Markdown the pages include for one results file."""
    name = path.stem
    title, header, sections = _split(path.read_text())
    header_text = " ".join(line.strip() for line in header if line.strip())
    command_match = re.search(r"`(python benchmarks/[^`]*)`", header_text)
    command = command_match.group(1) if command_match else COMMANDS.get(name, "a script in benchmarks/")
    machine = _machine(header_text) or MACHINES.get(name, "not recorded")
    date_match = _DATE.search(header_text)
    date = (f"run on {date_match.group(1)}" if date_match
            else f"results committed on {_committed(path) or 'an unknown date'}")
    out = [f"*Produced by* `{command}` · *machine:* {machine} · *{date}* · "
           f"*file:* `benchmarks/results/{path.name}`", ""]
    if title:
        out += [f"**{title}**", ""]
    keep = KEEP.get(name)
    for heading, lines in sections:
        if keep is not None and not any(heading.startswith(prefix) for prefix in keep):
            continue
        if heading:
            out += [f"### {heading}", ""]
        out += _without_notes(lines) + [""]
    return "\n".join(out).rstrip() + "\n"


def _machine(header_text):
    """The machine a results file's header names, shortened."""
    uname = re.search(r"`Linux \S+ (\S+) .*?(x86_64|aarch64)\s*`; (\d+) cores", header_text)
    if uname:
        return f"{uname.group(3)}-core {uname.group(2)} Linux VM (kernel {uname.group(1)})"
    short = re.search(r"((?:x86_64|aarch64)[^;]*?Python \d+\.\d+\.\d+(?:, TensorFlow [\d.]*\d)?)", header_text)
    return short.group(1) if short else None


def write_fragments(app=None, *args):
    """Write every fragment (sphinx's ``builder-inited``); returns their paths."""
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(RESULTS.glob("*.md")):
        target = OUT / path.name
        text = fragment(path)
        if not target.exists() or target.read_text() != text:  # unchanged files keep their mtime
            target.write_text(text)
        written.append(target)
    return written


def setup(app):
    app.connect("builder-inited", write_fragments)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
