"""Footprints computed from product models, checked against hand-computed answers (AR6 unless said)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from lowcarbon.errors import DataFormatError
from lowcarbon.footprint import compute, parse_model

GRID_2023 = 0.5306  # kg CO2/kWh, cn-grid-electricity/cn-national-2023
GAS_AR6 = 56_100 + 29.8 + 0.1 * 273  # kg CO2e per TJ of natural gas (IPCC 2006), AR6
GAS_AR5 = 56_100 + 30 + 0.1 * 265  # AR5: fossil CH4 30, N2O 265
FACTORS = """id,name,unit,geography,source,kg_CO2,kg_CH4-fossil,kg_N2O,origin,co2e
wood,Wood pellets burned,kg,CN,test,1.6,,,biogenic,
growth,Carbon taken up by growing wood,kg,CN,test,-1.8,,,biogenic,
clearing,Land cleared for plantation,m**2,CN,test,0.5,,,land_use_change,
flight,Air freight,t*km,GLO,test,0.6,,,fossil,
truck,Road freight,t*km,CN,test,0.1,,0.0001,fossil,
total-only,A factor published as a CO2e total,kg,CN,test,,,,fossil,2.5
"""
RTOL = 1e-12


def model(stages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "product": {"name": "Widget", "name_zh": "小部件"},
        "declared_unit": {"amount": 1, "unit": "item"},
        "boundary": "cradle-to-gate",
        "stages": stages,
    }
    data.update(extra)
    return data


def line(name: str, amount: float, unit: str, **link: Any) -> dict[str, Any]:
    return {"name": name, "amount": amount, "unit": unit, **link}


def run(tmp_path: Path, data: dict[str, Any]) -> Any:
    (tmp_path / "factors.csv").write_text(FACTORS, encoding="utf-8")
    data.setdefault("factor_files", ["factors.csv"])
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return compute(path)


def test_stage_totals_and_unit_conversion(tmp_path: Path) -> None:
    """kWh, MJ to TJ, g to kg and t*km: each line converted to its factor's unit, summed by stage."""
    result = run(
        tmp_path,
        model(
            [
                {
                    "name": "raw_material_acquisition",
                    "activities": [line("power", 2, "kWh", factor="cn-national-2023")],
                },
                {"name": "production", "activities": [line("heat", 3.6, "MJ", factor="natural-gas")]},
                {"name": "distribution", "activities": [line("truck", 500, "kg*km", factor="truck")]},
            ]
        ),
    )
    power, heat, truck = 2 * GRID_2023, 3.6e-6 * GAS_AR6, 0.5 * (0.1 + 0.0001 * 273)
    assert result.by_stage == pytest.approx(
        {"raw_material_acquisition": power, "production": heat, "distribution": truck}, rel=RTOL
    )
    assert result.total == pytest.approx(power + heat + truck, rel=RTOL)
    assert result.kind == "partial CFP" and result.declared_unit == "1 item" and result.reference_flow is None
    with_flow = run(tmp_path, model([], reference_flow={"amount": 1.2, "unit": "kg"}) | {"stages": [{"name": "use"}]})
    assert with_flow.reference_flow == "1.2 kg" and with_flow.total == 0


def test_gas_split_under_ar6_and_ar5(tmp_path: Path) -> None:
    """One TJ of natural gas: CO2, fossil CH4 and N2O in kg and in CO2e under each GWP set."""
    stages = [{"name": "production", "activities": [line("heat", 1, "TJ", factor="natural-gas")]}]
    ar6 = run(tmp_path, model(stages))
    ar5 = run(tmp_path, model(stages, gwp="AR5"))
    assert ar6.gas_mass == pytest.approx({"CO2": 56_100, "CH4-fossil": 1, "N2O": 0.1}, rel=RTOL)
    assert ar6.by_gas == pytest.approx({"CO2": 56_100, "CH4-fossil": 29.8, "N2O": 27.3}, rel=RTOL)
    assert ar5.by_gas == pytest.approx({"CO2": 56_100, "CH4-fossil": 30, "N2O": 26.5}, rel=RTOL)
    assert (ar6.total, ar5.total) == (pytest.approx(GAS_AR6, rel=RTOL), pytest.approx(GAS_AR5, rel=RTOL))
    assert ar5.characterization == "IPCC AR5 GWP100"


