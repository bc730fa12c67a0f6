"""Why a contact is, or is not, in a segment.

For a rule segment every condition is shown with the contact's value (a field, or a metric
such as ``orders.count in last 90 days = 3``) and whether it held, inside the and/or/not
structure with each group's result; a filtered metric (``orders(product = "Kit").count``)
also lists the orders it counted, with their matching products; then the pins, which
override the rule. Results come from the reference evaluator
(:func:`segdesk.rules.matches`), which the SQL is held to, so the verdict is what a refresh
on the same day gives. A static segment is its frozen list; a
model segment is the scheme's verdict, shown with the contact's order figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row, func, select

from segdesk.rules import (
    And,
    DatabaseSegments,
    FieldCatalog,
    InModel,
    InSegment,
    MetricCompare,
    Not,
    Or,
    Rule,
    check,
    matches,
    metric_value,
    model_key,
    to_text,
)
from segdesk.rules.evaluator import matching_orders
from segdesk.rules.printer import metric_text
from segdesk.rules.tree import Compare, Metric, walk
from segdesk.segments.contact_ref import find_contact
from segdesk.segments.lookup import find_segment, stored_rule
from segdesk.segments.members import is_member
from segdesk.segments.pins import pin_of
from segdesk.store.fields import CORE_FIELD_NAMES
from segdesk.store.order_status import is_counted
from segdesk.store.tables import (
    Contact,
    Event,
    ModelRun,
    OrderLine,
    Scheme,
    Segment,
    SegmentMember,
)

contact = Contact.__table__
event = Event.__table__
order_line = OrderLine.__table__
segment = Segment.__table__
member = SegmentMember.__table__
scheme = Scheme.__table__


@dataclass(frozen=True)
class MatchedOrder:
    """An order (or event) that a filtered metric counted for the contact: its day, reference,
    the products of its matching lines, and the amount it counted with."""

    day: dt.date
    ref: str | None
    products: tuple[str, ...]
    amount: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "ref": self.ref,
            "products": list(self.products),
            "amount": self.amount,
        }

    def line(self) -> str:
        products = ", ".join(self.products) or "no lines"
        ref = self.ref or "no reference"
        return f"{self.day.isoformat()}  {ref}  {products}  {_shown(self.amount)}"


@dataclass(frozen=True)
class Check:
    """One node of the rule: a condition with the contact's value, or a group of checks.

    A condition on a filtered metric (``orders(product = "Kit").count >= 1``) also lists the
    orders it counted, latest first."""

    kind: str
    """``condition``, ``and``, ``or`` or ``not``."""
    text: str
    held: bool
    value: str | None = None
    items: tuple[Check, ...] = ()
    orders: tuple[MatchedOrder, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "text": self.text, "held": self.held}
        if self.kind == "condition":
            data["value"] = self.value
            if self.orders is not None:
                data["orders"] = [o.to_json() for o in self.orders]
        else:
            data["items"] = [i.to_json() for i in self.items]
        return data

    def lines(self, depth: int = 0) -> list[str]:
        mark = "✓" if self.held else "✗"
        pad = "  " * depth
        if self.kind == "condition":
            shown = [f"{pad}{mark} {self.text}   ({self.value})"]
            return shown + [f"{pad}    · {o.line()}" for o in self.orders or ()]
        head = {"and": "all of", "or": "any of", "not": "not"}[self.kind]
        out = [f"{pad}{mark} {head}:"]
        for item in self.items:
            out.extend(item.lines(depth + 1))
        return out


@dataclass(frozen=True)
class Explanation:
    """The verdict on one contact and one segment, with the reasons."""

    segment: str
    kind: str
    contact_id: int
    contact: str
    verdict: bool
    """In the segment by its definition today: the rule with the pins, the list, the model."""
    member: bool
    """In the stored members (as of the last refresh)."""
    reasons: list[str] = field(default_factory=list)
    rule: Check | None = None
    rule_held: bool | None = None
    pin: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "kind": self.kind,
            "contact_id": self.contact_id,
            "contact": self.contact,
            "verdict": self.verdict,
            "member": self.member,
            "rule_held": self.rule_held,
            "pin": self.pin,
            "reasons": list(self.reasons),
            "rule": self.rule.to_json() if self.rule else None,
        }

    def lines(self) -> list[str]:
        word = "in" if self.verdict else "not in"
        out = [f'{self.contact} is {word} "{self.segment}"']
        if self.rule is not None:
            out.extend(self.rule.lines(1))
        out.extend(f"  · {reason}" for reason in self.reasons)
        return out


def explain(
    conn: Connection, segment_name: str, contact_ref: str | int, *, today: dt.date
) -> Explanation:
    row = find_segment(conn, segment_name)
    contact_id = find_contact(conn, contact_ref)
    person = _contact(conn, contact_id)
    label = person.get("email") or person.get("external_id") or f"contact {contact_id}"
    stored = is_member(conn, row.id, contact_id)
    base = {
        "segment": row.name,
        "kind": row.kind,
        "contact_id": contact_id,
        "contact": label,
        "member": stored,
    }
    if row.kind == "rule":
        return _explain_rule(conn, row, person, today, base)
    if row.kind == "model":
        return Explanation(
            verdict=stored, reasons=_model_reasons(conn, row, person, stored), **base
        )
    return Explanation(verdict=stored, reasons=[_static_reason(row, stored)], **base)


@dataclass(frozen=True)
class _Facts:
    """What the evaluator needs about one contact, and where it sits in each model."""

    person: dict[str, Any]
    events: list[dict[str, Any]]
    today: dt.date
    memberships: dict[str, set[int]]
    model_places: dict[str, str | None]

    def holds(self, rule: Rule) -> bool:
        return matches(rule, self.person, self.events, self.today, self.memberships)


def _explain_rule(
    conn: Connection, row: Row[Any], person: dict[str, Any], today: dt.date, base: dict[str, Any]
) -> Explanation:
    rule = stored_rule(row)
    assert rule is not None
    check(rule, FieldCatalog.from_connection(conn))
    facts = _Facts(
        person,
        _events(conn, person["id"]),
        today,
        _memberships(conn, rule, person["id"]),
        _model_places(conn, rule, person["id"]),
    )
    tree = _check(rule, facts)
    pinned = pin_of(conn, row.id, person["id"])
    verdict = tree.held
    reasons = [f"the rule {'holds' if tree.held else 'does not hold'} on {today.isoformat()}"]
    if pinned is not None:
        verdict = pinned.mode == "include"
        note = f" ({pinned.note})" if pinned.note else ""
        reasons.append(
            f"pinned to {'always include' if verdict else 'always exclude'}{note}: "
            "the pin overrides the rule"
        )
    if row.status == "retired":
        reasons.append("the segment is retired: its members are not refreshed")
    elif verdict != base["member"]:
        reasons.append("the stored members differ: they change at the next refresh")
    return Explanation(
        verdict=verdict,
        reasons=reasons,
        rule=tree,
        rule_held=tree.held,
        pin=pinned.mode if pinned else None,
        **base,
    )


def _check(rule: Rule, facts: _Facts) -> Check:
    if isinstance(rule, And | Or | Not):
        children = rule.items if isinstance(rule, And | Or) else (rule.item,)
        items = tuple(_check(i, facts) for i in children)
        kind = {And: "and", Or: "or", Not: "not"}[type(rule)]
        return Check(kind, to_text(rule), facts.holds(rule), items=items)
    orders = None
    if isinstance(rule, MetricCompare) and rule.metric.where is not None:
        orders = _matched(rule.metric, facts)
    return Check(
        "condition", to_text(rule), facts.holds(rule), value=_value(rule, facts), orders=orders
    )


def _matched(metric: Metric, facts: _Facts) -> tuple[MatchedOrder, ...]:
    """The orders a filtered metric counts for the contact, latest first, each with the
    products of its matching lines (the reference evaluator decides which match)."""
    found = matching_orders(metric, facts.person, facts.events, facts.today)
    shown = [
        MatchedOrder(
            _day(e["occurred_at"]),
            e.get("ref"),
            tuple(
                ln.get("product") or ln.get("sku") or "?"
                for ln in e.get("lines") or ()
                if ln["line_no"] in _matching_line_numbers(metric, e, facts)
            ),
            amount,
        )
        for e, amount in found
    ]
    return tuple(sorted(shown, key=lambda o: o.day, reverse=True))


def _matching_line_numbers(metric: Metric, event: Mapping[str, Any], facts: _Facts) -> set[int]:
    """The lines of one order that the metric's filter keeps, found by asking the evaluator
    about the order with each line alone."""
    kept = set()
    for line in event.get("lines") or ():
        alone = {**event, "lines": [line]}
        if matching_orders(metric, facts.person, [alone], facts.today):
            kept.add(line["line_no"])
    return kept


def _value(rule: Rule, facts: _Facts) -> str:
    person = facts.person
    if isinstance(rule, Compare):
        raw = (
            person[rule.field]
            if rule.field in person
            else ((person.get("attributes") or {}).get(rule.field))
        )
        return f"{rule.field} = {_shown(raw)}"
    if isinstance(rule, MetricCompare):
        value = metric_value(rule.metric, person, facts.events, facts.today)
        return f"{metric_text(rule.metric)} = {_shown(value)}"
    if isinstance(rule, InSegment):
        inside = person["id"] in facts.memberships.get(rule.name, set())
        return f'{"member" if inside else "not a member"} of "{rule.name}"'
    assert isinstance(rule, InModel)
    place = facts.model_places.get(rule.model)
    return f'{rule.model} = "{place}"' if place else f"in no {rule.model} segment"


def _shown(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "missing"
    if isinstance(value, dt.datetime):
        return _utc(value).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _contact(conn: Connection, contact_id: int) -> dict[str, Any]:
    row = conn.execute(select(contact).where(contact.c.id == contact_id)).one()._mapping
    person = {name: row[name] for name in CORE_FIELD_NAMES}
    person["id"] = contact_id
    person["attributes"] = dict(row["attributes"] or {})
    return person


def _events(conn: Connection, contact_id: int) -> list[dict[str, Any]]:
    """The contact's events as the evaluator reads them: with status, attributes and, for
    orders, their lines."""
    rows = conn.execute(
        select(
            event.c.id,
            event.c.kind,
            event.c.occurred_at,
            event.c.amount,
            event.c.status,
            event.c.attributes,
            event.c.ref,
        ).where(event.c.contact_id == contact_id)
    )
    events = {r.id: {**r._mapping, "lines": []} for r in rows}
    lines = conn.execute(
        select(order_line)
        .where(order_line.c.contact_id == contact_id)
        .order_by(order_line.c.event_id, order_line.c.line_no)
    )
    for line in lines:
        if line.event_id in events:
            events[line.event_id]["lines"].append(dict(line._mapping))
    return list(events.values())


def _memberships(conn: Connection, rule: Rule, contact_id: int) -> dict[str, set[int]]:
    """Whether the contact is in each segment the rule names, keyed as ``matches`` wants."""
    resolver = DatabaseSegments(conn)
    found: dict[str, set[int]] = {}
    for node in walk(rule):
        if isinstance(node, InSegment):
            found[node.name] = _member_set(conn, resolver.segment_id(node.name), contact_id)
        elif isinstance(node, InModel):
            for name in node.names:
                segment_id = resolver.model_segment_id(node.model, name)
                found[model_key(node.model, name)] = _member_set(conn, segment_id, contact_id)
    return found


def _model_places(conn: Connection, rule: Rule, contact_id: int) -> dict[str, str | None]:
    """For each model the rule names, the model's name for the segment the contact is in."""
    places: dict[str, str | None] = {}
    for node in walk(rule):
        if isinstance(node, InModel) and node.model not in places:
            rows = conn.execute(
                select(segment.c.name, segment.c.definition)
                .join(member, member.c.segment_id == segment.c.id)
                .join(scheme, scheme.c.id == segment.c.scheme_id)
                .where(
                    func.lower(scheme.c.name) == node.model.lower(),
                    segment.c.deleted_at.is_(None),
                    member.c.contact_id == contact_id,
                )
            ).all()
            names = [(r.definition or {}).get("model_segment", r.name) for r in rows]
            places[node.model] = ", ".join(sorted(names)) or None
    return places


