"""The fast paths of an import give exactly what the full rules give.

Each value rule with a fast path keeps its plain implementation (``_*_slow`` in its module);
here the two are compared on arbitrary text and on text shaped to reach the edges of the fast
paths: whitespace, quotes, formula characters, Unicode digits and spaces, digit groups, date-like
strings, addresses in every case. Typing a chunk column by column (``build_chunk``) is compared
with a row-by-row reference that uses only the plain implementations, on generated rows and on
every file of the corpus. Reading a file in chunks is compared with reading it row by row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segdesk.errors import UserError
from segdesk.ingest import (
    ColumnMapping,
    ColumnType,
    Mapping,
    ReadStats,
    RecordBuilder,
    SourceRow,
    ValueProblem,
    inspect_file,
    iter_chunks,
    iter_rows,
    suggest_for_shape,
)
from segdesk.ingest.text_tables import (
    TextTableError,
    _csv_message,
    csv_raw_records,
    csv_records,
    split_lines,
)
from segdesk.ingest.typed_rows import (
    IDENTIFIER_FIELDS,
    Record,
    _email_column,
    _identifier_column,
    _Memo,
    _text_column,
)
from segdesk.ingest.values import dates as date_rules
from segdesk.ingest.values import emails as email_rules
from segdesk.ingest.values import identifiers as identifier_rules
from segdesk.ingest.values import numbers as number_rules
from segdesk.ingest.values.consent import normalise_consent
from segdesk.ingest.values.dates import _parse_date_slow, parse_date
from segdesk.ingest.values.emails import (
    _normalise_email_slow,
    are_plain_emails,
    is_plain_email,
    normalise_email,
)
from segdesk.ingest.values.identifiers import (
    _clean_identifier_slow,
    clean_identifier,
    is_plain_identifier,
)
from segdesk.ingest.values.names import split_full_name
from segdesk.ingest.values.numbers import _parse_number_slow, parse_number
from segdesk.ingest.values.order_status import normalise_status
from segdesk.ingest.values.text import _clean_text_slow, clean_text
from tests.ingest.corpus_files import CORPUS, READABLE
from tests.sizes import sized

EXAMPLES = settings(max_examples=sized(200, 800), deadline=None)
FEW_EXAMPLES = settings(max_examples=120, deadline=None)

# --- strategies -------------------------------------------------------------------------------

FRAGMENTS = (
    # whitespace, also the kinds str.strip removes beyond the space
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u00a0",
    "\u2009",
    "\u202f",
    "\u3000",
    "\x1c",
    "\x0b",
    # quotes, formula starts, Excel's text trick
    "'",
    "''",
    '"',
    '="',
    "=",
    "+",
    "-",
    "@",
    "\u2212",
    # digits: ASCII, other scripts, superscripts, digit-like letters
    "0",
    "1",
    "7",
    "9",
    "00",
    "123",
    "2024",
    "06",
    "30",
    "13",
    "\u0663",
    "\u00b2",
    "\u2460",
    "O",
    # number punctuation, currencies, stand-ins
    ".",
    ",",
    "(",
    ")",
    "E",
    "e",
    "E+",
    "e-",
    "€",
    "$",
    "USD",
    " CHF",
    "n/a",
    "--",
    # email parts, in both cases, with lookalikes
    "a",
    "Z",
    "user",
    "User",
    "x_y",
    "_",
    "mailto:",
    "MAILTO:",
    "<",
    ">",
    "..",
    "xn--",
    "com",
    "DE",
    "io",
    "c0m",
    "K",
    "\u212a",
    "\u0130",
    "ß",
    "ü",
    "é",
    # date and time parts
    "/",
    ":",
    "T",
    "t",
    "Z",
    " PM",
    "am",
    "+02:00",
    "UTC",
    "12:00",
    "23:59:59",
    ".123",
    # consent and yes/no words
    "yes",
    "No",
    "opt-in",
    "Opted Out",
    "pending",
    "ja",
)

fragments = st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join)
"""Text assembled from pieces that sit on the edge of some fast path."""

padded = st.tuples(
    st.sampled_from(["", " ", "\t", "'", "'=", "\u00a0"]),
    st.text(),
    st.sampled_from(["", " ", "\n", "\u2009"]),
).map("".join)

texts = st.one_of(st.text(), fragments, padded)

plain_emails = st.from_regex(
    r"[a-z0-9_+-]{1,70}(?:\.[a-z0-9_+-]{1,6})?@[a-z0-9-]{1,8}(?:\.[a-z0-9-]{1,8})?\.[a-z]{1,5}",
    fullmatch=True,
)
"""Lower-case addresses, some too long or with a hyphen out of place: the fast path's edge."""

