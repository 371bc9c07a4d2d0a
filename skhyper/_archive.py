"""Reading a zip archive that anyone may have made, within limits.

:class:`Archive` opens a zip file and checks its directory before anything
is read: only the expected members, each once, none encrypted, stored or
deflated only, none larger than its limit and none compressed more than its
ratio allows (a zip bomb).  Members are read into memory, never extracted
by their names, and every read stops at the member's limit whatever the
directory claims.  Every failure is an :class:`ArchiveError`.
"""

import os
import zipfile
import zlib

__all__ = ["Archive", "ArchiveError", "MemberLimit", "foreign_format"]

_CHUNK = 1 << 20
_MAX_ENTRIES = 64  # the directory itself is read whole: a zip of a million names is refused early


class ArchiveError(ValueError):
    """The archive is not one this reader accepts; the message says why."""


class MemberLimit:
    """What one member may be: at most ``max_bytes`` once read, compressed
    by at most ``max_ratio`` (for members above 1 MB), with one of
    ``methods`` (zipfile's compression constants)."""

    def __init__(self, max_bytes, max_ratio, methods=(zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)):
        self.max_bytes = max_bytes
        self.max_ratio = max_ratio
        self.methods = methods


_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, RuntimeError,
                NotImplementedError, ValueError, OverflowError, KeyError)  # fmt: skip


class Archive:
    """A zip archive whose members are those of ``limits`` (name ->
    :class:`MemberLimit`), each at most once; ``required`` must be there."""

    def __init__(self, path, limits, required=()):
        try:
            self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise ArchiveError("not a readable zip archive") from None
        except _READ_ERRORS as error:
            raise ArchiveError(f"not a readable zip archive ({type(error).__name__}: {error})") from None
        try:
            self._infos = self._checked(limits, required, _size_of(path))
        except ArchiveError:
            self._zip.close()
            raise
        self._limits = limits

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._zip.close()

    def names(self):
        return set(self._infos)

    def size(self, name):
        """The member's size as the directory states it (reads check it)."""
        return self._infos[name].file_size

    def _checked(self, limits, required, archive_bytes):
        infos = self._zip.infolist()
        if sum(info.compress_size for info in infos) > archive_bytes:
            raise ArchiveError("its directory declares members larger than the file itself")
        if len(infos) > _MAX_ENTRIES:
            raise ArchiveError(f"{len(infos)} members; a skhyper file has at most {len(limits)}")
        found = {}
        for info in infos:
            name = info.filename
            if name not in limits:
                raise ArchiveError(f"an unexpected member {name[:80]!r} (a skhyper file holds {', '.join(limits)})")
            if name in found:
                raise ArchiveError(f"the member {name!r} twice")
            limit = limits[name]
            if info.flag_bits & 0x1:
                raise ArchiveError(f"the member {name!r} is encrypted")
            if info.compress_type not in limit.methods:
                raise ArchiveError(f"the member {name!r} uses compression method {info.compress_type}, not one skhyper writes")
            if info.file_size > limit.max_bytes:
                raise ArchiveError(f"the member {name!r} declares {info.file_size} bytes; at most {limit.max_bytes} are read")
            if info.file_size > 2**20 and info.file_size > limit.max_ratio * max(info.compress_size, 1):
                raise ArchiveError(
                    f"the member {name!r} is compressed {info.file_size / max(info.compress_size, 1):.0f} times"
                    f" (at most {limit.max_ratio}): a zip bomb or a damaged file"
                )
            found[name] = info
        missing = [name for name in required if name not in found]
        if missing:
            raise ArchiveError(f"no {missing[0]} inside")
        return found

    def read(self, name):
        """The member's bytes: exactly the size the directory states, never
        more than its limit."""
        info = self._infos[name]
        with self.open(name) as member:
            data = member.read_exactly(info.file_size)
            if member.read_at_most(1):
                raise ArchiveError(f"the member {name!r} is longer than its directory entry says")
        return data

    def open(self, name):
        """A :class:`_Member` to read ``name`` from in counted pieces."""
        try:
            return _Member(self._zip.open(self._infos[name]), name, self._limits[name].max_bytes)
        except _READ_ERRORS as error:
            raise ArchiveError(f"the member {name!r} cannot be read: {type(error).__name__}: {error}") from None


def _size_of(source):
    if hasattr(source, "getbuffer"):
        return source.getbuffer().nbytes
    return os.path.getsize(source)


class _Member:
    def __init__(self, stream, name, max_bytes):
        self._stream, self._name, self._left = stream, name, max_bytes

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self._stream.close()
        except _READ_ERRORS:
            pass

    def read_at_most(self, n_bytes):
        n_bytes = min(n_bytes, self._left + 1)
        parts, total = [], 0
        try:
            while total < n_bytes:
                part = self._stream.read(min(_CHUNK, n_bytes - total))
                if not part:
                    break
                parts.append(part)
                total += len(part)
        except _READ_ERRORS as error:
            raise ArchiveError(f"the member {self._name!r} is damaged: {type(error).__name__}: {error}") from None
        self._left -= total
        if self._left < 0:
            raise ArchiveError(f"the member {self._name!r} is longer than its limit")
        return b"".join(parts)

    def read_exactly(self, n_bytes):
        data = self.read_at_most(n_bytes)
        if len(data) != n_bytes:
            raise ArchiveError(f"the member {self._name!r} ends after {len(data)} of its {n_bytes} bytes")
        return data


#: The first bytes of formats a user may mistake for a skhyper file.
_SIGNATURES = [
    (b"\x80\x02", "a pickle"), (b"\x80\x03", "a pickle"), (b"\x80\x04", "a pickle"), (b"\x80\x05", "a pickle"),
    (b"ZF0x", "a joblib file (zlib-compressed pickle)"), (b"\x78\x9c", "a zlib-compressed file (joblib's compress=True?)"),
    (b"\x78\x01", "a zlib-compressed file (joblib's compress=True?)"), (b"\x78\xda", "a zlib-compressed file (joblib's compress=True?)"),
    (b"\x1f\x8b", "a gzip-compressed file (joblib's .gz?)"), (b"BZh", "a bzip2-compressed file (joblib's .bz2?)"),
    (b"\xfd7zXZ\x00", "an xz-compressed file (joblib's .xz?)"), (b"\x04\x22\x4d\x18", "an lz4-compressed file (joblib's .lz4?)"),
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file (Keras' legacy .h5 format?)"),
]  # fmt: skip


def foreign_format(head):
    """What the file starting with ``head`` seems to be, if a known other
    format (a pickle, joblib's compressed pickles, HDF5), else None."""
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    return None
