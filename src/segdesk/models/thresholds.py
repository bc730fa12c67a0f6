"""The lifecycle thresholds: days that separate the stages, checked when made.

Apart from the stages' computation (numpy, pandas) so that a form can check them as they are
typed without loading either.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from segdesk.errors import UserError


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
