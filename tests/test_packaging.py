"""The files `segdesk demo` and the help need ship inside the package, so that any install
(a wheel, `pipx install`) has them, not only a clone of the repository."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

import segdesk
from segdesk import paths

REPO = Path(__file__).resolve().parents[1]
PACKAGE = Path(segdesk.__file__).resolve().parent


def test_sample_and_rule_reference_are_package_files() -> None:
    assert paths.sample_db() == PACKAGE / "data" / "sample.db"
    assert paths.sample_db().read_bytes()[:16] == b"SQLite format 3\x00"
    assert paths.rules_reference() == PACKAGE / "data" / "rules.md"
    assert paths.rules_reference().read_text(encoding="utf-8").startswith("# Rules\n")


def test_they_are_found_through_the_package_resources(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Where the installer put the package decides, not where the source tree is."""
    monkeypatch.setattr(paths, "files", lambda package: tmp_path / "site" / package)
    assert paths.sample_db() == tmp_path / "site" / "segdesk" / "data" / "sample.db"
    assert paths.rules_reference() == tmp_path / "site" / "segdesk" / "data" / "rules.md"


def test_every_data_file_is_declared_as_package_data() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["segdesk"]
    shipped = sorted(p.name for p in (PACKAGE / "data").iterdir())
    assert {"rules.md", "sample.db"} <= set(shipped)
    for name in shipped:
        assert any(fnmatch.fnmatch(f"data/{name}", pattern) for pattern in patterns), name
