"""A panel forecaster's series in the safe format: described in
``skhyper.json``, their arrays in ``state.bin``.

A :class:`~skhyper.WindowForecaster` fit on a panel keeps five values per
series: its id, its last time step, its seasonal naive MAE and its last
window with which of its values are there (``panel_ids_``, ``panel_last_``,
``naive_mae_``, ``panel_context_``, ``panel_present_``).  For 100,000 series
of windows of 60 that is 54 MB, beyond what ``skhyper.json`` holds (8 MB) and
costly as JSON, so they go to ``state.bin``, stored uncompressed (its size is
the file's), one after the other as raw little-endian arrays, as the
network's variables go to ``network.bin``.  ``skhyper.json``'s ``panel``
section lists them (name, shape, dtype) and holds what JSON holds well: the
kind of the ids (``"int"`` or ``"text"``, the text as UTF-8 bytes and each
id's length) and of the time steps (``"int"``, ``"timestamp"``: counts of
``unit`` since 1970, or ``"period"``: pandas' period ordinals), the dates'
time zone (its name and library) and the panel's frequency (a pandas
frequency string).

:func:`panel_of` gives what ``save`` writes (a ``ValueError`` for a panel it
cannot store: ids that are neither integers nor text, times that do not come
back the same); :func:`panel_listing` checks the section and gives the arrays
it lists with their sizes in bytes, which :mod:`skhyper.persistence` adds up
with those of the other arrays ``state.bin`` holds (a forecaster's interval
scores, after the panel's: :mod:`skhyper._saved_intervals`) and compares with
the member's size before reading any; :func:`read_arrays` then reads listed
arrays in order and :func:`read_panel` turns the panel's back into those
attributes.  Errors are ``ValueError``s;
:mod:`skhyper.persistence` adds the file's path.  What the attributes must
be (dtypes, ranges, agreement with each other and with the window) is
checked afterwards with the rest of the fitted state
(:mod:`skhyper._fitted_state`).
"""

import math
import warnings

import numpy as np

from ._plain import show as _show

__all__ = ["ATTRIBUTES", "MASE_SCALE_VERSION", "own_mase_scale", "panel_listing", "panel_of", "read_arrays", "read_panel", "zone_named", "zone_of"]

#: The fitted attributes this section holds.
ATTRIBUTES = ("panel_ids_", "panel_last_", "panel_freq_", "naive_mae_", "panel_context_", "panel_present_", "mase_scale_")

#: The format version from which a panel's arrays may end with ``mase_scale_``.
MASE_SCALE_VERSION = 7

_KEYS = {"ids", "times", "unit", "tz", "freq", "arrays"}
_UNITS = ("s", "ms", "us", "ns")
_INT_DTYPES = frozenset(np.dtype(f"{kind}{size}").newbyteorder("<").str for kind in "iu" for size in (1, 2, 4, 8))
_NAT = np.iinfo(np.int64).min  # NumPy's and pandas' "not a time"
_MAX_TEXT = 2**31  # state.bin's own limit


def _layout(ids, mase=False):
    """The arrays ``state.bin`` holds, in order: (name, ndim, dtypes);
    ``mase``: with ``mase_scale_`` last (a file of version 7 or later whose
    forecaster's season is not its data's)."""
    if ids == "int":
        first = [("panel_ids_", 1, _INT_DTYPES)]
    else:  # each id's length in bytes, then their UTF-8 text one after the other
        first = [("panel_id_lengths", 1, {"<i8"}), ("panel_id_text", 1, {"|u1"})]
    return first + [("panel_last_", 1, {"<i8"}), ("naive_mae_", 1, {"<f8"}), ("panel_context_", 2, {"<f8"}),
                    ("panel_present_", 2, {"|b1"})] + [("mase_scale_", 1, {"<f8"})] * mase  # fmt: skip


def own_mase_scale(estimator):
    """Whether a panel forecaster's ``mase_scale_`` is not its ``naive_mae_``
    (its season is not its data's), which the file must then hold."""
    scale = getattr(estimator, "mase_scale_", None)
    return scale is not None and not np.array_equal(np.asarray(scale), np.asarray(estimator.naive_mae_), equal_nan=True)


# ------------------------------------------------------------------ writing


