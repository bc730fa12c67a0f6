"""Shell completion: what `segdesk` answers when the shell asks (argcomplete's protocol)."""

from __future__ import annotations

from pathlib import Path

import argcomplete.finders
import pytest

from segdesk.cli.main import main


def complete(line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The words offered for ``line`` with the cursor at its end, as bash would receive them."""
    answer = tmp_path / "completions"
    for name, value in {
        "_ARGCOMPLETE": "1",
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
    }.items():
        monkeypatch.setenv(name, value)
    # Its debug stream is file descriptor 9, which may be the test runner's.
    monkeypatch.setattr(argcomplete.finders.CompletionFinder, "_init_debug_stream", lambda _: None)
    with pytest.raises(SystemExit) as done:
        main([])
    assert done.value.code == 0
    return answer.read_text().split("\v")


def test_commands_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert complete("segdesk exp", tmp_path, monkeypatch) == ["export", "exports"]
    assert complete("segdesk segment ren", tmp_path, monkeypatch) == ["rename "]


def test_options_and_their_choices_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert complete("segdesk demo --co", tmp_path, monkeypatch) == ["--color "]
    assert complete("segdesk --color ", tmp_path, monkeypatch) == ["auto", "16", "256", "truecolor"]
