"""Applying a mapping to text rows: typed field values, or the reasons a row cannot be used.

Nothing is written anywhere here. A ``Record`` with problems is meant for the rejects file (its
line and reasons); one without is ready for the database side. Field rules: emails are checked
and lower-cased; ids, phone numbers, postal codes and refs stay text (leading zeros and ``+``
kept); consent becomes subscribed/unsubscribed/unknown; a full name is split when there are no
first/last name columns; every other value is typed by its column's ``ColumnType``.

Typing may trim surrounding spaces (and lower-case an email) and nothing else without saying
so: every other change (a ``mailto:`` taken off, an identifier unwrapped from ``="…"``, an
export's formula guard removed, a title left out of a name) is counted in
``RecordBuilder.changes`` for the report, over the rows that can be used.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, islice, repeat
from operator import is_not, setitem
from typing import Any, Literal

from segdesk.errors import UserError
from segdesk.ingest.mapping.columns import ColumnMapping, Mapping
from segdesk.ingest.sources import SourceRow
from segdesk.ingest.values.consent import normalise_consent
from segdesk.ingest.values.emails import (
    are_plain_emails,
    is_plain_email,
    normalise_email,
    plain_email_flags,
)
from segdesk.ingest.values.identifiers import clean_identifier, is_plain_identifier
from segdesk.ingest.values.names import split_full_name
from segdesk.ingest.values.order_status import normalise_status
from segdesk.ingest.values.problems import ValueProblem
from segdesk.ingest.values.text import clean_text, unneutralise

IDENTIFIER_FIELDS = frozenset({"external_id", "phone", "postal_code", "ref"})

CHUNK_ROWS = 500
"""Rows ``build_many`` types together: enough to make the work per column negligible, few
enough that a chunk's values are still in the processor's cache from one column to the next
(typing 5000 rows at once is measurably slower)."""

MEMO_LIMIT = 50_000
"""Distinct values one column remembers; past that it forgets them all and starts over."""

MEMO_TRIAL = 2000
"""Values a column converts before deciding whether remembering them pays (see ``_Memo``)."""


@dataclass(frozen=True, init=False)
class Record:
    """One row typed: target fields, custom fields, and problems (empty when usable)."""

    line: int
    fields: dict[str, Any]
    custom: dict[str, Any]
    problems: tuple[str, ...]
    raw: tuple[str, ...]

    def __init__(
        self,
        line: int,
        fields: dict[str, Any],
        custom: dict[str, Any],
        problems: tuple[str, ...],
        raw: tuple[str, ...],
    ) -> None:
        # An import makes one record per row. The generated __init__ of a frozen dataclass
        # sets each attribute through object.__setattr__, which costs more than the rest of
        # typing a short row; filling the instance dictionary directly is the same result.
        attributes = self.__dict__
        attributes["line"] = line
        attributes["fields"] = fields
        attributes["custom"] = custom
        attributes["problems"] = problems
        attributes["raw"] = raw

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        """All problems in one line, for a rejects file."""
        return "; ".join(self.problems)


Converter = Callable[[str], Any]
"""Types one value: the typed value, or ``ValueProblem``."""

ColumnConverter = Callable[[Sequence[str]], list[Any]]
"""Types a whole column of a chunk, exactly as its ``Converter`` would value by value; raises
``ValueProblem`` when any value fails, and the caller then goes value by value."""

ChangeCount = Callable[[Sequence[str], Sequence[Any]], int]
"""How many of a column's values typing changed beyond what goes without saying (see
``_change_check``); given the texts and what they became."""

Target = Literal["field", "custom", "split", "drop"]


@dataclass(frozen=True, slots=True)
class _Step:
    """One mapped column: where its text is, how to type it, where the value goes.

    ``convert`` types one value (``build`` uses it), ``convert_column`` a chunk's column, and
    ``convert_each`` the values of a column that failed as a whole (it may remember values).
    ``target`` is ``field`` or ``custom`` (stored under ``name``), ``split`` (a full name
    into first and last name) or ``drop`` (a full name next to first/last name columns).
    """

    position: int
    column: ColumnMapping
    convert: Converter
    convert_column: ColumnConverter
    convert_each: Converter
    target: Target
    name: str


class _Failed:
    """What a value that does not fit its column becomes while a row is built: the reason."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class RecordBuilder:
    """Types rows of one file with one mapping; build it once, call ``build`` per row.

    ``key`` (``email`` or ``external_id``) is the field every row must have to find its
    contact; without it, either one will do. ``build_chunk`` (and ``build_many``) type many
    rows at once with the same results as ``build``, several times faster.
    """

    def __init__(self, mapping: Mapping, header: Sequence[str], key: str | None = None) -> None:
        mapping.require_usable()
        if key not in (None, "email", "external_id"):
            raise UserError(f"unknown key {key!r}; expected email or external_id")
        if key and key not in mapping.fields():
            raise UserError(f"no column is mapped to {key}, the key chosen for this import")
        positions = {name: i for i, name in enumerate(header)}
        missing = [
            c.source for c in mapping.columns if c.action != "skip" and c.source not in positions
        ]
        if missing:
            raise UserError(
                "the mapping names columns this file does not have: "
                + ", ".join(repr(m) for m in missing)
            )
        self.mapping = mapping
        self.key = key
        self._width = len(header)
        mapped = mapping.fields()
        self._split_names = "full_name" in mapped and not (
            {"first_name", "last_name"} & mapped.keys()
        )
        self._steps = [
            self._step(positions[c.source], c) for c in mapping.columns if c.action != "skip"
        ]
        self.changes: Counter[str] = Counter()
        """Values changed beyond trimming (and lower-casing an email), by column and kind."""
        self._change_checks = [
            (index, *check)
            for index, step in enumerate(self._steps)
            if (check := _change_check(step.column, step.target)) is not None
        ]
        self._defaults = mapping.effective_defaults()
        self._key_checks = key_checks(key, mapping.target)
        self._lines_wait = mapping.target == "events" and "ref" in mapped
        """A row with an order ref may leave its contact and date to another row of its order
        (a shop's later line-item rows): the event writer finds them or rejects the row."""
        self._field_names: list[str] = []
        self._custom_names: list[str] = []
        for step in self._steps:
            if step.target == "field":
                self._field_names.append(step.name)
            elif step.target == "split":
                self._field_names.extend(("first_name", "last_name"))
            elif step.target == "custom":
                self._custom_names.append(step.name)
        # When every value of a row fits, the row has every mapped field, so a default can
        # only fill a field no column fills, and it does so in every such row.
        self._chunk_defaults = {
            name: value for name, value in self._defaults.items() if name not in self._field_names
        }
        self._field_names.extend(self._chunk_defaults)

    def _step(self, position: int, column: ColumnMapping) -> _Step:
        target: Target
        if column.action == "custom":
            target = "custom"
        elif column.field == "full_name":
            target = "split" if self._split_names else "drop"
        else:
            target = "field"
        convert, convert_column = _converters(column)
        convert_each = convert_column.one if isinstance(convert_column, _Memo) else convert
        return _Step(
            position, column, convert, convert_column, convert_each, target, column.field or ""
        )

    def build(self, row: SourceRow) -> Record:
        """One row typed, value by value: the reference that ``build_chunk`` matches."""
        if row.problem:
            return Record(row.line, {}, {}, (row.problem,), row.values)
        values = row.values
        texts: list[str] = []
        typed: list[Any] = []
        for step in self._steps:
            pos = step.position
            text = values[pos] if pos < len(values) else ""
            texts.append(text)
            try:
                typed.append(step.convert(text))
            except ValueProblem as exc:
                typed.append(_Failed(exc.reason))
        record = self._record(row, typed)
        if record.ok and self._change_checks:
            self._count_changes([[text] for text in texts], [[value] for value in typed])
        return record

    def build_many(self, rows: Iterable[SourceRow]) -> Iterator[Record]:
        """Records for ``rows``, in order, typed ``CHUNK_ROWS`` at a time by ``build_chunk``."""
        remaining = iter(rows)
        while chunk := list(islice(remaining, CHUNK_ROWS)):
            yield from self.build_chunk(chunk)

    def build_chunk(self, rows: Sequence[SourceRow]) -> list[Record]:
        """Records for ``rows``, in order, equal to ``[self.build(row) for row in rows]``.

        Typing goes column by column: one pass per column lets a converter keep its state
        (see ``_Memo``) and saves the per-value bookkeeping that dominates ``build``. Rows
        that cannot go this way (a read problem, an unusual number of values) are built by
        ``build``. A row with a value that does not fit gets its record as ``build`` makes
        it, from the values typed here.
        """
        width = self._width
        usable = [row for row in rows if not row.problem and len(row.values) == width]
        if not usable:
            return [self.build(row) for row in rows]
        records = self._type_columns(usable)
        if len(usable) == len(rows):
            return records
        typed = iter(records)
        return [
            next(typed) if not row.problem and len(row.values) == width else self.build(row)
            for row in rows
        ]

    def _type_columns(self, rows: list[SourceRow]) -> list[Record]:
        """Records for rows without a read problem that have the header's number of values."""
        count = len(rows)
        texts = list(zip(*(row.values for row in rows), strict=True))
        typed: list[list[Any]] = []
        failed: set[int] = set()
        field_columns: list[Sequence[Any]] = []
        custom_columns: list[Sequence[Any]] = []
        for step in self._steps:
            values, bad = _convert_column(step, texts[step.position])
            typed.append(values)
            failed.update(bad)
            if step.target == "field":
                field_columns.append(values)
            elif step.target == "custom":
                custom_columns.append(values)
            elif step.target == "split":
                field_columns.extend(_first_and_last(values))
        field_columns.extend([value] * count for value in self._chunk_defaults.values())
        by_name = dict(zip(self._field_names, field_columns, strict=True))
        problems = self._key_problems(by_name, count)
        fields = _dicts(self._field_names, field_columns, count)
        custom = _dicts(self._custom_names, custom_columns, count)
        records = [
            Record(row.line, row_fields, row_custom, found, row.values)
            for row, row_fields, row_custom, found in zip(
                rows, fields, custom, problems, strict=True
            )
        ]
        for index in failed:
            records[index] = self._record(rows[index], [values[index] for values in typed])
        if self._change_checks:
            step_texts: Sequence[Sequence[str]] = [texts[step.position] for step in self._steps]
            kept_typed: Sequence[Sequence[Any]] = typed
            if failed or any(problems):
                kept = [i for i, record in enumerate(records) if record.ok]
                step_texts = [[column[i] for i in kept] for column in step_texts]
                kept_typed = [[column[i] for i in kept] for column in typed]
            self._count_changes(step_texts, kept_typed)
        return records

    def _count_changes(
        self, texts: Sequence[Sequence[str]], typed: Sequence[Sequence[Any]]
    ) -> None:
        """Add the changes found in usable rows: ``texts`` and ``typed`` hold a column per step."""
        for index, label, check in self._change_checks:
            found = check(texts[index], typed[index])
            if found:
                self.changes[label] += found

    def _record(self, row: SourceRow, typed: Sequence[Any]) -> Record:
        """The record of a row from its typed values, one per step (``_Failed`` if it failed)."""
        fields: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        problems: list[str] = []
        failed: set[str] = set()
        for step, value in zip(self._steps, typed, strict=True):
            if isinstance(value, _Failed):
                problems.append(f"{step.column.source}: {value.reason}")
                failed.add(step.name)
            elif step.target == "custom":
                custom[step.name] = value
            elif step.target == "split":
                fields["first_name"], fields["last_name"] = value
            elif step.target == "field":
                fields[step.name] = value
        for name, value in self._defaults.items():
            fields.setdefault(name, value)
        problems.extend(self._missing_keys(fields, failed))
        return Record(row.line, fields, custom, tuple(problems), row.values)

    def _missing_keys(self, fields: dict[str, Any], failed: set[str]) -> list[str]:
        """The first key check the row fails; a key whose value did not fit is already named."""
        if self._lines_wait and fields.get("ref") is not None:
            return []
        for names, message in self._key_checks:
            if failed.intersection(names):
                continue
            if all(fields.get(name) is None for name in names):
                return [message]
        return []

    def _key_problems(self, columns: dict[str, Sequence[Any]], count: int) -> list[tuple[str, ...]]:
        """``_missing_keys`` for a whole chunk, from the typed field columns."""
        problems: list[tuple[str, ...]] = [()] * count
        nothing = [None] * count
        # The first check a row fails names its problem, so later checks are applied first.
        for names, message in reversed(self._key_checks):
            missing = [value is None for value in columns.get(names[0], nothing)]
            for name in names[1:]:
                column = columns.get(name, nothing)
                missing = [
                    gone and value is None for gone, value in zip(missing, column, strict=True)
                ]
            if self._lines_wait and True in missing:
                refs = columns["ref"]
                missing = [gone and ref is None for gone, ref in zip(missing, refs, strict=True)]
            flagged = (message,)
            problems = [
                flagged if gone else found for gone, found in zip(missing, problems, strict=True)
            ]
        return problems


