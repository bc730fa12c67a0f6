"""Text → rule tree: ``parse(text, catalog)``.

The grammar (``grammar.lark``) only knows the shape of a rule; the catalog then types every
field, so that ``age contains "x"`` fails with the field, its type and the column, and a
misspelt field comes with close matches. Values are data: a string is whatever sits between
its quotes, and nothing in it is ever read as part of the rule or of SQL.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from lark import Lark, ParseTree, Token, Tree
from lark.exceptions import UnexpectedInput

from segdesk.rules.catalog import FieldCatalog
from segdesk.rules.errors import RuleError, clipped
from segdesk.rules.filters import (
    attribute_kind,
    canonical_name,
    declared_kind,
    line_field_elsewhere,
)
from segdesk.rules.ops import (
    A_OR_AN,
    KIND_OF_TYPE,
    LIST_HINT,
    MAX_CONDITIONS,
    MAX_DAYS,
    MAX_DEPTH,
    MAX_LIST_VALUES,
    MAX_NUMBER,
    MAX_TEXT,
    MODEL_OPS,
    NUMBER_RANGE,
    measure_kind,
    op_problem,
    scalar_problem,
    too_long,
    too_many_conditions,
    too_many_values,
)
from segdesk.rules.syntax import scan, syntax_error
from segdesk.rules.tree import (
    DAY_OPS,
    MEASURES,
    MORE_THAN_AGO,
    ORDER_KIND,
    WITHIN_LAST,
    And,
    Compare,
    Filter,
    InModel,
    InSegment,
    Metric,
    MetricCompare,
    Not,
    Or,
    Rule,
    Scalar,
    Value,
)

_OPS_BY_RULE = {
    "one_of": "in",
    "none_of": "not in",
    "contains": "contains",
    "starts_with": "starts with",
    "ends_with": "ends with",
    "is_empty": "is empty",
    "is_not_empty": "is not empty",
    "is_true": "is true",
    "is_false": "is false",
    "between": "between",
    "before": "before",
    "after": "after",
    "within_last": WITHIN_LAST,
    "more_than_ago": MORE_THAN_AGO,
}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_CONDITIONS = ("field_condition", "metric_condition", "windowed_metric_condition", "in_segment")
_NUMBER_DIGITS = len(f"{MAX_NUMBER:.0f}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = files("segdesk.rules").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=False)


def parse(text: str, catalog: FieldCatalog) -> Rule:
    """The rule tree of ``text``, typed by ``catalog``; a :class:`RuleError` says what is
    wrong and at which column (1-based) otherwise."""
    if not text.strip():
        raise RuleError("the rule is empty", hint='write a condition such as country = "US"')
    scan(text)
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as exc:
        raise syntax_error(text, exc, catalog) from None
    return _Builder(catalog).rule(tree)


@dataclass(frozen=True)
class _Comparison:
    op: str
    at: Token
    values: tuple[Token, ...]
    is_list: bool = False


def _column(token: Token) -> int:
    return (token.start_pos or 0) + 1


def _start(tree: ParseTree) -> int:
    """The column where a subtree's text starts."""
    return _column(next(tree.scan_values(lambda v: isinstance(v, Token))))


