"""The contacts list: its columns, and its rows from whatever reads contacts.

At start-up the quick reader answers before the workspace has opened; later the workspace
does. Both offer `count_contacts` and `contacts_page`, which `ContactPages` turns into the
paged table's `PageSource`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from segdesk.tui.widgets.paged_table import TableColumn

if TYPE_CHECKING:
    from segdesk.contact_values import ContactRow


class ContactReader(Protocol):
    """What reads the contacts list: the quick reader, or the workspace's contacts."""

    def count_contacts(self, search: str | None = None) -> int: ...

    def contacts_page(
        self, offset: int, limit: int, search: str | None = None, total: int | None = None
    ) -> list[ContactRow]: ...


@dataclass(frozen=True)
class ContactPages:
    """A `ContactReader` as the paged table's `PageSource`."""

    reader: ContactReader

    def count(self, search: str | None) -> int:
        return self.reader.count_contacts(search)

    def page(self, offset: int, limit: int, search: str | None, total: int) -> list[ContactRow]:
        return self.reader.contacts_page(offset, limit, search, total)


CONTACT_COLUMNS: tuple[TableColumn[ContactRow], ...] = (
    TableColumn("Name", lambda r: r.name, minimum=14, weight=3, keep=5),
    TableColumn("Email", lambda r: r.email or "", minimum=14, weight=1, key=True),
    TableColumn("Company", lambda r: r.company or "", minimum=8, weight=2, keep=1),
    TableColumn("City", lambda r: r.city or "", minimum=6, weight=2, keep=2),
    TableColumn("Country", lambda r: r.country or "", minimum=7, keep=3),
    TableColumn("Consent", lambda r: r.consent, minimum=12, keep=4),
)
"""At 80 columns the email stays whole: the company drops first, then the city."""
