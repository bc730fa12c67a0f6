"""Long work (an import, a refresh, a model run, and every later job) reports progress and
stops on request in one way, so the CLI's bar and the app's workers can drive any of it.

A job takes ``progress`` and ``cancelled`` from its caller, both optional. It calls
``progress(done, total, label)`` as it goes and raises :class:`Cancelled` once
``cancelled()`` says the user asked to stop; it runs in its caller's transaction, which the
caller rolls back on the way out, so a cancelled job changes nothing. See ``docs/jobs.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[int, int, str], None]
"""``progress(done, total, label)``: ``done`` of ``total`` units (rows, bytes, steps,
segments) are finished; ``label`` names what was just finished, or is empty."""

CancelCheck = Callable[[], bool]
"""``cancelled()``: true once the user has asked to stop; asked between units of work."""


class Cancelled(Exception):
    """The user stopped a job; the caller rolls its transaction back, so nothing changed."""


@dataclass
class Job:
    """A job's count of finished units, with its caller's progress callback and cancel check.

    A loop calls :meth:`check` before its first unit and :meth:`step` after each one, so a
    cancel is noticed between units and also after the last, before the caller commits.
    """

    progress: Progress | None = None
    cancelled: CancelCheck | None = None
    total: int = 0
    done: int = field(default=0, init=False)

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user has asked to stop."""
        if self.cancelled is not None and self.cancelled():
            raise Cancelled

    def step(self, label: str = "") -> None:
        """One more unit finished: report it, then stop here if the user has asked to."""
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, label)
        self.check()