def key_checks(key: str | None, target: str) -> list[tuple[tuple[str, ...], str]]:
    """Fields a row needs, in order: a row with none of a check's fields has its problem."""
    checks: list[tuple[tuple[str, ...], str]] = []
    if key:
        checks.append(((key,), f"no {key.replace('_', ' ')}, the key of this import"))
    else:
        checks.append((("email", "external_id"), "neither an email address nor an external id"))
    if target == "events":
        checks.append((("occurred_at",), "no date for the event"))
    return checks


def _dicts(
    names: Sequence[str], columns: Sequence[Sequence[Any]], count: int
) -> list[dict[str, Any]]:
    """One dictionary per row, ``names`` to that row's values in ``columns``.

    They are filled a column at a time by ``map`` over ``operator.setitem``, so no Python code
    runs per value, and each starts as a copy of one that already holds every name, so none
    is resized while it fills. Key order and a repeated name's value are those of assigning
    the names in order.
    """
    template = dict.fromkeys(names)
    dicts = list(map(dict.copy, repeat(template, count)))
    for name, values in zip(names, columns, strict=True):
        deque(map(setitem, dicts, repeat(name), values), maxlen=0)  # runs the map, keeps nothing
    return dicts


def _first_and_last(names: list[Any]) -> Iterator[tuple[Any, ...]]:
    """The first-name and the last-name column of a split name column.

    A name that failed gives two stand-ins; its row is built again from the typed values.
    """
    pairs = [(None, None) if isinstance(pair, _Failed) else pair for pair in names]
    return zip(*pairs, strict=True)