class _Builder:
    """Walks lark's tree into rule nodes, typing each comparison by its subject."""

    def __init__(self, catalog: FieldCatalog) -> None:
        self.catalog = catalog
        self.depth = 0
        self.conditions = 0
        self.listed = 0

    def rule(self, tree: ParseTree | Token) -> Rule:
        self.depth += 1
        try:
            return self._rule(tree)
        finally:
            self.depth -= 1

    def _rule(self, tree: ParseTree | Token) -> Rule:
        assert isinstance(tree, Tree)
        if self.depth > MAX_DEPTH:
            raise RuleError(f"the rule nests more than {MAX_DEPTH} levels deep", _start(tree))
        kind = tree.data
        if kind in _CONDITIONS:
            self.conditions += 1
            if self.conditions > MAX_CONDITIONS:
                raise RuleError(too_many_conditions(), _start(tree), hint=LIST_HINT)
        subtrees = [c for c in tree.children if isinstance(c, Tree)]
        if kind == "or_expr":
            return Or(tuple(self.rule(c) for c in subtrees))
        if kind == "and_expr":
            return And(tuple(self.rule(c) for c in subtrees))
        if kind == "negation":
            return Not(self.rule(subtrees[0]))
        if kind == "group":
            return self.rule(subtrees[0])
        if kind == "in_segment":
            return InSegment(_string(tree.children[2]))
        if kind == "field_condition":
            return self.field_condition(subtrees[0], _comparison(subtrees[1]))
        if kind == "metric_condition":
            return self.metric_condition(subtrees[0], None, _comparison(subtrees[1]))
        if kind == "windowed_metric_condition":
            window = subtrees[1].children[2]
            assert isinstance(window, Token)
            return self.metric_condition(subtrees[0], window, _comparison(subtrees[2]))
        raise AssertionError(f"unexpected rule {kind}")

    # -- fields and models -------------------------------------------------------------

    def field_condition(self, name_tree: ParseTree, cmp: _Comparison) -> Rule:
        token = name_tree.children[0]
        assert isinstance(token, Token)
        name = token.value[1:-1] if token.type == "QUOTED_NAME" else token.value
        field = self.catalog.field(name)
        if field is None:
            model = self.catalog.model(name)
            if model is not None:
                return self.model_condition(model, cmp)
            raise _unknown_field(name, token, self.catalog)
        kind = KIND_OF_TYPE[field.type]
        if kind == "bool":
            cmp = _bool_comparison(field.name, cmp)
        return Compare(field.name, *self.typed(field.name, kind, cmp))

    def model_condition(self, model: str, cmp: _Comparison) -> InModel:
        if cmp.op not in MODEL_OPS:
            raise RuleError(
                f'"{cmp.op}" does not apply to the model {model}',
                _column(cmp.at),
                hint=f'use {model} = "name" or {model} in ("name", ...)',
            )
        self.count_listed(cmp)
        names = tuple(_text_value(model, "a model", t) for t in cmp.values)
        return InModel(model, names)

    def count_listed(self, cmp: _Comparison) -> None:
        if not cmp.is_list:
            return
        if self.listed + len(cmp.values) > MAX_LIST_VALUES:
            over = cmp.values[MAX_LIST_VALUES - self.listed]
            raise RuleError(too_many_values(), _column(over))
        self.listed += len(cmp.values)

    # -- metrics -----------------------------------------------------------------------

    def metric_condition(self, tree: ParseTree, window: Token | None, cmp: _Comparison) -> Rule:
        tokens = [c for c in tree.children if isinstance(c, Token)]
        head, measure_token = tokens[0], tokens[-1]
        measure = measure_token.value.lower()
        if tree.data == "orders_metric":
            kind, subject = ORDER_KIND, f"orders.{measure}"
            if head.value.lower() != "orders":
                shown = "(...)" if tokens[1].type == "LPAR" else f".{measure_token.value}"
                raise RuleError(
                    f'unknown metric "{head.value}{shown}"',
                    _column(head),
                    hint=_METRIC_HINT,
                )
        else:
            kind = _string(tokens[2])
            subject = f"events({tokens[2].value}).{measure}"
            if head.value.lower() != "events":
                raise RuleError(
                    f'unknown metric "{head.value}(...)"', _column(head), hint=_METRIC_HINT
                )
        if measure not in MEASURES:
            raise RuleError(
                f'unknown measure "{measure_token.value}"',
                _column(measure_token),
                hint="use count, total, avg, first or last",
            )
        found = [c for c in tree.children if isinstance(c, Tree) and c.data == "filter"]
        where = self.filter(found[0], kind) if found else None
        days = None if window is None else _days(window)
        op, value = self.typed(subject, measure_kind(measure), cmp)
        return MetricCompare(Metric(kind, measure, days, where), op, value)

    def filter(self, tree: ParseTree, kind: str) -> Filter:
        """The filter of a metric: its groups as written, each comparison typed by its name
        (a line or event field) or, for an attribute, by the value written."""
        subtrees = [c for c in tree.children if isinstance(c, Tree)]
        if tree.data == "filter_condition":
            self.conditions += 1
            if self.conditions > MAX_CONDITIONS:
                raise RuleError(too_many_conditions(), _start(tree), hint=LIST_HINT)
            return self.filter_condition(kind, subtrees[0], _comparison(subtrees[1]))
        items = [self.filter(c, kind) for c in subtrees]
        if len(items) == 1:
            return items[0]
        return (Or if tree.data == "filter" else And)(tuple(items))

    def filter_condition(self, kind: str, name_tree: ParseTree, cmp: _Comparison) -> Compare:
        token = name_tree.children[0]
        assert isinstance(token, Token)
        written = token.value[1:-1] if token.type == "QUOTED_NAME" else token.value
        elsewhere = line_field_elsewhere(kind, written)
        if elsewhere is not None:
            raise RuleError(elsewhere.problem, _column(token), elsewhere.hint)
        name = canonical_name(kind, written)
        value_kind = declared_kind(kind, name) or _attribute_kind(cmp)
        if value_kind == "bool":
            cmp = _bool_comparison(name, cmp)
        return Compare(name, *self.typed(name, value_kind, cmp))

    # -- values ------------------------------------------------------------------------

    def typed(self, subject: str, kind: str, cmp: _Comparison) -> tuple[str, Value]:
        """The operator and value, checked against the kind of the subject."""
        self.count_listed(cmp)
        error = op_problem(subject, kind, cmp.op)
        if error is not None:
            raise RuleError(error.problem, _column(cmp.at), error.hint)
        if cmp.op in DAY_OPS:
            return cmp.op, _days(cmp.values[0])
        values = tuple(_typed_value(subject, kind, t) for t in cmp.values)
        if cmp.op == "between" and values[0] > values[1]:  # type: ignore[operator]
            raise RuleError(
                f"{subject} between {cmp.values[0].value} and {cmp.values[1].value}: the first "
                "value must not be larger than the second",
                _column(cmp.values[0]),
            )
        if cmp.is_list or cmp.op == "between":
            return cmp.op, values
        return cmp.op, (values[0] if values else None)


