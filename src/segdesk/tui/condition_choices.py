"""What a condition of the builder can be made of, and how the pieces become rule text.

The condition editor offers subjects (fields, metrics, models, segments), the operators that
fit the subject's type, and a value typed as a shop owner would type it (``US``, ``Portland,
Seattle``, ``25 and 40``). The pieces are put together as rule text and read by the rule
parser, so that a condition made in the editor means exactly what the same words typed in
the text form mean, and new kinds of terms (products, say) need no change here: subjects are
grouped by the kind the catalog gives them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from segdesk.rules import Compare, InModel, InSegment, Metric, MetricCompare, Rule
from segdesk.rules.ops import ALLOWED, KIND_OF_TYPE, MODEL_OPS
from segdesk.rules.printer import metric_text, name_text, string_text, value_text
from segdesk.rules.tree import (
    DAY_OPS,
    LIST_OPS,
    MORE_THAN_AGO,
    NO_VALUE_OPS,
    WITHIN_LAST,
    Value,
)

FIELD_GROUPS = {"core": "Contact", "custom": "Custom"}
"""Headings of fields by origin; the field table's metric and model rows are left out, as
the catalog leaves them out: they come as terms."""
GROUP_TITLES = {
    "metric": "Behaviour",
    "product": "Products",
    "products": "Products",
    "model": "Models",
    "segment": "Segments",
}
"""Headings of terms by kind; a kind not named here (one a later release adds) gets a heading
of its own after the known ones."""
GROUP_ORDER = ("Contact", "Custom", "Behaviour", "Products", "Models", "Segments")
SKIPPED_TERMS = ("window",)
"""Terms that are not subjects: the window is asked for beside the metric it narrows."""
BOUGHT_FILTERS = ("product", "category", "sku")
"""Filter terms whose held values become subjects of their own under Products
("orders(product = "Cold Brew Kit").count"); the other filters are typed in the text form."""

OP_WORDS = {
    "=": "is",
    "!=": "is not",
    "<": "less than",
    "<=": "at most",
    ">": "more than",
    ">=": "at least",
    "in": "is one of (a, b, …)",
    "not in": "is none of (a, b, …)",
    "contains": "contains",
    "starts with": "starts with",
    "ends with": "ends with",
    "is empty": "has no value",
    "is not empty": "has a value",
    "is true": "yes",
    "is false": "no",
    "between": "from … and … (both included)",
    "before": "before a date",
    "after": "after a date",
    WITHIN_LAST: "in the last N days",
    MORE_THAN_AGO: "more than N days ago",
}
DATE_OP_WORDS = {"=": "on the day"}

_ISO_SHAPE = "YYYY-MM-DD"
_PARTIAL_DATE = re.compile(r"\d{0,4}(-\d{0,2}(-\d{0,2})?)?")


class FieldLike(Protocol):
    """A field as ``ws.fields()`` lists it."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def origin(self) -> str: ...
    @property
    def description(self) -> str | None: ...


