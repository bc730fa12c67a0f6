"""Lifecycle stages from order dates: new, active, at risk, lapsed, never purchased.

Day counts are whole days from the UTC day of an order to the as-of date, both ends
inclusive of the limit: a contact with orders is **New** while their first order is at most
``new_days`` days old, else **Active** while their last order is at most ``active_days`` days
old, **At risk** while it is at most ``lapsed_days`` days old, and **Lapsed** after that.
Contacts without orders have **Never purchased**. The thresholds are the user's to change;
they are stored with the scheme and with every run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segdesk.models.thresholds import Thresholds as Thresholds  # callers import it from here

NEW, ACTIVE, AT_RISK, LAPSED, NEVER = "New", "Active", "At risk", "Lapsed", "Never purchased"
STAGES: tuple[str, ...] = (NEW, ACTIVE, AT_RISK, LAPSED, NEVER)
NEVER_CODE = STAGES.index(NEVER)


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
