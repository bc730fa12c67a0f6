"""Bringing segments up to date: the model schemes first, then rule segments in the order
their ``in segment`` references need.

``refresh_all`` runs in the caller's transaction: a cancelled refresh raises
:class:`~segdesk.jobs.Cancelled` and the caller's rollback leaves the database as it was. A
refresh that changed membership ends with an automatic snapshot in the same transaction. Static
segments keep their frozen list; retired and deleted segments are left alone (a rule that
names a retired segment reads the members it had when it was retired).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, exists, select

from segdesk.errors import UserError
from segdesk.jobs import CancelCheck, Job, Progress
from segdesk.rules import (
    DatabaseSegments,
    FieldCatalog,
    RuleError,
    compile_rule,
    referenced_segments,
)
from segdesk.segments.lookup import find_segment, live, stored_rule
from segdesk.segments.members import replace_members, with_pins
from segdesk.store.refresh_due import clear_segments_due
from segdesk.store.segment_sizes import record_sizes
from segdesk.store.tables import Contact, Scheme, Segment, SegmentPin

if TYPE_CHECKING:
    from pyroaring import BitMap

segment = Segment.__table__
scheme = Scheme.__table__
pin = SegmentPin.__table__
contact = Contact.__table__

MODEL_SCHEME_KINDS = ("rfm", "lifecycle")
"""Schemes that are computed from orders and so can be run again (clusters are not)."""


@dataclass
class RefreshResult:
    """Member counts by segment name, and the schemes that were run again."""

    counts: dict[str, int] = field(default_factory=dict)
    schemes: list[str] = field(default_factory=list)
    snapshot: int | None = None
    """The automatic snapshot the refresh took, when it changed membership."""

    @property
    def refreshed(self) -> int:
        return len(self.counts)

    def to_json(self) -> dict[str, Any]:
        return {
            "refreshed": self.refreshed,
            "schemes": list(self.schemes),
            "segments": dict(self.counts),
            "snapshot": self.snapshot,
        }


def refresh_rule_segment(
    conn: Connection,
    row: Row[Any],
    *,
    today: dt.date,
    now: dt.datetime,
    catalog: FieldCatalog | None = None,
) -> int:
    """Recompute one rule segment from its rule and pins, reading the current members of
    the segments it names; stores and returns its member count."""
    rule = stored_rule(row)
    if rule is None:
        raise UserError(f'"{row.name}" has no rule to refresh')
    catalog = catalog or FieldCatalog.from_connection(conn)
    try:
        query = compile_rule(rule, catalog, today, DatabaseSegments(conn))
    except RuleError as exc:
        raise UserError(f'cannot refresh "{row.name}": {exc}') from exc
    count = replace_members(conn, row.id, with_pins(query, row.id), now)
    conn.execute(
        segment.update().where(segment.c.id == row.id).values(member_count=count, refreshed_at=now)
    )
    record_sizes(conn, [row.id], now)
    return count


def refresh_segment(
    conn: Connection, name: str, *, today: dt.date, now: dt.datetime
) -> RefreshResult:
    """Refresh one segment: a rule segment from the current members of what it names, a
    model segment by running its scheme again. A static segment stays as it is."""
    row = find_segment(conn, name)
    if row.status == "retired":
        raise UserError(f'"{row.name}" is retired; reactivate it to refresh it')
    result = RefreshResult()
    baseline = _snapshot_baseline(conn)
    if row.kind == "rule":
        result.counts[row.name] = refresh_rule_segment(conn, row, today=today, now=now)
    elif row.kind == "model" and row.scheme_id is not None:
        _refresh_scheme(conn, row.scheme_id, today, now, result)
    else:
        result.counts[row.name] = row.member_count or 0
    result.snapshot = _snapshot_if_changed(conn, now, baseline)
    return result


def refresh_all(
    conn: Connection,
    *,
    today: dt.date,
    now: dt.datetime,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> RefreshResult:
    """Run every RFM and lifecycle scheme again, then every rule segment that is not retired,
    each after the segments it names; a refresh an import left due is done with it. Progress
    counts them, labelled with the name of the scheme or segment just refreshed."""
    schemes = conn.execute(
        select(scheme.c.id, scheme.c.name)
        .where(scheme.c.kind.in_(MODEL_SCHEME_KINDS))
        .order_by(scheme.c.name)
    ).all()
    rules = refresh_order(
        conn.execute(
            select(segment).where(live(), segment.c.kind == "rule", segment.c.status != "retired")
        ).all()
    )
    result = RefreshResult()
    job = Job(progress, cancelled, total=len(schemes) + len(rules))
    clear_segments_due(conn)
    if job.total == 0:
        return result
    _drop_orphan_pins(conn)
    baseline = _snapshot_baseline(conn)
    catalog = FieldCatalog.from_connection(conn)
    job.check()
    for scheme_id, scheme_name in schemes:
        _refresh_scheme(conn, scheme_id, today, now, result)
        job.step(scheme_name)
    for row in rules:
        result.counts[row.name] = refresh_rule_segment(
            conn, row, today=today, now=now, catalog=catalog
        )
        job.step(row.name)
    result.snapshot = _snapshot_if_changed(conn, now, baseline)
    return result


def refresh_order(rows: Sequence[Row[Any]]) -> list[Row[Any]]:
    """Rule segments ordered so that each comes after the ones it names (by name, else
    ignoring case); ties go alphabetically. Saving refuses cycles, so there are none."""
    by_folded = {row.name.casefold(): row for row in rows}
    by_name = {row.name: row for row in rows}

    def needs(row: Row[Any]) -> set[str]:
        rule = stored_rule(row)
        names = referenced_segments(rule) if rule is not None else set()
        found = [by_name.get(n) or by_folded.get(n.strip().casefold()) for n in names]
        return {r.name for r in found if r is not None and r.name != row.name}

    waiting = {row.name: needs(row) for row in rows}
    ordered: list[Row[Any]] = []
    while waiting:
        ready = sorted(n for n, deps in waiting.items() if not deps)
        if not ready:  # a cycle stored before cycles were refused: take the rest as they are
            ready = sorted(waiting)
        for name in ready:
            ordered.append(by_name[name])
            del waiting[name]
        for deps in waiting.values():
            deps.difference_update(ready)
    return ordered


def _refresh_scheme(
    conn: Connection, scheme_id: int, today: dt.date, now: dt.datetime, result: RefreshResult
) -> None:
    from segdesk.models.runner import refresh_scheme  # pandas loads only when a model runs

    name = conn.execute(select(scheme.c.name).where(scheme.c.id == scheme_id)).scalar_one()
    result.counts.update(refresh_scheme(conn, scheme_id, today=today, now=now))
    result.schemes.append(name)


def _snapshot_baseline(conn: Connection) -> dict[int, BitMap] | None:
    from segdesk.analysis.snapshots import refresh_baseline

    return refresh_baseline(conn)


def _snapshot_if_changed(
    conn: Connection, now: dt.datetime, baseline: dict[int, BitMap] | None
) -> int | None:
    """An automatic snapshot, in the refresh's transaction, when membership changed
    (``analysis.snapshots.auto_snapshot`` says when; docs/stability.md)."""
    from segdesk.analysis.snapshots import auto_snapshot

    return auto_snapshot(conn, now=now, baseline=baseline)


def _drop_orphan_pins(conn: Connection) -> None:
    """Pins whose contact is gone go with it (only possible where foreign keys are off)."""
    conn.execute(pin.delete().where(~exists().where(contact.c.id == pin.c.contact_id)))
