"""The green product catalog: certified product models found by procurement category, label and footprint, fast at
a million models.

- ``text``: index and query terms (Chinese by characters and pairs, Latin words by prefix);
- ``rows``: a registry's rows read and checked; ``importer``: bulk import in one transaction;
- ``categories``: procurement categories (from the certification schemes, and from imports);
- ``fulltext``: the full-text index per database; ``index``: the search columns in memory, kept current;
- ``search``: text, filters, facets, sorting and cursor pagination.
- ``products``: one product as a person looks it up; ``compare``: products side by side, with warnings;
- ``export``: every match of a search as CSV or Excel that re-imports, streamed;
- ``demo``: the demo's product models (invented; footprints illustrative); ``pages``: the public pages.

See ``README.md`` in this folder.
"""
