"""Hypothesis strategies for rule trees and small contact databases.

Two flavours of tree: ``any_rules`` draws every operator over any text, number and date (for
the printer's round trip, with names that need backticks and strings that need escapes);
``db_rules`` draws from a small vocabulary that the random contacts share, so that
comparisons hit, miss and meet missing values often (for SQL against the evaluator).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from segdesk.rules import (
    And,
    CatalogField,
    Compare,
    FieldCatalog,
    InModel,
    InSegment,
    Metric,
    MetricCompare,
    Not,
    Or,
)
from segdesk.rules.ops import ALLOWED, MAX_DAYS
from segdesk.rules.tree import MORE_THAN_AGO, WITHIN_LAST

# --------------------------------------------------------------------------------------------
# Trees for the printer
# --------------------------------------------------------------------------------------------

ODD_FIELDS = (
    CatalogField("not", "text"),
    CatalogField("in", "number"),
    CatalogField("my field", "date"),
    CatalogField("Größe", "category"),
    CatalogField("days", "bool"),
)
PRINT_CATALOG = FieldCatalog(
    [
        *FieldCatalog.from_types(
            {"age": "number", "plan": "category", "signup_date": "date", "vip": "bool"}
        ).fields,
        *ODD_FIELDS,
    ],
    models=["rfm", "lifecycle", "Coffee habits"],
)

_numbers = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False),
)
_dates = st.dates()
_days = st.integers(min_value=0, max_value=MAX_DAYS)


def _value_for(kind: str, op: str, scalars: st.SearchStrategy[Any], days: st.SearchStrategy[int]):
    if op in ("is empty", "is not empty", "is true", "is false"):
        return st.none()
    if op in (WITHIN_LAST, MORE_THAN_AGO):
        return days
    if op in ("in", "not in"):
        return st.lists(scalars, min_size=1, max_size=3).map(tuple)
    if op == "between":
        return st.tuples(scalars, scalars).map(lambda pair: tuple(sorted(pair)))
    return scalars


def _compares(
    catalog: FieldCatalog,
    scalars_of: dict[str, st.SearchStrategy[Any]],
    days: st.SearchStrategy[int],
    names: tuple[str, ...] | None = None,
) -> st.SearchStrategy[Compare]:
    kinds = {"text": "text", "category": "text", "number": "number", "date": "date", "bool": "bool"}
    fields = [f for f in catalog.fields if names is None or f.name in names]

    @st.composite
    def build(draw: st.DrawFn) -> Compare:
        field = draw(st.sampled_from(fields))
        kind = kinds[field.type]
        op = draw(st.sampled_from(ALLOWED[kind]))
        value = draw(_value_for(kind, op, scalars_of.get(kind, st.none()), days))
        return Compare(field.name, op, value)

    return build()


def _metrics(
    kinds: st.SearchStrategy[str],
    window: st.SearchStrategy[int | None],
    numbers: st.SearchStrategy[Any],
    dates: st.SearchStrategy[dt.date],
    days: st.SearchStrategy[int],
) -> st.SearchStrategy[MetricCompare]:
    @st.composite
    def build(draw: st.DrawFn) -> MetricCompare:
        measure = draw(st.sampled_from(("count", "total", "avg", "first", "last")))
        kind = "date" if measure in ("first", "last") else "number"
        op = draw(st.sampled_from(ALLOWED[kind]))
        scalars = dates if kind == "date" else numbers
        value = draw(_value_for(kind, op, scalars, days))
        return MetricCompare(Metric(draw(kinds), measure, draw(window)), op, value)

    return build()


def trees(leaves: st.SearchStrategy[Any], max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Nested and/or/not over the leaves, and/or with two to four items."""

    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        items = st.lists(children, min_size=2, max_size=4).map(tuple)
        return st.one_of(items.map(And), items.map(Or), children.map(Not))

    return st.recursive(leaves, extend, max_leaves=max_leaves)


_PRINT_FILTER_NAMES = ("product", "sku", "category", "quantity", "line_total", "status", "amount")
_PRINT_ATTRIBUTES = ("page", "my attr", "not", "days", "Größe")
_KIND_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "text": st.text(max_size=12),
    "number": _numbers,
    "date": _dates,
    "bool": st.none(),
}


