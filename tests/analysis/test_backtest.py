"""Backtests and segments as of a past day, held to independent computations: pandas over the
orders for the rules and lifecycle, Python sets for the measures, the model runner for RFM."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Connection

from segdesk.analysis.as_of import as_of_notes, members_as_of
from segdesk.analysis.backtest import Backtest, find_subject, run_backtest, series_dates
from segdesk.analysis.member_sets import current_members
from segdesk.errors import NotFoundError, UserError
from segdesk.jobs import Cancelled
from segdesk.models.runner import run_rfm
from segdesk.store.database import open_database
from segdesk.store.order_status import LEFT_OUT
from segdesk.store.tables import Event, FieldDef
from segdesk.workspace import Workspace
from tests.conftest import SAMPLE_DB
from tests.factories import add_contacts

FIRST, LAST = dt.date(2024, 3, 1), dt.date(2025, 6, 30)
TODAY = dt.date(2025, 7, 1)
STATUSES = (None, "paid", "paid", "pending", "refunded", "cancelled", "partially refunded")
SAMPLE_TODAY = dt.date(2026, 11, 15)
Expected = dict[dt.date, dict[str, set[int]]]
"""Each date's members of each rule, computed with pandas."""
RULES = {
    "Regulars": "orders.count in last 90 days >= 2",
    "Pro regulars": 'in segment "Regulars" and plan = "pro"',
    "Slipping spenders": 'lifecycle = "At risk" and orders.total > 100',
}


# A generated shop, and the same questions answered with pandas --------------------------------


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(12)
    db = tmp_path_factory.mktemp("backtest") / "shop.db"
    with Workspace.open(db) as ws:
        add_contacts(
            ws.engine,
            [
                {
                    "id": i,
                    "email": f"p{i}@example.com",
                    "attributes": {"plan": rng.choice(["pro", "free"])},
                }
                for i in range(1, 81)
            ],
        )
        start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        rows = []
        for n in range(700):
            when = start + dt.timedelta(minutes=rng.randint(0, 546 * 24 * 60))
            rows.append(
                {
                    "contact_id": rng.randint(1, 70),
                    "kind": "order",
                    "occurred_at": when,
                    "amount": None if n % 37 == 0 else round(rng.uniform(-5, 90), 2),
                    "status": rng.choice(STATUSES),
                    "dedup_key": f"o{n}",
                }
            )
        with ws.engine.begin() as conn:
            conn.execute(Event.__table__.insert(), rows)
            conn.execute(
                FieldDef.__table__.insert(),
                {"name": "plan", "label": "Plan", "type": "category", "origin": "custom"},
            )
        ws.models.run_lifecycle(TODAY, save=True)
        for name, rule in RULES.items():
            ws.segments.create(name, rule, today=TODAY)
        ws.segments.pin("Regulars", "p1@example.com", "include")
        ws.segments.pin("Regulars", "p2@example.com", "exclude")
    return db


@pytest.fixture(scope="module")
def conn(shop: Path) -> Iterator[Connection]:
    engine = open_database(shop, mode="read")
    with engine.connect() as connection:
        yield connection
    engine.dispose()


@pytest.fixture(scope="module")
def orders(shop: Path) -> pd.DataFrame:
    engine = open_database(shop, mode="read")
    frame = pd.read_sql("SELECT contact_id, occurred_at, amount, status FROM event", engine)
    engine.dispose()
    frame = frame[~frame["status"].isin(LEFT_OUT)].copy()
    frame["day"] = pd.to_datetime(frame["occurred_at"], unit="s").dt.date
    frame["amount"] = frame["amount"].fillna(0.0)
    return frame


@pytest.fixture(scope="module")
def plans(conn: Connection) -> dict[int, str]:
    found = pd.read_sql("SELECT id, json_extract(attributes, '$.plan') AS plan FROM contact", conn)
    return dict(zip(found["id"], found["plan"], strict=True))


