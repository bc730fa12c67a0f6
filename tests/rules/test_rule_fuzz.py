"""Fuzzing `segdesk segment count --rule TEXT`: whatever the text, a count and exit 0 or one
line of message and exit 2, never a traceback or exit 1.

The text is random characters, tokens of the grammar put together at random, conditions
with values from the edges, and printed rules with a piece cut out or put in; rules printed
whole always count. The command runs in process, through the CLI's main function, on a small
database whose fields, segments and model match the rules the strategies draw. Each property
runs 100 examples; ``pytest --full`` runs 5,000.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segdesk.cli import main
from segdesk.rules import RuleError, to_text
from segdesk.rules.printer import KEYWORDS
from segdesk.rules.tree import MEASURES, OPS
from segdesk.segments.counting import count_rule
from segdesk.store.database import open_database
from segdesk.store.tables import FieldDef, Scheme
from tests.factories import WHEN, add_contacts, add_orders, add_segment
from tests.rules.strategies import DB_CATALOG, RFM_NAMES, SEGMENTS, chain_rules, db_rules
from tests.sizes import sized

FUZZ = settings(
    max_examples=sized(100, 5000),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# --------------------------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Contacts with every field of DB_CATALOG, orders, the segments A and B, and an RFM
    scheme with the segments the strategies name."""
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    engine = open_database(path)
    custom = [f for f in DB_CATALOG.fields if f.origin == "custom"]
    with engine.begin() as conn:
        conn.execute(
            FieldDef.__table__.insert(),
            [{"name": f.name, "type": f.type, "origin": "custom", "label": ""} for f in custom],
        )
        conn.execute(Scheme.__table__.insert(), {"id": 1, "name": "rfm", "kind": "rfm"})
    add_contacts(
        engine,
        [
            {
                "id": i,
                "city": ("Boston", " boston ", "München", "")[i % 4],
                "country": "US",
                "attributes": {"age": 20 + i, "plan": "pro", "signup_date": "2025-01-0{i}"},
            }
            for i in range(1, 6)
        ],
    )
    add_orders(engine, 1, [(WHEN, 12.5), (WHEN, None)])
    add_orders(engine, 2, [(WHEN, 40.0)], kind="webinar")
    for name in SEGMENTS:
        add_segment(engine, name, [1, 2])
    for name in RFM_NAMES:
        model = {"model": "rfm", "model_segment": name}
        add_segment(engine, name, [3], kind="model", scheme_id=1, definition=model)
    engine.dispose()
    yield str(path)


def count(db: str, text: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``segdesk segment count --rule TEXT``."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["segment", "count", "--db", db, "--today", "2025-03-15", f"--rule={text}"]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own refusals
            code = exc.code  # type: ignore[assignment]
    return code, out.getvalue(), err.getvalue()


def assert_count_or_message(db: str, text: str) -> int:
    code, out, err = count(db, text)
    if code == 0:
        assert re.fullmatch(r"\d[\d,]*\n", out) and err == "", (text, out, err)
    else:
        assert code == 2 and out == "", (text, code, out, err)
        assert err.startswith("segdesk: error: ") and err.count("\n") == 1, (text, err)
        assert err.splitlines() == [err[:-1]], (text, err)  # no other kind of line break
    return code


# --------------------------------------------------------------------------------------------
# The text
# --------------------------------------------------------------------------------------------

SUBJECTS = (
    *(f.name for f in DB_CATALOG.fields),
    *(f"orders.{m}" for m in MEASURES),
    *(f'events("webinar").{m}' for m in MEASURES),
    "agee",
    "`city`",
    "`my field`",
    "orders.cnt",
    'events("")',
    "rfm",
    "lifecycle",
)
SYMBOLS = ("=", "!=", "<", "<=", ">", ">=", "(", ")", ",", ".", ";", "==", "<>", "`", "events(")
VALUES = (
    '"Boston"',
    "'boston'",
    '""',
    '"unterminated',
    '"say \\"hi\\""',
    '"\\"',
    '"A"',
    '"Champions"',
    '"At Risk"',
    '"Z\udcfcrich"',
    f'"{"%" * 1001}"',
    "2024-06-30",
    "2024-02-30",
    "9999-12-31",
    "0000-01-01",
    "2024-6-3",
    "0",
    "-0",
    "1.5",
    "-2",
    "1e3",
    "1e400",
    "nan",
    "9" * 17,
    "9" * 4400,
    "0" * 5000 + "1",
    "36500",
    "36501",
)
WORDS = (*SUBJECTS, *sorted(KEYWORDS), *SYMBOLS, *VALUES)
_spacing = st.sampled_from([" ", "", "  ", "\t", "\n"])


@st.composite
def token_soup(draw: st.DrawFn) -> str:
    """Words of the grammar, values and stray symbols, in any order and spacing."""
    parts = draw(st.lists(st.sampled_from(WORDS) | st.text(max_size=3), max_size=14))
    return "".join(part + draw(_spacing) for part in parts)


@st.composite
def broken_rules(draw: st.DrawFn) -> str:
    """A printed rule with a piece cut out, put in, or both."""
    text = to_text(draw(db_rules | chain_rules))
    start = draw(st.integers(min_value=0, max_value=len(text)))
    end = draw(st.integers(min_value=start, max_value=min(len(text), start + 12)))
    piece = draw(st.sampled_from(WORDS) | st.text(max_size=4) | st.just(""))
    return text[:start] + piece + text[end:]


_numbers = st.one_of(
    st.integers().map(str),
    st.floats().map(repr),
    st.integers(min_value=0, max_value=6000).map(lambda n: "9" * n or "0"),
)
_strings = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()) | st.sampled_from('"\\\udcff'),
    max_size=8,
).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"')
_values = st.one_of(st.sampled_from(VALUES), _numbers, _strings, st.dates().map(str))


