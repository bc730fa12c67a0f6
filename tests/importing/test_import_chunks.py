"""Work done a chunk at a time gives what the rules give row by row: counts, values, order."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

from segdesk.ingest import importer
from segdesk.ingest.attributes import StoredAttributes
from segdesk.ingest.contact_writer import MISSPELT_DOMAINS
from segdesk.store.bulk import JsonTexts, insert_columns, insert_rows
from segdesk.store.tables import Contact
from segdesk.store.value_lists import among, listed
from segdesk.workspace import Workspace
from tests.importing.conftest import by_email

SMALL_CHUNK = 97
"""Chunk size for the files below: several chunks, a last one cut short."""


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", SMALL_CHUNK)


# JSON documents, a column at a time -------------------------------------------------------------


def test_documents_are_what_json_dumps_writes() -> None:
    customs = [
        {
            "plan": "pro",
            "age": 34,
            "since": dt.date(2021, 3, 4),
            "score": 1.0,
            "vip": True,
            "share %": 'say "hi" 100%s',
        },
        {
            "plan": None,
            "age": 1,
            "since": None,
            "score": float("nan"),
            "vip": False,
            "share %": "Zoë ☕ \\ /",
        },
        {"plan": None, "age": None, "since": None, "score": None, "vip": None, "share %": None},
        {
            "plan": "x",
            "age": 2**70,
            "since": dt.datetime(2024, 1, 2, 3, 4, 5),
            "score": 2,
            "vip": None,
            "share %": "\n\t",
        },
    ]
    expected = [
        json.dumps(
            {
                n: v.isoformat() if isinstance(v, dt.date) else v
                for n, v in c.items()
                if v is not None
            }
        )
        for c in customs
    ]
    stored = StoredAttributes(["since"])
    assert stored.texts(customs) == expected
    assert [json.dumps(stored(c)) for c in customs] == expected
    assert stored.texts([{}, {}]) == ["{}", "{}"]
    assert stored.texts([]) == []


# The SQLite statements and their portable twins ---------------------------------------------------


def _stored_rows(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM contact ORDER BY id").fetchall()


def _insert_and_look_up(db: Path) -> list[tuple[Any, ...]]:
    now = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with Workspace.open(db) as ws, ws.engine.begin() as conn:
        insert_columns(
            conn,
            Contact.__table__,
            {
                "email": ["a@x.com", "b@x.com", "c@x.com"],
                "external_id": ["001", None, "003"],
                "consent": ["unknown"] * 3,
                "attributes": JsonTexts(
                    ['{"plan": "pro"}', "{}", '{"age": 3, "since": "2020-01-02"}']
                ),
                "created_at": [now] * 3,
                "updated_at": [now, now + dt.timedelta(days=1), now],
            },
        )
        insert_rows(
            conn,
            Contact.__table__,
            ("email", "consent", "attributes", "created_at", "updated_at"),
            [("d@x.com", "subscribed", {"tier": "gold"}, now, now)],
        )
        email = Contact.__table__.c.email
        wanted = {"b@x.com", "d@x.com", "zz@x.com", "x' OR 1=1"}
        keys = listed(conn, wanted)
        joined = conn.execute(
            select(email, Contact.__table__.c.id).select_from(
                keys.join(Contact, email == keys.c.value)
            )
        ).all()
        within = conn.execute(
            select(email, Contact.__table__.c.id).where(among(conn, email, wanted))
        ).all()
    assert sorted(map(tuple, joined)) == sorted(map(tuple, within))
    return sorted(map(tuple, joined))


def test_portable_twins_store_and_find_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _insert_and_look_up(tmp_path / "sqlite.db")
    with monkeypatch.context() as patch:
        patch.setattr("sqlalchemy.dialects.sqlite.base.SQLiteDialect.name", "portable")
        portable = _insert_and_look_up(tmp_path / "portable.db")
    assert found == portable == [("b@x.com", 2), ("d@x.com", 4)]
    rows = _stored_rows(tmp_path / "sqlite.db")
    assert rows == _stored_rows(tmp_path / "portable.db")
    by_id = {row[0]: row for row in rows}
    assert len(by_id) == 4
    with sqlite3.connect(tmp_path / "sqlite.db") as conn:
        stored = conn.execute(
            "SELECT email, attributes, created_at, updated_at FROM contact ORDER BY id"
        ).fetchall()
    assert stored == [
        ("a@x.com", '{"plan": "pro"}', "2024-05-06 05:08:09.000000", "2024-05-06 05:08:09.000000"),
        ("b@x.com", "{}", "2024-05-06 05:08:09.000000", "2024-05-07 05:08:09.000000"),
        (
            "c@x.com",
            '{"age": 3, "since": "2020-01-02"}',
            "2024-05-06 05:08:09.000000",
            "2024-05-06 05:08:09.000000",
        ),
        ("d@x.com", '{"tier": "gold"}', "2024-05-06 05:08:09.000000", "2024-05-06 05:08:09.000000"),
    ]


# Quality counts over many chunks ------------------------------------------------------------------


def _contacts_csv(rng: random.Random, rows: int) -> str:
    domains = ["example.com", "shop.example", *sorted(MISSPELT_DOMAINS)]
    out = io.StringIO()
    out.write("email,first_name,city,phone,plan,age\n")
    for i in range(rows):
        gap = rng.random
        out.write(
            f"p{i}@{rng.choice(domains)},{'' if gap() < 0.2 else 'Ann'},"
            f"{'' if gap() < 0.1 else 'Leeds'},{'' if gap() < 0.1 else '+44 20 7946 0000'},"
            f"{'' if gap() < 0.3 else rng.choice(['pro', 'basic'])},"
            f"{'' if gap() < 0.05 else rng.randrange(18, 90)}\n"
        )
    return out.getvalue()


def _expected_missing(text: str) -> list[tuple[str, int]]:
    """Empty cells per column, most first; ties in the order of their first empty cell."""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    empty = frame == ""
    counted = [
        (name, int(empty[name].sum()), int(empty[name].to_numpy().argmax()))
        for name in frame.columns
        if empty[name].any()
    ]
    return [(name, n) for name, n, _ in sorted(counted, key=lambda c: (-c[1], c[2]))]


def test_contacts_quality_counts_match_the_file(small_chunks, write, run) -> None:
    text = _contacts_csv(random.Random(7), 1000)
    report = run(write("people.csv", text), maps=("plan=custom:plan", "age=custom:age"))
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    misspelt = int(frame["email"].str.split("@").str[-1].isin(MISSPELT_DOMAINS).sum())
    assert (report.read, report.inserted, report.rejected) == (1000, 1000, 0)
    assert report.quality.warnings == {"emails at a misspelt domain (e.g. gmial.com)": misspelt}
    assert report.quality.missing.most_common() == _expected_missing(text)


def test_ties_keep_the_order_of_the_first_empty_value(small_chunks, write, run) -> None:
    # city and phone are empty equally often; phone's first gap comes first, in a later chunk
    rows = ["email,first_name,city,phone"]
    for i in range(300):
        city = "" if i in (250, 260) else "Leeds"
        phone = "" if i in (120, 290) else "+44 20 7946 0000"
        rows.append(f"p{i}@example.com,Ann,{city},{phone}")
    report = run(write("ties.csv", "\n".join(rows) + "\n"))
    assert report.quality.lines() == ["rows without a value: phone 2, city 2"]


def test_events_quality_counts_match_the_file(small_chunks, ws, write, run) -> None:
    rng = random.Random(11)
    lines = ["customer_id,date,amount,quantity"]
    for _ in range(1000):
        year = rng.choice([1985, 2023, 2024, 2031])
        amount = "" if rng.random() < 0.1 else f"{rng.uniform(-20, 200):.2f}"
        quantity = "" if rng.random() < 0.2 else str(rng.randrange(1, 5))
        day = f"{year}-0{rng.randrange(1, 10)}-1{rng.randrange(10)}"
        lines.append(f"{rng.randrange(1, 40):05d},{day},{amount},{quantity}")
    text = "\n".join(lines) + "\n"
    report = run(write("orders.csv", text), "events", maps=("customer_id=external_id",))
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    years = frame["date"].str[:4].astype(int)
    amounts = pd.to_numeric(frame["amount"].replace("", None))
    assert (report.read, report.inserted, report.contacts_created) == (
        1000,
        1000,
        frame["customer_id"].nunique(),
    )
    expected = {
        "amounts below zero (refunds?)": int((amounts < 0).sum()),
        "dates in the future": int((years == 2031).sum()),
        "dates before 1990": int((years == 1985).sum()),
    }
    assert report.quality.warnings == expected
    assert report.quality.missing.most_common() == _expected_missing(text)


# Repeated contacts inside and across chunks ----------------------------------------------------


REPEATS = (
    "email,first_name,city,plan\n"
    "a@x.com,Ann,,gold\n"
    "b@x.com,,Rome,\n"
    "a@x.com,,Paris,silver\n"
    "c@x.com,Cy,Oslo,\n"
    "a@x.com,Annie,,\n"
)


@pytest.mark.parametrize("chunk", [2, 100])
@pytest.mark.parametrize("unsubscribe", [False, True])
def test_repeats_merge_whatever_the_chunks(
    chunk: int, unsubscribe: bool, monkeypatch: pytest.MonkeyPatch, ws, write, run
) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", chunk)
    report = run(
        write("repeats.csv", REPEATS),
        maps=("plan=custom:plan",),
        consent="unsubscribed" if unsubscribe else None,
    )
    counts = (report.read, report.inserted, report.updated, report.unchanged, report.merged)
    assert counts == (5, 3, 0, 0, 2)
    assert report.quality.duplicates_merged == 2
    stored = by_email(ws)
    assert list(stored) == ["a@x.com", "b@x.com", "c@x.com"]
    consent = "unsubscribed" if unsubscribe else "unknown"
    expected = {
        "a@x.com": ("Annie", "Paris", {"plan": "silver"}),
        "b@x.com": (None, "Rome", {}),
        "c@x.com": ("Cy", "Oslo", {}),
    }
    for email, (first, city, attributes) in expected.items():
        row = stored[email]
        assert (row["first_name"], row["city"], row["attributes"], row["consent"]) == (
            first,
            city,
            attributes,
            consent,
        )


@pytest.mark.parametrize("chunk", [1, 100])
def test_a_first_import_still_finds_what_it_wrote(
    chunk: int, monkeypatch: pytest.MonkeyPatch, ws, write, run
) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", chunk)
    text = (
        "email,customer id,city\n"
        "a@x.com,C1,Leeds\n"
        "b@x.com,C1,York\n"
        "c@x.com,C3,Bath\n"
        "a@x.com,,Hull\n"
        "d@x.com,C3,Ely\n"
    )
    report = run(write("first.csv", text), maps=("customer id=external_id",))
    counts = (report.read, report.inserted, report.updated, report.merged, report.rejected)
    assert counts == (5, 2, 0, 1, 2)
    assert [(r.line, r.reason) for r in report.rejects_preview] == [
        (3, "external id 'C1' already belongs to the contact with email 'a@x.com'"),
        (6, "external id 'C3' already belongs to the contact with email 'c@x.com'"),
    ]
    stored = by_email(ws)
    assert [(e, c["external_id"], c["city"]) for e, c in stored.items()] == [
        ("a@x.com", "C1", "Hull"),
        ("c@x.com", "C3", "Bath"),
    ]
