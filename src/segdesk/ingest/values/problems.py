"""``ValueProblem``: the error every value rule raises, with a reason a user can act on.

It has a module of its own because every kind of value raises it, and the row builder and the
mapping catch it without needing the rules of any one kind.
"""

from __future__ import annotations


class ValueProblem(ValueError):
    """A value that does not fit its column's type; ``reason`` says why, in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
