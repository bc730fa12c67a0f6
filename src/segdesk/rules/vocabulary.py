"""What a rule can name beyond the fields of the catalog, for a user who asks (`segdesk fields`).

The metrics of every kind of event the database holds (orders always), the window that narrows
a metric to its last days, the segments a rule can be in, and the models with the names of
their segments: each as a :class:`RuleTerm` spelled as the text form takes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from segdesk.rules.catalog import DEFAULT_MODELS, FieldCatalog
from segdesk.rules.ops import MAX_DAYS, measure_kind
from segdesk.rules.printer import metric_text, name_text, string_text
from segdesk.rules.tree import MEASURES, ORDER_KIND, Metric
from segdesk.store.tables import Event, Scheme, Segment

event = Event.__table__
scheme = Scheme.__table__
segment = Segment.__table__

TERM_KINDS = ("metric", "window", "segment", "model")

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
    metric, ``days`` for the window, empty otherwise); ``values`` are a model's segment names,
    in the model's order.
    """

    name: str
    kind: str
    type: str
    description: str
    values: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "type": self.type,
            "description": self.description,
            "values": list(self.values),
        }


def rule_terms(conn: Connection) -> list[RuleTerm]:
    """Metrics, the window, segments and models of this database, in that order."""
    return [*_metrics(conn), _window(), *_segments(conn), *_models(conn)]


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