class TermLike(Protocol):
    """A term as ``ws.rule_terms()`` lists it."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def values(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Subject:
    """What a condition is about, spelt as the text form takes it.

    ``compares`` is how it compares: text, number, date or bool for fields and metrics,
    ``model`` for a model's segments, ``whole`` for a subject that is a condition by itself
    (``in segment "VIP customers"``). ``field`` is the catalog field, whose stored values
    complete the value; ``windowed`` subjects take "in last N days".
    """

    name: str
    group: str
    compares: str
    description: str = ""
    values: tuple[str, ...] = ()
    field: str | None = None
    windowed: bool = False

    @property
    def ops(self) -> tuple[str, ...]:
        if self.compares == "model":
            return MODEL_OPS
        if self.compares == "whole":
            return ()
        return ALLOWED[self.compares]


def subjects(fields: Iterable[FieldLike], terms: Iterable[TermLike]) -> list[Subject]:
    """Every subject, grouped under its heading in :data:`GROUP_ORDER`."""
    found: list[Subject] = []
    for f in fields:
        if f.origin not in FIELD_GROUPS or f.type not in KIND_OF_TYPE:
            continue
        description = f.description or f.label or ""
        compares = KIND_OF_TYPE[f.type]
        found.append(
            Subject(name_text(f.name), FIELD_GROUPS[f.origin], compares, description, (), f.name)
        )
    for t in terms:
        if t.kind in SKIPPED_TERMS:
            continue
        if t.kind == "filter":
            found.extend(_bought(t))
            continue
        group = GROUP_TITLES.get(t.kind, t.kind.replace("_", " ").capitalize())
        if t.kind == "model":
            found.append(Subject(t.name, group, "model", t.description, tuple(t.values)))
        elif t.type in KIND_OF_TYPE:
            compares = KIND_OF_TYPE[t.type]
            found.append(Subject(t.name, group, compares, t.description, windowed=True))
        else:
            found.append(Subject(t.name, group, "whole", t.description))
    order = {title: n for n, title in enumerate(GROUP_ORDER)}
    return sorted(found, key=lambda s: order.get(s.group, len(order)))  # stable within groups


def _bought(term: TermLike) -> list[Subject]:
    """How many orders held each product, category or SKU a filter term lists."""
    if term.name not in BOUGHT_FILTERS:
        return []
    return [
        Subject(
            f"orders({term.name} = {string_text(value)}).count",
            "Products",
            "number",
            f"bought: {value}",
            windowed=True,
        )
        for value in term.values
    ]


def matching(found: Sequence[Subject], typed: str) -> list[Subject]:
    """Subjects whose name or description holds every word typed; names that start with
    what was typed come first within each group."""
    words = typed.casefold().split()
    if not words:
        return list(found)
    hits = [s for s in found if all(w in f"{s.name} {s.description}".casefold() for w in words)]
    order = {title: n for n, title in enumerate(GROUP_ORDER)}
    return sorted(
        hits,
        key=lambda s: (
            order.get(s.group, len(order)),
            not _bare(s.name).startswith(words[0]),
            words[0] not in _bare(s.name),
        ),
    )


def _bare(name: str) -> str:
    return name.strip("`").casefold()


def op_words(subject: Subject, op: str) -> str:
    if subject.compares == "date" and op in DATE_OP_WORDS:
        return DATE_OP_WORDS[op]
    if subject.compares == "model":
        return "is" if op == "=" else "is one of (a, b, …)"
    return OP_WORDS.get(op, op)


def matching_ops(subject: Subject, typed: str) -> list[str]:
    """The subject's operators that match what was typed: the one typed exactly first, then
    those it starts, then those whose words hold it."""
    wanted = typed.strip().casefold()
    if not wanted:
        return list(subject.ops)
    exact = [op for op in subject.ops if op == wanted]
    starts = [op for op in subject.ops if op.startswith(wanted) and op not in exact]
    worded = [
        op
        for op in subject.ops
        if op not in exact and op not in starts and wanted in op_words(subject, op).casefold()
    ]
    return exact + starts + worded


def takes_value(op: str) -> bool:
    return op not in NO_VALUE_OPS


def value_hint(subject: Subject, op: str) -> str:
    """What to type as the value, in a few words."""
    if op in DAY_OPS:
        return "a number of days"
    if op == "between":
        return "two values: 25 and 40"
    if subject.compares == "date":
        return f"a date: {_ISO_SHAPE}"
    if subject.compares == "number":
        return "a number"
    many = op in LIST_OPS
    return "values separated by commas" if many else "a value"


def split_values(raw: str) -> list[str]:
    """Values typed one after another, separated by commas; a value in quotes may hold a
    comma (``"Portland, OR", Seattle``)."""
    values, current, quote = [], "", ""
    for char in raw:
        if quote:
            current += char
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
            current += char
        elif char == ",":
            values.append(current)
            current = ""
        else:
            current += char
    values.append(current)
    return [_unquoted(v.strip()) for v in values if v.strip()]


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def between_values(raw: str) -> list[str]:
    """The two bounds of between, typed ``25 and 40``."""
    parts = re.split(r"\s+and\s+", raw.strip(), maxsplit=1, flags=re.IGNORECASE)
    return [_unquoted(p.strip()) for p in parts if p.strip()]


def condition_text(subject: Subject, op: str, raw_value: str, window: str = "") -> str:
    """The rule text of a condition made of these pieces (which the parser then checks)."""
    if subject.compares == "whole":
        return subject.name
    head = subject.name
    if subject.windowed and window.strip():
        days = window.strip()
        head += f" in last {days} {'day' if days == '1' else 'days'}"
    if op in NO_VALUE_OPS:
        return f"{head} {op}"
    if op == WITHIN_LAST:
        return f"{head} within last {raw_value.strip()} days"
    if op == MORE_THAN_AGO:
        return f"{head} more than {raw_value.strip()} days ago"
    if op in LIST_OPS or (subject.compares == "model" and op == "in"):
        items = ", ".join(_literal(subject, v) for v in split_values(raw_value))
        return f"{head} {op} ({items})"
    if op == "between":
        bounds = [_literal(subject, v) for v in between_values(raw_value)]
        return f"{head} between {' and '.join(bounds)}"
    values = split_values(raw_value) if subject.compares in ("text", "model") else [raw_value]
    return f"{head} {op} {_literal(subject, values[0] if values else '')}".rstrip()


def _literal(subject: Subject, value: str) -> str:
    value = value.strip()
    if subject.compares in ("text", "model"):
        return string_text(value)
    return value


@dataclass(frozen=True)
class Pieces:
    """A condition taken apart for the editor: subject name, window, operator, value."""

    subject: str
    op: str = ""
    value: str = ""
    window: str = ""


def pieces_of(rule: Rule) -> Pieces:
    """The editor's fields for an existing condition."""
    if isinstance(rule, Compare):
        return Pieces(name_text(rule.field), rule.op, _raw(rule.op, rule.value))
    if isinstance(rule, MetricCompare):
        m = rule.metric
        window = "" if m.days is None else str(m.days)
        head = metric_text(Metric(m.kind, m.measure))
        return Pieces(head, rule.op, _raw(rule.op, rule.value), window)
    if isinstance(rule, InSegment):
        return Pieces(f"in segment {string_text(rule.name)}")
    if isinstance(rule, InModel):
        op = "=" if len(rule.names) == 1 else "in"
        return Pieces(name_text(rule.model), op, ", ".join(_raw_scalar(n) for n in rule.names))
    raise TypeError(f"not a condition: {rule!r}")


