"""At the open-file limit the gateway pauses accepting instead of spinning, says so once, and takes the waiting
connections as soon as descriptors are free again.

A listening socket whose accepts fail with EMFILE stays readable (the connections wait in its backlog): retried on
every turn of the event loop, one 10,000-stream benchmark run made 777,000 failed accepts, a core's worth of CPU
taken from the streams on that loop.
"""
from __future__ import annotations

import os
import shutil
import socket
import time

import pytest

import harness

LIMIT = 160  # descriptors the gateway may hold (soft and hard: it raises its soft limit to the hard one)


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def health_request(connection: socket.socket) -> None:
    connection.sendall(b"GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n")


def read_response(connection: socket.socket, timeout: float) -> bytes:
    connection.settimeout(timeout)
    received = b""
    while b"\r\n\r\n" not in received or not received.endswith(b"}"):
        chunk = connection.recv(4096)
        if not chunk:
            break
        received += chunk
    return received


@pytest.fixture
def limited_gateway(lessllm_bin, tmp_path):
    prlimit = shutil.which("prlimit")
    assert prlimit, "prlimit (util-linux) is needed to start the gateway with a low open-file limit"
    plugins = harness.plugin_dir()
    config = {
        "listen": {"proxy": "127.0.0.1:0", "admin": "off", "shutdown_grace": "2s"},
        "plugins": {"files": [str(plugins / "libOpenAIProvider.so")]},
        "providers": {"oa": harness.openai_provider("http://127.0.0.1:9/v1")},
        "routes": [{"model": "*", "provider": "oa"}],
    }
    gateway = harness.Gateway(config, tmp_path, "limited-gateway",
                              command_prefix=[prlimit, f"--nofile={LIMIT}:{LIMIT}"]).start()
    try:
        yield gateway
    finally:
        assert gateway.stop() == 0, gateway.stderr_text()[-4000:]


def test_accepting_pauses_at_the_limit_and_resumes_when_descriptors_are_freed(limited_gateway):
    gateway = limited_gateway
    free = LIMIT - descriptors(gateway.pid)
    assert free > 20, f"the gateway already holds {LIMIT - free} descriptors at rest"
    connections = [socket.create_connection(("127.0.0.1", gateway.port)) for _ in range(free + 10)]
    try:
        deadline = time.monotonic() + 10
        while descriptors(gateway.pid) < LIMIT and time.monotonic() < deadline:
            time.sleep(0.02)
        assert descriptors(gateway.pid) == LIMIT, "the gateway never reached its open-file limit"
        waiting = connections[-1]  # still in the listening socket's backlog: its request is not read
        health_request(waiting)
        with pytest.raises(socket.timeout):
            read_response(waiting, timeout=0.5)

        busy_before = cpu_seconds(gateway.pid)
        time.sleep(1.0)
        busy = cpu_seconds(gateway.pid) - busy_before
        # Failing accepts retried on every turn of the loop keep a core busy (~1 s of CPU per second); paused,
        # the gateway is idle.
        assert busy < 0.3, f"the gateway used {busy:.2f} s of CPU in 1 s while it could not accept"
        log = gateway.stderr_text()
        assert log.count("the proxy listener cannot accept connections") == 1, log[-3000:]
        assert "Too many open files" in log and "ulimit -n" in log

        for connection in connections[:20]:  # frees 20 descriptors: the 10 waiting connections fit
            connection.close()
        response = read_response(waiting, timeout=5.0)
        assert response.startswith(b"HTTP/1.1 200 OK\r\n"), response
        assert response.endswith(b'{"status":"ok"}'), response
        assert "the proxy listener accepts connections again" in gateway.stderr_text()
    finally:
        for connection in connections:
            connection.close()