def panel_of(estimator):
    """The ``panel`` section for ``skhyper.json`` and the arrays of
    ``state.bin`` in order; a ``ValueError`` for a panel the format does
    not store, or would not read back the same."""
    ids_kind, id_arrays = _ids_of(estimator.panel_ids_)
    times, unit, tz, freq, last = _times_of(estimator.panel_last_, estimator.panel_freq_)
    arrays = [
        *id_arrays,
        ("panel_last_", last),
        ("naive_mae_", np.asarray(estimator.naive_mae_, dtype="<f8")),
        ("panel_context_", np.asarray(estimator.panel_context_, dtype="<f8")),
        ("panel_present_", np.asarray(estimator.panel_present_, dtype="|b1")),
    ]
    if own_mase_scale(estimator):
        arrays.append(("mase_scale_", np.asarray(estimator.mase_scale_, dtype="<f8")))
    description = {"ids": ids_kind, "times": times, "unit": unit, "tz": tz, "freq": freq,
                   "arrays": [[name, list(array.shape), array.dtype.str] for name, array in arrays]}  # fmt: skip
    decoded = _decoded(description, dict(arrays))  # what load() will read
    if not _same_ids(decoded["panel_ids_"], estimator.panel_ids_):
        raise ValueError(_cannot("its panel's unique_id values do not read back the same"))
    if decoded["panel_freq_"] != estimator.panel_freq_ or not _same_times(decoded["panel_last_"], estimator.panel_last_):
        raise ValueError(_cannot(f"its panel's time steps ({type(estimator.panel_last_[0]).__name__}, frequency"
                                 f" {freq}) do not read back the same"))  # fmt: skip
    return description, [array for _, array in arrays]


def _cannot(reason):
    return (
        f"Cannot save this WindowForecaster in the safe format: {reason}. Store it with joblib/pickle"
        " (trusted files only)."
    )


def _ids_of(ids):
    ids = np.asarray(ids)
    if ids.dtype.kind in "iu":
        return "int", [("panel_ids_", ids.astype(ids.dtype.newbyteorder("<")))]
    values = ids.tolist() if ids.dtype.kind in "OU" else None
    if values is not None and all(isinstance(v, str) for v in values):
        try:
            encoded = [v.encode("utf-8") for v in values]
        except UnicodeEncodeError:
            raise ValueError(_cannot("a unique_id of its panel is text that is not valid Unicode")) from None
        lengths = np.array([len(b) for b in encoded], dtype="<i8")
        text = np.frombuffer(b"".join(encoded), dtype="|u1")
        return "text", [("panel_id_lengths", lengths), ("panel_id_text", text)]
    integer = [isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in values or []]
    if values is not None and all(integer) and all(-(2**63) <= int(v) < 2**63 for v in values):
        return "int", [("panel_ids_", np.array([int(v) for v in values], dtype="<i8"))]
    if values is not None and all(integer):
        what = "holds integers beyond 64 bits"
    elif values is not None and all(ok or isinstance(v, str) for ok, v in zip(integer, values)):
        what = "mixes integers and text"
    else:
        odd = ids.ravel()[0] if values is None else next(v for ok, v in zip(integer, values) if not ok)
        what = f"holds {type(odd).__name__} values ({_show(odd)})"
    raise ValueError(
        f"Cannot save this WindowForecaster in the safe format: its panel's unique_id {what}; the format"
        " stores integer or text ids (each series' id is written as a number or as text). Convert them"
        " (frame['unique_id'].astype(str)) and fit again, or store it with joblib/pickle (trusted files only)."
    )


def _times_of(last, freq):
    """The times' kind, unit, time zone and frequency, and their int64 values."""
    import pandas as pd

    if all(isinstance(t, pd.Period) for t in last):
        index = pd.PeriodIndex(last)
        return "period", None, None, index.freqstr, index.asi8.astype("<i8")
    if all(isinstance(t, pd.Timestamp) for t in last):
        index = pd.DatetimeIndex(last)
        tz = None if index.tz is None else zone_of(index.tz)
        return "timestamp", index.unit, tz, getattr(freq, "freqstr", None), index.asi8.astype("<i8")
    if all(isinstance(t, (int, np.integer)) and not isinstance(t, (bool, np.bool_)) for t in last):
        return "int", None, None, None, np.array([int(t) for t in last], dtype="<i8")
    kinds = sorted({type(t).__name__ for t in last})
    raise ValueError(_cannot(f"its panel's last time steps are {', '.join(kinds[:3])}, not one kind of dates,"
                             " periods or integers"))  # fmt: skip


def zone_of(tz):
    """A time zone as the file holds it: its IANA name and the library of
    its object (pandas compares zones of different libraries as different)."""
    import datetime
    import zoneinfo

    if tz is datetime.timezone.utc:
        return {"zone": "UTC", "kind": "utc"}
    if isinstance(tz, zoneinfo.ZoneInfo) and tz.key in _zones("zoneinfo"):
        return {"zone": tz.key, "kind": "zoneinfo"}
    if type(tz).__module__.split(".")[0] == "pytz" and getattr(tz, "zone", None) in _zones("pytz"):
        return {"zone": tz.zone, "kind": "pytz"}
    raise ValueError(_cannot(f"its panel's dates are in the time zone {_show(tz)}, not one of UTC, zoneinfo's or pytz's"
                             " named zones (fit on dates in such a zone, 'UTC' or 'Europe/Paris', or on naive dates)"))  # fmt: skip


