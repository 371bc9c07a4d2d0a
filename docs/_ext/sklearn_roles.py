"""Plain text for scikit-learn's own cross-references in inherited docstrings.

skhyper's searches and estimators inherit methods (``score``,
``set_params``, ``set_fit_request``, ...) and, for
``skhyper.model_selection``'s searches, whole class docstrings from
scikit-learn.  Those use ``:ref:`` labels and ``:term:`` entries of
scikit-learn's own user guide and glossary, which these pages do not have
(and no network is reached for them at build), so each becomes its text.
"""

import re

_ROLE = re.compile(r":(ref|term):`([^`<]*?)\s*(?:<([^`>]*)>)?`", re.DOTALL)


def _plain(match):
    text = " ".join((match.group(2) or match.group(3)).split())
    text = re.sub(r"_\b", r"\\_", text)  # `classes_` would be a link target
    return f"*{text}*" if match.group(1) == "ref" else text


def plain_sklearn_roles(app, what, name, obj, options, lines):
    """``autodoc-process-docstring``: sklearn's ``:ref:`` and ``:term:`` as text."""
    text = "\n".join(lines)
    if ":ref:`" in text or ":term:`" in text:
        lines[:] = _ROLE.sub(_plain, text).split("\n")


def setup(app):
    app.connect("autodoc-process-docstring", plain_sklearn_roles)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