def _convert_column(step: _Step, texts: Sequence[str]) -> tuple[list[Any], list[int]]:
    """A column's typed values, and the indexes of the values that do not fit (``_Failed``)."""
    try:
        return step.convert_column(texts), []
    except ValueProblem:
        pass
    convert = step.convert_each
    values: list[Any] = []
    failed: list[int] = []
    for index, text in enumerate(texts):
        try:
            values.append(convert(text))
        except ValueProblem as exc:
            values.append(_Failed(exc.reason))
            failed.append(index)
    return values, failed


def _change_check(column: ColumnMapping, target: Target) -> tuple[str, ChangeCount] | None:
    """What to count for a column, and how: the label the report shows, and the counter."""
    source = repr(column.source)
    if target == "split":
        return f"{source}: a title (Mr, Mrs, Herr, Frau …) left out of the name", _titles_left_out
    if target == "drop":
        return None
    name = column.field if column.action == "field" else None
    if name == "email":
        return f"{source}: mailto: or <…> taken off", _emails_unwrapped
    if name in IDENTIFIER_FIELDS:
        return f'{source}: a leading \' or the ="…" around it taken off', _more_than_trimmed
    if name not in ("consent", "status") and column.type.kind in ("text", "category"):
        return f"{source}: the ' an export puts before a formula taken off", _guards_taken_off
    return None


