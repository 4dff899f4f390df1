"""What the recording tests share: a gateway with a log sink (the SQLite sink and/or the C test sink), readers for
what the sinks stored, paced mock streams with known timing, and clients that time what they receive.

The gateway is the one of `harness.Gateway`, started here with a configuration of its own for each test (the
recording settings, prices and sinks differ from test to test), and always stopped with SIGTERM, so that the
recorder drains its queue and journal before a test reads the stored records.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

import harness
from mocks.upstream import MockUpstream, Pause, Script, Stream
from mocks.wire import (ANTHROPIC_SSE_HEADERS, OPENAI_SSE_HEADERS, anthropic_message, anthropic_stream_events,
                        dumps, openai_chunk, openai_completion, openai_stream_events, openai_usage, sse_data,
                        sse_event)

REPO = Path(__file__).resolve().parents[2]

# Secrets the recording must never store. Each one is distinctive, so that a search of the database's bytes finds
# nothing else.
OPENAI_KEY = "sk-test-RECORDING-upstream-0123456789"
ANTHROPIC_KEY = "sk-ant-test-RECORDING-upstream-9876543210"
CLIENT_BEARER = "client-bearer-RECORDING-secret-4242"
CLIENT_API_KEY = "client-x-api-key-RECORDING-secret-4343"
CUSTOM_SECRET = "custom-header-RECORDING-secret-4444"
URL_SECRET = "url-query-RECORDING-secret-4545"
PROVIDER_HEADER_SECRET = "provider-header-RECORDING-secret-4646"
SECRET_HEADER = "x-team-secret"  # configured in recording.redact_headers

OPENAI_HEADERS = {"authorization": f"Bearer {CLIENT_BEARER}"}
ANTHROPIC_HEADERS = {"x-api-key": CLIENT_API_KEY, "anthropic-version": "2023-06-01"}


# ---- the C test sink -----------------------------------------------------------------------------------------------


def build_test_sink(folder: Path) -> Path:
    """Compiles Tests/Fixtures/plugins/test_sink.c (plugin `test.lessllm.sink`) into `folder`."""
    compiler = os.environ.get("CC") or shutil.which("cc") or "gcc"
    target = folder / "libtest_sink.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-std=c11", "-O2", "-I", str(REPO / "Sources/PluginABI/include"),
                    "-o", str(target), str(REPO / "Tests/Fixtures/plugins/test_sink.c")],
                   check=True, capture_output=True)
    return target


@pytest.fixture(scope="session")
def test_sink_lib(tmp_path_factory) -> Path:
    """The compiled C test sink (import this fixture into a test module to use it)."""
    return build_test_sink(tmp_path_factory.mktemp("test-sink"))


# ---- configuration -------------------------------------------------------------------------------------------------


def recording_config(oa: MockUpstream, an: MockUpstream, echo_folder: Path, *, db_path: Path | None = None,
                     sink_lib: Path | None = None, sink_options: dict | None = None, recording: dict | None = None,
                     prices: dict | None = None, grace: str = "10s") -> dict:
    """A gateway on the two mocks and the C echo provider, recording into the SQLite sink (`db_path`) and/or the C
    test sink (`sink_lib`, with `sink_options`: path, delay_ms, fail_first).

    Routes: `echo` (C echo provider), `fast` → OpenAI `gpt-4o-mini`, `sonnet` → Anthropic `claude-sonnet-4-5`
    (aliases), `gpt-short-*`/`claude-short-*` with short timeouts, `gpt-*` and `claude-*` as asked.
    """
    short = {"connect": "300ms", "first_byte": "700ms", "idle": "700ms"}
    providers = {
        "oa": harness.provider("dev.lessllm.provider.openai", oa.base_url + "/v1", OPENAI_KEY,
                               timeouts=harness.NORMAL),
        "an": harness.provider("dev.lessllm.provider.anthropic", an.base_url, ANTHROPIC_KEY,
                               timeouts=harness.NORMAL),
        "oa_short": harness.provider("dev.lessllm.provider.openai", oa.base_url + "/v1", OPENAI_KEY, timeouts=short),
        "an_short": harness.provider("dev.lessllm.provider.anthropic", an.base_url, ANTHROPIC_KEY, timeouts=short),
        "echo": harness.provider("dev.lessllm.example.echo"),
    }
    routes = [
        {"model": "echo", "provider": "echo"},
        {"model": "fast", "provider": "oa", "upstream_model": "gpt-4o-mini"},
        {"model": "sonnet", "provider": "an", "upstream_model": "claude-sonnet-4-5"},
        {"model": "gpt-short-*", "provider": "oa_short"},
        {"model": "claude-short-*", "provider": "an_short"},
        {"model": "gpt-*", "provider": "oa"},
        {"model": "claude-*", "provider": "an"},
    ]
    config = harness.config(providers, routes, echo_folder)
    config["listen"]["shutdown_grace"] = grace
    config["sinks"] = {}
    if db_path is not None:
        config["plugins"]["files"].append(str(harness.plugin_dir() / "libSQLiteSink.so"))
        config["sinks"]["sqlite"] = {"plugin": "dev.lessllm.sink.sqlite", "options": {"path": str(db_path)}}
    if sink_lib is not None:
        config["plugins"]["files"].append(str(sink_lib))
        config["sinks"]["log"] = {"plugin": "test.lessllm.sink", "options": sink_options or {}}
    if recording is not None:
        config["recording"] = recording
    if prices is not None:
        config["prices"] = prices
    return config


# ---- running the gateway -------------------------------------------------------------------------------------------


class RecordingGateway:
    """A `harness.Gateway` for one test: `with RecordingGateway(config, workdir) as gateway:` starts it; leaving the
    block stops it (SIGTERM) and checks that it exited 0 without logging a crash. `stop()` may be called earlier
    (to read what the recorder drained at shutdown), or `sigterm()` then `wait_exit()` to time the shutdown; the exit
    code and the time it took are kept. `kill()` is a crash (SIGKILL), whose exit is not checked."""

    def __init__(self, config: dict, workdir: Path, name: str = "recording-gateway"):
        self.gateway = harness.Gateway(config, workdir, name)
        self.exit_code: int | None = None
        self.stop_seconds: float | None = None  # SIGTERM → exit
        self.signalled_at: float | None = None
        self.killed = False

    def __enter__(self) -> "RecordingGateway":
        self.gateway.start()
        return self

    def __exit__(self, kind, value, traceback) -> None:
        crashed = self.exit_code is None and not self.gateway.alive()
        self.stop()
        if kind is not None or self.killed:
            return  # the test's own failure is the one to report; a killed gateway has no exit to check
        log = self.gateway.stderr_text()
        assert not crashed, f"the gateway died during the test (exit {self.exit_code}):\n{log[-4000:]}"
        assert self.exit_code == 0, f"the gateway exited with {self.exit_code} after SIGTERM:\n{log[-4000:]}"
        for marker in ("Fatal error", " critical ", "Sanitizer"):
            assert marker not in log, f"the gateway logged {marker.strip()!r}:\n{log[-4000:]}"

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait (the recorder drains before the process exits); the exit code."""
        if self.exit_code is None:
            started = time.monotonic()
            self.exit_code = self.gateway.stop(timeout)
            self.stop_seconds = time.monotonic() - started
        return self.exit_code

    def kill(self) -> None:
        """SIGKILL (a crash): nothing is drained."""
        self.killed = True
        self.gateway.proc.kill()
        self.exit_code = self.gateway.proc.wait()

    def sigterm(self) -> float:
        """Sends SIGTERM without waiting; the monotonic time it was sent."""
        self.signalled_at = time.monotonic()
        self.gateway.proc.send_signal(signal.SIGTERM)
        return self.signalled_at

    def wait_exit(self, timeout: float = 60.0) -> int:
        """After `sigterm()`: waits for the process to exit (killing it after `timeout`); the exit code."""
        try:
            self.exit_code = self.gateway.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.gateway.proc.kill()
            self.exit_code = self.gateway.proc.wait()
            raise AssertionError(f"the gateway did not exit within {timeout}s of SIGTERM")
        finally:
            self.stop_seconds = time.monotonic() - self.signalled_at
        return self.exit_code

    @property
    def url(self) -> str:
        return self.gateway.url

    @property
    def port(self) -> int:
        return self.gateway.port

    def client(self, timeout: float = 20.0) -> httpx.Client:
        return harness.raw_client(self.gateway, timeout)