def _raw(op: str, value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        joiner = " and " if op == "between" else ", "
        return joiner.join(_raw_scalar(v) for v in value)
    return _raw_scalar(value)


def _raw_scalar(value: str | int | float | dt.date) -> str:
    if isinstance(value, str):
        return string_text(value) if ("," in value or value != value.strip()) else value
    return value_text(value)


def date_check(raw: str) -> tuple[bool, str]:
    """Whether ``raw`` is a whole date yet, and what to say about it as it is typed."""
    text = raw.strip()
    if not text:
        return False, f"type a date: {_ISO_SHAPE}"
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        if _PARTIAL_DATE.fullmatch(text) and len(text) < len(_ISO_SHAPE):
            return False, f"keep typing: {_ISO_SHAPE}"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return False, f"{text} is not a real date"
        return False, f"not a date: write it as {_ISO_SHAPE}"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False, f"write the date as {_ISO_SHAPE}"
    return True, f"✓ {day:%A} {day.day} {day:%B %Y}"


def dates_check(subject: Subject, op: str, raw: str) -> tuple[bool, str] | None:
    """The date check of a date value (both bounds of between), or None when the value is
    not a date."""
    if subject.compares != "date" or op in DAY_OPS or op in NO_VALUE_OPS:
        return None
    if op != "between":
        return date_check(raw)
    bounds = between_values(raw)
    checks = [date_check(b) for b in bounds] if bounds else [date_check("")]
    if len(bounds) < 2 and all(ok for ok, _ in checks):
        return False, "then type: and YYYY-MM-DD"
    for ok, said in checks:
        if not ok:
            return False, said
    return True, "✓ " + " to ".join(said.removeprefix("✓ ") for _, said in checks)