def expected(orders: pd.DataFrame, plans: dict[int, str], day: dt.date) -> dict[str, set[int]]:
    """The three rules as of ``day``, straight from the orders up to it."""
    upto = orders[orders["day"] <= day]
    recent = upto[upto["day"] >= day - dt.timedelta(days=90)].groupby("contact_id").size()
    regulars = (set(recent[recent >= 2].index) | {1}) - {2}
    per = upto.groupby("contact_id").agg(
        first=("day", "min"), last=("day", "max"), total=("amount", "sum")
    )
    since_first = per["first"].map(lambda first: (day - first).days)
    since_last = per["last"].map(lambda last: (day - last).days)
    at_risk = set(per.index[(since_first > 30) & (since_last > 90) & (since_last <= 365)])
    spenders = {int(c) for c in per.index[per["total"] > 100]}
    return {
        "Regulars": {int(c) for c in regulars},
        "Pro regulars": {c for c in regulars if plans[c] == "pro"},
        "Slipping spenders": {int(c) for c in at_risk} & spenders,
    }


@pytest.fixture(scope="module")
def backtests(conn: Connection) -> dict[str, Backtest]:
    return {name: run_backtest(conn, name, FIRST, LAST, "monthly", today=TODAY) for name in RULES}


@pytest.fixture(scope="module")
def expected_sets(
    orders: pd.DataFrame, plans: dict[int, str]
) -> dict[dt.date, dict[str, set[int]]]:
    return {day: expected(orders, plans, day) for day in series_dates(FIRST, LAST, "monthly")}


def test_members_as_of_each_date_equal_the_rules_computed_from_the_orders_up_to_it(
    conn: Connection, expected_sets: Expected
) -> None:
    ids = {name: find_subject(conn, name).ids[0] for name in RULES}
    assert len(expected_sets) == 16
    for day, sets in expected_sets.items():
        found = members_as_of(conn, day, list(ids.values()))
        assert {name: set(found[i]) for name, i in ids.items()} == sets, day
    for name in RULES:
        assert any(sets[name] for sets in expected_sets.values()), f"{name} matches someone"


@pytest.mark.parametrize("name", list(RULES))
def test_a_rule_backtest_has_the_set_figures_of_the_rule_computed_from_the_orders(
    backtests: dict[str, Backtest],
    expected_sets: Expected,
    name: str,
) -> None:
    result = backtests[name]
    assert result.dates == tuple(expected_sets)
    sets = [expected_sets[day][name] for day in result.dates]
    series = result.to_json()["segments"][name]
    assert series["size"] == [len(s) for s in sets]
    pairs = list(itertools.pairwise(sets))
    assert series["retained"] == [len(a & b) for a, b in pairs]
    assert series["entered"] == [len(b - a) for a, b in pairs]
    assert series["exited"] == [len(a - b) for a, b in pairs]
    assert series["jaccard"] == [len(a & b) / len(a | b) if a | b else None for a, b in pairs]
    assert series["retention"] == [len(a & b) / len(a) if a else None for a, b in pairs]
    assert series["average_days"] == pytest.approx(_runs_followed(result.dates, sets))
    assert result.to_json()["transitions"] == []


def _runs_followed(dates: tuple[dt.date, ...], sets: list[set[int]]) -> float | None:
    """Average time in the segment by following each contact: a date in it counts the days
    to the next date (after the last one, to the next month end)."""
    following = [*dates[1:], dt.date(2025, 7, 31)]
    lengths: list[int] = []
    for contact in set().union(*sets):
        run = 0
        for day, after, members in zip(dates, following, sets, strict=True):
            if contact in members:
                run += (after - day).days
            elif run:
                lengths.append(run)
                run = 0
        if run:
            lengths.append(run)
    return sum(lengths) / len(lengths) if lengths else None


