"""Fixtures for import tests: a database, files written byte for byte, and a runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from segdesk.ingest.import_report import ImportReport
from segdesk.ingest.importer import ImportOptions
from segdesk.store.tables import Contact, Event, ImportBatch
from segdesk.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path):
    workspace = Workspace.open(tmp_path / "shop.db")
    yield workspace
    workspace.close()


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a file into tmp_path: text (with an encoding) or bytes, exactly as given."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / "files" / name
        path.parent.mkdir(exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture
def run(ws: Workspace, tmp_path: Path) -> Callable[..., ImportReport]:
    """Import a file with the suggested mapping (plus --map style overrides)."""

    def _run(
        path: Path, target: str = "contacts", maps: tuple[str, ...] = (), **options: Any
    ) -> ImportReport:
        shape = ws.imports.inspect(path)
        mapping = ws.imports.suggest_mapping(shape, target)  # type: ignore[arg-type]
        if maps:
            mapping = mapping.with_overrides(
                maps,
                samples={n: shape.column_values(i) for i, n in enumerate(shape.header)},
                custom_fields=ws.imports.custom_fields(),
            )
        report = ws.imports.run(
            shape,
            mapping,
            ImportOptions(target=target, **options),  # type: ignore[arg-type]
            rejects=tmp_path / "rejects" / f"{path.stem}.csv",
        )
        assert report.read == (
            report.inserted + report.updated + report.unchanged + report.merged + report.rejected
        )
        return report

    return _run


def contacts(ws: Workspace) -> list[dict[str, Any]]:
    """Every stored contact as a dict of its importable fields and attributes, by id."""
    table = Contact.__table__
    with ws.engine.connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.id)).mappings().all()
    keep = (
        "email",
        "first_name",
        "last_name",
        "external_id",
        "phone",
        "company",
        "job_title",
        "city",
        "region",
        "country",
        "postal_code",
        "source",
        "consent",
        "attributes",
    )
    return [{k: row[k] for k in keep} for row in rows]


def events(ws: Workspace) -> list[dict[str, Any]]:
    table = Event.__table__
    with ws.engine.connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.id)).mappings().all()
    return [
        {
            "contact_id": r["contact_id"],
            "kind": r["kind"],
            "occurred_at": r["occurred_at"].isoformat(),
            "amount": r["amount"],
            "quantity": r["quantity"],
            "ref": r["ref"],
            "attributes": r["attributes"],
        }
        for r in rows
    ]


def batches(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return len(conn.execute(select(ImportBatch.__table__.c.id)).all())


def by_email(ws: Workspace) -> dict[str, dict[str, Any]]:
    return {c["email"]: c for c in contacts(ws)}
