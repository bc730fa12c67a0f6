"""The corpus the ingest tests read, and the files in it that a user is told cannot be read."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"

UNREADABLE: dict[str, str] = {
    "binary.csv": "binary.csv looks like a binary file, not a text table",
    "blank_only.csv": "blank_only.csv holds no data (only blank lines)",
    "empty.csv": "empty.csv is empty",
    "mixed_encoding.csv": (
        "mixed_encoding.csv, line 4: the file reads as UTF-8 up to this line, but this line holds "
        "bytes that are not UTF-8 (mixed encodings). Save the file again as UTF-8, or name its "
        "encoding."
    ),
    "no_header.csv": (
        "no_header.csv, line 1: the first row looks like data (yan@example.com, Yan), not "
        "column names; add a header row that names the columns, or read the file as one "
        "without (--no-header)"
    ),
    "unclosed_quote.csv": (
        'unclosed_quote.csv, line 3: a quote (") opened on this line is never closed'
    ),
}
"""Files made to be refused, each with the whole message its user gets. Every other file of the
corpus must read to the end: a new file that cannot be read fails the tests until it is listed
here, with its message."""

READABLE: list[str] = sorted(p.name for p in CORPUS.iterdir() if p.name not in UNREADABLE)