def test_notes_say_which_conditions_read_contact_fields_as_they_are_today(
    backtests: dict[str, Backtest],
) -> None:
    (note,) = [n for n in backtests["Pro regulars"].notes if "Contact fields" in n]
    assert '"Pro regulars" (plan)' in note
    assert any("pinned" in n and "Regulars" in n for n in backtests["Pro regulars"].notes)
    assert not [n for n in backtests["Regulars"].notes if "Contact fields" in n]


def test_a_cancelled_backtest_stops_between_dates_and_leaves_the_connection_usable(
    conn: Connection,
) -> None:
    reports: list[tuple[int, int, str]] = []
    with pytest.raises(Cancelled):
        run_backtest(
            conn,
            "Pro regulars",
            FIRST,
            LAST,
            "monthly",
            today=TODAY,
            progress=lambda *report: reports.append(report),
            cancelled=lambda: len(reports) >= 2,
        )
    assert reports == [(1, 16, "2024-03-31"), (2, 16, "2024-04-30")]
    again = run_backtest(conn, "Pro regulars", FIRST, dt.date(2024, 5, 1), "monthly", today=TODAY)
    assert len(again.dates) == 2


def test_members_as_of_reports_progress_and_stops_when_cancelled(conn: Connection) -> None:
    ids = list(find_subject(conn, "Pro regulars").ids)
    reports: list[tuple[int, int, str]] = []
    members_as_of(conn, LAST, ids, progress=lambda *report: reports.append(report))
    assert [label for _, _, label in reports] == ["Regulars", "Pro regulars"]
    with pytest.raises(Cancelled):
        members_as_of(conn, LAST, ids, cancelled=lambda: True)


def test_series_dates_are_month_ends_or_sundays_within_the_range() -> None:
    assert series_dates(dt.date(2024, 1, 15), dt.date(2024, 4, 30), "monthly") == [
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
        dt.date(2024, 4, 30),
    ]
    assert series_dates(dt.date(2026, 11, 2), dt.date(2026, 11, 22), "weekly") == [
        dt.date(2026, 11, 8),
        dt.date(2026, 11, 15),
        dt.date(2026, 11, 22),
    ]


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (dt.date(2025, 5, 1), dt.date(2025, 1, 1), "after it ends"),
        (dt.date(2025, 1, 1), dt.date(2025, 8, 1), "after today"),
        (dt.date(2025, 5, 1), dt.date(2025, 6, 15), "at least two dates"),
    ],
)
def test_a_series_that_cannot_make_a_backtest_is_refused(
    conn: Connection, start: dt.date, end: dt.date, words: str
) -> None:
    with pytest.raises(UserError, match=words):
        run_backtest(conn, "Regulars", start, end, "monthly", today=TODAY)


def test_an_unknown_name_is_neither_segment_nor_scheme(conn: Connection) -> None:
    with pytest.raises(NotFoundError, match='no segment or scheme called "Nobody"'):
        find_subject(conn, "Nobody")


# The sample database --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Iterator[Connection]:
    engine = open_database(SAMPLE_DB, mode="read")
    with engine.connect() as connection:
        yield connection
    engine.dispose()


@pytest.fixture(scope="module")
def rfm_backtest(sample: Connection) -> Backtest:
    return run_backtest(
        sample, "rfm", dt.date(2025, 11, 1), SAMPLE_TODAY, "monthly", today=SAMPLE_TODAY
    )


@pytest.fixture(scope="module")
def rfm_runs(sample: Connection, rfm_backtest: Backtest) -> list[dict[int, str]]:
    """Each contact's RFM segment as the model runner puts it as of each date."""
    everyone = pd.read_sql("SELECT id FROM contact", sample)["id"]
    runs = []
    for day in rfm_backtest.dates:
        run = run_rfm(sample, as_of=day, now=dt.datetime.now(dt.UTC), save=False)
        found = dict.fromkeys(everyone.tolist(), "No purchases")
        found.update(zip(run.contacts["contact_id"].tolist(), run.contacts["segment"], strict=True))
        runs.append(found)
    return runs