@st.composite
def _condition(draw: st.DrawFn) -> str:
    subject = draw(st.sampled_from(SUBJECTS))
    op = draw(st.sampled_from([o.replace("N days", "") for o in OPS]))
    window = draw(st.sampled_from(["", "in last 3 days", f"in last {'9' * 4400} days"]))
    if op in ("in", "not in"):
        value = "(" + ", ".join(draw(st.lists(_values, min_size=1, max_size=4))) + ")"
    elif op == "between":
        value = f"{draw(_values)} and {draw(_values)}"
    elif op.startswith(("within", "more")):
        value = f"{draw(_numbers)} days" + (" ago" if op.startswith("more") else "")
        op = op.replace(" ago", "").strip()
    else:
        value = draw(st.sampled_from(["", draw(_values)]))
    if draw(st.booleans()):
        return f"in segment {draw(_strings | st.sampled_from(VALUES))}"
    return f"{subject} {window} {op} {value}"


@st.composite
def hostile_rules(draw: st.DrawFn) -> str:
    """Rules shaped as the grammar wants them, with values from the edges: numbers of any size,
    text with quotes, backslashes and bytes that are not UTF-8, dates that do not exist."""
    parts = draw(st.lists(_condition(), min_size=1, max_size=6))
    rule = ""
    for part in parts:
        joint = draw(st.sampled_from([" and ", " or ", " and not ", " or ("]))
        rule = part if not rule else rule + joint + part + (")" if joint.endswith("(") else "")
    return rule


any_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()) | st.sampled_from('"`()\\\udcff'),
    max_size=60,
)

# --------------------------------------------------------------------------------------------
# The properties
# --------------------------------------------------------------------------------------------


@FUZZ
@given(text=any_text)
def test_random_text(db: str, text: str) -> None:
    assert_count_or_message(db, text)


@FUZZ
@given(text=token_soup())
def test_tokens_of_the_grammar_in_any_order(db: str, text: str) -> None:
    assert_count_or_message(db, text)


@FUZZ
@given(text=hostile_rules())
def test_conditions_with_values_from_the_edges(db: str, text: str) -> None:
    assert_count_or_message(db, text)


@FUZZ
@given(text=broken_rules())
def test_printed_rules_with_a_piece_cut_or_put_in(db: str, text: str) -> None:
    assert_count_or_message(db, text)


@settings(FUZZ, max_examples=FUZZ.max_examples // 2)
@given(rule=db_rules | chain_rules)
def test_printed_rules_count(db: str, rule: Any) -> None:
    assert assert_count_or_message(db, to_text(rule)) == 0, to_text(rule)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "age > " + "9" * 4300,
        " or ".join(f'city = "c{i}"' for i in range(2000)),
        'company contains "' + "a" * 60_000 + '"',
        'city = "Z\udcfcrich"',
        "-rule",
        "not " * 60 + "city is empty",
        "(" * 60 + "city is empty" + ")" * 60,
    ],
    ids=[
        "empty",
        "4300 digits",
        "2000 values",
        "60000 characters",
        "not UTF-8",
        "dash",
        "60 nots",
        "60 parentheses",
    ],
)
def test_what_ended_in_a_traceback(db: str, text: str) -> None:
    assert_count_or_message(db, text)


def test_every_edge_value_with_every_subject(db: str) -> None:
    """Each value of the edges beside each subject, with an operator of each shape: counted,
    or refused with a RuleError (hypothesis reaches few of these pairs: the first mistake in a
    rule hides the rest)."""
    outcomes = {"counted": 0, "refused": 0}
    engine = open_database(db)
    with engine.connect() as conn:
        for subject, value in itertools.product(SUBJECTS, VALUES):
            for text in (
                f"{subject} = {value}",
                f"{subject} between {value} and {value}",
                f"{subject} in ({value}, {value})",
                f"{subject} in last {value} days > 1",
            ):
                try:
                    count_rule(conn, text, dt.date(2025, 3, 15))
                except RuleError:
                    outcomes["refused"] += 1
                else:
                    outcomes["counted"] += 1
    engine.dispose()
    assert outcomes["counted"] > 100 and outcomes["refused"] > 1000, outcomes
