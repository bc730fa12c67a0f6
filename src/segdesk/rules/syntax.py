"""Syntax errors in words: lark says which terminals it expected; a user wants to hear
"unknown operator", "unbalanced parentheses" or "put text in quotes", with the column.

Quotes and parentheses are checked by a small scanner before lark runs, because the parser
would only notice a missing ``)`` at the end of the text, far from the ``(`` at fault.
"""

from __future__ import annotations

import re

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from segdesk.rules.catalog import FieldCatalog
from segdesk.rules.errors import RuleError, clipped
from segdesk.rules.filters import EVENT_FIELDS, LINE_FIELDS
from segdesk.rules.ops import ALLOWED, KIND_OF_TYPE, measure_kind, ops_hint

_AFTER_CONDITION = {"_AND", "_OR", "RPAR", "COMMA", "$END"}
_CONDITION_START = {"NAME", "QUOTED_NAME", "NOT", "IN", "LPAR"}
_WORDS = {
    "DAYS": '"days"',
    "LAST": '"last"',
    "EMPTY": '"empty"',
    "WITH": '"with"',
    "THAN": '"than"',
    "AGO": '"ago"',
    "SEGMENT": '"segment"',
    "NUMBER": "a number",
    "STRING": "text in quotes",
    "DATE": "a date",
    "TRUE": '"true"',
    "FALSE": '"false"',
    "RPAR": '")"',
    "LPAR": '"("',
    "COMMA": '","',
    "DOT": '"."',
    "NAME": "a field",
    "QUOTED_NAME": "a field",
    "_AND": '"and"',
    "_OR": '"or"',
    "$END": "the end",
    "SYMBOL": "=, !=, <, <=, > or >=",
    "IN": '"in"',
    "NOT": '"not"',
    "IS": '"is"',
}
_QUOTES = {'"': "text in quotes", "'": "text in quotes", "`": "name in backticks"}
_UNDECODED = re.compile("[\ud800-\udfff]")
"""Python hands on command-line bytes that are not UTF-8 as lone surrogates, which no
database can store or compare."""


def scan(text: str) -> None:
    """Refuse bytes that are not text, unterminated quotes and unbalanced parentheses, naming
    the column at fault."""
    undecoded = _UNDECODED.search(text)
    if undecoded is not None:
        raise RuleError(
            "the rule holds bytes that are not UTF-8 text",
            undecoded.start() + 1,
            hint="type the character there again",
        )
    opened: list[int] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in _QUOTES:
            end = _closing_quote(text, i)
            if end is None:
                raise RuleError(
                    f"the {_QUOTES[char]} is never closed", i + 1, hint=f"end it with {char}"
                )
            i = end
        elif char == "(":
            opened.append(i)
        elif char == ")":
            if not opened:
                raise RuleError('unbalanced parentheses: this ")" closes nothing', i + 1)
            opened.pop()
        i += 1
    if opened:
        raise RuleError('unbalanced parentheses: this "(" is never closed', opened[-1] + 1)


