"""Socket plumbing shared by the mock upstreams and the mock proxies.

Every blocking wait is sliced into short polls so that a server's `stop()` ends all of its threads promptly, and a
peer that closes its end is noticed (and time-stamped) the moment the kernel reports it.
"""
from __future__ import annotations

import select
import socket
import socketserver
import threading
import time

POLL = 0.02  # seconds between checks of the stop flag while blocked


class PeerClosed(Exception):
    """The other end closed (or reset) the connection."""


class Stopped(Exception):
    """The owning server is shutting down."""


class Wire:
    """A non-blocking socket with a read buffer, read/write helpers and peer-close detection."""

    def __init__(self, sock: socket.socket, stop: threading.Event):
        self.sock = sock
        self.stop = stop
        self.buf = bytearray()
        sock.setblocking(False)

    # -- reading ---------------------------------------------------------------------------------------------

    def _wait(self, readable: bool, deadline: float | None) -> bool:
        """Waits until the socket is readable/writable; False at the deadline. Raises Stopped on shutdown."""
        while True:
            if self.stop.is_set():
                raise Stopped()
            slice_ = POLL if deadline is None else max(0.0, min(POLL, deadline - time.monotonic()))
            r, w, _ = select.select([self.sock] if readable else [], [] if readable else [self.sock], [], slice_)
            if r or w:
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False

    def recv_more(self, deadline: float | None = None) -> bool:
        """Appends whatever arrives to the buffer; False at the deadline; PeerClosed on EOF or reset."""
        if not self._wait(True, deadline):
            return False
        try:
            data = self.sock.recv(262144)
        except BlockingIOError:
            return True
        except (ConnectionResetError, ConnectionAbortedError, OSError) as exc:
            raise PeerClosed() from exc
        if not data:
            raise PeerClosed()
        self.buf += data
        return True

    def read_until(self, marker: bytes, limit: int = 1 << 20) -> bytes:
        """Returns bytes up to and including `marker`."""
        while True:
            index = self.buf.find(marker)
            if index >= 0:
                out = bytes(self.buf[: index + len(marker)])
                del self.buf[: index + len(marker)]
                return out
            if len(self.buf) > limit:
                raise ValueError("header block too large")
            self.recv_more()

    def read_exact(self, count: int) -> bytes:
        while len(self.buf) < count:
            self.recv_more()
        out = bytes(self.buf[:count])
        del self.buf[:count]
        return out

    # -- writing ---------------------------------------------------------------------------------------------

    def sendall(self, data: bytes | bytearray | memoryview) -> None:
        view = memoryview(data)
        while view:
            self._wait(False, None)
            try:
                sent = self.sock.send(view)
            except BlockingIOError:
                continue
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError) as exc:
                raise PeerClosed() from exc
            view = view[sent:]

    # -- idling ----------------------------------------------------------------------------------------------

    def idle(self, seconds: float | None) -> None:
        """Stays silent for `seconds` (None: forever) while watching for the peer to close (raises PeerClosed).

        Bytes the peer sends meanwhile are kept in the buffer.
        """
        deadline = None if seconds is None else time.monotonic() + seconds
        while deadline is None or time.monotonic() < deadline:
            self.recv_more(deadline)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class ThreadedServer(socketserver.ThreadingTCPServer):
    """A loopback TCP server with one thread per connection, all joined on `server_close()`."""

    allow_reuse_address = True
    daemon_threads = False
    block_on_close = True
    request_queue_size = 256

    def __init__(self, handle):
        self._handle = handle
        super().__init__(("127.0.0.1", 0), socketserver.BaseRequestHandler)

    def finish_request(self, request, client_address):
        self._handle(request, client_address)

    def handle_error(self, request, client_address):  # a test bug must not print tracebacks for closed sockets
        import traceback
        traceback.print_exc()


class ServerThread:
    """Runs a ThreadedServer in a background thread; `stop()` ends the accept loop and every connection thread."""

    def __init__(self, handle, name: str):
        self.stop_event = threading.Event()
        self.server = ThreadedServer(handle)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"{name}-accept", daemon=False)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        self.server.shutdown()
        self._thread.join()
        self.server.server_close()  # joins the connection threads (they poll stop_event)
