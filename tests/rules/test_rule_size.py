"""Rules of thousands of conditions count; what cannot be counted is refused with the limit and
the column, never a traceback.

SQLite refuses an expression nested more than 1,000 levels deep, and it reads a flat
``a OR b OR c ...`` as a tree as deep as the chain is long; it binds at most 32,766 values
where it was built with its defaults; a LIKE pattern may hold 50,000 bytes; and Python
refuses to read an integer of more than 4,300 digits.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.dialects import sqlite

from segdesk.rules import (
    And,
    Compare,
    DatabaseSegments,
    FieldCatalog,
    InModel,
    InSegment,
    Or,
    RuleError,
    compile_rule,
    parse,
)
from segdesk.rules.ops import MAX_CONDITIONS, MAX_LIST_VALUES, MAX_NUMBER, MAX_TEXT
from segdesk.segments.counting import count_rule
from segdesk.store.database import open_database
from segdesk.store.tables import FieldDef, Scheme
from tests.factories import add_contacts, add_orders, add_segment

TODAY = dt.date(2025, 3, 15)
CUSTOM = {"age": "number", "plan": "category", "signup_date": "date"}
CATALOG = FieldCatalog.from_types(CUSTOM)
CITIES = ("Boston", "Lyon", "Porto", "Kyoto")
SQLITE_DEFAULT_VARIABLES = 32766


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Forty contacts in four cities, with ages, plans, orders and two segments; SQLite held to
    the limits of its default build, whatever this machine's build allows."""
    engine = open_database(tmp_path_factory.mktemp("size") / "size.db")

    @event.listens_for(engine, "connect")
    def _default_limits(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_EXPR_DEPTH, 1000)
        dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, SQLITE_DEFAULT_VARIABLES)

    engine.dispose()  # connections made from now on get the limits
    with engine.begin() as conn:
        conn.execute(
            FieldDef.__table__.insert(),
            [{"name": n, "type": t, "origin": "custom", "label": ""} for n, t in CUSTOM.items()],
        )
    add_contacts(
        engine,
        [
            {
                "id": i,
                "email": f"p{i}@example.com",
                "city": CITIES[i % 4],
                "company": f"Firm {i}",
                "attributes": {"age": 20 + i, "plan": ("free", "pro")[i % 2]},
            }
            for i in range(1, 41)
        ],
    )
    for i in range(1, 41, 3):
        add_orders(engine, i, [(dt.datetime(2025, 3, 1, tzinfo=dt.UTC), 10.0 * i)] * (1 + i % 3))
    add_segment(engine, "Evens", range(2, 41, 2))
    add_segment(engine, "Tens", range(10, 41, 10))
    with engine.begin() as conn:
        conn.execute(Scheme.__table__.insert(), {"id": 1, "name": "rfm", "kind": "rfm"})
    for name, ids in (("Champions", range(1, 9)), ("At Risk", range(9, 11))):
        model = {"model": "rfm", "model_segment": name}
        add_segment(engine, name, ids, kind="model", scheme_id=1, definition=model)
    yield engine
    engine.dispose()


def count(engine: Engine, text: str) -> int:
    with engine.connect() as conn:
        return count_rule(conn, text, TODAY)


def chain(conditions: list[str], join: str) -> str:
    return f" {join} ".join(conditions)


def names(prefix: str, n: int) -> list[str]:
    return [f'"{prefix}{i}"' for i in range(n)]