# ---- what the sinks stored -----------------------------------------------------------------------------------------


class Store:
    """The SQLite sink's database, read with Python's sqlite3 (read-only; WAL lets it read while the gateway
    writes)."""

    def __init__(self, path: Path):
        self.path = path

    def connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
        connection.row_factory = sqlite3.Row
        return connection

    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        if not self.path.exists():
            return []
        with contextlib.closing(self.connect()) as connection:
            return connection.execute(sql, params).fetchall()

    def count(self) -> int:
        try:
            return self.query("SELECT count(*) FROM exchanges")[0][0] if self.path.exists() else 0
        except sqlite3.OperationalError:  # the sink has not created the table yet
            return 0

    def ids(self) -> list[str]:
        return [row[0] for row in self.query("SELECT id FROM exchanges")]

    def row(self, exchange_id: str) -> sqlite3.Row:
        rows = self.query("SELECT * FROM exchanges WHERE id = ?", (exchange_id,))
        assert len(rows) == 1, f"exchange {exchange_id} is stored {len(rows)} times"
        return rows[0]

    def record(self, exchange_id: str) -> dict:
        return json.loads(self.row(exchange_id)["record_json"])

    def wait_for(self, ids, timeout: float = 10.0) -> None:
        """Waits until every id in `ids` is stored (records reach the sink off the relay path, in batches)."""
        wanted = set(ids)
        deadline = time.monotonic() + timeout
        while True:
            try:
                stored = {row[0] for row in self.query(
                    f"SELECT id FROM exchanges WHERE id IN ({','.join('?' * len(wanted))})", tuple(wanted))}
            except sqlite3.OperationalError:
                stored = set()
            if stored >= wanted:
                return
            assert time.monotonic() < deadline, f"not stored within {timeout}s: {sorted(wanted - stored)}"
            time.sleep(0.02)  # the sink's progress is only observable by reading the file

    def wait_count(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count() < count:
            assert time.monotonic() < deadline, f"only {self.count()} of {count} exchanges stored in {timeout}s"
            time.sleep(0.02)

    def file_bytes(self) -> dict[str, bytes]:
        """Every file of the database (main, -wal, -shm, journal) that exists, by name."""
        files = {}
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = Path(str(self.path) + suffix)
            if path.exists():
                files[path.name] = path.read_bytes()
        return files


class SinkLog:
    """The C test sink's file: one JSON array (a batch of records) per line."""

    def __init__(self, path: Path):
        self.path = path

    def batches(self) -> list[list[dict]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]

    def records(self) -> list[dict]:
        return [record for batch in self.batches() for record in batch]

    def ids(self) -> list[str]:
        return [record["id"] for record in self.records()]


@dataclass
class Recording:
    """A running gateway and its SQLite sink's database."""
    gateway: RecordingGateway
    store: Store


class Journal:
    """The recorder's journal (`recording.journal`): the file appended to, and the one taken over for a replay."""

    def __init__(self, path: Path):
        self.path = path
        self.replaying = path.with_name(path.name + ".replaying")

    def files(self) -> list[Path]:
        return [path for path in (self.path, self.replaying) if path.exists()]

    def data(self) -> bytes:
        return b"".join(path.read_bytes() for path in self.files())

    def holds(self, exchange_ids) -> bool:
        data = self.data()
        return all(exchange_id.encode() in data for exchange_id in exchange_ids)

    def wait_for(self, exchange_ids, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.holds(exchange_ids):
            assert time.monotonic() < deadline, f"the journal never held {list(exchange_ids)}"
            time.sleep(0.02)  # the worker's progress is only observable through the file


def duplicates(ids) -> list[str]:
    seen, twice = set(), []
    for exchange_id in ids:
        if exchange_id in seen:
            twice.append(exchange_id)
        seen.add(exchange_id)
    return twice


# ---- paced mock streams --------------------------------------------------------------------------------------------


def delayed(script: Script, seconds: float):
    """A responder that answers with `script` after `seconds` of silence (the upstream's time to first byte)."""
    def respond(_request):
        time.sleep(seconds)
        return script
    return respond


def paced(events: list[bytes], content: range | list[int], first_after: float, gap: float) -> list:
    """The events with `first_after` seconds of silence before the first content event `content[0]` and `gap`
    between consecutive content events (the framing events before and after go out at once)."""
    indices = list(content)
    parts: list = []
    for index, event in enumerate(events):
        if index == indices[0]:
            parts.append(Pause(first_after))
        elif index in indices:
            parts.append(Pause(gap))
        parts.append(event)
    return parts


def paced_openai(pieces: list[str], first_after: float, gap: float, model: str = "gpt-4o-2024-08-06",
                 usage: bool = True, prompt_tokens: int = 9) -> Stream:
    """An OpenAI stream: role chunk, `first_after` s, then one content chunk per piece every `gap` s."""
    events = openai_stream_events(pieces, model=model, usage=usage, prompt_tokens=prompt_tokens)
    return Stream(200, OPENAI_SSE_HEADERS, paced(events, range(1, 1 + len(pieces)), first_after, gap))


def paced_anthropic(pieces: list[str], first_after: float, gap: float, model: str = "claude-sonnet-4-5-20250929",
                    input_tokens: int = 12) -> Stream:
    """An Anthropic stream: message_start, content_block_start, ping, `first_after` s, then one text delta per
    piece every `gap` s."""
    events = anthropic_stream_events(pieces, model=model, input_tokens=input_tokens)
    return Stream(200, ANTHROPIC_SSE_HEADERS, paced(events, range(3, 3 + len(pieces)), first_after, gap))


# ---- clients -------------------------------------------------------------------------------------------------------


def openai_body(model: str, text: str = "Hello", stream: bool = False, include_usage: bool | None = None,
                **extra) -> bytes:
    body = {"model": model, "messages": [{"role": "user", "content": text}]}
    if stream:
        body["stream"] = True
        if include_usage is not None:
            body["stream_options"] = {"include_usage": include_usage}
    body.update(extra)
    return dumps(body)


def anthropic_body(model: str, text: str = "Hello", stream: bool = False, **extra) -> bytes:
    body = {"model": model, "max_tokens": 256, "messages": [{"role": "user", "content": text}]}
    if stream:
        body["stream"] = True
    body.update(extra)
    return dumps(body)


def is_content_event(event: bytes) -> bool:
    """Whether an SSE event carries a content token (text, thinking or tool arguments), in either dialect."""
    data = harness.event_data(event)
    if not data.startswith("{"):
        return False
    payload = json.loads(data)
    if payload.get("type") == "content_block_delta":
        delta = payload.get("delta", {})
        return any(delta.get(key) for key in ("text", "thinking", "partial_json"))
    for choice in payload.get("choices") or []:
        delta = choice.get("delta") or {}
        if delta.get("content") or delta.get("reasoning_content"):
            return True
        if any((call.get("function") or {}).get("arguments") for call in delta.get("tool_calls") or []):
            return True
    return False


class TimedStream:
    """One streamed exchange as the client saw it: when each content event arrived (seconds after the request was
    sent), the exchange id header, and the body."""

    def __init__(self, exchange_id: str | None, status: int, body: bytes, content_times: list[float],
                 total: float):
        self.exchange_id = exchange_id
        self.status = status
        self.body = body
        self.content_times = content_times
        self.total = total

    @property
    def ttft(self) -> float:
        return self.content_times[0]


def timed_stream(url: str, path: str, body: bytes, headers: dict | None = None,
                 client: httpx.Client | None = None) -> TimedStream:
    """Posts a streamed request and times every content event the client reads."""
    own = client is None
    client = client or httpx.Client(base_url=url, timeout=30, trust_env=False)
    try:
        merged = {"content-type": "application/json", **(headers or {})}
        started = time.monotonic()
        times: list[float] = []
        received = b""
        with client.stream("POST", path, content=body, headers=merged) as response:
            buffer = b""
            for chunk in response.iter_raw():
                now = time.monotonic() - started
                received += chunk
                buffer += chunk
                while b"\n\n" in buffer:
                    event, buffer = buffer.split(b"\n\n", 1)
                    if is_content_event(event + b"\n\n"):
                        times.append(now)
            return TimedStream(response.headers.get("x-lessllm-exchange-id"), response.status_code, received,
                               times, time.monotonic() - started)
    finally:
        if own:
            client.close()


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


# ---- a fast keep-alive load client ---------------------------------------------------------------------------------


class RawClient:
    """One keep-alive HTTP/1.1 connection with just enough parsing for Content-Length responses (the load tests
    send thousands of requests; a minimal client keeps the Python side out of the measurement)."""

    def __init__(self, port: int, timeout: float = 30.0):
        self.port = port
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.buf = b""

    def _connect(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def post(self, path: str, body: bytes, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """Sends one request; returns (status, lower-cased headers, body). Raises OSError/ConnectionError when the
        connection fails before the whole response arrived."""
        if self.sock is None:
            self._connect()
        head = [f"POST {path} HTTP/1.1", "Host: gateway", "Content-Type: application/json",
                f"Content-Length: {len(body)}"] + [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        while b"\r\n\r\n" not in self.buf:
            self._recv()
        raw_head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = raw_head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        response_headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            response_headers[name.strip().lower()] = value.strip()
        length = int(response_headers.get("content-length", "0"))
        while len(self.buf) < length:
            self._recv()
        payload, self.buf = self.buf[:length], self.buf[length:]
        if response_headers.get("connection", "").lower() == "close":
            self.close()
        return status, response_headers, payload

    def _recv(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the gateway closed the connection")
        self.buf += data

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def run_load(port: int, requests: int, concurrency: int, make_request, stop: threading.Event | None = None,
             on_response=None) -> dict:
    """Sends `requests` requests from `concurrency` threads, each on its own keep-alive connection.

    `make_request(index) -> (path, body, headers)`. `on_response(index, status, headers, body, sent_at)` is called for
    every complete response. Returns {"completed", "failed", "seconds"}; a connection error ends that thread's
    share (as when the gateway shuts down) and counts as failed.
    """
    lock = threading.Lock()
    next_index = [0]
    counts = {"completed": 0, "failed": 0}

    def worker():
        client = RawClient(port)
        try:
            while stop is None or not stop.is_set():
                with lock:
                    index = next_index[0]
                    if index >= requests:
                        return
                    next_index[0] += 1
                path, body, headers = make_request(index)
                sent_at = time.monotonic()
                try:
                    status, response_headers, payload = client.post(path, body, headers)
                except (OSError, ConnectionError, ValueError, IndexError):
                    with lock:
                        counts["failed"] += 1
                    client.close()
                    if stop is not None:
                        return  # the gateway is going away: this thread's work is over
                    continue
                with lock:
                    counts["completed"] += 1
                if on_response is not None:
                    on_response(index, status, response_headers, payload, sent_at)
        finally:
            client.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, name=f"load-{n}") for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts["seconds"] = time.monotonic() - started
    return counts


# ---- responses with tool calls, thinking and cache usage -----------------------------------------------------------


def openai_usage_block(prompt: int, completion: int, cached: int = 0, reasoning: int = 0) -> dict:
    """OpenAI usage; `prompt` counts every prompt token, `cached` of them read from the cache."""
    usage = openai_usage(prompt, completion)
    usage["prompt_tokens_details"]["cached_tokens"] = cached
    usage["completion_tokens_details"]["reasoning_tokens"] = reasoning
    return usage


def openai_completion_with(usage: dict, text: str = "Done.", model: str = "gpt-4o-2024-08-06") -> bytes:
    body = json.loads(openai_completion(text, model=model))
    body["usage"] = usage
    return json.dumps(body, indent=2).encode()


def openai_stream_with(usage: dict | None, pieces: list[str], model: str = "gpt-4o-2024-08-06",
                       tool_calls: list[tuple[str, str, list[str]]] = (), interleave: bool = False,
                       finish_reason: str | None = None, ident: str = "chatcmpl-rec0001") -> list[bytes]:
    """An OpenAI stream: text `pieces`, then `tool_calls` (id, name, argument pieces) — one after the other, or with
    `interleave` their argument deltas alternating, as parallel calls arrive — then the finish chunk, the usage chunk
    (when `usage` is given; every chunk then has "usage":null) and [DONE]."""
    marker = None if usage is not None else "absent"

    def chunk(delta: dict, finish: str | None = None) -> bytes:
        return sse_data(openai_chunk(ident, model, [{"index": 0, "delta": delta, "logprobs": None,
                                                     "finish_reason": finish}], marker))

    events = [chunk({"role": "assistant", "content": "" if pieces else None, "refusal": None})]
    events += [chunk({"content": piece}) for piece in pieces]
    for index, (call_id, name, _) in enumerate(tool_calls):
        if not interleave:
            events.append(chunk({"tool_calls": [{"index": index, "id": call_id, "type": "function",
                                                 "function": {"name": name, "arguments": ""}}]}))
            events += [chunk({"tool_calls": [{"index": index, "function": {"arguments": part}}]})
                       for part in tool_calls[index][2]]
    if interleave:
        for index, (call_id, name, _) in enumerate(tool_calls):
            events.append(chunk({"tool_calls": [{"index": index, "id": call_id, "type": "function",
                                                 "function": {"name": name, "arguments": ""}}]}))
        longest = max(len(parts) for _, _, parts in tool_calls)
        for step in range(longest):
            for index, (_, _, parts) in enumerate(tool_calls):
                if step < len(parts):
                    events.append(chunk({"tool_calls": [{"index": index, "function": {"arguments": parts[step]}}]}))
    events.append(chunk({}, finish_reason or ("tool_calls" if tool_calls else "stop")))
    if usage is not None:
        events.append(sse_data(openai_chunk(ident, model, [], usage)))
    events.append(b"data: [DONE]\n\n")
    return events


def anthropic_usage_block(input_tokens: int, output_tokens: int, cache_read: int = 0, cache_write: int = 0) -> dict:
    return {"input_tokens": input_tokens, "cache_creation_input_tokens": cache_write,
            "cache_read_input_tokens": cache_read, "output_tokens": output_tokens, "service_tier": "standard"}


def anthropic_message_with(usage: dict, text: str = "Done.", model: str = "claude-sonnet-4-5-20250929") -> bytes:
    body = json.loads(anthropic_message(text, model=model))
    body["usage"] = usage
    return dumps(body)


def anthropic_stream_with(usage: dict, blocks: list[tuple], model: str = "claude-sonnet-4-5-20250929",
                          stop_reason: str = "end_turn", delta_usage: str = "output",
                          ident: str = "msg_01RecordingStream") -> list[bytes]:
    """An Anthropic stream whose final usage is `usage`. `blocks`: ("text", [pieces]), ("thinking", [pieces],
    signature) or ("tool_use", id, name, [partial_json pieces]). `message_start` carries the input and cache tokens
    (and output 1); `message_delta` carries the output tokens only ("output", the classic shape) or every count again
    ("cumulative", as newer API versions send them)."""
    start_usage = dict(usage, output_tokens=1)
    events = [sse_event("message_start", {"type": "message_start", "message": {
        "id": ident, "type": "message", "role": "assistant", "model": model, "content": [], "stop_reason": None,
        "stop_sequence": None, "usage": start_usage}})]
    for index, block in enumerate(blocks):
        kind = block[0]
        if kind == "text":
            start, deltas = {"type": "text", "text": ""}, [{"type": "text_delta", "text": p} for p in block[1]]
        elif kind == "thinking":
            start = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": p} for p in block[1]]
            deltas.append({"type": "signature_delta", "signature": block[2]})
        elif kind == "tool_use":
            start = {"type": "tool_use", "id": block[1], "name": block[2], "input": {}}
            deltas = [{"type": "input_json_delta", "partial_json": p} for p in block[3]]
        else:
            raise ValueError(kind)
        events.append(sse_event("content_block_start", {"type": "content_block_start", "index": index,
                                                        "content_block": start}))
        if index == 0:
            events.append(sse_event("ping", {"type": "ping"}))
        events += [sse_event("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})
                   for d in deltas]
        events.append(sse_event("content_block_stop", {"type": "content_block_stop", "index": index}))
    if delta_usage == "output":
        final = {"output_tokens": usage["output_tokens"]}
    else:
        final = {key: usage[key] for key in ("input_tokens", "cache_creation_input_tokens",
                                             "cache_read_input_tokens", "output_tokens")}
    events.append(sse_event("message_delta", {"type": "message_delta",
                                              "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                                              "usage": final}))
    events.append(sse_event("message_stop", {"type": "message_stop"}))
    return events