@st.composite
def _print_filter_leaf(draw: st.DrawFn, kind: str) -> Compare:
    known = [n for n in _PRINT_FILTER_NAMES if kind == "order" or n in ("status", "amount")]
    name = draw(st.sampled_from([*known, *_PRINT_ATTRIBUTES]))
    declared = {"quantity": "number", "line_total": "number", "amount": "number"}
    if name in _PRINT_ATTRIBUTES:
        value_kind = draw(st.sampled_from(list(_KIND_VALUES)))
        ops = [op for op in ALLOWED[value_kind] if op not in ("is empty", "is not empty")]
    else:
        value_kind = declared.get(name, "text")
        ops = list(ALLOWED[value_kind])
    op = draw(st.sampled_from(ops))
    return Compare(name, op, draw(_value_for(value_kind, op, _KIND_VALUES[value_kind], _days)))


@st.composite
def _print_filtered(draw: st.DrawFn) -> MetricCompare:
    leaf = draw(
        _metrics(
            st.sampled_from(["order", "webinar", 'say "hi"']),
            st.none() | _days,
            _numbers,
            _dates,
            _days,
        )
    )
    kind = leaf.metric.kind

    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        items = st.lists(children, min_size=2, max_size=3).map(tuple)
        return st.one_of(items.map(And), items.map(Or))

    where = draw(st.recursive(_print_filter_leaf(kind), extend, max_leaves=5))
    metric = Metric(kind, leaf.metric.measure, leaf.metric.days, where)
    return MetricCompare(metric, leaf.op, leaf.value)


any_rules = trees(
    st.one_of(
        _print_filtered(),
        _compares(
            PRINT_CATALOG,
            {"text": st.text(max_size=12), "number": _numbers, "date": _dates},
            _days,
        ),
        _metrics(
            st.sampled_from(["order", "webinar", 'say "hi"', "back\\slash", ""]),
            st.none() | _days,
            _numbers,
            _dates,
            _days,
        ),
        st.text(max_size=12).map(InSegment),
        st.builds(
            InModel,
            st.sampled_from(PRINT_CATALOG.models),
            st.lists(st.text(max_size=8), min_size=1, max_size=3).map(tuple),
        ),
    )
)

# --------------------------------------------------------------------------------------------
# Databases and trees for SQL against the evaluator
# --------------------------------------------------------------------------------------------

TODAY = dt.date(2025, 3, 15)
DB_CATALOG = FieldCatalog(
    [
        *(
            f
            for f in FieldCatalog.from_types({}).fields
            if f.name in ("city", "company", "phone", "country", "created_at")
        ),
        CatalogField("age", "number"),
        CatalogField("plan", "category"),
        CatalogField("nickname", "text"),
        CatalogField("signup_date", "date"),
        CatalogField("vip", "bool"),
    ]
)
CORE_TEXT = ("city", "company", "phone", "country")
SEGMENTS = ("A", "B")
RFM_NAMES = ("Champions", "At Risk")

WORDS = (
    "Boston",
    " boston ",
    "BOSTON",
    "Bos",
    "ton",
    "",
    "   ",
    "x'; drop table contact; --",
    "München",
    "MÜNCHEN",
    "a_b%c",
    "50%",
    'say "hi"',
    "O'Brien",
)
RULE_WORDS = (*WORDS, "boston", "os", "%", "_", "b%", "ü", "Ü", "--", "'", ";", '"')
NUMBERS = (-1, 0, 18, 18.5, 30, 60.25)
OFFSETS = st.integers(min_value=-40, max_value=5)
SMALL_DAYS = st.integers(min_value=0, max_value=45)
TIMES = st.sampled_from([dt.time(0, 0), dt.time(12, 30), dt.time(23, 59, 59, 999_999)])


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@st.composite
def moments(draw: st.DrawFn) -> dt.datetime:
    """Times around today, often right at the edges of days."""
    return dt.datetime.combine(day(draw(OFFSETS)), draw(TIMES), tzinfo=dt.UTC)


_maybe = st.sampled_from(["absent", "null", "value"])


@st.composite
def contacts(draw: st.DrawFn, contact_id: int) -> dict[str, Any]:
    row: dict[str, Any] = {"id": contact_id, "created_at": draw(moments())}
    for name in CORE_TEXT:
        row[name] = draw(st.none() | st.sampled_from(WORDS))
    custom = {
        "age": st.sampled_from(NUMBERS),
        "plan": st.sampled_from(WORDS),
        "nickname": st.sampled_from(WORDS),
        "signup_date": st.one_of(
            OFFSETS.map(lambda o: day(o).isoformat()),
            OFFSETS.map(lambda o: f"{day(o).isoformat()}T10:00:00"),
            st.just(""),
        ),
        "vip": st.booleans(),
    }
    attributes: dict[str, Any] = {}
    for name, values in custom.items():
        presence = draw(_maybe)
        if presence == "null":
            attributes[name] = None
        elif presence == "value":
            attributes[name] = draw(values)
    row["attributes"] = attributes
    return row


