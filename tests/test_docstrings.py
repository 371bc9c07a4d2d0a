"""The docstring checks of the docs build, without the build (seconds, not minutes).

``docs/conf.py`` has numpydoc validate what the API reference documents, and
``docs/_ext/api_coverage.py`` checks that this is every public class and
function; here the same checks run over the same objects.
"""

import inspect
import re
import runpy
import sys
from pathlib import Path

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")
from numpydoc.docscrape import get_doc_object  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
import api_coverage  # noqa: E402


@pytest.fixture(scope="module")
def conf():
    return runpy.run_path(str(DOCS / "conf.py"))


def _documented(public):
    """Each public object and the members autodoc shows on its page (public,
    with a docstring, inherited ones too), by dotted name."""
    for name, obj in public:
        yield name, obj
        if not inspect.isclass(obj):
            continue
        for attr in dir(obj):
            if attr.startswith("_"):
                continue
            static = inspect.getattr_static(obj, attr)
            member = static if isinstance(static, property) else getattr(obj, attr, None)
            if (isinstance(member, property) or inspect.isroutine(member)) and member.__doc__:
                yield f"{name}.{attr}", member


def test_api_reference_lists_every_public_name():
    assert api_coverage.missing_from_api(DOCS / "api.rst") == []


def test_public_members_have_docstrings():
    assert api_coverage.undocumented_members() == []


def test_docstrings_pass_the_build_checks(conf):
    checks = conf["numpydoc_validation_checks"]
    exclude = conf.get("numpydoc_validation_exclude") or ()
    excluded = re.compile("|".join(exclude)) if exclude else None
    assert checks, "docs/conf.py validates no docstring"
    failures = []
    for name, obj in _documented(api_coverage.public_objects().values()):
        if excluded is not None and excluded.search(name):
            continue
        errors = [f"{code}: {message}" for code, message in numpydoc_validate.validate(get_doc_object(obj))["errors"]
                  if code in checks]  # fmt: skip
        if errors:
            failures.append(f"{name}: " + "; ".join(errors))
    assert failures == []
