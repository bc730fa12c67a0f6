"""`segdesk segment document`, `segment review-done` and `reviews`: text, JSON, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from segdesk.cli import main
from tests.cli_runs import ok_json, run
from tests.factories import new_shop

TODAY = "2026-11-15"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    path = new_shop(tmp_path, [{"id": 1, "email": "ana@example.com", "country": "US"}])
    assert (
        main(["segment", "create", "VIP customers", "--rule", "country = 'US'", "--db", str(path)])
        == 0
    )
    assert main(["segment", "create", "Lapsed", "--rule", "country = 'CA'", "--db", str(path)]) == 0
    return path


def document(capsys: pytest.CaptureFixture[str], shop: Path, name: str, *sets: str) -> dict:
    argv = [a for s in sets for a in ("--set", s)]
    return ok_json(capsys, "segment", "document", name, *argv, "--db", shop)


def test_set_fields_and_find_them_in_show(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    playbook = document(
        capsys,
        shop,
        "VIP customers",
        "goal=Lift repeat orders 20% by March",
        "owner=Ana",
        "channels=email; SMS ; in-store",
        "kpis=Repeat purchase rate >= 25%; Average order: $42",
        "cadence=Every 2 weeks",
        "next-review=2026-11-18",
        "deadline=2027-03-31",
        "status=active",
    )
    assert playbook["documented"] is True and playbook["missing"] == []
    assert playbook["channels"] == ["email", "SMS", "in-store"]
    assert playbook["kpis"] == [
        {"name": "Repeat purchase rate", "target": ">= 25%"},
        {"name": "Average order", "target": "$42"},
    ]
    assert (playbook["review_cadence"], playbook["next_review"]) == ("fortnightly", "2026-11-18")
    shown = ok_json(capsys, "segment", "show", "VIP customers", "--db", shop)["playbook"]
    assert shown["goal"] == "Lift repeat orders 20% by March"
    assert shown["deadline"] == "2027-03-31" and shown["playbook_status"] == "active"
    code, out, _ = run(capsys, "segment", "show", "VIP customers", "--db", shop)
    assert code == 0
    assert "kpis: Repeat purchase rate >= 25%; Average order: $42" in out


def test_text_view_and_clear(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document(capsys, shop, "VIP customers", "goal=Grow", "owner=Ana", "offer=Free shipping")
    code, out, err = run(
        capsys, "segment", "document", "VIP customers", "--clear", "offer", "--db", shop
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == 'Saved the playbook of "VIP customers"'
    assert lines[1] == "VIP customers: playbook, not documented yet: needs next_review"
    assert "  goal             Grow" in lines
    assert "  offer            -" in lines


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--set", "deadline=31/12/2026"], 'deadline: expected a date as YYYY-MM-DD, got "31/12'),
        (["--set", "goals=x"], 'no playbook field "goals"; did you mean "goal"?'),
        (["--set", "cadence=sometimes"], 'review_cadence: "sometimes" is not a cadence'),
        (["--set", "goal"], "argument --set: expected FIELD=VALUE, got 'goal'"),
        (["--set", "goal=a", "--clear", "goal"], "goal is given twice"),
        (["--set", "kpis=Revenue"], 'kpis: "Revenue" needs a name and a target'),
    ],
)
def test_mistakes_exit_2(
    shop: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "segment", "document", "VIP customers", *argv, "--db", shop)
    assert (code, out) == (2, "")
    assert err.startswith("segdesk: error: ") and message in err
    assert ok_json(capsys, "segment", "document", "VIP customers", "--db", shop)["goal"] is None


def test_reviews_due_and_overdue(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document(capsys, shop, "VIP customers", "goal=g", "owner=Ana", "next_review=2026-11-18")
    document(capsys, shop, "Lapsed", "goal=g", "owner=Leo", "next_review=2026-11-12")
    due = ok_json(capsys, "reviews", "--today", TODAY, "--db", shop)
    assert (due["today"], due["days"]) == (TODAY, 7)
    assert [(r["segment"], r["owner"], r["days_left"]) for r in due["overdue"]] == [
        ("Lapsed", "Leo", -3)
    ]
    assert [(r["segment"], r["next_review"]) for r in due["due"]] == [
        ("VIP customers", "2026-11-18")
    ]
    soon = ok_json(capsys, "reviews", "--days", "2", "--today", TODAY, "--db", shop)
    assert soon["due"] == [] and len(soon["overdue"]) == 1
    code, out, _ = run(capsys, "reviews", "--today", TODAY, "--db", shop)
    assert code == 0
    assert out.splitlines()[1:] == [
        "Lapsed\tLeo\t2026-11-12\t3 days late\t",
        "VIP customers\tAna\t2026-11-18\tin 3 days\t",
    ]
    code, out, _ = run(capsys, "reviews", "--today", "2026-10-01", "--db", shop)
    assert out == "No reviews overdue or due in the next 7 days\n"


def test_review_done(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document(
        capsys, shop, "Lapsed", "goal=g", "owner=Leo", "next_review=2026-11-12", "cadence=monthly"
    )
    code, out, err = run(
        capsys, "segment", "review-done", "Lapsed", "--today", TODAY, "--note", "Sent", "--db", shop
    )
    assert (code, err) == (0, "")
    assert out == (
        'Recorded the review of "Lapsed" (2026-11-15, by Leo); next review 2026-12-15 (monthly)\n'
    )
    playbook = ok_json(capsys, "segment", "document", "Lapsed", "--db", shop)
    assert playbook["next_review"] == "2026-12-15"
    assert playbook["reviews"] == [
        {
            "reviewed_on": TODAY,
            "due_on": "2026-11-12",
            "next_review": "2026-12-15",
            "reviewed_by": "Leo",
            "note": "Sent",
        }
    ]
    record = ok_json(
        capsys, "segment", "review-done", "Lapsed", "--next", "2027-01-05", "--by", "Mia",
        "--today", TODAY, "--db", shop,
    )  # fmt: skip
    assert (record["next_review"], record["reviewed_by"]) == ("2027-01-05", "Mia")


def test_review_done_without_cadence_exits_2(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document(capsys, shop, "Lapsed", "goal=g", "owner=Leo", "next_review=2026-11-12")
    code, out, err = run(capsys, "segment", "review-done", "Lapsed", "--db", shop)
    assert (code, out) == (2, "")
    assert '"Lapsed" has no review cadence' in err
