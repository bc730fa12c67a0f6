"""Holdout groups: a list split into a test group (sent) and a control group (held back),
and later how each group bought, so that a campaign's lift can be read.

The split is seeded: the same people, share and seed give the same groups. The groups are
kept with the export (``export_log.options``, as roaring bitmaps), so that orders imported
later can be compared per person: orders and revenue after the export, per group.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pyroaring import BitMap
from sqlalchemy import Connection, func, select

from segdesk.analysis.set_measures import Members, from_bytes, ratio, to_bytes
from segdesk.errors import UserError
from segdesk.store.order_status import counted
from segdesk.store.tables import Event

event = Event.__table__


def parse_share(text: str) -> float:
    """The control group's share: ``0.1``, ``10%`` or ``10`` (a percentage)."""
    value = text.strip()
    try:
        share = float(value.rstrip("%")) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise UserError(
            f"the holdout share must be a number such as 0.1 or 10%, got {text!r}"
        ) from None
    if share >= 1 and not value.endswith("%"):
        share /= 100
    if not 0 < share < 1:
        raise UserError(f"the holdout share must be above 0 and below 100%, got {text!r}")
    return share


@dataclass(frozen=True)
class Holdout:
    """A list split in two: the test group goes into the file, the control group does not."""

    share: float
    seed: int
    test: BitMap
    control: BitMap

    def to_json(self) -> dict[str, Any]:
        return {
            "share": self.share,
            "seed": self.seed,
            "test": len(self.test),
            "control": len(self.control),
        }

    def stored(self) -> dict[str, Any]:
        """As the export log keeps it: the figures and both groups' members."""
        return {
            **self.to_json(),
            "members": {
                "test": base64.b64encode(to_bytes(self.test)).decode("ascii"),
                "control": base64.b64encode(to_bytes(self.control)).decode("ascii"),
            },
        }


def split(ids: Members, share: float, seed: int) -> Holdout:
    """``round(share * n)`` people drawn for control with ``random.Random(seed)`` from the ids
    in order; the others are the test group."""
    people = list(ids)
    control = BitMap(random.Random(seed).sample(people, round(share * len(people))))
    return Holdout(share, seed, BitMap(ids) - control, control)


def stored_groups(holdout: Mapping[str, Any]) -> tuple[Members, Members]:
    members = holdout["members"]
    return (
        from_bytes(base64.b64decode(members["test"])),
        from_bytes(base64.b64decode(members["control"])),
    )


@dataclass(frozen=True)
class GroupResponse:
    """How one group bought after the export."""

    people: int
    buyers: int
    orders: int
    revenue: float

    @property
    def orders_per_person(self) -> float | None:
        return ratio(self.orders, self.people)

    @property
    def revenue_per_person(self) -> float | None:
        return None if not self.people else self.revenue / self.people

    def to_json(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "buyers": self.buyers,
            "orders": self.orders,
            "revenue": round(self.revenue, 2),
            "orders_per_person": self.orders_per_person,
            "revenue_per_person": self.revenue_per_person,
        }


@dataclass(frozen=True)
class HoldoutResponse:
    """Test against control for one export with a holdout, from its time on."""

    export_id: int
    exported_at: datetime
    test: GroupResponse
    control: GroupResponse

    def to_json(self) -> dict[str, Any]:
        return {
            "export_id": self.export_id,
            "exported_at": self.exported_at.isoformat(),
            "test": self.test.to_json(),
            "control": self.control.to_json(),
        }


def response(
    conn: Connection, export_id: int, since: datetime, holdout: Mapping[str, Any]
) -> HoldoutResponse:
    """Orders (those that count: refunds and the like left out) and revenue of each group's
    people after ``since``."""
    test, control = stored_groups(holdout)
    rows = conn.execute(
        select(event.c.contact_id, func.count(), func.coalesce(func.sum(event.c.amount), 0.0))
        .where(event.c.kind == "order", event.c.occurred_at > since, counted(event.c.status))
        .group_by(event.c.contact_id)
    )
    totals = {"test": [0, 0, 0.0], "control": [0, 0, 0.0]}
    for contact_id, orders, revenue in rows:
        group = "test" if contact_id in test else "control" if contact_id in control else None
        if group is not None:
            figures = totals[group]
            figures[0] += 1
            figures[1] += orders
            figures[2] += float(revenue)

    def of(name: str, people: Members) -> GroupResponse:
        buyers, orders, revenue = totals[name]
        return GroupResponse(len(people), int(buyers), int(orders), float(revenue))

    return HoldoutResponse(export_id, since, of("test", test), of("control", control))
