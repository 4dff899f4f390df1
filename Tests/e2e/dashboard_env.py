"""What the dashboard tests read: a gateway with the SQLite sink and the admin listener, and a few real exchanges
recorded through it (stream and not, both dialects, the mock upstreams and the C echo provider, a converted one
when the converter accepts it, an upstream failure and a rejected request)."""
from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import httpx

import harness
from harness import Gateway, post_json
from mocks.upstream import MockUpstream, Pause, Reply, Stream
from mocks.wire import (ANTHROPIC_JSON_HEADERS, ANTHROPIC_SSE_HEADERS, OPENAI_JSON_HEADERS, OPENAI_SSE_HEADERS,
                        anthropic_message, anthropic_stream_events, openai_completion, openai_error,
                        openai_stream_events)

SEARCH_WORD = "zebra-quartz"  # appears in exactly one request body, for the free-text search
ADMIN_TOKEN = "dash-token-7f3a9c"  # the admin token of `token_dashboard`


def dashboard_config(oa: MockUpstream, an: MockUpstream, echo_plugins: Path, db_path: Path,
                     admin: str = "127.0.0.1:0", token: str | None = None) -> dict:
    """The gateway: OpenAI and Anthropic mocks, the echo provider, the dialect converter and the SQLite sink."""
    plugins = harness.plugin_dir()
    providers = {
        "oa": harness.openai_provider(oa.base_url + "/v1", timeouts=harness.NORMAL),
        "an": harness.anthropic_provider(an.base_url, timeouts=harness.NORMAL),
        "echo": harness.provider("dev.lessllm.example.echo"),
    }
    routes = [
        {"model": "echo", "provider": "echo"},
        {"model": "conv-sonnet", "provider": "an", "upstream_model": "claude-sonnet-4-5"},
        {"model": "gpt-*", "provider": "oa"},
        {"model": "claude-*", "provider": "an"},
    ]
    config = harness.config(providers, routes, echo_plugins)
    config["listen"]["admin"] = admin
    if token is not None:
        config["listen"]["admin_token"] = token
    config["plugins"]["files"] += [str(plugins / "libDialectConverter.so"), str(plugins / "libSQLiteSink.so")]
    config["converters"] = {"dialects": {"plugin": "dev.lessllm.converter.dialects"}}
    config["sinks"] = {"sqlite": {"plugin": "dev.lessllm.sink.sqlite", "options": {"path": str(db_path)}}}
    config["recording"] = {"raw_events": True}
    return config


