"""Yes/no words, in English and German, and reading one as a bool.

The words are shared by bool columns, consent values and type inference, which is why they live
apart from each of them.
"""

from __future__ import annotations

from segdesk.ingest.values.problems import ValueProblem
from segdesk.ingest.values.text import clean_text

TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "on", "ja", "j", "wahr"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "off", "nein", "falsch"})


def parse_bool(text: str) -> bool:
    """yes/no, true/false, 1/0, y/n, t/f, on/off, ja/nein, wahr/falsch, any case."""
    value = clean_text(text).casefold()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueProblem(f"{clean_text(text)!r} is not yes/no")
