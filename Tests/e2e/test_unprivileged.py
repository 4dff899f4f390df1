"""The gateway run by an ordinary user, as it is deployed: serving must need no privilege at all.

A socket option that only root may set (SO_DEBUG, set by mistake where TCP_NODELAY was meant) once made every
client connection and every upstream connection fail for any other user, while the tests, run as root, passed.
Here the gateway runs as `nobody` (dropped with util-linux's `setpriv` when the tests run as root) from a copy of
the build in a folder that user can read, and serves both dialects, a C plugin, recording and the dashboard; and
a configuration folder it may not write stops it at start, where its record journal would go.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import anthropic
import httpx
import openai
import pytest

import harness
from harness import ANTHROPIC_UPSTREAM_KEY, CLIENT_KEY, OPENAI_UPSTREAM_KEY
from mocks.upstream import Reply, Stream
from mocks.wire import ANTHROPIC_SSE_HEADERS, OPENAI_JSON_HEADERS, anthropic_stream_events, openai_completion

NOBODY = 65534  # uid and gid of Debian's `nobody` / `nogroup`
PLUGINS = ("libOpenAIProvider.so", "libClaudeProvider.so", "libSQLiteSink.so")


def unprivileged_prefix() -> list[str]:
    """The command that runs the gateway as an ordinary user: nothing when the tests already run as one."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to run the gateway as an ordinary user"
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def uid_of(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("Uid:"):
                return int(line.split()[1])
    raise RuntimeError("no Uid line")


@pytest.fixture(scope="module")
def build_copy(lessllm_bin, echo_plugins):
    """A world-readable copy of the build and of the C plugins folder (the build folder may sit where an ordinary
    user cannot reach), with a folder anyone may write; yields (root, build folder, work folder)."""
    root = Path(tempfile.mkdtemp(prefix="lessllm-unprivileged-"))
    try:
        build = root / "build"
        build.mkdir()
        shutil.copy2(lessllm_bin, build / "lessllm")
        shutil.copytree(lessllm_bin.parent / "lessllm_HostAssets.resources", build / "lessllm_HostAssets.resources")
        for name in PLUGINS:
            shutil.copy2(harness.plugin_dir() / name, build / name)
        shutil.copytree(echo_plugins, root / "plugins.d")
        work = root / "work"
        work.mkdir()
        for path in [root, *root.rglob("*")]:
            path.chmod(0o777 if path == work else (0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644))
        yield root, build, work
    finally:
        shutil.rmtree(root, ignore_errors=True)


def recording_config(root: Path, build: Path, db_path: Path, oa_server, an_server) -> dict:
    return {
        "listen": {"proxy": "127.0.0.1:0", "admin": "127.0.0.1:0", "shutdown_grace": "5s"},
        "plugins": {"files": [str(build / name) for name in PLUGINS], "folder": str(root / "plugins.d")},
        "providers": {
            "oa": harness.openai_provider(oa_server.base_url + "/v1", timeouts=harness.NORMAL),
            "an": harness.anthropic_provider(an_server.base_url, timeouts=harness.NORMAL),
            "echo": harness.provider("dev.lessllm.example.echo"),
        },
        "routes": [{"model": "echo", "provider": "echo"}, {"model": "gpt-*", "provider": "oa"},
                   {"model": "claude-*", "provider": "an"}],
        "sinks": {"sqlite": {"plugin": "dev.lessllm.sink.sqlite", "options": {"path": str(db_path)}}},
    }


@pytest.fixture(scope="module")
def unprivileged(build_copy, oa_server, an_server):
    """A gateway running as `nobody` from the copy of the build, recording into a folder it may write; yields
    (gateway, database path)."""
    root, build, work = build_copy
    db_path = work / "lessllm.db"
    gateway = harness.Gateway(recording_config(root, build, db_path, oa_server, an_server), work,
                              "unprivileged-gateway", binary=build / "lessllm", command_prefix=unprivileged_prefix())
    gateway.start()
    try:
        yield gateway, db_path
    finally:
        code = gateway.stop()
        assert code == 0, f"the gateway exited with {code}:\n{gateway.stderr_text()[-4000:]}"


def test_it_serves_both_dialects_a_c_plugin_recording_and_the_dashboard(unprivileged, oa, an):
    gateway, db_path = unprivileged
    if os.geteuid() == 0:
        assert uid_of(gateway.pid) == NOBODY, "the gateway was meant to run as nobody"
    oa.script(Reply(200, OPENAI_JSON_HEADERS, openai_completion("Bonjour ✓")))
    an.script(Stream(200, ANTHROPIC_SSE_HEADERS, anthropic_stream_events(["Kon", "nichiwa"])))

    completion = openai.OpenAI(base_url=gateway.url + "/v1", api_key=CLIENT_KEY).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    with anthropic.Anthropic(base_url=gateway.url, api_key=CLIENT_KEY).messages.stream(
            model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": "hi"}]) as stream:
        streamed = "".join(stream.text_stream)
    echoed = openai.OpenAI(base_url=gateway.url + "/v1", api_key=CLIENT_KEY).chat.completions.create(
        model="echo", messages=[{"role": "user", "content": "echo from nobody"}])

    assert completion.choices[0].message.content == "Bonjour ✓"
    assert streamed == "Konnichiwa"
    assert echoed.choices[0].message.content == "echo from nobody"
    assert oa.last.header("authorization") == f"Bearer {OPENAI_UPSTREAM_KEY}"
    assert an.last.header("x-api-key") == ANTHROPIC_UPSTREAM_KEY

    deadline = time.monotonic() + 10
    while True:  # the recorder stores in the background
        listed = httpx.get(gateway.admin_url + "/api/exchanges?limit=10", timeout=10).json()
        if listed["total"] == 3 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert sorted(item["requested_model"] for item in listed["items"]) == ["claude-sonnet-4-6", "echo",
                                                                                  "gpt-4o"]
    assert os.stat(db_path).st_uid == (NOBODY if os.geteuid() == 0 else os.geteuid())
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        statuses = dict(connection.execute("SELECT requested_model, status FROM exchanges").fetchall())
    assert statuses == {"gpt-4o": 200, "claude-sonnet-4-6": 200, "echo": 200}


def test_a_configuration_folder_it_may_not_write_stops_the_start_at_the_record_journal(build_copy, oa_server,
                                                                                      an_server):
    # The journal's default place is beside the configuration, often a folder the service's user may only read:
    # said at start, not found out when the sinks fall behind and records would be lost.
    root, build, work = build_copy
    config_folder = root / "etc"
    config_folder.mkdir()
    config_path = config_folder / "plugins.yaml"
    config_path.write_text(json.dumps(recording_config(root, build, work / "elsewhere.db", oa_server, an_server)))
    config_path.chmod(0o644)
    config_folder.chmod(0o555)
    try:
        run = subprocess.run([*unprivileged_prefix(), str(build / "lessllm"), "server", "--config", str(config_path)],
                             capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                             env={k: v for k, v in os.environ.items() if k not in harness.PROXY_ENV})
    finally:
        config_folder.chmod(0o755)
    assert run.returncode == 1, run.stderr
    assert (f"error: cannot write the record journal '{config_folder}/lessllm.journal' (its folder "
            f"'{config_folder}': Permission denied)") in run.stderr
    assert "LessLLM proxy listening" not in run.stdout
