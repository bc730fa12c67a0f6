"""The one error the rule language raises: a user's mistake, with where it is in the text."""

from __future__ import annotations

from segdesk.errors import UserError


class RuleError(UserError):
    """A rule that cannot be read or used, with the problem in words a user understands.

    ``column`` is 1-based in the rule's text; it is None when the rule did not come from text
    (a stored tree whose field has since gone, an unknown segment at compile time).
    ``hint`` says what would work instead.
    """

    def __init__(self, problem: str, column: int | None = None, hint: str | None = None) -> None:
        self.problem = problem
        self.column = column
        self.hint = hint
        message = problem if column is None else f"{problem} (column {column})"
        super().__init__(f"{message}; {hint}" if hint else message)


def clipped(text: str, limit: int = 30) -> str:
    """What a user wrote, cut short when echoed in a message: a pasted value of thousands of
    characters would bury the message it belongs to."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 10]}… ({len(text):,} characters)"