@dataclass
class Recorded:
    """The gateway, its database and the exchanges recorded through it (label → exchange id)."""
    gateway: Gateway
    db_path: Path
    ids: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # label → why that exchange could not be recorded

    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection to the sink's database (WAL: it never blocks the gateway's writer), closed after."""
        connection = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        connection.row_factory = sqlite3.Row
        try:
            yield connection
        finally:
            connection.close()

    def row(self, exchange_id: str) -> sqlite3.Row:
        with self.db() as connection:
            row = connection.execute("SELECT * FROM exchanges WHERE id = ?", (exchange_id,)).fetchone()
        assert row is not None, f"exchange {exchange_id} is not in the database"
        return row

    def record(self, exchange_id: str) -> dict:
        return json.loads(self.row(exchange_id)["record_json"])

    def stored_count(self) -> int:
        with self.db() as connection:
            return connection.execute("SELECT count(*) FROM exchanges").fetchone()[0]


def _openai_body(model: str, text: str, stream: bool = False) -> bytes:
    body = {"model": model, "messages": [{"role": "system", "content": "Answer briefly."},
                                         {"role": "user", "content": text}]}
    if stream:
        body.update(stream=True, stream_options={"include_usage": True})
    return json.dumps(body).encode()


def _anthropic_body(model: str, text: str, stream: bool = False) -> bytes:
    body = {"model": model, "max_tokens": 200, "messages": [{"role": "user", "content": text}]}
    if stream:
        body["stream"] = True
    return json.dumps(body).encode()


def _with_cache(message: bytes, cache_read: int) -> bytes:
    """An Anthropic message whose prompt was mostly read from the cache."""
    body = json.loads(message)
    body["usage"]["cache_read_input_tokens"] = cache_read
    return json.dumps(body).encode()


def _cached_openai_completion(text: str) -> bytes:
    """A gpt-4o completion with 1024 of its 1500 prompt tokens cached."""
    body = json.loads(openai_completion(text, prompt_tokens=1500, completion_tokens=42))
    body["usage"]["prompt_tokens_details"]["cached_tokens"] = 1024
    return json.dumps(body).encode()


def record_exchanges(recorded: Recorded, oa: MockUpstream, an: MockUpstream) -> None:
    """Sends the exchanges through the proxy and waits until the sink stored every one."""
    anthropic_headers = {"anthropic-version": "2023-06-01", "x-api-key": harness.CLIENT_KEY}
    openai_headers = {"authorization": f"Bearer {harness.CLIENT_KEY}"}
    streamed_pieces = ["The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog"]
    # A short pause between pieces gives the token timeline a visible shape without slowing the suite.
    paced = [part for event in openai_stream_events(streamed_pieces, model="gpt-4o-mini-2024-07-18")
             for part in (event, Pause(0.01))]
    oa.script(
        Reply(200, OPENAI_JSON_HEADERS, _cached_openai_completion("Bonjour ! こんにちは")),
        Stream(200, OPENAI_SSE_HEADERS, paced),
        Reply(500, OPENAI_JSON_HEADERS, openai_error("The server had an error while processing your request.",
                                                     "server_error", None)),
    )
    an.script(
        Reply(200, ANTHROPIC_JSON_HEADERS, _with_cache(anthropic_message("Hello from Claude", input_tokens=30,
                                                                        output_tokens=8), 2000)),
        Stream(200, ANTHROPIC_SSE_HEADERS, anthropic_stream_events(["Str", "eam", "ing", " Claude"])),
    )
    plan = [
        ("openai", "/v1/chat/completions", _openai_body("gpt-4o", f"Say hello {SEARCH_WORD}"), openai_headers),
        ("openai_stream", "/v1/chat/completions", _openai_body("gpt-4o-mini", "Tell a fox story", True),
         openai_headers),
        ("anthropic", "/v1/messages", _anthropic_body("claude-sonnet-4-5", "Hello Claude"), anthropic_headers),
        ("anthropic_stream", "/v1/messages", _anthropic_body("claude-sonnet-4-5", "Stream it", True),
         anthropic_headers),
        ("echo", "/v1/chat/completions", _openai_body("echo", "echo this back please"), openai_headers),
        ("echo_stream", "/v1/messages", _anthropic_body("echo", "echo streamed words", True), anthropic_headers),
        ("upstream_error", "/v1/chat/completions", _openai_body("gpt-4o", "this one fails upstream"), openai_headers),
        ("unknown_model", "/v1/chat/completions", _openai_body("no-such-model", "nobody serves this"),
         openai_headers),
    ]
    sent = 0
    with httpx.Client(base_url=recorded.gateway.url, timeout=15, trust_env=False) as client:
        for label, path, body, headers in plan:
            response = post_json(client, path, body, headers)
            sent += 1
            exchange_id = response.headers.get("x-lessllm-exchange-id")
            if label == "unknown_model":
                assert response.status_code == 404, response.text
                continue  # a request refused before routing carries no exchange id header: found below
            assert exchange_id, f"{label}: no x-lessllm-exchange-id ({response.status_code} {response.text[:200]})"
            recorded.ids[label] = exchange_id
        # Converted: an OpenAI client served by the Anthropic provider, when the converter accepts it.
        an.script(Reply(200, ANTHROPIC_JSON_HEADERS, anthropic_message("Converted hello", input_tokens=15,
                                                                        output_tokens=3)))
        response = post_json(client, "/v1/chat/completions", _openai_body("conv-sonnet", "convert me"),
                             openai_headers)
        sent += 1
        exchange_id = response.headers.get("x-lessllm-exchange-id")
        if response.status_code == 200 and exchange_id:
            recorded.ids["converted"] = exchange_id
        else:
            recorded.skipped["converted"] = f"{response.status_code}: {response.text[:300]}"
    wait_until_stored(recorded, sent)
    with recorded.db() as connection:
        rejected = connection.execute("SELECT id FROM exchanges WHERE outcome = 'rejected' "
                                      "AND request_json LIKE '%no-such-model%'").fetchall()
    assert len(rejected) == 1, f"the unknown model's exchange was stored {len(rejected)} times"
    recorded.ids["unknown_model"] = rejected[0]["id"]


def wait_until_stored(recorded: Recorded, count: int, timeout: float = 10.0) -> None:
    """Polls the dashboard API until it lists `count` exchanges (records reach the sink off the relay path)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=recorded.gateway.admin_url, timeout=5, trust_env=False) as client:
        while True:
            total = client.get("/api/exchanges", params={"limit": 1}).json()["total"]
            if total >= count:
                return
            assert time.monotonic() < deadline, f"only {total} of {count} exchanges were stored in {timeout}s"
            time.sleep(0.05)  # the pipeline's progress is only observable by asking


# ---- what the database says (computed here, independently of the gateway) -----------------------------------------

def db_ids(recorded: Recorded, where: str = "", parameters: tuple = ()) -> list[str]:
    """Exchange ids matching `where`, newest first (the list's order)."""
    sql = "SELECT id FROM exchanges " + (f"WHERE {where} " if where else "") + "ORDER BY started_at_ms DESC, id DESC"
    with recorded.db() as connection:
        return [row["id"] for row in connection.execute(sql, parameters)]


def nearest_rank(values: list[float], percent: int) -> float | None:
    """The p-th percentile by the nearest-rank method (a value that really occurred)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, -(-percent * len(ordered) // 100) - 1)]


def db_totals(recorded: Recorded, where: str = "", parameters: tuple = ()) -> dict:
    """The statistics `/api/stats` reports as totals, computed from the table's rows."""
    sql = "SELECT * FROM exchanges" + (f" WHERE {where}" if where else "")
    with recorded.db() as connection:
        rows = connection.execute(sql, parameters).fetchall()

    def total(column: str):
        return sum(row[column] or 0 for row in rows)

    def present(column: str) -> list[float]:
        return [row[column] for row in rows if row[column] is not None]

    count = len(rows)
    errors = sum(1 for row in rows if row["outcome"] not in ("ok", "client_cancelled"))
    tokens = {"input": total("input_tokens"), "output": total("output_tokens"),
              "cache_read": total("cache_read_tokens"), "cache_write": total("cache_write_tokens"),
              "reasoning": total("reasoning_tokens")}
    prompt = tokens["input"] + tokens["cache_read"] + tokens["cache_write"]
    return {
        "count": count,
        "errors": errors,
        "cancelled": sum(1 for row in rows if row["outcome"] == "client_cancelled"),
        "error_rate": errors / count if count else None,
        "tokens": tokens,
        "cost_total": sum(present("cost_total")),
        "priced": len(present("cost_total")),
        "cache_savings": total("cache_savings"),
        "cache_hit_ratio": tokens["cache_read"] / prompt if prompt else None,
        **{f"{name}_ms": {f"p{p}": nearest_rank(present(f"{name}_ms"), p) for p in (50, 95, 99)}
           for name in ("ttft", "total", "tpot")},
    }
