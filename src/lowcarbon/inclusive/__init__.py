"""Carbon-inclusive rewards: people's low-carbon behaviours turned into reductions under published methodologies,
credited to a personal carbon ledger that never loses or double-counts an entry.

- ``methodology``: the methodologies as versioned data (``data/methodologies.json``), their formulas checked with
  pint when loaded and compiled to plain Python, and ``reduction`` of one event's quantities;
- ``rules``: the caps and anti-fraud rules over values, deciding whether an event is credited, held or rejected;
- ``partners``: partner platforms and the signatures of their batches; ``batches``: a batch read as plain values;
- ``ingest``: a batch stored and credited in one transaction, each event once; ``evaluation`` joins it to the rules;
- ``ledger``: the append-only double-entry ledger, balances and reconciliation; ``service``: review of held events,
  rewards and redemptions, accounts and statistics.

See ``README.md`` in this folder.
"""
