"""The label of a certificate (lowcarbon.certify.label): the SVG holds the texts, escaped, and a QR code that is the
verification URL's; the PNG has the layout's size and a QR code a decoder reads; each scheme has its own mark."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import io
import re
from datetime import date
from xml.etree.ElementTree import Element

import pytest
import segno
import zxingcpp
from defusedxml import ElementTree
from PIL import Image

from lowcarbon.certify.artwork import QrCode
from lowcarbon.certify.label import (
    HEIGHT,
    SCHEMES,
    WIDTH,
    LabelContent,
    label_artwork,
    label_png,
    label_svg,
    value_text,
)
from lowcarbon.errors import InvalidInput

SVG = "{http://www.w3.org/2000/svg}"
URL = "https://lowcarbon.example.org/verify/CFP-2026-000123"
CONTENT = LabelContent(
    scheme="carbon-footprint-label",
    scheme_name_zh="产品碳足迹标识",
    scheme_name_en="Product Carbon Footprint Label",
    number="CFP-2026-000123",
    holder='Sunrise <PV> & "Sons"\x00\x1b Ltd',
    product="PV module LR7-72HVH-660M",
    footprint=412.3,
    footprint_unit="kg CO2e",
    declared_unit="1 piece (550 Wp)",
    valid_until=date(2029, 12, 5),
    verification_url=URL,
)


def texts(svg: str) -> list[str]:
    return ["".join(element.itertext()) for element in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def group(svg: str, name: str) -> Element:
    root = ElementTree.fromstring(svg)
    return next(element for element in root.iter(f"{SVG}g") if element.get("class") == name)


def svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules of the SVG's QR code, read back from its path (``M<column> <row>h<run>v1h-<run>z``)."""
    path = group(svg, "qr").find(f"{SVG}g/{SVG}path")
    assert path is not None
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path.get("d", ""))
    return {(int(row), int(column) + step) for column, row, run in runs for step in range(int(run))}


def test_svg_is_xml_with_the_texts_in_both_languages() -> None:
    shown = texts(label_svg(CONTENT))
    for text in ("产品碳足迹标识", "Product Carbon Footprint Label", "CFP-2026-000123", "412.3", "2029-12-05"):
        assert text in shown
    assert "kg CO2e / 1 piece (550 Wp)" in shown
    assert "证书编号" in shown and "Certificate No." in shown


def test_svg_escapes_text_and_drops_control_characters() -> None:
    svg = label_svg(CONTENT)
    assert 'Sunrise &lt;PV&gt; &amp; "Sons" Ltd' in svg
    assert 'Sunrise <PV> & "Sons" Ltd' in texts(svg)
    assert "\x00" not in svg and "\x1b" not in svg


def test_svg_qr_code_is_the_verification_urls() -> None:
    expected = segno.make_qr(URL, error="m").matrix  # a full QR code (never Micro), level M or better
    assert {(row, column) for row, line in enumerate(expected) for column, dark in enumerate(line) if dark} == (
        svg_modules(label_svg(CONTENT))
    )
    assert svg_modules(label_svg(dataclasses.replace(CONTENT, verification_url=URL + "0"))) != svg_modules(
        label_svg(CONTENT)
    )


def test_png_has_the_layout_size_and_a_readable_qr_code() -> None:
    for scale in (2.0, 3.0):
        image = Image.open(io.BytesIO(label_png(CONTENT, scale=scale)))
        assert image.format == "PNG"
        assert image.size == (round(WIDTH * scale), round(HEIGHT * scale))
        assert [barcode.text for barcode in zxingcpp.read_barcodes(image)] == [URL]


def test_png_qr_code_sits_where_the_svg_has_it() -> None:
    """The same layout: the QR's box in the artwork holds dark pixels in the PNG, and nothing dark lies right of it."""
    qr = next(shape for shape in label_artwork(CONTENT).layer("qr").shapes if isinstance(shape, QrCode))
    image = Image.open(io.BytesIO(label_png(CONTENT, scale=2))).convert("L")
    inside = image.crop((round(qr.x * 2), round(qr.y * 2), round((qr.x + qr.size) * 2), round((qr.y + qr.size) * 2)))
    assert inside.getextrema()[0] < 50
    right = image.crop((round((qr.x + qr.size) * 2) + 4, 110, round(WIDTH * 2) - 8, round((qr.y + qr.size) * 2)))
    assert right.getextrema()[0] > 200


def test_output_is_deterministic() -> None:
    assert label_svg(CONTENT) == label_svg(dataclasses.replace(CONTENT))
    assert label_png(CONTENT, scale=1) == label_png(dataclasses.replace(CONTENT), scale=1)


def test_each_scheme_has_its_own_mark() -> None:
    marks = {scheme: group(label_svg(dataclasses.replace(CONTENT, scheme=scheme)), "mark") for scheme in SCHEMES}
    drawn = {scheme: ElementTree.tostring(mark) for scheme, mark in marks.items()}
    assert len(set(drawn.values())) == len(SCHEMES) == 3
    rings = [e for e in marks["environmental-label"] if e.tag == f"{SVG}ellipse" and e.get("fill") == "none"]
    assert len(rings) == 10
    pngs = {label_png(dataclasses.replace(CONTENT, scheme=scheme), scale=1) for scheme in SCHEMES}
    assert len(pngs) == 3


def test_the_environmental_label_draws_no_value() -> None:
    environmental = dataclasses.replace(CONTENT, scheme="environmental-label")
    shown = texts(label_svg(environmental))
    assert "412.3" not in shown and not any("kg CO2e" in text for text in shown)
    assert "CFP-2026-000123" in shown
    no_value = texts(label_svg(dataclasses.replace(CONTENT, footprint=None)))
    assert "412.3" not in no_value


def test_the_png_leaves_out_what_its_font_cannot_draw() -> None:
    chinese = dataclasses.replace(CONTENT, holder="隆基绿能科技股份有限公司", scheme="low-carbon-product")
    latin = [
        shape.text
        for layer in label_artwork(chinese, latin=True).layers
        for shape in layer.shapes
        if hasattr(shape, "text")
    ]
    assert "Product Carbon Footprint Label" in latin and "CFP-2026-000123" in latin and "412.3" in latin
    assert not any("隆基" in text or "产品" in text or "持证人" in text for text in latin)
    assert "Holder" not in latin  # no field name without its value
    assert Image.open(io.BytesIO(label_png(chinese))).size == (1200, 660)


@pytest.mark.parametrize(
    ("value", "text"),
    [(412.3, "412.3"), (412.0, "412"), (12345.678, "12,346"), (0.012345, "0.01235"), (1.5, "1.5"), (0, "0")],
)
def test_value_text(value: float, text: str) -> None:
    assert value_text(value) == text


@pytest.mark.parametrize(
    "change",
    [{"scheme": "carbon-neutral"}, {"footprint": float("nan")}, {"footprint": float("inf")}, {"verification_url": ""}],
)
def test_content_is_checked(change: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        dataclasses.replace(CONTENT, **change)  # type: ignore[arg-type]


def test_scale_is_bounded() -> None:
    for scale in (0.0, -1.0, 100.0):
        with pytest.raises(InvalidInput):
            label_png(CONTENT, scale=scale)


@pytest.mark.parametrize("module", ["signing", "keys", "artwork", "render", "label", "document"])
def test_public_names_are_defined_where_they_are_exported(module: str) -> None:
    imported = importlib.import_module(f"lowcarbon.certify.{module}")
    for name in imported.__all__:
        value = getattr(imported, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__module__ == imported.__name__, name
