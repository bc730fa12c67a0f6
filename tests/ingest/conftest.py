"""Fixtures for the ingest tests: the corpus folder and a shortcut to read a file fully."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from segdesk.ingest import FileShape, ReadOptions, SourceRow, inspect_file, iter_rows
from tests.ingest.corpus_files import CORPUS


@pytest.fixture
def corpus() -> Path:
    return CORPUS


Reader = Callable[..., tuple[FileShape, list[SourceRow]]]


def _read(name: str, **options: Any) -> tuple[FileShape, list[SourceRow]]:
    shape = inspect_file(CORPUS / name, ReadOptions(**options))
    return shape, list(iter_rows(shape))


@pytest.fixture
def read() -> Reader:
    """Inspect a corpus file (``ReadOptions`` fields as keywords) and read all its rows."""
    return _read