_METRIC_HINT = (
    'use orders.count, orders.total, orders.avg, orders.first, orders.last or events("kind").count'
)


_KIND_OF_TOKEN = {
    "STRING": "text",
    "NUMBER": "number",
    "DATE": "date",
    "TRUE": "bool",
    "FALSE": "bool",
}


def _attribute_kind(cmp: _Comparison) -> str:
    """An attribute compares as what its operator or first value says it is."""
    by_op = attribute_kind(cmp.op, None)
    if by_op != "text" or not cmp.values or cmp.op in ("contains", "starts with", "ends with"):
        return by_op
    return _KIND_OF_TOKEN.get(cmp.values[0].type, "text")


def _comparison(tree: ParseTree) -> _Comparison:
    tokens = [c for c in tree.children if isinstance(c, Token)]
    values: list[Token] = []
    is_list = False
    for child in tree.children:
        if isinstance(child, Tree) and child.data == "value":
            values.append(_leaf(child))
        elif isinstance(child, Tree) and child.data == "value_list":
            is_list = True
            values.extend(_leaf(v) for v in child.children if isinstance(v, Tree))
    if tree.data in ("within_last", "more_than_ago"):
        values = [t for t in tokens if t.type == "NUMBER"]
    op = tokens[0].value if tree.data == "symbol" else _OPS_BY_RULE[tree.data]
    return _Comparison(op, tokens[0], tuple(values), is_list)


def _bool_comparison(name: str, cmp: _Comparison) -> _Comparison:
    """``= true`` / ``!= false`` read as ``is true``; the tree keeps one spelling."""
    if cmp.op not in ("=", "!="):
        return cmp
    token = cmp.values[0]
    if token.type not in ("TRUE", "FALSE"):
        raise RuleError(
            f"{name} is yes or no: expected true or false, not {token.value}", _column(token)
        )
    truth = (token.type == "TRUE") == (cmp.op == "=")
    return _Comparison("is true" if truth else "is false", cmp.at, ())


def _typed_value(subject: str, kind: str, token: Token) -> Scalar:
    if kind == "text":
        return _text_value(subject, "text", token)
    if kind == "date" and token.type in ("DATE", "STRING"):
        text = token.value if token.type == "DATE" else _string(token)
        if token.type == "DATE" or _ISO_DATE.fullmatch(text):
            return _date(text, token)
    if kind == "number" and token.type == "NUMBER":
        number = _number(token)
        if scalar_problem("number", number) is None:
            return number
        raise RuleError(
            f"{clipped(token.value)} is too large a number", _column(token), hint=NUMBER_RANGE
        )
    raise RuleError(
        f"{subject} is {A_OR_AN[kind]}: {scalar_problem(kind, None)}, not {clipped(token.value)}",
        _column(token),
    )


def _text_value(subject: str, what: str, token: Token) -> str:
    if token.type == "STRING":
        text = _string(token)
        if len(text) > MAX_TEXT:
            raise RuleError(too_long(text), _column(token))
        return text
    raise RuleError(
        f"{subject} is {what}: text goes in quotes, not {clipped(token.value)}",
        _column(token),
        hint=f'write "{clipped(token.value)}"',
    )


def _leaf(tree: ParseTree) -> Token:
    leaf = tree.children[0]
    assert isinstance(leaf, Token)
    return leaf


def _string(token: Token | ParseTree) -> str:
    assert isinstance(token, Token)
    body = token.value[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body, flags=re.S)


def _number(token: Token) -> int | float:
    """The number, or infinity for a whole number of more digits than any allowed one has:
    Python reads at most 4,300 digits, and none beyond 16 are needed."""
    text = token.value
    if re.fullmatch(r"-?\d+", text):
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("-").lstrip("0")
        if len(digits) > _NUMBER_DIGITS:
            return sign * math.inf
        return sign * int(digits or "0")
    return float(text)


def _date(text: str, token: Token) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RuleError(
            f"{text} is not a real date", _column(token), hint="write dates as YYYY-MM-DD"
        ) from None


def _days(token: Token) -> int:
    digits = token.value.lstrip("0") or "0"
    if digits.isdecimal() and len(digits) <= len(str(MAX_DAYS)) and int(digits) <= MAX_DAYS:
        return int(digits)
    raise RuleError(
        f"{clipped(token.value)} is not a number of days",
        _column(token),
        hint=f"use a whole number from 0 to {MAX_DAYS}",
    )


def _unknown_field(name: str, token: Token, catalog: FieldCatalog) -> RuleError:
    close = catalog.suggestions(name)
    hint = None
    if close:
        hint = "did you mean " + " or ".join(f'"{c}"' for c in close) + "?"
    return RuleError(f'unknown field "{clipped(name)}"', _column(token), hint)
