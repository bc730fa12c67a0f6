"""Opening an import file: its shape (encoding, layout, header, a sample) and its rows as text.

``inspect_file`` makes every decision once and returns a ``FileShape`` that a preview can show
and a user can correct (through ``ReadOptions``). ``iter_rows`` / ``iter_chunks`` then read the
whole file with those decisions, holding only a chunk of rows at a time. Values stay text here;
typing them is ``values``' job, so that no decision is made before the user has seen the data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from segdesk.errors import UserError
from segdesk.ingest import spreadsheets
from segdesk.ingest.encoding import EncodingChoice, choose_encoding, decoded_blocks
from segdesk.ingest.text_tables import (
    DELIMITER_NAMES,
    DelimiterChoice,
    RawRecord,
    TextRecord,
    TextTableError,
    aligned_records,
    aligned_starts,
    csv_raw_records,
    sniff,
    split_lines,
    whitespace_records,
)
from segdesk.jobs import Progress

SAMPLE_ROWS = 200
"""Data rows kept in a ``FileShape`` for the preview and for guessing column types."""

SNIFF_CHARS = 1 << 16
"""Characters of decoded text looked at to choose the delimiter."""

TEXT_FORMATS = ("csv", "aligned", "whitespace")
SHEET_FORMATS = ("xlsx", "xls", "ods")

Records = Generator[TextRecord, None, None]
RawRecords = Generator[RawRecord, None, None]

_DELIMITER_WORDS = {
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "\\t": "\t",
    "pipe": "|",
    "whitespace": "whitespace",
    "spaces": "whitespace",
    "aligned": "aligned",
}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_INVISIBLE = "\ufeff\u200b\u200e\u200f\u00a0"
REJECTS_COLUMNS = ("line", "reason")
"""The first columns of a rejects file: read again, the file gives back the rows alone."""


@dataclass(frozen=True)
class ReadOptions:
    """What a user may decide instead of the sniffer: encoding, delimiter, sheet, header."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header: bool = True


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One record as text, with the line (or sheet row) where it starts.

    ``values`` has one entry per header column; a row with more values than the header keeps
    them all and says so in ``problem``, for the caller to reject with its line number.
    """

    line: int
    values: tuple[str, ...]
    problem: str | None = None

    def as_dict(self, header: Sequence[str]) -> dict[str, str]:
        return dict(zip(header, self.values, strict=False))


@dataclass
class ReadStats:
    """Counts of a read, so that nothing is dropped without a number to show for it."""

    rows: int = 0
    problem_rows: int = 0
    skipped_lines: int = 0
    """Blank lines (and, in aligned text, rules of dashes): no data, so not rows."""


@dataclass(frozen=True)
class FileShape:
    """Everything decided about a file before import, for a preview and to read it again."""

    path: Path
    format: str
    layout_reason: str
    header: tuple[str, ...]
    raw_header: tuple[str, ...]
    header_line: int
    sample: tuple[SourceRow, ...]
    sample_is_whole_file: bool
    size_bytes: int
    encoding: EncodingChoice | None = None
    delimiter: str | None = None
    aligned_starts: tuple[int, ...] = ()
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    has_header: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)
    skipped_columns: int = 0
    """Columns at the start of each record that are not data: the line and reason that a
    rejects file puts before the rows it gives back (see ``REJECTS_COLUMNS``)."""

    @property
    def width(self) -> int:
        return len(self.header)

    @property
    def is_spreadsheet(self) -> bool:
        return self.format in SHEET_FORMATS

    @property
    def layout(self) -> str:
        """A short description: ``csv, semicolon``, ``aligned columns``, ``xlsx, sheet Kunden``."""
        if self.format == "csv" and self.delimiter:
            return f"csv, {DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}"
        if self.format == "aligned":
            return "columns aligned with spaces"
        if self.format == "whitespace":
            return "values separated by spaces or tabs"
        return f"{self.format}, sheet {self.sheet}"

    @property
    def decimal_hint(self) -> str | None:
        """Spreadsheet programs write ``;`` files where ``,`` is the decimal mark."""
        return "," if self.delimiter == ";" else None

    @property
    def signature(self) -> str:
        """Stable per file shape (header names and format family) to remember a mapping by."""
        family = "sheet" if self.is_spreadsheet else "text"
        names = "\n".join(" ".join(n.casefold().split()) for n in self.header)
        return hashlib.sha256(f"v1\n{family}\n{names}".encode()).hexdigest()[:16]

    def preview(self, rows: int = 20) -> list[SourceRow]:
        return list(self.sample[:rows])

    def column_values(self, column: str | int) -> list[str]:
        """The sampled text values of one column (by name or 0-based position)."""
        index = column if isinstance(column, int) else self.header.index(column)
        return [r.values[index] for r in self.sample if index < len(r.values)]


def inspect_file(
    path: str | Path, options: ReadOptions | None = None, *, sample_rows: int = SAMPLE_ROWS
) -> FileShape:
    """Decide how to read ``path`` and read its header and first rows.

    Raises ``UserError`` naming the file (and line) for a missing, empty, binary or
    undecodable file, or one whose first row is data rather than column names.
    """
    path = Path(path)
    options = options or ReadOptions()
    if not path.exists():
        raise UserError(f"{path} does not exist")
    if not path.is_file():
        raise UserError(f"{path} is not a file")
    size = path.stat().st_size
    if size == 0:
        raise UserError(f"{path.name} is empty")
    with path.open("rb") as handle:
        magic = handle.read(8)
    notes: list[str] = []
    if magic.startswith(_ZIP) or magic.startswith(_OLE):
        return _inspect_workbook(path, magic, options, size, sample_rows, notes)
    if path.suffix.lower() in spreadsheets.WORKBOOK_SUFFIXES:
        notes.append(f"named {path.suffix} but holds plain text; read as a text table")
    return _inspect_text(path, options, size, sample_rows, notes)


def iter_rows(
    shape: FileShape, *, stats: ReadStats | None = None, progress: Progress | None = None
) -> Iterator[SourceRow]:
    """Every data row of the file, read with the decisions in ``shape``, in bounded memory.
    ``progress`` counts bytes of a text file, rows of a workbook."""
    chunks = _row_chunks(shape, 1, stats, progress)
    try:
        for chunk in chunks:
            yield chunk[0]
    finally:
        chunks.close()  # closes the file, also when the caller stops early


def iter_chunks(
    shape: FileShape,
    size: int = 5000,
    *,
    stats: ReadStats | None = None,
    progress: Progress | None = None,
) -> Iterator[list[SourceRow]]:
    """``iter_rows`` in lists of at most ``size`` rows, for batched database writes."""
    chunks = _row_chunks(shape, size, stats, progress)
    try:
        yield from chunks
    finally:
        chunks.close()


def _row_chunks(
    shape: FileShape, size: int, stats: ReadStats | None, progress: Progress | None
) -> Generator[list[SourceRow], None, None]:
    """The rows of ``iter_rows`` in lists of at most ``size``, each as soon as it is full.

    This is the loop an import runs once per row of its file, so it takes records as plain
    tuples and makes each row directly; ``iter_rows`` is the same loop with lists of one.
    """
    stats = stats if stats is not None else ReadStats()
    records = _raw_records(shape, progress)
    width = shape.width
    pad = shape.format != "whitespace"
    header_seen = not shape.has_header
    expected = tuple(_clean_name(f) for f in shape.raw_header)
    chunk: list[SourceRow] = []
    try:
        for line, fields, problem in records:
            # Blank when no field has more than whitespace; the first field usually shows it.
            # A damaged line may have no fields left, but is a row to reject all the same.
            if (not fields or not (fields[0].strip() or "".join(fields).strip())) and not problem:
                stats.skipped_lines += 1
                continue
            if not header_seen:
                header_seen = True
                found = tuple(_clean_name(f) for f in fields[: len(expected)])
                if found != expected:
                    raise UserError(f"{shape.path.name} has changed since it was inspected")
                continue
            if len(fields) == width:
                row = SourceRow(line, tuple(fields), problem)
            else:
                row = _source_row(line, fields, problem, width, pad=pad)
            stats.rows += 1
            if row.problem:
                stats.problem_rows += 1
            chunk.append(row)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
    finally:
        records.close()  # closes the file, also when the caller stops early


# --- text files ---------------------------------------------------------------------------


def _inspect_text(
    path: Path, options: ReadOptions, size: int, sample_rows: int, notes: list[str]
) -> FileShape:
    encoding = choose_encoding(path, options.encoding)
    sample, whole = _text_sample(path, encoding)
    if not sample.strip():
        raise UserError(f"{path.name} holds no data (only blank lines)")
    head = sample.lstrip().lower()
    if head.startswith("<") and ("<html" in head[:2000] or "<table" in head[:2000]):
        raise UserError(
            f"{path.name} is a web page (HTML), not a table file; open it in a spreadsheet "
            "program and save it as CSV or .xlsx"
        )
    choice = _delimiter_choice(path, sample, whole, options.delimiter)
    fmt = "whitespace" if choice.whitespace else "aligned" if choice.aligned else "csv"
    partial = FileShape(
        path=path,
        format=fmt,
        layout_reason=choice.reason,
        header=(),
        raw_header=(),
        header_line=0,
        sample=(),
        sample_is_whole_file=False,
        size_bytes=size,
        encoding=encoding,
        delimiter=choice.delimiter,
        aligned_starts=choice.aligned_starts,
        has_header=options.header,
    )
    return _finish_shape(partial, sample_rows, notes)


def _text_sample(path: Path, encoding: EncodingChoice) -> tuple[str, bool]:
    parts: list[str] = []
    length = 0
    blocks = decoded_blocks(path, encoding)
    for text, _done in blocks:
        parts.append(text)
        length += len(text)
        if length >= SNIFF_CHARS:
            blocks.close()
            return "".join(parts)[:SNIFF_CHARS], False
    return "".join(parts), True


def _delimiter_choice(path: Path, sample: str, whole: bool, wanted: str | None) -> DelimiterChoice:
    if not wanted:
        return sniff(sample, whole_file=whole)
    delimiter = _DELIMITER_WORDS.get(wanted.lower(), wanted)
    if delimiter == "whitespace":
        return DelimiterChoice(
            None, "values separated by spaces or tabs, chosen by you", whitespace=True
        )
    if delimiter == "aligned":
        lines = list(split_lines([sample]))
        starts = aligned_starts(lines if whole else lines[:-1])
        if not starts:
            raise UserError(f"{path.name}: no columns aligned with spaces found")
        return DelimiterChoice(None, "columns aligned with spaces, chosen by you", tuple(starts))
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise UserError(f"delimiter must be one character (or tab, comma, ...), not {wanted!r}")
    return DelimiterChoice(delimiter, "chosen by you")


def _text_records(shape: FileShape, progress: Progress | None) -> RawRecords:
    encoding = shape.encoding
    assert encoding is not None
    total = shape.size_bytes
    nul_seen: list[bool] = []  # not empty once a block held a NUL: records are then checked

    def blocks() -> Iterator[str]:
        for text, done in decoded_blocks(shape.path, encoding):
            if not nul_seen and "\x00" in text:
                nul_seen.append(True)
            yield text
            if progress is not None:
                progress(done, total, "")

    lines = split_lines(blocks())
    if shape.format == "aligned":
        for record in aligned_records(lines, shape.aligned_starts):
            yield record.line, record.fields, record.problem
        return
    if shape.format == "whitespace":
        for record in whitespace_records(lines):
            yield record.line, record.fields, record.problem
        return
    assert shape.delimiter is not None
    try:
        yield from csv_raw_records(lines, shape.delimiter, nul_seen)
    except TextTableError as exc:
        raise UserError(f"{shape.path.name}, line {exc.line}: {exc}") from None


# --- workbooks ----------------------------------------------------------------------------


def _inspect_workbook(
    path: Path,
    magic: bytes,
    options: ReadOptions,
    size: int,
    sample_rows: int,
    notes: list[str],
) -> FileShape:
    suffix = path.suffix.lower()
    if magic.startswith(_OLE):
        fmt = "xls"
    elif suffix == ".ods":
        fmt = "ods"
    else:
        fmt = "xlsx"
    if suffix not in spreadsheets.WORKBOOK_SUFFIXES:
        notes.append(f"named {suffix or 'without extension'} but holds an {fmt} workbook")
    book = spreadsheets.open_workbook(path)
    try:
        sheet = spreadsheets.choose_sheet(path, book, options.sheet)
    finally:
        book.close()
    partial = FileShape(
        path=path,
        format=fmt,
        layout_reason=f"sheet {sheet.name!r}: {sheet.reason}",
        header=(),
        raw_header=(),
        header_line=0,
        sample=(),
        sample_is_whole_file=False,
        size_bytes=size,
        sheet=sheet.name,
        sheets=sheet.names,
        has_header=options.header,
    )
    return _finish_shape(partial, sample_rows, notes)


def _sheet_records(shape: FileShape, progress: Progress | None) -> RawRecords:
    assert shape.sheet is not None
    book = spreadsheets.open_workbook(shape.path)
    try:
        total = spreadsheets.sheet_height(book, shape.sheet)
        for number, cells in spreadsheets.sheet_rows(book, shape.sheet):
            if progress is not None and number % 1000 == 0:
                progress(number, total, "")
            yield number, cells, None
        if progress is not None:
            progress(total, total, "")
    finally:
        book.close()


# --- shared -------------------------------------------------------------------------------


def _records(shape: FileShape, progress: Progress | None = None) -> Records:
    raw = _raw_records(shape, progress)
    try:
        for line, fields, problem in raw:
            yield TextRecord(line, fields, problem)
    finally:
        raw.close()


def _raw_records(shape: FileShape, progress: Progress | None = None) -> RawRecords:
    records = (
        _sheet_records(shape, progress) if shape.is_spreadsheet else _text_records(shape, progress)
    )
    if shape.skipped_columns:
        return _without_first(records, shape.skipped_columns)
    return records


def _without_first(records: RawRecords, count: int) -> RawRecords:
    try:
        for line, fields, problem in records:
            yield line, fields[count:], problem
    finally:
        records.close()


def _finish_shape(partial: FileShape, sample_rows: int, notes: list[str]) -> FileShape:
    """Read the header and the sample with the layout decided, and name the columns."""
    header_record: TextRecord | None = None
    records: list[TextRecord] = []
    whole = True
    source = _records(partial)
    try:
        for record in source:
            if not any(f.strip() for f in record.fields) and not record.problem:
                continue
            if header_record is None and partial.has_header:
                header_record = record
                continue
            if len(records) >= sample_rows:
                whole = False
                break
            records.append(record)
    finally:
        source.close()
    name = partial.path.name
    if header_record is None and partial.has_header:
        raise UserError(f"{name} holds no data (only blank lines)")
    skipped = 0
    if header_record is not None:
        if header_record.problem:
            problem = header_record.problem.replace("this row", "the header row")
            raise UserError(f"{name}, line {header_record.line}: {problem}")
        raw = [_clean_name(f) for f in header_record.fields]
        _refuse_data_header(name, header_record.line, raw)
        header_line = header_record.line
        if tuple(raw[: len(REJECTS_COLUMNS)]) == REJECTS_COLUMNS and len(raw) > 2:
            skipped = len(REJECTS_COLUMNS)
            raw = raw[skipped:]
            records = [TextRecord(r.line, r.fields[skipped:], r.problem) for r in records]
            notes.append("the columns line and reason of a rejects file are left out")
    else:
        count = max((len(r.fields) for r in records), default=0)
        raw = [f"column {i}" for i in range(1, count + 1)]
        notes.append(f"no header row: the columns are called column 1 to column {count}")
        header_line = 0
    names, width = clean_header(raw, [r.fields for r in records], notes)
    pad = partial.format != "whitespace"
    sample = tuple(_source_row(r.line, r.fields, r.problem, width, pad=pad) for r in records)
    return FileShape(
        path=partial.path,
        format=partial.format,
        layout_reason=partial.layout_reason,
        header=tuple(names),
        raw_header=tuple(raw),
        header_line=header_line,
        sample=sample,
        sample_is_whole_file=whole,
        size_bytes=partial.size_bytes,
        encoding=partial.encoding,
        delimiter=partial.delimiter,
        aligned_starts=partial.aligned_starts,
        sheet=partial.sheet,
        sheets=partial.sheets,
        has_header=partial.has_header,
        notes=tuple(notes),
        skipped_columns=skipped,
    )


def clean_header(
    raw: Sequence[str], sample: Sequence[Sequence[str]] = (), notes: list[str] | None = None
) -> tuple[list[str], int]:
    """Usable, unique column names, and how many columns the file really has.

    Names are stripped of spaces and byte order marks. Nameless columns at the end are dropped
    when no sampled row has a value there (a trailing delimiter on every line); other nameless
    columns become ``column_N`` (N counted from 1). Repeated names get ``_2``, ``_3``, compared
    without regard to case, because mapping ignores case too.
    """
    notes = notes if notes is not None else []
    names = [_clean_name(n) for n in raw]
    width = len(names)
    while width > 0 and not names[width - 1]:
        if any(len(row) >= width and row[width - 1].strip() for row in sample):
            break
        width -= 1
    if width < len(names):
        dropped = len(names) - width
        notes.append(f"dropped {dropped} empty column(s) at the end of each line")
    names = names[:width]
    taken: set[str] = set()
    result: list[str] = []
    for i, name in enumerate(names, start=1):
        if not name:
            name = f"column_{i}"
            notes.append(f"column {i} has no name; called it {name}")
        unique, n = name, 1
        while unique.casefold() in taken:
            n += 1
            unique = f"{name}_{n}"
        if unique != name:
            notes.append(f"column {i} repeats the name {name!r}; called it {unique!r}")
        taken.add(unique.casefold())
        result.append(unique)
    return result, width


def _clean_name(text: str) -> str:
    return " ".join(text.strip().strip(_INVISIBLE).split())


def _source_row(
    line: int, fields: list[str], problem: str | None, width: int, *, pad: bool = True
) -> SourceRow:
    """A row of the header's width; a short row is padded with empty values, unless ``pad`` is
    False (values separated by spaces, where the missing one cannot be placed): a problem."""
    if len(fields) > width:
        last = len(fields)
        while last > width and not fields[last - 1].strip():
            last -= 1
        if last > width:
            problem = problem or (
                f"this row has {last} values but the header names only {width} columns"
            )
            return SourceRow(line, tuple(fields[:last]), problem)
        fields = fields[:width]
    elif len(fields) < width:
        if not pad:
            problem = problem or (
                f"this row has {len(fields)} values but the header names {width} columns; "
                "with values separated by spaces, which one is missing cannot be told"
            )
        fields = [*fields, *([""] * (width - len(fields)))]
    return SourceRow(line, tuple(fields), problem)


_NUMBER_OR_DATE = re.compile(
    r"^[-+]?[\d.,' ]*\d$|^\d{4}-\d{2}-\d{2}([ T][\d:.]+)?$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class HeaderLooksLikeData(UserError):
    """The first row is data, not column names: the app offers to read the file without one."""


def _refuse_data_header(name: str, line: int, raw: Sequence[str]) -> None:
    """A first row made of numbers, dates or an email address is data, not column names."""
    filled = [v for v in raw if v]
    if not filled:
        return
    if any(_EMAIL.match(v) for v in filled) or all(_NUMBER_OR_DATE.match(v) for v in filled):
        shown = ", ".join(filled[:3])
        raise HeaderLooksLikeData(
            f"{name}, line {line}: the first row looks like data ({shown}), not column names; "
            "add a header row that names the columns, or read the file as one without "
            "(--no-header)"
        )
