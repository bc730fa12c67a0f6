"""How often a playbook is reviewed, and the day after a review when the next one falls.

A cadence is a number of days, weeks or months. It is typed as a word (weekly, fortnightly,
monthly, quarterly, yearly) or as "every N days/weeks/months/years", and stored in its
canonical text, so that "Every 3 Months" and "quarterly" are kept alike as "quarterly".
A month later than the 31st is the last day of a shorter month (Jan 31 + 1 month = Feb 28).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from segdesk.errors import UserError

Unit = Literal["days", "weeks", "months"]

NAMED: dict[str, tuple[int, Unit]] = {
    "weekly": (1, "weeks"),
    "fortnightly": (2, "weeks"),
    "monthly": (1, "months"),
    "quarterly": (3, "months"),
    "yearly": (12, "months"),
}
ALIASES = {"annually": "yearly", "every fortnight": "fortnightly", "daily": "every day"}
LIMITS: dict[Unit, int] = {"days": 731, "weeks": 104, "months": 24}
"""The longest cadence in each unit: two years; a longer one is a typing slip."""
CHOICES = "weekly, fortnightly, monthly, quarterly, yearly, or every N days, weeks or months"

_EVERY = re.compile(r"every\s+(?:(\d+)\s*)?(day|week|month|year)s?")


@dataclass(frozen=True)
class Cadence:
    every: int
    unit: Unit

    @property
    def text(self) -> str:
        """The canonical text: the word when there is one, else "every N units"."""
        for word, (every, unit) in NAMED.items():
            if (every, unit) == (self.every, self.unit):
                return word
        if self.every == 1:
            return f"every {self.unit[:-1]}"
        return f"every {self.every} {self.unit}"

    def after(self, day: date) -> date:
        """The day one cadence after ``day``."""
        if self.unit == "days":
            return day + timedelta(days=self.every)
        if self.unit == "weeks":
            return day + timedelta(weeks=self.every)
        return add_months(day, self.every)


def parse_cadence(text: str) -> Cadence:
    """The cadence ``text`` names; a UserError naming the choices when it names none."""
    said = " ".join(text.strip().lower().split())
    said = ALIASES.get(said, said)
    if said in NAMED:
        return Cadence(*NAMED[said])
    match = _EVERY.fullmatch(said)
    if match is None:
        raise UserError(f'review_cadence: "{text.strip()}" is not a cadence; use {CHOICES}')
    every = int(match.group(1) or 1)
    unit: Unit = "months" if match.group(2) == "year" else _unit(match.group(2))
    if match.group(2) == "year":
        every *= 12
    if not 1 <= every <= LIMITS[unit]:
        raise UserError(
            f'review_cadence: "{text.strip()}" is out of range; a cadence is from one day '
            "to two years"
        )
    return Cadence(every, unit)


def _unit(word: str) -> Unit:
    return "days" if word == "day" else "weeks" if word == "week" else "months"


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, kept within the month it lands in."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