STATUSES = (None, "paid", "pending", "refunded", "partially refunded", "voided", "cancelled")
PRODUCTS = ("Cold Brew Kit", " cold brew kit ", "Paper Filters", "filter", "Decaf", "", None)
SKUS = ("HB-12", "hb-32", "HB-32 ", "X", None)
CATEGORIES = ("Equipment", " equipment", "Beans", "", None)
LINE_NUMBERS = (None, 0, 1, 2, 5.5, 12, 30)
PAGES = ("pricing", " PRICING ", "home", "", 3)
ATTRIBUTE_VALUES = {
    "page": st.sampled_from(PAGES),
    "n": st.sampled_from((1, 2.5, 0, "2", True)),
    "flag": st.sampled_from((True, False, "yes")),
    "seen": OFFSETS.map(lambda o: day(o).isoformat()),
}


@st.composite
def lines(draw: st.DrawFn) -> list[dict[str, Any]]:
    """An order's lines: none, or a few with repeated and missing values."""
    return [
        {
            "product": draw(st.sampled_from(PRODUCTS)),
            "sku": draw(st.sampled_from(SKUS)),
            "category": draw(st.sampled_from(CATEGORIES)),
            "quantity": draw(st.sampled_from(LINE_NUMBERS)),
            "unit_price": draw(st.sampled_from(LINE_NUMBERS)),
            "line_total": draw(st.sampled_from(LINE_NUMBERS)),
        }
        for _ in range(draw(st.integers(min_value=0, max_value=3)))
    ]


@st.composite
def events(draw: st.DrawFn, contact_id: int) -> list[dict[str, Any]]:
    """Orders (with a status and lines) and webinars (with attributes), around today."""
    count = draw(st.integers(min_value=0, max_value=6))
    out = []
    for _ in range(count):
        kind = draw(st.sampled_from(["order", "order", "webinar"]))
        attributes = {
            name: draw(values) for name, values in ATTRIBUTE_VALUES.items() if draw(st.booleans())
        }
        out.append(
            {
                "contact_id": contact_id,
                "kind": kind,
                "occurred_at": draw(moments()),
                "amount": draw(
                    st.none() | st.integers(min_value=0, max_value=400).map(lambda a: a / 2)
                ),
                "status": draw(st.sampled_from(STATUSES)),
                "attributes": attributes,
                "lines": draw(lines()) if kind == "order" else [],
            }
        )
    return out


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, Any]:
    """Contacts, their events, and who is in which segment."""
    n = draw(st.integers(min_value=1, max_value=8))
    people = [draw(contacts(i)) for i in range(1, n + 1)]
    history = [e for i in range(1, n + 1) for e in draw(events(i))]
    ids = st.sets(st.integers(min_value=1, max_value=n))
    memberships = {name: draw(ids) for name in (*SEGMENTS, *(f"rfm: {r}" for r in RFM_NAMES))}
    return {"contacts": people, "events": history, "memberships": memberships}


_db_dates = OFFSETS.map(day)
_STATUS_WORDS = ("refunded", "Refunded ", "paid", "voided", "cancelled", "refund", "pending", "")
_FILTER_FIELDS: dict[str, tuple[str, st.SearchStrategy[Any]]] = {
    "product": ("text", st.sampled_from(("Cold Brew Kit", "cold brew kit", "filter", "Decaf", ""))),
    "sku": ("text", st.sampled_from(("HB-12", "HB-32", "hb", ""))),
    "category": ("text", st.sampled_from(("Equipment", "beans", "equip"))),
    "quantity": ("number", st.sampled_from((0, 1, 2))),
    "unit_price": ("number", st.sampled_from((0, 5.5, 12))),
    "line_total": ("number", st.sampled_from((0, 5.5, 12, 30))),
    "status": ("text", st.sampled_from(_STATUS_WORDS)),
    "amount": ("number", st.sampled_from((0, 10, 55.5, 100))),
    "page": ("text", st.sampled_from(("pricing", "Pricing", "3", "home", ""))),
    "n": ("number", st.sampled_from((0, 1, 2, 2.5))),
    "flag": ("bool", st.none()),
    "seen": ("date", _db_dates),
}
_LINE_ONLY = ("product", "sku", "category", "quantity", "unit_price", "line_total")


