"""`segdesk serve`: the app in a browser, through textual-serve, reachable from this machine
only (docs/serve.md). Each browser tab runs its own app process on the same database."""

from __future__ import annotations

import argparse
import asyncio
import errno
import os
import shlex
import socket
import sys
from typing import TYPE_CHECKING, Any

from segdesk.cli.common import EXIT_OK, db_target, theme_option
from segdesk.errors import UserError

if TYPE_CHECKING:
    from textual_serve.server import Server

HOST = "127.0.0.1"
"""Loopback only: another machine reaches the app through an SSH tunnel, never directly."""
DEFAULT_PORT = 8000
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
"""The driver textual-serve names in ``TEXTUAL_DRIVER`` for each app process it starts."""


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    text = "open the app in a browser, on this machine only (127.0.0.1)"
    serve = commands.add_parser(
        "serve",
        parents=[common, theme_option()],
        help=text,
        description=f"{text}. From another machine: ssh -L {DEFAULT_PORT}:localhost:"
        f"{DEFAULT_PORT} user@host, then open http://localhost:{DEFAULT_PORT} there. "
        "Needs the serve extra: pip install 'segdesk[serve]'.",
    )
    serve.add_argument(
        "--port",
        metavar="N",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"the port to listen on (default: {DEFAULT_PORT})",
    )
    serve.add_argument(
        "--demo", action="store_true", help="serve a fresh copy of the sample database"
    )
    serve.set_defaults(handler=cmd_serve)


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1 to 65535."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {text!r}")
    return int(text)


def served_in_a_browser() -> bool:
    """Whether this process is an app session textual-serve started: its input and output
    are pipes to the server, not a terminal."""
    return os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER


def cmd_serve(args: argparse.Namespace) -> int:
    if args.demo and hasattr(args, "db"):
        raise UserError("--db and --demo name two databases: give one")
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UserError(
            "serving the app needs textual-serve: pip install 'segdesk[serve]'"
        ) from None
    _check_free(args.port)
    theme: str | None = getattr(args, "theme", None)
    if args.demo:
        from segdesk.demo import fresh_demo_copy

        db = str(fresh_demo_copy())
    else:
        db = db_target(args)
    url = f"http://localhost:{args.port}"
    print(f"Segment Desk on {url} (this machine only; ctrl+c stops it)")
    print(
        f"From another machine: ssh -L {args.port}:localhost:{args.port} user@host, then open "
        f"{url} there"
    )
    sys.stdout.flush()

    server = local_server(Server, app_command(db, theme), args.port, url)
    try:
        server.serve()
    except OSError as exc:
        raise UserError(_port_problem(args.port, exc)) from None
    return EXIT_OK


def local_server(server_class: type[Server], command: str, port: int, url: str) -> Server:
    """textual-serve on 127.0.0.1, without its banner (the lines printed say where to go), and
    ending every tab's app at ctrl+c instead of waiting for the tabs to close."""

    class LocalServer(server_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.tabs: set[asyncio.Task[Any]] = set()

        async def handle_websocket(self, request: Any) -> Any:
            tab = asyncio.current_task()
            assert tab is not None
            self.tabs.add(tab)
            try:
                return await super().handle_websocket(request)
            finally:
                self.tabs.discard(tab)

        async def on_startup(self, app: Any) -> None:
            pass

        async def on_shutdown(self, app: Any) -> None:
            for tab in list(self.tabs):
                tab.cancel()

    return LocalServer(command, host=HOST, port=port, title="Segment Desk", public_url=url)


def app_command(db: str, theme: str | None) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, on ``db``."""
    words = [sys.executable, "-m", "segdesk", "--db", db]
    if theme:
        words += ["--theme", theme]
    return shlex.join(words)


def _check_free(port: int) -> None:
    """Refuse a port taken on 127.0.0.1 before saying where to go, as the server would bind."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise UserError(_port_problem(port, exc)) from None


def _port_problem(port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is in use on {HOST}: choose another with --port N"
    return f"cannot listen on {HOST} port {port}: {exc.strerror or exc}"
