"""A segment of sample.db exported (generic CSV and Excel) and imported into an empty
database: the same contacts with the same values, formula-looking ones, leading zeros and
``+`` phones included."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from segdesk.publish.formats import GENERIC_FIELDS
from tests.cli_runs import run

SEGMENT = "VIP customers"
FIELDS = ("external_id", *GENERIC_FIELDS[1:])
PLANTED = {
    "first_name": "=SUM(A1:A9)",
    "last_name": "+Plus",
    "company": "-minus, and a comma",
    "job_title": "@at",
    "phone": "+44 20 7946 0000",
    "postal_code": "00123",
    "city": 'Quote "Q"',
}


def people(db: Path, where: str = "") -> dict[str, tuple[Any, ...]]:
    """Each contact's core fields and custom fields (without the segment column an import
    of a list adds), by external id."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(f"SELECT {', '.join(FIELDS)}, attributes FROM contact {where}")
        found = {}
        for *values, attributes in rows:
            custom = json.loads(attributes or "{}")
            custom.pop("segment_field", None)
            found[values[0]] = (*values, custom)
        return found


@pytest.fixture
def planted(sample_copy: Path) -> Path:
    """The sample with formula-looking values, a leading zero and a ``+`` phone in the first
    members of the segment, and a formula-looking custom value."""
    with closing(sqlite3.connect(sample_copy)) as conn, conn:
        first = [
            r[0]
            for r in conn.execute(
                "SELECT contact_id FROM segment_member m JOIN segment s ON s.id = m.segment_id "
                "WHERE s.name = ? ORDER BY contact_id LIMIT 3",
                (SEGMENT,),
            )
        ]
        sets = ", ".join(f"{name} = ?" for name in PLANTED)
        conn.execute(f"UPDATE contact SET {sets} WHERE id = ?", (*PLANTED.values(), first[0]))
        conn.execute(
            "UPDATE contact SET first_name = '-Dash', external_id = '000042' WHERE id = ?",
            (first[1],),
        )
        conn.execute(
            "UPDATE contact SET attributes = json_set(attributes, '$.plan', '=team') WHERE id = ?",
            (first[2],),
        )
    return sample_copy


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_gives_the_same_people(
    planted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    exported = tmp_path / f"vip{suffix}"
    code, _out, err = run(
        capsys, "export", "list", SEGMENT, "-o", exported, "--include-unsubscribed",
        "--db", planted,
    )  # fmt: skip
    assert (code, err) == (0, "")
    fresh = tmp_path / "fresh.db"
    code, _out, err = run(
        capsys, "import", "contacts", exported, "--key", "external_id", "--db", fresh, "--json"
    )
    assert code == 0, err
    members = (
        "WHERE id IN (SELECT contact_id FROM segment_member m JOIN segment s "
        f"ON s.id = m.segment_id WHERE s.name = '{SEGMENT}')"
    )
    before, after = people(planted, members), people(fresh)
    assert len(before) == 260
    assert after == before
    ann = next(p for p in after.values() if p[2] == PLANTED["first_name"])
    assert dict(zip(FIELDS, ann, strict=False)).items() >= PLANTED.items()
    assert "000042" in after
    assert any(p[-1].get("plan") == "=team" for p in after.values())
