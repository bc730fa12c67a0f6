"""The quick reader serves exactly what its SQLAlchemy twin serves."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segdesk.contact_values import page_window
from segdesk.store.quick_read import QuickReader
from segdesk.workspace import Workspace
from tests.factories import add_contacts

WORDS = [
    *("Ana", "ana", "LÓPEZ", "lópez", "lopez", "50%", "a_b", "a/b", "x", "Sunrise", "00042"),
    *("@ex", "Björn", "bjorn", "Müller", "MULLER", "Straße", "strasse", "Ørsted", "Köln"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quick") / "shop.db"
    people = []
    for i in range(300):
        word = WORDS[i % len(WORDS)]
        people.append(
            {
                "email": f"p{i}{word.lower()}@ex.com" if i % 7 else None,
                "first_name": word if i % 3 == 0 else f"Name{i}",
                "last_name": WORDS[(i * 5) % len(WORDS)] if i % 4 else None,
                "company": f"Co {WORDS[(i * 3) % len(WORDS)]}" if i % 2 else None,
                "external_id": f"{i:05d}",
                "city": WORDS[(i * 7) % len(WORDS)] if i % 5 else None,
            }
        )
    with Workspace.open(path) as ws:
        add_contacts(ws.engine, people)
    return path


@settings(
    max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    words=st.lists(st.sampled_from([*WORDS, "p1", "co", "zz", "%", "_", "/"]), max_size=3),
    offset=st.integers(0, 320),
    limit=st.integers(1, 60),
)
def test_same_counts_and_pages(db: Path, words: list[str], offset: int, limit: int) -> None:
    search = " ".join(words)
    reader = QuickReader.open(db)
    assert reader is not None
    with Workspace.open(db) as ws:
        total = ws.contacts.count_contacts(search)
        assert reader.count_contacts(search) == total
        expected = ws.contacts.contacts_page(offset, limit, search)
        assert ws.contacts.contacts_page(offset, limit, search, total) == expected
        assert reader.contacts_page(offset, limit, search, total) == expected
        assert reader.contacts_page(offset, limit, search) == expected


class TestPageWindow:
    def test_first_half_reads_forward(self) -> None:
        assert page_window(200, 200, 1000) == (False, 200, 200)

    def test_second_half_reads_from_the_end(self) -> None:
        assert page_window(800, 200, 1000) == (True, 0, 200)
        assert page_window(999_800, 200, 1_000_000) == (True, 0, 200)
        assert page_window(600, 200, 1000) == (True, 200, 200)

    def test_last_partial_page(self) -> None:
        assert page_window(900, 200, 950) == (True, 0, 50)

    def test_unknown_total_reads_forward(self) -> None:
        assert page_window(10_000, 200, None) == (False, 10_000, 200)


class TestOpen:
    def test_missing_file(self, tmp_path: Path) -> None:
        assert QuickReader.open(tmp_path / "nope.db") is None
        assert not (tmp_path / "nope.db").exists()

    def test_not_a_database(self, tmp_path: Path) -> None:
        path = tmp_path / "a.txt"
        path.write_text("hello\n" * 500)
        assert QuickReader.open(path) is None

    def test_other_schema_version(self, tmp_path: Path) -> None:
        import sqlite3
        from contextlib import closing

        path = tmp_path / "a.db"
        Workspace.open(path).close()
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("update meta set value = '0' where key = 'schema_version'")
            conn.commit()
        assert QuickReader.open(path) is None

    def test_never_writes(self, db: Path) -> None:
        import sqlite3

        reader = QuickReader.open(db)
        assert reader is not None
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader._connect().execute("delete from contact")
