"""The README's and the getting-started page's Python blocks run as pasted.

Each ```python block of README.md and docs/getting_started.md runs in a
fresh namespace, in a scratch folder, as a user would paste it.  The two
files show the same quickstarts; both are checked so neither drifts.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(path):
    return _BLOCK.findall((ROOT / path).read_text())


def test_the_readme_has_its_two_quickstarts():
    blocks = python_blocks("README.md")
    assert len(blocks) == 2
    assert "RandomizedSearchCV" in blocks[0] and "WindowForecaster" in blocks[1]


def test_the_readme_fits_on_four_screens():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 200


def test_the_getting_started_page_shows_the_readme_quickstarts():
    assert python_blocks("docs/getting_started.md") == python_blocks("README.md")


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(python_blocks("README.md"))))
def test_readme_block_runs(index, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    code = python_blocks("README.md")[index]
    exec(compile(code, f"README.md, python block {index + 1}", "exec"), {"__name__": "__main__"})
    out = capsys.readouterr().out
    if index == 0:
        best_score = float(out.split()[-1])
        assert 0.5 < best_score <= 1.0
    else:
        assert out.splitlines()[0] == "12"  # the season found from the monthly index
        mae = float(out.split()[-1])
        assert mae < 2.0  # ppm: the series moves about 1.5 a year and swings 6 within one
