"""The one bounded reader of files from outside: uploads and imports of every kind go through it.

A file from outside may be hostile: a 64 KB workbook that unpacks to gigabytes, JSON nested a thousand levels, a
number of ten thousand digits, a YAML document whose aliases expand past memory, an XML entity bomb. Everything
lowcarbon reads from a user, a partner or an archive is read here, within ``Limits`` (each a setting of the platform
and a ``LOWCARBON_<NAME>`` environment variable), checked while the bytes stream in, before a parser holds them.
Past a limit is ``LimitExceeded`` (413, its code naming the limit); a malformed file is ``DataFormatError`` (400);
no parser's own exception escapes.

- ``limits``: the limits, the ones in force, reading a file's bytes (``read_path``)
- ``archives``: zip archives (``Archive``)
- ``documents``: JSON, YAML and XML documents (``parse_json``, ``parse_yaml``, ``parse_xml``)
- ``tables``: CSV text and Excel workbooks, row by row (``csv_rows``, ``Workbook``)
"""

from lowcarbon.bounded.archives import Archive, is_zip
from lowcarbon.bounded.documents import check_json_depth, json_depth, parse_json, parse_xml, parse_yaml
from lowcarbon.bounded.limits import LIMITS, Limits, active, configure, exceeded, read_path
from lowcarbon.bounded.tables import Workbook, checked_rows, csv_rows

__all__ = [
    "LIMITS",
    "Archive",
    "Limits",
    "Workbook",
    "active",
    "check_json_depth",
    "checked_rows",
    "configure",
    "csv_rows",
    "exceeded",
    "is_zip",
    "json_depth",
    "parse_json",
    "parse_xml",
    "parse_yaml",
    "read_path",
]
