"""Reports of the worked examples, built once per test session (building one takes a fraction of a second)."""

from __future__ import annotations

from datetime import date

import pytest

from lowcarbon.report import Report, build_report
from support.report_support import EXAMPLES, NAMES


@pytest.fixture(scope="session")
def reports() -> dict[str, Report]:
    return {
        name: build_report(EXAMPLES / name / "model.yaml", prepared_by="Test Lab", prepared_on=date(2025, 3, 1))
        for name in NAMES
    }
