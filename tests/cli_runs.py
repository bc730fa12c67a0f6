"""Running `segdesk` commands in-process in tests, with what they print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from segdesk.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """The exit code, stdout and stderr of one command (only its own output)."""
    capsys.readouterr()
    try:
        code = main([str(arg) for arg in argv])
    except SystemExit as exc:  # argparse's own mistakes
        code = exc.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    return code, out, err


def ok_json(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> Any:
    """The JSON document a reading command prints with ``--json``, which must succeed."""
    code, out, err = run(capsys, *argv, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)
