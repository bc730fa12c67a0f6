"""Segment profiles: each segment beside all contacts, and the values that set it apart.

Figures (``Figures``) for a segment and for everyone: people, their share of all contacts,
revenue and its share, average order value, orders per person, the median days since the
last order and the consent mix. Orders are those that count (``store.order_status``: no
refunds, voids or cancellations) up to the end of ``today`` (UTC), as the models read them.

What sets a segment apart (``Standout``): values of category-like fields (country, region,
city, source, consent; custom category and yes/no fields, and custom text fields with at most
``MAX_VALUES`` distinct values) and products bought, held by a larger share of the segment
than of everyone. A value is kept when at least ``MIN_PEOPLE`` members have it and its share
is at least ``MIN_LIFT`` times everyone's; kept values are ranked by their excess people (the
members with it beyond those everyone's share would give), so that a broad difference comes
before a rare value that one odd person makes look large.

Everything is counted in SQL, grouped by segment: the orders are read once per query for
every segment asked, and no member list comes into Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    FromClause,
    func,
    literal,
    literal_column,
    select,
    true,
    union_all,
)

from segdesk.analysis.products import LINE_PRODUCT
from segdesk.jobs import CancelCheck, Job, Progress
from segdesk.segments.lookup import find_segment, list_segments
from segdesk.store.fields import stored_fields
from segdesk.store.number_rows import utc_day_number
from segdesk.store.order_status import counted
from segdesk.store.tables import Contact, Event, OrderLine, Scheme, Segment, SegmentMember

contact = Contact.__table__
event = Event.__table__
line = OrderLine.__table__
member = SegmentMember.__table__
segment = Segment.__table__
scheme = Scheme.__table__

DASH = "\N{EN DASH}"
"""Shown for a figure with nothing to divide by."""
EVERYONE = -1
"""The group id of all contacts beside the segments' ids (which start at 1)."""
MIN_PEOPLE = 5
"""Members that must have a value before it can set the segment apart."""
MIN_LIFT = 1.5
"""How many times everyone's share the segment's share must be."""
MAX_VALUES = 50
"""Distinct values a custom text field may have and still be compared (more: names, notes)."""
APART_LIMIT = 10
"""Values that set a segment apart, kept in a profile."""
CORE_CATEGORIES = ("country", "region", "city", "source", "consent")
PRODUCT = "product"
KNOWN_CONSENT = ("subscribed", "unsubscribed")
ORDER_KIND = "order"


@dataclass(frozen=True)
class ConsentMix:
    subscribed: int
    unsubscribed: int
    unknown: int
    """Unknown, or any value other than subscribed and unsubscribed."""

    def to_json(self) -> dict[str, int]:
        return {
            "subscribed": self.subscribed,
            "unsubscribed": self.unsubscribed,
            "unknown": self.unknown,
        }


@dataclass(frozen=True)
class Figures:
    """One group of contacts (a segment, or everyone) and its orders that count."""

    size: int
    share: float | None
    """Of all contacts."""
    buyers: int
    """People with at least one order."""
    orders: int
    revenue: float
    revenue_share: float | None
    """Of everyone's revenue."""
    average_order_value: float | None
    """Revenue over orders (an order without an amount counts, adding nothing)."""
    orders_per_person: float | None
    """Orders over every person, those without orders included."""
    median_days_since_last_order: float | None
    """Over the people with orders; those without are left out (see ``without_orders``)."""
    consent: ConsentMix

    @property
    def without_orders(self) -> int:
        return self.size - self.buyers

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "share": self.share,
            "buyers": self.buyers,
            "without_orders": self.without_orders,
            "orders": self.orders,
            "revenue": self.revenue,
            "revenue_share": self.revenue_share,
            "average_order_value": self.average_order_value,
            "orders_per_person": self.orders_per_person,
            "median_days_since_last_order": self.median_days_since_last_order,
            "consent": self.consent.to_json(),
        }


