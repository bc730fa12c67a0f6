"""Writing an export: to a temporary file beside the target, readable by the owner only,
then renamed over it (DESIGN §10), so that the target is never seen half written and a
failure or a kill leaves no file under its name."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from segdesk.errors import UserError


def write_private_text(path: Path, text: str) -> int:
    """Write ``text`` (UTF-8) to ``path`` through a temporary name; the bytes written."""
    check_target(path)
    data = text.encode("utf-8")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return len(data)


def check_target(path: Path) -> None:
    """Refuse, in one line, a target that is a folder or whose folder is missing or
    read-only."""
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise UserError(f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"cannot write {path}: the folder {folder} is read-only")
