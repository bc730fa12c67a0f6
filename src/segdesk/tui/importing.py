"""The import wizard's state, shared by its steps, and how its values read on screen.

The steps (file, preview, mapping, options, dry run, import) each get the same `ImportDraft`
and change it in place, so that going back a step and forward again keeps the user's choices.
The import engine is imported only where a step needs it, never when the app starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from segdesk.ingest.importer import ImportOptions
    from segdesk.ingest.known_exports import FileConsent
    from segdesk.ingest.mapping import ColumnMapping, Mapping
    from segdesk.ingest.sources import FileShape, ReadOptions
    from segdesk.workspace import Workspace

STEPS = ("File", "Preview", "Mapping", "Options", "Dry run", "Import")

TARGETS = {"contacts": "Contacts", "events": "Orders or other events"}

FIELD_LABELS = {
    "email": "Email",
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name (split into first and last name)",
    "external_id": "External id (the id in the system of origin)",
    "phone": "Phone",
    "company": "Company",
    "job_title": "Job title",
    "city": "City",
    "region": "Region, state or province",
    "country": "Country",
    "postal_code": "Postal code",
    "source": "Source (where the contact came from)",
    "consent": "Consent (yes means subscribed)",
    "occurred_at": "Date of the order or event",
    "amount": "Amount (the order's total)",
    "quantity": "Quantity (per row; an order's rows add up)",
    "ref": "Order number or reference",
    "status": "Order status (paid, refunded, cancelled…)",
    "product": "Product bought (line item)",
    "sku": "SKU of the product (line item)",
    "category": "Product category (line item)",
    "unit_price": "Price of one item (line item)",
    "line_total": "Total of the line item",
}
EVENT_KEY_LABELS = {
    "email": "Email of the contact",
    "external_id": "External id of the contact",
}
CUSTOM_TYPES = ("text", "number", "date", "bool", "category")


@dataclass
class ImportDraft:
    """One import in the making: the file as inspected, its mapping and the user's options."""

    path: Path
    target: str
    shape: FileShape
    mapping: Mapping
    custom_fields: dict[str, str] = field(default_factory=dict)
    read: ReadOptions | None = None
    key: str | None = None
    on_existing: str = "update"
    create_missing: bool = True
    kind: str = "order"
    consent: FileConsent | None = None
    """The consent of everyone in the file, when the user gives one."""

    @property
    def file_name(self) -> str:
        return self.shape.path.name

    def samples(self) -> dict[str, list[str]]:
        return {name: self.shape.column_values(i) for i, name in enumerate(self.shape.header)}

    def change(self, spec: str) -> None:
        """Apply one ``SOURCE=FIELD[:OPTION]`` change to the mapping (``UserError`` if bad,
        worded for the wizard, where the user chose rather than typed the change)."""
        from segdesk.errors import UserError

        try:
            self.mapping = self.mapping.with_overrides(
                [spec], samples=self.samples(), custom_fields=self.custom_fields
            )
        except UserError as exc:
            raise UserError(plain_problem(str(exc))) from exc

    def import_options(self, *, dry_run: bool) -> ImportOptions:
        from segdesk.ingest.importer import ImportOptions

        return ImportOptions(
            target=self.target,  # type: ignore[arg-type]
            key=self.key,  # type: ignore[arg-type]
            on_existing=self.on_existing,  # type: ignore[arg-type]
            create_missing=self.create_missing,
            kind=self.kind.strip() or "order",
            consent=self.consent,
            dry_run=dry_run,
        )

    def suggested_consent(self) -> FileConsent | None:
        """The consent to suggest for everyone in the file (a Mailchimp export of subscribed
        members), while the user has given none."""
        from segdesk.ingest.known_exports import suggested_consent

        return suggested_consent(self.shape.header, self.mapping, self.consent)

    def example(self, position: int) -> str:
        """The first sampled value of a column that is not empty."""
        return next((v.strip() for v in self.shape.column_values(position) if v.strip()), "")

    def writes_dates_with_day_and_month(self, position: int) -> bool:
        """True when the column holds dates such as 04/05/2024, where the order matters."""
        from segdesk.ingest.mapping import date_writing

        return date_writing(self.shape.column_values(position)) == "day_month"

    def type_label(self, position: int, *, detailed: bool = False) -> str:
        """The column's type and what was decided about it: ``date (ISO)``, ``number (1,50)``."""
        from segdesk.ingest.mapping import describe_type

        column = self.mapping.columns[position]
        if column.action == "skip":
            return ""
        values = self.shape.column_values(position)
        return describe_type(column.type, values, detailed=detailed)

    def is_new_custom(self, column: ColumnMapping) -> bool:
        return column.action == "custom" and column.field not in self.custom_fields


def field_label(column: ColumnMapping) -> str:
    """What a column becomes, in the mapping table's words."""
    if column.action == "skip":
        return "(skip)"
    if column.action == "custom":
        return f"custom: {column.field}"
    if column.field == "consent" and column.inverted:
        return "consent (yes = unsub.)"
    return column.field or ""


def target_spec(column: ColumnMapping) -> str:
    """The FIELD part of a ``SOURCE=FIELD`` change that keeps the column's field."""
    if column.action == "skip":
        return "skip"
    if column.action == "custom":
        return f"custom:{column.field}"
    return f"{column.field}:inverted" if column.inverted else str(column.field)


def flipped_date_order(column: ColumnMapping) -> str:
    order = "mdy" if column.type.date_order == "dmy" else "dmy"
    return f"{column.source}={target_spec(column)}:{order}"


def flipped_decimal(column: ColumnMapping) -> str:
    mark = "comma" if column.type.decimal != "," else "point"
    return f"{column.source}={target_spec(column)}:{mark}"


def next_custom_type(column: ColumnMapping) -> str:
    kinds = CUSTOM_TYPES
    following = kinds[(kinds.index(column.type.kind) + 1) % len(kinds)]
    return f"{column.source}=custom:{column.field}:{following}"


def plain_problem(text: str) -> str:
    """A message about a change of the mapping without the ``--map 'SPEC':`` it starts with on
    the command line, where the user typed the change."""
    return text.split(": ", 1)[-1] if text.startswith("--map ") else text


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def home_relative(path: Path) -> str:
    """A path as a user reads it: ``~/...`` inside the home folder."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def prepare(
    workspace: Workspace, path: Path, target: str, read: ReadOptions | None = None
) -> ImportDraft:
    """Inspect a file and suggest its mapping (blocking: call from a thread worker)."""
    shape = workspace.imports.inspect(path, read)
    mapping = workspace.imports.suggest_mapping(shape, target)  # type: ignore[arg-type]
    custom = workspace.imports.custom_fields() if target == "contacts" else {}
    return ImportDraft(path, target, shape, mapping, custom, read)