def _closing_quote(text: str, start: int) -> int | None:
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\" and quote != "`":
            i += 2
            continue
        if text[i] == quote:
            return i
        i += 1
    return None


def syntax_error(text: str, exc: UnexpectedInput, catalog: FieldCatalog) -> RuleError:
    """A plain-words error for what lark could not parse."""
    expected = set(getattr(exc, "expected", None) or getattr(exc, "allowed", None) or ())
    stack = list(getattr(getattr(exc, "state", None), "value_stack", None) or ())
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        column = len(text.rstrip()) + 1
        wanted = "an operator" if "SYMBOL" in expected else _expected(expected)
        return RuleError(f"the rule ends too early: expected {wanted}", column)
    if isinstance(exc, UnexpectedToken):
        column, found = (exc.token.start_pos or 0) + 1, _shown(str(exc.token.value))
    else:
        assert isinstance(exc, UnexpectedCharacters)
        position = exc.pos_in_stream or 0  # always set on UnexpectedCharacters
        column, found = position + 1, _shown(_word_at(text, position))
    if "SYMBOL" in expected:  # right after a field or metric: where operators go
        tokens = _tokens(stack)
        if _in_filter(tokens) and tokens[-1].value.lower() == "not":
            return RuleError(
                '"not" cannot stand inside a metric\'s filter',
                (tokens[-1].start_pos or 0) + 1,
                hint='put it before the metric: not orders(product = "Kit").count >= 1, '
                "or use != or not in",
            )
        return RuleError(f"unknown operator {found}", column, _operator_hint(stack, catalog))
    if expected == {"NUMBER"}:
        return RuleError(f"expected a whole number of days, not {found}", column)
    if expected & {"STRING", "NUMBER"}:
        bare = found.strip('"')
        hint = f'put text in quotes: "{bare}"' if bare.isidentifier() else None
        return RuleError(
            f"expected a value (text in quotes, a number or a date like 2024-06-30), not {found}",
            column,
            hint,
        )
    if len(stack) > 1 and isinstance(stack[-2], Token) and stack[-2].type == "BETWEEN":
        return RuleError(f'expected "and" between the two values of between, not {found}', column)
    if expected <= _AFTER_CONDITION:
        return RuleError(
            f"unexpected {found} after a complete condition",
            column,
            hint='join conditions with "and" or "or"',
        )
    if expected <= _CONDITION_START:
        hint = 'a condition starts with a field, "not", "in segment" or "("'
        return RuleError(f"expected a condition, not {found}", column, hint)
    return RuleError(f"expected {_expected(expected)}, not {found}", column)


def _shown(found: str) -> str:
    """What the user wrote, quoted once (strings already carry their quotes), cut short."""
    found = clipped(found)
    return found if found[:1] in ('"', "'") else f'"{found}"'


def _word_at(text: str, pos: int) -> str:
    end = pos + 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_") and text[pos].isalnum():
        end += 1
    return text[pos:end]


def _expected(terminals: set[str]) -> str:
    words = sorted({_WORDS.get(t, f'"{t.lower()}"') for t in terminals})
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _operator_hint(stack: list[object], catalog: FieldCatalog) -> str:
    """The operators that fit the subject just read (a field, a model or a metric)."""
    tokens = _tokens(stack)
    kind = None
    after_metric = len(tokens) > 1 and (tokens[-1].type == "DAYS" or tokens[-2].type == "DOT")
    if after_metric:
        dots = [i for i, t in enumerate(tokens) if t.type == "DOT"]
        kind = measure_kind(tokens[dots[-1] + 1].value.lower())
    elif tokens and tokens[-1].type in ("NAME", "QUOTED_NAME"):
        name = tokens[-1].value.strip("`")
        field = catalog.field(name)
        known = {**EVENT_FIELDS, **LINE_FIELDS}
        if _in_filter(tokens) and name.lower() in known:
            kind = known[name.lower()]
        elif field is not None:
            kind = KIND_OF_TYPE[field.type]
        elif catalog.model(name) is not None:
            return f'use {name} = "name" or {name} in ("name", ...)'
    if kind is None:
        every = dict.fromkeys(op for ops in ALLOWED.values() for op in ops)
        return "use one of " + ", ".join(every)
    return ops_hint(kind)


def _in_filter(tokens: list[Token]) -> bool:
    """Whether the text read so far stops inside the parentheses of ``orders(...)`` or
    ``events("kind", ...)``."""
    depth = 0
    for i, token in enumerate(tokens):
        if token.type == "LPAR" and i > 0 and tokens[i - 1].type == "NAME":
            depth += 1  # the parenthesis of a metric
        elif token.type == "RPAR" and depth:
            depth -= 1
    return depth > 0


def _tokens(stack: list[object]) -> list[Token]:
    """The tokens of lark's value stack, in order, reduced subtrees included."""
    found: list[Token] = []
    for item in stack:
        if isinstance(item, Token):
            found.append(item)
        elif isinstance(item, Tree):
            found.extend(t for t in item.scan_values(lambda v: isinstance(v, Token)))
    return found
