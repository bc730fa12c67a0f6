"""Shared fixtures: private settings folders, stable Textual output, temporary databases; the
``--full`` option (full sizes for the suites that scale, see ``tests/sizes.py``)."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from segdesk.paths import sample_db
from tests.factories import new_shop
from tests.sizes import ENV, use_full_sizes

SAMPLE_DB = sample_db()

settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile("suite")
"""Property tests judge results, not speed: on a loaded machine hypothesis's timing health
checks fail runs whose every example passed."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full",
        action="store_true",
        default=False,
        help=f"run the fuzzing and SIGKILL suites at full sizes (also {ENV}=1)",
    )


def pytest_configure(config: pytest.Config) -> None:
    use_full_sizes(config.getoption("full"))


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep every test away from the user's real data and settings folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.delenv("SEGDESK_DB", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    # The app picks its theme by the terminal's colours: the same for every test run.
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled sample database, named like the original."""
    target = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE_DB, target)
    return target


@pytest.fixture
def unsegmented_copy(tmp_path: Path) -> Path:
    """A copy of the sample database with its contacts and events but none of its segments,
    schemes or model runs: for tests that make those themselves."""
    target = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE_DB, target)
    with closing(sqlite3.connect(target)) as conn, conn:
        for table in (
            "segment_pin",
            "segment_member",
            "segment_member_set",
            "segment_version",
            "segment",
            "model_run",
            "scheme",
        ):
            conn.execute(f"DELETE FROM {table}")
    return target


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A new store, ``shop.db`` in the test's folder, holding one contact: Ana."""
    return new_shop(tmp_path, [{"email": "ana@example.com", "first_name": "Ana"}])


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    return tmp_path / "empty.db"
