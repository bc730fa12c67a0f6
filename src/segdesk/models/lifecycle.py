"""Lifecycle stages from order dates: new, active, at risk, lapsed, never purchased.

Day counts are whole days from the UTC day of an order to the as-of date, both ends
inclusive of the limit: a contact with orders is **New** while their first order is at most
``new_days`` days old, else **Active** while their last order is at most ``active_days`` days
old, **At risk** while it is at most ``lapsed_days`` days old, and **Lapsed** after that.
Contacts without orders have **Never purchased**. The thresholds are the user's to change;
they are stored with the scheme and with every run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from segdesk.errors import UserError

NEW, ACTIVE, AT_RISK, LAPSED, NEVER = "New", "Active", "At risk", "Lapsed", "Never purchased"
STAGES: tuple[str, ...] = (NEW, ACTIVE, AT_RISK, LAPSED, NEVER)
NEVER_CODE = STAGES.index(NEVER)


@dataclass(frozen=True)
class Thresholds:
    """Days that separate the stages; 0 < new_days <= active_days < lapsed_days."""

    new_days: int = 30
    active_days: int = 90
    lapsed_days: int = 365

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise UserError(
                    f"lifecycle threshold {name} must be a whole number of days "
                    f"above 0 (got {value!r})"
                )
        if self.new_days > self.active_days:
            raise UserError(
                f"lifecycle new days ({self.new_days}) must not exceed active days "
                f"({self.active_days})"
            )
        if self.active_days >= self.lapsed_days:
            raise UserError(
                f"lifecycle active days ({self.active_days}) must be fewer than lapsed days "
                f"({self.lapsed_days})"
            )

    def to_json(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_json(cls, params: dict[str, Any] | None) -> Thresholds:
        """Thresholds stored with a scheme; missing ones take the defaults."""
        known = {k: v for k, v in (params or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)


def stages(
    days_since_first: np.ndarray, days_since_last: np.ndarray, limits: Thresholds
) -> pd.Categorical[str]:
    """The stage of each contact with orders, as a categorical of STAGES."""
    codes = np.select(
        [
            days_since_first <= limits.new_days,
            days_since_last <= limits.active_days,
            days_since_last <= limits.lapsed_days,
        ],
        [STAGES.index(NEW), STAGES.index(ACTIVE), STAGES.index(AT_RISK)],
        default=STAGES.index(LAPSED),
    )
    return pd.Categorical.from_codes(codes.astype(np.int8), categories=pd.Index(STAGES))
