"""Running the gateway binary, and small helpers for reading what it sends."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

DEFAULT_BIN = "/work/main/.build/debug/lessllm"
PROXY_ENV = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
             "NO_PROXY")

OPENAI_UPSTREAM_KEY = "sk-test-upstream-openai"
ANTHROPIC_UPSTREAM_KEY = "sk-ant-test-upstream"
CLIENT_KEY = "client-key"

MEASUREMENTS: list[str] = []  # figures the tests measured, printed in the run's summary


def report(line: str) -> None:
    MEASUREMENTS.append(line)
    print("\n" + line)


def binary_path() -> Path:
    return Path(os.environ.get("LESSLLM_BIN", DEFAULT_BIN))


def plugin_dir() -> Path:
    return Path(os.environ.get("LESSLLM_PLUGIN_DIR", str(binary_path().parent)))


class Gateway:
    """One `lessllm server` process, configured from a dict (written as JSON, which is YAML)."""

    def __init__(self, config: dict, workdir: Path, name: str = "gateway", binary: Path | None = None,
                 command_prefix: list[str] | None = None):
        self.config = config
        self.binary = binary or binary_path()
        self.command_prefix = command_prefix or []  # e.g. a command that drops privileges, then runs the gateway
        self.workdir = workdir
        self.name = name
        self.config_path = workdir / f"{name}.yaml"
        self.stdout_path = workdir / f"{name}.stdout"
        self.stderr_path = workdir / f"{name}.stderr"
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.admin_port: int | None = None  # the dashboard's port, when `listen.admin` is not off

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def admin_url(self) -> str:
        assert self.admin_port is not None, "this gateway has no admin listener (listen.admin: off)"
        return f"http://127.0.0.1:{self.admin_port}"

    @property
    def wants_admin(self) -> bool:
        return self.config.get("listen", {}).get("admin", "127.0.0.1:8501") != "off"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 15.0) -> "Gateway":
        self.config_path.write_text(json.dumps(self.config, indent=2))
        env = {k: v for k, v in os.environ.items() if k not in PROXY_ENV}
        env.setdefault("LESSLLM_LOG_LEVEL", "info")
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen([*self.command_prefix, str(self.binary), "server", "--config",
                                          str(self.config_path)],
                                         stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                                         cwd=self.workdir)
        deadline = time.monotonic() + timeout
        prefix = "LessLLM proxy listening on http://"
        admin_prefix = "LessLLM dashboard on http://"  # printed after the proxy line when the admin listener is on
        while True:
            for line in self.stdout_path.read_text(errors="replace").splitlines():
                if line.startswith(prefix):
                    self.port = int(line[len(prefix):].rsplit(":", 1)[1])
                elif line.startswith(admin_prefix):
                    self.admin_port = int(line[len(admin_prefix):].rstrip("/").rsplit(":", 1)[1])
            if self.port is not None and (self.admin_port is not None or not self.wants_admin):
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before listening:\n"
                                   + self.stderr_text())
            if time.monotonic() > deadline:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError(f"{self.name} did not announce its port within {timeout}s:\n" + self.stderr_text())
            time.sleep(0.01)  # the announcement is only observable through the file

    def stderr_text(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def rss_kib(self) -> int:
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, then waits; kills (and raises) if it does not exit in time. Returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"{self.name} ignored SIGTERM for {timeout}s")


def provider(plugin: str, base_url: str | None = None, api_key: str | None = None, **extra) -> dict:
    entry = {"plugin": plugin}
    if base_url is not None:
        entry["base_url"] = base_url
    if api_key is not None:
        entry["api_key"] = api_key
    entry.update(extra)
    return entry


def openai_provider(base_url: str, **extra) -> dict:
    return provider("dev.lessllm.provider.openai", base_url, OPENAI_UPSTREAM_KEY, **extra)


def anthropic_provider(base_url: str, **extra) -> dict:
    return provider("dev.lessllm.provider.anthropic", base_url, ANTHROPIC_UPSTREAM_KEY, **extra)


def config(providers: dict, routes: list, echo_folder: Path, max_body_bytes: str = "1MiB") -> dict:
    plugins = plugin_dir()
    return {
        "listen": {"proxy": "127.0.0.1:0", "admin": "off", "max_body_bytes": max_body_bytes, "shutdown_grace": "2s"},
        "plugins": {"files": [str(plugins / "libOpenAIProvider.so"), str(plugins / "libClaudeProvider.so")],
                    "folder": str(echo_folder)},
        "providers": providers,
        "routes": routes,
    }


SHORT = {"connect": "300ms", "first_byte": "700ms", "idle": "700ms"}  # timeouts for the timeout tests
NORMAL = {"connect": "2s", "first_byte": "5s", "idle": "5s"}


def run_gateway(config: dict, tmp_path_factory, name: str):
    """Fixture body: starts a gateway, yields it, then stops it and checks it neither crashed nor logged a crash."""
    gateway = Gateway(config, tmp_path_factory.mktemp(name), name).start()
    try:
        yield gateway
    finally:
        crashed = not gateway.alive()
        code = gateway.stop()
        log = gateway.stderr_text()
        if crashed:
            pytest.fail(f"{name} died during the tests (exit {code}):\n{log[-4000:]}")
        assert code == 0, f"{name} exited with {code} after SIGTERM:\n{log[-4000:]}"
        for marker in ("Fatal error", " critical ", "Sanitizer"):
            assert marker not in log, f"{name} logged {marker.strip()!r}:\n{log[-4000:]}"



# ---- reading responses ---------------------------------------------------------------------------------------------


def split_events(stream: bytes) -> list[bytes]:
    """Splits an SSE body into its event blocks, each with its terminating blank line (LF framing)."""
    events, start = [], 0
    while True:
        end = stream.find(b"\n\n", start)
        if end < 0:
            if start < len(stream):
                events.append(stream[start:])
            return events
        events.append(stream[start:end + 2])
        start = end + 2


def event_data(event: bytes) -> str:
    """The event's data lines joined with LF, each without `data:` and one optional leading space."""
    values = []
    for line in event.decode().splitlines():
        if line.startswith("data:"):
            value = line[5:]
            values.append(value[1:] if value.startswith(" ") else value)
    return "\n".join(values)


def event_name(event: bytes) -> str | None:
    for line in event.decode().splitlines():
        if line.startswith("event:"):
            return line[6:].strip()
    return None


def raw_client(gateway: Gateway, timeout: float = 15.0) -> httpx.Client:
    return httpx.Client(base_url=gateway.url, timeout=timeout, trust_env=False)


def post_json(client: httpx.Client, path: str, body: bytes, headers: dict | None = None) -> httpx.Response:
    merged = {"content-type": "application/json"}
    merged.update(headers or {})
    return client.post(path, content=body, headers=merged)


def child_pids() -> list[int]:
    """Live processes whose parent is this one."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            pids.append(int(entry))
    return pids
