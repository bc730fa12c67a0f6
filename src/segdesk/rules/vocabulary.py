"""What a rule can name beyond the fields of the catalog, for a user who asks (`segdesk fields`).

The metrics of every kind of event the database holds (orders always), the window that narrows
a metric to its last days, the names a metric's filter takes (with the products, SKUs,
categories and statuses the database holds, and how often), the segments a rule can be in,
and the models with the names of their segments: each as a :class:`RuleTerm` spelled as the
text form takes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from segdesk.rules.catalog import DEFAULT_MODELS, FieldCatalog
from segdesk.rules.filters import EVENT_FIELDS, LINE_FIELDS
from segdesk.rules.ops import MAX_DAYS, measure_kind
from segdesk.rules.printer import metric_text, name_text, string_text
from segdesk.rules.tree import MEASURES, ORDER_KIND, Metric
from segdesk.store.tables import Event, OrderLine, Scheme, Segment
from segdesk.store.text_folding import folded

event = Event.__table__
order_line = OrderLine.__table__
scheme = Scheme.__table__
segment = Segment.__table__

TERM_KINDS = ("metric", "window", "filter", "segment", "model")
MAX_LISTED = 200
"""Values a filter term lists at most (the most bought first): a catalogue can be long."""

_MEASURE_WORDS = {
    "count": "number of {events} up to today (0 without any)",
    "total": "sum of the amounts of {events} (0 without any)",
    "avg": "mean amount of {events} (missing without any)",
    "first": "time of the first {event} (missing without any)",
    "last": "time of the latest {event} (missing without any)",
}
_MODEL_WORDS = {
    "rfm": "RFM segment, from recency, frequency and money spent",
    "lifecycle": "lifecycle stage, from how recently the contact ordered",
}


@dataclass(frozen=True)
class RuleTerm:
    """One thing a rule can name, as it is typed.

    ``kind`` is one of :data:`TERM_KINDS`; ``type`` is how it compares (number or date for a
    metric, ``days`` for the window, text or number for a filter's field, empty otherwise);
    ``values`` are a model's segment names, in the model's order, or the values a filter field
    holds (products, SKUs, categories, statuses), most frequent first, with ``counts``: how
    many order lines (orders, for statuses) hold each.
    """

    name: str
    kind: str
    type: str
    description: str
    values: tuple[str, ...] = ()
    counts: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "type": self.type,
            "description": self.description,
            "values": list(self.values),
        }
        if self.counts:
            data["counts"] = list(self.counts)
        return data


def rule_terms(conn: Connection) -> list[RuleTerm]:
    """Metrics, the window, filters, segments and models of this database, in that order."""
    return [*_metrics(conn), _window(), *_filters(conn), *_segments(conn), *_models(conn)]


_FILTER_WORDS = {
    "product": "a line's product name",
    "sku": "a line's SKU",
    "category": "a line's product category",
    "quantity": "a line's quantity",
    "unit_price": "a line's unit price",
    "line_total": "a line's total",
    "status": "the order's status (refunded, voided and cancelled orders count only when asked)",
    "amount": "the order's amount",
}


def _filters(conn: Connection) -> list[RuleTerm]:
    """The names a metric's filter takes, with the products, SKUs, categories and statuses
    this database holds (read through the indexes the rules use)."""
    terms = []
    for name, words in _FILTER_WORDS.items():
        kind = {**LINE_FIELDS, **EVENT_FIELDS}[name]
        example = f'orders({name} = "...")' if kind == "text" else f"orders({name} > 10)"
        values: list[tuple[str, int]] = []
        if name in ("product", "sku", "category"):
            values = _held(conn, order_line.c[name])
        elif name == "status":
            values = _held(conn, event.c.status, event.c.kind == ORDER_KIND)
        terms.append(
            RuleTerm(
                name,
                "filter",
                kind,
                f"{words}: {example}.count >= 1",
                tuple(v for v, _ in values),
                tuple(n for _, n in values),
            )
        )
    terms.append(
        RuleTerm(
            "any other name",
            "filter",
            "",
            'an attribute of the events, compared as the value written: events("visit", '
            'page = "pricing").count >= 1',
        )
    )
    return terms


def _held(conn: Connection, column: Any, *where: Any) -> list[tuple[str, int]]:
    """The values of a column, folded as rules compare them, most frequent first."""
    key = folded(func.trim(column))
    rows = conn.execute(
        select(func.min(func.trim(column)), func.count())
        .where(func.trim(column) != "", *where)
        .group_by(key)
        .order_by(func.count().desc(), func.min(func.trim(column)))
        .limit(MAX_LISTED)
    ).all()
    return [(r[0], int(r[1])) for r in rows]


def _metrics(conn: Connection) -> list[RuleTerm]:
    stored = conn.execute(select(event.c.kind).distinct().order_by(event.c.kind)).scalars()
    kinds = dict.fromkeys([ORDER_KIND, *stored])
    terms = []
    for kind in kinds:
        event_word = "order" if kind == ORDER_KIND else f"“{kind}” event"
        for measure in MEASURES:
            words = _MEASURE_WORDS[measure].format(events=f"{event_word}s", event=event_word)
            name = metric_text(Metric(kind, measure))
            terms.append(RuleTerm(name, "metric", measure_kind(measure), words))
    return terms


def _window() -> RuleTerm:
    return RuleTerm(
        "in last N days",
        "window",
        "days",
        f"after a metric, counts only the events of the last N days, today included "
        f"(N from 0 to {MAX_DAYS}): orders.count in last 90 days >= 2",
    )


def _segments(conn: Connection) -> list[RuleTerm]:
    rows = conn.execute(
        select(segment.c.name, segment.c.kind, segment.c.status)
        .where(segment.c.deleted_at.is_(None), segment.c.kind != "model")
        .order_by(segment.c.name)
    ).all()
    return [
        RuleTerm(
            f"in segment {string_text(r.name)}",
            "segment",
            "",
            f"current member of this {r.kind} segment"
            + ("" if r.status == "active" else f" ({r.status})"),
        )
        for r in rows
    ]


def _models(conn: Connection) -> list[RuleTerm]:
    schemes = {r.name: r for r in conn.execute(select(scheme.c.id, scheme.c.name, scheme.c.kind))}
    terms = []
    for model in FieldCatalog.from_connection(conn).models:
        row = schemes.get(model)
        names = _segment_names(conn, row.id) if row is not None else ()
        kind = row.kind if row is not None else model
        what = _MODEL_WORDS.get(kind, f"segment of the {model} model")
        typed = name_text(model)
        example = f"{typed} = {string_text(names[0])}" if names else f'{typed} = "name"'
        description = f"{what}: {example}"
        if not names:
            run = f" (segdesk model {model})" if model in DEFAULT_MODELS else ""
            description += f"; not run yet, so it has no segments{run}"
        terms.append(RuleTerm(typed, "model", "", description, names))
    return terms


def _segment_names(conn: Connection, scheme_id: int) -> tuple[str, ...]:
    """The model's own names for its segments, in priority order (a segment renamed to make
    way for a user's segment keeps the model's name in its definition)."""
    rows = conn.execute(
        select(segment.c.name, segment.c.definition)
        .where(segment.c.scheme_id == scheme_id, segment.c.deleted_at.is_(None))
        .order_by(segment.c.priority, segment.c.id)
    ).all()
    return tuple((r.definition or {}).get("model_segment", r.name) for r in rows)