emails = st.one_of(
    plain_emails,
    plain_emails.map(str.upper),
    st.emails(),
    st.emails().map(str.upper),
    st.emails().map(lambda e: f" {e.title()} "),
    st.emails().map(lambda e: f"mailto:{e}"),
    st.emails().map(lambda e: f"<{e}>"),
    st.from_regex(r"[a-zA-Z0-9._+'-]{1,12}@[a-zA-Z0-9.-]{1,12}\.[a-zA-Z0-9-]{1,5}", fullmatch=True),
    texts,
)

numbers = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.from_regex(r"[ (+\-\u2212]?[0-9]{0,4}(?:[.,' ][0-9]{0,4}){0,3}[ )-]?", fullmatch=True),
    st.from_regex(r"-?[0-9\u0663]{1,6}(?:\.[0-9]{1,4})?", fullmatch=True),
    texts,
)

dates = st.one_of(
    st.dates().map(str),
    st.datetimes().map(str),
    st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
    st.datetimes().map(lambda d: d.isoformat(sep=" ", timespec="seconds")),
    st.from_regex(
        r"[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}(?:[T ]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
        r"(?: ?[AaPp][Mm])?(?:Z|[+-][0-9]{2}:?[0-9]{2})?",
        fullmatch=True,
    ),
    st.from_regex(
        r"[0-9\u0663]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?\n?",
        fullmatch=True,
    ),
    texts,
)

identifiers = st.one_of(
    st.from_regex(r"[ '=]?[\"]?[+0-9A-Za-z .,-]{0,12}[Ee]?[+]?[0-9]{0,3}[\"]?[ ]?", fullmatch=True),
    st.integers(min_value=0).map(str),
    texts,
)

column_types = st.one_of(
    st.builds(ColumnType, st.sampled_from(["text", "category", "bool"])),
    st.builds(ColumnType, st.just("number"), decimal=st.sampled_from([None, ".", ",", "'", "1"])),
    st.builds(
        ColumnType,
        st.just("date"),
        date_order=st.sampled_from([None, "dmy", "mdy"]),
        serials=st.booleans(),
    ),
)

# --- helpers ----------------------------------------------------------------------------------


def outcome(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, str]:
    """What a call gives, exactly: the value's repr (type and all), or the problem's reason.

    Any other error counts too: a fast path must not fail where the rules do not, nor the
    other way round (the rules let some odd values through as errors, such as an offset of
    ``-3000`` hours; those must stay what they are).
    """
    try:
        value = call(*args, **kwargs)
    except ValueProblem as exc:
        return "problem", exc.reason
    except (ValueError, OverflowError) as exc:
        return type(exc).__name__, str(exc)
    return "value", repr(value)


def each(convert: Callable[[str], Any], values: Sequence[str]) -> tuple[str, str]:
    """A column converter's expected outcome: every value, or the first value's problem."""
    return outcome(lambda: [convert(v) for v in values])


def exactly(record: Record) -> tuple[Any, ...]:
    """A record with its values' types and its dictionaries' key order made comparable."""
    return (
        record.line,
        [(k, repr(v)) for k, v in record.fields.items()],
        [(k, repr(v)) for k, v in record.custom.items()],
        record.problems,
        record.raw,
    )


