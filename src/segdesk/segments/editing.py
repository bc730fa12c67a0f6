"""A segment's life: create, edit (a new version each time), rename, retire and reactivate,
delete (soft), purge (for good) and duplicate.

Model segments belong to their scheme (RFM, lifecycle): they can be renamed, retired and
duplicated (the copy is a static list), but not edited, deleted or purged here; the scheme
decides their members.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Row, delete, literal, select, update

from segdesk.errors import UserError
from segdesk.rules import (
    DatabaseSegments,
    FieldCatalog,
    InSegment,
    Rule,
    compile_rule,
    find_cycle,
    parse,
    to_json,
    to_text,
)
from segdesk.rules.tree import And, Not, Or
from segdesk.segments.lookup import (
    PLAYBOOK_FIELDS,
    STATUSES,
    check_name_free,
    deleted_suffix,
    dependants,
    find_deleted_segment,
    find_segment,
    original_name,
    rule_lookup,
    rule_of_factory,
    stored_rule,
)
from segdesk.segments.members import clear_members, member_ids, replace_members
from segdesk.segments.refresh import refresh_rule_segment
from segdesk.store.inserted import inserted_id
from segdesk.store.segment_sizes import record_sizes
from segdesk.store.tables import (
    BacktestRun,
    ExportLog,
    Segment,
    SegmentMember,
    SegmentMemberSet,
    SegmentPin,
    SegmentRefresh,
    SegmentReview,
    SegmentVersion,
    SnapshotMembership,
)

segment = Segment.__table__
version_table = SegmentVersion.__table__
pin = SegmentPin.__table__
member = SegmentMember.__table__


def read_rule(conn: Connection, name: str, rule_text: str, today: dt.date) -> Rule:
    """Parse and vet a rule for segment ``name``: known fields, known segments, no loop."""
    catalog = FieldCatalog.from_connection(conn)
    rule = parse(rule_text, catalog)
    cycle = find_cycle(name, rule, rule_of_factory(rule_lookup(conn)))
    if cycle is not None:
        chain = " → ".join(f'"{n}"' for n in cycle)
        raise UserError(f"this rule would make a segment depend on itself: {chain}")
    compile_rule(rule, catalog, today, DatabaseSegments(conn))  # names segments that exist
    return rule


def create_segment(
    conn: Connection,
    name: str,
    rule_text: str,
    *,
    today: dt.date,
    now: dt.datetime,
    reason: str | None = None,
    status: str = "active",
) -> int:
    """Save a rule segment (version 1) and compute its members; returns its id."""
    _check_status(status)
    name = check_name_free(conn, name)
    rule = read_rule(conn, name, rule_text, today)
    segment_id = insert_segment(
        conn, name, "rule", now, definition=to_json(rule), rule_text=to_text(rule), status=status
    )
    add_version(conn, segment_id, 1, to_json(rule), to_text(rule), reason or "created", now)
    refresh_rule_segment(conn, _row(conn, segment_id), today=today, now=now)
    return segment_id


def edit_segment(
    conn: Connection,
    name: str,
    rule_text: str,
    *,
    reason: str,
    today: dt.date,
    now: dt.datetime,
) -> int:
    """Give a rule segment a new rule (its next version, with the reason) and recompute its
    members unless it is retired. Segments that name it catch up at their next refresh."""
    row = find_segment(conn, name)
    _refuse_model(row, "edited")
    if row.kind != "rule":
        raise UserError(f'"{row.name}" is a static list; its rule cannot be edited')
    if not reason or not reason.strip():
        raise UserError("say why the rule changes (a reason is kept with each version)")
    rule = read_rule(conn, row.name, rule_text, today)
    if to_text(rule) == row.rule_text:
        raise UserError(f'the rule of "{row.name}" is already {row.rule_text}')
    number: int = row.version + 1
    conn.execute(
        update(segment)
        .where(segment.c.id == row.id)
        .values(definition=to_json(rule), rule_text=to_text(rule), version=number, updated_at=now)
    )
    add_version(conn, row.id, number, to_json(rule), to_text(rule), reason.strip(), now)
    if row.status != "retired":
        refresh_rule_segment(conn, _row(conn, row.id), today=today, now=now)
    return number


def rename_segment(conn: Connection, old: str, new: str, *, now: dt.datetime) -> str:
    """Rename a segment; rules that name it are rewritten to the new name (each gets a new
    version saying so). Returns the new name."""
    row = find_segment(conn, old)
    new_name = check_name_free(conn, new, ignore_id=row.id)
    users = dependants(conn, row.name)
    conn.execute(
        update(segment).where(segment.c.id == row.id).values(name=new_name, updated_at=now)
    )
    for user in users:
        _rename_reference(conn, user, row.name, new_name, now)
    return new_name


def set_status(
    conn: Connection, name: str, status: str, *, today: dt.date, now: dt.datetime
) -> None:
    """Retire, reactivate or draft a segment. Retiring keeps its members as they are and is
    refused while active rules name it; reactivating a rule segment recomputes it."""
    _check_status(status)
    row = find_segment(conn, name)
    if status == row.status:
        raise UserError(f'"{row.name}" is already {status}')
    if status == "retired":
        users = dependants(conn, row.name, statuses=("draft", "active"))
        if users:
            raise UserError(f'"{row.name}" cannot be retired: {_named(users)} {_uses(users)} it')
    conn.execute(
        update(segment).where(segment.c.id == row.id).values(status=status, updated_at=now)
    )
    if row.status == "retired" and row.kind == "rule":
        stored = stored_rule(row)
        assert stored is not None
        read_rule(conn, row.name, to_text(stored), today)  # what it names must still exist
        refresh_rule_segment(conn, _row(conn, row.id), today=today, now=now)


def delete_segment(conn: Connection, name: str, *, now: dt.datetime) -> str:
    """Soft delete: the segment leaves every list, its members are cleared, its history and
    pins stay, and its name is free. Returns the name it is kept under."""
    row = find_segment(conn, name)
    _refuse_model(row, "deleted")
    users = dependants(conn, row.name)
    if users:
        raise UserError(f'"{row.name}" cannot be deleted: {_named(users)} {_uses(users)} it')
    clear_members(conn, row.id)
    kept = f"{row.name}{deleted_suffix(row.id)}"
    conn.execute(
        update(segment)
        .where(segment.c.id == row.id)
        .values(name=kept, deleted_at=now, updated_at=now, member_count=0)
    )
    return kept


def purge_segment(conn: Connection, name: str) -> None:
    """Remove a deleted segment for good, with its versions, pins, reviews and snapshot
    memberships; exports that named it keep their log entry without the link."""
    row = find_deleted_segment(conn, name)
    was = original_name(row)
    taken = conn.execute(
        select(segment.c.id).where(segment.c.deleted_at.is_(None), segment.c.name == was)
    ).first()
    users = [] if taken else dependants(conn, was)
    if users:
        raise UserError(f'"{was}" cannot be purged: {_named(users)} still {_uses(users)} it')
    snapshots = SnapshotMembership.__table__
    exports = ExportLog.__table__
    conn.execute(delete(snapshots).where(snapshots.c.segment_id == row.id))
    conn.execute(update(exports).where(exports.c.segment_id == row.id).values(segment_id=None))
    for table in (
        pin,
        version_table,
        member,
        SegmentMemberSet.__table__,
        SegmentRefresh.__table__,
        SegmentReview.__table__,
        BacktestRun.__table__,
    ):
        conn.execute(delete(table).where(table.c.segment_id == row.id))
    conn.execute(delete(segment).where(segment.c.id == row.id))


def duplicate_segment(
    conn: Connection, name: str, new_name: str, *, today: dt.date, now: dt.datetime
) -> int:
    """Copy a segment's definition, pins and playbook under a new name (version 1, "copy of
    X"). A copy of a model segment is a static list of its current members."""
    row = find_segment(conn, name)
    new_name = check_name_free(conn, new_name)
    playbook = {f: row._mapping[f] for f in PLAYBOOK_FIELDS}
    reason = f"copy of {row.name}"
    if row.kind == "rule":
        new_id = insert_segment(
            conn,
            new_name,
            "rule",
            now,
            definition=row.definition,
            rule_text=row.rule_text,
            status="active",
            **playbook,
        )
        add_version(conn, new_id, 1, row.definition, row.rule_text, reason, now)
        _copy_pins(conn, row.id, new_id, now)
        refresh_rule_segment(conn, _row(conn, new_id), today=today, now=now)
        return new_id
    definition = (
        row.definition
        if row.kind == "static"
        else {"static": {"from": "segment", "segment": row.name}}
    )
    new_id = insert_segment(
        conn,
        new_name,
        "static",
        now,
        definition=definition,
        rule_text=row.rule_text,
        status="active",
        **playbook,
    )
    add_version(conn, new_id, 1, definition, row.rule_text, reason, now)
    count = replace_members(conn, new_id, member_ids(row.id), now)
    conn.execute(
        update(segment).where(segment.c.id == new_id).values(member_count=count, refreshed_at=now)
    )
    record_sizes(conn, [new_id], now)
    return new_id