def test_rfm_sizes_add_up_to_the_buyers_by_each_date_plus_no_purchases(
    sample: Connection, rfm_backtest: Backtest
) -> None:
    everyone = pd.read_sql("SELECT id FROM contact", sample)
    orders = pd.read_sql(
        "SELECT contact_id, occurred_at, status FROM event WHERE kind = 'order'", sample
    )
    orders = orders[~orders["status"].isin(LEFT_OUT)]
    days = pd.to_datetime(orders["occurred_at"], unit="s").dt.date
    assert len(rfm_backtest.dates) == 12
    for i, day in enumerate(rfm_backtest.dates):
        sizes = {s.name: s.sizes[i] for s in rfm_backtest.segments}
        buyers = orders.loc[days <= day, "contact_id"].nunique()
        assert sum(n for name, n in sizes.items() if name != "No purchases") == buyers
        assert sizes["No purchases"] == len(everyone) - buyers
        assert sum(sizes.values()) == len(everyone)


def test_rfm_as_of_each_date_puts_people_where_the_model_run_as_of_it_does(
    sample: Connection, rfm_backtest: Backtest, rfm_runs: list[dict[int, str]]
) -> None:
    for i, run in enumerate(rfm_runs):
        placed = Counter(run.values())
        assert {s.name: s.sizes[i] for s in rfm_backtest.segments} == {
            s.name: placed[s.name] for s in rfm_backtest.segments
        }
        assert sum(placed.values()) == sum(s.sizes[i] for s in rfm_backtest.segments)
    subject = find_subject(sample, "rfm")
    day = rfm_backtest.dates[5]
    found = members_as_of(sample, day, list(subject.ids))
    by_name = {n: set(found[i]) for n, i in zip(subject.names, subject.ids, strict=True)}
    for name, members in by_name.items():
        assert members == {c for c, segment in rfm_runs[5].items() if segment == name}


def test_rfm_transitions_are_the_moves_of_each_contact(
    rfm_backtest: Backtest, rfm_runs: list[dict[int, str]]
) -> None:
    expected_moves: Counter[tuple[int, str, str]] = Counter()
    for step, (before, after) in enumerate(itertools.pairwise(rfm_runs)):
        for contact in before:
            expected_moves[step, before[contact], after[contact]] += 1
    counts = {(m.step, m.source, m.target): m.count for m in rfm_backtest.transitions}
    assert counts == dict(expected_moves)
    for series in rfm_backtest.segments:
        kept = [counts.get((i, series.name, series.name), 0) for i in range(11)]
        assert kept == [c.retained for c in series.changes]


def test_the_samples_monthly_snapshots_are_its_backtest(
    sample: Connection, rfm_backtest: Backtest
) -> None:
    """sample.db's year of snapshots was worked out as of the backtest's month ends."""
    with Workspace.open(SAMPLE_DB, mode="read") as ws:
        snapshots = ws.snapshots.all()
        sizes = dict(ws.snapshots.sizes("rfm").segments)
    assert tuple(s.as_of for s in snapshots) == rfm_backtest.dates
    for series in rfm_backtest.segments:
        assert tuple(p.size for p in sizes[series.name]) == series.sizes, series.name


def test_members_as_of_the_sample_day_equal_the_current_members(sample: Connection) -> None:
    found = members_as_of(sample, SAMPLE_TODAY)
    assert len(found) == 33
    current = current_members(sample, list(found))
    assert {i: list(m) for i, m in found.items()} == {i: list(m) for i, m in current.items()}


def test_notes_name_fixed_lists_and_retired_segments(sample: Connection) -> None:
    notes = as_of_notes(sample)
    assert '"Holiday gift buyers" is a fixed list: the same people on every date.' in notes
    assert any(n.startswith('"Summer cold brew promo" is retired') for n in notes)
