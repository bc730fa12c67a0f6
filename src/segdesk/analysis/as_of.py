"""Segments as they would have been on a past day: what a refresh run at the end of that day
would have given, with today's definitions (docs/backtest.md).

- A rule segment: its rule compiled with ``today`` = the day, so events after the end of the
  day do not exist and "in last 90 days" counts back from it; its pins apply as they are now.
- ``in segment "X"`` and ``rfm = "Champions"`` read the members the named segments had as of
  the same day. Those are worked out first (the models, then rule segments in the order a
  refresh takes them) and written to a temporary table, ``as_of_member``; the rule's query is
  the compiled one with ``segment_member`` swapped for that table, so the compiler is the
  refresh's own.
- RFM and lifecycle: run as of the day from the counted orders up to it
  (:mod:`segdesk.models.history`). RFM draws its breakpoints from that day's contacts with
  orders: the scheme is defined by quintiles, and a refresh on that day would have drawn
  them so (the saved breakpoints of today would score an early day's customers against
  figures nobody had yet). Lifecycle uses the scheme's saved thresholds, the user's choice.
- Kept as they are today on every day, with a note: static lists (who was put on a list
  cannot be told from orders), retired segments (a refresh leaves them alone too), and the
  segments of schemes not worked out from orders (clusters).
- Contact fields (plan, city, consent...) are read as they are today; the notes say which
  segments compare them. Everyone in the database today is evaluated on every day.
"""

from __future__ import annotations

import array
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, cast

import numpy as np
from pyroaring import BitMap
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    Row,
    Select,
    Table,
    delete,
    literal,
    select,
)
from sqlalchemy.sql.visitors import replacement_traverse

from segdesk.analysis.member_sets import current_members
from segdesk.errors import NotFoundError, UserError
from segdesk.jobs import CancelCheck, Job, Progress
from segdesk.models import lifecycle, rfm
from segdesk.models.history import OrderHistory
from segdesk.rules import DatabaseSegments, FieldCatalog, Rule, RuleError, compile_rule
from segdesk.rules.tree import Compare, InModel, InSegment, walk
from segdesk.segments.lookup import live, stored_rule
from segdesk.segments.members import with_pins
from segdesk.segments.refresh import refresh_order
from segdesk.store.bulk import insert_rows
from segdesk.store.tables import Scheme, Segment, SegmentMember, SegmentPin

segment = Segment.__table__
scheme = Scheme.__table__
member = SegmentMember.__table__
pin = SegmentPin.__table__

