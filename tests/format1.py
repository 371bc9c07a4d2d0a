"""Files in format version 1 (skhyper 0.1): the network in Keras' .keras
format inside the zip, with the dropout layers' seed states beside it."""

import json
import tempfile
import zipfile
from pathlib import Path

from skhyper._plain import encode
from skhyper.estimators._network import seed_states


def write_format1(model, path, drop_state=(), drop_params=()):
    """Write the fitted ``model`` as skhyper 0.1 did, without the fitted
    attributes ``drop_state`` and parameters ``drop_params`` (which files
    written before them lack)."""
    current = model.save(Path(path).with_suffix(".v2"))
    with zipfile.ZipFile(current) as source:
        document = json.loads(source.read("skhyper.json"))
    del document["network"]
    document["format_version"] = 1
    document["state"]["seed_states"] = encode(seed_states(model.model_))
    document["state"].pop("mase_scale_", None)  # (one series': format version 9)
    for key in drop_state:
        del document["state"][key]
    for key in drop_params:
        del document["params"][key]
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("skhyper.json", json.dumps(document))
        model.model_.save(Path(folder) / "model.keras")
        target.write(Path(folder) / "model.keras", "model.keras")
    return Path(path)
