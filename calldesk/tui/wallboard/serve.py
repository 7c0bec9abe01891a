"""The wallboard served to browsers by textual-serve: its web server on a socket the command line has bound already,
so a port in use or an address that is not this machine's was refused in one line before anything started."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys

from aiohttp import web
from textual_serve.server import Server


class BoardServer(Server):
    """textual-serve's server, quiet but for problems, on a socket given to it."""

    def initialize_logging(self) -> None:
        # One plain line per problem on stderr: Rich's coloured log would be escaped by the command line's guard.
        logging.basicConfig(level=logging.WARNING, format="calldesk wallboard: %(message)s", stream=sys.stderr)

    async def on_startup(self, app: web.Application) -> None:
        """The command line has said where the board is served; textual-serve's banner would repeat it."""

    def serve_on(self, sock: socket.socket) -> None:
        """Serve until SIGINT or SIGTERM."""
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop, self.request_exit)
        web.run_app(self._make_app(), sock=sock, handle_signals=False, loop=loop, print=None)


def serve_board(command: str, sock: socket.socket, public_url: str) -> None:
    """Serve ``command`` (the board, run once per browser) on ``sock``; the page's websocket is at ``public_url``."""
    host, port = sock.getsockname()[:2]
    BoardServer(command, host=host, port=port, title="calldesk wallboard", public_url=public_url).serve_on(sock)
