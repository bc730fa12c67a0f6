"""Finding the contacts a user names: by email, by external id, or by id.

``ada@example.com`` is an email (stored lower-cased, so compared lower-cased); ``id:42`` is
always the id; other text is an external id, else (when it is a whole number) an id. Text
that is one contact's external id and another contact's id is refused as ambiguous rather
than guessed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, select

from segdesk.errors import NotFoundError, UserError
from segdesk.store.tables import Contact
from segdesk.store.value_lists import among

contact = Contact.__table__
SHOWN_MISSING = 5


def find_contact(conn: Connection, ref: str | int) -> int:
    """The id of the contact ``ref`` names."""
    return find_contacts(conn, [ref])[0]


def find_contacts(conn: Connection, refs: Iterable[str | int]) -> list[int]:
    """The ids of the contacts ``refs`` name, in the same order, looked up together."""
    texts = [str(ref).strip() for ref in refs]
    if any(not t for t in texts):
        raise UserError("name a contact by email, external id or id")
    emails = {t.lower() for t in texts if "@" in t and not _is_id(t)}
    others = [t for t in texts if "@" not in t and not _is_id(t)]
    numbers = {
        int(n) for n in [*(t[3:].strip() for t in texts if _is_id(t)), *others] if n.isdigit()
    }
    by_email = _lookup(conn, contact.c.email, emails)
    by_external = _lookup(conn, contact.c.external_id, set(others))
    known_ids = set(_lookup(conn, contact.c.id, numbers).values())
    found: list[int] = []
    missing: list[str] = []
    for text in texts:
        cid = _resolve(text, by_email, by_external, known_ids)
        if cid is None:
            missing.append(text)
        else:
            found.append(cid)
    if missing:
        shown = ", ".join(missing[:SHOWN_MISSING])
        more = f" and {len(missing) - SHOWN_MISSING} more" if len(missing) > SHOWN_MISSING else ""
        raise NotFoundError(f"no contact with the email, external id or id {shown}{more}")
    return found


def _is_id(text: str) -> bool:
    return text.lower().startswith("id:")


def _resolve(
    text: str, by_email: dict[str, int], by_external: dict[str, int], known_ids: set[int]
) -> int | None:
    if _is_id(text):
        digits = text[3:].strip()
        return int(digits) if digits.isdigit() and int(digits) in known_ids else None
    if "@" in text:
        return by_email.get(text.lower())
    external = by_external.get(text)
    by_id = int(text) if text.isdigit() and int(text) in known_ids else None
    if external is not None and by_id is not None and external != by_id:
        raise UserError(
            f"{text} is the external id of contact {external} and the id of contact {by_id}; "
            f'write "id:{text}" for the id'
        )
    return external if external is not None else by_id


def _lookup(
    conn: Connection, column: ColumnElement[Any], values: Collection[Any]
) -> dict[Any, int]:
    """Stored value → contact id, for the values among ``values`` that are stored."""
    if not values:
        return {}
    rows = conn.execute(select(column, contact.c.id).where(among(conn, column, values)))
    return {value: cid for value, cid in rows}
