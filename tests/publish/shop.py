"""A small shop for the export tests: values a spreadsheet would run as formulas, leading
zeros, ``+`` phones, an unsubscribed contact and one without an email address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from segdesk.store.tables import FieldDef
from segdesk.workspace import Workspace
from tests.factories import WHEN, add_contacts, add_segment

CUSTOM = {"note": "text", "age": "number", "vip": "bool"}

PEOPLE: list[dict[str, Any]] = [
    {
        "id": 1,
        "external_id": "00123",
        "email": "ann@example.com",
        "first_name": "Ann",
        "last_name": '=HYPERLINK("http://x")',
        "phone": "+44 20 7946 0958",
        "company": "Acme, Inc.",
        "postal_code": "02116",
        "city": "Boston",
        "region": "MA",
        "country": "US",
        "consent": "subscribed",
        "attributes": {"note": "@mention", "age": 37, "vip": True},
    },
    {
        "id": 2,
        "external_id": "C-2",
        "email": None,
        "first_name": "-Bob",
        "last_name": "Stone",
        "phone": "0049 30 1234",
        "consent": "subscribed",
        "attributes": {"note": "+plus", "age": -5, "vip": False},
    },
    {
        "id": 3,
        "external_id": "C-3",
        "email": "cy@example.com",
        "first_name": "Cy",
        "consent": "unsubscribed",
        "attributes": {},
    },
    {
        "id": 4,
        "external_id": "C-4",
        "email": "dee@example.com",
        "first_name": "\tDee",
        "last_name": 'Quote "Q"',
        "job_title": "\rCR",
        "company": "Line\nbreak",
        "city": "Zürich",
        "country": "UK",
        "consent": "unknown",
        "attributes": {"note": "plain"},
    },
    {"id": 5, "external_id": "C-5", "email": "eve@example.com", "first_name": "Eve"},
]
"""Club: 1, 2, 3, 4. Team: 2, 4, 5."""


def make_shop(folder: Path) -> Path:
    db = folder / "shop.db"
    with Workspace.open(db) as ws:
        add_contacts(ws.engine, PEOPLE)
        with ws.engine.begin() as conn:
            conn.execute(
                FieldDef.__table__.insert(),
                [
                    {
                        "name": n,
                        "label": n.title(),
                        "type": t,
                        "origin": "custom",
                        "created_at": WHEN,
                    }
                    for n, t in CUSTOM.items()
                ],
            )
        add_segment(ws.engine, "Club", [1, 2, 3, 4])
        add_segment(ws.engine, "Team", [2, 4, 5])
    return db
