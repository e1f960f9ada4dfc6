"""Support for the factor library's tests: a factor file whose values are checked by hand, a model that links it
without naming it, and adding a file through the API."""

from __future__ import annotations

import base64
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook

# Acme's own steel: 2.0 kg fossil CO2 and 0.01 kg fossil CH4 per kg; under AR6 (CH4-fossil 29.8) 2.298 kg CO2e/kg.
# The rebar is the supplier's unverified first figure, with its data quality and a note.
STEEL_CSV = (
    "id,name,name_zh,unit,geography,year,source,source_url,kg_CO2,kg_CH4-fossil,kg_CO2_biogenic,unverified,"
    "dqr_technological,dqr_temporal,notes\n"
    "steel-bar,Steel bar,钢筋棒材,kg,CN-East,2024,Acme supplier EPD 2024,https://example.com/epd,2.0,0.01,,false,"
    "2,1,\n"
    "rebar,Hot-rolled rebar,热轧带肋钢筋,t,CN,2023,Supplier declaration,,1800,,-5,true,3,,first figure of the mill\n"
)
STEEL_SET = "acme-steel"
STEEL_BAR_AR6 = 2.0 + 0.01 * 29.8  # kg CO2e per kg
# The replacement a year later: 1.5 kg CO2 per kg and no methane.
NEW_STEEL_CSV = "id,name,unit,geography,source,kg_CO2\nsteel-bar,Steel bar,kg,CN,Acme supplier EPD 2025,1.5\n"

BRACKET_MODEL = """
product: {name: Bracket}
declared_unit: {amount: 1, unit: piece}
boundary: cradle-to-gate
stages:
  - name: raw_material_acquisition
    activities:
      - {name: steel, amount: 3, unit: kg, factor: acme-steel/steel-bar}
"""
BRACKET_TOTAL = 3 * STEEL_BAR_AR6  # 6.894 kg CO2e per bracket


def upload_file(
    client: TestClient, name: str, content: bytes | str, factor_set: str | None = None, **headers: str
) -> Any:
    """Add a factor file as a multipart upload (``file``, ``factor_set``); the response."""
    data = {"factor_set": factor_set} if factor_set is not None else None
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return client.post("/api/factor-files", files={"file": (name, raw)}, data=data, headers=headers or None)


def send_file(client: TestClient, name: str, content: bytes | str, factor_set: str | None = None) -> Any:
    """Add a factor file in a JSON body: text, or bytes in base64; the response."""
    if isinstance(content, str):
        body: dict[str, Any] = {"name": name, "content": content}
    else:
        body = {"name": name, "content": base64.b64encode(content).decode(), "encoding": "base64"}
    if factor_set is not None:
        body["factor_set"] = factor_set
    return client.post("/api/factor-files", json=body)


def workbook(rows: list[list[Any]]) -> bytes:
    """An Excel workbook whose first sheet holds ``rows``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
