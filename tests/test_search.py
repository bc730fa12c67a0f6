"""Contact search ignores case and accents and looks in the city too, through both readers,
on new databases and on databases made before the search text was stored."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from segdesk.paths import sample_db
from segdesk.store.migrations import backup_path
from segdesk.store.quick_read import QuickReader
from segdesk.store.search_text import SEARCHED_FIELDS, fold, search_text, search_words
from segdesk.workspace import Workspace
from tests.factories import add_contacts, drop_order_summary

PEOPLE = [
    {"first_name": "Björn", "last_name": "Ødegaard", "email": "bjorn@fjord.example"},
    {"first_name": "Anna", "last_name": "Müller", "company": "Bäckerei Weiß", "city": "Köln"},
    {"first_name": "José", "last_name": "Ñúñez", "city": "São Paulo", "external_id": "A-01"},
    {"first_name": "Zoë", "last_name": "Łukasz", "company": "Æble & Co", "city": "Kraków"},
    {"first_name": "Plain", "last_name": "Person", "city": "Bjornstad", "email": "p@ex.example"},
]


class TestFold:
    @pytest.mark.parametrize(
        ("text", "folded"),
        [
            ("Björn", "bjorn"),
            ("MÜLLER", "muller"),
            ("Straße", "strasse"),
            ("ØRSTED", "orsted"),
            ("Łódź", "lodz"),
            ("Đorđe", "dorde"),
            ("Æbeltoft", "aebeltoft"),
            ("ﬁne", "fine"),
            ("İstanbul", "istanbul"),
            ("plain ascii 123", "plain ascii 123"),
        ],
    )
    def test_case_and_accents_go(self, text: str, folded: str) -> None:
        assert fold(text) == folded

    def test_search_text_joins_the_searched_fields_and_skips_empty_ones(self) -> None:
        assert SEARCHED_FIELDS[-1] == "city"
        assert search_text("Björn", None, "B@X.example", "", "007", "Malmö") == (
            "bjorn b@x.example 007 malmo"
        )

    def test_no_search_word_holds_a_space(self) -> None:
        # "¨" decomposes into a space and a mark: the word splits instead of spanning fields.
        assert search_words("  a¨b  Ö ") == ["a", "b", "o"]


Reader = Callable[[Path, str], list[int]]


def _workspace_ids(db: Path, search: str) -> list[int]:
    with Workspace.open(db) as ws:
        ids = [row.id for row in ws.contacts.contacts_page(0, 50, search)]
        assert ws.contacts.count_contacts(search) == len(ids)
        return ids


def _quick_ids(db: Path, search: str) -> list[int]:
    reader = QuickReader.open(db)
    assert reader is not None
    ids = [row.id for row in reader.contacts_page(0, 50, search)]
    assert reader.count_contacts(search) == len(ids)
    return ids


READERS = pytest.mark.parametrize("ids", [_workspace_ids, _quick_ids], ids=["workspace", "quick"])


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "shop.db"
    with Workspace.open(path) as ws:
        add_contacts(ws.engine, PEOPLE)
    return path


@READERS
@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("bjorn", [1, 5]),  # "Björn", and the city "Bjornstad"
        ("BJÖRN", [1, 5]),
        ("muller", [2]),
        ("Müller", [2]),
        ("odegaard", [1]),  # ø is not a decomposed letter: spelt o
        ("weiss", [2]),  # ß as ss
        ("backerei", [2]),
        ("koln", [2]),  # the city is searched
        ("sao paulo", [3]),
        ("nunez a-01", [3]),
        ("lukasz aeble krakow", [4]),
        ("zoe", [4]),
        ("anna koln", [2]),  # each word somewhere
        ("anna krakow", []),
    ],
)
def test_search_ignores_case_and_accents(
    db: Path, ids: Reader, search: str, expected: list[int]
) -> None:
    assert ids(db, search) == expected


def _schema_one(db: Path) -> None:
    """Make ``db`` look as the first schema left it: version 1, without what the later
    migrations add (the search text, order statuses and lines, segment sizes, reviews)."""
    with closing(sqlite3.connect(db)) as conn:
        drop_order_summary(conn)
        conn.execute("ALTER TABLE contact DROP COLUMN search_text")
        conn.execute("ALTER TABLE event DROP COLUMN status")
        conn.execute("DROP TABLE order_line")
        conn.execute("DROP TABLE segment_refresh")
        conn.execute("DROP TABLE segment_review")
        conn.execute("DROP TABLE backtest_run")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        conn.commit()


@READERS
def test_an_older_database_is_backed_up_and_its_contacts_found(tmp_path: Path, ids: Reader) -> None:
    db = tmp_path / "old.db"
    with Workspace.open(db) as ws:
        add_contacts(ws.engine, PEOPLE)
    _schema_one(db)

    Workspace.open(db).close()  # migrates

    assert backup_path(db, 1).exists()
    with closing(sqlite3.connect(backup_path(db, 1))) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(contact)")]
    assert "search_text" not in columns
    assert ids(db, "bjorn") == [1, 5]
    assert ids(db, "koln muller") == [2]


def test_the_backfill_reaches_every_contact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("segdesk.store.migrations.BACKFILL_CHUNK", 2)  # several chunks
    db = tmp_path / "old.db"
    with Workspace.open(db) as ws:
        add_contacts(ws.engine, PEOPLE)
    _schema_one(db)
    Workspace.open(db).close()
    assert stored_search_texts(db) == expected_search_texts(db)


def stored_search_texts(db: Path) -> dict[int, str]:
    with closing(sqlite3.connect(db)) as conn:
        return dict(conn.execute("SELECT id, search_text FROM contact ORDER BY id").fetchall())


def expected_search_texts(db: Path) -> dict[int, str]:
    """Each contact's search text as its stored fields make it."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(f"SELECT id, {', '.join(SEARCHED_FIELDS)} FROM contact ORDER BY id")
        return {row[0]: search_text(*row[1:]) for row in rows}


def test_the_sample_database_stores_every_search_text() -> None:
    db = sample_db()
    assert stored_search_texts(db) == expected_search_texts(db)


def test_test_factories_store_the_search_text(db: Path) -> None:
    assert stored_search_texts(db) == expected_search_texts(db)
