"""Email addresses that earlier versions stored case-folded, found by the address as written.

Addresses were once stored case-folded, which rewrites some letters (``ß`` became ``ss``); now
they are only lower-cased. So that importing a file again finds such a contact instead of
adding a second one, an address that no contact has as written is looked up folded too.
"""

from __future__ import annotations

from collections.abc import Collection


def folded_forms(missing: Collection[str], named: Collection[str]) -> dict[str, str]:
    """Folded form → address, for each of ``missing`` that folding changes.

    A folded form that is itself one of ``named`` (the addresses a chunk names) is left out:
    the file has that address as written, and it is another one. Only non-ASCII addresses can
    change, so the others cost a single check.
    """
    forms: dict[str, str] = {}
    for address in missing:
        if address.isascii():
            continue
        folded = address.casefold()
        if folded != address and folded not in named:
            forms.setdefault(folded, address)
    return forms
