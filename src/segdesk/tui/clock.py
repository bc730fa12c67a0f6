"""The day the app counts review dates from: one place, so a test can pin it."""

from __future__ import annotations

from datetime import date


def today() -> date:
    return date.today()