@pytest.mark.parametrize(
    ("allocation", "share"),
    [("mass", 2 / (2 + 6)), ("economic", 30 / (30 + 10)), ("energy", 5 / (5 + 15))],
)
def test_allocation(tmp_path: Path, allocation: str, share: float) -> None:
    """A process with a co-product: the reference product carries its mass, energy or economic share."""
    process = {
        "id": "casting",
        "outputs": [
            {"product": "casting", "amount": 2, "unit": "kg", "mass_kg": 2, "value": 30, "energy_mj": 5},
            {"product": "slag", "amount": 6, "unit": "kg", "mass_kg": 6, "value": 10, "energy_mj": 15},
        ],
        "allocation": allocation,
        "inputs": [line("power", 10, "kWh", factor="cn-national-2023")],
    }
    stages = [{"name": "production", "activities": [line("casting", 1, "kg", process="casting")]}]
    result = run(tmp_path, model(stages, processes=[process]))
    # 1 kg of casting is half a run (2 kg per run); a run's 10 kWh times the casting's share
    assert result.total == pytest.approx(0.5 * 10 * GRID_2023 * share, rel=RTOL)
    (process_line,) = [x for x in result.lines if x.process == "casting"]
    assert process_line.kg_co2e == pytest.approx(result.total, rel=RTOL)


def test_system_expansion_credit(tmp_path: Path) -> None:
    """An avoided activity (recovered heat replacing natural gas) is a credit."""
    stages = [
        {
            "name": "end_of_life",
            "activities": [
                line("incineration power", 1, "kWh", factor="cn-national-2023"),
                line("recovered heat", 7.2, "MJ", factor="natural-gas", avoided=True),
            ],
        }
    ]
    complete = {"functional_unit": "heat and power recovered from one item", "omitted_stages": {"use": "none"}}
    result = run(tmp_path, model(stages, boundary="cradle-to-grave", **complete))
    assert result.total == pytest.approx(GRID_2023 - 7.2e-6 * GAS_AR6, rel=RTOL)
    assert result.kind == "CFP"
    partial = run(tmp_path, model(stages, boundary="cradle-to-grave"))
    assert partial.kind == "partial CFP"
    assert any("needs a functional unit and the use stage" in warning for warning in partial.warnings)


def test_biogenic_land_use_and_aircraft_lines(tmp_path: Path) -> None:
    """Uptake, release, land-use change and aircraft each on their own line; uptake in or out of the total."""
    stages = [
        {
            "name": "raw_material_acquisition",
            "activities": [
                line("wood growth", 2, "kg", factor="growth"),
                line("plantation", 4, "m**2", factor="clearing"),
            ],
        },
        {"name": "distribution", "activities": [line("air", 1000, "kg*km", factor="flight", aircraft=True)]},
        {"name": "end_of_life", "activities": [line("burning", 2, "kg", factor="wood")]},
    ]
    result = run(tmp_path, model(stages, boundary="cradle-to-grave"))
    assert result.biogenic_removals == pytest.approx(-3.6, rel=RTOL)
    assert result.biogenic_emissions == pytest.approx(3.2, rel=RTOL)
    assert result.land_use_change == pytest.approx(2.0, rel=RTOL)
    assert result.aircraft == pytest.approx(0.6, rel=RTOL)
    assert result.fossil == pytest.approx(0.6, rel=RTOL)
    assert result.total == pytest.approx(-3.6 + 3.2 + 2.0 + 0.6, rel=RTOL)
    assert result.including_biogenic_uptake == pytest.approx(result.total, rel=RTOL)
    assert result.excluding_biogenic_uptake == pytest.approx(3.2 + 2.0 + 0.6, rel=RTOL)


def test_published_co2e_totals_primary_share_and_quality(tmp_path: Path) -> None:
    """A CO2e-only factor counts as given; primary share and ratings are weighted by contribution."""
    stages = [
        {
            "name": "production",
            "activities": [
                line("part", 1, "kg", factor="total-only", data_type="primary", dqr={"temporal": 1, "reliability": 2}),
                line("power", 10, "kWh", factor="cn-national-2023", dqr={"temporal": 3}),
            ],
        }
    ]
    result = run(tmp_path, model(stages))
    power = 10 * GRID_2023
    assert result.total == pytest.approx(2.5 + power, rel=RTOL)
    assert result.by_gas == pytest.approx({"CO2e": 2.5, "CO2": power}, rel=RTOL)
    assert result.primary_data_share == pytest.approx(2.5 / (2.5 + power), rel=RTOL)
    assert result.data_quality == pytest.approx({"temporal": (2.5 * 1 + power * 3) / (2.5 + power)})
    assert result.data_quality_coverage == {"technological": 0.0, "temporal": 1.0, "geographical": 0.0}
    assert result.hotspots[0].name == "power"