def _changed(texts: Sequence[str], values: Sequence[Any]) -> Iterator[tuple[str, str]]:
    """The texts that became another text. A plain value stays the very same object, so a
    column of them compares equal at once, and one pass in C leaves only the few others."""
    if tuple(values) == tuple(texts):
        return
    for text, value in compress(zip(texts, values, strict=True), map(is_not, texts, values)):
        if type(value) is str:
            yield text, value


def _emails_unwrapped(texts: Sequence[str], values: Sequence[Any]) -> int:
    return sum(value != text.strip().lower() for text, value in _changed(texts, values))


def _more_than_trimmed(texts: Sequence[str], values: Sequence[Any]) -> int:
    return sum(value != text.strip() for text, value in _changed(texts, values))


def _guards_taken_off(texts: Sequence[str], values: Sequence[Any]) -> int:
    """Text values that lost a formula guard: none unless a value holds a ``'``, which one
    search of the joined column finds (trimmed values are new objects: ``_changed`` would
    look at each of them)."""
    if "'" not in "".join(texts):
        return 0
    return _more_than_trimmed(texts, values)


def _titles_left_out(texts: Sequence[str], values: Sequence[Any]) -> int:
    """Names that lost a word: a ``Last, First`` name only changes its order."""
    left_out = 0
    for text, value in zip(texts, values, strict=True):
        if type(value) is tuple:
            written = " ".join(clean_text(text).split())
            kept = " ".join(part for part in value if part)
            left_out += written.count(",") != 1 and kept != written
    return left_out


