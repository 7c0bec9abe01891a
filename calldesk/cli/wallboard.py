"""`calldesk wallboard`: the team's figures for the room, full screen in this terminal, or served to browsers (a TV
in the room) with textual-serve: `--serve [HOST:]PORT`, on 127.0.0.1 unless a host is given.

Served, each browser that opens the page gets a wallboard of its own, run as `python -m calldesk ... wallboard` with
the same config, database and options; the board only reads, so on PostgreSQL it can log in as a role of the
read-only group `calldesk_wallboard` (docs/wallboard.md).
"""

from __future__ import annotations

import argparse
import shlex
import socket
import sys

from calldesk.cli.context import CommandError, config_from, database_url, open_desk

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
PAGES = ("today", "team", "queue")  # calldesk.tui.wallboard.app.PAGES, without loading Textual for --help


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "wallboard", parents=[common], help="the team's figures for the room, in a terminal or a browser",
        description="A read-only, full-screen board of the team's figures: calls waiting, the longest wait, today's "
                    "service level and abandoned calls, operators by state, call-backs overdue and due within the "
                    "hour, service level by hour. Its pages turn every wallboard.page_seconds (config.yaml).",
    )
    parser.add_argument("--department", metavar="ID", default="",
                        help="only this department's queues, operators and call-backs (default: the whole desk)")
    parser.add_argument("--page", choices=PAGES, help="show this page only, instead of turning them")
    parser.add_argument("--serve", metavar="[HOST:]PORT", nargs="?", const=str(DEFAULT_PORT),
                        help=f"serve the board to browsers on http://HOST:PORT/ (HOST {DEFAULT_HOST} unless given; "
                             f"0.0.0.0 for every interface); --serve alone uses port {DEFAULT_PORT}")
    parser.add_argument("--public-url", metavar="URL",
                        help="the address browsers reach the served board at, when it is not http://HOST:PORT "
                             "(a proxy, or HOST 0.0.0.0)")
    parser.set_defaults(run=run)


def address(text: str) -> tuple[str, int]:
    """``[HOST:]PORT`` (an IPv6 host in brackets) as host and port; a mistake is a CommandError (exit 2)."""
    host, colon, port = text.rpartition(":")
    if not colon:
        host, port = DEFAULT_HOST, text
    host = host.removeprefix("[").removesuffix("]") if host.startswith("[") else host
    if not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise CommandError(f"--serve: expected [HOST:]PORT such as 127.0.0.1:8000, got {text!r}", status=2)
    return host, int(port)


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound and listening on host:port, or a one-line CommandError (exit 2): a host that does not resolve
    or is no address of this machine, a port in use or not ours to take."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise CommandError(f"--serve: cannot listen on {host}: {reason}", status=2) from None
    family, kind, proto, _, where = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        # The port stays ours across restarts (TIME_WAIT); a board or anything else listening on it still refuses.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(where)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise CommandError(f"--serve: cannot listen on {host}:{port}: {exc.strerror or exc}", status=2) from None
    return sock


def _board_command(args: argparse.Namespace, url: str) -> str:
    """The command line textual-serve runs for each browser: this board, in a child speaking its web driver."""
    words = [sys.executable, "-m", "calldesk", "--db", url]
    if getattr(args, "config", None):
        words += ["--config", args.config]
    words.append("wallboard")
    if args.department:
        words += ["--department", args.department]
    if args.page:
        words += ["--page", args.page]
    return shlex.join(words)


def serve(args: argparse.Namespace, url: str) -> int:
    """Serve the board to browsers until interrupted."""
    from calldesk.tui.wallboard.serve import serve_board

    host, port = address(args.serve)
    sock = listening_socket(host, port)
    shown_host = f"[{host}]" if ":" in host else host
    public_url = (args.public_url or f"http://{shown_host}:{port}").rstrip("/")
    print(f"calldesk: the wallboard is served on {public_url}/ (ctrl+c stops it)", file=sys.stderr, flush=True)
    serve_board(_board_command(args, url), sock, public_url)
    return 0


def run(args: argparse.Namespace) -> int:
    from calldesk.desk.errors import DeskError
    from calldesk.desk.stats.wallboard import check_department

    url = database_url(args, config_from(args))
    desk = open_desk(args, url, existing=True)
    try:
        check_department(desk, args.department)
    except DeskError as exc:
        raise CommandError(f"--department: {exc}", status=2) from None
    if args.serve is not None:
        return serve(args, url)
    from calldesk.tui.wallboard.app import WallboardApp

    WallboardApp(desk, args.department, args.page).run()
    return 0