def test_processes_in_a_loop(tmp_path: Path) -> None:
    """Two modelled processes that supply each other are solved as a loop: 1 / (1 - 0.1 * 0.2) runs."""
    processes = [
        {
            "id": "a",
            "outputs": [{"product": "a", "amount": 1, "unit": "kg"}],
            "inputs": [line("power", 1, "kWh", factor="cn-national-2023"), line("b", 0.1, "kg", process="b")],
        },
        {
            "id": "b",
            "outputs": [{"product": "b", "amount": 1, "unit": "kg"}],
            "inputs": [line("a", 0.2, "kg", process="a")],
        },
    ]
    stages = [{"name": "production", "activities": [line("a", 1, "kg", process="a")]}]
    result = run(tmp_path, model(stages, processes=processes))
    assert result.total == pytest.approx(GRID_2023 / (1 - 0.02), rel=RTOL)


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    """Broken links and units anywhere in a model come back together, each with its place."""
    stages = [
        {
            "name": "production",
            "activities": [
                line("a", 1, "kWh", factor="no-such-factor"),
                line("b", 1, "kg", factor="cn-national-2023"),
                line("c", 1, "kg", process="nowhere"),
                line("d", 1, "furlongz", factor="cn-national-2023"),
            ],
        }
    ]
    with pytest.raises(DataFormatError) as info:
        run(tmp_path, model(stages))
    message = str(info.value)
    assert message.startswith("4 problems in the model:")
    assert "stages[0].activities[0].factor: no factor 'no-such-factor'" in message
    assert "stages[0].activities[1].unit: cannot convert kg to kWh" in message
    assert "stages[0].activities[2].process: no process 'nowhere' in this model" in message
    assert "stages[0].activities[3].unit: unit 'furlongz' is not known" in message


def test_schema_problems_reported_at_once() -> None:
    """Unknown, missing and contradictory fields are listed with their places and fixes."""
    data = model(
        [
            {
                "name": "production",
                "activities": [{"name": "x", "amount": 1, "unit": "kg", "factor": "f", "process": "p"}],
            },
            {"name": "production", "activities": []},
        ],
        colour="red",
    )
    del data["boundary"]
    data["processes"] = [
        {
            "id": "p",
            "outputs": [{"product": "p", "amount": 1, "unit": "kg"}, {"product": "q", "amount": 1, "unit": "kg"}],
        }
    ]
    with pytest.raises(DataFormatError) as info:
        parse_model(data, "m.yaml")
    message = str(info.value)
    assert "m.yaml: boundary: required field is missing" in message
    assert "m.yaml: colour: unknown field" in message
    assert "m.yaml: stages[0].activities[0]: give exactly one of 'factor'" in message
    assert "m.yaml: processes[0]: a process with co-products needs 'allocation: mass'" in message


def test_unreadable_model_files(tmp_path: Path) -> None:
    """A missing file, broken YAML and a model that is not a mapping are named."""
    with pytest.raises(DataFormatError, match="no such file"):
        compute(tmp_path / "none.yaml")
    (tmp_path / "bad.yaml").write_text("product: [unclosed", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"bad\.yaml: not valid YAML"):
        compute(tmp_path / "bad.yaml")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"list\.json: a product model is a mapping"):
        compute(tmp_path / "list.json")


def test_to_dataframe_and_dict(tmp_path: Path) -> None:
    """The lines come out as a DataFrame and the whole result as a JSON-ready dict."""
    stages = [{"name": "production", "activities": [line("power", 1, "kWh", factor="cn-national-2023")]}]
    result = run(tmp_path, model(stages))
    frame = result.to_dataframe()
    assert list(frame["kg_co2e"]) == pytest.approx([GRID_2023])
    data = result.to_dict()
    assert (
        data["unit"] == "kg CO2e per 1 item" and data["hotspots"][0]["link"] == "cn-grid-electricity/cn-national-2023"
    )


def test_cut_off_exempted_lines(tmp_path: Path) -> None:
    """Exempted lines are reported but not counted; above the cut-off limit a warning says so."""
    stages = [
        {
            "name": "production",
            "activities": [
                line("power", 10, "kWh", factor="cn-national-2023"),
                line("glue", 0.1, "kWh", factor="cn-national-2023", exempted=True),
            ],
        }
    ]
    result = run(tmp_path, model(stages))
    assert result.total == pytest.approx(10 * GRID_2023, rel=RTOL)
    assert result.exempted == pytest.approx(0.1 * GRID_2023, rel=RTOL)
    assert result.exempted_percent == pytest.approx(100 * 0.1 / 10.1, rel=RTOL)
    assert [x.name for x in result.hotspots] == ["power"]
    assert not any("cut_off" in warning for warning in result.warnings)
    strict = run(tmp_path, model(stages, cut_off={"max_exempted_percent": 0.5}))
    assert (
        "cut_off: exempted activities make up 0.99 % of the footprint, more than the 0.5 % the cut-off rule allows; "
        "include them"
    ) in strict.warnings
    (company,) = [warning for warning in strict.warnings if "cut_off" not in warning]
    assert company.startswith("stages[0].activities[0] and 1 more lines: factor cn-grid-electricity/cn-national-2023")
    assert "for company (scope 2) reporting" in company and "cn-electricity-footprint" in company


