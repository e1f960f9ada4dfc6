"""A corpus of hostile files, made on the fly (nothing binary is kept in the repository): what an attacker or a
broken exporter sends, each small as sent and huge, deep or endless once parsed.

Each maker returns the file's bytes. ``CORPUS`` names the model files the CLI and the HTTP API must refuse with a
4xx (exit 1) in bounded time and memory; ``FACTOR_CORPUS`` the factor files.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import Workbook

from lowcarbon.bounded import Limits, active, configure

ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


def _workbook_template(sheets: Iterable[str]) -> bytes:
    book = Workbook()
    first = True
    for name in sheets:
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        sheet.title = name
        sheet.append(["field", "value"])
        first = False
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_with_sheet(sheet_xml: Callable[[], Iterable[bytes]], sheets: tuple[str, ...], which: int) -> bytes:
    """A workbook of ``sheets`` whose sheet number ``which`` (from 1) has the rows ``sheet_xml`` writes, streamed
    into the archive (so a bomb never sits in this process's memory whole)."""
    template = zipfile.ZipFile(io.BytesIO(_workbook_template(sheets)))
    target = f"xl/worksheets/sheet{which}.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in template.infolist():
            data = template.read(info.filename)
            if info.filename != target:
                archive.writestr(info, data)
                continue
            start = data.index(b"<sheetData>") + len(b"<sheetData>")
            end = data.index(b"</sheetData>")
            with archive.open(info.filename, "w", force_zip64=True) as member:
                member.write(data[:start])
                for chunk in sheet_xml():
                    member.write(chunk)
                member.write(data[end:])
    return out.getvalue()


def xlsx_bomb(rows: int = 1_500_000) -> bytes:
    """A model workbook of about 70 KB whose bom sheet unpacks to some 80 MB: a million and a half rows."""

    def sheet() -> Iterable[bytes]:
        block = ROW * 10_000
        for _ in range(rows // 10_000):
            yield block

    return workbook_with_sheet(sheet, ("product", "bom"), 2)


def xlsx_factor_bomb() -> bytes:
    """A factor workbook whose factors sheet unpacks a thousandfold."""

    def sheet() -> Iterable[bytes]:
        block = ROW * 10_000
        for _ in range(150):
            yield block

    return workbook_with_sheet(sheet, ("factors",), 1)


def xlsx_wide() -> bytes:
    """A workbook whose bom sheet declares A1:XFD1048576 and has a cell in the last column: padded to its
    declared size, each row would be 16,384 cells and the sheet a million rows."""

    def sheet() -> Iterable[bytes]:
        yield b'<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>'

    return workbook_with_sheet(sheet, ("product", "bom"), 2)


def deep_json(levels: int = 100_000) -> bytes:
    """A JSON model nested ``levels`` deep."""
    return b'{"product": ' + b"[" * levels + b"]" * levels + b"}"


def long_integer_json(digits: int = 5_000) -> bytes:
    """A JSON model with an integer past Python's 4,300-digit conversion limit."""
    return b'{"product": {"name": "x"}, "declared_unit": {"amount": ' + b"9" * digits + b', "unit": "kg"}}'


def long_integer_yaml(digits: int = 5_000) -> bytes:
    """A YAML model with an integer past Python's 4,300-digit conversion limit."""
    return b"product:\n  name: x\ndeclared_unit:\n  amount: " + b"9" * digits + b"\n  unit: kg\n"


def alias_bomb_yaml(levels: int = 12) -> bytes:
    """A "billion laughs" YAML model: a few hundred bytes whose aliases expand to 9**levels values."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    lines.append(f"stages: *a{levels - 1}")
    return ("\n".join(lines) + "\n").encode()


def deep_yaml(levels: int = 100_000) -> bytes:
    """A YAML model nested ``levels`` deep in flow style."""
    return b"product: " + b"[" * levels + b"]" * levels + b"\n"


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<processDataSet xmlns="http://lca.jrc.it/ILCD/Process">&lol9;</processDataSet>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<processDataSet xmlns="http://lca.jrc.it/ILCD/Process">&secret;</processDataSet>
"""


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip archive of ``members`` (name -> bytes), deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


UUID = "00000000-0000-0000-0000-000000000001"


def ilcd_entity_bomb() -> bytes:
    """An ILCD zip whose one process is a "billion laughs" XML entity bomb."""
    return zip_of({f"ILCD/processes/{UUID}.xml": ENTITY_BOMB})


CORPUS: dict[str, tuple[str, Callable[[], bytes]]] = {  # name -> (file name, maker): hostile model files
    "xlsx zip bomb": ("bomb.xlsx", xlsx_bomb),
    "xlsx declared A1:XFD1048576": ("wide.xlsx", xlsx_wide),
    "deep JSON": ("deep.json", deep_json),
    "long integer JSON": ("long.json", long_integer_json),
    "long integer YAML": ("long.yaml", long_integer_yaml),
    "YAML alias bomb": ("alias.yaml", alias_bomb_yaml),
    "deep YAML": ("deep.yaml", deep_yaml),
}

INVENTORY_CORPUS: dict[str, tuple[str, Callable[[], bytes]]] = {  # hostile inventory archives
    "ILCD zip with an XML entity bomb": ("lolz.zip", ilcd_entity_bomb),
    "ILCD zip with an external entity": ("xxe.zip", lambda: zip_of({f"ILCD/processes/{UUID}.xml": EXTERNAL_ENTITY})),
    "ILCD zip bomb": ("zeros.zip", lambda: zip_of({f"ILCD/processes/{UUID}.xml": b" " * 200_000_000})),
    "JSON-LD zip with deep JSON": ("deep.zip", lambda: zip_of({f"processes/{UUID}.json": deep_json()})),
    "EcoSpold2 zip with an XML entity bomb": ("lolz-spold.zip", lambda: zip_of({"a.spold": ENTITY_BOMB})),
}
FACTOR_HEADER = b"id,name,unit,geography,source\n"
FACTOR_CORPUS: dict[str, tuple[str, Callable[[], bytes]]] = {  # hostile factor files
    "xlsx zip bomb": ("bomb.xlsx", xlsx_factor_bomb),
    "csv with a 1 MB cell": ("cell.csv", lambda: FACTOR_HEADER + b"x" * 1_000_000 + b",a,kg,CN,s\n"),
    "csv with NUL": ("nul.csv", lambda: FACTOR_HEADER + b"x\x00,a,kg,CN,s\n"),
}


@contextmanager
def limits(**changes: int) -> Iterator[Limits]:
    """The bounded reader's limits in force with ``changes`` (e.g. ``max_rows=10``), restored afterwards."""
    previous = configure(replace(active(), **changes))
    try:
        yield active()
    finally:
        configure(previous)


@dataclass(frozen=True)
class Measured:
    """A finished command: its exit code, output, wall time and peak resident memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


# Runs the command and writes the peak RSS of its children (the command) to a file. A small process forks the
# command, because a child forked from pytest starts with pytest's own resident set, hundreds of MB late in a run,
# which the kernel's peak for that child would include.
_MEASURER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def run_measured(argv: list[str], timeout: float = 60) -> Measured:
    """Run ``argv`` and measure it: its wall time and its peak RSS as the kernel counts it (``ru_maxrss``)."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        peak = Path(folder) / "peak"
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            command = [sys.executable, "-c", _MEASURER, str(peak), *argv]
            process = subprocess.Popen(command, stdout=out, stderr=err, start_new_session=True)
            try:
                returncode = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                returncode = process.wait()
            out.seek(0)
            err.seek(0)
            return Measured(
                returncode,
                out.read().decode(errors="replace"),
                err.read().decode(errors="replace"),
                time.monotonic() - started,
                int(peak.read_text() or 0) / 1024 if peak.exists() else float("inf"),  # kB on Linux
            )


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of the running process ``pid`` so far (``VmHWM``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmHWM for process {pid}")
