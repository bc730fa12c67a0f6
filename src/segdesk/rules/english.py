"""Rule tree → plain English for playbooks, in a shop owner's words.

"placed at least 2 orders in the last 90 days", "signed up within the last 30 days",
"is a Champions customer (RFM)". Fields go by their label from the catalog when they have one
("Coffee club plan"), else by their name with spaces. Groups nest with commas ("age is between
25 and 40, or city is not Boston") and, deeper down, with parentheses.
"""

from __future__ import annotations

import datetime as dt
import re

from segdesk.rules.catalog import FieldCatalog
from segdesk.rules.filters import filter_items, uses_lines
from segdesk.rules.tree import (
    MORE_THAN_AGO,
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

DATE_VERBS = {
    "signup_date": ("signed up", "did not sign up"),
    "created_at": ("was added", "was not added"),
    "updated_at": ("was last changed", "was not last changed"),
}
"""Date fields that read better as a verb: "signed up before 30 June 2024"."""

MODEL_NAMES = {"rfm": "RFM", "lifecycle": "lifecycle"}
_BARE = re.compile(r"[\w@.+-]+( [\w@.+-]+)*")


def to_english(rule: Rule, catalog: FieldCatalog | None = None) -> str:
    """The rule as one plain sentence fragment (no capital, no full stop)."""
    return _English(catalog or FieldCatalog()).say(rule, depth=0)


class _English:
    def __init__(self, catalog: FieldCatalog) -> None:
        self.catalog = catalog

    def say(self, rule: Rule, depth: int) -> str:
        if isinstance(rule, And | Or):
            return self.group(rule, depth)
        if isinstance(rule, Not):
            return self.negated(rule.item, depth)
        if isinstance(rule, Compare):
            return self.compare(rule, negated=False)
        if isinstance(rule, MetricCompare):
            return _filtered(rule) if rule.metric.where is not None else _metric(rule)
        if isinstance(rule, InSegment):
            return f"is in the segment “{rule.name}”"
        if isinstance(rule, InModel):
            return _model(rule, negated=False)
        raise TypeError(f"not a rule node: {rule!r}")

    def group(self, rule: And | Or, depth: int) -> str:
        """Items joined by "and"/"or": a comma where a conjunction inside an item could be
        misread, "either" for an or inside an and, parentheses for groups nested deeper."""
        word = "and" if isinstance(rule, And) else "or"
        parts = []
        for item in rule.items:
            text = self.say(item, depth + 1)
            if isinstance(item, And | Or) and depth > 0:
                text = f"({text})"
            elif isinstance(item, Or):
                text = f"either {text}"
            parts.append(text)
        # "age is between 25 and 40, or city is Boston", yet "country is US and plan is pro
        # or team": an "or" of values reads fine inside an "and".
        inner = (" and ", " or ") if word == "or" else (" and ",)
        comma = any(isinstance(i, And | Or) for i in rule.items) or any(
            w in p for p in parts for w in inner
        )
        return _join(parts, word, comma=comma)

    def negated(self, rule: Rule, depth: int) -> str:
        """``not X`` in words: a direct negation where English has one."""
        if isinstance(rule, Compare) and (rule.op in _NEGATABLE or _verb(rule)):
            return self.compare(rule, negated=True)
        never = _never_bought(rule) if isinstance(rule, MetricCompare) else None
        if never is not None:
            return never
        if isinstance(rule, InSegment):
            return f"is not in the segment “{rule.name}”"
        if isinstance(rule, InModel):
            return _model(rule, negated=True)
        if isinstance(rule, Not):
            return self.say(rule.item, depth)
        return f"not ({self.say(rule, depth + 1)})"

    def label(self, name: str) -> str:
        field = self.catalog.field(name)
        label = field.display if field is not None else name.replace("_", " ")
        return label if label[1:2].isupper() else label[:1].lower() + label[1:]

    def compare(self, rule: Compare, *, negated: bool) -> str:
        op, value, name = rule.op, rule.value, self.label(rule.field)
        if _verb(rule):
            verb = DATE_VERBS[rule.field][1 if negated else 0]
            return f"{verb} {_date_phrase(op, value)}"
        if negated:
            return _negated_compare(name, op, value)
        return _compare(name, op, value)


_NEGATABLE = (
    "=",
    "in",
    "contains",
    "starts with",
    "ends with",
    "is empty",
    "is not empty",
    "is true",
    "is false",
)


def _verb(rule: Compare) -> bool:
    """Whether the comparison reads as a verb ("signed up ...") rather than "X is ..."."""
    return rule.field in DATE_VERBS and _is_date_op(rule.op, rule.value)


def _join(parts: list[str], word: str, *, comma: bool) -> str:
    if comma:
        return ", ".join(parts[:-1]) + f", {word} " + parts[-1]
    if len(parts) == 2:
        return f"{parts[0]} {word} {parts[1]}"
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def _compare(name: str, op: str, value: Value) -> str:
    if op == "is empty":
        return f"has no {name}"
    if op == "is not empty":
        return f"has {_article(name)} {name}"
    if op in ("is true", "is false"):
        return f"{name}: {'yes' if op == 'is true' else 'no'}"
    if op in ("contains", "starts with", "ends with"):
        return f"{name} {op} {_quoted(value)}"
    if op == "in":
        return f"{name} is {_options(value, 'or')}"
    if op == "not in":
        return f"{name} is something other than {_options(value, 'or')}"
    if op == "!=":
        return f"{name} is something other than {_word(value)}"
    if _is_date_op(op, value):
        return f"{name} is {_date_phrase(op, value)}"
    return f"{name} is {_number_phrase(op, value)}"


def _negated_compare(name: str, op: str, value: Value) -> str:
    if op == "is empty":
        return f"has {_article(name)} {name}"
    if op == "is not empty":
        return f"has no {name}"
    if op in ("is true", "is false"):
        return f"{name}: not {'yes' if op == 'is true' else 'no'}"
    if op == "contains":
        return f"{name} does not contain {_quoted(value)}"
    if op in ("starts with", "ends with"):
        return f"{name} does not {op.replace('s with', ' with')} {_quoted(value)}"
    if op == "in":
        options = value if isinstance(value, tuple) else (value,)
        if len(options) == 1:
            return f"{name} is not {_word(options[0])}"
        return f"{name} is neither {_options(options, 'nor')}"
    return f"{name} is not {_word(value)}"


def _number_phrase(op: str, value: Value) -> str:
    if op == "between":
        assert isinstance(value, tuple)
        return f"between {_word(value[0])} and {_word(value[1])}"
    word = _word(value)
    phrases = {
        "=": word,
        "!=": f"something other than {word}",
        "<": f"under {word}",
        "<=": f"{word} or less",
        ">": f"over {word}",
        ">=": f"{word} or more",
    }
    return phrases[op]


def _is_date_op(op: str, value: Value) -> bool:
    if op in (WITHIN_LAST, MORE_THAN_AGO, "before", "after"):
        return True
    first = value[0] if isinstance(value, tuple) and value else value
    return isinstance(first, dt.date)


def _date_phrase(op: str, value: Value) -> str:
    if op == WITHIN_LAST:
        return f"within the last {_days(value)}" if value else "today"
    if op == MORE_THAN_AGO:
        return f"more than {_days(value)} ago"
    if op == "between":
        assert isinstance(value, tuple)
        return f"between {_day(value[0])} and {_day(value[1])}"
    return {"before": "before ", "after": "after ", "=": "on "}[op] + _day(value)


def _days(value: Value) -> str:
    return "1 day" if value == 1 else f"{value} days"


def _day(value: Value) -> str:
    assert isinstance(value, dt.date)
    return f"{value.day} {value:%B %Y}"


def _metric(rule: MetricCompare) -> str:
    metric, op, value = rule.metric, rule.op, rule.value
    when = "" if metric.days is None else f" in the last {_days(metric.days)}"
    orders = metric.kind == "order"
    things = "orders" if orders else f"“{metric.kind}” events"
    if op in ("is empty", "is not empty") and metric.measure in ("count", "total"):
        return _always(op)
    if op in ("is empty", "is not empty"):
        has = "has no" if op == "is empty" else "has"
        amounts = " with an amount" if metric.measure == "avg" else ""
        return f"{has} {things}{amounts}{when}"
    if metric.measure == "count":
        return _count(metric, op, value) + when
    if metric.measure in ("first", "last"):
        did = f"ordered{when}" if orders else f"had {_singular(things)}{when}"
        return f"{metric.measure} {did} {_date_phrase(op, value)}"
    if metric.measure == "avg":
        what = "order value" if orders else f"“{metric.kind}” event amount"
        return f"has an average {what}{when} of {_number_phrase(op, value)}"
    spent = "spent" if orders else f"{things} add up to"
    return f"{spent} {_number_phrase(op, value)}{when}"


COUNT_WORDS = {
    "=": "exactly",
    "<": "fewer than",
    "<=": "at most",
    ">": "more than",
    ">=": "at least",
}
"""How a count compares, in words: "at least 2 orders", "bought it more than once"."""


def _count(metric: Metric, op: str, value: Value) -> str:
    orders = metric.kind == "order"
    verb, noun = ("placed", "order") if orders else ("had", f"“{metric.kind}” event")
    if op in ("is empty", "is not empty"):
        return _always(op)
    return _counted(verb, noun, "", op, value)


def _always(op: str) -> str:
    # Counts and totals are never missing (no events count as 0).
    return "nobody (a count or total is never empty)" if op == "is empty" else "everyone"


def _singular(things: str) -> str:
    single = things[:-1] if things.endswith("s") else things
    return f"{_article(single.strip('“'))} {single}"


def _model(rule: InModel, *, negated: bool) -> str:
    model = MODEL_NAMES.get(rule.model, rule.model)
    verb = "is not" if negated else "is"
    if len(rule.names) == 1 and "customer" not in rule.names[0].lower():
        name = rule.names[0]
        return f"{verb} {_article(name)} {name} customer ({model})"
    options = " or ".join(f"“{n}”" for n in rule.names)
    return f"{verb} in the {model} group {options}"


def _options(value: Value, word: str) -> str:
    options = value if isinstance(value, tuple) else (value,)
    words = [_word(v) for v in options]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + f" {word} " + words[-1]


def _word(value: Scalar | Value) -> str:
    """A value as a reader sees it: plain when it is a simple word, else in quotes."""
    if isinstance(value, str):
        return value.strip() if _BARE.fullmatch(value.strip()) else _quoted(value)
    if isinstance(value, dt.date):
        return _day(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _quoted(value: Value) -> str:
    return f"“{value}”"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


# --------------------------------------------------------------------------------------------
# Filtered metrics: what was bought, orders of a status, events with an attribute
# --------------------------------------------------------------------------------------------


def _filtered(rule: MetricCompare) -> str:
    metric, op, value = rule.metric, rule.op, rule.value
    assert metric.where is not None
    when = "" if metric.days is None else f" in the last {_days(metric.days)}"
    if op in ("is empty", "is not empty") and metric.measure in ("count", "total"):
        return _always(op)
    if uses_lines(metric.kind, metric.where):
        return _bought(rule, _what(metric.where), when)
    orders = metric.kind == "order"
    noun, suffix = _things(metric.kind, metric.where)
    if op in ("is empty", "is not empty"):
        has = "has no" if op == "is empty" else "has"
        return f"{has} {noun}s{suffix}{when}"
    if metric.measure == "count":
        verb = "placed" if orders else "had"
        return _counted(verb, noun, suffix, op, value) + when
    if metric.measure in ("first", "last"):
        verb = "placed" if orders else "had"
        return f"{metric.measure} {verb} {_article(noun.strip('“'))} {noun}{suffix}{when} " + (
            _date_phrase(op, value)
        )
    if metric.measure == "avg":
        return f"has an average amount per {noun}{suffix}{when} of {_number_phrase(op, value)}"
    if orders:
        return f"spent {_number_phrase(op, value)} on {noun}s{suffix}{when}"
    return f"{noun}s{suffix} add up to {_number_phrase(op, value)}{when}"


def _bought(rule: MetricCompare, what: str, when: str) -> str:
    op, value, measure = rule.op, rule.value, rule.metric.measure
    if op in ("is empty", "is not empty"):
        return f"{'never' if op == 'is empty' else 'has'} bought {what}{when}"
    if measure == "count":
        return _times(what, op, value) + when
    if measure in ("first", "last"):
        return f"{measure} bought {what}{when} {_date_phrase(op, value)}"
    if measure == "avg":
        return f"spent on average {_number_phrase(op, value)} per order on {what}{when}"
    return f"spent {_number_phrase(op, value)} on {what}{when}"


def _never_bought(rule: MetricCompare) -> str | None:
    """``not orders(product = "X").count >= 1`` reads "never bought X"."""
    metric = rule.metric
    if (
        metric.where is None
        or metric.measure != "count"
        or not uses_lines(metric.kind, metric.where)
        or (rule.op, rule.value) not in ((">=", 1), (">", 0))
    ):
        return None
    what = _what(metric.where)
    if metric.days is None:
        return f"never bought {what}"
    return f"did not buy {what} in the last {_days(metric.days)}"


def _times(what: str, op: str, value: Value) -> str:
    if op == "between":
        assert isinstance(value, tuple)
        return f"bought {what} between {_word(value[0])} and {_word(value[1])} times"
    if (op, value) in (("=", 0), ("<", 1), ("<=", 0)):
        return f"never bought {what}"
    if op == "!=":
        return f"bought {what} a number of times other than {_word(value)}"
    amount = COUNT_WORDS[op]
    times = "once" if value == 1 else f"{_word(value)} times"
    return f"bought {what} {amount} {times}"


def _counted(verb: str, noun: str, suffix: str, op: str, value: Value) -> str:
    if op == "between":
        assert isinstance(value, tuple)
        return f"{verb} between {_word(value[0])} and {_word(value[1])} {noun}s{suffix}"
    if (op, value) in (("=", 0), ("<", 1), ("<=", 0)):
        return f"{verb} no {noun}s{suffix}"
    if op == "!=":
        return f"{verb} a number of {noun}s{suffix} other than {_word(value)}"
    amount = COUNT_WORDS[op]
    plural = "" if value == 1 else "s"
    return f"{verb} {amount} {_word(value)} {noun}{plural}{suffix}"


def _what(where: Filter) -> str:
    """What a filter on lines buys, in words: "Cold Brew Kit", "SKU HB-12 or HB-32",
    "a product containing “filter”", else "something where ..."."""
    if isinstance(where, Or):
        parts = [_simple_what(item) for item in filter_items(where)]
        if all(parts):
            return " or ".join(p for p in parts if p)
    simple = _simple_what(where)
    return simple or f"something where {_conditions(where)}"


_WHAT_OF = {
    "contains": "containing",
    "starts with": "starting with",
    "ends with": "ending with",
}


def _simple_what(where: Filter) -> str | None:
    if not isinstance(where, Compare) or where.field not in ("product", "sku", "category"):
        return None
    op, value = where.op, where.value
    noun = {"product": "a product", "sku": "a SKU", "category": "a category"}[where.field]
    prefix = "SKU " if where.field == "sku" else ""
    if op in ("=", "in"):
        return prefix + _options(value, "or")
    if op in ("!=", "not in"):
        return f"{noun} other than {_options(value, 'or')}"
    if op in _WHAT_OF:
        return f"{noun} {_WHAT_OF[op]} {_quoted(value)}"
    return None


def _things(kind: str, where: Filter) -> tuple[str, str]:
    """The noun for the events a filter keeps and what follows it: ("refunded order", ""),
    ("order", " where channel is web"), ("“visit” event", " where page is pricing")."""
    noun = "order" if kind == "order" else f"“{kind}” event"
    if (
        kind == "order"
        and isinstance(where, Compare)
        and where.field == "status"
        and where.op in ("=", "in")
    ):
        return f"{_options(where.value, 'or')} order", ""
    return noun, f" where {_conditions(where)}"


def _conditions(where: Filter) -> str:
    if isinstance(where, Compare):
        return _compare(where.field.replace("_", " "), where.op, where.value)
    word = " and " if isinstance(where, And) else " or "
    parts = [
        f"({_conditions(item)})" if isinstance(item, And | Or) else _conditions(item)
        for item in filter_items(where)
    ]
    return word.join(parts)
