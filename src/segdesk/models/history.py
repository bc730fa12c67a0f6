"""The counted orders read once, as arrays, for RFM and lifecycle as of many days.

A backtest asks for a model as of every date of a series. Reading the orders again for each
date would repeat the longest part of a run; instead the counted orders are read once
(:func:`segdesk.models.orders.read_orders`, as a run as of one day reads them) and sorted by
day, and the figures as of a later day are those of the day before plus the orders in
between: one pass over the history for a whole series.

The figures are summed by the same :class:`segdesk.models.orders.Figures` as a run's, and the
scores and stages come from the same :func:`segdesk.models.rfm.score` and
:func:`segdesk.models.lifecycle.stages`, so a day here puts every contact where ``run_rfm`` /
``run_lifecycle`` as of that day would.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import Connection

from segdesk.models import lifecycle, rfm
from segdesk.models.orders import Buyers, Figures, Orders, day_number, read_orders


class OrderHistory:
    """Every contact and every counted order up to a last day, sorted by day."""

    def __init__(self, orders: Orders) -> None:
        order = np.argsort(orders.days, kind="stable")
        self.contacts = orders.contacts
        """Every contact's id, ascending."""
        self._who = orders.who[order]
        self._days = orders.days[order]
        self._amounts = orders.amounts[order]
        self._figures = Figures(len(self.contacts))
        self._done = 0
        """Orders already added into the running figures."""

    @classmethod
    def load(cls, conn: Connection, until: dt.date) -> OrderHistory:
        """Every contact, and the counted orders up to the end of ``until``."""
        return cls(read_orders(conn, until))

    def buyers(self, day: dt.date) -> Buyers:
        """The contacts with orders up to the end of ``day``, with their figures. Days asked
        in ascending order only add the orders in between."""
        end = int(np.searchsorted(self._days, day_number(day), side="right"))
        if end < self._done:
            self._figures = Figures(len(self.contacts))
            self._done = 0
        new = slice(self._done, end)
        self._figures.add(self._who[new], self._days[new], self._amounts[new])
        self._done = end
        return self._figures.buyers(day)

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

    def _everyone(self, buyers: Buyers, codes: np.ndarray, no_orders: int) -> np.ndarray:
        everyone = np.full(len(self.contacts), no_orders, dtype=np.int8)
        everyone[buyers.positions] = codes
        return everyone