@dataclass(frozen=True)
class Standout:
    """A value held by a larger share of the segment than of everyone."""

    field: str
    """The field's name (``country``, a custom field's name), or ``product``."""
    label: str
    value: str
    count: int
    """Members with the value (for a product: members who bought it)."""
    share: float
    everyone_count: int
    everyone_share: float
    lift: float
    """``share / everyone_share``."""
    excess: float
    """Members with it beyond those everyone's share would give: the rank."""

    @property
    def what(self) -> str:
        """ "Country is DE", "Bought Cold Brew Kit"."""
        if self.field == PRODUCT:
            return f"Bought {self.value}"
        return f"{self.label} is {self.value}"

    def sentence(self) -> str:
        """ "Country is DE: 31% vs 12% of everyone, 2.6x"."""
        return (
            f"{self.what}: {percent(self.share)} vs {percent(self.everyone_share)} of "
            f"everyone, {self.lift:.1f}x"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "value": self.value,
            "count": self.count,
            "share": self.share,
            "everyone_count": self.everyone_count,
            "everyone_share": self.everyone_share,
            "lift": self.lift,
        }


@dataclass(frozen=True)
class SegmentProfile:
    segment_id: int
    name: str
    scheme: str | None
    today: dt.date
    segment: Figures
    everyone: Figures
    apart: list[Standout]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "scheme": self.scheme,
            "today": self.today.isoformat(),
            "segment": self.segment.to_json(),
            "everyone": self.everyone.to_json(),
            "apart": [s.to_json() for s in self.apart],
            "apart_rule": {"min_people": MIN_PEOPLE, "min_lift": MIN_LIFT},
        }


@dataclass(frozen=True)
class ProfileTable:
    """Several segments' profiles read together, and everyone's figures once."""

    today: dt.date
    everyone: Figures
    profiles: list[SegmentProfile]

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "everyone": self.everyone.to_json(),
            "segments": [p.to_json() for p in self.profiles],
        }


@dataclass(frozen=True)
class CategoryField:
    """A field whose values are compared: a contact column or a custom attribute."""

    name: str
    label: str
    value: ColumnElement[Any]
    yes_no: bool = False


def percent(share: float | None) -> str:
    """31%, 2.5%, 0.4%: whole percents from 10%, one decimal below."""
    if share is None:
        return DASH
    shown = share * 100
    if shown >= 10 or shown == 0:
        return f"{shown:.0f}%"
    return f"{shown:.1f}%"


def money(value: float | None) -> str:
    return DASH if value is None else f"{value:,.2f}"


def figure(value: float | None, decimals: int = 1) -> str:
    """A figure with ``decimals`` (none when whole), or a dash."""
    if value is None:
        return DASH
    return f"{value:,.0f}" if value == int(value) else f"{value:,.{decimals}f}"


def _with_share(n: int, size: int) -> str:
    return f"{percent(_ratio(n, size))} ({n:,})" if size else f"{n:,}"


def comparison_rows(profile: SegmentProfile) -> list[tuple[str, str, str]]:
    """(measure, this segment, everyone) in words, as the command line, the app and the
    playbook show a profile."""
    rows = []
    for label, shown in (
        ("People", lambda f: f"{f.size:,}"),
        ("Share of contacts", lambda f: percent(f.share)),
        ("Revenue", lambda f: money(f.revenue)),
        ("Share of revenue", lambda f: percent(f.revenue_share)),
        ("Average order value", lambda f: money(f.average_order_value)),
        ("Orders per person", lambda f: figure(f.orders_per_person)),
        ("Median days since last order", lambda f: figure(f.median_days_since_last_order)),
        ("People without orders", lambda f: _with_share(f.without_orders, f.size)),
        ("Subscribed", lambda f: _with_share(f.consent.subscribed, f.size)),
        ("Unsubscribed", lambda f: _with_share(f.consent.unsubscribed, f.size)),
        ("Consent unknown", lambda f: _with_share(f.consent.unknown, f.size)),
    ):
        rows.append((label, shown(profile.segment), shown(profile.everyone)))
    return rows