class TestLongChainsCount:
    """Chains far longer than SQLite's depth count as their short forms do."""

    def test_an_or_chain_of_2000_values_on_one_field(self, engine: Engine) -> None:
        values = ['"boston"', '"LYON"', *names("nowhere ", 1998)]
        ors = chain([f"city = {v}" for v in values], "or")
        assert count(engine, ors) == count(engine, f"city in ({', '.join(values)})") == 20

    def test_an_and_chain_of_2000_exclusions_on_one_field(self, engine: Engine) -> None:
        values = ['"Porto"', *names("nowhere ", 1999)]
        ands = chain([f"city != {v}" for v in values], "and")
        assert count(engine, ands) == count(engine, f"city not in ({', '.join(values)})") == 30

    def test_chains_that_no_list_can_hold(self, engine: Engine) -> None:
        ages = chain([f"age = {20 + i}" for i in range(1, 1201)], "or")
        assert count(engine, ages) == 40
        firms = chain([f'company contains "Firm {i}"' for i in range(35, 1235)], "or")
        assert count(engine, firms) == 6  # Firm 35 ... Firm 40
        below = chain([f"age != {i}" for i in range(1000, 2200)], "and")
        assert count(engine, below) == 40

    def test_behaviour_segments_and_models_in_long_chains(self, engine: Engine) -> None:
        orders = chain([f"orders.count = {n}" for n in range(1, 1100)], "or")
        assert count(engine, orders) == count(engine, "orders.count >= 1") > 0
        windows = chain([f"orders.total in last {d} days >= 0" for d in range(1, 1100)], "and")
        assert count(engine, windows) == 40
        ages = [f"age != {i}" for i in range(1000, 2100)]
        segments = chain(['in segment "Evens"', 'in segment "Tens"'] * 550, "or")
        assert count(engine, segments) == 20
        models = chain(['rfm = "Champions"', 'rfm = "At Risk"'] * 550, "or")
        assert count(engine, models) == 10
        both = chain(['in segment "Evens"', 'rfm = "Champions"', *ages], "and")
        assert count(engine, both) == 4

    def test_nested_groups_are_flattened(self, engine: Engine) -> None:
        grouped = " or ".join(
            f'(city = "x{i}" or (age = {1000 + i} or city = "y{i}"))' for i in range(400)
        )
        assert count(engine, grouped + ' or city = "Kyoto"') == count(engine, 'city = "Kyoto"')
        deep = "(" * 40 + chain([f"age < {100 + i}" for i in range(1200)], "and") + ")" * 40
        assert count(engine, deep) == 40

    def test_a_stored_tree_with_long_chains_compiles(self, engine: Engine) -> None:
        """Trees saved as JSON or made by the builder nest as they like."""
        nested = Or(
            tuple(Or((Compare("city", "=", f"c{i}"), InSegment("Tens"))) for i in range(900))
        )
        both = And((nested, Compare("city", "!=", "Lyon"), InModel("rfm", ("Gone",))))
        with engine.connect() as conn:
            query = compile_rule(nested, CATALOG, TODAY, DatabaseSegments(conn))
            assert set(conn.execute(query).scalars()) == {10, 20, 30, 40}
            with pytest.raises(RuleError, match='the rfm model has no segment "Gone"'):
                compile_rule(both, CATALOG, TODAY, DatabaseSegments(conn))


HEAVIEST = (
    'events("k{i}").total in last {d} days between 1 and 2',
    'not (events("k{i}").avg in last {d} days between 1 and 2)',
    "orders.last in last {d} days between 2024-01-01 and 2024-02-01",
    "orders.first in last {d} days = 2024-01-{d:02d}",
    "orders.count in last {d} days > 1",
    "signup_date between 2024-01-01 and 2024-02-{d:02d}",
    "signup_date within last {d} days",
    'plan != "p{i}"',
    'plan contains "p{i}"',
    'plan = ""',
    "age between {i} and 100",
    'in segment "Tens"',
    'rfm in ("Champions", "At Risk")',
)
PARAMS_PER_CONDITION = 6


class TestTheLimitsFitSqlite:
    """The largest rule allowed binds fewer values than SQLite's default build takes."""

    @pytest.mark.parametrize("template", HEAVIEST)
    @pytest.mark.parametrize("join", ["and", "or"])
    def test_a_condition_binds_at_most_six_values(self, template: str, join: str) -> None:
        segments = _Segments()
        for n in (1, 2, 20):
            text = f" {join} ".join(template.format(i=i, d=1 + i % 28) for i in range(n))
            query = compile_rule(parse(text, CATALOG), CATALOG, TODAY, segments)
            params = query.compile(dialect=sqlite.dialect()).positiontup
            assert len(params) <= PARAMS_PER_CONDITION * n, text

    def test_the_limits_fit(self) -> None:
        bound = MAX_CONDITIONS * PARAMS_PER_CONDITION + MAX_LIST_VALUES
        assert bound <= SQLITE_DEFAULT_VARIABLES

    def test_a_rule_of_the_heaviest_conditions_counts(self, engine: Engine) -> None:
        heavy = [t.format(i=i, d=1 + i % 28) for i in range(20) for t in HEAVIEST]
        assert count(engine, chain(heavy, "or")) >= 0
        assert count(engine, chain(heavy, "and")) == 0


class _Segments:
    def segment_id(self, name: str) -> int:
        return 1

    def model_segment_id(self, model: str, name: str) -> int:
        return 2


