"""A zip archive from outside (a workbook, an ILCD, JSON-LD or datapackage zip), checked before anything is unpacked.

    with Archive(data_or_path, "upload.zip") as archive:
        for name in archive.names():
            content = archive.read(name)

The number of members is read from the archive's end record before ``zipfile`` reads its directory; then each
member's unpacked size, all of them together and each one's compression ratio are checked against the limits
(``max_archive_members``, ``max_member_bytes``, ``max_unpacked_bytes``, ``max_compression_ratio``). ``zipfile``
unpacks a member no further than the size its directory gives (and fails on a member that unpacks to more or less),
so those checks bound what reading can unpack. Every error of a broken, encrypted or unsupported archive is a
DataFormatError naming the archive and the member.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

from lowcarbon.bounded.limits import MiB, active, exceeded
from lowcarbon.errors import DataFormatError

__all__ = ["Archive", "is_zip"]

_END = b"PK\x05\x06"  # end of central directory record
_END64_LOCATOR = b"PK\x06\x07"
_END64 = b"PK\x06\x06"
_RATIO_FROM = MiB  # members smaller than this unpacked are not checked for ratio: small files compress unevenly
_ENTRY_BYTES = 1024  # the directory bytes a member takes at most, on average (46 bytes and its name)
_BROKEN = (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError, ValueError)


def is_zip(data: bytes) -> bool:
    """Whether ``data`` starts as a zip archive does."""
    return data[:4] == b"PK\x03\x04"


class Archive:
    """A zip archive's members, unpacked within the limits in force."""

    def __init__(self, file: bytes | Path, source: str, what: str = "zip archive") -> None:
        """``what`` the archive is, in the message when it cannot be read: "zip archive", "Excel workbook"."""
        self.source = source
        handle: IO[bytes] = io.BytesIO(file) if isinstance(file, bytes) else _open(file, source)
        try:
            self._check_directory(handle)
            self._zip = zipfile.ZipFile(handle)
        except DataFormatError:
            handle.close()
            raise
        except _BROKEN as exc:
            handle.close()
            raise DataFormatError.at(source, f"not a readable {what} ({exc})", id="not_an_archive") from None
        self._infos = {info.filename: info for info in self._zip.infolist() if not info.is_dir()}
        try:
            self._check_members()
        except DataFormatError:
            self.close()
            raise

    def names(self) -> list[str]:
        """The members' names (folders aside), in the archive's order."""
        return list(self._infos)

    def size(self, name: str) -> int:
        """The member's unpacked size, as its directory gives it."""
        return self._infos[name].file_size

    def read(self, name: str) -> bytes:
        """The member's bytes; DataFormatError when it cannot be unpacked."""
        return b"".join(self.chunks(name))

    def chunks(self, name: str, size: int = MiB) -> Iterator[bytes]:
        """The member's bytes in pieces of ``size``, unpacked as they are read."""
        if name not in self._infos:
            raise DataFormatError.at(self.source, f"has no member {name!r}", id="no_member")
        try:
            with self._zip.open(self._infos[name]) as member:
                while piece := member.read(size):
                    yield piece
        except _BROKEN as exc:
            message = f"member {name!r} cannot be unpacked ({exc})"
            raise DataFormatError.at(self.source, message, id="broken_member") from None

    def close(self) -> None:
        self._zip.close()
        fp = self._zip.fp
        if fp is not None:
            fp.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _check_directory(self, handle: IO[bytes]) -> None:
        """The member count and directory size the end record declares, before ``zipfile`` reads the directory."""
        count, directory = _declared(handle)
        limit = active().max_archive_members
        if count > limit or directory > limit * _ENTRY_BYTES:
            raise exceeded("max_archive_members", self.source, f"the archive has {count:,} members")

    def _check_members(self) -> None:
        limits, total = active(), 0
        if len(self._infos) > limits.max_archive_members:
            raise exceeded("max_archive_members", self.source, f"the archive has {len(self._infos):,} members")
        for name, info in self._infos.items():
            if info.file_size > limits.max_member_bytes:
                what = f"member {name!r} unpacks to {info.file_size:,} bytes"
                raise exceeded("max_member_bytes", self.source, what)
            packed = max(info.compress_size, 1)
            if info.file_size >= _RATIO_FROM and info.file_size > limits.max_compression_ratio * packed:
                what = f"member {name!r} unpacks to {info.file_size // packed:,} times its packed size"
                raise exceeded("max_compression_ratio", self.source, what)
            total += info.file_size
            if total > limits.max_unpacked_bytes:
                raise exceeded("max_unpacked_bytes", self.source, f"the members unpack to more than {total:,} bytes")


def _open(path: Path, source: str) -> IO[bytes]:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise DataFormatError.at(source, "no such file", id="no_file") from None
    except OSError as exc:
        raise DataFormatError.at(source, f"cannot be read ({exc.strerror or exc})", id="unreadable") from None


def _declared(handle: IO[bytes]) -> tuple[int, int]:
    """(members, directory bytes) as the end record says (its zip64 form when there is one); (0, 0) when there is
    no end record, which ``zipfile`` then reports."""
    size = handle.seek(0, io.SEEK_END)
    tail_size = min(size, 0xFFFF + 22)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(_END)
    if at < 0 or at + 22 > len(tail):
        return 0, 0
    count, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    if at >= 20 and tail[at - 20 : at - 16] == _END64_LOCATOR:
        (offset,) = struct.unpack("<Q", tail[at - 12 : at - 4])
        if offset < size:
            handle.seek(offset)
            record = handle.read(56)
            if record[:4] == _END64 and len(record) == 56:
                count, directory = struct.unpack("<QQ", record[32:48])
    handle.seek(0)
    return count, directory
