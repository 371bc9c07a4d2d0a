"""Python values as plain JSON, and back, with limits on what comes back.

:func:`encode` turns the values skhyper stores (parameters, fitted state,
search records) into JSON values, with tags for what JSON lacks: tuples,
dicts with keys that are not strings, non-finite floats and NumPy arrays.
:func:`decode` reads them back and is written for values from a file anyone
may have made: it refuses anything it did not write, nesting deeper than
:data:`MAX_DEPTH`, arrays of other dtypes than plain numbers and text, and
arrays that are not rectangular.  It raises :class:`PlainValueError` only.
"""

import math
import os

import numpy as np

__all__ = ["MAX_DEPTH", "PlainValueError", "decode", "encode", "show"]

#: How deeply values may nest (a fitted estimator's need two or three levels).
MAX_DEPTH = 32

#: Entries a dict may hold (its keys are hashed: a file's keys chosen to
#: collide would make a larger one quadratic).
MAX_DICT = 10_000

#: Integers a dict key may be: within this, distinct ints hash differently.
_KEY_LIMIT = 2**60

#: The array dtypes a file may declare (NumPy's ``dtype.str``), besides "str".
NUMERIC_DTYPES = frozenset(
    f"{order}{kind}{size}"
    for order in "<>"
    for kind, sizes in (("f", (2, 4, 8)), ("i", (1, 2, 4, 8)), ("u", (1, 2, 4, 8)))
    for size in sizes
) | {"|b1", "|i1", "|u1"}


class PlainValueError(ValueError):
    """A value that :func:`decode` does not read."""


def encode(value):
    """Plain JSON, with tags for what JSON lacks (tuples, arrays, dict keys);
    a ``TypeError`` for a value that has no plain form (a Python object)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (int, float, np.integer, np.floating, np.bool_)):
        value = value.item() if isinstance(value, np.generic) else value
        if isinstance(value, float) and not math.isfinite(value):
            return {"float": str(value)}  # "inf", "-inf", "nan": JSON has no such numbers
        return value
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufUO":
        if value.dtype.kind == "O" and not all(isinstance(v, (str, int, float)) for v in value.ravel()):
            raise TypeError(value)
        if value.dtype.kind in "UO":
            return {"ndarray": value.tolist(), "dtype": "str"}
        return {"ndarray": _finite_or_tagged(value.tolist()), "dtype": value.dtype.str}
    raise TypeError(value)


def _finite_or_tagged(values):
    if isinstance(values, list):
        return [_finite_or_tagged(v) for v in values]
    if isinstance(values, float) and not math.isfinite(values):
        return str(values)  # an array's non-finite floats, read back by NumPy's float("nan")
    return values


def decode(value, depth=0):
    """The Python value :func:`encode` wrote as ``value``."""
    if depth > MAX_DEPTH:
        raise PlainValueError(f"values nested deeper than {MAX_DEPTH} levels")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [decode(v, depth + 1) for v in value]
    if not isinstance(value, dict) or len(value) not in (1, 2):
        raise PlainValueError(f"an unknown value of type {type(value).__name__}")
    if set(value) == {"tuple"} and isinstance(value["tuple"], list):
        return tuple(decode(v, depth + 1) for v in value["tuple"])
    if set(value) == {"float"} and value["float"] in ("inf", "-inf", "nan"):
        return float(value["float"])
    if set(value) == {"dict"} and isinstance(value["dict"], list):
        return _decode_dict(value["dict"], depth)
    if set(value) == {"ndarray", "dtype"}:
        return _decode_array(value["ndarray"], value["dtype"], depth)
    raise PlainValueError(f"an unknown tagged value with keys {sorted(value)[:4]}")


def _decode_dict(pairs, depth):
    if len(pairs) > MAX_DICT:
        raise PlainValueError(f"a dict of {len(pairs)} entries (at most {MAX_DICT})")
    result = {}
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise PlainValueError("a dict entry that is not a [key, value] pair")
        key = decode(pair[0], depth + 1)
        if not (key is None or isinstance(key, (str, bool, float)) or (isinstance(key, int) and abs(key) < _KEY_LIMIT)):
            raise PlainValueError(f"a dict key of type {type(key).__name__} (text, a number or None only)")
        result[key] = decode(pair[1], depth + 1)
    return result


def _decode_array(values, dtype, depth):
    if not isinstance(dtype, str) or not (dtype == "str" or dtype in NUMERIC_DTYPES):
        raise PlainValueError(f"an array of dtype {str(dtype)[:40]!r} (plain numbers and text only)")
    shape = _shape(values, depth + 1)
    if dtype == "str":
        array = np.empty(shape, dtype=object)
        array[...] = _leaves(values, shape, (str, int, float))
        return array
    try:  # numbers, or the text of a non-finite float ("nan", "inf", "-inf"), as encode writes them
        with np.errstate(all="raise"):
            array = np.array(values, dtype=np.dtype(dtype))
    except (ValueError, TypeError, OverflowError, FloatingPointError) as error:
        raise PlainValueError(f"an array whose values do not fit its dtype {dtype}: {str(error)[:80]}") from None
    if array.shape != shape:
        raise PlainValueError("an array whose rows differ in length")
    return array


def _shape(values, depth):
    """The shape of a rectangular nested list (else an error)."""
    if depth > MAX_DEPTH:
        raise PlainValueError(f"an array nested deeper than {MAX_DEPTH} levels")
    if not isinstance(values, list):
        return ()
    if not values:
        return (0,)
    if not isinstance(values[0], list):  # a row of scalars: one pass, no call per value
        if any(isinstance(v, (list, dict)) for v in values):
            raise PlainValueError("an array whose rows differ in length")
        return (len(values),)
    inner = [_shape(v, depth + 1) for v in values]
    if any(shape != inner[0] for shape in inner):
        raise PlainValueError("an array whose rows differ in length")
    return (len(values), *inner[0])


def _leaves(values, shape, types):
    """The scalars of a nested list of ``shape``, as an object array."""
    flat = values
    for _ in range(len(shape) - 1):
        flat = [v for row in flat for v in row]
    if not shape:
        flat = [flat]
    if not all(isinstance(v, types) for v in flat):
        raise PlainValueError("an array holding values that are not plain numbers or text")
    leaves = np.empty(len(flat), dtype=object)
    leaves[:] = flat
    return leaves.reshape(shape)


def show(value):
    """A value's repr, cut to 60 characters (for messages about a file's values)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
