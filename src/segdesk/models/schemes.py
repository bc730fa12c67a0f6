"""Saving a model's result as a scheme: mutually exclusive segments with their members.

A scheme (``rfm``, ``lifecycle``) owns one segment per name, in a fixed priority order. Every
run brings the members of those segments up to date (a contact who stays in a segment keeps
the time they joined it) and records its parameters and breakpoints in ``model_run``, so
earlier runs can be compared with later ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from itertools import repeat
from typing import Any

import numpy as np
from pyroaring import BitMap
from sqlalchemy import Connection, and_, bindparam, delete, or_, select

from segdesk.store.bulk import insert_rows
from segdesk.store.inserted import inserted_id
from segdesk.store.member_bitmaps import write_member_set
from segdesk.store.number_rows import number_columns
from segdesk.store.segment_sizes import record_sizes
from segdesk.store.tables import ModelRun, Scheme, Segment, SegmentMember

scheme_table = Scheme.__table__
segment = Segment.__table__
member = SegmentMember.__table__


def save_scheme(
    conn: Connection,
    name: str,
    kind: str,
    names: Sequence[str],
    members: Mapping[str, Sequence[int]],
    *,
    params: dict[str, Any],
    breakpoints: dict[str, Any],
    as_of: dt.date,
    now: dt.datetime,
) -> dict[str, int]:
    """Store one run of a model given as segment name → contact ids; returns the sizes."""
    ids = [np.asarray(members.get(n, ()), dtype=np.int64) for n in names]
    codes = np.repeat(np.arange(len(names)), [len(i) for i in ids])
    contact_ids = np.concatenate(ids) if ids else np.empty(0, dtype=np.int64)
    return save_assignment(
        conn,
        name,
        kind,
        names,
        contact_ids,
        codes,
        params=params,
        breakpoints=breakpoints,
        as_of=as_of,
        now=now,
    )


def save_assignment(
    conn: Connection,
    name: str,
    kind: str,
    names: Sequence[str],
    contact_ids: np.ndarray,
    codes: np.ndarray,
    *,
    params: dict[str, Any],
    breakpoints: dict[str, Any],
    as_of: dt.date,
    now: dt.datetime,
) -> dict[str, int]:
    """Store one run of a model: contact ``contact_ids[i]`` is in segment ``names[codes[i]]``.

    Returns segment name → member count, for every name.
    """
    scheme_id = _scheme_id(conn, name, kind, params, now)
    by_name, others = _segment_ids(conn, scheme_id, name, names, now)
    segment_ids = np.array([by_name[n] for n in names], dtype=np.int64)
    _update_members(
        conn,
        [*segment_ids.tolist(), *others],
        np.asarray(contact_ids, np.int64),
        segment_ids[np.asarray(codes, dtype=np.intp)],
        now,
    )
    sizes = np.bincount(np.asarray(codes, dtype=np.intp), minlength=len(names))
    counts = {n: int(size) for n, size in zip(names, sizes, strict=True)}
    for segment_name, count in counts.items():
        conn.execute(
            segment.update()
            .where(segment.c.id == by_name[segment_name])
            .values(member_count=count, refreshed_at=now)
        )
    if others:
        conn.execute(
            segment.update()
            .where(segment.c.id.in_(others))
            .values(member_count=0, refreshed_at=now)
        )
    record_sizes(conn, [*by_name.values(), *others], now)
    conn.execute(
        ModelRun.__table__.insert(),
        {
            "scheme_id": scheme_id,
            "as_of": as_of,
            "params": params,
            "breakpoints": breakpoints,
            "ran_at": now,
        },
    )
    conn.execute(
        scheme_table.update()
        .where(scheme_table.c.id == scheme_id)
        .values(params=params, refreshed_at=now)
    )
    return counts


def _update_members(
    conn: Connection,
    segment_ids: list[int],
    contacts: np.ndarray,
    segments: np.ndarray,
    now: dt.datetime,
) -> None:
    """Make the members of ``segment_ids`` exactly the pairs (segments[i], contacts[i]):
    delete the pairs that are gone, insert the new ones, leave the rest alone; and write
    each segment's compact copy of its members."""
    old_pairs = np.column_stack(
        number_columns(
            conn,
            select(member.c.segment_id, member.c.contact_id).where(
                member.c.segment_id.in_(segment_ids)
            ),
            [False, False],
        )
    )
    span = max(segment_ids) + 1
    old_keys = old_pairs[:, 1] * span + old_pairs[:, 0]
    new_keys = contacts * span + segments
    gone = old_pairs[~np.isin(old_keys, new_keys)]
    if len(gone):
        conn.execute(
            delete(member).where(
                and_(member.c.segment_id == bindparam("s"), member.c.contact_id == bindparam("c"))
            ),
            [{"s": s, "c": c} for s, c in gone.tolist()],
        )
    joining = ~np.isin(new_keys, old_keys)
    insert_rows(
        conn,
        member,
        ("segment_id", "contact_id", "joined_at"),
        list(
            zip(segments[joining].tolist(), contacts[joining].tolist(), repeat(now), strict=False)
        ),
    )
    for segment_id in segment_ids:
        write_member_set(
            conn, segment_id, BitMap(contacts[segments == segment_id].astype(np.uint32))
        )


