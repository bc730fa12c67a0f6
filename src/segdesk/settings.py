"""Choices Segment Desk remembers between runs (for now: the theme), in settings.json."""

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
