"""The worked examples under examples/ run as the README shows, and their results stay what they were."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lowcarbon.footprint import compute
from lowcarbon.footprint.demo import headline

EXAMPLES = Path(__file__).parents[1] / "examples"
# kg CO2e per declared unit, IPCC AR6; a change to a factor, a model or the computation shows up here
PINNED = {
    "pv-module": (
        447.87433640319125,
        {"raw_material_acquisition": 319.4257723056785, "production": 128.44856409751284},
    ),
    "cotton-tshirt": (
        6.377634891724712,
        {
            "raw_material_acquisition": 0.7164953055901926,
            "production": 3.442606007870519,
            "distribution": 0.009555873264,
            "use": 2.07419499,
            "end_of_life": 0.134782715,
        },
    ),
    "hydrogen-electrolysis": (35.2116376, {"production": 35.2116376}),
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_example_results_are_pinned(name: str) -> None:
    """Each example's total and stages are as recorded, and it follows its PCR."""
    result = compute(EXAMPLES / name / "model.yaml")
    total, stages = PINNED[name]
    assert result.total == pytest.approx(total, rel=1e-9)
    assert result.by_stage == pytest.approx(stages, rel=1e-9)
    assert result.pcr and result.pcr_deviations == []
    assert all(line.source for line in result.lines), "every line cites its source"


def test_the_readme_table_gives_the_pinned_totals_as_the_demo_prints_them() -> None:
    """The README's table of examples and `serve --demo`'s summary agree: the same figures, formatted alike."""
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `examples/([\w-]+)` \|.*\| ([\d.,]+) \|$", readme, flags=re.MULTILINE))
    assert table == {name: headline(total) for name, (total, _) in PINNED.items()}


def test_examples_run_from_the_command_line() -> None:
    """`lowcarbon footprint examples/<name>/model.yaml --json` works as the README shows."""
    executable = shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon"
    for name, (total, _) in PINNED.items():
        result = subprocess.run(
            [executable, "footprint", str(EXAMPLES / name / "model.yaml"), "--json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["total"] == pytest.approx(total, rel=1e-9)


def test_each_example_has_a_cradle_to_gate_or_grave_mix() -> None:
    """At least one CFP (cradle-to-grave) and one partial CFP (cradle-to-gate) among the examples."""
    kinds = {compute(EXAMPLES / name / "model.yaml").kind for name in PINNED}
    assert kinds == {"CFP", "partial CFP"}
