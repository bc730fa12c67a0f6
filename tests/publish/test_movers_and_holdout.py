"""Movers (who joined or left since a day or a snapshot) and holdout groups (a seeded split,
kept with the export, and each group's orders afterwards)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pyroaring import BitMap
from sqlalchemy import update

from segdesk.analysis.set_measures import to_bytes
from segdesk.errors import UserError
from segdesk.publish.holdout import parse_share, split
from segdesk.publish.lists import ListOptions
from segdesk.publish.movers import Since
from segdesk.store.tables import SegmentMember, Snapshot, SnapshotMembership
from segdesk.workspace import Workspace
from tests.factories import add_orders
from tests.publish.shop import make_shop


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The shop, where Dee (4) joined Club on 2025-06-01, and a snapshot "spring" of
    2025-04-01 held Club as 1, 2, 5 (so 5 has left since, and 3 and 4 have joined)."""
    db = make_shop(tmp_path)
    with Workspace.open(db, mode="write") as ws, ws.engine.begin() as conn:
        member = SegmentMember.__table__
        conn.execute(
            update(member)
            .where(member.c.contact_id == 4)
            .values(joined_at=datetime(2025, 6, 1, tzinfo=UTC))
        )
        snapshot_id = conn.execute(
            Snapshot.__table__.insert().values(
                label="spring", kind="manual", taken_at=datetime(2025, 4, 1, 9, tzinfo=UTC)
            )
        ).inserted_primary_key[0]
        conn.execute(
            SnapshotMembership.__table__.insert().values(
                snapshot_id=snapshot_id,
                segment_id=1,
                member_count=3,
                members=to_bytes(BitMap([1, 2, 5])),
            )
        )
    return db


def ids_in(path: Path) -> list[str]:
    return [row["external_id"] for row in csv.DictReader(path.open(newline=""))]


def export(db: Path, path: Path, **options: object) -> object:
    with Workspace.open(db, mode="write") as ws:
        return ws.exports.write_list(["Club"], path, ListOptions(**options))  # type: ignore[arg-type]


def test_joined_since_a_day(shop: Path, tmp_path: Path) -> None:
    export(shop, tmp_path / "new.csv", joined_since=Since.parse("2025-05-01"))
    assert ids_in(tmp_path / "new.csv") == ["C-4"]


def test_joined_and_left_since_a_snapshot_by_label_or_id(shop: Path, tmp_path: Path) -> None:
    export(shop, tmp_path / "j.csv", joined_since=Since.parse("spring"), include_unsubscribed=True)
    assert ids_in(tmp_path / "j.csv") == ["C-3", "C-4"]
    export(shop, tmp_path / "l.csv", left_since=Since.parse("1"))
    assert ids_in(tmp_path / "l.csv") == ["C-5"]


def test_left_since_a_day_uses_the_newest_snapshot_of_that_day_or_before(
    shop: Path, tmp_path: Path
) -> None:
    export(shop, tmp_path / "left.csv", left_since=Since.parse("2025-04-01"))
    assert ids_in(tmp_path / "left.csv") == ["C-5"]


def test_left_since_a_day_before_any_snapshot_says_a_snapshot_is_needed(
    shop: Path, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match="needs a snapshot taken on or before that day"):
        export(shop, tmp_path / "left.csv", left_since=Since.parse("2025-03-31"))
    with pytest.raises(UserError, match='no snapshot with the id or label "autumn"'):
        export(shop, tmp_path / "left.csv", left_since=Since.parse("autumn"))
    assert not (tmp_path / "left.csv").exists()


def test_a_day_that_does_not_exist_is_refused() -> None:
    with pytest.raises(UserError, match="is not a day"):
        Since.parse("2025-02-30")


@pytest.mark.parametrize(("text", "share"), [("0.1", 0.1), ("10%", 0.1), ("25", 0.25)])
def test_holdout_share(text: str, share: float) -> None:
    assert parse_share(text) == pytest.approx(share)


@pytest.mark.parametrize("text", ["0", "100%", "-1", "ten"])
def test_holdout_share_out_of_range(text: str) -> None:
    with pytest.raises(UserError, match="holdout share"):
        parse_share(text)


def test_split_is_seeded_and_exact() -> None:
    people = BitMap(range(1, 1001))
    first, again, other = split(people, 0.1, 7), split(people, 0.1, 7), split(people, 0.1, 8)
    assert (len(first.test), len(first.control)) == (900, 100)
    assert first.test | first.control == people and not first.test & first.control
    assert first.control == again.control != other.control


def test_holdout_is_kept_with_the_export_and_its_response_read_later(
    shop: Path, tmp_path: Path
) -> None:
    report = export(shop, tmp_path / "club.csv", holdout_share=0.34, seed=1)
    (file,) = report.files  # type: ignore[attr-defined]
    assert file.holdout == {"share": 0.34, "seed": 1, "test": 2, "control": 1}
    written = ids_in(tmp_path / "club.csv")
    assert len(written) == 2
    with Workspace.open(shop, mode="write") as ws:
        (entry,) = ws.exports.log()
        assert entry.to_json()["options"]["holdout"] == file.holdout
        after = datetime.now(UTC) + timedelta(days=1)
        for contact_id in (1, 2, 4):
            add_orders(ws.engine, contact_id, [(after, 10.0 * contact_id)])
        (result,) = ws.exports.holdout_results("Club")
    ids = {"00123": 1, "C-2": 2, "C-4": 4}
    test_ids = [ids[x] for x in written]
    assert result.test.people == 2 and result.control.people == 1
    assert result.test.orders == 2 and result.test.revenue == 10.0 * sum(test_ids)
    assert result.control.revenue_per_person == 10.0 * (7 - sum(test_ids))
    assert result.test.orders_per_person == 1.0


def test_orders_before_the_export_do_not_count(shop: Path, tmp_path: Path) -> None:
    with Workspace.open(shop, mode="write") as ws:
        add_orders(ws.engine, 1, [(datetime(2025, 1, 1, tzinfo=UTC), 99.0)])
    export(shop, tmp_path / "club.csv", holdout_share=0.5, seed=3)
    with Workspace.open(shop, mode="read") as ws:
        (result,) = ws.exports.holdout_results("Club")
    assert result.test.orders == result.control.orders == 0
    assert date.today() >= result.exported_at.date()
