"""The figures of the home screen: the state of each step of the workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, select

from segdesk.segments import reviews
from segdesk.store.refresh_due import segments_due
from segdesk.store.tables import (
    Contact,
    Event,
    ExportLog,
    ImportBatch,
    Scheme,
    Segment,
    Snapshot,
)
from segdesk.wording import count

if TYPE_CHECKING:
    from segdesk.analysis.movement_alerts import MovementAlert


@dataclass(frozen=True)
class QualityAlert:
    """A finding worth a look: contacts without an email address, a segment that moved
    sharply since the last snapshot (``analysis.movement_alerts``)."""

    count: int
    text: str


@dataclass(frozen=True)
class Summary:
    """What the home screen shows; ``segments`` counts every segment its list shows (rule,
    static and model segments, drafts and retired ones), ``schemes`` the models (RFM,
    lifecycle) that made some of them. ``documented`` counts the playbooks with a goal, an
    owner and a next review; ``reviews_due`` the reviews overdue or due within 7 days
    (``segments.reviews``). ``overlaps`` counts the pairs of active segments the overlap
    review flags as nearly the same people or one nearly inside the other; ``drifting`` the
    segments the movement alerts name (or count)."""

    contacts: int
    orders: int
    other_events: int
    imports: int
    segments: int
    schemes: int
    documented: int
    reviews_due: int
    snapshots: int
    exports: int
    alerts: tuple[QualityAlert, ...]
    overlaps: int = 0
    drifting: int = 0
    segments_due: str | None = None
    """What the segments are out of date since (``import 7``), when a refresh is due."""


def compute_summary(conn: Connection, today: date) -> Summary:
    c = Contact.__table__
    e = Event.__table__
    s = Segment.__table__
    contacts, no_email, unsubscribed, no_consent = conn.execute(
        select(
            func.count(),
            func.count().filter(c.c.email.is_(None)),
            func.count().filter(c.c.consent == "unsubscribed"),
            func.count().filter(c.c.consent == "unknown"),
        ).select_from(c)
    ).one()
    orders, other = conn.execute(
        select(func.count().filter(e.c.kind == "order"), func.count().filter(e.c.kind != "order"))
    ).one()
    segments, documented, due = conn.execute(
        select(
            func.count(),
            func.count().filter(reviews.documented()),
            func.count().filter(reviews.review_due(today)),
        ).where(s.c.deleted_at.is_(None))
    ).one()
    batch = ImportBatch.__table__
    imports = conn.execute(
        select(func.count()).select_from(batch).where(batch.c.status == "done")
    ).scalar_one()
    last = conn.execute(
        select(batch.c.file_name, batch.c.rejected, batch.c.quality)
        .where(batch.c.status == "done")
        .order_by(batch.c.id.desc())
        .limit(1)
    ).first()
    schemes = conn.execute(select(func.count()).select_from(Scheme.__table__)).scalar_one()
    snapshots = conn.execute(select(func.count()).select_from(Snapshot.__table__)).scalar_one()
    exports = conn.execute(select(func.count()).select_from(ExportLog.__table__)).scalar_one()
    findings = [
        (no_email, f"{count(no_email, 'contact')} without email"),
        (unsubscribed, f"{unsubscribed:,} unsubscribed"),
        (no_consent, f"{no_consent:,} with unknown consent"),
    ]
    if last is not None:
        file_name, rejected, quality = last
        invalid = (quality or {}).get("invalid_emails", 0)  # rows among the rejected ones
        why = f", {invalid:,} with an invalid email" if invalid else ""
        findings.append(
            (rejected, f"{count(rejected, 'row')} rejected by the last import ({file_name}){why}")
        )
    stale_since = segments_due(conn)
    if stale_since is not None:
        findings.insert(0, (1, f"segments out of date since {stale_since}"))
    moves: list[MovementAlert] = []
    if snapshots:
        from segdesk.analysis.movement_alerts import movement_alerts

        moves = movement_alerts(conn, today)
        findings += [(a.moved, a.text) for a in moves]
    alerts = tuple(QualityAlert(n, text) for n, text in findings if n)
    return Summary(
        contacts=contacts,
        orders=orders,
        other_events=other,
        imports=imports,
        segments=segments,
        schemes=schemes,
        documented=documented,
        reviews_due=due,
        snapshots=snapshots,
        exports=exports,
        alerts=alerts,
        segments_due=stale_since,
        overlaps=_overlap_flags(conn) if segments > 1 else 0,
        drifting=sum(a.segments for a in moves),
    )


def _overlap_flags(conn: Connection) -> int:
    """Pairs flagged by the overlap review of the active segments (from their compact member
    copies, so a few milliseconds even at a million contacts)."""
    from segdesk.analysis.overlap import overlap_report

    flags = overlap_report(conn).flags
    return sum(f.kind in ("near_duplicate", "near_subset") for f in flags)