APART_RULE = (
    f"Values at least {MIN_PEOPLE} members have, at least {MIN_LIFT:g} times as common as "
    "among everyone, the most extra people first."
)
"""The "sets it apart" rule in a sentence, under the list."""


def profile_table(
    conn: Connection,
    segment_ids: Sequence[int],
    today: dt.date,
    *,
    limit: int = APART_LIMIT,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> ProfileTable:
    """The profiles of ``segment_ids`` (in that order) beside everyone, as of ``today``.
    Progress counts the queries (the orders, each field, the products); a cancel stops
    between two, where nothing has been written."""
    ids = list(dict.fromkeys(segment_ids))
    names = _names(conn, ids)
    fields = category_fields(conn)
    job = Job(progress, cancelled, total=len(fields) + 2)
    job.check()
    orders = _order_figures(conn, ids, today)
    job.step("orders")
    counts = {}
    for f in fields:
        counts[f.name] = _value_counts(conn, ids, f)
        job.step(f.label)
    consent = {g: _consent(counts["consent"].get(g, {})) for g in (EVERYONE, *ids)}
    everyone = _figures(orders.get(EVERYONE), consent[EVERYONE], None, today)
    products = _product_buyers(conn, ids, today)
    job.step("products")
    profiles = []
    for segment_id in ids:
        figures = _figures(orders.get(segment_id), consent[segment_id], everyone, today)
        apart = standouts(
            figures.size,
            everyone.size,
            [(f.name, f.label, counts[f.name]) for f in fields] + [(PRODUCT, "Product", products)],
            segment_id,
        )
        name, scheme_name = names[segment_id]
        profiles.append(
            SegmentProfile(segment_id, name, scheme_name, today, figures, everyone, apart[:limit])
        )
    return ProfileTable(today, everyone, profiles)


def segment_profile(
    conn: Connection, segment_id: int, today: dt.date, *, limit: int = APART_LIMIT
) -> SegmentProfile:
    return profile_table(conn, [segment_id], today, limit=limit).profiles[0]


def named_profiles(
    conn: Connection,
    names: Sequence[str] | None,
    today: dt.date,
    *,
    limit: int = APART_LIMIT,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> ProfileTable:
    """The profiles of the segments ``names`` (ignoring case, "scheme: name" where two
    schemes share a name); ``None``: every active segment, as the segments list orders them."""
    if names is None:
        ids = [s.id for s in list_segments(conn) if s.status == "active"]
    else:
        ids = [find_segment(conn, n).id for n in names]
    return profile_table(conn, ids, today, limit=limit, progress=progress, cancelled=cancelled)


def category_fields(conn: Connection) -> list[CategoryField]:
    """The fields a profile compares: the core ones named in ``CORE_CATEGORIES``, custom
    category and yes/no fields, and custom text fields with at most ``MAX_VALUES`` values."""
    fields = stored_fields(conn)
    labels = {f.name: f.label for f in fields}
    found = [CategoryField(n, labels.get(n, n.title()), contact.c[n]) for n in CORE_CATEGORIES]
    custom = [f for f in fields if f.origin == "custom" and f.type in ("text", "category", "bool")]
    values = {f.name: _attribute(f.name) for f in custom}
    text = [f.name for f in custom if f.type == "text"]
    if text:
        distinct = conn.execute(select(*(func.count(values[n].distinct()) for n in text))).one()
        few = {n for n, d in zip(text, distinct, strict=True) if d <= MAX_VALUES}
    else:
        few = set()
    for f in custom:
        if f.type != "text" or f.name in few:
            label = f.label if f.label != f.name else f.name.replace("_", " ").capitalize()
            found.append(CategoryField(f.name, label, values[f.name], f.type == "bool"))
    return found


def _attribute(name: str) -> ColumnElement[Any]:
    value: ColumnElement[Any] = contact.c.attributes[name].as_string()
    return value


def _names(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    rows = conn.execute(
        select(segment.c.id, segment.c.name, scheme.c.name)
        .select_from(segment.outerjoin(scheme, scheme.c.id == segment.c.scheme_id))
        .where(segment.c.id.in_(ids))
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def _by_group(
    source: FromClause,
    contact_id: ColumnElement[Any],
    columns: Sequence[ColumnElement[Any]],
    measures: Sequence[ColumnElement[Any]],
    ids: Sequence[int],
    where: ColumnElement[bool] | None = None,
) -> CompoundSelect:
    """``measures`` per group and ``columns``: over all of ``source`` for ``EVERYONE``, and
    over the rows of each segment's members (found through the member table's indexes:
    ``source`` is never joined to another subquery) under the segment's id."""
    kept = true() if where is None else where
    everyone = select(literal(EVERYONE), *columns, *measures).select_from(source).where(kept)
    members = (
        select(member.c.segment_id, *columns, *measures)
        .select_from(source.join(member, member.c.contact_id == contact_id))
        .where(member.c.segment_id.in_(list(ids)), kept)
    )
    return union_all(
        everyone.group_by(*columns) if columns else everyone,
        members.group_by(member.c.segment_id, *columns),
    )


def _day_end(today: dt.date) -> dt.datetime:
    """Orders up to the end of ``today`` (UTC) count, as in the models."""
    return dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def _sizes(conn: Connection, ids: Sequence[int]) -> dict[int, int]:
    """People per group, from the member table's key alone."""
    query = _by_group(contact, contact.c.id, [], [func.count()], ids)
    return {group_id: size for group_id, size in conn.execute(query)}


@dataclass
class _Orders:
    size: int = 0
    buyers: int = 0
    orders: int = 0
    revenue: float = 0.0
    last_days: list[tuple[int, int]] = field(default_factory=list)
    """(days since the last order, people) for the people with orders."""


def _order_figures(conn: Connection, ids: Sequence[int], today: dt.date) -> dict[int, _Orders]:
    """Per group: people, buyers, orders, revenue and the days since the last order, counted
    by day: each contact's orders summed once (one pass over the orders), then summed per
    group and day of the last order."""
    # ``contact_id + 0`` and ``kind || ''`` keep SQLite from reading the orders through an
    # index in random order when it has to read nearly all of them anyway (as in
    # models.orders): a scan and a sort are several times faster.
    who = (event.c.contact_id + literal_column("0")).label("contact_id")
    per_contact = (
        select(
            who,
            func.count().label("orders"),
            func.coalesce(func.sum(event.c.amount), 0.0).label("revenue"),
            utc_day_number(func.max(event.c.occurred_at)).label("last_day"),
        )
        .where(
            event.c.kind.concat(literal_column("''")) == ORDER_KIND,
            event.c.occurred_at < _day_end(today),
            counted(event.c.status),
        )
        .group_by(who)
        .cte("per_contact")
    )
    query = _by_group(
        per_contact,
        per_contact.c.contact_id,
        [per_contact.c.last_day],
        [func.count(), func.sum(per_contact.c.orders), func.sum(per_contact.c.revenue)],
        ids,
    )
    found: dict[int, _Orders] = defaultdict(_Orders)
    for group_id, size in _sizes(conn, ids).items():
        found[group_id].size = size
    today_number = (today - dt.date(1970, 1, 1)).days
    for group_id, last_day, buyers, orders, revenue in conn.execute(query):
        figures = found[group_id]
        figures.buyers += buyers
        figures.orders += orders
        figures.revenue += revenue
        figures.last_days.append((today_number - last_day, buyers))
    return found


def median_of_counts(counted_values: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times), the mean of the two middle
    values for an even count (as pandas does); ``None`` for none."""
    pairs = sorted(counted_values)
    total = sum(n for _, n in pairs)
    if total == 0:
        return None
    low_at, high_at = (total - 1) // 2, total // 2
    low = high = None
    seen = 0
    for value, n in pairs:
        if low is None and low_at < seen + n:
            low = value
        if high_at < seen + n:
            high = value
            break
        seen += n
    assert low is not None and high is not None
    return (low + high) / 2


def _figures(
    orders: _Orders | None, consent: ConsentMix, everyone: Figures | None, today: dt.date
) -> Figures:
    found = orders or _Orders()
    revenue = round(found.revenue, 2)
    return Figures(
        size=found.size,
        share=_ratio(found.size, everyone.size) if everyone else (1.0 if found.size else None),
        buyers=found.buyers,
        orders=found.orders,
        revenue=revenue,
        revenue_share=_ratio(found.revenue, everyone.revenue if everyone else found.revenue),
        average_order_value=_ratio(found.revenue, found.orders),
        orders_per_person=_ratio(found.orders, found.size),
        median_days_since_last_order=median_of_counts(found.last_days),
        consent=consent,
    )


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _consent(counts: Mapping[str, int]) -> ConsentMix:
    subscribed, unsubscribed = counts.get("subscribed", 0), counts.get("unsubscribed", 0)
    unknown = sum(n for value, n in counts.items() if value not in KNOWN_CONSENT)
    return ConsentMix(subscribed, unsubscribed, unknown)


ValueCounts = dict[int, dict[str, int]]
"""Group id → value → people."""


def _value_counts(conn: Connection, ids: Sequence[int], field: CategoryField) -> ValueCounts:
    """People per group and value of one field; blank values left out."""
    value = field.value
    query = _by_group(contact, contact.c.id, [value], [func.count()], ids, value.is_not(None))
    found: ValueCounts = defaultdict(dict)
    for group_id, raw, people in conn.execute(query):
        shown = _shown(raw, field.yes_no)
        if shown:
            counts = found[group_id]
            counts[shown] = counts.get(shown, 0) + people
    return found


def _shown(raw: Any, yes_no: bool) -> str:
    """A stored value as a profile names it: trimmed text; yes or no for a yes/no field."""
    if yes_no:
        return "yes" if raw in (1, True, "1", "true") else "no"
    return str(raw).strip()


def _product_buyers(conn: Connection, ids: Sequence[int], today: dt.date) -> ValueCounts:
    """People per group who bought each product, from the lines of orders that count; each
    contact's products are found once (one pass over the lines), then counted per group."""
    who = (line.c.contact_id + literal_column("0")).label("contact_id")
    bought = (
        select(who, LINE_PRODUCT.label("product"))
        .select_from(line.join(event, event.c.id == line.c.event_id))
        .where(event.c.occurred_at < _day_end(today), counted(event.c.status))
        .distinct()
        .cte("bought")
    )
    query = _by_group(bought, bought.c.contact_id, [bought.c.product], [func.count()], ids)
    found: ValueCounts = defaultdict(dict)
    for group_id, product, people in conn.execute(query):
        found[group_id][product] = people
    return found


def standouts(
    size: int,
    everyone_size: int,
    fields: Iterable[tuple[str, str, ValueCounts]],
    segment_id: int,
) -> list[Standout]:
    """The values that set segment ``segment_id`` apart, the largest excess first (ties: the
    larger lift, then field and value)."""
    if not size or not everyone_size:
        return []
    found = []
    for name, label, counts in fields:
        everyone = counts.get(EVERYONE, {})
        for value, n in counts.get(segment_id, {}).items():
            all_n = everyone.get(value, 0)
            if n < MIN_PEOPLE or not all_n:
                continue
            share, all_share = n / size, all_n / everyone_size
            lift = share / all_share
            if lift < MIN_LIFT:
                continue
            found.append(
                Standout(name, label, value, n, share, all_n, all_share, lift, n - size * all_share)
            )
    return sorted(found, key=lambda s: (-s.excess, -s.lift, s.field, s.value))
