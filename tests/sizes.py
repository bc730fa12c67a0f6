"""How big the suites that scale run: small by default, so that ``scripts/check`` stays quick;
full with ``pytest --full`` (or ``SEGDESK_FULL=1`` in the environment).

The fuzzing suites and the SIGKILL suite ask :func:`sized` for their example counts, data sizes
and kill points. Test modules read it when they are imported, which happens after
``tests/conftest.py`` has called :func:`use_full_sizes`.
"""

from __future__ import annotations

import os
from typing import TypeVar

T = TypeVar("T")

ENV = "SEGDESK_FULL"

_full = False


def use_full_sizes(asked: bool) -> None:
    """Full sizes when the option was given or the environment asks for them."""
    global _full
    _full = asked or os.environ.get(ENV) == "1"


def full_sizes() -> bool:
    return _full


def sized(small: T, full: T) -> T:
    """``full`` in a full run, else ``small``."""
    return full if _full else small
