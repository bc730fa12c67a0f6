"""Splitting decoded text into records: delimiter sniffing, quoted CSV, aligned columns, and
values separated by runs of whitespace.

Every record carries the physical line it starts on, so a rejects file can point at it even
when a quoted field spans several lines.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeAlias

DELIMITERS: tuple[str, ...] = ("\t", ";", "|", ",")
"""Candidates, in the order that wins a tie: a tab or semicolon file often has commas inside
values (decimal commas, "Last, First"), a comma file rarely has tabs or semicolons."""

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

SNIFF_RECORDS = 50
"""Records looked at to choose a delimiter or aligned columns."""

CONSISTENT_SHARE = 0.9
"""Share of sampled records that must have the header's field count for a clear decision."""

NUL_PROBLEM = "this row holds a NUL byte (binary data, not text)"

_SEPARATOR_LINE = re.compile(r"^[\s\-=+|_]*[-=_]{3,}[\s\-=+|_]*$")
_GAP = re.compile(r"\s{2,}")
_RUN = re.compile(r"[ \t]+")
_WIDE_GAP = re.compile(r"\S(?: {2,}|[ \t]*\t[ \t]*)\S")
_VALUE = re.compile(r'"((?:[^"]|"")*)"(?=[ \t]|$)|([^ \t]+)')


@dataclass(frozen=True)
class TextRecord:
    """Fields of one record, and the physical line it starts on."""

    line: int
    fields: list[str]
    problem: str | None = None


RawRecord: TypeAlias = tuple[int, list[str], str | None]
"""A ``TextRecord``'s line, fields and problem as a plain tuple: for reading a whole file,
where an object per record would add half the time that splitting the record takes."""


@dataclass(frozen=True)
class DelimiterChoice:
    delimiter: str | None
    reason: str
    aligned_starts: tuple[int, ...] = ()
    whitespace: bool = False
    """Values separated by runs of spaces or tabs (no delimiter, no column starts)."""

    @property
    def aligned(self) -> bool:
        return bool(self.aligned_starts)


