"""Sphinx configuration for skhyper's documentation.

Build (offline, from the repository's root)::

    pip install ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery runs the scripts of ``examples/`` (their quick modes where a
full run would take minutes), the API reference is generated from the
docstrings, and the benchmark pages are generated from
``benchmarks/results/*.md`` (``docs/_ext/benchmark_tables.py``).
"""

import os
import sys
import warnings
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # document this checkout, not an installed copy
sys.path.insert(0, str(DOCS / "_ext"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import skhyper  # noqa: E402

project = "skhyper"
author = "The skhyper developers"
copyright = "The skhyper developers"
release = version = skhyper.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "benchmark_tables",
    "sklearn_roles",
    "api_coverage",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "benchmarks/_tables", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.json", "auto_examples/*.md5"]

# --- API reference ---------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "inherited-members": True, "member-order": "groupwise"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# --- Docstring checks ----------------------------------------------------------
# numpydoc validates the docstring of everything the API reference documents
# (``_ext/api_coverage.py`` makes that every public class and function, and
# finds public methods with no docstring, which autodoc would leave out);
# ``-W`` makes each finding an error.  Inherited scikit-learn members are
# checked too, and pass.
#   GL08  the object has a docstring
#   SS01  it starts with a summary line
#   GL06  its sections are numpydoc's;  GL07  in numpydoc's order
#   PR01  every parameter is documented;  PR02  no unknown one is
#   PR04  each documented parameter has a type;  PR07  and a description
#   PR10  "name : type", with a space before the colon
#   RT01  a function that returns a value has a Returns section
#   RT03  each value it returns is described
# Not checked: the summary's grammar and length (SS02-SS06), the order of
# the parameters (PR03: the estimators document theirs by theme), the
# closing quotes' line (GL02), See Also and Examples (SA01, EX01: given
# where they help, not everywhere).
numpydoc_validation_checks = {
    "GL06", "GL07", "GL08", "SS01", "PR01", "PR02", "PR04", "PR07", "PR10", "RT01", "RT03",
}

# --- Markdown ----------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# --- Gallery -----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",  # execute every example
    "reset_argv": "gallery_argv.reset_argv",  # --quick for the slow ones, --output under _build
    "doc_module": ("skhyper",),
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "plot_gallery": "True",
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "abort_on_example_error": True,
}

# --- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "skhyper"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
}
html_sidebars = {"index": [], "getting_started": []}

# TensorFlow and Keras print deprecation chatter on import that is not ours.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(tensorflow|keras|google|absl).*")
