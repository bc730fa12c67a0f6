"""Choices Segment Desk remembers between runs (the theme, the overlap guardrails), in
settings.json."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from segdesk.paths import config_dir

SETTINGS_FILE = "settings.json"


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_settings(path: Path | None = None) -> dict[str, Any]:
    """The saved settings; an unreadable file counts as none rather than stopping the app."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_setting(key: str, value: Any, path: Path | None = None) -> None:
    """Write one setting, atomically (temporary file, then rename)."""
    path = path or settings_path()
    data = load_settings(path)
    data[key] = value
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, path)


OVERLAP_MIN_SIZE = "overlap_min_size"
OVERLAP_MAX_SEGMENTS = "overlap_max_segments"


def overlap_guardrails(path: Path | None = None) -> tuple[int | None, int | None]:
    """The overlap guardrails the user set in the app: (minimum size, most active segments),
    each None for the default (also when the saved value is not a whole number, 0 or more)."""
    data = load_settings(path)

    def whole(key: str) -> int | None:
        value = data.get(key)
        return (
            value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
        )

    return whole(OVERLAP_MIN_SIZE), whole(OVERLAP_MAX_SEGMENTS)


def save_overlap_guardrails(
    min_size: int | None, max_segments: int | None, path: Path | None = None
) -> None:
    """Remember the guardrails (None: back to the default)."""
    save_setting(OVERLAP_MIN_SIZE, min_size, path)
    save_setting(OVERLAP_MAX_SEGMENTS, max_segments, path)