def optional_slow(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    def run(text: str) -> Any:
        if not text.strip():
            return None
        return convert(text) or None

    return run


def reference_value(column: ColumnMapping, text: str) -> Any:
    """A value typed by the plain implementation of its column's rule."""
    name = column.field
    if column.action == "field":
        if name == "email":
            return optional_slow(_normalise_email_slow)(text)
        if name in IDENTIFIER_FIELDS:
            return optional_slow(_clean_identifier_slow)(text)
        if name == "consent":
            return normalise_consent(text, inverted=column.inverted)
        if name == "full_name":
            return split_full_name(text)
        if name == "status":
            return normalise_status(text)
    return column.type._parse_slow(text)


def reference_record(
    mapping: Mapping, header: Sequence[str], key: str | None, row: SourceRow
) -> Record:
    """A row typed one value at a time by the plain rules: the expectation for ``build_chunk``."""
    if row.problem:
        return Record(row.line, {}, {}, (row.problem,), row.values)
    positions = {name: i for i, name in enumerate(header)}
    mapped = mapping.fields()
    split = "full_name" in mapped and not ({"first_name", "last_name"} & mapped.keys())
    fields: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    problems: list[str] = []
    failed: set[str] = set()
    for column in mapping.columns:
        if column.action == "skip":
            continue
        pos = positions[column.source]
        text = row.values[pos] if pos < len(row.values) else ""
        try:
            value = reference_value(column, text)
        except ValueProblem as exc:
            problems.append(f"{column.source}: {exc.reason}")
            failed.add(column.field or "")
            continue
        if column.action == "custom":
            custom[column.field or ""] = value
        elif column.field == "full_name" and split:
            fields["first_name"], fields["last_name"] = value
        elif column.field != "full_name":
            fields[column.field or ""] = value
    for name, value in mapping.effective_defaults().items():
        fields.setdefault(name, value)
    # a row of an order may leave its contact and date to another row of the order
    if mapping.target != "events" or "ref" not in mapped or fields.get("ref") is None:
        problems.extend(_reference_missing_keys(fields, failed, key, mapping.target))
    return Record(row.line, fields, custom, tuple(problems), row.values)


def _reference_missing_keys(
    fields: dict[str, Any], failed: set[str], key: str | None, target: str
) -> list[str]:
    """A missing key is a problem unless its value was there and did not fit."""
    if key:
        if key not in failed and fields.get(key) is None:
            return [f"no {key.replace('_', ' ')}, the key of this import"]
    elif not failed & {"email", "external_id"} and (
        fields.get("email") is None and fields.get("external_id") is None
    ):
        return ["neither an email address nor an external id"]
    if target == "events" and "occurred_at" not in failed and fields.get("occurred_at") is None:
        return ["no date for the event"]
    return []


# --- single values ----------------------------------------------------------------------------


@EXAMPLES
@given(texts)
def test_clean_text(text: str) -> None:
    assert clean_text(text) == _clean_text_slow(text)


@EXAMPLES
@given(st.one_of(identifiers, texts))
def test_identifier(text: str) -> None:
    assert outcome(clean_identifier, text) == outcome(_clean_identifier_slow, text)
    if is_plain_identifier(text):
        assert _clean_identifier_slow(text) == text


@EXAMPLES
@given(emails)
def test_email(text: str) -> None:
    assert outcome(normalise_email, text) == outcome(_normalise_email_slow, text)
    if is_plain_email(text):
        assert _normalise_email_slow(text) == text


@EXAMPLES
@given(st.lists(st.one_of(emails, st.just(""), plain_emails.map(lambda e: f"{e}\n{e}"))))
def test_plain_email_column(values: list[str]) -> None:
    assert are_plain_emails(values) == all(not v or is_plain_email(v) for v in values)


@EXAMPLES
@given(numbers, st.sampled_from([None, ".", ",", "'", "1"]))
def test_number(text: str, decimal: str | None) -> None:
    assert outcome(parse_number, text, decimal) == outcome(_parse_number_slow, text, decimal)


@EXAMPLES
@given(dates, st.sampled_from(["dmy", "mdy"]), st.booleans())
def test_date(text: str, order: Any, serials: bool) -> None:
    assert outcome(parse_date, text, order, serials=serials) == outcome(
        _parse_date_slow, text, order, serials=serials
    )


@EXAMPLES
@given(st.one_of(numbers, dates, texts), column_types)
def test_column_type(text: str, column: ColumnType) -> None:
    assert outcome(column.parse, text) == outcome(column._parse_slow, text)


@pytest.mark.parametrize(
    ("call", "text"),
    [
        (normalise_email, f"{'a' * 65}@example.com"),  # plain, but too long before the @
        (normalise_email, f"{'a' * 60}@example.com"),
        (normalise_email, "a@b-.com"),
        (normalise_email, "a@b.co\n"),
        (normalise_email, "'a@b.co"),
        (normalise_email, "a@xn--p1ai.xn--p1ai"),
        (clean_identifier, "1E+5"),
        (clean_identifier, "\u0663E+5"),
        (clean_identifier, '="1"'),
        (clean_identifier, "'=1"),
        (parse_number, "\u00b2"),  # a digit to str.isdigit, not to int()
        (parse_number, "1\u00b2"),
        (parse_number, "\u0663\u0663"),  # a decimal digit of another script
        (parse_number, "-0"),
        (parse_number, "-0.0"),
        (parse_number, "007.50"),
        (parse_date, "2024-02-30"),
        (parse_date, "2024-06-30 24:00"),
        (parse_date, "0000-01-01"),
        (parse_date, "\u0663\u0663\u0663\u0663-01-01"),
        (parse_date, "2024-06-30\n"),
    ],
)
def test_edges_of_the_fast_paths(call, text):
    slow = {
        normalise_email: _normalise_email_slow,
        clean_identifier: _clean_identifier_slow,
        parse_number: _parse_number_slow,
        parse_date: _parse_date_slow,
    }[call]
    assert outcome(call, text) == outcome(slow, text)


@pytest.mark.parametrize(
    ("call", "text", "expected"),
    [
        (clean_identifier, "C0001", "C0001"),
        (clean_identifier, "+1 555 0100", "+1 555 0100"),
        (normalise_email, "ann.lee+news@mail.example.co.uk", "ann.lee+news@mail.example.co.uk"),
        (normalise_email, "Ann@Example.COM", "ann@example.com"),
        (parse_number, "-12", -12),
        (parse_number, "12.50", 12.5),
        (parse_date, "2024-06-30", "2024-06-30"),
        (parse_date, "2024-06-30 12:00", "2024-06-30 12:00:00"),
    ],
)
def test_fast_paths_are_taken_for_plain_values(call, text, expected, monkeypatch):
    """Plain values never reach the full rules (which would make the fast paths pointless)."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"{text!r} took the full rules")

    for module, name in (
        (identifier_rules, "_clean_identifier_slow"),
        (email_rules, "_normalise_email_slow"),
        (number_rules, "_parse_number_slow"),
        (date_rules, "_parse_date_slow"),
    ):
        monkeypatch.setattr(module, name, refuse)
    result = call(text)
    assert (str(result) if call is parse_date else result) == expected


# --- whole columns ----------------------------------------------------------------------------


@EXAMPLES
@given(st.lists(texts, max_size=12))
def test_text_column(values: list[str]) -> None:
    assert outcome(_text_column, values) == each(ColumnType("text")._parse_slow, values)


@EXAMPLES
@given(st.lists(st.one_of(identifiers, texts), max_size=12))
def test_identifier_column(values: list[str]) -> None:
    assert outcome(_identifier_column, values) == each(
        optional_slow(_clean_identifier_slow), values
    )


@EXAMPLES
@given(st.lists(st.one_of(emails, st.just("")), max_size=12))
def test_email_column(values: list[str]) -> None:
    assert outcome(_email_column, values) == each(optional_slow(_normalise_email_slow), values)


@FEW_EXAMPLES
@given(
    column_types,
    st.lists(
        st.lists(
            st.sampled_from(["1", "2024-01-02", "x", "", "n/a", "1,5", "yes"]) | numbers | dates,
            max_size=8,
        ),
        max_size=6,
    ),
    st.integers(1, 4),
)
def test_memo_column(column: ColumnType, chunks: list[list[str]], limit: int) -> None:
    """A remembering column gives what the rule gives, chunk after chunk, problems too."""
    memo = _Memo(column.parse, limit=limit)
    for chunk in chunks:
        assert outcome(memo, chunk) == each(column._parse_slow, chunk)
        for text in chunk:
            assert outcome(memo.one, text) == outcome(column._parse_slow, text)
        assert len(memo._values) <= limit and len(memo._problems) <= limit


def test_memo_stops_remembering_values_that_do_not_repeat():
    memo = _Memo(ColumnType("number").parse)
    for start in range(0, 10_000, 1000):
        chunk = [str(n) for n in range(start, start + 1000)]
        assert memo(chunk) == list(range(start, start + 1000))
    assert not memo._remembering and not memo._values
    repeating = _Memo(ColumnType("date").parse)
    for _ in range(10):
        repeating(["2024-01-02", "2024-01-03"] * 500)
    assert repeating._remembering and len(repeating._values) == 2


# --- whole rows -------------------------------------------------------------------------------

HEADER = (
    "Id",
    "Email",
    "Name",
    "Phone",
    "Country",
    "Signup",
    "Age",
    "Spent",
    "News",
    "VIP",
    "Ordered",
    "Note",
)


def _column(
    source: str,
    action: Any,
    field: str | None,
    kind: ColumnType | None = None,
    inverted: bool = False,
) -> ColumnMapping:
    return ColumnMapping(source, action, field, kind or ColumnType(), inverted)


def _contacts(inverted: bool) -> Mapping:
    return Mapping(
        "contacts",
        (
            _column("Id", "field", "external_id"),
            _column("Email", "field", "email"),
            _column("Name", "field", "full_name"),
            _column("Phone", "field", "phone"),
            _column("Country", "field", "country", ColumnType("category")),
            _column("Signup", "custom", "signup", ColumnType("date", date_order="mdy")),
            _column("Age", "custom", "age", ColumnType("number", decimal=".")),
            _column("Spent", "custom", "spent", ColumnType("number", decimal=",")),
            _column("News", "field", "consent", inverted=inverted),
            _column("VIP", "custom", "vip", ColumnType("bool")),
            _column("Ordered", "custom", "ordered", ColumnType("date", serials=True)),
            _column("Note", "skip", None),
        ),
        # A default for a field the name column fills is not used (it is not "effective").
        {"source": "shop", "consent": "unknown", "city": "Graz", "last_name": "Doe"},
    )


EVENTS = Mapping(
    "events",
    (
        _column("Email", "field", "email"),
        _column("Id", "field", "ref"),
        _column("Phone", "field", "external_id"),
        _column("Ordered", "field", "occurred_at", ColumnType("date")),
        _column("Spent", "field", "amount", ColumnType("number")),
        _column("Age", "field", "quantity", ColumnType("number")),
        _column("News", "field", "status", ColumnType("category")),
        _column("Note", "custom", "note", ColumnType("text")),
    ),
)

CELLS = {
    "Id": ["C001", "00123", '="007"', "'0042", "1.23457E+11", "", " "],
    "Email": ["ann@example.com", "Ben@Example.COM", "mailto:cy@x.de", "bad@", "a b@c.de", ""],
    "Name": ["Ana Lee", "Ludwig van Beethoven", "Lee, Ana", "Mr Bo", "", "'=x"],
    "Phone": ["+1 555 0100", "0301234", "1.2E+5", ""],
    "Country": ["DE", "us", " AT ", "", "'=x"],
    "Signup": ["2024-06-30", "06/30/2024", "2024-02-30", "13/01/2024", "n/a", "", "soon"],
    "Age": ["18", "-5", "007", "1,234", "1.5", "x", "", "-"],
    "Spent": ["1.234,56", "12,50", "12.50", "(5)", "€ 3", "", "abc"],
    "News": ["yes", "no", "subscribed", "Opted Out", "maybe", "", "pending"],
    "VIP": ["true", "NO", "ja", "", "x"],
    "Ordered": ["2024-06-30 10:00", "2024-06-30T10:00:05", "45473", "2024-06-30 25:00", ""],
    "Note": ["hi", "=SUM(A1)", "'@home", "  ", ""],
}


@st.composite
def source_rows(draw: st.DrawFn) -> list[SourceRow]:
    """Rows of ``HEADER``: mostly full width, some short, long or with a read problem."""
    rows = []
    for line in range(2, 2 + draw(st.integers(0, 25))):
        values = [draw(st.sampled_from(CELLS[name]) | texts) for name in HEADER]
        shape = draw(st.sampled_from(["full"] * 6 + ["short", "long", "problem"]))
        problem = None
        if shape == "short":
            values = values[: draw(st.integers(0, len(HEADER) - 1))]
        elif shape == "long":
            values.append("extra")
        elif shape == "problem":
            problem = "this row has 13 values but the header names only 12 columns"
        rows.append(SourceRow(line, tuple(values), problem))
    return rows


@FEW_EXAMPLES
@given(
    st.sampled_from([_contacts(False), _contacts(True), EVENTS]),
    st.sampled_from([None, "email", "external_id"]),
    st.lists(source_rows(), min_size=1, max_size=3),
)
def test_chunks_are_built_as_rows_are(
    mapping: Mapping, key: str | None, chunks: list[list[SourceRow]]
) -> None:
    try:
        builder = RecordBuilder(mapping, HEADER, key)
    except UserError:
        return  # no column for the key
    for rows in chunks:  # one builder for all: what it remembers must not change results
        expected = [exactly(reference_record(mapping, HEADER, key, row)) for row in rows]
        assert [exactly(r) for r in builder.build_chunk(rows)] == expected
        assert [exactly(r) for r in builder.build_many(rows)] == expected
        assert [exactly(builder.build(row)) for row in rows] == expected


@pytest.mark.parametrize("key", [None, "email", "external_id"])
def test_the_first_missing_key_names_the_problem(key):
    """A row without its contact's key and without a date has only the key's problem."""
    builder = RecordBuilder(EVENTS, HEADER, key)
    rows = [SourceRow(2, ("",) * len(HEADER)), SourceRow(3, ("", "a@b.de", *("",) * 10))]
    expected = [exactly(reference_record(EVENTS, HEADER, key, row)) for row in rows]
    assert [exactly(r) for r in builder.build_chunk(rows)] == expected
    assert [len(r.problems) for r in builder.build_chunk(rows)] == [1, 1]


def _corpus_builds() -> list[tuple[str, str, str | None]]:
    cases = []
    for name in READABLE:
        for target in ("contacts", "events"):
            for key in (None, "email", "external_id"):
                cases.append((name, target, key))
    return cases


def test_every_corpus_file_builds_as_rows_are():
    """Every readable corpus file, every target and key its mapping allows."""
    compared = 0
    for name, target, key in _corpus_builds():
        shape = inspect_file(CORPUS / name)
        rows = list(iter_rows(shape))
        mapping = suggest_for_shape(shape, target)
        try:
            builder = RecordBuilder(mapping, shape.header, key)
        except UserError:
            continue  # no column for the key
        expected = [exactly(reference_record(mapping, shape.header, key, r)) for r in rows]
        assert [exactly(r) for r in builder.build_many(rows)] == expected, (name, target, key)
        chunked = [r for chunk in iter_chunks(shape, 2) for r in builder.build_chunk(chunk)]
        assert [exactly(r) for r in chunked] == expected, (name, target, key)
        compared += len(rows)
    assert compared > 100


# --- reading ----------------------------------------------------------------------------------


def _split_lines_plainly(blocks: list[str]) -> list[str]:
    """``split_lines`` as a generator of one line at a time: the reference."""
    out, rest, cr_only = [], "", None
    for block in blocks:
        if cr_only is None:
            cr_only = "\n" not in block and "\r" in block
        if cr_only:
            block = block.replace("\r", "\n")
        lines = (rest + block).split("\n")
        rest = lines.pop()
        out.extend(line + "\n" for line in lines)
    if rest:
        out.append(rest)
    return out


@EXAMPLES
@given(st.lists(st.text(alphabet=st.sampled_from('ab,;"\n\r '), max_size=12), max_size=6))
def test_split_lines(blocks: list[str]) -> None:
    assert list(split_lines(blocks)) == _split_lines_plainly(blocks)


def _csv_records_plainly(lines: Iterator[str]) -> Iterator[tuple[int, list[str], None]]:
    """``csv_raw_records`` with ``next`` per record and a tracker per line: the reference."""
    last, exhausted = "", False

    def tracked() -> Iterator[str]:
        nonlocal last, exhausted
        for line in lines:
            last = line.rstrip("\r\n")
            yield line
        exhausted = True

    reader = csv.reader(tracked(), delimiter=",", quotechar='"', doublequote=True, strict=False)
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise TextTableError(start, _csv_message(exc)) from None
        if reader.line_num > start:
            if exhausted and last.count('"') % 2 == 0:
                raise TextTableError(start, 'a quote (") opened on this line is never closed')
            fields = [f.replace("\r\n", "\n").replace("\r", "\n") for f in fields]
        yield start, fields, None


@EXAMPLES
@given(st.lists(st.text(alphabet=st.sampled_from('ab,"\n\r '), max_size=10), max_size=5))
def test_csv_records(blocks: list[str]) -> None:
    def run(read: Callable[[Iterator[str]], Iterator[Any]]) -> Any:
        records = []
        try:
            records.extend(read(split_lines(blocks)))
        except TextTableError as exc:  # the same error, on the same line, after the same rows
            return records, str(exc), exc.line
        return records, None, None

    expected = run(_csv_records_plainly)
    assert run(lambda lines: csv_raw_records(lines, ",")) == expected
    assert run(lambda lines: (tuple(vars(r).values()) for r in csv_records(lines, ","))) == (
        expected
    )


def test_a_row_is_blank_only_when_every_value_is(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("id,email,city\n1,a@b.de,X\n,,\n , ,\n,c@d.de,\n, ,Y\n")
    stats = ReadStats()
    rows = list(iter_rows(inspect_file(path), stats=stats))
    assert [(r.line, r.values) for r in rows] == [
        (2, ("1", "a@b.de", "X")),
        (5, ("", "c@d.de", "")),
        (6, ("", " ", "Y")),
    ]
    assert (stats.rows, stats.skipped_lines) == (3, 2)


@pytest.mark.parametrize("name", READABLE)
def test_chunks_hold_the_rows_in_order(name: str):
    row_stats = ReadStats()
    shape = inspect_file(CORPUS / name)
    rows = list(iter_rows(shape, stats=row_stats))
    for size in (1, 2, 3, 5000):
        chunk_stats = ReadStats()
        chunks = list(iter_chunks(shape, size, stats=chunk_stats))
        assert [len(c) for c in chunks[:-1]] == [size] * (len(chunks) - 1)
        assert [r for c in chunks for r in c] == rows
        assert chunk_stats == row_stats
