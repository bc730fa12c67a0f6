"""Choosing a text file's encoding, and decoding it strictly in bounded memory.

Order of decision: the user's choice; a byte order mark; strict UTF-8 over the whole file;
Windows-1252. A detector (charset-normalizer, when installed) only adds a hint for the user:
guessing silently is how umlauts turn into junk. Decoding is always strict, so a byte that does
not fit the chosen encoding stops the import with the line it sits on instead of corrupting
values.
"""

from __future__ import annotations

import codecs
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

from segdesk.errors import UserError

BLOCK_SIZE = 1 << 18
"""Bytes read at a time; also the most a decode step holds besides the current line."""

HEAD_SIZE = 1 << 16
"""Bytes looked at for byte order marks, binary content and the detector hint."""

NUL_SHARE = 100
"""A text holds at most one zero byte in this many (and always one): a few are damage in
some rows, which are rejected while the rest is read; more make it a binary file."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip-compressed file (unpack it first)"),
    (b"7z\xbc\xaf", "a 7-Zip archive (unpack it first)"),
    (b"Rar!", "a RAR archive (unpack it first)"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


@dataclass(frozen=True)
class EncodingChoice:
    """The encoding a text file is read with, and why, in words a user can check."""

    name: str
    reason: str
    bom_length: int = 0
    hint: str | None = None

    @property
    def label(self) -> str:
        """A short display name: ``utf-8``, ``utf-8 with BOM``, ``cp1252``."""
        if self.name == "utf-8-sig":
            return "utf-8 with BOM"
        return self.name


def choose_encoding(path: Path, override: str | None = None) -> EncodingChoice:
    """Decide how to decode ``path``; raise a ``UserError`` for binary or undecodable files."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_SIZE)
    if not head:
        raise UserError(f"{path.name} is empty")
    hint = _detector_hint(head)
    if override:
        return _user_choice(path, head, override, hint)
    for bom, name in _BOMS:
        if head.startswith(bom):
            skip = 0 if name == "utf-8-sig" else len(bom)
            return EncodingChoice(name, "byte order mark", skip, hint)
    _refuse_binary(path, head)
    if b"\x00" in head:
        guess = _utf16_without_bom(head)
        if guess is not None:
            reason = "no byte order mark, but every second byte is zero"
            return EncodingChoice(guess, reason, 0, hint)
        if head.count(0) > max(1, len(head) // NUL_SHARE):
            raise UserError(f"{path.name} looks like a binary file, not a text table")
    bad_line, seen_non_ascii = _scan_utf8(path)
    if bad_line is None:
        reason = "valid UTF-8" if seen_non_ascii else "plain ASCII, read as UTF-8"
        return EncodingChoice("utf-8", reason, 0, hint)
    if seen_non_ascii:
        raise UserError(
            f"{path.name}, line {bad_line}: the file reads as UTF-8 up to this line, but this "
            "line holds bytes that are not UTF-8 (mixed encodings). Save the file again as "
            "UTF-8, or name its encoding."
        )
    _check_decodes(path, EncodingChoice("cp1252", ""), bad_line_hint=True)
    return EncodingChoice(
        "cp1252", f"not valid UTF-8 (first at line {bad_line}); read as Windows-1252", 0, hint
    )


def decoded_blocks(path: Path, choice: EncodingChoice) -> Generator[tuple[str, int], None, None]:
    """Yield ``(text, bytes_read_so_far)`` blocks; a byte that does not decode is a ``UserError``.

    The message names the line, counted from the newlines decoded before the bad byte.
    """
    decoder = codecs.getincrementaldecoder(choice.name)(errors="strict")
    newlines = 0
    done = 0
    with path.open("rb") as handle:
        if choice.bom_length:
            handle.read(choice.bom_length)
            done = choice.bom_length
        while True:
            block = handle.read(BLOCK_SIZE)
            final = not block
            try:
                text = decoder.decode(block, final=final)
            except UnicodeDecodeError as exc:
                good = block[: max(exc.start, 0)].decode(choice.name, errors="ignore")
                line = newlines + good.count("\n") + 1
                raise UserError(
                    f"{path.name}, line {line}: bytes that are not valid {choice.label} "
                    f"({exc.object[exc.start : exc.start + 4]!r}); name the file's encoding "
                    "or save it again as UTF-8"
                ) from None
            done += len(block)
            if text:
                newlines += text.count("\n")
                yield text, done
            if final:
                return


def _user_choice(path: Path, head: bytes, override: str, hint: str | None) -> EncodingChoice:
    try:
        name = codecs.lookup(override).name
    except LookupError:
        raise UserError(f"unknown encoding {override!r}") from None
    skip = 0
    if name == "utf-8" and head.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    elif name in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        for bom, bom_name in _BOMS:
            if bom_name == name and head.startswith(bom):
                skip = len(bom)
    return EncodingChoice(name, "chosen by you", skip, hint)


def _refuse_binary(path: Path, head: bytes) -> None:
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise UserError(f"{path.name} is {what}, not a text table")
    sample = head[:4096]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13) and b != 0)
    if control > len(sample) * 0.05:
        raise UserError(f"{path.name} looks like a binary file, not a text table")


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a byte order mark shows as zeros in every second byte of ASCII text."""
    sample = head[: 4096 - 4096 % 2]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.4 and even < 0.05:
        name = "utf-16-le"
    elif even > 0.4 and odd < 0.05:
        name = "utf-16-be"
    else:
        return None
    try:
        sample.decode(name)
    except UnicodeDecodeError:
        return None
    return name


def _scan_utf8(path: Path) -> tuple[int | None, bool]:
    """Check the whole file as strict UTF-8 in blocks: the first bad line, and any non-ASCII."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    newlines = 0
    seen_non_ascii = False
    with path.open("rb") as handle:
        while True:
            block = handle.read(BLOCK_SIZE)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                before = block[: max(exc.start, 0)]
                if not before.isascii():
                    seen_non_ascii = True
                return newlines + before.count(b"\n") + 1, seen_non_ascii
            if not block:
                return None, seen_non_ascii
            newlines += block.count(b"\n")
            seen_non_ascii = seen_non_ascii or not block.isascii()


def _check_decodes(path: Path, choice: EncodingChoice, *, bad_line_hint: bool = False) -> None:
    try:
        for _ in decoded_blocks(path, choice):
            pass
    except UserError as exc:
        if not bad_line_hint:
            raise
        raise UserError(f"{exc}. The file is neither UTF-8 nor Windows-1252.") from None


def _detector_hint(head: bytes) -> str | None:
    """What charset-normalizer guesses, when it is installed; never used to decode."""
    try:
        import charset_normalizer
    except ImportError:
        return None
    best = charset_normalizer.from_bytes(head).best()
    return best.encoding if best is not None else None