def test_biogenic_carbon_content_and_uptake(tmp_path: Path) -> None:
    """0.3 kg of biogenic carbon in the product: reported, and with uptake a removal of 0.3 * 44.009 / 12.011."""
    stages = [{"name": "raw_material_acquisition", "activities": [line("power", 1, "kWh", factor="cn-national-2023")]}]
    plain = run(tmp_path, model(stages, biogenic_carbon={"content_kg_c": 0.3}))
    assert plain.biogenic_carbon_content == 0.3 and plain.biogenic_removals == 0
    uptake = run(tmp_path, model(stages, biogenic_carbon={"content_kg_c": 0.3, "uptake": True, "source": "lab"}))
    removal = -0.3 * (12.011 + 2 * 15.999) / 12.011
    assert uptake.biogenic_removals == pytest.approx(removal, rel=RTOL)
    assert uptake.total == pytest.approx(GRID_2023 + removal, rel=RTOL)
    assert uptake.excluding_biogenic_uptake == pytest.approx(GRID_2023, rel=RTOL)
    assert uptake.by_stage["raw_material_acquisition"] == pytest.approx(uptake.total, rel=RTOL)


def test_review_cases_by_hand(tmp_path: Path) -> None:
    """Avoided biogenic emissions are no removals; a shared process splits into counted and exempted parts."""
    stages = [
        {
            "name": "raw_material_acquisition",
            "activities": [
                line("wood growth", 1, "kg", factor="growth"),  # uptake -1.8
                line("avoided burning", 1, "kg", factor="wood", avoided=True),  # -1.6, not a removal
            ],
        }
    ]
    result = run(tmp_path, model(stages))
    assert result.biogenic_removals == pytest.approx(-1.8, rel=RTOL)
    assert result.biogenic_emissions == pytest.approx(-1.6, rel=RTOL)
    assert result.excluding_biogenic_uptake == pytest.approx(-1.6, rel=RTOL)
    process = {
        "id": "p",
        "outputs": [{"product": "p", "amount": 1, "unit": "kg"}],
        "inputs": [line("in", 1, "kWh", factor="cn-national-2023")],
    }
    shared = [
        {
            "name": "production",
            "activities": [line("used", 1, "kg", process="p"), line("left out", 1, "kg", process="p", exempted=True)],
        }
    ]
    split = run(tmp_path, model(shared, processes=[process]))
    (inner,) = [x for x in split.lines if x.place == "processes[0].inputs[0]"]
    assert inner.kg_co2e == pytest.approx(GRID_2023, rel=RTOL) == split.total
    assert split.exempted == pytest.approx(GRID_2023, rel=RTOL)
    assert inner.link_amount == 1 and inner.link_unit == "kWh"


def test_refused_models(tmp_path: Path) -> None:
    """Aircraft on a process link, a process eating itself, negative, NaN and boolean amounts are refused."""
    eater = {
        "id": "e",
        "outputs": [{"product": "e", "amount": 1, "unit": "kg"}],
        "inputs": [line("self", 1.5, "kg", process="e")],
    }
    cases = [
        (
            model(
                [{"name": "s", "activities": [line("fly", 1, "kg", process="e", aircraft=True)]}],
                processes=[eater | {"inputs": []}],
            ),
            "stages[0].activities[0].aircraft: only a line linked to a factor can be marked aircraft",
        ),
        (
            model([{"name": "s", "activities": [line("x", 1, "kg", process="e")]}], processes=[eater]),
            "processes[0].inputs[0].amount: process 'e' would use at least as much of its own product",
        ),
        (
            model([{"name": "s", "activities": [line("x", -1, "kWh", factor="cn-national-2023")]}]),
            "stages[0].activities[0].amount: Input should be greater than or equal to 0",
        ),
        (
            model([{"name": "s", "activities": [line("x", float("nan"), "kWh", factor="cn-national-2023")]}]),
            "stages[0].activities[0].amount: Input should be a finite number",
        ),
        (
            model([{"name": "s", "activities": [line("x", True, "kWh", factor="cn-national-2023")]}]),
            "stages[0].activities[0].amount: Input should be a valid number",
        ),
    ]
    for data, message in cases:
        with pytest.raises(DataFormatError) as info:
            run(tmp_path, data)
        assert message in str(info.value)
