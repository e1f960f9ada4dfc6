"""Carbon-inclusive rewards: people's low-carbon behaviours turned into reductions under published methodologies.

The pure core, which needs no database and no server:

- ``methodology``: the methodologies as versioned data (``data/methodologies.json``), their formulas checked with
  pint when loaded and compiled to plain Python, and ``reduction`` of one event's quantities;
- ``rules``: the caps and anti-fraud rules over values, deciding whether an event is credited, held or rejected.

The partner ingestion, the ledger and the pages build on these (see ``README.md`` in this folder).
"""
