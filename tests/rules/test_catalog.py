"""The field catalog: what a database lets rules name, and how it is found."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert

from segdesk.rules import CatalogField, FieldCatalog
from segdesk.store.database import open_database
from segdesk.store.tables import FieldDef, Scheme
from tests.factories import WHEN


def test_from_connection_reads_fields_and_schemes(sample_copy: Path) -> None:
    engine = open_database(sample_copy)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(FieldDef.__table__),
                [
                    {
                        "name": "orders_count",
                        "label": "Orders",
                        "type": "number",
                        "origin": "metric",
                        "created_at": WHEN,
                    },
                    {
                        "name": "rfm_score",
                        "label": "RFM",
                        "type": "text",
                        "origin": "model",
                        "created_at": WHEN,
                    },
                ],
            )
            conn.execute(
                insert(Scheme.__table__).values(
                    name="Coffee habits", kind="cluster", params={}, created_at=WHEN
                )
            )
            catalog = FieldCatalog.from_connection(conn)
    finally:
        engine.dispose()
    assert catalog.field("signup_date") == CatalogField(
        "signup_date", "date", "custom", "Signup date"
    )
    assert catalog.field("country") == CatalogField("country", "category", "core", "Country")
    assert catalog.field("orders_count") is None
    assert catalog.models == ("rfm", "lifecycle", "rfm_score", "Coffee habits")
    assert catalog.model("COFFEE HABITS") == "Coffee habits"


def test_lookups_forgive_case_and_suggest_close_names() -> None:
    catalog = FieldCatalog.from_types({"loyalty_points": "number"})
    assert catalog.field("Loyalty_Points") is not None
    assert catalog.suggestions("loyality_points") == ["loyalty_points"]
    assert catalog.suggestions("rfn") == ["rfm"]


def test_a_field_wins_over_a_default_model_of_the_same_name() -> None:
    catalog = FieldCatalog([CatalogField("rfm", "text")])
    assert catalog.model("rfm") is None
    assert catalog.models == ("lifecycle",)
