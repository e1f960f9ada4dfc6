"""Carbon-inclusive rewards: methodologies that turn a person's low-carbon behaviour into a quantified reduction,
partner platforms that send those behaviours in signed batches, and a personal carbon ledger (append-only,
double-entry) that never loses or double-counts an entry. See README.md."""
