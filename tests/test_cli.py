"""The ``lowcarbon calc`` contract, run as users and other tools run it."""

from __future__ import annotations

import csv
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lowcarbon import __version__ as lowcarbon_version
from lowcarbon.cli import app
from lowcarbon.engine import load_system, write_datapackage
from lowcarbon.engine.distributions import Distributions
from lowcarbon.factors import default_library

EXAMPLES = Path(__file__).parents[1] / "examples" / "datapackages"
SYSTEM = [str(EXAMPLES / "electricity-coal"), str(EXAMPLES / "ipcc-ar6-gwp100")]
# Hand-computed in examples/datapackages/make_examples.py's system: s1 = 1/0.98, s2 = 0.4 s1,
# CO2 = s1 + 0.01 s2, CH4 = 0.005 s2, score = CO2 + 29.8 CH4.
S1 = 1 / 0.98
SCORE_PER_KWH = S1 + 0.01 * 0.4 * S1 + 29.8 * 0.005 * 0.4 * S1

runner = CliRunner()


def lowcarbon(*args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("lowcarbon", path=str(Path(sys.executable).parent))
    assert executable, "the lowcarbon console script is installed with the package"
    return subprocess.run([executable, *args], capture_output=True, text=True, timeout=120, check=False)


def test_calc_json_prints_the_score() -> None:
    """`lowcarbon calc ... --demand ID=AMOUNT --json` prints the summed demand's score."""
    result = lowcarbon("calc", *SYSTEM, "--demand", "1=2", "--demand", "2=1", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    # coal per kg: s2 = 1/0.98 and s1 = 0.05 s2; CO2 = s1 + 0.01 s2; CH4 = 0.005 s2
    s2 = 1 / 0.98
    coal = 0.05 * s2 + 0.01 * s2 + 29.8 * 0.005 * s2
    assert payload["score"] == pytest.approx(2 * SCORE_PER_KWH + coal, rel=1e-12)
    assert payload["scores"] == {"IPCC AR6 GWP100": payload["score"]}
    assert payload["characterization"] == "IPCC AR6 GWP100"
    assert payload["top_activities"][0]["activity_id"] == 1


def test_repeated_demand_ids_add_up() -> None:
    """Two --demand entries for one product are summed."""
    result = runner.invoke(app, ["calc", *SYSTEM, "-d", "1=0.5", "-d", "1=0.5", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["score"] == pytest.approx(SCORE_PER_KWH, rel=1e-12)


def test_each_activity_writes_csv(tmp_path: Path) -> None:
    """`--each-activity --output FILE.csv` writes activity_id,score for one unit of each reference product."""
    output = tmp_path / "scores.csv"
    result = lowcarbon("calc", *SYSTEM, "--each-activity", "--output", str(output))
    assert result.returncode == 0, result.stderr
    with output.open() as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["activity_id", "score"]
    scores = {int(a): float(s) for a, s in rows[1:]}
    s2 = 1 / 0.98
    assert scores[1] == pytest.approx(SCORE_PER_KWH, rel=1e-12)
    assert scores[2] == pytest.approx(0.05 * s2 + 0.01 * s2 + 29.8 * 0.005 * s2, rel=1e-12)
    assert not list(tmp_path.glob("*.partial"))


def test_each_activity_matches_single_demands_on_a_larger_system(tmp_path: Path) -> None:
    """On a generated 400-activity system, every CSV row equals the score of its own single demand."""
    from lowcarbon.engine.synthetic import generate

    generated = generate(activities=400, flows=50, seed=5)
    write_datapackage(
        tmp_path / "inventory.zip", "inventory", technosphere=generated.technosphere, biosphere=generated.biosphere
    )
    write_datapackage(tmp_path / "gwp", "gwp", characterization=generated.characterizations[0])
    output = tmp_path / "all.csv"
    packages = [str(tmp_path / "inventory.zip"), str(tmp_path / "gwp")]
    result = runner.invoke(app, ["calc", *packages, "--each-activity", "-o", str(output)])
    assert result.exit_code == 0, result.output
    with output.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 400
    system = load_system(packages)
    for row in rows[::37]:
        single = system.score({int(row["activity_id"]): 1.0})
        assert float(row["score"]) == pytest.approx(single, rel=1e-12)


def test_table_output_and_tree() -> None:
    """Without --json the scores, contributions and the supply-chain tree are printed as tables."""
    result = runner.invoke(app, ["calc", *SYSTEM, "-d", "1=1", "--tree"])
    assert result.exit_code == 0, result.output
    assert "IPCC AR6 GWP100" in result.output
    assert "1.08531" in result.output
    assert "loop, not expanded" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-d", "999=1"], "demand product 999 is not in the technosphere"),
        (["-d", "1=1", "-c", "nope"], "unknown characterization 'nope'"),
    ],
)
def test_domain_errors_exit_1_with_a_message(args: list[str], message: str) -> None:
    """Errors in the request name the problem, on stderr, with exit status 1."""
    result = lowcarbon("calc", *SYSTEM, *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-d", "1"], "write a demand as ID=AMOUNT"),
        (["-d", "x=1"], "write a demand as ID=AMOUNT"),
        ([], "give either --demand ID=AMOUNT or --each-activity"),
        (["--each-activity"], "add --output FILE.csv"),
        (["-d", "1=1", "--solver", "magic"], "use auto, direct, iterative or pardiso"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    """Malformed options are usage errors (exit 2) that say how to write them."""
    result = runner.invoke(app, ["calc", *SYSTEM, *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.replace("│", " ").split())


def test_missing_and_malformed_datapackages(tmp_path: Path) -> None:
    """A path that is not a datapackage is named in the error."""
    result = lowcarbon("calc", str(tmp_path / "absent.zip"), "-d", "1=1")
    assert result.returncode == 1
    assert "absent.zip: no such file or directory" in result.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "datapackage.json").write_text("{not json")
    result = lowcarbon("calc", str(broken), "-d", "1=1")
    assert result.returncode == 1
    assert "datapackage.json is not valid UTF-8 JSON" in result.stderr


def test_singular_system_is_reported(tmp_path: Path) -> None:
    """A technosphere whose loop cancels out is reported as singular, not answered."""
    write_datapackage(
        tmp_path / "singular",
        "singular",
        technosphere=([1, 2, 1, 2], [1, 2, 2, 1], [1.0, 1.0, -1.0, -1.0]),
        biosphere=([9], [1], [1.0]),
    )
    write_datapackage(tmp_path / "m", "m", characterization=([9], [1.0]))
    result = lowcarbon("calc", str(tmp_path / "singular"), str(tmp_path / "m"), "-d", "1=1", "--json")
    assert result.returncode == 1
    assert "singular" in result.stderr


def test_factors_search_json_and_table() -> None:
    """`lowcarbon factors search` finds China's grid factors in Chinese, with values under the chosen GWP set."""
    result = lowcarbon("factors", "search", "华东", "2023", "--json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["key"] == "cn-grid-electricity/cn-east-2023"
    assert row["kg_co2e"] == pytest.approx(0.55)
    table = runner.invoke(app, ["factors", "search", "natural", "gas", "--gwp", "AR5"])
    assert table.exit_code == 0, table.output
    assert "56156.5" in table.output  # 56,100 + 30 (AR5 fossil CH4) + 26.5
    narrow = runner.invoke(app, ["factors", "search", "铁路", "--limit", "3"], env={"COLUMNS": "80"})
    keys = [row["key"] for row in json.loads(lowcarbon("factors", "search", "铁路", "--limit", "3", "--json").stdout)]
    assert all(key in narrow.output for key in keys)  # each key whole on its line, however narrow the terminal
    bad = lowcarbon("factors", "search", "gas", "--unit", "parsecz")
    assert bad.returncode == 1 and "unit 'parsecz' is not known" in bad.stderr


SEARCHED = ("钢", "水泥", "铝", "聚乙烯", "玻璃", "纸", "公路运输", "铁路", "海运", "柴油", "天然气")  # issue 10's list
CONTRACT = {"key", "name", "name_zh", "unit", "geography", "year", "source", "kg_co2e"}


@pytest.mark.parametrize("text", SEARCHED)
def test_factors_search_finds_the_materials_transport_and_fuels_asked_for(text: str) -> None:
    """`lowcarbon factors search TEXT --json`: each word of the list finds sourced factors, in Chinese names."""
    result = runner.invoke(app, ["factors", "search", text, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and all(set(row) >= CONTRACT and row["source"] for row in rows)
    assert any(text in (row["name_zh"] or "") for row in rows)


def test_factors_search_json_lists_the_whole_library() -> None:
    """Without text, the search lists every factor, each with a source: at least the 3,000 the issue asks for."""
    result = lowcarbon("factors", "search", "--json")  # no --limit: the contract lists every factor
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == len(default_library()) >= 3000
    assert all(row["source"] and row["unit"] for row in rows)
    assert len({row["key"] for row in rows}) == len(rows)


def test_factors_check(tmp_path: Path) -> None:
    """`lowcarbon factors check` accepts a good file and lists every problem of a bad one."""
    good = tmp_path / "good.csv"
    good.write_text("id,name,unit,geography,source,kg_CO2,kg_N2O\na,A,kWh,CN,s,0.5,0.001\n", encoding="utf-8")
    result = lowcarbon("factors", "check", str(good))
    assert result.returncode == 0 and "1 factors, all valid" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,unit,geography,source,kg_CO2,kg_XYZ\na,A,kWh,CN,s,x,1\n", encoding="utf-8")
    result = lowcarbon("factors", "check", str(bad))
    assert result.returncode == 1
    assert "row 2, column kg_CO2: 'x' is not a number" in result.stderr
    unknown_gas = tmp_path / "gas.csv"
    unknown_gas.write_text("id,name,unit,geography,source,kg_XYZ\na,A,kWh,CN,s,1\n", encoding="utf-8")
    result = lowcarbon("factors", "check", str(unknown_gas))
    assert result.returncode == 1 and "gas 'XYZ' has no GWP" in result.stderr


def test_json_tree_and_option_checks(tmp_path: Path) -> None:
    """--json --tree adds the tree; bad --top, --cutoff and --output are usage errors; nothing half-written."""
    result = runner.invoke(app, ["calc", *SYSTEM, "-d", "1=1", "--json", "--tree", "--cutoff", "0"])
    assert result.exit_code == 0, result.output
    (root,) = json.loads(result.output)["tree"]
    assert root["product_id"] == 1 and root["children"][0]["children"][0]["loop"] is True
    for args, hint in (
        (["-d", "1=1", "--top", "-1"], "give 0 or more"),
        (["-d", "1=1", "--tree", "--cutoff", "2"], "at least 0 and below 1"),
        (["--each-activity", "-o", str(tmp_path)], "is a directory or its folder does not exist"),
        (["--each-activity", "-o", str(tmp_path / "no" / "x.csv")], "is a directory or its folder does not exist"),
    ):
        bad = runner.invoke(app, ["calc", *SYSTEM, *args])
        assert bad.exit_code == 2, args
        assert hint in " ".join(bad.output.replace("│", " ").split())
    assert list(tmp_path.iterdir()) == []


def _uncertain_packages(folder: Path, vectors: int = 1) -> list[str]:
    """One activity emitting 2 kg (lognormal, sd of ln 0.2) of flow 10; each vector characterizes it by 1 or 3."""
    emission = Distributions([2], [math.log(2.0)], [0.2], [math.nan], [math.nan], [math.nan], [False])
    inventory = write_datapackage(
        folder / "inventory",
        "inventory",
        technosphere=([1], [1], [1.0]),
        biosphere=([10], [1], [2.0]),
        distributions={"biosphere": emission},
    )
    paths = [inventory]
    for k in range(vectors):
        paths.append(write_datapackage(folder / f"m{k}", f"m{k}", characterization=([10], [1.0 + 2 * k])))
    return [str(p) for p in paths]


MC_KEYS = ("mean", "std", "median", "p2_5", "p97_5")


def test_calc_monte_carlo_json_contract(tmp_path: Path) -> None:
    """`calc DATAPACKAGE... --demand ID=AMOUNT --iterations N --seed S --json`: "iterations" and, for the one
    characterization vector, mean, std, median, p2_5 and p97_5 at the top level and under its name; the same
    seed prints the same numbers."""
    packages = _uncertain_packages(tmp_path)
    args = ("calc", *packages, "--demand", "1=1", "--iterations", "300", "--seed", "7", "--json")
    result = lowcarbon(*args)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["iterations"] == 300 and payload["seed"] == 7 and payload["uncertain_values"] == 1
    for key in MC_KEYS:
        assert payload[key] == payload["scores"]["m0"][key]
    # 2 kg x lognormal(0, 0.2): median 2, mean 2 exp(0.02), sd 2 exp(0.02) sqrt(exp(0.04) - 1)
    assert payload["median"] == pytest.approx(2.0, rel=0.05)
    assert payload["mean"] == pytest.approx(2 * math.exp(0.02), rel=0.05)
    assert payload["std"] == pytest.approx(2 * math.exp(0.02) * math.sqrt(math.expm1(0.04)), rel=0.2)
    assert payload["p2_5"] < payload["median"] < payload["p97_5"]
    assert payload["deterministic"] == pytest.approx(2.0, rel=1e-12)
    assert payload["variance_contributions"][0]["matrix"] == "biosphere"
    again = runner.invoke(app, list(args))
    assert again.exit_code == 0, again.output
    assert json.loads(again.output) == payload


def test_calc_monte_carlo_several_vectors_and_table(tmp_path: Path) -> None:
    """With two vectors the statistics are per vector only; the table shows each, and the contributions."""
    packages = _uncertain_packages(tmp_path, vectors=2)
    result = runner.invoke(app, ["calc", *packages, "-d", "1=1", "-n", "50", "--seed", "1", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert "mean" not in payload
    assert payload["scores"]["m1"]["mean"] == pytest.approx(3 * payload["scores"]["m0"]["mean"], rel=1e-12)
    assert all(key in payload["scores"][name] for name in ("m0", "m1") for key in MC_KEYS)
    table = runner.invoke(app, ["calc", *packages, "-d", "1=1", "-n", "50", "--seed", "1"])
    assert table.exit_code == 0, table.output
    assert "Monte Carlo: 50 iterations, seed 1" in table.output and "m1" in table.output
    assert "squared Spearman rank correlation" in table.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-d", "1=1", "--iterations", "0"], "give 1 or more"),
        (["--each-activity", "-o", "x.csv", "--iterations", "5"], "does not combine with --iterations"),
        (["-d", "1=1", "--tree", "--iterations", "5"], "does not combine with --iterations"),
        (["-d", "1=1", "--iterations", "5", "--processes", "0"], "give 1 or more"),
    ],
)
def test_calc_monte_carlo_usage_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["calc", *SYSTEM, *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.replace("│", " ").split())


def test_init_model_then_footprint(tmp_path: Path) -> None:
    """`init-model` writes a commented starter that `footprint` computes; it never overwrites."""
    result = subprocess.run(
        [shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon", "init-model", "Kettle"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    starter = tmp_path / "Kettle.yaml"
    assert "PLACEHOLDER" in starter.read_text(encoding="utf-8")
    footprint = lowcarbon("footprint", str(starter), "--json")
    assert footprint.returncode == 0, footprint.stderr
    payload = json.loads(footprint.stdout)
    # 1 kWh + 1 MJ of gas + 1 kg of part (1 kWh, 1/1.1 of it by mass)
    expected = 0.5306 + 1e-6 * (56_100 + 29.8 + 27.3) + 0.5306 / 1.1
    assert payload["total"] == pytest.approx(expected, rel=1e-12)
    assert payload["kind"] == "partial CFP" and payload["unit"] == "kg CO2e per 1 item"
    again = runner.invoke(app, ["init-model", str(tmp_path / "Kettle")])
    assert again.exit_code == 1


def test_init_model_prints_a_command_that_works_when_pasted(tmp_path: Path) -> None:
    """A name with a space and a quote: the printed command, run by a shell, computes the model."""
    executable = shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon"
    run = partial(subprocess.run, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    written = run([executable, "init-model", "Ann's kettle"], env={**os.environ, "COLUMNS": "40"})
    assert written.returncode == 0, written.stderr
    command = written.stdout.split("then run: ", 1)[1].strip()
    assert command == "lowcarbon footprint 'Ann'\"'\"'s kettle.yaml'"
    pasted = run(command.replace("lowcarbon", shlex.quote(executable), 1) + " --json", shell=True)
    assert pasted.returncode == 0, pasted.stderr
    assert json.loads(pasted.stdout)["kind"] == "partial CFP"


def test_footprint_tables_and_errors(tmp_path: Path) -> None:
    """`footprint --by` shows each table; a broken model lists its problems and exits 1."""
    runner.invoke(app, ["init-model", str(tmp_path / "Widget")])
    model = tmp_path / "Widget.yaml"
    for by, expected in (
        ("stage", "production"),
        ("gas", "CH4-fossil"),
        ("factor", "cn-national-2023"),
        ("activity", "electricity for assembly"),
    ):
        shown = runner.invoke(app, ["footprint", str(model), "--by", by])
        assert shown.exit_code == 0, shown.output
        assert expected in shown.output
    assert runner.invoke(app, ["footprint", str(model), "--by", "colour"]).exit_code == 2
    model.write_text(model.read_text(encoding="utf-8").replace("unit: kWh", "unit: kg", 1), encoding="utf-8")
    broken = lowcarbon("footprint", str(model))
    assert broken.returncode == 1
    assert "stages[1].activities[0].unit: cannot convert kg to kWh" in broken.stderr


def test_version_is_printed_alone() -> None:
    result = lowcarbon("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == lowcarbon_version
