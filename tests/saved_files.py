"""Reading, writing and loading skhyper files in tests: the helpers the
persistence and hostile-file tests share."""

import json
import zipfile

import pytest

import skhyper
from skhyper.persistence import LoadError


def members(path):
    """A file's members, name -> bytes."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def document(path):
    """A file's ``skhyper.json``, decoded."""
    return json.loads(members(path)["skhyper.json"])


def write(path, parts, compression=zipfile.ZIP_DEFLATED):
    """A zip of ``parts`` (name -> bytes, str or a JSON document), the
    binary members stored as ``save`` stores them."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            if isinstance(data, dict):
                data = json.dumps(data)
            stored = name in ("network.bin", "state.bin")
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if stored else compression)
    return path


def with_document(good_path, path, change):
    """A copy of ``good_path`` whose document ``change(document)`` returns."""
    parts = members(good_path)
    parts["skhyper.json"] = change(json.loads(parts["skhyper.json"]))
    return write(path, parts)


def refused(path, match=None, **kwargs):
    """Assert ``skhyper.load(path)`` raises a LoadError naming the file (and
    holding ``match``); returns its message."""
    with pytest.raises(LoadError) as error:
        skhyper.load(path, **kwargs)
    message = str(error.value)
    assert message.startswith(f"{path}: "), message
    if match is not None:
        assert match in message, message
    return message
