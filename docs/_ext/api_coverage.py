"""Every public class and function of skhyper has a page in ``api.rst``.

numpydoc's validation (``numpydoc_validation_checks`` in ``conf.py``) checks
the docstrings of what the API reference documents; this makes sure that is
everything public: each class and function named in the ``__all__`` of
``skhyper`` or of one of its public modules (no leading underscore) must be
listed in ``api.rst`` (an ``autosummary`` entry or an ``auto*`` directive),
under any of the names it is importable by.  And each public method and
property those classes define in skhyper must have a docstring: autodoc
leaves one without it off the page, where numpydoc does not see it.  What
is missing is a warning, which ``sphinx -W`` turns into an error.
"""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

_CURRENT = re.compile(r"^\.\. currentmodule:: (\S+)")
_DIRECTIVE = re.compile(r"^\.\. auto(?:class|function|data|exception):: (\S+)")
_AUTOSUMMARY = re.compile(r"^\.\. autosummary::")


def public_objects(package_name="skhyper"):
    """The classes and functions in the ``__all__`` of ``package_name`` and
    of its public modules, as ``{id: (dotted name, object)}`` (one entry per
    object, under the first name found)."""
    package = importlib.import_module(package_name)
    modules = [package] + [
        importlib.import_module(f"{package_name}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]
    found = {}
    for module in modules:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                found.setdefault(id(obj), (f"{module.__name__}.{name}", obj))
    return found


def documented_names(rst_text):
    """The dotted names ``api.rst`` documents, each with the module that was
    current where it is listed."""
    names, current, in_summary = [], None, False
    for line in rst_text.splitlines():
        match = _CURRENT.match(line)
        if match:
            current, in_summary = match.group(1), False
            continue
        match = _DIRECTIVE.match(line)
        if match:
            names.append((current, match.group(1)))
            in_summary = False
            continue
        if _AUTOSUMMARY.match(line):
            in_summary = True
            continue
        if in_summary:
            entry = line.strip()
            if line and not line[0].isspace():
                in_summary = False  # the next paragraph or directive
            elif entry and not entry.startswith(":"):
                names.append((current, entry))
    return names


def _resolve(current, name):
    """The object ``name`` (relative to module ``current``) stands for, or None.

    Attributes first, modules second: ``skhyper.lr_find`` is the function
    that shadows its module's name."""
    candidates = [name] if current is None or name.startswith(current + ".") else [f"{current}.{name}", name]
    for dotted in candidates:
        parts = dotted.split(".")
        try:
            obj = importlib.import_module(parts[0])
        except ImportError:
            continue
        for i, part in enumerate(parts[1:], start=2):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                try:
                    obj = importlib.import_module(".".join(parts[:i]))
                except ImportError:
                    obj = None
                    break
        if obj is not None:
            return obj
    return None


def missing_from_api(rst_path, package_name="skhyper"):
    """The dotted names of the public classes and functions ``rst_path`` does not list."""
    listed = {id(_resolve(current, name)) for current, name in documented_names(Path(rst_path).read_text())}
    return sorted(name for key, (name, _) in public_objects(package_name).items() if key not in listed)


def undocumented_members(package_name="skhyper"):
    """The public methods and properties of the public classes, defined in
    ``package_name``, that have no docstring of their own.

    autodoc leaves a member without a docstring off its class's page, so
    numpydoc never sees it; this finds them.  Members inherited from
    scikit-learn or Keras are theirs to document."""
    missing = []
    for name, obj in public_objects(package_name).values():
        if not inspect.isclass(obj):
            continue
        for attr in dir(obj):
            if attr.startswith("_"):
                continue
            member = inspect.getattr_static(obj, attr)
            function = member.fget if isinstance(member, property) else member
            function = getattr(function, "__func__", function)  # static and class methods
            if not inspect.isfunction(function) or not function.__module__.startswith(package_name):
                continue
            if not (member.__doc__ if isinstance(member, property) else function.__doc__):
                missing.append(f"{name}.{attr}")
    return sorted(missing)


def check_api_coverage(app):
    for name in missing_from_api(Path(app.srcdir) / "api.rst"):
        logger.warning(
            "%s is public (in an __all__) but not in docs/api.rst: list it there, so that its page is built"
            " and its docstring checked", name, type="api_coverage",
        )
    for name in undocumented_members():
        logger.warning("%s has no docstring (autodoc would leave it out)", name, type="api_coverage")


def setup(app):
    app.connect("builder-inited", check_api_coverage)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
