"""Fixtures for the end-to-end suite: the built gateway, mock upstreams, and official SDK clients.

Binary: $LESSLLM_BIN (default /work/main/.build/debug/lessllm); provider plugins: $LESSLLM_PLUGIN_DIR (default: the
binary's directory). The C echo provider is compiled once per session into a temporary plugins folder.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import anthropic
import openai
import pytest

import dashboard_env
import harness
from harness import NORMAL, SHORT, run_gateway
from mocks.upstream import MockUpstream

for _name in harness.PROXY_ENV:  # the SDKs and httpx must talk to 127.0.0.1 directly
    os.environ.pop(_name, None)

REPO = Path(__file__).resolve().parents[2]


def pytest_terminal_summary(terminalreporter):
    if harness.MEASUREMENTS:
        terminalreporter.section("measurements")
        for line in harness.MEASUREMENTS:
            terminalreporter.write_line(line)


# ---- session -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def nothing_left_running():
    """After the whole run: no gateway process and no mock thread may still be alive."""
    yield
    threads = [t.name for t in threading.enumerate() if t is not threading.main_thread() and t.is_alive()]
    children = harness.child_pids()
    assert not threads, f"threads left running: {threads}"
    assert not children, f"processes left running: {children}"


@pytest.fixture(scope="session")
def lessllm_bin() -> Path:
    path = harness.binary_path()
    if not path.exists():
        pytest.exit(f"gateway binary {path} not found: build it (swift build) or set LESSLLM_BIN", returncode=2)
    for name in ("libOpenAIProvider.so", "libClaudeProvider.so"):
        if not (harness.plugin_dir() / name).exists():
            pytest.exit(f"{name} not found in {harness.plugin_dir()}: set LESSLLM_PLUGIN_DIR", returncode=2)
    return path


@pytest.fixture(scope="session")
def echo_plugins(tmp_path_factory, lessllm_bin) -> Path:
    """A plugins folder holding the C echo provider, built with the system C compiler outside SwiftPM."""
    folder = tmp_path_factory.mktemp("plugins.d")
    compiler = os.environ.get("CC") or shutil.which("cc") or "gcc"
    subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-I", str(REPO / "Sources/PluginABI/include"),
                    "-o", str(folder / "libecho_provider.so"), str(REPO / "Examples/echo-provider/echo_provider.c")],
                   check=True, capture_output=True)
    return folder


# ---- mocks ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oa_server():
    server = MockUpstream("openai").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def an_server():
    server = MockUpstream("anthropic").start()
    yield server
    server.stop()


@pytest.fixture
def oa(oa_server) -> MockUpstream:
    """The OpenAI-compatible mock upstream, with no script and no recorded request."""
    oa_server.reset()
    return oa_server


@pytest.fixture
def an(an_server) -> MockUpstream:
    """The Anthropic mock upstream, with no script and no recorded request."""
    an_server.reset()
    return an_server


@pytest.fixture(scope="module")
def dead_port():
    """A port that refuses connections: bound (so nobody else gets it) but never listening."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture(scope="module")
