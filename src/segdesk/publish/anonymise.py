"""Anonymised lists: no direct identifiers, and a key that is the same in every list of one
database but cannot be turned back into the contact without the database.

The key is an HMAC of the external id (or, without one, of the contact's number) with a salt
made once per database and kept in its ``meta`` table: two anonymised lists of one database
can be joined on it; a list of another database, or a guess of an id, cannot.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import Connection, select

from segdesk.store.tables import Meta

SALT_KEY = "export_salt"
KEY_LENGTH = 16
"""Hex digits kept of the HMAC: 64 bits, no collision expected below billions of contacts."""

meta = Meta.__table__


def read_salt(conn: Connection) -> str | None:
    value: str | None = conn.execute(
        select(meta.c.value).where(meta.c.key == SALT_KEY)
    ).scalar_one_or_none()
    return value


def ensure_salt(conn: Connection) -> str:
    """The database's salt, made on first use (in the caller's write transaction)."""
    salt = read_salt(conn)
    if salt is None:
        salt = secrets.token_hex(32)
        conn.execute(meta.insert().values(key=SALT_KEY, value=salt))
    return salt


class Pseudonyms:
    """The anonymised key of each contact."""

    def __init__(self, salt: str) -> None:
        self._key = salt.encode("ascii")

    def __call__(self, contact_id: int, external_id: str | None) -> str:
        source = external_id if external_id else f"#{contact_id}"
        digest = hmac.new(self._key, source.encode("utf-8"), hashlib.sha256).hexdigest()
        return digest[:KEY_LENGTH]
