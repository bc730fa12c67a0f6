"""The committed corpus is exactly what ``make_corpus.py`` writes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_corpus", HERE / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_matches_its_generator():
    maker = _load_maker()
    built = maker.build()
    committed = {p.name for p in (HERE / "corpus").iterdir()}
    expected = set(built) | ({"legacy.xls"} if "legacy.xls" in committed else set())
    assert committed == expected
    for name, data in built.items():
        assert (HERE / "corpus" / name).read_bytes() == data, name


def test_xls_is_reproducible():
    maker = _load_maker()
    data = maker.xls_bytes()
    if data is None:
        pytest.skip("xlwt is not installed; legacy.xls is used as committed")
    assert (HERE / "corpus" / "legacy.xls").read_bytes() == data
