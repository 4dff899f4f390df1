"""Small upstream proxies that record what they saw.

- `HTTPProxy`: an HTTP proxy with Basic `Proxy-Authorization`. It tunnels `CONNECT host:port` and forwards
  absolute-form requests (`POST http://host:port/path`, which is what libcurl sends for a plain-http target) with the
  proxy headers removed. Without the right credentials it answers 407.
- `Socks5Proxy`: SOCKS5 (RFC 1928) with username/password authentication (RFC 1929) only; CONNECT to IPv4, IPv6 or
  domain-name targets (the latter is what `socks5h://` sends).

Each accepted session is appended to `sessions` as a dict.
"""
from __future__ import annotations

import base64
import ipaddress
import select
import socket
import struct
import threading

from .netio import PeerClosed, ServerThread, Stopped, Wire


def relay(a: Wire, b: Wire, stop: threading.Event) -> None:
    """Copies bytes both ways until either side closes or the server stops."""
    for wire in (a, b):
        if wire.buf:
            other = b if wire is a else a
            other.sendall(bytes(wire.buf))
            wire.buf.clear()
    socks = {a.sock: b, b.sock: a}
    while not stop.is_set():
        readable, _, _ = select.select(list(socks), [], [], 0.02)
        for sock in readable:
            try:
                data = sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError:
                return
            if not data:
                return
            try:
                socks[sock].sendall(data)
            except PeerClosed:
                return


def connect(host: str, port: int, stop: threading.Event) -> Wire:
    sock = socket.create_connection((host, port), timeout=5)
    return Wire(sock, stop)


class _Proxy:
    def __init__(self, username: str, password: str, name: str):
        self.username = username
        self.password = password
        self.sessions: list[dict] = []
        self._lock = threading.Lock()
        self._server = ServerThread(self._serve, name)
        self.port = self._server.port

    def start(self):
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def reset(self) -> None:
        with self._lock:
            self.sessions = []

    def _record(self, session: dict) -> None:
        with self._lock:
            self.sessions.append(session)

    def _serve(self, sock, peer) -> None:
        stop = self._server.stop_event
        client = Wire(sock, stop)
        target = None
        try:
            target = self._handshake(client, stop)
            if target is not None:
                relay(client, target, stop)
        except (PeerClosed, Stopped, OSError):
            pass
        finally:
            client.close()
            if target is not None:
                target.close()

    def _handshake(self, client: Wire, stop: threading.Event) -> Wire | None:
        raise NotImplementedError


class HTTPProxy(_Proxy):
    def __init__(self, username: str = "proxyuser", password: str = "proxy-secret-http"):
        super().__init__(username, password, "http-proxy")

    def url(self, with_credentials: bool = True, password: str | None = None) -> str:
        auth = f"{self.username}:{password or self.password}@" if with_credentials else ""
        return f"http://{auth}127.0.0.1:{self.port}"

    def _handshake(self, client: Wire, stop: threading.Event) -> Wire | None:
        head = client.read_until(b"\r\n\r\n").decode("latin-1")
        lines = head[:-4].split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers = [(name, value.strip()) for name, _, value in (line.partition(":") for line in lines[1:])]
        auth = next((value for name, value in headers if name.lower() == "proxy-authorization"), None)
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        session = {"method": method, "target": target, "headers": headers, "proxy_authorization": auth,
                   "authorized": auth == expected}
        self._record(session)
        if auth != expected:
            body = b"proxy authentication required"
            client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                           b"Proxy-Authenticate: Basic realm=\"mock\"\r\nContent-Length: %d\r\n"
                           b"Connection: close\r\n\r\n%s" % (len(body), body))
            return None
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            upstream = connect(host.strip("[]"), int(port), stop)
            client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            return upstream
        # Forward proxying: absolute-form request line → origin form; one request per connection.
        assert target.startswith("http://"), target
        hostport, _, path = target[len("http://"):].partition("/")
        host, _, port = hostport.rpartition(":")
        upstream = connect(host.strip("[]"), int(port or 80), stop)
        kept = [(n, v) for n, v in headers
                if n.lower() not in ("proxy-authorization", "proxy-connection", "connection", "keep-alive")]
        out = [f"{method} /{path} {version}"] + [f"{n}: {v}" for n, v in kept] + ["Connection: close"]
        upstream.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
        return upstream


class Socks5Proxy(_Proxy):
    def __init__(self, username: str = "sockuser", password: str = "sock-secret-5"):
        super().__init__(username, password, "socks5-proxy")

    def url(self, scheme: str = "socks5h", password: str | None = None) -> str:
        return f"{scheme}://{self.username}:{password or self.password}@127.0.0.1:{self.port}"

    def _handshake(self, client: Wire, stop: threading.Event) -> Wire | None:
        session: dict = {"methods_offered": None, "username": None, "password": None, "authorized": False}
        self._record(session)
        version, count = client.read_exact(2)
        if version != 5:
            return None
        methods = list(client.read_exact(count))
        session["methods_offered"] = methods
        if 0x02 not in methods:
            client.sendall(b"\x05\xff")
            return None
        client.sendall(b"\x05\x02")
        sub_version, ulen = client.read_exact(2)
        username = client.read_exact(ulen).decode()
        (plen,) = client.read_exact(1)
        password = client.read_exact(plen).decode()
        session.update(username=username, password=password)
        if (username, password) != (self.username, self.password):
            client.sendall(b"\x01\x01")
            return None
        session["authorized"] = True
        client.sendall(b"\x01\x00")
        version, command, _, atyp = client.read_exact(4)
        if atyp == 1:
            host = str(ipaddress.IPv4Address(client.read_exact(4)))
            kind = "ipv4"
        elif atyp == 4:
            host = str(ipaddress.IPv6Address(client.read_exact(16)))
            kind = "ipv6"
        else:
            (length,) = client.read_exact(1)
            host = client.read_exact(length).decode()
            kind = "domain"
        (port,) = struct.unpack("!H", client.read_exact(2))
        session.update(command=command, address_type=kind, host=host, port=port)
        if command != 1:
            client.sendall(b"\x05\x07\x00\x01" + b"\x00" * 6)
            return None
        try:
            upstream = connect("127.0.0.1" if host == "localhost" else host, port, stop)
        except OSError:
            client.sendall(b"\x05\x05\x00\x01" + b"\x00" * 6)
            return None
        bound_host, bound_port = upstream.sock.getsockname()[:2]
        client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton(bound_host) + struct.pack("!H", bound_port))
        return upstream