as_of_member = Table(
    "as_of_member",
    MetaData(),
    Column("segment_id", Integer, primary_key=True),
    Column("contact_id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
)
"""The as-of members of the segments that rules name, for the day being evaluated."""

MODEL_NAMES = {"rfm": rfm.SEGMENT_NAMES, "lifecycle": lifecycle.STAGES}
"""Schemes worked out from orders, with the model's names of their segments in code order."""


def members_as_of(
    conn: Connection,
    day: dt.date,
    segment_ids: Sequence[int] | None = None,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> dict[int, BitMap]:
    """Each segment's members as of the end of ``day`` (``None``: every live segment), keyed
    by segment id in the order asked. Progress counts the schemes and rule segments worked
    out, those the asked ones name included. Reads only; the temporary table it fills is
    dropped before it returns."""
    with SegmentsAsOf(conn, segment_ids, until=day) as segments:
        job = Job(progress, cancelled, total=segments.plan.steps)
        job.check()
        return segments.members(day, job)


def as_of_notes(conn: Connection, segment_ids: Sequence[int] | None = None) -> list[str]:
    """What a report of these segments as of a past day must say: contact fields read as they
    are today, lists kept as they are, pins."""
    return list(plan_as_of(conn, segment_ids).notes)


@dataclass(frozen=True)
class ModelScheme:
    """A scheme worked out from orders: its kind, its parameters, and each of its segments'
    index in the model's names (``None`` for a segment the model no longer gives)."""

    name: str
    kind: str
    params: dict[str, Any] | None
    codes: dict[int, int | None]


@dataclass(frozen=True)
class AsOfPlan:
    """What evaluating some segments as of any day takes, worked out once."""

    asked: tuple[int, ...]
    schemes: tuple[ModelScheme, ...]
    rules: tuple[tuple[Row[Any], Rule], ...]
    """Rule segments in the order their references need."""
    kept: tuple[int, ...]
    """Segments whose members of today stand for every day."""
    referenced: frozenset[int]
    """Segments some rule of the plan names: their as-of members go to ``as_of_member``."""
    notes: tuple[str, ...]
    catalog: FieldCatalog
    resolver: KnownSegments = field(repr=False)

    @property
    def steps(self) -> int:
        return len(self.schemes) + len(self.rules)


class KnownSegments:
    """The database's segment resolver, with its answers kept: a plan asks about each name
    once, and every day's compile asks again."""

    def __init__(self, conn: Connection) -> None:
        self._database = DatabaseSegments(conn)
        self._found: dict[tuple[str, ...], int] = {}

    def segment_id(self, name: str) -> int:
        key = ("segment", name)
        if key not in self._found:
            self._found[key] = self._database.segment_id(name)
        return self._found[key]

    def model_segment_id(self, model: str, name: str) -> int:
        key = ("model", model, name)
        if key not in self._found:
            self._found[key] = self._database.model_segment_id(model, name)
        return self._found[key]


def plan_as_of(conn: Connection, segment_ids: Sequence[int] | None = None) -> AsOfPlan:
    """The plan for ``segment_ids`` (every live segment for ``None``) and every segment their
    rules name, directly or through others."""
    query: Select[Any] = (
        select(
            segment.c.id,
            segment.c.name,
            segment.c.kind,
            segment.c.status,
            segment.c.definition,
            segment.c.scheme_id,
            scheme.c.name.label("scheme_name"),
            scheme.c.kind.label("scheme_kind"),
            scheme.c.params.label("scheme_params"),
        )
        .select_from(segment.outerjoin(scheme, scheme.c.id == segment.c.scheme_id))
        .where(live())
        .order_by(segment.c.id)
    )
    rows: dict[int, Row[Any]] = {row.id: row for row in conn.execute(query)}
    asked = tuple(rows) if segment_ids is None else tuple(segment_ids)
    missing = [i for i in asked if i not in rows]
    if missing:
        raise NotFoundError(f"there is no segment with id {missing[0]}")
    resolver = KnownSegments(conn)
    rules: dict[int, Rule] = {}
    scheme_ids: set[int] = set()
    kept: list[int] = []
    referenced: set[int] = set()
    waiting, seen = list(asked), set()
    while waiting:
        segment_id = waiting.pop()
        if segment_id in seen:
            continue
        seen.add(segment_id)
        row = rows[segment_id]
        rule = stored_rule(row)
        if rule is not None and row.status != "retired":
            rules[segment_id] = rule
            names = _named_segments(row.name, rule, resolver)
            referenced |= names
            waiting.extend(names)
        elif row.kind == "model" and row.scheme_kind in MODEL_NAMES:
            scheme_ids.add(row.scheme_id)
        else:
            kept.append(segment_id)
    schemes = [_model_scheme(rows, scheme_id) for scheme_id in sorted(scheme_ids)]
    ordered = refresh_order([rows[i] for i in rules])
    return AsOfPlan(
        asked=asked,
        schemes=tuple(schemes),
        rules=tuple((row, rules[row.id]) for row in ordered),
        kept=tuple(sorted(kept)),
        referenced=frozenset(referenced),
        notes=tuple(_notes(conn, rows, rules, kept)),
        catalog=FieldCatalog.from_connection(conn),
        resolver=resolver,
    )


class SegmentsAsOf:
    """Segments evaluated as of one day after another, up to ``until``, reading the orders
    once when a model is needed. A context manager: leaving it drops the temporary table."""

    def __init__(
        self, conn: Connection, segment_ids: Sequence[int] | None, *, until: dt.date
    ) -> None:
        self.conn = conn
        self.until = until
        self.plan = plan_as_of(conn, segment_ids)
        self._kept = current_members(conn, self.plan.kept) if self.plan.kept else {}
        self._history: OrderHistory | None = None
        self._table = False

    def __enter__(self) -> SegmentsAsOf:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _trace: TracebackType | None,
    ) -> None:
        if self._table:
            as_of_member.drop(self.conn)
            self._table = False

    def members(self, day: dt.date, job: Job | None = None) -> dict[int, BitMap]:
        """The asked segments' members as of the end of ``day`` (at most ``until``); ``job``
        steps once per scheme and rule segment."""
        if day > self.until:
            raise ValueError(f"{day} is after {self.until}, the last day these orders reach")
        found = {i: BitMap(members) for i, members in self._kept.items()}
        for model in self.plan.schemes:
            found.update(self._scheme(model, day))
            if job is not None:
                job.step(model.name)
        if self.plan.rules:
            self._start_table(found)
        for row, rule in self.plan.rules:
            found[row.id] = self._rule(row, rule, day)
            if job is not None:
                job.step(row.name)
        return {i: found[i] for i in self.plan.asked}

    def _scheme(self, model: ModelScheme, day: dt.date) -> dict[int, BitMap]:
        if self._history is None:
            self._history = OrderHistory.load(self.conn, self.until)
        history = self._history
        if model.kind == "rfm":
            codes = history.rfm_codes(day)
        else:
            codes = history.lifecycle_codes(day, lifecycle.Thresholds.from_json(model.params))
        return {
            segment_id: BitMap() if code is None else bitmap_of(history.contacts[codes == code])
            for segment_id, code in model.codes.items()
        }

    def _start_table(self, found: dict[int, BitMap]) -> None:
        """An empty ``as_of_member``, then the day's members of the named segments already
        worked out (models and kept lists)."""
        if not self._table:
            as_of_member.create(self.conn)
            self._table = True
        self.conn.execute(delete(as_of_member))
        for segment_id in sorted(self.plan.referenced & found.keys()):
            insert_rows(
                self.conn,
                as_of_member,
                ("segment_id", "contact_id"),
                [(segment_id, contact_id) for contact_id in found[segment_id]],
            )

    def _rule(self, row: Row[Any], rule: Rule, day: dt.date) -> BitMap:
        try:
            compiled = compile_rule(rule, self.plan.catalog, day, self.plan.resolver)
        except RuleError as exc:
            raise UserError(f'cannot evaluate "{row.name}": {exc}') from exc
        query = with_pins(reading_as_of(compiled), row.id)
        if row.id not in self.plan.referenced:
            return BitMap(self.conn.execute(query).scalars())
        ids = query.subquery()
        self.conn.execute(
            as_of_member.insert().from_select(
                ["segment_id", "contact_id"], select(literal(row.id), ids.c[0])
            )
        )
        mine = select(as_of_member.c.contact_id).where(as_of_member.c.segment_id == row.id)
        return BitMap(self.conn.execute(mine).scalars())


def reading_as_of(query: Select[Any]) -> Select[Any]:
    """``query`` reading the day's members from ``as_of_member`` wherever it reads the
    current ones from ``segment_member``."""

    def swap(element: Any, **_kw: Any) -> Any:
        if element is member:
            return as_of_member
        if isinstance(element, Column) and element.table is member:
            return as_of_member.c[element.name]
        return None

    return cast("Select[Any]", replacement_traverse(query, {}, swap))


def bitmap_of(ids: np.ndarray) -> BitMap:
    """Contact ids from an array, through roaring's fast path for a buffer of 32-bit ints."""
    return BitMap(array.array("I", np.ascontiguousarray(ids, dtype=np.uint32).tobytes()))


def _named_segments(name: str, rule: Rule, resolver: KnownSegments) -> set[int]:
    """The segments ``rule`` names (``in segment``, ``rfm = ...``)."""
    try:
        found: set[int] = set()
        for node in walk(rule):
            if isinstance(node, InSegment):
                found.add(resolver.segment_id(node.name))
            elif isinstance(node, InModel):
                found.update(resolver.model_segment_id(node.model, n) for n in node.names)
    except RuleError as exc:
        raise UserError(f'cannot evaluate "{name}": {exc}') from exc
    return found


def _model_scheme(rows: dict[int, Row[Any]], scheme_id: int) -> ModelScheme:
    mine = [row for row in rows.values() if row.scheme_id == scheme_id]
    kind = mine[0].scheme_kind
    names = MODEL_NAMES[kind]
    codes: dict[int, int | None] = {}
    for row in mine:
        model_name = (row.definition or {}).get("model_segment", row.name)
        codes[row.id] = names.index(model_name) if model_name in names else None
    return ModelScheme(mine[0].scheme_name, kind, mine[0].scheme_params, codes)


def _notes(
    conn: Connection, rows: dict[int, Row[Any]], rules: dict[int, Rule], kept: list[int]
) -> list[str]:
    notes = []
    fields = {
        rows[i].name: sorted({node.field for node in walk(rule) if isinstance(node, Compare)})
        for i, rule in rules.items()
    }
    compared = [f'"{name}" ({", ".join(names)})' for name, names in sorted(fields.items()) if names]
    if compared:
        notes.append(
            "Contact fields are read as they are today on every date, not as they were then: "
            + "; ".join(compared)
            + "."
        )
    for row in sorted((rows[i] for i in kept), key=lambda r: r.name):
        notes.append(_kept_note(row))
    pinned = set(conn.execute(select(pin.c.segment_id).distinct()).scalars())
    for name in sorted(rows[i].name for i in rules if i in pinned):
        notes.append(f'People pinned in or out of "{name}" are pinned on every date as today.')
    return notes


def _kept_note(row: Row[Any]) -> str:
    if row.kind == "static":
        return f'"{row.name}" is a fixed list: the same people on every date.'
    if row.status == "retired":
        return f'"{row.name}" is retired: the people it had when it was retired, on every date.'
    if row.kind == "model":
        return (
            f'"{row.name}" belongs to "{row.scheme_name}", which is not worked out from orders: '
            "its people of today on every date."
        )
    return f'"{row.name}" has no rule: its people of today on every date.'