def insert_segment(conn: Connection, name: str, kind: str, now: dt.datetime, **values: Any) -> int:
    inserted = conn.execute(
        segment.insert(),
        {"name": name, "kind": kind, "version": 1, "created_at": now, "updated_at": now, **values},
    )
    return inserted_id(inserted)


def add_version(
    conn: Connection,
    segment_id: int,
    number: int,
    definition: dict[str, Any] | None,
    rule_text: str | None,
    reason: str,
    now: dt.datetime,
) -> None:
    conn.execute(
        version_table.insert(),
        {
            "segment_id": segment_id,
            "version": number,
            "definition": definition,
            "rule_text": rule_text,
            "reason": reason,
            "created_at": now,
        },
    )


def _row(conn: Connection, segment_id: int) -> Row[Any]:
    return conn.execute(select(segment).where(segment.c.id == segment_id)).one()


def _rename_reference(conn: Connection, user: str, old: str, new: str, now: dt.datetime) -> None:
    row = find_segment(conn, user)
    rule = stored_rule(row)
    assert rule is not None
    renamed = _with_segment_renamed(rule, old, new)
    number = row.version + 1
    conn.execute(
        update(segment)
        .where(segment.c.id == row.id)
        .values(
            definition=to_json(renamed), rule_text=to_text(renamed), version=number, updated_at=now
        )
    )
    add_version(
        conn,
        row.id,
        number,
        to_json(renamed),
        to_text(renamed),
        f'segment "{old}" renamed to "{new}"',
        now,
    )