def blackhole_port():
    """A port whose TCP handshake never completes: a listener with a full accept queue that never accepts."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for sock in fillers + [listener]:
        sock.close()


# ---- the gateway ---------------------------------------------------------------------------------------------------

def standard_config(oa_server: MockUpstream, an_server: MockUpstream, dead_port: int, blackhole_port: int,
                    echo_plugins: Path) -> dict:
    providers = {
        "oa": harness.openai_provider(oa_server.base_url + "/v1", timeouts=NORMAL),
        "an": harness.anthropic_provider(an_server.base_url, timeouts=NORMAL),
        "oa_short": harness.openai_provider(oa_server.base_url + "/v1", timeouts=SHORT),
        "an_short": harness.anthropic_provider(an_server.base_url, timeouts=SHORT),
        "oa_dead": harness.openai_provider(f"http://127.0.0.1:{dead_port}/v1", timeouts=NORMAL),
        "an_dead": harness.anthropic_provider(f"http://127.0.0.1:{dead_port}", timeouts=NORMAL),
        "oa_blackhole": harness.openai_provider(f"http://127.0.0.1:{blackhole_port}/v1",
                                                timeouts={"connect": "300ms", "first_byte": "5s"}),
        "an_blackhole": harness.anthropic_provider(f"http://127.0.0.1:{blackhole_port}",
                                                   timeouts={"connect": "300ms", "first_byte": "5s"}),
        "oa_total": harness.openai_provider(oa_server.base_url + "/v1", timeouts={**NORMAL, "total": "1s"}),
        "oa_org": harness.openai_provider(oa_server.base_url + "/v1", timeouts=NORMAL,
                                          headers={"X-Team": "research", "OpenAI-Beta": "assistants=v2"},
                                          options={"organization": "org-mock123", "project": "proj_mock456"}),
        "an_extra": harness.anthropic_provider(an_server.base_url, timeouts=NORMAL,
                                               headers={"X-Team": "research"},
                                               options={"anthropic_version": "2023-01-01"}),
        "echo": harness.provider("dev.lessllm.example.echo"),
        # A key pasted with a line break: sent as is, it would add a header of its own to the upstream request.
        "oa_badkey": harness.provider("dev.lessllm.provider.openai", oa_server.base_url + "/v1",
                                      "sk-pasted\r\nX-Injected: 1", timeouts=NORMAL),
    }
    routes = [
        {"model": "echo", "provider": "echo"},
        {"model": "fast", "provider": "oa", "upstream_model": "gpt-4o-mini"},
        {"model": "sonnet", "provider": "an", "upstream_model": "claude-sonnet-4-6"},
        {"model": "gpt-org-*", "provider": "oa_org"},
        {"model": "gpt-blackhole-*", "provider": "oa_blackhole"},
        {"model": "claude-blackhole-*", "provider": "an_blackhole"},
        {"model": "gpt-total-*", "provider": "oa_total"},
        {"model": "claude-extra-*", "provider": "an_extra"},
        {"model": "gpt-slow-*", "provider": "oa_short"},
        {"model": "claude-slow-*", "provider": "an_short"},
        {"model": "gpt-dead-*", "provider": "oa_dead"},
        {"model": "gpt-badkey-*", "provider": "oa_badkey"},
        {"model": "claude-dead-*", "provider": "an_dead"},
        {"model": "gpt-*", "provider": "oa"},
        {"model": "claude-*", "provider": "an"},
    ]
    return harness.config(providers, routes, echo_plugins)


@pytest.fixture(scope="module")
def gateway(lessllm_bin, oa_server, an_server, dead_port, blackhole_port, echo_plugins, tmp_path_factory):
    """The gateway with the standard routes (see `standard_config`), one process per test module."""
    yield from run_gateway(standard_config(oa_server, an_server, dead_port, blackhole_port, echo_plugins),
                           tmp_path_factory, "gateway")


@pytest.fixture
def fresh_gateway(lessllm_bin, oa_server, an_server, dead_port, blackhole_port, echo_plugins, tmp_path_factory):
    """A gateway process of its own for one test (for measurements another test's traffic would disturb)."""
    yield from run_gateway(standard_config(oa_server, an_server, dead_port, blackhole_port, echo_plugins),
                           tmp_path_factory, "fresh-gateway")


@pytest.fixture(scope="module")
def recorded_dashboard(lessllm_bin, oa_server, an_server, echo_plugins, tmp_path_factory):
    """A gateway with the SQLite sink and the dashboard on, after a few real exchanges were recorded and stored
    (see `dashboard_env`); one per test module."""
    db_path = tmp_path_factory.mktemp("dashboard-db") / "lessllm.db"
    oa_server.reset()
    an_server.reset()
    config = dashboard_env.dashboard_config(oa_server, an_server, echo_plugins, db_path)
    for gateway in run_gateway(config, tmp_path_factory, "dashboard-gateway"):
        recorded = dashboard_env.Recorded(gateway, db_path)
        dashboard_env.record_exchanges(recorded, oa_server, an_server)
        yield recorded


@pytest.fixture(scope="module")
def token_dashboard(lessllm_bin, oa_server, an_server, echo_plugins, tmp_path_factory):
    """A gateway whose dashboard requires `dashboard_env.ADMIN_TOKEN` (loopback bind, empty log)."""
    db_path = tmp_path_factory.mktemp("token-db") / "lessllm.db"
    config = dashboard_env.dashboard_config(oa_server, an_server, echo_plugins, db_path,
                                            token=dashboard_env.ADMIN_TOKEN)
    yield from run_gateway(config, tmp_path_factory, "token-gateway")


# ---- clients -------------------------------------------------------------------------------------------------------


@pytest.fixture
def openai_client(gateway):
    client = openai.OpenAI(base_url=gateway.url + "/v1", api_key=harness.CLIENT_KEY, max_retries=0, timeout=20)
    yield client
    client.close()


@pytest.fixture
def anthropic_client(gateway):
    client = anthropic.Anthropic(base_url=gateway.url, api_key=harness.CLIENT_KEY, max_retries=0, timeout=20)
    yield client
    client.close()


@pytest.fixture
def http(gateway):
    """A raw HTTP client (httpx) on the gateway, for byte-level checks."""
    client = harness.raw_client(gateway)
    yield client
    client.close()