def _zones(kind):
    """The zone names of ``kind`` (``"utc"``, ``"zoneinfo"`` or ``"pytz"``)."""
    if kind == "utc":
        return {"UTC"}
    if kind == "zoneinfo":
        import zoneinfo

        return zoneinfo.available_timezones()
    try:
        import pytz
    except ImportError:  # pandas 3 no longer needs it
        return set()
    return pytz.all_timezones_set


def zone_named(tz, owner="the panel's"):
    """The time zone object of a file's ``tz`` (None: naive dates);
    ``owner`` names whose zone it is in an error."""
    if tz is None:
        return None
    if not (isinstance(tz, dict) and set(tz) == {"zone", "kind"} and tz["kind"] in ("utc", "zoneinfo", "pytz")
            and isinstance(tz["zone"], str) and len(tz["zone"]) <= 64 and tz["zone"] in _zones(tz["kind"])):  # fmt: skip
        raise ValueError(
            f"{owner} time zone must be None or a zone name of UTC, zoneinfo or pytz (which must be"
            f" installed), not {_show(tz)}."
        )
    if tz["kind"] == "utc":
        import datetime

        return datetime.timezone.utc
    if tz["kind"] == "zoneinfo":
        import zoneinfo

        return zoneinfo.ZoneInfo(tz["zone"])
    import pytz

    return pytz.timezone(tz["zone"])


def _same_ids(read, ids):
    return read.tolist() == np.asarray(ids).tolist()


def _same_times(read, last):
    """The same times, of the same kind (and for dates the same unit and zone)."""
    import pandas as pd

    try:
        if read != list(last):
            return False
    except (TypeError, ValueError):  # periods of other frequencies
        return False
    return not isinstance(last[0], pd.Timestamp) or pd.DatetimeIndex(read).dtype == pd.DatetimeIndex(last).dtype


# ------------------------------------------------------------------ reading


def panel_listing(described, version):
    """The arrays the ``panel`` section ``described`` lists for ``state.bin``,
    in order, as ``(name, shape, dtype, n_bytes)``, once the section and the
    listing are checked (nothing is read); ``version``: the file's format
    version (7 and later may list ``mase_scale_`` last)."""
    if not (isinstance(described, dict) and set(described) == _KEYS):
        raise ValueError(f"damaged skhyper file: its panel section must hold {sorted(_KEYS)}.")
    if described["ids"] not in ("int", "text"):
        raise ValueError(f"damaged skhyper file: the panel's ids are 'int' or 'text', not {_show(described['ids'])}.")
    listing = described["arrays"]
    mase = version >= MASE_SCALE_VERSION and isinstance(listing, list) and len(listing) == len(_layout(described["ids"])) + 1
    layout = _layout(described["ids"], mase)
    names = [name for name, _, _ in layout]
    if not (isinstance(listing, list) and len(listing) == len(layout)
            and all(isinstance(entry, list) and len(entry) == 3 and entry[0] == name for entry, name in zip(listing, names))):  # fmt: skip
        optional = " (and from format version 7, mase_scale_ last)" if not mase and version >= MASE_SCALE_VERSION else ""
        raise ValueError(f"damaged skhyper file: the panel's arrays must be {names}{optional}, in that order, each"
                         " [name, shape, dtype].")  # fmt: skip
    checked = []
    for (name, shape, dtype), (_, ndim, dtypes) in zip(listing, layout):
        if not (isinstance(shape, list) and len(shape) == ndim and all(type(n) is int and 0 <= n < 2**31 for n in shape)):
            raise ValueError(f"damaged skhyper file: {name} in state.bin must have a shape of {ndim} counts, not {_show(shape)}.")
        if not isinstance(dtype, str) or dtype not in dtypes:
            raise ValueError(f"{name} in state.bin must be of dtype {' or '.join(sorted(dtypes))}, not {_show(dtype)}.")
        checked.append((name, shape, dtype, math.prod(shape) * np.dtype(dtype).itemsize))
    return checked


def read_arrays(listing, member):
    """The arrays of a checked ``listing`` (of :func:`panel_listing` or
    :func:`skhyper._saved_intervals.interval_listing`), read one after the
    other from ``member``, by name: call only once their sizes are known to
    add up to the member's."""
    arrays = {}
    for name, shape, dtype, size in listing:
        raw = np.frombuffer(member.read_exactly(size), dtype=np.dtype(dtype))
        if dtype == "|b1" and (raw.view(np.uint8) > 1).any():
            raise ValueError(f"{name} in state.bin holds bytes other than 0 (false) and 1 (true).")
        arrays[name] = raw.astype(raw.dtype.newbyteorder("="), copy=True).reshape(shape)
    return arrays