def _member_set(conn: Connection, segment_id: int, contact_id: int) -> set[int]:
    return {contact_id} if is_member(conn, segment_id, contact_id) else set()


def _static_reason(row: Row[Any], stored: bool) -> str:
    source = (row.definition or {}).get("static", {})
    origin = {
        "rule": f"made from the rule {row.rule_text} as of {source.get('as_of')}",
        "segment": f'made from the members of "{source.get("segment")}"',
        "list": "made from a list of contacts",
        "overlap": f"made from the people {_overlap_part(source)}",
    }.get(source.get("from"), "a fixed list")
    where = "in" if stored else "not in"
    return f"{where} the frozen list ({origin}); a static segment does not change on refresh"


def _overlap_part(source: dict[str, Any]) -> str:
    """Which people of two segments an overlap drill-down saved, in words."""
    a, b = source.get("a"), source.get("b")
    return {
        "both": f'in both "{a}" and "{b}"',
        "only_a": f'in "{a}" but not in "{b}"',
        "only_b": f'in "{b}" but not in "{a}"',
    }.get(source.get("people", ""), f'of "{a}" and "{b}"')


def _model_reasons(
    conn: Connection, row: Row[Any], person: dict[str, Any], stored: bool
) -> list[str]:
    scheme_row = conn.execute(select(scheme).where(scheme.c.id == row.scheme_id)).first()
    scheme_name = scheme_row.name if scheme_row else "model"
    runs = ModelRun.__table__
    run = conn.execute(
        select(runs.c.as_of, runs.c.breakpoints)
        .where(runs.c.scheme_id == row.scheme_id)
        .order_by(runs.c.id.desc())
        .limit(1)
    ).first()
    model_name = (row.definition or {}).get("model_segment", row.name)
    when = f" as of {run.as_of.isoformat()}" if run else ""
    reasons = [
        f"{'member' if stored else 'not a member'} of the {scheme_name} scheme's "
        f'"{model_name}"{when}'
    ]
    current = conn.execute(
        select(segment.c.name)
        .join(member, member.c.segment_id == segment.c.id)
        .where(segment.c.scheme_id == row.scheme_id, member.c.contact_id == person["id"])
    ).scalar_one_or_none()
    if not stored and current:
        reasons.append(f'the {scheme_name} scheme puts this contact in "{current}"')
    if run is not None:
        reasons.append(_order_figures(conn, person["id"], run.as_of, scheme_row, run))
    return reasons


def _order_figures(
    conn: Connection, contact_id: int, as_of: dt.date, scheme_row: Any, run: Any
) -> str:
    orders = [
        e
        for e in _events(conn, contact_id)
        if e["kind"] == "order" and _day(e["occurred_at"]) <= as_of and is_counted(e["status"])
    ]
    if not orders:
        return f"no orders up to {as_of.isoformat()}"
    recency = (as_of - max(_day(e["occurred_at"]) for e in orders)).days
    total = sum(e["amount"] for e in orders if e["amount"] is not None)
    figures = f"last order {recency} days before, {len(orders)} orders, total {_shown(total)}"
    points = run.breakpoints or {}
    if scheme_row is not None and scheme_row.kind == "rfm" and points.get("recency"):
        r = 5 - _below(points["recency"], recency)
        f = 1 + _below(points["frequency"], len(orders))
        m = 1 + _below(points["monetary"], round(total, 6))
        figures += f"; RFM scores r={r}, f={f}, m={m}"
    return figures


def _below(points: list[float], value: float) -> int:
    """How many breakpoints lie strictly below ``value``, as the RFM scores count them."""
    return sum(1 for p in points if p < value)


def _day(when: dt.datetime) -> dt.date:
    return _utc(when).date()


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
