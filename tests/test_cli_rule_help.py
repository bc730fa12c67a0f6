"""`--rule` help shows three examples, each on its own line and each a rule that counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from segdesk.cli import main
from segdesk.cli.segments import RULE_EXAMPLES


@pytest.mark.parametrize("command", [["count"], ["create", "X"], ["edit", "X"]])
def test_the_help_of_every_rule_option_shows_three_examples(
    command: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as done:
        main(["segment", *command, "--help"])
    assert done.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(RULE_EXAMPLES) == 3
    for example in RULE_EXAMPLES:
        assert f"  {example}" in lines and len(f"  {example}") <= 80
    assert any(line.strip().startswith("--rule TEXT") and "examples" in line for line in lines)


@pytest.mark.parametrize("example", RULE_EXAMPLES)
def test_each_example_counts_on_the_sample(
    example: str, sample_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["segment", "count", "--db", str(sample_copy), "--today", "2025-03-15"]
    assert main([*argv, "--rule", example]) == 0
    out, err = capsys.readouterr()
    assert err == "" and int(out.replace(",", "")) > 0