def _with_segment_renamed(rule: Rule, old: str, new: str) -> Rule:
    if isinstance(rule, InSegment):
        same = rule.name.strip().casefold() == old.strip().casefold()
        return InSegment(new) if same else rule
    if isinstance(rule, And | Or):
        return type(rule)(tuple(_with_segment_renamed(i, old, new) for i in rule.items))
    if isinstance(rule, Not):
        return Not(_with_segment_renamed(rule.item, old, new))
    return rule


def _copy_pins(conn: Connection, source: int, target: int, now: dt.datetime) -> None:
    conn.execute(
        pin.insert().from_select(
            ["segment_id", "contact_id", "mode", "note", "created_at"],
            select(
                literal(target),
                pin.c.contact_id,
                pin.c.mode,
                pin.c.note,
                literal(now, pin.c.created_at.type),
            ).where(pin.c.segment_id == source),
        )
    )


def _refuse_model(row: Row[Any], what: str) -> None:
    if row.kind == "model":
        raise UserError(
            f'"{row.name}" belongs to the model scheme that makes it and cannot be {what}; '
            "rename, retire or duplicate it instead"
        )


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise UserError(f'a segment is draft, active or retired, not "{status}"')


def _named(names: list[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _uses(names: list[str]) -> str:
    return "uses" if len(names) == 1 else "use"
