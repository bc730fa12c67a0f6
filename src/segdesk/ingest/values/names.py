"""One full-name column split into a first and a last name.

``Last, First``, particles such as ``van`` kept with the last name, salutations left out. Apart
because it is the one rule that makes two values of one.
"""

from __future__ import annotations

from segdesk.ingest.values.text import clean_text

_SALUTATIONS = frozenset({"mr", "mrs", "ms", "miss", "mx", "herr", "frau", "mr.", "mrs.", "ms."})
_PARTICLES = frozenset(
    {
        "van",
        "von",
        "de",
        "der",
        "den",
        "da",
        "del",
        "della",
        "di",
        "du",
        "la",
        "le",
        "zu",
        "ter",
        "ten",
        "bin",
        "al",
        "dos",
        "das",
        "y",
    }
)


def split_full_name(text: str) -> tuple[str | None, str | None]:
    """First and last name from one name column.

    ``Last, First`` is split at the comma. Otherwise the last word is the last name, together
    with lower-case particles before it (``Ludwig van Beethoven`` → Ludwig / van Beethoven), and
    the words before are the first name (``Anna Maria Schmidt`` → Anna Maria / Schmidt). A lone
    word is a first name. Salutations (Mr, Mrs, Ms, Herr, Frau) are left out.
    """
    value = " ".join(clean_text(text).split())
    if not value:
        return None, None
    if value.count(",") == 1:
        last, first = (p.strip() for p in value.split(","))
        return first or None, last or None
    words = [w for w in value.split(" ") if w.casefold() not in _SALUTATIONS] or value.split(" ")
    if len(words) == 1:
        return words[0], None
    cut = len(words) - 1
    while cut > 1 and words[cut - 1] in _PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])