def _scheme_id(
    conn: Connection, name: str, kind: str, params: dict[str, Any], now: dt.datetime
) -> int:
    found = conn.execute(
        select(scheme_table.c.id).where(scheme_table.c.name == name)
    ).scalar_one_or_none()
    if found is not None:
        return found
    inserted = conn.execute(
        scheme_table.insert(),
        {"name": name, "kind": kind, "params": params, "created_at": now},
    )
    return inserted_id(inserted)


def _segment_ids(
    conn: Connection, scheme_id: int, scheme_name: str, names: Sequence[str], now: dt.datetime
) -> tuple[dict[str, int], list[int]]:
    """The scheme's segments by the model's name for them, created where missing, and the
    ids of any other segments of the scheme (names the model no longer gives)."""
    rows = conn.execute(
        select(segment.c.name, segment.c.id, segment.c.definition).where(
            segment.c.scheme_id == scheme_id
        )
    ).all()
    by_model_name = {(row.definition or {}).get("model_segment", row.name): row.id for row in rows}
    ids: dict[str, int] = {}
    for priority, model_name in enumerate(names):
        if model_name in by_model_name:
            ids[model_name] = by_model_name[model_name]
            continue
        inserted = conn.execute(
            segment.insert(),
            {
                "name": _free_name(conn, model_name, scheme_id, scheme_name),
                "kind": "model",
                "definition": {"model": scheme_name, "model_segment": model_name},
                "scheme_id": scheme_id,
                "priority": priority,
                "status": "active",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            },
        )
        ids[model_name] = inserted_id(inserted)
    others = [i for n, i in by_model_name.items() if n not in ids]
    return ids, others


def _free_name(conn: Connection, wanted: str, scheme_id: int, scheme_name: str) -> str:
    """The model's name for the segment, else "Name (scheme)", else "Name (scheme) 2"...

    A name belongs to its scheme: RFM's "At Risk" and lifecycle's "At risk" both keep theirs.
    Only a segment of no scheme (one the user made) or of this scheme takes a name away, so
    that ``in segment "Name"`` keeps finding the user's segment. Names are compared ignoring
    case, as rules name segments."""
    taken = {
        n.casefold()
        for n in conn.execute(
            select(segment.c.name).where(
                or_(segment.c.scheme_id.is_(None), segment.c.scheme_id == scheme_id)
            )
        ).scalars()
    }
    candidate, number = wanted, 1
    if candidate.casefold() in taken:
        candidate = f"{wanted} ({scheme_name})"
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{wanted} ({scheme_name}) {number}"
    return candidate
