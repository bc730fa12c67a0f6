"""The user's keys: `keymap.toml` in the config folder gives binding ids other keys.

Applied with Textual's `App.set_keymap`. An entry that names no binding or no key is reported
and skipped; the others are applied. Also here: the keys some terminals never pass on, which
no action may depend on alone.
"""

from __future__ import annotations

import pkgutil
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _normalize_key_list, key_to_character

from segdesk.paths import config_dir

KEYMAP_FILE = "keymap.toml"
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED_KEYS = frozenset(k.value for k in Keys if "+" not in k.value and not k.value.startswith("<"))

SWALLOWED = {
    "ctrl+s": "flow control (XOFF) stops the terminal",
    "ctrl+q": "flow control (XON)",
    "ctrl+h": "sent as backspace by many terminals",
    "ctrl+a": "GNU screen's prefix",
    "ctrl+b": "tmux's prefix",
}
"""Keys that terminals, multiplexers or SSH clients may keep to themselves, and why;
alt and meta combinations too (`swallowed`)."""


@dataclass(frozen=True)
class KeymapProblem:
    entry: str
    reason: str
    skipped: bool = True
    """False for an entry applied all the same (its key took another binding's place)."""

    def __str__(self) -> str:
        return f"{self.entry}: {self.reason}" + (" (skipped)" if self.skipped else "")


def keymap_path() -> Path:
    return config_dir() / KEYMAP_FILE


def swallowed(key: str) -> bool:
    """True for a key (``ctrl+s``, ``alt+x``) that may never reach the app."""
    modifiers = key.split("+")[:-1]
    return key in SWALLOWED or "alt" in modifiers or "meta" in modifiers


def read_keymap(path: Path) -> tuple[dict[str, str], list[KeymapProblem]]:
    """The keymap in ``path`` (binding id to keys, comma-separated) and its bad entries.

    ``app.help = "f1"`` and ``"app.help" = "f1"`` are the same entry; a value may also be a
    list of keys. No file is no keymap, not a problem.
    """
    if not path.exists():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [KeymapProblem(path.name, f"cannot read: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        return {}, [KeymapProblem(path.name, f"not valid TOML: {exc}")]
    keymap: dict[str, str] = {}
    problems: list[KeymapProblem] = []
    for binding_id, value in _flatten(data):
        keys = [value] if isinstance(value, str) else value
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            problems.append(KeymapProblem(binding_id, 'keys must be text, such as "f5"'))
            continue
        joined = ",".join(k.strip() for k in keys)
        if reason := key_problem(joined):
            problems.append(KeymapProblem(binding_id, reason))
        else:
            keymap[binding_id] = joined
    return keymap, problems


def key_problem(keys: str) -> str | None:
    """Why ``keys`` (comma-separated, as in a `Binding`) is not a list of keys, or None."""
    for key in keys.split(","):
        if len(key) == 1:
            continue  # any one character: "?", "C", "é"
        *modifiers, base = key.split("+")
        known = len(base) == 1 or base in NAMED_KEYS or key_to_character(base) is not None
        if not key or not known or any(m not in MODIFIERS for m in modifiers):
            return f"{key!r} is not a key"
    return None


def check_ids(keymap: dict[str, str]) -> list[KeymapProblem]:
    """The entries of ``keymap`` that name no binding (a typing mistake), and those whose key
    takes the place of another binding of the same screen, which Textual does silently."""
    found = all_bindings()
    known = {binding.id for _, binding in found if binding.id}
    problems = [KeymapProblem(i, "no key has this id") for i in keymap if i not in known]
    for binding_id, keys in keymap.items():
        new_keys = set(_normalize_key_list(keys).split(","))
        classes = {cls for cls, binding in found if binding.id == binding_id}
        for cls, other in found:
            if cls in classes and other.id not in keymap and other.key in new_keys:
                said = (
                    f"{other.key} no longer does {other.description or other.action} ({other.id})"
                )
                problems.append(KeymapProblem(binding_id, said, skipped=False))
    return list(dict.fromkeys(problems))


def binding_ids() -> set[str]:
    """The id of every binding of the app, its screens and widgets (Textual's own have none).

    Imports every module of the app's interface: only called when there is a keymap.
    """
    return {binding.id for _, binding in all_bindings() if binding.id}


def all_bindings() -> list[tuple[type[DOMNode], Binding]]:
    """Every binding declared by a class of ``segdesk.tui``, with the class."""
    import segdesk.tui

    found: list[tuple[type[DOMNode], Binding]] = []
    for info in pkgutil.walk_packages(segdesk.tui.__path__, f"{segdesk.tui.__name__}."):
        module = import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, DOMNode)
                and value.__module__ == module.__name__
            ):
                declared = Binding.make_bindings(value.__dict__.get("BINDINGS", []))
                found += [(value, binding) for binding in declared]
    return found


@cache
def declared_bindings() -> dict[str, Binding]:
    """Every binding by its id, with all its keys as declared (before any keymap).

    Imports every module of the app's interface, once: only called by `?`.
    """
    found: dict[str, Binding] = {}
    for _, binding in all_bindings():
        if binding.id is None:
            continue
        if (seen := found.get(binding.id)) is None:
            found[binding.id] = binding
        elif binding.key not in seen.key.split(","):
            found[binding.id] = seen.with_key(f"{seen.key},{binding.key}", seen.key_display)
    return found


def _flatten(data: dict[str, object], prefix: str = "") -> list[tuple[str, object]]:
    """``{"app": {"help": "f1"}}`` → ``[("app.help", "f1")]``."""
    found: list[tuple[str, object]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            found += _flatten(value, f"{prefix}{key}.")
        else:
            found.append((f"{prefix}{key}", value))
    return found
