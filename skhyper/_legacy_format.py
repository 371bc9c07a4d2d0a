"""Format version 1's network: a Keras ``.keras`` archive inside the file,
which Keras itself deserializes (with its safe mode on).  Read only when the
user says the file is trusted (``skhyper.load(path, allow_keras_format=True)``).
"""

import io
import tempfile
from pathlib import Path

from ._archive import Archive, MemberLimit

__all__ = ["read_keras_model"]

_KERAS_MEMBERS = {
    "config.json": MemberLimit(max_bytes=16 * 2**20, max_ratio=200),
    "metadata.json": MemberLimit(max_bytes=2**20, max_ratio=200),
    "model.weights.h5": MemberLimit(max_bytes=2**31, max_ratio=20),
}


def read_keras_model(model_bytes):
    """The Keras model of a ``model.keras`` archive's bytes; a ``ValueError``
    for an archive with other members than Keras writes for a model."""
    import keras

    with Archive(io.BytesIO(model_bytes), _KERAS_MEMBERS, required=list(_KERAS_MEMBERS)):
        pass  # its members are checked before Keras sees them
    with tempfile.TemporaryDirectory() as folder:
        model_file = Path(folder) / "model.keras"
        model_file.write_bytes(model_bytes)
        try:
            return keras.saving.load_model(model_file, safe_mode=True)
        except Exception as error:  # Keras raises many kinds; the file is at fault
            raise ValueError(f"Keras {keras.__version__} could not read it: {error}") from None