def _filter_leaves(kind: str) -> st.SearchStrategy[Compare]:
    names = [n for n in _FILTER_FIELDS if kind == "order" or n not in _LINE_ONLY]
    names += ["status", "status", "product"] if kind == "order" else ["page"]

    @st.composite
    def build(draw: st.DrawFn) -> Compare:
        name = draw(st.sampled_from(names))
        value_kind, scalars = _FILTER_FIELDS[name]
        ops = [
            op
            for op in ALLOWED[value_kind]
            # An attribute's empty tests read it as text; a bool one only takes is true/false.
            if not (value_kind == "bool" and op in ("is empty", "is not empty"))
        ]
        op = draw(st.sampled_from(ops))
        return Compare(name, op, draw(_value_for(value_kind, op, scalars, SMALL_DAYS)))

    return build()


def _filters(kind: str) -> st.SearchStrategy[Any]:
    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        items = st.lists(children, min_size=2, max_size=3).map(tuple)
        return st.one_of(items.map(And), items.map(Or))

    return st.recursive(_filter_leaves(kind), extend, max_leaves=4)


@st.composite
def filtered_metrics(draw: st.DrawFn) -> MetricCompare:
    """Metrics over orders or webinars with a filter on lines, status or attributes."""
    leaf = draw(
        _metrics(
            st.sampled_from(["order", "order", "webinar"]),
            st.none() | SMALL_DAYS,
            st.sampled_from((0, 1, 2, 3, 0.5, 10, 55.5, 100)),
            _db_dates,
            SMALL_DAYS,
        )
    )
    metric = leaf.metric
    where = draw(_filters(metric.kind))
    return MetricCompare(
        Metric(metric.kind, metric.measure, metric.days, where), leaf.op, leaf.value
    )


db_leaves = st.one_of(
    _compares(
        DB_CATALOG,
        {
            "text": st.sampled_from(RULE_WORDS),
            "number": st.sampled_from(NUMBERS),
            "date": _db_dates,
        },
        SMALL_DAYS,
    ),
    _metrics(
        st.sampled_from(["order", "webinar"]),
        st.none() | SMALL_DAYS,
        st.sampled_from((0, 1, 2, 3, 0.5, 10, 55.5, 100)),
        _db_dates,
        SMALL_DAYS,
    ),
    st.sampled_from(SEGMENTS).map(InSegment),
    st.lists(st.sampled_from(RFM_NAMES), min_size=1, max_size=2, unique=True).map(
        lambda names: InModel("rfm", tuple(names))
    ),
)
db_rules = trees(db_leaves, max_leaves=8)

# --------------------------------------------------------------------------------------------
# Long chains, as pasted lists make them, for the flattening of and/or chains
# --------------------------------------------------------------------------------------------

_TEXT_FIELDS = st.sampled_from(("city", "nickname"))
_rule_words = st.sampled_from(("Boston", "boston", "München", "", "ton", "O'Brien"))
_word_lists = st.lists(_rule_words, min_size=1, max_size=3).map(tuple)
listable = st.one_of(
    st.builds(lambda f, v: Compare(f, "=", v), _TEXT_FIELDS, _rule_words),
    st.builds(lambda f, v: Compare(f, "in", v), _TEXT_FIELDS, _word_lists),
    st.builds(lambda f, v: Compare(f, "!=", v), _TEXT_FIELDS, _rule_words),
    st.builds(lambda f, v: Compare(f, "not in", v), _TEXT_FIELDS, _word_lists),
    st.lists(st.sampled_from(RFM_NAMES), min_size=1, max_size=2, unique=True).map(
        lambda names: InModel("rfm", tuple(names))
    ),
)


def _long_groups(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    items = st.lists(children, min_size=2, max_size=20).map(tuple)
    return st.one_of(items.map(And), items.map(Or), children.map(Not))


chain_rules = st.recursive(st.one_of(listable, listable, db_leaves), _long_groups, max_leaves=40)
"""And/or chains of up to twenty items, longer than the compiler keeps flat, full of text
conditions on one field (with words the contacts often hold) and model conditions that merge
into lists, repeats, and groups nested in a parent of the same kind."""

filtered_rules = trees(st.one_of(filtered_metrics(), filtered_metrics(), db_leaves), max_leaves=4)
"""Rules made mostly of filtered metrics, for the property that holds their SQL to the
evaluator."""
