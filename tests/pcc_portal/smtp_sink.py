"""An SMTP server for tests: it listens on 127.0.0.1, on a free port, in a thread of the test
process, and keeps every message it is given (aiosmtpd does the SMTP).

It can also hold back its reply to chosen messages: the message is recorded, but the client waits
for "250 OK" until the test calls `release()`. A worker killed while it waits has delivered the
message without knowing it, the moment that makes at-least-once delivery send it twice.
"""

import asyncio
import socket
import threading
import time
from dataclasses import dataclass
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    message_id: str
    recipients: tuple[str, ...]  # the envelope's RCPT TO addresses
    raw: bytes


class SMTPSink:
    """Use as a context manager; `port` is known once it is entered.

    `hold_at`: counts of distinct Message-IDs (for example {150, 450}) at which the reply to that
    message is held; `wait_for_hold()` returns its Message-ID and `release()` lets it go. A held
    reply is let go by itself after `hold_timeout` seconds, so the sink never hangs a test.
    """

    def __init__(self, *, hold_at: tuple[int, ...] = (), hold_timeout: float = 60):
        self.received: list[Received] = []
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._hold_at = set(hold_at)
        self._hold_timeout = hold_timeout
        self._held = threading.Condition(self._lock)
        self._holding: str | None = None
        self._released = threading.Event()
        self._socket: socket.socket | None = None
        self._controller: Controller | None = None
        self.port = 0

    # --- what the test reads ---------------------------------------------------------------

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def distinct(self) -> int:
        with self._lock:
            return len(self._seen)

    def snapshot(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def wait_for_hold(self, timeout: float) -> str | None:
        """The Message-ID whose reply is being held, once one is; None after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._held:
            while self._holding is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._held.wait(left)
            return self._holding

    def release(self) -> None:
        """Let the held reply go."""
        with self._lock:
            self._holding = None
            self._released.set()

    # --- aiosmtpd's handler --------------------------------------------------------------------

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        raw = envelope.content
        message_id = BytesHeaderParser().parsebytes(raw).get("Message-ID", "")
        with self._held:
            self.received.append(Received(message_id, tuple(envelope.rcpt_tos), raw))
            new = message_id not in self._seen
            self._seen.add(message_id)
            hold = new and len(self._seen) in self._hold_at
            if hold:
                self._released.clear()
                self._holding = message_id
                self._held.notify_all()
        if hold:
            deadline = time.monotonic() + self._hold_timeout
            while not self._released.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            with self._lock:
                if self._holding == message_id:  # not released: timed out
                    self._holding = None
        return "250 OK"

    # --- starting and stopping -----------------------------------------------------------------

    def __enter__(self):
        # Bound here, so the port is free and known before the server starts. IPPROTO_TCP by
        # name: asyncio sets TCP_NODELAY only on sockets that say so, and without it each reply
        # of several lines (EHLO's) waits 40 ms for the client's delayed ACK.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.bind((HOST, 0))
        self.port = self._socket.getsockname()[1]
        self._controller = _BoundController(self, sock=self._socket, port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc_info):
        self.release()
        if self._controller is not None:
            self._controller.stop()
        if self._socket is not None:
            self._socket.close()
        return False


class _BoundController(Controller):
    """aiosmtpd's threaded controller, serving a socket already bound (no race for the port)."""

    def __init__(self, handler, *, sock: socket.socket, port: int):
        # server_hostname: the greeting's name, so that the sink looks up no host name.
        super().__init__(handler, hostname=HOST, port=port, server_hostname="sink.localhost")
        self._sock = sock

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._sock)
