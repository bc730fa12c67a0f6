"""Where Segment Desk keeps its files: the user's data and config folders."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "segdesk"
DB_ENV = "SEGDESK_DB"


def is_url(target: str | os.PathLike[str]) -> bool:
    """A database URL (``postgresql://...``) rather than a file path."""
    return "://" in str(target)


def db_label(target: str | os.PathLike[str]) -> str:
    """A short name for the title bar: the file name, or the URL's database name."""
    text = str(target)
    return text.rsplit("/", 1)[-1] or text if is_url(text) else Path(text).name


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    return user_config_path(APP_NAME, appauthor=False)


def default_db() -> Path:
    """The database used when neither --db nor SEGDESK_DB names one."""
    return data_dir() / "segdesk.db"


def resolve_db(db: str | None) -> str:
    """--db wins, then SEGDESK_DB, then the default database in the user data folder."""
    return db or os.environ.get(DB_ENV) or str(default_db())


def sample_db() -> Path:
    """The bundled demo database (never opened for writing: `segdesk demo` copies it).

    Package data, so that every install has it, not only a clone of the repository.
    """
    return _package_file("sample.db")


def rules_reference() -> Path:
    """The rule language reference, shipped beside the sample for `--rule` help to name."""
    return _package_file("rules.md")


def _package_file(name: str) -> Path:
    # pip and pipx unpack wheels, so the package's files are real files on disk.
    return Path(str(files("segdesk").joinpath("data", name)))
