"""Playbooks: each field checked with an error that names it, cadences and their arithmetic,
what counts as documented, the reviews due, and a review done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from segdesk.errors import UserError
from segdesk.segments.cadence import Cadence, add_months, parse_cadence
from segdesk.segments.playbook import KINDS, Kpi, field_name, parse_kpi, parse_value
from segdesk.store.tables import Segment
from segdesk.workspace import Workspace
from tests.factories import add_segment, new_shop

TODAY = dt.date(2026, 11, 15)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    path = new_shop(tmp_path, [{"id": 1, "email": "ana@example.com"}])
    workspace = Workspace.open(path)
    for name in ("VIP customers", "Lapsed", "Old promo", "Trade"):
        add_segment(workspace.engine, name, [1])
    workspace.segments.set_status("Old promo", "retired")
    yield workspace
    workspace.close()


def documented(ws: Workspace, name: str, review: str = "2026-11-20", **more: str) -> None:
    ws.playbooks.set(name, {"goal": "Win back", "owner": "Ana", "next_review": review, **more})


class TestFields:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("deadline", "31/12/2026", 'deadline: expected a date as YYYY-MM-DD, got "31/12/2026"'),
            ("next_review", "2026-02-30", 'next_review: "2026-02-30" is not a day'),
            ("review_cadence", "bimonthly", 'review_cadence: "bimonthly" is not a cadence'),
            ("review_cadence", "every 0 weeks", 'review_cadence: "every 0 weeks" is out of'),
            ("playbook_status", "live", 'playbook_status: "live" is not a status'),
            ("kpis", "Revenue", 'kpis: "Revenue" needs a name and a target'),
            ("kpis", "AOV: ", 'kpis: "AOV:" needs a name and a target'),
            ("owner", "Ana\nLeo", "owner: one line only"),
            ("goal", "x" * 2001, "goal: 2,001 characters; at most 2,000"),
            ("channels", ";".join(["email"] * 31), "channels: 31 entries; at most 30"),
        ],
    )
    def test_a_refused_value_names_its_field(self, field: str, value: str, message: str) -> None:
        with pytest.raises(UserError, match="^" + message.replace("(", r"\(")):
            parse_value(field, value)

    def test_unknown_field_suggests_the_nearest(self) -> None:
        with pytest.raises(UserError, match='no playbook field "goals"; did you mean "goal"'):
            field_name("goals")

    @pytest.mark.parametrize(
        ("typed", "field"),
        [
            ("Next review", "next_review"),
            ("data-sources", "data_sources"),
            ("status", "playbook_status"),
            ("cadence", "review_cadence"),
            ("tone", "message_tone"),
        ],
    )
    def test_field_names_as_people_type_them(self, typed: str, field: str) -> None:
        assert field_name(typed) == field

    def test_lists_split_on_semicolons_and_lines(self) -> None:
        assert parse_value("channels", " email; SMS ;\nin-store;; ") == ["email", "SMS", "in-store"]
        assert parse_value("channels", ["email", " "]) == ["email"]

    @pytest.mark.parametrize(
        ("typed", "kpi"),
        [
            ("Repeat purchase rate >= 25%", Kpi("Repeat purchase rate", ">= 25%")),
            ("Average order: $42", Kpi("Average order", "$42")),
            ("Churn < 5% a month", Kpi("Churn", "< 5% a month")),
            ("Orders = 120", Kpi("Orders", "120")),
            ("NPS: 50 by March", Kpi("NPS", "50 by March")),
            ({"name": "Reply rate", "target": "10%"}, Kpi("Reply rate", "10%")),
        ],
    )
    def test_kpis_keep_their_target_as_typed(self, typed: object, kpi: Kpi) -> None:
        assert parse_kpi(typed) == kpi
        assert parse_kpi(kpi.text) == kpi

    def test_blank_clears(self) -> None:
        for field in KINDS:
            assert parse_value(field, "  ") is None
            assert parse_value(field, None) is None

    def test_values_of_their_types_are_taken(self) -> None:
        assert parse_value("deadline", dt.date(2027, 3, 31)) == dt.date(2027, 3, 31)
        assert parse_value("review_cadence", Cadence(2, "weeks")) == "fortnightly"
        assert parse_value("playbook_status", " Active ") == "active"


class TestCadence:
    @pytest.mark.parametrize(
        ("typed", "canonical"),
        [
            ("weekly", "weekly"),
            ("Fortnightly", "fortnightly"),
            ("every 2 weeks", "fortnightly"),
            ("every 3 months", "quarterly"),
            ("every month", "monthly"),
            ("every year", "yearly"),
            ("annually", "yearly"),
            ("every 10 days", "every 10 days"),
            ("every 1 day", "every day"),
            ("Every  6 Weeks", "every 6 weeks"),
        ],
    )
    def test_kept_in_canonical_words(self, typed: str, canonical: str) -> None:
        assert parse_cadence(typed).text == canonical

    @pytest.mark.parametrize(
        ("cadence", "start", "next_day"),
        [
            ("weekly", dt.date(2026, 12, 29), dt.date(2027, 1, 5)),
            ("fortnightly", dt.date(2026, 11, 15), dt.date(2026, 11, 29)),
            ("every 10 days", dt.date(2026, 2, 25), dt.date(2026, 3, 7)),
            ("monthly", dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
            ("monthly", dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
            ("quarterly", dt.date(2026, 11, 30), dt.date(2027, 2, 28)),
            ("yearly", dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
        ],
    )
    def test_next_day(self, cadence: str, start: dt.date, next_day: dt.date) -> None:
        assert parse_cadence(cadence).after(start) == next_day

    def test_months_backwards_and_across_years(self) -> None:
        assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
        assert add_months(dt.date(2026, 12, 15), 13) == dt.date(2028, 1, 15)


class TestStored:
    def test_set_and_read_every_field(self, ws: Workspace) -> None:
        playbook = ws.playbooks.set(
            "VIP customers",
            {
                "goal": "Lift repeat orders by 20% by March",
                "target": "120 repeat buyers",
                "deadline": "2027-03-31",
                "owner": "Ana",
                "stakeholders": "Leo; Mia",
                "data_sources": "Shopify orders",
                "use_cases": "Early access",
                "channels": "email; SMS",
                "message_tone": "Warm, insider",
                "offer": "Free shipping",
                "next_actions": "Draft email\nBrief cafés",
                "kpis": "Repeat purchase rate >= 25%",
                "review_cadence": "monthly",
                "next_review": "2026-11-20",
                "playbook_status": "active",
            },
        )
        assert playbook.documented and playbook.missing == ()
        assert playbook.deadline == dt.date(2027, 3, 31)
        assert playbook.next_actions == ("Draft email", "Brief cafés")
        assert playbook.kpis == (Kpi("Repeat purchase rate", ">= 25%"),)
        assert ws.playbooks.get("vip customers") == playbook
        shown = ws.segments.detail("VIP customers").to_json()["playbook"]
        assert shown["kpis"] == [{"name": "Repeat purchase rate", "target": ">= 25%"}]
        assert shown["next_review"] == "2026-11-20"

    def test_a_refused_value_saves_nothing(self, ws: Workspace) -> None:
        with pytest.raises(UserError, match="deadline"):
            ws.playbooks.set("VIP customers", {"goal": "Grow", "deadline": "soon"})
        assert ws.playbooks.get("VIP customers").goal is None

    def test_clear(self, ws: Workspace) -> None:
        documented(ws, "VIP customers", channels="email")
        playbook = ws.playbooks.clear("VIP customers", ["channels", "owner"])
        assert playbook.channels == () and playbook.owner is None
        assert playbook.missing == ("owner",)

    def test_playbook_edits_are_not_versions(self, ws: Workspace) -> None:
        before = ws.segments.detail("VIP customers").versions
        documented(ws, "VIP customers")
        assert ws.segments.detail("VIP customers").versions == before

    def test_unknown_segment(self, ws: Workspace) -> None:
        with pytest.raises(UserError, match='no segment called "Nobody"'):
            ws.playbooks.set("Nobody", {"goal": "x"})


class TestDocumentedAndDue:
    def test_documented_needs_goal_owner_and_next_review(self, ws: Workspace) -> None:
        ws.playbooks.set("VIP customers", {"goal": "Grow", "owner": "Ana"})
        assert ws.summary(TODAY).documented == 0
        assert ws.playbooks.get("VIP customers").missing == ("next_review",)
        ws.playbooks.set("VIP customers", {"next_review": "2027-01-10"})
        documented(ws, "Old promo")  # retired: not counted
        assert ws.summary(TODAY).documented == 1

    def test_reviews_due_within_days_and_overdue(self, ws: Workspace) -> None:
        documented(ws, "VIP customers", "2026-11-20")  # in 5 days
        documented(ws, "Lapsed", "2026-11-10")  # 5 days late
        documented(ws, "Trade", "2026-11-23")  # in 8 days: not yet
        documented(ws, "Old promo", "2026-11-12")  # retired
        due = ws.playbooks.reviews(7, TODAY)
        assert [(r.segment, r.owner, r.when) for r in due] == [
            ("Lapsed", "Ana", "5 days late"),
            ("VIP customers", "Ana", "in 5 days"),
        ]
        assert [r.overdue for r in due] == [True, False]
        assert len(ws.playbooks.reviews(8, TODAY)) == 3
        assert ws.summary(TODAY).reviews_due == 2

    def test_a_done_playbook_has_no_reviews(self, ws: Workspace) -> None:
        documented(ws, "Lapsed", "2026-11-10", playbook_status="done")
        assert ws.playbooks.reviews(7, TODAY) == []


class TestReviewDone:
    def test_moves_the_next_review_one_cadence_from_the_day_done(self, ws: Workspace) -> None:
        documented(ws, "Lapsed", "2026-11-10", review_cadence="monthly")
        record = ws.playbooks.review_done("Lapsed", TODAY, note="Winback email sent")
        assert record.due_on == dt.date(2026, 11, 10)
        assert record.next_review == dt.date(2026, 12, 15)
        assert record.reviewed_by == "Ana"
        playbook = ws.playbooks.get("Lapsed")
        assert playbook.next_review == dt.date(2026, 12, 15)
        assert playbook.reviews == (record,)
        assert ws.playbooks.reviews(7, TODAY) == []

    def test_given_next_date_and_reviewer(self, ws: Workspace) -> None:
        documented(ws, "Lapsed")
        record = ws.playbooks.review_done(
            "Lapsed", TODAY, by="Leo", next_review=dt.date(2027, 1, 4)
        )
        assert (record.reviewed_by, record.next_review) == ("Leo", dt.date(2027, 1, 4))
        with pytest.raises(UserError, match="next_review: 2026-11-15 is not after"):
            ws.playbooks.review_done("Lapsed", TODAY, next_review=TODAY)

    def test_without_a_cadence_says_what_to_do(self, ws: Workspace) -> None:
        documented(ws, "Lapsed")
        with pytest.raises(UserError, match='"Lapsed" has no review cadence'):
            ws.playbooks.review_done("Lapsed", TODAY)
        assert ws.playbooks.get("Lapsed").reviews == ()

    def test_purge_takes_the_reviews_along(self, ws: Workspace) -> None:
        documented(ws, "Lapsed", review_cadence="weekly")
        ws.playbooks.review_done("Lapsed", TODAY)
        kept = ws.segments.delete("Lapsed")
        ws.segments.purge(kept)
        with ws.engine.connect() as conn:
            names = conn.execute(select(Segment.__table__.c.name)).scalars().all()
        assert "Lapsed" not in names
