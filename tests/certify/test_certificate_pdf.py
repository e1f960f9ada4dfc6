"""The certificate as a PDF (lowcarbon.certify.document), read back with poppler's pdftotext in each language."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from lowcarbon.certify.document import CertificateContent, ProductModel, certificate_pdf, long_date
from lowcarbon.errors import InvalidInput
from support.report_support import pdftotext, require_poppler

CONTENT = CertificateContent(
    number="CFP-2026-000123",
    scheme="carbon-footprint-label",
    scheme_name_zh="产品碳足迹标识",
    scheme_name_en="Product Carbon Footprint Label",
    standard="GB/T 24067-2024",
    holder="隆基绿能科技股份有限公司",
    producer="Sunrise <PV> & Sons\x07 Ltd",
    sites=("陕西省西安市长安区航天基地", "Xuzhou plant 2"),
    products=(ProductModel("光伏组件", "PV module", ("LR7-72HVH-650M", "LR7-72HVH-660M")),),
    scope="cradle to gate",
    footprint=412.3,
    footprint_unit="kg CO2e",
    declared_unit="1 piece (550 Wp)",
    issued=date(2026, 12, 6),
    expires=date(2029, 12, 5),
    body="中国质量认证中心",
    verification_url="https://lowcarbon.example.org/verify/CFP-2026-000123",
)


def text_of(content: CertificateContent, lang: str, tmp_path: Path) -> str:
    pdf = certificate_pdf(content, lang)
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / f"certificate-{lang}.pdf"
    path.write_bytes(pdf)
    return re.sub(r"\s+", " ", pdftotext(path))


def test_chinese_certificate(tmp_path: Path) -> None:
    text = text_of(CONTENT, "zh-CN", tmp_path)
    for expected in (
        "认证证书",
        "产品碳足迹标识",
        "证书编号：CFP-2026-000123",
        "证书持有人 隆基绿能科技股份有限公司",
        "Sunrise <PV> & Sons Ltd",
        "陕西省西安市长安区航天基地 Xuzhou plant 2",
        "光伏组件：LR7-72HVH-650M、LR7-72HVH-660M",
        "GB/T 24067-2024",
        "412.3 kg CO2e / 1 piece (550 Wp)",
        "发证日期 2026年12月6日",
        "有效期至 2029年12月5日",
        "发证机构 中国质量认证中心",
        "https://lowcarbon.example.org/verify/CFP-2026-000123",
        "证书状态以网上查询为准",
    ):
        assert expected in text, expected
    assert "Certificate holder" not in text


def test_english_certificate(tmp_path: Path) -> None:
    text = text_of(CONTENT, "en", tmp_path)
    for expected in (
        "Certificate No.: CFP-2026-000123",
        "Product Carbon Footprint Label",
        "Certificate holder 隆基绿能科技股份有限公司",
        "PV module: LR7-72HVH-650M, LR7-72HVH-660M",
        "Date of issue 6 December 2026",
        "Valid until 5 December 2029",
        "412.3 kg CO2e / 1 piece (550 Wp)",
        "status of this certificate is an online fact",
    ):
        assert expected in text, expected
    assert "光伏组件" not in text and "证书编号" not in text


def test_no_footprint_no_footprint_line(tmp_path: Path) -> None:
    environmental = dataclasses.replace(CONTENT, scheme="environmental-label", footprint=None)
    text = text_of(environmental, "en", tmp_path)
    assert "Declared carbon footprint" not in text and "412.3" not in text
    assert "CFP-2026-000123" in text


def test_same_content_same_bytes() -> None:
    assert certificate_pdf(CONTENT, "en") == certificate_pdf(dataclasses.replace(CONTENT), "en")
    assert certificate_pdf(CONTENT, "en") != certificate_pdf(dataclasses.replace(CONTENT, number="CFP-2026-9"), "en")


def test_long_dates() -> None:
    assert long_date(date(2026, 1, 31), "zh-CN") == "2026年1月31日"
    assert long_date(date(2026, 1, 31), "en") == "31 January 2026"


def test_refusals() -> None:
    with pytest.raises(InvalidInput):
        certificate_pdf(CONTENT, "fr")
    with pytest.raises(InvalidInput):
        dataclasses.replace(CONTENT, expires=date(2026, 1, 1))
    with pytest.raises(InvalidInput):
        dataclasses.replace(CONTENT, scheme="carbon-neutral")


def test_the_qr_code_on_the_page_reads_as_the_verification_url(tmp_path: Path) -> None:
    require_poppler()
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate_pdf(CONTENT, "zh-CN"))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page.png")
    assert [barcode.text for barcode in zxingcpp.read_barcodes(page)] == [CONTENT.verification_url]
