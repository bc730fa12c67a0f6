"""docs/reliability.md cannot go stale: every test it names exists, every row of its tables
names one, and every test of the reliability suite is named there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)((?:::\w+)+)`")


def _references(text: str) -> list[tuple[str, list[str]]]:
    return [(m[1], m[2].split("::")[1:]) for m in REFERENCE.finditer(text)]


def _defines(path: Path, names: list[str]) -> bool:
    """Whether ``path`` defines ``names[0]`` at its top level, ``names[1]`` inside it, ..."""
    body: list[ast.stmt] = ast.parse(path.read_text(encoding="utf-8")).body
    for name in names:
        found = [
            node
            for node in body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and node.name == name
        ]
        if not found:
            return False
        body = found[0].body
    return True


def test_every_named_test_exists() -> None:
    references = _references(DOC.read_text(encoding="utf-8"))
    assert len(references) > 50
    missing = [
        f"{path}::{'::'.join(names)}"
        for path, names in references
        if not (ROOT / path).is_file() or not _defines(ROOT / path, names)
    ]
    assert missing == []


def test_every_row_names_a_test() -> None:
    rows = [
        line
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith(("| Promise", "| ---"))
    ]
    assert rows
    assert [row for row in rows if not _references(row)] == []


def test_the_reliability_suite_is_named() -> None:
    named = {(path, names[0]) for path, names in _references(DOC.read_text(encoding="utf-8"))}
    suite = {
        (str(path.relative_to(ROOT)), node.name)
        for path in sorted((ROOT / "tests" / "reliability").glob("test_*.py"))
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }
    assert suite
    assert suite - named == set()


def test_a_missing_test_is_caught(tmp_path: Path) -> None:
    module = tmp_path / "test_x.py"
    module.write_text("class TestA:\n    def test_b(self): ...\n\n\ndef test_c(): ...\n")
    assert _defines(module, ["TestA", "test_b"]) and _defines(module, ["test_c"])
    assert not _defines(module, ["TestA", "test_c"]) and not _defines(module, ["test_b"])
