"""A scriptable upstream API server: HTTP/1.1 with keep-alive on a real loopback socket.

Tests queue what the next requests get (`script(...)`) or install a `responder(request) -> response`. A response is
one of:

- `Reply(status, headers, body, end)` — a whole response with a Content-Length (unless the headers give one), body
  bytes exactly as given; `end="break"` closes the connection right after them (with a larger Content-Length: a
  truncated body);
- `Stream(status, headers, parts, end)` — chunked transfer encoding; each `bytes` part goes out as one chunk the moment
  it is reached, `Pause(seconds)` stays silent, `WaitFor(event)` stays silent until a test sets the event; `end` is
  "finish" (terminating chunk), "break" (the connection is closed mid-body) or "hang" (silent until the peer leaves);
- `Silent()` — reads the request and never answers;
- `Firehose(block, repeat, tail)` — a chunked body of `block` repeated `repeat` times then `tail`, written as fast as
  the peer takes it, without keeping a copy.

Every request is recorded (`requests`): method, target, headers as sent, raw body bytes, the connection it came on,
and the body bytes the mock then wrote. Every connection records when the peer closed it (`closed_at`, monotonic).
"""
from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Callable, Union

from .netio import PeerClosed, ServerThread, Stopped, Wire


# ---- scripts -------------------------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    reason: str | None = None
    end: str = "finish"  # finish | break (close the connection right after the bytes, e.g. to truncate a body)


@dataclass
class Pause:
    seconds: float


@dataclass
class WaitFor:
    event: threading.Event
    timeout: float = 10.0


@dataclass
class Stream:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    parts: list[Union[bytes, Pause, WaitFor]] = field(default_factory=list)
    end: str = "finish"  # finish | break | hang

    @property
    def body(self) -> bytes:
        """The bytes the stream sends in all."""
        return b"".join(part for part in self.parts if isinstance(part, bytes))


@dataclass
class Silent:
    pass


@dataclass
class Firehose:
    block: bytes
    repeat: int
    tail: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.block) * self.repeat + len(self.tail)


Script = Union[Reply, Stream, Silent, Firehose]

REASONS = {529: "Site Overloaded"}


# ---- records -------------------------------------------------------------------------------------------------------


class Connection:
    def __init__(self, number: int, peer: tuple[str, int]):
        self.number = number
        self.peer = peer
        self.opened_at = time.monotonic()
        self.closed_at: float | None = None
        self.closed_by_peer = False
        self.closed = threading.Event()

    def mark_closed(self, by_peer: bool) -> None:
        if self.closed_at is None:
            self.closed_at = time.monotonic()
            self.closed_by_peer = by_peer
            self.closed.set()


class RecordedRequest:
    def __init__(self, method: str, target: str, version: str, headers: list[tuple[str, str]], body: bytes,
                 connection: Connection):
        self.method = method
        self.target = target
        self.path = target.split("?", 1)[0]
        self.version = version
        self.headers = headers
        self.body = body
        self.connection = connection
        self.received_at = time.monotonic()
        self.sent = bytearray()  # response body bytes written (payload, without chunk framing)
        self.sent_count = 0
        self.outcome: str | None = None  # complete | broken | peer-closed | stopped
        self.waits_satisfied: list[bool] = []
        self.finished = threading.Event()

    def header(self, name: str) -> str | None:
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def json(self):
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<{self.method} {self.target} {len(self.body)}B conn#{self.connection.number}>"


# ---- server --------------------------------------------------------------------------------------------------------


