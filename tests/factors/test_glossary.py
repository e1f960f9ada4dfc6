"""lowcarbon's English -> Chinese glossary: how it is read and looked up, and that the shipped one is sound."""

from __future__ import annotations

import pytest

from lowcarbon.errors import DataFormatError
from lowcarbon.factors.glossary import load_glossary, parse_glossary

TEXT = """# a comment, as the shipped file starts
en,zh,geography
Freighting goods,货物运输,
"Rigid (>3.5 - 7.5 tonnes)",刚性货车（3.5至7.5吨）,
China,中国,CN
"""


def test_terms_are_found_case_blind_and_unknown_ones_stay_english() -> None:
    """Case and spacing do not matter; a code the glossary lacks (R404A) is kept as written and listed as missing."""
    glossary = parse_glossary(TEXT, "glossary.csv")
    assert glossary.zh("freighting  Goods") == "货物运输"
    assert glossary.zh("R404A") == "R404A"
    assert glossary.place("china") == "CN" and glossary.place("Freighting goods") is None
    assert glossary.missing(["R404A", "China", "R404A "]) == ["R404A"]
    title = glossary.title("Freighting goods", ["Rigid (>3.5 - 7.5 tonnes)", "R404A"], "每公里")
    assert title == "货物运输：刚性货车（3.5至7.5吨），R404A，每公里"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("term,chinese\nx,y\n", "the columns are en, zh, geography"),
        ("en,zh,geography\nx,,\n", "row 2: each row is an English term, its Chinese and an optional place code"),
        ("en,zh,geography\nx,甲,\nX,乙,\n", "row 3: 'X' is translated twice"),
    ],
)
def test_a_broken_glossary_is_refused(text: str, message: str) -> None:
    with pytest.raises(DataFormatError, match=message):
        parse_glossary(text, "glossary.csv")


def test_the_shipped_glossary_reads_and_covers_the_search_words() -> None:
    """It loads; the words a Chinese user searches for are in the Chinese of the terms they stand for."""
    glossary = load_glossary()
    assert glossary.zh("Iron and Steel Mills and Ferroalloy Manufacturing").startswith("钢铁")
    assert "聚乙烯" in glossary.zh("Plastics: HDPE (incl. forming)")
    assert "公路运输" in glossary.zh("HGV (all diesel)") and "公路运输" in glossary.zh(
        "General Freight Trucking, Local"
    )
    assert "铁路" in glossary.zh("Freight train") and "海运" in glossary.zh("Cargo ship")
    assert glossary.place("Hong Kong, China") == "HK"