class TextTableError(Exception):
    """A record that cannot be split (an unclosed quote); carries the line it starts on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class LineState:
    """What a reader has consumed so far: whether the text has ended, and its last line."""

    exhausted: bool = False
    last: str = ""


def split_lines(blocks: Iterable[str]) -> Iterator[str]:
    """Physical lines with their line ends, from decoded blocks, holding one block at a time.

    Files that end lines with a lone carriage return (old Mac exports) are recognised from the
    first block and read as if they used newlines. The lines of a block are made in one go and
    handed out by ``itertools.chain``, so that no Python code runs per line.
    """
    return itertools.chain.from_iterable(_block_lines(blocks))


def _block_lines(blocks: Iterable[str]) -> Iterator[list[str]]:
    """The complete lines of each block, with their line ends; a cut line waits for the next."""
    rest = ""
    cr_only: bool | None = None
    for block in blocks:
        if cr_only is None:
            cr_only = "\n" not in block and "\r" in block
        if cr_only:
            block = block.replace("\r", "\n")
        text = rest + block
        lines = text.split("\n")
        rest = lines.pop()
        yield [line + "\n" for line in lines]
    if rest:
        yield [rest]


def csv_records(lines: Iterable[str], delimiter: str) -> Iterator[TextRecord]:
    """Records of a delimited file with their first physical line (blank lines as ``[]``).

    Line breaks inside quoted values come back as ``\\n`` whatever the file used. A quote that
    is never closed would silently swallow the rest of the file into one value; it is an
    error naming the line where the quote opens.
    """
    for line, fields, problem in csv_raw_records(lines, delimiter):
        yield TextRecord(line, fields, problem)


def csv_raw_records(
    lines: Iterable[str], delimiter: str, nul_seen: Sequence[object] = ()
) -> Iterator[RawRecord]:
    """``csv_records`` as ``RawRecord`` tuples; the problem says why a record is damaged.

    Two kinds of damage cost a record, not the file: a value longer than the csv module's
    field limit within one line (a quote that is never closed spans lines, and stays an
    error), and, once ``nul_seen`` is not empty (the caller saw a NUL in the text), a NUL.
    """
    state = LineState()
    source = _tracked(lines, state)
    reader = csv.reader(source, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    start = 1
    while True:
        try:
            for fields in reader:
                if reader.line_num > start:
                    if state.exhausted and state.last.count('"') % 2 == 0:
                        raise TextTableError(
                            start, 'a quote (") opened on this line is never closed'
                        )
                    fields = [f.replace("\r\n", "\n").replace("\r", "\n") for f in fields]
                if nul_seen and any("\x00" in f for f in fields):
                    yield start, fields, NUL_PROBLEM
                else:
                    yield start, fields, None
                start = reader.line_num + 1
            return
        except csv.Error as exc:
            if reader.line_num != start or "field larger than field limit" not in str(exc):
                raise TextTableError(start, _csv_message(exc)) from None
        # The reader has dropped the rest of this line and starts afresh on the next one.
        yield start, [], too_long_problem()
        start = reader.line_num + 1


def too_long_problem() -> str:
    return (
        f"a value on this line is longer than {csv.field_size_limit():,} characters, "
        "more than a value may hold (is a line break missing?)"
    )


def _tracked(lines: Iterable[str], state: LineState) -> Iterator[str]:
    """``lines`` as they are; at their end, ``state`` is exhausted and holds the last one.

    Only the last line is ever looked at, so it is the only one kept (and trimmed).
    """
    line = ""
    for line in lines:
        yield line
    state.last = line.rstrip("\r\n")
    state.exhausted = True


def aligned_records(lines: Iterable[str], starts: Sequence[int]) -> Iterator[TextRecord]:
    """Records of a table aligned with spaces, each line split by ``cut_aligned``.

    Blank lines and rules such as ``----  ---`` come back as empty records.
    """
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n").expandtabs()
        if not line.strip() or _SEPARATOR_LINE.match(line):
            yield TextRecord(number, [])
            continue
        fields, problem = cut_aligned(line, starts)
        yield TextRecord(number, fields, NUL_PROBLEM if "\x00" in line else problem)


def cut_aligned(line: str, starts: Sequence[int]) -> tuple[list[str], str | None]:
    """One line's values: split at runs of two or more spaces when that gives one value per
    column (robust to a line pushed right by a long value); otherwise cut at the column starts
    (which keeps empty values in place). A value running across a start is a problem.
    """
    parts = _GAP.split(line.strip())
    if len(parts) == len(starts):
        return parts, None
    crossed = any(
        0 < b < len(line) and not line[b - 1].isspace() and not line[b].isspace()
        for b in starts[1:]
    )
    bounds = [*starts[1:], None]
    fields = [line[a:b].strip() for a, b in zip(starts, bounds, strict=True)]
    if crossed:
        return fields, "the values on this line do not line up under the header's columns"
    return fields, None


def whitespace_records(lines: Iterable[str]) -> Iterator[TextRecord]:
    """Records of a table whose values are separated by runs of spaces or tabs, one per line.

    Blank lines and rules such as ``----  ---`` come back as empty records.
    """
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or _SEPARATOR_LINE.match(line):
            yield TextRecord(number, [])
            continue
        yield TextRecord(number, split_whitespace(line), NUL_PROBLEM if "\x00" in line else None)


def split_whitespace(line: str) -> list[str]:
    """One line's values, split at runs of spaces or tabs.

    A value in double quotes may hold spaces (``"Ann Lee"``) or be empty (``""``), as
    statistics packages write them; a quote inside it is doubled.
    """
    text = line.strip(" \t\r\n")
    if not text:
        return []
    if '"' not in text:
        return _RUN.split(text)
    values = []
    for match in _VALUE.finditer(text):
        quoted, plain = match.groups()
        values.append(plain if plain is not None else quoted.replace('""', '"'))
    return values


def sniff(sample: str, *, whole_file: bool) -> DelimiterChoice:
    """Pick the delimiter from how consistently each candidate splits the first records.

    For each candidate the sample is parsed as CSV (so delimiters inside quotes do not count);
    the candidate must split the header into two or more names and give most records the
    header's field count (empty fields at the end aside). Among clear candidates the one with
    more columns wins, then the order of ``DELIMITERS``. With none, a table aligned with spaces
    is tried, and values separated by runs of spaces or tabs (which win when they give more
    columns, as when two header names are one space apart); then the most consistent
    candidate; else the file is one column.
    """
    lines = list(split_lines([sample]))
    if not whole_file and lines:
        lines.pop()  # possibly cut in the middle
    scores: list[tuple[bool, float, int, int, str]] = []
    for rank, delim in enumerate(DELIMITERS):
        counts = _field_counts(lines, delim)
        if not counts or counts[0][0] < 2:
            continue
        header = counts[0][0]
        share = sum(1 for full, trimmed in counts if header in (full, trimmed)) / len(counts)
        scores.append((share >= CONSISTENT_SHARE, share, header, -rank, delim))
    clear = [s for s in scores if s[0]]
    if clear:
        best = max(clear, key=lambda s: (s[2], s[3]))
        name = DELIMITER_NAMES[best[4]]
        return DelimiterChoice(best[4], f"{name}: splits the first lines into {best[2]} columns")
    starts = aligned_starts(lines)
    columns = whitespace_columns(lines)
    if columns > len(starts):
        return DelimiterChoice(
            None,
            f"runs of spaces or tabs split the first lines into {columns} columns",
            whitespace=True,
        )
    if starts:
        return DelimiterChoice(
            None, f"columns aligned with spaces ({len(starts)} columns)", tuple(starts)
        )
    if scores:
        best = max(scores, key=lambda s: (s[1], s[2], s[3]))
        name = DELIMITER_NAMES[best[4]]
        return DelimiterChoice(
            best[4], f"{name}: the most consistent split, though rows differ in length"
        )
    return DelimiterChoice(",", "no delimiter found: one column")


def aligned_starts(lines: Sequence[str]) -> list[int]:
    """Column starts of a table aligned with spaces, or an empty list if it is not one.

    The header names the columns (names are separated by two or more spaces). Between two
    names, the column start is the place that cuts through the fewest values of the sampled
    lines, the rightmost of equals, so right-aligned numbers wider than their header stay whole
    and one line pushed out of place does not move the columns. It is a table when the starts
    cut through the values of at most one line in ten.
    """
    rows = []
    for raw in lines:
        line = raw.rstrip("\r\n").expandtabs()
        if line.strip() and not _SEPARATOR_LINE.match(line):
            rows.append(line)
        if len(rows) >= SNIFF_RECORDS:
            break
    if len(rows) < 2:
        return []
    header, data = rows[0], rows[1:]
    names = [m.start() for m in re.finditer(r"\S+(?: \S+)*", header)]
    if len(names) < 2:
        return []

    def splits(cut: int) -> int:
        return sum(
            1
            for r in rows
            if 0 < cut < len(r) and not r[cut - 1].isspace() and not r[cut].isspace()
        )

    starts = [0]
    cut_lines = 0
    for previous, current in itertools.pairwise(names):
        best = min(range(current, previous, -1), key=splits)
        cut_lines += splits(best)
        starts.append(best)
    if cut_lines * 10 > len(data):
        return []
    return starts


def whitespace_columns(lines: Sequence[str]) -> int:
    """The number of columns when runs of spaces or tabs split the lines, or 0 if they do not.

    The header must split into two or more names and most records into as many values. One
    space between values is also a word gap, so a single space alone decides only when the
    header has three or more names; otherwise most records must show a tab or a wider gap.
    """
    rows = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if line.strip() and not _SEPARATOR_LINE.match(line):
            rows.append(line)
        if len(rows) >= SNIFF_RECORDS:
            break
    if len(rows) < 2:
        return 0
    width = len(split_whitespace(rows[0]))
    data = rows[1:]
    fitting = [line for line in data if len(split_whitespace(line)) == width]
    if width < 2 or len(fitting) < CONSISTENT_SHARE * len(data):
        return 0
    wide = sum(1 for line in fitting if _WIDE_GAP.search(line))
    if width < 3 and wide < CONSISTENT_SHARE * len(data):
        return 0
    return width


def _field_counts(lines: list[str], delimiter: str) -> list[tuple[int, int]]:
    """Per record: the number of fields, and the number without empty ones at the end."""
    counts: list[tuple[int, int]] = []
    try:
        for record in csv_records(lines, delimiter):
            fields = record.fields
            if not any(f.strip() for f in fields):
                continue
            trimmed = len(fields)
            while trimmed > 1 and not fields[trimmed - 1].strip():
                trimmed -= 1
            counts.append((len(fields), trimmed))
            if len(counts) >= SNIFF_RECORDS:
                break
    except TextTableError:
        pass
    return counts


def _csv_message(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return 'a field is far too long: most likely a quote (") opened here is never closed'
    return f"cannot split this record: {text}"
