"""Import engine, reading side: files to text rows, text to typed values, headers to fields.

``inspect_file`` decides how a file is read (encoding, delimiter or sheet, header) and keeps a
sample; ``iter_chunks`` reads all rows as text in bounded memory; ``suggest_mapping`` maps the
header to fields; ``RecordBuilder`` types each row by the mapping, or says why it cannot.
"""

from __future__ import annotations

from segdesk.ingest.encoding import EncodingChoice
from segdesk.ingest.mapping.columns import ColumnMapping, Mapping
from segdesk.ingest.mapping.custom_names import custom_field_name
from segdesk.ingest.mapping.map_syntax import apply_overrides
from segdesk.ingest.mapping.suggest import suggest_for_shape, suggest_mapping
from segdesk.ingest.mapping.targets import CONTACT_TARGETS, EVENT_TARGETS
from segdesk.ingest.sources import (
    FileShape,
    ReadOptions,
    ReadStats,
    SourceRow,
    inspect_file,
    iter_chunks,
    iter_rows,
)
from segdesk.ingest.typed_rows import Record, RecordBuilder
from segdesk.ingest.values.column_types import ColumnType
from segdesk.ingest.values.inference import ColumnGuess, infer_column
from segdesk.ingest.values.problems import ValueProblem

__all__ = [
    "CONTACT_TARGETS",
    "EVENT_TARGETS",
    "ColumnGuess",
    "ColumnMapping",
    "ColumnType",
    "EncodingChoice",
    "FileShape",
    "Mapping",
    "ReadOptions",
    "ReadStats",
    "Record",
    "RecordBuilder",
    "SourceRow",
    "ValueProblem",
    "apply_overrides",
    "custom_field_name",
    "infer_column",
    "inspect_file",
    "iter_chunks",
    "iter_rows",
    "suggest_for_shape",
    "suggest_mapping",
]