def read_panel(described, arrays):
    """The fitted attributes of the ``panel`` section ``described`` and of
    its ``arrays`` (name -> array, as :func:`read_arrays` reads them)."""
    return _decoded(described, arrays)


def _decoded(described, arrays):
    """The attributes from a checked listing's arrays."""
    if described["ids"] == "int":
        ids = arrays["panel_ids_"]
    else:
        ids = _text_ids(arrays["panel_id_lengths"], arrays["panel_id_text"])
    freq = _freq(described)
    last = _times(described, arrays["panel_last_"], freq)
    # without a scale of its own (an older file, or a forecaster whose season is its data's), naive_mae_'s
    return {"panel_ids_": ids, "panel_last_": last, "panel_freq_": freq, "naive_mae_": arrays["naive_mae_"],
            "panel_context_": arrays["panel_context_"], "panel_present_": arrays["panel_present_"],
            "mase_scale_": arrays.get("mase_scale_", arrays["naive_mae_"])}  # fmt: skip


def _text_ids(lengths, text):
    if not ((lengths >= 0) & (lengths <= len(text))).all() or int(lengths.sum()) != len(text):
        raise ValueError(f"the panel's id lengths add up to other than the {len(text)} bytes of their text.")
    data, ends = text.tobytes(), np.cumsum(lengths).tolist()
    try:
        values = [data[start:end].decode("utf-8") for start, end in zip([0, *ends[:-1]], ends)]
    except UnicodeDecodeError:
        raise ValueError("the panel's ids are not UTF-8 text.") from None
    ids = np.empty(len(values), dtype=object)
    ids[:] = values
    return ids


def _freq(described):
    """The panel's frequency: None for integer steps, else a pandas offset."""
    import pandas as pd

    from .panel import period_freq

    times, unit, tz, freq = described["times"], described["unit"], described["tz"], described["freq"]
    if times not in ("int", "timestamp", "period"):
        raise ValueError(f"the panel's time steps are 'int', 'timestamp' or 'period', not {_show(times)}.")
    if (unit is None) != (times != "timestamp") or (unit is not None and unit not in _UNITS):
        raise ValueError(f"the panel's dates need a unit of {_UNITS} (and other steps none), not {_show(unit)}.")
    if tz is not None and times != "timestamp":
        raise ValueError(f"the panel's {times} time steps have no time zone, not {_show(tz)}.")
    zone_named(tz)
    if times == "int":
        if freq is not None:
            raise ValueError(f"the panel's integer time steps have no frequency, not {_show(freq)}.")
        return None
    if not (isinstance(freq, str) and 0 < len(freq) <= 32):
        raise ValueError(f"the panel's {times}s need a frequency, a pandas frequency string, not {_show(freq)}.")
    try:
        with warnings.catch_warnings():  # an alias a later pandas renamed is still read
            warnings.simplefilter("ignore")
            if times == "period":
                return pd.PeriodDtype(freq).freq
            offset = pd.tseries.frequencies.to_offset(freq)
            period_freq(offset)  # dates are stepped as periods of it
    except (ValueError, TypeError, AttributeError, KeyError, OverflowError, NotImplementedError):
        raise ValueError(f"the panel's frequency {_show(freq)} is not a pandas frequency of {times}s.") from None
    if offset.n <= 0:  # (business days pass period_freq whatever their sign: they are counted, not made periods)
        raise ValueError(f"the panel's frequency {_show(freq)} is not a step forward in time (a fit infers one from its dates).")
    return offset


def _times(described, values, freq):
    """Each series' last time step, as a fit keeps it."""
    import pandas as pd

    from .panel import date_steps, off_grid

    times = described["times"]
    if times == "int":
        return list(values)
    if (values == _NAT).any():
        raise ValueError("the panel's last time steps hold NaT (not a time).")
    try:
        with warnings.catch_warnings():  # to_period of dates in a time zone warns that it drops it
            warnings.simplefilter("ignore")
            if times == "period":
                return list(pd.PeriodIndex(pd.arrays.PeriodArray(values, dtype=pd.PeriodDtype(freq))))
            index = pd.DatetimeIndex(values.view(f"M8[{described['unit']}]"))
            if described["tz"] is not None:
                index = index.tz_localize("UTC").tz_convert(zone_named(described["tz"]))
            date_steps(index, freq)  # as a fit steps them
            off = off_grid(index, freq)
    except (ValueError, TypeError, OverflowError, AttributeError, KeyError) as error:
        raise ValueError(f"the panel's last time steps are not {times}s of its frequency: {str(error)[:80]}") from None
    if len(off):  # a fit refuses such dates (forecasts would be stamped on the frequency's own)
        raise ValueError(f"the panel's last time step {off[0]} is not a date of its frequency {freq.freqstr} (a fit"
                         " refuses such dates; one saved by an older release forecast on the frequency's own dates:"
                         " fit it again).")  # fmt: skip
    return list(index)