class MockUpstream:
    """One upstream API on 127.0.0.1:<ephemeral>."""

    def __init__(self, name: str = "upstream"):
        self.name = name
        self._lock = threading.Condition()
        self._queue: list[Script] = []
        self.responder: Callable[[RecordedRequest], Script] | None = None
        self.requests: list[RecordedRequest] = []
        self.connections: list[Connection] = []
        self._server = ServerThread(self._serve, name)
        self.port = self._server.port
        self.base_url = f"http://127.0.0.1:{self.port}"

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> "MockUpstream":
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.responder = None
            self.requests = []

    # -- scripting -------------------------------------------------------------------------------------------

    def script(self, *responses: Script) -> None:
        """Queues responses for the next requests, in order (before any responder)."""
        with self._lock:
            self._queue.extend(responses)

    def _pick(self, request: RecordedRequest) -> Script:
        with self._lock:
            if self._queue:
                return self._queue.pop(0)
            responder = self.responder
        if responder is not None:
            return responder(request)
        return Reply(599, [("content-type", "text/plain")], f"mock {self.name}: no response scripted".encode())

    # -- observing -------------------------------------------------------------------------------------------

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"mock {self.name}: expected {count} requests, saw {len(self.requests)}")
                self._lock.wait(remaining)
            return list(self.requests)

    @property
    def last(self) -> RecordedRequest:
        assert self.requests, f"mock {self.name} received no request"
        return self.requests[-1]

    # -- serving ---------------------------------------------------------------------------------------------

    def _serve(self, sock: socket.socket, peer) -> None:
        wire = Wire(sock, self._server.stop_event)
        with self._lock:
            connection = Connection(len(self.connections) + 1, peer)
            self.connections.append(connection)
        try:
            while True:
                try:
                    head = wire.read_until(b"\r\n\r\n")
                except PeerClosed:
                    connection.mark_closed(by_peer=True)
                    return
                request = self._read_request(wire, head, connection)
                with self._lock:
                    self.requests.append(request)
                    self._lock.notify_all()
                keep_alive = self._respond(wire, request, self._pick(request))
                if not keep_alive:
                    connection.mark_closed(by_peer=request.outcome == "peer-closed")
                    return
        except Stopped:
            connection.mark_closed(by_peer=False)
        except PeerClosed:
            connection.mark_closed(by_peer=True)
        finally:
            wire.close()

    @staticmethod
    def _read_request(wire: Wire, head: bytes, connection: Connection) -> RecordedRequest:
        lines = head[:-4].decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name, value.strip()))
        lower = {name.lower(): value for name, value in headers}
        if "chunked" in lower.get("transfer-encoding", "").lower():
            body = bytearray()
            while True:
                size = int(wire.read_until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    wire.read_until(b"\r\n")
                    break
                body += wire.read_exact(size)
                wire.read_exact(2)
            body = bytes(body)
        else:
            body = wire.read_exact(int(lower.get("content-length", "0")))
        if target.startswith("http://"):  # absolute form, as a forward proxy may send it
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        return RecordedRequest(method, target, version, headers, body, connection)

    def _respond(self, wire: Wire, request: RecordedRequest, script: Script) -> bool:
        """Writes the scripted response; returns whether the connection stays open for another request."""
        close = (request.header("connection") or "").lower() == "close"
        try:
            if isinstance(script, Silent):
                wire.idle(None)
            elif isinstance(script, Reply):
                headers = list(script.headers)
                if not any(k.lower() == "content-length" for k, _ in headers):
                    headers.append(("Content-Length", str(len(script.body))))
                wire.sendall(self._head(script.status, headers, close, script.reason) + script.body)
                request.sent += script.body
                if script.end == "break":
                    request.outcome = "broken"
                    wire.sock.shutdown(socket.SHUT_RDWR)
                    return False
                request.outcome = "complete"
            elif isinstance(script, Stream):
                headers = list(script.headers) + [("Transfer-Encoding", "chunked")]
                wire.sendall(self._head(script.status, headers, close))
                for part in script.parts:
                    if isinstance(part, Pause):
                        wire.idle(part.seconds)
                    elif isinstance(part, WaitFor):
                        deadline = time.monotonic() + part.timeout
                        while not part.event.is_set() and time.monotonic() < deadline:
                            wire.idle(0.005)
                        request.waits_satisfied.append(part.event.is_set())
                    elif part:
                        wire.sendall(b"%x\r\n%s\r\n" % (len(part), part))
                        request.sent += part
                if script.end == "break":
                    request.outcome = "broken"
                    wire.sock.shutdown(socket.SHUT_RDWR)
                    return False
                if script.end == "hang":
                    wire.idle(None)
                wire.sendall(b"0\r\n\r\n")
                request.outcome = "complete"
            elif isinstance(script, Firehose):
                headers = list(script.headers) + [("Transfer-Encoding", "chunked")]
                wire.sendall(self._head(200, headers, close))
                frame = b"%x\r\n%s\r\n" % (len(script.block), script.block)
                for _ in range(script.repeat):
                    wire.sendall(frame)
                    request.sent_count += len(script.block)
                if script.tail:
                    wire.sendall(b"%x\r\n%s\r\n" % (len(script.tail), script.tail))
                    request.sent_count += len(script.tail)
                wire.sendall(b"0\r\n\r\n")
                request.outcome = "complete"
            else:
                raise TypeError(f"unknown script {script!r}")
        except PeerClosed:
            request.outcome = "peer-closed"
            return False
        except Stopped:
            request.outcome = "stopped"
            raise
        finally:
            request.finished.set()
        return not close

    @staticmethod
    def _head(status: int, headers: list[tuple[str, str]], close: bool, reason: str | None = None) -> bytes:
        if reason is None:
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = REASONS.get(status, "Unknown")
        lines = [f"HTTP/1.1 {status} {reason}"] + [f"{name}: {value}" for name, value in headers]
        if close:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
