"""What a playbook is made from, read in one connection: for each segment its detail, its
playbook fields and reviews, its size history, versions and profile; for a scheme its
segments in order and its latest model run. Counts only: nothing here reads a contact's own
data.

A profile is as of the scheme's latest run for a scheme's segment, else as of the day of the
segment's last refresh (UTC), so that a playbook reads no clock; a scheme's profiles are read
together, in one pass over the orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from segdesk.analysis.profiles import SegmentProfile, profile_table
from segdesk.errors import NotFoundError
from segdesk.segments.detail import SegmentDetail, segment_detail
from segdesk.segments.lookup import SegmentInfo, find_segment, list_segments, qualified_name
from segdesk.segments.overview import SizePoint, size_history
from segdesk.segments.playbook import Playbook, read_playbook
from segdesk.segments.versions import VersionEntry, segment_versions
from segdesk.store.tables import Contact, ModelRun, Scheme

contact = Contact.__table__
scheme_table = Scheme.__table__
model_run = ModelRun.__table__


@dataclass(frozen=True)
class SchemeFacts:
    """A scheme of a model, its settings and its latest run."""

    name: str
    kind: str
    params: dict[str, Any]
    run_as_of: dt.date | None
    breakpoints: dict[str, Any]


@dataclass(frozen=True)
class SegmentFacts:
    """One segment as its playbook shows it; ``contacts`` is what its share is of."""

    detail: SegmentDetail
    playbook: Playbook
    history: tuple[SizePoint, ...]
    versions: tuple[VersionEntry, ...]
    contacts: int
    scheme: SchemeFacts | None
    model_segment: str | None
    """The model's own name for a model segment, which may have been renamed."""
    profile: SegmentProfile | None = None
    """Beside everyone; None for a segment never refreshed or without members."""
    in_scheme: bool = False
    """Read for its scheme's playbook, whose opening has every segment's figures side by
    side: its own part then gives only what sets it apart."""

    @property
    def name(self) -> str:
        return self.detail.info.name


def scheme_facts(conn: Connection, name: str) -> SchemeFacts | None:
    """The scheme called ``name`` (ignoring case), else None."""
    wanted = name.strip().casefold()
    row = next((r for r in conn.execute(select(scheme_table)) if r.name.casefold() == wanted), None)
    if row is None:
        return None
    run = conn.execute(
        select(model_run.c.as_of, model_run.c.breakpoints)
        .where(model_run.c.scheme_id == row.id)
        .order_by(model_run.c.as_of.desc(), model_run.c.id.desc())
        .limit(1)
    ).first()
    return SchemeFacts(
        name=row.name,
        kind=row.kind,
        params=dict(row.params or {}),
        run_as_of=run.as_of if run is not None else None,
        breakpoints=dict(run.breakpoints or {}) if run is not None else {},
    )


def segment_facts(
    conn: Connection,
    name: str,
    *,
    contacts: int | None = None,
    scheme: SchemeFacts | None = None,
    profiles: dict[int, SegmentProfile] | None = None,
    in_scheme: bool = False,
) -> SegmentFacts:
    """The segment called ``name`` (a qualified name, "rfm: At Risk", tells apart two
    schemes' segments of one name); its profile from ``profiles`` when given (read
    together with others'), else read alone."""
    row = find_segment(conn, name)
    exact = qualified_name(row.scheme_name, row.name)
    if scheme is None and row.scheme_name is not None:
        scheme = scheme_facts(conn, row.scheme_name)
    model_segment = None
    if row.kind == "model":
        model_segment = str((row.definition or {}).get("model_segment") or row.name)
    detail = segment_detail(conn, exact)
    if profiles is None:
        profiles = read_profiles(conn, [detail.info], scheme)
    return SegmentFacts(
        detail=detail,
        playbook=read_playbook(conn, exact),
        history=tuple(size_history(conn, exact)),
        versions=tuple(segment_versions(conn, exact)),
        contacts=count_contacts(conn) if contacts is None else contacts,
        scheme=scheme,
        model_segment=model_segment,
        profile=profiles.get(detail.info.id),
        in_scheme=in_scheme,
    )


def scheme_segments(conn: Connection, scheme: SchemeFacts) -> list[SegmentFacts]:
    """Every live segment of ``scheme``, in the scheme's order."""
    contacts = count_contacts(conn)
    infos = [s for s in list_segments(conn) if s.scheme == scheme.name]
    profiles = read_profiles(conn, infos, scheme)
    return [
        segment_facts(
            conn,
            qualified_name(s.scheme, s.name),
            contacts=contacts,
            scheme=scheme,
            profiles=profiles,
            in_scheme=True,
        )
        for s in infos
    ]


def profile_day(info: SegmentInfo, scheme: SchemeFacts | None) -> dt.date | None:
    """The day a segment's profile is of: its scheme's latest run, else its last refresh."""
    if scheme is not None and scheme.run_as_of is not None:
        return scheme.run_as_of
    return info.refreshed_at.astimezone(dt.UTC).date() if info.refreshed_at else None


def read_profiles(
    conn: Connection, infos: list[SegmentInfo], scheme: SchemeFacts | None
) -> dict[int, SegmentProfile]:
    """The profiles of the segments with members, read together as of their day."""
    by_day: dict[dt.date, list[int]] = {}
    for info in infos:
        day = profile_day(info, scheme)
        if info.count and day is not None:
            by_day.setdefault(day, []).append(info.id)
    return {
        p.segment_id: p
        for day, ids in by_day.items()
        for p in profile_table(conn, ids, day).profiles
    }


def count_contacts(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(contact)).scalar_one())


def not_found(name: str) -> NotFoundError:
    return NotFoundError(f'there is no segment or scheme called "{name}"')
