"""The user's keymap overrides keys by binding id; its mistakes are reported and skipped; `?`
shows the keys in effect; no action depends only on a key a terminal may swallow."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from segdesk.tui.app import make_app
from segdesk.tui.keymap import all_bindings, keymap_path, read_keymap, swallowed
from segdesk.tui.screens.help import HelpScreen
from tests.tui.helpers import settle, wait_until


def test_read_keymap_keeps_the_good_entries_and_names_the_bad(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text(
        '"app.help" = "f1"\n'
        'app.contacts = ["C", "f3"]\n'
        "[segments]\n"
        'refresh = "ctrl+nope"\n'
        "open = 5\n"
        'new = ""\n'
    )
    keymap, problems = read_keymap(path)
    assert keymap == {"app.help": "f1", "app.contacts": "C,f3"}
    assert [str(p) for p in problems] == [
        "segments.refresh: 'ctrl+nope' is not a key (skipped)",
        'segments.open: keys must be text, such as "f5" (skipped)',
        "segments.new: '' is not a key (skipped)",
    ]
    assert read_keymap(tmp_path / "missing.toml") == ({}, [])
    path.write_text("app.help = \n")
    keymap, problems = read_keymap(path)
    assert keymap == {} and problems[0].reason.startswith("not valid TOML")


async def test_a_keymap_file_changes_a_binding_and_help_shows_it(shop: Path) -> None:
    keymap_path().parent.mkdir(parents=True, exist_ok=True)
    keymap_path().write_text(
        '[app]\ncontacts = "C"\nnope = "f5"\nmodels = "ctrl+nope"\nhelp = "question_mark,i"\n',
        encoding="utf-8",
    )
    app = make_app(db=str(shop))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        said = " ".join(str(n.message) for n in app._notifications)
        assert str(keymap_path()) in said
        assert "app.nope: no key has this id (skipped)" in said
        assert "app.models: 'ctrl+nope' is not a key (skipped)" in said
        assert "app.help: i no longer does Import (app.import)" in said

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = dict((what, key) for key, what in app.screen.keys)
        assert keys["Contacts"] == "C"
        assert keys["Models"] == "m"  # the bad entry left its key alone
        assert keys["Help"] == "?, i"
        await pilot.press("escape")

        await pilot.press("c")
        await pilot.pause()
        assert app.current_mode == "home"
        await pilot.press("C")
        await wait_until(pilot, lambda: app.current_mode == "contacts", "C opens the contacts")


def test_every_binding_has_an_id_and_a_key_terminals_pass_on() -> None:
    """An action bound only to ctrl+s, ctrl+q (flow control), ctrl+h (backspace), a
    multiplexer's prefix or alt/meta (lost over some SSH clients) may be out of reach."""
    keys: dict[tuple[str, str], list[str]] = defaultdict(list)
    found = all_bindings()
    assert len(found) > 150
    for cls, binding in found:
        where = f"{cls.__module__}.{cls.__name__}"
        assert binding.id, f"{where}: {binding.key} -> {binding.action} has no id"
        keys[(where, binding.action)].append(binding.key)
    assert swallowed("ctrl+s") and swallowed("alt+x") and not swallowed("f2")
    out_of_reach = {f"{w} {a}": k for (w, a), k in keys.items() if all(map(swallowed, k))}
    assert out_of_reach == {}


def test_the_keys_page_lists_every_binding_id() -> None:
    page = (Path(__file__).parents[2] / "docs" / "keys.md").read_text(encoding="utf-8")
    missing = sorted(b.id for _, b in all_bindings() if b.id and f"`{b.id}`" not in page)
    assert missing == [], "add these ids to docs/keys.md"
