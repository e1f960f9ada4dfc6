"""Zip archives from outside: every limit checked before anything is unpacked, every broken archive a clear error."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from lowcarbon.bounded import Archive, Limits, read_path
from lowcarbon.errors import DataFormatError, LimitExceeded
from support.hostile import limits, zip_of


def test_members_are_read() -> None:
    data = zip_of({"a.txt": b"alpha", "dir/b.txt": b"beta" * 1000})
    with Archive(data, "x.zip") as archive:
        assert archive.names() == ["a.txt", "dir/b.txt"]
        assert archive.read("dir/b.txt") == b"beta" * 1000
        assert archive.size("a.txt") == 5


def test_a_path_is_read_like_bytes(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(zip_of({"a.txt": b"alpha"}))
    with Archive(path, str(path)) as archive:
        assert archive.read("a.txt") == b"alpha"


def test_compression_ratio_is_refused_before_unpacking() -> None:
    bomb = zip_of({"zeros.bin": b"\0" * (20 * 1024 * 1024)})  # about 20 KB packed
    with pytest.raises(LimitExceeded) as error:
        Archive(bomb, "bomb.zip")
    assert error.value.code == "max_compression_ratio_exceeded"
    assert error.value.status == 413
    assert "bomb.zip: member 'zeros.bin' unpacks to" in str(error.value)


def test_small_members_are_not_judged_by_their_ratio() -> None:
    with Archive(zip_of({"zeros.bin": b"\0" * 100_000}), "small.zip") as archive:  # 1000 times, but 100 KB
        assert len(archive.read("zeros.bin")) == 100_000


def test_member_and_total_sizes() -> None:
    data = zip_of({"a": bytes(range(256)) * 40, "b": bytes(range(256)) * 40})
    with limits(max_member_bytes=10_000), pytest.raises(LimitExceeded, match="max_member_bytes"):
        Archive(data, "x.zip")
    with limits(max_unpacked_bytes=15_000), pytest.raises(LimitExceeded, match="max_unpacked_bytes"):
        Archive(data, "x.zip")
    with limits(max_member_bytes=10_240, max_unpacked_bytes=20_480), Archive(data, "x.zip") as archive:
        assert len(archive.read("b")) == 10_240


def test_member_count_is_read_from_the_end_record() -> None:
    data = zip_of({f"m{n}": b"" for n in range(20)})
    with limits(max_archive_members=19), pytest.raises(LimitExceeded) as error:
        Archive(data, "many.zip")
    assert error.value.code == "max_archive_members_exceeded"
    assert error.value.status == 400


def test_an_end_record_that_understates_the_members_is_caught_on_the_directory() -> None:
    data = bytearray(zip_of({f"m{n}": b"" for n in range(20)}))
    end = bytes(data).rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = struct.pack("<HH", 1, 1)  # says one member
    with limits(max_archive_members=5), pytest.raises(LimitExceeded, match="has 20 members"):
        Archive(bytes(data), "lying.zip")


def test_a_member_that_unpacks_to_more_than_declared_fails() -> None:
    """zipfile unpacks no further than the declared size; a member that lies is damaged, not a way past limits."""
    data = bytearray(zip_of({"a.txt": b"a" * 5000}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, then directory entry
        at = bytes(data).find(signature)
        data[at + offset : at + offset + 4] = struct.pack("<I", 10)
    with Archive(bytes(data), "lying.zip") as archive, pytest.raises(DataFormatError) as error:
        archive.read("a.txt")
    assert "lying.zip: member 'a.txt' cannot be unpacked" in str(error.value)


def test_not_a_zip_names_the_file_and_what_was_expected() -> None:
    with pytest.raises(DataFormatError, match=r"^x\.xlsx: not a readable Excel workbook \("):
        Archive(b"plain text", "x.xlsx", "Excel workbook")


def test_an_encrypted_member_is_a_clear_error() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", b"secret")
    data = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the "encrypted" flag bit
        at = bytes(data).find(signature)
        data[at + offset] |= 1
    with Archive(bytes(data), "locked.zip") as archive, pytest.raises(DataFormatError, match="cannot be unpacked"):
        archive.read("a.txt")


def test_read_path_stops_one_byte_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 101)
    with limits(max_model_bytes=100), pytest.raises(LimitExceeded) as error:
        read_path(path, "max_model_bytes")
    assert error.value.code == "max_model_bytes_exceeded"
    assert str(error.value) == f"{path}: the file has more than 100 bytes: past the limit max_model_bytes (100)"
    with pytest.raises(DataFormatError, match="no such file"):
        read_path(tmp_path / "missing.yaml")
    with pytest.raises(DataFormatError, match=f"^{tmp_path}: is a directory: give a file in it$"):
        read_path(tmp_path)


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOWCARBON_MAX_ROWS", "12")
    assert Limits.from_environ().max_rows == 12
    monkeypatch.setenv("LOWCARBON_MAX_ROWS", "-1")
    with pytest.raises(ValueError, match="LOWCARBON_MAX_ROWS is a whole number"):
        Limits.from_environ()
    with pytest.raises(ValueError, match="max_rows is at least 1"):
        Limits(max_rows=0)
