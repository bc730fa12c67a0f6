"""The SQL semantics, pinned on small exact databases: case and spaces, missing values, not,
day edges relative to today, events windows, segments, and values that look like SQL."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite

from segdesk.rules import (
    Compare,
    DatabaseSegments,
    FieldCatalog,
    InSegment,
    Or,
    RuleError,
    compile_rule,
    parse,
)
from segdesk.store.database import open_database
from segdesk.store.tables import Contact, Event
from tests.factories import add_contacts, add_orders, add_segment

TODAY = dt.date(2025, 3, 15)
CATALOG = FieldCatalog.from_types(
    {"signup_date": "date", "age": "number", "plan": "category", "vip": "bool"}
)


def at(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_database(tmp_path / "rules.db")
    yield engine
    engine.dispose()


def ids(engine: Engine, text: str, today: dt.date = TODAY) -> set[int]:
    with engine.connect() as conn:
        query = compile_rule(parse(text, CATALOG), CATALOG, today, DatabaseSegments(conn))
        return set(conn.execute(query).scalars())


def test_text_ignores_case_and_surrounding_spaces(engine: Engine) -> None:
    add_contacts(
        engine,
        [
            {"id": 1, "city": " boston "},
            {"id": 2, "city": "BOSTON"},
            {"id": 3, "city": "Bostonia"},
            {"id": 4, "city": None},
        ],
    )
    assert ids(engine, 'city = "Boston"') == {1, 2}
    assert ids(engine, 'city = "  BoStOn  "') == {1, 2}
    assert ids(engine, 'city starts with "BOST"') == {1, 2, 3}
    assert ids(engine, 'city ends with "TON"') == {1, 2}
    assert ids(engine, 'city in ("boston", "x")') == {1, 2}


def test_missing_values_match_no_comparison_and_not_holds_where_it_does_not(
    engine: Engine,
) -> None:
    add_contacts(
        engine,
        [
            {"id": 1, "city": "Boston", "attributes": {"age": 30, "plan": "pro"}},
            {"id": 2, "city": "Paris", "attributes": {"age": None, "plan": ""}},
            {"id": 3, "city": None, "attributes": {}},
            {"id": 4, "city": "   ", "attributes": {"plan": "  "}},
        ],
    )
    assert ids(engine, 'city != "Boston"') == {2}
    assert ids(engine, 'not (city = "Boston")') == {2, 3, 4}
    assert ids(engine, 'city not in ("Boston")') == {2}
    assert ids(engine, 'city contains ""') == {1, 2}
    assert ids(engine, "city is empty") == {3, 4}
    assert ids(engine, "city is not empty") == {1, 2}
    assert ids(engine, "age != 30") == set()
    assert ids(engine, "not (age = 30)") == {2, 3, 4}
    assert ids(engine, "age is empty") == {2, 3, 4}
    assert ids(engine, "plan is empty") == {2, 3, 4}
    assert ids(engine, 'not (plan != "pro")') == {1, 2, 3, 4} - ids(engine, 'plan != "pro"')


def test_dates_are_relative_to_today_and_inclusive(engine: Engine) -> None:
    days = {1: 0, 2: 30, 3: 31, 4: -1, 5: 29}
    add_contacts(
        engine,
        [{"id": i, "attributes": {"signup_date": ago(d).isoformat()}} for i, d in days.items()],
    )
    assert ids(engine, "signup_date within last 30 days") == {1, 2, 5}
    assert ids(engine, "signup_date more than 30 days ago") == {3}
    assert ids(engine, f"signup_date before {ago(30)}") == {3}
    assert ids(engine, f"signup_date after {ago(1)}") == {1, 4}
    assert ids(engine, f"signup_date = {ago(30)}") == {2}
    assert ids(engine, f"signup_date between {ago(30)} and {ago(29)}") == {2, 5}
    # Backtests move today: the same rule a month earlier.
    assert ids(engine, "signup_date within last 0 days", today=ago(30)) == {2}


def test_stored_datetimes_compare_by_their_utc_day(engine: Engine) -> None:
    add_contacts(
        engine,
        [
            {"id": 1, "created_at": at(ago(7), 0, 0)},
            {"id": 2, "created_at": at(ago(8), 23, 59)},
            {"id": 3, "created_at": at(TODAY, 23, 59)},
        ],
    )
    assert ids(engine, "created_at within last 7 days") == {1, 3}
    assert ids(engine, "created_at more than 7 days ago") == {2}
    assert ids(engine, f"created_at = {ago(8)}") == {2}


def test_order_metrics_and_their_windows(engine: Engine) -> None:
    add_contacts(engine, [{"id": i} for i in (1, 2, 3, 4)])
    add_orders(engine, 1, [(at(ago(90)), 10.0), (at(ago(91), 23, 59), 20.0), (at(TODAY, 12), 5.0)])
    add_orders(engine, 2, [(at(ago(10)), 100.0), (at(TODAY + dt.timedelta(days=1)), 500.0)])
    add_orders(engine, 3, [(at(ago(5)), 1.0)], kind="webinar")
    # 4 has no events at all
    assert ids(engine, "orders.count = 0") == {3, 4}
    assert ids(engine, "orders.count in last 90 days >= 2") == {1}
    assert ids(engine, "orders.total < 10") == {3, 4}
    assert ids(engine, "orders.total > 100") == set()  # the order after today does not count
    assert ids(engine, "orders.total in last 90 days = 15") == {1}
    assert ids(engine, "orders.avg > 0") == {1, 2}
    assert ids(engine, "not (orders.avg > 40)") == {1, 3, 4}
    assert ids(engine, "orders.avg is empty") == {3, 4}
    assert ids(engine, "orders.last within last 10 days") == {1, 2}
    assert ids(engine, f"orders.first before {ago(90)}") == {1}
    assert ids(engine, 'events("webinar").count >= 1') == {3}
    # As of 11 days ago, contact 2 had not ordered yet.
    assert ids(engine, "orders.count >= 1", today=ago(11)) == {1}


def test_segments_and_models(engine: Engine) -> None:
    add_contacts(engine, [{"id": i} for i in (1, 2, 3)])
    add_segment(engine, "VIP customers", [1, 2])
    with engine.begin() as conn:
        from segdesk.models.schemes import save_scheme

        save_scheme(
            conn,
            "lifecycle",
            "lifecycle",
            ["New", "At risk"],
            {"At risk": [3]},
            params={},
            breakpoints={},
            as_of=TODAY,
            now=at(TODAY),
        )
    assert ids(engine, 'in segment "VIP customers"') == {1, 2}
    assert ids(engine, 'in segment "vip customers"') == {1, 2}
    assert ids(engine, 'not (in segment "VIP customers")') == {3}
    assert ids(engine, 'lifecycle = "at risk"') == {3}
    assert ids(engine, 'lifecycle in ("New", "At risk")') == {3}


def test_unknown_segments_and_models_are_rule_errors(engine: Engine) -> None:
    add_contacts(engine, [{"id": 1}])
    add_segment(engine, "VIP customers", [1])
    with pytest.raises(RuleError) as caught:
        ids(engine, 'in segment "VIP customer"')
    assert str(caught.value) == (
        'there is no segment called "VIP customer"; did you mean "VIP customers"?'
    )
    with pytest.raises(RuleError) as caught:
        ids(engine, 'rfm = "Champions"')
    assert str(caught.value) == "the rfm model has not been run yet, so it has no segments"
    with pytest.raises(RuleError, match="none are available"):
        compile_rule(InSegment("VIP customers"), CATALOG, TODAY)


def test_a_stored_tree_is_checked_against_the_catalog() -> None:
    rule = parse("age > 3", CATALOG)
    narrower = FieldCatalog.from_types({"age": "text"})
    with pytest.raises(RuleError) as caught:
        compile_rule(rule, narrower, TODAY)
    assert str(caught.value).startswith('">" does not apply to age, which is text')
    with pytest.raises(RuleError, match='unknown field "age"'):
        compile_rule(rule, FieldCatalog.from_types({}), TODAY)


INJECTIONS = [
    "x'; drop table contact; --",
    'Robert"); DELETE FROM contact; --',
    "%' OR '1'='1",
    "a\\b_c%",
    "1; UPDATE contact SET company = 'pwned'",
]


def quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def table_names(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars()
        )


@pytest.mark.parametrize("value", INJECTIONS)
def test_values_that_look_like_sql_are_only_values(engine: Engine, value: str) -> None:
    add_contacts(
        engine,
        [
            {"id": 1, "company": value},
            {"id": 2, "company": "Acme"},
            {"id": 3, "company": "x"},
            {"id": 4, "company": None},
        ],
    )
    add_orders(engine, 2, [(at(ago(1)), 10.0)], kind=value)
    tables_before = table_names(engine)
    assert ids(engine, f"company = {quoted(value)}") == {1}
    assert ids(engine, f"company contains {quoted(value)}") == {1}
    assert ids(engine, f"company starts with {quoted(value)}") == {1}
    assert ids(engine, f"company ends with {quoted(value)}") == {1}
    assert ids(engine, f'company in ({quoted(value)}, "Acme")') == {1, 2}
    assert ids(engine, f"company != {quoted(value)}") == {2, 3}
    assert ids(engine, f"company not in ({quoted(value)})") == {2, 3}
    assert ids(engine, f"events({quoted(value)}).count >= 1") == {2}
    assert ids(engine, f"events({quoted(value)}).total = 0") == {1, 3, 4}
    with pytest.raises(RuleError, match="there is no segment called"):
        ids(engine, f"in segment {quoted(value)}")
    # Nothing ran: every table is still there and the rows are as they were.
    assert table_names(engine) == tables_before
    with engine.connect() as conn:
        rows = conn.execute(select(Contact.__table__.c.id, Contact.__table__.c.company)).all()
        events = conn.execute(select(func.count()).select_from(Event.__table__)).scalar()
    assert sorted(rows) == [(1, value), (2, "Acme"), (3, "x"), (4, None)]
    assert events == 1


@pytest.mark.parametrize("value", INJECTIONS)
def test_values_are_bound_parameters(value: str) -> None:
    rule = Or((Compare("company", "=", value), Compare("company", "contains", value)))
    compiled = compile_rule(rule, CATALOG, TODAY).compile(dialect=sqlite.dialect())
    sql = str(compiled).lower()
    assert "drop" not in sql and "delete" not in sql and "'1'" not in sql
    assert "update" not in sql and "pwned" not in sql
    assert value.strip() in compiled.params.values()


def test_metric_conditions_over_one_kind_share_one_pass(engine: Engine) -> None:
    add_contacts(engine, [{"id": i, "country": "US" if i < 5 else "CA"} for i in range(1, 7)])
    add_orders(engine, 1, [(at(ago(1)), 300.0), (at(ago(89)), 300.0)])  # 2 recent, 600
    add_orders(engine, 2, [(at(ago(1)), 300.0), (at(ago(91)), 300.0)])  # 1 recent, 600
    add_orders(engine, 3, [(at(ago(1)), 10.0), (at(ago(2)), 10.0)])  # 2 recent, 20
    add_orders(engine, 5, [(at(ago(1)), 400.0), (at(ago(3)), 400.0)])  # 2 recent, 800, CA
    add_orders(engine, 4, [(at(ago(1)), 900.0)], kind="webinar")
    rule = 'orders.count in last 90 days >= 2 and orders.total > 500 and country = "US"'
    assert ids(engine, rule) == {1}
    sql = str(compile_rule(parse(rule, CATALOG), CATALOG, TODAY).compile())
    # the 90 days' orders grouped once; the total read from order_summary, with only the
    # orders dated after today grouped beside it
    assert sql.count("GROUP BY") == 2 and sql.count("FROM order_summary") == 1
    # Conditions that hold without orders keep the contacts that have none (4 and 6).
    assert ids(engine, "orders.count in last 90 days < 2 and orders.total <= 600") == {2, 4, 6}
    assert ids(engine, "not (orders.total > 500) or orders.avg < 15") == {3, 4, 6}
    first_before = f"orders.count in last 30 days = 0 or orders.first before {ago(90)}"
    assert ids(engine, first_before) == {2, 4, 6}
    assert ids(engine, 'orders.last within last 1 days and events("webinar").count = 0') == {
        1,
        2,
        3,
        5,
    }


def test_sql_uses_only_portable_functions() -> None:
    text = (
        'country = "US" and plan in ("pro") and company contains "x" and age between 1 and 2 '
        "and vip is true and signup_date within last 30 days and created_at before 2024-01-01 "
        "and orders.count in last 9 days > 1 and orders.total > 1 and orders.avg > 1 "
        "and orders.first after 2024-01-01 and not (orders.last within last 3 days) "
        'and city != "x"'
    )
    query = compile_rule(parse(text, CATALOG), CATALOG, TODAY)
    sqlite_sql = str(query.compile(dialect=sqlite.dialect()))
    functions = {f.lower() for f in re.findall(r"\b([A-Za-z_]+)\(", sqlite_sql)}
    assert functions == {
        "trim",
        "json_extract",
        "cast",
        "coalesce",
        "count",
        "sum",
        "avg",
        "min",
        "max",
    }
    assert "COLLATE NOCASE" in sqlite_sql  # SQLite folds case by collation, not lower()
    # json_extract comes only from the attribute helper, which PostgreSQL spells ->>; case is
    # folded by lower() there.
    pg_sql = str(query.compile(dialect=postgresql.dialect()))
    assert "json_extract" not in pg_sql.lower() and "->>" in pg_sql
    assert "collate" not in pg_sql.lower() and "lower(trim(" in pg_sql
