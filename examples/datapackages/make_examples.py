"""Writes the example datapackages in this folder; run it after changing them: python make_examples.py.

electricity-coal: an illustrative two-activity loop (electricity uses coal, coal mining uses electricity). Its
exchange amounts are made up to show the engine's arithmetic, NOT real inventory data. The characterization
uses real IPCC AR6 GWP100 values (IPCC AR6 WG1 Chapter 7, Table 7.SM.7): CO2 1, fossil CH4 29.8.

ids: products/activities 1 = electricity (kWh), 2 = hard coal (kg); flows 100 = CO2 fossil (kg),
101 = CH4 fossil (kg).
"""

from pathlib import Path

from lowcarbon.engine import write_datapackage

HERE = Path(__file__).parent

write_datapackage(
    HERE / "electricity-coal",
    "electricity-coal",
    technosphere=([1, 2, 2, 1], [1, 2, 1, 2], [1.0, 1.0, -0.4, -0.05]),
    biosphere=([100, 100, 101], [1, 2, 2], [1.0, 0.01, 0.005]),
)
write_datapackage(HERE / "ipcc-ar6-gwp100", "IPCC AR6 GWP100", characterization=([100, 101], [1.0, 29.8]))
