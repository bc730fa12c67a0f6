"""The review sections of a playbook on a small generated shop: profile and overlap when the
segment has members and others share them; stability, backtest and test against control left
out until snapshots, a kept backtest and a holdout export exist, then shown; a scheme's
profiles, stability and backtest alike. No contact's data in any of them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from segdesk.publish.lists import ListOptions
from segdesk.store.tables import Event
from segdesk.workspace import Workspace
from tests.factories import add_contacts, add_orders

TODAY = dt.date(2025, 6, 30)
START = dt.datetime(2025, 1, 5, 12, tzinfo=dt.UTC)
RULES = {
    "Buyers": "orders.count >= 1",
    "Germans": 'country = "DE"',
    "Regulars": "orders.count >= 3",
    "Nobody": 'country = "FR"',
}


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 contacts, 30 of them buyers, and four rule segments and lifecycle: no snapshot, no
    backtest, no export."""
    db = tmp_path_factory.mktemp("review") / "shop.db"
    with Workspace.open(db) as ws:
        add_contacts(
            ws.engine,
            [
                {
                    "id": i,
                    "email": f"person{i}@example.com",
                    "first_name": f"Name{i}",
                    "country": "DE" if i <= 15 else "US",
                    "consent": "subscribed" if i % 2 else "unsubscribed",
                }
                for i in range(1, 41)
            ],
        )
        for i in range(1, 31):
            orders = [(START + dt.timedelta(days=20 * n + i), 10.0 + i) for n in range(i % 4 + 1)]
            add_orders(ws.engine, i, orders)
        ws.models.run_lifecycle(TODAY, save=True)
        for name, rule in RULES.items():
            ws.segments.create(name, rule, today=TODAY)
    return db


@pytest.fixture(scope="module")
def full(bare: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same shop with two snapshots, one taken, one by a refresh (six more buyers
    between them), a monthly backtest
    of Buyers and of lifecycle kept, and an export of Buyers with a holdout, after which
    two of each group ordered."""
    db = tmp_path_factory.mktemp("review_full") / "shop.db"
    shutil.copyfile(bare, db)
    with Workspace.open(db, mode="write") as ws:
        ws.snapshots.take("before")
        for i in range(31, 37):
            add_orders(ws.engine, i, [(START + dt.timedelta(days=100), 25.0)])
        ws.segments.refresh()  # takes a snapshot of its own: membership changed
        for name in ("Buyers", "lifecycle"):
            ws.backtests.run(name, dt.date(2025, 2, 1), TODAY, "monthly", today=TODAY)
        report = ws.exports.write_list(
            ["Buyers"], db.parent / "buyers.csv", ListOptions(holdout_share=0.25, seed=5)
        )
        (written,) = report.files
        assert written.holdout is not None
    return db


def sections(text: str) -> list[str]:
    return re.findall(r"^#{2,3} (.+)$", text, flags=re.M)


def test_profile_and_overlap_show_from_the_members_and_the_rest_waits_for_its_data(
    bare: Path,
) -> None:
    with Workspace.open(bare, mode="read") as ws:
        buyers = ws.playbook_exports.render("Buyers")
        nobody = ws.playbook_exports.render("Nobody")
        lifecycle = ws.playbook_exports.render("lifecycle")
        assert ws.backtests.latest("Buyers") == []
    found = sections(buyers)
    assert "Profile beside everyone" in found and "Overlap with other segments" in found
    for absent in ("Stability", "Backtest", "Test against control"):
        assert absent not in found
    assert "| People | 30 | 40 |" in buyers
    assert "| Subscribed | 50% (15) | 50% (20) |" in buyers
    assert "| Germans | 15 | 50% | 50% |" in buyers  # people in both, share, similarity
    assert "| Regulars | 15 | 50% | 50% |" in buyers
    assert "Nobody" not in buyers.split("## Overlap")[1]  # no one in both: not named
    # A segment without members: no profile, no overlap (and nothing shown empty).
    assert not {"Profile beside everyone", "Overlap with other segments"} & set(sections(nobody))
    scheme = sections(lifecycle.split("\n---\n")[0])
    assert "Profiles" in scheme and "Stability" not in scheme and "Backtest" not in scheme
    for text in (buyers, lifecycle):
        assert "@example.com" not in text and "Name1" not in text


def test_stability_backtest_and_holdout_show_once_their_data_exists(full: Path) -> None:
    with Workspace.open(full, mode="write") as ws:
        after = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        with ws.engine.begin() as conn:
            conn.execute(
                Event.__table__.insert(),
                [
                    {
                        "contact_id": i,
                        "kind": "order",
                        "occurred_at": after,
                        "amount": 5.0,
                        "dedup_key": f"later-{i}",
                    }
                    for i in range(1, 37)
                ],
            )
        (result,) = ws.exports.holdout_results("Buyers")
        buyers = ws.playbook_exports.render("Buyers")
        lifecycle = ws.playbook_exports.render("lifecycle")
        (kept,) = ws.backtests.latest("Buyers")
    found = sections(buyers)
    assert found[-4:] == ["Stability", "Backtest", "Test against control", "Change log"]
    stability = buyers.split("## Stability")[1].split("## Backtest")[0]
    assert "snapshot before (" in stability
    assert "**Kept / joined / left:** 30 kept, 6 joined, 0 left" in stability
    assert "**Similarity:** 83%" in stability and "**Retention:** 100%" in stability
    assert "30 → 36 (+6) over 2 snapshots" in stability
    backtest = buyers.split("## Backtest")[1].split("## Test against")[0]
    assert 'Monthly backtest of "Buyers": 5 month ends from 2025-02-28 to 2025-06-30' in backtest
    assert kept.dates[0] == dt.date(2025, 2, 28) and kept.cadence == "monthly"
    holdout = buyers.split("## Test against control")[1]
    assert f"| Test (sent) | {result.test.people} | {result.test.buyers} | 1 | 5.00 |" in holdout
    assert f"| Control (held back) | {result.control.people} |" in holdout
    scheme = sections(lifecycle.split("\n---\n")[0])
    assert scheme[-3:] == ["Profiles", "Stability", "Backtest"]
    assert "Monthly backtest of the lifecycle scheme" in lifecycle
    for text in (buyers, lifecycle):
        assert "@example.com" not in text and "Name1" not in text


def test_a_new_run_replaces_the_kept_one_of_its_cadence_and_a_read_keeps_none(
    full: Path, tmp_path: Path
) -> None:
    db = tmp_path / "shop.db"
    shutil.copyfile(full, db)
    with Workspace.open(db, mode="read") as ws:
        ws.backtests.run("Buyers", dt.date(2025, 5, 1), TODAY, "weekly", today=TODAY)
        assert [r.cadence for r in ws.backtests.latest("Buyers")] == ["monthly"]
    with Workspace.open(db, mode="write") as ws:
        ws.backtests.run("Buyers", dt.date(2025, 5, 1), TODAY, "monthly", today=TODAY)
        ws.backtests.run("Buyers", dt.date(2025, 6, 1), TODAY, "weekly", today=TODAY)
        kept = ws.backtests.latest("Buyers")
    assert [(r.cadence, r.start) for r in kept] == [
        ("weekly", dt.date(2025, 6, 1)),
        ("monthly", dt.date(2025, 5, 1)),
    ]
