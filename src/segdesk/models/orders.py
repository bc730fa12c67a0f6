"""The counted orders as columns, and the per-contact figures the RFM and lifecycle models
score: one reader and one sum for a run as of one day and for a backtest over many
(:mod:`segdesk.models.history`).

The orders are read once, in one pass, with the fewest bytes: per order one integer that
holds the contact and the UTC day, and the amount (:func:`read_orders`); the figures per
contact are then sums over arrays (numpy ``bincount`` and ``minimum.at``), not SQL grouping
read row by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, literal, select

from segdesk.store.number_rows import number_columns, utc_day_number
from segdesk.store.order_status import counted
from segdesk.store.tables import Contact, Event

contact = Contact.__table__
event = Event.__table__

MONEY_DECIMALS = 6
EPOCH = dt.date(1970, 1, 1)
DAY_BITS = 20
"""An order's contact and day travel as one integer: ``contact_id << 20 | day + 2**19``."""
DAY_OFFSET = 1 << (DAY_BITS - 1)
NO_DAY = np.iinfo(np.int32).max
"""The first-order day of a contact without orders yet (above every real day)."""


def day_end(as_of: dt.date) -> dt.datetime:
    """Orders up to the end of ``as_of`` (UTC) count; later ones are ignored."""
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01: how order days are held."""
    return (day - EPOCH).days


@dataclass(frozen=True)
class Orders:
    """Every contact's id (ascending) and the counted orders up to a day, as columns: each
    order's contact (its position in ``contacts``), UTC day number and amount (0 for none)."""

    contacts: np.ndarray
    who: np.ndarray
    days: np.ndarray
    amounts: np.ndarray


def read_orders(conn: Connection, until: dt.date) -> Orders:
    """Every contact, and the orders up to the end of ``until`` that count: refunded, voided
    and cancelled orders are left out (:mod:`segdesk.store.order_status`), a refund is not a
    purchase."""
    [contacts] = number_columns(conn, select(contact.c.id), [False])
    contacts.sort()
    packed, amounts = number_columns(
        conn,
        select(
            event.c.contact_id * literal(1 << DAY_BITS)
            + utc_day_number(event.c.occurred_at)
            + literal(DAY_OFFSET),
            func.coalesce(event.c.amount, 0.0),
        ).where(
            event.c.kind == "order",
            event.c.occurred_at < day_end(until),
            counted(event.c.status),
        ),
        [False, True],
    )
    ids = packed >> DAY_BITS
    days = (packed & ((1 << DAY_BITS) - 1)) - DAY_OFFSET
    who = positions(contacts, ids)
    # Orders of a contact that is gone (possible only with foreign keys off) count for no one.
    known = who >= 0
    return Orders(contacts, who[known], days[known].astype(np.int32), amounts[known])


def positions(contacts: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The position of each id in ``contacts`` (sorted), -1 for an id not there. Ids made by
    the database are dense: a table indexed by id looks them up at memory speed, where a
    binary search over a million contacts costs ten times more; sparse ids take the search."""
    if len(contacts) == 0:
        return np.full(len(ids), -1, dtype=np.int64)
    top = int(contacts[-1])
    if int(contacts[0]) >= 0 and top <= 4 * len(contacts) + 1024:
        table = np.full(top + 2, -1, dtype=np.int64)
        table[contacts] = np.arange(len(contacts))
        return table[np.clip(ids, -1, top + 1)]
    found = np.minimum(np.searchsorted(contacts, ids), len(contacts) - 1)
    return np.where(contacts[found] == ids, found, -1)


@dataclass(frozen=True)
class Buyers:
    """The contacts with orders up to a day (positions in ``Orders.contacts``) and their
    figures, as fresh arrays. Totals are rounded to a millionth: sums of the same amounts in
    another order can differ in the last binary digit, and equal totals must compare equal
    (they must share a score)."""

    day: int
    positions: np.ndarray
    frequency: np.ndarray
    monetary: np.ndarray
    first: np.ndarray
    last: np.ndarray
    """Day numbers of each buyer's first and last order."""

    @property
    def days_since_first(self) -> np.ndarray:
        return (self.day - self.first).astype(np.int64)

    @property
    def days_since_last(self) -> np.ndarray:
        return (self.day - self.last).astype(np.int64)


class Figures:
    """Running per-contact figures: orders added in any number of steps, in any order."""

    def __init__(self, size: int) -> None:
        self.frequency = np.zeros(size, dtype=np.int64)
        self.monetary = np.zeros(size, dtype=np.float64)
        self.first = np.full(size, NO_DAY, dtype=np.int32)
        self.last = np.full(size, -1, dtype=np.int32)

    def add(self, who: np.ndarray, days: np.ndarray, amounts: np.ndarray) -> None:
        size = len(self.frequency)
        self.frequency += np.bincount(who, minlength=size)
        self.monetary += np.bincount(who, weights=amounts, minlength=size)
        np.minimum.at(self.first, who, days)
        np.maximum.at(self.last, who, days)

    def buyers(self, day: dt.date) -> Buyers:
        """Everyone with an order added so far, with figures as of ``day``."""
        positions = np.flatnonzero(self.frequency)
        return Buyers(
            day=day_number(day),
            positions=positions,
            frequency=self.frequency[positions],
            monetary=self.monetary[positions].round(MONEY_DECIMALS),
            first=self.first[positions],
            last=self.last[positions],
        )


def buyers_as_of(orders: Orders, day: dt.date) -> Buyers:
    """The buyers of ``orders``, read up to the end of ``day``, as of that day."""
    figures = Figures(len(orders.contacts))
    figures.add(orders.who, orders.days, orders.amounts)
    return figures.buyers(day)


def day_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as dates (``datetime64`` at midnight)."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[s]")


def contact_keys(conn: Connection, ids: np.ndarray) -> pd.DataFrame:
    """external_id and email of the contacts ``ids``, indexed by contact id."""
    found, external_id, email = columns(
        conn.execute(select(contact.c.id, contact.c.external_id, contact.c.email)).all(), 3
    )
    keys = pd.DataFrame(
        {"external_id": external_id, "email": email},
        index=np.array(found, dtype=np.int64),
        dtype=object,
    )
    return keys.reindex(ids)


def columns(rows: Sequence[Sequence[Any]], count: int) -> list[tuple[Any, ...]]:
    """Rows turned into ``count`` columns (fast: no per-row attribute lookups)."""
    return list(zip(*rows, strict=True)) if rows else [() for _ in range(count)]
