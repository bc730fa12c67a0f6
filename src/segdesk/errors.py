"""Errors a user can cause. The CLI prints them and exits 2; the TUI shows them."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in the user's input, with a message that names what is wrong and where."""


class NotFoundError(UserError):
    """Something the user named does not exist."""