class TestTooBigIsRefused:
    """What cannot be counted is a RuleError naming the limit and the column."""

    def test_too_many_conditions(self) -> None:
        text = chain([f'city = "c{i}"' for i in range(MAX_CONDITIONS + 5)], "or")
        with pytest.raises(RuleError) as caught:
            parse(text, CATALOG)
        column = text.index(f'city = "c{MAX_CONDITIONS}"') + 1
        assert caught.value.column == column
        assert f"more than {MAX_CONDITIONS:,} conditions" in str(caught.value)

    def test_too_many_listed_values(self) -> None:
        first, second = names("a", MAX_LIST_VALUES - 1), names("b", 3)
        text = f"city in ({', '.join(first)}) or plan in ({', '.join(second)})"
        with pytest.raises(RuleError) as caught:
            parse(text, CATALOG)
        assert caught.value.column == text.index('"b1"') + 1
        assert f"more than {MAX_LIST_VALUES:,} values" in str(caught.value)

    def test_a_stored_tree_over_the_limits(self) -> None:
        tree = Or(tuple(Compare("city", "=", f"c{i}") for i in range(MAX_CONDITIONS + 1)))
        with pytest.raises(RuleError, match=f"more than {MAX_CONDITIONS:,} conditions"):
            compile_rule(tree, CATALOG, TODAY)
        listed = Compare("city", "in", tuple(f"c{i}" for i in range(MAX_LIST_VALUES + 1)))
        with pytest.raises(RuleError, match=f"more than {MAX_LIST_VALUES:,} values"):
            compile_rule(listed, CATALOG, TODAY)

    @pytest.mark.parametrize(
        ("text", "at"),
        [
            ("age > " + "9" * 4300, 7),
            ("age > " + "9" * 5000, 7),
            ("age between 1 and -" + "4" * 4301, 19),
            ("age > " + "1" * 5000 + ".5", 7),
            ("age = 1e400", 7),
            ("orders.total < " + "9" * 17, 16),
        ],
        ids=["4300 digits", "5000 digits", "negative", "decimal", "exponent", "17 digits"],
    )
    def test_a_number_too_large(self, text: str, at: int) -> None:
        with pytest.raises(RuleError) as caught:
            parse(text, CATALOG)
        assert caught.value.column == at
        assert f"{MAX_NUMBER:,.0f}" in str(caught.value)
        assert len(str(caught.value)) < 200  # the digits are not all repeated

    def test_numbers_with_many_digits_that_are_small(self) -> None:
        tree = parse("age > " + "0" * 5000 + "42 and age < 0." + "0" * 5000 + "1", CATALOG)
        assert tree == And((Compare("age", ">", 42), Compare("age", "<", 0.0)))
        tree = parse("age > -0 and age < -" + "0" * 5000 + "7 and age != -000", CATALOG)
        assert tree == And(
            (Compare("age", ">", 0), Compare("age", "<", -7), Compare("age", "!=", 0))
        )

    @pytest.mark.parametrize(
        "text",
        [
            "signup_date within last " + "9" * 5000 + " days",
            "orders.count in last " + "9" * 4400 + " days > 1",
        ],
        ids=["within last", "in last"],
    )
    def test_a_day_count_too_large(self, text: str) -> None:
        with pytest.raises(RuleError) as caught:
            parse(text, CATALOG)
        assert caught.value.column == text.index("9") + 1
        assert "36500" in str(caught.value) and len(str(caught.value)) < 200

    @pytest.mark.parametrize("op", ["=", "contains", "starts with", "ends with", "!="])
    def test_text_too_long(self, op: str) -> None:
        text = f'company {op} "{"%" * (MAX_TEXT + 1)}"'
        with pytest.raises(RuleError) as caught:
            parse(text, CATALOG)
        assert caught.value.column == text.index('"') + 1
        assert f"{MAX_TEXT:,} characters" in str(caught.value)
        assert len(str(caught.value)) < 200

    def test_the_longest_text_allowed_is_counted(self, engine: Engine) -> None:
        """Escaped and encoded, the longest value stays within SQLite's LIKE pattern."""
        text = f'company contains "{"%_€" * (MAX_TEXT // 3)}"'
        assert count(engine, text) == 0


def test_the_cli_counts_a_2000_value_rule_in_a_copy_of_the_sample(
    sample_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from segdesk.cli import main

    cities = [
        r[0] for r in sqlite3.connect(sample_copy).execute("SELECT DISTINCT city FROM contact")
    ]
    values = [f'"{c}"' for c in cities if c and '"' not in c and "\\" not in c][:5]
    values += names("nowhere ", 2000 - len(values))
    argv = ["segment", "count", "--db", str(sample_copy), "--today", "2025-03-15", "--rule"]
    assert main([*argv, chain([f"city = {v}" for v in values], "or")]) == 0
    ors = capsys.readouterr()
    assert main([*argv, f"city in ({', '.join(values)})"]) == 0
    assert (ors.err, ors.out) == ("", capsys.readouterr().out)
    assert int(ors.out.replace(",", "")) > 0
    assert main([*argv, "age > " + "9" * 4300]) == 2
    err = capsys.readouterr().err
    assert err.startswith("segdesk: error: ") and "(column 7)" in err and "Traceback" not in err
