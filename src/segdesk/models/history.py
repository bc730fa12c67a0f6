"""The counted orders read once, as arrays, for RFM and lifecycle as of many days.

A backtest asks for a model as of every date of a series. Running the model's SQL for each
date would read and group the orders again each time; instead the counted orders (contact,
UTC day, amount) are read once and sorted by day, and the figures as of a later day are those
of the day before plus the orders in between: one pass over the history for a whole series.

The figures are those of :func:`segdesk.models.orders.order_figures` (refunded, voided and
cancelled orders left out, orders up to the end of the day in UTC, an order without an amount
adds nothing, totals rounded to a millionth), and the scores and stages come from the same
:func:`segdesk.models.rfm.score` and :func:`segdesk.models.lifecycle.stages`, so a day here
puts every contact where ``run_rfm`` / ``run_lifecycle`` as of that day would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, func, select

from segdesk.models import lifecycle, rfm
from segdesk.models.orders import MONEY_DECIMALS, day_end
from segdesk.store.number_rows import number_rows, utc_day_number
from segdesk.store.order_status import counted
from segdesk.store.tables import Contact, Event

event = Event.__table__
contact = Contact.__table__

EPOCH = dt.date(1970, 1, 1)
NO_DAY = np.iinfo(np.int32).max
"""The first-order day of a contact without orders yet (above every real day)."""


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01: how order days are held."""
    return (day - EPOCH).days


@dataclass(frozen=True)
class BuyersAsOf:
    """The contacts with orders up to a day (positions in ``OrderHistory.contacts``) and
    their figures, as fresh arrays."""

    positions: np.ndarray
    frequency: np.ndarray
    monetary: np.ndarray
    days_since_first: np.ndarray
    days_since_last: np.ndarray


class OrderHistory:
    """Every contact and every counted order up to a last day, sorted by day."""

    def __init__(
        self, contacts: np.ndarray, who: np.ndarray, days: np.ndarray, amounts: np.ndarray
    ) -> None:
        order = np.argsort(days, kind="stable")
        self.contacts = contacts
        """Every contact's id, ascending."""
        self._who = who[order]
        self._days = days[order]
        self._amounts = amounts[order]
        size = len(contacts)
        self._frequency = np.zeros(size, dtype=np.int64)
        self._monetary = np.zeros(size, dtype=np.float64)
        self._first = np.full(size, NO_DAY, dtype=np.int32)
        self._last = np.full(size, -1, dtype=np.int32)
        self._done = 0
        """Orders already added into the running figures."""

    @classmethod
    def load(cls, conn: Connection, until: dt.date) -> OrderHistory:
        """Every contact, and the counted orders up to the end of ``until``."""
        contacts = number_rows(conn, select(contact.c.id).order_by(contact.c.id))[:, 0]
        contacts = contacts.astype(np.int64)
        orders = number_rows(
            conn,
            select(
                event.c.contact_id,
                utc_day_number(event.c.occurred_at),
                func.coalesce(event.c.amount, 0.0),
            ).where(
                event.c.kind == "order",
                event.c.occurred_at < day_end(until),
                counted(event.c.status),
            ),
        )
        ids = orders[:, 0].astype(np.int64)
        who = np.minimum(np.searchsorted(contacts, ids), max(len(contacts) - 1, 0))
        known = contacts[who] == ids if len(contacts) else np.zeros(len(ids), dtype=bool)
        # Orders of a contact that is gone (possible only with foreign keys off) count for no one.
        return cls(contacts, who[known], orders[known, 1].astype(np.int32), orders[known, 2])

    def buyers(self, day: dt.date) -> BuyersAsOf:
        """The contacts with orders up to the end of ``day``, with their figures. Days asked
        in ascending order only add the orders in between."""
        number = day_number(day)
        end = int(np.searchsorted(self._days, number, side="right"))
        if end < self._done:
            self._reset()
        new = slice(self._done, end)
        who = self._who[new]
        np.add.at(self._frequency, who, 1)
        np.add.at(self._monetary, who, self._amounts[new])
        np.minimum.at(self._first, who, self._days[new])
        np.maximum.at(self._last, who, self._days[new])
        self._done = end
        positions = np.flatnonzero(self._frequency)
        return BuyersAsOf(
            positions=positions,
            frequency=self._frequency[positions],
            monetary=self._monetary[positions].round(MONEY_DECIMALS),
            days_since_first=(number - self._first[positions]).astype(np.int64),
            days_since_last=(number - self._last[positions]).astype(np.int64),
        )

    def rfm_codes(self, day: dt.date) -> np.ndarray:
        """Each contact's RFM segment as of ``day``, as its index in ``rfm.SEGMENT_NAMES``."""
        buyers = self.buyers(day)
        scores, _points = rfm.score(buyers.days_since_last, buyers.frequency, buyers.monetary)
        return self._everyone(buyers, scores["segment"].cat.codes.to_numpy(), rfm.NO_PURCHASES_CODE)

    def lifecycle_codes(self, day: dt.date, limits: lifecycle.Thresholds) -> np.ndarray:
        """Each contact's stage as of ``day``, as its index in ``lifecycle.STAGES``."""
        buyers = self.buyers(day)
        stages = lifecycle.stages(buyers.days_since_first, buyers.days_since_last, limits)
        return self._everyone(buyers, stages.codes, lifecycle.NEVER_CODE)

    def _everyone(self, buyers: BuyersAsOf, codes: np.ndarray, no_orders: int) -> np.ndarray:
        everyone = np.full(len(self.contacts), no_orders, dtype=np.int8)
        everyone[buyers.positions] = codes
        return everyone

    def _reset(self) -> None:
        self._frequency[:] = 0
        self._monetary[:] = 0.0
        self._first[:] = NO_DAY
        self._last[:] = -1
        self._done = 0
