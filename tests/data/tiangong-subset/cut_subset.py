"""Cut the TianGong ILCD subset the tests ship from the full archive: chosen processes and what they reference.

    .venv/bin/python tests/data/tiangong-subset/cut_subset.py [../shared/data/tiangong-lca-data-ilcd.zip]

It reads the archive and writes ``tiangong-lca-data-ilcd-subset.zip`` beside this script: the processes and flows
named below, every dataset they reference that the archive has (flows, flow properties, unit groups, sources,
contacts; followed transitively, but never another process), and ``ILCD/LICENSE.txt``. Members are copied byte for
byte with their dates, in name order, so the same archive always gives the same zip.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
ARCHIVE = HERE.parents[2].parent / "shared" / "data" / "tiangong-lca-data-ilcd.zip"
SUBSET = HERE / "tiangong-lca-data-ilcd-subset.zip"
LICENCE = "ILCD/LICENSE.txt"

# Each process is here for what the tests read from it.
PROCESSES = {
    "c9b5db20-c9c6-4f30-aba4-cc807110078e": "aluminium ingot (black box): the known process, 17.29 kg CO2 per kg",
    "bf02f843-5587-443f-9d16-2d5485375df1": "bioethanol: no reference flow, a uniform uncertainty, no typeOfDataSet",
    "307f6710-f25e-449b-ab65-a1feb2e981c0": "CEEIO electricity sector: amounts in EUR, the inverted CNY unit",
    "1c235e8c-3a1c-4b6c-9221-5db6f3b743d8": "aluminium capacitor: a name with full-width brackets",
    "30ea30c0-81d1-4a2f-92bd-659c88750888": "catalyst regeneration flue gas: two reference flows",
    "859b6110-b1a1-4027-8d80-ed6ad32740ee": "recycled asphalt, LCI result: an empty flow reference",
    "7335785a-41b7-4f03-af8d-0a3dd8ba46ab": "cement, LCI result: a flow referenced by its name, Cement",
    "47f66aba-8f5d-4b59-af6a-6a047e9d709e": "phytoremediation, black box: a UUID with ' Textile' appended",
    "fc3cb191-dd4b-4049-a70b-928863fbacb0": "recycled aluminium, LCI result: a UUID missing its last digit",
    "d0ad55ae-b162-4676-b365-f24575474fe8": "bauxite mining, partly terminated system: fossil methane",
    "87a17e9a-853e-4514-93ae-362c6d2520fc": "crop planting, single operation: CO2, fossil CH4 and N2O",
    "e7d5cb9a-b0ad-4962-b8fb-69c4f790ca1c": "talc ore mining, NESPS2: no greenhouse gas",
    "40b052cf-cb59-4325-87a8-547dd950876e": "sludge stockpile, NESPS2: a reference flow without a known unit",
}
# Flows no chosen process references, for the flow tests.
FLOWS = {
    "16e5f88d-6275-4be5-9b11-67af4822298c": "phenol: CAS written 000108-95-2",
    "08a91e70-3ddc-11dd-9c15-0050c2490048": "carbon dioxide (biogenic), emission to air",
    "041f5d0a-6556-11dd-ad8b-0800200c9a66": "carbon dioxide (biogenic), emission to soil",
    "e99843b7-e598-447a-ab73-d01f179f0f8c": "carbon dioxide (fossil), resource from air",
    "cc67a5bb-8085-58f6-9ff2-23890e454f10": "carbon dioxide, in chemical industry: a product flow with a CAS number",
}

_FOLDERS = {
    "flow data set": "flows",
    "flow property data set": "flowproperties",
    "unit group data set": "unitgroups",
    "source data set": "sources",
    "contact data set": "contacts",
}
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def references(xml: bytes) -> list[tuple[str, str]]:
    """(folder, UUID) of every dataset an XML dataset references by type, processes and LCIA methods left out."""
    found = []
    for element in ET.fromstring(xml).iter():
        folder = _FOLDERS.get(element.get("type", ""))
        match = _UUID.fullmatch((element.get("refObjectId") or "").strip())
        if folder is not None and match is not None:
            found.append((folder, match.group(0).lower()))
    return found


def members(archive: zipfile.ZipFile) -> list[str]:
    """The members of the subset: the chosen datasets, what they reference transitively, and the licence."""
    names = {name.lower(): name for name in archive.namelist()}
    todo = [("processes", uuid) for uuid in PROCESSES] + [("flows", uuid) for uuid in FLOWS]
    chosen: set[str] = set()
    while todo:
        folder, uuid = todo.pop()
        name = names.get(f"ilcd/{folder}/{uuid}.xml")
        if name is None or name in chosen:
            continue  # referenced but absent from the archive (the tests count those), or already taken
        chosen.add(name)
        todo.extend(references(archive.read(name)))
    missing = [uuid for uuid in PROCESSES if f"ILCD/processes/{uuid}.xml" not in chosen]
    if missing:
        raise SystemExit(f"{missing} are not processes of the archive: is it the TianGong archive?")
    return sorted(chosen | {LICENCE})


def cut(source: Path, target: Path) -> list[str]:
    """Write the subset of ``source`` to ``target``; return its member names."""
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as subset:
        chosen = members(archive)
        for name in chosen:
            info = archive.getinfo(name)
            copy = zipfile.ZipInfo(name, date_time=info.date_time)
            copy.compress_type, copy.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            subset.writestr(copy, archive.read(name), compresslevel=9)
    return chosen


if __name__ == "__main__":
    written = cut(Path(sys.argv[1]) if len(sys.argv) > 1 else ARCHIVE, SUBSET)
    folders = sorted({name.split("/")[1] for name in written if name.count("/") == 2})
    counts = ", ".join(f"{sum(name.startswith(f'ILCD/{f}/') for name in written)} {f}" for f in folders)
    print(f"{SUBSET.name}: {SUBSET.stat().st_size:,} bytes; {counts}")