def _converters(column: ColumnMapping) -> tuple[Converter, ColumnConverter]:
    """How a column's values are typed: one at a time, and a whole column at once."""
    name = column.field
    if column.action == "field":
        if name == "email":
            return _optional_email, _email_column
        if name in IDENTIFIER_FIELDS:
            return _optional_identifier, _identifier_column
        if name == "consent":
            inverted = column.inverted

            def consent(text: str) -> Any:
                return normalise_consent(text, inverted=inverted)

            return consent, _Memo(consent)
        if name == "full_name":
            return split_full_name, _Memo(split_full_name)
        if name == "status":
            return normalise_status, _Memo(normalise_status)
    kind = column.type.kind
    if kind in ("text", "category"):
        return column.type.parse, _text_column
    return column.type.parse, _Memo(column.type.parse)


def _optional_email(text: str) -> str | None:
    """An email address, or None for an empty value."""
    if is_plain_email(text):
        return text
    if not text.strip():
        return None
    return normalise_email(text) or None


def _optional_identifier(text: str) -> str | None:
    """An id, phone number or postal code, or None for an empty value."""
    if is_plain_identifier(text):
        return text
    if not text.strip():
        return None
    return clean_identifier(text) or None


def _email_column(texts: Sequence[str]) -> list[str | None]:
    """``_optional_email`` over a column: nearly always one check for the whole column, else
    one check per value and the full rules for the values it does not pass."""
    if are_plain_emails(texts):
        return [text or None for text in texts]
    return [
        text if plain else _optional_email(text)
        for text, plain in zip(texts, plain_email_flags(texts), strict=True)
    ]


def _identifier_column(texts: Sequence[str]) -> list[str | None]:
    """``_optional_identifier`` over a column, with ``is_plain_identifier`` written out in line.

    Without two calls per value the column takes half the time. ``text[:1] not in "'="``
    also rules out an empty value (``"" in "'="`` is true), which takes the full rules.
    """
    return [
        text
        if text[:1] not in "'=" and text.strip() == text and not ("+" in text and text[0].isdigit())
        else _optional_identifier(text)
        for text in texts
    ]


def _text_column(texts: Sequence[str]) -> list[str | None]:
    """``ColumnType("text").parse`` over a column, with ``clean_text`` written out in line.

    Text is most of an import's values; a call per value would cost more than the cleaning.
    Only a value starting with ``'`` can hold a formula guard for ``unneutralise`` to undo.
    """
    return [
        (value or None) if (value := text.strip())[:1] != "'" else unneutralise(value)
        for text in texts
    ]


class _Memo:
    """A column converter that remembers what each distinct text became.

    Dates, numbers, yes/no and consent columns repeat a few values thousands of times, and a
    dictionary look-up costs far less than parsing again. A value that does not fit is
    remembered with its reason. The memory holds at most ``MEMO_LIMIT`` texts (then starts
    over), and a column whose values turn out not to repeat (timestamps, amounts) stops using
    it after ``MEMO_TRIAL`` values, so that look-ups that never hit cost nothing.
    """

    def __init__(self, convert: Converter, limit: int = MEMO_LIMIT) -> None:
        self._convert = convert
        self._limit = limit
        self._values: dict[str, Any] = {}
        self._problems: dict[str, str] = {}
        self._seen = 0
        self._misses = 0
        self._remembering = True

    def __call__(self, texts: Sequence[str]) -> list[Any]:
        if not self._remembering:
            return list(map(self._convert, texts))
        values = self._values
        try:
            return [values[text] if text in values else self.one(text) for text in texts]
        finally:  # also when a value did not fit: the texts before it were looked up
            self._judge(len(texts))

    def one(self, text: str) -> Any:
        """One value, remembered or converted (and then remembered)."""
        if not self._remembering:
            return self._convert(text)
        if text in self._values:
            return self._values[text]
        reason = self._problems.get(text)
        if reason is not None:
            raise ValueProblem(reason)
        self._misses += 1
        try:
            value = self._convert(text)
        except ValueProblem as exc:
            _remember(self._problems, text, exc.reason, self._limit)
            raise
        _remember(self._values, text, value, self._limit)
        return value

    def _judge(self, looked_up: int) -> None:
        """Stop remembering once the trial shows that most values are new."""
        if self._seen >= MEMO_TRIAL:
            return
        self._seen += looked_up
        if self._seen >= MEMO_TRIAL and self._misses * 2 > self._seen:
            self._remembering = False
            self._values.clear()
            self._problems.clear()


def _remember(memory: dict[str, Any], text: str, value: Any, limit: int) -> None:
    if len(memory) >= limit:
        memory.clear()
    memory[text] = value
