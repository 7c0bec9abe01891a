"""A small Asterisk stand-in for the tests: it speaks the Manager Interface (AMI) over TCP as Asterisk documents it.

A banner line on connect; actions and events as ``Key: value`` lines ending with a blank line; responses carry the
action's ActionID; QueueStatus answers with an event list. It runs its own asyncio loop in a thread, so a test (or
scripts/bench_ami.py) drives it with plain calls: ``emit`` events, ``drop`` the link, inspect ``actions``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterable, Mapping

BANNER = "Asterisk Call Manager/9.0.0\r\n"
EOL = "\r\n"


def ami_block(fields: Mapping[str, object]) -> str:
    """One AMI message: its fields as lines, then the blank line that ends it."""
    return "".join(f"{key}: {value}{EOL}" for key, value in fields.items()) + EOL


class AmiServer:
    """Accepts AMI clients on 127.0.0.1; ``queue_entries`` and ``queue_members`` are what QueueStatus reports."""

    def __init__(self, username: str = "calldesk", secret: str = "s3cret") -> None:
        self.username = username
        self.secret = secret
        self.actions: list[dict[str, str]] = []
        self.queue_entries: list[dict[str, str]] = []
        self.queue_members: list[dict[str, str]] = []
        self.refusing: dict[str, str] = {}  # action name (lower case) -> the error a real PBX would answer
        self.logins = 0
        self.port = 0
        self.sent_at: dict[str, float] = {}  # Uniqueid of each emitted event -> perf_counter when it was written
        self._clients: set[asyncio.StreamWriter] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="ami-test-server", daemon=True)

    def __enter__(self) -> AmiServer:
        self._thread.start()
        if not self._ready.wait(5):
            raise RuntimeError("the test AMI server did not start")
        return self

    def __exit__(self, *_: object) -> None:
        self._call(self._shutdown)
        self._thread.join(5)

    @property
    def connected_clients(self) -> int:
        return len(self._clients)

    def emit(self, event: str, **fields: object) -> None:
        """Send one event to every logged-in client."""
        self.emit_many([{"Event": event, **fields}])

    def emit_many(self, events: Iterable[Mapping[str, object]]) -> None:
        """Send events in one write, as a busy Asterisk does."""
        events = list(events)
        self._call(self._broadcast, "".join(ami_block(e) for e in events), events)

    def emit_raw(self, text: str) -> None:
        """Send bytes as they are: for malformed input."""
        self._call(self._broadcast, text, [])

    def drop(self) -> None:
        """Close every client's connection, as a restarting Asterisk does."""
        self._call(self._drop)

    def _call(self, fn: object, *args: object) -> None:
        done = threading.Event()

        def run() -> None:
            fn(*args)
            done.set()

        self._loop.call_soon_threadsafe(run)
        done.wait(5)

    def _serve(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        self._stopped = asyncio.Event()
        self._ready.set()
        await self._stopped.wait()

    def _shutdown(self) -> None:
        self._drop()
        self._server.close()
        self._stopped.set()

    def _drop(self) -> None:
        for writer in list(self._clients):
            writer.close()
        self._clients.clear()

    def _broadcast(self, text: str, events: list[Mapping[str, object]]) -> None:
        now = time.perf_counter()
        for event in events:
            if "Uniqueid" in event:
                self.sent_at.setdefault(str(event["Uniqueid"]), now)
        for writer in self._clients:
            writer.write(text.encode())

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(BANNER.encode())
        try:
            while True:
                block = await reader.readuntil(b"\r\n\r\n")
                action = dict(
                    line.split(": ", 1) for line in block.decode().split(EOL) if ": " in line
                )
                self.actions.append(action)
                if not self._answer(action, writer):
                    break
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._clients.discard(writer)
            writer.close()

    def _answer(self, action: dict[str, str], writer: asyncio.StreamWriter) -> bool:
        """Write the response; False closes the connection."""
        name = action.get("Action", "").lower()
        reply: dict[str, object] = {"ActionID": action.get("ActionID", "")}
        if name == "login":
            if action.get("Username") != self.username or action.get("Secret") != self.secret:
                writer.write(ami_block({"Response": "Error", **reply, "Message": "Authentication failed"}).encode())
                return False
            self.logins += 1
            self._clients.add(writer)
            writer.write(ami_block({"Response": "Success", **reply, "Message": "Authentication accepted"}).encode())
            writer.write(ami_block({"Event": "FullyBooted", "Privilege": "system,all", "Status": "Fully Booted"})
                         .encode())
            return True
        if writer not in self._clients:
            writer.write(ami_block({"Response": "Error", **reply, "Message": "Permission denied"}).encode())
            return True
        if name in self.refusing:
            writer.write(ami_block({"Response": "Error", **reply, "Message": self.refusing[name]}).encode())
            return True
        match name:
            case "ping":
                writer.write(ami_block({"Response": "Success", **reply, "Ping": "Pong",
                                        "Timestamp": f"{time.time():.6f}"}).encode())
            case "queuestatus":
                writer.write(ami_block({"Response": "Success", **reply, "EventList": "start",
                                        "Message": "Queue status will follow"}).encode())
                listed = [{"Event": "QueueMember", **m} for m in self.queue_members]
                listed += [{"Event": "QueueEntry", **e} for e in self.queue_entries]
                for item in listed:
                    writer.write(ami_block({**item, **reply}).encode())
                writer.write(ami_block({"Event": "QueueStatusComplete", **reply, "EventList": "Complete",
                                        "ListItems": len(listed)}).encode())
            case "atxfer" | "cancelatxfer" | "hangup":  # consult first: the attended transfer and its two ends
                done = {"atxfer": "Atxfer successfully queued", "cancelatxfer": "CancelAtxfer successfully queued",
                        "hangup": "Channel Hungup"}[name]
                writer.write(ami_block({"Response": "Success", **reply, "Message": done}).encode())
            case "originate":
                writer.write(ami_block({"Response": "Success", **reply,
                                        "Message": "Originate successfully queued"}).encode())
            case "queuepause":
                known = {m.get("Interface") for m in self.queue_members}
                if action.get("Interface") in known:
                    writer.write(ami_block({"Response": "Success", **reply,
                                            "Message": "Interface paused successfully"}).encode())
                else:
                    writer.write(ami_block({"Response": "Error", **reply, "Message": "Interface not found"}).encode())
            case "queueadd" | "queueremove" | "queuepenalty":  # Asterisk's words for a member added, removed, moved
                done = {"queueadd": "Added interface to queue", "queueremove": "Removed interface from queue",
                        "queuepenalty": "Interface penalty set successfully"}[name]
                writer.write(ami_block({"Response": "Success", **reply, "Message": done}).encode())
            case "logoff":
                writer.write(ami_block({"Response": "Goodbye", **reply, "Message": "Thanks for all the fish."})
                             .encode())
                return False
            case _:
                writer.write(ami_block({"Response": "Error", **reply, "Message": "Invalid/unknown command"}).encode())
        return True
