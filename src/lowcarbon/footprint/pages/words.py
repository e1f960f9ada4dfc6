"""The footprint's codes, units, gases, warnings and model problems in the page's language, for the templates.

A result is stored as ``Footprint.to_dict()``: its codes and sentences are English. The pages show them through
``PageWords``, which puts them into the words of the footprint's catalog (``lowcarbon.footprint.messages``), the
catalog the study report uses too; what the model's author wrote (line, process and product names) stays as written,
but for the product's Chinese name (``name_zh``) on a Chinese page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from lowcarbon.footprint import messages
from lowcarbon.footprint.messages import Lang
from lowcarbon.footprint.result import process_stages
from lowcarbon.web.i18n import language_of

__all__ = ["PageWords", "page_words", "process_stages"]


_SHEET_CELL = re.compile(r"^sheet (\S+), row (\d+), column (\S+)$")  # a place in an Excel model


@dataclass(frozen=True)
class PageWords:
    """The footprint's words in one language of the UI."""

    lang: Lang

    def code(self, value: str | None) -> str:
        """A stage id, boundary, kind, rating, allocation or GWP set in words; an author's own name as written."""
        return "\u2013" if value is None else messages.code(value, self.lang)

    def gas(self, gas: str) -> str:
        """A gas of the result: ``CH4-fossil`` as ``CH4 (fossil)``; ``CO2e`` as the published totals it is."""
        return messages.gas(gas, self.lang)

    def unit(self, text: str | None) -> str:
        """A declared or result unit (``1 item``, ``kg CO2e per 1 item``) in the language."""
        return "\u2013" if not text else messages.unit(text, self.lang)

    def message(self, text: str) -> str:
        """A warning or PCR deviation of the result."""
        return messages.translate(text, self.lang)

    def problem(self, detail: Mapping[str, Any]) -> str:
        """A problem of a refused model (``{"message", "id", "params", "place"}``, as ``stored.validate`` lists it)
        in the language; a problem without an id as it is."""
        english = str(detail.get("message", ""))
        if "id" not in detail:  # an upload's problem in a sentence of the catalog, or the page's own message
            message = messages.recognise(english) if self.lang != "en" else None
            return message.text(self.lang) if message is not None else english
        place = str(detail.get("place") or "")
        if place and english.startswith(f"{place}: "):
            english = english.removeprefix(f"{place}: ")
        else:
            place = ""
        text = messages.problem_text(str(detail.get("id", "")), english, detail.get("params"), self.lang)
        if not place:
            return text
        if self.lang == "en":
            return f"{place}: {text}"
        cell = _SHEET_CELL.sub(r"工作表 \1 第 \2 行 \3 列", place)
        return f"{cell}：{text}"

    def stage_of(self, line: Mapping[str, Any], process_stages: Mapping[str, Sequence[str]]) -> str:
        """The stage of a result line in words: its own, else that of the lines that use its process."""
        if line.get("stage"):
            return self.code(str(line["stage"]))
        stages = process_stages.get(str(line.get("process") or ""), ())
        return " + ".join(self.code(stage) for stage in stages) if stages else "\u2013"

    def product(self, name: str, name_zh: str | None) -> str:
        """The model's product name: its Chinese name on a Chinese page, when it has one."""
        return name_zh if self.lang == "zh-CN" and name_zh else name


def page_words(request: Request) -> PageWords:
    """The footprint's words in the request's language."""
    tag = language_of(request).tag
    return PageWords("zh-CN" if tag == "zh-CN" else "en")
